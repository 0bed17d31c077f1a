/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MGM_TEST_UTIL_H
#define MGM_TEST_UTIL_H

/*
 * Shared fixtures for the MGM tests: every test gets its own struct mgm over
 * its own struct rtm, both driven by a clock the test advances, with a fake
 * forwarder that mirrors what the fast path would hold and a callback
 * recorder that logs every callback (with arguments) in one ordered log.
 *
 * The helpers assert (cmocka) that set-up steps succeed, so a test body only
 * spells out the behaviour it checks.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "mgm.h"
#include "rtm.h"

/* Address a.b.c.d in network byte order, like every MGM argument. */
#define TU_IP(a, b, c, d)                                                 \
	htonl(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) |            \
	      ((uint32_t)(c) << 8) | (uint32_t)(d))
#define TU_HOST 0xFFFFFFFFu /* /32 mask: same bytes in either order */

#define TU_NS_PER_S 1000000000ull
/* Not 0: catches code that treats time 0 as "never". */
#define TU_CLOCK_START (1000ull * TU_NS_PER_S)

#define TU_MAX_OIF     16
#define TU_FWD_MAX     64
#define TU_FWD_OPS_MAX 512
#define TU_LOG_MAX     512
#define TU_MAX_PROTOS  8
#define TU_HDR_MAX     64

/* Route-table protocol the helpers add routes with (static routes). */
#define TU_ROUTE_PROTO RTM_PROTO_IP_NETMGMT

/* A controllable clock ------------------------------------------------ */
struct tu_clock {
	uint64_t ns;
};
uint64_t tu_clock_now(void *ctx);
void tu_clock_advance_s(struct tu_clock *c, uint64_t s);

/* The fake forwarder ----------------------------------------------------- */
struct tu_fwd_entry {
	bool used;
	uint32_t source, group, in_ifindex, in_nexthop, num_oif;
	struct mgm_fwd_oif oif[TU_MAX_OIF];
	uint64_t seq; /* env sequence number of the last set_entry */
	/* What read_counters returns; kept across set_entry like a real
	 * forwarder keeps an entry's statistics when it is replaced. */
	struct mgm_fwd_counters ctr;
	struct mgm_fwd_oif_counters oc[TU_MAX_OIF];
	uint32_t n_oc;
};

enum tu_fwd_op_kind { TU_FWD_SET, TU_FWD_DELETE };

struct tu_fwd_op {
	enum tu_fwd_op_kind kind;
	uint32_t source, group, in_ifindex, num_oif;
	uint64_t seq;
};

struct tu_fwd {
	struct tu_fwd_entry e[TU_FWD_MAX];
	struct tu_fwd_op ops[TU_FWD_OPS_MAX];
	unsigned n_ops;
	unsigned n_set, n_delete, n_read;
	unsigned n_delete_unknown; /* deletes of entries never installed */
};

extern const struct mgm_forwarder_ops tu_fwd_ops; /* ctx = struct tu_env * */

/* The callback recorder -------------------------------------------------- */
enum tu_cb {
	TU_CB_RPF,
	TU_CB_CREATION_ALERT,
	TU_CB_PRUNE_ALERT,
	TU_CB_JOIN_ALERT,
	TU_CB_WRONG_IF,
	TU_CB_LOCAL_JOIN,
	TU_CB_LOCAL_LEAVE,
	TU_CB_DISABLE_IGMP,
	TU_CB_ENABLE_IGMP,
	TU_CB_ANY, /* query wildcard */
};

struct tu_proto;

struct tu_event {
	enum tu_cb kind;
	struct tu_proto *to;
	uint64_t seq;
	uint32_t source, source_mask, group, group_mask;
	/* Interface argument: prune/local/wrong-if/igmp key; RPF and
	 * creation alert: the incoming interface as received. */
	uint32_t ifindex, nexthop;
	int32_t flag;        /* join member_update, prune member_delete */
	uint32_t timeout_in; /* prune: *timeout_s as MGM preset it */
	uint32_t upstream_in; /* RPF: *upstream_nbr as MGM preset it */
	uint32_t count;      /* creation alert: entries in oifs */
	struct mgm_if_entry oifs[TU_MAX_OIF];
	uint32_t hdr_size;
	uint8_t hdr[TU_HDR_MAX];
	bool has_route;
	struct rtm_ip_route route;
};

typedef void (*tu_hook_fn)(struct tu_proto *p, const struct tu_event *ev);

struct tu_proto {
	struct tu_env *env;
	mgm_handle_t h;
	uint32_t protocol_id, component_id;
	/* Every callback returns this; MGM must ignore it. */
	uint32_t ret;
	/* Creation alert: clear enabled for this OIF. */
	bool veto;
	uint32_t veto_ifindex, veto_nexthop;
	/* RPF: rewrite the incoming interface / upstream neighbour. */
	bool rpf_rewrite;
	uint32_t rpf_ifindex, rpf_nexthop, rpf_upstream;
	/* Prune alert: set *timeout_s. */
	bool prune_set_timeout;
	uint32_t prune_timeout;
	/* Called after a callback is logged (and knobs applied); may call
	 * MGM.  hook_status[] collects what the hook's calls returned. */
	tu_hook_fn hook;
	enum mgm_status hook_status[16];
	unsigned n_hook;
	uint32_t hook_arg[8];
	mgm_handle_t hook_h; /* a handle the hook may use (e.g. another's) */
};

extern const struct mgm_protocol_ops tu_recorder_ops; /* ctx = struct tu_proto * */

/* One isolated world per test ------------------------------------------- */
struct tu_env {
	struct tu_clock clock;
	struct rtm *rtm;
	struct mgm *mgm;
	rtm_client_t rtm_client;
	struct tu_fwd fwd;
	uint64_t seq; /* orders callbacks and forwarder ops together */
	struct tu_event log[TU_LOG_MAX];
	unsigned n_log;
	struct tu_proto protos[TU_MAX_PROTOS];
	unsigned n_protos;
};

/* mfe_timeout_s 0 = MGM's default. */
struct tu_env *tu_env_new(uint32_t mfe_timeout_s);
void tu_env_free(struct tu_env *e);
/* cmocka fixtures: *state = struct tu_env *. */
int tu_setup(void **state);
int tu_teardown(void **state);

/* Registers with the recorder ops; asserts MGM_OK. */
struct tu_proto *tu_proto_register(struct tu_env *e, uint32_t protocol_id,
				   uint32_t component_id);
void tu_take(struct tu_env *e, struct tu_proto *p, uint32_t ifindex,
	     uint32_t nexthop);
/* JOIN_STATE add/delete of (s, g) on (ifindex, 0); masks follow the
 * addresses (0 -> 0, else /32).  Assert MGM_OK. */
void tu_join(struct tu_env *e, struct tu_proto *p, uint32_t s, uint32_t g,
	     uint32_t ifindex);
void tu_leave(struct tu_env *e, struct tu_proto *p, uint32_t s, uint32_t g,
	      uint32_t ifindex);
uint32_t tu_mask(uint32_t addr);

/* Routes (static, metric 1, never age); assert RTM_OK. */
void tu_route_add(struct tu_env *e, uint32_t net, uint32_t mask,
		  uint32_t ifindex, uint32_t next_hop);
void tu_route_del(struct tu_env *e, uint32_t net, uint32_t mask,
		  uint32_t ifindex, uint32_t next_hop);

/* The fake first-packet header handed to mgm_forwarder_miss(). */
extern const uint8_t tu_hdr[28];
/* Forwarder miss for (s, g) arriving on (ifindex, 0); asserts MGM_OK. */
void tu_miss(struct tu_env *e, uint32_t s, uint32_t g, uint32_t ifindex);

/* Log queries (to NULL = any recipient, kind TU_CB_ANY = any kind). */
void tu_log_clear(struct tu_env *e);
unsigned tu_log_count(const struct tu_env *e, enum tu_cb kind,
		      const struct tu_proto *to);
/* The nth (0-based) matching event, or NULL. */
const struct tu_event *tu_log_find(const struct tu_env *e, enum tu_cb kind,
				   const struct tu_proto *to, unsigned nth);

/* MFE records ----------------------------------------------------------- */
union tu_mfe_buf {
	struct mgm_mfe mfe;
	uint8_t raw[MGM_MFE_SIZE(TU_MAX_OIF)];
};
union tu_stats_buf {
	struct mgm_mfe_stats s0;
	struct mgm_mfe_stats_ex s1;
	uint8_t raw[MGM_MFE_STATS_EX_SIZE(TU_MAX_OIF)];
};

/* mgm_get_mfe of (s, g) into @p out. */
enum mgm_status tu_get_mfe(struct tu_env *e, uint32_t s, uint32_t g,
			   union tu_mfe_buf *out);
/* Asserts the MFE exists and returns a copy (static storage per call
 * site is not needed: the caller passes the buffer). */
void tu_must_get_mfe(struct tu_env *e, uint32_t s, uint32_t g,
		     union tu_mfe_buf *out);
bool tu_mfe_has_oif(const struct mgm_mfe *m, uint32_t ifindex,
		    uint32_t nexthop);
/* Asserts the MFE's OIF list is exactly the @p n ifindexes given (next
 * hop 0), in any order. */
void tu_assert_oifs(const struct mgm_mfe *m, unsigned n, ...);

/* Forwarder queries. */
const struct tu_fwd_entry *tu_fwd_find(const struct tu_env *e, uint32_t s,
				       uint32_t g);
unsigned tu_fwd_count(const struct tu_env *e);
bool tu_fwd_has_oif(const struct tu_fwd_entry *f, uint32_t ifindex,
		    uint32_t nexthop);
/* Set what read_counters reports for (s, g); the entry must exist. */
struct tu_fwd_entry *tu_fwd_entry_mut(struct tu_env *e, uint32_t s,
				      uint32_t g);
void tu_fwd_set_oif_counters(struct tu_env *e, uint32_t s, uint32_t g,
			     uint32_t ifindex, uint32_t nexthop,
			     uint64_t out_packets);

/* Asserts the fake forwarder holds exactly MGM's MFE table: same keys,
 * incoming interfaces and OIF sets. */
void tu_assert_fwd_mirrors_mgm(struct tu_env *e);

/* Group enumeration: collect every record of @p type seen by @p p into
 * @p out (capacity @p max); returns the count.  Asserts the protocol of
 * the enumerator is followed (MORE_DATA ... NO_MORE_ITEMS). */
unsigned tu_enum_all(struct tu_env *e, struct tu_proto *p,
		     enum mgm_enum_type type, struct mgm_source_group *out,
		     unsigned max);
/* How many times (s, sm, g, gm) occurs in @p v. */
unsigned tu_sg_count(const struct mgm_source_group *v, unsigned n, uint32_t s,
		     uint32_t sm, uint32_t g, uint32_t gm);

#endif /* MGM_TEST_UTIL_H */
