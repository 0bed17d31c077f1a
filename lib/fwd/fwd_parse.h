/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FWD_PARSE_H
#define FWD_PARSE_H

/*
 * The parser's fast lane, shared by the staged path (fwd_parse.c) and the
 * fast run (fwd_loop.c).
 */

#include <string.h>

#include "fwd_private.h"

#define FWD_ROUTABLE_FIRST 0xe0000100u /* 224.0.1.0, host order */
#define FWD_ROUTABLE_LAST  0xefffffffu /* 239.255.255.255 */

/* Is a 20-byte header's checksum right?  Its one's complement sum,
 * checksum included, folds to all ones exactly when the plain sum of its
 * words is a non-zero multiple of 0xffff (2^16 = 1 modulo 0xffff, so
 * 32- and 64-bit words in either byte order do as well as 16-bit ones).
 * The last 8 bytes (source and group) are one 64-bit word, whose carry
 * out of the sum comes back in at the bottom: 2^64 = 1 modulo 2^64 - 1,
 * a multiple of 0xffff.  The sum is non-zero as the first byte carries
 * the version.  Divisibility by an odd number, without a division: x is
 * a multiple of 0xffff exactly when x times the inverse of 0xffff modulo
 * 2^64 is at most (2^64 - 1) / 0xffff. */
static inline bool
fwd_ipv4_csum20_ok(const struct rte_ipv4_hdr *ip)
{
	const uint8_t *b = (const uint8_t *)ip; /* 2-byte aligned */
	uint32_t w0, w1, w2;
	uint64_t q, s;

	memcpy(&w0, b, 4);
	memcpy(&w1, b + 4, 4);
	memcpy(&w2, b + 8, 4);
	memcpy(&q, b + 12, 8);
	s = (uint64_t)w0 + w1 + w2;
	s += q;
	s += s < q; /* end-around carry */
	return s * UINT64_C(0xfffefffefffeffff) <= UINT64_C(0x1000100010001);
}

/*
 * The common frame, checked with a few loads and compares: untagged
 * Ethernet, a 20-byte IPv4 header that sums right (or that the NIC
 * verified), a routable group (not 224.0.0.0/24, not IGMP), TTL above 1,
 * the frame no longer than the first segment's headers say.  For the
 * staged path (@p staged), Ethernet padding is trimmed.  For the fast run
 * (fwd_loop.c) a padded frame is refused, as the run changes nothing in a
 * packet it may hand on to the staged path, and the TTL is left to the
 * run's entry check, which covers it.  Anything
 * else — or a frame this lane refuses for any reason — goes through
 * fwd_parse_one(), which names the reason; the two must agree on what
 * they accept.
 */
static inline bool
fwd_parse_fast(struct rte_mbuf *m, uint32_t ifindex, bool staged,
               struct fwd_pkt *p)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(d + RTE_ETHER_HDR_LEN);
	uint64_t ol = m->ol_flags & (RTE_MBUF_F_RX_VLAN_STRIPPED |
	                             RTE_MBUF_F_RX_IP_CKSUM_MASK);
	uint32_t vl, tot, frame;
	uint64_t key;
	rte_be16_t et;

	if (unlikely(m->data_len < RTE_ETHER_HDR_LEN + sizeof(*ip)))
		return false;
	memcpy(&et, d + 2 * RTE_ETHER_ADDR_LEN, sizeof(et));
	if (unlikely(et != RTE_BE16(RTE_ETHER_TYPE_IPV4)))
		return false;
	/* Version and header length, TOS, total length: byte-swapped, the
	 * first in the top byte and the last in the low half. */
	memcpy(&vl, ip, sizeof(vl));
	vl = __builtin_bswap32(vl) & 0xff00ffffu;
	tot = vl & 0xffff;
	frame = RTE_ETHER_HDR_LEN + tot;
	if (staged) {
		/* tot >= 20 and the frame within pkt_len (pkt_len >=
		 * data_len >= 34): one unsigned compare */
		if (unlikely(vl >> 24 != RTE_IPV4_VHL_DEF ||
		             tot - sizeof(*ip) >
		                     m->pkt_len - (RTE_ETHER_HDR_LEN +
		                                   sizeof(*ip))))
			return false;
	} else if (unlikely(vl != ((uint32_t)RTE_IPV4_VHL_DEF << 24) +
	                                  (m->pkt_len - RTE_ETHER_HDR_LEN))) {
		/* One compare says version 4, 20 bytes of header and a frame
		 * of exactly 14 + tot bytes: were pkt_len - 14 (mod 2^32)
		 * above 0xffff, its upper bits would show in the masked
		 * TOS byte or change the version's. */
		return false;
	}
	/* Source and group as one word, whose byte swap has the group in
	 * host order in its low half and is the flow cache's set number
	 * (fwd_fc_set()). */
	memcpy(&key, &ip->src_addr, sizeof(key));
	RTE_BUILD_BUG_ON(offsetof(struct rte_ipv4_hdr, dst_addr) !=
	                 offsetof(struct rte_ipv4_hdr, src_addr) + 4);
	/* 224.0.1.0 .. 239.255.255.255: multicast, not link-local — one
	 * unsigned compare */
	if (unlikely((uint32_t)__builtin_bswap64(key) - FWD_ROUTABLE_FIRST >
	                     FWD_ROUTABLE_LAST - FWD_ROUTABLE_FIRST ||
	             ip->next_proto_id == IPPROTO_IGMP))
		return false;
	/* The fast run's entry check says the TTL is above 1 (an entry's
	 * ttl_max is at least 1). */
	if (staged && unlikely(ip->time_to_live <= 1))
		return false;
	/* No flag (no offload): the checksum here.  Just the NIC's "good":
	 * none.  A stripped tag, a bad or partial verdict take the full
	 * parser. */
	if (likely(ol == 0)) {
		if (unlikely(!fwd_ipv4_csum20_ok(ip)))
			return false;
	} else if (ol != RTE_MBUF_F_RX_IP_CKSUM_GOOD) {
		return false;
	}
	if (staged && frame != m->pkt_len) {
		/* Ethernet padding: the copies carry only the IP packet. */
		if (m->nb_segs != 1)
			return false;
		m->data_len = (uint16_t)frame;
		m->pkt_len = frame;
	}
	RTE_BUILD_BUG_ON(sizeof(key) != sizeof(p->key));
	p->m = m;
	p->ip = ip;
	p->key = key; /* = fwd_fc_key(ip->src_addr, ip->dst_addr) */
	p->ifindex = ifindex;
	p->l2_len = RTE_ETHER_HDR_LEN;
	p->ip_len = (uint16_t)tot;
	return true;
}

#endif /* FWD_PARSE_H */
