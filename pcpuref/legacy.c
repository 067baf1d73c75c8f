// SPDX-License-Identifier: GPL-2.0
/*
 * pcpuref legacy: the original shared counter, as an atomic_t and as a
 * refcount_t. Every hold and put of every CPU hits the same cache line,
 * which is what the seed removed from the dst create/destroy path.
 */
#define pr_fmt(fmt) "pcpuref: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/printk.h>
#include "pcpuref.h"

int pcref_legacy_read(const struct pcref_dev *dev)
{
	if (dev->variant == PCREF_ATOMIC)
		return atomic_read(&dev->refcnt);
	return refcount_read(&dev->refs);
}
EXPORT_SYMBOL_GPL(pcref_legacy_read);

/*
 * A put found only the base reference left: the caller put a reference it
 * did not hold. refcount_dec_not_one() has refused the decrement, so the
 * count is unchanged and the device stays unregistrable; we only report.
 * A plain rate-limited line, not WARN(): the refusal already kept the
 * count sane, and with panic_on_warn a WARN would let any caller with a
 * stray put take the machine down. Out of line: it is the cold path of
 * pcref_refcount_put().
 */
void pcref_refcount_underflow(struct pcref_dev *dev)
{
	atomic_inc(&dev->underflows);
	pr_warn_ratelimited("%s: put without a held reference, refused\n",
			    dev->name);
}
EXPORT_SYMBOL_GPL(pcref_refcount_underflow);
