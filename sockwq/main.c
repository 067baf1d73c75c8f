// SPDX-License-Identifier: GPL-2.0
/* sockwq: placeholder until the module lands. */
#include <linux/module.h>
#include "../common/rcunet.h"

static struct proc_dir_entry *sockwq_dir;

static int __init sockwq_init(void)
{
	sockwq_dir = rcunet_proc_mkdir("sockwq");
	return sockwq_dir ? 0 : -ENOMEM;
}

static void __exit sockwq_exit(void)
{
	proc_remove(sockwq_dir);
}

module_init(sockwq_init);
module_exit(sockwq_exit);
MODULE_LICENSE("GPL");
