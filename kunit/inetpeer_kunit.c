// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for rcunet inetpeer.
 *
 * "inetpeer": semantics, for every variant (rwlock, rcu, seqlock): a seeded
 * random sequence of get/lookup/put/remove/GC against a reference map, with
 * the tree checker (AVL or red-black) after every step; balance under
 * sorted inserts; GC threshold and TTL; held nodes never freed; destroy
 * with live peers frees them all; the no-reference lookup of the lockless
 * variants; and the seqlock variant's new property: a lockless walk that a
 * rebalance misled sees the sequence moved and looks again under the lock.
 *
 * "inetpeer_stress": readers on every CPU look up held ("stable") keys
 * while a writer inserts, removes and GCs other keys: every lookup must
 * find its key (lockless or via the fallback), with the right key and a
 * live refcount, and no walk may meet a node that was freed.
 */
#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include "../inetpeer/inetpeer.h"

/* Every variant in turn; the description is "name/role" ("rcu/lockless"). */
static const void *ipeer_kunit_variant_gen(const void *prev, char *desc)
{
	const struct ipeer_ops *v;
	unsigned int i = 0;

	/* @prev is the variant the last case ran on: start after it */
	if (prev) {
		while (ipeer_variant(i) && ipeer_variant(i) != prev)
			i++;
		i++;
	}
	v = ipeer_variant(i);
	if (!v)
		return NULL;
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s/%s", v->name,
		 rcunet_role_name(v->role));
	return v;
}

/* The lockless variants only (the ones with a no-reference lookup). */
static const void *ipeer_kunit_lockless_gen(const void *prev, char *desc)
{
	const struct ipeer_ops *v = prev;

	do {
		v = ipeer_kunit_variant_gen(v, desc);
	} while (v && v->role != RCUNET_ROLE_LOCKLESS);
	return v;
}

static const struct ipeer_ops *ipeer_kunit_ops(struct kunit *test)
{
	return test->param_value;
}

static struct ipeer_base *ipeer_kunit_base(struct kunit *test, int threshold,
					   unsigned long ttl)
{
	struct ipeer_limits limits = {
		.threshold = threshold, .minttl = ttl, .maxttl = ttl,
	};
	struct ipeer_base *b = ipeer_base_create(ipeer_kunit_ops(test), &limits);

	KUNIT_ASSERT_NOT_NULL(test, b);
	return b;
}

static void ipeer_kunit_expect_valid(struct kunit *test, struct ipeer_base *b,
				     int step)
{
	char why[96] = "";

	KUNIT_ASSERT_EQ_MSG(test, ipeer_check(b, why, sizeof(why)), 0,
			    "step %d: %s", step, why);
}

/* ------------------------------------------------- random vs reference */

#define REF_KEYS	320
#define REF_STEPS	4000

struct ipeer_ref {
	bool present[REF_KEYS];
	int refs[REF_KEYS];
	u64 stamp[REF_KEYS];	/* when refs went to 0: LRU order */
	u64 clock;
	struct ipeer_key keys[REF_KEYS];
};

/* Two thirds IPv4, one third IPv6: one tree holds both families. */
static void ipeer_ref_key(struct ipeer_key *key, int i)
{
	memset(key, 0, sizeof(*key));
	if (i < 2 * REF_KEYS / 3) {
		ipeer_key_v4(key, 0x0a000000 + i * 3);
	} else {
		key->family = AF_INET6;
		key->word[0] = 0x20010db8;
		key->word[3] = i * 7;
	}
}

static int ipeer_ref_present(struct ipeer_ref *r)
{
	int i, n = 0;

	for (i = 0; i < REF_KEYS; i++)
		n += r->present[i];
	return n;
}

/* The unused key GC must take next, or -1. */
static int ipeer_ref_oldest_unused(struct ipeer_ref *r)
{
	int i, best = -1;

	for (i = 0; i < REF_KEYS; i++)
		if (r->present[i] && !r->refs[i] &&
		    (best < 0 || r->stamp[i] < r->stamp[best]))
			best = i;
	return best;
}

static void ipeer_random_ops_match_reference(struct kunit *test)
{
	struct ipeer_base *b = ipeer_kunit_base(test, IPEER_MAX_NODES, HZ);
	struct ipeer_ref *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct ipeer_node *p;
	struct rnd_state rnd;
	int step, i, k, op, ret;

	KUNIT_ASSERT_NOT_NULL(test, r);
	prandom_seed_state(&rnd, 0x1e7bee5);
	for (i = 0; i < REF_KEYS; i++)
		ipeer_ref_key(&r->keys[i], i);

	for (step = 0; step < REF_STEPS; step++) {
		k = prandom_u32_state(&rnd) % REF_KEYS;
		op = prandom_u32_state(&rnd) % 100;
		if (op < 30 && r->refs[k] < 4) {
			/* get ADDR: find or create, hold */
			p = ipeer_get(b, &r->keys[k], true);
			KUNIT_ASSERT_NOT_NULL(test, p);
			KUNIT_EXPECT_EQ(test, memcmp(&p->key, &r->keys[k],
						     sizeof(p->key)), 0);
			r->present[k] = true;
			r->refs[k]++;
		} else if (op < 50) {
			/* lookup without create, then put */
			p = ipeer_get(b, &r->keys[k], false);
			KUNIT_EXPECT_EQ_MSG(test, !!p, r->present[k],
					    "step %d key %d", step, k);
			if (p) {
				ipeer_put(b, p);
				if (!r->refs[k])
					r->stamp[k] = ++r->clock;
			}
		} else if (op < 75) {
			/* drop a hold, if there is one */
			if (!r->refs[k])
				continue;
			p = ipeer_get(b, &r->keys[k], false);
			KUNIT_ASSERT_NOT_NULL(test, p);
			ipeer_put(b, p);
			ipeer_put(b, p);
			if (!--r->refs[k])
				r->stamp[k] = ++r->clock;
		} else if (op < 90) {
			ret = ipeer_remove(b, &r->keys[k]);
			if (!r->present[k]) {
				KUNIT_EXPECT_EQ(test, ret, -ENOENT);
			} else if (r->refs[k]) {
				KUNIT_EXPECT_EQ(test, ret, -EBUSY);
			} else {
				KUNIT_EXPECT_EQ(test, ret, 0);
				r->present[k] = false;
			}
		} else if (op < 99) {
			/* GC with TTL 0 takes the least recently unused node */
			int victim = ipeer_ref_oldest_unused(r);

			ret = ipeer_gc_once(b, 0);
			KUNIT_EXPECT_EQ(test, ret, victim < 0 ? -EAGAIN : 0);
			if (victim >= 0) {
				bool kept = ipeer_contains(b, &r->keys[victim]);

				KUNIT_EXPECT_FALSE_MSG(test, kept,
						       "step %d: GC spared the oldest",
						       step);
				r->present[victim] = false;
			}
		} else {
			ipeer_flush(b);
			for (i = 0; i < REF_KEYS; i++)
				if (!r->refs[i])
					r->present[i] = false;
		}
		ipeer_kunit_expect_valid(test, b, step);
		KUNIT_ASSERT_EQ_MSG(test, ipeer_total(b), ipeer_ref_present(r),
				    "step %d", step);
		if (step % 128)
			continue;
		for (i = 0; i < REF_KEYS; i++)
			KUNIT_ASSERT_EQ_MSG(test,
					    ipeer_refcount(b, &r->keys[i]),
					    r->present[i] ? r->refs[i] : -ENOENT,
					    "step %d key %d", step, i);
	}
	kunit_info(test, "%d steps, %d nodes left, height %d\n", REF_STEPS,
		   ipeer_total(b), ipeer_height(b));
	ipeer_base_destroy(b);
}

/* Sorted inserts are the worst case of a plain BST: AVL must stay low. */
static void ipeer_sorted_inserts_stay_balanced(struct kunit *test)
{
	struct ipeer_base *b = ipeer_kunit_base(test, IPEER_MAX_NODES, HZ);
	const int n = 4096;
	struct ipeer_node *p;
	struct ipeer_key key;
	int i;

	for (i = 0; i < n; i++) {
		ipeer_key_v4(&key, i);
		p = ipeer_get(b, &key, true);
		KUNIT_ASSERT_NOT_NULL(test, p);
		ipeer_put(b, p);
	}
	ipeer_kunit_expect_valid(test, b, n);
	if (b->ops == ipeer_find_variant("seqlock"))
		/* red-black: n >= 2^bh - 1 nodes below a black height bh */
		KUNIT_EXPECT_LE(test, ipeer_height(b), ilog2(n + 1));
	else
		/* AVL bound: height < 1.45 * log2(n + 2) */
		KUNIT_EXPECT_LE(test, ipeer_height(b) * 100,
				145 * ilog2(2 * n + 2));
	for (i = 0; i < n; i += 2) {
		ipeer_key_v4(&key, i);
		KUNIT_ASSERT_EQ(test, ipeer_remove(b, &key), 0);
	}
	ipeer_kunit_expect_valid(test, b, 2 * n);
	KUNIT_EXPECT_EQ(test, ipeer_total(b), n / 2);
	ipeer_base_destroy(b);
}

static void ipeer_held_node_never_freed(struct kunit *test)
{
	/* threshold 1: every insert tries to GC */
	struct ipeer_base *b = ipeer_kunit_base(test, 1, 0);
	struct ipeer_node *held, *p;
	struct ipeer_key key, other;
	int i;

	ipeer_key_v4(&key, 0xc0a80001);
	held = ipeer_get(b, &key, true);
	KUNIT_ASSERT_NOT_NULL(test, held);
	for (i = 0; i < 64; i++) {
		ipeer_key_v4(&other, 0x0a000000 + i);
		p = ipeer_get(b, &other, true);
		KUNIT_ASSERT_NOT_NULL(test, p);
		ipeer_put(b, p);
	}
	ipeer_gc(b);
	ipeer_flush(b);
	KUNIT_EXPECT_EQ(test, ipeer_remove(b, &key), -EBUSY);
	KUNIT_EXPECT_EQ(test, ipeer_refcount(b, &key), 1);
	KUNIT_EXPECT_EQ(test, ipeer_total(b), 1);
	KUNIT_EXPECT_EQ(test, memcmp(&held->key, &key, sizeof(key)), 0);
	ipeer_put(b, held);
	ipeer_flush(b);
	KUNIT_EXPECT_FALSE(test, ipeer_contains(b, &key));
	KUNIT_EXPECT_EQ(test, ipeer_total(b), 0);
	ipeer_kunit_expect_valid(test, b, 0);
	ipeer_base_destroy(b);
}

static void ipeer_gc_respects_threshold(struct kunit *test)
{
	const int threshold = 16, n = 100;
	struct ipeer_base *b = ipeer_kunit_base(test, threshold, 3600 * HZ);
	struct ipeer_node *p;
	struct ipeer_key key;
	int i;

	for (i = 0; i < n; i++) {
		ipeer_key_v4(&key, 0x0a000000 + i);
		p = ipeer_get(b, &key, true);
		KUNIT_ASSERT_NOT_NULL(test, p);
		ipeer_put(b, p);
		KUNIT_EXPECT_LT(test, ipeer_total(b), threshold);
	}
	/* the oldest went first: exactly the newest threshold - 1 remain */
	for (i = 0; i < n; i++) {
		ipeer_key_v4(&key, 0x0a000000 + i);
		KUNIT_EXPECT_EQ_MSG(test, ipeer_contains(b, &key),
				    i >= n - (threshold - 1), "key %d", i);
	}
	ipeer_kunit_expect_valid(test, b, n);
	ipeer_base_destroy(b);
}

static void ipeer_gc_respects_ttl(struct kunit *test)
{
	struct ipeer_base *b = ipeer_kunit_base(test, IPEER_MAX_NODES,
						3600 * HZ);
	struct ipeer_node *p, *held = NULL;
	struct ipeer_key key;
	int i;

	for (i = 0; i < 10; i++) {
		ipeer_key_v4(&key, 0x0a000000 + i);
		p = ipeer_get(b, &key, true);
		KUNIT_ASSERT_NOT_NULL(test, p);
		if (i)
			ipeer_put(b, p);
		else
			held = p;
	}
	/* younger than the TTL: nothing goes */
	KUNIT_EXPECT_EQ(test, ipeer_gc(b), 0);
	KUNIT_EXPECT_EQ(test, ipeer_total(b), 10);
	/* TTL of one jiffy, and older than that: all unused ones go */
	WRITE_ONCE(b->limits.minttl, 1);
	WRITE_ONCE(b->limits.maxttl, 1);
	msleep(jiffies_to_msecs(3) + 10);
	KUNIT_EXPECT_EQ(test, ipeer_gc(b), 9);
	KUNIT_EXPECT_EQ(test, ipeer_total(b), 1);
	ipeer_key_v4(&key, 0x0a000000);
	KUNIT_EXPECT_TRUE(test, ipeer_contains(b, &key));
	ipeer_put(b, held);
	ipeer_kunit_expect_valid(test, b, 0);
	ipeer_base_destroy(b);
}

static void ipeer_destroy_frees_live_peers(struct kunit *test)
{
	struct ipeer_base *b = ipeer_kunit_base(test, IPEER_MAX_NODES, HZ);
	struct ipeer_node *p;
	struct ipeer_key key;
	long before;
	int i;

	/* earlier tests may still have frees in flight */
	rcu_barrier();
	before = ipeer_live_nodes();

	for (i = 0; i < 100; i++) {
		ipeer_key_v4(&key, 0x0a000000 + i);
		p = ipeer_get(b, &key, true);
		KUNIT_ASSERT_NOT_NULL(test, p);
		if (i & 1)
			ipeer_put(b, p);	/* half held, half unused */
	}
	KUNIT_EXPECT_EQ(test, ipeer_live_nodes(), before + 100);
	ipeer_base_destroy(b);
	/* the rcu variant frees after a grace period */
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, ipeer_live_nodes(), before);
}

/* ----------------------------------------------- unused-list revival */

/* How long the put under test stays between its drop to 0 and list_add. */
#define REVIVE_PUT_DELAY_MS	200

struct ipeer_revive {
	struct ipeer_base *b;
	struct ipeer_node *p;
	struct ipeer_key key;
	struct completion put_done, revive_done;
	struct ipeer_node *got;		/* what the reviver's get returned */
	bool window_seen;		/* it saw the count at 0, unlisted */
	bool listed_while_held;		/* the bug: held and on the list */
	int refcnt_held;
};

/* The last holder: its put stops for REVIVE_PUT_DELAY_MS inside the window. */
static int ipeer_revive_putter(void *arg)
{
	struct ipeer_revive *r = arg;

	ipeer_put(r->b, r->p);
	complete(&r->put_done);
	return 0;
}

/*
 * The reviver: waits until the putter has dropped the count to 0 (it is
 * then inside its unused_lock section, not yet on the list), revives the
 * node with a get, waits for the putter to finish and looks whether the
 * node it holds ended up on the unused list.
 */
static int ipeer_revive_reviver(void *arg)
{
	struct ipeer_revive *r = arg;
	unsigned long deadline = jiffies + 10 * HZ;

	while (atomic_read(&r->p->refcnt) && time_before(jiffies, deadline))
		cpu_relax();
	r->window_seen = !atomic_read(&r->p->refcnt) &&
			 list_empty(&r->p->unused);
	r->got = ipeer_get(r->b, &r->key, false);
	wait_for_completion(&r->put_done);
	if (r->got) {
		spin_lock_bh(&r->b->unused_lock);
		r->listed_while_held = !list_empty(&r->got->unused);
		spin_unlock_bh(&r->b->unused_lock);
		r->refcnt_held = atomic_read(&r->got->refcnt);
		WRITE_ONCE(r->b->put_delay_ms, 0);
		/* on the old code this is the second list_add: DEBUG_LIST */
		ipeer_put(r->b, r->got);
	}
	complete(&r->revive_done);
	return 0;
}

/*
 * Defect 1 of issue 11, driven deterministically: put drops the last
 * reference and, still holding unused_lock, has not listed the node yet
 * (put_delay_ms keeps it there); a get revives the node from 0 meanwhile.
 * The getter must wait for that put and take the node off the list: a
 * held node on the unused list is a node the GC will take, and the
 * holder's own put would list it a second time.
 */
static void ipeer_revive_inside_put_window(struct kunit *test)
{
	struct ipeer_base *b = ipeer_kunit_base(test, IPEER_MAX_NODES, HZ);
	struct ipeer_revive *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct task_struct *putter, *reviver;
	unsigned int cpu_put, cpu_rev;

	KUNIT_ASSERT_NOT_NULL(test, r);
	if (num_online_cpus() < 2) {
		ipeer_base_destroy(b);
		kunit_skip(test, "needs two CPUs: the put spins with preemption off");
	}
	cpu_put = cpumask_first(cpu_online_mask);
	cpu_rev = cpumask_next(cpu_put, cpu_online_mask);
	r->b = b;
	init_completion(&r->put_done);
	init_completion(&r->revive_done);
	ipeer_key_v4(&r->key, 0xc6336401);
	r->p = ipeer_get(b, &r->key, true);
	KUNIT_ASSERT_NOT_NULL(test, r->p);

	reviver = kthread_create(ipeer_revive_reviver, r, "ipeer_reviver");
	KUNIT_ASSERT_FALSE(test, IS_ERR(reviver));
	putter = kthread_create(ipeer_revive_putter, r, "ipeer_putter");
	kthread_bind(reviver, cpu_rev);
	wake_up_process(reviver);
	WRITE_ONCE(b->put_delay_ms, REVIVE_PUT_DELAY_MS);
	if (IS_ERR(putter)) {
		KUNIT_FAIL(test, "no putter thread");
		ipeer_revive_putter(r);	/* here, so that the reviver ends */
	} else {
		kthread_bind(putter, cpu_put);
		wake_up_process(putter);
	}
	wait_for_completion(&r->revive_done);
	WRITE_ONCE(b->put_delay_ms, 0);

	kunit_info(test, "%s: window seen %d, revived %d, listed while held %d\n",
		   b->ops->name, r->window_seen, r->got == r->p,
		   r->listed_while_held);
	KUNIT_EXPECT_TRUE(test, r->window_seen);
	KUNIT_EXPECT_PTR_EQ(test, r->got, r->p);
	KUNIT_EXPECT_EQ(test, r->refcnt_held, 1);
	KUNIT_EXPECT_FALSE_MSG(test, r->listed_while_held,
			       "a held node is on the unused list");
	/* all puts done: unused once, the list and its counter agree */
	KUNIT_EXPECT_EQ(test, ipeer_refcount(b, &r->key), 0);
	KUNIT_EXPECT_EQ(test, ipeer_nr_unused(b), 1);
	ipeer_kunit_expect_valid(test, b, 0);
	KUNIT_EXPECT_EQ(test, ipeer_flush(b), 1);
	KUNIT_EXPECT_EQ(test, ipeer_total(b), 0);
	ipeer_base_destroy(b);
}

/* ------------------------------------------------------- failed unlink */

/*
 * Defect 3 of issue 11: when the walk by a node's key does not lead to the
 * node (a corrupt tree), removal must keep it, since it may still be
 * linked. Corrupt a tree of three by changing the key of the left leaf
 * (test only: keys are immutable), so that the GC's unlink cannot find
 * it. The node must stay allocated and linked, pinned by the GC's
 * reference, and be counted; once the key is restored the tree is valid
 * and destroying the base frees it.
 */
static void ipeer_failed_unlink_keeps_node(struct kunit *test)
{
	struct ipeer_base *b = ipeer_kunit_base(test, IPEER_MAX_NODES, HZ);
	struct ipeer_node *p, *nodes[3], *root, *left;
	struct ipeer_key key;
	struct ipeer_stats st;
	long before;
	int i;

	rcu_barrier();
	before = ipeer_live_nodes();
	for (i = 0; i < 3; i++) {
		ipeer_key_v4(&key, 10 + i);
		nodes[i] = ipeer_get(b, &key, true);
		KUNIT_ASSERT_NOT_NULL(test, nodes[i]);
	}
	/* put in order: key 10 is the oldest unused, GC takes it first */
	for (i = 0; i < 3; i++)
		ipeer_put(b, nodes[i]);
	p = nodes[0];
	/* both trees rotate 10, 11, 12 to 11 at the root, 10 its left leaf */
	b->ops->lock_tree(b);
	root = b->ops->root(b);
	left = root ? b->ops->child(b, root, false) : NULL;
	b->ops->unlock_tree(b);
	KUNIT_ASSERT_PTR_EQ(test, root, nodes[1]);
	KUNIT_ASSERT_PTR_EQ(test, left, p);
	/* 10 is the left leaf under 11: as 15 the walk goes right and misses */
	p->key.word[0] = 15;
	KUNIT_EXPECT_EQ(test, ipeer_gc_once(b, 0), 0);
	rcu_barrier();
	if (ipeer_live_nodes() != before + 3) {
		/* freed while linked: the base is beyond repair, leak it */
		KUNIT_FAIL(test, "unlink failed but the node was freed (%ld live, expected %ld)",
			   ipeer_live_nodes() - before, 3L);
		return;
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&p->refcnt), 1);
	KUNIT_EXPECT_EQ(test, ipeer_total(b), 3);
	ipeer_read_stats(b, &st);
	KUNIT_EXPECT_EQ(test, st.unlink_failed, 1);
	KUNIT_EXPECT_EQ(test, st.gc_removed, 0);
	p->key.word[0] = 10;
	ipeer_kunit_expect_valid(test, b, 0);
	/* still pinned: flush takes the other two only */
	KUNIT_EXPECT_EQ(test, ipeer_flush(b), 2);
	ipeer_key_v4(&key, 10);
	KUNIT_EXPECT_EQ(test, ipeer_remove(b, &key), -EBUSY);
	ipeer_base_destroy(b);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, ipeer_live_nodes(), before);
}

/* ------------------------------------------------------ listing cursor */

/*
 * ipeer_peer_after() is the cursor of the "peers" listing: on a quiescent
 * tree it yields every key once, in order (IPv4 before IPv6); between two
 * steps the tree lock is free, so the test inserts and removes keys there
 * (it would deadlock if a step kept the lock). Keys removed ahead of the
 * cursor are not listed, keys inserted behind it are not, and the order
 * stays strict.
 */
/* v4 keys 4 apart for i < 400, v6 keys after them */
static void ipeer_listing_key(struct ipeer_key *key, int i)
{
	if (i < 400) {
		ipeer_key_v4(key, 0x0a000000 + 4 * i);
		return;
	}
	memset(key, 0, sizeof(*key));
	key->family = AF_INET6;
	key->word[0] = 0x20010db8;
	key->word[3] = i;
}

static void ipeer_listing_cursor(struct kunit *test)
{
	struct ipeer_base *b = ipeer_kunit_base(test, IPEER_MAX_NODES, HZ);
	const int n = 600;
	struct ipeer_peer_info info, prev;
	struct ipeer_key key, gone;
	struct ipeer_node *p;
	bool removed = false;
	int i, seen = 0, ret;

	/* inserted shuffled; a third stay held */
	for (i = 0; i < n; i++) {
		ipeer_listing_key(&key, (i * 7919) % n);
		p = ipeer_get(b, &key, true);
		KUNIT_ASSERT_NOT_NULL(test, p);
		if (i % 3)
			ipeer_put(b, p);
	}
	/* quiescent: every key once, strictly increasing */
	for (ret = ipeer_peer_after(b, NULL, false, &info); !ret;
	     ret = ipeer_peer_after(b, &prev.key, false, &info)) {
		if (seen)
			KUNIT_ASSERT_LT(test,
					ipeer_key_cmp(&prev.key, &info.key),
					0);
		KUNIT_EXPECT_EQ(test, info.refcnt, ipeer_refcount(b, &info.key));
		prev = info;
		seen++;
	}
	KUNIT_EXPECT_EQ(test, seen, n);
	KUNIT_EXPECT_EQ(test, ipeer_peer_after(b, &prev.key, true, &info), 0);
	KUNIT_EXPECT_EQ(test, ipeer_key_cmp(&prev.key, &info.key), 0);

	/* live: change the tree between two steps */
	seen = 0;
	for (ret = ipeer_peer_after(b, NULL, false, &info); !ret;
	     ret = ipeer_peer_after(b, &prev.key, false, &info)) {
		if (seen)
			KUNIT_ASSERT_LT(test,
					ipeer_key_cmp(&prev.key, &info.key),
					0);
		/* inserted behind the cursor: never listed */
		KUNIT_EXPECT_TRUE(test, info.key.family != AF_INET ||
				  !(info.key.word[0] & 3));
		/* removed ahead of the cursor: never listed */
		KUNIT_EXPECT_TRUE(test, !removed ||
				  ipeer_key_cmp(&gone, &info.key));
		prev = info;
		seen++;
		removed = false;
		if (info.key.family != AF_INET)
			continue;
		ipeer_key_v4(&key, info.key.word[0] - 1);
		p = ipeer_get(b, &key, true);
		KUNIT_ASSERT_NOT_NULL(test, p);
		ipeer_put(b, p);
		/* the next v4 key, when unheld */
		ipeer_key_v4(&gone, info.key.word[0] + 4);
		removed = !ipeer_remove(b, &gone);
	}
	KUNIT_EXPECT_LT(test, seen, n);
	KUNIT_EXPECT_GT(test, seen, n / 2);
	ipeer_kunit_expect_valid(test, b, 0);
	ipeer_base_destroy(b);
}

/* -------------------------------------------------------------- stress */

#define STRESS_STABLE		128
#define STRESS_CHURN		512
#define STRESS_WRITERS		3
#define STRESS_WRITER_OPS	20000
#define STRESS_MAX_SECONDS	10
/* how long a dwelling reader stays on one node, in its read-side section */
#define STRESS_DWELL_US		100

struct ipeer_stress {
	struct ipeer_base *b;
	struct ipeer_key stable[STRESS_STABLE];
	struct ipeer_node *held[STRESS_STABLE];
	unsigned long deadline;
	atomic_long_t lookups;
	atomic_long_t churn_gets;	/* churn keys found (and put) by readers */
	atomic_long_t lost;	/* a stable key not found */
	atomic_long_t bad;	/* found, but wrong key or dead refcount */
	atomic_long_t dwells;	/* lockless walks that lingered on a node */
	atomic_long_t dwell_bad;	/* ... and saw it change: freed under us */
	atomic_long_t inserts, removes, gcs, writer_ops;
	atomic_t failed;	/* a writer saw an error: @why says which */
	char why[128];
	struct completion writer_done[STRESS_WRITERS];
};

/* Churn keys sit between the stable ones (offsets 1..7 of each 8). */
static void ipeer_stress_churn_key(struct ipeer_key *key, u32 c)
{
	c %= STRESS_CHURN;
	ipeer_key_v4(key, 0x0a000000 + (c / 7) * 8 + 1 + c % 7);
}

static void ipeer_stress_fail(struct ipeer_stress *s, const char *fmt, ...)
{
	va_list args;

	if (atomic_xchg(&s->failed, 1))
		return;
	va_start(args, fmt);
	vscnprintf(s->why, sizeof(s->why), fmt, args);
	va_end(args);
}

/*
 * The RCU contract itself: a node reached inside rcu_read_lock_bh() stays
 * valid until rcu_read_unlock_bh(). Walk to a random node (churn nodes
 * sit low in the tree), linger on it, and check that its immutable key is
 * still there. A free without a grace period poisons or reuses it.
 */
static bool ipeer_stress_dwell(struct ipeer_stress *s, u32 x)
{
	struct ipeer_node *p;
	struct ipeer_key key;
	bool ok = true;

	rcu_read_lock_bh();
	p = ipeer_walk_path(s->b, x);
	if (p) {
		memcpy(&key, &p->key, sizeof(key));
		udelay(STRESS_DWELL_US);	/* atomic context: no sleeping */
		ok = !memcmp(&key, &p->key, sizeof(key));
	}
	rcu_read_unlock_bh();
	return ok;
}

/*
 * Readers: held (stable) keys must always be found. Every other lookup
 * takes a churn key instead, which the writers keep inserting, removing
 * and GCing: such a get often revives a refcount-0 node while another
 * reader's put is dropping it to 0, the interleaving of the unused-list
 * race (see ipeer_revive_inside_put_window).
 */
static int ipeer_stress_reader(void *arg)
{
	struct ipeer_stress *s = arg;
	u32 x = 0x12345678 ^ (raw_smp_processor_id() + 1) * 0x9e3779b9U;
	bool dweller = s->b->ops->role == RCUNET_ROLE_LOCKLESS;
	long lookups = 0, lost = 0, bad = 0, dwells = 0, dwell_bad = 0;
	long churn_gets = 0;
	struct ipeer_node *p;
	struct ipeer_key key;
	int k;

	while (!kthread_should_stop()) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		lookups++;
		if (lookups & 1) {
			ipeer_stress_churn_key(&key, x >> 8);
			/* one in four also creates: readers insert too */
			p = ipeer_get(s->b, &key, !(x & 6));
			if (p) {
				churn_gets++;
				if (memcmp(&p->key, &key, sizeof(key)) ||
				    atomic_read(&p->refcnt) < 1)
					bad++;
				ipeer_put(s->b, p);
			}
		} else if (dweller && (x & 0x100)) {
			/*
			 * Half the stable lookups of a lockless variant take
			 * no reference (the bench's rcu-noref and seqlock):
			 * the walk or its locked lookup must find the key
			 * while the writers rotate the tree.
			 */
			k = x % STRESS_STABLE;
			rcu_read_lock();
			p = ipeer_lookup_noref(s->b, &s->stable[k]);
			if (!p)
				lost++;
			else if (memcmp(&p->key, &s->stable[k], sizeof(p->key)))
				bad++;
			rcu_read_unlock();
		} else {
			k = x % STRESS_STABLE;
			p = ipeer_get(s->b, &s->stable[k], false);
			if (!p) {
				lost++;
			} else {
				if (memcmp(&p->key, &s->stable[k],
					   sizeof(p->key)) ||
				    atomic_read(&p->refcnt) < 2)
					bad++;
				atomic_inc(&p->ip_id_count);
				ipeer_put(s->b, p);
			}
		}
		if (dweller && !(lookups & 15)) {
			dwells++;
			dwell_bad += !ipeer_stress_dwell(s, x);
		}
		if (!(lookups & 63))
			cond_resched();
	}
	atomic_long_add(dwells, &s->dwells);
	atomic_long_add(dwell_bad, &s->dwell_bad);
	atomic_long_add(lookups, &s->lookups);
	atomic_long_add(churn_gets, &s->churn_gets);
	atomic_long_add(lost, &s->lost);
	atomic_long_add(bad, &s->bad);
	return 0;
}

struct ipeer_stress_writer {
	struct ipeer_stress *s;
	int id;
};

/* Writers: insert, remove and GC churn keys; writer 0 runs the checker. */
static int ipeer_stress_writer(void *arg)
{
	struct ipeer_stress_writer *w = arg;
	struct ipeer_stress *s = w->s;
	long ops, inserts = 0, removes = 0, gcs = 0;
	char why[96] = "";
	struct ipeer_node *p;
	struct ipeer_key key;
	struct rnd_state rnd;
	int op, ret;

	prandom_seed_state(&rnd, 0xfeedf00d + w->id);
	for (ops = 0; ops < STRESS_WRITER_OPS &&
	     time_before(jiffies, s->deadline) && !atomic_read(&s->failed);
	     ops++) {
		ipeer_stress_churn_key(&key, prandom_u32_state(&rnd));
		op = prandom_u32_state(&rnd) % 10;
		if (op < 5) {
			p = ipeer_get(s->b, &key, true);
			if (!p) {
				ipeer_stress_fail(s, "writer %d: insert failed",
						  w->id);
				break;
			}
			ipeer_put(s->b, p);
			inserts++;
		} else if (op < 9) {
			/* -EBUSY: a reader holds it right now */
			ret = ipeer_remove(s->b, &key);
			if (ret && ret != -ENOENT && ret != -EBUSY) {
				ipeer_stress_fail(s, "writer %d: remove: %d",
						  w->id, ret);
				break;
			}
			removes += !ret;
		} else {
			gcs += !ipeer_gc_once(s->b, 0);
		}
		if (!(ops & 1023)) {
			if (!w->id && ipeer_check(s->b, why, sizeof(why))) {
				ipeer_stress_fail(s, "op %ld: %s", ops, why);
				break;
			}
			cond_resched();
		}
	}
	atomic_long_add(ops, &s->writer_ops);
	atomic_long_add(inserts, &s->inserts);
	atomic_long_add(removes, &s->removes);
	atomic_long_add(gcs, &s->gcs);
	complete(&s->writer_done[w->id]);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

static void ipeer_stable_keys_always_found(struct kunit *test)
{
	struct ipeer_stress *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct ipeer_stress_writer wr[STRESS_WRITERS];
	struct task_struct *writers[STRESS_WRITERS];
	struct task_struct **readers;
	struct ipeer_stats st;
	unsigned int cpu, nr = 0, nw = 0;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	readers = kunit_kcalloc(test, nr_cpu_ids, sizeof(*readers), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, readers);
	s->b = ipeer_kunit_base(test, IPEER_MAX_NODES, HZ);
	s->deadline = jiffies + STRESS_MAX_SECONDS * HZ;
	/* stable keys interleave with the churn keys: rotations move them */
	for (i = 0; i < STRESS_STABLE; i++) {
		ipeer_key_v4(&s->stable[i], 0x0a000000 + i * 8);
		s->held[i] = ipeer_get(s->b, &s->stable[i], true);
		KUNIT_ASSERT_NOT_NULL(test, s->held[i]);
	}
	/* no KUNIT_ASSERT until the threads are stopped: it would skip that */
	for_each_online_cpu(cpu) {
		struct task_struct *t = kthread_create(ipeer_stress_reader, s,
						       "ipeer_reader/%u", cpu);

		if (IS_ERR(t)) {
			KUNIT_FAIL(test, "no reader on CPU %u", cpu);
			break;
		}
		kthread_bind(t, cpu);
		readers[nr++] = t;
		wake_up_process(t);
	}
	for (i = 0; i < STRESS_WRITERS; i++) {
		wr[i].s = s;
		wr[i].id = i;
		init_completion(&s->writer_done[i]);
		writers[i] = kthread_run(ipeer_stress_writer, &wr[i],
					 "ipeer_writer/%d", i);
		if (IS_ERR(writers[i])) {
			KUNIT_FAIL(test, "no writer %d", i);
			break;
		}
		nw++;
	}
	for (i = 0; i < nw; i++)
		wait_for_completion(&s->writer_done[i]);
	for (i = 0; i < nw; i++)
		kthread_stop(writers[i]);
	for (i = 0; i < nr; i++)
		kthread_stop(readers[i]);

	ipeer_read_stats(s->b, &st);
	kunit_info(test, "%s: %u readers, %u writers, %ld lookups (%ld churn hits), %ld writer ops (%ld inserts, %ld removes, %ld gc), lockless hits %llu, misses %llu, seq retries %llu, fallback hits %llu, locked hits %llu, lost %ld, bad %ld, freed seen %llu, dwells %ld, changed under reader %ld\n",
		   s->b->ops->name, nr, nw, atomic_long_read(&s->lookups),
		   atomic_long_read(&s->churn_gets),
		   atomic_long_read(&s->writer_ops),
		   atomic_long_read(&s->inserts), atomic_long_read(&s->removes),
		   atomic_long_read(&s->gcs), st.lockless_hits,
		   st.lockless_misses, st.seq_retries, st.fallback_hits,
		   st.locked_hits,
		   atomic_long_read(&s->lost), atomic_long_read(&s->bad),
		   st.freed_seen, atomic_long_read(&s->dwells),
		   atomic_long_read(&s->dwell_bad));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&s->failed), 0, "%s", s->why);
	KUNIT_EXPECT_GT(test, atomic_long_read(&s->lookups), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&s->lost), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&s->bad), 0);
	KUNIT_EXPECT_EQ(test, st.freed_seen, 0);
	KUNIT_EXPECT_EQ(test, st.unlink_failed, 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&s->dwell_bad), 0);
	/* quiescent: tree, unused list and its counter agree */
	ipeer_kunit_expect_valid(test, s->b, atomic_long_read(&s->writer_ops));
	/* nobody holds a churn key any more: a flush leaves the stable ones */
	ipeer_flush(s->b);
	KUNIT_EXPECT_EQ(test, ipeer_total(s->b), STRESS_STABLE);
	KUNIT_EXPECT_EQ(test, ipeer_nr_unused(s->b), 0);
	for (i = 0; i < STRESS_STABLE; i++)
		KUNIT_EXPECT_EQ(test, ipeer_refcount(s->b, &s->stable[i]), 1);
	ipeer_base_destroy(s->b);
	rcu_barrier();
}

/*
 * Lockless variants: the no-reference lookup (the bench's rcu-noref and
 * seqlock) finds held and unused peers alike, changes no refcount and
 * lists or unlists nothing; a node it returned stays readable until
 * rcu_read_unlock() even when it is removed meanwhile (freed after a
 * grace period).
 */
static void ipeer_noref_lookup(struct kunit *test)
{
	struct ipeer_base *b = ipeer_kunit_base(test, IPEER_MAX_NODES,
						3600 * HZ);
	struct ipeer_node *p, *held[32];
	struct ipeer_key key;
	int i;

	/* even keys held, odd keys unused */
	for (i = 0; i < 64; i++) {
		ipeer_key_v4(&key, 0x0a000000 + i);
		p = ipeer_get(b, &key, true);
		KUNIT_ASSERT_NOT_NULL(test, p);
		if (i & 1)
			ipeer_put(b, p);
		else
			held[i / 2] = p;
	}
	KUNIT_EXPECT_EQ(test, ipeer_nr_unused(b), 32);
	rcu_read_lock();
	for (i = 0; i < 64; i++) {
		ipeer_key_v4(&key, 0x0a000000 + i);
		p = ipeer_lookup_noref(b, &key);
		KUNIT_EXPECT_NOT_NULL_MSG(test, p, "key %d", i);
		if (p)
			KUNIT_EXPECT_EQ(test, memcmp(&p->key, &key,
						     sizeof(key)), 0);
	}
	ipeer_key_v4(&key, 0x0a000000 + 64);
	KUNIT_EXPECT_NULL(test, ipeer_lookup_noref(b, &key));
	rcu_read_unlock();
	for (i = 0; i < 64; i++) {
		ipeer_key_v4(&key, 0x0a000000 + i);
		KUNIT_EXPECT_EQ(test, ipeer_refcount(b, &key), i & 1 ? 0 : 1);
	}
	KUNIT_EXPECT_EQ(test, ipeer_nr_unused(b), 32);
	ipeer_kunit_expect_valid(test, b, 0);

	/* removed under the reader: still readable until the section ends */
	ipeer_key_v4(&key, 0x0a000001);
	rcu_read_lock();
	p = ipeer_lookup_noref(b, &key);
	KUNIT_EXPECT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, ipeer_remove(b, &key), 0);
	if (p)
		KUNIT_EXPECT_EQ(test, memcmp(&p->key, &key, sizeof(key)), 0);
	KUNIT_EXPECT_NULL(test, ipeer_lookup_noref(b, &key));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, ipeer_total(b), 63);
	ipeer_kunit_expect_valid(test, b, 1);

	for (i = 0; i < 32; i++)
		ipeer_put(b, held[i]);
	ipeer_base_destroy(b);
}

/* ------------------------------------- seqlock: a walk a rotation misled */

#define SEQ_RACE_KEYS		64
#define SEQ_RACE_MAX_INSERTS	4096

struct ipeer_seq_race {
	struct ipeer_base *b;
	struct ipeer_key key;	/* looked up; present (held) throughout */
	struct ipeer_node *got;	/* what the reader's lookup returned */
	bool key_ok;		/* ... and it carried the key, read in time */
	struct completion done;
};

/*
 * The reader: one no-reference lookup, which the base's test hook stops on
 * the root it has just read, until the test has rebalanced the tree.
 */
static int ipeer_seq_race_reader(void *arg)
{
	struct ipeer_seq_race *r = arg;
	struct ipeer_node *p;

	rcu_read_lock();
	p = ipeer_lookup_noref(r->b, &r->key);
	/* p is valid memory only until rcu_read_unlock(): look now */
	r->got = p;
	r->key_ok = p && !memcmp(&p->key, &r->key, sizeof(r->key));
	rcu_read_unlock();
	complete(&r->done);
	return 0;
}

/* Whether a walk by @key that starts on @from reaches @key (tree locked). */
static bool ipeer_seq_reaches(struct ipeer_base *b, struct ipeer_node *from,
			      const struct ipeer_key *key)
{
	struct ipeer_node *p = from;
	int cmp;

	b->ops->lock_tree(b);
	while (p && (cmp = ipeer_key_cmp(key, &p->key)))
		p = b->ops->child(b, p, cmp > 0);
	b->ops->unlock_tree(b);
	return p;
}

/*
 * The property the seqlock stage adds, at its worst interleaving: a
 * lockless walk has read the root R and stands on it (the base's test hook
 * walk_pause_task), the writer inserts keys just above the looked-up key
 * K (below every other held key, so all into R's left subtree) until a
 * rotation at R has brought up a node above K and left K out of R's
 * subtree (a walk resumed on R now misses K, though K never left the
 * tree), then lets the walk go on.
 * The walk must see the sequence moved and look again under the lock: it
 * returns K's node, and seq_retries counts one retry. A walk that trusted
 * its miss (as if no writer had run) returns NULL.
 */
static void ipeer_seq_walk_retries_after_rotation(struct kunit *test)
{
	const struct ipeer_ops *ops = ipeer_find_variant("seqlock");
	struct ipeer_limits limits = {
		.threshold = IPEER_MAX_NODES,
		.minttl = 3600 * HZ, .maxttl = 3600 * HZ,
	};
	struct ipeer_seq_race *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct ipeer_node *held[SEQ_RACE_KEYS], *from = NULL, *p;
	struct task_struct *reader;
	struct ipeer_stats st0, st1;
	struct ipeer_key key;
	unsigned long deadline;
	unsigned int here;
	char why[96] = "";
	bool moved_away = false;
	int i, nheld = 0, inserts = 0;

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, ops);
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs: the paused walk spins in its read-side section");
	r->b = ipeer_base_create(ops, &limits);
	KUNIT_ASSERT_NOT_NULL(test, r->b);
	init_completion(&r->done);
	/*
	 * From here on no ASSERT: a failure must still put what it holds and
	 * destroy the base (an aborted case would leak both, and the base's
	 * GC work would run on after the case).
	 */
	/* K is the smallest of the held keys; room for inserts above it */
	for (; nheld < SEQ_RACE_KEYS; nheld++) {
		ipeer_key_v4(&key, 0x0a000000 + (nheld << 16));
		held[nheld] = ipeer_get(r->b, &key, true);
		if (!held[nheld]) {
			KUNIT_FAIL(test, "no node for held key %d", nheld);
			goto out;
		}
	}
	r->key = held[0]->key;
	ipeer_read_stats(r->b, &st0);

	reader = kthread_create(ipeer_seq_race_reader, r, "ipeer_seq_reader");
	if (IS_ERR(reader)) {
		KUNIT_FAIL(test, "no reader thread");
		goto out;
	}
	/*
	 * Not on this CPU, and this thread pinned where it is: the paused
	 * walk may spin with preemption off, and a writer migrated onto its
	 * CPU would never run on a non-preemptible kernel.
	 */
	here = raw_smp_processor_id();
	if (num_online_cpus() < 2 ||
	    set_cpus_allowed_ptr(current, cpumask_of(here))) {
		kthread_stop(reader);
		kunit_mark_skipped(test, "needs two online CPUs and a pinned writer");
		goto out;
	}
	kthread_bind(reader, cpumask_any_but(cpu_online_mask, here));
	/* disarmed below on every path: the reader spins until then */
	ipeer_walk_pause_arm(r->b, reader);
	wake_up_process(reader);
	deadline = jiffies + 5 * HZ;
	for (;;) {
		from = READ_ONCE(r->b->walk_paused_at);
		if (from || !time_before(jiffies, deadline))
			break;
		usleep_range(500, 1000);
	}
	/* the writer: rotate K out of the subtree of the root the walk is on */
	while (from && inserts < SEQ_RACE_MAX_INSERTS) {
		moved_away = !ipeer_seq_reaches(r->b, from, &r->key);
		if (moved_away)
			break;
		ipeer_key_v4(&key, r->key.word[0] + ++inserts);
		p = ipeer_get(r->b, &key, true);
		if (!p)
			break;
		ipeer_put(r->b, p);
	}
	/* let the walk go on from the root it read */
	ipeer_walk_pause_disarm(r->b);
	wait_for_completion(&r->done);
	ipeer_read_stats(r->b, &st1);

	kunit_info(test, "walk paused on %s, %d inserts moved K away: %d, got %s, seq retries %llu\n",
		   from ? "the root" : "nothing", inserts, moved_away,
		   r->got == held[0] ? "K" : r->got ? "another node" : "NULL",
		   st1.seq_retries - st0.seq_retries);
	KUNIT_EXPECT_NOT_NULL_MSG(test, from, "the walk never reached the test hook");
	KUNIT_EXPECT_TRUE_MSG(test, moved_away,
			      "%d inserts never took K out of the old root's subtree",
			      inserts);
	KUNIT_EXPECT_PTR_EQ_MSG(test, r->got, held[0],
				"a walk misled by a rotation lost a key that stayed in the tree");
	KUNIT_EXPECT_TRUE(test, r->key_ok);
	KUNIT_EXPECT_EQ(test, st1.seq_retries - st0.seq_retries, 1);
	/* not ipeer_kunit_expect_valid(): its ASSERT would skip the cleanup */
	KUNIT_EXPECT_EQ_MSG(test, ipeer_check(r->b, why, sizeof(why)), 0,
			    "after %d inserts: %s", inserts, why);
out:
	for (i = 0; i < nheld; i++)
		ipeer_put(r->b, held[i]);
	ipeer_base_destroy(r->b);
	rcu_barrier();
}

static struct kunit_case ipeer_kunit_cases[] = {
	KUNIT_CASE_PARAM(ipeer_random_ops_match_reference,
			 ipeer_kunit_variant_gen),
	KUNIT_CASE_PARAM(ipeer_sorted_inserts_stay_balanced,
			 ipeer_kunit_variant_gen),
	KUNIT_CASE_PARAM(ipeer_held_node_never_freed, ipeer_kunit_variant_gen),
	KUNIT_CASE_PARAM(ipeer_gc_respects_threshold, ipeer_kunit_variant_gen),
	KUNIT_CASE_PARAM(ipeer_gc_respects_ttl, ipeer_kunit_variant_gen),
	KUNIT_CASE_PARAM(ipeer_destroy_frees_live_peers,
			 ipeer_kunit_variant_gen),
	KUNIT_CASE_PARAM(ipeer_revive_inside_put_window,
			 ipeer_kunit_variant_gen),
	KUNIT_CASE_PARAM(ipeer_failed_unlink_keeps_node,
			 ipeer_kunit_variant_gen),
	KUNIT_CASE_PARAM(ipeer_listing_cursor, ipeer_kunit_variant_gen),
	KUNIT_CASE_PARAM(ipeer_noref_lookup, ipeer_kunit_lockless_gen),
	KUNIT_CASE(ipeer_seq_walk_retries_after_rotation),
	{}
};

static struct kunit_suite ipeer_kunit_suite = {
	.name = "inetpeer",
	.test_cases = ipeer_kunit_cases,
};

static struct kunit_case ipeer_stress_cases[] = {
	KUNIT_CASE_PARAM(ipeer_stable_keys_always_found,
			 ipeer_kunit_variant_gen),
	{}
};

static struct kunit_suite ipeer_stress_suite = {
	.name = "inetpeer_stress",
	.test_cases = ipeer_stress_cases,
};

kunit_test_suites(&ipeer_kunit_suite, &ipeer_stress_suite);

MODULE_LICENSE("GPL");
MODULE_AUTHOR(RCUNET_AUTHOR);
MODULE_VERSION(RCUNET_VERSION);
RCUNET_IMPORT_TEST_EXPORTS();
MODULE_DESCRIPTION("KUnit tests for rcunet inetpeer");
