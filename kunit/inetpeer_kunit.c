// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for rcunet inetpeer.
 *
 * "inetpeer": semantics, for both variants (rwlock, rcu): a seeded random
 * sequence of get/lookup/put/remove/GC against a reference map, with the
 * AVL checker after every step; balance under sorted inserts; GC threshold
 * and TTL; held nodes never freed; destroy with live peers frees them all.
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

static const void *ipeer_kunit_variant_gen(const void *prev, char *desc)
{
	const struct ipeer_ops *const *v = prev;

	v = v ? v + 1 : &ipeer_variants[0];
	if (v >= &ipeer_variants[ipeer_nr_variants])
		return NULL;
	strscpy(desc, (*v)->name, KUNIT_PARAM_DESC_SIZE);
	return v;
}

static const struct ipeer_ops *ipeer_kunit_ops(struct kunit *test)
{
	return *(const struct ipeer_ops *const *)test->param_value;
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
	/* AVL bound: height < 1.45 * log2(n + 2) */
	KUNIT_EXPECT_LE(test, ipeer_height(b) * 100, 145 * ilog2(2 * n + 2));
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

/* -------------------------------------------------------------- stress */

#define STRESS_STABLE		128
#define STRESS_CHURN		512
#define STRESS_WRITER_OPS	40000
#define STRESS_MAX_SECONDS	10
/* how long a dwelling reader stays on one node, in its read-side section */
#define STRESS_DWELL_US		100

struct ipeer_stress {
	struct ipeer_base *b;
	struct ipeer_key stable[STRESS_STABLE];
	struct ipeer_node *held[STRESS_STABLE];
	atomic_long_t lookups;
	atomic_long_t lost;	/* a stable key not found */
	atomic_long_t bad;	/* found, but wrong key or dead refcount */
	atomic_long_t dwells;	/* lockless walks that lingered on a node */
	atomic_long_t dwell_bad;	/* ... and saw it change: freed under us */
};

/*
 * The RCU contract itself: a node reached inside rcu_read_lock_bh() stays
 * valid until rcu_read_unlock_bh(). Walk to a random node (churn nodes
 * sit low in the tree), linger on it, and check that its immutable key is
 * still there. A free without a grace period poisons or reuses it.
 */
static bool ipeer_stress_dwell(struct ipeer_stress *s, u32 x)
{
	struct ipeer_node *p, *next;
	struct ipeer_key key;
	bool ok = true;
	int depth;

	rcu_read_lock_bh();
	p = rcu_dereference_bh(s->b->root);
	for (depth = 0; p && depth < IPEER_MAXDEPTH; depth++, x >>= 1) {
		next = (x & 1) ? rcu_dereference_bh(p->left) :
				 rcu_dereference_bh(p->right);
		if (!next)
			break;
		p = next;
	}
	if (p) {
		memcpy(&key, &p->key, sizeof(key));
		udelay(STRESS_DWELL_US);	/* atomic context: no sleeping */
		ok = !memcmp(&key, &p->key, sizeof(key));
	}
	rcu_read_unlock_bh();
	return ok;
}

static int ipeer_stress_reader(void *arg)
{
	struct ipeer_stress *s = arg;
	u32 x = 0x12345678 ^ (raw_smp_processor_id() + 1) * 0x9e3779b9U;
	bool dweller = s->b->ops == &ipeer_rcu_ops;
	long lookups = 0, lost = 0, bad = 0, dwells = 0, dwell_bad = 0;
	struct ipeer_node *p;
	int k;

	while (!kthread_should_stop()) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		k = x % STRESS_STABLE;
		p = ipeer_get(s->b, &s->stable[k], false);
		lookups++;
		if (!p) {
			lost++;
		} else {
			if (memcmp(&p->key, &s->stable[k], sizeof(p->key)) ||
			    atomic_read(&p->refcnt) < 2)
				bad++;
			atomic_inc(&p->ip_id_count);
			ipeer_put(s->b, p);
		}
		if (dweller && !(lookups & 7)) {
			dwells++;
			dwell_bad += !ipeer_stress_dwell(s, x);
		}
		if (!(lookups & 63))
			cond_resched();
	}
	atomic_long_add(dwells, &s->dwells);
	atomic_long_add(dwell_bad, &s->dwell_bad);
	atomic_long_add(lookups, &s->lookups);
	atomic_long_add(lost, &s->lost);
	atomic_long_add(bad, &s->bad);
	return 0;
}

static void ipeer_stable_keys_always_found(struct kunit *test)
{
	struct ipeer_stress *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct task_struct **readers;
	char why[96] = "";
	unsigned long deadline = jiffies + STRESS_MAX_SECONDS * HZ;
	long inserts = 0, removes = 0, gcs = 0, writer_ops;
	struct ipeer_stats st;
	struct ipeer_node *p;
	struct ipeer_key key;
	struct rnd_state rnd;
	unsigned int cpu, nr = 0;
	int i, op, ret;

	KUNIT_ASSERT_NOT_NULL(test, s);
	readers = kunit_kcalloc(test, nr_cpu_ids, sizeof(*readers), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, readers);
	s->b = ipeer_kunit_base(test, IPEER_MAX_NODES, HZ);
	/* stable keys interleave with the churn keys: rotations move them */
	for (i = 0; i < STRESS_STABLE; i++) {
		ipeer_key_v4(&s->stable[i], 0x0a000000 + i * 8);
		s->held[i] = ipeer_get(s->b, &s->stable[i], true);
		KUNIT_ASSERT_NOT_NULL(test, s->held[i]);
	}
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

	/* no KUNIT_ASSERT until the readers are stopped: it would skip that */
	prandom_seed_state(&rnd, 0xfeedf00d);
	for (writer_ops = 0; writer_ops < STRESS_WRITER_OPS &&
	     time_before(jiffies, deadline); writer_ops++) {
		u32 c = prandom_u32_state(&rnd) % STRESS_CHURN;

		/* churn keys sit between the stable ones (offsets 1..7) */
		ipeer_key_v4(&key, 0x0a000000 + (c / 7) * 8 + 1 + c % 7);
		op = prandom_u32_state(&rnd) % 10;
		if (op < 5) {
			p = ipeer_get(s->b, &key, true);
			if (!p) {
				KUNIT_FAIL(test, "insert failed");
				break;
			}
			ipeer_put(s->b, p);
			inserts++;
		} else if (op < 9) {
			ret = ipeer_remove(s->b, &key);
			KUNIT_EXPECT_TRUE(test, ret == 0 || ret == -ENOENT);
			removes += !ret;
		} else {
			gcs += !ipeer_gc_once(s->b, 0);
		}
		if (!(writer_ops & 1023)) {
			if (ipeer_check(s->b, why, sizeof(why))) {
				KUNIT_FAIL(test, "op %ld: %s", writer_ops, why);
				break;
			}
			cond_resched();
		}
	}
	for (i = 0; i < nr; i++)
		kthread_stop(readers[i]);

	ipeer_read_stats(s->b, &st);
	kunit_info(test, "%s: %u readers, %ld lookups, %ld writer ops (%ld inserts, %ld removes, %ld gc), lockless hits %llu, misses %llu, fallback hits %llu, locked hits %llu, lost %ld, bad %ld, freed seen %llu, dwells %ld, changed under reader %ld\n",
		   s->b->ops->name, nr, atomic_long_read(&s->lookups),
		   writer_ops, inserts, removes, gcs, st.lockless_hits,
		   st.lockless_misses, st.fallback_hits, st.locked_hits,
		   atomic_long_read(&s->lost), atomic_long_read(&s->bad),
		   st.freed_seen, atomic_long_read(&s->dwells),
		   atomic_long_read(&s->dwell_bad));
	KUNIT_EXPECT_GT(test, atomic_long_read(&s->lookups), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&s->lost), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&s->bad), 0);
	KUNIT_EXPECT_EQ(test, st.freed_seen, 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&s->dwell_bad), 0);
	ipeer_kunit_expect_valid(test, s->b, writer_ops);
	for (i = 0; i < STRESS_STABLE; i++)
		KUNIT_EXPECT_EQ(test, ipeer_refcount(s->b, &s->stable[i]), 1);
	ipeer_base_destroy(s->b);
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
MODULE_DESCRIPTION("KUnit tests for rcunet inetpeer");
