/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Clients (routing protocols) and observers, and the change queues through
 * which they learn of best-route changes.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rtm_private.h"

struct rtm_client *
rtm_client_get(struct rtm *r, rtm_client_t c)
{
	return rtm_handle_get(r, RTM_KIND_CLIENT, c);
}

/* Change queue ------------------------------------------------------- */

static void
rtm_event_signal(struct rtm *r, struct rtm_client *cl)
{
	uint64_t one = 1;

	cl->signalled = true;
	/* EAGAIN means the counter is saturated: it is readable anyway. */
	if (write(cl->event_fd, &one, sizeof(one)) != sizeof(one) &&
	    errno != EAGAIN)
		rtm_log(r, RTM_LOG_WARNING,
		        "rtm: client %u: event fd %d write failed (errno %d)",
		        cl->protocol, cl->event_fd, errno);
}

/*
 * Bound on reads when draining: one empties an eventfd, a semaphore-mode
 * eventfd or a pipe may need a few, and an fd that is always readable
 * must not hang the caller.
 */
#define RTM_DRAIN_MAX_READS 64

/*
 * Reset the event without blocking: the caller may have handed us a
 * blocking eventfd, so read only what poll says is there.
 */
static void
rtm_event_drain(struct rtm_client *cl)
{
	struct pollfd p = { .fd = cl->event_fd, .events = POLLIN };
	uint64_t v;

	/* Nothing to reset unless we signalled: keeps a poll() syscall off
	 * every empty dequeue (lib/mgm checks its queue on hot paths). */
	if (!cl->signalled)
		return;
	cl->signalled = false;
	for (int i = 0; i < RTM_DRAIN_MAX_READS; i++) {
		if (poll(&p, 1, 0) != 1 || (p.revents & POLLIN) == 0)
			break;
		if (read(cl->event_fd, &v, sizeof(v)) <= 0)
			break;
	}
}

static bool
rtm_queue_grow(struct rtm_queue *q)
{
	uint32_t cap = q->cap ? q->cap * 2 : RTM_QUEUE_MIN;
	struct rtm_msg *ring;

	if (cap > RTM_QUEUE_CAP)
		return false;
	ring = malloc((size_t)cap * sizeof(*ring));
	if (ring == NULL)
		return false;
	/* Unwrap into the new ring so head restarts at 0. */
	for (uint32_t i = 0; i < q->len; i++)
		ring[i] = q->ring[(q->head + i) & (q->cap - 1)];
	free(q->ring);
	q->ring = ring;
	q->cap = cap;
	q->head = 0;
	return true;
}

static void
rtm_queue_push(struct rtm *r, struct rtm_client *cl, uint32_t flags,
               const union rtm_rec *cur, const union rtm_rec *prev)
{
	struct rtm_queue *q = &cl->q;
	size_t sz = rtm_rec_size(cl->family);
	struct rtm_msg *m;

	if (q->len == q->cap && !rtm_queue_grow(q)) {
		if (q->cap == 0) {
			rtm_log(r, RTM_LOG_ERR,
			        "rtm: client %u: no memory for a change queue, message lost",
			        cl->protocol);
			return;
		}
		/* Full: the newest state matters more than the oldest. */
		if (q->dropped++ == 0)
			rtm_log(r, RTM_LOG_WARNING,
			        "rtm: client %u: change queue full (%u), dropping oldest messages",
			        cl->protocol, q->len);
		q->head = (q->head + 1) & (q->cap - 1);
		q->len--;
	}
	m = &q->ring[(q->head + q->len) & (q->cap - 1)];
	m->flags = flags;
	if (cur != NULL)
		memcpy(&m->cur, cur, sz);
	if (prev != NULL)
		memcpy(&m->prev, prev, sz);
	if (q->len++ == 0)
		rtm_event_signal(r, cl);
}

void
rtm_notify(struct rtm *r, uint32_t family, const struct rtm_client *skip,
           uint32_t flags, const union rtm_rec *cur, const union rtm_rec *prev)
{
	if (flags == RTM_CHANGE_NONE)
		return;
	for (struct rtm_client *cl = r->fam[family].clients; cl; cl = cl->next)
		if (cl != skip && cl->event_fd >= 0)
			rtm_queue_push(r, cl, flags,
			               flags & RTM_CHANGE_CURRENT ? cur : NULL,
			               flags & RTM_CHANGE_PREVIOUS ? prev :
			                                             NULL);
}

enum rtm_status
rtm_dequeue_change(struct rtm *r, rtm_client_t c, uint32_t *flags,
                   void *cur_best, void *prev_best)
{
	enum rtm_status st;
	struct rtm_client *cl;
	struct rtm_queue *q;
	struct rtm_msg *m;
	size_t sz;

	if (r == NULL)
		return RTM_ERR_INVALID_PARAMETER;
	rtm_lock(r);
	rtm_age(r);
	cl = rtm_client_get(r, c);
	if (cl == NULL || cl->event_fd < 0) {
		st = RTM_ERR_INVALID_HANDLE;
		goto out;
	}
	if (flags == NULL) {
		st = RTM_ERR_INVALID_PARAMETER;
		goto out;
	}
	q = &cl->q;
	if (q->len == 0) {
		*flags = RTM_CHANGE_NONE;
		rtm_event_drain(cl);
		st = RTM_ERR_NO_MESSAGES;
		goto out;
	}
	m = &q->ring[q->head];
	sz = rtm_rec_size(cl->family);
	*flags = m->flags;
	if ((m->flags & RTM_CHANGE_CURRENT) && cur_best != NULL)
		memcpy(cur_best, &m->cur, sz);
	if ((m->flags & RTM_CHANGE_PREVIOUS) && prev_best != NULL)
		memcpy(prev_best, &m->prev, sz);
	q->head = (q->head + 1) & (q->cap - 1);
	if (--q->len != 0) {
		st = RTM_ERR_MORE_MESSAGES;
		goto out;
	}
	rtm_event_drain(cl);
	if (q->dropped != 0) {
		rtm_log(r, RTM_LOG_WARNING,
		        "rtm: client %u: %llu change messages were dropped",
		        cl->protocol, (unsigned long long)q->dropped);
		q->dropped = 0;
	}
	st = RTM_OK;
out:
	rtm_unlock(r);
	return st;
}

/* Registration ------------------------------------------------------- */

static struct rtm_client *
rtm_client_find_protocol(struct rtm *r, uint32_t family, uint32_t protocol)
{
	for (struct rtm_client *cl = r->fam[family].clients; cl; cl = cl->next)
		if (!cl->observer && cl->protocol == protocol)
			return cl;
	return NULL;
}

static rtm_client_t
rtm_client_new(struct rtm *r, uint32_t family, uint32_t protocol, int event_fd,
               uint32_t flags, bool observer, enum rtm_status *err)
{
	struct rtm_family *f = &r->fam[family];
	struct rtm_client *cl = calloc(1, sizeof(*cl));

	if (cl == NULL) {
		*err = RTM_ERR_NO_MEMORY;
		return 0;
	}
	cl->handle = rtm_handle_alloc(r, RTM_KIND_CLIENT, cl);
	if (cl->handle == 0) {
		free(cl);
		*err = RTM_ERR_NO_SYSTEM_RESOURCES;
		return 0;
	}
	cl->family = family;
	cl->protocol = protocol;
	cl->flags = flags;
	cl->observer = observer;
	cl->event_fd = event_fd < 0 ? -1 : event_fd;
	cl->next = f->clients;
	if (f->clients != NULL)
		f->clients->prev = cl;
	f->clients = cl;
	*err = RTM_OK;
	return cl->handle;
}

rtm_client_t
rtm_register_client(struct rtm *r, uint32_t family, uint32_t protocol,
                    int event_fd, uint32_t flags, enum rtm_status *err)
{
	enum rtm_status st;
	rtm_client_t h = 0;

	if (r == NULL) {
		st = RTM_ERR_INVALID_PARAMETER;
		goto out;
	}
	if (family >= RTM_NFAMILIES || (flags & ~RTM_SINGLE_ROUTE) != 0) {
		st = RTM_ERR_INVALID_PARAMETER;
		goto out;
	}
	rtm_lock(r);
	rtm_age(r);
	if (rtm_client_find_protocol(r, family, protocol) != NULL)
		st = RTM_ERR_ALREADY_EXISTS;
	else
		h = rtm_client_new(r, family, protocol, event_fd, flags, false,
		                   &st);
	rtm_unlock(r);
out:
	if (err != NULL)
		*err = st;
	return h;
}

rtm_client_t
rtm_register_observer(struct rtm *r, uint32_t family, int event_fd,
                      enum rtm_status *err)
{
	enum rtm_status st;
	rtm_client_t h = 0;

	if (r == NULL || family >= RTM_NFAMILIES) {
		st = RTM_ERR_INVALID_PARAMETER;
	} else {
		rtm_lock(r);
		rtm_age(r);
		h = rtm_client_new(r, family, 0, event_fd, 0, true, &st);
		rtm_unlock(r);
	}
	if (err != NULL)
		*err = st;
	return h;
}

static void
rtm_client_unlink_free(struct rtm *r, struct rtm_client *cl)
{
	struct rtm_family *f = &r->fam[cl->family];

	if (cl->prev != NULL)
		cl->prev->next = cl->next;
	else
		f->clients = cl->next;
	if (cl->next != NULL)
		cl->next->prev = cl->prev;
	free(cl->q.ring);
	free(cl);
}

enum rtm_status
rtm_deregister_client(struct rtm *r, rtm_client_t c)
{
	struct rtm_client *cl;

	if (r == NULL)
		return RTM_ERR_INVALID_PARAMETER;
	rtm_lock(r);
	rtm_age(r);
	cl = rtm_client_get(r, c);
	if (cl == NULL) {
		rtm_unlock(r);
		return RTM_ERR_INVALID_HANDLE;
	}
	/* Others learn of the best routes that go with it; it does not. */
	while (cl->routes != NULL)
		rtm_route_remove(r, cl->routes, cl, NULL, NULL);
	rtm_handle_free(r, RTM_KIND_CLIENT, cl->handle);
	rtm_client_unlink_free(r, cl);
	rtm_unlock(r);
	return RTM_OK;
}

/* Routes are gone by now (rtm_route_free_all); only clients remain. */
void
rtm_client_free_all(struct rtm *r)
{
	for (uint32_t f = 0; f < RTM_NFAMILIES; f++)
		while (r->fam[f].clients != NULL)
			rtm_client_unlink_free(r, r->fam[f].clients);
}
