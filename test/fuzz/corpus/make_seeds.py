#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed corpus of fuzz_mgm_api into fuzz_mgm_api/.

Each seed is a readable program in the harness's encoding (see enum
fz_opcode and the fz_op_* readers in ../fuzz_mgm_api.c): one byte of
instance config, then operations.  Re-run after changing the encoding:
    python3 test/fuzz/corpus/make_seeds.py
"""
import os

(REGISTER, DEREGISTER, TAKE, RELEASE, GET_PROTOCOL, ADD, ADD2, DELETE, MISS,
 MISS2, WRONG_IF, GET_MFE, ENUM_MFE, SET_MFE, GENUM_START, GENUM_NEXT,
 GENUM_END, RTM_REGISTER, RTM_DEREGISTER, RTM_ADD, RTM_DELETE, RTM_MISC,
 CLOCK, FORWARDER, PROTOCOL_CTX) = range(25)

IGMP, IGMP2, OSPF, MSDP = range(4)       # protocol slots
SIZE_BIG, SIZE_63, SIZE_60 = 16, 6, 5    # indexes into fz_sizes[]
WILD, BAD_MASK = 5, 7                    # source/group selectors
JOIN, FWD = 0, 3                         # flag selectors
TTL_2, TTL_INF = 2, 5                    # ttl selectors (low 3 bits)
CLOCK_2S, CLOCK_901S = 4, 6


def reg(slot, mode=0, no_ops=False):
    return [REGISTER, slot | (4 if no_ops else 0), mode]


def own(op, slot, key):
    return [op, slot, key]


def member(op, slot, key, src, grp, flags=JOIN):
    return [op, slot, key, src, grp, flags]


def miss(src, grp, key, hdr=b""):
    return [MISS, src, grp, key, len(hdr)] + list(hdr)


def route(op, client, prefix, ifsel, ttl=TTL_INF, metric=0):
    return [op, client, prefix, ifsel, ttl | metric << 3]


def seed_basic():
    p = [0x03]                                   # timeout 900 s, attach later
    p += reg(IGMP) + reg(OSPF)
    p += [RTM_REGISTER, 0x40]                    # static routes, IP, eventfd
    p += route(RTM_ADD, 0, 2, 0)                 # 10.1/16 via if1
    p += route(RTM_ADD, 0, 5, 2)                 # 192.168/16 via if3
    p += own(TAKE, OSPF, 0) + own(TAKE, OSPF, 2) + own(TAKE, OSPF, 4)
    p += own(TAKE, IGMP, 4) + own(TAKE, IGMP, 6)
    p += member(ADD, OSPF, 2, WILD, 0)           # (*,G0) on if2
    p += member(ADD, IGMP, 6, WILD, 1)           # (*,G1) on if4, IGMP only
    p += member(ADD, IGMP, 4, WILD, 0)           # LOCAL_JOIN to OSPF
    p += miss(0, 0, 0, b"\x45\x00\x00\x1c")      # (10.1.0.1,G0) on if1
    p += miss(3, 1, 4)                           # (192.168.1.1,G1) on if3
    p += [GET_MFE, 0, SIZE_BIG, 0, 0, 0]
    p += [GET_MFE, 1, SIZE_60, 0, 0, 0]          # stats, too small
    p += [ENUM_MFE, 0x00, SIZE_BIG] + [ENUM_MFE, 0x02, SIZE_BIG]
    p += [ENUM_MFE, 0x10, SIZE_60]               # next, insufficient
    p += [GENUM_START, OSPF, 0x01] + [GENUM_NEXT, 0, SIZE_63] * 3
    p += [GENUM_END, 0]
    p += [SET_MFE, OSPF, 0, 0, 10, 0, 0, 9, 0]
    p += member(DELETE, OSPF, 2, WILD, 0)
    p += [CLOCK, 0x30 | CLOCK_901S]
    for slot, key in ((OSPF, 0), (OSPF, 2), (OSPF, 4), (IGMP, 4), (IGMP, 6)):
        p += own(RELEASE, slot, key)
    p += [DEREGISTER, OSPF, DEREGISTER, IGMP, RTM_DEREGISTER, 0]
    return p


def seed_reentrant():
    p = [0x07]                                   # forwarder at create
    p += reg(IGMP, 0x1f) + reg(OSPF, 0x0f) + reg(MSDP, 0x0f)
    p += [RTM_REGISTER, 0x40] + route(RTM_ADD, 0, 1, 0)  # 10/8 via if1
    p += own(TAKE, IGMP, 2) + own(TAKE, IGMP, 4)
    p += member(ADD, IGMP, 2, WILD, 0) + member(ADD, IGMP, 4, 0, 0)
    p += own(TAKE, OSPF, 2)                      # DISABLE/ENABLE to IGMP
    p += own(TAKE, MSDP, 0)
    p += member(ADD, MSDP, 0, WILD, 0)
    p += miss(1, 0, 0) + miss(2, 0, 2) + [0] * 8  # callbacks read bytes
    p += [WRONG_IF, 1, 0, 2, 0]
    p += own(RELEASE, OSPF, 2) + [0] * 4
    p += [ENUM_MFE, 0x00, SIZE_BIG]
    p += [DEREGISTER, IGMP]                      # refused: owns keys
    return p


def seed_garbage():
    p = [0x00]                                   # timeout default
    p += reg(OSPF) + [DEREGISTER, OSPF]          # OSPF's handle goes stale
    p += reg(OSPF) + own(TAKE, 200, 1)           # take with the stale one
    p += [TAKE, 250, 1, 2, 3, 4, 5, 6, 7, 8, 3]  # random 64-bit handle
    p += member(ADD, OSPF, 1, BAD_MASK, BAD_MASK, 7)
    p += member(ADD, 200, 1, 0, 0) + member(DELETE, OSPF, 1, 0, 0)
    p += [GENUM_START, OSPF, 0x02]               # bad type
    p += [GENUM_START, OSPF, 0x01, GENUM_END, 0, GENUM_END, 200]
    p += [GENUM_NEXT, 210, SIZE_BIG, GENUM_NEXT, 250, 0, 0, 0, 1, 0]
    p += [PROTOCOL_CTX, 200, PROTOCOL_CTX, 0]
    p += [RTM_REGISTER, 0x0e, RTM_REGISTER, 0x30]  # bad family, bad flags
    p += [RTM_ADD, 240, 0, 0, 7]                 # stale client, ttl > max
    p += [GET_MFE, 3, SIZE_BIG, 0, 15, 0]        # bad stats flags
    return p


def seed_route_churn():
    p = [0x02]                                   # MFE timeout 5 s
    p += reg(OSPF) + reg(MSDP)
    p += [RTM_REGISTER, 0x40, RTM_REGISTER, 0x41]  # static + RIP
    p += route(RTM_ADD, 0, 1, 0, TTL_2) + route(RTM_ADD, 1, 2, 1, TTL_INF, 2)
    p += own(TAKE, OSPF, 0) + own(TAKE, OSPF, 1) + own(TAKE, MSDP, 3)
    p += member(ADD, MSDP, 3, WILD, 2) + member(ADD, OSPF, 1, 0, 2, FWD)
    p += miss(0, 2, 0) + miss(1, 2, 0)
    p += [CLOCK, 0x30 | CLOCK_2S]                # 10/8 ages out
    p += [RTM_MISC, 0x01, 0] + [RTM_MISC, 0x00]  # dequeue, lookup
    p += [ENUM_MFE, 0x01, SIZE_BIG]              # STATS_0
    p += [FORWARDER, 0x00, FORWARDER, 0x01]      # reattach, failing reads
    p += [GET_MFE, 2, SIZE_BIG, 1, 2, 0]
    p += route(RTM_DELETE, 1, 2, 1) + [CLOCK, 0x10 | CLOCK_901S]
    return p


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "fuzz_mgm_api")
    os.makedirs(out, exist_ok=True)
    for name, fn in (("basic", seed_basic), ("reentrant", seed_reentrant),
                     ("garbage", seed_garbage),
                     ("route_churn", seed_route_churn)):
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes(b & 0xff for b in fn()))


if __name__ == "__main__":
    main()
