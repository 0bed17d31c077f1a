/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Replication: one accepted packet becomes a copy per eligible output.
 *
 * The cheapest correct method per copy.  Small frames: a whole copy for
 * every output but the last (one memcpy beats touching refcounts on
 * another cache line), and the received mbuf itself, its L2 header
 * rewritten in place, for the last.  Large frames (or several segments):
 * every output gets a fresh header mbuf (its L2 header + the IP header)
 * chained to the received mbuf, which all of them share by reference
 * count as the payload past the IP header, as DPDK's ipv4_multicast does
 * for three ports or more; an indirect clone per copy cost a second mbuf
 * a copy, its attach and, when freed, its detach.  The TTL and checksum
 * are updated once, before replication, in the received header, which
 * every copy duplicates and the shared payload does not include.
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

/* Large frame (or several segments), @p n >= 2 outputs @p out: a header
 * mbuf each (the output's L2 header and the IP header, @p l3 bytes),
 * chained to the received mbuf, cut to the payload past the IP header
 * and shared by all of them.  The payload's segments each get a
 * reference per header, so each chain frees its share.  Outputs without
 * a header mbuf (the pool ran dry) count a discard; with none at all the
 * received frame still goes to the last output whole, as a small one's
 * would. */
static __rte_noinline void
fwd_replicate_shared(struct fwd_worker *w, const struct fwd_pkt *p,
                     const struct mfib_oif *const *out, unsigned int n)
{
	struct rte_mbuf *spill[MFIB_MAX_OIF], **h, *pl = p->m, *s;
	uint16_t l3 = rte_ipv4_hdr_len(p->ip);
	unsigned int i, k = 0;

	h = fwd_copy_take(w, n, spill);
	for (i = 0; i < n; i++) {
		uint8_t *d;

		if (unlikely(h[i] == NULL))
			continue;
		/* fresh from the pool: one segment, room for any L2 + IP
		 * header (fwd_worker_create checks) */
		fwd_mbuf_init(h[i], w->rearm, out[i]->l2_len + (uint32_t)l3);
		d = (uint8_t *)h[i]->buf_addr + RTE_PKTMBUF_HEADROOM;
		fwd_l2_put(d, out[i]);
		rte_memcpy(d + out[i]->l2_len, p->ip, l3);
		k++;
	}
	if (unlikely(k == 0)) {
		for (i = 0; i + 1 < n; i++)
			fwd_no_mbuf(w, out[i]);
		fwd_send_in_place(w, p, out[n - 1]);
		return;
	}
	/* Parsing guaranteed the headers sit in the first segment; one that
	 * held only headers is dropped (some NICs reject zero-length
	 * descriptors), and a packet with no payload sends headers only. */
	rte_pktmbuf_adj(pl, (uint16_t)(p->l2_len + l3));
	if (pl->data_len == 0) {
		s = pl->next;
		if (s != NULL) {
			s->pkt_len = pl->pkt_len;
			s->nb_segs = (uint16_t)(pl->nb_segs - 1);
			pl->next = NULL;
			pl->nb_segs = 1;
		}
		rte_pktmbuf_free_seg(pl);
		pl = s;
	}
	if (pl != NULL && k > 1)
		for (s = pl; s != NULL; s = s->next)
			rte_mbuf_refcnt_update(s, (int16_t)(k - 1));
	for (i = 0; i < n; i++) {
		if (unlikely(h[i] == NULL)) {
			fwd_no_mbuf(w, out[i]);
			continue;
		}
		/* chained by hand: rte_pktmbuf_chain() would rewrite the
		 * shared payload's pkt_len */
		if (pl != NULL) {
			h[i]->next = pl;
			h[i]->nb_segs = (uint16_t)(1 + pl->nb_segs);
			h[i]->pkt_len += pl->pkt_len;
		}
		fwd_send(w, out[i], h[i]);
	}
}

/* Copy small @p p (its header at @p ip, @p ip_len bytes; loop invariants
 * come as values, see fwd_copy_whole()) into @p c, NULL or a raw mbuf,
 * for output @p o, not the last. */
static inline void
fwd_copy_send(struct fwd_worker *w, const uint8_t *ip, uint16_t ip_len,
              uint64_t rearm, struct rte_mbuf *c, const struct mfib_oif *o)
{
	if (unlikely(c == NULL)) {
		fwd_no_mbuf(w, o);
		return;
	}
	fwd_copy_whole(c, ip, ip_len, rearm, o);
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

	last = &e->oif[RTE_MIN(e->n_oif, (uint16_t)MFIB_MAX_OIF) - 1];
	fwd_ttl_dec(p->ip);
	if (unlikely(!fwd_copy_whole_ok(p)) && last != o) {
		const struct mfib_oif *out[MFIB_MAX_OIF];
		unsigned int n = 0;

		for (; o <= last; o++)
			out[n++] = o;
		fwd_replicate_shared(w, p, out, n);
		return;
	}
	cp = fwd_copy_take(w, (unsigned int)(last - o), spill);
	if (likely(cp != spill)) {
		/* the common case, unswitched: mbufs in hand */
		for (; o < last; o++) {
			struct rte_mbuf *c = *cp++;

			fwd_copy_whole(c, ipb, ip_len, rearm, o);
			fwd_send(w, o, c);
		}
	} else {
		for (; o < last; o++)
			fwd_copy_send(w, ipb, ip_len, rearm, *cp++, o);
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
	bool df;

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
	if (n > 1 && !fwd_copy_whole_ok(p)) {
		const struct mfib_oif *out[MFIB_MAX_OIF];

		for (i = 0; i < n; i++)
			out[i] = &e->oif[pick[i]];
		fwd_replicate_shared(w, p, out, n);
		return;
	}
	cp = fwd_copy_take(w, n - 1, spill);
	for (i = 0; i + 1 < n; i++)
		fwd_copy_send(w, ipb, ip_len, rearm, cp[i], &e->oif[pick[i]]);
	fwd_send_in_place(w, p, &e->oif[pick[n - 1]]);
}
