// SPDX-License-Identifier: GPL-2.0
/*
 * rcunet inetpeer: the "seqlock" variant, where mainline took the cache
 * after commit 0e51e2c70f75 ("inetpeer: RCU conversion"):
 *
 *  - commit 65e8354ec13a ("inetpeer: seqlock optimization") made the
 *    AVL tree's lock a seqlock_t, and commit b145425f269a ("inetpeer:
 *    remove AVL implementation in favor of RB tree") replaced the AVL
 *    tree (its own rotations, a path stack, a depth bound for lockless
 *    walkers that may go round in circles) with lib/rbtree under that
 *    seqlock. Writers take write_seqlock_bh(), which bumps the sequence
 *    before and after every change. A lockless walk reads the sequence
 *    first and checks it at every step: once a writer ran, the walk may
 *    have been misled by a rotation and its answer is worth nothing, so
 *    it looks again under the lock. A walk no writer ran under is exact:
 *    a miss on a quiet tree is final, no locked lookup for an absent key
 *    (the rcu variant's walk cannot tell a misled miss from a true one,
 *    so every miss takes its lock).
 *  - commit a853c609504e ("inetpeer: do not get a refcount in
 *    inet_getpeer()"): the callers stay inside rcu_read_lock() while they
 *    use the peer and take no reference, so a lookup is a walk and no
 *    atomic op on a shared cache line: ipeer_seq_lookup_noref(), the
 *    fast path this variant is benched on.
 *
 * Reference counts, the unused list and the GC stay the module's model
 * (core.c), shared with the other two variants: ipeer_get() still takes a
 * reference for the control file, the tests and the GC, with
 * atomic_inc_not_zero() on the lockless path as the rcu variant does.
 *
 * Ordering
 *  - Publication: a new node's key, colour, parent and NULL children are
 *    stored before the node is linked, and the link is a store-release
 *    (smp_store_release(), what rb_link_node_rcu() does): pairs with the
 *    address dependency of the walk's READ_ONCE() of that link.
 *  - Rebalancing: lib/rbtree stores every child link a rotation changes
 *    with WRITE_ONCE() and never builds a cycle a walk could follow, so
 *    a lockless walk always ends, on valid memory (nodes are freed after
 *    a grace period), but may miss a node a rotation moved away from it:
 *    the sequence says so.
 *  - The sequence: read_seqbegin()'s smp_rmb() after reading it pairs
 *    with the smp_wmb() after write_seqlock_bh()'s first increment;
 *    read_seqretry()'s smp_rmb() before reading it again pairs with the
 *    smp_wmb() before write_sequnlock_bh()'s second one: a walk that read
 *    any link a writer stored sees the sequence moved.
 *  - A locked lookup that changes nothing takes the seqlock's spinlock
 *    only (read_seqlock_excl_bh()): no sequence bump, so it sends no
 *    lockless walker into a retry. Inserts and removals take the write
 *    side, as mainline does.
 *
 * The child links are lib/rbtree's struct rb_node fields, which cannot be
 * __rcu: every lockless read of one is a READ_ONCE() (what
 * rcu_dereference_raw() expands to), every store lib/rbtree's WRITE_ONCE()
 * or the store-release above.
 */
#define pr_fmt(fmt) "rcunet inetpeer: " fmt

#include <linux/module.h>
#include <linux/rbtree_augmented.h>
#include <linux/jiffies.h>
#include <linux/jump_label.h>
#include <linux/sched.h>
#include "internal.h"

/* A red-black tree of 2^24 nodes is at most 2 * log2(n + 1) < 50 high. */
#define IPEER_RB_MAXDEPTH	(2 * IPEER_MAXDEPTH)

/*
 * Test only: enabled while a test has armed a walk pause
 * (ipeer_walk_pause_arm()). The lookup's fast path tests this key, not
 * the base's field: off, the test is a patched-out jump, no load of a
 * field on the base's cache line and no branch to predict. Counted, so
 * that bases armed at once each keep it on until disarmed.
 */
static DEFINE_STATIC_KEY_FALSE(ipeer_walk_pause_armed);

/**
 * ipeer_walk_pause_arm() - stop one task's seqlock walk on the root (test)
 * @b: a base of the seqlock variant
 * @t: the task whose next lockless walk of @b stops
 *
 * The walk publishes the root it has just read in @b->walk_paused_at and
 * spins inside its read-side section (at most 10 s) until
 * ipeer_walk_pause_disarm(): a test can then change the tree under a walk
 * that already started. Every arm must be paired with one disarm.
 *
 * Context: process context, may sleep (patches the static key's jumps).
 */
void ipeer_walk_pause_arm(struct ipeer_base *b, struct task_struct *t)
{
	WRITE_ONCE(b->walk_paused_at, NULL);
	WRITE_ONCE(b->walk_pause_task, t);
	static_branch_inc(&ipeer_walk_pause_armed);
}

RCUNET_EXPORT_FOR_TESTS(ipeer_walk_pause_arm);

/**
 * ipeer_walk_pause_disarm() - let a paused walk go on, undo the arm (test)
 * @b: the base given to ipeer_walk_pause_arm()
 *
 * A walk spinning in the pause sees the field cleared and goes on from the
 * root it read; the key goes off once no base is armed.
 *
 * Context: process context, may sleep.
 */
void ipeer_walk_pause_disarm(struct ipeer_base *b)
{
	WRITE_ONCE(b->walk_pause_task, NULL);
	static_branch_dec(&ipeer_walk_pause_armed);
}

RCUNET_EXPORT_FOR_TESTS(ipeer_walk_pause_disarm);

/*
 * Test only (ipeer_walk_pause_arm()): the walk stands on @p, the root it
 * has just read, until the test lets it go. It is inside an RCU read-side
 * section, maybe with BH off: spin, bounded, never sleep.
 */
static noinline void ipeer_seq_walk_pause(struct ipeer_base *b,
					  struct ipeer_node *p)
{
	unsigned long deadline = jiffies + 10 * HZ;

	if (READ_ONCE(b->walk_pause_task) != current)
		return;
	WRITE_ONCE(b->walk_paused_at, p);
	while (READ_ONCE(b->walk_pause_task) == current &&
	       time_before(jiffies, deadline))
		cpu_relax();
}

/*
 * The lockless walk, caller in an RCU read-side section: the node of
 * @key, or NULL. *@moved: a writer ran since the walk began, so a NULL
 * means nothing (a rotation may have moved the node away from the walk).
 * A node found is right whatever writers did: its key is immutable, and
 * it stays valid memory until the caller's section ends.
 */
static __always_inline struct ipeer_node *
ipeer_seq_walk(struct ipeer_base *b, const struct ipeer_key *key, bool *moved)
{
	/* waits while a writer is inside: its half-done rotation is no use */
	unsigned int seq = read_seqbegin(&b->seq);
	struct rb_node *n = READ_ONCE(b->rb_root.rb_node);
	struct ipeer_node *p;
	int cmp;

	/* a test's pause: off, a jump patched out */
	if (static_branch_unlikely(&ipeer_walk_pause_armed) && n)
		ipeer_seq_walk_pause(b, rb_entry(n, struct ipeer_node, rb));
	while (n) {
		p = rb_entry(n, struct ipeer_node, rb);
		if (IS_ENABLED(CONFIG_DEBUG_OBJECTS_RCU_HEAD) &&
		    unlikely(READ_ONCE(p->key.family) == IPEER_FREED_FAMILY))
			this_cpu_inc(b->stats->freed_seen);
		cmp = ipeer_key_cmp(key, &p->key);
		if (!cmp) {
			*moved = false;
			return p;
		}
		/* a writer ran: the rest of this walk may lead anywhere */
		if (unlikely(read_seqretry(&b->seq, seq))) {
			*moved = true;
			return NULL;
		}
		/* pairs with lib/rbtree's WRITE_ONCE() and our publication */
		n = cmp < 0 ? READ_ONCE(n->rb_left) : READ_ONCE(n->rb_right);
	}
	/* a miss is final only if no writer ran during the whole walk */
	*moved = read_seqretry(&b->seq, seq);
	return NULL;
}

/*
 * Exact lookup, the seqlock's spinlock held (either side). On a miss,
 * *@parent and *@link (when given) say where @key goes.
 */
static struct ipeer_node *ipeer_seq_find_locked(struct ipeer_base *b,
						const struct ipeer_key *key,
						struct rb_node **parent,
						struct rb_node ***link)
{
	struct rb_node **pp = &b->rb_root.rb_node, *par = NULL;
	struct ipeer_node *p;
	int cmp;

	while (*pp) {
		p = rb_entry(*pp, struct ipeer_node, rb);
		cmp = ipeer_key_cmp(key, &p->key);
		if (!cmp)
			return p;
		par = *pp;
		pp = cmp < 0 ? &par->rb_left : &par->rb_right;
	}
	if (parent) {
		*parent = par;
		*link = pp;
	}
	return NULL;
}

/*
 * Allocate a node for @key and link it at @link under @parent; the write
 * side held. The node starts with one reference, the caller's.
 */
static struct ipeer_node *ipeer_seq_insert(struct ipeer_base *b,
					   const struct ipeer_key *key,
					   struct rb_node *parent,
					   struct rb_node **link)
{
	struct ipeer_node *n = ipeer_node_alloc(b, key, GFP_ATOMIC);
	struct rb_node *unlinked;

	if (!n)
		return NULL;
	/*
	 * Parent, colour (red) and NULL children, stored into the node only:
	 * the local link keeps the node unreachable until the release below.
	 */
	rb_link_node(&n->rb, parent, &unlinked);
	/*
	 * Publish: the release orders every store into the node (above and
	 * in ipeer_node_alloc()) before the link; pairs with the address
	 * dependency of the walk's READ_ONCE() (rb_link_node_rcu()'s job,
	 * done here with a marked store on the plain rb_node link).
	 */
	smp_store_release(link, &n->rb);
	rb_insert_color(&n->rb, &b->rb_root);
	ipeer_node_inserted(b);
	return n;
}

/* The locked lookup of a get without create: changes nothing in the tree. */
static struct ipeer_node *ipeer_seq_get_locked(struct ipeer_base *b,
					       const struct ipeer_key *key)
{
	struct ipeer_node *p;
	bool revived = false;

	read_seqlock_excl_bh(&b->seq);
	p = ipeer_seq_find_locked(b, key, NULL, NULL);
	/* plain increment, also from 0: removal needs this lock */
	if (p)
		revived = atomic_inc_return(&p->refcnt) == 1;
	read_sequnlock_excl_bh(&b->seq);
	if (p) {
		this_cpu_inc(b->stats->fallback_hits);
		if (revived)
			ipeer_revived(b, p);
	}
	return p;
}

/*
 * The same, creating the node when absent: under the write side from the
 * start, as mainline's inet_getpeer() (a lookup that then finds the node
 * bumped the sequence for nothing, the price of one lock round trip).
 */
static struct ipeer_node *ipeer_seq_get_create(struct ipeer_base *b,
					       const struct ipeer_key *key)
{
	struct rb_node *parent, **link;
	struct ipeer_node *p;
	bool revived = false, inserted = false;

	write_seqlock_bh(&b->seq);
	p = ipeer_seq_find_locked(b, key, &parent, &link);
	if (p) {
		revived = atomic_inc_return(&p->refcnt) == 1;
	} else {
		p = ipeer_seq_insert(b, key, parent, link);
		inserted = !!p;
	}
	write_sequnlock_bh(&b->seq);
	if (inserted) {
		ipeer_maybe_gc(b);
	} else if (p) {
		this_cpu_inc(b->stats->fallback_hits);
		if (revived)
			ipeer_revived(b, p);
	}
	return p;
}

static struct ipeer_node *ipeer_seq_get(struct ipeer_base *b,
					const struct ipeer_key *key,
					bool create)
{
	struct ipeer_node *p;
	bool moved, unused = false;

	rcu_read_lock();
	p = ipeer_seq_walk(b, key, &moved);
	/*
	 * Refcount 0: unused, maybe on its way out; only inc_not_zero may
	 * take it here, the locked lookup revives it.
	 */
	if (p && !atomic_inc_not_zero(&p->refcnt)) {
		p = NULL;
		unused = true;
	}
	rcu_read_unlock();
	if (p) {
		this_cpu_inc(b->stats->lockless_hits);
		return p;
	}
	this_cpu_inc(b->stats->lockless_misses);
	if (moved)
		this_cpu_inc(b->stats->seq_retries);
	/* absent, and no writer ran under the walk: that is final */
	else if (!unused && !create)
		return NULL;
	return create ? ipeer_seq_get_create(b, key) :
			ipeer_seq_get_locked(b, key);
}

/**
 * ipeer_seq_lookup_noref() - the seqlock variant's no-reference lookup
 * @b: a base of the seqlock variant
 * @key: the peer's address
 *
 * ->lookup_noref() of the seqlock variant, called directly by the bench;
 * see ipeer_lookup_noref(). The lockless walk, and an exact lookup under
 * the spinlock only when a writer ran under it (counted in seq_retries).
 *
 * Context: inside an RCU read-side section.
 * Return: the node, or NULL when @key is absent.
 */
struct ipeer_node *ipeer_seq_lookup_noref(struct ipeer_base *b,
					  const struct ipeer_key *key)
{
	struct ipeer_node *p;
	bool moved;

	p = ipeer_seq_walk(b, key, &moved);
	if (likely(p || !moved))
		return p;
	this_cpu_inc(b->stats->seq_retries);
	/*
	 * Removal unlinks under this lock and frees after a grace period,
	 * which the caller's read-side section holds off: a node found here
	 * stays valid memory after the unlock too.
	 */
	read_seqlock_excl_bh(&b->seq);
	p = ipeer_seq_find_locked(b, key, NULL, NULL);
	read_sequnlock_excl_bh(&b->seq);
	return p;
}

static int ipeer_seq_unlink(struct ipeer_base *b, struct ipeer_node *p)
{
	int ret = -EBUSY;

	write_seqlock_bh(&b->seq);
	/*
	 * A lockless reader may have raised the refcount since we looked:
	 * 1 -> 0 succeeds only if ours is the only one, and from then on
	 * atomic_inc_not_zero() fails (as the rcu variant).
	 */
	if (atomic_cmpxchg(&p->refcnt, 1, 0) == 1) {
		/*
		 * rb_erase() needs no walk (parent links), but a node the walk
		 * by its key does not reach is in a corrupt tree and may hang
		 * anywhere: keep it, as the AVL variants do (whose removal
		 * walks anyway, so the walk also keeps the costs comparable).
		 */
		if (ipeer_seq_find_locked(b, &p->key, NULL, NULL) == p) {
			rb_erase(&p->rb, &b->rb_root);
			/* read locklessly, see ipeer_node_inserted() */
			WRITE_ONCE(b->total, b->total - 1);
			ret = 0;
		} else {
			atomic_set(&p->refcnt, 1);
			ret = -EUCLEAN;
		}
	}
	write_sequnlock_bh(&b->seq);
	/* a lockless walker may stand on a removed p: freed after a GP */
	return ipeer_unlink_done(b, p, ret);
}

static void ipeer_seq_lock_tree(struct ipeer_base *b)
	__acquires(&b->seq.lock)
{
	read_seqlock_excl_bh(&b->seq);
}

static void ipeer_seq_unlock_tree(struct ipeer_base *b)
	__releases(&b->seq.lock)
{
	read_sequnlock_excl_bh(&b->seq);
}

static struct ipeer_node *ipeer_seq_node(struct rb_node *n)
{
	return n ? rb_entry(n, struct ipeer_node, rb) : NULL;
}

/* Under the lock, or locklessly: marked reads either way. */
static struct ipeer_node *ipeer_seq_root(struct ipeer_base *b)
{
	return ipeer_seq_node(READ_ONCE(b->rb_root.rb_node));
}

static struct ipeer_node *ipeer_seq_child(struct ipeer_base *b,
					  struct ipeer_node *p, bool right)
{
	return ipeer_seq_node(right ? READ_ONCE(p->rb.rb_right) :
				      READ_ONCE(p->rb.rb_left));
}

/*
 * Check the red-black subtree at @n (below @parent), keys strictly between
 * @lo and @hi: parent links, no red node with a red child, the same black
 * height on both sides, and ipeer_check_node(). Returns its black height,
 * or -1. Recursion bounded by IPEER_RB_MAXDEPTH.
 */
static int ipeer_seq_check_subtree(struct ipeer_check_ctx *c,
				   struct rb_node *n, struct rb_node *parent,
				   const struct ipeer_key *lo,
				   const struct ipeer_key *hi, int level)
{
	struct ipeer_node *p;
	int lb, rb;

	if (!n)
		return 0;
	p = rb_entry(n, struct ipeer_node, rb);
	if (level > IPEER_RB_MAXDEPTH) {
		scnprintf(c->why, c->len, "deeper than %d", IPEER_RB_MAXDEPTH);
		return -1;
	}
	if (rb_parent(n) != parent) {
		scnprintf(c->why, c->len, "key %u:%08x: wrong parent link",
			  p->key.family, p->key.word[0]);
		return -1;
	}
	if (ipeer_check_node(c, p, lo, hi))
		return -1;
	if (rb_is_red(n) && ((n->rb_left && rb_is_red(n->rb_left)) ||
			     (n->rb_right && rb_is_red(n->rb_right)))) {
		scnprintf(c->why, c->len, "red key %u:%08x has a red child",
			  p->key.family, p->key.word[0]);
		return -1;
	}
	lb = ipeer_seq_check_subtree(c, n->rb_left, n, lo, &p->key, level + 1);
	if (lb < 0)
		return -1;
	rb = ipeer_seq_check_subtree(c, n->rb_right, n, &p->key, hi,
				     level + 1);
	if (rb < 0)
		return -1;
	if (lb != rb) {
		scnprintf(c->why, c->len, "black heights %d/%d at key %u:%08x",
			  lb, rb, p->key.family, p->key.word[0]);
		return -1;
	}
	return lb + rb_is_black(n);
}

static int ipeer_seq_check_tree(struct ipeer_check_ctx *c)
{
	struct rb_node *root = c->b->rb_root.rb_node;

	lockdep_assert_held(&c->b->seq.lock);
	if (root && rb_is_red(root)) {
		scnprintf(c->why, c->len, "red root");
		return -1;
	}
	return ipeer_seq_check_subtree(c, root, NULL, NULL, NULL, 1) < 0 ?
	       -1 : 0;
}

/* Black height: the black nodes on the leftmost path (all paths agree). */
static int ipeer_seq_height(struct ipeer_base *b)
{
	struct rb_node *n;
	int h = 0;

	for (n = b->rb_root.rb_node; n; n = n->rb_left)
		h += rb_is_black(n);
	return h;
}

static void ipeer_seq_free_all(struct ipeer_base *b)
{
	struct ipeer_node *p, *next;

	/*
	 * No user is left, but a walker that finished just before may still
	 * be inside its read-side section: keep deferring. The rcu_head is
	 * not in the rb_node, so the iteration may read on.
	 */
	rbtree_postorder_for_each_entry_safe(p, next, &b->rb_root, rb)
		ipeer_free_rcu(p);
	b->rb_root = RB_ROOT;
}

const struct ipeer_ops ipeer_seqlock_ops = {
	.name = "seqlock",
	.role = RCUNET_ROLE_LOCKLESS,
	.get = ipeer_seq_get,
	.unlink = ipeer_seq_unlink,
	.lock_tree = ipeer_seq_lock_tree,
	.unlock_tree = ipeer_seq_unlock_tree,
	.lookup_noref = ipeer_seq_lookup_noref,
	.root = ipeer_seq_root,
	.child = ipeer_seq_child,
	.check_tree = ipeer_seq_check_tree,
	.height = ipeer_seq_height,
	.free_all = ipeer_seq_free_all,
};
