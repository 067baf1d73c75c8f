// SPDX-License-Identifier: GPL-2.0
/* pktgen_rcu: placeholder until the module lands. */
#include <linux/module.h>
#include "../common/rcunet.h"

static struct proc_dir_entry *pktgen_rcu_dir;

static int __init pktgen_rcu_init(void)
{
	pktgen_rcu_dir = rcunet_proc_mkdir("pktgen_rcu");
	return pktgen_rcu_dir ? 0 : -ENOMEM;
}

static void __exit pktgen_rcu_exit(void)
{
	proc_remove(pktgen_rcu_dir);
}

module_init(pktgen_rcu_init);
module_exit(pktgen_rcu_exit);
MODULE_LICENSE("GPL");
