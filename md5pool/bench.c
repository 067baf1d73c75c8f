// SPDX-License-Identifier: GPL-2.0
/*
 * md5pool bench. Fast path (op "sign"): one op = one RFC 2385 signature of
 * a prepared IPv4 TCP segment (MD5 option, @size payload bytes in a page
 * frag), through
 *
 *   legacy        locked: the spinlocked, refcounted pool (get and put take
 *                 the lock), as before commit 430a737efdc9 ("tcp: md5:
 *                 remove spinlock usage in fast path")
 *   percpu        lockless: the pool after that commit, hashing through
 *                 crypto_shash; twin legacy, same work
 *   percpu-ahash  lockless: the same pool design hashing through
 *                 crypto_ahash and scatterlists as the 6.1 kernel does
 *                 (ahash.c); twin legacy, but other work than it (the API
 *                 differs), so its same_work_as is itself. No locked ahash
 *                 twin: the lock and the hash API are independent costs,
 *                 legacy vs percpu measures the first and percpu vs
 *                 percpu-ahash the second.
 *   stack         lockless: no pool, where mainline went next (the MD5
 *                 library conversion): one shared unkeyed tfm, the MD5
 *                 state in a frame on the signer's stack, no BH disabling
 *                 (stack.c); twin legacy, same work, previous percpu
 *   kernel        peer: the running kernel's own TCP-MD5 signing, its
 *                 tcp_v4_md5_hash_skb() (6.1), or the same steps around its
 *                 tcp_sigpool (6.7+, see md5pool_kernel_sign4()). On 6.1 it
 *                 does percpu-ahash's work (see md5pool_bench_variants[]).
 *
 * Slow path (op "pool-alloc+free", what the first user of the pool pays,
 * and what the last one pays when it goes): one op = build a pool (the
 * md5 tfm, per possible CPU a hash descriptor and scratch) on an empty
 * pool object of the thread's own, then free it. Nothing signs with it.
 *
 *   legacy-alloc  locked: md5pool_legacy_alloc() (first user: spinlock,
 *                 count, build outside the lock, publish under it) then
 *                 md5pool_legacy_release() (last user: spinlock, unpublish,
 *                 free). Before the change TCP paid this whenever the
 *                 number of MD5 sockets went 0 -> 1 -> 0.
 *   percpu-alloc  lockless: md5pool_domain_alloc() (mutex, build, publish
 *                 with rcu_assign_pointer()) then md5pool_domain_destroy()
 *                 (no grace period: the design never frees while signers
 *                 may run; destroy is module exit's, and a thread's private
 *                 pool has no reader). After the change TCP pays the alloc
 *                 once per boot and never the free: the op is an upper
 *                 bound of what a first use costs, and shows the mutex
 *                 does not make it dearer than the spinlock dance.
 *   stack-alloc   lockless: the stack variant's only allocation, the
 *                 shared md5 tfm (mutex, allocate, publish; then free).
 *                 Twin legacy-alloc, previous percpu-alloc; other work
 *                 (no per-cpu block or descriptors), so it names itself.
 *
 * Spec key: size=N payload bytes (0..8192, default 64; the slow-path
 * variants ignore it and print no size=).
 */
#define pr_fmt(fmt) "md5pool: " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/skbuff.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <net/tcp.h>
#include "../common/rcunet.h"
#include "internal.h"

#define MD5POOL_BENCH_MAX_SIZE	8192
#define MD5POOL_BENCH_KEYLEN	16

struct md5pool_bench_ctx {
	unsigned int size;		/* payload bytes, from the spec */
	u8 *pkt;			/* IPv4 + TCP (+MD5 option) + payload */
	struct md5pool_seg seg;
	struct sk_buff *skb;
	u8 key[MD5POOL_BENCH_KEYLEN];
	u8 expect[MD5POOL_DIGEST_LEN];
	const struct md5pool_ops *held;
	struct tcp_md5sig_key *kkey;	/* the kernel peer's copy of key */
};

static struct md5pool_bench_ctx md5pool_bctx = { .size = 64 };

/* Build the segment: 10.0.0.1:1000 -> 10.0.0.2:179, ACK|PSH, MD5 option. */
static int md5pool_bench_build(struct md5pool_bench_ctx *b)
{
	unsigned int tcplen = sizeof(struct tcphdr) + 20, len, i;
	struct tcphdr *th;
	struct iphdr *iph;
	u8 *opt;
	int err;

	len = sizeof(*iph) + tcplen + b->size;
	b->pkt = kzalloc(len, GFP_KERNEL);
	if (!b->pkt)
		return -ENOMEM;
	iph = (struct iphdr *)b->pkt;
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->tot_len = htons(len);
	iph->saddr = htonl(0x0a000001);
	iph->daddr = htonl(0x0a000002);
	th = (struct tcphdr *)(iph + 1);
	th->source = htons(1000);
	th->dest = htons(179);
	th->seq = htonl(0x12345678);
	th->ack_seq = htonl(0x9abcdef0);
	th->doff = tcplen / 4;
	th->ack = 1;
	th->psh = 1;
	th->window = htons(512);
	opt = (u8 *)(th + 1);
	opt[0] = 1;		/* NOP */
	opt[1] = 1;		/* NOP */
	opt[2] = 19;		/* MD5 signature */
	opt[3] = 18;
	for (i = 0; i < b->size; i++)
		opt[20 + i] = i * 7;
	for (i = 0; i < sizeof(b->key); i++)
		b->key[i] = 0xa0 + i;
	err = md5pool_parse_packet(b->pkt, len, &b->seg);
	if (err)
		return err;
	b->skb = md5pool_seg_to_skb(&b->seg, 0);
	return b->skb ? 0 : -ENOMEM;
}

static void md5pool_bench_free(struct md5pool_bench_ctx *b)
{
	kfree_skb(b->skb);
	b->skb = NULL;
	kfree(b->pkt);
	b->pkt = NULL;
	kfree_sensitive(b->kkey);
	b->kkey = NULL;
}

static int md5pool_bench_setup_pool(void *ctx, const struct md5pool_ops *ops)
{
	struct md5pool_bench_ctx *b = ctx;
	int err;

	err = md5pool_bench_build(b);
	if (!err)
		err = ops->hold();
	if (err) {
		md5pool_bench_free(b);
		return err;
	}
	b->held = ops;
	/* the reference signature every op must reproduce */
	err = md5pool_sign_seg(ops, &b->seg, b->key, sizeof(b->key),
			       b->expect);
	if (err) {
		ops->unhold();
		b->held = NULL;
		md5pool_bench_free(b);
	}
	return err;
}

static int md5pool_bench_setup_percpu(void *ctx, unsigned int nthreads)
{
	return md5pool_bench_setup_pool(ctx, &md5pool_percpu_ops);
}

static int md5pool_bench_setup_legacy(void *ctx, unsigned int nthreads)
{
	return md5pool_bench_setup_pool(ctx, &md5pool_legacy_ops);
}

static void md5pool_bench_teardown(void *ctx)
{
	struct md5pool_bench_ctx *b = ctx;

	if (b->held)
		b->held->unhold();
	b->held = NULL;
	md5pool_bench_free(b);
}

/*
 * stack computes its reference itself, as the pool variants do; it must
 * also be the pool's digest, byte for byte: the same work as its twin and
 * its previous stage, or comparing their costs is moot.
 */
static int md5pool_bench_setup_stack(void *ctx, unsigned int nthreads)
{
	struct md5pool_bench_ctx *b = ctx;
	u8 pool[MD5POOL_DIGEST_LEN];
	int err;

	err = md5pool_bench_setup_pool(ctx, &md5pool_stack_ops);
	if (err)
		return err;
	err = md5pool_alloc();
	if (!err)
		err = md5pool_sign_seg(&md5pool_percpu_ops, &b->seg, b->key,
				       sizeof(b->key), pool);
	if (!err && memcmp(pool, b->expect, sizeof(pool)))
		err = -EIO;
	if (err)
		md5pool_bench_teardown(ctx);
	return err;
}

static int md5pool_bench_run_pool(struct md5pool_bench_ctx *b,
				  const struct md5pool_ops *ops, u64 n)
{
	u8 digest[MD5POOL_DIGEST_LEN];
	int err;

	while (n--) {
		err = md5pool_sign_seg_skb(ops, &b->seg, b->skb,
					   b->seg.th->doff * 4, b->key,
					   sizeof(b->key), digest);
		if (err)
			return err;
	}
	/* one check per chunk keeps the op cost honest and the result right */
	return memcmp(digest, b->expect, sizeof(digest)) ? -EIO : 0;
}

static int md5pool_bench_run_percpu(void *ctx, unsigned int tid, u64 n)
{
	return md5pool_bench_run_pool(ctx, &md5pool_percpu_ops, n);
}

static int md5pool_bench_run_legacy(void *ctx, unsigned int tid, u64 n)
{
	return md5pool_bench_run_pool(ctx, &md5pool_legacy_ops, n);
}

static int md5pool_bench_run_stack(void *ctx, unsigned int tid, u64 n)
{
	return md5pool_bench_run_pool(ctx, &md5pool_stack_ops, n);
}

/*
 * The key in the heap, as the kernel keeps a socket's (struct
 * tcp_md5sig_key, kmalloc'd): the ahash pool and the kernel peer hash it
 * through a scatterlist, which must not point into the module's image.
 */
static int md5pool_bench_kkey(struct md5pool_bench_ctx *b)
{
	b->kkey = kzalloc(sizeof(*b->kkey), GFP_KERNEL);
	if (!b->kkey)
		return -ENOMEM;
	memcpy(b->kkey->key, b->key, sizeof(b->key));
	b->kkey->keylen = sizeof(b->key);
	b->kkey->family = AF_INET;
	return 0;
}

static int md5pool_bench_setup_ahash(void *ctx, unsigned int nthreads)
{
	struct md5pool_bench_ctx *b = ctx;
	u8 mine[MD5POOL_DIGEST_LEN];
	int err;

	err = md5pool_bench_build(b);
	if (!err)
		err = md5pool_bench_kkey(b);
	if (!err)
		err = md5pool_ahash_alloc();
	if (!err)
		err = md5pool_alloc();
	/* the shash pool's signature is the reference */
	if (!err)
		err = md5pool_sign_seg(&md5pool_percpu_ops, &b->seg, b->key,
				       sizeof(b->key), b->expect);
	if (!err)
		err = md5pool_ahash_sign4(b->skb, b->kkey->key,
					  b->kkey->keylen, mine);
	if (!err && memcmp(b->expect, mine, sizeof(mine)))
		err = -EIO;
	if (err)
		md5pool_bench_free(b);
	return err;
}

static int md5pool_bench_run_ahash(void *ctx, unsigned int tid, u64 n)
{
	struct md5pool_bench_ctx *b = ctx;
	u8 digest[MD5POOL_DIGEST_LEN];
	int err;

	while (n--) {
		err = md5pool_ahash_sign4(b->skb, b->kkey->key,
					  b->kkey->keylen, digest);
		if (err)
			return err;
	}
	return memcmp(digest, b->expect, sizeof(digest)) ? -EIO : 0;
}

static int md5pool_bench_setup_kernel(void *ctx, unsigned int nthreads)
{
	struct md5pool_bench_ctx *b = ctx;
	u8 mine[MD5POOL_DIGEST_LEN];
	int err;

	err = md5pool_bench_build(b);
	if (err)
		goto fail;
	err = md5pool_kpeer_prepare();
	if (err) {
		/* no TCP-MD5 pool a module can use on this kernel */
		if (err == -EOPNOTSUPP)
			err = -ENODEV;
		goto fail;
	}
	err = md5pool_bench_kkey(b);
	if (!err)
		err = md5pool_alloc();
	if (!err)
		err = md5pool_sign_seg(&md5pool_percpu_ops, &b->seg, b->key,
				       sizeof(b->key), mine);
	if (err)
		goto fail;
	/* the peer must sign exactly what we sign, or timing it is moot */
	if (md5pool_kpeer_sign4(b->kkey, b->skb, b->expect) ||
	    memcmp(b->expect, mine, sizeof(mine))) {
		err = -EIO;
		goto fail;
	}
	return 0;
fail:
	md5pool_bench_free(b);
	return err;
}

static int md5pool_bench_run_kernel(void *ctx, unsigned int tid, u64 n)
{
	struct md5pool_bench_ctx *b = ctx;
	u8 digest[MD5POOL_DIGEST_LEN];

	while (n--)
		if (md5pool_kpeer_sign4(b->kkey, b->skb, digest))
			return -EIO;
	return memcmp(digest, b->expect, sizeof(digest)) ? -EIO : 0;
}

/*
 * Slow path, legacy: a pool object of this thread's own (on its stack, so
 * no two threads share a line), empty; each op makes the thread its first
 * user (md5pool_legacy_alloc() builds the pool) and then its last
 * (md5pool_legacy_release() frees it). Runs in the bench kthread, process
 * context: building and freeing sleep.
 */
static int md5pool_bench_run_legacy_alloc(void *ctx, unsigned int tid, u64 n)
{
	struct md5pool_legacy lg;
	int err;

	md5pool_legacy_init(&lg);
	while (n--) {
		err = md5pool_legacy_alloc(&lg);
		if (err)
			return err;
		/* cheap: a lock round trip, and the op is only right if so */
		if (!md5pool_legacy_allocated(&lg))
			return -EIO;
		md5pool_legacy_release(&lg);
	}
	return 0;
}

/*
 * Slow path, percpu: the same with a private domain: the first
 * md5pool_domain_alloc() builds and publishes, md5pool_domain_destroy()
 * frees. No grace period: nothing can read the domain but this thread.
 */
static int md5pool_bench_run_percpu_alloc(void *ctx, unsigned int tid, u64 n)
{
	struct md5pool_domain d;
	int err;

	md5pool_domain_init(&d);
	while (n--) {
		err = md5pool_domain_alloc(&d);
		if (err)
			return err;
		if (!md5pool_domain_allocated(&d))
			return -EIO;
		md5pool_domain_destroy(&d);
	}
	return 0;
}

/*
 * Slow path, stack: all the pool-less design ever builds, the one shared
 * md5 tfm, on a private domain: md5pool_stack_domain_alloc() (mutex,
 * allocate, publish), then md5pool_stack_domain_destroy(). No per-cpu
 * block, no descriptor per CPU: what dropping the pool saves at first use.
 */
static int md5pool_bench_run_stack_alloc(void *ctx, unsigned int tid, u64 n)
{
	struct md5pool_stack_domain s;
	int err;

	md5pool_stack_domain_init(&s);
	while (n--) {
		err = md5pool_stack_domain_alloc(&s);
		if (err)
			return err;
		if (!md5pool_stack_domain_allocated(&s))
			return -EIO;
		md5pool_stack_domain_destroy(&s);
	}
	return 0;
}

/* The slow-path variants do not depend on size=: no extra token. */
static int md5pool_bench_show_nothing(void *ctx, char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
	return 0;
}

static const struct rcunet_bench_variant md5pool_bench_variants[] = {
	{
		.name = "legacy", .op = "sign",
		.role = RCUNET_ROLE_LOCKED,
		.setup = md5pool_bench_setup_legacy,
		.teardown = md5pool_bench_teardown,
		.run = md5pool_bench_run_legacy,
	}, {
		.name = "percpu", .op = "sign",
		.role = RCUNET_ROLE_LOCKLESS, .twin = "legacy",
		.setup = md5pool_bench_setup_percpu,
		.teardown = md5pool_bench_teardown,
		.run = md5pool_bench_run_percpu,
	}, {
		/*
		 * The pool-less stage: the same signature (the digest is
		 * checked against the same reference) with its MD5 state on
		 * the bench thread's stack; follows percpu in mainline.
		 */
		.name = "stack", .op = "sign",
		.role = RCUNET_ROLE_LOCKLESS, .twin = "legacy",
		.previous = "percpu",
		.setup = md5pool_bench_setup_stack,
		.teardown = md5pool_bench_teardown,
		.run = md5pool_bench_run_stack,
	}, {
		.name = "percpu-ahash", .op = "sign",
		/* lockless against legacy, but ahash work, not its shash */
		.role = RCUNET_ROLE_LOCKLESS, .twin = "legacy",
		.same_work_as = "percpu-ahash",
		.setup = md5pool_bench_setup_ahash,
		.teardown = md5pool_bench_teardown,
		.run = md5pool_bench_run_ahash,
	}, {
		.name = "kernel", .op = "sign",
		.role = RCUNET_ROLE_PEER, .twin = "legacy",
#ifdef RCUNET_HAVE_TCP_MD5SIG_POOL
		/*
		 * tcp_v4_md5_hash_skb() does what percpu-ahash does: BH off,
		 * this CPU's request and scratch of a pool built once, init,
		 * one update of pseudo-header + header from the scratch, one
		 * per linear part and page frag, one of the kmalloc'd key,
		 * final, on the same skb and key. Left: it reads a flag where
		 * we read a pointer, and calls through exported functions.
		 * 6.7+'s tcp_sigpool clones the tfm and allocates a request
		 * per signature: other work, no same_work_as there.
		 */
		.same_work_as = "percpu-ahash",
#endif
		.setup = md5pool_bench_setup_kernel,
		.teardown = md5pool_bench_teardown,
		.run = md5pool_bench_run_kernel,
	}, {
		.name = "legacy-alloc", .op = "pool-alloc+free",
		.role = RCUNET_ROLE_LOCKED, .slow_path = true,
		.run = md5pool_bench_run_legacy_alloc,
		.show_params = md5pool_bench_show_nothing,
	}, {
		.name = "percpu-alloc", .op = "pool-alloc+free",
		.role = RCUNET_ROLE_LOCKLESS, .twin = "legacy-alloc",
		.slow_path = true,
		.run = md5pool_bench_run_percpu_alloc,
		.show_params = md5pool_bench_show_nothing,
	}, {
		/* only the shared tfm: other work than the pool builds */
		.name = "stack-alloc", .op = "pool-alloc+free",
		.role = RCUNET_ROLE_LOCKLESS, .twin = "legacy-alloc",
		.same_work_as = "stack-alloc", .previous = "percpu-alloc",
		.slow_path = true,
		.run = md5pool_bench_run_stack_alloc,
		.show_params = md5pool_bench_show_nothing,
	},
};

static int md5pool_bench_set_param(void *ctx, const char *key,
				   const char *val)
{
	struct md5pool_bench_ctx *b = ctx;

	if (strcmp(key, "size"))
		return -ENOENT;
	return rcunet_parse_u32(val, 0, MD5POOL_BENCH_MAX_SIZE, &b->size);
}

static void md5pool_bench_reset_params(void *ctx)
{
	struct md5pool_bench_ctx *b = ctx;

	b->size = 64;
}

static int md5pool_bench_show_params(void *ctx, char *buf, size_t len)
{
	struct md5pool_bench_ctx *b = ctx;

	return scnprintf(buf, len, "size=%u", b->size);
}

static struct rcunet_bench md5pool_bench = {
	.module = "md5pool",
	.variants = md5pool_bench_variants,
	.nr_variants = ARRAY_SIZE(md5pool_bench_variants),
	.ctx = &md5pool_bctx,
	/* no default_runs: the core's default applies */
	.default_loops = 2000,
	.set_param = md5pool_bench_set_param,
	.reset_params = md5pool_bench_reset_params,
	.show_params = md5pool_bench_show_params,
};

int md5pool_bench_init(struct proc_dir_entry *dir)
{
	return rcunet_bench_create(dir, &md5pool_bench);
}

void md5pool_bench_exit(void)
{
	rcunet_bench_remove(&md5pool_bench);
}
