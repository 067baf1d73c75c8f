// SPDX-License-Identifier: GPL-2.0
/*
 * pktgen_rcu legacy: the if_list readers as pktgen had them before commit
 * 80e1e6db5c72 ("pktgen: RCU-ify "if_list" to remove lock in
 * next_to_run()"). Every reader takes the thread's if_lock, so the
 * kthread's per-packet next_to_run() costs two atomic operations on it.
 *
 * Only the readers differ: the writers (core.c) take if_lock in both
 * variants and free removed devices with kfree_rcu(), which is what lets
 * "mode legacy" and "mode rcu" be switched at any time, even while the
 * kthreads transmit. Under if_lock the removal cannot free a device a
 * legacy reader still walks: removal unlinks under the same lock.
 *
 * A list may still be in the "mutex" variant (its writers under if_mutex)
 * when the module switches to legacy: its kthread switches it at its next
 * control point. So every legacy reader but the owner's next_to_run()
 * takes the writer lock the list uses now (pgr_writer_lock()), which is
 * if_lock once the list is in "legacy". The owner's next_to_run() takes
 * if_lock unchecked, as the original did: the owner itself switched the
 * list to "legacy" before it calls it (pgr_thread_set_ops()).
 *
 * The original's removal (unlink, then kfree() at once) is here too, but
 * only the bench's slow path uses it: see pgr_legacy_remove_device().
 */
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/slab.h>
#include "../common/rcunet.h"
#include "internal.h"

static struct pgr_dev *pgr_next_to_run_locked(struct pgr_thread *t)
{
	struct pgr_dev *dev, *best = NULL;

	/*
	 * The original: two atomic ops on if_lock for every packet. Only the
	 * owner calls it, with its list in "legacy" (if_lock its writer lock).
	 */
	spin_lock(&t->if_lock);
	list_for_each_entry(dev, &t->if_list, list) {
		if (!READ_ONCE(dev->running))
			continue;
		if (!best || ktime_before(dev->next_tx, best->next_tx))
			best = dev;
	}
	spin_unlock(&t->if_lock);
	return best;
}

static bool pgr_thread_is_running_locked(struct pgr_thread *t)
{
	const struct pgr_list_ops *w;
	struct pgr_dev *dev;
	bool running = false;

	w = pgr_writer_lock(t);
	list_for_each_entry(dev, &t->if_list, list) {
		if (READ_ONCE(dev->running)) {
			running = true;
			break;
		}
	}
	w->writer_unlock(t);
	return running;
}

static bool pgr_find_dev_locked(struct pgr_thread *t, const char *ifname,
				bool exact)
{
	const struct pgr_list_ops *w;
	struct pgr_dev *dev;
	bool found = false;

	w = pgr_writer_lock(t);
	list_for_each_entry(dev, &t->if_list, list) {
		if (pgr_name_match(dev->odevname, ifname, exact)) {
			found = true;
			break;
		}
	}
	w->writer_unlock(t);
	return found;
}

static bool pgr_mark_dev_locked(struct pgr_thread *t, const char *ifname)
{
	const struct pgr_list_ops *w;
	struct pgr_dev *dev;
	bool found = false;

	w = pgr_writer_lock(t);
	list_for_each_entry(dev, &t->if_list, list) {
		if (pgr_name_match(dev->odevname, ifname, true)) {
			WRITE_ONCE(dev->removal_mark, true);
			found = true;
			break;
		}
	}
	w->writer_unlock(t);
	return found;
}

static int pgr_mark_odev_locked(struct pgr_thread *t,
				const struct net_device *odev)
{
	const struct pgr_list_ops *w;
	struct pgr_dev *dev;
	int n = 0;

	w = pgr_writer_lock(t);
	list_for_each_entry(dev, &t->if_list, list) {
		if (dev->odev == odev) {
			WRITE_ONCE(dev->removal_mark, true);
			n++;
		}
	}
	w->writer_unlock(t);
	return n;
}

static void pgr_walk_locked(struct pgr_thread *t,
			    void (*fn)(struct pgr_dev *dev, void *arg),
			    void *arg)
{
	const struct pgr_list_ops *w;
	struct pgr_dev *dev;

	w = pgr_writer_lock(t);
	list_for_each_entry(dev, &t->if_list, list)
		fn(dev, arg);
	w->writer_unlock(t);
}

/**
 * pgr_legacy_remove_device() - the original removal: unlink and free at once
 * @t: the thread owning @dev
 * @dev: the device
 *
 * What pktgen_remove_device() did before commit 80e1e6db5c72: the entry
 * leaves if_list under if_lock and is kfree()d right away, with no grace
 * period. That is correct only because every reader of the original took
 * if_lock, so none can still be walking past @dev once the lock is
 * dropped. The live module never calls this: its "rcu" readers may be on
 * any list at any time, so its removal (pgr_remove_device()) stays the
 * RCU one in both modes. Only the bench's slow path ("legacy-remove")
 * calls it, on threads of its own that no RCU reader ever sees. The steps
 * before the unlink and after it are pgr_remove_device()'s own, so the
 * two slow-path ops differ in exactly what the commit changed.
 *
 * Context: process context, may sleep (proc_remove()).
 */
void pgr_legacy_remove_device(struct pgr_thread *t, struct pgr_dev *dev)
{
	pgr_check_removal_lock(t, false);
	pgr_remove_begin(dev);
	spin_lock(&t->if_lock);
	list_del(&dev->list);
	spin_unlock(&t->if_lock);
	pgr_remove_odev(dev);
	/* no reader can hold @dev: all of them take if_lock */
	kfree(dev);
}

RCUNET_EXPORT_FOR_TESTS(pgr_legacy_remove_device);

const struct pgr_list_ops pgr_legacy_ops = {
	.name			= "legacy",
	.role			= RCUNET_ROLE_LOCKED,
	.next_to_run		= pgr_next_to_run_locked,
	.thread_is_running	= pgr_thread_is_running_locked,
	.find_dev		= pgr_find_dev_locked,
	.mark_dev		= pgr_mark_dev_locked,
	.mark_odev		= pgr_mark_odev_locked,
	.walk			= pgr_walk_locked,
	/* the original's writer lock, kept by the change */
	.writer_lock		= pgr_spin_writer_lock,
	.writer_unlock		= pgr_spin_writer_unlock,
	/* the live removal stays the RCU one: see pgr_legacy_remove_device() */
	.remove_device		= pgr_remove_device,
	.writer_may_sleep	= false,
};
