// SPDX-License-Identifier: GPL-2.0
/*
 * pcpuref core: the per-cpu counter that commit 9b546410b92e ("net: percpu
 * net_device refcount") put in net_device, the device registry with its
 * unregister wait, and (at the end) module init/exit. The locked original,
 * the shared atomic_t, is in legacy.c; the stage after it, the reference
 * tracker (the same counter, plus a list naming each tracked holder), in
 * tracker.c.
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
#include "internal.h"

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
DEFINE_PER_CPU(unsigned long, pcref_nr_ops);

static const char *const pcref_variant_names[PCREF_NR_VARIANTS] = {
	[PCREF_PERCPU] = "percpu",
	[PCREF_ATOMIC] = "atomic",
	[PCREF_REFCOUNT] = "refcount",
	[PCREF_TRACKER] = "tracker",
};

/**
 * pcref_variant_name() - a storage variant's name
 * @v: the variant
 *
 * Return: "percpu", "atomic", "refcount", "tracker", or "?" for anything
 * else.
 */
const char *pcref_variant_name(enum pcref_variant v)
{
	return v < PCREF_NR_VARIANTS ? pcref_variant_names[v] : "?";
}

RCUNET_EXPORT_FOR_TESTS(pcref_variant_name);

/**
 * pcref_parse_variant() - a storage variant from its name
 * @s: "percpu", "atomic", "refcount" or "tracker"
 * @out: the variant, set only on success
 *
 * Return: 0, or -EINVAL for an unknown name.
 */
int pcref_parse_variant(const char *s, enum pcref_variant *out)
{
	int i = match_string(pcref_variant_names, PCREF_NR_VARIANTS, s);

	if (i < 0)
		return -EINVAL;
	*out = i;
	return 0;
}

RCUNET_EXPORT_FOR_TESTS(pcref_parse_variant);

/**
 * pcref_name_valid() - whether a device name is acceptable
 * @name: NUL-terminated name
 *
 * Return: true for 1..PCREF_NAME_MAX characters of [A-Za-z0-9_.-].
 */
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

RCUNET_EXPORT_FOR_TESTS(pcref_name_valid);

/**
 * pcref_percpu_read() - the summed count of a percpu device
 * @dev: a device of variant PCREF_PERCPU or PCREF_TRACKER
 *
 * Sums over *possible* CPUs, not online ones: a CPU that went offline
 * keeps its slot, and the holds counted there are still held.
 *
 * Context: any.
 * Return: the sum of the slots, base reference included; exact only when
 * no hold or put runs concurrently.
 */
int pcref_percpu_read(const struct pcref_dev *dev)
{
	int cpu, sum = 0;

	/* other CPUs' slots change under us: a marked, tear-free read */
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*per_cpu_ptr(dev->pcpu_refcnt, cpu));
	return sum;
}

RCUNET_EXPORT_FOR_TESTS(pcref_percpu_read);

/**
 * pcref_counter_init() - set up a device's counter storage
 * @dev: the device (zeroed by the caller)
 * @v: the variant
 *
 * The count starts at zero: the caller adds the base reference.
 *
 * Context: process, may sleep (alloc_percpu()).
 * Return: 0, -EINVAL for a bad variant, -ENOMEM.
 */
int pcref_counter_init(struct pcref_dev *dev, enum pcref_variant v)
{
	dev->variant = v;
	dev->nr_ops = &pcref_nr_ops;
	if (!pcref_variant_percpu(v))
		return pcref_legacy_counter_init(dev, v);
	if (v == PCREF_TRACKER)
		pcref_tracker_init(dev);
	dev->pcpu_refcnt = alloc_percpu(int);
	return dev->pcpu_refcnt ? 0 : -ENOMEM;
}

RCUNET_EXPORT_FOR_TESTS(pcref_counter_init);

/**
 * pcref_counter_destroy() - free a device's counter storage
 * @dev: a device set up with pcref_counter_init()
 *
 * A tracker device's trackers still listed (references put untracked)
 * are logged and freed.
 *
 * Context: process.
 */
void pcref_counter_destroy(struct pcref_dev *dev)
{
	if (dev->variant == PCREF_TRACKER)
		pcref_tracker_destroy(dev);
	if (pcref_variant_percpu(dev->variant)) {
		free_percpu(dev->pcpu_refcnt);
		dev->pcpu_refcnt = NULL;
	}
}

RCUNET_EXPORT_FOR_TESTS(pcref_counter_destroy);

/* Add the registry's base reference to a fresh counter. */
void pcref_counter_set_base(struct pcref_dev *dev)
{
	if (pcref_variant_percpu(dev->variant))
		pcref_percpu_hold(dev);
	else
		pcref_legacy_set_base(dev);
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

/**
 * pcref_dev_new() - a new device with its counter and base reference
 * @name: 1..PCREF_NAME_MAX of [A-Za-z0-9_.-]
 * @v: its counter variant
 *
 * Everything pcref_register() does before it takes pcref_lock to list the
 * device: pcref_do_register() lists it, and the bench's register+unregister
 * op keeps it private (so that any number of bench threads can each have
 * one, past the registry's PCREF_MAX_DEVICES, without names to share).
 *
 * Context: process, may sleep (alloc_percpu()).
 * Return: the unlisted device, reading 1, or ERR_PTR(-EINVAL) (bad name or
 * variant) or ERR_PTR(-ENOMEM).
 */
struct pcref_dev *pcref_dev_new(const char *name, enum pcref_variant v)
{
	struct pcref_dev *dev;
	int err;

	if (!pcref_name_valid(name) || v >= PCREF_NR_VARIANTS)
		return ERR_PTR(-EINVAL);
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	strscpy(dev->name, name, sizeof(dev->name));
	err = pcref_counter_init(dev, v);
	if (err) {
		kfree(dev);
		return ERR_PTR(err);
	}
	pcref_counter_set_base(dev);
	return dev;
}

static struct pcref_dev *pcref_do_register(const char *name,
					   enum pcref_variant v, bool ctl_owned)
{
	struct pcref_dev *dev, *pos;
	unsigned int n = 0;
	int err = 0;

	dev = pcref_dev_new(name, v);
	if (IS_ERR(dev))
		return dev;
	dev->ctl_owned = ctl_owned;

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

/**
 * pcref_register() - register a device owned by the caller
 * @name: 1..PCREF_NAME_MAX of [A-Za-z0-9_.-], unique among listed devices
 * @v: its counter variant
 *
 * Only the caller unregisters the device, once, with pcref_unregister*()
 * on its pointer (pcref_unregister_by_name() refuses it, see there).
 *
 * Context: process, may sleep.
 * Return: the listed device, reading 1 (its base reference), or
 * ERR_PTR(-EINVAL) (bad name or variant), ERR_PTR(-EEXIST),
 * ERR_PTR(-ENOSPC) (PCREF_MAX_DEVICES listed), ERR_PTR(-ENOMEM).
 */
struct pcref_dev *pcref_register(const char *name, enum pcref_variant v)
{
	return pcref_do_register(name, v, false);
}

RCUNET_EXPORT_FOR_TESTS(pcref_register);

/* Register a device owned by the control file: unregistered by name. */
struct pcref_dev *pcref_register_ctl(const char *name, enum pcref_variant v)
{
	return pcref_do_register(name, v, true);
}

/* Testing only: see pcref_test_set_hooks(). */
static const struct pcref_test_hooks __rcu *pcref_test_hooks;

/**
 * pcref_test_set_hooks() - install or remove the lookup test hook
 * @hooks: the hooks (must outlive their installation), or NULL to remove
 *
 * Removal waits for a grace period, so no lookup still runs a hook of a
 * caller that goes away.
 *
 * Context: process; removal sleeps.
 */
void pcref_test_set_hooks(const struct pcref_test_hooks *hooks)
{
	rcu_assign_pointer(pcref_test_hooks, hooks);
	if (!hooks)
		synchronize_rcu();
}

RCUNET_EXPORT_FOR_TESTS(pcref_test_set_hooks);

/**
 * pcref_get_by_name() - look a device up by name and take a reference
 * @name: the device's name
 *
 * As dev_get_by_name() does. The hold happens inside the read-side
 * section, so pcref_unregister()'s grace period orders it before the
 * refcount polling starts.
 *
 * Context: any (RCU lookup, no lock).
 * Return: the device with a reference the caller must pcref_put(), or
 * NULL when no listed device has that name.
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

RCUNET_EXPORT_FOR_TESTS(pcref_get_by_name);

void pcref_unlist_locked(struct pcref_dev *dev)
{
	lockdep_assert_held(&pcref_lock);
	list_del_rcu(&dev->list);
}

/**
 * pcref_register_notifier() - listen for PCREF_EVENT_UNREGISTER
 * @nb: the listener; called in process context with the device as data
 *
 * A holder drops its references on the event and takes no new ones. The
 * callback must not register or unregister devices.
 *
 * Context: process, may sleep.
 * Return: 0 (or the notifier chain's error).
 */
int pcref_register_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&pcref_notifier_chain, nb);
}

RCUNET_EXPORT_FOR_TESTS(pcref_register_notifier);

/**
 * pcref_unregister_notifier() - stop listening
 * @nb: a listener registered with pcref_register_notifier()
 *
 * Context: process, may sleep.
 * Return: 0, or -ENOENT when @nb was not registered.
 */
int pcref_unregister_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_unregister(&pcref_notifier_chain, nb);
}

RCUNET_EXPORT_FOR_TESTS(pcref_unregister_notifier);

static void pcref_announce(struct pcref_dev *dev, struct pcref_unreg_stats *st)
{
	atomic_inc(&dev->announces);
	atomic_long_inc(&pcref_totals.announces);
	st->announces++;
	blocking_notifier_call_chain(&pcref_notifier_chain,
				     PCREF_EVENT_UNREGISTER, dev);
}

/*
 * Second half of an unregister, for a device already unlisted (or never
 * listed: the bench's op): wait for the references, then free. Warns every
 * @warn_ms while references remain. Sleeps; no locks held. A tracker
 * device comes in on the dying list (pcref_release_begin()) and leaves it
 * before the free.
 */
static void pcref_release(struct pcref_dev *dev, unsigned int warn_ms,
			  struct pcref_unreg_stats *stats)
{
	struct pcref_unreg_stats st = {};
	unsigned long announced, warned;
	unsigned int wait = PCREF_WAIT_MIN_MS;
	bool tracked = dev->variant == PCREF_TRACKER;
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
			/* and who: the holders whose trackers are listed */
			if (tracked)
				st.named += pcref_tracker_report(dev);
			warned = jiffies;
		}
	}
	if (refcnt < 1) {
		/* percpu/atomic cannot refuse an extra put; report it here */
		pr_err("unregister: %s: usage count %d below its base of 1: a reference was put twice\n",
		       dev->name, refcnt);
		atomic_long_inc(&pcref_totals.below_base);
	}
	if (tracked)
		pcref_tracker_set_dying(dev, false);
	pcref_counter_destroy(dev);
	kfree(dev);
	if (stats)
		*stats = st;
}

/*
 * Before the release: a tracker device goes on the dying list, so the
 * holders listing finds it from now on (it skips it in the registry,
 * which still shows it to readers until the release's grace period ends).
 */
static void pcref_release_begin(struct pcref_dev *dev)
{
	if (dev->variant == PCREF_TRACKER)
		pcref_tracker_set_dying(dev, true);
}

/* The release of a device the registry listed: counted in the stats. */
static void pcref_unregister_wait(struct pcref_dev *dev, unsigned int warn_ms,
				  struct pcref_unreg_stats *stats)
{
	pcref_release_begin(dev);
	pcref_release(dev, warn_ms, stats);
	atomic_long_inc(&pcref_totals.unregistered);
}

static unsigned int pcref_warn_ms(void)
{
	return clamp(READ_ONCE(unregister_warn_secs), 1U, 3600U) * MSEC_PER_SEC;
}

/**
 * pcref_unregister_unlisted() - unregister a device pcref_dev_new() made
 * @dev: a device that was never listed, owned by the caller, once
 *
 * The second half of pcref_unregister(), the same code: synchronize_rcu(),
 * PCREF_EVENT_UNREGISTER to the listeners, the poll of the summed count
 * until it is back to the base, then the counter and the device freed.
 * Only the registry's own steps are left out (unlisting under pcref_lock,
 * the registered/unregistered totals). The bench's slow path times it.
 *
 * Context: process, sleeps; call it without locks.
 */
void pcref_unregister_unlisted(struct pcref_dev *dev)
{
	pcref_release_begin(dev);
	pcref_release(dev, pcref_warn_ms(), NULL);
}

/**
 * pcref_unregister_timed() - unregister a device with a warning interval
 * @dev: a device registered with pcref_register(), by its owner
 * @warn_ms: log "waiting for NAME" every @warn_ms while references remain
 * @stats: where to report what the wait did, or NULL
 *
 * Unlists and frees @dev, waiting for every reference to go.
 *
 * Only the owner that registered @dev with pcref_register() calls this,
 * once, as with unregister_netdevice(). Nobody else can unlist or free an
 * owned device while the owner has it: pcref_unregister_by_name() refuses
 * owned devices, and pcref_unregister_all() runs only at rmmod, which the
 * owner's module prevents while it is loaded (it uses our symbols). So
 * @dev is listed here, and there is no state worth checking: a second
 * unregister by the owner reads a freed device, which no check on @dev
 * could detect reliably (KASAN reports it).
 *
 * Context: process, sleeps; call it without locks.
 */
void pcref_unregister_timed(struct pcref_dev *dev, unsigned int warn_ms,
			    struct pcref_unreg_stats *stats)
{
	mutex_lock(&pcref_lock);
	pcref_unlist_locked(dev);
	mutex_unlock(&pcref_lock);
	pcref_unregister_wait(dev, warn_ms, stats);
}

RCUNET_EXPORT_FOR_TESTS(pcref_unregister_timed);

/**
 * pcref_unregister() - unregister a device and wait for its references
 * @dev: a device registered with pcref_register(), by its owner, once
 *
 * As pcref_unregister_timed() with the module's unregister_warn_secs.
 *
 * Context: process, sleeps; call it without locks.
 */
void pcref_unregister(struct pcref_dev *dev)
{
	pcref_unregister_timed(dev, pcref_warn_ms(), NULL);
}

RCUNET_EXPORT_FOR_TESTS(pcref_unregister);

/**
 * pcref_unregister_by_name() - unregister a control-file device by name
 * @name: the device's name
 *
 * With the module's warning interval, and only devices the control file
 * registered (pcref_register_ctl()). A device registered with
 * pcref_register() belongs to the caller that holds its pointer and will
 * pcref_unregister() it; freeing it here would make that call a use after
 * free (it locks and unlists a freed device), so it is refused with -EPERM,
 * as rtnetlink refuses to delete a device whose driver did not create it
 * through rtnetlink.
 *
 * Context: process, sleeps; call it without locks.
 * Return: 0 once the device is freed, -ENODEV for an unknown name, -EPERM
 * for a device registered with pcref_register().
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

RCUNET_EXPORT_FOR_TESTS(pcref_unregister_by_name);

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

/*
 * The registry needs no setup (static list, lock and counters); the
 * control file comes first because the bench lives in its folder.
 */
static int __init pcref_init(void)
{
	struct proc_dir_entry *dir;
	int err;

	dir = pcref_proc_init();
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	err = pcref_bench_init(dir);
	if (err)
		pcref_proc_exit();
	return err;
}

/*
 * The bench first (it measures private devices only), then the control
 * side, whose exit unregisters every device still listed.
 */
static void __exit pcref_exit(void)
{
	pcref_bench_exit();
	pcref_proc_exit();
}

module_init(pcref_init);
module_exit(pcref_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rcunet: per-cpu device refcount with the atomic original beside it");
MODULE_AUTHOR(RCUNET_AUTHOR);
MODULE_VERSION(RCUNET_VERSION);
