/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MGM_H
#define MGM_H

/**
 * @file
 * mgm — Multicast Group Manager: who wants which multicast traffic where.
 *
 * Multicast routing protocols (static, IGMP, an external daemon) register
 * with MGM, take ownership of interfaces and add group memberships:
 * "receivers of (S,G), (*,G) or (*,*) are behind interface K".  When the
 * forwarder sees the first packet of an unknown (S,G) it reports a miss;
 * MGM then builds a multicast forwarding entry (MFE): the incoming interface
 * is the RPF interface toward S (best route from lib/rtm, confirmed or
 * rewritten by the owner's RPF callback), the outgoing list is every
 * interface with a matching membership except the incoming one, trimmed by
 * the owners' creation alerts.  MGM keeps MFEs up to date as memberships,
 * ownership and routes change, ages them out, and tells protocols what they
 * need to know through nine callbacks.
 *
 * The semantics are those of the Windows RRAS MGM API (mgm_compat.h has the
 * documented names); this header is the Linux-style contract:
 *  - status codes are enum mgm_status with the Windows numeric values;
 *  - addresses and masks are uint32_t in network byte order; a wildcard is
 *    address 0 with mask 0, a specific address has mask 255.255.255.255;
 *  - an interface is the key (ifindex, next hop); next hop is 0 except on
 *    point-to-multipoint interfaces;
 *  - handles carry a slot and a generation and are validated on every call:
 *    a stale or garbage handle gives MGM_ERR_INVALID_PARAMETER, never UB;
 *  - MFE records are struct mgm_mfe / mgm_mfe_stats / mgm_mfe_stats_ex, laid
 *    out like MIB_IPMCAST_MFE (60 + 16n B), _STATS (64 + 28n B) and
 *    _STATS_EX (84 + 28n B).
 *
 * Threads: any thread may call any function.  An instance serialises calls
 * on its mutex and releases it before running a callback, so callbacks may
 * call MGM (add/delete from inside ENABLE_IGMP is refused with
 * MGM_ERR_CAN_NOT_COMPLETE, as documented).  Callbacks run synchronously on
 * the calling thread, one at a time, in the order their triggers happened.
 *
 * The fast path is reached only through struct mgm_forwarder_ops; the
 * forwarder reports misses and wrong-interface arrivals with
 * mgm_forwarder_miss() and mgm_forwarder_wrong_if().  No DPDK here.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtm.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Status codes; the numbers are the Windows error codes. */
enum mgm_status {
	MGM_OK = 0,
	MGM_ERR_INVALID_HANDLE = 6,
	MGM_ERR_NO_MEMORY = 8,
	MGM_ERR_INVALID_PARAMETER = 87,
	MGM_ERR_INSUFFICIENT_BUFFER = 122,
	MGM_ERR_ALREADY_EXISTS = 183,
	MGM_ERR_MORE_DATA = 234,
	MGM_ERR_NO_MORE_ITEMS = 259,
	MGM_ERR_CAN_NOT_COMPLETE = 1003,
	MGM_ERR_NOT_FOUND = 1168,
	MGM_ERR_NO_SYSTEM_RESOURCES = 1450,
};

/** Membership flags (MgmAddGroupMembershipEntry dwFlags). */
#define MGM_JOIN_STATE_FLAG    0x1u /**< update membership state, then MFEs */
#define MGM_FORWARD_STATE_FLAG 0x2u /**< add/remove the OIF in existing MFEs */

/** Statistics record kinds. */
#define MGM_MFE_STATS_0 0x1u /**< struct mgm_mfe_stats */
#define MGM_MFE_STATS_1 0x2u /**< struct mgm_mfe_stats_ex */

/** Group enumeration kinds. */
enum mgm_enum_type {
	MGM_ENUM_ANY_SOURCE = 0,  /**< each joined group once, as (0,0,G,mask) */
	MGM_ENUM_ALL_SOURCES = 1, /**< each distinct (S,G) and (*,G) once */
};

/** The IGMP client is recognised by this protocol id (routprot.h). */
#define MGM_PROTO_IP_IGMP 10u
/** MGM's own protocol id, used as dwInIfProtocol when nobody owns the iif. */
#define MGM_PROTO_IP_MGM 10009u

/** Default MFE lifetime in seconds (and default prune-alert timeout). */
#define MGM_DEFAULT_MFE_TIMEOUT 900u

/** An outgoing interface as handed to creation alerts (MGM_IF_ENTRY). */
struct mgm_if_entry {
	uint32_t ifindex;
	uint32_t nexthop;
	int32_t igmp;    /**< IGMP runs on this interface */
	int32_t enabled; /**< preset 1; the client sets 0 to veto forwarding */
};

/** One group-enumeration record (SOURCE_GROUP_ENTRY). */
struct mgm_source_group {
	uint32_t source, source_mask, group, group_mask;
};

/** Outgoing interface of an MFE record (MIB_IPMCAST_OIF). */
struct mgm_oif {
	uint32_t ifindex;
	uint32_t nexthop;
	uint32_t reserved;
	uint32_t reserved1;
};

/** An MFE record (MIB_IPMCAST_MFE). */
struct mgm_mfe {
	uint32_t group;
	uint32_t source;
	uint32_t source_mask;
	uint32_t upstream_nbr;
	uint32_t in_ifindex;
	uint32_t in_if_protocol;  /**< protocol owning the incoming interface */
	uint32_t route_protocol;  /**< the unicast route used for RPF */
	uint32_t route_network;
	uint32_t route_mask;
	uint32_t uptime_s;
	uint32_t expiry_s;        /**< seconds left before deletion */
	uint32_t timeout_s;       /**< total lifetime */
	uint32_t num_oif;
	uint32_t flags;
	uint32_t reserved;
	struct mgm_oif oif[];
};

/** Per-OIF counters (MIB_IPMCAST_OIF_STATS). */
struct mgm_oif_stats {
	uint32_t ifindex;
	uint32_t nexthop;
	uint32_t dial_context;
	uint32_t ttl_too_low;
	uint32_t frag_needed;
	uint32_t out_packets;
	uint32_t out_discards;
};

/** Common head of both statistics records. */
#define MGM_MFE_STATS_HEAD                                                   \
	uint32_t group, source, source_mask, upstream_nbr, in_ifindex,      \
		in_if_protocol, route_protocol, route_network, route_mask;  \
	uint32_t uptime_cs;  /**< 1/100 s */                                \
	uint32_t expiry_cs;  /**< 1/100 s; 0 = no aging */                  \
	uint32_t num_oif, in_pkts, in_octets;                               \
	uint32_t pkts_different_if; /**< dropped by the iif check */        \
	uint32_t queue_overflow

/** MFE statistics (MIB_IPMCAST_MFE_STATS). */
struct mgm_mfe_stats {
	MGM_MFE_STATS_HEAD;
	struct mgm_oif_stats oif[];
};

/** Extended MFE statistics (MIB_IPMCAST_MFE_STATS_EX). */
struct mgm_mfe_stats_ex {
	MGM_MFE_STATS_HEAD;
	uint32_t uninit_mfe;
	uint32_t negative_mfe;     /**< packets dropped by a negative MFE */
	uint32_t in_discards;
	uint32_t in_hdr_errors;
	uint32_t total_out_packets; /**< one packet on N OIFs counts N */
	struct mgm_oif_stats oif[];
};

/** Record sizes for @p n outgoing interfaces. */
#define MGM_MFE_SIZE(n)      (sizeof(struct mgm_mfe) + (size_t)(n) * sizeof(struct mgm_oif))
#define MGM_MFE_STATS_SIZE(n) \
	(sizeof(struct mgm_mfe_stats) + (size_t)(n) * sizeof(struct mgm_oif_stats))
#define MGM_MFE_STATS_EX_SIZE(n) \
	(sizeof(struct mgm_mfe_stats_ex) + (size_t)(n) * sizeof(struct mgm_oif_stats))

/* ------------------------------------------------------------------ */
/* Callbacks.  Each gets the ctx given at registration first; the rest
 * mirrors the documented prototypes.  MGM ignores every return value. */

/** RPF: an MFE is being created with the caller's interface as iif.
 *  The callee may rewrite *in_ifindex / *in_nexthop / *upstream_nbr.
 *  @p route is the struct rtm_ip_route used (NULL without a route). */
typedef uint32_t (*mgm_rpf_cb)(void *ctx, uint32_t source, uint32_t source_mask,
			       uint32_t group, uint32_t group_mask,
			       uint32_t *in_ifindex, uint32_t *in_nexthop,
			       uint32_t *upstream_nbr, uint32_t hdr_size,
			       uint8_t *hdr, uint8_t *route);
/** CREATION_ALERT: the callee owns @p count of the new MFE's OIFs; it may
 *  set enabled = 0 in @p oifs to veto them. */
typedef uint32_t (*mgm_creation_alert_cb)(void *ctx, uint32_t source,
					  uint32_t source_mask, uint32_t group,
					  uint32_t group_mask,
					  uint32_t in_ifindex,
					  uint32_t in_nexthop, uint32_t count,
					  struct mgm_if_entry *oifs);
/** PRUNE_ALERT: receivers gone; @p member_delete is 1 when caused by a
 *  membership delete, 0 when an MFE's OIF list became empty (then the
 *  callee may set *timeout_s, the MFE's remaining life). */
typedef uint32_t (*mgm_prune_alert_cb)(void *ctx, uint32_t source,
				       uint32_t source_mask, uint32_t group,
				       uint32_t group_mask, uint32_t ifindex,
				       uint32_t nexthop, int32_t member_delete,
				       uint32_t *timeout_s);
/** JOIN_ALERT: new receivers; @p member_update is 1 when caused by a
 *  membership add, 0 when an MFE's OIF list became non-empty. */
typedef uint32_t (*mgm_join_alert_cb)(void *ctx, uint32_t source,
				      uint32_t source_mask, uint32_t group,
				      uint32_t group_mask,
				      int32_t member_update);
/** WRONG_IF: (S,G) data arrived on the callee's interface, not the iif. */
typedef uint32_t (*mgm_wrong_if_cb)(void *ctx, uint32_t source, uint32_t group,
				    uint32_t ifindex, uint32_t nexthop,
				    uint32_t hdr_size, uint8_t *hdr);
/** LOCAL_JOIN / LOCAL_LEAVE: IGMP added / deleted a membership on an
 *  interface the callee co-owns. */
typedef uint32_t (*mgm_local_cb)(void *ctx, uint32_t source,
				 uint32_t source_mask, uint32_t group,
				 uint32_t group_mask, uint32_t ifindex,
				 uint32_t nexthop);
/** DISABLE_IGMP / ENABLE_IGMP: ownership of an interface IGMP runs on is
 *  about to change / has changed. */
typedef uint32_t (*mgm_igmp_cb)(void *ctx, uint32_t ifindex, uint32_t nexthop);

/** A protocol's callbacks; any may be NULL (that callback is skipped). */
struct mgm_protocol_ops {
	mgm_rpf_cb rpf;
	mgm_creation_alert_cb creation_alert;
	mgm_prune_alert_cb prune_alert;
	mgm_join_alert_cb join_alert;
	mgm_wrong_if_cb wrong_if;
	mgm_local_cb local_join;
	mgm_local_cb local_leave;
	mgm_igmp_cb disable_igmp;
	mgm_igmp_cb enable_igmp;
};

/* ------------------------------------------------------------------ */
/* The forwarder: how MGM reaches the fast path (lib/mfib implements it). */

/** One outgoing interface of an installed entry. */
struct mgm_fwd_oif {
	uint32_t ifindex;
	uint32_t nexthop;
};

/** An entry to install: replaces any entry with the same (source, group). */
struct mgm_fwd_entry {
	uint32_t source;     /**< 0 for a (*,G) entry */
	uint32_t group;
	uint32_t in_ifindex;
	uint32_t in_nexthop;
	uint32_t num_oif;    /**< 0 = negative entry: drop */
	const struct mgm_fwd_oif *oif;
};

/** Per-OIF counters read back from the forwarder. */
struct mgm_fwd_oif_counters {
	uint32_t ifindex;
	uint32_t nexthop;
	uint64_t out_packets;
	uint64_t out_discards;
	uint64_t ttl_too_low;
	uint64_t frag_needed;
};

/** Entry counters read back from the forwarder (64-bit, summed). */
struct mgm_fwd_counters {
	uint64_t in_pkts;
	uint64_t in_octets;
	uint64_t different_if;   /**< arrived on another interface */
	uint64_t queue_overflow;
	uint64_t negative;       /**< dropped because the entry is negative */
	uint64_t in_discards;
	uint64_t in_hdr_errors;
	uint64_t total_out;      /**< sum over OIFs */
};

/**
 * The forwarder.  Called with the MGM mutex held, on the thread that made
 * the MGM call: implementations must not call MGM.  Each returns 0 or a
 * negative errno; MGM logs failures and keeps its own state.
 */
struct mgm_forwarder_ops {
	int (*set_entry)(void *ctx, const struct mgm_fwd_entry *e);
	int (*delete_entry)(void *ctx, uint32_t source, uint32_t group);
	/** Fill @p c and up to @p n_oif entries of @p oc (matched by
	 *  ifindex/nexthop, which MGM presets). */
	int (*read_counters)(void *ctx, uint32_t source, uint32_t group,
			     struct mgm_fwd_counters *c,
			     struct mgm_fwd_oif_counters *oc, uint32_t n_oif);
};

/* ------------------------------------------------------------------ */
/* Instances. */

struct mgm;

/** A registered protocol, or an open group enumeration (0 never valid). */
typedef uintptr_t mgm_handle_t;

#define MGM_LOG_ERR     3
#define MGM_LOG_WARNING 4
#define MGM_LOG_INFO    6
#define MGM_LOG_DEBUG   7

/** Creation-time settings; every member may be zero/NULL. */
struct mgm_config {
	/** Route table for RPF; NULL = rtm_default(). Not owned. */
	struct rtm *rtm;
	/** Monotonic time in nanoseconds; NULL = CLOCK_MONOTONIC.  Use the
	 *  same clock as the rtm instance. */
	uint64_t (*now_ns)(void *ctx);
	void *clock_ctx;
	/** Log sink; NULL = silent. */
	void (*log)(void *ctx, int level, const char *msg);
	void *log_ctx;
	/** The fast path; NULL = none (MFEs live in MGM only). */
	const struct mgm_forwarder_ops *fwd;
	void *fwd_ctx;
	/** MFE lifetime in seconds; 0 = MGM_DEFAULT_MFE_TIMEOUT. */
	uint32_t mfe_timeout_s;
};

/** Create an instance; NULL when out of memory or rtm is unavailable. */
struct mgm *mgm_create(const struct mgm_config *cfg);

/** Destroy an instance: every MFE is deleted from the forwarder, every
 *  handle becomes invalid.  No callback runs. */
void mgm_destroy(struct mgm *m);

/** The process-wide default instance (what mgm_compat.h uses), created on
 *  first use over rtm_default(). */
struct mgm *mgm_default(void);

/**
 * Attach or replace the forwarder of an instance (the default instance is
 * created without one; the appliance attaches lib/mfib).  Every existing
 * MFE is installed into the new forwarder.
 */
enum mgm_status mgm_set_forwarder(struct mgm *m,
				  const struct mgm_forwarder_ops *ops,
				  void *ctx);

/* Registration ----------------------------------------------------- */

/**
 * Register a protocol instance (protocol_id, component_id).
 * @param ops callbacks, copied; NULL is MGM_ERR_INVALID_PARAMETER.
 * @param ctx first argument of every callback.
 * @return MGM_OK, MGM_ERR_ALREADY_EXISTS, MGM_ERR_INVALID_PARAMETER
 *   (NULL ops or out pointer), MGM_ERR_NO_MEMORY.
 */
enum mgm_status mgm_register_protocol(struct mgm *m,
				      const struct mgm_protocol_ops *ops,
				      void *ctx, uint32_t protocol_id,
				      uint32_t component_id,
				      mgm_handle_t *out);

/** @return MGM_OK, MGM_ERR_INVALID_PARAMETER (bad handle),
 *  MGM_ERR_CAN_NOT_COMPLETE (still owns an interface).  Its open group
 *  enumerations are closed. */
enum mgm_status mgm_deregister_protocol(struct mgm *m, mgm_handle_t h);

/** The ctx a protocol registered with (NULL for a bad handle). */
void *mgm_protocol_ctx(struct mgm *m, mgm_handle_t h);

/* Interface ownership --------------------------------------------- */

/** @return MGM_OK, MGM_ERR_ALREADY_EXISTS, MGM_ERR_INVALID_PARAMETER,
 *  MGM_ERR_NO_MEMORY. */
enum mgm_status mgm_take_interface_ownership(struct mgm *m, mgm_handle_t h,
					     uint32_t ifindex,
					     uint32_t nexthop);
/** @return MGM_OK, MGM_ERR_INVALID_PARAMETER (bad handle, or the caller
 *  does not own the key). */
enum mgm_status mgm_release_interface_ownership(struct mgm *m, mgm_handle_t h,
						uint32_t ifindex,
						uint32_t nexthop);
/** Owner of the key (the routing protocol when IGMP co-owns).
 *  @return MGM_OK or MGM_ERR_NOT_FOUND. */
enum mgm_status mgm_get_protocol_on_interface(struct mgm *m, uint32_t ifindex,
					      uint32_t nexthop,
					      uint32_t *protocol_id,
					      uint32_t *component_id);

/* Group membership ------------------------------------------------- */

/** @return MGM_OK, MGM_ERR_INVALID_PARAMETER (bad handle, key not owned by
 *  the caller, bad masks or flags), MGM_ERR_NO_MEMORY,
 *  MGM_ERR_CAN_NOT_COMPLETE (called from inside ENABLE_IGMP). */
enum mgm_status mgm_add_group_membership(struct mgm *m, mgm_handle_t h,
					 uint32_t source, uint32_t source_mask,
					 uint32_t group, uint32_t group_mask,
					 uint32_t ifindex, uint32_t nexthop,
					 uint32_t flags);
/** As add; MGM_ERR_NOT_FOUND when the membership does not exist. */
enum mgm_status mgm_delete_group_membership(struct mgm *m, mgm_handle_t h,
					    uint32_t source,
					    uint32_t source_mask,
					    uint32_t group,
					    uint32_t group_mask,
					    uint32_t ifindex, uint32_t nexthop,
					    uint32_t flags);

/* MFE retrieval (no handle needed) -------------------------------- */

/**
 * Copy the MFE (key->source, key->group) into @p buf.
 * @return MGM_OK, MGM_ERR_INSUFFICIENT_BUFFER (*size = bytes needed),
 *   MGM_ERR_NOT_FOUND, MGM_ERR_INVALID_PARAMETER (NULL pointers).
 */
enum mgm_status mgm_get_mfe(struct mgm *m, const struct mgm_mfe *key,
			    uint32_t *size, void *buf);
/**
 * Pack whole MFE records, ordered by group then source (host order), into
 * @p buf.  get_next starts after (start->source, start->group).
 * @return MGM_ERR_MORE_DATA (buffer full, more remain),
 *   MGM_ERR_NO_MORE_ITEMS (end reached; *count may be > 0),
 *   MGM_ERR_INSUFFICIENT_BUFFER (not even the next one fits; *size = its
 *   size, *count = 0).
 */
enum mgm_status mgm_get_first_mfe(struct mgm *m, uint32_t *size, void *buf,
				  uint32_t *count);
enum mgm_status mgm_get_next_mfe(struct mgm *m, const struct mgm_mfe *start,
				 uint32_t *size, void *buf, uint32_t *count);
/** Statistics variants; @p flags is MGM_MFE_STATS_0 or MGM_MFE_STATS_1. */
enum mgm_status mgm_get_mfe_stats(struct mgm *m, const struct mgm_mfe *key,
				  uint32_t *size, void *buf, uint32_t flags);
enum mgm_status mgm_get_first_mfe_stats(struct mgm *m, uint32_t *size,
					void *buf, uint32_t *count,
					uint32_t flags);
enum mgm_status mgm_get_next_mfe_stats(struct mgm *m,
				       const struct mgm_mfe *start,
				       uint32_t *size, void *buf,
				       uint32_t *count, uint32_t flags);

/** Change the upstream neighbour of an MFE (nothing else).
 *  @return MGM_OK, MGM_ERR_INVALID_PARAMETER, MGM_ERR_NOT_FOUND. */
enum mgm_status mgm_set_mfe(struct mgm *m, mgm_handle_t h,
			    const struct mgm_mfe *mfe);

/* Group enumeration ------------------------------------------------ */

/** Snapshot the joined groups.  @return MGM_OK,
 *  MGM_ERR_INVALID_PARAMETER (bad handle or type), MGM_ERR_NO_MEMORY. */
enum mgm_status mgm_group_enum_start(struct mgm *m, mgm_handle_t h,
				     enum mgm_enum_type type,
				     mgm_handle_t *enum_out);
/** @return MGM_ERR_MORE_DATA, MGM_ERR_NO_MORE_ITEMS,
 *  MGM_ERR_INSUFFICIENT_BUFFER (*size = 16), MGM_ERR_INVALID_PARAMETER. */
enum mgm_status mgm_group_enum_next(struct mgm *m, mgm_handle_t e,
				    uint32_t *size, void *buf,
				    uint32_t *count);
/** @return MGM_OK or MGM_ERR_INVALID_PARAMETER. */
enum mgm_status mgm_group_enum_end(struct mgm *m, mgm_handle_t e);

/* Forwarder entry points (called by the control thread that drains the
 * fast path's punt rings; never by a worker). ----------------------- */

/**
 * The forwarder found no entry for (source, group) arriving on
 * (ifindex, nexthop): create the MFE (data-driven) and install it.
 * @p hdr / @p hdr_len: the IP header and the start of the data, passed to
 * the RPF callback.  @return MGM_OK (created, or it already existed),
 * MGM_ERR_INVALID_PARAMETER (not a multicast group), MGM_ERR_NO_MEMORY.
 */
enum mgm_status mgm_forwarder_miss(struct mgm *m, uint32_t source,
				   uint32_t group, uint32_t ifindex,
				   uint32_t nexthop, const uint8_t *hdr,
				   uint32_t hdr_len);
/** (source, group) data arrived on (ifindex, nexthop), which is not the
 *  MFE's iif: WRONG_IF to that interface's owner. */
enum mgm_status mgm_forwarder_wrong_if(struct mgm *m, uint32_t source,
				       uint32_t group, uint32_t ifindex,
				       uint32_t nexthop, const uint8_t *hdr,
				       uint32_t hdr_len);

/**
 * Run due work: MFE expiry, RTM best-route changes.  Every API call does
 * this too; the appliance's event loop also calls it.
 * @return milliseconds until the next MFE may expire, or UINT64_MAX.
 */
uint64_t mgm_run_timers(struct mgm *m);

/** An eventfd that becomes readable when mgm_run_timers() has route
 *  changes to process (for the control thread's poll loop). */
int mgm_event_fd(struct mgm *m);

/** Counters of the instance (for show commands and tests). */
struct mgm_counters {
	uint32_t protocols;
	uint32_t interfaces;
	uint32_t memberships;
	uint32_t mfes;
	uint32_t negative_mfes;
	uint64_t mfes_created;
	uint64_t mfes_expired;
	uint64_t mfes_deleted_route_change;
	uint64_t fwd_errors; /**< forwarder ops that failed */
};
void mgm_get_counters(struct mgm *m, struct mgm_counters *c);

/** Human name of a status ("ERROR_NOT_FOUND"). */
const char *mgm_status_str(enum mgm_status s);

#ifdef __cplusplus
}
#endif

#endif /* MGM_H */
