/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop and one burst's way through it.  The fast run takes
 * the burst's leading packets that the flow cache knows and that go to
 * every output of their entry, each in one pass; the staged path takes
 * the rest: parse, bulk lookup of (S,G) then (*,G), the entry's verdict
 * (negative, RPF), replication, and the punts of the burst in one
 * enqueue.
 *
 * RCU: entry pointers live only within fwd_process_burst(); the loop
 * reports a quiescent state between bursts, when none is held.
 */

#include <rte_cycles.h>
#include <rte_hash.h>
#include <rte_prefetch.h>

#include "fwd_out.h"
#include "fwd_parse.h"

/* A miss, or an RPF failure: signal the control thread if the bucket
 * allows, else drop. */
static inline void
fwd_miss(struct fwd_worker *w, const struct fwd_pkt *p)
{
	if (w->conf.punt != NULL && fwd_punt_token(w)) {
		fwd_punt_stage(w, p->m, FWD_PUNT_MISS, p->l2_len, p->ifindex);
		return;
	}
	w->stats.drop_miss++;
	rte_pktmbuf_free(p->m);
}

/* Negative entry or RPF failure: count, and signal the control thread
 * of the latter if the bucket allows. */
static __rte_noinline void
fwd_reject(struct fwd_worker *w, const struct fwd_pkt *p,
           const struct mfib_entry *e)
{
	struct mfib_entry_ctr *ec = &w->ectr[e->id];

	if (e->flags & MFIB_F_NEGATIVE) {
		ec->negative++;
		w->stats.drop_negative++;
		rte_pktmbuf_free(p->m);
		return;
	}
	ec->wrong_if++;
	w->stats.drop_wrong_if++;
	/* The signal shares the miss bucket: a looping flow must not flood
	 * the control thread either. */
	if (w->conf.punt != NULL && fwd_punt_token(w))
		fwd_punt_stage(w, p->m, FWD_PUNT_WRONG_IF, p->l2_len,
		               p->ifindex);
	else
		rte_pktmbuf_free(p->m);
}

/* The entry's share of an accepted packet (the worker's fwd_pkts is
 * the caller's: the fast run counts its packets once). */
static inline void
fwd_count_entry(struct fwd_worker *w, const struct fwd_pkt *p,
                const struct mfib_entry *e)
{
	struct mfib_entry_ctr *ec = &w->ectr[e->id];

	ec->in_pkts++;
	ec->in_octets += p->ip_len;
}

static inline void
fwd_count_accepted(struct fwd_worker *w, const struct fwd_pkt *p,
                   const struct mfib_entry *e)
{
	fwd_count_entry(w, p, e);
	w->stats.fwd_pkts++;
}

/* Anything but the common case: RPF and negative verdicts, two or more
 * outputs, per-output checks, a tag to add or remove. */
static inline void
fwd_accept_general(struct fwd_worker *w, const struct fwd_pkt *p,
                   const struct mfib_entry *e)
{
	if ((e->flags & MFIB_F_NEGATIVE) ||
	    (p->ifindex != e->iif && !(e->flags & MFIB_F_ANY_IIF))) {
		fwd_reject(w, p, e);
		return;
	}
	fwd_count_accepted(w, p, e);
	fwd_replicate(w, p, e);
}

/* The common case: RPF passes and every output of @p e takes @p p (TTL
 * @p ttl) with no check of its own. */
static inline bool
fwd_takes_all(const struct fwd_pkt *p, const struct mfib_entry *e,
              uint8_t ttl)
{
	/* fwd_all_oifs_ok() with the flags tested at once */
	return !(e->flags & (MFIB_F_NEGATIVE | MFIB_F_ANY_IIF)) &&
	       p->ifindex == e->iif && ttl > e->ttl_max &&
	       p->ip_len <= e->mtu_min;
}

/* The common case in one pass for an entry with one output whose frame
 * header keeps the packet's header length.  Everything else takes
 * fwd_accept_general(). */
static inline void
fwd_accept(struct fwd_worker *w, const struct fwd_pkt *p,
           const struct mfib_entry *e)
{
	const struct mfib_oif *o = &e->oif[0];
	struct rte_ipv4_hdr *ip = p->ip;
	uint8_t ttl = ip->time_to_live;

	if (unlikely(e->n_oif != 1 || o->l2_len != p->l2_len ||
	             !fwd_takes_all(p, e, ttl))) {
		fwd_accept_general(w, p, e);
		return;
	}
	fwd_count_accepted(w, p, e);
	fwd_ttl_dec(ip);
	/* same header length: the frame starts where it did */
	fwd_l2_put((uint8_t *)ip - p->l2_len, o);
	fwd_send(w, o, p->m);
}

/* The flow cache's way holding @p key, or NULL. */
static inline struct fwd_fc_way *
fwd_fc_find(struct fwd_fc_set *fc, uint64_t key)
{
	struct fwd_fc_set *c = fwd_fc_set(fc, key);

	RTE_BUILD_BUG_ON(FWD_FC_WAYS != 4);
	if (c->way[0].key == key)
		return &c->way[0];
	if (c->way[1].key == key)
		return &c->way[1];
	if (c->way[2].key == key)
		return &c->way[2];
	if (c->way[3].key == key)
		return &c->way[3];
	return NULL;
}

/* The flow cache's entry for @p key unless the writer has retired it,
 * or NULL. */
static inline const struct mfib_entry *
fwd_fc_get(struct fwd_fc_set *fc, uint64_t key)
{
	const struct fwd_fc_way *c = fwd_fc_find(fc, key);

	return c != NULL && !__atomic_load_n(&c->e->retired, __ATOMIC_ACQUIRE) ?
	               c->e :
	               NULL;
}

/* Add what way @p c counted to mfib's counters. */
static inline void
fwd_fc_count_flush(struct fwd_worker *w, struct fwd_fc_way *c)
{
	struct mfib_entry_ctr *ec;

	if (c->pkts == 0)
		return;
	ec = &w->ectr[c->id];
	ec->in_pkts += c->pkts;
	ec->in_octets += c->octets;
	if (c->single)
		w->octr[c->oif_ctr].out_pkts += c->pkts;
	c->pkts = 0;
	c->octets = 0;
}

/* Fill way @p c (its counts flushed) with @p key and what the fast run
 * needs of @p e. */
static void
fwd_fc_fill(const struct fwd_worker *w, struct fwd_fc_way *c, uint64_t key,
            const struct mfib_entry *e)
{
	const struct mfib_oif *o = &e->oif[0];

	memset(c, 0, sizeof(*c));
	c->key = key;
	c->e = e;
	c->id = e->id;
	c->ttl_max = e->ttl_max;
	c->mtu_min = e->mtu_min;
	if (e->n_oif == 0)
		return; /* gate 0: the fast run takes no negative entry */
	/* a retired gate never matches the fast run's: it stops there */
	c->gate = __atomic_load_n(&e->gate, __ATOMIC_ACQUIRE);
	c->single = e->n_oif == 1;
	c->port = o->port;
	memcpy(c->l2, o->l2, sizeof(c->l2));
	c->oif_ctr = o->ctr_id;
	/* the fast run sends a single output's packets without the check
	 * (fwd_send() counts them as discards) */
	if (c->single && w->txb[o->port] == NULL)
		c->gate = 0;
}

/* Remember @p e for @p key, evicting the set's oldest way. */
static inline void
fwd_fc_put(struct fwd_worker *w, uint64_t key, const struct mfib_entry *e)
{
	struct fwd_fc_set *c = fwd_fc_set(w->fc, key);
	unsigned int i;

	/* A flow's packets miss together within one burst: one way each. */
	for (i = 0; i < FWD_FC_WAYS; i++) {
		if (c->way[i].key == key) {
			fwd_fc_count_flush(w, &c->way[i]);
			fwd_fc_fill(w, &c->way[i], key, e);
			return;
		}
	}
	fwd_fc_count_flush(w, &c->way[FWD_FC_WAYS - 1]);
	for (i = FWD_FC_WAYS - 1; i > 0; i--)
		c->way[i] = c->way[i - 1];
	fwd_fc_fill(w, &c->way[0], key, e);
}

/* rte_hash, in bulk, for the packets the flow cache lacked (@p look):
 * (S,G) first, then (*,G) for what that misses.  Fills @p e (NULL: no
 * entry) and the cache. */
static __rte_noinline void
fwd_lookup(struct fwd_worker *w, const struct fwd_pkt *p,
           const struct mfib_entry **e, const uint16_t *look, uint16_t n)
{
	struct mfib_key key[FWD_BURST];
	const void *kp[FWD_BURST];
	void *found[FWD_BURST];
	uint16_t miss[FWD_BURST];
	uint64_t hits = 0;
	uint16_t i, n_miss = 0;

	for (i = 0; i < n; i++) {
		const struct rte_ipv4_hdr *ip = p[look[i]].ip;

		mfib_key_make(&key[i], ip->src_addr, ip->dst_addr);
		kp[i] = &key[i];
	}
	rte_hash_lookup_bulk_data(w->hash, kp, n, &hits, found);
	for (i = 0; i < n; i++) {
		uint16_t j = look[i];

		if (!(hits & (1ULL << i))) {
			e[j] = NULL;
			miss[n_miss++] = j;
			continue;
		}
		e[j] = found[i];
		rte_prefetch0(found[i]);
		if (w->fc != NULL)
			fwd_fc_put(w, p[j].key, found[i]);
	}
	if (n_miss == 0)
		return;
	hits = 0;
	for (i = 0; i < n_miss; i++) {
		key[i].src = 0;
		key[i].grp = p[miss[i]].ip->dst_addr;
		kp[i] = &key[i];
	}
	rte_hash_lookup_bulk_data(w->hash, kp, n_miss, &hits, found);
	for (i = 0; i < n_miss; i++) {
		if (hits & (1ULL << i)) {
			e[miss[i]] = found[i];
			rte_prefetch0(found[i]);
		}
	}
}

/* Drop the flow cache's ways for the entries retired as numbers @p from
 * to @p to - 1: the cache holds exact (S,G) hits only, each under its own
 * key, so a retired entry can be in one way only, its key's.  False when
 * the table's log no longer holds them all. */
static __rte_noinline bool
fwd_fc_forget(struct fwd_worker *w, uint64_t from, uint64_t to)
{
	uint64_t n, key;
	unsigned int i;

	if (to - from > MFIB_RETIRE_LOG)
		return false;
	for (n = from; n != to; n++) {
		struct fwd_fc_set *c;

		if (!mfib_retired_key(w->conf.mfib, n, &key))
			return false;
		c = fwd_fc_set(w->fc, key);
		for (i = 0; i < FWD_FC_WAYS; i++) {
			if (c->way[i].key == key) {
				fwd_fc_count_flush(w, &c->way[i]);
				/* empty as the cache starts: gate 0 and
				 * mtu_min 0 stop the fast run at key 0,
				 * which it does not parse away */
				memset(&c->way[i], 0, sizeof(c->way[i]));
			}
		}
	}
	return true;
}

/* Flush the counts of @p n sets from where the last sweep stopped. */
static void
fwd_fc_sweep(struct fwd_worker *w, unsigned int n)
{
	uint32_t s = w->fc_sweep;

	while (n-- > 0) {
		for (unsigned int i = 0; i < FWD_FC_WAYS; i++)
			fwd_fc_count_flush(w, &w->fc[s].way[i]);
		if (++s == FWD_FC_SETS)
			s = 0;
	}
	w->fc_sweep = s;
}

/* How many sets this report sweeps: FWD_FC_SWEEP, or as many as the
 * time since the last report's sweep asks for, a set every fc_set_tsc
 * cycles (a report every 256 loops of many busy rx queues comes
 * milliseconds apart).  A TSC read a report, and a division when it
 * comes later than FWD_FC_SWEEP sets' time. */
static unsigned int
fwd_fc_sweep_due(struct fwd_worker *w)
{
	uint64_t now = rte_rdtsc(), gap = now - w->fc_sweep_tsc;

	w->fc_sweep_tsc = now;
	if (likely(gap < w->fc_set_tsc * FWD_FC_SWEEP))
		return FWD_FC_SWEEP;
	return (unsigned int)RTE_MIN(gap / w->fc_set_tsc,
	                             (uint64_t)FWD_FC_SETS);
}

void
fwd_worker_count_flush(struct fwd_worker *w)
{
	if (w->fc != NULL)
		fwd_fc_sweep(w, FWD_FC_SETS);
}

/* Forget the entries retired since the cache last looked: only their
 * ways go, so a table under churn keeps its stable flows cached;
 * everything goes when the log has moved on.  Run before every quiescent
 * report, after its token is read (the pointers' and the counts' safety:
 * fwd_worker_quiescent()), and as every FWD_FC_SYNC_RUNS-th fast run
 * begins (the ways' copies then hold no entry retired before it: a change
 * reaches the fast run by its FWD_FC_SYNC_RUNS-th run after at the
 * latest). */
static inline void
fwd_fc_sync(struct fwd_worker *w)
{
	uint64_t seq = mfib_retire_seq(w->conf.mfib);

	if (unlikely(seq != w->fc_retire_seq)) {
		if (!fwd_fc_forget(w, w->fc_retire_seq, seq)) {
			fwd_worker_count_flush(w);
			memset(w->fc, 0, FWD_FC_SETS * sizeof(*w->fc));
		}
		w->fc_retire_seq = seq;
	}
}

/* @p v, which the compiler can no longer tell is a constant: a loop
 * keeps it in a register or reads it from its frame, where it wrote a
 * 10-byte constant load for every packet. */
static inline uint64_t
fwd_opaque(uint64_t v)
{
	__asm__("" : "+r"(v));
	return v;
}

/* What every packet of a fast run is checked against. */
struct fwd_lane {
	struct fwd_fc_set *fc;
	uint64_t gate1;    /* a live plain entry with one output, from here */
	uint64_t gate0;    /* the same with its n_oif bits 0 */
	uint64_t n_keep;   /* a gate's bits but its n_oif */
	uint64_t csum_inv; /* FWD_CSUM_INV, FWD_CSUM_LIM */
	uint64_t csum_lim;
	uint32_t ifindex;
};

/* The outer loop's collection: single-output packets to one port (port1)
 * collect at the start of the burst's array, whose slots the run has
 * consumed, and go to that port's tx buffer together
 * (fwd_fast_release()): no buffer lookup and append per packet.  They go
 * before anything else the run sends that may reach port1 (the copies of
 * a multi-output entry) and before the staged path's, so every port sends
 * in the order of arrival, as without the collection. */
struct fwd_run {
	struct rte_mbuf **out;
	struct rte_mbuf **tail; /* packets at out[0 .. tail - out) */
	uint16_t port1;         /* RTE_MAX_ETHPORTS: none chosen yet */
	uint64_t bytes;         /* IP bytes taken (fwd_fast_count()) */
};

/* A packet the fast run takes (the lane took only frames of 14 + ip_len
 * bytes: the frame headers' bytes are added when the run ends).  The
 * outer loop (@p r) sums the bytes in a register; fwd_fast_multi()'s
 * (@p r NULL) adds them in memory, where a register would be spilled
 * around the copies. */
static __rte_always_inline void
fwd_fast_count(struct fwd_worker *w, struct fwd_run *r,
               const struct fwd_pkt *p, struct fwd_fc_way *c)
{
	if (r != NULL)
		r->bytes += p->ip_len;
	else
		w->stats.rx_bytes += p->ip_len;
	c->pkts++;
	c->octets += p->ip_len;
}

/* Hand what the run collected to its port's tx buffer. */
static inline void
fwd_fast_release(struct fwd_worker *w, struct fwd_run *r)
{
	fwd_send_bulk(w, r->port1, r->out, (uint16_t)(r->tail - r->out));
	r->tail = r->out;
}

/* A single-output packet of the outer loop (counted in its way, to
 * @p port, where this worker can send): to the run's collection when its
 * output is on the run's port, or none is chosen yet, else by the tx
 * buffer.  The common case returns at once: with one tail for both, the
 * compiler stored port1 back for every packet. */
static __rte_always_inline void
fwd_fast_send(struct fwd_worker *w, struct fwd_run *r, uint16_t port,
              struct rte_mbuf *m)
{
	if (likely(port == r->port1)) {
		*r->tail++ = m;
		return;
	}
	if (r->tail != r->out) {
		fwd_buffer(w, port, m);
		return;
	}
	r->port1 = port;
	*r->tail++ = m;
}

/* How fwd_fast_one() left a packet. */
enum fwd_fast_verdict {
	FWD_FAST_STOP,   /* untouched: the staged path's */
	FWD_FAST_SINGLE, /* sent to its one output */
	FWD_FAST_MULTI,  /* sent to its outputs; by the outer loop only
	                  * counted, its entry at *me: fwd_fast_multi() sends */
};

/* One packet of the fast run, inlined in every loop of the run whatever
 * its size.  The outer loop (@p r: its collection) hands a multi-output
 * packet to fwd_fast_multi(), whose loop (@p r NULL) makes the copies
 * inline: a stretch of such packets pays one call instead of one each,
 * and the outer loop keeps the registers the copies would take. */
static __rte_always_inline enum fwd_fast_verdict
fwd_fast_one(struct fwd_worker *w, const struct fwd_lane *k,
             struct fwd_run *r, struct rte_mbuf *m,
             const struct mfib_entry **me)
{
	struct fwd_fc_way *c;
	struct fwd_pkt p;
	uint32_t tw;

	if (unlikely(!fwd_parse_fast(m, k->ifindex, false, &p, k->csum_inv,
	                             k->csum_lim)))
		return FWD_FAST_STOP;
	/* TTL, protocol, checksum: the word the lane's checksum read */
	memcpy(&tw, &p.ip->time_to_live, sizeof(tw));
	c = fwd_fc_find(k->fc, p.key);
	if (unlikely(c == NULL))
		return FWD_FAST_STOP;
	/* From the way's copy of the entry (fwd_fc_sync(), as one of the
	 * last FWD_FC_SYNC_RUNS runs began, dropped the ways of entries
	 * retired before).  A TTL above ttl_max (at least 1) has not
	 * expired: the lane left that to this check. */
	if (unlikely((uint8_t)tw <= c->ttl_max || /* the TTL */
	             p.ip_len > c->mtu_min))
		return FWD_FAST_STOP;
	/* RPF, not retired, plain, one output or more, in one word; one
	 * branch per kind of entry: the common one tests the gate once */
	if (likely(c->gate == k->gate1)) {
		fwd_fast_count(w, r, &p, c);
		fwd_ttl_dec_word(p.ip, tw);
		/* untagged in, untagged out: the frame starts where it did */
		fwd_l2_put14((uint8_t *)p.ip - RTE_ETHER_HDR_LEN, c->l2);
		if (r != NULL)
			fwd_fast_send(w, r, c->port, m);
		else
			fwd_buffer(w, c->port, m);
		return FWD_FAST_SINGLE;
	}
	if (likely((c->gate & k->n_keep) == k->gate0)) {
		fwd_fast_count(w, r, &p, c);
		if (r == NULL) {
			fwd_replicate_small(w, m, p.ip, p.ip_len, c->e);
		} else {
			if (unlikely(r->tail != r->out))
				fwd_fast_release(w, r);
			*me = c->e;
		}
		return FWD_FAST_MULTI;
	}
	return FWD_FAST_STOP;
}

/* fwd_fast_multi()'s result: the index of the last packet it consumed,
 * and whether the run stops after it. */
#define FWD_FAST_LAST    0xffffu
#define FWD_FAST_STOPPED 0x10000u

/* The copies of the outer loop's multi-output packet pkts[@p i] (entry
 * @p e), then the packets after it while they have two outputs or more,
 * and the single-output one that ends the stretch (by its tx buffer: the
 * outer loop's collection is empty until it goes on). */
static __rte_noinline uint32_t
fwd_fast_multi(struct fwd_worker *w, const struct fwd_lane *k,
               struct rte_mbuf **pkts, uint16_t i, uint16_t n,
               const struct mfib_entry *e)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
	        pkts[i], struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
	struct rte_mbuf **pp = pkts + i + 1, **end = pkts + n;
	enum fwd_fast_verdict v;

	fwd_replicate_small(w, pkts[i], ip, rte_be_to_cpu_16(ip->total_length),
	                    e);
	/* pointers, not indexes: fewer registers live across the copies */
	for (; pp < end; pp++) {
		if (pp + FWD_PREFETCH_AHEAD < end)
			fwd_prefetch_frame(pp[FWD_PREFETCH_AHEAD]);
		v = fwd_fast_one(w, k, NULL, *pp, NULL);
		if (unlikely(v != FWD_FAST_MULTI))
			return (uint32_t)(pp - pkts) -
			       (v == FWD_FAST_STOP ? 1u - FWD_FAST_STOPPED : 0);
	}
	return (uint32_t)(pp - pkts) - 1u;
}

/*
 * The fast run: from the start of the burst, each packet the parser's
 * fast lane takes, the flow cache knows, and whose entry sends it to
 * every output with no check per output, in one pass.  It stops at the
 * first other packet and leaves that one and the rest, untouched, to the
 * staged path, so a flow's packets keep their order.  Returns how many
 * packets it consumed.
 */
static inline uint16_t
fwd_fast_run(struct fwd_worker *w, uint32_t ifindex, struct rte_mbuf **pkts,
             uint16_t n)
{
	const struct fwd_lane k = {
		.fc = w->fc,
		.gate1 = mfib_entry_gate(ifindex, 1),
		.gate0 = mfib_entry_gate(ifindex, 0),
		.n_keep = ~(mfib_entry_gate(0, UINT16_MAX) ^
		            mfib_entry_gate(0, 0)),
		.csum_inv = fwd_opaque(FWD_CSUM_INV),
		.csum_lim = fwd_opaque(FWD_CSUM_LIM),
		.ifindex = ifindex,
	};
	struct fwd_run r = {
		.out = pkts,
		.tail = pkts,
		.port1 = RTE_MAX_ETHPORTS,
	};
	struct rte_mbuf **pp, **end = pkts + n;
	/* where the first loop ends: the last packets have none to prefetch */
	struct rte_mbuf **last = n > FWD_PREFETCH_AHEAD ?
	                                 end - FWD_PREFETCH_AHEAD :
	                                 pkts;
	const struct mfib_entry *e = NULL;
	enum fwd_fast_verdict v;
	unsigned int i;
	uint32_t next;

	if (++w->fc_runs == FWD_FC_SYNC_RUNS) {
		w->fc_runs = 0;
		fwd_fc_sync(w);
	}
	for (i = 0; i < n && i < FWD_PREFETCH_AHEAD; i++)
		fwd_prefetch_frame(pkts[i]);
	/* Two loops: the prefetch needs no test in the first.  Their
	 * verdict handling is written out in both: shared through a helper
	 * (an index by pointer, or a signed index back) it cost 1.1
	 * instructions per packet at fanout 1.  By pointer, not index: one
	 * register and an add where an index took five instructions. */
	for (pp = pkts; pp < last; pp++) {
		fwd_prefetch_frame(pp[FWD_PREFETCH_AHEAD]);
		v = fwd_fast_one(w, &k, &r, *pp, &e);
		if (likely(v == FWD_FAST_SINGLE))
			continue;
		if (unlikely(v == FWD_FAST_STOP))
			goto out;
		next = fwd_fast_multi(w, &k, pkts, (uint16_t)(pp - pkts), n, e);
		pp = pkts + (next & FWD_FAST_LAST);
		if (unlikely(next & FWD_FAST_STOPPED)) {
			pp++;
			goto out;
		}
	}
	for (; pp < end; pp++) {
		v = fwd_fast_one(w, &k, &r, *pp, &e);
		if (likely(v == FWD_FAST_SINGLE))
			continue;
		if (unlikely(v == FWD_FAST_STOP))
			break;
		next = fwd_fast_multi(w, &k, pkts, (uint16_t)(pp - pkts), n, e);
		pp = pkts + (next & FWD_FAST_LAST);
		if (unlikely(next & FWD_FAST_STOPPED)) {
			pp++;
			break;
		}
	}
out:
	if (r.tail != r.out)
		fwd_fast_release(w, &r);
	i = (unsigned int)(pp - pkts);
	w->stats.rx_pkts += i;
	w->stats.rx_bytes += r.bytes + (uint64_t)RTE_ETHER_HDR_LEN * i;
	w->stats.fwd_pkts += i;
	return (uint16_t)i;
}

/* The staged path for at most FWD_BURST packets: parse them all, look
 * them up (flow cache, then rte_hash in bulk), then forward, drop or
 * punt each. */
static void
fwd_process_staged(struct fwd_worker *w, uint16_t port, uint32_t ifindex,
                   struct rte_mbuf **pkts, uint16_t n)
{
	struct fwd_pkt p[FWD_BURST];
	const struct mfib_entry *e[FWD_BURST];
	uint16_t look[FWD_BURST];
	uint16_t i, k, n_look = 0;

	k = fwd_parse_burst(w, port, ifindex, pkts, n, p);
	/* Flow cache first (the control thread's forwarder has none). */
	if (likely(w->fc != NULL)) {
		for (i = 0; i < k; i++) {
			e[i] = fwd_fc_get(w->fc, p[i].key);
			if (e[i] == NULL)
				look[n_look++] = i;
		}
	} else {
		for (i = 0; i < k; i++)
			look[n_look++] = i;
	}
	if (n_look > 0)
		fwd_lookup(w, p, e, look, n_look);
	for (i = 0; i < k; i++) {
		if (likely(e[i] != NULL))
			fwd_accept(w, &p[i], e[i]);
		else
			fwd_miss(w, &p[i]);
	}
	if (w->n_punt > 0)
		fwd_punt_flush(w);
}

/* Out of line even under LTO: profiles and bench_fwd attribute the fast
 * path's cost to this symbol. */
__rte_noinline void
fwd_process_burst(struct fwd_worker *w, uint16_t port, struct rte_mbuf **pkts,
                  uint16_t n)
{
	/* Once per burst (interfaces may be added while workers run); 0
	 * turns the fast lane off. */
	uint32_t ifindex = w->conf.full_parse ?
	                           0 :
	                           mfib_iface_rx(w->conf.mfib, port, 0);
	uint16_t off = 0, len;

	/* The fast run needs the fast lane and the flow cache (the control
	 * thread's forwarder has none).  Traffic it keeps stopping on (flows
	 * the cache cannot hold, say) goes to the staged path for a while:
	 * the staged path looks entries up for a whole burst at once, so
	 * their cache misses overlap, where the run meets them one by one. */
	if (likely(ifindex != 0 && w->fc != NULL)) {
		if (likely(w->fast_backoff == 0)) {
			off = fwd_fast_run(w, ifindex, pkts, n);
			if (unlikely(off < n / 2))
				w->fast_backoff = FWD_FAST_BACKOFF;
		} else {
			w->fast_backoff--;
		}
	}
	for (; off < n; off += len) {
		len = RTE_MIN((uint16_t)(n - off), (uint16_t)FWD_BURST);
		fwd_process_staged(w, port, ifindex, pkts + off, len);
	}
	if (w->n_stash > 0)
		fwd_copy_stash_return(w);
}

void
fwd_worker_quiescent(struct fwd_worker *w)
{
	uint64_t token;

	if (!w->conf.is_reader)
		return; /* the control thread's forwarder holds nothing */
	/* The token first, then the ways of every entry retired so far go,
	 * with what they counted, then the report: it cannot let the writer
	 * free an entry a way still holds, nor reuse ids a way still counts
	 * under (mfib_quiescent_token()). */
	token = mfib_quiescent_token(w->rcu);
	fwd_fc_sync(w);
	mfib_quiescent_at(w->rcu, w->conf.reader_id, token);
	/* A way's 32-bit count meets a sweep before it can wrap: a report
	 * comes every FWD_QS_LOOPS loops at most, each of FWD_MAX_RX bursts. */
	RTE_BUILD_BUG_ON((uint64_t)(FWD_FC_SETS + FWD_FC_SWEEP - 1) /
	                         FWD_FC_SWEEP * FWD_QS_LOOPS * FWD_MAX_RX *
	                         FWD_BURST >=
	                 UINT32_MAX);
	fwd_fc_sweep(w, fwd_fc_sweep_due(w));
}

int
fwd_worker_main(void *arg)
{
	struct fwd_worker *w = arg;
	const struct fwd_worker_conf *c = &w->conf;
	struct rte_mbuf *pkts[FWD_BURST];
	uint16_t i, n;

	FWD_LOG(INFO, "worker on lcore %u: %u rx queue(s), %u tx port(s)\n",
	        rte_lcore_id(), c->n_rx, w->n_tx_port);
	w->last_flush = rte_rdtsc();
	while (!fwd_stopping()) {
		uint32_t got = 0;
		uint64_t now;

		for (i = 0; i < c->n_rx; i++) {
			n = rte_eth_rx_burst(c->rx[i].port, c->rx[i].queue,
			                     pkts, FWD_BURST);
			if (n == 0)
				continue;
			got += n;
			fwd_process_burst(w, c->rx[i].port, pkts, n);
		}
		/* Idle: nothing more is coming to fill the buffers.  Busy:
		 * bound the latency a partly filled buffer adds. */
		now = rte_rdtsc();
		if (got == 0 || now - w->last_flush >= w->drain_tsc)
			fwd_worker_flush(w);
		/* Quiescent now and then.  The flow cache's pointers are
		 * references held across reports: an entry the table has
		 * retired before this report may be freed after it, so the
		 * cache forgets it first (fwd_worker_quiescent()).  Other
		 * flows stay cached. */
		if (c->is_reader &&
		    (got == 0 || ++w->qs_loops >= FWD_QS_LOOPS)) {
			w->qs_loops = 0;
			fwd_worker_quiescent(w);
		}
	}
	fwd_worker_flush(w);
	fwd_worker_count_flush(w);
	if (c->is_reader)
		mfib_reader_unregister(c->mfib, c->reader_id);
	FWD_LOG(INFO, "worker on lcore %u stopped\n", rte_lcore_id());
	return 0;
}
