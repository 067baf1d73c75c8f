/* SPDX-License-Identifier: GPL-2.0 */
/*
 * md5pool: a per-cpu pool of MD5 contexts for TCP-MD5 (RFC 2385) signing,
 * after commit 430a737efdc9 ("tcp: md5: remove spinlock usage in fast path").
 *
 * Two variants of the same pool live side by side:
 *
 *  percpu  (the change): the pool is allocated once, under a mutex, by the
 *          first md5pool_alloc(); it is published with rcu_assign_pointer()
 *          (a store-release: every write that built the pool is visible
 *          before the pointer is) and never freed while its domain lives.
 *          md5pool_get() only disables BH and reads the pointer.
 *
 *  legacy  (the original): a users counter and a spinlock. get and put both
 *          take the lock; the pool is freed when the last user goes.
 *
 * Both hand out this CPU's struct md5pool_ctx with BH disabled: the context
 * (hash state and pseudo-header scratch) belongs to the CPU, and softirq
 * signing on the same CPU must not run in the middle of a process-context
 * signature.
 *
 * A third variant, stack (stack.c), is where mainline went next: no pool
 * at all. One shared unkeyed md5 tfm, and the context in the signer's own
 * struct md5pool_frame on its stack, so BH stays enabled and nothing is
 * per CPU.
 */
#ifndef _MD5POOL_H
#define _MD5POOL_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/atomic.h>
#include <linux/in6.h>
#include <crypto/hash.h>
#include <crypto/md5.h>
#include "../common/rcunet.h"

struct sk_buff;
struct tcphdr;

#define MD5POOL_MAXKEYLEN	80	/* as TCP_MD5SIG_MAXKEYLEN */
#define MD5POOL_DIGEST_LEN	MD5_DIGEST_SIZE

/* IPv4 pseudo-header as RFC 2385 hashes it (RFC 793 layout). */
struct md5pool_pseudo4 {
	__be32 saddr;
	__be32 daddr;
	__u8 pad;
	__u8 protocol;
	__be16 len;
};

/* IPv6 pseudo-header (RFC 2460 section 8.1). */
struct md5pool_pseudo6 {
	struct in6_addr saddr;
	struct in6_addr daddr;
	__be32 len;
	__be32 protocol;	/* three zero bytes, then the next header */
};

/* Per-cpu scratch: pseudo-header or the TCP header with its check zeroed. */
union md5pool_scratch {
	struct md5pool_pseudo4 ip4;
	struct md5pool_pseudo6 ip6;
	u8 tcp[20];
};

/* One CPU's signing context. */
struct md5pool_ctx {
	struct shash_desc *desc;	/* desc->tfm is the pool's shared tfm */
	union md5pool_scratch scratch;
	unsigned long nr_signed;	/* signatures computed on this CPU */
};

/* The contexts of every possible CPU and the one (unkeyed) md5 tfm. */
struct md5pool_pool {
	struct crypto_shash *tfm;
	struct md5pool_ctx __percpu *ctx;
};

/* ------------------------------------------------------ percpu variant */

/**
 * struct md5pool_domain - one lazily allocated, never freed pool
 * @pool: published once by md5pool_domain_alloc(), read locklessly with
 *	BH disabled by md5pool_domain_get()
 * @alloc_mutex: serialises the allocation (it sleeps)
 * @nr_allocs: pools ever built (must stay at most 1)
 *
 * The module has one global domain (md5pool_alloc/get/put); KUnit makes
 * private ones to watch a first allocation race.
 */
struct md5pool_domain {
	struct md5pool_pool __rcu *pool;
	struct mutex alloc_mutex;	/* serialises the first allocation */
	atomic_t nr_allocs;
};

void md5pool_domain_init(struct md5pool_domain *d);
int md5pool_domain_alloc(struct md5pool_domain *d);
struct md5pool_ctx *md5pool_domain_get(struct md5pool_domain *d);
void md5pool_domain_put(struct md5pool_domain *d);
bool md5pool_domain_allocated(struct md5pool_domain *d);
/* Frees the pool: only when no user can call get any more. */
void md5pool_domain_destroy(struct md5pool_domain *d);

/* The module's global pool. */
struct md5pool_domain *md5pool_global_domain(void);
int md5pool_alloc(void);
struct md5pool_ctx *md5pool_get(void);
void md5pool_put(void);

/* ------------------------------------------------------ legacy variant */

/**
 * struct md5pool_legacy - the refcounted pool of the original code
 * @lock: protects @users, @pool and @nr_signed_freed; taken in get, put,
 *	alloc and release
 * @users: holders of an md5pool_legacy_alloc() reference plus running gets
 * @pool: allocated by the first user, freed by the last
 * @nr_allocs: pools ever built (grows as users come and go)
 * @nr_signed_freed: signatures counted by the pools already freed, so that
 *	the module's ops count survives the pool coming and going
 */
struct md5pool_legacy {
	spinlock_t lock;	/* protects @users, @pool, @nr_signed_freed */
	unsigned long users;
	struct md5pool_pool *pool;
	atomic_t nr_allocs;
	unsigned long nr_signed_freed;
};

void md5pool_legacy_init(struct md5pool_legacy *lg);
int md5pool_legacy_alloc(struct md5pool_legacy *lg);
void md5pool_legacy_release(struct md5pool_legacy *lg);
struct md5pool_ctx *md5pool_legacy_get(struct md5pool_legacy *lg);
void md5pool_legacy_put(struct md5pool_legacy *lg);
bool md5pool_legacy_allocated(struct md5pool_legacy *lg);

/* The module's legacy pool, the one the legacy variant uses. */
struct md5pool_legacy *md5pool_legacy_global_pool(void);

/* ------------------------------------------------------ stack variant */

/**
 * struct md5pool_frame - a signer's own signing context, in its stack frame
 * @ctx: the context the stack variant hands out; @ctx.desc points to @desc
 * @desc: the shash descriptor: what SHASH_DESC_ON_STACK() reserves, sized
 *	for MD5's state (88 bytes, where SHASH_DESC_ON_STACK() takes room for
 *	any hash); md5pool_stack_domain_alloc() refuses a tfm whose state
 *	would not fit
 *
 * A member of a struct rather than SHASH_DESC_ON_STACK() itself, so that
 * the variant's get can fill it in its caller's frame: the caller declares
 * the frame, get points the context at it.
 */
struct md5pool_frame {
	struct md5pool_ctx ctx;
	u8 desc[sizeof(struct shash_desc) + sizeof(struct md5_state)]
		__aligned(__alignof__(struct shash_desc));
};

/**
 * struct md5pool_stack_domain - the stack variant's one shared md5 tfm
 * @tfm: published once by md5pool_stack_domain_alloc(), read locklessly by
 *	md5pool_stack_domain_get(); unkeyed (TCP-MD5 hashes its key as data)
 *	so its state is read-only and every signer may share it
 * @alloc_mutex: serialises the allocation (it sleeps)
 * @nr_allocs: tfms ever built (must stay at most 1)
 *
 * No per-cpu pool: each signature keeps its MD5 state on its own stack.
 */
struct md5pool_stack_domain {
	struct crypto_shash __rcu *tfm;
	struct mutex alloc_mutex;	/* serialises the first allocation */
	atomic_t nr_allocs;
};

void md5pool_stack_domain_init(struct md5pool_stack_domain *s);
int md5pool_stack_domain_alloc(struct md5pool_stack_domain *s);
int md5pool_stack_domain_alloc_alg(struct md5pool_stack_domain *s,
				   const char *alg);
bool md5pool_stack_domain_allocated(struct md5pool_stack_domain *s);
struct md5pool_ctx *md5pool_stack_domain_get(struct md5pool_stack_domain *s,
					     struct md5pool_frame *f);
void md5pool_stack_domain_put(struct md5pool_stack_domain *s,
			      struct md5pool_frame *f);
void md5pool_stack_domain_destroy(struct md5pool_stack_domain *s);
struct md5pool_stack_domain *md5pool_stack_global(void);

/* ------------------------------------------------------ variants table */

/**
 * struct md5pool_ops - one pool variant, as the bench, the sign file and
 *	KUnit see it
 * @name: "percpu", "legacy" or "stack", as the control file and the bench
 *	name it
 * @role: RCUNET_ROLE_LOCKLESS (percpu, stack) or RCUNET_ROLE_LOCKED (legacy)
 * @hold: take a long-lived user reference (a socket with a key, in TCP
 *	terms); may sleep; returns 0 or a negative errno (-ENOMEM; stack
 *	passes the crypto API's on, -ENOENT without md5)
 * @unhold: drop it
 * @get: a signing context, or NULL (no pool); brackets one signature with
 *	@put. The pool variants hand out this CPU's context with BH disabled
 *	and ignore the frame; the stack variant hands out @f's context, BH
 *	untouched. @f is the caller's (on its stack); it may be NULL when
 *	@on_stack is false
 * @put: end the signature (the pool variants enable BH again); the same @f
 * @on_stack: the variant signs in the caller's struct md5pool_frame, which
 *	the caller must then pass to @get and @put
 * @bh_off: the context is handed out with BH disabled (do not sleep
 *	between @get and @put; softirq on this CPU waits for @put)
 */
struct md5pool_ops {
	const char *name;
	enum rcunet_role role;
	int (*hold)(void);
	void (*unhold)(void);
	struct md5pool_ctx *(*get)(struct md5pool_frame *f);
	void (*put)(struct md5pool_frame *f);
	bool on_stack;
	bool bh_off;
};

const struct md5pool_ops *md5pool_percpu_variant(void);
const struct md5pool_ops *md5pool_legacy_variant(void);
const struct md5pool_ops *md5pool_stack_variant(void);

/* ------------------------------------------------------ hash helpers */

/*
 * All take the context from a get, between get and put: this CPU's with BH
 * off for the pool variants, the caller's frame's with BH on for stack.
 */
int md5pool_hash_init(struct md5pool_ctx *c);
int md5pool_hash_update(struct md5pool_ctx *c, const void *data,
			unsigned int len);
int md5pool_hash_final(struct md5pool_ctx *c, u8 *digest);
int md5pool_hash_pseudo4(struct md5pool_ctx *c, __be32 saddr, __be32 daddr,
			 unsigned int seglen);
int md5pool_hash_pseudo6(struct md5pool_ctx *c, const struct in6_addr *saddr,
			 const struct in6_addr *daddr, unsigned int seglen);
/* The fixed 20-byte TCP header, check zeroed, options excluded. */
int md5pool_hash_tcphdr(struct md5pool_ctx *c, const struct tcphdr *th);
/* Payload of @skb after @header_len bytes of it: linear, frags, frag_list. */
int md5pool_hash_skb_data(struct md5pool_ctx *c, const struct sk_buff *skb,
			  unsigned int header_len);
int md5pool_hash_key(struct md5pool_ctx *c, const u8 *key, unsigned int len);

/* ------------------------------------------------------ segment signing */

/**
 * struct md5pool_seg - a parsed, bounds-checked TCP segment
 * @family: AF_INET or AF_INET6
 * @saddr4: IPv4 source address (AF_INET)
 * @daddr4: IPv4 destination address (AF_INET)
 * @saddr6: IPv6 source address (AF_INET6)
 * @daddr6: IPv6 destination address (AF_INET6)
 * @th: the TCP header (inside the caller's buffer)
 * @seglen: TCP header + options + payload, as the IP header says
 * @payload: payload start (inside the caller's buffer)
 * @payload_len: payload length in bytes
 * @md5opt: the 16 signature bytes of the MD5 option, or NULL
 */
struct md5pool_seg {
	u16 family;
	__be32 saddr4, daddr4;
	struct in6_addr saddr6, daddr6;
	const struct tcphdr *th;
	unsigned int seglen;
	const u8 *payload;
	unsigned int payload_len;
	const u8 *md5opt;
};

/* Parse a raw IPv4/IPv6 packet; -EINVAL/-EPROTONOSUPPORT on bad input. */
int md5pool_parse_packet(const u8 *pkt, size_t len, struct md5pool_seg *seg);

/* Sign a parsed segment whose payload is the linear @seg->payload. */
int md5pool_sign_seg(const struct md5pool_ops *ops,
		     const struct md5pool_seg *seg, const u8 *key,
		     unsigned int keylen, u8 *digest);
/*
 * Sign a parsed segment, its payload taken from @skb after @header_len
 * bytes (the paged path the TCP stack uses).
 */
int md5pool_sign_seg_skb(const struct md5pool_ops *ops,
			 const struct md5pool_seg *seg,
			 const struct sk_buff *skb, unsigned int header_len,
			 const u8 *key, unsigned int keylen, u8 *digest);
/*
 * Copy @seg's TCP segment into a new skb: headers linear, payload in page
 * frags (at most @linear_payload bytes of it kept linear). skb->data is
 * the TCP header. Free with kfree_skb().
 */
struct sk_buff *md5pool_seg_to_skb(const struct md5pool_seg *seg,
				   unsigned int linear_payload);

/* The live kernel's own TCP-MD5 signature of @seg (IPv4 only). */
int md5pool_kernel_sign4(const struct md5pool_seg *seg, const u8 *key,
			 unsigned int keylen, u8 *digest);

/* ------------------------------------------------------ ahash pool */

/*
 * The percpu pool's design hashing through crypto_ahash and scatterlists,
 * as the 6.1 kernel's TCP-MD5 does (the bench's percpu-ahash variant).
 * alloc builds it once (may sleep); sign4 signs an IPv4 segment in @skb
 * (data: the TCP header; ip_hdr() set) with a kmalloc'd @key.
 */
int md5pool_ahash_alloc(void);
int md5pool_ahash_sign4(const struct sk_buff *skb, const u8 *key,
			unsigned int keylen, u8 *digest);

#endif /* _MD5POOL_H */
