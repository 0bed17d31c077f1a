#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed corpus of fuzz_fwd_parse into fuzz_fwd_parse/.

Each seed is a burst in the harness's encoding (see the header comment of
../fuzz_fwd_parse.c): template frames for every route and every parser
branch, so the fuzzer starts deep in the packet path.  Re-run after
changing the encoding:
    python3 test/fuzz/corpus/make_fwd_seeds.py
"""
import os
import struct

TEMPLATE, FIX_CSUM = 0x20, 0x40
GOOD, BAD, UNKNOWN = 1, 2, 3
STRIPPED, VLAN20, TWO_SEGS = 0x04, 0x08, 0x10
# template bits
OTHER_SRC, TAG10, OPTION, IGMP, TTL1 = 0x08, 0x10, 0x20, 0x40, 0x80
G1, G2, G3, G4, G5, LINKLOCAL, UNROUTED, UNICAST = range(8)


def frame(flags, length, tmpl, xor=b""):
    return bytes([flags]) + struct.pack("<H", length) + bytes([tmpl]) + xor


def burst(*frames):
    return bytes([len(frames) - 1]) + b"".join(frames)


T = TEMPLATE | FIX_CSUM
SEEDS = {
    "every-route": burst(frame(T, 64, G1), frame(T, 64, G2),
                         frame(T, 64, G3), frame(T, 64, G4),
                         frame(T, 68, G5 | TAG10), frame(T, 64, G1 | OTHER_SRC),
                         frame(T, 64, UNROUTED), frame(T, 64, UNICAST)),
    "punts": burst(frame(T, 64, LINKLOCAL), frame(T, 64, G1 | IGMP | OPTION),
                   frame(T, 64, UNROUTED), frame(T, 64, G1 | TTL1)),
    "large-and-mtu": burst(frame(T, 1000, G2), frame(T, 600, G3),
                           frame(T | TWO_SEGS, 1400, G2),
                           frame(T, 300, G2 | OPTION)),
    "nic-flags": burst(frame(T | GOOD, 64, G1), frame(T | BAD, 64, G1),
                       frame(T | UNKNOWN, 64, G2),
                       frame(TEMPLATE | GOOD, 64, G1, b"\0" * 24 + b"\x01"),
                       frame(T | STRIPPED, 64, G5),
                       frame(T | STRIPPED | VLAN20, 64, G5)),
    "short-and-padded": burst(frame(T, 20, G1), frame(T, 33, G1),
                              frame(T | TWO_SEGS, 40, G1),
                              frame(T, 60, G1, b"\0" * 17 + b"\x10")),
    "raw": burst(frame(0, 14, 0, b"\xff" * 14), frame(0, 0, 0)),
}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   "fuzz_fwd_parse")
os.makedirs(out, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print("%d seeds in %s" % (len(SEEDS), out))
