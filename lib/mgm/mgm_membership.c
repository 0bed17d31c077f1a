/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Group membership: "receivers of (S|*, G|*) are behind this key".
 *
 * Join and prune alerts follow the documented client-count rules: for
 * (*,G) (and (*,*)) the first client with receivers alerts every other
 * registered client, the second alerts only the first; the last-but-one
 * leaving alerts the one remaining, the last leaving alerts everyone else.
 * (S,G) alerts go to the owner of the interface toward S.  Nobody is
 * alerted about its own action.
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "mgm_private.h"

static uint32_t
mgm_sg_hash(uint32_t source, uint32_t group)
{
	uint32_t w[2] = {source, group};

	return hmap_hash_words(w, 2, 0x5a);
}

static uint32_t
mgm_member_hash(uint32_t source, uint32_t group, uint32_t ifindex,
		uint32_t nexthop, int32_t client)
{
	uint32_t w[5] = {source, group, ifindex, nexthop, (uint32_t)client};

	return hmap_hash_words(w, 5, 0x3c);
}

struct mgm_sg *
mgm_sg_find(const struct mgm *m, uint32_t source, uint32_t group)
{
	uint32_t hash = mgm_sg_hash(source, group);
	struct hmap_node *hn;

	for (hn = hmap_first_with_hash(&m->sgs, hash); hn != NULL;
	     hn = hmap_next_with_hash(hn)) {
		struct mgm_sg *sg = HMAP_ENTRY(hn, struct mgm_sg, node);

		if (sg->source == source && sg->group == group)
			return sg;
	}
	return NULL;
}

static struct mgm_member *
mgm_member_find(const struct mgm *m, uint32_t source, uint32_t group,
		uint32_t ifindex, uint32_t nexthop, int32_t client)
{
	uint32_t hash = mgm_member_hash(source, group, ifindex, nexthop, client);
	struct hmap_node *hn;

	for (hn = hmap_first_with_hash(&m->members, hash); hn != NULL;
	     hn = hmap_next_with_hash(hn)) {
		struct mgm_member *mb = HMAP_ENTRY(hn, struct mgm_member, node);

		if (mb->sg->source == source && mb->sg->group == group &&
		    mb->ifindex == ifindex && mb->nexthop == nexthop &&
		    mb->client == client)
			return mb;
	}
	return NULL;
}

bool
mgm_sg_covers_key(const struct mgm *m, const struct mgm_sg *sg,
		  uint32_t ifindex, uint32_t nexthop)
{
	if (sg == NULL)
		return false;
	for (uint32_t i = 0; i < sg->n_clients; i++)
		if (mgm_member_find(m, sg->source, sg->group, ifindex, nexthop,
				    sg->clients[i].client) != NULL)
			return true;
	return false;
}

static void
mgm_sg_clients_free(struct mgm_sg *sg)
{
	if (sg->clients != sg->inl)
		free(sg->clients);
}

static struct mgm_sg_client *
mgm_sg_client(struct mgm_sg *sg, int32_t client)
{
	for (uint32_t i = 0; i < sg->n_clients; i++)
		if (sg->clients[i].client == client)
			return &sg->clients[i];
	return NULL;
}

/* ---- validation ------------------------------------------------------- */

static bool
mgm_is_multicast(uint32_t group)
{
	return (ntohl(group) & 0xF0000000u) == 0xE0000000u;
}

/* Only (S,G), (*,G) and (*,*): a wildcard is 0/0, a specific address /32
 * (ranges are not supported by this API version). */
static bool
mgm_sg_args_valid(uint32_t source, uint32_t source_mask, uint32_t group,
		  uint32_t group_mask)
{
	bool any_src = source == 0 && source_mask == 0;
	bool one_src = source != 0 && source_mask == MGM_ADDR_HOST;
	bool any_grp = group == 0 && group_mask == 0;
	bool one_grp = group_mask == MGM_ADDR_HOST && mgm_is_multicast(group);

	if (!(any_src || one_src) || !(any_grp || one_grp))
		return false;
	return !(one_src && any_grp);
}

static bool
mgm_flags_valid(uint32_t flags)
{
	return flags != 0 &&
	       (flags & ~(MGM_JOIN_STATE_FLAG | MGM_FORWARD_STATE_FLAG)) == 0;
}

/* ---- alerts ----------------------------------------------------------- */

/* Owner of the RPF interface toward @source (no route: nobody). */
static int32_t
mgm_rpf_owner(struct mgm *m, uint32_t source)
{
	struct rtm_ip_route r;

	if (!rtm_lookup_ip(m->rtm, source, &r))
		return MGM_NO_CLIENT;
	return mgm_key_owner(m, r.ifindex, 0);
}

static void
mgm_alert_all_but(struct mgm *m, int32_t except, enum mgm_cb_kind kind,
		  const struct mgm_cb *args)
{
	for (uint32_t i = 0; i < m->n_client_slots; i++)
		if (m->clients[i].in_use && (int32_t)i != except)
			mgm_cb_to(m, (int32_t)i, kind, args);
}

/* Callback arguments naming @sg: a wildcard is 0/0, an address /32. */
static struct mgm_cb
mgm_sg_cb_args(const struct mgm_sg *sg)
{
	return (struct mgm_cb){
		.source = sg->source,
		.source_mask = sg->source ? MGM_ADDR_HOST : 0,
		.group = sg->group,
		.group_mask = sg->group ? MGM_ADDR_HOST : 0,
	};
}

static void
mgm_join_alerts(struct mgm *m, struct mgm_sg *sg, int32_t client,
		bool first_of_client)
{
	struct mgm_cb a = mgm_sg_cb_args(sg);

	a.flag = 1; /* caused by a membership add */
	if (sg->source != 0) {
		int32_t owner;

		if (sg->n_members != 1)
			return;
		owner = mgm_rpf_owner(m, sg->source);
		if (owner != client)
			mgm_cb_to(m, owner, MGM_CB_JOIN_ALERT, &a);
		return;
	}
	if (!first_of_client)
		return;
	if (sg->n_clients == 1) {
		mgm_alert_all_but(m, client, MGM_CB_JOIN_ALERT, &a);
	} else if (sg->n_clients == 2) {
		int32_t other = sg->clients[0].client == client ?
					sg->clients[1].client :
					sg->clients[0].client;

		mgm_cb_to(m, other, MGM_CB_JOIN_ALERT, &a);
	}
}

static void
mgm_prune_alerts(struct mgm *m, struct mgm_sg *sg, int32_t client,
		 bool last_of_client, uint32_t ifindex, uint32_t nexthop)
{
	struct mgm_cb a = mgm_sg_cb_args(sg);

	a.ifindex = ifindex;
	a.nexthop = nexthop;
	a.flag = 1; /* caused by a membership delete */

	if (sg->source != 0) {
		int32_t owner;

		if (sg->n_members != 0)
			return;
		owner = mgm_rpf_owner(m, sg->source);
		if (owner != client)
			mgm_cb_to(m, owner, MGM_CB_PRUNE_ALERT, &a);
		return;
	}
	if (!last_of_client)
		return;
	if (sg->n_clients == 1)
		mgm_cb_to(m, sg->clients[0].client, MGM_CB_PRUNE_ALERT, &a);
	else if (sg->n_clients == 0)
		mgm_alert_all_but(m, client, MGM_CB_PRUNE_ALERT, &a);
}

static void
mgm_local_alert(struct mgm *m, const struct mgm_iface *ifc, int32_t client,
		enum mgm_cb_kind kind, const struct mgm_sg *sg)
{
	struct mgm_cb a = mgm_sg_cb_args(sg);

	a.ifindex = ifc->ifindex;
	a.nexthop = ifc->nexthop;
	/* Only IGMP's changes are echoed, and only to a routing co-owner. */
	if (ifc->igmp != client || ifc->owner == MGM_NO_CLIENT)
		return;
	mgm_cb_to(m, ifc->owner, kind, &a);
}

/* ---- add / delete ----------------------------------------------------- */

static enum mgm_status
mgm_member_add(struct mgm *m, struct mgm_iface *ifc, int32_t client,
	       uint32_t source, uint32_t group)
{
	struct mgm_sg *sg = mgm_sg_find(m, source, group);
	struct mgm_sg_client *cl;
	struct mgm_member *mb;
	bool new_sg = false, first_of_client;

	if (sg == NULL) {
		sg = calloc(1, sizeof(*sg));
		if (sg == NULL)
			return MGM_ERR_NO_MEMORY;
		sg->source = source;
		sg->group = group;
		sg->clients = sg->inl;
		sg->cap_clients = (uint32_t)(sizeof(sg->inl) / sizeof(sg->inl[0]));
		new_sg = true;
	}
	cl = mgm_sg_client(sg, client);
	if (cl == NULL && sg->n_clients == sg->cap_clients) {
		uint32_t cap = sg->cap_clients * 2;
		struct mgm_sg_client *v = malloc(cap * sizeof(*v));

		if (v == NULL)
			goto nomem;
		memcpy(v, sg->clients, sg->n_clients * sizeof(*v));
		mgm_sg_clients_free(sg);
		sg->clients = v;
		sg->cap_clients = cap;
	}
	mb = calloc(1, sizeof(*mb));
	if (mb == NULL)
		goto nomem;
	if (cl == NULL) {
		cl = &sg->clients[sg->n_clients++];
		cl->client = client;
		cl->count = 0;
	}
	if (new_sg)
		hmap_insert(&m->sgs, &sg->node, mgm_sg_hash(source, group));
	first_of_client = cl->count++ == 0;
	mb->sg = sg;
	mb->ifindex = ifc->ifindex;
	mb->nexthop = ifc->nexthop;
	mb->client = client;
	mb->sg_next = sg->members;
	if (sg->members != NULL)
		sg->members->sg_pprev = &mb->sg_next;
	sg->members = mb;
	mb->sg_pprev = &sg->members;
	mb->if_next = ifc->members;
	if (ifc->members != NULL)
		ifc->members->if_pprev = &mb->if_next;
	ifc->members = mb;
	mb->if_pprev = &ifc->members;
	sg->n_members++;
	hmap_insert(&m->members, &mb->node,
		    mgm_member_hash(source, group, ifc->ifindex, ifc->nexthop,
				    client));
	mgm_join_alerts(m, sg, client, first_of_client);
	mgm_local_alert(m, ifc, client, MGM_CB_LOCAL_JOIN, sg);
	return MGM_OK;
nomem:
	if (new_sg) {
		mgm_sg_clients_free(sg);
		free(sg);
	}
	return MGM_ERR_NO_MEMORY;
}

static void
mgm_member_del(struct mgm *m, struct mgm_iface *ifc, struct mgm_member *mb,
	       bool local_leave)
{
	struct mgm_sg *sg = mb->sg;
	struct mgm_sg_client *cl = mgm_sg_client(sg, mb->client);
	int32_t client = mb->client;
	bool last_of_client;

	hmap_remove(&m->members, &mb->node);
	*mb->sg_pprev = mb->sg_next;
	if (mb->sg_next != NULL)
		mb->sg_next->sg_pprev = mb->sg_pprev;
	*mb->if_pprev = mb->if_next;
	if (mb->if_next != NULL)
		mb->if_next->if_pprev = mb->if_pprev;
	sg->n_members--;
	last_of_client = --cl->count == 0;
	if (last_of_client)
		*cl = sg->clients[--sg->n_clients];
	mgm_prune_alerts(m, sg, client, last_of_client, mb->ifindex,
			 mb->nexthop);
	if (local_leave)
		mgm_local_alert(m, ifc, client, MGM_CB_LOCAL_LEAVE, sg);
	free(mb);
	/* The MFE update needs the (S,G) key but no longer the record. */
	if (sg->n_members == 0) {
		hmap_remove(&m->sgs, &sg->node);
		mgm_sg_clients_free(sg);
		free(sg);
	}
}

/* Common checks of add and delete; returns the key on success. */
static enum mgm_status
mgm_member_check(struct mgm *m, mgm_handle_t h, uint32_t source,
		 uint32_t source_mask, uint32_t group, uint32_t group_mask,
		 uint32_t ifindex, uint32_t nexthop, uint32_t flags,
		 bool is_delete, int32_t *slot, struct mgm_iface **ifc)
{
	*slot = mgm_handle_slot(m, h, MGM_HKIND_PROTOCOL);
	if (*slot < 0 || !mgm_flags_valid(flags) ||
	    !mgm_sg_args_valid(source, source_mask, group, group_mask))
		return MGM_ERR_INVALID_PARAMETER;
	*ifc = mgm_iface_find(m, ifindex, nexthop);
	if (*ifc == NULL)
		return is_delete ? MGM_ERR_NOT_FOUND :
				   MGM_ERR_INVALID_PARAMETER;
	if ((*ifc)->owner != *slot && (*ifc)->igmp != *slot)
		return MGM_ERR_INVALID_PARAMETER;
	return MGM_OK;
}

enum mgm_status
mgm_add_group_membership(struct mgm *m, mgm_handle_t h, uint32_t source,
			 uint32_t source_mask, uint32_t group,
			 uint32_t group_mask, uint32_t ifindex,
			 uint32_t nexthop, uint32_t flags)
{
	struct mgm_iface *ifc;
	struct mgm_cbq q;
	enum mgm_status st;
	int32_t slot;

	if (m == NULL)
		return MGM_ERR_INVALID_PARAMETER;
	if (mgm_in_enable_igmp())
		return MGM_ERR_CAN_NOT_COMPLETE;
	mgm_enter(m, &q);
	st = mgm_member_check(m, h, source, source_mask, group, group_mask,
			      ifindex, nexthop, flags, false, &slot, &ifc);
	if (st != MGM_OK)
		goto out;
	if (flags & MGM_JOIN_STATE_FLAG) {
		if (mgm_member_find(m, source, group, ifindex, nexthop,
				    slot) == NULL) {
			st = mgm_member_add(m, ifc, slot, source, group);
			if (st != MGM_OK)
				goto out;
		} else if (!(flags & MGM_FORWARD_STATE_FLAG)) {
			goto out; /* idempotent: no alerts, no MFE change */
		}
	}
	mgm_mfe_member_added(m, source, group, ifindex, nexthop,
			     (flags & MGM_FORWARD_STATE_FLAG) != 0);
out:
	mgm_leave(m, &q);
	return st;
}

enum mgm_status
mgm_delete_group_membership(struct mgm *m, mgm_handle_t h, uint32_t source,
			    uint32_t source_mask, uint32_t group,
			    uint32_t group_mask, uint32_t ifindex,
			    uint32_t nexthop, uint32_t flags)
{
	struct mgm_member *mb;
	struct mgm_iface *ifc;
	struct mgm_cbq q;
	enum mgm_status st;
	int32_t slot;

	if (m == NULL)
		return MGM_ERR_INVALID_PARAMETER;
	if (mgm_in_enable_igmp())
		return MGM_ERR_CAN_NOT_COMPLETE;
	mgm_enter(m, &q);
	st = mgm_member_check(m, h, source, source_mask, group, group_mask,
			      ifindex, nexthop, flags, true, &slot, &ifc);
	if (st != MGM_OK)
		goto out;
	if (flags & MGM_JOIN_STATE_FLAG) {
		mb = mgm_member_find(m, source, group, ifindex, nexthop, slot);
		if (mb == NULL) {
			st = MGM_ERR_NOT_FOUND;
			goto out;
		}
		mgm_member_del(m, ifc, mb, true);
	}
	mgm_mfe_member_removed(m, source, group, ifindex, nexthop,
			       (flags & MGM_FORWARD_STATE_FLAG) != 0);
out:
	mgm_leave(m, &q);
	return st;
}

void
mgm_member_drop_key(struct mgm *m, int32_t client, uint32_t ifindex,
		    uint32_t nexthop, bool local_leave)
{
	struct mgm_iface *ifc = mgm_iface_find(m, ifindex, nexthop);
	struct mgm_member *mb, *next;

	if (ifc == NULL)
		return;
	for (mb = ifc->members; mb != NULL; mb = next) {
		uint32_t source = mb->sg->source, group = mb->sg->group;

		next = mb->if_next;
		if (mb->client != client)
			continue;
		mgm_member_del(m, ifc, mb, local_leave);
		mgm_mfe_member_removed(m, source, group, ifindex, nexthop,
				       false);
	}
}

void
mgm_members_free_all(struct mgm *m)
{
	struct hmap_node *hn, *next;

	/* One walk each: hmap_first() per node would rescan the buckets. */
	for (hn = hmap_first(&m->members); hn != NULL; hn = next) {
		next = hmap_next(&m->members, hn);
		free(HMAP_ENTRY(hn, struct mgm_member, node));
	}
	for (hn = hmap_first(&m->sgs); hn != NULL; hn = next) {
		struct mgm_sg *sg = HMAP_ENTRY(hn, struct mgm_sg, node);

		next = hmap_next(&m->sgs, hn);
		mgm_sg_clients_free(sg);
		free(sg);
	}
	/* Only mgm_destroy() calls this: the maps are dropped, not reused. */
	hmap_fini(&m->members);
	hmap_fini(&m->sgs);
	for (hn = hmap_first(&m->ifaces); hn != NULL;
	     hn = hmap_next(&m->ifaces, hn))
		HMAP_ENTRY(hn, struct mgm_iface, node)->members = NULL;
}

/* ---- group enumeration ------------------------------------------------ */

static int
mgm_sge_cmp(const void *a, const void *b)
{
	const struct mgm_source_group *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->source != y->source)
		return x->source < y->source ? -1 : 1;
	return 0;
}

/* Snapshot of the joined (S,G)s, or of the joined groups, deduplicated
 * across clients and keys (they already are: one mgm_sg per pair). */
static enum mgm_status
mgm_enum_snapshot(struct mgm *m, enum mgm_enum_type type, struct mgm_enum *e)
{
	uint32_t n = 0, cap = hmap_count(&m->sgs);
	struct hmap_node *hn;

	e->v = malloc((cap ? cap : 1) * sizeof(*e->v));
	if (e->v == NULL)
		return MGM_ERR_NO_MEMORY;
	for (hn = hmap_first(&m->sgs); hn != NULL; hn = hmap_next(&m->sgs, hn)) {
		struct mgm_sg *sg = HMAP_ENTRY(hn, struct mgm_sg, node);
		struct mgm_source_group *r = &e->v[n++];

		r->source = type == MGM_ENUM_ALL_SOURCES ? sg->source : 0;
		r->source_mask = r->source ? MGM_ADDR_HOST : 0;
		r->group = sg->group;
		r->group_mask = sg->group ? MGM_ADDR_HOST : 0;
	}
	if (type == MGM_ENUM_ANY_SOURCE && n > 1) {
		uint32_t k = 1;

		qsort(e->v, n, sizeof(*e->v), mgm_sge_cmp);
		for (uint32_t i = 1; i < n; i++)
			if (e->v[i].group != e->v[k - 1].group)
				e->v[k++] = e->v[i];
		n = k;
	}
	e->n = n;
	e->pos = 0;
	return MGM_OK;
}

enum mgm_status
mgm_group_enum_start(struct mgm *m, mgm_handle_t h, enum mgm_enum_type type,
		     mgm_handle_t *enum_out)
{
	struct mgm_enum *e;
	struct mgm_cbq q;
	enum mgm_status st = MGM_OK;
	int32_t slot;
	uint32_t i;

	if (m == NULL || enum_out == NULL ||
	    (type != MGM_ENUM_ANY_SOURCE && type != MGM_ENUM_ALL_SOURCES))
		return MGM_ERR_INVALID_PARAMETER;
	mgm_enter(m, &q);
	slot = mgm_handle_slot(m, h, MGM_HKIND_PROTOCOL);
	if (slot < 0) {
		st = MGM_ERR_INVALID_PARAMETER;
		goto out;
	}
	for (i = 0; i < m->n_enum_slots; i++)
		if (!m->enums[i].in_use)
			break;
	if (i == m->n_enum_slots) {
		uint32_t n = m->n_enum_slots ? m->n_enum_slots * 2 : 4;
		struct mgm_enum *v;

		if (m->n_enum_slots >= MGM_MAX_ENUMS) {
			st = MGM_ERR_NO_MEMORY;
			goto out;
		}
		v = realloc(m->enums, n * sizeof(*v));
		if (v == NULL) {
			st = MGM_ERR_NO_MEMORY;
			goto out;
		}
		for (uint32_t j = m->n_enum_slots; j < n; j++)
			v[j] = (struct mgm_enum){.gen = 1};
		m->enums = v;
		m->n_enum_slots = n;
	}
	e = &m->enums[i];
	st = mgm_enum_snapshot(m, type, e);
	if (st != MGM_OK)
		goto out;
	e->in_use = true;
	e->client = slot;
	*enum_out = mgm_handle_make(m, MGM_HKIND_ENUM, i, e->gen);
out:
	mgm_leave(m, &q);
	return st;
}

enum mgm_status
mgm_group_enum_next(struct mgm *m, mgm_handle_t eh, uint32_t *size, void *buf,
		    uint32_t *count)
{
	struct mgm_enum *e;
	struct mgm_cbq q;
	enum mgm_status st;
	uint32_t k;
	int32_t slot;

	if (m == NULL || size == NULL || count == NULL)
		return MGM_ERR_INVALID_PARAMETER;
	mgm_enter(m, &q);
	slot = mgm_handle_slot(m, eh, MGM_HKIND_ENUM);
	if (slot < 0 || (buf == NULL && *size != 0)) {
		st = MGM_ERR_INVALID_PARAMETER;
		goto out;
	}
	e = &m->enums[slot];
	*count = 0;
	if (*size < sizeof(struct mgm_source_group)) {
		*size = sizeof(struct mgm_source_group);
		st = MGM_ERR_INSUFFICIENT_BUFFER;
		goto out;
	}
	k = *size / (uint32_t)sizeof(struct mgm_source_group);
	if (k > e->n - e->pos)
		k = e->n - e->pos;
	memcpy(buf, &e->v[e->pos], k * sizeof(struct mgm_source_group));
	e->pos += k;
	*count = k;
	st = e->pos < e->n ? MGM_ERR_MORE_DATA : MGM_ERR_NO_MORE_ITEMS;
out:
	mgm_leave(m, &q);
	return st;
}

static void
mgm_enum_free(struct mgm_enum *e)
{
	free(e->v);
	e->v = NULL;
	e->in_use = false;
	e->gen++;
}

enum mgm_status
mgm_group_enum_end(struct mgm *m, mgm_handle_t eh)
{
	struct mgm_cbq q;
	enum mgm_status st = MGM_OK;
	int32_t slot;

	if (m == NULL)
		return MGM_ERR_INVALID_PARAMETER;
	mgm_enter(m, &q);
	slot = mgm_handle_slot(m, eh, MGM_HKIND_ENUM);
	if (slot < 0)
		st = MGM_ERR_INVALID_PARAMETER;
	else
		mgm_enum_free(&m->enums[slot]);
	mgm_leave(m, &q);
	return st;
}

void
mgm_enum_close_client(struct mgm *m, int32_t client)
{
	for (uint32_t i = 0; i < m->n_enum_slots; i++)
		if (m->enums[i].in_use && m->enums[i].client == client)
			mgm_enum_free(&m->enums[i]);
}
