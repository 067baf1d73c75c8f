/* Correct twins of the planted faults: nothing here may be reported. */
int good_sleep(struct holder *h)
{
	int v;

	rcu_read_lock();
	v = rcu_dereference(h->cur)->v;
	rcu_read_unlock();
	msleep(10);
	return v;
}

void *good_alloc(struct holder *h)
{
	void *p;

	rcu_read_lock_bh();
	p = kmalloc(64, GFP_ATOMIC);
	rcu_read_unlock_bh();
	return p;
}
