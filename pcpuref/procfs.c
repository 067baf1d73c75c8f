// SPDX-License-Identifier: GPL-2.0
/*
 * pcpuref procfs: /proc/rcunet/pcpuref/{control,devices,holders,stats} (the
 * bench and variants files are the rcunet core's, created by bench.c).
 *
 * References taken through the control file are counted per device
 * (ctl_refs), so "put" can refuse to drop a reference the control file
 * does not hold: user space can never underflow a counter. A listener on
 * the unregister event drops those references, the way a protocol drops
 * its dev_hold() on NETDEV_UNREGISTER, so "unregister" of a device the
 * control file holds completes. "hold_for" takes a reference that ignores
 * the event (a slow holder) to make an unregister visibly wait; on a
 * tracker device it is a tracked reference with the OWNER it was given,
 * which the holders file and the unregister's wait warnings then name.
 *
 * There is deliberately no command that puts a reference nobody holds: its
 * "is anybody holding?" check would race with holders using the exported
 * API, and the put could then drop someone else's reference. The refcount
 * variant's refusal of such a put is tested from KUnit on a private device.
 */
#define pr_fmt(fmt) "pcpuref: " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/workqueue.h>
#include <linux/cpumask.h>
#include "../common/rcunet.h"
#include "internal.h"

/* Most references one control command takes or drops. */
#define PCREF_CTL_MAX_COUNT	1000000
/* Most references the control file holds on one device (no overflow). */
#define PCREF_CTL_MAX_REFS	(16U * 1024 * 1024)
/* Longest delay of a "hold_for" reference. */
#define PCREF_HOLD_FOR_MAX_MS	60000

static struct proc_dir_entry *pcref_dir;
/* timed holds put their reference from here; drained at exit */
static struct workqueue_struct *pcref_wq;

struct pcref_timed_hold {
	struct delayed_work work;
	struct pcref_dev *dev;
	/* tracker devices: the tracked reference's tracker */
	struct pcref_tracker *trk;
};

static void pcref_timed_put(struct work_struct *work)
{
	struct pcref_timed_hold *th =
		container_of(to_delayed_work(work), struct pcref_timed_hold,
			     work);

	/* our reference keeps th->dev alive until this put */
	if (th->trk)
		pcref_put_tracked(th->dev, &th->trk);
	else
		pcref_put(th->dev);
	kfree(th);
}

/*
 * Every handler returns through here: a refused command counts in the
 * stats' "errors:" line. (Unknown commands and wrong argument counts are
 * refused by the rcunet core before a handler runs; it counts them here
 * itself, through pcref_ctl.rejected.)
 */
static int pcref_ctl_result(int err)
{
	if (err)
		atomic_long_inc(&pcref_totals.errors);
	return err;
}

/* Parse an optional COUNT argument in [1, PCREF_CTL_MAX_COUNT]. */
static int pcref_ctl_count(int argc, char **argv, u32 *count)
{
	*count = 1;
	if (argc < 3)
		return 0;
	return rcunet_parse_u32(argv[2], 1, PCREF_CTL_MAX_COUNT, count);
}

static int pcref_cmd_register(void *ctx, int argc, char **argv)
{
	enum pcref_variant v = PCREF_PERCPU;
	struct pcref_dev *dev;
	int err;

	if (!pcref_name_valid(argv[1]))
		return pcref_ctl_result(-EINVAL);
	if (argc > 2) {
		err = pcref_parse_variant(argv[2], &v);
		if (err)
			return pcref_ctl_result(err);
	}
	dev = pcref_register_ctl(argv[1], v);
	return pcref_ctl_result(PTR_ERR_OR_ZERO(dev));
}

static int pcref_cmd_unregister(void *ctx, int argc, char **argv)
{
	if (!pcref_name_valid(argv[1]))
		return pcref_ctl_result(-EINVAL);
	return pcref_ctl_result(pcref_unregister_by_name(argv[1]));
}

static int pcref_cmd_hold(void *ctx, int argc, char **argv)
{
	struct pcref_dev *dev;
	u32 i, count;
	int err;

	err = pcref_ctl_count(argc, argv, &count);
	if (err)
		return pcref_ctl_result(err);
	mutex_lock(&pcref_lock);
	dev = pcref_find_locked(argv[1]);
	if (!dev) {
		err = -ENODEV;
	} else if (count > PCREF_CTL_MAX_REFS - dev->ctl_refs) {
		err = -ERANGE;
	} else {
		for (i = 0; i < count; i++)
			pcref_hold(dev);
		/* the devices file reads it locklessly */
		WRITE_ONCE(dev->ctl_refs, dev->ctl_refs + count);
	}
	mutex_unlock(&pcref_lock);
	return pcref_ctl_result(err);
}

static int pcref_cmd_put(void *ctx, int argc, char **argv)
{
	struct pcref_dev *dev;
	u32 i, count;
	int err;

	err = pcref_ctl_count(argc, argv, &count);
	if (err)
		return pcref_ctl_result(err);
	mutex_lock(&pcref_lock);
	dev = pcref_find_locked(argv[1]);
	if (!dev) {
		err = -ENODEV;
	} else if (count > dev->ctl_refs) {
		/* not ours to put: refuse rather than underflow */
		err = -ERANGE;
	} else {
		WRITE_ONCE(dev->ctl_refs, dev->ctl_refs - count);
		for (i = 0; i < count; i++)
			pcref_put(dev);
	}
	mutex_unlock(&pcref_lock);
	return pcref_ctl_result(err);
}

/*
 * hold_for NAME MS [OWNER]: OWNER (a name's characters, default
 * "hold_for") makes the reference a tracked one on a tracker device; on
 * the other variants it is an untracked hold, as netdev_hold() is on a
 * kernel without the tracker.
 */
static int pcref_cmd_hold_for(void *ctx, int argc, char **argv)
{
	const char *owner = argc > 3 ? argv[3] : "hold_for";
	struct pcref_timed_hold *th;
	struct pcref_dev *dev;
	u32 ms;
	int err;

	err = rcunet_parse_u32(argv[2], 1, PCREF_HOLD_FOR_MAX_MS, &ms);
	if (err)
		return pcref_ctl_result(err);
	if (!pcref_name_valid(owner))
		return pcref_ctl_result(-EINVAL);
	th = kzalloc(sizeof(*th), GFP_KERNEL);
	if (!th)
		return pcref_ctl_result(-ENOMEM);
	INIT_DELAYED_WORK(&th->work, pcref_timed_put);
	mutex_lock(&pcref_lock);
	dev = pcref_find_locked(argv[1]);
	if (!dev) {
		err = -ENODEV;
	} else if (dev->variant == PCREF_TRACKER) {
		/* listed: the device cannot be unregistering yet */
		err = pcref_hold_tracked(dev, &th->trk, owner, GFP_KERNEL);
	} else {
		pcref_hold(dev);
	}
	if (!err) {
		th->dev = dev;
		queue_delayed_work(pcref_wq, &th->work, msecs_to_jiffies(ms));
	}
	mutex_unlock(&pcref_lock);
	if (err) {
		kfree(th);
		return pcref_ctl_result(err);
	}
	return 0;
}

static const struct rcunet_cmd pcref_cmds[] = {
	{ "register", 1, 2,
	  "NAME [percpu (lockless) | atomic (locked) | refcount (locked) | tracker (lockless)]",
	  pcref_cmd_register },
	{ "unregister", 1, 1, "NAME", pcref_cmd_unregister },
	{ "hold", 1, 2, "NAME [COUNT]", pcref_cmd_hold },
	{ "put", 1, 2, "NAME [COUNT]", pcref_cmd_put },
	{ "hold_for", 2, 3, "NAME MS [OWNER]", pcref_cmd_hold_for },
	{ }
};

static const struct rcunet_ctl pcref_ctl = {
	.module = "pcpuref",
	.cmds = pcref_cmds,
	.rejected = &pcref_totals.errors,	/* lines the core refuses itself */
};

/* Drop the control file's references when their device unregisters. */
static int pcref_ctl_event(struct notifier_block *nb, unsigned long event,
			   void *data)
{
	struct pcref_dev *dev = data;
	unsigned int n;

	if (event != PCREF_EVENT_UNREGISTER)
		return NOTIFY_DONE;
	mutex_lock(&pcref_lock);
	n = dev->ctl_refs;
	WRITE_ONCE(dev->ctl_refs, 0);
	mutex_unlock(&pcref_lock);
	while (n--)
		pcref_put(dev);
	return NOTIFY_OK;
}

static struct notifier_block pcref_ctl_nb = {
	.notifier_call = pcref_ctl_event,
};

static int pcref_devices_show(struct seq_file *m, void *v)
{
	struct pcref_dev *dev;
	int cpu;

	rcu_read_lock();
	list_for_each_entry_rcu(dev, &pcref_devices, list) {
		seq_printf(m, "%s variant=%s role=%s refcnt=%d ctl_refs=%u underflows=%d",
			   dev->name, pcref_variant_name(dev->variant),
			   rcunet_role_name(pcref_variant_role(dev->variant)),
			   pcref_refcnt_read(dev), READ_ONCE(dev->ctl_refs),
			   atomic_read(&dev->underflows));
		if (dev->variant == PCREF_TRACKER) {
			unsigned int trk = pcref_tracker_count(dev);

			/* untracked: control-file holds, pcref_hold() users */
			seq_printf(m, " tracked=%u untracked=%d refused=%d", trk,
				   max(pcref_refcnt_read(dev) - 1 - (int)trk, 0),
				   atomic_read(&dev->trk_refused));
		}
		if (pcref_variant_percpu(dev->variant)) {
			seq_puts(m, " pcpu=");
			for_each_possible_cpu(cpu)
				seq_printf(m, "%s%d:%d",
					   cpu == cpumask_first(cpu_possible_mask) ?
					   "" : ",", cpu,
					   READ_ONCE(*per_cpu_ptr(dev->pcpu_refcnt,
								  cpu)));
		}
		seq_putc(m, '\n');
	}
	rcu_read_unlock();
	return 0;
}

static void pcref_holder_line(const struct pcref_holder *h, void *arg)
{
	if (!h->owner) {
		seq_printf(arg, "%s state=%s omitted=%u\n", h->dev,
			   h->unregistering ? "unregistering" : "listed",
			   h->omitted);
		return;
	}
	/* caller last: %pS may carry a " [module]" suffix */
	seq_printf(arg, "%s state=%s owner=%s held_ms=%u caller=%pS\n", h->dev,
		   h->unregistering ? "unregistering" : "listed", h->owner,
		   h->held_ms, (void *)h->ip);
}

/*
 * One line per tracked reference still held, listed devices first, then
 * the ones whose unregister waits for them (pcref_walk_holders()); at
 * most PCREF_HOLDERS_MAX per device, then "NAME state=S omitted=N".
 */
static int pcref_holders_show(struct seq_file *m, void *v)
{
	pcref_walk_holders(pcref_holder_line, m);
	return 0;
}

/*
 * Module-wide counters: ops and errors first (as every rcunet module), the
 * devices listed now by variant, and totals since load. ops sums the
 * per-cpu pair counts over the possible CPUs (a CPU gone offline keeps
 * what it counted); like the percpu refcount it is exact only at rest.
 */
static int pcref_stats_show(struct seq_file *m, void *v)
{
	unsigned int listed[PCREF_NR_VARIANTS] = {};
	unsigned long ops = 0;
	struct pcref_dev *dev;
	int i;

	for_each_possible_cpu(i)
		ops += READ_ONCE(per_cpu(pcref_nr_ops, i));
	seq_printf(m, "ops: %lu\n", ops);
	seq_printf(m, "errors: %ld\n", atomic_long_read(&pcref_totals.errors));
	rcu_read_lock();
	list_for_each_entry_rcu(dev, &pcref_devices, list)
		listed[dev->variant]++;
	rcu_read_unlock();
	for (i = 0; i < PCREF_NR_VARIANTS; i++)
		seq_printf(m, "devices_%s: %u\n", pcref_variant_name(i), listed[i]);
	seq_printf(m, "registered_total: %ld\n",
		   atomic_long_read(&pcref_totals.registered));
	seq_printf(m, "unregistered_total: %ld\n",
		   atomic_long_read(&pcref_totals.unregistered));
	seq_printf(m, "unregister_announces: %ld\n",
		   atomic_long_read(&pcref_totals.announces));
	seq_printf(m, "unregister_wait_warnings: %ld\n",
		   atomic_long_read(&pcref_totals.wait_warnings));
	seq_printf(m, "unregister_below_base: %ld\n",
		   atomic_long_read(&pcref_totals.below_base));
	return 0;
}

/**
 * pcref_proc_init() - create /proc/rcunet/pcpuref/ and its control files
 *
 * Also the control file's listener (drops its references on unregister)
 * and the queue of its timed holds.
 *
 * Return: the folder, for the bench, or an ERR_PTR().
 */
struct proc_dir_entry *pcref_proc_init(void)
{
	pcref_wq = alloc_workqueue("pcpuref", 0, 0);
	if (!pcref_wq)
		return ERR_PTR(-ENOMEM);
	pcref_dir = rcunet_proc_mkdir("pcpuref");
	if (!pcref_dir)
		goto err_wq;
	if (!rcunet_ctl_create("control", pcref_dir, &pcref_ctl) ||
	    !proc_create_single("devices", 0444, pcref_dir,
				pcref_devices_show) ||
	    !proc_create_single("holders", 0444, pcref_dir,
				pcref_holders_show) ||
	    !proc_create_single("stats", 0444, pcref_dir, pcref_stats_show))
		goto err_dir;
	pcref_register_notifier(&pcref_ctl_nb);
	return pcref_dir;

err_dir:
	proc_remove(pcref_dir);
err_wq:
	destroy_workqueue(pcref_wq);
	return ERR_PTR(-ENOMEM);
}

/**
 * pcref_proc_exit() - remove the control files and every device
 *
 * The devices go here, not in core.c's exit, because the control file's
 * listener and timed-hold queue must outlive them: the listener drops the
 * control file's references and the timed holds put theirs.
 *
 * Context: process, sleeps until every device is free.
 */
void pcref_proc_exit(void)
{
	/* waits for running control writes, including a blocked unregister */
	proc_remove(pcref_dir);
	/* every device goes; timed holds run out and put their references */
	pcref_unregister_all();
	pcref_unregister_notifier(&pcref_ctl_nb);
	/* all timed puts ran (the devices waited for them); drain the tails */
	destroy_workqueue(pcref_wq);
}
