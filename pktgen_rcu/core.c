// SPDX-License-Identifier: GPL-2.0
/*
 * pktgen_rcu core: the if_list (RCU readers, locked writers), the thread
 * control flags, the per-CPU kthreads, the netdev notifier and module
 * init/exit. See pktgen_rcu.h for the invariants.
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
#include "pktgen_rcu.h"

static bool legacy;
module_param(legacy, bool, 0444);
MODULE_PARM_DESC(legacy, "start in legacy mode: readers take if_lock per packet");

/*
 * Test knob: sleep this long between the two halves of a removal (proc
 * entry, list entry). Widens the window the seed's ordering closes, so the
 * race tests can see a wrong order; 0 (default) in normal use.
 */
static unsigned int removal_delay_us;
module_param(removal_delay_us, uint, 0644);
MODULE_PARM_DESC(removal_delay_us, "testing: delay inside device removal (us)");

/*
 * Test knob: make the last step of module init fail (-EAGAIN), so that a
 * test can check that a failed insmod unwinds everything (no file, thread
 * or bench state left behind) and that a normal insmod works afterwards.
 */
static bool fail_init;
module_param(fail_init, bool, 0444);
MODULE_PARM_DESC(fail_init, "testing: fail the last init step");

/* Selected reader ops; flipped by "mode" commands, read once per use. */
static const struct pgr_list_ops *pgr_cur_ops = &pgr_rcu_ops;

LIST_HEAD(pgr_threads);
bool pgr_exiting;

const struct pgr_list_ops *pgr_ops(void)
{
	return READ_ONCE(pgr_cur_ops);
}
EXPORT_SYMBOL_GPL(pgr_ops);

int pgr_set_legacy(bool use_legacy)
{
	/* Safe at any time: both modes share the writer side. */
	WRITE_ONCE(pgr_cur_ops, use_legacy ? &pgr_legacy_ops : &pgr_rcu_ops);
	return 0;
}
EXPORT_SYMBOL_GPL(pgr_set_legacy);

bool pgr_is_legacy(void)
{
	return pgr_ops() == &pgr_legacy_ops;
}
EXPORT_SYMBOL_GPL(pgr_is_legacy);

/*
 * pktgen's name rule: "eth0" matches "eth0" and, unless @exact, also
 * "eth0@N" (any device of eth0 on any thread).
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
EXPORT_SYMBOL_GPL(pgr_name_match);

/* ------------------------------------------------ readers: rcu (the change) */

static struct pgr_dev *pgr_next_to_run_rcu(struct pgr_thread *t)
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

static bool pgr_thread_is_running_rcu(struct pgr_thread *t)
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

static bool pgr_find_dev_rcu(struct pgr_thread *t, const char *ifname,
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

static bool pgr_mark_dev_rcu(struct pgr_thread *t, const char *ifname)
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

static int pgr_mark_odev_rcu(struct pgr_thread *t,
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

const struct pgr_list_ops pgr_rcu_ops = {
	.name			= "rcu",
	.next_to_run		= pgr_next_to_run_rcu,
	.thread_is_running	= pgr_thread_is_running_rcu,
	.find_dev		= pgr_find_dev_rcu,
	.mark_dev		= pgr_mark_dev_rcu,
	.mark_odev		= pgr_mark_odev_rcu,
};
EXPORT_SYMBOL_GPL(pgr_rcu_ops);

/* ------------------------------------- readers: legacy (before the change) */

static struct pgr_dev *pgr_next_to_run_locked(struct pgr_thread *t)
{
	struct pgr_dev *dev, *best = NULL;

	/* The original: two atomic ops on if_lock for every packet. */
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
	struct pgr_dev *dev;
	bool running = false;

	spin_lock(&t->if_lock);
	list_for_each_entry(dev, &t->if_list, list) {
		if (READ_ONCE(dev->running)) {
			running = true;
			break;
		}
	}
	spin_unlock(&t->if_lock);
	return running;
}

static bool pgr_find_dev_locked(struct pgr_thread *t, const char *ifname,
				bool exact)
{
	struct pgr_dev *dev;
	bool found = false;

	spin_lock(&t->if_lock);
	list_for_each_entry(dev, &t->if_list, list) {
		if (pgr_name_match(dev->odevname, ifname, exact)) {
			found = true;
			break;
		}
	}
	spin_unlock(&t->if_lock);
	return found;
}

static bool pgr_mark_dev_locked(struct pgr_thread *t, const char *ifname)
{
	struct pgr_dev *dev;
	bool found = false;

	spin_lock(&t->if_lock);
	list_for_each_entry(dev, &t->if_list, list) {
		if (pgr_name_match(dev->odevname, ifname, true)) {
			WRITE_ONCE(dev->removal_mark, true);
			found = true;
			break;
		}
	}
	spin_unlock(&t->if_lock);
	return found;
}

static int pgr_mark_odev_locked(struct pgr_thread *t,
				const struct net_device *odev)
{
	struct pgr_dev *dev;
	int n = 0;

	spin_lock(&t->if_lock);
	list_for_each_entry(dev, &t->if_list, list) {
		if (dev->odev == odev) {
			WRITE_ONCE(dev->removal_mark, true);
			n++;
		}
	}
	spin_unlock(&t->if_lock);
	return n;
}

const struct pgr_list_ops pgr_legacy_ops = {
	.name			= "legacy",
	.next_to_run		= pgr_next_to_run_locked,
	.thread_is_running	= pgr_thread_is_running_locked,
	.find_dev		= pgr_find_dev_locked,
	.mark_dev		= pgr_mark_dev_locked,
	.mark_odev		= pgr_mark_odev_locked,
};
EXPORT_SYMBOL_GPL(pgr_legacy_ops);

/* ------------------------------------------------------------- writers */

void pgr_thread_init(struct pgr_thread *t, unsigned int cpu)
{
	spin_lock_init(&t->if_lock);
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
EXPORT_SYMBOL_GPL(pgr_thread_init);

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
EXPORT_SYMBOL_GPL(pgr_dev_alloc);

/*
 * Publish @dev on @t. Called from add_device (any CPU) while the kthread
 * may be removing other entries: if_lock orders the two writers, and
 * list_add_rcu() publishes @dev fully initialised to lockless readers.
 */
int pgr_list_add(struct pgr_thread *t, struct pgr_dev *dev)
{
	int err = 0;

	spin_lock(&t->if_lock);
	if (dev->pg_thread) {
		err = -EBUSY;
		goto out;
	}
	dev->running = 0;
	dev->pg_thread = t;
	list_add_rcu(&dev->list, &t->if_list);
out:
	spin_unlock(&t->if_lock);
	return err;
}
EXPORT_SYMBOL_GPL(pgr_list_add);

void pgr_list_del(struct pgr_thread *t, struct pgr_dev *dev)
{
	spin_lock(&t->if_lock);
	list_del_rcu(&dev->list);
	spin_unlock(&t->if_lock);
}
EXPORT_SYMBOL_GPL(pgr_list_del);

/*
 * Remove @dev from @t and free it. Only the kthread owning @t (or, for a
 * detached thread, its only user) calls this, so @dev is not transmitting.
 */
void pgr_remove_device(struct pgr_thread *t, struct pgr_dev *dev)
{
	if (dev->running)
		pgr_stop_device(dev);
	kfree_skb(dev->skb);
	dev->skb = NULL;

	/*
	 * Proc entry before list entry: add_device decides "exists" from the
	 * lists, so by the time @dev leaves the list its proc name must be
	 * free again. proc_remove() also waits for writers still inside the
	 * device file, so none can touch @dev after this.
	 */
	if (dev->entry) {
		proc_remove(dev->entry);
		dev->entry = NULL;
	}
	if (READ_ONCE(removal_delay_us))
		fsleep(READ_ONCE(removal_delay_us));
	pgr_list_del(t, dev);

	if (dev->odev) {
		netdev_put(dev->odev, &dev->dev_tracker);
		/* a notifier's lockless mark_odev walk may still read it */
		WRITE_ONCE(dev->odev, NULL);
	}
	WRITE_ONCE(dev->magic, PGR_DEV_DEAD);
	/* Lockless readers may still be walking past @dev. */
	kfree_rcu(dev, rcu);
}
EXPORT_SYMBOL_GPL(pgr_remove_device);

/* --------------------------------------------------------- control flags */

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
EXPORT_SYMBOL_GPL(pgr_thread_post);

void pgr_run(struct pgr_thread *t)
{
	const struct pgr_list_ops *ops = pgr_ops();
	struct pgr_dev *dev;

	/*
	 * pgr_start_device() does not sleep, so the walk can be a read-side
	 * section (rcu) or hold if_lock (legacy). Only this kthread sets
	 * running, after the device's run state is ready.
	 */
	if (ops == &pgr_legacy_ops) {
		spin_lock(&t->if_lock);
		list_for_each_entry(dev, &t->if_list, list)
			pgr_start_device(dev);
		spin_unlock(&t->if_lock);
	} else {
		rcu_read_lock();
		list_for_each_entry_rcu(dev, &t->if_list, list)
			pgr_start_device(dev);
		rcu_read_unlock();
	}
}
EXPORT_SYMBOL_GPL(pgr_run);

void pgr_stop(struct pgr_thread *t)
{
	const struct pgr_list_ops *ops = pgr_ops();
	struct pgr_dev *dev;

	if (ops == &pgr_legacy_ops) {
		spin_lock(&t->if_lock);
		list_for_each_entry(dev, &t->if_list, list)
			if (dev->running)
				pgr_stop_device(dev);
		spin_unlock(&t->if_lock);
	} else {
		rcu_read_lock();
		list_for_each_entry_rcu(dev, &t->if_list, list)
			if (dev->running)
				pgr_stop_device(dev);
		rcu_read_unlock();
	}
}
EXPORT_SYMBOL_GPL(pgr_stop);

/*
 * Take the first device (marked, or any) off @t. Removal sleeps
 * (proc_remove), so each pass picks one entry under if_lock and removes it
 * outside; a device add_device publishes meanwhile is simply seen or not.
 */
static struct pgr_dev *pgr_first_dev(struct pgr_thread *t, bool marked_only)
{
	struct pgr_dev *dev, *found = NULL;

	spin_lock(&t->if_lock);
	list_for_each_entry(dev, &t->if_list, list) {
		if (!marked_only || READ_ONCE(dev->removal_mark)) {
			found = dev;
			break;
		}
	}
	spin_unlock(&t->if_lock);
	return found;
}

void pgr_rem_marked(struct pgr_thread *t)
{
	struct pgr_dev *dev;

	while ((dev = pgr_first_dev(t, true)))
		pgr_remove_device(t, dev);
}
EXPORT_SYMBOL_GPL(pgr_rem_marked);

void pgr_rem_all(struct pgr_thread *t)
{
	struct pgr_dev *dev;

	while ((dev = pgr_first_dev(t, false)))
		pgr_remove_device(t, dev);
}
EXPORT_SYMBOL_GPL(pgr_rem_all);

/*
 * Act on posted control flags, in pktgen's order. Returns true if any was
 * set. Runs in the kthread (or a KUnit test owning a detached thread).
 *
 * A flag is cleared before it is acted on, so a post that arrives during
 * the work is not lost; t->processing tells waiters (pgr_thread_wait())
 * that the work of a cleared flag may still be under way. It is set before
 * the flags are cleared (ordered by the fully ordered test_and_clear_bit())
 * and dropped with release semantics after the work.
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
	/* the work above before "done": pairs with smp_load_acquire() in pgr_thread_flag_done() */
	smp_store_release(&t->processing, false);
	return any;
}
EXPORT_SYMBOL_GPL(pgr_thread_process_control);

/*
 * Has @t finished acting on @flag? Pairs with pgr_thread_process_control():
 * seeing the bit clear, then (acquire) processing false, means the pass
 * that cleared it is complete.
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
EXPORT_SYMBOL_GPL(pgr_thread_flag_done);

/* ------------------------------------------------------------- kthreads */

static int pgr_thread_worker(void *arg)
{
	struct pgr_thread *t = arg;
	struct pgr_dev *dev;

	set_freezable();
	while (!kthread_should_stop()) {
		dev = pgr_ops()->next_to_run(t);
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

static int __init pgr_init(void)
{
	unsigned int cpu;
	int err;

	pgr_set_legacy(legacy);
	err = pgr_procfs_init();
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
		goto fail_threads;
	err = register_netdevice_notifier(&pgr_notifier);
	if (err)
		goto fail_threads;
	if (fail_init) {
		err = -EAGAIN;
		goto fail_notifier;
	}
	return 0;

fail_notifier:
	unregister_netdevice_notifier(&pgr_notifier);
fail_threads:
	/*
	 * The same order as pgr_exit(): the files that drive threads are
	 * live since pgr_procfs_init() (a "start" may already be waiting),
	 * so they go, waiting for their writers, before the threads are
	 * freed; pgr_procfs_exit_files() also frees the bench state.
	 */
	mutex_lock(&pgr_thread_lock);
	WRITE_ONCE(pgr_exiting, true);
	mutex_unlock(&pgr_thread_lock);
	pgr_stop_all();
	pgr_procfs_exit_files();
	pgr_destroy_threads();
	pgr_procfs_exit();
	rcu_barrier();
	return err;
}

static void __exit pgr_exit(void)
{
	/*
	 * Under pgr_thread_lock: no add_device can publish a device after
	 * this, and a blocked "start" sees pgr_exiting and returns.
	 */
	mutex_lock(&pgr_thread_lock);
	WRITE_ONCE(pgr_exiting, true);
	mutex_unlock(&pgr_thread_lock);
	pgr_stop_all();
	pgr_procfs_exit_files();
	unregister_netdevice_notifier(&pgr_notifier);
	pgr_destroy_threads();
	pgr_procfs_exit();
	/* kfree_rcu() callbacks of removed devices */
	rcu_barrier();
}

module_init(pgr_init);
module_exit(pgr_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rcunet: pktgen with an RCU per-packet device scan");
