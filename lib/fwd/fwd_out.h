/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FWD_OUT_H
#define FWD_OUT_H

/*
 * Sending an accepted packet: what every output needs (checks, TTL, the
 * frame header, the in-place send), inline so the single-output case —
 * a distribution tree's leaves — runs within the burst loop.  Copies for
 * two or more outputs are fwd_replicate_many() in fwd_replicate.c, except
 * the fast run's small packets, whose copies from registers
 * (fwd_replicate_regs()) are here to be inlined into its loop.
 */

#include <string.h>

#include "fwd_private.h"

/* fwd_replicate.c: send @p p to the two or more outputs of @p e (RPF
 * already passed); consumes the mbuf. */
void fwd_replicate_many(struct fwd_worker *w, const struct fwd_pkt *p,
                        const struct mfib_entry *e);
/* fwd_replicate.c: for the fast run, which has checked that every output
 * of @p e takes @p m (an untagged frame, its IPv4 header at @p ip,
 * @p ip_len bytes of it); consumes the mbuf.  fwd_replicate_small() calls
 * it for what it does not take itself. */
void fwd_replicate_plain(struct fwd_worker *w, struct rte_mbuf *m,
                         struct rte_ipv4_hdr *ip, uint16_t ip_len,
                         const struct mfib_entry *e);
/* fwd_replicate.c: give the copies' unused mbufs back to the pool. */
void fwd_copy_stash_return(struct fwd_worker *w);

/* Write @p o's frame header (built with the entry) at @p d: two
 * overlapping stores cover its 14 or 18 bytes (fwd_l2_put14: an untagged
 * one, at @p l2). */
static inline void
fwd_l2_put14(uint8_t *d, const uint8_t *l2)
{
	memcpy(d, l2, 8);
	memcpy(d + 6, l2 + 6, 8);
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
		fwd_l2_put14(d, o->l2);
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
 * copy duplicates and no shared payload includes.  @p w is the header's bytes
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

/* Output @p o gets no copy: no mbuf (or headroom) to make it in. */
static inline void
fwd_no_mbuf(struct fwd_worker *w, const struct mfib_oif *o)
{
	w->octr[o->ctr_id].out_discards++;
	w->stats.drop_no_mbuf++;
}

/* The last (or only) copy: the received mbuf itself. */
static inline void
fwd_send_in_place(struct fwd_worker *w, const struct fwd_pkt *p,
                  const struct mfib_oif *o)
{
	if (unlikely(!fwd_rewrite_in_place(p, o))) {
		/* no headroom for the tag */
		fwd_no_mbuf(w, o);
		rte_pktmbuf_free(p->m);
		return;
	}
	fwd_send(w, o, p->m);
}

/* A copy's mbuf, fresh from the pool: only what a one-segment packet
 * needs is written.  The pool hands out mbufs with next = NULL and
 * nb_segs = 1 (the free path leaves them so), so this costs a handful of
 * stores where rte_pktmbuf_reset() writes every field. */
static inline void
fwd_mbuf_init(struct rte_mbuf *c, uint64_t rearm, uint32_t len)
{
	/* packet_type and pkt_len side by side: one store */
	uint64_t type_len = (uint64_t)len << 32;

	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, pkt_len) !=
	                 offsetof(struct rte_mbuf, packet_type) + 4);
	memcpy(&c->rearm_data, &rearm, sizeof(rearm));
	c->ol_flags = 0;
	memcpy(&c->packet_type, &type_len, sizeof(type_len));
	c->data_len = (uint16_t)len;
	c->tx_offload = 0;
}

/* At least @p k raw mbufs in the worker's stash, which one mempool
 * operation tops up for many copies (fwd_copy_stash_return() empties it
 * at the end of the burst); false when @p k is more than it holds or the
 * pool is too low to top it up. */
static inline bool
fwd_copy_stash_fill(struct fwd_worker *w, unsigned int k)
{
	if (likely(k <= w->n_stash))
		return true;
	if (k > FWD_STASH ||
	    rte_mempool_get_bulk(w->conf.pool, (void **)&w->stash[w->n_stash],
	                         FWD_STASH - w->n_stash) != 0)
		return false;
	w->n_stash = FWD_STASH;
	return true;
}

/* The copies of a frame of at most FWD_COPY_REG bytes of IP packet come
 * from registers: the 64 bytes fwd_copy_whole() would read per copy,
 * loaded once. */
#define FWD_COPY_REG 64

typedef uint8_t fwd_v16 __attribute__((vector_size(16)));

/* The fast run's packet @p m as the rest of the module sees it. */
static inline struct fwd_pkt
fwd_pkt_plain(struct rte_mbuf *m, struct rte_ipv4_hdr *ip, uint16_t ip_len,
              const struct mfib_entry *e)
{
	return (struct fwd_pkt){
		.m = m,
		.ip = ip,
		.key = fwd_fc_key(ip->src_addr, ip->dst_addr),
		.ifindex = e->iif, /* RPF passed */
		.l2_len = RTE_ETHER_HDR_LEN,
		.ip_len = ip_len,
	};
}

/* Can the copies of @p m (its IPv4 header at @p ip, @p ip_len bytes of
 * it) come from registers?  Small, in one segment, and its buffer holds
 * the FWD_COPY_REG bytes read whatever the packet's length. */
static inline bool
fwd_copy_regs_ok(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
                 uint16_t ip_len)
{
	const uint8_t *s = (const uint8_t *)ip;

	return ip_len <= FWD_COPY_REG && m->nb_segs == 1 &&
	       s + FWD_COPY_REG <= (const uint8_t *)m->buf_addr + m->buf_len;
}

/* One copy of fwd_replicate_regs(): raw mbuf @p c for output @p o, the
 * packet's @p len bytes (at most FWD_COPY_REG) in @p b0 .. @p b3. */
static __rte_always_inline void
fwd_copy_regs(struct fwd_worker *w, struct rte_mbuf *c,
              const struct mfib_oif *o, uint32_t len, fwd_v16 b0, fwd_v16 b1,
              fwd_v16 b2, fwd_v16 b3)
{
	uint8_t *d = (uint8_t *)c->buf_addr + RTE_PKTMBUF_HEADROOM;
	uint32_t l2 = o->l2_len;

	/* w->rearm loaded per copy: a register held across the copies
	 * costs the fast run's loop spills */
	fwd_mbuf_init(c, w->rearm, l2 + len);
	/* no branch on the header's length: the packet's bytes overwrite
	 * what a 14-byte one does not use */
	fwd_l2_put18(d, o);
	d += l2;
	memcpy(d, &b0, 16);
	memcpy(d + 16, &b1, 16);
	memcpy(d + 32, &b2, 16);
	memcpy(d + 48, &b3, 16);
	fwd_send(w, o, c);
}

/* The fast run's copies, for a packet fwd_copy_regs_ok() takes and a
 * stash holding a copy's mbuf per output but the last: the packet's 64
 * bytes are loaded once, after the TTL update, and stored into each copy
 * after its frame header.  The received mbuf goes to the last output
 * first: its bytes are in registers by then, and nothing of it stays live
 * across the copies' loop.  The fast run has checked everything else
 * (fwd_replicate_plain()). */
static __rte_always_inline void
fwd_replicate_regs(struct fwd_worker *w, struct rte_mbuf *m,
                   struct rte_ipv4_hdr *ip, uint16_t ip_len,
                   const struct mfib_entry *e)
{
	uint8_t *s = (uint8_t *)ip;
	const unsigned int n = e->n_oif - 1u; /* copies */
	const struct mfib_oif *o = e->oif, *last = o + n;
	const uint32_t len = ip_len;
	struct rte_mbuf **cp;
	fwd_v16 b0, b1, b2, b3;

	fwd_ttl_dec(ip);
	/* after the TTL: every copy carries the new one */
	memcpy(&b0, s, 16);
	memcpy(&b1, s + 16, 16);
	memcpy(&b2, s + 32, 16);
	memcpy(&b3, s + 48, 16);
	/* untagged in, untagged out: the frame starts where it did */
	if (likely(last->l2_len == RTE_ETHER_HDR_LEN)) {
		fwd_l2_put14(s - RTE_ETHER_HDR_LEN, last->l2);
		fwd_send(w, last, m);
	} else {
		struct fwd_pkt q = fwd_pkt_plain(m, ip, ip_len, e);

		fwd_send_in_place(w, &q, last);
	}
	w->n_stash -= n;
	cp = &w->stash[w->n_stash];
	/* n >= 1: the first copy outside the loop, whose registers a
	 * two-output entry then never needs */
	fwd_copy_regs(w, *cp++, o++, len, b0, b1, b2, b3);
	for (; o < last; o++)
		fwd_copy_regs(w, *cp++, o, len, b0, b1, b2, b3);
}

/* The fast run's multi-output packet: its copies from registers when the
 * stash holds their mbufs, else fwd_replicate_plain(). */
static __rte_always_inline void
fwd_replicate_small(struct fwd_worker *w, struct rte_mbuf *m,
                    struct rte_ipv4_hdr *ip, uint16_t ip_len,
                    const struct mfib_entry *e)
{
	if (likely(e->n_oif - 1u <= w->n_stash &&
	           fwd_copy_regs_ok(m, ip, ip_len)))
		fwd_replicate_regs(w, m, ip, ip_len, e);
	else
		fwd_replicate_plain(w, m, ip, ip_len, e);
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
