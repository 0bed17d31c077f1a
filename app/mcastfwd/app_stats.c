/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reporting: one stats line for the log, and a JSON stats file (written
 * atomically: temp file + rename) with every worker counter by name, port
 * counters, control-plane counters and the MFE table with its counters.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app.h"

/* The workers' counters summed.  The control thread's forwarder is kept
 * apart: it re-processes packets the workers already counted as received. */
static void
app_fwd_sum(struct app *a, struct fwd_stats *s)
{
	struct fwd_worker *w[RTE_MAX_LCORE];
	unsigned int n = 0;

	for (unsigned int i = 0; i < a->n_workers; i++)
		if (a->worker[i].fw != NULL)
			w[n++] = a->worker[i].fw;
	fwd_stats_sum(s, w, n);
}

static void
app_ctl_fwd_stats(struct app *a, struct fwd_stats *s)
{
	struct fwd_worker *w[1] = {a->ctl_fw};

	fwd_stats_sum(s, w, a->ctl_fw != NULL ? 1 : 0);
}

void
app_stats_log_line(struct app *a)
{
	const uint64_t *v, *cv;
	struct mgm_counters mc = {0};
	struct fwd_stats s, c;
	uint64_t drops = 0;

	app_fwd_sum(a, &s);
	app_ctl_fwd_stats(a, &c);
	v = (const uint64_t *)&s;
	cv = (const uint64_t *)&c;
	for (unsigned int i = 0; fwd_stats_name(i) != NULL; i++)
		if (strncmp(fwd_stats_name(i), "drop_", 5) == 0)
			drops += v[i] + cv[i];
	mgm_get_counters(a->mgm, &mc);
	APP_LOG(NOTICE,
		"stats: rx %" PRIu64 " fwd %" PRIu64 " tx %" PRIu64
		" tx_drops %" PRIu64 " drops %" PRIu64 " punts %" PRIu64
		" mfes %u (negative %u) created %" PRIu64 " expired %" PRIu64,
		s.rx_pkts, s.fwd_pkts + c.fwd_pkts, s.tx_pkts + c.tx_pkts,
		s.tx_drops + c.tx_drops, drops,
		a->ctr.punts, mc.mfes, mc.negative_mfes, mc.mfes_created,
		mc.mfes_expired);
}

static json_t *
app_json_ip(uint32_t addr)
{
	char buf[INET_ADDRSTRLEN];
	struct in_addr in = {.s_addr = addr};

	inet_ntop(AF_INET, &in, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *
app_json_fwd(struct app *a, bool control)
{
	json_t *o = json_object();
	const uint64_t *v;
	struct fwd_stats s;

	if (control)
		app_ctl_fwd_stats(a, &s);
	else
		app_fwd_sum(a, &s);
	v = (const uint64_t *)&s;
	for (unsigned int i = 0; fwd_stats_name(i) != NULL; i++)
		json_object_set_new(o, fwd_stats_name(i),
				    json_integer((json_int_t)v[i]));
	return o;
}

static json_t *
app_json_ports(struct app *a)
{
	json_t *o = json_object();

	for (uint16_t id = 0; id < RTE_MAX_ETHPORTS; id++) {
		struct rte_eth_stats st;
		json_t *p;

		if (!a->port[id].started || rte_eth_stats_get(id, &st) != 0)
			continue;
		p = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:b}",
			      "ipackets", (json_int_t)st.ipackets,
			      "opackets", (json_int_t)st.opackets,
			      "imissed", (json_int_t)st.imissed,
			      "ierrors", (json_int_t)st.ierrors,
			      "oerrors", (json_int_t)st.oerrors,
			      "rx_nombuf", (json_int_t)st.rx_nombuf,
			      "link_up", a->port[id].link_up);
		json_object_set_new(o, a->port[id].name, p);
	}
	return o;
}

static json_t *
app_json_control(struct app *a)
{
	struct mgm_counters mc = {0};

	mgm_get_counters(a->mgm, &mc);
	json_t *o = json_pack(
		"{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:i, s:i, s:I, s:I, s:I, s:I, s:i, s:I}",
		"punts", (json_int_t)a->ctr.punts,
		"misses", (json_int_t)a->ctr.misses,
		"miss_errors", (json_int_t)a->ctr.miss_errors,
		"wrong_if", (json_int_t)a->ctr.wrong_if,
		"igmp", (json_int_t)a->ctr.igmp,
		"linklocal", (json_int_t)a->ctr.linklocal,
		"link_changes", (json_int_t)a->ctr.link_changes,
		"mfes", (int)mc.mfes,
		"negative_mfes", (int)mc.negative_mfes,
		"mfes_created", (json_int_t)mc.mfes_created,
		"mfes_expired", (json_int_t)mc.mfes_expired,
		"mfes_deleted_route_change",
		(json_int_t)mc.mfes_deleted_route_change,
		"fwd_errors", (json_int_t)mc.fwd_errors,
		"memberships", (int)mc.memberships,
		"fib_memory", (json_int_t)mfib_memory(a->mfib));

	json_object_set_new(o, "churn_updates",
			    json_integer((json_int_t)a->ctr.churn_updates));
	json_object_set_new(o, "churn_errors",
			    json_integer((json_int_t)a->ctr.churn_errors));
	return o;
}

/* One MIB_IPMCAST_MFE_STATS_EX record as JSON. */
static json_t *
app_json_mfe(const struct mgm_mfe_stats_ex *r)
{
	json_t *oifs = json_array(), *out = json_object();
	json_t *o;

	for (uint32_t i = 0; i < r->num_oif; i++) {
		char key[16];

		json_array_append_new(oifs, json_integer(r->oif[i].ifindex));
		snprintf(key, sizeof(key), "%u", r->oif[i].ifindex);
		json_object_set_new(out, key,
				    json_integer(r->oif[i].out_packets));
	}
	o = json_pack("{s:o, s:o, s:i, s:I, s:I, s:I, s:I, s:I, s:b}",
		      "source", app_json_ip(r->source),
		      "group", app_json_ip(r->group),
		      "iif", (int)r->in_ifindex,
		      "in_pkts", (json_int_t)r->in_pkts,
		      "in_octets", (json_int_t)r->in_octets,
		      "wrong_if", (json_int_t)r->pkts_different_if,
		      "negative", (json_int_t)r->negative_mfe,
		      "expiry_cs", (json_int_t)r->expiry_cs,
		      "static", 0);
	json_object_set_new(o, "oifs", oifs);
	json_object_set_new(o, "out_pkts", out);
	return o;
}

/* Every MFE, walked with the MGM stats enumerator (the same calls a
 * routing protocol would make). */
static json_t *
app_json_mfes(struct app *a)
{
	json_t *arr = json_array();
	uint32_t cap = 64 * 1024, size, count;
	struct mgm_mfe start;
	enum mgm_status st;
	uint8_t *buf = malloc(cap);
	bool first = true;

	if (buf == NULL)
		return arr;
	do {
		uint32_t off = 0;

		size = cap;
		st = first ? mgm_get_first_mfe_stats(a->mgm, &size, buf,
						     &count, MGM_MFE_STATS_1) :
			     mgm_get_next_mfe_stats(a->mgm, &start, &size, buf,
						    &count, MGM_MFE_STATS_1);
		first = false;
		if (st == MGM_ERR_INSUFFICIENT_BUFFER) {
			uint8_t *b = realloc(buf, size);

			if (b == NULL)
				break;
			buf = b;
			cap = size;
			st = MGM_ERR_MORE_DATA;
			first = count == 0 && json_array_size(arr) == 0;
			continue;
		}
		for (uint32_t i = 0; i < count; i++) {
			const struct mgm_mfe_stats_ex *r =
				(const void *)(buf + off);

			json_array_append_new(arr, app_json_mfe(r));
			start.source = r->source;
			start.group = r->group;
			off += (uint32_t)MGM_MFE_STATS_EX_SIZE(r->num_oif);
		}
	} while (st == MGM_ERR_MORE_DATA);
	free(buf);
	return arr;
}

/* Static mroutes are published straight into the table: report them from
 * there. */
static json_t *
app_json_static(struct app *a)
{
	json_t *arr = json_array();

	for (uint32_t i = 0; i < a->cfg->n_mroute; i++) {
		const struct ctl_mroute *r = &a->cfg->mroute[i];
		struct mfib_oif_ctr oc[CTL_MAX_OIF];
		struct mfib_entry_ctr ec;
		json_t *oifs = json_array(), *out = json_object(), *o;

		if (mfib_read(a->mfib, r->source, r->group, &ec, r->oif, oc,
			      r->n_oif) != 0)
			continue;
		for (uint32_t k = 0; k < r->n_oif; k++) {
			char key[16];

			json_array_append_new(oifs, json_integer(r->oif[k]));
			snprintf(key, sizeof(key), "%u", r->oif[k]);
			json_object_set_new(out, key, json_integer(
				(json_int_t)oc[k].out_pkts));
		}
		o = json_pack("{s:o, s:o, s:i, s:I, s:I, s:I, s:I, s:b}",
			      "source", app_json_ip(r->source),
			      "group", app_json_ip(r->group),
			      "iif", (int)r->iif,
			      "in_pkts", (json_int_t)ec.in_pkts,
			      "in_octets", (json_int_t)ec.in_octets,
			      "wrong_if", (json_int_t)ec.wrong_if,
			      "negative", (json_int_t)ec.negative,
			      "static", 1);
		json_object_set_new(o, "oifs", oifs);
		json_object_set_new(o, "out_pkts", out);
		json_array_append_new(arr, o);
	}
	return arr;
}

int
app_stats_write_file(struct app *a)
{
	char tmp[4096];
	json_t *root, *mfes;
	int rc;

	mfes = app_json_mfes(a);
	json_array_extend(mfes, app_json_static(a));
	root = json_pack("{s:o, s:o, s:o, s:o, s:o}",
			 "workers", app_json_fwd(a, false),
			 "control_forwarder", app_json_fwd(a, true),
			 "ports", app_json_ports(a),
			 "control", app_json_control(a),
			 "mfes", mfes);
	if (root == NULL)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp", a->stats_file);
	rc = json_dump_file(root, tmp, JSON_INDENT(1) | JSON_SORT_KEYS);
	json_decref(root);
	if (rc != 0 || rename(tmp, a->stats_file) != 0) {
		APP_LOG(ERR, "cannot write the stats file %s", a->stats_file);
		return -1;
	}
	return 0;
}
