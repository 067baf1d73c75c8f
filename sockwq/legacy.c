// SPDX-License-Identifier: GPL-2.0
/*
 * sockwq legacy variant: the wakeup callbacks as they were before the seed.
 *
 * Every wakeup takes sk->callback_lock for reading just to load sk->wq:
 * two atomic operations on a shared cache line per message, even when
 * nobody sleeps. The lock is what keeps the swq_wq alive here:
 * swq_sock_orphan() takes it for writing, so once it returns no legacy
 * waker can still hold the old pointer and the object may be freed at
 * once. The barrier before waitqueue_active() is still needed (the old
 * code had smp_mb__after_lock()); it pairs with swq_poll_wait().
 */
#include <linux/poll.h>
#include "sockwq.h"

/* sk->wq under callback_lock: the lock, not RCU, keeps it stable. */
static struct swq_wq *swq_legacy_wq(struct swq_sock *sk)
{
	return rcu_dereference_protected(sk->wq,
					 lockdep_is_held(&sk->callback_lock));
}

void swq_legacy_data_ready(struct swq_sock *sk)
{
	struct swq_wq *wq;

	read_lock(&sk->callback_lock);
	wq = swq_legacy_wq(sk);
	if (swq_wq_has_sleeper(wq))
		wake_up_interruptible_sync_poll(&wq->wait, EPOLLIN |
						EPOLLRDNORM | EPOLLRDBAND);
	if (wq)
		kill_fasync(&wq->fasync_list, SIGIO, POLL_IN);
	read_unlock(&sk->callback_lock);
}
EXPORT_SYMBOL_GPL(swq_legacy_data_ready);

void swq_legacy_write_space(struct swq_sock *sk)
{
	struct swq_wq *wq;

	read_lock(&sk->callback_lock);
	wq = swq_legacy_wq(sk);
	if (swq_wq_has_sleeper(wq))
		wake_up_interruptible_sync_poll(&wq->wait, EPOLLOUT |
						EPOLLWRNORM | EPOLLWRBAND);
	if (wq)
		kill_fasync(&wq->fasync_list, SIGIO, POLL_OUT);
	read_unlock(&sk->callback_lock);
}
EXPORT_SYMBOL_GPL(swq_legacy_write_space);

void swq_legacy_state_change(struct swq_sock *sk)
{
	struct swq_wq *wq;

	read_lock(&sk->callback_lock);
	wq = swq_legacy_wq(sk);
	if (swq_wq_has_sleeper(wq))
		wake_up_interruptible_all(&wq->wait);
	read_unlock(&sk->callback_lock);
}
EXPORT_SYMBOL_GPL(swq_legacy_state_change);
