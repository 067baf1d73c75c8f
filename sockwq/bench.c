// SPDX-License-Identifier: GPL-2.0
/*
 * sockwq benchmark ops: the cost of one ->data_ready() on one endpoint
 * shared by all bench threads (many CPUs delivering to one socket), with
 * no sleeper (the pure fast path commit 3b8c9ff00283 ("net:
 * sock_def_readable() and friends RCU conversion") made lock-free) or with
 * one (sleeper=1: a wait entry whose wake function does nothing, so the
 * cost is the wait-queue walk, not a scheduler wakeup).
 *
 *   legacy  locked: read_lock(&callback_lock) + has-sleeper check
 *   rcu     lockless: rcu_read_lock() + rcu_dereference() + has-sleeper
 *           check; twin legacy
 *   kernel  peer: the live kernel's sock_def_readable() on an AF_UNIX
 *           datagram socket (sk->sk_data_ready), the same change as it
 *           ships: the same work as rcu (RCU load of sk_wq, smp_mb() +
 *           waitqueue_active(), the SOCK_FASYNC test), so same_work_as rcu
 */
#include <linux/module.h>
#include <linux/net.h>
#include <net/sock.h>
#include <net/net_namespace.h>
#include "../common/rcunet.h"
#include "sockwq.h"
#include "internal.h"

struct swq_bench_ctx {
	bool sleeper;
	struct swq_sock *sk;
	struct swq_wq *wq;
	struct socket *ksock;
	struct wait_queue_entry entry;
	wait_queue_head_t *entry_head;	/* where @entry is queued, or NULL */
};

static struct swq_bench_ctx swq_bench_ctx;

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
	c->wq = swq_wq_alloc(GFP_KERNEL);
	if (!c->wq)
		return -ENOMEM;
	c->sk = swq_sock_alloc(mode, SOCKWQ_RXQ_MAX);
	if (IS_ERR(c->sk)) {
		swq_wq_release(c->wq, false);
		return PTR_ERR(c->sk);
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
		.name		= "kernel",
		.op		= "data_ready",
		.role		= RCUNET_ROLE_PEER,
		.twin		= "legacy",
		.same_work_as	= "rcu",
		.setup		= swq_bench_setup_kernel,
		.teardown	= swq_bench_teardown_kernel,
		.run		= swq_bench_run_kernel,
	},
};

static int swq_bench_set_param(void *ctx, const char *key, const char *val)
{
	struct swq_bench_ctx *c = ctx;
	u32 v;
	int err;

	if (strcmp(key, "sleeper"))
		return -ENOENT;
	err = rcunet_parse_u32(val, 0, 1, &v);
	if (err)
		return err;
	c->sleeper = v;
	return 0;
}

static void swq_bench_reset_params(void *ctx)
{
	((struct swq_bench_ctx *)ctx)->sleeper = false;
}

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
	.default_loops	= 100000,
	.default_runs	= 5,
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
