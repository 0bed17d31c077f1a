/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/rtm: the RTMv1 conformance items 85-100 of
 * shared/spec/mgm-rtm-reference.md §8, driven through the Windows names
 * where the item is phrased that way, plus the Linux API's own promises.
 *
 * The compat API works on the process-wide default instance: every test
 * registers through reg(), and the teardown deregisters what is left, so
 * one failing test does not leave routes behind for the next.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "rtm.h"
#include "rtm_compat.h"
#include "rtm_private.h" /* RTM_QUEUE_CAP */

#define NS_PER_S    1000000000ull
#define MAX_TRACKED 64

/* Fixtures --------------------------------------------------------------- */

static HANDLE g_handles[MAX_TRACKED];
static int g_nhandles;
static int g_fds[MAX_TRACKED];
static int g_nfds;
static struct rtm *g_inst[4];
static int g_ninst;

static int
teardown(void **state)
{
	(void)state;
	for (int i = 0; i < g_nhandles; i++)
		RtmDeregisterClient(g_handles[i]);
	g_nhandles = 0;
	for (int i = 0; i < g_nfds; i++)
		close(g_fds[i]);
	g_nfds = 0;
	for (int i = 0; i < g_ninst; i++)
		rtm_destroy(g_inst[i]);
	g_ninst = 0;
	/* Nothing may outlive a test on the shared default instance. */
	assert_int_equal(RtmGetNetworkCount(RTM_PROTOCOL_FAMILY_IP), 0);
	assert_int_equal(RtmGetNetworkCount(RTM_PROTOCOL_FAMILY_IPX), 0);
	return 0;
}

static int
evfd(void)
{
	int fd = eventfd(0, EFD_NONBLOCK);

	assert_true(fd > 0);
	assert_true(g_nfds < MAX_TRACKED);
	g_fds[g_nfds++] = fd;
	return fd;
}

static HANDLE
fd_handle(int fd)
{
	return fd < 0 ? NULL : (HANDLE)(intptr_t)fd;
}

/* Register on the default instance and remember it for the teardown. */
static HANDLE
reg(DWORD family, DWORD protocol, int fd, DWORD flags)
{
	HANDLE h = RtmRegisterClient(family, protocol, fd_handle(fd), flags);

	if (h != NULL) {
		assert_true(g_nhandles < MAX_TRACKED);
		g_handles[g_nhandles++] = h;
	}
	return h;
}

static bool
readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* A settable clock for aging without sleeping. */
struct tclock {
	uint64_t ns;
};

static uint64_t
tclock_now(void *ctx)
{
	return ((struct tclock *)ctx)->ns;
}

static struct rtm *
new_inst(struct tclock *clk, void (*log)(void *, int, const char *))
{
	struct rtm_config cfg = {
		.now_ns = clk != NULL ? tclock_now : NULL,
		.clock_ctx = clk,
		.log = log,
	};
	struct rtm *r = rtm_create(&cfg);

	assert_non_null(r);
	assert_true(g_ninst < 4);
	g_inst[g_ninst++] = r;
	return r;
}

static uint32_t
ip4(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return htonl((uint32_t)a << 24 | b << 16 | c << 8 | d);
}

static uint32_t
mask(unsigned len)
{
	return len == 0 ? 0 : htonl(0xFFFFFFFFu << (32 - len));
}

/* A compat route as a routing protocol would fill it. */
static RTM_IP_ROUTE
croute(uint32_t net, unsigned len, DWORD ifindex, uint32_t nh, DWORD metric)
{
	RTM_IP_ROUTE r;

	memset(&r, 0, sizeof(r));
	r.RR_Network.N_NetNumber = net;
	r.RR_Network.N_NetMask = mask(len);
	r.RR_InterfaceID = ifindex;
	r.RR_NextHopAddress.N_NetNumber = nh;
	r.RR_NextHopAddress.N_NetMask = 0xFFFFFFFFu;
	r.RR_FamilySpecificData.FSD_Type = RTM_IP_TYPE_REMOTE;
	r.RR_FamilySpecificData.FSD_Metric = metric;
	SetRouteValid(&r);
	return r;
}

static struct rtm_ip_route
lroute(uint32_t net, unsigned len, uint32_t ifindex, uint32_t nh,
       uint32_t metric)
{
	struct rtm_ip_route r;

	memset(&r, 0, sizeof(r));
	r.network.number = net;
	r.network.mask = mask(len);
	r.ifindex = ifindex;
	r.next_hop.number = nh;
	r.next_hop.mask = 0xFFFFFFFFu;
	r.fsd.type = RTM_IP_TYPE_REMOTE;
	r.fsd.metric = metric;
	r.fsd.flags = RTM_IP_VALID_ROUTE;
	return r;
}

static DWORD
cadd(HANDLE h, RTM_IP_ROUTE *rt, DWORD *fl, RTM_IP_ROUTE *cur,
     RTM_IP_ROUTE *prev)
{
	return RtmAddRoute(h, rt, INFINITE, fl, cur, prev);
}

/* Empty a client's queue; returns how many messages it held. */
static unsigned
cdrain(HANDLE h)
{
	RTM_IP_ROUTE cur, prev;
	DWORD fl, st;
	unsigned n = 0;

	while ((st = RtmDequeueRouteChangeMessage(h, &fl, &cur, &prev)) ==
	               ERROR_MORE_MESSAGES ||
	       st == NO_ERROR) {
		n++;
		if (st == NO_ERROR)
			break;
	}
	return n;
}

static unsigned
ldrain(struct rtm *r, rtm_client_t c)
{
	struct rtm_ip_route cur, prev;
	enum rtm_status st;
	uint32_t fl;
	unsigned n = 0;

	while ((st = rtm_dequeue_change(r, c, &fl, &cur, &prev)) ==
	               RTM_ERR_MORE_MESSAGES ||
	       st == RTM_OK) {
		n++;
		if (st == RTM_OK)
			break;
	}
	return n;
}

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static uint64_t
filetime(const FILETIME *ft)
{
	return (uint64_t)ft->dwHighDateTime << 32 | ft->dwLowDateTime;
}

/* Checklist 85-100 ------------------------------------------------------- */

static void
test_85_second_registration_of_a_protocol_fails_already_exists(void **state)
{
	RTM_IP_ROUTE rt = croute(ip4(10, 85, 0, 0), 16, 1, ip4(1, 1, 1, 1), 1);
	HANDLE a, again, ipx;
	DWORD fl;

	(void)state;
	SetLastError(12345);
	a = reg(RTM_PROTOCOL_FAMILY_IP, 1085, evfd(), 0);
	assert_non_null(a);
	assert_int_equal(GetLastError(), NO_ERROR);

	again = reg(RTM_PROTOCOL_FAMILY_IP, 1085, evfd(), 0);
	assert_null(again);
	assert_int_equal(GetLastError(), ERROR_CLIENT_ALREADY_EXISTS);
	assert_int_equal(GetLastError(), 183);

	/* The first handle still works. */
	assert_int_equal(cadd(a, &rt, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(fl, RTM_ROUTE_ADDED);

	/* Protocol ids are per family. */
	ipx = reg(RTM_PROTOCOL_FAMILY_IPX, 1085, -1, 0);
	assert_non_null(ipx);
	assert_int_equal(GetLastError(), NO_ERROR);
}

static void
test_86_unknown_family_or_flags_is_invalid_parameter(void **state)
{
	(void)state;
	assert_null(reg(2, 1086, -1, 0));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	assert_null(reg(0xFFFFFFFFu, 1086, -1, 0));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	assert_null(reg(RTM_PROTOCOL_FAMILY_IP, 1086, -1, 2));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	assert_null(reg(RTM_PROTOCOL_FAMILY_IP, 1086, -1, 0x80000001u));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	/* The refused attempts did not take the protocol id. */
	assert_non_null(reg(RTM_PROTOCOL_FAMILY_IP, 1086, -1,
	                    RTM_PROTOCOL_SINGLE_ROUTE));
	assert_int_equal(GetLastError(), NO_ERROR);
}

static void
test_87_first_route_reports_added_and_notifies_others(void **state)
{
	RTM_IP_ROUTE rt =
	        croute(ip4(10, 87, 0, 0), 16, 7, ip4(192, 168, 0, 1), 5);
	RTM_IP_ROUTE cur, prev, mcur;
	int fa = evfd(), fb = evfd(), fc = evfd();
	HANDLE a = reg(RTM_PROTOCOL_FAMILY_IP, 1087, fa, 0);
	HANDLE b = reg(RTM_PROTOCOL_FAMILY_IP, 1088, fb, 0);
	HANDLE c = reg(RTM_PROTOCOL_FAMILY_IP, 1089, fc, 0);
	DWORD fl = 0xdead;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	memset(&cur, 0, sizeof(cur));
	memset(&prev, 0xab, sizeof(prev));
	assert_int_equal(cadd(a, &rt, &fl, &cur, &prev), NO_ERROR);
	assert_int_equal(fl, RTM_ROUTE_ADDED);
	assert_int_equal(cur.RR_Network.N_NetNumber, ip4(10, 87, 0, 0));
	assert_int_equal(cur.RR_Network.N_NetMask, mask(16));
	assert_int_equal(cur.RR_RoutingProtocol, 1087);
	assert_int_equal(cur.RR_InterfaceID, 7);
	assert_int_equal(cur.RR_NextHopAddress.N_NetNumber,
	                 ip4(192, 168, 0, 1));
	assert_int_equal(cur.RR_FamilySpecificData.FSD_Metric, 5);
	/* Prev is not reported for an addition, so it is left alone. */
	assert_int_equal(((unsigned char *)&prev)[0], 0xab);

	/* Everyone else with an event hears of it; the adder does not. */
	assert_true(readable(fb));
	assert_true(readable(fc));
	assert_false(readable(fa));
	assert_int_equal(RtmDequeueRouteChangeMessage(b, &fl, &mcur, NULL),
	                 NO_ERROR);
	assert_int_equal(fl, RTM_ROUTE_ADDED);
	assert_memory_equal(&mcur, &cur, sizeof(cur));
	assert_int_equal(RtmDequeueRouteChangeMessage(c, &fl, &mcur, NULL),
	                 NO_ERROR);
	assert_int_equal(fl, RTM_ROUTE_ADDED);
	assert_memory_equal(&mcur, &cur, sizeof(cur));
	assert_int_equal(RtmDequeueRouteChangeMessage(a, &fl, &mcur, NULL),
	                 ERROR_NO_MESSAGES);
}

static void
test_88_worse_metric_same_priority_is_no_change_without_messages(void **state)
{
	RTM_IP_ROUTE good =
	        croute(ip4(10, 88, 0, 0), 16, 1, ip4(1, 1, 1, 1), 5);
	RTM_IP_ROUTE worse =
	        croute(ip4(10, 88, 0, 0), 16, 2, ip4(2, 2, 2, 2), 10);
	RTM_IP_ROUTE cur;
	int fa = evfd(), fb = evfd(), fc = evfd();
	HANDLE a = reg(RTM_PROTOCOL_FAMILY_IP, 1188, fa, 0);
	HANDLE b = reg(RTM_PROTOCOL_FAMILY_IP, 1189, fb, 0);
	HANDLE c = reg(RTM_PROTOCOL_FAMILY_IP, 1190, fc, 0);
	DWORD fl;

	(void)state;
	assert_int_equal(cadd(a, &good, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(fl, RTM_ROUTE_ADDED);
	assert_int_equal(cdrain(b), 1);
	assert_int_equal(cdrain(c), 1);

	/* Both protocols have the default priority: the metric decides. */
	fl = 0xdead;
	assert_int_equal(cadd(b, &worse, &fl, &cur, NULL), NO_ERROR);
	assert_int_equal(fl, RTM_NO_CHANGE);
	assert_int_equal(RtmDequeueRouteChangeMessage(a, &fl, &cur, NULL),
	                 ERROR_NO_MESSAGES);
	assert_int_equal(RtmDequeueRouteChangeMessage(b, &fl, &cur, NULL),
	                 ERROR_NO_MESSAGES);
	assert_int_equal(RtmDequeueRouteChangeMessage(c, &fl, &cur, NULL),
	                 ERROR_NO_MESSAGES);
	assert_false(readable(fa) || readable(fb) || readable(fc));
	assert_true(RtmIsRoute(RTM_PROTOCOL_FAMILY_IP, &good.RR_Network, &cur));
	assert_int_equal(cur.RR_RoutingProtocol, 1188);
}

static void
test_89_better_route_reports_changed_and_notifies_others(void **state)
{
	RTM_IP_ROUTE old =
	        croute(ip4(10, 89, 0, 0), 16, 1, ip4(1, 1, 1, 1), 10);
	RTM_IP_ROUTE better =
	        croute(ip4(10, 89, 0, 0), 16, 2, ip4(2, 2, 2, 2), 5);
	RTM_IP_ROUTE cur, prev, mcur, mprev;
	int fa = evfd(), fb = evfd();
	HANDLE a = reg(RTM_PROTOCOL_FAMILY_IP, 1289, fa, 0);
	HANDLE b = reg(RTM_PROTOCOL_FAMILY_IP, 1290, fb, 0);
	DWORD fl;

	(void)state;
	assert_int_equal(cadd(a, &old, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(cdrain(b), 1);

	assert_int_equal(cadd(b, &better, &fl, &cur, &prev), NO_ERROR);
	assert_int_equal(fl, RTM_ROUTE_CHANGED);
	assert_int_equal(prev.RR_RoutingProtocol, 1289);
	assert_int_equal(prev.RR_InterfaceID, 1);
	assert_int_equal(prev.RR_FamilySpecificData.FSD_Metric, 10);
	assert_int_equal(cur.RR_RoutingProtocol, 1290);
	assert_int_equal(cur.RR_InterfaceID, 2);
	assert_int_equal(cur.RR_FamilySpecificData.FSD_Metric, 5);

	assert_true(readable(fa));
	assert_int_equal(RtmDequeueRouteChangeMessage(a, &fl, &mcur, &mprev),
	                 NO_ERROR);
	assert_int_equal(fl, RTM_ROUTE_CHANGED);
	assert_memory_equal(&mcur, &cur, sizeof(cur));
	assert_memory_equal(&mprev, &prev, sizeof(prev));
	assert_int_equal(RtmDequeueRouteChangeMessage(b, &fl, &mcur, &mprev),
	                 ERROR_NO_MESSAGES);
}

static void
test_90_lower_priority_beats_lower_metric_and_rtm_stamps_priority_and_time(
        void **state)
{
	RTM_IP_ROUTE rip = croute(ip4(10, 90, 0, 0), 16, 1, ip4(1, 1, 1, 1), 1);
	RTM_IP_ROUTE stat =
	        croute(ip4(10, 90, 0, 0), 16, 2, ip4(2, 2, 2, 2), 20);
	RTM_IP_ROUTE cur, prev, best;
	HANDLE hr = reg(RTM_PROTOCOL_FAMILY_IP, RTM_PROTO_IP_RIP, evfd(), 0);
	HANDLE hs =
	        reg(RTM_PROTOCOL_FAMILY_IP, RTM_PROTO_IP_NETMGMT, evfd(), 0);
	uint64_t before, after;
	DWORD fl;

	(void)state;
	assert_non_null(hr);
	assert_non_null(hs);
	/* Whatever the protocol puts there is overwritten. */
	rip.RR_FamilySpecificData.FSD_Priority = 7777;
	rip.RR_TimeStamp.dwLowDateTime = 0x11111111;
	rip.RR_TimeStamp.dwHighDateTime = 0x22222222;
	rip.RR_RoutingProtocol = 4242;
	before = mono_ns() / 100;
	assert_int_equal(cadd(hr, &rip, &fl, &cur, NULL), NO_ERROR);
	after = mono_ns() / 100;
	assert_int_equal(fl, RTM_ROUTE_ADDED);
	assert_int_equal(cur.RR_FamilySpecificData.FSD_Priority, 120);
	assert_int_equal(cur.RR_RoutingProtocol, RTM_PROTO_IP_RIP);
	assert_true(filetime(&cur.RR_TimeStamp) >= before);
	assert_true(filetime(&cur.RR_TimeStamp) <= after);

	/* Static (priority 3) with metric 20 beats RIP (120) with metric 1. */
	stat.RR_FamilySpecificData.FSD_Priority = 0;
	assert_int_equal(cadd(hs, &stat, &fl, &cur, &prev), NO_ERROR);
	assert_int_equal(fl, RTM_ROUTE_CHANGED);
	assert_int_equal(cur.RR_RoutingProtocol, RTM_PROTO_IP_NETMGMT);
	assert_int_equal(cur.RR_FamilySpecificData.FSD_Priority, 3);
	assert_int_equal(cur.RR_FamilySpecificData.FSD_Metric, 20);
	assert_int_equal(prev.RR_RoutingProtocol, RTM_PROTO_IP_RIP);
	assert_int_equal(prev.RR_FamilySpecificData.FSD_Priority, 120);
	assert_true(
	        RtmIsRoute(RTM_PROTOCOL_FAMILY_IP, &stat.RR_Network, &best));
	assert_memory_equal(&best, &cur, sizeof(best));
}

static void
test_91_psd_only_update_is_no_change_without_messages(void **state)
{
	RTM_IP_ROUTE rt = croute(ip4(10, 91, 0, 0), 16, 1, ip4(1, 1, 1, 1), 3);
	RTM_IP_ROUTE cur, got;
	int fb = evfd();
	HANDLE a = reg(RTM_PROTOCOL_FAMILY_IP, 1091, evfd(), 0);
	HANDLE b = reg(RTM_PROTOCOL_FAMILY_IP, 1092, fb, 0);
	DWORD fl;

	(void)state;
	for (int i = 0; i < 4; i++)
		rt.RR_ProtocolSpecificData.PSD_Data[i] = (DWORD)i + 1;
	assert_int_equal(cadd(a, &rt, &fl, &cur, NULL), NO_ERROR);
	assert_int_equal(fl, RTM_ROUTE_ADDED);
	assert_int_equal(cdrain(b), 1);

	for (int i = 0; i < 4; i++)
		rt.RR_ProtocolSpecificData.PSD_Data[i] = 9;
	fl = 0xdead;
	assert_int_equal(cadd(a, &rt, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(fl, RTM_NO_CHANGE);
	assert_false(readable(fb));
	assert_int_equal(RtmDequeueRouteChangeMessage(b, &fl, &cur, NULL),
	                 ERROR_NO_MESSAGES);
	/* RTM still stores the new PSD, and there is one route, not two. */
	got = rt;
	got.RR_RoutingProtocol = 1091;
	assert_int_equal(RtmGetSpecificRoute(RTM_PROTOCOL_FAMILY_IP, &got),
	                 NO_ERROR);
	assert_int_equal(got.RR_ProtocolSpecificData.PSD_Data[0], 9);
	assert_int_equal(got.RR_ProtocolSpecificData.PSD_Data[3], 9);
	assert_int_equal(RtmGetNextRoute(RTM_PROTOCOL_FAMILY_IP,
	                                 RTM_ONLY_THIS_NETWORK, &got),
	                 ERROR_NO_MORE_ROUTES);
}

/* Routes to @p net, counted through an enumeration. */
static unsigned
count_routes(DWORD family, void *criteria, DWORD flags)
{
	RTM_IP_ROUTE rt;
	HANDLE e = RtmCreateEnumerationHandle(family, flags, criteria);
	unsigned n = 0;

	if (e == NULL)
		return 0;
	while (RtmEnumerateGetNextRoute(e, &rt) == NO_ERROR)
		n++;
	assert_int_equal(RtmCloseEnumerationHandle(e), NO_ERROR);
	return n;
}

static void
test_92_single_route_client_replaces_normal_client_keeps_both(void **state)
{
	RTM_IP_ROUTE s1 = croute(ip4(10, 92, 0, 0), 16, 1, ip4(1, 1, 1, 1), 3);
	RTM_IP_ROUTE s2 = croute(ip4(10, 92, 0, 0), 16, 2, ip4(2, 2, 2, 2), 3);
	RTM_IP_ROUTE n1 = croute(ip4(10, 93, 0, 0), 16, 1, ip4(1, 1, 1, 1), 3);
	RTM_IP_ROUTE n2 = croute(ip4(10, 93, 0, 0), 16, 2, ip4(2, 2, 2, 2), 3);
	RTM_IP_ROUTE cur, prev;
	int fo = evfd();
	HANDLE s = reg(RTM_PROTOCOL_FAMILY_IP, 1092, -1,
	               RTM_PROTOCOL_SINGLE_ROUTE);
	HANDLE n = reg(RTM_PROTOCOL_FAMILY_IP, 1093, -1, 0);
	HANDLE o = reg(RTM_PROTOCOL_FAMILY_IP, 1094, fo, 0);
	DWORD fl;

	(void)state;
	assert_non_null(s);
	assert_non_null(n);
	assert_int_equal(cadd(s, &s1, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(fl, RTM_ROUTE_ADDED);
	/* Same network, new interface and next hop: replaced, and best moved. */
	assert_int_equal(cadd(s, &s2, &fl, &cur, &prev), NO_ERROR);
	assert_int_equal(fl, RTM_ROUTE_CHANGED);
	assert_int_equal(prev.RR_NextHopAddress.N_NetNumber, ip4(1, 1, 1, 1));
	assert_int_equal(prev.RR_InterfaceID, 1);
	assert_int_equal(cur.RR_NextHopAddress.N_NetNumber, ip4(2, 2, 2, 2));
	assert_int_equal(cur.RR_InterfaceID, 2);
	assert_int_equal(count_routes(RTM_PROTOCOL_FAMILY_IP, &s1,
	                              RTM_ONLY_THIS_NETWORK),
	                 1);
	/* The old key is gone: deleting it finds nothing. */
	assert_int_equal(RtmDeleteRoute(s, &s1, &fl, NULL),
	                 ERROR_NO_SUCH_ROUTE);

	assert_int_equal(cadd(n, &n1, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(fl, RTM_ROUTE_ADDED);
	/* An equal route does not displace the incumbent. */
	assert_int_equal(cadd(n, &n2, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(fl, RTM_NO_CHANGE);
	assert_int_equal(count_routes(RTM_PROTOCOL_FAMILY_IP, &n1,
	                              RTM_ONLY_THIS_NETWORK),
	                 2);
	/* Observer-ish client o saw: ADDED, CHANGED, ADDED. */
	assert_int_equal(cdrain(o), 3);
}

static void
test_93_ttl_ages_out_infinite_never_readd_refreshes_max_ttl_enforced(
        void **state)
{
	struct tclock clk = { .ns = 1000 * NS_PER_S };
	const uint64_t t0 = clk.ns;
	struct rtm *r = new_inst(&clk, NULL);
	struct rtm_ip_route n1 =
	        lroute(ip4(10, 1, 0, 0), 16, 1, ip4(1, 1, 1, 1), 1);
	struct rtm_ip_route n2 =
	        lroute(ip4(10, 2, 0, 0), 16, 1, ip4(1, 1, 1, 1), 1);
	struct rtm_ip_route n3 =
	        lroute(ip4(10, 3, 0, 0), 16, 1, ip4(1, 1, 1, 1), 1);
	struct rtm_ip_route n4a =
	        lroute(ip4(10, 4, 0, 0), 16, 1, ip4(1, 1, 1, 1), 1);
	struct rtm_ip_route n4b =
	        lroute(ip4(10, 4, 0, 0), 16, 2, ip4(2, 2, 2, 2), 5);
	struct rtm_ip_route n5 =
	        lroute(ip4(10, 5, 0, 0), 16, 1, ip4(1, 1, 1, 1), 1);
	struct rtm_ip_route cur, prev;
	enum rtm_status st;
	int fa = evfd(), fb = evfd();
	/* Protocols without a default preference: equal priority (150). */
	rtm_client_t a = rtm_register_client(r, RTM_FAMILY_IP, 11, fa, 0, &st);
	rtm_client_t b = rtm_register_client(r, RTM_FAMILY_IP, 12, fb, 0, &st);
	uint32_t fl;
	RTM_IP_ROUTE c1 = croute(ip4(10, 193, 0, 0), 16, 1, 0, 1);
	HANDLE ch = reg(RTM_PROTOCOL_FAMILY_IP, 1093, -1, 0);
	DWORD cfl;

	(void)state;
	assert_true(a != 0 && b != 0);
	assert_int_equal(rtm_run_timers(r), UINT64_MAX);
	assert_int_equal(rtm_add_route(r, a, &n1, 2, &fl, NULL, NULL), RTM_OK);
	assert_int_equal(rtm_add_route(r, a, &n2, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(rtm_add_route(r, a, &n3, 2, &fl, NULL, NULL), RTM_OK);
	assert_int_equal(rtm_add_route(r, a, &n4a, 1, &fl, NULL, NULL), RTM_OK);
	assert_int_equal(rtm_add_route(r, b, &n4b, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_NONE);
	assert_int_equal(ldrain(r, b), 4);
	assert_int_equal(ldrain(r, a), 0);
	assert_int_equal(rtm_run_timers(r), 1000);

	/* t=1s: a's route to n4 ages; b's takes over; both clients hear. */
	clk.ns = t0 + NS_PER_S - 1;
	assert_int_equal(rtm_run_timers(r), 1); /* rounded up */
	clk.ns = t0 + NS_PER_S;
	assert_int_equal(rtm_run_timers(r), 1000);
	assert_true(readable(fa));
	assert_int_equal(rtm_dequeue_change(r, a, &fl, &cur, &prev), RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_CHANGED);
	assert_int_equal(prev.protocol, 11);
	assert_int_equal(cur.protocol, 12);
	assert_int_equal(rtm_dequeue_change(r, b, &fl, &cur, &prev), RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_CHANGED);
	assert_int_equal(cur.ifindex, 2);

	/* t=1.5s: re-adding n3 refreshes it (and changes nothing else). */
	clk.ns = t0 + 3 * NS_PER_S / 2;
	assert_int_equal(rtm_add_route(r, a, &n3, 2, &fl, NULL, NULL), RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_NONE);
	assert_int_equal(rtm_run_timers(r), 500);

	/* t=2s: n1 is gone, found lazily by the next call; n3 is not. */
	clk.ns = t0 + 2 * NS_PER_S;
	assert_false(rtm_is_route(r, RTM_FAMILY_IP, &n1.network, NULL, &st));
	assert_int_equal(st, RTM_OK);
	assert_true(rtm_is_route(r, RTM_FAMILY_IP, &n3.network, NULL, &st));
	assert_int_equal(rtm_dequeue_change(r, a, &fl, &cur, &prev), RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_DELETED);
	assert_int_equal(prev.network.number, ip4(10, 1, 0, 0));
	assert_int_equal(rtm_dequeue_change(r, b, &fl, &cur, &prev), RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_DELETED);
	assert_int_equal(rtm_network_count(r, RTM_FAMILY_IP, &st), 3);

	/* t=3.5s: n3 goes; n2 (INFINITE) stays forever. */
	clk.ns = t0 + 7 * NS_PER_S / 2;
	assert_int_equal(rtm_run_timers(r), UINT64_MAX);
	assert_false(rtm_is_route(r, RTM_FAMILY_IP, &n3.network, NULL, &st));
	clk.ns = t0 + 1000000 * NS_PER_S;
	assert_true(rtm_is_route(r, RTM_FAMILY_IP, &n2.network, NULL, &st));
	assert_int_equal(rtm_network_count(r, RTM_FAMILY_IP, &st), 2);

	/* Largest finite TTL is accepted; one more second is not. */
	assert_int_equal(rtm_add_route(r, a, &n5, RTM_MAX_TTL + 1, &fl, NULL,
	                               NULL),
	                 RTM_ERR_INVALID_PARAMETER);
	assert_false(rtm_is_route(r, RTM_FAMILY_IP, &n5.network, NULL, &st));
	assert_int_equal(rtm_add_route(r, a, &n5, RTM_MAX_TTL, &fl, NULL, NULL),
	                 RTM_OK);
	assert_int_equal(rtm_run_timers(r), (uint64_t)RTM_MAX_TTL * 1000);
	/* Re-adding with INFINITE stops the aging. */
	assert_int_equal(rtm_add_route(r, a, &n5, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(rtm_run_timers(r), UINT64_MAX);

	/* Same limit through the Windows name. */
	assert_int_equal(RtmAddRoute(ch, &c1, 2147484, &cfl, NULL, NULL),
	                 ERROR_INVALID_PARAMETER);
	assert_int_equal(RtmAddRoute(ch, &c1, 2147483, &cfl, NULL, NULL),
	                 NO_ERROR);
}

static void
test_94_delete_reports_no_such_route_deleted_changed_or_no_change(void **state)
{
	RTM_IP_ROUTE only =
	        croute(ip4(10, 94, 0, 0), 16, 1, ip4(1, 1, 1, 1), 1);
	RTM_IP_ROUTE best =
	        croute(ip4(10, 95, 0, 0), 16, 1, ip4(1, 1, 1, 1), 1);
	RTM_IP_ROUTE alt = croute(ip4(10, 95, 0, 0), 16, 2, ip4(2, 2, 2, 2), 5);
	RTM_IP_ROUTE unknown =
	        croute(ip4(10, 96, 0, 0), 16, 1, ip4(1, 1, 1, 1), 1);
	RTM_IP_ROUTE cur, mcur, mprev;
	int fo = evfd();
	HANDLE a = reg(RTM_PROTOCOL_FAMILY_IP, 1094, evfd(), 0);
	HANDLE b = reg(RTM_PROTOCOL_FAMILY_IP, 1095, evfd(), 0);
	HANDLE o = reg(RTM_PROTOCOL_FAMILY_IP, 1096, fo, 0);
	DWORD fl;

	(void)state;
	assert_int_equal(RtmDeleteRoute(a, &unknown, &fl, NULL),
	                 ERROR_NO_SUCH_ROUTE);
	assert_int_equal(RtmDeleteRoute(a, &unknown, &fl, NULL), 259);

	assert_int_equal(cadd(a, &only, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(cadd(a, &best, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(cadd(b, &alt, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(fl, RTM_NO_CHANGE);
	assert_int_equal(cdrain(o), 2);
	cdrain(a);
	cdrain(b);

	/* Deleting the non-best route changes nothing. */
	assert_int_equal(RtmDeleteRoute(b, &alt, &fl, NULL), NO_ERROR);
	assert_int_equal(fl, RTM_NO_CHANGE);
	assert_false(readable(fo));
	assert_int_equal(cadd(b, &alt, &fl, NULL, NULL), NO_ERROR);

	/* Deleting the best with an alternative: CHANGED, Cur = the new best. */
	memset(&cur, 0, sizeof(cur));
	assert_int_equal(RtmDeleteRoute(a, &best, &fl, &cur), NO_ERROR);
	assert_int_equal(fl, RTM_ROUTE_CHANGED);
	assert_int_equal(cur.RR_RoutingProtocol, 1095);
	assert_int_equal(cur.RR_InterfaceID, 2);
	assert_int_equal(RtmDequeueRouteChangeMessage(o, &fl, &mcur, &mprev),
	                 NO_ERROR);
	assert_int_equal(fl, RTM_ROUTE_CHANGED);
	assert_int_equal(mprev.RR_RoutingProtocol, 1094);
	assert_memory_equal(&mcur, &cur, sizeof(cur));
	assert_int_equal(RtmDequeueRouteChangeMessage(a, &fl, &mcur, &mprev),
	                 ERROR_NO_MESSAGES);

	/* Deleting the only route: DELETED. */
	assert_int_equal(RtmDeleteRoute(a, &only, &fl, &cur), NO_ERROR);
	assert_int_equal(fl, RTM_ROUTE_DELETED);
	assert_int_equal(RtmDequeueRouteChangeMessage(o, &fl, &mcur, &mprev),
	                 NO_ERROR);
	assert_int_equal(fl, RTM_ROUTE_DELETED);
	assert_int_equal(mprev.RR_Network.N_NetNumber, ip4(10, 94, 0, 0));
	assert_false(
	        RtmIsRoute(RTM_PROTOCOL_FAMILY_IP, &only.RR_Network, NULL));
	/* And again: nothing left to delete. */
	assert_int_equal(RtmDeleteRoute(a, &only, &fl, &cur),
	                 ERROR_NO_SUCH_ROUTE);
	/* Another protocol's route is not the caller's to delete. */
	assert_int_equal(RtmDeleteRoute(a, &alt, &fl, &cur),
	                 ERROR_NO_SUCH_ROUTE);
}

static void
test_95_dequeue_two_pending_more_messages_then_ok_drained_then_none(void **state)
{
	RTM_IP_ROUTE r1 = croute(ip4(10, 95, 1, 0), 24, 1, 0, 1);
	RTM_IP_ROUTE r2 = croute(ip4(10, 95, 2, 0), 24, 1, 0, 1);
	RTM_IP_ROUTE cur;
	int fb = evfd();
	HANDLE a = reg(RTM_PROTOCOL_FAMILY_IP, 1095, -1, 0);
	HANDLE b = reg(RTM_PROTOCOL_FAMILY_IP, 1096, fb, 0);
	uint64_t v;
	DWORD fl;

	(void)state;
	assert_int_equal(cadd(a, &r1, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(cadd(a, &r2, &fl, NULL, NULL), NO_ERROR);
	assert_true(readable(fb));
	assert_int_equal(RtmDequeueRouteChangeMessage(b, &fl, &cur, NULL),
	                 ERROR_MORE_MESSAGES);
	assert_int_equal(fl, RTM_ROUTE_ADDED);
	assert_int_equal(cur.RR_Network.N_NetNumber, ip4(10, 95, 1, 0));
	assert_true(readable(fb)); /* still signalled: one is left */
	assert_int_equal(RtmDequeueRouteChangeMessage(b, &fl, &cur, NULL),
	                 NO_ERROR);
	assert_int_equal(cur.RR_Network.N_NetNumber, ip4(10, 95, 2, 0));
	/* The last one reset the event. */
	assert_int_equal(read(fb, &v, sizeof(v)), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(RtmDequeueRouteChangeMessage(b, &fl, &cur, NULL),
	                 ERROR_NO_MESSAGES);
}

static void
test_96_dequeue_by_client_without_event_is_invalid_handle(void **state)
{
	RTM_IP_ROUTE rt = croute(ip4(10, 96, 0, 0), 16, 1, 0, 1);
	RTM_IP_ROUTE cur;
	HANDLE a = reg(RTM_PROTOCOL_FAMILY_IP, 1096, -1, 0);
	HANDLE b = reg(RTM_PROTOCOL_FAMILY_IP, 1097, -1, 0);
	DWORD fl;

	(void)state;
	assert_int_equal(cadd(a, &rt, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(RtmDequeueRouteChangeMessage(b, &fl, &cur, NULL),
	                 ERROR_INVALID_HANDLE);
	assert_int_equal(RtmDequeueRouteChangeMessage(a, &fl, &cur, NULL),
	                 ERROR_INVALID_HANDLE);
}

static void
test_97_deregister_deletes_its_routes_and_notifies_others(void **state)
{
	RTM_IP_ROUTE a1 = croute(ip4(10, 97, 0, 0), 16, 1, 0, 1);
	RTM_IP_ROUTE a2 = croute(ip4(10, 98, 0, 0), 16, 1, 0, 1);
	RTM_IP_ROUTE b1 = croute(ip4(10, 97, 0, 0), 16, 2, 0, 9);
	RTM_IP_ROUTE cur, prev;
	int fb = evfd();
	HANDLE a = reg(RTM_PROTOCOL_FAMILY_IP, 1097, evfd(), 0);
	HANDLE b = reg(RTM_PROTOCOL_FAMILY_IP, 1098, fb, 0);
	DWORD fl;
	bool saw_changed = false, saw_deleted = false;

	(void)state;
	assert_int_equal(cadd(a, &a1, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(cadd(a, &a2, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(cadd(b, &b1, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(fl, RTM_NO_CHANGE);
	assert_int_equal(cdrain(b), 2);
	assert_int_equal(RtmGetNetworkCount(RTM_PROTOCOL_FAMILY_IP), 2);

	assert_int_equal(RtmDeregisterClient(a), NO_ERROR);
	assert_int_equal(RtmGetNetworkCount(RTM_PROTOCOL_FAMILY_IP), 1);
	for (int i = 0; i < 2; i++) {
		DWORD st = RtmDequeueRouteChangeMessage(b, &fl, &cur, &prev);

		assert_int_equal(st, i == 0 ? ERROR_MORE_MESSAGES : NO_ERROR);
		if (fl == RTM_ROUTE_CHANGED) {
			saw_changed = true;
			assert_int_equal(prev.RR_RoutingProtocol, 1097);
			assert_int_equal(cur.RR_RoutingProtocol, 1098);
		} else {
			assert_int_equal(fl, RTM_ROUTE_DELETED);
			saw_deleted = true;
			assert_int_equal(prev.RR_Network.N_NetNumber,
			                 ip4(10, 98, 0, 0));
		}
	}
	assert_true(saw_changed && saw_deleted);

	/* The handle is dead now. */
	assert_int_equal(RtmDeregisterClient(a), ERROR_INVALID_HANDLE);
	assert_int_equal(cadd(a, &a1, &fl, NULL, NULL), ERROR_INVALID_HANDLE);
	assert_int_equal(RtmDeregisterClient(NULL), ERROR_INVALID_HANDLE);
	assert_int_equal(RtmDeregisterClient((HANDLE)(uintptr_t)0x12345678),
	                 ERROR_INVALID_HANDLE);
	/* And the protocol id is free again. */
	assert_non_null(reg(RTM_PROTOCOL_FAMILY_IP, 1097, -1, 0));
}

static void
test_98_network_count_is_distinct_networks_unknown_family_invalid(void **state)
{
	RTM_IP_ROUTE r16 = croute(ip4(10, 98, 0, 0), 16, 1, 0, 1);
	RTM_IP_ROUTE r16b = croute(ip4(10, 98, 0, 0), 16, 2, 0, 1);
	RTM_IP_ROUTE r24 = croute(ip4(10, 98, 0, 0), 24, 1, 0, 1);
	RTM_IPX_ROUTE x;
	HANDLE a = reg(RTM_PROTOCOL_FAMILY_IP, 1098, -1, 0);
	HANDLE b = reg(RTM_PROTOCOL_FAMILY_IP, 1099, -1, 0);
	HANDLE ax = reg(RTM_PROTOCOL_FAMILY_IPX, 1098, -1, 0);
	DWORD fl;

	(void)state;
	SetLastError(99);
	assert_int_equal(RtmGetNetworkCount(RTM_PROTOCOL_FAMILY_IP), 0);
	assert_int_equal(GetLastError(), NO_ERROR);
	assert_int_equal(cadd(a, &r16, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(cadd(b, &r16b, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(cadd(a, &r16b, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(cadd(a, &r24, &fl, NULL, NULL), NO_ERROR);
	/* Four routes, two networks (same number, different masks). */
	assert_int_equal(RtmGetNetworkCount(RTM_PROTOCOL_FAMILY_IP), 2);
	assert_int_equal(GetLastError(), NO_ERROR);

	memset(&x, 0, sizeof(x));
	x.RR_Network.N_NetNumber = 0x98;
	assert_int_equal(RtmAddRoute(ax, &x, INFINITE, &fl, NULL, NULL),
	                 NO_ERROR);
	assert_int_equal(RtmGetNetworkCount(RTM_PROTOCOL_FAMILY_IPX), 1);
	assert_int_equal(RtmGetNetworkCount(RTM_PROTOCOL_FAMILY_IP), 2);

	assert_int_equal(RtmGetNetworkCount(7), 0);
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
}

static void
test_99_is_route_exact_match_true_with_best_absent_false_no_error(void **state)
{
	RTM_IP_ROUTE rt = croute(ip4(10, 99, 0, 0), 16, 4, ip4(9, 9, 9, 9), 1);
	RTM_IP_ROUTE best, cur;
	IP_NETWORK n;
	HANDLE a = reg(RTM_PROTOCOL_FAMILY_IP, 1099, -1, 0);
	DWORD fl;

	(void)state;
	assert_int_equal(cadd(a, &rt, &fl, &cur, NULL), NO_ERROR);
	SetLastError(1);
	memset(&best, 0, sizeof(best));
	assert_true(RtmIsRoute(RTM_PROTOCOL_FAMILY_IP, &rt.RR_Network, &best));
	assert_int_equal(GetLastError(), NO_ERROR);
	assert_memory_equal(&best, &cur, sizeof(best));

	/* Covered by the /16 but not the same network: exact match only. */
	n.N_NetNumber = ip4(10, 99, 1, 0);
	n.N_NetMask = mask(24);
	SetLastError(1);
	assert_false(RtmIsRoute(RTM_PROTOCOL_FAMILY_IP, &n, &best));
	assert_int_equal(GetLastError(), NO_ERROR);
	n.N_NetNumber = ip4(10, 0, 0, 0);
	n.N_NetMask = mask(8);
	assert_false(RtmIsRoute(RTM_PROTOCOL_FAMILY_IP, &n, NULL));
	assert_int_equal(GetLastError(), NO_ERROR);

	/* Malformed networks are refused, not just absent. */
	n.N_NetNumber = ip4(10, 99, 1, 0);
	n.N_NetMask = mask(16);
	assert_false(RtmIsRoute(RTM_PROTOCOL_FAMILY_IP, &n, NULL));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	assert_false(RtmIsRoute(5, &rt.RR_Network, NULL));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
}

static void
test_100_lookup_returns_most_specific_best_and_age_counts_seconds(void **state)
{
	RTM_IP_ROUTE r8 = croute(ip4(10, 0, 0, 0), 8, 1, 0, 1);
	RTM_IP_ROUTE r16 = croute(ip4(10, 100, 0, 0), 16, 2, 0, 1);
	RTM_IP_ROUTE r24 = croute(ip4(10, 100, 5, 0), 24, 3, 0, 1);
	RTM_IP_ROUTE r24b = croute(ip4(10, 100, 5, 0), 24, 4, 0, 0);
	RTM_IP_ROUTE def = croute(0, 0, 9, 0, 1);
	RTM_IP_ROUTE out;
	HANDLE a = reg(RTM_PROTOCOL_FAMILY_IP, 1100, -1, 0);
	HANDLE b = reg(RTM_PROTOCOL_FAMILY_IP, 1101, -1, 0);
	struct tclock clk = { .ns = 50 * NS_PER_S };
	struct rtm *r = new_inst(&clk, NULL);
	struct rtm_ip_route l = lroute(ip4(10, 0, 0, 0), 8, 1, 0, 1), lout;
	rtm_client_t lc = rtm_register_client(r, RTM_FAMILY_IP, 1, -1, 0, NULL);
	enum rtm_status st;
	uint32_t fl;
	DWORD cfl;

	(void)state;
	assert_false(RtmLookupIPDestination(ip4(10, 100, 5, 7), &out));
	assert_int_equal(GetLastError(), NO_ERROR);
	assert_int_equal(cadd(a, &r8, &cfl, NULL, NULL), NO_ERROR);
	assert_int_equal(cadd(a, &r16, &cfl, NULL, NULL), NO_ERROR);
	assert_int_equal(cadd(a, &r24, &cfl, NULL, NULL), NO_ERROR);
	assert_int_equal(cadd(b, &r24b, &cfl, NULL, NULL), NO_ERROR);
	assert_int_equal(cfl, RTM_ROUTE_CHANGED); /* metric 0 beats 1 */

	assert_true(RtmLookupIPDestination(ip4(10, 100, 5, 7), &out));
	assert_int_equal(out.RR_InterfaceID, 4); /* the /24's best route */
	assert_int_equal(out.RR_Network.N_NetMask, mask(24));
	assert_true(RtmLookupIPDestination(ip4(10, 100, 6, 1), &out));
	assert_int_equal(out.RR_InterfaceID, 2);
	assert_true(RtmLookupIPDestination(ip4(10, 6, 0, 1), &out));
	assert_int_equal(out.RR_InterfaceID, 1);
	assert_false(RtmLookupIPDestination(ip4(192, 168, 1, 1), &out));
	assert_int_equal(cadd(a, &def, &cfl, NULL, NULL), NO_ERROR);
	assert_true(RtmLookupIPDestination(ip4(192, 168, 1, 1), &out));
	assert_int_equal(out.RR_InterfaceID, 9);
	assert_true(RtmLookupIPDestination(ip4(10, 100, 5, 7), NULL));

	/* Age of a route RTM just returned is 0 s. */
	assert_int_equal(RtmGetRouteAge(&out), 0);
	assert_int_equal(GetLastError(), NO_ERROR);
	assert_int_equal(RtmGetRouteAge(NULL), INFINITE);
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);

	/* Counting seconds on a test clock: 0, 5, refreshed to 0, 7. */
	assert_int_equal(rtm_add_route(r, lc, &l, RTM_INFINITE, &fl, &lout,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(rtm_route_age(r, &lout, &st), 0);
	assert_int_equal(st, RTM_OK);
	clk.ns += 5 * NS_PER_S + NS_PER_S / 2;
	assert_int_equal(rtm_route_age(r, &lout, &st), 5);
	assert_int_equal(rtm_add_route(r, lc, &l, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	assert_true(rtm_lookup_ip(r, ip4(10, 1, 2, 3), &lout));
	assert_int_equal(rtm_route_age(r, &lout, &st), 0);
	clk.ns += 7 * NS_PER_S;
	assert_int_equal(rtm_route_age(r, &lout, &st), 7);
	/* A stamp from this clock's future is not a route RTM returned. */
	clk.ns -= 60 * NS_PER_S;
	assert_int_equal(rtm_route_age(r, &lout, &st), RTM_INFINITE);
	assert_int_equal(st, RTM_ERR_INVALID_PARAMETER);
}

/* Beyond the checklist ----------------------------------------------------- */

static void
test_lpm_matches_brute_force_over_random_prefixes(void **state)
{
	enum { NROUTES = 3000, NPROBES = 10000 };
	struct rtm *r = new_inst(NULL, NULL);
	rtm_client_t c = rtm_register_client(r, RTM_FAMILY_IP, 1, -1, 0, NULL);
	static uint32_t pnet[NROUTES], plen[NROUTES];
	unsigned n = 0;
	uint32_t seed = 12345;

	(void)state;
	while (n < NROUTES) {
		uint32_t len, net, fl;
		struct rtm_ip_route rt;

		seed = seed * 1103515245u + 12345u;
		/* Cluster in 10/8 so prefixes nest and LPM has work to do. */
		len = 8 + (seed >> 8) % 25;
		net = (0x0A000000u | ((seed * 2654435761u) & 0x00FFFFFFu)) &
		      (len == 0 ? 0 : 0xFFFFFFFFu << (32 - len));
		rt = lroute(htonl(net), len, n + 1, 0, 1);
		if (rtm_is_route(r, RTM_FAMILY_IP, &rt.network, NULL, NULL))
			continue;
		assert_int_equal(rtm_add_route(r, c, &rt, RTM_INFINITE, &fl,
		                               NULL, NULL),
		                 RTM_OK);
		assert_int_equal(fl, RTM_CHANGE_ADDED);
		pnet[n] = net;
		plen[n] = len;
		n++;
	}
	assert_int_equal(rtm_network_count(r, RTM_FAMILY_IP, NULL), NROUTES);
	for (unsigned i = 0; i < NPROBES; i++) {
		struct rtm_ip_route out;
		uint32_t dest, want = 0, wlen = 0;
		bool found;

		seed = seed * 1103515245u + 12345u;
		/* Half the probes fall inside a known prefix. */
		if (i % 2 == 0)
			dest = pnet[seed % NROUTES] | ((seed >> 3) & 0xFFu);
		else
			dest = 0x0A000000u | (seed & 0x00FFFFFFu);
		for (unsigned k = 0; k < NROUTES; k++) {
			uint32_t m = 0xFFFFFFFFu << (32 - plen[k]);

			if ((dest & m) == pnet[k] &&
			    (want == 0 || plen[k] > wlen)) {
				want = k + 1;
				wlen = plen[k];
			}
		}
		found = rtm_lookup_ip(r, htonl(dest), &out);
		assert_int_equal(found, want != 0);
		if (found)
			assert_int_equal(out.ifindex, want);
	}
}

static void
test_lpm_falls_back_to_shorter_prefix_when_more_specific_is_deleted(void **state)
{
	struct rtm *r = new_inst(NULL, NULL);
	rtm_client_t c = rtm_register_client(r, RTM_FAMILY_IP, 1, -1, 0, NULL);
	struct rtm_ip_route r8 = lroute(ip4(10, 0, 0, 0), 8, 8, 0, 1);
	struct rtm_ip_route r24 = lroute(ip4(10, 1, 2, 0), 24, 24, 0, 1);
	struct rtm_ip_route r32 = lroute(ip4(10, 1, 2, 3), 32, 32, 0, 1);
	struct rtm_ip_route out;
	uint32_t fl;

	(void)state;
	assert_int_equal(rtm_add_route(r, c, &r8, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(rtm_add_route(r, c, &r24, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(rtm_add_route(r, c, &r32, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	assert_true(rtm_lookup_ip(r, ip4(10, 1, 2, 3), &out));
	assert_int_equal(out.ifindex, 32);
	assert_int_equal(rtm_delete_route(r, c, &r32, &fl, NULL), RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_DELETED);
	assert_true(rtm_lookup_ip(r, ip4(10, 1, 2, 3), &out));
	assert_int_equal(out.ifindex, 24);
	assert_int_equal(rtm_delete_route(r, c, &r24, &fl, NULL), RTM_OK);
	assert_true(rtm_lookup_ip(r, ip4(10, 1, 2, 3), &out));
	assert_int_equal(out.ifindex, 8);
	assert_int_equal(rtm_delete_route(r, c, &r8, &fl, NULL), RTM_OK);
	assert_false(rtm_lookup_ip(r, ip4(10, 1, 2, 3), &out));
	assert_int_equal(rtm_network_count(r, RTM_FAMILY_IP, NULL), 0);
}

static void
test_ip_route_with_bad_network_or_missing_flags_is_invalid_parameter(
        void **state)
{
	struct rtm *r = new_inst(NULL, NULL);
	rtm_client_t c = rtm_register_client(r, RTM_FAMILY_IP, 1, -1, 0, NULL);
	struct rtm_ip_route rt = lroute(ip4(10, 1, 0, 0), 16, 1, 0, 1);
	uint32_t fl;

	(void)state;
	rt.network.mask = htonl(0xFF00FF00u); /* not contiguous */
	assert_int_equal(rtm_add_route(r, c, &rt, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_ERR_INVALID_PARAMETER);
	rt.network.mask = mask(8); /* host bits set under the mask */
	assert_int_equal(rtm_add_route(r, c, &rt, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_ERR_INVALID_PARAMETER);
	rt.network.mask = mask(16);
	assert_int_equal(rtm_add_route(r, c, &rt, RTM_INFINITE, NULL, NULL,
	                               NULL),
	                 RTM_ERR_INVALID_PARAMETER);
	assert_int_equal(rtm_add_route(r, c, NULL, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_ERR_INVALID_PARAMETER);
	assert_int_equal(rtm_delete_route(r, c, &rt, NULL, NULL),
	                 RTM_ERR_INVALID_PARAMETER);
	assert_int_equal(rtm_network_count(r, RTM_FAMILY_IP, NULL), 0);
	/* A /32 host route and the default route are both well formed. */
	rt = lroute(ip4(10, 1, 2, 3), 32, 1, 0, 1);
	assert_int_equal(rtm_add_route(r, c, &rt, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	rt = lroute(0, 0, 1, 0, 1);
	assert_int_equal(rtm_add_route(r, c, &rt, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(rtm_network_count(r, RTM_FAMILY_IP, NULL), 2);
}

static struct rtm_ipx_route
xroute(uint32_t net, uint32_t ifindex, uint8_t mac_last, uint16_t ticks,
       uint16_t hops)
{
	struct rtm_ipx_route r;

	memset(&r, 0, sizeof(r));
	r.network = net;
	r.ifindex = ifindex;
	r.next_hop[0] = 0x02;
	r.next_hop[5] = mac_last;
	r.fsd.tick_count = ticks;
	r.fsd.hop_count = hops;
	return r;
}

static void
test_ipx_best_route_by_ticks_then_hops_and_delete(void **state)
{
	struct rtm *r = new_inst(NULL, NULL);
	int fo = evfd();
	rtm_client_t a = rtm_register_client(r, RTM_FAMILY_IPX, 1, -1, 0, NULL);
	rtm_client_t b = rtm_register_client(r, RTM_FAMILY_IPX, 2, -1, 0, NULL);
	rtm_client_t o = rtm_register_observer(r, RTM_FAMILY_IPX, fo, NULL);
	rtm_client_t oip =
	        rtm_register_observer(r, RTM_FAMILY_IP, evfd(), NULL);
	struct rtm_ipx_route slow = xroute(0x1234, 1, 1, 10, 1);
	struct rtm_ipx_route fast = xroute(0x1234, 2, 2, 5, 9);
	struct rtm_ipx_route fewer = xroute(0x1234, 3, 3, 5, 2);
	struct rtm_ipx_route cur, prev;
	uint32_t net = 0x1234, fl;
	enum rtm_status st;

	(void)state;
	assert_true(a && b && o && oip);
	assert_int_equal(rtm_add_route(r, a, &slow, RTM_INFINITE, &fl, &cur,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_ADDED);
	assert_int_equal(cur.protocol, 1);
	assert_int_equal(cur.next_hop[5], 1);
	/* Fewer ticks wins even with more hops. */
	assert_int_equal(rtm_add_route(r, b, &fast, RTM_INFINITE, &fl, &cur,
	                               &prev),
	                 RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_CHANGED);
	assert_int_equal(cur.ifindex, 2);
	assert_int_equal(prev.ifindex, 1);
	/* Equal ticks: fewer hops wins. */
	assert_int_equal(rtm_add_route(r, a, &fewer, RTM_INFINITE, &fl, &cur,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_CHANGED);
	assert_int_equal(cur.ifindex, 3);
	assert_true(rtm_is_route(r, RTM_FAMILY_IPX, &net, &cur, &st));
	assert_int_equal(cur.fsd.hop_count, 2);
	assert_int_equal(rtm_network_count(r, RTM_FAMILY_IPX, NULL), 1);
	assert_int_equal(rtm_network_count(r, RTM_FAMILY_IP, NULL), 0);
	/* IPX has no prefixes: no IP lookup sees it. */
	assert_false(rtm_lookup_ip(r, 0x1234, NULL));

	assert_int_equal(rtm_delete_route(r, a, &fewer, &fl, &cur), RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_CHANGED);
	assert_int_equal(cur.ifindex, 2);
	assert_int_equal(rtm_delete_route(r, a, &slow, &fl, &cur), RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_NONE);
	assert_int_equal(rtm_delete_route(r, b, &fast, &fl, &cur), RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_DELETED);
	assert_false(rtm_is_route(r, RTM_FAMILY_IPX, &net, NULL, &st));
	/* The IPX observer saw ADDED, 3x CHANGED, DELETED; the IP one nothing. */
	assert_int_equal(ldrain(r, o), 5);
	assert_int_equal(ldrain(r, oip), 0);
}

static void
test_enum_flags_select_routes_by_network_interface_protocol_and_best(
        void **state)
{
	struct rtm *r = new_inst(NULL, NULL);
	rtm_client_t a =
	        rtm_register_client(r, RTM_FAMILY_IP, 1001, -1, 0, NULL);
	rtm_client_t b =
	        rtm_register_client(r, RTM_FAMILY_IP, 1002, -1, 0, NULL);
	struct rtm_ip_route v[] = {
		lroute(ip4(10, 1, 0, 0), 16, 1, ip4(1, 0, 0, 1),
		       1), /* a, best */
		lroute(ip4(10, 1, 0, 0), 16, 2, ip4(1, 0, 0, 2), 5), /* b */
		lroute(ip4(10, 2, 0, 0), 16, 1, ip4(1, 0, 0, 1),
		       1), /* b, best */
		lroute(ip4(10, 3, 0, 0), 16, 2, ip4(1, 0, 0, 2),
		       1), /* a, best */
	};
	rtm_client_t owner[] = { a, b, b, a };
	struct rtm_ip_route crit, out;
	enum rtm_status st;
	rtm_enum_t e;
	uint32_t fl;
	unsigned n, seen;

	(void)state;
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(rtm_add_route(r, owner[i], &v[i], RTM_INFINITE,
		                               &fl, NULL, NULL),
		                 RTM_OK);

	struct {
		uint32_t flags;
		struct rtm_ip_route crit;
		unsigned want; /* bit i: v[i] */
	} cases[] = {
		{ 0, v[0], 0xF },
		{ RTM_ONLY_THIS_NETWORK, v[0], 0x3 },
		{ RTM_ONLY_THIS_INTERFACE, v[1], 0xA },
		{ RTM_ONLY_THIS_PROTOCOL, { .protocol = 1002 }, 0x6 },
		{ RTM_ONLY_BEST_ROUTES, v[0], 0xD },
		{ RTM_ONLY_THIS_NETWORK | RTM_ONLY_BEST_ROUTES, v[0], 0x1 },
		{ RTM_ONLY_THIS_INTERFACE | RTM_ONLY_THIS_PROTOCOL,
		  { .ifindex = 1, .protocol = 1002 },
		  0x4 },
	};
	for (unsigned k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		crit = cases[k].crit;
		e = rtm_enum_open(r, RTM_FAMILY_IP, cases[k].flags, &crit, &st);
		assert_int_equal(st, RTM_OK);
		assert_true(e != 0);
		n = 0;
		seen = 0;
		while ((st = rtm_enum_next(r, e, &out)) == RTM_OK) {
			for (unsigned i = 0; i < 4; i++)
				if (out.network.number == v[i].network.number &&
				    out.ifindex == v[i].ifindex) {
					assert_false(seen & (1u << i));
					seen |= 1u << i;
				}
			n++;
		}
		assert_int_equal(st, RTM_ERR_NO_MORE_ROUTES);
		assert_int_equal(seen, cases[k].want);
		assert_int_equal(n, __builtin_popcount(cases[k].want));
		/* Still open after the end: more next() calls say the same. */
		assert_int_equal(rtm_enum_next(r, e, &out),
		                 RTM_ERR_NO_MORE_ROUTES);
		assert_int_equal(rtm_enum_close(r, e), RTM_OK);
		assert_int_equal(rtm_enum_next(r, e, &out),
		                 RTM_ERR_INVALID_HANDLE);
		assert_int_equal(rtm_enum_close(r, e), RTM_ERR_INVALID_HANDLE);
	}

	/* Nothing matches: no handle. */
	crit = lroute(ip4(10, 9, 0, 0), 16, 1, 0, 1);
	assert_int_equal(rtm_enum_open(r, RTM_FAMILY_IP, RTM_ONLY_THIS_NETWORK,
	                               &crit, &st),
	                 0);
	assert_int_equal(st, RTM_ERR_NO_ROUTES);
	assert_int_equal(rtm_enum_open(r, RTM_FAMILY_IP, 0x10, &crit, &st), 0);
	assert_int_equal(st, RTM_ERR_INVALID_PARAMETER);
	assert_int_equal(rtm_enum_open(r, 3, 0, NULL, &st), 0);
	assert_int_equal(st, RTM_ERR_INVALID_PARAMETER);
	assert_int_equal(rtm_enum_open(r, RTM_FAMILY_IP,
	                               RTM_ONLY_THIS_INTERFACE, NULL, &st),
	                 0);
	assert_int_equal(st, RTM_ERR_INVALID_PARAMETER);
	assert_int_equal(rtm_enum_open(r, RTM_FAMILY_IPX, 0, NULL, &st), 0);
	assert_int_equal(st, RTM_ERR_NO_ROUTES);

	/* Routes deleted mid-enumeration are skipped, none repeated. */
	e = rtm_enum_open(r, RTM_FAMILY_IP, 0, NULL, &st);
	assert_int_equal(rtm_enum_next(r, e, &out), RTM_OK);
	assert_int_equal(out.network.number, ip4(10, 1, 0, 0));
	assert_int_equal(rtm_delete_route(r, b, &v[2], &fl, NULL), RTM_OK);
	n = 1;
	while (rtm_enum_next(r, e, &out) == RTM_OK) {
		assert_int_not_equal(out.network.number, ip4(10, 2, 0, 0));
		n++;
	}
	assert_int_equal(n, 3);
	/* Left open on purpose: rtm_destroy() frees it (LSan checks). */
}

static void
test_get_first_and_next_walk_in_network_protocol_interface_nexthop_order(
        void **state)
{
	HANDLE p5 = reg(RTM_PROTOCOL_FAMILY_IP, 5005, -1, 0);
	HANDLE p7 = reg(RTM_PROTOCOL_FAMILY_IP, 5007, -1, 0);
	/* The expected order; added shuffled below. */
	struct {
		HANDLE *h;
		RTM_IP_ROUTE rt;
	} v[] = {
		{ &p5, croute(ip4(9, 0, 0, 0), 8, 1, ip4(1, 1, 1, 1), 1) },
		{ &p5, croute(ip4(10, 0, 0, 0), 8, 1, ip4(1, 1, 1, 1), 1) },
		{ &p5, croute(ip4(10, 0, 0, 0), 16, 1, ip4(1, 1, 1, 1), 1) },
		{ &p5, croute(ip4(10, 0, 0, 0), 16, 2, ip4(1, 1, 1, 1), 1) },
		{ &p5, croute(ip4(10, 0, 0, 0), 16, 2, ip4(1, 1, 1, 9), 1) },
		{ &p7, croute(ip4(10, 0, 0, 0), 16, 1, ip4(1, 1, 1, 1), 1) },
		{ &p5, croute(ip4(10, 1, 0, 0), 16, 1, ip4(1, 1, 1, 1), 1) },
		{ &p7, croute(ip4(200, 0, 0, 0), 8, 3, ip4(1, 1, 1, 1), 1) },
	};
	const unsigned n = sizeof(v) / sizeof(v[0]);
	const unsigned shuffle[] = { 5, 2, 7, 0, 4, 1, 6, 3 };
	RTM_IP_ROUTE rt, gone;
	DWORD fl;
	unsigned i;

	(void)state;
	for (i = 0; i < n; i++) {
		unsigned k = shuffle[i];

		assert_int_equal(cadd(*v[k].h, &v[k].rt, &fl, NULL, NULL),
		                 NO_ERROR);
	}
	memset(&rt, 0, sizeof(rt));
	assert_int_equal(RtmGetFirstRoute(RTM_PROTOCOL_FAMILY_IP, 0, &rt),
	                 NO_ERROR);
	for (i = 0;; i++) {
		assert_true(i < n);
		assert_int_equal(rt.RR_Network.N_NetNumber,
		                 v[i].rt.RR_Network.N_NetNumber);
		assert_int_equal(rt.RR_Network.N_NetMask,
		                 v[i].rt.RR_Network.N_NetMask);
		assert_int_equal(rt.RR_InterfaceID, v[i].rt.RR_InterfaceID);
		assert_int_equal(rt.RR_NextHopAddress.N_NetNumber,
		                 v[i].rt.RR_NextHopAddress.N_NetNumber);
		assert_int_equal(rt.RR_RoutingProtocol,
		                 v[i].h == &p5 ? 5005 : 5007);
		if (RtmGetNextRoute(RTM_PROTOCOL_FAMILY_IP, 0, &rt) != NO_ERROR)
			break;
	}
	assert_int_equal(i, n - 1);
	assert_int_equal(RtmGetNextRoute(RTM_PROTOCOL_FAMILY_IP, 0, &rt),
	                 ERROR_NO_MORE_ROUTES);

	/* Resume after a route that no longer exists. */
	gone = v[3].rt;
	gone.RR_RoutingProtocol = 5005;
	assert_int_equal(RtmDeleteRoute(p5, &gone, &fl, NULL), NO_ERROR);
	assert_int_equal(RtmGetNextRoute(RTM_PROTOCOL_FAMILY_IP, 0, &gone),
	                 NO_ERROR);
	assert_int_equal(gone.RR_NextHopAddress.N_NetNumber, ip4(1, 1, 1, 9));

	/* With criteria: protocol 5007 only. */
	memset(&rt, 0, sizeof(rt));
	rt.RR_RoutingProtocol = 5007;
	assert_int_equal(RtmGetFirstRoute(RTM_PROTOCOL_FAMILY_IP,
	                                  RTM_ONLY_THIS_PROTOCOL, &rt),
	                 NO_ERROR);
	assert_int_equal(rt.RR_Network.N_NetNumber, ip4(10, 0, 0, 0));
	assert_int_equal(RtmGetNextRoute(RTM_PROTOCOL_FAMILY_IP,
	                                 RTM_ONLY_THIS_PROTOCOL, &rt),
	                 NO_ERROR);
	assert_int_equal(rt.RR_Network.N_NetNumber, ip4(200, 0, 0, 0));
	assert_int_equal(RtmGetNextRoute(RTM_PROTOCOL_FAMILY_IP,
	                                 RTM_ONLY_THIS_PROTOCOL, &rt),
	                 ERROR_NO_MORE_ROUTES);

	/* RtmGetSpecificRoute: network + protocol + interface. */
	rt = v[4].rt;
	rt.RR_RoutingProtocol = 5005;
	rt.RR_FamilySpecificData.FSD_Metric = 77;
	assert_int_equal(RtmGetSpecificRoute(RTM_PROTOCOL_FAMILY_IP, &rt),
	                 NO_ERROR);
	assert_int_equal(rt.RR_FamilySpecificData.FSD_Metric, 1);
	rt.RR_InterfaceID = 99;
	assert_int_equal(RtmGetSpecificRoute(RTM_PROTOCOL_FAMILY_IP, &rt),
	                 ERROR_NO_MORE_ROUTES);
}

static void
test_block_delete_removes_matching_routes_and_notifies_the_caller_too(
        void **state)
{
	int fa = evfd(), fb = evfd();
	HANDLE a = reg(RTM_PROTOCOL_FAMILY_IP, 6001, fa, 0);
	HANDLE b = reg(RTM_PROTOCOL_FAMILY_IP, 6002, fb, 0);
	RTM_IP_ROUTE a1 = croute(ip4(10, 61, 0, 0), 16, 1, 0, 1);
	RTM_IP_ROUTE a2 = croute(ip4(10, 62, 0, 0), 16, 1, 0, 1);
	RTM_IP_ROUTE a3 = croute(ip4(10, 63, 0, 0), 16, 2, 0, 1);
	RTM_IP_ROUTE b1 = croute(ip4(10, 61, 0, 0), 16, 1, 0, 5);
	RTM_IP_ROUTE crit, cur, prev;
	DWORD fl;

	(void)state;
	assert_int_equal(cadd(a, &a1, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(cadd(a, &a2, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(cadd(a, &a3, &fl, NULL, NULL), NO_ERROR);
	assert_int_equal(cadd(b, &b1, &fl, NULL, NULL), NO_ERROR);
	cdrain(a);
	cdrain(b);

	memset(&crit, 0, sizeof(crit));
	crit.RR_InterfaceID = 1;
	assert_int_equal(RtmBlockDeleteRoutes(a, 0x100, &crit),
	                 ERROR_INVALID_PARAMETER);
	assert_int_equal(RtmBlockDeleteRoutes(a, RTM_ONLY_THIS_INTERFACE, NULL),
	                 ERROR_INVALID_PARAMETER);
	assert_int_equal(RtmBlockDeleteRoutes(NULL, 0, NULL),
	                 ERROR_INVALID_HANDLE);
	/* a's routes on interface 1: a1 (b1 takes over) and a2. */
	assert_int_equal(RtmBlockDeleteRoutes(a, RTM_ONLY_THIS_INTERFACE,
	                                      &crit),
	                 NO_ERROR);
	assert_int_equal(RtmGetNetworkCount(RTM_PROTOCOL_FAMILY_IP), 2);
	assert_true(RtmIsRoute(RTM_PROTOCOL_FAMILY_IP, &a1.RR_Network, &cur));
	assert_int_equal(cur.RR_RoutingProtocol, 6002);
	assert_false(RtmIsRoute(RTM_PROTOCOL_FAMILY_IP, &a2.RR_Network, NULL));
	assert_true(RtmIsRoute(RTM_PROTOCOL_FAMILY_IP, &a3.RR_Network, NULL));
	/* Both clients, the caller included, got CHANGED and DELETED. */
	assert_true(readable(fa));
	assert_int_equal(RtmDequeueRouteChangeMessage(a, &fl, &cur, &prev),
	                 ERROR_MORE_MESSAGES);
	assert_int_equal(RtmDequeueRouteChangeMessage(a, &fl, &cur, &prev),
	                 NO_ERROR);
	assert_int_equal(cdrain(b), 2);

	/* Flags 0: every route of the caller; b's are untouched. */
	assert_int_equal(RtmBlockDeleteRoutes(a, 0, NULL), NO_ERROR);
	assert_int_equal(RtmGetNetworkCount(RTM_PROTOCOL_FAMILY_IP), 1);
	assert_int_equal(cdrain(a), 1);
	assert_int_equal(RtmBlockDeleteRoutes(b, RTM_ONLY_THIS_NETWORK, &a2),
	                 NO_ERROR); /* nothing there: still fine */
	assert_int_equal(RtmGetNetworkCount(RTM_PROTOCOL_FAMILY_IP), 1);
}

static void
test_block_delete_best_only_uses_best_routes_before_the_delete(void **state)
{
	struct rtm *r = new_inst(NULL, NULL);
	rtm_client_t a = rtm_register_client(r, RTM_FAMILY_IP, 1, -1, 0, NULL);
	struct rtm_ip_route x1 = lroute(ip4(10, 1, 0, 0), 16, 1, 0, 1);
	struct rtm_ip_route x2 = lroute(ip4(10, 1, 0, 0), 16, 2, 0, 2);
	struct rtm_ip_route out;
	uint32_t fl;

	(void)state;
	assert_int_equal(rtm_add_route(r, a, &x1, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(rtm_add_route(r, a, &x2, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(rtm_block_delete(r, a, RTM_ONLY_BEST_ROUTES, NULL),
	                 RTM_OK);
	/* x2 became best only because x1 went: it stays. */
	assert_true(rtm_is_route(r, RTM_FAMILY_IP, &x1.network, &out, NULL));
	assert_int_equal(out.ifindex, 2);
}

static void
test_garbage_stale_and_foreign_handles_are_invalid_handle(void **state)
{
	struct rtm *r1 = new_inst(NULL, NULL), *r2 = new_inst(NULL, NULL);
	rtm_client_t c1 =
	        rtm_register_client(r1, RTM_FAMILY_IP, 1, evfd(), 0, NULL);
	rtm_client_t c2 =
	        rtm_register_client(r2, RTM_FAMILY_IP, 1, evfd(), 0, NULL);
	struct rtm_ip_route rt = lroute(ip4(10, 1, 0, 0), 16, 1, 0, 1), out;
	rtm_client_t garbage[] = { 0,
		                   1,
		                   0x12345678u,
		                   UINTPTR_MAX,
		                   (rtm_client_t)&rt,
		                   c1 + 1,
		                   c1 ^ (1ull << 30) };
	rtm_client_t stale, reused;
	enum rtm_status st;
	rtm_enum_t e;
	uint32_t fl;

	(void)state;
	assert_true(c1 != 0 && c2 != 0);
	/* Same slot and generation in two instances: still told apart. */
	assert_int_equal(rtm_add_route(r1, c2, &rt, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_ERR_INVALID_HANDLE);
	assert_int_equal(rtm_deregister_client(r2, c1), RTM_ERR_INVALID_HANDLE);
	for (unsigned i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		rtm_client_t g = garbage[i];

		assert_int_equal(rtm_add_route(r1, g, &rt, RTM_INFINITE, &fl,
		                               NULL, NULL),
		                 RTM_ERR_INVALID_HANDLE);
		assert_int_equal(rtm_delete_route(r1, g, &rt, &fl, NULL),
		                 RTM_ERR_INVALID_HANDLE);
		assert_int_equal(rtm_dequeue_change(r1, g, &fl, NULL, NULL),
		                 RTM_ERR_INVALID_HANDLE);
		assert_int_equal(rtm_block_delete(r1, g, 0, NULL),
		                 RTM_ERR_INVALID_HANDLE);
		assert_int_equal(rtm_deregister_client(r1, g),
		                 RTM_ERR_INVALID_HANDLE);
		assert_int_equal(rtm_enum_next(r1, g, &out),
		                 RTM_ERR_INVALID_HANDLE);
		assert_int_equal(rtm_enum_close(r1, g), RTM_ERR_INVALID_HANDLE);
	}
	assert_int_equal(RtmDeregisterClient((HANDLE)(uintptr_t)0x12345678),
	                 ERROR_INVALID_HANDLE);
	assert_int_equal(RtmEnumerateGetNextRoute((HANDLE)(uintptr_t)0x12345678,
	                                          &out),
	                 ERROR_INVALID_HANDLE);

	/* Client and enumeration handles are not interchangeable. */
	assert_int_equal(rtm_add_route(r1, c1, &rt, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	e = rtm_enum_open(r1, RTM_FAMILY_IP, 0, NULL, &st);
	assert_true(e != 0);
	assert_int_equal(rtm_enum_next(r1, c1, &out), RTM_ERR_INVALID_HANDLE);
	assert_int_equal(rtm_deregister_client(r1, e), RTM_ERR_INVALID_HANDLE);
	assert_int_equal(rtm_enum_close(r1, e), RTM_OK);

	/* A stale handle stays dead when its slot is reused. */
	stale = c1;
	assert_int_equal(rtm_deregister_client(r1, c1), RTM_OK);
	reused = rtm_register_client(r1, RTM_FAMILY_IP, 1, -1, 0, &st);
	assert_true(reused != 0);
	assert_true(reused != stale);
	assert_int_equal(rtm_add_route(r1, stale, &rt, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_ERR_INVALID_HANDLE);
	assert_int_equal(rtm_deregister_client(r1, stale),
	                 RTM_ERR_INVALID_HANDLE);
	assert_int_equal(rtm_add_route(r1, reused, &rt, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	/* Observers add nothing. */
	stale = rtm_register_observer(r1, RTM_FAMILY_IP, -1, &st);
	assert_int_equal(st, RTM_OK);
	assert_int_equal(rtm_add_route(r1, stale, &rt, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_ERR_INVALID_HANDLE);
}

static void
test_event_fd_readable_while_queued_and_drained_even_if_blocking(void **state)
{
	struct rtm *r = new_inst(NULL, NULL);
	int blocking = eventfd(0, 0);
	rtm_client_t a = rtm_register_client(r, RTM_FAMILY_IP, 1, -1, 0, NULL);
	rtm_client_t o;
	struct rtm_ip_route rt = lroute(ip4(10, 1, 0, 0), 16, 1, 0, 1), cur;
	uint32_t fl;
	uint64_t v;

	(void)state;
	assert_true(blocking > 0);
	g_fds[g_nfds++] = blocking;
	o = rtm_register_observer(r, RTM_FAMILY_IP, blocking, NULL);
	assert_false(readable(blocking));
	/* Empty queue: NO_MESSAGES, and nothing blocks. */
	assert_int_equal(rtm_dequeue_change(r, o, &fl, &cur, NULL),
	                 RTM_ERR_NO_MESSAGES);
	assert_int_equal(rtm_add_route(r, a, &rt, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	assert_true(readable(blocking));
	assert_int_equal(rtm_add_route(r, a, &rt, 60, &fl, NULL, NULL), RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_NONE);
	assert_int_equal(rtm_delete_route(r, a, &rt, &fl, NULL), RTM_OK);
	/* One write per empty-to-non-empty transition, not per message. */
	assert_int_equal(read(blocking, &v, sizeof(v)), sizeof(v));
	assert_int_equal(v, 1);
	assert_false(readable(blocking));
	v = 1;
	assert_int_equal(write(blocking, &v, sizeof(v)), sizeof(v));
	assert_int_equal(rtm_dequeue_change(r, o, &fl, &cur, NULL),
	                 RTM_ERR_MORE_MESSAGES);
	assert_int_equal(fl, RTM_CHANGE_ADDED);
	assert_true(readable(blocking));
	assert_int_equal(rtm_dequeue_change(r, o, &fl, &cur, NULL), RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_DELETED);
	/* Drained with a blocking fd, and the test did not hang. */
	assert_false(readable(blocking));
}

static unsigned g_warnings;
static char g_lastlog[RTM_LOG_LEN];

static void
count_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	if (level <= RTM_LOG_WARNING)
		g_warnings++;
	snprintf(g_lastlog, sizeof(g_lastlog), "%s", msg);
}

static void
test_queue_is_capped_oldest_messages_dropped_and_logged(void **state)
{
	const unsigned extra = 10, total = RTM_QUEUE_CAP + extra;
	struct rtm *r = new_inst(NULL, count_log);
	int fo = evfd();
	rtm_client_t a = rtm_register_client(r, RTM_FAMILY_IP, 1, -1, 0, NULL);
	rtm_client_t o = rtm_register_observer(r, RTM_FAMILY_IP, fo, NULL);
	struct rtm_ip_route rt, cur;
	enum rtm_status st;
	uint32_t fl;
	unsigned n = 0;

	(void)state;
	g_warnings = 0;
	for (unsigned i = 0; i < total; i++) {
		rt = lroute(htonl(0x0A000000u + (i << 8)), 24, 1, 0, 1);
		assert_int_equal(rtm_add_route(r, a, &rt, RTM_INFINITE, &fl,
		                               NULL, NULL),
		                 RTM_OK);
	}
	/* One warning when the queue overflowed, not one per message. */
	assert_int_equal(g_warnings, 1);
	assert_int_equal(rtm_dequeue_change(r, o, &fl, &cur, NULL),
	                 RTM_ERR_MORE_MESSAGES);
	/* The first ten were dropped. */
	assert_int_equal(cur.network.number, htonl(0x0A000000u + (extra << 8)));
	n = 1;
	while ((st = rtm_dequeue_change(r, o, &fl, &cur, NULL)) ==
	       RTM_ERR_MORE_MESSAGES)
		n++;
	assert_int_equal(st, RTM_OK);
	n++;
	assert_int_equal(n, RTM_QUEUE_CAP);
	assert_int_equal(cur.network.number,
	                 htonl(0x0A000000u + ((total - 1) << 8)));
	/* Draining reports how many were lost. */
	assert_int_equal(g_warnings, 2);
	assert_non_null(strstr(g_lastlog, "10 change messages were dropped"));
	assert_false(readable(fo));
}

static void
test_observer_sees_every_best_route_change_of_its_family(void **state)
{
	struct rtm *r = new_inst(NULL, NULL);
	int fo = evfd();
	rtm_client_t o = rtm_register_observer(r, RTM_FAMILY_IP, fo, NULL);
	rtm_client_t o2 = rtm_register_observer(r, RTM_FAMILY_IP, -1, NULL);
	rtm_client_t a = rtm_register_client(r, RTM_FAMILY_IP, 1, -1, 0, NULL);
	struct rtm_ip_route rt = lroute(ip4(10, 1, 0, 0), 16, 1, 0, 1), cur,
	                    prev;
	enum rtm_status st;
	uint32_t fl;

	(void)state;
	assert_true(o && o2 && a);
	/* Observers take no protocol id: protocol 0 is still free. */
	assert_true(rtm_register_client(r, RTM_FAMILY_IP, 0, -1, 0, &st) != 0);
	assert_int_equal(rtm_add_route(r, a, &rt, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	rt.fsd.metric = 3;
	assert_int_equal(rtm_add_route(r, a, &rt, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_CHANGED);
	assert_int_equal(rtm_deregister_client(r, a), RTM_OK);
	assert_int_equal(rtm_dequeue_change(r, o, &fl, &cur, &prev),
	                 RTM_ERR_MORE_MESSAGES);
	assert_int_equal(fl, RTM_CHANGE_ADDED);
	assert_int_equal(rtm_dequeue_change(r, o, &fl, &cur, &prev),
	                 RTM_ERR_MORE_MESSAGES);
	assert_int_equal(fl, RTM_CHANGE_CHANGED);
	assert_int_equal(prev.fsd.metric, 1);
	assert_int_equal(cur.fsd.metric, 3);
	assert_int_equal(rtm_dequeue_change(r, o, &fl, &cur, &prev), RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_DELETED);
	/* An observer without an event fd has no queue to read. */
	assert_int_equal(rtm_dequeue_change(r, o2, &fl, &cur, &prev),
	                 RTM_ERR_INVALID_HANDLE);
	assert_int_equal(rtm_deregister_client(r, o), RTM_OK);
}

static void
test_equal_routes_keep_incumbent_then_earliest_added_wins(void **state)
{
	struct rtm *r = new_inst(NULL, NULL);
	rtm_client_t a = rtm_register_client(r, RTM_FAMILY_IP, 1, -1, 0, NULL);
	struct rtm_ip_route x1 = lroute(ip4(10, 1, 0, 0), 16, 5, 0, 4);
	struct rtm_ip_route x2 = lroute(ip4(10, 1, 0, 0), 16, 1, 0, 4);
	struct rtm_ip_route x3 = lroute(ip4(10, 1, 0, 0), 16, 3, 0, 4);
	struct rtm_ip_route out;
	uint32_t fl;

	(void)state;
	assert_int_equal(rtm_add_route(r, a, &x1, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(rtm_add_route(r, a, &x2, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_NONE);
	assert_int_equal(rtm_add_route(r, a, &x3, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_NONE);
	/* x1 worsens: the earliest added of the rest (x2), not the lowest key. */
	x1.fsd.metric = 9;
	assert_int_equal(rtm_add_route(r, a, &x1, RTM_INFINITE, &fl, &out,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_CHANGED);
	assert_int_equal(out.ifindex, 1);
	/* x1 back to equal: x2 stays (incumbent). */
	x1.fsd.metric = 4;
	assert_int_equal(rtm_add_route(r, a, &x1, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_NONE);
	/* x2 goes: x1 was added before x3. */
	assert_int_equal(rtm_delete_route(r, a, &x2, &fl, &out), RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_CHANGED);
	assert_int_equal(out.ifindex, 5);
}

static void
test_protocol_priority_override_applies_when_routes_are_readded(void **state)
{
	struct rtm *r = new_inst(NULL, NULL);
	rtm_client_t rip = rtm_register_client(r, RTM_FAMILY_IP,
	                                       RTM_PROTO_IP_RIP, -1, 0, NULL);
	rtm_client_t ospf = rtm_register_client(r, RTM_FAMILY_IP,
	                                        RTM_PROTO_IP_OSPF, -1, 0, NULL);
	rtm_client_t other =
	        rtm_register_client(r, RTM_FAMILY_IP, 77, -1, 0, NULL);
	struct rtm_ip_route x1 = lroute(ip4(10, 1, 0, 0), 16, 1, 0, 1);
	struct rtm_ip_route x2 = lroute(ip4(10, 1, 0, 0), 16, 2, 0, 1);
	struct rtm_ip_route x3 = lroute(ip4(10, 2, 0, 0), 16, 2, 0, 1);
	struct rtm_ip_route out;
	uint32_t fl;

	(void)state;
	assert_int_equal(rtm_add_route(r, rip, &x1, RTM_INFINITE, &fl, NULL,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(rtm_add_route(r, ospf, &x2, RTM_INFINITE, &fl, &out,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_CHANGED); /* OSPF 110 < RIP 120 */
	assert_int_equal(out.fsd.priority, 110);
	assert_int_equal(rtm_add_route(r, other, &x3, RTM_INFINITE, &fl, &out,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(out.fsd.priority, 150);

	rtm_set_protocol_priority(r, RTM_PROTO_IP_RIP, 50);
	/* Existing stamps stand until re-added. */
	assert_true(rtm_is_route(r, RTM_FAMILY_IP, &x1.network, &out, NULL));
	assert_int_equal(out.protocol, RTM_PROTO_IP_OSPF);
	assert_int_equal(rtm_add_route(r, rip, &x1, RTM_INFINITE, &fl, &out,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_CHANGED);
	assert_int_equal(out.protocol, RTM_PROTO_IP_RIP);
	assert_int_equal(out.fsd.priority, 50);
	rtm_set_protocol_priority(r, RTM_PROTO_IP_RIP, 200);
	/* The re-add is stamped anew: RIP now loses to OSPF. */
	assert_int_equal(rtm_add_route(r, rip, &x1, RTM_INFINITE, &fl, &out,
	                               NULL),
	                 RTM_OK);
	assert_int_equal(fl, RTM_CHANGE_CHANGED);
	assert_int_equal(out.protocol, RTM_PROTO_IP_OSPF);
}

struct worker {
	struct rtm *r;
	uint32_t protocol;
	enum rtm_status last;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	rtm_client_t c = rtm_register_client(w->r, RTM_FAMILY_IP, w->protocol,
	                                     -1, 0, NULL);
	uint32_t fl;

	w->last = RTM_OK;
	for (int round = 0; round < 20; round++) {
		for (uint32_t i = 0; i < 200; i++) {
			struct rtm_ip_route rt =
			        lroute(htonl(0x0A000000u | i << 8), 24,
			               w->protocol, 0, i % 7);
			enum rtm_status st = rtm_add_route(w->r, c, &rt, 100,
			                                   &fl, NULL, NULL);

			if (st != RTM_OK)
				w->last = st;
			rtm_lookup_ip(w->r, rt.network.number | htonl(5), NULL);
		}
		for (uint32_t i = 0; i < 200; i++) {
			struct rtm_ip_route rt =
			        lroute(htonl(0x0A000000u | i << 8), 24,
			               w->protocol, 0, 0);
			enum rtm_status st =
			        rtm_delete_route(w->r, c, &rt, &fl, NULL);

			if (st != RTM_OK)
				w->last = st;
		}
	}
	if (rtm_deregister_client(w->r, c) != RTM_OK)
		w->last = RTM_ERR_INVALID_HANDLE;
	return NULL;
}

static void
test_concurrent_clients_on_one_instance_stay_consistent(void **state)
{
	enum { NT = 4 };
	struct rtm *r = new_inst(NULL, NULL);
	int fo = evfd();
	rtm_client_t o = rtm_register_observer(r, RTM_FAMILY_IP, fo, NULL);
	pthread_t t[NT];
	struct worker w[NT];

	(void)state;
	for (int i = 0; i < NT; i++) {
		w[i] = (struct worker){ .r = r, .protocol = 100 + (uint32_t)i };
		assert_int_equal(
		        pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < NT; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].last, RTM_OK);
	}
	assert_int_equal(rtm_network_count(r, RTM_FAMILY_IP, NULL), 0);
	assert_true(ldrain(r, o) > 0);
	assert_false(readable(fo));
}

static void *
default_and_error_main(void *arg)
{
	struct rtm **out = arg;

	out[1] = (struct rtm *)(uintptr_t)rtm_last_error();
	rtm_set_last_error(RTM_ERR_NO_MEMORY);
	out[0] = rtm_default();
	return NULL;
}

static void
test_last_error_is_per_thread_and_default_instance_is_shared(void **state)
{
	struct rtm *got[2];
	pthread_t t;

	(void)state;
	rtm_set_last_error(RTM_ERR_INVALID_PARAMETER);
	assert_int_equal(pthread_create(&t, NULL, default_and_error_main, got),
	                 0);
	pthread_join(t, NULL);
	assert_ptr_equal(got[0], rtm_default());
	assert_int_equal((uintptr_t)got[1],
	                 RTM_OK); /* fresh thread: no error */
	assert_int_equal(rtm_last_error(), RTM_ERR_INVALID_PARAMETER);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_teardown(f, teardown)
		T(test_85_second_registration_of_a_protocol_fails_already_exists),
		T(test_86_unknown_family_or_flags_is_invalid_parameter),
		T(test_87_first_route_reports_added_and_notifies_others),
		T(test_88_worse_metric_same_priority_is_no_change_without_messages),
		T(test_89_better_route_reports_changed_and_notifies_others),
		T(test_90_lower_priority_beats_lower_metric_and_rtm_stamps_priority_and_time),
		T(test_91_psd_only_update_is_no_change_without_messages),
		T(test_92_single_route_client_replaces_normal_client_keeps_both),
		T(test_93_ttl_ages_out_infinite_never_readd_refreshes_max_ttl_enforced),
		T(test_94_delete_reports_no_such_route_deleted_changed_or_no_change),
		T(test_95_dequeue_two_pending_more_messages_then_ok_drained_then_none),
		T(test_96_dequeue_by_client_without_event_is_invalid_handle),
		T(test_97_deregister_deletes_its_routes_and_notifies_others),
		T(test_98_network_count_is_distinct_networks_unknown_family_invalid),
		T(test_99_is_route_exact_match_true_with_best_absent_false_no_error),
		T(test_100_lookup_returns_most_specific_best_and_age_counts_seconds),
		T(test_lpm_matches_brute_force_over_random_prefixes),
		T(test_lpm_falls_back_to_shorter_prefix_when_more_specific_is_deleted),
		T(test_ip_route_with_bad_network_or_missing_flags_is_invalid_parameter),
		T(test_ipx_best_route_by_ticks_then_hops_and_delete),
		T(test_enum_flags_select_routes_by_network_interface_protocol_and_best),
		T(test_get_first_and_next_walk_in_network_protocol_interface_nexthop_order),
		T(test_block_delete_removes_matching_routes_and_notifies_the_caller_too),
		T(test_block_delete_best_only_uses_best_routes_before_the_delete),
		T(test_garbage_stale_and_foreign_handles_are_invalid_handle),
		T(test_event_fd_readable_while_queued_and_drained_even_if_blocking),
		T(test_queue_is_capped_oldest_messages_dropped_and_logged),
		T(test_observer_sees_every_best_route_change_of_its_family),
		T(test_equal_routes_keep_incumbent_then_earliest_added_wins),
		T(test_protocol_priority_override_applies_when_routes_are_readded),
		T(test_concurrent_clients_on_one_instance_stay_consistent),
		T(test_last_error_is_per_thread_and_default_instance_is_shared),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
