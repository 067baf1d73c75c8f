// An object unlinked from an RCU-protected list or pointer and freed
// straight away, with no grace period in between: lockless readers that
// found it before the unlink may still be reading it. Use kfree_rcu(),
// call_rcu() or synchronize_rcu() before the free.
virtual report

@unlink_then_free exists@
expression E, C;
identifier fld;
position p;
@@
\(list_del_rcu\|hlist_del_rcu\|hlist_del_init_rcu\|list_del_init_rcu\|hlist_nulls_del_rcu\)(&E->fld);
... when != synchronize_rcu()
    when != synchronize_rcu_expedited()
    when != synchronize_net()
    when != rcu_barrier()
\(kfree@p(E)\|kvfree@p(E)\|kmem_cache_free@p(C, E)\|kfree_sensitive@p(E)\);

@replace_then_free exists@
expression P, N, O, C, X;
type T;
identifier o;
position p;
@@
(
O = \(rcu_dereference_protected(P, ...)\|rcu_access_pointer(P)\|rcu_dereference_raw(P)\|rcu_dereference(P)\);
... when != synchronize_rcu()
    when != synchronize_rcu_expedited()
    when != synchronize_net()
rcu_assign_pointer(P, N);
... when != synchronize_rcu()
    when != synchronize_rcu_expedited()
    when != synchronize_net()
    when != rcu_barrier()
    when != O = X
\(kfree@p(O)\|kvfree@p(O)\|kmem_cache_free@p(C, O)\);
|
T o = \(rcu_dereference_protected(P, ...)\|rcu_access_pointer(P)\|rcu_dereference_raw(P)\|rcu_dereference(P)\);
... when != synchronize_rcu()
    when != synchronize_rcu_expedited()
    when != synchronize_net()
rcu_assign_pointer(P, N);
... when != synchronize_rcu()
    when != synchronize_rcu_expedited()
    when != synchronize_net()
    when != rcu_barrier()
    when != o = X
\(kfree@p(o)\|kvfree@p(o)\|kmem_cache_free@p(C, o)\);
|
O = rcu_replace_pointer(P, N, ...);
... when != synchronize_rcu()
    when != synchronize_rcu_expedited()
    when != synchronize_net()
    when != rcu_barrier()
    when != O = X
\(kfree@p(O)\|kvfree@p(O)\|kmem_cache_free@p(C, O)\);
)

@script:python depends on report@
p << unlink_then_free.p;
@@
coccilib.report.print_report(p[0], "rcunet: freed right after an RCU unlink, with no grace period (use kfree_rcu/call_rcu/synchronize_rcu)")

@script:python depends on report@
p << replace_then_free.p;
@@
coccilib.report.print_report(p[0], "rcunet: old RCU pointer freed right after rcu_assign_pointer/rcu_replace_pointer, with no grace period")
