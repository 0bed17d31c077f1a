/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/mgm's forwarder ops over an mfib table.  MGM calls these on the
 * control thread with its mutex held, so they only touch the table (never
 * MGM) and translate between MGM's records and mfib's.
 */

#include <errno.h>
#include <string.h>

#include "mfib_private.h"

static int
mfib_mgm_set_entry(void *ctx, const struct mgm_fwd_entry *in)
{
	uint32_t ifx[MFIB_MAX_OIF], nh[MFIB_MAX_OIF];
	struct mfib_spec spec = {
		.src = in->source, /* 0: (*,G) */
		.grp = in->group,
		.iif = in->in_ifindex,
	};

	if (in->num_oif > MFIB_MAX_OIF || (in->num_oif > 0 && in->oif == NULL))
		return -EINVAL;
	for (uint32_t i = 0; i < in->num_oif; i++) {
		ifx[i] = in->oif[i].ifindex;
		nh[i] = in->oif[i].nexthop;
	}
	spec.n_oif = (uint16_t)in->num_oif;
	spec.oif_ifindex = ifx;
	spec.oif_nexthop = nh;
	return mfib_set(ctx, &spec);
}

static int
mfib_mgm_delete_entry(void *ctx, uint32_t source, uint32_t group)
{
	return mfib_del(ctx, source, group);
}

static int
mfib_mgm_read_counters(void *ctx, uint32_t source, uint32_t group,
                       struct mgm_fwd_counters *c,
                       struct mgm_fwd_oif_counters *oc, uint32_t n_oif)
{
	uint32_t ifx[MFIB_MAX_OIF];
	struct mfib_oif_ctr ctr[MFIB_MAX_OIF];
	struct mfib_entry_ctr ec;
	uint64_t total = 0;
	uint32_t n;
	int rc;

	if (oc == NULL)
		n_oif = 0;
	/* An entry has at most MFIB_MAX_OIF outputs: the rest match none. */
	n = RTE_MIN(n_oif, (uint32_t)MFIB_MAX_OIF);
	for (uint32_t i = 0; i < n; i++)
		ifx[i] = oc[i].ifindex;
	rc = mfib_read_total(ctx, source, group, &ec, ifx, ctr, n, &total);
	if (rc != 0)
		return rc;
	if (c != NULL)
		*c = (struct mgm_fwd_counters){
			.in_pkts = ec.in_pkts,
			.in_octets = ec.in_octets,
			.different_if = ec.wrong_if,
			.negative = ec.negative,
			.total_out = total,
		};
	for (uint32_t i = 0; i < n_oif; i++) {
		const struct mfib_oif_ctr *s = &ctr[i];

		oc[i].out_packets = i < n ? s->out_pkts : 0;
		oc[i].out_discards = i < n ? s->out_discards : 0;
		oc[i].ttl_too_low = i < n ? s->ttl_too_low : 0;
		oc[i].frag_needed = i < n ? s->frag_needed : 0;
	}
	return 0;
}

const struct mgm_forwarder_ops mfib_mgm_ops = {
	.set_entry = mfib_mgm_set_entry,
	.delete_entry = mfib_mgm_delete_entry,
	.read_counters = mfib_mgm_read_counters,
};
