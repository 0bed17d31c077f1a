/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MGM conformance: one test per item 1-84 of the checklist in
 * shared/spec/mgm-rtm-reference.md §8, on isolated instances (own rtm,
 * test clock, fake forwarder, callback recorder), plus a few tests that
 * drive the Windows API (mgm_compat.h) on the default instance with no
 * set-up call.  "[i]" in a comment marks a behaviour that is our own
 * decision ([interp] in the spec), not documented Windows behaviour.
 */

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mgm_compat.h"
#include "mgm_test_util.h"

#define ID_RIP  8u
#define ID_MSDP 9u
#define ID_IGMP MGM_PROTO_IP_IGMP
#define ID_BGMP 11u
#define ID_OSPF 13u

/* S1 is reached through if1 (route NET1/16, next hop NH1); S2 through
 * if2; S9 has no route unless a test adds NET9 through if7. */
#define S1     TU_IP(10, 1, 1, 1)
#define NET1   TU_IP(10, 1, 0, 0)
#define NH1    TU_IP(10, 0, 1, 254)
#define S2     TU_IP(10, 2, 2, 2)
#define NET2   TU_IP(10, 2, 0, 0)
#define NH2    TU_IP(10, 0, 2, 254)
#define S9     TU_IP(172, 16, 9, 9) /* no route unless a test adds NET9 */
#define NET9   TU_IP(172, 16, 0, 0)
#define NH9    TU_IP(10, 0, 7, 254)
#define MASK16 TU_IP(255, 255, 0, 0)
#define G1     TU_IP(239, 1, 1, 1)
#define G2     TU_IP(239, 1, 1, 2)
#define G3     TU_IP(239, 1, 1, 3)
#define NHX    TU_IP(10, 0, 0, 2) /* a peer on a point-to-multipoint if */

#define GARBAGE ((mgm_handle_t)0xdeadbeef)

/* A deadlock must fail the test, not hang the suite. */
#define DEADLOCK_GUARD_S 10

struct world {
	struct tu_env *e;
	struct tu_proto *a, *b, *c;
};

/* A (OSPF) owns if1, the RPF interface toward S1; B (MSDP) owns if2;
 * C (BGMP) owns if3.  S2 is routed through if2. */
static struct world
world_abc(void **state)
{
	struct world w;

	w.e = *state;
	w.a = tu_proto_register(w.e, ID_OSPF, 1);
	w.b = tu_proto_register(w.e, ID_MSDP, 1);
	w.c = tu_proto_register(w.e, ID_BGMP, 1);
	tu_take(w.e, w.a, 1, 0);
	tu_take(w.e, w.b, 2, 0);
	tu_take(w.e, w.c, 3, 0);
	tu_route_add(w.e, NET1, MASK16, 1, NH1);
	tu_route_add(w.e, NET2, MASK16, 2, NH2);
	return w;
}

/* A handle that was valid once and has been deregistered. */
static mgm_handle_t
stale_handle(struct tu_env *e)
{
	static const struct mgm_protocol_ops none;
	mgm_handle_t h = 0;

	assert_int_equal(mgm_register_protocol(e->mgm, &none, NULL, ID_RIP, 99, &h),
			 MGM_OK);
	assert_int_equal(mgm_deregister_protocol(e->mgm, h), MGM_OK);
	return h;
}

static void
assert_owner(struct tu_env *e, uint32_t ifindex, uint32_t nexthop,
	     const struct tu_proto *p)
{
	uint32_t id = 0, comp = 0;

	assert_int_equal(mgm_get_protocol_on_interface(e->mgm, ifindex, nexthop,
						       &id, &comp),
			 MGM_OK);
	assert_int_equal(id, p->protocol_id);
	assert_int_equal(comp, p->component_id);
}

static void
assert_unowned(struct tu_env *e, uint32_t ifindex, uint32_t nexthop)
{
	uint32_t id = 0, comp = 0;

	assert_int_equal(mgm_get_protocol_on_interface(e->mgm, ifindex, nexthop,
						       &id, &comp),
			 MGM_ERR_NOT_FOUND);
}

static enum mgm_status
add_m(struct tu_env *e, mgm_handle_t h, uint32_t s, uint32_t sm, uint32_t g,
      uint32_t gm, uint32_t ifindex, uint32_t nh, uint32_t flags)
{
	return mgm_add_group_membership(e->mgm, h, s, sm, g, gm, ifindex, nh,
					flags);
}

static enum mgm_status
del_m(struct tu_env *e, mgm_handle_t h, uint32_t s, uint32_t sm, uint32_t g,
      uint32_t gm, uint32_t ifindex, uint32_t nh, uint32_t flags)
{
	return mgm_delete_group_membership(e->mgm, h, s, sm, g, gm, ifindex, nh,
					   flags);
}

static unsigned
enum_count(struct tu_env *e, struct tu_proto *p, enum mgm_enum_type type)
{
	struct mgm_source_group v[64];

	return tu_enum_all(e, p, type, v, 64);
}

/* Every handle-taking call with @p h must be refused. */
static void
assert_handle_dead(struct tu_env *e, mgm_handle_t h)
{
	struct mgm_mfe key = {.source = S1, .source_mask = TU_HOST, .group = G1};
	mgm_handle_t eh = 0;

	assert_int_equal(mgm_take_interface_ownership(e->mgm, h, 8, 0),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_release_interface_ownership(e->mgm, h, 8, 0),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(add_m(e, h, 0, 0, G1, TU_HOST, 8, 0, MGM_JOIN_STATE_FLAG),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(del_m(e, h, 0, 0, G1, TU_HOST, 8, 0, MGM_JOIN_STATE_FLAG),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_set_mfe(e->mgm, h, &key), MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_group_enum_start(e->mgm, h, MGM_ENUM_ALL_SOURCES, &eh),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_deregister_protocol(e->mgm, h),
			 MGM_ERR_INVALID_PARAMETER);
}

/* ------------------------------------------------------------------ */
/* Registration 1-8 */

static void
test_01_register_returns_no_error_and_a_handle(void **state)
{
	struct tu_env *e = *state;
	struct mgm_counters c;
	struct tu_proto *p = tu_proto_register(e, ID_OSPF, 1);

	assert_true(p->h != 0);
	assert_ptr_equal(mgm_protocol_ctx(e->mgm, p->h), p);
	mgm_get_counters(e->mgm, &c);
	assert_int_equal(c.protocols, 1);
}

static void
test_02_same_pair_twice_is_already_exists_first_handle_still_works(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *p = tu_proto_register(e, ID_OSPF, 1);
	mgm_handle_t h2 = 0;

	assert_int_equal(mgm_register_protocol(e->mgm, &tu_recorder_ops, p,
					       ID_OSPF, 1, &h2),
			 MGM_ERR_ALREADY_EXISTS);
	tu_take(e, p, 1, 0);
	assert_owner(e, 1, 0, p);
}

static void
test_03_same_protocol_other_component_both_succeed(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *p1 = tu_proto_register(e, ID_OSPF, 1);
	struct tu_proto *p2 = tu_proto_register(e, ID_OSPF, 2);

	assert_true(p1->h != p2->h);
	tu_take(e, p1, 1, 0);
	tu_take(e, p2, 2, 0);
	assert_owner(e, 1, 0, p1);
	assert_owner(e, 2, 0, p2);
}

static void
test_04_null_config_or_null_out_handle_is_invalid_parameter(void **state)
{
	struct tu_env *e = *state;
	ROUTING_PROTOCOL_CONFIG cfg = {0};
	HANDLE wh = NULL;
	mgm_handle_t h = 0;

	assert_int_equal(mgm_register_protocol(e->mgm, NULL, NULL, ID_OSPF, 1, &h),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_register_protocol(e->mgm, &tu_recorder_ops, NULL,
					       ID_OSPF, 1, NULL),
			 MGM_ERR_INVALID_PARAMETER);
	/* Windows names [i] */
	assert_int_equal(MgmRegisterMProtocol(NULL, ID_OSPF, 1, &wh),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(MgmRegisterMProtocol(&cfg, ID_OSPF, 1, NULL),
			 ERROR_INVALID_PARAMETER);
	/* The failed calls registered nothing: the pair is still free. */
	tu_proto_register(e, ID_OSPF, 1);
}

static void
test_05_deregister_without_keys_then_handle_is_dead(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *p = tu_proto_register(e, ID_OSPF, 1);
	struct mgm_counters c;

	assert_int_equal(mgm_deregister_protocol(e->mgm, p->h), MGM_OK);
	assert_null(mgm_protocol_ctx(e->mgm, p->h));
	assert_handle_dead(e, p->h);
	mgm_get_counters(e->mgm, &c);
	assert_int_equal(c.protocols, 0);
}

static void
test_06_deregister_while_owning_is_can_not_complete_nothing_changes(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *p = tu_proto_register(e, ID_OSPF, 1);

	tu_take(e, p, 1, 0);
	tu_join(e, p, 0, G1, 1);
	assert_int_equal(mgm_deregister_protocol(e->mgm, p->h),
			 MGM_ERR_CAN_NOT_COMPLETE);
	assert_owner(e, 1, 0, p);
	assert_ptr_equal(mgm_protocol_ctx(e->mgm, p->h), p);
	assert_int_equal(enum_count(e, p, MGM_ENUM_ALL_SOURCES), 1);
	tu_join(e, p, 0, G2, 1);
	assert_int_equal(mgm_release_interface_ownership(e->mgm, p->h, 1, 0),
			 MGM_OK);
	assert_int_equal(mgm_deregister_protocol(e->mgm, p->h), MGM_OK);
}

static void
test_07_deregister_garbage_or_stale_handle_is_invalid_parameter(void **state)
{
	struct tu_env *e = *state;
	mgm_handle_t stale = stale_handle(e);

	assert_int_equal(mgm_deregister_protocol(e->mgm, 0),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_deregister_protocol(e->mgm, GARBAGE),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_deregister_protocol(e->mgm, ~(mgm_handle_t)0),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_deregister_protocol(e->mgm, stale),
			 MGM_ERR_INVALID_PARAMETER);
}

static void
test_08_after_deregister_the_same_pair_registers_again(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *p = tu_proto_register(e, ID_OSPF, 1);
	mgm_handle_t old = p->h;
	struct tu_proto *q;

	assert_int_equal(mgm_deregister_protocol(e->mgm, p->h), MGM_OK);
	q = tu_proto_register(e, ID_OSPF, 1);
	/* The old handle must not come back to life with the new slot. */
	assert_true(q->h != old);
	assert_int_equal(mgm_take_interface_ownership(e->mgm, old, 1, 0),
			 MGM_ERR_INVALID_PARAMETER);
	tu_take(e, q, 1, 0);
}

/* ------------------------------------------------------------------ */
/* Ownership 9-22 */

static void
test_09_take_with_invalid_handle_is_invalid_parameter(void **state)
{
	struct tu_env *e = *state;
	mgm_handle_t stale = stale_handle(e);

	assert_int_equal(mgm_take_interface_ownership(e->mgm, 0, 1, 0),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_take_interface_ownership(e->mgm, GARBAGE, 1, 0),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_take_interface_ownership(e->mgm, stale, 1, 0),
			 MGM_ERR_INVALID_PARAMETER);
	assert_unowned(e, 1, 0);
}

static void
test_10_take_unowned_key_then_get_protocol_returns_owner_pair(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *p = tu_proto_register(e, ID_OSPF, 7);

	assert_int_equal(mgm_take_interface_ownership(e->mgm, p->h, 4, NHX),
			 MGM_OK);
	assert_owner(e, 4, NHX, p);
}

static void
test_11_get_protocol_on_unowned_key_is_not_found(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *p = tu_proto_register(e, ID_OSPF, 1);

	assert_unowned(e, 1, 0);
	tu_take(e, p, 1, 0);
	assert_unowned(e, 1, NHX);
	assert_unowned(e, 2, 0);
}

static void
test_12_second_routing_protocol_take_is_refused_owner_unchanged(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *a = tu_proto_register(e, ID_OSPF, 1);
	struct tu_proto *b = tu_proto_register(e, ID_MSDP, 1);

	tu_take(e, a, 1, 0);
	assert_int_equal(mgm_take_interface_ownership(e->mgm, b->h, 1, 0),
			 MGM_ERR_ALREADY_EXISTS);
	assert_owner(e, 1, 0, a);
	/* b holds nothing there: its release is refused too */
	assert_int_equal(mgm_release_interface_ownership(e->mgm, b->h, 1, 0),
			 MGM_ERR_INVALID_PARAMETER);
}

static void
test_13_same_client_taking_same_key_twice_is_already_exists(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *a = tu_proto_register(e, ID_OSPF, 1);

	tu_take(e, a, 1, 0);
	assert_int_equal(mgm_take_interface_ownership(e->mgm, a->h, 1, 0),
			 MGM_ERR_ALREADY_EXISTS);
	/* [i] no reference counting: one release frees the key */
	assert_int_equal(mgm_release_interface_ownership(e->mgm, a->h, 1, 0),
			 MGM_OK);
	assert_unowned(e, 1, 0);
}

static void
test_14_nexthop_makes_independent_keys_owned_by_two_protocols(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *a = tu_proto_register(e, ID_OSPF, 1);
	struct tu_proto *b = tu_proto_register(e, ID_MSDP, 1);

	tu_take(e, a, 1, 0);
	tu_take(e, b, 1, NHX);
	assert_owner(e, 1, 0, a);
	assert_owner(e, 1, NHX, b);
	assert_int_equal(mgm_release_interface_ownership(e->mgm, a->h, 1, 0),
			 MGM_OK);
	assert_unowned(e, 1, 0);
	assert_owner(e, 1, NHX, b);
}

static void
test_15_igmp_takes_key_owned_by_routing_protocol(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *r = tu_proto_register(e, ID_OSPF, 1);
	struct tu_proto *i = tu_proto_register(e, ID_IGMP, 1);

	tu_take(e, r, 1, 0);
	assert_int_equal(mgm_take_interface_ownership(e->mgm, i->h, 1, 0),
			 MGM_OK);
	/* both really own it: each may add memberships there */
	tu_join(e, i, 0, G1, 1);
	tu_join(e, r, 0, G2, 1);
}

static void
test_16_routing_takes_igmp_key_igmp_gets_disable_then_enable(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *i = tu_proto_register(e, ID_IGMP, 1);
	struct tu_proto *r = tu_proto_register(e, ID_OSPF, 1);
	const struct tu_event *d, *en;

	tu_take(e, i, 2, NHX);
	tu_log_clear(e);
	assert_int_equal(mgm_take_interface_ownership(e->mgm, r->h, 2, NHX),
			 MGM_OK);
	assert_int_equal(e->n_log, 2);
	d = &e->log[0];
	en = &e->log[1];
	assert_int_equal(d->kind, TU_CB_DISABLE_IGMP);
	assert_ptr_equal(d->to, i);
	assert_int_equal(d->ifindex, 2);
	assert_int_equal(d->nexthop, NHX);
	assert_int_equal(en->kind, TU_CB_ENABLE_IGMP);
	assert_ptr_equal(en->to, i);
	assert_int_equal(en->ifindex, 2);
	assert_int_equal(en->nexthop, NHX);
}

static void
test_17_igmp_and_routing_owner_reported_is_routing_protocol(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *i = tu_proto_register(e, ID_IGMP, 1);
	struct tu_proto *r = tu_proto_register(e, ID_OSPF, 1);

	tu_take(e, i, 1, 0); /* IGMP first */
	tu_take(e, r, 1, 0);
	tu_take(e, r, 2, 0); /* routing protocol first */
	tu_take(e, i, 2, 0);
	assert_owner(e, 1, 0, r);
	assert_owner(e, 2, 0, r);
}

static void
test_18_release_by_non_owner_or_unknown_key_is_invalid_parameter(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *a = tu_proto_register(e, ID_OSPF, 1);
	struct tu_proto *b = tu_proto_register(e, ID_MSDP, 1);

	tu_take(e, a, 1, 0);
	assert_int_equal(mgm_release_interface_ownership(e->mgm, b->h, 1, 0),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_release_interface_ownership(e->mgm, a->h, 7, 0),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_release_interface_ownership(e->mgm, a->h, 1, NHX),
			 MGM_ERR_INVALID_PARAMETER);
	assert_owner(e, 1, 0, a);
}

static void
test_19_release_by_owner_frees_key_or_leaves_igmp(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *a = tu_proto_register(e, ID_OSPF, 1);
	struct tu_proto *i = tu_proto_register(e, ID_IGMP, 1);

	tu_take(e, a, 1, 0);
	assert_int_equal(mgm_release_interface_ownership(e->mgm, a->h, 1, 0),
			 MGM_OK);
	assert_unowned(e, 1, 0);

	tu_take(e, a, 2, 0);
	tu_take(e, i, 2, 0);
	assert_int_equal(mgm_release_interface_ownership(e->mgm, a->h, 2, 0),
			 MGM_OK);
	assert_owner(e, 2, 0, i);
	assert_int_equal(mgm_release_interface_ownership(e->mgm, i->h, 2, 0),
			 MGM_OK);
	assert_unowned(e, 2, 0);
}

static void
test_20_routing_release_with_igmp_coowner_gives_disable_then_enable(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *i = tu_proto_register(e, ID_IGMP, 1);
	struct tu_proto *r = tu_proto_register(e, ID_OSPF, 1);

	tu_take(e, r, 3, 0);
	tu_take(e, i, 3, 0);
	tu_log_clear(e);
	assert_int_equal(mgm_release_interface_ownership(e->mgm, r->h, 3, 0),
			 MGM_OK);
	assert_int_equal(e->n_log, 2);
	assert_int_equal(e->log[0].kind, TU_CB_DISABLE_IGMP);
	assert_ptr_equal(e->log[0].to, i);
	assert_int_equal(e->log[0].ifindex, 3);
	assert_int_equal(e->log[0].nexthop, 0);
	assert_int_equal(e->log[1].kind, TU_CB_ENABLE_IGMP);
	assert_ptr_equal(e->log[1].to, i);
	assert_int_equal(e->log[1].ifindex, 3);
	assert_owner(e, 3, 0, i);
}

static void
test_21_after_release_no_mfe_has_the_key_as_iif_or_oif(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;
	static uint8_t buf[8192];
	uint32_t size = sizeof(buf), count = 0, off = 0;

	tu_join(e, w.a, 0, G1, 1);
	tu_join(e, w.b, 0, G1, 2);
	tu_join(e, w.c, 0, G1, 3);
	tu_miss(e, S1, G1, 1); /* iif 1, OIFs 2 3 */
	tu_miss(e, S2, G1, 2); /* iif 2, OIFs 1 3 */
	tu_must_get_mfe(e, S1, G1, &m);
	tu_assert_oifs(&m.mfe, 2, 2u, 3u);
	tu_must_get_mfe(e, S2, G1, &m);
	assert_int_equal(m.mfe.in_ifindex, 2);

	assert_int_equal(mgm_release_interface_ownership(e->mgm, w.b->h, 2, 0),
			 MGM_OK);
	assert_int_equal(mgm_get_first_mfe(e->mgm, &size, buf, &count),
			 MGM_ERR_NO_MORE_ITEMS);
	for (uint32_t i = 0; i < count; i++) {
		const struct mgm_mfe *r = (const void *)(buf + off);

		assert_int_not_equal(r->in_ifindex, 2);
		assert_false(tu_mfe_has_oif(r, 2, 0));
		off += (uint32_t)MGM_MFE_SIZE(r->num_oif);
	}
	assert_int_equal(tu_get_mfe(e, S2, G1, &m), MGM_ERR_NOT_FOUND);
	tu_must_get_mfe(e, S1, G1, &m);
	tu_assert_oifs(&m.mfe, 1, 3u);
	tu_assert_fwd_mirrors_mgm(e);
}

static void
test_22_after_release_releasers_memberships_leave_enumeration(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	struct mgm_source_group v[16];
	unsigned n;

	tu_join(e, w.b, 0, G1, 2);
	tu_join(e, w.b, S1, G2, 2);
	tu_join(e, w.a, 0, G3, 1);
	assert_int_equal(mgm_release_interface_ownership(e->mgm, w.b->h, 2, 0),
			 MGM_OK);
	n = tu_enum_all(e, w.a, MGM_ENUM_ALL_SOURCES, v, 16);
	assert_int_equal(n, 1);
	assert_int_equal(tu_sg_count(v, n, 0, 0, G3, TU_HOST), 1);
}

/* ------------------------------------------------------------------ */
/* Membership 23-35 */

static void
test_23_add_with_invalid_handle_is_invalid_parameter(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *a = tu_proto_register(e, ID_OSPF, 1);
	mgm_handle_t stale = stale_handle(e);

	tu_take(e, a, 1, 0);
	assert_int_equal(add_m(e, 0, 0, 0, G1, TU_HOST, 1, 0, MGM_JOIN_STATE_FLAG),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(add_m(e, GARBAGE, 0, 0, G1, TU_HOST, 1, 0,
			       MGM_JOIN_STATE_FLAG),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(add_m(e, stale, 0, 0, G1, TU_HOST, 1, 0,
			       MGM_JOIN_STATE_FLAG),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(enum_count(e, a, MGM_ENUM_ALL_SOURCES), 0);
}

static void
test_24_add_on_key_not_owned_by_caller_is_invalid_parameter(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *a = tu_proto_register(e, ID_OSPF, 1);
	struct tu_proto *b = tu_proto_register(e, ID_MSDP, 1);

	tu_take(e, a, 1, 0);
	tu_take(e, b, 2, 0);
	/* [i] owned by another, unowned, other next hop of an owned index */
	assert_int_equal(add_m(e, a->h, 0, 0, G1, TU_HOST, 2, 0,
			       MGM_JOIN_STATE_FLAG),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(add_m(e, a->h, 0, 0, G1, TU_HOST, 9, 0,
			       MGM_JOIN_STATE_FLAG),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(add_m(e, a->h, 0, 0, G1, TU_HOST, 1, NHX,
			       MGM_JOIN_STATE_FLAG),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(enum_count(e, a, MGM_ENUM_ALL_SOURCES), 0);
}

static void
test_25_add_with_zero_or_unknown_flags_is_invalid_parameter(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *a = tu_proto_register(e, ID_OSPF, 1);
	static const uint32_t bad[] = {0, 0x4, 0x80000000u,
				       MGM_JOIN_STATE_FLAG | 0x4};

	tu_take(e, a, 1, 0);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(add_m(e, a->h, 0, 0, G1, TU_HOST, 1, 0, bad[i]),
				 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(enum_count(e, a, MGM_ENUM_ALL_SOURCES), 0);
	/* [i] the two documented bits may be combined */
	assert_int_equal(add_m(e, a->h, S1, TU_HOST, G1, TU_HOST, 1, 0,
			       MGM_JOIN_STATE_FLAG | MGM_FORWARD_STATE_FLAG),
			 MGM_OK);
}

static void
test_26_add_with_range_or_inconsistent_masks_is_invalid_parameter(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *a = tu_proto_register(e, ID_OSPF, 1);
	const uint32_t m24 = TU_IP(255, 255, 255, 0);
	const struct {
		uint32_t s, sm, g, gm;
	} bad[] = {
		{0, 0, G1, m24},           /* group range */
		{S1, MASK16, G1, TU_HOST}, /* source range */
		{0, TU_HOST, G1, TU_HOST}, /* wildcard address, /32 mask */
		{S1, 0, G1, TU_HOST},      /* specific address, 0 mask */
		{0, 0, G1, 0},             /* specific group, 0 mask */
		{0, 0, 0, TU_HOST},        /* wildcard group, /32 mask */
	};

	tu_take(e, a, 1, 0);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(add_m(e, a->h, bad[i].s, bad[i].sm, bad[i].g,
				       bad[i].gm, 1, 0, MGM_JOIN_STATE_FLAG),
				 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(enum_count(e, a, MGM_ENUM_ALL_SOURCES), 0);
}

static void
test_27_star_g_add_appears_once_in_all_sources_enumeration(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *a = tu_proto_register(e, ID_OSPF, 1);
	struct mgm_source_group v[8];
	unsigned n;

	tu_take(e, a, 1, 0);
	tu_join(e, a, 0, G1, 1);
	n = tu_enum_all(e, a, MGM_ENUM_ALL_SOURCES, v, 8);
	assert_int_equal(n, 1);
	assert_int_equal(tu_sg_count(v, n, 0, 0, G1, TU_HOST), 1);
}

static void
test_28_duplicate_add_is_idempotent_without_alerts_one_delete_removes(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;

	tu_join(e, w.a, 0, G1, 1);
	assert_int_equal(tu_log_count(e, TU_CB_JOIN_ALERT, NULL), 2);
	tu_log_clear(e);
	tu_join(e, w.a, 0, G1, 1);
	assert_int_equal(e->n_log, 0);
	assert_int_equal(enum_count(e, w.a, MGM_ENUM_ALL_SOURCES), 1);
	tu_leave(e, w.a, 0, G1, 1);
	assert_int_equal(enum_count(e, w.a, MGM_ENUM_ALL_SOURCES), 0);
	assert_int_equal(del_m(e, w.a->h, 0, 0, G1, TU_HOST, 1, 0,
			       MGM_JOIN_STATE_FLAG),
			 MGM_ERR_NOT_FOUND);
}

static void
test_29_delete_existing_membership_removes_it(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *a = tu_proto_register(e, ID_OSPF, 1);
	struct mgm_source_group v[8];
	unsigned n;

	tu_take(e, a, 1, 0);
	tu_join(e, a, 0, G1, 1);
	tu_join(e, a, S1, G2, 1);
	assert_int_equal(del_m(e, a->h, 0, 0, G1, TU_HOST, 1, 0,
			       MGM_JOIN_STATE_FLAG),
			 MGM_OK);
	n = tu_enum_all(e, a, MGM_ENUM_ALL_SOURCES, v, 8);
	assert_int_equal(n, 1);
	assert_int_equal(tu_sg_count(v, n, S1, TU_HOST, G2, TU_HOST), 1);
}

static void
test_30_delete_non_existent_membership_is_not_found(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *a = tu_proto_register(e, ID_OSPF, 1);

	tu_take(e, a, 1, 0);
	assert_int_equal(del_m(e, a->h, 0, 0, G1, TU_HOST, 1, 0,
			       MGM_JOIN_STATE_FLAG),
			 MGM_ERR_NOT_FOUND);
	tu_join(e, a, S1, G1, 1);
	/* (*,G1) is a different membership from (S1,G1) */
	assert_int_equal(del_m(e, a->h, 0, 0, G1, TU_HOST, 1, 0,
			       MGM_JOIN_STATE_FLAG),
			 MGM_ERR_NOT_FOUND);
}

static void
test_31_delete_on_key_owned_by_another_protocol_is_invalid_parameter(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *a = tu_proto_register(e, ID_OSPF, 1);
	struct tu_proto *b = tu_proto_register(e, ID_MSDP, 1);
	struct mgm_source_group v[8];
	unsigned n;

	tu_take(e, a, 1, 0);
	tu_take(e, b, 2, 0);
	tu_join(e, b, 0, G1, 2);
	assert_int_equal(del_m(e, a->h, 0, 0, G1, TU_HOST, 2, 0,
			       MGM_JOIN_STATE_FLAG),
			 MGM_ERR_INVALID_PARAMETER);
	n = tu_enum_all(e, a, MGM_ENUM_ALL_SOURCES, v, 8);
	assert_int_equal(n, 1);
	assert_int_equal(tu_sg_count(v, n, 0, 0, G1, TU_HOST), 1);
}

static void
assert_local_event(const struct tu_event *ev, uint32_t s, uint32_t g,
		   uint32_t ifindex, uint32_t nexthop)
{
	assert_non_null(ev);
	assert_int_equal(ev->source, s);
	assert_int_equal(ev->source_mask, tu_mask(s));
	assert_int_equal(ev->group, g);
	assert_int_equal(ev->group_mask, tu_mask(g));
	assert_int_equal(ev->ifindex, ifindex);
	assert_int_equal(ev->nexthop, nexthop);
}

static void
test_32_igmp_add_on_coowned_key_gives_local_join_with_same_arguments(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *r = tu_proto_register(e, ID_OSPF, 1);
	struct tu_proto *i = tu_proto_register(e, ID_IGMP, 1);

	tu_take(e, r, 5, NHX);
	tu_take(e, i, 5, NHX);
	tu_log_clear(e);
	assert_int_equal(add_m(e, i->h, S1, TU_HOST, G1, TU_HOST, 5, NHX,
			       MGM_JOIN_STATE_FLAG),
			 MGM_OK);
	assert_int_equal(tu_log_count(e, TU_CB_LOCAL_JOIN, NULL), 1);
	assert_local_event(tu_log_find(e, TU_CB_LOCAL_JOIN, r, 0), S1, G1, 5,
			   NHX);
}

static void
test_33_igmp_delete_on_coowned_key_gives_local_leave_with_same_arguments(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *r = tu_proto_register(e, ID_OSPF, 1);
	struct tu_proto *i = tu_proto_register(e, ID_IGMP, 1);

	tu_take(e, r, 5, NHX);
	tu_take(e, i, 5, NHX);
	assert_int_equal(add_m(e, i->h, 0, 0, G1, TU_HOST, 5, NHX,
			       MGM_JOIN_STATE_FLAG),
			 MGM_OK);
	tu_log_clear(e);
	assert_int_equal(del_m(e, i->h, 0, 0, G1, TU_HOST, 5, NHX,
			       MGM_JOIN_STATE_FLAG),
			 MGM_OK);
	assert_int_equal(tu_log_count(e, TU_CB_LOCAL_LEAVE, NULL), 1);
	assert_local_event(tu_log_find(e, TU_CB_LOCAL_LEAVE, r, 0), 0, G1, 5,
			   NHX);
	assert_int_equal(tu_log_count(e, TU_CB_LOCAL_JOIN, NULL), 0);
}

static void
test_34_igmp_add_on_igmp_only_key_gives_no_local_join(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *r = tu_proto_register(e, ID_OSPF, 1);
	struct tu_proto *i = tu_proto_register(e, ID_IGMP, 1);

	tu_take(e, r, 5, 0);
	tu_take(e, i, 6, 0);
	tu_log_clear(e);
	tu_join(e, i, 0, G1, 6);
	tu_join(e, i, S1, G2, 6);
	assert_int_equal(tu_log_count(e, TU_CB_LOCAL_JOIN, NULL), 0);
	tu_leave(e, i, 0, G1, 6);
	assert_int_equal(tu_log_count(e, TU_CB_LOCAL_LEAVE, NULL), 0);
}

static void
test_35_routing_protocols_own_add_never_causes_local_join(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *r = tu_proto_register(e, ID_OSPF, 1);
	struct tu_proto *i = tu_proto_register(e, ID_IGMP, 1);

	tu_take(e, r, 5, 0);
	tu_take(e, i, 5, 0);
	tu_log_clear(e);
	tu_join(e, r, 0, G1, 5);
	tu_join(e, r, S1, G2, 5);
	tu_leave(e, r, 0, G1, 5);
	assert_int_equal(tu_log_count(e, TU_CB_LOCAL_JOIN, NULL), 0);
	assert_int_equal(tu_log_count(e, TU_CB_LOCAL_LEAVE, NULL), 0);
}

/* ------------------------------------------------------------------ */
/* Alerts 36-45 */

static void
assert_join_alert(const struct tu_event *ev, uint32_t s, uint32_t g,
		  int32_t member_update)
{
	assert_non_null(ev);
	assert_int_equal(ev->source, s);
	assert_int_equal(ev->source_mask, tu_mask(s));
	assert_int_equal(ev->group, g);
	assert_int_equal(ev->group_mask, tu_mask(g));
	assert_int_equal(ev->flag, member_update);
}

static void
test_36_first_star_g_add_alerts_every_other_client_not_the_adder(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;

	tu_log_clear(e);
	tu_join(e, w.a, 0, G1, 1);
	assert_int_equal(tu_log_count(e, TU_CB_JOIN_ALERT, NULL), 2);
	assert_int_equal(tu_log_count(e, TU_CB_JOIN_ALERT, w.a), 0);
	assert_join_alert(tu_log_find(e, TU_CB_JOIN_ALERT, w.b, 0), 0, G1, 1);
	assert_join_alert(tu_log_find(e, TU_CB_JOIN_ALERT, w.c, 0), 0, G1, 1);
}

static void
test_37_second_star_g_client_alerts_only_the_first(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;

	tu_join(e, w.a, 0, G1, 1);
	tu_log_clear(e);
	tu_join(e, w.b, 0, G1, 2);
	assert_int_equal(tu_log_count(e, TU_CB_JOIN_ALERT, NULL), 1);
	assert_join_alert(tu_log_find(e, TU_CB_JOIN_ALERT, w.a, 0), 0, G1, 1);
}

static void
test_38_third_star_g_client_alerts_nobody(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;

	tu_join(e, w.a, 0, G1, 1);
	tu_join(e, w.b, 0, G1, 2);
	tu_log_clear(e);
	tu_join(e, w.c, 0, G1, 3);
	assert_int_equal(tu_log_count(e, TU_CB_JOIN_ALERT, NULL), 0);
}

static void
test_39_same_client_adding_group_on_another_key_alerts_nobody(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;

	tu_take(e, w.a, 4, 0);
	tu_join(e, w.a, 0, G1, 1);
	tu_log_clear(e);
	tu_join(e, w.a, 0, G1, 4);
	assert_int_equal(tu_log_count(e, TU_CB_JOIN_ALERT, NULL), 0);
}

static void
test_40_sg_add_alerts_only_iif_owner_toward_source_none_without_route(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;

	tu_log_clear(e);
	tu_join(e, w.b, S1, G1, 2);
	assert_int_equal(tu_log_count(e, TU_CB_JOIN_ALERT, NULL), 1);
	assert_join_alert(tu_log_find(e, TU_CB_JOIN_ALERT, w.a, 0), S1, G1, 1);
	tu_log_clear(e);
	tu_join(e, w.c, S9, G1, 3); /* [i] no route to S9: nobody */
	assert_int_equal(tu_log_count(e, TU_CB_JOIN_ALERT, NULL), 0);
}

static void
assert_prune_alert(const struct tu_event *ev, uint32_t s, uint32_t g,
		   uint32_t ifindex, int32_t member_delete)
{
	assert_non_null(ev);
	assert_int_equal(ev->source, s);
	assert_int_equal(ev->source_mask, tu_mask(s));
	assert_int_equal(ev->group, g);
	assert_int_equal(ev->group_mask, tu_mask(g));
	assert_int_equal(ev->ifindex, ifindex);
	assert_int_equal(ev->nexthop, 0);
	assert_int_equal(ev->flag, member_delete);
}

static void
test_41_second_to_last_client_leaving_alerts_only_the_remaining(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;

	tu_take(e, w.b, 5, 0);
	tu_join(e, w.a, 0, G1, 1);
	tu_join(e, w.b, 0, G1, 2);
	tu_join(e, w.b, 0, G1, 5);
	tu_log_clear(e);
	tu_leave(e, w.b, 0, G1, 5); /* B still has G1 on if2 */
	assert_int_equal(tu_log_count(e, TU_CB_PRUNE_ALERT, NULL), 0);
	tu_leave(e, w.b, 0, G1, 2);
	assert_int_equal(tu_log_count(e, TU_CB_PRUNE_ALERT, NULL), 1);
	/* [i] interface arguments: the key whose membership went */
	assert_prune_alert(tu_log_find(e, TU_CB_PRUNE_ALERT, w.a, 0), 0, G1, 2, 1);
}

static void
test_42_last_client_leaving_alerts_all_others_not_itself(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;

	tu_join(e, w.a, 0, G1, 1);
	tu_join(e, w.b, 0, G1, 2);
	tu_leave(e, w.b, 0, G1, 2);
	tu_log_clear(e);
	tu_leave(e, w.a, 0, G1, 1);
	assert_int_equal(tu_log_count(e, TU_CB_PRUNE_ALERT, NULL), 2);
	assert_int_equal(tu_log_count(e, TU_CB_PRUNE_ALERT, w.a), 0);
	assert_prune_alert(tu_log_find(e, TU_CB_PRUNE_ALERT, w.b, 0), 0, G1, 1, 1);
	assert_prune_alert(tu_log_find(e, TU_CB_PRUNE_ALERT, w.c, 0), 0, G1, 1, 1);
}

static void
test_43_sg_delete_alerts_only_iif_owner_toward_source(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;

	tu_join(e, w.b, S1, G1, 2);
	tu_join(e, w.c, S1, G1, 3);
	tu_log_clear(e);
	/* Receivers are "gone" (§4; the docs' "no more receivers") only when
	 * the last (S1,G1) membership goes: C still receives after B leaves. */
	tu_leave(e, w.b, S1, G1, 2);
	assert_int_equal(tu_log_count(e, TU_CB_PRUNE_ALERT, NULL), 0);
	tu_leave(e, w.c, S1, G1, 3);
	assert_int_equal(tu_log_count(e, TU_CB_PRUNE_ALERT, NULL), 1);
	assert_prune_alert(tu_log_find(e, TU_CB_PRUNE_ALERT, w.a, 0), S1, G1, 3, 1);
}

static void
test_44_null_callback_pointers_are_skipped(void **state)
{
	struct tu_env *e = *state;
	static const struct mgm_protocol_ops none;
	struct tu_proto *r = tu_proto_register(e, ID_MSDP, 1);
	mgm_handle_t n = 0, i = 0;
	union tu_mfe_buf m;

	/* n: a routing protocol with no callbacks owns the RPF interface;
	 * i: an IGMP with no callbacks shares if2 with the recorder r. */
	assert_int_equal(mgm_register_protocol(e->mgm, &none, NULL, ID_OSPF, 1, &n),
			 MGM_OK);
	assert_int_equal(mgm_register_protocol(e->mgm, &none, NULL, ID_IGMP, 1, &i),
			 MGM_OK);
	tu_route_add(e, NET1, MASK16, 1, NH1);
	assert_int_equal(mgm_take_interface_ownership(e->mgm, n, 1, 0), MGM_OK);
	assert_int_equal(mgm_take_interface_ownership(e->mgm, i, 2, 0), MGM_OK);
	tu_take(e, r, 2, 0); /* DISABLE/ENABLE to i: skipped */
	assert_int_equal(add_m(e, i, 0, 0, G1, TU_HOST, 2, 0, MGM_JOIN_STATE_FLAG),
			 MGM_OK); /* JOIN_ALERT to n skipped, LOCAL_JOIN to r */
	tu_miss(e, S1, G1, 1);  /* RPF to n skipped, CREATION_ALERT to r */
	tu_must_get_mfe(e, S1, G1, &m);
	assert_int_equal(m.mfe.in_ifindex, 1);
	tu_assert_oifs(&m.mfe, 1, 2u);
	assert_int_equal(mgm_forwarder_wrong_if(e->mgm, S1, G1, 2, 0, tu_hdr,
						sizeof(tu_hdr)),
			 MGM_OK);
	assert_int_equal(del_m(e, i, 0, 0, G1, TU_HOST, 2, 0, MGM_JOIN_STATE_FLAG),
			 MGM_OK); /* PRUNE_ALERTs to n skipped */
	assert_int_equal(tu_log_count(e, TU_CB_LOCAL_JOIN, r), 1);
	assert_int_equal(tu_log_count(e, TU_CB_CREATION_ALERT, r), 1);
	assert_int_equal(tu_log_count(e, TU_CB_WRONG_IF, r), 1);
	assert_int_equal(tu_log_count(e, TU_CB_LOCAL_LEAVE, r), 1);
	assert_int_equal(mgm_release_interface_ownership(e->mgm, r->h, 2, 0),
			 MGM_OK);
	assert_int_equal(mgm_release_interface_ownership(e->mgm, i, 2, 0), MGM_OK);
	assert_int_equal(mgm_release_interface_ownership(e->mgm, n, 1, 0), MGM_OK);
	assert_int_equal(mgm_deregister_protocol(e->mgm, i), MGM_OK);
	assert_int_equal(mgm_deregister_protocol(e->mgm, n), MGM_OK);
}

/* Runs one fixed scenario with every callback returning @p ret. */
static void
scenario_45(struct tu_env *e, uint32_t ret, union tu_mfe_buf *out)
{
	struct tu_proto *a = tu_proto_register(e, ID_OSPF, 1);
	struct tu_proto *b = tu_proto_register(e, ID_MSDP, 1);
	struct tu_proto *c = tu_proto_register(e, ID_BGMP, 1);
	struct tu_proto *i = tu_proto_register(e, ID_IGMP, 1);

	a->ret = b->ret = c->ret = i->ret = ret;
	tu_route_add(e, NET1, MASK16, 1, NH1);
	tu_take(e, a, 1, 0);
	tu_take(e, i, 2, 0);
	tu_take(e, b, 2, 0);
	tu_take(e, c, 3, 0);
	tu_join(e, i, 0, G1, 2);
	tu_join(e, c, 0, G1, 3);
	tu_miss(e, S1, G1, 1);
	tu_join(e, b, S1, G1, 2);
	tu_leave(e, c, 0, G1, 3);
	tu_must_get_mfe(e, S1, G1, out);
}

static void
test_45_callback_return_values_change_nothing(void **state)
{
	struct tu_env *e0 = *state;
	struct tu_env *e1 = tu_env_new(0);
	struct tu_env *e2 = tu_env_new(0);
	union tu_mfe_buf m0, m1, m2;

	scenario_45(e0, 0, &m0);
	scenario_45(e1, ERROR_CAN_NOT_COMPLETE, &m1);
	scenario_45(e2, 0xFFFFFFFFu, &m2);
	assert_memory_equal(&m0, &m1, MGM_MFE_SIZE(m0.mfe.num_oif));
	assert_memory_equal(&m0, &m2, MGM_MFE_SIZE(m0.mfe.num_oif));
	assert_int_equal(e0->n_log, e1->n_log);
	assert_int_equal(e0->n_log, e2->n_log);
	assert_true(e0->n_log > 0);
	for (unsigned k = 0; k < e0->n_log; k++) {
		const struct tu_event *x = &e0->log[k], *y = &e1->log[k];

		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->to - e0->protos, y->to - e1->protos);
		assert_int_equal(x->source, y->source);
		assert_int_equal(x->group, y->group);
		assert_int_equal(x->ifindex, y->ifindex);
		assert_int_equal(x->flag, y->flag);
		assert_int_equal(x->kind, e2->log[k].kind);
	}
	tu_env_free(e1);
	tu_env_free(e2);
}

/* ------------------------------------------------------------------ */
/* MFE creation and maintenance 46-56 */

static void
test_46_miss_calls_rpf_on_iif_owner_with_route_iif_and_upstream(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	const struct tu_event *ev;
	union tu_mfe_buf m;

	tu_join(e, w.b, 0, G1, 2);
	tu_log_clear(e);
	tu_miss(e, S1, G1, 1);
	assert_int_equal(tu_log_count(e, TU_CB_RPF, NULL), 1);
	ev = tu_log_find(e, TU_CB_RPF, w.a, 0);
	assert_non_null(ev);
	assert_int_equal(ev->source, S1);
	assert_int_equal(ev->group, G1);
	assert_int_equal(ev->ifindex, 1);
	assert_int_equal(ev->nexthop, 0);
	assert_int_equal(ev->upstream_in, NH1);
	assert_int_equal(ev->hdr_size, sizeof(tu_hdr));
	assert_memory_equal(ev->hdr, tu_hdr, sizeof(tu_hdr));
	/* [i] pbRoute is the RTM_IP_ROUTE used */
	assert_true(ev->has_route);
	assert_int_equal(ev->route.ifindex, 1);
	assert_int_equal(ev->route.network.number, NET1);
	assert_int_equal(ev->route.network.mask, MASK16);
	assert_int_equal(ev->route.next_hop.number, NH1);
	tu_must_get_mfe(e, S1, G1, &m);
	assert_int_equal(m.mfe.in_ifindex, 1);
	assert_int_equal(m.mfe.upstream_nbr, NH1);
}

static void
test_47_rpf_rewriting_iif_changes_installed_iif(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;
	const struct tu_fwd_entry *f;

	tu_take(e, w.a, 4, 0);
	w.a->rpf_rewrite = true;
	w.a->rpf_ifindex = 4;
	w.a->rpf_nexthop = 0;
	w.a->rpf_upstream = NH1;
	tu_join(e, w.b, 0, G1, 2);
	tu_miss(e, S1, G1, 1);
	tu_must_get_mfe(e, S1, G1, &m);
	assert_int_equal(m.mfe.in_ifindex, 4);
	tu_assert_oifs(&m.mfe, 1, 2u);
	f = tu_fwd_find(e, S1, G1);
	assert_non_null(f);
	assert_int_equal(f->in_ifindex, 4);
}

static const struct mgm_if_entry *
find_if(const struct tu_event *ev, uint32_t ifindex)
{
	for (uint32_t k = 0; k < ev->count; k++)
		if (ev->oifs[k].ifindex == ifindex)
			return &ev->oifs[k];
	return NULL;
}

static void
assert_if_entry(const struct tu_event *ev, uint32_t ifindex, int32_t igmp)
{
	const struct mgm_if_entry *x = find_if(ev, ifindex);

	assert_non_null(x);
	assert_int_equal(x->nexthop, 0);
	assert_int_equal(x->igmp, igmp);
	assert_int_equal(x->enabled, 1);
}

static void
test_48_creation_alert_once_per_oif_owner_with_only_its_oifs(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	struct tu_proto *i = tu_proto_register(e, ID_IGMP, 1);
	const struct tu_event *ev;
	union tu_mfe_buf m;

	tu_take(e, w.b, 4, 0);
	tu_take(e, i, 4, 0); /* IGMP co-owns if4 with B */
	tu_take(e, i, 5, 0); /* IGMP alone on if5 */
	tu_join(e, w.b, 0, G1, 2);
	tu_join(e, w.b, 0, G1, 4);
	tu_join(e, w.c, 0, G1, 3);
	tu_join(e, i, 0, G1, 5);
	tu_log_clear(e);
	tu_miss(e, S1, G1, 1);

	assert_int_equal(tu_log_count(e, TU_CB_CREATION_ALERT, NULL), 3);
	assert_int_equal(tu_log_count(e, TU_CB_CREATION_ALERT, w.a), 0);
	ev = tu_log_find(e, TU_CB_CREATION_ALERT, w.b, 0);
	assert_non_null(ev);
	assert_int_equal(ev->source, S1);
	assert_int_equal(ev->group, G1);
	assert_int_equal(ev->ifindex, 1);
	assert_int_equal(ev->count, 2);
	assert_if_entry(ev, 2, 0);
	assert_if_entry(ev, 4, 1);
	ev = tu_log_find(e, TU_CB_CREATION_ALERT, w.c, 0);
	assert_non_null(ev);
	assert_int_equal(ev->count, 1);
	assert_if_entry(ev, 3, 0);
	ev = tu_log_find(e, TU_CB_CREATION_ALERT, i, 0);
	assert_non_null(ev);
	assert_int_equal(ev->count, 1);
	assert_if_entry(ev, 5, 1);
	tu_must_get_mfe(e, S1, G1, &m);
	tu_assert_oifs(&m.mfe, 4, 2u, 3u, 4u, 5u);
}

static void
test_49_creation_alert_veto_removes_that_oif(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;
	const struct tu_fwd_entry *f;

	tu_take(e, w.b, 4, 0);
	tu_join(e, w.b, 0, G1, 2);
	tu_join(e, w.b, 0, G1, 4);
	tu_join(e, w.c, 0, G1, 3);
	w.b->veto = true;
	w.b->veto_ifindex = 4;
	tu_miss(e, S1, G1, 1);
	tu_must_get_mfe(e, S1, G1, &m);
	tu_assert_oifs(&m.mfe, 2, 2u, 3u);
	f = tu_fwd_find(e, S1, G1);
	assert_non_null(f);
	assert_int_equal(f->num_oif, 2);
	assert_false(tu_fwd_has_oif(f, 4, 0));
}

static void
test_50_iif_never_in_oif_list_even_with_membership_on_it(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;

	tu_join(e, w.a, 0, G1, 1);
	tu_join(e, w.a, 0, 0, 1); /* (*,*) on the iif too */
	tu_join(e, w.b, 0, G1, 2);
	tu_log_clear(e);
	tu_miss(e, S1, G1, 1);
	tu_must_get_mfe(e, S1, G1, &m);
	tu_assert_oifs(&m.mfe, 1, 2u);
	assert_int_equal(tu_log_count(e, TU_CB_CREATION_ALERT, w.a), 0);
	assert_false(tu_fwd_has_oif(tu_fwd_find(e, S1, G1), 1, 0));
}

static void
test_51_no_matching_membership_gives_negative_mfe(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;
	const struct tu_fwd_entry *f;
	struct mgm_counters c;

	tu_join(e, w.b, 0, G2, 2); /* another group only */
	tu_miss(e, S1, G1, 1);
	tu_must_get_mfe(e, S1, G1, &m);
	assert_int_equal(m.mfe.num_oif, 0);
	assert_int_equal(m.mfe.in_ifindex, 1);
	f = tu_fwd_find(e, S1, G1);
	assert_non_null(f);
	assert_int_equal(f->num_oif, 0);
	mgm_get_counters(e->mgm, &c);
	assert_int_equal(c.mfes, 1);
	assert_int_equal(c.negative_mfes, 1);
}

static void
test_52_join_state_star_g_add_after_creation_adds_oif(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;

	tu_miss(e, S1, G1, 1);
	tu_must_get_mfe(e, S1, G1, &m);
	assert_int_equal(m.mfe.num_oif, 0);
	tu_join(e, w.b, 0, G1, 2);
	tu_must_get_mfe(e, S1, G1, &m);
	tu_assert_oifs(&m.mfe, 1, 2u);
	assert_true(tu_fwd_has_oif(tu_fwd_find(e, S1, G1), 2, 0));
}

static void
test_53_forward_state_add_adds_oif_without_membership(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;

	tu_miss(e, S1, G1, 1);
	assert_int_equal(add_m(e, w.b->h, S1, TU_HOST, G1, TU_HOST, 2, 0,
			       MGM_FORWARD_STATE_FLAG),
			 MGM_OK);
	tu_must_get_mfe(e, S1, G1, &m);
	tu_assert_oifs(&m.mfe, 1, 2u);
	assert_true(tu_fwd_has_oif(tu_fwd_find(e, S1, G1), 2, 0));
	/* [i] forward state is not membership */
	assert_int_equal(enum_count(e, w.b, MGM_ENUM_ALL_SOURCES), 0);
}

static void
test_54_last_oif_gone_prune_alert_false_to_iif_owner_sets_timeout(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	const struct tu_event *ev;
	union tu_mfe_buf m;

	/* Default: the iif owner leaves *timeout alone -> 900 s. */
	tu_join(e, w.b, 0, G2, 2);
	tu_miss(e, S1, G2, 1);
	tu_log_clear(e);
	tu_leave(e, w.b, 0, G2, 2);
	assert_int_equal(tu_log_count(e, TU_CB_PRUNE_ALERT, NULL) -
				 tu_log_count(e, TU_CB_PRUNE_ALERT, w.c) -
				 tu_log_count(e, TU_CB_PRUNE_ALERT, w.a),
			 0);
	ev = NULL;
	for (unsigned k = 0; k < e->n_log; k++)
		if (e->log[k].kind == TU_CB_PRUNE_ALERT && e->log[k].flag == 0) {
			assert_null(ev); /* exactly one */
			ev = &e->log[k];
		}
	assert_non_null(ev);
	assert_ptr_equal(ev->to, w.a);
	assert_int_equal(ev->source, S1);
	assert_int_equal(ev->group, G2);
	assert_int_equal(ev->ifindex, 1); /* [i] the MFE's iif */
	assert_int_equal(ev->timeout_in, MGM_DEFAULT_MFE_TIMEOUT);
	tu_must_get_mfe(e, S1, G2, &m);
	assert_int_equal(m.mfe.num_oif, 0);
	assert_int_equal(m.mfe.timeout_s, 900);

	/* The iif owner answers 120 s: that becomes ulTimeOut. */
	w.a->prune_set_timeout = true;
	w.a->prune_timeout = 120;
	tu_join(e, w.b, 0, G1, 2);
	tu_miss(e, S1, G1, 1);
	tu_log_clear(e);
	tu_leave(e, w.b, 0, G1, 2);
	tu_must_get_mfe(e, S1, G1, &m);
	assert_int_equal(m.mfe.num_oif, 0);
	assert_int_equal(m.mfe.timeout_s, 120);
	assert_true(m.mfe.expiry_s <= 120);
}

static void
test_55_mfe_expires_after_timeout_expiry_time_decreases(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;

	tu_join(e, w.b, 0, G1, 2);
	tu_miss(e, S1, G1, 1);
	tu_must_get_mfe(e, S1, G1, &m);
	assert_int_equal(m.mfe.timeout_s, 900);
	assert_int_equal(m.mfe.expiry_s, 900);
	assert_int_equal(m.mfe.uptime_s, 0);
	tu_clock_advance_s(&e->clock, 100);
	tu_must_get_mfe(e, S1, G1, &m);
	assert_int_equal(m.mfe.uptime_s, 100);
	assert_int_equal(m.mfe.expiry_s, 800);
	tu_clock_advance_s(&e->clock, 799);
	tu_must_get_mfe(e, S1, G1, &m);
	assert_int_equal(m.mfe.expiry_s, 1);
	tu_clock_advance_s(&e->clock, 2);
	assert_int_equal(tu_get_mfe(e, S1, G1, &m), MGM_ERR_NOT_FOUND);
	assert_null(tu_fwd_find(e, S1, G1));
}

static void
test_56_best_route_change_toward_source_removes_or_updates_mfe(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;
	enum mgm_status st;

	tu_join(e, w.b, 0, G1, 2);
	tu_miss(e, S1, G1, 1);
	tu_route_add(e, TU_IP(10, 1, 1, 0), TU_IP(255, 255, 255, 0), 3,
		     TU_IP(10, 0, 3, 254));
	mgm_run_timers(e->mgm);
	st = tu_get_mfe(e, S1, G1, &m);
	/* [i] removed (the next packet recreates it) or updated in place */
	if (st == MGM_ERR_NOT_FOUND) {
		tu_miss(e, S1, G1, 3);
		tu_must_get_mfe(e, S1, G1, &m);
	} else {
		assert_int_equal(st, MGM_OK);
	}
	assert_int_equal(m.mfe.in_ifindex, 3);
	assert_int_equal(m.mfe.upstream_nbr, TU_IP(10, 0, 3, 254));
	tu_assert_fwd_mirrors_mgm(e);
}

/* ------------------------------------------------------------------ */
/* MFE retrieval 57-69 */

static void
test_57_get_mfe_big_buffer_one_record_size_unchanged(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	static uint8_t buf[1024];
	struct mgm_mfe key = {.source = S1, .source_mask = TU_HOST, .group = G1};
	const struct mgm_mfe *r = (const void *)buf;
	uint32_t size = sizeof(buf);

	tu_take(e, w.b, 4, 0);
	tu_join(e, w.b, 0, G1, 2);
	tu_join(e, w.b, 0, G1, 4);
	tu_miss(e, S1, G1, 1);
	memset(buf, 0xAA, sizeof(buf));
	assert_int_equal(mgm_get_mfe(e->mgm, &key, &size, buf), MGM_OK);
	assert_int_equal(size, sizeof(buf));
	assert_int_equal(r->group, G1);
	assert_int_equal(r->source, S1);
	assert_int_equal(r->upstream_nbr, NH1);
	assert_int_equal(r->in_ifindex, 1);
	assert_int_equal(r->in_if_protocol, ID_OSPF);
	assert_int_equal(r->route_protocol, TU_ROUTE_PROTO);
	assert_int_equal(r->route_network, NET1);
	assert_int_equal(r->route_mask, MASK16);
	assert_int_equal(r->timeout_s, 900);
	assert_int_equal(r->num_oif, 2);
	assert_true(tu_mfe_has_oif(r, 2, 0));
	assert_true(tu_mfe_has_oif(r, 4, 0));
	/* exactly SIZEOF_MIB_MFE(2) bytes written */
	assert_int_equal(MGM_MFE_SIZE(2), 92);
	for (size_t k = MGM_MFE_SIZE(2); k < sizeof(buf); k++)
		assert_int_equal(buf[k], 0xAA);
}

static void
test_58_get_mfe_small_buffer_is_insufficient_with_exact_size(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	uint8_t buf[256];
	struct mgm_mfe key = {.source = S1, .source_mask = TU_HOST, .group = G1};
	uint32_t size;

	tu_take(e, w.b, 4, 0);
	tu_join(e, w.b, 0, G1, 2);
	tu_join(e, w.b, 0, G1, 4);
	tu_miss(e, S1, G1, 1);
	size = (uint32_t)MGM_MFE_SIZE(2) - 1;
	assert_int_equal(mgm_get_mfe(e->mgm, &key, &size, buf),
			 MGM_ERR_INSUFFICIENT_BUFFER);
	assert_int_equal(size, MGM_MFE_SIZE(2));
	size = 0;
	assert_int_equal(mgm_get_mfe(e->mgm, &key, &size, buf),
			 MGM_ERR_INSUFFICIENT_BUFFER);
	assert_int_equal(size, 92);
	assert_int_equal(mgm_get_mfe(e->mgm, &key, &size, buf), MGM_OK);
}

static void
test_59_get_mfe_unknown_is_not_found(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;

	assert_int_equal(tu_get_mfe(e, S1, G1, &m), MGM_ERR_NOT_FOUND);
	tu_miss(e, S1, G1, 1);
	assert_int_equal(tu_get_mfe(e, S1, G2, &m), MGM_ERR_NOT_FOUND);
	assert_int_equal(tu_get_mfe(e, S2, G1, &m), MGM_ERR_NOT_FOUND);
}

static void
test_60_mfe_and_stats_getters_work_without_registered_clients(void **state)
{
	struct tu_env *e = *state;
	static uint8_t buf[2048];
	struct mgm_mfe key = {.source = S9, .source_mask = TU_HOST, .group = G1};
	uint32_t size, count;

	tu_miss(e, S9, G1, 7);
	size = sizeof(buf);
	assert_int_equal(mgm_get_mfe(e->mgm, &key, &size, buf), MGM_OK);
	size = sizeof(buf);
	count = 0;
	assert_int_equal(mgm_get_first_mfe(e->mgm, &size, buf, &count),
			 MGM_ERR_NO_MORE_ITEMS);
	assert_int_equal(count, 1);
	size = sizeof(buf);
	count = 9;
	assert_int_equal(mgm_get_next_mfe(e->mgm, &key, &size, buf, &count),
			 MGM_ERR_NO_MORE_ITEMS);
	assert_int_equal(count, 0);
	size = sizeof(buf);
	assert_int_equal(mgm_get_mfe_stats(e->mgm, &key, &size, buf,
					   MGM_MFE_STATS_0),
			 MGM_OK);
	size = sizeof(buf);
	count = 0;
	assert_int_equal(mgm_get_first_mfe_stats(e->mgm, &size, buf, &count,
						 MGM_MFE_STATS_1),
			 MGM_ERR_NO_MORE_ITEMS);
	assert_int_equal(count, 1);
	size = sizeof(buf);
	count = 9;
	assert_int_equal(mgm_get_next_mfe_stats(e->mgm, &key, &size, buf, &count,
						MGM_MFE_STATS_0),
			 MGM_ERR_NO_MORE_ITEMS);
	assert_int_equal(count, 0);
}

static void
test_61_get_first_mfe_on_empty_table_is_no_more_items(void **state)
{
	struct tu_env *e = *state;
	uint8_t buf[256];
	uint32_t size = sizeof(buf), count = 7;

	assert_int_equal(mgm_get_first_mfe(e->mgm, &size, buf, &count),
			 MGM_ERR_NO_MORE_ITEMS);
	assert_int_equal(count, 0);
	assert_int_equal(size, sizeof(buf));
}

/* Four negative MFEs (no routes, no clients; iif = arrival if7) whose
 * order by ntohl() differs from their order as raw little-endian words.
 * Sorted order: */
static uint32_t ord_s[4], ord_g[4];

static void
make_ordered_mfes(struct tu_env *e)
{
	ord_s[0] = TU_IP(192, 168, 1, 1);
	ord_g[0] = TU_IP(224, 0, 1, 255);
	ord_s[1] = TU_IP(10, 0, 0, 1);
	ord_g[1] = TU_IP(225, 0, 0, 1);
	ord_s[2] = TU_IP(10, 0, 0, 255);
	ord_g[2] = TU_IP(239, 1, 1, 1);
	ord_s[3] = TU_IP(10, 0, 1, 0);
	ord_g[3] = TU_IP(239, 1, 1, 1);
	/* inserted out of order */
	tu_miss(e, ord_s[3], ord_g[3], 7);
	tu_miss(e, ord_s[1], ord_g[1], 7);
	tu_miss(e, ord_s[0], ord_g[0], 7);
	tu_miss(e, ord_s[2], ord_g[2], 7);
}

static void
assert_record(const uint8_t *buf, unsigned k, unsigned idx)
{
	const struct mgm_mfe *r = (const void *)(buf + k * MGM_MFE_SIZE(0));

	assert_int_equal(r->source, ord_s[idx]);
	assert_int_equal(r->group, ord_g[idx]);
	assert_int_equal(r->num_oif, 0);
}

static void
test_62_get_first_mfe_with_room_for_all_is_no_more_items_n(void **state)
{
	struct tu_env *e = *state;
	static uint8_t buf[4096];
	uint32_t size, count;

	make_ordered_mfes(e);
	/* exactly four records of 60 bytes: the end was reached */
	size = 4 * (uint32_t)MGM_MFE_SIZE(0);
	count = 0;
	assert_int_equal(mgm_get_first_mfe(e->mgm, &size, buf, &count),
			 MGM_ERR_NO_MORE_ITEMS);
	assert_int_equal(count, 4);
	size = sizeof(buf);
	count = 0;
	assert_int_equal(mgm_get_first_mfe(e->mgm, &size, buf, &count),
			 MGM_ERR_NO_MORE_ITEMS);
	assert_int_equal(count, 4);
	for (unsigned k = 0; k < 4; k++)
		assert_record(buf, k, k);
}

static void
test_63_get_first_mfe_with_room_for_k_is_more_data_first_k(void **state)
{
	struct tu_env *e = *state;
	static uint8_t buf[4096];
	uint32_t size, count = 0;

	make_ordered_mfes(e);
	size = 2 * (uint32_t)MGM_MFE_SIZE(0) + 59; /* no room for a third */
	assert_int_equal(mgm_get_first_mfe(e->mgm, &size, buf, &count),
			 MGM_ERR_MORE_DATA);
	assert_int_equal(count, 2);
	assert_record(buf, 0, 0);
	assert_record(buf, 1, 1);
}

static void
test_64_buffer_below_first_record_is_insufficient_with_its_size(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *b = tu_proto_register(e, ID_MSDP, 1);
	static uint8_t buf[4096];
	uint32_t size, count;

	/* a route (to an unowned if7) so the MFEs get OIFs: without one
	 * they would be negative (§4 step 2) */
	tu_route_add(e, NET9, MASK16, 7, NH9);
	tu_take(e, b, 2, 0);
	tu_join(e, b, 0, G1, 2);
	tu_miss(e, S9, G1, 7);               /* first in order, one OIF */
	tu_miss(e, S9, TU_IP(239, 9, 9, 9), 7); /* second, negative */
	size = (uint32_t)MGM_MFE_SIZE(1) - 1;
	count = 5;
	assert_int_equal(mgm_get_first_mfe(e->mgm, &size, buf, &count),
			 MGM_ERR_INSUFFICIENT_BUFFER);
	assert_int_equal(count, 0);
	assert_int_equal(size, MGM_MFE_SIZE(1));
}

static void
test_65_order_is_ascending_host_order_group_then_source(void **state)
{
	struct tu_env *e = *state;
	static uint8_t buf[4096];
	uint32_t size = sizeof(buf), count = 0;

	make_ordered_mfes(e);
	assert_int_equal(mgm_get_first_mfe(e->mgm, &size, buf, &count),
			 MGM_ERR_NO_MORE_ITEMS);
	assert_int_equal(count, 4);
	for (unsigned k = 0; k < 4; k++)
		assert_record(buf, k, k);
}

static void
test_66_chained_get_next_lists_everything_once(void **state)
{
	struct tu_env *e = *state;
	uint8_t buf[MGM_MFE_SIZE(0)] __attribute__((aligned(8)));
	struct mgm_mfe last;
	unsigned seen = 0;
	uint32_t size = sizeof(buf), count = 0;
	enum mgm_status st;

	make_ordered_mfes(e);
	st = mgm_get_first_mfe(e->mgm, &size, buf, &count);
	for (;;) {
		assert_true(st == MGM_ERR_MORE_DATA || st == MGM_ERR_NO_MORE_ITEMS);
		assert_true(count <= 1);
		if (count == 1) {
			assert_true(seen < 4);
			assert_record(buf, 0, seen);
			seen++;
			memcpy(&last, buf, sizeof(last));
		}
		if (st == MGM_ERR_NO_MORE_ITEMS)
			break;
		assert_int_equal(count, 1);
		size = sizeof(buf);
		count = 0;
		st = mgm_get_next_mfe(e->mgm, &last, &size, buf, &count);
	}
	assert_int_equal(seen, 4);
}

static void
test_67_get_next_from_deleted_key_resumes_at_next_greater(void **state)
{
	struct tu_env *e = *state;
	static uint8_t buf[4096];
	struct mgm_mfe start = {.source = S9, .source_mask = TU_HOST, .group = G2};
	union tu_mfe_buf m;
	uint32_t size = sizeof(buf), count = 0;
	const struct mgm_mfe *r = (const void *)buf;

	tu_miss(e, S9, G2, 7); /* middle key, created first */
	tu_clock_advance_s(&e->clock, 500);
	tu_miss(e, S9, G1, 7);
	tu_miss(e, S9, G3, 7);
	tu_clock_advance_s(&e->clock, 401); /* (S9,G2) has expired */
	assert_int_equal(tu_get_mfe(e, S9, G2, &m), MGM_ERR_NOT_FOUND);
	assert_int_equal(mgm_get_next_mfe(e->mgm, &start, &size, buf, &count),
			 MGM_ERR_NO_MORE_ITEMS);
	assert_int_equal(count, 1);
	assert_int_equal(r->group, G3);
	assert_int_equal(r->source, S9);
}

static void
test_68_get_next_after_last_is_no_more_items_zero(void **state)
{
	struct tu_env *e = *state;
	static uint8_t buf[4096];
	struct mgm_mfe start = {0};
	uint32_t size = sizeof(buf), count = 3;

	make_ordered_mfes(e);
	start.source = ord_s[3];
	start.group = ord_g[3];
	assert_int_equal(mgm_get_next_mfe(e->mgm, &start, &size, buf, &count),
			 MGM_ERR_NO_MORE_ITEMS);
	assert_int_equal(count, 0);
}

static void
test_69_records_are_back_to_back(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *b = tu_proto_register(e, ID_MSDP, 1);
	static uint8_t buf[4096];
	uint32_t size = sizeof(buf), count = 0, off = 0;
	const uint32_t groups[3] = {G1, G2, G3};

	/* a route (to an unowned if7) so the MFEs get OIFs: without one
	 * they would be negative (§4 step 2) */
	tu_route_add(e, NET9, MASK16, 7, NH9);
	tu_take(e, b, 2, 0);
	tu_take(e, b, 3, 0);
	tu_join(e, b, 0, G2, 2);
	tu_join(e, b, 0, G3, 2);
	tu_join(e, b, 0, G3, 3);
	tu_miss(e, S9, G3, 7);
	tu_miss(e, S9, G1, 7);
	tu_miss(e, S9, G2, 7);
	assert_int_equal(mgm_get_first_mfe(e->mgm, &size, buf, &count),
			 MGM_ERR_NO_MORE_ITEMS);
	assert_int_equal(count, 3);
	for (uint32_t k = 0; k < 3; k++) {
		const struct mgm_mfe *r = (const void *)(buf + off);

		assert_int_equal(r->group, groups[k]);
		assert_int_equal(r->source, S9);
		assert_int_equal(r->num_oif, k); /* 0, 1, 2 OIFs */
		off += (uint32_t)MGM_MFE_SIZE(r->num_oif);
	}
	assert_int_equal(off, 3 * 60 + 3 * 16);
}

/* ------------------------------------------------------------------ */
/* Statistics and SetMfe 70-76 */

static void
test_70_stats_records_are_64_plus_28n_and_84_plus_28n(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *b = tu_proto_register(e, ID_MSDP, 1);
	static uint8_t buf[4096];
	struct mgm_mfe key = {.source = S9, .source_mask = TU_HOST, .group = G2};
	uint32_t size, count;
	const struct mgm_mfe_stats_ex *r;

	/* a route (to an unowned if7) so the MFEs get OIFs: without one
	 * they would be negative (§4 step 2) */
	tu_route_add(e, NET9, MASK16, 7, NH9);
	tu_take(e, b, 2, 0);
	tu_take(e, b, 3, 0);
	tu_join(e, b, 0, G2, 2);
	tu_join(e, b, 0, G2, 3);
	tu_miss(e, S9, G1, 7); /* 0 OIFs */
	tu_miss(e, S9, G2, 7); /* 2 OIFs */
	size = 0;
	assert_int_equal(mgm_get_mfe_stats(e->mgm, &key, &size, buf,
					   MGM_MFE_STATS_0),
			 MGM_ERR_INSUFFICIENT_BUFFER);
	assert_int_equal(size, 64 + 2 * 28);
	size = 0;
	assert_int_equal(mgm_get_mfe_stats(e->mgm, &key, &size, buf,
					   MGM_MFE_STATS_1),
			 MGM_ERR_INSUFFICIENT_BUFFER);
	assert_int_equal(size, 84 + 2 * 28);

	size = sizeof(buf);
	count = 0;
	assert_int_equal(mgm_get_first_mfe_stats(e->mgm, &size, buf, &count,
						 MGM_MFE_STATS_0),
			 MGM_ERR_NO_MORE_ITEMS);
	assert_int_equal(count, 2);
	assert_int_equal(((const struct mgm_mfe_stats *)(void *)buf)->group, G1);
	assert_int_equal(((const struct mgm_mfe_stats *)(void *)(buf + 64))->group,
			 G2);
	assert_int_equal(((const struct mgm_mfe_stats *)(void *)(buf + 64))->num_oif,
			 2);

	size = sizeof(buf);
	count = 0;
	assert_int_equal(mgm_get_first_mfe_stats(e->mgm, &size, buf, &count,
						 MGM_MFE_STATS_1),
			 MGM_ERR_NO_MORE_ITEMS);
	assert_int_equal(count, 2);
	r = (const void *)(buf + 84);
	assert_int_equal(r->group, G2);
	assert_int_equal(r->num_oif, 2);
}

static void
test_71_stats_with_other_flags_is_invalid_parameter(void **state)
{
	struct tu_env *e = *state;
	static uint8_t buf[4096];
	struct mgm_mfe key = {.source = S9, .source_mask = TU_HOST, .group = G1};
	static const uint32_t bad[] = {0, 3, 4, 0x80000000u};

	tu_miss(e, S9, G1, 7);
	for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		uint32_t size = sizeof(buf), count = 0;

		assert_int_equal(mgm_get_mfe_stats(e->mgm, &key, &size, buf, bad[k]),
				 MGM_ERR_INVALID_PARAMETER);
		assert_int_equal(mgm_get_first_mfe_stats(e->mgm, &size, buf,
							 &count, bad[k]),
				 MGM_ERR_INVALID_PARAMETER);
		assert_int_equal(mgm_get_next_mfe_stats(e->mgm, &key, &size, buf,
							&count, bad[k]),
				 MGM_ERR_INVALID_PARAMETER);
	}
}

static const struct mgm_oif_stats *
find_oif_stats(const struct mgm_oif_stats *v, uint32_t n, uint32_t ifindex)
{
	for (uint32_t k = 0; k < n; k++)
		if (v[k].ifindex == ifindex)
			return &v[k];
	return NULL;
}

static void
test_72_forwarder_counters_fill_in_and_out_packet_statistics(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	union tu_stats_buf sb;
	struct mgm_mfe key = {.source = S1, .source_mask = TU_HOST, .group = G1};
	struct tu_fwd_entry *f;
	const struct mgm_oif_stats *o;
	uint32_t size;

	tu_join(e, w.b, 0, G1, 2);
	tu_join(e, w.c, 0, G1, 3);
	tu_miss(e, S1, G1, 1);
	f = tu_fwd_entry_mut(e, S1, G1);
	f->ctr.in_pkts = 10;
	f->ctr.in_octets = 1000;
	f->ctr.total_out = 20;
	tu_fwd_set_oif_counters(e, S1, G1, 2, 0, 7);
	tu_fwd_set_oif_counters(e, S1, G1, 3, 0, 13);

	size = sizeof(sb);
	assert_int_equal(mgm_get_mfe_stats(e->mgm, &key, &size, &sb,
					   MGM_MFE_STATS_1),
			 MGM_OK);
	assert_int_equal(sb.s1.in_pkts, 10);
	assert_int_equal(sb.s1.in_octets, 1000);
	assert_int_equal(sb.s1.num_oif, 2);
	assert_int_equal(sb.s1.total_out_packets, 20);
	o = find_oif_stats(sb.s1.oif, 2, 2);
	assert_non_null(o);
	assert_int_equal(o->out_packets, 7);
	o = find_oif_stats(sb.s1.oif, 2, 3);
	assert_non_null(o);
	assert_int_equal(o->out_packets, 13);

	size = sizeof(sb);
	assert_int_equal(mgm_get_mfe_stats(e->mgm, &key, &size, &sb,
					   MGM_MFE_STATS_0),
			 MGM_OK);
	assert_int_equal(sb.s0.in_pkts, 10);
	assert_int_equal(sb.s0.in_octets, 1000);
	o = find_oif_stats(sb.s0.oif, 2, 3);
	assert_non_null(o);
	assert_int_equal(o->out_packets, 13);
}

static void
test_73_wrong_interface_traffic_counts_and_alerts_that_keys_owner(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	union tu_stats_buf sb;
	struct mgm_mfe key = {.source = S1, .source_mask = TU_HOST, .group = G1};
	const struct tu_event *ev;
	uint32_t size = sizeof(sb);

	tu_join(e, w.c, 0, G1, 3);
	tu_miss(e, S1, G1, 1);
	tu_fwd_entry_mut(e, S1, G1)->ctr.different_if = 3;
	assert_int_equal(mgm_get_mfe_stats(e->mgm, &key, &size, &sb,
					   MGM_MFE_STATS_0),
			 MGM_OK);
	assert_int_equal(sb.s0.pkts_different_if, 3);

	tu_log_clear(e);
	assert_int_equal(mgm_forwarder_wrong_if(e->mgm, S1, G1, 2, 0, tu_hdr,
						sizeof(tu_hdr)),
			 MGM_OK);
	assert_int_equal(tu_log_count(e, TU_CB_WRONG_IF, NULL), 1);
	ev = tu_log_find(e, TU_CB_WRONG_IF, w.b, 0);
	assert_non_null(ev);
	assert_int_equal(ev->source, S1);
	assert_int_equal(ev->group, G1);
	assert_int_equal(ev->ifindex, 2);
	assert_int_equal(ev->nexthop, 0);
	assert_int_equal(ev->hdr_size, sizeof(tu_hdr));
	assert_memory_equal(ev->hdr, tu_hdr, sizeof(tu_hdr));
}

static void
test_74_get_mfe_stats_not_found_and_insufficient_buffer(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	static uint8_t buf[4096];
	struct mgm_mfe key = {.source = S1, .source_mask = TU_HOST, .group = G1};
	uint32_t size = sizeof(buf);

	assert_int_equal(mgm_get_mfe_stats(e->mgm, &key, &size, buf,
					   MGM_MFE_STATS_0),
			 MGM_ERR_NOT_FOUND);
	tu_join(e, w.b, 0, G1, 2);
	tu_miss(e, S1, G1, 1);
	size = 64 + 28 - 1;
	assert_int_equal(mgm_get_mfe_stats(e->mgm, &key, &size, buf,
					   MGM_MFE_STATS_0),
			 MGM_ERR_INSUFFICIENT_BUFFER);
	assert_int_equal(size, 64 + 28);
	size = 84 + 28 - 1;
	assert_int_equal(mgm_get_mfe_stats(e->mgm, &key, &size, buf,
					   MGM_MFE_STATS_1),
			 MGM_ERR_INSUFFICIENT_BUFFER);
	assert_int_equal(size, 84 + 28);
}

static void
test_75_set_mfe_invalid_handle_or_unknown_mfe(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	struct mgm_mfe key = {.source = S1, .source_mask = TU_HOST, .group = G1,
			      .upstream_nbr = NH2};
	mgm_handle_t stale = stale_handle(e);

	assert_int_equal(mgm_set_mfe(e->mgm, w.a->h, &key), MGM_ERR_NOT_FOUND);
	tu_miss(e, S1, G1, 1);
	assert_int_equal(mgm_set_mfe(e->mgm, 0, &key), MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_set_mfe(e->mgm, GARBAGE, &key),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_set_mfe(e->mgm, stale, &key),
			 MGM_ERR_INVALID_PARAMETER);
}

static void
test_76_set_mfe_changes_only_upstream_neighbour(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	union tu_mfe_buf before, after;
	struct mgm_mfe req;
	const struct tu_fwd_entry *f;

	tu_join(e, w.b, 0, G1, 2);
	tu_miss(e, S1, G1, 1);
	tu_must_get_mfe(e, S1, G1, &before);
	memset(&req, 0x5A, sizeof(req)); /* [i] other fields ignored */
	req.source = S1;
	req.group = G1;
	req.source_mask = TU_HOST;
	req.upstream_nbr = TU_IP(10, 0, 1, 77);
	req.num_oif = 0;
	/* any registered client may call [i] */
	assert_int_equal(mgm_set_mfe(e->mgm, w.c->h, &req), MGM_OK);
	tu_must_get_mfe(e, S1, G1, &after);
	assert_int_equal(after.mfe.upstream_nbr, TU_IP(10, 0, 1, 77));
	after.mfe.upstream_nbr = before.mfe.upstream_nbr;
	assert_memory_equal(&before, &after, MGM_MFE_SIZE(before.mfe.num_oif));
	f = tu_fwd_find(e, S1, G1);
	assert_non_null(f);
	assert_int_equal(f->in_ifindex, 1);
	assert_int_equal(f->num_oif, 1);
}

/* ------------------------------------------------------------------ */
/* Group enumeration and callback constraints 77-84 */

static void
test_77_enum_start_with_invalid_handle_or_type_is_invalid_parameter(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *a = tu_proto_register(e, ID_OSPF, 1);
	mgm_handle_t stale = stale_handle(e), eh = 0;

	assert_int_equal(mgm_group_enum_start(e->mgm, 0, MGM_ENUM_ALL_SOURCES, &eh),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_group_enum_start(e->mgm, GARBAGE,
					      MGM_ENUM_ALL_SOURCES, &eh),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_group_enum_start(e->mgm, stale,
					      MGM_ENUM_ANY_SOURCE, &eh),
			 MGM_ERR_INVALID_PARAMETER);
	/* [i] type */
	assert_int_equal(mgm_group_enum_start(e->mgm, a->h, (enum mgm_enum_type)2,
					      &eh),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_group_enum_start(e->mgm, a->h,
					      (enum mgm_enum_type)99, &eh),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_group_enum_start(e->mgm, a->h, MGM_ENUM_ANY_SOURCE,
					      &eh),
			 MGM_OK);
	assert_int_equal(mgm_group_enum_end(e->mgm, eh), MGM_OK);
}

static void
test_78_enum_next_with_buffer_below_16_is_insufficient_size_16(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *a = tu_proto_register(e, ID_OSPF, 1);
	struct mgm_source_group buf[2];
	mgm_handle_t eh = 0;
	uint32_t size = 15, count = 0;

	tu_take(e, a, 1, 0);
	tu_join(e, a, 0, G1, 1);
	assert_int_equal(mgm_group_enum_start(e->mgm, a->h, MGM_ENUM_ALL_SOURCES,
					      &eh),
			 MGM_OK);
	assert_int_equal(mgm_group_enum_next(e->mgm, eh, &size, buf, &count),
			 MGM_ERR_INSUFFICIENT_BUFFER);
	assert_int_equal(size, 16);
	/* nothing was consumed: the record is still there */
	count = 0;
	assert_int_equal(mgm_group_enum_next(e->mgm, eh, &size, buf, &count),
			 MGM_ERR_NO_MORE_ITEMS);
	assert_int_equal(count, 1);
	assert_int_equal(buf[0].group, G1);
	assert_int_equal(mgm_group_enum_end(e->mgm, eh), MGM_OK);
}

/* Memberships of A, B and C with duplicates across clients. */
static void
join_for_enum(struct world *w)
{
	tu_join(w->e, w->a, 0, G1, 1);
	tu_join(w->e, w->b, 0, G1, 2);   /* same (*,G1), other client */
	tu_join(w->e, w->b, S9, G2, 2);
	tu_join(w->e, w->c, S9, G2, 3);  /* same (S9,G2), other client */
	tu_join(w->e, w->c, 0, G3, 3);
	tu_join(w->e, w->c, S2, G3, 3);
}

static void
test_79_all_sources_returns_each_distinct_entry_once(void **state)
{
	struct world w = world_abc(state);
	struct mgm_source_group v[16];
	unsigned n;

	join_for_enum(&w);
	n = tu_enum_all(w.e, w.a, MGM_ENUM_ALL_SOURCES, v, 16);
	assert_int_equal(n, 4);
	assert_int_equal(tu_sg_count(v, n, 0, 0, G1, TU_HOST), 1);
	assert_int_equal(tu_sg_count(v, n, S9, TU_HOST, G2, TU_HOST), 1);
	assert_int_equal(tu_sg_count(v, n, 0, 0, G3, TU_HOST), 1);
	assert_int_equal(tu_sg_count(v, n, S2, TU_HOST, G3, TU_HOST), 1);
}

static void
test_80_any_source_returns_each_joined_group_once(void **state)
{
	struct world w = world_abc(state);
	struct mgm_source_group v[16];
	unsigned n;

	join_for_enum(&w);
	n = tu_enum_all(w.e, w.b, MGM_ENUM_ANY_SOURCE, v, 16);
	/* [i] each group once as (0, 0, G, mask) */
	assert_int_equal(n, 3);
	assert_int_equal(tu_sg_count(v, n, 0, 0, G1, TU_HOST), 1);
	assert_int_equal(tu_sg_count(v, n, 0, 0, G2, TU_HOST), 1);
	assert_int_equal(tu_sg_count(v, n, 0, 0, G3, TU_HOST), 1);
}

static void
test_81_one_entry_buffers_more_data_then_no_more_items_union_is_all(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	struct mgm_source_group got[8], one;
	mgm_handle_t eh = 0;
	unsigned n = 0;

	join_for_enum(&w);
	assert_int_equal(mgm_group_enum_start(e->mgm, w.c->h,
					      MGM_ENUM_ALL_SOURCES, &eh),
			 MGM_OK);
	/* MORE_DATA while records remain after the full buffer; the call
	 * that hands out the last one reports NO_MORE_ITEMS. */
	for (unsigned k = 0; k < 4; k++) {
		uint32_t size = sizeof(one), count = 0;

		assert_int_equal(mgm_group_enum_next(e->mgm, eh, &size, &one,
						     &count),
				 k < 3 ? MGM_ERR_MORE_DATA : MGM_ERR_NO_MORE_ITEMS);
		assert_int_equal(count, 1);
		got[n++] = one;
	}
	assert_int_equal(tu_sg_count(got, n, 0, 0, G1, TU_HOST), 1);
	assert_int_equal(tu_sg_count(got, n, S9, TU_HOST, G2, TU_HOST), 1);
	assert_int_equal(tu_sg_count(got, n, 0, 0, G3, TU_HOST), 1);
	assert_int_equal(tu_sg_count(got, n, S2, TU_HOST, G3, TU_HOST), 1);
	assert_int_equal(mgm_group_enum_end(e->mgm, eh), MGM_OK);
}

static void
test_82_enum_next_or_end_on_ended_or_garbage_handle_is_invalid(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *a = tu_proto_register(e, ID_OSPF, 1);
	struct mgm_source_group buf[4];
	mgm_handle_t eh = 0;
	uint32_t size = sizeof(buf), count = 0;

	assert_int_equal(mgm_group_enum_start(e->mgm, a->h, MGM_ENUM_ALL_SOURCES,
					      &eh),
			 MGM_OK);
	assert_int_equal(mgm_group_enum_end(e->mgm, eh), MGM_OK);
	assert_int_equal(mgm_group_enum_next(e->mgm, eh, &size, buf, &count),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_group_enum_end(e->mgm, eh), MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_group_enum_next(e->mgm, GARBAGE, &size, buf, &count),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_group_enum_end(e->mgm, GARBAGE),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_group_enum_end(e->mgm, 0), MGM_ERR_INVALID_PARAMETER);
	/* a protocol handle is not an enumeration handle */
	assert_int_equal(mgm_group_enum_end(e->mgm, a->h),
			 MGM_ERR_INVALID_PARAMETER);
}

/* Hooks for 83: each acts once (the first callback of its kind). */
static void
hook_join_adds_own_membership(struct tu_proto *p, const struct tu_event *ev)
{
	if (ev->kind != TU_CB_JOIN_ALERT || p->n_hook > 0)
		return;
	p->hook_status[p->n_hook++] = mgm_add_group_membership(
		p->env->mgm, p->h, 0, 0, ev->group, TU_HOST, p->hook_arg[0], 0,
		MGM_JOIN_STATE_FLAG);
}

static void
hook_prune_queries_owner(struct tu_proto *p, const struct tu_event *ev)
{
	uint32_t id = 0, comp = 0;

	if (ev->kind != TU_CB_PRUNE_ALERT || p->n_hook > 0)
		return;
	p->hook_status[p->n_hook++] = mgm_get_protocol_on_interface(
		p->env->mgm, p->hook_arg[0], 0, &id, &comp);
}

static void
hook_local_join_adds_on_same_key(struct tu_proto *p, const struct tu_event *ev)
{
	if (ev->kind != TU_CB_LOCAL_JOIN || p->n_hook > 0)
		return;
	p->hook_status[p->n_hook++] = mgm_add_group_membership(
		p->env->mgm, p->h, ev->source, ev->source_mask, ev->group,
		ev->group_mask, ev->ifindex, ev->nexthop, MGM_JOIN_STATE_FLAG);
}

static void
test_83_mgm_calls_from_join_prune_local_callbacks_do_not_deadlock(void **state)
{
	struct world w = world_abc(state);
	struct tu_env *e = w.e;
	struct tu_proto *r = tu_proto_register(e, ID_RIP, 1);
	struct tu_proto *i = tu_proto_register(e, ID_IGMP, 1);
	struct mgm_source_group v[8];
	unsigned n;

	alarm(DEADLOCK_GUARD_S);
	tu_take(e, r, 4, 0);
	tu_take(e, i, 4, 0);
	w.b->hook = hook_join_adds_own_membership;
	w.b->hook_arg[0] = 2;
	w.a->hook = hook_prune_queries_owner;
	w.a->hook_arg[0] = 2;
	r->hook = hook_local_join_adds_on_same_key;

	tu_join(e, w.a, 0, G1, 1); /* JOIN_ALERT -> B adds (*,G1) on if2 */
	assert_int_equal(w.b->n_hook, 1);
	assert_int_equal(w.b->hook_status[0], MGM_OK);
	/* B's nested add was the second client: A was alerted */
	assert_true(tu_log_count(e, TU_CB_JOIN_ALERT, w.a) >= 1);

	tu_join(e, i, 0, G2, 4); /* LOCAL_JOIN -> R adds (*,G2) on if4 */
	assert_int_equal(r->n_hook, 1);
	assert_int_equal(r->hook_status[0], MGM_OK);

	tu_leave(e, w.b, 0, G1, 2); /* PRUNE_ALERT -> A queries MGM */
	assert_int_equal(w.a->n_hook, 1);
	assert_int_equal(w.a->hook_status[0], MGM_OK);

	n = tu_enum_all(e, w.c, MGM_ENUM_ALL_SOURCES, v, 8);
	assert_int_equal(n, 2);
	assert_int_equal(tu_sg_count(v, n, 0, 0, G1, TU_HOST), 1);
	assert_int_equal(tu_sg_count(v, n, 0, 0, G2, TU_HOST), 1);
	alarm(0);
}

static void
hook_enable_igmp_tries_add_and_delete(struct tu_proto *p,
				      const struct tu_event *ev)
{
	if (ev->kind != TU_CB_ENABLE_IGMP || p->n_hook > 0)
		return;
	p->hook_status[p->n_hook++] = mgm_add_group_membership(
		p->env->mgm, p->h, 0, 0, G1, TU_HOST, ev->ifindex, ev->nexthop,
		MGM_JOIN_STATE_FLAG);
	p->hook_status[p->n_hook++] = mgm_delete_group_membership(
		p->env->mgm, p->h, 0, 0, G2, TU_HOST, ev->ifindex, ev->nexthop,
		MGM_JOIN_STATE_FLAG);
}

static void
test_84_add_or_delete_inside_enable_igmp_is_can_not_complete(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *i = tu_proto_register(e, ID_IGMP, 1);
	struct tu_proto *r = tu_proto_register(e, ID_OSPF, 1);

	alarm(DEADLOCK_GUARD_S);
	tu_take(e, i, 3, 0);
	tu_join(e, i, 0, G2, 3);
	i->hook = hook_enable_igmp_tries_add_and_delete;
	tu_take(e, r, 3, 0);
	assert_int_equal(i->n_hook, 2);
	assert_int_equal(i->hook_status[0], MGM_ERR_CAN_NOT_COMPLETE);
	assert_int_equal(i->hook_status[1], MGM_ERR_CAN_NOT_COMPLETE);
	/* Outside the callback IGMP re-adds and the new owner hears of it. */
	tu_log_clear(e);
	tu_join(e, i, 0, G1, 3);
	assert_int_equal(tu_log_count(e, TU_CB_LOCAL_JOIN, r), 1);
	alarm(0);
}

/* ------------------------------------------------------------------ */
/* The Windows API on the default instance, with no set-up call.  These
 * share the process-wide instance, so each uses its own interfaces
 * (9xx) and groups and cleans up after itself. */

static struct {
	unsigned rpf, creation, join, prune_true, prune_false, local_join;
	DWORD rpf_iif, rpf_upstream;
	DWORD creation_count;
	MGM_IF_ENTRY creation_oif;
	DWORD join_source, join_group;
	BOOL join_update;
	unsigned join2; /* joins seen by the second client */
	unsigned other; /* the callback replaced after registration */
} wrec;

static DWORD WINAPI
w_rpf(DWORD s, DWORD sm, DWORD g, DWORD gm, PDWORD iif, PDWORD iif_nh,
      PDWORD up, DWORD hs, PBYTE hdr, PBYTE route)
{
	(void)s, (void)sm, (void)g, (void)gm, (void)iif_nh, (void)hs,
		(void)hdr, (void)route;
	wrec.rpf++;
	wrec.rpf_iif = *iif;
	wrec.rpf_upstream = *up;
	return NO_ERROR;
}

static DWORD WINAPI
w_creation(DWORD s, DWORD sm, DWORD g, DWORD gm, DWORD iif, DWORD iif_nh,
	   DWORD n, PMGM_IF_ENTRY list)
{
	(void)s, (void)sm, (void)g, (void)gm, (void)iif, (void)iif_nh;
	wrec.creation++;
	wrec.creation_count = n;
	if (n > 0)
		wrec.creation_oif = list[0];
	return NO_ERROR;
}

static DWORD WINAPI
w_prune(DWORD s, DWORD sm, DWORD g, DWORD gm, DWORD ifx, DWORD nh, BOOL del,
	PDWORD timeout)
{
	(void)s, (void)sm, (void)g, (void)gm, (void)ifx, (void)nh, (void)timeout;
	if (del)
		wrec.prune_true++;
	else
		wrec.prune_false++;
	return NO_ERROR;
}

static DWORD WINAPI
w_join(DWORD s, DWORD sm, DWORD g, DWORD gm, BOOL upd)
{
	(void)sm, (void)gm;
	wrec.join++;
	wrec.join_source = s;
	wrec.join_group = g;
	wrec.join_update = upd;
	return NO_ERROR;
}

static DWORD WINAPI
w_join2(DWORD s, DWORD sm, DWORD g, DWORD gm, BOOL upd)
{
	(void)s, (void)sm, (void)g, (void)gm, (void)upd;
	wrec.join2++;
	return NO_ERROR;
}

static DWORD WINAPI
w_other_join(DWORD s, DWORD sm, DWORD g, DWORD gm, BOOL upd)
{
	(void)s, (void)sm, (void)g, (void)gm, (void)upd;
	wrec.other++;
	return NO_ERROR;
}

/* Finds (s, g) by walking the whole default table with GetFirst/GetNext. */
static bool
w_walk_finds(DWORD s, DWORD g)
{
	static DWORD buf[1024];
	MIB_IPMCAST_MFE last;
	DWORD size = sizeof(buf), n = 0, st;
	bool found = false;

	st = MgmGetFirstMfe(&size, (PBYTE)buf, &n);
	for (;;) {
		DWORD off = 0;

		assert_true(st == ERROR_MORE_DATA || st == ERROR_NO_MORE_ITEMS);
		for (DWORD k = 0; k < n; k++) {
			const MIB_IPMCAST_MFE *r =
				(const void *)((const BYTE *)buf + off);

			found |= r->dwSource == s && r->dwGroup == g;
			memcpy(&last, r, SIZEOF_BASIC_MIB_MFE);
			off += SIZEOF_MIB_MFE(r->ulNumOutIf);
		}
		if (st == ERROR_NO_MORE_ITEMS)
			return found;
		size = sizeof(buf);
		n = 0;
		st = MgmGetNextMfe(&last, &size, (PBYTE)buf, &n);
	}
}

static void
test_compat_windows_api_end_to_end_on_default_instance(void **state)
{
	ROUTING_PROTOCOL_CONFIG cfg1 = {0}, cfg2 = {0};
	HANDLE h1 = NULL, h2 = NULL, he = NULL;
	DWORD id = 0, comp = 0, size, n;
	const DWORD s = TU_IP(10, 77, 1, 1), g = TU_IP(239, 77, 0, 1);
	const DWORD nh = TU_IP(10, 0, 77, 254);
	union {
		MIB_IPMCAST_MFE mfe;
		MIB_IPMCAST_MFE_STATS_EX st;
		SOURCE_GROUP_ENTRY sg[8];
		BYTE raw[1024];
	} b;
	MIB_IPMCAST_MFE key = {0};
	struct rtm_ip_route route = {0};
	rtm_client_t rc;
	uint32_t rflags = 0;
	enum rtm_status rerr;
	bool seen = false;

	(void)state;
	memset(&wrec, 0, sizeof(wrec));
	cfg1.pfnRpfCallback = w_rpf;
	cfg1.pfnCreationAlertCallback = w_creation;
	cfg1.pfnPruneAlertCallback = w_prune;
	cfg1.pfnJoinAlertCallback = w_join;
	cfg2.pfnJoinAlertCallback = w_join2;
	cfg2.pfnCreationAlertCallback = w_creation;

	assert_int_equal(MgmRegisterMProtocol(&cfg1, PROTO_IP_OSPF, 77, &h1),
			 NO_ERROR);
	assert_non_null(h1);
	assert_int_equal(MgmRegisterMProtocol(&cfg2, PROTO_IP_MSDP, 77, &h2),
			 NO_ERROR);
	assert_int_equal(MgmRegisterMProtocol(&cfg2, PROTO_IP_MSDP, 77, &he),
			 ERROR_ALREADY_EXISTS);
	assert_int_equal(MgmTakeInterfaceOwnership(h1, 901, 0), NO_ERROR);
	assert_int_equal(MgmTakeInterfaceOwnership(h2, 902, 0), NO_ERROR);
	assert_int_equal(MgmTakeInterfaceOwnership(h2, 901, 0),
			 ERROR_ALREADY_EXISTS);
	assert_int_equal(MgmGetProtocolOnInterface(901, 0, &id, &comp), NO_ERROR);
	assert_int_equal(id, PROTO_IP_OSPF);
	assert_int_equal(comp, 77);

	/* First (*,G) client: the other registered client hears of it. */
	assert_int_equal(MgmAddGroupMembershipEntry(h2, 0, 0, g, 0xFFFFFFFF, 902,
						    0, MGM_JOIN_STATE_FLAG),
			 NO_ERROR);
	assert_true(wrec.join >= 1);
	assert_int_equal(wrec.join_source, 0);
	assert_int_equal(wrec.join_group, g);
	assert_int_equal(wrec.join_update, TRUE);
	assert_int_equal(wrec.join2, 0);

	/* A route toward s through if901, in the default route table. */
	rc = rtm_register_client(rtm_default(), RTM_FAMILY_IP, PROTO_IP_NETMGMT,
				 -1, 0, &rerr);
	assert_int_equal(rerr, RTM_OK);
	route.ifindex = 901;
	route.network.number = TU_IP(10, 77, 0, 0);
	route.network.mask = MASK16;
	route.next_hop.number = nh;
	route.next_hop.mask = TU_HOST;
	route.fsd.type = RTM_IP_TYPE_REMOTE;
	route.fsd.metric = 1;
	route.fsd.flags = RTM_IP_VALID_ROUTE;
	assert_int_equal(rtm_add_route(rtm_default(), rc, &route, RTM_INFINITE,
				       &rflags, NULL, NULL),
			 RTM_OK);

	assert_int_equal(mgm_forwarder_miss(mgm_default(), s, g, 901, 0, tu_hdr,
					    sizeof(tu_hdr)),
			 MGM_OK);
	assert_int_equal(wrec.rpf, 1);
	assert_int_equal(wrec.rpf_iif, 901);
	assert_int_equal(wrec.rpf_upstream, nh);
	assert_int_equal(wrec.creation, 1);
	assert_int_equal(wrec.creation_count, 1);
	assert_int_equal(wrec.creation_oif.dwIfIndex, 902);
	assert_int_equal(wrec.creation_oif.bIsEnabled, TRUE);

	key.dwSource = s;
	key.dwGroup = g;
	size = sizeof(b);
	assert_int_equal(MgmGetMfe(&key, &size, b.raw), NO_ERROR);
	assert_int_equal(b.mfe.dwInIfIndex, 901);
	assert_int_equal(b.mfe.dwInIfProtocol, PROTO_IP_OSPF);
	assert_int_equal(b.mfe.dwUpStrmNgbr, nh);
	assert_int_equal(b.mfe.ulNumOutIf, 1);
	assert_int_equal(b.mfe.rgmioOutInfo[0].dwOutIfIndex, 902);
	assert_int_equal(b.mfe.ulTimeOut, 900);
	seen = w_walk_finds(s, g);
	assert_true(seen);

	size = sizeof(b);
	assert_int_equal(MgmGetMfeStats(&key, &size, b.raw, MGM_MFE_STATS_1),
			 NO_ERROR);
	assert_int_equal(b.st.ulNumOutIf, 1);
	assert_int_equal(b.st.rgmiosOutStats[0].dwOutIfIndex, 902);
	size = 0;
	assert_int_equal(MgmGetMfeStats(&key, &size, b.raw, MGM_MFE_STATS_0),
			 ERROR_INSUFFICIENT_BUFFER);
	assert_int_equal(size, SIZEOF_MIB_MFE_STATS(1));

	key.dwUpStrmNgbr = TU_IP(10, 0, 77, 1);
	assert_int_equal(MgmSetMfe(h1, &key), NO_ERROR);
	size = sizeof(b);
	assert_int_equal(MgmGetMfe(&key, &size, b.raw), NO_ERROR);
	assert_int_equal(b.mfe.dwUpStrmNgbr, TU_IP(10, 0, 77, 1));

	assert_int_equal(MgmGroupEnumerationStart(h1, ALL_SOURCES, &he), NO_ERROR);
	seen = false;
	do {
		size = sizeof(b.sg);
		n = 0;
		id = MgmGroupEnumerationGetNext(he, &size, b.raw, &n);
		assert_true(id == ERROR_MORE_DATA || id == ERROR_NO_MORE_ITEMS);
		for (DWORD k = 0; k < n; k++)
			seen |= b.sg[k].dwSourceAddr == 0 &&
				b.sg[k].dwGroupAddr == g &&
				b.sg[k].dwGroupMask == 0xFFFFFFFF;
	} while (id == ERROR_MORE_DATA);
	assert_true(seen);
	assert_int_equal(MgmGroupEnumerationEnd(he), NO_ERROR);
	assert_int_equal(MgmGroupEnumerationEnd(he), ERROR_INVALID_PARAMETER);

	/* Shutdown as documented: leave, release every key, deregister. */
	assert_int_equal(MgmDeleteGroupMembershipEntry(h2, 0, 0, g, 0xFFFFFFFF,
						       902, 0,
						       MGM_JOIN_STATE_FLAG),
			 NO_ERROR);
	assert_int_equal(wrec.prune_true, 1);  /* last (*,G) client left */
	assert_int_equal(wrec.prune_false, 1); /* the MFE went negative */
	assert_int_equal(MgmDeRegisterMProtocol(h1), ERROR_CAN_NOT_COMPLETE);
	assert_int_equal(MgmReleaseInterfaceOwnership(h1, 901, 0), NO_ERROR);
	size = sizeof(b);
	assert_int_equal(MgmGetMfe(&key, &size, b.raw), ERROR_NOT_FOUND);
	assert_int_equal(MgmReleaseInterfaceOwnership(h2, 902, 0), NO_ERROR);
	assert_int_equal(MgmDeRegisterMProtocol(h1), NO_ERROR);
	assert_int_equal(MgmDeRegisterMProtocol(h2), NO_ERROR);
	assert_int_equal(MgmTakeInterfaceOwnership(h1, 901, 0),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(MgmDeRegisterMProtocol(h1), ERROR_INVALID_PARAMETER);
	assert_int_equal(MgmGetProtocolOnInterface(901, 0, &id, &comp),
			 ERROR_NOT_FOUND);
	assert_int_equal(rtm_deregister_client(rtm_default(), rc), RTM_OK);
}

static void
test_compat_null_callbacks_and_config_copy_on_default_instance(void **state)
{
	ROUTING_PROTOCOL_CONFIG empty = {0}, cfg = {0};
	HANDLE hn = NULL, hr = NULL, he = NULL;
	const DWORD g = TU_IP(239, 77, 0, 2);

	(void)state;
	memset(&wrec, 0, sizeof(wrec));
	/* No callbacks at all is a valid registration [i]. */
	assert_int_equal(MgmRegisterMProtocol(&empty, PROTO_IP_BGMP, 78, &hn),
			 NO_ERROR);
	cfg.pfnJoinAlertCallback = w_join;
	assert_int_equal(MgmRegisterMProtocol(&cfg, PROTO_IP_RIP, 78, &hr),
			 NO_ERROR);
	/* The config was copied: changing ours now must not matter. */
	cfg.pfnJoinAlertCallback = w_other_join;

	assert_int_equal(MgmTakeInterfaceOwnership(hn, 903, 0), NO_ERROR);
	assert_int_equal(MgmAddGroupMembershipEntry(hn, 0, 0, g, 0xFFFFFFFF, 903,
						    0, MGM_JOIN_STATE_FLAG),
			 NO_ERROR);
	assert_int_equal(wrec.join, 1);
	assert_int_equal(wrec.other, 0);
	assert_int_equal(MgmGroupEnumerationStart(hn, ALL_SOURCES, NULL),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(MgmGroupEnumerationStart(hn, (MGM_ENUM_TYPES)7, &he),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(MgmAddGroupMembershipEntry(hn, 0, 0, g, 0xFFFFFFFF, 903,
						    0, 0),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(MgmDeleteGroupMembershipEntry(hn, 0, 0, g, 0xFFFFFFFF,
						       903, 0,
						       MGM_JOIN_STATE_FLAG),
			 NO_ERROR);
	assert_int_equal(MgmReleaseInterfaceOwnership(hn, 903, 0), NO_ERROR);
	assert_int_equal(MgmReleaseInterfaceOwnership(hn, 903, 0),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(MgmDeRegisterMProtocol(hn), NO_ERROR);
	assert_int_equal(MgmDeRegisterMProtocol(hr), NO_ERROR);
	/* deregistered pairs register again */
	assert_int_equal(MgmRegisterMProtocol(&empty, PROTO_IP_BGMP, 78, &hn),
			 NO_ERROR);
	assert_int_equal(MgmDeRegisterMProtocol(hn), NO_ERROR);
	assert_int_equal(MgmDeRegisterMProtocol((HANDLE)(uintptr_t)0xdeadbeef),
			 ERROR_INVALID_PARAMETER);
}

static void
test_compat_getters_need_no_registration_and_records_match(void **state)
{
	static DWORD buf[256];
	MIB_IPMCAST_MFE key = {0};
	DWORD size = sizeof(buf), n = 0, st;

	(void)state;
	assert_int_equal(SIZEOF_BASIC_MIB_MFE, 60);
	assert_int_equal(SIZEOF_MIB_MFE(2), 92);
	assert_int_equal(SIZEOF_BASIC_MIB_MFE_STATS, 64);
	assert_int_equal(SIZEOF_MIB_MFE_STATS(2), 120);
	assert_int_equal(SIZEOF_BASIC_MIB_MFE_STATS_EX, 84);
	assert_int_equal(SIZEOF_MIB_MFE_STATS_EX(2), 140);
	assert_int_equal(PROTO_IP_IGMP, 10);
	assert_int_equal(ANY_SOURCE, 0);
	assert_int_equal(ALL_SOURCES, 1);

	key.dwSource = TU_IP(10, 77, 9, 9);
	key.dwGroup = TU_IP(239, 77, 0, 9);
	assert_int_equal(MgmGetMfe(&key, &size, (PBYTE)buf), ERROR_NOT_FOUND);
	assert_int_equal(MgmGetMfeStats(&key, &size, (PBYTE)buf, 0),
			 ERROR_INVALID_PARAMETER);
	st = MgmGetFirstMfe(&size, (PBYTE)buf, &n);
	assert_true(st == ERROR_NO_MORE_ITEMS || st == ERROR_MORE_DATA);
	size = sizeof(buf);
	st = MgmGetFirstMfeStats(&size, (PBYTE)buf, &n, MGM_MFE_STATS_0);
	assert_true(st == ERROR_NO_MORE_ITEMS || st == ERROR_MORE_DATA);

	/* A negative MFE nobody asked for is readable by anyone. */
	assert_int_equal(mgm_forwarder_miss(mgm_default(), key.dwSource,
					    key.dwGroup, 909, 0, tu_hdr,
					    sizeof(tu_hdr)),
			 MGM_OK);
	size = sizeof(buf);
	assert_int_equal(MgmGetMfe(&key, &size, (PBYTE)buf), NO_ERROR);
	assert_int_equal(((MIB_IPMCAST_MFE *)buf)->dwInIfIndex, 909);
	assert_int_equal(((MIB_IPMCAST_MFE *)buf)->ulNumOutIf, 0);
	size = sizeof(buf);
	assert_int_equal(MgmGetMfeStats(&key, &size, (PBYTE)buf, MGM_MFE_STATS_0),
			 NO_ERROR);
	assert_int_equal(MgmGroupEnumerationGetNext(NULL, &size, (PBYTE)buf, &n),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(MgmSetMfe(NULL, &key), ERROR_INVALID_PARAMETER);
}

#define T(f) cmocka_unit_test_setup_teardown(f, tu_setup, tu_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_01_register_returns_no_error_and_a_handle),
		T(test_02_same_pair_twice_is_already_exists_first_handle_still_works),
		T(test_03_same_protocol_other_component_both_succeed),
		T(test_04_null_config_or_null_out_handle_is_invalid_parameter),
		T(test_05_deregister_without_keys_then_handle_is_dead),
		T(test_06_deregister_while_owning_is_can_not_complete_nothing_changes),
		T(test_07_deregister_garbage_or_stale_handle_is_invalid_parameter),
		T(test_08_after_deregister_the_same_pair_registers_again),
		T(test_09_take_with_invalid_handle_is_invalid_parameter),
		T(test_10_take_unowned_key_then_get_protocol_returns_owner_pair),
		T(test_11_get_protocol_on_unowned_key_is_not_found),
		T(test_12_second_routing_protocol_take_is_refused_owner_unchanged),
		T(test_13_same_client_taking_same_key_twice_is_already_exists),
		T(test_14_nexthop_makes_independent_keys_owned_by_two_protocols),
		T(test_15_igmp_takes_key_owned_by_routing_protocol),
		T(test_16_routing_takes_igmp_key_igmp_gets_disable_then_enable),
		T(test_17_igmp_and_routing_owner_reported_is_routing_protocol),
		T(test_18_release_by_non_owner_or_unknown_key_is_invalid_parameter),
		T(test_19_release_by_owner_frees_key_or_leaves_igmp),
		T(test_20_routing_release_with_igmp_coowner_gives_disable_then_enable),
		T(test_21_after_release_no_mfe_has_the_key_as_iif_or_oif),
		T(test_22_after_release_releasers_memberships_leave_enumeration),
		T(test_23_add_with_invalid_handle_is_invalid_parameter),
		T(test_24_add_on_key_not_owned_by_caller_is_invalid_parameter),
		T(test_25_add_with_zero_or_unknown_flags_is_invalid_parameter),
		T(test_26_add_with_range_or_inconsistent_masks_is_invalid_parameter),
		T(test_27_star_g_add_appears_once_in_all_sources_enumeration),
		T(test_28_duplicate_add_is_idempotent_without_alerts_one_delete_removes),
		T(test_29_delete_existing_membership_removes_it),
		T(test_30_delete_non_existent_membership_is_not_found),
		T(test_31_delete_on_key_owned_by_another_protocol_is_invalid_parameter),
		T(test_32_igmp_add_on_coowned_key_gives_local_join_with_same_arguments),
		T(test_33_igmp_delete_on_coowned_key_gives_local_leave_with_same_arguments),
		T(test_34_igmp_add_on_igmp_only_key_gives_no_local_join),
		T(test_35_routing_protocols_own_add_never_causes_local_join),
		T(test_36_first_star_g_add_alerts_every_other_client_not_the_adder),
		T(test_37_second_star_g_client_alerts_only_the_first),
		T(test_38_third_star_g_client_alerts_nobody),
		T(test_39_same_client_adding_group_on_another_key_alerts_nobody),
		T(test_40_sg_add_alerts_only_iif_owner_toward_source_none_without_route),
		T(test_41_second_to_last_client_leaving_alerts_only_the_remaining),
		T(test_42_last_client_leaving_alerts_all_others_not_itself),
		T(test_43_sg_delete_alerts_only_iif_owner_toward_source),
		T(test_44_null_callback_pointers_are_skipped),
		T(test_45_callback_return_values_change_nothing),
		T(test_46_miss_calls_rpf_on_iif_owner_with_route_iif_and_upstream),
		T(test_47_rpf_rewriting_iif_changes_installed_iif),
		T(test_48_creation_alert_once_per_oif_owner_with_only_its_oifs),
		T(test_49_creation_alert_veto_removes_that_oif),
		T(test_50_iif_never_in_oif_list_even_with_membership_on_it),
		T(test_51_no_matching_membership_gives_negative_mfe),
		T(test_52_join_state_star_g_add_after_creation_adds_oif),
		T(test_53_forward_state_add_adds_oif_without_membership),
		T(test_54_last_oif_gone_prune_alert_false_to_iif_owner_sets_timeout),
		T(test_55_mfe_expires_after_timeout_expiry_time_decreases),
		T(test_56_best_route_change_toward_source_removes_or_updates_mfe),
		T(test_57_get_mfe_big_buffer_one_record_size_unchanged),
		T(test_58_get_mfe_small_buffer_is_insufficient_with_exact_size),
		T(test_59_get_mfe_unknown_is_not_found),
		T(test_60_mfe_and_stats_getters_work_without_registered_clients),
		T(test_61_get_first_mfe_on_empty_table_is_no_more_items),
		T(test_62_get_first_mfe_with_room_for_all_is_no_more_items_n),
		T(test_63_get_first_mfe_with_room_for_k_is_more_data_first_k),
		T(test_64_buffer_below_first_record_is_insufficient_with_its_size),
		T(test_65_order_is_ascending_host_order_group_then_source),
		T(test_66_chained_get_next_lists_everything_once),
		T(test_67_get_next_from_deleted_key_resumes_at_next_greater),
		T(test_68_get_next_after_last_is_no_more_items_zero),
		T(test_69_records_are_back_to_back),
		T(test_70_stats_records_are_64_plus_28n_and_84_plus_28n),
		T(test_71_stats_with_other_flags_is_invalid_parameter),
		T(test_72_forwarder_counters_fill_in_and_out_packet_statistics),
		T(test_73_wrong_interface_traffic_counts_and_alerts_that_keys_owner),
		T(test_74_get_mfe_stats_not_found_and_insufficient_buffer),
		T(test_75_set_mfe_invalid_handle_or_unknown_mfe),
		T(test_76_set_mfe_changes_only_upstream_neighbour),
		T(test_77_enum_start_with_invalid_handle_or_type_is_invalid_parameter),
		T(test_78_enum_next_with_buffer_below_16_is_insufficient_size_16),
		T(test_79_all_sources_returns_each_distinct_entry_once),
		T(test_80_any_source_returns_each_joined_group_once),
		T(test_81_one_entry_buffers_more_data_then_no_more_items_union_is_all),
		T(test_82_enum_next_or_end_on_ended_or_garbage_handle_is_invalid),
		T(test_83_mgm_calls_from_join_prune_local_callbacks_do_not_deadlock),
		T(test_84_add_or_delete_inside_enable_igmp_is_can_not_complete),
		cmocka_unit_test(test_compat_windows_api_end_to_end_on_default_instance),
		cmocka_unit_test(test_compat_null_callbacks_and_config_copy_on_default_instance),
		cmocka_unit_test(test_compat_getters_need_no_registration_and_records_match),
	};

	return cmocka_run_group_tests_name("mgm_conformance", tests, NULL, NULL);
}
