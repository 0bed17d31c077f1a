/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MFIB_H
#define MFIB_H

/**
 * @file
 * mfib — the fast path's multicast forwarding table.
 *
 * What it is for: worker lcores look up (S,G), then (*,G), for every
 * multicast packet and need the incoming interface and the outgoing list
 * without a lock; the control thread (the only writer) changes entries
 * while they forward.
 *
 * The idea: an `rte_hash` created with RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF
 * maps a struct mfib_key to a pointer to an **immutable** struct mfib_entry.
 * A change builds a new entry and swaps the pointer (one atomic store in the
 * hash); the old entry is freed through an `rte_rcu_qsbr` defer queue once
 * every registered worker has reported a quiescent state (workers call
 * mfib_quiescent() once per loop, holding no entry pointer then).
 *
 * Counters live apart from entries: per lcore, 64-bit, indexed by a stable
 * entry id (kept when an entry is replaced) and by a stable per-output
 * counter id (kept while that interface stays in the outgoing list), so
 * statistics survive replacement and workers never share a cache line for
 * counting.  Reads sum over lcores.
 *
 * Interfaces: mcastfwd's interface index (the MGM "ifindex") names a
 * (DPDK port, VLAN) pair with its MAC, MTU and TTL threshold.  The table of
 * interfaces is set at start-up, before workers run, and is read-only
 * afterwards.
 *
 * Threads: functions marked [writer] are for the control thread only (one
 * thread); [reader] functions are for worker lcores; [any] functions may be
 * called from anywhere.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_rcu_qsbr.h>

#include "mgm.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most outgoing interfaces of one entry. */
#define MFIB_MAX_OIF 64
/** Most interfaces (ifindex 1..MFIB_MAX_IFACE). */
#define MFIB_MAX_IFACE 256
/** Most lcores with counters (workers + the control thread). */
#define MFIB_MAX_LCORES 64

/** Lookup key.  16 bytes: rte_hash compares it with one vector compare.
 *  `af` and `table` leave room for IPv6 (a second table with 16-byte
 *  addresses keyed by the same header) and for VRFs. */
struct mfib_key {
	uint32_t src;   /**< source, network order; 0 = (*,G) */
	uint32_t grp;   /**< group, network order */
	uint16_t table; /**< table id (VRF); 0 today */
	uint8_t af;     /**< MFIB_AF_INET */
	uint8_t rsvd;
	uint32_t rsvd2;
} __rte_aligned(4);
#define MFIB_AF_INET 4

/** An interface as the fast path sees it. */
struct mfib_iface {
	uint32_t ifindex;            /**< 1..MFIB_MAX_IFACE */
	uint16_t port;               /**< DPDK port id */
	uint16_t vlan;               /**< 0 = untagged, else VLAN id 1..4094 */
	uint16_t mtu;                /**< IP MTU (bytes of IP packet) */
	uint8_t ttl_threshold;       /**< forward only if TTL > threshold */
	uint8_t rsvd;
	struct rte_ether_addr mac;   /**< source MAC of frames sent here */
	char name[32];
};

/** Entry flags. */
#define MFIB_F_NEGATIVE 0x1 /**< no outputs: drop and count */
#define MFIB_F_STATIC   0x2 /**< installed from configuration, not MGM */
#define MFIB_F_ANY_IIF  0x4 /**< accept on any interface (no RPF check) */

/** One output of an entry: everything a worker needs to send a copy.
 *  32 bytes: two outputs per cache line. */
struct mfib_oif {
	uint16_t port;
	uint16_t mtu;
	uint8_t ttl_threshold;
	uint8_t l2_len;              /**< 14, or 18 with an 802.1Q tag */
	/** The frame header every copy sent here starts with, built when
	 *  the entry is: the group's MAC (RFC 1112 01:00:5e map; no
	 *  neighbour resolution, so next hops get it too), the interface's
	 *  MAC, [0x8100 + VLAN id, priority 0], 0x0800.  The fast path
	 *  writes it with two stores instead of assembling it per copy. */
	uint8_t l2[18];
	uint32_t ifindex;
	uint32_t ctr_id;             /**< per-output counter id */
};

/** The VLAN id an output tags its frames with (0 = untagged). */
static inline uint16_t
mfib_oif_vlan(const struct mfib_oif *o)
{
	return o->l2_len == RTE_ETHER_HDR_LEN ?
	               0 :
	               (uint16_t)((o->l2[14] << 8 | o->l2[15]) & 0x0fff);
}

/** The source MAC of an output's frames. */
static inline const struct rte_ether_addr *
mfib_oif_src_mac(const struct mfib_oif *o)
{
	return (const struct rte_ether_addr *)&o->l2[RTE_ETHER_ADDR_LEN];
}

/** An immutable published entry.  The one field that changes is
 *  `retired`: the writer sets it (release) once the entry has been replaced
 *  or deleted in the hash, before the grace period that frees it starts.  A
 *  reader that kept the pointer (lib/fwd's per-worker flow cache, which
 *  forgets retired entries at its next quiescent report) sees it and
 *  looks the key up again. */
struct mfib_entry {
	uint32_t id;                 /**< stable entry counter id */
	uint8_t flags;               /**< MFIB_F_* */
	/** Largest ttl_threshold and smallest mtu of the outputs: a packet
	 *  with a TTL above the one and a length within the other goes to
	 *  every output without a check per output.  ttl_max is at least 1,
	 *  so a TTL above it has not expired either. */
	uint8_t ttl_max;
	uint16_t mtu_min;
	/** What the fast path checks first, read as one word (`gate`, see
	 *  mfib_entry_gate()): the arrival interface, not retired, plain,
	 *  the number of outputs. */
	union {
		struct {
			uint32_t iif;        /**< incoming ifindex (RPF) */
			uint8_t retired;     /**< 0 while published */
			/** 1: RPF by iif, at least one output, and a single
			 *  output is untagged (no MFIB_F_NEGATIVE nor
			 *  MFIB_F_ANY_IIF) */
			uint8_t plain;
			uint16_t n_oif;
		};
		uint64_t gate;
	};
	struct mfib_oif oif[];
};

/** The `gate` of a published plain entry with @p n_oif outputs whose
 *  packets arrive on @p iif: one compare tells a reader the entry takes
 *  them without further flag checks. */
static inline uint64_t
mfib_entry_gate(uint32_t iif, uint16_t n_oif)
{
	struct mfib_entry g = {.iif = iif, .plain = 1, .n_oif = n_oif};

	return g.gate;
}

/** Per-lcore counters of one entry. */
struct mfib_entry_ctr {
	uint64_t in_pkts;       /**< accepted on the iif */
	uint64_t in_octets;
	uint64_t wrong_if;      /**< arrived on another interface: dropped */
	uint64_t negative;      /**< dropped by a negative entry */
};

/** Per-lcore counters of one output. */
struct mfib_oif_ctr {
	uint64_t out_pkts;
	uint64_t ttl_too_low;
	uint64_t frag_needed;   /**< too big with DF set */
	uint64_t out_discards;  /**< no mbuf for the copy, too big without DF */
};

struct mfib;

/** Creation parameters. */
struct mfib_config {
	const char *name;            /**< unique per process */
	int socket_id;
	uint32_t max_entries;        /**< hash size and entry ids */
	/** Output counter ids besides each entry's own, which its first
	 *  output takes (default 3×: 4 per entry in all).  With two slots
	 *  per entry they must number below 2^32 - 1, else EINVAL. */
	uint32_t max_oif_ctrs;
	uint32_t max_lcores;         /**< lcores that count (ids 0..n-1) */
	uint32_t max_readers;        /**< RCU reader threads */
};

/** [writer] Create the table, its RCU variable and defer queues.
 *  NULL with rte_errno set on failure. */
struct mfib *mfib_create(const struct mfib_config *cfg);
/** [writer] Free everything; workers must have stopped. */
void mfib_destroy(struct mfib *t);

/** [writer] Add an interface (before workers start).  -EINVAL for a bad
 *  ifindex/VLAN, -EEXIST for a duplicate ifindex or (port, VLAN). */
int mfib_iface_add(struct mfib *t, const struct mfib_iface *ifc);
/** [any] Interface by ifindex, NULL when unknown. */
const struct mfib_iface *mfib_iface_get(const struct mfib *t,
					uint32_t ifindex);
/** [any] Interface by name, NULL when unknown. */
const struct mfib_iface *mfib_iface_by_name(const struct mfib *t,
					    const char *name);
/** [reader] ifindex of frames received on (port, VLAN id), 0 if none. */
uint32_t mfib_iface_rx(const struct mfib *t, uint16_t port, uint16_t vlan);

/** What the writer publishes. */
struct mfib_spec {
	uint32_t src, grp;           /**< src 0 = (*,G) */
	uint32_t iif;                /**< 0 with MFIB_F_ANY_IIF */
	uint16_t flags;
	uint16_t n_oif;
	const uint32_t *oif_ifindex; /**< n_oif interface indexes */
	const uint32_t *oif_nexthop; /**< NULL, or next-hop IPs (0 = none) */
};

/** [writer] Install or replace (S,G)/(*,G).  Keeps the entry id and the
 *  counter ids of outputs that stay.  0, or -EINVAL (unknown interface,
 *  too many outputs), -ENOSPC (table or ids full), -ENOMEM. */
int mfib_set(struct mfib *t, const struct mfib_spec *spec);
/** [writer] Remove; the entry and its ids are reclaimed after a grace
 *  period.  0 or -ENOENT. */
int mfib_del(struct mfib *t, uint32_t src, uint32_t grp);
/** [writer] Reclaim what the grace periods allow; call from the control
 *  loop.  Returns how many resources were freed. */
unsigned int mfib_reclaim(struct mfib *t);
/** [writer] Entries installed. */
uint32_t mfib_count(const struct mfib *t);

/** [writer] Summed counters of (src, grp): entry counters into @p ec and,
 *  for each output matched by ifindex, @p oc[i] (n entries whose ifindex
 *  the caller set).  0 or -ENOENT. */
int mfib_read(struct mfib *t, uint32_t src, uint32_t grp,
	      struct mfib_entry_ctr *ec, const uint32_t *oif_ifindex,
	      struct mfib_oif_ctr *oc, uint32_t n);

/** [writer] Register reader thread @p reader_id (0..max_readers-1) and
 *  mark it online.  Call before the worker starts reading. */
int mfib_reader_register(struct mfib *t, unsigned int reader_id);
/** [reader] Going offline (worker exit). */
void mfib_reader_unregister(struct mfib *t, unsigned int reader_id);

/** [reader] This worker holds no entry pointer now. */
static inline void
mfib_quiescent(struct rte_rcu_qsbr *v, unsigned int reader_id)
{
	rte_rcu_qsbr_quiescent(v, reader_id);
}

/** [reader] A quiescent report in two steps, for a reader that keeps
 *  something of entries across reports (lib/fwd's flow cache keeps
 *  pointers, and counts to add under the entries' ids): read the token
 *  first, then drop what it keeps of every entry retired so far
 *  (mfib_retire_seq() read after the token covers every entry a report
 *  of that token lets the writer free, and ids reuse), then report the
 *  token with mfib_quiescent_at().  Entries retired after the token was
 *  read wait for the next report.  (rte_rcu_qsbr_quiescent() split at
 *  its token load.) */
static inline uint64_t
mfib_quiescent_token(const struct rte_rcu_qsbr *v)
{
	/* acquire: pairs with rte_rcu_qsbr_start()'s release, which follows
	 * the retirement's mfib_retire_seq() count */
	return __atomic_load_n(&v->token, __ATOMIC_ACQUIRE);
}

static inline void
mfib_quiescent_at(struct rte_rcu_qsbr *v, unsigned int reader_id,
                  uint64_t token)
{
	/* release: what the reader did before (its last counts among them)
	 * is visible to the writer that sees the report */
	if (token != __atomic_load_n(&v->qsbr_cnt[reader_id].cnt,
	                             __ATOMIC_RELAXED))
		__atomic_store_n(&v->qsbr_cnt[reader_id].cnt, token,
		                 __ATOMIC_RELEASE);
}

/** The RCU variable (for mfib_quiescent). */
struct rte_rcu_qsbr *mfib_rcu(const struct mfib *t);

/** How many entries have been retired (replaced or deleted) so far.  A
 *  reader that keeps something of entries across quiescent reports
 *  (lib/fwd's flow cache) reads it after each report's token
 *  (mfib_quiescent_token()): while it is unchanged, no entry it could
 *  hold has entered a grace period, so none can be freed under it; once
 *  it changes, the reader drops every pointer to an entry retired since
 *  (mfib_retired_key()), or every pointer, before the report. */
uint64_t mfib_retire_seq(const struct mfib *t);

/** How many of the latest retirements' keys mfib_retired_key() keeps. */
#define MFIB_RETIRE_LOG 4096

/** The key an entry is cached under by a reader that caches exact
 *  matches: source and group in network order, as in the header. */
static inline uint64_t
mfib_flow_key(uint32_t src, uint32_t grp)
{
	return (uint64_t)grp << 32 | src;
}

/** [reader] The mfib_flow_key() of the entry retired as number @p n
 *  (0 first; mfib_retire_seq() counts them) into @p key.  False when the
 *  log may no longer hold it (MFIB_RETIRE_LOG later retirements have
 *  begun): the reader must then drop every pointer it keeps. */
bool mfib_retired_key(const struct mfib *t, uint64_t n, uint64_t *key);
/** The hash (workers use rte_hash_lookup_bulk_data on it directly). */
const struct rte_hash *mfib_hash(const struct mfib *t);

/** [reader] Counter blocks of lcore slot @p lc (0..max_lcores-1). */
struct mfib_entry_ctr *mfib_entry_ctrs(const struct mfib *t, unsigned int lc);
struct mfib_oif_ctr *mfib_oif_ctrs(const struct mfib *t, unsigned int lc);

/** [any] Fill @p k for (src, grp) in table 0. */
static inline void
mfib_key_make(struct mfib_key *k, uint32_t src, uint32_t grp)
{
	k->src = src;
	k->grp = grp;
	k->table = 0;
	k->af = MFIB_AF_INET;
	k->rsvd = 0;
	k->rsvd2 = 0;
}

/** lib/mgm's forwarder ops over this table (ctx = struct mfib *). */
extern const struct mgm_forwarder_ops mfib_mgm_ops;

/** Memory held by the table and its counters, in bytes (for doc/ and the
 *  stats line). */
uint64_t mfib_memory(const struct mfib *t);

#ifdef __cplusplus
}
#endif

#endif /* MFIB_H */
