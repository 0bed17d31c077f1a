/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RTM_COMPAT_H
#define RTM_COMPAT_H

/**
 * @file
 * The documented Windows RTMv1 API (rtm.h), so code written against it
 * compiles and runs unchanged on lib/rtm's process-wide default instance.
 * Also the Windows base types and error codes that mgm_compat.h shares.
 *
 * ChangeEvent carries a file descriptor: pass (HANDLE)(intptr_t)fd of an
 * eventfd (NULL = no notification).  GetLastError()/SetLastError() read
 * and set the calling thread's RTM last error.
 */

#include <stddef.h>
#include <stdint.h>

#include "rtm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Windows base types ------------------------------------------------ */
#ifndef MCASTFWD_WIN_TYPES
#define MCASTFWD_WIN_TYPES
typedef uint32_t DWORD, *PDWORD, *LPDWORD;
typedef uint32_t ULONG, *PULONG;
typedef uint16_t USHORT;
typedef uint8_t BYTE, *PBYTE;
typedef int32_t BOOL, WINBOOL;
typedef void *HANDLE, *PVOID;
typedef struct _FILETIME {
	DWORD dwLowDateTime;
	DWORD dwHighDateTime;
} FILETIME, *PFILETIME;
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#ifndef WINAPI
#define WINAPI
#endif
#define INFINITE 0xFFFFFFFFu

#define NO_ERROR                  0L
#define ERROR_INVALID_HANDLE      6L
#define ERROR_NOT_ENOUGH_MEMORY   8L
#define ERROR_INVALID_PARAMETER   87L
#define ERROR_INSUFFICIENT_BUFFER 122L
#define ERROR_ALREADY_EXISTS      183L
#define ERROR_MORE_DATA           234L
#define ERROR_NO_MORE_ITEMS       259L
#define ERROR_CAN_NOT_COMPLETE    1003L
#define ERROR_NOT_FOUND           1168L
#define ERROR_NO_SYSTEM_RESOURCES 1450L
#endif /* MCASTFWD_WIN_TYPES */

/** The calling thread's last error (set by Rtm* calls that return a
 *  handle, BOOL or count). */
static inline DWORD
GetLastError(void)
{
	return (DWORD)rtm_last_error();
}

static inline void
SetLastError(DWORD err)
{
	rtm_set_last_error((enum rtm_status)err);
}

/* RTMv1 --------------------------------------------------------------- */
#define RTM_PROTOCOL_FAMILY_IPX RTM_FAMILY_IPX
#define RTM_PROTOCOL_FAMILY_IP  RTM_FAMILY_IP

#define ERROR_MORE_MESSAGES         ERROR_MORE_DATA
#define ERROR_CLIENT_ALREADY_EXISTS ERROR_ALREADY_EXISTS
#define ERROR_NO_MESSAGES           ERROR_NO_MORE_ITEMS
#define ERROR_NO_MORE_ROUTES        ERROR_NO_MORE_ITEMS
#define ERROR_NO_ROUTES             ERROR_NO_MORE_ITEMS
#define ERROR_NO_SUCH_ROUTE         ERROR_NO_MORE_ITEMS

typedef struct _IPX_NETWORK {
	DWORD N_NetNumber;
} IPX_NETWORK, *PIPX_NETWORK;

typedef struct _IP_NETWORK {
	DWORD N_NetNumber;
	DWORD N_NetMask;
} IP_NETWORK, *PIP_NETWORK;

typedef struct _IPX_NEXT_HOP_ADDRESS {
	BYTE NHA_Mac[6];
} IPX_NEXT_HOP_ADDRESS, *PIPX_NEXT_HOP_ADDRESS;

typedef IP_NETWORK IP_NEXT_HOP_ADDRESS, *PIP_NEXT_HOP_ADDRESS;

typedef struct _IPX_SPECIFIC_DATA {
	DWORD FSD_Flags;
	USHORT FSD_TickCount;
	USHORT FSD_HopCount;
} IPX_SPECIFIC_DATA, *PIPX_SPECIFIC_DATA;

#define IPX_GLOBAL_CLIENT_WAN_ROUTE 0x00000001

typedef struct _IP_SPECIFIC_DATA {
	DWORD FSD_Type;
	DWORD FSD_Policy;
	DWORD FSD_NextHopAS;
	DWORD FSD_Priority;
	DWORD FSD_Metric;
	DWORD FSD_Metric1;
	DWORD FSD_Metric2;
	DWORD FSD_Metric3;
	DWORD FSD_Metric4;
	DWORD FSD_Metric5;
	DWORD FSD_Flags;
} IP_SPECIFIC_DATA, *PIP_SPECIFIC_DATA;

#define IP_VALID_ROUTE 0x00000001
#define ClearRouteFlags(pRoute) ((pRoute)->RR_FamilySpecificData.FSD_Flags = 0x00000000)
#define IsRouteValid(pRoute) ((pRoute)->RR_FamilySpecificData.FSD_Flags & IP_VALID_ROUTE)
#define SetRouteValid(pRoute) ((pRoute)->RR_FamilySpecificData.FSD_Flags |= IP_VALID_ROUTE)
#define ClearRouteValid(pRoute) ((pRoute)->RR_FamilySpecificData.FSD_Flags &= ~IP_VALID_ROUTE)
#define IsRouteNonUnicast(pRoute) \
	(((DWORD)((pRoute)->RR_Network.N_NetNumber & 0x000000FF)) >= ((DWORD)0x000000E0))
#define IsRouteLoopback(pRoute) \
	((((pRoute)->RR_Network.N_NetNumber & 0x000000FF) == 0x0000007F) || \
	 ((pRoute)->RR_NextHopAddress.N_NetNumber == 0x0100007F))

typedef struct _PROTOCOL_SPECIFIC_DATA {
	DWORD PSD_Data[4];
} PROTOCOL_SPECIFIC_DATA, *PPROTOCOL_SPECIFIC_DATA;

typedef struct _RTM_IPX_ROUTE {
	FILETIME RR_TimeStamp;
	DWORD RR_RoutingProtocol;
	DWORD RR_InterfaceID;
	PROTOCOL_SPECIFIC_DATA RR_ProtocolSpecificData;
	IPX_NETWORK RR_Network;
	union {
		IPX_NEXT_HOP_ADDRESS RR_NextHopAddress;
		DWORD RR_NextHopAddressAlign[2];
	};
	IPX_SPECIFIC_DATA RR_FamilySpecificData;
} RTM_IPX_ROUTE, *PRTM_IPX_ROUTE;

typedef struct _RTM_IP_ROUTE {
	FILETIME RR_TimeStamp;
	DWORD RR_RoutingProtocol;
	DWORD RR_InterfaceID;
	PROTOCOL_SPECIFIC_DATA RR_ProtocolSpecificData;
	IP_NETWORK RR_Network;
	IP_NEXT_HOP_ADDRESS RR_NextHopAddress;
	IP_SPECIFIC_DATA RR_FamilySpecificData;
} RTM_IP_ROUTE, *PRTM_IP_ROUTE;

_Static_assert(sizeof(RTM_IP_ROUTE) == 92, "RTM_IP_ROUTE is 92 bytes");
_Static_assert(sizeof(RTM_IPX_ROUTE) == 52, "RTM_IPX_ROUTE is 52 bytes");
_Static_assert(sizeof(RTM_IP_ROUTE) == sizeof(struct rtm_ip_route),
	       "rtm_ip_route mirrors RTM_IP_ROUTE");
_Static_assert(sizeof(RTM_IPX_ROUTE) == sizeof(struct rtm_ipx_route),
	       "rtm_ipx_route mirrors RTM_IPX_ROUTE");
_Static_assert(offsetof(RTM_IP_ROUTE, RR_FamilySpecificData) ==
		       offsetof(struct rtm_ip_route, fsd),
	       "same layout");
_Static_assert(offsetof(RTM_IPX_ROUTE, RR_FamilySpecificData) ==
		       offsetof(struct rtm_ipx_route, fsd),
	       "same layout");

#define RTM_CURRENT_BEST_ROUTE  RTM_CHANGE_CURRENT
#define RTM_PREVIOUS_BEST_ROUTE RTM_CHANGE_PREVIOUS
#define RTM_NO_CHANGE           RTM_CHANGE_NONE
#define RTM_ROUTE_ADDED         RTM_CHANGE_ADDED
#define RTM_ROUTE_DELETED       RTM_CHANGE_DELETED
#define RTM_ROUTE_CHANGED       RTM_CHANGE_CHANGED

#define RTM_PROTOCOL_SINGLE_ROUTE RTM_SINGLE_ROUTE

HANDLE WINAPI RtmRegisterClient(DWORD ProtocolFamily, DWORD RoutingProtocol,
				HANDLE ChangeEvent, DWORD Flags);
DWORD WINAPI RtmDeregisterClient(HANDLE ClientHandle);
DWORD WINAPI RtmDequeueRouteChangeMessage(HANDLE ClientHandle, DWORD *Flags,
					  PVOID CurBestRoute,
					  PVOID PrevBestRoute);
DWORD WINAPI RtmAddRoute(HANDLE ClientHandle, PVOID Route, DWORD TimeToLive,
			 DWORD *Flags, PVOID CurBestRoute, PVOID PrevBestRoute);
DWORD WINAPI RtmDeleteRoute(HANDLE ClientHandle, PVOID Route, DWORD *Flags,
			    PVOID CurBestRoute);
WINBOOL WINAPI RtmIsRoute(DWORD ProtocolFamily, PVOID Network,
			  PVOID BestRoute);
ULONG WINAPI RtmGetNetworkCount(DWORD ProtocolFamily);
ULONG WINAPI RtmGetRouteAge(PVOID Route);
HANDLE WINAPI RtmCreateEnumerationHandle(DWORD ProtocolFamily,
					 DWORD EnumerationFlags,
					 PVOID CriteriaRoute);
DWORD WINAPI RtmEnumerateGetNextRoute(HANDLE EnumerationHandle, PVOID Route);
DWORD WINAPI RtmCloseEnumerationHandle(HANDLE EnumerationHandle);
DWORD WINAPI RtmBlockDeleteRoutes(HANDLE ClientHandle, DWORD EnumerationFlags,
				  PVOID CriteriaRoute);
DWORD WINAPI RtmGetFirstRoute(DWORD ProtocolFamily, DWORD EnumerationFlags,
			      PVOID Route);
#define RtmGetSpecificRoute(ProtocolFamily, Route) \
	RtmGetFirstRoute(ProtocolFamily,                 \
			 RTM_ONLY_THIS_NETWORK | RTM_ONLY_THIS_PROTOCOL | RTM_ONLY_THIS_INTERFACE, \
			 Route)
DWORD WINAPI RtmGetNextRoute(DWORD ProtocolFamily, DWORD EnumerationFlags,
			     PVOID Route);
WINBOOL WINAPI RtmLookupIPDestination(DWORD dwDestAddr, PRTM_IP_ROUTE prir);

#ifdef __cplusplus
}
#endif

#endif /* RTM_COMPAT_H */
