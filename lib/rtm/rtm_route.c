/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routes: add, update, delete, best-route election, the resulting change
 * reports and messages, aging, block delete.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "rtm_private.h"

/* Route keys ----------------------------------------------------------- */

void
rtm_rkey_of(uint32_t family, const union rtm_rec *rec, uint32_t protocol,
            struct rtm_rkey *k)
{
	k->protocol = protocol;
	if (family == RTM_FAMILY_IP) {
		k->ifindex = rec->ip.ifindex;
		/* The next hop's mask says nothing about where it is. */
		k->next_hop = ntohl(rec->ip.next_hop.number);
	} else {
		k->ifindex = rec->ipx.ifindex;
		k->next_hop = 0;
		for (int i = 0; i < 6; i++)
			k->next_hop = k->next_hop << 8 | rec->ipx.next_hop[i];
	}
}

int
rtm_rkey_cmp(const struct rtm_rkey *a, const struct rtm_rkey *b)
{
	if (a->protocol != b->protocol)
		return a->protocol < b->protocol ? -1 : 1;
	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	if (a->next_hop != b->next_hop)
		return a->next_hop < b->next_hop ? -1 : 1;
	return 0;
}

/* Best route ------------------------------------------------------------ */

/* < 0 when @p a is preferred to @p b, 0 when neither is. */
static int
rtm_route_pref_cmp(uint32_t family, const struct rtm_route *a,
                   const struct rtm_route *b)
{
	if (family == RTM_FAMILY_IP) {
		const struct rtm_ip_fsd *x = &a->rec.ip.fsd,
		                        *y = &b->rec.ip.fsd;

		if (x->priority != y->priority)
			return x->priority < y->priority ? -1 : 1;
		if (x->metric != y->metric)
			return x->metric < y->metric ? -1 : 1;
	} else {
		const struct rtm_ipx_fsd *x = &a->rec.ipx.fsd,
		                         *y = &b->rec.ipx.fsd;

		if (x->tick_count != y->tick_count)
			return x->tick_count < y->tick_count ? -1 : 1;
		if (x->hop_count != y->hop_count)
			return x->hop_count < y->hop_count ? -1 : 1;
	}
	return 0;
}

/*
 * Lower priority, then lower metric; on a tie the incumbent keeps its
 * place (no churn for clients), else the earliest added wins.
 */
static struct rtm_route *
rtm_elect(uint32_t family, const struct rtm_net *net,
          struct rtm_route *incumbent)
{
	struct rtm_route *best = NULL;

	for (struct rtm_route *rt = net->routes; rt; rt = rt->net_next) {
		int c;

		if (best == NULL) {
			best = rt;
			continue;
		}
		c = rtm_route_pref_cmp(family, rt, best);
		if (c < 0 || (c == 0 && rt->seq < best->seq))
			best = rt;
	}
	if (incumbent != NULL &&
	    rtm_route_pref_cmp(family, best, incumbent) >= 0)
		best = incumbent;
	return best;
}

/* What clients see change: everything but the time stamp and the PSD. */
static bool
rtm_significant(uint32_t family, const union rtm_rec *a, const union rtm_rec *b)
{
	if (family == RTM_FAMILY_IP)
		return a->ip.protocol != b->ip.protocol ||
		       a->ip.ifindex != b->ip.ifindex ||
		       memcmp(&a->ip.network, &b->ip.network,
		              sizeof(a->ip.network)) != 0 ||
		       memcmp(&a->ip.next_hop, &b->ip.next_hop,
		              sizeof(a->ip.next_hop)) != 0 ||
		       memcmp(&a->ip.fsd, &b->ip.fsd, sizeof(a->ip.fsd)) != 0;
	return a->ipx.protocol != b->ipx.protocol ||
	       a->ipx.ifindex != b->ipx.ifindex ||
	       a->ipx.network != b->ipx.network ||
	       memcmp(a->ipx.next_hop, b->ipx.next_hop,
	              sizeof(a->ipx.next_hop)) != 0 ||
	       memcmp(&a->ipx.fsd, &b->ipx.fsd, sizeof(a->ipx.fsd)) != 0;
}

/* The network's best route before an operation. */
struct rtm_before {
	struct rtm_route *best;
	union rtm_rec rec;
};

static void
rtm_before_take(uint32_t family, const struct rtm_net *net,
                struct rtm_before *b)
{
	b->best = net != NULL ? net->best : NULL;
	if (b->best != NULL)
		memcpy(&b->rec, &b->best->rec, rtm_rec_size(family));
}

static uint32_t
rtm_change_flags(uint32_t family, const struct rtm_before *b,
                 const struct rtm_route *now)
{
	if (b->best == NULL)
		return now != NULL ? RTM_CHANGE_ADDED : RTM_CHANGE_NONE;
	if (now == NULL)
		return RTM_CHANGE_DELETED;
	if (now != b->best || rtm_significant(family, &b->rec, &now->rec))
		return RTM_CHANGE_CHANGED;
	return RTM_CHANGE_NONE;
}

/* Lists ------------------------------------------------------------------ */

static void
rtm_net_link(struct rtm_net *net, struct rtm_route *rt)
{
	struct rtm_route *p = NULL, *n = net->routes;

	while (n != NULL && rtm_rkey_cmp(&n->rkey, &rt->rkey) < 0) {
		p = n;
		n = n->net_next;
	}
	rt->net_prev = p;
	rt->net_next = n;
	if (p != NULL)
		p->net_next = rt;
	else
		net->routes = rt;
	if (n != NULL)
		n->net_prev = rt;
	net->nroutes++;
}

static void
rtm_net_unlink(struct rtm_net *net, struct rtm_route *rt)
{
	if (rt->net_prev != NULL)
		rt->net_prev->net_next = rt->net_next;
	else
		net->routes = rt->net_next;
	if (rt->net_next != NULL)
		rt->net_next->net_prev = rt->net_prev;
	net->nroutes--;
}

static void
rtm_client_link(struct rtm_client *cl, struct rtm_route *rt)
{
	rt->cl_prev = NULL;
	rt->cl_next = cl->routes;
	if (cl->routes != NULL)
		cl->routes->cl_prev = rt;
	cl->routes = rt;
	cl->nroutes++;
}

static void
rtm_client_unlink(struct rtm_client *cl, struct rtm_route *rt)
{
	if (rt->cl_prev != NULL)
		rt->cl_prev->cl_next = rt->cl_next;
	else
		cl->routes = rt->cl_next;
	if (rt->cl_next != NULL)
		rt->cl_next->cl_prev = rt->cl_prev;
	cl->nroutes--;
}

/* Aging heap (min-heap by deadline) --------------------------------------- */

static void
rtm_heap_set(struct rtm *r, uint32_t i, struct rtm_route *rt)
{
	r->heap[i] = rt;
	rt->heap_idx = i;
}

static void
rtm_heap_up(struct rtm *r, uint32_t i)
{
	struct rtm_route *rt = r->heap[i];

	while (i > 0) {
		uint32_t p = (i - 1) / 2;

		if (r->heap[p]->deadline_ns <= rt->deadline_ns)
			break;
		rtm_heap_set(r, i, r->heap[p]);
		i = p;
	}
	rtm_heap_set(r, i, rt);
}

static void
rtm_heap_down(struct rtm *r, uint32_t i)
{
	struct rtm_route *rt = r->heap[i];

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= r->heap_len)
			break;
		if (c + 1 < r->heap_len &&
		    r->heap[c + 1]->deadline_ns < r->heap[c]->deadline_ns)
			c++;
		if (rt->deadline_ns <= r->heap[c]->deadline_ns)
			break;
		rtm_heap_set(r, i, r->heap[c]);
		i = c;
	}
	rtm_heap_set(r, i, rt);
}

/* Room for one more entry, taken before anything changes. */
static bool
rtm_heap_reserve(struct rtm *r)
{
	uint32_t cap;
	struct rtm_route **h;

	if (r->heap_len < r->heap_cap)
		return true;
	cap = r->heap_cap ? r->heap_cap * 2 : 64;
	h = realloc(r->heap, cap * sizeof(*h));
	if (h == NULL)
		return false;
	r->heap = h;
	r->heap_cap = cap;
	return true;
}

static void
rtm_heap_remove(struct rtm *r, struct rtm_route *rt)
{
	uint32_t i = rt->heap_idx;
	struct rtm_route *last;

	if (i == RTM_HEAP_NONE)
		return;
	rt->heap_idx = RTM_HEAP_NONE;
	last = r->heap[--r->heap_len];
	if (last == rt)
		return;
	rtm_heap_set(r, i, last);
	rtm_heap_up(r, i);
	rtm_heap_down(r, last->heap_idx);
}

static void
rtm_heap_update(struct rtm *r, struct rtm_route *rt, uint64_t deadline)
{
	if (deadline == RTM_NO_DEADLINE) {
		rtm_heap_remove(r, rt);
		rt->deadline_ns = deadline;
		return;
	}
	rt->deadline_ns = deadline;
	if (rt->heap_idx == RTM_HEAP_NONE) {
		/* rtm_heap_reserve() made room. */
		rtm_heap_set(r, r->heap_len++, rt);
		rtm_heap_up(r, rt->heap_idx);
	} else {
		rtm_heap_up(r, rt->heap_idx);
		rtm_heap_down(r, rt->heap_idx);
	}
}

/* Removal ------------------------------------------------------------------ */

/*
 * Remove @p rt, tell every client with an event but @p skip about the
 * network's best route, and report it through @p flags / @p cur (may be
 * NULL).
 */
void
rtm_route_remove(struct rtm *r, struct rtm_route *rt,
                 const struct rtm_client *skip, uint32_t *flags,
                 union rtm_rec *cur)
{
	uint32_t family = rt->owner->family;
	struct rtm_family *f = &r->fam[family];
	struct rtm_net *net = rt->net;
	struct rtm_route *now = NULL;
	struct rtm_before b;
	uint32_t fl;

	rtm_before_take(family, net, &b);
	rtm_net_unlink(net, rt);
	rtm_client_unlink(rt->owner, rt);
	rtm_heap_remove(r, rt);
	if (net->nroutes != 0)
		now = rtm_elect(family, net, b.best != rt ? b.best : NULL);
	net->best = now;
	fl = rtm_change_flags(family, &b, now);
	rtm_notify(r, family, skip, fl, now != NULL ? &now->rec : NULL, &b.rec);
	if (flags != NULL)
		*flags = fl;
	if (cur != NULL && (fl & RTM_CHANGE_CURRENT))
		memcpy(cur, &now->rec, rtm_rec_size(family));
	if (net->nroutes == 0)
		rtm_net_del(f, net);
	free(rt);
}

/* Age routes whose deadline passed: everyone with an event hears of it. */
void
rtm_age(struct rtm *r)
{
	uint64_t now;

	if (r->heap_len == 0)
		return;
	now = rtm_now(r);
	while (r->heap_len != 0 && r->heap[0]->deadline_ns <= now)
		rtm_route_remove(r, r->heap[0], NULL, NULL, NULL);
}

/* Add ------------------------------------------------------------------------ */

static int
rtm_route_validate(uint32_t family, const void *route, uint32_t *number,
                   uint32_t *mask, uint8_t *len)
{
	const void *network;

	if (route == NULL)
		return -1;
	network =
	        family == RTM_FAMILY_IP ?
	                (const void *)((const char *)route +
	                               offsetof(struct rtm_ip_route, network)) :
	                (const void *)((const char *)route +
	                               offsetof(struct rtm_ipx_route, network));
	return rtm_net_parse(family, network, number, mask, len);
}

static struct rtm_route *
rtm_route_find(const struct rtm_net *net, const struct rtm_client *cl,
               const struct rtm_rkey *k, bool single)
{
	for (struct rtm_route *rt = net->routes; rt; rt = rt->net_next) {
		if (single ? rt->owner == cl : rtm_rkey_cmp(&rt->rkey, k) == 0)
			return rt;
	}
	return NULL;
}

/* Copy the client's record and stamp what RTM owns in it. */
static void
rtm_route_fill(struct rtm *r, struct rtm_client *cl, struct rtm_route *rt,
               const void *route, uint64_t now)
{
	uint64_t ft = now / RTM_NS_PER_TICK;
	struct rtm_filetime ts = {
		.low = (uint32_t)ft,
		.high = (uint32_t)(ft >> 32),
	};

	memcpy(&rt->rec, route, rtm_rec_size(cl->family));
	if (cl->family == RTM_FAMILY_IP) {
		rt->rec.ip.protocol = cl->protocol;
		rt->rec.ip.fsd.priority = rtm_priority_of(r, cl->protocol);
		rt->rec.ip.timestamp = ts;
	} else {
		rt->rec.ipx.protocol = cl->protocol;
		rt->rec.ipx.timestamp = ts;
	}
	rtm_rkey_of(cl->family, &rt->rec, cl->protocol, &rt->rkey);
}

enum rtm_status
rtm_add_route(struct rtm *r, rtm_client_t c, const void *route, uint32_t ttl_s,
              uint32_t *flags, void *cur_best, void *prev_best)
{
	struct rtm_client *cl;
	struct rtm_family *f;
	struct rtm_net *net;
	struct rtm_route *rt;
	struct rtm_before b;
	struct rtm_rkey k;
	union rtm_rec in;
	enum rtm_status st = RTM_OK;
	uint32_t number, mask, fl;
	uint8_t len;
	bool new_net = false;
	uint64_t now;
	size_t sz;

	if (r == NULL)
		return RTM_ERR_INVALID_PARAMETER;
	rtm_lock(r);
	rtm_age(r);
	cl = rtm_client_get(r, c);
	if (cl == NULL || cl->observer) {
		st = RTM_ERR_INVALID_HANDLE;
		goto out;
	}
	if (flags == NULL || (ttl_s > RTM_MAX_TTL && ttl_s != RTM_INFINITE) ||
	    rtm_route_validate(cl->family, route, &number, &mask, &len) != 0) {
		st = RTM_ERR_INVALID_PARAMETER;
		goto out;
	}
	f = &r->fam[cl->family];
	sz = rtm_rec_size(cl->family);
	memcpy(&in, route, sz);
	rtm_rkey_of(cl->family, &in, cl->protocol, &k);

	/* Take every resource first: a failure must leave nothing changed. */
	if (ttl_s != RTM_INFINITE && !rtm_heap_reserve(r)) {
		st = RTM_ERR_NO_MEMORY;
		goto out;
	}
	net = rtm_net_find(f, number, mask, len);
	if (net == NULL) {
		net = rtm_net_add(f, number, mask, len);
		if (net == NULL) {
			st = RTM_ERR_NO_MEMORY;
			goto out;
		}
		new_net = true;
	}
	rt = rtm_route_find(net, cl, &k, cl->flags & RTM_SINGLE_ROUTE);
	rtm_before_take(cl->family, net, &b);
	now = rtm_now(r);
	if (rt == NULL) {
		rt = calloc(1, sizeof(*rt));
		if (rt == NULL) {
			if (new_net)
				rtm_net_del(f, net);
			st = RTM_ERR_NO_MEMORY;
			goto out;
		}
		rt->net = net;
		rt->owner = cl;
		rt->seq = r->seq++;
		rt->heap_idx = RTM_HEAP_NONE;
		rt->deadline_ns = RTM_NO_DEADLINE;
		rtm_route_fill(r, cl, rt, &in, now);
		rtm_net_link(net, rt);
		rtm_client_link(cl, rt);
	} else {
		rtm_route_fill(r, cl, rt, &in, now);
		/* A single-route client may have moved it: keep the order. */
		if ((rt->net_prev != NULL &&
		     rtm_rkey_cmp(&rt->net_prev->rkey, &rt->rkey) > 0) ||
		    (rt->net_next != NULL &&
		     rtm_rkey_cmp(&rt->net_next->rkey, &rt->rkey) < 0)) {
			rtm_net_unlink(net, rt);
			rtm_net_link(net, rt);
		}
	}
	rtm_heap_update(r, rt,
	                ttl_s == RTM_INFINITE ?
	                        RTM_NO_DEADLINE :
	                        now + (uint64_t)ttl_s * RTM_NS_PER_S);

	net->best = rtm_elect(cl->family, net, b.best);
	fl = rtm_change_flags(cl->family, &b, net->best);
	*flags = fl;
	if ((fl & RTM_CHANGE_CURRENT) && cur_best != NULL)
		memcpy(cur_best, &net->best->rec, sz);
	if ((fl & RTM_CHANGE_PREVIOUS) && prev_best != NULL)
		memcpy(prev_best, &b.rec, sz);
	rtm_notify(r, cl->family, cl, fl, &net->best->rec, &b.rec);
out:
	rtm_unlock(r);
	return st;
}

/* Delete --------------------------------------------------------------------- */

enum rtm_status
rtm_delete_route(struct rtm *r, rtm_client_t c, const void *route,
                 uint32_t *flags, void *cur_best)
{
	struct rtm_client *cl;
	struct rtm_net *net;
	struct rtm_route *rt = NULL;
	struct rtm_rkey k;
	union rtm_rec in, cur;
	enum rtm_status st = RTM_OK;
	uint32_t number, mask, fl;
	uint8_t len;

	if (r == NULL)
		return RTM_ERR_INVALID_PARAMETER;
	rtm_lock(r);
	rtm_age(r);
	cl = rtm_client_get(r, c);
	if (cl == NULL || cl->observer) {
		st = RTM_ERR_INVALID_HANDLE;
		goto out;
	}
	if (flags == NULL ||
	    rtm_route_validate(cl->family, route, &number, &mask, &len) != 0) {
		st = RTM_ERR_INVALID_PARAMETER;
		goto out;
	}
	memcpy(&in, route, rtm_rec_size(cl->family));
	rtm_rkey_of(cl->family, &in, cl->protocol, &k);
	net = rtm_net_find(&r->fam[cl->family], number, mask, len);
	if (net != NULL)
		rt = rtm_route_find(net, cl, &k, false);
	if (rt == NULL) {
		st = RTM_ERR_NO_SUCH_ROUTE;
		goto out;
	}
	rtm_route_remove(r, rt, cl, &fl, &cur);
	*flags = fl;
	if ((fl & RTM_CHANGE_CURRENT) && cur_best != NULL)
		memcpy(cur_best, &cur, rtm_rec_size(cl->family));
out:
	rtm_unlock(r);
	return st;
}

enum rtm_status
rtm_block_delete(struct rtm *r, rtm_client_t c, uint32_t flags,
                 const void *criteria)
{
	struct rtm_client *cl;
	struct rtm_route *rt, *next;
	union rtm_rec crit;
	enum rtm_status st = RTM_OK;
	uint32_t number, mask;
	uint8_t len;

	if (r == NULL)
		return RTM_ERR_INVALID_PARAMETER;
	rtm_lock(r);
	rtm_age(r);
	cl = rtm_client_get(r, c);
	if (cl == NULL || cl->observer) {
		st = RTM_ERR_INVALID_HANDLE;
		goto out;
	}
	if ((flags & ~RTM_ENUM_FLAGS) != 0 ||
	    (criteria == NULL && (flags & (RTM_ONLY_THIS_NETWORK |
	                                   RTM_ONLY_THIS_INTERFACE)) != 0)) {
		st = RTM_ERR_INVALID_PARAMETER;
		goto out;
	}
	memset(&crit, 0, sizeof(crit));
	if (criteria != NULL)
		memcpy(&crit, criteria, rtm_rec_size(cl->family));
	if ((flags & RTM_ONLY_THIS_NETWORK) &&
	    rtm_route_validate(cl->family, &crit, &number, &mask, &len) != 0) {
		st = RTM_ERR_INVALID_PARAMETER;
		goto out;
	}
	/* Only the caller's routes, whatever the criteria's protocol says. */
	flags &= ~RTM_ONLY_THIS_PROTOCOL;
	/*
	 * Pick first, delete after: deleting a best route must not make
	 * another of the caller's routes match RTM_ONLY_BEST_ROUTES.
	 */
	for (rt = cl->routes; rt; rt = rt->cl_next)
		rt->doomed = rtm_route_matches(rt, cl->family, flags, &crit);
	for (rt = cl->routes; rt; rt = next) {
		next = rt->cl_next;
		if (rt->doomed)
			rtm_route_remove(r, rt, NULL, NULL, NULL);
	}
out:
	rtm_unlock(r);
	return st;
}

/* Age ------------------------------------------------------------------------ */

uint32_t
rtm_route_age(struct rtm *r, const void *route, enum rtm_status *err)
{
	struct rtm_filetime ts;
	uint64_t t, now, age;
	uint32_t res = RTM_INFINITE;
	enum rtm_status st = RTM_ERR_INVALID_PARAMETER;

	if (r == NULL || route == NULL)
		goto out;
	/* Both record layouts open with the time stamp. */
	memcpy(&ts, route, sizeof(ts));
	t = (uint64_t)ts.high << 32 | ts.low;
	rtm_lock(r);
	rtm_age(r);
	now = rtm_now(r) / RTM_NS_PER_TICK;
	rtm_unlock(r);
	/* A stamp from the future was not made by this clock. */
	if (t > now)
		goto out;
	age = (now - t) / (RTM_NS_PER_S / RTM_NS_PER_TICK);
	res = age >= RTM_INFINITE ? RTM_INFINITE - 1 : (uint32_t)age;
	st = RTM_OK;
out:
	if (err != NULL)
		*err = st;
	return res;
}

/* Teardown: free every route; the networks go with rtm_net_free_all(). */
void
rtm_route_free_all(struct rtm *r)
{
	for (uint32_t f = 0; f < RTM_NFAMILIES; f++) {
		for (struct rtm_client *cl = r->fam[f].clients; cl;
		     cl = cl->next) {
			while (cl->routes != NULL) {
				struct rtm_route *rt = cl->routes;

				cl->routes = rt->cl_next;
				free(rt);
			}
			cl->nroutes = 0;
		}
	}
	r->heap_len = 0;
}
