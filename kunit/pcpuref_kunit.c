// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for pcpuref: the per-cpu refcount and its atomic/refcount_t
 * originals, run through the same scenarios.
 *
 * "pcpuref" checks semantics (every variant agrees on every step, lookups,
 * errors); "pcpuref_stress" checks concurrency: holds and puts from kthreads
 * bound to every online CPU, CPU hotplug with a non-zero slot, an
 * unregister that must wait for a held reference and warn while it waits.
 * Timings are never asserted (the tests run under TCG): "waits" is checked
 * by state, not by elapsed time.
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
	PCREF_PERCPU, PCREF_ATOMIC, PCREF_REFCOUNT,
};

static void pcref_kt_variant_desc(const enum pcref_variant *v, char *desc)
{
	strscpy(desc, pcref_variant_name(*v), KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pcref_kt_variant, pcref_kt_variants, pcref_kt_variant_desc);

/* Iterations per thread of the cross-CPU test: millions of ops in all. */
#define PCREF_KT_ITERS		300000
/* Refs parked on the CPU that goes offline. */
#define PCREF_KT_HOTPLUG_REFS	1000
/* Bound on every wait for another thread (never a timing assertion). */
#define PCREF_KT_WAIT_MS	30000

/* ---------------------------------------------------- thread helpers */

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
	/* unregister jobs */
	unsigned int warn_ms;
	struct pcref_unreg_stats stats;
};

static int pcref_kt_thread(void *arg)
{
	struct pcref_kt_job *job = arg;

	if (job->start)
		wait_for_completion(job->start);
	job->fn(job);
	/* completes and exits without returning into this module */
	kthread_complete_and_exit(&job->done, 0);
}

/* Start @job in a kthread, bound to @cpu unless it is negative. */
static int pcref_kt_start(struct pcref_kt_job *job, int cpu)
{
	struct task_struct *t;

	init_completion(&job->done);
	t = kthread_create(pcref_kt_thread, job, "pcref_kt/%d", cpu);
	if (IS_ERR(t))
		return PTR_ERR(t);
	if (cpu >= 0) {
		job->cpu = cpu;
		kthread_bind(t, cpu);
	}
	wake_up_process(t);
	return 0;
}

static bool pcref_kt_wait(struct pcref_kt_job *job)
{
	return wait_for_completion_timeout(&job->done,
					   msecs_to_jiffies(PCREF_KT_WAIT_MS));
}

/*
 * Run @fn in one kthread per online CPU, all released at once; returns
 * the number of threads, each job's idx/cpu filled in. CPUs stay online
 * meanwhile (cpus_read_lock), so no thread is bound to a dying CPU.
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
		n++;
	}
	for (i = 0; i < n; i++)
		jobs[i].nthreads = n;
	i = 0;
	for_each_online_cpu(cpu) {
		if (i == n)
			break;
		/* no ASSERT here: it would leave cpus_read_lock held */
		if (pcref_kt_start(&jobs[i], cpu)) {
			KUNIT_FAIL(test, "kthread for CPU %u", cpu);
			break;
		}
		i++;
	}
	n = i;
	complete_all(&start);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_TRUE(test, pcref_kt_wait(&jobs[i]));
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

	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	KUNIT_ASSERT_EQ(test, pcref_refcnt_read(dev), 1);
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
	KUNIT_EXPECT_EQ(test, pcref_unregister_by_name("kt_dup"), 0);
	KUNIT_EXPECT_PTR_EQ(test, pcref_get_by_name("kt_dup"), NULL);
}

static struct kunit_case pcref_kt_cases[] = {
	KUNIT_CASE(pcref_kt_variants_agree),
	KUNIT_CASE_PARAM(pcref_kt_register_errors, pcref_kt_variant_gen_params),
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
	unsigned int n;

	jobs = kunit_kcalloc(test, nr_cpu_ids, sizeof(*jobs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, jobs);
	dev = pcref_kt_register(test, "kt_sum", *v);
	tmpl.dev = dev;

	tmpl.phase = 0;
	n = pcref_kt_on_each_cpu(test, jobs, nr_cpu_ids, &tmpl);
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(dev),
			(int)(1 + n * PCREF_KT_ITERS));

	tmpl.phase = 1;
	n = pcref_kt_on_each_cpu(test, jobs, nr_cpu_ids, &tmpl);
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(dev), 1);
	/*
	 * Percpu: the first CPU put n*iters references it took only iters
	 * of; its slot is negative and only the sum is right.
	 */
	if (*v == PCREF_PERCPU && n > 1)
		KUNIT_EXPECT_LT(test, pcref_kt_slot(dev, jobs[0].cpu), 0);
	kunit_info(test, "%u threads, %llu ops\n", n,
		   (u64)n * PCREF_KT_ITERS * 3 + (u64)n * PCREF_KT_ITERS +
		   (u64)(n - 1) * PCREF_KT_ITERS);
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
	int err, slot = 0;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs");
	victim = cpumask_last(cpu_online_mask);
	if (victim == first)
		kunit_skip(test, "no CPU to offline");

	dev = pcref_kt_register(test, "kt_hotplug", *v);
	job.dev = dev;
	job.iters = refs;
	KUNIT_ASSERT_EQ(test, pcref_kt_start(&job, victim), 0);
	KUNIT_ASSERT_TRUE(test, pcref_kt_wait(&job));
	if (*v == PCREF_PERCPU) {
		slot = pcref_kt_slot(dev, victim);
		KUNIT_EXPECT_GE(test, slot, refs);
	}

	err = remove_cpu(victim);
	if (err) {
		job.fn = pcref_kt_put_fn;
		KUNIT_ASSERT_EQ(test, pcref_kt_start(&job, -1), 0);
		KUNIT_ASSERT_TRUE(test, pcref_kt_wait(&job));
		pcref_unregister(dev);
		kunit_skip(test, "cannot offline CPU %u: %d", victim, err);
	}
	/* the offline CPU's holds are still held, and still summed */
	KUNIT_EXPECT_FALSE(test, cpu_online(victim));
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(dev), 1 + refs);
	if (*v == PCREF_PERCPU)
		KUNIT_EXPECT_EQ(test, pcref_kt_slot(dev, victim), slot);

	/* half of them are put while it is away, from a surviving CPU */
	job.fn = pcref_kt_put_fn;
	job.iters = refs / 2;
	KUNIT_ASSERT_EQ(test, pcref_kt_start(&job, first), 0);
	KUNIT_ASSERT_TRUE(test, pcref_kt_wait(&job));
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(dev), 1 + refs - refs / 2);

	KUNIT_EXPECT_EQ(test, add_cpu(victim), 0);
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(dev), 1 + refs - refs / 2);

	/* the rest from the CPU that came back */
	job.iters = refs - refs / 2;
	KUNIT_ASSERT_EQ(test, pcref_kt_start(&job,
					     cpu_online(victim) ? victim : -1),
			0);
	KUNIT_ASSERT_TRUE(test, pcref_kt_wait(&job));
	KUNIT_EXPECT_EQ(test, pcref_refcnt_read(dev), 1);
	pcref_unregister(dev);
}

/*
 * A listener on the unregister event that only records, for one device:
 * it compares pointers and never dereferences, so a broken unregister that
 * freed the device early cannot make the test itself touch freed memory.
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

static void pcref_kt_listen(struct kunit *test, struct pcref_kt_listener *l,
			    struct pcref_dev *dev, bool put_on_event)
{
	l->nb.notifier_call = pcref_kt_event;
	l->dev = dev;
	l->put_on_event = put_on_event;
	atomic_set(&l->announces, 0);
	atomic_set(&l->puts, 0);
	KUNIT_ASSERT_EQ(test, pcref_register_notifier(&l->nb), 0);
}

/* Wait (bounded) until the listener has seen @n announcements. */
static bool pcref_kt_wait_announces(struct pcref_kt_listener *l, int n)
{
	unsigned int ms;

	for (ms = 0; ms < PCREF_KT_WAIT_MS; ms += 20) {
		if (atomic_read(&l->announces) >= n)
			return true;
		msleep(20);
	}
	return false;
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
	bool done;

	dev = pcref_kt_register(test, "kt_wait", *v);
	pcref_hold(dev);		/* the reference the unregister waits for */
	pcref_kt_listen(test, &l, dev, false);

	unreg.dev = dev;
	unreg.warn_ms = 3600 * 1000;
	KUNIT_ASSERT_EQ(test, pcref_kt_start(&unreg, -1), 0);
	/* unlisted, grace period over, now polling the count */
	KUNIT_EXPECT_TRUE(test, pcref_kt_wait_announces(&l, 1));
	KUNIT_EXPECT_PTR_EQ(test, pcref_get_by_name("kt_wait"), NULL);
	msleep(100);
	done = completion_done(&unreg.done);
	KUNIT_EXPECT_FALSE_MSG(test, done,
			       "unregister returned while a reference was held");

	if (!done) {
		/* another thread (another CPU when there is one) drops it */
		dropper.dev = dev;
		KUNIT_ASSERT_EQ(test, pcref_kt_start(&dropper, -1), 0);
		KUNIT_EXPECT_TRUE(test, pcref_kt_wait(&dropper));
	}
	KUNIT_EXPECT_TRUE(test, pcref_kt_wait(&unreg));
	KUNIT_EXPECT_GE(test, unreg.stats.announces, 1U);
	KUNIT_EXPECT_GE(test, unreg.stats.waits, 1U);
	pcref_unregister_notifier(&l.nb);
}

static void pcref_kt_notifier_drops_ref(struct kunit *test)
{
	const enum pcref_variant *v = test->param_value;
	struct pcref_kt_listener l = {};
	struct pcref_unreg_stats st;
	struct pcref_dev *dev;

	dev = pcref_kt_register(test, "kt_notify", *v);
	pcref_hold(dev);
	pcref_kt_listen(test, &l, dev, true);
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
	pcref_hold(dev);
	pcref_kt_listen(test, &l, dev, false);

	unreg.dev = dev;
	unreg.warn_ms = 50;	/* short timeout for the test */
	KUNIT_ASSERT_EQ(test, pcref_kt_start(&unreg, -1), 0);
	/* a re-announcement means it waited over a second: > 50 ms */
	KUNIT_EXPECT_TRUE(test, pcref_kt_wait_announces(&l, 2));
	pcref_put(dev);
	KUNIT_EXPECT_TRUE(test, pcref_kt_wait(&unreg));
	KUNIT_EXPECT_GE(test, unreg.stats.warnings, 1U);
	KUNIT_EXPECT_GE(test, unreg.stats.announces, 2U);
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
	{}
};

static struct kunit_suite pcref_kt_stress_suite = {
	.name = "pcpuref_stress",
	.test_cases = pcref_kt_stress_cases,
};

kunit_test_suites(&pcref_kt_suite, &pcref_kt_stress_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for pcpuref");
