/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pktgen_rcu: a packet generator whose per-packet device scan is RCU.
 *
 * Threads and devices
 * -------------------
 * One kthread per online CPU ("kpktgend_N", a struct pgr_thread) owns an
 * if_list of struct pgr_dev, one per configured interface. For every packet
 * the kthread picks the running device with the earliest next_tx
 * (next_to_run()) and transmits one skb (or a burst) on it.
 *
 * The if_list invariant (the point of commit 80e1e6db5c72 ("pktgen:
 * RCU-ify "if_list" to remove lock in next_to_run()"))
 * -------------------------------------------------------------------
 *  - Writers are add_device (a proc write, any CPU) and device removal
 *    (only ever the owning kthread). Both take the list's writer lock
 *    (t->if_lock; t->if_mutex in "mutex", below) and use
 *    list_add_rcu()/list_del_rcu(); a removed device is freed by
 *    kfree_rcu(), so a reader that found it keeps valid memory until it
 *    leaves its read-side section.
 *  - Readers in "rcu" mode (core.c) walk the list under rcu_read_lock()
 *    only; in "legacy" mode (legacy.c) they take the writer lock, as
 *    pktgen did before the change.
 *    "rcu" and "legacy" share the writer side; the switch to or from
 *    "mutex" changes it, list by list, as described below, so the mode
 *    may flip at any time.
 *  - The kthread uses the pgr_dev that next_to_run() returned after the
 *    read-side section ended: safe because only that same kthread removes
 *    devices from its own list.
 *  - Removal deletes the proc entry before the list entry: add_device
 *    decides "already exists" from the lists, so once an entry is off the
 *    list its proc name must already be free (or proc_create would clash).
 *
 * Where mainline went next: the "mutex" stage
 * --------------------------------------------
 * Commit 9a0b1e8ba406 ("net: pktgen: remove rcu locking in
 * pktgen_change_name()") turned if_lock into a mutex: once no reader took
 * it, every holder was a process-context writer, and a writer that may
 * sleep can allocate (GFP_KERNEL) and remove proc entries under it. The
 * "mutex" variant (mutex.c) has the same RCU readers as "rcu"; its writers
 * hold t->if_mutex instead of t->if_lock, and its removal calls
 * proc_remove() inside that lock, as mainline does today.
 *
 * Which writer lock a thread uses is part of its variant, t->ops. Only the
 * thread's owner (its kthread, or the user of a detached thread) changes
 * t->ops, at a control point, holding both writer locks
 * (pgr_thread_set_ops()). So:
 *  - the owner's own per-packet next_to_run() uses t->ops with no check;
 *  - everybody else who locks (writers, and the locked "legacy" readers)
 *    takes the lock t->ops names and checks t->ops again under it
 *    (pgr_writer_lock()): a "legacy" reader never walks a list a mutex
 *    writer is changing, and two writers never hold different locks;
 *  - RCU readers need no lock under any writer.
 * "mode" sets the module's variant (pgr_ops()) and posts PGR_T_MODE; each
 * kthread switches its own list when it sees the flag, and "mode" returns
 * once all have (pgr_set_variant(): all or nothing, one switch at a time).
 *
 * Thread control flags (t->control, atomic bitops) are how everybody else
 * talks to a kthread: start, stop, remove one marked device, remove all,
 * switch to the module's variant.
 */
#ifndef _PKTGEN_RCU_H
#define _PKTGEN_RCU_H

#include <linux/types.h>
#include <linux/bits.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/ktime.h>
#include <linux/wait.h>
#include <linux/netdevice.h>
#include <linux/if_ether.h>
#include "../common/rcunet.h"

#define PGR_NAME		"pktgen_rcu"
#define PGR_IFNAME_LEN		32
#define PGR_RESULT_LEN		512
#define PGR_THREAD_RESULT_LEN	128
#define PGR_MIN_PKT_SIZE	(ETH_HLEN + 20 + 8)
#define PGR_MAX_PKT_SIZE	9216
#define PGR_MAX_BURST		1024
/* longest "delay" accepted: an hour between packets (ktime never overflows) */
#define PGR_MAX_DELAY		(3600ULL * NSEC_PER_SEC)
#define PGR_DEV_MAGIC		0x70677264u	/* "pgrd" */
#define PGR_DEV_DEAD		0xdeadbeefu

/* Thread control bits (bit numbers for set_bit()/test_and_clear_bit()). */
enum {
	PGR_T_STOP,		/* stop all running devices */
	PGR_T_RUN,		/* start all devices */
	PGR_T_REMDEVALL,	/* remove all devices */
	PGR_T_REMDEV,		/* remove the devices marked for removal */
	PGR_T_MODE,		/* switch the thread to pgr_ops() */
};

/* Device flags ("flag NAME" / "flag !NAME"), pktgen's bit values. */
#define PGR_F_IPSRC_RND		BIT(0)
#define PGR_F_IPDST_RND		BIT(1)
#define PGR_F_UDPSRC_RND	BIT(2)
#define PGR_F_UDPDST_RND	BIT(3)
#define PGR_F_MACSRC_RND	BIT(4)
#define PGR_F_MACDST_RND	BIT(5)
#define PGR_F_TXSIZE_RND	BIT(6)
#define PGR_F_QUEUE_MAP_RND	BIT(13)
#define PGR_F_QUEUE_MAP_CPU	BIT(14)
#define PGR_F_NO_TIMESTAMP	BIT(17)

struct pgr_list_ops;

struct pgr_thread {
	spinlock_t if_lock;		/* rcu/legacy writers; legacy readers */
	struct mutex if_mutex;		/* mutex writers (and legacy readers then) */
	/* the variant in effect: see pktgen_rcu.h's head, pgr_thread_set_ops() */
	const struct pgr_list_ops *ops;
	struct list_head if_list;	/* struct pgr_dev.list, RCU */
	struct list_head th_list;	/* pgr_threads, under pgr_thread_lock */
	unsigned long control;		/* PGR_T_* bits */
	bool processing;		/* kthread acting on control */
	struct task_struct *tsk;	/* NULL for a detached (KUnit) thread */
	wait_queue_head_t queue;	/* kthread idles here until control */
	struct proc_dir_entry *entry;	/* /proc/net/pktgen_rcu/kpktgend_N */
	unsigned int cpu;
	char result[PGR_THREAD_RESULT_LEN];
};

struct pgr_dev {
	struct list_head list;		/* in pg_thread->if_list, RCU */
	struct rcu_head rcu;		/* freed by kfree_rcu() */
	u32 magic;			/* PGR_DEV_MAGIC while on a list */
	struct pgr_thread *pg_thread;	/* owner, set under the writer lock */
	struct proc_dir_entry *entry;	/* /proc/net/pktgen_rcu/<odevname> */
	struct net_device *odev;	/* held from add to removal */
	netdevice_tracker dev_tracker;
	char odevname[PGR_IFNAME_LEN];	/* "eth0" or "eth0@1" */
	int running;			/* read locklessly: READ_ONCE/WRITE_ONCE */
	/*
	 * Protects result (written by proc writers and the kthread, read by
	 * the device file), and makes "clear_counters" (a proc writer) and
	 * pgr_start_device() (the kthread) exclusive: clear_counters zeroes
	 * the counters only if it sees the device stopped under it.
	 */
	spinlock_t lock;
	bool removal_mark;		/* T_REMDEV removes it */

	/*
	 * configuration, written by proc writes under pgr_cfg_lock; the
	 * kthread reads it with READ_ONCE() (the MACs: see pgr_fill_packet())
	 */
	u64 count;			/* 0 = run forever */
	u64 delay;			/* ns between packets, ULLONG_MAX = never */
	u32 min_pkt_size;
	u32 max_pkt_size;
	u32 clone_skb;
	u32 burst;
	u32 flags;
	__be32 saddr_min, saddr_max, daddr_min, daddr_max;
	char src_min[16], src_max[16], dst_min[16], dst_max[16];
	u16 udp_src_min, udp_src_max, udp_dst_min, udp_dst_max;
	u16 queue_map_min, queue_map_max;
	u8 dst_mac[ETH_ALEN];
	u8 src_mac[ETH_ALEN];

	/*
	 * run state, owned by the kthread; the device file reads the
	 * counters with data_race() (a display snapshot). The cur_* cursors
	 * are also reset by proc writes: both sides READ_ONCE/WRITE_ONCE.
	 */
	struct sk_buff *skb;		/* the packet being (re)sent */
	u64 sofar, errors, tx_bytes;
	u64 idle_acc;			/* ns spent waiting */
	ktime_t started_at, stopped_at, next_tx;
	u32 cur_pkt_size, last_pkt_size, clone_count;
	int last_ok;
	u32 seq_num;
	__be32 cur_saddr, cur_daddr;
	u16 cur_udp_src, cur_udp_dst, cur_queue_map;

	char result[PGR_RESULT_LEN];	/* under lock */
};

/**
 * struct pgr_list_ops - the if_list readers and writer lock of one variant
 * @name: "rcu", "legacy" or "mutex", as the mode commands spell it
 * @role: %RCUNET_ROLE_LOCKLESS (rcu, mutex) or %RCUNET_ROLE_LOCKED (legacy)
 * @next_to_run: the running device with the earliest next_tx, or NULL.
 *	The result outlives the read-side section only for the kthread that
 *	owns the thread (it alone removes devices from it).
 * @thread_is_running: true if any device of the thread is running
 * @find_dev: true if @ifname is on the thread's list (pgr_name_match(),
 *	@exact as there)
 * @mark_dev: set removal_mark on the device named @ifname; true if found
 * @mark_odev: mark every device transmitting on @odev; returns how many
 * @walk: call @fn(dev, @arg) for every device of the thread. @fn runs
 *	inside the reader's protection (RCU read-side section, or the
 *	thread's writer lock for "legacy"): it must not sleep.
 * @writer_lock: take the lock that serialises this variant's writers
 *	(if_lock: rcu, legacy; if_mutex: mutex). Callers other than the
 *	thread's owner use pgr_writer_lock(), which checks t->ops under it.
 * @writer_unlock: release it
 * @remove_device: the variant's removal (pgr_remove_device() for rcu and
 *	legacy, pgr_mutex_remove_device() for mutex); only the owner calls it
 * @writer_may_sleep: true if @writer_lock is a sleeping lock (mutex)
 *
 * The readers commit 80e1e6db5c72 ("pktgen: RCU-ify "if_list" to remove
 * lock in next_to_run()") changed, one table per variant: "rcu" (core.c)
 * is the change, "legacy" (legacy.c) the original, "mutex" (mutex.c) the
 * stage mainline went to next (RCU readers, a mutex for the writers).
 */
struct pgr_list_ops {
	const char *name;
	enum rcunet_role role;
	struct pgr_dev *(*next_to_run)(struct pgr_thread *t);
	bool (*thread_is_running)(struct pgr_thread *t);
	bool (*find_dev)(struct pgr_thread *t, const char *ifname, bool exact);
	bool (*mark_dev)(struct pgr_thread *t, const char *ifname);
	int (*mark_odev)(struct pgr_thread *t, const struct net_device *odev);
	void (*walk)(struct pgr_thread *t,
		     void (*fn)(struct pgr_dev *dev, void *arg), void *arg);
	void (*writer_lock)(struct pgr_thread *t);
	void (*writer_unlock)(struct pgr_thread *t);
	void (*remove_device)(struct pgr_thread *t, struct pgr_dev *dev);
	bool writer_may_sleep;
};

/**
 * enum pgr_variant - the reader variants, for pgr_variant_ops()
 * @PGR_VARIANT_RCU: lockless readers (the upstream change)
 * @PGR_VARIANT_LEGACY: readers that take if_lock (the original)
 * @PGR_VARIANT_MUTEX: RCU readers, writers under a mutex (mainline's next
 *	stage, commit 9a0b1e8ba406)
 * @PGR_NR_VARIANTS: how many there are
 */
enum pgr_variant {
	PGR_VARIANT_RCU,
	PGR_VARIANT_LEGACY,
	PGR_VARIANT_MUTEX,
	PGR_NR_VARIANTS,
};

/*
 * The API the KUnit suite and the torture driver use (exported only on
 * CONFIG_KUNIT kernels, see RCUNET_EXPORT_FOR_TESTS()); kernel-doc at the
 * definitions. No other module calls into pktgen_rcu.
 */

/* core.c */
const struct pgr_list_ops *pgr_variant_ops(enum pgr_variant v);
const struct pgr_list_ops *pgr_ops(void);
int pgr_set_legacy(bool legacy);
int pgr_set_variant(enum pgr_variant v);
bool pgr_name_match(const char *odevname, const char *ifname, bool exact);
void pgr_thread_init(struct pgr_thread *t, unsigned int cpu);
void pgr_thread_set_ops(struct pgr_thread *t, const struct pgr_list_ops *ops);
const struct pgr_list_ops *pgr_writer_lock(struct pgr_thread *t);
struct pgr_dev *pgr_dev_alloc(const char *ifname);
int pgr_list_add(struct pgr_thread *t, struct pgr_dev *dev);
void pgr_remove_device(struct pgr_thread *t, struct pgr_dev *dev);
void pgr_thread_post(struct pgr_thread *t, int flag);
bool pgr_thread_process_control(struct pgr_thread *t);
bool pgr_thread_flag_done(struct pgr_thread *t, int flag);
void pgr_stop(struct pgr_thread *t);
void pgr_rem_marked(struct pgr_thread *t);
void pgr_rem_all(struct pgr_thread *t);

/* legacy.c */
void pgr_legacy_remove_device(struct pgr_thread *t, struct pgr_dev *dev);

/* mutex.c */
void pgr_mutex_remove_device(struct pgr_thread *t, struct pgr_dev *dev);

/* params.c */
int pgr_dev_command(struct pgr_dev *dev, char *line);

/* xmit.c */
u32 pgr_xmit_budget(u64 count, u64 sofar, u32 burst);

#endif /* _PKTGEN_RCU_H */
