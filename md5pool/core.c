// SPDX-License-Identifier: GPL-2.0
/*
 * md5pool core: the pool both variants share, the lock-free "percpu"
 * variant (the change the seed made) and the RFC 2385 hash helpers.
 *
 * The percpu variant's invariant: once md5pool_domain_alloc() has published
 * a pool, the pointer never changes and the pool is never freed until the
 * domain is destroyed (module exit, when nobody can call get any more). So
 * md5pool_domain_get() needs no reference count and no lock: it disables
 * BH (this CPU's context is then ours alone, against process context and
 * softirq on the same CPU) and reads the pointer.
 */
#define pr_fmt(fmt) "md5pool: " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/percpu.h>
#include <linux/bottom_half.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/highmem.h>
#include <linux/tcp.h>
#include <linux/in.h>
#include <linux/log2.h>
#include <linux/cache.h>
#include "internal.h"

/* ------------------------------------------------ pool build and teardown */

static void md5pool_pool_free(struct md5pool_pool *pool)
{
	int cpu;

	if (!pool)
		return;
	if (pool->ctx) {
		for_each_possible_cpu(cpu)
			kfree_sensitive(per_cpu_ptr(pool->ctx, cpu)->desc);
		free_percpu(pool->ctx);
	}
	if (!IS_ERR_OR_NULL(pool->tfm))
		crypto_free_shash(pool->tfm);
	kfree(pool);
}

/*
 * Bytes to allocate for one CPU's hash descriptor. Each CPU writes its
 * descriptor (the MD5 state) on every signature, so no two CPUs' descriptors
 * may share a cache line: a plain kmalloc of the size (96 bytes for md5,
 * kmalloc-96) packs them at a 96-byte stride and neighbours false-share.
 * kmalloc() aligns a power-of-two size to that size, so a power of two of
 * at least L1_CACHE_BYTES both starts the descriptor on a line and fills
 * its lines alone.
 */
static size_t md5pool_desc_alloc_size(size_t desc_size)
{
	return roundup_pow_of_two(max_t(size_t, desc_size, L1_CACHE_BYTES));
}

/*
 * Build a pool: one unkeyed md5 tfm (its state is read-only, so all CPUs
 * share it) and, per possible CPU, a cache-line-aligned hash descriptor on
 * the CPU's node and the pseudo-header scratch (in the per-cpu block, which
 * is per CPU already). May sleep.
 */
static struct md5pool_pool *md5pool_pool_create(void)
{
	struct md5pool_pool *pool;
	size_t desc_size;
	int cpu;

	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		return NULL;
	pool->tfm = crypto_alloc_shash("md5", 0, 0);
	if (IS_ERR(pool->tfm))
		goto fail;
	pool->ctx = alloc_percpu(struct md5pool_ctx);
	if (!pool->ctx)
		goto fail;
	desc_size = sizeof(struct shash_desc) + crypto_shash_descsize(pool->tfm);
	for_each_possible_cpu(cpu) {
		struct shash_desc *desc;

		desc = kzalloc_node(md5pool_desc_alloc_size(desc_size),
				    GFP_KERNEL, cpu_to_node(cpu));
		if (!desc)
			goto fail;
		desc->tfm = pool->tfm;
		per_cpu_ptr(pool->ctx, cpu)->desc = desc;
	}
	return pool;
fail:
	md5pool_pool_free(pool);
	return NULL;
}

/* ------------------------------------------------------ percpu variant */

struct md5pool_domain md5pool_global = {
	.alloc_mutex = __MUTEX_INITIALIZER(md5pool_global.alloc_mutex),
	.nr_allocs = ATOMIC_INIT(0),
};
EXPORT_SYMBOL_GPL(md5pool_global);

void md5pool_domain_init(struct md5pool_domain *d)
{
	RCU_INIT_POINTER(d->pool, NULL);
	mutex_init(&d->alloc_mutex);
	atomic_set(&d->nr_allocs, 0);
}
EXPORT_SYMBOL_GPL(md5pool_domain_init);

bool md5pool_domain_allocated(struct md5pool_domain *d)
{
	return rcu_access_pointer(d->pool);
}
EXPORT_SYMBOL_GPL(md5pool_domain_allocated);

/**
 * md5pool_domain_alloc - make sure @d has its pool; idempotent, may sleep
 * @d: the domain
 *
 * Returns 0 once the pool exists, -ENOMEM if it could not be built.
 */
int md5pool_domain_alloc(struct md5pool_domain *d)
{
	struct md5pool_pool *pool;
	int err = 0;

	might_sleep();
	/* Fast exit once published: no mutex for the common case. */
	if (likely(rcu_access_pointer(d->pool)))
		return 0;

	mutex_lock(&d->alloc_mutex);
	/* Re-check under the mutex: a racing caller may have won. */
	if (!rcu_access_pointer(d->pool)) {
		pool = md5pool_pool_create();
		if (pool) {
			atomic_inc(&d->nr_allocs);
			/*
			 * rcu_assign_pointer() is a store-release: the tfm,
			 * every per-cpu descriptor and the percpu block are
			 * visible before the pointer is. Pairs with
			 * rcu_dereference_bh() in md5pool_domain_get()
			 * (address dependency from the loaded pointer).
			 */
			rcu_assign_pointer(d->pool, pool);
		} else {
			err = -ENOMEM;
		}
	}
	mutex_unlock(&d->alloc_mutex);
	return err;
}
EXPORT_SYMBOL_GPL(md5pool_domain_alloc);

/**
 * md5pool_domain_get - this CPU's context, with BH disabled
 * @d: the domain
 *
 * The fast path: no lock, no reference count. Returns NULL (BH enabled
 * again) if the pool was never allocated; otherwise the caller must call
 * md5pool_domain_put() when done.
 */
struct md5pool_ctx *md5pool_domain_get(struct md5pool_domain *d)
{
	struct md5pool_pool *pool;

	local_bh_disable();
	/*
	 * Pairs with rcu_assign_pointer() in md5pool_domain_alloc(). BH
	 * disabled is an RCU-bh read side, although nothing is ever freed
	 * under us: the pool lives as long as the domain.
	 */
	pool = rcu_dereference_bh(d->pool);
	if (likely(pool))
		return this_cpu_ptr(pool->ctx);
	local_bh_enable();
	return NULL;
}
EXPORT_SYMBOL_GPL(md5pool_domain_get);

void md5pool_domain_put(struct md5pool_domain *d)
{
	local_bh_enable();
}
EXPORT_SYMBOL_GPL(md5pool_domain_put);

void md5pool_domain_destroy(struct md5pool_domain *d)
{
	struct md5pool_pool *pool;

	/* Nobody can reach @d any more: no reader to wait for. */
	pool = rcu_dereference_protected(d->pool, true);
	RCU_INIT_POINTER(d->pool, NULL);
	md5pool_pool_free(pool);
}
EXPORT_SYMBOL_GPL(md5pool_domain_destroy);

int md5pool_alloc(void)
{
	return md5pool_domain_alloc(&md5pool_global);
}
EXPORT_SYMBOL_GPL(md5pool_alloc);

struct md5pool_ctx *md5pool_get(void)
{
	return md5pool_domain_get(&md5pool_global);
}
EXPORT_SYMBOL_GPL(md5pool_get);

void md5pool_put(void)
{
	md5pool_domain_put(&md5pool_global);
}
EXPORT_SYMBOL_GPL(md5pool_put);

/* The percpu pool has no users to count: hold only makes sure it exists. */
static int md5pool_percpu_hold(void)
{
	return md5pool_alloc();
}

static void md5pool_percpu_unhold(void)
{
}

const struct md5pool_ops md5pool_percpu_ops = {
	.name	= "percpu",
	.hold	= md5pool_percpu_hold,
	.unhold	= md5pool_percpu_unhold,
	.get	= md5pool_get,
	.put	= md5pool_put,
};
EXPORT_SYMBOL_GPL(md5pool_percpu_ops);

/* The shared builder, for legacy.c. */
struct md5pool_pool *md5pool_pool_new(void)
{
	return md5pool_pool_create();
}

void md5pool_pool_delete(struct md5pool_pool *pool)
{
	md5pool_pool_free(pool);
}

/* ------------------------------------------------------ hash helpers */

int md5pool_hash_init(struct md5pool_ctx *c)
{
	return crypto_shash_init(c->desc);
}
EXPORT_SYMBOL_GPL(md5pool_hash_init);

int md5pool_hash_update(struct md5pool_ctx *c, const void *data,
			unsigned int len)
{
	return crypto_shash_update(c->desc, data, len);
}
EXPORT_SYMBOL_GPL(md5pool_hash_update);

int md5pool_hash_final(struct md5pool_ctx *c, u8 *digest)
{
	/*
	 * Only this CPU writes its counter (BH is off between get and put),
	 * so a plain load suffices for the increment; the store is marked
	 * because the stats file reads every CPU's counter locklessly
	 * (READ_ONCE() in md5pool_stats_show()).
	 */
	WRITE_ONCE(c->nr_signed, c->nr_signed + 1);
	return crypto_shash_final(c->desc, digest);
}
EXPORT_SYMBOL_GPL(md5pool_hash_final);

int md5pool_hash_pseudo4(struct md5pool_ctx *c, __be32 saddr, __be32 daddr,
			 unsigned int seglen)
{
	struct md5pool_pseudo4 *ph = &c->scratch.ip4;

	ph->saddr = saddr;
	ph->daddr = daddr;
	ph->pad = 0;
	ph->protocol = IPPROTO_TCP;
	ph->len = cpu_to_be16(seglen);
	return crypto_shash_update(c->desc, (const u8 *)ph, sizeof(*ph));
}
EXPORT_SYMBOL_GPL(md5pool_hash_pseudo4);

int md5pool_hash_pseudo6(struct md5pool_ctx *c, const struct in6_addr *saddr,
			 const struct in6_addr *daddr, unsigned int seglen)
{
	struct md5pool_pseudo6 *ph = &c->scratch.ip6;

	ph->saddr = *saddr;
	ph->daddr = *daddr;
	ph->len = cpu_to_be32(seglen);
	ph->protocol = cpu_to_be32(IPPROTO_TCP);
	return crypto_shash_update(c->desc, (const u8 *)ph, sizeof(*ph));
}
EXPORT_SYMBOL_GPL(md5pool_hash_pseudo6);

int md5pool_hash_tcphdr(struct md5pool_ctx *c, const struct tcphdr *th)
{
	struct tcphdr *copy = (struct tcphdr *)c->scratch.tcp;

	BUILD_BUG_ON(sizeof(c->scratch.tcp) != sizeof(struct tcphdr));
	/* RFC 2385: the fixed header only, with a zero checksum */
	memcpy(copy, th, sizeof(*copy));
	copy->check = 0;
	return crypto_shash_update(c->desc, c->scratch.tcp, sizeof(*copy));
}
EXPORT_SYMBOL_GPL(md5pool_hash_tcphdr);

int md5pool_hash_skb_data(struct md5pool_ctx *c, const struct sk_buff *skb,
			  unsigned int header_len)
{
	const struct skb_shared_info *shi = skb_shinfo(skb);
	unsigned int head = skb_headlen(skb), i;
	struct sk_buff *frag_iter;
	int err;

	if (head > header_len) {
		err = crypto_shash_update(c->desc, skb->data + header_len,
					  head - header_len);
		if (err)
			return err;
	}
	for (i = 0; i < shi->nr_frags; i++) {
		const skb_frag_t *f = &shi->frags[i];
		u32 p_off, p_len, copied;
		struct page *p;
		u8 *vaddr;

		/* a frag may span several (compound) pages: map one at a time */
		skb_frag_foreach_page(f, skb_frag_off(f), skb_frag_size(f),
				      p, p_off, p_len, copied) {
			vaddr = kmap_local_page(p);
			err = crypto_shash_update(c->desc, vaddr + p_off,
						  p_len);
			kunmap_local(vaddr);
			if (err)
				return err;
		}
	}
	skb_walk_frags(skb, frag_iter) {
		err = md5pool_hash_skb_data(c, frag_iter, 0);
		if (err)
			return err;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(md5pool_hash_skb_data);

int md5pool_hash_key(struct md5pool_ctx *c, const u8 *key, unsigned int len)
{
	return crypto_shash_update(c->desc, key, len);
}
EXPORT_SYMBOL_GPL(md5pool_hash_key);
