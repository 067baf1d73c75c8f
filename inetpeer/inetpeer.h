/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcunet inetpeer: a long-lived per-peer cache in an AVL tree keyed by
 * address, after commit 0e51e2c70f75 ("inetpeer: RCU conversion").
 *
 * Two variants of the same tree sit side by side (struct ipeer_ops):
 *  - "rcu":    lookups walk the tree under rcu_read_lock_bh() without any
 *              lock, bounded to IPEER_MAXDEPTH links, and fall back to an
 *              exact lookup under the tree spinlock when they miss;
 *  - "rwlock": the original, every lookup takes the tree rwlock for reading.
 *
 * Reference counting follows commit 0e51e2c70f75: @refcnt counts holders
 * only (the
 * tree holds no reference). A node whose last holder goes away stays in the
 * tree with refcnt 0 and is put on the base's "unused" LRU list; the GC
 * takes the oldest unused node, gives it an artificial reference and
 * removes it only if it can take that reference back with cmpxchg(1 -> 0)
 * under the tree lock (a lockless reader may have found it meanwhile).
 */
#ifndef _RCUNET_INETPEER_H
#define _RCUNET_INETPEER_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include "../common/rcunet.h"

/*
 * Most links a lockless reader follows before giving up. An AVL tree of n
 * nodes is at most 1.44 * log2(n + 2) high, so 40 covers IPEER_MAX_NODES
 * with room to spare; a reader that needs more is going round in circles
 * through a concurrent rotation and must fall back to the locked lookup.
 */
#define IPEER_MAXDEPTH		40
/* Hard cap on nodes per tree, so that a locked walk fits its stack. */
#define IPEER_MAX_NODES		16777216	/* 2^24 */

/* Address key: the family tags the key, so both families share one tree. */
struct ipeer_key {
	u32 family;		/* AF_INET or AF_INET6, compared first */
	u32 word[4];		/* host order, most significant first */
};

/* The tree's order: family first, then the words. */
static inline int ipeer_key_cmp(const struct ipeer_key *a,
				const struct ipeer_key *b)
{
	int i;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	for (i = 0; i < 4; i++)
		if (a->word[i] != b->word[i])
			return a->word[i] < b->word[i] ? -1 : 1;
	return 0;
}

struct ipeer_node {
	/* The links lockless readers follow. */
	struct ipeer_node __rcu *left;
	struct ipeer_node __rcu *right;
	struct ipeer_key key;	/* immutable once the node is published */
	int height;		/* AVL height; only under the tree lock */
	atomic_t refcnt;	/* holders; 0 = unused (on the LRU list) */
	/* holds taken by "get" on the procfs control file; under its mutex */
	unsigned int ctl_holds;
	/* jiffies of the last put to 0 (or of creation) */
	unsigned long dtime;
	struct list_head unused;	/* base->unused, under base->unused_lock */
	/* The per-peer state the cache exists for. */
	atomic_t ip_id_count;	/* IP ID for the next packet */
	u32 tcp_ts;
	u32 tcp_ts_stamp;
	u32 rate_tokens;	/* ICMP rate limit token bucket */
	unsigned long rate_last;
	struct rcu_head rcu;	/* deferred free (rcu variant) */
};

/*
 * Counters, summed over CPUs by ipeer_read_stats(). Every ipeer_get() counts
 * once in lockless_hits or lockless_misses (rcu) or in locked_hits or
 * locked_misses (rwlock): their sum is the lookups of the base.
 */
struct ipeer_stats {
	u64 lockless_hits;	/* rcu: found without any lock */
	u64 lockless_misses;	/* rcu: lockless walk failed, took the lock */
	u64 fallback_hits;	/* rcu: ... and the locked lookup found it */
	u64 locked_hits;	/* rwlock: found under the read lock */
	u64 locked_misses;	/* rwlock: not found under the read lock */
	u64 inserts;		/* nodes created */
	u64 gc_removed;		/* unused nodes removed by GC/remove/flush */
	u64 freed_seen;		/* debug: lockless walk met a freed node */
	u64 unlink_failed;	/* removal did not find the node: pinned */
};

/* GC limits; TTLs in jiffies. */
struct ipeer_limits {
	int threshold;		/* above this many nodes, GC the oldest */
	unsigned long minttl;	/* unused TTL when the cache is full */
	unsigned long maxttl;	/* unused TTL when the cache is empty */
	unsigned long gc_interval;	/* periodic worker; 0 = none */
};

struct ipeer_base;

/**
 * struct ipeer_ops - one variant of the cache
 * @name: "rcu" or "rwlock"
 * @role: RCUNET_ROLE_LOCKLESS ("rcu") or RCUNET_ROLE_LOCKED ("rwlock")
 * @get: find @key and take a reference; create it when @create. NULL when
 *	absent (and !@create) or when allocation failed.
 * @unlink: remove @p, on which the caller holds one reference (the GC's
 *	artificial one). 0: @p left the tree and is freed. -EBUSY: someone
 *	else holds @p; the reference was dropped. -EUCLEAN: the tree walk did
 *	not find @p (a corrupt tree); @p may still be linked, so it is not
 *	freed and keeps the caller's reference for good.
 * @lock_tree: take the tree lock for a walk that changes nothing.
 * @unlock_tree: undo @lock_tree.
 */
struct ipeer_ops {
	const char *name;
	enum rcunet_role role;
	struct ipeer_node *(*get)(struct ipeer_base *b,
				  const struct ipeer_key *key, bool create);
	int (*unlink)(struct ipeer_base *b, struct ipeer_node *p);
	void (*lock_tree)(struct ipeer_base *b);
	void (*unlock_tree)(struct ipeer_base *b);
};

struct ipeer_base {
	const struct ipeer_ops *ops;
	struct ipeer_node __rcu *root;
	spinlock_t lock;	/* rcu variant: tree writers, locked lookups */
	rwlock_t rwlock;	/* rwlock variant: everything */
	/*
	 * Nodes in the tree. Written under the tree lock with WRITE_ONCE(),
	 * read locklessly with READ_ONCE() (GC threshold and TTL, stats).
	 */
	int total;
	spinlock_t unused_lock;	/* protects unused, nr_unused, node->unused */
	struct list_head unused;	/* LRU: oldest first */
	int nr_unused;		/* length of @unused; read with READ_ONCE */
	/*
	 * Test only (KUnit), 0 otherwise: ipeer_put() waits this long between
	 * the drop to 0 and the list insertion, with unused_lock held, so a
	 * test can revive the node inside that window.
	 */
	unsigned int put_delay_ms;
	struct ipeer_limits limits;
	struct ipeer_stats __percpu *stats;
	struct delayed_work gc_work;
};

/*
 * The API below is what the KUnit suite and the torture driver use; no
 * other module calls it, so it is exported only on CONFIG_KUNIT kernels
 * (RCUNET_EXPORT_FOR_TESTS). Each function's kernel-doc is at its
 * definition in core.c.
 */
const struct ipeer_ops *ipeer_variant(unsigned int i);
const struct ipeer_ops *ipeer_find_variant(const char *name);

struct ipeer_base *ipeer_base_create(const struct ipeer_ops *ops,
				     const struct ipeer_limits *limits);
void ipeer_base_destroy(struct ipeer_base *b);

/**
 * ipeer_get() - find a peer, or create it, and take a reference
 * @b: the base
 * @key: the peer's address
 * @create: create the peer when it is absent
 *
 * Context: process or BH context; takes the tree locks with BH off.
 * Return: the referenced node, or NULL when @key is absent (and !@create)
 * or allocation failed. Drop the reference with ipeer_put().
 */
static inline struct ipeer_node *ipeer_get(struct ipeer_base *b,
					   const struct ipeer_key *key,
					   bool create)
{
	return b->ops->get(b, key, create);
}

void ipeer_put(struct ipeer_base *b, struct ipeer_node *p);
struct ipeer_node *ipeer_lookup_noref(struct ipeer_base *b,
				      const struct ipeer_key *key);
int ipeer_remove(struct ipeer_base *b, const struct ipeer_key *key);
bool ipeer_contains(struct ipeer_base *b, const struct ipeer_key *key);
int ipeer_refcount(struct ipeer_base *b, const struct ipeer_key *key);

int ipeer_gc_once(struct ipeer_base *b, unsigned long ttl);
int ipeer_gc(struct ipeer_base *b);
int ipeer_flush(struct ipeer_base *b);

int ipeer_check(struct ipeer_base *b, char *why, size_t len);

/**
 * struct ipeer_peer_info - a copy of one peer's state
 * @key: the peer's address
 * @refcnt: holders (0: unused, on the LRU list)
 * @dtime: jiffies of the last put to 0, or of creation
 * @ip_id: the next IP ID
 * @tcp_ts: last TCP timestamp
 * @tcp_ts_stamp: when @tcp_ts was seen
 * @rate_tokens: ICMP rate-limit tokens
 *
 * Taken under the tree lock by ipeer_peer_after().
 */
struct ipeer_peer_info {
	struct ipeer_key key;
	int refcnt;
	unsigned long dtime;
	u32 ip_id;
	u32 tcp_ts;
	u32 tcp_ts_stamp;
	u32 rate_tokens;
};

int ipeer_peer_after(struct ipeer_base *b, const struct ipeer_key *after,
		     bool inclusive, struct ipeer_peer_info *out);

int ipeer_total(struct ipeer_base *b);
int ipeer_nr_unused(struct ipeer_base *b);
int ipeer_height(struct ipeer_base *b);
void ipeer_read_stats(struct ipeer_base *b, struct ipeer_stats *out);
long ipeer_live_nodes(void);
void ipeer_key_v4(struct ipeer_key *key, u32 addr);

#endif /* _RCUNET_INETPEER_H */
