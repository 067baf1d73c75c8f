// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for pcpuref: the per-cpu refcount and its atomic/refcount_t
 * originals, run through the same scenarios.
 *
 * "pcpuref" checks semantics (every variant agrees on every step, lookups,
 * errors); "pcpuref_stress" checks concurrency: holds and puts from kthreads
 * bound to every online CPU, CPU hotplug with a non-zero slot, an
 * unregister that must wait for a held reference and warn while it waits,
 * and a lookup by name held (by the core's test hook) between finding the
 * device and holding it while the device is unregistered: the unregister's
 * grace period must wait for it. The tracker variant (the stage after the
 * per-cpu counter) runs every parameterised case with untracked holds,
 * plus its own: a tracked reference held across an unregister is named by
 * the holders listing while the unregister waits, and tracked puts that
 * cannot be right (no tracker, another device's) are refused.
 * Timings are never asserted (the tests run under TCG): "waits" is checked
 * by state, not by elapsed time.
 *
 * rcunet-tags: stress
 */
#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/sched.h>
#include "../pcpuref/pcpuref.h"

static const enum pcref_variant pcref_kt_variants[] = {
	PCREF_PERCPU, PCREF_ATOMIC, PCREF_REFCOUNT, PCREF_TRACKER,
};

/* "percpu/lockless", "atomic/locked", "refcount/locked", "tracker/lockless" */
static void pcref_kt_variant_desc(const enum pcref_variant *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s/%s", pcref_variant_name(*v),
		 rcunet_role_name(pcref_variant_role(*v)));
}

KUNIT_ARRAY_PARAM(pcref_kt_variant, pcref_kt_variants, pcref_kt_variant_desc);

/* Iterations per thread of the cross-CPU test: millions of ops in all. */
#define PCREF_KT_ITERS		300000
/* Refs parked on the CPU that goes offline. */
#define PCREF_KT_HOTPLUG_REFS	1000
/* Bound on every wait for another thread (never a timing assertion). */
#define PCREF_KT_WAIT_MS	30000
/*
 * Lookup vs unregister: how long we watch for an unregister that wrongly
 * gets past a dwelling lookup, and the most a lookup dwells in its
 * read-side section (well below the 21 s RCU stall timeout).
 */
#define PCREF_KT_RACE_LOOK_MS	1000
#define PCREF_KT_DWELL_MAX_MS	10000

/* ---------------------------------------------------- thread helpers */

/*
 * A job runs @fn in a kthread. The kthread does not exit when @fn returns:
 * it parks until pcref_kt_stop(), so the job (on the test's stack or in
 * test-managed memory) is the test's to reuse or free only after the stop,
 * and no thread is still running this module's code once a case ends.
 * kthread_stop() waits for @fn to return: a case that gives up on a job
 * first undoes whatever the job is waiting for (puts its own reference,
 * releases a dwelling lookup), then stops it. No KUNIT_ASSERT is used
 * while a job runs or a listener is registered: an assertion ends the case
 * at once and would leave both behind.
 */
struct pcref_kt_job {
	void (*fn)(struct pcref_kt_job *job);
	struct pcref_dev *dev;
	unsigned int idx;		/* 0..nthreads-1 */
	unsigned int nthreads;
	unsigned int cpu;
	u32 iters;
	int phase;
	struct completion *start;	/* released together; may be NULL */
	struct completion done;
	struct task_struct *task;	/* until pcref_kt_stop() */
	bool ran;			/* @fn returned (read after the stop) */
	/* unregister jobs */
	unsigned int warn_ms;
	struct pcref_unreg_stats stats;
	/* lookup jobs */
	const char *name;
	struct pcref_dev *found;
};

static int pcref_kt_thread(void *arg)
{
	struct pcref_kt_job *job = arg;

	if (job->start)
		wait_for_completion(job->start);
	job->fn(job);
	job->ran = true;
	complete(&job->done);
	/* park (interruptible: not a hung task) until the test stops us */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* Start @job in a kthread, bound to @cpu unless it is negative. */
static int pcref_kt_start(struct pcref_kt_job *job, int cpu)
{
	struct task_struct *t;

	init_completion(&job->done);
	job->ran = false;
	t = kthread_create(pcref_kt_thread, job, "pcref_kt/%d", cpu);
	if (IS_ERR(t))
		return PTR_ERR(t);
	if (cpu >= 0) {
		job->cpu = cpu;
		kthread_bind(t, cpu);
	}
	job->task = t;
	wake_up_process(t);
	return 0;
}

/* pcref_kt_start() that records a failure in @test. */
static bool pcref_kt_go(struct kunit *test, struct pcref_kt_job *job, int cpu)
{
	int err = pcref_kt_start(job, cpu);

	if (err)
		KUNIT_FAIL(test, "cannot start a kthread: %d", err);
	return !err;
}

static bool pcref_kt_wait(struct pcref_kt_job *job)
{
	return wait_for_completion_timeout(&job->done,
					   msecs_to_jiffies(PCREF_KT_WAIT_MS));
}

/* Wait for @job's fn to return and its kthread to exit (unbounded). */
static void pcref_kt_stop(struct pcref_kt_job *job)
{
	if (job->task) {
		kthread_stop(job->task);
		job->task = NULL;
	}
}

/* Run @job to its end on @cpu; true when its fn ran (late is a failure). */
static bool pcref_kt_run(struct kunit *test, struct pcref_kt_job *job,
			 int cpu)
{
	bool in_time;

	if (!pcref_kt_go(test, job, cpu))
		return false;
	in_time = pcref_kt_wait(job);
	KUNIT_EXPECT_TRUE_MSG(test, in_time, "kthread job timed out");
	pcref_kt_stop(job);
	return job->ran;
}

/*
 * Run @fn in one kthread per online CPU, all released at once; returns
 * the number of threads, each job's idx/cpu filled in. CPUs stay online
 * meanwhile (cpus_read_lock), so no thread is bound to a dying CPU. Every
 * thread is stopped before return (the start completion is on our stack).
 */
static unsigned int pcref_kt_on_each_cpu(struct kunit *test,
					 struct pcref_kt_job *jobs,
					 unsigned int max,
					 const struct pcref_kt_job *tmpl)
{
	DECLARE_COMPLETION_ONSTACK(start);
	unsigned int n = 0, i, cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		if (n == max)
			break;
		jobs[n] = *tmpl;
		jobs[n].idx = n;
		jobs[n].start = &start;
		jobs[n].task = NULL;
		n++;
	}
	for (i = 0; i < n; i++)
		jobs[i].nthreads = n;
	i = 0;
	for_each_online_cpu(cpu) {
		if (i == n)
			break;
		if (!pcref_kt_go(test, &jobs[i], cpu))
			break;
		i++;
	}
	n = i;
	complete_all(&start);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_TRUE(test, pcref_kt_wait(&jobs[i]));
	for (i = 0; i < n; i++)
		pcref_kt_stop(&jobs[i]);
	cpus_read_unlock();
	return n;
}

/* Per-CPU slot of a percpu device (test-only peek). */
static int pcref_kt_slot(struct pcref_dev *dev, unsigned int cpu)
{
	return *per_cpu_ptr(dev->pcpu_refcnt, cpu);
}

static struct pcref_dev *pcref_kt_register(struct kunit *test,
					   const char *name,
					   enum pcref_variant v)
{
	struct pcref_dev *dev = pcref_register(name, v);

	if (IS_ERR(dev)) {
		KUNIT_FAIL(test, "register %s: %ld", name, PTR_ERR(dev));
		return NULL;
	}
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(dev), 1);
	return dev;
}

/* ------------------------------------------------------- semantics */

/* One scripted scenario, the same for every variant: record each count. */
#define PCREF_KT_STEPS	8

static void pcref_kt_script(struct kunit *test, enum pcref_variant v,
			    int *seen)
{
	struct pcref_dev *dev = pcref_kt_register(test, "kt_agree", v);
	struct pcref_dev *found;
	int i, s = 0;

	if (!dev)
		return;
	seen[s++] = pcref_refcnt_read(dev);
	for (i = 0; i < 5; i++)
		pcref_hold(dev);
	seen[s++] = pcref_refcnt_read(dev);
	for (i = 0; i < 3; i++)
		pcref_put(dev);
	seen[s++] = pcref_refcnt_read(dev);

	found = pcref_get_by_name("kt_agree");
	KUNIT_EXPECT_PTR_EQ(test, found, dev);
	seen[s++] = pcref_refcnt_read(dev);
	if (found)
		pcref_put(found);
	seen[s++] = pcref_refcnt_read(dev);

	/* holds from an interrupt-disabled section: any context is fine */
	local_irq_disable();
	for (i = 0; i < 1000; i++)
		pcref_hold(dev);
	local_irq_enable();
	seen[s++] = pcref_refcnt_read(dev);
	for (i = 0; i < 1002; i++)
		pcref_put(dev);
	seen[s++] = pcref_refcnt_read(dev);

	KUNIT_EXPECT_PTR_EQ(test, pcref_get_by_name("kt_none"), NULL);
	pcref_unregister(dev);
	/* unlisted: a lookup cannot find it any more */
	KUNIT_EXPECT_PTR_EQ(test, pcref_get_by_name("kt_agree"), NULL);
	seen[s++] = 0;
	KUNIT_EXPECT_EQ(test, s, PCREF_KT_STEPS);
}

static void pcref_kt_variants_agree(struct kunit *test)
{
	static const int want[PCREF_KT_STEPS] = { 1, 6, 3, 4, 3, 1003, 1, 0 };
	int seen[PCREF_NR_VARIANTS][PCREF_KT_STEPS];
	unsigned int v, s;

	memset(seen, 0xff, sizeof(seen));
	for (v = 0; v < PCREF_NR_VARIANTS; v++) {
		pcref_kt_script(test, v, seen[v]);
		for (s = 0; s < PCREF_KT_STEPS; s++)
			KUNIT_EXPECT_EQ_MSG(test, seen[v][s], want[s],
					    "variant %s step %u",
					    pcref_variant_name(v), s);
	}
}

static void pcref_kt_register_errors(struct kunit *test)
{
	const enum pcref_variant *v = test->param_value;
	struct pcref_dev *dev = pcref_kt_register(test, "kt_dup", *v);
	enum pcref_variant parsed;

	if (!dev)
		return;
	KUNIT_EXPECT_EQ(test, PTR_ERR(pcref_register("kt_dup", *v)),
			(long)-EEXIST);
	KUNIT_EXPECT_EQ(test, PTR_ERR(pcref_register("", *v)), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(pcref_register("a name", *v)),
			(long)-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(pcref_register("sixteen_chars_xx", *v)),
			(long)-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(pcref_register("kt_bad",
						     PCREF_NR_VARIANTS)),
			(long)-EINVAL);
	KUNIT_EXPECT_EQ(test, pcref_unregister_by_name("kt_none"), -ENODEV);
	KUNIT_EXPECT_EQ(test, pcref_parse_variant("perpcu", &parsed), -EINVAL);
	KUNIT_EXPECT_EQ(test, pcref_parse_variant(pcref_variant_name(*v),
						  &parsed), 0);
	KUNIT_EXPECT_EQ(test, parsed, *v);
	/* the failed registrations changed nothing */
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(dev), 1);
	pcref_unregister(dev);
	KUNIT_EXPECT_PTR_EQ(test, pcref_get_by_name("kt_dup"), NULL);
}

/*
 * A device registered with pcref_register() is its caller's, who will
 * pcref_unregister() it through its pointer. Unregister by name (the
 * control file's "unregister NAME") must refuse it and leave it listed and
 * working: had it freed the device, the owner's own unregister would lock
 * and unlist freed memory.
 */
static void pcref_kt_by_name_spares_owned(struct kunit *test)
{
	const enum pcref_variant *v = test->param_value;
	struct pcref_dev *dev = pcref_kt_register(test, "kt_owned", *v);
	struct pcref_dev *found;
	int err;

	if (!dev)
		return;
	err = pcref_unregister_by_name("kt_owned");
	KUNIT_EXPECT_EQ_MSG(test, err, -EPERM,
			    "unregister by name took a device its owner still has");
	if (!err)
		return;		/* freed under us: nothing of ours is left */
	found = pcref_get_by_name("kt_owned");
	KUNIT_EXPECT_PTR_EQ(test, found, dev);
	if (found)
		pcref_put(found);
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(dev), 1);
	pcref_unregister(dev);
	KUNIT_EXPECT_PTR_EQ(test, pcref_get_by_name("kt_owned"), NULL);
}

/*
 * The refcount variant refuses a put that would take the registry's base
 * reference: the count stays at base and the refusal is counted (and
 * logged as a plain rate-limited line, not a WARN splat, which the
 * console scan would fail). The device is private to this case: nobody
 * else can hold it, so the put really is one nobody holds.
 */
static void pcref_kt_refcount_refuses_underflow(struct kunit *test)
{
	struct pcref_dev *dev = pcref_kt_register(test, "kt_under",
						  PCREF_REFCOUNT);

	if (!dev)
		return;
	pcref_hold(dev);
	pcref_put(dev);
	KUNIT_EXPECT_EQ(test, atomic_read(&dev->underflows), 0);
	pcref_put(dev);		/* nobody holds one: refused */
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(dev), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&dev->underflows), 1);
	/* still a working device: a hold and its put, then unregister */
	pcref_hold(dev);
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(dev), 2);
	pcref_put(dev);
	KUNIT_EXPECT_EQ(test, atomic_read(&dev->underflows), 1);
	pcref_unregister(dev);
}

/*
 * Does the holders listing have DEV's reference for OWNER, and in which
 * state; how long held (the longest), how many of DEV's holders it left
 * out, and how often it called us for DEV with interrupts off.
 */
struct pcref_kt_holder_find {
	const char *dev;
	const char *owner;
	unsigned int found;
	unsigned int unregistering;
	unsigned int held_ms_max;
	unsigned int omitted;
	unsigned int irqs_off;
};

/* May run inside rcu_read_lock(): no sleeping, no KUnit expectations. */
static void pcref_kt_holder_match(const struct pcref_holder *h, void *arg)
{
	struct pcref_kt_holder_find *f = arg;

	if (strcmp(h->dev, f->dev))
		return;
	f->irqs_off += irqs_disabled();
	if (!h->owner) {
		f->omitted += h->omitted;
		return;
	}
	if (strcmp(h->owner, f->owner))
		return;
	f->found++;
	f->unregistering += h->unregistering;
	f->held_ms_max = max(f->held_ms_max, h->held_ms);
}

static struct pcref_kt_holder_find pcref_kt_holders(const char *dev,
						    const char *owner)
{
	struct pcref_kt_holder_find f = { .dev = dev, .owner = owner };

	pcref_walk_holders(pcref_kt_holder_match, &f);
	return f;
}

/*
 * Tracked puts that cannot be right are refused and change nothing: a
 * tracker of another device (it stays valid for its own), no tracker at
 * all (never taken), a second put of the same tracker (cleared by the
 * first); tracked calls on a device without trackers are refused too, as
 * is a hold into a tracker slot still in use. Only the right put drops
 * the reference.
 */
static void pcref_kt_tracker_refuses_bad_put(struct kunit *test)
{
	struct pcref_dev *a, *b, *plain = NULL;
	struct pcref_tracker *trk = NULL, *none = NULL, *busy;
	struct pcref_kt_holder_find f;
	int err;

	a = pcref_kt_register(test, "kt_trk_a", PCREF_TRACKER);
	b = a ? pcref_kt_register(test, "kt_trk_b", PCREF_TRACKER) : NULL;
	if (b)
		plain = pcref_kt_register(test, "kt_trk_p", PCREF_PERCPU);
	if (!plain)
		goto out;

	err = pcref_hold_tracked(a, &trk, "kt_owner", GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, err, 0);
	if (err)
		goto out;
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(a), 2);
	KUNIT_EXPECT_EQ(test, pcref_tracker_count(a), 1U);
	f = pcref_kt_holders("kt_trk_a", "kt_owner");
	KUNIT_EXPECT_EQ(test, f.found, 1U);
	KUNIT_EXPECT_EQ(test, f.unregistering, 0U);

	/* a's tracker on b: refused, both devices as they were */
	KUNIT_EXPECT_EQ(test, pcref_put_tracked(b, &trk), -EINVAL);
	KUNIT_EXPECT_PTR_NE(test, trk, NULL);
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(b), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->trk_refused), 1);
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(a), 2);
	KUNIT_EXPECT_EQ(test, pcref_tracker_count(a), 1U);

	/* no tracker: refused, no underflow */
	KUNIT_EXPECT_EQ(test, pcref_put_tracked(a, &none), -ENOENT);
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(a), 2);
	/* a hold into a slot in use would lose its tracker: refused */
	busy = trk;
	KUNIT_EXPECT_EQ(test, pcref_hold_tracked(a, &busy, "kt_again",
						 GFP_KERNEL), -EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, busy, trk);
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(a), 2);
	/* the device has no trackers: refused both ways */
	KUNIT_EXPECT_EQ(test, pcref_hold_tracked(plain, &none, "kt_owner",
						 GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, none, NULL);
	KUNIT_EXPECT_EQ(test, pcref_put_tracked(plain, &trk), -EINVAL);
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(plain), 1);

	/* the right put: dropped, tracker gone and cleared */
	KUNIT_EXPECT_EQ(test, pcref_put_tracked(a, &trk), 0);
	KUNIT_EXPECT_PTR_EQ(test, trk, NULL);
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(a), 1);
	KUNIT_EXPECT_EQ(test, pcref_tracker_count(a), 0U);
	f = pcref_kt_holders("kt_trk_a", "kt_owner");
	KUNIT_EXPECT_EQ(test, f.found, 0U);
	/* and its second put finds no tracker */
	KUNIT_EXPECT_EQ(test, pcref_put_tracked(a, &trk), -ENOENT);
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(a), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->trk_refused), 2);
out:
	/* whatever a failed step left held, with its tracker */
	if (trk)
		pcref_put_tracked(a, &trk);
	if (plain)
		pcref_unregister(plain);
	if (b)
		pcref_unregister(b);
	if (a)
		pcref_unregister(a);
}

/*
 * Any held time a hold taken within this test can show: an hour, far
 * beyond any run, and far below the ~49 days (2^32 ms) of a held time
 * whose start is after the listing's "now".
 */
#define PCREF_KT_FRESH_MAX_MS	(3600U * 1000U)

/* The holders hook's state: one tracked hold taken in the walk's window. */
static struct {
	struct pcref_dev *dev;
	struct pcref_tracker *trk;
	int err;
	bool ran;
} pcref_kt_fresh;

/*
 * Between the walk reaching the device and copying its trackers: wait for
 * a tick, then take a tracked hold, so the hold is younger than any "now"
 * the walk read before this point. Inside the walk's rcu_read_lock() (we
 * own the device anyway), so GFP_ATOMIC and a busy wait, with interrupts
 * on so that jiffies moves.
 */
static void pcref_kt_fresh_hook(struct pcref_dev *dev)
{
	unsigned long j = jiffies;

	if (dev != pcref_kt_fresh.dev || pcref_kt_fresh.ran)
		return;
	pcref_kt_fresh.ran = true;
	while (!time_after(jiffies, j))
		cpu_relax();
	pcref_kt_fresh.err = pcref_hold_tracked(dev, &pcref_kt_fresh.trk,
						"fresh", GFP_ATOMIC);
}

/*
 * A holder listed while the holders walk is on its way to the device's
 * lock must show a held time of about nothing, never the underflow of a
 * "now" read before the lock (about 49 days). Fails if the walk reads the
 * time before the hook runs; the hook's hold must be listed, which shows
 * the window was exercised.
 */
static void pcref_kt_tracker_fresh_holder(struct kunit *test)
{
	struct pcref_kt_holder_find f;
	struct pcref_dev *dev;

	dev = pcref_kt_register(test, "kt_fresh", PCREF_TRACKER);
	if (!dev)
		return;
	memset(&pcref_kt_fresh, 0, sizeof(pcref_kt_fresh));
	pcref_kt_fresh.dev = dev;
	pcref_test_set_holders_hook(pcref_kt_fresh_hook);
	f = pcref_kt_holders("kt_fresh", "fresh");
	pcref_test_set_holders_hook(NULL);
	KUNIT_EXPECT_TRUE(test, pcref_kt_fresh.ran);
	KUNIT_EXPECT_EQ(test, pcref_kt_fresh.err, 0);
	KUNIT_EXPECT_EQ(test, f.found, 1U);
	KUNIT_EXPECT_LE_MSG(test, f.held_ms_max, PCREF_KT_FRESH_MAX_MS,
			    "a fresh holder shows %u ms held: the listing's time was read before the holder was listed",
			    f.held_ms_max);
	if (pcref_kt_fresh.trk)
		pcref_put_tracked(dev, &pcref_kt_fresh.trk);
	pcref_unregister(dev);
}

/*
 * The holders walk names at most PCREF_HOLDERS_MAX holders of a device,
 * then how many it left out, and calls its callback with interrupts on:
 * it copies under the device's lock and reports after dropping it (%pS
 * and seq_printf() are not for an irq-off lock over a long list). Fails
 * if it lists every holder, or calls back under the lock.
 */
static void pcref_kt_tracker_holders_bounded(struct kunit *test)
{
	struct pcref_tracker *trk[PCREF_HOLDERS_MAX + 3] = {};
	struct pcref_kt_holder_find f;
	struct pcref_dev *dev;
	unsigned int i, held = 0;

	dev = pcref_kt_register(test, "kt_many", PCREF_TRACKER);
	if (!dev)
		return;
	for (i = 0; i < ARRAY_SIZE(trk); i++)
		if (!pcref_hold_tracked(dev, &trk[i], "many", GFP_KERNEL))
			held++;
	KUNIT_EXPECT_EQ(test, held, (unsigned int)ARRAY_SIZE(trk));
	f = pcref_kt_holders("kt_many", "many");
	KUNIT_EXPECT_EQ(test, f.found, min_t(unsigned int, held,
					     PCREF_HOLDERS_MAX));
	KUNIT_EXPECT_EQ(test, f.omitted, held - f.found);
	KUNIT_EXPECT_EQ_MSG(test, f.irqs_off, 0U,
			    "the holders walk called back with interrupts off (under the device's lock)");
	for (i = 0; i < ARRAY_SIZE(trk); i++)
		if (trk[i])
			pcref_put_tracked(dev, &trk[i]);
	pcref_unregister(dev);
}

static struct kunit_case pcref_kt_cases[] = {
	KUNIT_CASE(pcref_kt_variants_agree),
	KUNIT_CASE_PARAM(pcref_kt_register_errors, pcref_kt_variant_gen_params),
	KUNIT_CASE_PARAM(pcref_kt_by_name_spares_owned,
			 pcref_kt_variant_gen_params),
	KUNIT_CASE(pcref_kt_refcount_refuses_underflow),
	KUNIT_CASE(pcref_kt_tracker_refuses_bad_put),
	KUNIT_CASE(pcref_kt_tracker_fresh_holder),
	KUNIT_CASE(pcref_kt_tracker_holders_bounded),
	{}
};

static struct kunit_suite pcref_kt_suite = {
	.name = "pcpuref",
	.test_cases = pcref_kt_cases,
};

/* ------------------------------------------------------ concurrency */

/*
 * Phase 0: every CPU does iters x (hold, hold, put): +iters on its slot.
 * Phase 1: the first thread puts every one of those references (so its
 * slot goes deeply negative) while the others do hold+put pairs.
 */
static void pcref_kt_cross_fn(struct pcref_kt_job *job)
{
	u32 i, n;

	if (job->phase == 0) {
		for (i = 0; i < job->iters; i++) {
			pcref_hold(job->dev);
			pcref_hold(job->dev);
			pcref_put(job->dev);
			if (!(i & 4095))
				cond_resched();
		}
		return;
	}
	n = job->idx == 0 ? job->iters * job->nthreads : job->iters;
	for (i = 0; i < n; i++) {
		if (job->idx != 0)
			pcref_hold(job->dev);
		pcref_put(job->dev);
		if (!(i & 4095))
			cond_resched();
	}
}

static void pcref_kt_sum_exact_across_cpus(struct kunit *test)
{
	const enum pcref_variant *v = test->param_value;
	struct pcref_kt_job *jobs, tmpl = {
		.fn = pcref_kt_cross_fn, .iters = PCREF_KT_ITERS,
	};
	struct pcref_dev *dev;
	unsigned int n, i;
	int sum;

	jobs = kunit_kcalloc(test, nr_cpu_ids, sizeof(*jobs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, jobs);
	dev = pcref_kt_register(test, "kt_sum", *v);
	if (!dev)
		return;
	tmpl.dev = dev;

	tmpl.phase = 0;
	n = pcref_kt_on_each_cpu(test, jobs, nr_cpu_ids, &tmpl);
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(dev),
			(int)(1 + n * PCREF_KT_ITERS));
	for (i = 0; i < n; i++)
		if (!jobs[i].ran)
			goto out;	/* counts unknown: no phase 1 */

	tmpl.phase = 1;
	n = pcref_kt_on_each_cpu(test, jobs, nr_cpu_ids, &tmpl);
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(dev), 1);
	/*
	 * Percpu: the first CPU put n*iters references it took only iters
	 * of; its slot is negative and only the sum is right.
	 */
	if (pcref_variant_percpu(*v) && n > 1)
		KUNIT_EXPECT_LT(test, pcref_kt_slot(dev, jobs[0].cpu), 0);
	kunit_info(test, "%u threads, %llu ops\n", n,
		   (u64)n * PCREF_KT_ITERS * 3 + (u64)n * PCREF_KT_ITERS +
		   (u64)(n - 1) * PCREF_KT_ITERS);
out:
	/* whatever a failed phase left held: drop it so unregister ends */
	sum = pcref_refcnt_read(dev);
	while (sum-- > 1)
		pcref_put(dev);
	pcref_unregister(dev);
}

static void pcref_kt_hold_fn(struct pcref_kt_job *job)
{
	u32 i;

	for (i = 0; i < job->iters; i++)
		pcref_hold(job->dev);
}

static void pcref_kt_put_fn(struct pcref_kt_job *job)
{
	u32 i;

	for (i = 0; i < job->iters; i++)
		pcref_put(job->dev);
}

static void pcref_kt_sum_survives_cpu_hotplug(struct kunit *test)
{
	const enum pcref_variant *v = test->param_value;
	struct pcref_kt_job job = { .fn = pcref_kt_hold_fn };
	unsigned int victim, first = cpumask_first(cpu_online_mask);
	const int refs = PCREF_KT_HOTPLUG_REFS;
	struct pcref_dev *dev;
	int err, slot = 0, held = 0, offline_err = 0;
	bool offline = false;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs");
	victim = cpumask_last(cpu_online_mask);
	if (victim == first)
		kunit_skip(test, "no CPU to offline");

	dev = pcref_kt_register(test, "kt_hotplug", *v);
	if (!dev)
		return;
	job.dev = dev;
	job.iters = refs;
	if (!pcref_kt_run(test, &job, victim))
		goto out;
	held = refs;
	if (pcref_variant_percpu(*v)) {
		slot = pcref_kt_slot(dev, victim);
		KUNIT_EXPECT_GE(test, slot, refs);
	}

	err = remove_cpu(victim);
	if (err) {
		offline_err = err;	/* skipped, after the cleanup */
		goto out;
	}
	offline = true;
	/* the offline CPU's holds are still held, and still summed */
	KUNIT_EXPECT_FALSE(test, cpu_online(victim));
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(dev), 1 + refs);
	if (pcref_variant_percpu(*v))
		KUNIT_EXPECT_EQ(test, pcref_kt_slot(dev, victim), slot);

	/* half of them are put while it is away, from a surviving CPU */
	job.fn = pcref_kt_put_fn;
	job.iters = refs / 2;
	if (!pcref_kt_run(test, &job, first))
		goto out;
	held -= refs / 2;
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(dev), 1 + held);

	err = add_cpu(victim);
	KUNIT_EXPECT_EQ(test, err, 0);
	offline = err != 0;
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(dev), 1 + held);

	/* the rest from the CPU that came back */
	job.iters = held;
	if (!pcref_kt_run(test, &job, cpu_online(victim) ? victim : -1))
		goto out;
	held = 0;
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(dev), 1);
out:
	if (offline)
		KUNIT_EXPECT_EQ(test, add_cpu(victim), 0);
	while (held-- > 0)
		pcref_put(dev);
	pcref_unregister(dev);
	if (offline_err)
		kunit_skip(test, "cannot offline CPU %u: %d", victim,
			   offline_err);
}

/*
 * A listener on the unregister event that only records, for one device:
 * it compares pointers and never dereferences, so a broken unregister that
 * freed the device early cannot make the test itself touch freed memory.
 * It lives on the case's stack: every exit path unregisters it.
 */
struct pcref_kt_listener {
	struct notifier_block nb;
	struct pcref_dev *dev;
	atomic_t announces;
	bool put_on_event;	/* drop our reference when told */
	atomic_t puts;
};

static int pcref_kt_event(struct notifier_block *nb, unsigned long event,
			  void *data)
{
	struct pcref_kt_listener *l =
		container_of(nb, struct pcref_kt_listener, nb);

	if (event != PCREF_EVENT_UNREGISTER || data != l->dev)
		return NOTIFY_DONE;
	atomic_inc(&l->announces);
	if (l->put_on_event && atomic_inc_return(&l->puts) == 1)
		pcref_put(l->dev);
	return NOTIFY_OK;
}

/* Register @l for @dev; false (and a failure recorded) when it cannot. */
static bool pcref_kt_listen(struct kunit *test, struct pcref_kt_listener *l,
			    struct pcref_dev *dev, bool put_on_event)
{
	int err;

	l->nb.notifier_call = pcref_kt_event;
	l->dev = dev;
	l->put_on_event = put_on_event;
	atomic_set(&l->announces, 0);
	atomic_set(&l->puts, 0);
	err = pcref_register_notifier(&l->nb);
	KUNIT_EXPECT_EQ(test, err, 0);
	return !err;
}

/* Wait (bounded by @ms) until the listener has seen @n announcements. */
static bool pcref_kt_wait_announces(struct pcref_kt_listener *l, int n,
				    unsigned int ms)
{
	unsigned int t;

	for (t = 0; t < ms; t += 20) {
		if (atomic_read(&l->announces) >= n)
			return true;
		msleep(20);
	}
	return atomic_read(&l->announces) >= n;
}

static void pcref_kt_unregister_fn(struct pcref_kt_job *job)
{
	pcref_unregister_timed(job->dev, job->warn_ms, &job->stats);
}

static void pcref_kt_unregister_waits_for_ref(struct kunit *test)
{
	const enum pcref_variant *v = test->param_value;
	struct pcref_kt_job unreg = { .fn = pcref_kt_unregister_fn };
	struct pcref_kt_job dropper = { .fn = pcref_kt_put_fn, .iters = 1 };
	struct pcref_kt_listener l = {};
	struct pcref_dev *dev;
	bool done, held;

	dev = pcref_kt_register(test, "kt_wait", *v);
	if (!dev)
		return;
	pcref_hold(dev);		/* the reference the unregister waits for */
	held = true;
	if (!pcref_kt_listen(test, &l, dev, false))
		goto out_sync;

	unreg.dev = dev;
	unreg.warn_ms = 3600 * 1000;
	if (!pcref_kt_go(test, &unreg, -1))
		goto out_listener;
	/* unlisted, grace period over, now polling the count */
	KUNIT_EXPECT_TRUE(test, pcref_kt_wait_announces(&l, 1,
							PCREF_KT_WAIT_MS));
	KUNIT_EXPECT_PTR_EQ(test, pcref_get_by_name("kt_wait"), NULL);
	msleep(100);
	done = completion_done(&unreg.done);
	KUNIT_EXPECT_FALSE_MSG(test, done,
			       "unregister returned while a reference was held");

	if (!done) {
		/* another thread (another CPU when there is one) drops it */
		dropper.dev = dev;
		pcref_kt_run(test, &dropper, -1);
		held = !dropper.ran;
	}
	/*
	 * cleanup: our reference (if the dropper did not put it) ends it;
	 * an unregister that already returned has freed the device with it
	 */
	if (held && !done)
		pcref_put(dev);
	KUNIT_EXPECT_TRUE(test, pcref_kt_wait(&unreg));
	pcref_kt_stop(&unreg);
	KUNIT_EXPECT_GE(test, unreg.stats.announces, 1U);
	KUNIT_EXPECT_GE(test, unreg.stats.waits, 1U);
	pcref_unregister_notifier(&l.nb);
	return;

out_listener:
	pcref_unregister_notifier(&l.nb);
out_sync:
	pcref_put(dev);
	pcref_unregister(dev);
}

static void pcref_kt_notifier_drops_ref(struct kunit *test)
{
	const enum pcref_variant *v = test->param_value;
	struct pcref_kt_listener l = {};
	struct pcref_unreg_stats st;
	struct pcref_dev *dev;

	dev = pcref_kt_register(test, "kt_notify", *v);
	if (!dev)
		return;
	pcref_hold(dev);
	if (!pcref_kt_listen(test, &l, dev, true)) {
		pcref_put(dev);
		pcref_unregister(dev);
		return;
	}
	/* completes only because the listener puts on the first event */
	pcref_unregister_timed(dev, 3600 * 1000, &st);
	KUNIT_EXPECT_EQ(test, atomic_read(&l.puts), 1);
	KUNIT_EXPECT_GE(test, st.announces, 1U);
	pcref_unregister_notifier(&l.nb);
}

static void pcref_kt_warns_past_timeout(struct kunit *test)
{
	const enum pcref_variant *v = test->param_value;
	struct pcref_kt_job unreg = { .fn = pcref_kt_unregister_fn };
	struct pcref_kt_listener l = {};
	struct pcref_dev *dev;

	dev = pcref_kt_register(test, "kt_warn", *v);
	if (!dev)
		return;
	pcref_hold(dev);
	if (!pcref_kt_listen(test, &l, dev, false)) {
		pcref_put(dev);
		pcref_unregister(dev);
		return;
	}

	unreg.dev = dev;
	unreg.warn_ms = 50;	/* short timeout for the test */
	if (!pcref_kt_go(test, &unreg, -1)) {
		pcref_unregister_notifier(&l.nb);
		pcref_put(dev);
		pcref_unregister(dev);
		return;
	}
	/* a re-announcement means it waited over a second: > 50 ms */
	KUNIT_EXPECT_TRUE(test, pcref_kt_wait_announces(&l, 2,
							PCREF_KT_WAIT_MS));
	/* an unregister that returned with our reference held freed @dev */
	if (completion_done(&unreg.done))
		KUNIT_FAIL(test, "unregister returned while a reference was held");
	else
		pcref_put(dev);
	KUNIT_EXPECT_TRUE(test, pcref_kt_wait(&unreg));
	pcref_kt_stop(&unreg);
	KUNIT_EXPECT_GE(test, unreg.stats.warnings, 1U);
	KUNIT_EXPECT_GE(test, unreg.stats.announces, 2U);
	pcref_unregister_notifier(&l.nb);
}

/*
 * Lookup by name against unregister. A lookup that found the device is
 * held inside its read-side section, before its hold, by the core's test
 * hook; then the device is unregistered. The unregister's grace period
 * must wait for that lookup: it may not announce (let alone sum the count
 * and free) while the lookup dwells, and once the lookup is released its
 * hold must keep the unregister waiting. Without synchronize_rcu() the
 * unregister announces, reads the base and frees the device while the
 * lookup still has it in hand; the case then fails and tells the hook to
 * give up without touching the device.
 */
struct pcref_kt_race {
	atomic_t armed;			/* 1: the next lookup dwells */
	struct completion dwelling;	/* that lookup is in the hook */
	bool release;			/* let it go on */
	bool abandon;			/* ... without touching the device */
};

/* Runs inside pcref_get_by_name()'s read-side section: must not sleep. */
static bool pcref_kt_race_hook(struct pcref_dev *dev, void *arg)
{
	struct pcref_kt_race *r = arg;
	unsigned long until;

	if (atomic_cmpxchg(&r->armed, 1, 0) != 1)
		return true;	/* only the first lookup dwells */
	complete(&r->dwelling);
	/* bounded, well below the RCU stall timeout: the case releases us */
	until = jiffies + msecs_to_jiffies(PCREF_KT_DWELL_MAX_MS);
	while (!READ_ONCE(r->release) && time_before(jiffies, until))
		cpu_relax();
	return READ_ONCE(r->release) && !READ_ONCE(r->abandon);
}

static void pcref_kt_lookup_fn(struct pcref_kt_job *job)
{
	job->found = pcref_get_by_name(job->name);
}

static void pcref_kt_lookup_races_unregister(struct kunit *test)
{
	const enum pcref_variant *v = test->param_value;
	struct pcref_kt_job reader = {
		.fn = pcref_kt_lookup_fn, .name = "kt_race",
	};
	struct pcref_kt_job unreg = {
		.fn = pcref_kt_unregister_fn, .warn_ms = 3600 * 1000,
	};
	struct pcref_kt_race race = {};
	const struct pcref_test_hooks hooks = {
		.lookup_found = pcref_kt_race_hook, .arg = &race,
	};
	struct pcref_kt_listener l = {};
	bool reader_on = false, unreg_on = false, listening = false, early;
	struct pcref_dev *dev, *found = NULL;
	unsigned int ms;

	/* the dwelling lookup spins: someone else must be able to run */
	if (num_online_cpus() < 2 && !IS_ENABLED(CONFIG_PREEMPT_RCU))
		kunit_skip(test, "needs two CPUs or preemptible RCU");
	dev = pcref_kt_register(test, "kt_race", *v);
	if (!dev)
		return;
	atomic_set(&race.armed, 1);
	init_completion(&race.dwelling);
	pcref_test_set_hooks(&hooks);
	listening = pcref_kt_listen(test, &l, dev, false);
	if (!listening)
		goto out;

	reader_on = pcref_kt_go(test, &reader, -1);
	if (!reader_on)
		goto out;
	if (!wait_for_completion_timeout(&race.dwelling,
					 msecs_to_jiffies(PCREF_KT_WAIT_MS))) {
		KUNIT_FAIL(test, "the lookup never found the device");
		goto out;
	}
	/* the reader has found @dev listed and not held it yet */
	unreg.dev = dev;
	unreg_on = pcref_kt_go(test, &unreg, -1);
	if (!unreg_on)
		goto out;
	/* wait until it is unlisted: our own lookups (not dwelling) miss */
	for (ms = 0; ms < PCREF_KT_WAIT_MS; ms += 20) {
		found = pcref_get_by_name("kt_race");
		if (!found)
			break;
		pcref_put(found);
		msleep(20);
	}
	KUNIT_EXPECT_PTR_EQ(test, found, NULL);
	/*
	 * The grace period cannot end while the reader dwells, so neither
	 * the announcement nor the end of the unregister may come. (This
	 * window only bounds how long we look for a wrong outcome; the
	 * right one never depends on it.)
	 */
	early = pcref_kt_wait_announces(&l, 1, PCREF_KT_RACE_LOOK_MS) ||
		completion_done(&unreg.done);
	KUNIT_EXPECT_FALSE_MSG(test, early,
			       "unregister announced/returned while a lookup that found the device was inside its read-side section");
	if (early)
		WRITE_ONCE(race.abandon, true);	/* @dev may be freed */
	WRITE_ONCE(race.release, true);
	KUNIT_EXPECT_TRUE(test, pcref_kt_wait(&reader));
	pcref_kt_stop(&reader);
	reader_on = false;
	if (early)
		goto out;

	/* its hold was taken before the grace period ended: it is counted */
	KUNIT_EXPECT_PTR_EQ(test, reader.found, dev);
	KUNIT_EXPECT_TRUE(test, pcref_kt_wait_announces(&l, 1,
							PCREF_KT_WAIT_MS));
	KUNIT_EXPECT_FALSE_MSG(test, completion_done(&unreg.done),
			       "unregister returned while the lookup's reference was held");
out:
	if (reader_on) {
		WRITE_ONCE(race.release, true);
		pcref_kt_wait(&reader);
		pcref_kt_stop(&reader);
	}
	/* unless a (wrongly) finished unregister freed it with the hold */
	if (reader.found && !(unreg_on && completion_done(&unreg.done)))
		pcref_put(reader.found);
	if (unreg_on) {
		KUNIT_EXPECT_TRUE(test, pcref_kt_wait(&unreg));
		pcref_kt_stop(&unreg);
	} else {
		pcref_unregister(dev);
	}
	if (listening)
		pcref_unregister_notifier(&l.nb);
	pcref_test_set_hooks(NULL);
}

/*
 * The tracker stage's point: a leaked reference is named. A tracked
 * reference for owner "leaker" is held while another thread unregisters
 * the device (with a 50 ms warning interval). While that unregister
 * waits, the holders listing (the procfs "holders" file's walk) must name
 * "leaker" on the device, as unregistering (it is unlisted by then, so a
 * listing of the registry alone would miss it), and the wait warnings
 * must have named a holder; then the tracked put lets it complete, and
 * the listing forgets the device. If the hold recorded no tracker, the
 * listing and the warnings name nobody and the case fails.
 */
static void pcref_kt_tracker_names_leaker(struct kunit *test)
{
	struct pcref_kt_job unreg = {
		.fn = pcref_kt_unregister_fn, .warn_ms = 50,
	};
	struct pcref_tracker *trk = NULL;
	struct pcref_kt_listener l = {};
	struct pcref_kt_holder_find f;
	struct pcref_dev *dev;
	bool done;
	int err;

	dev = pcref_kt_register(test, "kt_leak", PCREF_TRACKER);
	if (!dev)
		return;
	err = pcref_hold_tracked(dev, &trk, "leaker", GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, err, 0);
	if (err) {
		pcref_unregister(dev);
		return;
	}
	if (!pcref_kt_listen(test, &l, dev, false)) {
		pcref_put_tracked(dev, &trk);
		pcref_unregister(dev);
		return;
	}
	unreg.dev = dev;
	if (!pcref_kt_go(test, &unreg, -1)) {
		pcref_unregister_notifier(&l.nb);
		pcref_put_tracked(dev, &trk);
		pcref_unregister(dev);
		return;
	}
	/*
	 * A re-announcement comes a second into the wait: past many 50 ms
	 * warning intervals, each naming the holders it finds.
	 */
	KUNIT_EXPECT_TRUE(test, pcref_kt_wait_announces(&l, 2,
							PCREF_KT_WAIT_MS));
	f = pcref_kt_holders("kt_leak", "leaker");
	KUNIT_EXPECT_EQ_MSG(test, f.found, 1U,
			    "the holders listing does not name \"leaker\" while the unregister waits for its reference");
	KUNIT_EXPECT_EQ_MSG(test, f.unregistering, f.found,
			    "\"leaker\" listed, but not as holding an unregistering device");
	done = completion_done(&unreg.done);
	KUNIT_EXPECT_FALSE_MSG(test, done,
			       "unregister returned while a tracked reference was held");
	/* an unregister that returned anyway freed @dev with our tracker */
	if (!done) {
		KUNIT_EXPECT_EQ(test, pcref_tracker_count(dev), 1U);
		KUNIT_EXPECT_EQ(test, pcref_put_tracked(dev, &trk), 0);
	}
	KUNIT_EXPECT_TRUE(test, pcref_kt_wait(&unreg));
	pcref_kt_stop(&unreg);
	KUNIT_EXPECT_GE(test, unreg.stats.warnings, 1U);
	KUNIT_EXPECT_GE_MSG(test, unreg.stats.named, 1U,
			    "the wait warnings named no holder");
	f = pcref_kt_holders("kt_leak", "leaker");
	KUNIT_EXPECT_EQ(test, f.found, 0U);
	pcref_unregister_notifier(&l.nb);
}

static struct kunit_case pcref_kt_stress_cases[] = {
	KUNIT_CASE_PARAM(pcref_kt_sum_exact_across_cpus,
			 pcref_kt_variant_gen_params),
	KUNIT_CASE_PARAM(pcref_kt_sum_survives_cpu_hotplug,
			 pcref_kt_variant_gen_params),
	KUNIT_CASE_PARAM(pcref_kt_unregister_waits_for_ref,
			 pcref_kt_variant_gen_params),
	KUNIT_CASE_PARAM(pcref_kt_notifier_drops_ref,
			 pcref_kt_variant_gen_params),
	KUNIT_CASE_PARAM(pcref_kt_warns_past_timeout,
			 pcref_kt_variant_gen_params),
	KUNIT_CASE_PARAM(pcref_kt_lookup_races_unregister,
			 pcref_kt_variant_gen_params),
	KUNIT_CASE(pcref_kt_tracker_names_leaker),
	{}
};

static struct kunit_suite pcref_kt_stress_suite = {
	.name = "pcpuref_stress",
	.test_cases = pcref_kt_stress_cases,
};

kunit_test_suites(&pcref_kt_suite, &pcref_kt_stress_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for pcpuref");
MODULE_AUTHOR(RCUNET_AUTHOR);
MODULE_VERSION(RCUNET_VERSION);
RCUNET_IMPORT_TEST_EXPORTS();
