/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parse and classify: Ethernet, at most one 802.1Q tag, IPv4 (options
 * allowed).  Every frame that is not a well-formed multicast packet to
 * forward is counted under the first reason it fails, then dropped or
 * punted; nothing past this stage looks at a malformed header.
 */

#include <string.h>

#include <rte_prefetch.h>

#include "fwd_parse.h"

#define FWD_IPV4_MCAST_MASK RTE_BE32(0xf0000000) /* 224.0.0.0/4 */
#define FWD_IPV4_MCAST_NET  RTE_BE32(0xe0000000)
#define FWD_IPV4_LOCAL_MASK RTE_BE32(0xffffff00) /* 224.0.0.0/24 */
#define FWD_IPV4_LOCAL_NET  RTE_BE32(0xe0000000)
#define FWD_VLAN_ID_MASK    0x0fff

/* Outcome of parsing one frame. */
enum fwd_parse_verdict {
	FWD_PARSE_LOOKUP, /* multicast to look up */
	FWD_PARSE_DONE,   /* dropped or punted, and counted */
};

/* Does the header (checksum included) sum to all ones?  Options take the
 * generic sum. */
static inline bool
fwd_ipv4_csum_ok(const struct rte_ipv4_hdr *ip, uint32_t ihl)
{
	if (unlikely(ihl != sizeof(*ip)))
		return rte_raw_cksum(ip, ihl) == 0xffff;
	return fwd_ipv4_csum20_ok(ip);
}

static inline uint32_t
fwd_rx_ifindex(struct fwd_worker *w, uint16_t port, uint16_t vlan)
{
	uint32_t ifindex;

	if (likely(w->rx_cache_ifindex != 0 && w->rx_cache_port == port &&
	           w->rx_cache_vlan == vlan))
		return w->rx_cache_ifindex;
	ifindex = mfib_iface_rx(w->conf.mfib, port, vlan);
	if (ifindex != 0) {
		w->rx_cache_port = port;
		w->rx_cache_vlan = vlan;
		w->rx_cache_ifindex = ifindex;
	}
	return ifindex;
}

/* Out of line: the fast lane's loop keeps its registers. */
static __rte_noinline enum fwd_parse_verdict
fwd_parse_one(struct fwd_worker *w, uint16_t port, struct rte_mbuf *m,
              struct fwd_pkt *p)
{
	struct fwd_stats *st = &w->stats;
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	/* Headers must sit in the first segment; a chain that splits them
	 * is treated as short rather than gathered on the fast path. */
	uint32_t seg = rte_pktmbuf_data_len(m);
	uint32_t l2 = sizeof(struct rte_ether_hdr);
	uint16_t vlan = 0;
	bool tagged = false;
	struct rte_ipv4_hdr *ip;
	uint32_t ihl, tot, ifindex;
	rte_be16_t et;

	if (unlikely(seg < l2))
		goto short_frame;
	et = ((struct rte_ether_hdr *)d)->ether_type;
	/* A NIC that strips the tag reports it in the mbuf; the frame in
	 * memory is then untagged, which is what the rewrite works from. */
	if (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) {
		vlan = m->vlan_tci & FWD_VLAN_ID_MASK;
		tagged = true;
	}
	if (et == RTE_BE16(RTE_ETHER_TYPE_VLAN)) {
		const struct rte_vlan_hdr *vh;

		if (tagged) /* second tag: QinQ is not ours */
			goto not_ipv4;
		if (unlikely(seg < l2 + sizeof(*vh)))
			goto short_frame;
		vh = (const struct rte_vlan_hdr *)(d + l2);
		vlan = rte_be_to_cpu_16(vh->vlan_tci) & FWD_VLAN_ID_MASK;
		et = vh->eth_proto;
		l2 += sizeof(*vh);
	}
	/* An inner 0x8100/0x88a8 (QinQ) lands here too. */
	if (unlikely(et != RTE_BE16(RTE_ETHER_TYPE_IPV4)))
		goto not_ipv4;

	if (unlikely(seg < l2 + sizeof(*ip)))
		goto short_frame;
	ip = (struct rte_ipv4_hdr *)(d + l2);
	if (unlikely((ip->version_ihl >> 4) != 4)) {
		st->drop_bad_version++;
		goto drop;
	}
	ihl = (uint32_t)(ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) *
	      RTE_IPV4_IHL_MULTIPLIER;
	if (unlikely(ihl < sizeof(*ip))) {
		st->drop_bad_ihl++;
		goto drop;
	}
	if (unlikely(seg < l2 + ihl))
		goto short_frame;
	tot = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(tot < ihl || tot > m->pkt_len - l2)) {
		st->drop_bad_len++;
		goto drop;
	}
	/* Summing a valid header, checksum included, gives all ones; a NIC
	 * that verified it saves the sum (the fast lane agrees). */
	if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) !=
	            RTE_MBUF_F_RX_IP_CKSUM_GOOD &&
	    unlikely(!fwd_ipv4_csum_ok(ip, ihl))) {
		st->drop_bad_csum++;
		goto drop;
	}
	/* Ethernet pads short frames to 60 bytes: the copies carry only the
	 * IP packet. */
	if (m->pkt_len > l2 + tot &&
	    rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - l2 - tot)) != 0) {
		st->drop_bad_len++; /* padding spread over segments */
		goto drop;
	}
	if (unlikely((ip->dst_addr & FWD_IPV4_MCAST_MASK) !=
	             FWD_IPV4_MCAST_NET)) {
		st->drop_not_mcast++;
		goto drop;
	}
	ifindex = fwd_rx_ifindex(w, port, vlan);
	if (unlikely(ifindex == 0)) {
		st->drop_no_iface++;
		goto drop;
	}

	/* IGMP first: reports go to the group itself and carry TTL 1. */
	if (unlikely(ip->next_proto_id == IPPROTO_IGMP)) {
		fwd_punt_stage(w, m, FWD_PUNT_IGMP, l2, ifindex);
		return FWD_PARSE_DONE;
	}
	if (unlikely((ip->dst_addr & FWD_IPV4_LOCAL_MASK) ==
	             FWD_IPV4_LOCAL_NET)) {
		fwd_punt_stage(w, m, FWD_PUNT_LINKLOCAL, l2, ifindex);
		return FWD_PARSE_DONE;
	}
	if (unlikely(ip->time_to_live <= 1)) {
		st->drop_ttl++;
		goto drop;
	}

	p->m = m;
	p->ip = ip;
	p->key = fwd_fc_key(ip->src_addr, ip->dst_addr);
	p->ifindex = ifindex;
	p->l2_len = (uint16_t)l2;
	p->ip_len = (uint16_t)tot;
	return FWD_PARSE_LOOKUP;

short_frame:
	st->drop_short++;
	goto drop;
not_ipv4:
	st->drop_not_ipv4++;
drop:
	rte_pktmbuf_free(m);
	return FWD_PARSE_DONE;
}

uint16_t
fwd_parse_burst(struct fwd_worker *w, uint16_t port, uint32_t ifindex,
                struct rte_mbuf **pkts, uint16_t n, struct fwd_pkt *out)
{
	uint64_t bytes = 0;
	uint16_t i, k = 0;

	for (i = 0; i < n && i < FWD_PREFETCH_AHEAD; i++)
		fwd_prefetch_frame(pkts[i]);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (i + FWD_PREFETCH_AHEAD < n)
			fwd_prefetch_frame(pkts[i + FWD_PREFETCH_AHEAD]);
		bytes += m->pkt_len;
		if (likely(ifindex != 0 &&
		           fwd_parse_fast(m, ifindex, true, &out[k],
		                          FWD_CSUM_INV, FWD_CSUM_LIM)))
			k++;
		else if (fwd_parse_one(w, port, m, &out[k]) == FWD_PARSE_LOOKUP)
			k++;
	}
	w->stats.rx_pkts += n;
	w->stats.rx_bytes += bytes;
	return k;
}
