/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcpuref: per-cpu device refcount, after commit 9b546410b92e ("net: percpu
 * net_device refcount").
 *
 * A pcref_dev is a device-like object with a name and a reference count.
 * Three storage variants share one API so that one run compares them:
 *
 *   percpu   - one int per possible CPU (alloc_percpu). A hold is a single
 *              this_cpu_inc(), a put a this_cpu_dec(): no shared cache line,
 *              no atomic instruction. A hold on CPU 0 and its put on CPU 1
 *              leave slot 0 at +1 and slot 1 at -1; only the sum over all
 *              possible CPUs means anything, and it is only exact when no
 *              hold or put runs concurrently with the summing.
 *   atomic   - the original: one shared atomic_t, atomic_inc()/atomic_dec()
 *              (legacy.c).
 *   refcount - the same shared counter as a refcount_t: a put that would
 *              drop below the registry's base reference is refused and
 *              logged (rate-limited, no WARN), at the price of a cmpxchg
 *              loop per put (legacy.c).
 *   tracker  - where mainline went next (commits 4e66934eaadc, 4d92b95ff2f9,
 *              d62607c3fe45: ref_tracker, netdev_hold()/netdev_put()): the
 *              percpu counter, plus a tracker object per tracked hold
 *              (pcref_hold_tracked()) naming its owner, on a per-device
 *              list under a spinlock, so an unregister that waits can say
 *              who still holds the device (tracker.c). Untracked
 *              pcref_hold()/pcref_put() are the bare percpu ones, as
 *              dev_hold()/dev_put() are on a tracker kernel.
 *
 * A registered device carries one base reference owned by the registry,
 * as a net_device does: an idle device reads 1. pcref_unregister() unlists
 * the device, waits for an RCU grace period (so that no lookup that saw it
 * listed can still be taking a reference), then polls the summed count
 * until only the base reference is left. The poll is exact only because
 * holders take no new reference (no hold from one they own) once they
 * see PCREF_EVENT_UNREGISTER: see core.c.
 */
#ifndef _PCPUREF_H
#define _PCPUREF_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/refcount.h>
#include <linux/percpu.h>
#include <linux/list.h>
#include <linux/notifier.h>
#include <linux/spinlock.h>
#include <linux/gfp.h>
#include "../common/rcunet.h"

/* Longest device name, without the NUL (as IFNAMSIZ - 1). */
#define PCREF_NAME_MAX		15

/**
 * enum pcref_variant - how a device stores its reference count
 * @PCREF_PERCPU: one int per possible CPU, this_cpu_inc()/this_cpu_dec()
 *	(lockless: commit 9b546410b92e)
 * @PCREF_ATOMIC: one shared atomic_t (locked: the original)
 * @PCREF_REFCOUNT: one shared refcount_t that refuses to drop the base
 *	reference (locked: the original's shared counter, saturating)
 * @PCREF_TRACKER: the percpu counter plus a reference tracker per tracked
 *	hold (lockless counting; the next stage in mainline, tracker.c)
 * @PCREF_NR_VARIANTS: number of variants
 */
enum pcref_variant {
	PCREF_PERCPU,
	PCREF_ATOMIC,
	PCREF_REFCOUNT,
	PCREF_TRACKER,
	PCREF_NR_VARIANTS,
};

/**
 * pcref_variant_percpu() - whether a variant counts on per-cpu slots
 * @v: a variant
 *
 * Return: true for percpu and tracker (whose counter is percpu's).
 */
static inline bool pcref_variant_percpu(enum pcref_variant v)
{
	return v == PCREF_PERCPU || v == PCREF_TRACKER;
}

/**
 * pcref_variant_role() - the role of a storage variant
 * @v: a variant
 *
 * The "atomic" and "refcount" counters are the shared cache line the
 * upstream change removed, so both are locked; "percpu" is the change and
 * "tracker" the stage after it (its counting is percpu's; the tracker's
 * spinlock is taken only by tracked holds and puts).
 *
 * Return: RCUNET_ROLE_LOCKLESS for percpu and tracker, RCUNET_ROLE_LOCKED
 * otherwise.
 */
static inline enum rcunet_role pcref_variant_role(enum pcref_variant v)
{
	return pcref_variant_percpu(v) ? RCUNET_ROLE_LOCKLESS :
					 RCUNET_ROLE_LOCKED;
}

/* Longest owner name of a tracked reference, without the NUL. */
#define PCREF_OWNER_MAX		15

struct pcref_dev;

/**
 * struct pcref_tracker - one tracked reference: who took it, where, when
 * @node: on the device's trk_list, under its trk_lock
 * @dev: the device it holds; a tracked put on another device is refused
 * @ip: the caller of pcref_hold_tracked() (printed as %pS)
 * @since: jiffies when the reference was taken
 * @owner: the name the holder gave
 *
 * Allocated by pcref_hold_tracked() and freed by pcref_put_tracked(); the
 * holder keeps only a pointer to it (as netdevice_tracker is a struct
 * ref_tracker pointer), so the device's list never points into the
 * holder's memory.
 */
struct pcref_tracker {
	struct list_head node;
	struct pcref_dev *dev;
	unsigned long ip;
	unsigned long since;
	char owner[PCREF_OWNER_MAX + 1];
};

/* Notifier events on pcref_notifier_chain; the data is the pcref_dev. */
enum pcref_event {
	/*
	 * The device is unlisted and its unregister waits for references.
	 * Sent once before waiting, then again every second while it waits:
	 * a holder drops its reference when it sees this (in process context,
	 * it may sleep, but must not unregister devices itself). From then
	 * on it may only put: a hold taken from a reference it owns (a clone,
	 * or a move to another CPU) can make the per-cpu sum read the base
	 * while a reference is still held (core.c shows the interleaving).
	 */
	PCREF_EVENT_UNREGISTER = 1,
};

struct pcref_dev {
	char name[PCREF_NAME_MAX + 1];
	enum pcref_variant variant;
	union {
		int __percpu *pcpu_refcnt;	/* PCREF_PERCPU */
		atomic_t refcnt;		/* PCREF_ATOMIC */
		refcount_t refs;		/* PCREF_REFCOUNT */
	};
	/*
	 * Where pcref_put() counts a completed hold+put pair: the module's
	 * per-cpu ops counter, summed by the stats file's "ops:" line. Per
	 * CPU so that counting adds no shared cache line to the fast path;
	 * reached through the device, set by pcref_counter_init(), so the
	 * inline put needs no exported variable.
	 */
	unsigned long __percpu *nr_ops;
	/* registered by the control file: pcref_unregister_by_name() may go */
	bool ctl_owned;
	/* in pcref_devices (RCU list, writers under pcref_lock) */
	struct list_head list;
	/*
	 * refs held by the control file; written under pcref_lock, read
	 * locklessly (READ_ONCE) by the devices file
	 */
	unsigned int ctl_refs;
	/* refcount variant: puts refused because only the base was left */
	atomic_t underflows;
	/* unregister: wait warnings and announcements sent so far */
	atomic_t wait_warnings;
	atomic_t announces;
	/*
	 * Tracker variant (initialised for it only). trk_list holds one
	 * struct pcref_tracker per tracked reference; it, trk_nr and every
	 * tracker on it are written under trk_lock (irq-safe: tracked holds
	 * and puts may come from softirq). trk_nr is read locklessly by the
	 * listings. trk_refused counts tracked puts refused (no tracker, or
	 * another device's).
	 */
	spinlock_t trk_lock;
	struct list_head trk_list;
	unsigned int trk_nr;
	atomic_t trk_refused;
	/*
	 * On the module's list of devices whose unregister waits (tracker
	 * variant), so the holders listing still finds them once unlisted;
	 * unregistering is set under that list's mutex and read locklessly.
	 */
	struct list_head dying;
	bool unregistering;
};

/* What one pcref_unregister() had to do before the count reached base. */
struct pcref_unreg_stats {
	unsigned int warnings;	/* "waiting for NAME" lines logged */
	unsigned int announces;	/* PCREF_EVENT_UNREGISTER sent */
	unsigned int waits;	/* sleeps between polls */
	unsigned int named;	/* holders named in those lines (tracker) */
};

const char *pcref_variant_name(enum pcref_variant v);
int pcref_parse_variant(const char *s, enum pcref_variant *out);

/* Storage of one variant: alloc/free the counter and read its sum. */
int pcref_counter_init(struct pcref_dev *dev, enum pcref_variant v);
void pcref_counter_destroy(struct pcref_dev *dev);
int pcref_percpu_read(const struct pcref_dev *dev);
int pcref_legacy_read(const struct pcref_dev *dev);
void pcref_refcount_underflow(struct pcref_dev *dev);

static inline void pcref_percpu_hold(struct pcref_dev *dev)
{
	/* irq- and preempt-safe on its own: one instruction on x86 */
	this_cpu_inc(*dev->pcpu_refcnt);
}

static inline void pcref_percpu_put(struct pcref_dev *dev)
{
	this_cpu_dec(*dev->pcpu_refcnt);
}

static inline void pcref_atomic_hold(struct pcref_dev *dev)
{
	atomic_inc(&dev->refcnt);
}

static inline void pcref_atomic_put(struct pcref_dev *dev)
{
	atomic_dec(&dev->refcnt);
}

static inline void pcref_refcount_hold(struct pcref_dev *dev)
{
	refcount_inc(&dev->refs);
}

/* Returns false when the put was refused (only the base was left). */
static inline bool pcref_refcount_put(struct pcref_dev *dev)
{
	/* never drop the registry's base reference: that is an underflow */
	if (unlikely(!refcount_dec_not_one(&dev->refs))) {
		pcref_refcount_underflow(dev);
		return false;
	}
	return true;
}

/**
 * pcref_hold() - take a reference on a device
 * @dev: the device
 *
 * The caller must already hold a reference or be inside the RCU read side
 * section of the lookup that found @dev, and must not take new references
 * once it has seen the device's PCREF_EVENT_UNREGISTER (the unregister
 * poll relies on it).
 *
 * Context: any, hardirq included; any CPU.
 */
static inline void pcref_hold(struct pcref_dev *dev)
{
	switch (dev->variant) {
	case PCREF_PERCPU:
	case PCREF_TRACKER:	/* untracked: as dev_hold() on a tracker kernel */
		pcref_percpu_hold(dev);
		break;
	case PCREF_ATOMIC:
		pcref_atomic_hold(dev);
		break;
	default:
		pcref_refcount_hold(dev);
		break;
	}
}

/**
 * pcref_put() - drop a reference taken with pcref_hold()
 * @dev: the device
 *
 * A refcount device refuses a put that would drop its base reference
 * (counted as an error, not an op); percpu and atomic devices cannot tell.
 *
 * Context: any, hardirq included; any CPU (not necessarily the holder's).
 */
static inline void pcref_put(struct pcref_dev *dev)
{
	/* before the put: once it is done the device may be freed */
	unsigned long __percpu *nr_ops = READ_ONCE(dev->nr_ops);

	switch (dev->variant) {
	case PCREF_PERCPU:
	case PCREF_TRACKER:	/* an untracked reference's put */
		pcref_percpu_put(dev);
		break;
	case PCREF_ATOMIC:
		pcref_atomic_put(dev);
		break;
	default:
		if (!pcref_refcount_put(dev))
			return;
		break;
	}
	this_cpu_inc(*nr_ops);
}

/**
 * pcref_refcnt_read() - the summed count, base reference included
 * @dev: the device
 *
 * Return: the count; for percpu the sum over the possible CPUs, exact only
 * when no hold or put runs concurrently.
 */
static inline int pcref_refcnt_read(const struct pcref_dev *dev)
{
	return pcref_variant_percpu(dev->variant) ? pcref_percpu_read(dev) :
						    pcref_legacy_read(dev);
}

/*
 * The registry. A device has one owner, who unregisters it exactly once:
 * the caller of pcref_register() (through pcref_unregister*() on its
 * pointer), or the control file (pcref_register_ctl(), unregistered with
 * pcref_unregister_by_name(), which refuses other devices with -EPERM).
 */
struct pcref_dev *pcref_register(const char *name, enum pcref_variant v);
struct pcref_dev *pcref_get_by_name(const char *name);
void pcref_unregister(struct pcref_dev *dev);
int pcref_unregister_by_name(const char *name);
void pcref_unregister_timed(struct pcref_dev *dev, unsigned int warn_ms,
			    struct pcref_unreg_stats *stats);
int pcref_register_notifier(struct notifier_block *nb);
int pcref_unregister_notifier(struct notifier_block *nb);

/**
 * struct pcref_test_hooks - testing only (the KUnit suite, the torture driver)
 * @lookup_found: runs inside pcref_get_by_name()'s read-side section, after
 *	the name matched and before the hold; it must not sleep. Returning
 *	false makes the lookup return NULL without touching the device.
 * @arg: passed to @lookup_found
 */
struct pcref_test_hooks {
	bool (*lookup_found)(struct pcref_dev *dev, void *arg);
	void *arg;
};

void pcref_test_set_hooks(const struct pcref_test_hooks *hooks);
void pcref_test_set_holders_hook(void (*hook)(struct pcref_dev *dev));

/* Valid names: 1..PCREF_NAME_MAX of [A-Za-z0-9_.-]. */
bool pcref_name_valid(const char *name);

/* Tracked references (tracker variant only; tracker.c). */
int pcref_hold_tracked(struct pcref_dev *dev, struct pcref_tracker **trackerp,
		       const char *owner, gfp_t gfp);
int pcref_put_tracked(struct pcref_dev *dev, struct pcref_tracker **trackerp);
unsigned int pcref_tracker_count(struct pcref_dev *dev);

/*
 * Most holders of one device a listing names: the unregister's wait
 * warning (as netdev_wait_allrefs_any() prints 10) and the holders walk,
 * which copy them under the device's lock and print after it.
 */
#define PCREF_HOLDERS_MAX	10

/**
 * struct pcref_holder - one line of the holders listing
 * @dev: the device's name
 * @unregistering: its unregister is waiting (the device is unlisted)
 * @owner: the owner the tracked reference was taken for; NULL on the
 *	device's last line when holders were left out
 * @ip: where it was taken (the caller of pcref_hold_tracked())
 * @held_ms: how long it has been held
 * @omitted: with a NULL @owner, how many holders were not shown
 */
struct pcref_holder {
	const char *dev;
	bool unregistering;
	const char *owner;
	unsigned long ip;
	unsigned int held_ms;
	unsigned int omitted;
};

void pcref_walk_holders(void (*fn)(const struct pcref_holder *h, void *arg),
			void *arg);

#endif /* _PCPUREF_H */
