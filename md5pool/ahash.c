// SPDX-License-Identifier: GPL-2.0
/*
 * md5pool "percpu-ahash": the lock-free per-cpu pool of commit 430a737efdc9
 * ("tcp: md5: remove spinlock usage in fast path"), hashing through
 * crypto_ahash and scatterlists the way the 6.1 kernel's TCP-MD5 does
 * (tcp_v4_md5_hash_skb(), tcp_md5_hash_skb_data(), tcp_md5_hash_key()),
 * where our "percpu" variant hashes through crypto_shash on mapped buffers.
 *
 * It exists for the bench: the kernel peer on a pre-6.7 kernel does the same
 * work as this pool (one "md5" ahash tfm, per possible CPU an ahash request
 * and a kmalloc'd header scratch; per signature one update of pseudo-header
 * + TCP header from the scratch, one update per linear part and per page
 * frag, one of the key, a final), so the two can be compared like for like,
 * and percpu against percpu-ahash measures the shash/ahash API difference
 * alone. The pool is built once, under a mutex, by the first signer and
 * freed at module exit only, as the percpu pool.
 */
#define pr_fmt(fmt) "md5pool: " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/percpu.h>
#include <linux/bottom_half.h>
#include <linux/rcupdate.h>
#include <linux/mutex.h>
#include <linux/skbuff.h>
#include <linux/scatterlist.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <crypto/hash.h>
#include <net/tcp.h>
#include "internal.h"

/* One CPU's context, as the kernel's struct tcp_md5sig_pool. */
struct md5pool_ahash_ctx {
	struct ahash_request *req;
	/* kmalloc'd: a scatterlist must point into the linear map */
	struct md5pool_ahash_hdr *scratch;
};

struct md5pool_ahash_pool {
	struct crypto_ahash *tfm;
	struct md5pool_ahash_ctx __percpu *ctx;
};

/*
 * Published once by md5pool_ahash_alloc() under the mutex, read with BH
 * disabled by the signers, freed by md5pool_ahash_exit() only.
 */
static struct md5pool_ahash_pool __rcu *md5pool_ahash_pool;
static DEFINE_MUTEX(md5pool_ahash_mutex);

static void md5pool_ahash_pool_delete(struct md5pool_ahash_pool *pool)
{
	struct md5pool_ahash_ctx *c;
	int cpu;

	if (!pool)
		return;
	if (pool->ctx) {
		for_each_possible_cpu(cpu) {
			c = per_cpu_ptr(pool->ctx, cpu);
			ahash_request_free(c->req);
			kfree(c->scratch);
		}
		free_percpu(pool->ctx);
	}
	if (!IS_ERR_OR_NULL(pool->tfm))
		crypto_free_ahash(pool->tfm);
	kfree(pool);
}

/*
 * Built as __tcp_alloc_md5sig_pool() (6.1) builds the kernel's: a
 * synchronous md5 ahash (CRYPTO_ALG_ASYNC in the mask: the shash wrapped
 * as an ahash), the scratch on the CPU's node with the kernel's size (so
 * it lands in the same kmalloc cache, one per cache line), and a request
 * per CPU without callback (synchronous). May sleep.
 */
static struct md5pool_ahash_pool *md5pool_ahash_pool_new(void)
{
	struct md5pool_ahash_pool *pool;
	struct md5pool_ahash_ctx *c;
	int cpu;

	BUILD_BUG_ON(sizeof(struct md5pool_ahash_hdr) !=
		     sizeof(struct tcp4_pseudohdr) + sizeof(struct tcphdr));
	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		return NULL;
	pool->tfm = crypto_alloc_ahash("md5", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(pool->tfm))
		goto fail;
	pool->ctx = alloc_percpu(struct md5pool_ahash_ctx);
	if (!pool->ctx)
		goto fail;
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(pool->ctx, cpu);
		c->scratch = kmalloc_node(sizeof(union tcp_md5sum_block) +
					  sizeof(struct tcphdr), GFP_KERNEL,
					  cpu_to_node(cpu));
		c->req = ahash_request_alloc(pool->tfm, GFP_KERNEL);
		if (!c->scratch || !c->req)
			goto fail;
		ahash_request_set_callback(c->req, 0, NULL, NULL);
	}
	return pool;
fail:
	md5pool_ahash_pool_delete(pool);
	return NULL;
}

/**
 * md5pool_ahash_alloc() - build the ahash pool on first use; idempotent
 *
 * Context: process context, may sleep.
 * Return: 0 once the pool exists, -ENOMEM if it could not be built.
 */
int md5pool_ahash_alloc(void)
{
	struct md5pool_ahash_pool *pool;
	int err = 0;

	might_sleep();
	if (likely(rcu_access_pointer(md5pool_ahash_pool)))
		return 0;
	mutex_lock(&md5pool_ahash_mutex);
	if (!rcu_access_pointer(md5pool_ahash_pool)) {
		pool = md5pool_ahash_pool_new();
		/*
		 * Store-release: the tfm, requests and scratch are visible
		 * before the pointer. Pairs with rcu_dereference_bh() in
		 * md5pool_ahash_sign4().
		 */
		if (pool)
			rcu_assign_pointer(md5pool_ahash_pool, pool);
		else
			err = -ENOMEM;
	}
	mutex_unlock(&md5pool_ahash_mutex);
	return err;
}

RCUNET_EXPORT_FOR_TESTS(md5pool_ahash_alloc);

/* Free the pool: module exit, when no signer can run any more. */
void md5pool_ahash_exit(void)
{
	struct md5pool_ahash_pool *pool;

	pool = rcu_dereference_protected(md5pool_ahash_pool, true);
	RCU_INIT_POINTER(md5pool_ahash_pool, NULL);
	md5pool_ahash_pool_delete(pool);
}

/*
 * Fill @h with what tcp_v4_md5_hash_skb() hashes before the payload of
 * @skb (data: the TCP header; ip_hdr() the IPv4 header): the pseudo-header
 * with the segment length, the fixed TCP header with a zero checksum.
 */
void md5pool_ahash_hdr4(struct md5pool_ahash_hdr *h, const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);

	h->ph.saddr = iph->saddr;
	h->ph.daddr = iph->daddr;
	h->ph.pad = 0;
	h->ph.protocol = IPPROTO_TCP;
	h->ph.len = cpu_to_be16(skb->len);
	h->th = *tcp_hdr(skb);
	h->th.check = 0;
}

/* One crypto_ahash_update() over @len bytes at @buf (linear map). */
int md5pool_ahash_update(struct ahash_request *req, const void *buf,
			 unsigned int len)
{
	struct scatterlist sg;

	sg_init_one(&sg, buf, len);
	ahash_request_set_crypt(req, &sg, NULL, len);
	return crypto_ahash_update(req);
}

/*
 * @skb's payload after @header_len bytes, as tcp_md5_hash_skb_data(): one
 * update for the linear part (even when it is empty, as the kernel's),
 * one per page frag (a scatterlist entry, not a mapping per page), then
 * the frag_list.
 */
static int md5pool_ahash_skb_data(struct ahash_request *req,
				  const struct sk_buff *skb,
				  unsigned int header_len)
{
	const struct skb_shared_info *shi = skb_shinfo(skb);
	unsigned int head = skb_headlen(skb) > header_len ?
			    skb_headlen(skb) - header_len : 0;
	struct sk_buff *frag_iter;
	struct scatterlist sg;
	unsigned int i;
	int err;

	sg_init_table(&sg, 1);
	sg_set_buf(&sg, skb->data + header_len, head);
	ahash_request_set_crypt(req, &sg, NULL, head);
	err = crypto_ahash_update(req);
	if (err)
		return err;
	for (i = 0; i < shi->nr_frags; i++) {
		const skb_frag_t *f = &shi->frags[i];
		unsigned int off = skb_frag_off(f);

		sg_set_page(&sg, skb_frag_page(f) + (off >> PAGE_SHIFT),
			    skb_frag_size(f), offset_in_page(off));
		ahash_request_set_crypt(req, &sg, NULL, skb_frag_size(f));
		err = crypto_ahash_update(req);
		if (err)
			return err;
	}
	skb_walk_frags(skb, frag_iter) {
		err = md5pool_ahash_skb_data(req, frag_iter, 0);
		if (err)
			return err;
	}
	return 0;
}

/**
 * md5pool_ahash_sign4() - RFC 2385 signature of an IPv4 segment through
 *	the ahash pool, as tcp_v4_md5_hash_skb() computes it without a socket
 * @skb: skb->data is the TCP header, ip_hdr() the IPv4 header (addresses)
 * @key: the key; in the linear map (kmalloc'd), it is hashed through a
 *	scatterlist
 * @keylen: its length, at most MD5POOL_MAXKEYLEN
 * @digest: MD5POOL_DIGEST_LEN bytes of output
 *
 * Context: any context where BH may be disabled; md5pool_ahash_alloc()
 * must have returned 0.
 * Return: 0, -ENOMEM when the pool was never built, or the crypto errno.
 */
int md5pool_ahash_sign4(const struct sk_buff *skb, const u8 *key,
			unsigned int keylen, u8 *digest)
{
	const struct tcphdr *th = tcp_hdr(skb);
	struct md5pool_ahash_pool *pool;
	struct ahash_request *req;
	struct md5pool_ahash_ctx *c;
	int err;

	/* this CPU's request and scratch are ours, against softirq too */
	local_bh_disable();
	/* Pairs with rcu_assign_pointer() in md5pool_ahash_alloc(). */
	pool = rcu_dereference_bh(md5pool_ahash_pool);
	if (unlikely(!pool)) {
		local_bh_enable();
		return -ENOMEM;
	}
	c = this_cpu_ptr(pool->ctx);
	req = c->req;
	err = crypto_ahash_init(req);
	if (err)
		goto out;
	md5pool_ahash_hdr4(c->scratch, skb);
	err = md5pool_ahash_update(req, c->scratch, sizeof(*c->scratch));
	if (!err)
		err = md5pool_ahash_skb_data(req, skb, th->doff << 2);
	if (!err)
		err = md5pool_ahash_update(req, key, keylen);
	if (!err) {
		ahash_request_set_crypt(req, NULL, digest, 0);
		err = crypto_ahash_final(req);
	}
out:
	local_bh_enable();
	return err;
}

RCUNET_EXPORT_FOR_TESTS(md5pool_ahash_sign4);
