/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/ctl: "interfaces" and "workers" — which ports the appliance uses,
 * what it calls them, and which lcore polls which port queue.
 */
#include <stdlib.h>
#include <string.h>

#include "ctl_private.h"

#define VLAN_MIN              1
#define VLAN_MAX              4094 /* 0 is "untagged", 4095 is reserved (802.1Q) */
#define MTU_MIN               68 /* the least every IPv4 link must carry (RFC 791) */
#define MTU_MAX               9600 /* jumbo frames as most NICs take them */
#define MTU_DEFAULT           1500
#define TTL_THRESHOLD_DEFAULT 1

/* Interfaces ------------------------------------------------------------ */

static const char *const iface_keys[] = {
	"name", "ifindex", "port", "vlan", "mtu", "ttl_threshold", "mac", NULL,
};

static int
iface_parse(struct ctl_parse *p, const json_t *o, size_t pos,
            struct ctl_iface *ifc, bool *explicit_ifindex)
{
	const json_t *v;
	size_t saved;
	int64_t x;
	int rc;

	if (!json_is_object(o))
		return ctl_fail_type(p, o, "an interface object");
	if (ctl_check_keys(p, o, iface_keys) < 0)
		return -1;

	if (ctl_enter_required(p, o, "name", &saved, &v) < 0 ||
	    ctl_name(p, v, ifc->name) < 0)
		return -1;
	ctl_path_pop(p, saved);

	x = (int64_t)pos + 1;
	rc = ctl_opt_int(p, o, "ifindex", 1, CTL_MAX_IFACE, &x);
	if (rc < 0)
		return -1;
	*explicit_ifindex = rc > 0;
	ifc->ifindex = (uint32_t)x;

	if (ctl_enter_required(p, o, "port", &saved, &v) < 0 ||
	    ctl_port(p, v, &ifc->port) < 0)
		return -1;
	ctl_path_pop(p, saved);

	x = 0;
	if (ctl_opt_int(p, o, "vlan", VLAN_MIN, VLAN_MAX, &x) < 0)
		return -1;
	ifc->vlan = (uint16_t)x;

	x = MTU_DEFAULT;
	if (ctl_opt_int(p, o, "mtu", MTU_MIN, MTU_MAX, &x) < 0)
		return -1;
	ifc->mtu = (uint16_t)x;

	x = TTL_THRESHOLD_DEFAULT;
	if (ctl_opt_int(p, o, "ttl_threshold", 0, UINT8_MAX, &x) < 0)
		return -1;
	ifc->ttl_threshold = (uint8_t)x;

	v = ctl_enter(p, o, "mac", &saved);
	if (v != NULL) {
		if (ctl_mac(p, v, ifc->mac) < 0)
			return -1;
		ifc->has_mac = true;
		ctl_path_pop(p, saved);
	}
	return 0;
}

/* What must differ between two interfaces: the name and ifindex that the
 * rest of the configuration and the control socket refer to them by, and
 * the (port, vlan) the fast path classifies a frame by.  @p sect is the
 * section's path, which is also p's on entry. */
static int
iface_check_pair(struct ctl_parse *p, const char *sect,
                 const struct ctl_config *c, const bool *explicit_ifindex,
                 unsigned i, unsigned j)
{
	const struct ctl_iface *a = &c->iface[i], *b = &c->iface[j];
	char port[CTL_PORT_MAX + 16];

	if (strcmp(a->name, b->name) == 0) {
		ctl_path_index(p, i);
		ctl_path_key(p, "name");
		return ctl_fail(p,
		                "duplicate interface name \"%s\" (also %s[%u])",
		                a->name, sect, j);
	}
	if (a->ifindex == b->ifindex) {
		if (explicit_ifindex[i] && explicit_ifindex[j]) {
			ctl_path_index(p, i);
			ctl_path_key(p, "ifindex");
			return ctl_fail(p, "duplicate ifindex %u (also %s[%u])",
			                (unsigned)a->ifindex, sect, j);
		}
		/* Blame the one whose ifindex was implied: giving it one
		 * explicitly is the fix. */
		if (explicit_ifindex[i]) {
			unsigned t = i;

			i = j;
			j = t;
		}
		ctl_path_index(p, i);
		return ctl_fail(
		        p,
		        "default ifindex %u (position + 1) is also the ifindex of %s[%u]; give this interface an explicit \"ifindex\"",
		        (unsigned)a->ifindex, sect, j);
	}
	if (ctl_port_ref_equal(&a->port, &b->port) && a->vlan == b->vlan) {
		ctl_port_ref_format(&a->port, port, sizeof(port));
		ctl_path_index(p, i);
		if (a->vlan == 0)
			return ctl_fail(
			        p,
			        "duplicate (port, vlan): %s untagged is also %s[%u]",
			        port, sect, j);
		return ctl_fail(
		        p, "duplicate (port, vlan): %s vlan %u is also %s[%u]",
		        port, (unsigned)a->vlan, sect, j);
	}
	return 0;
}

int
ctl_parse_interfaces(struct ctl_parse *p, const json_t *v, struct ctl_config *c)
{
	bool explicit_ifindex[CTL_MAX_IFACE];
	char sect[CTL_PATH_MAX];
	size_t n;

	if (ctl_array(p, v, 1, CTL_MAX_IFACE, "interfaces") < 0)
		return -1;
	n = json_array_size(v);
	for (size_t i = 0; i < n; i++) {
		size_t saved = ctl_path_index(p, i);

		if (iface_parse(p, json_array_get(v, i), i, &c->iface[i],
		                &explicit_ifindex[i]) < 0)
			return -1;
		ctl_path_pop(p, saved);
	}
	c->n_iface = (uint32_t)n;
	memcpy(sect, p->path, p->path_len + 1);
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < i; j++)
			if (iface_check_pair(p, sect, c, explicit_ifindex, i,
			                     j) < 0)
				return -1;
	return 0;
}

/* Workers --------------------------------------------------------------- */

static const char *const worker_keys[] = { "lcore", "rx", NULL };
static const char *const rxq_keys[] = { "port", "queue", NULL };

static bool
port_in_use(const struct ctl_config *c, const struct ctl_port_ref *r)
{
	for (uint32_t i = 0; i < c->n_iface; i++)
		if (ctl_port_ref_equal(&c->iface[i].port, r))
			return true;
	return false;
}

static int
rxq_parse(struct ctl_parse *p, const json_t *o, const struct ctl_config *c,
          struct ctl_rxq *q)
{
	const json_t *v;
	size_t saved;
	int64_t x;
	char port[CTL_PORT_MAX + 16];

	if (!json_is_object(o))
		return ctl_fail_type(p, o, "an rx queue object");
	if (ctl_check_keys(p, o, rxq_keys) < 0)
		return -1;
	if (ctl_enter_required(p, o, "port", &saved, &v) < 0 ||
	    ctl_port(p, v, &q->port) < 0)
		return -1;
	/* A worker polling a port no interface names would receive frames
	 * the fast path cannot classify. */
	if (!port_in_use(c, &q->port)) {
		ctl_port_ref_format(&q->port, port, sizeof(port));
		return ctl_fail(p, "no interface uses %s", port);
	}
	ctl_path_pop(p, saved);
	if (ctl_enter_required(p, o, "queue", &saved, &v) < 0 ||
	    ctl_int(p, v, 0, CTL_QUEUE_ID_MAX, &x) < 0)
		return -1;
	q->queue = (uint16_t)x;
	ctl_path_pop(p, saved);
	return 0;
}

static int
worker_parse(struct ctl_parse *p, const json_t *o, const struct ctl_config *c,
             struct ctl_worker *w)
{
	const json_t *v;
	size_t saved, n;
	int64_t x;

	if (!json_is_object(o))
		return ctl_fail_type(p, o, "a worker object");
	if (ctl_check_keys(p, o, worker_keys) < 0)
		return -1;
	if (ctl_enter_required(p, o, "lcore", &saved, &v) < 0 ||
	    ctl_int(p, v, 0, CTL_LCORE_MAX, &x) < 0)
		return -1;
	w->lcore = (uint32_t)x;
	ctl_path_pop(p, saved);

	if (ctl_enter_required(p, o, "rx", &saved, &v) < 0 ||
	    ctl_array(p, v, 1, CTL_MAX_RX, "rx queues") < 0)
		return -1;
	n = json_array_size(v);
	for (size_t i = 0; i < n; i++) {
		size_t s = ctl_path_index(p, i);

		if (rxq_parse(p, json_array_get(v, i), c, &w->rx[i]) < 0)
			return -1;
		ctl_path_pop(p, s);
	}
	w->n_rx = (uint32_t)n;
	ctl_path_pop(p, saved);
	return 0;
}

/* Checks worker i against those before it and itself.  An rx queue has
 * one poller: DPDK's rx burst is not thread-safe per queue, and two
 * pollers would reorder a flow.  @p sect as for iface_check_pair(). */
static int
worker_check(struct ctl_parse *p, const char *sect, const struct ctl_worker *w,
             unsigned i)
{
	char port[CTL_PORT_MAX + 16];

	for (unsigned j = 0; j < i; j++) {
		if (w[i].lcore == w[j].lcore) {
			ctl_path_index(p, i);
			ctl_path_key(p, "lcore");
			return ctl_fail(p, "duplicate lcore %u (also %s[%u])",
			                (unsigned)w[i].lcore, sect, j);
		}
	}
	for (unsigned q = 0; q < w[i].n_rx; q++) {
		const struct ctl_rxq *a = &w[i].rx[q];

		for (unsigned j = 0; j <= i; j++) {
			unsigned n_rx = j == i ? q : w[j].n_rx;

			for (unsigned r = 0; r < n_rx; r++) {
				const struct ctl_rxq *b = &w[j].rx[r];

				if (a->queue != b->queue ||
				    !ctl_port_ref_equal(&a->port, &b->port))
					continue;
				ctl_port_ref_format(&a->port, port,
				                    sizeof(port));
				ctl_path_index(p, i);
				ctl_path_key(p, "rx");
				ctl_path_index(p, q);
				return ctl_fail(
				        p,
				        "%s queue %u is already polled by %s[%u].rx[%u]",
				        port, (unsigned)a->queue, sect, j, r);
			}
		}
	}
	return 0;
}

int
ctl_parse_workers(struct ctl_parse *p, const json_t *v, struct ctl_config *c)
{
	struct ctl_worker *w;
	char sect[CTL_PATH_MAX];
	size_t n;

	/* An empty list would read as "no workers at all"; leaving the key
	 * out is how to ask for the default placement. */
	if (ctl_array(p, v, 1, CTL_LCORE_MAX + 1, "workers") < 0)
		return -1;
	n = json_array_size(v);
	w = calloc(n, sizeof(*w));
	if (w == NULL)
		return ctl_fail(p, "out of memory");
	c->worker = w;
	for (size_t i = 0; i < n; i++) {
		size_t saved = ctl_path_index(p, i);

		if (worker_parse(p, json_array_get(v, i), c, &w[i]) < 0)
			return -1;
		ctl_path_pop(p, saved);
	}
	c->n_worker = (uint32_t)n;
	memcpy(sect, p->path, p->path_len + 1);
	for (unsigned i = 0; i < n; i++)
		if (worker_check(p, sect, w, i) < 0)
			return -1;
	return 0;
}
