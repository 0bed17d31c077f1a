#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""pcapgen — craft and read back Ethernet/IPv4 multicast frames in pcap files.

Python 3 standard library only.  Used by the integration scenarios
(test/integration/run_scenarios.py) and by scripts/make-sample-pcap.py.

Writing::

    frames = [udp_frame("10.0.0.1", "239.1.1.1", seq=i, stream=1)
              for i in range(10)]
    frames.append(udp_frame("10.0.0.1", "239.1.1.1", bad="csum"))
    write_pcap("in.pcap", frames)

Every builder produces a correct frame by default (Ethernet II, optional
802.1Q / QinQ tags, IPv4 with optional options and a valid header checksum,
UDP with a valid checksum or an IGMP message) and takes a knob ``bad=`` to
break exactly one thing, see BAD_KNOBS.

The UDP payload starts with a marker: b"MCFW", stream id (u16), sequence
number (u32), so a copy found in an output pcap can be traced back to its
input packet (parse_frame() returns ``stream`` and ``seq``).

Reading::

    for f in read_pcap("out.pcap"):      # list of bytes
        p = parse_frame(f)               # dict, see parse_frame()
        assert p["ip_csum_ok"]

``python3 pcapgen.py --selftest`` checks the module against itself and
against known-good reference values.
"""

import struct
import sys

LINKTYPE_ETHERNET = 1
PCAP_MAGIC_US = 0xA1B2C3D4
PCAP_MAGIC_NS = 0xA1B23C4D

ETH_P_IPV4 = 0x0800
ETH_P_ARP = 0x0806
ETH_P_IPV6 = 0x86DD
ETH_P_8021Q = 0x8100
ETH_P_8021AD = 0x88A8

IPPROTO_IGMP = 2
IPPROTO_UDP = 17

PAYLOAD_MAGIC = b"MCFW"
MIN_FRAME = 60  # Ethernet minimum without FCS

DEFAULT_SRC_MAC = "02:00:00:00:00:01"

# What bad= can break (one at a time).
BAD_KNOBS = {
    None: "a correct frame",
    "short": "frame truncated inside the IPv4 header (34 bytes total)",
    "short_eth": "frame shorter than an Ethernet header (10 bytes)",
    "version": "IPv4 version field 6 (header otherwise valid, checksum fixed)",
    "ihl": "IHL 4 (< 5), checksum fixed",
    "ihl_big": "IHL 15 but the frame holds no 60-byte header, checksum fixed",
    "totlen_big": "total length larger than the frame, checksum fixed",
    "totlen_small": "total length smaller than the header, checksum fixed",
    "csum": "header checksum wrong",
    "ttl0": "TTL 0, checksum fixed",
    "ttl1": "TTL 1, checksum fixed",
    "ethertype": "not IPv4: ethertype 0x86dd (IPv6) with an IPv4-looking body",
    "arp": "ethertype ARP",
    "unicast": "unicast IPv4 destination (10.9.9.9) with a multicast MAC",
    "broadcast": "IPv4 destination 255.255.255.255",
    "qinq": "two VLAN tags (802.1ad outer + 802.1Q inner)",
}


# ---------------------------------------------------------------------------
# addresses and checksums

def mac_bytes(mac):
    """'aa:bb:cc:dd:ee:ff' (or bytes) -> 6 bytes."""
    if isinstance(mac, (bytes, bytearray)):
        if len(mac) != 6:
            raise ValueError("MAC must be 6 bytes")
        return bytes(mac)
    parts = mac.replace("-", ":").split(":")
    if len(parts) != 6:
        raise ValueError("bad MAC %r" % mac)
    return bytes(int(p, 16) for p in parts)


def mac_str(b):
    return ":".join("%02x" % x for x in b)


def ip_bytes(addr):
    """'10.0.0.1' (or 4 bytes or int host order) -> 4 bytes network order."""
    if isinstance(addr, (bytes, bytearray)):
        return bytes(addr)
    if isinstance(addr, int):
        return struct.pack("!I", addr)
    parts = addr.split(".")
    if len(parts) != 4:
        raise ValueError("bad IPv4 address %r" % addr)
    return bytes(int(p) for p in parts)


def ip_str(b):
    return ".".join(str(x) for x in b)


def ip_int(addr):
    return struct.unpack("!I", ip_bytes(addr))[0]


def mcast_mac(group):
    """RFC 1112 mapping: 01:00:5e + low 23 bits of the group."""
    g = ip_bytes(group)
    return bytes([0x01, 0x00, 0x5E, g[1] & 0x7F, g[2], g[3]])


def is_multicast(addr):
    return 224 <= ip_bytes(addr)[0] <= 239


def inet_checksum(data):
    """RFC 1071 ones' complement sum, returned complemented (the checksum)."""
    if len(data) % 2:
        data = bytes(data) + b"\x00"
    s = 0
    for (w,) in struct.iter_unpack("!H", data):
        s += w
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4_header_ok(hdr):
    """True when the IPv4 header @hdr (IHL*4 bytes) sums to 0xffff."""
    return inet_checksum(hdr) == 0


# ---------------------------------------------------------------------------
# builders

def payload_marker(stream, seq, size=0):
    """b"MCFW" + stream (u16) + seq (u32), padded with a pattern to @size."""
    p = PAYLOAD_MAGIC + struct.pack("!HI", stream & 0xFFFF, seq & 0xFFFFFFFF)
    if size > len(p):
        p += bytes((i & 0xFF) for i in range(size - len(p)))
    return p


def udp_datagram(src, dst, sport, dport, payload, checksum=True):
    length = 8 + len(payload)
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    if checksum:
        pseudo = ip_bytes(src) + ip_bytes(dst) + struct.pack("!BBH", 0, IPPROTO_UDP, length)
        c = inet_checksum(pseudo + hdr + payload)
        if c == 0:
            c = 0xFFFF
        hdr = struct.pack("!HHHH", sport, dport, length, c)
    return hdr + payload


def igmp_message(msg_type=0x16, group="239.1.1.1", max_resp=0, sources=None,
                 records=None):
    """IGMPv1/v2 message (type 0x11 query, 0x12 v1 report, 0x16 v2 report,
    0x17 leave) or, for type 0x22, an IGMPv3 report whose @records is a list
    of (record_type, group, [sources])."""
    if msg_type == 0x22:
        recs = b""
        for rtype, grp, srcs in (records or [(2, group, [])]):
            recs += struct.pack("!BBH", rtype, 0, len(srcs)) + ip_bytes(grp)
            for s in srcs:
                recs += ip_bytes(s)
        body = struct.pack("!BBHHH", 0x22, 0, 0, 0, len(records or [1]))
        msg = body + recs
        c = inet_checksum(msg)
        return msg[:2] + struct.pack("!H", c) + msg[4:]
    msg = struct.pack("!BBH", msg_type, max_resp, 0) + ip_bytes(group)
    if sources is not None:  # IGMPv3 query
        msg += struct.pack("!BBH", 0, 0, len(sources))
        for s in sources:
            msg += ip_bytes(s)
    c = inet_checksum(msg)
    return msg[:2] + struct.pack("!H", c) + msg[4:]


def ipv4_packet(src, dst, proto, payload, ttl=64, tos=0, ident=0,
                flags_frag=0x4000, options=b"", version=4, ihl=None,
                total_length=None, checksum=None):
    """An IPv4 packet.  @options is padded to a multiple of 4 bytes with
    EOL.  @ihl / @total_length override the computed fields (checksum is
    still computed over whatever the header holds); @checksum overrides
    the checksum (an int) or breaks it ("bad")."""
    options = bytes(options)
    if len(options) % 4:
        options += b"\x00" * (4 - len(options) % 4)
    hl = 20 + len(options)
    if ihl is None:
        ihl = hl // 4
    if total_length is None:
        total_length = hl + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", ((version & 0xF) << 4) | (ihl & 0xF),
                      tos, total_length & 0xFFFF, ident, flags_frag, ttl & 0xFF,
                      proto, 0, ip_bytes(src), ip_bytes(dst)) + options
    c = inet_checksum(hdr)
    if checksum == "bad":
        c ^= 0x5A5A
        if c == inet_checksum(hdr):  # cannot happen, but be sure
            c ^= 1
    elif checksum is not None:
        c = checksum
    hdr = hdr[:10] + struct.pack("!H", c) + hdr[12:]
    return hdr + payload


def ether_frame(dst_mac, src_mac, ethertype, body, vlan=None, vlan_pcp=0,
                outer_vlan=None, pad=True):
    """Ethernet II frame with an optional 802.1Q tag (@vlan) and an optional
    802.1ad outer tag (@outer_vlan, QinQ).  Padded to 60 bytes by default."""
    f = mac_bytes(dst_mac) + mac_bytes(src_mac)
    if outer_vlan is not None:
        f += struct.pack("!HH", ETH_P_8021AD, outer_vlan & 0xFFF)
    if vlan is not None:
        f += struct.pack("!HH", ETH_P_8021Q, ((vlan_pcp & 7) << 13) | (vlan & 0xFFF))
    f += struct.pack("!H", ethertype) + body
    if pad and len(f) < MIN_FRAME:
        f += b"\x00" * (MIN_FRAME - len(f))
    return f


def udp_frame(src="10.0.0.1", dst="239.1.1.1", seq=0, stream=0, ttl=64,
              src_mac=DEFAULT_SRC_MAC, dst_mac=None, vlan=None,
              options=b"", payload_size=64, sport=5000, dport=5001,
              tos=0, ident=None, bad=None, payload=None, flags_frag=0x4000):
    """A UDP-in-IPv4 multicast frame carrying the (stream, seq) marker.

    @dst_mac defaults to the 01:00:5e mapping of @dst.  @bad breaks one
    field, see BAD_KNOBS.  @payload overrides the marker payload.
    @flags_frag is the IPv4 flags + fragment offset word (default DF)."""
    if bad not in BAD_KNOBS:
        raise ValueError("unknown bad= knob %r" % (bad,))
    if bad == "unicast":
        dst = "10.9.9.9"
        if dst_mac is None:
            dst_mac = mcast_mac("239.1.1.1")
    elif bad == "broadcast":
        dst = "255.255.255.255"
        if dst_mac is None:
            dst_mac = "ff:ff:ff:ff:ff:ff"
    if dst_mac is None:
        dst_mac = mcast_mac(dst)
    if ident is None:
        ident = seq & 0xFFFF
    if payload is None:
        payload = payload_marker(stream, seq, payload_size)
    udp = udp_datagram(src, dst, sport, dport, payload)
    kw = {}
    if bad == "version":
        kw["version"] = 6
    elif bad == "ihl":
        kw["ihl"] = 4
    elif bad == "ihl_big":
        kw["ihl"] = 15
    elif bad == "csum":
        kw["checksum"] = "bad"
    elif bad == "ttl0":
        ttl = 0
    elif bad == "ttl1":
        ttl = 1
    if bad == "ihl_big":
        # header claims 60 bytes, the whole packet is shorter than that
        udp = udp[:8 + 8]
    pkt = ipv4_packet(src, dst, IPPROTO_UDP, udp, ttl=ttl, tos=tos,
                      ident=ident, options=options, flags_frag=flags_frag, **kw)
    if bad == "totlen_big":
        pkt = _set_totlen(pkt, len(pkt) + 200)
    elif bad == "totlen_small":
        pkt = _set_totlen(pkt, 16)
    ethertype = ETH_P_IPV4
    if bad == "ethertype":
        ethertype = ETH_P_IPV6
    elif bad == "arp":
        ethertype = ETH_P_ARP
    outer = 100 if bad == "qinq" else None
    if bad == "qinq" and vlan is None:
        vlan = 10
    frame = ether_frame(dst_mac, src_mac, ethertype, pkt, vlan=vlan,
                        outer_vlan=outer, pad=True)
    if bad == "short":
        # cut inside the IPv4 header: L2 header + 14 of its 20 bytes
        frame = frame[:14 + (4 if vlan is not None else 0) + 14]
    elif bad == "short_eth":
        frame = frame[:10]
    return frame


def _set_totlen(pkt, n):
    ihl = (pkt[0] & 0xF) * 4
    hdr = bytearray(pkt[:ihl])
    struct.pack_into("!H", hdr, 2, n & 0xFFFF)
    struct.pack_into("!H", hdr, 10, 0)
    struct.pack_into("!H", hdr, 10, inet_checksum(bytes(hdr)))
    return bytes(hdr) + pkt[ihl:]


def igmp_frame(group="239.1.1.1", msg_type=0x16, src="10.0.0.99",
               dst=None, src_mac="02:00:00:00:00:63", vlan=None,
               router_alert=True, ttl=1, records=None):
    """An IGMP frame (default: IGMPv2 membership report for @group, sent to
    @group, TTL 1, with the Router Alert option)."""
    if dst is None:
        if msg_type == 0x22:
            dst = "224.0.0.22"
        elif msg_type == 0x17:
            dst = "224.0.0.2"
        elif msg_type == 0x11:
            dst = "224.0.0.1"
        else:
            dst = group
    msg = igmp_message(msg_type, group, records=records)
    opts = b"\x94\x04\x00\x00" if router_alert else b""
    pkt = ipv4_packet(src, dst, IPPROTO_IGMP, msg, ttl=ttl, tos=0xC0,
                      options=opts)
    return ether_frame(mcast_mac(dst), src_mac, ETH_P_IPV4, pkt, vlan=vlan)


# ---------------------------------------------------------------------------
# pcap files

def write_pcap(path, frames, start_ts=1700000000.0, step=0.001,
               snaplen=65535, linktype=LINKTYPE_ETHERNET):
    """Write @frames (iterable of bytes) as a microsecond pcap file."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", PCAP_MAGIC_US, 2, 4, 0, 0, snaplen,
                            linktype))
        t = start_ts
        for fr in frames:
            sec = int(t)
            usec = int(round((t - sec) * 1e6))
            if usec >= 1000000:
                sec, usec = sec + 1, usec - 1000000
            cap = bytes(fr[:snaplen])
            f.write(struct.pack("<IIII", sec, usec, len(cap), len(fr)))
            f.write(cap)
            t += step
    return path


def read_pcap_records(path):
    """List of (timestamp float, frame bytes, original length).  Accepts
    either byte order and microsecond or nanosecond resolution."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError("%s: not a pcap file (%d bytes)" % (path, len(data)))
    magic_le = struct.unpack("<I", data[:4])[0]
    magic_be = struct.unpack(">I", data[:4])[0]
    if magic_le in (PCAP_MAGIC_US, PCAP_MAGIC_NS):
        e, magic = "<", magic_le
    elif magic_be in (PCAP_MAGIC_US, PCAP_MAGIC_NS):
        e, magic = ">", magic_be
    else:
        raise ValueError("%s: bad pcap magic %08x" % (path, magic_le))
    div = 1e9 if magic == PCAP_MAGIC_NS else 1e6
    _vmaj, _vmin, _tz, _sig, _snap, linktype = struct.unpack(e + "HHiIII", data[4:24])
    if linktype != LINKTYPE_ETHERNET:
        raise ValueError("%s: linktype %d, not Ethernet" % (path, linktype))
    out = []
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        if off + incl > len(data):
            break  # truncated last record (writer still running)
        out.append((sec + frac / div, data[off:off + incl], orig))
        off += incl
    return out


def read_pcap(path):
    """The frames of a pcap file (list of bytes)."""
    return [r[1] for r in read_pcap_records(path)]


def count_pcap(path):
    """Number of complete records, 0 for a missing or empty file."""
    try:
        return len(read_pcap_records(path))
    except (OSError, ValueError):
        return 0


# ---------------------------------------------------------------------------
# parsing

def parse_frame(frame):
    """Decode a frame into a dict:

    dst_mac, src_mac (str), vlans (list of (tpid, vid)), ethertype,
    and for IPv4: version, ihl, tos, total_length, ident, ttl, proto,
    ip_csum, ip_csum_ok, src, dst (str), options (bytes), l3_offset;
    for UDP: sport, dport, udp_csum_ok, payload, stream, seq (None
    without the marker); for IGMP: igmp_type, igmp_group.
    ``error`` names the first thing that could not be decoded."""
    p = {"len": len(frame), "vlans": [], "error": None}
    if len(frame) < 14:
        p["error"] = "short ethernet"
        return p
    p["dst_mac"] = mac_str(frame[0:6])
    p["src_mac"] = mac_str(frame[6:12])
    off = 12
    et = struct.unpack("!H", frame[off:off + 2])[0]
    while et in (ETH_P_8021Q, ETH_P_8021AD):
        if len(frame) < off + 6:
            p["error"] = "short vlan"
            return p
        tci = struct.unpack("!H", frame[off + 2:off + 4])[0]
        p["vlans"].append((et, tci & 0xFFF))
        off += 4
        et = struct.unpack("!H", frame[off:off + 2])[0]
    off += 2
    p["ethertype"] = et
    p["vlan"] = p["vlans"][0][1] if p["vlans"] else None
    if et != ETH_P_IPV4:
        return p
    p["l3_offset"] = off
    ip = frame[off:]
    if len(ip) < 20:
        p["error"] = "short ipv4"
        return p
    vihl = ip[0]
    p["version"] = vihl >> 4
    p["ihl"] = vihl & 0xF
    hl = p["ihl"] * 4
    (p["tos"], p["total_length"], p["ident"], p["flags_frag"], p["ttl"],
     p["proto"], p["ip_csum"]) = struct.unpack("!BHHHBBH", ip[1:12])
    p["src"] = ip_str(ip[12:16])
    p["dst"] = ip_str(ip[16:20])
    if hl < 20 or len(ip) < hl:
        p["error"] = "bad ihl"
        p["ip_csum_ok"] = False
        return p
    p["options"] = bytes(ip[20:hl])
    p["ip_csum_ok"] = ipv4_header_ok(ip[:hl])
    end = min(len(ip), p["total_length"]) if p["total_length"] >= hl else len(ip)
    l4 = ip[hl:end]
    p["stream"] = None
    p["seq"] = None
    if p["proto"] == IPPROTO_UDP and len(l4) >= 8:
        p["sport"], p["dport"], ulen, ucsum = struct.unpack("!HHHH", l4[:8])
        payload = l4[8:ulen] if 8 <= ulen <= len(l4) else l4[8:]
        p["payload"] = bytes(payload)
        if ucsum == 0:
            p["udp_csum_ok"] = True
        else:
            pseudo = ip[12:20] + struct.pack("!BBH", 0, IPPROTO_UDP, len(l4[:ulen]))
            p["udp_csum_ok"] = inet_checksum(pseudo + l4[:ulen]) == 0
        if payload[:4] == PAYLOAD_MAGIC and len(payload) >= 10:
            p["stream"], p["seq"] = struct.unpack("!HI", payload[4:10])
    elif p["proto"] == IPPROTO_IGMP and len(l4) >= 8:
        p["igmp_type"] = l4[0]
        p["igmp_group"] = ip_str(l4[4:8])
    return p


def parse_pcap(path):
    return [parse_frame(f) for f in read_pcap(path)]


# ---------------------------------------------------------------------------
# self test

def _selftest():
    import os
    import tempfile
    fails = []

    def check(cond, what):
        if not cond:
            fails.append(what)

    # RFC 1071 example header (Wikipedia IPv4 checksum example)
    hdr = bytes.fromhex("450000730000400040110000c0a80001c0a800c7")
    check(inet_checksum(hdr) == 0xB861, "rfc1071 reference checksum")
    check(mcast_mac("239.129.1.1") == bytes.fromhex("01005e010101"), "mcast mac mask")
    check(mcast_mac("224.0.0.5") == bytes.fromhex("01005e000005"), "mcast mac")

    good = udp_frame("10.0.0.1", "239.1.1.1", seq=7, stream=3, ttl=64)
    p = parse_frame(good)
    check(p["error"] is None, "good parse error %r" % p["error"])
    check(p["ip_csum_ok"], "good checksum")
    check(p["udp_csum_ok"], "good udp checksum")
    check((p["stream"], p["seq"]) == (3, 7), "marker")
    check(p["dst_mac"] == "01:00:5e:01:01:01", "dst mac")
    check(p["ttl"] == 64 and p["version"] == 4 and p["ihl"] == 5, "fields")
    check(p["total_length"] == 20 + 8 + 64, "total length")
    check(len(good) == 14 + 20 + 8 + 64, "frame length")

    small = udp_frame(payload_size=0)
    check(len(small) == 60, "padding to 60")
    check(parse_frame(small)["seq"] == 0, "small marker")

    opt = udp_frame(options=b"\x94\x04\x00\x00\x01", seq=1)
    p = parse_frame(opt)
    check(p["ihl"] == 7 and p["ip_csum_ok"] and p["seq"] == 1, "options")

    tagged = udp_frame(vlan=100, seq=2)
    p = parse_frame(tagged)
    check(p["vlans"] == [(ETH_P_8021Q, 100)] and p["ip_csum_ok"] and p["seq"] == 2, "vlan")

    # each bad knob breaks what it says and only that
    b = parse_frame(udp_frame(bad="csum"))
    check(not b["ip_csum_ok"] and b["version"] == 4, "bad csum")
    b = parse_frame(udp_frame(bad="version"))
    check(b["version"] == 6 and b["ip_csum_ok"], "bad version")
    b = parse_frame(udp_frame(bad="ihl"))
    check(b["ihl"] == 4, "bad ihl")
    b = parse_frame(udp_frame(bad="ihl_big"))
    check(b["ihl"] == 15 and b["error"] == "bad ihl", "bad ihl_big")
    fr = udp_frame(bad="totlen_big")
    b = parse_frame(fr)
    check(b["ip_csum_ok"] and b["total_length"] > len(fr) - 14, "bad totlen_big")
    b = parse_frame(udp_frame(bad="totlen_small"))
    check(b["ip_csum_ok"] and b["total_length"] < 20, "bad totlen_small")
    b = parse_frame(udp_frame(bad="ttl0"))
    check(b["ttl"] == 0 and b["ip_csum_ok"], "ttl0")
    b = parse_frame(udp_frame(bad="ttl1"))
    check(b["ttl"] == 1 and b["ip_csum_ok"], "ttl1")
    b = parse_frame(udp_frame(bad="ethertype"))
    check(b["ethertype"] == ETH_P_IPV6, "ethertype")
    b = parse_frame(udp_frame(bad="arp"))
    check(b["ethertype"] == ETH_P_ARP, "arp")
    b = parse_frame(udp_frame(bad="unicast"))
    check(b["dst"] == "10.9.9.9" and b["ip_csum_ok"], "unicast")
    b = parse_frame(udp_frame(bad="broadcast"))
    check(b["dst"] == "255.255.255.255", "broadcast")
    b = parse_frame(udp_frame(bad="qinq"))
    check([v[0] for v in b["vlans"]] == [ETH_P_8021AD, ETH_P_8021Q] and b["ip_csum_ok"], "qinq")
    fr = udp_frame(bad="short")
    check(14 < len(fr) < 34, "short length %d" % len(fr))
    check(parse_frame(fr)["error"] == "short ipv4", "short parse")
    check(len(udp_frame(bad="short_eth")) == 10, "short_eth")
    check(parse_frame(udp_frame(bad="short", vlan=5))["error"] == "short ipv4", "short vlan")

    ig = parse_frame(igmp_frame("239.1.1.1"))
    check(ig["proto"] == IPPROTO_IGMP and ig["igmp_type"] == 0x16 and
          ig["igmp_group"] == "239.1.1.1" and ig["ip_csum_ok"] and ig["ihl"] == 6 and
          ig["ttl"] == 1, "igmp v2 report")
    igf = igmp_frame("239.1.1.1")
    l4 = igf[14 + 24:14 + 24 + 8]
    check(inet_checksum(l4) == 0, "igmp checksum")
    v3 = igmp_frame("239.1.1.1", msg_type=0x22, records=[(4, "239.1.1.1", []), (1, "239.2.2.2", ["10.0.0.1"])])
    p = parse_frame(v3)
    check(p["dst"] == "224.0.0.22" and p["igmp_type"] == 0x22, "igmpv3 report")
    l4 = v3[14 + 24:14 + p["total_length"]]
    check(inet_checksum(l4) == 0, "igmpv3 checksum")

    # TTL-decrement with the RFC 1624 incremental update == recomputation
    ip = bytearray(good[14:34])
    c = struct.unpack("!H", ip[10:12])[0]
    ip[8] -= 1
    s = c + 0x0100
    s = (s + (s >> 16)) & 0xFFFF
    struct.pack_into("!H", ip, 10, s)
    check(ipv4_header_ok(bytes(ip)), "incremental ttl checksum")

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "t.pcap")
        frames = [udp_frame(seq=i, stream=1) for i in range(50)] + [udp_frame(bad="short")]
        write_pcap(path, frames)
        back = read_pcap(path)
        check(back == frames, "pcap roundtrip")
        check(count_pcap(path) == 51, "count")
        # nanosecond big-endian variant
        path2 = os.path.join(d, "ns.pcap")
        with open(path2, "wb") as f:
            f.write(struct.pack(">IHHiIII", PCAP_MAGIC_NS, 2, 4, 0, 0, 65535, 1))
            f.write(struct.pack(">IIII", 5, 500000000, len(good), len(good)) + good)
        r = read_pcap_records(path2)
        check(len(r) == 1 and abs(r[0][0] - 5.5) < 1e-9 and r[0][1] == good, "ns pcap")
        empty = os.path.join(d, "e.pcap")
        write_pcap(empty, [])
        check(read_pcap(empty) == [] and os.path.getsize(empty) == 24, "empty pcap")
        check(count_pcap(os.path.join(d, "missing")) == 0, "missing pcap")
        # a truncated trailing record is ignored
        with open(path, "ab") as f:
            f.write(struct.pack("<IIII", 1, 2, 100, 100) + b"x" * 10)
        check(count_pcap(path) == 51, "truncated tail")

        # cross-check with tcpdump/tshark when available (optional)
        import shutil
        import subprocess
        tool = shutil.which("tcpdump")
        if tool:
            try:
                out = subprocess.run([tool, "-nn", "-v", "-r", path], capture_output=True,
                                     text=True, timeout=20).stdout
                check("bad cksum" not in out.split("\n", 1)[0], "tcpdump checksum view")
            except (OSError, subprocess.SubprocessError):
                pass

    for f in fails:
        print("FAIL", f)
    print("pcapgen selftest: %d failed" % len(fails))
    return 1 if fails else 0


def main(argv):
    if len(argv) > 1 and argv[1] == "--selftest":
        return _selftest()
    if len(argv) > 2 and argv[1] == "--dump":
        for i, fr in enumerate(read_pcap(argv[2])):
            p = parse_frame(fr)
            print(i, {k: v for k, v in p.items() if k not in ("payload", "options")})
        return 0
    print("usage: pcapgen.py --selftest | --dump FILE.pcap", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
