/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/ctl: loading a configuration — from a file or a string to a checked
 * struct ctl_config, all or nothing — and the "limits" section.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_private.h"

/* Room for 1M static mroutes (~75 MiB, the benchmark's largest table);
 * it keeps a path to /dev/zero or a log file from eating the memory. */
#define CTL_FILE_MAX   (256u << 20)
#define CTL_READ_CHUNK 65536

/* Limits ---------------------------------------------------------------- */

#define MBUFS_MIN      1023
#define MBUF_CACHE_MAX 512 /* RTE_MEMPOOL_CACHE_MAX_SIZE */

/* DPDK refuses a pool whose per-lcore cache could hold more than 2/3 of
 * it; the ranges below already rule that out, so there is no run-time
 * check to get wrong.  Widen a range and this tells you to add one. */
_Static_assert(MBUF_CACHE_MAX * 3 / 2 < MBUFS_MIN,
               "mbuf_cache range allows a cache too big for the pool");

struct limit_spec {
	const char *key;
	int64_t min, max, def;
	bool pow2; /* ring sizes: DPDK masks indices */
	size_t offset;
	size_t width;
};

#define LIMIT(k, lo, hi, d, p2)                                    \
	{                                                          \
#k, lo, hi, d, p2, offsetof(struct ctl_limits, k), \
		        sizeof(((struct ctl_limits *)0)->k)        \
	}

static const struct limit_spec limit_specs[] = {
	LIMIT(mbufs, MBUFS_MIN, 16777215, 16383, false),
	LIMIT(mbuf_cache, 0, MBUF_CACHE_MAX, 256, false),
	LIMIT(rx_desc, 64, 16384, 1024, true),
	LIMIT(tx_desc, 64, 16384, 1024, true),
	LIMIT(punt_ring, 64, 1048576, 1024, true),
	LIMIT(max_entries, 1024, 16777216, 65536, false),
	LIMIT(punt_rate, 1, 10000000, 10000, false),
	LIMIT(mfe_timeout, 1, 86400, 900, false),
};

#define N_LIMITS (sizeof(limit_specs) / sizeof(limit_specs[0]))

static void
limit_store(struct ctl_limits *l, const struct limit_spec *s, int64_t x)
{
	char *field = (char *)l + s->offset;

	if (s->width == sizeof(uint16_t)) {
		uint16_t v = (uint16_t)x;

		memcpy(field, &v, sizeof(v));
	} else {
		uint32_t v = (uint32_t)x;

		memcpy(field, &v, sizeof(v));
	}
}

static int
limits_parse(struct ctl_parse *p, const json_t *o, struct ctl_limits *l)
{
	const char *keys[N_LIMITS + 1];

	for (size_t i = 0; i < N_LIMITS; i++) {
		keys[i] = limit_specs[i].key;
		limit_store(l, &limit_specs[i], limit_specs[i].def);
	}
	keys[N_LIMITS] = NULL;
	if (o == NULL)
		return 0;
	if (!json_is_object(o))
		return ctl_fail_type(p, o, "an object");
	if (ctl_check_keys(p, o, keys) < 0)
		return -1;
	for (size_t i = 0; i < N_LIMITS; i++) {
		const struct limit_spec *s = &limit_specs[i];
		size_t saved;
		const json_t *v = ctl_enter(p, o, s->key, &saved);
		int64_t x;

		if (v == NULL)
			continue;
		if ((s->pow2 ? ctl_pow2(p, v, s->min, s->max, &x) :
		               ctl_int(p, v, s->min, s->max, &x)) < 0)
			return -1;
		limit_store(l, s, x);
		ctl_path_pop(p, saved);
	}
	return 0;
}

/* The document ---------------------------------------------------------- */

static const char *const top_keys[] = {
	"interfaces", "workers", "memberships", "routes",
	"mroutes",    "limits",  NULL,
};

static int
config_parse(struct ctl_parse *p, const json_t *root, struct ctl_config *c)
{
	const json_t *v;
	size_t saved;

	if (!json_is_object(root))
		return ctl_fail_type(p, root, "an object");
	/* Unknown keys first: a misspelt key is the likelier cause of a
	 * "required" error than a forgotten one. */
	if (ctl_check_keys(p, root, top_keys) < 0)
		return -1;

	/* Limits before the sections: mroutes are counted against them. */
	v = ctl_enter(p, root, "limits", &saved);
	if (limits_parse(p, v, &c->limits) < 0)
		return -1;
	if (v != NULL)
		ctl_path_pop(p, saved);

	if (ctl_enter_required(p, root, "interfaces", &saved, &v) < 0 ||
	    ctl_parse_interfaces(p, v, c) < 0)
		return -1;
	ctl_path_pop(p, saved);

	/* The other sections refer to interfaces, so they come after. */
	static const struct {
		const char *key;
		int (*parse)(struct ctl_parse *, const json_t *,
		             struct ctl_config *);
	} sections[] = {
		{ "workers", ctl_parse_workers },
		{ "memberships", ctl_parse_memberships },
		{ "routes", ctl_parse_routes },
		{ "mroutes", ctl_parse_mroutes },
	};
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		v = ctl_enter(p, root, sections[i].key, &saved);
		if (v == NULL)
			continue;
		if (sections[i].parse(p, v, c) < 0)
			return -1;
		ctl_path_pop(p, saved);
	}
	return 0;
}

static bool
is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

static int
config_load(const char *json, size_t len, const char *source,
            struct ctl_config **out, char err[CTL_ERR_MAX])
{
	struct ctl_parse p = { .path = "$", .path_len = 1, .err = err };
	struct ctl_config *c;
	json_error_t e;
	json_t *root;
	int rc;

	if (json == NULL || is_blank(json, len)) {
		snprintf(err, CTL_ERR_MAX,
		         "%s: empty configuration (expected a JSON object)",
		         source);
		return -1;
	}
	/* jansson keeps the last of two equal keys; in a configuration the
	 * first one would be silently ignored. */
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &e);
	if (root == NULL) {
		if (e.line > 0)
			snprintf(err, CTL_ERR_MAX, "%s:%d:%d: %s", source,
			         e.line, e.column, e.text);
		else
			snprintf(err, CTL_ERR_MAX, "%s: %s", source, e.text);
		/* jansson quotes the offending bytes as they are. */
		for (char *ch = err; *ch != '\0'; ch++)
			if ((unsigned char)*ch < 0x20 ||
			    (unsigned char)*ch >= 0x7f)
				*ch = '?';
		return -1;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		json_decref(root);
		snprintf(err, CTL_ERR_MAX, "%s: out of memory", source);
		return -1;
	}
	rc = config_parse(&p, root, c);
	json_decref(root);
	if (rc < 0) {
		ctl_config_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

int
ctl_config_load_string(const char *json, size_t len, struct ctl_config **out,
                       char err[CTL_ERR_MAX])
{
	*out = NULL;
	err[0] = '\0';
	return config_load(json, len, "<string>", out, err);
}

/* Reads all of @p f; NULL with errno set on failure. */
static char *
read_all(FILE *f, size_t *len)
{
	char *buf = NULL;
	size_t n = 0, cap = 0;

	for (;;) {
		if (cap - n < CTL_READ_CHUNK) {
			char *nb;

			if (cap >= CTL_FILE_MAX) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			cap = cap == 0 ? CTL_READ_CHUNK : cap * 2;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				free(buf);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (got == 0) {
			if (ferror(f)) {
				int saved = errno != 0 ? errno : EIO;

				free(buf);
				errno = saved;
				return NULL;
			}
			break;
		}
	}
	*len = n;
	return buf;
}

int
ctl_config_load_file(const char *path, struct ctl_config **out,
                     char err[CTL_ERR_MAX])
{
	FILE *f;
	char *buf;
	size_t len = 0;
	int rc;

	*out = NULL;
	err[0] = '\0';
	f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, CTL_ERR_MAX, "%s: %s", path, strerror(errno));
		return -1;
	}
	errno = 0;
	buf = read_all(f, &len);
	if (buf == NULL) {
		snprintf(err, CTL_ERR_MAX, "%s: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	rc = config_load(buf, len, path, out, err);
	free(buf);
	return rc;
}

void
ctl_config_free(struct ctl_config *c)
{
	if (c == NULL)
		return;
	free(c->worker);
	free(c->membership);
	free(c->route);
	free(c->mroute);
	free(c);
}

const struct ctl_iface *
ctl_iface_by_name(const struct ctl_config *c, const char *name)
{
	if (c == NULL || name == NULL)
		return NULL;
	for (uint32_t i = 0; i < c->n_iface; i++)
		if (strcmp(c->iface[i].name, name) == 0)
			return &c->iface[i];
	return NULL;
}
