// SPDX-License-Identifier: GPL-2.0
/*
 * sockwq /proc/rcunet/sockwq/: the control file and the stats file (the
 * bench and variants files are bench.c's, through the rcunet core).
 */
#define pr_fmt(fmt) "sockwq: " fmt

#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/proc_fs.h>
#include "../common/rcunet.h"
#include "sockwq.h"
#include "internal.h"
#include "producer.h"

static struct proc_dir_entry *swq_dir;

/*
 * Every handler's result goes through here: a failed command counts in
 * the stats file's "errors:" (the core logs it and leaves state alone).
 */
static int swq_cmd_result(int err)
{
	if (err)
		swq_count_error();
	return err;
}

static int swq_parse_mode(const char *s, u32 *mode)
{
	u32 m;

	for (m = 0; m < SWQ_NR_MODES; m++) {
		if (!strcmp(s, swq_variants[m].name)) {
			*mode = m;
			return 0;
		}
	}
	return -EINVAL;
}

static int swq_cmd_start(void *ctx, int argc, char **argv)
{
	return swq_cmd_result(swq_producers_start());
}

static int swq_cmd_stop(void *ctx, int argc, char **argv)
{
	swq_producers_stop();
	return 0;
}

static int swq_cmd_rate(void *ctx, int argc, char **argv)
{
	u32 rate;
	int err;

	err = rcunet_parse_u32(argv[1], 1, SWQ_PROD_MAX_RATE, &rate);
	if (err)
		return swq_cmd_result(err);
	return swq_cmd_result(swq_prod_set_rate(rate));
}

static int swq_cmd_targets(void *ctx, int argc, char **argv)
{
	u32 ids[SWQ_PROD_MAX_TARGETS];
	struct swq_sock *sk;
	int n, i;

	if (!strcmp(argv[1], "none"))
		return swq_cmd_result(swq_prod_set_targets(ids, 0));
	n = rcunet_parse_u32_list(argv[1], 1, U32_MAX, ids, ARRAY_SIZE(ids));
	if (n < 0)
		return swq_cmd_result(n);
	/* every id must name an open endpoint now (it may close later) */
	for (i = 0; i < n; i++) {
		sk = swq_sock_lookup(ids[i]);
		if (!sk)
			return swq_cmd_result(-ENODEV);
		swq_sock_put(sk);
	}
	return swq_cmd_result(swq_prod_set_targets(ids, n));
}

static int swq_cmd_mode(void *ctx, int argc, char **argv)
{
	u32 mode;
	int err;

	err = swq_parse_mode(argv[1], &mode);
	if (err)
		return swq_cmd_result(err);
	WRITE_ONCE(swq_default_mode, mode);
	return 0;
}

static int swq_cmd_reset(void *ctx, int argc, char **argv)
{
	atomic64_set(&swq_prod_sent, 0);
	atomic64_set(&swq_prod_dropped, 0);
	atomic64_set(&swq_prod_missed, 0);
	return 0;
}

static const struct rcunet_cmd swq_cmds[] = {
	{ "start", 0, 0, "", swq_cmd_start },
	{ "stop", 0, 0, "", swq_cmd_stop },
	{ "rate", 1, 1, "MSGS_PER_SEC", swq_cmd_rate },
	{ "targets", 1, 1, "ID[,ID...]|none", swq_cmd_targets },
	/*
	 * the roles: rcu is commit 43815482370c, legacy what it replaced,
	 * embedded where mainline went next (commit 333f7909a857)
	 */
	{ "mode", 1, 1, "rcu (lockless) | legacy (locked) | embedded (lockless)",
	  swq_cmd_mode },
	{ "reset", 0, 0, "", swq_cmd_reset },
	{ }
};

/* Control lines the core refuses before a handler runs (in "errors:"). */
static atomic_long_t swq_ctl_rejected = ATOMIC_LONG_INIT(0);

static const struct rcunet_ctl swq_ctl = {
	.module		= SWQ_NAME,
	.cmds		= swq_cmds,
	.rejected	= &swq_ctl_rejected,
};

/*
 * One "key: value" per line; "ops:" and "errors:" first, as in every
 * rcunet module's stats (README, "procfs files").
 */
static int swq_stats_show(struct seq_file *m, void *v)
{
	struct swq_prod_cfg cfg;
	unsigned int i;

	swq_prod_get_cfg(&cfg);
	seq_printf(m, "ops: %lu\n", swq_ops());
	seq_printf(m, "errors: %lu\n",
		   swq_errors() + atomic_long_read(&swq_ctl_rejected));
	seq_printf(m, "default_mode: %s\n",
		   swq_variants[READ_ONCE(swq_default_mode)].name);
	seq_printf(m, "producers: %u\n", swq_producers_running());
	seq_printf(m, "rate: %u\n", cfg.rate);
	seq_puts(m, "targets: ");
	if (!cfg.nr_targets)
		seq_puts(m, "none");
	for (i = 0; i < cfg.nr_targets; i++)
		seq_printf(m, "%s%u", i ? "," : "", cfg.targets[i]);
	seq_putc(m, '\n');
	seq_printf(m, "kernel_sent: %lld\n", atomic64_read(&swq_prod_sent));
	seq_printf(m, "kernel_dropped: %lld\n",
		   atomic64_read(&swq_prod_dropped));
	seq_printf(m, "kernel_missed: %lld\n", atomic64_read(&swq_prod_missed));
	seq_printf(m, "endpoints: %ld\n", atomic_long_read(&swq_socks_live));
	seq_printf(m, "wq_live: %ld\n", swq_wq_live_count());
	seq_printf(m, "wq_freed: %ld\n", swq_wq_freed_count());
	return 0;
}

/* Create /proc/rcunet/sockwq/ with control and stats; NULL on failure. */
struct proc_dir_entry *swq_proc_init(void)
{
	swq_dir = rcunet_proc_mkdir(SWQ_NAME);
	if (!swq_dir)
		return NULL;
	if (!rcunet_ctl_create("control", swq_dir, &swq_ctl) ||
	    !proc_create_single("stats", 0444, swq_dir, swq_stats_show)) {
		proc_remove(swq_dir);
		swq_dir = NULL;
		return NULL;
	}
	return swq_dir;
}

void swq_proc_exit(void)
{
	proc_remove(swq_dir);
}
