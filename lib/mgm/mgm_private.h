/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MGM_PRIVATE_H
#define MGM_PRIVATE_H

/*
 * lib/mgm internals: the shared vocabulary of mgm_*.c.
 *
 * One instance = one mutex.  Every public entry point takes it, does its
 * work, queues the callbacks its work triggers (struct mgm_cbq), drops the
 * mutex and only then runs them (mgm_cbq_dispatch).  The two callbacks whose
 * answers MGM needs at once (RPF and CREATION_ALERT, during MFE creation)
 * are run by mgm_mfe.c between two lock holds, re-checking state after.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* libbsd's tree.h marks its static functions __unused (a BSD cdefs name). */
#ifndef __unused
#define __unused __attribute__((unused))
#endif
#include <bsd/sys/tree.h>

#include "hmap.h"
#include "mgm.h"
#include "rtm.h"

#define MGM_ADDR_HOST     0xFFFFFFFFu /* mask of one specific address */
#define MGM_NO_CLIENT     (-1)
#define MGM_MAX_CLIENTS   4096u       /* handle slot space for protocols */
#define MGM_MAX_ENUMS     4096u       /* open group enumerations */
#define MGM_RPF_HDR_MAX   256u        /* bytes of packet header given to RPF */
#define MGM_NS_PER_S      1000000000ull

/* ---- handles ----------------------------------------------------------
 * 64-bit value: kind (8) | instance id (8) | generation (24) | slot (24).
 * The kind byte keeps an enumeration handle from passing as a protocol
 * handle; the instance id catches handles of another instance. */
enum mgm_handle_kind {
	MGM_HKIND_PROTOCOL = 0xA5,
	MGM_HKIND_ENUM = 0xE7,
};

/* ---- protocols -------------------------------------------------------- */
struct mgm_client {
	uint32_t gen;         /* bumped on every free: stale handles die */
	bool in_use;
	bool is_igmp;
	uint32_t protocol_id;
	uint32_t component_id;
	uint32_t owned_keys;  /* interface keys owned (as owner or IGMP) */
	struct mgm_protocol_ops ops;
	void *ctx;
};

/* ---- interfaces ------------------------------------------------------- */
struct mgm_iface {
	struct hmap_node node; /* m->ifaces by (ifindex, nexthop) */
	uint32_t ifindex;
	uint32_t nexthop;
	int32_t owner;         /* routing protocol slot or MGM_NO_CLIENT */
	int32_t igmp;          /* IGMP slot or MGM_NO_CLIENT */
	struct mgm_member *members; /* memberships on this key (any client) */
};

/* ---- memberships -----------------------------------------------------
 * A membership is (source, group, key, client); memberships with the same
 * (source, group) hang off one struct mgm_sg.  (*,G) is source 0, (*,*)
 * is source 0 and group 0. */
struct mgm_sg;

struct mgm_member {
	struct hmap_node node;        /* m->members by all five fields */
	struct mgm_member *sg_next;
	struct mgm_member **sg_pprev;
	struct mgm_sg *sg;
	struct mgm_member *if_next;   /* list of the key's memberships */
	struct mgm_member **if_pprev;
	uint32_t ifindex;
	uint32_t nexthop;
	int32_t client;
};

/* How many memberships one client holds under one (S,G): drives the
 * first/second/last-client rules of join and prune alerts. */
struct mgm_sg_client {
	int32_t client;
	uint32_t count;
};

struct mgm_sg {
	struct hmap_node node;        /* m->sgs by (source, group) */
	uint32_t source;
	uint32_t group;
	uint32_t n_members;
	struct mgm_member *members;
	uint32_t n_clients;
	uint32_t cap_clients;
	struct mgm_sg_client *clients; /* inl, or heap when > 1 client */
	struct mgm_sg_client inl[1];   /* the common case: one client */
};

/* ---- MFEs ------------------------------------------------------------- */
struct mgm_mfe_oif {
	uint32_t ifindex;
	uint32_t nexthop;
	bool pinned;                  /* added by MGM_FORWARD_STATE_FLAG */
};

struct mgm_mfe_node {
	RB_ENTRY(mgm_mfe_node) rb;    /* m->mfe_tree: ntohl(group), ntohl(source) */
	struct hmap_node node;        /* m->mfes by (source, group) */
	uint32_t source;
	uint32_t group;
	uint32_t in_ifindex;
	uint32_t in_nexthop;
	uint32_t in_protocol;
	uint32_t upstream;
	bool has_route;
	struct rtm_ip_route route;    /* the RPF route (valid if has_route) */
	uint64_t created_ns;
	uint64_t expire_ns;
	uint32_t timeout_s;
	uint32_t heap_idx;            /* position in m->heap */
	uint64_t last_in_pkts;        /* activity seen at the last expiry check */
	uint32_t n_oif;
	uint32_t cap_oif;
	struct mgm_mfe_oif *oif;      /* sorted by (ifindex, nexthop) */
};

RB_HEAD(mgm_mfe_tree, mgm_mfe_node);

/* ---- deferred callbacks ---------------------------------------------- */
enum mgm_cb_kind {
	MGM_CB_JOIN_ALERT,
	MGM_CB_PRUNE_ALERT,
	MGM_CB_MFE_PRUNE_ALERT, /* PRUNE(FALSE): its timeout updates the MFE */
	MGM_CB_WRONG_IF,
	MGM_CB_LOCAL_JOIN,
	MGM_CB_LOCAL_LEAVE,
	MGM_CB_DISABLE_IGMP,
	MGM_CB_ENABLE_IGMP,
};

struct mgm_cb {
	uint8_t kind;
	int32_t flag;            /* member_update / member_delete */
	mgm_handle_t target;     /* validated again at dispatch */
	uint32_t source, source_mask, group, group_mask;
	uint32_t ifindex, nexthop;
	uint32_t hdr_len;
	uint8_t *hdr;            /* WRONG_IF only; owned by the queue */
};

#define MGM_CBQ_INLINE 8
struct mgm_cbq {
	uint32_t n;
	uint32_t cap;
	struct mgm_cb *v;
	struct mgm_cb inl[MGM_CBQ_INLINE];
};

/* ---- the instance ----------------------------------------------------- */
struct mgm {
	pthread_mutex_t lock;
	uint8_t id;                   /* instance id inside handles */
	struct rtm *rtm;
	rtm_client_t rtm_observer;
	int route_efd;
	uint64_t (*now_ns)(void *ctx);
	void *clock_ctx;
	void (*log)(void *ctx, int level, const char *msg);
	void *log_ctx;
	const struct mgm_forwarder_ops *fwd;
	void *fwd_ctx;
	uint32_t mfe_timeout_s;

	struct mgm_client *clients;   /* MGM_MAX_CLIENTS slots, grown lazily */
	uint32_t n_client_slots;
	uint32_t n_clients;

	struct mgm_enum *enums;       /* open group enumerations */
	uint32_t n_enum_slots;

	struct hmap ifaces;
	struct hmap sgs;
	struct hmap members;
	struct hmap mfes;
	struct mgm_mfe_tree mfe_tree;
	struct mgm_mfe_node **heap;   /* MFE expiry min-heap */
	uint32_t heap_n;
	uint32_t heap_cap;

	struct mgm_cbq *cbq;          /* queue of the call holding the lock */
	struct mgm_counters ctr;
};

struct mgm_enum {
	uint32_t gen;
	bool in_use;
	int32_t client;               /* the protocol that opened it */
	uint32_t pos;
	uint32_t n;
	struct mgm_source_group *v;   /* snapshot taken at start */
};

/* ---- mgm_instance.c --------------------------------------------------- */
uint64_t mgm_now(const struct mgm *m);
void mgm_logf(const struct mgm *m, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Lock with @q as the callback queue and expire due MFEs. */
void mgm_enter(struct mgm *m, struct mgm_cbq *q);
/* The same, and first apply queued RTM best-route changes. */
void mgm_enter_routes(struct mgm *m, struct mgm_cbq *q);
/* Unlock and run the queued callbacks. */
void mgm_leave(struct mgm *m, struct mgm_cbq *q);
void mgm_lock(struct mgm *m);
void mgm_unlock(struct mgm *m);

mgm_handle_t mgm_handle_make(const struct mgm *m, enum mgm_handle_kind kind,
			     uint32_t slot, uint32_t gen);
/* Slot of a live handle of @kind, or -1. */
int32_t mgm_handle_slot(const struct mgm *m, mgm_handle_t h,
			enum mgm_handle_kind kind);
mgm_handle_t mgm_client_handle(const struct mgm *m, int32_t slot);
struct mgm_client *mgm_client_get(struct mgm *m, mgm_handle_t h);

void mgm_cbq_init(struct mgm_cbq *q);
void mgm_cb_push(struct mgm *m, const struct mgm_cb *cb);
/* Queue @kind for client @slot (no-op for MGM_NO_CLIENT). */
void mgm_cb_to(struct mgm *m, int32_t slot, enum mgm_cb_kind kind,
	       const struct mgm_cb *args);

/* Is this thread inside an ENABLE_IGMP callback? */
bool mgm_in_enable_igmp(void);

/* ---- mgm_protocol.c --------------------------------------------------- */
struct mgm_iface *mgm_iface_find(const struct mgm *m, uint32_t ifindex,
				 uint32_t nexthop);
/* Client that owns traffic on @ifc: the routing protocol, else IGMP. */
int32_t mgm_iface_effective_owner(const struct mgm_iface *ifc);
int32_t mgm_key_owner(const struct mgm *m, uint32_t ifindex, uint32_t nexthop);

/* ---- mgm_membership.c ------------------------------------------------- */
struct mgm_sg *mgm_sg_find(const struct mgm *m, uint32_t source,
			   uint32_t group);
/* Does some client's membership under @sg sit on the key? */
bool mgm_sg_covers_key(const struct mgm *m, const struct mgm_sg *sg,
		       uint32_t ifindex, uint32_t nexthop);
/* Remove every membership of @client on the key, with normal prune
 * processing (alerts, MFE updates). */
void mgm_member_drop_key(struct mgm *m, int32_t client, uint32_t ifindex,
			 uint32_t nexthop, bool local_leave);
void mgm_enum_close_client(struct mgm *m, int32_t client);
void mgm_members_free_all(struct mgm *m);

/* ---- mgm_mfe.c -------------------------------------------------------- */
struct mgm_mfe_node *mgm_mfe_find(const struct mgm *m, uint32_t source,
				  uint32_t group);
/* First MFE strictly after (source, group) in table order; NULL at end. */
struct mgm_mfe_node *mgm_mfe_after(struct mgm *m, uint32_t source,
				   uint32_t group);
struct mgm_mfe_node *mgm_mfe_first(struct mgm *m);
struct mgm_mfe_node *mgm_mfe_next(struct mgm *m, struct mgm_mfe_node *n);
/* A membership for (source, group) appeared / went on a key: update the
 * MFEs it covers (source 0 = all sources, group 0 = all groups). */
void mgm_mfe_member_added(struct mgm *m, uint32_t source, uint32_t group,
			  uint32_t ifindex, uint32_t nexthop, bool pin);
void mgm_mfe_member_removed(struct mgm *m, uint32_t source, uint32_t group,
			    uint32_t ifindex, uint32_t nexthop, bool unpin);
/* The key lost its owner: delete MFEs with it as iif, drop it as OIF. */
void mgm_mfe_key_released(struct mgm *m, uint32_t ifindex, uint32_t nexthop);
void mgm_mfe_delete(struct mgm *m, struct mgm_mfe_node *n);
void mgm_mfe_free_all(struct mgm *m, bool tell_forwarder);
void mgm_mfe_install(struct mgm *m, const struct mgm_mfe_node *n);
/* n->expire_ns changed: restore the expiry heap order. */
void mgm_mfe_reschedule(struct mgm *m, struct mgm_mfe_node *n);
/* Expire due MFEs; returns the next deadline (ns) or UINT64_MAX. */
uint64_t mgm_mfe_expire(struct mgm *m, uint64_t now);
void mgm_mfe_route_changed(struct mgm *m);
void mgm_mfe_counters(struct mgm *m, const struct mgm_mfe_node *n,
		      struct mgm_fwd_counters *c,
		      struct mgm_fwd_oif_counters *oc);

#endif /* MGM_PRIVATE_H */
