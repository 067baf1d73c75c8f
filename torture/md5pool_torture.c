// SPDX-License-Identifier: GPL-2.0
/*
 * md5pool torture driver (md5pool_torture.ko): random, self-checking
 * stress of md5pool through its exported API, run by the rcunet-torture
 * core (torture/rtort.h).
 *
 * All three variants sign at once, from process context (the workers) and
 * from softirq (a pinned soft hrtimer per worker that fires on the CPU the
 * worker signs on, and a tasklet raised by IPI on every online CPU), so
 * that a softirq signer lands in the middle of a process-context signature
 * on the same CPU: for the pool variants only the BH exclusion of get/put
 * keeps them apart; for stack (BH stays enabled) the softirq does run in
 * the middle, and only its own stack frame keeps the states apart.
 *
 * The oracle is this driver's own "md5" tfm: every signature is compared
 * with a reference computed outside the pool (at init for the fixed
 * segment/key pairs, per op for the rotating keys) over the same bytes.
 *
 * Keys rotate as TCP's do: a key object is published with
 * rcu_assign_pointer() and retired with kfree_rcu(); its bytes are a pure
 * function of its generation number, so a signer that read generation G
 * knows exactly which key it must have hashed. A torn or half-written key
 * gives a signature that matches no generation.
 *
 * The first-use allocation race is raced on private domains (percpu) and
 * private legacy pools: several kthreads released from one start line
 * into the allocation, after which exactly one pool must exist.
 */
#define pr_fmt(fmt) "md5pool_torture: " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/skbuff.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/in.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/rcupdate.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/smp.h>
#include <linux/cpu.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <crypto/hash.h>
#include "../md5pool/md5pool.h"
#include "rtort.h"

static bool check_bh = true;
module_param(check_bh, bool, 0644);
MODULE_PARM_DESC(check_bh,
		 "check that get hands out this CPU's context with BH disabled (0: only the signatures judge)");

/* ------------------------------------------------------------ fixtures */

#define MD5T_NSEG	8
#define MD5T_NKEY	4
#define MD5T_NSLOT	4
/* softirq signers only take segments this small: a tick, not a stall */
#define MD5T_SOFT_MAX	1460
/* an skb keeps this many payload bytes linear (the rest in page frags) */
#define MD5T_SKB_LINEAR	100

static const struct {
	bool v6;
	u16 payload;
} md5t_seg_spec[MD5T_NSEG] = {
	{ false, 0 }, { false, 1 }, { false, 64 }, { false, 1460 },
	{ false, 5000 }, { true, 0 }, { true, 100 }, { true, 1460 },
};

static const u8 md5t_keylen[MD5T_NKEY] = { 1, 16, 37, MD5POOL_MAXKEYLEN };

struct md5t_seg {
	u8 *pkt;
	size_t len;
	struct md5pool_seg seg;
	/* [0]: payload all in frags; [1]: MD5T_SKB_LINEAR bytes linear */
	struct sk_buff *skb[2];
};

/* A rotating key: immutable once published; bytes derived from @gen. */
struct md5t_key {
	u32 gen;
	unsigned int len;
	u8 key[MD5POOL_MAXKEYLEN];
	struct rcu_head rcu;
};

/*
 * The first broken invariant seen in softirq, kept until a worker reports
 * it: rtort_fail() is for process context, and the failure must name the
 * op whose window it was.
 */
struct md5t_bad {
	atomic_t count;
	char why[160];
};

/* Per worker: the reference desc and the softirq timer. */
struct md5t_thread {
	struct shash_desc *desc;	/* on md5t.tfm, process context only */
	struct hrtimer timer;
	u64 period_ns;
	u32 seed;			/* the timer's private generator */
	bool timer_legacy;		/* we hold a legacy user reference */
	struct md5t_bad bad;
};

static struct md5t {
	struct crypto_shash *tfm;	/* private: the oracle */
	struct shash_desc *init_desc;
	struct md5t_seg segs[MD5T_NSEG];
	u8 keys[MD5T_NKEY][MD5POOL_MAXKEYLEN];
	u8 ref[MD5T_NSEG][MD5T_NKEY][MD5POOL_DIGEST_LEN];
	unsigned int soft_segs[MD5T_NSEG], nr_soft_segs;

	struct md5t_key __rcu *slot[MD5T_NSLOT];
	struct mutex slot_mutex;	/* serialises key updaters */
	atomic_t key_gen;

	atomic_t legacy_holds;		/* ours on the global legacy pool */
	struct md5t_thread thr[RTORT_MAX_THREADS];

	struct mutex tl_mutex;		/* one tasklet round at a time */
	atomic_t tl_pending;
	wait_queue_head_t tl_wq;
	bool tl_legacy;
	u32 tl_round;
	struct md5t_bad tl_bad;

	/* softirq signatures done, printed at exit: the softirq side ran */
	atomic_long_t soft_timer, soft_tasklet;

	struct rtort_session *session;
} md5t = {
	.slot_mutex = __MUTEX_INITIALIZER(md5t.slot_mutex),
	.tl_mutex = __MUTEX_INITIALIZER(md5t.tl_mutex),
	.tl_wq = __WAIT_QUEUE_HEAD_INITIALIZER(md5t.tl_wq),
};

static DEFINE_PER_CPU(struct tasklet_struct, md5t_tasklet);

static u32 md5t_next(u32 *s)
{
	u32 x = *s;

	/* xorshift32: the softirq signers' own generator, never 0 */
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

__printf(2, 3) static void md5t_bad_record(struct md5t_bad *b,
					   const char *fmt, ...)
{
	va_list args;

	/* the first recorder owns ->why; the reader waits for it to finish */
	if (atomic_inc_return(&b->count) != 1)
		return;
	va_start(args, fmt);
	vscnprintf(b->why, sizeof(b->why), fmt, args);
	va_end(args);
}

/* Report what softirq recorded (call after the softirq side is quiet). */
static void md5t_bad_report(struct rtort_thread *t, struct md5t_bad *b,
			    const char *where)
{
	int n = atomic_read(&b->count);

	if (!n)
		return;
	rtort_fail(t, "%s: %d wrong result(s), first: %s", where, n, b->why);
	atomic_set(&b->count, 0);
}

/* ------------------------------------------------------------ the oracle */

/*
 * RFC 2385 over @s with @key, through the private tfm and nothing of
 * md5pool: pseudo-header, fixed TCP header with a zero checksum, payload,
 * key.
 */
static int md5t_reference(struct shash_desc *desc, const struct md5t_seg *s,
			  const u8 *key, unsigned int keylen, u8 *digest)
{
	const struct md5pool_seg *seg = &s->seg;
	struct tcphdr th = *seg->th;
	u8 ph[40];
	unsigned int phlen;
	int err;

	memset(ph, 0, sizeof(ph));
	if (seg->family == AF_INET) {
		memcpy(ph, &seg->saddr4, 4);
		memcpy(ph + 4, &seg->daddr4, 4);
		ph[9] = IPPROTO_TCP;
		ph[10] = seg->seglen >> 8;
		ph[11] = seg->seglen;
		phlen = 12;
	} else {
		memcpy(ph, &seg->saddr6, 16);
		memcpy(ph + 16, &seg->daddr6, 16);
		ph[34] = seg->seglen >> 8;
		ph[35] = seg->seglen;
		ph[39] = IPPROTO_TCP;
		phlen = 40;
	}
	th.check = 0;
	err = crypto_shash_init(desc);
	if (!err)
		err = crypto_shash_update(desc, ph, phlen);
	if (!err)
		err = crypto_shash_update(desc, (u8 *)&th, sizeof(th));
	if (!err)
		err = crypto_shash_update(desc, seg->payload, seg->payload_len);
	if (!err)
		err = crypto_shash_update(desc, key, keylen);
	if (!err)
		err = crypto_shash_final(desc, digest);
	return err;
}

static void md5t_key_fill(u32 gen, u8 *key, unsigned int *len)
{
	unsigned int i;

	*len = 1 + gen % MD5POOL_MAXKEYLEN;
	for (i = 0; i < *len; i++)
		key[i] = (gen * 2654435761u + i * 97) >> (i % 24);
}

/* Build segment @i: IP header, TCP header with an MD5 option, payload. */
static int md5t_seg_build(unsigned int i, struct md5t_seg *s)
{
	unsigned int iplen = md5t_seg_spec[i].v6 ? sizeof(struct ipv6hdr) :
			     sizeof(struct iphdr);
	unsigned int tcplen = sizeof(struct tcphdr) + 20;
	unsigned int pl = md5t_seg_spec[i].payload, j;
	struct tcphdr *th;
	u8 *opt;
	int err;

	s->len = iplen + tcplen + pl;
	s->pkt = kzalloc(s->len, GFP_KERNEL);
	if (!s->pkt)
		return -ENOMEM;
	if (md5t_seg_spec[i].v6) {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)s->pkt;

		ip6->version = 6;
		ip6->nexthdr = IPPROTO_TCP;
		ip6->hop_limit = 64;
		ip6->payload_len = htons(tcplen + pl);
		ip6->saddr.s6_addr[0] = 0xfd;
		ip6->saddr.s6_addr[15] = 1 + i;
		ip6->daddr.s6_addr[0] = 0xfd;
		ip6->daddr.s6_addr[15] = 100 + i;
	} else {
		struct iphdr *iph = (struct iphdr *)s->pkt;

		iph->version = 4;
		iph->ihl = 5;
		iph->ttl = 64;
		iph->protocol = IPPROTO_TCP;
		iph->tot_len = htons(s->len);
		iph->saddr = htonl(0x0a000001 + i);
		iph->daddr = htonl(0x0a010001 + i);
	}
	th = (struct tcphdr *)(s->pkt + iplen);
	th->source = htons(1000 + i);
	th->dest = htons(179);
	th->seq = htonl(0x01020304 * (i + 1));
	th->ack_seq = htonl(0x0a0b0c0d * (i + 1));
	th->doff = tcplen / 4;
	th->ack = 1;
	th->psh = !!pl;
	th->window = htons(1024 + i);
	th->check = (__force __sum16)htons(0xbeef);	/* hashed as zero */
	opt = (u8 *)(th + 1);
	opt[0] = 1;
	opt[1] = 1;
	opt[2] = 19;
	opt[3] = 18;
	for (j = 0; j < pl; j++)
		opt[20 + j] = j * 13 + i;
	err = md5pool_parse_packet(s->pkt, s->len, &s->seg);
	if (err)
		return err;
	if (!s->seg.md5opt || s->seg.payload_len != pl)
		return -EINVAL;
	s->skb[0] = md5pool_seg_to_skb(&s->seg, 0);
	s->skb[1] = md5pool_seg_to_skb(&s->seg, MD5T_SKB_LINEAR);
	if (!s->skb[0] || !s->skb[1])
		return -ENOMEM;
	return 0;
}

/* ------------------------------------------------------------ signing */

/*
 * legacy, or one of the lock-free stages: percpu, or (half the time, once
 * both exist) stack, the pool-less variant. Stack is only picked when the
 * percpu pool exists too, so that a caller who held one and signs with the
 * other never finds a variant without its pool.
 */
static const struct md5pool_ops *md5t_variant(bool legacy)
{
	if (legacy)
		return md5pool_legacy_variant();
	if ((get_random_u32() & 1) &&
	    md5pool_domain_allocated(md5pool_global_domain()) &&
	    md5pool_stack_domain_allocated(md5pool_stack_global()))
		return md5pool_stack_variant();
	return md5pool_percpu_variant();
}

/*
 * Sign @s through the exported one-call helpers: the linear payload, or
 * one of the prebuilt skbs (paged path). Safe in softirq.
 */
static int md5t_sign_api(const struct md5pool_ops *ops, const struct md5t_seg *s,
			 unsigned int path, const u8 *key, unsigned int keylen,
			 u8 *digest)
{
	unsigned int hlen = s->seg.th->doff * 4;

	if (path == 0)
		return md5pool_sign_seg(ops, &s->seg, key, keylen, digest);
	return md5pool_sign_seg_skb(ops, &s->seg, s->skb[path - 1], hlen,
				    key, keylen, digest);
}

/*
 * The API contract at get: BH disabled (so that softirq on this CPU cannot
 * run in the middle), and for percpu this CPU's context of the published
 * pool. Returns a reason or NULL. Called between get and put.
 */
static const char *md5t_check_ctx(const struct md5pool_ops *ops,
				  struct md5pool_ctx *c)
{
	struct md5pool_pool *pool;

	if (!READ_ONCE(check_bh))
		return NULL;
	/*
	 * stack: the context is the caller's frame, BH stays enabled (a
	 * softirq may sign in the middle, on a frame of its own) and the
	 * signer may migrate: only the frame binding is checked.
	 */
	if (!ops->bh_off)
		return c && c->desc ? NULL : "stack get returned no context";
	if (!in_softirq())
		return "get returned a context with BH enabled";
	if (ops != md5pool_percpu_variant())
		return NULL;
	/* published once and never freed while md5pool is loaded */
	pool = rcu_dereference_bh(md5pool_global_domain()->pool);
	if (!pool)
		return "get returned a context but the pool is not published";
	if (c != this_cpu_ptr(pool->ctx))
		return "get returned another CPU's context";
	return NULL;
}

/*
 * Hash @seg with @key through @c, step by step with the hash helpers. With
 * a worker @t, stall between the steps (rtort_reader_delay) to keep the
 * per-cpu context busy for longer while softirq signers fire.
 */
static int md5t_hash_steps(struct rtort_thread *t, struct md5pool_ctx *c,
			   const struct md5pool_seg *seg, const u8 *key,
			   unsigned int keylen, u8 *digest)
{
	unsigned int half = seg->payload_len / 2;
	int err;

	err = md5pool_hash_init(c);
	if (!err && seg->family == AF_INET)
		err = md5pool_hash_pseudo4(c, seg->saddr4, seg->daddr4,
					   seg->seglen);
	else if (!err)
		err = md5pool_hash_pseudo6(c, &seg->saddr6, &seg->daddr6,
					   seg->seglen);
	if (t)
		rtort_reader_delay(t);
	if (!err)
		err = md5pool_hash_tcphdr(c, seg->th);
	if (!err)
		err = md5pool_hash_update(c, seg->payload, half);
	if (t)
		rtort_reader_delay(t);
	if (!err)
		err = md5pool_hash_update(c, seg->payload + half,
					  seg->payload_len - half);
	if (!err)
		err = md5pool_hash_key(c, key, keylen);
	if (t)
		rtort_reader_delay(t);
	if (!err)
		err = md5pool_hash_final(c, digest);
	return err;
}

/*
 * Sign @s step by step between get and put. @key is read inside the
 * section: a rotating key is read under the caller's rcu_read_lock().
 * *@why is set on a broken contract (reported by the caller, outside the
 * section).
 */
static int md5t_sign_steps(struct rtort_thread *t, const struct md5pool_ops *ops,
			   const struct md5t_seg *s, const u8 *key,
			   unsigned int keylen, u8 *digest, const char **why)
{
	struct md5pool_frame f;	/* used by the stack variant only */
	struct md5pool_ctx *c;
	int cpu, err;

	c = ops->get(&f);
	if (!c)
		return -ENOMEM;
	cpu = raw_smp_processor_id();
	*why = md5t_check_ctx(ops, c);
	err = md5t_hash_steps(t, c, &s->seg, key, keylen, digest);
	/* a BH-off variant pins the CPU; stack may migrate, by design */
	if (!*why && READ_ONCE(check_bh) && ops->bh_off &&
	    raw_smp_processor_id() != cpu)
		*why = "migrated between get and put";
	ops->put(&f);
	return err;
}

/* Take a user reference on the global legacy pool (counted as ours). */
static int md5t_legacy_hold(void)
{
	int err = md5pool_legacy_variant()->hold();

	if (!err)
		atomic_inc(&md5t.legacy_holds);
	return err;
}

static void md5t_legacy_unhold(void)
{
	atomic_dec(&md5t.legacy_holds);
	md5pool_legacy_variant()->unhold();
}

/*
 * One process-context signature of a fixed segment/key pair, by a random
 * variant and path, checked against the reference.
 */
static int md5t_sign_one(struct rtort_thread *t, bool legacy, unsigned int si,
			 unsigned int ki, unsigned int path)
{
	const struct md5pool_ops *ops = md5t_variant(legacy);
	const struct md5t_seg *s = &md5t.segs[si];
	u8 digest[MD5POOL_DIGEST_LEN];
	const char *why = NULL;
	int err;

	if (path == 3)
		err = md5t_sign_steps(t, ops, s, md5t.keys[ki], md5t_keylen[ki],
				      digest, &why);
	else
		err = md5t_sign_api(ops, s, path, md5t.keys[ki],
				    md5t_keylen[ki], digest);
	if (why)
		rtort_fail(t, "%s %s", ops->name, why);
	if (err)
		return err;
	if (memcmp(digest, md5t.ref[si][ki], MD5POOL_DIGEST_LEN))
		rtort_fail(t, "%s seg%u key%u path%u cpu%d: signature %16phN, reference %16phN",
			   ops->name, si, ki, path, raw_smp_processor_id(),
			   digest, md5t.ref[si][ki]);
	return 0;
}

static void md5t_check_global_allocs(struct rtort_thread *t)
{
	int n = atomic_read(&md5pool_global_domain()->nr_allocs);

	if (n > 1)
		rtort_fail(t, "percpu pool built %d times", n);
}

/* op "sign": hold, a few signatures, unhold; both variants. */
static int md5t_op_sign(void *ctx, struct rtort_thread *t)
{
	bool legacy = rtort_random(t, 2);
	const struct md5pool_ops *ops = md5t_variant(legacy);
	int i, err;

	/* percpu hold is md5pool_alloc(): the first users race to build it */
	err = legacy ? md5t_legacy_hold() : ops->hold();
	md5t_check_global_allocs(t);
	if (err)
		return err;
	if (ops == md5pool_percpu_variant() &&
	    !md5pool_domain_allocated(md5pool_global_domain()))
		rtort_fail(t, "md5pool_alloc() returned 0 but no pool is published");
	for (i = 0; i < 4 && !err; i++)
		err = md5t_sign_one(t, legacy, rtort_random(t, MD5T_NSEG),
				    rtort_random(t, MD5T_NKEY),
				    rtort_random(t, 4));
	if (legacy)
		md5t_legacy_unhold();
	return err;
}

/* ------------------------------------------------------------ softirq */

static void md5t_soft_sign(u32 r, bool may_legacy, struct md5t_bad *bad,
			   const char *who)
{
	unsigned int si = md5t.soft_segs[r % md5t.nr_soft_segs];
	unsigned int ki = (r >> 8) % MD5T_NKEY, path = (r >> 12) % 3;
	bool legacy = may_legacy && (r & BIT(16));
	const struct md5pool_ops *ops = md5t_variant(legacy);
	u8 digest[MD5POOL_DIGEST_LEN];
	int err;

	err = md5t_sign_api(ops, &md5t.segs[si], path, md5t.keys[ki],
			    md5t_keylen[ki], digest);
	/* the pools exist and a legacy user is held: get cannot fail */
	if (err)
		md5t_bad_record(bad, "%s %s: sign error %d", who, ops->name,
				err);
	else if (memcmp(digest, md5t.ref[si][ki], MD5POOL_DIGEST_LEN))
		md5t_bad_record(bad, "%s %s seg%u key%u path%u cpu%d: sig %16phN, ref %16phN",
				who, ops->name, si, ki, path,
				smp_processor_id(), digest, md5t.ref[si][ki]);
}

static enum hrtimer_restart md5t_timer_fn(struct hrtimer *h)
{
	struct md5t_thread *th = container_of(h, struct md5t_thread, timer);

	md5t_soft_sign(md5t_next(&th->seed), READ_ONCE(th->timer_legacy),
		       &th->bad, "timer");
	atomic_long_inc(&md5t.soft_timer);
	hrtimer_forward_now(h, ns_to_ktime(th->period_ns));
	return HRTIMER_RESTART;
}

/*
 * op "bh_race": a soft hrtimer pinned to this CPU signs every few tens of
 * microseconds while this worker signs step by step on the same CPU (the
 * timer is moved when the worker migrates). Any clobbered per-cpu context
 * shows as a wrong signature on one side or the other.
 */
static int md5t_op_bh_race(void *ctx, struct rtort_thread *t)
{
	struct md5t_thread *th = rtort_thread_data(t);
	int i, cpu = -1, err;
	bool legacy;

	err = md5pool_alloc();
	/* the stack variant's tfm too: the softirq signers may pick it */
	if (!err)
		err = md5pool_stack_variant()->hold();
	md5t_check_global_allocs(t);
	if (err)
		return err;
	/* a legacy user for the whole window: softirq never frees the pool */
	legacy = !md5t_legacy_hold();
	WRITE_ONCE(th->timer_legacy, legacy);
	th->period_ns = (10 + rtort_random(t, 50)) * NSEC_PER_USEC;
	th->seed = rtort_random(t, U32_MAX) | 1;
	for (i = 0; i < 16 && !err && !rtort_should_stop(t); i++) {
		if (raw_smp_processor_id() != cpu) {
			hrtimer_cancel(&th->timer);
			cpu = raw_smp_processor_id();
			hrtimer_start(&th->timer, ns_to_ktime(th->period_ns),
				      HRTIMER_MODE_REL_PINNED_SOFT);
		}
		err = md5t_sign_one(t, legacy && rtort_random(t, 2),
				    rtort_random(t, MD5T_NSEG),
				    rtort_random(t, MD5T_NKEY),
				    rtort_random(t, 2) ? 3 : rtort_random(t, 3));
	}
	hrtimer_cancel(&th->timer);
	WRITE_ONCE(th->timer_legacy, false);
	if (legacy)
		md5t_legacy_unhold();
	md5t_bad_report(t, &th->bad, "softirq timer");
	return err;
}

static void md5t_tasklet_fn(struct tasklet_struct *tl)
{
	u32 r = READ_ONCE(md5t.tl_round) * 2654435761u + smp_processor_id();

	md5t_soft_sign(md5t_next(&r) | 1, READ_ONCE(md5t.tl_legacy),
		       &md5t.tl_bad, "tasklet");
	atomic_long_inc(&md5t.soft_tasklet);
	/* fully ordered: the record above is visible to the waiter */
	if (atomic_dec_return(&md5t.tl_pending) == 0)
		wake_up(&md5t.tl_wq);
}

static void md5t_tasklet_raise(void *unused)
{
	tasklet_schedule(this_cpu_ptr(&md5t_tasklet));
}

/*
 * op "tasklet_all": an IPI to every online CPU schedules that CPU's
 * tasklet, which signs in softirq there (a CPU that goes offline hands its
 * tasklet to another one). Meanwhile this worker signs too.
 */
static int md5t_op_tasklet_all(void *ctx, struct rtort_thread *t)
{
	int cpu, err, i;
	bool legacy;

	err = md5pool_alloc();
	if (!err)
		err = md5pool_stack_variant()->hold();
	if (err)
		return err;
	mutex_lock(&md5t.tl_mutex);
	legacy = !md5t_legacy_hold();
	WRITE_ONCE(md5t.tl_legacy, legacy);
	WRITE_ONCE(md5t.tl_round, md5t.tl_round + 1);
	for_each_online_cpu(cpu) {
		atomic_inc(&md5t.tl_pending);
		if (smp_call_function_single(cpu, md5t_tasklet_raise, NULL, 1))
			atomic_dec(&md5t.tl_pending);	/* went offline */
	}
	for (i = 0; i < 2 && !err; i++)
		err = md5t_sign_one(t, legacy && rtort_random(t, 2),
				    rtort_random(t, MD5T_NSEG),
				    rtort_random(t, MD5T_NKEY), 3);
	/* tasklets always run, on their CPU or the one that took them over */
	wait_event(md5t.tl_wq, !atomic_read(&md5t.tl_pending));
	smp_mb();	/* pairs with atomic_dec_return() in the tasklet */
	WRITE_ONCE(md5t.tl_legacy, false);
	if (legacy)
		md5t_legacy_unhold();
	md5t_bad_report(t, &md5t.tl_bad, "softirq tasklet");
	mutex_unlock(&md5t.tl_mutex);
	return err;
}

/* ------------------------------------------------------------ keys */

/* op "key_flip": replace or delete a rotating key (kfree_rcu the old). */
static int md5t_op_key_flip(void *ctx, struct rtort_thread *t)
{
	unsigned int i = rtort_random(t, MD5T_NSLOT);
	struct md5t_key *k = NULL, *old;

	if (rtort_random(t, 4)) {
		k = kmalloc(sizeof(*k), GFP_KERNEL);
		if (!k)
			return -ENOMEM;
		k->gen = atomic_inc_return(&md5t.key_gen);
		md5t_key_fill(k->gen, k->key, &k->len);
	}
	mutex_lock(&md5t.slot_mutex);
	/* rcu_replace_pointer() publishes @k complete (store-release) */
	old = rcu_replace_pointer(md5t.slot[i], k,
				  lockdep_is_held(&md5t.slot_mutex));
	mutex_unlock(&md5t.slot_mutex);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

/*
 * op "key_sign": sign with whatever key a slot holds right now, reading
 * the key inside get/put as TCP does, against key_flip. The signature
 * must be the one of the generation read.
 */
static int md5t_op_key_sign(void *ctx, struct rtort_thread *t)
{
	struct md5t_thread *th = rtort_thread_data(t);
	unsigned int si = rtort_random(t, MD5T_NSEG);
	unsigned int i = rtort_random(t, MD5T_NSLOT);
	bool legacy = rtort_random(t, 2);
	const struct md5pool_ops *ops = md5t_variant(legacy);
	u8 digest[MD5POOL_DIGEST_LEN], ref[MD5POOL_DIGEST_LEN];
	u8 key[MD5POOL_MAXKEYLEN];
	unsigned int keylen, fill_len;
	const char *why = NULL;
	struct md5t_key *k;
	u32 gen = 0;
	int err;

	err = legacy ? md5t_legacy_hold() : ops->hold();
	if (err)
		return err;
	rcu_read_lock();
	k = rcu_dereference(md5t.slot[i]);
	if (k) {
		gen = k->gen;
		keylen = k->len;
		err = md5t_sign_steps(t, ops, &md5t.segs[si], k->key, keylen,
				      digest, &why);
	}
	rcu_read_unlock();
	if (legacy)
		md5t_legacy_unhold();
	if (why)
		rtort_fail(t, "%s %s", ops->name, why);
	if (!k || err)
		return err;
	md5t_key_fill(gen, key, &fill_len);
	if (fill_len != keylen) {
		rtort_fail(t, "key gen %u: length %u, expected %u", gen, keylen,
			   fill_len);
		return 0;
	}
	err = md5t_reference(th->desc, &md5t.segs[si], key, keylen, ref);
	if (err)
		return err;
	if (memcmp(digest, ref, sizeof(ref)))
		rtort_fail(t, "%s seg%u key gen %u: signature %16phN, reference %16phN",
			   ops->name, si, gen, digest, ref);
	return 0;
}

/* Every published key must still hold the bytes of its generation. */
static void md5t_check_slots(struct rtort_thread *t)
{
	u8 key[MD5POOL_MAXKEYLEN];
	struct md5t_key *k;
	unsigned int i, len;

	rcu_read_lock();
	for (i = 0; i < MD5T_NSLOT; i++) {
		k = rcu_dereference(md5t.slot[i]);
		if (!k)
			continue;
		md5t_key_fill(k->gen, key, &len);
		if (len != k->len || memcmp(key, k->key, len))
			rtort_fail(t, "key slot %u gen %u corrupted", i, k->gen);
	}
	rcu_read_unlock();
}

/* ------------------------------------------------------------ first use */

struct md5t_racer {
	struct completion done;
	struct md5pool_domain *d;	/* percpu race, or */
	struct md5pool_legacy *lg;	/* legacy race */
	atomic_t *go;
	bool faulty;
	int err;
	const char *why;
	unsigned int si, ki;
};

static int md5t_racer_fn(void *arg)
{
	struct md5t_racer *r = arg;
	u8 digest[MD5POOL_DIGEST_LEN];
	struct md5pool_ctx *c;
	int err;

#ifdef CONFIG_FAULT_INJECTION
	/* a faulty worker's racers fail their allocations too */
	current->make_it_fail = r->faulty;
#endif
	/* the start line: everyone enters the allocation at once */
	atomic_dec(r->go);
	while (atomic_read(r->go) > 0)
		cpu_relax();
	if (r->d)
		r->err = md5pool_domain_alloc(r->d);
	else
		r->err = md5pool_legacy_alloc(r->lg);
	if (r->err)
		goto out;
	/* the legacy reference is kept: the parent drops it after checking */
	c = r->d ? md5pool_domain_get(r->d) : md5pool_legacy_get(r->lg);
	if (!c) {
		r->why = "allocation succeeded but get returned NULL";
		goto out;
	}
	err = md5t_hash_steps(NULL, c, &md5t.segs[r->si].seg, md5t.keys[r->ki],
			      md5t_keylen[r->ki], digest);
	if (r->d)
		md5pool_domain_put(r->d);
	else
		md5pool_legacy_put(r->lg);
	if (err)
		r->why = "hash helper failed";
	else if (memcmp(digest, md5t.ref[r->si][r->ki], sizeof(digest)))
		r->why = "wrong signature through a freshly built pool";
out:
#ifdef CONFIG_FAULT_INJECTION
	current->make_it_fail = false;
#endif
	/* our code must not run after the parent may return */
	kthread_complete_and_exit(&r->done, 0);
}

/*
 * op "alloc_race": a fresh private pool (a percpu domain or a legacy
 * pool) and up to four kthreads released together into its first
 * allocation. Exactly one pool is built when anyone succeeded, none when
 * all failed (fault injection), and a failed build leaves nothing.
 */
static int md5t_op_alloc_race(void *ctx, struct rtort_thread *t)
{
	unsigned int n = min(num_online_cpus() + 1, 4U), i, started = 0, ok = 0;
	bool legacy = rtort_random(t, 2);
	struct md5pool_legacy *lg = NULL;
	struct md5pool_domain *d = NULL;
	struct md5t_racer *r;
	struct task_struct *task;
	atomic_t go;
	int allocs, err = 0;

	r = kcalloc(n, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	if (legacy) {
		lg = kzalloc(sizeof(*lg), GFP_KERNEL);
		if (lg)
			md5pool_legacy_init(lg);
	} else {
		d = kzalloc(sizeof(*d), GFP_KERNEL);
		if (d)
			md5pool_domain_init(d);
	}
	if (!lg && !d) {
		kfree(r);
		return -ENOMEM;
	}
	atomic_set(&go, n);
	for (i = 0; i < n; i++) {
		r[i].d = d;
		r[i].lg = lg;
		r[i].go = &go;
		r[i].faulty = rtort_faulty(t);
		r[i].si = rtort_random(t, MD5T_NSEG);
		r[i].ki = rtort_random(t, MD5T_NKEY);
		init_completion(&r[i].done);
		task = kthread_run(md5t_racer_fn, &r[i], "md5t_race/%u", i);
		if (IS_ERR(task)) {
			err = PTR_ERR(task);
			break;
		}
		started++;
	}
	/* the racers that will never come leave the start line open */
	atomic_sub(n - started, &go);
	for (i = 0; i < started; i++) {
		wait_for_completion(&r[i].done);
		if (r[i].why)
			rtort_fail(t, "%s first use: %s", legacy ? "legacy" : "percpu",
				   r[i].why);
		if (!r[i].err)
			ok++;
	}
	if (d) {
		allocs = atomic_read(&d->nr_allocs);
		if (allocs != (ok ? 1 : 0) || md5pool_domain_allocated(d) != !!ok)
			rtort_fail(t, "percpu first use: %u/%u ok, %d pools, allocated=%d",
				   ok, started, allocs, md5pool_domain_allocated(d));
		if (!ok) {
			/* no pool: get must fail and leave BH enabled */
			if (md5pool_domain_get(d)) {
				md5pool_domain_put(d);
				rtort_fail(t, "get on an unallocated domain returned a context");
			} else if (in_softirq()) {
				rtort_fail(t, "a NULL get left BH disabled");
			}
		}
		md5pool_domain_destroy(d);
		kfree(d);
	} else {
		allocs = atomic_read(&lg->nr_allocs);
		if (allocs != (ok ? 1 : 0) || md5pool_legacy_allocated(lg) != !!ok ||
		    lg->users != ok)
			rtort_fail(t, "legacy first use: %u/%u ok, %d pools, users=%lu",
				   ok, started, allocs, lg->users);
		for (i = 0; i < started; i++)
			if (!r[i].err)
				md5pool_legacy_release(lg);
		if (md5pool_legacy_allocated(lg) || lg->users)
			rtort_fail(t, "legacy pool left after the last user: users=%lu",
				   lg->users);
		kfree(lg);
	}
	for (i = 0; i < started && !err; i++)
		err = r[i].err;
	kfree(r);
	return err;
}

/* ------------------------------------------------------------ the rest */

/*
 * op "legacy_churn": the global legacy pool is built by a first user and
 * freed by the last, over and over, while other workers and softirq sign
 * through it.
 */
static int md5t_op_legacy_churn(void *ctx, struct rtort_thread *t)
{
	int err;

	err = md5t_legacy_hold();
	if (err)
		return err;
	if (!md5pool_legacy_allocated(md5pool_legacy_global_pool()))
		rtort_fail(t, "legacy user held but no pool");
	err = md5t_sign_one(t, true, rtort_random(t, MD5T_NSEG),
			    rtort_random(t, MD5T_NKEY), rtort_random(t, 4));
	md5t_legacy_unhold();
	return err;
}

/* op "kernel_peer": the running kernel's own TCP-MD5 on the IPv4 ones. */
static int md5t_op_kernel_peer(void *ctx, struct rtort_thread *t)
{
	unsigned int si = rtort_random(t, 5), ki = rtort_random(t, MD5T_NKEY);
	u8 digest[MD5POOL_DIGEST_LEN];
	int err;

	err = md5pool_kernel_sign4(&md5t.segs[si].seg, md5t.keys[ki],
				   md5t_keylen[ki], digest);
	if (err == -EOPNOTSUPP)
		return 0;
	if (err)
		return err;
	if (memcmp(digest, md5t.ref[si][ki], sizeof(digest)))
		rtort_fail(t, "kernel seg%u key%u: signature %16phN, reference %16phN",
			   si, ki, digest, md5t.ref[si][ki]);
	return 0;
}

/*
 * op "skb_sign": a fresh skb from md5pool_seg_to_skb() (allocation may
 * fail under fault injection: NULL, nothing leaked) with a random linear
 * part, signed through the paged path.
 */
static int md5t_op_skb_sign(void *ctx, struct rtort_thread *t)
{
	unsigned int si = rtort_random(t, MD5T_NSEG), ki = rtort_random(t, MD5T_NKEY);
	const struct md5t_seg *s = &md5t.segs[si];
	bool legacy = rtort_random(t, 2);
	const struct md5pool_ops *ops = md5t_variant(legacy);
	u8 digest[MD5POOL_DIGEST_LEN];
	struct sk_buff *skb;
	int err;

	skb = md5pool_seg_to_skb(&s->seg, rtort_random(t, s->seg.payload_len + 1));
	if (!skb)
		return -ENOMEM;
	err = legacy ? md5t_legacy_hold() : ops->hold();
	if (!err) {
		err = md5pool_sign_seg_skb(ops, &s->seg, skb, s->seg.th->doff * 4,
					   md5t.keys[ki], md5t_keylen[ki], digest);
		if (legacy)
			md5t_legacy_unhold();
	}
	kfree_skb(skb);
	if (err)
		return err;
	if (memcmp(digest, md5t.ref[si][ki], sizeof(digest)))
		rtort_fail(t, "%s skb seg%u key%u: signature %16phN, reference %16phN",
			   ops->name, si, ki, digest, md5t.ref[si][ki]);
	return 0;
}

static bool md5t_inside(const void *p, size_t n, const u8 *buf, size_t len)
{
	return (const u8 *)p >= buf && (const u8 *)p + n <= buf + len;
}

/*
 * op "parse": a segment copied to an exact-size buffer, truncated and/or
 * with a few bytes changed: the parser must either reject it or describe
 * a segment wholly inside the buffer (KASAN watches the reads); untouched,
 * it must parse as the original.
 */
static int md5t_op_parse(void *ctx, struct rtort_thread *t)
{
	const struct md5t_seg *s = &md5t.segs[rtort_random(t, MD5T_NSEG)];
	size_t len = s->len;
	struct md5pool_seg seg;
	bool changed = false;
	unsigned int i, n;
	u8 *buf;
	int err;

	if (rtort_random(t, 2)) {
		len = rtort_random(t, s->len + 1);
		changed = len != s->len;
	}
	buf = kmemdup(s->pkt, max_t(size_t, len, 1), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	n = rtort_random(t, 4);
	for (i = 0; i < n && len; i++) {
		/* mostly the headers, where the lengths are */
		size_t off = rtort_random(t, min_t(size_t, len, 80));

		buf[off] = rtort_random(t, 256);
		changed = true;
	}
	err = md5pool_parse_packet(buf, len, &seg);
	if (!err) {
		if (!md5t_inside(seg.th, sizeof(*seg.th), buf, len) ||
		    !md5t_inside(seg.th, seg.th->doff * 4, buf, len) ||
		    !md5t_inside(seg.payload, seg.payload_len, buf, len) ||
		    (seg.md5opt && !md5t_inside(seg.md5opt, 16, buf, len)))
			rtort_fail(t, "parse accepted a segment outside its %zu-byte buffer",
				   len);
		if (!changed && (seg.payload_len != s->seg.payload_len ||
				 seg.seglen != s->seg.seglen || !seg.md5opt))
			rtort_fail(t, "an untouched packet parsed differently");
	} else if (!changed) {
		rtort_fail(t, "an untouched packet was rejected: %d", err);
	}
	kfree(buf);
	return 0;
}

/* op "check": the expensive checks, between the others. */
static int md5t_op_check(void *ctx, struct rtort_thread *t)
{
	md5t_check_slots(t);
	md5t_check_global_allocs(t);
	return 0;
}

static const struct rtort_op md5t_ops[] = {
	{ "sign",	  30, md5t_op_sign },
	{ "bh_race",	  12, md5t_op_bh_race },
	{ "tasklet_all",   4, md5t_op_tasklet_all },
	{ "key_sign",	  16, md5t_op_key_sign },
	{ "key_flip",	   8, md5t_op_key_flip },
	{ "alloc_race",	   2, md5t_op_alloc_race },
	{ "legacy_churn",  6, md5t_op_legacy_churn },
	{ "kernel_peer",   3, md5t_op_kernel_peer },
	{ "skb_sign",	   5, md5t_op_skb_sign },
	{ "parse",	   5, md5t_op_parse },
	{ "check",	   1, md5t_op_check },
};

/* ------------------------------------------------------------ session */

static int md5t_thread_init(void *ctx, struct rtort_thread *t)
{
	struct md5t_thread *th = &md5t.thr[rtort_tid(t)];

	/* the desc was allocated at module init: nothing here can fail */
	WRITE_ONCE(th->timer_legacy, false);
	atomic_set(&th->bad.count, 0);
	rtort_set_thread_data(t, th);
	return 0;
}

static void md5t_thread_exit(void *ctx, struct rtort_thread *t)
{
	struct md5t_thread *th = rtort_thread_data(t);

	/* every op cancels its timer; this is the belt to those braces */
	hrtimer_cancel(&th->timer);
	md5t_bad_report(t, &th->bad, "softirq timer");
}

static void md5t_quiesce(void *ctx)
{
	int holds = atomic_read(&md5t.legacy_holds);

	/* every worker is between ops: none holds a legacy user */
	if (holds)
		rtort_fail(NULL, "%d legacy user references left between ops", holds);
	if (atomic_read(&md5t.tl_pending))
		rtort_fail(NULL, "tasklets pending between ops");
	md5t_bad_report(NULL, &md5t.tl_bad, "softirq tasklet");
	md5t_check_slots(NULL);
	md5t_check_global_allocs(NULL);
}

static const struct rtort_target md5t_target = {
	.name		= "md5pool",
	.ops		= md5t_ops,
	.nops		= ARRAY_SIZE(md5t_ops),
	.thread_init	= md5t_thread_init,
	.thread_exit	= md5t_thread_exit,
	.quiesce	= md5t_quiesce,
};

static void md5t_free(void)
{
	struct md5t_key *k;
	unsigned int i;

	for (i = 0; i < MD5T_NSLOT; i++) {
		/* readers are gone (the session stopped): no grace period */
		k = rcu_dereference_protected(md5t.slot[i], true);
		RCU_INIT_POINTER(md5t.slot[i], NULL);
		kfree(k);
	}
	for (i = 0; i < RTORT_MAX_THREADS; i++)
		kfree_sensitive(md5t.thr[i].desc);
	kfree_sensitive(md5t.init_desc);
	for (i = 0; i < MD5T_NSEG; i++) {
		kfree_skb(md5t.segs[i].skb[0]);
		kfree_skb(md5t.segs[i].skb[1]);
		kfree(md5t.segs[i].pkt);
	}
	if (!IS_ERR_OR_NULL(md5t.tfm))
		crypto_free_shash(md5t.tfm);
}

static struct shash_desc *md5t_desc_new(void)
{
	struct shash_desc *desc;

	desc = kzalloc(sizeof(*desc) + crypto_shash_descsize(md5t.tfm),
		       GFP_KERNEL);
	if (desc)
		desc->tfm = md5t.tfm;
	return desc;
}

static int __init md5t_init(void)
{
	unsigned int i, j;
	int cpu, err;

	md5t.tfm = crypto_alloc_shash("md5", 0, 0);
	if (IS_ERR(md5t.tfm))
		return PTR_ERR(md5t.tfm);
	err = -ENOMEM;
	md5t.init_desc = md5t_desc_new();
	if (!md5t.init_desc)
		goto fail;
	for (i = 0; i < RTORT_MAX_THREADS; i++) {
		struct md5t_thread *th = &md5t.thr[i];

		th->desc = md5t_desc_new();
		if (!th->desc)
			goto fail;
		hrtimer_init(&th->timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED_SOFT);
		th->timer.function = md5t_timer_fn;
	}
	for (i = 0; i < MD5T_NKEY; i++)
		for (j = 0; j < md5t_keylen[i]; j++)
			md5t.keys[i][j] = 0x30 + i * 41 + j * 7;
	for (i = 0; i < MD5T_NSEG; i++) {
		err = md5t_seg_build(i, &md5t.segs[i]);
		if (err)
			goto fail;
		if (md5t_seg_spec[i].payload <= MD5T_SOFT_MAX)
			md5t.soft_segs[md5t.nr_soft_segs++] = i;
		for (j = 0; j < MD5T_NKEY; j++) {
			err = md5t_reference(md5t.init_desc, &md5t.segs[i],
					     md5t.keys[j], md5t_keylen[j],
					     md5t.ref[i][j]);
			if (err)
				goto fail;
		}
	}
	for_each_possible_cpu(cpu)
		tasklet_setup(per_cpu_ptr(&md5t_tasklet, cpu), md5t_tasklet_fn);
	md5t.session = rtort_start(&md5t_target);
	if (IS_ERR_OR_NULL(md5t.session)) {
		err = md5t.session ? PTR_ERR(md5t.session) : -ENOMEM;
		goto fail;
	}
	return 0;
fail:
	md5t_free();
	return err;
}

static void __exit md5t_exit(void)
{
	int cpu;

	rtort_stop(md5t.session);
	/* every tasklet_all op waited for its tasklets: none is queued */
	for_each_possible_cpu(cpu)
		tasklet_kill(per_cpu_ptr(&md5t_tasklet, cpu));
	pr_info("softirq signatures: timer=%ld tasklet=%ld\n",
		atomic_long_read(&md5t.soft_timer),
		atomic_long_read(&md5t.soft_tasklet));
	md5t_free();
}

module_init(md5t_init);
module_exit(md5t_exit);
MODULE_DESCRIPTION("rcunet-torture: md5pool driver");
MODULE_LICENSE("GPL");
MODULE_AUTHOR(RCUNET_AUTHOR);
MODULE_VERSION(RCUNET_VERSION);
RCUNET_IMPORT_TEST_EXPORTS();
