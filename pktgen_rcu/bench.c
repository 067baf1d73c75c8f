// SPDX-License-Identifier: GPL-2.0
/*
 * pktgen_rcu bench ops: the per-packet device scan on its own.
 *
 * One op is one next_to_run() over a thread's if_list, exactly what the
 * kthread does before every packet. Each bench thread scans its own
 * pgr_thread (as each kpktgend scans its own list), holding "devs=N"
 * running devices (default 1, the single-device case of commit
 * 80e1e6db5c72 ("pktgen: RCU-ify "if_list" to remove lock in
 * next_to_run()")). The whole generator (packets on a dummy device,
 * against the kernel's pktgen) is measured by tests/bench.sh through
 * /proc/net/pktgen_rcu.
 *
 * There is no kernel peer here: the kernel's next_to_run() is static in
 * pktgen.ko. tests/bench.sh compares with the kernel's pktgen as a whole.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include "../common/rcunet.h"
#include "internal.h"

#define PGR_BENCH_MAX_DEVS	64

struct pgr_bench_ctx {
	const struct pgr_list_ops *ops;
	struct pgr_thread *threads;
	unsigned int nthreads;
	u32 devs;
};

static struct pgr_bench_ctx pgr_bench_ctx = { .devs = 1 };

static void pgr_bench_free(struct pgr_bench_ctx *ctx)
{
	struct pgr_dev *dev;
	unsigned int i;

	for (i = 0; i < ctx->nthreads; i++) {
		struct pgr_thread *t = &ctx->threads[i];

		list_for_each_entry(dev, &t->if_list, list)
			WRITE_ONCE(dev->running, 0);
		pgr_rem_all(t);
	}
	kfree(ctx->threads);
	ctx->threads = NULL;
	ctx->nthreads = 0;
}

static int pgr_bench_setup(struct pgr_bench_ctx *ctx,
			   const struct pgr_list_ops *ops, unsigned int nthreads)
{
	unsigned int i, d;
	char name[PGR_IFNAME_LEN];

	ctx->ops = ops;
	ctx->threads = kcalloc(nthreads, sizeof(*ctx->threads), GFP_KERNEL);
	if (!ctx->threads)
		return -ENOMEM;
	ctx->nthreads = nthreads;
	for (i = 0; i < nthreads; i++) {
		struct pgr_thread *t = &ctx->threads[i];

		pgr_thread_init(t, i);
		for (d = 0; d < ctx->devs; d++) {
			struct pgr_dev *dev;

			snprintf(name, sizeof(name), "bench%u@%u", d, i);
			dev = pgr_dev_alloc(name);
			if (!dev) {
				pgr_bench_free(ctx);
				return -ENOMEM;
			}
			dev->next_tx = d;
			pgr_list_add(t, dev);
			/* after the add: pgr_list_add() publishes it stopped */
			dev->running = 1;
		}
	}
	return 0;
}

static int pgr_bench_setup_rcu(void *c, unsigned int nthreads)
{
	return pgr_bench_setup(c, &pgr_rcu_ops, nthreads);
}

static int pgr_bench_setup_legacy(void *c, unsigned int nthreads)
{
	return pgr_bench_setup(c, &pgr_legacy_ops, nthreads);
}

static void pgr_bench_teardown(void *c)
{
	pgr_bench_free(c);
}

static int pgr_bench_run(void *c, unsigned int tid, u64 n)
{
	struct pgr_bench_ctx *ctx = c;
	struct pgr_thread *t = &ctx->threads[tid];
	struct pgr_dev *(*next)(struct pgr_thread *t) = ctx->ops->next_to_run;

	while (n--) {
		if (unlikely(!next(t)))
			return -EINVAL;
	}
	return 0;
}

static const struct rcunet_bench_variant pgr_bench_variants[] = {
	{
		/* the original: if_lock taken and released per scan */
		.name		= "legacy",
		.op		= "next_to_run",
		.role		= RCUNET_ROLE_LOCKED,
		.setup		= pgr_bench_setup_legacy,
		.teardown	= pgr_bench_teardown,
		.run		= pgr_bench_run,
	},
	{
		/* the change: the same scan under rcu_read_lock() */
		.name		= "rcu",
		.op		= "next_to_run",
		.role		= RCUNET_ROLE_LOCKLESS,
		.twin		= "legacy",
		.setup		= pgr_bench_setup_rcu,
		.teardown	= pgr_bench_teardown,
		.run		= pgr_bench_run,
	},
};

static int pgr_bench_set_param(void *c, const char *key, const char *val)
{
	struct pgr_bench_ctx *ctx = c;
	u32 v;

	if (strcmp(key, "devs"))
		return -ENOENT;
	if (rcunet_parse_u32(val, 1, PGR_BENCH_MAX_DEVS, &v))
		return -EINVAL;
	ctx->devs = v;
	return 0;
}

static void pgr_bench_reset_params(void *c)
{
	struct pgr_bench_ctx *ctx = c;

	ctx->devs = 1;
}

static int pgr_bench_show_params(void *c, char *buf, size_t len)
{
	struct pgr_bench_ctx *ctx = c;

	return scnprintf(buf, len, "devs=%u", ctx->devs);
}

static struct rcunet_bench pgr_bench = {
	.module		= PGR_NAME,
	.variants	= pgr_bench_variants,
	.nr_variants	= ARRAY_SIZE(pgr_bench_variants),
	.ctx		= &pgr_bench_ctx,
	.default_loops	= 1000000,
	.default_runs	= 5,
	.set_param	= pgr_bench_set_param,
	.reset_params	= pgr_bench_reset_params,
	.show_params	= pgr_bench_show_params,
};

static bool pgr_bench_created;

int pgr_bench_init(struct proc_dir_entry *dir)
{
	int err = rcunet_bench_create(dir, &pgr_bench);

	pgr_bench_created = !err;
	return err;
}

void pgr_bench_exit(void)
{
	if (pgr_bench_created)
		rcunet_bench_remove(&pgr_bench);
	pgr_bench_created = false;
}
