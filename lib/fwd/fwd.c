/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's life: creation (counter slots, tx buffers, punt bucket),
 * destruction, the process-wide stop flag and the punt metadata dynfield.
 */

#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>

#include "fwd_private.h"

RTE_LOG_REGISTER(fwd_logtype, mcastfwd.fwd, INFO);

/* Lock-free atomic: fwd_stop() may run in a signal handler. */
static atomic_bool fwd_stop_flag;
_Static_assert(ATOMIC_BOOL_LOCK_FREE == 2,
               "fwd_stop() must be async-signal-safe");

static int fwd_punt_meta_offset = -1;

void
fwd_stop(void)
{
	atomic_store_explicit(&fwd_stop_flag, true, memory_order_release);
}

bool
fwd_stopping(void)
{
	return atomic_load_explicit(&fwd_stop_flag, memory_order_acquire);
}

int
fwd_punt_meta_register(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "mcastfwd_punt_meta",
		.size = sizeof(struct fwd_punt_meta),
		.align = __alignof__(struct fwd_punt_meta),
	};
	int off;

	/* Registering the same description again returns the same offset,
	 * so this is safe to call from every worker's creation. */
	off = rte_mbuf_dynfield_register(&desc);
	if (off < 0)
		return -rte_errno;
	fwd_punt_meta_offset = off;
	return 0;
}

struct fwd_punt_meta *
fwd_punt_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, fwd_punt_meta_offset,
	                         struct fwd_punt_meta *);
}

struct fwd_worker *
fwd_worker_create(const struct fwd_worker_conf *conf)
{
	struct fwd_worker *w;
	int socket = SOCKET_ID_ANY;
	int rc;

	/* Copies are written into pool mbufs without a length check: their
	 * data room must hold the largest one after the default headroom. */
	if (conf == NULL || conf->mfib == NULL || conf->pool == NULL ||
	    conf->n_rx > FWD_MAX_RX || conf->ctr_slot >= MFIB_MAX_LCORES ||
	    rte_pktmbuf_data_room_size(conf->pool) <
	            RTE_PKTMBUF_HEADROOM + FWD_COPY_MAX + 64) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (conf->punt != NULL) {
		rc = fwd_punt_meta_register();
		if (rc < 0) {
			rte_errno = -rc;
			return NULL;
		}
	}
	if (conf->lcore_id < RTE_MAX_LCORE &&
	    rte_lcore_is_enabled(conf->lcore_id))
		socket = (int)rte_lcore_to_socket_id(conf->lcore_id);

	w = rte_zmalloc_socket("fwd_worker", sizeof(*w), RTE_CACHE_LINE_SIZE,
	                       socket);
	if (w == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	w->conf = *conf;
	{
		struct rte_mbuf tmpl = {
			.data_off = RTE_PKTMBUF_HEADROOM,
			.nb_segs = 1,
			.port = RTE_MBUF_PORT_INVALID,
		};

		rte_mbuf_refcnt_set(&tmpl, 1);
		memcpy(&w->rearm, &tmpl.rearm_data, sizeof(w->rearm));
	}
	w->hash = mfib_hash(conf->mfib);
	w->rcu = mfib_rcu(conf->mfib);
	w->ectr = mfib_entry_ctrs(conf->mfib, conf->ctr_slot);
	w->octr = mfib_oif_ctrs(conf->mfib, conf->ctr_slot);
	if (w->hash == NULL || w->ectr == NULL || w->octr == NULL) {
		rte_free(w);
		rte_errno = EINVAL;
		return NULL;
	}
	/* Only an RCU reader may keep entry pointers between bursts (the
	 * control thread's forwarder is the writer: it frees entries). */
	if (conf->is_reader) {
		/* a way a cache line: a flow alone in its set costs one */
		RTE_BUILD_BUG_ON(sizeof(struct fwd_fc_way) != RTE_CACHE_LINE_SIZE);
		w->fc = rte_zmalloc_socket("fwd_flow_cache",
		                           FWD_FC_SETS * sizeof(*w->fc),
		                           RTE_CACHE_LINE_SIZE, socket);
		w->fc_retire_seq = mfib_retire_seq(conf->mfib);
	}
	rc = conf->is_reader && w->fc == NULL ? -ENOMEM : fwd_tx_init(w, socket);
	if (rc == 0)
		rc = fwd_punt_init(w);
	if (rc < 0) {
		fwd_tx_fini(w);
		rte_free(w->fc);
		rte_free(w);
		rte_errno = -rc;
		return NULL;
	}
	w->drain_tsc =
	        (rte_get_tsc_hz() + US_PER_S - 1) / US_PER_S * FWD_DRAIN_US;
	w->last_flush = rte_rdtsc();
	w->fc_set_tsc = RTE_MAX(rte_get_tsc_hz() / MS_PER_S * FWD_FC_SWEEP_MS /
	                                FWD_FC_SETS,
	                        (uint64_t)1);
	w->fc_sweep_tsc = w->last_flush;
	return w;
}

void
fwd_worker_destroy(struct fwd_worker *w)
{
	if (w == NULL)
		return;
	fwd_worker_flush(w);
	/* a caller driving fwd_process_burst() itself loses no count */
	fwd_worker_count_flush(w);
	fwd_tx_fini(w);
	rte_free(w->fc);
	rte_free(w);
}

const struct fwd_stats *
fwd_worker_stats(const struct fwd_worker *w)
{
	return &w->stats;
}
