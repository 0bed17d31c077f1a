#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write config/sample.pcap, the input of the default configuration.

    scripts/make-sample-pcap.py [OUTPUT]     (default: config/sample.pcap)

The frames match config/default.json: interface in0 (net_pcap0) receives
them; there is a route 10.0.0.0/8 via in0, (*,239.1.1.1) has members on
out1 and out2, (10.0.0.1,239.2.2.2) on out2.  What the file holds, in a
fixed interleaved order (the output is byte-for-byte reproducible):

    80  UDP 10.0.0.1 -> 239.1.1.1   (stream 1)  -> out1 and out2
    50  UDP 10.0.0.1 -> 239.2.2.2   (stream 2)  -> out2
    50  UDP 10.0.0.2 -> 239.1.1.1   (stream 3)  -> out1 and out2
     6  IGMP v2/v3 reports and a leave          -> punted (igmp), not sent
    14  UDP 10.0.0.9 -> 224.0.0.5   (stream 4)  -> punted (link-local), not sent

so out1 should carry 130 packets and out2 180, each with TTL 63 (sent
with 64), the 01:00:5e group MAC and the output port's source MAC.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(REPO, "test", "integration"))
import pcapgen as pg  # noqa: E402

SRC_MAC = "02:00:0a:00:00:01"


def frames():
    s1 = [pg.udp_frame("10.0.0.1", "239.1.1.1", seq=i, stream=1, src_mac=SRC_MAC)
          for i in range(80)]
    s2 = [pg.udp_frame("10.0.0.1", "239.2.2.2", seq=i, stream=2, src_mac=SRC_MAC)
          for i in range(50)]
    s3 = [pg.udp_frame("10.0.0.2", "239.1.1.1", seq=i, stream=3,
                       src_mac="02:00:0a:00:00:02") for i in range(50)]
    ll = [pg.udp_frame("10.0.0.9", "224.0.0.5", seq=i, stream=4, ttl=1,
                       src_mac="02:00:0a:00:00:09") for i in range(14)]
    igmp = [pg.igmp_frame("239.1.1.1"),
            pg.igmp_frame("239.2.2.2"),
            pg.igmp_frame("239.1.1.1", msg_type=0x22,
                          records=[(4, "239.1.1.1", [])]),
            pg.igmp_frame("239.3.3.3"),
            pg.igmp_frame("239.2.2.2", msg_type=0x22,
                          records=[(1, "239.2.2.2", ["10.0.0.1"])]),
            pg.igmp_frame("239.3.3.3", msg_type=0x17)]
    out = []
    extras = {25: igmp[0], 55: igmp[1], 85: igmp[2], 115: igmp[3],
              145: igmp[4], 175: igmp[5]}
    data = []
    for i in range(80):
        data.append(s1[i])
        if i < 50:
            data.append(s2[i])
            data.append(s3[i])
    ll_at = set(range(10, 180, 13))
    li = 0
    for i, f in enumerate(data):
        out.append(f)
        if i in extras:
            out.append(extras[i])
        if i in ll_at and li < len(ll):
            out.append(ll[li])
            li += 1
    out.extend(ll[li:])
    return out


def main(argv):
    path = argv[1] if len(argv) > 1 else os.path.join(REPO, "config", "sample.pcap")
    fr = frames()
    pg.write_pcap(path, fr, start_ts=1700000000.0, step=0.001)
    size = os.path.getsize(path)
    print("%s: %d frames, %d bytes" % (path, len(fr), size))
    if size >= 64 * 1024:
        print("warning: larger than 64 KiB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
