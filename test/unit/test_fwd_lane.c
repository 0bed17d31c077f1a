/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The parser's fast lane (lib/fwd/fwd_parse.h) on its own: its word-wide
 * checks against plain reference predicates, over the inputs where a
 * word-wide trick could go wrong (carries, wrapped lengths, bytes that
 * share a word with a checked one).  No EAL: the mbufs are plain structs
 * over a static buffer, which is all the lane reads.  That the lane and
 * the full parser agree on whole bursts is test_fwd.c's and the fuzz
 * harness's.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "fwd_parse.h"

#define IFINDEX 3
#define HDRS    (RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr))

static uint8_t buf[RTE_PKTMBUF_HEADROOM + 2048];
static struct rte_mbuf mb;

/* xorshift64: repeatable pseudo-random bytes */
static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint8_t *
frame(void)
{
	return buf + RTE_PKTMBUF_HEADROOM;
}

static struct rte_ipv4_hdr *
frame_ip(void)
{
	return (struct rte_ipv4_hdr *)(frame() + RTE_ETHER_HDR_LEN);
}

/* An untagged frame the lane takes: UDP from 10.0.0.1 to 232.1.1.1, an
 * IP packet of @p tot bytes, in an mbuf of one segment of exactly the
 * frame. */
static void
frame_make(uint16_t tot)
{
	struct rte_ipv4_hdr *ip = frame_ip();

	memset(buf, 0, sizeof(buf));
	frame()[12] = 0x08; /* IPv4 */
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(tot);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(0x0a000001);
	ip->dst_addr = rte_cpu_to_be_32(0xe8010101);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	memset(&mb, 0, sizeof(mb));
	mb.buf_addr = buf;
	mb.buf_len = sizeof(buf);
	mb.data_off = RTE_PKTMBUF_HEADROOM;
	mb.nb_segs = 1;
	mb.data_len = (uint16_t)(RTE_ETHER_HDR_LEN + tot);
	mb.pkt_len = RTE_ETHER_HDR_LEN + tot;
}

/* The lane's verdict; what it hands on when it takes the frame. */
static bool
lane(bool staged)
{
	const struct rte_ipv4_hdr *ip = frame_ip();
	struct fwd_pkt p;

	if (!fwd_parse_fast(&mb, IFINDEX, staged, &p, FWD_CSUM_INV, FWD_CSUM_LIM))
		return false;
	assert_ptr_equal(p.m, &mb);
	assert_ptr_equal(p.ip, ip);
	assert_int_equal(p.key, fwd_fc_key(ip->src_addr, ip->dst_addr));
	assert_int_equal(p.ifindex, IFINDEX);
	assert_int_equal(p.l2_len, RTE_ETHER_HDR_LEN);
	assert_int_equal(p.ip_len, rte_be_to_cpu_16(ip->total_length));
	return true;
}

/* The 20-byte checksum test against the generic one's complement sum,
 * on random headers, with the checksum right, wrong, and on headers made
 * mostly of 0xff bytes, whose 64-bit sums carry out (the end-around
 * carries' cases).  The first byte, the version's, is never 0: the test
 * relies on it (an all-zero header sums to 0, a multiple of 0xffff). */
static void
test_checksum_matches_generic_sum(void **state)
{
	unsigned int carried1 = 0, carried2 = 0, valid = 0;
	uint8_t h[20];

	(void)state;
	for (unsigned int i = 0; i < 1000000; i++) {
		const struct rte_ipv4_hdr *ip = (const void *)h;
		int mode = (int)(i % 4);
		uint64_t a, q, s;
		uint32_t b;
		bool want;

		for (unsigned int k = 0; k < sizeof(h); k++) {
			uint64_t r = rnd();

			h[k] = mode >= 2 && (r & 0x100) ? 0xff : (uint8_t)r;
		}
		if (h[0] == 0)
			h[0] = 0x45;
		if (mode == 1 || mode == 3) { /* make it right */
			h[10] = h[11] = 0;
			((struct rte_ipv4_hdr *)h)->hdr_checksum =
			        (uint16_t)~rte_raw_cksum(h, sizeof(h));
		}
		want = rte_raw_cksum(h, sizeof(h)) == 0xffff;
		if (fwd_ipv4_csum20_ok(ip) != want)
			fail_msg("header %u (mode %d): %s, the generic sum "
			         "says %s", i, mode, want ? "refused" : "taken",
			         want ? "right" : "wrong");
		valid += want;
		/* the two adds' carries: the first alone, and the second */
		memcpy(&a, h, 8);
		memcpy(&b, h + 8, 4);
		memcpy(&q, h + 12, 8);
		s = a + b;
		carried1 += s < b;
		carried2 += s + (s < b) + q < q;
	}
	/* the inputs did reach both verdicts and both carries */
	assert_true(valid > 400000 && valid < 600000);
	assert_true(carried1 > 1000);
	assert_true(carried2 > 1000);
}

/* fwd_sum3() (add with carry on x86) and fwd_sum3_generic() against the
 * sum as a 128-bit number, modulo 0xffff (all the checksum asks), on
 * random words and on the words where a carry can go wrong: all ones,
 * and near 2^64 so that both adds carry or one just does not. */
static void
test_sum3_modulo(void **state)
{
	static const uint64_t edge[] = {0, 1, 0xffff, 0xfffffffeu, 0xffffffffu,
	                                UINT64_MAX - 0xffffffffu,
	                                UINT64_MAX - 1, UINT64_MAX};
	const unsigned int ne = RTE_DIM(edge);

	(void)state;
	for (unsigned int i = 0; i < 2000000 + ne * ne * ne; i++) {
		uint64_t a, q;
		uint32_t b;
		unsigned __int128 t;

		if (i < ne * ne * ne) {
			a = edge[i % ne];
			b = (uint32_t)edge[i / ne % ne];
			q = edge[i / ne / ne];
		} else {
			a = rnd();
			b = (uint32_t)rnd();
			q = rnd();
			if (i & 1) /* near the top: the carries' cases */
				a |= UINT64_C(0xffffffff00000000);
		}
		t = (unsigned __int128)a + b + q;
		if (fwd_sum3(a, b, q) % 0xffff != t % 0xffff ||
		    fwd_sum3_generic(a, b, q) % 0xffff != t % 0xffff)
			fail_msg("a %#" PRIx64 " b %#x q %#" PRIx64 ": %#" PRIx64
			         " / %#" PRIx64, a, b, q, fwd_sum3(a, b, q),
			         fwd_sum3_generic(a, b, q));
	}
}

/* Non-staged, the lane takes a frame only when its version and header
 * length are 0x45 and it is exactly 14 + total length bytes long, with
 * one compare of a masked word against pkt_len - 14 + 0x45000000: any TOS
 * byte, and no pkt_len whose difference from the right one hides in the
 * masked bits or wraps. */
static void
test_lane_frame_length_exact(void **state)
{
	static const uint8_t vhl[] = {0x45, 0x44, 0x46, 0x4f, 0x35, 0x55,
	                              0xc5, 0x05};
	static const uint8_t tos[] = {0, 0x45, 0xb8, 0xff};
	static const uint16_t tots[] = {20, 46, 1500, 2000};

	(void)state;
	for (unsigned int t = 0; t < RTE_DIM(tots); t++) {
		uint32_t right = RTE_ETHER_HDR_LEN + tots[t];

		for (unsigned int v = 0; v < RTE_DIM(vhl); v++) {
			for (unsigned int s = 0; s < RTE_DIM(tos); s++) {
				frame_make(tots[t]);
				frame_ip()->version_ihl = vhl[v];
				frame_ip()->type_of_service = tos[s];
				frame_ip()->hdr_checksum = 0;
				frame_ip()->hdr_checksum =
				        rte_ipv4_cksum(frame_ip());
				if (lane(false) != (vhl[v] == 0x45))
					fail_msg("VHL 0x%02x TOS 0x%02x: %s",
					         vhl[v], tos[s],
					         vhl[v] == 0x45 ? "refused" :
					                          "taken");
				if (vhl[v] != 0x45)
					continue;
				/* every pkt_len off by a multiple of 2^16,
				 * and a few off by little */
				for (uint32_t x = 1; x <= 0xffff; x++) {
					mb.pkt_len = right + (x << 16);
					if (lane(false))
						fail_msg("pkt_len %u + %u << 16 "
						         "taken", right, x);
					mb.pkt_len = right - (x << 16);
					if (lane(false))
						fail_msg("pkt_len %u - %u << 16 "
						         "taken", right, x);
				}
				for (uint32_t d = 1; d < 64; d++) {
					mb.pkt_len = right + d;
					assert_false(lane(false));
					mb.pkt_len = right - d;
					assert_false(lane(false));
				}
				mb.pkt_len = right;
				assert_true(lane(false));
			}
		}
	}
}

/* Staged, the lane takes a total length from 20 up to the frame and trims
 * the Ethernet padding after it; anything longer than the frame, shorter
 * than the header, or in a chain to trim is the full parser's. */
static void
test_staged_lane_trims_padding(void **state)
{
	static const uint16_t tots[] = {0, 19, 20, 21, 46, 47, 1500};

	(void)state;
	for (unsigned int t = 0; t < RTE_DIM(tots); t++) {
		for (uint32_t len = HDRS; len < 1600; len++) {
			bool want = tots[t] >= 20 &&
			            RTE_ETHER_HDR_LEN + tots[t] <= (int)len;

			frame_make(tots[t]);
			mb.data_len = (uint16_t)len;
			mb.pkt_len = len;
			if (lane(true) != want)
				fail_msg("total length %u in %u bytes: %s",
				         tots[t], len, want ? "refused" : "taken");
			if (want)
				assert_int_equal(mb.pkt_len,
				                 RTE_ETHER_HDR_LEN + tots[t]);
			if (want)
				assert_int_equal(mb.data_len,
				                 RTE_ETHER_HDR_LEN + tots[t]);
			/* a chain is not trimmed */
			frame_make(tots[t]);
			mb.data_len = (uint16_t)HDRS;
			mb.pkt_len = len;
			mb.nb_segs = 2;
			assert_int_equal(lane(true),
			                 want && (uint32_t)RTE_ETHER_HDR_LEN + tots[t] ==
			                                 len);
		}
	}
	/* non-staged, padding is refused */
	frame_make(46);
	mb.data_len = 64;
	mb.pkt_len = 64;
	assert_false(lane(false));
	assert_true(lane(true));
	/* staged too, only version 4 with 20 bytes of header, any TOS */
	for (unsigned int v = 0; v < 256; v++) {
		frame_make(46);
		frame_ip()->version_ihl = (uint8_t)v;
		frame_ip()->type_of_service = (uint8_t)~v;
		frame_ip()->hdr_checksum = 0;
		frame_ip()->hdr_checksum = rte_ipv4_cksum(frame_ip());
		assert_int_equal(lane(true), v == RTE_IPV4_VHL_DEF);
	}
}

/* Does the lane take a frame from @p src to @p grp (host order)? */
static bool
lane_takes_group(uint32_t src, uint32_t grp, bool staged)
{
	frame_make(46);
	frame_ip()->src_addr = rte_cpu_to_be_32(src);
	frame_ip()->dst_addr = rte_cpu_to_be_32(grp);
	frame_ip()->hdr_checksum = 0;
	frame_ip()->hdr_checksum = rte_ipv4_cksum(frame_ip());
	return lane(staged);
}

/* The group range, one compare on the byte-swapped source and group
 * word: 224.0.1.0 .. 239.255.255.255, whatever the source.  The fast run
 * leaves the group to its flow cache, which holds only groups the staged
 * path took (test_fwd.c: test_fast_run_group_left_to_the_cache). */
static void
test_lane_group_range(void **state)
{
	static const uint32_t srcs[] = {0x0a000001, 0xffffffff, 0, 0xe0000100};

	(void)state;
	for (unsigned int s = 0; s < RTE_DIM(srcs); s++) {
		for (uint64_t g = 0; g <= 0xffffffffu; g += 0xfff1) {
			uint32_t grp = (uint32_t)g;
			bool want = grp >= 0xe0000100u && grp <= 0xefffffffu;

			if (lane_takes_group(srcs[s], grp, true) != want)
				fail_msg("group 0x%08x source 0x%08x: %s", grp,
				         srcs[s], want ? "refused" : "taken");
			if (!lane_takes_group(srcs[s], grp, false))
				fail_msg("group 0x%08x source 0x%08x: refused "
				         "for the fast run", grp, srcs[s]);
		}
		assert_false(lane_takes_group(srcs[s], 0xe00000ffu, true));
		assert_true(lane_takes_group(srcs[s], 0xe0000100u, true));
		assert_true(lane_takes_group(srcs[s], 0xefffffffu, true));
		assert_false(lane_takes_group(srcs[s], 0xf0000000u, true));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksum_matches_generic_sum),
		cmocka_unit_test(test_sum3_modulo),
		cmocka_unit_test(test_lane_frame_length_exact),
		cmocka_unit_test(test_staged_lane_trims_padding),
		cmocka_unit_test(test_lane_group_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
