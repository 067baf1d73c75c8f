// SPDX-License-Identifier: GPL-2.0
/*
 * md5pool "stack" variant: no pool at all, where mainline went after the
 * pool (the 6.7 tcp_sigpool generalised it; the 2025 conversion of TCP-MD5
 * to the MD5 library dropped it for an MD5 context on the stack).
 *
 * One unkeyed md5 tfm is shared by every signer: TCP-MD5 hashes its key as
 * data, so the tfm holds no key and nothing in it is written after
 * crypto_alloc_shash() returned. Each signature keeps its MD5 state (the
 * shash descriptor) and its pseudo-header scratch in the caller's struct
 * md5pool_frame, on the caller's stack. Nothing is shared between two
 * signatures but the read-only tfm, so get neither disables BH nor pins
 * the CPU: a softirq that signs on this CPU in the middle of a
 * process-context signature uses a frame of its own, and a preempted or
 * migrated signer finds its state where it left it.
 */
#define pr_fmt(fmt) "md5pool: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include "internal.h"

/*
 * Signatures made through the global stack variant, per CPU, for the stats
 * file's ops count only (the signing needs no per-cpu state). Added in put
 * with this_cpu_add(), which is safe preemptible and in softirq alike.
 */
static DEFINE_PER_CPU(unsigned long, md5pool_stack_nr_signed);

/* The module's stack variant's tfm, built on first use. */
static struct md5pool_stack_domain md5pool_stack_glob = {
	.alloc_mutex = __MUTEX_INITIALIZER(md5pool_stack_glob.alloc_mutex),
	.nr_allocs = ATOMIC_INIT(0),
};

/**
 * md5pool_stack_global() - the module's stack-variant domain
 *
 * Return: the domain the stack variant signs with; lives as long as the
 * module.
 */
struct md5pool_stack_domain *md5pool_stack_global(void)
{
	return &md5pool_stack_glob;
}

RCUNET_EXPORT_FOR_TESTS(md5pool_stack_global);

/**
 * md5pool_stack_domain_init() - set up an empty stack domain (no tfm yet)
 * @s: the domain
 */
void md5pool_stack_domain_init(struct md5pool_stack_domain *s)
{
	RCU_INIT_POINTER(s->tfm, NULL);
	mutex_init(&s->alloc_mutex);
	atomic_set(&s->nr_allocs, 0);
}

RCUNET_EXPORT_FOR_TESTS(md5pool_stack_domain_init);

/**
 * md5pool_stack_domain_allocated() - has @s's tfm been published?
 * @s: the domain
 *
 * Context: any; a lockless peek at the pointer.
 * Return: true once md5pool_stack_domain_alloc() succeeded on @s.
 */
bool md5pool_stack_domain_allocated(struct md5pool_stack_domain *s)
{
	return rcu_access_pointer(s->tfm);
}

RCUNET_EXPORT_FOR_TESTS(md5pool_stack_domain_allocated);

/**
 * md5pool_stack_domain_alloc_alg() - make sure @s has its tfm, of @alg
 * @s: the domain
 * @alg: the crypto API name of the hash: "md5", or for KUnit a name no
 *	algorithm has, to see what a kernel without md5 makes of the variant
 *
 * The first caller allocates the unkeyed tfm under @s->alloc_mutex and
 * publishes it; later callers return at once. Nothing per CPU is built.
 *
 * Context: process context, may sleep.
 * Return: 0 once the tfm exists; crypto_alloc_shash()'s own errno if it
 * failed (-ENOENT: no such algorithm, -ENOMEM, ...), so that the caller
 * can tell a kernel without md5 from a short allocation; -EINVAL if the
 * implementation's state does not fit a struct md5pool_frame.
 */
int md5pool_stack_domain_alloc_alg(struct md5pool_stack_domain *s,
				   const char *alg)
{
	struct crypto_shash *tfm;
	int err = 0;

	might_sleep();
	/* Fast exit once published: no mutex for the common case. */
	if (likely(rcu_access_pointer(s->tfm)))
		return 0;

	mutex_lock(&s->alloc_mutex);
	/* Re-check under the mutex: a racing caller may have won. */
	if (rcu_access_pointer(s->tfm))
		goto out;
	tfm = crypto_alloc_shash(alg, 0, 0);
	if (IS_ERR(tfm)) {
		err = PTR_ERR(tfm);
		goto out;
	}
	/*
	 * The frame reserves MD5's state only (as the MD5 library's context
	 * is small); an md5 driver with a larger descriptor cannot sign in it.
	 */
	if (sizeof(struct shash_desc) + crypto_shash_descsize(tfm) >
	    sizeof_field(struct md5pool_frame, desc)) {
		crypto_free_shash(tfm);
		err = -EINVAL;
		goto out;
	}
	atomic_inc(&s->nr_allocs);
	/*
	 * Store-release: the tfm's setup is visible before the pointer is.
	 * Pairs with rcu_dereference_check() in md5pool_stack_domain_get().
	 */
	rcu_assign_pointer(s->tfm, tfm);
out:
	mutex_unlock(&s->alloc_mutex);
	return err;
}

RCUNET_EXPORT_FOR_TESTS(md5pool_stack_domain_alloc_alg);

/**
 * md5pool_stack_domain_alloc() - make sure @s has its md5 tfm; idempotent
 * @s: the domain
 *
 * Context: process context, may sleep.
 * Return: as md5pool_stack_domain_alloc_alg() for "md5".
 */
int md5pool_stack_domain_alloc(struct md5pool_stack_domain *s)
{
	return md5pool_stack_domain_alloc_alg(s, "md5");
}

RCUNET_EXPORT_FOR_TESTS(md5pool_stack_domain_alloc);

/**
 * md5pool_stack_domain_get() - a signing context in the caller's frame
 * @s: the domain
 * @f: the caller's frame (on its stack); the context lives in it
 *
 * No lock, no BH disabling, no per-cpu state: the context is @f's alone
 * and the shared tfm is read-only. The caller may be preempted, migrate or
 * be interrupted by a softirq that signs too, between this and
 * md5pool_stack_domain_put().
 *
 * Context: any context (process, softirq, hardirq).
 * Return: @f's context, its descriptor bound to the shared tfm, or NULL if
 * the tfm was never allocated.
 */
struct md5pool_ctx *md5pool_stack_domain_get(struct md5pool_stack_domain *s,
					     struct md5pool_frame *f)
{
	struct shash_desc *desc = (struct shash_desc *)f->desc;
	struct crypto_shash *tfm;

	/*
	 * Pairs with rcu_assign_pointer() in md5pool_stack_domain_alloc()
	 * (address dependency to the tfm's contents). No read-side section:
	 * the tfm is never freed while a signer can run (only by
	 * md5pool_stack_domain_destroy(), when nobody can call get).
	 */
	tfm = rcu_dereference_check(s->tfm, true);
	if (unlikely(!tfm))
		return NULL;
	desc->tfm = tfm;
	f->ctx.desc = desc;
	f->ctx.nr_signed = 0;
	return &f->ctx;
}

RCUNET_EXPORT_FOR_TESTS(md5pool_stack_domain_get);

/**
 * md5pool_stack_domain_put() - end the signature begun in @f
 * @s: the domain
 * @f: the frame md5pool_stack_domain_get() filled
 *
 * Wipes the MD5 state and the header scratch: the state was derived from
 * the key and the stack slot will be reused (what shash_desc_zero() does
 * for SHASH_DESC_ON_STACK()).
 *
 * Context: any context; after a successful md5pool_stack_domain_get().
 */
void md5pool_stack_domain_put(struct md5pool_stack_domain *s,
			      struct md5pool_frame *f)
{
	if (s == &md5pool_stack_glob)
		this_cpu_add(md5pool_stack_nr_signed, f->ctx.nr_signed);
	memzero_explicit(f, sizeof(*f));
}

RCUNET_EXPORT_FOR_TESTS(md5pool_stack_domain_put);

/**
 * md5pool_stack_domain_destroy() - free @s's tfm
 * @s: the domain
 *
 * Context: process context; only when nobody can call
 * md5pool_stack_domain_get() on @s any more.
 */
void md5pool_stack_domain_destroy(struct md5pool_stack_domain *s)
{
	struct crypto_shash *tfm;

	/* Nobody can reach @s any more: no signer to wait for. */
	tfm = rcu_dereference_protected(s->tfm, true);
	RCU_INIT_POINTER(s->tfm, NULL);
	if (tfm)
		crypto_free_shash(tfm);
}

RCUNET_EXPORT_FOR_TESTS(md5pool_stack_domain_destroy);

/* Signatures through the global stack variant (the stats file's ops). */
unsigned long md5pool_stack_signed(void)
{
	unsigned long sum = 0;
	int cpu;

	/* each CPU's counter written by this_cpu_add(): a racy sum is fine */
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*per_cpu_ptr(&md5pool_stack_nr_signed, cpu));
	return sum;
}

static int md5pool_stack_hold(void)
{
	return md5pool_stack_domain_alloc(&md5pool_stack_glob);
}

static void md5pool_stack_unhold(void)
{
}

static struct md5pool_ctx *md5pool_stack_global_get(struct md5pool_frame *f)
{
	return md5pool_stack_domain_get(&md5pool_stack_glob, f);
}

static void md5pool_stack_global_put(struct md5pool_frame *f)
{
	md5pool_stack_domain_put(&md5pool_stack_glob, f);
}

/* The pool-less variant, as the bench, the sign file and the tests use it. */
const struct md5pool_ops md5pool_stack_ops = {
	.name		= "stack",
	.role		= RCUNET_ROLE_LOCKLESS,
	.hold		= md5pool_stack_hold,
	.unhold		= md5pool_stack_unhold,
	.get		= md5pool_stack_global_get,
	.put		= md5pool_stack_global_put,
	.on_stack	= true,
	.bh_off		= false,
};

/**
 * md5pool_stack_variant() - the pool-less variant's ops
 *
 * Return: the ops of the stack variant (role lockless).
 */
const struct md5pool_ops *md5pool_stack_variant(void)
{
	return &md5pool_stack_ops;
}

RCUNET_EXPORT_FOR_TESTS(md5pool_stack_variant);
