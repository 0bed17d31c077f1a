/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Walking the table: enumeration handles and the ordered first/next walk.
 * Both are a cursor in (network, protocol, interface, next hop) order, so
 * an enumeration needs no snapshot, survives changes to the table, and
 * never returns a route twice.
 */
#include <stdlib.h>
#include <string.h>

#include "rtm_private.h"

/* Criteria flags that need a criteria record to compare with. */
#define RTM_ENUM_NEEDS_CRIT                                \
	(RTM_ONLY_THIS_NETWORK | RTM_ONLY_THIS_INTERFACE | \
	 RTM_ONLY_THIS_PROTOCOL)

bool
rtm_route_matches(const struct rtm_route *rt, uint32_t family, uint32_t flags,
                  const union rtm_rec *crit)
{
	if (flags & RTM_ONLY_THIS_NETWORK) {
		if (family == RTM_FAMILY_IP ?
		            rt->net->number != crit->ip.network.number ||
		                    rt->net->mask != crit->ip.network.mask :
		            rt->net->number != crit->ipx.network)
			return false;
	}
	if ((flags & RTM_ONLY_THIS_INTERFACE) &&
	    rtm_rec_ifindex(family, &rt->rec) != rtm_rec_ifindex(family, crit))
		return false;
	if ((flags & RTM_ONLY_THIS_PROTOCOL) &&
	    rtm_rec_protocol(family, &rt->rec) !=
	            rtm_rec_protocol(family, crit))
		return false;
	if ((flags & RTM_ONLY_BEST_ROUTES) && rt->net->best != rt)
		return false;
	return true;
}

static struct rtm_route *
rtm_walk_net(const struct rtm_net *net, uint32_t family, uint32_t flags,
             const union rtm_rec *crit, const struct rtm_cursor *cur)
{
	bool at = cur->started && net->key == cur->net;

	for (struct rtm_route *rt = net->routes; rt; rt = rt->net_next) {
		if (at) {
			int c = rtm_rkey_cmp(&rt->rkey, &cur->route);

			if (c < 0 || (c == 0 && !cur->inclusive))
				continue;
		}
		if (rtm_route_matches(rt, family, flags, crit))
			return rt;
	}
	return NULL;
}

/* The first route at or after the cursor that matches. */
static struct rtm_route *
rtm_walk(struct rtm *r, uint32_t family, uint32_t flags,
         const union rtm_rec *crit, const struct rtm_cursor *cur)
{
	struct rtm_family *f = &r->fam[family];
	struct rtm_net *net;

	if (flags & RTM_ONLY_THIS_NETWORK) {
		uint32_t number, mask;
		uint8_t len;
		const void *nw = family == RTM_FAMILY_IP ?
		                         (const void *)&crit->ip.network :
		                         (const void *)&crit->ipx.network;

		if (rtm_net_parse(family, nw, &number, &mask, &len) != 0)
			return NULL;
		net = rtm_net_find(f, number, mask, len);
		if (net == NULL || (cur->started && net->key < cur->net))
			return NULL;
		return rtm_walk_net(net, family, flags, crit, cur);
	}
	net = rtm_net_ceil(f, cur->started ? cur->net : 0);
	for (; net != NULL; net = rtm_net_higher(f, net->key)) {
		struct rtm_route *rt =
		        rtm_walk_net(net, family, flags, crit, cur);

		if (rt != NULL)
			return rt;
	}
	return NULL;
}

static void
rtm_cursor_at(struct rtm_cursor *cur, const struct rtm_route *rt,
              bool inclusive)
{
	cur->started = true;
	cur->inclusive = inclusive;
	cur->net = rt->net->key;
	cur->route = rt->rkey;
}

/* Flags known, criteria present where needed, network well formed. */
static enum rtm_status
rtm_crit_check(uint32_t family, uint32_t flags, const void *criteria,
               union rtm_rec *crit)
{
	uint32_t number, mask;
	uint8_t len;

	if (family >= RTM_NFAMILIES || (flags & ~RTM_ENUM_FLAGS) != 0)
		return RTM_ERR_INVALID_PARAMETER;
	memset(crit, 0, sizeof(*crit));
	if (criteria == NULL)
		return (flags & RTM_ENUM_NEEDS_CRIT) ?
		               RTM_ERR_INVALID_PARAMETER :
		               RTM_OK;
	memcpy(crit, criteria, rtm_rec_size(family));
	if ((flags & RTM_ONLY_THIS_NETWORK) &&
	    rtm_net_parse(family,
	                  family == RTM_FAMILY_IP ? (void *)&crit->ip.network :
	                                            (void *)&crit->ipx.network,
	                  &number, &mask, &len) != 0)
		return RTM_ERR_INVALID_PARAMETER;
	return RTM_OK;
}

/* Enumeration handles ----------------------------------------------------- */

rtm_enum_t
rtm_enum_open(struct rtm *r, uint32_t family, uint32_t flags,
              const void *criteria, enum rtm_status *err)
{
	struct rtm_cursor cur = { .started = false };
	struct rtm_enum *e = NULL;
	struct rtm_route *rt;
	union rtm_rec crit;
	enum rtm_status st;
	rtm_enum_t h = 0;

	if (r == NULL) {
		st = RTM_ERR_INVALID_PARAMETER;
		goto out;
	}
	st = rtm_crit_check(family, flags, criteria, &crit);
	if (st != RTM_OK)
		goto out;
	rtm_lock(r);
	rtm_age(r);
	rt = rtm_walk(r, family, flags, &crit, &cur);
	if (rt == NULL) {
		st = RTM_ERR_NO_ROUTES;
	} else if ((e = calloc(1, sizeof(*e))) == NULL) {
		st = RTM_ERR_NO_MEMORY;
	} else if ((h = rtm_handle_alloc(r, RTM_KIND_ENUM, e)) == 0) {
		free(e);
		st = RTM_ERR_NO_SYSTEM_RESOURCES;
	} else {
		e->handle = h;
		e->family = family;
		e->flags = flags;
		e->crit = crit;
		/* The first match is where next() starts, not yet returned. */
		rtm_cursor_at(&e->cur, rt, true);
	}
	rtm_unlock(r);
out:
	if (err != NULL)
		*err = st;
	return h;
}

enum rtm_status
rtm_enum_next(struct rtm *r, rtm_enum_t eh, void *route)
{
	struct rtm_route *rt;
	struct rtm_enum *e;
	enum rtm_status st = RTM_OK;

	if (r == NULL)
		return RTM_ERR_INVALID_PARAMETER;
	rtm_lock(r);
	rtm_age(r);
	e = rtm_handle_get(r, RTM_KIND_ENUM, eh);
	if (e == NULL) {
		st = RTM_ERR_INVALID_HANDLE;
		goto out;
	}
	if (route == NULL) {
		st = RTM_ERR_INVALID_PARAMETER;
		goto out;
	}
	rt = rtm_walk(r, e->family, e->flags, &e->crit, &e->cur);
	if (rt == NULL) {
		st = RTM_ERR_NO_MORE_ROUTES;
		goto out;
	}
	memcpy(route, &rt->rec, rtm_rec_size(e->family));
	rtm_cursor_at(&e->cur, rt, false);
out:
	rtm_unlock(r);
	return st;
}

enum rtm_status
rtm_enum_close(struct rtm *r, rtm_enum_t eh)
{
	struct rtm_enum *e;

	if (r == NULL)
		return RTM_ERR_INVALID_PARAMETER;
	rtm_lock(r);
	rtm_age(r);
	e = rtm_handle_get(r, RTM_KIND_ENUM, eh);
	if (e != NULL) {
		rtm_handle_free(r, RTM_KIND_ENUM, eh);
		free(e);
	}
	rtm_unlock(r);
	return e != NULL ? RTM_OK : RTM_ERR_INVALID_HANDLE;
}

void
rtm_enum_free_all(struct rtm *r)
{
	for (uint32_t i = 0; i < r->enums.n; i++)
		free(r->enums.v[i].obj);
	r->enums.n = 0;
}

/* Ordered walk ---------------------------------------------------------------- */

enum rtm_status
rtm_get_first_route(struct rtm *r, uint32_t family, uint32_t flags, void *route)
{
	struct rtm_cursor cur = { .started = false };
	struct rtm_route *rt;
	union rtm_rec crit;
	enum rtm_status st;

	if (r == NULL || route == NULL)
		return RTM_ERR_INVALID_PARAMETER;
	st = rtm_crit_check(family, flags, route, &crit);
	if (st != RTM_OK)
		return st;
	rtm_lock(r);
	rtm_age(r);
	rt = rtm_walk(r, family, flags, &crit, &cur);
	if (rt != NULL)
		memcpy(route, &rt->rec, rtm_rec_size(family));
	rtm_unlock(r);
	return rt != NULL ? RTM_OK : RTM_ERR_NO_MORE_ROUTES;
}

enum rtm_status
rtm_get_next_route(struct rtm *r, uint32_t family, uint32_t flags, void *route)
{
	struct rtm_cursor cur = { .started = true, .inclusive = false };
	struct rtm_route *rt;
	union rtm_rec crit;
	enum rtm_status st;

	if (r == NULL || route == NULL)
		return RTM_ERR_INVALID_PARAMETER;
	st = rtm_crit_check(family, flags, route, &crit);
	if (st != RTM_OK)
		return st;
	/* Resume after @p route's key, whether or not it still exists. */
	if (family == RTM_FAMILY_IP)
		cur.net = rtm_net_key(family, crit.ip.network.number,
		                      crit.ip.network.mask);
	else
		cur.net = rtm_net_key(family, crit.ipx.network, 0);
	rtm_rkey_of(family, &crit, rtm_rec_protocol(family, &crit), &cur.route);
	rtm_lock(r);
	rtm_age(r);
	rt = rtm_walk(r, family, flags, &crit, &cur);
	if (rt != NULL)
		memcpy(route, &rt->rec, rtm_rec_size(family));
	rtm_unlock(r);
	return rt != NULL ? RTM_OK : RTM_ERR_NO_MORE_ROUTES;
}
