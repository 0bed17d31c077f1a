/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FWD_H
#define FWD_H

/**
 * @file
 * fwd — the per-lcore forwarding loop.
 *
 * What it is for: a worker lcore polls its (port, queue) pairs and, per
 * burst, parses Ethernet / one 802.1Q tag / IPv4 (options allowed), drops
 * and counts malformed frames, punts IGMP and 224.0.0.0/24 to the control
 * plane (never forwarding link-local groups), looks up (S,G) then (*,G) in
 * lib/mfib in bulk, checks the incoming interface (RPF), and replicates to
 * every output: TTL threshold, MTU (DF → frag-needed), TTL decrement with
 * an incremental checksum (RFC 1624), L2 rewrite (source MAC of the output,
 * 01:00:5e group MAC or next-hop MAC, VLAN tag), buffered tx per port.
 *
 * A worker never blocks, allocates from the heap, locks or calls lib/mgm.
 * It reaches the control plane only through its punt ring (single
 * producer, single consumer), rate-limited; a full ring drops and counts.
 * Packets of an unknown (S,G) are punted as FWD_PUNT_MISS so the control
 * thread can create the MFE (mgm_forwarder_miss) and forward that packet
 * itself; arrivals on a non-incoming interface as FWD_PUNT_WRONG_IF.
 *
 * Replication picks the cheapest correct method per packet: for frames up
 * to FWD_COPY_MAX bytes a full copy per output and the received mbuf
 * itself for the last (or only) one; above that (or in several segments,
 * two outputs or more) a fresh header mbuf per output, all chained to the
 * received mbuf, shared by reference count as the payload.
 *
 * Threads: fwd_worker_main() runs on one worker lcore; fwd_*_stats() may be
 * read from the control thread (64-bit counters, torn reads impossible on
 * 64-bit targets).  The control thread may run its own fwd_worker (not
 * launched; punting disabled) to forward packets it took from punt rings.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "mfib.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FWD_MAX_RX     16   /**< (port, queue) pairs per worker */
#define FWD_BURST      32   /**< rx burst */
/** Frames up to this size are copied whole, larger ones share their
 * payload: about where VPP's replication stops copying (an IP packet up
 * to its 256-byte clone head plus two cache lines).  At 1024, 512-byte
 * frames at fanout 4 ran 0.81x testpmd io against 1.04x shared (paired,
 * 3 rounds): their copies cost more than a header mbuf each. */
#define FWD_COPY_MAX   384

/** Why a packet was punted (in its fwd_punt_meta). */
enum fwd_punt_reason {
	FWD_PUNT_MISS = 1,      /**< no (S,G) or (*,G) entry */
	FWD_PUNT_WRONG_IF = 2,  /**< arrived on a non-incoming interface */
	FWD_PUNT_IGMP = 3,      /**< IP protocol 2 */
	FWD_PUNT_LINKLOCAL = 4, /**< 224.0.0.0/24, not IGMP */
};

/** Metadata a worker attaches to a punted mbuf (an mbuf dynfield). */
struct fwd_punt_meta {
	uint8_t reason;         /**< enum fwd_punt_reason */
	uint8_t l2_len;         /**< bytes before the IPv4 header */
	uint16_t rsvd;
	uint32_t ifindex;       /**< arrival interface */
};

/** Register the dynfield (once, before workers start).  0 or -rte_errno. */
int fwd_punt_meta_register(void);
/** The punt metadata of @p m (after fwd_punt_meta_register()). */
struct fwd_punt_meta *fwd_punt_meta(struct rte_mbuf *m);

/** Per-worker counters (cache aligned, written by one lcore). */
struct fwd_stats {
	uint64_t rx_pkts;
	uint64_t rx_bytes;
	uint64_t tx_pkts;           /**< copies handed to the NIC */
	uint64_t tx_drops;          /**< tx queue full */
	uint64_t fwd_pkts;          /**< packets accepted by an entry */
	/* malformed or unwanted input */
	uint64_t drop_short;        /**< shorter than its headers */
	uint64_t drop_not_ipv4;     /**< other ethertype (after one VLAN) */
	uint64_t drop_bad_version;
	uint64_t drop_bad_ihl;
	uint64_t drop_bad_len;      /**< total length vs frame */
	uint64_t drop_bad_csum;
	uint64_t drop_ttl;          /**< TTL <= 1 */
	uint64_t drop_not_mcast;    /**< unicast/broadcast destination */
	uint64_t drop_no_iface;     /**< (port, VLAN) is no interface */
	uint64_t drop_fragment;     /**< reserved: fragments are forwarded */
	/* table outcomes */
	uint64_t drop_negative;     /**< negative entry */
	uint64_t drop_wrong_if;     /**< RPF failure */
	uint64_t drop_miss;         /**< miss not punted (rate limit) */
	uint64_t drop_no_mbuf;      /**< replication could not allocate */
	/* punts */
	uint64_t punt_miss;
	uint64_t punt_wrong_if;
	uint64_t punt_igmp;
	uint64_t punt_linklocal;
	uint64_t punt_ring_full;    /**< punt dropped: ring full */
} __rte_cache_aligned;

/** Configuration of one worker (or of the control thread's forwarder). */
struct fwd_worker_conf {
	unsigned int lcore_id;
	unsigned int ctr_slot;      /**< mfib counter lcore slot */
	unsigned int reader_id;     /**< mfib RCU reader id (workers) */
	uint16_t n_rx;
	struct {
		uint16_t port;
		uint16_t queue;
	} rx[FWD_MAX_RX];
	/** This worker's tx queue on each port (UINT16_MAX = port unused). */
	uint16_t tx_queue[RTE_MAX_ETHPORTS];
	struct rte_ring *punt;      /**< NULL = punting disabled: drop */
	struct rte_mempool *pool;   /**< copies and header mbufs */
	struct mfib *mfib;
	uint32_t punt_rate;         /**< punts per second (token bucket) */
	uint32_t punt_burst;        /**< bucket depth */
	bool is_reader;             /**< reports RCU quiescent states */
	/** Classify every frame with the full parser, never the fast lane
	 *  (tests compare the two; the results must not differ). */
	bool full_parse;
};

struct fwd_worker;

/** Create a worker's state (tx buffers on its socket).  NULL + rte_errno. */
struct fwd_worker *fwd_worker_create(const struct fwd_worker_conf *conf);
/** Flush (tx buffers and the flow cache's counts: before mfib_destroy())
 *  and free.  The worker must not be running. */
void fwd_worker_destroy(struct fwd_worker *w);

/** lcore entry point (arg = struct fwd_worker *): poll until fwd_stop(),
 *  then flush tx buffers and go RCU-offline.  Returns 0. */
int fwd_worker_main(void *arg);
/** Ask every worker to return (async-signal-safe). */
void fwd_stop(void);
/** Has fwd_stop() been called? */
bool fwd_stopping(void);

/**
 * Forward a burst received on @p port (the building block of the loop,
 * exposed for the control thread and tests).  Consumes every mbuf:
 * forwarded, punted or dropped (and counted).  Sends through the worker's
 * tx buffers (and may send a whole burst of @p pkts straight to a port);
 * call fwd_worker_flush() to push them out.  @p pkts is scratch space:
 * its contents are undefined on return.
 */
void fwd_process_burst(struct fwd_worker *w, uint16_t port,
		       struct rte_mbuf **pkts, uint16_t n);
/** Send what the tx buffers hold. */
void fwd_worker_flush(struct fwd_worker *w);
/** Report a quiescent state for @p w (an RCU reader: no entry pointer
 *  held by the caller) and drop the flow-cache references the report may
 *  let the writer free.  fwd_worker_main() calls it between bursts; a
 *  caller driving fwd_process_burst() itself must too. */
void fwd_worker_quiescent(struct fwd_worker *w);

/** Add to mfib's counters what @p w's flow cache has counted and not yet
 *  added.  The worker loop adds it a part at a time at each quiescent
 *  report, a sweep of the whole cache every 64 reports or 20 ms,
 *  whichever comes first (microseconds when idle), and all of it when it
 *  stops; a caller driving fwd_process_burst() itself calls this before
 *  reading the counters. */
void fwd_worker_count_flush(struct fwd_worker *w);

/** This worker's counters. */
const struct fwd_stats *fwd_worker_stats(const struct fwd_worker *w);
/** Sum of @p n workers' counters into @p out. */
void fwd_stats_sum(struct fwd_stats *out, struct fwd_worker *const *w,
		   unsigned int n);
/** Name of the i-th uint64_t of struct fwd_stats ("rx_pkts"…), NULL past
 *  the end: lets the app and telemetry print every counter by name. */
const char *fwd_stats_name(unsigned int i);

/** RFC 1624 incremental checksum after decrementing the TTL by one. */
static inline uint16_t
fwd_csum_ttl_dec(uint16_t csum)
{
	/* TTL is the high byte of a 16-bit word: HC' = ~(~HC + ~m + m'),
	 * m' = m - 0x0100, i.e. HC' = HC + 0x0100 with end-around carry
	 * (the form Linux's ip_decrease_ttl() uses; byte-order neutral). */
	uint32_t s = (uint32_t)csum + rte_cpu_to_be_16(0x0100);

	return (uint16_t)(s + (s >= 0xFFFF));
}

#ifdef __cplusplus
}
#endif

#endif /* FWD_H */
