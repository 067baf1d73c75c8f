// SPDX-License-Identifier: GPL-2.0
/*
 * rcunet inetpeer: the AVL tree, the base (LRU, GC, checker), the
 * lockless "rcu" variant that commit 0e51e2c70f75 ("inetpeer: RCU
 * conversion") made of the rwlock cache, and the module's init/exit.
 * The locked original ("rwlock") is in legacy.c, the next stage
 * ("seqlock": red-black tree, seqlock, no-reference lookup) in seqlock.c.
 *
 * Serialisation
 *  1. Nodes appear in the tree only with the tree lock held (spinlock for
 *     "rcu", rwlock for writing for "rwlock").
 *  2. Nodes leave the tree only with the tree lock held AND after their
 *     refcount went 1 -> 0 by cmpxchg (rcu) or was seen 1 under the write
 *     lock (rwlock): the 1 being the remover's own artificial reference.
 *  3. Nodes join and leave the unused list only under base->unused_lock.
 *     A count drops to 0 only inside unused_lock (ipeer_put()), and a
 *     getter whose increment took it from 0 back to 1 takes unused_lock
 *     before it returns (ipeer_revived()): so the reviver waits for a
 *     put that is still between its drop and its list_add_tail(), and a
 *     held node is never left on, or put twice on, the list.
 *  4. The rcu variant frees a node after a grace period: a lockless reader
 *     may still stand on it, or on a link that led to it.
 *
 * Every link store goes through rcu_assign_pointer(): its release ordering
 * publishes a node's key and links before the node becomes reachable, and
 * pairs with the rcu_dereference_check() of each step of the lockless
 * walk (ipeer_rcu_find()).
 */
#define pr_fmt(fmt) "rcunet inetpeer: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/random.h>
#include <linux/jiffies.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <linux/socket.h>
#include <linux/delay.h>
#include <linux/moduleparam.h>
#include "internal.h"

/* Nodes the periodic worker removes per pass before it yields. */
#define IPEER_GC_BATCH		256

/*
 * Test only: the periodic GC worker sleeps this long while it holds its
 * artificial reference on a node (between taking it off the unused list
 * and ->unlink()), so that a test can act inside that window.
 */
static unsigned int gc_hold_ms;
module_param(gc_hold_ms, uint, 0644);
MODULE_PARM_DESC(gc_hold_ms, "testing only: GC worker holds each node this long before removing it (ms, default 0)");

static struct kmem_cache *ipeer_cachep;
static atomic_long_t ipeer_nr_live = ATOMIC_LONG_INIT(0);

/**
 * ipeer_live_nodes() - nodes allocated and not yet freed, over all bases
 *
 * Nodes of the rcu variant are freed after a grace period: call
 * rcu_barrier() first for a count that includes every removal so far.
 *
 * Return: the number of live nodes.
 */
long ipeer_live_nodes(void)
{
	return atomic_long_read(&ipeer_nr_live);
}

RCUNET_EXPORT_FOR_TESTS(ipeer_live_nodes);

/* ------------------------------------------------------------------ keys */

/**
 * ipeer_key_v4() - the key of an IPv4 address
 * @key: filled in
 * @addr: the address, host order
 */
void ipeer_key_v4(struct ipeer_key *key, u32 addr)
{
	memset(key, 0, sizeof(*key));
	key->family = AF_INET;
	key->word[0] = addr;
}

RCUNET_EXPORT_FOR_TESTS(ipeer_key_v4);

/* ------------------------------------------------------------- the tree */

static bool ipeer_tree_held(struct ipeer_base *b)
{
	return lockdep_is_held(&b->lock) || lockdep_is_held(&b->rwlock);
}

/*
 * A link read under the tree lock, or by a lockless reader of the rcu
 * variant (ipeer_walk_path()).
 */
#define ipeer_deref_any(b, link) \
	rcu_dereference_check(link, rcu_read_lock_any_held() || \
			      ipeer_tree_held(b))

/* A link read by a writer or a locked walker: the tree lock is held. */
#define ipeer_deref(b, link) rcu_dereference_protected(link, ipeer_tree_held(b))

static inline int ipeer_h(const struct ipeer_node *p)
{
	return p ? p->height : 0;
}

/*
 * Exact lookup, tree lock held (any mode). With @stack, records every link
 * walked from &b->root down to the one that holds @key, or the empty one
 * where it would go; *@depth gets their number (at most IPEER_MAXDEPTH + 1
 * because the tree never exceeds IPEER_MAX_NODES).
 */
struct ipeer_node *ipeer_lookup_locked(struct ipeer_base *b,
				       const struct ipeer_key *key,
				       struct ipeer_node __rcu **stack[],
				       unsigned int *depth)
{
	struct ipeer_node __rcu **link = &b->root;
	struct ipeer_node *p;
	unsigned int n = 0;
	int cmp;

	for (;;) {
		if (stack)
			stack[n++] = link;
		p = ipeer_deref(b, *link);
		if (!p)
			break;
		cmp = ipeer_key_cmp(key, &p->key);
		if (!cmp)
			break;
		link = cmp < 0 ? &p->left : &p->right;
	}
	if (depth)
		*depth = n;
	return p;
}

/* @node is left-heavy by 2 and hangs from @link: rotate right. */
static void ipeer_rotate_right(struct ipeer_base *b,
			       struct ipeer_node __rcu **link,
			       struct ipeer_node *node)
{
	struct ipeer_node *l = ipeer_deref(b, node->left);
	struct ipeer_node *r = ipeer_deref(b, node->right);
	struct ipeer_node *ll = ipeer_deref(b, l->left);
	struct ipeer_node *lr = ipeer_deref(b, l->right);

	if (ipeer_h(ll) >= ipeer_h(lr)) {
		/* single rotation: l comes up */
		rcu_assign_pointer(node->left, lr);
		node->height = max(ipeer_h(lr), ipeer_h(r)) + 1;
		rcu_assign_pointer(l->right, node);
		l->height = max(ipeer_h(ll), node->height) + 1;
		rcu_assign_pointer(*link, l);
	} else {
		/* double rotation: lr comes up */
		struct ipeer_node *lrl = ipeer_deref(b, lr->left);
		struct ipeer_node *lrr = ipeer_deref(b, lr->right);

		rcu_assign_pointer(l->right, lrl);
		l->height = max(ipeer_h(ll), ipeer_h(lrl)) + 1;
		rcu_assign_pointer(node->left, lrr);
		node->height = max(ipeer_h(lrr), ipeer_h(r)) + 1;
		rcu_assign_pointer(lr->left, l);
		rcu_assign_pointer(lr->right, node);
		lr->height = max(l->height, node->height) + 1;
		rcu_assign_pointer(*link, lr);
	}
}

/* Mirror of ipeer_rotate_right(). */
static void ipeer_rotate_left(struct ipeer_base *b,
			      struct ipeer_node __rcu **link,
			      struct ipeer_node *node)
{
	struct ipeer_node *l = ipeer_deref(b, node->left);
	struct ipeer_node *r = ipeer_deref(b, node->right);
	struct ipeer_node *rl = ipeer_deref(b, r->left);
	struct ipeer_node *rr = ipeer_deref(b, r->right);

	if (ipeer_h(rr) >= ipeer_h(rl)) {
		rcu_assign_pointer(node->right, rl);
		node->height = max(ipeer_h(rl), ipeer_h(l)) + 1;
		rcu_assign_pointer(r->left, node);
		r->height = max(ipeer_h(rr), node->height) + 1;
		rcu_assign_pointer(*link, r);
	} else {
		struct ipeer_node *rll = ipeer_deref(b, rl->left);
		struct ipeer_node *rlr = ipeer_deref(b, rl->right);

		rcu_assign_pointer(r->left, rlr);
		r->height = max(ipeer_h(rr), ipeer_h(rlr)) + 1;
		rcu_assign_pointer(node->right, rll);
		node->height = max(ipeer_h(rll), ipeer_h(l)) + 1;
		rcu_assign_pointer(rl->right, r);
		rcu_assign_pointer(rl->left, node);
		rl->height = max(r->height, node->height) + 1;
		rcu_assign_pointer(*link, rl);
	}
}

/*
 * Walk back up the @depth links of @stack (deepest first), fixing heights
 * and rotating where a balance factor reached +-2. Tree lock held for
 * writing. A lockless reader racing with a rotation may miss its key or
 * walk in circles: it is bounded and falls back to the locked lookup.
 */
static void ipeer_rebalance(struct ipeer_base *b,
			    struct ipeer_node __rcu **stack[],
			    unsigned int depth)
{
	while (depth-- > 0) {
		struct ipeer_node __rcu **link = stack[depth];
		struct ipeer_node *node = ipeer_deref(b, *link);
		int lh, rh;

		if (!node)
			continue;
		lh = ipeer_h(ipeer_deref(b, node->left));
		rh = ipeer_h(ipeer_deref(b, node->right));
		if (lh > rh + 1)
			ipeer_rotate_right(b, link, node);
		else if (rh > lh + 1)
			ipeer_rotate_left(b, link, node);
		else
			node->height = max(lh, rh) + 1;
	}
}

/*
 * A new node for @key with one reference (the caller's), its links not set:
 * each tree initialises its own before it publishes the node. Tree lock
 * held for writing (the node cap reads the count it guards).
 */
struct ipeer_node *ipeer_node_alloc(struct ipeer_base *b,
				    const struct ipeer_key *key, gfp_t gfp)
{
	struct ipeer_node *n;

	if (b->total >= IPEER_MAX_NODES)
		return NULL;
	n = kmem_cache_alloc(ipeer_cachep, gfp);
	if (!n)
		return NULL;
	atomic_long_inc(&ipeer_nr_live);
	n->key = *key;
	atomic_set(&n->refcnt, 1);
	n->ctl_holds = 0;
	n->dtime = jiffies;
	INIT_LIST_HEAD(&n->unused);
	atomic_set(&n->ip_id_count, get_random_u32());
	n->tcp_ts = 0;
	n->tcp_ts_stamp = 0;
	n->rate_tokens = 0;
	/* far enough back that the first token computation gives the max */
	n->rate_last = jiffies - 60 * HZ;
	return n;
}

/* A node went into the tree: count it. Tree lock held for writing. */
void ipeer_node_inserted(struct ipeer_base *b)
{
	/* read locklessly by ipeer_maybe_gc(), ipeer_ttl() and the stats */
	WRITE_ONCE(b->total, b->total + 1);
	this_cpu_inc(b->stats->inserts);
}

/*
 * Allocate a node for @key and link it where ipeer_lookup_locked() left
 * @stack. Tree lock held for writing. The node starts with one reference,
 * the caller's.
 */
struct ipeer_node *ipeer_link_new(struct ipeer_base *b,
				  const struct ipeer_key *key,
				  struct ipeer_node __rcu **stack[],
				  unsigned int depth, gfp_t gfp)
{
	struct ipeer_node *n = ipeer_node_alloc(b, key, gfp);

	if (!n)
		return NULL;
	RCU_INIT_POINTER(n->left, NULL);
	RCU_INIT_POINTER(n->right, NULL);
	n->height = 1;

	/*
	 * Publish: the release in rcu_assign_pointer() orders every store
	 * above before the node becomes reachable; pairs with the
	 * rcu_dereference_check() in ipeer_rcu_find() (the smp_wmb() of commit
	 * 0e51e2c70f75).
	 */
	rcu_assign_pointer(*stack[depth - 1], n);
	ipeer_rebalance(b, stack, depth - 1);
	ipeer_node_inserted(b);
	return n;
}

/*
 * Take @p out of the tree. Tree lock held for writing, @p's refcount
 * already 0. @p itself is left untouched, so that a lockless reader
 * standing on it can still walk on; the caller frees it (after a grace
 * period for the rcu variant). False when the walk by @p's key does not
 * lead to @p: the tree is corrupt, @p may still hang somewhere in it and
 * must not be freed.
 */
bool ipeer_unlink_locked(struct ipeer_base *b, struct ipeer_node *p)
{
	struct ipeer_node __rcu **stack[IPEER_MAXDEPTH + 1];
	struct ipeer_node *t, *next;
	unsigned int depth, delp;

	if (ipeer_lookup_locked(b, &p->key, stack, &depth) != p)
		return false;
	delp = depth - 1;	/* stack[delp] is the link holding p */
	t = ipeer_deref(b, p->left);
	if (!t) {
		rcu_assign_pointer(*stack[delp], ipeer_deref(b, p->right));
		depth = delp;
	} else {
		/* t: the rightmost node of the left subtree takes p's place */
		stack[depth++] = &p->left;
		while ((next = ipeer_deref(b, t->right))) {
			stack[depth++] = &t->right;
			t = next;
		}
		/* unhook t (may write p->left when t is p's left child) */
		rcu_assign_pointer(*stack[depth - 1], ipeer_deref(b, t->left));
		rcu_assign_pointer(t->left, ipeer_deref(b, p->left));
		rcu_assign_pointer(t->right, ipeer_deref(b, p->right));
		t->height = p->height;
		rcu_assign_pointer(*stack[delp], t);
		/* the walk went through p->left, which is now t->left */
		stack[delp + 1] = &t->left;
	}
	ipeer_rebalance(b, stack, depth);
	/* read locklessly, see ipeer_link_new() */
	WRITE_ONCE(b->total, b->total - 1);
	return true;
}

/* ->unlink() found no path to @p: keep it, pinned by the caller's ref. */
static void ipeer_unlink_failed(struct ipeer_base *b, struct ipeer_node *p)
{
	this_cpu_inc(b->stats->unlink_failed);
	pr_err_ratelimited("node %u:%08x not found by its key: corrupt tree, node left pinned\n",
			   p->key.family, p->key.word[0]);
}

/* ---------------------------------------------------------- node lifetime */

static void ipeer_poison_free(struct ipeer_node *p)
{
	/* A reader still on p after this saw a freed node (see freed_seen). */
	WRITE_ONCE(p->key.family, IPEER_FREED_FAMILY);
	kmem_cache_free(ipeer_cachep, p);
	atomic_long_dec(&ipeer_nr_live);
}

static void ipeer_free_now(struct ipeer_node *p)
{
	ipeer_poison_free(p);
}

static void ipeer_free_rcu_cb(struct rcu_head *head)
{
	ipeer_poison_free(container_of(head, struct ipeer_node, rcu));
}

/*
 * Lockless readers may still walk through @p: free it only after every
 * rcu_read_lock_bh() section that could have found it has ended (call_rcu
 * waits for BH-disabled regions too since the RCU flavours were merged).
 */
void ipeer_free_rcu(struct ipeer_node *p)
{
	call_rcu(&p->rcu, ipeer_free_rcu_cb);
}

/*
 * The end of every variant's ->unlink(), its tree lock dropped, with its
 * outcome @ret: 0, @p left the tree and goes (after a grace period for a
 * lockless variant: a walker may stand on it; at once for the locked
 * original: nobody reaches it without the lock); -EBUSY, @p is in use
 * again and gets the artificial reference back; -EUCLEAN, @p stays pinned.
 */
int ipeer_unlink_done(struct ipeer_base *b, struct ipeer_node *p, int ret)
{
	if (!ret) {
		this_cpu_inc(b->stats->gc_removed);
		if (b->ops->role == RCUNET_ROLE_LOCKLESS)
			ipeer_free_rcu(p);
		else
			ipeer_free_now(p);
	} else if (ret == -EBUSY) {
		ipeer_put(b, p);
	} else {
		ipeer_unlink_failed(b, p);
	}
	return ret;
}

/*
 * The caller's increment took @p's count from 0 to 1: take @p off the
 * unused list. This must take unused_lock even when @p does not look
 * listed yet: the put that dropped the count to 0 may still be inside its
 * unused_lock section, before its list_add_tail(). An unlocked
 * list_empty() peek (as in commit 0e51e2c70f75) would return here, that
 * put would then list a held node, and the holder's own put would list it
 * a second time (upstream fixed that in 2011).
 * Lookups that go from n >= 1 to n + 1 (every lockless hit) need nothing:
 * a listed node with a count >= 1 has a reviver on its way here.
 */
void ipeer_revived(struct ipeer_base *b, struct ipeer_node *p)
{
	spin_lock_bh(&b->unused_lock);
	/* the GC may have taken it off already */
	if (!list_empty(&p->unused)) {
		list_del_init(&p->unused);
		WRITE_ONCE(b->nr_unused, b->nr_unused - 1);
	}
	spin_unlock_bh(&b->unused_lock);
}

/* Test only: hold the put inside its window (b->put_delay_ms, KUnit). */
static void ipeer_put_window_pause(struct ipeer_base *b)
{
	unsigned int ms = READ_ONCE(b->put_delay_ms);

	if (unlikely(ms))
		mdelay(ms);
}

/**
 * ipeer_put() - drop a reference ipeer_get() took
 * @b: the base of @p
 * @p: the node
 *
 * The last put leaves @p in the tree, unused: at the tail of the LRU list,
 * stamped with the time, for the GC to take once its TTL is over.
 *
 * Context: process or BH context.
 */
void ipeer_put(struct ipeer_base *b, struct ipeer_node *p)
{
	local_bh_disable();
	/*
	 * The drop to 0 and the list insertion form one unused_lock section;
	 * a getter that revives p from 0 waits for it in ipeer_revived().
	 */
	if (atomic_dec_and_lock(&p->refcnt, &b->unused_lock)) {
		ipeer_put_window_pause(b);
		list_add_tail(&p->unused, &b->unused);
		WRITE_ONCE(b->nr_unused, b->nr_unused + 1);
		WRITE_ONCE(p->dtime, jiffies);
		spin_unlock(&b->unused_lock);
	}
	local_bh_enable();
}

RCUNET_EXPORT_FOR_TESTS(ipeer_put);

/* ------------------------------------------------------------- the GC */

static int __ipeer_gc_once(struct ipeer_base *b, unsigned long ttl,
			   unsigned int hold_ms)
{
	struct ipeer_node *p;

	spin_lock_bh(&b->unused_lock);
	p = list_first_entry_or_null(&b->unused, struct ipeer_node, unused);
	if (!p || time_before(jiffies, READ_ONCE(p->dtime) + ttl)) {
		spin_unlock_bh(&b->unused_lock);
		return -EAGAIN;
	}
	list_del_init(&p->unused);
	WRITE_ONCE(b->nr_unused, b->nr_unused - 1);
	/*
	 * An artificial reference keeps p alive once it is off the list;
	 * ->unlink() removes p only if it can take this reference back as
	 * the last one, otherwise a reader revived p and it stays.
	 */
	atomic_inc(&p->refcnt);
	spin_unlock_bh(&b->unused_lock);

	if (unlikely(hold_ms))
		msleep(hold_ms);	/* test only, process context */
	b->ops->unlink(b, p);
	return 0;
}

/**
 * ipeer_gc_once() - remove the oldest unused node if its TTL is over
 * @b: the base
 * @ttl: jiffies the node must have been unused
 *
 * A node revived meanwhile stays (->unlink() gives it back).
 *
 * Context: process or BH context.
 * Return: 0 when a node was taken off the LRU list, -EAGAIN when none was
 * old enough.
 */
int ipeer_gc_once(struct ipeer_base *b, unsigned long ttl)
{
	return __ipeer_gc_once(b, ttl, 0);
}

RCUNET_EXPORT_FOR_TESTS(ipeer_gc_once);

/* After an insert: above the threshold, drop the oldest unused node. */
void ipeer_maybe_gc(struct ipeer_base *b)
{
	if (READ_ONCE(b->total) >= READ_ONCE(b->limits.threshold))
		ipeer_gc_once(b, 0);
}

/* TTL for unused nodes: maxttl when empty, down to minttl when full. */
static unsigned long ipeer_ttl(struct ipeer_base *b)
{
	unsigned long minttl = READ_ONCE(b->limits.minttl);
	unsigned long maxttl = READ_ONCE(b->limits.maxttl);
	int threshold = READ_ONCE(b->limits.threshold);
	int total = READ_ONCE(b->total);

	if (total >= threshold || maxttl <= minttl)
		return minttl;
	return maxttl - (unsigned long)div_u64((u64)(maxttl - minttl) * total,
					       threshold);
}

static int __ipeer_gc(struct ipeer_base *b, unsigned int hold_ms)
{
	int n = 0;

	while (n < IPEER_GC_BATCH &&
	       __ipeer_gc_once(b, ipeer_ttl(b), hold_ms) == 0)
		n++;
	return n;
}

/**
 * ipeer_gc() - one pass of the periodic GC
 * @b: the base
 *
 * Removes unused nodes older than the TTL, which goes from maxttl (empty
 * cache) down to minttl (cache at threshold), at most 256 per call.
 *
 * Return: the number of nodes taken.
 */
int ipeer_gc(struct ipeer_base *b)
{
	return __ipeer_gc(b, 0);
}

RCUNET_EXPORT_FOR_TESTS(ipeer_gc);

/**
 * ipeer_flush() - remove every unused node
 * @b: the base
 *
 * Context: process context (reschedules between nodes).
 * Return: the number of nodes taken.
 */
int ipeer_flush(struct ipeer_base *b)
{
	int n = 0;

	while (ipeer_gc_once(b, 0) == 0) {
		n++;
		cond_resched();
	}
	return n;
}

RCUNET_EXPORT_FOR_TESTS(ipeer_flush);

static void ipeer_gc_worker(struct work_struct *work)
{
	struct ipeer_base *b = container_of(to_delayed_work(work),
					    struct ipeer_base, gc_work);
	unsigned long delay = READ_ONCE(b->limits.gc_interval);

	/* a full batch means more may be due: come back soon */
	if (__ipeer_gc(b, READ_ONCE(gc_hold_ms)) == IPEER_GC_BATCH)
		delay = 1;
	schedule_delayed_work(&b->gc_work, delay);
}

/**
 * ipeer_remove() - remove a peer nobody holds
 * @b: the base
 * @key: the peer's address
 *
 * Context: process or BH context.
 * Return: 0, -ENOENT (absent), -EBUSY (held) or -EUCLEAN (corrupt tree,
 * see &struct ipeer_ops.unlink).
 */
int ipeer_remove(struct ipeer_base *b, const struct ipeer_key *key)
{
	struct ipeer_node *p = ipeer_get(b, key, false);

	if (!p)
		return -ENOENT;
	/* our reference from ipeer_get() is the artificial one ->unlink() wants */
	return b->ops->unlink(b, p);
}

RCUNET_EXPORT_FOR_TESTS(ipeer_remove);

/* --------------------------------------------------------- inspection */

/**
 * ipeer_find_locked() - exact lookup in any variant's tree
 * @b: the base
 * @key: the peer's address
 *
 * Context: under @b->ops->lock_tree() (or a writer's lock).
 * Return: the node, or NULL; no reference is taken.
 */
struct ipeer_node *ipeer_find_locked(struct ipeer_base *b,
				     const struct ipeer_key *key)
{
	struct ipeer_node *p = b->ops->root(b);
	int cmp;

	while (p) {
		cmp = ipeer_key_cmp(key, &p->key);
		if (!cmp)
			break;
		p = b->ops->child(b, p, cmp > 0);
	}
	return p;
}

RCUNET_EXPORT_FOR_TESTS(ipeer_find_locked);

/**
 * ipeer_walk_path() - descend to some node, for tests that dwell on one
 * @b: the base
 * @path: bit i set: go left at depth i, else right
 *
 * Stops on a leaf, and after 2 * IPEER_MAXDEPTH links (a lockless walk
 * through a rotation may be misled, never looped, but bounding costs
 * nothing here).
 *
 * Context: under @b->ops->lock_tree(), or inside an RCU read-side section
 * for a lockless variant; the node stays valid memory until it ends.
 * Return: the node reached, or NULL for an empty tree.
 */
struct ipeer_node *ipeer_walk_path(struct ipeer_base *b, u32 path)
{
	struct ipeer_node *p = b->ops->root(b), *next;
	int depth;

	for (depth = 0; p && depth < 2 * IPEER_MAXDEPTH; depth++) {
		next = b->ops->child(b, p, !(path & 1));
		if (!next)
			break;
		p = next;
		path >>= 1;
	}
	return p;
}

RCUNET_EXPORT_FOR_TESTS(ipeer_walk_path);

/**
 * ipeer_contains() - whether a peer is in the tree
 * @b: the base
 * @key: the peer's address
 *
 * Takes no reference: unlike ipeer_get(), it revives no unused peer.
 *
 * Return: true when @key is in the tree.
 */
bool ipeer_contains(struct ipeer_base *b, const struct ipeer_key *key)
{
	bool found;

	b->ops->lock_tree(b);
	found = ipeer_find_locked(b, key);
	b->ops->unlock_tree(b);
	return found;
}

RCUNET_EXPORT_FOR_TESTS(ipeer_contains);

/**
 * ipeer_refcount() - the holders of a peer
 * @b: the base
 * @key: the peer's address
 *
 * Return: the reference count (0: unused), or -ENOENT when absent.
 */
int ipeer_refcount(struct ipeer_base *b, const struct ipeer_key *key)
{
	struct ipeer_node *p;
	int ret;

	b->ops->lock_tree(b);
	p = ipeer_find_locked(b, key);
	ret = p ? atomic_read(&p->refcnt) : -ENOENT;
	b->ops->unlock_tree(b);
	return ret;
}

RCUNET_EXPORT_FOR_TESTS(ipeer_refcount);

/**
 * ipeer_peer_after() - copy out the next peer by key
 * @b: the base
 * @after: the key to start from; NULL for the first peer
 * @inclusive: a peer at @after itself counts
 * @out: filled in with the peer's state (@after may point into it)
 *
 * One short hold of the tree lock (O(height)), so that a listing built
 * from it never keeps the lock, or BH off, across the whole tree.
 *
 * Return: 0, or -ENOENT when no peer lies above @after.
 */
int ipeer_peer_after(struct ipeer_base *b, const struct ipeer_key *after,
		     bool inclusive, struct ipeer_peer_info *out)
{
	struct ipeer_node *p, *best = NULL;
	struct ipeer_key from;
	int cmp;

	/* @after may point into @out */
	if (after)
		from = *after;
	b->ops->lock_tree(b);
	p = b->ops->root(b);
	/* the leftmost node above @from; the tree height bounds the walk */
	while (p) {
		cmp = after ? ipeer_key_cmp(&p->key, &from) : 1;
		if (cmp > 0 || (cmp == 0 && inclusive)) {
			best = p;
			p = b->ops->child(b, p, false);
		} else {
			p = b->ops->child(b, p, true);
		}
	}
	if (best) {
		out->key = best->key;
		out->refcnt = atomic_read(&best->refcnt);
		out->dtime = READ_ONCE(best->dtime);
		out->ip_id = (u32)atomic_read(&best->ip_id_count);
		out->tcp_ts = best->tcp_ts;
		out->tcp_ts_stamp = best->tcp_ts_stamp;
		out->rate_tokens = best->rate_tokens;
	}
	b->ops->unlock_tree(b);
	return best ? 0 : -ENOENT;
}

RCUNET_EXPORT_FOR_TESTS(ipeer_peer_after);

/**
 * ipeer_total() - nodes in the tree
 * @b: the base
 *
 * Return: the node count, read without a lock.
 */
int ipeer_total(struct ipeer_base *b)
{
	return READ_ONCE(b->total);
}

RCUNET_EXPORT_FOR_TESTS(ipeer_total);

/**
 * ipeer_nr_unused() - nodes on the unused (LRU) list
 * @b: the base
 *
 * Return: the list's length, O(1) (a counter kept under unused_lock).
 */
int ipeer_nr_unused(struct ipeer_base *b)
{
	return READ_ONCE(b->nr_unused);
}

RCUNET_EXPORT_FOR_TESTS(ipeer_nr_unused);

/**
 * ipeer_height() - the height of the tree
 * @b: the base
 *
 * Return: the AVL root's height (rwlock, rcu), or the red-black tree's
 * black height (seqlock: the black nodes on every path from the root down,
 * so its height lies between that and twice that); 0 for an empty tree.
 * O(log n), read under the lock.
 */
int ipeer_height(struct ipeer_base *b)
{
	int h;

	b->ops->lock_tree(b);
	h = b->ops->height(b);
	b->ops->unlock_tree(b);
	return h;
}

RCUNET_EXPORT_FOR_TESTS(ipeer_height);

/**
 * ipeer_read_stats() - the base's counters, summed over CPUs
 * @b: the base
 * @out: filled in
 */
void ipeer_read_stats(struct ipeer_base *b, struct ipeer_stats *out)
{
	int cpu;

	memset(out, 0, sizeof(*out));
	/*
	 * Other CPUs may be incrementing their counters right now (with
	 * this_cpu_inc(), no lock): read each one once, marked.
	 */
	for_each_possible_cpu(cpu) {
		const struct ipeer_stats *s = per_cpu_ptr(b->stats, cpu);

		out->lockless_hits += READ_ONCE(s->lockless_hits);
		out->lockless_misses += READ_ONCE(s->lockless_misses);
		out->fallback_hits += READ_ONCE(s->fallback_hits);
		out->locked_hits += READ_ONCE(s->locked_hits);
		out->locked_misses += READ_ONCE(s->locked_misses);
		out->inserts += READ_ONCE(s->inserts);
		out->gc_removed += READ_ONCE(s->gc_removed);
		out->freed_seen += READ_ONCE(s->freed_seen);
		out->unlink_failed += READ_ONCE(s->unlink_failed);
		out->seq_retries += READ_ONCE(s->seq_retries);
	}
}

RCUNET_EXPORT_FOR_TESTS(ipeer_read_stats);

/*
 * What every tree's checker checks of each node @p, whose key must lie
 * strictly between @lo and @hi (NULL: unbounded): the node count, the
 * order, the refcount, and that an unused node is listed. 0 or -1.
 */
int ipeer_check_node(struct ipeer_check_ctx *c, struct ipeer_node *p,
		     const struct ipeer_key *lo, const struct ipeer_key *hi)
{
	if (++c->count > IPEER_MAX_NODES) {
		scnprintf(c->why, c->len, "more than %d nodes (cycle?)",
			  IPEER_MAX_NODES);
		return -1;
	}
	if ((lo && ipeer_key_cmp(&p->key, lo) <= 0) ||
	    (hi && ipeer_key_cmp(&p->key, hi) >= 0)) {
		scnprintf(c->why, c->len, "key %u:%08x out of order",
			  p->key.family, p->key.word[0]);
		return -1;
	}
	if (atomic_read(&p->refcnt) < 0) {
		scnprintf(c->why, c->len, "negative refcount");
		return -1;
	}
	/* a count is 0 and unlisted only inside ipeer_put()'s section */
	if (!atomic_read(&p->refcnt) && list_empty(&p->unused)) {
		scnprintf(c->why, c->len, "unused key %u:%08x not listed",
			  p->key.family, p->key.word[0]);
		return -1;
	}
	return 0;
}

/*
 * Check the AVL subtree at @p, whose keys must lie strictly between @lo and
 * @hi (NULL: unbounded); returns its height or -1. Recursion is bounded:
 * a valid AVL tree is at most IPEER_MAXDEPTH high, deeper is an error.
 */
static int ipeer_check_subtree(struct ipeer_check_ctx *c, struct ipeer_node *p,
			       const struct ipeer_key *lo,
			       const struct ipeer_key *hi, int level)
{
	int lh, rh;

	if (!p)
		return 0;
	if (level > IPEER_MAXDEPTH) {
		scnprintf(c->why, c->len, "deeper than %d", IPEER_MAXDEPTH);
		return -1;
	}
	if (ipeer_check_node(c, p, lo, hi))
		return -1;
	lh = ipeer_check_subtree(c, ipeer_deref(c->b, p->left), lo, &p->key,
				 level + 1);
	if (lh < 0)
		return -1;
	rh = ipeer_check_subtree(c, ipeer_deref(c->b, p->right), &p->key, hi,
				 level + 1);
	if (rh < 0)
		return -1;
	if (lh - rh > 1 || rh - lh > 1) {
		scnprintf(c->why, c->len, "balance %d at key %u:%08x", lh - rh,
			  p->key.family, p->key.word[0]);
		return -1;
	}
	if (p->height != max(lh, rh) + 1) {
		scnprintf(c->why, c->len, "height %d, expected %d",
			  p->height, max(lh, rh) + 1);
		return -1;
	}
	return p->height;
}

/*
 * The unused list, both locks held: no longer than the tree (a node
 * listed twice or linked to itself makes it longer or endless), nr_unused
 * is its length, and every entry is a node of the tree (an entry the tree
 * lost is a dangling LRU pointer once the node is freed). An entry may
 * have a count above 0: its reviver has not reached ipeer_revived() yet
 * (the rwlock variant revives under the read lock, which we share).
 */
static int ipeer_check_unused(struct ipeer_base *b, struct ipeer_check_ctx *c)
{
	struct ipeer_node *p;
	int n = 0;

	list_for_each_entry(p, &b->unused, unused) {
		if (++n > c->count) {
			scnprintf(c->why, c->len,
				  "unused list longer than the tree (%d nodes)",
				  c->count);
			return -EUCLEAN;
		}
		if (ipeer_find_locked(b, &p->key) != p) {
			scnprintf(c->why, c->len,
				  "listed key %u:%08x not in the tree",
				  p->key.family, p->key.word[0]);
			return -EUCLEAN;
		}
	}
	if (n != b->nr_unused) {
		scnprintf(c->why, c->len, "unused list has %d, counter says %d",
			  n, b->nr_unused);
		return -EUCLEAN;
	}
	return 0;
}

/**
 * ipeer_check() - verify the tree and the unused list
 * @b: the base
 * @why: the first broken invariant, as text; may be NULL
 * @len: size of @why
 *
 * Checks key order, the tree's shape (AVL balance and heights, or the
 * red-black rules and parent links), the node count, and that the unused
 * list holds exactly the tree's unused nodes, under the tree lock and
 * unused_lock.
 *
 * Return: 0, or -EUCLEAN when an invariant is broken.
 */
int ipeer_check(struct ipeer_base *b, char *why, size_t len)
{
	char dummy[8];
	struct ipeer_check_ctx c = {
		.b = b, .why = why ? why : dummy,
		.len = why ? len : sizeof(dummy),
	};
	int ret = 0;

	b->ops->lock_tree(b);
	/*
	 * unused_lock too: no count can drop to 0 and no node can join or
	 * leave the list while it is held, so the list can be checked against
	 * the tree.
	 */
	spin_lock_bh(&b->unused_lock);
	if (b->ops->check_tree(&c) < 0) {
		ret = -EUCLEAN;
	} else if (c.count != b->total) {
		scnprintf(c.why, c.len, "%d nodes, counter says %d", c.count,
			  b->total);
		ret = -EUCLEAN;
	} else {
		ret = ipeer_check_unused(b, &c);
	}
	spin_unlock_bh(&b->unused_lock);
	b->ops->unlock_tree(b);
	return ret;
}

RCUNET_EXPORT_FOR_TESTS(ipeer_check);

/* -------------------------------------------------------- base lifetime */

/**
 * ipeer_base_create() - a new, empty cache
 * @ops: its variant (ipeer_find_variant())
 * @limits: GC threshold and TTLs, copied; a gc_interval starts the
 *	periodic worker
 *
 * Context: process context.
 * Return: the base, or NULL when out of memory.
 */
struct ipeer_base *ipeer_base_create(const struct ipeer_ops *ops,
				     const struct ipeer_limits *limits)
{
	struct ipeer_base *b = kzalloc(sizeof(*b), GFP_KERNEL);

	if (!b)
		return NULL;
	b->stats = alloc_percpu(struct ipeer_stats);
	if (!b->stats) {
		kfree(b);
		return NULL;
	}
	b->ops = ops;
	RCU_INIT_POINTER(b->root, NULL);
	spin_lock_init(&b->lock);
	rwlock_init(&b->rwlock);
	b->rb_root = RB_ROOT;
	seqlock_init(&b->seq);
	spin_lock_init(&b->unused_lock);
	INIT_LIST_HEAD(&b->unused);
	b->limits = *limits;
	if (b->limits.threshold < 1)
		b->limits.threshold = 1;
	INIT_DELAYED_WORK(&b->gc_work, ipeer_gc_worker);
	if (b->limits.gc_interval)
		schedule_delayed_work(&b->gc_work, b->limits.gc_interval);
	return b;
}

RCUNET_EXPORT_FOR_TESTS(ipeer_base_create);

/* Free the AVL subtree at @p; depth bounded by the AVL height. */
static void ipeer_free_subtree(struct ipeer_base *b, struct ipeer_node *p)
{
	if (!p)
		return;
	ipeer_free_subtree(b, rcu_dereference_protected(p->left, 1));
	ipeer_free_subtree(b, rcu_dereference_protected(p->right, 1));
	/*
	 * No user is left, but a walker that finished just before may still
	 * be inside its read-side section: the rcu variant keeps deferring.
	 */
	if (b->ops->role == RCUNET_ROLE_LOCKLESS)
		ipeer_free_rcu(p);
	else
		ipeer_free_now(p);
}

/* ->free_all() of the AVL variants (rwlock, rcu). */
void ipeer_avl_free_all(struct ipeer_base *b)
{
	ipeer_free_subtree(b, rcu_dereference_protected(b->root, 1));
	RCU_INIT_POINTER(b->root, NULL);
}

/* ->root(), ->child(), ->check_tree() and ->height() of the AVL variants. */
struct ipeer_node *ipeer_avl_root(struct ipeer_base *b)
{
	return ipeer_deref_any(b, b->root);
}

struct ipeer_node *ipeer_avl_child(struct ipeer_base *b,
				   struct ipeer_node *p, bool right)
{
	return right ? ipeer_deref_any(b, p->right) :
		       ipeer_deref_any(b, p->left);
}

int ipeer_avl_check_tree(struct ipeer_check_ctx *c)
{
	return ipeer_check_subtree(c, ipeer_deref(c->b, c->b->root), NULL,
				   NULL, 1) < 0 ? -1 : 0;
}

int ipeer_avl_height(struct ipeer_base *b)
{
	return ipeer_h(ipeer_deref(b, b->root));
}

/**
 * ipeer_base_destroy() - free a cache and every node in it, held or not
 * @b: the base; NULL is allowed
 *
 * Nobody may use @b any more. Nodes of a lockless variant may still be in
 * flight to RCU callbacks: call rcu_barrier() before counting
 * ipeer_live_nodes().
 *
 * Context: process context.
 */
void ipeer_base_destroy(struct ipeer_base *b)
{
	if (!b)
		return;
	/* the worker re-arms itself; _sync cancels that too */
	cancel_delayed_work_sync(&b->gc_work);
	/* held peers go too: their holders are gone with the module */
	b->ops->free_all(b);
	free_percpu(b->stats);
	kfree(b);
}

RCUNET_EXPORT_FOR_TESTS(ipeer_base_destroy);

/* -------------------------------------------------------- the rcu variant */

/*
 * Lockless walk, caller in an RCU read-side section of any flavour (the
 * lookups take a reference inside rcu_read_lock_bh(), as commit
 * 0e51e2c70f75 did; the no-reference lookup runs inside the caller's
 * rcu_read_lock()). No lock keeps a writer away, so a rotation may send us
 * the wrong way (a miss) or round in a circle: give up after
 * IPEER_MAXDEPTH links. Every node reached is valid memory until the
 * read-side section ends (freed only after a grace period). Each step's
 * rcu_dereference pairs with the rcu_assign_pointer() that published the
 * node (ipeer_link_new() and the rotations): its key and links are seen
 * initialised.
 */
static struct ipeer_node *ipeer_rcu_find(struct ipeer_base *b,
					 const struct ipeer_key *key)
{
	struct ipeer_node *p;
	unsigned int steps = 0;
	int cmp;

	p = rcu_dereference_check(b->root, rcu_read_lock_any_held());
	while (p) {
		if (IS_ENABLED(CONFIG_DEBUG_OBJECTS_RCU_HEAD) &&
		    unlikely(READ_ONCE(p->key.family) == IPEER_FREED_FAMILY))
			this_cpu_inc(b->stats->freed_seen);
		cmp = ipeer_key_cmp(key, &p->key);
		if (!cmp)
			return p;
		if (cmp < 0)
			p = rcu_dereference_check(p->left,
						  rcu_read_lock_any_held());
		else
			p = rcu_dereference_check(p->right,
						  rcu_read_lock_any_held());
		if (unlikely(++steps == IPEER_MAXDEPTH))
			break;
	}
	return NULL;
}

/*
 * The lockless walk of ipeer_get(), caller in rcu_read_lock_bh(). A node
 * found with refcount 0 is unused and may be on its way out: only
 * atomic_inc_not_zero() may take it, else it counts as a miss.
 */
static struct ipeer_node *ipeer_rcu_walk(struct ipeer_base *b,
					 const struct ipeer_key *key)
{
	struct ipeer_node *p = ipeer_rcu_find(b, key);

	return p && atomic_inc_not_zero(&p->refcnt) ? p : NULL;
}

/**
 * ipeer_lookup_noref() - find a peer of a lockless base, no reference
 * @b: the base; of the "rcu" or the "seqlock" variant
 * @key: the peer's address
 *
 * The lookup the live kernel's inet_getpeer() does since commit
 * a853c609504e ("inetpeer: do not get a refcount in inet_getpeer()"): no
 * reference is taken, so any node in the tree is found, unused (refcount
 * 0) ones too, and the node stays valid memory only until the caller's
 * read-side section ends. It may be removed meanwhile; its key stays
 * readable. rcu: the bounded lockless walk, and on a miss (a concurrent
 * rotation, or an absent key) an exact lookup under the tree lock.
 * seqlock: the lockless walk, and the locked lookup only when the
 * sequence moved under it (a miss on a quiet tree is final). Creates
 * nothing; counts nothing in the stats but the seqlock variant's
 * seq_retries (the bench and tests call it; the control file does not).
 *
 * Context: inside rcu_read_lock() (or any RCU read-side section), process
 * or BH context; the fallback takes the tree lock with BH off.
 * Return: the node, or NULL when @key is absent (or @b is of the rwlock
 * variant, with a warning: it frees nodes without a grace period, so no
 * pointer may outlive its read lock).
 */
struct ipeer_node *ipeer_lookup_noref(struct ipeer_base *b,
				      const struct ipeer_key *key)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_any_held(),
			 "no-reference lookup outside an RCU read-side section");
	if (WARN_ON_ONCE(!b->ops->lookup_noref))
		return NULL;
	return b->ops->lookup_noref(b, key);
}

RCUNET_EXPORT_FOR_TESTS(ipeer_lookup_noref);

/* ->lookup_noref() of the rcu variant; the bench calls it directly. */
struct ipeer_node *ipeer_rcu_lookup_noref(struct ipeer_base *b,
					  const struct ipeer_key *key)
{
	struct ipeer_node *p;

	p = ipeer_rcu_find(b, key);
	if (p)
		return p;
	/*
	 * Removal unlinks under this lock and frees after a grace period,
	 * which our caller's read-side section holds off: a node found here
	 * stays valid memory after the unlock too.
	 */
	spin_lock_bh(&b->lock);
	p = ipeer_lookup_locked(b, key, NULL, NULL);
	spin_unlock_bh(&b->lock);
	return p;
}

static struct ipeer_node *ipeer_rcu_get(struct ipeer_base *b,
					const struct ipeer_key *key,
					bool create)
{
	struct ipeer_node __rcu **stack[IPEER_MAXDEPTH + 1];
	struct ipeer_node *p;
	unsigned int depth;
	bool revived = false;

	rcu_read_lock_bh();
	p = ipeer_rcu_walk(b, key);
	rcu_read_unlock_bh();
	if (p) {
		/* inc_not_zero: never a revival, nothing to take off the list */
		this_cpu_inc(b->stats->lockless_hits);
		return p;
	}
	this_cpu_inc(b->stats->lockless_misses);

	/* Exact lookup under the lock; the nodes are hot in cache by now. */
	spin_lock_bh(&b->lock);
	p = ipeer_lookup_locked(b, key, stack, &depth);
	if (p) {
		/*
		 * Plain increment, also from 0: removal needs this lock, so p
		 * cannot be on its way out.
		 */
		revived = atomic_inc_return(&p->refcnt) == 1;
		this_cpu_inc(b->stats->fallback_hits);
		spin_unlock_bh(&b->lock);
		if (revived)
			ipeer_revived(b, p);
		return p;
	}
	if (create)
		p = ipeer_link_new(b, key, stack, depth, GFP_ATOMIC);
	spin_unlock_bh(&b->lock);

	if (p)
		ipeer_maybe_gc(b);
	return p;
}

static int ipeer_rcu_unlink(struct ipeer_base *b, struct ipeer_node *p)
{
	int ret = -EBUSY;

	spin_lock_bh(&b->lock);
	/*
	 * A lockless reader may have raised the refcount since we looked, so
	 * take the last reference atomically: 1 -> 0 succeeds only if ours is
	 * the only one, and from then on atomic_inc_not_zero() fails.
	 */
	if (atomic_cmpxchg(&p->refcnt, 1, 0) == 1) {
		if (ipeer_unlink_locked(b, p)) {
			ret = 0;
		} else {
			/* keep our reference: p stays allocated and held */
			atomic_set(&p->refcnt, 1);
			ret = -EUCLEAN;
		}
	}
	spin_unlock_bh(&b->lock);
	return ipeer_unlink_done(b, p, ret);
}

static void ipeer_rcu_lock_tree(struct ipeer_base *b)
	__acquires(&b->lock)
{
	spin_lock_bh(&b->lock);
}

static void ipeer_rcu_unlock_tree(struct ipeer_base *b)
	__releases(&b->lock)
{
	spin_unlock_bh(&b->lock);
}

const struct ipeer_ops ipeer_rcu_ops = {
	.name = "rcu",
	.role = RCUNET_ROLE_LOCKLESS,
	.get = ipeer_rcu_get,
	.unlink = ipeer_rcu_unlink,
	.lock_tree = ipeer_rcu_lock_tree,
	.unlock_tree = ipeer_rcu_unlock_tree,
	.lookup_noref = ipeer_rcu_lookup_noref,
	.root = ipeer_avl_root,
	.child = ipeer_avl_child,
	.check_tree = ipeer_avl_check_tree,
	.height = ipeer_avl_height,
	.free_all = ipeer_avl_free_all,
};

/* The runtime variants in mainline's order: locked original first. */
static const struct ipeer_ops *const ipeer_variants[] = {
	&ipeer_rwlock_ops,
	&ipeer_rcu_ops,
	&ipeer_seqlock_ops,
};

/**
 * ipeer_variant() - the variants of the cache, by index
 * @i: 0, 1, ...
 *
 * Return: the variant's ops ("rwlock", "rcu", then "seqlock"), or NULL past
 * the last one.
 */
const struct ipeer_ops *ipeer_variant(unsigned int i)
{
	return i < ARRAY_SIZE(ipeer_variants) ? ipeer_variants[i] : NULL;
}

RCUNET_EXPORT_FOR_TESTS(ipeer_variant);

/**
 * ipeer_find_variant() - a variant of the cache, by name
 * @name: "rwlock", "rcu" or "seqlock"
 *
 * Return: the variant's ops, or NULL for an unknown name.
 */
const struct ipeer_ops *ipeer_find_variant(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ipeer_variants); i++)
		if (!strcmp(ipeer_variants[i]->name, name))
			return ipeer_variants[i];
	return NULL;
}

RCUNET_EXPORT_FOR_TESTS(ipeer_find_variant);

/* ------------------------------------------------------ module init/exit */

static int __init ipeer_init(void)
{
	struct proc_dir_entry *dir;
	int err;

	/*
	 * No SLAB_HWCACHE_ALIGN, as in commit 0e51e2c70f75: the rcu_head
	 * would push the node over a cache line and double its footprint.
	 */
	ipeer_cachep = kmem_cache_create("rcunet_ipeer",
					 sizeof(struct ipeer_node), 0, 0, NULL);
	if (!ipeer_cachep)
		return -ENOMEM;
	/* parameters, the control file's cache, control/peers/stats */
	dir = ipeer_proc_init();
	if (IS_ERR(dir)) {
		err = PTR_ERR(dir);
		goto out_cache;
	}
	err = ipeer_bench_init(dir);
	if (err)
		goto out_proc;
	return 0;

out_proc:
	ipeer_proc_exit();
out_cache:
	/*
	 * A control write may have created (and the failed set-up's clean-up
	 * freed) peers of the rcu variant: their callbacks free into the
	 * cache, so they must all have run before it goes.
	 */
	rcu_barrier();
	kmem_cache_destroy(ipeer_cachep);
	return err;
}

static void __exit ipeer_exit(void)
{
	ipeer_bench_exit();
	/* frees the control file's cache, held peers included */
	ipeer_proc_exit();
	/* callbacks of the rcu variant still point into this module */
	rcu_barrier();
	WARN(ipeer_live_nodes(), "rcunet inetpeer: %ld nodes leaked\n",
	     ipeer_live_nodes());
	kmem_cache_destroy(ipeer_cachep);
}

module_init(ipeer_init);
module_exit(ipeer_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR(RCUNET_AUTHOR);
MODULE_VERSION(RCUNET_VERSION);
MODULE_DESCRIPTION("rcunet: inetpeer cache, rwlock vs RCU AVL vs seqlock rbtree");
