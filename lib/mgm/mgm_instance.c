/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An MGM instance: creation, the process-wide default, handles, the lock
 * and the deferred-callback queue that lets callbacks run unlocked.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "mgm_private.h"

_Static_assert(sizeof(uintptr_t) == 8, "handles pack 64 bits");
_Static_assert(sizeof(struct mgm_mfe) == 60, "MIB_IPMCAST_MFE fixed part");
_Static_assert(sizeof(struct mgm_oif) == 16, "MIB_IPMCAST_OIF");
_Static_assert(sizeof(struct mgm_mfe_stats) == 64, "MIB_IPMCAST_MFE_STATS");
_Static_assert(sizeof(struct mgm_mfe_stats_ex) == 84, "MIB_IPMCAST_MFE_STATS_EX");
_Static_assert(sizeof(struct mgm_oif_stats) == 28, "MIB_IPMCAST_OIF_STATS");
_Static_assert(sizeof(struct mgm_if_entry) == 16, "MGM_IF_ENTRY");
_Static_assert(sizeof(struct mgm_source_group) == 16, "SOURCE_GROUP_ENTRY");

static _Thread_local int mgm_enable_igmp_depth;
static uint8_t mgm_next_id = 1;
static pthread_mutex_t mgm_id_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- clock and log ---------------------------------------------------- */

static uint64_t
mgm_monotonic_ns(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * MGM_NS_PER_S + (uint64_t)ts.tv_nsec;
}

uint64_t
mgm_now(const struct mgm *m)
{
	return m->now_ns(m->clock_ctx);
}

void
mgm_logf(const struct mgm *m, int level, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (m->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	m->log(m->log_ctx, level, buf);
}

/* ---- handles ---------------------------------------------------------- */

mgm_handle_t
mgm_handle_make(const struct mgm *m, enum mgm_handle_kind kind, uint32_t slot,
		uint32_t gen)
{
	return ((uintptr_t)kind << 56) | ((uintptr_t)m->id << 48) |
	       ((uintptr_t)(gen & 0xFFFFFFu) << 24) | (slot & 0xFFFFFFu);
}

int32_t
mgm_handle_slot(const struct mgm *m, mgm_handle_t h, enum mgm_handle_kind kind)
{
	uint32_t slot = (uint32_t)(h & 0xFFFFFFu);
	uint32_t gen = (uint32_t)((h >> 24) & 0xFFFFFFu);

	if ((h >> 56) != (uintptr_t)kind || ((h >> 48) & 0xFF) != m->id)
		return -1;
	if (kind == MGM_HKIND_PROTOCOL) {
		if (slot >= m->n_client_slots || !m->clients[slot].in_use ||
		    (m->clients[slot].gen & 0xFFFFFFu) != gen)
			return -1;
	} else {
		if (slot >= m->n_enum_slots || !m->enums[slot].in_use ||
		    (m->enums[slot].gen & 0xFFFFFFu) != gen)
			return -1;
	}
	return (int32_t)slot;
}

mgm_handle_t
mgm_client_handle(const struct mgm *m, int32_t slot)
{
	return mgm_handle_make(m, MGM_HKIND_PROTOCOL, (uint32_t)slot,
			       m->clients[slot].gen);
}

struct mgm_client *
mgm_client_get(struct mgm *m, mgm_handle_t h)
{
	int32_t slot = mgm_handle_slot(m, h, MGM_HKIND_PROTOCOL);

	return slot < 0 ? NULL : &m->clients[slot];
}

void *
mgm_protocol_ctx(struct mgm *m, mgm_handle_t h)
{
	struct mgm_client *c;
	void *ctx;

	if (m == NULL)
		return NULL;
	mgm_lock(m);
	c = mgm_client_get(m, h);
	ctx = c != NULL ? c->ctx : NULL;
	mgm_unlock(m);
	return ctx;
}

/* ---- lock and due work ------------------------------------------------ */

void
mgm_lock(struct mgm *m)
{
	pthread_mutex_lock(&m->lock);
}

void
mgm_unlock(struct mgm *m)
{
	pthread_mutex_unlock(&m->lock);
}

/* Drain the RTM observer queue; any best-route change re-checks MFEs. */
static void
mgm_poll_routes(struct mgm *m)
{
	struct rtm_ip_route cur, prev;
	uint32_t flags;
	bool changed = false;
	enum rtm_status st;

	if (m->rtm_observer == 0)
		return;
	do {
		st = rtm_dequeue_change(m->rtm, m->rtm_observer, &flags, &cur,
					&prev);
		if (st == RTM_OK || st == RTM_ERR_MORE_MESSAGES)
			changed = true;
	} while (st == RTM_ERR_MORE_MESSAGES);
	if (changed)
		mgm_mfe_route_changed(m);
}

/* Expire due MFEs; no clock read when there is nothing to expire. */
static uint64_t
mgm_expire_due(struct mgm *m)
{
	if (m->heap_n == 0)
		return UINT64_MAX;
	return mgm_mfe_expire(m, mgm_now(m));
}

static uint64_t
mgm_due_work(struct mgm *m)
{
	mgm_poll_routes(m);
	return mgm_expire_due(m);
}

/* Membership and ownership calls only need expiry to be current: route
 * changes matter where MFEs are created or read (mgm_enter_routes), and
 * polling RTM's queue costs a second mutex on the hottest calls. */
void
mgm_enter(struct mgm *m, struct mgm_cbq *q)
{
	mgm_cbq_init(q);
	mgm_lock(m);
	m->cbq = q;
	mgm_expire_due(m);
}

void
mgm_enter_routes(struct mgm *m, struct mgm_cbq *q)
{
	mgm_cbq_init(q);
	mgm_lock(m);
	m->cbq = q;
	mgm_due_work(m);
}

static void mgm_cbq_dispatch(struct mgm *m, struct mgm_cbq *q);

void
mgm_leave(struct mgm *m, struct mgm_cbq *q)
{
	m->cbq = NULL;
	mgm_unlock(m);
	mgm_cbq_dispatch(m, q);
}

uint64_t
mgm_run_timers(struct mgm *m)
{
	struct mgm_cbq q;
	uint64_t next, now;

	if (m == NULL)
		return UINT64_MAX;
	mgm_cbq_init(&q);
	mgm_lock(m);
	m->cbq = &q;
	next = mgm_due_work(m);
	now = mgm_now(m);
	mgm_leave(m, &q);
	if (next == UINT64_MAX)
		return UINT64_MAX;
	return next <= now ? 0 : (next - now + 999999) / 1000000;
}

int
mgm_event_fd(struct mgm *m)
{
	return m != NULL ? m->route_efd : -1;
}

void
mgm_get_counters(struct mgm *m, struct mgm_counters *c)
{
	if (m == NULL || c == NULL)
		return;
	mgm_lock(m);
	*c = m->ctr;
	c->protocols = m->n_clients;
	c->interfaces = hmap_count(&m->ifaces);
	c->memberships = hmap_count(&m->members);
	c->mfes = hmap_count(&m->mfes);
	mgm_unlock(m);
}

/* ---- deferred callbacks ---------------------------------------------- */

void
mgm_cbq_init(struct mgm_cbq *q)
{
	q->n = 0;
	q->cap = MGM_CBQ_INLINE;
	q->v = q->inl;
}

void
mgm_cb_push(struct mgm *m, const struct mgm_cb *cb)
{
	struct mgm_cbq *q = m->cbq;

	if (q->n == q->cap) {
		uint32_t cap = q->cap * 2;
		struct mgm_cb *v = malloc(cap * sizeof(*v));

		if (v == NULL) {
			mgm_logf(m, MGM_LOG_ERR,
				 "out of memory: callback %u dropped",
				 cb->kind);
			free(cb->hdr);
			return;
		}
		memcpy(v, q->v, q->n * sizeof(*v));
		if (q->v != q->inl)
			free(q->v);
		q->v = v;
		q->cap = cap;
	}
	q->v[q->n++] = *cb;
}

void
mgm_cb_to(struct mgm *m, int32_t slot, enum mgm_cb_kind kind,
	  const struct mgm_cb *args)
{
	struct mgm_cb cb = *args;

	if (slot == MGM_NO_CLIENT)
		return;
	cb.kind = (uint8_t)kind;
	cb.target = mgm_client_handle(m, slot);
	mgm_cb_push(m, &cb);
}

bool
mgm_in_enable_igmp(void)
{
	return mgm_enable_igmp_depth > 0;
}

/* Run one queued callback: look the target up again (it may have gone),
 * copy what the call needs, and call it with the lock released. */
static void
mgm_cb_run(struct mgm *m, struct mgm_cb *cb)
{
	struct mgm_protocol_ops ops;
	struct mgm_client *c;
	uint32_t timeout;
	void *ctx;

	mgm_lock(m);
	c = mgm_client_get(m, cb->target);
	if (c == NULL) {
		mgm_unlock(m);
		return;
	}
	ops = c->ops;
	ctx = c->ctx;
	timeout = m->mfe_timeout_s;
	mgm_unlock(m);

	switch ((enum mgm_cb_kind)cb->kind) {
	case MGM_CB_JOIN_ALERT:
		if (ops.join_alert != NULL)
			ops.join_alert(ctx, cb->source, cb->source_mask,
				       cb->group, cb->group_mask, cb->flag);
		break;
	case MGM_CB_PRUNE_ALERT:
		if (ops.prune_alert != NULL)
			ops.prune_alert(ctx, cb->source, cb->source_mask,
					cb->group, cb->group_mask, cb->ifindex,
					cb->nexthop, cb->flag, &timeout);
		break;
	case MGM_CB_MFE_PRUNE_ALERT:
		if (ops.prune_alert == NULL)
			break;
		ops.prune_alert(ctx, cb->source, cb->source_mask, cb->group,
				cb->group_mask, cb->ifindex, cb->nexthop, 0,
				&timeout);
		/* The answer is how long the (still negative) MFE lives. */
		mgm_lock(m);
		{
			struct mgm_mfe_node *n =
				mgm_mfe_find(m, cb->source, cb->group);

			if (n != NULL && n->n_oif == 0) {
				uint64_t now = mgm_now(m);

				n->timeout_s = timeout;
				n->expire_ns = now + (uint64_t)timeout *
							     MGM_NS_PER_S;
				mgm_mfe_reschedule(m, n);
			}
		}
		mgm_unlock(m);
		break;
	case MGM_CB_WRONG_IF:
		if (ops.wrong_if != NULL)
			ops.wrong_if(ctx, cb->source, cb->group, cb->ifindex,
				     cb->nexthop, cb->hdr_len, cb->hdr);
		break;
	case MGM_CB_LOCAL_JOIN:
		if (ops.local_join != NULL)
			ops.local_join(ctx, cb->source, cb->source_mask,
				       cb->group, cb->group_mask, cb->ifindex,
				       cb->nexthop);
		break;
	case MGM_CB_LOCAL_LEAVE:
		if (ops.local_leave != NULL)
			ops.local_leave(ctx, cb->source, cb->source_mask,
					cb->group, cb->group_mask, cb->ifindex,
					cb->nexthop);
		break;
	case MGM_CB_DISABLE_IGMP:
		if (ops.disable_igmp != NULL)
			ops.disable_igmp(ctx, cb->ifindex, cb->nexthop);
		break;
	case MGM_CB_ENABLE_IGMP:
		if (ops.enable_igmp != NULL) {
			/* Re-adding from in here would deadlock on Windows;
			 * we refuse it with ERROR_CAN_NOT_COMPLETE. */
			mgm_enable_igmp_depth++;
			ops.enable_igmp(ctx, cb->ifindex, cb->nexthop);
			mgm_enable_igmp_depth--;
		}
		break;
	}
}

static void
mgm_cbq_dispatch(struct mgm *m, struct mgm_cbq *q)
{
	for (uint32_t i = 0; i < q->n; i++) {
		mgm_cb_run(m, &q->v[i]);
		free(q->v[i].hdr);
	}
	if (q->v != q->inl)
		free(q->v);
	mgm_cbq_init(q);
}

/* ---- create / destroy ------------------------------------------------- */

struct mgm *
mgm_create(const struct mgm_config *cfg)
{
	struct mgm_config def = {0};
	struct mgm *m;
	enum rtm_status st;

	if (cfg == NULL)
		cfg = &def;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	pthread_mutex_init(&m->lock, NULL);
	pthread_mutex_lock(&mgm_id_lock);
	m->id = mgm_next_id++;
	if (mgm_next_id == 0)
		mgm_next_id = 1;
	pthread_mutex_unlock(&mgm_id_lock);
	m->rtm = cfg->rtm != NULL ? cfg->rtm : rtm_default();
	m->now_ns = cfg->now_ns != NULL ? cfg->now_ns : mgm_monotonic_ns;
	m->clock_ctx = cfg->clock_ctx;
	m->log = cfg->log;
	m->log_ctx = cfg->log_ctx;
	m->fwd = cfg->fwd;
	m->fwd_ctx = cfg->fwd_ctx;
	m->mfe_timeout_s = cfg->mfe_timeout_s != 0 ? cfg->mfe_timeout_s :
						     MGM_DEFAULT_MFE_TIMEOUT;
	m->route_efd = -1;
	RB_INIT(&m->mfe_tree);
	if (m->rtm == NULL || hmap_init(&m->ifaces, 64) != 0 ||
	    hmap_init(&m->sgs, 1024) != 0 ||
	    hmap_init(&m->members, 1024) != 0 ||
	    hmap_init(&m->mfes, 1024) != 0)
		goto fail;
	m->route_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (m->route_efd < 0)
		goto fail;
	m->rtm_observer = rtm_register_observer(m->rtm, RTM_FAMILY_IP,
						m->route_efd, &st);
	if (m->rtm_observer == 0)
		goto fail;
	return m;
fail:
	if (m->route_efd >= 0)
		close(m->route_efd);
	hmap_fini(&m->ifaces);
	hmap_fini(&m->sgs);
	hmap_fini(&m->members);
	hmap_fini(&m->mfes);
	pthread_mutex_destroy(&m->lock);
	free(m);
	return NULL;
}

void
mgm_destroy(struct mgm *m)
{
	struct hmap_node *hn, *next;

	if (m == NULL)
		return;
	mgm_lock(m);
	mgm_mfe_free_all(m, true);
	mgm_members_free_all(m);
	for (hn = hmap_first(&m->ifaces); hn != NULL; hn = next) {
		next = hmap_next(&m->ifaces, hn);
		free(HMAP_ENTRY(hn, struct mgm_iface, node));
	}
	for (uint32_t i = 0; i < m->n_enum_slots; i++)
		free(m->enums[i].v);
	free(m->enums);
	free(m->clients);
	free(m->heap);
	hmap_fini(&m->ifaces);
	hmap_fini(&m->sgs);
	hmap_fini(&m->members);
	hmap_fini(&m->mfes);
	if (m->rtm_observer != 0)
		rtm_deregister_client(m->rtm, m->rtm_observer);
	if (m->route_efd >= 0)
		close(m->route_efd);
	mgm_unlock(m);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

static struct mgm *mgm_default_instance;
static pthread_once_t mgm_default_once = PTHREAD_ONCE_INIT;

static void
mgm_default_init(void)
{
	mgm_default_instance = mgm_create(NULL);
}

struct mgm *
mgm_default(void)
{
	pthread_once(&mgm_default_once, mgm_default_init);
	return mgm_default_instance;
}

enum mgm_status
mgm_set_forwarder(struct mgm *m, const struct mgm_forwarder_ops *ops,
		  void *ctx)
{
	struct mgm_mfe_node *n;

	if (m == NULL)
		return MGM_ERR_INVALID_PARAMETER;
	mgm_lock(m);
	m->fwd = ops;
	m->fwd_ctx = ctx;
	for (n = mgm_mfe_first(m); n != NULL; n = mgm_mfe_next(m, n))
		mgm_mfe_install(m, n);
	mgm_unlock(m);
	return MGM_OK;
}

const char *
mgm_status_str(enum mgm_status s)
{
	switch (s) {
	case MGM_OK: return "NO_ERROR";
	case MGM_ERR_INVALID_HANDLE: return "ERROR_INVALID_HANDLE";
	case MGM_ERR_NO_MEMORY: return "ERROR_NOT_ENOUGH_MEMORY";
	case MGM_ERR_INVALID_PARAMETER: return "ERROR_INVALID_PARAMETER";
	case MGM_ERR_INSUFFICIENT_BUFFER: return "ERROR_INSUFFICIENT_BUFFER";
	case MGM_ERR_ALREADY_EXISTS: return "ERROR_ALREADY_EXISTS";
	case MGM_ERR_MORE_DATA: return "ERROR_MORE_DATA";
	case MGM_ERR_NO_MORE_ITEMS: return "ERROR_NO_MORE_ITEMS";
	case MGM_ERR_CAN_NOT_COMPLETE: return "ERROR_CAN_NOT_COMPLETE";
	case MGM_ERR_NOT_FOUND: return "ERROR_NOT_FOUND";
	case MGM_ERR_NO_SYSTEM_RESOURCES: return "ERROR_NO_SYSTEM_RESOURCES";
	}
	return "ERROR_UNKNOWN";
}
