/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_mgm_api — libFuzzer harness for the control plane (lib/mgm over
 * lib/rtm).
 *
 * An input is a small program: one byte picks an operation, the next bytes
 * its arguments.  Arguments index a tiny universe (4 protocols, 8 interface
 * keys, 5 sources, 3 groups, 8 prefixes) so random bytes keep hitting the
 * same objects, plus garbage: stale and random handles, bad masks and flags,
 * buffers of every awkward size.  Callbacks record what they see, veto,
 * rewrite and re-enter MGM with operations drawn from the same input.
 *
 * Each input gets its own rtm + mgm instances over a fake clock and a fake
 * forwarder that mirrors what MGM installs; they are destroyed at the end
 * so LeakSanitizer sees every leak.  After every top-level operation:
 *  - each status is one the header documents for that function, and where
 *    the ordering rules decide it (ownership, stale handles, bad flags) the
 *    right one;
 *  - the forwarder's table equals MGM's MFE table (keys, iif, OIF sets);
 *  - no MFE has its iif among its OIFs, no OIF is a key nobody owns;
 *  - MFE enumeration is strictly ascending (ntohl(group), ntohl(source));
 *  - interface owners and protocol counts match a model of the calls.
 * A violation prints a reason and abort()s.  FUZZ_MGM_TRACE=1 prints the
 * decoded operations, to turn a crash file into a readable sequence.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "mgm.h"
#include "rtm.h"

#define FZ_NPROTO 4
#define FZ_NKEY 8
#define FZ_NSRC 5
#define FZ_NGRP 3
#define FZ_NPREFIX 8
#define FZ_NRTM 2
#define FZ_NSTALE 8
#define FZ_NENUM 4
/* Nested MGM calls from callbacks: deep enough for re-entry bugs, shallow
 * enough that one input cannot recurse for ever. */
#define FZ_MAX_DEPTH 2
/* OIFs are owned keys, so more than the universe means MGM invented one. */
#define FZ_MAX_OIF 16
/* (S,G) keys the universe can produce, with room for MGM's mistakes. */
#define FZ_MAX_FWD 64
#define FZ_ENUM_SEEN 64
#define FZ_BIG_BUF (64 * 1024)

static const struct {
	uint32_t id, comp;
} fz_proto_ids[FZ_NPROTO] = {
	{ MGM_PROTO_IP_IGMP, 1 }, /* IGMP */
	{ MGM_PROTO_IP_IGMP, 2 }, /* a second IGMP: refused where one runs */
	{ 13, 1 },                /* OSPF-like routing protocol */
	{ 9, 1 },                 /* MSDP-like routing protocol */
};

/* Host-order universe; converted with htonl() at use. */
static const uint32_t fz_src[FZ_NSRC] = {
	0x0a010001, 0x0a020001, 0x0a030005, 0xc0a80101, 0,
};
static const uint32_t fz_grp[FZ_NGRP] = { 0xe8010101, 0xef010101, 0xe1000005 };
#define FZ_BAD_GROUP 0x0a090909u /* unicast: not a group */
static const struct {
	uint32_t net, mask;
} fz_prefix[FZ_NPREFIX] = {
	{ 0, 0 },
	{ 0x0a000000, 0xff000000 },
	{ 0x0a010000, 0xffff0000 },
	{ 0x0a020000, 0xffff0000 },
	{ 0x0a030005, 0xffffffff },
	{ 0xc0a80000, 0xffff0000 },
	{ 0xc0a80100, 0xffffff00 },
	{ 0x0a010203, 0xffff0000 }, /* host bits set under the mask */
};

struct fz_proto {
	int idx;
	mgm_handle_t h; /* 0 while not registered */
	uint8_t mode;   /* callback behaviour, from the input */
};

struct fz_enum {
	mgm_handle_t h;
	int owner;
	int type;
	uint32_t nseen;
	struct mgm_source_group seen[FZ_ENUM_SEEN];
};

struct fz_fwd_entry {
	uint32_t source, group, iif, iif_nh, n;
	struct mgm_fwd_oif oif[FZ_MAX_OIF];
};

static struct {
	const uint8_t *data;
	size_t size, off;
	uint64_t now_ns;
	struct rtm *rtm;
	struct mgm *mgm;
	int efd;
	int trace;
	int depth;
	int checking;
	int reentered;
	int actor[FZ_MAX_DEPTH + 2]; /* caller slot per depth, -1 none */
	int actor_member;            /* the top-level op adds/deletes */
	/* Take/release in progress per depth: key and kind (IGMP or not). */
	int pending_key[FZ_MAX_DEPTH + 2];
	int pending_igmp[FZ_MAX_DEPTH + 2];
	int fail_reads;
	struct fz_proto proto[FZ_NPROTO];
	mgm_handle_t stale[FZ_NSTALE];
	uint32_t nstale;
	struct fz_enum en[FZ_NENUM];
	mgm_handle_t stale_enum[FZ_NSTALE];
	uint32_t nstale_enum;
	rtm_client_t rtm_client[FZ_NRTM];
	rtm_client_t rtm_stale;
	int own_route[FZ_NKEY];  /* routing owner slot or -1 */
	int own_igmp[FZ_NKEY];   /* IGMP owner slot or -1 */
	struct fz_fwd_entry fwd[FZ_MAX_FWD];
	uint32_t nfwd;
	struct mgm_mfe last; /* last MFE key enumerated, for get_next */
} fz;

static uint8_t fz_buf[FZ_BIG_BUF] __attribute__((aligned(8)));

static void __attribute__((noreturn, format(printf, 1, 2)))
fz_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_mgm_api: invariant violated: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (input offset %zu)\n", fz.off);
	abort();
}

static void __attribute__((format(printf, 1, 2)))
fz_trace(const char *fmt, ...)
{
	va_list ap;

	if (!fz.trace)
		return;
	fprintf(stderr, "%*s", fz.depth * 4, "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Input reading: past the end every read is 0, and the main loop stops. */
static uint8_t
fz_u8(void)
{
	return fz.off < fz.size ? fz.data[fz.off++] : 0;
}

static uint32_t
fz_u32(void)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v = v << 8 | fz_u8();
	return v;
}

static uint32_t
fz_key_if(int k)
{
	return 1 + (uint32_t)k / 2;
}

static uint32_t
fz_key_nh(int k)
{
	return (k & 1) ? htonl(0x0a000002) : 0;
}

static int
fz_key_index(uint32_t ifindex, uint32_t nexthop)
{
	for (int k = 0; k < FZ_NKEY; k++)
		if (fz_key_if(k) == ifindex && fz_key_nh(k) == nexthop)
			return k;
	return -1;
}

static int
fz_is_igmp(int slot)
{
	return fz_proto_ids[slot].id == MGM_PROTO_IP_IGMP;
}

/* Status checks ------------------------------------------------------ */

static void
fz_status(const char *fn, enum mgm_status st, const enum mgm_status *ok,
	  size_t n)
{
	if (mgm_status_str(st) == NULL)
		fz_fail("%s: mgm_status_str(%d) is NULL", fn, (int)st);
	for (size_t i = 0; i < n; i++)
		if (st == ok[i])
			return;
	fz_fail("%s returned undocumented status %d (%s)", fn, (int)st,
		mgm_status_str(st));
}

#define FZ_STATUS(fn, st, ...)                                               \
	do {                                                                  \
		static const enum mgm_status ok_[] = { __VA_ARGS__ };         \
		fz_status(fn, st, ok_, sizeof(ok_) / sizeof(ok_[0]));         \
	} while (0)

static void
fz_rtm_status(const char *fn, enum rtm_status st, const enum rtm_status *ok,
	      size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (st == ok[i])
			return;
	fz_fail("%s returned undocumented status %d", fn, (int)st);
}

#define FZ_RTM_STATUS(fn, st, ...)                                           \
	do {                                                                  \
		static const enum rtm_status ok_[] = { __VA_ARGS__ };         \
		fz_rtm_status(fn, st, ok_, sizeof(ok_) / sizeof(ok_[0]));     \
	} while (0)

/* Only asserted where nothing re-entered MGM during the call: a callback's
 * nested call may have changed the state the prediction was made from. */
static void
fz_expect(const char *fn, enum mgm_status st, enum mgm_status want)
{
	if (fz.depth == 0 && !fz.reentered && st != want)
		fz_fail("%s returned %s, expected %s", fn, mgm_status_str(st),
			mgm_status_str(want));
}

/* Handles -------------------------------------------------------------- */

enum fz_hclass { FZ_H_ZERO, FZ_H_LIVE, FZ_H_STALE, FZ_H_OTHER };

static enum fz_hclass
fz_classify(mgm_handle_t h, int *slot)
{
	*slot = -1;
	if (h == 0)
		return FZ_H_ZERO;
	for (int i = 0; i < FZ_NPROTO; i++) {
		if (fz.proto[i].h == h) {
			*slot = i;
			return FZ_H_LIVE;
		}
	}
	for (uint32_t i = 0; i < fz.nstale && i < FZ_NSTALE; i++)
		if (fz.stale[i] == h)
			return FZ_H_STALE;
	return FZ_H_OTHER;
}

/* Mostly live handles (or 0 for an unregistered slot), sometimes stale,
 * random, or an enumeration handle in the wrong place. */
static mgm_handle_t
fz_pick_handle(void)
{
	uint8_t b = fz_u8();

	if (b < 192)
		return fz.proto[b % FZ_NPROTO].h;
	if (b < 224)
		return fz.stale[b % FZ_NSTALE];
	if (b < 240)
		return fz.en[b % FZ_NENUM].h;
	if (b < 248)
		return (mgm_handle_t)fz_u32();
	return (mgm_handle_t)(((uint64_t)fz_u32() << 32) | fz_u32());
}

static void
fz_add_stale(mgm_handle_t h)
{
	fz.stale[fz.nstale++ % FZ_NSTALE] = h;
}

static int
fz_owns(int slot, int k)
{
	return k >= 0 && (fz.own_route[k] == slot || fz.own_igmp[k] == slot);
}

static int
fz_owns_any(int slot)
{
	for (int k = 0; k < FZ_NKEY; k++)
		if (fz_owns(slot, k))
			return 1;
	return 0;
}

/* The fake forwarder -------------------------------------------------- */

static struct fz_fwd_entry *
fz_fwd_find(uint32_t source, uint32_t group)
{
	for (uint32_t i = 0; i < fz.nfwd; i++)
		if (fz.fwd[i].source == source && fz.fwd[i].group == group)
			return &fz.fwd[i];
	return NULL;
}

static int
fz_fwd_set(void *ctx, const struct mgm_fwd_entry *e)
{
	struct fz_fwd_entry *f;

	if (ctx != &fz)
		fz_fail("forwarder set_entry with a foreign ctx");
	if (e->num_oif > FZ_MAX_OIF)
		fz_fail("forwarder set_entry with %u OIFs", e->num_oif);
	if (e->num_oif > 0 && e->oif == NULL)
		fz_fail("forwarder set_entry with NULL oif");
	for (uint32_t i = 0; i < e->num_oif; i++) {
		if (e->oif[i].ifindex == e->in_ifindex &&
		    e->oif[i].nexthop == e->in_nexthop)
			fz_fail("set_entry: OIF %u equals the iif", e->in_ifindex);
		for (uint32_t j = 0; j < i; j++)
			if (e->oif[j].ifindex == e->oif[i].ifindex &&
			    e->oif[j].nexthop == e->oif[i].nexthop)
				fz_fail("set_entry: OIF %u twice", e->oif[i].ifindex);
	}
	f = fz_fwd_find(e->source, e->group);
	if (f == NULL) {
		if (fz.nfwd == FZ_MAX_FWD)
			fz_fail("forwarder holds more (S,G) than exist");
		f = &fz.fwd[fz.nfwd++];
	}
	f->source = e->source;
	f->group = e->group;
	f->iif = e->in_ifindex;
	f->iif_nh = e->in_nexthop;
	f->n = e->num_oif;
	if (e->num_oif > 0)
		memcpy(f->oif, e->oif, e->num_oif * sizeof(e->oif[0]));
	return 0;
}

static int
fz_fwd_delete(void *ctx, uint32_t source, uint32_t group)
{
	struct fz_fwd_entry *f = fz_fwd_find(source, group);

	if (ctx != &fz)
		fz_fail("forwarder delete_entry with a foreign ctx");
	if (f == NULL)
		return -2; /* -ENOENT: MGM logs it; the tables still compare */
	*f = fz.fwd[--fz.nfwd];
	return 0;
}

static int
fz_fwd_read(void *ctx, uint32_t source, uint32_t group,
	    struct mgm_fwd_counters *c, struct mgm_fwd_oif_counters *oc,
	    uint32_t n_oif)
{
	struct fz_fwd_entry *f = fz_fwd_find(source, group);

	if (ctx != &fz)
		fz_fail("forwarder read_counters with a foreign ctx");
	if (f == NULL)
		fz_fail("read_counters for (%08x,%08x), never installed",
			ntohl(source), ntohl(group));
	if (n_oif > 0 && oc == NULL)
		fz_fail("read_counters: NULL oif counters");
	if (fz.fail_reads)
		return -5; /* -EIO */
	/* Above 2^32, to exercise the 32-bit MIB fields. */
	c->in_pkts = 0x100000007ull;
	c->in_octets = 0x200000009ull;
	c->different_if = 3;
	c->queue_overflow = 0;
	c->negative = f->n == 0 ? 11 : 0;
	c->in_discards = 1;
	c->in_hdr_errors = 2;
	c->total_out = 5ull * n_oif;
	for (uint32_t i = 0; i < n_oif; i++) {
		oc[i].out_packets = 5;
		oc[i].out_discards = 1;
		oc[i].ttl_too_low = 0;
		oc[i].frag_needed = 0;
	}
	return 0;
}

static const struct mgm_forwarder_ops fz_fwd_ops = {
	.set_entry = fz_fwd_set,
	.delete_entry = fz_fwd_delete,
	.read_counters = fz_fwd_read,
};

static uint64_t
fz_now(void *ctx)
{
	(void)ctx;
	return fz.now_ns;
}

static void
fz_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	if (msg == NULL || level < 0 || level > 7)
		fz_fail("log(%d, %p)", level, (const void *)msg);
	if (fz.trace)
		fprintf(stderr, "%*slog %d: %s\n", fz.depth * 4 + 2, "", level,
			msg);
	else
		(void)strlen(msg); /* ASan checks the string */
}

/* Callbacks ------------------------------------------------------------ */

static void fz_op(void);

static struct fz_proto *
fz_cb_proto(void *ctx, const char *cb)
{
	struct fz_proto *p = ctx;

	if (p < &fz.proto[0] || p >= &fz.proto[FZ_NPROTO])
		fz_fail("%s callback with a foreign ctx", cb);
	if (p->h == 0 && !fz.checking)
		fz_trace("%s to deregistered protocol %d", cb, p->idx);
	return p;
}

/* Sometimes run one more operation from inside a callback. */
static void
fz_reenter(struct fz_proto *p)
{
	if (fz.checking || fz.depth >= FZ_MAX_DEPTH || !(p->mode & 0x1))
		return;
	if ((fz_u8() & 0x3) != 0)
		return;
	fz.reentered = 1;
	fz.depth++;
	fz.actor[fz.depth] = -1;
	fz.pending_key[fz.depth] = -1;
	fz_op();
	fz.depth--;
}

/* Nobody is told about its own membership change; only checked when no
 * nested call is in flight, so the caller is known. */
static void
fz_not_own_action(struct fz_proto *p, const char *cb)
{
	if (fz.depth == 0 && !fz.checking && fz.actor_member &&
	    fz.actor[0] == p->idx)
		fz_fail("%s sent to protocol %d about its own action", cb,
			p->idx);
}

static void
fz_touch(const uint8_t *b, uint32_t n)
{
	volatile uint8_t sink = 0;

	for (uint32_t i = 0; i < n; i++)
		sink ^= b[i]; /* ASan checks each byte */
	(void)sink;
}

static uint32_t
fz_cb_rpf(void *ctx, uint32_t source, uint32_t source_mask, uint32_t group,
	  uint32_t group_mask, uint32_t *in_ifindex, uint32_t *in_nexthop,
	  uint32_t *upstream_nbr, uint32_t hdr_size, uint8_t *hdr,
	  uint8_t *route)
{
	struct fz_proto *p = fz_cb_proto(ctx, "rpf");
	uint8_t b;

	fz_trace("cb rpf -> %d (%08x/%08x,%08x/%08x) iif %u", p->idx,
		 ntohl(source), source_mask, ntohl(group), group_mask,
		 in_ifindex ? *in_ifindex : 0);
	if (in_ifindex == NULL || in_nexthop == NULL || upstream_nbr == NULL)
		fz_fail("rpf with NULL out pointers");
	if (hdr_size > 0 && hdr == NULL)
		fz_fail("rpf: hdr_size %u, hdr NULL", hdr_size);
	if (hdr != NULL)
		fz_touch(hdr, hdr_size);
	if (route != NULL)
		fz_touch(route, sizeof(struct rtm_ip_route));
	if (p->mode & 0x2) {
		b = fz_u8();
		if (b < 128) {
			*in_ifindex = fz_key_if(b % FZ_NKEY);
			*in_nexthop = fz_key_nh(b % FZ_NKEY);
		} else if (b < 136) {
			*in_ifindex = 999; /* an interface nobody knows */
		}
		*upstream_nbr = fz_u32();
	}
	fz_reenter(p);
	return 0xdeadbeef; /* ignored by MGM */
}

static uint32_t
fz_cb_creation(void *ctx, uint32_t source, uint32_t source_mask,
	       uint32_t group, uint32_t group_mask, uint32_t in_ifindex,
	       uint32_t in_nexthop, uint32_t count, struct mgm_if_entry *oifs)
{
	struct fz_proto *p = fz_cb_proto(ctx, "creation_alert");
	uint8_t veto = (p->mode & 0x4) ? fz_u8() : 0;

	fz_trace("cb creation_alert -> %d (%08x/%08x,%08x/%08x) iif %u/%08x n %u",
		 p->idx, ntohl(source), source_mask, ntohl(group), group_mask,
		 in_ifindex, ntohl(in_nexthop), count);
	if (count == 0 || count > FZ_MAX_OIF || oifs == NULL)
		fz_fail("creation_alert with %u OIFs at %p", count,
			(void *)oifs);
	for (uint32_t i = 0; i < count; i++) {
		if (oifs[i].enabled != 1)
			fz_fail("creation_alert: enabled preset %d",
				oifs[i].enabled);
		if (oifs[i].igmp != 0 && oifs[i].igmp != 1)
			fz_fail("creation_alert: igmp %d", oifs[i].igmp);
		if (oifs[i].ifindex == in_ifindex &&
		    oifs[i].nexthop == in_nexthop)
			fz_fail("creation_alert offers the iif as an OIF");
		for (uint32_t j = 0; j < i; j++)
			if (oifs[j].ifindex == oifs[i].ifindex &&
			    oifs[j].nexthop == oifs[i].nexthop)
				fz_fail("creation_alert: OIF %u twice",
					oifs[i].ifindex);
		if (veto & (1u << (i & 7)))
			oifs[i].enabled = 0;
	}
	fz_reenter(p);
	return 0;
}

static uint32_t
fz_cb_prune(void *ctx, uint32_t source, uint32_t source_mask, uint32_t group,
	    uint32_t group_mask, uint32_t ifindex, uint32_t nexthop,
	    int32_t member_delete, uint32_t *timeout_s)
{
	static const uint32_t timeouts[] = { 0, 1, 5, 900, 0xffffffff };
	struct fz_proto *p = fz_cb_proto(ctx, "prune_alert");

	fz_trace("cb prune_alert -> %d (%08x/%08x,%08x/%08x) if %u/%08x del %d",
		 p->idx, ntohl(source), source_mask, ntohl(group), group_mask,
		 ifindex, ntohl(nexthop), member_delete);
	if (member_delete != 0 && member_delete != 1)
		fz_fail("prune_alert: member_delete %d", member_delete);
	if (member_delete)
		fz_not_own_action(p, "prune_alert");
	if (!member_delete && timeout_s == NULL)
		fz_fail("prune_alert(FALSE) without a timeout pointer");
	if (timeout_s != NULL && (p->mode & 0x8))
		*timeout_s = timeouts[fz_u8() % 5];
	fz_reenter(p);
	return 0;
}

static uint32_t
fz_cb_join(void *ctx, uint32_t source, uint32_t source_mask, uint32_t group,
	   uint32_t group_mask, int32_t member_update)
{
	struct fz_proto *p = fz_cb_proto(ctx, "join_alert");

	fz_trace("cb join_alert -> %d (%08x/%08x,%08x/%08x) upd %d", p->idx,
		 ntohl(source), source_mask, ntohl(group), group_mask,
		 member_update);
	if (member_update != 0 && member_update != 1)
		fz_fail("join_alert: member_update %d", member_update);
	if (member_update)
		fz_not_own_action(p, "join_alert");
	fz_reenter(p);
	return 0;
}

static uint32_t
fz_cb_wrong_if(void *ctx, uint32_t source, uint32_t group, uint32_t ifindex,
	       uint32_t nexthop, uint32_t hdr_size, uint8_t *hdr)
{
	struct fz_proto *p = fz_cb_proto(ctx, "wrong_if");

	fz_trace("cb wrong_if -> %d (%08x,%08x) if %u/%08x", p->idx,
		 ntohl(source), ntohl(group), ifindex, ntohl(nexthop));
	if (hdr_size > 0 && hdr == NULL)
		fz_fail("wrong_if: hdr_size %u, hdr NULL", hdr_size);
	if (hdr != NULL)
		fz_touch(hdr, hdr_size);
	fz_reenter(p);
	return 0;
}

static void
fz_local(void *ctx, const char *cb, uint32_t source, uint32_t group,
	 uint32_t ifindex, uint32_t nexthop)
{
	struct fz_proto *p = fz_cb_proto(ctx, cb);

	fz_trace("cb %s -> %d (%08x,%08x) if %u/%08x", cb, p->idx,
		 ntohl(source), ntohl(group), ifindex, ntohl(nexthop));
	if (fz_is_igmp(p->idx))
		fz_fail("%s sent to IGMP protocol %d", cb, p->idx);
	if (fz.depth == 0 && !fz.checking && fz.actor_member &&
	    fz.actor[0] >= 0 && !fz_is_igmp(fz.actor[0]))
		fz_fail("%s caused by routing protocol %d", cb, fz.actor[0]);
	fz_reenter(p);
}

static uint32_t
fz_cb_local_join(void *ctx, uint32_t source, uint32_t source_mask,
		 uint32_t group, uint32_t group_mask, uint32_t ifindex,
		 uint32_t nexthop)
{
	(void)source_mask;
	(void)group_mask;
	fz_local(ctx, "local_join", source, group, ifindex, nexthop);
	return 0;
}

static uint32_t
fz_cb_local_leave(void *ctx, uint32_t source, uint32_t source_mask,
		  uint32_t group, uint32_t group_mask, uint32_t ifindex,
		  uint32_t nexthop)
{
	(void)source_mask;
	(void)group_mask;
	fz_local(ctx, "local_leave", source, group, ifindex, nexthop);
	return 0;
}

static uint32_t
fz_cb_disable_igmp(void *ctx, uint32_t ifindex, uint32_t nexthop)
{
	struct fz_proto *p = fz_cb_proto(ctx, "disable_igmp");

	fz_trace("cb disable_igmp -> %d if %u/%08x", p->idx, ifindex,
		 ntohl(nexthop));
	if (!fz_is_igmp(p->idx))
		fz_fail("disable_igmp sent to routing protocol %d", p->idx);
	fz_reenter(p);
	return 0;
}

static uint32_t
fz_cb_enable_igmp(void *ctx, uint32_t ifindex, uint32_t nexthop)
{
	struct fz_proto *p = fz_cb_proto(ctx, "enable_igmp");
	enum mgm_status st;

	fz_trace("cb enable_igmp -> %d if %u/%08x", p->idx, ifindex,
		 ntohl(nexthop));
	if (!fz_is_igmp(p->idx))
		fz_fail("enable_igmp sent to routing protocol %d", p->idx);
	/* Documented: adding memberships from inside ENABLE_IGMP is refused
	 * (on Windows it deadlocks). */
	if (!fz.checking && p->h != 0 && (p->mode & 0x10)) {
		st = mgm_add_group_membership(fz.mgm, p->h, 0, 0,
					      htonl(fz_grp[0]), 0xffffffff,
					      ifindex, nexthop,
					      MGM_JOIN_STATE_FLAG);
		if (st != MGM_ERR_CAN_NOT_COMPLETE)
			fz_fail("add inside enable_igmp returned %s",
				mgm_status_str(st));
	}
	return 0;
}

static const struct mgm_protocol_ops fz_proto_ops = {
	.rpf = fz_cb_rpf,
	.creation_alert = fz_cb_creation,
	.prune_alert = fz_cb_prune,
	.join_alert = fz_cb_join,
	.wrong_if = fz_cb_wrong_if,
	.local_join = fz_cb_local_join,
	.local_leave = fz_cb_local_leave,
	.disable_igmp = fz_cb_disable_igmp,
	.enable_igmp = fz_cb_enable_igmp,
};

/* A protocol without callbacks: NULL pointers must be skipped. */
static const struct mgm_protocol_ops fz_no_ops;

/* Universe pickers -------------------------------------------------- */

static const uint32_t fz_sizes[] = {
	0, 1, 15, 16, 59, 60, 63, 64, 76, 83, 84, 92, 112, 140, 200, 1000,
	FZ_BIG_BUF,
};

/* Buffers are exactly the size MGM is told, so ASan sees any overrun. */
static uint8_t *
fz_alloc(uint32_t size)
{
	uint8_t *b = malloc(size ? size : 1);

	if (b == NULL)
		abort();
	memset(b, 0xa5, size ? size : 1);
	return b;
}

static uint32_t
fz_pick_size(void)
{
	return fz_sizes[fz_u8() % (sizeof(fz_sizes) / sizeof(fz_sizes[0]))];
}

static uint32_t
fz_pick_source(void)
{
	return htonl(fz_src[fz_u8() % FZ_NSRC]);
}

static uint32_t
fz_pick_group(void)
{
	uint8_t b = fz_u8();

	return htonl(b % 16 == 15 ? FZ_BAD_GROUP : fz_grp[b % FZ_NGRP]);
}

static int
fz_mask_ok(uint32_t mask)
{
	return mask == 0 || mask == 0xffffffff;
}

static int
fz_is_multicast(uint32_t group)
{
	return (ntohl(group) >> 28) == 0xe;
}

/* Ascending (ntohl(group), ntohl(source)), as MFE enumeration orders. */
static int
fz_key_cmp(uint32_t s1, uint32_t g1, uint32_t s2, uint32_t g2)
{
	if (ntohl(g1) != ntohl(g2))
		return ntohl(g1) < ntohl(g2) ? -1 : 1;
	if (ntohl(s1) != ntohl(s2))
		return ntohl(s1) < ntohl(s2) ? -1 : 1;
	return 0;
}

/* Record layout per retrieval kind: 0 plain, 1 STATS_0, 2 STATS_1. */
static size_t
fz_rec_fixed(int kind)
{
	return kind == 0 ? MGM_MFE_SIZE(0) :
	       kind == 1 ? MGM_MFE_STATS_SIZE(0) : MGM_MFE_STATS_EX_SIZE(0);
}

static size_t
fz_rec_per_oif(int kind)
{
	return kind == 0 ? sizeof(struct mgm_oif) : sizeof(struct mgm_oif_stats);
}

/* Size of a record from its own num_oif. */
static size_t
fz_rec_size(const uint8_t *rec, int kind)
{
	uint32_t n;

	if (kind == 0)
		memcpy(&n, rec + offsetof(struct mgm_mfe, num_oif), 4);
	else
		memcpy(&n, rec + offsetof(struct mgm_mfe_stats, num_oif), 4);
	return fz_rec_fixed(kind) + (size_t)n * fz_rec_per_oif(kind);
}

/* Check one retrieved record against the forwarder's copy of the entry.
 * Returns the record's size. */
static size_t
fz_check_record(const uint8_t *rec, int kind, const char *fn)
{
	struct mgm_mfe m;
	struct mgm_mfe_stats s;
	const struct fz_fwd_entry *f;
	size_t fixed = fz_rec_fixed(kind), per = fz_rec_per_oif(kind);
	uint32_t source, group, iif, n;

	if (kind == 0) {
		memcpy(&m, rec, sizeof(m));
		source = m.source, group = m.group, iif = m.in_ifindex;
		n = m.num_oif;
		if (m.expiry_s > m.timeout_s)
			fz_fail("%s: expiry %u s > timeout %u s", fn, m.expiry_s,
				m.timeout_s);
	} else {
		memcpy(&s, rec, sizeof(s));
		source = s.source, group = s.group, iif = s.in_ifindex;
		n = s.num_oif;
	}
	f = fz_fwd_find(source, group);
	if (f == NULL)
		fz_fail("%s: MFE (%08x,%08x) is not in the forwarder", fn,
			ntohl(source), ntohl(group));
	if (f->iif != iif || f->n != n)
		fz_fail("%s: MFE (%08x,%08x) iif %u n %u, forwarder iif %u n %u",
			fn, ntohl(source), ntohl(group), iif, n, f->iif, f->n);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t oi[2], j;
		int k;

		memcpy(oi, rec + fixed + i * per, sizeof(oi));
		if (oi[0] == f->iif && oi[1] == f->iif_nh)
			fz_fail("%s: MFE (%08x,%08x) has its iif %u as OIF", fn,
				ntohl(source), ntohl(group), iif);
		for (j = 0; j < f->n; j++)
			if (f->oif[j].ifindex == oi[0] &&
			    f->oif[j].nexthop == oi[1])
				break;
		if (j == f->n)
			fz_fail("%s: MFE (%08x,%08x) OIF %u/%08x not in forwarder",
				fn, ntohl(source), ntohl(group), oi[0],
				ntohl(oi[1]));
		k = fz_key_index(oi[0], oi[1]);
		if (k < 0 || (fz.own_route[k] < 0 && fz.own_igmp[k] < 0))
			fz_fail("%s: MFE (%08x,%08x) OIF %u/%08x is owned by nobody",
				fn, ntohl(source), ntohl(group), oi[0],
				ntohl(oi[1]));
		for (uint32_t l = 0; l < i; l++) {
			uint32_t ol[2];

			memcpy(ol, rec + fixed + l * per, sizeof(ol));
			if (ol[0] == oi[0] && ol[1] == oi[1])
				fz_fail("%s: OIF %u twice", fn, oi[0]);
		}
	}
	return fixed + n * per;
}

/* Operations ---------------------------------------------------------- */

static void
fz_op_register(void)
{
	uint8_t b = fz_u8(), mode = fz_u8();
	int slot = b % FZ_NPROTO;
	struct fz_proto *p = &fz.proto[slot];
	const struct mgm_protocol_ops *ops =
		(b & 0x4) ? &fz_no_ops : &fz_proto_ops;
	int null_ops = (b >> 3) == 31, null_out = (b >> 3) == 30;
	mgm_handle_t h = 0;
	enum mgm_status st;

	fz_trace("register %d ops %s mode %02x%s", slot,
		 null_ops ? "NULL" : ops == &fz_no_ops ? "none" : "all", mode,
		 null_out ? " out NULL" : "");
	st = mgm_register_protocol(fz.mgm, null_ops ? NULL : ops, p,
				   fz_proto_ids[slot].id,
				   fz_proto_ids[slot].comp,
				   null_out ? NULL : &h);
	fz_trace("  -> %s h %#lx", mgm_status_str(st), (unsigned long)h);
	FZ_STATUS("register", st, MGM_OK, MGM_ERR_ALREADY_EXISTS,
		  MGM_ERR_INVALID_PARAMETER, MGM_ERR_NO_MEMORY);
	if (st != MGM_ERR_NO_MEMORY)
		fz_expect("register", st,
			  null_ops || null_out ? MGM_ERR_INVALID_PARAMETER :
			  p->h != 0 ? MGM_ERR_ALREADY_EXISTS : MGM_OK);
	if (st != MGM_OK || null_out)
		return;
	if (h == 0)
		fz_fail("register returned MGM_OK and handle 0");
	for (int i = 0; i < FZ_NPROTO; i++)
		if (fz.proto[i].h == h)
			fz_fail("register returned live handle of protocol %d", i);
	if (p->h != 0)
		return; /* model lost by re-entry; already flagged if not */
	p->h = h;
	p->mode = mode;
}

static void
fz_enum_retire(int i)
{
	fz.stale_enum[fz.nstale_enum++ % FZ_NSTALE] = fz.en[i].h;
	memset(&fz.en[i], 0, sizeof(fz.en[i]));
	fz.en[i].owner = -1;
}

static void
fz_op_deregister(void)
{
	mgm_handle_t h = fz_pick_handle();
	int slot;
	enum fz_hclass cls = fz_classify(h, &slot);
	enum mgm_status st;

	fz.actor[fz.depth] = slot;
	fz_trace("deregister h %#lx (protocol %d)", (unsigned long)h, slot);
	st = mgm_deregister_protocol(fz.mgm, h);
	fz_trace("  -> %s", mgm_status_str(st));
	FZ_STATUS("deregister", st, MGM_OK, MGM_ERR_INVALID_PARAMETER,
		  MGM_ERR_CAN_NOT_COMPLETE);
	if (cls == FZ_H_ZERO || cls == FZ_H_STALE)
		fz_expect("deregister", st, MGM_ERR_INVALID_PARAMETER);
	else if (cls == FZ_H_LIVE)
		fz_expect("deregister", st,
			  fz_owns_any(slot) ? MGM_ERR_CAN_NOT_COMPLETE : MGM_OK);
	if (st != MGM_OK || cls != FZ_H_LIVE || fz.proto[slot].h != h)
		return;
	if (mgm_protocol_ctx(fz.mgm, h) != NULL)
		fz_fail("deregistered handle still has a ctx");
	fz_add_stale(h);
	fz.proto[slot].h = 0;
	/* Its open enumerations are closed with it. */
	for (int i = 0; i < FZ_NENUM; i++)
		if (fz.en[i].h != 0 && fz.en[i].owner == slot)
			fz_enum_retire(i);
}

static void
fz_op_ownership(int take)
{
	mgm_handle_t h = fz_pick_handle();
	int k = fz_u8() % FZ_NKEY, slot;
	enum fz_hclass cls = fz_classify(h, &slot);
	enum mgm_status st, want = MGM_ERR_INVALID_PARAMETER;
	int *own;

	/* The model learns ownership from return values, which cannot
	 * order a nested take/release of the same owner slot against the
	 * pending outer one: move such a nested call to the next key. */
	for (int d = 0; d < fz.depth; d++)
		if (slot >= 0 && fz.pending_key[d] == k &&
		    fz.pending_igmp[d] == fz_is_igmp(slot))
			k = (k + 1) % FZ_NKEY;
	fz.actor[fz.depth] = slot;
	fz.pending_key[fz.depth] = slot >= 0 ? k : -1;
	fz.pending_igmp[fz.depth] = slot >= 0 && fz_is_igmp(slot);
	fz_trace("%s h %#lx (protocol %d) key %d", take ? "take" : "release",
		 (unsigned long)h, slot, k);
	if (take)
		st = mgm_take_interface_ownership(fz.mgm, h, fz_key_if(k),
						  fz_key_nh(k));
	else
		st = mgm_release_interface_ownership(fz.mgm, h, fz_key_if(k),
						     fz_key_nh(k));
	fz.pending_key[fz.depth] = -1;
	fz_trace("  -> %s", mgm_status_str(st));
	if (take)
		FZ_STATUS("take", st, MGM_OK, MGM_ERR_ALREADY_EXISTS,
			  MGM_ERR_INVALID_PARAMETER, MGM_ERR_NO_MEMORY);
	else
		FZ_STATUS("release", st, MGM_OK, MGM_ERR_INVALID_PARAMETER);
	if (cls == FZ_H_LIVE) {
		own = fz_is_igmp(slot) ? &fz.own_igmp[k] : &fz.own_route[k];
		if (take)
			want = *own >= 0 ? MGM_ERR_ALREADY_EXISTS : MGM_OK;
		else
			want = *own == slot ? MGM_OK : MGM_ERR_INVALID_PARAMETER;
		if (st != MGM_ERR_NO_MEMORY)
			fz_expect(take ? "take" : "release", st, want);
		if (st == MGM_OK)
			*own = take ? slot : -1;
	} else if (cls != FZ_H_OTHER) {
		fz_expect(take ? "take" : "release", st, want);
	}
}

static void
fz_op_get_protocol(void)
{
	int k = fz_u8() % FZ_NKEY, o;
	uint32_t pid = 0, cid = 0;
	enum mgm_status st;

	st = mgm_get_protocol_on_interface(fz.mgm, fz_key_if(k), fz_key_nh(k),
					   &pid, &cid);
	FZ_STATUS("get_protocol_on_interface", st, MGM_OK, MGM_ERR_NOT_FOUND);
	o = fz.own_route[k] >= 0 ? fz.own_route[k] : fz.own_igmp[k];
	fz_expect("get_protocol_on_interface", st,
		  o >= 0 ? MGM_OK : MGM_ERR_NOT_FOUND);
	if (fz.depth == 0 && !fz.reentered && st == MGM_OK && o >= 0 &&
	    (pid != fz_proto_ids[o].id || cid != fz_proto_ids[o].comp))
		fz_fail("key %d owned by (%u,%u), model says protocol %d", k,
			pid, cid, o);
}

static void
fz_op_membership(int add)
{
	static const uint32_t flag_set[] = {
		MGM_JOIN_STATE_FLAG, MGM_JOIN_STATE_FLAG, MGM_JOIN_STATE_FLAG,
		MGM_FORWARD_STATE_FLAG,
		MGM_JOIN_STATE_FLAG | MGM_FORWARD_STATE_FLAG, 0, 0x4,
		0x80000001,
	};
	static const uint32_t odd_masks[] = { 0, 0x00ffffff, 0xffffffff,
					      0x000000f0 };
	mgm_handle_t h = fz_pick_handle();
	int k = fz_u8() % FZ_NKEY, slot;
	uint8_t sb = fz_u8(), gb = fz_u8();
	uint32_t flags = flag_set[fz_u8() % 8];
	uint32_t s = 0, sm = 0, g = 0, gm = 0;
	enum fz_hclass cls = fz_classify(h, &slot);
	const char *fn = add ? "add_membership" : "delete_membership";
	int bad, not_owner;
	enum mgm_status st;

	if (sb % 8 < 5) {
		s = htonl(fz_src[sb % FZ_NSRC]), sm = 0xffffffff;
	} else if (sb % 8 == 7) {
		s = htonl(fz_src[(sb >> 3) % FZ_NSRC]);
		sm = odd_masks[(sb >> 6) % 4];
	}
	if (gb % 8 < 3) {
		g = htonl(fz_grp[gb % FZ_NGRP]), gm = 0xffffffff;
	} else if (gb % 8 == 3) {
		g = htonl(FZ_BAD_GROUP), gm = 0xffffffff;
	} else if (gb % 8 == 6) {
		g = htonl(fz_grp[(gb >> 3) % FZ_NGRP]), gm = htonl(0xf0000000);
	} else if (gb % 8 == 7) {
		g = htonl(fz_grp[(gb >> 3) % FZ_NGRP]);
		gm = odd_masks[(gb >> 6) % 4];
	}
	fz.actor[fz.depth] = slot;
	if (fz.depth == 0)
		fz.actor_member = 1;
	fz_trace("%s h %#lx (protocol %d) (%08x/%08x,%08x/%08x) key %d flags %#x",
		 add ? "add" : "delete", (unsigned long)h, slot, ntohl(s), sm,
		 ntohl(g), gm, k, flags);
	if (add)
		st = mgm_add_group_membership(fz.mgm, h, s, sm, g, gm,
					      fz_key_if(k), fz_key_nh(k), flags);
	else
		st = mgm_delete_group_membership(fz.mgm, h, s, sm, g, gm,
						 fz_key_if(k), fz_key_nh(k),
						 flags);
	fz_trace("  -> %s", mgm_status_str(st));
	if (add)
		FZ_STATUS(fn, st, MGM_OK, MGM_ERR_INVALID_PARAMETER,
			  MGM_ERR_NO_MEMORY, MGM_ERR_CAN_NOT_COMPLETE);
	else
		FZ_STATUS(fn, st, MGM_OK, MGM_ERR_INVALID_PARAMETER,
			  MGM_ERR_NO_MEMORY, MGM_ERR_CAN_NOT_COMPLETE,
			  MGM_ERR_NOT_FOUND);
	if (fz.depth == 0 && st == MGM_ERR_CAN_NOT_COMPLETE)
		fz_fail("%s: CAN_NOT_COMPLETE outside ENABLE_IGMP", fn);
	bad = cls == FZ_H_ZERO || cls == FZ_H_STALE || flags == 0 ||
	      (flags & ~(MGM_JOIN_STATE_FLAG | MGM_FORWARD_STATE_FLAG)) ||
	      !fz_mask_ok(sm) || !fz_mask_ok(gm);
	not_owner = cls == FZ_H_LIVE && !fz_owns(slot, k);
	if (bad || (add && not_owner))
		fz_expect(fn, st, MGM_ERR_INVALID_PARAMETER);
	else if (not_owner && st != MGM_ERR_NOT_FOUND)
		fz_expect(fn, st, MGM_ERR_INVALID_PARAMETER);
}

static void
fz_op_data(int wrong_if)
{
	uint32_t s = fz_pick_source(), g = fz_pick_group();
	uint8_t kb = fz_u8(), len = fz_u8() % 48;
	uint32_t ifindex = kb < 240 ? fz_key_if(kb % FZ_NKEY) : 999;
	uint32_t nh = kb < 240 ? fz_key_nh(kb % FZ_NKEY) : 0;
	uint8_t *hdr = len ? fz_alloc(len) : NULL;
	enum mgm_status st;

	for (uint8_t i = 0; i < len; i++)
		hdr[i] = fz_u8();
	fz_trace("%s (%08x,%08x) on %u/%08x hdr %u", wrong_if ? "wrong_if" :
		 "miss", ntohl(s), ntohl(g), ifindex, ntohl(nh), len);
	if (wrong_if) {
		st = mgm_forwarder_wrong_if(fz.mgm, s, g, ifindex, nh, hdr, len);
		FZ_STATUS("forwarder_wrong_if", st, MGM_OK, MGM_ERR_NOT_FOUND,
			  MGM_ERR_INVALID_PARAMETER);
	} else {
		st = mgm_forwarder_miss(fz.mgm, s, g, ifindex, nh, hdr, len);
		FZ_STATUS("forwarder_miss", st, MGM_OK,
			  MGM_ERR_INVALID_PARAMETER, MGM_ERR_NO_MEMORY);
		if (!fz_is_multicast(g))
			fz_expect("forwarder_miss", st,
				  MGM_ERR_INVALID_PARAMETER);
		if (st == MGM_OK && fz.depth == 0 && !fz.reentered &&
		    fz_fwd_find(s, g) == NULL)
			fz_fail("miss (%08x,%08x) OK but nothing installed",
				ntohl(s), ntohl(g));
	}
	fz_trace("  -> %s", mgm_status_str(st));
	free(hdr);
}

/* kind: 0 plain, 1 STATS_0, 2 STATS_1, 3 invalid stats flags. */
static uint32_t
fz_pick_kind(uint8_t b, uint32_t *flags)
{
	static const uint32_t bad[] = { 0, 3, 0x80, 0xffffffff };

	switch (b % 4) {
	case 1:
		*flags = MGM_MFE_STATS_0;
		return 1;
	case 2:
		*flags = MGM_MFE_STATS_1;
		return 2;
	case 3:
		*flags = bad[(b >> 2) % 4];
		return 3;
	}
	*flags = 0;
	return 0;
}

static void
fz_op_get_mfe(void)
{
	struct mgm_mfe key = { 0 };
	uint32_t flags, kind = fz_pick_kind(fz_u8(), &flags);
	uint32_t size0 = fz_pick_size(), size = size0;
	uint8_t *buf = fz_alloc(size0);
	const struct fz_fwd_entry *f;
	enum mgm_status st;

	key.source = fz_pick_source();
	key.group = fz_pick_group();
	key.source_mask = fz_u8() < 128 ? 0xffffffff : 0;
	fz_trace("get_mfe%s (%08x,%08x) size %u flags %#x",
		 kind ? "_stats" : "", ntohl(key.source), ntohl(key.group),
		 size0, flags);
	if (kind == 0)
		st = mgm_get_mfe(fz.mgm, &key, &size, buf);
	else
		st = mgm_get_mfe_stats(fz.mgm, &key, &size, buf, flags);
	fz_trace("  -> %s size %u", mgm_status_str(st), size);
	FZ_STATUS("get_mfe", st, MGM_OK, MGM_ERR_INSUFFICIENT_BUFFER,
		  MGM_ERR_NOT_FOUND, MGM_ERR_INVALID_PARAMETER);
	if (kind == 3) {
		fz_expect("get_mfe_stats(bad flags)", st,
			  MGM_ERR_INVALID_PARAMETER);
		goto out;
	}
	if (st == MGM_ERR_INVALID_PARAMETER)
		fz_fail("get_mfe: INVALID_PARAMETER for valid arguments");
	if (fz.reentered)
		goto out;
	f = fz_fwd_find(key.source, key.group);
	if (st == MGM_ERR_NOT_FOUND) {
		if (f != NULL)
			fz_fail("get_mfe: NOT_FOUND, forwarder has the entry");
	} else if (f == NULL) {
		fz_fail("get_mfe: %s for an MFE the forwarder lacks",
			mgm_status_str(st));
	} else if (st == MGM_ERR_INSUFFICIENT_BUFFER) {
		if (size != fz_rec_fixed(kind) + f->n * fz_rec_per_oif(kind) ||
		    size <= size0)
			fz_fail("get_mfe: INSUFFICIENT_BUFFER size %u (had %u, n %u)",
				size, size0, f->n);
	} else {
		if (size != size0)
			fz_fail("get_mfe: OK changed size %u -> %u", size0, size);
		if (memcmp(buf, &key.group, 4) || memcmp(buf + 4, &key.source, 4))
			fz_fail("get_mfe: record is not the requested key");
		if (fz_rec_size(buf, (int)kind) > size0)
			fz_fail("get_mfe: record larger than the buffer");
		fz_check_record(buf, (int)kind, "get_mfe");
	}
out:
	free(buf);
}

static void
fz_op_enum_mfe(void)
{
	uint8_t b = fz_u8();
	int next = b & 0x10;
	uint32_t flags, kind = fz_pick_kind(b, &flags);
	uint32_t size0 = fz_pick_size(), size = size0, count = 0xdead;
	uint8_t *buf = fz_alloc(size0);
	struct mgm_mfe start = fz.last;
	enum mgm_status st;
	size_t off = 0;
	uint32_t ps = 0, pg = 0;
	const char *fn = next ? "get_next_mfe" : "get_first_mfe";

	if (b & 0x20) {
		start.source = fz_pick_source();
		start.group = fz_pick_group();
	}
	fz_trace("%s%s from (%08x,%08x) size %u flags %#x", fn,
		 kind ? "_stats" : "", ntohl(start.source),
		 ntohl(start.group), size0, flags);
	if (kind == 0)
		st = next ? mgm_get_next_mfe(fz.mgm, &start, &size, buf, &count)
			  : mgm_get_first_mfe(fz.mgm, &size, buf, &count);
	else
		st = next ? mgm_get_next_mfe_stats(fz.mgm, &start, &size, buf,
						   &count, flags)
			  : mgm_get_first_mfe_stats(fz.mgm, &size, buf, &count,
						    flags);
	fz_trace("  -> %s size %u count %u", mgm_status_str(st), size, count);
	FZ_STATUS(fn, st, MGM_ERR_MORE_DATA, MGM_ERR_NO_MORE_ITEMS,
		  MGM_ERR_INSUFFICIENT_BUFFER, MGM_ERR_INVALID_PARAMETER);
	if (kind == 3) {
		fz_expect(fn, st, MGM_ERR_INVALID_PARAMETER);
		goto out;
	}
	if (st == MGM_ERR_INVALID_PARAMETER)
		fz_fail("%s: INVALID_PARAMETER for valid arguments", fn);
	if (st == MGM_ERR_INSUFFICIENT_BUFFER) {
		if (count != 0 || size <= size0 ||
		    (size - fz_rec_fixed(kind)) % fz_rec_per_oif(kind) != 0)
			fz_fail("%s: INSUFFICIENT_BUFFER size %u count %u", fn,
				size, count);
		goto out;
	}
	if (st == MGM_ERR_MORE_DATA && count == 0)
		fz_fail("%s: MORE_DATA with 0 records", fn);
	if (count > size0 / fz_rec_fixed(kind))
		fz_fail("%s: %u records in %u bytes", fn, count, size0);
	for (uint32_t i = 0; i < count; i++) {
		uint32_t s, g;

		if (off + fz_rec_fixed(kind) > size0)
			fz_fail("%s: record %u past the buffer", fn, i);
		memcpy(&g, buf + off, 4);
		memcpy(&s, buf + off + 4, 4);
		if ((i > 0 || next) &&
		    fz_key_cmp(s, g, i ? ps : start.source,
			       i ? pg : start.group) <= 0)
			fz_fail("%s: (%08x,%08x) not after (%08x,%08x)", fn,
				ntohl(s), ntohl(g), ntohl(i ? ps : start.source),
				ntohl(i ? pg : start.group));
		ps = s, pg = g;
		if (off + fz_rec_size(buf + off, (int)kind) > size0)
			fz_fail("%s: record %u ends past the buffer", fn, i);
		if (!fz.reentered)
			fz_check_record(buf + off, (int)kind, fn);
		off += fz_rec_size(buf + off, (int)kind);
		fz.last.source = s;
		fz.last.group = g;
	}
	/* No MFE skipped: the forwarder has none between start and the last
	 * record, nor after it at the end. */
	if (!fz.reentered) {
		uint32_t between = 0;

		for (uint32_t i = 0; i < fz.nfwd; i++) {
			const struct fz_fwd_entry *f = &fz.fwd[i];
			int after = !next || fz_key_cmp(f->source, f->group,
						start.source, start.group) > 0;
			int upto = count > 0 &&
				   fz_key_cmp(f->source, f->group, ps, pg) <= 0;

			if (after && upto)
				between++;
			if (after && !upto && st == MGM_ERR_NO_MORE_ITEMS &&
			    (count == 0 ||
			     fz_key_cmp(f->source, f->group, ps, pg) > 0))
				fz_fail("%s: NO_MORE_ITEMS but (%08x,%08x) remains",
					fn, ntohl(f->source), ntohl(f->group));
		}
		if (between != count)
			fz_fail("%s: %u records, forwarder has %u in range", fn,
				count, between);
	}
out:
	free(buf);
}

static void
fz_op_set_mfe(void)
{
	mgm_handle_t h = fz_pick_handle();
	struct mgm_mfe mfe = { 0 }, *got;
	uint32_t size = FZ_BIG_BUF;
	int slot;
	enum fz_hclass cls = fz_classify(h, &slot);
	enum mgm_status st;

	mfe.source = fz_pick_source();
	mfe.group = fz_pick_group();
	mfe.upstream_nbr = fz_u32();
	mfe.in_ifindex = fz_u8(); /* ignored by set_mfe */
	fz.actor[fz.depth] = slot;
	fz_trace("set_mfe h %#lx (%08x,%08x) upstream %08x", (unsigned long)h,
		 ntohl(mfe.source), ntohl(mfe.group), ntohl(mfe.upstream_nbr));
	st = mgm_set_mfe(fz.mgm, h, &mfe);
	fz_trace("  -> %s", mgm_status_str(st));
	FZ_STATUS("set_mfe", st, MGM_OK, MGM_ERR_INVALID_PARAMETER,
		  MGM_ERR_NOT_FOUND);
	if (cls == FZ_H_ZERO || cls == FZ_H_STALE)
		fz_expect("set_mfe", st, MGM_ERR_INVALID_PARAMETER);
	if (cls != FZ_H_LIVE || fz.depth != 0 || fz.reentered)
		return;
	fz_expect("set_mfe", st, fz_fwd_find(mfe.source, mfe.group) ?
		  MGM_OK : MGM_ERR_NOT_FOUND);
	if (st != MGM_OK)
		return;
	st = mgm_get_mfe(fz.mgm, &mfe, &size, fz_buf);
	got = (struct mgm_mfe *)fz_buf;
	if (st == MGM_OK && !fz.reentered &&
	    got->upstream_nbr != mfe.upstream_nbr)
		fz_fail("set_mfe OK but upstream is %08x", got->upstream_nbr);
}

static void
fz_op_genum_start(void)
{
	static const uint32_t types[] = { MGM_ENUM_ANY_SOURCE,
					  MGM_ENUM_ALL_SOURCES, 2, 0xffffffff };
	mgm_handle_t h = fz_pick_handle(), e = 0;
	uint8_t b = fz_u8();
	uint32_t type = types[b % 4 < 2 ? b % 4 : (b >> 2) % 4];
	int i = (b >> 4) % FZ_NENUM, slot;
	enum fz_hclass cls = fz_classify(h, &slot);
	enum mgm_status st;

	fz.actor[fz.depth] = slot;
	fz_trace("group_enum_start h %#lx type %u -> enum %d", (unsigned long)h,
		 type, i);
	st = mgm_group_enum_start(fz.mgm, h, (enum mgm_enum_type)type, &e);
	fz_trace("  -> %s e %#lx", mgm_status_str(st), (unsigned long)e);
	FZ_STATUS("group_enum_start", st, MGM_OK, MGM_ERR_INVALID_PARAMETER,
		  MGM_ERR_NO_MEMORY);
	if (cls == FZ_H_ZERO || cls == FZ_H_STALE || (cls == FZ_H_LIVE &&
	    type > MGM_ENUM_ALL_SOURCES))
		fz_expect("group_enum_start", st, MGM_ERR_INVALID_PARAMETER);
	else if (cls == FZ_H_LIVE)
		fz_expect("group_enum_start", st, MGM_OK);
	if (st != MGM_OK)
		return;
	if (e == 0)
		fz_fail("group_enum_start OK with handle 0");
	/* An enumeration left open here is MGM's to free at destroy. */
	memset(&fz.en[i], 0, sizeof(fz.en[i]));
	fz.en[i].h = e;
	fz.en[i].owner = slot;
	fz.en[i].type = (int)type;
}

static struct fz_enum *
fz_find_enum(mgm_handle_t e, int *stale)
{
	*stale = 0;
	if (e == 0)
		return NULL;
	for (int i = 0; i < FZ_NENUM; i++)
		if (fz.en[i].h == e)
			return &fz.en[i];
	for (uint32_t i = 0; i < fz.nstale_enum && i < FZ_NSTALE; i++)
		if (fz.stale_enum[i] == e)
			*stale = 1;
	return NULL;
}

static mgm_handle_t
fz_pick_enum(void)
{
	uint8_t b = fz_u8();

	if (b < 200)
		return fz.en[b % FZ_NENUM].h;
	if (b < 230)
		return fz.stale_enum[b % FZ_NSTALE];
	if (b < 245)
		return fz.proto[b % FZ_NPROTO].h;
	return (mgm_handle_t)fz_u32();
}

static void
fz_op_genum_next(void)
{
	mgm_handle_t e = fz_pick_enum();
	uint32_t size0 = fz_pick_size(), size = size0, count = 0xdead;
	uint8_t *buf = fz_alloc(size0);
	int stale;
	struct fz_enum *en = fz_find_enum(e, &stale);
	enum mgm_status st;

	fz_trace("group_enum_next e %#lx size %u", (unsigned long)e, size0);
	st = mgm_group_enum_next(fz.mgm, e, &size, buf, &count);
	fz_trace("  -> %s size %u count %u", mgm_status_str(st), size, count);
	FZ_STATUS("group_enum_next", st, MGM_ERR_MORE_DATA,
		  MGM_ERR_NO_MORE_ITEMS, MGM_ERR_INSUFFICIENT_BUFFER,
		  MGM_ERR_INVALID_PARAMETER);
	if (e == 0 || (stale && en == NULL))
		fz_expect("group_enum_next", st, MGM_ERR_INVALID_PARAMETER);
	if (en == NULL)
		goto out;
	if (size0 < sizeof(struct mgm_source_group)) {
		fz_expect("group_enum_next", st, MGM_ERR_INSUFFICIENT_BUFFER);
		if (st == MGM_ERR_INSUFFICIENT_BUFFER && size != 16)
			fz_fail("group_enum_next: INSUFFICIENT size %u", size);
		goto out;
	}
	if (st == MGM_ERR_INVALID_PARAMETER || st == MGM_ERR_INSUFFICIENT_BUFFER)
		fz_expect("group_enum_next", st, MGM_ERR_MORE_DATA);
	if (st != MGM_ERR_MORE_DATA && st != MGM_ERR_NO_MORE_ITEMS)
		goto out;
	if (count > size0 / sizeof(struct mgm_source_group))
		fz_fail("group_enum_next: %u records in %u bytes", count, size0);
	for (uint32_t i = 0; i < count; i++) {
		struct mgm_source_group r;

		memcpy(&r, buf + i * sizeof(r), sizeof(r));
		if (!fz_mask_ok(r.source_mask) || !fz_mask_ok(r.group_mask))
			fz_fail("group_enum_next: masks %08x %08x",
				r.source_mask, r.group_mask);
		if (en->type == MGM_ENUM_ANY_SOURCE &&
		    (r.source != 0 || r.source_mask != 0))
			fz_fail("group_enum_next: ANY_SOURCE record with source %08x",
				ntohl(r.source));
		for (uint32_t j = 0; j < en->nseen; j++)
			if (!memcmp(&en->seen[j], &r, sizeof(r)))
				fz_fail("group_enum_next: (%08x,%08x) twice",
					ntohl(r.source), ntohl(r.group));
		if (en->nseen < FZ_ENUM_SEEN)
			en->seen[en->nseen++] = r;
	}
out:
	free(buf);
}

static void
fz_op_genum_end(void)
{
	mgm_handle_t e = fz_pick_enum();
	int stale;
	struct fz_enum *en = fz_find_enum(e, &stale);
	enum mgm_status st;

	fz_trace("group_enum_end e %#lx", (unsigned long)e);
	st = mgm_group_enum_end(fz.mgm, e);
	fz_trace("  -> %s", mgm_status_str(st));
	FZ_STATUS("group_enum_end", st, MGM_OK, MGM_ERR_INVALID_PARAMETER);
	if (en != NULL)
		fz_expect("group_enum_end", st, MGM_OK);
	else if (e == 0 || stale)
		fz_expect("group_enum_end", st, MGM_ERR_INVALID_PARAMETER);
	if (en != NULL && st == MGM_OK)
		fz_enum_retire((int)(en - fz.en));
}

/* RTM operations ------------------------------------------------------ */

static const uint32_t fz_rtm_proto[FZ_NRTM] = { RTM_PROTO_IP_NETMGMT,
						RTM_PROTO_IP_RIP };

static rtm_client_t
fz_pick_client(int *live, int *stale)
{
	uint8_t b = fz_u8();
	rtm_client_t c;

	if (b < 224)
		c = fz.rtm_client[b % FZ_NRTM];
	else if (b < 240)
		c = fz.rtm_stale;
	else
		c = (rtm_client_t)fz_u32();
	*live = c != 0 && (c == fz.rtm_client[0] || c == fz.rtm_client[1]);
	*stale = !*live && (c == 0 || c == fz.rtm_stale);
	return c;
}

static void
fz_op_rtm_register(void)
{
	static const uint32_t fam[8] = { 1, 1, 1, 1, 1, 1, RTM_FAMILY_IPX, 2 };
	static const uint32_t flg[4] = { 0, 0, RTM_SINGLE_ROUTE, 2 };
	uint8_t b = fz_u8();
	int slot = b % FZ_NRTM;
	uint32_t family = fam[(b >> 1) % 8], flags = flg[(b >> 4) % 4];
	enum rtm_status err = (enum rtm_status)-1;
	rtm_client_t c;

	fz_trace("rtm_register %u family %u flags %u fd %d", fz_rtm_proto[slot],
		 family, flags, (b & 0x40) ? fz.efd : -1);
	c = rtm_register_client(fz.rtm, family, fz_rtm_proto[slot],
				(b & 0x40) ? fz.efd : -1, flags, &err);
	fz_trace("  -> %#lx err %d", (unsigned long)c, (int)err);
	FZ_RTM_STATUS("rtm_register_client", err, RTM_OK,
		      RTM_ERR_ALREADY_EXISTS, RTM_ERR_INVALID_PARAMETER,
		      RTM_ERR_NO_MEMORY);
	if ((c != 0) != (err == RTM_OK))
		fz_fail("rtm_register_client: client %#lx with status %d",
			(unsigned long)c, (int)err);
	if ((family > RTM_FAMILY_IP || flags > RTM_SINGLE_ROUTE) && c != 0)
		fz_fail("rtm_register_client accepted family %u flags %u",
			family, flags);
	if (c == 0)
		return;
	if (fz.rtm_client[slot] != 0) {
		/* Same protocol in the other family: fine, but keep one. */
		if (rtm_deregister_client(fz.rtm, c) != RTM_OK)
			fz_fail("rtm_deregister_client of a fresh client");
		return;
	}
	fz.rtm_client[slot] = c;
}

static void
fz_op_rtm_deregister(void)
{
	int live, stale;
	rtm_client_t c = fz_pick_client(&live, &stale);
	enum rtm_status st;

	fz_trace("rtm_deregister %#lx", (unsigned long)c);
	st = rtm_deregister_client(fz.rtm, c);
	fz_trace("  -> %d", (int)st);
	FZ_RTM_STATUS("rtm_deregister_client", st, RTM_OK,
		      RTM_ERR_INVALID_HANDLE);
	if ((live && st != RTM_OK) || (stale && st != RTM_ERR_INVALID_HANDLE))
		fz_fail("rtm_deregister_client: status %d for a %s handle",
			(int)st, live ? "live" : "stale");
	if (live) {
		fz.rtm_stale = c;
		fz.rtm_client[c == fz.rtm_client[1]] = 0;
	}
}

static void
fz_op_rtm_route(int add)
{
	static const uint32_t ttls[8] = { 0, 1, 2, 5, 60, RTM_INFINITE,
					  RTM_MAX_TTL, RTM_MAX_TTL + 1 };
	int live, stale;
	rtm_client_t c = fz_pick_client(&live, &stale);
	uint8_t pb = fz_u8(), ib = fz_u8(), mb = fz_u8();
	uint32_t ttl = ttls[mb % 8], flags = 0xdead;
	struct rtm_ip_route r = { 0 }, cur, prev;
	enum rtm_status st;

	r.network.number = htonl(fz_prefix[pb % FZ_NPREFIX].net);
	r.network.mask = htonl(fz_prefix[pb % FZ_NPREFIX].mask);
	r.ifindex = ib < 224 ? 1 + ib % 4 : (ib & 1 ? 999 : 0);
	r.next_hop.number = htonl(0x0a000002 + (ib >> 2) % 3);
	r.next_hop.mask = 0xffffffff;
	r.fsd.type = RTM_IP_TYPE_REMOTE;
	r.fsd.flags = RTM_IP_VALID_ROUTE;
	r.fsd.metric = (mb >> 3) % 4;
	r.psd.data[0] = pb;
	fz_trace("rtm_%s %#lx %08x/%08x if %u nh %08x metric %u ttl %u",
		 add ? "add" : "delete", (unsigned long)c,
		 ntohl(r.network.number), ntohl(r.network.mask), r.ifindex,
		 ntohl(r.next_hop.number), r.fsd.metric, ttl);
	if (add) {
		st = rtm_add_route(fz.rtm, c, &r, ttl, &flags,
				   (mb & 0x80) ? &cur : NULL, &prev);
		FZ_RTM_STATUS("rtm_add_route", st, RTM_OK,
			      RTM_ERR_INVALID_HANDLE,
			      RTM_ERR_INVALID_PARAMETER, RTM_ERR_NO_MEMORY);
		if (st == RTM_OK && flags != RTM_CHANGE_NONE &&
		    flags != RTM_CHANGE_ADDED && flags != RTM_CHANGE_CHANGED)
			fz_fail("rtm_add_route: flags %#x", flags);
		if (live && st == RTM_OK && ttl != RTM_INFINITE &&
		    ttl > RTM_MAX_TTL)
			fz_fail("rtm_add_route accepted ttl %u", ttl);
	} else {
		st = rtm_delete_route(fz.rtm, c, &r, &flags,
				      (mb & 0x80) ? &cur : NULL);
		FZ_RTM_STATUS("rtm_delete_route", st, RTM_OK,
			      RTM_ERR_INVALID_HANDLE,
			      RTM_ERR_INVALID_PARAMETER, RTM_ERR_NO_SUCH_ROUTE);
		if (st == RTM_OK && flags != RTM_CHANGE_NONE &&
		    flags != RTM_CHANGE_DELETED && flags != RTM_CHANGE_CHANGED)
			fz_fail("rtm_delete_route: flags %#x", flags);
	}
	fz_trace("  -> %d flags %#x", (int)st, flags);
	if (stale && st != RTM_ERR_INVALID_HANDLE)
		fz_fail("rtm route %s with a stale client: %d",
			add ? "add" : "delete", (int)st);
}

static void
fz_op_rtm_misc(void)
{
	uint8_t b = fz_u8();
	int live, stale;
	struct rtm_ip_route r, cur, prev;
	uint32_t dest, flags;
	enum rtm_status st;

	if (b & 1) {
		rtm_client_t c = fz_pick_client(&live, &stale);

		fz_trace("rtm_dequeue %#lx", (unsigned long)c);
		for (int i = 0; i < 8; i++) {
			st = rtm_dequeue_change(fz.rtm, c, &flags, &cur, &prev);
			FZ_RTM_STATUS("rtm_dequeue_change", st, RTM_OK,
				      RTM_ERR_MORE_MESSAGES,
				      RTM_ERR_NO_MESSAGES,
				      RTM_ERR_INVALID_HANDLE);
			if (st != RTM_ERR_MORE_MESSAGES)
				break;
		}
		return;
	}
	dest = b & 2 ? fz_u32() : htonl(fz_src[(b >> 2) % FZ_NSRC]);
	fz_trace("rtm_lookup %08x", ntohl(dest));
	if (rtm_lookup_ip(fz.rtm, dest, &r) &&
	    (dest & r.network.mask) != (r.network.number & r.network.mask))
		fz_fail("rtm_lookup_ip(%08x) gave %08x/%08x", ntohl(dest),
			ntohl(r.network.number), ntohl(r.network.mask));
}

static void
fz_op_clock(void)
{
	static const uint64_t steps_ms[8] = { 0, 1, 500, 1000, 2000, 10000,
					      901000, 3600000 };
	uint8_t b = fz_u8();

	fz.now_ns += steps_ms[b % 8] * 1000000ull;
	fz_trace("clock +%llu ms%s%s", (unsigned long long)steps_ms[b % 8],
		 b & 0x10 ? " mgm_run_timers" : "",
		 b & 0x20 ? " rtm_run_timers" : "");
	if (b & 0x20)
		(void)rtm_run_timers(fz.rtm);
	if (b & 0x10)
		(void)mgm_run_timers(fz.mgm);
}

static void
fz_op_forwarder(void)
{
	uint8_t b = fz_u8();
	enum mgm_status st;

	if (b & 1) {
		fz.fail_reads = !fz.fail_reads;
		fz_trace("forwarder read_counters %s",
			 fz.fail_reads ? "fails" : "works");
		return;
	}
	/* Detach, forget, attach: MGM must install every MFE again. */
	fz_trace("forwarder reattach");
	st = mgm_set_forwarder(fz.mgm, NULL, NULL);
	FZ_STATUS("set_forwarder(NULL)", st, MGM_OK,
		  MGM_ERR_INVALID_PARAMETER);
	fz.nfwd = 0;
	st = mgm_set_forwarder(fz.mgm, &fz_fwd_ops, &fz);
	FZ_STATUS("set_forwarder", st, MGM_OK, MGM_ERR_NO_MEMORY);
	if (st != MGM_OK)
		fz_fail("set_forwarder failed: %s", mgm_status_str(st));
}

static void
fz_op_protocol_ctx(void)
{
	mgm_handle_t h = fz_pick_handle();
	int slot;
	enum fz_hclass cls = fz_classify(h, &slot);
	void *ctx = mgm_protocol_ctx(fz.mgm, h);

	if (cls == FZ_H_LIVE && ctx != &fz.proto[slot])
		fz_fail("protocol_ctx of protocol %d is %p", slot, ctx);
	if ((cls == FZ_H_ZERO || cls == FZ_H_STALE) && ctx != NULL)
		fz_fail("protocol_ctx of a dead handle is %p", ctx);
}

enum fz_opcode {
	FZ_OP_REGISTER,
	FZ_OP_DEREGISTER,
	FZ_OP_TAKE,
	FZ_OP_RELEASE,
	FZ_OP_GET_PROTOCOL,
	FZ_OP_ADD,
	FZ_OP_ADD2, /* memberships are what make MFEs interesting */
	FZ_OP_DELETE,
	FZ_OP_MISS,
	FZ_OP_MISS2,
	FZ_OP_WRONG_IF,
	FZ_OP_GET_MFE,
	FZ_OP_ENUM_MFE,
	FZ_OP_SET_MFE,
	FZ_OP_GENUM_START,
	FZ_OP_GENUM_NEXT,
	FZ_OP_GENUM_END,
	FZ_OP_RTM_REGISTER,
	FZ_OP_RTM_DEREGISTER,
	FZ_OP_RTM_ADD,
	FZ_OP_RTM_DELETE,
	FZ_OP_RTM_MISC,
	FZ_OP_CLOCK,
	FZ_OP_FORWARDER,
	FZ_OP_PROTOCOL_CTX,
	FZ_OP_COUNT
};

static void
fz_op(void)
{
	switch (fz_u8() % FZ_OP_COUNT) {
	case FZ_OP_REGISTER: fz_op_register(); break;
	case FZ_OP_DEREGISTER: fz_op_deregister(); break;
	case FZ_OP_TAKE: fz_op_ownership(1); break;
	case FZ_OP_RELEASE: fz_op_ownership(0); break;
	case FZ_OP_GET_PROTOCOL: fz_op_get_protocol(); break;
	case FZ_OP_ADD:
	case FZ_OP_ADD2: fz_op_membership(1); break;
	case FZ_OP_DELETE: fz_op_membership(0); break;
	case FZ_OP_MISS:
	case FZ_OP_MISS2: fz_op_data(0); break;
	case FZ_OP_WRONG_IF: fz_op_data(1); break;
	case FZ_OP_GET_MFE: fz_op_get_mfe(); break;
	case FZ_OP_ENUM_MFE: fz_op_enum_mfe(); break;
	case FZ_OP_SET_MFE: fz_op_set_mfe(); break;
	case FZ_OP_GENUM_START: fz_op_genum_start(); break;
	case FZ_OP_GENUM_NEXT: fz_op_genum_next(); break;
	case FZ_OP_GENUM_END: fz_op_genum_end(); break;
	case FZ_OP_RTM_REGISTER: fz_op_rtm_register(); break;
	case FZ_OP_RTM_DEREGISTER: fz_op_rtm_deregister(); break;
	case FZ_OP_RTM_ADD: fz_op_rtm_route(1); break;
	case FZ_OP_RTM_DELETE: fz_op_rtm_route(0); break;
	case FZ_OP_RTM_MISC: fz_op_rtm_misc(); break;
	case FZ_OP_CLOCK: fz_op_clock(); break;
	case FZ_OP_FORWARDER: fz_op_forwarder(); break;
	case FZ_OP_PROTOCOL_CTX: fz_op_protocol_ctx(); break;
	}
}

/* Whole-state invariants ---------------------------------------------- */

static void
fz_check(void)
{
	uint32_t size = FZ_BIG_BUF, count = 0, total = 0, ps = 0, pg = 0;
	uint32_t live = 0, neg = 0;
	struct mgm_mfe start = { 0 };
	struct mgm_counters c;
	enum mgm_status st;

	fz.checking = 1;
	st = mgm_get_first_mfe(fz.mgm, &size, fz_buf, &count);
	for (;;) {
		size_t off = 0;

		FZ_STATUS("get_first/next_mfe", st, MGM_ERR_MORE_DATA,
			  MGM_ERR_NO_MORE_ITEMS);
		for (uint32_t i = 0; i < count; i++) {
			uint32_t s, g;

			memcpy(&g, fz_buf + off, 4);
			memcpy(&s, fz_buf + off + 4, 4);
			if (total > 0 && fz_key_cmp(s, g, ps, pg) <= 0)
				fz_fail("MFE table not ascending at (%08x,%08x)",
					ntohl(s), ntohl(g));
			ps = s, pg = g, total++;
			if (off + fz_rec_size(fz_buf + off, 0) > FZ_BIG_BUF)
				fz_fail("MFE table record past the buffer");
			off += fz_check_record(fz_buf + off, 0, "table");
		}
		if (st == MGM_ERR_NO_MORE_ITEMS)
			break;
		start.source = ps, start.group = pg;
		size = FZ_BIG_BUF;
		st = mgm_get_next_mfe(fz.mgm, &start, &size, fz_buf, &count);
	}
	if (total != fz.nfwd)
		fz_fail("MGM has %u MFEs, the forwarder %u", total, fz.nfwd);

	for (int k = 0; k < FZ_NKEY; k++) {
		uint32_t pid = 0, cid = 0;
		int o = fz.own_route[k] >= 0 ? fz.own_route[k] : fz.own_igmp[k];

		st = mgm_get_protocol_on_interface(fz.mgm, fz_key_if(k),
						   fz_key_nh(k), &pid, &cid);
		for (int i = 0; st == MGM_OK && i < FZ_NPROTO; i++)
			if (fz_proto_ids[i].id == pid &&
			    fz_proto_ids[i].comp == cid && fz.proto[i].h == 0)
				fz_fail("key %d owned by deregistered (%u,%u)",
					k, pid, cid);
		if (o < 0 ? st != MGM_ERR_NOT_FOUND :
		    st != MGM_OK || pid != fz_proto_ids[o].id ||
		    cid != fz_proto_ids[o].comp)
			fz_fail("key %d: %s (%u,%u), model owner %d", k,
				mgm_status_str(st), pid, cid, o);
	}

	for (int i = 0; i < FZ_NPROTO; i++)
		live += fz.proto[i].h != 0;
	for (uint32_t i = 0; i < fz.nfwd; i++)
		neg += fz.fwd[i].n == 0;
	mgm_get_counters(fz.mgm, &c);
	if (c.protocols != live)
		fz_fail("counters: %u protocols, %u registered", c.protocols,
			live);
	if ((c.mfes != fz.nfwd && c.mfes != fz.nfwd - neg) ||
	    c.negative_mfes != neg)
		fz_fail("counters: %u MFEs (%u negative), forwarder %u (%u)",
			c.mfes, c.negative_mfes, fz.nfwd, neg);
	fz.checking = 0;
}

/* libFuzzer entry points --------------------------------------------- */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fz_trace_env;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *t = getenv("FUZZ_MGM_TRACE");

	(void)argc;
	(void)argv;
	fz_trace_env = t != NULL && *t != '\0' && *t != '0';
	return 0;
}

/* Bound the work per input so libFuzzer explores breadth, not length. */
#define FZ_MAX_OPS 400

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t timeouts[4] = { 0, 1, 5, 900 };
	struct rtm_config rcfg = { 0 };
	struct mgm_config mcfg = { 0 };
	uint8_t b;

	memset(&fz, 0, sizeof(fz));
	fz.data = data;
	fz.size = size;
	fz.trace = fz_trace_env;
	fz.now_ns = 1000000000ull;
	for (int i = 0; i < FZ_NPROTO; i++)
		fz.proto[i].idx = i;
	for (int k = 0; k < FZ_NKEY; k++)
		fz.own_route[k] = fz.own_igmp[k] = -1;
	for (int i = 0; i < FZ_NENUM; i++)
		fz.en[i].owner = -1;

	b = fz_u8();
	rcfg.now_ns = fz_now;
	rcfg.log = fz_log;
	fz.rtm = rtm_create(&rcfg);
	if (fz.rtm == NULL)
		abort();
	mcfg.rtm = fz.rtm;
	mcfg.now_ns = fz_now;
	mcfg.log = fz_log;
	mcfg.mfe_timeout_s = timeouts[b % 4];
	if (b & 0x4) {
		mcfg.fwd = &fz_fwd_ops;
		mcfg.fwd_ctx = &fz;
	}
	fz.fail_reads = (b >> 3) & 1;
	fz.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	fz.mgm = mgm_create(&mcfg);
	if (fz.mgm == NULL)
		abort();
	fz_trace("config: mfe timeout %u s, forwarder %s, reads %s",
		 mcfg.mfe_timeout_s, b & 0x4 ? "at create" : "attached",
		 fz.fail_reads ? "fail" : "work");
	if (!(b & 0x4) &&
	    mgm_set_forwarder(fz.mgm, &fz_fwd_ops, &fz) != MGM_OK)
		fz_fail("set_forwarder on a fresh instance failed");

	for (int n = 0; fz.off < fz.size && n < FZ_MAX_OPS; n++) {
		fz.actor[0] = -1;
		fz.actor_member = 0;
		for (int d = 0; d < FZ_MAX_DEPTH + 2; d++)
			fz.pending_key[d] = -1;
		fz.reentered = 0;
		fz_op();
		fz_check();
	}

	mgm_destroy(fz.mgm);
	if (fz.nfwd != 0)
		fz_fail("mgm_destroy left %u entries in the forwarder", fz.nfwd);
	rtm_destroy(fz.rtm);
	if (fz.efd >= 0)
		close(fz.efd);
	return 0;
}
