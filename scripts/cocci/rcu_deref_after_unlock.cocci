// A pointer loaded with rcu_dereference*() inside a read-side section and
// dereferenced after rcu_read_unlock(), with no reference taken in between
// (refcount_inc_not_zero(), kref_get_unless_zero(), ...): once the section
// ends a grace period may complete and the object may be freed.
virtual report

@use_after_unlock exists@
local idexpression x;
expression P, E, C;
identifier fld, fld2;
position p;
@@
\(rcu_read_lock\|rcu_read_lock_bh\|rcu_read_lock_sched\)();
... when != rcu_read_unlock()
    when != rcu_read_unlock_bh()
    when != rcu_read_unlock_sched()
x = \(rcu_dereference(P)\|rcu_dereference_bh(P)\|rcu_dereference_sched(P)\|rcu_dereference_check(P, C)\|rcu_dereference_bh_check(P, C)\);
... when != rcu_read_unlock()
    when != rcu_read_unlock_bh()
    when != rcu_read_unlock_sched()
    when != x = E
    when != refcount_inc_not_zero(&x->fld2)
    when != atomic_inc_not_zero(&x->fld2)
    when != kref_get_unless_zero(&x->fld2)
    when != atomic_long_inc_not_zero(&x->fld2)
    when != percpu_ref_tryget(&x->fld2)
    when != refcount_inc(&x->fld2)
    when != atomic_inc(&x->fld2)
\(rcu_read_unlock\|rcu_read_unlock_bh\|rcu_read_unlock_sched\)();
... when != x = E
\(x@p->fld\|*x@p\)

@script:python depends on report@
p << use_after_unlock.p;
@@
coccilib.report.print_report(p[0], "rcunet: RCU-protected pointer dereferenced after rcu_read_unlock() with no reference held")
