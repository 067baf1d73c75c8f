// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit for pktgen_rcu: the if_list logic (RCU and legacy readers, spinlock
 * and mutex writers), the thread control flags and the device commands.
 *
 * Suites:
 *  pktgen_rcu         semantics; the list cases run once per variant
 *                     ("rcu/lockless", "legacy/locked", "mutex/lockless")
 *  pktgen_rcu_stress  a reader kthread scanning while a writer adds and
 *                     removes devices; a poster against a flag processor;
 *                     a writer sleeping under the writer mutex while the
 *                     readers must keep going (the "mutex" stage)
 *
 * All tests use detached threads (no kthread, no proc files, no netdev),
 * so they do not touch the module's live state.
 */
#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/rculist.h>
#include "../pktgen_rcu/pktgen_rcu.h"

/* Every variant in turn; the description is "name/role". */
static const void *pgr_kunit_variant_gen(const void *prev, char *desc)
{
	const struct pgr_list_ops *ops;
	int v = 0;

	/* @prev is the variant the last case ran on: start after it */
	if (prev) {
		while (v < PGR_NR_VARIANTS && pgr_variant_ops(v) != prev)
			v++;
		v++;
	}
	if (v >= PGR_NR_VARIANTS)
		return NULL;
	ops = pgr_variant_ops(v);
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s/%s", ops->name,
		 rcunet_role_name(ops->role));
	return ops;
}

static struct pgr_dev *pgr_kunit_add(struct kunit *test, struct pgr_thread *t,
				     const char *name)
{
	struct pgr_dev *dev = pgr_dev_alloc(name);

	KUNIT_ASSERT_NOT_NULL(test, dev);
	KUNIT_ASSERT_EQ(test, pgr_list_add(t, dev), 0);
	return dev;
}

static void pgr_kunit_name_match(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, pgr_name_match("eth0", "eth0", true));
	KUNIT_EXPECT_TRUE(test, pgr_name_match("eth0@1", "eth0", false));
	KUNIT_EXPECT_FALSE(test, pgr_name_match("eth0@1", "eth0", true));
	KUNIT_EXPECT_FALSE(test, pgr_name_match("eth01", "eth0", false));
	KUNIT_EXPECT_FALSE(test, pgr_name_match("eth0", "eth0@1", false));
	KUNIT_EXPECT_TRUE(test, pgr_name_match("eth0@1", "eth0@1", true));
}

/* add/find/mark/remove give the same answers through every variant */
static void pgr_kunit_list_semantics(struct kunit *test)
{
	const struct pgr_list_ops *ops = test->param_value;
	struct pgr_thread t;
	struct pgr_dev *a, *b;

	pgr_thread_init(&t, 0);
	/* the variant's writers (and removal) too, not only its readers */
	pgr_thread_set_ops(&t, ops);
	KUNIT_EXPECT_PTR_EQ(test, t.ops, ops);
	a = pgr_kunit_add(test, &t, "eth0@0");
	b = pgr_kunit_add(test, &t, "eth1");
	KUNIT_EXPECT_EQ(test, pgr_list_add(&t, a), -EBUSY);
	KUNIT_EXPECT_TRUE(test, ops->find_dev(&t, "eth0", false));
	KUNIT_EXPECT_FALSE(test, ops->find_dev(&t, "eth0", true));
	KUNIT_EXPECT_TRUE(test, ops->find_dev(&t, "eth1", true));
	KUNIT_EXPECT_FALSE(test, ops->find_dev(&t, "eth2", false));

	KUNIT_EXPECT_TRUE(test, ops->mark_dev(&t, "eth1"));
	KUNIT_EXPECT_FALSE(test, ops->mark_dev(&t, "eth9"));
	pgr_rem_marked(&t);
	KUNIT_EXPECT_FALSE(test, ops->find_dev(&t, "eth1", true));
	KUNIT_EXPECT_TRUE(test, ops->find_dev(&t, "eth0@0", true));
	pgr_rem_all(&t);
	KUNIT_EXPECT_TRUE(test, list_empty(&t.if_list));
	KUNIT_EXPECT_FALSE(test, ops->find_dev(&t, "eth0", false));
	(void)b;
}

/* next_to_run: the running device with the earliest next_tx, or NULL */
static void pgr_kunit_next_to_run(struct kunit *test)
{
	const struct pgr_list_ops *ops = test->param_value;
	struct pgr_thread t;
	struct pgr_dev *a, *b, *c;

	pgr_thread_init(&t, 0);
	pgr_thread_set_ops(&t, ops);
	a = pgr_kunit_add(test, &t, "a");
	b = pgr_kunit_add(test, &t, "b");
	c = pgr_kunit_add(test, &t, "c");
	KUNIT_EXPECT_PTR_EQ(test, ops->next_to_run(&t), NULL);
	KUNIT_EXPECT_FALSE(test, ops->thread_is_running(&t));

	a->next_tx = 300;
	b->next_tx = 100;
	c->next_tx = 200;
	a->running = 1;
	c->running = 1;
	KUNIT_EXPECT_PTR_EQ(test, ops->next_to_run(&t), c);
	KUNIT_EXPECT_TRUE(test, ops->thread_is_running(&t));
	b->running = 1;
	KUNIT_EXPECT_PTR_EQ(test, ops->next_to_run(&t), b);
	b->running = 0;
	c->running = 0;
	KUNIT_EXPECT_PTR_EQ(test, ops->next_to_run(&t), a);
	a->running = 0;
	KUNIT_EXPECT_PTR_EQ(test, ops->next_to_run(&t), NULL);
	pgr_rem_all(&t);
}

/*
 * A removal takes a fixed lock (if_lock for the original's and
 * 80e1e6db5c72's, if_mutex for the "mutex" one): the list must be in a
 * variant whose writers take that same lock, or the removal and an
 * add_device would hold different locks.
 */
static void pgr_kunit_in_variant(struct kunit *test, struct pgr_thread *t,
				 enum pgr_variant v)
{
	const struct pgr_list_ops *ops = pgr_variant_ops(v);

	pgr_thread_set_ops(t, ops);
	KUNIT_ASSERT_PTR_EQ(test, t->ops, ops);
}

/*
 * The three removals the bench's slow path times: the original (unlink
 * under if_lock, kfree() at once), 80e1e6db5c72's (list_del_rcu() under
 * if_lock, kfree_rcu()) and mainline's next (the same under if_mutex)
 * leave the same list behind, the other entries in their order. Each runs
 * on the list in its own variant (its writers' lock is the removal's), as
 * the bench's threads are.
 */
static void pgr_kunit_removal_versions(struct kunit *test)
{
	struct pgr_thread t;
	struct pgr_dev *a, *b, *c;

	pgr_thread_init(&t, 0);
	pgr_kunit_in_variant(test, &t, PGR_VARIANT_LEGACY);
	a = pgr_kunit_add(test, &t, "a");
	b = pgr_kunit_add(test, &t, "b");
	c = pgr_kunit_add(test, &t, "c");
	pgr_legacy_remove_device(&t, b);
	KUNIT_EXPECT_FALSE(test, t.ops->find_dev(&t, "b", true));
	KUNIT_EXPECT_PTR_EQ(test, list_first_entry(&t.if_list, struct pgr_dev,
						   list), c);
	KUNIT_EXPECT_PTR_EQ(test, list_last_entry(&t.if_list, struct pgr_dev,
						  list), a);

	pgr_kunit_in_variant(test, &t, PGR_VARIANT_RCU);
	b = pgr_kunit_add(test, &t, "b");
	pgr_remove_device(&t, c);
	KUNIT_EXPECT_FALSE(test, t.ops->find_dev(&t, "c", true));
	KUNIT_EXPECT_PTR_EQ(test, list_first_entry(&t.if_list, struct pgr_dev,
						   list), b);
	KUNIT_EXPECT_PTR_EQ(test, list_last_entry(&t.if_list, struct pgr_dev,
						  list), a);

	pgr_kunit_in_variant(test, &t, PGR_VARIANT_MUTEX);
	c = pgr_kunit_add(test, &t, "c");
	pgr_mutex_remove_device(&t, b);
	KUNIT_EXPECT_FALSE(test, t.ops->find_dev(&t, "b", true));
	KUNIT_EXPECT_PTR_EQ(test, list_first_entry(&t.if_list, struct pgr_dev,
						   list), c);
	KUNIT_EXPECT_PTR_EQ(test, list_last_entry(&t.if_list, struct pgr_dev,
						  list), a);
	pgr_mutex_remove_device(&t, a);
	pgr_mutex_remove_device(&t, c);
	KUNIT_EXPECT_TRUE(test, list_empty(&t.if_list));
	/* the kfree_rcu()s above */
	rcu_barrier();
}

/* thread control flags: each posted flag acts once, in pktgen's order */
static void pgr_kunit_control_flags(struct kunit *test)
{
	const struct pgr_list_ops *rcu = pgr_variant_ops(PGR_VARIANT_RCU);
	struct pgr_thread t;
	struct pgr_dev *a, *b;

	pgr_thread_init(&t, 0);
	KUNIT_EXPECT_FALSE(test, pgr_thread_process_control(&t));

	a = pgr_kunit_add(test, &t, "a");
	b = pgr_kunit_add(test, &t, "b");

	/* RUN without a netdev: pktgen's "Error starting", nothing runs */
	pgr_thread_post(&t, PGR_T_RUN);
	KUNIT_EXPECT_FALSE(test, pgr_thread_flag_done(&t, PGR_T_RUN));
	KUNIT_EXPECT_TRUE(test, pgr_thread_process_control(&t));
	KUNIT_EXPECT_TRUE(test, pgr_thread_flag_done(&t, PGR_T_RUN));
	KUNIT_EXPECT_STREQ(test, a->result, "Error starting");
	KUNIT_EXPECT_EQ(test, a->running, 0);

	/* STOP stops running devices and writes pktgen's Result */
	a->running = 1;
	a->sofar = 10;
	a->started_at = ktime_get();
	pgr_thread_post(&t, PGR_T_STOP);
	KUNIT_EXPECT_TRUE(test, pgr_thread_process_control(&t));
	KUNIT_EXPECT_EQ(test, a->running, 0);
	KUNIT_EXPECT_EQ(test, strncmp(a->result, "OK: ", 4), 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(a->result, ", 10 ("));
	KUNIT_EXPECT_NOT_NULL(test, strstr(a->result, "pps "));

	/* REMDEV removes only the marked device */
	KUNIT_EXPECT_TRUE(test, rcu->mark_dev(&t, "b"));
	pgr_thread_post(&t, PGR_T_REMDEV);
	KUNIT_EXPECT_TRUE(test, pgr_thread_process_control(&t));
	KUNIT_EXPECT_FALSE(test, rcu->find_dev(&t, "b", true));
	KUNIT_EXPECT_TRUE(test, rcu->find_dev(&t, "a", true));

	/* REMDEVALL empties the list; flags are consumed */
	pgr_thread_post(&t, PGR_T_REMDEVALL);
	KUNIT_EXPECT_TRUE(test, pgr_thread_process_control(&t));
	KUNIT_EXPECT_TRUE(test, list_empty(&t.if_list));
	KUNIT_EXPECT_EQ(test, t.control, 0UL);
	KUNIT_EXPECT_FALSE(test, pgr_thread_process_control(&t));

	/* MODE: the owner switches its list to the module's variant */
	pgr_thread_set_ops(&t, pgr_variant_ops(PGR_VARIANT_MUTEX));
	pgr_thread_post(&t, PGR_T_MODE);
	KUNIT_EXPECT_TRUE(test, pgr_thread_process_control(&t));
	KUNIT_EXPECT_TRUE(test, pgr_thread_flag_done(&t, PGR_T_MODE));
	KUNIT_EXPECT_PTR_EQ(test, t.ops, pgr_ops());
	(void)b;
}

/* pktgen's commands: accepted values change state, rejected ones do not */
static void pgr_kunit_dev_commands(struct kunit *test)
{
	struct pgr_dev *dev = pgr_dev_alloc("eth0");
	char line[64], num[48];

#define CMD(s) (strscpy(line, s, sizeof(line)), pgr_dev_command(dev, line))
	KUNIT_ASSERT_NOT_NULL(test, dev);
	KUNIT_EXPECT_EQ(test, CMD("count 100\n"), 0);
	KUNIT_EXPECT_EQ(test, dev->count, 100ULL);
	KUNIT_EXPECT_EQ(test, CMD("count=200"), 0);
	KUNIT_EXPECT_EQ(test, dev->count, 200ULL);
	KUNIT_EXPECT_EQ(test, CMD("count abc"), -EINVAL);
	KUNIT_EXPECT_EQ(test, CMD("count 12x"), -EINVAL);
	KUNIT_EXPECT_EQ(test, CMD("count"), -EINVAL);
	KUNIT_EXPECT_EQ(test, dev->count, 200ULL);

	KUNIT_EXPECT_EQ(test, CMD("pkt_size 20"), 0);
	KUNIT_EXPECT_EQ(test, dev->min_pkt_size, (u32)PGR_MIN_PKT_SIZE);
	KUNIT_EXPECT_EQ(test, CMD("pkt_size 512"), 0);
	KUNIT_EXPECT_EQ(test, CMD("pkt_size 99999"), -ERANGE);
	KUNIT_EXPECT_EQ(test, dev->max_pkt_size, 512U);

	KUNIT_EXPECT_EQ(test, CMD("dst 10.1.2.3"), 0);
	KUNIT_EXPECT_EQ(test, CMD("dst 10.1.2"), -EINVAL);
	KUNIT_EXPECT_EQ(test, CMD("dst_max 10.1.2.300"), -EINVAL);
	KUNIT_EXPECT_STREQ(test, dev->dst_min, "10.1.2.3");
	KUNIT_EXPECT_EQ(test, ntohl(dev->daddr_min), 0x0a010203U);

	KUNIT_EXPECT_EQ(test, CMD("udp_dst_max 65535"), 0);
	KUNIT_EXPECT_EQ(test, CMD("udp_dst_max 65536"), -ERANGE);
	KUNIT_EXPECT_EQ(test, dev->udp_dst_max, 65535);

	KUNIT_EXPECT_EQ(test, CMD("flag UDPSRC_RND"), 0);
	KUNIT_EXPECT_EQ(test, dev->flags, (u32)PGR_F_UDPSRC_RND);
	KUNIT_EXPECT_EQ(test, CMD("flag BOGUS"), -EINVAL);
	KUNIT_EXPECT_EQ(test, CMD("flag IPV6"), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, CMD("flag !UDPSRC_RND"), 0);
	KUNIT_EXPECT_EQ(test, dev->flags, 0U);

	KUNIT_EXPECT_EQ(test, CMD("dst_mac 00:11:22:33:44:55"), 0);
	KUNIT_EXPECT_EQ(test, CMD("dst_mac 00:11:22:33:44"), -EINVAL);
	KUNIT_EXPECT_EQ(test, dev->dst_mac[5], 0x55);

	/* no netdev that can share skbs: clone_skb/burst > 1 refused */
	KUNIT_EXPECT_EQ(test, CMD("clone_skb 10"), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, dev->clone_skb, 0U);
	KUNIT_EXPECT_EQ(test, CMD("burst 0"), 0);
	KUNIT_EXPECT_EQ(test, dev->burst, 1U);
	KUNIT_EXPECT_EQ(test, CMD("ratep 0"), -EINVAL);
	KUNIT_EXPECT_EQ(test, CMD("ratep 1000"), 0);
	KUNIT_EXPECT_EQ(test, dev->delay, 1000000ULL);

	/*
	 * delay is capped: a near-U64_MAX delay wrapped the next slot
	 * (a ktime_t) into the past, i.e. full rate instead of almost never
	 */
	snprintf(num, sizeof(num), "delay %llu", PGR_MAX_DELAY);
	KUNIT_EXPECT_EQ(test, CMD(num), 0);
	KUNIT_EXPECT_EQ(test, dev->delay, PGR_MAX_DELAY);
	KUNIT_EXPECT_EQ(test, CMD("delay 5"), 0);
	snprintf(num, sizeof(num), "delay %llu", PGR_MAX_DELAY + 1);
	KUNIT_EXPECT_EQ(test, CMD(num), -ERANGE);
	KUNIT_EXPECT_EQ(test, CMD("delay 18446744073709551614"), -ERANGE);
	KUNIT_EXPECT_EQ(test, CMD("delay 9223372036854775808"), -ERANGE);
	KUNIT_EXPECT_EQ(test, dev->delay, 5ULL);
	KUNIT_EXPECT_STREQ(test, dev->result, "OK: delay=5");
	/* pktgen's "never transmit" value is still accepted */
	KUNIT_EXPECT_EQ(test, CMD("delay 2147483647"), 0);
	KUNIT_EXPECT_EQ(test, dev->delay, ULLONG_MAX);

	KUNIT_EXPECT_EQ(test, CMD("no_such_thing 1"), -EINVAL);
	KUNIT_EXPECT_EQ(test, CMD("count 1 2"), -EINVAL);

	/* the counters belong to a running kthread: no clearing under it */
	dev->sofar = 42;
	dev->running = 1;
	KUNIT_EXPECT_EQ(test, CMD("clear_counters"), -EBUSY);
	KUNIT_EXPECT_EQ(test, dev->sofar, 42ULL);
	dev->running = 0;
	KUNIT_EXPECT_EQ(test, CMD("clear_counters"), 0);
	KUNIT_EXPECT_EQ(test, dev->sofar, 0ULL);
#undef CMD
	kfree(dev);
}

/*
 * The per-call packet budget: "count" may be lowered during a run to (or
 * below) what was sent already; that must mean "stop", never a burst of 0
 * that the transmit loop would decrement past zero.
 */
static void pgr_kunit_xmit_budget(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, pgr_xmit_budget(0, 0, 1), 1U);
	KUNIT_EXPECT_EQ(test, pgr_xmit_budget(0, 123456, 7), 7U);
	KUNIT_EXPECT_EQ(test, pgr_xmit_budget(10, 0, 7), 7U);
	KUNIT_EXPECT_EQ(test, pgr_xmit_budget(10, 5, 7), 5U);
	KUNIT_EXPECT_EQ(test, pgr_xmit_budget(10, 9, 7), 1U);
	KUNIT_EXPECT_EQ(test, pgr_xmit_budget(10, 9, 1), 1U);
	/* count reached, or lowered below sofar: stop */
	KUNIT_EXPECT_EQ(test, pgr_xmit_budget(10, 10, 7), 0U);
	KUNIT_EXPECT_EQ(test, pgr_xmit_budget(10, 10, 1), 0U);
	KUNIT_EXPECT_EQ(test, pgr_xmit_budget(10, 11, 1), 0U);
	KUNIT_EXPECT_EQ(test, pgr_xmit_budget(1, U64_MAX, 7), 0U);
	/* a huge count left must not truncate to a small (or 0) u32 */
	KUNIT_EXPECT_EQ(test, pgr_xmit_budget(U64_MAX, 0, PGR_MAX_BURST),
			(u32)PGR_MAX_BURST);
	KUNIT_EXPECT_EQ(test, pgr_xmit_budget(BIT_ULL(32) + 1, 1, 3), 3U);
}

static struct kunit_case pgr_kunit_cases[] = {
	KUNIT_CASE(pgr_kunit_name_match),
	KUNIT_CASE_PARAM(pgr_kunit_list_semantics, pgr_kunit_variant_gen),
	KUNIT_CASE_PARAM(pgr_kunit_next_to_run, pgr_kunit_variant_gen),
	KUNIT_CASE(pgr_kunit_removal_versions),
	KUNIT_CASE(pgr_kunit_control_flags),
	KUNIT_CASE(pgr_kunit_dev_commands),
	KUNIT_CASE(pgr_kunit_xmit_budget),
	{}
};

static struct kunit_suite pgr_kunit_suite = {
	.name = "pktgen_rcu",
	.test_cases = pgr_kunit_cases,
};

/* ------------------------------------------------------------ stress */

#define PGR_STRESS_ITERS	2000

struct pgr_stress {
	const struct pgr_list_ops *ops;
	struct pgr_thread t;
	atomic_t stop;
	atomic_long_t scans;
	atomic_long_t picks;		/* next_to_run found a running device */
	atomic_long_t bad;		/* entries seen with a wrong magic */
	struct completion done;
};

/* Walk the list under the protection @ops uses and check each entry. */
static void pgr_stress_walk(struct pgr_stress *s)
{
	struct pgr_dev *dev;

	if (s->ops->role == RCUNET_ROLE_LOCKED) {
		spin_lock(&s->t.if_lock);
		list_for_each_entry(dev, &s->t.if_list, list)
			if (READ_ONCE(dev->magic) != PGR_DEV_MAGIC)
				atomic_long_inc(&s->bad);
		spin_unlock(&s->t.if_lock);
	} else {
		/* unlinked-but-not-yet-freed entries are DEAD, never garbage */
		rcu_read_lock();
		list_for_each_entry_rcu(dev, &s->t.if_list, list) {
			u32 m = READ_ONCE(dev->magic);

			if (m != PGR_DEV_MAGIC && m != PGR_DEV_DEAD)
				atomic_long_inc(&s->bad);
		}
		rcu_read_unlock();
	}
}

static int pgr_stress_reader(void *arg)
{
	struct pgr_stress *s = arg;

	while (!atomic_read(&s->stop)) {
		if (s->ops->next_to_run(&s->t))
			atomic_long_inc(&s->picks);
		s->ops->find_dev(&s->t, "stress1", true);
		s->ops->thread_is_running(&s->t);
		pgr_stress_walk(s);
		atomic_long_inc(&s->scans);
		cond_resched();
	}
	complete(&s->done);
	return 0;
}

/* Readers of either variant scan while the writer adds and removes. */
static void pgr_kunit_scan_vs_writers(struct kunit *test)
{
	struct pgr_stress *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct task_struct *tsk;
	char name[PGR_IFNAME_LEN];
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->ops = test->param_value;
	pgr_thread_init(&s->t, 0);
	pgr_thread_set_ops(&s->t, s->ops);
	init_completion(&s->done);
	tsk = kthread_run(pgr_stress_reader, s, "pgr_stress_rd");
	KUNIT_ASSERT_FALSE(test, IS_ERR(tsk));

	for (i = 0; i < PGR_STRESS_ITERS; i++) {
		struct pgr_dev *dev;

		snprintf(name, sizeof(name), "stress%u", i % 4);
		dev = pgr_dev_alloc(name);
		if (!dev) {
			/* no ASSERT while the reader runs */
			KUNIT_FAIL(test, "no memory");
			break;
		}
		dev->next_tx = i;
		KUNIT_EXPECT_EQ(test, pgr_list_add(&s->t, dev), 0);
		/* published stopped; running makes next_to_run pick it */
		WRITE_ONCE(dev->running, 1);
		if (i % 4 == 3) {
			/* removal as the kthread does it */
			s->ops->mark_dev(&s->t, "stress1");
			pgr_rem_marked(&s->t);
			pgr_rem_all(&s->t);
		}
		if (!(i % 64))
			cond_resched();
	}
	pgr_rem_all(&s->t);
	atomic_set(&s->stop, 1);
	wait_for_completion(&s->done);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&s->bad), 0L);
	KUNIT_EXPECT_GT(test, atomic_long_read(&s->scans), 0L);
	kunit_info(test, "%s/%s: %d writer iterations, %ld reader scans, %ld picks\n",
		   s->ops->name, rcunet_role_name(s->ops->role),
		   PGR_STRESS_ITERS,
		   atomic_long_read(&s->scans), atomic_long_read(&s->picks));
	/* the devices went to kfree_rcu(); let them go before we return */
	rcu_barrier();
}

struct pgr_flag_stress {
	struct pgr_thread t;
	atomic_t stop;
	struct completion done;
};

static int pgr_flag_processor(void *arg)
{
	struct pgr_flag_stress *fs = arg;

	while (!atomic_read(&fs->stop)) {
		if (!pgr_thread_process_control(&fs->t))
			cond_resched();
	}
	complete(&fs->done);
	return 0;
}

/*
 * A poster that marks a device, posts REMDEV and waits for flag_done must
 * then find the device gone: no post is lost, no wait ends early.
 */
static void pgr_kunit_flags_vs_processor(struct kunit *test)
{
	const struct pgr_list_ops *rcu = pgr_variant_ops(PGR_VARIANT_RCU);
	struct pgr_flag_stress *fs = kunit_kzalloc(test, sizeof(*fs), GFP_KERNEL);
	struct task_struct *tsk;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, fs);
	pgr_thread_init(&fs->t, 0);
	init_completion(&fs->done);
	tsk = kthread_run(pgr_flag_processor, fs, "pgr_stress_fl");
	KUNIT_ASSERT_FALSE(test, IS_ERR(tsk));

	for (i = 0; i < 500; i++) {
		struct pgr_dev *dev = pgr_dev_alloc("victim");
		unsigned long deadline = jiffies + 10 * HZ;
		bool done;

		/* no ASSERT while the processor runs: it must be stopped first */
		if (!dev || pgr_list_add(&fs->t, dev)) {
			KUNIT_FAIL(test, "cannot add device %u", i);
			kfree(dev);
			break;
		}
		KUNIT_EXPECT_TRUE(test, rcu->mark_dev(&fs->t, "victim"));
		pgr_thread_post(&fs->t, PGR_T_REMDEV);
		while (!(done = pgr_thread_flag_done(&fs->t, PGR_T_REMDEV)) &&
		       time_before(jiffies, deadline))
			usleep_range(10, 50);
		KUNIT_EXPECT_TRUE(test, done);
		if (rcu->find_dev(&fs->t, "victim", true)) {
			KUNIT_FAIL(test, "victim still listed after flag done (%u)", i);
			break;
		}
	}
	kunit_info(test, "%u post/wait/remove rounds\n", i);
	atomic_set(&fs->stop, 1);
	wait_for_completion(&fs->done);
	pgr_rem_all(&fs->t);
	rcu_barrier();
}

/* ---------------------------------------- a writer sleeping under its lock */

#define PGR_SLEEP_PICKS		1000

struct pgr_sleep_test {
	const struct pgr_list_ops *ops;
	struct pgr_thread t;
	atomic_t stop;
	atomic_long_t picks;		/* next_to_run() found the device */
	atomic_long_t target;		/* complete @progressed at this count */
	struct completion progressed;
	struct completion done;
};

/* The per-packet scan, as the kthread does it, counting its packets. */
static int pgr_sleep_reader(void *arg)
{
	struct pgr_sleep_test *s = arg;
	long n, target;

	while (!atomic_read(&s->stop)) {
		if (s->ops->next_to_run(&s->t)) {
			n = atomic_long_inc_return(&s->picks);
			target = atomic_long_read(&s->target);
			if (target && n >= target &&
			    atomic_long_cmpxchg(&s->target, target, 0) == target)
				complete(&s->progressed);
		}
		cond_resched();
	}
	complete(&s->done);
	return 0;
}

/*
 * What is new in the "mutex" stage: a writer may sleep while it holds the
 * writer lock (allocate with GFP_KERNEL, wait), and the readers, RCU
 * readers, do not wait for it. The interleaving is forced: the writer
 * takes the lock, allocates the new device there, and then sleeps until
 * the reader has scanned PGR_SLEEP_PICKS more times, which it can only do
 * if nothing it does waits for the writer. The 10 s bound is a deadlock
 * guard, not a timing claim. On a debug kernel a variant whose writer lock
 * did not allow sleeping would splat here ("sleeping function called from
 * invalid context"): the spinlock variants are skipped for that reason.
 */
static void pgr_kunit_writer_sleeps(struct kunit *test)
{
	const struct pgr_list_ops *ops = test->param_value;
	struct pgr_sleep_test *s;
	const struct pgr_list_ops *w;
	struct task_struct *tsk;
	struct pgr_dev *run, *late;
	long before, after;
	unsigned long left;

	if (!ops->writer_may_sleep)
		kunit_skip(test, "%s: writer lock is a spinlock, a writer may not sleep",
			   ops->name);
	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->ops = ops;
	pgr_thread_init(&s->t, 0);
	pgr_thread_set_ops(&s->t, ops);
	init_completion(&s->progressed);
	init_completion(&s->done);
	run = pgr_kunit_add(test, &s->t, "run0");
	WRITE_ONCE(run->running, 1);
	tsk = kthread_run(pgr_sleep_reader, s, "pgr_sleep_rd");
	KUNIT_ASSERT_FALSE(test, IS_ERR(tsk));

	/* no ASSERT from here until the reader is stopped */
	w = pgr_writer_lock(&s->t);
	KUNIT_EXPECT_PTR_EQ(test, w, ops);
	/* a writer's GFP_KERNEL allocation under the lock: may sleep */
	late = pgr_dev_alloc("late0");
	before = atomic_long_read(&s->picks);
	atomic_long_set(&s->target, before + PGR_SLEEP_PICKS);
	/* sleep, holding the writer lock, until the reader has moved on */
	left = wait_for_completion_timeout(&s->progressed, 10 * HZ);
	after = atomic_long_read(&s->picks);
	if (late) {
		/* and publish the new device, still under the lock */
		late->pg_thread = &s->t;
		list_add_rcu(&late->list, &s->t.if_list);
	}
	w->writer_unlock(&s->t);

	atomic_set(&s->stop, 1);
	wait_for_completion(&s->done);
	KUNIT_EXPECT_NOT_NULL(test, late);
	KUNIT_EXPECT_NE_MSG(test, left, 0UL,
			    "%s: no scan progress while the writer slept under its lock (%ld -> %ld)",
			    ops->name, before, after);
	KUNIT_EXPECT_GE(test, after, before + PGR_SLEEP_PICKS);
	KUNIT_EXPECT_TRUE(test, ops->find_dev(&s->t, "late0", true));
	kunit_info(test, "%s: %ld scans while the writer slept under its lock\n",
		   ops->name, after - before);
	WRITE_ONCE(run->running, 0);
	pgr_rem_all(&s->t);
	KUNIT_EXPECT_TRUE(test, list_empty(&s->t.if_list));
	rcu_barrier();
}

static struct kunit_case pgr_kunit_stress_cases[] = {
	KUNIT_CASE_PARAM(pgr_kunit_scan_vs_writers, pgr_kunit_variant_gen),
	KUNIT_CASE(pgr_kunit_flags_vs_processor),
	KUNIT_CASE_PARAM(pgr_kunit_writer_sleeps, pgr_kunit_variant_gen),
	{}
};

static struct kunit_suite pgr_kunit_stress_suite = {
	.name = "pktgen_rcu_stress",
	.test_cases = pgr_kunit_stress_cases,
};

kunit_test_suites(&pgr_kunit_suite, &pgr_kunit_stress_suite);
MODULE_LICENSE("GPL");
MODULE_AUTHOR(RCUNET_AUTHOR);
MODULE_VERSION(RCUNET_VERSION);
RCUNET_IMPORT_TEST_EXPORTS();
