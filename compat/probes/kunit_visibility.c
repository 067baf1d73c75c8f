// SPDX-License-Identifier: GPL-2.0
/*
 * rcunet compat probe KUNIT_VISIBILITY: <kunit/visibility.h> and its
 * EXPORT_SYMBOL_IF_KUNIT() (6.2): the kernel's own way to export a symbol
 * for KUnit suites only, into the EXPORTED_FOR_KUNIT_TESTING namespace.
 * Older kernels get rcunet's equivalent (common/rcunet.h).
 */
#include <linux/module.h>
#include <kunit/visibility.h>

int rcunet_probe_kunit_visibility(void);
int rcunet_probe_kunit_visibility(void)
{
	return 1;
}
EXPORT_SYMBOL_IF_KUNIT(rcunet_probe_kunit_visibility);

MODULE_LICENSE("GPL");
