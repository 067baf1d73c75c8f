// SPDX-License-Identifier: GPL-2.0
/*
 * rcunet compat probe GET_RANDOM_U32_BELOW: the bounded random number
 * API that replaced prandom_u32_max() (deprecated in 6.1.y, gone in
 * 6.12).
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/random.h>

/* a parameter, so that the bound is not a constant the compiler folds */
static unsigned int ceil = 10;
module_param(ceil, uint, 0444);

static int __init rcunet_probe_init(void)
{
	return get_random_u32_below(ceil) < ceil ? 0 : -EINVAL;
}
module_init(rcunet_probe_init);

MODULE_LICENSE("GPL");
