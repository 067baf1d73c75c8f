// SPDX-License-Identifier: GPL-2.0
/*
 * pcpuref core: the per-cpu counter (the change the seed made) and the
 * device registry with its unregister wait.
 *
 * Why the per-cpu sum is safe to poll, and the rule it rests on.
 *
 * The rule: once a device's unregister has begun, no new reference is
 * taken on it. Lookups cannot take one: the device is unlisted first and
 * synchronize_rcu() waits for every pcref_get_by_name() that found it
 * listed (its hold is inside the read-side section). Holders cannot take
 * one either: from PCREF_EVENT_UNREGISTER on, a holder may only put; it
 * must not pcref_hold() from a reference it already owns (no clone, no
 * "move" of a reference from one CPU to another). That part is the
 * holders' contract; nothing here can enforce it.
 *
 * Under the rule every slot can only fall while we sum. Each slot we read
 * is then >= its value at the end of the summing loop, so the sum is >=
 * the true count at that moment: a sum equal to the base means every other
 * reference really is gone. Without the rule the sum can read low. With
 * the base counted on CPU 0 and a holder's reference on CPU 1:
 *
 *   unregister (summing)           holder
 *   sum  = slot0 (1)
 *                                  pcref_hold() on CPU 0: slot0 = 2
 *                                  pcref_put() on CPU 1 (its old ref):
 *                                      slot1 = 0
 *   sum += slot1 (0) -> 1 == base
 *   frees the device               still holds one reference: use after free
 *
 * The same window exists without the move if a lookup's hold lands after
 * the first sum, which is what the grace period closes. So the sum is only
 * ever compared to the base in the unregister polling loop, never used as
 * a "last reference" test on the fast path.
 */
#define pr_fmt(fmt) "pcpuref: " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/ctype.h>
#include <linux/cpumask.h>
#include "pcpuref.h"

/* Seconds between "waiting for NAME" warnings of a blocked unregister. */
static unsigned int unregister_warn_secs = 10;
module_param(unregister_warn_secs, uint, 0644);
MODULE_PARM_DESC(unregister_warn_secs,
		 "seconds between warnings while an unregister waits for references (1..3600, default 10)");

/* Poll interval of the unregister wait: start short, back off to 250 ms. */
#define PCREF_WAIT_MIN_MS	1
#define PCREF_WAIT_MAX_MS	250
/* A waiting unregister re-announces itself this often. */
#define PCREF_ANNOUNCE_MS	1000

/* Serialises registry writers (the list) and control-file commands. */
DEFINE_MUTEX(pcref_lock);
LIST_HEAD(pcref_devices);
static BLOCKING_NOTIFIER_HEAD(pcref_notifier_chain);
struct pcref_totals pcref_totals;

static const char *const pcref_variant_names[PCREF_NR_VARIANTS] = {
	[PCREF_PERCPU] = "percpu",
	[PCREF_ATOMIC] = "atomic",
	[PCREF_REFCOUNT] = "refcount",
};

const char *pcref_variant_name(enum pcref_variant v)
{
	return v < PCREF_NR_VARIANTS ? pcref_variant_names[v] : "?";
}
EXPORT_SYMBOL_GPL(pcref_variant_name);

int pcref_parse_variant(const char *s, enum pcref_variant *out)
{
	int i = match_string(pcref_variant_names, PCREF_NR_VARIANTS, s);

	if (i < 0)
		return -EINVAL;
	*out = i;
	return 0;
}
EXPORT_SYMBOL_GPL(pcref_parse_variant);

bool pcref_name_valid(const char *name)
{
	size_t i, len = strlen(name);

	if (!len || len > PCREF_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}
EXPORT_SYMBOL_GPL(pcref_name_valid);

/*
 * Sum over *possible* CPUs, not online ones: a CPU that went offline keeps
 * its slot, and the holds counted there are still held.
 */
int pcref_percpu_read(const struct pcref_dev *dev)
{
	int cpu, sum = 0;

	/* other CPUs' slots change under us: a marked, tear-free read */
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*per_cpu_ptr(dev->pcpu_refcnt, cpu));
	return sum;
}
EXPORT_SYMBOL_GPL(pcref_percpu_read);

/* Storage for @v; the count starts at zero (the caller adds the base). */
int pcref_counter_init(struct pcref_dev *dev, enum pcref_variant v)
{
	dev->variant = v;
	switch (v) {
	case PCREF_PERCPU:
		dev->pcpu_refcnt = alloc_percpu(int);
		return dev->pcpu_refcnt ? 0 : -ENOMEM;
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
EXPORT_SYMBOL_GPL(pcref_counter_init);

void pcref_counter_destroy(struct pcref_dev *dev)
{
	if (dev->variant == PCREF_PERCPU) {
		free_percpu(dev->pcpu_refcnt);
		dev->pcpu_refcnt = NULL;
	}
}
EXPORT_SYMBOL_GPL(pcref_counter_destroy);

/* Add the registry's base reference to a fresh counter. */
static void pcref_counter_set_base(struct pcref_dev *dev)
{
	if (dev->variant == PCREF_REFCOUNT)
		refcount_set(&dev->refs, 1);	/* refcount_inc(0) would warn */
	else
		pcref_hold(dev);
}

struct pcref_dev *pcref_find_locked(const char *name)
{
	struct pcref_dev *dev;

	lockdep_assert_held(&pcref_lock);
	list_for_each_entry(dev, &pcref_devices, list)
		if (!strcmp(dev->name, name))
			return dev;
	return NULL;
}

/* Most registered devices: keeps every list walk short. */
#define PCREF_MAX_DEVICES	64

static struct pcref_dev *pcref_do_register(const char *name,
					   enum pcref_variant v, bool ctl_owned)
{
	struct pcref_dev *dev, *pos;
	unsigned int n = 0;
	int err;

	if (!pcref_name_valid(name) || v >= PCREF_NR_VARIANTS)
		return ERR_PTR(-EINVAL);
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	strscpy(dev->name, name, sizeof(dev->name));
	dev->ctl_owned = ctl_owned;
	err = pcref_counter_init(dev, v);
	if (err) {
		kfree(dev);
		return ERR_PTR(err);
	}
	pcref_counter_set_base(dev);

	mutex_lock(&pcref_lock);
	list_for_each_entry(pos, &pcref_devices, list) {
		if (!strcmp(pos->name, name))
			err = -EEXIST;
		n++;
	}
	if (!err && n >= PCREF_MAX_DEVICES)
		err = -ENOSPC;
	if (err) {
		mutex_unlock(&pcref_lock);
		pcref_counter_destroy(dev);
		kfree(dev);
		return ERR_PTR(err);
	}
	/* publishes the initialised counter to RCU readers */
	list_add_tail_rcu(&dev->list, &pcref_devices);
	atomic_long_inc(&pcref_totals.registered);
	mutex_unlock(&pcref_lock);
	return dev;
}

/*
 * Register a device owned by the caller: only the caller unregisters it,
 * with pcref_unregister*() on its pointer (pcref_unregister_by_name()
 * refuses it, see there).
 */
struct pcref_dev *pcref_register(const char *name, enum pcref_variant v)
{
	return pcref_do_register(name, v, false);
}
EXPORT_SYMBOL_GPL(pcref_register);

/* Register a device owned by the control file: unregistered by name. */
struct pcref_dev *pcref_register_ctl(const char *name, enum pcref_variant v)
{
	return pcref_do_register(name, v, true);
}

/* Testing only: see pcref_test_set_hooks(). */
static const struct pcref_test_hooks __rcu *pcref_test_hooks;

/*
 * Install (or with NULL remove) the test hooks. Removal waits for a grace
 * period, so no lookup still runs a hook of a caller that goes away.
 */
void pcref_test_set_hooks(const struct pcref_test_hooks *hooks)
{
	rcu_assign_pointer(pcref_test_hooks, hooks);
	if (!hooks)
		synchronize_rcu();
}
EXPORT_SYMBOL_GPL(pcref_test_set_hooks);

/*
 * Look @name up and take a reference, as dev_get_by_name() does. The hold
 * happens inside the read-side section, so pcref_unregister()'s grace
 * period orders it before the refcount polling starts.
 */
struct pcref_dev *pcref_get_by_name(const char *name)
{
	const struct pcref_test_hooks *hooks;
	struct pcref_dev *dev;

	rcu_read_lock();
	list_for_each_entry_rcu(dev, &pcref_devices, list) {
		if (strcmp(dev->name, name))
			continue;
		/*
		 * Testing: between finding the device and holding it is the
		 * window the unregister's grace period must cover; a hook can
		 * dwell here (or give up without touching @dev).
		 */
		hooks = rcu_dereference(pcref_test_hooks);
		if (unlikely(hooks) && !hooks->lookup_found(dev, hooks->arg)) {
			rcu_read_unlock();
			return NULL;
		}
		pcref_hold(dev);
		rcu_read_unlock();
		return dev;
	}
	rcu_read_unlock();
	return NULL;
}
EXPORT_SYMBOL_GPL(pcref_get_by_name);

void pcref_unlist_locked(struct pcref_dev *dev)
{
	lockdep_assert_held(&pcref_lock);
	list_del_rcu(&dev->list);
}

int pcref_register_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&pcref_notifier_chain, nb);
}
EXPORT_SYMBOL_GPL(pcref_register_notifier);

int pcref_unregister_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_unregister(&pcref_notifier_chain, nb);
}
EXPORT_SYMBOL_GPL(pcref_unregister_notifier);

static void pcref_announce(struct pcref_dev *dev, struct pcref_unreg_stats *st)
{
	atomic_inc(&dev->announces);
	atomic_long_inc(&pcref_totals.announces);
	st->announces++;
	blocking_notifier_call_chain(&pcref_notifier_chain,
				     PCREF_EVENT_UNREGISTER, dev);
}

/*
 * Second half of an unregister, for a device already unlisted: wait for
 * the references, then free. Warns every @warn_ms while references
 * remain. Sleeps; no locks held.
 */
static void pcref_unregister_wait(struct pcref_dev *dev, unsigned int warn_ms,
				  struct pcref_unreg_stats *stats)
{
	struct pcref_unreg_stats st = {};
	unsigned long announced, warned;
	unsigned int wait = PCREF_WAIT_MIN_MS;
	int refcnt;

	might_sleep();
	/*
	 * After this grace period no pcref_get_by_name() that found the
	 * device listed is still running: every hold it will ever get has
	 * been counted, and the count can only fall from here.
	 */
	synchronize_rcu();

	pcref_announce(dev, &st);
	announced = jiffies;
	warned = jiffies;
	refcnt = pcref_refcnt_read(dev);
	while (refcnt > 1) {
		msleep(wait);
		st.waits++;
		wait = min(wait * 2, (unsigned int)PCREF_WAIT_MAX_MS);
		refcnt = pcref_refcnt_read(dev);
		if (refcnt <= 1)
			break;

		if (time_after(jiffies, announced +
			       msecs_to_jiffies(PCREF_ANNOUNCE_MS))) {
			pcref_announce(dev, &st);
			announced = jiffies;
		}
		if (time_after(jiffies, warned + msecs_to_jiffies(warn_ms))) {
			/* once per warn_ms per device: rate-limited by design */
			pr_warn("unregister: waiting for %s to become free, usage count = %d\n",
				dev->name, refcnt);
			atomic_inc(&dev->wait_warnings);
			atomic_long_inc(&pcref_totals.wait_warnings);
			st.warnings++;
			warned = jiffies;
		}
	}
	if (refcnt < 1) {
		/* percpu/atomic cannot refuse an extra put; report it here */
		pr_err("unregister: %s: usage count %d below its base of 1: a reference was put twice\n",
		       dev->name, refcnt);
		atomic_long_inc(&pcref_totals.below_base);
	}
	atomic_long_inc(&pcref_totals.unregistered);

	pcref_counter_destroy(dev);
	kfree(dev);
	if (stats)
		*stats = st;
}

static unsigned int pcref_warn_ms(void)
{
	return clamp(READ_ONCE(unregister_warn_secs), 1U, 3600U) * MSEC_PER_SEC;
}

/*
 * Unregister and free @dev, waiting for every reference to go; warn every
 * @warn_ms while some remain and report what the wait did in @stats.
 *
 * Only the owner that registered @dev with pcref_register() calls this,
 * once, as with unregister_netdevice(). Nobody else can unlist or free an
 * owned device while the owner has it: pcref_unregister_by_name() refuses
 * owned devices, and pcref_unregister_all() runs only at rmmod, which the
 * owner's module prevents while it is loaded (it uses our symbols). So
 * @dev is listed here, and there is no state worth checking: a second
 * unregister by the owner reads a freed device, which no check on @dev
 * could detect reliably (KASAN reports it).
 */
void pcref_unregister_timed(struct pcref_dev *dev, unsigned int warn_ms,
			    struct pcref_unreg_stats *stats)
{
	mutex_lock(&pcref_lock);
	pcref_unlist_locked(dev);
	mutex_unlock(&pcref_lock);
	pcref_unregister_wait(dev, warn_ms, stats);
}
EXPORT_SYMBOL_GPL(pcref_unregister_timed);

/* Unregister and free @dev with the module's warning interval. */
void pcref_unregister(struct pcref_dev *dev)
{
	pcref_unregister_timed(dev, pcref_warn_ms(), NULL);
}
EXPORT_SYMBOL_GPL(pcref_unregister);

/*
 * Unregister by name with the module's warning interval: only devices the
 * control file registered (pcref_register_ctl()). A device registered with
 * pcref_register() belongs to the caller that holds its pointer and will
 * pcref_unregister() it; freeing it here would make that call a use after
 * free (it locks and unlists a freed device), so it is refused with -EPERM,
 * as rtnetlink refuses to delete a device whose driver did not create it
 * through rtnetlink.
 */
int pcref_unregister_by_name(const char *name)
{
	struct pcref_dev *dev;

	mutex_lock(&pcref_lock);
	dev = pcref_find_locked(name);
	if (!dev || !dev->ctl_owned) {
		mutex_unlock(&pcref_lock);
		return dev ? -EPERM : -ENODEV;
	}
	pcref_unlist_locked(dev);
	mutex_unlock(&pcref_lock);
	pcref_unregister_wait(dev, pcref_warn_ms(), NULL);
	return 0;
}
EXPORT_SYMBOL_GPL(pcref_unregister_by_name);

/*
 * rmmod: every device still listed, owned ones included. An owner that is
 * still loaded keeps this module loaded, so an owned device still listed
 * here was leaked by an owner that is gone: nobody else will unregister it.
 */
void pcref_unregister_all(void)
{
	struct pcref_dev *dev;

	for (;;) {
		mutex_lock(&pcref_lock);
		dev = list_first_entry_or_null(&pcref_devices,
					       struct pcref_dev, list);
		if (dev)
			pcref_unlist_locked(dev);
		mutex_unlock(&pcref_lock);
		if (!dev)
			return;
		pcref_unregister_wait(dev, pcref_warn_ms(), NULL);
	}
}

static int __init pcref_init(void)
{
	return pcref_procfs_init();
}

static void __exit pcref_exit(void)
{
	pcref_procfs_exit();
}

module_init(pcref_init);
module_exit(pcref_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rcunet: per-cpu device refcount with the atomic original beside it");
