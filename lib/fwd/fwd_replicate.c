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

#include "fwd_copy.h"

void
fwd_copy_stash_return(struct fwd_worker *w)
{
	rte_mempool_put_bulk(w->conf.pool, (void **)w->stash, w->n_stash);
	w->n_stash = 0;
}

/* Large frame: new header mbuf @p h chained to an indirect clone of the
 * bytes after the IP header. */
struct rte_mbuf *
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

/* Out of line: inlined, its copy loop weighs on the fast run's
 * single-output path (bench_fwd, fanout 1: 11 instructions per packet). */
__rte_noinline void
fwd_replicate_plain(struct fwd_worker *w, const struct fwd_pkt *p,
                    const struct mfib_entry *e)
{
	fwd_replicate_all(w, p, e);
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
	fwd_ttl_dec(ip, ttl);
	whole = fwd_copy_whole_ok(p);
	cp = fwd_copy_take(w, n - 1, spill);
	for (i = 0; i + 1 < n; i++)
		fwd_copy_send(w, p, ipb, ip_len, rearm, whole, cp[i],
		              &e->oif[pick[i]]);
	fwd_send_in_place(w, p, &e->oif[pick[n - 1]]);
}
