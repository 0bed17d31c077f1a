/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mfib — a table's life: creation, readers, accessors, memory accounting.
 * Publishing lives in mfib_publish.c, counters and ids in mfib_counters.c,
 * interfaces in mfib_iface.c, entry memory in mfib_entry.c.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "mfib_private.h"

RTE_LOG_REGISTER(mfib_logtype, mcastfwd.mfib, INFO);

/* The hash, its rings and the defer queue's ring are named after the
 * table with a short prefix ("HT_", "EXT_", "RCU_"); keep the whole name
 * inside RTE_RING_NAMESIZE so two tables never collide by truncation. */
#define MFIB_NAME_MAX 20

/* Default output counter ids per entry in the shared pool (mfib.h:
 * "default 3×"): with each entry's own, 4 per entry, as before the pairs. */
#define MFIB_DEFAULT_OIF_CTRS_PER_ENTRY 3

/* The output counter pool @p cfg asks for, its default worked out in 64
 * bits. */
static uint64_t
mfib_config_oif_ctrs(const struct mfib_config *cfg)
{
	return cfg->max_oif_ctrs != 0 ?
	               cfg->max_oif_ctrs :
	               (uint64_t)cfg->max_entries *
	                       MFIB_DEFAULT_OIF_CTRS_PER_ENTRY;
}

static int
mfib_config_check(const struct mfib_config *cfg)
{
	if (cfg == NULL || cfg->name == NULL || cfg->name[0] == '\0')
		return EINVAL;
	if (strlen(cfg->name) > MFIB_NAME_MAX)
		return ENAMETOOLONG;
	/* rte_hash refuses fewer entries than one bucket holds. */
	if (cfg->max_entries < MFIB_HASH_BUCKET_ENTRIES ||
	    cfg->max_entries > RTE_HASH_ENTRIES_MAX)
		return EINVAL;
	/* Counter ids are 32-bit slot numbers (a pair per entry, then the
	 * pool), UINT32_MAX meaning none. */
	if (2 * (uint64_t)cfg->max_entries + mfib_config_oif_ctrs(cfg) >=
	    UINT32_MAX)
		return EINVAL;
	if (cfg->max_lcores == 0 || cfg->max_lcores > MFIB_MAX_LCORES)
		return EINVAL;
	if (cfg->max_readers == 0 || cfg->max_readers > RTE_MAX_LCORE)
		return EINVAL;
	return 0;
}

static int
mfib_rcu_init(struct mfib *t)
{
	size_t sz = rte_rcu_qsbr_get_memsize(t->max_readers);

	t->rcu = rte_zmalloc_socket("mfib_rcu", sz, RTE_CACHE_LINE_SIZE,
	                            t->socket_id);
	if (t->rcu == NULL)
		return ENOMEM;
	if (rte_rcu_qsbr_init(t->rcu, t->max_readers) != 0)
		return rte_errno;
	return 0;
}

struct mfib *
mfib_create(const struct mfib_config *cfg)
{
	struct mfib *t;
	int err = mfib_config_check(cfg);

	if (err != 0) {
		rte_errno = err;
		return NULL;
	}
	t = rte_zmalloc_socket("mfib", sizeof(*t), RTE_CACHE_LINE_SIZE,
	                       cfg->socket_id);
	if (t == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	strcpy(t->name, cfg->name);
	t->socket_id = cfg->socket_id;
	t->max_entries = cfg->max_entries;
	t->max_oif_ctrs = (uint32_t)mfib_config_oif_ctrs(cfg);
	t->max_lcores = cfg->max_lcores;
	t->max_readers = cfg->max_readers;

	err = mfib_rcu_init(t);
	if (err == 0)
		err = mfib_counters_init(t);
	if (err == 0)
		err = mfib_entry_pool_init(t);
	if (err == 0)
		err = mfib_publish_init(t);
	if (err != 0) {
		MFIB_LOG(ERR, "%s: create failed: %s", cfg->name,
		         rte_strerror(err));
		mfib_destroy(t);
		rte_errno = err;
		return NULL;
	}
	MFIB_LOG(INFO,
	         "%s: %u entries, %u output counters besides each "
	         "entry's own, %u lcores, "
	         "%u readers, %" PRIu64 " bytes",
	         t->name, t->max_entries, t->max_oif_ctrs, t->max_lcores,
	         t->max_readers, mfib_memory(t));
	return t;
}

void
mfib_destroy(struct mfib *t)
{
	if (t == NULL)
		return;
	/* Workers have stopped (contract), but may not have gone offline:
	 * take them offline so the defer queue can drain. */
	if (t->rcu != NULL)
		for (unsigned int i = 0; i < t->max_readers; i++) {
			rte_rcu_qsbr_thread_offline(t->rcu, i);
			rte_rcu_qsbr_thread_unregister(t->rcu, i);
		}
	mfib_publish_fini(t);
	mfib_entry_pool_fini(t);
	mfib_counters_fini(t);
	mfib_iface_fini(t);
	rte_free(t->rcu);
	rte_free(t);
}

int
mfib_reader_register(struct mfib *t, unsigned int reader_id)
{
	if (t == NULL || reader_id >= t->max_readers)
		return -EINVAL;
	if (rte_rcu_qsbr_thread_register(t->rcu, reader_id) != 0)
		return -rte_errno;
	rte_rcu_qsbr_thread_online(t->rcu, reader_id);
	return 0;
}

void
mfib_reader_unregister(struct mfib *t, unsigned int reader_id)
{
	if (t == NULL || reader_id >= t->max_readers)
		return;
	rte_rcu_qsbr_thread_offline(t->rcu, reader_id);
	rte_rcu_qsbr_thread_unregister(t->rcu, reader_id);
}

uint64_t
mfib_retire_seq(const struct mfib *t)
{
	return __atomic_load_n(&t->retire_seq, __ATOMIC_ACQUIRE);
}

bool
mfib_retired_key(const struct mfib *t, uint64_t n, uint64_t *key)
{
	*key = __atomic_load_n(&t->retire_log[n % MFIB_RETIRE_LOG],
	                       __ATOMIC_RELAXED);
	/* Pairs with the writer's fence between bumping log_head and
	 * writing a slot: had the slot been overwritten (by retirement
	 * n + MFIB_RETIRE_LOG or later), the head read below shows it. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&t->log_head, __ATOMIC_RELAXED) <=
	       n + MFIB_RETIRE_LOG;
}

struct rte_rcu_qsbr *
mfib_rcu(const struct mfib *t)
{
	return t->rcu;
}

const struct rte_hash *
mfib_hash(const struct mfib *t)
{
	return t->hash;
}

uint32_t
mfib_count(const struct mfib *t)
{
	return t->count;
}

uint64_t
mfib_memory(const struct mfib *t)
{
	return sizeof(*t) + rte_rcu_qsbr_get_memsize(t->max_readers) +
	       t->hash_bytes + t->dq_bytes + mfib_counters_memory(t) +
	       mfib_entry_memory(t) + mfib_iface_memory(t);
}
