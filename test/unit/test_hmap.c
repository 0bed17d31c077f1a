/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/hmap: insert, lookup, remove, growth and full walks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <cmocka.h>

#include "hmap.h"

#define N_BIG 100000u

struct item {
	struct hmap_node node;
	uint32_t key;
	unsigned seen;
};

static uint32_t
item_hash(uint32_t key)
{
	return hmap_hash_words(&key, 1, 0);
}

static struct item *
find(const struct hmap *h, uint32_t key)
{
	for (struct hmap_node *n = hmap_first_with_hash(h, item_hash(key)); n;
	     n = hmap_next_with_hash(n)) {
		struct item *it = HMAP_ENTRY(n, struct item, node);

		if (it->key == key)
			return it;
	}
	return NULL;
}

static struct item *
fill(struct hmap *h, uint32_t n)
{
	struct item *v = calloc(n, sizeof(*v));

	assert_non_null(v);
	assert_int_equal(hmap_init(h, 0), 0);
	for (uint32_t i = 0; i < n; i++) {
		/* Spread keys like addresses, not 0..n-1. */
		v[i].key = i * 2654435761u;
		hmap_insert(h, &v[i].node, item_hash(v[i].key));
	}
	return v;
}

static void
test_empty_map_finds_nothing(void **state)
{
	struct hmap h;

	(void)state;
	assert_int_equal(hmap_init(&h, 1000), 0);
	assert_int_equal(hmap_count(&h), 0);
	/* "expected" sizes the bucket array up front. */
	assert_true(h.mask + 1 >= 1000);
	assert_null(hmap_first(&h));
	assert_null(hmap_first_with_hash(&h, 12345));
	hmap_fini(&h);
}

static void
test_insert_100k_then_every_key_is_found_and_map_grew(void **state)
{
	struct hmap h;
	struct item *v;

	(void)state;
	v = fill(&h, N_BIG);
	assert_int_equal(hmap_count(&h), N_BIG);
	/* Growth keeps the load factor at or below one. */
	assert_true(h.mask + 1 >= N_BIG);
	for (uint32_t i = 0; i < N_BIG; i++)
		assert_ptr_equal(find(&h, v[i].key), &v[i]);
	assert_null(find(&h, 1)); /* 1 is not a multiple of the stride */
	hmap_fini(&h);
	free(v);
}

static void
test_full_walk_visits_every_node_exactly_once(void **state)
{
	struct hmap h;
	struct item *v;
	uint32_t visited = 0;

	(void)state;
	v = fill(&h, N_BIG);
	for (struct hmap_node *n = hmap_first(&h); n; n = hmap_next(&h, n)) {
		HMAP_ENTRY(n, struct item, node)->seen++;
		visited++;
	}
	assert_int_equal(visited, N_BIG);
	for (uint32_t i = 0; i < N_BIG; i++)
		assert_int_equal(v[i].seen, 1);
	hmap_fini(&h);
	free(v);
}

static void
test_remove_half_leaves_only_the_other_half(void **state)
{
	struct hmap h;
	struct item *v;

	(void)state;
	v = fill(&h, N_BIG);
	for (uint32_t i = 0; i < N_BIG; i += 2)
		hmap_remove(&h, &v[i].node);
	assert_int_equal(hmap_count(&h), N_BIG / 2);
	for (uint32_t i = 0; i < N_BIG; i++) {
		if (i % 2 == 0)
			assert_null(find(&h, v[i].key));
		else
			assert_ptr_equal(find(&h, v[i].key), &v[i]);
	}
	/* Put them back: the map is reusable after removals. */
	for (uint32_t i = 0; i < N_BIG; i += 2)
		hmap_insert(&h, &v[i].node, item_hash(v[i].key));
	assert_int_equal(hmap_count(&h), N_BIG);
	assert_ptr_equal(find(&h, v[0].key), &v[0]);
	hmap_fini(&h);
	free(v);
}

static void
test_remove_all_empties_the_map(void **state)
{
	struct hmap h;
	struct item *v;
	struct hmap_node *n;
	uint32_t removed = 0;

	(void)state;
	v = fill(&h, 5000);
	while ((n = hmap_first(&h)) != NULL) {
		hmap_remove(&h, n);
		removed++;
	}
	assert_int_equal(removed, 5000);
	assert_int_equal(hmap_count(&h), 0);
	assert_null(find(&h, v[17].key));
	hmap_fini(&h);
	free(v);
}

static void
test_nodes_with_one_hash_are_all_reachable(void **state)
{
	struct hmap h;
	struct item v[40];
	unsigned found = 0;

	(void)state;
	assert_int_equal(hmap_init(&h, 0), 0);
	/*
	 * Same hash for every node: one chain, which must survive the two
	 * growths (16 -> 32 -> 64 buckets) that 40 nodes trigger.
	 */
	for (uint32_t i = 0; i < 40; i++) {
		v[i].key = i;
		v[i].seen = 0;
		hmap_insert(&h, &v[i].node, 0xabcdu);
	}
	assert_int_equal(h.mask + 1, 64);
	for (struct hmap_node *n = hmap_first_with_hash(&h, 0xabcdu); n;
	     n = hmap_next_with_hash(n)) {
		HMAP_ENTRY(n, struct item, node)->seen++;
		found++;
	}
	assert_int_equal(found, 40);
	for (uint32_t i = 0; i < 40; i++)
		assert_int_equal(v[i].seen, 1);
	assert_null(hmap_first_with_hash(&h, 0xabceu));
	hmap_remove(&h, &v[20].node);
	found = 0;
	for (struct hmap_node *n = hmap_first_with_hash(&h, 0xabcdu); n;
	     n = hmap_next_with_hash(n))
		found++;
	assert_int_equal(found, 39);
	hmap_fini(&h);
}

static void
test_hash_words_depends_on_every_word_and_the_seed(void **state)
{
	uint32_t a[2] = { 1, 2 }, b[2] = { 1, 3 };

	(void)state;
	assert_int_not_equal(hmap_hash_words(a, 2, 0),
	                     hmap_hash_words(b, 2, 0));
	assert_int_not_equal(hmap_hash_words(a, 2, 0),
	                     hmap_hash_words(a, 2, 1));
	assert_int_not_equal(hmap_hash_words(a, 1, 0),
	                     hmap_hash_words(a, 2, 0));
	assert_int_equal(hmap_hash_words(a, 2, 7), hmap_hash_words(a, 2, 7));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_map_finds_nothing),
		cmocka_unit_test(
		        test_insert_100k_then_every_key_is_found_and_map_grew),
		cmocka_unit_test(test_full_walk_visits_every_node_exactly_once),
		cmocka_unit_test(test_remove_half_leaves_only_the_other_half),
		cmocka_unit_test(test_remove_all_empties_the_map),
		cmocka_unit_test(test_nodes_with_one_hash_are_all_reachable),
		cmocka_unit_test(
		        test_hash_words_depends_on_every_word_and_the_seed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
