/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory of published entries.
 *
 * Most entries have few outputs, so they come from a slab of fixed
 * MFIB_SLAB_SLOT-byte slots carved once at creation: no allocator header
 * per entry, cache-line aligned, and a writer-only free list.  Entries
 * with more outputs, or past the slab while many retired entries wait for
 * their grace period, come from rte_malloc.
 *
 * A freed slot is poisoned so that a grace-period bug shows up as a bad
 * entry in the churn test rather than passing silently; under ASan the
 * slot is also poisoned in shadow memory, and big entries use libc malloc
 * so ASan's quarantine catches a reader that kept one too long (DPDK's own
 * heap is not instrumented in the Debian build).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "mfib_private.h"

#if defined(__SANITIZE_ADDRESS__)
#define MFIB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MFIB_ASAN 1
#endif
#endif

#ifdef MFIB_ASAN
#include <sanitizer/asan_interface.h>
#define MFIB_POISON(p, n)   ASAN_POISON_MEMORY_REGION(p, n)
#define MFIB_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define MFIB_POISON(p, n)  \
	do {               \
		(void)(p); \
		(void)(n); \
	} while (0)
#define MFIB_UNPOISON(p, n) \
	do {                \
		(void)(p);  \
		(void)(n);  \
	} while (0)
#endif

/* Written over a freed entry: n_oif beyond MFIB_MAX_OIF, no valid id. */
#define MFIB_POISON_BYTE 0xa5

static size_t
mfib_entry_size(uint16_t n_oif)
{
	return sizeof(struct mfib_entry) +
	       (size_t)n_oif * sizeof(struct mfib_oif);
}

/* What one heap entry costs: rte_malloc rounds to a cache line and puts
 * a cache-line element header in front. */
static uint64_t
mfib_heap_size(size_t sz)
{
	return RTE_ALIGN_CEIL(sz, RTE_CACHE_LINE_SIZE) + RTE_CACHE_LINE_SIZE;
}

int
mfib_entry_pool_init(struct mfib *t)
{
	size_t sz = (size_t)t->max_entries * MFIB_SLAB_SLOT;

	t->slab = rte_malloc_socket("mfib_slab", sz, RTE_CACHE_LINE_SIZE,
	                            t->socket_id);
	t->slab_free = rte_malloc_socket(
	        "mfib_slab_free", (size_t)t->max_entries * sizeof(uint32_t), 0,
	        t->socket_id);
	if (t->slab == NULL || t->slab_free == NULL)
		return ENOMEM;
	t->slab_slots = t->max_entries;
	for (uint32_t i = 0; i < t->slab_slots; i++)
		t->slab_free[i] = t->slab_slots - 1 - i;
	t->slab_n_free = t->slab_slots;
	MFIB_POISON(t->slab, sz);
	return 0;
}

void
mfib_entry_pool_fini(struct mfib *t)
{
	if (t->slab != NULL)
		MFIB_UNPOISON(t->slab, (size_t)t->slab_slots * MFIB_SLAB_SLOT);
	rte_free(t->slab);
	rte_free(t->slab_free);
	t->slab = NULL;
	t->slab_free = NULL;
	t->slab_slots = t->slab_n_free = 0;
}

static bool
mfib_entry_in_slab(const struct mfib *t, const struct mfib_entry *e)
{
	const uint8_t *p = (const uint8_t *)e;

	return p >= t->slab &&
	       p < t->slab + (size_t)t->slab_slots * MFIB_SLAB_SLOT;
}

struct mfib_entry *
mfib_entry_alloc(struct mfib *t, uint16_t n_oif)
{
	size_t sz = mfib_entry_size(n_oif);
	struct mfib_entry *e;

	if (n_oif <= MFIB_SLAB_OIF && t->slab_n_free > 0) {
		uint32_t slot = t->slab_free[--t->slab_n_free];

		e = (struct mfib_entry *)(t->slab +
		                          (size_t)slot * MFIB_SLAB_SLOT);
		MFIB_UNPOISON(e, MFIB_SLAB_SLOT);
		memset(e, 0, sz);
		return e;
	}
#ifdef MFIB_ASAN
	e = calloc(1, sz);
#else
	e = rte_zmalloc_socket("mfib_entry", sz, RTE_CACHE_LINE_SIZE,
	                       t->socket_id);
#endif
	if (e != NULL)
		t->heap_entry_bytes += mfib_heap_size(sz);
	return e;
}

void
mfib_entry_free(struct mfib *t, struct mfib_entry *e)
{
	size_t sz;

	if (e == NULL)
		return;
	sz = mfib_entry_size(e->n_oif);
	if (mfib_entry_in_slab(t, e)) {
		uint32_t slot = ((uint8_t *)e - t->slab) / MFIB_SLAB_SLOT;

		memset(e, MFIB_POISON_BYTE, MFIB_SLAB_SLOT);
		MFIB_POISON(e, MFIB_SLAB_SLOT);
		t->slab_free[t->slab_n_free++] = slot;
		return;
	}
	t->heap_entry_bytes -= mfib_heap_size(sz);
	memset(e, MFIB_POISON_BYTE, sz);
#ifdef MFIB_ASAN
	free(e);
#else
	rte_free(e);
#endif
}

uint64_t
mfib_entry_memory(const struct mfib *t)
{
	return (uint64_t)t->slab_slots * (MFIB_SLAB_SLOT + sizeof(uint32_t)) +
	       t->heap_entry_bytes;
}
