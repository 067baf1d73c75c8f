// A call that may sleep inside an rcu_read_lock() (or _bh/_sched)
// read-side section: a non-preemptible RCU reader must not block, and
// lockdep only notices on the paths a test happens to take.
virtual report

@sleeps exists@
position p;
expression list args;
@@
\(rcu_read_lock\|rcu_read_lock_bh\|rcu_read_lock_sched\)();
... when != rcu_read_unlock()
    when != rcu_read_unlock_bh()
    when != rcu_read_unlock_sched()
\(msleep@p(args)\|ssleep@p(args)\|usleep_range@p(args)\|msleep_interruptible@p(args)\|schedule@p(args)\|schedule_timeout@p(args)\|schedule_timeout_interruptible@p(args)\|schedule_timeout_uninterruptible@p(args)\|cond_resched@p(args)\|might_sleep@p(args)\|mutex_lock@p(args)\|mutex_lock_interruptible@p(args)\|mutex_lock_killable@p(args)\|down@p(args)\|down_read@p(args)\|down_write@p(args)\|down_interruptible@p(args)\|wait_for_completion@p(args)\|wait_for_completion_interruptible@p(args)\|synchronize_rcu@p(args)\|synchronize_net@p(args)\|rcu_barrier@p(args)\|kthread_stop@p(args)\|flush_work@p(args)\|cancel_work_sync@p(args)\|cancel_delayed_work_sync@p(args)\|copy_from_user@p(args)\|copy_to_user@p(args)\|get_user@p(args)\|put_user@p(args)\|vmalloc@p(args)\|vzalloc@p(args)\|alloc_percpu@p(args)\|free_percpu@p(args)\|crypto_alloc_shash@p(args)\|crypto_alloc_ahash@p(args)\);

@gfp_kernel exists@
position p;
expression E1, E2, E3;
@@
\(rcu_read_lock\|rcu_read_lock_bh\|rcu_read_lock_sched\)();
... when != rcu_read_unlock()
    when != rcu_read_unlock_bh()
    when != rcu_read_unlock_sched()
\(kmalloc@p(E1, GFP_KERNEL)\|kzalloc@p(E1, GFP_KERNEL)\|kcalloc@p(E1, E2, GFP_KERNEL)\|kmalloc_array@p(E1, E2, GFP_KERNEL)\|kmem_cache_alloc@p(E1, GFP_KERNEL)\|kmem_cache_zalloc@p(E1, GFP_KERNEL)\|alloc_skb@p(E1, GFP_KERNEL)\|kstrdup@p(E1, GFP_KERNEL)\|kmemdup@p(E1, E2, GFP_KERNEL)\|krealloc@p(E1, E2, GFP_KERNEL)\|kmalloc_node@p(E1, GFP_KERNEL, E3)\)

@script:python depends on report@
p << sleeps.p;
@@
coccilib.report.print_report(p[0], "rcunet: call that may sleep inside an RCU read-side section")

@script:python depends on report@
p << gfp_kernel.p;
@@
coccilib.report.print_report(p[0], "rcunet: GFP_KERNEL allocation inside an RCU read-side section")
