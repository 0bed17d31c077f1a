#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Minimal DPDK telemetry (v2) client, Python standard library only.

A DPDK >= 20.05 process serves JSON commands on the unix SEQPACKET socket
<runtime dir>/dpdk_telemetry.v2, where the runtime dir is
/var/run/dpdk/<file-prefix> for root (else $XDG_RUNTIME_DIR/dpdk/<prefix>).
On connect the server sends one JSON greeting (version, pid,
max_output_len); then every command "/ethdev/stats,0" gets one JSON reply
{"/ethdev/stats": {...}}.

    python3 telemetry.py PREFIX /ethdev/stats,0
"""

import json
import os
import socket
import sys
import time


def runtime_dir(prefix):
    if os.geteuid() == 0:
        base = "/var/run/dpdk"
    else:
        base = os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")
    return os.path.join(base, prefix)


def socket_path(prefix):
    return os.path.join(runtime_dir(prefix), "dpdk_telemetry.v2")


class Telemetry:
    """One connection to a DPDK process's telemetry socket."""

    def __init__(self, prefix, timeout=10.0):
        path = socket_path(prefix)
        deadline = time.monotonic() + timeout
        last = None
        while True:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                s.connect(path)
                break
            except OSError as e:
                s.close()
                last = e
                if time.monotonic() > deadline:
                    raise OSError("telemetry socket %s: %s" % (path, last))
                time.sleep(0.1)
        self.sock = s
        self.sock.settimeout(5.0)
        hello = json.loads(self.sock.recv(65536).decode())
        self.max_len = int(hello.get("max_output_len", 16384))
        self.pid = hello.get("pid")

    def cmd(self, command):
        self.sock.send(command.encode())
        data = self.sock.recv(max(self.max_len, 65536) + 1024)
        reply = json.loads(data.decode())
        key = command.split(",", 1)[0]
        return reply.get(key, reply)

    def ethdev_list(self):
        return self.cmd("/ethdev/list")

    def ethdev_stats(self, port):
        return self.cmd("/ethdev/stats,%d" % port)

    def all_stats(self, ports):
        """{port: stats dict} for @ports, read back to back (one snapshot)."""
        return {p: self.ethdev_stats(p) for p in ports}

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    with Telemetry(argv[1]) as t:
        for c in argv[2:]:
            print(json.dumps(t.cmd(c), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
