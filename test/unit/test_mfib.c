/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/mfib: the fast-path table's promises — what a worker finds after a
 * change, that statistics follow an (S,G) across replacement, that nothing
 * is freed or reused while a reader may still hold it, and that lib/mgm
 * drives it as its forwarder.
 *
 * One EAL for the whole program (it can be initialised once per process),
 * with --no-huge so no hugepages are needed; lcore 1 is the churn test's
 * reader.  MFIB_BIG=1 adds the 1M-entry memory measurement (and gives EAL
 * enough memory for it).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "mfib.h"
#include "mgm.h"
#include "rtm.h"

#define IP(a, b, c, d)                                        \
	htonl(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
	      ((uint32_t)(c) << 8) | (uint32_t)(d))

/* Interfaces 1..4: ports 0..3 untagged; 5..8: the same ports, VLAN 100+i. */
#define N_IFACE   8
#define ETH_PORTS 4

static unsigned int g_table_seq;

static bool
big_enabled(void)
{
	const char *v = getenv("MFIB_BIG");

	return v != NULL && strcmp(v, "1") == 0;
}

static int
eal_setup(void **state)
{
	char *argv[] = {
		"test_mfib",
		"--no-huge",
		"-m",
		big_enabled() ? "3072" : "512",
		"--no-shconf",
		"--no-pci",
		"-l",
		"0-1",
		"--log-level=lib.eal:error",
		"--log-level=mcastfwd.mfib:warning",
	};

	(void)state;
	if (rte_eal_init(RTE_DIM(argv), argv) < 0) {
		fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

static int
eal_teardown(void **state)
{
	(void)state;
	rte_eal_cleanup();
	return 0;
}

/* Fixtures -------------------------------------------------------------- */

static struct mfib *
table_new(uint32_t max_entries, uint32_t max_lcores, uint32_t max_readers)
{
	char name[16];
	struct mfib_config cfg = {
		.name = name,
		.socket_id = 0,
		.max_entries = max_entries,
		.max_lcores = max_lcores,
		.max_readers = max_readers,
	};
	struct mfib *t;

	snprintf(name, sizeof(name), "t%u", g_table_seq++);
	t = mfib_create(&cfg);
	assert_non_null(t);
	return t;
}

static struct mfib_iface
iface_of(uint32_t ifindex)
{
	struct mfib_iface ifc = {
		.ifindex = ifindex,
		.port = (uint16_t)((ifindex - 1) % ETH_PORTS),
		.vlan = ifindex <= ETH_PORTS ? 0 : (uint16_t)(100 + ifindex),
		.mtu = (uint16_t)(1500 - ifindex),
		.ttl_threshold = (uint8_t)ifindex,
		.mac = { { 0x02, 0, 0, 0, 0, (uint8_t)ifindex } },
	};

	snprintf(ifc.name, sizeof(ifc.name), "if%u", ifindex);
	return ifc;
}

static void
ifaces_add(struct mfib *t)
{
	for (uint32_t i = 1; i <= N_IFACE; i++) {
		struct mfib_iface ifc = iface_of(i);

		assert_int_equal(mfib_iface_add(t, &ifc), 0);
	}
}

static struct mfib *
table_with_ifaces(uint32_t max_entries, uint32_t max_lcores,
                  uint32_t max_readers)
{
	struct mfib *t = table_new(max_entries, max_lcores, max_readers);

	ifaces_add(t);
	return t;
}

static int
set_list(struct mfib *t, uint32_t s, uint32_t g, uint32_t iif, uint16_t n,
         const uint32_t *oifs)
{
	struct mfib_spec spec = {
		.src = s,
		.grp = g,
		.iif = iif,
		.n_oif = n,
		.oif_ifindex = oifs,
	};

	return mfib_set(t, &spec);
}

/* mfib_set of (s, g) from iif to the n ifindexes that follow. */
static int
set(struct mfib *t, uint32_t s, uint32_t g, uint32_t iif, unsigned int n, ...)
{
	uint32_t oifs[MFIB_MAX_OIF];
	va_list ap;

	va_start(ap, n);
	for (unsigned int i = 0; i < n; i++)
		oifs[i] = va_arg(ap, uint32_t);
	va_end(ap);
	return set_list(t, s, g, iif, (uint16_t)n, oifs);
}

/* What a worker finds for (s, g), or NULL. */
static const struct mfib_entry *
lookup(const struct mfib *t, uint32_t s, uint32_t g)
{
	struct mfib_key k;
	void *data;

	mfib_key_make(&k, s, g);
	if (rte_hash_lookup_data(mfib_hash(t), &k, &data) < 0)
		return NULL;
	return data;
}

static const struct mfib_oif *
oif_of(const struct mfib_entry *e, uint32_t ifindex)
{
	for (uint16_t i = 0; i < e->n_oif; i++)
		if (e->oif[i].ifindex == ifindex)
			return &e->oif[i];
	return NULL;
}

static void
assert_oif_matches_iface(const struct mfib *t, const struct mfib_oif *o)
{
	const struct mfib_iface *ifc = mfib_iface_get(t, o->ifindex);

	assert_non_null(ifc);
	assert_int_equal(o->port, ifc->port);
	assert_int_equal(mfib_oif_vlan(o), ifc->vlan);
	assert_int_equal(o->l2_len, ifc->vlan ? 18 : 14);
	assert_int_equal(o->mtu, ifc->mtu);
	assert_int_equal(o->ttl_threshold, ifc->ttl_threshold);
	assert_memory_equal(mfib_oif_src_mac(o), &ifc->mac, sizeof(ifc->mac));
	/* the header ends with the IPv4 ethertype, after the tag if any */
	assert_int_equal(o->l2[o->l2_len - 2], 0x08);
	assert_int_equal(o->l2[o->l2_len - 1], 0x00);
	if (ifc->vlan) {
		assert_int_equal(o->l2[12], 0x81);
		assert_int_equal(o->l2[13], 0x00);
	}
}

static const uint32_t S1 = 0x0101010a; /* 10.1.1.1 */
static const uint32_t S2 = 0x0201010a; /* 10.1.1.2 */
static const uint32_t G1 = 0x010101ef; /* 239.1.1.1 */
static const uint32_t G2 = 0x020101ef; /* 239.1.1.2 */

/* Creation and interfaces ----------------------------------------------- */

static void
test_create_rejects_bad_config(void **state)
{
	struct mfib_config cfg = {
		.name = "bad",
		.max_entries = 1024,
		.max_lcores = 1,
		.max_readers = 1,
	};

	(void)state;
	assert_null(mfib_create(NULL));
	cfg.max_entries = 0;
	assert_null(mfib_create(&cfg));
	assert_int_equal(rte_errno, EINVAL);
	cfg.max_entries = 1024;
	cfg.max_lcores = MFIB_MAX_LCORES + 1;
	assert_null(mfib_create(&cfg));
	cfg.max_lcores = 1;
	/* counter slots (2 per entry + the pool) past 32-bit ids: refused
	 * before anything is allocated, the default pool included */
	cfg.max_oif_ctrs = UINT32_MAX - 2 * 1024;
	assert_null(mfib_create(&cfg));
	assert_int_equal(rte_errno, EINVAL);
	cfg.max_oif_ctrs = 0;
	cfg.max_entries = 1u << 30; /* + 3 × 2^30 by default: 5 × 2^30 */
	assert_null(mfib_create(&cfg));
	assert_int_equal(rte_errno, EINVAL);
	cfg.max_entries = 1024;
	/* the largest pool that fits passes the check, and fails on memory
	 * (~128 GiB of counters) */
	cfg.max_oif_ctrs = UINT32_MAX - 2 * 1024 - 1;
	assert_null(mfib_create(&cfg));
	assert_int_equal(rte_errno, ENOMEM);
	cfg.max_oif_ctrs = 0;
	cfg.name = "a-name-much-too-long-for-the-rings";
	assert_null(mfib_create(&cfg));
	assert_int_equal(rte_errno, ENAMETOOLONG);
}

static void
test_create_twice_with_one_name_fails(void **state)
{
	struct mfib_config cfg = {
		.name = "dup",
		.max_entries = 64,
		.max_lcores = 1,
		.max_readers = 1,
	};
	struct mfib *a = mfib_create(&cfg);

	(void)state;
	assert_non_null(a);
	assert_null(mfib_create(&cfg));
	mfib_destroy(a);
	/* The name is free again once destroyed. */
	a = mfib_create(&cfg);
	assert_non_null(a);
	mfib_destroy(a);
}

static void
test_iface_add_rejects_bad_and_duplicate(void **state)
{
	struct mfib *t = table_with_ifaces(64, 1, 1);
	struct mfib_iface ifc = iface_of(9);

	(void)state;
	ifc.ifindex = 0;
	assert_int_equal(mfib_iface_add(t, &ifc), -EINVAL);
	ifc.ifindex = MFIB_MAX_IFACE + 1;
	assert_int_equal(mfib_iface_add(t, &ifc), -EINVAL);
	ifc = iface_of(9);
	ifc.vlan = 4095;
	assert_int_equal(mfib_iface_add(t, &ifc), -EINVAL);

	ifc = iface_of(9);
	ifc.ifindex = 3; /* taken */
	assert_int_equal(mfib_iface_add(t, &ifc), -EEXIST);
	ifc = iface_of(9);
	ifc.port = 1;
	ifc.vlan = 106; /* ifindex 6's (port, VLAN) */
	assert_int_equal(mfib_iface_add(t, &ifc), -EEXIST);
	ifc = iface_of(9);
	strcpy(ifc.name, "if2");
	assert_int_equal(mfib_iface_add(t, &ifc), -EEXIST);

	ifc = iface_of(9);
	assert_int_equal(mfib_iface_add(t, &ifc), 0);
	assert_ptr_equal(mfib_iface_by_name(t, "if9"), mfib_iface_get(t, 9));
	assert_int_equal(mfib_iface_get(t, 9)->mtu, ifc.mtu);
	assert_null(mfib_iface_get(t, 10));
	assert_null(mfib_iface_by_name(t, "nope"));
	mfib_destroy(t);
}

static void
test_iface_rx_vlan_map(void **state)
{
	struct mfib *t = table_with_ifaces(64, 1, 1);

	(void)state;
	assert_int_equal(mfib_iface_rx(t, 0, 0), 1);
	assert_int_equal(mfib_iface_rx(t, 3, 0), 4);
	assert_int_equal(mfib_iface_rx(t, 0, 105), 5);
	assert_int_equal(mfib_iface_rx(t, 1, 106), 6);
	/* VLAN 105 lives on port 0 only. */
	assert_int_equal(mfib_iface_rx(t, 1, 105), 0);
	assert_int_equal(mfib_iface_rx(t, 0, 999), 0);
	/* Priority bits of a whole TCI do not change the interface. */
	assert_int_equal(mfib_iface_rx(t, 0, 0xe000 | 105), 5);
	/* Ports without interfaces, and out of range. */
	assert_int_equal(mfib_iface_rx(t, 7, 0), 0);
	assert_int_equal(mfib_iface_rx(t, 7, 105), 0);
	assert_int_equal(mfib_iface_rx(t, 60000, 0), 0);
	mfib_destroy(t);
}

/* Publishing ------------------------------------------------------------ */

static void
test_set_then_lookup_returns_entry_with_outputs(void **state)
{
	struct mfib *t = table_with_ifaces(64, 1, 1);
	const struct mfib_entry *e;
	struct mfib_key keys[2];
	const void *kp[2] = { &keys[0], &keys[1] };
	void *data[2];
	uint64_t hits = 0;

	(void)state;
	assert_int_equal(set(t, S1, G1, 1, 2, 2, 6), 0);
	assert_int_equal(mfib_count(t), 1);
	e = lookup(t, S1, G1);
	assert_non_null(e);
	assert_int_equal(e->iif, 1);
	assert_int_equal(e->flags, 0);
	assert_int_equal(e->n_oif, 2);
	assert_int_equal(e->oif[0].ifindex, 2);
	assert_int_equal(e->oif[1].ifindex, 6);
	assert_int_equal(mfib_oif_vlan(&e->oif[1]), 106);
	assert_oif_matches_iface(t, &e->oif[0]);
	assert_oif_matches_iface(t, &e->oif[1]);
	assert_int_not_equal(e->oif[0].ctr_id, e->oif[1].ctr_id);

	/* The way workers look up: in bulk, a miss leaves its bit clear. */
	mfib_key_make(&keys[0], S1, G2);
	mfib_key_make(&keys[1], S1, G1);
	assert_int_equal(
	        rte_hash_lookup_bulk_data(mfib_hash(t), kp, 2, &hits, data), 1);
	assert_int_equal(hits, 2);
	assert_ptr_equal(data[1], e);
	mfib_destroy(t);
}

static void
test_star_g_entry_is_keyed_by_source_zero(void **state)
{
	struct mfib *t = table_with_ifaces(64, 1, 1);

	(void)state;
	assert_int_equal(set(t, 0, G1, 2, 1, 3), 0);
	assert_non_null(lookup(t, 0, G1));
	assert_null(lookup(t, S1, G1));
	assert_int_equal(mfib_del(t, 0, G1), 0);
	assert_null(lookup(t, 0, G1));
	mfib_destroy(t);
}

static void
test_unknown_interface_is_einval(void **state)
{
	struct mfib *t = table_with_ifaces(64, 1, 1);
	uint32_t many[MFIB_MAX_OIF + 1];

	(void)state;
	assert_int_equal(set(t, S1, G1, 1, 2, 2, 42), -EINVAL);
	assert_int_equal(set(t, S1, G1, 42, 1, 2), -EINVAL);
	assert_int_equal(set(t, S1, G1, 0, 1, 2), -EINVAL);
	for (unsigned int i = 0; i < RTE_DIM(many); i++)
		many[i] = 2;
	assert_int_equal(set_list(t, S1, G1, 1, MFIB_MAX_OIF + 1, many),
	                 -EINVAL);
	assert_int_equal(mfib_count(t), 0);
	assert_null(lookup(t, S1, G1));
	mfib_destroy(t);
}

static void
test_any_iif_entry_needs_no_incoming_interface(void **state)
{
	struct mfib *t = table_with_ifaces(64, 1, 1);
	struct mfib_spec spec = {
		.src = S1,
		.grp = G1,
		.flags = MFIB_F_ANY_IIF | MFIB_F_STATIC,
		.n_oif = 1,
		.oif_ifindex = (const uint32_t[]){ 3 },
	};

	(void)state;
	assert_int_equal(mfib_set(t, &spec), 0);
	assert_int_equal(lookup(t, S1, G1)->flags,
	                 MFIB_F_ANY_IIF | MFIB_F_STATIC);
	mfib_destroy(t);
}

static void
test_iif_never_in_outputs(void **state)
{
	struct mfib *t = table_with_ifaces(64, 1, 1);
	const struct mfib_entry *e;

	(void)state;
	assert_int_equal(set(t, S1, G1, 2, 4, 1, 2, 3, 3), 0);
	e = lookup(t, S1, G1);
	/* The iif is dropped, a repeated output kept once. */
	assert_int_equal(e->n_oif, 2);
	assert_non_null(oif_of(e, 1));
	assert_non_null(oif_of(e, 3));
	assert_null(oif_of(e, 2));
	mfib_destroy(t);
}

static void
test_no_outputs_makes_a_negative_entry(void **state)
{
	struct mfib *t = table_with_ifaces(64, 1, 1);

	(void)state;
	assert_int_equal(set(t, S1, G1, 2, 0), 0);
	assert_int_equal(lookup(t, S1, G1)->flags, MFIB_F_NEGATIVE);
	/* Outputs that are all the iif leave nothing either. */
	assert_int_equal(set(t, S1, G2, 2, 1, 2), 0);
	assert_int_equal(lookup(t, S1, G2)->flags, MFIB_F_NEGATIVE);
	assert_int_equal(lookup(t, S1, G2)->n_oif, 0);
	/* Outputs again: no longer negative. */
	assert_int_equal(set(t, S1, G2, 2, 1, 3), 0);
	assert_int_equal(lookup(t, S1, G2)->flags, 0);
	mfib_destroy(t);
}

static void
test_next_hop_output_is_sent_to_the_group_mac(void **state)
{
	struct mfib *t = table_with_ifaces(64, 1, 1);
	struct mfib_spec spec = {
		.src = S1,
		.grp = G1,
		.iif = 1,
		.n_oif = 2,
		.oif_ifindex = (const uint32_t[]){ 2, 3 },
		.oif_nexthop = (const uint32_t[]){ IP(10, 0, 0, 9), 0 },
	};

	(void)state;
	assert_int_equal(mfib_set(t, &spec), 0);
	/* no neighbour resolution: both get the group MAC of 239.1.1.1 */
	for (unsigned int i = 0; i < 2; i++)
		assert_memory_equal(lookup(t, S1, G1)->oif[i].l2,
		                    ((const uint8_t[]){ 0x01, 0x00, 0x5e, 0x01,
		                                        0x01, 0x01 }),
		                    6);
	mfib_destroy(t);
}

static void
test_replace_keeps_entry_id_and_output_counter_ids(void **state)
{
	struct mfib *t = table_with_ifaces(64, 1, 1);
	const struct mfib_entry *a, *b;
	uint32_t ctr3, ctr4, ctr2;

	(void)state;
	assert_int_equal(set(t, S1, G1, 1, 3, 2, 3, 4), 0);
	a = lookup(t, S1, G1);
	ctr2 = oif_of(a, 2)->ctr_id;
	ctr3 = oif_of(a, 3)->ctr_id;
	ctr4 = oif_of(a, 4)->ctr_id;

	assert_int_equal(set(t, S1, G1, 1, 3, 4, 5, 3), 0);
	b = lookup(t, S1, G1);
	assert_ptr_not_equal(a, b); /* a new entry, never an in-place edit */
	assert_int_equal(b->id, a->id);
	assert_int_equal(oif_of(b, 3)->ctr_id, ctr3);
	assert_int_equal(oif_of(b, 4)->ctr_id, ctr4);
	/* The newcomer has its own id, not one a reader may still use. */
	assert_int_not_equal(oif_of(b, 5)->ctr_id, ctr3);
	assert_int_not_equal(oif_of(b, 5)->ctr_id, ctr4);
	assert_int_not_equal(oif_of(b, 5)->ctr_id, ctr2);
	assert_int_equal(mfib_count(t), 1);
	mfib_destroy(t);
}

static void
test_del_and_read_of_unknown_entry_is_enoent(void **state)
{
	struct mfib *t = table_with_ifaces(64, 1, 1);
	struct mfib_entry_ctr ec;

	(void)state;
	assert_int_equal(mfib_del(t, S1, G1), -ENOENT);
	assert_int_equal(mfib_read(t, S1, G1, &ec, NULL, NULL, 0), -ENOENT);
	assert_int_equal(set(t, S1, G1, 1, 1, 2), 0);
	assert_int_equal(mfib_del(t, S1, G1), 0);
	assert_int_equal(mfib_del(t, S1, G1), -ENOENT);
	assert_int_equal(mfib_count(t), 0);
	mfib_destroy(t);
}

/* Every retirement logs the key its entry was published under, in
 * order, for readers that cache by key; the log says when it has moved
 * past a retirement. */
static void
test_retired_keys_are_logged_in_order(void **state)
{
	struct mfib *t = table_with_ifaces(64, 1, 1);
	uint64_t base, key, n;

	(void)state;
	base = mfib_retire_seq(t);
	assert_int_equal(set(t, S1, G1, 1, 1, 2), 0);
	assert_int_equal(set(t, 0, G2, 1, 1, 2), 0);
	assert_int_equal(mfib_retire_seq(t), base); /* adds retire nothing */
	assert_int_equal(set(t, S1, G1, 1, 1, 3), 0); /* replaced */
	assert_int_equal(mfib_del(t, 0, G2), 0);      /* deleted */
	assert_int_equal(mfib_del(t, S1, G1), 0);
	assert_int_equal(mfib_retire_seq(t), base + 3);
	assert_true(mfib_retired_key(t, base, &key));
	assert_int_equal(key, mfib_flow_key(S1, G1));
	assert_true(mfib_retired_key(t, base + 1, &key));
	assert_int_equal(key, mfib_flow_key(0, G2));
	assert_true(mfib_retired_key(t, base + 2, &key));
	assert_int_equal(key, mfib_flow_key(S1, G1));

	/* MFIB_RETIRE_LOG more: the first three are gone, the rest kept */
	assert_int_equal(set(t, S2, G1, 1, 1, 2), 0);
	for (n = 0; n < MFIB_RETIRE_LOG; n++) {
		assert_int_equal(set(t, S2, G1, 1, 1, 2 + (uint32_t)(n & 1)),
		                 0);
		mfib_reclaim(t);
	}
	assert_int_equal(mfib_retire_seq(t), base + 3 + MFIB_RETIRE_LOG);
	assert_false(mfib_retired_key(t, base, &key));
	assert_false(mfib_retired_key(t, base + 2, &key));
	assert_true(mfib_retired_key(t, base + 3, &key));
	assert_int_equal(key, mfib_flow_key(S2, G1));
	assert_true(mfib_retired_key(t, base + 2 + MFIB_RETIRE_LOG, &key));
	assert_int_equal(key, mfib_flow_key(S2, G1));
	mfib_destroy(t);
}

/* Grace periods --------------------------------------------------------- */

static void
test_deleted_entry_freed_only_after_reader_quiescent(void **state)
{
	struct mfib *t = table_with_ifaces(64, 1, 1);
	uint64_t mem_before, mem_held;
	uint32_t old_id;

	(void)state;
	assert_int_equal(mfib_reader_register(t, 0), 0);
	mem_before = mfib_memory(t);
	/* Six outputs: bigger than a slab slot, so the entry's memory
	 * shows in mfib_memory(). */
	assert_int_equal(set(t, S1, G1, 1, 6, 2, 3, 4, 5, 6, 7), 0);
	old_id = lookup(t, S1, G1)->id;
	mem_held = mfib_memory(t);
	assert_true(mem_held > mem_before);

	assert_int_equal(mfib_del(t, S1, G1), 0);
	assert_null(lookup(t, S1, G1));
	/* The reader has not passed a quiescent state: nothing goes. */
	assert_int_equal(mfib_reclaim(t), 0);
	assert_int_equal(mfib_memory(t), mem_held);
	/* ...and the entry id is not handed out again meanwhile. */
	assert_int_equal(set(t, S1, G2, 1, 1, 2), 0);
	assert_int_not_equal(lookup(t, S1, G2)->id, old_id);

	mfib_quiescent(mfib_rcu(t), 0);
	assert_int_equal(mfib_reclaim(t), 1);
	assert_true(mfib_memory(t) < mem_held);
	mfib_reader_unregister(t, 0);
	mfib_destroy(t);
}

static void
test_replaced_entry_freed_only_after_reader_quiescent(void **state)
{
	struct mfib *t = table_with_ifaces(64, 1, 2);
	uint64_t mem_one;

	(void)state;
	assert_int_equal(mfib_reader_register(t, 0), 0);
	assert_int_equal(mfib_reader_register(t, 1), 0);
	assert_int_equal(set(t, S1, G1, 1, 6, 2, 3, 4, 5, 6, 7), 0);
	mem_one = mfib_memory(t);
	assert_int_equal(set(t, S1, G1, 1, 6, 2, 3, 4, 5, 6, 8), 0);
	assert_true(mfib_memory(t) > mem_one); /* old and new both held */
	assert_int_equal(mfib_reclaim(t), 0);
	/* Every reader must pass, not just one. */
	mfib_quiescent(mfib_rcu(t), 0);
	assert_int_equal(mfib_reclaim(t), 0);
	mfib_quiescent(mfib_rcu(t), 1);
	assert_int_equal(mfib_reclaim(t), 1);
	assert_int_equal(mfib_memory(t), mem_one);
	/* An offline reader holds nothing back. */
	mfib_reader_unregister(t, 1);
	assert_int_equal(set(t, S1, G1, 1, 6, 2, 3, 4, 5, 6, 7), 0);
	mfib_quiescent(mfib_rcu(t), 0);
	assert_int_equal(mfib_reclaim(t), 1);
	mfib_reader_unregister(t, 0);
	mfib_destroy(t);
}

/* A report of a token read before a retirement says nothing of it: the
 * entry and its ids wait for a later report.  (A reader that keeps
 * counts under entries' ids reads the token, adds what it kept for the
 * entries retired so far, then reports: see mfib_quiescent_token().) */
static void
test_report_of_an_earlier_token_keeps_later_retirements(void **state)
{
	struct mfib *t = table_with_ifaces(8, 1, 1);
	struct rte_rcu_qsbr *v = mfib_rcu(t);
	uint64_t token;

	(void)state;
	assert_int_equal(mfib_reader_register(t, 0), 0);
	assert_int_equal(set(t, S1, G1, 1, 1, 2), 0);
	assert_int_equal(set(t, S1, G2, 1, 1, 2), 0);
	assert_int_equal(mfib_del(t, S1, G2), 0);
	token = mfib_quiescent_token(v); /* after G2's retirement */
	assert_int_equal(mfib_del(t, S1, G1), 0);
	mfib_quiescent_at(v, 0, token);
	assert_int_equal(mfib_reclaim(t), 1); /* G2's entry, not G1's */
	mfib_quiescent_at(v, 0, mfib_quiescent_token(v));
	assert_int_equal(mfib_reclaim(t), 1);
	mfib_reader_unregister(t, 0);
	mfib_destroy(t);
}

static void
test_ids_return_only_after_grace_period(void **state)
{
	/* The smallest table: 8 entries, 32 output counter ids. */
	struct mfib *t = table_with_ifaces(8, 1, 1);
	uint32_t freed_id;

	(void)state;
	assert_int_equal(mfib_reader_register(t, 0), 0);
	for (uint32_t i = 0; i < 8; i++)
		assert_int_equal(set(t, S1, G1 + (i << 24), 1, 1, 2), 0);
	assert_int_equal(set(t, S1, G2 + (9u << 24), 1, 1, 2), -ENOSPC);
	freed_id = lookup(t, S1, G1)->id;
	assert_int_equal(mfib_del(t, S1, G1), 0);
	/* Deleted, but a reader may still count into its id. */
	assert_int_equal(set(t, S1, G2 + (9u << 24), 1, 1, 2), -ENOSPC);
	mfib_quiescent(mfib_rcu(t), 0);
	assert_int_equal(set(t, S1, G2 + (9u << 24), 1, 1, 2), 0);
	assert_int_equal(lookup(t, S1, G2 + (9u << 24))->id, freed_id);
	assert_int_equal(mfib_count(t), 8);
	mfib_reader_unregister(t, 0);
	mfib_destroy(t);
}

/* Counters -------------------------------------------------------------- */

static void
test_counters_sum_over_lcores_and_survive_replacement(void **state)
{
	struct mfib *t = table_with_ifaces(64, 3, 1);
	const struct mfib_entry *e;
	const uint32_t want[3] = { 2, 3, 4 };
	struct mfib_oif_ctr oc[3];
	struct mfib_entry_ctr ec;

	(void)state;
	assert_int_equal(set(t, S1, G1, 1, 2, 2, 3), 0);
	e = lookup(t, S1, G1);
	for (unsigned int lc = 0; lc < 3; lc++) {
		mfib_entry_ctrs(t, lc)[e->id].in_pkts += lc + 1;
		mfib_entry_ctrs(t, lc)[e->id].in_octets += 100 * (lc + 1);
		mfib_entry_ctrs(t, lc)[e->id].wrong_if += 1;
		mfib_oif_ctrs(t, lc)[oif_of(e, 2)->ctr_id].out_pkts += 10;
		mfib_oif_ctrs(t, lc)[oif_of(e, 3)->ctr_id].out_pkts += lc;
		mfib_oif_ctrs(t, lc)[oif_of(e, 3)->ctr_id].ttl_too_low += 1;
	}
	/* 2 leaves, 3 stays, 4 arrives. */
	assert_int_equal(set(t, S1, G1, 1, 2, 3, 4), 0);
	assert_int_equal(mfib_read(t, S1, G1, &ec, want, oc, 3), 0);
	assert_int_equal(ec.in_pkts, 6);
	assert_int_equal(ec.in_octets, 600);
	assert_int_equal(ec.wrong_if, 3);
	assert_int_equal(ec.negative, 0);
	assert_int_equal(oc[0].out_pkts, 0); /* no longer an output */
	assert_int_equal(oc[1].out_pkts, 3);
	assert_int_equal(oc[1].ttl_too_low, 3);
	assert_int_equal(oc[2].out_pkts, 0);
	assert_null(mfib_entry_ctrs(t, 3));
	mfib_destroy(t);
}

static void
test_reused_id_starts_at_zero(void **state)
{
	struct mfib *t = table_with_ifaces(64, 2, 1);
	const struct mfib_entry *e;
	struct mfib_oif_ctr oc;
	struct mfib_entry_ctr ec;
	uint32_t id, ctr, two = 2;

	(void)state;
	assert_int_equal(set(t, S1, G1, 1, 1, 2), 0);
	e = lookup(t, S1, G1);
	id = e->id;
	ctr = e->oif[0].ctr_id;
	for (unsigned int lc = 0; lc < 2; lc++) {
		mfib_entry_ctrs(t, lc)[id].in_pkts = 7;
		mfib_entry_ctrs(t, lc)[id].negative = 7;
		mfib_oif_ctrs(t, lc)[ctr].out_pkts = 7;
		mfib_oif_ctrs(t, lc)[ctr].out_discards = 7;
	}
	assert_int_equal(mfib_del(t, S1, G1), 0);
	assert_int_equal(mfib_reclaim(t), 1); /* no readers: no wait */

	assert_int_equal(set(t, S1, G2, 1, 1, 2), 0);
	e = lookup(t, S1, G2);
	assert_int_equal(e->id, id); /* the same ids, handed out again */
	assert_int_equal(e->oif[0].ctr_id, ctr);
	assert_int_equal(mfib_read(t, S1, G2, &ec, &two, &oc, 1), 0);
	assert_int_equal(ec.in_pkts, 0);
	assert_int_equal(ec.negative, 0);
	assert_int_equal(oc.out_pkts, 0);
	assert_int_equal(oc.out_discards, 0);
	mfib_destroy(t);
}

/* An entry's first output counts in the slot beside the entry's own, in
 * its cache line; other outputs, and a first one whose slot is still held
 * by a removed output (until the grace period), count in the pool's. */
static void
test_first_output_counts_beside_its_entry(void **state)
{
	/* 8 entries: 8 pairs of slots, then a pool of 3 × 8 = 24 */
	struct mfib *t = table_with_ifaces(8, 1, 1);
	const uint32_t pool0 = 2 * 8;
	const struct mfib_entry *e;
	struct mfib_entry_ctr ec;
	struct mfib_oif_ctr oc[3];
	uint32_t id, oifs[3] = {2, 3, 4};

	(void)state;
	assert_int_equal(mfib_reader_register(t, 0), 0);
	assert_int_equal(set(t, S1, G1, 1, 3, 2, 3, 4), 0);
	e = lookup(t, S1, G1);
	id = e->id;
	assert_int_equal(id % 2, 0);
	assert_int_equal(oif_of(e, 2)->ctr_id, id + 1);
	assert_true(oif_of(e, 3)->ctr_id >= pool0);
	assert_true(oif_of(e, 4)->ctr_id >= pool0);
	assert_ptr_equal(
	        RTE_PTR_ALIGN_FLOOR(&mfib_entry_ctrs(t, 0)[id], 64),
	        RTE_PTR_ALIGN_FLOOR(&mfib_oif_ctrs(t, 0)[id + 1], 64));
	/* one block, slots apart */
	mfib_entry_ctrs(t, 0)[id].in_pkts = 5;
	mfib_oif_ctrs(t, 0)[id + 1].out_pkts = 6;
	assert_int_equal(mfib_read(t, S1, G1, &ec, oifs, oc, 3), 0);
	assert_int_equal(ec.in_pkts, 5);
	assert_int_equal(oc[0].out_pkts, 6);
	assert_int_equal(oc[1].out_pkts + oc[2].out_pkts, 0);

	/* 2 replaced by 5: a reader may still count into 2's slot */
	assert_int_equal(set(t, S1, G1, 1, 3, 5, 3, 4), 0);
	e = lookup(t, S1, G1);
	assert_int_equal(e->id, id);
	assert_true(oif_of(e, 5)->ctr_id >= pool0);
	/* after the grace period the next new output takes the pair's slot,
	 * zeroed */
	mfib_quiescent(mfib_rcu(t), 0);
	assert_int_equal(mfib_reclaim(t), 1);
	assert_int_equal(set(t, S1, G1, 1, 3, 6, 3, 4), 0);
	e = lookup(t, S1, G1);
	assert_int_equal(oif_of(e, 6)->ctr_id, id + 1);
	oifs[0] = 6;
	assert_int_equal(mfib_read(t, S1, G1, &ec, oifs, oc, 1), 0);
	assert_int_equal(oc[0].out_pkts, 0);
	mfib_quiescent(mfib_rcu(t), 0);
	assert_int_equal(mfib_reclaim(t), 1);

	/* 4 outputs per entry fill pairs and pool exactly; then none is
	 * left for a fifth */
	assert_int_equal(mfib_del(t, S1, G1), 0);
	mfib_quiescent(mfib_rcu(t), 0);
	assert_int_equal(mfib_reclaim(t), 1);
	for (uint32_t i = 0; i < 8; i++)
		assert_int_equal(set(t, S1, G1 + (i << 24), 1, 4, 2, 3, 4, 5),
		                 0);
	assert_int_equal(set(t, S1, G1, 1, 5, 2, 3, 4, 5, 6), -ENOSPC);
	assert_int_equal(mfib_count(t), 8);
	mfib_reader_unregister(t, 0);
	mfib_destroy(t);
}

/* lib/mgm over mfib ----------------------------------------------------- */

static void
test_mgm_ops_mirror(void **state)
{
	struct mfib *t = table_with_ifaces(64, 2, 1);
	struct mgm_protocol_ops pops = { 0 };
	struct rtm_ip_route route = { 0 };
	union {
		struct mgm_mfe_stats_ex s;
		uint8_t raw[MGM_MFE_STATS_EX_SIZE(8)];
	} buf;
	struct mgm_mfe key = { 0 };
	const struct mfib_entry *e;
	const uint32_t S = IP(10, 1, 1, 1), G = IP(239, 1, 1, 1);
	struct mgm_config mc = { 0 };
	struct mgm_counters mctr;
	enum rtm_status rerr;
	uint32_t flags = 0, size;
	rtm_client_t rc;
	mgm_handle_t h;
	struct rtm *r;
	struct mgm *m;

	(void)state;
	r = rtm_create(NULL);
	assert_non_null(r);
	rc = rtm_register_client(r, RTM_FAMILY_IP, RTM_PROTO_IP_NETMGMT, -1, 0,
	                         &rerr);
	assert_int_equal(rerr, RTM_OK);
	route.ifindex = 1;
	route.network.number = IP(10, 0, 0, 0);
	route.network.mask = IP(255, 0, 0, 0);
	route.next_hop.number = IP(192, 168, 1, 1);
	route.next_hop.mask = 0xffffffffu;
	assert_int_equal(rtm_add_route(r, rc, &route, RTM_INFINITE, &flags,
	                               NULL, NULL),
	                 RTM_OK);

	mc.rtm = r;
	mc.fwd = &mfib_mgm_ops;
	mc.fwd_ctx = t;
	m = mgm_create(&mc);
	assert_non_null(m);
	assert_int_equal(mgm_register_protocol(m, &pops, NULL,
	                                       RTM_PROTO_IP_OSPF, 1, &h),
	                 MGM_OK);
	for (uint32_t i = 1; i <= 3; i++)
		assert_int_equal(mgm_take_interface_ownership(m, h, i, 0),
		                 MGM_OK);
	for (uint32_t i = 2; i <= 3; i++)
		assert_int_equal(mgm_add_group_membership(m, h, 0, 0, G,
		                                          0xffffffffu, i, 0,
		                                          MGM_JOIN_STATE_FLAG),
		                 MGM_OK);
	assert_int_equal(mgm_forwarder_miss(m, S, G, 1, 0, NULL, 0), MGM_OK);

	/* The entry MGM computed is what a worker finds. */
	e = lookup(t, S, G);
	assert_non_null(e);
	assert_int_equal(e->iif, 1);
	assert_int_equal(e->n_oif, 2);
	assert_non_null(oif_of(e, 2));
	assert_non_null(oif_of(e, 3));

	/* Counters bumped by "workers" come back through MGM's stats. */
	mfib_entry_ctrs(t, 0)[e->id].in_pkts = 4;
	mfib_entry_ctrs(t, 1)[e->id].in_pkts = 1;
	mfib_entry_ctrs(t, 1)[e->id].in_octets = 500;
	mfib_entry_ctrs(t, 0)[e->id].wrong_if = 2;
	mfib_oif_ctrs(t, 0)[oif_of(e, 2)->ctr_id].out_pkts = 5;
	mfib_oif_ctrs(t, 1)[oif_of(e, 3)->ctr_id].out_pkts = 3;
	mfib_oif_ctrs(t, 1)[oif_of(e, 3)->ctr_id].ttl_too_low = 2;
	key.source = S;
	key.source_mask = 0xffffffffu;
	key.group = G;
	size = sizeof(buf);
	assert_int_equal(mgm_get_mfe_stats(m, &key, &size, &buf,
	                                   MGM_MFE_STATS_1),
	                 MGM_OK);
	assert_int_equal(buf.s.in_ifindex, 1);
	assert_int_equal(buf.s.in_pkts, 5);
	assert_int_equal(buf.s.in_octets, 500);
	assert_int_equal(buf.s.pkts_different_if, 2);
	assert_int_equal(buf.s.total_out_packets, 8);
	assert_int_equal(buf.s.num_oif, 2);
	for (uint32_t i = 0; i < 2; i++) {
		const struct mgm_oif_stats *o = &buf.s.oif[i];

		assert_int_equal(o->out_packets, o->ifindex == 2 ? 5 : 3);
		assert_int_equal(o->ttl_too_low, o->ifindex == 2 ? 0 : 2);
	}

	/* A leave replaces the entry: same id, output 2 keeps its count. */
	assert_int_equal(mgm_delete_group_membership(m, h, 0, 0, G, 0xffffffffu,
	                                             3, 0, MGM_JOIN_STATE_FLAG),
	                 MGM_OK);
	e = lookup(t, S, G);
	assert_int_equal(e->n_oif, 1);
	assert_int_equal(e->oif[0].ifindex, 2);
	size = sizeof(buf);
	assert_int_equal(mgm_get_mfe_stats(m, &key, &size, &buf,
	                                   MGM_MFE_STATS_1),
	                 MGM_OK);
	assert_int_equal(buf.s.in_pkts, 5);
	assert_int_equal(buf.s.oif[0].out_packets, 5);
	mgm_get_counters(m, &mctr);
	assert_int_equal(mctr.fwd_errors, 0);

	/* MGM going away takes its entries out of the fast path. */
	mgm_destroy(m);
	assert_null(lookup(t, S, G));
	assert_int_equal(mfib_count(t), 0);
	rtm_destroy(r);
	mfib_destroy(t);
}

/* Churn ----------------------------------------------------------------- */

#define CHURN_STABLE   64 /* one bulk lookup */
#define CHURN_ADDS     100000
#define CHURN_BATCH    1800
#define CHURN_TABLE    2048 /* nearly full: cuckoo moves keys around */
#define CHURN_REWRITE  10   /* rewrites of every stable entry per batch */
#define CHURN_IIF      1
/* Counter slots: a pair per entry and mfib's default pool of 3 per entry
 * (entry ids are even slots, output ids any slot). */
#define CHURN_SLOTS    (5 * CHURN_TABLE)

/* Stable key k alternates between these lists; 3 and 4 stay throughout,
 * so their counter ids must never change. */
static const uint32_t churn_list_a[] = { 2, 3, 4 };
static const uint32_t churn_list_b[] = { 4, 5, 3 };

struct churn {
	struct mfib *t;
	struct mfib_key keys[CHURN_STABLE];
	uint32_t id[CHURN_STABLE];
	uint32_t ctr3[CHURN_STABLE], ctr4[CHURN_STABLE];
	volatile bool stop;
	/* Reader results. */
	uint64_t loops, misses, bad;
};

static bool
churn_entry_ok(const struct churn *c, unsigned int k,
               const struct mfib_entry *e)
{
	const uint32_t *list;

	if (e->id != c->id[k] || e->iif != CHURN_IIF || e->flags != 0 ||
	    e->n_oif != 3)
		return false;
	list = e->oif[0].ifindex == 2 ? churn_list_a : churn_list_b;
	for (unsigned int i = 0; i < 3; i++) {
		const struct mfib_oif *o = &e->oif[i];
		const struct mfib_iface *ifc = mfib_iface_get(c->t, list[i]);

		if (o->ifindex != list[i] || o->port != ifc->port ||
		    mfib_oif_vlan(o) != ifc->vlan || o->mtu != ifc->mtu)
			return false;
		if ((o->ifindex == 3 && o->ctr_id != c->ctr3[k]) ||
		    (o->ifindex == 4 && o->ctr_id != c->ctr4[k]))
			return false;
	}
	return true;
}

static int
churn_reader(void *arg)
{
	struct churn *c = arg;
	struct rte_rcu_qsbr *v = mfib_rcu(c->t);
	const struct rte_hash *h = mfib_hash(c->t);
	struct mfib_entry_ctr *ec = mfib_entry_ctrs(c->t, 1);
	struct mfib_oif_ctr *oc = mfib_oif_ctrs(c->t, 1);
	const void *kp[CHURN_STABLE];
	void *data[CHURN_STABLE];

	for (unsigned int k = 0; k < CHURN_STABLE; k++)
		kp[k] = &c->keys[k];
	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		uint64_t hits = 0;

		rte_hash_lookup_bulk_data(h, kp, CHURN_STABLE, &hits, data);
		for (unsigned int k = 0; k < CHURN_STABLE; k++) {
			const struct mfib_entry *e = data[k];
			uint32_t id;

			if (!(hits & (UINT64_C(1) << k))) {
				c->misses++;
				continue;
			}
			if (!churn_entry_ok(c, k, e)) {
				c->bad++;
				continue;
			}
			/* Count like a worker: entry and every output.  The
			 * entry is re-read here; were it freed under us the
			 * ids would be poison, so check rather than crash. */
			id = e->id;
			if (id >= CHURN_SLOTS) {
				c->bad++;
				continue;
			}
			ec[id].in_pkts++;
			for (uint16_t i = 0; i < 3; i++) {
				uint32_t ctr = e->oif[i].ctr_id;

				if (ctr >= CHURN_SLOTS) {
					c->bad++;
					break;
				}
				oc[ctr].out_pkts++;
			}
		}
		c->loops++;
		mfib_quiescent(v, 0);
	}
	mfib_reader_unregister(c->t, 0);
	return 0;
}

static void
churn_rewrite_stable(struct churn *c, unsigned int k, bool b)
{
	assert_int_equal(set_list(c->t, c->keys[k].src, c->keys[k].grp,
	                          CHURN_IIF, 3,
	                          b ? churn_list_b : churn_list_a),
	                 0);
}

static void
test_churn_reader_never_misses_stable_entries(void **state)
{
	struct churn *c = calloc(1, sizeof(*c));
	uint64_t retired = 0, reclaimed = 0, adds = 0, rewrites = 0;
	uint32_t oifs[6] = { 2, 3, 4, 5, 6, 7 };
	struct mfib_entry_ctr ec;
	struct mfib_oif_ctr oc;
	uint32_t three = 3;
	unsigned int round = 0;

	(void)state;
	assert_non_null(c);
	c->t = table_with_ifaces(CHURN_TABLE, 2, 1);
	for (unsigned int k = 0; k < CHURN_STABLE; k++) {
		const struct mfib_entry *e;

		mfib_key_make(&c->keys[k], IP(10, 9, 0, k + 1),
		              IP(239, 9, 0, 1));
		churn_rewrite_stable(c, k, false);
		e = lookup(c->t, c->keys[k].src, c->keys[k].grp);
		c->id[k] = e->id;
		c->ctr3[k] = oif_of(e, 3)->ctr_id;
		c->ctr4[k] = oif_of(e, 4)->ctr_id;
	}
	assert_int_equal(mfib_reader_register(c->t, 0), 0);
	assert_int_equal(rte_eal_remote_launch(churn_reader, c, 1), 0);

	while (adds < CHURN_ADDS) {
		for (uint32_t i = 0; i < CHURN_BATCH; i++) {
			uint32_t s = IP(10, 20 + round % 200, i >> 8, i & 0xff);

			/* 1..6 outputs: slab and heap entries both. */
			assert_int_equal(set_list(c->t, s, IP(239, 2, 0, 1),
			                          CHURN_IIF, 1 + i % 6, oifs),
			                 0);
			adds++;
			if (i % (CHURN_BATCH / CHURN_REWRITE) == 0)
				for (unsigned int k = 0; k < CHURN_STABLE;
				     k++) {
					churn_rewrite_stable(
					        c, k, (rewrites + k) & 1);
					retired++;
				}
			if (i % (CHURN_BATCH / CHURN_REWRITE) == 0)
				rewrites++;
		}
		for (uint32_t i = 0; i < CHURN_BATCH; i++) {
			uint32_t s = IP(10, 20 + round % 200, i >> 8, i & 0xff);

			assert_int_equal(mfib_del(c->t, s, IP(239, 2, 0, 1)),
			                 0);
			retired++;
		}
		/* Every record comes back once the reader has passed;
		 * the next batch needs the ids. */
		do {
			reclaimed += mfib_reclaim(c->t);
		} while (reclaimed < retired && (rte_pause(), true));
		round++;
	}
	__atomic_store_n(&c->stop, true, __ATOMIC_RELEASE);
	assert_int_equal(rte_eal_wait_lcore(1), 0);

	printf("churn: %" PRIu64 " adds+deletes, %" PRIu64 " stable rewrites, "
	       "%" PRIu64 " reader loops\n",
	       adds, rewrites * CHURN_STABLE, c->loops);
	assert_true(c->loops > 0);
	assert_int_equal(c->misses, 0);
	assert_int_equal(c->bad, 0);
	assert_int_equal(reclaimed, retired);
	assert_int_equal(mfib_count(c->t), CHURN_STABLE);
	/* Every loop counted once per stable entry, into ids that never
	 * moved: the totals are exact. */
	assert_int_equal(mfib_read(c->t, c->keys[0].src, c->keys[0].grp, &ec,
	                           &three, &oc, 1),
	                 0);
	assert_int_equal(ec.in_pkts, c->loops);
	assert_int_equal(oc.out_pkts, c->loops);
	mfib_destroy(c->t);
	free(c);
}

/* Memory ---------------------------------------------------------------- */

static uint64_t
heap_used(void)
{
	struct rte_malloc_socket_stats st;

	assert_int_equal(rte_malloc_get_socket_stats(0, &st), 0);
	return st.heap_allocsz_bytes;
}

static void
test_memory_of_1m_entries_with_4_outputs(void **state)
{
	const uint32_t n = 1u << 20;
	struct mfib_config cfg = {
		.name = "big",
		.socket_id = 0,
		.max_entries = n,
		.max_oif_ctrs = 3 * n, /* and each entry's own */
		.max_lcores = 3,
		.max_readers = 2,
	};
	struct timespec t0, t1;
	uint64_t heap0, heap1;
	double ns;
	struct mfib *t;

	(void)state;
	if (!big_enabled())
		skip();
	heap0 = heap_used();
	t = mfib_create(&cfg);
	assert_non_null(t);
	ifaces_add(t);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t oifs[4] = { 2 + i % 4, 3 + i % 4, 4 + i % 4,
			             5 + i % 4 };

		assert_int_equal(set_list(t, htonl(0x0a000000u | (i >> 8)),
		                          htonl(0xe8000000u | (i & 0xff)), 1, 4,
		                          oifs),
		                 0);
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
	ns = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);
	heap1 = heap_used();
	assert_int_equal(mfib_count(t), n);
	printf("mfib_memory: %" PRIu64 " bytes (%.1f MiB) for %u entries x 4 "
	       "outputs, 3 lcore slots: %.1f B/entry; heap grew %" PRIu64
	       " bytes (%.1f MiB); %.0f ns CPU/insert\n",
	       mfib_memory(t), mfib_memory(t) / 1048576.0, n,
	       (double)mfib_memory(t) / n, heap1 - heap0,
	       (heap1 - heap0) / 1048576.0, ns / n);
	assert_true(mfib_memory(t) < (1ull << 30));
	/* The estimate must not hide what the heap really gave us. */
	assert_true(mfib_memory(t) * 100 >= (heap1 - heap0) * 95);
	mfib_destroy(t);
	assert_int_equal(heap_used(), heap0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_rejects_bad_config),
		cmocka_unit_test(test_create_twice_with_one_name_fails),
		cmocka_unit_test(test_iface_add_rejects_bad_and_duplicate),
		cmocka_unit_test(test_iface_rx_vlan_map),
		cmocka_unit_test(
		        test_set_then_lookup_returns_entry_with_outputs),
		cmocka_unit_test(test_star_g_entry_is_keyed_by_source_zero),
		cmocka_unit_test(test_unknown_interface_is_einval),
		cmocka_unit_test(
		        test_any_iif_entry_needs_no_incoming_interface),
		cmocka_unit_test(test_iif_never_in_outputs),
		cmocka_unit_test(test_no_outputs_makes_a_negative_entry),
		cmocka_unit_test(test_next_hop_output_is_sent_to_the_group_mac),
		cmocka_unit_test(
		        test_replace_keeps_entry_id_and_output_counter_ids),
		cmocka_unit_test(test_del_and_read_of_unknown_entry_is_enoent),
		cmocka_unit_test(test_retired_keys_are_logged_in_order),
		cmocka_unit_test(
		        test_deleted_entry_freed_only_after_reader_quiescent),
		cmocka_unit_test(
		        test_replaced_entry_freed_only_after_reader_quiescent),
		cmocka_unit_test(
		        test_report_of_an_earlier_token_keeps_later_retirements),
		cmocka_unit_test(test_ids_return_only_after_grace_period),
		cmocka_unit_test(
		        test_counters_sum_over_lcores_and_survive_replacement),
		cmocka_unit_test(test_reused_id_starts_at_zero),
		cmocka_unit_test(test_first_output_counts_beside_its_entry),
		cmocka_unit_test(test_mgm_ops_mirror),
		cmocka_unit_test(test_churn_reader_never_misses_stable_entries),
		cmocka_unit_test(test_memory_of_1m_entries_with_4_outputs),
	};

	/* MFIB_TEST_FILTER=pattern runs matching tests only. */
	if (getenv("MFIB_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("MFIB_TEST_FILTER"));
	return cmocka_run_group_tests(tests, eal_setup, eal_teardown);
}
