/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sockwq: socket-like endpoints whose wakeup path reads an RCU-protected
 * wait-queue object, with the sk_callback_lock original beside it.
 *
 * The objects mirror the kernel's own (after "net: sock_def_readable() and
 * friends RCU conversion"):
 *   struct swq_wq    ~ struct socket_wq: wait queue + fasync list + rcu_head,
 *                      owned by the file side, freed after a grace period.
 *   struct swq_sock  ~ struct sock: receive queue, an __rcu pointer to the
 *                      swq_wq (NULL once orphaned), callback_lock, and the
 *                      data_ready/write_space/state_change callbacks.
 *
 * Symbols are exported (GPL) for the KUnit suite in kunit/sockwq_kunit.c.
 */
#ifndef _SOCKWQ_H
#define _SOCKWQ_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/wait.h>
#include <linux/spinlock.h>
#include <linux/refcount.h>
#include <linux/rcupdate.h>
#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/proc_fs.h>
#include "uapi/sockwq.h"

#define SWQ_NAME	"sockwq"

/* The wait-queue object: everything a wakeup needs, nothing else. */
struct swq_wq {
	wait_queue_head_t wait;
	struct fasync_struct *fasync_list;
	struct rcu_head rcu;
};

struct swq_sock;

/*
 * One way of waking an endpoint: the three callbacks, as an ops table so
 * both variants sit side by side and tests/bench iterate over them.
 */
struct swq_variant {
	const char *name;
	void (*data_ready)(struct swq_sock *sk);
	void (*write_space)(struct swq_sock *sk);
	void (*state_change)(struct swq_sock *sk);
};

#define SWQ_NR_MODES	2
/* Indexed by SOCKWQ_MODE_*: [SOCKWQ_MODE_RCU], [SOCKWQ_MODE_LEGACY]. */
extern const struct swq_variant swq_variants[SWQ_NR_MODES];

/* bits in swq_sock.flags */
#define SWQ_SOCK_FASYNC	0

struct swq_msg {
	struct list_head node;
	u32 len;
	u8 data[];
};

struct swq_sock {
	/*
	 * RCU variant: read under rcu_read_lock() with rcu_dereference().
	 * Legacy variant: read under read_lock(&callback_lock).
	 * Written (graft/orphan) under write_lock(&callback_lock) in both.
	 */
	struct swq_wq __rcu *wq;
	rwlock_t callback_lock;
	/* Current variant; WRITE_ONCE under write_lock(&callback_lock). */
	const struct swq_variant *ops;
	/*
	 * Set (never cleared) under callback_lock when the RCU variant is
	 * selected: from then on a waker may hold the swq_wq without the
	 * lock, so its free must wait for a grace period.
	 */
	bool wq_free_deferred;
	bool dead;		/* orphaned; under callback_lock, read racily */
	/*
	 * SWQ_SOCK_FASYNC (~ SOCK_FASYNC): set while the file side has an
	 * O_ASYNC entry on wq->fasync_list, updated by the fasync handler
	 * after fasync_helper(). Both variants test it before kill_fasync(),
	 * as sk_wake_async() did before and after the seed.
	 */
	unsigned long flags;

	spinlock_t rx_lock;	/* protects rx_queue, rx_len, kernel_seq */
	struct list_head rx_queue;
	u32 rx_len;
	u32 rx_max;
	u64 kernel_seq;		/* last sequence given to a kernel message */

	atomic64_t rx_queued;
	atomic64_t rx_read;
	atomic64_t kernel_queued;
	atomic64_t kernel_dropped;

	refcount_t refcnt;
	u32 id;
	struct list_head node;	/* on swq_socks, under swq_socks_lock / RCU */
	struct rcu_head rcu;	/* the sock itself is found under RCU by id */
};

/* wait-queue object */
struct swq_wq *swq_wq_alloc(gfp_t gfp);
void swq_wq_release(struct swq_wq *wq, bool deferred);
bool swq_wq_has_sleeper(struct swq_wq *wq);
void swq_poll_wait(struct file *file, struct swq_wq *wq, poll_table *pt);
extern atomic_long_t swq_wq_live;	/* allocated, not yet freed */
extern atomic_long_t swq_wq_freed;	/* freed so far */

/* endpoints */
struct swq_sock *swq_sock_alloc(u32 mode, u32 rx_max);
void swq_sock_hold(struct swq_sock *sk);
void swq_sock_put(struct swq_sock *sk);
struct swq_sock *swq_sock_lookup(u32 id);	/* holds a reference */
int swq_sock_set_mode(struct swq_sock *sk, u32 mode);
void swq_sock_graft(struct swq_sock *sk, struct swq_wq *wq);
bool swq_sock_orphan(struct swq_sock *sk);
extern atomic_long_t swq_socks_live;

/* receive queue; the caller calls ->data_ready / ->write_space */
int swq_sock_queue(struct swq_sock *sk, struct swq_msg *msg);
int swq_sock_queue_kernel(struct swq_sock *sk, unsigned int cpu, gfp_t gfp);
bool swq_sock_readable(struct swq_sock *sk);
bool swq_sock_writable(struct swq_sock *sk);
void swq_sock_purge(struct swq_sock *sk);

static inline void swq_data_ready(struct swq_sock *sk)
{
	READ_ONCE(sk->ops)->data_ready(sk);
}

static inline void swq_write_space(struct swq_sock *sk)
{
	READ_ONCE(sk->ops)->write_space(sk);
}

static inline void swq_state_change(struct swq_sock *sk)
{
	READ_ONCE(sk->ops)->state_change(sk);
}

/* the two variants' callbacks (core.c: RCU, legacy.c: callback_lock) */
void swq_rcu_data_ready(struct swq_sock *sk);
void swq_rcu_write_space(struct swq_sock *sk);
void swq_rcu_state_change(struct swq_sock *sk);
void swq_legacy_data_ready(struct swq_sock *sk);
void swq_legacy_write_space(struct swq_sock *sk);
void swq_legacy_state_change(struct swq_sock *sk);

/* module parts */
int swq_dev_init(void);
void swq_dev_exit(void);
int swq_producers_start(void);
void swq_producers_stop(void);
int swq_procfs_init(void);
void swq_procfs_exit(void);
int swq_bench_init(struct proc_dir_entry *dir);
void swq_bench_exit(void);

extern u32 swq_default_mode;

#endif /* _SOCKWQ_H */
