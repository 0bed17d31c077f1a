/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MGM_COMPAT_H
#define MGM_COMPAT_H

/**
 * @file
 * The documented Windows RRAS Multicast Group Manager API (mgm.h plus the
 * ipmib.h MFE records), so code written against it compiles and runs
 * unchanged on lib/mgm's process-wide default instance (mgm_default()),
 * with no set-up call.
 *
 * Every function returns the winerror.h code; the numbers are those of
 * enum mgm_status.  HANDLEs are mgm_handle_t values carried in a pointer.
 * The records below are laid out byte for byte like their mgm.h twins
 * (checked at compile time), so buffers filled by either API can be read
 * through the other.
 *
 * Threads and callbacks: as mgm.h.  The callbacks get exactly the
 * documented arguments (no context pointer); their return values are
 * ignored.
 */

#include <stddef.h>
#include <stdint.h>

#include "mgm.h"
#include "rtm_compat.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Protocol ids (routprot.h) ----------------------------------------- */
#ifndef PROTO_IP_OTHER
#define PROTO_IP_OTHER   1
#define PROTO_IP_LOCAL   2
#define PROTO_IP_NETMGMT 3
#define PROTO_IP_RIP     8
#define PROTO_IP_MSDP    9
#define PROTO_IP_IGMP    10
#define PROTO_IP_BGMP    11
#define PROTO_IP_OSPF    13
#define PROTO_IP_MGM     10009
#endif
_Static_assert(PROTO_IP_IGMP == MGM_PROTO_IP_IGMP, "MGM knows IGMP by this id");
_Static_assert(PROTO_IP_MGM == MGM_PROTO_IP_MGM, "same MGM id");

/*
 * MGM_JOIN_STATE_FLAG, MGM_FORWARD_STATE_FLAG, MGM_MFE_STATS_0 and
 * MGM_MFE_STATS_1 already come from mgm.h with the documented values.
 */
_Static_assert(MGM_JOIN_STATE_FLAG == 0x00000001, "documented value");
_Static_assert(MGM_FORWARD_STATE_FLAG == 0x00000002, "documented value");
_Static_assert(MGM_MFE_STATS_0 == 0x00000001, "documented value");
_Static_assert(MGM_MFE_STATS_1 == 0x00000002, "documented value");

typedef enum _MGM_ENUM_TYPES {
	ANY_SOURCE = MGM_ENUM_ANY_SOURCE,
	ALL_SOURCES = MGM_ENUM_ALL_SOURCES,
} MGM_ENUM_TYPES;

/* Records ---------------------------------------------------------- */

typedef struct _MGM_IF_ENTRY {
	DWORD dwIfIndex;
	DWORD dwIfNextHopAddr;
	BOOL bIGMP;
	BOOL bIsEnabled;
} MGM_IF_ENTRY, *PMGM_IF_ENTRY;

typedef struct _SOURCE_GROUP_ENTRY {
	DWORD dwSourceAddr;
	DWORD dwSourceMask;
	DWORD dwGroupAddr;
	DWORD dwGroupMask;
} SOURCE_GROUP_ENTRY, *PSOURCE_GROUP_ENTRY;

/* XP+ layouts: the reserved slots are DWORDs (W2K had a PVOID), so the
 * records have the same size on 32- and 64-bit builds. */
typedef struct _MIB_IPMCAST_OIF {
	DWORD dwOutIfIndex;
	DWORD dwNextHopAddr;
	DWORD dwReserved;
	DWORD dwReserved1;
} MIB_IPMCAST_OIF, *PMIB_IPMCAST_OIF;

typedef struct _MIB_IPMCAST_MFE {
	DWORD dwGroup;
	DWORD dwSource;
	DWORD dwSrcMask;
	DWORD dwUpStrmNgbr;
	DWORD dwInIfIndex;
	DWORD dwInIfProtocol;
	DWORD dwRouteProtocol;
	DWORD dwRouteNetwork;
	DWORD dwRouteMask;
	ULONG ulUpTime;     /* seconds */
	ULONG ulExpiryTime; /* seconds */
	ULONG ulTimeOut;    /* seconds */
	ULONG ulNumOutIf;
	DWORD fFlags;
	DWORD dwReserved;
	MIB_IPMCAST_OIF rgmioOutInfo[1]; /* ulNumOutIf entries */
} MIB_IPMCAST_MFE, *PMIB_IPMCAST_MFE;

typedef struct _MIB_IPMCAST_OIF_STATS {
	DWORD dwOutIfIndex;
	DWORD dwNextHopAddr;
	DWORD dwDialContext;
	ULONG ulTtlTooLow;
	ULONG ulFragNeeded;
	ULONG ulOutPackets;
	ULONG ulOutDiscards;
} MIB_IPMCAST_OIF_STATS, *PMIB_IPMCAST_OIF_STATS;

typedef struct _MIB_IPMCAST_MFE_STATS {
	DWORD dwGroup;
	DWORD dwSource;
	DWORD dwSrcMask;
	DWORD dwUpStrmNgbr;
	DWORD dwInIfIndex;
	DWORD dwInIfProtocol;
	DWORD dwRouteProtocol;
	DWORD dwRouteNetwork;
	DWORD dwRouteMask;
	ULONG ulUpTime;     /* 1/100 s */
	ULONG ulExpiryTime; /* 1/100 s */
	ULONG ulNumOutIf;
	ULONG ulInPkts;
	ULONG ulInOctets;
	ULONG ulPktsDifferentIf;
	ULONG ulQueueOverflow;
	MIB_IPMCAST_OIF_STATS rgmiosOutStats[1];
} MIB_IPMCAST_MFE_STATS, *PMIB_IPMCAST_MFE_STATS;

typedef struct _MIB_IPMCAST_MFE_STATS_EX {
	DWORD dwGroup;
	DWORD dwSource;
	DWORD dwSrcMask;
	DWORD dwUpStrmNgbr;
	DWORD dwInIfIndex;
	DWORD dwInIfProtocol;
	DWORD dwRouteProtocol;
	DWORD dwRouteNetwork;
	DWORD dwRouteMask;
	ULONG ulUpTime;
	ULONG ulExpiryTime;
	ULONG ulNumOutIf;
	ULONG ulInPkts;
	ULONG ulInOctets;
	ULONG ulPktsDifferentIf;
	ULONG ulQueueOverflow;
	ULONG ulUninitMfe;
	ULONG ulNegativeMfe;
	ULONG ulInDiscards;
	ULONG ulInHdrErrors;
	ULONG ulTotalOutPackets;
	MIB_IPMCAST_OIF_STATS rgmiosOutStats[1];
} MIB_IPMCAST_MFE_STATS_EX, *PMIB_IPMCAST_MFE_STATS_EX;

#define SIZEOF_BASIC_MIB_MFE ((ULONG)offsetof(MIB_IPMCAST_MFE, rgmioOutInfo))
#define SIZEOF_MIB_MFE(X) \
	((ULONG)(SIZEOF_BASIC_MIB_MFE + (X) * sizeof(MIB_IPMCAST_OIF)))
#define SIZEOF_BASIC_MIB_MFE_STATS \
	((ULONG)offsetof(MIB_IPMCAST_MFE_STATS, rgmiosOutStats))
#define SIZEOF_MIB_MFE_STATS(X) \
	((ULONG)(SIZEOF_BASIC_MIB_MFE_STATS + (X) * sizeof(MIB_IPMCAST_OIF_STATS)))
#define SIZEOF_BASIC_MIB_MFE_STATS_EX \
	((ULONG)offsetof(MIB_IPMCAST_MFE_STATS_EX, rgmiosOutStats))
#define SIZEOF_MIB_MFE_STATS_EX(X) \
	((ULONG)(SIZEOF_BASIC_MIB_MFE_STATS_EX + (X) * sizeof(MIB_IPMCAST_OIF_STATS)))

/* Layout checks: a Windows record and its mgm.h twin must be the same
 * bytes, or buffers and callback lists could not be shared. */
#define MGM_COMPAT_SAME_FIELD(wt, wf, lt, lf)                            \
	_Static_assert(offsetof(wt, wf) == offsetof(lt, lf) &&           \
			       sizeof(((wt *)0)->wf) == sizeof(((lt *)0)->lf), \
		       #wt "." #wf " mirrors " #lt "." #lf)

_Static_assert(sizeof(MGM_IF_ENTRY) == 16, "MGM_IF_ENTRY is 16 bytes");
_Static_assert(sizeof(MGM_IF_ENTRY) == sizeof(struct mgm_if_entry), "twin");
MGM_COMPAT_SAME_FIELD(MGM_IF_ENTRY, dwIfIndex, struct mgm_if_entry, ifindex);
MGM_COMPAT_SAME_FIELD(MGM_IF_ENTRY, dwIfNextHopAddr, struct mgm_if_entry, nexthop);
MGM_COMPAT_SAME_FIELD(MGM_IF_ENTRY, bIGMP, struct mgm_if_entry, igmp);
MGM_COMPAT_SAME_FIELD(MGM_IF_ENTRY, bIsEnabled, struct mgm_if_entry, enabled);

_Static_assert(sizeof(SOURCE_GROUP_ENTRY) == 16, "SOURCE_GROUP_ENTRY is 16 bytes");
_Static_assert(sizeof(SOURCE_GROUP_ENTRY) == sizeof(struct mgm_source_group), "twin");
MGM_COMPAT_SAME_FIELD(SOURCE_GROUP_ENTRY, dwSourceAddr, struct mgm_source_group, source);
MGM_COMPAT_SAME_FIELD(SOURCE_GROUP_ENTRY, dwSourceMask, struct mgm_source_group, source_mask);
MGM_COMPAT_SAME_FIELD(SOURCE_GROUP_ENTRY, dwGroupAddr, struct mgm_source_group, group);
MGM_COMPAT_SAME_FIELD(SOURCE_GROUP_ENTRY, dwGroupMask, struct mgm_source_group, group_mask);

_Static_assert(sizeof(MIB_IPMCAST_OIF) == 16, "MIB_IPMCAST_OIF is 16 bytes");
_Static_assert(sizeof(MIB_IPMCAST_OIF) == sizeof(struct mgm_oif), "twin");
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_OIF, dwOutIfIndex, struct mgm_oif, ifindex);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_OIF, dwNextHopAddr, struct mgm_oif, nexthop);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_OIF, dwReserved, struct mgm_oif, reserved);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_OIF, dwReserved1, struct mgm_oif, reserved1);

_Static_assert(SIZEOF_BASIC_MIB_MFE == 60, "MIB_IPMCAST_MFE fixed part is 60 bytes");
_Static_assert(SIZEOF_MIB_MFE(3) == 60 + 3 * 16, "60 + 16n");
_Static_assert(SIZEOF_BASIC_MIB_MFE == sizeof(struct mgm_mfe), "twin");
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE, dwGroup, struct mgm_mfe, group);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE, dwSource, struct mgm_mfe, source);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE, dwSrcMask, struct mgm_mfe, source_mask);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE, dwUpStrmNgbr, struct mgm_mfe, upstream_nbr);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE, dwInIfIndex, struct mgm_mfe, in_ifindex);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE, dwInIfProtocol, struct mgm_mfe, in_if_protocol);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE, dwRouteProtocol, struct mgm_mfe, route_protocol);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE, dwRouteNetwork, struct mgm_mfe, route_network);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE, dwRouteMask, struct mgm_mfe, route_mask);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE, ulUpTime, struct mgm_mfe, uptime_s);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE, ulExpiryTime, struct mgm_mfe, expiry_s);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE, ulTimeOut, struct mgm_mfe, timeout_s);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE, ulNumOutIf, struct mgm_mfe, num_oif);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE, fFlags, struct mgm_mfe, flags);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE, dwReserved, struct mgm_mfe, reserved);
_Static_assert(offsetof(MIB_IPMCAST_MFE, rgmioOutInfo) == offsetof(struct mgm_mfe, oif),
	       "OIF array at the same offset");

_Static_assert(sizeof(MIB_IPMCAST_OIF_STATS) == 28, "MIB_IPMCAST_OIF_STATS is 28 bytes");
_Static_assert(sizeof(MIB_IPMCAST_OIF_STATS) == sizeof(struct mgm_oif_stats), "twin");
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_OIF_STATS, dwOutIfIndex, struct mgm_oif_stats, ifindex);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_OIF_STATS, dwNextHopAddr, struct mgm_oif_stats, nexthop);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_OIF_STATS, dwDialContext, struct mgm_oif_stats, dial_context);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_OIF_STATS, ulTtlTooLow, struct mgm_oif_stats, ttl_too_low);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_OIF_STATS, ulFragNeeded, struct mgm_oif_stats, frag_needed);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_OIF_STATS, ulOutPackets, struct mgm_oif_stats, out_packets);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_OIF_STATS, ulOutDiscards, struct mgm_oif_stats, out_discards);

/* The 16 scalars both statistics records start with. */
#define MGM_COMPAT_STATS_HEAD(wt, lt)                                      \
	MGM_COMPAT_SAME_FIELD(wt, dwGroup, lt, group);                     \
	MGM_COMPAT_SAME_FIELD(wt, dwSource, lt, source);                   \
	MGM_COMPAT_SAME_FIELD(wt, dwSrcMask, lt, source_mask);             \
	MGM_COMPAT_SAME_FIELD(wt, dwUpStrmNgbr, lt, upstream_nbr);         \
	MGM_COMPAT_SAME_FIELD(wt, dwInIfIndex, lt, in_ifindex);            \
	MGM_COMPAT_SAME_FIELD(wt, dwInIfProtocol, lt, in_if_protocol);     \
	MGM_COMPAT_SAME_FIELD(wt, dwRouteProtocol, lt, route_protocol);    \
	MGM_COMPAT_SAME_FIELD(wt, dwRouteNetwork, lt, route_network);      \
	MGM_COMPAT_SAME_FIELD(wt, dwRouteMask, lt, route_mask);            \
	MGM_COMPAT_SAME_FIELD(wt, ulUpTime, lt, uptime_cs);                \
	MGM_COMPAT_SAME_FIELD(wt, ulExpiryTime, lt, expiry_cs);            \
	MGM_COMPAT_SAME_FIELD(wt, ulNumOutIf, lt, num_oif);                \
	MGM_COMPAT_SAME_FIELD(wt, ulInPkts, lt, in_pkts);                  \
	MGM_COMPAT_SAME_FIELD(wt, ulInOctets, lt, in_octets);              \
	MGM_COMPAT_SAME_FIELD(wt, ulPktsDifferentIf, lt, pkts_different_if); \
	MGM_COMPAT_SAME_FIELD(wt, ulQueueOverflow, lt, queue_overflow)

_Static_assert(SIZEOF_BASIC_MIB_MFE_STATS == 64, "MIB_IPMCAST_MFE_STATS fixed part is 64 bytes");
_Static_assert(SIZEOF_MIB_MFE_STATS(2) == 64 + 2 * 28, "64 + 28n");
_Static_assert(SIZEOF_BASIC_MIB_MFE_STATS == sizeof(struct mgm_mfe_stats), "twin");
MGM_COMPAT_STATS_HEAD(MIB_IPMCAST_MFE_STATS, struct mgm_mfe_stats);
_Static_assert(offsetof(MIB_IPMCAST_MFE_STATS, rgmiosOutStats) ==
		       offsetof(struct mgm_mfe_stats, oif),
	       "OIF array at the same offset");

_Static_assert(SIZEOF_BASIC_MIB_MFE_STATS_EX == 84, "MIB_IPMCAST_MFE_STATS_EX fixed part is 84 bytes");
_Static_assert(SIZEOF_MIB_MFE_STATS_EX(2) == 84 + 2 * 28, "84 + 28n");
_Static_assert(SIZEOF_BASIC_MIB_MFE_STATS_EX == sizeof(struct mgm_mfe_stats_ex), "twin");
MGM_COMPAT_STATS_HEAD(MIB_IPMCAST_MFE_STATS_EX, struct mgm_mfe_stats_ex);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE_STATS_EX, ulUninitMfe, struct mgm_mfe_stats_ex, uninit_mfe);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE_STATS_EX, ulNegativeMfe, struct mgm_mfe_stats_ex, negative_mfe);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE_STATS_EX, ulInDiscards, struct mgm_mfe_stats_ex, in_discards);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE_STATS_EX, ulInHdrErrors, struct mgm_mfe_stats_ex, in_hdr_errors);
MGM_COMPAT_SAME_FIELD(MIB_IPMCAST_MFE_STATS_EX, ulTotalOutPackets, struct mgm_mfe_stats_ex, total_out_packets);
_Static_assert(offsetof(MIB_IPMCAST_MFE_STATS_EX, rgmiosOutStats) ==
		       offsetof(struct mgm_mfe_stats_ex, oif),
	       "OIF array at the same offset");

/* Callbacks (return values are ignored by MGM) ----------------------- */

typedef DWORD(WINAPI *PMGM_RPF_CALLBACK)(DWORD dwSourceAddr,
					 DWORD dwSourceMask,
					 DWORD dwGroupAddr, DWORD dwGroupMask,
					 PDWORD pdwInIfIndex,
					 PDWORD pdwInIfNextHopAddr,
					 PDWORD pdwUpStreamNbr,
					 DWORD dwHdrSize, PBYTE pbPacketHdr,
					 PBYTE pbRoute);
typedef DWORD(WINAPI *PMGM_CREATION_ALERT_CALLBACK)(
	DWORD dwSourceAddr, DWORD dwSourceMask, DWORD dwGroupAddr,
	DWORD dwGroupMask, DWORD dwInIfIndex, DWORD dwInIfNextHopAddr,
	DWORD dwIfCount, PMGM_IF_ENTRY pmieOutIfList);
typedef DWORD(WINAPI *PMGM_PRUNE_ALERT_CALLBACK)(
	DWORD dwSourceAddr, DWORD dwSourceMask, DWORD dwGroupAddr,
	DWORD dwGroupMask, DWORD dwIfIndex, DWORD dwIfNextHopAddr,
	BOOL bMemberDelete, PDWORD pdwTimeout);
typedef DWORD(WINAPI *PMGM_JOIN_ALERT_CALLBACK)(DWORD dwSourceAddr,
						DWORD dwSourceMask,
						DWORD dwGroupAddr,
						DWORD dwGroupMask,
						BOOL bMemberUpdate);
typedef DWORD(WINAPI *PMGM_WRONG_IF_CALLBACK)(DWORD dwSourceAddr,
					      DWORD dwGroupAddr,
					      DWORD dwIfIndex,
					      DWORD dwIfNextHopAddr,
					      DWORD dwHdrSize,
					      PBYTE pbPacketHdr);
typedef DWORD(WINAPI *PMGM_LOCAL_JOIN_CALLBACK)(DWORD dwSourceAddr,
						DWORD dwSourceMask,
						DWORD dwGroupAddr,
						DWORD dwGroupMask,
						DWORD dwIfIndex,
						DWORD dwIfNextHopAddr);
typedef DWORD(WINAPI *PMGM_LOCAL_LEAVE_CALLBACK)(DWORD dwSourceAddr,
						 DWORD dwSourceMask,
						 DWORD dwGroupAddr,
						 DWORD dwGroupMask,
						 DWORD dwIfIndex,
						 DWORD dwIfNextHopAddr);
typedef DWORD(WINAPI *PMGM_DISABLE_IGMP_CALLBACK)(DWORD dwIfIndex,
						  DWORD dwIfNextHopAddr);
typedef DWORD(WINAPI *PMGM_ENABLE_IGMP_CALLBACK)(DWORD dwIfIndex,
						 DWORD dwIfNextHopAddr);

typedef struct _ROUTING_PROTOCOL_CONFIG {
	DWORD dwCallbackFlags; /* reserved; ignored */
	PMGM_RPF_CALLBACK pfnRpfCallback;
	PMGM_CREATION_ALERT_CALLBACK pfnCreationAlertCallback;
	PMGM_PRUNE_ALERT_CALLBACK pfnPruneAlertCallback;
	PMGM_JOIN_ALERT_CALLBACK pfnJoinAlertCallback;
	PMGM_WRONG_IF_CALLBACK pfnWrongIfCallback;
	PMGM_LOCAL_JOIN_CALLBACK pfnLocalJoinCallback;
	PMGM_LOCAL_LEAVE_CALLBACK pfnLocalLeaveCallback;
	PMGM_DISABLE_IGMP_CALLBACK pfnDisableIgmpCallback;
	PMGM_ENABLE_IGMP_CALLBACK pfnEnableIgmpCallback;
} ROUTING_PROTOCOL_CONFIG, *PROUTING_PROTOCOL_CONFIG;

/* Functions ----------------------------------------------------------- */

/** NULL prpiInfo or phProtocol: ERROR_INVALID_PARAMETER.  NULL callback
 *  pointers are allowed (that callback is skipped); the config is copied. */
DWORD WINAPI MgmRegisterMProtocol(PROUTING_PROTOCOL_CONFIG prpiInfo,
				  DWORD dwProtocolId, DWORD dwComponentId,
				  HANDLE *phProtocol);
DWORD WINAPI MgmDeRegisterMProtocol(HANDLE hProtocol);

DWORD WINAPI MgmTakeInterfaceOwnership(HANDLE hProtocol, DWORD dwIfIndex,
				       DWORD dwIfNextHopAddr);
DWORD WINAPI MgmReleaseInterfaceOwnership(HANDLE hProtocol, DWORD dwIfIndex,
					  DWORD dwIfNextHopAddr);
DWORD WINAPI MgmGetProtocolOnInterface(DWORD dwIfIndex, DWORD dwIfNextHopAddr,
				       PDWORD pdwIfProtocolId,
				       PDWORD pdwIfComponentId);

DWORD WINAPI MgmAddGroupMembershipEntry(HANDLE hProtocol, DWORD dwSourceAddr,
					DWORD dwSourceMask, DWORD dwGroupAddr,
					DWORD dwGroupMask, DWORD dwIfIndex,
					DWORD dwIfNextHopIPAddr,
					DWORD dwFlags);
DWORD WINAPI MgmDeleteGroupMembershipEntry(HANDLE hProtocol,
					   DWORD dwSourceAddr,
					   DWORD dwSourceMask,
					   DWORD dwGroupAddr,
					   DWORD dwGroupMask, DWORD dwIfIndex,
					   DWORD dwIfNextHopIPAddr,
					   DWORD dwFlags);

DWORD WINAPI MgmGetMfe(PMIB_IPMCAST_MFE pimm, PDWORD pdwBufferSize,
		       PBYTE pbBuffer);
DWORD WINAPI MgmGetFirstMfe(PDWORD pdwBufferSize, PBYTE pbBuffer,
			    PDWORD pdwNumEntries);
DWORD WINAPI MgmGetNextMfe(PMIB_IPMCAST_MFE pimmStart, PDWORD pdwBufferSize,
			   PBYTE pbBuffer, PDWORD pdwNumEntries);
DWORD WINAPI MgmGetMfeStats(PMIB_IPMCAST_MFE pimm, PDWORD pdwBufferSize,
			    PBYTE pbBuffer, DWORD dwFlags);
DWORD WINAPI MgmGetFirstMfeStats(PDWORD pdwBufferSize, PBYTE pbBuffer,
				 PDWORD pdwNumEntries, DWORD dwFlags);
DWORD WINAPI MgmGetNextMfeStats(PMIB_IPMCAST_MFE pimmStart,
				PDWORD pdwBufferSize, PBYTE pbBuffer,
				PDWORD pdwNumEntries, DWORD dwFlags);
DWORD WINAPI MgmSetMfe(HANDLE hProtocol, PMIB_IPMCAST_MFE pmimm);

DWORD WINAPI MgmGroupEnumerationStart(HANDLE hProtocol,
				      MGM_ENUM_TYPES metEnumType,
				      HANDLE *phEnumHandle);
DWORD WINAPI MgmGroupEnumerationGetNext(HANDLE hEnum, PDWORD pdwBufferSize,
					PBYTE pbBuffer,
					PDWORD pdwNumEntries);
DWORD WINAPI MgmGroupEnumerationEnd(HANDLE hEnum);

#ifdef __cplusplus
}
#endif

#endif /* MGM_COMPAT_H */
