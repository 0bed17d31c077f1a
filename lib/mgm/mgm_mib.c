/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MFE retrieval in the MIB record formats: MIB_IPMCAST_MFE and the two
 * statistics records, packed back to back into the caller's buffer in
 * (group, source) order.  No handle is needed to read.
 */
#include <stdlib.h>
#include <string.h>

#include "mgm_private.h"

enum mgm_rec_kind {
	MGM_REC_MFE,
	MGM_REC_STATS,
	MGM_REC_STATS_EX,
};

static uint32_t
mgm_rec_size(const struct mgm_mfe_node *n, enum mgm_rec_kind kind)
{
	switch (kind) {
	case MGM_REC_MFE:
		return (uint32_t)MGM_MFE_SIZE(n->n_oif);
	case MGM_REC_STATS:
		return (uint32_t)MGM_MFE_STATS_SIZE(n->n_oif);
	case MGM_REC_STATS_EX:
		break;
	}
	return (uint32_t)MGM_MFE_STATS_EX_SIZE(n->n_oif);
}

static uint32_t
mgm_sat32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Time left before expiry in units of @unit_ns, rounded up. */
static uint32_t
mgm_left(const struct mgm_mfe_node *n, uint64_t now, uint64_t unit_ns)
{
	if (n->expire_ns <= now)
		return 0;
	return mgm_sat32((n->expire_ns - now + unit_ns - 1) / unit_ns);
}

static void
mgm_rec_fill_mfe(const struct mgm_mfe_node *n, uint64_t now, uint8_t *dst)
{
	struct mgm_mfe r = {
		.group = n->group,
		.source = n->source,
		.source_mask = MGM_ADDR_HOST,
		.upstream_nbr = n->upstream,
		.in_ifindex = n->in_ifindex,
		.in_if_protocol = n->in_protocol,
		.route_protocol = n->has_route ? n->route.protocol : 0,
		.route_network = n->has_route ? n->route.network.number : 0,
		.route_mask = n->has_route ? n->route.network.mask : 0,
		.uptime_s = mgm_sat32((now - n->created_ns) / MGM_NS_PER_S),
		.expiry_s = mgm_left(n, now, MGM_NS_PER_S),
		.timeout_s = n->timeout_s,
		.num_oif = n->n_oif,
	};

	memcpy(dst, &r, sizeof(r));
	dst += sizeof(r);
	for (uint32_t i = 0; i < n->n_oif; i++) {
		struct mgm_oif o = {n->oif[i].ifindex, n->oif[i].nexthop, 0, 0};

		memcpy(dst, &o, sizeof(o));
		dst += sizeof(o);
	}
}

static bool
mgm_rec_fill_stats(struct mgm *m, const struct mgm_mfe_node *n, uint64_t now,
		   enum mgm_rec_kind kind, uint8_t *dst)
{
	const uint64_t cs = MGM_NS_PER_S / 100;
	struct mgm_fwd_oif_counters *oc = NULL;
	struct mgm_fwd_counters c;
	struct mgm_mfe_stats_ex r;

	if (n->n_oif > 0) {
		oc = calloc(n->n_oif, sizeof(*oc));
		if (oc == NULL)
			return false;
	}
	mgm_mfe_counters(m, n, &c, oc);
	r = (struct mgm_mfe_stats_ex){
		.group = n->group,
		.source = n->source,
		.source_mask = MGM_ADDR_HOST,
		.upstream_nbr = n->upstream,
		.in_ifindex = n->in_ifindex,
		.in_if_protocol = n->in_protocol,
		.route_protocol = n->has_route ? n->route.protocol : 0,
		.route_network = n->has_route ? n->route.network.number : 0,
		.route_mask = n->has_route ? n->route.network.mask : 0,
		.uptime_cs = mgm_sat32((now - n->created_ns) / cs),
		/* 0 would mean "no aging": an MFE at its deadline shows 1. */
		.expiry_cs = mgm_left(n, now, cs) ? mgm_left(n, now, cs) : 1,
		.num_oif = n->n_oif,
		.in_pkts = (uint32_t)c.in_pkts,
		.in_octets = (uint32_t)c.in_octets,
		.pkts_different_if = (uint32_t)c.different_if,
		.queue_overflow = (uint32_t)c.queue_overflow,
		.uninit_mfe = 0,
		.negative_mfe = (uint32_t)c.negative,
		.in_discards = (uint32_t)c.in_discards,
		.in_hdr_errors = (uint32_t)c.in_hdr_errors,
		.total_out_packets = (uint32_t)c.total_out,
	};
	if (kind == MGM_REC_STATS) {
		memcpy(dst, &r, sizeof(struct mgm_mfe_stats));
		dst += sizeof(struct mgm_mfe_stats);
	} else {
		memcpy(dst, &r, sizeof(r));
		dst += sizeof(r);
	}
	for (uint32_t i = 0; i < n->n_oif; i++) {
		struct mgm_oif_stats o = {
			.ifindex = n->oif[i].ifindex,
			.nexthop = n->oif[i].nexthop,
			.ttl_too_low = (uint32_t)oc[i].ttl_too_low,
			.frag_needed = (uint32_t)oc[i].frag_needed,
			.out_packets = (uint32_t)oc[i].out_packets,
			.out_discards = (uint32_t)oc[i].out_discards,
		};

		memcpy(dst, &o, sizeof(o));
		dst += sizeof(o);
	}
	free(oc);
	return true;
}

static bool
mgm_rec_fill(struct mgm *m, const struct mgm_mfe_node *n, uint64_t now,
	     enum mgm_rec_kind kind, uint8_t *dst)
{
	if (kind == MGM_REC_MFE) {
		mgm_rec_fill_mfe(n, now, dst);
		return true;
	}
	return mgm_rec_fill_stats(m, n, now, kind, dst);
}

static bool
mgm_stats_kind(uint32_t flags, enum mgm_rec_kind *kind)
{
	if (flags == MGM_MFE_STATS_0)
		*kind = MGM_REC_STATS;
	else if (flags == MGM_MFE_STATS_1)
		*kind = MGM_REC_STATS_EX;
	else
		return false;
	return true;
}

/* ---- one MFE ---------------------------------------------------------- */

static enum mgm_status
mgm_get_one(struct mgm *m, const struct mgm_mfe *key, uint32_t *size,
	    void *buf, enum mgm_rec_kind kind)
{
	struct mgm_mfe_node *n;
	struct mgm_cbq q;
	enum mgm_status st = MGM_OK;
	uint32_t need;

	if (m == NULL || key == NULL || size == NULL ||
	    (buf == NULL && *size != 0))
		return MGM_ERR_INVALID_PARAMETER;
	mgm_enter_routes(m, &q);
	n = mgm_mfe_find(m, key->source, key->group);
	if (n == NULL) {
		st = MGM_ERR_NOT_FOUND;
		goto out;
	}
	need = mgm_rec_size(n, kind);
	if (need > *size) {
		*size = need;
		st = MGM_ERR_INSUFFICIENT_BUFFER;
		goto out;
	}
	if (!mgm_rec_fill(m, n, mgm_now(m), kind, buf))
		st = MGM_ERR_NO_MEMORY;
out:
	mgm_leave(m, &q);
	return st;
}

enum mgm_status
mgm_get_mfe(struct mgm *m, const struct mgm_mfe *key, uint32_t *size,
	    void *buf)
{
	return mgm_get_one(m, key, size, buf, MGM_REC_MFE);
}

enum mgm_status
mgm_get_mfe_stats(struct mgm *m, const struct mgm_mfe *key, uint32_t *size,
		  void *buf, uint32_t flags)
{
	enum mgm_rec_kind kind;

	if (!mgm_stats_kind(flags, &kind))
		return MGM_ERR_INVALID_PARAMETER;
	return mgm_get_one(m, key, size, buf, kind);
}

/* ---- walks ------------------------------------------------------------ */

static enum mgm_status
mgm_get_many(struct mgm *m, const struct mgm_mfe *start, uint32_t *size,
	     void *buf, uint32_t *count, enum mgm_rec_kind kind)
{
	struct mgm_mfe_node *n;
	struct mgm_cbq q;
	enum mgm_status st;
	uint32_t off = 0, need = 0;
	uint64_t now;

	if (m == NULL || size == NULL || count == NULL ||
	    (buf == NULL && *size != 0))
		return MGM_ERR_INVALID_PARAMETER;
	mgm_enter_routes(m, &q);
	now = mgm_now(m);
	*count = 0;
	n = start != NULL ? mgm_mfe_after(m, start->source, start->group) :
			    mgm_mfe_first(m);
	for (; n != NULL; n = mgm_mfe_next(m, n)) {
		need = mgm_rec_size(n, kind);
		if (need > *size - off)
			break;
		if (!mgm_rec_fill(m, n, now, kind, (uint8_t *)buf + off)) {
			st = MGM_ERR_NO_MEMORY;
			goto out;
		}
		off += need;
		(*count)++;
	}
	if (n == NULL) {
		st = MGM_ERR_NO_MORE_ITEMS;
	} else if (*count == 0) {
		*size = need;
		st = MGM_ERR_INSUFFICIENT_BUFFER;
	} else {
		st = MGM_ERR_MORE_DATA;
	}
out:
	mgm_leave(m, &q);
	return st;
}

enum mgm_status
mgm_get_first_mfe(struct mgm *m, uint32_t *size, void *buf, uint32_t *count)
{
	return mgm_get_many(m, NULL, size, buf, count, MGM_REC_MFE);
}

enum mgm_status
mgm_get_next_mfe(struct mgm *m, const struct mgm_mfe *start, uint32_t *size,
		 void *buf, uint32_t *count)
{
	if (start == NULL)
		return MGM_ERR_INVALID_PARAMETER;
	return mgm_get_many(m, start, size, buf, count, MGM_REC_MFE);
}

enum mgm_status
mgm_get_first_mfe_stats(struct mgm *m, uint32_t *size, void *buf,
			uint32_t *count, uint32_t flags)
{
	enum mgm_rec_kind kind;

	if (!mgm_stats_kind(flags, &kind))
		return MGM_ERR_INVALID_PARAMETER;
	return mgm_get_many(m, NULL, size, buf, count, kind);
}

enum mgm_status
mgm_get_next_mfe_stats(struct mgm *m, const struct mgm_mfe *start,
		       uint32_t *size, void *buf, uint32_t *count,
		       uint32_t flags)
{
	enum mgm_rec_kind kind;

	if (start == NULL || !mgm_stats_kind(flags, &kind))
		return MGM_ERR_INVALID_PARAMETER;
	return mgm_get_many(m, start, size, buf, count, kind);
}

/* ---- MgmSetMfe -------------------------------------------------------- */

enum mgm_status
mgm_set_mfe(struct mgm *m, mgm_handle_t h, const struct mgm_mfe *mfe)
{
	struct mgm_mfe_node *n;
	struct mgm_cbq q;
	enum mgm_status st = MGM_OK;

	if (m == NULL || mfe == NULL)
		return MGM_ERR_INVALID_PARAMETER;
	mgm_enter_routes(m, &q);
	if (mgm_handle_slot(m, h, MGM_HKIND_PROTOCOL) < 0) {
		st = MGM_ERR_INVALID_PARAMETER;
		goto out;
	}
	n = mgm_mfe_find(m, mfe->source, mfe->group);
	if (n == NULL)
		st = MGM_ERR_NOT_FOUND;
	else
		n->upstream = mfe->upstream_nbr; /* the only settable field */
out:
	mgm_leave(m, &q);
	return st;
}
