// SPDX-License-Identifier: GPL-2.0
/*
 * pcpuref legacy: the locked original, the one shared counter that commit
 * 9b546410b92e ("net: percpu net_device refcount") replaced, as an atomic_t
 * (what net_device had) and as a refcount_t (what a device refcount without
 * CONFIG_PCPU_DEV_REFCNT is today). Every hold and put of every CPU hits
 * the same cache line, which is what the change removed from the dst
 * create/destroy path. The hold/put fast paths are inlines in pcpuref.h;
 * their storage and cold paths are here.
 */
#define pr_fmt(fmt) "pcpuref: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/printk.h>
#include "internal.h"

/* Storage for an atomic or refcount device: one counter, starting at 0. */
int pcref_legacy_counter_init(struct pcref_dev *dev, enum pcref_variant v)
{
	switch (v) {
	case PCREF_ATOMIC:
		atomic_set(&dev->refcnt, 0);
		return 0;
	case PCREF_REFCOUNT:
		refcount_set(&dev->refs, 0);
		return 0;
	default:
		return -EINVAL;
	}
}

/* The registry's base reference on a fresh atomic or refcount counter. */
void pcref_legacy_set_base(struct pcref_dev *dev)
{
	if (dev->variant == PCREF_REFCOUNT)
		refcount_set(&dev->refs, 1);	/* refcount_inc(0) would warn */
	else
		pcref_atomic_hold(dev);
}

/**
 * pcref_legacy_read() - the count of an atomic or refcount device
 * @dev: a device of variant PCREF_ATOMIC or PCREF_REFCOUNT
 *
 * Context: any.
 * Return: the shared counter, base reference included.
 */
int pcref_legacy_read(const struct pcref_dev *dev)
{
	if (dev->variant == PCREF_ATOMIC)
		return atomic_read(&dev->refcnt);
	return refcount_read(&dev->refs);
}

RCUNET_EXPORT_FOR_TESTS(pcref_legacy_read);

/**
 * pcref_refcount_underflow() - report a refused put on a refcount device
 * @dev: the device whose put found only the base reference left
 *
 * The caller put a reference it did not hold. refcount_dec_not_one() has
 * refused the decrement, so the count is unchanged and the device stays
 * unregistrable; this only counts and reports. A plain rate-limited line,
 * not WARN(): the refusal already kept the count sane, and with
 * panic_on_warn a WARN would let any caller with a stray put take the
 * machine down. Out of line: the cold path of pcref_refcount_put().
 *
 * Context: any.
 */
void pcref_refcount_underflow(struct pcref_dev *dev)
{
	atomic_inc(&dev->underflows);
	atomic_long_inc(&pcref_totals.errors);
	pr_warn_ratelimited("%s: put without a held reference, refused\n",
			    dev->name);
}

RCUNET_EXPORT_FOR_TESTS(pcref_refcount_underflow);
