/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Punting to the control thread: a token bucket per worker bounds the
 * data-driven signals (miss, wrong interface) so a flood of unknown flows
 * cannot starve the control plane; punts of one burst go to the ring in
 * one enqueue.
 */

#include <rte_cycles.h>
#include <rte_ring.h>

#include "fwd_private.h"

int
fwd_punt_init(struct fwd_worker *w)
{
	uint64_t hz = rte_get_tsc_hz();
	uint64_t depth = w->conf.punt_burst;

	/* A zero depth with a non-zero rate would silently mean "never";
	 * take it as one packet at a time instead. */
	if (depth == 0)
		depth = 1;
	if (depth > UINT64_MAX / 2 / hz)
		depth = UINT64_MAX / 2 / hz;
	w->tb_cost = hz;
	w->tb_max = depth * hz;
	w->tb_credit = w->tb_max; /* start full: first misses go through */
	w->tb_max_gap = w->conf.punt_rate ? w->tb_max / w->conf.punt_rate + 1 :
	                                    0;
	w->tb_last = rte_rdtsc();
	w->n_punt = 0;
	return 0;
}

bool
fwd_punt_token(struct fwd_worker *w)
{
	uint64_t now, gap;

	if (w->conf.punt_rate == 0)
		return false;
	now = rte_rdtsc();
	gap = now - w->tb_last;
	w->tb_last = now;
	/* Clamping the gap keeps gap × rate from overflowing after a long
	 * idle period; a full bucket is all it could buy anyway. */
	if (gap > w->tb_max_gap)
		gap = w->tb_max_gap;
	w->tb_credit += gap * w->conf.punt_rate;
	if (w->tb_credit > w->tb_max)
		w->tb_credit = w->tb_max;
	if (w->tb_credit < w->tb_cost)
		return false;
	w->tb_credit -= w->tb_cost;
	return true;
}

void
fwd_punt_stage(struct fwd_worker *w, struct rte_mbuf *m,
               enum fwd_punt_reason reason, uint16_t l2_len, uint32_t ifindex)
{
	struct fwd_punt_meta *meta;

	if (w->conf.punt == NULL) {
		/* The control thread's own forwarder has nobody to punt to;
		 * count the undeliverable signal where a lost punt goes. */
		if (reason == FWD_PUNT_MISS)
			w->stats.drop_miss++;
		else if (reason != FWD_PUNT_WRONG_IF)
			w->stats.punt_ring_full++;
		rte_pktmbuf_free(m);
		return;
	}
	meta = fwd_punt_meta(m);
	meta->reason = (uint8_t)reason;
	meta->l2_len = (uint8_t)l2_len;
	meta->rsvd = 0;
	meta->ifindex = ifindex;
	/* At most one punt per received packet, and fwd_process_burst()
	 * flushes after every FWD_BURST packets: the stage cannot fill. */
	w->punt_reason[w->n_punt] = (uint8_t)reason;
	w->punt_buf[w->n_punt++] = m;
}

void
fwd_punt_flush(struct fwd_worker *w)
{
	struct fwd_stats *st = &w->stats;
	unsigned int sent, i;

	if (w->n_punt == 0)
		return;
	sent = rte_ring_sp_enqueue_burst(w->conf.punt, (void **)w->punt_buf,
	                                 w->n_punt, NULL);
	for (i = 0; i < sent; i++) {
		switch (w->punt_reason[i]) {
		case FWD_PUNT_MISS:
			st->punt_miss++;
			break;
		case FWD_PUNT_WRONG_IF:
			st->punt_wrong_if++;
			break;
		case FWD_PUNT_IGMP:
			st->punt_igmp++;
			break;
		default:
			st->punt_linklocal++;
			break;
		}
	}
	if (sent < w->n_punt) {
		st->punt_ring_full += w->n_punt - sent;
		rte_pktmbuf_free_bulk(&w->punt_buf[sent], w->n_punt - sent);
	}
	w->n_punt = 0;
}
