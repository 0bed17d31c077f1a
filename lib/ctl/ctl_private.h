/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CTL_PRIVATE_H
#define CTL_PRIVATE_H

/*
 * Shared by the lib/ctl sources, not part of the contract.
 *
 * Every reader works on a struct ctl_parse that carries the JSON path of
 * the value being read ("$.interfaces[1].vlan") and the caller's error
 * buffer.  A reader that finds a problem writes exactly one message,
 * "<path>: <problem>", and returns -1; callers just propagate the -1, so
 * the first problem found is the one reported.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ctl.h"

/* Paths in this schema are at most "$.section[N].key[N]"; the rest of the
 * room is for an unknown key an operator typed, which is shortened. */
#define CTL_PATH_MAX 128

/* DPDK builds cap RTE_MAX_ETHPORTS, RTE_MAX_LCORE and
 * RTE_MAX_QUEUES_PER_PORT at 1024; a larger number is surely a typo, and
 * the app checks the real limits of its build. */
#define CTL_PORT_ID_MAX  1023
#define CTL_LCORE_MAX    1023
#define CTL_QUEUE_ID_MAX 1023

struct ctl_parse {
	char path[CTL_PATH_MAX];
	size_t path_len;
	char *err; /* CTL_ERR_MAX bytes */
};

/* Path ------------------------------------------------------------------ */

/** Append ".key" (or ["key"] when it is not an identifier); returns the
 *  length to restore with ctl_path_pop(). */
size_t ctl_path_key(struct ctl_parse *p, const char *key);
/** Append "[i]". */
size_t ctl_path_index(struct ctl_parse *p, size_t i);
void ctl_path_pop(struct ctl_parse *p, size_t len);

/* Errors ---------------------------------------------------------------- */

/** Write "<current path>: <message>" to the error buffer; returns -1. */
int ctl_fail(struct ctl_parse *p, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
/** "<path>: expected <what>, got <v>" */
int ctl_fail_type(struct ctl_parse *p, const json_t *v, const char *what);
/** A short, printable rendering of @p v for messages ("5000", "\"x\"",
 *  "an object"). */
void ctl_describe(const json_t *v, char *buf, size_t size);

/* Values (the path already names the value) ---------------------------- */

int ctl_check_keys(struct ctl_parse *p, const json_t *obj,
                   const char *const *allowed);
int ctl_int(struct ctl_parse *p, const json_t *v, int64_t min, int64_t max,
            int64_t *out);
int ctl_pow2(struct ctl_parse *p, const json_t *v, int64_t min, int64_t max,
             int64_t *out);
int ctl_name(struct ctl_parse *p, const json_t *v, char out[CTL_NAME_MAX]);
int ctl_port(struct ctl_parse *p, const json_t *v, struct ctl_port_ref *out);
/** A unicast host address (a source or a next hop). */
int ctl_unicast(struct ctl_parse *p, const json_t *v, uint32_t *out);
/** A source: "*" for any (0), else ctl_unicast(). */
int ctl_source(struct ctl_parse *p, const json_t *v, uint32_t *out);
/** A group the fast path may forward: 224.0.0.0/4 minus 224.0.0.0/24. */
int ctl_group(struct ctl_parse *p, const json_t *v, uint32_t *out);
int ctl_prefix(struct ctl_parse *p, const json_t *v, uint32_t *prefix,
               uint32_t *mask);
int ctl_mac(struct ctl_parse *p, const json_t *v, uint8_t mac[6]);
/** An array of min..max elements; @p what names them in the message. */
int ctl_array(struct ctl_parse *p, const json_t *v, size_t min, size_t max,
              const char *what);

/* Members of an object.  On failure the path is left as it is: the error
 * already names it and parsing stops. */

/** Member @p key of @p obj with the path extended to it (restore with
 *  ctl_path_pop(p, *saved)); NULL, path unchanged, when absent. */
const json_t *ctl_enter(struct ctl_parse *p, const json_t *obj, const char *key,
                        size_t *saved);
/** Same, but an absent member is the error "<path>.<key>: required". */
int ctl_enter_required(struct ctl_parse *p, const json_t *obj, const char *key,
                       size_t *saved, const json_t **out);
/** An optional integer member; *out keeps its default when absent. */
int ctl_opt_int(struct ctl_parse *p, const json_t *obj, const char *key,
                int64_t min, int64_t max, int64_t *out);

/* Addresses ------------------------------------------------------------- */

/** "a.b.c.d" → network order; false when it is not a dotted quad. */
bool ctl_ipv4_parse(const char *s, uint32_t *out);
bool ctl_port_ref_equal(const struct ctl_port_ref *a,
                        const struct ctl_port_ref *b);
/** 'port "net_pcap0"' or "port 3", for messages. */
void ctl_port_ref_format(const struct ctl_port_ref *r, char *buf, size_t size);

/* Sections -------------------------------------------------------------- */

int ctl_parse_interfaces(struct ctl_parse *p, const json_t *v,
                         struct ctl_config *c);
int ctl_parse_workers(struct ctl_parse *p, const json_t *v,
                      struct ctl_config *c);
int ctl_parse_memberships(struct ctl_parse *p, const json_t *v,
                          struct ctl_config *c);
int ctl_parse_routes(struct ctl_parse *p, const json_t *v,
                     struct ctl_config *c);
int ctl_parse_mroutes(struct ctl_parse *p, const json_t *v,
                      struct ctl_config *c);

#endif /* CTL_PRIVATE_H */
