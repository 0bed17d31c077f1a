/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: resolve the configuration's port references, configure each used
 * ethdev with one rx queue per polling worker and one tx queue per worker
 * plus one for the control thread, turn allmulticast on, watch links.
 */
#include <string.h>

#include <rte_errno.h>

#include "app.h"

int
app_port_of_ref(const struct ctl_port_ref *ref, uint16_t *id)
{
	if (ref->name[0] != '\0')
		return rte_eth_dev_get_port_by_name(ref->name, id);
	if (ref->id < 0 || !rte_eth_dev_is_valid_port((uint16_t)ref->id))
		return -ENODEV;
	*id = (uint16_t)ref->id;
	return 0;
}

static void
app_port_ref_str(const struct ctl_port_ref *ref, char *buf, size_t len)
{
	if (ref->name[0] != '\0')
		snprintf(buf, len, "%s", ref->name);
	else
		snprintf(buf, len, "%d", ref->id);
}

static void
app_log_available_ports(void)
{
	char names[512] = "", name[RTE_ETH_NAME_MAX_LEN];
	uint16_t pid;

	RTE_ETH_FOREACH_DEV(pid) {
		if (rte_eth_dev_get_name_by_port(pid, name) != 0)
			continue;
		if (strlen(names) + strlen(name) + 8 < sizeof(names))
			snprintf(names + strlen(names),
				 sizeof(names) - strlen(names), "%s%s (%u)",
				 names[0] ? ", " : "", name, pid);
	}
	APP_LOG(ERR, "available ports: %s", names[0] ? names : "none "
		"(pass -a <pci> or --vdev <driver>)");
}

/* Every port an interface or a worker names must exist before anything is
 * configured. */
int
app_ports_resolve(struct app *a)
{
	char ref[CTL_PORT_MAX];
	uint16_t id;

	for (uint32_t i = 0; i < a->cfg->n_iface; i++) {
		const struct ctl_iface *ifc = &a->cfg->iface[i];

		if (app_port_of_ref(&ifc->port, &id) != 0) {
			app_port_ref_str(&ifc->port, ref, sizeof(ref));
			APP_LOG(ERR, "interface %s: port %s not found",
				ifc->name, ref);
			app_log_available_ports();
			return -1;
		}
		a->port[id].used = true;
		a->port[id].id = id;
		rte_eth_dev_get_name_by_port(id, a->port[id].name);
	}
	for (uint32_t w = 0; w < a->cfg->n_worker; w++) {
		for (uint32_t q = 0; q < a->cfg->worker[w].n_rx; q++) {
			const struct ctl_port_ref *p =
				&a->cfg->worker[w].rx[q].port;

			if (app_port_of_ref(p, &id) != 0 || !a->port[id].used) {
				app_port_ref_str(p, ref, sizeof(ref));
				APP_LOG(ERR,
					"workers[%u]: port %s is not the port of any interface",
					w, ref);
				return -1;
			}
		}
	}
	return 0;
}

static int
app_port_configure(struct app *a, struct app_port *p)
{
	struct rte_eth_conf conf = {0};
	struct rte_eth_dev_info info;
	uint16_t nb_rxd = a->cfg->limits.rx_desc;
	uint16_t nb_txd = a->cfg->limits.tx_desc;
	int socket = rte_eth_dev_socket_id(p->id);
	int rc;

	rc = rte_eth_dev_info_get(p->id, &info);
	if (rc != 0) {
		APP_LOG(ERR, "port %s: cannot read device info: %s", p->name,
			rte_strerror(-rc));
		return -1;
	}
	if (p->n_rxq > info.max_rx_queues || p->n_txq > info.max_tx_queues) {
		APP_LOG(ERR,
			"port %s: needs %u rx / %u tx queues (a tx queue per worker + one for the control thread), device has %u / %u%s",
			p->name, p->n_rxq, p->n_txq, info.max_rx_queues,
			info.max_tx_queues,
			strncmp(info.driver_name, "net_pcap", 8) == 0 ?
				" (net_pcap: one tx_pcap= per tx queue)" :
				"");
		return -1;
	}
	if (p->n_rxq > 1 && info.flow_type_rss_offloads != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
			RTE_ETH_RSS_IP & info.flow_type_rss_offloads;
	}
	/* A NIC that verifies IPv4 header checksums saves the fast path
	 * from summing every header (lib/fwd trusts RX_IP_CKSUM_GOOD). */
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
	/* Large frames leave as a header mbuf chained to the received one,
	 * which all their copies share by reference count: chains on tx,
	 * and never MBUF_FAST_FREE (it assumes a reference count of 1). */
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	rc = rte_eth_dev_configure(p->id, p->n_rxq, p->n_txq, &conf);
	if (rc == 0)
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->id, &nb_rxd, &nb_txd);
	for (uint16_t q = 0; rc == 0 && q < p->n_rxq; q++)
		rc = rte_eth_rx_queue_setup(p->id, q, nb_rxd,
					    (unsigned int)socket, NULL,
					    a->pool);
	for (uint16_t q = 0; rc == 0 && q < p->n_txq; q++)
		rc = rte_eth_tx_queue_setup(p->id, q, nb_txd,
					    (unsigned int)socket, NULL);
	if (rc == 0)
		rc = rte_eth_dev_start(p->id);
	if (rc != 0) {
		APP_LOG(ERR, "port %s: configuration failed: %s", p->name,
			rte_strerror(rc < 0 ? -rc : rc));
		return -1;
	}
	p->started = true;
	/* Multicast frames must reach us whatever the NIC's filter holds. */
	rc = rte_eth_allmulticast_enable(p->id);
	if (rc != 0)
		APP_LOG(WARNING, "port %s: allmulticast not supported (%s)",
			p->name, rte_strerror(-rc));
	rte_eth_macaddr_get(p->id, &p->mac);
	return 0;
}

int
app_ports_start(struct app *a)
{
	for (uint16_t id = 0; id < RTE_MAX_ETHPORTS; id++) {
		struct app_port *p = &a->port[id];

		if (!p->used)
			continue;
		if (app_port_configure(a, p) != 0)
			return -1;
		APP_LOG(INFO, "port %s (%u): %u rx queue(s), %u tx queue(s)",
			p->name, id, p->n_rxq, p->n_txq);
	}
	return 0;
}

void
app_ports_check_links(struct app *a, bool log_all)
{
	for (uint16_t id = 0; id < RTE_MAX_ETHPORTS; id++) {
		struct app_port *p = &a->port[id];
		struct rte_eth_link link;
		bool up;

		if (!p->started)
			continue;
		if (rte_eth_link_get_nowait(id, &link) != 0)
			continue;
		up = link.link_status == RTE_ETH_LINK_UP;
		if (up == p->link_up && !log_all)
			continue;
		if (up != p->link_up)
			a->ctr.link_changes++;
		p->link_up = up;
		if (up)
			APP_LOG(NOTICE, "port %s: link up, %u Mbps %s",
				p->name, link.link_speed,
				link.link_duplex ? "full-duplex" :
						   "half-duplex");
		else
			APP_LOG(NOTICE, "port %s: link down", p->name);
	}
}

void
app_ports_stop(struct app *a)
{
	for (uint16_t id = 0; id < RTE_MAX_ETHPORTS; id++) {
		struct app_port *p = &a->port[id];

		if (!p->started)
			continue;
		rte_eth_dev_stop(id);
		rte_eth_dev_close(id);
		p->started = false;
	}
}
