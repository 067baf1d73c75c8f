// SPDX-License-Identifier: GPL-2.0
/*
 * rcunet inetpeer: benchmark variants for /proc/rcunet/inetpeer/bench.
 *
 * Fast path (path=fast):
 *  rwlock (locked), rcu (lockless)   lookup-hit: get + put of a random
 *                                    held peer
 *  rwlock-noref (locked),            lookup-noref-hit: find a random held
 *  rcu-noref (lockless)              peer, take no reference (the read
 *                                    lock, or rcu_read_lock(), covers the
 *                                    use of the pointer)
 *  seqlock (lockless)                the same on the red-black tree under a
 *                                    seqlock (the next stage: previous=
 *                                    rcu-noref): lockless walk, the lock
 *                                    only when a writer ran under it
 *  kernel (peer)                     the live kernel's inet_getpeer() on a
 *                                    private inet_peer_base holding the
 *                                    same peers: also a no-reference
 *                                    lookup under rcu_read_lock(), on an
 *                                    rbtree under a seqlock: the same
 *                                    work as seqlock
 *  rwlock-mix (locked),              get + put, but mix=% of the ops
 *  rcu-mix (lockless)                (default 5) are an insert or a remove
 *                                    of a per-thread churn key
 *
 * Slow path (path=slow), what the lockless removal pays for:
 *  rwlock-remove (locked),           insert+remove+free: insert a fresh
 *  rcu-remove (lockless),            peer of this thread, unlink it, and
 *  seqlock-remove (lockless)         the op ends when its memory is freed:
 *                                    at once for rwlock; for rcu and
 *                                    seqlock, call_rcu() and one
 *                                    rcu_barrier() at the end of every
 *                                    ->run() call (the harness's chunk, at
 *                                    most 256 ops)
 *
 * Spec keys besides the core's: peers=N (tree size, default 1024),
 * mix=PCT (writes in the -mix variants, default 5).
 *
 * The peers are held (refcount 1) for the whole measurement, as routes
 * held their peer when commit 0e51e2c70f75 ("inetpeer: RCU conversion")
 * went in: an unheld peer has refcount 0, which the lockless walk must
 * not take, so every lookup of it would fall back.
 */
#define pr_fmt(fmt) "rcunet inetpeer: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/version.h>
#include <net/inetpeer.h>
#include "internal.h"

#define IPEER_BENCH_DEFAULT_PEERS	1024
#define IPEER_BENCH_MAX_PEERS		1048576	/* 2^20 */
#define IPEER_BENCH_DEFAULT_MIX		5
/*
 * Stable peers: 10.x.y.z in steps of 2; the -mix churn keys live in
 * 11.0.0.0/8, the -remove keys in 11.0.0.0 + tid * 4096 + seq % 4096
 * (up to 12.255.255.255 for 8192 threads): never a stable key, and never
 * another thread's.
 */
#define IPEER_BENCH_STABLE_BASE		0x0a000000U
#define IPEER_BENCH_CHURN_BASE		0x0b000000U
#define IPEER_BENCH_REMOVE_SEQ_BITS	12

struct ipeer_bench_thread {
	u32 rnd;		/* xorshift state */
	u32 churn_seq;		/* current churn (or -remove) key */
	bool churn_live;	/* ... is in the tree */
} ____cacheline_aligned;

struct ipeer_bench_ctx {
	u32 npeers;
	u32 mix_pct;
	struct ipeer_base *base;
	struct ipeer_key *keys;
	struct ipeer_node **held;
	struct ipeer_bench_thread *threads;
	/* the live kernel's cache */
	struct inet_peer_base *kbase;
	struct inetpeer_addr *kaddrs;
};

static struct ipeer_bench_ctx ipeer_bench_ctx;

/* A cheap per-thread PRNG: the op being measured must dominate. */
static inline u32 ipeer_bench_rand(struct ipeer_bench_thread *t)
{
	u32 x = t->rnd;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	t->rnd = x;
	return x;
}

static u32 ipeer_bench_stable_addr(u32 i)
{
	return IPEER_BENCH_STABLE_BASE + 2 * i;
}

static int ipeer_bench_threads_alloc(struct ipeer_bench_ctx *c,
				     unsigned int nthreads)
{
	unsigned int i;

	c->threads = kcalloc(nthreads, sizeof(*c->threads), GFP_KERNEL);
	if (!c->threads)
		return -ENOMEM;
	for (i = 0; i < nthreads; i++)
		c->threads[i].rnd = 0x9e3779b9U * (i + 1);
	return 0;
}

static void ipeer_bench_teardown(void *ctx)
{
	struct ipeer_bench_ctx *c = ctx;
	char why[96];

	/* the measurement doubles as a stress test: the tree must be intact */
	if (c->base && ipeer_check(c->base, why, sizeof(why)))
		WARN(1, "rcunet inetpeer: bench tree broken: %s\n", why);
	/* destroy frees held peers too; nothing else uses this base */
	ipeer_base_destroy(c->base);
	c->base = NULL;
	kvfree(c->keys);
	c->keys = NULL;
	kfree(c->threads);
	c->threads = NULL;
}

static int ipeer_bench_setup(struct ipeer_bench_ctx *c, unsigned int nthreads,
			     const struct ipeer_ops *ops)
{
	struct ipeer_limits limits = {
		.threshold = IPEER_MAX_NODES,
		.minttl = 3600 * HZ,
		.maxttl = 3600 * HZ,
	};
	u32 i;
	int err;

	err = ipeer_bench_threads_alloc(c, nthreads);
	if (err)
		return err;
	c->keys = kvmalloc_array(c->npeers, sizeof(*c->keys), GFP_KERNEL);
	c->base = ipeer_base_create(ops, &limits);
	if (!c->keys || !c->base) {
		ipeer_bench_teardown(c);
		return -ENOMEM;
	}
	for (i = 0; i < c->npeers; i++) {
		ipeer_key_v4(&c->keys[i], ipeer_bench_stable_addr(i));
		/* the reference from this get is the hold, kept until teardown */
		if (!ipeer_get(c->base, &c->keys[i], true)) {
			ipeer_bench_teardown(c);
			return -ENOMEM;
		}
		if (!(i & 1023))
			cond_resched();
	}
	return 0;
}

static int ipeer_bench_setup_rwlock(void *ctx, unsigned int nthreads)
{
	return ipeer_bench_setup(ctx, nthreads, &ipeer_rwlock_ops);
}

static int ipeer_bench_setup_rcu(void *ctx, unsigned int nthreads)
{
	return ipeer_bench_setup(ctx, nthreads, &ipeer_rcu_ops);
}

static int ipeer_bench_setup_seqlock(void *ctx, unsigned int nthreads)
{
	return ipeer_bench_setup(ctx, nthreads, &ipeer_seqlock_ops);
}

static inline int ipeer_bench_hit(struct ipeer_bench_ctx *c,
				  struct ipeer_bench_thread *t)
{
	struct ipeer_node *p;

	p = ipeer_get(c->base, &c->keys[ipeer_bench_rand(t) % c->npeers],
		      false);
	if (unlikely(!p))
		return -ENOENT;	/* a held peer must always be found */
	ipeer_put(c->base, p);
	return 0;
}

static int ipeer_bench_run_hit(void *ctx, unsigned int tid, u64 n)
{
	struct ipeer_bench_ctx *c = ctx;
	struct ipeer_bench_thread *t = &c->threads[tid];
	int err;

	while (n--) {
		err = ipeer_bench_hit(c, t);
		if (err)
			return err;
	}
	return 0;
}

/* Insert a fresh churn key, or remove the one inserted last. */
static int ipeer_bench_churn(struct ipeer_bench_ctx *c, unsigned int tid,
			     struct ipeer_bench_thread *t)
{
	struct ipeer_node *p;
	struct ipeer_key key;

	ipeer_key_v4(&key, IPEER_BENCH_CHURN_BASE | (tid & 0xff) << 16 |
		     (t->churn_seq & 0xffff));
	if (!t->churn_live) {
		p = ipeer_get(c->base, &key, true);
		if (!p)
			return -ENOMEM;
		ipeer_put(c->base, p);
		t->churn_live = true;
		return 0;
	}
	t->churn_live = false;
	t->churn_seq++;
	/* only this thread uses the key: it must go */
	return ipeer_remove(c->base, &key);
}

static int ipeer_bench_run_mix(void *ctx, unsigned int tid, u64 n)
{
	struct ipeer_bench_ctx *c = ctx;
	struct ipeer_bench_thread *t = &c->threads[tid];
	int err;

	while (n--) {
		if (ipeer_bench_rand(t) % 100 < c->mix_pct)
			err = ipeer_bench_churn(c, tid, t);
		else
			err = ipeer_bench_hit(c, t);
		if (err)
			return err;
	}
	return 0;
}

/*
 * The locked original's lookup without its atomic_inc(): the read lock
 * keeps the node alive while the caller uses it (here: not at all, as
 * the kernel peer's caller), and is dropped at the end.
 */
static int ipeer_bench_run_rwlock_noref(void *ctx, unsigned int tid, u64 n)
{
	struct ipeer_bench_ctx *c = ctx;
	struct ipeer_bench_thread *t = &c->threads[tid];
	struct ipeer_base *b = c->base;
	struct ipeer_node *p;

	while (n--) {
		read_lock_bh(&b->rwlock);
		p = ipeer_lookup_locked(b, &c->keys[ipeer_bench_rand(t) %
						  c->npeers], NULL, NULL);
		read_unlock_bh(&b->rwlock);
		if (unlikely(!p))
			return -ENOENT;	/* a held peer must always be found */
	}
	return 0;
}

/*
 * The no-reference lookup of a lockless variant, @lookup: always inlined
 * with a constant @lookup, so each variant's loop calls its own function
 * directly, no indirect call through the ops in either measurement.
 * rcu_read_lock() covers the use of the node, as around the kernel peer's
 * inet_getpeer().
 */
static __always_inline int
ipeer_bench_noref_loop(struct ipeer_bench_ctx *c, unsigned int tid, u64 n,
		       struct ipeer_node *(*lookup)(struct ipeer_base *b,
						    const struct ipeer_key *key))
{
	struct ipeer_bench_thread *t = &c->threads[tid];
	struct ipeer_node *p;

	while (n--) {
		rcu_read_lock();
		p = lookup(c->base, &c->keys[ipeer_bench_rand(t) % c->npeers]);
		rcu_read_unlock();
		if (unlikely(!p))
			return -ENOENT;	/* a held peer must always be found */
	}
	return 0;
}

/*
 * The rcu tree: the bounded lockless walk, the locked exact lookup when
 * it misses, no reference.
 */
static int ipeer_bench_run_rcu_noref(void *ctx, unsigned int tid, u64 n)
{
	return ipeer_bench_noref_loop(ctx, tid, n, ipeer_rcu_lookup_noref);
}

/*
 * The red-black tree: the walk checks the sequence at every step and
 * takes the lock only when a writer ran under it (never, here: nobody
 * writes during the measurement, so this is the lookup's fast path, what
 * inet_getpeer() does on a hit).
 */
static int ipeer_bench_run_seqlock(void *ctx, unsigned int tid, u64 n)
{
	return ipeer_bench_noref_loop(ctx, tid, n, ipeer_seq_lookup_noref);
}

/*
 * One slow-path op: insert a fresh peer of this thread and unlink it at
 * once. The insert's reference is the only one (nobody else knows the
 * key), so it is the artificial reference ->unlink() takes back, as in
 * ipeer_remove(). rwlock frees the node inside ->unlink(); rcu and seqlock
 * hand it to call_rcu(), and the caller waits for the callback.
 */
static int ipeer_bench_insert_remove(struct ipeer_bench_ctx *c,
				     unsigned int tid,
				     struct ipeer_bench_thread *t)
{
	u32 seq = t->churn_seq++ & ((1U << IPEER_BENCH_REMOVE_SEQ_BITS) - 1);
	struct ipeer_node *p;
	struct ipeer_key key;

	ipeer_key_v4(&key, IPEER_BENCH_CHURN_BASE +
		     (tid << IPEER_BENCH_REMOVE_SEQ_BITS) + seq);
	p = ipeer_get(c->base, &key, true);
	if (!p)
		return -ENOMEM;
	return c->base->ops->unlink(c->base, p);
}

static int ipeer_bench_run_remove(void *ctx, unsigned int tid, u64 n)
{
	struct ipeer_bench_ctx *c = ctx;
	struct ipeer_bench_thread *t = &c->threads[tid];
	int err;

	while (n--) {
		err = ipeer_bench_insert_remove(c, tid, t);
		if (err)
			return err;
	}
	/*
	 * A lockless variant's ->unlink() only queued each node for call_rcu():
	 * the op ends when the memory is back, so wait for the callbacks
	 * here, once per call (at most 256 ops: the harness's chunk, and the
	 * GC worker's batch, IPEER_GC_BATCH). That charges each removal its
	 * share of a grace period, as a GC pass that must return its memory
	 * pays it; a synchronize_rcu() per op would charge a whole grace
	 * period to every removal, a wait nobody in this design does (the
	 * GC never blocks on a removal). The rwlock variant freed every node
	 * inside ->unlink(): nothing to wait for.
	 */
	if (c->base->ops->role == RCUNET_ROLE_LOCKLESS)
		rcu_barrier();
	return 0;
}

/* ------------------------------------------------- the kernel's inetpeer */

/*
 * Since the 6.1.y backport of "inetpeer: do not get a refcount in
 * inet_getpeer()", inet_getpeer(base, daddr) creates on a miss, takes no
 * reference and must be called under rcu_read_lock(); older kernels have
 * inet_getpeer(base, daddr, create) returning a reference. 6.12.y has the
 * new form too. compat/probes/inet_getpeer_noref.c compiles a call of the
 * new prototype (RCUNET_HAVE_INET_GETPEER_NOREF); with the old one the
 * "kernel" variant reports -EOPNOTSUPP.
 */
#ifdef RCUNET_HAVE_INET_GETPEER_NOREF
static void ipeer_bench_kernel_teardown(void *ctx)
{
	struct ipeer_bench_ctx *c = ctx;

	if (c->kbase) {
		/* drops the tree's reference of every peer (freed after RCU) */
		inetpeer_invalidate_tree(c->kbase);
		kfree(c->kbase);
		c->kbase = NULL;
	}
	kvfree(c->kaddrs);
	c->kaddrs = NULL;
	kfree(c->threads);
	c->threads = NULL;
}

static int ipeer_bench_kernel_setup(void *ctx, unsigned int nthreads)
{
	struct ipeer_bench_ctx *c = ctx;
	struct inet_peer *p;
	u32 i;
	int err;

	err = ipeer_bench_threads_alloc(c, nthreads);
	if (err)
		return err;
	c->kaddrs = kvcalloc(c->npeers, sizeof(*c->kaddrs), GFP_KERNEL);
	c->kbase = kzalloc(sizeof(*c->kbase), GFP_KERNEL);
	if (!c->kaddrs || !c->kbase) {
		ipeer_bench_kernel_teardown(c);
		return -ENOMEM;
	}
	inet_peer_base_init(c->kbase);
	for (i = 0; i < c->npeers; i++) {
		c->kaddrs[i].a4.addr = htonl(ipeer_bench_stable_addr(i));
		c->kaddrs[i].family = AF_INET;
		rcu_read_lock();
		p = inet_getpeer(c->kbase, &c->kaddrs[i]);
		rcu_read_unlock();
		if (!p) {
			ipeer_bench_kernel_teardown(c);
			return -ENOMEM;
		}
		if (!(i & 1023))
			cond_resched();
	}
	/*
	 * Above net.ipv4.inet_peer_threshold the kernel's GC evicts peers on
	 * every insert, and a "hit" would be an insert: refuse to measure.
	 */
	if (READ_ONCE(c->kbase->total) < c->npeers) {
		pr_info("kernel cache kept %d of %u peers: raise net.ipv4.inet_peer_threshold\n",
			c->kbase->total, c->npeers);
		ipeer_bench_kernel_teardown(c);
		return -E2BIG;
	}
	return 0;
}

static int ipeer_bench_kernel_run(void *ctx, unsigned int tid, u64 n)
{
	struct ipeer_bench_ctx *c = ctx;
	struct ipeer_bench_thread *t = &c->threads[tid];
	struct inet_peer *p;

	while (n--) {
		rcu_read_lock();
		p = inet_getpeer(c->kbase,
				 &c->kaddrs[ipeer_bench_rand(t) % c->npeers]);
		rcu_read_unlock();
		if (unlikely(!p))
			return -ENOMEM;
	}
	return 0;
}
#else
static int ipeer_bench_kernel_setup(void *ctx, unsigned int nthreads)
{
	return -EOPNOTSUPP;
}

static void ipeer_bench_kernel_teardown(void *ctx)
{
}

static int ipeer_bench_kernel_run(void *ctx, unsigned int tid, u64 n)
{
	return -EOPNOTSUPP;
}
#endif

/*
 * The variant the kernel peer does the same work as. Where inet_getpeer()
 * takes no reference (every kernel of the matrix: Debian's 6.1.y and
 * 6.12.y both carry commit a853c609504e ("inetpeer: do not get a refcount
 * in inet_getpeer()") on top of commit b145425f269a's rbtree, under
 * commit 65e8354ec13a's seqlock), that is seqlock: a walk of a red-black
 * tree under rcu_read_lock() with the sequence checked at every step, no
 * reference, the write-locked lookup only when a writer ran. Elsewhere
 * the peer reports -EOPNOTSUPP and is never measured; it keeps naming
 * rcu-noref there, the pairing of the two earlier stages.
 */
#ifdef RCUNET_HAVE_INET_GETPEER_NOREF
#define IPEER_BENCH_KERNEL_WORK		"seqlock"
#else
#define IPEER_BENCH_KERNEL_WORK		"rcu-noref"
#endif

/* Only the mixed workloads use mix=: only their result lines carry it. */
static int ipeer_bench_show_mix_params(void *ctx, char *buf, size_t len)
{
	struct ipeer_bench_ctx *c = ctx;

	return scnprintf(buf, len, "peers=%u mix=%u", c->npeers, c->mix_pct);
}

static const struct rcunet_bench_variant ipeer_bench_variants[] = {
	{
		.name = "rwlock", .op = "lookup-hit",
		.role = RCUNET_ROLE_LOCKED,
		.setup = ipeer_bench_setup_rwlock,
		.teardown = ipeer_bench_teardown,
		.run = ipeer_bench_run_hit,
	}, {
		.name = "rcu", .op = "lookup-hit",
		.role = RCUNET_ROLE_LOCKLESS, .twin = "rwlock",
		.setup = ipeer_bench_setup_rcu,
		.teardown = ipeer_bench_teardown,
		.run = ipeer_bench_run_hit,
	}, {
		.name = "rwlock-noref", .op = "lookup-noref-hit",
		.role = RCUNET_ROLE_LOCKED,
		.setup = ipeer_bench_setup_rwlock,
		.teardown = ipeer_bench_teardown,
		.run = ipeer_bench_run_rwlock_noref,
	}, {
		.name = "rcu-noref", .op = "lookup-noref-hit",
		.role = RCUNET_ROLE_LOCKLESS, .twin = "rwlock-noref",
		.setup = ipeer_bench_setup_rcu,
		.teardown = ipeer_bench_teardown,
		.run = ipeer_bench_run_rcu_noref,
	}, {
		/*
		 * The next stage of the same lookup (twin: the locked
		 * original doing this work, so "x locked" keeps its meaning;
		 * previous: the stage it replaced, doing the same work).
		 */
		.name = "seqlock", .op = "lookup-noref-hit",
		.role = RCUNET_ROLE_LOCKLESS, .twin = "rwlock-noref",
		.previous = "rcu-noref",
		.setup = ipeer_bench_setup_seqlock,
		.teardown = ipeer_bench_teardown,
		.run = ipeer_bench_run_seqlock,
	}, {
		/*
		 * The same work as seqlock (IPEER_BENCH_KERNEL_WORK): both
		 * return the peer of an address found under rcu_read_lock()
		 * with no reference taken and no lock on the common path, on
		 * a red-black tree whose seqlock sends a walk a writer ran
		 * under to the locked lookup. The kernel's lookup costs more
		 * per op by design, not by doing other work: a siphash of the
		 * address (its rb-tree is ordered by hash against collision
		 * floods) and a dtime store at most once a jiffy per peer; its
		 * create-on-miss never runs (every lookup hits a peer setup
		 * put in).
		 */
		.name = "kernel", .op = "inet_getpeer-hit",
		.role = RCUNET_ROLE_PEER, .twin = "rwlock-noref",
		.same_work_as = IPEER_BENCH_KERNEL_WORK,
		.setup = ipeer_bench_kernel_setup,
		.teardown = ipeer_bench_kernel_teardown,
		.run = ipeer_bench_kernel_run,
	}, {
		.name = "rwlock-mix", .op = "lookup/insert-remove",
		.role = RCUNET_ROLE_LOCKED,
		.setup = ipeer_bench_setup_rwlock,
		.teardown = ipeer_bench_teardown,
		.run = ipeer_bench_run_mix,
		.show_params = ipeer_bench_show_mix_params,
	}, {
		.name = "rcu-mix", .op = "lookup/insert-remove",
		.role = RCUNET_ROLE_LOCKLESS, .twin = "rwlock-mix",
		.setup = ipeer_bench_setup_rcu,
		.teardown = ipeer_bench_teardown,
		.run = ipeer_bench_run_mix,
		.show_params = ipeer_bench_show_mix_params,
	}, {
		/* freed inside ->unlink(): the op is the insert and removal */
		.name = "rwlock-remove", .op = "insert+remove+free",
		.role = RCUNET_ROLE_LOCKED, .slow_path = true,
		.setup = ipeer_bench_setup_rwlock,
		.teardown = ipeer_bench_teardown,
		.run = ipeer_bench_run_remove,
	}, {
		/* ... plus call_rcu() and its share of an rcu_barrier() */
		.name = "rcu-remove", .op = "insert+remove+free",
		.role = RCUNET_ROLE_LOCKLESS, .twin = "rwlock-remove",
		.slow_path = true,
		.setup = ipeer_bench_setup_rcu,
		.teardown = ipeer_bench_teardown,
		.run = ipeer_bench_run_remove,
	}, {
		/*
		 * The next stage's removal: rb_erase() under the write side
		 * (two sequence bumps, no path stack), call_rcu() and its
		 * share of an rcu_barrier(), as rcu-remove.
		 */
		.name = "seqlock-remove", .op = "insert+remove+free",
		.role = RCUNET_ROLE_LOCKLESS, .twin = "rwlock-remove",
		.previous = "rcu-remove", .slow_path = true,
		.setup = ipeer_bench_setup_seqlock,
		.teardown = ipeer_bench_teardown,
		.run = ipeer_bench_run_remove,
	},
};

static int ipeer_bench_set_param(void *ctx, const char *key, const char *val)
{
	struct ipeer_bench_ctx *c = ctx;

	if (!strcmp(key, "peers"))
		return rcunet_parse_u32(val, 1, IPEER_BENCH_MAX_PEERS,
					&c->npeers);
	if (!strcmp(key, "mix"))
		return rcunet_parse_u32(val, 0, 100, &c->mix_pct);
	return -ENOENT;
}

static void ipeer_bench_reset_params(void *ctx)
{
	struct ipeer_bench_ctx *c = ctx;

	c->npeers = IPEER_BENCH_DEFAULT_PEERS;
	c->mix_pct = IPEER_BENCH_DEFAULT_MIX;
}

static int ipeer_bench_show_params(void *ctx, char *buf, size_t len)
{
	struct ipeer_bench_ctx *c = ctx;

	return scnprintf(buf, len, "peers=%u", c->npeers);
}

static struct rcunet_bench ipeer_bench = {
	.module = "inetpeer",
	.variants = ipeer_bench_variants,
	.nr_variants = ARRAY_SIZE(ipeer_bench_variants),
	.ctx = &ipeer_bench_ctx,
	/*
	 * One loops= for every variant of a spec: 10000 keeps variant=all
	 * (rcu-remove waits for a grace period every 256 ops) in minutes
	 * under TCG. No default_runs: the core's default applies.
	 */
	.default_loops = 10000,
	.set_param = ipeer_bench_set_param,
	.reset_params = ipeer_bench_reset_params,
	.show_params = ipeer_bench_show_params,
};

int ipeer_bench_init(struct proc_dir_entry *dir)
{
	ipeer_bench_reset_params(&ipeer_bench_ctx);
	return rcunet_bench_create(dir, &ipeer_bench);
}

void ipeer_bench_exit(void)
{
	rcunet_bench_remove(&ipeer_bench);
}
