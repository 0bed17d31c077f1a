/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Benchmarking aid: --churn-rate N makes the control thread republish N
 * entries per second, as a routing daemon's updates would, so the cost of
 * publication to the fast path (new immutable entry, pointer swap, RCU
 * retirement, workers' flow caches following) can be measured while
 * traffic flows.  The churn set is --churn-entries (S,G)s with sources in
 * 198.18.0.0/15 (RFC 2544's benchmarking range) and groups in
 * 239.255.0.0/16, accepted on the first interface and sent alternately to
 * two output sets; it never touches configured state.
 */
#include <rte_cycles.h>

#include "app.h"

#define APP_CHURN_SRC 0xC6120000u /* 198.18.0.0 */
#define APP_CHURN_GRP 0xEFFF0000u /* 239.255.0.0 */
/* Most updates one control-loop pass applies: bounds how long punts wait. */
#define APP_CHURN_BATCH 4096u

static uint64_t churn_next;   /* next entry index to republish */
static uint64_t churn_start;  /* TSC at start */

static void
app_churn_spec(const struct app *a, uint64_t i, uint32_t oif[2],
	       struct mfib_spec *s)
{
	uint32_t k = (uint32_t)(i % a->churn_entries);
	uint32_t n = a->cfg->n_iface;

	/* Alternate between two output lists on every pass over the set. */
	oif[0] = a->cfg->iface[(1 + (i / a->churn_entries) % (n - 1)) % n].ifindex;
	oif[1] = a->cfg->iface[n - 1].ifindex;
	*s = (struct mfib_spec){
		.src = rte_cpu_to_be_32(APP_CHURN_SRC | (k & 0x1FFFFu)),
		.grp = rte_cpu_to_be_32(APP_CHURN_GRP | (k >> 17 & 0xFFFFu)),
		.iif = a->cfg->iface[0].ifindex,
		.flags = MFIB_F_STATIC,
		.n_oif = oif[0] == oif[1] ? 1 : 2,
		.oif_ifindex = oif,
	};
}

int
app_churn_start(struct app *a)
{
	if (a->churn_rate == 0)
		return 0;
	if (a->cfg->n_iface < 2 || a->churn_entries == 0 ||
	    a->churn_entries > (1u << 24) ||
	    a->churn_entries + a->cfg->n_mroute >= a->cfg->limits.max_entries) {
		APP_LOG(ERR,
			"--churn-rate needs two interfaces and --churn-entries (%u) below limits.max_entries (%u) minus the static mroutes",
			a->churn_entries, a->cfg->limits.max_entries);
		return -1;
	}
	/* Install the set once; the loop then replaces entries in turn. */
	for (uint64_t i = 0; i < a->churn_entries; i++) {
		struct mfib_spec s;
		uint32_t oif[2];

		app_churn_spec(a, i, oif, &s);
		if (mfib_set(a->mfib, &s) != 0) {
			APP_LOG(ERR, "--churn-entries: table full at %" PRIu64, i);
			return -1;
		}
	}
	churn_next = a->churn_entries;
	churn_start = rte_get_timer_cycles();
	APP_LOG(NOTICE, "churn: %u entries, %u updates/s", a->churn_entries,
		a->churn_rate);
	return 0;
}

void
app_churn_run(struct app *a, uint64_t now)
{
	uint64_t due, n;

	if (a->churn_rate == 0)
		return;
	due = (now - churn_start) * a->churn_rate / rte_get_timer_hz() +
	      a->churn_entries;
	n = due > churn_next ? due - churn_next : 0;
	if (n > APP_CHURN_BATCH)
		n = APP_CHURN_BATCH;
	for (; n > 0; n--, churn_next++) {
		struct mfib_spec s;
		uint32_t oif[2];

		app_churn_spec(a, churn_next, oif, &s);
		if (mfib_set(a->mfib, &s) == 0)
			a->ctr.churn_updates++;
		else
			a->ctr.churn_errors++;
	}
}
