/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker counters by name, and their sum over workers (read from the
 * control thread while workers count: 64-bit loads do not tear).
 */

#include <stddef.h>
#include <string.h>

#include "fwd_private.h"

/* In the order of struct fwd_stats. */
static const char *const fwd_stats_names[] = {
	"rx_pkts",        "rx_bytes",      "tx_pkts",        "tx_drops",
	"fwd_pkts",       "drop_short",    "drop_not_ipv4",  "drop_bad_version",
	"drop_bad_ihl",   "drop_bad_len",  "drop_bad_csum",  "drop_ttl",
	"drop_not_mcast", "drop_no_iface", "drop_fragment",  "drop_negative",
	"drop_wrong_if",  "drop_miss",     "drop_no_mbuf",   "punt_miss",
	"punt_wrong_if",  "punt_igmp",     "punt_linklocal", "punt_ring_full",
};

#define FWD_STATS_N \
	(offsetof(struct fwd_stats, punt_ring_full) / sizeof(uint64_t) + 1)

/* A counter added to the struct without a name here fails the build. */
_Static_assert(RTE_DIM(fwd_stats_names) == FWD_STATS_N,
               "fwd_stats_names out of step with struct fwd_stats");

const char *
fwd_stats_name(unsigned int i)
{
	return i < RTE_DIM(fwd_stats_names) ? fwd_stats_names[i] : NULL;
}

void
fwd_stats_sum(struct fwd_stats *out, struct fwd_worker *const *w,
              unsigned int n)
{
	uint64_t *sum = (uint64_t *)out;
	unsigned int i, j;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		const volatile uint64_t *c;

		if (w[i] == NULL)
			continue;
		/* volatile: the worker writes these while we read */
		c = (const volatile uint64_t *)&w[i]->stats;
		for (j = 0; j < FWD_STATS_N; j++)
			sum[j] += c[j];
	}
}
