/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sockwq private declarations shared between the module's own files (not
 * for the tests: their API is sockwq.h).
 */
#ifndef _SOCKWQ_INTERNAL_H
#define _SOCKWQ_INTERNAL_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include "sockwq.h"

/* core.c: the variants, indexed by SOCKWQ_MODE_* */
extern const struct swq_variant swq_variants[SWQ_NR_MODES];
/* Mode of newly opened endpoints (SOCKWQ_MODE_*), set by "mode". */
extern u32 swq_default_mode;
extern atomic_long_t swq_socks_live;	/* endpoints not yet freed */
void swq_sock_hold(struct swq_sock *sk);

/*
 * The stats file's "ops:": wakeup callbacks /dev/sockwq calls and the
 * kernel producers ran. Per CPU, so counting adds no shared cache line to
 * the paths whose shared cache line the lockless variant removed. The bench
 * calls the bare callbacks and is not counted.
 */
DECLARE_PER_CPU(unsigned long, swq_op_count);

static inline void swq_count_op(void)
{
	this_cpu_inc(swq_op_count);
}

unsigned long swq_ops(void);
/* The stats file's "errors:": failed control commands and device calls. */
void swq_count_error(void);
unsigned long swq_errors(void);

/* core.c: a wait-queue object's start and end of life (counted) */
void swq_wq_init(struct swq_wq *wq);
void swq_wq_count_freed(void);
/* core.c: the lockless callbacks, shared by the rcu and embedded variants */
void swq_rcu_data_ready(struct swq_sock *sk);
void swq_rcu_write_space(struct swq_sock *sk);
void swq_rcu_state_change(struct swq_sock *sk);

/* embedded.c: the endpoint with its wait queue inside (commit 333f7909a857) */
struct swq_sock *swq_embedded_sock_alloc(gfp_t gfp);
void swq_embedded_sock_free(struct swq_sock *sk);

/* legacy.c: the callbacks as they were before commit 43815482370c */
void swq_legacy_data_ready(struct swq_sock *sk);
void swq_legacy_write_space(struct swq_sock *sk);
void swq_legacy_state_change(struct swq_sock *sk);

/* dev.c */
int swq_dev_init(void);
void swq_dev_exit(void);

/* producer.c (configuration in producer.h) */
int swq_producers_start(void);
void swq_producers_stop(void);

/* procfs.c */
struct proc_dir_entry *swq_proc_init(void);
void swq_proc_exit(void);

/* bench.c */
int swq_bench_init(struct proc_dir_entry *dir);
void swq_bench_exit(void);

#endif /* _SOCKWQ_INTERNAL_H */
