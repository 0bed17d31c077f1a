/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FWD_OUT_H
#define FWD_OUT_H

/*
 * Sending an accepted packet: what every output needs (checks, TTL, the
 * frame header, the in-place send), inline so the single-output case —
 * a distribution tree's leaves — runs within the burst loop.  Copies for
 * two or more outputs are fwd_replicate_many() in fwd_replicate.c.
 */

#include <string.h>

#include "fwd_private.h"

/* fwd_replicate.c: send @p p to the two or more outputs of @p e (RPF
 * already passed); consumes the mbuf. */
void fwd_replicate_many(struct fwd_worker *w, const struct fwd_pkt *p,
                        const struct mfib_entry *e);
/* fwd_replicate.c: for the fast run, which has checked that every output
 * of @p e takes @p m (an untagged frame, its IPv4 header at @p ip,
 * @p ip_len bytes of it); consumes the mbuf. */
void fwd_replicate_plain(struct fwd_worker *w, struct rte_mbuf *m,
                         struct rte_ipv4_hdr *ip, uint16_t ip_len,
                         const struct mfib_entry *e);
/* fwd_replicate.c: give the copies' unused mbufs back to the pool. */
void fwd_copy_stash_return(struct fwd_worker *w);

/* Write @p o's frame header (built with the entry) at @p d: two
 * overlapping stores cover its 14 or 18 bytes (fwd_l2_put14: @p o is
 * known to be untagged). */
static inline void
fwd_l2_put14(uint8_t *d, const struct mfib_oif *o)
{
	memcpy(d, o->l2, 8);
	memcpy(d + 6, o->l2 + 6, 8);
}

/* 18 bytes whatever @p o's header length: a 14-byte one leaves 4 bytes
 * the caller overwrites with the packet, or a tagged one fills them. */
static inline void
fwd_l2_put18(uint8_t *d, const struct mfib_oif *o)
{
	memcpy(d, o->l2, 16);
	memcpy(d + 10, o->l2 + 10, 8);
}

static inline void
fwd_l2_put(uint8_t *d, const struct mfib_oif *o)
{
	if (likely(o->l2_len == RTE_ETHER_HDR_LEN))
		fwd_l2_put14(d, o);
	else
		fwd_l2_put18(d, o);
}

/* The received mbuf for its last output: its L2 header becomes the
 * output's, growing or shrinking by the VLAN tag. */
static inline bool
fwd_rewrite_in_place(const struct fwd_pkt *p, const struct mfib_oif *o)
{
	struct rte_mbuf *m = p->m;

	if (unlikely(o->l2_len != p->l2_len)) {
		if (o->l2_len > p->l2_len) {
			if (rte_pktmbuf_prepend(m, o->l2_len - p->l2_len) ==
			    NULL)
				return false;
		} else {
			rte_pktmbuf_adj(m, p->l2_len - o->l2_len);
		}
	}
	fwd_l2_put(rte_pktmbuf_mtod(m, uint8_t *), o);
	return true;
}

/* Can @p o take a copy of @p p?  Counts the reason when it cannot. */
static inline bool
fwd_oif_ok(struct fwd_worker *w, const struct fwd_pkt *p,
           const struct mfib_oif *o, uint8_t ttl, bool df)
{
	struct mfib_oif_ctr *oc = &w->octr[o->ctr_id];

	if (o->ifindex == p->ifindex)
		return false; /* never back out the arrival iface */
	if (ttl <= o->ttl_threshold) {
		oc->ttl_too_low++;
		return false;
	}
	if (p->ip_len > o->mtu) {
		/* no fragmentation in this version */
		if (df)
			oc->frag_needed++;
		else
			oc->out_discards++;
		return false;
	}
	return true;
}

/* Does every output of @p e take @p p?  Its TTL is above every threshold,
 * it fits every MTU, and RPF passed, so no output is the arrival
 * interface (mfib leaves the iif out of the list). */
static inline bool
fwd_all_oifs_ok(const struct fwd_pkt *p, const struct mfib_entry *e,
                uint8_t ttl)
{
	return ttl > e->ttl_max && p->ip_len <= e->mtu_min &&
	       !(e->flags & MFIB_F_ANY_IIF);
}

static inline bool
fwd_df(const struct rte_ipv4_hdr *ip)
{
	return (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_DF_FLAG)) != 0;
}

/* TTL and checksum: once per packet, in the received header, which every
 * copy duplicates and no clone references.  @p w is the header's bytes
 * 8..11 (TTL, protocol, checksum) as a host-order word, the TTL above 1.
 * Little-endian, they are the TTL in the low byte and the checksum
 * byte-swapped in the high half, where fwd_csum_ttl_dec() adds 1 with
 * end-around carry: adding 0xffff takes 1 from the TTL and carries 1 into
 * the checksum, which is all there is to do unless the checksum is 0xfffe
 * or 0xffff. */
static inline void
fwd_ttl_dec_word(struct rte_ipv4_hdr *ip, uint32_t w)
{
	if (likely(w < 0xfffe0000u)) {
		w += 0xffff;
		memcpy(&ip->time_to_live, &w, sizeof(w));
		return;
	}
	ip->time_to_live--;
	ip->hdr_checksum = fwd_csum_ttl_dec(ip->hdr_checksum);
}

/* The same, reading the word. */
static inline void
fwd_ttl_dec(struct rte_ipv4_hdr *ip)
{
	uint32_t w;

	memcpy(&w, &ip->time_to_live, sizeof(w));
	fwd_ttl_dec_word(ip, w);
}

/* The last (or only) copy: the received mbuf itself. */
static inline void
fwd_send_in_place(struct fwd_worker *w, const struct fwd_pkt *p,
                  const struct mfib_oif *o)
{
	if (unlikely(!fwd_rewrite_in_place(p, o))) {
		/* no headroom for the tag */
		w->octr[o->ctr_id].out_discards++;
		w->stats.drop_no_mbuf++;
		rte_pktmbuf_free(p->m);
		return;
	}
	fwd_send(w, o, p->m);
}

/* Send @p p to the outputs of @p e (RPF already passed); consumes the
 * mbuf. */
static inline void
fwd_replicate(struct fwd_worker *w, const struct fwd_pkt *p,
              const struct mfib_entry *e)
{
	const struct mfib_oif *o = &e->oif[0];
	uint8_t ttl;

	if (e->n_oif != 1) {
		fwd_replicate_many(w, p, e);
		return;
	}
	/* One output: the common case of a distribution tree's leaves. */
	ttl = p->ip->time_to_live;
	if (unlikely(!fwd_all_oifs_ok(p, e, ttl)) &&
	    !fwd_oif_ok(w, p, o, ttl, fwd_df(p->ip))) {
		rte_pktmbuf_free(p->m);
		return;
	}
	fwd_ttl_dec(p->ip);
	fwd_send_in_place(w, p, o);
}

#endif /* FWD_OUT_H */
