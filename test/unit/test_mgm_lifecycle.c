/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MFE life cycle and callback ordering beyond the conformance checklist:
 * the creation pipeline's order, expiry on a driven clock, deletion on iif
 * release and route change, membership changes pushed into existing MFEs,
 * the forwarder mirror, teardown, IGMP hand-over order, re-entrant
 * callbacks and handle/pointer validation.  "[i]" marks a behaviour that is
 * our decision ([interp] in shared/spec/mgm-rtm-reference.md).
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mgm_test_util.h"

#define ID_RIP  8u
#define ID_MSDP 9u
#define ID_IGMP MGM_PROTO_IP_IGMP
#define ID_BGMP 11u
#define ID_OSPF 13u

#define S1     TU_IP(10, 1, 1, 1)
#define NET1   TU_IP(10, 1, 0, 0)
#define NH1    TU_IP(10, 0, 1, 254)
#define S2     TU_IP(10, 2, 2, 2)
#define NET2   TU_IP(10, 2, 0, 0)
#define NH2    TU_IP(10, 0, 2, 254)
#define S7     TU_IP(10, 7, 7, 7) /* routed through if7, owned by nobody */
#define NET7   TU_IP(10, 7, 0, 0)
#define NH7    TU_IP(10, 0, 7, 254)
#define S9     TU_IP(172, 16, 9, 9) /* no route */
#define MASK16 TU_IP(255, 255, 0, 0)
#define G1     TU_IP(239, 1, 1, 1)
#define G2     TU_IP(239, 1, 1, 2)
#define G3     TU_IP(239, 1, 1, 3)

#define GARBAGE ((mgm_handle_t)0xdeadbeef)
#define DEADLOCK_GUARD_S 10

struct world {
	struct tu_env *e;
	struct tu_proto *a, *b, *c;
};

/* A owns if1 (toward S1), B if2 (toward S2), C if3. */
static struct world
world_abc(struct tu_env *e)
{
	struct world w;

	w.e = e;
	w.a = tu_proto_register(e, ID_OSPF, 1);
	w.b = tu_proto_register(e, ID_MSDP, 1);
	w.c = tu_proto_register(e, ID_BGMP, 1);
	tu_take(e, w.a, 1, 0);
	tu_take(e, w.b, 2, 0);
	tu_take(e, w.c, 3, 0);
	tu_route_add(e, NET1, MASK16, 1, NH1);
	tu_route_add(e, NET2, MASK16, 2, NH2);
	return w;
}

static void
assert_fwd_oifs_match(struct tu_env *e, uint32_t s, uint32_t g)
{
	union tu_mfe_buf m;
	const struct tu_fwd_entry *f;

	tu_must_get_mfe(e, s, g, &m);
	f = tu_fwd_find(e, s, g);
	assert_non_null(f);
	assert_int_equal(f->in_ifindex, m.mfe.in_ifindex);
	assert_int_equal(f->num_oif, m.mfe.num_oif);
	for (uint32_t k = 0; k < m.mfe.num_oif; k++)
		assert_true(tu_fwd_has_oif(f, m.mfe.oif[k].ifindex,
					   m.mfe.oif[k].nexthop));
}

/* ------------------------------------------------------------------ */
/* Creation */

static void
test_creation_pipeline_rpf_then_creation_alert_then_install(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	const struct tu_event *rpf, *ca;
	unsigned first_op, sets = 0;

	tu_join(e, w.b, 0, G1, 2);
	tu_log_clear(e);
	first_op = e->fwd.n_ops;
	tu_miss(e, S1, G1, 1);
	rpf = tu_log_find(e, TU_CB_RPF, w.a, 0);
	ca = tu_log_find(e, TU_CB_CREATION_ALERT, w.b, 0);
	assert_non_null(rpf);
	assert_non_null(ca);
	assert_true(rpf->seq < ca->seq);
	/* [i] §4 pipeline: nothing reaches the forwarder before the alerts
	 * (no provisional negative entry), then exactly one install. */
	for (unsigned k = first_op; k < e->fwd.n_ops; k++) {
		const struct tu_fwd_op *op = &e->fwd.ops[k];

		if (op->source != S1 || op->group != G1)
			continue;
		assert_int_equal(op->kind, TU_FWD_SET);
		assert_true(op->seq > ca->seq);
		assert_int_equal(op->in_ifindex, 1);
		assert_int_equal(op->num_oif, 1);
		sets++;
	}
	assert_int_equal(sets, 1);
}

static void
test_no_route_mfe_is_negative_on_arrival_interface(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;
	const struct tu_fwd_entry *f;

	tu_join(e, w.b, 0, G1, 2); /* a receiver exists... */
	tu_log_clear(e);
	tu_miss(e, S9, G1, 3);
	tu_must_get_mfe(e, S9, G1, &m);
	/* ...but §4 step 2: no route -> negative MFE, iif = arrival if */
	assert_int_equal(m.mfe.in_ifindex, 3);
	assert_int_equal(m.mfe.upstream_nbr, 0);
	assert_int_equal(m.mfe.num_oif, 0);
	f = tu_fwd_find(e, S9, G1);
	assert_non_null(f);
	assert_int_equal(f->in_ifindex, 3);
	assert_int_equal(f->num_oif, 0);
	assert_int_equal(tu_log_count(e, TU_CB_CREATION_ALERT, NULL), 0);
}

static void
test_unowned_iif_reports_mgm_as_in_if_protocol(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;

	tu_route_add(e, NET7, MASK16, 7, NH7);
	tu_join(e, w.b, 0, G1, 2);
	tu_miss(e, S7, G1, 7);
	tu_must_get_mfe(e, S7, G1, &m);
	assert_int_equal(m.mfe.in_ifindex, 7);
	tu_assert_oifs(&m.mfe, 1, 2u);
	/* mgm.h: MGM_PROTO_IP_MGM "used as dwInIfProtocol when nobody owns
	 * the iif" */
	assert_int_equal(m.mfe.in_if_protocol, MGM_PROTO_IP_MGM);
	tu_miss(e, S1, G1, 1);
	tu_must_get_mfe(e, S1, G1, &m);
	assert_int_equal(m.mfe.in_if_protocol, ID_OSPF);
}

static void
test_second_miss_for_existing_mfe_changes_nothing(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	unsigned sets;

	tu_join(e, w.b, 0, G1, 2);
	tu_miss(e, S1, G1, 1);
	sets = e->fwd.n_set;
	tu_log_clear(e);
	tu_miss(e, S1, G1, 1);
	assert_int_equal(e->n_log, 0);
	assert_int_equal(e->fwd.n_set, sets);
}

/* ------------------------------------------------------------------ */
/* Expiry */

static void
test_expiry_default_900s_with_decreasing_expiry_then_deleted(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;
	union tu_stats_buf sb;
	struct mgm_mfe key = {.source = S1, .source_mask = TU_HOST, .group = G1};
	struct mgm_counters c;
	uint32_t size = sizeof(sb), prev = 901;

	tu_join(e, w.b, 0, G1, 2);
	tu_miss(e, S1, G1, 1);
	for (unsigned k = 0; k < 9; k++) {
		tu_must_get_mfe(e, S1, G1, &m);
		assert_int_equal(m.mfe.timeout_s, 900);
		assert_int_equal(m.mfe.uptime_s, k * 100);
		assert_int_equal(m.mfe.expiry_s, 900 - k * 100);
		assert_true(m.mfe.expiry_s < prev);
		prev = m.mfe.expiry_s;
		tu_clock_advance_s(&e->clock, 100);
	}
	/* t = 900 - stats are in 1/100 s; back up to t = 850 for them */
	e->clock.ns -= 50 * TU_NS_PER_S;
	assert_int_equal(mgm_get_mfe_stats(e->mgm, &key, &size, &sb,
					   MGM_MFE_STATS_0),
			 MGM_OK);
	assert_int_equal(sb.s0.uptime_cs, 85000);
	assert_int_equal(sb.s0.expiry_cs, 5000);
	e->clock.ns += 51 * TU_NS_PER_S; /* t = 901 */
	mgm_run_timers(e->mgm);
	assert_int_equal(tu_get_mfe(e, S1, G1, &m), MGM_ERR_NOT_FOUND);
	assert_null(tu_fwd_find(e, S1, G1));
	assert_int_equal(e->fwd.ops[e->fwd.n_ops - 1].kind, TU_FWD_DELETE);
	mgm_get_counters(e->mgm, &c);
	assert_int_equal(c.mfes, 0);
	assert_int_equal(c.mfes_expired, 1);
}

static void
test_expiry_refreshes_mfe_whose_traffic_increased(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;

	tu_join(e, w.b, 0, G1, 2);
	tu_miss(e, S1, G1, 1);
	tu_clock_advance_s(&e->clock, 800);
	tu_fwd_entry_mut(e, S1, G1)->ctr.in_pkts = 5;
	tu_clock_advance_s(&e->clock, 101); /* t = 901 */
	/* [i] the forwarder counted packets since the last check: refreshed
	 * for another lifetime instead of deleted */
	tu_must_get_mfe(e, S1, G1, &m);
	assert_true(m.mfe.expiry_s > 0);
	assert_non_null(tu_fwd_find(e, S1, G1));
	tu_clock_advance_s(&e->clock, 889); /* t = 1790, no new packets */
	tu_must_get_mfe(e, S1, G1, &m);
	tu_clock_advance_s(&e->clock, 20);  /* t = 1810 */
	assert_int_equal(tu_get_mfe(e, S1, G1, &m), MGM_ERR_NOT_FOUND);
	assert_null(tu_fwd_find(e, S1, G1));
}

static void
test_expiry_uses_configured_timeout(void **state)
{
	struct tu_env *e = tu_env_new(30);
	union tu_mfe_buf m;

	(void)state;
	tu_miss(e, S9, G1, 7);
	tu_must_get_mfe(e, S9, G1, &m);
	assert_int_equal(m.mfe.timeout_s, 30);
	assert_int_equal(m.mfe.expiry_s, 30);
	tu_clock_advance_s(&e->clock, 29);
	tu_must_get_mfe(e, S9, G1, &m);
	tu_clock_advance_s(&e->clock, 2);
	assert_true(mgm_run_timers(e->mgm) == UINT64_MAX);
	assert_int_equal(tu_get_mfe(e, S9, G1, &m), MGM_ERR_NOT_FOUND);
	tu_env_free(e);
}

static void
test_run_timers_reports_time_to_next_expiry(void **state)
{
	struct tu_env *e = *state;

	assert_true(mgm_run_timers(e->mgm) == UINT64_MAX);
	tu_miss(e, S9, G1, 7);
	assert_int_equal(mgm_run_timers(e->mgm), 900000);
	tu_clock_advance_s(&e->clock, 600);
	assert_int_equal(mgm_run_timers(e->mgm), 300000);
}

/* ------------------------------------------------------------------ */
/* Deletion on ownership and route changes */

static void
test_release_of_iif_deletes_mfe_everywhere(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;

	tu_join(e, w.b, 0, G1, 2);
	tu_miss(e, S1, G1, 1);
	tu_miss(e, S1, G2, 1);
	tu_miss(e, S2, G1, 2);
	assert_int_equal(mgm_release_interface_ownership(e->mgm, w.a->h, 1, 0),
			 MGM_OK);
	assert_int_equal(tu_get_mfe(e, S1, G1, &m), MGM_ERR_NOT_FOUND);
	assert_int_equal(tu_get_mfe(e, S1, G2, &m), MGM_ERR_NOT_FOUND);
	tu_must_get_mfe(e, S2, G1, &m);
	assert_null(tu_fwd_find(e, S1, G1));
	assert_null(tu_fwd_find(e, S1, G2));
	tu_assert_fwd_mirrors_mgm(e);
}

static void
test_release_of_last_oif_prunes_to_iif_owner(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	const struct tu_event *ev = NULL;
	union tu_mfe_buf m;

	tu_join(e, w.b, 0, G1, 2);
	tu_miss(e, S1, G1, 1);
	tu_log_clear(e);
	assert_int_equal(mgm_release_interface_ownership(e->mgm, w.b->h, 2, 0),
			 MGM_OK);
	tu_must_get_mfe(e, S1, G1, &m);
	assert_int_equal(m.mfe.num_oif, 0);
	for (unsigned k = 0; k < e->n_log; k++)
		if (e->log[k].kind == TU_CB_PRUNE_ALERT && e->log[k].flag == 0) {
			assert_null(ev);
			ev = &e->log[k];
		}
	/* §4: OIF list non-empty -> empty => PRUNE_ALERT(FALSE) to iif owner */
	assert_non_null(ev);
	assert_ptr_equal(ev->to, w.a);
	assert_int_equal(ev->source, S1);
	assert_int_equal(ev->group, G1);
	assert_int_equal(ev->ifindex, 1);
}

static void
test_more_specific_route_via_other_interface_deletes_mfe(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;
	struct mgm_counters c;

	tu_join(e, w.b, 0, G1, 2);
	tu_miss(e, S1, G1, 1);
	tu_miss(e, S2, G1, 2); /* not covered by the new route: stays */
	tu_route_add(e, TU_IP(10, 1, 1, 0), TU_IP(255, 255, 255, 0), 3,
		     TU_IP(10, 0, 3, 254));
	mgm_run_timers(e->mgm);
	/* [i] §4: the MFE dies; the next packet recreates it */
	assert_int_equal(tu_get_mfe(e, S1, G1, &m), MGM_ERR_NOT_FOUND);
	assert_null(tu_fwd_find(e, S1, G1));
	tu_must_get_mfe(e, S2, G1, &m);
	mgm_get_counters(e->mgm, &c);
	assert_int_equal(c.mfes_deleted_route_change, 1);
	tu_miss(e, S1, G1, 3);
	tu_must_get_mfe(e, S1, G1, &m);
	assert_int_equal(m.mfe.in_ifindex, 3);
	assert_int_equal(m.mfe.upstream_nbr, TU_IP(10, 0, 3, 254));
	tu_assert_oifs(&m.mfe, 1, 2u);
}

static void
test_route_withdrawal_deletes_mfe(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;

	tu_join(e, w.b, 0, G1, 2);
	tu_miss(e, S1, G1, 1);
	tu_route_del(e, NET1, MASK16, 1, NH1);
	mgm_run_timers(e->mgm);
	assert_int_equal(tu_get_mfe(e, S1, G1, &m), MGM_ERR_NOT_FOUND);
	assert_null(tu_fwd_find(e, S1, G1));
}

/* ------------------------------------------------------------------ */
/* Membership changes pushed into existing MFEs */

static void
test_star_g_add_and_delete_update_existing_mfe(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;

	tu_miss(e, S1, G1, 1);
	tu_join(e, w.b, 0, G1, 2);
	tu_must_get_mfe(e, S1, G1, &m);
	tu_assert_oifs(&m.mfe, 1, 2u);
	assert_fwd_oifs_match(e, S1, G1);
	tu_join(e, w.c, 0, G1, 3);
	tu_must_get_mfe(e, S1, G1, &m);
	tu_assert_oifs(&m.mfe, 2, 2u, 3u);
	assert_fwd_oifs_match(e, S1, G1);
	tu_leave(e, w.b, 0, G1, 2);
	tu_must_get_mfe(e, S1, G1, &m);
	tu_assert_oifs(&m.mfe, 1, 3u);
	assert_fwd_oifs_match(e, S1, G1);
	tu_leave(e, w.c, 0, G1, 3);
	tu_must_get_mfe(e, S1, G1, &m);
	assert_int_equal(m.mfe.num_oif, 0);
	assert_fwd_oifs_match(e, S1, G1);
}

static void
test_star_star_add_reaches_every_mfe_except_where_iif(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;

	tu_miss(e, S1, G1, 1);
	tu_miss(e, S1, G2, 1);
	tu_miss(e, S2, G1, 2);
	tu_join(e, w.b, 0, 0, 2);
	tu_must_get_mfe(e, S1, G1, &m);
	tu_assert_oifs(&m.mfe, 1, 2u);
	tu_must_get_mfe(e, S1, G2, &m);
	tu_assert_oifs(&m.mfe, 1, 2u);
	tu_must_get_mfe(e, S2, G1, &m);
	assert_int_equal(m.mfe.num_oif, 0); /* if2 is its iif */
	tu_assert_fwd_mirrors_mgm(e);
	tu_leave(e, w.b, 0, 0, 2);
	tu_must_get_mfe(e, S1, G1, &m);
	assert_int_equal(m.mfe.num_oif, 0);
	tu_must_get_mfe(e, S1, G2, &m);
	assert_int_equal(m.mfe.num_oif, 0);
	tu_assert_fwd_mirrors_mgm(e);
}

static void
test_sg_add_reaches_only_that_mfe(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;

	tu_miss(e, S1, G1, 1);
	tu_miss(e, S1, G2, 1);
	tu_join(e, w.c, S1, G1, 3);
	tu_must_get_mfe(e, S1, G1, &m);
	tu_assert_oifs(&m.mfe, 1, 3u);
	tu_must_get_mfe(e, S1, G2, &m);
	assert_int_equal(m.mfe.num_oif, 0);
	tu_assert_fwd_mirrors_mgm(e);
}

static void
test_forward_state_add_then_delete(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;
	struct mgm_source_group v[4];

	tu_miss(e, S1, G1, 1);
	assert_int_equal(mgm_add_group_membership(e->mgm, w.c->h, S1, TU_HOST,
						  G1, TU_HOST, 3, 0,
						  MGM_FORWARD_STATE_FLAG),
			 MGM_OK);
	tu_must_get_mfe(e, S1, G1, &m);
	tu_assert_oifs(&m.mfe, 1, 3u);
	assert_fwd_oifs_match(e, S1, G1);
	assert_int_equal(tu_enum_all(e, w.c, MGM_ENUM_ALL_SOURCES, v, 4), 0);
	assert_int_equal(mgm_delete_group_membership(e->mgm, w.c->h, S1, TU_HOST,
						     G1, TU_HOST, 3, 0,
						     MGM_FORWARD_STATE_FLAG),
			 MGM_OK);
	tu_must_get_mfe(e, S1, G1, &m);
	assert_int_equal(m.mfe.num_oif, 0);
	assert_fwd_oifs_match(e, S1, G1);
}

static void
test_oif_list_never_gains_the_iif(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	union tu_mfe_buf m;

	tu_join(e, w.b, 0, G1, 2);
	tu_miss(e, S1, G1, 1);
	tu_join(e, w.a, 0, G1, 1);
	tu_join(e, w.a, 0, 0, 1);
	tu_join(e, w.a, S1, G1, 1);
	(void)mgm_add_group_membership(e->mgm, w.a->h, S1, TU_HOST, G1, TU_HOST,
				       1, 0, MGM_FORWARD_STATE_FLAG);
	tu_must_get_mfe(e, S1, G1, &m);
	tu_assert_oifs(&m.mfe, 1, 2u);
	assert_false(tu_fwd_has_oif(tu_fwd_find(e, S1, G1), 1, 0));
}

static void
test_negative_mfe_gaining_an_oif_sends_join_alert_false_to_iif_owner(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	const struct tu_event *ev = NULL;

	tu_miss(e, S1, G1, 1);
	tu_log_clear(e);
	tu_join(e, w.b, 0, G1, 2);
	for (unsigned k = 0; k < e->n_log; k++)
		if (e->log[k].kind == TU_CB_JOIN_ALERT && e->log[k].flag == 0) {
			assert_null(ev);
			ev = &e->log[k];
		}
	/* [i] §4: empty -> non-empty => JOIN_ALERT(FALSE) to the iif owner */
	assert_non_null(ev);
	assert_ptr_equal(ev->to, w.a);
	assert_int_equal(ev->source, S1);
	assert_int_equal(ev->group, G1);
}

/* ------------------------------------------------------------------ */
/* The forwarder mirror */

static void
test_forwarder_mirrors_mgm_table_through_churn(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;

	tu_join(e, w.b, 0, G1, 2);
	tu_miss(e, S1, G1, 1);
	tu_assert_fwd_mirrors_mgm(e);
	tu_miss(e, S1, G2, 1);
	tu_miss(e, S2, G1, 2);
	tu_join(e, w.c, 0, 0, 3);
	tu_assert_fwd_mirrors_mgm(e);
	tu_join(e, w.a, 0, G1, 1);
	tu_assert_fwd_mirrors_mgm(e);
	tu_leave(e, w.b, 0, G1, 2);
	tu_assert_fwd_mirrors_mgm(e);
	assert_int_equal(mgm_release_interface_ownership(e->mgm, w.c->h, 3, 0),
			 MGM_OK);
	tu_assert_fwd_mirrors_mgm(e);
	tu_clock_advance_s(&e->clock, 901);
	mgm_run_timers(e->mgm);
	tu_assert_fwd_mirrors_mgm(e);
	assert_int_equal(tu_fwd_count(e), 0);
	assert_int_equal(e->fwd.n_delete_unknown, 0);
}

static void
test_destroy_deletes_every_entry_from_forwarder_without_callbacks(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;

	tu_join(e, w.b, 0, G1, 2);
	tu_miss(e, S1, G1, 1);
	tu_miss(e, S1, G2, 1);
	tu_miss(e, S2, G3, 2);
	assert_int_equal(tu_fwd_count(e), 3);
	tu_log_clear(e);
	mgm_destroy(e->mgm);
	e->mgm = NULL;
	assert_int_equal(tu_fwd_count(e), 0);
	assert_int_equal(e->fwd.n_delete_unknown, 0);
	assert_int_equal(e->n_log, 0);
}

static void
test_set_forwarder_installs_existing_mfes_in_the_new_one(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	struct tu_env *other = calloc(1, sizeof(*other));

	assert_non_null(other);
	tu_join(e, w.b, 0, G1, 2);
	tu_miss(e, S1, G1, 1);
	tu_miss(e, S2, G2, 2);
	assert_int_equal(mgm_set_forwarder(e->mgm, &tu_fwd_ops, other), MGM_OK);
	assert_int_equal(tu_fwd_count(other), 2);
	assert_int_equal(tu_fwd_find(other, S1, G1)->num_oif, 1);
	/* later changes go to the new forwarder only */
	e->fwd.n_set = 0;
	tu_join(e, w.c, 0, G1, 3);
	assert_int_equal(e->fwd.n_set, 0);
	assert_int_equal(tu_fwd_find(other, S1, G1)->num_oif, 2);
	assert_int_equal(mgm_set_forwarder(e->mgm, &tu_fwd_ops, e), MGM_OK);
	free(other);
}

/* ------------------------------------------------------------------ */
/* IGMP hand-over order */

static void
hook_igmp_sees_owner(struct tu_proto *p, const struct tu_event *ev)
{
	uint32_t id = 0, comp = 0;

	if (ev->kind != TU_CB_DISABLE_IGMP && ev->kind != TU_CB_ENABLE_IGMP)
		return;
	p->hook_status[p->n_hook] = mgm_get_protocol_on_interface(
		p->env->mgm, ev->ifindex, ev->nexthop, &id, &comp);
	p->hook_arg[p->n_hook++] = id;
}

static void
test_disable_and_enable_igmp_bracket_the_ownership_change(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *i = tu_proto_register(e, ID_IGMP, 1);
	struct tu_proto *r = tu_proto_register(e, ID_OSPF, 1);

	alarm(DEADLOCK_GUARD_S);
	tu_take(e, i, 4, 0);
	i->hook = hook_igmp_sees_owner;
	tu_take(e, r, 4, 0);
	assert_int_equal(mgm_release_interface_ownership(e->mgm, r->h, 4, 0),
			 MGM_OK);
	assert_int_equal(i->n_hook, 4);
	for (unsigned k = 0; k < 4; k++)
		assert_int_equal(i->hook_status[k], MGM_OK);
	assert_int_equal(i->hook_arg[0], ID_IGMP); /* take: before */
	assert_int_equal(i->hook_arg[1], ID_OSPF); /* take: after */
	assert_int_equal(i->hook_arg[2], ID_OSPF); /* release: before */
	assert_int_equal(i->hook_arg[3], ID_IGMP); /* release: after */
	assert_int_equal(e->log[0].kind, TU_CB_DISABLE_IGMP);
	assert_int_equal(e->log[1].kind, TU_CB_ENABLE_IGMP);
	assert_int_equal(e->log[2].kind, TU_CB_DISABLE_IGMP);
	assert_int_equal(e->log[3].kind, TU_CB_ENABLE_IGMP);
	alarm(0);
}

static void
test_igmp_readd_after_enable_gives_local_join_to_new_owner(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *i = tu_proto_register(e, ID_IGMP, 1);
	struct tu_proto *r = tu_proto_register(e, ID_OSPF, 1);
	const struct tu_event *ev;

	tu_take(e, i, 4, 0);
	tu_join(e, i, 0, G1, 4);
	tu_take(e, r, 4, 0);
	tu_log_clear(e);
	/* documented: IGMP re-adds after ENABLE; duplicates are idempotent
	 * [i], so the LOCAL_JOIN proves the echo, not a new membership */
	tu_join(e, i, 0, G2, 4);
	ev = tu_log_find(e, TU_CB_LOCAL_JOIN, r, 0);
	assert_non_null(ev);
	assert_int_equal(ev->group, G2);
	assert_int_equal(ev->ifindex, 4);
}

/* ------------------------------------------------------------------ */
/* Re-entrant callbacks */

static void
hook_join_adds(struct tu_proto *p, const struct tu_event *ev)
{
	if (ev->kind != TU_CB_JOIN_ALERT || p->n_hook > 0)
		return;
	p->hook_status[p->n_hook++] = mgm_add_group_membership(
		p->env->mgm, p->h, 0, 0, ev->group, TU_HOST, 2, 0,
		MGM_JOIN_STATE_FLAG);
}

static void
test_join_alert_callback_adding_membership_does_not_deadlock(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	const struct tu_event *outer, *inner;

	alarm(DEADLOCK_GUARD_S);
	w.b->hook = hook_join_adds;
	tu_log_clear(e);
	tu_join(e, w.a, 0, G1, 1);
	assert_int_equal(w.b->n_hook, 1);
	assert_int_equal(w.b->hook_status[0], MGM_OK);
	outer = tu_log_find(e, TU_CB_JOIN_ALERT, w.b, 0);
	inner = tu_log_find(e, TU_CB_JOIN_ALERT, w.a, 0);
	assert_non_null(outer);
	assert_non_null(inner); /* B became the second (*,G1) client */
	assert_true(outer->seq < inner->seq);
	assert_int_equal(tu_enum_all(e, w.c, MGM_ENUM_ALL_SOURCES,
				     (struct mgm_source_group[4]){0}, 4),
			 1);
	alarm(0);
}

static void
hook_creation_releases_iif(struct tu_proto *p, const struct tu_event *ev)
{
	if (ev->kind != TU_CB_CREATION_ALERT || p->n_hook > 0)
		return;
	p->hook_status[p->n_hook++] = mgm_release_interface_ownership(
		p->env->mgm, p->hook_h, 1, 0);
}

static void
test_creation_alert_releasing_the_iif_leaves_consistent_state(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;

	/* B's creation alert makes A release the iif mid-creation (callbacks
	 * run unlocked).  Whether MGM then installs the MFE or drops it, it
	 * must not deadlock or crash, and the forwarder must mirror it. */
	alarm(DEADLOCK_GUARD_S);
	w.b->hook = hook_creation_releases_iif;
	w.b->hook_h = w.a->h;
	tu_join(e, w.b, 0, G1, 2);
	tu_miss(e, S1, G1, 1);
	assert_int_equal(w.b->n_hook, 1);
	assert_int_equal(w.b->hook_status[0], MGM_OK);
	tu_assert_fwd_mirrors_mgm(e);
	alarm(0);
}

/* ------------------------------------------------------------------ */
/* Handle and pointer validation */

static void
assert_bad_protocol_handle(struct tu_env *e, mgm_handle_t h)
{
	struct mgm_mfe key = {.source = S1, .source_mask = TU_HOST, .group = G1};
	mgm_handle_t eh = 0;

	assert_null(mgm_protocol_ctx(e->mgm, h));
	assert_int_equal(mgm_deregister_protocol(e->mgm, h),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_take_interface_ownership(e->mgm, h, 8, 0),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_release_interface_ownership(e->mgm, h, 1, 0),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_add_group_membership(e->mgm, h, 0, 0, G1, TU_HOST,
						  1, 0, MGM_JOIN_STATE_FLAG),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_delete_group_membership(e->mgm, h, 0, 0, G1,
						     TU_HOST, 1, 0,
						     MGM_JOIN_STATE_FLAG),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_set_mfe(e->mgm, h, &key), MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_group_enum_start(e->mgm, h, MGM_ENUM_ALL_SOURCES,
					      &eh),
			 MGM_ERR_INVALID_PARAMETER);
}

static void
assert_bad_enum_handle(struct tu_env *e, mgm_handle_t h)
{
	struct mgm_source_group buf[4];
	uint32_t size = sizeof(buf), count = 0;

	assert_int_equal(mgm_group_enum_next(e->mgm, h, &size, buf, &count),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_group_enum_end(e->mgm, h), MGM_ERR_INVALID_PARAMETER);
}

static void
test_garbage_stale_and_wrong_kind_handles_are_invalid_everywhere(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	static const struct mgm_protocol_ops none;
	mgm_handle_t stale = 0, live_enum = 0, ended_enum = 0;
	union tu_mfe_buf m;

	tu_join(e, w.a, 0, G1, 1);
	tu_miss(e, S1, G1, 1);
	assert_int_equal(mgm_register_protocol(e->mgm, &none, NULL, ID_RIP, 5,
					       &stale),
			 MGM_OK);
	assert_int_equal(mgm_deregister_protocol(e->mgm, stale), MGM_OK);
	assert_int_equal(mgm_group_enum_start(e->mgm, w.a->h,
					      MGM_ENUM_ALL_SOURCES, &live_enum),
			 MGM_OK);
	assert_int_equal(mgm_group_enum_start(e->mgm, w.a->h,
					      MGM_ENUM_ANY_SOURCE, &ended_enum),
			 MGM_OK);
	assert_int_equal(mgm_group_enum_end(e->mgm, ended_enum), MGM_OK);

	const mgm_handle_t bad_proto[] = {0, GARBAGE, ~(mgm_handle_t)0, stale,
					  live_enum, ended_enum};
	const mgm_handle_t bad_enum[] = {0, GARBAGE, ~(mgm_handle_t)0,
					 ended_enum, w.a->h, stale};

	for (unsigned k = 0; k < sizeof(bad_proto) / sizeof(bad_proto[0]); k++)
		assert_bad_protocol_handle(e, bad_proto[k]);
	for (unsigned k = 0; k < sizeof(bad_enum) / sizeof(bad_enum[0]); k++)
		assert_bad_enum_handle(e, bad_enum[k]);

	/* Nothing above disturbed live state. */
	assert_int_equal(mgm_group_enum_end(e->mgm, live_enum), MGM_OK);
	assert_int_equal(tu_enum_all(e, w.a, MGM_ENUM_ALL_SOURCES,
				     (struct mgm_source_group[4]){0}, 4),
			 1);
	tu_must_get_mfe(e, S1, G1, &m);
	tu_take(e, w.a, 8, 0);
}

static void
test_deregister_closes_its_open_enumerations(void **state)
{
	struct tu_env *e = *state;
	struct tu_proto *p = tu_proto_register(e, ID_OSPF, 1);
	mgm_handle_t eh = 0;

	assert_int_equal(mgm_group_enum_start(e->mgm, p->h, MGM_ENUM_ALL_SOURCES,
					      &eh),
			 MGM_OK);
	assert_int_equal(mgm_deregister_protocol(e->mgm, p->h), MGM_OK);
	assert_bad_enum_handle(e, eh); /* [i] §3.1 */
}

static void
test_null_pointer_arguments_are_invalid_parameter(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	struct mgm_mfe key = {.source = S1, .source_mask = TU_HOST, .group = G1};
	static uint8_t buf[4096];
	uint32_t size = sizeof(buf), count = 0, id = 0, comp = 0;
	mgm_handle_t h = 0, eh = 0;

	tu_miss(e, S1, G1, 1);
	assert_int_equal(mgm_register_protocol(e->mgm, NULL, NULL, ID_RIP, 1, &h),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_register_protocol(e->mgm, &tu_recorder_ops, NULL,
					       ID_RIP, 1, NULL),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_get_protocol_on_interface(e->mgm, 1, 0, NULL, &comp),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_get_protocol_on_interface(e->mgm, 1, 0, &id, NULL),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_get_mfe(e->mgm, NULL, &size, buf),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_get_mfe(e->mgm, &key, NULL, buf),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_get_mfe(e->mgm, &key, &size, NULL),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_get_first_mfe(e->mgm, NULL, buf, &count),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_get_first_mfe(e->mgm, &size, NULL, &count),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_get_first_mfe(e->mgm, &size, buf, NULL),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_get_next_mfe(e->mgm, NULL, &size, buf, &count),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_get_mfe_stats(e->mgm, NULL, &size, buf,
					   MGM_MFE_STATS_0),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_get_mfe_stats(e->mgm, &key, &size, NULL,
					   MGM_MFE_STATS_0),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_get_first_mfe_stats(e->mgm, &size, buf, NULL,
						 MGM_MFE_STATS_1),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_get_next_mfe_stats(e->mgm, NULL, &size, buf, &count,
						MGM_MFE_STATS_1),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_set_mfe(e->mgm, w.a->h, NULL),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_group_enum_start(e->mgm, w.a->h,
					      MGM_ENUM_ALL_SOURCES, NULL),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_group_enum_start(e->mgm, w.a->h,
					      MGM_ENUM_ALL_SOURCES, &eh),
			 MGM_OK);
	assert_int_equal(mgm_group_enum_next(e->mgm, eh, NULL, buf, &count),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_group_enum_next(e->mgm, eh, &size, NULL, &count),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_group_enum_next(e->mgm, eh, &size, buf, NULL),
			 MGM_ERR_INVALID_PARAMETER);
	assert_int_equal(mgm_group_enum_end(e->mgm, eh), MGM_OK);
	assert_int_equal(mgm_forwarder_miss(e->mgm, S1, G2, 1, 0, NULL, 20),
			 MGM_ERR_INVALID_PARAMETER);
	/* a unicast "group" is not a forwarder miss MGM can act on */
	assert_int_equal(mgm_forwarder_miss(e->mgm, S1, S2, 1, 0, tu_hdr,
					    sizeof(tu_hdr)),
			 MGM_ERR_INVALID_PARAMETER);
}

/* ------------------------------------------------------------------ */
/* Bookkeeping */

static void
test_counters_track_protocols_interfaces_memberships_and_mfes(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	struct mgm_counters c;

	tu_join(e, w.b, 0, G1, 2);
	tu_join(e, w.c, S1, G1, 3);
	tu_miss(e, S1, G1, 1);
	tu_miss(e, S1, G2, 1);
	mgm_get_counters(e->mgm, &c);
	assert_int_equal(c.protocols, 3);
	assert_int_equal(c.interfaces, 3);
	assert_int_equal(c.memberships, 2);
	assert_int_equal(c.mfes, 2);
	assert_int_equal(c.negative_mfes, 1);
	assert_int_equal(c.mfes_created, 2);
	assert_int_equal(c.fwd_errors, 0);
}

static void
test_group_enumeration_is_a_snapshot_taken_at_start(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;
	struct mgm_source_group buf[8];
	mgm_handle_t eh = 0;
	uint32_t size = sizeof(buf), count = 0;

	tu_join(e, w.a, 0, G1, 1);
	assert_int_equal(mgm_group_enum_start(e->mgm, w.a->h,
					      MGM_ENUM_ALL_SOURCES, &eh),
			 MGM_OK);
	tu_join(e, w.b, 0, G2, 2);
	tu_leave(e, w.a, 0, G1, 1);
	/* [i] §3.6: snapshot at Start */
	assert_int_equal(mgm_group_enum_next(e->mgm, eh, &size, buf, &count),
			 MGM_ERR_NO_MORE_ITEMS);
	assert_int_equal(count, 1);
	assert_int_equal(buf[0].group, G1);
	assert_int_equal(mgm_group_enum_end(e->mgm, eh), MGM_OK);
}

static void
test_wrong_if_on_unowned_interface_alerts_nobody(void **state)
{
	struct world w = world_abc(*state);
	struct tu_env *e = w.e;

	tu_miss(e, S1, G1, 1);
	tu_log_clear(e);
	assert_int_equal(mgm_forwarder_wrong_if(e->mgm, S1, G1, 9, 0, tu_hdr,
						sizeof(tu_hdr)),
			 MGM_OK);
	assert_int_equal(e->n_log, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, tu_setup, tu_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_creation_pipeline_rpf_then_creation_alert_then_install),
		T(test_no_route_mfe_is_negative_on_arrival_interface),
		T(test_unowned_iif_reports_mgm_as_in_if_protocol),
		T(test_second_miss_for_existing_mfe_changes_nothing),
		T(test_expiry_default_900s_with_decreasing_expiry_then_deleted),
		T(test_expiry_refreshes_mfe_whose_traffic_increased),
		T(test_expiry_uses_configured_timeout),
		T(test_run_timers_reports_time_to_next_expiry),
		T(test_release_of_iif_deletes_mfe_everywhere),
		T(test_release_of_last_oif_prunes_to_iif_owner),
		T(test_more_specific_route_via_other_interface_deletes_mfe),
		T(test_route_withdrawal_deletes_mfe),
		T(test_star_g_add_and_delete_update_existing_mfe),
		T(test_star_star_add_reaches_every_mfe_except_where_iif),
		T(test_sg_add_reaches_only_that_mfe),
		T(test_forward_state_add_then_delete),
		T(test_oif_list_never_gains_the_iif),
		T(test_negative_mfe_gaining_an_oif_sends_join_alert_false_to_iif_owner),
		T(test_forwarder_mirrors_mgm_table_through_churn),
		T(test_destroy_deletes_every_entry_from_forwarder_without_callbacks),
		T(test_set_forwarder_installs_existing_mfes_in_the_new_one),
		T(test_disable_and_enable_igmp_bracket_the_ownership_change),
		T(test_igmp_readd_after_enable_gives_local_join_to_new_owner),
		T(test_join_alert_callback_adding_membership_does_not_deadlock),
		T(test_creation_alert_releasing_the_iif_leaves_consistent_state),
		T(test_garbage_stale_and_wrong_kind_handles_are_invalid_everywhere),
		T(test_deregister_closes_its_open_enumerations),
		T(test_null_pointer_arguments_are_invalid_parameter),
		T(test_counters_track_protocols_interfaces_memberships_and_mfes),
		T(test_group_enumeration_is_a_snapshot_taken_at_start),
		T(test_wrong_if_on_unowned_interface_alerts_nobody),
	};

	return cmocka_run_group_tests_name("mgm_lifecycle", tests, NULL, NULL);
}
