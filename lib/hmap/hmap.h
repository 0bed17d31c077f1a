/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HMAP_H
#define HMAP_H

/**
 * @file
 * hmap — an intrusive, chained hash map for control-plane state.
 *
 * The idea (after Open vSwitch's hmap): the caller embeds a
 * struct hmap_node in its own record and supplies the hash; the map only
 * links nodes into buckets.  No allocation per element, no key copies, no
 * callbacks: lookups walk the nodes of one hash value and compare keys in
 * the caller's code.  This keeps 1M memberships in a few dozen bytes each.
 *
 * The map grows by doubling when it holds more nodes than buckets; a failed
 * growth is not an error (the chains just get longer).
 *
 * Not thread safe: callers serialise access (lib/mgm and lib/rtm hold their
 * instance lock).
 */

#include <stddef.h>
#include <stdint.h>

struct hmap_node {
	struct hmap_node *next; /**< next node in the same bucket */
	uint32_t hash;          /**< the caller's hash of the key */
};

struct hmap {
	struct hmap_node **buckets;
	uint32_t mask;  /**< number of buckets - 1 (a power of two - 1) */
	uint32_t count; /**< nodes held */
};

/** Initialise an empty map. Returns 0, or -1 when out of memory. */
int hmap_init(struct hmap *h, uint32_t expected);

/** Free the bucket array. The nodes belong to the caller. */
void hmap_fini(struct hmap *h);

/** Link @p node with @p hash. Duplicates are the caller's business. */
void hmap_insert(struct hmap *h, struct hmap_node *node, uint32_t hash);

/** Unlink @p node, which must be in @p h. */
void hmap_remove(struct hmap *h, struct hmap_node *node);

/** First node whose hash equals @p hash, or NULL. */
static inline struct hmap_node *
hmap_first_with_hash(const struct hmap *h, uint32_t hash)
{
	struct hmap_node *n = h->buckets[hash & h->mask];

	while (n != NULL && n->hash != hash)
		n = n->next;
	return n;
}

/** Next node after @p node with the same hash, or NULL. */
static inline struct hmap_node *
hmap_next_with_hash(const struct hmap_node *node)
{
	struct hmap_node *n = node->next;

	while (n != NULL && n->hash != node->hash)
		n = n->next;
	return n;
}

/** First node in bucket order (for full walks), or NULL. */
struct hmap_node *hmap_first(const struct hmap *h);

/** Node after @p node in bucket order, or NULL. */
struct hmap_node *hmap_next(const struct hmap *h, const struct hmap_node *node);

static inline uint32_t
hmap_count(const struct hmap *h)
{
	return h->count;
}

/** Hash @p n 32-bit words (murmur3 mixing; good spread for addresses). */
static inline uint32_t
hmap_hash_words(const uint32_t *w, size_t n, uint32_t seed)
{
	uint32_t h = seed;

	for (size_t i = 0; i < n; i++) {
		uint32_t k = w[i] * 0xcc9e2d51u;

		k = (k << 15) | (k >> 17);
		h ^= k * 0x1b873593u;
		h = ((h << 13) | (h >> 19)) * 5u + 0xe6546b64u;
	}
	h ^= (uint32_t)n * 4u;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/** Containing record of an embedded node. */
#define HMAP_ENTRY(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#endif /* HMAP_H */
