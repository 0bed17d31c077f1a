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
 * 32-bit words in either byte order do as well as 16-bit ones).  The sum
 * is non-zero as the first byte carries the version.  Divisibility by an
 * odd number, without a division: x is a multiple of 0xffff exactly when
 * x times the inverse of 0xffff modulo 2^64 is at most (2^64 - 1) /
 * 0xffff. */
static inline bool
fwd_ipv4_csum20_ok(const struct rte_ipv4_hdr *ip)
{
	const uint8_t *b = (const uint8_t *)ip; /* 2-byte aligned */
	uint32_t w0, w1, w2, w3, w4;

	memcpy(&w0, b, 4);
	memcpy(&w1, b + 4, 4);
	memcpy(&w2, b + 8, 4);
	memcpy(&w3, b + 12, 4);
	memcpy(&w4, b + 16, 4);
	return ((uint64_t)w0 + w1 + w2 + w3 + w4) *
	               UINT64_C(0xfffefffefffeffff) <=
	       UINT64_C(0x1000100010001);
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
	uint32_t frame = RTE_ETHER_HDR_LEN, tot;
	rte_be16_t et;

	if (unlikely(m->data_len < RTE_ETHER_HDR_LEN + sizeof(*ip)))
		return false;
	memcpy(&et, d + 2 * RTE_ETHER_ADDR_LEN, sizeof(et));
	if (unlikely(et != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	             ip->version_ihl != RTE_IPV4_VHL_DEF))
		return false;
	tot = rte_be_to_cpu_16(ip->total_length);
	frame += tot;
	/* tot >= 20 and frame <= pkt_len (pkt_len >= data_len >= 34): one
	 * unsigned compare; with no padding to trim, frame == pkt_len says
	 * both */
	if (staged) {
		if (unlikely(tot - sizeof(*ip) >
		             m->pkt_len - (RTE_ETHER_HDR_LEN + sizeof(*ip))))
			return false;
	} else if (unlikely(frame != m->pkt_len)) {
		return false;
	}
	/* 224.0.1.0 .. 239.255.255.255: multicast, not link-local — one
	 * unsigned compare */
	if (unlikely(rte_be_to_cpu_32(ip->dst_addr) - FWD_ROUTABLE_FIRST >
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
	p->m = m;
	p->ip = ip;
	p->key = fwd_fc_key(ip->src_addr, ip->dst_addr);
	p->ifindex = ifindex;
	p->l2_len = RTE_ETHER_HDR_LEN;
	p->ip_len = (uint16_t)tot;
	return true;
}

#endif /* FWD_PARSE_H */
