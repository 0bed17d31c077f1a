/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building the running system from the configuration: which worker polls
 * which queue, the mbuf pool and the fast-path table, then the control
 * plane (RTM static routes, MGM's built-in "static" protocol with its
 * memberships, static multicast routes), then the workers' state.
 */
#include <string.h>

#include <rte_errno.h>
#include <rte_mbuf.h>

#include "app.h"

#define APP_PUNT_BURST_MIN 64u    /* token bucket depth bounds */
#define APP_PUNT_BURST_MAX 65536u

/* ---- worker placement -------------------------------------------------- */

static int
app_worker_add_rx(struct app *a, struct app_worker *w, uint16_t port,
		  uint16_t queue)
{
	if (w->conf.n_rx >= FWD_MAX_RX) {
		APP_LOG(ERR, "lcore %u: more than %u rx queues", w->lcore,
			FWD_MAX_RX);
		return -1;
	}
	w->conf.rx[w->conf.n_rx].port = port;
	w->conf.rx[w->conf.n_rx].queue = queue;
	w->conf.n_rx++;
	if (queue + 1u > a->port[port].n_rxq)
		a->port[port].n_rxq = (uint16_t)(queue + 1u);
	return 0;
}

/* Explicit placement from "workers": every lcore must be an EAL worker. */
static int
app_place_explicit(struct app *a)
{
	for (uint32_t i = 0; i < a->cfg->n_worker; i++) {
		const struct ctl_worker *cw = &a->cfg->worker[i];
		struct app_worker *w = &a->worker[i];

		if (cw->lcore >= RTE_MAX_LCORE ||
		    !rte_lcore_is_enabled(cw->lcore) ||
		    cw->lcore == rte_get_main_lcore()) {
			APP_LOG(ERR,
				"$.workers[%u].lcore: lcore %u is not a worker lcore of this EAL (see -l/--lcores; lcore %u runs the control plane)",
				i, cw->lcore, rte_get_main_lcore());
			return -1;
		}
		w->lcore = cw->lcore;
		for (uint32_t q = 0; q < cw->n_rx; q++) {
			uint16_t port;

			app_port_of_ref(&cw->rx[q].port, &port);
			if (app_worker_add_rx(a, w, port, cw->rx[q].queue) != 0)
				return -1;
		}
	}
	a->n_workers = a->cfg->n_worker;
	return 0;
}

/* Default placement: each used port gets one rx queue per worker (as many
 * as the device has), dealt round-robin so that RSS spreads flows over all
 * workers and ports over workers when queues are scarce. */
static int
app_place_default(struct app *a)
{
	unsigned int lcore, n = 0, k = 0;

	RTE_LCORE_FOREACH_WORKER(lcore)
		a->worker[n++].lcore = lcore;
	a->n_workers = n;
	for (uint16_t id = 0; id < RTE_MAX_ETHPORTS; id++) {
		struct rte_eth_dev_info info;
		uint16_t nq;

		if (!a->port[id].used)
			continue;
		if (rte_eth_dev_info_get(id, &info) != 0)
			return -1;
		nq = (uint16_t)RTE_MIN((unsigned int)info.max_rx_queues, n);
		if (nq == 0)
			nq = 1;
		for (uint16_t q = 0; q < nq; q++)
			if (app_worker_add_rx(a, &a->worker[k++ % n], id, q) != 0)
				return -1;
	}
	return 0;
}

int
app_place_workers(struct app *a)
{
	unsigned int lcore, n = 0;
	int rc;

	RTE_LCORE_FOREACH_WORKER(lcore)
		n++;
	if (n == 0) {
		APP_LOG(ERR,
			"no worker lcore: give EAL at least two lcores (e.g. -l 0-1); the main lcore runs the control plane");
		return -1;
	}
	rc = a->cfg->n_worker > 0 ? app_place_explicit(a) :
				    app_place_default(a);
	if (rc != 0)
		return rc;
	for (uint16_t id = 0; id < RTE_MAX_ETHPORTS; id++) {
		if (!a->port[id].used)
			continue;
		if (a->port[id].n_rxq == 0)
			a->port[id].n_rxq = 1; /* a queue nobody polls */
		/* One tx queue per worker and one for the control thread. */
		a->port[id].n_txq = (uint16_t)(a->n_workers + 1);
	}
	for (unsigned int i = 0; i < a->n_workers; i++) {
		struct app_worker *w = &a->worker[i];

		for (uint16_t id = 0; id < RTE_MAX_ETHPORTS; id++)
			w->conf.tx_queue[id] =
				a->port[id].used ? (uint16_t)i : UINT16_MAX;
		for (uint16_t q = 0; q < w->conf.n_rx; q++)
			APP_LOG(INFO, "lcore %u polls %s queue %u", w->lcore,
				a->port[w->conf.rx[q].port].name,
				w->conf.rx[q].queue);
	}
	return 0;
}

/* ---- fast path ------------------------------------------------------- */

int
app_setup_fastpath(struct app *a)
{
	const struct ctl_limits *lim = &a->cfg->limits;
	struct mfib_config mc = {
		.name = "mcastfwd",
		.socket_id = (int)rte_socket_id(),
		.max_entries = lim->max_entries,
		.max_lcores = a->n_workers + 1,
		.max_readers = a->n_workers,
	};

	a->pool = rte_pktmbuf_pool_create("mcastfwd_mbufs", lim->mbufs,
					  lim->mbuf_cache, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE,
					  (int)rte_socket_id());
	if (a->pool == NULL) {
		APP_LOG(ERR,
			"cannot create %u mbufs: %s (raise -m / hugepages, or lower limits.mbufs)",
			lim->mbufs, rte_strerror(rte_errno));
		return -1;
	}
	a->mfib = mfib_create(&mc);
	if (a->mfib == NULL) {
		APP_LOG(ERR,
			"cannot create the forwarding table (%u entries): %s",
			lim->max_entries, rte_strerror(rte_errno));
		return -1;
	}
	for (uint32_t i = 0; i < a->cfg->n_iface; i++) {
		const struct ctl_iface *ci = &a->cfg->iface[i];
		struct mfib_iface fi = {
			.ifindex = ci->ifindex,
			.vlan = ci->vlan,
			.mtu = ci->mtu,
			.ttl_threshold = ci->ttl_threshold,
		};
		int rc;

		app_port_of_ref(&ci->port, &fi.port);
		if (ci->has_mac)
			memcpy(fi.mac.addr_bytes, ci->mac, RTE_ETHER_ADDR_LEN);
		else
			rte_eth_macaddr_get(fi.port, &fi.mac);
		snprintf(fi.name, sizeof(fi.name), "%s", ci->name);
		rc = mfib_iface_add(a->mfib, &fi);
		if (rc != 0) {
			APP_LOG(ERR, "interface %s: %s", ci->name,
				rte_strerror(-rc));
			return -1;
		}
	}
	return 0;
}

/* ---- control plane ----------------------------------------------------- */

static void
app_lib_log(void *ctx, int level, const char *msg)
{
	/* syslog numbering (lib/mgm, lib/rtm) is one below rte_log's. */
	rte_log((uint32_t)level + 1, app_logtype, "mcastfwd: %s: %s\n",
		(const char *)ctx, msg);
}

static int
app_add_routes(struct app *a)
{
	enum rtm_status st;

	a->rtm_static = rtm_register_client(a->rtm, RTM_FAMILY_IP,
					    RTM_PROTO_IP_NETMGMT, -1, 0, &st);
	if (a->rtm_static == 0) {
		APP_LOG(ERR, "cannot register the static route client (%d)",
			st);
		return -1;
	}
	for (uint32_t i = 0; i < a->cfg->n_route; i++) {
		const struct ctl_route *cr = &a->cfg->route[i];
		struct rtm_ip_route r = {
			.ifindex = cr->ifindex,
			.network = {cr->prefix, cr->mask},
			.next_hop = {cr->next_hop, 0xFFFFFFFFu},
			.fsd = {
				.type = cr->next_hop ? RTM_IP_TYPE_REMOTE :
						       RTM_IP_TYPE_LOCAL,
				.metric = cr->metric,
				.flags = RTM_IP_VALID_ROUTE,
			},
		};
		uint32_t flags;

		st = rtm_add_route(a->rtm, a->rtm_static, &r, RTM_INFINITE,
				   &flags, NULL, NULL);
		if (st != RTM_OK) {
			APP_LOG(ERR, "$.routes[%u]: cannot add (%d)", i, st);
			return -1;
		}
	}
	return 0;
}

static int
app_add_memberships(struct app *a)
{
	static const struct mgm_protocol_ops no_callbacks;
	enum mgm_status st;

	st = mgm_register_protocol(a->mgm, &no_callbacks, a, APP_PROTO_STATIC,
				   0, &a->mgm_static);
	if (st != MGM_OK) {
		APP_LOG(ERR, "cannot register the static protocol: %s",
			mgm_status_str(st));
		return -1;
	}
	for (uint32_t i = 0; i < a->cfg->n_iface; i++) {
		st = mgm_take_interface_ownership(a->mgm, a->mgm_static,
						  a->cfg->iface[i].ifindex, 0);
		if (st != MGM_OK) {
			APP_LOG(ERR, "interface %s: cannot take ownership: %s",
				a->cfg->iface[i].name, mgm_status_str(st));
			return -1;
		}
	}
	for (uint32_t i = 0; i < a->cfg->n_membership; i++) {
		const struct ctl_membership *m = &a->cfg->membership[i];

		for (uint32_t k = 0; k < m->n_if; k++) {
			st = mgm_add_group_membership(
				a->mgm, a->mgm_static, m->source,
				m->source ? 0xFFFFFFFFu : 0, m->group,
				0xFFFFFFFFu, m->ifindex[k], 0,
				MGM_JOIN_STATE_FLAG);
			if (st != MGM_OK) {
				APP_LOG(ERR,
					"$.memberships[%u].interfaces[%u]: %s",
					i, k, mgm_status_str(st));
				return -1;
			}
		}
	}
	return 0;
}

static int
app_add_mroutes(struct app *a)
{
	for (uint32_t i = 0; i < a->cfg->n_mroute; i++) {
		const struct ctl_mroute *r = &a->cfg->mroute[i];
		struct mfib_spec s = {
			.src = r->source,
			.grp = r->group,
			.iif = r->iif,
			.flags = MFIB_F_STATIC,
			.n_oif = (uint16_t)r->n_oif,
			.oif_ifindex = r->oif,
		};
		int rc = mfib_set(a->mfib, &s);

		if (rc != 0) {
			APP_LOG(ERR, "$.mroutes[%u]: cannot install: %s", i,
				rte_strerror(-rc));
			return -1;
		}
	}
	return 0;
}

int
app_setup_control_plane(struct app *a)
{
	struct rtm_config rc = {.log = app_lib_log, .log_ctx = "rtm"};
	struct mgm_config mc = {
		.log = app_lib_log,
		.log_ctx = "mgm",
		.fwd = &mfib_mgm_ops,
		.mfe_timeout_s = a->cfg->limits.mfe_timeout,
	};

	a->rtm = rtm_create(&rc);
	if (a->rtm == NULL) {
		APP_LOG(ERR, "cannot create the route table");
		return -1;
	}
	mc.rtm = a->rtm;
	mc.fwd_ctx = a->mfib;
	a->mgm = mgm_create(&mc);
	if (a->mgm == NULL) {
		APP_LOG(ERR, "cannot create the group manager");
		return -1;
	}
	if (app_add_routes(a) != 0 || app_add_memberships(a) != 0 ||
	    app_add_mroutes(a) != 0)
		return -1;
	APP_LOG(INFO,
		"control plane: %u interface(s), %u route(s), %u membership set(s), %u static mroute(s)",
		a->cfg->n_iface, a->cfg->n_route, a->cfg->n_membership,
		a->cfg->n_mroute);
	return 0;
}

/* ---- workers ------------------------------------------------------------ */

int
app_setup_workers(struct app *a)
{
	const struct ctl_limits *lim = &a->cfg->limits;
	uint32_t depth = RTE_MIN(RTE_MAX(lim->punt_rate / 10,
					 APP_PUNT_BURST_MIN),
				 APP_PUNT_BURST_MAX);
	struct fwd_worker_conf cc = {0};
	int rc = fwd_punt_meta_register();

	if (rc != 0) {
		APP_LOG(ERR, "cannot register the punt metadata: %s",
			rte_strerror(-rc));
		return -1;
	}
	for (unsigned int i = 0; i < a->n_workers; i++) {
		struct app_worker *w = &a->worker[i];
		char name[RTE_RING_NAMESIZE];

		snprintf(name, sizeof(name), "punt_%u", w->lcore);
		w->punt = rte_ring_create(name, lim->punt_ring,
					  (int)rte_lcore_to_socket_id(w->lcore),
					  RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (w->punt == NULL) {
			APP_LOG(ERR, "cannot create punt ring %s: %s", name,
				rte_strerror(rte_errno));
			return -1;
		}
		w->conf.lcore_id = w->lcore;
		w->conf.ctr_slot = i;
		w->conf.reader_id = i;
		w->conf.punt = w->punt;
		w->conf.pool = a->pool;
		w->conf.mfib = a->mfib;
		w->conf.punt_rate = lim->punt_rate;
		w->conf.punt_burst = depth;
		w->conf.is_reader = true;
		if (mfib_reader_register(a->mfib, i) != 0)
			return -1;
		w->fw = fwd_worker_create(&w->conf);
		if (w->fw == NULL) {
			APP_LOG(ERR, "lcore %u: cannot create the worker: %s",
				w->lcore, rte_strerror(rte_errno));
			return -1;
		}
	}
	/* The control thread forwards the packets it was punted (the first
	 * packets of new flows) on its own tx queue, with its own counters. */
	cc.lcore_id = rte_get_main_lcore();
	cc.ctr_slot = a->n_workers;
	for (uint16_t id = 0; id < RTE_MAX_ETHPORTS; id++)
		cc.tx_queue[id] = a->port[id].used ? (uint16_t)a->n_workers :
						     UINT16_MAX;
	cc.pool = a->pool;
	cc.mfib = a->mfib;
	a->ctl_fw = fwd_worker_create(&cc);
	if (a->ctl_fw == NULL) {
		APP_LOG(ERR, "cannot create the control forwarder: %s",
			rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

void
app_teardown(struct app *a)
{
	for (unsigned int i = 0; i < a->n_workers; i++) {
		if (a->worker[i].fw != NULL)
			fwd_worker_destroy(a->worker[i].fw);
		a->worker[i].fw = NULL;
		rte_ring_free(a->worker[i].punt);
		a->worker[i].punt = NULL;
	}
	if (a->ctl_fw != NULL)
		fwd_worker_destroy(a->ctl_fw);
	a->ctl_fw = NULL;
	/* MGM deletes its MFEs from the table as it goes. */
	if (a->mgm != NULL)
		mgm_destroy(a->mgm);
	a->mgm = NULL;
	if (a->rtm != NULL)
		rtm_destroy(a->rtm);
	a->rtm = NULL;
	if (a->mfib != NULL) {
		mfib_reclaim(a->mfib);
		mfib_destroy(a->mfib);
		a->mfib = NULL;
	}
}
