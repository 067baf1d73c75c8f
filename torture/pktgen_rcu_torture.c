// SPDX-License-Identifier: GPL-2.0
/*
 * pktgen_rcu_torture: rcunet-torture driver for pktgen_rcu.
 *
 * The live kthreads of pktgen_rcu are only reachable through procfs (the
 * kernel cannot write proc files), so they are tormented from userspace by
 * torture/pktgen_rcu.sh: devices added and removed, runs started and
 * stopped, count/burst/clone_skb/delay changed during runs, netdevs
 * deleted and taken down under traffic, with the packets sent checked
 * against the netdev's tx counter.
 *
 * This module torments the if_list machinery itself through the exported
 * API, on detached threads (struct pgr_thread with no kthread, as the
 * KUnit suites use them), in the roles the module gives its callers:
 *  - adders publish devices from any CPU (add_device's pgr_list_add());
 *  - markers mark devices by name from any CPU and post REMDEV (what the
 *    netdev notifier does through mark_odev());
 *  - readers walk the list locklessly (find_dev, is_running, and an RCU
 *    walk of our own that stalls inside the read-side section to keep a
 *    removed entry in use across a grace period);
 *  - one owner at a time (a mutex stands in for "the kthread") processes
 *    the control flags, which start/stop the devices and remove them with
 *    kfree_rcu(), calls next_to_run(), and runs device commands.
 *  - the owner also switches its list between the variants (rcu, legacy,
 *    mutex: spinlock or mutex writers) while adders and markers run, so
 *    that every writer and locked reader must find the lock the list uses
 *    now (pgr_writer_lock()).
 * It also flips the mode (rcu/legacy/mutex) of the live module under the
 * userspace load.
 *
 * Bookkeeping: every device is named "L<list>-<id>"; per list the driver
 * keeps which ids are claimed (name reserved), live (published) and
 * marked. At quiescent points the owner removes the marked devices and
 * the list must hold exactly the live, unmarked ids: nothing lost, nothing
 * half-added by a failed (fault-injected) add, no marked device left.
 */
#define pr_fmt(fmt) "pktgen_rcu_torture: " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/bitmap.h>
#include <linux/rculist.h>
#include <linux/netdevice.h>
#include <net/net_namespace.h>
#include "../pktgen_rcu/pktgen_rcu.h"
#include "rtort.h"

#define PGT_LISTS	2
#define PGT_IDS		256	/* names per list */
#define PGT_MAX_LIVE	16	/* devices per list: small, so removals hit walkers */

struct pgt_list {
	struct pgr_thread t;		/* detached: no kthread, no proc file */
	unsigned int idx;
	/* "the kthread": removal, flag processing, next_to_run, commands */
	struct mutex owner;
	/*
	 * Read: adders and markers (many at once, as add_device and the
	 * notifier run concurrently). Write: whoever needs the id bitmaps to
	 * match the list (remove-all, resync), so that no add or mark is
	 * half way between the list and its bit. Nests inside owner.
	 */
	struct rw_semaphore addsem;
	spinlock_t bits_lock;		/* the three bitmaps */
	DECLARE_BITMAP(claimed, PGT_IDS);
	DECLARE_BITMAP(live, PGT_IDS);
	DECLARE_BITMAP(marked, PGT_IDS);
	atomic_t next_id;
};

static struct pgt_list pgt_lists[PGT_LISTS];
static struct rtort_session *pgt_session;

static struct pgt_list *pgt_pick(struct rtort_thread *t)
{
	return &pgt_lists[rtort_random(t, PGT_LISTS)];
}

/* readers of any variant: the locked ones take the list's writer lock */
static const struct pgr_list_ops *pgt_pick_ops(struct rtort_thread *t)
{
	return pgr_variant_ops(rtort_random(t, PGR_NR_VARIANTS));
}

static void pgt_name(const struct pgt_list *l, unsigned int id, char *buf)
{
	snprintf(buf, PGR_IFNAME_LEN, "L%u-%u", l->idx, id);
}

/* The id of a device named by pgt_name() for list @l, or -1. */
static int pgt_parse_id(const struct pgt_list *l, const char *name)
{
	unsigned int li, id;
	char tail;

	if (sscanf(name, "L%u-%u%c", &li, &id, &tail) != 2)
		return -1;
	if (li != l->idx || id >= PGT_IDS)
		return -1;
	return id;
}

/* Reserve a free name; -1 when the list is full. */
static int pgt_claim(struct pgt_list *l)
{
	unsigned int tries, id;
	int ret = -1;

	spin_lock(&l->bits_lock);
	if (bitmap_weight(l->claimed, PGT_IDS) >= PGT_MAX_LIVE)
		goto out;
	for (tries = 0; tries < PGT_IDS; tries++) {
		id = (unsigned int)atomic_inc_return(&l->next_id) % PGT_IDS;
		if (!test_bit(id, l->claimed)) {
			__set_bit(id, l->claimed);
			__clear_bit(id, l->live);
			__clear_bit(id, l->marked);
			ret = id;
			break;
		}
	}
out:
	spin_unlock(&l->bits_lock);
	return ret;
}

static void pgt_unclaim(struct pgt_list *l, unsigned int id)
{
	spin_lock(&l->bits_lock);
	__clear_bit(id, l->claimed);
	__clear_bit(id, l->live);
	__clear_bit(id, l->marked);
	spin_unlock(&l->bits_lock);
}

/*
 * A pseudo-random live id (for find/mark/command), or -1; with @mark, an
 * unmarked one, marked before the lock is dropped.
 */
static int pgt_random_live(struct pgt_list *l, struct rtort_thread *t,
			   bool mark)
{
	unsigned int start = rtort_random(t, PGT_IDS), id;
	DECLARE_BITMAP(pick, PGT_IDS);
	int ret = -1;

	spin_lock(&l->bits_lock);
	if (mark)
		bitmap_andnot(pick, l->live, l->marked, PGT_IDS);
	else
		bitmap_copy(pick, l->live, PGT_IDS);
	id = find_next_bit(pick, PGT_IDS, start);
	if (id >= PGT_IDS)
		id = find_first_bit(pick, PGT_IDS);
	if (id < PGT_IDS) {
		ret = id;
		if (mark)
			__set_bit(id, l->marked);
	}
	spin_unlock(&l->bits_lock);
	return ret;
}

/* ------------------------------------------------------------ adders */

static int pgt_op_add(void *ctx, struct rtort_thread *t)
{
	struct pgt_list *l = pgt_pick(t);
	char name[PGR_IFNAME_LEN];
	struct net_device *lo = init_net.loopback_dev;
	struct pgr_dev *dev;
	int id, err = 0;

	down_read(&l->addsem);
	id = pgt_claim(l);
	if (id < 0) {
		err = -ENOSPC;
		goto out;
	}
	pgt_name(l, id, name);
	dev = pgr_dev_alloc(name);
	if (!dev) {
		/* a failed add must leave nothing behind */
		if (pgr_variant_ops(PGR_VARIANT_RCU)->find_dev(&l->t, name, true))
			rtort_fail(t, "failed add of %s left it on the list", name);
		pgt_unclaim(l, id);
		err = -ENOMEM;
		goto out;
	}
	if (dev->magic != PGR_DEV_MAGIC || dev->pg_thread || dev->running ||
	    strcmp(dev->odevname, name)) {
		rtort_fail(t, "new device %s: magic %#x thread %p running %d name %s",
			   name, dev->magic, dev->pg_thread, dev->running,
			   dev->odevname);
	}
	/*
	 * Every device uses lo, as add_device holds its netdev: lo is never
	 * unregistered, so the reference only ever goes back through
	 * pgr_remove_device(), and the owner's start really starts it.
	 */
	netdev_hold(lo, &dev->dev_tracker, GFP_KERNEL);
	dev->odev = lo;
	err = pgr_list_add(&l->t, dev);
	if (err) {
		rtort_fail(t, "pgr_list_add of fresh %s: %d", name, err);
		netdev_put(lo, &dev->dev_tracker);
		kfree(dev);
		pgt_unclaim(l, id);
		goto out;
	}
	/* the device is ours until this bit says it is live */
	if (pgr_list_add(&l->t, dev) != -EBUSY)
		rtort_fail(t, "second pgr_list_add of %s not -EBUSY", name);
	spin_lock(&l->bits_lock);
	__set_bit(id, l->live);
	spin_unlock(&l->bits_lock);
out:
	up_read(&l->addsem);
	return err;
}

/* ----------------------------------------------------------- markers */

/* mark one device by name and ask the owner to remove it (REMDEV) */
static int pgt_op_mark(void *ctx, struct rtort_thread *t)
{
	struct pgt_list *l = pgt_pick(t);
	char name[PGR_IFNAME_LEN];
	int id, err = 0;

	down_read(&l->addsem);
	/*
	 * Live and not yet marked means on the list: only marked devices
	 * are removed outside the write side of addsem. The bit is set
	 * first, so that whoever sees the device gone sees it marked.
	 */
	id = pgt_random_live(l, t, true);
	if (id < 0) {
		err = -ENOENT;
		goto out;
	}
	pgt_name(l, id, name);
	if (!pgt_pick_ops(t)->mark_dev(&l->t, name))
		rtort_fail(t, "live unmarked device %s not found to mark", name);
	pgr_thread_post(&l->t, PGR_T_REMDEV);
out:
	up_read(&l->addsem);
	return err;
}

/*
 * The netdev notifier's part: mark every device using lo. Exclusive with
 * adders and markers, so the marked bits can follow exactly.
 */
static int pgt_op_notify(void *ctx, struct rtort_thread *t)
{
	struct pgt_list *l = pgt_pick(t);
	unsigned int nlive;
	int n;

	down_write(&l->addsem);
	n = pgt_pick_ops(t)->mark_odev(&l->t, init_net.loopback_dev);
	spin_lock(&l->bits_lock);
	nlive = bitmap_weight(l->live, PGT_IDS);
	bitmap_or(l->marked, l->marked, l->live, PGT_IDS);
	spin_unlock(&l->bits_lock);
	/* removed devices keep their live bit until a resync, never the reverse */
	if (n > nlive)
		rtort_fail(t, "mark_odev marked %d devices, only %u live", n, nlive);
	up_write(&l->addsem);
	pgr_thread_post(&l->t, PGR_T_REMDEV);
	return 0;
}

/* start or stop all devices: a flag for the owner, as pgctrl posts it */
static int pgt_op_post(void *ctx, struct rtort_thread *t)
{
	struct pgt_list *l = pgt_pick(t);

	pgr_thread_post(&l->t, rtort_random(t, 2) ? PGR_T_RUN : PGR_T_STOP);
	return 0;
}

/* ----------------------------------------------------------- readers */

static int pgt_op_find(void *ctx, struct rtort_thread *t)
{
	struct pgt_list *l = pgt_pick(t);
	const struct pgr_list_ops *ops = pgt_pick_ops(t);
	char name[PGR_IFNAME_LEN];
	int id;

	ops->thread_is_running(&l->t);
	/* a name never used: never found */
	snprintf(name, sizeof(name), "L%u-%u", l->idx, PGT_IDS + 1);
	if (ops->find_dev(&l->t, name, false))
		rtort_fail(t, "%s found: never added", name);
	/* a live one: found unless a marker got it (the owner removes those) */
	down_read(&l->addsem);
	id = pgt_random_live(l, t, false);
	if (id >= 0) {
		bool marked;

		pgt_name(l, id, name);
		spin_lock(&l->bits_lock);
		marked = test_bit(id, l->marked);
		spin_unlock(&l->bits_lock);
		if (!ops->find_dev(&l->t, name, true) && !marked) {
			/* marked meanwhile? */
			spin_lock(&l->bits_lock);
			marked = test_bit(id, l->marked);
			spin_unlock(&l->bits_lock);
			if (!marked)
				rtort_fail(t, "live unmarked %s not found (%s)",
					   name, ops->name);
		}
	}
	up_read(&l->addsem);
	return 0;
}

/*
 * An RCU walk of our own that dawdles on each entry: a device removed
 * meanwhile must stay readable (kfree_rcu) and look like one of ours.
 */
static int pgt_op_walk(void *ctx, struct rtort_thread *t)
{
	struct pgt_list *l = pgt_pick(t);
	struct pgr_dev *dev;
	unsigned int n = 0;
	u32 magic;

	rcu_read_lock();
	list_for_each_entry_rcu(dev, &l->t.if_list, list) {
		rtort_reader_delay(t);
		/* removal writes DEAD after list_del_rcu(), we may see either */
		magic = READ_ONCE(dev->magic);
		if (magic != PGR_DEV_MAGIC && magic != PGR_DEV_DEAD) {
			rtort_fail(t, "list %u: entry %p magic %#x", l->idx, dev,
				   magic);
			break;
		}
		if (dev->pg_thread != &l->t || pgt_parse_id(l, dev->odevname) < 0) {
			rtort_fail(t, "list %u: entry %p thread %p name %.32s",
				   l->idx, dev, dev->pg_thread, dev->odevname);
			break;
		}
		if (++n > PGT_MAX_LIVE) {
			rtort_fail(t, "list %u: more than %u entries", l->idx,
				   PGT_MAX_LIVE);
			break;
		}
	}
	rcu_read_unlock();
	return 0;
}

/* ------------------------------------------------------------- owner */

/* Process posted flags, as the kthread does between packets. */
static int pgt_op_process(void *ctx, struct rtort_thread *t)
{
	struct pgt_list *l = pgt_pick(t);
	const struct pgr_list_ops *ops = pgt_pick_ops(t);
	struct pgr_dev *best;

	mutex_lock(&l->owner);
	pgr_thread_process_control(&l->t);
	/*
	 * The owner's scan; it may use the result: only it removes. The
	 * locked scan takes if_lock unchecked (it is the owner's, on its own
	 * list): only while the list's writers use if_lock.
	 */
	if (ops->role == RCUNET_ROLE_LOCKED && l->t.ops->writer_may_sleep)
		ops = l->t.ops;
	best = ops->next_to_run(&l->t);
	if (best && (!READ_ONCE(best->running) || best->magic != PGR_DEV_MAGIC))
		rtort_fail(t, "next_to_run gave %s running %d magic %#x",
			   best->odevname, best->running, best->magic);
	mutex_unlock(&l->owner);
	return 0;
}

/*
 * Make the bitmaps follow the list: ids that are no longer on it were
 * removed (marked ones) and are free again. With @strict (nobody mid-op:
 * a quiescent point, right after the marked devices were removed), the
 * list must hold exactly the live unmarked ids. Called with owner and
 * addsem (write) held.
 */
static void pgt_resync(struct pgt_list *l, struct rtort_thread *t, bool strict)
{
	DECLARE_BITMAP(onlist, PGT_IDS);
	DECLARE_BITMAP(expect, PGT_IDS);
	const struct pgr_list_ops *w;
	struct pgr_dev *dev;
	unsigned int n = 0;
	int id;

	bitmap_zero(onlist, PGT_IDS);
	w = pgr_writer_lock(&l->t);
	list_for_each_entry(dev, &l->t.if_list, list) {
		id = pgt_parse_id(l, dev->odevname);
		if (dev->magic != PGR_DEV_MAGIC || dev->pg_thread != &l->t ||
		    id < 0 || test_bit(id, onlist)) {
			rtort_fail(t, "list %u: bad entry %.32s magic %#x",
				   l->idx, dev->odevname, dev->magic);
			break;
		}
		if (strict && READ_ONCE(dev->removal_mark))
			rtort_fail(t, "list %u: %s still marked after REMDEV",
				   l->idx, dev->odevname);
		__set_bit(id, onlist);
		n++;
	}
	w->writer_unlock(&l->t);

	spin_lock(&l->bits_lock);
	if (!bitmap_subset(onlist, l->live, PGT_IDS))
		rtort_fail(t, "list %u: %u devices on the list, some never added (%u live)",
			   l->idx, n, bitmap_weight(l->live, PGT_IDS));
	if (strict) {
		bitmap_andnot(expect, l->live, l->marked, PGT_IDS);
		if (!bitmap_equal(expect, onlist, PGT_IDS))
			rtort_fail(t, "list %u: %u on the list, %u live and unmarked (%u marked)",
				   l->idx, n, bitmap_weight(expect, PGT_IDS),
				   bitmap_weight(l->marked, PGT_IDS));
	}
	/* only marked devices may have gone while adders ran */
	bitmap_andnot(expect, l->live, onlist, PGT_IDS);
	bitmap_andnot(expect, expect, l->marked, PGT_IDS);
	if (!bitmap_empty(expect, PGT_IDS))
		rtort_fail(t, "list %u: %u devices lost (live, unmarked, not on the list)",
			   l->idx, bitmap_weight(expect, PGT_IDS));
	bitmap_copy(l->claimed, onlist, PGT_IDS);
	bitmap_copy(l->live, onlist, PGT_IDS);
	bitmap_and(l->marked, l->marked, onlist, PGT_IDS);
	spin_unlock(&l->bits_lock);
}

/* remove every device (REMDEVALL), then the list must be empty */
static int pgt_op_remall(void *ctx, struct rtort_thread *t)
{
	struct pgt_list *l = pgt_pick(t);

	mutex_lock(&l->owner);
	down_write(&l->addsem);
	pgr_thread_post(&l->t, PGR_T_REMDEVALL);
	pgr_thread_process_control(&l->t);
	if (!pgr_thread_flag_done(&l->t, PGR_T_REMDEVALL))
		rtort_fail(t, "list %u: REMDEVALL not done after processing",
			   l->idx);
	if (!list_empty(&l->t.if_list))
		rtort_fail(t, "list %u: not empty after REMDEVALL", l->idx);
	/* all of them went on purpose */
	spin_lock(&l->bits_lock);
	bitmap_or(l->marked, l->marked, l->live, PGT_IDS);
	spin_unlock(&l->bits_lock);
	pgt_resync(l, t, false);
	up_write(&l->addsem);
	mutex_unlock(&l->owner);
	return 0;
}

/* the bookkeeping against the list, with adders and markers held off */
static int pgt_op_check(void *ctx, struct rtort_thread *t)
{
	struct pgt_list *l = pgt_pick(t);

	mutex_lock(&l->owner);
	down_write(&l->addsem);
	pgt_resync(l, t, false);
	up_write(&l->addsem);
	mutex_unlock(&l->owner);
	return 0;
}

/*
 * Device commands on a live device (the owner keeps it from being
 * removed, as proc_remove() does for a device file's writers): accepted
 * ones take effect, rejected ones change nothing. No command allocates,
 * so fault injection must not make any of them fail.
 */
static int pgt_op_cmd(void *ctx, struct rtort_thread *t)
{
	struct pgt_list *l = pgt_pick(t);
	char name[PGR_IFNAME_LEN], line[64];
	struct pgr_dev *dev, *found = NULL;
	const struct pgr_list_ops *w;
	u64 before, after, v;
	int id, err, want;
	bool running;

	mutex_lock(&l->owner);
	id = pgt_random_live(l, t, false);
	if (id < 0)
		goto out;
	pgt_name(l, id, name);
	w = pgr_writer_lock(&l->t);
	list_for_each_entry(dev, &l->t.if_list, list)
		if (!strcmp(dev->odevname, name))
			found = dev;
	w->writer_unlock(&l->t);
	if (!found)	/* marked and removed by a previous owner */
		goto out;
	dev = found;
	/* only the owner (us) starts and stops it */
	running = READ_ONCE(dev->running);

	switch (rtort_random(t, 7)) {
	case 0:		/* count N: exactly N */
		v = rtort_random(t, 100000);
		snprintf(line, sizeof(line), "count %llu", v);
		err = pgr_dev_command(dev, line);
		after = READ_ONCE(dev->count);
		if (err || after != v)
			rtort_fail(t, "%s: \"count %llu\": %d, count %llu", name,
				   v, err, after);
		break;
	case 1:		/* count garbage: -EINVAL, unchanged */
		before = READ_ONCE(dev->count);
		strscpy(line, rtort_random(t, 2) ? "count 12x" : "count -1",
			sizeof(line));
		err = pgr_dev_command(dev, line);
		after = READ_ONCE(dev->count);
		if (err != -EINVAL || after != before)
			rtort_fail(t, "%s: bad count: %d, count %llu -> %llu",
				   name, err, before, after);
		break;
	case 2:		/* burst > 1 needs skb sharing, which lo lacks */
		before = READ_ONCE(dev->burst);
		v = 2 + rtort_random(t, PGR_MAX_BURST);	/* up to 1025 */
		snprintf(line, sizeof(line), "burst %llu", v);
		err = pgr_dev_command(dev, line);
		after = READ_ONCE(dev->burst);
		want = v > PGR_MAX_BURST ? -ERANGE : -EOPNOTSUPP;
		if (err != want || after != before)
			rtort_fail(t, "%s: \"%s\": %d (want %d), burst %llu -> %llu",
				   name, line, err, want, before, after);
		break;
	case 3:		/* burst 0 or 1: clamped to 1 */
		snprintf(line, sizeof(line), "burst %u", rtort_random(t, 2));
		err = pgr_dev_command(dev, line);
		after = READ_ONCE(dev->burst);
		if (err || after != 1)
			rtort_fail(t, "%s: \"%s\": %d, burst %llu", name, line,
				   err, after);
		break;
	case 4:		/* delay: capped at an hour */
		before = READ_ONCE(dev->delay);
		if (rtort_random(t, 2)) {
			v = PGR_MAX_DELAY + 1 + rtort_random(t, 1000);
			snprintf(line, sizeof(line), "delay %llu", v);
			err = pgr_dev_command(dev, line);
			after = READ_ONCE(dev->delay);
			if (err != -ERANGE || after != before)
				rtort_fail(t, "%s: \"%s\": %d, delay %llu -> %llu",
					   name, line, err, before, after);
		} else {
			v = rtort_random(t, 1000000);
			snprintf(line, sizeof(line), "delay %llu", v);
			err = pgr_dev_command(dev, line);
			after = READ_ONCE(dev->delay);
			if (err || after != (v == 0x7FFFFFFF ? ULLONG_MAX : v))
				rtort_fail(t, "%s: \"%s\": %d, delay %llu", name,
					   line, err, after);
		}
		break;
	case 5:		/* clone_skb: 0 fine, more needs skb sharing */
		v = rtort_random(t, 3);
		before = READ_ONCE(dev->clone_skb);
		snprintf(line, sizeof(line), "clone_skb %llu", v);
		err = pgr_dev_command(dev, line);
		after = READ_ONCE(dev->clone_skb);
		if (v ? (err != -EOPNOTSUPP || after != before) : (err || after))
			rtort_fail(t, "%s: \"%s\": %d, clone_skb %llu -> %llu",
				   name, line, err, before, after);
		break;
	default:	/* clear_counters: refused exactly while running */
		strscpy(line, "clear_counters", sizeof(line));
		err = pgr_dev_command(dev, line);
		if (err != (running ? -EBUSY : 0))
			rtort_fail(t, "%s: clear_counters %s: %d", name,
				   running ? "running" : "stopped", err);
		if (!err && READ_ONCE(dev->sofar))
			rtort_fail(t, "%s: clear_counters left sofar %llu", name,
				   dev->sofar);
		break;
	}
out:
	mutex_unlock(&l->owner);
	return 0;
}

/* ------------------------------------------------------------- others */

/* the per-call packet budget: never past count, never 0 unless done */
static int pgt_op_budget(void *ctx, struct rtort_thread *t)
{
	u32 burst = 1 + rtort_random(t, PGR_MAX_BURST);
	u64 count = rtort_random(t, 4) ? rtort_random(t, 5000) : 0;
	u64 sofar = rtort_random(t, 5000);
	u32 b;

	if (rtort_random(t, 8) == 0)
		count = U64_MAX - rtort_random(t, 3);
	if (rtort_random(t, 4) == 0)
		sofar = count + rtort_random(t, 3) - 1;
	b = pgr_xmit_budget(count, sofar, burst);
	if (b > burst || (count && sofar + b > count && b) ||
	    (!b != (count && sofar >= count)))
		rtort_fail(t, "budget(count %llu, sofar %llu, burst %u) = %u",
			   count, sofar, burst, b);
	return 0;
}

/* flip the mode of the whole module, the live kthreads included */
static int pgt_op_mode(void *ctx, struct rtort_thread *t)
{
	enum pgr_variant v = rtort_random(t, PGR_NR_VARIANTS);
	const struct pgr_list_ops *ops;
	int err;

	err = pgr_set_variant(v);
	/*
	 * refused, nothing changed: another switch is under way (an op of
	 * ours, or a "mode" written by torture/pktgen_rcu.sh's misc scenario)
	 */
	if (err == -EBUSY)
		err = 0;
	ops = pgr_ops();
	if (err || (ops != pgr_variant_ops(PGR_VARIANT_RCU) &&
		    ops != pgr_variant_ops(PGR_VARIANT_LEGACY) &&
		    ops != pgr_variant_ops(PGR_VARIANT_MUTEX)))
		rtort_fail(t, "mode %d: %d, pgr_ops() is %p", (int)v, err, ops);
	return 0;
}

/*
 * The owner switches its list to another variant (spinlock or mutex
 * writers) while adders, markers and walkers run: each of them must take
 * the lock the list uses from then on.
 */
static int pgt_op_variant(void *ctx, struct rtort_thread *t)
{
	struct pgt_list *l = pgt_pick(t);
	const struct pgr_list_ops *ops = pgt_pick_ops(t);

	mutex_lock(&l->owner);
	pgr_thread_set_ops(&l->t, ops);
	if (READ_ONCE(l->t.ops) != ops)
		rtort_fail(t, "list %u: variant %s not taken", l->idx,
			   ops->name);
	mutex_unlock(&l->owner);
	return 0;
}

static const struct rtort_op pgt_ops[] = {
	{ "add",	20, pgt_op_add },
	{ "mark",	10, pgt_op_mark },
	{ "notify",	1,  pgt_op_notify },
	{ "post",	4,  pgt_op_post },
	{ "find",	12, pgt_op_find },
	{ "walk",	16, pgt_op_walk },
	{ "process",	10, pgt_op_process },
	{ "remall",	1,  pgt_op_remall },
	{ "check",	2,  pgt_op_check },
	{ "cmd",	8,  pgt_op_cmd },
	{ "budget",	4,  pgt_op_budget },
	{ "mode",	1,  pgt_op_mode },
	{ "variant",	2,  pgt_op_variant },
};

/*
 * Everybody is parked: remove what is marked, stop everything, then the
 * list must be exactly the live unmarked devices and nothing may run.
 */
static void pgt_quiesce(void *ctx)
{
	unsigned int i;

	for (i = 0; i < PGT_LISTS; i++) {
		struct pgt_list *l = &pgt_lists[i];

		mutex_lock(&l->owner);
		down_write(&l->addsem);
		/* what was posted (a RUN, say) first, then our own STOP */
		pgr_thread_process_control(&l->t);
		pgr_thread_post(&l->t, PGR_T_STOP);
		pgr_thread_post(&l->t, PGR_T_REMDEV);
		pgr_thread_process_control(&l->t);
		if (READ_ONCE(l->t.control) ||
		    !pgr_thread_flag_done(&l->t, PGR_T_REMDEV))
			rtort_fail(NULL, "list %u: flags %#lx left after processing",
				   i, READ_ONCE(l->t.control));
		if (pgr_variant_ops(PGR_VARIANT_RCU)->thread_is_running(&l->t) ||
		    pgr_variant_ops(PGR_VARIANT_LEGACY)->thread_is_running(&l->t) ||
		    pgr_variant_ops(PGR_VARIANT_MUTEX)->thread_is_running(&l->t))
			rtort_fail(NULL, "list %u: a device runs after STOP", i);
		pgt_resync(l, NULL, true);
		up_write(&l->addsem);
		mutex_unlock(&l->owner);
	}
}

static const struct rtort_target pgt_target = {
	.name		= "pktgen_rcu",
	.ops		= pgt_ops,
	.nops		= ARRAY_SIZE(pgt_ops),
	.quiesce	= pgt_quiesce,
};

static void pgt_lists_free(void)
{
	unsigned int i;

	/* as the kthread on its way out: stop, then remove everything */
	for (i = 0; i < PGT_LISTS; i++) {
		pgr_stop(&pgt_lists[i].t);
		pgr_rem_all(&pgt_lists[i].t);
	}
	/* the kfree_rcu() of the removed devices, before we go */
	rcu_barrier();
}

static int __init pgt_init(void)
{
	unsigned int i;

	for (i = 0; i < PGT_LISTS; i++) {
		struct pgt_list *l = &pgt_lists[i];

		pgr_thread_init(&l->t, i);
		l->idx = i;
		mutex_init(&l->owner);
		init_rwsem(&l->addsem);
		spin_lock_init(&l->bits_lock);
		atomic_set(&l->next_id, 0);
	}
	pgt_session = rtort_start(&pgt_target);
	if (IS_ERR_OR_NULL(pgt_session)) {
		int err = pgt_session ? PTR_ERR(pgt_session) : -ENOMEM;

		pgt_session = NULL;
		return err;
	}
	return 0;
}

static void __exit pgt_exit(void)
{
	rtort_stop(pgt_session);
	pgt_lists_free();
}

module_init(pgt_init);
module_exit(pgt_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR(RCUNET_AUTHOR);
MODULE_VERSION(RCUNET_VERSION);
RCUNET_IMPORT_TEST_EXPORTS();
MODULE_DESCRIPTION("rcunet-torture driver for pktgen_rcu");
