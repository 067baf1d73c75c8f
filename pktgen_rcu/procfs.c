// SPDX-License-Identifier: GPL-2.0
/*
 * pktgen_rcu procfs.
 *
 * /proc/net/pktgen_rcu/ speaks pktgen's own language, so pktgen scripts run
 * against it with only the directory changed:
 *   pgctrl       start | stop | reset   (and "mode rcu|legacy|mutex")
 *   kpktgend_N   add_device IFNAME[@N] | rem_device_all
 *   <device>     pktgen's per-device commands, see params.c
 * /proc/rcunet/pktgen_rcu/ has the rcunet side: control, state, stats (and
 * bench, variants: the core's, created by bench.c).
 *
 * pgr_thread_lock serialises the userspace controllers (pgctrl and thread
 * writes), as pktgen_thread_lock does; it is not held while a "start"
 * waits, so "stop" and add_device work during a run.
 */
#define pr_fmt(fmt) "pktgen_rcu: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/delay.h>
#include <linux/uaccess.h>
#include <linux/seq_file.h>
#include <linux/proc_fs.h>
#include <linux/capability.h>
#include <linux/netdevice.h>
#include <linux/if_arp.h>
#include <net/net_namespace.h>
#include "../common/rcunet.h"
#include "internal.h"

#define PGR_VERSION "Packet Generator for packet performance testing. Version: 2.75 (pktgen_rcu)\n"
#define PGR_WRITE_MAX	256

/* the userspace controller: pgctrl and thread writes, module exit */
DEFINE_MUTEX(pgr_thread_lock);
/* serialises device-file commands (the kthread reads config locklessly) */
DEFINE_MUTEX(pgr_cfg_lock);

static struct proc_dir_entry *pgr_net_dir;	/* /proc/net/pktgen_rcu */
static struct proc_dir_entry *pgr_pgctrl;
static struct proc_dir_entry *pgr_rcunet_dir;	/* /proc/rcunet/pktgen_rcu */
static struct proc_dir_entry *pgr_ctl_pde;
static struct proc_dir_entry *pgr_state_pde;
static struct proc_dir_entry *pgr_stats_pde;

/* Copy one write in, NUL-terminated; rejects empty, huge and NUL-laden. */
static char *pgr_copy_line(const char __user *ubuf, size_t count)
{
	char *line;

	if (count == 0 || count > PGR_WRITE_MAX)
		return ERR_PTR(-EINVAL);
	line = memdup_user_nul(ubuf, count);
	if (IS_ERR(line))
		return line;
	if (strlen(line) != count) {
		kfree(line);
		return ERR_PTR(-EINVAL);
	}
	return line;
}

/* ------------------------------------------------------------- run control */

/* Wait (bounded by signals and module exit) for every thread to act on @flag. */
static int pgr_wait_flag(int flag)
{
	struct pgr_thread *t;

	list_for_each_entry(t, &pgr_threads, th_list) {
		while (!pgr_thread_flag_done(t, flag)) {
			if (READ_ONCE(pgr_exiting))
				return -ENODEV;
			if (msleep_interruptible(2))
				return -EINTR;
		}
	}
	return 0;
}

static int pgr_post_all(int flag)
{
	struct pgr_thread *t;

	mutex_lock(&pgr_thread_lock);
	if (pgr_exiting) {
		mutex_unlock(&pgr_thread_lock);
		return -ENODEV;
	}
	list_for_each_entry(t, &pgr_threads, th_list)
		pgr_thread_post(t, flag);
	mutex_unlock(&pgr_thread_lock);
	return 0;
}

void pgr_stop_all(void)
{
	struct pgr_thread *t;

	/* also used by module exit, after pgr_exiting is set */
	list_for_each_entry(t, &pgr_threads, th_list)
		pgr_thread_post(t, PGR_T_STOP);
}

/*
 * "start": start every thread's devices and wait until none is running
 * any more (count reached, stop, device gone), as pktgen's pgctrl does.
 * The thread list is stable while a pgctrl write runs: module exit removes
 * pgctrl (waiting for us) before it frees the threads.
 */
int pgr_start_all(void)
{
	const struct pgr_list_ops *ops;
	struct pgr_thread *t;
	int err;

	err = pgr_post_all(PGR_T_RUN);
	if (err)
		return err;
	err = pgr_wait_flag(PGR_T_RUN);
	list_for_each_entry(t, &pgr_threads, th_list) {
		while (!err) {
			ops = pgr_ops();
			if (!ops->thread_is_running(t))
				break;
			if (READ_ONCE(pgr_exiting))
				err = -ENODEV;
			else if (msleep_interruptible(5))
				err = -EINTR;
		}
	}
	if (err == -EINTR) {
		/* interrupted, as pktgen: stop everything */
		pgr_stop_all();
	}
	/*
	 * running read as 0 before the caller reads the Results: pairs with
	 * smp_store_release() in pgr_stop_device()
	 */
	smp_rmb();
	return err;
}

/* "mode NAME": the variant of that name, or -EINVAL */
static int pgr_parse_variant(const char *name, enum pgr_variant *v)
{
	int i;

	for (i = 0; i < PGR_NR_VARIANTS; i++) {
		if (!strcmp(name, pgr_variant_ops(i)->name)) {
			*v = i;
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * "mode NAME": all or nothing (pgr_set_variant()). A "mode" that returned
 * 0 is in effect everywhere; one that failed (-EINVAL, -EBUSY while
 * another switch is under way, -ENODEV while unloading) changed nothing.
 */
static int pgr_mode_all(const char *name)
{
	enum pgr_variant v;
	int err;

	err = pgr_parse_variant(name, &v);
	if (err)
		return err;
	return pgr_set_variant(v);
}

void pgr_reset_all(void)
{
	/* pktgen's reset: stop and remove every device of every thread */
	if (!pgr_post_all(PGR_T_STOP) && !pgr_post_all(PGR_T_REMDEVALL))
		pgr_wait_flag(PGR_T_REMDEVALL);
}

/* ------------------------------------------------------------------ pgctrl */

static int pgr_pgctrl_show(struct seq_file *seq, void *v)
{
	seq_puts(seq, PGR_VERSION);
	seq_printf(seq, "mode: %s\n", pgr_ops()->name);
	return 0;
}

static int pgr_pgctrl_open(struct inode *inode, struct file *file)
{
	return single_open(file, pgr_pgctrl_show, NULL);
}

static ssize_t pgr_pgctrl_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	char *line, *cmd;
	int err = 0;

	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	line = pgr_copy_line(ubuf, count);
	if (IS_ERR(line))
		return PTR_ERR(line);
	cmd = strim(line);

	if (!strcmp(cmd, "start")) {
		err = pgr_start_all();
	} else if (!strcmp(cmd, "stop")) {
		err = pgr_post_all(PGR_T_STOP);
		if (!err)
			err = pgr_wait_flag(PGR_T_STOP);
	} else if (!strcmp(cmd, "reset")) {
		pgr_reset_all();
	} else if (!strncmp(cmd, "mode ", 5)) {
		err = pgr_mode_all(cmd + 5);
	} else {
		err = -EINVAL;
	}
	if (err && err != -EINTR)
		rcunet_log_reject(PGR_NAME, "pgctrl command", err);
	if (err)
		pgr_count_error();
	kfree(line);
	return err ? err : count;
}

static const struct proc_ops pgr_pgctrl_ops = {
	.proc_open	= pgr_pgctrl_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_write	= pgr_pgctrl_write,
	.proc_release	= single_release,
};

/* ------------------------------------------------------------- kpktgend_N */

struct pgr_show_pass {
	struct seq_file *seq;
	int pass;	/* 0 lists running devices, 1 stopped ones */
};

static void pgr_show_name(struct pgr_dev *dev, void *arg)
{
	struct pgr_show_pass *sp = arg;
	bool running = READ_ONCE(dev->running);

	if (running == !sp->pass)
		seq_printf(sp->seq, "%s ", dev->odevname);
}

static int pgr_thread_show(struct seq_file *seq, void *v)
{
	struct pgr_thread *t = seq->private;
	const struct pgr_list_ops *ops = pgr_ops();
	struct pgr_show_pass sp = { .seq = seq };

	/* a reader of the list like any other: RCU, or if_lock in legacy */
	for (sp.pass = 0; sp.pass < 2; sp.pass++) {
		seq_puts(seq, sp.pass ? "\nStopped: " : "Running: ");
		ops->walk(t, pgr_show_name, &sp);
	}
	/* thread writes set it under pgr_thread_lock */
	mutex_lock(&pgr_thread_lock);
	if (t->result[0])
		seq_printf(seq, "\nResult: %s\n", t->result);
	else
		seq_puts(seq, "\nResult: NA\n");
	mutex_unlock(&pgr_thread_lock);
	return 0;
}

static int pgr_thread_open(struct inode *inode, struct file *file)
{
	return single_open(file, pgr_thread_show, pde_data(inode));
}

/* A device file name must not clash with our own files or escape /proc. */
static int pgr_check_ifname(const char *ifname)
{
	size_t len = strlen(ifname);

	if (!len || len >= PGR_IFNAME_LEN || strchr(ifname, '/'))
		return -EINVAL;
	if (!strcmp(ifname, "pgctrl") || !strncmp(ifname, "kpktgend_", 9) ||
	    !strcmp(ifname, ".") || !strcmp(ifname, ".."))
		return -EINVAL;
	return 0;
}

/*
 * add_device: called with pgr_thread_lock held. The interface must not be
 * in use on any thread (pktgen's rule: "eth0" clashes with "eth0@1").
 */
int pgr_add_device(struct pgr_thread *t, const char *ifname)
{
	const struct pgr_list_ops *ops = pgr_ops();
	char odevname[PGR_IFNAME_LEN];
	struct net_device *odev;
	struct pgr_thread *other;
	struct pgr_dev *dev;
	char *at;
	int err;

	lockdep_assert_held(&pgr_thread_lock);
	if (pgr_exiting)
		return -ENODEV;
	err = pgr_check_ifname(ifname);
	if (err)
		return err;
	list_for_each_entry(other, &pgr_threads, th_list)
		if (ops->find_dev(other, ifname, false))
			return -EBUSY;

	strscpy(odevname, ifname, sizeof(odevname));
	at = strchr(odevname, '@');
	if (at)
		*at = '\0';
	dev = pgr_dev_alloc(ifname);
	if (!dev)
		return -ENOMEM;

	rcu_read_lock();
	odev = dev_get_by_name_rcu(&init_net, odevname);
	if (odev)
		netdev_hold(odev, &dev->dev_tracker, GFP_ATOMIC);
	rcu_read_unlock();
	if (!odev) {
		err = -ENODEV;
		goto free_dev;
	}
	if (odev->type != ARPHRD_ETHER && odev->type != ARPHRD_LOOPBACK) {
		err = -EINVAL;
		goto put_odev;
	}
	dev->odev = odev;

	/*
	 * The name is free in procfs: removal drops a device's proc entry
	 * before its list entry, and the lists said it is not in use.
	 */
	dev->entry = pgr_procfs_dev_create(dev);
	if (!dev->entry) {
		err = -ENOMEM;
		goto put_odev;
	}
	err = pgr_list_add(t, dev);
	if (err)
		goto remove_entry;
	return 0;

remove_entry:
	proc_remove(dev->entry);
put_odev:
	netdev_put(odev, &dev->dev_tracker);
free_dev:
	kfree(dev);
	return err;
}

static ssize_t pgr_thread_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct pgr_thread *t = pde_data(file_inode(file));
	char *line, *argv[3], *p;
	int argc, err = -EINVAL;

	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	line = pgr_copy_line(ubuf, count);
	if (IS_ERR(line))
		return PTR_ERR(line);
	for (p = line; *p; p++)
		if (*p == '"' || *p == '=')
			*p = ' ';
	argc = rcunet_split_words(line, argv, ARRAY_SIZE(argv));

	if (argc == 2 && !strcmp(argv[0], "add_device")) {
		mutex_lock(&pgr_thread_lock);
		err = pgr_add_device(t, argv[1]);
		if (!err)
			snprintf(t->result, sizeof(t->result),
				 "OK: add_device=%s", argv[1]);
		else
			snprintf(t->result, sizeof(t->result),
				 "ERROR: can not add device %.32s", argv[1]);
		mutex_unlock(&pgr_thread_lock);
	} else if (argc == 1 && !strcmp(argv[0], "rem_device_all")) {
		mutex_lock(&pgr_thread_lock);
		if (pgr_exiting) {
			err = -ENODEV;
		} else {
			pgr_thread_post(t, PGR_T_REMDEVALL);
			err = 0;
		}
		mutex_unlock(&pgr_thread_lock);
		/*
		 * pktgen only gives the kthread 125 ms: a backgrounded
		 * rem_device_all may still be removing when the next
		 * add_device runs. That is the race commit 80e1e6db5c72
		 * ("pktgen: RCU-ify "if_list" to remove lock in
		 * next_to_run()") made safe,
		 * kept here so that the tests can provoke it.
		 */
		if (!err) {
			schedule_timeout_interruptible(msecs_to_jiffies(125));
			/* other thread writes and the listing: under the lock */
			mutex_lock(&pgr_thread_lock);
			snprintf(t->result, sizeof(t->result),
				 "OK: rem_device_all");
			mutex_unlock(&pgr_thread_lock);
		}
	} else if (argc == 1 && !strcmp(argv[0], "max_before_softirq")) {
		mutex_lock(&pgr_thread_lock);
		snprintf(t->result, sizeof(t->result),
			 "OK: Note! max_before_softirq is obsoleted -- Do not use");
		mutex_unlock(&pgr_thread_lock);
		err = 0;
	}
	if (err) {
		rcunet_log_reject(PGR_NAME, "thread command", err);
		pgr_count_error();
	}
	kfree(line);
	return err ? err : count;
}

static const struct proc_ops pgr_thread_ops = {
	.proc_open	= pgr_thread_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_write	= pgr_thread_write,
	.proc_release	= single_release,
};

struct proc_dir_entry *pgr_procfs_thread_create(struct pgr_thread *t)
{
	char name[24];

	snprintf(name, sizeof(name), "kpktgend_%u", t->cpu);
	return proc_create_data(name, 0600, pgr_net_dir, &pgr_thread_ops, t);
}

/* ---------------------------------------------------------- device files */

static int pgr_dev_show_seq(struct seq_file *seq, void *v)
{
	pgr_dev_show(seq, seq->private);
	return 0;
}

static int pgr_dev_open(struct inode *inode, struct file *file)
{
	return single_open(file, pgr_dev_show_seq, pde_data(inode));
}

/*
 * A write may race with the device's removal by its kthread: removal
 * calls proc_remove() first, which waits for writes in progress, and
 * frees the device only after that (and after a grace period).
 */
static ssize_t pgr_dev_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct pgr_dev *dev = pde_data(file_inode(file));
	char *line;
	int err;

	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	line = pgr_copy_line(ubuf, count);
	if (IS_ERR(line))
		return PTR_ERR(line);
	err = pgr_dev_command(dev, line);
	if (err) {
		rcunet_log_reject(PGR_NAME, "device command", err);
		pgr_count_error();
	}
	kfree(line);
	return err ? err : count;
}

static const struct proc_ops pgr_dev_ops = {
	.proc_open	= pgr_dev_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_write	= pgr_dev_write,
	.proc_release	= single_release,
};

struct proc_dir_entry *pgr_procfs_dev_create(struct pgr_dev *dev)
{
	return proc_create_data(dev->odevname, 0600, pgr_net_dir, &pgr_dev_ops,
				dev);
}

/* ------------------------------------------ /proc/rcunet/pktgen_rcu/ */

static int pgr_cmd_mode(void *ctx, int argc, char **argv)
{
	int err = pgr_mode_all(argv[1]);

	if (err && err != -EINTR)
		pgr_count_error();
	return err;
}

static const struct rcunet_cmd pgr_cmds[] = {
	{ "mode", 1, 1, "rcu (lockless) | legacy (locked) | mutex (lockless)",
	  pgr_cmd_mode },
	{ }
};

/* Control lines the core refuses before a handler runs (in "errors:"). */
static atomic_long_t pgr_ctl_rejected = ATOMIC_LONG_INIT(0);

static const struct rcunet_ctl pgr_ctl = {
	.module		= PGR_NAME,
	.cmds		= pgr_cmds,
	.rejected	= &pgr_ctl_rejected,
};

struct pgr_counts {
	unsigned int threads, devices, running;
};

static void pgr_count(struct pgr_counts *c)
{
	struct pgr_thread *t;
	struct pgr_dev *dev;
	unsigned int threads = 0, devices = 0, running = 0;

	mutex_lock(&pgr_thread_lock);
	list_for_each_entry(t, &pgr_threads, th_list) {
		threads++;
		rcu_read_lock();
		list_for_each_entry_rcu(dev, &t->if_list, list) {
			devices++;
			if (READ_ONCE(dev->running))
				running++;
		}
		rcu_read_unlock();
	}
	mutex_unlock(&pgr_thread_lock);
	c->threads = threads;
	c->devices = devices;
	c->running = running;
}

/*
 * One line for scripts: the module's runtime variant and its role, then
 * the counts. mode=... role=... threads=N devices=N running=N
 */
static int pgr_state_show(struct seq_file *seq, void *v)
{
	const struct pgr_list_ops *ops = pgr_ops();
	struct pgr_counts c;

	pgr_count(&c);
	seq_printf(seq, "mode=%s role=%s threads=%u devices=%u running=%u\n",
		   ops->name, rcunet_role_name(ops->role), c.threads,
		   c.devices, c.running);
	return 0;
}

/*
 * key: value, one per line, ops and errors first as in every rcunet
 * stats file: ops = packets the drivers accepted since load, errors =
 * packets refused or dropped by a driver plus failed proc writes.
 */
static int pgr_stats_show(struct seq_file *seq, void *v)
{
	struct pgr_counts c;
	u64 ops, errors;

	pgr_stats_read(&ops, &errors);
	errors += atomic_long_read(&pgr_ctl_rejected);
	pgr_count(&c);
	seq_printf(seq, "ops: %llu\nerrors: %llu\n", ops, errors);
	seq_printf(seq, "mode: %s\nthreads: %u\ndevices: %u\nrunning: %u\n",
		   pgr_ops()->name, c.threads, c.devices, c.running);
	return 0;
}

int pgr_proc_init(void)
{
	pgr_net_dir = proc_mkdir(PGR_NAME, init_net.proc_net);
	if (!pgr_net_dir)
		return -ENOMEM;
	pgr_pgctrl = proc_create("pgctrl", 0600, pgr_net_dir, &pgr_pgctrl_ops);
	pgr_rcunet_dir = rcunet_proc_mkdir(PGR_NAME);
	if (!pgr_pgctrl || !pgr_rcunet_dir)
		goto fail;
	pgr_ctl_pde = rcunet_ctl_create("control", pgr_rcunet_dir, &pgr_ctl);
	pgr_state_pde = proc_create_single("state", 0444, pgr_rcunet_dir,
					   pgr_state_show);
	pgr_stats_pde = proc_create_single("stats", 0444, pgr_rcunet_dir,
					   pgr_stats_show);
	if (!pgr_ctl_pde || !pgr_state_pde || !pgr_stats_pde)
		goto fail;
	return 0;
fail:
	pgr_proc_exit_files();
	pgr_proc_exit();
	return -ENOMEM;
}

/* /proc/rcunet/pktgen_rcu, where the bench puts its files */
struct proc_dir_entry *pgr_proc_rcunet_dir(void)
{
	return pgr_rcunet_dir;
}

/* The files that drive threads: gone (and their writers done) first. */
void pgr_proc_exit_files(void)
{
	proc_remove(pgr_pgctrl);
	pgr_pgctrl = NULL;
	proc_remove(pgr_ctl_pde);
	pgr_ctl_pde = NULL;
	proc_remove(pgr_state_pde);
	pgr_state_pde = NULL;
	proc_remove(pgr_stats_pde);
	pgr_stats_pde = NULL;
}

/* The directories, once threads and devices removed their own files. */
void pgr_proc_exit(void)
{
	proc_remove(pgr_rcunet_dir);
	pgr_rcunet_dir = NULL;
	proc_remove(pgr_net_dir);
	pgr_net_dir = NULL;
}
