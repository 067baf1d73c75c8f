/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcunet inetpeer: a long-lived per-peer cache in an AVL tree keyed by
 * address, after commit 0e51e2c70f75 ("inetpeer: RCU conversion").
 *
 * Three variants sit side by side (struct ipeer_ops), the lock's history:
 *  - "rwlock":  the original, every lookup takes the tree rwlock for reading;
 *  - "rcu":     lookups walk the AVL tree under rcu_read_lock_bh() without
 *               any lock, bounded to IPEER_MAXDEPTH links, and fall back to
 *               an exact lookup under the tree spinlock when they miss;
 *  - "seqlock": the next stage, after commit 65e8354ec13a ("inetpeer:
 *               seqlock optimization"), commit b145425f269a ("inetpeer:
 *               remove AVL implementation in favor of RB tree") and commit
 *               a853c609504e ("inetpeer: do not get a refcount in
 *               inet_getpeer()"): a red-black tree (lib/rbtree) under a
 *               seqlock; a lockless walk is retried under the lock only
 *               when the sequence moved, so a miss on a quiet tree is final,
 *               and the no-reference lookup is the fast path.
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
#include <linux/seqlock.h>
#include <linux/rbtree.h>
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
	/*
	 * The links lockless readers follow: the AVL tree's own (rwlock and
	 * rcu variants), or lib/rbtree's node (seqlock variant). One node is
	 * in one tree only, so they share the memory and every variant's
	 * node has the same size (the benches compare like with like).
	 */
	union {
		struct {
			struct ipeer_node __rcu *left;
			struct ipeer_node __rcu *right;
			int height;	/* AVL height; only under the tree lock */
		};
		/*
		 * seqlock variant: lib/rbtree stores the child links with
		 * WRITE_ONCE() (and never makes a loop a lockless walk could
		 * follow), the walk reads them with READ_ONCE().
		 */
		struct rb_node rb;
	};
	struct ipeer_key key;	/* immutable once the node is published */
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
	struct rcu_head rcu;	/* deferred free (lockless variants) */
};

/*
 * Counters, summed over CPUs by ipeer_read_stats(). Every ipeer_get() counts
 * once in lockless_hits or lockless_misses (rcu, seqlock) or in locked_hits
 * or locked_misses (rwlock): their sum is the lookups of the base.
 */
struct ipeer_stats {
	u64 lockless_hits;	/* rcu, seqlock: found without any lock */
	/*
	 * rcu: lockless walk failed, took the lock; seqlock: failed, and took
	 * the lock unless the miss was final (no writer ran, nothing to create)
	 */
	u64 lockless_misses;
	u64 fallback_hits;	/* ... and the locked lookup found it */
	u64 locked_hits;	/* rwlock: found under the read lock */
	u64 locked_misses;	/* rwlock: not found under the read lock */
	u64 inserts;		/* nodes created */
	u64 gc_removed;		/* unused nodes removed by GC/remove/flush */
	u64 freed_seen;		/* debug: lockless walk met a freed node */
	u64 unlink_failed;	/* removal did not find the node: pinned */
	u64 seq_retries;	/* seqlock: a writer ran under a lockless walk */
};

/* GC limits; TTLs in jiffies. */
struct ipeer_limits {
	int threshold;		/* above this many nodes, GC the oldest */
	unsigned long minttl;	/* unused TTL when the cache is full */
	unsigned long maxttl;	/* unused TTL when the cache is empty */
	unsigned long gc_interval;	/* periodic worker; 0 = none */
};

struct ipeer_base;
struct ipeer_check_ctx;

/**
 * struct ipeer_ops - one variant of the cache
 * @name: "rwlock", "rcu" or "seqlock"
 * @role: RCUNET_ROLE_LOCKED ("rwlock") or RCUNET_ROLE_LOCKLESS ("rcu",
 *	"seqlock"): a lockless variant frees nodes after a grace period
 * @get: find @key and take a reference; create it when @create. NULL when
 *	absent (and !@create) or when allocation failed.
 * @unlink: remove @p, on which the caller holds one reference (the GC's
 *	artificial one). 0: @p left the tree and is freed. -EBUSY: someone
 *	else holds @p; the reference was dropped. -EUCLEAN: the tree walk did
 *	not find @p (a corrupt tree); @p may still be linked, so it is not
 *	freed and keeps the caller's reference for good.
 * @lock_tree: take the tree lock for a walk that changes nothing.
 * @unlock_tree: undo @lock_tree.
 * @lookup_noref: find @key, take no reference; caller in an RCU read-side
 *	section. NULL for the rwlock variant (it frees without a grace
 *	period, so no pointer may outlive its read lock).
 * @root: the root node, or NULL. Under @lock_tree (or a writer's lock), or,
 *	for a lockless variant, inside an RCU read-side section.
 * @child: @p's left (!@right) or right child; same context as @root.
 * @check_tree: the tree's shape invariants from the root, each node also
 *	through ipeer_check_node(); under @lock_tree. 0 or -1 (@why set).
 * @height: the tree's height (AVL) or black height (red-black), O(log n),
 *	under @lock_tree.
 * @free_all: free every node, held or not; nobody uses the base any more.
 */
struct ipeer_ops {
	const char *name;
	enum rcunet_role role;
	struct ipeer_node *(*get)(struct ipeer_base *b,
				  const struct ipeer_key *key, bool create);
	int (*unlink)(struct ipeer_base *b, struct ipeer_node *p);
	void (*lock_tree)(struct ipeer_base *b);
	void (*unlock_tree)(struct ipeer_base *b);
	struct ipeer_node *(*lookup_noref)(struct ipeer_base *b,
					   const struct ipeer_key *key);
	struct ipeer_node *(*root)(struct ipeer_base *b);
	struct ipeer_node *(*child)(struct ipeer_base *b, struct ipeer_node *p,
				    bool right);
	int (*check_tree)(struct ipeer_check_ctx *c);
	int (*height)(struct ipeer_base *b);
	void (*free_all)(struct ipeer_base *b);
};

struct ipeer_base {
	const struct ipeer_ops *ops;
	struct ipeer_node __rcu *root;	/* AVL: rwlock and rcu variants */
	spinlock_t lock;	/* rcu variant: tree writers, locked lookups */
	rwlock_t rwlock;	/* rwlock variant: everything */
	/*
	 * seqlock variant: the red-black tree, and the seqlock whose
	 * spinlock serialises its writers and locked lookups and whose
	 * sequence tells a lockless walk that a writer ran under it.
	 */
	struct rb_root rb_root;
	seqlock_t seq;
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
	/*
	 * Test only (KUnit), NULL otherwise: the seqlock variant's lockless
	 * walk run by this task stops on the root node it has just read,
	 * publishes that node in @walk_paused_at and spins (RCU read-side
	 * section held) until the test clears @walk_pause_task, so that a test
	 * can rebalance the tree under a walk that already started. Set and
	 * cleared only by ipeer_walk_pause_arm()/ipeer_walk_pause_disarm(),
	 * which also switch the static key the walk tests first.
	 */
	struct task_struct *walk_pause_task;
	struct ipeer_node *walk_paused_at;
	struct ipeer_limits limits;
	struct ipeer_stats __percpu *stats;
	struct delayed_work gc_work;
};

/*
 * The API below is what the KUnit suite and the torture driver use; no
 * other module calls it, so it is exported only on CONFIG_KUNIT kernels
 * (RCUNET_EXPORT_FOR_TESTS). Each function's kernel-doc is at its
 * definition in core.c (the walk pause's in seqlock.c).
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
struct ipeer_node *ipeer_find_locked(struct ipeer_base *b,
				     const struct ipeer_key *key);
struct ipeer_node *ipeer_walk_path(struct ipeer_base *b, u32 path);
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
void ipeer_walk_pause_arm(struct ipeer_base *b, struct task_struct *t);
void ipeer_walk_pause_disarm(struct ipeer_base *b);

#endif /* _RCUNET_INETPEER_H */
