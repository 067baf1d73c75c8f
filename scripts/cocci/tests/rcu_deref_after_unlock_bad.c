/* Planted fault: must be reported. */
int bad_use_after_unlock(struct holder *h)
{
	struct item *it;

	rcu_read_lock();
	it = rcu_dereference(h->cur);
	rcu_read_unlock();
	return it->v;
}
