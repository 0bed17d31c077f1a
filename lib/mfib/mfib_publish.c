/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Publishing: how the one writer changes what workers see.
 *
 * An (S,G) maps to a pointer to an immutable entry in an rte_hash created
 * with RW_CONCURRENCY_LF.  A change builds a whole new entry and stores
 * the new pointer over the old one (rte_hash_add_key_data on an existing
 * key is a single release store); a delete unlinks the key.  Either way
 * the writer then owns something a worker may still be reading: the old
 * entry, and after a delete the hash key slot (LF implies NO_FREE_ON_DEL)
 * and the ids indexing the counters.  All of it goes into one RCU defer
 * queue record and is released together once every registered reader has
 * reported a quiescent state, so a worker never reads freed memory and
 * never counts into an id that has been handed to another entry.
 *
 * We keep our own defer queue rather than rte_hash_rcu_qsbr_add(): the
 * hash's integrated queue only covers deletes (not a data pointer swapped
 * by an update) and offers no way to reclaim on demand in 22.11.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "mfib_private.h"

/* Retire records that may wait for a grace period at once: an eighth of
 * the table (a mass delete beyond that waits for one grace period, see
 * mfib_retire_room()), at least MFIB_DQ_MIN for small tables that churn. */
#define MFIB_DQ_MIN     1024u
#define MFIB_DQ_DIVISOR 8u

/* Fixed seed: lookups in every worker must hash the same way. */
#define MFIB_HASH_SEED 0x6d666962u /* "mfib" */

#define MFIB_ALL_OIFS(n) ((n) >= 64 ? UINT64_MAX : (UINT64_C(1) << (n)) - 1)

/*
 * rte_hash does not report its size.  This follows rte_hash_create() in
 * DPDK 22.11 for our flags: a key store of entries + 1 slots (8-byte data
 * pointer + 16-byte key, 16-byte aligned), main and extendable buckets of
 * one cache line per 8 keys, the free-slot and free-bucket rings of
 * uint32_t, and LF's table of extendable buckets to free.
 */
static uint64_t
mfib_hash_memory(uint32_t entries)
{
	uint64_t slots = (uint64_t)entries + 1;
	uint64_t buckets = rte_align32pow2(entries) / MFIB_HASH_BUCKET_ENTRIES;
	uint64_t key_sz =
	        RTE_ALIGN_CEIL(sizeof(void *) + sizeof(struct mfib_key), 16);

	return slots * key_sz + 2 * buckets * RTE_CACHE_LINE_SIZE +
	       rte_align32pow2(slots) * sizeof(uint32_t) +
	       rte_align32pow2(buckets + 1) * sizeof(uint32_t) +
	       slots * sizeof(uint32_t);
}

static void
mfib_retire_free(struct mfib *t, const struct mfib_retire *r)
{
	struct mfib_entry *e = r->entry;

	for (uint16_t i = 0; i < e->n_oif; i++)
		if (r->oif_mask & (UINT64_C(1) << i))
			mfib_oif_id_free(t, e->oif[i].ctr_id);
	if (r->free_entry_id)
		mfib_entry_id_free(t, e->id);
	if (r->key_pos >= 0)
		rte_hash_free_key_with_position(t->hash, r->key_pos);
	mfib_entry_free(t, e);
}

/* Defer-queue callback: the grace period of these records is over. */
static void
mfib_retire_cb(void *p, void *e, unsigned int n)
{
	struct mfib *t = p;
	struct mfib_retire *r = e;

	for (unsigned int i = 0; i < n; i++) {
		mfib_retire_free(t, &r[i]);
		t->n_pending--;
		t->n_freed++;
	}
}

int
mfib_publish_init(struct mfib *t)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = t->name,
		.entries = t->max_entries,
		.key_len = sizeof(struct mfib_key),
		.hash_func = rte_hash_crc,
		.hash_func_init_val = MFIB_HASH_SEED,
		.socket_id = t->socket_id,
		/* EXT_TABLE: every one of max_entries keys fits, whatever
		 * the cuckoo placement. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
		              RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct rte_rcu_qsbr_dq_parameters dp = {
		.name = name,
		.flags = RTE_RCU_QSBR_DQ_MT_UNSAFE, /* one writer */
		.esize = sizeof(struct mfib_retire),
		.free_fn = mfib_retire_cb,
		.p = t,
		.v = t->rcu,
	};
	uint32_t want = RTE_MAX(MFIB_DQ_MIN, t->max_entries / MFIB_DQ_DIVISOR);

	RTE_BUILD_BUG_ON(sizeof(struct mfib_key) != 16);
	RTE_BUILD_BUG_ON(sizeof(struct mfib_oif) != 32);
	RTE_BUILD_BUG_ON(sizeof(struct mfib_entry) != 16);
	RTE_BUILD_BUG_ON((MFIB_F_NEGATIVE | MFIB_F_STATIC | MFIB_F_ANY_IIF) >
	                 UINT8_MAX); /* entry flags are 8 bits */
	RTE_BUILD_BUG_ON(sizeof(struct mfib_retire) % 4 != 0);
	RTE_BUILD_BUG_ON(MFIB_MAX_OIF > 64); /* oif_mask is 64 bits */

	t->hash = rte_hash_create(&hp);
	if (t->hash == NULL)
		return rte_errno != 0 ? rte_errno : ENOMEM;
	t->hash_bytes = mfib_hash_memory(t->max_entries);

	/* The queue's ring holds size + 1 rounded up to a power of two:
	 * ask for exactly that, less one. */
	t->dq_size = rte_align32pow2(want + 1) - 1;
	dp.size = t->dq_size;
	/* Reclaim on the way in once a quarter is waiting, so the queue
	 * rarely fills between two mfib_reclaim() calls. */
	dp.trigger_reclaim_limit = t->dq_size / 4;
	dp.max_reclaim_size = t->dq_size;
	snprintf(name, sizeof(name), "%s", t->name);
	t->dq = rte_rcu_qsbr_dq_create(&dp);
	if (t->dq == NULL)
		return rte_errno != 0 ? rte_errno : ENOMEM;
	t->dq_bytes = (uint64_t)(t->dq_size + 1) *
	              (sizeof(struct mfib_retire) + sizeof(uint64_t));
	return 0;
}

void
mfib_publish_fini(struct mfib *t)
{
	const void *key;
	void *data;
	uint32_t it = 0;

	/* Readers are offline: every pending record is past its grace
	 * period and is freed here. */
	if (t->dq != NULL && rte_rcu_qsbr_dq_delete(t->dq) != 0)
		MFIB_LOG(ERR, "%s: %u retired entries still referenced, leaked",
		         t->name, t->n_pending);
	t->dq = NULL;
	if (t->hash == NULL)
		return;
	while (rte_hash_iterate(t->hash, &key, &data, &it) >= 0)
		mfib_entry_free(t, data);
	rte_hash_free(t->hash);
	t->hash = NULL;
}

/* Reclaim what the grace periods allow; how many records this freed. */
static unsigned int
mfib_reclaim_now(struct mfib *t)
{
	unsigned int freed = 0, pending = 0, avail = 0;
	unsigned int before = t->n_freed;

	if (t->n_pending > 0)
		rte_rcu_qsbr_dq_reclaim(t->dq, UINT32_MAX, &freed, &pending,
		                        &avail);
	return t->n_freed - before;
}

/* Counts everything freed since the last call, including what the defer
 * queue reclaimed on its own while records were enqueued, so a caller can
 * account for every record it retired. */
unsigned int
mfib_reclaim(struct mfib *t)
{
	unsigned int n;

	if (t == NULL)
		return 0;
	mfib_reclaim_now(t);
	n = t->n_freed;
	t->n_freed = 0;
	return n;
}

/* Make room for one retire record.  If every record still waits on a
 * worker, wait for a grace period: failing would leave the fast path
 * forwarding by an entry the control plane has already changed. */
static int
mfib_retire_room(struct mfib *t)
{
	if (t->n_pending < t->dq_size)
		return 0;
	mfib_reclaim_now(t);
	if (t->n_pending < t->dq_size)
		return 0;
	MFIB_LOG(DEBUG, "%s: defer queue full, waiting for readers", t->name);
	rte_rcu_qsbr_synchronize(t->rcu, RTE_QSBR_THRID_INVALID);
	mfib_reclaim_now(t);
	return t->n_pending < t->dq_size ? 0 : -ENOSPC;
}

static void
mfib_retire(struct mfib *t, const struct mfib_retire *r, uint64_t key)
{
	uint64_t n = t->retire_seq;

	/* Its key, for readers that cache by key (mfib_retired_key()): the
	 * head first, then (ordered by the fence) the slot, then (release,
	 * below) the count that tells readers to look. */
	__atomic_store_n(&t->log_head, n + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&t->retire_log[n % MFIB_RETIRE_LOG], key,
	                 __ATOMIC_RELAXED);
	/* The hash no longer leads to it: tell readers that cached it (after
	 * the hash update, so one that sees the flag finds the new state). */
	__atomic_store_n(&r->entry->retired, 1, __ATOMIC_RELEASE);
	/* Before the grace period's token is taken (the enqueue, or the
	 * synchronize below, takes it with release order): a reader whose
	 * quiescent report saw that token sees this count change. */
	__atomic_store_n(&t->retire_seq, n + 1, __ATOMIC_RELEASE);
	/* Counted first: the enqueue may reclaim, and the callback
	 * decrements. */
	t->n_pending++;
	if (rte_rcu_qsbr_dq_enqueue(t->dq, (void *)(uintptr_t)r) == 0)
		return;
	/* mfib_retire_room() made space; should the queue still refuse,
	 * stay correct the slow way. */
	t->n_pending--;
	MFIB_LOG(WARNING, "%s: defer queue refused a record: %s", t->name,
	         rte_strerror(rte_errno));
	rte_rcu_qsbr_synchronize(t->rcu, RTE_QSBR_THRID_INVALID);
	mfib_retire_free(t, r);
}

struct mfib_entry *
mfib_lookup_writer(const struct mfib *t, const struct mfib_key *key)
{
	void *data;

	if (rte_hash_lookup_data(t->hash, key, &data) < 0)
		return NULL;
	return data;
}

/* A fresh stamp for the scratch marks. */
static uint32_t
mfib_next_gen(struct mfib *t)
{
	if (++t->gen == 0) {
		memset(t->old_mark, 0, sizeof(t->old_mark));
		memset(t->new_mark, 0, sizeof(t->new_mark));
		t->gen = 1;
	}
	return t->gen;
}

/* An entry counter id (@p entry_id UINT32_MAX), or one for an output of
 * the entry with counter id @p entry_id. */
static uint32_t
mfib_id_alloc(struct mfib *t, uint32_t entry_id)
{
	return entry_id == UINT32_MAX ? mfib_entry_id_alloc(t) :
	                                mfib_oif_id_alloc(t, entry_id);
}

/* The same, reclaiming once if the pool is empty (ids of deleted entries
 * return only after their grace period). */
static uint32_t
mfib_id_get(struct mfib *t, uint32_t entry_id)
{
	uint32_t id = mfib_id_alloc(t, entry_id);

	if (id == UINT32_MAX && mfib_reclaim_now(t) > 0)
		id = mfib_id_alloc(t, entry_id);
	return id;
}

static int
mfib_spec_check(const struct mfib *t, const struct mfib_spec *spec)
{
	if (spec->n_oif > MFIB_MAX_OIF ||
	    (spec->n_oif > 0 && spec->oif_ifindex == NULL))
		return -EINVAL;
	if (!(spec->iif == 0 && (spec->flags & MFIB_F_ANY_IIF)) &&
	    !mfib_iface_known(t, spec->iif))
		return -EINVAL;
	for (uint16_t i = 0; i < spec->n_oif; i++)
		if (!mfib_iface_known(t, spec->oif_ifindex[i]))
			return -EINVAL;
	return 0;
}

/* The output's frame header (see struct mfib_oif). */
static void
mfib_oif_l2(struct mfib_oif *o, const struct mfib_iface *ifc, uint32_t grp)
{
	uint8_t *h = o->l2;
	const uint8_t *g = (const uint8_t *)&grp; /* network order */

	memset(o->l2, 0, sizeof(o->l2));
	/* 01:00:5e, then the low 23 bits of the group (RFC 1112 6.4) */
	h[0] = 0x01;
	h[1] = 0x00;
	h[2] = 0x5e;
	h[3] = g[1] & 0x7f;
	h[4] = g[2];
	h[5] = g[3];
	memcpy(h + RTE_ETHER_ADDR_LEN, &ifc->mac, RTE_ETHER_ADDR_LEN);
	h += 2 * RTE_ETHER_ADDR_LEN;
	if (ifc->vlan != 0) {
		/* priority 0 */
		*h++ = RTE_ETHER_TYPE_VLAN >> 8;
		*h++ = RTE_ETHER_TYPE_VLAN & 0xff;
		*h++ = (uint8_t)(ifc->vlan >> 8);
		*h++ = (uint8_t)ifc->vlan;
	}
	*h++ = RTE_ETHER_TYPE_IPV4 >> 8;
	*h++ = RTE_ETHER_TYPE_IPV4 & 0xff;
	o->l2_len = (uint8_t)(h - o->l2);
}

static void
mfib_oif_fill(struct mfib *t, struct mfib_oif *o, uint32_t ifindex,
              uint32_t grp, uint32_t nexthop)
{
	const struct mfib_iface *ifc = &t->iface[ifindex];

	o->port = ifc->port;
	o->mtu = ifc->mtu;
	o->ttl_threshold = ifc->ttl_threshold;
	o->ifindex = ifindex;
	/* No neighbour resolution yet: the group MAC reaches every
	 * receiver on the link, including the next hop. */
	mfib_oif_l2(o, ifc, grp);
	if (nexthop != 0 && !t->nh_warned) {
		t->nh_warned = true;
		MFIB_LOG(WARNING,
		         "%s: next-hop outputs are sent to the group "
		         "MAC (no neighbour resolution)",
		         t->name);
	}
}

/* Undo the ids a never-published entry took. */
static void
mfib_unbuild(struct mfib *t, struct mfib_entry *e, const struct mfib_entry *old,
             uint16_t n_built, uint32_t g)
{
	for (uint16_t i = 0; i < n_built; i++)
		if (old == NULL || t->old_mark[e->oif[i].ifindex] != g)
			mfib_oif_id_free(t, e->oif[i].ctr_id);
	if (old == NULL && e->id != UINT32_MAX)
		mfib_entry_id_free(t, e->id);
	mfib_entry_free(t, e);
}

int
mfib_set(struct mfib *t, const struct mfib_spec *spec)
{
	uint16_t keep[MFIB_MAX_OIF];
	struct mfib_retire r = { .key_pos = -1 };
	struct mfib_entry *old, *e;
	struct mfib_key key;
	uint16_t n = 0, i;
	uint32_t g;
	int rc;

	if (t == NULL || spec == NULL)
		return -EINVAL;
	rc = mfib_spec_check(t, spec);
	if (rc != 0)
		return rc;
	mfib_key_make(&key, spec->src, spec->grp);
	old = mfib_lookup_writer(t, &key);

	/* Outputs: never back out of the iif, each interface once. */
	g = mfib_next_gen(t);
	for (i = 0; old != NULL && i < old->n_oif; i++) {
		t->old_mark[old->oif[i].ifindex] = g;
		t->old_ctr[old->oif[i].ifindex] = old->oif[i].ctr_id;
	}
	for (i = 0; i < spec->n_oif; i++) {
		uint32_t ifx = spec->oif_ifindex[i];

		if (ifx == spec->iif || t->new_mark[ifx] == g)
			continue;
		t->new_mark[ifx] = g;
		keep[n++] = i;
	}

	e = mfib_entry_alloc(t, n);
	if (e == NULL)
		return -ENOMEM;
	e->n_oif = n; /* first: mfib_entry_free() sizes by it */
	e->id = old != NULL ? old->id : mfib_id_get(t, UINT32_MAX);
	if (e->id == UINT32_MAX) {
		mfib_unbuild(t, e, old, 0, g);
		return -ENOSPC;
	}
	e->iif = spec->iif;
	e->flags = (uint8_t)((spec->flags & ~MFIB_F_NEGATIVE) |
	                     (n == 0 ? MFIB_F_NEGATIVE : 0));
	/* at least 1: the fast run's "TTL above ttl_max" also says the TTL
	 * has not expired (lib/fwd) */
	e->ttl_max = 1;
	e->mtu_min = UINT16_MAX;
	for (i = 0; i < n; i++) {
		uint32_t ifx = spec->oif_ifindex[keep[i]];
		struct mfib_oif *o = &e->oif[i];

		mfib_oif_fill(t, o, ifx, spec->grp,
		              spec->oif_nexthop != NULL ?
		                      spec->oif_nexthop[keep[i]] :
		                      0);
		e->ttl_max = RTE_MAX(e->ttl_max, o->ttl_threshold);
		e->mtu_min = RTE_MIN(e->mtu_min, o->mtu);
		o->ctr_id = old != NULL && t->old_mark[ifx] == g ?
		                    t->old_ctr[ifx] :
		                    mfib_id_get(t, e->id);
		if (o->ctr_id == UINT32_MAX) {
			mfib_unbuild(t, e, old, i, g);
			return -ENOSPC;
		}
	}
	/* n == 0: negative */
	e->plain = !(e->flags & MFIB_F_ANY_IIF) &&
	           (n > 1 || (n == 1 && e->oif[0].l2_len == RTE_ETHER_HDR_LEN));

	if (old != NULL) {
		rc = mfib_retire_room(t);
		if (rc != 0) {
			mfib_unbuild(t, e, old, n, g);
			return rc;
		}
	}
	rc = rte_hash_add_key_data(t->hash, &key, e);
	if (rc == -ENOSPC && old == NULL && mfib_reclaim_now(t) > 0)
		rc = rte_hash_add_key_data(t->hash, &key, e);
	if (rc != 0) {
		mfib_unbuild(t, e, old, n, g);
		return rc;
	}

	if (old == NULL) {
		t->count++;
		return 0;
	}
	/* The old entry's outputs that did not stay free their ids. */
	r.entry = old;
	for (i = 0; i < old->n_oif; i++)
		if (t->new_mark[old->oif[i].ifindex] != g)
			r.oif_mask |= UINT64_C(1) << i;
	mfib_retire(t, &r, mfib_flow_key(spec->src, spec->grp));
	return 0;
}

int
mfib_del(struct mfib *t, uint32_t src, uint32_t grp)
{
	struct mfib_retire r = { .free_entry_id = 1 };
	struct mfib_key key;
	int32_t pos;
	int rc;

	if (t == NULL)
		return -EINVAL;
	mfib_key_make(&key, src, grp);
	r.entry = mfib_lookup_writer(t, &key);
	if (r.entry == NULL)
		return -ENOENT;
	rc = mfib_retire_room(t);
	if (rc != 0)
		return rc;
	pos = rte_hash_del_key(t->hash, &key);
	if (pos < 0)
		return pos;
	r.key_pos = pos;
	r.oif_mask = MFIB_ALL_OIFS(r.entry->n_oif);
	mfib_retire(t, &r, mfib_flow_key(src, grp));
	t->count--;
	return 0;
}

int
mfib_read_total(struct mfib *t, uint32_t src, uint32_t grp,
                struct mfib_entry_ctr *ec, const uint32_t *oif_ifindex,
                struct mfib_oif_ctr *oc, uint32_t n, uint64_t *total_out)
{
	const struct mfib_entry *e;
	struct mfib_oif_ctr sum;
	struct mfib_key key;

	if (t == NULL || (n > 0 && (oif_ifindex == NULL || oc == NULL)))
		return -EINVAL;
	mfib_key_make(&key, src, grp);
	e = mfib_lookup_writer(t, &key);
	if (e == NULL)
		return -ENOENT;
	if (ec != NULL)
		mfib_entry_ctr_sum(t, e->id, ec);
	for (uint32_t i = 0; i < n; i++) {
		memset(&oc[i], 0, sizeof(oc[i]));
		for (uint16_t j = 0; j < e->n_oif; j++)
			if (e->oif[j].ifindex == oif_ifindex[i]) {
				mfib_oif_ctr_sum(t, e->oif[j].ctr_id, &oc[i]);
				break;
			}
	}
	if (total_out != NULL) {
		*total_out = 0;
		for (uint16_t j = 0; j < e->n_oif; j++) {
			mfib_oif_ctr_sum(t, e->oif[j].ctr_id, &sum);
			*total_out += sum.out_pkts;
		}
	}
	return 0;
}

int
mfib_read(struct mfib *t, uint32_t src, uint32_t grp, struct mfib_entry_ctr *ec,
          const uint32_t *oif_ifindex, struct mfib_oif_ctr *oc, uint32_t n)
{
	return mfib_read_total(t, src, grp, ec, oif_ifindex, oc, n, NULL);
}
