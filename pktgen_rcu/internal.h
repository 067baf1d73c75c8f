/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pktgen_rcu: declarations shared between the module's own files only.
 * What the tests may call is in pktgen_rcu.h.
 */
#ifndef _PKTGEN_RCU_INTERNAL_H
#define _PKTGEN_RCU_INTERNAL_H

#include <linux/bug.h>
#include <linux/percpu.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include "pktgen_rcu.h"

/* the variant tables: core.c (rcu), legacy.c (legacy), mutex.c (mutex) */
extern const struct pgr_list_ops pgr_rcu_ops;
extern const struct pgr_list_ops pgr_legacy_ops;
extern const struct pgr_list_ops pgr_mutex_ops;

/* core.c: the RCU readers, which "rcu" and "mutex" share */
struct pgr_dev *pgr_next_to_run_rcu(struct pgr_thread *t);
bool pgr_thread_is_running_rcu(struct pgr_thread *t);
bool pgr_find_dev_rcu(struct pgr_thread *t, const char *ifname, bool exact);
bool pgr_mark_dev_rcu(struct pgr_thread *t, const char *ifname);
int pgr_mark_odev_rcu(struct pgr_thread *t, const struct net_device *odev);
void pgr_walk_rcu(struct pgr_thread *t,
		  void (*fn)(struct pgr_dev *dev, void *arg), void *arg);
/* core.c: if_lock as the writer lock, which "rcu" and "legacy" share */
void pgr_spin_writer_lock(struct pgr_thread *t) __acquires(&t->if_lock);
void pgr_spin_writer_unlock(struct pgr_thread *t) __releases(&t->if_lock);
/* core.c: the removal_delay_us test knob's sleep */
void pgr_removal_delay(void);

/*
 * The module's counters, per CPU: each kpktgend is bound to its CPU, so
 * an increment is a CPU-local add, not a shared atomic (the fast path
 * this module is about lost its two atomics per packet; a statistics
 * counter must not put one back). Summed by the stats file. "ops" is not
 * touched per packet at all: a run's packets (the device's sofar) are
 * added once when the run stops (pgr_stop_device()), so the transmit path
 * does no more per packet than the kernel's pktgen it is compared with.
 */
struct pgr_pcpu_stats {
	u64 ops;	/* packets the driver accepted, in runs that ended */
	u64 errors;	/* packets refused or dropped, failed commands */
};
DECLARE_PER_CPU(struct pgr_pcpu_stats, pgr_pcpu_stats);

static inline void pgr_count_error(void)
{
	this_cpu_inc(pgr_pcpu_stats.errors);
}

void pgr_stats_read(u64 *ops, u64 *errors);

/* core.c */
extern struct list_head pgr_threads;	/* under pgr_thread_lock */
extern bool pgr_exiting;

/* xmit.c */
void pgr_dev_set_defaults(struct pgr_dev *dev);
void pgr_clear_counters(struct pgr_dev *dev);
__printf(2, 3) void pgr_set_result(struct pgr_dev *dev, const char *fmt, ...);
void pgr_start_device(struct pgr_dev *dev);
int pgr_stop_device(struct pgr_dev *dev);
void pgr_xmit(struct pgr_thread *t, struct pgr_dev *dev);

/* core.c: the parts of a removal all versions share */
void pgr_remove_stop(struct pgr_dev *dev);
void pgr_remove_begin(struct pgr_dev *dev);
void pgr_remove_odev(struct pgr_dev *dev);

/*
 * Each removal takes a fixed writer lock (if_lock, or if_mutex in mutex.c),
 * not the one t->ops names: the list must be in a variant whose writers
 * take that same lock, or an add_device (pgr_writer_lock()) could run
 * under the other one beside it. Only the owner removes and switches the
 * variant (pgr_thread_set_ops()), so t->ops is stable here.
 */
static inline void pgr_check_removal_lock(struct pgr_thread *t, bool mutex)
{
	WARN_ON_ONCE(t->ops->writer_may_sleep != mutex);
}

/* params.c */
void pgr_dev_show(struct seq_file *seq, struct pgr_dev *dev);

/* procfs.c */
extern struct mutex pgr_thread_lock;
extern struct mutex pgr_cfg_lock;
int pgr_add_device(struct pgr_thread *t, const char *ifname);
int pgr_proc_init(void);
struct proc_dir_entry *pgr_proc_rcunet_dir(void);
void pgr_proc_exit_files(void);
void pgr_proc_exit(void);
struct proc_dir_entry *pgr_procfs_dev_create(struct pgr_dev *dev);
struct proc_dir_entry *pgr_procfs_thread_create(struct pgr_thread *t);
int pgr_start_all(void);
void pgr_stop_all(void);
void pgr_reset_all(void);

/* bench.c */
int pgr_bench_init(struct proc_dir_entry *dir);
void pgr_bench_exit(void);

#endif /* _PKTGEN_RCU_INTERNAL_H */
