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

/* a + b + q modulo 2^64 - 1, as a number below 2^64: the sum of a
 * header's words where only divisibility by 0xffff matters.  Two adds,
 * the second carrying the first's carry in, and the last carry added back
 * (a + b = r1 + c1 2^64 and r1 + q + c1 = r2 + c2 2^64 give a + b + q =
 * r2 + c2 + (c1 + c2)(2^64 - 1); r2 + c2 cannot wrap, as c2 = 1 leaves r2
 * at most 2^64 - 2).  Without x86's add-with-carry, fwd_sum3_generic()
 * folds each add's carry back on its own (two instructions more). */
static inline uint64_t
fwd_sum3_generic(uint64_t a, uint32_t b, uint64_t q)
{
	uint64_t s = a + b;

	s += s < b; /* a + b < 2^64 + 2^32: no second wrap */
	s += q;
	return s + (s < q);
}

static inline uint64_t
fwd_sum3(uint64_t a, uint32_t b, uint64_t q)
{
#ifdef RTE_ARCH_X86_64
	/* In asm: GCC's _addcarry_u64() stores its sum to the stack, and
	 * the store then makes it reload the packet's bytes. */
	__asm__("add %[b], %[s]\n\t"
	        "adc %[q], %[s]\n\t"
	        "adc $0, %[s]"
	        : [s] "+r"(a)
	        : [b] "r"((uint64_t)b), [q] "r"(q)
	        : "cc");
	return a;
#else
	return fwd_sum3_generic(a, b, q);
#endif
}

/* The divisibility test's constants (fwd_ipv4_csum20_words_ok()) */
#define FWD_CSUM_INV UINT64_C(0xfffefffefffeffff) /* 1 / 0xffff mod 2^64 */
#define FWD_CSUM_LIM UINT64_C(0x1000100010001)    /* (2^64 - 1) / 0xffff */

/* Is a 20-byte header's checksum right?  Its one's complement sum,
 * checksum included, folds to all ones exactly when the plain sum of its
 * words is a non-zero multiple of 0xffff (2^16 = 1 modulo 0xffff, so
 * 32- and 64-bit words in either byte order do as well as 16-bit ones,
 * and so does the sum modulo 2^64 - 1, a multiple of 0xffff).  The
 * header is three words: bytes 0-7 (@p a), 8-11 (@p b: TTL, protocol,
 * checksum) and 12-19 (@p q: source and group).  The sum is non-zero as
 * the first byte carries the version.  Divisibility by an odd number,
 * without a division: x is a multiple of 0xffff exactly when x times the
 * inverse of 0xffff modulo 2^64 (@p inv, FWD_CSUM_INV) is at most
 * (2^64 - 1) / 0xffff (@p lim, FWD_CSUM_LIM).  Parameters, so that a loop
 * can hold them in registers or its frame rather than load each 10-byte
 * constant per packet (fwd_opaque() in fwd_loop.c). */
static inline bool
fwd_ipv4_csum20_words_ok(uint64_t a, uint32_t b, uint64_t q, uint64_t inv,
                         uint64_t lim)
{
	return fwd_sum3(a, b, q) * inv <= lim;
}

static inline bool
fwd_ipv4_csum20_ok(const struct rte_ipv4_hdr *ip)
{
	const uint8_t *h = (const uint8_t *)ip; /* 2-byte aligned */
	uint64_t a, q;
	uint32_t b;

	memcpy(&a, h, 8);
	memcpy(&b, h + 8, 4);
	memcpy(&q, h + 12, 8);
	return fwd_ipv4_csum20_words_ok(a, b, q, FWD_CSUM_INV, FWD_CSUM_LIM);
}

/*
 * The common frame, checked with a few loads and compares: untagged
 * Ethernet, a 20-byte IPv4 header that sums right (or that the NIC
 * verified), not IGMP, a routable group (not 224.0.0.0/24; the fast run
 * has its flow cache say so), TTL above 1,
 * the frame no longer than the first segment's headers say.  For the
 * staged path (@p staged), Ethernet padding is trimmed.  For the fast run
 * (fwd_loop.c) a padded frame is refused, as the run changes nothing in a
 * packet it may hand on to the staged path, and the TTL is left to the
 * run's entry check, which covers it.  Anything
 * else — or a frame this lane refuses for any reason — goes through
 * fwd_parse_one(), which names the reason; the two must agree on what
 * they accept.  @p inv and @p lim: FWD_CSUM_INV and FWD_CSUM_LIM
 * (fwd_ipv4_csum20_words_ok()).
 */
static inline bool
fwd_parse_fast(struct rte_mbuf *m, uint32_t ifindex, bool staged,
               struct fwd_pkt *p, uint64_t inv, uint64_t lim)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(d + RTE_ETHER_HDR_LEN);
	uint64_t ol = m->ol_flags & (RTE_MBUF_F_RX_VLAN_STRIPPED |
	                             RTE_MBUF_F_RX_IP_CKSUM_MASK);
	uint32_t vl, tw, tot, frame;
	uint64_t a, key;
	rte_be16_t et;

	if (unlikely(m->data_len < RTE_ETHER_HDR_LEN + sizeof(*ip)))
		return false;
	memcpy(&et, d + 2 * RTE_ETHER_ADDR_LEN, sizeof(et));
	if (unlikely(et != RTE_BE16(RTE_ETHER_TYPE_IPV4)))
		return false;
	/* The header's first 8 bytes, for the checksum; of them version and
	 * header length, TOS, total length, byte-swapped: the first in the
	 * top byte and the last in the low half. */
	memcpy(&a, ip, sizeof(a));
	vl = __builtin_bswap32((uint32_t)a) & 0xff00ffffu;
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
	 * unsigned compare.  The fast run leaves the group to its flow
	 * cache: a way holds the key of a packet the staged path took, so a
	 * hit says the group is routable (an empty way, key 0, stops every
	 * packet: fwd_fc_way). */
	if (staged &&
	    unlikely((uint32_t)__builtin_bswap64(key) - FWD_ROUTABLE_FIRST >
	             FWD_ROUTABLE_LAST - FWD_ROUTABLE_FIRST))
		return false;
	if (unlikely(ip->next_proto_id == IPPROTO_IGMP))
		return false;
	/* The fast run's entry check says the TTL is above 1 (an entry's
	 * ttl_max is at least 1). */
	if (staged && unlikely(ip->time_to_live <= 1))
		return false;
	/* No flag (no offload): the checksum here.  Just the NIC's "good":
	 * none.  A stripped tag, a bad or partial verdict take the full
	 * parser. */
	if (likely(ol == 0)) {
		memcpy(&tw, &ip->time_to_live, sizeof(tw));
		if (unlikely(!fwd_ipv4_csum20_words_ok(a, tw, key, inv, lim)))
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
