// SPDX-License-Identifier: GPL-2.0
/*
 * rcunet shared core: the in-kernel benchmark harness.
 *
 * Modelled on kernel/rcu/refscale.c. A module hands over an array of
 * variants (ops); for every (variant, thread count) in a spec the harness
 * runs one warm-up and then @runs measured runs. In a run, @threads
 * kthreads bound round-robin to the online CPUs gather at a start line, are
 * released together, and each times its own @loops ops. The result is the
 * per-thread cost of one op: median, min and max over runs x threads, plus
 * each thread's median.
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
#include <linux/wait.h>
#include "rcunet.h"

/* Ops per ->run() call; the harness reschedules between chunks. */
#define BENCH_CHUNK		256
/* Room for one result line, without its per-thread list (12 bytes a thread). */
#define BENCH_LINE_SIZE		512
#define BENCH_THREAD_SIZE	12
#define BENCH_DEFAULT_LOOPS	100000
#define BENCH_DEFAULT_RUNS	5
#define BENCH_MAX_LOOPS		10000000000ULL

/* One benchmark at a time: concurrent ones would measure each other. */
static DEFINE_MUTEX(rcunet_bench_mutex);

struct rcunet_bench_state {
	struct proc_dir_entry *pde;
	struct proc_dir_entry *variants_pde;
	struct mutex result_lock;	/* protects result */
	char *result;
};

struct bench_run {
	const struct rcunet_bench *bench;
	const struct rcunet_bench_variant *var;
	u64 loops;
	unsigned int nthreads;
	atomic_t waiting;		/* threads not yet at the start line */
	atomic_t running;		/* threads not yet finished */
	bool go;			/* start line lifted */
	bool abort;			/* stop early (signal or setup failure) */
	wait_queue_head_t start_wq;	/* threads wait here for go */
	wait_queue_head_t ready_wq;	/* the writer waits for waiting == 0 */
	struct completion done;
};

struct bench_thread {
	struct bench_run *run;
	struct task_struct *task;
	unsigned int tid;
	u64 ns;
	int err;
};

static int bench_thread_fn(void *arg)
{
	struct bench_thread *bt = arg;
	struct bench_run *run = bt->run;
	u64 left = run->loops, t0, n;
	int err = 0;

	if (atomic_dec_and_test(&run->waiting))
		wake_up(&run->ready_wq);
	wait_event(run->start_wq, READ_ONCE(run->go));

	t0 = ktime_get_ns();
	while (left && !READ_ONCE(run->abort)) {
		n = min_t(u64, left, BENCH_CHUNK);
		err = run->var->run(run->bench->ctx, bt->tid, n);
		if (err)
			break;
		left -= n;
		cond_resched();
	}
	bt->ns = ktime_get_ns() - t0;
	bt->err = err ? err : (left ? -EINTR : 0);
	if (atomic_dec_and_test(&run->running))
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

/* One timed run; fills ps_per_op[tid] (picoseconds per op). */
static int bench_one_run(const struct rcunet_bench *bench,
			 const struct rcunet_bench_variant *var,
			 unsigned int nthreads, u64 loops, u64 *ps_per_op)
{
	struct bench_thread *bts;
	struct bench_run run = {
		.bench = bench, .var = var, .loops = loops, .nthreads = nthreads,
	};
	unsigned int i, started = 0;
	int err = 0;

	bts = kcalloc(nthreads, sizeof(*bts), GFP_KERNEL);
	if (!bts)
		return -ENOMEM;
	atomic_set(&run.waiting, nthreads);
	atomic_set(&run.running, nthreads);
	init_waitqueue_head(&run.start_wq);
	init_waitqueue_head(&run.ready_wq);
	init_completion(&run.done);

	cpus_read_lock();	/* keep the chosen CPUs online while bound */
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
	if (err) {
		/* threads never created will not count down: do it for them */
		WRITE_ONCE(run.abort, true);
		atomic_sub(nthreads - started, &run.waiting);
		if (atomic_sub_and_test(nthreads - started, &run.running))
			complete(&run.done);
	}
	wait_event(run.ready_wq, atomic_read(&run.waiting) <= 0);
	WRITE_ONCE(run.go, true);
	wake_up_all(&run.start_wq);

	if (wait_for_completion_interruptible(&run.done)) {
		WRITE_ONCE(run.abort, true);
		wait_for_completion(&run.done);
		if (!err)
			err = -EINTR;
	}
	for (i = 0; i < started; i++) {
		kthread_stop(bts[i].task);
		if (!err && bts[i].err)
			err = bts[i].err;
		if (ps_per_op)
			ps_per_op[i] = div64_u64(bts[i].ns * 1000, loops);
	}
	cpus_read_unlock();
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

/* Append @ps picoseconds as nanoseconds with three decimals. */
static size_t put_ns(char *buf, size_t len, const char *prefix, u64 ps)
{
	u32 frac;
	u64 ns = div_u64_rem(ps, 1000, &frac);

	return scnprintf(buf, len, "%s%llu.%03u", prefix, ns, frac);
}

/* Measure one (variant, threads); append one result line to @buf. */
static void bench_measure(const struct rcunet_bench *bench,
			  const struct rcunet_bench_variant *var,
			  unsigned int nthreads, u64 loops, u32 runs,
			  char *buf, size_t len)
{
	size_t off = strlen(buf);
	u64 *samples, *per_thread, *column;
	unsigned int r, t, n = runs * nthreads;
	char extra[96] = "";
	u64 med, ops;
	int err;

	samples = kcalloc(n + runs * nthreads + runs, sizeof(u64), GFP_KERNEL);
	if (!samples) {
		err = -ENOMEM;
		goto fail;
	}
	per_thread = samples + n;	/* [t * runs + r] */
	column = per_thread + n;	/* runs scratch */

	if (var->setup) {
		err = var->setup(bench->ctx, nthreads);
		if (err)
			goto fail_free;
	}
	/* warm-up: caches, branch predictors, lazily allocated state */
	err = bench_one_run(bench, var, nthreads, loops, NULL);
	for (r = 0; r < runs && !err; r++) {
		err = bench_one_run(bench, var, nthreads, loops,
				    samples + r * nthreads);
		for (t = 0; t < nthreads && !err; t++)
			per_thread[t * runs + r] = samples[r * nthreads + t];
	}
	if (var->teardown)
		var->teardown(bench->ctx);
	if (err)
		goto fail_free;
	if (var->show_params)
		var->show_params(bench->ctx, extra, sizeof(extra));
	else if (bench->show_params)
		bench->show_params(bench->ctx, extra, sizeof(extra));

	med = median_u64(samples, n);
	ops = med ? div64_u64((u64)nthreads * 1000000000000ULL, med) : 0;
	off += scnprintf(buf + off, len - off,
			 "module=%s variant=%s op=%s threads=%u loops=%llu runs=%u",
			 bench->module, var->name, var->op ? var->op : "op",
			 nthreads, loops, runs);
	off += put_ns(buf + off, len - off, " ns_per_op_median=", med);
	off += put_ns(buf + off, len - off, " ns_per_op_min=", samples[0]);
	off += put_ns(buf + off, len - off, " ns_per_op_max=", samples[n - 1]);
	off += scnprintf(buf + off, len - off, " ops_per_sec=%llu", ops);
	off += scnprintf(buf + off, len - off,
			 " role=%s twin=%s same_work_as=%s path=%s",
			 rcunet_role_name(var->role), var->twin ?: "-",
			 rcunet_bench_same_work(var) ?: "-",
			 var->slow_path ? "slow" : "fast");
	for (t = 0; t < nthreads; t++) {
		memcpy(column, per_thread + t * runs, runs * sizeof(u64));
		off += put_ns(buf + off, len - off,
			      t ? "," : " per_thread_ns=",
			      median_u64(column, runs));
	}
	off += scnprintf(buf + off, len - off, "%s%s\n", extra[0] ? " " : "",
			 extra);
	kfree(samples);
	return;

fail_free:
	kfree(samples);
fail:
	scnprintf(buf + off, len - off,
		  "module=%s variant=%s threads=%u loops=%llu runs=%u error=%d\n",
		  bench->module, var->name, nthreads, loops, runs, err);
}

int rcunet_bench_parse(const struct rcunet_bench *bench, char *spec,
		       struct rcunet_bench_spec *out)
{
	char *argv[RCUNET_CMD_MAX_ARGS], *key, *val;
	struct rcunet_bench_spec s = {
		.variant = -1,
		.loops = bench->default_loops ?: BENCH_DEFAULT_LOOPS,
		.runs = bench->default_runs ?: BENCH_DEFAULT_RUNS,
	};
	int argc, i, err;
	unsigned int v;

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
			if (!strcmp(val, "all")) {
				s.variant = -1;
				continue;
			}
			for (v = 0; v < bench->nr_variants; v++)
				if (!strcmp(val, bench->variants[v].name))
					break;
			if (v == bench->nr_variants)
				return -ENOENT;
			s.variant = v;
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
		} else {
			err = bench->set_param ?
			      bench->set_param(bench->ctx, key, val) : -ENOENT;
			if (err)
				return err == -ENOENT ? -EINVAL : err;
		}
	}
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
	unsigned int v, t;

	if (!len)
		return -EINVAL;
	buf[0] = '\0';
	for (v = 0; v < bench->nr_variants; v++) {
		if (spec->variant >= 0 && spec->variant != v)
			continue;
		for (t = 0; t < spec->nr_threads; t++) {
			if (signal_pending(current))
				return -EINTR;
			bench_measure(bench, &bench->variants[v],
				      spec->threads[t], spec->loops,
				      spec->runs, buf, len);
		}
	}
	/* a full buffer means a cut line: say so rather than return half */
	return strlen(buf) >= len - 1 ? -EOVERFLOW : 0;
}

RCUNET_EXPORT_FOR_TESTS(rcunet_bench_run);

size_t rcunet_bench_result_size(const struct rcunet_bench *bench,
				const struct rcunet_bench_spec *spec)
{
	size_t size = 1;
	unsigned int t;

	for (t = 0; t < spec->nr_threads; t++)
		size += BENCH_LINE_SIZE + BENCH_THREAD_SIZE * spec->threads[t];
	return size * (spec->variant >= 0 ? 1 : bench->nr_variants);
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
		seq_printf(m, "variant=%s op=%s role=%s twin=%s same_work_as=%s path=%s\n",
			   var->name, var->op ?: "op", rcunet_role_name(var->role),
			   var->twin ?: "-", rcunet_bench_same_work(var) ?: "-",
			   var->slow_path ? "slow" : "fast");
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
