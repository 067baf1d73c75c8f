// SPDX-License-Identifier: GPL-2.0
/*
 * rcunet shared core: the in-kernel benchmark harness.
 *
 * Modelled on kernel/rcu/refscale.c. A module hands over an array of
 * variants (ops). For every thread count of a spec the harness does one
 * warm-up round and @runs measured rounds; a round visits every selected
 * variant, and an empty op that measures the harness itself, in a fresh
 * random order (so drift over time is spread over all variants instead of
 * being confounded with one), and each visit is: ->setup(), rcu_barrier()
 * and a settle (the previous variant's deferred frees must not land in
 * this measurement), one timed run, ->teardown().
 *
 * A timed run: @threads kthreads bound round-robin to the online CPUs
 * check in and spin until the last one has arrived (an aligned start, not
 * a staggered wake-up), then time their @loops ops chunk by chunk, with
 * the reschedule points between chunks outside the timing. A thread that
 * is done keeps running untimed ops until the last thread is done (the
 * cool-down), so contention stays what it was at the start. Per run the
 * harness keeps the per-op cost over all threads, the overlap (how long
 * all threads were timing at once, over the longest thread's time) and how
 * many threads were switched out while timing.
 *
 * Timings are only comparable within one boot: under TCG they are
 * emulated time, so report ratios between variants, never absolutes.
 */
#define pr_fmt(fmt) "rcunet: " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/sort.h>
#include <linux/delay.h>
#include <linux/mutex.h>
#include <linux/math64.h>
#include <linux/ktime.h>
#include <linux/cpumask.h>
#include <linux/cpu.h>
#include <linux/uaccess.h>
#include <linux/seq_file.h>
#include <linux/random.h>
#include <linux/prandom.h>
#include <linux/rcupdate.h>
#include "rcunet.h"

/* Ops per ->run() call; each chunk is timed on its own. */
#define BENCH_CHUNK		256
/*
 * Room for one result line without its names, the module's extra tokens
 * and its lists: every number at its widest is 533 bytes.
 */
#define BENCH_LINE_SIZE		768
/* One list entry at its widest: ",%llu.%03u" of U64_MAX ps is 22 bytes. */
#define BENCH_NUM_SIZE		22
/* The module's extra tokens (->show_params()), NUL included. */
#define BENCH_EXTRA_SIZE	96
#define BENCH_DEFAULT_LOOPS	100000
#define BENCH_DEFAULT_RUNS	15
#define BENCH_MAX_LOOPS		10000000000ULL
/* A run's overlap below this (per mille) is flagged in its result line. */
#define BENCH_OVERLAP_WARN	900
/* Quiet time after rcu_barrier() before a run, in microseconds. */
#define BENCH_SETTLE_US		1000

/* One benchmark at a time: concurrent ones would measure each other. */
static DEFINE_MUTEX(rcunet_bench_mutex);

struct rcunet_bench_state {
	struct proc_dir_entry *pde;
	struct proc_dir_entry *variants_pde;
	struct mutex result_lock;	/* protects result */
	char *result;
};

/* One timed run of one variant (or of the empty op) at one thread count. */
struct bench_run {
	const struct rcunet_bench *bench;
	int (*op)(void *ctx, unsigned int tid, u64 n);
	u64 loops;
	/*
	 * Ops per untimed cool-down call: a chunk for a fast op, one for a
	 * slow-path op (a grace period each: 256 of them would keep the
	 * finished thread, and the next visit, waiting long after the last
	 * timed op).
	 */
	u64 cool_chunk;
	/* every thread exists: they may check in (set once, then woken) */
	bool created;
	wait_queue_head_t created_wq;
	/* threads (plus the writer) not yet at the start line */
	atomic_t checkin;
	/* threads still timing: the others keep the load on (cool-down) */
	atomic_t timing;
	/* threads not yet out of the cool-down */
	atomic_t alive;
	/* start line lifted: set by whoever checks in last */
	bool go;
	/*
	 * More threads than online CPUs: a spinning thread would only keep a
	 * thread with work off its CPU, so they sleep at the start line and
	 * skip the cool-down (the start cannot be aligned anyway).
	 */
	bool oversubscribed;
	wait_queue_head_t go_wq;
	/* stop early (a signal, a thread that could not be created) */
	bool abort;
	struct completion done;
};

struct bench_thread {
	struct bench_run *run;
	struct task_struct *task;
	unsigned int tid;
	u64 start_ns, end_ns;	/* the timed window, wall clock */
	u64 busy_ns;		/* the sum of the timed chunks */
	unsigned long switches;	/* preemptions inside the window */
	int err;
};

/* What one timed run leaves behind. */
struct bench_sample {
	u64 ps_per_op;		/* over all threads: sum(busy) / sum(ops) */
	u32 overlap_pm;		/* per mille */
	u32 offcpu;		/* threads switched out while timing */
};

/* The harness's own cost: an op that does nothing. */
static int bench_empty_op(void *ctx, unsigned int tid, u64 n)
{
	return 0;
}

/* The last one to arrive (threads and the writer) lifts the start line. */
static void bench_check_in(struct bench_run *run)
{
	if (atomic_dec_and_test(&run->checkin)) {
		/* pairs with the acquire in the spin of bench_thread_fn() */
		smp_store_release(&run->go, true);
		if (run->oversubscribed)
			wake_up_all(&run->go_wq);
	}
}

/*
 * Involuntary switches only: a thread preempted (by another task, or at a
 * cond_resched() between chunks) lost its CPU to somebody else, which is
 * what offcpu warns of. A voluntary sleep inside an op (a grace period
 * wait, a mutex) is that op's own cost, not a disturbed measurement.
 */
static unsigned long bench_switches(void)
{
	return current->nivcsw;
}

static int bench_thread_fn(void *arg)
{
	struct bench_thread *bt = arg;
	struct bench_run *run = bt->run;
	void *ctx = run->bench->ctx;
	u64 left = run->loops, busy = 0, t0, n;
	unsigned long switches;
	int err = 0;

	/*
	 * Sleep while the writer creates the others: spinning threads would
	 * starve kthreadd and the writer of their CPUs (with more threads
	 * than CPUs, creating 130 threads took minutes). Idle, not
	 * uninterruptible: creating thousands of them can outlast the
	 * hung-task timeout.
	 */
	wait_event_idle(run->created_wq, READ_ONCE(run->created));
	bench_check_in(run);
	/*
	 * Then spin rather than sleep: a wake-up per thread staggers the
	 * starts by IPI and scheduling latency. cond_resched() lets the
	 * writer, when it shares this CPU, get to the start line.
	 */
	if (run->oversubscribed)
		/* pairs with the release in bench_check_in() */
		wait_event_idle(run->go_wq, smp_load_acquire(&run->go));
	/* pairs with the release in bench_check_in(), as above */
	while (!smp_load_acquire(&run->go)) {
		cpu_relax();
		cond_resched();
	}

	switches = bench_switches();
	bt->start_ns = ktime_get_ns();
	while (left && !READ_ONCE(run->abort)) {
		n = min_t(u64, left, BENCH_CHUNK);
		t0 = ktime_get_ns();
		err = run->op(ctx, bt->tid, n);
		busy += ktime_get_ns() - t0;
		if (err) {
			/* this run is lost: the others need not finish theirs */
			WRITE_ONCE(run->abort, true);
			break;
		}
		left -= n;
		/* outside the timed chunk: the reschedule is not the op's cost */
		cond_resched();
	}
	bt->end_ns = ktime_get_ns();
	bt->switches = bench_switches() - switches;
	bt->busy_ns = busy;
	bt->err = err ? err : (left ? -EINTR : 0);
	atomic_dec(&run->timing);

	/* cool-down: untimed ops until the slowest thread is done */
	while (!err && !run->oversubscribed && atomic_read(&run->timing) > 0 &&
	       !READ_ONCE(run->abort)) {
		if (run->op(ctx, bt->tid, run->cool_chunk))
			break;
		cond_resched();
	}
	if (atomic_dec_and_test(&run->alive))
		complete(&run->done);

	/* Stay around until kthread_stop(): it needs the task to exist. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* The @idx-th online CPU, wrapping around. */
static unsigned int bench_pick_cpu(unsigned int idx)
{
	unsigned int cpu, n = idx % num_online_cpus();

	for_each_online_cpu(cpu)
		if (n-- == 0)
			return cpu;
	return cpumask_first(cpu_online_mask);
}

/* Overlap of the threads' timed windows over the longest one, per mille. */
static u32 bench_overlap(const struct bench_thread *bts, unsigned int n)
{
	u64 latest_start = 0, earliest_end = U64_MAX, longest = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		latest_start = max(latest_start, bts[i].start_ns);
		earliest_end = min(earliest_end, bts[i].end_ns);
		longest = max(longest, bts[i].end_ns - bts[i].start_ns);
	}
	if (!longest || earliest_end <= latest_start)
		return n == 1 ? 1000 : 0;
	return div64_u64((earliest_end - latest_start) * 1000, longest);
}

/*
 * One timed run of @op with @nthreads threads; fills @out and, when
 * @thread_ps is not NULL, each thread's cost per op in picoseconds.
 */
static int bench_one_run(const struct rcunet_bench *bench,
			 const struct rcunet_bench_variant *var,
			 unsigned int nthreads, u64 loops,
			 struct bench_sample *out, u64 *thread_ps)
{
	struct bench_thread *bts;
	struct bench_run run = {
		.bench = bench,
		.op = var ? var->run : bench_empty_op,
		.loops = loops,
		.cool_chunk = var && var->slow_path ? 1 : BENCH_CHUNK,
	};
	unsigned int i, started = 0;
	u64 busy = 0;
	int err = 0;

	bts = kcalloc(nthreads, sizeof(*bts), GFP_KERNEL);
	if (!bts)
		return -ENOMEM;
	atomic_set(&run.checkin, nthreads + 1);
	atomic_set(&run.timing, nthreads);
	atomic_set(&run.alive, nthreads);
	init_waitqueue_head(&run.created_wq);
	init_waitqueue_head(&run.go_wq);
	run.oversubscribed = nthreads > num_online_cpus();
	init_completion(&run.done);

	/*
	 * Keep the chosen CPUs online only while binding and waking: held
	 * across the run, a slow-path variant (a grace period per op) would
	 * hold a CPU hotplug writer off for minutes. A CPU that goes down
	 * mid-run moves its thread; the switch is counted as offcpu.
	 */
	cpus_read_lock();
	for (i = 0; i < nthreads; i++) {
		bts[i].run = &run;
		bts[i].tid = i;
		bts[i].task = kthread_create(bench_thread_fn, &bts[i],
					     "rcunet_bench/%u", i);
		if (IS_ERR(bts[i].task)) {
			err = PTR_ERR(bts[i].task);
			bts[i].task = NULL;
			break;
		}
		kthread_bind(bts[i].task, bench_pick_cpu(i));
		wake_up_process(bts[i].task);
		started++;
	}
	cpus_read_unlock();
	if (err) {
		/* threads never created will not count down: do it for them */
		WRITE_ONCE(run.abort, true);
		atomic_sub(nthreads - started, &run.checkin);
		atomic_sub(nthreads - started, &run.timing);
		if (atomic_sub_and_test(nthreads - started, &run.alive))
			complete(&run.done);
	}
	WRITE_ONCE(run.created, true);
	wake_up_all(&run.created_wq);
	bench_check_in(&run);

	if (wait_for_completion_interruptible(&run.done)) {
		WRITE_ONCE(run.abort, true);
		wait_for_completion(&run.done);
		if (!err)
			err = -EINTR;
	}
	for (i = 0; i < started; i++) {
		kthread_stop(bts[i].task);
		/* an op's own error, not the -EINTR of those it stopped */
		if (bts[i].err && (!err || err == -EINTR))
			err = bts[i].err;
	}
	if (!err && out) {
		memset(out, 0, sizeof(*out));
		for (i = 0; i < nthreads; i++) {
			busy += bts[i].busy_ns;
			out->offcpu += bts[i].switches ? 1 : 0;
			if (thread_ps)
				thread_ps[i] = mul_u64_u64_div_u64(bts[i].busy_ns,
								   1000, loops);
		}
		/* busy * 1000 overflows at 8192 threads of 10^10 ops of 230 ns */
		out->ps_per_op = mul_u64_u64_div_u64(busy, 1000,
						     loops * nthreads);
		out->overlap_pm = bench_overlap(bts, nthreads);
	}
	kfree(bts);
	return err;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 median_u64(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	return v[n / 2];
}

/*
 * The distribution-free 95% confidence interval of a median: with @n
 * sorted samples, [x(k), x(n+1-k)] (1-based) covers the true median with
 * probability 1 - 2 P(Binomial(n, 1/2) <= k - 1). The largest k keeping
 * that at 95% or more, as a 0-based index; 0 (min to max) when even that
 * is below 95% (fewer than 6 runs). Exact for n <= RCUNET_BENCH_MAX_RUNS:
 * 40 * 2^50 still fits in a u64.
 */
static unsigned int bench_ci_index(unsigned int n)
{
	u64 binom = 1, below = 0;
	unsigned int k;

	BUILD_BUG_ON(RCUNET_BENCH_MAX_RUNS > 56);
	for (k = 0; k < n / 2; k++) {
		/* below = 2^n P(X <= k): the coverage of index k + 1 is too low? */
		below += binom;
		if (below * 40 > (1ULL << n))
			return k ? k - 1 : 0;
		binom = div_u64(binom * (n - k), k + 1);
	}
	return 0;
}

void rcunet_bench_summarize(u64 *samples, unsigned int n,
			    struct rcunet_bench_summary *sum)
{
	unsigned int ci;

	sort(samples, n, sizeof(*samples), cmp_u64, NULL);
	ci = bench_ci_index(n);
	sum->median = samples[n / 2];
	sum->q1 = samples[n / 4];
	sum->q3 = samples[min(n - 1, 3 * n / 4)];
	sum->ci_lo = samples[ci];
	sum->ci_hi = samples[n - 1 - ci];
	sum->min = samples[0];
	sum->max = samples[n - 1];
}

RCUNET_EXPORT_FOR_TESTS(rcunet_bench_summarize);

/* Append @ps picoseconds as nanoseconds with three decimals. */
static size_t put_ns(char *buf, size_t len, const char *prefix, u64 ps)
{
	u32 frac;
	u64 ns = div_u64_rem(ps, 1000, &frac);

	return scnprintf(buf, len, "%s%llu.%03u", prefix, ns, frac);
}

/* Everything measured of one variant at one thread count. */
struct bench_meas {
	const struct rcunet_bench_variant *var;	/* NULL: the empty op */
	struct bench_sample *samples;		/* [runs] */
	u64 *thread_ps;				/* [nthreads * runs] */
	int err;
};

static int bench_visit(const struct rcunet_bench *bench,
		       struct bench_meas *m, unsigned int nthreads,
		       u64 loops, int round)
{
	const struct rcunet_bench_variant *var = m->var;
	bool measured = round >= 0;
	int err = 0;

	if (var && var->setup) {
		err = var->setup(bench->ctx, nthreads);
		if (err)
			return err;
	}
	/*
	 * The previous visit's deferred frees (call_rcu, kfree_rcu) and this
	 * setup's would otherwise run inside this measurement.
	 */
	rcu_barrier();
	usleep_range(BENCH_SETTLE_US, 2 * BENCH_SETTLE_US);
	err = bench_one_run(bench, var, nthreads, loops,
			    measured ? &m->samples[round] : NULL,
			    measured ? m->thread_ps + round * nthreads : NULL);
	if (var && var->teardown)
		var->teardown(bench->ctx);
	return err;
}

static void bench_shuffle(unsigned int *order, unsigned int n,
			  struct rnd_state *rnd)
{
	unsigned int i, j;

	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n; i > 1; i--) {
		j = prandom_u32_state(rnd) % i;
		swap(order[i - 1], order[j]);
	}
}

/* One result line for @m; @self is the empty op's median (ps per op). */
static void bench_emit(const struct rcunet_bench *bench,
		       const struct rcunet_bench_spec *spec,
		       const struct bench_meas *m, unsigned int nthreads,
		       u64 self_ps, u64 *scratch, char *buf, size_t len)
{
	const struct rcunet_bench_variant *var = m->var;
	size_t off = strlen(buf);
	struct rcunet_bench_summary sum;
	unsigned int r, t, runs = spec->runs, offcpu = 0;
	char extra[BENCH_EXTRA_SIZE] = "";
	u64 overlap;

	off += scnprintf(buf + off, len - off,
			 "module=%s variant=%s op=%s threads=%u loops=%llu runs=%u",
			 bench->module, var->name, var->op ?: "op", nthreads,
			 spec->loops, runs);
	if (m->err) {
		scnprintf(buf + off, len - off, " error=%d\n", m->err);
		return;
	}
	if (var->show_params)
		var->show_params(bench->ctx, extra, sizeof(extra));
	else if (bench->show_params)
		bench->show_params(bench->ctx, extra, sizeof(extra));

	for (r = 0; r < runs; r++) {
		scratch[r] = m->samples[r].overlap_pm;
		offcpu += m->samples[r].offcpu;
	}
	overlap = median_u64(scratch, runs);
	for (r = 0; r < runs; r++)
		scratch[r] = m->samples[r].ps_per_op;
	rcunet_bench_summarize(scratch, runs, &sum);

	off += put_ns(buf + off, len - off, " ns_per_op_median=", sum.median);
	off += put_ns(buf + off, len - off, " ns_per_op_q1=", sum.q1);
	off += put_ns(buf + off, len - off, " ns_per_op_q3=", sum.q3);
	off += put_ns(buf + off, len - off, " ns_per_op_ci_lo=", sum.ci_lo);
	off += put_ns(buf + off, len - off, " ns_per_op_ci_hi=", sum.ci_hi);
	off += put_ns(buf + off, len - off, " ns_per_op_min=", sum.min);
	off += put_ns(buf + off, len - off, " ns_per_op_max=", sum.max);
	off += scnprintf(buf + off, len - off, " ops_per_sec=%llu",
			 sum.median ? div64_u64((u64)nthreads * 1000000000000ULL,
						sum.median) : 0);
	off += put_ns(buf + off, len - off, " self_ns_per_op=", self_ps);
	off += scnprintf(buf + off, len - off,
			 " overlap=%llu.%03llu offcpu=%u warn=%s%s%s seed=%u",
			 overlap / 1000, overlap % 1000, offcpu,
			 offcpu ? "offcpu" : "",
			 offcpu && overlap < BENCH_OVERLAP_WARN ? "," : "",
			 overlap < BENCH_OVERLAP_WARN ? "overlap" :
			 (offcpu ? "" : "-"), spec->seed);
	off += scnprintf(buf + off, len - off,
			 " role=%s twin=%s same_work_as=%s previous=%s path=%s",
			 rcunet_role_name(var->role), var->twin ?: "-",
			 rcunet_bench_same_work(var) ?: "-",
			 var->previous ?: "-", var->slow_path ? "slow" : "fast");
	for (r = 0; r < runs; r++)
		off += put_ns(buf + off, len - off, r ? "," : " run_ns=",
			      m->samples[r].ps_per_op);
	for (t = 0; t < nthreads; t++) {
		for (r = 0; r < runs; r++)
			scratch[r] = m->thread_ps[r * nthreads + t];
		off += put_ns(buf + off, len - off,
			      t ? "," : " per_thread_ns=",
			      median_u64(scratch, runs));
	}
	scnprintf(buf + off, len - off, "%s%s\n", extra[0] ? " " : "", extra);
}

/* All selected variants at one thread count, interleaved round by round. */
static int bench_measure_threads(const struct rcunet_bench *bench,
				 const struct rcunet_bench_spec *spec,
				 unsigned int nthreads, struct rnd_state *rnd,
				 char *buf, size_t len)
{
	unsigned int nr = 1, i, runs = spec->runs, *order;
	struct bench_meas *meas;
	u64 *scratch, self_ps;
	int round, err = 0;

	nr += hweight64(spec->variants);
	meas = kcalloc(nr, sizeof(*meas), GFP_KERNEL);
	if (!meas)
		return -ENOMEM;
	order = kcalloc(nr, sizeof(*order), GFP_KERNEL);
	scratch = kcalloc(runs, sizeof(*scratch), GFP_KERNEL);
	if (!order || !scratch) {
		err = -ENOMEM;
		goto out;
	}
	/* meas[0] is the empty op; the variants follow in declared order */
	for (i = 0, nr = 1; i < bench->nr_variants; i++)
		if (spec->variants & BIT_ULL(i))
			meas[nr++].var = &bench->variants[i];
	for (i = 0; i < nr; i++) {
		meas[i].samples = kcalloc(runs, sizeof(*meas[i].samples),
					  GFP_KERNEL);
		meas[i].thread_ps = kvcalloc((size_t)runs * nthreads,
					     sizeof(u64), GFP_KERNEL);
		if (!meas[i].samples || !meas[i].thread_ps) {
			err = -ENOMEM;
			goto out;
		}
	}

	/* round -1 warms caches, predictors and lazily allocated state */
	for (round = -1; round < (int)runs; round++) {
		bench_shuffle(order, nr, rnd);
		for (i = 0; i < nr; i++) {
			struct bench_meas *m = &meas[order[i]];

			if (m->err)
				continue;
			if (signal_pending(current)) {
				err = -EINTR;
				goto out;
			}
			m->err = bench_visit(bench, m, nthreads, spec->loops,
					     round);
			if (m->err == -EINTR) {
				err = -EINTR;
				goto out;
			}
		}
	}
	if (meas[0].err) {
		err = meas[0].err;
		goto out;
	}
	for (i = 0; i < runs; i++)
		scratch[i] = meas[0].samples[i].ps_per_op;
	self_ps = median_u64(scratch, runs);
	for (i = 1; i < nr; i++)
		bench_emit(bench, spec, &meas[i], nthreads, self_ps, scratch,
			   buf, len);
out:
	for (i = 0; i < nr; i++) {
		kfree(meas[i].samples);
		kvfree(meas[i].thread_ps);
	}
	kfree(scratch);
	kfree(order);
	kfree(meas);
	return err;
}

/* "all", or a comma-separated list of variant names, into a bit mask. */
static int bench_parse_variants(const struct rcunet_bench *bench, char *val,
				u64 *mask)
{
	char *name;
	unsigned int v;

	if (!strcmp(val, "all")) {
		*mask = GENMASK_ULL(bench->nr_variants - 1, 0);
		return 0;
	}
	*mask = 0;
	while ((name = strsep(&val, ","))) {
		for (v = 0; v < bench->nr_variants; v++)
			if (!strcmp(name, bench->variants[v].name))
				break;
		if (v == bench->nr_variants)
			return -ENOENT;
		*mask |= BIT_ULL(v);
	}
	return 0;
}

/* The variants on one path (fast or slow) of @bench, as a bit mask. */
static u64 bench_path_mask(const struct rcunet_bench *bench, bool slow)
{
	unsigned int v;
	u64 mask = 0;

	for (v = 0; v < bench->nr_variants; v++)
		if (bench->variants[v].slow_path == slow)
			mask |= BIT_ULL(v);
	return mask;
}

int rcunet_bench_parse(const struct rcunet_bench *bench, char *spec,
		       struct rcunet_bench_spec *out)
{
	char *argv[RCUNET_CMD_MAX_ARGS], *key, *val;
	struct rcunet_bench_spec s = {
		.variants = GENMASK_ULL(bench->nr_variants - 1, 0),
		.loops = bench->default_loops ?: BENCH_DEFAULT_LOOPS,
		.runs = bench->default_runs ?: BENCH_DEFAULT_RUNS,
		.seed = get_random_u32(),
	};
	u64 path = s.variants;
	int argc, i, err;

	if (bench->reset_params)
		bench->reset_params(bench->ctx);
	argc = rcunet_split_words(spec, argv, ARRAY_SIZE(argv));
	if (argc < 0)
		return -EINVAL;
	for (i = 0; i < argc; i++) {
		err = rcunet_parse_kv(argv[i], &key, &val);
		if (err)
			return err;
		if (!strcmp(key, "variant")) {
			err = bench_parse_variants(bench, val, &s.variants);
			if (err)
				return err;
		} else if (!strcmp(key, "path")) {
			if (!strcmp(val, "fast") || !strcmp(val, "slow"))
				path = bench_path_mask(bench, val[0] == 's');
			else if (strcmp(val, "all"))
				return -EINVAL;
		} else if (!strcmp(key, "threads")) {
			err = rcunet_parse_u32_list(val, 1,
						    RCUNET_BENCH_MAX_THREADS,
						    s.threads,
						    RCUNET_BENCH_MAX_COUNTS);
			if (err < 0)
				return err;
			s.nr_threads = err;
		} else if (!strcmp(key, "loops")) {
			err = rcunet_parse_u64(val, 1, BENCH_MAX_LOOPS, &s.loops);
			if (err)
				return err;
		} else if (!strcmp(key, "runs")) {
			err = rcunet_parse_u32(val, 1, RCUNET_BENCH_MAX_RUNS,
					       &s.runs);
			if (err)
				return err;
		} else if (!strcmp(key, "seed")) {
			/* the variant order of an earlier run, again */
			err = rcunet_parse_u32(val, 0, U32_MAX, &s.seed);
			if (err)
				return err;
		} else {
			err = bench->set_param ?
			      bench->set_param(bench->ctx, key, val) : -ENOENT;
			if (err)
				return err == -ENOENT ? -EINVAL : err;
		}
	}
	/* variant=a,b path=slow: the slow ones among a and b; none is an error */
	s.variants &= path;
	if (!s.variants)
		return -ENOENT;
	if (!s.nr_threads) {
		s.threads[s.nr_threads++] = 1;
		if (num_online_cpus() > 1)
			s.threads[s.nr_threads++] = num_online_cpus();
	}
	*out = s;
	return 0;
}

RCUNET_EXPORT_FOR_TESTS(rcunet_bench_parse);

int rcunet_bench_run(const struct rcunet_bench *bench,
		     const struct rcunet_bench_spec *spec, char *buf,
		     size_t len)
{
	struct rnd_state rnd;
	unsigned int t;
	int err;

	if (!len)
		return -EINVAL;
	buf[0] = '\0';
	prandom_seed_state(&rnd, spec->seed);
	for (t = 0; t < spec->nr_threads; t++) {
		err = bench_measure_threads(bench, spec, spec->threads[t], &rnd,
					    buf, len);
		if (err)
			return err;
	}
	/* a full buffer means a cut line: say so rather than return half */
	return strlen(buf) >= len - 1 ? -EOVERFLOW : 0;
}

RCUNET_EXPORT_FOR_TESTS(rcunet_bench_run);

size_t rcunet_bench_result_size(const struct rcunet_bench *bench,
				const struct rcunet_bench_spec *spec)
{
	const struct rcunet_bench_variant *var;
	size_t size = 1, names;
	unsigned int t, v;

	for (v = 0; v < bench->nr_variants; v++) {
		if (!(spec->variants & BIT_ULL(v)))
			continue;
		var = &bench->variants[v];
		/* the names are the caller's: any length */
		names = strlen(bench->module) + strlen(var->name) +
			strlen(var->op ?: "op") + strlen(var->twin ?: "-") +
			strlen(rcunet_bench_same_work(var) ?: "-") +
			strlen(var->previous ?: "-");
		for (t = 0; t < spec->nr_threads; t++)
			size += BENCH_LINE_SIZE + names + BENCH_EXTRA_SIZE +
				BENCH_NUM_SIZE *
				((size_t)spec->threads[t] + spec->runs);
	}
	return size;
}

RCUNET_EXPORT_FOR_TESTS(rcunet_bench_result_size);

static ssize_t rcunet_bench_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct rcunet_bench *bench = pde_data(file_inode(file));
	struct rcunet_bench_state *st = bench->state;
	struct rcunet_bench_spec spec;
	char *line, *result;
	size_t len;
	int err;

	if (count == 0 || count >= RCUNET_CMD_MAX_LEN) {
		rcunet_log_reject(bench->module, "bench spec length", -EINVAL);
		return -EINVAL;
	}
	line = memdup_user_nul(ubuf, count);
	if (IS_ERR(line))
		return PTR_ERR(line);
	result = NULL;
	err = mutex_lock_interruptible(&rcunet_bench_mutex);
	if (err)
		goto out;
	err = strlen(line) == count ?
	      rcunet_bench_parse(bench, line, &spec) : -EINVAL;
	if (err) {
		rcunet_log_reject(bench->module, "bench spec", err);
		err = err == -ENOENT ? -EINVAL : err;
	} else {
		len = rcunet_bench_result_size(bench, &spec);
		result = kvzalloc(len, GFP_KERNEL);
		err = result ? rcunet_bench_run(bench, &spec, result, len) :
			       -ENOMEM;
	}
	mutex_unlock(&rcunet_bench_mutex);
	if (!err) {
		mutex_lock(&st->result_lock);
		swap(st->result, result);
		mutex_unlock(&st->result_lock);
	}
out:
	kvfree(result);
	kfree(line);
	return err ? err : count;
}

static const struct rcunet_bench_variant *
bench_variant_by_name(const struct rcunet_bench *bench, const char *name)
{
	unsigned int i;

	for (i = 0; i < bench->nr_variants; i++)
		if (!strcmp(bench->variants[i].name, name))
			return &bench->variants[i];
	return NULL;
}

const char *rcunet_bench_same_work(const struct rcunet_bench_variant *var)
{
	if (var->same_work_as)
		return var->same_work_as;
	if (var->role == RCUNET_ROLE_PEER)
		return NULL;
	return var->twin ?: var->name;
}

RCUNET_EXPORT_FOR_TESTS(rcunet_bench_same_work);

/* One broken role declaration: say which, for the module's author. */
static int bench_role_error(const struct rcunet_bench *bench,
			    const struct rcunet_bench_variant *var,
			    const char *what)
{
	pr_err("rcunet %s: bench variant %s: %s\n", bench->module, var->name,
	       what);
	return -EINVAL;
}

int rcunet_bench_check_roles(const struct rcunet_bench *bench)
{
	const struct rcunet_bench_variant *var, *twin;
	unsigned int i;

	/* a spec selects variants with a u64 bit mask */
	if (!bench->nr_variants || bench->nr_variants > RCUNET_BENCH_MAX_VARIANTS) {
		pr_err("rcunet %s: %u bench variants (1 to %u)\n", bench->module,
		       bench->nr_variants, RCUNET_BENCH_MAX_VARIANTS);
		return -EINVAL;
	}
	for (i = 0; i < bench->nr_variants; i++) {
		var = &bench->variants[i];
		switch (var->role) {
		case RCUNET_ROLE_LOCKED:
			if (var->twin)
				return bench_role_error(bench, var,
							"a locked variant has no twin");
			break;
		case RCUNET_ROLE_LOCKLESS:
		case RCUNET_ROLE_PEER:
			twin = var->twin ? bench_variant_by_name(bench, var->twin) : NULL;
			if (!twin || twin->role != RCUNET_ROLE_LOCKED)
				return bench_role_error(bench, var,
							"twin is not a locked variant");
			break;
		default:
			return bench_role_error(bench, var, "no role");
		}
		if (var->same_work_as &&
		    !bench_variant_by_name(bench, var->same_work_as))
			return bench_role_error(bench, var,
						"same_work_as names no variant");
		/* a later stage of the lockless design follows another one */
		if (var->previous &&
		    (var->role != RCUNET_ROLE_LOCKLESS ||
		     !bench_variant_by_name(bench, var->previous) ||
		     !strcmp(var->previous, var->name)))
			return bench_role_error(bench, var,
						"previous names no other variant, or this is no lockless variant");
	}
	return 0;
}

RCUNET_EXPORT_FOR_TESTS(rcunet_bench_check_roles);

static int rcunet_bench_variants_show(struct seq_file *m, void *v)
{
	const struct rcunet_bench *bench = m->private;
	const struct rcunet_bench_variant *var;
	unsigned int i;

	for (i = 0; i < bench->nr_variants; i++) {
		var = &bench->variants[i];
		seq_printf(m, "variant=%s op=%s role=%s twin=%s same_work_as=%s previous=%s path=%s\n",
			   var->name, var->op ?: "op", rcunet_role_name(var->role),
			   var->twin ?: "-", rcunet_bench_same_work(var) ?: "-",
			   var->previous ?: "-", var->slow_path ? "slow" : "fast");
	}
	return 0;
}

static int rcunet_bench_show(struct seq_file *m, void *v)
{
	struct rcunet_bench_state *st = m->private;

	mutex_lock(&st->result_lock);
	if (st->result)
		seq_puts(m, st->result);
	mutex_unlock(&st->result_lock);
	return 0;
}

static int rcunet_bench_open(struct inode *inode, struct file *file)
{
	struct rcunet_bench *bench = pde_data(inode);

	return single_open(file, rcunet_bench_show, bench->state);
}

static const struct proc_ops rcunet_bench_ops = {
	.proc_open	= rcunet_bench_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_release	= single_release,
	.proc_write	= rcunet_bench_write,
};

int rcunet_bench_create(struct proc_dir_entry *parent,
			struct rcunet_bench *bench)
{
	struct rcunet_bench_state *st;
	int err;

	err = rcunet_bench_check_roles(bench);
	if (err)
		return err;
	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	mutex_init(&st->result_lock);
	bench->state = st;
	st->variants_pde = proc_create_single_data("variants", 0444, parent,
						   rcunet_bench_variants_show,
						   bench);
	st->pde = proc_create_data("bench", 0600, parent, &rcunet_bench_ops,
				   bench);
	if (!st->pde || !st->variants_pde) {
		proc_remove(st->pde);
		proc_remove(st->variants_pde);
		bench->state = NULL;
		kfree(st);
		return -ENOMEM;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(rcunet_bench_create);

void rcunet_bench_remove(struct rcunet_bench *bench)
{
	struct rcunet_bench_state *st = bench->state;

	if (!st)
		return;
	/* waits for a write (a running benchmark) to return */
	proc_remove(st->pde);
	proc_remove(st->variants_pde);
	kvfree(st->result);
	kfree(st);
	bench->state = NULL;
}
EXPORT_SYMBOL_GPL(rcunet_bench_remove);
