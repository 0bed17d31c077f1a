/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FWD_PRIVATE_H
#define FWD_PRIVATE_H

/*
 * fwd internals shared by the files of lib/fwd: the worker state and the
 * stages of a burst (parse → lookup → accept → replicate → tx, with punts
 * staged on the side; the fast run in fwd_loop.c takes a burst's leading
 * packets through them one at a time).  Nothing here is part of the
 * contract.
 */

#include <rte_branch_prediction.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "fwd.h"

/* lib/fwd reads headers as little-endian words (every DPDK 22.11 target
 * is little-endian): the lane's source+group word is mfib_flow_key()'s
 * key as loaded, the TTL/checksum update one word add. */
#if RTE_BYTE_ORDER != RTE_LITTLE_ENDIAN
#error "lib/fwd assumes a little-endian host"
#endif

#define FWD_LOG(level, ...) \
	rte_log(RTE_LOG_##level, fwd_logtype, "fwd: " __VA_ARGS__)

extern int fwd_logtype;

/* How far ahead of the packet being parsed its successors' headers are
 * prefetched: enough to hide a memory access, few enough to stay in L1. */
#define FWD_PREFETCH_AHEAD 4

/* Prefetch the start of received frame @p m at the default headroom,
 * without reading data_off first: a prefetch is a hint, and a PMD that
 * leaves other headroom costs a miss, nothing more. */
static inline void
fwd_prefetch_frame(const struct rte_mbuf *m)
{
	rte_prefetch0((const uint8_t *)m->buf_addr + RTE_PKTMBUF_HEADROOM);
}

/* Copies' mbufs are taken from the pool this many at a time (see
 * fwd_copy_take()). */
#define FWD_STASH 32

/* A tx buffer sends when this many packets wait for one port. */
#define FWD_TX_BURST FWD_BURST

/* Tx buffers are pushed out at least this often while traffic flows, so a
 * thin flow mixed into a busy port does not wait for a full burst. */
#define FWD_DRAIN_US 100

/* Reported quiescent at least every this many loop iterations while
 * traffic flows, and at every idle iteration: bounds how long a retired
 * entry waits to be freed (~8k packets); the flow cache forgets the
 * entries retired since the last report then. */
#define FWD_QS_LOOPS 256

/* A fast run that takes less than half its burst is not tried again for
 * this many bursts. */
#define FWD_FAST_BACKOFF 8

/*
 * Flow cache: a set-associative table of (S,G) → entry in front of
 * rte_hash, private to one worker.  A cached pointer is an RCU reference
 * held across bursts: before each quiescent report the cache drops the
 * ways of every entry the table has retired since it last looked (their
 * keys come from the table's log, mfib_retired_key(); the whole cache is
 * zeroed when the log has moved on), so no pointer outlives the grace
 * period that protects it.  It looks again as every FWD_FC_SYNC_RUNS-th
 * fast run begins, which trusts a way's copy of its entry (struct
 * fwd_fc_way); the staged path sees an entry the writer has replaced or
 * deleted since marked retired and looks it up again.  Only exact (S,G)
 * hits are cached, each under its own key, so a retired entry is in one
 * way at most, and a later (S,G) entry wins over a (*,G) fallback at
 * once.
 *
 * One set is four ways of a cache line each, newest first, so a flow
 * alone in its set costs one line.  Several ways keep flows that hash
 * alike from evicting each other: with 1k flows over a direct-mapped
 * table of 4k slots, one flow in eight missed every time.  Emptying
 * writes the whole cache (520 KB, tens of microseconds; only when more
 * entries were retired between two looks than the table's log holds) so
 * that a lookup tests no per-set epoch.
 *
 * The set index (fwd_fc_set()) is the group and source as numbers, modulo
 * a prime count of sets: groups and sources are handed out in runs and
 * strides, which a prime spreads evenly (a multiplicative hash left half
 * of a 4096-flow stride-244 sweep missing), and consecutive groups land
 * in consecutive sets, which the hardware prefetcher follows.
 */
#define FWD_FC_SETS 2029u /* prime; its modulo needs no fix-up step */
#define FWD_FC_WAYS 4

/* The fast run looks at the table's retire log (fwd_fc_sync()) as every
 * this-many-th run begins, so a change reaches it by the this-many-th run
 * after at the latest (microseconds under load), or by the next quiescent
 * report, which always looks (an idle poll reports at once).  The log's
 * lines are the writer's, each look a miss: under 1M updates a second,
 * looking at every burst took 6-7 % of the worker's cycles, every fourth
 * 3-4 %; further apart, the keys' own cost stays. */
#define FWD_FC_SYNC_RUNS 4u

/* Sets whose counts each quiescent report adds to mfib's counters: the
 * whole cache every 64 reports, 16 KB of it each time, and more when the
 * reports come further apart than FWD_FC_SWEEP_MS allows (a worker
 * polling several busy rx queues reports every 256 loops of them all). */
#define FWD_FC_SWEEP 32u

/* Under load the whole cache's counts reach mfib's counters within this
 * long (plus the time between two reports): at 25 Mpps on one rx queue
 * the 32 sets a report come to about that. */
#define FWD_FC_SWEEP_MS 20u

/* One way holds what the fast run needs of its entry, copied when the
 * way is filled (entries are immutable), and counts the packets the fast
 * run takes by it: a single-output packet reads and writes the way's line
 * and no other, where it used to read the set, then the entry, then the
 * counters.  The copy cannot tell a retired entry: the fast run forgets
 * retired entries' ways as every FWD_FC_SYNC_RUNS-th run begins
 * (fwd_fc_sync()), and the staged path still checks `e`.  The counts
 * reach mfib's counters when the way is forgotten, refilled or evicted,
 * and a few sets at each quiescent report otherwise (fwd_fc_sweep()); a
 * retired entry's way is forgotten before the report that may let mfib
 * reuse its ids, so they are still its ids then. */
struct fwd_fc_way {
	/* group << 32 | source; 0 = empty, every field 0: a frame whose
	 * addresses are 0 finds it, and its gate and mtu_min stop it */
	uint64_t key;
	/* e->gate when filled, or 0 (the fast run never takes the flow):
	 * a single output on a port this worker cannot send to */
	uint64_t gate;
	const struct mfib_entry *e;  /* never NULL in a way that matched */
	uint32_t id;                 /* e->id */
	uint8_t ttl_max;             /* e->ttl_max */
	uint8_t single;              /* e->n_oif == 1 */
	uint16_t mtu_min;            /* e->mtu_min */
	/* e->oif[0]'s port, frame header and counter id: all the fast run
	 * needs to send a single-output packet */
	uint16_t port;
	uint8_t l2[RTE_ETHER_HDR_LEN];
	uint32_t oif_ctr;
	/* taken by the fast run, not yet in mfib's counters: in_pkts and
	 * in_octets of entry `id`, and out_pkts of `oif_ctr` if single (32
	 * bits: a sweep comes by within 2^32 packets, see fwd_fc_sweep()) */
	uint32_t pkts;
	uint64_t octets;
};

struct fwd_fc_set {
	struct fwd_fc_way way[FWD_FC_WAYS];
} __rte_cache_aligned;

/* The flow's key: mfib's, so a retired entry's key finds its way. */
static inline uint64_t
fwd_fc_key(uint32_t src, uint32_t grp)
{
	return mfib_flow_key(src, grp);
}

static inline struct fwd_fc_set *
fwd_fc_set(struct fwd_fc_set *fc, uint64_t key)
{
	/* The key byte-swapped is one number, the host-order source above
	 * the host-order group: modulo the prime, the group plus 386 (2^32
	 * mod 2029) times the source.  One swap and a 64-bit modulo (a
	 * multiply) cost 7 instructions per packet less than swapping and
	 * weighing the halves apart, and spread numbered flows alike
	 * (test_flow_cache_spreads_numbered_flows). */
	return &fc[__builtin_bswap64(key) % FWD_FC_SETS];
}

/* What the parse stage hands to the lookup stage for one packet (32
 * bytes: two per cache line). */
struct fwd_pkt {
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;
	uint64_t key;     /* fwd_fc_key(source, group) */
	uint32_t ifindex; /* arrival interface */
	uint16_t l2_len;  /* bytes before the IPv4 header */
	uint16_t ip_len;  /* IPv4 total length */
};


struct fwd_worker {
	struct fwd_stats stats; /* first: written for every packet */

	/* read-only after creation */
	const struct rte_hash *hash;
	struct mfib_entry_ctr *ectr; /* this worker's counter slot */
	struct mfib_oif_ctr *octr;
	struct rte_rcu_qsbr *rcu;
	struct rte_eth_dev_tx_buffer *txb[RTE_MAX_ETHPORTS];
	uint16_t tx_port[RTE_MAX_ETHPORTS]; /* ports with a tx buffer */
	uint16_t n_tx_port;
	uint64_t drain_tsc;
	uint64_t rearm; /* rearm_data of a fresh one-segment mbuf */

	/* punt token bucket, in TSC-cycle × rate credits: a token costs
	 * tsc_hz credits and a cycle earns punt_rate, so no division runs
	 * on the fast path */
	uint64_t tb_credit;
	uint64_t tb_max;
	uint64_t tb_cost;
	uint64_t tb_max_gap; /* cycles that fill an empty bucket */
	uint64_t tb_last;

	/* mbufs for copies, taken from the pool in bulk and given back at
	 * the end of the burst: no mbuf is held between bursts */
	uint16_t n_stash;
	struct rte_mbuf *stash[FWD_STASH];

	/* punts staged during one burst, enqueued once at its end */
	uint16_t n_punt;
	uint8_t punt_reason[FWD_BURST];
	struct rte_mbuf *punt_buf[FWD_BURST];

	/* (port, VLAN) → ifindex of the last arrival: one burst rarely mixes
	 * interfaces, and the interface table never changes under workers */
	uint16_t rx_cache_port;
	uint16_t rx_cache_vlan;
	uint32_t rx_cache_ifindex; /* 0 = cache empty */

	uint64_t last_flush;
	uint32_t qs_loops;        /* loop iterations since the last report */
	uint32_t fast_backoff;    /* bursts left before the fast run is tried
	                           * again (see fwd_process_burst()) */

	/* flow cache (NULL when the worker is not an RCU reader) */
	uint64_t fc_retire_seq; /* mfib_retire_seq() when the cache last
	                         * looked (fwd_fc_sync()) */
	struct fwd_fc_set *fc;
	uint64_t fc_sweep_tsc;  /* TSC of the last report's sweep */
	uint64_t fc_set_tsc;    /* TSC cycles a set may wait: FWD_FC_SWEEP_MS
	                         * over the cache */
	uint32_t fc_sweep;      /* the next set fwd_fc_sweep() flushes */
	uint32_t fc_runs;       /* fast runs since one last synced */

	struct fwd_worker_conf conf;
};

/* fwd_parse.c: parse and classify @p n received packets; those to look up
 * are written to @p out (their count is returned), the others have been
 * dropped or staged for punting and counted.  @p ifindex: the untagged
 * interface of @p port, for the fast lane (0: every frame takes the full
 * parser). */
uint16_t fwd_parse_burst(struct fwd_worker *w, uint16_t port,
                         uint32_t ifindex, struct rte_mbuf **pkts,
                         uint16_t n, struct fwd_pkt *out);

/* fwd_punt.c */
int fwd_punt_init(struct fwd_worker *w);
/* Take a token from the punt bucket (false: over the rate). */
bool fwd_punt_token(struct fwd_worker *w);
/* Queue @p m for the punt ring (enqueued by fwd_punt_flush()). */
void fwd_punt_stage(struct fwd_worker *w, struct rte_mbuf *m,
                    enum fwd_punt_reason reason, uint16_t l2_len,
                    uint32_t ifindex);
/* Enqueue what fwd_punt_stage() collected; a full ring drops. */
void fwd_punt_flush(struct fwd_worker *w);

/* fwd_tx.c */
int fwd_tx_init(struct fwd_worker *w, int socket);
void fwd_tx_fini(struct fwd_worker *w);

/* fwd_tx.c: send what @p port's tx buffer holds. */
void fwd_tx_flush_port(struct fwd_worker *w, uint16_t port);
/* fwd_tx.c: hand @p n packets, in order, to the tx buffer of @p port
 * (which this worker has), sending it each time it fills; the caller has
 * counted them per output. */
void fwd_send_bulk(struct fwd_worker *w, uint16_t port, struct rte_mbuf **m,
                   uint16_t n);

/* Hand @p m to @p port's tx buffer (this worker has one there).  The
 * buffer is rte_eth_dev_tx_buffer's, filled here without its per-packet
 * call and return value (a full buffer is the rare case). */
static inline void
fwd_buffer(struct fwd_worker *w, uint16_t port, struct rte_mbuf *m)
{
	struct rte_eth_dev_tx_buffer *b = w->txb[port];

	b->pkts[b->length++] = m;
	if (unlikely(b->length == FWD_TX_BURST))
		fwd_tx_flush_port(w, port);
}

/* Hand @p m to the tx buffer of output @p o and count it there; an
 * output on a port this worker has no tx queue on discards. */
static inline void
fwd_send(struct fwd_worker *w, const struct mfib_oif *o, struct rte_mbuf *m)
{
	if (unlikely(w->txb[o->port] == NULL)) {
		w->octr[o->ctr_id].out_discards++;
		rte_pktmbuf_free(m);
		return;
	}
	w->octr[o->ctr_id].out_pkts++;
	fwd_buffer(w, o->port, m);
}

#endif /* FWD_PRIVATE_H */
