/* Planted faults: each function here must be reported. */
int bad_sleep(struct holder *h)
{
	int v;

	rcu_read_lock();
	v = rcu_dereference(h->cur)->v;
	msleep(10);
	rcu_read_unlock();
	return v;
}

void *bad_alloc(struct holder *h)
{
	void *p;

	rcu_read_lock_bh();
	p = kmalloc(64, GFP_KERNEL);
	rcu_read_unlock_bh();
	return p;
}

void bad_mutex(struct holder *h, struct mutex *m)
{
	rcu_read_lock();
	mutex_lock(m);
	mutex_unlock(m);
	rcu_read_unlock();
}
