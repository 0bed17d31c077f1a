/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RTM instances: creation, the default instance, the lock, the clock, the
 * deferred log, {slot, generation} handles, protocol priorities and the
 * thread's last error.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rtm_private.h"

/* Inter-protocol preferences (RRAS defaults; lower is preferred). */
#define RTM_PRIO_LOCAL   1u
#define RTM_PRIO_STATIC  3u
#define RTM_PRIO_OSPF    110u
#define RTM_PRIO_RIP     120u
#define RTM_PRIO_DEFAULT 150u

static _Thread_local enum rtm_status rtm_tls_err;

/* Gives each instance its own handle tag; wraps after 32767 instances. */
static atomic_uint rtm_next_tag;

static pthread_once_t rtm_default_once = PTHREAD_ONCE_INIT;
static struct rtm *rtm_default_inst;

enum rtm_status
rtm_last_error(void)
{
	return rtm_tls_err;
}

void
rtm_set_last_error(enum rtm_status err)
{
	rtm_tls_err = err;
}

size_t
rtm_rec_size(uint32_t family)
{
	return family == RTM_FAMILY_IP ? sizeof(struct rtm_ip_route) :
	                                 sizeof(struct rtm_ipx_route);
}

static uint64_t
rtm_monotonic_ns(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * RTM_NS_PER_S + (uint64_t)ts.tv_nsec;
}

uint64_t
rtm_now(struct rtm *r)
{
	return r->cfg.now_ns(r->cfg.clock_ctx);
}

void
rtm_lock(struct rtm *r)
{
	pthread_mutex_lock(&r->lock);
}

/*
 * Log lines are formatted under the lock but handed to the sink only after
 * it is released, so a sink that calls back into RTM cannot deadlock.
 */
void
rtm_unlock(struct rtm *r)
{
	int level[RTM_LOG_PENDING];
	char msg[RTM_LOG_PENDING][RTM_LOG_LEN];
	unsigned n = r->log_n, lost = r->log_lost;

	if (n == 0 && lost == 0) {
		pthread_mutex_unlock(&r->lock);
		return;
	}
	memcpy(level, r->log_level, n * sizeof(level[0]));
	memcpy(msg, r->log_msg, n * sizeof(msg[0]));
	r->log_n = 0;
	r->log_lost = 0;
	pthread_mutex_unlock(&r->lock);

	for (unsigned i = 0; i < n; i++)
		r->cfg.log(r->cfg.log_ctx, level[i], msg[i]);
	if (lost != 0) {
		char line[RTM_LOG_LEN];

		snprintf(line, sizeof(line), "rtm: %u log lines lost", lost);
		r->cfg.log(r->cfg.log_ctx, RTM_LOG_WARNING, line);
	}
}

void
rtm_log(struct rtm *r, int level, const char *fmt, ...)
{
	va_list ap;

	if (r->cfg.log == NULL)
		return;
	if (r->log_n == RTM_LOG_PENDING) {
		r->log_lost++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(r->log_msg[r->log_n], RTM_LOG_LEN, fmt, ap);
	va_end(ap);
	r->log_level[r->log_n++] = level;
}

/* Handles ------------------------------------------------------------ */

static struct rtm_slots *
rtm_slots_of(struct rtm *r, enum rtm_kind kind)
{
	return kind == RTM_KIND_CLIENT ? &r->clients : &r->enums;
}

static uintptr_t
rtm_handle_pack(enum rtm_kind kind, uint32_t tag, uint32_t gen, uint32_t slot)
{
	return ((uintptr_t)kind << 63) | ((uintptr_t)tag << 48) |
	       ((uintptr_t)gen << RTM_H_SLOT_BITS) | (uintptr_t)slot;
}

uintptr_t
rtm_handle_alloc(struct rtm *r, enum rtm_kind kind, void *obj)
{
	struct rtm_slots *s = rtm_slots_of(r, kind);
	uint32_t idx;

	if (s->free_head != UINT32_MAX && s->cap != 0) {
		idx = s->free_head;
		s->free_head = s->v[idx].next_free;
	} else {
		if (s->n > RTM_H_SLOT_MAX)
			return 0;
		if (s->n == s->cap) {
			uint32_t cap = s->cap ? s->cap * 2 : 16;
			struct rtm_slot *v = realloc(s->v, cap * sizeof(*v));

			if (v == NULL)
				return 0;
			s->v = v;
			s->cap = cap;
		}
		idx = s->n++;
		s->v[idx].gen = 1;
	}
	s->v[idx].obj = obj;
	s->v[idx].next_free = UINT32_MAX;
	return rtm_handle_pack(kind, r->tag, s->v[idx].gen, idx);
}

void *
rtm_handle_get(struct rtm *r, enum rtm_kind kind, uintptr_t h)
{
	struct rtm_slots *s = rtm_slots_of(r, kind);
	uint32_t slot = (uint32_t)(h & RTM_H_SLOT_MAX);
	uint32_t gen = (uint32_t)((h >> RTM_H_SLOT_BITS) & RTM_H_GEN_MASK);
	uint32_t tag = (uint32_t)((h >> 48) & RTM_H_TAG_MASK);

	if ((enum rtm_kind)(h >> 63) != kind || tag != r->tag)
		return NULL;
	if (slot >= s->n || s->v[slot].obj == NULL || s->v[slot].gen != gen)
		return NULL;
	return s->v[slot].obj;
}

void
rtm_handle_free(struct rtm *r, enum rtm_kind kind, uintptr_t h)
{
	struct rtm_slots *s = rtm_slots_of(r, kind);
	uint32_t slot = (uint32_t)(h & RTM_H_SLOT_MAX);
	struct rtm_slot *v = &s->v[slot];

	v->obj = NULL;
	/* Generation 0 is never issued: handle 0 must stay invalid. */
	v->gen = (v->gen + 1) & RTM_H_GEN_MASK;
	if (v->gen == 0)
		v->gen = 1;
	v->next_free = s->free_head;
	s->free_head = slot;
}

/* Protocol priorities ------------------------------------------------ */

static uint32_t
rtm_prio_hash(uint32_t protocol)
{
	return hmap_hash_words(&protocol, 1, 0);
}

static struct rtm_prio *
rtm_prio_find(struct rtm *r, uint32_t protocol)
{
	uint32_t h = rtm_prio_hash(protocol);

	for (struct hmap_node *n = hmap_first_with_hash(&r->prios, h); n;
	     n = hmap_next_with_hash(n)) {
		struct rtm_prio *p = HMAP_ENTRY(n, struct rtm_prio, node);

		if (p->protocol == protocol)
			return p;
	}
	return NULL;
}

uint32_t
rtm_priority_of(struct rtm *r, uint32_t protocol)
{
	struct rtm_prio *p = rtm_prio_find(r, protocol);

	if (p != NULL)
		return p->priority;
	switch (protocol) {
	case RTM_PROTO_IP_LOCAL:
		return RTM_PRIO_LOCAL;
	case RTM_PROTO_IP_NETMGMT:
		return RTM_PRIO_STATIC;
	case RTM_PROTO_IP_OSPF:
		return RTM_PRIO_OSPF;
	case RTM_PROTO_IP_RIP:
		return RTM_PRIO_RIP;
	default:
		return RTM_PRIO_DEFAULT;
	}
}

void
rtm_set_protocol_priority(struct rtm *r, uint32_t protocol, uint32_t priority)
{
	struct rtm_prio *p;

	if (r == NULL)
		return;
	rtm_lock(r);
	rtm_age(r);
	p = rtm_prio_find(r, protocol);
	if (p != NULL) {
		p->priority = priority;
	} else if ((p = malloc(sizeof(*p))) != NULL) {
		p->protocol = protocol;
		p->priority = priority;
		hmap_insert(&r->prios, &p->node, rtm_prio_hash(protocol));
	} else {
		rtm_log(r, RTM_LOG_ERR,
		        "rtm: no memory to set priority %u of protocol %u",
		        priority, protocol);
	}
	rtm_unlock(r);
}

/* Instances ---------------------------------------------------------- */

struct rtm *
rtm_create(const struct rtm_config *cfg)
{
	struct rtm *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	if (cfg != NULL)
		r->cfg = *cfg;
	if (r->cfg.now_ns == NULL) {
		r->cfg.now_ns = rtm_monotonic_ns;
		r->cfg.clock_ctx = NULL;
	}
	if (hmap_init(&r->prios, 0) != 0) {
		free(r);
		return NULL;
	}
	if (pthread_mutex_init(&r->lock, NULL) != 0) {
		hmap_fini(&r->prios);
		free(r);
		return NULL;
	}
	r->tag = atomic_fetch_add(&rtm_next_tag, 1) % RTM_H_TAG_MASK + 1;
	r->fam[RTM_FAMILY_IPX].id = RTM_FAMILY_IPX;
	r->fam[RTM_FAMILY_IP].id = RTM_FAMILY_IP;
	r->clients.free_head = UINT32_MAX;
	r->enums.free_head = UINT32_MAX;
	return r;
}

void
rtm_destroy(struct rtm *r)
{
	struct hmap_node *n, *next;

	if (r == NULL)
		return;
	rtm_enum_free_all(r);
	rtm_route_free_all(r);
	for (uint32_t f = 0; f < RTM_NFAMILIES; f++)
		rtm_net_free_all(&r->fam[f]);
	rtm_client_free_all(r);
	for (n = hmap_first(&r->prios); n != NULL; n = next) {
		next = hmap_next(&r->prios, n);
		free(HMAP_ENTRY(n, struct rtm_prio, node));
	}
	hmap_fini(&r->prios);
	free(r->heap);
	free(r->clients.v);
	free(r->enums.v);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

static void
rtm_default_init(void)
{
	rtm_default_inst = rtm_create(NULL);
}

struct rtm *
rtm_default(void)
{
	pthread_once(&rtm_default_once, rtm_default_init);
	return rtm_default_inst;
}

uint64_t
rtm_run_timers(struct rtm *r)
{
	uint64_t ms = UINT64_MAX;

	if (r == NULL)
		return ms;
	rtm_lock(r);
	rtm_age(r);
	if (r->heap_len != 0) {
		uint64_t now = rtm_now(r), due = r->heap[0]->deadline_ns;

		/* Round up: waking early would find nothing to age. */
		ms = due > now ?
		             (due - now + RTM_NS_PER_MS - 1) / RTM_NS_PER_MS :
		             0;
	}
	rtm_unlock(r);
	return ms;
}
