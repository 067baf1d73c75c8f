// SPDX-License-Identifier: GPL-2.0
/* pcpuref: placeholder until the module lands. */
#include <linux/module.h>
#include "../common/rcunet.h"

static struct proc_dir_entry *pcpuref_dir;

static int __init pcpuref_init(void)
{
	pcpuref_dir = rcunet_proc_mkdir("pcpuref");
	return pcpuref_dir ? 0 : -ENOMEM;
}

static void __exit pcpuref_exit(void)
{
	proc_remove(pcpuref_dir);
}

module_init(pcpuref_init);
module_exit(pcpuref_exit);
MODULE_LICENSE("GPL");
