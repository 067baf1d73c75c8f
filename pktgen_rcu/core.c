// SPDX-License-Identifier: GPL-2.0
/*
 * pktgen_rcu core: the design of commit 80e1e6db5c72 ("pktgen: RCU-ify
 * "if_list" to remove lock in next_to_run()"): the lockless if_list
 * readers ("rcu"), the writers they need (serialised by the variant's
 * writer lock, published with list_add_rcu()/list_del_rcu(), freed by
 * kfree_rcu()), the thread control flags, the per-CPU kthreads, the netdev
 * notifier, the module's counters and, at the end, module init/exit. The
 * locked original readers ("legacy") are in legacy.c, mainline's next
 * stage ("mutex") in mutex.c. See pktgen_rcu.h for the invariants.
 */
#define pr_fmt(fmt) "pktgen_rcu: " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/delay.h>
#include <linux/freezer.h>
#include <linux/rculist.h>
#include <linux/proc_fs.h>
#include <linux/netdevice.h>
#include "../common/rcunet.h"
#include "internal.h"

static bool legacy;
module_param(legacy, bool, 0444);
MODULE_PARM_DESC(legacy, "start in legacy mode: readers take if_lock per packet");

/*
 * Test knob: sleep this long between the two halves of a removal (proc
 * entry, list entry). Widens the window the upstream ordering closes, so the
 * race tests can see a wrong order; 0 (default) in normal use.
 */
static unsigned int pgr_removal_delay_us;
module_param_named(removal_delay_us, pgr_removal_delay_us, uint, 0644);
MODULE_PARM_DESC(removal_delay_us, "testing: delay inside device removal (us)");

/*
 * The removal_delay_us sleep, in slices of at most 1 ms that re-read the
 * knob: a test holds a removal open with a long delay and ends it by
 * writing 0, so the window it needs stays open exactly as long as it needs
 * it, however slow the guest. Process context only (it sleeps).
 */
void pgr_removal_delay(void)
{
	unsigned int limit = READ_ONCE(pgr_removal_delay_us);
	ktime_t start;
	s64 slept;

	/* off (the default): no clock read in the timed removals */
	if (!limit)
		return;
	start = ktime_get();
	for (;;) {
		limit = READ_ONCE(pgr_removal_delay_us);
		slept = ktime_us_delta(ktime_get(), start);
		if (slept >= limit)
			break;
		fsleep(min_t(s64, limit - slept, USEC_PER_MSEC));
	}
}

/*
 * Test knob: make the last step of module init fail (-EAGAIN), so that a
 * test can check that a failed insmod unwinds everything (no file, thread
 * or bench state left behind) and that a normal insmod works afterwards.
 */
static bool fail_init;
module_param(fail_init, bool, 0444);
MODULE_PARM_DESC(fail_init, "testing: fail the last init step");

/*
 * The module's variant; flipped by "mode" commands, read once per use. Each
 * kthread follows it for its own list on PGR_T_MODE (pgr_set_variant()).
 */
static const struct pgr_list_ops *pgr_cur_ops = &pgr_rcu_ops;

LIST_HEAD(pgr_threads);
bool pgr_exiting;

DEFINE_PER_CPU(struct pgr_pcpu_stats, pgr_pcpu_stats);

/*
 * Sum of the per-CPU counters since load. A kthread may be adding on its
 * CPU meanwhile: the figure is a snapshot, read marked so that the sum
 * races with the increments only as intended.
 */
void pgr_stats_read(u64 *ops, u64 *errors)
{
	unsigned int cpu;

	*ops = 0;
	*errors = 0;
	for_each_possible_cpu(cpu) {
		struct pgr_pcpu_stats *s = per_cpu_ptr(&pgr_pcpu_stats, cpu);

		*ops += READ_ONCE(s->ops);
		*errors += READ_ONCE(s->errors);
	}
}

/**
 * pgr_variant_ops() - the table of one variant
 * @v: %PGR_VARIANT_RCU, %PGR_VARIANT_LEGACY or %PGR_VARIANT_MUTEX
 *
 * Return: &pgr_rcu_ops (lockless, the upstream change), &pgr_legacy_ops
 * (locked, the original) or &pgr_mutex_ops (lockless readers, mutex
 * writers: mainline's next stage); NULL for any other @v.
 */
const struct pgr_list_ops *pgr_variant_ops(enum pgr_variant v)
{
	switch (v) {
	case PGR_VARIANT_RCU:
		return &pgr_rcu_ops;
	case PGR_VARIANT_LEGACY:
		return &pgr_legacy_ops;
	case PGR_VARIANT_MUTEX:
		return &pgr_mutex_ops;
	default:
		return NULL;
	}
}

RCUNET_EXPORT_FOR_TESTS(pgr_variant_ops);

/**
 * pgr_ops() - the variant the module uses now
 *
 * Read once per use: a "mode" command may flip it at any time. A thread's
 * own list follows it at the thread's next control point (t->ops).
 *
 * Return: &pgr_rcu_ops, &pgr_legacy_ops or &pgr_mutex_ops.
 */
const struct pgr_list_ops *pgr_ops(void)
{
	return READ_ONCE(pgr_cur_ops);
}

RCUNET_EXPORT_FOR_TESTS(pgr_ops);

/*
 * One mode switch at a time (pgr_set_variant()): two switches waiting for
 * the kthreads at once could both return 0 with only the later one in
 * effect, so a second is refused while the first is under way. Taken
 * before pgr_thread_lock, and never by a kthread.
 */
static DEFINE_MUTEX(pgr_mode_lock);

/* Has every kthread switched its own list to @ops? */
static bool pgr_threads_switched(const struct pgr_list_ops *ops)
{
	struct pgr_thread *t;

	lockdep_assert_held(&pgr_thread_lock);
	list_for_each_entry(t, &pgr_threads, th_list) {
		/* written by its kthread in pgr_thread_set_ops() */
		if (READ_ONCE(t->ops) != ops)
			return false;
	}
	return true;
}

/**
 * pgr_set_variant() - switch the kthreads and proc files to a variant
 * @v: %PGR_VARIANT_RCU, %PGR_VARIANT_LEGACY or %PGR_VARIANT_MUTEX
 *
 * All or nothing, safe while devices transmit. The module's readers
 * follow at once; each kthread switches its own list (readers and writer
 * lock, pgr_thread_set_ops()) at its next control point, so a list never
 * has writers under two different locks (until then the locked readers
 * take whichever lock the list uses, pgr_writer_lock()). Returns only once
 * every kthread has switched. That wait is not interruptible, because
 * giving up half way would leave some lists in the old variant while
 * "mode" said the new one; nor is it bounded: a kthread switches once it
 * has finished what it is doing (its packet slot, every removal it was
 * asked for, each as long as removal_delay_us when that knob is set, or
 * waiting out a transmitted skb in pgr_wait_for_skb()).
 *
 * The caller must not hold anything a kthread needs on its way to that
 * point (a thread's writer lock, a device file open for read or write),
 * must not hold pgr_thread_lock (taken here) and must not be a kthread of
 * this module.
 *
 * Context: process context, sleeps; takes pgr_thread_lock.
 * Return: 0 (in effect everywhere); -EINVAL for an unknown @v; -EBUSY if
 * another switch is under way; -ENODEV if the module is being unloaded.
 * An error changed nothing.
 */
int pgr_set_variant(enum pgr_variant v)
{
	const struct pgr_list_ops *ops = pgr_variant_ops(v);
	struct pgr_thread *t;
	int err = 0;

	if (!ops)
		return -EINVAL;
	if (!mutex_trylock(&pgr_mode_lock))
		return -EBUSY;
	/*
	 * pgr_threads is built under it (init); pgr_destroy_threads() empties
	 * it without, but only after pgr_teardown() set pgr_exiting under it,
	 * which we check first.
	 */
	mutex_lock(&pgr_thread_lock);
	/* set under pgr_thread_lock by pgr_teardown() */
	if (pgr_exiting) {
		err = -ENODEV;
		goto out;
	}
	WRITE_ONCE(pgr_cur_ops, ops);
	list_for_each_entry(t, &pgr_threads, th_list)
		pgr_thread_post(t, PGR_T_MODE);
	/*
	 * Checked under pgr_thread_lock, slept on without it: thread writes
	 * (add_device) and the listings take it meanwhile (no kthread needs
	 * it, so dropping it is for them, not for the kthreads). Every kthread
	 * we wait for stays alive and keeps acting on its flags until we
	 * return: they are stopped only by pgr_teardown(), after
	 * pgr_proc_exit_files() waited for the writers of pgctrl and control
	 * (our "mode" callers), and a test module calling us holds a
	 * reference on ours.
	 * A kthread not listed yet (init) is created under pgr_thread_lock and
	 * starts in pgr_ops(), which is already @ops.
	 */
	while (!pgr_threads_switched(ops)) {
		mutex_unlock(&pgr_thread_lock);
		usleep_range(1000, 2000);
		mutex_lock(&pgr_thread_lock);
	}
out:
	mutex_unlock(&pgr_thread_lock);
	mutex_unlock(&pgr_mode_lock);
	return err;
}

RCUNET_EXPORT_FOR_TESTS(pgr_set_variant);

/**
 * pgr_set_legacy() - select the locked original or the RCU readers
 * @use_legacy: true for "legacy", false for "rcu"
 *
 * pgr_set_variant() with the two variants of the change itself.
 *
 * Context: process context, sleeps; takes pgr_thread_lock.
 * Return: as pgr_set_variant().
 */
int pgr_set_legacy(bool use_legacy)
{
	return pgr_set_variant(use_legacy ? PGR_VARIANT_LEGACY :
				PGR_VARIANT_RCU);
}

RCUNET_EXPORT_FOR_TESTS(pgr_set_legacy);

/**
 * pgr_name_match() - pktgen's device name rule
 * @odevname: a device's name, "eth0" or "eth0@N"
 * @ifname: the name asked for
 * @exact: match @ifname only, not also "ifname@N"
 *
 * "eth0" matches "eth0" and, unless @exact, also "eth0@N" (any device of
 * eth0 on any thread).
 *
 * Return: true if @odevname is @ifname by that rule.
 */
bool pgr_name_match(const char *odevname, const char *ifname, bool exact)
{
	size_t len = strlen(ifname);

	if (strncmp(odevname, ifname, len))
		return false;
	if (!odevname[len])
		return true;
	return !exact && odevname[len] == '@';
}

RCUNET_EXPORT_FOR_TESTS(pgr_name_match);

/* ------------------------------------------------ readers: rcu (the change) */

struct pgr_dev *pgr_next_to_run_rcu(struct pgr_thread *t)
{
	struct pgr_dev *dev, *best = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(dev, &t->if_list, list) {
		if (!READ_ONCE(dev->running))
			continue;
		if (!best || ktime_before(dev->next_tx, best->next_tx))
			best = dev;
	}
	rcu_read_unlock();
	/*
	 * @best outlives the read-side section only because the caller is the
	 * kthread that owns @t, and it alone removes devices from @t.
	 */
	return best;
}

bool pgr_thread_is_running_rcu(struct pgr_thread *t)
{
	struct pgr_dev *dev;
	bool running = false;

	rcu_read_lock();
	list_for_each_entry_rcu(dev, &t->if_list, list) {
		if (READ_ONCE(dev->running)) {
			running = true;
			break;
		}
	}
	rcu_read_unlock();
	return running;
}

bool pgr_find_dev_rcu(struct pgr_thread *t, const char *ifname,
		      bool exact)
{
	struct pgr_dev *dev;
	bool found = false;

	rcu_read_lock();
	list_for_each_entry_rcu(dev, &t->if_list, list) {
		if (pgr_name_match(dev->odevname, ifname, exact)) {
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

bool pgr_mark_dev_rcu(struct pgr_thread *t, const char *ifname)
{
	struct pgr_dev *dev;
	bool found = false;

	/*
	 * The mark is written inside the read-side section: the kthread may
	 * free the device right after it (kfree_rcu waits for us).
	 */
	rcu_read_lock();
	list_for_each_entry_rcu(dev, &t->if_list, list) {
		if (pgr_name_match(dev->odevname, ifname, true)) {
			WRITE_ONCE(dev->removal_mark, true);
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

int pgr_mark_odev_rcu(struct pgr_thread *t,
		      const struct net_device *odev)
{
	struct pgr_dev *dev;
	int n = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(dev, &t->if_list, list) {
		/* the owner may be clearing it (pgr_remove_device()) */
		if (READ_ONCE(dev->odev) == odev) {
			WRITE_ONCE(dev->removal_mark, true);
			n++;
		}
	}
	rcu_read_unlock();
	return n;
}

void pgr_walk_rcu(struct pgr_thread *t,
		  void (*fn)(struct pgr_dev *dev, void *arg), void *arg)
{
	struct pgr_dev *dev;

	rcu_read_lock();
	list_for_each_entry_rcu(dev, &t->if_list, list)
		fn(dev, arg);
	rcu_read_unlock();
}

const struct pgr_list_ops pgr_rcu_ops = {
	.name			= "rcu",
	.role			= RCUNET_ROLE_LOCKLESS,
	.next_to_run		= pgr_next_to_run_rcu,
	.thread_is_running	= pgr_thread_is_running_rcu,
	.find_dev		= pgr_find_dev_rcu,
	.mark_dev		= pgr_mark_dev_rcu,
	.mark_odev		= pgr_mark_odev_rcu,
	.walk			= pgr_walk_rcu,
	/* the change kept if_lock, a spinlock, for the writers */
	.writer_lock		= pgr_spin_writer_lock,
	.writer_unlock		= pgr_spin_writer_unlock,
	.remove_device		= pgr_remove_device,
	.writer_may_sleep	= false,
};

/* ------------------------------------------------------------- writers */

/*
 * The writers are add_device (a proc write, any CPU) and the owning
 * kthread's removals. "rcu" and "legacy" serialise them with if_lock, as
 * upstream did until the "mutex" stage (mutex.c) made it a mutex.
 */

void pgr_spin_writer_lock(struct pgr_thread *t)
	__acquires(&t->if_lock)
{
	spin_lock(&t->if_lock);
}

void pgr_spin_writer_unlock(struct pgr_thread *t)
	__releases(&t->if_lock)
{
	spin_unlock(&t->if_lock);
}

/**
 * pgr_writer_lock() - take the writer lock of a thread's current variant
 * @t: the thread
 *
 * t->ops may change under us (its owner switching variants), so the lock
 * it names is taken and t->ops checked again under it: it changes only with
 * both writer locks held (pgr_thread_set_ops()), so what we read under one
 * of them stays true until we drop it. If it changed, the other lock is the
 * one that counts: drop ours and retry.
 *
 * Context: process context; may sleep if the variant's writer lock is a
 * mutex (@writer_may_sleep). The thread's owner may use t->ops directly.
 * Return: the variant whose writer lock is held; release it with its
 * ->writer_unlock().
 */
const struct pgr_list_ops *pgr_writer_lock(struct pgr_thread *t)
{
	const struct pgr_list_ops *ops;

	for (;;) {
		ops = READ_ONCE(t->ops);
		ops->writer_lock(t);
		/* stable under the lock: written only under both */
		if (likely(t->ops == ops))
			return ops;
		ops->writer_unlock(t);
	}
}

RCUNET_EXPORT_FOR_TESTS(pgr_writer_lock);

/**
 * pgr_thread_init() - initialise a thread's list and control state
 * @t: the thread
 * @cpu: the CPU it is (or stands for, when detached) bound to
 *
 * Leaves @t detached (no kthread, no proc file) and in the "rcu" variant:
 * KUnit, the torture driver and the bench drive such a thread themselves,
 * through the same calls as a kthread (pgr_thread_set_ops() for another
 * variant).
 */
void pgr_thread_init(struct pgr_thread *t, unsigned int cpu)
{
	spin_lock_init(&t->if_lock);
	mutex_init(&t->if_mutex);
	t->ops = &pgr_rcu_ops;
	INIT_LIST_HEAD(&t->if_list);
	INIT_LIST_HEAD(&t->th_list);
	init_waitqueue_head(&t->queue);
	t->control = 0;
	t->processing = false;
	t->tsk = NULL;
	t->entry = NULL;
	t->cpu = cpu;
	t->result[0] = '\0';
}

RCUNET_EXPORT_FOR_TESTS(pgr_thread_init);

/**
 * pgr_thread_set_ops() - switch a thread's list to another variant
 * @t: the thread
 * @ops: the variant (from pgr_variant_ops())
 *
 * Only @t's owner calls this (its kthread on PGR_T_MODE, or the user of a
 * detached thread): the owner's next_to_run() reads t->ops unchecked. Both
 * writer locks are held, mutex first (it may sleep), so a writer or locked
 * reader holding either one sees t->ops stable (pgr_writer_lock()): every
 * writer of the old lock has finished, none of the new one has started.
 *
 * Context: process context, may sleep.
 */
void pgr_thread_set_ops(struct pgr_thread *t, const struct pgr_list_ops *ops)
{
	if (t->ops == ops)
		return;
	mutex_lock(&t->if_mutex);
	spin_lock(&t->if_lock);
	/* read locklessly by pgr_writer_lock() before it locks */
	WRITE_ONCE(t->ops, ops);
	spin_unlock(&t->if_lock);
	mutex_unlock(&t->if_mutex);
}

RCUNET_EXPORT_FOR_TESTS(pgr_thread_set_ops);

/**
 * pgr_dev_alloc() - allocate a device with pktgen's default parameters
 * @ifname: its name, "eth0" or "eth0@N" (shorter than %PGR_IFNAME_LEN)
 *
 * Context: process context, may sleep.
 * Return: the device, on no list and with no netdev; NULL if @ifname is
 * empty or too long, or on no memory.
 */
struct pgr_dev *pgr_dev_alloc(const char *ifname)
{
	struct pgr_dev *dev;

	if (!*ifname || strlen(ifname) >= PGR_IFNAME_LEN)
		return NULL;
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return NULL;
	strscpy(dev->odevname, ifname, sizeof(dev->odevname));
	INIT_LIST_HEAD(&dev->list);
	spin_lock_init(&dev->lock);
	dev->magic = PGR_DEV_MAGIC;
	pgr_dev_set_defaults(dev);
	return dev;
}

RCUNET_EXPORT_FOR_TESTS(pgr_dev_alloc);

/**
 * pgr_list_add() - publish a device on a thread's list
 * @t: the thread
 * @dev: a device from pgr_dev_alloc(), on no list yet
 *
 * Called from add_device (any CPU) while the kthread may be removing other
 * entries: the variant's writer lock orders the two writers, and
 * list_add_rcu() publishes @dev fully initialised (and stopped) to
 * lockless readers.
 *
 * Context: process context; takes @t's writer lock (a mutex in the
 * "mutex" variant: may sleep).
 * Return: 0, or -EBUSY if @dev is already on a list.
 */
int pgr_list_add(struct pgr_thread *t, struct pgr_dev *dev)
{
	const struct pgr_list_ops *ops = pgr_writer_lock(t);
	int err = 0;

	if (dev->pg_thread) {
		err = -EBUSY;
		goto out;
	}
	dev->running = 0;
	dev->pg_thread = t;
	list_add_rcu(&dev->list, &t->if_list);
out:
	ops->writer_unlock(t);
	return err;
}

RCUNET_EXPORT_FOR_TESTS(pgr_list_add);

static void pgr_list_del(struct pgr_thread *t, struct pgr_dev *dev)
{
	spin_lock(&t->if_lock);
	list_del_rcu(&dev->list);
	spin_unlock(&t->if_lock);
}

/* The start of every removal: stop @dev, drop its packet. */
void pgr_remove_stop(struct pgr_dev *dev)
{
	if (dev->running)
		pgr_stop_device(dev);
	kfree_skb(dev->skb);
	dev->skb = NULL;
}

/*
 * The first half of a removal, the same in the original and in the change:
 * stop @dev and remove its proc file. Proc entry before list entry:
 * add_device decides "exists" from the lists, so by the time @dev leaves
 * the list its proc name must be free again. proc_remove() also waits for
 * writers still inside the device file, so none can touch @dev after this.
 */
void pgr_remove_begin(struct pgr_dev *dev)
{
	pgr_remove_stop(dev);
	if (dev->entry) {
		proc_remove(dev->entry);
		dev->entry = NULL;
	}
}

/* After the unlink: drop the netdev @dev transmitted on. */
void pgr_remove_odev(struct pgr_dev *dev)
{
	if (dev->odev) {
		netdev_put(dev->odev, &dev->dev_tracker);
		/* a notifier's lockless mark_odev walk may still read it */
		WRITE_ONCE(dev->odev, NULL);
	}
}

/**
 * pgr_remove_device() - take a device off its thread and free it
 * @t: the thread owning @dev
 * @dev: the device
 *
 * The removal of "rcu" and "legacy" (80e1e6db5c72's). Only the kthread owning
 * @t (or, for a detached thread, its only user) calls this, so @dev is not
 * transmitting. Stops it, removes its proc file, unlinks it under if_lock,
 * drops the netdev and frees it after a grace period.
 *
 * Context: process context, may sleep (proc_remove()).
 */
void pgr_remove_device(struct pgr_thread *t, struct pgr_dev *dev)
{
	pgr_check_removal_lock(t, false);
	pgr_remove_begin(dev);
	/* the test knob: outside if_lock, a spinlock holder must not sleep */
	pgr_removal_delay();
	pgr_list_del(t, dev);
	pgr_remove_odev(dev);
	WRITE_ONCE(dev->magic, PGR_DEV_DEAD);
	/* Lockless readers may still be walking past @dev. */
	kfree_rcu(dev, rcu);
}

RCUNET_EXPORT_FOR_TESTS(pgr_remove_device);

/* --------------------------------------------------------- control flags */

/**
 * pgr_thread_post() - ask a thread to act on a control flag
 * @t: the thread
 * @flag: %PGR_T_STOP, %PGR_T_RUN, %PGR_T_REMDEVALL, %PGR_T_REMDEV or
 *	%PGR_T_MODE
 *
 * Wakes the thread; pgr_thread_flag_done() tells when it has acted.
 *
 * Context: any context that may call wake_up().
 */
void pgr_thread_post(struct pgr_thread *t, int flag)
{
	/*
	 * What the caller prepared (a removal_mark) before the flag: pairs
	 * with the fully ordered test_and_clear_bit() of the kthread.
	 */
	smp_mb__before_atomic();
	set_bit(flag, &t->control);
	wake_up(&t->queue);
}

RCUNET_EXPORT_FOR_TESTS(pgr_thread_post);

static void pgr_run_one(struct pgr_dev *dev, void *unused)
{
	pgr_start_device(dev);
}

/*
 * pgr_start_device() does not sleep, so the walk can be a read-side
 * section (rcu, mutex) or hold the writer lock (legacy), whichever the
 * thread's variant uses. Only this kthread sets running, after the
 * device's run state is ready.
 */
static void pgr_run(struct pgr_thread *t)
{
	t->ops->walk(t, pgr_run_one, NULL);
}

static void pgr_stop_one(struct pgr_dev *dev, void *unused)
{
	if (dev->running)
		pgr_stop_device(dev);
}

/**
 * pgr_stop() - stop every running device of a thread
 * @t: the thread
 *
 * Each stopped device gets pktgen's "Result: OK: ..." line. Only the
 * owner of @t calls this (its kthread, or the user of a detached thread).
 *
 * Context: process context; walks with the thread's readers (RCU or the
 * writer lock), so nothing under it sleeps.
 */
void pgr_stop(struct pgr_thread *t)
{
	t->ops->walk(t, pgr_stop_one, NULL);
}

RCUNET_EXPORT_FOR_TESTS(pgr_stop);

/*
 * Take the first device (marked, or any) off @t. Removal sleeps
 * (proc_remove), so each pass picks one entry under the writer lock and
 * removes it after; a device add_device publishes meanwhile is simply seen
 * or not.
 */
static struct pgr_dev *pgr_first_dev(struct pgr_thread *t, bool marked_only)
{
	const struct pgr_list_ops *ops = pgr_writer_lock(t);
	struct pgr_dev *dev, *found = NULL;

	list_for_each_entry(dev, &t->if_list, list) {
		if (!marked_only || READ_ONCE(dev->removal_mark)) {
			found = dev;
			break;
		}
	}
	ops->writer_unlock(t);
	return found;
}

/**
 * pgr_rem_marked() - remove the devices marked for removal
 * @t: the thread (its owner calls this)
 *
 * With the removal of the thread's variant (->remove_device).
 *
 * Context: process context, may sleep.
 */
void pgr_rem_marked(struct pgr_thread *t)
{
	struct pgr_dev *dev;

	while ((dev = pgr_first_dev(t, true)))
		t->ops->remove_device(t, dev);
}

RCUNET_EXPORT_FOR_TESTS(pgr_rem_marked);

/**
 * pgr_rem_all() - remove every device of a thread
 * @t: the thread (its owner calls this)
 *
 * With the removal of the thread's variant (->remove_device).
 *
 * Context: process context, may sleep.
 */
void pgr_rem_all(struct pgr_thread *t)
{
	struct pgr_dev *dev;

	while ((dev = pgr_first_dev(t, false)))
		t->ops->remove_device(t, dev);
}

RCUNET_EXPORT_FOR_TESTS(pgr_rem_all);

/**
 * pgr_thread_process_control() - act on the posted control flags
 * @t: the thread
 *
 * In pktgen's order: stop, run, remove all, remove marked; then a switch
 * to the module's variant (pgr_ops()). Runs in the kthread (or a test
 * owning a detached thread).
 *
 * A flag is cleared before it is acted on, so a post that arrives during
 * the work is not lost; t->processing tells waiters (pgr_thread_flag_done())
 * that the work of a cleared flag may still be under way. It is set before
 * the flags are cleared (ordered by the fully ordered test_and_clear_bit())
 * and dropped with release semantics after the work.
 *
 * Context: process context, may sleep (removals).
 * Return: true if any flag was set.
 */
bool pgr_thread_process_control(struct pgr_thread *t)
{
	bool any = false;

	WRITE_ONCE(t->processing, true);
	/* set before a flag reads clear: pairs with smp_rmb() in pgr_thread_flag_done() */
	smp_mb__before_atomic();
	if (test_and_clear_bit(PGR_T_STOP, &t->control)) {
		pgr_stop(t);
		any = true;
	}
	if (test_and_clear_bit(PGR_T_RUN, &t->control)) {
		pgr_run(t);
		any = true;
	}
	if (test_and_clear_bit(PGR_T_REMDEVALL, &t->control)) {
		pgr_rem_all(t);
		any = true;
	}
	if (test_and_clear_bit(PGR_T_REMDEV, &t->control)) {
		pgr_rem_marked(t);
		any = true;
	}
	if (test_and_clear_bit(PGR_T_MODE, &t->control)) {
		/* we own @t: its variant changes here, between two packets */
		pgr_thread_set_ops(t, pgr_ops());
		any = true;
	}
	/* the work above before "done": pairs with smp_load_acquire() in pgr_thread_flag_done() */
	smp_store_release(&t->processing, false);
	return any;
}

RCUNET_EXPORT_FOR_TESTS(pgr_thread_process_control);

/**
 * pgr_thread_flag_done() - has a thread finished acting on a flag?
 * @t: the thread
 * @flag: the flag posted with pgr_thread_post()
 *
 * Pairs with pgr_thread_process_control(): seeing the bit clear, then
 * (acquire) processing false, means the pass that cleared it is complete.
 *
 * Context: any.
 * Return: true once the work of the posted @flag is done.
 */
bool pgr_thread_flag_done(struct pgr_thread *t, int flag)
{
	if (test_bit(flag, &t->control))
		return false;
	/* flag read before processing: pairs with smp_mb__before_atomic() above */
	smp_rmb();
	/* pairs with smp_store_release() at the end of the pass */
	return !smp_load_acquire(&t->processing);
}

RCUNET_EXPORT_FOR_TESTS(pgr_thread_flag_done);

/* ------------------------------------------------------------- kthreads */

static int pgr_thread_worker(void *arg)
{
	struct pgr_thread *t = arg;
	struct pgr_dev *dev;

	set_freezable();
	/* a "mode" posted before we were on pgr_threads: follow it now */
	pgr_thread_set_ops(t, pgr_ops());
	while (!kthread_should_stop()) {
		/* ours: only we change it (pgr_thread_set_ops()) */
		dev = t->ops->next_to_run(t);
		if (!dev && !READ_ONCE(t->control)) {
			wait_event_freezable_timeout(t->queue,
						     READ_ONCE(t->control) ||
						     kthread_should_stop(),
						     HZ / 10);
			continue;
		}
		if (dev) {
			pgr_xmit(t, dev);
			if (need_resched()) {
				ktime_t idle_start = ktime_get();

				schedule();
				/*
				 * Only while it runs: a stopped device's
				 * counters may be zeroed by clear_counters
				 * (we alone clear running, so it stays set).
				 */
				if (dev->running)
					dev->idle_acc +=
						ktime_to_ns(ktime_sub(ktime_get(),
								      idle_start));
			}
		}
		if (READ_ONCE(t->control))
			pgr_thread_process_control(t);
	}
	pgr_stop(t);
	pgr_rem_all(t);
	return 0;
}

static int pgr_create_thread(unsigned int cpu)
{
	struct pgr_thread *t;
	struct task_struct *p;

	t = kzalloc_node(sizeof(*t), GFP_KERNEL, cpu_to_node(cpu));
	if (!t)
		return -ENOMEM;
	pgr_thread_init(t, cpu);
	p = kthread_create_on_node(pgr_thread_worker, t, cpu_to_node(cpu),
				   "pgr_kpktgend_%u", cpu);
	if (IS_ERR(p)) {
		kfree(t);
		return PTR_ERR(p);
	}
	kthread_bind(p, cpu);
	t->tsk = p;
	t->entry = pgr_procfs_thread_create(t);
	if (!t->entry) {
		kthread_stop(p);
		kfree(t);
		return -ENOMEM;
	}
	get_task_struct(p);
	list_add_tail(&t->th_list, &pgr_threads);
	wake_up_process(p);
	return 0;
}

static void pgr_destroy_threads(void)
{
	struct pgr_thread *t, *tmp;

	/* Each kthread stops and removes its devices on its way out. */
	list_for_each_entry(t, &pgr_threads, th_list)
		kthread_stop(t->tsk);
	list_for_each_entry_safe(t, tmp, &pgr_threads, th_list) {
		if (t->entry)
			proc_remove(t->entry);
		put_task_struct(t->tsk);
		list_del(&t->th_list);
		kfree(t);
	}
}

/* ----------------------------------------------------- netdev notifier */

/*
 * A netdev going away: mark every device using it and let the owning
 * kthreads remove them (dropping our reference), then wait so that
 * unregister does not sit in netdev_wait_allrefs() longer than needed.
 */
static void pgr_forget_odev(struct net_device *odev)
{
	const struct pgr_list_ops *ops = pgr_ops();
	struct pgr_thread *t;
	int tries, marked;

	for (tries = 0; tries < 500; tries++) {
		marked = 0;
		list_for_each_entry(t, &pgr_threads, th_list) {
			if (ops->mark_odev(t, odev)) {
				pgr_thread_post(t, PGR_T_REMDEV);
				marked++;
			}
		}
		if (!marked)
			return;
		usleep_range(10000, 20000);
	}
	pr_err("%s: devices still on the lists after 5 s\n", odev->name);
}

static int pgr_device_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct net_device *odev = netdev_notifier_info_to_dev(ptr);

	if (!net_eq(dev_net(odev), &init_net))
		return NOTIFY_DONE;
	if (event == NETDEV_UNREGISTER)
		pgr_forget_odev(odev);
	return NOTIFY_DONE;
}

static struct notifier_block pgr_notifier = {
	.notifier_call = pgr_device_event,
};

/* ----------------------------------------------------------- module */

/*
 * What init set up, torn down in this order by both the exit and a failed
 * init: the files that drive threads are live since pgr_proc_init() (a
 * "start" may already be waiting), so they go, waiting for their writers,
 * before the threads are freed.
 */
static void pgr_teardown(bool notifier)
{
	/*
	 * Under pgr_thread_lock: no add_device can publish a device after
	 * this, and a blocked "start" sees pgr_exiting and returns.
	 */
	mutex_lock(&pgr_thread_lock);
	WRITE_ONCE(pgr_exiting, true);
	mutex_unlock(&pgr_thread_lock);
	pgr_stop_all();
	pgr_bench_exit();
	pgr_proc_exit_files();
	if (notifier)
		unregister_netdevice_notifier(&pgr_notifier);
	pgr_destroy_threads();
	pgr_proc_exit();
	/* kfree_rcu() callbacks of removed devices */
	rcu_barrier();
}

static int __init pgr_init(void)
{
	unsigned int cpu;
	int err;

	WRITE_ONCE(pgr_cur_ops, legacy ? &pgr_legacy_ops : &pgr_rcu_ops);
	err = pgr_proc_init();
	if (err)
		return err;
	mutex_lock(&pgr_thread_lock);
	for_each_online_cpu(cpu) {
		err = pgr_create_thread(cpu);
		if (err)
			break;
	}
	mutex_unlock(&pgr_thread_lock);
	if (err)
		goto fail;
	err = register_netdevice_notifier(&pgr_notifier);
	if (err)
		goto fail;
	err = pgr_bench_init(pgr_proc_rcunet_dir());
	if (err)
		goto fail_notifier;
	if (fail_init) {
		err = -EAGAIN;
		goto fail_notifier;
	}
	return 0;

fail_notifier:
	pgr_teardown(true);
	return err;
fail:
	pgr_teardown(false);
	return err;
}

static void __exit pgr_exit(void)
{
	pgr_teardown(true);
}

module_init(pgr_init);
module_exit(pgr_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rcunet: pktgen with an RCU per-packet device scan");
MODULE_AUTHOR(RCUNET_AUTHOR);
MODULE_VERSION(RCUNET_VERSION);
