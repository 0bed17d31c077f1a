/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TEST_RING_PMD_H
#define TEST_RING_PMD_H

/*
 * Tests that drive the forwarding path build ports from rte_rings with the
 * ring PMD's one public constructor.  The ring PMD is an EAL plugin, not
 * on libdpdk's link line: the constructor is reached the way EAL loaded
 * it.  Header only, so the fuzz harnesses (built on their own) share it.
 */

#include <dlfcn.h>
#include <stdint.h>

#include <rte_ring.h>

typedef int (*test_from_rings_fn)(const char *name,
                                  struct rte_ring *const rx_queues[],
                                  const unsigned int nb_rx_queues,
                                  struct rte_ring *const tx_queues[],
                                  const unsigned int nb_tx_queues,
                                  const unsigned int numa_node);

/* rte_eth_from_rings(), or NULL when the ring PMD cannot be loaded. */
static inline test_from_rings_fn
test_ring_pmd_from_rings(void)
{
	void *lib = dlopen("librte_net_ring.so", RTLD_NOW | RTLD_GLOBAL);

	if (lib == NULL)
		lib = dlopen("librte_net_ring.so.23", RTLD_NOW | RTLD_GLOBAL);
	if (lib == NULL)
		return NULL;
	return (test_from_rings_fn)(uintptr_t)dlsym(lib, "rte_eth_from_rings");
}

#endif /* TEST_RING_PMD_H */
