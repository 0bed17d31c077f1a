/* SPDX-License-Identifier: BSD-3-Clause */
#include "hmap.h"

#include <stdlib.h>

#define HMAP_MIN_BUCKETS 16u

static uint32_t
hmap_round_buckets(uint32_t expected)
{
	uint32_t n = HMAP_MIN_BUCKETS;

	while (n < expected && n < (1u << 30))
		n <<= 1;
	return n;
}

int
hmap_init(struct hmap *h, uint32_t expected)
{
	uint32_t n = hmap_round_buckets(expected);

	h->buckets = calloc(n, sizeof(*h->buckets));
	if (h->buckets == NULL) {
		h->mask = 0;
		h->count = 0;
		return -1;
	}
	h->mask = n - 1;
	h->count = 0;
	return 0;
}

void
hmap_fini(struct hmap *h)
{
	free(h->buckets);
	h->buckets = NULL;
	h->mask = 0;
	h->count = 0;
}

static void
hmap_grow(struct hmap *h)
{
	uint32_t n = (h->mask + 1) * 2;
	struct hmap_node **b;

	if (n == 0 || n > (1u << 30))
		return;
	b = calloc(n, sizeof(*b));
	if (b == NULL)
		return; /* longer chains, still correct */
	for (uint32_t i = 0; i <= h->mask; i++) {
		struct hmap_node *node = h->buckets[i];

		while (node != NULL) {
			struct hmap_node *next = node->next;
			uint32_t j = node->hash & (n - 1);

			node->next = b[j];
			b[j] = node;
			node = next;
		}
	}
	free(h->buckets);
	h->buckets = b;
	h->mask = n - 1;
}

void
hmap_insert(struct hmap *h, struct hmap_node *node, uint32_t hash)
{
	struct hmap_node **slot = &h->buckets[hash & h->mask];

	node->hash = hash;
	node->next = *slot;
	*slot = node;
	if (++h->count > h->mask + 1)
		hmap_grow(h);
}

void
hmap_remove(struct hmap *h, struct hmap_node *node)
{
	struct hmap_node **p = &h->buckets[node->hash & h->mask];

	while (*p != node)
		p = &(*p)->next;
	*p = node->next;
	h->count--;
}

struct hmap_node *
hmap_first(const struct hmap *h)
{
	for (uint32_t i = 0; i <= h->mask && h->buckets != NULL; i++)
		if (h->buckets[i] != NULL)
			return h->buckets[i];
	return NULL;
}

struct hmap_node *
hmap_next(const struct hmap *h, const struct hmap_node *node)
{
	if (node->next != NULL)
		return node->next;
	for (uint32_t i = (node->hash & h->mask) + 1; i <= h->mask; i++)
		if (h->buckets[i] != NULL)
			return h->buckets[i];
	return NULL;
}
