// SPDX-License-Identifier: GPL-2.0
/*
 * sockwq in-kernel producers: one kthread per online CPU that queues
 * messages into chosen endpoints and calls their ->data_ready(), like a
 * softirq delivering packets, so wakeups race with user-space poll, read
 * and close.
 *
 * Configuration (procfs.c, control file): rate (messages per second per
 * producer) and the target endpoint ids. A producer looks each target up
 * by id per message (taking a reference), so a target closed meanwhile is
 * either skipped (gone) or, orphaned, still safe to call: its swq_wq lives
 * until our RCU read-side section in ->data_ready() has ended.
 */
#define pr_fmt(fmt) "sockwq: " fmt

#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/cpu.h>
#include "sockwq.h"
#include "internal.h"
#include "producer.h"

static DEFINE_MUTEX(swq_prod_mutex);	/* start/stop/config writers */
static DEFINE_SPINLOCK(swq_prod_cfg_lock);	/* cfg snapshot for producers */
static struct swq_prod_cfg swq_prod_cfg = { .rate = 1000 };
static struct task_struct **swq_prod_tasks;
static unsigned int swq_prod_nr;

atomic64_t swq_prod_sent = ATOMIC64_INIT(0);
atomic64_t swq_prod_dropped = ATOMIC64_INIT(0);
atomic64_t swq_prod_missed = ATOMIC64_INIT(0);

void swq_prod_get_cfg(struct swq_prod_cfg *cfg)
{
	spin_lock(&swq_prod_cfg_lock);
	*cfg = swq_prod_cfg;
	spin_unlock(&swq_prod_cfg_lock);
}

int swq_prod_set_rate(u32 rate)
{
	spin_lock(&swq_prod_cfg_lock);
	swq_prod_cfg.rate = rate;
	spin_unlock(&swq_prod_cfg_lock);
	return 0;
}

int swq_prod_set_targets(const u32 *ids, unsigned int n)
{
	spin_lock(&swq_prod_cfg_lock);
	memcpy(swq_prod_cfg.targets, ids, n * sizeof(*ids));
	swq_prod_cfg.nr_targets = n;
	spin_unlock(&swq_prod_cfg_lock);
	return 0;
}

unsigned int swq_producers_running(void)
{
	return READ_ONCE(swq_prod_nr);
}

static void swq_prod_send(u32 id, unsigned int cpu)
{
	struct swq_sock *sk = swq_sock_lookup(id);
	int err;

	if (!sk) {
		atomic64_inc(&swq_prod_missed);
		return;
	}
	err = swq_sock_queue_kernel(sk, cpu, GFP_KERNEL);
	if (!err) {
		atomic64_inc(&swq_prod_sent);
		/* may run while the owner closes sk: see the file comment */
		swq_data_ready(sk);
		swq_count_op();
	} else if (err == -EAGAIN) {
		atomic64_inc(&swq_prod_dropped);
	} else {
		atomic64_inc(&swq_prod_missed);
	}
	swq_sock_put(sk);
}

static int swq_prod_fn(void *arg)
{
	unsigned int cpu = (unsigned long)arg;
	struct swq_prod_cfg cfg;
	u64 start = ktime_get_ns(), sent = 0, due, now;
	unsigned int i;

	while (!kthread_should_stop()) {
		swq_prod_get_cfg(&cfg);
		if (!cfg.nr_targets || !cfg.rate) {
			msleep_interruptible(10);
			start = ktime_get_ns();
			sent = 0;
			continue;
		}
		for (i = 0; i < cfg.nr_targets; i++)
			swq_prod_send(cfg.targets[i], cpu);
		sent++;
		/* pace: @sent rounds should take sent / rate seconds */
		due = start + div_u64(sent * NSEC_PER_SEC, cfg.rate);
		now = ktime_get_ns();
		if (due > now + 20 * NSEC_PER_USEC) {
			/* ahead of schedule; at most 10 ms, to see stop soon */
			now = min_t(u64, div_u64(due - now, NSEC_PER_USEC),
				    10000);
			usleep_range(now, now + 50);
		} else {
			cond_resched();
		}
		if (sent >= cfg.rate) {	/* re-anchor each second */
			start = ktime_get_ns();
			sent = 0;
		}
	}
	return 0;
}

int swq_producers_start(void)
{
	struct task_struct **tasks;
	unsigned int cpu, n = 0;
	int err = 0;

	mutex_lock(&swq_prod_mutex);
	if (swq_prod_tasks) {
		err = -EBUSY;
		goto out;
	}
	tasks = kcalloc(nr_cpu_ids, sizeof(*tasks), GFP_KERNEL);
	if (!tasks) {
		err = -ENOMEM;
		goto out;
	}
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		t = kthread_create_on_cpu(swq_prod_fn, (void *)(unsigned long)cpu,
					  cpu, "sockwq_prod/%u");
		if (IS_ERR(t)) {
			err = PTR_ERR(t);
			break;
		}
		tasks[n++] = t;
	}
	cpus_read_unlock();
	if (err) {
		while (n--)
			kthread_stop(tasks[n]);
		kfree(tasks);
		goto out;
	}
	for (cpu = 0; cpu < n; cpu++)
		wake_up_process(tasks[cpu]);
	swq_prod_tasks = tasks;
	WRITE_ONCE(swq_prod_nr, n);
out:
	mutex_unlock(&swq_prod_mutex);
	return err;
}

/* Stop every producer; when this returns none is inside ->data_ready(). */
void swq_producers_stop(void)
{
	unsigned int i;

	mutex_lock(&swq_prod_mutex);
	if (swq_prod_tasks) {
		for (i = 0; i < swq_prod_nr; i++)
			kthread_stop(swq_prod_tasks[i]);
		kfree(swq_prod_tasks);
		swq_prod_tasks = NULL;
		WRITE_ONCE(swq_prod_nr, 0);
	}
	mutex_unlock(&swq_prod_mutex);
}
