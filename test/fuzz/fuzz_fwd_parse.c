/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_fwd_parse — libFuzzer harness for lib/fwd's packet path.
 *
 * An input is a burst of 1..8 frames.  Each frame is described by a 4-byte
 * header, then its bytes:
 *   flags  bits 0-1  NIC IPv4 checksum verdict: none, good, bad, unknown
 *          bit 2     RX_VLAN_STRIPPED (tag in the mbuf: VLAN 10, or 20
 *                    with bit 3)
 *          bit 4     two segments (the frame split in the middle)
 *          bit 5     start from a valid frame (a template) and XOR the
 *                    input's bytes onto it, instead of raw bytes
 *          bit 6     recompute the IPv4 checksum after the XOR
 *   len    2 bytes, little endian: frame length (mod FZ_MAX_FRAME + 1)
 *   tmpl   template: bits 0-2 group (five routed groups, 224.0.0.5, an
 *          unrouted group, a unicast address), bit 3 the other source,
 *          bit 4 an 802.1Q tag (VLAN 10), bit 5 a router-alert option,
 *          bit 6 IGMP, bit 7 TTL 1
 * The table routes (S,G), multi-output, VLAN and low-MTU/threshold
 * outputs, (*,G), a negative entry and an any-iif entry listing the
 * arrival interface.
 *
 * Every burst goes through two workers over that table: one as deployed
 * (fast lane for the common frame), one classifying every frame with the
 * full parser (full_parse).  After each input:
 *  - the two agree exactly: every fwd_stats counter, every frame each
 *    output sent (length and bytes), every punt (metadata and bytes);
 *  - nothing leaks or is freed twice: with outputs and punts drained the
 *    pool (no per-lcore cache) holds every mbuf again;
 *  - each worker counted every frame it received;
 *  - ASan/UBSan see no bad access.
 * A violation prints a reason and abort()s.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "fwd.h"
#include "mfib.h"

#include "../ring_pmd.h"

#define FZ_MAX_FRAME 1600
#define FZ_MAX_BURST 8
#define FZ_POOL      1023
#define FZ_RING      1024
#define FZ_NPORT     3 /* 0 arrival, 1 "A", 2 "B" (VLAN 20, MTU 576) */
#define FZ_NWORKER   2 /* 0 as deployed, 1 full parser */

#define IP4(a, b, c, d)                                  \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
	 ((uint32_t)(c) << 8) | (uint32_t)(d))

static const uint32_t fz_src[2] = { IP4(10, 0, 0, 1), IP4(10, 0, 0, 2) };
static const uint32_t fz_dst[8] = {
	IP4(239, 1, 1, 1), IP4(239, 1, 1, 2), IP4(239, 1, 1, 3),
	IP4(239, 1, 1, 4), IP4(239, 1, 1, 5), IP4(224, 0, 0, 5),
	IP4(239, 9, 9, 9), IP4(10, 9, 9, 9),
};

static struct rte_mempool *pool;
static struct mfib *table;
static struct fwd_worker *worker[FZ_NWORKER];
static struct rte_ring *punt[FZ_NWORKER];
static struct rte_ring *txr[FZ_NPORT][FZ_NWORKER];
static uint16_t port_id[FZ_NPORT];

static void
fz_fail(const char *why)
{
	fprintf(stderr, "fuzz_fwd_parse: %s\n", why);
	abort();
}

static void
fz_ports(void)
{
	struct rte_eth_conf ec = { 0 };
	test_from_rings_fn from_rings = test_ring_pmd_from_rings();

	if (from_rings == NULL)
		fz_fail("cannot load the ring PMD's rte_eth_from_rings");
	for (unsigned int p = 0; p < FZ_NPORT; p++) {
		struct rte_ring *rx;
		char name[32];
		int id;

		snprintf(name, sizeof(name), "fz_rx%u", p);
		rx = rte_ring_create(name, 64, SOCKET_ID_ANY,
		                     RING_F_SP_ENQ | RING_F_SC_DEQ);
		for (unsigned int k = 0; k < FZ_NWORKER; k++) {
			snprintf(name, sizeof(name), "fz_tx%u_%u", p, k);
			txr[p][k] = rte_ring_create(name, FZ_RING, SOCKET_ID_ANY,
			                            RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (txr[p][k] == NULL)
				fz_fail("tx ring");
		}
		snprintf(name, sizeof(name), "fz_port%u", p);
		id = from_rings(name, &rx, 1, txr[p], FZ_NWORKER, 0);
		if (rx == NULL || id < 0)
			fz_fail("ring port");
		port_id[p] = (uint16_t)id;
		if (rte_eth_dev_configure(port_id[p], 1, FZ_NWORKER, &ec) != 0 ||
		    rte_eth_rx_queue_setup(port_id[p], 0, 64, 0, NULL, pool) != 0)
			fz_fail("port configure");
		for (uint16_t q = 0; q < FZ_NWORKER; q++)
			if (rte_eth_tx_queue_setup(port_id[p], q, FZ_RING, 0,
			                           NULL) != 0)
				fz_fail("tx queue");
		if (rte_eth_dev_start(port_id[p]) != 0)
			fz_fail("port start");
	}
}

static void
fz_route(uint32_t src, uint32_t grp, uint32_t iif, uint16_t flags,
         const uint32_t *oif, uint16_t n)
{
	struct mfib_spec s = {
		.src = src ? rte_cpu_to_be_32(src) : 0,
		.grp = rte_cpu_to_be_32(grp),
		.iif = iif,
		.flags = flags,
		.n_oif = n,
		.oif_ifindex = oif,
	};

	if (mfib_set(table, &s) != 0)
		fz_fail("mfib_set");
}

static void
fz_table(void)
{
	/* ifindex: 1 port 0, 2 port 1, 3 port 2 VLAN 20 (MTU 576, TTL
	 * threshold 32), 4 port 0 VLAN 10 */
	static const struct {
		uint16_t port, vlan, mtu;
		uint8_t thr;
	} ifs[] = { { 0, 0, 1500, 0 }, { 1, 0, 1500, 0 }, { 2, 20, 576, 32 },
	            { 0, 10, 1500, 0 } };
	struct mfib_config cfg = {
		.name = "fz", .socket_id = SOCKET_ID_ANY, .max_entries = 64,
		.max_lcores = FZ_NWORKER, .max_readers = FZ_NWORKER,
	};

	table = mfib_create(&cfg);
	if (table == NULL)
		fz_fail("mfib_create");
	for (unsigned int i = 0; i < RTE_DIM(ifs); i++) {
		struct mfib_iface ifc = {
			.ifindex = i + 1,
			.port = port_id[ifs[i].port],
			.vlan = ifs[i].vlan,
			.mtu = ifs[i].mtu,
			.ttl_threshold = ifs[i].thr,
			.mac = { { 0x02, 0, 0, 0, 0, (uint8_t)(i + 1) } },
		};

		snprintf(ifc.name, sizeof(ifc.name), "if%u", i + 1);
		if (mfib_iface_add(table, &ifc) != 0)
			fz_fail("mfib_iface_add");
	}
	fz_route(fz_src[0], fz_dst[0], 1, 0, (const uint32_t[]){ 2 }, 1);
	fz_route(fz_src[0], fz_dst[1], 1, 0, (const uint32_t[]){ 2, 3 }, 2);
	fz_route(0, fz_dst[2], 1, 0, (const uint32_t[]){ 3, 2 }, 2);
	fz_route(fz_src[1], fz_dst[0], 1, 0, NULL, 0); /* negative */
	fz_route(0, fz_dst[3], 0, MFIB_F_ANY_IIF,
	         (const uint32_t[]){ 1, 2, 4 }, 3);
	fz_route(fz_src[0], fz_dst[4], 4, 0, (const uint32_t[]){ 2, 3, 1 }, 3);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *eal[] = {
		"fuzz_fwd_parse", "--no-huge", "-m", "256", "--no-shconf",
		"--no-pci", "--no-telemetry", "-l", "0",
		"--log-level=*:error",
	};

	(void)argc;
	(void)argv;
	if (rte_eal_init(RTE_DIM(eal), eal) < 0)
		fz_fail("rte_eal_init");
	/* No per-lcore cache: the pool's count is exact after each input. */
	pool = rte_pktmbuf_pool_create("fz_pool", FZ_POOL, 0, 0,
	                               RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (pool == NULL || fwd_punt_meta_register() != 0)
		fz_fail("pool");
	fz_ports();
	fz_table();
	for (unsigned int k = 0; k < FZ_NWORKER; k++) {
		struct fwd_worker_conf c = {
			.lcore_id = rte_lcore_id(),
			.ctr_slot = k,
			.reader_id = k,
			.pool = pool,
			.mfib = table,
			/* never rate limited: both workers must punt alike */
			.punt_rate = 1000000000,
			.punt_burst = 1000000,
			.is_reader = true,
			.full_parse = k == 1,
		};
		char name[32];

		snprintf(name, sizeof(name), "fz_punt%u", k);
		punt[k] = rte_ring_create(name, FZ_RING, SOCKET_ID_ANY,
		                          RING_F_SP_ENQ | RING_F_SC_DEQ);
		for (unsigned int i = 0; i < RTE_MAX_ETHPORTS; i++)
			c.tx_queue[i] = UINT16_MAX;
		for (unsigned int p = 0; p < FZ_NPORT; p++)
			c.tx_queue[port_id[p]] = (uint16_t)k;
		c.punt = punt[k];
		if (punt[k] == NULL || mfib_reader_register(table, k) != 0)
			fz_fail("punt ring / reader");
		worker[k] = fwd_worker_create(&c);
		if (worker[k] == NULL)
			fz_fail("fwd_worker_create");
	}
	return 0;
}

/* The valid frame template @p t selects, @p len bytes long (cut short or
 * zero-padded). */
static void
fz_template(uint8_t *d, uint16_t len, uint8_t t)
{
	uint8_t buf[FZ_MAX_FRAME] = { 0 };
	struct rte_ipv4_hdr *ip;
	uint16_t l2 = 14, ihl = (t & 0x20) ? 24 : 20;

	buf[0] = 0x01;
	buf[1] = 0x00;
	buf[2] = 0x5e;
	memset(buf + 6, 0xaa, 6);
	if (t & 0x10) {
		buf[12] = 0x81;
		buf[13] = 0x00;
		buf[14] = 0x00;
		buf[15] = 10;
		l2 = 18;
	}
	buf[l2 - 2] = 0x08;
	buf[l2 - 1] = 0x00;
	ip = (struct rte_ipv4_hdr *)(buf + l2);
	ip->version_ihl = (uint8_t)(0x40 | ihl / 4);
	ip->total_length =
	        rte_cpu_to_be_16(len > l2 + ihl ? (uint16_t)(len - l2) : ihl);
	ip->time_to_live = (t & 0x80) ? 1 : 64;
	ip->next_proto_id = (t & 0x40) ? IPPROTO_IGMP : IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(fz_src[(t >> 3) & 1]);
	ip->dst_addr = rte_cpu_to_be_32(fz_dst[t & 7]);
	if (ihl > 20) {
		uint8_t *o = (uint8_t *)(ip + 1);

		o[0] = 0x94; /* router alert */
		o[1] = 0x04;
	}
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	memcpy(d, buf, len);
}

/* Fix the IPv4 checksum of a (mutated) frame where a header is found. */
static void
fz_fix_csum(uint8_t *d, uint16_t len)
{
	uint16_t l2 = 14;
	struct rte_ipv4_hdr *ip;
	uint16_t ihl;

	if (len >= 18 && d[12] == 0x81 && d[13] == 0x00)
		l2 = 18;
	if (len < l2 + 20)
		return;
	ip = (struct rte_ipv4_hdr *)(d + l2);
	ihl = (uint16_t)((ip->version_ihl & 0xf) * 4);
	if (ihl < 20 || len < l2 + ihl)
		return;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = (uint16_t)~rte_raw_cksum(ip, ihl);
}

/* One frame as @p k copies (one per worker), from the input at @p *pos. */
static unsigned int
fz_frame(const uint8_t *data, size_t size, size_t *pos,
         struct rte_mbuf *m[FZ_NWORKER])
{
	static const uint64_t csum[4] = {
		RTE_MBUF_F_RX_IP_CKSUM_NONE, RTE_MBUF_F_RX_IP_CKSUM_GOOD,
		RTE_MBUF_F_RX_IP_CKSUM_BAD, RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN,
	};
	uint8_t buf[FZ_MAX_FRAME], flags, t;
	uint16_t len, i, seg1;
	size_t avail;

	if (size - *pos < 4)
		return 0;
	flags = data[*pos];
	len = (uint16_t)((data[*pos + 1] | data[*pos + 2] << 8) %
	                 (FZ_MAX_FRAME + 1));
	t = data[*pos + 3];
	*pos += 4;
	avail = RTE_MIN((size_t)len, size - *pos);
	if (flags & 0x20) {
		fz_template(buf, len, t);
		for (i = 0; i < avail; i++)
			buf[i] ^= data[*pos + i];
		if (flags & 0x40)
			fz_fix_csum(buf, len);
	} else {
		memset(buf, 0, len);
		memcpy(buf, data + *pos, avail);
	}
	*pos += avail;
	seg1 = (flags & 0x10) && len >= 2 ? len / 2 : len;

	for (unsigned int k = 0; k < FZ_NWORKER; k++) {
		struct rte_mbuf *a = rte_pktmbuf_alloc(pool), *b = NULL;

		if (a == NULL)
			fz_fail("pool empty: an earlier input leaked");
		memcpy(rte_pktmbuf_append(a, seg1), buf, seg1);
		if (seg1 < len) {
			b = rte_pktmbuf_alloc(pool);
			if (b == NULL)
				fz_fail("pool empty: an earlier input leaked");
			memcpy(rte_pktmbuf_append(b, len - seg1), buf + seg1,
			       len - seg1);
			if (rte_pktmbuf_chain(a, b) != 0)
				fz_fail("chain");
		}
		a->ol_flags |= csum[flags & 3];
		if (flags & 0x04) {
			a->ol_flags |= RTE_MBUF_F_RX_VLAN_STRIPPED |
			               RTE_MBUF_F_RX_VLAN;
			a->vlan_tci = (flags & 0x08) ? 20 : 10;
		}
		m[k] = a;
	}
	return 1;
}

/* The bytes of @p m, linearised (its length is returned). */
static uint32_t
fz_bytes(const struct rte_mbuf *m, uint8_t *out, uint32_t cap)
{
	uint32_t n = 0;

	if (m->pkt_len > cap)
		fz_fail("frame longer than any input");
	for (; m != NULL; m = m->next) {
		memcpy(out + n, rte_pktmbuf_mtod(m, const uint8_t *),
		       m->data_len);
		n += m->data_len;
	}
	return n;
}

/* Drain @p r of both workers and compare what they hold, frame by frame. */
static void
fz_compare_rings(struct rte_ring *r[FZ_NWORKER], bool punts, const char *what)
{
	struct rte_mbuf *m[FZ_NWORKER][FZ_RING];
	static uint8_t b0[4 * FZ_MAX_FRAME], b1[4 * FZ_MAX_FRAME];
	unsigned int n[FZ_NWORKER];

	for (unsigned int k = 0; k < FZ_NWORKER; k++)
		n[k] = rte_ring_dequeue_burst(r[k], (void **)m[k], FZ_RING,
		                              NULL);
	if (n[0] != n[1]) {
		fprintf(stderr, "%s: %u frames vs %u\n", what, n[0], n[1]);
		fz_fail("fast lane and full parser disagree");
	}
	for (unsigned int i = 0; i < n[0]; i++) {
		uint32_t l0 = fz_bytes(m[0][i], b0, sizeof(b0));
		uint32_t l1 = fz_bytes(m[1][i], b1, sizeof(b1));

		if (l0 != l1 || memcmp(b0, b1, l0) != 0) {
			fprintf(stderr, "%s: frame %u differs (%u/%u bytes)\n",
			        what, i, l0, l1);
			fz_fail("fast lane and full parser disagree");
		}
		if (punts) {
			const struct fwd_punt_meta *a = fwd_punt_meta(m[0][i]);
			const struct fwd_punt_meta *b = fwd_punt_meta(m[1][i]);

			if (a->reason != b->reason || a->l2_len != b->l2_len ||
			    a->ifindex != b->ifindex)
				fz_fail("punt metadata differs");
		}
	}
	for (unsigned int k = 0; k < FZ_NWORKER; k++)
		rte_pktmbuf_free_bulk(m[k], n[k]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *m[FZ_NWORKER][FZ_MAX_BURST];
	uint64_t rx0[FZ_NWORKER];
	size_t pos = 1;
	unsigned int n = 0, want;

	if (size < 1)
		return 0;
	want = 1u + (data[0] & (FZ_MAX_BURST - 1));
	while (n < want) {
		struct rte_mbuf *f[FZ_NWORKER];

		if (!fz_frame(data, size, &pos, f))
			break;
		for (unsigned int k = 0; k < FZ_NWORKER; k++)
			m[k][n] = f[k];
		n++;
	}
	if (n == 0)
		return 0;
	for (unsigned int k = 0; k < FZ_NWORKER; k++) {
		rx0[k] = fwd_worker_stats(worker[k])->rx_pkts;
		fwd_process_burst(worker[k], port_id[0], m[k], (uint16_t)n);
		fwd_worker_flush(worker[k]);
		if (fwd_worker_stats(worker[k])->rx_pkts - rx0[k] != n)
			fz_fail("a received frame went uncounted");
	}
	if (memcmp(fwd_worker_stats(worker[0]), fwd_worker_stats(worker[1]),
	           sizeof(struct fwd_stats)) != 0) {
		const uint64_t *a = (const uint64_t *)fwd_worker_stats(worker[0]);
		const uint64_t *b = (const uint64_t *)fwd_worker_stats(worker[1]);

		for (size_t i = 0; i < sizeof(struct fwd_stats) / 8; i++)
			if (a[i] != b[i])
				fprintf(stderr, "fwd_stats word %zu: %" PRIu64
				        " vs %" PRIu64 "\n", i, a[i], b[i]);
		fz_fail("fast lane and full parser count differently");
	}
	for (unsigned int p = 0; p < FZ_NPORT; p++) {
		char what[32];

		snprintf(what, sizeof(what), "port %u output", p);
		fz_compare_rings(txr[p], false, what);
	}
	fz_compare_rings(punt, true, "punts");
	if (rte_mempool_avail_count(pool) != FZ_POOL)
		fz_fail("mbufs leaked (or freed twice)");
	return 0;
}
