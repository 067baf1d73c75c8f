/* Correct twins of the planted fault: nothing here may be reported. */
int good_use_inside(struct holder *h)
{
	struct item *it;
	int v;

	rcu_read_lock();
	it = rcu_dereference(h->cur);
	v = it->v;
	rcu_read_unlock();
	return v;
}

struct peer *good_ref_taken(struct holder *h)
{
	struct peer *p;

	rcu_read_lock();
	p = rcu_dereference(h->peer);
	if (p && !refcount_inc_not_zero(&p->refcnt))
		p = NULL;
	rcu_read_unlock();
	if (p)
		p->hits++;
	return p;
}

int good_null_check_only(struct holder *h)
{
	struct item *it;

	rcu_read_lock();
	it = rcu_dereference(h->cur);
	rcu_read_unlock();
	return it != NULL;
}
