// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for md5pool.
 *
 * "md5pool": MD5 through the pool (RFC 1321 vectors), TCP-MD5 signatures
 * of segments the kernel itself signed (captured once, see below), the
 * live kernel's tcp_v4_md5_hash_skb() as a second oracle, the parser's
 * bounds, the lazily allocated pool and the legacy refcount.
 *
 * "md5pool_stress": a first-allocation race, process context and softirq
 * signing on one CPU, and which variant takes a lock in get.
 *
 * Tests never rely on this module's init (6.1 runs suites before it).
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/lockdep.h>
#include <linux/debug_locks.h>
#include <linux/slab.h>
#include <linux/cache.h>
#include <linux/string.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include "../md5pool/md5pool.h"

/* ------------------------------------------------------ test data */

/*
 * TCP-MD5 segments as the kernel put them on the wire, each a raw IP
 * packet whose MD5 option holds the kernel's signature. Captured once with
 * md5pool/tests/md5sig_oracle -x (a loopback connection with TCP_MD5SIG,
 * key "rcnet-md5p", AF_PACKET on lo, outgoing copies; Linux 6.18 host,
 * the RFC 2385 computation is the same in every version). The full capture
 * is md5pool/tests/vectors.txt.
 */
static const u8 md5pool_vec_key[] = "rcnet-md5p";
#define MD5POOL_VEC_KEYLEN	(sizeof(md5pool_vec_key) - 1)

static const u8 md5pool_vec_v4_syn[] = {
	0x45, 0x00, 0x00, 0x48, 0x2a, 0xd3, 0x40, 0x00, 0x40, 0x06, 0x11, 0xdb,
	0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0xe9, 0x80, 0x9c, 0x83,
	0x57, 0xee, 0xab, 0xa0, 0x00, 0x00, 0x00, 0x00, 0xd0, 0x02, 0xff, 0xd7,
	0xfe, 0x3c, 0x00, 0x00, 0x01, 0x01, 0x13, 0x12, 0x54, 0x0c, 0x54, 0x87,
	0x28, 0xa0, 0xf9, 0x27, 0x73, 0x46, 0x99, 0x2f, 0xef, 0x40, 0x88, 0x47,
	0x02, 0x04, 0xff, 0xd7, 0x01, 0x01, 0x04, 0x02, 0x01, 0x03, 0x03, 0x0a,
};

static const u8 md5pool_vec_v4_data64[] = {
	0x45, 0x00, 0x00, 0x7c, 0x2a, 0xd7, 0x40, 0x00, 0x40, 0x06, 0x11, 0xa3,
	0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0xe9, 0x80, 0x9c, 0x83,
	0x57, 0xee, 0xab, 0xa2, 0x72, 0xea, 0x12, 0x83, 0xa0, 0x18, 0x00, 0x40,
	0xfe, 0x70, 0x00, 0x00, 0x01, 0x01, 0x13, 0x12, 0xa7, 0xc9, 0x8a, 0xf7,
	0x3e, 0x43, 0xf3, 0x74, 0x53, 0x9a, 0xfc, 0x28, 0x46, 0x6e, 0xf3, 0x08,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40,
};

static const u8 md5pool_vec_v6_synack[] = {
	0x60, 0x0d, 0xef, 0xbe, 0x00, 0x34, 0x06, 0x40, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0xaa, 0x03, 0xc7, 0x62, 0xed, 0x36, 0x09, 0x4f,
	0x5a, 0x23, 0x8e, 0x65, 0xd0, 0x12, 0xff, 0xc4, 0x00, 0x3c, 0x00, 0x00,
	0x01, 0x01, 0x13, 0x12, 0x9c, 0x97, 0x14, 0x23, 0x64, 0x80, 0x68, 0xc4,
	0x77, 0xdc, 0x9e, 0x87, 0xe1, 0x53, 0xfb, 0xea, 0x02, 0x04, 0xff, 0xc4,
	0x01, 0x01, 0x04, 0x02, 0x01, 0x03, 0x03, 0x0a,
};

static const u8 md5pool_vec_v6_data1[] = {
	0x60, 0x0e, 0x70, 0x96, 0x00, 0x29, 0x06, 0x40, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0xc7, 0x62, 0xaa, 0x03, 0x5a, 0x23, 0x8e, 0x65,
	0xed, 0x36, 0x09, 0x50, 0xa0, 0x18, 0x00, 0x40, 0x00, 0x31, 0x00, 0x00,
	0x01, 0x01, 0x13, 0x12, 0x18, 0xfe, 0x27, 0x69, 0x0f, 0xad, 0x66, 0x14,
	0xc6, 0xda, 0xf1, 0x1b, 0x03, 0x9f, 0xd3, 0x44, 0x01,
};

/* 6.1 KUnit has no MEMEQ: compare digests and print both on failure. */
static void md5pool_expect_digest(struct kunit *test, const u8 *got,
				  const u8 *want, bool equal, const char *what)
{
	bool same = !memcmp(got, want, MD5POOL_DIGEST_LEN);

	KUNIT_EXPECT_TRUE_MSG(test, same == equal, "%s: got %16phN %s %16phN",
			      what, got, equal ? "want" : "must differ from",
			      want);
}

struct md5pool_vec {
	const char *name;
	const u8 *pkt;
	size_t len;
};

#define MD5POOL_VEC(n) { #n, md5pool_vec_##n, sizeof(md5pool_vec_##n) }

static const struct md5pool_vec md5pool_vecs[] = {
	MD5POOL_VEC(v4_syn),
	MD5POOL_VEC(v4_data64),
	MD5POOL_VEC(v6_synack),
	MD5POOL_VEC(v6_data1),
};

/* Make sure the global pools exist; the percpu one then stays. */
static int md5pool_test_init(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, md5pool_alloc(), 0);
	/* the stack variant's shared tfm */
	KUNIT_ASSERT_EQ(test, md5pool_stack_variant()->hold(), 0);
	return 0;
}

/* ------------------------------------------------------ suite md5pool */

/* RFC 1321, appendix A.5 */
static const struct {
	const char *msg;
	unsigned int repeat;	/* the message is @msg this many times */
	const char *digest;
} md5pool_rfc1321[] = {
	{ "", 1, "d41d8cd98f00b204e9800998ecf8427e" },
	{ "a", 1, "0cc175b9c0f1b6a831c399e269772661" },
	{ "abc", 1, "900150983cd24fb0d6963f7d28e17f72" },
	{ "message digest", 1, "f96b697d7cb7938d525a2f31aaf161d0" },
	{ "abcdefghijklmnopqrstuvwxyz", 1, "c3fcd3d76192e4007dfb496cca67e13b" },
	{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 1,
	  "d174ab98d277d9f5a5611c2c9f419d9f" },
	{ "1234567890", 8, "57edf4a22be3c955ac49da2e2107b67a" },
};

static void md5pool_md5_rfc1321_vectors(struct kunit *test)
{
	u8 digest[MD5POOL_DIGEST_LEN], want[MD5POOL_DIGEST_LEN];
	struct md5pool_ctx *c;
	unsigned int i, r;
	char what[16];
	int err;

	for (i = 0; i < ARRAY_SIZE(md5pool_rfc1321); i++) {
		const char *msg = md5pool_rfc1321[i].msg;

		KUNIT_ASSERT_EQ(test, hex2bin(want, md5pool_rfc1321[i].digest,
					      sizeof(want)), 0);
		c = md5pool_get();
		KUNIT_ASSERT_NOT_NULL(test, c);
		err = md5pool_hash_init(c);
		for (r = 0; r < md5pool_rfc1321[i].repeat && !err; r++)
			err = md5pool_hash_update(c, msg, strlen(msg));
		if (!err)
			err = md5pool_hash_final(c, digest);
		md5pool_put();
		KUNIT_EXPECT_EQ(test, err, 0);
		snprintf(what, sizeof(what), "vector %u", i);
		md5pool_expect_digest(test, digest, want, true, what);
	}
}

/* Every kernel-signed vector verifies through every path and variant. */
static void md5pool_tcp_md5_kernel_vectors(struct kunit *test)
{
	const struct md5pool_ops *ops[] = {
		md5pool_percpu_variant(), md5pool_legacy_variant(),
		md5pool_stack_variant(),
	};
	const u8 *key = md5pool_vec_key;
	u8 digest[MD5POOL_DIGEST_LEN];
	unsigned int i, v, lin, hlen;
	char what[48];
	int err;

	for (i = 0; i < ARRAY_SIZE(md5pool_vecs); i++) {
		const struct md5pool_vec *vec = &md5pool_vecs[i];
		struct md5pool_seg seg;

		KUNIT_ASSERT_EQ(test, md5pool_parse_packet(vec->pkt, vec->len,
							   &seg), 0);
		KUNIT_ASSERT_NOT_NULL_MSG(test, seg.md5opt, "%s", vec->name);
		hlen = seg.th->doff * 4;
		for (v = 0; v < ARRAY_SIZE(ops); v++) {
			KUNIT_ASSERT_EQ(test, ops[v]->hold(), 0);
			/* linear payload */
			err = md5pool_sign_seg(ops[v], &seg, key,
					       MD5POOL_VEC_KEYLEN, digest);
			KUNIT_EXPECT_EQ(test, err, 0);
			snprintf(what, sizeof(what), "%s %s linear", vec->name,
				 ops[v]->name);
			md5pool_expect_digest(test, digest, seg.md5opt, true,
					      what);
			/* payload in page frags, or partly linear */
			for (lin = 0; lin <= 1; lin++) {
				struct sk_buff *skb;

				skb = md5pool_seg_to_skb(&seg, lin);
				KUNIT_ASSERT_NOT_NULL(test, skb);
				err = md5pool_sign_seg_skb(ops[v], &seg, skb,
							   hlen, key,
							   MD5POOL_VEC_KEYLEN,
							   digest);
				kfree_skb(skb);
				KUNIT_EXPECT_EQ(test, err, 0);
				snprintf(what, sizeof(what), "%s %s skb lin=%u",
					 vec->name, ops[v]->name, lin);
				md5pool_expect_digest(test, digest, seg.md5opt,
						      true, what);
			}
			ops[v]->unhold();
		}
	}
}

/* A flipped key byte or a flipped payload byte must change the signature. */
static void md5pool_tcp_md5_detects_changes(struct kunit *test)
{
	const struct md5pool_vec *vec = &md5pool_vecs[1];	/* v4_data64 */
	u8 key[MD5POOL_VEC_KEYLEN], digest[MD5POOL_DIGEST_LEN], *pkt;
	struct md5pool_seg seg;

	memcpy(key, md5pool_vec_key, sizeof(key));
	key[3] ^= 0x01;
	KUNIT_ASSERT_EQ(test, md5pool_parse_packet(vec->pkt, vec->len, &seg), 0);
	KUNIT_ASSERT_EQ(test, md5pool_sign_seg(md5pool_percpu_variant(), &seg, key,
					       sizeof(key), digest), 0);
	md5pool_expect_digest(test, digest, seg.md5opt, false, "changed");

	pkt = kunit_kmalloc(test, vec->len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	memcpy(pkt, vec->pkt, vec->len);
	pkt[vec->len - 1] ^= 0x80;
	KUNIT_ASSERT_EQ(test, md5pool_parse_packet(pkt, vec->len, &seg), 0);
	KUNIT_ASSERT_EQ(test, md5pool_sign_seg(md5pool_percpu_variant(), &seg,
					       md5pool_vec_key,
					       MD5POOL_VEC_KEYLEN, digest), 0);
	md5pool_expect_digest(test, digest, seg.md5opt, false, "changed");
}

/* The running kernel's tcp_v4_md5_hash_skb() agrees with the pool. */
static void md5pool_kernel_peer_agrees(struct kunit *test)
{
	const struct md5pool_ops *ops[] = {
		md5pool_percpu_variant(), md5pool_legacy_variant(),
		md5pool_stack_variant(),
	};
	u8 mine[MD5POOL_DIGEST_LEN], theirs[MD5POOL_DIGEST_LEN];
	const u8 *key = md5pool_vec_key;
	unsigned int i, v;
	char what[48];
	int err;

	for (i = 0; i < ARRAY_SIZE(md5pool_vecs); i++) {
		const struct md5pool_vec *vec = &md5pool_vecs[i];
		struct md5pool_seg seg;

		KUNIT_ASSERT_EQ(test, md5pool_parse_packet(vec->pkt, vec->len,
							   &seg), 0);
		if (seg.family != AF_INET)
			continue;
		err = md5pool_kernel_sign4(&seg, md5pool_vec_key,
					   MD5POOL_VEC_KEYLEN, theirs);
		if (err == -EOPNOTSUPP)
			kunit_skip(test, "kernel without TCP_MD5SIG");
		KUNIT_ASSERT_EQ(test, err, 0);
		/* every variant signs byte for byte what the kernel signs */
		for (v = 0; v < ARRAY_SIZE(ops); v++) {
			KUNIT_ASSERT_EQ(test, ops[v]->hold(), 0);
			err = md5pool_sign_seg(ops[v], &seg, key,
					       MD5POOL_VEC_KEYLEN, mine);
			ops[v]->unhold();
			KUNIT_ASSERT_EQ(test, err, 0);
			snprintf(what, sizeof(what), "%s %s", vec->name,
				 ops[v]->name);
			md5pool_expect_digest(test, mine, theirs, true, what);
			md5pool_expect_digest(test, mine, seg.md5opt, true,
					      what);
		}
	}
}

/*
 * The ahash pool (the bench's percpu-ahash) signs the IPv4 vectors as the
 * kernel did, payload in page frags or partly linear.
 */
static void md5pool_ahash_pool_agrees(struct kunit *test)
{
	u8 digest[MD5POOL_DIGEST_LEN], *key;
	unsigned int i, lin;
	char what[48];

	/* hashed through a scatterlist: in the linear map, not the stack */
	key = kunit_kmalloc(test, MD5POOL_VEC_KEYLEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, key);
	memcpy(key, md5pool_vec_key, MD5POOL_VEC_KEYLEN);
	KUNIT_ASSERT_EQ(test, md5pool_ahash_alloc(), 0);
	for (i = 0; i < ARRAY_SIZE(md5pool_vecs); i++) {
		const struct md5pool_vec *vec = &md5pool_vecs[i];
		struct md5pool_seg seg;

		KUNIT_ASSERT_EQ(test, md5pool_parse_packet(vec->pkt, vec->len,
							   &seg), 0);
		if (seg.family != AF_INET)
			continue;
		for (lin = 0; lin <= 1; lin++) {
			struct sk_buff *skb = md5pool_seg_to_skb(&seg, lin);

			KUNIT_ASSERT_NOT_NULL(test, skb);
			KUNIT_EXPECT_EQ(test, md5pool_ahash_sign4(skb, key,
								  MD5POOL_VEC_KEYLEN,
								  digest), 0);
			kfree_skb(skb);
			snprintf(what, sizeof(what), "%s ahash lin=%u",
				 vec->name, lin);
			md5pool_expect_digest(test, digest, seg.md5opt, true,
					      what);
		}
	}
}

/*
 * Every truncation of every vector is rejected or parsed inside the
 * buffer; hand-made bad headers get the documented errors.
 */
static void md5pool_parse_rejects_malformed(struct kunit *test)
{
	size_t vec_len = sizeof(md5pool_vec_v4_syn), len;
	struct md5pool_seg seg;
	unsigned int i;
	u8 *pkt;

	for (i = 0; i < ARRAY_SIZE(md5pool_vecs); i++) {
		const struct md5pool_vec *vec = &md5pool_vecs[i];

		for (len = 0; len < vec->len; len++) {
			/* an exact-size copy: an overread shows under KASAN */
			pkt = kmemdup(vec->pkt, len ? len : 1, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, pkt);
			KUNIT_EXPECT_LT_MSG(test,
					    md5pool_parse_packet(pkt, len, &seg),
					    0, "%s truncated to %zu", vec->name,
					    len);
			kfree(pkt);
		}
	}

	pkt = kunit_kmalloc(test, sizeof(md5pool_vec_v4_syn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
#define MD5POOL_BAD(what, off, val, err) do {				\
	memcpy(pkt, md5pool_vec_v4_syn, sizeof(md5pool_vec_v4_syn));	\
	pkt[off] = (val);						\
	KUNIT_EXPECT_EQ_MSG(test, md5pool_parse_packet(pkt,		\
		sizeof(md5pool_vec_v4_syn), &seg), err, what);		\
} while (0)
	MD5POOL_BAD("ihl 4", 0, 0x44, -EINVAL);
	MD5POOL_BAD("version 5", 0, 0x55, -EINVAL);
	MD5POOL_BAD("tot_len past buffer", 3, 0xff, -EINVAL);
	MD5POOL_BAD("udp", 9, IPPROTO_UDP, -EPROTONOSUPPORT);
	MD5POOL_BAD("fragment", 6, 0x20, -EINVAL);
	MD5POOL_BAD("doff 4", 20 + 12, 0x42, -EINVAL);
	MD5POOL_BAD("doff past segment", 20 + 12, 0xf2, -EINVAL);
	MD5POOL_BAD("md5 option length 17", 20 + 23, 17, -EINVAL);
	MD5POOL_BAD("option length 0", 20 + 23, 0, -EINVAL);
	MD5POOL_BAD("option length past header", 20 + 23, 40, -EINVAL);
#undef MD5POOL_BAD

	/* a segment without the MD5 option parses, with md5opt NULL */
	memcpy(pkt, md5pool_vec_v4_syn, sizeof(md5pool_vec_v4_syn));
	pkt[20 + 22] = 30;	/* unknown kind, same length */
	KUNIT_EXPECT_EQ(test, md5pool_parse_packet(pkt, vec_len, &seg), 0);
	KUNIT_EXPECT_NULL(test, seg.md5opt);
}

/* get is NULL until the first alloc, which builds exactly one pool. */
static void md5pool_get_null_until_alloc(struct kunit *test)
{
	struct md5pool_domain *d;
	struct md5pool_ctx *c;
	bool bh_off;

	d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	md5pool_domain_init(d);
	KUNIT_EXPECT_NULL(test, md5pool_domain_get(d));
	KUNIT_EXPECT_FALSE(test, in_softirq());	/* NULL get re-enabled BH */
	KUNIT_EXPECT_EQ(test, md5pool_domain_alloc(d), 0);
	KUNIT_EXPECT_EQ(test, md5pool_domain_alloc(d), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->nr_allocs), 1);
	c = md5pool_domain_get(d);
	/* BH disabled while held; checked after put: KUnit may sleep */
	bh_off = in_softirq();
	if (c)
		md5pool_domain_put(d);
	KUNIT_EXPECT_NOT_NULL(test, c);
	KUNIT_EXPECT_TRUE(test, bh_off);
	KUNIT_EXPECT_FALSE(test, in_softirq());
	md5pool_domain_destroy(d);
}

/* legacy: the first user builds the pool, the last one frees it. */
static void md5pool_legacy_freed_by_last_user(struct kunit *test)
{
	struct md5pool_legacy *lg;
	struct md5pool_ctx *c;

	lg = kunit_kzalloc(test, sizeof(*lg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, lg);
	md5pool_legacy_init(lg);
	KUNIT_EXPECT_NULL(test, md5pool_legacy_get(lg));
	KUNIT_ASSERT_EQ(test, md5pool_legacy_alloc(lg), 0);
	KUNIT_ASSERT_EQ(test, md5pool_legacy_alloc(lg), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&lg->nr_allocs), 1);
	KUNIT_EXPECT_EQ(test, lg->users, 2UL);
	c = md5pool_legacy_get(lg);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, lg->users, 3UL);	/* get counts as a user */
	md5pool_legacy_put(lg);
	md5pool_legacy_release(lg);
	KUNIT_EXPECT_TRUE(test, md5pool_legacy_allocated(lg));
	md5pool_legacy_release(lg);
	KUNIT_EXPECT_FALSE(test, md5pool_legacy_allocated(lg));
	KUNIT_EXPECT_NULL(test, md5pool_legacy_get(lg));
	KUNIT_ASSERT_EQ(test, md5pool_legacy_alloc(lg), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&lg->nr_allocs), 2);
	md5pool_legacy_release(lg);
	KUNIT_EXPECT_FALSE(test, md5pool_legacy_allocated(lg));
}

/*
 * Every CPU writes its own descriptor (the MD5 state) on each signature: it
 * must start on a cache line and its allocation must fill whole lines, so
 * that no other CPU's descriptor (or any other object) shares one.
 */
static void md5pool_percpu_desc_cache_aligned(struct kunit *test)
{
	struct md5pool_domain *d;
	struct md5pool_pool *pool;
	int cpu;

	d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	md5pool_domain_init(d);
	KUNIT_ASSERT_EQ(test, md5pool_domain_alloc(d), 0);
	/* a private domain: nobody else can free it */
	pool = rcu_dereference_protected(d->pool, true);
	for_each_possible_cpu(cpu) {
		const struct shash_desc *desc = per_cpu_ptr(pool->ctx, cpu)->desc;
		size_t sz = ksize(desc);

		KUNIT_EXPECT_TRUE_MSG(test,
				      IS_ALIGNED((unsigned long)desc,
						 L1_CACHE_BYTES),
				      "cpu%d: descriptor at line offset %lu",
				      cpu, (unsigned long)desc %
				      L1_CACHE_BYTES);
		KUNIT_EXPECT_EQ_MSG(test, sz % L1_CACHE_BYTES, (size_t)0,
				    "cpu%d: %zu-byte slot shares a line",
				    cpu, sz);
		KUNIT_EXPECT_GE(test, sz, sizeof(*desc) +
				crypto_shash_descsize(pool->tfm));
	}
	md5pool_domain_destroy(d);
}

/*
 * The stack variant's tfm allocation passes the crypto API's errno on: a
 * kernel without the algorithm must say -ENOENT (what a missing md5 looks
 * like), not -ENOMEM, and publish nothing. A name no algorithm or template
 * has stands in for "md5" on such a kernel.
 */
static void md5pool_stack_alloc_reports_errno(struct kunit *test)
{
	struct md5pool_stack_domain *s;
	struct md5pool_frame f;
	int err;

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	md5pool_stack_domain_init(s);
	err = md5pool_stack_domain_alloc_alg(s, "md5pool_no_such_alg");
	KUNIT_EXPECT_EQ(test, err, -ENOENT);
	KUNIT_EXPECT_FALSE(test, md5pool_stack_domain_allocated(s));
	KUNIT_EXPECT_EQ(test, atomic_read(&s->nr_allocs), 0);
	KUNIT_EXPECT_NULL(test, md5pool_stack_domain_get(s, &f));
	/* a failed allocation leaves the domain usable */
	KUNIT_EXPECT_EQ(test, md5pool_stack_domain_alloc(s), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->nr_allocs), 1);
	md5pool_stack_domain_destroy(s);
}

static struct kunit_case md5pool_cases[] = {
	KUNIT_CASE(md5pool_md5_rfc1321_vectors),
	KUNIT_CASE(md5pool_tcp_md5_kernel_vectors),
	KUNIT_CASE(md5pool_tcp_md5_detects_changes),
	KUNIT_CASE(md5pool_kernel_peer_agrees),
	KUNIT_CASE(md5pool_ahash_pool_agrees),
	KUNIT_CASE(md5pool_parse_rejects_malformed),
	KUNIT_CASE(md5pool_get_null_until_alloc),
	KUNIT_CASE(md5pool_legacy_freed_by_last_user),
	KUNIT_CASE(md5pool_percpu_desc_cache_aligned),
	KUNIT_CASE(md5pool_stack_alloc_reports_errno),
	{ }
};

static struct kunit_suite md5pool_suite = {
	.name = "md5pool",
	.init = md5pool_test_init,
	.test_cases = md5pool_cases,
};

/* ------------------------------------------------------ suite md5pool_stress */

#define MD5POOL_RACE_ROUNDS	64

/*
 * One round: a fresh domain and one racer bound to each online CPU. The
 * racers meet at a spinning start line, so that all of them are inside
 * md5pool_domain_alloc() at the same moment (a sleeping start line lets
 * the first one finish before the others even look).
 */
struct md5pool_race {
	struct md5pool_domain *d;
	unsigned int nr;
	atomic_t arrived;
	atomic_t left;
	struct completion done;
	atomic_t errors;
};

static int md5pool_racer_fn(void *arg)
{
	struct md5pool_race *r = arg;

	atomic_inc(&r->arrived);
	while (atomic_read(&r->arrived) < r->nr)
		cpu_relax();
	if (md5pool_domain_alloc(r->d) || !md5pool_domain_allocated(r->d))
		atomic_inc(&r->errors);
	if (atomic_dec_and_test(&r->left))
		complete(&r->done);
	return 0;
}

/* Many first callers at once: one pool is built, all of them see it. */
static void md5pool_alloc_race_allocates_once(struct kunit *test)
{
	unsigned int round, i, cpu, max_nr;
	struct task_struct **tasks;
	struct md5pool_race *r;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->d = kunit_kzalloc(test, sizeof(*r->d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r->d);
	/*
	 * One racer per online CPU, at least two: sized by the possible CPUs
	 * (not NR_CPUS, which may be 8192, or 1 while two racers run) and
	 * allocated, not on the stack. KUnit frees it on every exit path,
	 * assertion failures included.
	 */
	max_nr = max(num_possible_cpus(), 2U);
	tasks = kunit_kcalloc(test, max_nr, sizeof(*tasks), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tasks);
	cpus_read_lock();	/* keep the racers' CPUs online */
	for (round = 0; round < MD5POOL_RACE_ROUNDS; round++) {
		md5pool_domain_init(r->d);
		/* online <= possible: always fits */
		r->nr = min(max(num_online_cpus(), 2U), max_nr);
		atomic_set(&r->arrived, 0);
		atomic_set(&r->left, r->nr);
		atomic_set(&r->errors, 0);
		init_completion(&r->done);
		/* create them all first: a missing racer would stall the rest */
		cpu = cpumask_first(cpu_online_mask);
		for (i = 0; i < r->nr; i++) {
			tasks[i] = kthread_create(md5pool_racer_fn, r,
						  "md5pool_race/%u", i);
			if (IS_ERR(tasks[i]))
				break;
			kthread_bind(tasks[i], cpu);
			cpu = cpumask_next(cpu, cpu_online_mask);
			if (cpu >= nr_cpu_ids)
				cpu = cpumask_first(cpu_online_mask);
		}
		if (i < r->nr) {
			while (i--)
				kthread_stop(tasks[i]);	/* never ran */
			cpus_read_unlock();
			KUNIT_FAIL(test, "kthread_create failed");
			return;
		}
		for (i = 0; i < r->nr; i++)
			wake_up_process(tasks[i]);
		wait_for_completion(&r->done);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&r->errors), 0,
				    "round %u", round);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&r->d->nr_allocs), 1,
				    "round %u: pools built by %u racers", round,
				    r->nr);
		md5pool_domain_destroy(r->d);
	}
	cpus_read_unlock();
}

/*
 * Process context and softirq sign on the same CPU at once. Both use the
 * CPU's context (hash state, pseudo-header scratch); only BH exclusion in
 * get keeps the softirq from running in the middle of a process-context
 * signature. Every result must still be right.
 */
struct md5pool_bh {
	struct hrtimer timer;
	struct md5pool_seg seg_proc, seg_soft;
	bool stop;
	unsigned long proc_ok, proc_bad, soft_ok, soft_bad;
	struct completion done;
};

static bool md5pool_bh_sign(struct md5pool_seg *seg)
{
	u8 digest[MD5POOL_DIGEST_LEN];

	if (md5pool_sign_seg(md5pool_percpu_variant(), seg, md5pool_vec_key,
			     MD5POOL_VEC_KEYLEN, digest))
		return false;
	return !memcmp(digest, seg->md5opt, sizeof(digest));
}

static enum hrtimer_restart md5pool_bh_timer_fn(struct hrtimer *t)
{
	struct md5pool_bh *b = container_of(t, struct md5pool_bh, timer);

	if (md5pool_bh_sign(&b->seg_soft))
		b->soft_ok++;
	else
		b->soft_bad++;
	if (READ_ONCE(b->stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime(50 * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static int md5pool_bh_thread_fn(void *arg)
{
	struct md5pool_bh *b = arg;
	unsigned long end = jiffies + msecs_to_jiffies(1500);

	/* pinned: the timer fires on this CPU, where we sign */
	hrtimer_start(&b->timer, ns_to_ktime(50 * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_PINNED_SOFT);
	while (time_before(jiffies, end) || !READ_ONCE(b->soft_ok)) {
		if (md5pool_bh_sign(&b->seg_proc))
			b->proc_ok++;
		else
			b->proc_bad++;
		if (time_after(jiffies, end + 10 * HZ))
			break;
		cond_resched();
	}
	WRITE_ONCE(b->stop, true);
	hrtimer_cancel(&b->timer);
	complete(&b->done);
	return 0;
}

static void md5pool_bh_exclusion_process_vs_softirq(struct kunit *test)
{
	struct task_struct *t;
	struct md5pool_bh *b;
	int err;

	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	/* different segments and families: a mix-up cannot go unnoticed */
	err = md5pool_parse_packet(md5pool_vec_v4_data64,
				   sizeof(md5pool_vec_v4_data64), &b->seg_proc);
	KUNIT_ASSERT_EQ(test, err, 0);
	err = md5pool_parse_packet(md5pool_vec_v6_synack,
				   sizeof(md5pool_vec_v6_synack), &b->seg_soft);
	KUNIT_ASSERT_EQ(test, err, 0);
	init_completion(&b->done);
	hrtimer_init(&b->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_SOFT);
	b->timer.function = md5pool_bh_timer_fn;
	t = kthread_create(md5pool_bh_thread_fn, b, "md5pool_bh");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	kthread_bind(t, cpumask_first(cpu_online_mask));
	wake_up_process(t);
	wait_for_completion(&b->done);
	kunit_info(test, "process ok=%lu bad=%lu softirq ok=%lu bad=%lu\n",
		   b->proc_ok, b->proc_bad, b->soft_ok, b->soft_bad);
	KUNIT_EXPECT_GT(test, b->proc_ok, 0UL);
	KUNIT_EXPECT_GT(test, b->soft_ok, 0UL);
	KUNIT_EXPECT_EQ(test, b->proc_bad, 0UL);
	KUNIT_EXPECT_EQ(test, b->soft_bad, 0UL);
}

/*
 * A softirq signs on this CPU while a process-context signature is half
 * way through its updates: the case the per-cpu pool needed BH-off for.
 * The signer, a kthread bound to one CPU, hashes the headers and half the
 * payload, then raises a tasklet on its CPU with BH off and enables BH
 * again, which runs the tasklet right there (or in this CPU's ksoftirqd).
 * The tasklet signs another segment through the same variant.
 *
 * stack (BH stays enabled in get): the signer waits until the tasklet has
 * run, so the softirq signature did happen in the middle of its own, on
 * its CPU; both must be right: no state is shared but the read-only tfm.
 * Pool variants (BH off from get to put): the tasklet cannot run in the
 * middle, it runs at put; both must be right too, and "mid" must be false.
 * soft_ran, not completion_done(), tells whether it ran: a wait consumes
 * the completion.
 *
 * Every wait is bounded, and the test frees @m only once nothing can touch
 * it: the kthread has completed done and the tasklet, if it was scheduled,
 * has run (tasklet_kill() then only waits out the end of its function).
 * Should either never happen, the case fails and leaks @m rather than hang
 * in an unbounded wait or free what a late tasklet would still write.
 */
struct md5pool_mid {
	const struct md5pool_ops *ops;
	struct tasklet_struct tasklet;
	struct md5pool_seg seg_proc, seg_soft;
	u8 proc_digest[MD5POOL_DIGEST_LEN], soft_digest[MD5POOL_DIGEST_LEN];
	int proc_err, soft_err, proc_cpu, soft_cpu;
	bool mid;			/* the tasklet ran between two updates */
	bool soft_ran;			/* set by the tasklet, once */
	bool scheduled;			/* set before the tasklet is */
	struct completion soft_done, done;
};

static void md5pool_mid_tasklet_fn(struct tasklet_struct *t)
{
	struct md5pool_mid *m = from_tasklet(m, t, tasklet);

	m->soft_cpu = smp_processor_id();
	m->soft_err = md5pool_sign_seg(m->ops, &m->seg_soft, md5pool_vec_key,
				       MD5POOL_VEC_KEYLEN, m->soft_digest);
	WRITE_ONCE(m->soft_ran, true);
	complete(&m->soft_done);
}

static int md5pool_mid_hash_first(struct md5pool_ctx *c,
				  const struct md5pool_seg *seg,
				  unsigned int half)
{
	int err;

	err = md5pool_hash_init(c);
	if (!err && seg->family == AF_INET)
		err = md5pool_hash_pseudo4(c, seg->saddr4, seg->daddr4,
					   seg->seglen);
	else if (!err)
		err = md5pool_hash_pseudo6(c, &seg->saddr6, &seg->daddr6,
					   seg->seglen);
	if (!err)
		err = md5pool_hash_tcphdr(c, seg->th);
	if (!err)
		err = md5pool_hash_update(c, seg->payload, half);
	return err;
}

static int md5pool_mid_thread_fn(void *arg)
{
	struct md5pool_mid *m = arg;
	const struct md5pool_seg *seg = &m->seg_proc;
	unsigned int half = seg->payload_len / 2;
	struct md5pool_frame f;
	struct md5pool_ctx *c;
	int err;

	c = m->ops->get(&f);
	if (!c) {
		m->proc_err = -ENOMEM;
		complete(&m->done);	/* no softirq signer was started */
		return 0;
	}
	m->proc_cpu = raw_smp_processor_id();
	err = md5pool_mid_hash_first(c, seg, half);
	/* this CPU's tasklet; with BH off so that it cannot run before */
	WRITE_ONCE(m->scheduled, true);
	local_bh_disable();
	tasklet_schedule(&m->tasklet);
	local_bh_enable();
	/* BH enabled (stack): it has run, or will in ksoftirqd: wait */
	if (!m->ops->bh_off)
		wait_for_completion_timeout(&m->soft_done, 10 * HZ);
	m->mid = READ_ONCE(m->soft_ran);
	if (!err)
		err = md5pool_hash_update(c, seg->payload + half,
					  seg->payload_len - half);
	if (!err)
		err = md5pool_hash_key(c, md5pool_vec_key, MD5POOL_VEC_KEYLEN);
	if (!err)
		err = md5pool_hash_final(c, m->proc_digest);
	m->ops->put(&f);
	m->proc_err = err;
	/* a pool variant's tasklet ran at put (the wait above consumed it) */
	if (!m->mid)
		wait_for_completion_timeout(&m->soft_done, 10 * HZ);
	complete(&m->done);
	return 0;
}

static void md5pool_variant_param_desc(const struct md5pool_ops *(*const *v)(void),
				       char *desc)
{
	const struct md5pool_ops *ops = (*v)();

	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s/%s", ops->name,
		 rcunet_role_name(ops->role));
}

static const struct md5pool_ops *(*const md5pool_variant_params[])(void) = {
	md5pool_percpu_variant, md5pool_legacy_variant, md5pool_stack_variant,
};

KUNIT_ARRAY_PARAM(md5pool_variant, md5pool_variant_params,
		  md5pool_variant_param_desc);

/* Wait, at most 10 s, for the tasklet of a finished signer to have run. */
static bool md5pool_mid_tasklet_ran(struct md5pool_mid *m)
{
	unsigned long end = jiffies + 10 * HZ;

	while (!READ_ONCE(m->soft_ran) && time_before(jiffies, end))
		msleep(20);
	return READ_ONCE(m->soft_ran);
}

static void md5pool_softirq_mid_signature(struct kunit *test)
{
	const struct md5pool_ops *(*const *v)(void) = test->param_value;
	const struct md5pool_ops *ops = (*v)();
	struct task_struct *t;
	struct md5pool_mid *m;
	char what[48];

	/* not kunit_kzalloc(): a stuck tasklet or signer must keep it */
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	m->ops = ops;
	init_completion(&m->soft_done);
	init_completion(&m->done);
	tasklet_setup(&m->tasklet, md5pool_mid_tasklet_fn);
	/* different segments and families: a mix-up cannot go unnoticed */
	if (md5pool_parse_packet(md5pool_vec_v4_data64,
				 sizeof(md5pool_vec_v4_data64), &m->seg_proc) ||
	    md5pool_parse_packet(md5pool_vec_v6_synack,
				 sizeof(md5pool_vec_v6_synack), &m->seg_soft)) {
		KUNIT_FAIL(test, "the test vectors do not parse");
		goto free;
	}
	if (ops->hold()) {
		KUNIT_FAIL(test, "%s: hold failed", ops->name);
		goto free;
	}
	t = kthread_create(md5pool_mid_thread_fn, m, "md5pool_mid");
	if (IS_ERR(t)) {
		KUNIT_FAIL(test, "kthread_create failed");
		goto unhold;
	}
	kthread_bind(t, cpumask_first(cpu_online_mask));
	wake_up_process(t);
	/* the signer's own waits take at most 20 s */
	if (!wait_for_completion_timeout(&m->done, 60 * HZ)) {
		KUNIT_FAIL(test, "%s: the signer never finished; leaking its state",
			   ops->name);
		return;
	}
	if (READ_ONCE(m->scheduled)) {
		if (!md5pool_mid_tasklet_ran(m)) {
			KUNIT_FAIL(test, "%s: the softirq signer never ran; leaking its tasklet",
				   ops->name);
			ops->unhold();
			return;
		}
		/* it has run: this waits for its function's end only */
		tasklet_kill(&m->tasklet);
	}
	ops->unhold();
	kunit_info(test, "%s: softirq on cpu%d %s the signature on cpu%d\n",
		   ops->name, m->soft_cpu, m->mid ? "in the middle of" : "after",
		   m->proc_cpu);
	KUNIT_EXPECT_EQ(test, m->proc_err, 0);
	KUNIT_EXPECT_TRUE_MSG(test, READ_ONCE(m->soft_ran),
			      "the softirq signer never ran");
	KUNIT_EXPECT_EQ(test, m->soft_err, 0);
	KUNIT_EXPECT_EQ(test, m->soft_cpu, m->proc_cpu);
	/* BH-off variants keep softirq out; stack lets it in by design */
	KUNIT_EXPECT_EQ(test, m->mid, !ops->bh_off);
	snprintf(what, sizeof(what), "%s process context", ops->name);
	md5pool_expect_digest(test, m->proc_digest, m->seg_proc.md5opt, true,
			      what);
	snprintf(what, sizeof(what), "%s softirq", ops->name);
	md5pool_expect_digest(test, m->soft_digest, m->seg_soft.md5opt, true,
			      what);
	kfree(m);
	return;
unhold:
	ops->unhold();
free:
	kfree(m);
}

/*
 * Which locks does a signature's get/put take? Counted from lockdep's own
 * records, so a lock counts whatever it is called and wherever it lives.
 *
 * lockdep pushes every acquisition onto current->held_locks[] at index
 * current->lockdep_depth and, when the innermost lock is released, only
 * lowers the depth: the slot keeps the record (instance, acquire_ip,
 * irq_context) until the next acquisition at that depth overwrites it.
 * So: clear the slots above the depth, run get + put, and every slot that
 * holds a record again was written by an acquisition inside the window.
 * Records with irq_context != 0 were written by an interrupt or softirq
 * that ran on this task's stack meanwhile: not get/put's locks. lockdep
 * fills irq_context only with CONFIG_PROVE_LOCKING (0 otherwise, where an
 * interrupt's lock would pass for get/put's): the check needs it. Preemption
 * is off around the window, else schedule() would leave the runqueue lock.
 *
 * A lock that get/put took and released is visible even though it is no
 * longer held when get returns (lockdep_depth() is back where it was, for
 * legacy too). An interrupt between put and the scan may overwrite a legacy
 * record, so legacy must be seen in some of the rounds, percpu in none.
 */
#define MD5POOL_LOCK_ROUNDS	16

struct md5pool_lockwatch {
	unsigned int seen;		/* process-context records in the window */
	bool target;			/* one of them is the expected lock */
	unsigned long ip;		/* where the first one was acquired */
};

#ifdef CONFIG_DEBUG_LOCK_ALLOC
static void md5pool_lockwatch_arm(int depth)
{
	unsigned long flags;
	int i;

	/* irqs off: an interrupt must not push a record while we clear */
	local_irq_save(flags);
	for (i = depth; i < MAX_LOCK_DEPTH; i++)
		current->held_locks[i].instance = NULL;
	local_irq_restore(flags);
}

static void md5pool_lockwatch_scan(int depth, const struct lockdep_map *want,
				   struct md5pool_lockwatch *w)
{
	unsigned long flags;
	int i;

	local_irq_save(flags);
	for (i = depth; i < MAX_LOCK_DEPTH; i++) {
		const struct held_lock *hl = &current->held_locks[i];

		if (!hl->instance)
			break;
		if (hl->irq_context)
			continue;
		if (!w->seen++)
			w->ip = hl->acquire_ip;
		if (hl->instance == want)
			w->target = true;
	}
	local_irq_restore(flags);
}

/* The lock the legacy variant's get and put take. */
static const struct lockdep_map *md5pool_legacy_lock_map(void)
{
	return &md5pool_legacy_global_pool()->lock.dep_map;
}
#else
static void md5pool_lockwatch_arm(int depth)
{
}

static void md5pool_lockwatch_scan(int depth, const struct lockdep_map *want,
				   struct md5pool_lockwatch *w)
{
}

static const struct lockdep_map *md5pool_legacy_lock_map(void)
{
	return NULL;
}
#endif

/* One get + put of @ops inside a watched window; false if get was NULL. */
static bool md5pool_lockwatch_run(const struct md5pool_ops *ops,
				  const struct lockdep_map *want,
				  struct md5pool_lockwatch *w, int *depth_after)
{
	struct md5pool_frame f;	/* the stack variant's context */
	struct md5pool_ctx *c;
	int depth;

	preempt_disable();
	depth = lockdep_depth(current);
	md5pool_lockwatch_arm(depth);
	c = ops->get(&f);
	if (c)
		ops->put(&f);
	md5pool_lockwatch_scan(depth, want, w);
	*depth_after = lockdep_depth(current) - depth;
	preempt_enable();
	return c;
}

struct md5pool_lock_param {
	const struct md5pool_ops *(*variant)(void);
	bool locked;			/* get/put take the variant's lock */
};

static const struct md5pool_lock_param md5pool_lock_params[] = {
	{ .variant = md5pool_percpu_variant, .locked = false },
	{ .variant = md5pool_legacy_variant, .locked = true },
	{ .variant = md5pool_stack_variant, .locked = false },
};

static void md5pool_lock_param_desc(const struct md5pool_lock_param *p,
				    char *desc)
{
	const struct md5pool_ops *ops = p->variant();

	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s/%s", ops->name,
		 rcunet_role_name(ops->role));
}

KUNIT_ARRAY_PARAM(md5pool_lock, md5pool_lock_params, md5pool_lock_param_desc);

/*
 * percpu: no lock at all in get/put. legacy: its spinlock, seen by the same
 * check (so the check can fail: see the comment above).
 */
static void md5pool_fast_path_takes_no_lock(struct kunit *test)
{
	const struct md5pool_lock_param *p = test->param_value;
	const struct md5pool_ops *ops = p->variant();
	const struct lockdep_map *want = md5pool_legacy_lock_map();
	unsigned int round, rounds_seen = 0, rounds_want = 0;
	unsigned long ip = 0;
	int depth_after;

	if (!IS_ENABLED(CONFIG_PROVE_LOCKING))
		kunit_skip(test, "kernel without lockdep's PROVE_LOCKING");
	/*
	 * On PREEMPT_RT local_bh_disable() takes the per-CPU softirq lock
	 * (a lockdep class of its own), so the percpu get is not lock-free
	 * there, and the legacy get's spinlock sleeps: it must not run in
	 * the preempt_disable() window of md5pool_lockwatch_run().
	 */
	if (IS_ENABLED(CONFIG_PREEMPT_RT) && ops->bh_off)
		kunit_skip(test, "PREEMPT_RT: BH-off takes the per-CPU softirq lock");
	KUNIT_ASSERT_TRUE_MSG(test, debug_locks,
			      "lockdep is off (an earlier report?)");
	KUNIT_ASSERT_EQ(test, ops->hold(), 0);
	for (round = 0; round < MD5POOL_LOCK_ROUNDS; round++) {
		struct md5pool_lockwatch w = { };

		if (!md5pool_lockwatch_run(ops, want, &w, &depth_after)) {
			KUNIT_FAIL(test, "%s get returned NULL", ops->name);
			break;
		}
		KUNIT_EXPECT_EQ(test, depth_after, 0);
		if (w.seen) {
			rounds_seen++;
			ip = ip ?: w.ip;
		}
		rounds_want += w.target;
	}
	ops->unhold();
	/*
	 * lockdep_depth() reads 0 once lockdep switched itself off (a report
	 * elsewhere): the window then started at slot 0 and no acquisition
	 * was recorded in it. Nothing above proves anything then.
	 */
	KUNIT_ASSERT_TRUE_MSG(test, debug_locks,
			      "lockdep switched off during the check");
	kunit_info(test, "%s: a lock in %u of %u rounds, the variant's lock in %u, first at %pS\n",
		   ops->name, rounds_seen, MD5POOL_LOCK_ROUNDS, rounds_want,
		   (void *)ip);
	if (p->locked) {
		KUNIT_EXPECT_GT_MSG(test, rounds_want, 0U,
				    "%s get/put: lockdep never saw its lock",
				    ops->name);
	} else {
		KUNIT_EXPECT_EQ_MSG(test, rounds_seen, 0U,
				    "%s get/put took a lock, at %pS",
				    ops->name, (void *)ip);
	}
}

/*
 * Which lock does get wait for? With the pool's allocation mutex held, the
 * percpu get still completes; with the legacy spinlock held, the legacy get
 * waits until it is released.
 */
struct md5pool_getter {
	const struct md5pool_ops *ops;
	struct completion done;
	bool got;
};

static int md5pool_getter_fn(void *arg)
{
	struct md5pool_getter *g = arg;
	struct md5pool_frame f;
	struct md5pool_ctx *c;

	c = g->ops->get(&f);
	if (c)
		g->ops->put(&f);
	WRITE_ONCE(g->got, c);
	complete(&g->done);
	return 0;
}

/* Created, not started: the caller may hold a spinlock when it wakes it. */
static struct task_struct *md5pool_getter_create(struct md5pool_getter *g,
						 const struct md5pool_ops *ops)
{
	struct task_struct *t;

	g->ops = ops;
	g->got = false;
	init_completion(&g->done);
	t = kthread_create(md5pool_getter_fn, g, "md5pool_get/%s", ops->name);
	return IS_ERR(t) ? NULL : t;
}

static void md5pool_get_waits_only_for_legacy_lock(struct kunit *test)
{
	struct md5pool_getter *g;
	struct task_struct *t;
	bool done;

	g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, g);

	/* percpu: the allocation mutex held here must not stop get */
	t = md5pool_getter_create(g, md5pool_percpu_variant());
	KUNIT_ASSERT_NOT_NULL(test, t);
	mutex_lock(&md5pool_global_domain()->alloc_mutex);
	wake_up_process(t);
	done = wait_for_completion_timeout(&g->done, 5 * HZ);
	mutex_unlock(&md5pool_global_domain()->alloc_mutex);
	KUNIT_EXPECT_TRUE_MSG(test, done, "percpu get blocked on the mutex");
	if (!done)
		wait_for_completion(&g->done);
	KUNIT_EXPECT_TRUE(test, g->got);

	/* legacy: its spinlock held here, get must spin until released */
	KUNIT_ASSERT_EQ(test, md5pool_legacy_variant()->hold(), 0);
	t = md5pool_getter_create(g, md5pool_legacy_variant());
	if (!t) {
		md5pool_legacy_variant()->unhold();
		KUNIT_FAIL(test, "kthread_create failed");
		return;
	}
	spin_lock_bh(&md5pool_legacy_global_pool()->lock);
	wake_up_process(t);
	mdelay(50);	/* cannot sleep with the spinlock held */
	done = completion_done(&g->done);
	spin_unlock_bh(&md5pool_legacy_global_pool()->lock);
	wait_for_completion(&g->done);
	KUNIT_EXPECT_FALSE_MSG(test, done, "legacy get did not take the lock");
	KUNIT_EXPECT_TRUE(test, g->got);
	md5pool_legacy_variant()->unhold();
}

static struct kunit_case md5pool_stress_cases[] = {
	KUNIT_CASE(md5pool_alloc_race_allocates_once),
	KUNIT_CASE(md5pool_bh_exclusion_process_vs_softirq),
	KUNIT_CASE_PARAM(md5pool_softirq_mid_signature,
			 md5pool_variant_gen_params),
	KUNIT_CASE_PARAM(md5pool_fast_path_takes_no_lock,
			 md5pool_lock_gen_params),
	KUNIT_CASE(md5pool_get_waits_only_for_legacy_lock),
	{ }
};

static struct kunit_suite md5pool_stress_suite = {
	.name = "md5pool_stress",
	.init = md5pool_test_init,
	.test_cases = md5pool_stress_cases,
};

kunit_test_suites(&md5pool_suite, &md5pool_stress_suite);

MODULE_DESCRIPTION("KUnit tests for md5pool");
MODULE_LICENSE("GPL");
MODULE_AUTHOR(RCUNET_AUTHOR);
MODULE_VERSION(RCUNET_VERSION);
RCUNET_IMPORT_TEST_EXPORTS();
