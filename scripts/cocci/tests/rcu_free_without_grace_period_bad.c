/* Planted faults: each function here must be reported. */
struct item {
	struct list_head node;
	int v;
};

struct holder {
	struct item __rcu *cur;
};

void bad_unlink_free(struct item *it, spinlock_t *lock)
{
	spin_lock(lock);
	list_del_rcu(&it->node);
	spin_unlock(lock);
	kfree(it);
}

void bad_replace_free(struct holder *h, struct item *n, spinlock_t *lock)
{
	struct item *old;

	spin_lock(lock);
	old = rcu_dereference_protected(h->cur, lockdep_is_held(lock));
	rcu_assign_pointer(h->cur, n);
	spin_unlock(lock);
	kfree(old);
}
