/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "mgm_test_util.h"

/* Clock ----------------------------------------------------------------- */

uint64_t
tu_clock_now(void *ctx)
{
	return ((struct tu_clock *)ctx)->ns;
}

void
tu_clock_advance_s(struct tu_clock *c, uint64_t s)
{
	c->ns += s * TU_NS_PER_S;
}

/* Fake forwarder ------------------------------------------------------- */

static struct tu_fwd_entry *
fwd_lookup(struct tu_fwd *f, uint32_t s, uint32_t g)
{
	for (unsigned i = 0; i < TU_FWD_MAX; i++)
		if (f->e[i].used && f->e[i].source == s && f->e[i].group == g)
			return &f->e[i];
	return NULL;
}

static void
fwd_log(struct tu_env *env, enum tu_fwd_op_kind kind, uint32_t s, uint32_t g,
	uint32_t iif, uint32_t n)
{
	struct tu_fwd *f = &env->fwd;

	if (f->n_ops < TU_FWD_OPS_MAX)
		f->ops[f->n_ops++] = (struct tu_fwd_op){
			.kind = kind, .source = s, .group = g,
			.in_ifindex = iif, .num_oif = n, .seq = ++env->seq,
		};
}

static int
fwd_set_entry(void *ctx, const struct mgm_fwd_entry *in)
{
	struct tu_env *env = ctx;
	struct tu_fwd *f = &env->fwd;
	struct tu_fwd_entry *e = fwd_lookup(f, in->source, in->group);

	f->n_set++;
	fwd_log(env, TU_FWD_SET, in->source, in->group, in->in_ifindex,
		in->num_oif);
	if (in->num_oif > TU_MAX_OIF)
		return -22; /* EINVAL: more than the fake holds */
	if (e == NULL) {
		for (unsigned i = 0; i < TU_FWD_MAX && e == NULL; i++)
			if (!f->e[i].used)
				e = &f->e[i];
		if (e == NULL)
			return -28; /* ENOSPC */
		memset(e, 0, sizeof(*e));
		e->used = true;
		e->source = in->source;
		e->group = in->group;
	}
	e->in_ifindex = in->in_ifindex;
	e->in_nexthop = in->in_nexthop;
	e->num_oif = in->num_oif;
	for (uint32_t i = 0; i < in->num_oif; i++)
		e->oif[i] = in->oif[i];
	e->seq = env->seq;
	return 0;
}

static int
fwd_delete_entry(void *ctx, uint32_t s, uint32_t g)
{
	struct tu_env *env = ctx;
	struct tu_fwd *f = &env->fwd;
	struct tu_fwd_entry *e = fwd_lookup(f, s, g);

	f->n_delete++;
	fwd_log(env, TU_FWD_DELETE, s, g, 0, 0);
	if (e == NULL) {
		f->n_delete_unknown++;
		return -2; /* ENOENT */
	}
	e->used = false;
	return 0;
}

static int
fwd_read_counters(void *ctx, uint32_t s, uint32_t g,
		  struct mgm_fwd_counters *c, struct mgm_fwd_oif_counters *oc,
		  uint32_t n_oif)
{
	struct tu_env *env = ctx;
	struct tu_fwd_entry *e = fwd_lookup(&env->fwd, s, g);

	env->fwd.n_read++;
	if (e == NULL)
		return -2;
	*c = e->ctr;
	for (uint32_t i = 0; i < n_oif; i++) {
		uint32_t ifx = oc[i].ifindex, nh = oc[i].nexthop;

		memset(&oc[i], 0, sizeof(oc[i]));
		oc[i].ifindex = ifx;
		oc[i].nexthop = nh;
		for (uint32_t j = 0; j < e->n_oc; j++)
			if (e->oc[j].ifindex == ifx && e->oc[j].nexthop == nh)
				oc[i] = e->oc[j];
	}
	return 0;
}

const struct mgm_forwarder_ops tu_fwd_ops = {
	.set_entry = fwd_set_entry,
	.delete_entry = fwd_delete_entry,
	.read_counters = fwd_read_counters,
};

const struct tu_fwd_entry *
tu_fwd_find(const struct tu_env *e, uint32_t s, uint32_t g)
{
	return fwd_lookup((struct tu_fwd *)&e->fwd, s, g);
}

struct tu_fwd_entry *
tu_fwd_entry_mut(struct tu_env *e, uint32_t s, uint32_t g)
{
	struct tu_fwd_entry *f = fwd_lookup(&e->fwd, s, g);

	assert_non_null(f);
	return f;
}

unsigned
tu_fwd_count(const struct tu_env *e)
{
	unsigned n = 0;

	for (unsigned i = 0; i < TU_FWD_MAX; i++)
		n += e->fwd.e[i].used;
	return n;
}

bool
tu_fwd_has_oif(const struct tu_fwd_entry *f, uint32_t ifindex,
	       uint32_t nexthop)
{
	for (uint32_t i = 0; i < f->num_oif; i++)
		if (f->oif[i].ifindex == ifindex && f->oif[i].nexthop == nexthop)
			return true;
	return false;
}

void
tu_fwd_set_oif_counters(struct tu_env *e, uint32_t s, uint32_t g,
			uint32_t ifindex, uint32_t nexthop,
			uint64_t out_packets)
{
	struct tu_fwd_entry *f = tu_fwd_entry_mut(e, s, g);

	for (uint32_t j = 0; j < f->n_oc; j++) {
		if (f->oc[j].ifindex == ifindex && f->oc[j].nexthop == nexthop) {
			f->oc[j].out_packets = out_packets;
			return;
		}
	}
	assert_true(f->n_oc < TU_MAX_OIF);
	f->oc[f->n_oc++] = (struct mgm_fwd_oif_counters){
		.ifindex = ifindex, .nexthop = nexthop,
		.out_packets = out_packets,
	};
}

/* Callback recorder ---------------------------------------------------- */

static struct tu_event *
rec_new(struct tu_proto *p, enum tu_cb kind)
{
	struct tu_env *env = p->env;
	struct tu_event *ev;

	assert_true(env->n_log < TU_LOG_MAX);
	ev = &env->log[env->n_log++];
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->to = p;
	ev->seq = ++env->seq;
	return ev;
}

/* Hooks may call MGM, which may log more events: hand the hook a copy so
 * the log can grow under it. */
static void
rec_hook(struct tu_proto *p, const struct tu_event *ev)
{
	struct tu_event copy;

	if (p->hook == NULL)
		return;
	copy = *ev;
	p->hook(p, &copy);
}

static uint32_t
rec_rpf(void *ctx, uint32_t source, uint32_t source_mask, uint32_t group,
	uint32_t group_mask, uint32_t *in_ifindex, uint32_t *in_nexthop,
	uint32_t *upstream_nbr, uint32_t hdr_size, uint8_t *hdr,
	uint8_t *route)
{
	struct tu_proto *p = ctx;
	struct tu_event *ev = rec_new(p, TU_CB_RPF);

	ev->source = source;
	ev->source_mask = source_mask;
	ev->group = group;
	ev->group_mask = group_mask;
	ev->ifindex = *in_ifindex;
	ev->nexthop = *in_nexthop;
	ev->upstream_in = *upstream_nbr;
	ev->hdr_size = hdr_size;
	if (hdr != NULL)
		memcpy(ev->hdr, hdr, hdr_size < TU_HDR_MAX ? hdr_size : TU_HDR_MAX);
	if (route != NULL) {
		ev->has_route = true;
		memcpy(&ev->route, route, sizeof(ev->route));
	}
	if (p->rpf_rewrite) {
		*in_ifindex = p->rpf_ifindex;
		*in_nexthop = p->rpf_nexthop;
		*upstream_nbr = p->rpf_upstream;
	}
	rec_hook(p, ev);
	return p->ret;
}

static uint32_t
rec_creation_alert(void *ctx, uint32_t source, uint32_t source_mask,
		   uint32_t group, uint32_t group_mask, uint32_t in_ifindex,
		   uint32_t in_nexthop, uint32_t count,
		   struct mgm_if_entry *oifs)
{
	struct tu_proto *p = ctx;
	struct tu_event *ev = rec_new(p, TU_CB_CREATION_ALERT);

	ev->source = source;
	ev->source_mask = source_mask;
	ev->group = group;
	ev->group_mask = group_mask;
	ev->ifindex = in_ifindex;
	ev->nexthop = in_nexthop;
	ev->count = count;
	for (uint32_t i = 0; i < count && i < TU_MAX_OIF; i++)
		ev->oifs[i] = oifs[i];
	if (p->veto)
		for (uint32_t i = 0; i < count; i++)
			if (oifs[i].ifindex == p->veto_ifindex &&
			    oifs[i].nexthop == p->veto_nexthop)
				oifs[i].enabled = 0;
	rec_hook(p, ev);
	return p->ret;
}

static uint32_t
rec_prune_alert(void *ctx, uint32_t source, uint32_t source_mask,
		uint32_t group, uint32_t group_mask, uint32_t ifindex,
		uint32_t nexthop, int32_t member_delete, uint32_t *timeout_s)
{
	struct tu_proto *p = ctx;
	struct tu_event *ev = rec_new(p, TU_CB_PRUNE_ALERT);

	ev->source = source;
	ev->source_mask = source_mask;
	ev->group = group;
	ev->group_mask = group_mask;
	ev->ifindex = ifindex;
	ev->nexthop = nexthop;
	ev->flag = member_delete;
	if (timeout_s != NULL) {
		ev->timeout_in = *timeout_s;
		if (p->prune_set_timeout)
			*timeout_s = p->prune_timeout;
	}
	rec_hook(p, ev);
	return p->ret;
}

static uint32_t
rec_join_alert(void *ctx, uint32_t source, uint32_t source_mask,
	       uint32_t group, uint32_t group_mask, int32_t member_update)
{
	struct tu_proto *p = ctx;
	struct tu_event *ev = rec_new(p, TU_CB_JOIN_ALERT);

	ev->source = source;
	ev->source_mask = source_mask;
	ev->group = group;
	ev->group_mask = group_mask;
	ev->flag = member_update;
	rec_hook(p, ev);
	return p->ret;
}

static uint32_t
rec_wrong_if(void *ctx, uint32_t source, uint32_t group, uint32_t ifindex,
	     uint32_t nexthop, uint32_t hdr_size, uint8_t *hdr)
{
	struct tu_proto *p = ctx;
	struct tu_event *ev = rec_new(p, TU_CB_WRONG_IF);

	ev->source = source;
	ev->group = group;
	ev->ifindex = ifindex;
	ev->nexthop = nexthop;
	ev->hdr_size = hdr_size;
	if (hdr != NULL)
		memcpy(ev->hdr, hdr, hdr_size < TU_HDR_MAX ? hdr_size : TU_HDR_MAX);
	rec_hook(p, ev);
	return p->ret;
}

static uint32_t
rec_local(struct tu_proto *p, enum tu_cb kind, uint32_t source,
	  uint32_t source_mask, uint32_t group, uint32_t group_mask,
	  uint32_t ifindex, uint32_t nexthop)
{
	struct tu_event *ev = rec_new(p, kind);

	ev->source = source;
	ev->source_mask = source_mask;
	ev->group = group;
	ev->group_mask = group_mask;
	ev->ifindex = ifindex;
	ev->nexthop = nexthop;
	rec_hook(p, ev);
	return p->ret;
}

static uint32_t
rec_local_join(void *ctx, uint32_t source, uint32_t source_mask,
	       uint32_t group, uint32_t group_mask, uint32_t ifindex,
	       uint32_t nexthop)
{
	return rec_local(ctx, TU_CB_LOCAL_JOIN, source, source_mask, group,
			 group_mask, ifindex, nexthop);
}

static uint32_t
rec_local_leave(void *ctx, uint32_t source, uint32_t source_mask,
		uint32_t group, uint32_t group_mask, uint32_t ifindex,
		uint32_t nexthop)
{
	return rec_local(ctx, TU_CB_LOCAL_LEAVE, source, source_mask, group,
			 group_mask, ifindex, nexthop);
}

static uint32_t
rec_igmp(struct tu_proto *p, enum tu_cb kind, uint32_t ifindex,
	 uint32_t nexthop)
{
	struct tu_event *ev = rec_new(p, kind);

	ev->ifindex = ifindex;
	ev->nexthop = nexthop;
	rec_hook(p, ev);
	return p->ret;
}

static uint32_t
rec_disable_igmp(void *ctx, uint32_t ifindex, uint32_t nexthop)
{
	return rec_igmp(ctx, TU_CB_DISABLE_IGMP, ifindex, nexthop);
}

static uint32_t
rec_enable_igmp(void *ctx, uint32_t ifindex, uint32_t nexthop)
{
	return rec_igmp(ctx, TU_CB_ENABLE_IGMP, ifindex, nexthop);
}

const struct mgm_protocol_ops tu_recorder_ops = {
	.rpf = rec_rpf,
	.creation_alert = rec_creation_alert,
	.prune_alert = rec_prune_alert,
	.join_alert = rec_join_alert,
	.wrong_if = rec_wrong_if,
	.local_join = rec_local_join,
	.local_leave = rec_local_leave,
	.disable_igmp = rec_disable_igmp,
	.enable_igmp = rec_enable_igmp,
};

void
tu_log_clear(struct tu_env *e)
{
	e->n_log = 0;
}

static bool
log_match(const struct tu_event *ev, enum tu_cb kind,
	  const struct tu_proto *to)
{
	return (kind == TU_CB_ANY || ev->kind == kind) &&
	       (to == NULL || ev->to == to);
}

unsigned
tu_log_count(const struct tu_env *e, enum tu_cb kind, const struct tu_proto *to)
{
	unsigned n = 0;

	for (unsigned i = 0; i < e->n_log; i++)
		n += log_match(&e->log[i], kind, to);
	return n;
}

const struct tu_event *
tu_log_find(const struct tu_env *e, enum tu_cb kind, const struct tu_proto *to,
	    unsigned nth)
{
	for (unsigned i = 0; i < e->n_log; i++)
		if (log_match(&e->log[i], kind, to) && nth-- == 0)
			return &e->log[i];
	return NULL;
}

/* Environment ---------------------------------------------------------- */

struct tu_env *
tu_env_new(uint32_t mfe_timeout_s)
{
	struct tu_env *e = calloc(1, sizeof(*e));
	struct rtm_config rc = {0};
	struct mgm_config mc = {0};
	enum rtm_status err;

	assert_non_null(e);
	e->clock.ns = TU_CLOCK_START;
	rc.now_ns = tu_clock_now;
	rc.clock_ctx = &e->clock;
	e->rtm = rtm_create(&rc);
	assert_non_null(e->rtm);
	e->rtm_client = rtm_register_client(e->rtm, RTM_FAMILY_IP,
					    TU_ROUTE_PROTO, -1, 0, &err);
	assert_int_equal(err, RTM_OK);
	assert_true(e->rtm_client != 0);

	mc.rtm = e->rtm;
	mc.now_ns = tu_clock_now;
	mc.clock_ctx = &e->clock;
	mc.fwd = &tu_fwd_ops;
	mc.fwd_ctx = e;
	mc.mfe_timeout_s = mfe_timeout_s;
	e->mgm = mgm_create(&mc);
	assert_non_null(e->mgm);
	return e;
}

void
tu_env_free(struct tu_env *e)
{
	if (e == NULL)
		return;
	if (e->mgm != NULL)
		mgm_destroy(e->mgm);
	if (e->rtm != NULL)
		rtm_destroy(e->rtm);
	free(e);
}

int
tu_setup(void **state)
{
	*state = tu_env_new(0);
	return 0;
}

int
tu_teardown(void **state)
{
	tu_env_free(*state);
	return 0;
}

struct tu_proto *
tu_proto_register(struct tu_env *e, uint32_t protocol_id,
		  uint32_t component_id)
{
	struct tu_proto *p;

	assert_true(e->n_protos < TU_MAX_PROTOS);
	p = &e->protos[e->n_protos++];
	memset(p, 0, sizeof(*p));
	p->env = e;
	p->protocol_id = protocol_id;
	p->component_id = component_id;
	assert_int_equal(mgm_register_protocol(e->mgm, &tu_recorder_ops, p,
					       protocol_id, component_id,
					       &p->h),
			 MGM_OK);
	assert_true(p->h != 0);
	return p;
}

void
tu_take(struct tu_env *e, struct tu_proto *p, uint32_t ifindex,
	uint32_t nexthop)
{
	assert_int_equal(mgm_take_interface_ownership(e->mgm, p->h, ifindex,
						      nexthop),
			 MGM_OK);
}

uint32_t
tu_mask(uint32_t addr)
{
	return addr == 0 ? 0 : TU_HOST;
}

void
tu_join(struct tu_env *e, struct tu_proto *p, uint32_t s, uint32_t g,
	uint32_t ifindex)
{
	assert_int_equal(mgm_add_group_membership(e->mgm, p->h, s, tu_mask(s),
						  g, tu_mask(g), ifindex, 0,
						  MGM_JOIN_STATE_FLAG),
			 MGM_OK);
}

void
tu_leave(struct tu_env *e, struct tu_proto *p, uint32_t s, uint32_t g,
	 uint32_t ifindex)
{
	assert_int_equal(mgm_delete_group_membership(e->mgm, p->h, s,
						     tu_mask(s), g, tu_mask(g),
						     ifindex, 0,
						     MGM_JOIN_STATE_FLAG),
			 MGM_OK);
}

static void
route_fill(struct rtm_ip_route *r, uint32_t net, uint32_t mask,
	   uint32_t ifindex, uint32_t next_hop)
{
	memset(r, 0, sizeof(*r));
	r->protocol = TU_ROUTE_PROTO;
	r->ifindex = ifindex;
	r->network.number = net;
	r->network.mask = mask;
	r->next_hop.number = next_hop;
	r->next_hop.mask = TU_HOST;
	r->fsd.type = RTM_IP_TYPE_REMOTE;
	r->fsd.metric = 1;
	r->fsd.flags = RTM_IP_VALID_ROUTE;
}

void
tu_route_add(struct tu_env *e, uint32_t net, uint32_t mask, uint32_t ifindex,
	     uint32_t next_hop)
{
	struct rtm_ip_route r;
	uint32_t flags = 0;

	route_fill(&r, net, mask, ifindex, next_hop);
	assert_int_equal(rtm_add_route(e->rtm, e->rtm_client, &r, RTM_INFINITE,
				       &flags, NULL, NULL),
			 RTM_OK);
}

void
tu_route_del(struct tu_env *e, uint32_t net, uint32_t mask, uint32_t ifindex,
	     uint32_t next_hop)
{
	struct rtm_ip_route r;
	uint32_t flags = 0;

	route_fill(&r, net, mask, ifindex, next_hop);
	assert_int_equal(rtm_delete_route(e->rtm, e->rtm_client, &r, &flags,
					  NULL),
			 RTM_OK);
}

/* An IPv4 header (UDP) plus 8 bytes of data; contents only need to be
 * recognisable when the RPF callback hands them back. */
const uint8_t tu_hdr[28] = {
	0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x00, 0x00, 0x10, 0x11, 0x00, 0x00,
	10, 1, 1, 1, 239, 1, 1, 1,
	0xde, 0xad, 0xbe, 0xef, 0xca, 0xfe, 0xf0, 0x0d,
};

void
tu_miss(struct tu_env *e, uint32_t s, uint32_t g, uint32_t ifindex)
{
	assert_int_equal(mgm_forwarder_miss(e->mgm, s, g, ifindex, 0, tu_hdr,
					    sizeof(tu_hdr)),
			 MGM_OK);
}

/* MFE helpers ----------------------------------------------------------- */

enum mgm_status
tu_get_mfe(struct tu_env *e, uint32_t s, uint32_t g, union tu_mfe_buf *out)
{
	struct mgm_mfe key = {0};
	uint32_t size = sizeof(*out);

	key.source = s;
	key.group = g;
	key.source_mask = tu_mask(s);
	memset(out, 0, sizeof(*out));
	return mgm_get_mfe(e->mgm, &key, &size, out);
}

void
tu_must_get_mfe(struct tu_env *e, uint32_t s, uint32_t g,
		union tu_mfe_buf *out)
{
	assert_int_equal(tu_get_mfe(e, s, g, out), MGM_OK);
	assert_int_equal(out->mfe.source, s);
	assert_int_equal(out->mfe.group, g);
	assert_true(out->mfe.num_oif <= TU_MAX_OIF);
}

bool
tu_mfe_has_oif(const struct mgm_mfe *m, uint32_t ifindex, uint32_t nexthop)
{
	for (uint32_t i = 0; i < m->num_oif; i++)
		if (m->oif[i].ifindex == ifindex && m->oif[i].nexthop == nexthop)
			return true;
	return false;
}

void
tu_assert_oifs(const struct mgm_mfe *m, unsigned n, ...)
{
	va_list ap;

	assert_int_equal(m->num_oif, n);
	va_start(ap, n);
	for (unsigned i = 0; i < n; i++) {
		uint32_t ifx = va_arg(ap, uint32_t);

		if (!tu_mfe_has_oif(m, ifx, 0))
			fail_msg("OIF %u missing from MFE", ifx);
	}
	va_end(ap);
}

void
tu_assert_fwd_mirrors_mgm(struct tu_env *e)
{
	static uint8_t buf[64 * 1024];
	uint32_t size = sizeof(buf), count = 0, off = 0;
	enum mgm_status st;

	st = mgm_get_first_mfe(e->mgm, &size, buf, &count);
	assert_int_equal(st, MGM_ERR_NO_MORE_ITEMS);
	assert_int_equal(count, tu_fwd_count(e));
	for (uint32_t i = 0; i < count; i++) {
		const struct mgm_mfe *m = (const void *)(buf + off);
		const struct tu_fwd_entry *f = tu_fwd_find(e, m->source, m->group);

		assert_non_null(f);
		assert_int_equal(f->in_ifindex, m->in_ifindex);
		assert_int_equal(f->num_oif, m->num_oif);
		for (uint32_t j = 0; j < m->num_oif; j++)
			assert_true(tu_fwd_has_oif(f, m->oif[j].ifindex,
						   m->oif[j].nexthop));
		off += (uint32_t)MGM_MFE_SIZE(m->num_oif);
	}
}

/* Group enumeration ---------------------------------------------------- */

unsigned
tu_enum_all(struct tu_env *e, struct tu_proto *p, enum mgm_enum_type type,
	    struct mgm_source_group *out, unsigned max)
{
	struct mgm_source_group buf[64];
	mgm_handle_t eh = 0;
	unsigned n = 0;
	enum mgm_status st;

	assert_int_equal(mgm_group_enum_start(e->mgm, p->h, type, &eh), MGM_OK);
	assert_true(eh != 0);
	do {
		uint32_t size = sizeof(buf), count = 0;

		st = mgm_group_enum_next(e->mgm, eh, &size, buf, &count);
		assert_true(st == MGM_ERR_MORE_DATA ||
			    st == MGM_ERR_NO_MORE_ITEMS);
		assert_true(count <= 64);
		for (uint32_t i = 0; i < count; i++) {
			assert_true(n < max);
			out[n++] = buf[i];
		}
	} while (st == MGM_ERR_MORE_DATA);
	assert_int_equal(mgm_group_enum_end(e->mgm, eh), MGM_OK);
	return n;
}

unsigned
tu_sg_count(const struct mgm_source_group *v, unsigned n, uint32_t s,
	    uint32_t sm, uint32_t g, uint32_t gm)
{
	unsigned c = 0;

	for (unsigned i = 0; i < n; i++)
		c += v[i].source == s && v[i].source_mask == sm &&
		     v[i].group == g && v[i].group_mask == gm;
	return c;
}
