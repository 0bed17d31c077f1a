/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop and one burst's way through it: parse, bulk lookup of
 * (S,G) then (*,G), the entry's verdict (negative, RPF), replication, and
 * the punts of the burst in one enqueue.
 *
 * RCU: entry pointers live only within fwd_process_burst(); the loop
 * reports a quiescent state between bursts, when none is held.
 */

#include <rte_cycles.h>
#include <rte_hash.h>
#include <rte_prefetch.h>

#include "fwd_private.h"

/* A miss, or an RPF failure: signal the control thread if the bucket
 * allows, else drop. */
static inline void
fwd_miss(struct fwd_worker *w, const struct fwd_pkt *p)
{
	if (w->conf.punt != NULL && fwd_punt_token(w)) {
		fwd_punt_stage(w, p->m, FWD_PUNT_MISS, p->l2_len, p->ifindex);
		return;
	}
	w->stats.drop_miss++;
	rte_pktmbuf_free(p->m);
}

static inline void
fwd_accept(struct fwd_worker *w, const struct fwd_pkt *p,
           const struct mfib_entry *e)
{
	struct mfib_entry_ctr *ec = &w->ectr[e->id];

	if (unlikely(e->flags & MFIB_F_NEGATIVE)) {
		ec->negative++;
		w->stats.drop_negative++;
		rte_pktmbuf_free(p->m);
		return;
	}
	if (unlikely(!(e->flags & MFIB_F_ANY_IIF) && p->ifindex != e->iif)) {
		ec->wrong_if++;
		w->stats.drop_wrong_if++;
		/* The signal shares the miss bucket: a looping flow must
		 * not flood the control thread either. */
		if (w->conf.punt != NULL && fwd_punt_token(w))
			fwd_punt_stage(w, p->m, FWD_PUNT_WRONG_IF, p->l2_len,
			               p->ifindex);
		else
			rte_pktmbuf_free(p->m);
		return;
	}
	ec->in_pkts++;
	ec->in_octets += p->ip_len;
	w->stats.fwd_pkts++;
	fwd_replicate(w, p, e);
}

/* At most FWD_BURST packets. */
static void
fwd_process_chunk(struct fwd_worker *w, uint16_t port, struct rte_mbuf **pkts,
                  uint16_t n)
{
	struct fwd_pkt p[FWD_BURST];
	struct mfib_key key[FWD_BURST];
	const void *kp[FWD_BURST];
	void *data[FWD_BURST];
	uint16_t miss[FWD_BURST];
	uint64_t hits = 0;
	uint16_t i, k, n_miss = 0;

	k = fwd_parse_burst(w, port, pkts, n, p);
	if (k > 0) {
		uint16_t look[FWD_BURST], n_look = 0;

		/* Flow cache first; rte_hash (in bulk) for what it lacks. */
		for (i = 0; i < k; i++) {
			uint32_t src = p[i].ip->src_addr, grp = p[i].ip->dst_addr;

			if (w->fc != NULL) {
				const struct fwd_fc_slot *c = fwd_fc_slot(
				        w->fc, fwd_fc_key(src, grp));

				if (c->key == fwd_fc_key(src, grp) &&
				    c->epoch == w->fc_epoch &&
				    !__atomic_load_n(&c->e->retired,
				                     __ATOMIC_ACQUIRE)) {
					data[i] = (void *)(uintptr_t)c->e;
					continue;
				}
			}
			mfib_key_make(&key[n_look], src, grp);
			kp[n_look] = &key[n_look];
			look[n_look++] = i;
		}
		if (n_look > 0) {
			void *found[FWD_BURST];

			rte_hash_lookup_bulk_data(w->hash, kp, n_look, &hits,
			                          found);
			for (i = 0; i < n_look; i++) {
				uint16_t j = look[i];

				if (!(hits & (1ULL << i))) {
					data[j] = NULL;
					miss[n_miss++] = j;
					continue;
				}
				data[j] = found[i];
				if (w->fc != NULL) {
					struct fwd_fc_slot *c = fwd_fc_slot(
					        w->fc, fwd_fc_key(key[i].src,
					                          key[i].grp));

					c->key = fwd_fc_key(key[i].src,
					                    key[i].grp);
					c->epoch = w->fc_epoch;
					c->e = found[i];
				}
			}
		}
		if (n_miss > 0) {
			void *data2[FWD_BURST];
			uint64_t hits2 = 0;

			for (i = 0; i < n_miss; i++) {
				key[i].src = 0;
				key[i].grp = p[miss[i]].ip->dst_addr;
				kp[i] = &key[i];
			}
			rte_hash_lookup_bulk_data(w->hash, kp, n_miss, &hits2,
			                          data2);
			for (i = 0; i < n_miss; i++)
				data[miss[i]] =
				        (hits2 & (1ULL << i)) ? data2[i] : NULL;
		}
		for (i = 0; i < k; i++) {
			if (data[i] != NULL)
				rte_prefetch0(data[i]);
		}
		for (i = 0; i < k; i++) {
			if (data[i] != NULL)
				fwd_accept(w, &p[i], data[i]);
			else
				fwd_miss(w, &p[i]);
		}
	}
	fwd_punt_flush(w);
}

void
fwd_process_burst(struct fwd_worker *w, uint16_t port, struct rte_mbuf **pkts,
                  uint16_t n)
{
	uint16_t off, len;

	for (off = 0; off < n; off += len) {
		len = RTE_MIN((uint16_t)(n - off), (uint16_t)FWD_BURST);
		fwd_process_chunk(w, port, pkts + off, len);
	}
}

int
fwd_worker_main(void *arg)
{
	struct fwd_worker *w = arg;
	const struct fwd_worker_conf *c = &w->conf;
	struct rte_mbuf *pkts[FWD_BURST];
	uint16_t i, n;

	FWD_LOG(INFO, "worker on lcore %u: %u rx queue(s), %u tx port(s)\n",
	        rte_lcore_id(), c->n_rx, w->n_tx_port);
	w->last_flush = rte_rdtsc();
	while (!fwd_stopping()) {
		uint32_t got = 0;
		uint64_t now;

		for (i = 0; i < c->n_rx; i++) {
			n = rte_eth_rx_burst(c->rx[i].port, c->rx[i].queue,
			                     pkts, FWD_BURST);
			if (n == 0)
				continue;
			got += n;
			fwd_process_burst(w, c->rx[i].port, pkts, n);
		}
		/* Idle: nothing more is coming to fill the buffers.  Busy:
		 * bound the latency a partly filled buffer adds. */
		now = rte_rdtsc();
		if (got == 0 || now - w->last_flush >= w->drain_tsc)
			fwd_worker_flush(w);
		/* Quiescent only now and then: the report empties the flow
		 * cache, whose pointers are references held across bursts. */
		if (c->is_reader &&
		    (got == 0 || ++w->qs_loops >= FWD_QS_LOOPS)) {
			w->qs_loops = 0;
			w->fc_epoch++;
			mfib_quiescent(w->rcu, c->reader_id);
		}
	}
	fwd_worker_flush(w);
	if (c->is_reader)
		mfib_reader_unregister(c->mfib, c->reader_id);
	FWD_LOG(INFO, "worker on lcore %u stopped\n", rte_lcore_id());
	return 0;
}
