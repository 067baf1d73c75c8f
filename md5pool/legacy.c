// SPDX-License-Identifier: GPL-2.0
/*
 * md5pool legacy variant: the pool as it was before the seed.
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

struct md5pool_legacy md5pool_legacy_global = {
	.lock = __SPIN_LOCK_UNLOCKED(md5pool_legacy_global.lock),
	.nr_allocs = ATOMIC_INIT(0),
};
EXPORT_SYMBOL_GPL(md5pool_legacy_global);

void md5pool_legacy_init(struct md5pool_legacy *lg)
{
	spin_lock_init(&lg->lock);
	lg->users = 0;
	lg->pool = NULL;
	atomic_set(&lg->nr_allocs, 0);
}
EXPORT_SYMBOL_GPL(md5pool_legacy_init);

bool md5pool_legacy_allocated(struct md5pool_legacy *lg)
{
	bool ret;

	spin_lock_bh(&lg->lock);
	ret = lg->pool;
	spin_unlock_bh(&lg->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(md5pool_legacy_allocated);

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

/**
 * md5pool_legacy_alloc - take a user reference, building the pool if first
 * @lg: the legacy pool
 *
 * The first user builds the pool outside the lock (it sleeps); later users
 * that arrive before it is published spin until it is (or give up their
 * reference if the build failed). Returns 0 or -ENOMEM.
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
EXPORT_SYMBOL_GPL(md5pool_legacy_alloc);

/* Drop a user reference; the last one frees the pool. */
void md5pool_legacy_release(struct md5pool_legacy *lg)
{
	struct md5pool_pool *pool = NULL;

	spin_lock_bh(&lg->lock);
	if (!WARN_ON_ONCE(!lg->users) && --lg->users == 0) {
		pool = lg->pool;
		lg->pool = NULL;
	}
	spin_unlock_bh(&lg->lock);
	/* freeing may sleep (crypto_free_shash): outside the lock */
	md5pool_pool_delete(pool);
}
EXPORT_SYMBOL_GPL(md5pool_legacy_release);

/* This CPU's context with BH disabled and a user reference, or NULL. */
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
EXPORT_SYMBOL_GPL(md5pool_legacy_get);

/*
 * The get's reference is dropped with BH enabled again; it is never the
 * last one while a hold (md5pool_legacy_alloc) is outstanding, as in TCP.
 */
void md5pool_legacy_put(struct md5pool_legacy *lg)
{
	local_bh_enable();
	md5pool_legacy_release(lg);
}
EXPORT_SYMBOL_GPL(md5pool_legacy_put);

static int md5pool_legacy_hold(void)
{
	return md5pool_legacy_alloc(&md5pool_legacy_global);
}

static void md5pool_legacy_unhold(void)
{
	md5pool_legacy_release(&md5pool_legacy_global);
}

static struct md5pool_ctx *md5pool_legacy_global_get(void)
{
	return md5pool_legacy_get(&md5pool_legacy_global);
}

static void md5pool_legacy_global_put(void)
{
	md5pool_legacy_put(&md5pool_legacy_global);
}

const struct md5pool_ops md5pool_legacy_ops = {
	.name	= "legacy",
	.hold	= md5pool_legacy_hold,
	.unhold	= md5pool_legacy_unhold,
	.get	= md5pool_legacy_global_get,
	.put	= md5pool_legacy_global_put,
};
EXPORT_SYMBOL_GPL(md5pool_legacy_ops);
