// SPDX-License-Identifier: GPL-2.0
/*
 * sockwq legacy variant: the wakeup callbacks as they were before commit
 * 43815482370c ("net: sock_def_readable() and friends RCU conversion"),
 * the locked original (SOCKWQ_MODE_LEGACY; core.c has the lockless one).
 *
 * Every wakeup takes sk->callback_lock for reading just to load sk->wq:
 * two atomic operations on a shared cache line per message, even when
 * nobody sleeps. The lock is what keeps the swq_wq alive here:
 * swq_sock_orphan() takes it for writing, so once it returns no legacy
 * waker can still hold the old pointer and the object may be freed at
 * once.
 *
 * This twin does exactly what the pre-patch sock_def_readable() and friends
 * did: read_lock(), sk_has_sleeper() (smp_mb__after_lock() + the check),
 * the wakeup, sk_wake_async() (SOCK_FASYNC test, then kill_fasync()),
 * read_unlock(). It deliberately does not call swq_wq_has_sleeper(): that
 * one carries the full smp_mb() the RCU variant needs, a cost the locked
 * original did not pay on x86.
 */
#include <linux/poll.h>
#include "sockwq.h"
#include "internal.h"

/*
 * The pre-patch kernel's smp_mb__after_lock(), which 6.1 no longer has.
 * x86 defined it empty (ARCH_HAS_SMP_MB_AFTER_LOCK): read_lock() is a
 * LOCK-prefixed read-modify-write (qrwlock: atomic_add_return_acquire(),
 * i.e. LOCK XADD), and on x86 a locked instruction is a full barrier, so
 * the stores that queued the message are already ordered before the
 * waitqueue_active() load below. Every other architecture used smp_mb().
 * On x86 smp_mb__after_spinlock() is exactly that empty barrier (it only
 * tells KCSAN that a full barrier exists here).
 */
#ifdef CONFIG_X86
#define swq_mb__after_read_lock()	smp_mb__after_spinlock()
#else
/* not a full barrier by itself here: pairs with swq_poll_wait()'s smp_mb() */
#define swq_mb__after_read_lock()	smp_mb()
#endif

/* sk->wq under callback_lock: the lock, not RCU, keeps it stable. */
static struct swq_wq *swq_legacy_wq(struct swq_sock *sk)
{
	return rcu_dereference_protected(sk->wq,
					 lockdep_is_held(&sk->callback_lock));
}

/*
 * The pre-patch sk_has_sleeper(): call right after read_lock(). The
 * barrier orders "data queued" before "anyone waiting?"; it pairs with
 * smp_mb() in swq_poll_wait() and set_current_state() in wait_event*().
 */
static bool swq_legacy_has_sleeper(struct swq_wq *wq)
{
	swq_mb__after_read_lock();
	/* lockless peek: ordered by the barrier above (see its pairing) */
	return wq && waitqueue_active(&wq->wait);
}

/* The pre-patch sk_wake_async(): no fasync user, no walk of the list. */
static void swq_legacy_wake_async(struct swq_sock *sk, struct swq_wq *wq,
				  int band)
{
	if (test_bit(SWQ_SOCK_FASYNC, &sk->flags) && wq)
		kill_fasync(&wq->fasync_list, SIGIO, band);
}

void swq_legacy_data_ready(struct swq_sock *sk)
{
	struct swq_wq *wq;

	read_lock(&sk->callback_lock);
	wq = swq_legacy_wq(sk);
	if (swq_legacy_has_sleeper(wq))
		wake_up_interruptible_sync_poll(&wq->wait, EPOLLIN |
						EPOLLRDNORM | EPOLLRDBAND);
	swq_legacy_wake_async(sk, wq, POLL_IN);
	read_unlock(&sk->callback_lock);
}

void swq_legacy_write_space(struct swq_sock *sk)
{
	struct swq_wq *wq;

	read_lock(&sk->callback_lock);
	wq = swq_legacy_wq(sk);
	if (swq_legacy_has_sleeper(wq))
		wake_up_interruptible_sync_poll(&wq->wait, EPOLLOUT |
						EPOLLWRNORM | EPOLLWRBAND);
	swq_legacy_wake_async(sk, wq, POLL_OUT);
	read_unlock(&sk->callback_lock);
}

void swq_legacy_state_change(struct swq_sock *sk)
{
	struct swq_wq *wq;

	read_lock(&sk->callback_lock);
	wq = swq_legacy_wq(sk);
	if (swq_legacy_has_sleeper(wq))
		wake_up_interruptible_all(&wq->wait);
	read_unlock(&sk->callback_lock);
}
