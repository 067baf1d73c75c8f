/* Correct twins of the planted faults: nothing here may be reported. */
void good_unlink_free(struct item *it, spinlock_t *lock)
{
	spin_lock(lock);
	list_del_rcu(&it->node);
	spin_unlock(lock);
	synchronize_rcu();
	kfree(it);
}

void good_unlink_kfree_rcu(struct item *it, spinlock_t *lock)
{
	spin_lock(lock);
	list_del_rcu(&it->node);
	spin_unlock(lock);
	kfree_rcu(it, rcu);
}

void good_replace_free(struct holder *h, struct item *n, spinlock_t *lock)
{
	struct item *old;

	spin_lock(lock);
	old = rcu_dereference_protected(h->cur, lockdep_is_held(lock));
	rcu_assign_pointer(h->cur, n);
	spin_unlock(lock);
	synchronize_rcu();
	kfree(old);
}
