// SPDX-License-Identifier: GPL-2.0
/*
 * rcunet-torture driver for inetpeer (inetpeer_torture.ko).
 *
 * Three private caches, one per variant ("rwlock", "rcu" and "seqlock",
 * the lock's history: locked original, RCU AVL, seqlock rbtree), are tormented
 * at once through inetpeer's exported API: the core's workers get, hold,
 * put, revive, remove, GC and flush peers at random while each base's own
 * GC worker ages unused peers every few jiffies and inserts above a low
 * threshold GC the oldest. Each worker remembers the peers it holds (key,
 * node, count), which is what makes the checks exact:
 *
 *  - a held key is always found, and found as the very node it holds
 *    (every op that looks one up, and every quiesce);
 *  - a failed insert (injected -ENOMEM) leaves no node behind: checked on
 *    the worker's private keys, which nobody else creates;
 *  - ipeer_check() (AVL or red-black shape, order, counters, the unused
 *    list against the tree) passes, in its own op and at every quiesce;
 *  - the lockless variants' no-reference lookup (rcu-noref's and the
 *    seqlock stage's fast path) finds every held key, as its very node,
 *    while the others rotate the tree under it;
 *  - at quiesce, with all workers parked, the counts are exact: a held node
 *    has as many references as the workers hold (plus at most one, the GC
 *    worker's temporary one, on one node per base), an unheld node 0 or
 *    that one; every node on the unused list has a count of 0, and the
 *    list has exactly one entry per refcount-0 node (a node listed twice,
 *    the revival race, makes it longer);
 *  - freed nodes are never seen: the module's freed_seen counter stays 0
 *    and a reader lingering on a node inside its read-side section sees
 *    the node's immutable key unchanged (a free without a grace period
 *    poisons it, and KASAN reports the read);
 *  - at the end, with every hold dropped, a flush empties every tree.
 *
 * The revival race (a put dropping a count to 0 while a locked lookup takes
 * it back to 1) lives in a window of a few instructions. The "window" op
 * widens it with the base's test hook put_delay_ms, and during a window
 * the "revive" op of every worker hammers the same few hot keys of that
 * base.
 */
#define pr_fmt(fmt) "inetpeer_torture: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/sort.h>
#include <linux/bsearch.h>
#include <linux/delay.h>
#include <linux/socket.h>
#include <linux/jiffies.h>
#include "../inetpeer/inetpeer.h"
#include "rtort.h"

/* Keys every worker shares (half IPv4, half IPv6), per base. */
#define IPT_SHARED_KEYS		256
/* The first few shared keys, hammered by "revive" and "window". */
#define IPT_HOT_KEYS		3
/* Private keys per worker: only that worker ever creates them. */
#define IPT_PRIVATE_KEYS	32
/* Peers one worker holds at most, per base. */
#define IPT_MAX_HOLDS		16
/* Low, so that inserts keep running into the threshold GC. */
#define IPT_THRESHOLD		96
/* get/put rounds of one "revive" op, and of one "window" op. */
#define IPT_REVIVE_ROUNDS	16
#define IPT_WINDOW_ROUNDS	24
#define IPT_NBASES		3
#define IPT_AGG_MAX		(RTORT_MAX_THREADS * IPT_MAX_HOLDS)

struct ipt_hold {
	struct ipeer_key key;
	struct ipeer_node *node;
	unsigned int count;
};

struct ipt_thread {
	struct ipt_hold holds[IPT_NBASES][IPT_MAX_HOLDS];
	unsigned int nholds[IPT_NBASES];
	unsigned int tid;
};

/* One key's holds summed over all workers, for the quiesce checks. */
struct ipt_agg {
	struct ipeer_key key;
	struct ipeer_node *node;
	unsigned int count;
};

struct ipt_ctx {
	struct ipeer_base *base[IPT_NBASES];
	struct ipt_thread thr[RTORT_MAX_THREADS];
	atomic_t started;	/* workers that ran ->thread_init */
	atomic_t exited;	/* ... and ->thread_exit */
	/* base index + 1 whose put_delay_ms a "window" op has set, or 0 */
	atomic_t window;
	/* quiesce scratch (workers parked, one quiesce at a time) */
	struct ipt_agg agg[IPT_AGG_MAX];
	char why[160];
};

static struct ipt_ctx *ipt;
static struct rtort_session *ipt_session;

static const char *const ipt_base_name[IPT_NBASES] = {
	"rwlock", "rcu", "seqlock"
};

/* ----------------------------------------------------------------- keys */

static void ipt_shared_key(struct ipeer_key *key, unsigned int i)
{
	if (i & 1) {
		memset(key, 0, sizeof(*key));
		key->family = AF_INET6;
		key->word[0] = 0x20010db8;
		key->word[3] = i;
	} else {
		ipeer_key_v4(key, 0x0a400000 + i);
	}
}

static void ipt_private_key(struct ipeer_key *key, unsigned int tid,
			    unsigned int i)
{
	memset(key, 0, sizeof(*key));
	key->family = AF_INET6;
	key->word[0] = 0x20010db8;
	key->word[1] = 0xfeed;
	key->word[2] = tid;
	key->word[3] = i;
}

static bool ipt_key_eq(const struct ipeer_key *a, const struct ipeer_key *b)
{
	return !ipeer_key_cmp(a, b);
}

static bool ipt_family_ok(u32 family)
{
	return family == AF_INET || family == AF_INET6;
}

/* For messages: family, first and last word say which key it is. */
struct ipt_kname {
	char s[32];
};

static struct ipt_kname ipt_kname(const struct ipeer_key *k)
{
	struct ipt_kname n;

	scnprintf(n.s, sizeof(n.s), "%u:%08x..%08x", k->family, k->word[0],
		  k->word[3]);
	return n;
}

#define IPT_KFMT	"%s"
#define IPT_KARG(k)	(ipt_kname(k).s)

/* ----------------------------------------------------------------- holds */

static struct ipt_thread *ipt_thr(struct rtort_thread *t)
{
	return rtort_thread_data(t);
}

static int ipt_find_hold(struct ipt_thread *th, unsigned int bi,
			 const struct ipeer_key *key)
{
	unsigned int i;

	for (i = 0; i < th->nholds[bi]; i++)
		if (ipt_key_eq(&th->holds[bi][i].key, key))
			return i;
	return -1;
}

/*
 * Keep the reference on @p that the caller just took. False when it was
 * not kept (no room): the caller puts it. A key we already hold must come
 * back as the same node: it cannot have left the tree while we held it.
 */
static bool ipt_keep(struct rtort_thread *t, unsigned int bi,
		     struct ipeer_node *p)
{
	struct ipt_thread *th = ipt_thr(t);
	int i = ipt_find_hold(th, bi, &p->key);
	struct ipt_hold *h;

	if (i >= 0) {
		h = &th->holds[bi][i];
		if (h->node != p) {
			rtort_fail(t, "%s: held key " IPT_KFMT " found as another node",
				   ipt_base_name[bi], IPT_KARG(&h->key));
			return false;
		}
		h->count++;
		return true;
	}
	if (th->nholds[bi] >= IPT_MAX_HOLDS)
		return false;
	h = &th->holds[bi][th->nholds[bi]++];
	h->key = p->key;
	h->node = p;
	h->count = 1;
	return true;
}

/* Drop one of the references hold @i stands for. */
static void ipt_drop(struct ipt_thread *th, unsigned int bi, unsigned int i)
{
	struct ipt_hold *h = &th->holds[bi][i];

	ipeer_put(ipt->base[bi], h->node);
	if (--h->count)
		return;
	*h = th->holds[bi][--th->nholds[bi]];
}

/*
 * Look up held key @h again: it must be found, as the same node, with at
 * least our references on it. Returns false (and fails the session) if not.
 */
static bool ipt_verify_hold(struct rtort_thread *t, unsigned int bi,
			    const struct ipt_hold *h, const char *when)
{
	struct ipeer_base *b = ipt->base[bi];
	struct ipeer_node *p = ipeer_get(b, &h->key, false);
	int ref;

	if (!p) {
		rtort_fail(t, "%s: held key " IPT_KFMT " not found %s",
			   ipt_base_name[bi], IPT_KARG(&h->key), when);
		return false;
	}
	if (p != h->node) {
		rtort_fail(t, "%s: held key " IPT_KFMT " found as another node %s",
			   ipt_base_name[bi], IPT_KARG(&h->key), when);
		ipeer_put(b, p);
		return false;
	}
	/* ours plus the lookup's; more when others hold it too */
	ref = ipeer_refcount(b, &h->key);
	ipeer_put(b, p);
	if (ref < (int)h->count + 1) {
		rtort_fail(t, "%s: held key " IPT_KFMT " has refcount %d, this worker holds %u %s",
			   ipt_base_name[bi], IPT_KARG(&h->key), ref,
			   h->count + 1, when);
		return false;
	}
	return true;
}

static void ipt_verify_all_holds(struct rtort_thread *t, unsigned int bi,
				 const char *when)
{
	struct ipt_thread *th = ipt_thr(t);
	unsigned int i;

	for (i = 0; i < th->nholds[bi]; i++)
		if (!ipt_verify_hold(t, bi, &th->holds[bi][i], when))
			return;
}

/* A node we got for @key must carry @key, and a live count. */
static bool ipt_verify_node(struct rtort_thread *t, unsigned int bi,
			    const struct ipeer_key *key, struct ipeer_node *p)
{
	if (!ipt_key_eq(&p->key, key)) {
		rtort_fail(t, "%s: lookup of " IPT_KFMT " returned key " IPT_KFMT,
			   ipt_base_name[bi], IPT_KARG(key), IPT_KARG(&p->key));
		return false;
	}
	if (atomic_read(&p->refcnt) < 1) {
		rtort_fail(t, "%s: got " IPT_KFMT " with refcount %d",
			   ipt_base_name[bi], IPT_KARG(key),
			   atomic_read(&p->refcnt));
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------- ops */

static unsigned int ipt_pick_base(struct rtort_thread *t)
{
	return rtort_random(t, IPT_NBASES);
}

/* hold: get (creating) a shared key and keep the reference. */
static int ipt_op_hold(void *ctx, struct rtort_thread *t)
{
	unsigned int bi = ipt_pick_base(t);
	struct ipeer_key key;
	struct ipeer_node *p;

	ipt_shared_key(&key, rtort_random(t, IPT_SHARED_KEYS));
	p = ipeer_get(ipt->base[bi], &key, true);
	if (!p)
		return -ENOMEM;
	if (ipt_verify_node(t, bi, &key, p) && ipt_keep(t, bi, p))
		return 0;
	ipeer_put(ipt->base[bi], p);
	return 0;
}

/* unhold: drop one reference this worker holds. */
static int ipt_op_unhold(void *ctx, struct rtort_thread *t)
{
	struct ipt_thread *th = ipt_thr(t);
	unsigned int bi = ipt_pick_base(t);

	if (!th->nholds[bi])
		return 0;
	ipt_drop(th, bi, rtort_random(t, th->nholds[bi]));
	return 0;
}

/* get_held: a held key is found, as its node (lockless hit or fallback). */
static int ipt_op_get_held(void *ctx, struct rtort_thread *t)
{
	struct ipt_thread *th = ipt_thr(t);
	unsigned int bi = ipt_pick_base(t);

	if (th->nholds[bi])
		ipt_verify_hold(t, bi,
				&th->holds[bi][rtort_random(t, th->nholds[bi])],
				"by lookup");
	return 0;
}

/*
 * noref_held: a held key by the no-reference lookup of a lockless base
 * (rcu: bounded walk, locked lookup on a miss; seqlock: walk, locked
 * lookup when the sequence moved): found, as its node, whatever the
 * other workers rotate meanwhile.
 */
static int ipt_op_noref_held(void *ctx, struct rtort_thread *t)
{
	struct ipt_thread *th = ipt_thr(t);
	unsigned int bi = ipt_pick_base(t);
	struct ipeer_base *b = ipt->base[bi];
	const struct ipt_hold *h;
	struct ipeer_node *p;

	if (b->ops->role != RCUNET_ROLE_LOCKLESS || !th->nholds[bi])
		return 0;
	h = &th->holds[bi][rtort_random(t, th->nholds[bi])];
	rcu_read_lock();
	p = ipeer_lookup_noref(b, &h->key);
	rcu_read_unlock();
	/* p is only compared from here on: no read of it after the unlock */
	if (p != h->node)
		rtort_fail(t, "%s: no-reference lookup of held key " IPT_KFMT " returned %s",
			   ipt_base_name[bi], IPT_KARG(&h->key),
			   p ? "another node" : "nothing");
	return 0;
}

/*
 * A churning shared key, got and put at once. Without create: lookups
 * that may miss. With create: inserts, revivals from 0, puts to 0.
 */
static int ipt_get_put(struct rtort_thread *t, bool create)
{
	unsigned int bi = ipt_pick_base(t);
	struct ipeer_key key;
	struct ipeer_node *p;

	ipt_shared_key(&key, rtort_random(t, IPT_SHARED_KEYS));
	p = ipeer_get(ipt->base[bi], &key, create);
	if (!p)
		return create ? -ENOMEM : 0;
	ipt_verify_node(t, bi, &key, p);
	ipeer_put(ipt->base[bi], p);
	return 0;
}

static int ipt_op_lookup(void *ctx, struct rtort_thread *t)
{
	return ipt_get_put(t, false);
}

static int ipt_op_getput(void *ctx, struct rtort_thread *t)
{
	return ipt_get_put(t, true);
}

/*
 * get/put rounds on one hot key of base @bi: two workers doing this on the
 * same key race a put to 0 against a locked lookup reviving it from 0.
 */
static int ipt_revive_rounds(struct rtort_thread *t, unsigned int bi,
			     unsigned int rounds)
{
	struct ipeer_base *b = ipt->base[bi];
	struct ipeer_key key;
	struct ipeer_node *p;
	unsigned int i;

	ipt_shared_key(&key, rtort_random(t, IPT_HOT_KEYS));
	for (i = 0; i < rounds && !rtort_should_stop(t); i++) {
		p = ipeer_get(b, &key, true);
		if (!p)
			return -ENOMEM;
		if (!ipt_verify_node(t, bi, &key, p)) {
			ipeer_put(b, p);
			return 0;
		}
		ipeer_put(b, p);
	}
	return 0;
}

/* revive: hot keys, on the base a window is open on if there is one. */
static int ipt_op_revive(void *ctx, struct rtort_thread *t)
{
	int w = atomic_read(&ipt->window);

	return ipt_revive_rounds(t, w ? w - 1 : ipt_pick_base(t),
				 IPT_REVIVE_ROUNDS);
}

/*
 * window: every put to 0 on one base stalls 1 ms inside its unused_lock
 * section, between the drop and the list insertion (the test hook
 * put_delay_ms), while this worker and every "revive" hammer the hot keys:
 * revivals land inside that window. One window at a time.
 */
static int ipt_op_window(void *ctx, struct rtort_thread *t)
{
	unsigned int bi = ipt_pick_base(t);
	struct ipeer_base *b = ipt->base[bi];
	int ret;

	if (atomic_cmpxchg(&ipt->window, 0, bi + 1))
		return 0;
	WRITE_ONCE(b->put_delay_ms, 1);
	ret = ipt_revive_rounds(t, bi, IPT_WINDOW_ROUNDS);
	WRITE_ONCE(b->put_delay_ms, 0);
	atomic_set(&ipt->window, 0);
	return ret;
}

/*
 * remove: a shared key. A key this worker holds must refuse (-EBUSY) and
 * stay; any other outcome but -EUCLEAN (a corrupt tree) is fine.
 */
static int ipt_op_remove(void *ctx, struct rtort_thread *t)
{
	struct ipt_thread *th = ipt_thr(t);
	unsigned int bi = ipt_pick_base(t);
	struct ipeer_key key;
	int held, ret;

	ipt_shared_key(&key, rtort_random(t, IPT_SHARED_KEYS));
	held = ipt_find_hold(th, bi, &key);
	ret = ipeer_remove(ipt->base[bi], &key);
	if (ret == -EUCLEAN) {
		rtort_fail(t, "%s: remove of " IPT_KFMT ": corrupt tree (-EUCLEAN)",
			   ipt_base_name[bi], IPT_KARG(&key));
		return 0;
	}
	if (held >= 0) {
		if (ret != -EBUSY)
			rtort_fail(t, "%s: remove of held key " IPT_KFMT " returned %d, not -EBUSY",
				   ipt_base_name[bi], IPT_KARG(&key), ret);
		ipt_verify_hold(t, bi, &th->holds[bi][held], "after remove");
	}
	return ret == -ENOENT || ret == -EBUSY ? 0 : ret;
}

/* gc_once: the oldest unused peer if older than a random short TTL. */
static int ipt_op_gc_once(void *ctx, struct rtort_thread *t)
{
	unsigned int bi = ipt_pick_base(t);

	ipeer_gc_once(ipt->base[bi], rtort_random(t, HZ / 10 + 1));
	return 0;
}

/* gc: one pass of the periodic GC (TTL rule), racing its worker. */
static int ipt_op_gc(void *ctx, struct rtort_thread *t)
{
	ipeer_gc(ipt->base[ipt_pick_base(t)]);
	return 0;
}

/* flush: every unused peer goes; everything this worker holds stays. */
static int ipt_op_flush(void *ctx, struct rtort_thread *t)
{
	unsigned int bi = ipt_pick_base(t);

	ipeer_flush(ipt->base[bi]);
	ipt_verify_all_holds(t, bi, "after flush");
	return 0;
}

/* check: the module's own checker, tree and unused list, under load. */
static int ipt_op_check(void *ctx, struct rtort_thread *t)
{
	unsigned int bi = ipt_pick_base(t);
	char why[96] = "";

	if (ipeer_check(ipt->base[bi], why, sizeof(why)))
		rtort_fail(t, "%s: ipeer_check: %s", ipt_base_name[bi], why);
	return 0;
}

/*
 * private: a key only this worker creates, so absence is meaningful. A
 * failed insert (injected allocation failure) must leave no node; a held
 * one is present with one or two references (ours, the GC's temporary
 * one); after our removal succeeds it is gone.
 */
static int ipt_op_private(void *ctx, struct rtort_thread *t)
{
	struct ipt_thread *th = ipt_thr(t);
	unsigned int bi = ipt_pick_base(t);
	struct ipeer_base *b = ipt->base[bi];
	struct ipeer_key key;
	struct ipeer_node *p;
	int ref, ret;

	ipt_private_key(&key, th->tid, rtort_random(t, IPT_PRIVATE_KEYS));
	p = ipeer_get(b, &key, true);
	if (!p) {
		if (ipeer_contains(b, &key))
			rtort_fail(t, "%s: failed insert of private key " IPT_KFMT " left a node",
				   ipt_base_name[bi], IPT_KARG(&key));
		return -ENOMEM;
	}
	if (!ipt_verify_node(t, bi, &key, p)) {
		ipeer_put(b, p);
		return 0;
	}
	ref = ipeer_refcount(b, &key);
	if (ref != 1 && ref != 2)
		rtort_fail(t, "%s: private key " IPT_KFMT " held once has refcount %d",
			   ipt_base_name[bi], IPT_KARG(&key), ref);
	ipeer_put(b, p);
	if (rtort_random(t, 2))
		return 0;
	/* -EBUSY: the GC's temporary reference; -ENOENT: the GC took it */
	ret = ipeer_remove(b, &key);
	if (ret == -EUCLEAN)
		rtort_fail(t, "%s: remove of private key " IPT_KFMT ": corrupt tree",
			   ipt_base_name[bi], IPT_KARG(&key));
	if (!ret && ipeer_contains(b, &key))
		rtort_fail(t, "%s: private key " IPT_KFMT " still in the tree after its removal",
			   ipt_base_name[bi], IPT_KARG(&key));
	return 0;
}

/*
 * dwell: walk to a random node inside the read-side section (lockless
 * bases: rcu_read_lock_bh(), as their lookups; rwlock base: the read lock),
 * linger there, and check its immutable key did not change: a node freed
 * under a reader is poisoned (freed family) or reused. Each variant in its
 * own function, so that every lock is taken and released in one block.
 */
struct ipt_dwell {
	struct ipeer_key key;
	bool found;
	bool changed;
};

/* Linger on @p (reached in a read-side section) and look at its key again. */
static void ipt_linger(struct rtort_thread *t, struct ipeer_node *p,
		       struct ipt_dwell *d)
{
	if (!p)
		return;
	d->found = true;
	d->key = p->key;
	rtort_reader_delay(t);
	/* the family is what a free poisons: read it marked */
	d->changed = READ_ONCE(p->key.family) != d->key.family ||
		     !ipt_key_eq(&p->key, &d->key);
}

static void ipt_dwell_rcu(struct rtort_thread *t, struct ipeer_base *b,
			  u32 path, struct ipt_dwell *d)
{
	rcu_read_lock_bh();
	ipt_linger(t, ipeer_walk_path(b, path), d);
	rcu_read_unlock_bh();
}

static void ipt_dwell_rwlock(struct rtort_thread *t, struct ipeer_base *b,
			     u32 path, struct ipt_dwell *d)
{
	read_lock_bh(&b->rwlock);
	ipt_linger(t, ipeer_walk_path(b, path), d);
	read_unlock_bh(&b->rwlock);
}

static int ipt_op_dwell(void *ctx, struct rtort_thread *t)
{
	unsigned int bi = ipt_pick_base(t);
	struct ipeer_base *b = ipt->base[bi];
	u32 path = rtort_random(t, U32_MAX);
	struct ipt_dwell d = { };

	if (b->ops->role == RCUNET_ROLE_LOCKLESS)
		ipt_dwell_rcu(t, b, path, &d);
	else
		ipt_dwell_rwlock(t, b, path, &d);
	if (d.found && (d.changed || !ipt_family_ok(d.key.family)))
		rtort_fail(t, "%s: node " IPT_KFMT " changed under a reader (freed?)",
			   ipt_base_name[bi], IPT_KARG(&d.key));
	return 0;
}

/* listing: the peers cursor returns strictly increasing, sane records. */
static int ipt_op_listing(void *ctx, struct rtort_thread *t)
{
	unsigned int bi = ipt_pick_base(t);
	struct ipeer_peer_info info;
	struct ipeer_key prev;
	unsigned int i;

	ipt_shared_key(&prev, rtort_random(t, IPT_SHARED_KEYS));
	for (i = 0; i < 32; i++) {
		if (ipeer_peer_after(ipt->base[bi], &prev, false, &info))
			break;
		if (ipeer_key_cmp(&info.key, &prev) <= 0 ||
		    !ipt_family_ok(info.key.family) || info.refcnt < 0) {
			rtort_fail(t, "%s: cursor after " IPT_KFMT " gave " IPT_KFMT " refcnt=%d",
				   ipt_base_name[bi], IPT_KARG(&prev),
				   IPT_KARG(&info.key), info.refcnt);
			break;
		}
		prev = info.key;
	}
	return 0;
}

/* stats: no freed node seen, no failed unlink, sane counters. */
static int ipt_op_stats(void *ctx, struct rtort_thread *t)
{
	unsigned int bi = ipt_pick_base(t);
	struct ipeer_base *b = ipt->base[bi];
	struct ipeer_stats s;

	ipeer_read_stats(b, &s);
	if (s.freed_seen || s.unlink_failed)
		rtort_fail(t, "%s: freed_seen=%llu unlink_failed=%llu",
			   ipt_base_name[bi], s.freed_seen, s.unlink_failed);
	if (ipeer_total(b) < 0 || ipeer_nr_unused(b) < 0)
		rtort_fail(t, "%s: nodes=%d unused=%d", ipt_base_name[bi],
			   ipeer_total(b), ipeer_nr_unused(b));
	return 0;
}

static const struct rtort_op ipt_ops[] = {
	{ "hold",	10, ipt_op_hold },
	{ "unhold",	10, ipt_op_unhold },
	{ "get_held",	16, ipt_op_get_held },
	{ "noref_held",	8, ipt_op_noref_held },
	{ "lookup",	12, ipt_op_lookup },
	{ "getput",	10, ipt_op_getput },
	{ "revive",	12, ipt_op_revive },
	{ "window",	2, ipt_op_window },
	{ "remove",	5, ipt_op_remove },
	{ "gc_once",	4, ipt_op_gc_once },
	{ "gc",		2, ipt_op_gc },
	{ "flush",	1, ipt_op_flush },
	{ "check",	2, ipt_op_check },
	{ "private",	6, ipt_op_private },
	{ "dwell",	8, ipt_op_dwell },
	{ "listing",	2, ipt_op_listing },
	{ "stats",	1, ipt_op_stats },
};

/* ------------------------------------------------------------- threads */

static int ipt_thread_init(void *ctx, struct rtort_thread *t)
{
	unsigned int tid = rtort_tid(t);
	struct ipt_thread *th = &ipt->thr[tid];

	/* preallocated: a worker with faults injected must start as well */
	memset(th, 0, sizeof(*th));
	th->tid = tid;
	rtort_set_thread_data(t, th);
	atomic_inc(&ipt->started);
	return 0;
}

static void ipt_thread_exit(void *ctx, struct rtort_thread *t)
{
	struct ipt_thread *th = ipt_thr(t);
	unsigned int bi;

	for (bi = 0; bi < IPT_NBASES; bi++)
		while (th->nholds[bi])
			ipt_drop(th, bi, 0);
	atomic_inc(&ipt->exited);
}

/* ------------------------------------------------------------- quiesce */

static int ipt_agg_cmp(const void *a, const void *b)
{
	return ipeer_key_cmp(&((const struct ipt_agg *)a)->key,
			     &((const struct ipt_agg *)b)->key);
}

static const struct ipt_agg *ipt_agg_find(const struct ipt_agg *agg,
					  unsigned int n,
					  const struct ipeer_key *key)
{
	struct ipt_agg k = { .key = *key };

	return bsearch(&k, agg, n, sizeof(*agg), ipt_agg_cmp);
}

/* The first broken invariant of this quiesce, reported after the locks. */
static __printf(1, 2) void ipt_why(const char *fmt, ...)
{
	va_list args;

	if (ipt->why[0])
		return;
	va_start(args, fmt);
	vscnprintf(ipt->why, sizeof(ipt->why), fmt, args);
	va_end(args);
}

/* Sum every worker's holds on base @bi by key; returns how many keys. */
static unsigned int ipt_aggregate(unsigned int bi)
{
	struct ipt_agg *agg = ipt->agg;
	unsigned int n = 0, i, j, out;

	for (i = 0; i < RTORT_MAX_THREADS; i++) {
		struct ipt_thread *th = &ipt->thr[i];

		for (j = 0; j < th->nholds[bi] && n < IPT_AGG_MAX; j++) {
			agg[n].key = th->holds[bi][j].key;
			agg[n].node = th->holds[bi][j].node;
			agg[n].count = th->holds[bi][j].count;
			n++;
		}
	}
	sort(agg, n, sizeof(*agg), ipt_agg_cmp, NULL);
	for (i = 0, out = 0; i < n; i++) {
		if (out && ipt_key_eq(&agg[out - 1].key, &agg[i].key)) {
			/* held at once by two workers: one node, necessarily */
			if (agg[out - 1].node != agg[i].node)
				ipt_why("%s: key " IPT_KFMT " held by two workers as two nodes",
					ipt_base_name[bi], IPT_KARG(&agg[i].key));
			agg[out - 1].count += agg[i].count;
		} else {
			agg[out++] = agg[i];
		}
	}
	return out;
}

struct ipt_walk {
	struct ipeer_base *b;
	unsigned int bi;
	unsigned int nagg;
	int nodes;	/* in the tree */
	int zero;	/* ... with refcount 0 */
	int extra;	/* ... with one reference more than the workers hold */
};

/* Every node of the subtree at @p: its count against the workers' holds. */
static void ipt_walk_counts(struct ipt_walk *w, struct ipeer_node *p, int level)
{
	const struct ipt_agg *a;
	unsigned int held;
	int ref;

	/* a red-black tree may be twice as deep as an AVL one */
	if (!p || level > 2 * IPEER_MAXDEPTH || w->nodes > IPEER_MAX_NODES)
		return;
	w->nodes++;
	a = ipt_agg_find(ipt->agg, w->nagg, &p->key);
	held = a ? a->count : 0;
	ref = atomic_read(&p->refcnt);
	if (!ref)
		w->zero++;
	if (ref == (int)held + 1)
		w->extra++;
	/* the GC worker's temporary reference is the only one not ours */
	if (ref < (int)held || ref > (int)held + 1)
		ipt_why("%s: key " IPT_KFMT " has refcount %d, workers hold %u",
			ipt_base_name[w->bi], IPT_KARG(&p->key), ref, held);
	ipt_walk_counts(w, w->b->ops->child(w->b, p, false), level + 1);
	ipt_walk_counts(w, w->b->ops->child(w->b, p, true), level + 1);
}

/*
 * Workers parked: only base @bi's GC worker may run, and it holds one
 * temporary reference, on one node that is off the unused list. Tree lock
 * then unused_lock, as ipeer_check() takes them.
 */
static void ipt_quiesce_base(unsigned int bi)
{
	struct ipeer_base *b = ipt->base[bi];
	struct ipt_walk w = { .b = b, .bi = bi };
	struct ipeer_node *p;
	char why[96] = "";
	unsigned int i;
	int listed = 0;

	if (ipeer_check(b, why, sizeof(why)))
		ipt_why("%s: ipeer_check at quiesce: %s", ipt_base_name[bi], why);
	w.nagg = ipt_aggregate(bi);

	b->ops->lock_tree(b);
	spin_lock_bh(&b->unused_lock);
	for (i = 0; i < w.nagg; i++) {
		p = ipeer_find_locked(b, &ipt->agg[i].key);
		if (p != ipt->agg[i].node)
			ipt_why("%s: held key " IPT_KFMT " %s at quiesce",
				ipt_base_name[bi], IPT_KARG(&ipt->agg[i].key),
				p ? "found as another node" : "not in the tree");
	}
	ipt_walk_counts(&w, b->ops->root(b), 1);
	if (w.extra > 1)
		ipt_why("%s: %d nodes with a reference nobody holds (the GC holds one at most)",
			ipt_base_name[bi], w.extra);
	list_for_each_entry(p, &b->unused, unused) {
		if (++listed > w.nodes) {
			ipt_why("%s: unused list longer than the tree (%d): node listed twice",
				ipt_base_name[bi], w.nodes);
			break;
		}
		if (atomic_read(&p->refcnt))
			ipt_why("%s: held key " IPT_KFMT " (refcount %d) on the unused list",
				ipt_base_name[bi], IPT_KARG(&p->key),
				atomic_read(&p->refcnt));
	}
	if (listed <= w.nodes && listed != w.zero)
		ipt_why("%s: %d unused nodes, %d unused list entries",
			ipt_base_name[bi], w.zero, listed);
	if (listed <= w.nodes && listed != b->nr_unused)
		ipt_why("%s: %d unused list entries, nr_unused %d",
			ipt_base_name[bi], listed, b->nr_unused);
	spin_unlock_bh(&b->unused_lock);
	b->ops->unlock_tree(b);
}

/*
 * The last quiesce, every worker gone and every hold dropped: a flush must
 * empty the tree. The GC worker may hold a node for a moment (longer with
 * gc_hold_ms), so give it a few tries.
 */
static void ipt_final_base(unsigned int bi)
{
	struct ipeer_base *b = ipt->base[bi];
	int tries;

	for (tries = 0; tries < 200; tries++) {
		ipeer_flush(b);
		if (!ipeer_total(b))
			break;
		msleep(20);
	}
	if (ipeer_total(b) || ipeer_nr_unused(b))
		ipt_why("%s: %d nodes (%d unused) left after all puts and a flush",
			ipt_base_name[bi], ipeer_total(b), ipeer_nr_unused(b));
}

static void ipt_quiesce(void *ctx)
{
	bool final = atomic_read(&ipt->started) &&
		     atomic_read(&ipt->exited) == atomic_read(&ipt->started);
	struct ipeer_stats s;
	unsigned int bi;

	ipt->why[0] = '\0';
	for (bi = 0; bi < IPT_NBASES; bi++) {
		ipt_quiesce_base(bi);
		ipeer_read_stats(ipt->base[bi], &s);
		if (s.freed_seen || s.unlink_failed)
			ipt_why("%s: freed_seen=%llu unlink_failed=%llu",
				ipt_base_name[bi], s.freed_seen,
				s.unlink_failed);
		if (final && !ipt->why[0])
			ipt_final_base(bi);
	}
	if (ipt->why[0])
		rtort_fail(NULL, "%s", ipt->why);
}

/* -------------------------------------------------------------- module */

static const struct rtort_target ipt_target = {
	.name = "inetpeer",
	.ops = ipt_ops,
	.nops = ARRAY_SIZE(ipt_ops),
	.thread_init = ipt_thread_init,
	.thread_exit = ipt_thread_exit,
	.quiesce = ipt_quiesce,
};

static void ipt_destroy_bases(void)
{
	unsigned int bi;

	for (bi = 0; bi < IPT_NBASES; bi++)
		ipeer_base_destroy(ipt->base[bi]);
}

static int __init ipt_init(void)
{
	/*
	 * Short TTLs and a GC pass every few jiffies: the base's own worker
	 * keeps taking unused peers while the workers revive and put them.
	 */
	struct ipeer_limits limits = {
		.threshold = IPT_THRESHOLD,
		.minttl = HZ / 50,
		.maxttl = HZ / 4,
		.gc_interval = max(HZ / 20, 1),
	};
	unsigned int bi;

	ipt = vzalloc(sizeof(*ipt));
	if (!ipt)
		return -ENOMEM;
	/* one base per variant, named as the module's variants are */
	for (bi = 0; bi < IPT_NBASES; bi++) {
		const struct ipeer_ops *ops = ipeer_find_variant(ipt_base_name[bi]);

		ipt->base[bi] = ops ? ipeer_base_create(ops, &limits) : NULL;
		if (!ipt->base[bi])
			goto fail;
	}
	ipt_session = rtort_start(&ipt_target);
	if (IS_ERR_OR_NULL(ipt_session))
		goto fail;
	return 0;

fail:
	ipt_destroy_bases();
	vfree(ipt);
	return ipt_session ? PTR_ERR(ipt_session) : -ENOMEM;
}

static void __exit ipt_exit(void)
{
	rtort_stop(ipt_session);
	ipt_destroy_bases();
	vfree(ipt);
}

module_init(ipt_init);
module_exit(ipt_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR(RCUNET_AUTHOR);
MODULE_VERSION(RCUNET_VERSION);
RCUNET_IMPORT_TEST_EXPORTS();
MODULE_DESCRIPTION("rcunet-torture driver for inetpeer (rwlock, rcu and seqlock trees)");
