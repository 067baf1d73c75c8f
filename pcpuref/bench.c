// SPDX-License-Identifier: GPL-2.0
/*
 * pcpuref bench: hold+put pairs on one shared device from N kthreads, one
 * per CPU, as every dst create/destroy did on its output device.
 *
 * Variants: our three counters (atomic and refcount locked, percpu the
 * lockless one of commit 9b546410b92e ("net: percpu net_device refcount")),
 * the running kernel's own netdev_hold() and netdev_put() on the loopback
 * device (per-cpu under CONFIG_PCPU_DEV_REFCNT, the mainline peer;
 * dev_hold()/dev_put() on a kernel without them), and
 * percpu_ref_get()/percpu_ref_put() from lib/percpu-refcount.c (the
 * generic peer), and the tracker variant, the stage mainline went to next
 * (commits 4e66934eaadc, 4d92b95ff2f9, d62607c3fe45: a hold+put with a
 * tracker, netdev_hold()/netdev_put() on a CONFIG_NET_DEV_REFCNT_TRACKER
 * kernel). The fast paths are called
 * directly, not through pcref_hold(), so only the counter is measured;
 * the refcount variant times refcount_inc()+refcount_dec() as the kernel
 * does, not pcref_refcount_put()'s refusing put.
 *
 * The slow path the per-cpu design pays for (path=slow): a device's whole
 * life, register+unregister, with a reference taken on every possible
 * CPU, so that the unregister's poll sums one slot per possible CPU. Each
 * thread cycles its own private devices; atomic-unregister is the shared
 * counter's same cycle, tracker-unregister the tracker's (every one of
 * those references tracked).
 */
#define pr_fmt(fmt) "pcpuref: " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/netdevice.h>
#include <linux/percpu-refcount.h>
#include <linux/sched.h>
#include <linux/cpumask.h>
#include <net/net_namespace.h>
#include "../common/rcunet.h"
#include "internal.h"

struct pcref_bench_ctx {
	struct pcref_dev *dev;		/* percpu, atomic, refcount */
	struct net_device *netdev;	/* netdev */
	struct percpu_ref ref;		/* percpu_ref */
};

static struct pcref_bench_ctx pcref_bench_ctx;

/* An unlisted device: nothing but the bench threads can reach it. */
static int pcref_bench_dev_setup(struct pcref_bench_ctx *c,
				 enum pcref_variant v)
{
	int err;

	c->dev = kzalloc(sizeof(*c->dev), GFP_KERNEL);
	if (!c->dev)
		return -ENOMEM;
	strscpy(c->dev->name, "bench", sizeof(c->dev->name));
	err = pcref_counter_init(c->dev, v);
	if (err) {
		kfree(c->dev);
		c->dev = NULL;
		return err;
	}
	pcref_counter_set_base(c->dev);
	return 0;
}

static int pcref_bench_percpu_setup(void *ctx, unsigned int nthreads)
{
	return pcref_bench_dev_setup(ctx, PCREF_PERCPU);
}

static int pcref_bench_atomic_setup(void *ctx, unsigned int nthreads)
{
	return pcref_bench_dev_setup(ctx, PCREF_ATOMIC);
}

static int pcref_bench_refcount_setup(void *ctx, unsigned int nthreads)
{
	return pcref_bench_dev_setup(ctx, PCREF_REFCOUNT);
}

static int pcref_bench_tracker_setup(void *ctx, unsigned int nthreads)
{
	return pcref_bench_dev_setup(ctx, PCREF_TRACKER);
}

static void pcref_bench_dev_teardown(void *ctx)
{
	struct pcref_bench_ctx *c = ctx;
	int refcnt = pcref_refcnt_read(c->dev);

	/* every hold had its put: anything else is a counter bug */
	if (refcnt != 1)
		pr_err("bench: %s count %d after the run, expected 1\n",
		       pcref_variant_name(c->dev->variant), refcnt);
	pcref_counter_destroy(c->dev);
	kfree(c->dev);
	c->dev = NULL;
}

static int pcref_bench_percpu_run(void *ctx, unsigned int tid, u64 n)
{
	struct pcref_dev *dev = ((struct pcref_bench_ctx *)ctx)->dev;

	while (n--) {
		pcref_percpu_hold(dev);
		pcref_percpu_put(dev);
	}
	return 0;
}

static int pcref_bench_atomic_run(void *ctx, unsigned int tid, u64 n)
{
	struct pcref_dev *dev = ((struct pcref_bench_ctx *)ctx)->dev;

	while (n--) {
		pcref_atomic_hold(dev);
		pcref_atomic_put(dev);
	}
	return 0;
}

/*
 * What a tracked reference costs (netdev_hold()/netdev_put() with a
 * tracker, GFP_ATOMIC as the dst path passes): the percpu increment and
 * decrement plus the tracker, allocated, listed under the device's
 * trk_lock, unlisted under it again and freed. Every thread's trackers go
 * on the one device's list: the shared cache line is back (the lock and
 * the list head), which is what this variant measures. Called directly,
 * as the other variants' fast paths are (not pcref_put_tracked(), which
 * also counts the op in the stats).
 */
static int pcref_bench_tracker_run(void *ctx, unsigned int tid, u64 n)
{
	struct pcref_dev *dev = ((struct pcref_bench_ctx *)ctx)->dev;
	struct pcref_tracker *trk = NULL;
	int err;

	while (n--) {
		err = pcref_tracker_track(dev, &trk, "bench", _THIS_IP_,
					  GFP_ATOMIC);
		if (err)
			return err;
		pcref_percpu_hold(dev);
		err = pcref_tracker_untrack(dev, &trk);
		if (err)
			return err;
		pcref_percpu_put(dev);
	}
	return 0;
}

static int pcref_bench_refcount_run(void *ctx, unsigned int tid, u64 n)
{
	struct pcref_dev *dev = ((struct pcref_bench_ctx *)ctx)->dev;

	/*
	 * What a refcount_t device refcount does (dev_hold()/dev_put() with
	 * CONFIG_PCPU_DEV_REFCNT=n): refcount_inc() and refcount_dec(), one
	 * locked instruction each. pcref_refcount_put()'s refusing
	 * refcount_dec_not_one() (a cmpxchg loop) is this module's own
	 * underflow guard, not what the kernel pays, so it is not timed here.
	 */
	while (n--) {
		refcount_inc(&dev->refs);
		refcount_dec(&dev->refs);
	}
	return 0;
}

/* The loopback device is never unregistered while init_net lives. */
static int pcref_bench_netdev_setup(void *ctx, unsigned int nthreads)
{
	struct pcref_bench_ctx *c = ctx;

	c->netdev = dev_get_by_name(&init_net, "lo");
	return c->netdev ? 0 : -ENODEV;
}

static void pcref_bench_netdev_teardown(void *ctx)
{
	struct pcref_bench_ctx *c = ctx;

	dev_put(c->netdev);
	c->netdev = NULL;
}

/*
 * What a kernel user of the device pays per reference: netdev_hold() with
 * its tracker (a ref_tracker allocation per hold under
 * CONFIG_NET_DEV_REFCNT_TRACKER, an empty struct otherwise: Debian's 6.1
 * and 6.12 and our test kernels leave the tracker out, so this is the bare
 * per-cpu increment).
 */
static int pcref_bench_netdev_run(void *ctx, unsigned int tid, u64 n)
{
	struct net_device *netdev = ((struct pcref_bench_ctx *)ctx)->netdev;
#ifdef RCUNET_HAVE_NETDEV_HOLD
	netdevice_tracker tracker;

	while (n--) {
		netdev_hold(netdev, &tracker, GFP_ATOMIC);
		netdev_put(netdev, &tracker);
	}
#else
	while (n--) {
		dev_hold(netdev);
		dev_put(netdev);
	}
#endif
	return 0;
}

#ifdef RCUNET_HAVE_NETDEV_HOLD
#define PCREF_BENCH_NETDEV_OP	"netdev_hold+netdev_put"
#else
#define PCREF_BENCH_NETDEV_OP	"dev_hold+dev_put"
#endif

/*
 * Whether the netdev peer does exactly the percpu variant's work: with
 * CONFIG_PCPU_DEV_REFCNT and no reference tracker, netdev_hold() and
 * netdev_put() (dev_hold()/dev_put() before them) are this_cpu_inc() and
 * this_cpu_dec() on the device's int __percpu counter, behind a NULL test.
 * With the tracker each hold also allocates a ref_tracker, and without
 * per-cpu counting it is a refcount_t: other work, no ratio to percpu.
 */
#if IS_ENABLED(CONFIG_PCPU_DEV_REFCNT) && !IS_ENABLED(CONFIG_NET_DEV_REFCNT_TRACKER)
#define PCREF_BENCH_NETDEV_SAME_WORK	"percpu"
#else
#define PCREF_BENCH_NETDEV_SAME_WORK	NULL
#endif

static void pcref_bench_ref_release(struct percpu_ref *ref)
{
	/* never killed, so never released */
}

static int pcref_bench_percpu_ref_setup(void *ctx, unsigned int nthreads)
{
	struct pcref_bench_ctx *c = ctx;

	return percpu_ref_init(&c->ref, pcref_bench_ref_release, 0,
			       GFP_KERNEL);
}

static void pcref_bench_percpu_ref_teardown(void *ctx)
{
	struct pcref_bench_ctx *c = ctx;

	/* the threads are gone and every get had its put */
	percpu_ref_exit(&c->ref);
}

static int pcref_bench_percpu_ref_run(void *ctx, unsigned int tid, u64 n)
{
	struct percpu_ref *ref = &((struct pcref_bench_ctx *)ctx)->ref;

	while (n--) {
		percpu_ref_get(ref);
		percpu_ref_put(ref);
	}
	return 0;
}

/*
 * A hold counted on @cpu's slot, as a this_cpu_inc() running on @cpu
 * leaves it. The device is private to the calling thread until it is
 * freed (never listed, so no lookup, listing or other thread reaches it),
 * so the plain increment of another CPU's slot races with nobody; the
 * unregister's sum in this same thread reads it in program order.
 */
static void pcref_bench_hold_on(struct pcref_dev *dev, unsigned int cpu)
{
	int *slot = per_cpu_ptr(dev->pcpu_refcnt, cpu);

	*slot += 1;
}

/*
 * One op of the slow path, as a device's user pays it: pcref_dev_new()
 * (kzalloc, the counter: alloc_percpu() for percpu, the base reference),
 * one reference per possible CPU taken and all of them put (percpu: each
 * counted on its CPU's slot, all put on this thread's CPU, so every slot
 * but ours is left at +1 and ours at minus the rest, as when references
 * taken all over the machine are dropped by one CPU; atomic: the same
 * number of holds and puts on the one shared counter), then
 * pcref_unregister_unlisted(): synchronize_rcu(), the unregister event to
 * the listeners, one poll of the summed count (percpu: over every
 * possible CPU), and the counter and device freed. Only the registry's
 * list insert and removal under pcref_lock are left out (the same for
 * both counters, and the registry holds 64 devices, fewer than a bench
 * host's threads).
 */
/* References a tracker cycle holds at once (its trackers on our stack). */
#define PCREF_BENCH_TRK_BATCH	32

/*
 * The tracker's cycle: one tracked reference per possible CPU, counted on
 * that CPU's slot as the percpu cycle counts it, each with its tracker
 * (allocated, listed), then all put with their trackers on this thread's
 * CPU. At most PCREF_BENCH_TRK_BATCH are held at once (their tracker
 * pointers are on the stack; a machine has more possible CPUs than that
 * can hold), which changes nothing the unregister sees: every one is put
 * before it starts.
 */
static int pcref_bench_tracker_refs(struct pcref_dev *dev)
{
	struct pcref_tracker *trk[PCREF_BENCH_TRK_BATCH] = {};
	unsigned int cpu, i, n = 0;
	int err = 0;

	for_each_possible_cpu(cpu) {
		err = pcref_tracker_track(dev, &trk[n], "bench", _THIS_IP_,
					  GFP_KERNEL);
		if (err)
			break;
		pcref_bench_hold_on(dev, cpu);
		if (++n < PCREF_BENCH_TRK_BATCH)
			continue;
		for (i = 0; i < n; i++) {
			pcref_tracker_untrack(dev, &trk[i]);
			pcref_percpu_put(dev);
		}
		n = 0;
	}
	for (i = 0; i < n; i++) {
		pcref_tracker_untrack(dev, &trk[i]);
		pcref_percpu_put(dev);
	}
	return err;
}

static int pcref_bench_unreg_cycle(enum pcref_variant v)
{
	struct pcref_dev *dev;
	unsigned int cpu;
	int err = 0;

	dev = pcref_dev_new("bench", v);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	if (v == PCREF_TRACKER) {
		err = pcref_bench_tracker_refs(dev);
	} else if (v == PCREF_PERCPU) {
		for_each_possible_cpu(cpu)
			pcref_bench_hold_on(dev, cpu);
		for_each_possible_cpu(cpu)
			pcref_percpu_put(dev);
	} else {
		for_each_possible_cpu(cpu)
			pcref_atomic_hold(dev);
		for_each_possible_cpu(cpu)
			pcref_atomic_put(dev);
	}
	pcref_unregister_unlisted(dev);
	return err;
}

/*
 * @n register+unregister cycles; in the cool-down the harness asks for one
 * at a time (a slow-path variant), so a finished thread keeps the
 * contention without outlasting the slowest one by 256 grace periods.
 */
static int pcref_bench_unreg_run(u64 n, enum pcref_variant v)
{
	int err;

	while (n--) {
		err = pcref_bench_unreg_cycle(v);
		if (err)
			return err;
	}
	return 0;
}

static int pcref_bench_percpu_unreg_run(void *ctx, unsigned int tid, u64 n)
{
	return pcref_bench_unreg_run(n, PCREF_PERCPU);
}

static int pcref_bench_atomic_unreg_run(void *ctx, unsigned int tid, u64 n)
{
	return pcref_bench_unreg_run(n, PCREF_ATOMIC);
}

static int pcref_bench_tracker_unreg_run(void *ctx, unsigned int tid, u64 n)
{
	return pcref_bench_unreg_run(n, PCREF_TRACKER);
}

/* How many slots the unregister's sum covers (and references per op). */
static int pcref_bench_unreg_show_params(void *ctx, char *buf, size_t len)
{
	return scnprintf(buf, len, "possible_cpus=%u", num_possible_cpus());
}

/*
 * Roles: atomic is the original net_device counter (locked: one shared
 * cache line) and the twin of every other variant; refcount is that same
 * shared line as the refcount_t a device uses without per-cpu counting,
 * so locked too. percpu is the change. The peers are the live kernel's:
 * netdev names percpu as its work where it is the same per-cpu increment
 * (above); percpu_ref wraps its per-cpu add in rcu_read_lock() and a
 * percpu/atomic mode test, more work than ours, so it names none.
 *
 * The slow path: atomic-unregister is the original's register+unregister
 * (locked), percpu-unregister the change's (lockless, its twin
 * atomic-unregister: the same cycle, so the report prints x locked). No
 * peer: the kernel's own cycle, alloc_netdev() + register_netdev() +
 * unregister_netdev(), runs under rtnl_lock with sysfs, uevents, every
 * netdevice notifier of the system and rcu_barrier() in netdev_run_todo(),
 * other work than this counter's cycle by orders of magnitude.
 *
 * The next stage, tracker (and tracker-unregister), keeps role lockless
 * for its counter only, and is measured against the same locked original
 * (twin atomic, so "x locked" keeps its meaning: the same hold+put job),
 * naming percpu (percpu-unregister) as the stage it follows (previous=,
 * "x previous": what the tracking adds to the per-cpu counter). Its
 * hold+put is not lock-free: the tracking re-introduces a shared lock,
 * every tracked hold and every tracked put takes the device's trk_lock
 * (one spinlock and list head for all CPUs, as mainline's ref_tracker
 * dir lock), and that lock is the cost the stage table measures.
 */
static const struct rcunet_bench_variant pcref_bench_variants[] = {
	{
		.name = "atomic", .op = "hold+put",
		.role = RCUNET_ROLE_LOCKED,
		.setup = pcref_bench_atomic_setup,
		.teardown = pcref_bench_dev_teardown,
		.run = pcref_bench_atomic_run,
	}, {
		.name = "refcount", .op = "hold+put",
		.role = RCUNET_ROLE_LOCKED,
		.setup = pcref_bench_refcount_setup,
		.teardown = pcref_bench_dev_teardown,
		.run = pcref_bench_refcount_run,
	}, {
		.name = "percpu", .op = "hold+put",
		.role = RCUNET_ROLE_LOCKLESS, .twin = "atomic",
		.setup = pcref_bench_percpu_setup,
		.teardown = pcref_bench_dev_teardown,
		.run = pcref_bench_percpu_run,
	}, {
		.name = "netdev", .op = PCREF_BENCH_NETDEV_OP,
		.role = RCUNET_ROLE_PEER, .twin = "atomic",
		.same_work_as = PCREF_BENCH_NETDEV_SAME_WORK,
		.setup = pcref_bench_netdev_setup,
		.teardown = pcref_bench_netdev_teardown,
		.run = pcref_bench_netdev_run,
	}, {
		.name = "percpu_ref", .op = "get+put",
		.role = RCUNET_ROLE_PEER, .twin = "atomic",
		.setup = pcref_bench_percpu_ref_setup,
		.teardown = pcref_bench_percpu_ref_teardown,
		.run = pcref_bench_percpu_ref_run,
	}, {
		.name = "atomic-unregister", .op = "register+unregister",
		.role = RCUNET_ROLE_LOCKED, .slow_path = true,
		.run = pcref_bench_atomic_unreg_run,
		.show_params = pcref_bench_unreg_show_params,
	}, {
		.name = "percpu-unregister", .op = "register+unregister",
		.role = RCUNET_ROLE_LOCKLESS, .twin = "atomic-unregister",
		.slow_path = true,
		.run = pcref_bench_percpu_unreg_run,
		.show_params = pcref_bench_unreg_show_params,
	}, {
		/* lockless counter, but a shared trk_lock per hold and put */
		.name = "tracker", .op = "hold+put",
		.role = RCUNET_ROLE_LOCKLESS, .twin = "atomic",
		.previous = "percpu",
		.setup = pcref_bench_tracker_setup,
		.teardown = pcref_bench_dev_teardown,
		.run = pcref_bench_tracker_run,
	}, {
		.name = "tracker-unregister", .op = "register+unregister",
		.role = RCUNET_ROLE_LOCKLESS, .twin = "atomic-unregister",
		.previous = "percpu-unregister",
		.slow_path = true,
		.run = pcref_bench_tracker_unreg_run,
		.show_params = pcref_bench_unreg_show_params,
	},
};

static struct rcunet_bench pcref_bench = {
	.module = "pcpuref",
	.variants = pcref_bench_variants,
	.nr_variants = ARRAY_SIZE(pcref_bench_variants),
	.ctx = &pcref_bench_ctx,
	/* no default_runs: the core's default (15) applies */
	.default_loops = 100000,
};

int pcref_bench_init(struct proc_dir_entry *dir)
{
	return rcunet_bench_create(dir, &pcref_bench);
}

void pcref_bench_exit(void)
{
	rcunet_bench_remove(&pcref_bench);
}
