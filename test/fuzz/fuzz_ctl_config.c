/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_ctl_config — libFuzzer harness for the configuration loader.
 *
 * An input is a configuration text.  Besides "no crash, no leak, no UB",
 * every outcome must keep the loader's promises:
 *  - failure: *out stays NULL and the error is one printable line that
 *    starts with a JSON path ("$") or the source ("<string>");
 *  - success: what was stored obeys the schema — names, ifindexes and
 *    (port, vlan) unique, every reference resolves to an interface, no
 *    iif among its oifs, groups multicast and not link-local, prefixes
 *    without host bits, limits in range.
 * A broken promise prints why and abort()s.
 *
 * Seeds: test/fuzz/corpus/fuzz_ctl_config (the config/ examples).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static void
broken(const char *why)
{
	fprintf(stderr, "fuzz_ctl_config: %s\n", why);
	abort();
}

static bool
known_ifindex(const struct ctl_config *c, uint32_t ifindex)
{
	for (uint32_t i = 0; i < c->n_iface; i++)
		if (c->iface[i].ifindex == ifindex)
			return true;
	return false;
}

static bool
forwardable_group(uint32_t group)
{
	uint32_t g = ntohl(group);

	return (g >> 28) == 0xe && (g >> 8) != 0xe00000;
}

/* Length of a string that must end within @p max bytes. */
static size_t
bounded_len(const char *s, size_t max, const char *what)
{
	const char *end = memchr(s, '\0', max);

	if (end == NULL)
		broken(what);
	return (size_t)(end - s);
}

static void
check_error(const char *err)
{
	size_t n = bounded_len(err, CTL_ERR_MAX, "error not terminated");

	if (n == 0)
		broken("error empty");
	if (err[0] != '$' && strncmp(err, "<string>", 8) != 0)
		broken("error does not start with a path or the source");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)err[i] < 0x20 ||
		    (unsigned char)err[i] >= 0x7f)
			broken("unprintable byte in the error");
}

static void
check_config(const struct ctl_config *c)
{
	const struct ctl_limits *l = &c->limits;

	if (c->n_iface < 1 || c->n_iface > CTL_MAX_IFACE)
		broken("interface count");
	for (uint32_t i = 0; i < c->n_iface; i++) {
		const struct ctl_iface *a = &c->iface[i];

		if (bounded_len(a->name, CTL_NAME_MAX, "name not terminated") ==
		    0)
			broken("empty interface name");
		if (a->ifindex < 1 || a->ifindex > CTL_MAX_IFACE)
			broken("ifindex range");
		if (a->vlan > 4094 || a->mtu < 68 || a->mtu > 9600)
			broken("vlan or mtu range");
		if ((a->port.id < 0) == (a->port.name[0] == '\0'))
			broken("port given both or neither by name and id");
		if (ctl_iface_by_name(c, a->name) != a)
			broken("interface not found by its name");
		for (uint32_t j = 0; j < i; j++) {
			const struct ctl_iface *b = &c->iface[j];

			if (a->ifindex == b->ifindex)
				broken("duplicate ifindex");
			if (a->vlan == b->vlan && a->port.id == b->port.id &&
			    strcmp(a->port.name, b->port.name) == 0)
				broken("duplicate (port, vlan)");
		}
	}
	if ((c->n_worker == 0) != (c->worker == NULL))
		broken("worker count and array disagree");
	for (uint32_t i = 0; i < c->n_worker; i++)
		if (c->worker[i].n_rx < 1 || c->worker[i].n_rx > CTL_MAX_RX)
			broken("rx queue count");
	for (uint32_t i = 0; i < c->n_membership; i++) {
		const struct ctl_membership *m = &c->membership[i];

		if (!forwardable_group(m->group))
			broken("membership group");
		if (m->n_if < 1 || m->n_if > CTL_MAX_OIF)
			broken("membership interface count");
		for (uint32_t k = 0; k < m->n_if; k++)
			if (!known_ifindex(c, m->ifindex[k]))
				broken("membership interface unknown");
	}
	for (uint32_t i = 0; i < c->n_route; i++) {
		const struct ctl_route *r = &c->route[i];

		if ((r->prefix & ~r->mask) != 0 || r->metric > 65535 ||
		    !known_ifindex(c, r->ifindex))
			broken("route");
	}
	for (uint32_t i = 0; i < c->n_mroute; i++) {
		const struct ctl_mroute *m = &c->mroute[i];

		if (!forwardable_group(m->group) || !known_ifindex(c, m->iif) ||
		    m->n_oif < 1 || m->n_oif > CTL_MAX_OIF)
			broken("mroute");
		for (uint32_t k = 0; k < m->n_oif; k++)
			if (m->oif[k] == m->iif || !known_ifindex(c, m->oif[k]))
				broken("mroute oif");
	}
	if (l->mbufs < 1023 || l->mbuf_cache > 512 || l->rx_desc < 64 ||
	    (l->rx_desc & (l->rx_desc - 1)) != 0 ||
	    (l->tx_desc & (l->tx_desc - 1)) != 0 ||
	    (l->punt_ring & (l->punt_ring - 1)) != 0 || l->max_entries < 1024 ||
	    l->punt_rate < 1 || l->mfe_timeout < 1 ||
	    c->n_mroute > l->max_entries)
		broken("limits");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_config *c = (struct ctl_config *)1;
	char err[CTL_ERR_MAX];

	if (ctl_config_load_string((const char *)data, size, &c, err) == 0) {
		if (c == NULL)
			broken("success without a configuration");
		check_config(c);
		ctl_config_free(c);
	} else {
		if (c != NULL)
			broken("failure left a configuration behind");
		check_error(err);
	}
	return 0;
}
