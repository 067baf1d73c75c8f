// SPDX-License-Identifier: GPL-2.0
/*
 * rcunet torture core: worker kthreads that run a driver's operations at
 * random, progress and verdict lines, quiescent-state checks, stall and
 * failure bookkeeping. See rtort.h for the contract with the drivers.
 *
 * Concurrency, in one place:
 *  - per-worker counters are written only by their worker (WRITE_ONCE)
 *    and read by the stats thread and procfs (READ_ONCE): torn sums are
 *    impossible on 64-bit and a slightly stale progress line is fine;
 *  - parking for ->quiesce: the stats thread sets park_req, each worker
 *    that sees it between two ops increments parked and sleeps on park_wq
 *    until park_req clears. The atomic_inc()/atomic_read() pair plus the
 *    wait queue's own barriers order the worker's last op before the
 *    quiesce callback (wake_up() after a state change, wait_event()
 *    re-checks under the queue lock);
 *  - the first failure reason is kept under fail_lock; failures is atomic.
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/debug.h>
#include <linux/slab.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/jiffies.h>
#include <linux/wait.h>
#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/list.h>
#include "../common/rcunet.h"
#include "rtort.h"

static unsigned int duration;
module_param(duration, uint, 0644);
MODULE_PARM_DESC(duration, "seconds a session runs (0: until its driver is removed)");
static unsigned int stat_interval = 10;
module_param(stat_interval, uint, 0644);
MODULE_PARM_DESC(stat_interval, "seconds between progress lines (0: none)");
static unsigned int threads;
module_param(threads, uint, 0444);
MODULE_PARM_DESC(threads, "workers per session (0: the driver's default)");
static unsigned int fault_threads;
module_param(fault_threads, uint, 0444);
MODULE_PARM_DESC(fault_threads, "workers per session that run with make_it_fail (fault injection)");
static unsigned int reader_delay_us;
module_param(reader_delay_us, uint, 0644);
MODULE_PARM_DESC(reader_delay_us, "longest stall inside a reader (0: none)");
static unsigned int quiesce_interval = 5;
module_param(quiesce_interval, uint, 0644);
MODULE_PARM_DESC(quiesce_interval, "seconds between quiescent-state checks (0: at stop only)");
static unsigned int stall_secs = 60;
module_param(stall_secs, uint, 0644);
MODULE_PARM_DESC(stall_secs, "a worker stuck in one op this long fails the session");

/* Longest reader stall, whatever the parameter says: a busy-wait. */
#define RTORT_READER_DELAY_MAX_US	10000
/* cur_op values outside the op table: between ops, in ->thread_init/_exit */
#define RTORT_OP_NONE		(-1)
#define RTORT_OP_INIT		(-2)
#define RTORT_OP_EXIT		(-3)
/*
 * How long a quiescent check waits for the workers to park: an op may block
 * for a second or two (a blocking read with its own timeout); a round that
 * does not get them all is skipped and counted.
 */
#define RTORT_PARK_WAIT		(3 * HZ)
/* At most this many failure lines per session reach the log. */
#define RTORT_FAIL_PRINTS		5

struct rtort_thread {
	struct rtort_session *s;
	struct task_struct *task;
	unsigned int tid;
	bool faulty;
	struct rnd_state rnd;
	void *data;
	int cur_op;			/* op running, or RTORT_OP_* */
	unsigned long op_start;		/* jiffies when cur_op began */
	bool stall_reported;
	u64 ops[RTORT_MAX_OPS];
	u64 errors[RTORT_MAX_OPS];
};

struct rtort_session {
	const struct rtort_target *target;
	struct list_head node;		/* rtort_sessions */
	unsigned int nthreads;
	unsigned int total_weight;
	struct rtort_thread *threads;
	struct task_struct *stats_task;
	unsigned long start;		/* jiffies */
	unsigned long end;		/* jiffies when the workers stopped */
	bool stop;			/* workers leave their loop */
	atomic_t running;		/* workers inside their loop */
	atomic_t park_req;
	atomic_t parked;
	wait_queue_head_t park_wq;	/* parked workers wait here */
	wait_queue_head_t parked_wq;	/* the quiescer waits here */
	struct task_struct *quiescer;	/* who runs ->quiesce now */
	atomic_t failures;
	raw_spinlock_t fail_lock;	/* guards reason; raw: taken from hardirq, on RT too */
	char reason[192];
	bool reported;			/* session line printed */
	unsigned int quiesced;		/* quiescent checks run (stats thread only) */
	unsigned int quiesce_skipped;	/* rounds whose workers did not all park */
	struct proc_dir_entry *proc;
};

static struct proc_dir_entry *rtort_dir;
/* Live sessions, so rtort_fail(NULL)/rtort_fail_target() find theirs. */
static LIST_HEAD(rtort_sessions);
/* raw: rtort_fail_target() runs in hardirq (an IPI), on PREEMPT_RT too */
static DEFINE_RAW_SPINLOCK(rtort_sessions_lock);
/* Serialises the end of a session (duration vs rtort_stop()). */
static DEFINE_MUTEX(rtort_report_mutex);

unsigned int rtort_tid(const struct rtort_thread *t)
{
	return t->tid;
}
EXPORT_SYMBOL_GPL(rtort_tid);

u32 rtort_random(struct rtort_thread *t, u32 below)
{
	if (!below)
		return 0;
	if (!t)
		return get_random_u32_below(below);
	return prandom_u32_state(&t->rnd) % below;
}
EXPORT_SYMBOL_GPL(rtort_random);

bool rtort_faulty(const struct rtort_thread *t)
{
	return t && t->faulty;
}
EXPORT_SYMBOL_GPL(rtort_faulty);

void *rtort_thread_data(struct rtort_thread *t)
{
	return t->data;
}
EXPORT_SYMBOL_GPL(rtort_thread_data);

void rtort_set_thread_data(struct rtort_thread *t, void *data)
{
	t->data = data;
}
EXPORT_SYMBOL_GPL(rtort_set_thread_data);

bool rtort_should_stop(const struct rtort_thread *t)
{
	return READ_ONCE(t->s->stop) || kthread_should_stop();
}
EXPORT_SYMBOL_GPL(rtort_should_stop);

void rtort_reader_delay(struct rtort_thread *t)
{
	unsigned int max = min(READ_ONCE(reader_delay_us), RTORT_READER_DELAY_MAX_US);

	/* rarely, so that readers mostly run at full speed (rcutorture: 1 in ~1000) */
	if (!max || rtort_random(t, 1000))
		return;
	udelay(rtort_random(t, max) + 1);
}
EXPORT_SYMBOL_GPL(rtort_reader_delay);

static const char *rtort_op_name(struct rtort_session *s, int op)
{
	if (op >= 0)
		return s->target->ops[op].name;
	return op == RTORT_OP_INIT ? "thread_init" : op == RTORT_OP_EXIT ? "thread_exit" : "-";
}

/*
 * Count one failure of @s, keeping the first reason; returns the count.
 * Count and reason change together under the lock, so a report never sees
 * a failure without its reason. irqsave: rtort_fail_target() takes these
 * locks from any context.
 */
static int rtort_count_failure(struct rtort_session *s, const char *reason)
{
	unsigned long flags;
	int n;

	raw_spin_lock_irqsave(&s->fail_lock, flags);
	n = atomic_inc_return(&s->failures);
	if (n == 1)
		strscpy(s->reason, reason, sizeof(s->reason));
	raw_spin_unlock_irqrestore(&s->fail_lock, flags);
	return n;
}

/* Count a failure and print its line (the first few); @op may be NULL. */
static void rtort_record_failure(struct rtort_session *s, const char *who,
				 const char *op, const char *reason)
{
	if (rtort_count_failure(s, reason) <= RTORT_FAIL_PRINTS)
		pr_err("rcunet-torture: FAILURE module=%s %s%s%s: %s\n",
		       s->target->name, who, op ? " op=" : "", op ? op : "", reason);
}

void rtort_fail(struct rtort_thread *t, const char *fmt, ...)
{
	struct rtort_session *s = NULL, *it;
	char reason[192], who[24], unattributed[192];
	unsigned long flags;
	va_list args;

	va_start(args, fmt);
	vscnprintf(reason, sizeof(reason), fmt, args);
	va_end(args);
	if (t) {
		s = t->s;
		snprintf(who, sizeof(who), "thread=%u", t->tid);
		rtort_record_failure(s, who, rtort_op_name(s, READ_ONCE(t->cur_op)), reason);
		return;
	}
	raw_spin_lock_irqsave(&rtort_sessions_lock, flags);
	/* an interrupt on the quiescer's CPU is not the quiescer */
	list_for_each_entry(it, &rtort_sessions, node)
		if (in_task() && READ_ONCE(it->quiescer) == current)
			s = it;
	raw_spin_unlock_irqrestore(&rtort_sessions_lock, flags);
	if (s) {
		rtort_record_failure(s, "thread=quiesce", "quiesce", reason);
		return;
	}
	/* Not ours to attribute: fail every session rather than lose it. */
	pr_err("rcunet-torture: FAILURE (unattributed, from %s): %s\n", current->comm, reason);
	scnprintf(unattributed, sizeof(unattributed), "unattributed: %s", reason);
	raw_spin_lock_irqsave(&rtort_sessions_lock, flags);
	list_for_each_entry(it, &rtort_sessions, node)
		rtort_count_failure(it, unattributed);
	raw_spin_unlock_irqrestore(&rtort_sessions_lock, flags);
}
EXPORT_SYMBOL_GPL(rtort_fail);

void rtort_fail_target(const struct rtort_target *target, const char *fmt, ...)
{
	struct rtort_session *s = NULL, *it;
	unsigned long flags;
	char reason[192];
	va_list args;

	va_start(args, fmt);
	vscnprintf(reason, sizeof(reason), fmt, args);
	va_end(args);
	/* callers may be in softirq or hardirq context: irqsave */
	raw_spin_lock_irqsave(&rtort_sessions_lock, flags);
	list_for_each_entry(it, &rtort_sessions, node)
		if (it->target == target)
			s = it;
	if (s) {
		char who[32];

		snprintf(who, sizeof(who), "context=%s", in_task() ? current->comm : "irq");
		rtort_record_failure(s, who, NULL, reason);
	}
	raw_spin_unlock_irqrestore(&rtort_sessions_lock, flags);
	if (!s)
		pr_err("rcunet-torture: FAILURE module=%s (no session): %s\n",
		       target->name, reason);
}
EXPORT_SYMBOL_GPL(rtort_fail_target);

/* ------------------------------------------------------------ workers */

static int rtort_pick_op(struct rtort_thread *t)
{
	const struct rtort_target *tg = t->s->target;
	u32 r = rtort_random(t, t->s->total_weight);
	unsigned int i;

	for (i = 0; i < tg->nops; i++) {
		if (r < tg->ops[i].weight)
			return i;
		r -= tg->ops[i].weight;
	}
	return tg->nops - 1;
}

/* Between two ops: park while a quiescent check runs. */
static void rtort_maybe_park(struct rtort_session *s)
{
	if (!atomic_read_acquire(&s->park_req))
		return;
	/* the last op's effects before the quiescer's read of "parked" */
	smp_mb__before_atomic();
	atomic_inc(&s->parked);
	wake_up(&s->parked_wq);
	/* acquire: ->quiesce's effects before this worker's next op */
	wait_event(s->park_wq, !atomic_read_acquire(&s->park_req) || kthread_should_stop());
	atomic_dec(&s->parked);
}

static int rtort_worker(void *arg)
{
	struct rtort_thread *t = arg;
	struct rtort_session *s = t->s;
	const struct rtort_target *tg = s->target;
	int op, ret = 0;

#ifdef CONFIG_FAULT_INJECTION
	/* only this task's allocations fail when failslab's task-filter is on */
	if (t->faulty)
		current->make_it_fail = true;
#endif
	WRITE_ONCE(t->op_start, jiffies);
	WRITE_ONCE(t->cur_op, RTORT_OP_INIT);
	if (tg->thread_init)
		ret = tg->thread_init(tg->ctx, t);
	WRITE_ONCE(t->cur_op, RTORT_OP_NONE);
	if (ret) {
		rtort_fail(t, "thread_init failed: %d", ret);
	} else {
		while (!rtort_should_stop(t)) {
			rtort_maybe_park(s);
			if (rtort_should_stop(t))
				break;
			op = rtort_pick_op(t);
			WRITE_ONCE(t->op_start, jiffies);
			WRITE_ONCE(t->cur_op, op);
			ret = tg->ops[op].run(tg->ctx, t);
			WRITE_ONCE(t->cur_op, RTORT_OP_NONE);
			WRITE_ONCE(t->ops[op], t->ops[op] + 1);
			if (ret)
				WRITE_ONCE(t->errors[op], t->errors[op] + 1);
			cond_resched();
		}
		WRITE_ONCE(t->op_start, jiffies);
		WRITE_ONCE(t->cur_op, RTORT_OP_EXIT);
		if (tg->thread_exit)
			tg->thread_exit(tg->ctx, t);
		WRITE_ONCE(t->cur_op, RTORT_OP_NONE);
	}
#ifdef CONFIG_FAULT_INJECTION
	current->make_it_fail = false;
#endif
	/* a quiescer waiting for "all parked" counts one fewer now */
	smp_mb__before_atomic();
	atomic_dec(&s->running);
	wake_up(&s->parked_wq);
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/* ------------------------------------------------------------- stats */

static void rtort_sum(struct rtort_session *s, u64 *ops, u64 *errors, u64 *per_op)
{
	unsigned int i, j;

	*ops = 0;
	*errors = 0;
	for (j = 0; j < s->target->nops; j++)
		per_op[j] = 0;
	for (i = 0; i < s->nthreads; i++) {
		for (j = 0; j < s->target->nops; j++) {
			u64 n = READ_ONCE(s->threads[i].ops[j]);

			per_op[j] += n;
			*ops += n;
			*errors += READ_ONCE(s->threads[i].errors[j]);
		}
	}
}

static unsigned int rtort_secs(struct rtort_session *s)
{
	unsigned long end = READ_ONCE(s->end);

	return jiffies_to_msecs((end ? end : jiffies) - s->start) / 1000;
}

static void rtort_progress(struct rtort_session *s)
{
	u64 ops, errors, per_op[RTORT_MAX_OPS];
	char line[512];
	int len = 0;
	unsigned int j;

	rtort_sum(s, &ops, &errors, per_op);
	for (j = 0; j < s->target->nops; j++)
		len += scnprintf(line + len, sizeof(line) - len, " %s=%llu",
				 s->target->ops[j].name, per_op[j]);
	pr_info("rcunet-torture: progress module=%s t=%us ops=%llu errors=%llu failures=%d%s\n",
		s->target->name, rtort_secs(s), ops, errors,
		atomic_read(&s->failures), line);
}

/* Fail the session for workers stuck in one op for stall_secs. */
static void rtort_check_stalls(struct rtort_session *s)
{
	unsigned long limit = READ_ONCE(stall_secs) * HZ;
	unsigned int i;

	if (!limit)
		return;
	for (i = 0; i < s->nthreads; i++) {
		struct rtort_thread *t = &s->threads[i];
		int op = READ_ONCE(t->cur_op);

		if (op == RTORT_OP_NONE || t->stall_reported ||
		    !time_after(jiffies, READ_ONCE(t->op_start) + limit))
			continue;
		t->stall_reported = true;
		rtort_record_failure(s, "thread=stall", rtort_op_name(s, op),
				     "worker stuck in one op");
		pr_err("rcunet-torture: worker %u of %s stuck in op %s for %us\n",
		       t->tid, s->target->name, rtort_op_name(s, op), stall_secs);
		sched_show_task(t->task);
	}
}

/* Run ->quiesce with every worker parked (or gone). */
static void rtort_quiesce(struct rtort_session *s)
{
	const struct rtort_target *tg = s->target;
	bool all;

	if (!tg->quiesce)
		return;
	atomic_set(&s->park_req, 1);
	/*
	 * Workers park between ops; one stuck in an op is the stall check's
	 * business: give up on this round after a second and try again later.
	 */
	all = wait_event_timeout(s->parked_wq,
				 atomic_read_acquire(&s->parked) ==
				 atomic_read_acquire(&s->running),
				 RTORT_PARK_WAIT) > 0;
	if (all) {
		WRITE_ONCE(s->quiescer, current);
		tg->quiesce(tg->ctx);
		WRITE_ONCE(s->quiescer, NULL);
		s->quiesced++;
	} else {
		s->quiesce_skipped++;
	}
	/* release: ->quiesce's effects before the workers' next ops */
	atomic_set_release(&s->park_req, 0);
	wake_up_all(&s->park_wq);
}

/* Print the session line once; returns 0 for SUCCESS. */
static int rtort_report(struct rtort_session *s)
{
	u64 ops, errors, per_op[RTORT_MAX_OPS];
	char unrun[160] = "";
	int failures, len = 0;
	unsigned int j;

	mutex_lock(&rtort_report_mutex);
	failures = atomic_read(&s->failures);
	if (s->reported)
		goto out;
	s->reported = true;
	rtort_sum(s, &ops, &errors, per_op);
	for (j = 0; j < s->target->nops; j++)
		if (s->target->ops[j].weight && !per_op[j])
			len += scnprintf(unrun + len, sizeof(unrun) - len, "%s%s",
					 len ? "," : " unrun=", s->target->ops[j].name);
	if (!ops && !failures)
		rtort_record_failure(s, "thread=all", "-", "no operation completed");
	failures = atomic_read(&s->failures);
	raw_spin_lock_irq(&s->fail_lock);
	pr_info("rcunet-torture: session module=%s secs=%u threads=%u ops=%llu errors=%llu quiesces=%u/%u failures=%d%s verdict=%s%s%s\n",
		s->target->name, rtort_secs(s), s->nthreads, ops, errors, s->quiesced,
		s->quiesced + s->quiesce_skipped, failures,
		unrun, failures ? "FAILURE" : "SUCCESS",
		failures ? " reason=" : "", failures ? s->reason : "");
	raw_spin_unlock_irq(&s->fail_lock);
out:
	mutex_unlock(&rtort_report_mutex);
	return failures ? -EIO : 0;
}

/* Stop the workers' loops and wait until they have left them. */
static void rtort_end_workers(struct rtort_session *s)
{
	WRITE_ONCE(s->stop, true);
	atomic_set(&s->park_req, 0);
	wake_up_all(&s->park_wq);
	/* a worker stuck in an op or in ->thread_exit is reported, not waited on quietly */
	while (!wait_event_timeout(s->parked_wq, atomic_read_acquire(&s->running) == 0, HZ))
		rtort_check_stalls(s);
	if (!READ_ONCE(s->end))
		WRITE_ONCE(s->end, jiffies ? jiffies : 1);
}

/* The last ->quiesce, with the workers gone: everything is released. */
static void rtort_final_quiesce(struct rtort_session *s)
{
	if (!s->target->quiesce)
		return;
	WRITE_ONCE(s->quiescer, current);
	s->target->quiesce(s->target->ctx);
	WRITE_ONCE(s->quiescer, NULL);
}

static int rtort_stats_thread(void *arg)
{
	struct rtort_session *s = arg;
	unsigned long next_stat = jiffies, next_quiesce = jiffies;

	while (!kthread_should_stop()) {
		schedule_timeout_interruptible(HZ);
		if (kthread_should_stop() || READ_ONCE(s->end))
			continue;
		rtort_check_stalls(s);
		if (READ_ONCE(stat_interval) &&
		    time_after_eq(jiffies, next_stat + READ_ONCE(stat_interval) * HZ)) {
			next_stat = jiffies;
			rtort_progress(s);
		}
		if (READ_ONCE(quiesce_interval) &&
		    time_after_eq(jiffies, next_quiesce + READ_ONCE(quiesce_interval) * HZ)) {
			next_quiesce = jiffies;
			rtort_quiesce(s);
		}
		if (READ_ONCE(duration) &&
		    time_after_eq(jiffies, s->start + READ_ONCE(duration) * HZ)) {
			rtort_end_workers(s);
			rtort_progress(s);
			rtort_final_quiesce(s);
			rtort_report(s);
		}
	}
	return 0;
}

/* ------------------------------------------------------------ procfs */

static int rtort_proc_show(struct seq_file *m, void *v)
{
	struct rtort_session *s = m->private;
	u64 ops, errors, per_op[RTORT_MAX_OPS];
	unsigned int i, j;

	rtort_sum(s, &ops, &errors, per_op);
	seq_printf(m, "module: %s\n", s->target->name);
	seq_printf(m, "state: %s\n", READ_ONCE(s->end) ? "done" : "running");
	seq_printf(m, "secs: %u\n", rtort_secs(s));
	seq_printf(m, "threads: %u\n", s->nthreads);
	seq_printf(m, "ops: %llu\n", ops);
	seq_printf(m, "errors: %llu\n", errors);
	seq_printf(m, "failures: %d\n", atomic_read(&s->failures));
	raw_spin_lock_irq(&s->fail_lock);
	seq_printf(m, "reason: %s\n", s->reason[0] ? s->reason : "-");
	raw_spin_unlock_irq(&s->fail_lock);
	for (j = 0; j < s->target->nops; j++) {
		u64 e = 0;

		for (i = 0; i < s->nthreads; i++)
			e += READ_ONCE(s->threads[i].errors[j]);
		seq_printf(m, "op.%s: %llu\n", s->target->ops[j].name, per_op[j]);
		seq_printf(m, "errors.%s: %llu\n", s->target->ops[j].name, e);
	}
	return 0;
}

/* ------------------------------------------------------- start / stop */

static void rtort_free(struct rtort_session *s)
{
	unsigned int i;

	for (i = 0; i < s->nthreads; i++)
		if (s->threads[i].task)
			put_task_struct(s->threads[i].task);
	kfree(s->threads);
	kfree(s);
}

/* Stop and reap every worker started so far (their loops may be running). */
static void rtort_reap_workers(struct rtort_session *s)
{
	unsigned int i;

	rtort_end_workers(s);
	for (i = 0; i < s->nthreads; i++)
		if (s->threads[i].task)
			kthread_stop(s->threads[i].task);
}

static int rtort_check_target(const struct rtort_target *tg, unsigned int *total)
{
	unsigned int i;

	*total = 0;
	if (!tg || !tg->name || !tg->ops || !tg->nops || tg->nops > RTORT_MAX_OPS)
		return -EINVAL;
	for (i = 0; i < tg->nops; i++) {
		if (!tg->ops[i].name || !tg->ops[i].run || tg->ops[i].weight > 1000000)
			return -EINVAL;
		*total += tg->ops[i].weight;
	}
	return *total ? 0 : -EINVAL;
}

struct rtort_session *rtort_start(const struct rtort_target *tg)
{
	struct rtort_session *s, *it;
	unsigned int i, total, n;
	int ret;

	ret = rtort_check_target(tg, &total);
	if (ret)
		return ERR_PTR(ret);
	n = threads ? threads : tg->nthreads ? tg->nthreads : 2 * num_present_cpus();
	n = clamp(n, 1U, (unsigned int)RTORT_MAX_THREADS);
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->threads = kcalloc(n, sizeof(*s->threads), GFP_KERNEL);
	if (!s->threads) {
		kfree(s);
		return ERR_PTR(-ENOMEM);
	}
	s->target = tg;
	s->nthreads = n;
	s->total_weight = total;
	atomic_set(&s->running, 0);
	init_waitqueue_head(&s->park_wq);
	init_waitqueue_head(&s->parked_wq);
	raw_spin_lock_init(&s->fail_lock);

	raw_spin_lock_irq(&rtort_sessions_lock);
	list_for_each_entry(it, &rtort_sessions, node)
		if (!strcmp(it->target->name, tg->name))
			ret = -EEXIST;
	if (!ret)
		list_add_tail(&s->node, &rtort_sessions);
	raw_spin_unlock_irq(&rtort_sessions_lock);
	if (ret) {
		rtort_free(s);
		return ERR_PTR(ret);
	}
	s->proc = proc_create_single_data(tg->name, 0444, rtort_dir, rtort_proc_show, s);
	if (!s->proc) {
		ret = -ENOMEM;
		goto unlist;
	}

	s->start = jiffies;
	for (i = 0; i < n; i++) {
		struct rtort_thread *t = &s->threads[i];
		struct task_struct *task;

		t->s = s;
		t->tid = i;
		t->cur_op = RTORT_OP_NONE;
		t->faulty = i < fault_threads;
		prandom_seed_state(&t->rnd, get_random_u64());
		task = kthread_create(rtort_worker, t, "rtort_%.8s/%u", tg->name, i);
		if (IS_ERR(task)) {
			ret = PTR_ERR(task);
			goto stop;
		}
		/* kept until rtort_free(): kthread_stop() needs the task */
		get_task_struct(task);
		t->task = task;
		atomic_inc(&s->running);
		wake_up_process(task);
	}
	s->stats_task = kthread_run(rtort_stats_thread, s, "rtort_%.8s/st", tg->name);
	if (IS_ERR(s->stats_task)) {
		ret = PTR_ERR(s->stats_task);
		s->stats_task = NULL;
		goto stop;
	}
	pr_info("rcunet-torture: start module=%s threads=%u faulty=%u duration=%us reader_delay_us=%u\n",
		tg->name, n, min(fault_threads, n), duration, reader_delay_us);
	return s;

stop:
	rtort_reap_workers(s);
	proc_remove(s->proc);
unlist:
	raw_spin_lock_irq(&rtort_sessions_lock);
	list_del(&s->node);
	raw_spin_unlock_irq(&rtort_sessions_lock);
	rtort_free(s);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(rtort_start);

int rtort_stop(struct rtort_session *s)
{
	bool ended;
	int ret;

	if (IS_ERR_OR_NULL(s))
		return 0;
	/* no more progress, quiesce or duration end behind our back */
	kthread_stop(s->stats_task);
	ended = READ_ONCE(s->end);
	rtort_reap_workers(s);
	if (!ended) {
		rtort_progress(s);
		rtort_final_quiesce(s);
	}
	/*
	 * Unlisted first: a failure a driver's timer reports from now on goes
	 * to the log as "(no session)", which the runner fails the module on,
	 * instead of into a count nobody prints again.
	 */
	raw_spin_lock_irq(&rtort_sessions_lock);
	list_del(&s->node);
	raw_spin_unlock_irq(&rtort_sessions_lock);
	ret = rtort_report(s);
	proc_remove(s->proc);
	rtort_free(s);
	return ret;
}
EXPORT_SYMBOL_GPL(rtort_stop);

static int __init rtort_init(void)
{
	rtort_dir = rcunet_proc_mkdir("torture");
	if (!rtort_dir)
		return -ENOMEM;
	return 0;
}

static void __exit rtort_exit(void)
{
	proc_remove(rtort_dir);
}

module_init(rtort_init);
module_exit(rtort_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rcunet torture core: randomized self-checking stress of the rcunet modules");
MODULE_AUTHOR(RCUNET_AUTHOR);
MODULE_VERSION(RCUNET_VERSION);
