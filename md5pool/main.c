// SPDX-License-Identifier: GPL-2.0
/* md5pool: placeholder until the module lands. */
#include <linux/module.h>
#include "../common/rcunet.h"

static struct proc_dir_entry *md5pool_dir;

static int __init md5pool_init(void)
{
	md5pool_dir = rcunet_proc_mkdir("md5pool");
	return md5pool_dir ? 0 : -ENOMEM;
}

static void __exit md5pool_exit(void)
{
	proc_remove(md5pool_dir);
}

module_init(md5pool_init);
module_exit(md5pool_exit);
MODULE_LICENSE("GPL");
