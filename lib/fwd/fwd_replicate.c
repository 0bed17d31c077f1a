/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Replication: one accepted packet becomes a copy per eligible output.
 *
 * The cheapest correct method per copy: the received mbuf itself, its L2
 * header rewritten in place, for the last output; a whole copy for small
 * frames (one memcpy beats touching refcounts on another cache line); for
 * large frames a fresh header mbuf (new L2 + the IP header) chained to an
 * indirect clone of the payload, so the payload is never copied.  The
 * clones share the received buffer, so nothing after the IP header is
 * written once the first clone exists: the TTL and checksum are updated
 * once, before replication, in the received header, which every copy
 * duplicates and no clone references.
 *
 * No fragmentation in this version: a packet larger than an output's MTU
 * is counted (frag_needed with DF, out_discards without) and not sent
 * there.
 */

#include <string.h>

#include <rte_memcpy.h>

#include "fwd_private.h"

/* Bytes of Ethernet (+ 802.1Q) header an output needs. */
static inline uint16_t
fwd_l2_len(const struct mfib_oif *o)
{
	return o->vlan_tci ? sizeof(struct rte_ether_hdr) +
	                             sizeof(struct rte_vlan_hdr) :
	                     sizeof(struct rte_ether_hdr);
}

static inline void
fwd_l2_write(uint8_t *d, const struct mfib_oif *o,
             const struct rte_ether_addr *group_mac)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)d;

	rte_ether_addr_copy(o->use_nh_mac ? &o->nh_mac : group_mac,
	                    &eh->dst_addr);
	rte_ether_addr_copy(&o->src_mac, &eh->src_addr);
	if (o->vlan_tci) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eh + 1);

		eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = rte_cpu_to_be_16(o->vlan_tci);
		vh->eth_proto = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	} else {
		eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	}
}

/* RFC 1112: 01:00:5e + the low 23 bits of the group. */
static inline void
fwd_group_mac(rte_be32_t grp, struct rte_ether_addr *mac)
{
	/* 01:00:5e, then the low 23 bits of the group (RFC 1112 6.4): one
	 * 16-bit and one 32-bit store, in network order throughout. */
	const uint16_t hi = RTE_BE16(0x0100);
	uint32_t lo = RTE_BE32(0x5e000000) | (grp & RTE_BE32(0x007fffff));

	memcpy(&mac->addr_bytes[0], &hi, sizeof(hi));
	memcpy(&mac->addr_bytes[2], &lo, sizeof(lo));
}

/* Small frame: new mbuf @p c gets the output's L2 header and the whole
 * IP packet. */
static struct rte_mbuf *
fwd_copy_whole(struct rte_mbuf *c, const struct fwd_pkt *p,
               const struct mfib_oif *o, const struct rte_ether_addr *gmac)
{
	uint16_t l2 = fwd_l2_len(o);
	const uint8_t *s = (const uint8_t *)p->ip;
	uint8_t *d;

	/* @c is fresh from rte_pktmbuf_alloc_bulk(): one segment, empty,
	 * default headroom, far more room than FWD_COPY_MAX needs. */
	RTE_BUILD_BUG_ON(RTE_PKTMBUF_HEADROOM + 2 * FWD_COPY_MAX >
	                 RTE_MBUF_DEFAULT_DATAROOM);
	d = rte_pktmbuf_mtod(c, uint8_t *);
	c->data_len = (uint16_t)(l2 + p->ip_len);
	c->pkt_len = c->data_len;
	fwd_l2_write(d, o, gmac);
	/* Whole 16-byte blocks: a few spare bytes past the packet (both are
	 * mbuf data rooms, and small frames sit far from their end) cost
	 * less than rte_memcpy's size dispatch. */
	d += l2;
	for (uint16_t off = 0; off < p->ip_len; off += 16)
		memcpy(d + off, s + off, 16);
	return c;
}

/* Large frame: new header mbuf @p h chained to an indirect clone of the
 * bytes after the IP header. */
static struct rte_mbuf *
fwd_copy_indirect(struct fwd_worker *w, struct rte_mbuf *h,
                  const struct fwd_pkt *p, const struct mfib_oif *o,
                  const struct rte_ether_addr *gmac)
{
	uint16_t l2 = fwd_l2_len(o);
	struct rte_mbuf *pl;
	uint8_t *d;

	d = (uint8_t *)rte_pktmbuf_append(h, l2 + p->l3_len);
	if (unlikely(d == NULL))
		goto fail_hdr;
	fwd_l2_write(d, o, gmac);
	rte_memcpy(d + l2, p->ip, p->l3_len);

	pl = rte_pktmbuf_clone(p->m, w->conf.pool);
	if (unlikely(pl == NULL))
		goto fail_hdr;
	/* Parsing guaranteed the headers sit in the first segment. */
	rte_pktmbuf_adj(pl, p->l2_len + p->l3_len);
	if (pl->data_len == 0 && pl->next != NULL) {
		/* The first segment held only headers: drop the empty
		 * segment, some NICs reject zero-length descriptors. */
		struct rte_mbuf *rest = pl->next;

		rest->pkt_len = pl->pkt_len;
		rest->nb_segs = pl->nb_segs - 1;
		pl->next = NULL;
		pl->nb_segs = 1;
		rte_pktmbuf_free_seg(pl);
		pl = rest;
	}
	if (unlikely(rte_pktmbuf_chain(h, pl) != 0)) {
		rte_pktmbuf_free(pl);
		goto fail_hdr;
	}
	return h;

fail_hdr:
	rte_pktmbuf_free(h);
	return NULL;
}

/* The received mbuf for its last output: swap its L2 header for the
 * output's, growing or shrinking it by the VLAN tag. */
static bool
fwd_rewrite_in_place(const struct fwd_pkt *p, const struct mfib_oif *o,
                     const struct rte_ether_addr *gmac)
{
	struct rte_mbuf *m = p->m;
	uint16_t l2 = fwd_l2_len(o);

	if (l2 > p->l2_len) {
		if (rte_pktmbuf_prepend(m, l2 - p->l2_len) == NULL)
			return false;
	} else if (l2 < p->l2_len) {
		rte_pktmbuf_adj(m, p->l2_len - l2);
	}
	fwd_l2_write(rte_pktmbuf_mtod(m, uint8_t *), o, gmac);
	return true;
}

/* Can @p o take a copy of @p p?  Counts the reason when it cannot. */
static inline bool
fwd_oif_ok(struct fwd_worker *w, const struct fwd_pkt *p,
           const struct mfib_oif *o, uint8_t ttl, bool df)
{
	struct mfib_oif_ctr *oc = &w->octr[o->ctr_id];

	if (o->ifindex == p->ifindex)
		return false; /* never back out the arrival iface */
	if (ttl <= o->ttl_threshold) {
		oc->ttl_too_low++;
		return false;
	}
	if (p->ip_len > o->mtu) {
		/* no fragmentation in this version */
		if (df)
			oc->frag_needed++;
		else
			oc->out_discards++;
		return false;
	}
	if (unlikely(o->port >= RTE_MAX_ETHPORTS || w->txb[o->port] == NULL)) {
		/* this worker has no tx queue there */
		oc->out_discards++;
		return false;
	}
	return true;
}

static inline bool
fwd_df(const struct rte_ipv4_hdr *ip)
{
	return (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_DF_FLAG)) != 0;
}

/* TTL and checksum: once per packet, in the received header, which every
 * copy duplicates and no clone references. */
static inline void
fwd_ttl_dec(struct rte_ipv4_hdr *ip, uint8_t ttl)
{
	ip->time_to_live = ttl - 1;
	ip->hdr_checksum = fwd_csum_ttl_dec(ip->hdr_checksum);
}

/* The last (or only) copy: the received mbuf itself. */
static inline void
fwd_send_in_place(struct fwd_worker *w, const struct fwd_pkt *p,
                  const struct mfib_oif *o, const struct rte_ether_addr *gmac)
{
	if (unlikely(!fwd_rewrite_in_place(p, o, gmac))) {
		/* no headroom for the tag */
		w->octr[o->ctr_id].out_discards++;
		w->stats.drop_no_mbuf++;
		rte_pktmbuf_free(p->m);
		return;
	}
	w->octr[o->ctr_id].out_pkts++;
	fwd_tx(w, o->port, p->m);
}

/* Two or more outputs: copies first, the received mbuf last.  Kept out of
 * line: its arrays would weigh on the single-output path. */
static __rte_noinline void
fwd_replicate_many(struct fwd_worker *w, const struct fwd_pkt *p,
                   const struct mfib_entry *e)
{
	struct rte_mbuf *m = p->m;
	struct rte_ipv4_hdr *ip = p->ip;
	uint8_t ttl = ip->time_to_live;
	bool df = fwd_df(ip);
	bool small = m->pkt_len <= FWD_COPY_MAX && m->nb_segs == 1;
	uint8_t sel[MFIB_MAX_OIF];
	struct rte_mbuf *cp[MFIB_MAX_OIF];
	struct rte_ether_addr gmac;
	const struct mfib_oif *o;
	unsigned int i, n = 0;

	for (i = 0; i < e->n_oif && i < MFIB_MAX_OIF; i++)
		if (fwd_oif_ok(w, p, &e->oif[i], ttl, df))
			sel[n++] = (uint8_t)i;
	if (n == 0) {
		rte_pktmbuf_free(m);
		return;
	}
	fwd_ttl_dec(ip, ttl);
	fwd_group_mac(ip->dst_addr, &gmac);

	/* One mempool operation for every copy's first mbuf; when the pool
	 * runs low, get what can be had one by one. */
	if (n > 1 &&
	    unlikely(rte_pktmbuf_alloc_bulk(w->conf.pool, cp, n - 1) != 0)) {
		for (i = 0; i + 1 < n; i++)
			cp[i] = rte_pktmbuf_alloc(w->conf.pool);
	}
	for (i = 0; i + 1 < n; i++) {
		struct rte_mbuf *c = cp[i];

		o = &e->oif[sel[i]];
		if (likely(c != NULL))
			c = small ? fwd_copy_whole(c, p, o, &gmac) :
			            fwd_copy_indirect(w, c, p, o, &gmac);
		if (unlikely(c == NULL)) {
			w->octr[o->ctr_id].out_discards++;
			w->stats.drop_no_mbuf++;
			continue;
		}
		w->octr[o->ctr_id].out_pkts++;
		fwd_tx(w, o->port, c);
	}
	fwd_send_in_place(w, p, &e->oif[sel[n - 1]], &gmac);
}

void
fwd_replicate(struct fwd_worker *w, const struct fwd_pkt *p,
              const struct mfib_entry *e)
{
	const struct mfib_oif *o = &e->oif[0];
	struct rte_ether_addr gmac;
	uint8_t ttl;

	if (e->n_oif != 1) {
		fwd_replicate_many(w, p, e);
		return;
	}
	/* One output: the common case of a distribution tree's leaves. */
	ttl = p->ip->time_to_live;
	if (!fwd_oif_ok(w, p, o, ttl, fwd_df(p->ip))) {
		rte_pktmbuf_free(p->m);
		return;
	}
	fwd_ttl_dec(p->ip, ttl);
	fwd_group_mac(p->ip->dst_addr, &gmac);
	fwd_send_in_place(w, p, o, &gmac);
}
