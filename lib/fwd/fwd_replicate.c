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

/* A copy's mbuf, fresh from the pool: only what a one-segment packet
 * needs is written.  The pool hands out mbufs with next = NULL and
 * nb_segs = 1 (the free path leaves them so), so this costs a handful of
 * stores where rte_pktmbuf_reset() writes every field. */
static inline void
fwd_mbuf_init(const struct fwd_worker *w, struct rte_mbuf *c, uint32_t len)
{
	memcpy(&c->rearm_data, &w->rearm, sizeof(w->rearm));
	c->ol_flags = 0;
	c->packet_type = 0;
	c->tx_offload = 0;
	c->pkt_len = len;
	c->data_len = (uint16_t)len;
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
 * IP packet (fwd_copy_whole_ok() said it may). */
static inline void
fwd_copy_whole(const struct fwd_worker *w, struct rte_mbuf *c,
               const struct fwd_pkt *p, const struct mfib_oif *o)
{
	const uint8_t *s = (const uint8_t *)p->ip;
	uint8_t *d;

	/* @c is fresh from the pool: one segment, default headroom, far
	 * more room than FWD_COPY_MAX needs (fwd_worker_create checks). */
	fwd_mbuf_init(w, c, o->l2_len + (uint32_t)p->ip_len);
	d = rte_pktmbuf_mtod(c, uint8_t *);
	fwd_l2_put(d, o);
	/* Whole 16-byte blocks, the first four unconditionally: spare bytes
	 * past the packet cost less than rte_memcpy's size dispatch. */
	d += o->l2_len;
	memcpy(d, s, 16);
	memcpy(d + 16, s + 16, 16);
	memcpy(d + 32, s + 32, 16);
	memcpy(d + 48, s + 48, 16);
	for (uint16_t off = 64; off < p->ip_len; off += 16)
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

	fwd_mbuf_init(w, h, 0);
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

/* The selection "every output, in order". */
static const uint8_t fwd_every_oif[MFIB_MAX_OIF] = {
	0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
	16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
	32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
	48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63,
};

/* Two or more outputs: copies first, the received mbuf last.  Kept out of
 * line: its arrays would weigh on the single-output path (fwd_out.h). */
__rte_noinline void
fwd_replicate_many(struct fwd_worker *w, const struct fwd_pkt *p,
                   const struct mfib_entry *e)
{
	struct rte_mbuf *m = p->m;
	struct rte_ipv4_hdr *ip = p->ip;
	uint8_t ttl = ip->time_to_live;
	uint8_t pick[MFIB_MAX_OIF];
	const uint8_t *sel = fwd_every_oif;
	struct rte_mbuf *cp[MFIB_MAX_OIF];
	const struct mfib_oif *o;
	unsigned int i, n = 0;
	bool whole;

	RTE_BUILD_BUG_ON(RTE_DIM(fwd_every_oif) != 64 || MFIB_MAX_OIF != 64);
	if (likely(fwd_all_oifs_ok(p, e, ttl))) {
		n = RTE_MIN(e->n_oif, (uint16_t)MFIB_MAX_OIF);
	} else {
		bool df = fwd_df(ip);

		for (i = 0; i < e->n_oif && i < MFIB_MAX_OIF; i++)
			if (fwd_oif_ok(w, p, &e->oif[i], ttl, df))
				pick[n++] = (uint8_t)i;
		if (n == 0) {
			rte_pktmbuf_free(m);
			return;
		}
		sel = pick;
	}
	fwd_ttl_dec(ip, ttl);
	whole = fwd_copy_whole_ok(p);

	/* One mempool operation for every copy's first mbuf (raw: each is
	 * initialised as it is filled); when the pool runs low, get what
	 * can be had one by one. */
	if (n > 1 && unlikely(rte_mempool_get_bulk(w->conf.pool, (void **)cp,
	                                           n - 1) != 0)) {
		for (i = 0; i + 1 < n; i++)
			cp[i] = rte_mbuf_raw_alloc(w->conf.pool);
	}
	for (i = 0; i + 1 < n; i++) {
		struct rte_mbuf *c = cp[i];

		o = &e->oif[sel[i]];
		if (likely(c != NULL)) {
			if (likely(whole))
				fwd_copy_whole(w, c, p, o);
			else
				c = fwd_copy_indirect(w, c, p, o);
		}
		if (unlikely(c == NULL)) {
			w->octr[o->ctr_id].out_discards++;
			w->stats.drop_no_mbuf++;
			continue;
		}
		fwd_send(w, o, c);
	}
	fwd_send_in_place(w, p, &e->oif[sel[n - 1]]);
}
