/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcpuref: per-cpu device refcount, after "net: percpu net_device refcount".
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
 *   atomic   - the original: one shared atomic_t, atomic_inc()/atomic_dec().
 *   refcount - the same shared counter as a refcount_t: a put that would
 *              drop below the registry's base reference is refused and
 *              logged (rate-limited, no WARN), at the price of a cmpxchg
 *              loop per put.
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

/* Longest device name, without the NUL (as IFNAMSIZ - 1). */
#define PCREF_NAME_MAX		15

enum pcref_variant {
	PCREF_PERCPU,
	PCREF_ATOMIC,
	PCREF_REFCOUNT,
	PCREF_NR_VARIANTS,
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
};

/* What one pcref_unregister() had to do before the count reached base. */
struct pcref_unreg_stats {
	unsigned int warnings;	/* "waiting for NAME" lines logged */
	unsigned int announces;	/* PCREF_EVENT_UNREGISTER sent */
	unsigned int waits;	/* sleeps between polls */
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

static inline void pcref_refcount_put(struct pcref_dev *dev)
{
	/* never drop the registry's base reference: that is an underflow */
	if (unlikely(!refcount_dec_not_one(&dev->refs)))
		pcref_refcount_underflow(dev);
}

/*
 * Take a reference. Any context; the caller must already hold one or be
 * inside the RCU read side section of the lookup that found @dev, and a
 * holder must not take new references once it has seen the device's
 * PCREF_EVENT_UNREGISTER (the unregister poll relies on it).
 */
static inline void pcref_hold(struct pcref_dev *dev)
{
	switch (dev->variant) {
	case PCREF_PERCPU:
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

/* Drop a reference taken with pcref_hold(). Any context, any CPU. */
static inline void pcref_put(struct pcref_dev *dev)
{
	switch (dev->variant) {
	case PCREF_PERCPU:
		pcref_percpu_put(dev);
		break;
	case PCREF_ATOMIC:
		pcref_atomic_put(dev);
		break;
	default:
		pcref_refcount_put(dev);
		break;
	}
}

/* The summed count, base reference included. */
static inline int pcref_refcnt_read(const struct pcref_dev *dev)
{
	return dev->variant == PCREF_PERCPU ? pcref_percpu_read(dev) :
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

/*
 * Testing only (the KUnit suite): lookup_found() runs inside
 * pcref_get_by_name()'s read-side section, after the name matched and
 * before the hold; it must not sleep. Returning false makes the lookup
 * return NULL without touching @dev.
 */
struct pcref_test_hooks {
	bool (*lookup_found)(struct pcref_dev *dev, void *arg);
	void *arg;
};

void pcref_test_set_hooks(const struct pcref_test_hooks *hooks);

struct proc_dir_entry;

/* Module-internal: init/exit of the other parts. */
int pcref_procfs_init(void);
void pcref_procfs_exit(void);
int pcref_bench_init(struct proc_dir_entry *dir);
void pcref_bench_exit(void);
void pcref_unregister_all(void);
struct pcref_dev *pcref_register_ctl(const char *name, enum pcref_variant v);

/* Valid names: 1..PCREF_NAME_MAX of [A-Za-z0-9_.-]. */
bool pcref_name_valid(const char *name);

/* pcref_lock serialises registry writers and control-file commands. */
extern struct mutex pcref_lock;
extern struct list_head pcref_devices;

/* Module-wide totals since load, shown in /proc/rcunet/pcpuref/stats. */
struct pcref_totals {
	atomic_long_t registered;
	atomic_long_t unregistered;
	atomic_long_t announces;
	atomic_long_t wait_warnings;
	atomic_long_t below_base;	/* unregisters that found extra puts */
};

extern struct pcref_totals pcref_totals;
struct pcref_dev *pcref_find_locked(const char *name);
void pcref_unlist_locked(struct pcref_dev *dev);

#endif /* _PCPUREF_H */
