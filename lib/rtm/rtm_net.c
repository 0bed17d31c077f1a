/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Networks: every network with at least one route, held twice — in a hash
 * map per prefix length (exact match and longest-prefix match) and in an
 * AVL tree by sort key (ordered walks resume from any key in O(log n)).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "rtm_private.h"

#define RTM_AVL_NET(a) \
	((struct rtm_net *)(void *)((char *)(a)-offsetof(struct rtm_net, avl)))

/*
 * LPM hashes once per length in use on every lookup, so the hash must be
 * cheap: murmur3's finaliser alone (a bijection with full avalanche), not
 * the whole word hash.  Prefixes vary in few bits, and hmap takes the low
 * bits of the hash, so the mixing must reach them.
 */
static inline uint32_t
rtm_net_hash(uint32_t number)
{
	uint32_t h = number * 0x9E3779B1u;

	return h ^ (h >> 15);
}

static uint32_t
rtm_len_mask_be(unsigned len)
{
	return len == 0 ? 0 : htonl(0xFFFFFFFFu << (32 - len));
}

/* Prefix length of a contiguous mask, or -1. */
int
rtm_ip_prefix_len(uint32_t mask_be)
{
	uint32_t inv = ~ntohl(mask_be);

	if ((inv & (inv + 1)) != 0)
		return -1;
	return 32 - __builtin_popcount(inv);
}

/*
 * Read a family's network.  IP networks must be well formed (contiguous
 * mask, no host bits) or they could never match what add accepted.
 */
int
rtm_net_parse(uint32_t family, const void *network, uint32_t *number,
              uint32_t *mask, uint8_t *len)
{
	if (network == NULL)
		return -1;
	if (family == RTM_FAMILY_IP) {
		struct rtm_ip_network n;
		int l;

		memcpy(&n, network, sizeof(n));
		l = rtm_ip_prefix_len(n.mask);
		if (l < 0 || (n.number & ~n.mask) != 0)
			return -1;
		*number = n.number;
		*mask = n.mask;
		*len = (uint8_t)l;
	} else {
		memcpy(number, network, sizeof(*number));
		*mask = 0;
		*len = 0;
	}
	return 0;
}

uint64_t
rtm_net_key(uint32_t family, uint32_t number, uint32_t mask)
{
	if (family == RTM_FAMILY_IP)
		return (uint64_t)ntohl(number) << 32 | ntohl(mask);
	return number;
}

struct rtm_net *
rtm_net_find(struct rtm_family *f, uint32_t number, uint32_t mask, uint8_t len)
{
	uint32_t h = rtm_net_hash(number);

	(void)mask; /* implied by len */
	if ((f->lens & (1ull << len)) == 0)
		return NULL;
	for (struct hmap_node *n = hmap_first_with_hash(&f->maps[len], h); n;
	     n = hmap_next_with_hash(n)) {
		struct rtm_net *net = HMAP_ENTRY(n, struct rtm_net, hnode);

		if (net->number == number)
			return net;
	}
	return NULL;
}

/* LPM filters ------------------------------------------------------------ */

/*
 * Slots per network in a filter: at 8 the chance that a miss still has to
 * probe the map is about 1 in 8.  A count that reaches the top sticks
 * there (never decremented): a false positive costs a probe, a false
 * negative would lose a route.
 */
#define RTM_FILT_SLOTS_PER_NET 8u
#define RTM_FILT_MIN           64u
#define RTM_FILT_STUCK         UINT8_MAX

static void
rtm_filt_add(struct rtm_family *f, unsigned len, uint32_t h)
{
	uint8_t *c = &f->filt[len][h & f->filt_mask[len]];

	if (*c != RTM_FILT_STUCK)
		(*c)++;
}

/* Size the length's filter for its map (called after an insert). */
static void
rtm_filt_fit(struct rtm_family *f, unsigned len)
{
	uint32_t want = RTM_FILT_MIN, count = hmap_count(&f->maps[len]);
	uint8_t *c;

	if (f->filt[len] != NULL &&
	    f->filt_mask[len] + 1 >= count * RTM_FILT_SLOTS_PER_NET)
		return;
	while (want < count * RTM_FILT_SLOTS_PER_NET && want < (1u << 30))
		want <<= 1;
	c = calloc(want, 1);
	if (c == NULL) {
		/* Keep the old, still exact, filter; or go without one. */
		return;
	}
	free(f->filt[len]);
	f->filt[len] = c;
	f->filt_mask[len] = want - 1;
	for (struct hmap_node *n = hmap_first(&f->maps[len]); n;
	     n = hmap_next(&f->maps[len], n))
		rtm_filt_add(f, len, n->hash);
}

static void
rtm_filt_del(struct rtm_family *f, unsigned len, uint32_t h)
{
	uint8_t *c;

	if (f->filt[len] == NULL)
		return;
	c = &f->filt[len][h & f->filt_mask[len]];
	if (*c != RTM_FILT_STUCK)
		(*c)--;
}

static void
rtm_filt_free(struct rtm_family *f, unsigned len)
{
	free(f->filt[len]);
	f->filt[len] = NULL;
	f->filt_mask[len] = 0;
}

/* Longest-prefix match: probe the lengths in use, longest first. */
struct rtm_net *
rtm_net_lpm(const struct rtm_family *f, uint32_t dest_be)
{
	uint64_t lens = f->lens;

	while (lens != 0) {
		unsigned len = 63u - (unsigned)__builtin_clzll(lens);
		uint32_t key = dest_be & rtm_len_mask_be(len);
		uint32_t h = rtm_net_hash(key);

		lens &= ~(1ull << len);
		if (f->filt[len] != NULL &&
		    f->filt[len][h & f->filt_mask[len]] == 0)
			continue;
		for (struct hmap_node *n =
		             hmap_first_with_hash(&f->maps[len], h);
		     n; n = hmap_next_with_hash(n)) {
			struct rtm_net *net =
			        HMAP_ENTRY(n, struct rtm_net, hnode);

			if (net->number == key)
				return net;
		}
	}
	return NULL;
}

/* AVL tree ------------------------------------------------------------ */

static int
rtm_avl_h(const struct rtm_avl *a)
{
	return a != NULL ? a->height : 0;
}

static void
rtm_avl_fix(struct rtm_avl *a)
{
	int l = rtm_avl_h(a->left), r = rtm_avl_h(a->right);

	a->height = (l > r ? l : r) + 1;
}

static struct rtm_avl *
rtm_avl_rot_right(struct rtm_avl *y)
{
	struct rtm_avl *x = y->left;

	y->left = x->right;
	x->right = y;
	rtm_avl_fix(y);
	rtm_avl_fix(x);
	return x;
}

static struct rtm_avl *
rtm_avl_rot_left(struct rtm_avl *x)
{
	struct rtm_avl *y = x->right;

	x->right = y->left;
	y->left = x;
	rtm_avl_fix(x);
	rtm_avl_fix(y);
	return y;
}

static struct rtm_avl *
rtm_avl_balance(struct rtm_avl *a)
{
	int bf = rtm_avl_h(a->left) - rtm_avl_h(a->right);

	rtm_avl_fix(a);
	if (bf > 1) {
		if (rtm_avl_h(a->left->left) < rtm_avl_h(a->left->right))
			a->left = rtm_avl_rot_left(a->left);
		return rtm_avl_rot_right(a);
	}
	if (bf < -1) {
		if (rtm_avl_h(a->right->right) < rtm_avl_h(a->right->left))
			a->right = rtm_avl_rot_right(a->right);
		return rtm_avl_rot_left(a);
	}
	return a;
}

/* Recursion depth is the tree height: under 1.45 log2(n), so < 50. */
static struct rtm_avl *
rtm_avl_insert(struct rtm_avl *root, struct rtm_avl *a, uint64_t key)
{
	if (root == NULL) {
		a->left = a->right = NULL;
		a->height = 1;
		return a;
	}
	if (key < RTM_AVL_NET(root)->key)
		root->left = rtm_avl_insert(root->left, a, key);
	else
		root->right = rtm_avl_insert(root->right, a, key);
	return rtm_avl_balance(root);
}

static struct rtm_avl *
rtm_avl_remove_min(struct rtm_avl *a, struct rtm_avl **min)
{
	if (a->left == NULL) {
		*min = a;
		return a->right;
	}
	a->left = rtm_avl_remove_min(a->left, min);
	return rtm_avl_balance(a);
}

static struct rtm_avl *
rtm_avl_remove(struct rtm_avl *root, uint64_t key)
{
	uint64_t k;

	if (root == NULL)
		return NULL;
	k = RTM_AVL_NET(root)->key;
	if (key < k) {
		root->left = rtm_avl_remove(root->left, key);
	} else if (key > k) {
		root->right = rtm_avl_remove(root->right, key);
	} else {
		struct rtm_avl *min, *right;

		if (root->left == NULL)
			return root->right;
		if (root->right == NULL)
			return root->left;
		right = rtm_avl_remove_min(root->right, &min);
		min->left = root->left;
		min->right = right;
		return rtm_avl_balance(min);
	}
	return rtm_avl_balance(root);
}

/* First network whose key is >= @p key. */
struct rtm_net *
rtm_net_ceil(const struct rtm_family *f, uint64_t key)
{
	struct rtm_avl *a = f->tree, *best = NULL;

	while (a != NULL) {
		if (RTM_AVL_NET(a)->key >= key) {
			best = a;
			a = a->left;
		} else {
			a = a->right;
		}
	}
	return best != NULL ? RTM_AVL_NET(best) : NULL;
}

/* First network whose key is > @p key. */
struct rtm_net *
rtm_net_higher(const struct rtm_family *f, uint64_t key)
{
	struct rtm_avl *a = f->tree, *best = NULL;

	while (a != NULL) {
		if (RTM_AVL_NET(a)->key > key) {
			best = a;
			a = a->left;
		} else {
			a = a->right;
		}
	}
	return best != NULL ? RTM_AVL_NET(best) : NULL;
}

/* Membership ------------------------------------------------------------ */

struct rtm_net *
rtm_net_add(struct rtm_family *f, uint32_t number, uint32_t mask, uint8_t len)
{
	struct rtm_net *net = calloc(1, sizeof(*net));

	if (net == NULL)
		return NULL;
	if ((f->lens & (1ull << len)) == 0) {
		if (hmap_init(&f->maps[len], 0) != 0) {
			free(net);
			return NULL;
		}
		f->lens |= 1ull << len;
	}
	net->number = number;
	net->mask = mask;
	net->len = len;
	net->key = rtm_net_key(f->id, number, mask);
	hmap_insert(&f->maps[len], &net->hnode, rtm_net_hash(number));
	if (f->filt[len] != NULL)
		rtm_filt_add(f, len, net->hnode.hash);
	rtm_filt_fit(f, len);
	f->tree = rtm_avl_insert(f->tree, &net->avl, net->key);
	f->nnets++;
	return net;
}

void
rtm_net_del(struct rtm_family *f, struct rtm_net *net)
{
	struct hmap *m = &f->maps[net->len];

	hmap_remove(m, &net->hnode);
	rtm_filt_del(f, net->len, net->hnode.hash);
	/* An empty length must not cost a probe on every lookup. */
	if (hmap_count(m) == 0) {
		hmap_fini(m);
		rtm_filt_free(f, net->len);
		f->lens &= ~(1ull << net->len);
	}
	f->tree = rtm_avl_remove(f->tree, net->key);
	f->nnets--;
	free(net);
}

/* Routes are gone by now; free what is left of the tables. */
void
rtm_net_free_all(struct rtm_family *f)
{
	for (unsigned len = 0; len <= 32; len++) {
		struct hmap *m = &f->maps[len];
		struct hmap_node *n, *next;

		if ((f->lens & (1ull << len)) == 0)
			continue;
		/* One pass: hmap_first() per node would rescan the buckets. */
		for (n = hmap_first(m); n != NULL; n = next) {
			next = hmap_next(m, n);
			free(HMAP_ENTRY(n, struct rtm_net, hnode));
		}
		hmap_fini(m);
		rtm_filt_free(f, len);
	}
	f->lens = 0;
	f->tree = NULL;
	f->nnets = 0;
}

/* Queries --------------------------------------------------------------- */

uint32_t
rtm_network_count(struct rtm *r, uint32_t family, enum rtm_status *err)
{
	uint32_t n = 0;
	enum rtm_status st = RTM_OK;

	if (r == NULL || family >= RTM_NFAMILIES) {
		st = RTM_ERR_INVALID_PARAMETER;
	} else {
		rtm_lock(r);
		rtm_age(r);
		n = r->fam[family].nnets;
		rtm_unlock(r);
	}
	if (err != NULL)
		*err = st;
	return n;
}

bool
rtm_is_route(struct rtm *r, uint32_t family, const void *network, void *best,
             enum rtm_status *err)
{
	uint32_t number, mask;
	uint8_t len;
	struct rtm_net *net = NULL;
	enum rtm_status st = RTM_OK;

	if (r == NULL || family >= RTM_NFAMILIES ||
	    rtm_net_parse(family, network, &number, &mask, &len) != 0) {
		st = RTM_ERR_INVALID_PARAMETER;
		goto out;
	}
	rtm_lock(r);
	rtm_age(r);
	net = rtm_net_find(&r->fam[family], number, mask, len);
	if (net != NULL && best != NULL)
		memcpy(best, &net->best->rec, rtm_rec_size(family));
	rtm_unlock(r);
out:
	if (err != NULL)
		*err = st;
	return net != NULL;
}

bool
rtm_lookup_ip(struct rtm *r, uint32_t dest, struct rtm_ip_route *out)
{
	struct rtm_net *net;

	if (r == NULL)
		return false;
	rtm_lock(r);
	rtm_age(r);
	net = rtm_net_lpm(&r->fam[RTM_FAMILY_IP], dest);
	if (net != NULL && out != NULL)
		*out = net->best->rec.ip;
	rtm_unlock(r);
	return net != NULL;
}
