/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Protocols and interface ownership: who may add memberships where.
 *
 * An interface key (ifindex, next hop) has at most one routing-protocol
 * owner plus at most one IGMP owner.  When a routing protocol arrives on or
 * leaves a key IGMP runs on, IGMP is told DISABLE_IGMP before and
 * ENABLE_IGMP after the change; its memberships on the key are dropped in
 * between so that, as documented, IGMP re-adding them produces LOCAL_JOINs
 * to whoever owns the key now.
 */
#include <stdlib.h>

#include "mgm_private.h"

static uint32_t
mgm_iface_hash(uint32_t ifindex, uint32_t nexthop)
{
	uint32_t w[2] = {ifindex, nexthop};

	return hmap_hash_words(w, 2, 0x1f);
}

struct mgm_iface *
mgm_iface_find(const struct mgm *m, uint32_t ifindex, uint32_t nexthop)
{
	uint32_t hash = mgm_iface_hash(ifindex, nexthop);
	struct hmap_node *hn;

	for (hn = hmap_first_with_hash(&m->ifaces, hash); hn != NULL;
	     hn = hmap_next_with_hash(hn)) {
		struct mgm_iface *ifc = HMAP_ENTRY(hn, struct mgm_iface, node);

		if (ifc->ifindex == ifindex && ifc->nexthop == nexthop)
			return ifc;
	}
	return NULL;
}

int32_t
mgm_iface_effective_owner(const struct mgm_iface *ifc)
{
	if (ifc == NULL)
		return MGM_NO_CLIENT;
	return ifc->owner != MGM_NO_CLIENT ? ifc->owner : ifc->igmp;
}

int32_t
mgm_key_owner(const struct mgm *m, uint32_t ifindex, uint32_t nexthop)
{
	return mgm_iface_effective_owner(mgm_iface_find(m, ifindex, nexthop));
}

static struct mgm_iface *
mgm_iface_get(struct mgm *m, uint32_t ifindex, uint32_t nexthop)
{
	struct mgm_iface *ifc = mgm_iface_find(m, ifindex, nexthop);

	if (ifc != NULL)
		return ifc;
	ifc = calloc(1, sizeof(*ifc));
	if (ifc == NULL)
		return NULL;
	ifc->ifindex = ifindex;
	ifc->nexthop = nexthop;
	ifc->owner = MGM_NO_CLIENT;
	ifc->igmp = MGM_NO_CLIENT;
	hmap_insert(&m->ifaces, &ifc->node, mgm_iface_hash(ifindex, nexthop));
	return ifc;
}

static void
mgm_iface_put(struct mgm *m, struct mgm_iface *ifc)
{
	if (ifc->owner != MGM_NO_CLIENT || ifc->igmp != MGM_NO_CLIENT ||
	    ifc->members != NULL)
		return;
	hmap_remove(&m->ifaces, &ifc->node);
	free(ifc);
}

/* ---- registration ----------------------------------------------------- */

enum mgm_status
mgm_register_protocol(struct mgm *m, const struct mgm_protocol_ops *ops,
		      void *ctx, uint32_t protocol_id, uint32_t component_id,
		      mgm_handle_t *out)
{
	struct mgm_client *c;
	struct mgm_cbq q;
	enum mgm_status st = MGM_OK;
	uint32_t slot;

	if (m == NULL || ops == NULL || out == NULL)
		return MGM_ERR_INVALID_PARAMETER;
	mgm_enter(m, &q);
	for (slot = 0; slot < m->n_client_slots; slot++) {
		c = &m->clients[slot];
		if (c->in_use && c->protocol_id == protocol_id &&
		    c->component_id == component_id) {
			st = MGM_ERR_ALREADY_EXISTS;
			goto out;
		}
	}
	for (slot = 0; slot < m->n_client_slots; slot++)
		if (!m->clients[slot].in_use)
			break;
	if (slot == m->n_client_slots) {
		uint32_t n = m->n_client_slots ? m->n_client_slots * 2 : 8;
		struct mgm_client *v;

		if (m->n_client_slots >= MGM_MAX_CLIENTS) {
			st = MGM_ERR_NO_MEMORY;
			goto out;
		}
		v = realloc(m->clients, n * sizeof(*v));
		if (v == NULL) {
			st = MGM_ERR_NO_MEMORY;
			goto out;
		}
		for (uint32_t i = m->n_client_slots; i < n; i++)
			v[i] = (struct mgm_client){.gen = 1};
		m->clients = v;
		m->n_client_slots = n;
	}
	c = &m->clients[slot];
	c->in_use = true;
	c->is_igmp = protocol_id == MGM_PROTO_IP_IGMP;
	c->protocol_id = protocol_id;
	c->component_id = component_id;
	c->owned_keys = 0;
	c->ops = *ops;
	c->ctx = ctx;
	m->n_clients++;
	*out = mgm_client_handle(m, (int32_t)slot);
	mgm_logf(m, MGM_LOG_INFO, "protocol %u/%u registered", protocol_id,
		 component_id);
out:
	mgm_leave(m, &q);
	return st;
}

enum mgm_status
mgm_deregister_protocol(struct mgm *m, mgm_handle_t h)
{
	struct mgm_client *c;
	struct mgm_cbq q;
	enum mgm_status st = MGM_OK;
	int32_t slot;

	if (m == NULL)
		return MGM_ERR_INVALID_PARAMETER;
	mgm_enter(m, &q);
	slot = mgm_handle_slot(m, h, MGM_HKIND_PROTOCOL);
	if (slot < 0) {
		st = MGM_ERR_INVALID_PARAMETER;
		goto out;
	}
	c = &m->clients[slot];
	if (c->owned_keys > 0) {
		st = MGM_ERR_CAN_NOT_COMPLETE;
		goto out;
	}
	mgm_enum_close_client(m, slot);
	mgm_logf(m, MGM_LOG_INFO, "protocol %u/%u deregistered",
		 c->protocol_id, c->component_id);
	c->in_use = false;
	c->gen++;
	c->ctx = NULL;
	m->n_clients--;
out:
	mgm_leave(m, &q);
	return st;
}

/* ---- ownership -------------------------------------------------------- */

static void
mgm_tell_igmp(struct mgm *m, int32_t igmp, enum mgm_cb_kind kind,
	    uint32_t ifindex, uint32_t nexthop)
{
	struct mgm_cb args = {.ifindex = ifindex, .nexthop = nexthop};

	mgm_cb_to(m, igmp, kind, &args);
}

/* Let IGMP's DISABLE_IGMP run unlocked, then re-take the lock.  Returns
 * the interface again (it may have changed meanwhile). */
static struct mgm_iface *
mgm_disable_igmp(struct mgm *m, struct mgm_cbq *q, int32_t igmp,
		 uint32_t ifindex, uint32_t nexthop)
{
	mgm_tell_igmp(m, igmp, MGM_CB_DISABLE_IGMP, ifindex, nexthop);
	mgm_leave(m, q);
	mgm_enter(m, q);
	return mgm_iface_find(m, ifindex, nexthop);
}

enum mgm_status
mgm_take_interface_ownership(struct mgm *m, mgm_handle_t h, uint32_t ifindex,
			     uint32_t nexthop)
{
	struct mgm_iface *ifc;
	struct mgm_cbq q;
	enum mgm_status st = MGM_OK;
	int32_t slot, igmp;

	if (m == NULL)
		return MGM_ERR_INVALID_PARAMETER;
	mgm_enter(m, &q);
	slot = mgm_handle_slot(m, h, MGM_HKIND_PROTOCOL);
	if (slot < 0) {
		st = MGM_ERR_INVALID_PARAMETER;
		goto out;
	}
	ifc = mgm_iface_find(m, ifindex, nexthop);
	if (m->clients[slot].is_igmp) {
		if (ifc != NULL && ifc->igmp != MGM_NO_CLIENT) {
			st = MGM_ERR_ALREADY_EXISTS;
			goto out;
		}
		ifc = mgm_iface_get(m, ifindex, nexthop);
		if (ifc == NULL) {
			st = MGM_ERR_NO_MEMORY;
			goto out;
		}
		ifc->igmp = slot;
		m->clients[slot].owned_keys++;
		goto out;
	}
	if (ifc != NULL && ifc->owner != MGM_NO_CLIENT) {
		st = MGM_ERR_ALREADY_EXISTS;
		goto out;
	}
	igmp = ifc != NULL ? ifc->igmp : MGM_NO_CLIENT;
	if (igmp != MGM_NO_CLIENT) {
		ifc = mgm_disable_igmp(m, &q, igmp, ifindex, nexthop);
		/* Someone may have raced us while IGMP was being told. */
		if (mgm_handle_slot(m, h, MGM_HKIND_PROTOCOL) != slot) {
			st = MGM_ERR_INVALID_PARAMETER;
		} else if (ifc != NULL && ifc->owner != MGM_NO_CLIENT) {
			st = MGM_ERR_ALREADY_EXISTS;
		} else if (ifc != NULL && ifc->igmp == igmp) {
			mgm_member_drop_key(m, igmp, ifindex, nexthop, false);
		}
		if (st == MGM_OK && ifc == NULL)
			ifc = mgm_iface_get(m, ifindex, nexthop);
		if (st == MGM_OK && ifc == NULL)
			st = MGM_ERR_NO_MEMORY;
		if (st == MGM_OK) {
			ifc->owner = slot;
			m->clients[slot].owned_keys++;
		}
		mgm_tell_igmp(m, igmp, MGM_CB_ENABLE_IGMP, ifindex, nexthop);
		goto out;
	}
	ifc = mgm_iface_get(m, ifindex, nexthop);
	if (ifc == NULL) {
		st = MGM_ERR_NO_MEMORY;
		goto out;
	}
	ifc->owner = slot;
	m->clients[slot].owned_keys++;
out:
	mgm_leave(m, &q);
	return st;
}

enum mgm_status
mgm_release_interface_ownership(struct mgm *m, mgm_handle_t h,
				uint32_t ifindex, uint32_t nexthop)
{
	struct mgm_iface *ifc;
	struct mgm_cbq q;
	enum mgm_status st = MGM_OK;
	int32_t slot, igmp;

	if (m == NULL)
		return MGM_ERR_INVALID_PARAMETER;
	mgm_enter(m, &q);
	slot = mgm_handle_slot(m, h, MGM_HKIND_PROTOCOL);
	ifc = mgm_iface_find(m, ifindex, nexthop);
	if (slot < 0 || ifc == NULL ||
	    (ifc->owner != slot && ifc->igmp != slot)) {
		st = MGM_ERR_INVALID_PARAMETER;
		goto out;
	}
	if (ifc->igmp == slot) {
		/* IGMP leaves: its receivers go (LOCAL_LEAVE to the routing
		 * co-owner); the key stays while a routing protocol owns it. */
		mgm_member_drop_key(m, slot, ifindex, nexthop, true);
		ifc->igmp = MGM_NO_CLIENT;
		m->clients[slot].owned_keys--;
		if (ifc->owner == MGM_NO_CLIENT) {
			mgm_mfe_key_released(m, ifindex, nexthop);
			mgm_iface_put(m, ifc);
		}
		goto out;
	}
	igmp = ifc->igmp;
	if (igmp != MGM_NO_CLIENT) {
		ifc = mgm_disable_igmp(m, &q, igmp, ifindex, nexthop);
		if (mgm_handle_slot(m, h, MGM_HKIND_PROTOCOL) != slot ||
		    ifc == NULL || ifc->owner != slot) {
			st = MGM_ERR_INVALID_PARAMETER;
			mgm_tell_igmp(m, igmp, MGM_CB_ENABLE_IGMP, ifindex,
				    nexthop);
			goto out;
		}
	}
	mgm_member_drop_key(m, slot, ifindex, nexthop, false);
	if (ifc->igmp != MGM_NO_CLIENT)
		mgm_member_drop_key(m, ifc->igmp, ifindex, nexthop, false);
	mgm_mfe_key_released(m, ifindex, nexthop);
	ifc->owner = MGM_NO_CLIENT;
	m->clients[slot].owned_keys--;
	if (igmp != MGM_NO_CLIENT)
		mgm_tell_igmp(m, igmp, MGM_CB_ENABLE_IGMP, ifindex, nexthop);
	mgm_iface_put(m, ifc);
out:
	mgm_leave(m, &q);
	return st;
}

enum mgm_status
mgm_get_protocol_on_interface(struct mgm *m, uint32_t ifindex,
			      uint32_t nexthop, uint32_t *protocol_id,
			      uint32_t *component_id)
{
	struct mgm_cbq q;
	enum mgm_status st = MGM_OK;
	int32_t owner;

	if (m == NULL || protocol_id == NULL || component_id == NULL)
		return MGM_ERR_INVALID_PARAMETER;
	mgm_enter(m, &q);
	owner = mgm_key_owner(m, ifindex, nexthop);
	if (owner == MGM_NO_CLIENT) {
		st = MGM_ERR_NOT_FOUND;
	} else {
		*protocol_id = m->clients[owner].protocol_id;
		*component_id = m->clients[owner].component_id;
	}
	mgm_leave(m, &q);
	return st;
}
