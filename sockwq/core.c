// SPDX-License-Identifier: GPL-2.0
/*
 * sockwq core: the wait-queue object, endpoints, their receive queues and
 * the RCU variant of the wakeup callbacks (the change the seed made).
 *
 * The invariant the RCU variant keeps, as in the kernel since the seed:
 *
 *  - A waker never takes a lock to find the wait queue. It enters an RCU
 *    read-side section, loads sk->wq with rcu_dereference() and, if the
 *    endpoint is still grafted (wq != NULL), checks for sleepers.
 *  - swq_sock_orphan() clears sk->wq (closing file), but the swq_wq it
 *    pointed to is freed only after a grace period (kfree_rcu), so a waker
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
#include <linux/idr.h>
#include "sockwq.h"

atomic_long_t swq_wq_live = ATOMIC_LONG_INIT(0);
EXPORT_SYMBOL_GPL(swq_wq_live);
atomic_long_t swq_wq_freed = ATOMIC_LONG_INIT(0);
EXPORT_SYMBOL_GPL(swq_wq_freed);
atomic_long_t swq_socks_live = ATOMIC_LONG_INIT(0);
EXPORT_SYMBOL_GPL(swq_socks_live);

/* All endpoints, so producers can find one by id: writers under the lock. */
static LIST_HEAD(swq_socks);
static DEFINE_SPINLOCK(swq_socks_lock);
static u32 swq_next_id;

/* ------------------------------------------------------ wait-queue object */

struct swq_wq *swq_wq_alloc(gfp_t gfp)
{
	struct swq_wq *wq = kzalloc(sizeof(*wq), gfp);

	if (!wq)
		return NULL;
	init_waitqueue_head(&wq->wait);
	atomic_long_inc(&swq_wq_live);
	return wq;
}
EXPORT_SYMBOL_GPL(swq_wq_alloc);

static void swq_wq_free(struct swq_wq *wq)
{
	kfree(wq);
	atomic_long_dec(&swq_wq_live);
	atomic_long_inc(&swq_wq_freed);
}

static void swq_wq_free_rcu(struct rcu_head *head)
{
	swq_wq_free(container_of(head, struct swq_wq, rcu));
}

/*
 * Free a wait-queue object that is no longer grafted on any endpoint.
 * @deferred: an RCU waker may still hold it (the endpoint ever ran the RCU
 * variant), so wait for a grace period; otherwise every waker took
 * callback_lock, and swq_sock_orphan()'s write_lock already waited them out.
 */
void swq_wq_release(struct swq_wq *wq, bool deferred)
{
	if (!wq)
		return;
	/* Nobody may sleep on it any more: fput removed epoll and fasync. */
	WARN_ON_ONCE(waitqueue_active(&wq->wait));
	if (deferred)
		call_rcu(&wq->rcu, swq_wq_free_rcu);
	else
		swq_wq_free(wq);
}
EXPORT_SYMBOL_GPL(swq_wq_release);

/*
 * Any task waiting on @wq? Call under rcu_read_lock() (or callback_lock)
 * with @wq loaded from sk->wq; NULL (orphaned endpoint) has no sleepers.
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
EXPORT_SYMBOL_GPL(swq_wq_has_sleeper);

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
EXPORT_SYMBOL_GPL(swq_poll_wait);

/* ------------------------------------------------------------- endpoints */

struct swq_sock *swq_sock_alloc(u32 mode, u32 rx_max)
{
	struct swq_sock *sk;

	if (mode >= SWQ_NR_MODES || !rx_max)
		return ERR_PTR(-EINVAL);
	sk = kzalloc(sizeof(*sk), GFP_KERNEL);
	if (!sk)
		return ERR_PTR(-ENOMEM);
	rwlock_init(&sk->callback_lock);
	sk->ops = &swq_variants[mode];
	sk->wq_free_deferred = mode == SOCKWQ_MODE_RCU;
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
EXPORT_SYMBOL_GPL(swq_sock_alloc);

void swq_sock_hold(struct swq_sock *sk)
{
	refcount_inc(&sk->refcnt);
}
EXPORT_SYMBOL_GPL(swq_sock_hold);

static void swq_sock_free_rcu(struct rcu_head *head)
{
	struct swq_sock *sk = container_of(head, struct swq_sock, rcu);
	struct swq_msg *msg, *tmp;

	/* last reference gone and unlisted: nobody queues any more */
	list_for_each_entry_safe(msg, tmp, &sk->rx_queue, node)
		kfree(msg);
	kfree(sk);
	atomic_long_dec(&swq_socks_live);
}

void swq_sock_put(struct swq_sock *sk)
{
	if (!refcount_dec_and_test(&sk->refcnt))
		return;
	/* An endpoint is only freed once its file side let go of it. */
	WARN_ON_ONCE(rcu_access_pointer(sk->wq));
	spin_lock(&swq_socks_lock);
	list_del_rcu(&sk->node);
	spin_unlock(&swq_socks_lock);
	/* swq_sock_lookup() may be looking at it under rcu_read_lock() */
	call_rcu(&sk->rcu, swq_sock_free_rcu);
}
EXPORT_SYMBOL_GPL(swq_sock_put);

/*
 * Find a live endpoint by id and take a reference. The list is bounded by
 * the number of open endpoints; producers look up once per message batch.
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
EXPORT_SYMBOL_GPL(swq_sock_lookup);

int swq_sock_set_mode(struct swq_sock *sk, u32 mode)
{
	if (mode >= SWQ_NR_MODES)
		return -EINVAL;
	write_lock(&sk->callback_lock);
	/*
	 * Before the first RCU waker can run, make the final free wait for a
	 * grace period; swq_sock_orphan() reads this under the same lock.
	 */
	if (mode == SOCKWQ_MODE_RCU)
		sk->wq_free_deferred = true;
	WRITE_ONCE(sk->ops, &swq_variants[mode]);
	write_unlock(&sk->callback_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(swq_sock_set_mode);

/* Attach the wait-queue object of the file side (sock_graft()). */
void swq_sock_graft(struct swq_sock *sk, struct swq_wq *wq)
{
	write_lock(&sk->callback_lock);
	/* publish a fully initialised swq_wq to RCU wakers */
	rcu_assign_pointer(sk->wq, wq);
	write_unlock(&sk->callback_lock);
}
EXPORT_SYMBOL_GPL(swq_sock_graft);

/*
 * Detach the endpoint from its file side (sock_orphan()). After this no new
 * waker finds the swq_wq. Returns whether the caller must free it with a
 * grace period (swq_wq_release(wq, true)): legacy wakers are excluded by
 * the write_lock here, RCU wakers are not.
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
EXPORT_SYMBOL_GPL(swq_sock_orphan);

/* ---------------------------------------------------------- receive queue */

/* Queue @msg (taking it over) or return -EAGAIN (full) / -EPIPE (dead). */
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
EXPORT_SYMBOL_GPL(swq_sock_queue);

/*
 * Queue one producer message. Its sequence number is taken under rx_lock,
 * so the receive queue holds them in sequence order: the reader checks
 * seq == previous + 1, i.e. exactly once and in order.
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
EXPORT_SYMBOL_GPL(swq_sock_queue_kernel);

bool swq_sock_readable(struct swq_sock *sk)
{
	return READ_ONCE(sk->rx_len) > 0;
}
EXPORT_SYMBOL_GPL(swq_sock_readable);

bool swq_sock_writable(struct swq_sock *sk)
{
	return READ_ONCE(sk->rx_len) < sk->rx_max;
}
EXPORT_SYMBOL_GPL(swq_sock_writable);

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
EXPORT_SYMBOL_GPL(swq_sock_purge);

/* ----------------------------------------------- the RCU variant (after) */

/*
 * sk_wake_async() after the seed: the SOCK_FASYNC-style flag first, so a
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
EXPORT_SYMBOL_GPL(swq_rcu_data_ready);

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
EXPORT_SYMBOL_GPL(swq_rcu_write_space);

void swq_rcu_state_change(struct swq_sock *sk)
{
	struct swq_wq *wq;

	rcu_read_lock();
	wq = rcu_dereference(sk->wq);
	if (swq_wq_has_sleeper(wq))
		wake_up_interruptible_all(&wq->wait);
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(swq_rcu_state_change);

const struct swq_variant swq_variants[SWQ_NR_MODES] = {
	[SOCKWQ_MODE_RCU] = {
		.name		= "rcu",
		.data_ready	= swq_rcu_data_ready,
		.write_space	= swq_rcu_write_space,
		.state_change	= swq_rcu_state_change,
	},
	[SOCKWQ_MODE_LEGACY] = {
		.name		= "legacy",
		.data_ready	= swq_legacy_data_ready,
		.write_space	= swq_legacy_write_space,
		.state_change	= swq_legacy_state_change,
	},
};
EXPORT_SYMBOL_GPL(swq_variants);
