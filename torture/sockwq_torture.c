// SPDX-License-Identifier: GPL-2.0
/*
 * sockwq_torture: randomized, self-checking stress of the sockwq module
 * (RCU socket_wq wakeups beside the sk_callback_lock original) through
 * its exported API, on the rcunet torture core (rtort.h).
 *
 * The driver plays the file side itself: a slot holds an "open file"
 * (struct swt_file ~ struct socket: a swq_wq grafted on a swq_sock) that
 * workers open (in any variant: rcu, legacy, or embedded, the swq_wq then
 * inside the endpoint), close, switch between the variants, write into,
 * read from, sleep on (wait_event style and poll-table style) and wake,
 * while "kernel producers" find endpoints by id (swq_sock_lookup())
 * and call ->data_ready() on them, so wakeups race with close exactly as
 * the module's own producers race with release(); "uwake" wakes through
 * an embedded endpoint's wait queue holding no reference at all, only its
 * RCU read-side section, while the slot closes. /dev/sockwq, pairing,
 * fasync and the module's producer kthreads are tormented from user space
 * by torture/sockwq.sh (swq_torture).
 *
 * Invariants:
 *  - exactly once, in order: user messages carry a per-endpoint sequence
 *    number assigned under the driver's write lock together with the
 *    queueing, kernel messages the module's own (sockwq_kmsg.seq); a
 *    reader checks each against the last one it took, and the whole queue
 *    is walked under rx_lock ("check", ->quiesce, final release):
 *    read + queued == sent for both kinds, rx_len == messages listed;
 *  - no lost wakeup: a sleeper whose condition holds after a sleep slice
 *    that nobody woke watches on; not woken for lost_wakeup_secs more
 *    (data or room there all along) it fails the session;
 *  - no use after free: wakers (our own RCU and callback_lock read-side
 *    sections with rtort_reader_delay() inside, and the module's callbacks)
 *    run on endpoints being closed; KASAN reports a swq_wq freed too early
 *    (embedded: the endpoint it lives in);
 *  - API contracts under fault injection: failed allocations give NULL /
 *    ERR_PTR(-ENOMEM) and leave the sequence numbers unconsumed (a gap
 *    would show at the reader), a bad mode gives -EINVAL and no change.
 */
#define pr_fmt(fmt) "sockwq_torture: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/jiffies.h>
#include <linux/poll.h>
#include <linux/err.h>
#include "../common/rcunet.h"
#include "rtort.h"
#include "../sockwq/sockwq.h"

#define SWT_SLOTS	8
#define SWT_UMAGIC	0x54524f54u	/* "TORT" */
#define SWT_PAD_MAX	64
/* A sleeper re-checks its condition this often... */
#define SWT_SLICE	(HZ / 10)
/* ...and gives up after this long when nothing arrives (no failure). */
#define SWT_WAIT_MAX	HZ

static unsigned int lost_wakeup_secs = 5;
module_param(lost_wakeup_secs, uint, 0644);
MODULE_PARM_DESC(lost_wakeup_secs,
		 "a sleeper not woken this long while its condition holds fails the session");

struct swt_umsg {
	u32 magic;		/* SWT_UMAGIC */
	u32 len;		/* whole message, header included */
	u64 seq;		/* 1, 2, 3, ... per endpoint */
	u8 pad[];		/* pad[i] == (u8)(seq + i) */
};

/*
 * One open "file" (~ struct socket): owns the swq_wq grafted on sk (the
 * one inside sk if sk was created embedded).
 */
struct swt_file {
	struct kref ref;	/* the slot's, plus one per op using it */
	struct swq_sock *sk;
	struct swq_wq *wq;
	u32 id;
	bool closing;		/* WRITE_ONCE by close, sleepers READ_ONCE */
	/*
	 * User writers take it around swq_sock_queue() so that sequence
	 * order is queue order; the check takes it to see wseq and the
	 * queue at one instant. Nests outside sk->rx_lock.
	 */
	spinlock_t wlock;
	u64 wseq;		/* user messages queued (wlock) */
	/* last sequence numbers dequeued; under sk->rx_lock with the list */
	u64 ruseq, rkseq;
	struct rcu_head rcu;
};

struct swt_slot {
	struct mutex lock;		/* open/close/mode of this slot */
	struct swt_file __rcu *file;	/* NULL: closed */
	u32 last_id;	/* newest endpoint id here (stale lookups); marked */
};

static struct swt_slot swt_slots[SWT_SLOTS];
static struct rtort_session *swt_session;

/* ------------------------------------------------------------ the file */

static struct swt_file *swt_get_slot(struct swt_slot *slot)
{
	struct swt_file *f;

	rcu_read_lock();
	f = rcu_dereference(slot->file);
	/* a file whose last reference is going is as good as closed */
	if (f && !kref_get_unless_zero(&f->ref))
		f = NULL;
	rcu_read_unlock();
	return f;
}

static struct swt_file *swt_get(struct rtort_thread *t)
{
	return swt_get_slot(&swt_slots[rtort_random(t, SWT_SLOTS)]);
}

/* Kernel message (module's producer format)? Else a user one or garbage. */
static bool swt_is_kmsg(const struct swq_msg *msg)
{
	const struct sockwq_kmsg *km = (const void *)msg->data;

	return msg->len == sizeof(*km) && km->magic == SOCKWQ_KMSG_MAGIC;
}

static bool swt_is_umsg(const struct swq_msg *msg)
{
	const struct swt_umsg *um = (const void *)msg->data;

	return msg->len >= sizeof(*um) && um->magic == SWT_UMAGIC &&
	       um->len == msg->len;
}

/*
 * The whole receive queue against the counters, with writers and readers
 * of @f excluded (wlock, rx_lock): every message sent is either read or
 * listed, once, in sequence order. Producers queue under rx_lock, so they
 * are excluded too. @t may be NULL.
 */
static void swt_check_file(struct rtort_thread *t, struct swt_file *f,
			   const char *where)
{
	struct swq_sock *sk = f->sk;
	const struct sockwq_kmsg *km;
	const struct swt_umsg *um;
	struct swq_msg *msg;
	u64 useq, kseq;
	u32 n = 0;

	spin_lock(&f->wlock);
	spin_lock(&sk->rx_lock);
	useq = f->ruseq;
	kseq = f->rkseq;
	list_for_each_entry(msg, &sk->rx_queue, node) {
		n++;
		if (swt_is_kmsg(msg)) {
			km = (const void *)msg->data;
			if (km->seq != ++kseq) {
				rtort_fail(t, "%s: ep %u: kernel msg %llu queued, %llu expected",
					   where, f->id, km->seq, kseq);
				kseq = km->seq;
			}
		} else if (swt_is_umsg(msg)) {
			um = (const void *)msg->data;
			if (um->seq != ++useq) {
				rtort_fail(t, "%s: ep %u: user msg %llu queued, %llu expected",
					   where, f->id, um->seq, useq);
				useq = um->seq;
			}
		} else {
			rtort_fail(t, "%s: endpoint %u: garbage message of %u bytes queued",
				   where, f->id, msg->len);
		}
	}
	if (n != sk->rx_len || n > sk->rx_max)
		rtort_fail(t, "%s: endpoint %u: %u messages listed, rx_len %u, rx_max %u",
			   where, f->id, n, sk->rx_len, sk->rx_max);
	if (useq != f->wseq)
		rtort_fail(t, "%s: ep %u: user msgs read+queued %llu != sent %llu",
			   where, f->id, useq, f->wseq);
	if (kseq != sk->kernel_seq)
		rtort_fail(t, "%s: ep %u: kernel msgs read+queued %llu != sent %llu",
			   where, f->id, kseq, sk->kernel_seq);
	spin_unlock(&sk->rx_lock);
	spin_unlock(&f->wlock);
}

/*
 * Last reference: as the module's release(), orphan the endpoint and free
 * the swq_wq (after a grace period if it ever ran the RCU variant) while
 * producers may still be inside ->data_ready() on it.
 */
static void swt_file_release(struct kref *ref)
{
	struct swt_file *f = container_of(ref, struct swt_file, ref);

	swt_check_file(NULL, f, "release");
	swq_wq_release(f->wq, swq_sock_orphan(f->sk));
	swq_sock_purge(f->sk);
	swq_sock_put(f->sk);
	kfree_rcu(f, rcu);
}

static void swt_put(struct swt_file *f)
{
	kref_put(&f->ref, swt_file_release);
}

/* Take @slot's file away from new users; the last one out releases it. */
static void swt_close_slot(struct swt_slot *slot)
{
	struct swt_file *f;

	mutex_lock(&slot->lock);
	f = rcu_dereference_protected(slot->file, lockdep_is_held(&slot->lock));
	RCU_INIT_POINTER(slot->file, NULL);
	mutex_unlock(&slot->lock);
	if (!f)
		return;
	WRITE_ONCE(f->closing, true);
	/* sleepers on f see closing and let go (swq_state_change's barrier) */
	swq_state_change(f->sk);
	swt_put(f);
}

/* --------------------------------------------------------- the sleepers */

/*
 * Lost-wakeup watchdog for a sleeper. @woken: the last sleep ended by a
 * wakeup; @ready: the condition holds after a slice nobody woke. From the
 * first such slice every waker that made it true had to see us queued
 * (the has-sleeper barrier pairs with our set_current_state()), so not
 * being woken for lost_wakeup_secs more is a lost wakeup. Returns true
 * when the sleeper should stop watching (failed).
 */
static bool swt_watch(struct rtort_thread *t, unsigned long *since,
		      bool woken, bool ready, struct swt_file *f,
		      const char *what)
{
	if (woken) {
		*since = 0;
		return false;
	}
	if (!*since) {
		if (ready)
			*since = jiffies | 1;
		return false;
	}
	if (time_before(jiffies, *since + READ_ONCE(lost_wakeup_secs) * HZ))
		return false;
	rtort_fail(t, "lost %s wakeup: ep %u (%s) asleep %us, condition true (rx_len %u/%u)",
		   what, f->id, READ_ONCE(f->sk->ops)->name,
		   jiffies_to_msecs(jiffies - *since) / 1000,
		   READ_ONCE(f->sk->rx_len), f->sk->rx_max);
	return true;
}

static bool swt_readable(struct swt_file *f)
{
	return swq_sock_readable(f->sk);
}

static bool swt_writable(struct swt_file *f)
{
	return swq_sock_writable(f->sk);
}

/*
 * A wait_event() style sleeper that also records being woken: a wakeup
 * landing between a slice's timeout and our next look must not read as
 * "nobody woke us" (xchg() takes the flag; the waker's store is never lost).
 */
struct swt_waiter {
	struct wait_queue_entry entry;
	bool woken;
};

static int swt_wake(struct wait_queue_entry *entry, unsigned int mode,
		    int sync, void *key)
{
	struct swt_waiter *w = container_of(entry, struct swt_waiter, entry);

	WRITE_ONCE(w->woken, true);
	return autoremove_wake_function(entry, mode, sync, key);
}

/*
 * Sleep on @f's wait queue as wait_event_interruptible() does until
 * @cond. 0: it holds; -EPIPE: closing; -EAGAIN: gave up (nothing came
 * within SWT_WAIT_MAX, or the session stops); -ETIMEDOUT: lost wakeup.
 */
static int swt_wait(struct rtort_thread *t, struct swt_file *f,
		    bool (*cond)(struct swt_file *f), const char *what)
{
	unsigned long start = jiffies, since = 0;
	struct swt_waiter w = { };
	int ret;

	init_wait(&w.entry);
	w.entry.func = swt_wake;
	for (;;) {
		prepare_to_wait(&f->wq->wait, &w.entry, TASK_INTERRUPTIBLE);
		if (xchg(&w.woken, false))
			since = 0;
		/* while watching, only a wakeup gets us out */
		if (!since) {
			ret = 0;
			if (cond(f))
				break;
			ret = -EPIPE;
			if (READ_ONCE(f->closing))
				break;
			ret = -EAGAIN;
			if (time_after(jiffies, start + SWT_WAIT_MAX))
				break;
		}
		ret = -EAGAIN;
		if (rtort_should_stop(t))
			break;
		schedule_timeout(SWT_SLICE);
		ret = -ETIMEDOUT;
		if (swt_watch(t, &since, READ_ONCE(w.woken), cond(f), f, what))
			break;
	}
	finish_wait(&f->wq->wait, &w.entry);
	return ret;
}

/* A poll-table sleeper, as epoll registers one: a callback, no task. */
struct swt_poller {
	poll_table pt;
	struct wait_queue_entry entry;
	wait_queue_head_t *head;
	struct task_struct *task;
	bool woken;		/* set by the callback, taken with xchg() */
};

static int swt_poll_wake(struct wait_queue_entry *entry, unsigned int mode,
			 int sync, void *key)
{
	struct swt_poller *p = container_of(entry, struct swt_poller, entry);

	WRITE_ONCE(p->woken, true);
	wake_up_process(p->task);
	return 0;
}

static void swt_poll_queue(struct file *file, wait_queue_head_t *head,
			   poll_table *pt)
{
	struct swt_poller *p = container_of(pt, struct swt_poller, pt);

	p->head = head;
	init_waitqueue_func_entry(&p->entry, swt_poll_wake);
	add_wait_queue(head, &p->entry);
}

/*
 * Like epoll on the endpoint: join through swq_poll_wait() (its smp_mb()
 * pairs with the wakers' has-sleeper barrier), then re-check the mask on
 * every callback, level-triggered. Same results as swt_wait().
 */
static int swt_poll(struct rtort_thread *t, struct swt_file *f,
		    bool (*cond)(struct swt_file *f), const char *what)
{
	struct swt_poller p = { .task = current };
	unsigned long start = jiffies, since = 0;
	int ret;

	init_poll_funcptr(&p.pt, swt_poll_queue);
	swq_poll_wait(NULL, f->wq, &p.pt);
	if (!p.head) {
		rtort_fail(t, "swq_poll_wait() did not queue the poller");
		return -EINVAL;
	}
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (xchg(&p.woken, false))
			since = 0;
		if (!since) {
			ret = 0;
			if (cond(f))
				break;
			ret = -EPIPE;
			if (READ_ONCE(f->closing))
				break;
			ret = -EAGAIN;
			if (time_after(jiffies, start + SWT_WAIT_MAX))
				break;
		}
		ret = -EAGAIN;
		if (rtort_should_stop(t))
			break;
		schedule_timeout(SWT_SLICE);
		ret = -ETIMEDOUT;
		if (swt_watch(t, &since, READ_ONCE(p.woken), cond(f), f, what))
			break;
	}
	__set_current_state(TASK_RUNNING);
	remove_wait_queue(p.head, &p.entry);
	return ret;
}

/* ------------------------------------------------------- writes, reads */

/* Queue one user message into @f; -EAGAIN full, -EPIPE closed, -ENOMEM. */
static int swt_write_one(struct rtort_thread *t, struct swt_file *f,
			 struct swq_msg **msgp)
{
	u32 i, pad = rtort_random(t, SWT_PAD_MAX + 1);
	struct swq_msg *msg = *msgp;
	struct swt_umsg *um;
	u64 seq;
	int err;

	if (!msg) {
		msg = kmalloc(sizeof(*msg) + sizeof(*um) + pad, GFP_KERNEL);
		if (!msg)
			return -ENOMEM;
		msg->len = sizeof(*um) + pad;
		*msgp = msg;
	}
	um = (struct swt_umsg *)msg->data;
	spin_lock(&f->wlock);
	seq = f->wseq + 1;
	um->magic = SWT_UMAGIC;
	um->len = msg->len;
	um->seq = seq;
	for (i = 0; i < msg->len - sizeof(*um); i++)
		um->pad[i] = (u8)(seq + i);
	err = swq_sock_queue(f->sk, msg);
	if (!err)
		f->wseq = seq;
	spin_unlock(&f->wlock);
	if (err)
		return err;
	*msgp = NULL;		/* the queue owns it now */
	swq_data_ready(f->sk);
	return 0;
}

/* Dequeue and check the head message: 1 one read, 0 empty. */
static int swt_read_one(struct rtort_thread *t, struct swt_file *f)
{
	struct swq_sock *sk = f->sk;
	const struct sockwq_kmsg *km;
	const struct swt_umsg *um;
	struct swq_msg *msg;
	u32 i;

	spin_lock(&sk->rx_lock);
	msg = list_first_entry_or_null(&sk->rx_queue, struct swq_msg, node);
	if (msg) {
		list_del(&msg->node);
		WRITE_ONCE(sk->rx_len, sk->rx_len - 1);
		/* order checks here, with the dequeue: one reader at a time */
		if (swt_is_kmsg(msg)) {
			km = (const void *)msg->data;
			if (km->seq != f->rkseq + 1 || km->cpu >= nr_cpu_ids)
				rtort_fail(t, "endpoint %u: kernel msg seq %llu cpu %u after %llu",
					   f->id, km->seq, km->cpu, f->rkseq);
			f->rkseq = km->seq;
		} else if (swt_is_umsg(msg)) {
			um = (const void *)msg->data;
			if (um->seq != f->ruseq + 1)
				rtort_fail(t, "endpoint %u: user msg seq %llu after %llu",
					   f->id, um->seq, f->ruseq);
			f->ruseq = um->seq;
		} else {
			rtort_fail(t, "endpoint %u: garbage message of %u bytes",
				   f->id, msg->len);
		}
	}
	spin_unlock(&sk->rx_lock);
	if (!msg)
		return 0;
	atomic64_inc(&sk->rx_read);
	if (swt_is_umsg(msg)) {
		um = (const void *)msg->data;
		for (i = 0; i < msg->len - sizeof(*um); i++) {
			if (um->pad[i] != (u8)(um->seq + i)) {
				rtort_fail(t, "endpoint %u: user msg %llu corrupt at byte %u",
					   f->id, um->seq, i);
				break;
			}
		}
	}
	kfree(msg);
	/* room now: wake writers waiting for it, as a reader's recvmsg does */
	swq_write_space(sk);
	return 1;
}

/* ----------------------------------------------------------------- ops */

static int swt_op_open(void *ctx, struct rtort_thread *t)
{
	struct swt_slot *slot = &swt_slots[rtort_random(t, SWT_SLOTS)];
	u32 mode = rtort_random(t, SWQ_NR_MODES);
	struct swt_file *f;
	struct swq_sock *sk;
	struct swq_wq *wq;
	int err = 0;

	mutex_lock(&slot->lock);
	if (rcu_access_pointer(slot->file))
		goto out;
	err = -ENOMEM;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		goto out;
	/* a small queue: writers fill it and sleep, producers drop */
	sk = swq_sock_alloc(mode, 2 + rtort_random(t, 31));
	if (IS_ERR_OR_NULL(sk)) {
		if (PTR_ERR(sk) != -ENOMEM)
			rtort_fail(t, "swq_sock_alloc(%u) = %ld, want -ENOMEM or an endpoint",
				   mode, PTR_ERR(sk));
		goto out_f;
	}
	if (READ_ONCE(sk->ops) != swq_mode_ops(mode) ||
	    rcu_access_pointer(sk->wq) || !refcount_read(&sk->refcnt) ||
	    sk->rx_len || !sk->id ||
	    !swq_sock_embedded_wq(sk) != !swq_mode_ops(mode)->wq_embedded)
		rtort_fail(t, "fresh endpoint %u in a bad state", sk->id);
	/* embedded: the one inside sk, no allocation; else a new one */
	wq = swq_sock_new_wq(sk, GFP_KERNEL);
	if (!wq) {
		swq_sock_put(sk);
		goto out_f;
	}
	kref_init(&f->ref);
	spin_lock_init(&f->wlock);
	f->sk = sk;
	f->wq = wq;
	f->id = sk->id;
	swq_sock_graft(sk, wq);
	WRITE_ONCE(slot->last_id, f->id);
	rcu_assign_pointer(slot->file, f);
	err = 0;
	goto out;
out_f:
	kfree(f);
out:
	mutex_unlock(&slot->lock);
	return err;
}

static int swt_op_close(void *ctx, struct rtort_thread *t)
{
	swt_close_slot(&swt_slots[rtort_random(t, SWT_SLOTS)]);
	return 0;
}

/* Switch an endpoint's variant under wakers; a bad mode changes nothing. */
static int swt_op_mode(void *ctx, struct rtort_thread *t)
{
	const struct swq_variant *before;
	struct swt_file *f = swt_get(t);
	u32 bad = SWQ_NR_MODES + rtort_random(t, 1000);
	int err;

	if (!f)
		return 0;
	before = READ_ONCE(f->sk->ops);
	err = swq_sock_set_mode(f->sk, bad);
	if (err != -EINVAL || READ_ONCE(f->sk->ops) != before)
		rtort_fail(t, "set_mode(%u) = %d, ops %s -> %s", bad, err,
			   before->name, READ_ONCE(f->sk->ops)->name);
	err = swq_sock_set_mode(f->sk, rtort_random(t, SWQ_NR_MODES));
	swt_put(f);
	return err;
}

static int swt_op_write(void *ctx, struct rtort_thread *t)
{
	struct swt_file *f = swt_get(t);
	struct swq_msg *msg = NULL;
	int err;

	if (!f)
		return 0;
	err = swt_write_one(t, f, &msg);
	kfree(msg);
	swt_put(f);
	return err;
}

/* Blocking write: sleep for room (woken by the reader's ->write_space). */
static int swt_op_bwrite(void *ctx, struct rtort_thread *t)
{
	struct swt_file *f = swt_get(t);
	struct swq_msg *msg = NULL;
	bool poll = rtort_random(t, 2);
	int err;

	if (!f)
		return 0;
	for (;;) {
		err = swt_write_one(t, f, &msg);
		if (err != -EAGAIN)
			break;
		err = poll ? swt_poll(t, f, swt_writable, "write_space") :
			     swt_wait(t, f, swt_writable, "write_space");
		if (err)
			break;
	}
	kfree(msg);
	swt_put(f);
	return err == -EPIPE || err == -EAGAIN ? 0 : err;
}

static int swt_op_read(void *ctx, struct rtort_thread *t)
{
	struct swt_file *f = swt_get(t);
	int i, n = 1 + rtort_random(t, 4);

	if (!f)
		return 0;
	for (i = 0; i < n; i++)
		if (!swt_read_one(t, f))
			break;
	swt_put(f);
	return 0;
}

/* Blocking read: sleep for data (woken by the writer's ->data_ready). */
static int swt_op_bread(void *ctx, struct rtort_thread *t)
{
	struct swt_file *f = swt_get(t);
	bool poll = rtort_random(t, 2);
	int err = 0;

	if (!f)
		return 0;
	while (!swt_read_one(t, f)) {
		err = poll ? swt_poll(t, f, swt_readable, "data_ready") :
			     swt_wait(t, f, swt_readable, "data_ready");
		if (err)
			break;
	}
	swt_put(f);
	return err == -EPIPE || err == -EAGAIN ? 0 : err;
}

/*
 * A producer: find an endpoint by id (possibly one just closed), queue a
 * kernel message and call its ->data_ready(), racing with the release.
 */
static int swt_op_kwrite(void *ctx, struct rtort_thread *t)
{
	struct swt_slot *slot = &swt_slots[rtort_random(t, SWT_SLOTS)];
	u32 id = READ_ONCE(slot->last_id);
	struct swq_sock *sk;
	int err;

	if (!id)
		return 0;
	sk = swq_sock_lookup(id);
	if (!sk)
		return 0;
	if (sk->id != id)
		rtort_fail(t, "swq_sock_lookup(%u) found endpoint %u", id, sk->id);
	err = swq_sock_queue_kernel(sk, raw_smp_processor_id(), GFP_KERNEL);
	if (!err)
		swq_data_ready(sk);
	swq_sock_put(sk);
	return err == -EPIPE ? 0 : err;
}

/*
 * A waker on an endpoint being closed: our own read-side sections, with
 * rtort_reader_delay() between loading sk->wq and using it (an early free
 * is a KASAN report), and the module's callbacks of either variant.
 */
static int swt_op_wake(void *ctx, struct rtort_thread *t)
{
	struct swt_slot *slot = &swt_slots[rtort_random(t, SWT_SLOTS)];
	struct swq_sock *sk = swq_sock_lookup(READ_ONCE(slot->last_id));
	const struct swq_variant *legacy = swq_mode_ops(SOCKWQ_MODE_LEGACY);
	struct swq_wq *wq;
	bool deferred;

	if (swq_wq_has_sleeper(NULL))
		rtort_fail(t, "swq_wq_has_sleeper(NULL) is true");
	if (!sk)
		return 0;
	switch (rtort_random(t, 5)) {
	case 0:
		/*
		 * An RCU waker may only hold the swq_wq of an endpoint whose
		 * free is deferred; the flag is sticky once set.
		 */
		read_lock(&sk->callback_lock);
		deferred = sk->wq_free_deferred;
		read_unlock(&sk->callback_lock);
		if (deferred) {
			rcu_read_lock();
			wq = rcu_dereference(sk->wq);
			rtort_reader_delay(t);
			if (swq_wq_has_sleeper(wq))
				wake_up_interruptible_poll(&wq->wait, EPOLLIN);
			rcu_read_unlock();
			break;
		}
		fallthrough;
	case 1:
		/* the legacy rule: the lock pins the swq_wq */
		read_lock(&sk->callback_lock);
		wq = rcu_dereference_protected(sk->wq,
					       lockdep_is_held(&sk->callback_lock));
		rtort_reader_delay(t);
		if (swq_wq_has_sleeper(wq))
			wake_up_interruptible_poll(&wq->wait, EPOLLOUT);
		read_unlock(&sk->callback_lock);
		break;
	case 2:
		swq_data_ready(sk);
		swq_write_space(sk);
		break;
	case 3:
		swq_state_change(sk);
		break;
	default:
		/* the locked twin is safe on any endpoint, whatever its mode */
		legacy->data_ready(sk);
		legacy->write_space(sk);
		legacy->state_change(sk);
		break;
	}
	swq_sock_put(sk);
	return 0;
}

/*
 * A waker with no reference at all, only its read-side section, as a
 * softirq waker after commit 333f7909a857 holds a pointer into the socket:
 * the slot's file (kfree_rcu), its endpoint (the last put: call_rcu) and,
 * embedded, the wait queue inside the endpoint must all outlive it, while
 * the slot may be closed and the endpoint's last reference dropped under
 * rtort_reader_delay(). Only embedded endpoints: whether a separate wait
 * queue's free is deferred may change under us (set_mode), where the
 * wait queue lives may not (fixed at creation).
 */
static int swt_op_uwake(void *ctx, struct rtort_thread *t)
{
	struct swt_slot *slot = &swt_slots[rtort_random(t, SWT_SLOTS)];
	struct swt_file *f;
	struct swq_wq *wq;

	rcu_read_lock();
	f = rcu_dereference(slot->file);
	if (f && swq_sock_embedded_wq(f->sk)) {
		wq = rcu_dereference(f->sk->wq);
		rtort_reader_delay(t);
		if (swq_wq_has_sleeper(wq))
			wake_up_interruptible_poll(&wq->wait, EPOLLIN);
	}
	rcu_read_unlock();
	return 0;
}

/* An open endpoint is listed: lookup by its id finds it. */
static int swt_op_lookup(void *ctx, struct rtort_thread *t)
{
	struct swt_file *f = swt_get(t);
	struct swq_sock *sk;

	if (swq_sock_lookup(0))
		rtort_fail(t, "swq_sock_lookup(0) found an endpoint");
	if (!f)
		return 0;
	sk = swq_sock_lookup(f->id);
	if (sk != f->sk)
		rtort_fail(t, "open endpoint %u not found by id (got %p)",
			   f->id, sk);
	if (sk)
		swq_sock_put(sk);
	swt_put(f);
	return 0;
}

static int swt_op_check(void *ctx, struct rtort_thread *t)
{
	struct swt_file *f = swt_get(t);

	if (!f)
		return 0;
	swt_check_file(t, f, "check");
	swt_put(f);
	return 0;
}

static const struct rtort_op swt_ops[] = {
	{ "open",	4,	swt_op_open },
	{ "close",	2,	swt_op_close },
	{ "mode",	2,	swt_op_mode },
	{ "write",	10,	swt_op_write },
	{ "bwrite",	6,	swt_op_bwrite },
	{ "kwrite",	10,	swt_op_kwrite },
	{ "read",	10,	swt_op_read },
	{ "bread",	6,	swt_op_bread },
	{ "wake",	6,	swt_op_wake },
	{ "uwake",	4,	swt_op_uwake },
	{ "lookup",	2,	swt_op_lookup },
	{ "check",	2,	swt_op_check },
};

/*
 * Every worker parked between ops: nobody of ours sleeps on an open
 * endpoint, each is listed, and its queue accounts for every message.
 */
static void swt_quiesce(void *ctx)
{
	struct swt_file *f;
	struct swq_sock *sk;
	int i;

	for (i = 0; i < SWT_SLOTS; i++) {
		f = swt_get_slot(&swt_slots[i]);
		if (!f)
			continue;
		/* lockless peek is fine: every sleeper of ours is parked */
		if (waitqueue_active(&f->wq->wait))
			rtort_fail(NULL, "ep %u: a sleeper left on its wait queue, workers parked",
				   f->id);
		sk = swq_sock_lookup(f->id);
		if (sk != f->sk)
			rtort_fail(NULL, "open endpoint %u not listed", f->id);
		if (sk)
			swq_sock_put(sk);
		swt_check_file(NULL, f, "quiesce");
		swt_put(f);
	}
}

static const struct rtort_target swt_target = {
	.name		= "sockwq",
	.ops		= swt_ops,
	.nops		= ARRAY_SIZE(swt_ops),
	.quiesce	= swt_quiesce,
};

static int __init swt_init(void)
{
	int i;

	for (i = 0; i < SWT_SLOTS; i++)
		mutex_init(&swt_slots[i].lock);
	swt_session = rtort_start(&swt_target);
	if (IS_ERR(swt_session))
		return PTR_ERR(swt_session);
	return 0;
}

static void __exit swt_exit(void)
{
	int i;

	rtort_stop(swt_session);
	/* workers hold nothing between ops: only the slots' files are left */
	for (i = 0; i < SWT_SLOTS; i++) {
		swt_close_slot(&swt_slots[i]);
		mutex_destroy(&swt_slots[i].lock);
	}
	/* our files go with kfree_rcu(): let them go before the module does */
	rcu_barrier();
}

module_init(swt_init);
module_exit(swt_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR(RCUNET_AUTHOR);
MODULE_VERSION(RCUNET_VERSION);
MODULE_DESCRIPTION("rcunet torture driver for sockwq");
RCUNET_IMPORT_TEST_EXPORTS();
