/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Replication: one accepted packet becomes a copy per eligible output.
 *
 * The cheapest correct method per copy: the received mbuf itself, its L2
 * header rewritten in place, for the last output; a whole copy for small
 * frames (one memcpy beats touching refcounts on another cache line); for
 * large frames a fresh header mbuf (new L2 + the IP header) chained to an
 * indirect clone of the payload, so the payload is never copied.  The
 * clones share the received buffer, so nothing after the IP header is
 * written once the first clone exists: the TTL and checksum are updated
 * once, before replication, in the received header, which every copy
 * duplicates and no clone references.
 *
 * No fragmentation in this version: a packet larger than an output's MTU
 * is counted (frag_needed with DF, out_discards without) and not sent
 * there.
 */

#include <string.h>

#include <rte_memcpy.h>

#include "fwd_out.h"

/* @p k raw mbufs for copies (initialised as they are filled; NULL where
 * the pool ran dry), at the returned address.  They come from the
 * worker's stash, which one mempool operation tops up for many copies and
 * fwd_copy_stash_return() empties at the end of the burst; when the pool
 * is too low to top it up, or @p k is larger than the stash, they come
 * one by one into @p spill. */
static inline struct rte_mbuf **
fwd_copy_take(struct fwd_worker *w, unsigned int k, struct rte_mbuf **spill)
{
	unsigned int i;

	if (unlikely(!fwd_copy_stash_fill(w, k))) {
		for (i = 0; i < k; i++)
			spill[i] = rte_mbuf_raw_alloc(w->conf.pool);
		return spill;
	}
	w->n_stash -= k;
	return &w->stash[w->n_stash];
}

void
fwd_copy_stash_return(struct fwd_worker *w)
{
	rte_mempool_put_bulk(w->conf.pool, (void **)w->stash, w->n_stash);
	w->n_stash = 0;
}

/* Can @p p be sent as whole copies?  Small and in one segment, and its
 * buffer holds the 16-byte blocks fwd_copy_whole() reads past its end. */
static inline bool
fwd_copy_whole_ok(const struct fwd_pkt *p)
{
	const struct rte_mbuf *m = p->m;
	const uint8_t *end = (const uint8_t *)p->ip +
	                     RTE_MAX(64u, RTE_ALIGN_CEIL((uint32_t)p->ip_len, 16u));

	return m->pkt_len <= FWD_COPY_MAX && m->nb_segs == 1 &&
	       end <= (const uint8_t *)m->buf_addr + m->buf_len;
}

/* Small frame: new mbuf @p c gets the output's L2 header and the whole
 * IP packet @p s of @p ip_len bytes (fwd_copy_whole_ok() said it may).
 * Loop invariants come as values: the stores into the copy may alias
 * anything the compiler would otherwise reload per copy. */
static inline void
fwd_copy_whole(struct rte_mbuf *c, const uint8_t *s, uint16_t ip_len,
               uint64_t rearm, const struct mfib_oif *o)
{
	uint8_t l2 = o->l2_len;
	uint8_t *d;

	/* @c is fresh from the pool: one segment, default headroom, far
	 * more room than FWD_COPY_MAX needs (fwd_worker_create checks). */
	fwd_mbuf_init(c, rearm, l2 + (uint32_t)ip_len);
	d = (uint8_t *)c->buf_addr + RTE_PKTMBUF_HEADROOM;
	fwd_l2_put(d, o);
	/* Whole 16-byte blocks, the first four unconditionally: spare bytes
	 * past the packet cost less than rte_memcpy's size dispatch. */
	d += l2;
	memcpy(d, s, 16);
	memcpy(d + 16, s + 16, 16);
	memcpy(d + 32, s + 32, 16);
	memcpy(d + 48, s + 48, 16);
	for (uint16_t off = 64; off < ip_len; off += 16)
		memcpy(d + off, s + off, 16);
}

/* Large frame: new header mbuf @p h chained to an indirect clone of the
 * bytes after the IP header. */
static struct rte_mbuf *
fwd_copy_indirect(struct fwd_worker *w, struct rte_mbuf *h,
                  const struct fwd_pkt *p, const struct mfib_oif *o)
{
	uint16_t l2 = o->l2_len, l3 = rte_ipv4_hdr_len(p->ip);
	struct rte_mbuf *pl;
	uint8_t *d;

	fwd_mbuf_init(h, w->rearm, 0);
	d = (uint8_t *)rte_pktmbuf_append(h, l2 + l3);
	if (unlikely(d == NULL))
		goto fail_hdr;
	fwd_l2_put(d, o);
	rte_memcpy(d + l2, p->ip, l3);

	pl = rte_pktmbuf_clone(p->m, w->conf.pool);
	if (unlikely(pl == NULL))
		goto fail_hdr;
	/* Parsing guaranteed the headers sit in the first segment. */
	rte_pktmbuf_adj(pl, p->l2_len + l3);
	if (pl->data_len == 0 && pl->next != NULL) {
		/* The first segment held only headers: drop the empty
		 * segment, some NICs reject zero-length descriptors. */
		struct rte_mbuf *rest = pl->next;

		rest->pkt_len = pl->pkt_len;
		rest->nb_segs = pl->nb_segs - 1;
		pl->next = NULL;
		pl->nb_segs = 1;
		rte_pktmbuf_free_seg(pl);
		pl = rest;
	}
	if (unlikely(rte_pktmbuf_chain(h, pl) != 0)) {
		rte_pktmbuf_free(pl);
		goto fail_hdr;
	}
	return h;

fail_hdr:
	rte_pktmbuf_free(h);
	return NULL;
}

/* Copy @p p (its header at @p ip, @p ip_len bytes; loop invariants come
 * as values, see fwd_copy_whole()) into @p c, NULL or a raw mbuf, for
 * output @p o, not the last. */
static inline void
fwd_copy_send(struct fwd_worker *w, const struct fwd_pkt *p,
              const uint8_t *ip, uint16_t ip_len, uint64_t rearm, bool whole,
              struct rte_mbuf *c, const struct mfib_oif *o)
{
	if (likely(c != NULL)) {
		if (likely(whole))
			fwd_copy_whole(c, ip, ip_len, rearm, o);
		else
			c = fwd_copy_indirect(w, c, p, o);
	}
	if (unlikely(c == NULL)) {
		w->octr[o->ctr_id].out_discards++;
		w->stats.drop_no_mbuf++;
		return;
	}
	fwd_send(w, o, c);
}

/* Every output of @p e takes @p p (RPF passed, fwd_all_oifs_ok()): the
 * copies in order, the received mbuf last. */
static inline void
fwd_replicate_all(struct fwd_worker *w, const struct fwd_pkt *p,
                  const struct mfib_entry *e)
{
	const uint8_t *ipb = (const uint8_t *)p->ip;
	const uint16_t ip_len = p->ip_len;
	const uint64_t rearm = w->rearm;
	const struct mfib_oif *o = e->oif, *last;
	struct rte_mbuf *spill[MFIB_MAX_OIF], **cp;
	bool whole;

	last = &e->oif[RTE_MIN(e->n_oif, (uint16_t)MFIB_MAX_OIF) - 1];
	fwd_ttl_dec(p->ip);
	whole = fwd_copy_whole_ok(p);
	cp = fwd_copy_take(w, (unsigned int)(last - o), spill);
	if (whole && cp != spill) {
		/* the common case, unswitched: small, and mbufs in hand */
		for (; o < last; o++) {
			struct rte_mbuf *c = *cp++;

			fwd_copy_whole(c, ipb, ip_len, rearm, o);
			fwd_send(w, o, c);
		}
	} else {
		for (; o < last; o++)
			fwd_copy_send(w, p, ipb, ip_len, rearm, whole, *cp++,
			              o);
	}
	fwd_send_in_place(w, p, last);
}

/* The fast run's multi-output packet when fwd_replicate_small() cannot
 * take it: the stash is topped up here (one mempool operation for many
 * packets' copies) and a small packet in one segment still takes the
 * copies from registers; anything else, or a pool too low for the stash,
 * fwd_replicate_all(). */
__rte_noinline void
fwd_replicate_plain(struct fwd_worker *w, struct rte_mbuf *m,
                    struct rte_ipv4_hdr *ip, uint16_t ip_len,
                    const struct mfib_entry *e)
{
	struct fwd_pkt q;

	if (fwd_copy_regs_ok(m, ip, ip_len) &&
	    fwd_copy_stash_fill(w, e->n_oif - 1u)) {
		fwd_replicate_regs(w, m, ip, ip_len, e);
		return;
	}
	q = fwd_pkt_plain(m, ip, ip_len, e);
	fwd_replicate_all(w, &q, e);
}

/* Two or more outputs: copies first, the received mbuf last.  Kept out of
 * line: its arrays would weigh on the single-output path (fwd_out.h). */
__rte_noinline void
fwd_replicate_many(struct fwd_worker *w, const struct fwd_pkt *p,
                   const struct mfib_entry *e)
{
	struct rte_ipv4_hdr *ip = p->ip;
	const uint8_t *ipb = (const uint8_t *)ip;
	const uint16_t ip_len = p->ip_len;
	const uint64_t rearm = w->rearm;
	uint8_t ttl = ip->time_to_live;
	uint8_t pick[MFIB_MAX_OIF];
	struct rte_mbuf *spill[MFIB_MAX_OIF], **cp;
	unsigned int i, n = 0;
	bool whole, df;

	if (likely(fwd_all_oifs_ok(p, e, ttl))) {
		fwd_replicate_all(w, p, e);
		return;
	}
	df = fwd_df(ip);
	for (i = 0; i < e->n_oif && i < MFIB_MAX_OIF; i++)
		if (fwd_oif_ok(w, p, &e->oif[i], ttl, df))
			pick[n++] = (uint8_t)i;
	if (n == 0) {
		rte_pktmbuf_free(p->m);
		return;
	}
	fwd_ttl_dec(ip);
	whole = fwd_copy_whole_ok(p);
	cp = fwd_copy_take(w, n - 1, spill);
	for (i = 0; i + 1 < n; i++)
		fwd_copy_send(w, p, ipb, ip_len, rearm, whole, cp[i],
		              &e->oif[pick[i]]);
	fwd_send_in_place(w, p, &e->oif[pick[n - 1]]);
}
