/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_control_plane — how fast is the control plane, on one core?
 *
 * Measures, on isolated lib/mgm + lib/rtm instances (no callbacks, pinned
 * to one CPU), with no forwarder and with a trivial counting one:
 *  - membership adds/s and deletes/s: (*,G) JOIN_STATE, 100k groups on
 *    2 of 4 interfaces;
 *  - MFE creations/s: mgm_forwarder_miss() for distinct (S,G) with 100k
 *    memberships and 10k routes;
 *  - RPF lookups/s: rtm_lookup_ip() over 10k routes of mixed prefix
 *    lengths, random destinations, and the same lookups on DPDK's rte_rib;
 *  - memory held by 1M memberships (mallinfo2 and VmRSS deltas), and how
 *    long mgm_destroy() takes with 100k and 1M memberships (shutdown).
 * One "name value" line per figure, PASS/MISS against the targets, and a
 * final JSON object with every figure.  Not a test: run it by hand or with
 * scripts/bench-control-plane.sh.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <malloc.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mgm.h"
#include "rtm.h"

#ifdef BENCH_HAVE_DPDK
#include <fcntl.h>
#include <sys/wait.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_rib.h>
#endif

#define BENCH_GROUPS 100000u
#define BENCH_IFS 4u
#define BENCH_IFS_PER_GROUP 2u
#define BENCH_ROUTES 10000u
#define BENCH_MISSES 200000u
#define BENCH_LOOKUPS 2000000u
#define BENCH_MEM_MEMBERSHIPS 1000000u

/* Targets from the project brief. */
#define BENCH_TARGET_MEMBERSHIP_PER_S 1000000.0
#define BENCH_TARGET_MFE_PER_S 300000.0
#define BENCH_TARGET_MEM_MIB 256.0

#define BENCH_MAX_FIGURES 32

static struct {
	const char *name;
	double value;
} bench_fig[BENCH_MAX_FIGURES];
static unsigned int bench_nfig;

static void
bench_figure(const char *name, double value, double target, int lower_better)
{
	const char *verdict = "";

	if (target > 0)
		verdict = (lower_better ? value < target : value >= target) ?
				  "  PASS" :
				  "  MISS";
	printf("%-36s %.0f%s\n", name, value, verdict);
	if (bench_nfig < BENCH_MAX_FIGURES) {
		bench_fig[bench_nfig].name = name;
		bench_fig[bench_nfig].value = value;
		bench_nfig++;
	}
	fflush(stdout);
}

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* xorshift64*: reproducible runs, no libc rand() state. */
static uint64_t bench_rng = 0x9e3779b97f4a7c15ull;

static uint32_t
bench_rand(void)
{
	bench_rng ^= bench_rng >> 12;
	bench_rng ^= bench_rng << 25;
	bench_rng ^= bench_rng >> 27;
	return (uint32_t)((bench_rng * 0x2545f4914f6cdd1dull) >> 32);
}

static void
bench_die(const char *what, int st)
{
	fprintf(stderr, "bench_control_plane: %s failed: %d\n", what, st);
	exit(1);
}

/* Group i in host order, inside 232.0.0.0/8 (never link-local). */
static uint32_t
bench_group(uint32_t i)
{
	return htonl(0xe8000000u | (i + 1));
}

/* The trivial forwarder: counts, keeps nothing. */
static uint64_t bench_fwd_sets, bench_fwd_deletes;

static int
bench_fwd_set(void *ctx, const struct mgm_fwd_entry *e)
{
	(void)ctx;
	(void)e;
	bench_fwd_sets++;
	return 0;
}

static int
bench_fwd_delete(void *ctx, uint32_t source, uint32_t group)
{
	(void)ctx;
	(void)source;
	(void)group;
	bench_fwd_deletes++;
	return 0;
}

static int
bench_fwd_read(void *ctx, uint32_t source, uint32_t group,
	       struct mgm_fwd_counters *c, struct mgm_fwd_oif_counters *oc,
	       uint32_t n_oif)
{
	(void)ctx;
	(void)source;
	(void)group;
	(void)oc;
	(void)n_oif;
	memset(c, 0, sizeof(*c));
	return 0;
}

static const struct mgm_forwarder_ops bench_fwd_ops = {
	.set_entry = bench_fwd_set,
	.delete_entry = bench_fwd_delete,
	.read_counters = bench_fwd_read,
};

static const struct mgm_protocol_ops bench_no_callbacks;

/* An instance with one routing protocol owning interfaces 1..BENCH_IFS. */
struct bench_inst {
	struct rtm *rtm;
	struct mgm *mgm;
	mgm_handle_t proto;
};

static void
bench_inst_init(struct bench_inst *b, int with_fwd)
{
	struct mgm_config cfg = { 0 };
	enum mgm_status st;

	b->rtm = rtm_create(NULL);
	if (b->rtm == NULL)
		bench_die("rtm_create", -1);
	cfg.rtm = b->rtm;
	if (with_fwd)
		cfg.fwd = &bench_fwd_ops;
	b->mgm = mgm_create(&cfg);
	if (b->mgm == NULL)
		bench_die("mgm_create", -1);
	st = mgm_register_protocol(b->mgm, &bench_no_callbacks, NULL, 13, 1,
				   &b->proto);
	if (st != MGM_OK)
		bench_die("mgm_register_protocol", st);
	for (uint32_t i = 1; i <= BENCH_IFS; i++) {
		st = mgm_take_interface_ownership(b->mgm, b->proto, i, 0);
		if (st != MGM_OK)
			bench_die("mgm_take_interface_ownership", st);
	}
}

static void
bench_inst_fini(struct bench_inst *b)
{
	mgm_destroy(b->mgm);
	rtm_destroy(b->rtm);
}

/* (*,G) on interfaces i % 4 + 1 and the next one. */
static double
bench_memberships(struct bench_inst *b, int add)
{
	double t0 = bench_now();

	for (uint32_t i = 0; i < BENCH_GROUPS; i++) {
		for (uint32_t k = 0; k < BENCH_IFS_PER_GROUP; k++) {
			uint32_t ifindex = (i + k) % BENCH_IFS + 1;
			enum mgm_status st;

			if (add)
				st = mgm_add_group_membership(
					b->mgm, b->proto, 0, 0, bench_group(i),
					0xffffffff, ifindex, 0,
					MGM_JOIN_STATE_FLAG);
			else
				st = mgm_delete_group_membership(
					b->mgm, b->proto, 0, 0, bench_group(i),
					0xffffffff, ifindex, 0,
					MGM_JOIN_STATE_FLAG);
			if (st != MGM_OK)
				bench_die(add ? "add membership" :
						"delete membership", st);
		}
	}
	return BENCH_GROUPS * BENCH_IFS_PER_GROUP / (bench_now() - t0);
}

/* 10k routes in 10.0.0.0/8: /16 1%, /20 9%, /24 40%, /28 20%, /32 30%. */
struct bench_route {
	uint32_t net; /* host order */
	uint8_t len;
};
static struct bench_route bench_routes[BENCH_ROUTES];

static void
bench_make_routes(void)
{
	for (uint32_t i = 0; i < BENCH_ROUTES; i++) {
		uint32_t p = i % 100;
		uint8_t len = p < 1 ? 16 : p < 10 ? 20 : p < 50 ? 24 :
			      p < 70 ? 28 : 32;
		uint32_t mask = 0xffffffffu << (32 - len);

		bench_routes[i].len = len;
		bench_routes[i].net = (0x0a000000u | (bench_rand() & 0x00ffffffu)) &
				      mask;
	}
}

/* The interface a network points out of: a function of the network, so
 * duplicate networks agree and rte_rib can be checked against RTM. */
static uint32_t
bench_route_if(uint32_t net)
{
	return (net >> 8) % BENCH_IFS + 1;
}

static void
bench_load_routes(struct rtm *r)
{
	enum rtm_status err;
	rtm_client_t c = rtm_register_client(r, RTM_FAMILY_IP,
					     RTM_PROTO_IP_NETMGMT, -1, 0, &err);

	if (c == 0)
		bench_die("rtm_register_client", err);
	for (uint32_t i = 0; i < BENCH_ROUTES; i++) {
		struct rtm_ip_route rt = { 0 };
		uint32_t flags;

		rt.network.number = htonl(bench_routes[i].net);
		rt.network.mask =
			htonl(0xffffffffu << (32 - bench_routes[i].len));
		rt.ifindex = bench_route_if(bench_routes[i].net);
		rt.next_hop.number = htonl(0x0b000001u);
		rt.next_hop.mask = 0xffffffff;
		rt.fsd.type = RTM_IP_TYPE_REMOTE;
		rt.fsd.flags = RTM_IP_VALID_ROUTE;
		rt.fsd.metric = 1;
		err = rtm_add_route(r, c, &rt, RTM_INFINITE, &flags, NULL, NULL);
		if (err != RTM_OK)
			bench_die("rtm_add_route", err);
	}
}

static double
bench_mfe_creations(int with_fwd)
{
	struct bench_inst b;
	uint64_t sets0 = bench_fwd_sets;
	double t0, rate;

	bench_inst_init(&b, with_fwd);
	bench_load_routes(b.rtm);
	for (uint32_t i = 0; i < BENCH_GROUPS; i++) {
		enum mgm_status st = mgm_add_group_membership(
			b.mgm, b.proto, 0, 0, bench_group(i), 0xffffffff,
			i % BENCH_IFS + 1, 0, MGM_JOIN_STATE_FLAG);

		if (st != MGM_OK)
			bench_die("add membership", st);
	}
	t0 = bench_now();
	for (uint32_t i = 0; i < BENCH_MISSES; i++) {
		/* Distinct (S,G): source i walks 10/8, group cycles. */
		uint32_t s = htonl(0x0a000000u | (i * 2654435761u & 0x00ffffffu));
		uint32_t g = bench_group(i % BENCH_GROUPS);
		enum mgm_status st = mgm_forwarder_miss(b.mgm, s, g, 1, 0,
							NULL, 0);

		if (st != MGM_OK)
			bench_die("mgm_forwarder_miss", st);
	}
	rate = BENCH_MISSES / (bench_now() - t0);
	if (with_fwd && bench_fwd_sets - sets0 < BENCH_MISSES)
		fprintf(stderr, "note: forwarder saw %" PRIu64
			" installs for %u misses\n", bench_fwd_sets - sets0,
			BENCH_MISSES);
	t0 = bench_now();
	bench_inst_fini(&b);
	if (!with_fwd)
		bench_figure("destroy_100k_memberships_ms",
			     (bench_now() - t0) * 1000, 0, 0);
	return rate;
}

static uint32_t bench_dest[BENCH_LOOKUPS];

static double
bench_rtm_lookups(uint64_t *hits)
{
	struct rtm *r = rtm_create(NULL);
	struct rtm_ip_route out;
	double t0, rate;

	if (r == NULL)
		bench_die("rtm_create", -1);
	bench_load_routes(r);
	*hits = 0;
	t0 = bench_now();
	for (uint32_t i = 0; i < BENCH_LOOKUPS; i++)
		*hits += rtm_lookup_ip(r, bench_dest[i], &out);
	rate = BENCH_LOOKUPS / (bench_now() - t0);
	printf("%-36s %u\n", "rpf_networks",
	       rtm_network_count(r, RTM_FAMILY_IP, NULL));
	rtm_destroy(r);
	return rate;
}

#ifdef BENCH_HAVE_DPDK
static int bench_eal_ok;

/* Does rte_eal_init() accept @p argv?  Asked in a child: a rejected
 * command line leaves EAL half-parsed, and EAL prints its usage on stdout. */
static int
bench_eal_probe(char **argv, int argc)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		if (devnull >= 0) {
			dup2(devnull, STDOUT_FILENO);
			dup2(devnull, STDERR_FILENO);
		}
		_exit(rte_eal_init(argc, argv) < 0 ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void
bench_eal_init(void)
{
	char *argv[] = {
		"bench_control_plane", "--no-huge", "-m", "256", "--no-pci",
		"--in-memory", "-l", "0", "--log-level=error", NULL,
	};

	if (!bench_eal_probe(argv, 9)) {
		/* DPDK 22.11 counts --no-huge as legacy memory, which it
		 * refuses with --in-memory; --no-shconf also keeps the run
		 * free of shared files. */
		printf("eal: --no-huge with --in-memory refused, "
		       "using --no-shconf\n");
		argv[5] = "--no-shconf";
	}
	if (rte_eal_init(9, argv) < 0) {
		printf("rte_rib: EAL init failed (%s), comparison skipped\n",
		       rte_strerror(rte_errno));
		return;
	}
	bench_eal_ok = 1;
}

static double
bench_rib_lookups(uint64_t *hits)
{
	struct rte_rib_conf conf = { .ext_sz = 0,
				     .max_nodes = 4 * BENCH_ROUTES };
	struct rte_rib *rib;
	double t0, rate;

	rib = rte_rib_create("bench_rpf", -1 /* SOCKET_ID_ANY */, &conf);
	if (rib == NULL) {
		printf("rte_rib: create failed (%s), comparison skipped\n",
		       rte_strerror(rte_errno));
		return -1;
	}
	for (uint32_t i = 0; i < BENCH_ROUTES; i++) {
		struct rte_rib_node *n = rte_rib_insert(
			rib, bench_routes[i].net, bench_routes[i].len);

		if (n != NULL)
			rte_rib_set_nh(n, bench_route_if(bench_routes[i].net));
	}
	*hits = 0;
	t0 = bench_now();
	for (uint32_t i = 0; i < BENCH_LOOKUPS; i++)
		*hits += rte_rib_lookup(rib, ntohl(bench_dest[i])) != NULL;
	rate = BENCH_LOOKUPS / (bench_now() - t0);
	rte_rib_free(rib);
	return rate;
}
#endif

/* Heap in use (malloc'd + mmap'd chunks) and resident set, in bytes. */
static void
bench_mem(uint64_t *heap, uint64_t *rss)
{
	struct mallinfo2 mi = mallinfo2();
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	*heap = mi.uordblks + mi.hblkhd;
	*rss = 0;
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %" SCNu64 " kB", rss) == 1)
			*rss *= 1024;
	if (f != NULL)
		fclose(f);
}

static void
bench_memory(void)
{
	struct bench_inst b;
	uint64_t heap0, rss0, heap1, rss1;
	uint32_t groups = BENCH_MEM_MEMBERSHIPS / BENCH_IFS;
	double heap_mib, rss_mib, t0;

	bench_inst_init(&b, 0);
	malloc_trim(0);
	bench_mem(&heap0, &rss0);
	for (uint32_t i = 0; i < groups; i++) {
		for (uint32_t k = 1; k <= BENCH_IFS; k++) {
			enum mgm_status st = mgm_add_group_membership(
				b.mgm, b.proto, 0, 0, bench_group(i),
				0xffffffff, k, 0, MGM_JOIN_STATE_FLAG);

			if (st != MGM_OK)
				bench_die("add membership", st);
		}
	}
	bench_mem(&heap1, &rss1);
	heap_mib = (double)(heap1 - heap0) / (1024 * 1024);
	rss_mib = (double)(rss1 - rss0) / (1024 * 1024);
	bench_figure("memberships_1m_heap_mib", heap_mib, BENCH_TARGET_MEM_MIB,
		     1);
	bench_figure("memberships_1m_rss_mib", rss_mib, BENCH_TARGET_MEM_MIB,
		     1);
	bench_figure("bytes_per_membership",
		     (double)(heap1 - heap0) / BENCH_MEM_MEMBERSHIPS, 0, 0);
	t0 = bench_now();
	bench_inst_fini(&b);
	bench_figure("destroy_1m_memberships_ms", (bench_now() - t0) * 1000, 0,
		     0);
}

/* Run on the first CPU we may use: one core, no migrations. */
static void
bench_pin(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return;
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (CPU_ISSET(c, &set)) {
			CPU_ZERO(&set);
			CPU_SET(c, &set);
			(void)sched_setaffinity(0, sizeof(set), &set);
			printf("%-36s %d\n", "cpu", c);
			return;
		}
	}
}

int
main(void)
{
	struct bench_inst b;
	uint64_t rtm_hits, rib_hits = 0;
	double rtm_rate, rib_rate = -1;

#ifdef BENCH_HAVE_DPDK
	bench_eal_init(); /* pins to lcore 0 when it works */
#endif
	bench_pin();
	bench_make_routes();
	for (uint32_t i = 0; i < BENCH_LOOKUPS; i++)
		bench_dest[i] = htonl(0x0a000000u | (bench_rand() & 0x00ffffffu));

	bench_inst_init(&b, 0);
	bench_figure("membership_add_per_s", bench_memberships(&b, 1),
		     BENCH_TARGET_MEMBERSHIP_PER_S, 0);
	bench_figure("membership_delete_per_s", bench_memberships(&b, 0),
		     BENCH_TARGET_MEMBERSHIP_PER_S, 0);
	bench_inst_fini(&b);
	bench_inst_init(&b, 1);
	bench_figure("membership_add_per_s_fwd", bench_memberships(&b, 1),
		     BENCH_TARGET_MEMBERSHIP_PER_S, 0);
	bench_figure("membership_delete_per_s_fwd", bench_memberships(&b, 0),
		     BENCH_TARGET_MEMBERSHIP_PER_S, 0);
	bench_inst_fini(&b);

	bench_figure("mfe_create_per_s", bench_mfe_creations(0),
		     BENCH_TARGET_MFE_PER_S, 0);
	bench_figure("mfe_create_per_s_fwd", bench_mfe_creations(1),
		     BENCH_TARGET_MFE_PER_S, 0);

	rtm_rate = bench_rtm_lookups(&rtm_hits);
	bench_figure("rpf_lookup_per_s", rtm_rate, 0, 0);
#ifdef BENCH_HAVE_DPDK
	if (bench_eal_ok)
		rib_rate = bench_rib_lookups(&rib_hits);
#else
	printf("rte_rib: built without DPDK, comparison skipped\n");
#endif
	if (rib_rate > 0) {
		bench_figure("rte_rib_lookup_per_s", rib_rate, 0, 0);
		bench_figure("rpf_vs_rte_rib_percent", 100 * rtm_rate / rib_rate,
			     0, 0);
		if (rib_hits != rtm_hits)
			printf("note: rte_rib found %" PRIu64
			       " routes, rtm %" PRIu64 "\n",
			       rib_hits, rtm_hits);
	}

	bench_memory();

	printf("{");
	for (unsigned int i = 0; i < bench_nfig; i++)
		printf("%s\"%s\": %.1f", i ? ", " : "", bench_fig[i].name,
		       bench_fig[i].value);
	printf("}\n");
#ifdef BENCH_HAVE_DPDK
	if (bench_eal_ok)
		rte_eal_cleanup();
#endif
	return 0;
}
