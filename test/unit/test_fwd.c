/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/fwd against a real lib/mfib and ring-backed ethdev ports: frames are
 * crafted into mbufs, pushed through fwd_process_burst(), and what the
 * worker sent is read back from each port's tx ring.  The last test runs
 * fwd_worker_main() on lcore 1 while the main lcore churns the table.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include "fwd.h"
#include "fwd_out.h" /* fwd_ttl_dec() */
#include "mfib.h"

#include "../ring_pmd.h"

#define N_PORTS      6
#define POOL_SIZE    16383
#define TX_RING_SIZE 16384
#define RX_RING_SIZE 4096
#define MAX_FRAME    2048

/* Interfaces of every test table. */
enum {
	IF_IN = 1,    /* port 0, untagged: where test traffic arrives */
	IF_A,         /* port 1 */
	IF_B,         /* port 2 */
	IF_VLAN,      /* port 3, VLAN 100 */
	IF_THR,       /* port 4, TTL threshold 32 */
	IF_MTU,       /* port 5, MTU 576 */
	IF_IN_TAGGED, /* port 0, VLAN 10 */
	IF_COUNT = IF_IN_TAGGED,
};

static const struct {
	unsigned int port;
	uint16_t vlan, mtu;
	uint8_t thr;
} ifdef[IF_COUNT + 1] = {
	[IF_IN] = { 0, 0, 1500, 0 },         [IF_A] = { 1, 0, 1500, 0 },
	[IF_B] = { 2, 0, 1500, 0 },          [IF_VLAN] = { 3, 100, 1500, 0 },
	[IF_THR] = { 4, 0, 1500, 32 },       [IF_MTU] = { 5, 0, 576, 0 },
	[IF_IN_TAGGED] = { 0, 10, 1500, 0 },
};

/* RTE_IPV4() shifts an int: undefined for 224.0.0.0 and up. */
#define IP4(a, b, c, d)                                  \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
	 ((uint32_t)(c) << 8) | (uint32_t)(d))

#define SRC1 IP4(10, 0, 0, 1)
#define SRC2 IP4(10, 0, 0, 2)
#define GRP1 IP4(239, 1, 1, 1)
#define GRP2 IP4(239, 1, 1, 2)

static struct rte_mempool *pool;
static struct rte_ring *rxr[N_PORTS], *txr[N_PORTS];
static uint16_t port_id[N_PORTS];
static unsigned int table_seq;

/* Per-test state. */
static struct mfib *T;
static struct fwd_worker *W;
static struct rte_ring *punt;

/* ---- frames ---------------------------------------------------------- */

struct frame {
	uint32_t src, grp; /* host order */
	uint8_t ttl, proto;
	int vlan;          /* -1: untagged */
	uint16_t payload;  /* UDP payload bytes */
	uint8_t opt_words; /* IPv4 option words */
	bool df;
	uint8_t seed; /* payload pattern */
};

static struct frame
frame_default(void)
{
	return (struct frame){
		.src = SRC1,
		.grp = GRP1,
		.ttl = 64,
		.proto = IPPROTO_UDP,
		.vlan = -1,
		.payload = 64,
		.seed = 1,
	};
}

/* Ethernet[/802.1Q]/IPv4[+options]/UDP with a valid IP checksum. */
static struct rte_mbuf *
frame_build(const struct frame *f)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint16_t l2 = f->vlan >= 0 ? 18 : 14;
	uint16_t ihl = 20 + 4 * f->opt_words;
	uint16_t tot = ihl + sizeof(struct rte_udp_hdr) + f->payload;
	struct rte_ether_hdr *eh;
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;
	uint8_t *d, *opt, *pl;
	unsigned int i;

	assert_non_null(m);
	d = (uint8_t *)rte_pktmbuf_append(m, l2 + tot);
	assert_non_null(d);
	eh = (struct rte_ether_hdr *)d;
	memset(&eh->dst_addr, 0x01, sizeof(eh->dst_addr));
	memset(&eh->src_addr, 0xaa, sizeof(eh->src_addr));
	if (f->vlan >= 0) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eh + 1);

		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = rte_cpu_to_be_16((uint16_t)f->vlan);
		vh->eth_proto = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	} else {
		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	}
	ip = (struct rte_ipv4_hdr *)(d + l2);
	memset(ip, 0, ihl);
	ip->version_ihl = 0x40 | (ihl / 4);
	ip->total_length = rte_cpu_to_be_16(tot);
	ip->packet_id = rte_cpu_to_be_16(0x1234);
	ip->fragment_offset = f->df ? rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG) :
	                              0;
	ip->time_to_live = f->ttl;
	ip->next_proto_id = f->proto;
	ip->src_addr = rte_cpu_to_be_32(f->src);
	ip->dst_addr = rte_cpu_to_be_32(f->grp);
	opt = (uint8_t *)(ip + 1);
	for (i = 0; i < 4u * f->opt_words; i++)
		opt[i] = 0x01;  /* NOP */
	if (f->opt_words > 0) { /* router alert, as IGMP carries */
		opt[0] = 0x94;
		opt[1] = 0x04;
		opt[2] = 0;
		opt[3] = 0;
	}
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp = (struct rte_udp_hdr *)((uint8_t *)ip + ihl);
	udp->src_port = rte_cpu_to_be_16(5000);
	udp->dst_port = rte_cpu_to_be_16(5001);
	udp->dgram_len = rte_cpu_to_be_16(sizeof(*udp) + f->payload);
	udp->dgram_cksum = 0;
	pl = (uint8_t *)(udp + 1);
	for (i = 0; i < f->payload; i++)
		pl[i] = (uint8_t)(i * 7 + f->seed);
	return m;
}

static struct rte_mbuf *
frame_simple(uint32_t src, uint32_t grp)
{
	struct frame f = frame_default();

	f.src = src;
	f.grp = grp;
	return frame_build(&f);
}

/* The IPv4 header of a frame just built (untagged or one tag). */
static struct rte_ipv4_hdr *
frame_ip(struct rte_mbuf *m)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	if (eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN))
		return (struct rte_ipv4_hdr *)((uint8_t *)eh + 18);
	return (struct rte_ipv4_hdr *)(eh + 1);
}

/* ---- what came out --------------------------------------------------- */

struct view {
	uint8_t buf[MAX_FRAME];
	uint32_t len;
	int vlan; /* -1: untagged */
	uint16_t l2;
	struct rte_ether_hdr *eh;
	struct rte_ipv4_hdr *ip;
};

static void
view_of(struct rte_mbuf *m, struct view *v)
{
	const void *p;

	v->len = rte_pktmbuf_pkt_len(m);
	assert_true(v->len <= sizeof(v->buf));
	p = rte_pktmbuf_read(m, 0, v->len, v->buf);
	assert_non_null(p);
	if (p != v->buf)
		memcpy(v->buf, p, v->len);
	v->eh = (struct rte_ether_hdr *)v->buf;
	v->vlan = -1;
	v->l2 = 14;
	if (v->eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN)) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(v->eh + 1);

		v->vlan = rte_be_to_cpu_16(vh->vlan_tci);
		assert_int_equal(rte_be_to_cpu_16(vh->eth_proto),
		                 RTE_ETHER_TYPE_IPV4);
		v->l2 = 18;
	} else {
		assert_int_equal(rte_be_to_cpu_16(v->eh->ether_type),
		                 RTE_ETHER_TYPE_IPV4);
	}
	v->ip = (struct rte_ipv4_hdr *)(v->buf + v->l2);
}

/* The header checksum, recomputed from scratch, matches the one sent. */
static void
assert_ip_csum_valid(const struct rte_ipv4_hdr *ip)
{
	uint8_t hdr[60];
	struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)hdr;
	unsigned int ihl = rte_ipv4_hdr_len(ip);

	memcpy(hdr, ip, ihl);
	h->hdr_checksum = 0;
	assert_int_equal(rte_ipv4_cksum(h), ip->hdr_checksum);
}

/* @p v carries @p orig_ip (the IP packet as received) byte for byte but
 * for the TTL, one lower, and a valid checksum. */
static void
assert_copy_of(const struct view *v, const uint8_t *orig_ip, uint16_t orig_len)
{
	const uint8_t *ip = (const uint8_t *)v->ip;
	unsigned int i;

	assert_int_equal(v->len - v->l2, orig_len);
	for (i = 0; i < orig_len; i++) {
		if (i == 8)
			assert_int_equal(ip[i], orig_ip[i] - 1);
		else if (i != 10 && i != 11 && ip[i] != orig_ip[i])
			fail_msg("byte %u of the IP packet differs", i);
	}
	assert_ip_csum_valid(v->ip);
}

static void
assert_src_mac(const struct view *v, unsigned int ifindex)
{
	struct rte_ether_addr mac = { { 0x02, 0, 0, 0, 0, (uint8_t)ifindex } };

	assert_true(rte_is_same_ether_addr(&v->eh->src_addr, &mac));
}

/* Take what port @p p sent. */
static unsigned int
tx_take(unsigned int p, struct rte_mbuf **out, unsigned int max)
{
	return rte_ring_dequeue_burst(txr[p], (void **)out, max, NULL);
}

static unsigned int
tx_count_free(unsigned int p)
{
	struct rte_mbuf *m[64];
	unsigned int n, total = 0;

	while ((n = tx_take(p, m, RTE_DIM(m))) > 0) {
		rte_pktmbuf_free_bulk(m, n);
		total += n;
	}
	return total;
}

static void
tx_drain_all(void)
{
	unsigned int p;

	for (p = 0; p < N_PORTS; p++)
		tx_count_free(p);
}

/* Exactly one frame from port @p p, viewed; NULL-safe for the caller. */
static void
tx_expect_one(unsigned int p, struct view *v)
{
	struct rte_mbuf *m[4];
	unsigned int n = tx_take(p, m, RTE_DIM(m));

	assert_int_equal(n, 1);
	view_of(m[0], v);
	rte_pktmbuf_free(m[0]);
}

static void
punt_drain(void)
{
	struct rte_mbuf *m = NULL;

	while (rte_ring_dequeue(punt, (void **)&m) == 0)
		rte_pktmbuf_free(m);
}

/* ---- tables and workers ---------------------------------------------- */

static struct mfib *
table_create(uint32_t max_entries)
{
	struct mfib_config cfg = {
		.socket_id = SOCKET_ID_ANY,
		.max_entries = max_entries,
		.max_lcores = 4,
		.max_readers = 2,
	};
	char name[32];
	struct mfib *t;
	unsigned int i;

	snprintf(name, sizeof(name), "fwdt%u", table_seq++);
	cfg.name = name;
	t = mfib_create(&cfg);
	assert_non_null(t);
	for (i = 1; i <= IF_COUNT; i++) {
		struct mfib_iface ifc = {
			.ifindex = i,
			.port = port_id[ifdef[i].port],
			.vlan = ifdef[i].vlan,
			.mtu = ifdef[i].mtu,
			.ttl_threshold = ifdef[i].thr,
			.mac = { { 0x02, 0, 0, 0, 0, (uint8_t)i } },
		};

		snprintf(ifc.name, sizeof(ifc.name), "if%u", i);
		assert_int_equal(mfib_iface_add(t, &ifc), 0);
	}
	return t;
}

static void
worker_conf_init(struct fwd_worker_conf *c, struct mfib *t, struct rte_ring *r)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->lcore_id = rte_lcore_id();
	c->ctr_slot = 0;
	for (i = 0; i < RTE_MAX_ETHPORTS; i++)
		c->tx_queue[i] = UINT16_MAX;
	for (i = 0; i < N_PORTS; i++)
		c->tx_queue[port_id[i]] = 0;
	c->punt = r;
	c->pool = pool;
	c->mfib = t;
	c->punt_rate = 1000;
	c->punt_burst = 64;
}

static struct fwd_worker *
worker_create(struct mfib *t, struct rte_ring *r, uint32_t rate, uint32_t burst)
{
	struct fwd_worker_conf c;
	struct fwd_worker *w;

	worker_conf_init(&c, t, r);
	c.punt_rate = rate;
	c.punt_burst = burst;
	w = fwd_worker_create(&c);
	assert_non_null(w);
	return w;
}

/* Install (src, grp) from @p iif to @p n outputs. */
static void
route(uint32_t src, uint32_t grp, uint32_t iif, uint16_t flags,
      const uint32_t *oif, uint16_t n)
{
	struct mfib_spec s = {
		.src = rte_cpu_to_be_32(src),
		.grp = rte_cpu_to_be_32(grp),
		.iif = iif,
		.flags = flags,
		.n_oif = n,
		.oif_ifindex = oif,
	};

	assert_int_equal(mfib_set(T, &s), 0);
}

#define ROUTE(src, grp, iif, flags, ...)                               \
	route(src, grp, iif, flags, (const uint32_t[]){ __VA_ARGS__ }, \
	      RTE_DIM(((const uint32_t[]){ __VA_ARGS__ })))

static void
counters(uint32_t src, uint32_t grp, struct mfib_entry_ctr *ec,
         uint32_t ifindex, struct mfib_oif_ctr *oc)
{
	struct mfib_oif_ctr dummy;

	assert_int_equal(mfib_read(T, rte_cpu_to_be_32(src),
	                           rte_cpu_to_be_32(grp), ec, &ifindex,
	                           oc ? oc : &dummy, 1),
	                 0);
}

static void
send_burst(struct rte_mbuf **m, uint16_t n, unsigned int port)
{
	fwd_process_burst(W, port_id[port], m, n);
	fwd_worker_flush(W);
}

static void
send_one(struct rte_mbuf *m)
{
	send_burst(&m, 1, 0);
}

static int
test_setup(void **state)
{
	(void)state;
	T = table_create(1024);
	W = worker_create(T, punt, 1000, 64);
	tx_drain_all();
	punt_drain();
	return 0;
}

static int
test_teardown(void **state)
{
	(void)state;
	fwd_worker_destroy(W);
	W = NULL;
	tx_drain_all();
	punt_drain();
	mfib_destroy(T);
	T = NULL;
	return 0;
}

/* ---- EAL and ports --------------------------------------------------- */

static int
group_setup(void **state)
{
	char *argv[] = {
		"test_fwd",
		"--no-huge",
		"-m",
		"512",
		"--no-shconf",
		"--no-pci",
		"-l",
		"0-1",
		"--log-level=lib.eal:error",
		"--log-level=mcastfwd.*:warning",
	};
	struct rte_eth_conf ec = { 0 };
	test_from_rings_fn from_rings;
	unsigned int p;

	(void)state;
	if (rte_eal_init(RTE_DIM(argv), argv) < 0)
		return -1;
	from_rings = test_ring_pmd_from_rings();
	if (from_rings == NULL)
		return -1;

	pool = rte_pktmbuf_pool_create("fwd_test", POOL_SIZE, 256, 0,
	                               RTE_MBUF_DEFAULT_BUF_SIZE,
	                               SOCKET_ID_ANY);
	punt = rte_ring_create("fwd_test_punt", 256, SOCKET_ID_ANY,
	                       RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (pool == NULL || punt == NULL || fwd_punt_meta_register() != 0)
		return -1;
	for (p = 0; p < N_PORTS; p++) {
		char name[32];
		int id;

		snprintf(name, sizeof(name), "fwd_rx%u", p);
		rxr[p] = rte_ring_create(name, RX_RING_SIZE, SOCKET_ID_ANY,
		                         RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "fwd_tx%u", p);
		txr[p] = rte_ring_create(name, TX_RING_SIZE, SOCKET_ID_ANY,
		                         RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (rxr[p] == NULL || txr[p] == NULL)
			return -1;
		snprintf(name, sizeof(name), "fwd_port%u", p);
		id = from_rings(name, &rxr[p], 1, &txr[p], 1, 0);
		if (id < 0)
			return -1;
		port_id[p] = (uint16_t)id;
		if (rte_eth_dev_configure(port_id[p], 1, 1, &ec) != 0 ||
		    rte_eth_rx_queue_setup(port_id[p], 0, 512, 0, NULL, pool) !=
		            0 ||
		    rte_eth_tx_queue_setup(port_id[p], 0, 512, 0, NULL) != 0 ||
		    rte_eth_dev_start(port_id[p]) != 0)
			return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	/* Ports, rings and the pool go with the process. */
	rte_eal_cleanup();
	return 0;
}

/* ---- tests ----------------------------------------------------------- */

static void
test_forwards_to_every_output_port_only(void **state)
{
	struct mfib_entry_ctr ec;
	struct mfib_oif_ctr oc;
	const struct fwd_stats *st = fwd_worker_stats(W);

	(void)state;
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_A, IF_B, IF_VLAN);
	send_one(frame_simple(SRC1, GRP1));

	assert_int_equal(tx_count_free(0), 0);
	assert_int_equal(tx_count_free(1), 1);
	assert_int_equal(tx_count_free(2), 1);
	assert_int_equal(tx_count_free(3), 1);
	assert_int_equal(tx_count_free(4), 0);
	assert_int_equal(tx_count_free(5), 0);
	assert_int_equal(st->rx_pkts, 1);
	assert_int_equal(st->fwd_pkts, 1);
	assert_int_equal(st->tx_pkts, 3);
	counters(SRC1, GRP1, &ec, IF_B, &oc);
	assert_int_equal(ec.in_pkts, 1);
	assert_int_equal(ec.in_octets, 20 + 8 + 64);
	assert_int_equal(oc.out_pkts, 1);
}

static void
test_ttl_decremented_and_checksum_valid(void **state)
{
	/* the incremental update must carry and borrow correctly */
	static const uint8_t ttls[] = { 2, 5, 64, 128, 129, 200, 255 };
	struct frame f = frame_default();
	uint8_t orig[MAX_FRAME];
	struct rte_mbuf *m;
	struct view v;
	uint16_t len;
	unsigned int i, p;

	(void)state;
	for (i = 0; i < RTE_DIM(ttls); i++) {
		f.ttl = ttls[i];
		f.seed = f.ttl;
		f.src = SRC1 + (i << 8); /* varied checksums */
		ROUTE(f.src, GRP1, IF_IN, 0, IF_A, IF_B);
		m = frame_build(&f);
		len = rte_be_to_cpu_16(frame_ip(m)->total_length);
		memcpy(orig, frame_ip(m), len);
		send_one(m);
		for (p = 1; p <= 2; p++) {
			tx_expect_one(p, &v);
			assert_int_equal(v.ip->time_to_live, f.ttl - 1);
			assert_copy_of(&v, orig, len);
		}
	}
}

/* fwd_ttl_dec() (and so fwd_ttl_dec_word()) against the reference
 * update, fwd_csum_ttl_dec(), for every checksum value: its one-word form
 * must hand the two values where the checksum wraps to the reference, and
 * leave the protocol alone. */
static void
test_ttl_dec_matches_reference_for_every_checksum(void **state)
{
	static const uint8_t ttls[] = {2, 64, 255};
	struct rte_ipv4_hdr ip;

	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(ttls); i++) {
		for (uint32_t c = 0; c <= UINT16_MAX; c++) {
			memset(&ip, 0, sizeof(ip));
			ip.time_to_live = ttls[i];
			ip.next_proto_id = IPPROTO_UDP;
			ip.hdr_checksum = (rte_be16_t)c;
			fwd_ttl_dec(&ip);
			if (ip.time_to_live != ttls[i] - 1 ||
			    ip.next_proto_id != IPPROTO_UDP ||
			    ip.hdr_checksum != fwd_csum_ttl_dec((uint16_t)c))
				fail_msg("TTL %u checksum 0x%04x: got TTL %u "
				         "protocol %u checksum 0x%04x",
				         ttls[i], c, ip.time_to_live,
				         ip.next_proto_id, ip.hdr_checksum);
		}
	}
}

static void
test_source_mac_is_output_port_mac_and_dest_is_group_mac(void **state)
{
	/* 239.129.2.3: the 24th bit is not part of the MAC */
	const uint32_t grp = IP4(239, 129, 2, 3);
	const struct rte_ether_addr gmac = { { 0x01, 0x00, 0x5e, 0x01, 0x02,
		                               0x03 } };
	struct view v;

	(void)state;
	ROUTE(SRC1, grp, IF_IN, 0, IF_A, IF_B);
	send_one(frame_simple(SRC1, grp));
	tx_expect_one(1, &v);
	assert_true(rte_is_same_ether_addr(&v.eh->dst_addr, &gmac));
	assert_src_mac(&v, IF_A);
	tx_expect_one(2, &v);
	assert_true(rte_is_same_ether_addr(&v.eh->dst_addr, &gmac));
	assert_src_mac(&v, IF_B);
}

static void
test_vlan_push_pop_rewrite(void **state)
{
	struct frame f = frame_default();
	uint8_t orig[MAX_FRAME];
	struct rte_mbuf *m = NULL;
	struct view v;
	uint16_t len, payload;

	(void)state;
	/* GRP1: copy to A (pop), the received frame to VLAN (rewrite);
	 * GRP2: the other way round. */
	ROUTE(SRC1, GRP1, IF_IN_TAGGED, 0, IF_A, IF_VLAN);
	ROUTE(SRC1, GRP2, IF_IN_TAGGED, 0, IF_VLAN, IF_A);
	ROUTE(SRC2, GRP1, IF_IN, 0, IF_VLAN); /* push */
	f.vlan = 10;
	/* small (whole copy) and large (header + indirect payload) */
	for (payload = 64; payload <= 1200; payload += 1136) {
		f.payload = payload;
		f.grp = GRP1;
		m = frame_build(&f);
		len = rte_be_to_cpu_16(frame_ip(m)->total_length);
		memcpy(orig, frame_ip(m), len);
		send_one(m);
		tx_expect_one(1, &v);
		assert_int_equal(v.vlan, -1);
		assert_copy_of(&v, orig, len);
		tx_expect_one(3, &v);
		assert_int_equal(v.vlan, 100);
		assert_copy_of(&v, orig, len);

		f.grp = GRP2;
		m = frame_build(&f);
		memcpy(orig, frame_ip(m), len);
		send_one(m);
		tx_expect_one(1, &v);
		assert_int_equal(v.vlan, -1);
		assert_src_mac(&v, IF_A);
		assert_copy_of(&v, orig, len);
		tx_expect_one(3, &v);
		assert_int_equal(v.vlan, 100);
		assert_src_mac(&v, IF_VLAN);
		assert_copy_of(&v, orig, len);
	}
	f = frame_default();
	f.src = SRC2;
	m = frame_build(&f);
	len = rte_be_to_cpu_16(frame_ip(m)->total_length);
	memcpy(orig, frame_ip(m), len);
	send_one(m);
	tx_expect_one(3, &v);
	assert_int_equal(v.vlan, 100);
	assert_copy_of(&v, orig, len);
	assert_int_equal(tx_count_free(0) + tx_count_free(2), 0);
}

static void
test_rpf_failure_counted_not_forwarded(void **state)
{
	const struct fwd_stats *st = fwd_worker_stats(W);
	struct mfib_entry_ctr ec;
	struct fwd_punt_meta *meta;
	struct rte_mbuf *m = NULL;
	unsigned int p;

	(void)state;
	ROUTE(SRC1, GRP1, IF_A, 0, IF_B, IF_VLAN);
	send_one(frame_simple(SRC1, GRP1));
	for (p = 0; p < N_PORTS; p++)
		assert_int_equal(tx_count_free(p), 0);
	counters(SRC1, GRP1, &ec, IF_B, NULL);
	assert_int_equal(ec.wrong_if, 1);
	assert_int_equal(ec.in_pkts, 0);
	assert_int_equal(st->drop_wrong_if, 1);
	assert_int_equal(st->punt_wrong_if, 1);
	assert_int_equal(rte_ring_dequeue(punt, (void **)&m), 0);
	meta = fwd_punt_meta(m);
	assert_int_equal(meta->reason, FWD_PUNT_WRONG_IF);
	assert_int_equal(meta->ifindex, IF_IN);
	assert_int_equal(meta->l2_len, 14);
	/* punted as received: TTL untouched */
	assert_int_equal(frame_ip(m)->time_to_live, 64);
	rte_pktmbuf_free(m);
}

static void
test_ttl_threshold_counted(void **state)
{
	struct frame f = frame_default();
	struct mfib_entry_ctr ec;
	struct mfib_oif_ctr oc;

	(void)state;
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_A, IF_THR);
	f.ttl = 32; /* == threshold: not forwarded there */
	send_one(frame_build(&f));
	assert_int_equal(tx_count_free(1), 1);
	assert_int_equal(tx_count_free(4), 0);
	f.ttl = 33;
	send_one(frame_build(&f));
	assert_int_equal(tx_count_free(1), 1);
	assert_int_equal(tx_count_free(4), 1);
	counters(SRC1, GRP1, &ec, IF_THR, &oc);
	assert_int_equal(oc.ttl_too_low, 1);
	assert_int_equal(oc.out_pkts, 1);
}

static void
test_mtu_df_counts_frag_needed_and_no_df_counts_discard(void **state)
{
	struct frame f = frame_default();
	struct mfib_entry_ctr ec;
	struct mfib_oif_ctr oc;

	(void)state;
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_MTU, IF_A);
	f.payload = 577 - 28; /* IP 577 > MTU 576 */
	f.df = true;
	send_one(frame_build(&f));
	f.df = false;
	send_one(frame_build(&f));
	f.payload = 576 - 28; /* fits exactly */
	send_one(frame_build(&f));
	assert_int_equal(tx_count_free(1), 3);
	assert_int_equal(tx_count_free(5), 1);
	counters(SRC1, GRP1, &ec, IF_MTU, &oc);
	assert_int_equal(oc.frag_needed, 1);
	assert_int_equal(oc.out_discards, 1);
	assert_int_equal(oc.out_pkts, 1);
}

static void
test_link_local_punted_never_forwarded(void **state)
{
	const uint32_t mdns = IP4(224, 0, 0, 251);
	const struct fwd_stats *st = fwd_worker_stats(W);
	struct fwd_punt_meta *meta;
	struct rte_mbuf *m = NULL;
	unsigned int p;

	(void)state;
	/* even an entry for it must not make it forwarded */
	ROUTE(0, mdns, 0, MFIB_F_ANY_IIF, IF_A);
	send_one(frame_simple(SRC1, mdns));
	for (p = 0; p < N_PORTS; p++)
		assert_int_equal(tx_count_free(p), 0);
	assert_int_equal(st->punt_linklocal, 1);
	assert_int_equal(rte_ring_dequeue(punt, (void **)&m), 0);
	meta = fwd_punt_meta(m);
	assert_int_equal(meta->reason, FWD_PUNT_LINKLOCAL);
	assert_int_equal(meta->ifindex, IF_IN);
	rte_pktmbuf_free(m);
	/* 224.0.1.x is not link-local */
	ROUTE(0, IP4(224, 0, 1, 1), 0, MFIB_F_ANY_IIF, IF_A);
	send_one(frame_simple(SRC1, IP4(224, 0, 1, 1)));
	assert_int_equal(tx_count_free(1), 1);
}

static void
test_igmp_punted(void **state)
{
	const struct fwd_stats *st = fwd_worker_stats(W);
	struct frame f = frame_default();
	struct fwd_punt_meta *meta;
	struct rte_mbuf *m = NULL;

	(void)state;
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_A);
	/* a v2 report goes to the group itself, TTL 1, router alert */
	f.proto = IPPROTO_IGMP;
	f.ttl = 1;
	f.opt_words = 1;
	f.payload = 0;
	send_one(frame_build(&f));
	f.vlan = 10;
	f.grp = IP4(224, 0, 0, 22);
	send_one(frame_build(&f));
	assert_int_equal(tx_count_free(1), 0);
	assert_int_equal(st->punt_igmp, 2);
	assert_int_equal(st->drop_ttl, 0);

	assert_int_equal(rte_ring_dequeue(punt, (void **)&m), 0);
	meta = fwd_punt_meta(m);
	assert_int_equal(meta->reason, FWD_PUNT_IGMP);
	assert_int_equal(meta->ifindex, IF_IN);
	assert_int_equal(meta->l2_len, 14);
	rte_pktmbuf_free(m);
	assert_int_equal(rte_ring_dequeue(punt, (void **)&m), 0);
	meta = fwd_punt_meta(m);
	assert_int_equal(meta->reason, FWD_PUNT_IGMP);
	assert_int_equal(meta->ifindex, IF_IN_TAGGED);
	assert_int_equal(meta->l2_len, 18);
	rte_pktmbuf_free(m);
}

static void
test_miss_punted_with_meta_and_rate_limited(void **state)
{
	const struct fwd_stats *st;
	struct fwd_worker *nopunt;
	struct rte_mbuf *m[10];
	struct fwd_punt_meta *meta;
	unsigned int i;

	(void)state;
	/* 1/s with a bucket of 4: only the first 4 get through */
	fwd_worker_destroy(W);
	W = worker_create(T, punt, 1, 4);
	st = fwd_worker_stats(W);
	for (i = 0; i < RTE_DIM(m); i++)
		m[i] = frame_simple(SRC1, GRP1 + i);
	send_burst(m, RTE_DIM(m), 0);
	assert_int_equal(st->punt_miss, 4);
	assert_int_equal(st->drop_miss, 6);
	assert_int_equal(rte_ring_count(punt), 4);
	for (i = 0; i < 4; i++) {
		struct rte_mbuf *p = NULL;

		assert_int_equal(rte_ring_dequeue(punt, (void **)&p), 0);
		meta = fwd_punt_meta(p);
		assert_int_equal(meta->reason, FWD_PUNT_MISS);
		assert_int_equal(meta->l2_len, 14);
		assert_int_equal(meta->ifindex, IF_IN);
		/* in arrival order, untouched */
		assert_int_equal(rte_be_to_cpu_32(frame_ip(p)->dst_addr),
		                 GRP1 + i);
		assert_int_equal(frame_ip(p)->time_to_live, 64);
		rte_pktmbuf_free(p);
	}

	/* without a punt ring (the control thread's forwarder): drop */
	nopunt = worker_create(T, NULL, 1000, 64);
	m[0] = frame_simple(SRC1, GRP2);
	fwd_process_burst(nopunt, port_id[0], m, 1);
	assert_int_equal(fwd_worker_stats(nopunt)->drop_miss, 1);
	assert_int_equal(fwd_worker_stats(nopunt)->punt_miss, 0);
	assert_int_equal(rte_ring_count(punt), 0);
	fwd_worker_destroy(nopunt);
}

static void
test_negative_entry_drops_and_counts(void **state)
{
	const struct fwd_stats *st = fwd_worker_stats(W);
	struct mfib_entry_ctr ec;
	struct mfib_spec s = {
		.src = rte_cpu_to_be_32(SRC1),
		.grp = rte_cpu_to_be_32(GRP1),
		.iif = IF_IN,
		.flags = MFIB_F_NEGATIVE,
	};
	struct mfib_oif_ctr oc;
	uint32_t none = IF_A;
	unsigned int p;

	(void)state;
	assert_int_equal(mfib_set(T, &s), 0);
	send_one(frame_simple(SRC1, GRP1));
	send_one(frame_simple(SRC1, GRP1));
	for (p = 0; p < N_PORTS; p++)
		assert_int_equal(tx_count_free(p), 0);
	assert_int_equal(st->drop_negative, 2);
	assert_int_equal(rte_ring_count(punt), 0);
	assert_int_equal(mfib_read(T, s.src, s.grp, &ec, &none, &oc, 1), 0);
	assert_int_equal(ec.negative, 2);
}

static void
test_star_g_fallback_used_when_no_s_g(void **state)
{
	struct rte_mbuf *m[4];
	struct mfib_entry_ctr ec;

	(void)state;
	ROUTE(0, GRP1, IF_IN, 0, IF_A);
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_B);
	/* mixed in one burst: hits and misses of the first lookup */
	m[0] = frame_simple(SRC1, GRP1);
	m[1] = frame_simple(SRC2, GRP1);
	m[2] = frame_simple(SRC2, GRP1);
	m[3] = frame_simple(SRC1, GRP1);
	send_burst(m, 4, 0);
	assert_int_equal(tx_count_free(1), 2);
	assert_int_equal(tx_count_free(2), 2);
	assert_int_equal(fwd_worker_stats(W)->punt_miss, 0);
	counters(0, GRP1, &ec, IF_A, NULL);
	assert_int_equal(ec.in_pkts, 2);
}

/* A worker that is RCU reader 0, so its flow cache is on; its punt
 * bucket holds @p punt_burst tokens. */
static struct fwd_worker *
reader_create_burst(uint32_t punt_burst)
{
	struct fwd_worker_conf c;
	struct fwd_worker *r;

	assert_int_equal(mfib_reader_register(T, 0), 0);
	worker_conf_init(&c, T, punt);
	c.is_reader = true;
	c.reader_id = 0;
	c.punt_burst = punt_burst;
	r = fwd_worker_create(&c);
	assert_non_null(r);
	return r;
}

static struct fwd_worker *
reader_create(void)
{
	return reader_create_burst(64);
}

static void
reader_destroy(struct fwd_worker *r)
{
	punt_drain();
	fwd_worker_destroy(r);
	mfib_reader_unregister(T, 0);
}

/* @p n packets of (src, grp) through reader @p r, one burst each. */
static void
reader_send(struct fwd_worker *r, uint32_t src, uint32_t grp, int n)
{
	for (int i = 0; i < n; i++) {
		struct rte_mbuf *m = frame_simple(src, grp);

		fwd_process_burst(r, port_id[0], &m, 1);
		fwd_worker_flush(r);
	}
}

/* Does reader @p r's flow cache hold (src, grp) (host order)? */
static bool
fc_holds(const struct fwd_worker *r, uint32_t src, uint32_t grp)
{
	uint64_t key = fwd_fc_key(rte_cpu_to_be_32(src), rte_cpu_to_be_32(grp));
	const struct fwd_fc_set *c = fwd_fc_set(r->fc, key);

	for (unsigned int i = 0; i < FWD_FC_WAYS; i++)
		if (c->way[i].key == key)
			return c->way[i].e != NULL;
	return false;
}

/* After a change to (src, grp)'s entry: packets of it through reader
 * @p r, one burst each, until one leaves by tx port @p to (or, @p to
 * negative, is punted as a miss); every one before must have left by
 * @p from, as the entry was.  Returns how many did: the fast run's ways
 * lag a change by fewer than FWD_FC_SYNC_RUNS bursts. */
static unsigned int
send_until_changed(struct fwd_worker *r, uint32_t src, uint32_t grp,
                   unsigned int from, int to)
{
	for (unsigned int k = 0; k < FWD_FC_SYNC_RUNS; k++) {
		uint64_t miss = fwd_worker_stats(r)->punt_miss;
		unsigned int old, new;

		reader_send(r, src, grp, 1);
		old = tx_count_free(from);
		new = to >= 0 ? tx_count_free((unsigned int)to) :
		                (unsigned int)(fwd_worker_stats(r)->punt_miss -
		                               miss);
		assert_int_equal(old + new, 1);
		if (new == 1)
			return k;
	}
	fail_msg("the change did not reach the fast run within %u bursts",
	         FWD_FC_SYNC_RUNS);
	return FWD_FC_SYNC_RUNS;
}

/* A reader worker keeps looked-up entries in its flow cache between
 * bursts: a replaced or deleted entry stops being used within
 * FWD_FC_SYNC_RUNS bursts, and at once after a quiescent report. */
static void
test_flow_cache_never_uses_replaced_or_deleted_entry(void **state)
{
	struct fwd_worker *r = reader_create();

	(void)state;
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_A);
	reader_send(r, SRC1, GRP1, 3); /* a miss, then cache hits */
	assert_int_equal(tx_count_free(1), 3);

	/* replaced, the output moves: whatever run the change meets */
	for (unsigned int k = 0; k < FWD_FC_SYNC_RUNS; k++) {
		ROUTE(SRC1, GRP1, IF_IN, 0, IF_B);
		send_until_changed(r, SRC1, GRP1, 1, 2);
		reader_send(r, SRC1, GRP1, 2);
		assert_int_equal(tx_count_free(2), 2);
		ROUTE(SRC1, GRP1, IF_IN, 0, IF_A);
		send_until_changed(r, SRC1, GRP1, 2, 1);
		/* k more runs: the next change meets another run */
		reader_send(r, SRC1, GRP1, k + 1);
		assert_int_equal(tx_count_free(1), k + 1);
	}

	/* a report looks at once, whatever run comes next */
	for (unsigned int k = 0; k < FWD_FC_SYNC_RUNS; k++) {
		ROUTE(SRC1, GRP1, IF_IN, 0, k & 1 ? IF_A : IF_B);
		fwd_worker_quiescent(r);
		reader_send(r, SRC1, GRP1, 1);
		assert_int_equal(tx_count_free(k & 1 ? 1 : 2), 1);
	}
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_B);
	fwd_worker_quiescent(r);
	reader_send(r, SRC1, GRP1, 1);
	assert_int_equal(tx_count_free(1), 0);
	assert_int_equal(tx_count_free(2), 1);

	assert_int_equal(mfib_del(T, rte_cpu_to_be_32(SRC1),
	                          rte_cpu_to_be_32(GRP1)),
	                 0);
	send_until_changed(r, SRC1, GRP1, 2, -1);
	reader_send(r, SRC1, GRP1, 1);
	assert_int_equal(tx_count_free(1) + tx_count_free(2), 0);
	assert_int_equal(fwd_worker_stats(r)->punt_miss, 2);
	reader_destroy(r);
}

/* The flow cache's set index spreads a numbered sequence of groups (one
 * source) or of sources (one group) over the sets: 4096 flows, half
 * the cache's ways, and no set asked for more than three of its four, at the strides groups and sources are numbered with (the bench's
 * 1M-entry table spaces its 4096 groups 244 apart).  Consecutive groups
 * take consecutive sets, which the hardware prefetcher follows. */
static void
test_flow_cache_spreads_numbered_flows(void **state)
{
	static const uint32_t stride[] = {1, 2, 3, 7, 16, 244, 256, 1000,
	                                  4096, 65536};
	static struct fwd_fc_set sets[FWD_FC_SETS];
	static uint8_t load[FWD_FC_SETS];

	(void)state;
	for (unsigned int k = 0; k < RTE_DIM(stride); k++) {
		for (int by_src = 0; by_src < 2; by_src++) {
			unsigned int over = 0;
			size_t prev = 0;

			memset(load, 0, sizeof(load));
			for (uint32_t i = 0; i < 4096; i++) {
				uint32_t step = i * stride[k];
				uint32_t src = SRC1 + (by_src ? step : 0);
				uint32_t grp = 0xef010000u + (by_src ? 0 : step);
				uint64_t key = fwd_fc_key(rte_cpu_to_be_32(src),
				                          rte_cpu_to_be_32(grp));
				size_t set = (size_t)(fwd_fc_set(sets, key) - sets);

				if (++load[set] > 3)
					over++;
				if (stride[k] == 1 && !by_src && i > 0)
					assert_int_equal(set,
					                 (prev + 1) % FWD_FC_SETS);
				prev = set;
			}
			if (over != 0)
				fail_msg("stride %u of %s: %u flows over a full set",
				         stride[k], by_src ? "sources" : "groups",
				         over);
		}
	}
}

/* A cached entry freed after its grace period, its memory reused by
 * another entry: the quiescent report that let it be freed must have
 * emptied the cache, or the old flow would follow the new entry. */
static void
test_flow_cache_emptied_when_a_report_lets_entries_go(void **state)
{
	struct fwd_worker *r = reader_create();

	(void)state;
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_A);
	reader_send(r, SRC1, GRP1, 2); /* a miss, then a cache hit */
	assert_int_equal(tx_count_free(1), 2);
	/* a stable table keeps the cache across reports */
	fwd_worker_quiescent(r);
	reader_send(r, SRC1, GRP1, 1);
	assert_int_equal(tx_count_free(1), 1);

	/* deleted, its grace period over, its memory reused: the newest
	 * free slab slot is the next one handed out */
	assert_int_equal(mfib_del(T, rte_cpu_to_be_32(SRC1),
	                          rte_cpu_to_be_32(GRP1)),
	                 0);
	fwd_worker_quiescent(r);
	assert_false(fc_holds(r, SRC1, GRP1));
	assert_int_equal(mfib_reclaim(T), 1);
	ROUTE(SRC2, GRP2, IF_IN, 0, IF_B);
	reader_send(r, SRC1, GRP1, 1);
	assert_int_equal(tx_count_free(1) + tx_count_free(2), 0);
	assert_int_equal(fwd_worker_stats(r)->punt_miss, 1);
	reader_destroy(r);
}

/* The fast run does not check the group: a way holds only a key the
 * staged path took, so a hit says the group is routable.  Frames to
 * other groups miss and take the staged path; a frame whose addresses
 * are 0, the key of an empty way, finds one in its set, empty from the
 * start or forgotten after its entry went, and is stopped there. */
static void
test_fast_run_group_left_to_the_cache(void **state)
{
	struct fwd_worker *r = reader_create();
	const struct fwd_stats *st = fwd_worker_stats(r);
	const struct fwd_fc_set *set0 = fwd_fc_set(r->fc, 0);
	uint32_t src = SRC1;

	(void)state;
	/* a flow whose way is in key 0's set */
	while (fwd_fc_set(r->fc, fwd_fc_key(rte_cpu_to_be_32(src),
	                                    rte_cpu_to_be_32(GRP1))) != set0)
		src++;
	ROUTE(src, GRP1, IF_IN, 0, IF_A);
	reader_send(r, src, GRP1, 2); /* a miss, then the fast run */
	assert_int_equal(tx_count_free(1), 2);
	assert_true(fc_holds(r, src, GRP1));

	reader_send(r, 0, 0, 1); /* the set's empty ways */
	reader_send(r, src, IP4(224, 0, 0, 5), 1);
	reader_send(r, src, IP4(10, 1, 1, 1), 1);
	assert_int_equal(st->drop_not_mcast, 2);
	assert_int_equal(st->punt_linklocal, 1);

	/* the flow's way forgotten: it must not send key 0 where it went */
	assert_int_equal(mfib_del(T, rte_cpu_to_be_32(src),
	                          rte_cpu_to_be_32(GRP1)),
	                 0);
	fwd_worker_quiescent(r);
	assert_false(fc_holds(r, src, GRP1));
	reader_send(r, 0, 0, 2);
	assert_int_equal(st->drop_not_mcast, 4);
	for (unsigned int p = 0; p < N_PORTS; p++)
		assert_int_equal(tx_count_free(p), 0);
	assert_int_equal(st->fwd_pkts, 2);
	reader_destroy(r);
}

/* In packets of (src, grp) (host order) in mfib's counters. */
static uint64_t
in_pkts(uint32_t src, uint32_t grp)
{
	struct mfib_entry_ctr ec;

	counters(src, grp, &ec, IF_A, NULL);
	return ec.in_pkts;
}

/* A report after the table retired an entry drops that entry's flow from
 * the flow cache and keeps the others, so a table under churn keeps its
 * stable flows cached; when more retirements than the table's log holds
 * went by, the report empties the cache. */
static void
test_flow_cache_forgets_only_retired_flows(void **state)
{
	struct fwd_worker *r = reader_create();
	struct rte_rcu_qsbr *rcu = mfib_rcu(T);

	(void)state;
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_A);
	ROUTE(SRC2, GRP2, IF_IN, 0, IF_B);
	reader_send(r, SRC1, GRP1, 1);
	reader_send(r, SRC2, GRP2, 1);
	assert_int_equal(tx_count_free(1) + tx_count_free(2), 2);
	assert_true(fc_holds(r, SRC1, GRP1));
	assert_true(fc_holds(r, SRC2, GRP2));

	ROUTE(SRC1, GRP1, IF_IN, 0, IF_B); /* replaced */
	fwd_worker_quiescent(r);
	assert_false(fc_holds(r, SRC1, GRP1));
	assert_true(fc_holds(r, SRC2, GRP2));
	reader_send(r, SRC1, GRP1, 1); /* by its new entry */
	assert_int_equal(tx_count_free(1), 0);
	assert_int_equal(tx_count_free(2), 1);
	assert_true(fc_holds(r, SRC1, GRP1));

	/* MFIB_RETIRE_LOG + 1 retirements between two reports (the reader
	 * offline meanwhile, so the writer need not wait for it); what the
	 * cache counted is added before it goes */
	reader_send(r, SRC2, GRP2, 3);
	assert_int_equal(tx_count_free(2), 3);
	ROUTE(SRC2, GRP1, IF_IN, 0, IF_A);
	rte_rcu_qsbr_thread_offline(rcu, r->conf.reader_id);
	for (unsigned int n = 0; n <= MFIB_RETIRE_LOG; n++) {
		if (n & 1)
			ROUTE(SRC2, GRP1, IF_IN, 0, IF_A);
		else
			ROUTE(SRC2, GRP1, IF_IN, 0, IF_B);
		mfib_reclaim(T);
	}
	rte_rcu_qsbr_thread_online(rcu, r->conf.reader_id);
	fwd_worker_quiescent(r);
	assert_false(fc_holds(r, SRC1, GRP1));
	assert_false(fc_holds(r, SRC2, GRP2));
	assert_int_equal(in_pkts(SRC2, GRP2), 4);
	reader_destroy(r);
}

/* The fast run counts in the flow cache's way; the counts reach mfib's
 * counters when the worker flushes, from the quiescent reports' sweep
 * within a sweep of the whole cache or FWD_FC_SWEEP_MS, when the entry is
 * replaced or the way evicted, and always under the entry's own ids. */
static void
test_flow_cache_counts_reach_the_entry(void **state)
{
	struct fwd_worker *r = reader_create();
	struct rte_mbuf *m[FWD_BURST];
	struct mfib_oif_ctr oc;
	struct mfib_entry_ctr ec;
	uint64_t one, t;
	unsigned int i;

	(void)state;
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_A);
	/* the first by the staged path, counted at once; ten in the way */
	reader_send(r, SRC1, GRP1, 11);
	assert_int_equal(tx_count_free(1), 11);
	counters(SRC1, GRP1, &ec, IF_A, &oc);
	assert_int_equal(ec.in_pkts, 1);
	assert_int_equal(oc.out_pkts, 1);
	one = ec.in_octets;
	fwd_worker_count_flush(r);
	counters(SRC1, GRP1, &ec, IF_A, &oc);
	assert_int_equal(ec.in_pkts, 11);
	assert_int_equal(ec.in_octets, 11 * one);
	assert_int_equal(oc.out_pkts, 11);

	/* the reports' sweep comes by within a sweep of the whole cache */
	reader_send(r, SRC1, GRP1, 5);
	assert_int_equal(tx_count_free(1), 5);
	for (i = 0; i < (FWD_FC_SETS + FWD_FC_SWEEP - 1) / FWD_FC_SWEEP; i++)
		fwd_worker_quiescent(r);
	assert_int_equal(in_pkts(SRC1, GRP1), 16);

	/* replaced (the output moves, the entry id stays): what the way
	 * counted goes to the entry as a run forgets the way, the packets
	 * runs took by it before that too; the first by the new entry takes
	 * the staged path, counted at once */
	reader_send(r, SRC1, GRP1, 4);
	assert_int_equal(tx_count_free(1), 4);
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_B);
	i = send_until_changed(r, SRC1, GRP1, 1, 2);
	assert_int_equal(in_pkts(SRC1, GRP1), 21 + i);
	fwd_worker_count_flush(r);
	assert_int_equal(in_pkts(SRC1, GRP1), 21 + i);
	reader_send(r, SRC1, GRP1, 3 - i); /* 24 in all */
	assert_int_equal(tx_count_free(2), 3 - i);
	fwd_worker_count_flush(r);
	assert_int_equal(in_pkts(SRC1, GRP1), 24);

	/* replaced while the fast run backs off after a burst of misses:
	 * the staged path refills the way, adding its counts first */
	reader_send(r, SRC1, GRP1, 2);
	assert_int_equal(tx_count_free(2), 2);
	for (i = 0; i < FWD_BURST; i++)
		m[i] = frame_simple(SRC2, GRP2); /* no route */
	fwd_process_burst(r, port_id[0], m, FWD_BURST);
	punt_drain();
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_A);
	reader_send(r, SRC1, GRP1, 1);
	assert_int_equal(tx_count_free(1), 1);
	assert_int_equal(in_pkts(SRC1, GRP1), 27);
	for (i = 0; i < FWD_FAST_BACKOFF; i++)
		fwd_process_burst(r, port_id[0], NULL, 0);

	/* evicted: five flows in one set (groups 2029 apart, host order),
	 * the first the oldest when the fifth comes */
	for (i = 0; i < 5; i++)
		ROUTE(SRC2, GRP1 + i * FWD_FC_SETS, IF_IN, 0, IF_A);
	reader_send(r, SRC2, GRP1, 3);
	for (i = 1; i < 4; i++)
		reader_send(r, SRC2, GRP1 + i * FWD_FC_SETS, 1);
	assert_int_equal(in_pkts(SRC2, GRP1), 1);
	reader_send(r, SRC2, GRP1 + 4 * FWD_FC_SETS, 1);
	assert_int_equal(in_pkts(SRC2, GRP1), 3);
	assert_int_equal(tx_count_free(1), 7);

	/* however few the reports, the whole cache within FWD_FC_SWEEP_MS:
	 * a report after a longer gap sweeps it all (the flow's set placed
	 * last for the sweep, the gap before the first report none) */
	reader_send(r, SRC1, GRP1, 3);
	assert_int_equal(tx_count_free(1), 3);
	one = in_pkts(SRC1, GRP1); /* what the staged path counted at once */
	assert_true(one < 30);     /* the rest in the way */
	r->fc_sweep = (uint32_t)(fwd_fc_set(r->fc, fwd_fc_key(
	                                 rte_cpu_to_be_32(SRC1),
	                                 rte_cpu_to_be_32(GRP1))) -
	                         r->fc + 1) %
	              FWD_FC_SETS;
	r->fc_sweep_tsc = rte_rdtsc();
	fwd_worker_quiescent(r);
	assert_int_equal(in_pkts(SRC1, GRP1), one);
	rte_delay_us_sleep((FWD_FC_SWEEP_MS + 1) * 1000);
	t = rte_rdtsc();
	fwd_worker_quiescent(r);
	assert_int_equal(in_pkts(SRC1, GRP1), 30);
	assert_true(r->fc_sweep_tsc >= t); /* the next gap counts from here */

	/* destroyed: what the cache still counted is added first */
	reader_send(r, SRC2, GRP1 + 4 * FWD_FC_SETS, 2);
	assert_int_equal(tx_count_free(1), 2);
	assert_int_equal(in_pkts(SRC2, GRP1 + 4 * FWD_FC_SETS), 1);
	reader_destroy(r);
	assert_int_equal(in_pkts(SRC2, GRP1 + 4 * FWD_FC_SETS), 3);
}

/* One of each kind of frame the fast run must either take or leave, with
 * everything after it, to the staged path. */
#define FR_KINDS 21
#define SRC3 IP4(10, 0, 0, 3)
#define GRP3 IP4(239, 1, 1, 3)
#define GRP4 IP4(239, 1, 1, 4)
#define GRP5 IP4(239, 1, 1, 5)
#define GRP6 IP4(239, 1, 1, 6)

static struct rte_mbuf *
fr_frame(unsigned int kind, uint8_t seed)
{
	struct frame f = frame_default();
	struct rte_mbuf *m;

	f.seed = seed;
	switch (kind) {
	case 1: f.grp = GRP2; break;                  /* two outputs */
	case 2: f.src = SRC2; break;                  /* RPF failure */
	case 3: f.opt_words = 2; break;               /* options */
	case 5: f.src = SRC2; f.grp = GRP2; f.ttl = 20; break; /* threshold */
	case 6: f.src = SRC2; f.grp = GRP2; break;
	case 7: f.vlan = 10; break;                   /* tagged arrival */
	case 8: f.src = SRC3; f.grp = GRP3; break;    /* miss */
	case 9: f.proto = IPPROTO_IGMP; f.ttl = 1; break;
	case 10: f.ttl = 1; break;
	case 11: f.payload = 1000; break;
	case 12: f.grp = GRP2; f.payload = 1200; break; /* shared payload */
	case 13: f.grp = GRP4; break;                 /* tag pushed */
	case 15: f.src = SRC3; break;                 /* negative */
	/* two outputs, IP packets of at most 64 bytes: copies from
	 * registers; 65 bytes: copies from the packet */
	case 16: f.grp = GRP2; f.payload = 36; break;
	case 17: f.grp = GRP2; f.payload = 37; break;
	case 18: f.grp = GRP2; f.payload = 0; break;
	case 19: f.grp = GRP5; f.payload = 20; break; /* tagged, then not */
	case 20: f.grp = GRP6; f.payload = 20; break; /* untagged, then tagged */
	default: break;
	}
	m = frame_build(&f);
	if (kind == 4) /* Ethernet padding */
		memset(rte_pktmbuf_append(m, 18), 0xee, 18);
	if (kind == 14) /* bad checksum */
		frame_ip(m)->hdr_checksum ^= 0x0101;
	return m;
}

/* Everything port @p p sent, as views, in order. */
static unsigned int
fr_take(unsigned int p, struct view *v, unsigned int max)
{
	struct rte_mbuf *m[64];
	unsigned int n = tx_take(p, m, RTE_MIN(max, RTE_DIM(m))), i;

	for (i = 0; i < n; i++) {
		view_of(m[i], &v[i]);
		rte_pktmbuf_free(m[i]);
	}
	assert_int_equal(tx_take(p, m, 1), 0);
	return n;
}

/* A reader worker forwards flows its cache knows in one pass over the
 * start of each burst, and hands the first other packet and the rest to
 * the staged path.  Bursts mixing every kind of frame, rotated so the
 * hand-over falls everywhere, must come out of it exactly as out of the
 * staged path alone: the same frames on every port in the same order
 * (so a flow's packets keep theirs) and the same counters. */
static void
test_fast_run_matches_staged_path(void **state)
{
	static struct view vw[N_PORTS][FR_KINDS * 2], vr[FR_KINDS * 2];
	/* punt buckets deep enough for every punt of the test: a rate
	 * limit would make the two workers' punts depend on timing */
	struct fwd_worker *r = reader_create_burst(4096);
	const struct fwd_stats *sw, *sr;
	struct rte_mbuf *bw[FR_KINDS], *br[FR_KINDS];
	unsigned int round, i, p, nw[N_PORTS], nr;

	(void)state;
	fwd_worker_destroy(W);
	W = worker_create(T, punt, 1000, 4096);
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_A);
	ROUTE(SRC1, GRP2, IF_IN, 0, IF_A, IF_B);
	ROUTE(SRC2, GRP1, IF_B, 0, IF_A);
	ROUTE(SRC2, GRP2, IF_IN, 0, IF_THR, IF_A);
	ROUTE(SRC1, GRP4, IF_IN, 0, IF_VLAN);
	ROUTE(SRC1, GRP5, IF_IN, 0, IF_VLAN, IF_A);
	ROUTE(SRC1, GRP6, IF_IN, 0, IF_A, IF_VLAN);
	route(SRC3, GRP1, IF_IN, MFIB_F_NEGATIVE, NULL, 0);
	for (round = 0; round < 2 * FR_KINDS; round++) {
		for (i = 0; i < FR_KINDS; i++) {
			unsigned int kind = (i + round) % FR_KINDS;

			bw[i] = fr_frame(kind, (uint8_t)(round + i));
			br[i] = fr_frame(kind, (uint8_t)(round + i));
		}
		/* every other round, one flow's packets back to back */
		if (round & 1) {
			for (i = 0; i < 4; i++) {
				rte_pktmbuf_free(bw[i]);
				rte_pktmbuf_free(br[i]);
				bw[i] = fr_frame(0, (uint8_t)i);
				br[i] = fr_frame(0, (uint8_t)i);
			}
		}
		send_burst(bw, FR_KINDS, 0);
		for (p = 1; p < N_PORTS; p++)
			nw[p] = fr_take(p, vw[p], FR_KINDS * 2);
		/* a run that stopped early puts the fast run off for some
		 * bursts: empty ones run that out, so every round starts
		 * with a fast run */
		for (i = 0; i < 64; i++)
			fwd_process_burst(r, port_id[0], NULL, 0);
		fwd_process_burst(r, port_id[0], br, FR_KINDS);
		fwd_worker_flush(r);
		for (p = 1; p < N_PORTS; p++) {
			nr = fr_take(p, vr, FR_KINDS * 2);
			assert_int_equal(nw[p], nr);
			for (i = 0; i < nr; i++) {
				assert_int_equal(vw[p][i].len, vr[i].len);
				assert_memory_equal(vw[p][i].buf, vr[i].buf,
				                    vr[i].len);
			}
		}
		punt_drain();
	}
	sw = fwd_worker_stats(W);
	sr = fwd_worker_stats(r);
	assert_memory_equal(sw, sr, sizeof(*sw));
	assert_true(sw->fwd_pkts > 0 && sw->punt_miss > 0 &&
	            sw->drop_wrong_if > 0 && sw->drop_bad_csum > 0 &&
	            sw->drop_negative > 0);
	assert_int_equal(sw->drop_miss, 0); /* no punt was rate-limited */
	reader_destroy(r);
}

/* What port @p p sent, as (group's last byte << 8 | seed) per frame, in
 * order. */
static unsigned int
fr_order(unsigned int p, uint16_t *tag, unsigned int max)
{
	static struct view v;
	struct rte_mbuf *m;
	unsigned int n = 0;

	while (tx_take(p, &m, 1) == 1) {
		const uint8_t *pl;

		view_of(m, &v);
		rte_pktmbuf_free(m);
		pl = (const uint8_t *)v.ip + 20 + 8;
		assert_true(n < max);
		tag[n++] = (uint16_t)((rte_be_to_cpu_32(v.ip->dst_addr) & 0xff)
		                      << 8 | pl[0]);
	}
	return n;
}

/* Burst @p n frames of (SRC1 or SRC2, group) through reader @p r, the
 * k-th with seed @p seed0 + k; @p spec[k]: 1 (SRC1, GRP1) to IF_A, 2
 * (SRC2, GRP1) to IF_B, 3 (SRC1, GRP2) to both, 4 a miss.  Records in
 * @p want[port] what each port must send, in order. */
static void
fr_burst(struct fwd_worker *r, const uint8_t *spec, unsigned int n,
         uint8_t seed0, uint16_t want[][80], unsigned int *n_want)
{
	struct rte_mbuf *m[FWD_BURST];
	unsigned int k;

	for (k = 0; k < n; k++) {
		struct frame f = frame_default();
		uint16_t tag;

		f.seed = (uint8_t)(seed0 + k);
		f.src = spec[k] == 2 ? SRC2 : spec[k] == 4 ? SRC3 : SRC1;
		f.grp = spec[k] == 3 ? GRP2 : spec[k] == 4 ? GRP3 : GRP1;
		m[k] = frame_build(&f);
		tag = (uint16_t)((f.grp & 0xff) << 8 | f.seed);
		if (spec[k] == 1 || spec[k] == 3)
			want[1][n_want[1]++] = tag;
		if (spec[k] == 2 || spec[k] == 3)
			want[2][n_want[2]++] = tag;
	}
	fwd_process_burst(r, port_id[0], m, (uint16_t)n);
}

/* The fast run collects the single-output packets for one port and hands
 * them to its tx buffer together (a whole burst straight to the port):
 * every port must still send in the order of arrival — after what its
 * buffer held from earlier bursts, before what the staged path sends for
 * the rest of a burst, and around the copies of a multi-output entry —
 * and count each packet once; a port this worker has no tx queue on is
 * never the collection's. */
static void
test_fast_run_sends_single_output_packets_in_order(void **state)
{
	static uint16_t want[3][80], got[80];
	static const uint8_t mix[] = {2, 1, 1, 3, 1, 2, 2, 1, 3, 3, 1, 1, 2,
	                              1, 3, 1, 2, 1, 1, 1, 3, 2, 1, 1};
	uint8_t spec[FWD_BURST];
	unsigned int n_want[3] = {0}, p, k, n, round;
	struct fwd_worker_conf c;
	struct fwd_worker *r = reader_create();
	struct mfib_oif_ctr oc;
	struct mfib_entry_ctr ec;

	(void)state;
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_A);
	ROUTE(SRC2, GRP1, IF_IN, 0, IF_B);
	ROUTE(SRC1, GRP2, IF_IN, 0, IF_A, IF_B);
	memset(spec, 1, sizeof(spec));
	/* five by the staged path (the first is a miss), left in port A's
	 * buffer; then, the fast run allowed again, a whole burst */
	fr_burst(r, spec, 5, 0, want, n_want);
	for (k = 0; k < 64; k++)
		fwd_process_burst(r, port_id[0], NULL, 0);
	assert_int_equal(tx_count_free(2), 0);
	fr_burst(r, spec, FWD_BURST, 5, want, n_want);
	assert_int_equal(rte_ring_count(txr[1]), FWD_BURST); /* one full */
	fwd_worker_flush(r);
	assert_int_equal(fwd_worker_stats(r)->tx_pkts, 5 + FWD_BURST);
	/* a whole burst to an empty buffer goes out at once */
	fr_burst(r, spec, FWD_BURST, 5 + FWD_BURST, want, n_want);
	assert_int_equal(rte_ring_count(txr[1]), 5 + 2 * FWD_BURST);
	assert_int_equal(fwd_worker_stats(r)->tx_pkts, 5 + 2 * FWD_BURST);
	n = fr_order(1, got, RTE_DIM(got));
	assert_int_equal(n, n_want[1]);
	assert_memory_equal(got, want[1], n * sizeof(got[0]));
	n_want[1] = 0;

	/* mixed bursts: the first packet's port (B, then A) collects;
	 * copies go out among them; a miss stops the run halfway */
	for (round = 0; round < 4; round++) {
		for (k = 0; k < RTE_DIM(mix); k++)
			spec[k] = mix[(k + round) % RTE_DIM(mix)];
		if (round == 3)
			spec[10] = 4; /* in place of a (SRC1, GRP1) */
		fr_burst(r, spec, RTE_DIM(mix), (uint8_t)(100 + 30 * round),
		         want, n_want);
		punt_drain();
		fwd_worker_flush(r);
		for (p = 1; p <= 2; p++) {
			n = fr_order(p, got, RTE_DIM(got));
			assert_int_equal(n, n_want[p]);
			for (k = 0; k < n; k++)
				if (got[k] != want[p][k])
					fail_msg("round %u port %u frame %u: "
					         "0x%04x, want 0x%04x", round, p,
					         k, got[k], want[p][k]);
			n_want[p] = 0;
		}
		for (k = 0; k < 64; k++)
			fwd_process_burst(r, port_id[0], NULL, 0);
	}
	/* each packet counted once, by its entry and its output (the fast
	 * run's counts in the flow cache added first) */
	fwd_worker_count_flush(r);
	counters(SRC1, GRP1, &ec, IF_A, &oc);
	assert_int_equal(ec.in_pkts, oc.out_pkts);
	assert_int_equal(oc.out_pkts, 5 + 2 * FWD_BURST + 4 * 13 - 1);
	counters(SRC2, GRP1, &ec, IF_B, &oc);
	assert_int_equal(ec.in_pkts, oc.out_pkts);
	assert_int_equal(oc.out_pkts, 4 * 6);
	reader_destroy(r);

	/* no tx queue on port A: A's packets are discarded and counted so,
	 * B's collected */
	worker_conf_init(&c, T, punt);
	c.is_reader = true;
	c.tx_queue[port_id[ifdef[IF_A].port]] = UINT16_MAX;
	assert_int_equal(mfib_reader_register(T, 0), 0);
	r = fwd_worker_create(&c);
	assert_non_null(r);
	n_want[1] = n_want[2] = 0;
	for (k = 0; k < 4; k++)
		spec[k] = k < 3 ? 1 : 2;
	fr_burst(r, spec, 1, 0, want, n_want);   /* A: a miss */
	fr_burst(r, spec + 3, 1, 1, want, n_want); /* B: a miss */
	fwd_worker_flush(r);
	assert_int_equal(tx_count_free(2), 1);
	for (k = 0; k < FWD_BURST; k++)
		spec[k] = k & 1 ? 2 : 1;
	fr_burst(r, spec, FWD_BURST, 2, want, n_want);
	fwd_worker_flush(r);
	assert_int_equal(tx_count_free(1), 0);
	assert_int_equal(tx_count_free(2), FWD_BURST / 2);
	counters(SRC1, GRP1, &ec, IF_A, &oc);
	assert_int_equal(oc.out_discards, 1 + FWD_BURST / 2);

	/* port B's queue takes 10 of a whole burst sent straight: the rest
	 * are counted as tx drops and freed */
	{
		static uint8_t dummy;
		unsigned int fill, avail;
		void *d;

		tx_count_free(2);
		fill = rte_ring_free_count(txr[2]) - 10;
		for (k = 0; k < fill; k++)
			assert_int_equal(rte_ring_enqueue(txr[2], &dummy), 0);
		for (k = 0; k < 64; k++)
			fwd_process_burst(r, port_id[0], NULL, 0);
		avail = rte_mempool_avail_count(pool);
		memset(spec, 2, sizeof(spec));
		n = fwd_worker_stats(r)->tx_pkts;
		fr_burst(r, spec, FWD_BURST, 0, want, n_want);
		assert_int_equal(fwd_worker_stats(r)->tx_pkts, n + 10);
		assert_int_equal(fwd_worker_stats(r)->tx_drops, FWD_BURST - 10);
		for (k = 0; k < fill; k++)
			assert_int_equal(rte_ring_dequeue(txr[2], &d), 0);
		assert_int_equal(tx_count_free(2), 10);
		rte_mempool_cache_flush(
		        rte_mempool_default_cache(pool, rte_lcore_id()), pool);
		assert_int_equal(rte_mempool_avail_count(pool), avail);
	}
	reader_destroy(r);
}

/* More outputs than the worker's stash of copy mbufs holds (32): the
 * copies' mbufs then come one by one.  Forty tagged interfaces on one
 * port, each must get one copy, by the staged path and by the fast run. */
#define WIDE_OIFS 40
#define WIDE_IF0  100

static void
test_fanout_beyond_the_copy_stash(void **state)
{
	static struct view v[WIDE_OIFS + 1];
	struct fwd_worker *r = reader_create();
	uint32_t oif[WIDE_OIFS];
	uint8_t orig[MAX_FRAME];
	unsigned int i, k, n, round, avail;
	uint16_t len = 0;

	(void)state;
	for (i = 0; i < WIDE_OIFS; i++) {
		struct mfib_iface ifc = {
			.ifindex = WIDE_IF0 + i,
			.port = port_id[ifdef[IF_A].port],
			.vlan = (uint16_t)(200 + i),
			.mtu = 1500,
			.mac = { { 0x02, 0, 0, 0, 1, (uint8_t)i } },
		};

		snprintf(ifc.name, sizeof(ifc.name), "wide%u", i);
		assert_int_equal(mfib_iface_add(T, &ifc), 0);
		oif[i] = ifc.ifindex;
	}
	route(SRC1, GRP1, IF_IN, 0, oif, WIDE_OIFS);
	avail = rte_mempool_avail_count(pool);
	/* the plain worker, then the reader twice: a miss (staged), then
	 * a flow-cache hit (the fast run); then both again with an IP
	 * packet of 48 bytes, which the fast run copies from registers */
	for (round = 0; round < 5; round++) {
		struct fwd_worker *w = round == 0 || round == 3 ? W : r;
		struct frame f = frame_default();
		struct rte_mbuf *m;
		bool seen[WIDE_OIFS] = { false };

		f.payload = round < 3 ? 64 : 20;
		m = frame_build(&f);

		len = rte_be_to_cpu_16(frame_ip(m)->total_length);
		memcpy(orig, frame_ip(m), len);
		fwd_process_burst(w, port_id[0], &m, 1);
		fwd_worker_flush(w);
		n = fr_take(ifdef[IF_A].port, v, RTE_DIM(v));
		assert_int_equal(n, WIDE_OIFS);
		for (k = 0; k < n; k++) {
			assert_true(v[k].vlan >= 200 &&
			            v[k].vlan < 200 + WIDE_OIFS);
			assert_false(seen[v[k].vlan - 200]);
			seen[v[k].vlan - 200] = true;
			assert_copy_of(&v[k], orig, len);
		}
	}
	assert_int_equal(fwd_worker_stats(W)->drop_no_mbuf, 0);
	assert_int_equal(fwd_worker_stats(r)->drop_no_mbuf, 0);
	/* everything sent was taken and freed: no mbuf held back */
	assert_int_equal(rte_mempool_avail_count(pool), avail);
	reader_destroy(r);
}

/* Frames that are each wrong in one way. */
static void
test_malformed_frames_each_counted(void **state)
{
	const struct fwd_stats *st = fwd_worker_stats(W);
	struct frame f = frame_default();
	struct rte_mbuf *m[32], *x;
	struct rte_ipv4_hdr *ip;
	struct rte_ether_hdr *eh;
	unsigned int n = 0, i, p;

	(void)state;
	ROUTE(SRC1, GRP1, IF_IN, MFIB_F_ANY_IIF, IF_A);

	/* short: a runt, a cut IPv4 header, a cut tag, cut options */
	x = frame_build(&f);
	rte_pktmbuf_trim(x, x->pkt_len - 10);
	m[n++] = x;
	x = frame_build(&f);
	rte_pktmbuf_trim(x, x->pkt_len - 14 - 12);
	m[n++] = x;
	f.vlan = 10;
	x = frame_build(&f);
	rte_pktmbuf_trim(x, x->pkt_len - 16);
	m[n++] = x;
	f.vlan = -1;
	f.opt_words = 4;
	f.payload = 0;
	x = frame_build(&f);
	rte_pktmbuf_trim(x, x->pkt_len - 14 - 30);
	m[n++] = x;
	f = frame_default();
	/* bad version */
	x = frame_build(&f);
	ip = frame_ip(x);
	ip->version_ihl = 0x65;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	m[n++] = x;
	/* bad IHL */
	x = frame_build(&f);
	ip = frame_ip(x);
	ip->version_ihl = 0x44;
	m[n++] = x;
	/* total length beyond the frame, and shorter than the header */
	x = frame_build(&f);
	ip = frame_ip(x);
	ip->total_length = rte_cpu_to_be_16(200);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	m[n++] = x;
	x = frame_build(&f);
	ip = frame_ip(x);
	ip->total_length = rte_cpu_to_be_16(19);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	m[n++] = x;
	/* bad checksum */
	x = frame_build(&f);
	frame_ip(x)->hdr_checksum ^= 0x0100;
	m[n++] = x;
	/* TTL 1 and 0 */
	f.ttl = 1;
	m[n++] = frame_build(&f);
	f.ttl = 0;
	m[n++] = frame_build(&f);
	f.ttl = 64;
	/* not IPv4: IPv6 ethertype, QinQ (two 0x8100), 802.1ad outer */
	x = frame_build(&f);
	rte_pktmbuf_mtod(x, struct rte_ether_hdr *)->ether_type =
	        rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	m[n++] = x;
	f.vlan = 10;
	x = frame_build(&f);
	eh = rte_pktmbuf_mtod(x, struct rte_ether_hdr *);
	((struct rte_vlan_hdr *)(eh + 1))->eth_proto =
	        rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
	m[n++] = x;
	x = frame_build(&f);
	eh = rte_pktmbuf_mtod(x, struct rte_ether_hdr *);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_QINQ);
	m[n++] = x;
	f.vlan = -1;
	/* not multicast: unicast, broadcast */
	f.grp = IP4(10, 0, 0, 99);
	m[n++] = frame_build(&f);
	f.grp = IP4(255, 255, 255, 255);
	m[n++] = frame_build(&f);
	f.grp = GRP1;
	/* no interface: VLAN 999 on port 0 */
	f.vlan = 999;
	m[n++] = frame_build(&f);
	f.vlan = -1;
	/* and one good frame among them */
	m[n++] = frame_build(&f);

	send_burst(m, (uint16_t)n, 0);
	assert_int_equal(st->rx_pkts, n);
	assert_int_equal(st->drop_short, 4);
	assert_int_equal(st->drop_bad_version, 1);
	assert_int_equal(st->drop_bad_ihl, 1);
	assert_int_equal(st->drop_bad_len, 2);
	assert_int_equal(st->drop_bad_csum, 1);
	assert_int_equal(st->drop_ttl, 2);
	assert_int_equal(st->drop_not_ipv4, 3);
	assert_int_equal(st->drop_not_mcast, 2);
	assert_int_equal(st->drop_no_iface, 1);
	assert_int_equal(st->fwd_pkts, 1);
	assert_int_equal(tx_count_free(1), 1);

	/* garbage of every length, some with plausible headers: counted,
	 * never a crash (ASan watches the reads) */
	srand(42);
	for (i = 0; i < 512; i++) {
		uint16_t len = (uint16_t)(rand() % 200), j;
		uint8_t *d;

		x = frame_build(&f);
		d = rte_pktmbuf_mtod(x, uint8_t *);
		for (j = (i & 1) ? 14 : 0; j < x->pkt_len; j++)
			if (rand() % 4 == 0)
				d[j] = (uint8_t)rand();
		if (len < x->pkt_len)
			rte_pktmbuf_trim(x, x->pkt_len - len);
		fwd_process_burst(W, port_id[0], &x, 1);
	}
	fwd_worker_flush(W);
	for (p = 0; p < N_PORTS; p++)
		tx_count_free(p);
	punt_drain();
	assert_int_equal(st->rx_pkts, n + 512);
}

static void
test_large_frame_replicated_with_intact_payload(void **state)
{
	struct frame f = frame_default();
	uint8_t orig[MAX_FRAME];
	unsigned int avail, p, segs = 0;
	struct rte_mbuf *out[3];
	struct rte_mbuf *m = NULL;
	struct view v;
	uint16_t len;

	(void)state;
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_A, IF_B, IF_VLAN);
	avail = rte_mempool_avail_count(pool);
	f.payload = 1400 - 14 - 28;
	m = frame_build(&f);
	assert_int_equal(m->pkt_len, 1400);
	len = rte_be_to_cpu_16(frame_ip(m)->total_length);
	memcpy(orig, frame_ip(m), len);
	send_one(m);
	for (p = 1; p <= 3; p++) {
		assert_int_equal(tx_take(p, &out[p - 1], 1), 1);
		segs += out[p - 1]->nb_segs;
	}
	/* the copies share the payload: none may alter it for another */
	for (p = 1; p <= 3; p++) {
		view_of(out[p - 1], &v);
		assert_int_equal(v.vlan, p == 3 ? 100 : -1);
		assert_src_mac(&v, p == 1 ? IF_A : p == 2 ? IF_B : IF_VLAN);
		assert_copy_of(&v, orig, len);
	}
	/* a header mbuf each (L2 + IP header), all chained to the received
	 * mbuf, shared by reference as the payload */
	assert_int_equal(segs, 6);
	for (p = 0; p < 3; p++) {
		assert_int_equal(out[p]->data_len,
		                 (p == 2 ? 18 : 14) + sizeof(struct rte_ipv4_hdr));
		assert_ptr_equal(out[p]->next, m);
		assert_int_equal(out[p]->pkt_len,
		                 out[p]->data_len + 1400 - 14 -
		                         sizeof(struct rte_ipv4_hdr));
	}
	assert_int_equal(rte_mbuf_refcnt_read(m), 3);
	rte_pktmbuf_free_bulk(out, 3);
	/* every header mbuf and the shared payload went back */
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

/* A large frame received in segments: the payload shared is the chain
 * past the IP header, each of its segments referenced by every copy; a
 * first segment left empty by the cut is dropped. */
static void
test_segmented_frame_shares_every_segment(void **state)
{
	struct frame f = frame_default();
	uint8_t orig[MAX_FRAME];
	static const unsigned int splits[] = { 14 + 20 + 100, 14 + 20 };
	unsigned int avail, p, i, split;
	struct rte_mbuf *out[3], *m, *tail, *pl;
	struct view v;
	uint16_t len;

	(void)state;
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_A, IF_B, IF_VLAN);
	avail = rte_mempool_avail_count(pool);
	f.payload = 600;
	/* first segment: headers and 100 bytes; only the headers */
	for (i = 0; i < RTE_DIM(splits); i++) {
		split = splits[i];
		m = frame_build(&f);
		len = rte_be_to_cpu_16(frame_ip(m)->total_length);
		memcpy(orig, frame_ip(m), len);
		tail = rte_pktmbuf_alloc(pool);
		assert_non_null(tail);
		memcpy(rte_pktmbuf_append(tail, m->data_len - split),
		       rte_pktmbuf_mtod_offset(m, uint8_t *, split),
		       m->data_len - split);
		rte_pktmbuf_trim(m, m->data_len - split);
		assert_int_equal(rte_pktmbuf_chain(m, tail), 0);
		send_one(m);
		for (p = 1; p <= 3; p++) {
			assert_int_equal(tx_take(p, &out[p - 1], 1), 1);
			view_of(out[p - 1], &v);
			assert_copy_of(&v, orig, len);
		}
		pl = out[0]->next;
		assert_ptr_equal(out[1]->next, pl);
		assert_ptr_equal(out[2]->next, pl);
		if (split > 14 + 20) {
			assert_ptr_equal(pl, m);
			assert_int_equal(pl->nb_segs, 2);
			assert_int_equal(out[0]->nb_segs, 3);
			assert_int_equal(rte_mbuf_refcnt_read(m), 3);
		} else {
			assert_ptr_equal(pl, tail); /* the empty one went */
			assert_int_equal(out[0]->nb_segs, 2);
		}
		assert_int_equal(rte_mbuf_refcnt_read(tail), 3);
		rte_pktmbuf_free_bulk(out, 3);
		assert_int_equal(rte_mempool_avail_count(pool), avail);
	}
}

static void
test_small_frame_copies(void **state)
{
	struct frame f = frame_default();
	uint8_t orig[MAX_FRAME];
	struct rte_mbuf *out, *m;
	unsigned int p;
	struct view v;
	uint16_t len;

	(void)state;
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_A, IF_B, IF_VLAN);
	/* 14 + 28: Ethernet pads it to 60; the copies carry no padding */
	f.payload = 0;
	m = frame_build(&f);
	memset(rte_pktmbuf_append(m, 18), 0xee, 18);
	len = rte_be_to_cpu_16(frame_ip(m)->total_length);
	memcpy(orig, frame_ip(m), len);
	send_one(m);
	for (p = 1; p <= 3; p++) {
		assert_int_equal(tx_take(p, &out, 1), 1);
		assert_int_equal(out->nb_segs, 1);
		view_of(out, &v);
		assert_int_equal(v.len, v.l2 + 28u);
		assert_copy_of(&v, orig, len);
		rte_pktmbuf_free(out);
	}
	f.payload = FWD_COPY_MAX - 14 - 28; /* the largest copied whole */
	m = frame_build(&f);
	len = rte_be_to_cpu_16(frame_ip(m)->total_length);
	memcpy(orig, frame_ip(m), len);
	send_one(m);
	for (p = 1; p <= 3; p++) {
		assert_int_equal(tx_take(p, &out, 1), 1);
		assert_int_equal(out->nb_segs, 1);
		view_of(out, &v);
		assert_copy_of(&v, orig, len);
		rte_pktmbuf_free(out);
	}
	/* a byte more: every output a header mbuf on the shared payload */
	f.payload = FWD_COPY_MAX - 14 - 28 + 1;
	m = frame_build(&f);
	len = rte_be_to_cpu_16(frame_ip(m)->total_length);
	memcpy(orig, frame_ip(m), len);
	send_one(m);
	for (p = 1; p <= 3; p++) {
		assert_int_equal(tx_take(p, &out, 1), 1);
		assert_int_equal(out->nb_segs, 2);
		view_of(out, &v);
		assert_copy_of(&v, orig, len);
		rte_pktmbuf_free(out);
	}
}

static void
test_options_header_forwarded_with_valid_checksum(void **state)
{
	struct frame f = frame_default();
	uint8_t orig[MAX_FRAME];
	struct rte_mbuf *m = NULL;
	unsigned int p;
	struct view v;
	uint16_t len;

	(void)state;
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_A, IF_B);
	f.opt_words = 2;
	for (f.payload = 64; f.payload <= 1000; f.payload += 936) {
		m = frame_build(&f);
		len = rte_be_to_cpu_16(frame_ip(m)->total_length);
		memcpy(orig, frame_ip(m), len);
		send_one(m);
		for (p = 1; p <= 2; p++) {
			tx_expect_one(p, &v);
			assert_int_equal(rte_ipv4_hdr_len(v.ip), 28);
			assert_copy_of(&v, orig, len);
		}
	}
}

static void
test_output_equal_to_arrival_interface_skipped(void **state)
{
	struct frame f = frame_default();
	struct view v;

	(void)state;
	/* Only an any-iif entry can list the arrival interface as an
	 * output (mfib drops the iif from the outputs of others). */
	ROUTE(SRC1, GRP1, 0, MFIB_F_ANY_IIF, IF_IN, IF_A, IF_IN_TAGGED);
	send_one(frame_build(&f));
	assert_int_equal(tx_count_free(1), 1);
	/* same port, other VLAN: another interface, so it is sent */
	tx_expect_one(0, &v);
	assert_int_equal(v.vlan, 10);
	assert_int_equal(tx_count_free(0), 0);

	f.vlan = 10;
	send_one(frame_build(&f));
	assert_int_equal(tx_count_free(1), 1);
	tx_expect_one(0, &v);
	assert_int_equal(v.vlan, -1);
	assert_int_equal(tx_count_free(0), 0);

	/* the only output is the arrival one: nothing sent, nothing kept */
	ROUTE(SRC2, GRP2, 0, MFIB_F_ANY_IIF, IF_IN);
	f.src = SRC2;
	f.grp = GRP2;
	f.vlan = -1;
	send_one(frame_build(&f));
	assert_int_equal(tx_count_free(0), 0);
	assert_int_equal(fwd_worker_stats(W)->fwd_pkts, 3);
}

static void
test_copy_allocation_failure_counted_last_output_still_sent(void **state)
{
	struct rte_mempool *tiny;
	struct fwd_worker_conf c;
	struct fwd_worker *w;
	struct frame f = frame_default();
	struct rte_mbuf *held[8];
	struct mfib_entry_ctr ec;
	struct mfib_oif_ctr oc;
	unsigned int n = 0, k;

	(void)state;
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_A, IF_B, IF_VLAN);
	tiny = rte_pktmbuf_pool_create("fwd_test_tiny", 7, 0, 0,
	                               RTE_MBUF_DEFAULT_BUF_SIZE,
	                               SOCKET_ID_ANY);
	assert_non_null(tiny);
	worker_conf_init(&c, T, punt);
	c.pool = tiny;
	w = fwd_worker_create(&c);
	assert_non_null(w);
	while (n < RTE_DIM(held) && (held[n] = rte_pktmbuf_alloc(tiny)))
		n++;
	/* small and large: neither copy path may leak or crash */
	for (k = 0; k < 2; k++) {
		f.payload = k ? 1000 : 64;
		fwd_process_burst(w, port_id[0],
		                  (struct rte_mbuf *[]){ frame_build(&f) }, 1);
	}
	fwd_worker_flush(w);
	assert_int_equal(fwd_worker_stats(w)->drop_no_mbuf, 4);
	assert_int_equal(tx_count_free(1) + tx_count_free(2), 0);
	assert_int_equal(tx_count_free(3), 2);
	counters(SRC1, GRP1, &ec, IF_A, &oc);
	assert_int_equal(oc.out_discards, 2);
	/* one mbuf free: a large frame's first output gets the header, the
	 * other two count a discard, and the shared payload goes back once
	 * the one copy is freed */
	rte_pktmbuf_free(held[--n]);
	f.payload = 1000;
	fwd_process_burst(w, port_id[0],
	                  (struct rte_mbuf *[]){ frame_build(&f) }, 1);
	fwd_worker_flush(w);
	assert_int_equal(fwd_worker_stats(w)->drop_no_mbuf, 6);
	assert_int_equal(tx_count_free(1), 1);
	assert_int_equal(tx_count_free(2) + tx_count_free(3), 0);
	rte_pktmbuf_free_bulk(held, n);
	fwd_worker_destroy(w);
	assert_int_equal(rte_mempool_avail_count(tiny), 7);
	rte_mempool_free(tiny);
}

/* A worker with no tx queue on an output's port: that output counts a
 * discard, the others still get their copy, and no mbuf is lost — with
 * the port on a copy and on the last (in-place) output alike. */
static void
test_output_without_tx_queue_discarded_others_sent(void **state)
{
	struct fwd_worker_conf c;
	struct fwd_worker *w;
	struct frame f = frame_default();
	struct mfib_entry_ctr ec;
	struct mfib_oif_ctr oc;
	unsigned int k;

	(void)state;
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_A, IF_B);
	ROUTE(SRC2, GRP2, IF_IN, 0, IF_B, IF_A);
	worker_conf_init(&c, T, punt);
	c.tx_queue[port_id[ifdef[IF_A].port]] = UINT16_MAX;
	w = fwd_worker_create(&c);
	assert_non_null(w);
	for (k = 0; k < 2; k++) {
		f.src = k ? SRC2 : SRC1;
		f.grp = k ? GRP2 : GRP1;
		fwd_process_burst(w, port_id[0],
		                  (struct rte_mbuf *[]){ frame_build(&f) }, 1);
	}
	fwd_worker_flush(w);
	assert_int_equal(tx_count_free(ifdef[IF_A].port), 0);
	assert_int_equal(tx_count_free(ifdef[IF_B].port), 2);
	for (k = 0; k < 2; k++) {
		counters(k ? SRC2 : SRC1, k ? GRP2 : GRP1, &ec, IF_A, &oc);
		assert_int_equal(ec.in_pkts, 1);
		assert_int_equal(oc.out_pkts, 0);
		assert_int_equal(oc.out_discards, 1);
		counters(k ? SRC2 : SRC1, k ? GRP2 : GRP1, &ec, IF_B, &oc);
		assert_int_equal(oc.out_pkts, 1);
	}
	fwd_worker_destroy(w);
	/* everything went back: the pool is full once caches are flushed */
	rte_mempool_cache_flush(rte_mempool_default_cache(pool, rte_lcore_id()),
	                        pool);
	assert_int_equal(rte_mempool_avail_count(pool), POOL_SIZE);
}

/* A NIC's checksum verdict: "good" is trusted (the header is not summed
 * again), "bad" and "unknown" are summed in software, so a bad checksum
 * is counted whichever lane sees it. */
static void
test_nic_checksum_verdict(void **state)
{
	static const uint64_t flag[] = {
		RTE_MBUF_F_RX_IP_CKSUM_GOOD,
		RTE_MBUF_F_RX_IP_CKSUM_BAD,
		RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN,
		RTE_MBUF_F_RX_IP_CKSUM_NONE,
	};
	struct frame f = frame_default();
	unsigned int k;

	(void)state;
	ROUTE(SRC1, GRP1, IF_IN, 0, IF_A);
	for (k = 0; k < RTE_DIM(flag); k++) {
		struct rte_mbuf *good = frame_build(&f), *bad = frame_build(&f);
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
		        bad, struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);

		ip->hdr_checksum ^= 0x0101;
		good->ol_flags |= flag[k];
		bad->ol_flags |= flag[k];
		send_burst((struct rte_mbuf *[]){ good, bad }, 2, 0);
		/* the valid header goes out whatever the NIC said; the bad
		 * one only when the NIC vouched for it */
		assert_int_equal(tx_count_free(ifdef[IF_A].port),
		                 flag[k] == RTE_MBUF_F_RX_IP_CKSUM_GOOD ? 2 : 1);
	}
	assert_int_equal(fwd_worker_stats(W)->drop_bad_csum, 3);
}

/* The fast lane's 20-byte checksum check against DPDK's sum, over random
 * headers: half carry their right checksum, half a random one. */
static void
test_checksum_check_matches_dpdk(void **state)
{
	struct frame f = frame_default();
	uint64_t want_bad = 0;
	uint32_t seed = 12345;
	unsigned int k;

	(void)state;
	for (k = 0; k < 4000; k++) {
		struct rte_mbuf *m = frame_build(&f);
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
		        m, struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);

		seed = seed * 1103515245u + 12345u;
		ip->type_of_service = (uint8_t)(seed >> 8);
		ip->packet_id = (uint16_t)(seed >> 16);
		seed = seed * 1103515245u + 12345u;
		ip->src_addr = seed;
		ip->time_to_live = (uint8_t)(2 + (seed >> 24) % 254);
		/* high bytes in every word, so each carry is exercised */
		ip->fragment_offset = (uint16_t)(seed >> 3);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		if (k & 1) {
			seed = seed * 1103515245u + 12345u;
			ip->hdr_checksum = (uint16_t)(seed >> 8);
		}
		if (rte_raw_cksum(ip, sizeof(*ip)) != 0xffff)
			want_bad++;
		send_one(m);
	}
	tx_drain_all();
	punt_drain();
	assert_true(want_bad > 1900);
	assert_int_equal(fwd_worker_stats(W)->drop_bad_csum, want_bad);
}

static void
test_punt_ring_full_counted(void **state)
{
	struct rte_ring *small;
	struct fwd_worker *w;
	struct frame f = frame_default();
	struct rte_mbuf *m[6];
	unsigned int i;

	(void)state;
	small = rte_ring_create("fwd_test_small", 4, SOCKET_ID_ANY,
	                        RING_F_SP_ENQ | RING_F_SC_DEQ);
	assert_non_null(small);
	w = worker_create(T, small, 1000, 64);
	f.proto = IPPROTO_IGMP;
	f.ttl = 1;
	for (i = 0; i < RTE_DIM(m); i++)
		m[i] = frame_build(&f);
	fwd_process_burst(w, port_id[0], m, RTE_DIM(m));
	assert_int_equal(fwd_worker_stats(w)->punt_igmp, 3);
	assert_int_equal(fwd_worker_stats(w)->punt_ring_full, 3);
	while (rte_ring_dequeue(small, (void **)&m[0]) == 0)
		rte_pktmbuf_free(m[0]);
	fwd_worker_destroy(w);
	rte_ring_free(small);
}

static void
test_stats_named_and_summed(void **state)
{
	struct fwd_worker *w2 = worker_create(T, punt, 1000, 64);
	struct fwd_worker *ws[2] = { W, w2 };
	struct fwd_stats sum;
	unsigned int i;

	(void)state;
	for (i = 0; fwd_stats_name(i) != NULL; i++)
		;
	assert_int_equal(i, offsetof(struct fwd_stats, punt_ring_full) /
	                                    sizeof(uint64_t) +
	                            1);
	assert_string_equal(fwd_stats_name(0), "rx_pkts");
	assert_string_equal(fwd_stats_name(i - 1), "punt_ring_full");
	fwd_process_burst(W, port_id[0],
	                  (struct rte_mbuf *[]){ frame_simple(SRC1, 1) }, 1);
	fwd_process_burst(w2, port_id[0],
	                  (struct rte_mbuf *[]){ frame_simple(SRC1, 2) }, 1);
	fwd_stats_sum(&sum, ws, 2);
	assert_int_equal(sum.rx_pkts, 2);
	assert_int_equal(sum.drop_not_mcast, 2);
	fwd_worker_destroy(w2);
}

/* ---- churn: a worker forwards stable flows while the table churns ----- */

#define CH_FLOWS    16
#define CH_PER_FLOW 3000
#define CH_OTHERS   100000
#define CH_OPS_STEP 128
#define CH_WINDOW   1024
#define CH_OBS      1 /* observer port (IF_A) in both sets */

struct ch_flow {
	uint32_t src, grp;
	uint16_t payload;
	uint32_t next_tx;  /* sequence numbers sent */
	uint32_t next_obs; /* expected next on the observer */
	uint8_t *alt_seen; /* per seq: copies on B/VLAN */
};

/* Flow id and sequence number sit at the start of the UDP payload. */
static void
ch_stamp(struct rte_mbuf *m, uint32_t flow, uint32_t seq)
{
	uint8_t *pl = (uint8_t *)frame_ip(m) + 28;

	memcpy(pl, &flow, 4);
	memcpy(pl + 4, &seq, 4);
}

static void
ch_read(struct rte_mbuf *m, uint32_t *flow, uint32_t *seq)
{
	struct view *v = malloc(sizeof(*v));

	assert_non_null(v);
	view_of(m, v);
	memcpy(flow, (uint8_t *)v->ip + 28, 4);
	memcpy(seq, (uint8_t *)v->ip + 32, 4);
	free(v);
}

static void
ch_set_stable(struct ch_flow *fl, bool set_x)
{
	/* both include the observer; in X it gets a copy, in Y the
	 * received mbuf itself */
	static const uint32_t x[] = { IF_A, IF_B };
	static const uint32_t y[] = { IF_VLAN, IF_A };
	unsigned int i;

	for (i = 0; i < CH_FLOWS; i++)
		route(fl[i].src, fl[i].grp, IF_IN, 0, set_x ? x : y, 2);
}

static void
ch_other(uint32_t i, bool add)
{
	static const uint32_t oif[] = { IF_THR, IF_MTU };
	uint32_t src = IP4(10, 200, 0, 0) | i;
	uint32_t grp = IP4(239, 200, 0, 0) | (i & 0xffff);

	if (add)
		route(src, grp, IF_IN, 0, oif, 2);
	else
		assert_int_equal(mfib_del(T, rte_cpu_to_be_32(src),
		                          rte_cpu_to_be_32(grp)),
		                 0);
}

/* Drain the output rings, checking every stable packet. */
static void
ch_drain(struct ch_flow *fl, uint64_t *obs, uint64_t *alt, uint64_t *stray)
{
	struct rte_mbuf *m[64];
	unsigned int p, n, i;

	for (p = 0; p < N_PORTS; p++) {
		while ((n = tx_take(p, m, RTE_DIM(m))) > 0) {
			for (i = 0; i < n; i++) {
				uint32_t f, s;

				if (p != CH_OBS && p != 2 && p != 3) {
					(*stray)++;
					continue;
				}
				ch_read(m[i], &f, &s);
				assert_true(f < CH_FLOWS);
				assert_true(s < CH_PER_FLOW);
				if (p == CH_OBS) {
					if (s != fl[f].next_obs)
						fail_msg(
						        "flow %u: seq %u on the "
						        "observer, expected %u",
						        f, s, fl[f].next_obs);
					fl[f].next_obs++;
					(*obs)++;
				} else {
					fl[f].alt_seen[s]++;
					(*alt)++;
				}
			}
			rte_pktmbuf_free_bulk(m, n);
		}
	}
}

static void
test_churn_keeps_stable_flows_exact(void **state)
{
	struct ch_flow fl[CH_FLOWS];
	struct fwd_worker_conf c;
	struct fwd_worker *w;
	uint64_t total = (uint64_t)CH_FLOWS * CH_PER_FLOW;
	uint64_t sent = 0, obs = 0, alt = 0, stray = 0;
	uint32_t ops = 0, next_flow = 0, i;
	bool set_x = true;
	uint64_t deadline;
	struct fwd_stats st;

	(void)state;
	/* this test's own table: large enough for the churn */
	fwd_worker_destroy(W);
	W = NULL;
	mfib_destroy(T);
	T = table_create(CH_OTHERS + 4096);

	for (i = 0; i < CH_FLOWS; i++) {
		fl[i].src = IP4(10, 1, 0, 1 + i);
		fl[i].grp = IP4(239, 10, 0, 1 + i);
		/* half go the indirect (large) way */
		fl[i].payload = (i & 1) ? 500 : 32;
		fl[i].next_tx = 0;
		fl[i].next_obs = 0;
		fl[i].alt_seen = calloc(CH_PER_FLOW, 1);
		assert_non_null(fl[i].alt_seen);
	}
	ch_set_stable(fl, set_x);

	assert_int_equal(mfib_reader_register(T, 0), 0);
	worker_conf_init(&c, T, NULL);
	c.lcore_id = 1;
	c.ctr_slot = 1;
	c.reader_id = 0;
	c.is_reader = true;
	c.n_rx = 1;
	c.rx[0].port = port_id[0];
	c.rx[0].queue = 0;
	w = fwd_worker_create(&c);
	assert_non_null(w);
	assert_int_equal(rte_eal_remote_launch(fwd_worker_main, w, 1), 0);

	while (ops < 2 * CH_OTHERS || sent < total) {
		struct rte_mbuf *m[32];
		unsigned int n = 0, k;

		/* churn: add them all, then delete them all; swap the stable
		 * flows' outputs at every step */
		for (k = 0; k < CH_OPS_STEP && ops < 2 * CH_OTHERS; k++, ops++)
			ch_other(ops % CH_OTHERS, ops < CH_OTHERS);
		set_x = !set_x;
		ch_set_stable(fl, set_x);
		mfib_reclaim(T);

		/* feed, keeping a bounded number in flight */
		while (sent < total && n < RTE_DIM(m) &&
		       sent - obs < CH_WINDOW) {
			struct ch_flow *f = &fl[next_flow];
			struct frame fr = frame_default();

			if (f->next_tx == CH_PER_FLOW) {
				next_flow = (next_flow + 1) % CH_FLOWS;
				continue;
			}
			fr.src = f->src;
			fr.grp = f->grp;
			fr.payload = f->payload;
			m[n] = frame_build(&fr);
			ch_stamp(m[n], next_flow, f->next_tx++);
			n++;
			sent++;
			next_flow = (next_flow + 1) % CH_FLOWS;
		}
		k = 0;
		while (k < n) {
			k += rte_ring_enqueue_burst(rxr[0], (void **)&m[k],
			                            n - k, NULL);
			ch_drain(fl, &obs, &alt, &stray);
		}
		ch_drain(fl, &obs, &alt, &stray);
	}
	deadline = rte_get_tsc_cycles() + 10 * rte_get_tsc_hz();
	while (obs < total && rte_get_tsc_cycles() < deadline)
		ch_drain(fl, &obs, &alt, &stray);

	fwd_stop();
	assert_int_equal(rte_eal_wait_lcore(1), 0);
	ch_drain(fl, &obs, &alt, &stray);
	fwd_stats_sum(&st, &w, 1);
	fwd_worker_destroy(w);
	print_message("churn: %u table ops, %" PRIu64 " packets, "
	              "%u entries left\n",
	              ops, sent, mfib_count(T));

	assert_int_equal(st.rx_pkts, total);
	assert_int_equal(st.tx_drops, 0);
	assert_int_equal(st.drop_no_mbuf, 0);
	assert_int_equal(st.drop_miss, 0);
	assert_int_equal(obs, total);
	assert_int_equal(alt, total);
	assert_int_equal(stray, 0);
	for (i = 0; i < CH_FLOWS; i++) {
		struct mfib_entry_ctr ec;
		uint32_t s;

		/* counted once each, through thousands of replacements of
		 * the flow's entry while its way counted */
		counters(fl[i].src, fl[i].grp, &ec, IF_A, NULL);
		assert_int_equal(ec.in_pkts, CH_PER_FLOW);
		assert_int_equal(fl[i].next_obs, CH_PER_FLOW);
		for (s = 0; s < CH_PER_FLOW; s++)
			if (fl[i].alt_seen[s] != 1)
				fail_msg("flow %u seq %u: %u copies on B/VLAN",
				         i, s, fl[i].alt_seen[s]);
		free(fl[i].alt_seen);
	}
	assert_int_equal(mfib_count(T), CH_FLOWS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T_(name) \
	cmocka_unit_test_setup_teardown(test_##name, test_setup, test_teardown)
		T_(forwards_to_every_output_port_only),
		T_(ttl_decremented_and_checksum_valid),
		T_(ttl_dec_matches_reference_for_every_checksum),
		T_(source_mac_is_output_port_mac_and_dest_is_group_mac),
		T_(vlan_push_pop_rewrite),
		T_(rpf_failure_counted_not_forwarded),
		T_(ttl_threshold_counted),
		T_(mtu_df_counts_frag_needed_and_no_df_counts_discard),
		T_(link_local_punted_never_forwarded),
		T_(igmp_punted),
		T_(miss_punted_with_meta_and_rate_limited),
		T_(negative_entry_drops_and_counts),
		T_(star_g_fallback_used_when_no_s_g),
		T_(flow_cache_never_uses_replaced_or_deleted_entry),
		T_(fast_run_group_left_to_the_cache),
		T_(flow_cache_emptied_when_a_report_lets_entries_go),
		T_(flow_cache_forgets_only_retired_flows),
		T_(flow_cache_counts_reach_the_entry),
		T_(flow_cache_spreads_numbered_flows),
		T_(fast_run_matches_staged_path),
		T_(fast_run_sends_single_output_packets_in_order),
		T_(fanout_beyond_the_copy_stash),
		T_(malformed_frames_each_counted),
		T_(large_frame_replicated_with_intact_payload),
		T_(segmented_frame_shares_every_segment),
		T_(small_frame_copies),
		T_(options_header_forwarded_with_valid_checksum),
		T_(output_equal_to_arrival_interface_skipped),
		T_(copy_allocation_failure_counted_last_output_still_sent),
		T_(output_without_tx_queue_discarded_others_sent),
		T_(nic_checksum_verdict),
		T_(checksum_check_matches_dpdk),
		T_(punt_ring_full_counted),
		T_(stats_named_and_summed),
		/* last: fwd_stop() is for good */
		T_(churn_keeps_stable_flows_exact),
#undef T_
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
