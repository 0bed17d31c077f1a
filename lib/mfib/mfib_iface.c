/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Interfaces: mcastfwd's ifindex names a (DPDK port, VLAN) pair.
 *
 * Workers map every received frame to an ifindex, so mfib_iface_rx() is
 * two loads: per port an untagged ifindex and, only for ports that carry
 * VLAN interfaces, a 4096-slot map indexed by VLAN id (8 KiB per port).
 * The table is filled before workers start; the stores are still
 * release-ordered so a late addition is never seen half-built.
 */

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "mfib_private.h"

#define MFIB_VLAN_MAX 4094 /* 4095 is reserved */

static int
mfib_iface_check(const struct mfib *t, const struct mfib_iface *ifc)
{
	if (ifc->ifindex == 0 || ifc->ifindex > MFIB_MAX_IFACE ||
	    ifc->vlan > MFIB_VLAN_MAX || ifc->port >= RTE_MAX_ETHPORTS ||
	    memchr(ifc->name, '\0', sizeof(ifc->name)) == NULL)
		return -EINVAL;
	if (t->iface_used[ifc->ifindex] ||
	    mfib_iface_rx(t, ifc->port, ifc->vlan) != 0)
		return -EEXIST;
	/* A name must find one interface. */
	if (ifc->name[0] != '\0' && mfib_iface_by_name(t, ifc->name) != NULL)
		return -EEXIST;
	return 0;
}

int
mfib_iface_add(struct mfib *t, const struct mfib_iface *ifc)
{
	uint16_t *map;
	int rc;

	if (t == NULL || ifc == NULL)
		return -EINVAL;
	rc = mfib_iface_check(t, ifc);
	if (rc != 0)
		return rc;
	if (ifc->vlan != 0 && t->rx_vlan[ifc->port] == NULL) {
		map = rte_zmalloc_socket("mfib_vlan_map",
		                         MFIB_VLAN_IDS * sizeof(*map),
		                         RTE_CACHE_LINE_SIZE, t->socket_id);
		if (map == NULL)
			return -ENOMEM;
		__atomic_store_n(&t->rx_vlan[ifc->port], map, __ATOMIC_RELEASE);
	}
	t->iface[ifc->ifindex] = *ifc;
	t->iface_used[ifc->ifindex] = true;
	if (ifc->vlan == 0)
		__atomic_store_n(&t->rx_untagged[ifc->port],
		                 (uint16_t)ifc->ifindex, __ATOMIC_RELEASE);
	else
		__atomic_store_n(&t->rx_vlan[ifc->port][ifc->vlan],
		                 (uint16_t)ifc->ifindex, __ATOMIC_RELEASE);
	MFIB_LOG(DEBUG, "%s: interface %u '%s' = port %u vlan %u mtu %u",
	         t->name, ifc->ifindex, ifc->name, ifc->port, ifc->vlan,
	         ifc->mtu);
	return 0;
}

bool
mfib_iface_known(const struct mfib *t, uint32_t ifindex)
{
	return ifindex != 0 && ifindex <= MFIB_MAX_IFACE &&
	       t->iface_used[ifindex];
}

const struct mfib_iface *
mfib_iface_get(const struct mfib *t, uint32_t ifindex)
{
	if (t == NULL || !mfib_iface_known(t, ifindex))
		return NULL;
	return &t->iface[ifindex];
}

const struct mfib_iface *
mfib_iface_by_name(const struct mfib *t, const char *name)
{
	if (t == NULL || name == NULL || name[0] == '\0')
		return NULL;
	for (uint32_t i = 1; i <= MFIB_MAX_IFACE; i++)
		if (t->iface_used[i] && strncmp(t->iface[i].name, name,
		                                sizeof(t->iface[i].name)) == 0)
			return &t->iface[i];
	return NULL;
}

uint32_t
mfib_iface_rx(const struct mfib *t, uint16_t port, uint16_t vlan)
{
	const uint16_t *map;

	if (unlikely(port >= RTE_MAX_ETHPORTS))
		return 0;
	/* Callers may hand over the whole TCI: only the id selects. */
	vlan &= MFIB_VLAN_IDS - 1;
	if (vlan == 0)
		return __atomic_load_n(&t->rx_untagged[port], __ATOMIC_ACQUIRE);
	map = __atomic_load_n(&t->rx_vlan[port], __ATOMIC_ACQUIRE);
	if (map == NULL)
		return 0;
	return __atomic_load_n(&map[vlan], __ATOMIC_ACQUIRE);
}

void
mfib_iface_fini(struct mfib *t)
{
	for (uint32_t p = 0; p < RTE_MAX_ETHPORTS; p++) {
		rte_free(t->rx_vlan[p]);
		t->rx_vlan[p] = NULL;
	}
}

uint64_t
mfib_iface_memory(const struct mfib *t)
{
	uint64_t n = 0;

	for (uint32_t p = 0; p < RTE_MAX_ETHPORTS; p++)
		if (t->rx_vlan[p] != NULL)
			n += MFIB_VLAN_IDS * sizeof(uint16_t);
	return n;
}
