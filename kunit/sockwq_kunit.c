// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for sockwq:
 *   sockwq        has-sleeper semantics, grace-period lifetime of the
 *                 wait-queue object, legacy and RCU callbacks behave
 *                 identically, receive-queue bounds and ordering, lookup
 *   sockwq_stress orphan/graft under concurrent wakeups from every CPU
 */
#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include "../common/rcunet.h"
#include "../sockwq/sockwq.h"

/* A sleeper that records what woke it instead of scheduling anything. */
struct swq_test_sleeper {
	struct wait_queue_entry entry;
	atomic_t wakeups;
	unsigned long keys;	/* OR of the poll masks it was woken with */
	bool woken_nokey;	/* woken without a poll mask (wake_up_all) */
};

static int swq_test_wake(struct wait_queue_entry *entry, unsigned int mode,
			 int sync, void *key)
{
	struct swq_test_sleeper *s = container_of(entry, struct swq_test_sleeper,
						  entry);

	atomic_inc(&s->wakeups);
	if (key)
		s->keys |= (unsigned long)key;
	else
		s->woken_nokey = true;
	return 0;
}

static void swq_test_sleeper_init(struct swq_test_sleeper *s)
{
	memset(s, 0, sizeof(*s));
	init_waitqueue_func_entry(&s->entry, swq_test_wake);
}

/* An endpoint with a grafted wait-queue object, as an open file has. */
struct swq_test_ep {
	struct swq_sock *sk;
	struct swq_wq *wq;
};

static void swq_test_ep_open(struct kunit *test, struct swq_test_ep *ep,
			     u32 mode, u32 rx_max)
{
	ep->wq = swq_wq_alloc(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ep->wq);
	ep->sk = swq_sock_alloc(mode, rx_max);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ep->sk));
	swq_sock_graft(ep->sk, ep->wq);
}

static void swq_test_ep_close(struct swq_test_ep *ep)
{
	swq_wq_release(ep->wq, swq_sock_orphan(ep->sk));
	swq_sock_put(ep->sk);
}

static void swq_test_has_sleeper(struct kunit *test)
{
	struct swq_test_sleeper s;
	struct swq_wq *wq;

	swq_test_sleeper_init(&s);
	KUNIT_EXPECT_FALSE(test, swq_wq_has_sleeper(NULL));
	wq = swq_wq_alloc(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, wq);
	KUNIT_EXPECT_FALSE(test, swq_wq_has_sleeper(wq));
	add_wait_queue(&wq->wait, &s.entry);
	KUNIT_EXPECT_TRUE(test, swq_wq_has_sleeper(wq));
	remove_wait_queue(&wq->wait, &s.entry);
	KUNIT_EXPECT_FALSE(test, swq_wq_has_sleeper(wq));
	swq_wq_release(wq, false);
}

/*
 * The RCU variant frees the wait-queue object only after a grace period:
 * a waker that loaded sk->wq before the orphan keeps using it.
 */
static void swq_test_wq_freed_after_readers(struct kunit *test)
{
	struct swq_test_ep ep;
	struct swq_wq *seen;
	long freed, freed_inside;
	bool deferred, null_after_orphan, sleeper;

	swq_test_ep_open(test, &ep, SOCKWQ_MODE_RCU, 4);
	freed = swq_wq_freed_count();

	/*
	 * Only record inside the read-side section: KUnit's failure reports
	 * may sleep. The checks follow below.
	 */
	rcu_read_lock();
	seen = rcu_dereference(ep.sk->wq);
	deferred = swq_sock_orphan(ep.sk);
	null_after_orphan = !rcu_access_pointer(ep.sk->wq);
	swq_wq_release(ep.wq, deferred);
	/* no grace period can end while we are in here: still allocated */
	mdelay(20);
	freed_inside = swq_wq_freed_count();
	/* and usable (unless wrongly freed: then do not touch it) */
	sleeper = freed_inside == freed ? swq_wq_has_sleeper(seen) : false;
	if (freed_inside == freed)
		wake_up_interruptible_all(&seen->wait);
	rcu_read_unlock();

	KUNIT_EXPECT_PTR_EQ(test, seen, ep.wq);
	KUNIT_EXPECT_TRUE(test, deferred);
	KUNIT_EXPECT_TRUE(test, null_after_orphan);
	KUNIT_EXPECT_EQ(test, freed_inside, freed);
	KUNIT_EXPECT_FALSE(test, sleeper);

	rcu_barrier();	/* the deferred free has run now */
	KUNIT_EXPECT_EQ(test, swq_wq_freed_count(), freed + 1);
	swq_sock_put(ep.sk);
}

/* Legacy wakers hold callback_lock, which the orphan waits out. */
static void swq_test_legacy_frees_at_once(struct kunit *test)
{
	struct swq_test_ep ep;
	long freed;

	swq_test_ep_open(test, &ep, SOCKWQ_MODE_LEGACY, 4);
	freed = swq_wq_freed_count();
	KUNIT_EXPECT_FALSE(test, swq_sock_orphan(ep.sk));
	swq_wq_release(ep.wq, false);
	KUNIT_EXPECT_EQ(test, swq_wq_freed_count(), freed + 1);
	swq_sock_put(ep.sk);

	/* once switched to RCU, an endpoint's wq free is always deferred */
	swq_test_ep_open(test, &ep, SOCKWQ_MODE_LEGACY, 4);
	KUNIT_EXPECT_EQ(test, swq_sock_set_mode(ep.sk, SOCKWQ_MODE_RCU), 0);
	KUNIT_EXPECT_EQ(test, swq_sock_set_mode(ep.sk, SOCKWQ_MODE_LEGACY), 0);
	KUNIT_EXPECT_EQ(test, swq_sock_set_mode(ep.sk, 7), -EINVAL);
	KUNIT_EXPECT_TRUE(test, swq_sock_orphan(ep.sk));
	swq_wq_release(ep.wq, true);
	swq_sock_put(ep.sk);
	rcu_barrier();
}

/* Did a wakeup with these raw keys carry poll event @m? */
static bool swq_test_has_key(unsigned long keys, __poll_t m)
{
	return keys & (__force unsigned long)m;
}

/* What one scenario observed, to compare the variants. */
struct swq_test_trace {
	int wakeups[6];
	unsigned long keys[6];
	bool nokey[6];
};

static void swq_test_run_scenario(struct kunit *test, u32 mode,
				  struct swq_test_trace *t)
{
	struct swq_test_sleeper s;
	struct swq_test_ep ep;
	int step = 0;

	swq_test_ep_open(test, &ep, mode, 4);
	swq_test_sleeper_init(&s);

#define SWQ_STEP(call) do {						\
		atomic_set(&s.wakeups, 0);				\
		s.keys = 0;						\
		s.woken_nokey = false;					\
		call;							\
		t->wakeups[step] = atomic_read(&s.wakeups);		\
		t->keys[step] = s.keys;					\
		t->nokey[step] = s.woken_nokey;				\
		step++;							\
	} while (0)

	SWQ_STEP(swq_data_ready(ep.sk));		/* 0: nobody sleeps */
	add_wait_queue(&ep.wq->wait, &s.entry);
	SWQ_STEP(swq_data_ready(ep.sk));		/* 1: EPOLLIN */
	SWQ_STEP(swq_write_space(ep.sk));		/* 2: EPOLLOUT */
	SWQ_STEP(swq_state_change(ep.sk));		/* 3: all, no key */
	remove_wait_queue(&ep.wq->wait, &s.entry);
	SWQ_STEP(swq_data_ready(ep.sk));		/* 4: left again */
	swq_wq_release(ep.wq, swq_sock_orphan(ep.sk));
	SWQ_STEP(swq_data_ready(ep.sk));		/* 5: orphaned: no-op */
#undef SWQ_STEP
	swq_sock_put(ep.sk);
	rcu_barrier();

	KUNIT_EXPECT_EQ(test, t->wakeups[0], 0);
	KUNIT_EXPECT_EQ(test, t->wakeups[1], 1);
	KUNIT_EXPECT_TRUE(test, swq_test_has_key(t->keys[1], EPOLLIN));
	KUNIT_EXPECT_FALSE(test, swq_test_has_key(t->keys[1], EPOLLOUT));
	KUNIT_EXPECT_EQ(test, t->wakeups[2], 1);
	KUNIT_EXPECT_TRUE(test, swq_test_has_key(t->keys[2], EPOLLOUT));
	KUNIT_EXPECT_FALSE(test, swq_test_has_key(t->keys[2], EPOLLIN));
	KUNIT_EXPECT_EQ(test, t->wakeups[3], 1);
	KUNIT_EXPECT_TRUE(test, t->nokey[3]);
	KUNIT_EXPECT_EQ(test, t->wakeups[4], 0);
	KUNIT_EXPECT_EQ(test, t->wakeups[5], 0);
}

static void swq_test_variants_agree(struct kunit *test)
{
	struct swq_test_trace t[SWQ_NR_MODES] = {};
	u32 mode;

	for (mode = 0; mode < SWQ_NR_MODES; mode++)
		swq_test_run_scenario(test, mode, &t[mode]);
	KUNIT_EXPECT_EQ(test, memcmp(&t[SOCKWQ_MODE_RCU],
				     &t[SOCKWQ_MODE_LEGACY], sizeof(t[0])), 0);
}

static void swq_test_queue_bounded_in_order(struct kunit *test)
{
	struct swq_test_ep ep;
	struct swq_msg *msg;
	struct sockwq_kmsg *km;
	u64 want = 1;
	int i;

	swq_test_ep_open(test, &ep, SOCKWQ_MODE_RCU, 3);
	KUNIT_EXPECT_FALSE(test, swq_sock_readable(ep.sk));
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, swq_sock_queue_kernel(ep.sk, 0, GFP_KERNEL),
				0);
	KUNIT_EXPECT_TRUE(test, swq_sock_readable(ep.sk));
	KUNIT_EXPECT_FALSE(test, swq_sock_writable(ep.sk));
	KUNIT_EXPECT_EQ(test, swq_sock_queue_kernel(ep.sk, 0, GFP_KERNEL),
			-EAGAIN);
	KUNIT_EXPECT_EQ(test, atomic64_read(&ep.sk->kernel_dropped), 1);
	list_for_each_entry(msg, &ep.sk->rx_queue, node) {
		km = (struct sockwq_kmsg *)msg->data;
		KUNIT_EXPECT_EQ(test, km->magic, SOCKWQ_KMSG_MAGIC);
		KUNIT_EXPECT_EQ(test, km->seq, want++);
	}
	swq_wq_release(ep.wq, swq_sock_orphan(ep.sk));
	/* an orphaned endpoint takes nothing more */
	swq_sock_purge(ep.sk);
	KUNIT_EXPECT_EQ(test, swq_sock_queue_kernel(ep.sk, 0, GFP_KERNEL),
			-EPIPE);
	swq_sock_put(ep.sk);
	rcu_barrier();
}

static void swq_test_lookup(struct kunit *test)
{
	struct swq_test_ep ep;
	struct swq_sock *found;
	u32 id;

	swq_test_ep_open(test, &ep, SOCKWQ_MODE_RCU, 4);
	id = ep.sk->id;
	found = swq_sock_lookup(id);
	KUNIT_EXPECT_PTR_EQ(test, found, ep.sk);
	if (found)
		swq_sock_put(found);
	swq_test_ep_close(&ep);
	KUNIT_EXPECT_NULL(test, swq_sock_lookup(id));
	KUNIT_EXPECT_NULL(test, swq_sock_lookup(0));
	KUNIT_EXPECT_TRUE(test, IS_ERR(swq_sock_alloc(SWQ_NR_MODES, 4)));
	rcu_barrier();
}

/* ------------------------------------------------------------- stress */

struct swq_race {
	struct swq_sock *sk;
	atomic_long_t calls;
};

static int swq_race_waker(void *arg)
{
	struct swq_race *r = arg;

	while (!kthread_should_stop()) {
		swq_data_ready(r->sk);
		swq_write_space(r->sk);
		swq_state_change(r->sk);
		atomic_long_inc(&r->calls);
		cond_resched();
	}
	return 0;
}

/*
 * Wakers on every CPU hammer one endpoint while we graft a fresh wait
 * queue, queue a sleeper, take it off, orphan and free (deferred or not,
 * as the mode says) in a loop, switching the mode now and then. Any
 * use-after-free or a free while queued shows up as a splat
 * (DEBUG_OBJECTS_RCU_HEAD, DEBUG_LIST, the WARN in swq_wq_release()).
 */
static void swq_test_orphan_graft_under_wakeups(struct kunit *test)
{
	struct task_struct *wakers[8];
	struct swq_test_sleeper s;
	struct swq_race r = {};
	struct swq_wq *wq;
	unsigned int nr = 0, cpu, i;
	long live = swq_wq_live_count();
	int woken = 0;

	r.sk = swq_sock_alloc(SOCKWQ_MODE_RCU, 4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(r.sk));
	atomic_long_set(&r.calls, 0);
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		if (nr == ARRAY_SIZE(wakers))
			break;
		t = kthread_create(swq_race_waker, &r, "swq_test/%u", cpu);
		if (IS_ERR(t))
			break;
		kthread_bind(t, cpu);
		wakers[nr++] = t;
		wake_up_process(t);
	}
	KUNIT_ASSERT_GT(test, nr, 0U);

	for (i = 0; i < 2000; i++) {
		wq = swq_wq_alloc(GFP_KERNEL);
		if (!wq)
			break;
		swq_test_sleeper_init(&s);
		swq_sock_graft(r.sk, wq);
		add_wait_queue(&wq->wait, &s.entry);
		udelay(5);
		remove_wait_queue(&wq->wait, &s.entry);
		woken += atomic_read(&s.wakeups);
		swq_wq_release(wq, swq_sock_orphan(r.sk));
		if (i % 50 == 49)
			swq_sock_set_mode(r.sk, (i / 50) % 2);
		cond_resched();
	}
	for (i = 0; i < nr; i++)
		kthread_stop(wakers[i]);
	swq_sock_put(r.sk);
	rcu_barrier();
	kunit_info(test, "%ld waker rounds, %d wakeups seen by sleepers\n",
		   atomic_long_read(&r.calls), woken);
	KUNIT_EXPECT_GT(test, atomic_long_read(&r.calls), 0L);
	KUNIT_EXPECT_EQ(test, swq_wq_live_count(), live);
}

static struct kunit_case swq_test_cases[] = {
	KUNIT_CASE(swq_test_has_sleeper),
	KUNIT_CASE(swq_test_wq_freed_after_readers),
	KUNIT_CASE(swq_test_legacy_frees_at_once),
	KUNIT_CASE(swq_test_variants_agree),
	KUNIT_CASE(swq_test_queue_bounded_in_order),
	KUNIT_CASE(swq_test_lookup),
	{}
};

static struct kunit_suite swq_test_suite = {
	.name = "sockwq",
	.test_cases = swq_test_cases,
};

static struct kunit_case swq_stress_cases[] = {
	KUNIT_CASE(swq_test_orphan_graft_under_wakeups),
	{}
};

static struct kunit_suite swq_stress_suite = {
	.name = "sockwq_stress",
	.test_cases = swq_stress_cases,
};

kunit_test_suites(&swq_test_suite, &swq_stress_suite);
MODULE_LICENSE("GPL");
MODULE_AUTHOR(RCUNET_AUTHOR);
MODULE_VERSION(RCUNET_VERSION);
RCUNET_IMPORT_TEST_EXPORTS();
