/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RTM_PRIVATE_H
#define RTM_PRIVATE_H

/*
 * lib/rtm internals shared by its files.  Every function here expects the
 * instance lock to be held unless its comment says otherwise.
 *
 *   rtm.c         instance life, lock, clock, deferred log, handles,
 *                 protocol priorities, last error
 *   rtm_client.c  clients and observers, change queues, event fds
 *   rtm_net.c     networks: exact hash, per-length LPM hashes, ordered tree
 *   rtm_route.c   add/delete, best-route election, aging, block delete
 *   rtm_enum.c    enumerations and the ordered first/next walk
 */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "rtm.h"

/* The handle layout below needs 64 bits; DPDK targets are 64-bit only. */
_Static_assert(sizeof(uintptr_t) >= sizeof(uint64_t),
               "rtm handles pack slot, generation and instance tag in 64 bits");

/*
 * Handle = kind:1 | instance tag:15 | generation:24 | slot:24.  The tag
 * makes a handle of another instance fail validation instead of naming an
 * unrelated client here; the generation catches stale handles; generation
 * 0 is never issued, so 0 is never a valid handle.
 */
#define RTM_H_SLOT_BITS 24
#define RTM_H_GEN_BITS  24
#define RTM_H_TAG_BITS  15
#define RTM_H_SLOT_MAX  ((1u << RTM_H_SLOT_BITS) - 1)
#define RTM_H_GEN_MASK  ((1u << RTM_H_GEN_BITS) - 1)
#define RTM_H_TAG_MASK  ((1u << RTM_H_TAG_BITS) - 1)

enum rtm_kind {
	RTM_KIND_CLIENT = 0,
	RTM_KIND_ENUM = 1,
};

/*
 * Change messages kept per client.  A consumer that stops reading must not
 * make RTM grow without bound: past this many the oldest is dropped (and
 * logged).  64k messages of ~190 B is 12 MB, far above any sane backlog.
 */
#define RTM_QUEUE_CAP 65536u
#define RTM_QUEUE_MIN 16u

/* Log lines kept until the lock is released (the sink may call RTM). */
#define RTM_LOG_PENDING 8
#define RTM_LOG_LEN     160

#define RTM_NS_PER_S    1000000000ull
#define RTM_NS_PER_MS   1000000ull
#define RTM_NS_PER_TICK 100ull /* FILETIME unit */
#define RTM_NO_DEADLINE UINT64_MAX
#define RTM_HEAP_NONE   UINT32_MAX
#define RTM_NFAMILIES   2u
#define RTM_ENUM_FLAGS                                     \
	(RTM_ONLY_THIS_NETWORK | RTM_ONLY_THIS_INTERFACE | \
	 RTM_ONLY_THIS_PROTOCOL | RTM_ONLY_BEST_ROUTES)

/** A route record of either family (the public layout). */
union rtm_rec {
	struct rtm_ip_route ip;
	struct rtm_ipx_route ipx;
};

/** One queued best-route change. */
struct rtm_msg {
	uint32_t flags;
	union rtm_rec cur;
	union rtm_rec prev;
};

/** A client's change queue: a ring that grows by doubling up to the cap. */
struct rtm_queue {
	struct rtm_msg *ring;
	uint32_t cap;  /* power of two, 0 before the first message */
	uint32_t head; /* oldest message */
	uint32_t len;
	uint64_t dropped; /* since the queue was last empty */
};

struct rtm_route;

struct rtm_client {
	rtm_client_t handle;
	uint32_t family;
	uint32_t protocol;
	uint32_t flags;                 /* RTM_SINGLE_ROUTE */
	bool observer;                  /* no protocol; only receives changes */
	int event_fd;                   /* -1: no queue, dequeue is refused */
	bool signalled;                 /* written since the last drain */
	struct rtm_client *next, *prev; /* the family's client list */
	struct rtm_route *routes;       /* routes it owns */
	uint32_t nroutes;
	struct rtm_queue q;
};

/* Ordered index node (AVL), keyed by the network's sort key. */
struct rtm_avl {
	struct rtm_avl *left, *right;
	int height;
};

/** Position of a route in the ordered walk after its network. */
struct rtm_rkey {
	uint32_t protocol;
	uint32_t ifindex;
	uint64_t next_hop; /* IP: host-order number; IPX: MAC as 48 bits */
};

/** A network with at least one route. */
struct rtm_net {
	struct hmap_node hnode;   /* in family->maps[len] */
	struct rtm_avl avl;       /* in family->tree */
	uint64_t key;             /* sort key: host-order number, then mask */
	uint32_t number;          /* as stored in the record (IP: net order) */
	uint32_t mask;            /* IP only, net order */
	uint8_t len;              /* IP prefix length; 0 for IPX */
	struct rtm_route *routes; /* sorted by rkey */
	uint32_t nroutes;
	struct rtm_route *best;
};

struct rtm_route {
	union rtm_rec rec; /* what clients see; RTM stamps time/priority */
	struct rtm_net *net;
	struct rtm_client *owner;
	struct rtm_route *net_next, *net_prev;
	struct rtm_route *cl_next, *cl_prev;
	struct rtm_rkey rkey;
	uint64_t seq;         /* add order: equal routes go to the earliest */
	uint64_t deadline_ns; /* RTM_NO_DEADLINE: never ages */
	uint32_t heap_idx;    /* in rtm->heap, or RTM_HEAP_NONE */
	bool doomed;          /* picked by a block delete */
};

struct rtm_family {
	uint32_t id;
	/*
	 * One map per prefix length in use (IPX uses maps[0] only); bit L of
	 * lens says maps[L] is initialised and non-empty, so LPM probes only
	 * the lengths that exist, longest first.
	 */
	struct hmap maps[33];
	uint64_t lens;
	/*
	 * Per length, counts of networks by hash slot, sized well above the
	 * map's load: a zero count lets LPM skip a length without touching
	 * the map's chains, which are what cost a cache miss per probe.
	 * NULL: no filter (allocation failed), probe the map.
	 */
	uint8_t *filt[33];
	uint32_t filt_mask[33];
	struct rtm_avl *tree; /* every network, for ordered walks */
	uint32_t nnets;
	struct rtm_client *clients;
};

struct rtm_slot {
	void *obj; /* NULL: free */
	uint32_t gen;
	uint32_t next_free;
};

struct rtm_slots {
	struct rtm_slot *v;
	uint32_t n, cap;
	uint32_t free_head; /* UINT32_MAX: none */
};

struct rtm_prio {
	struct hmap_node node;
	uint32_t protocol;
	uint32_t priority;
};

/** Where an ordered walk stands: before everything, or at a route key. */
struct rtm_cursor {
	bool started;
	bool inclusive; /* the route at the key is still to be returned */
	uint64_t net;
	struct rtm_rkey route;
};

/** An open enumeration: criteria plus a cursor in the ordered walk. */
struct rtm_enum {
	rtm_enum_t handle;
	uint32_t family;
	uint32_t flags;
	union rtm_rec crit;
	struct rtm_cursor cur;
};

struct rtm {
	pthread_mutex_t lock;
	struct rtm_config cfg;
	uint32_t tag;
	struct rtm_family fam[RTM_NFAMILIES];
	struct rtm_slots clients;
	struct rtm_slots enums;
	struct hmap prios;
	/* Aging: min-heap of routes with a finite TTL, by deadline. */
	struct rtm_route **heap;
	uint32_t heap_len, heap_cap;
	uint64_t seq;
	/* Log lines waiting for the lock to be released. */
	int log_level[RTM_LOG_PENDING];
	char log_msg[RTM_LOG_PENDING][RTM_LOG_LEN];
	unsigned log_n;
	unsigned log_lost;
};

/* The fields both record layouts share, by family. */
static inline uint32_t
rtm_rec_protocol(uint32_t family, const union rtm_rec *rec)
{
	return family == RTM_FAMILY_IP ? rec->ip.protocol : rec->ipx.protocol;
}

static inline uint32_t
rtm_rec_ifindex(uint32_t family, const union rtm_rec *rec)
{
	return family == RTM_FAMILY_IP ? rec->ip.ifindex : rec->ipx.ifindex;
}

/* rtm.c */
void rtm_lock(struct rtm *r);
void rtm_unlock(struct rtm *r);
uint64_t rtm_now(struct rtm *r);
void rtm_log(struct rtm *r, int level, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
uint32_t rtm_priority_of(struct rtm *r, uint32_t protocol);
void *rtm_handle_get(struct rtm *r, enum rtm_kind kind, uintptr_t h);
uintptr_t rtm_handle_alloc(struct rtm *r, enum rtm_kind kind, void *obj);
void rtm_handle_free(struct rtm *r, enum rtm_kind kind, uintptr_t h);
size_t rtm_rec_size(uint32_t family);

/* rtm_client.c */
struct rtm_client *rtm_client_get(struct rtm *r, rtm_client_t c);
void rtm_notify(struct rtm *r, uint32_t family, const struct rtm_client *skip,
                uint32_t flags, const union rtm_rec *cur,
                const union rtm_rec *prev);
void rtm_client_free_all(struct rtm *r);

/* rtm_net.c */
int rtm_ip_prefix_len(uint32_t mask_be);
int rtm_net_parse(uint32_t family, const void *network, uint32_t *number,
                  uint32_t *mask, uint8_t *len);
struct rtm_net *rtm_net_find(struct rtm_family *f, uint32_t number,
                             uint32_t mask, uint8_t len);
struct rtm_net *rtm_net_add(struct rtm_family *f, uint32_t number,
                            uint32_t mask, uint8_t len);
void rtm_net_del(struct rtm_family *f, struct rtm_net *n);
uint64_t rtm_net_key(uint32_t family, uint32_t number, uint32_t mask);
struct rtm_net *rtm_net_ceil(const struct rtm_family *f, uint64_t key);
struct rtm_net *rtm_net_higher(const struct rtm_family *f, uint64_t key);
struct rtm_net *rtm_net_lpm(const struct rtm_family *f, uint32_t dest_be);
void rtm_net_free_all(struct rtm_family *f);

/* rtm_route.c */
void rtm_age(struct rtm *r);
void rtm_rkey_of(uint32_t family, const union rtm_rec *rec, uint32_t protocol,
                 struct rtm_rkey *k);
int rtm_rkey_cmp(const struct rtm_rkey *a, const struct rtm_rkey *b);
void rtm_route_remove(struct rtm *r, struct rtm_route *rt,
                      const struct rtm_client *skip, uint32_t *flags,
                      union rtm_rec *cur);
void rtm_route_free_all(struct rtm *r);

/* rtm_enum.c */
bool rtm_route_matches(const struct rtm_route *rt, uint32_t family,
                       uint32_t flags, const union rtm_rec *crit);
void rtm_enum_free_all(struct rtm *r);

#endif /* RTM_PRIVATE_H */
