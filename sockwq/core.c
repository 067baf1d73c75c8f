// SPDX-License-Identifier: GPL-2.0
/*
 * sockwq core: the wait-queue object, endpoints, their receive queues, the
 * lockless (RCU) variant of the wakeup callbacks that commit 43815482370c
 * ("net: sock_def_readable() and friends RCU conversion") introduced, and
 * at the end the module's init/exit. The locked original is in legacy.c,
 * the stage mainline went to next (the wait queue inside the endpoint) in
 * embedded.c; it shares this file's callbacks.
 *
 * The invariant the RCU variant keeps, as in the kernel since then:
 *
 *  - A waker never takes a lock to find the wait queue. It enters an RCU
 *    read-side section, loads sk->wq with rcu_dereference() and, if the
 *    endpoint is still grafted (wq != NULL), checks for sleepers.
 *  - swq_sock_orphan() clears sk->wq (closing file), but the swq_wq it
 *    pointed to is freed only after a grace period (call_rcu), so a waker
 *    that loaded the old pointer just before can still use it safely.
 *  - swq_wq_has_sleeper() issues smp_mb() before waitqueue_active(). It
 *    pairs with the smp_mb() in swq_poll_wait() (and the one implied by
 *    set_current_state() in wait_event*()): either the waker sees the
 *    sleeper on the queue, or the sleeper sees the data the waker queued
 *    before calling the callback. Without it the waker may read an empty
 *    wait queue while the sleeper reads an empty receive queue: a lost
 *    wakeup, the sleeper blocks with data queued.
 */
#define pr_fmt(fmt) "sockwq: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/poll.h>
#include <linux/percpu.h>
#include <linux/cpumask.h>
#include "../common/rcunet.h"
#include "sockwq.h"
#include "internal.h"

static atomic_long_t swq_wq_live = ATOMIC_LONG_INIT(0);	/* not yet freed */
static atomic_long_t swq_wq_freed = ATOMIC_LONG_INIT(0);
atomic_long_t swq_socks_live = ATOMIC_LONG_INIT(0);

DEFINE_PER_CPU(unsigned long, swq_op_count);
static atomic_long_t swq_error_count = ATOMIC_LONG_INIT(0);

/* Mode of newly opened endpoints (SOCKWQ_MODE_*). */
u32 swq_default_mode = SOCKWQ_MODE_RCU;

/* All endpoints, so producers can find one by id: writers under the lock. */
static LIST_HEAD(swq_socks);
static DEFINE_SPINLOCK(swq_socks_lock);
static u32 swq_next_id;

/* ------------------------------------------------------------- counters */

unsigned long swq_ops(void)
{
	unsigned long sum = 0;
	int cpu;

	/* a snapshot: each CPU may be adding to its own count meanwhile */
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(swq_op_count, cpu));
	return sum;
}

void swq_count_error(void)
{
	atomic_long_inc(&swq_error_count);
}

unsigned long swq_errors(void)
{
	return atomic_long_read(&swq_error_count);
}

/* ------------------------------------------------------ wait-queue object */

/**
 * swq_wq_alloc() - allocate a wait-queue object (~ struct socket_wq)
 * @gfp: allocation flags
 *
 * Context: any context @gfp allows.
 * Return: the object, with an empty wait queue and fasync list, or NULL.
 */
struct swq_wq *swq_wq_alloc(gfp_t gfp)
{
	struct swq_wq *wq = kzalloc(sizeof(*wq), gfp);

	if (!wq)
		return NULL;
	swq_wq_init(wq);
	return wq;
}

RCUNET_EXPORT_FOR_TESTS(swq_wq_alloc);

/* A zeroed object, separate or inside its endpoint: ready and counted. */
void swq_wq_init(struct swq_wq *wq)
{
	init_waitqueue_head(&wq->wait);
	atomic_long_inc(&swq_wq_live);
}

/* Its memory was just handed back (separately or with its endpoint). */
void swq_wq_count_freed(void)
{
	atomic_long_dec(&swq_wq_live);
	atomic_long_inc(&swq_wq_freed);
}

static void swq_wq_free(struct swq_wq *wq)
{
	kfree(wq);
	swq_wq_count_freed();
}

static void swq_wq_free_rcu(struct rcu_head *head)
{
	swq_wq_free(container_of(head, struct swq_wq, rcu));
}

/**
 * swq_wq_release() - free a wait-queue object no endpoint points at any more
 * @wq: the object (NULL is a no-op)
 * @deferred: an RCU waker may still hold it (the endpoint ever ran the RCU
 *	variant), so wait for a grace period; otherwise every waker took
 *	callback_lock, and swq_sock_orphan()'s write_lock already waited them
 *	out. Pass what swq_sock_orphan() returned.
 *
 * Nobody may sleep on @wq any more (fput removed epoll and fasync entries).
 * An object inside its endpoint (embedded variant) is not freed here: it
 * goes with the endpoint, after the grace period of swq_sock_put().
 *
 * Context: process or softirq context.
 */
void swq_wq_release(struct swq_wq *wq, bool deferred)
{
	if (!wq)
		return;
	/* Nobody may sleep on it any more: fput removed epoll and fasync. */
	WARN_ON_ONCE(waitqueue_active(&wq->wait));
	if (wq->embedded)
		return;
	if (deferred)
		call_rcu(&wq->rcu, swq_wq_free_rcu);
	else
		swq_wq_free(wq);
}

RCUNET_EXPORT_FOR_TESTS(swq_wq_release);

/**
 * swq_wq_has_sleeper() - any task waiting on a wait-queue object?
 * @wq: loaded from sk->wq; NULL (an orphaned endpoint) has no sleepers
 *
 * Issues smp_mb() first (wq_has_sleeper()): call after queueing the data
 * the sleeper waits for.
 *
 * Context: under rcu_read_lock() (or callback_lock) that keeps @wq alive.
 * Return: true if a task or poll entry is queued on @wq.
 */
bool swq_wq_has_sleeper(struct swq_wq *wq)
{
	/*
	 * Order the caller's queueing of data before the wait-queue check.
	 * Pairs with smp_mb() in swq_poll_wait() and with set_current_state()
	 * in wait_event_interruptible() (swq_dev_read/_write).
	 */
	smp_mb();
	/* lockless peek is safe: the smp_mb() above orders it (see above) */
	return wq && waitqueue_active(&wq->wait);
}

RCUNET_EXPORT_FOR_TESTS(swq_wq_has_sleeper);

/**
 * swq_poll_wait() - join a wait-queue object from a ->poll() (sock_poll_wait())
 * @file: the polled file
 * @wq: the file's wait-queue object
 * @pt: the poll table (NULL or without a queue proc: nothing to join)
 *
 * Issues smp_mb() after joining, which pairs with swq_wq_has_sleeper()'s:
 * the caller checks its condition only after this.
 *
 * Context: process context, from ->poll().
 */
void swq_poll_wait(struct file *file, struct swq_wq *wq, poll_table *pt)
{
	if (pt && pt->_qproc) {
		poll_wait(file, &wq->wait, pt);
		/*
		 * We are on the wait queue now; order that before the caller's
		 * receive-queue check. Pairs with smp_mb() in
		 * swq_wq_has_sleeper().
		 */
		smp_mb();
	}
}

RCUNET_EXPORT_FOR_TESTS(swq_poll_wait);

/**
 * swq_wq_live_count() - wait-queue objects allocated and not yet freed
 *
 * Return: the count (a deferred free counts until its grace period ends).
 */
long swq_wq_live_count(void)
{
	return atomic_long_read(&swq_wq_live);
}

RCUNET_EXPORT_FOR_TESTS(swq_wq_live_count);

/**
 * swq_wq_freed_count() - wait-queue objects freed since the module loaded
 *
 * Return: the count.
 */
long swq_wq_freed_count(void)
{
	return atomic_long_read(&swq_wq_freed);
}

RCUNET_EXPORT_FOR_TESTS(swq_wq_freed_count);

/* ------------------------------------------------------------- endpoints */

/**
 * swq_mode_ops() - the callbacks of a variant
 * @mode: SOCKWQ_MODE_RCU, SOCKWQ_MODE_LEGACY or SOCKWQ_MODE_EMBEDDED
 *
 * An endpoint runs @mode when its ->ops is this pointer.
 *
 * Return: the variant's ops, or NULL for an unknown @mode.
 */
const struct swq_variant *swq_mode_ops(u32 mode)
{
	return mode < SWQ_NR_MODES ? &swq_variants[mode] : NULL;
}

RCUNET_EXPORT_FOR_TESTS(swq_mode_ops);

/**
 * swq_sock_alloc() - create an endpoint (~ struct sock), not yet grafted
 * @mode: its variant, SOCKWQ_MODE_*
 * @rx_max: receive queue bound in messages, at least 1
 *
 * The endpoint gets the next id and is listed for swq_sock_lookup(); the
 * caller owns the one reference and grafts a wait-queue object on it
 * (swq_sock_new_wq()). In the embedded variant the endpoint is allocated
 * with its wait-queue object inside (struct swq_sock_with_wq).
 *
 * Context: process context (GFP_KERNEL).
 * Return: the endpoint, ERR_PTR(-EINVAL) for a bad @mode or @rx_max, or
 * ERR_PTR(-ENOMEM).
 */
struct swq_sock *swq_sock_alloc(u32 mode, u32 rx_max)
{
	const struct swq_variant *v;
	struct swq_sock *sk;

	if (mode >= SWQ_NR_MODES || !rx_max)
		return ERR_PTR(-EINVAL);
	v = &swq_variants[mode];
	if (v->wq_embedded)
		sk = swq_embedded_sock_alloc(GFP_KERNEL);
	else
		sk = kzalloc(sizeof(*sk), GFP_KERNEL);
	if (!sk)
		return ERR_PTR(-ENOMEM);
	rwlock_init(&sk->callback_lock);
	sk->ops = v;
	sk->wq_free_deferred = v->lockless;
	spin_lock_init(&sk->rx_lock);
	INIT_LIST_HEAD(&sk->rx_queue);
	sk->rx_max = rx_max;
	refcount_set(&sk->refcnt, 1);
	atomic64_set(&sk->rx_queued, 0);
	atomic64_set(&sk->rx_read, 0);
	atomic64_set(&sk->kernel_queued, 0);
	atomic64_set(&sk->kernel_dropped, 0);
	spin_lock(&swq_socks_lock);
	sk->id = ++swq_next_id;
	if (!sk->id)	/* 0 is never an id: skip it on wrap */
		sk->id = ++swq_next_id;
	list_add_tail_rcu(&sk->node, &swq_socks);
	spin_unlock(&swq_socks_lock);
	atomic_long_inc(&swq_socks_live);
	return sk;
}

RCUNET_EXPORT_FOR_TESTS(swq_sock_alloc);

/* Take another reference on @sk (the caller holds one). */
void swq_sock_hold(struct swq_sock *sk)
{
	refcount_inc(&sk->refcnt);
}

static void swq_sock_free_rcu(struct rcu_head *head)
{
	struct swq_sock *sk = container_of(head, struct swq_sock, rcu);
	struct swq_msg *msg, *tmp;

	/* last reference gone and unlisted: nobody queues any more */
	list_for_each_entry_safe(msg, tmp, &sk->rx_queue, node)
		kfree(msg);
	/* an embedded wait queue goes with it: a grace period has passed */
	if (sk->wq_embedded)
		swq_embedded_sock_free(sk);
	else
		kfree(sk);
	atomic_long_dec(&swq_socks_live);
}

/**
 * swq_sock_put() - drop a reference on an endpoint
 * @sk: the endpoint
 *
 * The last one unlists @sk and frees it (and any queued message) after a
 * grace period; by then its file side must have orphaned it.
 *
 * Context: process context (the last put takes swq_socks_lock with plain
 * spin_lock(): not from softirq or hardirq).
 */
void swq_sock_put(struct swq_sock *sk)
{
	if (!refcount_dec_and_test(&sk->refcnt))
		return;
	/* An endpoint is only freed once its file side let go of it. */
	WARN_ON_ONCE(rcu_access_pointer(sk->wq));
	spin_lock(&swq_socks_lock);
	list_del_rcu(&sk->node);
	spin_unlock(&swq_socks_lock);
	/*
	 * swq_sock_lookup() may be looking at it under rcu_read_lock(), and
	 * in the embedded variant an RCU waker may still hold sk->wq, which
	 * points into it: free only after a grace period.
	 */
	call_rcu(&sk->rcu, swq_sock_free_rcu);
}

RCUNET_EXPORT_FOR_TESTS(swq_sock_put);

/**
 * swq_sock_live_count() - endpoints allocated and not yet freed
 *
 * Return: the count (an endpoint counts until its grace period ends).
 */
long swq_sock_live_count(void)
{
	return atomic_long_read(&swq_socks_live);
}

RCUNET_EXPORT_FOR_TESTS(swq_sock_live_count);

/**
 * swq_sock_lookup() - find a live endpoint by id
 * @id: its id (SOCKWQ_IOC_GET_INFO)
 *
 * The list is bounded by the number of open endpoints; producers look up
 * once per message batch.
 *
 * Context: any context; takes rcu_read_lock().
 * Return: the endpoint with a reference taken (swq_sock_put() it), or NULL.
 */
struct swq_sock *swq_sock_lookup(u32 id)
{
	struct swq_sock *sk, *found = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(sk, &swq_socks, node) {
		if (sk->id == id) {
			if (refcount_inc_not_zero(&sk->refcnt))
				found = sk;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

RCUNET_EXPORT_FOR_TESTS(swq_sock_lookup);

/**
 * swq_sock_set_mode() - switch an endpoint's variant
 * @sk: the endpoint
 * @mode: SOCKWQ_MODE_*
 *
 * Wakers already inside the old variant finish in it. Once an endpoint ran
 * a lockless variant (rcu, embedded), its wait-queue object is always
 * freed after a grace period. Where that object lives (inside the endpoint
 * or not) was fixed at swq_sock_alloc(): only the callbacks change.
 *
 * Context: process context (takes callback_lock for writing).
 * Return: 0, or -EINVAL for an unknown @mode (nothing changes).
 */
int swq_sock_set_mode(struct swq_sock *sk, u32 mode)
{
	if (mode >= SWQ_NR_MODES)
		return -EINVAL;
	write_lock(&sk->callback_lock);
	/*
	 * Before the first RCU waker can run, make the final free wait for a
	 * grace period; swq_sock_orphan() reads this under the same lock.
	 */
	if (swq_variants[mode].lockless)
		sk->wq_free_deferred = true;
	WRITE_ONCE(sk->ops, &swq_variants[mode]);
	write_unlock(&sk->callback_lock);
	return 0;
}

RCUNET_EXPORT_FOR_TESTS(swq_sock_set_mode);

/**
 * swq_sock_graft() - attach the file side's wait-queue object (sock_graft())
 * @sk: the endpoint
 * @wq: a fully initialised wait-queue object
 *
 * Context: process context (takes callback_lock for writing).
 */
void swq_sock_graft(struct swq_sock *sk, struct swq_wq *wq)
{
	write_lock(&sk->callback_lock);
	/* publish a fully initialised swq_wq to RCU wakers */
	rcu_assign_pointer(sk->wq, wq);
	write_unlock(&sk->callback_lock);
}

RCUNET_EXPORT_FOR_TESTS(swq_sock_graft);

/**
 * swq_sock_orphan() - detach an endpoint from its file side (sock_orphan())
 * @sk: the endpoint
 *
 * Marks @sk dead (queueing fails with -EPIPE) and clears sk->wq: no new
 * waker finds the wait-queue object after this. Legacy wakers are excluded
 * by the write_lock taken here, RCU wakers are not.
 *
 * Context: process context (takes callback_lock for writing).
 * Return: whether the old wait-queue object must be freed after a grace
 * period: pass it to swq_wq_release().
 */
bool swq_sock_orphan(struct swq_sock *sk)
{
	bool deferred;

	write_lock(&sk->callback_lock);
	WRITE_ONCE(sk->dead, true);
	RCU_INIT_POINTER(sk->wq, NULL);
	deferred = sk->wq_free_deferred;
	write_unlock(&sk->callback_lock);
	return deferred;
}

RCUNET_EXPORT_FOR_TESTS(swq_sock_orphan);

/* ---------------------------------------------------------- receive queue */

/**
 * swq_sock_queue() - queue a message into an endpoint's receive queue
 * @sk: the endpoint
 * @msg: the message; on success the queue owns it
 *
 * The caller then calls swq_data_ready(@sk).
 *
 * Context: process context (takes rx_lock with plain spin_lock(): not from
 * softirq or hardirq).
 * Return: 0, -EAGAIN if the queue is full, -EPIPE if @sk is orphaned
 * (@msg stays the caller's on error).
 */
int swq_sock_queue(struct swq_sock *sk, struct swq_msg *msg)
{
	int err = 0;

	spin_lock(&sk->rx_lock);
	if (READ_ONCE(sk->dead)) {
		err = -EPIPE;
	} else if (sk->rx_len >= sk->rx_max) {
		err = -EAGAIN;
	} else {
		list_add_tail(&msg->node, &sk->rx_queue);
		WRITE_ONCE(sk->rx_len, sk->rx_len + 1);
	}
	spin_unlock(&sk->rx_lock);
	if (!err)
		atomic64_inc(&sk->rx_queued);
	return err;
}

RCUNET_EXPORT_FOR_TESTS(swq_sock_queue);

/**
 * swq_sock_queue_kernel() - queue one kernel producer message
 * @sk: the endpoint
 * @cpu: the producer's CPU, recorded in the message
 * @gfp: allocation flags for the message
 *
 * Its sequence number is taken under rx_lock, so the receive queue holds
 * them in sequence order: the reader checks seq == previous + 1, i.e.
 * exactly once and in order. A full queue counts in kernel_dropped.
 *
 * Context: process context, as the producer kthreads call it (takes
 * rx_lock with plain spin_lock(): not from softirq or hardirq, whatever
 * @gfp allows).
 * Return: 0, -ENOMEM, -EAGAIN (full) or -EPIPE (orphaned).
 */
int swq_sock_queue_kernel(struct swq_sock *sk, unsigned int cpu, gfp_t gfp)
{
	struct sockwq_kmsg *km;
	struct swq_msg *msg;
	int err = 0;

	msg = kmalloc(sizeof(*msg) + sizeof(*km), gfp);
	if (!msg)
		return -ENOMEM;
	msg->len = sizeof(*km);
	km = (struct sockwq_kmsg *)msg->data;
	km->magic = SOCKWQ_KMSG_MAGIC;
	km->cpu = cpu;

	spin_lock(&sk->rx_lock);
	if (READ_ONCE(sk->dead)) {
		err = -EPIPE;
	} else if (sk->rx_len >= sk->rx_max) {
		err = -EAGAIN;
	} else {
		km->seq = ++sk->kernel_seq;
		list_add_tail(&msg->node, &sk->rx_queue);
		WRITE_ONCE(sk->rx_len, sk->rx_len + 1);
	}
	spin_unlock(&sk->rx_lock);
	if (err) {
		kfree(msg);
		if (err == -EAGAIN)
			atomic64_inc(&sk->kernel_dropped);
		return err;
	}
	atomic64_inc(&sk->rx_queued);
	atomic64_inc(&sk->kernel_queued);
	return 0;
}

RCUNET_EXPORT_FOR_TESTS(swq_sock_queue_kernel);

/**
 * swq_sock_readable() - is a message queued?
 * @sk: the endpoint
 *
 * Context: any context; a lockless snapshot, as a wait condition.
 * Return: true if @sk's receive queue is not empty.
 */
bool swq_sock_readable(struct swq_sock *sk)
{
	return READ_ONCE(sk->rx_len) > 0;
}

RCUNET_EXPORT_FOR_TESTS(swq_sock_readable);

/**
 * swq_sock_writable() - is there room for a message?
 * @sk: the endpoint
 *
 * Context: any context; a lockless snapshot, as a wait condition.
 * Return: true if @sk's receive queue is below its bound.
 */
bool swq_sock_writable(struct swq_sock *sk)
{
	return READ_ONCE(sk->rx_len) < sk->rx_max;
}

RCUNET_EXPORT_FOR_TESTS(swq_sock_writable);

/**
 * swq_sock_purge() - free every message queued on an endpoint
 * @sk: the endpoint
 *
 * Context: process context (takes rx_lock with plain spin_lock(): not from
 * softirq or hardirq).
 */
void swq_sock_purge(struct swq_sock *sk)
{
	struct swq_msg *msg, *tmp;
	LIST_HEAD(list);

	spin_lock(&sk->rx_lock);
	list_splice_init(&sk->rx_queue, &list);
	WRITE_ONCE(sk->rx_len, 0);
	spin_unlock(&sk->rx_lock);
	list_for_each_entry_safe(msg, tmp, &list, node)
		kfree(msg);
}

RCUNET_EXPORT_FOR_TESTS(swq_sock_purge);

/* ----------------------------------------------- the RCU variant (after) */

/*
 * sk_wake_async() after commit 43815482370c: the SOCK_FASYNC-style flag first, so a
 * socket without O_ASYNC users never touches the fasync list; @wq was
 * loaded under the caller's rcu_read_lock() (NULL once orphaned).
 */
static void swq_rcu_wake_async(struct swq_sock *sk, struct swq_wq *wq,
			       int band)
{
	if (test_bit(SWQ_SOCK_FASYNC, &sk->flags) && wq)
		kill_fasync(&wq->fasync_list, SIGIO, band);
}

void swq_rcu_data_ready(struct swq_sock *sk)
{
	struct swq_wq *wq;

	rcu_read_lock();
	wq = rcu_dereference(sk->wq);
	if (swq_wq_has_sleeper(wq))
		wake_up_interruptible_sync_poll(&wq->wait, EPOLLIN |
						EPOLLRDNORM | EPOLLRDBAND);
	swq_rcu_wake_async(sk, wq, POLL_IN);
	rcu_read_unlock();
}

void swq_rcu_write_space(struct swq_sock *sk)
{
	struct swq_wq *wq;

	rcu_read_lock();
	wq = rcu_dereference(sk->wq);
	if (swq_wq_has_sleeper(wq))
		wake_up_interruptible_sync_poll(&wq->wait, EPOLLOUT |
						EPOLLWRNORM | EPOLLWRBAND);
	swq_rcu_wake_async(sk, wq, POLL_OUT);
	rcu_read_unlock();
}

void swq_rcu_state_change(struct swq_sock *sk)
{
	struct swq_wq *wq;

	rcu_read_lock();
	wq = rcu_dereference(sk->wq);
	if (swq_wq_has_sleeper(wq))
		wake_up_interruptible_all(&wq->wait);
	rcu_read_unlock();
}

const struct swq_variant swq_variants[SWQ_NR_MODES] = {
	[SOCKWQ_MODE_RCU] = {
		.name		= "rcu",
		.data_ready	= swq_rcu_data_ready,
		.write_space	= swq_rcu_write_space,
		.state_change	= swq_rcu_state_change,
		.lockless	= true,
	},
	[SOCKWQ_MODE_LEGACY] = {
		.name		= "legacy",
		.data_ready	= swq_legacy_data_ready,
		.write_space	= swq_legacy_write_space,
		.state_change	= swq_legacy_state_change,
	},
	/*
	 * Commit 333f7909a857: the same wakeup path as rcu, the wait queue
	 * inside the endpoint (embedded.c).
	 */
	[SOCKWQ_MODE_EMBEDDED] = {
		.name		= "embedded",
		.data_ready	= swq_rcu_data_ready,
		.write_space	= swq_rcu_write_space,
		.state_change	= swq_rcu_state_change,
		.lockless	= true,
		.wq_embedded	= true,
	},
};

/* ------------------------------------------------------------ init/exit */

static int __init swq_init(void)
{
	struct proc_dir_entry *dir;
	int err;

	dir = swq_proc_init();
	if (!dir)
		return -ENOMEM;
	err = swq_bench_init(dir);
	if (err)
		goto fail_proc;
	/* last: an open() may come in as soon as the device exists */
	err = swq_dev_init();
	if (err)
		goto fail_bench;
	return 0;

fail_bench:
	swq_bench_exit();
fail_proc:
	swq_proc_exit();
	return err;
}

static void __exit swq_exit(void)
{
	/* no open fds (module refcount); producers only hold sock refs */
	swq_dev_exit();
	swq_producers_stop();
	swq_bench_exit();
	swq_proc_exit();
	/* wait for deferred swq_wq and swq_sock frees before the code goes */
	rcu_barrier();
	WARN_ON(atomic_long_read(&swq_wq_live));
	WARN_ON(atomic_long_read(&swq_socks_live));
}

module_init(swq_init);
module_exit(swq_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR(RCUNET_AUTHOR);
MODULE_VERSION(RCUNET_VERSION);
MODULE_DESCRIPTION("rcunet sockwq: RCU socket_wq wakeups vs sk_callback_lock");
