/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters and the stable ids that index them.
 *
 * Each lcore slot owns one block of entry counters and one of output
 * counters, allocated separately and cache-line aligned, so two workers
 * never write the same line.  Workers add with plain stores (one writer per
 * slot); the control thread sums with relaxed atomic loads.  An id goes
 * back to its pool only after a grace period (mfib_publish.c), so nothing
 * counts into an id once it is handed out again; it is zeroed then.
 */

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "mfib_private.h"

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
	size_t esz = (size_t)t->max_entries * sizeof(struct mfib_entry_ctr);
	size_t osz = (size_t)t->max_oif_ctrs * sizeof(struct mfib_oif_ctr);
	int err;

	for (uint32_t lc = 0; lc < t->max_lcores; lc++) {
		t->ectr[lc] = rte_zmalloc_socket(
		        "mfib_ectr", esz, RTE_CACHE_LINE_SIZE, t->socket_id);
		t->octr[lc] = rte_zmalloc_socket(
		        "mfib_octr", osz, RTE_CACHE_LINE_SIZE, t->socket_id);
		if (t->ectr[lc] == NULL || t->octr[lc] == NULL)
			return ENOMEM;
	}
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
		rte_free(t->octr[lc]);
		t->ectr[lc] = NULL;
		t->octr[lc] = NULL;
	}
	mfib_idpool_fini(&t->entry_ids);
	mfib_idpool_fini(&t->oif_ids);
}

uint32_t
mfib_entry_id_alloc(struct mfib *t)
{
	uint32_t id = mfib_idpool_get(&t->entry_ids);

	if (id != UINT32_MAX)
		for (uint32_t lc = 0; lc < t->max_lcores; lc++)
			memset(&t->ectr[lc][id], 0, sizeof(t->ectr[lc][id]));
	return id;
}

uint32_t
mfib_oif_id_alloc(struct mfib *t)
{
	uint32_t id = mfib_idpool_get(&t->oif_ids);

	if (id != UINT32_MAX)
		for (uint32_t lc = 0; lc < t->max_lcores; lc++)
			memset(&t->octr[lc][id], 0, sizeof(t->octr[lc][id]));
	return id;
}

void
mfib_entry_id_free(struct mfib *t, uint32_t id)
{
	mfib_idpool_put(&t->entry_ids, id);
}

void
mfib_oif_id_free(struct mfib *t, uint32_t id)
{
	mfib_idpool_put(&t->oif_ids, id);
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
	uint64_t per_lcore =
	        (uint64_t)t->max_entries * sizeof(struct mfib_entry_ctr) +
	        (uint64_t)t->max_oif_ctrs * sizeof(struct mfib_oif_ctr);

	return per_lcore * t->max_lcores +
	       ((uint64_t)t->max_entries + t->max_oif_ctrs) * sizeof(uint32_t);
}
