// SPDX-License-Identifier: GPL-2.0
/*
 * pktgen_rcu bench ops: the per-packet device scan on its own, and the
 * device removal the lockless scan makes dearer.
 *
 * Fast path (/proc/rcunet/pktgen_rcu/bench): one op is one next_to_run()
 * over a thread's if_list, exactly what the kthread does before every
 * packet. Each bench thread scans its own pgr_thread (as each kpktgend
 * scans its own list), holding "devs=N" running devices (default 1, the
 * single-device case of commit 80e1e6db5c72 ("pktgen: RCU-ify "if_list"
 * to remove lock in next_to_run()")). The whole generator (packets on a
 * dummy device, against the kernel's pktgen) is measured by
 * tests/bench.sh through /proc/net/pktgen_rcu.
 *
 * The third variant, "mutex" (mainline's next stage: the same RCU scan,
 * writers under a mutex), runs the same ops: its next_to_run is the "rcu"
 * function itself, so the fast path shows the per-packet cost unchanged;
 * its slow path ("mutex-remove") shows what the sleeping writer lock and
 * the removal under it cost a writer.
 *
 * Slow path (.slow_path, path=slow): one op is "add+remove" of a device
 * on the thread's own list, what a writer pays for the lockless scan. See
 * pgr_bench_add_remove(). An op some thousand scans dear: a spec selects
 * the path ("path=fast" / "path=slow loops=2560", as tests/bench.sh does),
 * so that each path gets its own loops and its variants stay interleaved.
 *
 * There is no kernel peer here: the kernel's next_to_run() and
 * pktgen_remove_device() are static in pktgen.ko. tests/bench.sh compares
 * with the kernel's pktgen as a whole.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/rcupdate.h>
#include "../common/rcunet.h"
#include "internal.h"

#define PGR_BENCH_MAX_DEVS	64
/* the name of the device a slow-path op adds and removes */
#define PGR_BENCH_SLOW_NAME	"bench-slow"

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
		/* the list's writers and readers are the variant's */
		pgr_thread_set_ops(t, ops);
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

static int pgr_bench_setup_mutex(void *c, unsigned int nthreads)
{
	return pgr_bench_setup(c, &pgr_mutex_ops, nthreads);
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

/*
 * One slow-path op, as thread @tid: allocate a device, publish it on the
 * thread's if_list (pgr_list_add(), the writer both versions share) and
 * remove it again, as the owning kthread does on "rem_device_all" or a
 * netdev going away. The list also holds the "devs" devices of the set-up,
 * so the unlink is not of a lone entry.
 *
 * @remove NULL ("legacy-remove"): the original removal, unlinked under
 * if_lock and kfree()d at once; nothing else is owed.
 *
 * @remove pgr_remove_device ("rcu-remove"): 80e1e6db5c72's removal,
 * list_del_rcu() under if_lock and kfree_rcu(). The writer does not wait,
 * but the memory comes back only after a grace period, and that is the
 * price of the lockless scan, so it is in the op: after the chunk's
 * @n (<= 256) removals, one synchronize_rcu(), amortized over them. Why
 * this and not another way:
 *  - synchronize_rcu() per removal would charge a whole grace period to
 *    each, which the design never pays: kfree_rcu() exists so that a
 *    writer removing many devices (rem_device_all) does not wait at all,
 *    and the grace periods of its removals overlap.
 *  - rcu_barrier() per chunk would not wait for these objects on 6.1:
 *    kfree_rcu() batches them (up to KFREE_DRAIN_JIFFIES) before handing
 *    them to RCU, and only 6.12 has kvfree_rcu_barrier().
 *  - Waiting for nothing would leave the grace period out of the timing.
 * So one op is alloc + add + unlink + kfree_rcu() + 1/@n of a grace period
 * every removal of the chunk had to wait for before its memory could be
 * reused (the batched kfree() itself runs later, off this thread). The
 * harness calls with @n = 256 but for a run's last chunk: loops that are
 * a multiple of 256 make it one grace period per 256 removals.
 *
 * @remove pgr_mutex_remove_device ("mutex-remove"): mainline's next stage,
 * the same op as "rcu-remove" (add under the variant's writer lock, now a
 * mutex; proc entry and list entry removed under the mutex, kfree_rcu(),
 * one synchronize_rcu() per chunk), so the two differ in the writer lock
 * only. The bench devices have no proc entry, so it times the lock, not a
 * proc_remove().
 */
static int pgr_bench_add_remove(struct pgr_bench_ctx *ctx, unsigned int tid,
				u64 n,
				void (*remove)(struct pgr_thread *t,
					       struct pgr_dev *dev))
{
	struct pgr_thread *t = &ctx->threads[tid];
	struct pgr_dev *dev;
	u64 i;
	int err;

	for (i = 0; i < n; i++) {
		dev = pgr_dev_alloc(PGR_BENCH_SLOW_NAME);
		if (unlikely(!dev))
			return -ENOMEM;
		err = pgr_list_add(t, dev);
		if (unlikely(err)) {
			kfree(dev);	/* never published */
			return err;
		}
		if (remove)
			remove(t, dev);
		else
			pgr_legacy_remove_device(t, dev);
	}
	/* the grace period the chunk's kfree_rcu()s owe */
	if (remove)
		synchronize_rcu();
	return 0;
}

static int pgr_bench_run_legacy_remove(void *c, unsigned int tid, u64 n)
{
	return pgr_bench_add_remove(c, tid, n, NULL);
}

static int pgr_bench_run_rcu_remove(void *c, unsigned int tid, u64 n)
{
	return pgr_bench_add_remove(c, tid, n, pgr_remove_device);
}

static int pgr_bench_run_mutex_remove(void *c, unsigned int tid, u64 n)
{
	return pgr_bench_add_remove(c, tid, n, pgr_mutex_remove_device);
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
	{
		/*
		 * mainline's next stage (commit 9a0b1e8ba406): the same RCU
		 * scan, only the writers moved to a mutex
		 */
		.name		= "mutex",
		.op		= "next_to_run",
		.role		= RCUNET_ROLE_LOCKLESS,
		.twin		= "legacy",
		.previous	= "rcu",
		.setup		= pgr_bench_setup_mutex,
		.teardown	= pgr_bench_teardown,
		.run		= pgr_bench_run,
	},
	/* alloc + add + remove (+ grace period): see pgr_bench_add_remove() */
	{
		/* the original: unlink under if_lock, kfree() at once */
		.name		= "legacy-remove",
		.op		= "add+remove",
		.role		= RCUNET_ROLE_LOCKED,
		.slow_path	= true,
		.setup		= pgr_bench_setup_legacy,
		.teardown	= pgr_bench_teardown,
		.run		= pgr_bench_run_legacy_remove,
	},
	{
		/*
		 * the change: list_del_rcu() under if_lock, kfree_rcu(), and
		 * the grace period it owes (one synchronize_rcu() per 256)
		 */
		.name		= "rcu-remove",
		.op		= "add+remove+gp/256",
		.role		= RCUNET_ROLE_LOCKLESS,
		.twin		= "legacy-remove",
		.slow_path	= true,
		.setup		= pgr_bench_setup_rcu,
		.teardown	= pgr_bench_teardown,
		.run		= pgr_bench_run_rcu_remove,
	},
	{
		/*
		 * mainline's next stage: the same op as rcu-remove with the
		 * writer lock a mutex (proc and list entry removed under it)
		 */
		.name		= "mutex-remove",
		.op		= "add+remove+gp/256",
		.role		= RCUNET_ROLE_LOCKLESS,
		.twin		= "legacy-remove",
		.previous	= "rcu-remove",
		.slow_path	= true,
		.setup		= pgr_bench_setup_mutex,
		.teardown	= pgr_bench_teardown,
		.run		= pgr_bench_run_mutex_remove,
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
