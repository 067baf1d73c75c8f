// SPDX-License-Identifier: GPL-2.0
/*
 * rcunet compat probe: always compiles. If it does not, the probe run
 * itself is broken (compiler, flags, tree) and every other result would
 * be a false "absent": compat/probe fails the build instead.
 */
#include <linux/module.h>

int rcunet_probe_baseline(void);
int rcunet_probe_baseline(void)
{
	return 0;
}

MODULE_LICENSE("GPL");
