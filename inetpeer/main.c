// SPDX-License-Identifier: GPL-2.0
/* inetpeer: placeholder until the module lands. */
#include <linux/module.h>
#include "../common/rcunet.h"

static struct proc_dir_entry *inetpeer_dir;

static int __init inetpeer_init(void)
{
	inetpeer_dir = rcunet_proc_mkdir("inetpeer");
	return inetpeer_dir ? 0 : -ENOMEM;
}

static void __exit inetpeer_exit(void)
{
	proc_remove(inetpeer_dir);
}

module_init(inetpeer_init);
module_exit(inetpeer_exit);
MODULE_LICENSE("GPL");
