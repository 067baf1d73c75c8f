// SPDX-License-Identifier: GPL-2.0
/*
 * md5pool core: the pool both variants share, the lock-free "percpu"
 * variant (commit 430a737efdc9 ("tcp: md5: remove spinlock usage in fast
 * path")), the RFC 2385 hash helpers and, at the end, the module's init
 * and exit.
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
#include <linux/proc_fs.h>
#include "internal.h"

/* ------------------------------------------------ pool build and teardown */

/* Free a pool built by md5pool_pool_new() (NULL is fine). May sleep. */
void md5pool_pool_delete(struct md5pool_pool *pool)
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
struct md5pool_pool *md5pool_pool_new(void)
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
	md5pool_pool_delete(pool);
	return NULL;
}

/*
 * Signatures counted by @pool's contexts. Each CPU's counter is written by
 * that CPU only (WRITE_ONCE() in md5pool_hash_final()), read here without
 * stopping it: a sum that may miss the signatures in flight.
 */
unsigned long md5pool_pool_signed(struct md5pool_pool *pool)
{
	unsigned long sum = 0;
	int cpu;

	if (!pool)
		return 0;
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(pool->ctx, cpu)->nr_signed);
	return sum;
}

/* ------------------------------------------------------ percpu variant */

/*
 * The module's global pool, the one md5pool_alloc/get/put use. Statically
 * initialised: it exists before any file that reaches it.
 */
struct md5pool_domain md5pool_global = {
	.alloc_mutex = __MUTEX_INITIALIZER(md5pool_global.alloc_mutex),
	.nr_allocs = ATOMIC_INIT(0),
};

/**
 * md5pool_global_domain() - the module's global pool
 *
 * For the tests, which watch its allocation (the pointer, the count, the
 * mutex); md5pool_alloc(), md5pool_get() and md5pool_put() use it.
 *
 * Return: the global domain, which lives as long as the module.
 */
struct md5pool_domain *md5pool_global_domain(void)
{
	return &md5pool_global;
}

RCUNET_EXPORT_FOR_TESTS(md5pool_global_domain);

/**
 * md5pool_domain_init() - set up an empty domain (no pool yet)
 * @d: the domain
 */
void md5pool_domain_init(struct md5pool_domain *d)
{
	RCU_INIT_POINTER(d->pool, NULL);
	mutex_init(&d->alloc_mutex);
	atomic_set(&d->nr_allocs, 0);
}

RCUNET_EXPORT_FOR_TESTS(md5pool_domain_init);

/**
 * md5pool_domain_allocated() - has @d's pool been published?
 * @d: the domain
 *
 * Context: any; a lockless peek at the pointer.
 * Return: true once md5pool_domain_alloc() succeeded on @d.
 */
bool md5pool_domain_allocated(struct md5pool_domain *d)
{
	return rcu_access_pointer(d->pool);
}

RCUNET_EXPORT_FOR_TESTS(md5pool_domain_allocated);

/**
 * md5pool_domain_alloc() - make sure @d has its pool; idempotent
 * @d: the domain
 *
 * The first caller builds the pool under @d->alloc_mutex and publishes it;
 * later callers return at once.
 *
 * Context: process context, may sleep.
 * Return: 0 once the pool exists, -ENOMEM if it could not be built.
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
		pool = md5pool_pool_new();
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

RCUNET_EXPORT_FOR_TESTS(md5pool_domain_alloc);

/**
 * md5pool_domain_get() - this CPU's context, with BH disabled
 * @d: the domain
 *
 * The fast path: no lock, no reference count. The caller must call
 * md5pool_domain_put() when done, without sleeping in between.
 *
 * Context: any context where BH may be disabled.
 * Return: this CPU's context, or NULL (BH enabled again) if the pool was
 * never allocated.
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

RCUNET_EXPORT_FOR_TESTS(md5pool_domain_get);

/**
 * md5pool_domain_put() - end the signature md5pool_domain_get() began
 * @d: the domain
 *
 * Context: after a successful md5pool_domain_get(); enables BH again.
 */
void md5pool_domain_put(struct md5pool_domain *d)
{
	local_bh_enable();
}

RCUNET_EXPORT_FOR_TESTS(md5pool_domain_put);

/**
 * md5pool_domain_destroy() - free @d's pool
 * @d: the domain
 *
 * Context: process context, may sleep; only when nobody can call
 * md5pool_domain_get() on @d any more.
 */
void md5pool_domain_destroy(struct md5pool_domain *d)
{
	struct md5pool_pool *pool;

	/* Nobody can reach @d any more: no reader to wait for. */
	pool = rcu_dereference_protected(d->pool, true);
	RCU_INIT_POINTER(d->pool, NULL);
	md5pool_pool_delete(pool);
}

RCUNET_EXPORT_FOR_TESTS(md5pool_domain_destroy);

/**
 * md5pool_alloc() - md5pool_domain_alloc() on the global pool
 *
 * Context: process context, may sleep.
 * Return: 0 once the pool exists, -ENOMEM if it could not be built.
 */
int md5pool_alloc(void)
{
	return md5pool_domain_alloc(&md5pool_global);
}

RCUNET_EXPORT_FOR_TESTS(md5pool_alloc);

/**
 * md5pool_get() - md5pool_domain_get() on the global pool
 *
 * Context: any context where BH may be disabled.
 * Return: this CPU's context with BH disabled, or NULL (BH enabled) if
 * md5pool_alloc() never succeeded.
 */
struct md5pool_ctx *md5pool_get(void)
{
	return md5pool_domain_get(&md5pool_global);
}

RCUNET_EXPORT_FOR_TESTS(md5pool_get);

/**
 * md5pool_put() - md5pool_domain_put() on the global pool
 *
 * Context: after a successful md5pool_get(); enables BH again.
 */
void md5pool_put(void)
{
	md5pool_domain_put(&md5pool_global);
}

RCUNET_EXPORT_FOR_TESTS(md5pool_put);

/* The percpu pool has no users to count: hold only makes sure it exists. */
static int md5pool_percpu_hold(void)
{
	return md5pool_alloc();
}

static void md5pool_percpu_unhold(void)
{
}

/* The pool's context is this CPU's: the caller's frame is not used. */
static struct md5pool_ctx *md5pool_percpu_get(struct md5pool_frame *f)
{
	return md5pool_get();
}

static void md5pool_percpu_put(struct md5pool_frame *f)
{
	md5pool_put();
}

/* The lock-free variant, as the bench, the sign file and the tests use it. */
const struct md5pool_ops md5pool_percpu_ops = {
	.name	= "percpu",
	.role	= RCUNET_ROLE_LOCKLESS,
	.hold	= md5pool_percpu_hold,
	.unhold	= md5pool_percpu_unhold,
	.get	= md5pool_percpu_get,
	.put	= md5pool_percpu_put,
	.bh_off	= true,
};

/**
 * md5pool_percpu_variant() - the lock-free variant's ops
 *
 * Return: the ops of the percpu variant (role lockless).
 */
const struct md5pool_ops *md5pool_percpu_variant(void)
{
	return &md5pool_percpu_ops;
}

RCUNET_EXPORT_FOR_TESTS(md5pool_percpu_variant);

/* Every pool variant: the locked original, then mainline's next stages. */
const struct md5pool_ops *const md5pool_all_ops[] = {
	&md5pool_percpu_ops, &md5pool_legacy_ops, &md5pool_stack_ops, NULL,
};

/* ------------------------------------------------------ hash helpers */

/**
 * md5pool_hash_init() - start a hash in the context from a get
 * @c: the context from a get
 *
 * Context: between get and put: BH off for the pool variants, not for
 * stack (its context is the caller's own, nothing here needs BH off).
 * Return: 0 or the crypto layer's errno.
 */
int md5pool_hash_init(struct md5pool_ctx *c)
{
	return crypto_shash_init(c->desc);
}

RCUNET_EXPORT_FOR_TESTS(md5pool_hash_init);

/**
 * md5pool_hash_update() - hash @len bytes at @data
 * @c: the context from a get
 * @data: the bytes (linear, directly addressable)
 * @len: how many
 *
 * Context: between get and put: BH off for the pool variants, not for
 * stack (its context is the caller's own, nothing here needs BH off).
 * Return: 0 or the crypto layer's errno.
 */
int md5pool_hash_update(struct md5pool_ctx *c, const void *data,
			unsigned int len)
{
	return crypto_shash_update(c->desc, data, len);
}

RCUNET_EXPORT_FOR_TESTS(md5pool_hash_update);

/**
 * md5pool_hash_final() - finish the hash and count one signature
 * @c: the context from a get
 * @digest: MD5POOL_DIGEST_LEN bytes of output
 *
 * Context: between get and put: BH off for the pool variants, not for
 * stack (its context is the caller's own, nothing here needs BH off).
 * Return: 0 or the crypto layer's errno.
 */
int md5pool_hash_final(struct md5pool_ctx *c, u8 *digest)
{
	/*
	 * Only this CPU writes its counter (BH is off between get and put),
	 * so a plain load suffices for the increment; the store is marked
	 * because the stats and cpus files read every CPU's counter
	 * locklessly (READ_ONCE() in md5pool_pool_signed() and
	 * md5pool_cpus_show()).
	 */
	WRITE_ONCE(c->nr_signed, c->nr_signed + 1);
	return crypto_shash_final(c->desc, digest);
}

RCUNET_EXPORT_FOR_TESTS(md5pool_hash_final);

/**
 * md5pool_hash_pseudo4() - hash the RFC 2385 IPv4 pseudo-header
 * @c: the context from a get
 * @saddr: source address
 * @daddr: destination address
 * @seglen: TCP segment length (header, options and payload)
 *
 * Built in the context's scratch: saddr, daddr, 0, IPPROTO_TCP, 16-bit
 * length.
 *
 * Context: between get and put: BH off for the pool variants, not for
 * stack (its context is the caller's own, nothing here needs BH off).
 * Return: 0 or the crypto layer's errno.
 */
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

RCUNET_EXPORT_FOR_TESTS(md5pool_hash_pseudo4);

/**
 * md5pool_hash_pseudo6() - hash the IPv6 pseudo-header
 * @c: the context from a get
 * @saddr: source address
 * @daddr: destination address
 * @seglen: TCP segment length (header, options and payload)
 *
 * Built in the context's scratch: saddr, daddr, 32-bit length, 32-bit
 * next header.
 *
 * Context: between get and put: BH off for the pool variants, not for
 * stack (its context is the caller's own, nothing here needs BH off).
 * Return: 0 or the crypto layer's errno.
 */
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

RCUNET_EXPORT_FOR_TESTS(md5pool_hash_pseudo6);

/**
 * md5pool_hash_tcphdr() - hash the fixed TCP header with a zero checksum
 * @c: the context from a get
 * @th: the header; its options are not hashed
 *
 * Context: between get and put: BH off for the pool variants, not for
 * stack (its context is the caller's own, nothing here needs BH off).
 * Return: 0 or the crypto layer's errno.
 */
int md5pool_hash_tcphdr(struct md5pool_ctx *c, const struct tcphdr *th)
{
	struct tcphdr *copy = (struct tcphdr *)c->scratch.tcp;

	BUILD_BUG_ON(sizeof(c->scratch.tcp) != sizeof(struct tcphdr));
	/* RFC 2385: the fixed header only, with a zero checksum */
	memcpy(copy, th, sizeof(*copy));
	copy->check = 0;
	return crypto_shash_update(c->desc, c->scratch.tcp, sizeof(*copy));
}

RCUNET_EXPORT_FOR_TESTS(md5pool_hash_tcphdr);

/*
 * Hash @skb's payload after @header_len bytes of it: the linear part, the
 * page frags (mapped one page at a time) and the frag_list. Between get
 * and put (BH off for the pool variants, not for stack). Returns 0 or the
 * crypto layer's errno.
 */
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

/**
 * md5pool_hash_key() - hash the key (the last RFC 2385 input)
 * @c: the context from a get
 * @key: the key bytes
 * @len: key length, at most MD5POOL_MAXKEYLEN
 *
 * Context: between get and put: BH off for the pool variants, not for
 * stack (its context is the caller's own, nothing here needs BH off).
 * Return: 0 or the crypto layer's errno.
 */
int md5pool_hash_key(struct md5pool_ctx *c, const u8 *key, unsigned int len)
{
	return crypto_shash_update(c->desc, key, len);
}

RCUNET_EXPORT_FOR_TESTS(md5pool_hash_key);

/* ------------------------------------------------------ module */

/*
 * Both global pools are statically initialised and built on first use, so
 * init only publishes the files: procfs.c's control, keys, sign, stats and
 * cpus, then bench.c's bench (which needs the directory).
 */
static int __init md5pool_init(void)
{
	struct proc_dir_entry *dir;
	int err;

	dir = md5pool_proc_init();
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	err = md5pool_bench_init(dir);
	if (err) {
		md5pool_proc_exit();
		/* a sign write may have built the pools meanwhile */
		md5pool_domain_destroy(&md5pool_global);
		md5pool_stack_domain_destroy(md5pool_stack_global());
		return err;
	}
	return 0;
}

static void __exit md5pool_exit(void)
{
	md5pool_bench_exit();
	/* no file is open any more after this: no signer, no new key */
	md5pool_proc_exit();
	md5pool_kpeer_exit();
	/* its users (the bench, KUnit, which holds a module ref) are gone */
	md5pool_ahash_exit();
	md5pool_domain_destroy(&md5pool_global);
	md5pool_stack_domain_destroy(md5pool_stack_global());
	/* every legacy user (sign write, bench, test) dropped its reference */
	WARN_ON_ONCE(md5pool_legacy_allocated(&md5pool_legacy_global));
}

module_init(md5pool_init);
module_exit(md5pool_exit);
MODULE_DESCRIPTION("rcunet: per-cpu TCP-MD5 signing pool, lock-free fast path");
MODULE_LICENSE("GPL");
MODULE_AUTHOR(RCUNET_AUTHOR);
MODULE_VERSION(RCUNET_VERSION);
