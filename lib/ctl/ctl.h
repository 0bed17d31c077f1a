/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CTL_H
#define CTL_H

/**
 * @file
 * ctl — the appliance's configuration: one JSON schema, validated.
 *
 * What it is for: mcastfwd reads its configuration (interfaces, which
 * worker polls which port queue, static memberships, static unicast routes
 * for RPF, static multicast routes, pool and ring sizes) from a JSON file at
 * start-up.  ctl parses it with jansson into plain C structures and checks
 * everything it can check without DPDK: types, ranges, addresses, unknown
 * keys (a typo is an error, not a silently ignored setting), duplicate
 * names, references between sections.  Every error names the offending
 * JSON path, e.g. `$.interfaces[1].vlan: expected an integer 1..4094`.
 * The app then checks what needs DPDK (does the port exist, has it enough
 * queues) before it configures any port.
 *
 * The schema is documented in doc/configuration.md; the config/ files are
 * examples that the tests validate.
 *
 * No DPDK here: the loader is unit-tested and fuzzed on its own.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CTL_NAME_MAX   32   /**< interface names, incl. the NUL */
#define CTL_PORT_MAX   128  /**< port names (PCI address or vdev name) */
#define CTL_MAX_IFACE  256
#define CTL_MAX_OIF    64
#define CTL_MAX_RX     16   /**< rx queues per worker */
#define CTL_ERR_MAX    256

/** A DPDK port reference: by name (device name, e.g. "0000:3b:00.0" or
 *  "net_pcap0") or by id. */
struct ctl_port_ref {
	char name[CTL_PORT_MAX]; /**< "" when given by id */
	int32_t id;              /**< -1 when given by name */
};

struct ctl_iface {
	char name[CTL_NAME_MAX];
	uint32_t ifindex;        /**< 1..256; default: position + 1 */
	struct ctl_port_ref port;
	uint16_t vlan;           /**< 0 = untagged; 1..4094 */
	uint16_t mtu;            /**< IP MTU 68..9600; default 1500 */
	uint8_t ttl_threshold;   /**< forward only if TTL > threshold (default 1) */
	bool has_mac;
	uint8_t mac[6];          /**< source MAC override */
};

struct ctl_rxq {
	struct ctl_port_ref port;
	uint16_t queue;
};

struct ctl_worker {
	uint32_t lcore;
	uint32_t n_rx;
	struct ctl_rxq rx[CTL_MAX_RX];
};

/** A static membership, installed through MGM's built-in "static"
 *  protocol: receivers of (source|*, group) behind each interface. */
struct ctl_membership {
	uint32_t source;         /**< network order; 0 = any source */
	uint32_t group;          /**< network order, 224.0.0.0/4 */
	uint32_t n_if;
	uint32_t ifindex[CTL_MAX_OIF];
};

/** A static unicast route (RPF), installed into lib/rtm. */
struct ctl_route {
	uint32_t prefix;         /**< network order, host bits zero */
	uint32_t mask;           /**< network order, contiguous */
	uint32_t ifindex;
	uint32_t next_hop;       /**< 0 = directly connected */
	uint32_t metric;         /**< default 1 */
};

/** A static multicast route (smcroute-style), installed in the fast path
 *  as is: accept on iif, send to oifs.  source 0 = (*,G). */
struct ctl_mroute {
	uint32_t source;
	uint32_t group;
	uint32_t iif;
	uint32_t n_oif;
	uint32_t oif[CTL_MAX_OIF];
};

/** Sizes and rates; every field has a default (doc/configuration.md). */
struct ctl_limits {
	uint32_t mbufs;          /**< mbufs in the pool (default 16383) */
	uint32_t mbuf_cache;     /**< per-lcore mempool cache (default 256) */
	uint16_t rx_desc;        /**< default 1024 */
	uint16_t tx_desc;        /**< default 1024 */
	uint32_t punt_ring;      /**< per-worker punt ring size, power of 2 (default 1024) */
	uint32_t max_entries;    /**< fast-path entries (default 65536) */
	uint32_t punt_rate;      /**< punts/s per worker (default 10000) */
	uint32_t mfe_timeout;    /**< MFE lifetime, s (default 900) */
};

struct ctl_config {
	uint32_t n_iface;
	struct ctl_iface iface[CTL_MAX_IFACE];
	uint32_t n_worker;       /**< 0 = default placement */
	struct ctl_worker *worker;
	uint32_t n_membership;
	struct ctl_membership *membership;
	uint32_t n_route;
	struct ctl_route *route;
	uint32_t n_mroute;
	struct ctl_mroute *mroute;
	struct ctl_limits limits;
};

/**
 * Parse and validate a configuration.
 * @param[out] out the configuration (free with ctl_config_free)
 * @param[out] err on failure: "<json path>: <what is wrong>" (or the file
 *   and line of a JSON syntax error)
 * @return 0, or -1 with @p err set.
 */
int ctl_config_load_file(const char *path, struct ctl_config **out,
			 char err[CTL_ERR_MAX]);
int ctl_config_load_string(const char *json, size_t len,
			   struct ctl_config **out, char err[CTL_ERR_MAX]);
void ctl_config_free(struct ctl_config *c);

/** Interface by name, NULL when unknown. */
const struct ctl_iface *ctl_iface_by_name(const struct ctl_config *c,
					  const char *name);

#ifdef __cplusplus
}
#endif

#endif /* CTL_H */
