// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for sockwq:
 *   sockwq        has-sleeper semantics, grace-period lifetime of the
 *                 wait-queue object (and, embedded, of the endpoint it
 *                 lives in) against a waker parked inside its RCU section
 *                 while the endpoint closes, all variants' callbacks
 *                 behave identically, receive-queue bounds and ordering,
 *                 lookup
 *   sockwq_stress orphan/graft under concurrent wakeups from every CPU
 * Cases that take a mode run once per variant (legacy, rcu, embedded) or
 * once per lockless one (rcu, embedded).
 */
#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/completion.h>
#include "../common/rcunet.h"
#include "../sockwq/sockwq.h"

static const u32 swq_test_all_modes[] = {
	SOCKWQ_MODE_LEGACY, SOCKWQ_MODE_RCU, SOCKWQ_MODE_EMBEDDED,
};

/* the variants whose wakers hold sk->wq without a lock */
static const u32 swq_test_lockless_modes[] = {
	SOCKWQ_MODE_RCU, SOCKWQ_MODE_EMBEDDED,
};

static void swq_test_mode_desc(const u32 *mode, char *desc)
{
	strscpy(desc, swq_mode_ops(*mode)->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(swq_test_all, swq_test_all_modes, swq_test_mode_desc);
KUNIT_ARRAY_PARAM(swq_test_lockless, swq_test_lockless_modes,
		  swq_test_mode_desc);

static u32 swq_test_mode(struct kunit *test)
{
	return *(const u32 *)test->param_value;
}

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

/*
 * An endpoint with a grafted wait-queue object, as an open file has: its
 * own (embedded) or a separate one.
 */
struct swq_test_ep {
	struct swq_sock *sk;
	struct swq_wq *wq;
};

static void swq_test_ep_open(struct kunit *test, struct swq_test_ep *ep,
			     u32 mode, u32 rx_max)
{
	ep->sk = swq_sock_alloc(mode, rx_max);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ep->sk));
	ep->wq = swq_sock_new_wq(ep->sk, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ep->wq);
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
 * A lockless variant frees the wait-queue object only after a grace
 * period: a waker that loaded sk->wq before the orphan keeps using it,
 * even once the endpoint's last reference is gone (embedded: the object
 * is inside the endpoint, so the whole endpoint must stay).
 */
static void swq_test_wq_freed_after_readers(struct kunit *test)
{
	struct swq_test_ep ep;
	struct swq_wq *seen;
	long freed, live, freed_inside, live_inside;
	bool deferred, null_after_orphan, sleeper = false;

	rcu_barrier();	/* earlier cases' deferred frees: not in our counts */
	swq_test_ep_open(test, &ep, swq_test_mode(test), 4);
	freed = swq_wq_freed_count();
	live = swq_sock_live_count();

	/*
	 * Only record inside the read-side section: KUnit's failure reports
	 * may sleep. The checks follow below.
	 */
	rcu_read_lock();
	seen = rcu_dereference(ep.sk->wq);
	deferred = swq_sock_orphan(ep.sk);
	null_after_orphan = !rcu_access_pointer(ep.sk->wq);
	swq_wq_release(ep.wq, deferred);
	swq_sock_put(ep.sk);	/* the last reference */
	/* no grace period can end while we are in here: still allocated */
	mdelay(20);
	freed_inside = swq_wq_freed_count();
	live_inside = swq_sock_live_count();
	/* and usable (unless wrongly freed: then do not touch it) */
	if (freed_inside == freed && live_inside == live) {
		sleeper = swq_wq_has_sleeper(seen);
		wake_up_interruptible_all(&seen->wait);
	}
	rcu_read_unlock();

	KUNIT_EXPECT_PTR_EQ(test, seen, ep.wq);
	KUNIT_EXPECT_TRUE(test, deferred);
	KUNIT_EXPECT_TRUE(test, null_after_orphan);
	KUNIT_EXPECT_EQ(test, freed_inside, freed);
	KUNIT_EXPECT_EQ(test, live_inside, live);
	KUNIT_EXPECT_FALSE(test, sleeper);

	rcu_barrier();	/* the deferred frees have run now */
	KUNIT_EXPECT_EQ(test, swq_wq_freed_count(), freed + 1);
	KUNIT_EXPECT_EQ(test, swq_sock_live_count(), live - 1);
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

	/* the embedded variant's callbacks are lockless too: the same rule */
	swq_test_ep_open(test, &ep, SOCKWQ_MODE_LEGACY, 4);
	KUNIT_EXPECT_EQ(test, swq_sock_set_mode(ep.sk, SOCKWQ_MODE_EMBEDDED),
			0);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(ep.sk->ops),
			    swq_mode_ops(SOCKWQ_MODE_EMBEDDED));
	/* where its wq lives was fixed at creation: still separate */
	KUNIT_EXPECT_NULL(test, swq_sock_embedded_wq(ep.sk));
	KUNIT_EXPECT_TRUE(test, swq_sock_orphan(ep.sk));
	swq_wq_release(ep.wq, true);
	swq_sock_put(ep.sk);
	rcu_barrier();
}

/*
 * The embedded variant's allocation: one object for endpoint and wait
 * queue; the close frees no wait queue, the endpoint's grace-period free
 * takes it along. The rcu variant, beside it, has two objects.
 */
static void swq_test_embedded_one_object(struct kunit *test)
{
	struct swq_test_ep ep, sep;
	long live, freed;

	rcu_barrier();
	live = swq_wq_live_count();
	freed = swq_wq_freed_count();
	swq_test_ep_open(test, &ep, SOCKWQ_MODE_EMBEDDED, 4);
	KUNIT_EXPECT_PTR_EQ(test, ep.wq, swq_sock_embedded_wq(ep.sk));
	/* inside the endpoint's allocation, right after the endpoint */
	KUNIT_EXPECT_PTR_EQ(test, (void *)ep.wq,
			    (void *)&container_of(ep.sk, struct swq_sock_with_wq,
						  sk)->wq);
	KUNIT_EXPECT_TRUE(test, ep.wq->embedded);
	KUNIT_EXPECT_PTR_EQ(test, swq_sock_new_wq(ep.sk, GFP_KERNEL), ep.wq);
	KUNIT_EXPECT_EQ(test, swq_wq_live_count(), live + 1);

	swq_test_ep_open(test, &sep, SOCKWQ_MODE_RCU, 4);
	KUNIT_EXPECT_NULL(test, swq_sock_embedded_wq(sep.sk));
	KUNIT_EXPECT_FALSE(test, sep.wq->embedded);
	KUNIT_EXPECT_EQ(test, swq_wq_live_count(), live + 2);
	swq_test_ep_close(&sep);

	/* the close: orphan and release free nothing, not even deferred */
	KUNIT_EXPECT_TRUE(test, swq_sock_orphan(ep.sk));
	swq_wq_release(ep.wq, true);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, swq_wq_freed_count(), freed + 1);	/* sep's */
	KUNIT_EXPECT_EQ(test, swq_wq_live_count(), live + 1);
	/* the last put: gone with the endpoint, after a grace period */
	swq_sock_put(ep.sk);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, swq_wq_freed_count(), freed + 2);
	KUNIT_EXPECT_EQ(test, swq_wq_live_count(), live);
}

/*
 * A wakeup in flight racing the close, on two CPUs: the waker loads
 * sk->wq inside rcu_read_lock() and stays parked there while the closer
 * orphans the endpoint, releases its wait queue and drops the last
 * reference. Then the waker counts what was freed and touches the wait
 * queue as a wakeup does. Embedded: sk->wq points into the endpoint, so
 * the whole endpoint must still be there (KASAN reports the waker's read
 * if it is not; the counts say so on any kernel).
 */
struct swq_park {
	struct swq_sock *sk;
	long freed0, live0;		/* before the close */
	struct swq_wq *seen;		/* what the waker loaded */
	long freed_inside, live_inside;	/* what it saw, still inside */
	bool sleeper, timed_out;
	atomic_t loaded;	/* the waker holds sk->wq, in its section */
	atomic_t closed;	/* the close is over: last reference dropped */
	struct completion done;
};

static int swq_park_waker(void *arg)
{
	struct swq_park *p = arg;
	unsigned long deadline = jiffies + 5 * HZ;
	struct swq_wq *wq;

	rcu_read_lock();
	wq = rcu_dereference(p->sk->wq);
	p->seen = wq;
	/* release: p->seen is set before the closer sees loaded */
	atomic_set_release(&p->loaded, 1);
	/*
	 * Parked inside the read-side section (spinning: it may not sleep)
	 * until the closer has dropped the last reference. Bounded, so a
	 * broken closer fails the case instead of stalling RCU.
	 */
	while (!atomic_read_acquire(&p->closed)) {
		if (time_after(jiffies, deadline)) {
			p->timed_out = true;
			break;
		}
		cpu_relax();
	}
	p->freed_inside = swq_wq_freed_count();
	p->live_inside = swq_sock_live_count();
	/* the wakeup's read of the wait queue: a use after free if gone */
	p->sleeper = swq_wq_has_sleeper(wq);
	/* its lock write only where the memory is known to be ours */
	if (wq && p->freed_inside == p->freed0 && p->live_inside == p->live0)
		wake_up_interruptible_all(&wq->wait);
	rcu_read_unlock();
	/* p is on the closer's stack: signal and exit without touching it */
	kthread_complete_and_exit(&p->done, 0);
}

static void swq_test_parked_waker_outlives_close(struct kunit *test)
{
	u32 mode = swq_test_mode(test);
	unsigned int here, there;
	struct task_struct *t;
	struct swq_wq *inside;
	struct swq_test_ep ep;
	unsigned long deadline;
	struct swq_park p;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs");
	/* the closer on one CPU, the parked waker on another */
	here = raw_smp_processor_id();
	there = cpumask_any_but(cpu_online_mask, here);
	KUNIT_ASSERT_LT(test, there, nr_cpu_ids);
	KUNIT_ASSERT_EQ(test, set_cpus_allowed_ptr(current, cpumask_of(here)),
			0);

	rcu_barrier();	/* earlier cases' deferred frees: not in our counts */
	memset(&p, 0, sizeof(p));
	init_completion(&p.done);
	swq_test_ep_open(test, &ep, mode, 4);
	inside = swq_sock_embedded_wq(ep.sk);
	p.sk = ep.sk;
	p.freed0 = swq_wq_freed_count();
	p.live0 = swq_sock_live_count();

	t = kthread_create(swq_park_waker, &p, "swq_park/%u", there);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	kthread_bind(t, there);
	wake_up_process(t);
	/* acquire: pairs with the waker's release; it set p.seen first */
	deadline = jiffies + 5 * HZ;
	while (!atomic_read_acquire(&p.loaded) && time_before(jiffies, deadline))
		usleep_range(100, 200);
	if (!atomic_read_acquire(&p.loaded)) {
		/*
		 * Not parked yet (a slow boot): closing now could free the
		 * endpoint before the waker's section starts. Let it go and
		 * exit first, then close with nobody inside.
		 */
		atomic_set_release(&p.closed, 1);
		wait_for_completion(&p.done);
		swq_wq_release(ep.wq, swq_sock_orphan(ep.sk));
		swq_sock_purge(ep.sk);
		swq_sock_put(ep.sk);
		KUNIT_FAIL(test, "the waker never parked in its RCU section");
		return;
	}

	/* the close, as release() does it, while the waker is parked */
	swq_wq_release(ep.wq, swq_sock_orphan(ep.sk));
	swq_sock_purge(ep.sk);
	swq_sock_put(ep.sk);	/* the last reference */
	atomic_set_release(&p.closed, 1);
	/*
	 * No timeout: p is on this stack and the waker writes it until it
	 * exits; it bounds its own wait (5 s) instead.
	 */
	wait_for_completion(&p.done);

	KUNIT_EXPECT_FALSE(test, p.timed_out);
	KUNIT_EXPECT_PTR_EQ(test, p.seen, ep.wq);
	if (inside)	/* embedded: a pointer into the endpoint */
		KUNIT_EXPECT_PTR_EQ(test, p.seen, inside);
	KUNIT_EXPECT_EQ_MSG(test, p.freed_inside, p.freed0,
			    "wait queue freed under a parked waker");
	KUNIT_EXPECT_EQ_MSG(test, p.live_inside, p.live0,
			    "endpoint freed under a parked waker");
	KUNIT_EXPECT_FALSE(test, p.sleeper);

	rcu_barrier();	/* now both are gone */
	KUNIT_EXPECT_EQ(test, swq_wq_freed_count(), p.freed0 + 1);
	KUNIT_EXPECT_EQ(test, swq_sock_live_count(), p.live0 - 1);
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

/* Every variant against the locked original: the same trace. */
static void swq_test_variants_agree(struct kunit *test)
{
	struct swq_test_trace t[SWQ_NR_MODES] = {};
	u32 mode;

	for (mode = 0; mode < SWQ_NR_MODES; mode++)
		swq_test_run_scenario(test, mode, &t[mode]);
	for (mode = 0; mode < SWQ_NR_MODES; mode++)
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&t[mode], &t[SOCKWQ_MODE_LEGACY],
						 sizeof(t[0])), 0,
				    "%s differs from legacy",
				    swq_mode_ops(mode)->name);
}

static void swq_test_queue_bounded_in_order(struct kunit *test)
{
	struct swq_test_ep ep;
	struct swq_msg *msg;
	struct sockwq_kmsg *km;
	u64 want = 1;
	int i;

	swq_test_ep_open(test, &ep, swq_test_mode(test), 3);
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

	swq_test_ep_open(test, &ep, swq_test_mode(test), 4);
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
 * queue (embedded: the endpoint's own, again), queue a sleeper, take it
 * off, orphan and free (deferred or not, as the mode says) in a loop,
 * switching the mode now and then. Any use-after-free or a free while
 * queued shows up as a splat (DEBUG_OBJECTS_RCU_HEAD, DEBUG_LIST, the WARN
 * in swq_wq_release()).
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

	r.sk = swq_sock_alloc(swq_test_mode(test), 4);
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

	/* 700 per variant: about the 2000 rounds it ran with two of them */
	for (i = 0; i < 700; i++) {
		wq = swq_sock_new_wq(r.sk, GFP_KERNEL);
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
			swq_sock_set_mode(r.sk, (i / 50) % SWQ_NR_MODES);
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
	KUNIT_CASE_PARAM(swq_test_wq_freed_after_readers,
			 swq_test_lockless_gen_params),
	KUNIT_CASE_PARAM(swq_test_parked_waker_outlives_close,
			 swq_test_lockless_gen_params),
	KUNIT_CASE(swq_test_legacy_frees_at_once),
	KUNIT_CASE(swq_test_embedded_one_object),
	KUNIT_CASE(swq_test_variants_agree),
	KUNIT_CASE_PARAM(swq_test_queue_bounded_in_order,
			 swq_test_all_gen_params),
	KUNIT_CASE_PARAM(swq_test_lookup, swq_test_all_gen_params),
	{}
};

static struct kunit_suite swq_test_suite = {
	.name = "sockwq",
	.test_cases = swq_test_cases,
};

static struct kunit_case swq_stress_cases[] = {
	KUNIT_CASE_PARAM(swq_test_orphan_graft_under_wakeups,
			 swq_test_all_gen_params),
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
