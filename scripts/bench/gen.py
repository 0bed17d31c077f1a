#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Inputs of the forwarding benchmark: pcaps and mcastfwd configurations.

Frames are built with test/integration/pcapgen.py (UDP in IPv4, valid
checksums, 01:00:5e destination MAC of the group).  A "frame size" is the
RFC 2544 / RFC 3918 size, FCS included: a 64 B frame is 60 bytes in the
pcap (the NIC would append the 4-byte FCS).

Address plan (shared with scripts/pktgen/):
  stable (S,G) entry i   S = 10.1.0.1, G = 239.0.0.0 + 256 + i  (i < 2^23)
  churn entry j          made by mcastfwd --churn-rate (198.18/15 -> 239.255/16)
  learn flow k           S = 10.64.0.0 + k + 1, G = 239.255.0.1
  ipv4_multicast         S = 10.1.0.1, G = 224.0.0.(100 + port mask)
"""

import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "test", "integration"))
import pcapgen  # noqa: E402

FCS = 4
HDRS = 14 + 20 + 8           # Ethernet + IPv4 + UDP
MAX_BENCH_FRAMES = 4096      # infinite_rx preloads the file into mbufs

STABLE_SRC = "10.1.0.1"
STABLE_GRP0 = pcapgen.ip_int("239.0.0.0") + 256
LEARN_SRC0 = pcapgen.ip_int("10.64.0.0") + 1
LEARN_GRP = "239.255.0.1"


def ip(n):
    return pcapgen.ip_str(struct.pack("!I", n))


def stable_group(i):
    return ip(STABLE_GRP0 + i)


def payload_for(size):
    if size - FCS < 60 or size - FCS > 9000:
        raise ValueError("frame size %d out of range 64..9004" % size)
    return size - FCS - HDRS


def _frame(src, grp, size, seq, ttl=64):
    return pcapgen.udp_frame(src, grp, seq=seq, stream=seq & 0xFFFF, ttl=ttl,
                             payload_size=payload_for(size))


def _fresh(path, meta):
    """True when @path exists and was made from the same @meta."""
    try:
        with open(path + ".meta") as f:
            return json.load(f) == meta and os.path.exists(path)
    except (OSError, ValueError):
        return False


def _write(path, frames, meta):
    pcapgen.write_pcap(path, frames, step=0.000001)
    with open(path + ".meta", "w") as f:
        json.dump(meta, f)
    return path


def pcap_stable(path, size, table, frames=MAX_BENCH_FRAMES):
    """@frames frames spread evenly over the @table stable entries (every
    table // frames-th entry when the table is larger than the file)."""
    n = min(frames, table)
    reps = max(1, frames // n)
    meta = {"kind": "stable", "size": size, "table": table, "frames": n * reps}
    if _fresh(path, meta):
        return path
    idx = [(k * table) // n for k in range(n)]
    out, seq = [], 0
    for _ in range(reps):
        for i in idx:
            out.append(_frame(STABLE_SRC, stable_group(i), size, seq))
            seq += 1
    return _write(path, out, meta)


def pcap_peer(path, size, fanout, frames=MAX_BENCH_FRAMES):
    """Traffic for DPDK's ipv4_multicast: its table maps 224.0.0.(100 + m)
    to port mask m (m = 1..15).  Output ports are 0..fanout-1, so the group
    is 224.0.0.(100 + 2^fanout - 1)."""
    if not 1 <= fanout <= 4:
        raise ValueError("ipv4_multicast's table reaches 4 ports at most")
    grp = "224.0.0.%d" % (100 + (1 << fanout) - 1)
    meta = {"kind": "peer", "size": size, "group": grp, "frames": frames}
    if _fresh(path, meta):
        return path
    out = [_frame(STABLE_SRC, grp, size, s) for s in range(frames)]
    return _write(path, out, meta)


def pcap_learn(path, size, flows):
    """One frame per new (S,G): sources 10.64.0.1 + k, one group."""
    meta = {"kind": "learn", "size": size, "flows": flows}
    if _fresh(path, meta):
        return path
    tmpl = bytearray(_frame(ip(LEARN_SRC0), LEARN_GRP, size, 0))
    # patch the source address and the IPv4 header checksum; UDP checksum 0
    # ("none", legal for UDP over IPv4) so only the IP header changes
    l3 = 14
    tmpl[l3 + 20 + 6:l3 + 20 + 8] = b"\0\0"
    out = []
    for k in range(flows):
        f = bytearray(tmpl)
        f[l3 + 12:l3 + 16] = struct.pack("!I", LEARN_SRC0 + k)
        f[l3 + 10:l3 + 12] = b"\0\0"
        f[l3 + 10:l3 + 12] = struct.pack(
            "!H", pcapgen.inet_checksum(bytes(f[l3:l3 + 20])))
        out.append(bytes(f))
    return _write(path, out, meta)


# ---------------------------------------------------------------------------
# mcastfwd configurations

def _ifaces(fanout):
    ifs = [{"name": "in0", "ifindex": 1, "port": "net_pcap0"}]
    for k in range(fanout):
        ifs.append({"name": "out%d" % (k + 1), "ifindex": k + 2,
                    "port": "net_null%d" % k})
    return ifs


def _limits(extra):
    lim = {"mbufs": 16383, "mbuf_cache": 256, "rx_desc": 1024,
           "tx_desc": 1024}
    lim.update(extra)
    return lim


def config_stable(path, fanout, table, churn=0, worker_lcore=1):
    """@table static mroutes (S, G_i) in0 -> out1..out<fanout>, and table
    room for @churn more: the churn set mcastfwd --churn-rate makes."""
    meta = {"kind": "stable", "v": 3, "fanout": fanout, "table": table,
            "churn": churn, "lcore": worker_lcore}
    if _fresh(path, meta):
        return path
    n = table + churn
    # lib/mfib sizes its output-counter pool at 4 per entry: with more
    # than 4 outputs per entry, max_entries must grow with the fanout
    n = n * max(1, (fanout + 3) // 4)
    max_entries = max(1024, 1 << (n + n // 8 - 1).bit_length())
    # worker_lcore: one lcore, or a list (worker k polls queue k)
    lcores = worker_lcore if isinstance(worker_lcore, list) \
        else [worker_lcore]
    head = {
        "interfaces": _ifaces(fanout),
        "workers": [{"lcore": lc, "rx": [{"port": "net_pcap0", "queue": q}]}
                    for q, lc in enumerate(lcores)],
        "limits": _limits({"max_entries": min(max_entries, 16777216)}),
    }
    oifs = json.dumps(["out%d" % (k + 1) for k in range(fanout)],
                      separators=(",", ":"))
    with open(path, "w") as f:
        text = json.dumps(head, indent=1)
        f.write(text[:-2] + ',\n "mroutes": [\n')
        first = True
        for i in range(table):
            f.write('%s{"group":"%s","source":"%s","iif":"in0","oifs":%s}'
                    % ("" if first else ",\n", stable_group(i), STABLE_SRC,
                       oifs))
            first = False
        f.write("\n ]\n}\n")
    with open(path + ".meta", "w") as f:
        json.dump(meta, f)
    return path


def config_learn(path, flows, worker_lcore=1):
    """Data-driven: a route to the sources via in0 and a (*,G) membership
    on out1; every new source makes MGM create an (S,G) MFE."""
    ring = 1 << (max(flows, 64) - 1).bit_length()
    cfg = {
        "interfaces": _ifaces(1),
        "workers": [{"lcore": worker_lcore,
                     "rx": [{"port": "net_pcap0", "queue": 0}]}],
        "routes": [{"prefix": "10.0.0.0/8", "interface": "in0"}],
        "memberships": [{"group": LEARN_GRP, "interfaces": ["out1"]}],
        "limits": _limits({
            "mbufs": min(16777215, ring + 16383),
            "punt_ring": min(ring, 1048576),
            "punt_rate": 10000000,
            "max_entries": max(1024, 2 * ring),
        }),
    }
    with open(path, "w") as f:
        json.dump(cfg, f, indent=1)
    return path


if __name__ == "__main__":
    # tiny CLI for operators: gen.py stable-pcap OUT SIZE TABLE, ...
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    a = sys.argv[2:]
    if cmd == "stable-pcap":
        print(pcap_stable(a[0], int(a[1]), int(a[2])))
    elif cmd == "peer-pcap":
        print(pcap_peer(a[0], int(a[1]), int(a[2])))
    elif cmd == "stable-config":
        print(config_stable(a[0], int(a[1]), int(a[2]),
                            int(a[3]) if len(a) > 3 else 0))
    else:
        print("usage: gen.py stable-pcap OUT SIZE TABLE | peer-pcap OUT SIZE "
              "FANOUT | stable-config OUT FANOUT TABLE [CHURN]")
        sys.exit(2)
