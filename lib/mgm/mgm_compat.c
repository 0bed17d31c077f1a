/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Windows MGM API on the default instance.  Callbacks are forwarded by
 * trampolines whose ctx is a heap copy of the caller's
 * ROUTING_PROTOCOL_CONFIG: the documented prototypes carry no context, so
 * the config itself is the context.
 */

#include <pthread.h>
#include <stdlib.h>

#include "mgm_compat.h"

/*
 * Copies we allocated, so MgmDeRegisterMProtocol frees only its own: a
 * handle registered through mgm.h directly has a ctx we must not touch.
 */
struct mgm_compat_proto {
	ROUTING_PROTOCOL_CONFIG cfg;
	struct mgm_compat_proto *next;
};

static pthread_mutex_t mgm_compat_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mgm_compat_proto *mgm_compat_protos;

static void
mgm_compat_track(struct mgm_compat_proto *p)
{
	pthread_mutex_lock(&mgm_compat_lock);
	p->next = mgm_compat_protos;
	mgm_compat_protos = p;
	pthread_mutex_unlock(&mgm_compat_lock);
}

/* Unlink @p ctx if it is one of ours; true when it was. */
static bool
mgm_compat_untrack(void *ctx)
{
	struct mgm_compat_proto **pp;
	bool found = false;

	pthread_mutex_lock(&mgm_compat_lock);
	for (pp = &mgm_compat_protos; *pp != NULL; pp = &(*pp)->next) {
		if ((void *)*pp == ctx) {
			*pp = (*pp)->next;
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&mgm_compat_lock);
	return found;
}

static inline HANDLE
mgm_compat_to_handle(mgm_handle_t h)
{
	return (HANDLE)(uintptr_t)h;
}

static inline mgm_handle_t
mgm_compat_from_handle(HANDLE h)
{
	return (mgm_handle_t)(uintptr_t)h;
}

static inline const ROUTING_PROTOCOL_CONFIG *
mgm_compat_cfg(void *ctx)
{
	return &((struct mgm_compat_proto *)ctx)->cfg;
}

/* Trampolines -------------------------------------------------------- */

static uint32_t
mgm_compat_rpf(void *ctx, uint32_t source, uint32_t source_mask,
	       uint32_t group, uint32_t group_mask, uint32_t *in_ifindex,
	       uint32_t *in_nexthop, uint32_t *upstream_nbr, uint32_t hdr_size,
	       uint8_t *hdr, uint8_t *route)
{
	return mgm_compat_cfg(ctx)->pfnRpfCallback(source, source_mask, group,
						   group_mask, in_ifindex,
						   in_nexthop, upstream_nbr,
						   hdr_size, hdr, route);
}

static uint32_t
mgm_compat_creation_alert(void *ctx, uint32_t source, uint32_t source_mask,
			  uint32_t group, uint32_t group_mask,
			  uint32_t in_ifindex, uint32_t in_nexthop,
			  uint32_t count, struct mgm_if_entry *oifs)
{
	/* Same layout (asserted in mgm_compat.h): vetoes land in MGM's list. */
	return mgm_compat_cfg(ctx)->pfnCreationAlertCallback(
		source, source_mask, group, group_mask, in_ifindex,
		in_nexthop, count, (PMGM_IF_ENTRY)(void *)oifs);
}

static uint32_t
mgm_compat_prune_alert(void *ctx, uint32_t source, uint32_t source_mask,
		       uint32_t group, uint32_t group_mask, uint32_t ifindex,
		       uint32_t nexthop, int32_t member_delete,
		       uint32_t *timeout_s)
{
	return mgm_compat_cfg(ctx)->pfnPruneAlertCallback(
		source, source_mask, group, group_mask, ifindex, nexthop,
		member_delete, timeout_s);
}

static uint32_t
mgm_compat_join_alert(void *ctx, uint32_t source, uint32_t source_mask,
		      uint32_t group, uint32_t group_mask,
		      int32_t member_update)
{
	return mgm_compat_cfg(ctx)->pfnJoinAlertCallback(
		source, source_mask, group, group_mask, member_update);
}

static uint32_t
mgm_compat_wrong_if(void *ctx, uint32_t source, uint32_t group,
		    uint32_t ifindex, uint32_t nexthop, uint32_t hdr_size,
		    uint8_t *hdr)
{
	return mgm_compat_cfg(ctx)->pfnWrongIfCallback(source, group, ifindex,
						       nexthop, hdr_size, hdr);
}

static uint32_t
mgm_compat_local_join(void *ctx, uint32_t source, uint32_t source_mask,
		      uint32_t group, uint32_t group_mask, uint32_t ifindex,
		      uint32_t nexthop)
{
	return mgm_compat_cfg(ctx)->pfnLocalJoinCallback(
		source, source_mask, group, group_mask, ifindex, nexthop);
}

static uint32_t
mgm_compat_local_leave(void *ctx, uint32_t source, uint32_t source_mask,
		       uint32_t group, uint32_t group_mask, uint32_t ifindex,
		       uint32_t nexthop)
{
	return mgm_compat_cfg(ctx)->pfnLocalLeaveCallback(
		source, source_mask, group, group_mask, ifindex, nexthop);
}

static uint32_t
mgm_compat_disable_igmp(void *ctx, uint32_t ifindex, uint32_t nexthop)
{
	return mgm_compat_cfg(ctx)->pfnDisableIgmpCallback(ifindex, nexthop);
}

static uint32_t
mgm_compat_enable_igmp(void *ctx, uint32_t ifindex, uint32_t nexthop)
{
	return mgm_compat_cfg(ctx)->pfnEnableIgmpCallback(ifindex, nexthop);
}

/* Registration --------------------------------------------------------- */

DWORD WINAPI
MgmRegisterMProtocol(PROUTING_PROTOCOL_CONFIG prpiInfo, DWORD dwProtocolId,
		     DWORD dwComponentId, HANDLE *phProtocol)
{
	struct mgm_protocol_ops ops = {0};
	struct mgm_compat_proto *p;
	struct mgm *m;
	mgm_handle_t h;
	enum mgm_status st;

	if (prpiInfo == NULL || phProtocol == NULL)
		return ERROR_INVALID_PARAMETER;
	m = mgm_default();
	if (m == NULL)
		return ERROR_CAN_NOT_COMPLETE;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return ERROR_NOT_ENOUGH_MEMORY;
	p->cfg = *prpiInfo;

	/* A NULL Windows callback leaves its op NULL so MGM skips it. */
	if (p->cfg.pfnRpfCallback != NULL)
		ops.rpf = mgm_compat_rpf;
	if (p->cfg.pfnCreationAlertCallback != NULL)
		ops.creation_alert = mgm_compat_creation_alert;
	if (p->cfg.pfnPruneAlertCallback != NULL)
		ops.prune_alert = mgm_compat_prune_alert;
	if (p->cfg.pfnJoinAlertCallback != NULL)
		ops.join_alert = mgm_compat_join_alert;
	if (p->cfg.pfnWrongIfCallback != NULL)
		ops.wrong_if = mgm_compat_wrong_if;
	if (p->cfg.pfnLocalJoinCallback != NULL)
		ops.local_join = mgm_compat_local_join;
	if (p->cfg.pfnLocalLeaveCallback != NULL)
		ops.local_leave = mgm_compat_local_leave;
	if (p->cfg.pfnDisableIgmpCallback != NULL)
		ops.disable_igmp = mgm_compat_disable_igmp;
	if (p->cfg.pfnEnableIgmpCallback != NULL)
		ops.enable_igmp = mgm_compat_enable_igmp;

	/* Track before registering: a callback may fire as soon as the
	 * handle exists on another thread. */
	mgm_compat_track(p);
	st = mgm_register_protocol(m, &ops, p, dwProtocolId, dwComponentId, &h);
	if (st != MGM_OK) {
		mgm_compat_untrack(p);
		free(p);
		return (DWORD)st;
	}
	*phProtocol = mgm_compat_to_handle(h);
	return NO_ERROR;
}

DWORD WINAPI
MgmDeRegisterMProtocol(HANDLE hProtocol)
{
	mgm_handle_t h = mgm_compat_from_handle(hProtocol);
	struct mgm *m = mgm_default();
	enum mgm_status st;
	void *ctx;

	if (m == NULL)
		return ERROR_CAN_NOT_COMPLETE;
	/* The ctx is unreachable once the handle is dead: fetch it first. */
	ctx = mgm_protocol_ctx(m, h);
	st = mgm_deregister_protocol(m, h);
	if (st == MGM_OK && ctx != NULL && mgm_compat_untrack(ctx))
		free(ctx);
	return (DWORD)st;
}

/* Interface ownership -------------------------------------------------- */

DWORD WINAPI
MgmTakeInterfaceOwnership(HANDLE hProtocol, DWORD dwIfIndex,
			  DWORD dwIfNextHopAddr)
{
	struct mgm *m = mgm_default();

	if (m == NULL)
		return ERROR_CAN_NOT_COMPLETE;
	return (DWORD)mgm_take_interface_ownership(
		m, mgm_compat_from_handle(hProtocol), dwIfIndex,
		dwIfNextHopAddr);
}

DWORD WINAPI
MgmReleaseInterfaceOwnership(HANDLE hProtocol, DWORD dwIfIndex,
			     DWORD dwIfNextHopAddr)
{
	struct mgm *m = mgm_default();

	if (m == NULL)
		return ERROR_CAN_NOT_COMPLETE;
	return (DWORD)mgm_release_interface_ownership(
		m, mgm_compat_from_handle(hProtocol), dwIfIndex,
		dwIfNextHopAddr);
}

DWORD WINAPI
MgmGetProtocolOnInterface(DWORD dwIfIndex, DWORD dwIfNextHopAddr,
			  PDWORD pdwIfProtocolId, PDWORD pdwIfComponentId)
{
	struct mgm *m = mgm_default();

	if (m == NULL)
		return ERROR_CAN_NOT_COMPLETE;
	return (DWORD)mgm_get_protocol_on_interface(m, dwIfIndex,
						    dwIfNextHopAddr,
						    pdwIfProtocolId,
						    pdwIfComponentId);
}

/* Group membership ----------------------------------------------------- */

DWORD WINAPI
MgmAddGroupMembershipEntry(HANDLE hProtocol, DWORD dwSourceAddr,
			   DWORD dwSourceMask, DWORD dwGroupAddr,
			   DWORD dwGroupMask, DWORD dwIfIndex,
			   DWORD dwIfNextHopIPAddr, DWORD dwFlags)
{
	struct mgm *m = mgm_default();

	if (m == NULL)
		return ERROR_CAN_NOT_COMPLETE;
	return (DWORD)mgm_add_group_membership(
		m, mgm_compat_from_handle(hProtocol), dwSourceAddr,
		dwSourceMask, dwGroupAddr, dwGroupMask, dwIfIndex,
		dwIfNextHopIPAddr, dwFlags);
}

DWORD WINAPI
MgmDeleteGroupMembershipEntry(HANDLE hProtocol, DWORD dwSourceAddr,
			      DWORD dwSourceMask, DWORD dwGroupAddr,
			      DWORD dwGroupMask, DWORD dwIfIndex,
			      DWORD dwIfNextHopIPAddr, DWORD dwFlags)
{
	struct mgm *m = mgm_default();

	if (m == NULL)
		return ERROR_CAN_NOT_COMPLETE;
	return (DWORD)mgm_delete_group_membership(
		m, mgm_compat_from_handle(hProtocol), dwSourceAddr,
		dwSourceMask, dwGroupAddr, dwGroupMask, dwIfIndex,
		dwIfNextHopIPAddr, dwFlags);
}

/* MFE retrieval --------------------------------------------------------
 * MIB_IPMCAST_MFE and struct mgm_mfe share a layout, so the key and the
 * output buffers pass through as they are. */

DWORD WINAPI
MgmGetMfe(PMIB_IPMCAST_MFE pimm, PDWORD pdwBufferSize, PBYTE pbBuffer)
{
	struct mgm *m = mgm_default();

	if (m == NULL)
		return ERROR_CAN_NOT_COMPLETE;
	return (DWORD)mgm_get_mfe(m, (const struct mgm_mfe *)(void *)pimm,
				  pdwBufferSize, pbBuffer);
}

DWORD WINAPI
MgmGetFirstMfe(PDWORD pdwBufferSize, PBYTE pbBuffer, PDWORD pdwNumEntries)
{
	struct mgm *m = mgm_default();

	if (m == NULL)
		return ERROR_CAN_NOT_COMPLETE;
	return (DWORD)mgm_get_first_mfe(m, pdwBufferSize, pbBuffer,
					pdwNumEntries);
}

DWORD WINAPI
MgmGetNextMfe(PMIB_IPMCAST_MFE pimmStart, PDWORD pdwBufferSize,
	      PBYTE pbBuffer, PDWORD pdwNumEntries)
{
	struct mgm *m = mgm_default();

	if (m == NULL)
		return ERROR_CAN_NOT_COMPLETE;
	return (DWORD)mgm_get_next_mfe(m,
				       (const struct mgm_mfe *)(void *)pimmStart,
				       pdwBufferSize, pbBuffer, pdwNumEntries);
}

DWORD WINAPI
MgmGetMfeStats(PMIB_IPMCAST_MFE pimm, PDWORD pdwBufferSize, PBYTE pbBuffer,
	       DWORD dwFlags)
{
	struct mgm *m = mgm_default();

	if (m == NULL)
		return ERROR_CAN_NOT_COMPLETE;
	return (DWORD)mgm_get_mfe_stats(m, (const struct mgm_mfe *)(void *)pimm,
					pdwBufferSize, pbBuffer, dwFlags);
}

DWORD WINAPI
MgmGetFirstMfeStats(PDWORD pdwBufferSize, PBYTE pbBuffer,
		    PDWORD pdwNumEntries, DWORD dwFlags)
{
	struct mgm *m = mgm_default();

	if (m == NULL)
		return ERROR_CAN_NOT_COMPLETE;
	return (DWORD)mgm_get_first_mfe_stats(m, pdwBufferSize, pbBuffer,
					      pdwNumEntries, dwFlags);
}

DWORD WINAPI
MgmGetNextMfeStats(PMIB_IPMCAST_MFE pimmStart, PDWORD pdwBufferSize,
		   PBYTE pbBuffer, PDWORD pdwNumEntries, DWORD dwFlags)
{
	struct mgm *m = mgm_default();

	if (m == NULL)
		return ERROR_CAN_NOT_COMPLETE;
	return (DWORD)mgm_get_next_mfe_stats(
		m, (const struct mgm_mfe *)(void *)pimmStart, pdwBufferSize,
		pbBuffer, pdwNumEntries, dwFlags);
}

DWORD WINAPI
MgmSetMfe(HANDLE hProtocol, PMIB_IPMCAST_MFE pmimm)
{
	struct mgm *m = mgm_default();

	if (m == NULL)
		return ERROR_CAN_NOT_COMPLETE;
	return (DWORD)mgm_set_mfe(m, mgm_compat_from_handle(hProtocol),
				  (const struct mgm_mfe *)(void *)pmimm);
}

/* Group enumeration ---------------------------------------------------- */

DWORD WINAPI
MgmGroupEnumerationStart(HANDLE hProtocol, MGM_ENUM_TYPES metEnumType,
			 HANDLE *phEnumHandle)
{
	struct mgm *m;
	mgm_handle_t e;
	enum mgm_status st;

	if (phEnumHandle == NULL)
		return ERROR_INVALID_PARAMETER;
	m = mgm_default();
	if (m == NULL)
		return ERROR_CAN_NOT_COMPLETE;
	st = mgm_group_enum_start(m, mgm_compat_from_handle(hProtocol),
				  (enum mgm_enum_type)metEnumType, &e);
	if (st == MGM_OK)
		*phEnumHandle = mgm_compat_to_handle(e);
	return (DWORD)st;
}

DWORD WINAPI
MgmGroupEnumerationGetNext(HANDLE hEnum, PDWORD pdwBufferSize,
			   PBYTE pbBuffer, PDWORD pdwNumEntries)
{
	struct mgm *m = mgm_default();

	if (m == NULL)
		return ERROR_CAN_NOT_COMPLETE;
	return (DWORD)mgm_group_enum_next(m, mgm_compat_from_handle(hEnum),
					  pdwBufferSize, pbBuffer,
					  pdwNumEntries);
}

DWORD WINAPI
MgmGroupEnumerationEnd(HANDLE hEnum)
{
	struct mgm *m = mgm_default();

	if (m == NULL)
		return ERROR_CAN_NOT_COMPLETE;
	return (DWORD)mgm_group_enum_end(m, mgm_compat_from_handle(hEnum));
}
