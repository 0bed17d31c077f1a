/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/ctl: the typed readers every section is built from.  Each one checks
 * one JSON value against one rule of the schema and, when it does not
 * hold, says so at the value's JSON path.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctl_private.h"

/* Long enough to recognise a value in a message, short enough that the
 * message still fits CTL_ERR_MAX with its path. */
#define DESCRIBE_MAX 48
/* An unknown key is usually a typo of a short one; the rest is noise. */
#define PATH_KEY_MAX 32

#define IPV4_MCAST_NET  0xe0000000u /* 224.0.0.0/4 */
#define IPV4_MCAST_MASK 0xf0000000u
#define IPV4_LOCAL_NET  0xe0000000u /* 224.0.0.0/24: never forwarded */
#define IPV4_LOCAL_MASK 0xffffff00u
#define IPV4_LOOP_NET   0x7f000000u /* 127.0.0.0/8 */
#define IPV4_LOOP_MASK  0xff000000u
/* 224.0.0.0 and above is multicast, reserved or broadcast: never a unicast
 * source, next hop or destination. */
#define IPV4_UNICAST_END 0xe0000000u

/* Path ------------------------------------------------------------------ */

static bool
is_identifier(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
	      *s == '_'))
		return false;
	for (s++; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* Copy @p s into @p buf as printable ASCII: the text ends up in a log line
 * or a terminal, and it came from a file anyone may have written. */
static void
printable(const char *s, size_t len, char *buf, size_t size, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 1 < size; i++) {
		if (i == max) {
			snprintf(buf + n, size - n, "...");
			return;
		}
		unsigned char ch = (unsigned char)s[i];
		buf[n++] =
		        (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') ?
		                (char)ch :
		                '?';
	}
	buf[n] = '\0';
}

static size_t
path_append(struct ctl_parse *p, const char *fmt, const char *arg, size_t index)
{
	size_t saved = p->path_len;
	size_t room = sizeof(p->path) - p->path_len;
	int n;

	if (arg != NULL)
		n = snprintf(p->path + p->path_len, room, fmt, arg);
	else
		n = snprintf(p->path + p->path_len, room, fmt, index);
	if (n > 0)
		p->path_len += (size_t)n < room ? (size_t)n : room - 1;
	return saved;
}

size_t
ctl_path_key(struct ctl_parse *p, const char *key)
{
	char buf[PATH_KEY_MAX + 4];

	printable(key, strlen(key), buf, sizeof(buf), PATH_KEY_MAX);
	if (is_identifier(key) && strlen(key) <= PATH_KEY_MAX)
		return path_append(p, ".%s", buf, 0);
	return path_append(p, "[\"%s\"]", buf, 0);
}

size_t
ctl_path_index(struct ctl_parse *p, size_t i)
{
	return path_append(p, "[%zu]", NULL, i);
}

void
ctl_path_pop(struct ctl_parse *p, size_t len)
{
	p->path_len = len;
	p->path[len] = '\0';
}

/* Errors ---------------------------------------------------------------- */

int
ctl_fail(struct ctl_parse *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(p->err, CTL_ERR_MAX, "%s: ", p->path);
	if (n < 0 || n >= CTL_ERR_MAX)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, CTL_ERR_MAX - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

void
ctl_describe(const json_t *v, char *buf, size_t size)
{
	char text[DESCRIBE_MAX + 4];

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		snprintf(buf, size, "an object");
		break;
	case JSON_ARRAY:
		snprintf(buf, size, "an array");
		break;
	case JSON_STRING:
		printable(json_string_value(v), json_string_length(v), text,
		          sizeof(text), DESCRIBE_MAX);
		snprintf(buf, size, "\"%s\"", text);
		break;
	case JSON_INTEGER:
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT,
		         json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(buf, size, "%.15g", json_real_value(v));
		/* "100" would read as an integer: say it was not one. */
		if (strpbrk(buf, ".eEn") == NULL)
			strncat(buf, ".0", size - strlen(buf) - 1);
		break;
	case JSON_TRUE:
		snprintf(buf, size, "true");
		break;
	case JSON_FALSE:
		snprintf(buf, size, "false");
		break;
	case JSON_NULL:
	default:
		snprintf(buf, size, "null");
		break;
	}
}

int
ctl_fail_type(struct ctl_parse *p, const json_t *v, const char *what)
{
	char got[DESCRIBE_MAX + 8];

	ctl_describe(v, got, sizeof(got));
	return ctl_fail(p, "expected %s, got %s", what, got);
}

/* Values ---------------------------------------------------------------- */

int
ctl_check_keys(struct ctl_parse *p, const json_t *obj,
               const char *const *allowed)
{
	/* jansson's iterator API is not const-qualified; nothing is
	 * modified here. */
	json_t *o = (json_t *)(uintptr_t)obj;

	for (void *it = json_object_iter(o); it != NULL;
	     it = json_object_iter_next(o, it)) {
		const char *key = json_object_iter_key(it);
		const char *const *a;

		for (a = allowed; *a != NULL; a++)
			if (strcmp(*a, key) == 0)
				break;
		if (*a == NULL) {
			ctl_path_key(p, key);
			return ctl_fail(p, "unknown key");
		}
	}
	return 0;
}

int
ctl_int(struct ctl_parse *p, const json_t *v, int64_t min, int64_t max,
        int64_t *out)
{
	char what[64];
	int64_t x;

	snprintf(what, sizeof(what), "an integer %" PRId64 "..%" PRId64, min,
	         max);
	if (!json_is_integer(v))
		return ctl_fail_type(p, v, what);
	x = json_integer_value(v);
	if (x < min || x > max)
		return ctl_fail_type(p, v, what);
	*out = x;
	return 0;
}

int
ctl_pow2(struct ctl_parse *p, const json_t *v, int64_t min, int64_t max,
         int64_t *out)
{
	char what[64];
	int64_t x;

	snprintf(what, sizeof(what), "a power of 2 in %" PRId64 "..%" PRId64,
	         min, max);
	if (!json_is_integer(v))
		return ctl_fail_type(p, v, what);
	x = json_integer_value(v);
	if (x < min || x > max || (x & (x - 1)) != 0)
		return ctl_fail_type(p, v, what);
	*out = x;
	return 0;
}

static bool
is_name_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	       (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
}

int
ctl_name(struct ctl_parse *p, const json_t *v, char out[CTL_NAME_MAX])
{
	const char *s;
	size_t len;

	if (!json_is_string(v))
		return ctl_fail_type(p, v, "an interface name (a string)");
	s = json_string_value(v);
	len = json_string_length(v);
	if (len == 0)
		return ctl_fail(p, "empty interface name");
	if (len >= CTL_NAME_MAX)
		return ctl_fail_type(
		        p, v, "an interface name of at most 31 characters");
	for (size_t i = 0; i < len; i++)
		if (!is_name_char(s[i]))
			return ctl_fail_type(
			        p, v,
			        "an interface name of characters A-Z a-z 0-9 _ . -");
	memcpy(out, s, len + 1);
	return 0;
}

int
ctl_port(struct ctl_parse *p, const json_t *v, struct ctl_port_ref *out)
{
	const char *s;
	size_t len;

	if (json_is_integer(v)) {
		json_int_t id = json_integer_value(v);

		if (id < 0 || id > CTL_PORT_ID_MAX)
			return ctl_fail_type(p, v, "a port id 0..1023");
		out->name[0] = '\0';
		out->id = (int32_t)id;
		return 0;
	}
	if (!json_is_string(v))
		return ctl_fail_type(p, v,
		                     "a device name or a port id 0..1023");
	s = json_string_value(v);
	len = json_string_length(v);
	if (len == 0 || len >= CTL_PORT_MAX)
		return ctl_fail_type(p, v,
		                     "a device name of 1..127 characters");
	for (size_t i = 0; i < len; i++) {
		/* A comma starts device arguments: those belong to -a and
		 * --vdev, and the name is what DPDK reports without them. */
		if (s[i] <= ' ' || s[i] >= 0x7f || s[i] == ',')
			return ctl_fail_type(
			        p, v,
			        "a device name without spaces or \",arguments\"");
	}
	memcpy(out->name, s, len + 1);
	out->id = -1;
	return 0;
}

static int
ipv4(struct ctl_parse *p, const json_t *v, const char *what, uint32_t *out)
{
	if (!json_is_string(v) || !ctl_ipv4_parse(json_string_value(v), out))
		return ctl_fail_type(p, v, what);
	return 0;
}

int
ctl_unicast(struct ctl_parse *p, const json_t *v, uint32_t *out)
{
	uint32_t a;

	if (ipv4(p, v, "an IPv4 address a.b.c.d", &a) < 0)
		return -1;
	a = ntohl(a);
	if (a == 0 || a >= IPV4_UNICAST_END ||
	    (a & IPV4_LOOP_MASK) == IPV4_LOOP_NET)
		return ctl_fail(p, "%s is not a unicast host address",
		                json_string_value(v));
	*out = htonl(a);
	return 0;
}

int
ctl_source(struct ctl_parse *p, const json_t *v, uint32_t *out)
{
	if (json_is_string(v) && strcmp(json_string_value(v), "*") == 0) {
		*out = 0;
		return 0;
	}
	if (!json_is_string(v))
		return ctl_fail_type(p, v, "\"*\" or a source address a.b.c.d");
	return ctl_unicast(p, v, out);
}

int
ctl_group(struct ctl_parse *p, const json_t *v, uint32_t *out)
{
	uint32_t a;

	if (ipv4(p, v, "a group address a.b.c.d", &a) < 0)
		return -1;
	if ((ntohl(a) & IPV4_MCAST_MASK) != IPV4_MCAST_NET)
		return ctl_fail(p, "%s is not a multicast group (224.0.0.0/4)",
		                json_string_value(v));
	/* Routers never forward 224.0.0.0/24 (RFC 5771): a static entry for
	 * it could only be a mistake. */
	if ((ntohl(a) & IPV4_LOCAL_MASK) == IPV4_LOCAL_NET)
		return ctl_fail(
		        p,
		        "%s is link-local (224.0.0.0/24) and never forwarded",
		        json_string_value(v));
	*out = a;
	return 0;
}

int
ctl_prefix(struct ctl_parse *p, const json_t *v, uint32_t *prefix,
           uint32_t *mask)
{
	static const char what[] = "a prefix a.b.c.d/len";
	char addr[16], text[DESCRIBE_MAX + 4];
	const char *s, *slash;
	uint32_t a, m;
	unsigned len = 0;

	if (!json_is_string(v))
		return ctl_fail_type(p, v, what);
	s = json_string_value(v);
	slash = strchr(s, '/');
	if (slash == NULL || (size_t)(slash - s) >= sizeof(addr))
		return ctl_fail_type(p, v, what);
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	if (!ctl_ipv4_parse(addr, &a))
		return ctl_fail_type(p, v, what);
	/* At most two digits: "/0032" is not how anyone writes a length. */
	if (slash[1] < '0' || slash[1] > '9' ||
	    (slash[2] != '\0' &&
	     (slash[2] < '0' || slash[2] > '9' || slash[3] != '\0')))
		return ctl_fail_type(p, v, what);
	for (const char *d = slash + 1; *d != '\0'; d++)
		len = len * 10 + (unsigned)(*d - '0');
	printable(s, strlen(s), text, sizeof(text), DESCRIBE_MAX);
	if (len > 32)
		return ctl_fail(p,
		                "prefix length %u out of range 0..32 in \"%s\"",
		                len, text);
	m = len == 0 ? 0 : ~0u << (32 - len);
	a = ntohl(a);
	if ((a & ~m) != 0) {
		struct in_addr net = { .s_addr = htonl(a & m) };
		char buf[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &net, buf, sizeof(buf));
		return ctl_fail(p,
		                "host bits set in \"%s\" (did you mean %s/%u?)",
		                text, buf, len);
	}
	if (a >= IPV4_UNICAST_END)
		return ctl_fail(p, "\"%s\" is not a unicast prefix", text);
	*prefix = htonl(a);
	*mask = htonl(m);
	return 0;
}

static int
hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int
ctl_mac(struct ctl_parse *p, const json_t *v, uint8_t mac[6])
{
	static const char what[] = "a MAC address xx:xx:xx:xx:xx:xx";
	const char *s;
	uint8_t m[6];

	if (!json_is_string(v) || json_string_length(v) != 17)
		return ctl_fail_type(p, v, what);
	s = json_string_value(v);
	for (int i = 0; i < 6; i++) {
		int hi = hex_digit(s[3 * i]), lo = hex_digit(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return ctl_fail_type(p, v, what);
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	/* The MAC is the source address of forwarded frames. */
	if (m[0] & 1)
		return ctl_fail(
		        p, "%s is a multicast MAC, not a source address", s);
	if ((m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) == 0)
		return ctl_fail(p, "%s is the zero MAC, not a source address",
		                s);
	memcpy(mac, m, sizeof(m));
	return 0;
}

int
ctl_array(struct ctl_parse *p, const json_t *v, size_t min, size_t max,
          const char *what)
{
	char type[64];
	size_t n;

	if (!json_is_array(v)) {
		snprintf(type, sizeof(type), "an array of %s", what);
		return ctl_fail_type(p, v, type);
	}
	n = json_array_size(v);
	if (n < min || n > max)
		return ctl_fail(p, "expected %zu..%zu %s, got %zu", min, max,
		                what, n);
	return 0;
}

/* Members --------------------------------------------------------------- */

const json_t *
ctl_enter(struct ctl_parse *p, const json_t *obj, const char *key,
          size_t *saved)
{
	const json_t *v = json_object_get(obj, key);

	if (v != NULL)
		*saved = ctl_path_key(p, key);
	return v;
}

int
ctl_enter_required(struct ctl_parse *p, const json_t *obj, const char *key,
                   size_t *saved, const json_t **out)
{
	*out = ctl_enter(p, obj, key, saved);
	if (*out == NULL) {
		ctl_path_key(p, key);
		return ctl_fail(p, "required");
	}
	return 0;
}

int
ctl_opt_int(struct ctl_parse *p, const json_t *obj, const char *key,
            int64_t min, int64_t max, int64_t *out)
{
	size_t saved;
	const json_t *v = ctl_enter(p, obj, key, &saved);

	if (v == NULL)
		return 0;
	if (ctl_int(p, v, min, max, out) < 0)
		return -1;
	ctl_path_pop(p, saved);
	return 1;
}

/* Addresses ------------------------------------------------------------- */

bool
ctl_ipv4_parse(const char *s, uint32_t *out)
{
	uint32_t a = 0;

	/* Strictly four decimal parts: inet_aton's "10.1" or "012" (octal)
	 * mean something else than an operator reading them expects. */
	for (int part = 0; part < 4; part++) {
		unsigned x = 0;
		int digits = 0;

		if (part > 0 && *s++ != '.')
			return false;
		if (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
			return false;
		for (; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
			x = x * 10 + (unsigned)(*s - '0');
		if (digits == 0 || digits > 3 || x > 255)
			return false;
		a = a << 8 | x;
	}
	if (*s != '\0')
		return false;
	*out = htonl(a);
	return true;
}

bool
ctl_port_ref_equal(const struct ctl_port_ref *a, const struct ctl_port_ref *b)
{
	if (a->id >= 0 || b->id >= 0)
		return a->id == b->id;
	return strcmp(a->name, b->name) == 0;
}

void
ctl_port_ref_format(const struct ctl_port_ref *r, char *buf, size_t size)
{
	if (r->id >= 0)
		snprintf(buf, size, "port %" PRId32, r->id);
	else
		snprintf(buf, size, "port \"%s\"", r->name);
}
