// SPDX-License-Identifier: GPL-2.0
/*
 * pktgen_rcu mutex: where mainline went after commit 80e1e6db5c72
 * ("pktgen: RCU-ify "if_list" to remove lock in next_to_run()").
 *
 * Once the per-packet scan and every other reader were RCU readers, the
 * only holders of if_lock were writers in process context: add_device (a
 * proc write) and the owning kthread's removals. Commit 9a0b1e8ba406
 * ("net: pktgen: remove rcu locking in pktgen_change_name()") then turned
 * if_lock into a mutex, so that a writer may sleep under it:
 * pktgen_change_name() recreates a device's proc entry (proc_create_data(),
 * a GFP_KERNEL allocation) while it walks the list under if_lock, which a
 * spinlock (or the RCU read-side section it had used before) forbids.
 * Later mainline also moved the removal's proc_remove() inside the lock
 * ("net: pktgen: fix proc entry use-after-free": the rename replaced the
 * entry under if_lock while the removal removed it outside), which only a
 * sleeping lock allows: proc_remove() waits for the file's users.
 *
 * This variant is that stage: the readers are exactly the "rcu" ones
 * (core.c), the writers serialise on t->if_mutex, and the removal does
 * proc_remove() and list_del_rcu() under it, then kfree_rcu() as before
 * (mainline kept kfree_rcu(): a synchronize_rcu() under the mutex would
 * make every add_device wait for a grace period). Per packet nothing
 * changes: next_to_run() is the same function as in "rcu".
 */
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/proc_fs.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include "../common/rcunet.h"
#include "internal.h"

static void pgr_mutex_writer_lock(struct pgr_thread *t)
{
	mutex_lock(&t->if_mutex);
}

static void pgr_mutex_writer_unlock(struct pgr_thread *t)
{
	mutex_unlock(&t->if_mutex);
}

/**
 * pgr_mutex_remove_device() - mainline's removal, under the writer mutex
 * @t: the thread owning @dev (in the "mutex" variant)
 * @dev: the device
 *
 * Only the kthread owning @t (or the user of a detached thread) calls this,
 * so @dev is not transmitting. Stops it; then, holding if_mutex, removes
 * its proc file (which sleeps until the file's users are gone) and unlinks
 * it, in that order for the same reason as pgr_remove_device() (add_device
 * decides "in use" from the lists); drops the netdev and frees it after a
 * grace period. The test knob removal_delay_us sleeps between the two
 * steps, inside the mutex: a writer sleeping under the writer lock, which
 * the RCU readers (the per-packet scan) never wait for.
 *
 * Context: process context, may sleep (takes if_mutex, proc_remove()).
 */
void pgr_mutex_remove_device(struct pgr_thread *t, struct pgr_dev *dev)
{
	pgr_check_removal_lock(t, true);
	pgr_remove_stop(dev);
	mutex_lock(&t->if_mutex);
	if (dev->entry) {
		proc_remove(dev->entry);
		dev->entry = NULL;
	}
	/* allowed here, and the reason for the mutex: we may sleep */
	pgr_removal_delay();
	list_del_rcu(&dev->list);
	mutex_unlock(&t->if_mutex);
	pgr_remove_odev(dev);
	WRITE_ONCE(dev->magic, PGR_DEV_DEAD);
	/* lockless readers may still be walking past @dev */
	kfree_rcu(dev, rcu);
}

RCUNET_EXPORT_FOR_TESTS(pgr_mutex_remove_device);

const struct pgr_list_ops pgr_mutex_ops = {
	.name			= "mutex",
	.role			= RCUNET_ROLE_LOCKLESS,
	/* the readers of the "rcu" stage, unchanged */
	.next_to_run		= pgr_next_to_run_rcu,
	.thread_is_running	= pgr_thread_is_running_rcu,
	.find_dev		= pgr_find_dev_rcu,
	.mark_dev		= pgr_mark_dev_rcu,
	.mark_odev		= pgr_mark_odev_rcu,
	.walk			= pgr_walk_rcu,
	/* the writers: if_lock became a mutex */
	.writer_lock		= pgr_mutex_writer_lock,
	.writer_unlock		= pgr_mutex_writer_unlock,
	.remove_device		= pgr_mutex_remove_device,
	.writer_may_sleep	= true,
};
