/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/ctl: the configuration loader, and the project's bad-config suite.
 *
 * Valid configurations must load with every value (and every default) where
 * the contract says; the files in config/ must load from disk.  Each malformed
 * configuration in bad_configs[] is its own test: it must fail with exactly
 * the JSON path given and a message that names the problem, leave *out
 * NULL, and leak nothing (run the suite under ASan to hold that).
 *
 * JSON in this file is written with ' for ": the loader sees it after
 * sq() swaps them, which keeps the tables readable.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

/* Helpers --------------------------------------------------------------- */

static char *
sq(const char *json)
{
	char *s = strdup(json);

	assert_non_null(s);
	for (char *p = s; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	return s;
}

static int
load(const char *json, struct ctl_config **c, char err[CTL_ERR_MAX])
{
	char *s = sq(json);
	int rc = ctl_config_load_string(s, strlen(s), c, err);

	free(s);
	return rc;
}

static struct ctl_config *
load_ok(const char *json)
{
	struct ctl_config *c = (struct ctl_config *)1;
	char err[CTL_ERR_MAX];

	if (load(json, &c, err) != 0)
		fail_msg("expected to load, got: %s", err);
	assert_non_null(c);
	return c;
}

/* Fails unless loading @p json yields "<path>: ...<keyword>...". */
static void
expect_error(const char *json, size_t len, const char *path,
             const char *keyword)
{
	struct ctl_config *c = (struct ctl_config *)1;
	char err[CTL_ERR_MAX];
	size_t n = strlen(path);

	if (ctl_config_load_string(json, len, &c, err) == 0) {
		ctl_config_free(c);
		fail_msg("loaded, expected \"%s: ...%s...\"", path, keyword);
	}
	assert_null(c);
	if (strncmp(err, path, n) != 0 || strncmp(err + n, ": ", 2) != 0)
		fail_msg("expected path \"%s\", got \"%s\"", path, err);
	if (strstr(err + n, keyword) == NULL)
		fail_msg("expected \"%s\" in \"%s\"", keyword, err);
}

static void
expect_error_sq(const char *json, const char *path, const char *keyword)
{
	char *s = sq(json);

	expect_error(s, strlen(s), path, keyword);
	free(s);
}

static uint32_t
ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* Files of the source tree.  __FILE__ is this file as the compiler was
 * given it: absolute, or relative to the build directory, which is where
 * meson runs the test from or two levels above the test binary. */
static void
source_path(const char *rel, char *buf, size_t size)
{
	static const char me[] = "test/unit/test_ctl.c";
	const char *file = __FILE__;
	size_t dir = strlen(file) - strlen(me);
	char exe[4096];
	ssize_t n;

	assert_string_equal(file + dir, me);
	snprintf(buf, size, "%.*s%s", (int)dir, file, rel);
	if (file[0] == '/' || access(buf, R_OK) == 0)
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	assert_true(snprintf(buf, size, "%s/../../%.*s%s", exe, (int)dir, file,
	                     rel) < (int)size);
}

static struct ctl_config *
load_source_file(const char *rel)
{
	struct ctl_config *c = NULL;
	char path[4096], err[CTL_ERR_MAX];

	source_path(rel, path, sizeof(path));
	if (ctl_config_load_file(path, &c, err) != 0)
		fail_msg("%s: %s", path, err);
	return c;
}

/* The interfaces most cases build on. */
#define IFS                                         \
	"'interfaces':[{'name':'in0','port':'p0'}," \
	"{'name':'out0','port':'p1'},{'name':'out1','port':'p2'}]"
#define CFG(rest)  "{" IFS rest "}"
#define IF1(attrs) "{'interfaces':[{'name':'in0','port':'p0'" attrs "}]}"
#define IF2(a, b)                                         \
	"{'interfaces':[{'name':'in0','port':'p0'" a "}," \
	"{'name':'out0','port':'p1'" b "}]}"
#define RX(p, q)   "{'port':" p ",'queue':" #q "}"
#define WORKERS(w) CFG(",'workers':[" w "]")
#define MEMB(m)    CFG(",'memberships':[" m "]")
#define ROUTE(r)   CFG(",'routes':[" r "]")
#define MROUTE(m)  CFG(",'mroutes':[" m "]")
#define LIMITS(l)  CFG(",'limits':{" l "}")
#define RX4(p)     RX(p, 0) "," RX(p, 1) "," RX(p, 2) "," RX(p, 3)

/* Valid configurations -------------------------------------------------- */

static void
test_minimal_config_gets_every_default(void **state)
{
	(void)state;
	struct ctl_config *c = load_ok(IF1(""));
	const struct ctl_iface *i = &c->iface[0];

	assert_int_equal(c->n_iface, 1);
	assert_string_equal(i->name, "in0");
	assert_int_equal(i->ifindex, 1);
	assert_string_equal(i->port.name, "p0");
	assert_int_equal(i->port.id, -1);
	assert_int_equal(i->vlan, 0);
	assert_int_equal(i->mtu, 1500);
	assert_int_equal(i->ttl_threshold, 1);
	assert_false(i->has_mac);
	assert_int_equal(c->n_worker, 0);
	assert_null(c->worker);
	assert_int_equal(c->n_membership, 0);
	assert_null(c->membership);
	assert_int_equal(c->n_route, 0);
	assert_null(c->route);
	assert_int_equal(c->n_mroute, 0);
	assert_null(c->mroute);
	assert_int_equal(c->limits.mbufs, 16383);
	assert_int_equal(c->limits.mbuf_cache, 256);
	assert_int_equal(c->limits.rx_desc, 1024);
	assert_int_equal(c->limits.tx_desc, 1024);
	assert_int_equal(c->limits.punt_ring, 1024);
	assert_int_equal(c->limits.max_entries, 65536);
	assert_int_equal(c->limits.punt_rate, 10000);
	assert_int_equal(c->limits.mfe_timeout, 900);
	ctl_config_free(c);
}

static void
test_every_field_is_stored_where_the_contract_says(void **state)
{
	(void)state;
	struct ctl_config *c = load_ok(
	        "{'interfaces':["
	        "{'name':'in0','ifindex':7,'port':'0000:3b:00.0','vlan':4094,"
	        " 'mtu':9600,'ttl_threshold':255,'mac':'02:aB:cd:EF:00:ff'},"
	        "{'name':'out-1.a_b','port':1023,'mtu':68,'ttl_threshold':0}],"
	        "'workers':[{'lcore':1023,'rx':[{'port':'0000:3b:00.0','queue':1023},"
	        " {'port':1023,'queue':0}]},{'lcore':0,'rx':[{'port':1023,'queue':1}]}],"
	        "'memberships':[{'group':'239.255.255.255','source':'10.1.2.3',"
	        " 'interfaces':['out-1.a_b','in0']},"
	        " {'group':'224.0.1.0','source':'*','interfaces':['in0']}],"
	        "'routes':[{'prefix':'10.0.0.0/8','interface':'in0',"
	        " 'next_hop':'10.0.0.254','metric':65535},"
	        " {'prefix':'0.0.0.0/0','interface':'out-1.a_b','metric':0},"
	        " {'prefix':'192.0.2.1/32','interface':'in0'}],"
	        "'mroutes':[{'group':'232.1.1.1','source':'192.0.2.1','iif':'in0',"
	        " 'oifs':['out-1.a_b']},{'group':'239.0.0.1','iif':'out-1.a_b',"
	        " 'oifs':['in0']}],"
	        "'limits':{'mbufs':16777215,'mbuf_cache':0,'rx_desc':16384,"
	        " 'tx_desc':64,'punt_ring':1048576,'max_entries':16777216,"
	        " 'punt_rate':10000000,'mfe_timeout':86400}}");
	static const uint8_t mac[6] = { 0x02, 0xab, 0xcd, 0xef, 0x00, 0xff };

	assert_int_equal(c->n_iface, 2);
	assert_string_equal(c->iface[0].name, "in0");
	assert_int_equal(c->iface[0].ifindex, 7);
	assert_string_equal(c->iface[0].port.name, "0000:3b:00.0");
	assert_int_equal(c->iface[0].port.id, -1);
	assert_int_equal(c->iface[0].vlan, 4094);
	assert_int_equal(c->iface[0].mtu, 9600);
	assert_int_equal(c->iface[0].ttl_threshold, 255);
	assert_true(c->iface[0].has_mac);
	assert_memory_equal(c->iface[0].mac, mac, 6);
	assert_string_equal(c->iface[1].name, "out-1.a_b");
	assert_int_equal(c->iface[1].ifindex, 2);
	assert_string_equal(c->iface[1].port.name, "");
	assert_int_equal(c->iface[1].port.id, 1023);
	assert_int_equal(c->iface[1].vlan, 0);
	assert_int_equal(c->iface[1].mtu, 68);
	assert_int_equal(c->iface[1].ttl_threshold, 0);
	assert_false(c->iface[1].has_mac);

	assert_int_equal(c->n_worker, 2);
	assert_int_equal(c->worker[0].lcore, 1023);
	assert_int_equal(c->worker[0].n_rx, 2);
	assert_string_equal(c->worker[0].rx[0].port.name, "0000:3b:00.0");
	assert_int_equal(c->worker[0].rx[0].port.id, -1);
	assert_int_equal(c->worker[0].rx[0].queue, 1023);
	assert_string_equal(c->worker[0].rx[1].port.name, "");
	assert_int_equal(c->worker[0].rx[1].port.id, 1023);
	assert_int_equal(c->worker[0].rx[1].queue, 0);
	assert_int_equal(c->worker[1].lcore, 0);
	assert_int_equal(c->worker[1].n_rx, 1);
	assert_int_equal(c->worker[1].rx[0].queue, 1);

	assert_int_equal(c->n_membership, 2);
	assert_int_equal(c->membership[0].group, ip("239.255.255.255"));
	assert_int_equal(c->membership[0].source, ip("10.1.2.3"));
	assert_int_equal(c->membership[0].n_if, 2);
	assert_int_equal(c->membership[0].ifindex[0], 2);
	assert_int_equal(c->membership[0].ifindex[1], 7);
	assert_int_equal(c->membership[1].group, ip("224.0.1.0"));
	assert_int_equal(c->membership[1].source, 0);
	assert_int_equal(c->membership[1].n_if, 1);
	assert_int_equal(c->membership[1].ifindex[0], 7);

	assert_int_equal(c->n_route, 3);
	assert_int_equal(c->route[0].prefix, ip("10.0.0.0"));
	assert_int_equal(c->route[0].mask, ip("255.0.0.0"));
	assert_int_equal(c->route[0].ifindex, 7);
	assert_int_equal(c->route[0].next_hop, ip("10.0.0.254"));
	assert_int_equal(c->route[0].metric, 65535);
	assert_int_equal(c->route[1].prefix, 0);
	assert_int_equal(c->route[1].mask, 0);
	assert_int_equal(c->route[1].ifindex, 2);
	assert_int_equal(c->route[1].next_hop, 0);
	assert_int_equal(c->route[1].metric, 0);
	assert_int_equal(c->route[2].prefix, ip("192.0.2.1"));
	assert_int_equal(c->route[2].mask, ip("255.255.255.255"));
	assert_int_equal(c->route[2].metric, 1);

	assert_int_equal(c->n_mroute, 2);
	assert_int_equal(c->mroute[0].group, ip("232.1.1.1"));
	assert_int_equal(c->mroute[0].source, ip("192.0.2.1"));
	assert_int_equal(c->mroute[0].iif, 7);
	assert_int_equal(c->mroute[0].n_oif, 1);
	assert_int_equal(c->mroute[0].oif[0], 2);
	assert_int_equal(c->mroute[1].group, ip("239.0.0.1"));
	assert_int_equal(c->mroute[1].source, 0);
	assert_int_equal(c->mroute[1].iif, 2);
	assert_int_equal(c->mroute[1].oif[0], 7);

	assert_int_equal(c->limits.mbufs, 16777215);
	assert_int_equal(c->limits.mbuf_cache, 0);
	assert_int_equal(c->limits.rx_desc, 16384);
	assert_int_equal(c->limits.tx_desc, 64);
	assert_int_equal(c->limits.punt_ring, 1048576);
	assert_int_equal(c->limits.max_entries, 16777216);
	assert_int_equal(c->limits.punt_rate, 10000000);
	assert_int_equal(c->limits.mfe_timeout, 86400);
	ctl_config_free(c);
}

static void
test_default_ifindex_is_position_plus_one_around_explicit_ones(void **state)
{
	(void)state;
	struct ctl_config *c =
	        load_ok("{'interfaces':[{'name':'a','port':'p0'},"
	                "{'name':'b','port':'p1','ifindex':200},"
	                "{'name':'c','port':'p2'}]}");

	assert_int_equal(c->iface[0].ifindex, 1);
	assert_int_equal(c->iface[1].ifindex, 200);
	assert_int_equal(c->iface[2].ifindex, 3);
	ctl_config_free(c);
}

static void
test_one_port_may_carry_untagged_and_several_vlans(void **state)
{
	(void)state;
	struct ctl_config *c =
	        load_ok("{'interfaces':[{'name':'a','port':'p0'},"
	                "{'name':'b','port':'p0','vlan':10},"
	                "{'name':'c','port':'p0','vlan':11},"
	                "{'name':'d','port':'p1','vlan':10}]}");

	assert_int_equal(c->n_iface, 4);
	assert_int_equal(c->iface[1].vlan, 10);
	assert_int_equal(c->iface[3].vlan, 10);
	ctl_config_free(c);
}

static void
test_smallest_pool_takes_the_largest_cache(void **state)
{
	(void)state;
	struct ctl_config *c = load_ok(
	        CFG(",'limits':{'mbufs':1023,'mbuf_cache':512,"
	            "'rx_desc':64,'tx_desc':16384,'punt_ring':64,"
	            "'max_entries':1024,'punt_rate':1,'mfe_timeout':1}"));
	assert_int_equal(c->limits.mbufs, 1023);
	assert_int_equal(c->limits.mbuf_cache, 512);
	assert_int_equal(c->limits.rx_desc, 64);
	assert_int_equal(c->limits.tx_desc, 16384);
	assert_int_equal(c->limits.punt_ring, 64);
	assert_int_equal(c->limits.max_entries, 1024);
	assert_int_equal(c->limits.punt_rate, 1);
	assert_int_equal(c->limits.mfe_timeout, 1);
	ctl_config_free(c);
}

static void
test_empty_optional_sections_are_empty(void **state)
{
	(void)state;
	struct ctl_config *c = load_ok(
	        CFG(",'memberships':[],'routes':[],'mroutes':[],'limits':{}"));

	assert_int_equal(c->n_membership, 0);
	assert_int_equal(c->n_route, 0);
	assert_int_equal(c->n_mroute, 0);
	assert_int_equal(c->limits.mbufs, 16383);
	ctl_config_free(c);
}

static void
test_the_same_prefix_through_another_next_hop_is_not_a_duplicate(void **state)
{
	(void)state;
	struct ctl_config *c = load_ok(ROUTE(
	        "{'prefix':'10.0.0.0/8','interface':'in0','next_hop':'10.0.0.1'},"
	        "{'prefix':'10.0.0.0/8','interface':'in0','next_hop':'10.0.0.2'},"
	        "{'prefix':'10.0.0.0/8','interface':'out0'},"
	        "{'prefix':'10.0.0.0/16','interface':'out0'}"));

	assert_int_equal(c->n_route, 4);
	ctl_config_free(c);
}

static void
test_sixty_four_oifs_and_sixteen_rx_queues_fit(void **state)
{
	(void)state;
	char json[8192], *p = json;
	struct ctl_config *c;

	p += sprintf(p, "{'interfaces':[{'name':'in','port':'p0'}");
	for (int i = 0; i < CTL_MAX_OIF; i++)
		p += sprintf(p, ",{'name':'o%d','port':'p1','vlan':%d}", i,
		             i + 1);
	p += sprintf(p, "],'workers':[{'lcore':1,'rx':[");
	for (int i = 0; i < CTL_MAX_RX; i++)
		p += sprintf(p, "%s{'port':'p1','queue':%d}", i ? "," : "", i);
	p += sprintf(p, "]}],'mroutes':[{'group':'239.1.1.1','iif':'in',"
	                "'oifs':[");
	for (int i = 0; i < CTL_MAX_OIF; i++)
		p += sprintf(p, "%s'o%d'", i ? "," : "", i);
	sprintf(p, "]}]}");
	c = load_ok(json);
	assert_int_equal(c->worker[0].n_rx, CTL_MAX_RX);
	assert_int_equal(c->mroute[0].n_oif, CTL_MAX_OIF);
	assert_int_equal(c->mroute[0].oif[CTL_MAX_OIF - 1], CTL_MAX_OIF + 1);
	ctl_config_free(c);
}

static void
test_two_hundred_fifty_six_interfaces_fit(void **state)
{
	(void)state;
	char json[16384], *p = json;
	struct ctl_config *c;

	p += sprintf(p, "{'interfaces':[");
	for (int i = 0; i < CTL_MAX_IFACE; i++)
		p += sprintf(p, "%s{'name':'if%d','port':%d}", i ? "," : "", i,
		             i);
	sprintf(p, "]}");
	c = load_ok(json);
	assert_int_equal(c->n_iface, CTL_MAX_IFACE);
	assert_int_equal(c->iface[255].ifindex, 256);
	assert_int_equal(c->iface[255].port.id, 255);
	ctl_config_free(c);
}

static void
test_iface_by_name_finds_configured_names_only(void **state)
{
	(void)state;
	struct ctl_config *c = load_ok(CFG(""));

	assert_ptr_equal(ctl_iface_by_name(c, "out0"), &c->iface[1]);
	assert_ptr_equal(ctl_iface_by_name(c, "in0"), &c->iface[0]);
	assert_null(ctl_iface_by_name(c, "out"));
	assert_null(ctl_iface_by_name(c, ""));
	assert_null(ctl_iface_by_name(NULL, "in0"));
	ctl_config_free(c);
	ctl_config_free(NULL);
}

/* The files in config/ ------------------------------------------------- */

static void
test_default_json_forwards_the_sample_traffic_on_pcap_vdevs(void **state)
{
	(void)state;
	struct ctl_config *c = load_source_file("config/default.json");
	static const char *const names[] = { "in0", "out1", "out2" };
	static const char *const ports[] = { "net_pcap0", "net_pcap1",
		                             "net_pcap2" };

	assert_int_equal(c->n_iface, 3);
	for (uint32_t i = 0; i < 3; i++) {
		assert_string_equal(c->iface[i].name, names[i]);
		assert_int_equal(c->iface[i].ifindex, i + 1);
		assert_string_equal(c->iface[i].port.name, ports[i]);
		assert_int_equal(c->iface[i].port.id, -1);
		assert_int_equal(c->iface[i].vlan, 0);
		assert_int_equal(c->iface[i].mtu, 1500);
		assert_int_equal(c->iface[i].ttl_threshold, 1);
		assert_false(c->iface[i].has_mac);
	}
	assert_int_equal(c->n_worker, 0);
	assert_int_equal(c->n_membership, 2);
	assert_int_equal(c->membership[0].source, 0);
	assert_int_equal(c->membership[0].group, ip("239.1.1.1"));
	assert_int_equal(c->membership[0].n_if, 2);
	assert_int_equal(c->membership[0].ifindex[0], 2);
	assert_int_equal(c->membership[0].ifindex[1], 3);
	assert_int_equal(c->membership[1].source, ip("10.0.0.1"));
	assert_int_equal(c->membership[1].group, ip("239.2.2.2"));
	assert_int_equal(c->membership[1].n_if, 1);
	assert_int_equal(c->membership[1].ifindex[0], 3);
	assert_int_equal(c->n_route, 1);
	assert_int_equal(c->route[0].prefix, ip("10.0.0.0"));
	assert_int_equal(c->route[0].mask, ip("255.0.0.0"));
	assert_int_equal(c->route[0].ifindex, 1);
	assert_int_equal(c->route[0].next_hop, 0);
	assert_int_equal(c->route[0].metric, 1);
	assert_int_equal(c->n_mroute, 0);
	/* Small enough for --no-huge -m 256. */
	assert_int_equal(c->limits.mbufs, 4095);
	assert_int_equal(c->limits.mbuf_cache, 128);
	assert_int_equal(c->limits.rx_desc, 256);
	assert_int_equal(c->limits.tx_desc, 256);
	assert_int_equal(c->limits.punt_ring, 256);
	assert_int_equal(c->limits.max_entries, 4096);
	assert_int_equal(c->limits.punt_rate, 10000);
	assert_int_equal(c->limits.mfe_timeout, 900);
	ctl_config_free(c);
}

static void
test_example_vlan_json_loads(void **state)
{
	(void)state;
	struct ctl_config *c = load_source_file("config/example-vlan.json");

	assert_int_equal(c->n_iface, 4);
	assert_string_equal(c->iface[0].name, "uplink.100");
	assert_int_equal(c->iface[0].ifindex, 10);
	assert_string_equal(c->iface[0].port.name, "0000:3b:00.0");
	assert_int_equal(c->iface[0].vlan, 100);
	assert_int_equal(c->iface[1].vlan, 200);
	assert_true(c->iface[1].has_mac);
	assert_int_equal(c->iface[1].mac[5], 0x00);
	assert_int_equal(c->iface[1].mac[4], 0x02);
	assert_int_equal(c->iface[2].vlan, 300);
	assert_int_equal(c->iface[2].ttl_threshold, 16);
	assert_int_equal(c->iface[3].vlan, 0);
	assert_int_equal(c->iface[3].mtu, 9000);
	assert_int_equal(c->n_worker, 2);
	assert_int_equal(c->worker[1].n_rx, 2);
	assert_int_equal(c->worker[1].rx[1].queue, 0);
	assert_string_equal(c->worker[1].rx[1].port.name, "0000:3b:00.1");
	assert_int_equal(c->n_membership, 2);
	assert_int_equal(c->membership[0].ifindex[1], 30);
	assert_int_equal(c->membership[1].source, ip("192.0.2.10"));
	assert_int_equal(c->n_route, 2);
	assert_int_equal(c->route[1].prefix, 0);
	assert_int_equal(c->route[1].metric, 100);
	assert_int_equal(c->route[1].next_hop, ip("198.51.100.1"));
	assert_int_equal(c->limits.mbufs, 16383);
	ctl_config_free(c);
}

static void
test_example_full_json_loads(void **state)
{
	(void)state;
	struct ctl_config *c = load_source_file("config/example-full.json");

	assert_int_equal(c->n_iface, 3);
	assert_int_equal(c->iface[1].vlan, 100);
	assert_int_equal(c->iface[1].ttl_threshold, 4);
	assert_int_equal(c->iface[2].port.id, 2);
	assert_int_equal(c->n_worker, 3);
	assert_int_equal(c->worker[2].rx[1].port.id, 2);
	assert_int_equal(c->n_membership, 2);
	assert_int_equal(c->n_route, 2);
	assert_int_equal(c->route[1].mask, ip("255.240.0.0"));
	assert_int_equal(c->route[1].metric, 20);
	assert_int_equal(c->n_mroute, 2);
	assert_int_equal(c->mroute[1].source, ip("10.0.0.2"));
	assert_int_equal(c->mroute[1].n_oif, 2);
	assert_int_equal(c->mroute[1].oif[1], 3);
	assert_int_equal(c->limits.mbufs, 65535);
	assert_int_equal(c->limits.mbuf_cache, 512);
	assert_int_equal(c->limits.rx_desc, 2048);
	assert_int_equal(c->limits.tx_desc, 2048);
	assert_int_equal(c->limits.punt_ring, 4096);
	assert_int_equal(c->limits.max_entries, 262144);
	assert_int_equal(c->limits.punt_rate, 20000);
	assert_int_equal(c->limits.mfe_timeout, 210);
	ctl_config_free(c);
}

/* Files ----------------------------------------------------------------- */

static void
test_missing_file_names_the_path_and_the_reason(void **state)
{
	(void)state;
	struct ctl_config *c = (struct ctl_config *)1;
	char err[CTL_ERR_MAX];

	assert_int_equal(ctl_config_load_file("/nonexistent/mcastfwd.json", &c,
	                                      err),
	                 -1);
	assert_null(c);
	assert_string_equal(
	        err, "/nonexistent/mcastfwd.json: No such file or directory");
	assert_int_equal(ctl_config_load_file("/", &c, err), -1);
	assert_null(c);
	assert_string_equal(err, "/: Is a directory");
}

/* A file without end (or over CTL_FILE_MAX) is refused once 256 MiB are
 * read, not read until memory runs out. */
static void
test_endless_file_is_too_large(void **state)
{
	(void)state;
	struct ctl_config *c = (struct ctl_config *)1;
	char err[CTL_ERR_MAX];

	assert_int_equal(ctl_config_load_file("/dev/zero", &c, err), -1);
	assert_null(c);
	assert_string_equal(err, "/dev/zero: File too large");
}

static void
test_syntax_error_in_a_file_names_file_line_and_column(void **state)
{
	(void)state;
	char path[] = "/tmp/test_ctl_XXXXXX", want[64], err[CTL_ERR_MAX];
	static const char text[] =
	        "{\n\t\"interfaces\": [\n\t\t{ \"name\" \"in0\" }\n]}\n";
	struct ctl_config *c = (struct ctl_config *)1;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), sizeof(text) - 1);
	close(fd);
	assert_int_equal(ctl_config_load_file(path, &c, err), -1);
	unlink(path);
	assert_null(c);
	snprintf(want, sizeof(want), "%s:3:16: ", path);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("expected \"%s...\", got \"%s\"", want, err);
}

static void
test_empty_file_is_an_error(void **state)
{
	(void)state;
	char path[] = "/tmp/test_ctl_XXXXXX", want[64], err[CTL_ERR_MAX];
	struct ctl_config *c = (struct ctl_config *)1;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(ctl_config_load_file(path, &c, err), -1);
	unlink(path);
	assert_null(c);
	snprintf(want, sizeof(want), "%s: empty", path);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("expected \"%s...\", got \"%s\"", want, err);
}

/* Malformed configurations ---------------------------------------------- */

struct bad_config {
	const char *name;
	const char *json; /* ' stands for " */
	const char *path; /* the error starts with "<path>: " */
	const char *keyword;
};

static const struct bad_config bad_configs[] = {
	/* The document */
	{ "syntax error has line and column", "{\n 'interfaces': [,]\n}",
	  "<string>:2:17", "unexpected" },
	{ "unterminated document", "{'interfaces': [", "<string>:1:16",
	  "expected" },
	{ "duplicate object key", "{'interfaces':[],'interfaces':[]}",
	  "<string>:1:29", "duplicate" },
	{ "duplicate key inside an interface",
	  "{'interfaces':[{'name':'a','name':'b','port':0}]}", "<string>:1:33",
	  "duplicate" },
	{ "integer beyond 64 bits", IF1(",'mtu':99999999999999999999"),
	  "<string>:1:67", "too big" },
	{ "empty document", "", "<string>", "empty" },
	{ "blank document", " \n\t ", "<string>", "empty" },
	{ "document is an array", "[]", "$", "expected an object" },
	{ "unknown top-level key", CFG(",'bogus':1"), "$.bogus",
	  "unknown key" },
	{ "misspelt key is unknown, not missing", "{'interface':[]}",
	  "$.interface", "unknown key" },
	{ "odd key is quoted in the path", CFG(",'a b':1"), "$[\"a b\"]",
	  "unknown key" },

	/* Interfaces */
	{ "interfaces missing", "{}", "$.interfaces", "required" },
	{ "interfaces empty", "{'interfaces':[]}", "$.interfaces", "1..256" },
	{ "interfaces not an array", "{'interfaces':{}}", "$.interfaces",
	  "expected an array" },
	{ "interface not an object", "{'interfaces':[[]]}", "$.interfaces[0]",
	  "expected an interface object" },
	{ "unknown interface key", IF1(",'nmae':'x'"), "$.interfaces[0].nmae",
	  "unknown key" },
	{ "name missing", "{'interfaces':[{'port':0}]}", "$.interfaces[0].name",
	  "required" },
	{ "name with a space", "{'interfaces':[{'name':'in 0','port':0}]}",
	  "$.interfaces[0].name", "A-Z a-z 0-9 _ . -" },
	{ "name with a slash", "{'interfaces':[{'name':'eth/1','port':0}]}",
	  "$.interfaces[0].name", "A-Z a-z 0-9 _ . -" },
	{ "name empty", "{'interfaces':[{'name':'','port':0}]}",
	  "$.interfaces[0].name", "empty" },
	{ "name of 32 characters",
	  "{'interfaces':[{'name':'abcdefghijklmnopqrstuvwxyz012345','port':0}]}",
	  "$.interfaces[0].name", "at most 31" },
	{ "name not a string", "{'interfaces':[{'name':1,'port':0}]}",
	  "$.interfaces[0].name", "got 1" },
	{ "duplicate name",
	  "{'interfaces':[{'name':'a','port':0},{'name':'a','port':1}]}",
	  "$.interfaces[1].name", "duplicate interface name \"a\"" },
	{ "duplicate explicit ifindex", IF2(",'ifindex':5", ",'ifindex':5"),
	  "$.interfaces[1].ifindex", "duplicate ifindex 5" },
	{ "default ifindex collides with a later explicit one",
	  IF2("", ",'ifindex':1"), "$.interfaces[0]", "default ifindex 1" },
	{ "default ifindex collides with an earlier explicit one",
	  IF2(",'ifindex':2", ""), "$.interfaces[1]", "default ifindex 2" },
	{ "ifindex 0", IF1(",'ifindex':0"), "$.interfaces[0].ifindex",
	  "1..256" },
	{ "ifindex 257", IF1(",'ifindex':257"), "$.interfaces[0].ifindex",
	  "1..256" },
	{ "port missing", "{'interfaces':[{'name':'a'}]}",
	  "$.interfaces[0].port", "required" },
	{ "port of the wrong type", "{'interfaces':[{'name':'a','port':true}]}",
	  "$.interfaces[0].port", "device name or a port id" },
	{ "port id negative", "{'interfaces':[{'name':'a','port':-1}]}",
	  "$.interfaces[0].port", "0..1023" },
	{ "port id 1024", "{'interfaces':[{'name':'a','port':1024}]}",
	  "$.interfaces[0].port", "0..1023" },
	{ "port name empty", "{'interfaces':[{'name':'a','port':''}]}",
	  "$.interfaces[0].port", "device name" },
	{ "port name with devargs",
	  "{'interfaces':[{'name':'a','port':'net_pcap0,iface=eth0'}]}",
	  "$.interfaces[0].port", "arguments" },
	{ "vlan 0", IF1(",'vlan':0"), "$.interfaces[0].vlan", "1..4094" },
	{ "vlan 4095", IF1(",'vlan':4095"), "$.interfaces[0].vlan",
	  "1..4094, got 4095" },
	{ "vlan as a string", IF1(",'vlan':'100'"), "$.interfaces[0].vlan",
	  "got \"100\"" },
	{ "vlan as a float", IF1(",'vlan':100.0"), "$.interfaces[0].vlan",
	  "got 100.0" },
	{ "vlan null", IF1(",'vlan':null"), "$.interfaces[0].vlan",
	  "got null" },
	{ "duplicate port and vlan",
	  "{'interfaces':[{'name':'a','port':'p0','vlan':7},"
	  "{'name':'b','port':'p0'},{'name':'c','port':'p0','vlan':7}]}",
	  "$.interfaces[2]", "duplicate (port, vlan): port \"p0\" vlan 7" },
	{ "duplicate untagged port id",
	  "{'interfaces':[{'name':'a','port':3},{'name':'b','port':3}]}",
	  "$.interfaces[1]", "port 3 untagged" },
	{ "mtu 67", IF1(",'mtu':67"), "$.interfaces[0].mtu", "68..9600" },
	{ "mtu 9601", IF1(",'mtu':9601"), "$.interfaces[0].mtu", "68..9600" },
	{ "mtu as a string", IF1(",'mtu':'1500'"), "$.interfaces[0].mtu",
	  "integer" },
	{ "ttl_threshold 256", IF1(",'ttl_threshold':256"),
	  "$.interfaces[0].ttl_threshold", "0..255" },
	{ "ttl_threshold negative", IF1(",'ttl_threshold':-1"),
	  "$.interfaces[0].ttl_threshold", "0..255" },
	{ "mac too short", IF1(",'mac':'02:00:00:00:00'"),
	  "$.interfaces[0].mac", "MAC address" },
	{ "mac with dashes", IF1(",'mac':'02-00-00-00-00-01'"),
	  "$.interfaces[0].mac", "MAC address" },
	{ "mac with a non-hex digit", IF1(",'mac':'02:00:00:00:00:0g'"),
	  "$.interfaces[0].mac", "MAC address" },
	{ "mac multicast", IF1(",'mac':'01:00:5e:00:00:01'"),
	  "$.interfaces[0].mac", "multicast" },
	{ "mac broadcast", IF1(",'mac':'ff:ff:ff:ff:ff:ff'"),
	  "$.interfaces[0].mac", "multicast" },
	{ "mac zero", IF1(",'mac':'00:00:00:00:00:00'"), "$.interfaces[0].mac",
	  "zero" },

	/* Workers */
	{ "workers empty", WORKERS(""), "$.workers", "1..1024" },
	{ "workers not an array", CFG(",'workers':{}"), "$.workers",
	  "expected an array" },
	{ "unknown worker key",
	  WORKERS("{'lcore':1,'rx':[" RX("'p0'", 0) "],'cpu':2}"),
	  "$.workers[0].cpu", "unknown key" },
	{ "unknown rx key",
	  WORKERS("{'lcore':1,'rx':[{'port':'p0','queue':0,'burst':32}]}"),
	  "$.workers[0].rx[0].burst", "unknown key" },
	{ "lcore missing", WORKERS("{'rx':[" RX("'p0'", 0) "]}"),
	  "$.workers[0].lcore", "required" },
	{ "lcore 1024", WORKERS("{'lcore':1024,'rx':[" RX("'p0'", 0) "]}"),
	  "$.workers[0].lcore", "0..1023" },
	{ "duplicate lcore",
	  WORKERS("{'lcore':1,'rx':[" RX("'p0'", 0) "]},"
	                                            "{'lcore':1,'rx':[" RX(
	                                                    "'p1'", 0) "]}"),
	  "$.workers[1].lcore", "duplicate lcore 1" },
	{ "rx missing", WORKERS("{'lcore':1}"), "$.workers[0].rx", "required" },
	{ "rx empty", WORKERS("{'lcore':1,'rx':[]}"), "$.workers[0].rx",
	  "1..16" },
	{ "17 rx queues",
	  WORKERS("{'lcore':1,'rx':[" RX4("'p0'") "," RX4("'p1'") "," RX4(
	          "'p2'") "," RX4("0") "," RX("1", 0) "]}"),
	  "$.workers[0].rx", "1..16 rx queues, got 17" },
	{ "queue missing", WORKERS("{'lcore':1,'rx':[{'port':'p0'}]}"),
	  "$.workers[0].rx[0].queue", "required" },
	{ "queue 1024", WORKERS("{'lcore':1,'rx':[" RX("'p0'", 1024) "]}"),
	  "$.workers[0].rx[0].queue", "0..1023" },
	{ "queue negative", WORKERS("{'lcore':1,'rx':[" RX("'p0'", -1) "]}"),
	  "$.workers[0].rx[0].queue", "0..1023" },
	{ "port and queue twice in one worker",
	  WORKERS("{'lcore':1,'rx':[" RX("'p0'", 0) "," RX("'p0'", 0) "]}"),
	  "$.workers[0].rx[1]", "already polled by $.workers[0].rx[0]" },
	{ "port and queue in two workers",
	  WORKERS("{'lcore':1,'rx':[" RX("'p0'", 0) "," RX(
	          "'p1'", 0) "]},"
	                     "{'lcore':2,'rx':[" RX("'p2'", 0) "," RX("'p1'",
	                                                              0) "]}"),
	  "$.workers[1].rx[1]", "already polled by $.workers[0].rx[1]" },
	{ "rx port no interface uses",
	  WORKERS("{'lcore':1,'rx':[" RX("'p9'", 0) "]}"),
	  "$.workers[0].rx[0].port", "no interface uses port \"p9\"" },
	{ "rx port id no interface uses",
	  WORKERS("{'lcore':1,'rx':[" RX("0", 0) "]}"),
	  "$.workers[0].rx[0].port", "no interface uses port 0" },

	/* Memberships */
	{ "memberships not an array", CFG(",'memberships':null"),
	  "$.memberships", "expected an array" },
	{ "unknown membership key",
	  MEMB("{'group':'239.1.1.1','interfaces':['out0'],'mode':'include'}"),
	  "$.memberships[0].mode", "unknown key" },
	{ "group missing", MEMB("{'interfaces':['out0']}"),
	  "$.memberships[0].group", "required" },
	{ "group not multicast",
	  MEMB("{'group':'10.1.1.1','interfaces':['out0']}"),
	  "$.memberships[0].group", "not a multicast group" },
	{ "group in class E",
	  MEMB("{'group':'240.0.0.1','interfaces':['out0']}"),
	  "$.memberships[0].group", "not a multicast group" },
	{ "group link-local",
	  MEMB("{'group':'224.0.0.5','interfaces':['out0']}"),
	  "$.memberships[0].group", "link-local" },
	{ "group not an address",
	  MEMB("{'group':'239.1.1','interfaces':['out0']}"),
	  "$.memberships[0].group", "group address" },
	{ "group with a leading zero",
	  MEMB("{'group':'239.01.1.1','interfaces':['out0']}"),
	  "$.memberships[0].group", "group address" },
	{ "source not an address",
	  MEMB("{'group':'239.1.1.1','source':'10.0.0.256','interfaces':['out0']}"),
	  "$.memberships[0].source", "IPv4 address" },
	{ "source multicast",
	  MEMB("{'group':'239.1.1.1','source':'239.1.1.2','interfaces':['out0']}"),
	  "$.memberships[0].source", "not a unicast" },
	{ "source zero",
	  MEMB("{'group':'239.1.1.1','source':'0.0.0.0','interfaces':['out0']}"),
	  "$.memberships[0].source", "not a unicast" },
	{ "source not a string",
	  MEMB("{'group':'239.1.1.1','source':0,'interfaces':['out0']}"),
	  "$.memberships[0].source", "\"*\" or a source address" },
	{ "interfaces missing in a membership", MEMB("{'group':'239.1.1.1'}"),
	  "$.memberships[0].interfaces", "required" },
	{ "membership interfaces empty",
	  MEMB("{'group':'239.1.1.1','interfaces':[]}"),
	  "$.memberships[0].interfaces", "1..64" },
	{ "membership unknown interface",
	  MEMB("{'group':'239.1.1.1','interfaces':['out0','out1','out9']}"),
	  "$.memberships[0].interfaces[2]", "unknown interface \"out9\"" },
	{ "membership interface not a string",
	  MEMB("{'group':'239.1.1.1','interfaces':[1]}"),
	  "$.memberships[0].interfaces[0]", "interface name" },
	{ "membership duplicate interface",
	  MEMB("{'group':'239.1.1.1','interfaces':['out0','out1','out0']}"),
	  "$.memberships[0].interfaces[2]",
	  "duplicate interface \"out0\" (also $.memberships[0].interfaces[0])" },
	{ "membership (S,G) twice",
	  MEMB("{'group':'239.1.1.1','interfaces':['out0']},"
	       "{'group':'239.1.1.2','interfaces':['out0']},"
	       "{'group':'239.1.1.1','source':'*','interfaces':['out1']}"),
	  "$.memberships[2]", "duplicate membership (*, 239.1.1.1)" },

	/* Routes */
	{ "unknown route key",
	  ROUTE("{'prefix':'10.0.0.0/8','interface':'in0','via':'x'}"),
	  "$.routes[0].via", "unknown key" },
	{ "prefix without a length",
	  ROUTE("{'prefix':'10.0.0.0','interface':'in0'}"),
	  "$.routes[0].prefix", "a.b.c.d/len" },
	{ "prefix of three parts",
	  ROUTE("{'prefix':'10.0.0/8','interface':'in0'}"),
	  "$.routes[0].prefix", "a.b.c.d/len" },
	{ "prefix with an empty length",
	  ROUTE("{'prefix':'10.0.0.0/','interface':'in0'}"),
	  "$.routes[0].prefix", "a.b.c.d/len" },
	{ "prefix /33", ROUTE("{'prefix':'10.0.0.0/33','interface':'in0'}"),
	  "$.routes[0].prefix", "0..32" },
	{ "prefix with host bits",
	  ROUTE("{'prefix':'10.0.0.1/8','interface':'in0'}"),
	  "$.routes[0].prefix", "host bits" },
	{ "multicast prefix",
	  ROUTE("{'prefix':'239.0.0.0/8','interface':'in0'}"),
	  "$.routes[0].prefix", "not a unicast prefix" },
	{ "prefix missing", ROUTE("{'interface':'in0'}"), "$.routes[0].prefix",
	  "required" },
	{ "route interface missing", ROUTE("{'prefix':'10.0.0.0/8'}"),
	  "$.routes[0].interface", "required" },
	{ "route unknown interface",
	  ROUTE("{'prefix':'10.0.0.0/8','interface':'eth0'}"),
	  "$.routes[0].interface", "unknown interface \"eth0\"" },
	{ "next hop not an address",
	  ROUTE("{'prefix':'10.0.0.0/8','interface':'in0','next_hop':'gw'}"),
	  "$.routes[0].next_hop", "IPv4 address" },
	{ "next hop broadcast",
	  ROUTE("{'prefix':'10.0.0.0/8','interface':'in0','next_hop':'255.255.255.255'}"),
	  "$.routes[0].next_hop", "not a unicast" },
	{ "metric 65536",
	  ROUTE("{'prefix':'10.0.0.0/8','interface':'in0','metric':65536}"),
	  "$.routes[0].metric", "0..65535" },
	{ "metric negative",
	  ROUTE("{'prefix':'10.0.0.0/8','interface':'in0','metric':-1}"),
	  "$.routes[0].metric", "0..65535" },
	{ "route twice",
	  ROUTE("{'prefix':'10.0.0.0/8','interface':'in0'},"
	        "{'prefix':'10.0.0.0/8','interface':'in0','metric':5}"),
	  "$.routes[1]", "duplicate route" },

	/* Multicast routes */
	{ "unknown mroute key",
	  MROUTE("{'group':'239.1.1.1','iif':'in0','oifs':['out0'],'ttl':1}"),
	  "$.mroutes[0].ttl", "unknown key" },
	{ "iif among oifs",
	  MROUTE("{'group':'239.1.1.1','iif':'in0','oifs':['out0','in0']}"),
	  "$.mroutes[0].oifs[1]", "iif" },
	{ "unknown iif",
	  MROUTE("{'group':'239.1.1.1','iif':'in9','oifs':['out0']}"),
	  "$.mroutes[0].iif", "unknown interface \"in9\"" },
	{ "iif missing", MROUTE("{'group':'239.1.1.1','oifs':['out0']}"),
	  "$.mroutes[0].iif", "required" },
	{ "oifs empty", MROUTE("{'group':'239.1.1.1','iif':'in0','oifs':[]}"),
	  "$.mroutes[0].oifs", "1..64" },
	{ "mroute group link-local",
	  MROUTE("{'group':'224.0.0.251','iif':'in0','oifs':['out0']}"),
	  "$.mroutes[0].group", "link-local" },
	{ "mroute (S,G) twice",
	  MROUTE("{'group':'232.1.1.1','source':'10.0.0.1','iif':'in0','oifs':['out0']},"
	         "{'group':'232.1.1.1','source':'10.0.0.1','iif':'out1','oifs':['out0']}"),
	  "$.mroutes[1]", "duplicate mroute (10.0.0.1, 232.1.1.1)" },

	/* Limits */
	{ "limits not an object", CFG(",'limits':[]"), "$.limits",
	  "expected an object" },
	{ "unknown limit", LIMITS("'bogus':1"), "$.limits.bogus",
	  "unknown key" },
	{ "mbufs 1022", LIMITS("'mbufs':1022"), "$.limits.mbufs",
	  "1023..16777215" },
	{ "mbufs 2^24", LIMITS("'mbufs':16777216"), "$.limits.mbufs",
	  "1023..16777215" },
	{ "mbufs as a float", LIMITS("'mbufs':4095.5"), "$.limits.mbufs",
	  "got 4095.5" },
	{ "mbufs in exponent notation", LIMITS("'mbufs':1e4"), "$.limits.mbufs",
	  "integer" },
	{ "mbuf_cache 513", LIMITS("'mbuf_cache':513"), "$.limits.mbuf_cache",
	  "0..512" },
	{ "rx_desc 32", LIMITS("'rx_desc':32"), "$.limits.rx_desc",
	  "power of 2 in 64..16384" },
	{ "rx_desc 32768", LIMITS("'rx_desc':32768"), "$.limits.rx_desc",
	  "power of 2 in 64..16384" },
	{ "rx_desc not a power of 2", LIMITS("'rx_desc':1000"),
	  "$.limits.rx_desc", "power of 2" },
	{ "tx_desc not a power of 2", LIMITS("'tx_desc':1536"),
	  "$.limits.tx_desc", "power of 2" },
	{ "punt_ring not a power of 2", LIMITS("'punt_ring':1000"),
	  "$.limits.punt_ring", "power of 2 in 64..1048576" },
	{ "punt_ring 2^21", LIMITS("'punt_ring':2097152"), "$.limits.punt_ring",
	  "power of 2" },
	{ "max_entries 1023", LIMITS("'max_entries':1023"),
	  "$.limits.max_entries", "1024..16777216" },
	{ "punt_rate 0", LIMITS("'punt_rate':0"), "$.limits.punt_rate",
	  "1..10000000" },
	{ "punt_rate 10^7 + 1", LIMITS("'punt_rate':10000001"),
	  "$.limits.punt_rate", "1..10000000" },
	{ "mfe_timeout 0", LIMITS("'mfe_timeout':0"), "$.limits.mfe_timeout",
	  "1..86400" },
	{ "mfe_timeout 86401", LIMITS("'mfe_timeout':86401"),
	  "$.limits.mfe_timeout", "1..86400" },
	{ "mfe_timeout as a string", LIMITS("'mfe_timeout':'900'"),
	  "$.limits.mfe_timeout", "integer" },
	{ "limit as a boolean", LIMITS("'punt_rate':true"),
	  "$.limits.punt_rate", "got true" },
};

#define N_BAD (sizeof(bad_configs) / sizeof(bad_configs[0]))

static void
test_bad_config(void **state)
{
	const struct bad_config *b = *state;

	expect_error_sq(b->json, b->path, b->keyword);
}

/* Malformed configurations too big for the table ------------------------ */

static void
test_257_interfaces_are_too_many(void **state)
{
	(void)state;
	char json[16384], *p = json;

	p += sprintf(p, "{'interfaces':[");
	for (int i = 0; i <= CTL_MAX_IFACE; i++)
		p += sprintf(p, "%s{'name':'if%d','port':%d}", i ? "," : "", i,
		             i);
	sprintf(p, "]}");
	expect_error_sq(json, "$.interfaces", "1..256 interfaces, got 257");
}

static void
test_65_membership_interfaces_are_too_many(void **state)
{
	(void)state;
	char json[8192], *p = json;

	p += sprintf(p, "{'interfaces':[");
	for (int i = 0; i <= CTL_MAX_OIF; i++)
		p += sprintf(p, "%s{'name':'o%d','port':%d}", i ? "," : "", i,
		             i);
	p += sprintf(p, "],'memberships':[{'group':'239.1.1.1','interfaces':[");
	for (int i = 0; i <= CTL_MAX_OIF; i++)
		p += sprintf(p, "%s'o%d'", i ? "," : "", i);
	sprintf(p, "]}]}");
	expect_error_sq(json, "$.memberships[0].interfaces",
	                "1..64 interfaces, got 65");
}

static void
test_more_mroutes_than_max_entries_are_refused(void **state)
{
	(void)state;
	size_t size = 128 * 1025 + 256;
	char *json = malloc(size), *p = json;

	assert_non_null(json);
	p += sprintf(p, "{" IFS ",'limits':{'max_entries':1024},'mroutes':[");
	for (int i = 0; i < 1025; i++)
		p += sprintf(
		        p,
		        "%s{'group':'239.1.%d.%d','iif':'in0','oifs':['out0']}",
		        i ? "," : "", i / 256, i % 256);
	sprintf(p, "]}");
	expect_error_sq(json, "$.mroutes", "max_entries");
	free(json);
}

static void
test_deep_nesting_is_a_syntax_error(void **state)
{
	(void)state;
	size_t depth = 100000;
	char *json = malloc(2 * depth + 1);

	assert_non_null(json);
	memset(json, '[', depth);
	memset(json + depth, ']', depth);
	json[2 * depth] = '\0';
	expect_error(json, 2 * depth, "<string>:1:2049", "depth");
	free(json);
}

static void
test_nesting_where_a_value_belongs_is_a_type_error(void **state)
{
	(void)state;
	expect_error_sq(IF1(",'mtu':[[[[[[[[{'a':[[[1]]]}]]]]]]]]"),
	                "$.interfaces[0].mtu", "got an array");
}

static void
test_huge_input_reports_the_first_problem(void **state)
{
	(void)state;
	/* A megabyte of a string where a name belongs: the message quotes
	 * a short prefix and still fits, path first. */
	size_t n = 1 << 20;
	char *json = malloc(n + 64), *p = json;

	assert_non_null(json);
	p += sprintf(p, "{'interfaces':[{'port':0,'name':'");
	memset(p, 'x', n);
	p += n;
	sprintf(p, "'}]}");
	expect_error_sq(json, "$.interfaces[0].name", "at most 31");
	free(json);
}

static void
test_long_unknown_key_is_shortened_in_the_path(void **state)
{
	(void)state;
	char json[1024], err[CTL_ERR_MAX];
	struct ctl_config *c = (struct ctl_config *)1;

	snprintf(json, sizeof(json), "{\"%0500d\":1}", 7);
	assert_int_equal(ctl_config_load_string(json, strlen(json), &c, err),
	                 -1);
	assert_null(c);
	assert_true(strlen(err) < CTL_ERR_MAX);
	assert_non_null(strstr(err, "...\"]: unknown key"));
	assert_int_equal(strncmp(err, "$[\"0000", 7), 0);
}

static void
test_control_characters_never_reach_the_message(void **state)
{
	(void)state;
	static const char json[] =
	        "{\"interfaces\":[{\"name\":\"a\\u001b[31m\",\"port\":0}]}";

	expect_error(json, sizeof(json) - 1, "$.interfaces[0].name",
	             "\"a?[31m\"");
}

static void
test_nul_byte_in_the_input_is_a_syntax_error(void **state)
{
	(void)state;
	static const char json[] = "{\"interfaces\":\0[]}";

	expect_error(json, sizeof(json) - 1, "<string>:1:15", "");
}

/* ----------------------------------------------------------------------- */

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_minimal_config_gets_every_default),
		cmocka_unit_test(
		        test_every_field_is_stored_where_the_contract_says),
		cmocka_unit_test(
		        test_default_ifindex_is_position_plus_one_around_explicit_ones),
		cmocka_unit_test(
		        test_one_port_may_carry_untagged_and_several_vlans),
		cmocka_unit_test(test_smallest_pool_takes_the_largest_cache),
		cmocka_unit_test(test_empty_optional_sections_are_empty),
		cmocka_unit_test(
		        test_the_same_prefix_through_another_next_hop_is_not_a_duplicate),
		cmocka_unit_test(
		        test_sixty_four_oifs_and_sixteen_rx_queues_fit),
		cmocka_unit_test(test_two_hundred_fifty_six_interfaces_fit),
		cmocka_unit_test(
		        test_iface_by_name_finds_configured_names_only),
		cmocka_unit_test(
		        test_default_json_forwards_the_sample_traffic_on_pcap_vdevs),
		cmocka_unit_test(test_example_vlan_json_loads),
		cmocka_unit_test(test_example_full_json_loads),
		cmocka_unit_test(
		        test_missing_file_names_the_path_and_the_reason),
		cmocka_unit_test(test_endless_file_is_too_large),
		cmocka_unit_test(
		        test_syntax_error_in_a_file_names_file_line_and_column),
		cmocka_unit_test(test_empty_file_is_an_error),
		cmocka_unit_test(test_257_interfaces_are_too_many),
		cmocka_unit_test(test_65_membership_interfaces_are_too_many),
		cmocka_unit_test(
		        test_more_mroutes_than_max_entries_are_refused),
		cmocka_unit_test(test_deep_nesting_is_a_syntax_error),
		cmocka_unit_test(
		        test_nesting_where_a_value_belongs_is_a_type_error),
		cmocka_unit_test(test_huge_input_reports_the_first_problem),
		cmocka_unit_test(
		        test_long_unknown_key_is_shortened_in_the_path),
		cmocka_unit_test(
		        test_control_characters_never_reach_the_message),
		cmocka_unit_test(test_nul_byte_in_the_input_is_a_syntax_error),
	};
	size_t n_fixed = sizeof(fixed) / sizeof(fixed[0]);
	struct CMUnitTest tests[sizeof(fixed) / sizeof(fixed[0]) + N_BAD];
	static char names[N_BAD][96];

	memcpy(tests, fixed, sizeof(fixed));
	/* One test per malformed configuration, named for what is wrong. */
	for (size_t i = 0; i < N_BAD; i++) {
		snprintf(names[i], sizeof(names[i]), "bad config: %s",
		         bad_configs[i].name);
		tests[n_fixed + i] = (struct CMUnitTest){
			.name = names[i],
			.test_func = test_bad_config,
			.initial_state = (void *)(uintptr_t)&bad_configs[i],
		};
	}
	return _cmocka_run_group_tests("ctl", tests, n_fixed + N_BAD, NULL,
	                               NULL);
}
