/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sockwq: socket-like endpoints whose wakeup path reads an RCU-protected
 * wait-queue object, with the sk_callback_lock original beside it.
 *
 * The objects mirror the kernel's own after commit 43815482370c ("net:
 * sock_def_readable() and friends RCU conversion"):
 *   struct swq_wq    ~ struct socket_wq: wait queue + fasync list + rcu_head,
 *                      owned by the file side, freed after a grace period.
 *   struct swq_sock  ~ struct sock: receive queue, an __rcu pointer to the
 *                      swq_wq (NULL once orphaned), callback_lock, and the
 *                      data_ready/write_space/state_change callbacks.
 * and, for the "embedded" variant, as after commit 333f7909a857
 * ("coallocate socket_wq with socket itself"):
 *   struct swq_sock_with_wq ~ struct socket_alloc: the endpoint with its
 *                      swq_wq inside, one allocation, freed as a whole
 *                      after a grace period (embedded.c).
 *
 * This is the API the module's own files, the KUnit suites
 * (kunit/sockwq_kunit.c) and the torture driver (torture/sockwq_torture.c)
 * use. No other module calls it, so the functions are exported only for
 * those tests (RCUNET_EXPORT_FOR_TESTS, CONFIG_KUNIT kernels); their
 * kernel-doc is at the definitions in core.c. Private cross-file
 * declarations are in internal.h.
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
#include "uapi/sockwq.h"

#define SWQ_NAME	"sockwq"

/* The wait-queue object: everything a wakeup needs, nothing else. */
struct swq_wq {
	wait_queue_head_t wait;
	struct fasync_struct *fasync_list;
	struct rcu_head rcu;
	/*
	 * Inside its endpoint (embedded variant): never freed on its own,
	 * it goes with the endpoint (swq_sock_put()), after a grace period.
	 */
	bool embedded;
};

struct swq_sock;

/*
 * One way of waking an endpoint: the three callbacks and where the wait
 * queue lives, as an ops table so the variants sit side by side and
 * tests/bench iterate over them.
 */
struct swq_variant {
	const char *name;
	void (*data_ready)(struct swq_sock *sk);
	void (*write_space)(struct swq_sock *sk);
	void (*state_change)(struct swq_sock *sk);
	/*
	 * The callbacks take no lock to find the swq_wq: once this variant
	 * ran on an endpoint, its swq_wq is freed only after a grace period.
	 */
	bool lockless;
	/*
	 * An endpoint created in this variant carries its swq_wq inside
	 * (struct swq_sock_with_wq); fixed at creation, a later mode switch
	 * changes the callbacks only.
	 */
	bool wq_embedded;
};

#define SWQ_NR_MODES	3

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
	/* created embedded: a struct swq_sock_with_wq; never changes */
	bool wq_embedded;
	/*
	 * SWQ_SOCK_FASYNC (~ SOCK_FASYNC): set while the file side has an
	 * O_ASYNC entry on wq->fasync_list, updated by the fasync handler
	 * after fasync_helper(). Both variants test it before kill_fasync(),
	 * as sk_wake_async() did before and after commit 43815482370c.
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

/*
 * The embedded variant's endpoint (~ struct socket_alloc after commit
 * 333f7909a857): the wait queue is allocated with the endpoint and freed
 * with it, after the grace period the endpoint waits for anyway (RCU
 * lookup by id). sk->wq points at @wq while grafted; it stays an __rcu
 * pointer, cleared at orphan, as sk_wq stayed one.
 */
struct swq_sock_with_wq {
	struct swq_sock sk;	/* first: kfree() of either frees both */
	struct swq_wq wq;
};

/* wait-queue object */
struct swq_wq *swq_wq_alloc(gfp_t gfp);
void swq_wq_release(struct swq_wq *wq, bool deferred);
bool swq_wq_has_sleeper(struct swq_wq *wq);
void swq_poll_wait(struct file *file, struct swq_wq *wq, poll_table *pt);
long swq_wq_live_count(void);
long swq_wq_freed_count(void);

/* endpoints */
const struct swq_variant *swq_mode_ops(u32 mode);
struct swq_sock *swq_sock_alloc(u32 mode, u32 rx_max);
void swq_sock_put(struct swq_sock *sk);
struct swq_sock *swq_sock_lookup(u32 id);
int swq_sock_set_mode(struct swq_sock *sk, u32 mode);
void swq_sock_graft(struct swq_sock *sk, struct swq_wq *wq);
bool swq_sock_orphan(struct swq_sock *sk);
long swq_sock_live_count(void);

/* embedded variant (embedded.c) */
struct swq_wq *swq_sock_embedded_wq(struct swq_sock *sk);
struct swq_wq *swq_sock_new_wq(struct swq_sock *sk, gfp_t gfp);

/* receive queue; the caller calls ->data_ready / ->write_space */
int swq_sock_queue(struct swq_sock *sk, struct swq_msg *msg);
int swq_sock_queue_kernel(struct swq_sock *sk, unsigned int cpu, gfp_t gfp);
bool swq_sock_readable(struct swq_sock *sk);
bool swq_sock_writable(struct swq_sock *sk);
void swq_sock_purge(struct swq_sock *sk);

/*
 * The three wakeups of an endpoint, through its current variant (as the
 * kernel calls sk->sk_data_ready() and friends).
 */
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

#endif /* _SOCKWQ_H */
