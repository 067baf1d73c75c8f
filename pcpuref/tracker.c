// SPDX-License-Identifier: GPL-2.0
/*
 * pcpuref tracker: where mainline went after the per-cpu counter.
 *
 * Commit 9b546410b92e made dev_hold()/dev_put() a per-cpu increment and
 * decrement, so cheap that nothing remembers who took a reference: when
 * an unregister waits forever ("waiting for eth0 to become free. Usage
 * count = 2"), the count says how many references leaked, never whose.
 * Commit 4e66934eaadc ("lib: add reference counting tracking
 * infrastructure", v5.17) added lib/ref_tracker.c, and commit
 * 4d92b95ff2f9 ("net: add net device refcount tracker infrastructure")
 * put one in net_device: each tracked hold allocates a struct ref_tracker
 * with the holder's stack (a stack depot handle), kept on a per-device
 * list under a spinlock; the tracked put takes it off again; and
 * netdev_wait_allrefs() prints the stacks of the holders still listed.
 * Commit d62607c3fe45 ("net: rename reference+tracking helpers", v6.0)
 * gave the API its current names, netdev_hold() and netdev_put().
 *
 * The tracker variant rebuilds that: percpu's counter unchanged, plus,
 * for a pcref_hold_tracked(), a struct pcref_tracker naming its owner
 * and its caller on the device's trk_list under trk_lock. What it costs
 * per tracked hold+put is what mainline's tracker costs its users: an
 * allocation and a free, and the spinlock, taken twice, around a list
 * shared by every CPU, which is exactly the shared cache line the per-cpu
 * counter removed (why CONFIG_NET_DEV_REFCNT_TRACKER is a debug option,
 * off in distribution kernels). So the variant's role, lockless, is its
 * counter's only: tracking re-introduces a shared lock on every tracked
 * hold and put, and that lock (with the allocation) is the cost the
 * stage table and the bench's "x previous" measure. Mainline also saves
 * two stack traces into
 * the stack depot per hold+put; we record the caller's address instead
 * (the stack depot is not built into every kernel rcunet tests on), so
 * our tracked op is cheaper than mainline's by that unwinding.
 *
 * An untracked pcref_hold()/pcref_put() on a tracker device is the bare
 * percpu one, as dev_hold()/dev_put() are untracked on a tracker kernel;
 * the listings show those as "untracked" (the count less the base and
 * the trackers).
 *
 * Ordering: a tracked hold lists its tracker before it counts, a tracked
 * put unlists it before it uncounts. So when an unregister's poll reads
 * the base, every tracked reference's tracker is off the list (the
 * putter's list_del is under trk_lock, and the unregister takes trk_lock
 * after its poll; see pcref_tracker_destroy()), and a tracker still
 * listed at destroy means a tracked reference was put untracked.
 */
#define pr_fmt(fmt) "pcpuref: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/jiffies.h>
#include "internal.h"

/* Testing only: see pcref_test_set_holders_hook(). */
static void (*pcref_holders_hook)(struct pcref_dev *dev);

/*
 * Tracker devices whose unregister waits. They are unlisted from
 * pcref_devices by then, and a leak is exactly when somebody wants the
 * holders listing: so the listing walks this list too.
 */
static DEFINE_MUTEX(pcref_dying_lock);
static LIST_HEAD(pcref_dying);

/* The tracker variant's part of pcref_counter_init(). */
void pcref_tracker_init(struct pcref_dev *dev)
{
	spin_lock_init(&dev->trk_lock);
	INIT_LIST_HEAD(&dev->trk_list);
	dev->trk_nr = 0;
	atomic_set(&dev->trk_refused, 0);
	INIT_LIST_HEAD(&dev->dying);
}

/*
 * The tracker variant's part of pcref_counter_destroy(): a tracker still
 * listed belongs to a tracked reference that was put with pcref_put()
 * (the count is at base, so no tracked reference is held). Report and
 * free it, as ref_tracker_dir_exit() does, with a log line, not a WARN.
 */
void pcref_tracker_destroy(struct pcref_dev *dev)
{
	struct pcref_tracker *t, *n;
	unsigned int left = 0;
	unsigned long flags;
	LIST_HEAD(gone);

	/*
	 * The unregister read the base before this; each tracked put
	 * unlisted its tracker under this lock before it uncounted, and our
	 * read is ordered before our unlock, so no such put is still to take
	 * the lock after us (it cannot be: we saw its decrement).
	 */
	spin_lock_irqsave(&dev->trk_lock, flags);
	list_splice_init(&dev->trk_list, &gone);
	WRITE_ONCE(dev->trk_nr, 0);
	spin_unlock_irqrestore(&dev->trk_lock, flags);
	list_for_each_entry_safe(t, n, &gone, node) {
		if (left++ < PCREF_HOLDERS_MAX)
			pr_err("%s: freed with the tracker of %s (taken at %pS) still listed: its reference was put untracked\n",
			       dev->name, t->owner, (void *)t->ip);
		kfree(t);
	}
	if (left > PCREF_HOLDERS_MAX)
		pr_err("%s: freed with %u more trackers still listed\n",
		       dev->name, left - PCREF_HOLDERS_MAX);
	if (left)
		atomic_long_inc(&pcref_totals.errors);
}

/* List a new tracker for @dev in *@trackerp. 0 or -ENOMEM. */
int pcref_tracker_track(struct pcref_dev *dev, struct pcref_tracker **trackerp,
			const char *owner, unsigned long ip, gfp_t gfp)
{
	struct pcref_tracker *t;
	unsigned long flags;

	t = kmalloc(sizeof(*t), gfp);
	if (!t)
		return -ENOMEM;
	/* set before the tracker is published, never changed after */
	t->dev = dev;
	t->ip = ip;
	t->since = jiffies;
	strscpy(t->owner, owner ? owner : "-", sizeof(t->owner));
	spin_lock_irqsave(&dev->trk_lock, flags);
	list_add_tail(&t->node, &dev->trk_list);
	/* the listings read it without the lock */
	WRITE_ONCE(dev->trk_nr, dev->trk_nr + 1);
	spin_unlock_irqrestore(&dev->trk_lock, flags);
	*trackerp = t;
	return 0;
}

/* A tracked put that cannot be right: count it, say so, touch nothing. */
static int pcref_tracker_refuse(struct pcref_dev *dev, int err,
				const char *why)
{
	atomic_inc(&dev->trk_refused);
	atomic_long_inc(&pcref_totals.errors);
	pr_warn_ratelimited("%s: tracked put refused: %s\n", dev->name, why);
	return err;
}

/*
 * Unlist and free the tracker in *@trackerp, and clear it. A NULL one
 * (never taken, or put already) and another device's are refused before
 * anything changes: the caller then must not uncount either.
 */
int pcref_tracker_untrack(struct pcref_dev *dev,
			  struct pcref_tracker **trackerp)
{
	struct pcref_tracker *t = *trackerp;
	unsigned long flags;

	if (!t)
		return pcref_tracker_refuse(dev, -ENOENT,
					    "no tracker (never taken, or put already)");
	/*
	 * t->dev never changes, and the caller holds t's reference (on
	 * whichever device), so t is alive to be read here.
	 */
	if (t->dev != dev)
		return pcref_tracker_refuse(dev, -EINVAL,
					    "the tracker holds another device");
	spin_lock_irqsave(&dev->trk_lock, flags);
	list_del(&t->node);
	WRITE_ONCE(dev->trk_nr, dev->trk_nr - 1);
	spin_unlock_irqrestore(&dev->trk_lock, flags);
	*trackerp = NULL;
	kfree(t);
	return 0;
}

/**
 * pcref_hold_tracked() - take a reference that names its holder
 * @dev: a device of variant PCREF_TRACKER
 * @trackerp: where the tracker goes; must be NULL (the holder's own slot,
 *	as a netdevice_tracker in the holder's structure)
 * @owner: the holder's name, shown by the holders listing and the
 *	unregister's wait warnings (at most PCREF_OWNER_MAX characters kept)
 * @gfp: allocation flags for the tracker (GFP_ATOMIC where it cannot sleep)
 *
 * As netdev_hold(): the per-cpu count, plus a tracker listed on the device
 * with @owner and the caller's address. The same rules as pcref_hold()
 * apply (own a reference already or be in the lookup's read-side section;
 * no hold after PCREF_EVENT_UNREGISTER). Unlike netdev_hold(), a tracker
 * that cannot be allocated takes no reference at all, so that every
 * reference taken through this call is listed.
 *
 * Context: process or softirq (trk_lock is a spinlock_t, a sleeping lock
 * on PREEMPT_RT, as mainline's ref_tracker's); hardirq only on a kernel
 * without PREEMPT_RT, with GFP_ATOMIC.
 * Return: 0 with the reference taken and *@trackerp set; -EINVAL (not a
 * tracker device), -EBUSY (*@trackerp is in use), -ENOMEM; no reference
 * taken on error.
 */
int pcref_hold_tracked(struct pcref_dev *dev, struct pcref_tracker **trackerp,
		       const char *owner, gfp_t gfp)
{
	int err;

	if (dev->variant != PCREF_TRACKER)
		return -EINVAL;
	if (*trackerp)
		return -EBUSY;
	err = pcref_tracker_track(dev, trackerp, owner, _RET_IP_, gfp);
	if (err)
		return err;
	/* listed before counted: see the ordering note at the top */
	pcref_percpu_hold(dev);
	return 0;
}

RCUNET_EXPORT_FOR_TESTS(pcref_hold_tracked);

/**
 * pcref_put_tracked() - drop a reference taken with pcref_hold_tracked()
 * @dev: the device the reference is on
 * @trackerp: the holder's tracker slot; cleared on success
 *
 * As netdev_put(). A put with no tracker in *@trackerp (never taken, or
 * put already) or with another device's tracker is refused: nothing
 * changes but the device's refused-put count and the module's errors, and
 * a rate-limited line names the device (no WARN). A completed put counts
 * one op in the stats, as pcref_put() does.
 *
 * Context: as pcref_hold_tracked().
 * Return: 0, -EINVAL (not a tracker device, or the tracker holds another
 * device), -ENOENT (no tracker).
 */
int pcref_put_tracked(struct pcref_dev *dev, struct pcref_tracker **trackerp)
{
	/* before the put: once it is done the device may be freed */
	unsigned long __percpu *nr_ops = READ_ONCE(dev->nr_ops);
	int err;

	if (dev->variant != PCREF_TRACKER)
		return -EINVAL;
	err = pcref_tracker_untrack(dev, trackerp);
	if (err)
		return err;
	/* unlisted before uncounted: see the ordering note at the top */
	pcref_percpu_put(dev);
	this_cpu_inc(*nr_ops);
	return 0;
}

RCUNET_EXPORT_FOR_TESTS(pcref_put_tracked);

/**
 * pcref_tracker_count() - how many tracked references a device has
 * @dev: a device
 *
 * Context: any; exact at rest.
 * Return: the trackers listed on @dev (0 for other variants).
 */
unsigned int pcref_tracker_count(struct pcref_dev *dev)
{
	return dev->variant == PCREF_TRACKER ? READ_ONCE(dev->trk_nr) : 0;
}

RCUNET_EXPORT_FOR_TESTS(pcref_tracker_count);

/*
 * @dev's unregister starts (@dying) or ends waiting: on or off the list
 * the holders listing walks besides the registry. Called by the release
 * before its grace period and before the free. In the registry walk the
 * listing skips a device it reads as unregistering, so that one listing
 * names its holders once, as unregistering, not twice; a listing that
 * passed the device in the registry just before this call can still find
 * it on the dying list too, and then names its holders twice, once per
 * state (each listing is a snapshot, nothing is reported once for all:
 * the unregister's wait warning names them again every warn period).
 */
void pcref_tracker_set_dying(struct pcref_dev *dev, bool dying)
{
	mutex_lock(&pcref_dying_lock);
	if (dying)
		list_add_tail(&dev->dying, &pcref_dying);
	else
		list_del(&dev->dying);
	WRITE_ONCE(dev->unregistering, dying);
	mutex_unlock(&pcref_dying_lock);
}

/* What the listings say about a holder, copied under trk_lock. */
struct pcref_tracker_seen {
	char owner[PCREF_OWNER_MAX + 1];
	unsigned long ip;
	unsigned int held_ms;
};

/*
 * Copy the first PCREF_HOLDERS_MAX holders of @dev into @seen, under
 * trk_lock, so that the caller prints (%pS looks symbols up) with the lock
 * dropped and interrupts on; *@n is how many were copied. Returns how many
 * trackers are listed.
 */
static unsigned int pcref_tracker_snapshot(struct pcref_dev *dev,
					   struct pcref_tracker_seen *seen,
					   unsigned int *n)
{
	unsigned int total = 0;
	struct pcref_tracker *t;
	unsigned long flags, now;

	*n = 0;
	spin_lock_irqsave(&dev->trk_lock, flags);
	/*
	 * Under the lock: every tracker listed was stamped before its
	 * list_add under this lock, so its since is not after now. Read
	 * before the lock, a tracker listed in between would be younger
	 * than now and its held time underflow to about 49 days.
	 */
	now = jiffies;
	list_for_each_entry(t, &dev->trk_list, node) {
		if (*n < PCREF_HOLDERS_MAX) {
			strscpy(seen[*n].owner, t->owner,
				sizeof(seen[*n].owner));
			seen[*n].ip = t->ip;
			seen[*n].held_ms = jiffies_to_msecs(now - t->since);
			(*n)++;
		}
		total++;
	}
	spin_unlock_irqrestore(&dev->trk_lock, flags);
	return total;
}

/*
 * The unregister's wait warning, second half: name the holders still
 * listed (at most PCREF_HOLDERS_MAX, as netdev_wait_allrefs_any() prints
 * at most 10), then how many more and how many untracked references
 * there are. Called once per warn period by the waiting unregister, so
 * the log stays bounded however many leaked. Returns the number of
 * holders named.
 */
unsigned int pcref_tracker_report(struct pcref_dev *dev)
{
	struct pcref_tracker_seen seen[PCREF_HOLDERS_MAX];
	unsigned int n, total, i;
	int untracked;

	total = pcref_tracker_snapshot(dev, seen, &n);
	for (i = 0; i < n; i++)
		pr_warn("unregister: %s still held by %s for %u ms, taken at %pS\n",
			dev->name, seen[i].owner, seen[i].held_ms,
			(void *)seen[i].ip);
	untracked = max(pcref_refcnt_read(dev) - 1 - (int)total, 0);
	if (total > n || untracked)
		pr_warn("unregister: %s: %u more tracked and %d untracked references\n",
			dev->name, total - n, untracked);
	return n;
}

/**
 * pcref_test_set_holders_hook() - install or remove the holders test hook
 * @hook: called by the holders walk for each listed (not unregistering)
 *	tracker device before its trackers are copied, under
 *	rcu_read_lock(); NULL to remove
 *
 * Testing: a hook can list a tracker in the window between the walk
 * reaching a device and taking its trk_lock. Removal waits for a grace
 * period, so no walk still runs a hook of a caller that goes away.
 *
 * Context: process; removal sleeps.
 */
void pcref_test_set_holders_hook(void (*hook)(struct pcref_dev *dev))
{
	WRITE_ONCE(pcref_holders_hook, hook);
	if (!hook)
		synchronize_rcu();
}

RCUNET_EXPORT_FOR_TESTS(pcref_test_set_holders_hook);

/*
 * One device's tracked references to @fn, at most PCREF_HOLDERS_MAX, then
 * how many were left out; copied under its trk_lock, @fn called after.
 */
static void pcref_holders_of(struct pcref_dev *dev, bool unregistering,
			     void (*fn)(const struct pcref_holder *h, void *arg),
			     void *arg)
{
	struct pcref_tracker_seen seen[PCREF_HOLDERS_MAX];
	struct pcref_holder h = {
		.dev = dev->name, .unregistering = unregistering,
	};
	void (*hook)(struct pcref_dev *dev);
	unsigned int n, total, i;

	hook = READ_ONCE(pcref_holders_hook);
	if (unlikely(hook) && !unregistering)
		hook(dev);
	total = pcref_tracker_snapshot(dev, seen, &n);
	for (i = 0; i < n; i++) {
		h.owner = seen[i].owner;
		h.ip = seen[i].ip;
		h.held_ms = seen[i].held_ms;
		fn(&h, arg);
	}
	if (total > n) {
		h.owner = NULL;
		h.ip = 0;
		h.held_ms = 0;
		h.omitted = total - n;
		fn(&h, arg);
	}
}

/**
 * pcref_walk_holders() - every tracked reference still held, by device
 * @fn: called once per tracked reference shown (at most PCREF_HOLDERS_MAX
 *	per device), then, for a device with more, once with a NULL owner
 *	and the number left out in omitted; it runs with no lock of the
 *	device held (copied first), but inside rcu_read_lock() for a listed
 *	device, so it must not sleep (seq_printf() is fine)
 * @arg: passed to @fn
 *
 * First the listed tracker devices (in registry order), then those whose
 * unregister is waiting (unlisted, @unregistering set): the holders a
 * stuck unregister waits for are exactly the ones this names. The procfs
 * "holders" file prints it.
 *
 * Context: process, may sleep (between devices).
 */
void pcref_walk_holders(void (*fn)(const struct pcref_holder *h, void *arg),
			void *arg)
{
	struct pcref_dev *dev;

	/* the release waits a grace period before freeing an unlisted one */
	rcu_read_lock();
	list_for_each_entry_rcu(dev, &pcref_devices, list)
		if (dev->variant == PCREF_TRACKER &&
		    !READ_ONCE(dev->unregistering))
			pcref_holders_of(dev, false, fn, arg);
	rcu_read_unlock();
	/* a dying device is freed only after it leaves this list */
	mutex_lock(&pcref_dying_lock);
	list_for_each_entry(dev, &pcref_dying, dying)
		pcref_holders_of(dev, true, fn, arg);
	mutex_unlock(&pcref_dying_lock);
}

RCUNET_EXPORT_FOR_TESTS(pcref_walk_holders);
