/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters and the stable ids that index them.
 *
 * Each lcore slot owns one block of 32-byte counter slots, cache-line
 * aligned, so two workers never write the same line.  Workers add with
 * plain stores (one writer per slot); the control thread sums with
 * relaxed atomic loads.  An id goes back to its pool only after a grace
 * period (mfib_publish.c), so nothing counts into an id once it is handed
 * out again; it is zeroed then.
 *
 * Entry and output counters share the block, and ids are slot numbers:
 * entry number E counts in slot 2E, and slot 2E + 1 beside it, in the
 * same cache line, is the entry's own output slot, which its first output
 * to need a counter takes.  A packet to a single-output entry so updates
 * one line of counters, not two (a line per packet less once the table's
 * counters no longer fit the cache: at 100k and 1M entries).  Outputs
 * beyond the first, or whose entry's slot is still held by a removed
 * output awaiting its grace period, take slots from the pool after the
 * pairs (max_oif_ctrs of them, so an output always finds one as before).
 */

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "mfib_private.h"

/* Slots per lcore block: a pair per entry, then the output pool. */
static uint64_t
mfib_ctr_slots(const struct mfib *t)
{
	return 2 * (uint64_t)t->max_entries + t->max_oif_ctrs;
}

int
mfib_idpool_init(struct mfib_idpool *p, uint32_t cap, int socket_id)
{
	p->free = rte_malloc_socket("mfib_ids", (size_t)cap * sizeof(uint32_t),
	                            0, socket_id);
	if (p->free == NULL)
		return ENOMEM;
	/* Highest id at the bottom: ids are handed out 0, 1, 2, ... */
	for (uint32_t i = 0; i < cap; i++)
		p->free[i] = cap - 1 - i;
	p->n_free = cap;
	p->cap = cap;
	return 0;
}

void
mfib_idpool_fini(struct mfib_idpool *p)
{
	rte_free(p->free);
	p->free = NULL;
	p->n_free = p->cap = 0;
}

static uint32_t
mfib_idpool_get(struct mfib_idpool *p)
{
	if (p->n_free == 0)
		return UINT32_MAX;
	return p->free[--p->n_free];
}

static void
mfib_idpool_put(struct mfib_idpool *p, uint32_t id)
{
	RTE_ASSERT(p->n_free < p->cap && id < p->cap);
	p->free[p->n_free++] = id;
}

int
mfib_counters_init(struct mfib *t)
{
	size_t sz = (size_t)mfib_ctr_slots(t) * sizeof(struct mfib_entry_ctr);
	int err;

	RTE_BUILD_BUG_ON(sizeof(struct mfib_entry_ctr) != 32 ||
	                 sizeof(struct mfib_oif_ctr) != 32);
	for (uint32_t lc = 0; lc < t->max_lcores; lc++) {
		t->ectr[lc] = rte_zmalloc_socket("mfib_ctr", sz,
		                                 RTE_CACHE_LINE_SIZE,
		                                 t->socket_id);
		if (t->ectr[lc] == NULL)
			return ENOMEM;
		t->octr[lc] = (struct mfib_oif_ctr *)t->ectr[lc];
	}
	t->pair_taken = rte_zmalloc_socket("mfib_pairs", t->max_entries,
	                                   0, t->socket_id);
	if (t->pair_taken == NULL)
		return ENOMEM;
	err = mfib_idpool_init(&t->entry_ids, t->max_entries, t->socket_id);
	if (err == 0)
		err = mfib_idpool_init(&t->oif_ids, t->max_oif_ctrs,
		                       t->socket_id);
	return err;
}

void
mfib_counters_fini(struct mfib *t)
{
	for (uint32_t lc = 0; lc < MFIB_MAX_LCORES; lc++) {
		rte_free(t->ectr[lc]);
		t->ectr[lc] = NULL;
		t->octr[lc] = NULL;
	}
	rte_free(t->pair_taken);
	t->pair_taken = NULL;
	mfib_idpool_fini(&t->entry_ids);
	mfib_idpool_fini(&t->oif_ids);
}

/* Zero slot @p id on every lcore. */
static void
mfib_ctr_zero(struct mfib *t, uint32_t id)
{
	for (uint32_t lc = 0; lc < t->max_lcores; lc++)
		memset(&t->ectr[lc][id], 0, sizeof(t->ectr[lc][id]));
}

uint32_t
mfib_entry_id_alloc(struct mfib *t)
{
	uint32_t e = mfib_idpool_get(&t->entry_ids);

	if (e == UINT32_MAX)
		return UINT32_MAX;
	mfib_ctr_zero(t, 2 * e);
	return 2 * e;
}

uint32_t
mfib_oif_id_alloc(struct mfib *t, uint32_t entry_id)
{
	uint32_t e = entry_id / 2, id;

	if (!t->pair_taken[e]) {
		t->pair_taken[e] = 1;
		id = entry_id + 1;
	} else {
		id = mfib_idpool_get(&t->oif_ids);
		if (id == UINT32_MAX)
			return UINT32_MAX;
		id += 2 * t->max_entries;
	}
	mfib_ctr_zero(t, id);
	return id;
}

void
mfib_entry_id_free(struct mfib *t, uint32_t id)
{
	mfib_idpool_put(&t->entry_ids, id / 2);
}

void
mfib_oif_id_free(struct mfib *t, uint32_t id)
{
	if (id < 2 * t->max_entries)
		t->pair_taken[id / 2] = 0;
	else
		mfib_idpool_put(&t->oif_ids, id - 2 * t->max_entries);
}

static inline uint64_t
mfib_ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void
mfib_entry_ctr_sum(const struct mfib *t, uint32_t id,
                   struct mfib_entry_ctr *out)
{
	memset(out, 0, sizeof(*out));
	for (uint32_t lc = 0; lc < t->max_lcores; lc++) {
		const struct mfib_entry_ctr *c = &t->ectr[lc][id];

		out->in_pkts += mfib_ld(&c->in_pkts);
		out->in_octets += mfib_ld(&c->in_octets);
		out->wrong_if += mfib_ld(&c->wrong_if);
		out->negative += mfib_ld(&c->negative);
	}
}

void
mfib_oif_ctr_sum(const struct mfib *t, uint32_t id, struct mfib_oif_ctr *out)
{
	memset(out, 0, sizeof(*out));
	for (uint32_t lc = 0; lc < t->max_lcores; lc++) {
		const struct mfib_oif_ctr *c = &t->octr[lc][id];

		out->out_pkts += mfib_ld(&c->out_pkts);
		out->ttl_too_low += mfib_ld(&c->ttl_too_low);
		out->frag_needed += mfib_ld(&c->frag_needed);
		out->out_discards += mfib_ld(&c->out_discards);
	}
}

struct mfib_entry_ctr *
mfib_entry_ctrs(const struct mfib *t, unsigned int lc)
{
	return lc < t->max_lcores ? t->ectr[lc] : NULL;
}

struct mfib_oif_ctr *
mfib_oif_ctrs(const struct mfib *t, unsigned int lc)
{
	return lc < t->max_lcores ? t->octr[lc] : NULL;
}

uint64_t
mfib_counters_memory(const struct mfib *t)
{
	return mfib_ctr_slots(t) * sizeof(struct mfib_entry_ctr) *
	               t->max_lcores +
	       ((uint64_t)t->max_entries + t->max_oif_ctrs) * sizeof(uint32_t) +
	       t->max_entries; /* pair_taken */
}
