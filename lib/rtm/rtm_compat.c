/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Windows RTMv1 names over rtm.h on the default instance.  Calls that
 * return a HANDLE, BOOL or count report through the thread's last error,
 * as their Windows counterparts do through GetLastError().
 */
#include "rtm_compat.h"

/* ChangeEvent carries an fd; NULL means no notification. */
static int
rtm_compat_fd(HANDLE ev)
{
	return ev == NULL ? -1 : (int)(intptr_t)ev;
}

HANDLE WINAPI
RtmRegisterClient(DWORD ProtocolFamily, DWORD RoutingProtocol,
                  HANDLE ChangeEvent, DWORD Flags)
{
	struct rtm *r = rtm_default();
	enum rtm_status st = RTM_ERR_NO_MEMORY;
	rtm_client_t c = 0;

	if (r != NULL)
		c = rtm_register_client(r, ProtocolFamily, RoutingProtocol,
		                        rtm_compat_fd(ChangeEvent), Flags, &st);
	rtm_set_last_error(st);
	return (HANDLE)c;
}

DWORD WINAPI
RtmDeregisterClient(HANDLE ClientHandle)
{
	struct rtm *r = rtm_default();

	if (r == NULL)
		return ERROR_INVALID_HANDLE;
	return rtm_deregister_client(r, (rtm_client_t)ClientHandle);
}

DWORD WINAPI
RtmDequeueRouteChangeMessage(HANDLE ClientHandle, DWORD *Flags,
                             PVOID CurBestRoute, PVOID PrevBestRoute)
{
	struct rtm *r = rtm_default();

	if (r == NULL)
		return ERROR_INVALID_HANDLE;
	return rtm_dequeue_change(r, (rtm_client_t)ClientHandle, Flags,
	                          CurBestRoute, PrevBestRoute);
}

DWORD WINAPI
RtmAddRoute(HANDLE ClientHandle, PVOID Route, DWORD TimeToLive, DWORD *Flags,
            PVOID CurBestRoute, PVOID PrevBestRoute)
{
	struct rtm *r = rtm_default();

	if (r == NULL)
		return ERROR_INVALID_HANDLE;
	return rtm_add_route(r, (rtm_client_t)ClientHandle, Route, TimeToLive,
	                     Flags, CurBestRoute, PrevBestRoute);
}

DWORD WINAPI
RtmDeleteRoute(HANDLE ClientHandle, PVOID Route, DWORD *Flags,
               PVOID CurBestRoute)
{
	struct rtm *r = rtm_default();

	if (r == NULL)
		return ERROR_INVALID_HANDLE;
	return rtm_delete_route(r, (rtm_client_t)ClientHandle, Route, Flags,
	                        CurBestRoute);
}

WINBOOL WINAPI
RtmIsRoute(DWORD ProtocolFamily, PVOID Network, PVOID BestRoute)
{
	struct rtm *r = rtm_default();
	enum rtm_status st = RTM_ERR_NO_MEMORY;
	bool found = false;

	if (r != NULL)
		found = rtm_is_route(r, ProtocolFamily, Network, BestRoute,
		                     &st);
	rtm_set_last_error(st);
	return found ? TRUE : FALSE;
}

ULONG WINAPI
RtmGetNetworkCount(DWORD ProtocolFamily)
{
	struct rtm *r = rtm_default();
	enum rtm_status st = RTM_ERR_NO_MEMORY;
	uint32_t n = 0;

	if (r != NULL)
		n = rtm_network_count(r, ProtocolFamily, &st);
	rtm_set_last_error(st);
	return n;
}

ULONG WINAPI
RtmGetRouteAge(PVOID Route)
{
	struct rtm *r = rtm_default();
	enum rtm_status st = RTM_ERR_NO_MEMORY;
	uint32_t age = RTM_INFINITE;

	if (r != NULL)
		age = rtm_route_age(r, Route, &st);
	rtm_set_last_error(st);
	return age;
}

HANDLE WINAPI
RtmCreateEnumerationHandle(DWORD ProtocolFamily, DWORD EnumerationFlags,
                           PVOID CriteriaRoute)
{
	struct rtm *r = rtm_default();
	enum rtm_status st = RTM_ERR_NO_MEMORY;
	rtm_enum_t e = 0;

	if (r != NULL)
		e = rtm_enum_open(r, ProtocolFamily, EnumerationFlags,
		                  CriteriaRoute, &st);
	rtm_set_last_error(st);
	return (HANDLE)e;
}

DWORD WINAPI
RtmEnumerateGetNextRoute(HANDLE EnumerationHandle, PVOID Route)
{
	struct rtm *r = rtm_default();

	if (r == NULL)
		return ERROR_INVALID_HANDLE;
	return rtm_enum_next(r, (rtm_enum_t)EnumerationHandle, Route);
}

DWORD WINAPI
RtmCloseEnumerationHandle(HANDLE EnumerationHandle)
{
	struct rtm *r = rtm_default();

	if (r == NULL)
		return ERROR_INVALID_HANDLE;
	return rtm_enum_close(r, (rtm_enum_t)EnumerationHandle);
}

DWORD WINAPI
RtmBlockDeleteRoutes(HANDLE ClientHandle, DWORD EnumerationFlags,
                     PVOID CriteriaRoute)
{
	struct rtm *r = rtm_default();

	if (r == NULL)
		return ERROR_INVALID_HANDLE;
	return rtm_block_delete(r, (rtm_client_t)ClientHandle, EnumerationFlags,
	                        CriteriaRoute);
}

DWORD WINAPI
RtmGetFirstRoute(DWORD ProtocolFamily, DWORD EnumerationFlags, PVOID Route)
{
	struct rtm *r = rtm_default();

	if (r == NULL)
		return ERROR_NOT_ENOUGH_MEMORY;
	return rtm_get_first_route(r, ProtocolFamily, EnumerationFlags, Route);
}

DWORD WINAPI
RtmGetNextRoute(DWORD ProtocolFamily, DWORD EnumerationFlags, PVOID Route)
{
	struct rtm *r = rtm_default();

	if (r == NULL)
		return ERROR_NOT_ENOUGH_MEMORY;
	return rtm_get_next_route(r, ProtocolFamily, EnumerationFlags, Route);
}

WINBOOL WINAPI
RtmLookupIPDestination(DWORD dwDestAddr, PRTM_IP_ROUTE prir)
{
	struct rtm *r = rtm_default();
	bool found;

	if (r == NULL) {
		rtm_set_last_error(RTM_ERR_NO_MEMORY);
		return FALSE;
	}
	found = rtm_lookup_ip(r, dwDestAddr, (struct rtm_ip_route *)prir);
	/* No route is not an error: FALSE with NO_ERROR, as RtmIsRoute. */
	rtm_set_last_error(RTM_OK);
	return found ? TRUE : FALSE;
}
