/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcpuref: declarations shared by the module's own files (core.c, legacy.c,
 * procfs.c, bench.c) and by nobody else.
 */
#ifndef _PCPUREF_INTERNAL_H
#define _PCPUREF_INTERNAL_H

#include <linux/mutex.h>
#include <linux/list.h>
#include <linux/atomic.h>
#include "pcpuref.h"

struct proc_dir_entry;

/* procfs.c: control, devices, stats; returns the module's proc folder. */
struct proc_dir_entry *pcref_proc_init(void);
void pcref_proc_exit(void);
/* bench.c: the bench ops table in @dir. */
int pcref_bench_init(struct proc_dir_entry *dir);
void pcref_bench_exit(void);

/* core.c: the registry beyond the exported API. */
void pcref_unregister_all(void);
struct pcref_dev *pcref_register_ctl(const char *name, enum pcref_variant v);
void pcref_counter_set_base(struct pcref_dev *dev);
struct pcref_dev *pcref_find_locked(const char *name);
void pcref_unlist_locked(struct pcref_dev *dev);
/* core.c: a device's life outside the registry (the bench's slow path). */
struct pcref_dev *pcref_dev_new(const char *name, enum pcref_variant v);
void pcref_unregister_unlisted(struct pcref_dev *dev);

/* tracker.c: the tracker variant's list of holders. */
void pcref_tracker_init(struct pcref_dev *dev);
void pcref_tracker_destroy(struct pcref_dev *dev);
int pcref_tracker_track(struct pcref_dev *dev, struct pcref_tracker **trackerp,
			const char *owner, unsigned long ip, gfp_t gfp);
int pcref_tracker_untrack(struct pcref_dev *dev,
			  struct pcref_tracker **trackerp);
void pcref_tracker_set_dying(struct pcref_dev *dev, bool dying);
unsigned int pcref_tracker_report(struct pcref_dev *dev);

/* legacy.c: the shared counters' storage (atomic, refcount). */
int pcref_legacy_counter_init(struct pcref_dev *dev, enum pcref_variant v);
void pcref_legacy_set_base(struct pcref_dev *dev);

/* pcref_lock serialises registry writers and control-file commands. */
extern struct mutex pcref_lock;
extern struct list_head pcref_devices;

/* Module-wide totals since load, shown in /proc/rcunet/pcpuref/stats. */
struct pcref_totals {
	/* control commands a handler refused, puts a refcount device refused */
	atomic_long_t errors;
	atomic_long_t registered;
	atomic_long_t unregistered;
	atomic_long_t announces;
	atomic_long_t wait_warnings;
	atomic_long_t below_base;	/* unregisters that found extra puts */
};

extern struct pcref_totals pcref_totals;
/* hold+put pairs completed through pcref_put(): every device's nr_ops */
DECLARE_PER_CPU(unsigned long, pcref_nr_ops);

#endif /* _PCPUREF_INTERNAL_H */
