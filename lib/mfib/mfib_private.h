/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MFIB_PRIVATE_H
#define MFIB_PRIVATE_H

/*
 * mfib internals shared by its files.  Everything here except the counter
 * blocks, the interface table and the hash is writer-side state: plain C,
 * touched only by the control thread.
 */

#include <rte_config.h>
#include <rte_log.h>

#include "mfib.h"

extern int mfib_logtype;
#define MFIB_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, mfib_logtype, "mfib: " fmt "\n", ##__VA_ARGS__)

/* Entries with up to this many outputs come from the table's slab:
 * 16 + 4 * 32 = 144 bytes in a 192-byte slot (three cache lines; a
 * one-output entry fits the first), no allocator header. */
#define MFIB_SLAB_OIF 4
#define MFIB_SLAB_SLOT                                                  \
	RTE_ALIGN_CEIL(sizeof(struct mfib_entry) +                      \
	                       MFIB_SLAB_OIF * sizeof(struct mfib_oif), \
	               RTE_CACHE_LINE_SIZE)

/* rte_hash's bucket width (private in rte_cuckoo_hash.h): its minimum
 * size and the unit of its memory estimate. */
#define MFIB_HASH_BUCKET_ENTRIES 8

/* A VLAN id is 12 bits; the rx map has one slot per id. */
#define MFIB_VLAN_IDS 4096

/* A LIFO of free ids: reuse the most recently freed id first, whose
 * counters are likely still in cache when it is zeroed. */
struct mfib_idpool {
	uint32_t *free;
	uint32_t n_free;
	uint32_t cap;
};

/* What a grace period releases: an unpublished entry, the output counter
 * ids it alone held, and after a delete its entry id and hash key slot.
 * Copied by value into the RCU defer queue (24 bytes). */
struct mfib_retire {
	struct mfib_entry *entry;
	uint64_t oif_mask; /* bit i: entry->oif[i].ctr_id is freed */
	int32_t key_pos;   /* >= 0: rte_hash key slot to free */
	uint32_t free_entry_id;
};

struct mfib {
	/* Entries retired so far (written by the one writer before each
	 * retirement's grace period starts; read by workers, see
	 * mfib_retire_seq()). */
	uint64_t retire_seq;
	/* Retirements begun: bumped before a retirement's key is written
	 * into retire_log, so a reader can tell a slot it read may have
	 * been overwritten (mfib_retired_key()). */
	uint64_t log_head;
	/* Retirement number n's key (mfib_flow_key()) at n % MFIB_RETIRE_LOG. */
	uint64_t retire_log[MFIB_RETIRE_LOG];
	char name[RTE_HASH_NAMESIZE];
	int socket_id;
	uint32_t max_entries;
	uint32_t max_oif_ctrs;
	uint32_t max_lcores;
	uint32_t max_readers;

	/* Read by workers. */
	struct rte_hash *hash;
	struct rte_rcu_qsbr *rcu;
	struct mfib_entry_ctr *ectr[MFIB_MAX_LCORES];
	struct mfib_oif_ctr *octr[MFIB_MAX_LCORES];
	uint16_t rx_untagged[RTE_MAX_ETHPORTS];
	uint16_t *rx_vlan[RTE_MAX_ETHPORTS];
	struct mfib_iface iface[MFIB_MAX_IFACE + 1];

	/* Writer only from here on. */
	bool iface_used[MFIB_MAX_IFACE + 1];
	struct rte_rcu_qsbr_dq *dq;
	uint32_t dq_size;
	uint32_t n_pending;   /* retire records in the defer queue */
	unsigned int n_freed; /* retire records freed since mfib_reclaim() */
	uint32_t count;       /* keys installed */
	struct mfib_idpool entry_ids; /* entry numbers (ids are twice) */
	struct mfib_idpool oif_ids;   /* the output pool's slots */
	uint8_t *pair_taken;          /* entry number -> its pair's output
	                               * slot is held */

	/* Slab of MFIB_SLAB_SLOT-byte entries; bigger ones (or overflow)
	 * come from rte_malloc. */
	uint8_t *slab;
	uint32_t slab_slots;
	uint32_t *slab_free;
	uint32_t slab_n_free;
	uint64_t heap_entry_bytes;

	uint64_t hash_bytes; /* estimate, see mfib_hash_memory() */
	uint64_t dq_bytes;
	bool nh_warned;

	/* mfib_set scratch: ifindex -> old ctr id / seen-in-new marks,
	 * generation-stamped so they never need clearing. */
	uint32_t gen;
	uint32_t old_mark[MFIB_MAX_IFACE + 1];
	uint32_t old_ctr[MFIB_MAX_IFACE + 1];
	uint32_t new_mark[MFIB_MAX_IFACE + 1];
};

/* mfib_counters.c */
int mfib_idpool_init(struct mfib_idpool *p, uint32_t cap, int socket_id);
void mfib_idpool_fini(struct mfib_idpool *p);
int mfib_counters_init(struct mfib *t);
void mfib_counters_fini(struct mfib *t);
/* An entry counter id, or one for an output of the entry with counter id
 * @p entry_id (its pair's slot when free), with its counters zeroed on
 * every lcore; UINT32_MAX when none is free. */
uint32_t mfib_entry_id_alloc(struct mfib *t);
uint32_t mfib_oif_id_alloc(struct mfib *t, uint32_t entry_id);
void mfib_entry_id_free(struct mfib *t, uint32_t id);
void mfib_oif_id_free(struct mfib *t, uint32_t id);
void mfib_entry_ctr_sum(const struct mfib *t, uint32_t id,
                        struct mfib_entry_ctr *out);
void mfib_oif_ctr_sum(const struct mfib *t, uint32_t id,
                      struct mfib_oif_ctr *out);
uint64_t mfib_counters_memory(const struct mfib *t);

/* mfib_iface.c */
void mfib_iface_fini(struct mfib *t);
uint64_t mfib_iface_memory(const struct mfib *t);
bool mfib_iface_known(const struct mfib *t, uint32_t ifindex);

/* mfib_publish.c */
int mfib_publish_init(struct mfib *t);
void mfib_publish_fini(struct mfib *t);
/* The writer's view of the published entry of @p key (NULL if none). */
struct mfib_entry *mfib_lookup_writer(const struct mfib *t,
                                      const struct mfib_key *key);
/* mfib_read plus the sum of out_pkts over every output of the entry. */
int mfib_read_total(struct mfib *t, uint32_t src, uint32_t grp,
                    struct mfib_entry_ctr *ec, const uint32_t *oif_ifindex,
                    struct mfib_oif_ctr *oc, uint32_t n, uint64_t *total_out);

/* mfib_entry.c */
int mfib_entry_pool_init(struct mfib *t);
void mfib_entry_pool_fini(struct mfib *t);
struct mfib_entry *mfib_entry_alloc(struct mfib *t, uint16_t n_oif);
void mfib_entry_free(struct mfib *t, struct mfib_entry *e);
uint64_t mfib_entry_memory(const struct mfib *t);

#endif /* MFIB_PRIVATE_H */
