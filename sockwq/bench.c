// SPDX-License-Identifier: GPL-2.0
/*
 * sockwq benchmark ops.
 *
 * Fast path (path=fast), op data_ready: the cost of one ->data_ready() on
 * one endpoint shared by all bench threads (many CPUs delivering to one
 * socket), with no sleeper (the pure fast path commit 43815482370c ("net:
 * sock_def_readable() and friends RCU conversion") made lock-free) or with
 * one (sleeper=1: a wait entry whose wake function does nothing, so the
 * cost is the wait-queue walk, not a scheduler wakeup).
 *
 *   legacy  locked: read_lock(&callback_lock) + has-sleeper check
 *   rcu     lockless: rcu_read_lock() + rcu_dereference() + has-sleeper
 *           check; twin legacy
 *   embedded  lockless, twin legacy, previous rcu: the same callbacks as
 *           rcu on an endpoint whose wait queue is inside it (commit
 *           333f7909a857, "coallocate socket_wq with socket itself"): the
 *           same work per wakeup; what it changes is the slow path's
 *   kernel  peer: the live kernel's sock_def_readable() on an AF_UNIX
 *           datagram socket (sk->sk_data_ready), the same change as it
 *           ships: the same work as rcu (RCU load of sk_wq, smp_mb() +
 *           waitqueue_active(), the SOCK_FASYNC test), so same_work_as rcu
 *
 * Slow path (path=slow), op create+close: what the change made the close
 * of a socket pay. Every op allocates an endpoint and its wait-queue
 * object (swq_wq_alloc(), swq_sock_alloc(), swq_sock_graft(), as open()
 * does) and closes it again (swq_sock_orphan(), swq_wq_release(),
 * swq_sock_purge(), swq_sock_put(), as release() does). Each thread works
 * on its own endpoints; what the threads share is what open() and close()
 * share: the endpoint list's lock and the allocator.
 *
 *   legacy-close  locked: the wait-queue object is kfree()d in the close,
 *                 the orphan's write_lock(&callback_lock) having waited
 *                 out every waker
 *   rcu-close     lockless, twin legacy-close: the close unpublishes the
 *                 __rcu pointer and hands the object to call_rcu(); the
 *                 close returns before the grace period, the free is paid
 *                 later by RCU (its callback processing), not by the
 *                 closing task. This is the cost as the closer sees it.
 *   rcu-close-gp  lockless, twin legacy-close: rcu-close, plus one
 *                 synchronize_rcu() per gp_batch closes of the thread
 *                 (param gp_batch=N, default 256): the grace period the
 *                 deferred free waits for, amortised over the closes it
 *                 covers, paid by the closing thread. gp_batch=1 is a
 *                 close that waits out its own grace period.
 *   embedded-close  lockless, twin legacy-close, previous rcu-close: the
 *                 endpoint is allocated with its wait queue inside (one
 *                 allocation instead of two), and the close frees no wait
 *                 queue at all: the endpoint's own call_rcu() takes it
 *                 along (what the closing task pays, as rcu-close)
 *   kernel-close  peer: sock_create_kern() + sock_release() of an AF_UNIX
 *                 datagram socket. The live kernel's socket_wq lives in
 *                 the socket's inode and is freed with it after a grace
 *                 period, but the op also creates and tears down a whole
 *                 socket (inode, unix_sock, security hooks): other work,
 *                 no ratio (same_work_as unset); it shows the scale.
 *
 * In all of our close variants the endpoint itself (struct swq_sock) is
 * freed through call_rcu() too: this module finds endpoints by id under
 * RCU, in every variant. That is not part of commit 43815482370c and not
 * waited for by legacy-close nor rcu-close; rcu-close-gp's grace period
 * covers it as well as the wait-queue object's. It is what the embedded
 * stage builds on: as mainline's socket became RCU-freed before its
 * socket_wq could move into it, our endpoint already is, so
 * embedded-close's one call_rcu() is the one every close variant pays.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/cache.h>
#include <linux/rcupdate.h>
#include <linux/net.h>
#include <net/sock.h>
#include <net/net_namespace.h>
#include "../common/rcunet.h"
#include "sockwq.h"
#include "internal.h"

/* Default of the gp_batch param: closes per grace period (rcu-close-gp). */
#define SWQ_BENCH_GP_BATCH	256
#define SWQ_BENCH_GP_BATCH_MAX	65536

/* A thread's own count, on its own cache line: threads never share it. */
struct swq_bench_thread {
	u32 closes;		/* since its last synchronize_rcu() */
} ____cacheline_aligned_in_smp;

struct swq_bench_ctx {
	/* params, set by the spec */
	bool sleeper;
	u32 gp_batch;
	/* fast path: the endpoint (or kernel socket) every thread wakes */
	struct swq_sock *sk;
	struct swq_wq *wq;
	struct socket *ksock;
	struct wait_queue_entry entry;
	wait_queue_head_t *entry_head;	/* where @entry is queued, or NULL */
	/* slow path: rcu-close-gp's per-thread counts, nthreads of them */
	struct swq_bench_thread *threads;
};

static struct swq_bench_ctx swq_bench_ctx = {
	.gp_batch	= SWQ_BENCH_GP_BATCH,
};

/* The sleeper: queued like a poll entry, but a wakeup does nothing. */
static int swq_bench_wake(struct wait_queue_entry *entry, unsigned int mode,
			  int sync, void *key)
{
	return 0;
}

static void swq_bench_add_sleeper(struct swq_bench_ctx *c,
				  wait_queue_head_t *head)
{
	if (!c->sleeper)
		return;
	init_waitqueue_func_entry(&c->entry, swq_bench_wake);
	add_wait_queue(head, &c->entry);
	c->entry_head = head;
}

static void swq_bench_del_sleeper(struct swq_bench_ctx *c)
{
	if (c->entry_head)
		remove_wait_queue(c->entry_head, &c->entry);
	c->entry_head = NULL;
}

static int swq_bench_setup_mode(struct swq_bench_ctx *c, u32 mode)
{
	c->sk = swq_sock_alloc(mode, SOCKWQ_RXQ_MAX);
	if (IS_ERR(c->sk))
		return PTR_ERR(c->sk);
	c->wq = swq_sock_new_wq(c->sk, GFP_KERNEL);
	if (!c->wq) {
		swq_sock_put(c->sk);
		return -ENOMEM;
	}
	swq_sock_graft(c->sk, c->wq);
	swq_bench_add_sleeper(c, &c->wq->wait);
	return 0;
}

static int swq_bench_setup_legacy(void *ctx, unsigned int nthreads)
{
	return swq_bench_setup_mode(ctx, SOCKWQ_MODE_LEGACY);
}

static int swq_bench_setup_rcu(void *ctx, unsigned int nthreads)
{
	return swq_bench_setup_mode(ctx, SOCKWQ_MODE_RCU);
}

static int swq_bench_setup_embedded(void *ctx, unsigned int nthreads)
{
	return swq_bench_setup_mode(ctx, SOCKWQ_MODE_EMBEDDED);
}

static void swq_bench_teardown_mode(void *ctx)
{
	struct swq_bench_ctx *c = ctx;

	swq_bench_del_sleeper(c);
	swq_wq_release(c->wq, swq_sock_orphan(c->sk));
	swq_sock_put(c->sk);
	c->sk = NULL;
	c->wq = NULL;
}

static int swq_bench_run_mode(void *ctx, unsigned int tid, u64 n)
{
	struct swq_sock *sk = ((struct swq_bench_ctx *)ctx)->sk;

	while (n--)
		swq_data_ready(sk);
	return 0;
}

static int swq_bench_setup_kernel(void *ctx, unsigned int nthreads)
{
	struct swq_bench_ctx *c = ctx;
	int err;

	err = sock_create_kern(&init_net, AF_UNIX, SOCK_DGRAM, 0, &c->ksock);
	if (err)
		return err == -EAFNOSUPPORT ? -ENODEV : err;
	/* we own the socket: its sk_wq cannot change under us */
	swq_bench_add_sleeper(c, sk_sleep(c->ksock->sk));
	return 0;
}

static void swq_bench_teardown_kernel(void *ctx)
{
	struct swq_bench_ctx *c = ctx;

	swq_bench_del_sleeper(c);
	sock_release(c->ksock);
	c->ksock = NULL;
}

static int swq_bench_run_kernel(void *ctx, unsigned int tid, u64 n)
{
	struct sock *sk = ((struct swq_bench_ctx *)ctx)->ksock->sk;

	while (n--)
		sk->sk_data_ready(sk);
	return 0;
}

/* ------------------------------------------------------------ slow path */

/*
 * One create+close of an endpoint of the calling thread in @mode: what
 * swq_dev_open() and swq_dev_release() do to the endpoint and its
 * wait-queue object (the file side's own struct is left out: it is the
 * same in every variant and not part of the change).
 */
static int swq_bench_create_close(u32 mode)
{
	struct swq_sock *sk;
	struct swq_wq *wq;

	sk = swq_sock_alloc(mode, SOCKWQ_RXQ_MAX);
	if (IS_ERR(sk))
		return PTR_ERR(sk);
	/* embedded: the one inside sk; else a second allocation */
	wq = swq_sock_new_wq(sk, GFP_KERNEL);
	if (!wq) {
		swq_sock_put(sk);
		return -ENOMEM;
	}
	swq_sock_graft(sk, wq);
	/*
	 * legacy: orphan's write_lock() waited out every waker, the object
	 * is freed here; rcu: a waker may still hold it, call_rcu() frees it;
	 * embedded: nothing to free here, swq_sock_put()'s call_rcu() of the
	 * endpoint frees it with the endpoint.
	 */
	swq_wq_release(wq, swq_sock_orphan(sk));
	swq_sock_purge(sk);
	swq_sock_put(sk);
	return 0;
}

static int swq_bench_run_close(u32 mode, u64 n)
{
	int err;

	while (n--) {
		err = swq_bench_create_close(mode);
		if (err)
			return err;
	}
	return 0;
}

static int swq_bench_run_legacy_close(void *ctx, unsigned int tid, u64 n)
{
	return swq_bench_run_close(SOCKWQ_MODE_LEGACY, n);
}

static int swq_bench_run_rcu_close(void *ctx, unsigned int tid, u64 n)
{
	return swq_bench_run_close(SOCKWQ_MODE_RCU, n);
}

static int swq_bench_run_embedded_close(void *ctx, unsigned int tid, u64 n)
{
	return swq_bench_run_close(SOCKWQ_MODE_EMBEDDED, n);
}

static int swq_bench_setup_rcu_close_gp(void *ctx, unsigned int nthreads)
{
	struct swq_bench_ctx *c = ctx;

	c->threads = kcalloc(nthreads, sizeof(*c->threads), GFP_KERNEL);
	return c->threads ? 0 : -ENOMEM;
}

/*
 * The count is per thread and restarts at setup, so a thread's first
 * gp_batch * k timed ops include exactly k grace periods (bench.sh uses
 * loops that are a multiple of gp_batch). Ops the harness adds after a
 * thread's timed ones (cool-down) go on counting; they are not timed.
 */
static int swq_bench_run_rcu_close_gp(void *ctx, unsigned int tid, u64 n)
{
	struct swq_bench_ctx *c = ctx;
	struct swq_bench_thread *t = &c->threads[tid];
	int err;

	while (n--) {
		err = swq_bench_create_close(SOCKWQ_MODE_RCU);
		if (err)
			return err;
		if (++t->closes < c->gp_batch)
			continue;
		t->closes = 0;
		/*
		 * Every object this thread closed so far was handed to
		 * call_rcu() before this call: when it returns, their grace
		 * period is over and RCU may run the frees.
		 */
		synchronize_rcu();
	}
	return 0;
}

static int swq_bench_setup_kernel_close(void *ctx, unsigned int nthreads)
{
	struct socket *sock;
	int err;

	/* no AF_UNIX in this kernel: skip the peer with -ENODEV */
	err = sock_create_kern(&init_net, AF_UNIX, SOCK_DGRAM, 0, &sock);
	if (err)
		return err == -EAFNOSUPPORT ? -ENODEV : err;
	sock_release(sock);
	return 0;
}

static int swq_bench_run_kernel_close(void *ctx, unsigned int tid, u64 n)
{
	struct socket *sock;
	int err;

	while (n--) {
		err = sock_create_kern(&init_net, AF_UNIX, SOCK_DGRAM, 0,
				       &sock);
		if (err)
			return err;
		sock_release(sock);
	}
	return 0;
}

/*
 * Every close variant: wait for the frees its closes deferred (the
 * wait-queue objects of rcu-close*, every variant's endpoints, the
 * kernel's socket inodes), so that teardown leaves nothing of ours
 * behind and the next variant's run does not pay our RCU callbacks.
 */
static void swq_bench_teardown_close(void *ctx)
{
	struct swq_bench_ctx *c = ctx;

	kfree(c->threads);
	c->threads = NULL;
	rcu_barrier();
}

/* The close variants take no sleeper: their lines carry no sleeper=. */
static int swq_bench_show_no_params(void *ctx, char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
	return 0;
}

static int swq_bench_show_gp_batch(void *ctx, char *buf, size_t len)
{
	return scnprintf(buf, len, "gp_batch=%u",
			 ((struct swq_bench_ctx *)ctx)->gp_batch);
}

static const struct rcunet_bench_variant swq_bench_variants[] = {
	{
		.name		= "legacy",
		.op		= "data_ready",
		.role		= RCUNET_ROLE_LOCKED,
		.setup		= swq_bench_setup_legacy,
		.teardown	= swq_bench_teardown_mode,
		.run		= swq_bench_run_mode,
	},
	{
		.name		= "rcu",
		.op		= "data_ready",
		.role		= RCUNET_ROLE_LOCKLESS,
		.twin		= "legacy",
		.setup		= swq_bench_setup_rcu,
		.teardown	= swq_bench_teardown_mode,
		.run		= swq_bench_run_mode,
	},
	{
		/* commit 333f7909a857: rcu's wakeup, the wq inside the endpoint */
		.name		= "embedded",
		.op		= "data_ready",
		.role		= RCUNET_ROLE_LOCKLESS,
		.twin		= "legacy",
		.previous	= "rcu",
		.setup		= swq_bench_setup_embedded,
		.teardown	= swq_bench_teardown_mode,
		.run		= swq_bench_run_mode,
	},
	{
		.name		= "kernel",
		.op		= "data_ready",
		.role		= RCUNET_ROLE_PEER,
		.twin		= "legacy",
		.same_work_as	= "rcu",
		.setup		= swq_bench_setup_kernel,
		.teardown	= swq_bench_teardown_kernel,
		.run		= swq_bench_run_kernel,
	},
	{
		.name		= "legacy-close",
		.op		= "create+close",
		.role		= RCUNET_ROLE_LOCKED,
		.slow_path	= true,
		.teardown	= swq_bench_teardown_close,
		.run		= swq_bench_run_legacy_close,
		.show_params	= swq_bench_show_no_params,
	},
	{
		/* the close as the closing task pays it; RCU frees later */
		.name		= "rcu-close",
		.op		= "create+close",
		.role		= RCUNET_ROLE_LOCKLESS,
		.twin		= "legacy-close",
		.slow_path	= true,
		.teardown	= swq_bench_teardown_close,
		.run		= swq_bench_run_rcu_close,
		.show_params	= swq_bench_show_no_params,
	},
	{
		/* rcu-close with the grace period, 1/gp_batch per op */
		.name		= "rcu-close-gp",
		.op		= "create+close+gp",
		.role		= RCUNET_ROLE_LOCKLESS,
		.twin		= "legacy-close",
		.slow_path	= true,
		.setup		= swq_bench_setup_rcu_close_gp,
		.teardown	= swq_bench_teardown_close,
		.run		= swq_bench_run_rcu_close_gp,
		.show_params	= swq_bench_show_gp_batch,
	},
	{
		/* one allocation, no wait-queue free: the endpoint takes it */
		.name		= "embedded-close",
		.op		= "create+close",
		.role		= RCUNET_ROLE_LOCKLESS,
		.twin		= "legacy-close",
		.previous	= "rcu-close",
		.slow_path	= true,
		.teardown	= swq_bench_teardown_close,
		.run		= swq_bench_run_embedded_close,
		.show_params	= swq_bench_show_no_params,
	},
	{
		/* a whole AF_UNIX socket: other work, no ratio */
		.name		= "kernel-close",
		.op		= "create+close",
		.role		= RCUNET_ROLE_PEER,
		.twin		= "legacy-close",
		.slow_path	= true,
		.setup		= swq_bench_setup_kernel_close,
		.teardown	= swq_bench_teardown_close,
		.run		= swq_bench_run_kernel_close,
		.show_params	= swq_bench_show_no_params,
	},
};

static int swq_bench_set_param(void *ctx, const char *key, const char *val)
{
	struct swq_bench_ctx *c = ctx;
	u32 v;
	int err;

	if (!strcmp(key, "sleeper")) {
		err = rcunet_parse_u32(val, 0, 1, &v);
		if (!err)
			c->sleeper = v;
		return err;
	}
	if (!strcmp(key, "gp_batch")) {
		err = rcunet_parse_u32(val, 1, SWQ_BENCH_GP_BATCH_MAX, &v);
		if (!err)
			c->gp_batch = v;
		return err;
	}
	return -ENOENT;
}

static void swq_bench_reset_params(void *ctx)
{
	struct swq_bench_ctx *c = ctx;

	c->sleeper = false;
	c->gp_batch = SWQ_BENCH_GP_BATCH;
}

/* The fast-path variants' extra token (the close variants have their own). */
static int swq_bench_show_params(void *ctx, char *buf, size_t len)
{
	return scnprintf(buf, len, "sleeper=%u",
			 ((struct swq_bench_ctx *)ctx)->sleeper);
}

static struct rcunet_bench swq_bench = {
	.module		= SWQ_NAME,
	.variants	= swq_bench_variants,
	.nr_variants	= ARRAY_SIZE(swq_bench_variants),
	.ctx		= &swq_bench_ctx,
	/* fast-path loops; bench.sh gives the close variants their own */
	.default_loops	= 100000,
	/* no default_runs: the core's default applies */
	.set_param	= swq_bench_set_param,
	.reset_params	= swq_bench_reset_params,
	.show_params	= swq_bench_show_params,
};

int swq_bench_init(struct proc_dir_entry *dir)
{
	return rcunet_bench_create(dir, &swq_bench);
}

void swq_bench_exit(void)
{
	rcunet_bench_remove(&swq_bench);
}
