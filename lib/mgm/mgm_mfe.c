/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Multicast forwarding entries: their life from the forwarder's first miss
 * to expiry, and the forwarder mirror of every change.
 *
 * Creation (data-driven, as documented and as in RFC 2715): best route to
 * S (lib/rtm, longest prefix) gives the incoming interface and upstream
 * neighbour; the owner of that interface gets the RPF callback and may
 * rewrite them; the outgoing list is every key with (S,G), (*,G) or (*,*)
 * join state minus the iif; each client owning some of those keys gets a
 * CREATION_ALERT and may veto its keys; the entry is installed with the
 * default lifetime.  Without a route the entry is negative (drop) on the
 * arrival interface.
 *
 * An entry whose lifetime runs out is deleted unless the forwarder counted
 * packets for it since the last check, in which case it lives another
 * lifetime: active flows are not torn down and re-punted every 15 minutes.
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "mgm_private.h"

#define MGM_OIF_STACK 64 /* OIFs handled without a heap buffer */

static int
mgm_mfe_cmp(const struct mgm_mfe_node *a, const struct mgm_mfe_node *b)
{
	uint32_t x = ntohl(a->group), y = ntohl(b->group);

	if (x != y)
		return x < y ? -1 : 1;
	x = ntohl(a->source);
	y = ntohl(b->source);
	if (x != y)
		return x < y ? -1 : 1;
	return 0;
}

RB_GENERATE_STATIC(mgm_mfe_tree, mgm_mfe_node, rb, mgm_mfe_cmp)

static uint32_t
mgm_mfe_hash(uint32_t source, uint32_t group)
{
	uint32_t w[2] = {source, group};

	return hmap_hash_words(w, 2, 0x77);
}

struct mgm_mfe_node *
mgm_mfe_find(const struct mgm *m, uint32_t source, uint32_t group)
{
	uint32_t hash = mgm_mfe_hash(source, group);
	struct hmap_node *hn;

	for (hn = hmap_first_with_hash(&m->mfes, hash); hn != NULL;
	     hn = hmap_next_with_hash(hn)) {
		struct mgm_mfe_node *n =
			HMAP_ENTRY(hn, struct mgm_mfe_node, node);

		if (n->source == source && n->group == group)
			return n;
	}
	return NULL;
}

struct mgm_mfe_node *
mgm_mfe_first(struct mgm *m)
{
	return RB_MIN(mgm_mfe_tree, &m->mfe_tree);
}

struct mgm_mfe_node *
mgm_mfe_next(struct mgm *m, struct mgm_mfe_node *n)
{
	(void)m;
	return RB_NEXT(mgm_mfe_tree, &m->mfe_tree, n);
}

struct mgm_mfe_node *
mgm_mfe_after(struct mgm *m, uint32_t source, uint32_t group)
{
	struct mgm_mfe_node key = {.source = source, .group = group};
	struct mgm_mfe_node *n = RB_NFIND(mgm_mfe_tree, &m->mfe_tree, &key);

	if (n != NULL && n->source == source && n->group == group)
		n = RB_NEXT(mgm_mfe_tree, &m->mfe_tree, n);
	return n;
}

/* ---- expiry heap ------------------------------------------------------ */

static void
mgm_heap_swap(struct mgm *m, uint32_t i, uint32_t j)
{
	struct mgm_mfe_node *t = m->heap[i];

	m->heap[i] = m->heap[j];
	m->heap[j] = t;
	m->heap[i]->heap_idx = i;
	m->heap[j]->heap_idx = j;
}

static void
mgm_heap_fix(struct mgm *m, uint32_t i)
{
	while (i > 0 && m->heap[(i - 1) / 2]->expire_ns > m->heap[i]->expire_ns) {
		mgm_heap_swap(m, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, s = i;

		if (l < m->heap_n && m->heap[l]->expire_ns < m->heap[s]->expire_ns)
			s = l;
		if (r < m->heap_n && m->heap[r]->expire_ns < m->heap[s]->expire_ns)
			s = r;
		if (s == i)
			return;
		mgm_heap_swap(m, i, s);
		i = s;
	}
}

static bool
mgm_heap_push(struct mgm *m, struct mgm_mfe_node *n)
{
	if (m->heap_n == m->heap_cap) {
		uint32_t cap = m->heap_cap ? m->heap_cap * 2 : 1024;
		struct mgm_mfe_node **v = realloc(m->heap, cap * sizeof(*v));

		if (v == NULL)
			return false;
		m->heap = v;
		m->heap_cap = cap;
	}
	n->heap_idx = m->heap_n;
	m->heap[m->heap_n++] = n;
	mgm_heap_fix(m, n->heap_idx);
	return true;
}

static void
mgm_heap_remove(struct mgm *m, struct mgm_mfe_node *n)
{
	uint32_t i = n->heap_idx;

	if (i != --m->heap_n) {
		mgm_heap_swap(m, i, m->heap_n);
		mgm_heap_fix(m, i);
	}
}

void
mgm_mfe_reschedule(struct mgm *m, struct mgm_mfe_node *n)
{
	mgm_heap_fix(m, n->heap_idx);
}

/* ---- forwarder mirror ------------------------------------------------- */

void
mgm_mfe_install(struct mgm *m, const struct mgm_mfe_node *n)
{
	struct mgm_fwd_oif stack[MGM_OIF_STACK], *oif = stack;
	struct mgm_fwd_entry e;
	int rc;

	if (m->fwd == NULL || m->fwd->set_entry == NULL)
		return;
	if (n->n_oif > MGM_OIF_STACK) {
		oif = malloc(n->n_oif * sizeof(*oif));
		if (oif == NULL) {
			m->ctr.fwd_errors++;
			mgm_logf(m, MGM_LOG_ERR, "out of memory installing MFE");
			return;
		}
	}
	for (uint32_t i = 0; i < n->n_oif; i++) {
		oif[i].ifindex = n->oif[i].ifindex;
		oif[i].nexthop = n->oif[i].nexthop;
	}
	e = (struct mgm_fwd_entry){
		.source = n->source,
		.group = n->group,
		.in_ifindex = n->in_ifindex,
		.in_nexthop = n->in_nexthop,
		.num_oif = n->n_oif,
		.oif = oif,
	};
	rc = m->fwd->set_entry(m->fwd_ctx, &e);
	if (rc != 0) {
		m->ctr.fwd_errors++;
		mgm_logf(m, MGM_LOG_ERR, "forwarder set_entry failed (%d)", rc);
	}
	if (oif != stack)
		free(oif);
}

static void
mgm_mfe_uninstall(struct mgm *m, const struct mgm_mfe_node *n)
{
	int rc;

	if (m->fwd == NULL || m->fwd->delete_entry == NULL)
		return;
	rc = m->fwd->delete_entry(m->fwd_ctx, n->source, n->group);
	if (rc != 0) {
		m->ctr.fwd_errors++;
		mgm_logf(m, MGM_LOG_ERR, "forwarder delete_entry failed (%d)",
			 rc);
	}
}

void
mgm_mfe_counters(struct mgm *m, const struct mgm_mfe_node *n,
		 struct mgm_fwd_counters *c, struct mgm_fwd_oif_counters *oc)
{
	memset(c, 0, sizeof(*c));
	for (uint32_t i = 0; oc != NULL && i < n->n_oif; i++)
		oc[i] = (struct mgm_fwd_oif_counters){
			.ifindex = n->oif[i].ifindex,
			.nexthop = n->oif[i].nexthop,
		};
	if (m->fwd == NULL || m->fwd->read_counters == NULL)
		return;
	if (m->fwd->read_counters(m->fwd_ctx, n->source, n->group, c, oc,
				  oc != NULL ? n->n_oif : 0) != 0)
		m->ctr.fwd_errors++;
}

/* ---- one entry -------------------------------------------------------- */

static void
mgm_mfe_free(struct mgm_mfe_node *n)
{
	free(n->oif);
	free(n);
}

void
mgm_mfe_delete(struct mgm *m, struct mgm_mfe_node *n)
{
	mgm_mfe_uninstall(m, n);
	RB_REMOVE(mgm_mfe_tree, &m->mfe_tree, n);
	hmap_remove(&m->mfes, &n->node);
	mgm_heap_remove(m, n);
	if (n->n_oif == 0)
		m->ctr.negative_mfes--;
	mgm_mfe_free(n);
}

void
mgm_mfe_free_all(struct mgm *m, bool tell_forwarder)
{
	struct mgm_mfe_node *n;

	while ((n = RB_MIN(mgm_mfe_tree, &m->mfe_tree)) != NULL) {
		if (tell_forwarder)
			mgm_mfe_uninstall(m, n);
		RB_REMOVE(mgm_mfe_tree, &m->mfe_tree, n);
		hmap_remove(&m->mfes, &n->node);
		mgm_mfe_free(n);
	}
	m->heap_n = 0;
	m->ctr.negative_mfes = 0;
}

static int32_t
mgm_oif_find(const struct mgm_mfe_node *n, uint32_t ifindex, uint32_t nexthop)
{
	for (uint32_t i = 0; i < n->n_oif; i++)
		if (n->oif[i].ifindex == ifindex && n->oif[i].nexthop == nexthop)
			return (int32_t)i;
	return -1;
}

static bool
mgm_oif_key_less(uint32_t ia, uint32_t na, uint32_t ib, uint32_t nb)
{
	return ia != ib ? ia < ib : ntohl(na) < ntohl(nb);
}

static bool
mgm_oif_insert(struct mgm *m, struct mgm_mfe_node *n, uint32_t ifindex,
	       uint32_t nexthop, bool pinned)
{
	uint32_t i;

	if (n->n_oif == n->cap_oif) {
		uint32_t cap = n->cap_oif ? n->cap_oif * 2 : 4;
		struct mgm_mfe_oif *v = realloc(n->oif, cap * sizeof(*v));

		if (v == NULL) {
			mgm_logf(m, MGM_LOG_ERR, "out of memory adding an OIF");
			return false;
		}
		n->oif = v;
		n->cap_oif = cap;
	}
	for (i = n->n_oif; i > 0; i--) {
		const struct mgm_mfe_oif *p = &n->oif[i - 1];

		if (!mgm_oif_key_less(ifindex, nexthop, p->ifindex, p->nexthop))
			break;
		n->oif[i] = *p;
	}
	n->oif[i] = (struct mgm_mfe_oif){ifindex, nexthop, pinned};
	n->n_oif++;
	return true;
}

static void
mgm_oif_remove(struct mgm_mfe_node *n, uint32_t i)
{
	memmove(&n->oif[i], &n->oif[i + 1],
		(n->n_oif - i - 1) * sizeof(n->oif[0]));
	n->n_oif--;
}

static bool
mgm_mfe_is_iif(const struct mgm_mfe_node *n, uint32_t ifindex,
	       uint32_t nexthop)
{
	return n->in_ifindex == ifindex && n->in_nexthop == nexthop;
}

static void
mgm_mfe_alert(struct mgm *m, struct mgm_mfe_node *n, enum mgm_cb_kind kind)
{
	struct mgm_cb a = {
		.source = n->source,
		.source_mask = MGM_ADDR_HOST,
		.group = n->group,
		.group_mask = MGM_ADDR_HOST,
		.ifindex = n->in_ifindex,
		.nexthop = n->in_nexthop,
		.flag = 0,
	};

	mgm_cb_to(m, mgm_key_owner(m, n->in_ifindex, n->in_nexthop), kind, &a);
}

/* The OIF list went from empty to non-empty. */
static void
mgm_mfe_became_positive(struct mgm *m, struct mgm_mfe_node *n)
{
	m->ctr.negative_mfes--;
	n->timeout_s = m->mfe_timeout_s;
	n->expire_ns = mgm_now(m) + (uint64_t)n->timeout_s * MGM_NS_PER_S;
	mgm_mfe_reschedule(m, n);
	mgm_mfe_alert(m, n, MGM_CB_JOIN_ALERT);
}

static void
mgm_mfe_became_negative(struct mgm *m, struct mgm_mfe_node *n)
{
	m->ctr.negative_mfes++;
	mgm_mfe_alert(m, n, MGM_CB_MFE_PRUNE_ALERT);
}

/* ---- membership pushes ------------------------------------------------ */

/* Calls @fn for each MFE a membership on (source, group) covers. */
static void
mgm_mfe_for_covered(struct mgm *m, uint32_t source, uint32_t group,
		    void (*fn)(struct mgm *, struct mgm_mfe_node *, void *),
		    void *arg)
{
	struct mgm_mfe_node *n, *next;

	if (source != 0) {
		n = mgm_mfe_find(m, source, group);
		if (n != NULL)
			fn(m, n, arg);
		return;
	}
	if (group == 0) {
		for (n = mgm_mfe_first(m); n != NULL; n = next) {
			next = mgm_mfe_next(m, n);
			fn(m, n, arg);
		}
		return;
	}
	/* All sources of G are adjacent in (group, source) order. */
	n = mgm_mfe_after(m, 0, group);
	for (; n != NULL && n->group == group; n = next) {
		next = mgm_mfe_next(m, n);
		fn(m, n, arg);
	}
}

struct mgm_oif_change {
	uint32_t ifindex;
	uint32_t nexthop;
	bool pin;
};

static void
mgm_mfe_add_oif(struct mgm *m, struct mgm_mfe_node *n, void *arg)
{
	const struct mgm_oif_change *c = arg;
	int32_t i;

	if (mgm_mfe_is_iif(n, c->ifindex, c->nexthop))
		return;
	i = mgm_oif_find(n, c->ifindex, c->nexthop);
	if (i >= 0) {
		n->oif[i].pinned |= c->pin;
		return;
	}
	if (!mgm_oif_insert(m, n, c->ifindex, c->nexthop, c->pin))
		return;
	mgm_mfe_install(m, n);
	if (n->n_oif == 1)
		mgm_mfe_became_positive(m, n);
}

/* Does any membership (any client) still want (S,G) traffic on the key? */
static bool
mgm_mfe_key_wanted(const struct mgm *m, const struct mgm_mfe_node *n,
		   uint32_t ifindex, uint32_t nexthop)
{
	return mgm_sg_covers_key(m, mgm_sg_find(m, n->source, n->group),
				 ifindex, nexthop) ||
	       mgm_sg_covers_key(m, mgm_sg_find(m, 0, n->group), ifindex,
				 nexthop) ||
	       mgm_sg_covers_key(m, mgm_sg_find(m, 0, 0), ifindex, nexthop);
}

static void
mgm_mfe_drop_oif(struct mgm *m, struct mgm_mfe_node *n, void *arg)
{
	const struct mgm_oif_change *c = arg;
	int32_t i = mgm_oif_find(n, c->ifindex, c->nexthop);

	if (i < 0)
		return;
	if (c->pin)
		n->oif[i].pinned = false;
	if (n->oif[i].pinned ||
	    mgm_mfe_key_wanted(m, n, c->ifindex, c->nexthop))
		return;
	mgm_oif_remove(n, (uint32_t)i);
	mgm_mfe_install(m, n);
	if (n->n_oif == 0)
		mgm_mfe_became_negative(m, n);
}

void
mgm_mfe_member_added(struct mgm *m, uint32_t source, uint32_t group,
		     uint32_t ifindex, uint32_t nexthop, bool pin)
{
	struct mgm_oif_change c = {ifindex, nexthop, pin};

	mgm_mfe_for_covered(m, source, group, mgm_mfe_add_oif, &c);
}

void
mgm_mfe_member_removed(struct mgm *m, uint32_t source, uint32_t group,
		       uint32_t ifindex, uint32_t nexthop, bool unpin)
{
	struct mgm_oif_change c = {ifindex, nexthop, unpin};

	mgm_mfe_for_covered(m, source, group, mgm_mfe_drop_oif, &c);
}

void
mgm_mfe_key_released(struct mgm *m, uint32_t ifindex, uint32_t nexthop)
{
	struct mgm_mfe_node *n, *next;

	for (n = mgm_mfe_first(m); n != NULL; n = next) {
		int32_t i;

		next = mgm_mfe_next(m, n);
		if (mgm_mfe_is_iif(n, ifindex, nexthop)) {
			mgm_mfe_delete(m, n);
			continue;
		}
		i = mgm_oif_find(n, ifindex, nexthop);
		if (i < 0)
			continue;
		mgm_oif_remove(n, (uint32_t)i);
		mgm_mfe_install(m, n);
		if (n->n_oif == 0)
			mgm_mfe_became_negative(m, n);
	}
}

/* ---- expiry and route changes ---------------------------------------- */

uint64_t
mgm_mfe_expire(struct mgm *m, uint64_t now)
{
	while (m->heap_n > 0 && m->heap[0]->expire_ns <= now) {
		struct mgm_mfe_node *n = m->heap[0];
		struct mgm_fwd_counters c;

		mgm_mfe_counters(m, n, &c, NULL);
		if (n->timeout_s > 0 && c.in_pkts > n->last_in_pkts) {
			n->last_in_pkts = c.in_pkts;
			n->expire_ns = now + (uint64_t)n->timeout_s *
						     MGM_NS_PER_S;
			mgm_heap_fix(m, 0);
			continue;
		}
		m->ctr.mfes_expired++;
		mgm_mfe_delete(m, n);
	}
	return m->heap_n > 0 ? m->heap[0]->expire_ns : UINT64_MAX;
}

static bool
mgm_route_same(const struct rtm_ip_route *a, const struct rtm_ip_route *b)
{
	return a->network.number == b->network.number &&
	       a->network.mask == b->network.mask &&
	       a->ifindex == b->ifindex &&
	       a->next_hop.number == b->next_hop.number &&
	       a->protocol == b->protocol;
}

/* A best route changed somewhere: an MFE whose RPF route is no longer the
 * best route toward its source is deleted; the next packet recreates it
 * with the new incoming interface. */
void
mgm_mfe_route_changed(struct mgm *m)
{
	struct mgm_mfe_node *n, *next;

	for (n = mgm_mfe_first(m); n != NULL; n = next) {
		struct rtm_ip_route r;
		bool has = rtm_lookup_ip(m->rtm, n->source, &r);

		next = mgm_mfe_next(m, n);
		if (has == n->has_route &&
		    (!has || mgm_route_same(&r, &n->route)))
			continue;
		m->ctr.mfes_deleted_route_change++;
		mgm_mfe_delete(m, n);
	}
}

/* ---- creation --------------------------------------------------------- */

struct mgm_cand {
	uint32_t ifindex;
	uint32_t nexthop;
	int32_t owner;
	bool igmp;
	bool vetoed;
};

struct mgm_cands {
	uint32_t n;
	uint32_t cap;
	struct mgm_cand *v;
};

static int
mgm_cand_cmp(const void *a, const void *b)
{
	const struct mgm_cand *x = a, *y = b;

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	if (x->nexthop != y->nexthop)
		return ntohl(x->nexthop) < ntohl(y->nexthop) ? -1 : 1;
	return 0;
}

static bool
mgm_cands_add_sg(const struct mgm *m, struct mgm_cands *c,
		 const struct mgm_sg *sg, uint32_t in_if, uint32_t in_nh)
{
	const struct mgm_member *mb;

	if (sg == NULL)
		return true;
	for (mb = sg->members; mb != NULL; mb = mb->sg_next) {
		const struct mgm_iface *ifc;

		if (mb->ifindex == in_if && mb->nexthop == in_nh)
			continue;
		if (c->n == c->cap) {
			uint32_t cap = c->cap ? c->cap * 2 : 16;
			struct mgm_cand *v = realloc(c->v, cap * sizeof(*v));

			if (v == NULL)
				return false;
			c->v = v;
			c->cap = cap;
		}
		ifc = mgm_iface_find(m, mb->ifindex, mb->nexthop);
		c->v[c->n++] = (struct mgm_cand){
			.ifindex = mb->ifindex,
			.nexthop = mb->nexthop,
			.owner = mgm_iface_effective_owner(ifc),
			.igmp = ifc != NULL && ifc->igmp != MGM_NO_CLIENT,
		};
	}
	return true;
}

/* Keys with (S,G), (*,G) or (*,*) join state, minus the iif, sorted and
 * unique. */
static bool
mgm_cands_collect(const struct mgm *m, struct mgm_cands *c, uint32_t source,
		  uint32_t group, uint32_t in_if, uint32_t in_nh)
{
	uint32_t k = 0;

	c->n = 0;
	if (!mgm_cands_add_sg(m, c, mgm_sg_find(m, source, group), in_if,
			      in_nh) ||
	    !mgm_cands_add_sg(m, c, mgm_sg_find(m, 0, group), in_if, in_nh) ||
	    !mgm_cands_add_sg(m, c, mgm_sg_find(m, 0, 0), in_if, in_nh))
		return false;
	if (c->n == 0)
		return true;
	qsort(c->v, c->n, sizeof(*c->v), mgm_cand_cmp);
	for (uint32_t i = 1; i < c->n; i++)
		if (mgm_cand_cmp(&c->v[i], &c->v[k]) != 0)
			c->v[++k] = c->v[i];
	c->n = k + 1;
	return true;
}

/* Callbacks MGM must hear back from run with the lock dropped; the caller
 * re-checks state afterwards. */
static void
mgm_pause(struct mgm *m)
{
	m->cbq = NULL;
	mgm_unlock(m);
}

static void
mgm_resume(struct mgm *m, struct mgm_cbq *q)
{
	mgm_lock(m);
	m->cbq = q;
}

/* CREATION_ALERT to each owner of candidate OIFs; marks vetoed ones. */
static bool
mgm_creation_alerts(struct mgm *m, struct mgm_cbq *q, struct mgm_cands *c,
		    uint32_t source, uint32_t group, uint32_t in_if,
		    uint32_t in_nh)
{
	struct mgm_if_entry *ents = malloc((c->n ? c->n : 1) * sizeof(*ents));
	uint32_t *idx = malloc((c->n ? c->n : 1) * sizeof(*idx));
	bool ok = ents != NULL && idx != NULL;

	for (uint32_t i = 0; ok && i < c->n; i++) {
		int32_t owner = c->v[i].owner;
		mgm_creation_alert_cb fn;
		uint32_t k = 0;
		void *ctx;
		bool seen = false;

		if (owner == MGM_NO_CLIENT)
			continue;
		for (uint32_t j = 0; j < i; j++)
			seen |= c->v[j].owner == owner;
		if (seen)
			continue; /* that client was alerted already */
		for (uint32_t j = i; j < c->n; j++) {
			if (c->v[j].owner != owner)
				continue;
			idx[k] = j;
			ents[k++] = (struct mgm_if_entry){
				.ifindex = c->v[j].ifindex,
				.nexthop = c->v[j].nexthop,
				.igmp = c->v[j].igmp,
				.enabled = 1,
			};
		}
		fn = m->clients[owner].ops.creation_alert;
		ctx = m->clients[owner].ctx;
		if (fn == NULL)
			continue;
		mgm_pause(m);
		fn(ctx, source, MGM_ADDR_HOST, group, MGM_ADDR_HOST, in_if,
		   in_nh, k, ents);
		mgm_resume(m, q);
		for (uint32_t j = 0; j < k; j++)
			if (!ents[j].enabled)
				c->v[idx[j]].vetoed = true;
	}
	free(ents);
	free(idx);
	return ok;
}

static bool
mgm_cand_vetoed(const struct mgm_cands *vetoes, uint32_t ifindex,
		uint32_t nexthop)
{
	for (uint32_t i = 0; i < vetoes->n; i++)
		if (vetoes->v[i].vetoed && vetoes->v[i].ifindex == ifindex &&
		    vetoes->v[i].nexthop == nexthop)
			return true;
	return false;
}

static bool
mgm_is_multicast(uint32_t group)
{
	return (ntohl(group) & 0xF0000000u) == 0xE0000000u;
}

enum mgm_status
mgm_forwarder_miss(struct mgm *m, uint32_t source, uint32_t group,
		   uint32_t ifindex, uint32_t nexthop, const uint8_t *hdr,
		   uint32_t hdr_len)
{
	uint8_t hdr_copy[MGM_RPF_HDR_MAX];
	struct mgm_cands vetoes = {0}, c = {0};
	struct rtm_ip_route route;
	struct mgm_mfe_node *n;
	struct mgm_cbq q;
	enum mgm_status st = MGM_OK;
	uint32_t in_if, in_nh, upstream;
	bool has_route;
	int32_t owner;

	if (m == NULL || source == 0 || !mgm_is_multicast(group) ||
	    (hdr == NULL && hdr_len != 0))
		return MGM_ERR_INVALID_PARAMETER;
	if (hdr_len > sizeof(hdr_copy))
		hdr_len = sizeof(hdr_copy);
	if (hdr_len > 0)
		memcpy(hdr_copy, hdr, hdr_len);
	mgm_enter_routes(m, &q);
	if (mgm_mfe_find(m, source, group) != NULL)
		goto out;

	/* 1. RPF: best route toward the source. */
	has_route = rtm_lookup_ip(m->rtm, source, &route);
	if (has_route) {
		in_if = route.ifindex;
		/* Point-to-multipoint: the upstream peer's own key if owned. */
		in_nh = mgm_iface_find(m, route.ifindex,
				       route.next_hop.number) != NULL ?
				route.next_hop.number :
				0;
		upstream = route.next_hop.number;
		owner = mgm_key_owner(m, in_if, in_nh);
	} else {
		in_if = ifindex;
		in_nh = nexthop;
		upstream = 0;
		owner = MGM_NO_CLIENT;
	}
	if (owner != MGM_NO_CLIENT && m->clients[owner].ops.rpf != NULL) {
		mgm_rpf_cb fn = m->clients[owner].ops.rpf;
		void *ctx = m->clients[owner].ctx;
		struct rtm_ip_route rcopy = route;

		mgm_pause(m);
		fn(ctx, source, MGM_ADDR_HOST, group, MGM_ADDR_HOST, &in_if,
		   &in_nh, &upstream, hdr_len, hdr_len ? hdr_copy : NULL,
		   (uint8_t *)&rcopy);
		mgm_resume(m, &q);
		if (mgm_mfe_find(m, source, group) != NULL)
			goto out;
	}

	/* 2. Candidate OIFs and their owners' creation alerts.  Without a
	 * route there is nothing to forward: the entry is negative. */
	if (has_route) {
		if (!mgm_cands_collect(m, &c, source, group, in_if, in_nh) ||
		    !mgm_creation_alerts(m, &q, &c, source, group, in_if,
					 in_nh)) {
			st = MGM_ERR_NO_MEMORY;
			goto out;
		}
		if (mgm_mfe_find(m, source, group) != NULL)
			goto out;
		/* State may have moved while the alerts ran: recompute,
		 * keep the vetoes. */
		vetoes = c;
		c = (struct mgm_cands){0};
		if (!mgm_cands_collect(m, &c, source, group, in_if, in_nh)) {
			st = MGM_ERR_NO_MEMORY;
			goto out;
		}
	}

	/* 3. Install. */
	n = calloc(1, sizeof(*n));
	if (n == NULL || (c.n > 0 && (n->oif = malloc(c.n * sizeof(*n->oif))) == NULL)) {
		free(n);
		st = MGM_ERR_NO_MEMORY;
		goto out;
	}
	n->cap_oif = c.n;
	for (uint32_t i = 0; i < c.n; i++)
		if (!mgm_cand_vetoed(&vetoes, c.v[i].ifindex, c.v[i].nexthop))
			n->oif[n->n_oif++] = (struct mgm_mfe_oif){
				c.v[i].ifindex, c.v[i].nexthop, false};
	n->source = source;
	n->group = group;
	n->in_ifindex = in_if;
	n->in_nexthop = in_nh;
	owner = mgm_key_owner(m, in_if, in_nh);
	n->in_protocol = owner != MGM_NO_CLIENT ?
				 m->clients[owner].protocol_id :
				 MGM_PROTO_IP_MGM;
	n->upstream = upstream;
	n->has_route = has_route;
	if (has_route)
		n->route = route;
	n->created_ns = mgm_now(m);
	n->timeout_s = m->mfe_timeout_s;
	n->expire_ns = n->created_ns + (uint64_t)n->timeout_s * MGM_NS_PER_S;
	if (!mgm_heap_push(m, n)) {
		mgm_mfe_free(n);
		st = MGM_ERR_NO_MEMORY;
		goto out;
	}
	RB_INSERT(mgm_mfe_tree, &m->mfe_tree, n);
	hmap_insert(&m->mfes, &n->node, mgm_mfe_hash(source, group));
	m->ctr.mfes_created++;
	mgm_mfe_install(m, n);
	if (n->n_oif == 0)
		mgm_mfe_became_negative(m, n); /* owner may shorten its life */
out:
	free(c.v);
	free(vetoes.v);
	mgm_leave(m, &q);
	return st;
}

enum mgm_status
mgm_forwarder_wrong_if(struct mgm *m, uint32_t source, uint32_t group,
		       uint32_t ifindex, uint32_t nexthop, const uint8_t *hdr,
		       uint32_t hdr_len)
{
	struct mgm_cbq q;
	struct mgm_cb a = {
		.source = source,
		.group = group,
		.ifindex = ifindex,
		.nexthop = nexthop,
	};

	if (m == NULL || !mgm_is_multicast(group) ||
	    (hdr == NULL && hdr_len != 0))
		return MGM_ERR_INVALID_PARAMETER;
	if (hdr_len > MGM_RPF_HDR_MAX)
		hdr_len = MGM_RPF_HDR_MAX;
	mgm_enter_routes(m, &q);
	if (hdr_len > 0) {
		a.hdr = malloc(hdr_len);
		if (a.hdr != NULL) {
			memcpy(a.hdr, hdr, hdr_len);
			a.hdr_len = hdr_len;
		}
	}
	{
		int32_t owner = mgm_key_owner(m, ifindex, nexthop);

		if (owner != MGM_NO_CLIENT)
			mgm_cb_to(m, owner, MGM_CB_WRONG_IF, &a);
		else
			free(a.hdr);
	}
	mgm_leave(m, &q);
	return MGM_OK;
}
