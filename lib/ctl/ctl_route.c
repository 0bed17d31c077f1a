/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/ctl: the static forwarding state — "memberships" (receivers joined
 * through MGM's static protocol), "routes" (unicast routes for RPF) and
 * "mroutes" (multicast routes installed in the fast path as they are).
 * Interfaces are referred to by name here and stored by ifindex.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_private.h"

#define METRIC_MAX     65535
#define METRIC_DEFAULT 1

/* Interface references -------------------------------------------------- */

static int
iface_ref(struct ctl_parse *p, const struct ctl_config *c, const json_t *v,
          uint32_t *ifindex)
{
	const struct ctl_iface *ifc;
	char got[64];

	if (!json_is_string(v))
		return ctl_fail_type(p, v, "an interface name");
	ifc = ctl_iface_by_name(c, json_string_value(v));
	if (ifc == NULL) {
		ctl_describe(v, got, sizeof(got));
		return ctl_fail(p, "unknown interface %s", got);
	}
	*ifindex = ifc->ifindex;
	return 0;
}

/* A list of distinct interfaces: naming one twice is a typo for another. */
static int
iface_list(struct ctl_parse *p, const struct ctl_config *c, const json_t *v,
           uint32_t *ifindex, uint32_t *n_out)
{
	char sect[CTL_PATH_MAX];
	size_t n;

	if (ctl_array(p, v, 1, CTL_MAX_OIF, "interfaces") < 0)
		return -1;
	memcpy(sect, p->path, p->path_len + 1);
	n = json_array_size(v);
	for (size_t i = 0; i < n; i++) {
		size_t saved = ctl_path_index(p, i);

		if (iface_ref(p, c, json_array_get(v, i), &ifindex[i]) < 0)
			return -1;
		for (size_t j = 0; j < i; j++)
			if (ifindex[j] == ifindex[i])
				return ctl_fail(
				        p,
				        "duplicate interface \"%s\" (also %s[%zu])",
				        json_string_value(json_array_get(v, i)),
				        sect, j);
		ctl_path_pop(p, saved);
	}
	*n_out = (uint32_t)n;
	return 0;
}

/* Duplicates ------------------------------------------------------------ */

/* Entries are keyed and sorted to find duplicates in n log n: a generated
 * configuration may hold many thousands of them. */
struct dup_key {
	uint32_t k[4];
	uint32_t idx;
};

static int
dup_key_cmp(const void *a, const void *b)
{
	const struct dup_key *x = a, *y = b;
	int r = memcmp(x->k, y->k, sizeof(x->k));

	if (r != 0)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Sorts @p keys; returns the entry that repeats an earlier one (the first
 * such in the input) with *first set to that earlier one's index, or NULL. */
static const struct dup_key *
dup_find(struct dup_key *keys, size_t n, uint32_t *first)
{
	const struct dup_key *dup = NULL;
	size_t run = 0;

	qsort(keys, n, sizeof(*keys), dup_key_cmp);
	for (size_t i = 1; i < n; i++) {
		/* Within a run of equal keys the input order is kept, so the
		 * run's first entry is the original. */
		if (memcmp(keys[i].k, keys[run].k, sizeof(keys[i].k)) != 0) {
			run = i;
			continue;
		}
		if (dup == NULL || keys[i].idx < dup->idx) {
			dup = &keys[i];
			*first = keys[run].idx;
		}
	}
	return dup;
}

/* Reports an (S,G) that two entries of a section share; keys[i] holds
 * entry i's source and group.  Frees @p keys. */
static int
sg_check_unique(struct ctl_parse *p, struct dup_key *keys, size_t n,
                const char *what)
{
	char sect[CTL_PATH_MAX], s[INET_ADDRSTRLEN] = "*", g[INET_ADDRSTRLEN];
	const struct dup_key *dup;
	uint32_t first = 0;
	struct in_addr a;
	int rc = 0;

	dup = dup_find(keys, n, &first);
	if (dup != NULL) {
		if (dup->k[0] != 0) {
			a.s_addr = dup->k[0];
			inet_ntop(AF_INET, &a, s, sizeof(s));
		}
		a.s_addr = dup->k[1];
		inet_ntop(AF_INET, &a, g, sizeof(g));
		memcpy(sect, p->path, p->path_len + 1);
		ctl_path_index(p, dup->idx);
		rc = ctl_fail(p, "duplicate %s (%s, %s) (also %s[%" PRIu32 "])",
		              what, s, g, sect, first);
	}
	free(keys);
	return rc;
}

/* Memberships ----------------------------------------------------------- */

static const char *const membership_keys[] = {
	"group",
	"source",
	"interfaces",
	NULL,
};

static int
membership_parse(struct ctl_parse *p, const json_t *o,
                 const struct ctl_config *c, struct ctl_membership *m)
{
	const json_t *v;
	size_t saved;

	if (!json_is_object(o))
		return ctl_fail_type(p, o, "a membership object");
	if (ctl_check_keys(p, o, membership_keys) < 0)
		return -1;
	if (ctl_enter_required(p, o, "group", &saved, &v) < 0 ||
	    ctl_group(p, v, &m->group) < 0)
		return -1;
	ctl_path_pop(p, saved);
	m->source = 0;
	if ((v = ctl_enter(p, o, "source", &saved)) != NULL) {
		if (ctl_source(p, v, &m->source) < 0)
			return -1;
		ctl_path_pop(p, saved);
	}
	if (ctl_enter_required(p, o, "interfaces", &saved, &v) < 0 ||
	    iface_list(p, c, v, m->ifindex, &m->n_if) < 0)
		return -1;
	ctl_path_pop(p, saved);
	return 0;
}

int
ctl_parse_memberships(struct ctl_parse *p, const json_t *v,
                      struct ctl_config *c)
{
	struct ctl_membership *m;
	struct dup_key *keys;
	size_t n;

	if (ctl_array(p, v, 0, UINT32_MAX, "memberships") < 0)
		return -1;
	n = json_array_size(v);
	if (n == 0)
		return 0;
	m = calloc(n, sizeof(*m));
	if (m == NULL)
		return ctl_fail(p, "out of memory");
	c->membership = m;
	for (size_t i = 0; i < n; i++) {
		size_t saved = ctl_path_index(p, i);

		if (membership_parse(p, json_array_get(v, i), c, &m[i]) < 0)
			return -1;
		ctl_path_pop(p, saved);
	}
	c->n_membership = (uint32_t)n;
	/* One entry per (S,G), so that what an operator reads for a group
	 * is all there is for it. */
	keys = calloc(n, sizeof(*keys));
	if (keys == NULL)
		return ctl_fail(p, "out of memory");
	for (size_t i = 0; i < n; i++)
		keys[i] = (struct dup_key){ { m[i].source, m[i].group, 0, 0 },
			                    (uint32_t)i };
	return sg_check_unique(p, keys, n, "membership");
}

/* Routes ---------------------------------------------------------------- */

static const char *const route_keys[] = {
	"prefix", "interface", "next_hop", "metric", NULL,
};

static int
route_parse(struct ctl_parse *p, const json_t *o, const struct ctl_config *c,
            struct ctl_route *r)
{
	const json_t *v;
	size_t saved;
	int64_t x;

	if (!json_is_object(o))
		return ctl_fail_type(p, o, "a route object");
	if (ctl_check_keys(p, o, route_keys) < 0)
		return -1;
	if (ctl_enter_required(p, o, "prefix", &saved, &v) < 0 ||
	    ctl_prefix(p, v, &r->prefix, &r->mask) < 0)
		return -1;
	ctl_path_pop(p, saved);
	if (ctl_enter_required(p, o, "interface", &saved, &v) < 0 ||
	    iface_ref(p, c, v, &r->ifindex) < 0)
		return -1;
	ctl_path_pop(p, saved);
	r->next_hop = 0;
	if ((v = ctl_enter(p, o, "next_hop", &saved)) != NULL) {
		if (ctl_unicast(p, v, &r->next_hop) < 0)
			return -1;
		ctl_path_pop(p, saved);
	}
	x = METRIC_DEFAULT;
	if (ctl_opt_int(p, o, "metric", 0, METRIC_MAX, &x) < 0)
		return -1;
	r->metric = (uint32_t)x;
	return 0;
}

/* The same route twice (metric aside) is a copy-paste slip; the same
 * prefix through another interface or next hop is a real alternative. */
static int
route_check_unique(struct ctl_parse *p, const struct ctl_route *r, size_t n)
{
	const struct dup_key *dup;
	struct dup_key *keys;
	uint32_t first = 0;
	char sect[CTL_PATH_MAX];
	int rc = 0;

	keys = calloc(n, sizeof(*keys));
	if (keys == NULL)
		return ctl_fail(p, "out of memory");
	for (size_t i = 0; i < n; i++) {
		keys[i].k[0] = r[i].prefix;
		keys[i].k[1] = r[i].mask;
		keys[i].k[2] = r[i].ifindex;
		keys[i].k[3] = r[i].next_hop;
		keys[i].idx = (uint32_t)i;
	}
	dup = dup_find(keys, n, &first);
	if (dup != NULL) {
		memcpy(sect, p->path, p->path_len + 1);
		ctl_path_index(p, dup->idx);
		rc = ctl_fail(
		        p,
		        "duplicate route: same prefix, interface and next hop as %s[%" PRIu32
		        "]",
		        sect, first);
	}
	free(keys);
	return rc;
}

int
ctl_parse_routes(struct ctl_parse *p, const json_t *v, struct ctl_config *c)
{
	struct ctl_route *r;
	size_t n;

	if (ctl_array(p, v, 0, UINT32_MAX, "routes") < 0)
		return -1;
	n = json_array_size(v);
	if (n == 0)
		return 0;
	r = calloc(n, sizeof(*r));
	if (r == NULL)
		return ctl_fail(p, "out of memory");
	c->route = r;
	for (size_t i = 0; i < n; i++) {
		size_t saved = ctl_path_index(p, i);

		if (route_parse(p, json_array_get(v, i), c, &r[i]) < 0)
			return -1;
		ctl_path_pop(p, saved);
	}
	c->n_route = (uint32_t)n;
	return route_check_unique(p, r, n);
}

/* Multicast routes ------------------------------------------------------ */

static const char *const mroute_keys[] = {
	"group", "source", "iif", "oifs", NULL,
};

static int
mroute_parse(struct ctl_parse *p, const json_t *o, const struct ctl_config *c,
             struct ctl_mroute *m)
{
	const json_t *v;
	size_t saved;

	if (!json_is_object(o))
		return ctl_fail_type(p, o, "an mroute object");
	if (ctl_check_keys(p, o, mroute_keys) < 0)
		return -1;
	if (ctl_enter_required(p, o, "group", &saved, &v) < 0 ||
	    ctl_group(p, v, &m->group) < 0)
		return -1;
	ctl_path_pop(p, saved);
	m->source = 0;
	if ((v = ctl_enter(p, o, "source", &saved)) != NULL) {
		if (ctl_source(p, v, &m->source) < 0)
			return -1;
		ctl_path_pop(p, saved);
	}
	if (ctl_enter_required(p, o, "iif", &saved, &v) < 0 ||
	    iface_ref(p, c, v, &m->iif) < 0)
		return -1;
	ctl_path_pop(p, saved);
	if (ctl_enter_required(p, o, "oifs", &saved, &v) < 0 ||
	    iface_list(p, c, v, m->oif, &m->n_oif) < 0)
		return -1;
	/* Sending a packet back out of its incoming interface loops it
	 * between routers; RPF exists to prevent exactly that. */
	for (uint32_t i = 0; i < m->n_oif; i++) {
		if (m->oif[i] == m->iif) {
			ctl_path_index(p, i);
			return ctl_fail(
			        p, "\"%s\" is also the iif",
			        json_string_value(json_array_get(v, i)));
		}
	}
	ctl_path_pop(p, saved);
	return 0;
}

int
ctl_parse_mroutes(struct ctl_parse *p, const json_t *v, struct ctl_config *c)
{
	struct ctl_mroute *m;
	struct dup_key *keys;
	size_t n;

	if (ctl_array(p, v, 0, UINT32_MAX, "mroutes") < 0)
		return -1;
	n = json_array_size(v);
	/* Each one takes a fast-path entry for the life of the process. */
	if (n > c->limits.max_entries)
		return ctl_fail(
		        p,
		        "%zu mroutes do not fit limits.max_entries (%" PRIu32
		        ")",
		        n, c->limits.max_entries);
	if (n == 0)
		return 0;
	m = calloc(n, sizeof(*m));
	if (m == NULL)
		return ctl_fail(p, "out of memory");
	c->mroute = m;
	for (size_t i = 0; i < n; i++) {
		size_t saved = ctl_path_index(p, i);

		if (mroute_parse(p, json_array_get(v, i), c, &m[i]) < 0)
			return -1;
		ctl_path_pop(p, saved);
	}
	c->n_mroute = (uint32_t)n;
	/* The fast path holds one entry per (S,G). */
	keys = calloc(n, sizeof(*keys));
	if (keys == NULL)
		return ctl_fail(p, "out of memory");
	for (size_t i = 0; i < n; i++)
		keys[i] = (struct dup_key){ { m[i].source, m[i].group, 0, 0 },
			                    (uint32_t)i };
	return sg_check_unique(p, keys, n, "mroute");
}
