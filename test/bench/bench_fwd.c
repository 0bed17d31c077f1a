/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_fwd — cycles per packet of lib/fwd's fast path on one core.
 *
 * Feeds fwd_process_burst() with bursts of 32 frames of a chosen size over
 * a table of N (S,G) entries with F outputs each, outputs on net_null
 * ports, and reports cycles/packet with the cost of producing the frames
 * (mbuf alloc + header write, measured the same way without forwarding)
 * subtracted.  This isolates the fast path from any PMD's rx cost; the
 * end-to-end comparison with testpmd and ipv4_multicast is scripts/bench.
 *
 *   bench_fwd [EAL args] -- [--fanout F] [--size B] [--entries N]
 *                           [--iters I] [--trials T]
 *
 * EAL args must create the output ports, e.g.
 *   --no-huge -m 1024 --no-shconf --no-pci -l 1 \
 *   --vdev net_null0,no-rx=1 ... --vdev net_null16,no-rx=1
 * Port 0 is the input interface; ports 1..F the outputs.
 * Under valgrind --tool=callgrind use --iters 200 --trials 1: instruction
 * counts of fwd_process_burst are then repeatable before/after a change.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "fwd.h"
#include "mfib.h"

#define BENCH_BURST 32
#define BENCH_TEMPLATES 4096 /* frames cycled through, like a bench pcap */

static uint8_t tmpl[BENCH_TEMPLATES][64];

static void
make_frame(uint8_t *d, uint32_t src, uint32_t grp, uint16_t flen)
{
	struct rte_ether_hdr *eh = (void *)d;
	struct rte_ipv4_hdr *ip = (void *)(eh + 1);

	memset(d, 0, 64);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(flen - 14 - 4));
	ip->time_to_live = 64;
	ip->next_proto_id = 17;
	ip->src_addr = src;
	ip->dst_addr = grp;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

static uint32_t
flow_src(uint32_t i)
{
	return rte_cpu_to_be_32(0x0A000000u | (i & 0xFFFFFFu));
}

static uint32_t
flow_grp(uint32_t i)
{
	return rte_cpu_to_be_32(0xE8000000u | ((i * 7u) & 0xFFFFFFu));
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"fanout", required_argument, NULL, 'f'},
		{"size", required_argument, NULL, 's'},
		{"entries", required_argument, NULL, 'e'},
		{"iters", required_argument, NULL, 'i'},
		{"trials", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	uint32_t fanout = 1, flen = 64, entries = 1024, iters = 20000;
	uint32_t trials = 10, oif[MFIB_MAX_OIF];
	struct rte_eth_conf ec = {0};
	struct rte_mempool *pool;
	struct fwd_worker_conf wc = {0};
	struct fwd_worker *w;
	struct mfib *t;
	uint64_t best[2] = {UINT64_MAX, UINT64_MAX};
	uint16_t nports;
	int n, c;

	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "bench_fwd: EAL init failed\n");
		return 1;
	}
	argc -= n;
	argv += n;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': fanout = (uint32_t)atoi(optarg); break;
		case 's': flen = (uint32_t)atoi(optarg); break;
		case 'e': entries = (uint32_t)atoi(optarg); break;
		case 'i': iters = (uint32_t)atoi(optarg); break;
		case 't': trials = (uint32_t)atoi(optarg); break;
		default:
			fprintf(stderr, "bench_fwd: bad option\n");
			return 2;
		}
	}
	nports = rte_eth_dev_count_avail();
	if (fanout < 1 || fanout >= nports || fanout > MFIB_MAX_OIF ||
	    flen < 64 || flen > 1518 || entries < 1) {
		fprintf(stderr,
			"bench_fwd: need 1 <= fanout < ports (%u), 64 <= size <= 1518, entries >= 1\n",
			nports);
		return 2;
	}
	pool = rte_pktmbuf_pool_create("bench", 65535, 256, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       (int)rte_socket_id());
	if (pool == NULL) {
		fprintf(stderr, "bench_fwd: no mbuf pool (raise -m)\n");
		return 1;
	}
	for (uint16_t p = 0; p < nports; p++) {
		if (rte_eth_dev_configure(p, 1, 1, &ec) != 0 ||
		    rte_eth_rx_queue_setup(p, 0, 512, 0, NULL, pool) != 0 ||
		    rte_eth_tx_queue_setup(p, 0, 512, 0, NULL) != 0 ||
		    rte_eth_dev_start(p) != 0) {
			fprintf(stderr, "bench_fwd: port %u setup failed\n", p);
			return 1;
		}
	}
	t = mfib_create(&(struct mfib_config){
		.name = "bench", .socket_id = (int)rte_socket_id(),
		.max_entries = entries < 1024 ? 1024 : entries + entries / 8,
		.max_lcores = 1, .max_readers = 1});
	if (t == NULL) {
		fprintf(stderr, "bench_fwd: mfib_create failed (raise -m)\n");
		return 1;
	}
	for (uint16_t p = 0; p < nports; p++) {
		struct mfib_iface ifc = {.ifindex = p + 1u, .port = p,
					 .mtu = 1500};

		snprintf(ifc.name, sizeof(ifc.name), "p%u", p);
		mfib_iface_add(t, &ifc);
	}
	for (uint32_t k = 0; k < fanout; k++)
		oif[k] = k + 2;
	for (uint32_t i = 0; i < entries; i++) {
		struct mfib_spec s = {.src = flow_src(i), .grp = flow_grp(i),
				      .iif = 1, .n_oif = (uint16_t)fanout,
				      .oif_ifindex = oif};

		if (mfib_set(t, &s) != 0) {
			fprintf(stderr, "bench_fwd: mfib_set failed at %u\n", i);
			return 1;
		}
	}
	/* Traffic spread over every entry (4096 templates, as a bench pcap). */
	for (uint32_t i = 0; i < BENCH_TEMPLATES; i++) {
		uint32_t e = (uint32_t)(((uint64_t)i * entries) / BENCH_TEMPLATES);

		make_frame(tmpl[i], flow_src(e), flow_grp(e), (uint16_t)flen);
	}
	/* A real worker: an RCU reader, so its flow cache is on. */
	if (mfib_reader_register(t, 0) != 0) {
		fprintf(stderr, "bench_fwd: mfib_reader_register failed\n");
		return 1;
	}
	wc.is_reader = true;
	wc.mfib = t;
	wc.pool = pool;
	for (uint16_t p = 0; p < RTE_MAX_ETHPORTS; p++)
		wc.tx_queue[p] = p < nports ? 0 : UINT16_MAX;
	w = fwd_worker_create(&wc);
	if (w == NULL) {
		fprintf(stderr, "bench_fwd: fwd_worker_create failed\n");
		return 1;
	}
	for (uint32_t trial = 0; trial < trials; trial++) {
		for (int pass = 0; pass < 2; pass++) {
			struct rte_mbuf *m[BENCH_BURST];
			uint64_t t0 = rte_rdtsc(), d;
			uint32_t fl = 0;

			for (uint32_t it = 0; it < iters; it++) {
				if (rte_pktmbuf_alloc_bulk(pool, m, BENCH_BURST)) {
					fprintf(stderr, "bench_fwd: pool empty\n");
					return 1;
				}
				for (int k = 0; k < BENCH_BURST; k++) {
					m[k]->data_len = (uint16_t)flen - 4;
					m[k]->pkt_len = flen - 4;
					/* A NIC writes the frame; headers are what
					 * the fast path reads. */
					memcpy(rte_pktmbuf_mtod(m[k], void *),
					       tmpl[fl++ % BENCH_TEMPLATES], 64);
				}
				if (pass == 0)
					fwd_process_burst(w, 0, m, BENCH_BURST);
				else
					rte_pktmbuf_free_bulk(m, BENCH_BURST);
			}
			fwd_worker_flush(w);
			d = rte_rdtsc() - t0;
			if (d < best[pass])
				best[pass] = d;
		}
	}
	{
		const struct fwd_stats *s = fwd_worker_stats(w);
		double pk = (double)iters * BENCH_BURST;
		double cyc = (double)(best[0] - best[1]) / pk;
		double mpps = (double)rte_get_tsc_hz() / cyc / 1e6;

		printf("size %u fanout %u entries %u: %.1f cycles/pkt "
		       "(+%.1f generator) = %.2f Mpps in, %.2f Mpps out "
		       "@ %.2f GHz; fwd %" PRIu64 " tx %" PRIu64 " drops "
		       "no_mbuf %" PRIu64 " miss %" PRIu64 "\n",
		       flen, fanout, entries, cyc, (double)best[1] / pk, mpps,
		       mpps * fanout, (double)rte_get_tsc_hz() / 1e9,
		       s->fwd_pkts, s->tx_pkts, s->drop_no_mbuf,
		       s->drop_miss + s->punt_miss);
	}
	fwd_worker_destroy(w);
	mfib_destroy(t);
	rte_eal_cleanup();
	return 0;
}
