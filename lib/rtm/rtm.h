/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RTM_H
#define RTM_H

/**
 * @file
 * rtm — Route Table Manager, version 1 semantics, for RPF.
 *
 * What it is for: routing protocols (static, an external daemon, the
 * appliance's config) add unicast routes; RTM keeps every route per network,
 * elects the best route per network (lower priority wins, then lower metric,
 * then the incumbent), ages routes out after their time-to-live, and tells
 * every other client (through a change queue and an eventfd) when a best
 * route appears, changes or disappears.  lib/mgm asks it for the best route
 * toward a multicast source (longest-prefix match) to pick an MFE's incoming
 * interface, and watches best-route changes to retire stale MFEs.
 *
 * The semantics are those of the Windows RTMv1 API (see rtm_compat.h for the
 * documented names); this header is the Linux-style contract:
 *  - status codes are enum rtm_status with the Windows numeric values;
 *  - IPv4 addresses and masks are uint32_t in network byte order;
 *  - route records are struct rtm_ip_route / struct rtm_ipx_route, laid out
 *    byte for byte like RTM_IP_ROUTE (92 B) and RTM_IPX_ROUTE (52 B);
 *  - handles are opaque values carrying a slot and a generation, validated on
 *    every call: a stale or garbage handle gives RTM_ERR_INVALID_HANDLE;
 *  - time comes from a clock the creator may supply (tests drive it).
 *
 * Threads: every function may be called from any thread; an instance
 * serialises calls on its own mutex.  No callback runs under that mutex
 * (RTM has none: it notifies through queues and eventfds).
 *
 * Longest-prefix match uses one hash table per prefix length in use, probed
 * from the longest length down.  DPDK's rte_rib would need EAL memory
 * (mempool, memzone, tailq) and so make RTM — and lib/mgm above it — depend
 * on an initialised EAL; the compat API promises to work with no set-up
 * call.  doc/control-plane.md gives the measured lookup rate of both.
 */

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Status codes; the numbers are the Windows error codes. */
enum rtm_status {
	RTM_OK = 0,
	RTM_ERR_INVALID_HANDLE = 6,
	RTM_ERR_NO_MEMORY = 8,
	RTM_ERR_INVALID_PARAMETER = 87,
	RTM_ERR_ALREADY_EXISTS = 183,     /**< ERROR_CLIENT_ALREADY_EXISTS */
	RTM_ERR_MORE_MESSAGES = 234,      /**< ERROR_MORE_DATA */
	RTM_ERR_NO_MESSAGES = 259,        /**< also NO_MORE_ROUTES, NO_ROUTES, NO_SUCH_ROUTE */
	RTM_ERR_NO_SYSTEM_RESOURCES = 1450,
};
#define RTM_ERR_NO_MORE_ROUTES RTM_ERR_NO_MESSAGES
#define RTM_ERR_NO_ROUTES      RTM_ERR_NO_MESSAGES
#define RTM_ERR_NO_SUCH_ROUTE  RTM_ERR_NO_MESSAGES

/** Protocol families. */
#define RTM_FAMILY_IPX 0u
#define RTM_FAMILY_IP  1u

/** Registration flag: one route per network for this protocol. */
#define RTM_SINGLE_ROUTE 0x1u

/** Change flags returned by add/delete/dequeue. */
#define RTM_CHANGE_NONE    0x0u
#define RTM_CHANGE_CURRENT 0x1u /**< a current best route is reported */
#define RTM_CHANGE_PREVIOUS 0x2u /**< a previous best route is reported */
#define RTM_CHANGE_ADDED   RTM_CHANGE_CURRENT
#define RTM_CHANGE_DELETED RTM_CHANGE_PREVIOUS
#define RTM_CHANGE_CHANGED (RTM_CHANGE_CURRENT | RTM_CHANGE_PREVIOUS)

/** Enumeration criteria flags. */
#define RTM_ONLY_THIS_NETWORK   0x1u
#define RTM_ONLY_THIS_INTERFACE 0x2u
#define RTM_ONLY_THIS_PROTOCOL  0x4u
#define RTM_ONLY_BEST_ROUTES    0x8u

/** Time-to-live that never ages; also the error value of rtm_route_age(). */
#define RTM_INFINITE 0xFFFFFFFFu
/** Largest finite time-to-live in seconds (what fits in ms as a signed int). */
#define RTM_MAX_TTL 2147483u

/** FSD_Type values of struct rtm_ip_fsd. */
#define RTM_IP_TYPE_OTHER   1u
#define RTM_IP_TYPE_INVALID 2u
#define RTM_IP_TYPE_LOCAL   3u
#define RTM_IP_TYPE_REMOTE  4u
/** FSD_Flags bit: route is valid. */
#define RTM_IP_VALID_ROUTE 0x1u

/** Routing protocol ids used for default priorities (routprot.h). */
#define RTM_PROTO_IP_OTHER   1u
#define RTM_PROTO_IP_LOCAL   2u
#define RTM_PROTO_IP_NETMGMT 3u  /**< static routes */
#define RTM_PROTO_IP_RIP     8u
#define RTM_PROTO_IP_OSPF    13u

/** FILETIME: 100 ns units; RTM stamps it from its clock. */
struct rtm_filetime {
	uint32_t low;
	uint32_t high;
};

/** Opaque per-protocol data; RTM stores but never compares it. */
struct rtm_psd {
	uint32_t data[4];
};

/** IP network or next hop: number and mask, network byte order. */
struct rtm_ip_network {
	uint32_t number;
	uint32_t mask;
};

/** IP family-specific data (IP_SPECIFIC_DATA). */
struct rtm_ip_fsd {
	uint32_t type;        /**< RTM_IP_TYPE_* */
	uint32_t policy;
	uint32_t next_hop_as;
	uint32_t priority;    /**< set by RTM from the protocol's preference */
	uint32_t metric;      /**< set by the protocol; lower is better */
	uint32_t metric1, metric2, metric3, metric4, metric5; /**< display only */
	uint32_t flags;       /**< RTM_IP_VALID_ROUTE */
};

/** An IP route (RTM_IP_ROUTE, 92 bytes). */
struct rtm_ip_route {
	struct rtm_filetime timestamp; /**< set by RTM on add/update */
	uint32_t protocol;             /**< routing protocol that owns it */
	uint32_t ifindex;              /**< interface the route points out of */
	struct rtm_psd psd;
	struct rtm_ip_network network;
	struct rtm_ip_network next_hop;
	struct rtm_ip_fsd fsd;
};

/** IPX family-specific data (IPX_SPECIFIC_DATA). */
struct rtm_ipx_fsd {
	uint32_t flags;
	uint16_t tick_count; /**< lower is better (compared first) */
	uint16_t hop_count;  /**< then lower hop count */
};

/** An IPX route (RTM_IPX_ROUTE, 52 bytes). */
struct rtm_ipx_route {
	struct rtm_filetime timestamp;
	uint32_t protocol;
	uint32_t ifindex;
	struct rtm_psd psd;
	uint32_t network;
	uint8_t next_hop[6];  /**< next hop MAC */
	uint8_t pad[2];
	struct rtm_ipx_fsd fsd;
};

/** An RTM instance. */
struct rtm;

/** A registered client (0 is never valid). */
typedef uintptr_t rtm_client_t;
/** An open route enumeration (0 is never valid). */
typedef uintptr_t rtm_enum_t;

/** Log levels passed to rtm_config.log (syslog numbering). */
#define RTM_LOG_ERR     3
#define RTM_LOG_WARNING 4
#define RTM_LOG_INFO    6
#define RTM_LOG_DEBUG   7

/** Creation-time settings; every member may be zero/NULL. */
struct rtm_config {
	/** Monotonic time in nanoseconds; NULL = CLOCK_MONOTONIC. */
	uint64_t (*now_ns)(void *ctx);
	void *clock_ctx;
	/** Log sink; NULL = silent. */
	void (*log)(void *ctx, int level, const char *msg);
	void *log_ctx;
};

/**
 * Create an instance.  @p cfg may be NULL.
 * @return the instance, or NULL when out of memory.
 */
struct rtm *rtm_create(const struct rtm_config *cfg);

/** Destroy an instance, its clients, routes and enumerations. */
void rtm_destroy(struct rtm *r);

/**
 * The process-wide default instance (created on first use with the
 * defaults; what rtm_compat.h uses).  NULL only when out of memory.
 */
struct rtm *rtm_default(void);

/**
 * Register @p protocol in @p family.
 * @param event_fd eventfd (or any fd that counts writes) signalled while
 *   change messages are queued for this client; -1 for no notification.
 *   RTM writes 1 when the queue becomes non-empty and drains the fd when the
 *   queue empties; it does not close it.
 * @param flags 0 or RTM_SINGLE_ROUTE.
 * @param[out] err RTM_OK, RTM_ERR_ALREADY_EXISTS (protocol registered in the
 *   family), RTM_ERR_INVALID_PARAMETER (family or flags), RTM_ERR_NO_MEMORY.
 *   May be NULL.
 * @return the client, or 0 on failure.
 */
rtm_client_t rtm_register_client(struct rtm *r, uint32_t family,
				 uint32_t protocol, int event_fd,
				 uint32_t flags, enum rtm_status *err);

/**
 * Register an observer: a client without a protocol (it adds no routes and
 * takes no place in the protocol namespace) that receives every best-route
 * change of @p family.  lib/mgm uses it to follow RPF changes.
 */
rtm_client_t rtm_register_observer(struct rtm *r, uint32_t family,
				   int event_fd, enum rtm_status *err);

/**
 * Deregister a client: its routes are deleted (other clients are notified
 * of the resulting best-route changes) and its queue dropped.
 * @return RTM_OK or RTM_ERR_INVALID_HANDLE.
 */
enum rtm_status rtm_deregister_client(struct rtm *r, rtm_client_t c);

/**
 * Add or update a route.  @p route points to a struct rtm_ip_route or
 * rtm_ipx_route for the client's family; its protocol field is ignored (the
 * client's protocol is used).  Identity: (network, protocol, interface, next
 * hop), or (network, protocol) for RTM_SINGLE_ROUTE clients.
 * @param ttl_s seconds before the route ages out unless re-added;
 *   RTM_INFINITE never ages; > RTM_MAX_TTL is RTM_ERR_INVALID_PARAMETER.
 * @param[out] flags RTM_CHANGE_NONE / ADDED / CHANGED for the network's best
 *   route (required).
 * @param[out] cur_best,prev_best filled when @p flags says so; may be NULL.
 * @return RTM_OK, RTM_ERR_INVALID_HANDLE, RTM_ERR_INVALID_PARAMETER,
 *   RTM_ERR_NO_MEMORY.  Other clients get a queued message; the caller
 *   does not.
 */
enum rtm_status rtm_add_route(struct rtm *r, rtm_client_t c, const void *route,
			      uint32_t ttl_s, uint32_t *flags, void *cur_best,
			      void *prev_best);

/**
 * Delete the client's route matching network, interface and next hop.
 * @param[out] flags NONE (a better route stays best), DELETED (no route to
 *   the network remains), CHANGED (another route became best; @p cur_best
 *   is it).
 * @return RTM_OK, RTM_ERR_INVALID_HANDLE, RTM_ERR_INVALID_PARAMETER,
 *   RTM_ERR_NO_SUCH_ROUTE.
 */
enum rtm_status rtm_delete_route(struct rtm *r, rtm_client_t c,
				 const void *route, uint32_t *flags,
				 void *cur_best);

/**
 * Take the oldest queued best-route change.
 * @return RTM_OK (this was the last one; the event fd is drained),
 *   RTM_ERR_MORE_MESSAGES (more are queued), RTM_ERR_NO_MESSAGES (none),
 *   RTM_ERR_INVALID_HANDLE (bad handle, or registered without an event fd).
 */
enum rtm_status rtm_dequeue_change(struct rtm *r, rtm_client_t c,
				   uint32_t *flags, void *cur_best,
				   void *prev_best);

/** Networks with at least one route; 0 and RTM_ERR_INVALID_PARAMETER in
 *  @p err for an unknown family. */
uint32_t rtm_network_count(struct rtm *r, uint32_t family,
			   enum rtm_status *err);

/**
 * Is there a route to exactly @p network (struct rtm_ip_network or a
 * uint32_t IPX network number)?  When true, @p best (may be NULL) gets the
 * best route.  False with @p err RTM_OK means no route.
 */
bool rtm_is_route(struct rtm *r, uint32_t family, const void *network,
		  void *best, enum rtm_status *err);

/**
 * Longest-prefix match: the best route of the most specific IP network that
 * covers @p dest (network byte order).  @p out may be NULL.
 */
bool rtm_lookup_ip(struct rtm *r, uint32_t dest, struct rtm_ip_route *out);

/** Seconds since @p route (as returned by RTM) was added or refreshed;
 *  RTM_INFINITE and RTM_ERR_INVALID_PARAMETER for a bad record. */
uint32_t rtm_route_age(struct rtm *r, const void *route, enum rtm_status *err);

/**
 * Open an enumeration of @p family's routes matching @p criteria under
 * @p flags (RTM_ONLY_*).  Each route is returned once; order is not
 * promised.  0 with RTM_ERR_NO_ROUTES when nothing matches,
 * RTM_ERR_INVALID_PARAMETER for a bad family/flags.
 */
rtm_enum_t rtm_enum_open(struct rtm *r, uint32_t family, uint32_t flags,
			 const void *criteria, enum rtm_status *err);
/** Next route: RTM_OK, RTM_ERR_NO_MORE_ROUTES or RTM_ERR_INVALID_HANDLE. */
enum rtm_status rtm_enum_next(struct rtm *r, rtm_enum_t e, void *route);
/** Close: RTM_OK or RTM_ERR_INVALID_HANDLE. */
enum rtm_status rtm_enum_close(struct rtm *r, rtm_enum_t e);

/**
 * Ordered walk (network, protocol, interface, next hop).  get_first fills
 * @p route with the first route matching @p route's fields under @p flags;
 * get_next the one after @p route.  RTM_OK or RTM_ERR_NO_MORE_ROUTES.
 */
enum rtm_status rtm_get_first_route(struct rtm *r, uint32_t family,
				    uint32_t flags, void *route);
enum rtm_status rtm_get_next_route(struct rtm *r, uint32_t family,
				   uint32_t flags, void *route);

/** Delete the caller's routes matching @p criteria; every client with an
 *  event fd, the caller included, is told of best-route changes. */
enum rtm_status rtm_block_delete(struct rtm *r, rtm_client_t c, uint32_t flags,
				 const void *criteria);

/**
 * Set the priority RTM stamps into FSD_Priority for @p protocol's IP routes
 * (lower is preferred).  Defaults: local 1, static (NETMGMT) 3, OSPF 110,
 * RIP 120, anything else 150.  Existing routes keep their stamp until they
 * are re-added.
 */
void rtm_set_protocol_priority(struct rtm *r, uint32_t protocol,
			       uint32_t priority);

/**
 * Age routes whose time-to-live passed (every other call does this too).
 * @return milliseconds until the next route ages, or UINT64_MAX.
 */
uint64_t rtm_run_timers(struct rtm *r);

/** The last error set by an rtm_* call on this thread (for GetLastError). */
enum rtm_status rtm_last_error(void);
/** Set this thread's last error (SetLastError). */
void rtm_set_last_error(enum rtm_status err);

#ifdef __cplusplus
}
#endif

#endif /* RTM_H */
