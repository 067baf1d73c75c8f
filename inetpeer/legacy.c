// SPDX-License-Identifier: GPL-2.0
/*
 * rcunet inetpeer: the "rwlock" variant, the cache as it was before
 * commit 0e51e2c70f75 ("inetpeer: RCU conversion"). Every lookup takes
 * the tree rwlock for reading, so all CPUs looking up peers bounce the
 * lock's cache line; writers take it for writing. With no lockless
 * reader, the last reference can be checked with a plain read under the
 * write lock and a node can be freed at once.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include "internal.h"

static struct ipeer_node *ipeer_rwlock_get(struct ipeer_base *b,
					   const struct ipeer_key *key,
					   bool create)
{
	struct ipeer_node __rcu **stack[IPEER_MAXDEPTH + 1];
	struct ipeer_node *p;
	unsigned int depth;
	bool revived = false;

	read_lock_bh(&b->rwlock);
	p = ipeer_lookup_locked(b, key, NULL, NULL);
	/*
	 * Removal needs the write lock: p stays while we hold the read lock.
	 * A count taken from 0 makes us the reviver, who must take p off the
	 * unused list under unused_lock (see ipeer_revived()).
	 */
	if (p)
		revived = atomic_inc_return(&p->refcnt) == 1;
	read_unlock_bh(&b->rwlock);
	if (p) {
		this_cpu_inc(b->stats->locked_hits);
		if (revived)
			ipeer_revived(b, p);
		return p;
	}
	this_cpu_inc(b->stats->locked_misses);
	if (!create)
		return NULL;

	write_lock_bh(&b->rwlock);
	/* look again: the node may have appeared while we had no lock */
	p = ipeer_lookup_locked(b, key, stack, &depth);
	if (p) {
		revived = atomic_inc_return(&p->refcnt) == 1;
		write_unlock_bh(&b->rwlock);
		if (revived)
			ipeer_revived(b, p);
		return p;
	}
	p = ipeer_link_new(b, key, stack, depth, GFP_ATOMIC);
	write_unlock_bh(&b->rwlock);

	if (p)
		ipeer_maybe_gc(b);
	return p;
}

static int ipeer_rwlock_unlink(struct ipeer_base *b, struct ipeer_node *p)
{
	int ret = -EBUSY;

	write_lock_bh(&b->rwlock);
	/*
	 * Readers take references only under the read lock, which we exclude:
	 * a count of 1 (our own) cannot change under us. If the tree walk does
	 * not lead to p, p may still be linked: it keeps our reference.
	 */
	if (atomic_read(&p->refcnt) == 1)
		ret = ipeer_unlink_locked(b, p) ? 0 : -EUCLEAN;
	if (!ret)
		atomic_set(&p->refcnt, 0);
	write_unlock_bh(&b->rwlock);
	/* nobody can reach p without the lock: a removed p is freed now */
	return ipeer_unlink_done(b, p, ret);
}

static void ipeer_rwlock_lock_tree(struct ipeer_base *b)
	__acquires(&b->rwlock)
{
	read_lock_bh(&b->rwlock);
}

static void ipeer_rwlock_unlock_tree(struct ipeer_base *b)
	__releases(&b->rwlock)
{
	read_unlock_bh(&b->rwlock);
}

const struct ipeer_ops ipeer_rwlock_ops = {
	.name = "rwlock",
	.role = RCUNET_ROLE_LOCKED,
	.get = ipeer_rwlock_get,
	.unlink = ipeer_rwlock_unlink,
	.lock_tree = ipeer_rwlock_lock_tree,
	.unlock_tree = ipeer_rwlock_unlock_tree,
	/* no lookup_noref: nodes are freed at once, see ipeer_lookup_noref() */
	.root = ipeer_avl_root,
	.child = ipeer_avl_child,
	.check_tree = ipeer_avl_check_tree,
	.height = ipeer_avl_height,
	.free_all = ipeer_avl_free_all,
};
