// SPDX-License-Identifier: GPL-2.0
/*
 * md5pool legacy variant: the pool as it was before commit 430a737efdc9
 * ("tcp: md5: remove spinlock usage in fast path"), its tcp_md5sig_pool_lock
 * taken in tcp_get_md5sig_pool() and tcp_put_md5sig_pool().
 *
 * Every user (a socket with an MD5 key, in TCP) holds a reference taken by
 * md5pool_legacy_alloc(); the first one builds the pool, the last
 * md5pool_legacy_release() frees it. A signature brackets itself with
 * get/put, which also count as users so that the pool cannot be freed
 * under a running signature, and both take the spinlock: twice per packet.
 */
#define pr_fmt(fmt) "md5pool: " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/spinlock.h>
#include <linux/bottom_half.h>
#include <linux/processor.h>
#include <linux/percpu.h>
#include "internal.h"

/* The module's legacy pool, the one md5pool_legacy_ops uses. */
struct md5pool_legacy md5pool_legacy_global = {
	.lock = __SPIN_LOCK_UNLOCKED(md5pool_legacy_global.lock),
	.nr_allocs = ATOMIC_INIT(0),
};

/**
 * md5pool_legacy_global_pool() - the module's legacy pool
 *
 * For the tests, which watch its users and take its lock.
 *
 * Return: the legacy pool the legacy variant uses; it lives as long as the
 * module.
 */
struct md5pool_legacy *md5pool_legacy_global_pool(void)
{
	return &md5pool_legacy_global;
}

RCUNET_EXPORT_FOR_TESTS(md5pool_legacy_global_pool);

/**
 * md5pool_legacy_init() - set up an empty legacy pool (no users)
 * @lg: the legacy pool
 */
void md5pool_legacy_init(struct md5pool_legacy *lg)
{
	spin_lock_init(&lg->lock);
	lg->users = 0;
	lg->pool = NULL;
	atomic_set(&lg->nr_allocs, 0);
	lg->nr_signed_freed = 0;
}

RCUNET_EXPORT_FOR_TESTS(md5pool_legacy_init);

/**
 * md5pool_legacy_allocated() - does @lg have a pool right now?
 * @lg: the legacy pool
 *
 * Context: process or softirq context; takes @lg->lock.
 * Return: true while some user holds a reference.
 */
bool md5pool_legacy_allocated(struct md5pool_legacy *lg)
{
	bool ret;

	spin_lock_bh(&lg->lock);
	ret = lg->pool;
	spin_unlock_bh(&lg->lock);
	return ret;
}

RCUNET_EXPORT_FOR_TESTS(md5pool_legacy_allocated);

/*
 * The name lockdep gives @lg's lock class (as /proc/lock_stat lists it), or
 * "-" without lockdep: tests/lockstat.sh looks the lock up by it instead of
 * guessing it from a pattern.
 */
const char *md5pool_legacy_lock_name(struct md5pool_legacy *lg)
{
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	if (lg->lock.dep_map.name)
		return lg->lock.dep_map.name;
#endif
	return "-";
}

/*
 * Signatures through @lg since load: the live pool's per-CPU counts and
 * those of the pools already freed, read under the lock so that a pool
 * being freed is counted exactly once.
 */
unsigned long md5pool_legacy_signed(struct md5pool_legacy *lg)
{
	unsigned long n;

	spin_lock_bh(&lg->lock);
	n = lg->nr_signed_freed + md5pool_pool_signed(lg->pool);
	spin_unlock_bh(&lg->lock);
	return n;
}

/**
 * md5pool_legacy_alloc() - take a user reference, building the pool if first
 * @lg: the legacy pool
 *
 * The first user builds the pool outside the lock (it sleeps); later users
 * that arrive before it is published spin until it is (or give up their
 * reference if the build failed).
 *
 * Context: process context, may sleep.
 * Return: 0 (drop the reference with md5pool_legacy_release()) or -ENOMEM.
 */
int md5pool_legacy_alloc(struct md5pool_legacy *lg)
{
	struct md5pool_pool *pool;

	might_sleep();
retry:
	spin_lock_bh(&lg->lock);
	if (lg->users++ == 0) {
		spin_unlock_bh(&lg->lock);
		pool = md5pool_pool_new();
		spin_lock_bh(&lg->lock);
		if (!pool) {
			lg->users--;
			spin_unlock_bh(&lg->lock);
			return -ENOMEM;
		}
		/* users > 0 all along: nobody else can have built one */
		lg->pool = pool;
		atomic_inc(&lg->nr_allocs);
		spin_unlock_bh(&lg->lock);
		return 0;
	}
	if (!lg->pool) {
		/* the first user is still building: back off and retry */
		lg->users--;
		spin_unlock_bh(&lg->lock);
		cond_resched();
		goto retry;
	}
	spin_unlock_bh(&lg->lock);
	return 0;
}

RCUNET_EXPORT_FOR_TESTS(md5pool_legacy_alloc);

/**
 * md5pool_legacy_release() - drop a user reference; the last one frees
 * @lg: the legacy pool
 *
 * Context: process context when it may be the last reference (freeing
 * sleeps); takes @lg->lock.
 */
void md5pool_legacy_release(struct md5pool_legacy *lg)
{
	struct md5pool_pool *pool = NULL;

	spin_lock_bh(&lg->lock);
	if (!WARN_ON_ONCE(!lg->users) && --lg->users == 0) {
		pool = lg->pool;
		lg->pool = NULL;
		/* no user left to sign with it: its count is final */
		lg->nr_signed_freed += md5pool_pool_signed(pool);
	}
	spin_unlock_bh(&lg->lock);
	/* freeing may sleep (crypto_free_shash): outside the lock */
	md5pool_pool_delete(pool);
}

RCUNET_EXPORT_FOR_TESTS(md5pool_legacy_release);

/**
 * md5pool_legacy_get() - this CPU's context, BH disabled, under the lock
 * @lg: the legacy pool
 *
 * Takes @lg->lock to read the pool and count a user, as
 * tcp_get_md5sig_pool() did before the change.
 *
 * Context: any context where BH may be disabled.
 * Return: this CPU's context with BH disabled and a user reference (end
 * with md5pool_legacy_put()), or NULL (BH enabled) when there is no pool.
 */
struct md5pool_ctx *md5pool_legacy_get(struct md5pool_legacy *lg)
{
	struct md5pool_pool *pool;

	local_bh_disable();
	spin_lock(&lg->lock);
	pool = lg->pool;
	if (pool)
		lg->users++;
	spin_unlock(&lg->lock);
	if (pool)
		return this_cpu_ptr(pool->ctx);
	local_bh_enable();
	return NULL;
}

RCUNET_EXPORT_FOR_TESTS(md5pool_legacy_get);

/**
 * md5pool_legacy_put() - end the signature, dropping the get's reference
 * @lg: the legacy pool
 *
 * BH is enabled again first, then the reference goes under the lock; it
 * is never the last one while a hold (md5pool_legacy_alloc()) is
 * outstanding, as in TCP.
 *
 * Context: after a successful md5pool_legacy_get().
 */
void md5pool_legacy_put(struct md5pool_legacy *lg)
{
	local_bh_enable();
	md5pool_legacy_release(lg);
}

RCUNET_EXPORT_FOR_TESTS(md5pool_legacy_put);

static int md5pool_legacy_hold(void)
{
	return md5pool_legacy_alloc(&md5pool_legacy_global);
}

static void md5pool_legacy_unhold(void)
{
	md5pool_legacy_release(&md5pool_legacy_global);
}

/* The pool's context is this CPU's: the caller's frame is not used. */
static struct md5pool_ctx *md5pool_legacy_global_get(struct md5pool_frame *f)
{
	return md5pool_legacy_get(&md5pool_legacy_global);
}

static void md5pool_legacy_global_put(struct md5pool_frame *f)
{
	md5pool_legacy_put(&md5pool_legacy_global);
}

/* The locked variant, as the bench, the sign file and the tests use it. */
const struct md5pool_ops md5pool_legacy_ops = {
	.name	= "legacy",
	.role	= RCUNET_ROLE_LOCKED,
	.hold	= md5pool_legacy_hold,
	.unhold	= md5pool_legacy_unhold,
	.get	= md5pool_legacy_global_get,
	.put	= md5pool_legacy_global_put,
	.bh_off	= true,
};

/**
 * md5pool_legacy_variant() - the locked variant's ops
 *
 * Return: the ops of the legacy variant (role locked).
 */
const struct md5pool_ops *md5pool_legacy_variant(void)
{
	return &md5pool_legacy_ops;
}

RCUNET_EXPORT_FOR_TESTS(md5pool_legacy_variant);
