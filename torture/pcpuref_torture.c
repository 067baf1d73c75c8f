// SPDX-License-Identifier: GPL-2.0
/*
 * rcunet-torture driver for pcpuref (pcpuref_torture.ko).
 *
 * The driver owns PT_SLOTS device slots. A slot is empty, live (one device
 * registered with pcref_register(), named "rtk<id>" with an id never used
 * before, so a name always means one device instance) or dying (its
 * unregister runs). The core's workers register and unregister the slots'
 * devices and, meanwhile, take references on them: by name lookup, by
 * cloning a reference they own (from any CPU, hardirq included), and by
 * holding one across a move to another CPU; they put them back on random
 * CPUs and contexts. They also look up the devices the load script
 * (torture/pcpuref.sh) registers through the control file ("rtu0".."rtu3")
 * and hold those, so the control file's unregister has to wait for us.
 * On tracker devices (the stage after the per-cpu counter) half the clones
 * are tracked references (pcref_hold_tracked(), owner "rt_clone"), put
 * with their tracker by whoever drops them, the notifier's sweep
 * included; private tracker devices also get tracked puts that must be
 * refused (no tracker, another device's).
 *
 * Every reference a worker keeps between ops is recorded in its refs[]
 * (under its own spinlock), and each slot keeps a shadow count of the
 * workers' references on its device: raised after a hold, lowered before a
 * put, so the shadow never exceeds the true number. Like a protocol on
 * NETDEV_UNREGISTER, our notifier drops every recorded reference on a
 * device when its PCREF_EVENT_UNREGISTER arrives, and from then on nobody
 * clones one (the rule pcpuref's poll rests on: see pcpuref/core.c).
 *
 * Invariants and where they are checked:
 *  - quiesce (every worker parked): for each live device the summed count
 *    equals 1 + shadow, the shadow equals the records the workers hold, no
 *    lookup dwells, the refcount variant refused no put, and the name
 *    resolves to the very device; an empty slot has no records;
 *  - after every unregister returns: the shadow is 0, no worker has a
 *    record of the device, and no lookup that found the device is still
 *    inside its read-side section (pcref_unregister()'s grace period);
 *  - a name whose unregister returned never resolves again; a lookup never
 *    returns another device than the name asked for;
 *  - on the atomic and refcount variants (exact counts) the count is never
 *    below 1 + the references the checking worker itself holds;
 *  - tracker devices at quiesce: the trackers listed equal the tracked
 *    references the workers record; every tracked put of a recorded
 *    reference succeeds, and refused ones change no count;
 *  - a failed register (injected -ENOMEM) leaves nothing listed; register
 *    errors (bad name or variant, duplicate) leave the existing device as
 *    it was; pcref_unregister_by_name() refuses owned devices;
 *  - a private device (pcref_counter_init()) counts exactly, and the
 *    refcount variant refuses a put of its base reference;
 *  - watchdog: a dying device whose holders all dropped must finish its
 *    unregister within PT_WATCHDOG_SECS.
 *
 * The window pcpuref's synchronize_rcu() closes (a lookup that found the
 * device listed, but holds it only after the unregister summed) is a few
 * instructions wide. pcpuref's test hook runs inside the lookup's read-side
 * section between the match and the hold; ours dwells there (busy, up to
 * PT_DWELL_US) when the device it found is dying, and the unregister op
 * sleeps a little between marking the slot dying and unregistering, so
 * lookups race it on every unregister. With the grace period the
 * unregister cannot return while a lookup dwells; without it, it frees the
 * device under the lookup: the dwelling hook or the unregister op reports
 * it, and the hook then gives up without touching the freed device.
 */
#define pr_fmt(fmt) "pcpuref_torture: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/delay.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/workqueue.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/rcupdate.h>
#include <linux/irqflags.h>
#include "../pcpuref/pcpuref.h"
#include "rtort.h"

/* Device slots the driver owns. */
#define PT_SLOTS		8
/* Slots registered at load, so lookups find something at once. */
#define PT_INITIAL		4
/* References one worker keeps between ops. */
#define PT_REFS			8
/* Devices the load script registers: "rtu0" .. "rtu<PT_FOREIGN - 1>". */
#define PT_FOREIGN		4
/* Longest dwell of a lookup that found a dying device (busy-wait). */
#define PT_DWELL_US		3000
#define PT_DWELL_STEP_US	10
/* A dying device with no holder left must be gone within this. */
#define PT_WATCHDOG_SECS	20
/* Longest sleep of a holder that ignores the unregister event. */
#define PT_DEAF_MS		100

enum pt_state { PT_EMPTY, PT_LIVE, PT_DYING };

/*
 * slot->cur packs the instance id and its state into one word, so a
 * lockless reader never pairs one instance's id with another's state.
 */
#define PT_CUR(id, st)		(((unsigned long)(id) << 2) | (st))
#define PT_ID(cur)		((u32)((cur) >> 2))
#define PT_STATE(cur)		((enum pt_state)((cur) & 3))

struct pt_slot {
	/* held by register/unregister of this slot, and by quiesce */
	struct mutex lock;
	/* PT_CUR(): release-stored under lock, acquire-loaded by lookups */
	unsigned long cur;
	/* the device, compared locklessly by the notifier and clones */
	struct pcref_dev __rcu *dev;
	/* workers' references on dev: raised after a hold, lowered before a put */
	atomic_t shadow;
	/* lookups of dev dwelling in the hook (inside their read side) */
	atomic_t in_lookup;
	/* the id whose PCREF_EVENT_UNREGISTER our notifier saw */
	u32 announced_id;
	/* the id whose unregister last returned */
	u32 returned_id;
	/* jiffies: shadow last fell to 0; the slot became dying */
	unsigned long last_drop;
	unsigned long dying_since;
	/* the watchdog reported this id already */
	u32 watchdog_id;
};

struct pt_ref {
	struct pcref_dev *dev;
	/* a tracked reference's tracker (tracker devices), else NULL */
	struct pcref_tracker *trk;
	int slot;		/* -1: a device of the load script */
	u32 id;
	u32 seq;		/* which reference, for an op that sleeps */
};

struct pt_thread {
	/* refs[] and nrefs: the worker, the notifier's sweep, quiesce */
	spinlock_t lock;
	struct pt_ref refs[PT_REFS];
	unsigned int nrefs;
	u32 seq;
	/* the worker's task, for the lookup hook to find its thread */
	struct task_struct *task;
	struct rtort_thread *t;
	/* slot and id the worker is looking up now (-1: none of ours) */
	int lookup_slot;
	u32 lookup_id;
	/* the "notifier" op's transient listener */
	struct notifier_block nb;
};

struct pt_ctx {
	struct pt_slot slots[PT_SLOTS];
	struct pt_thread th[RTORT_MAX_THREADS];
	atomic_t next_id;
	struct notifier_block nb;
	struct pcref_test_hooks hooks;
	struct delayed_work watchdog;
	bool stopping;
	struct rtort_session *session;
	/* what the windows saw, printed at exit: proof the races ran */
	atomic_long_t dwells;		/* lookups that dwelled on a dying device */
	atomic_long_t swept;		/* references our notifier dropped */
	atomic_long_t clone_refused;	/* clones refused after the event */
	atomic_long_t deaf;		/* holders deaf to the event */
	atomic_long_t remote;		/* holds and puts in another CPU's hardirq */
	atomic_long_t foreign;		/* references on the load script's devices */
	atomic_long_t tracked;		/* tracked references taken */
};

static struct pt_ctx pt_ctx;
static const struct rtort_target pt_target;

/* ------------------------------------------------------------ helpers */

static void pt_name(char *buf, size_t len, u32 id)
{
	snprintf(buf, len, "rtk%u", id);
}

static struct pt_thread *pt_of(struct rtort_thread *t)
{
	return rtort_thread_data(t);
}

/* The worker thread running now, or NULL (only workers dwell). */
static struct pt_thread *pt_current(struct pt_ctx *c)
{
	unsigned int i;

	for (i = 0; i < RTORT_MAX_THREADS; i++)
		if (READ_ONCE(c->th[i].task) == current)
			return &c->th[i];
	return NULL;
}

/* The slot whose device is @dev, or NULL: a pointer compare, no access. */
static struct pt_slot *pt_slot_of(struct pt_ctx *c, struct pcref_dev *dev)
{
	unsigned int i;

	for (i = 0; i < PT_SLOTS; i++)
		if (rcu_access_pointer(c->slots[i].dev) == dev)
			return &c->slots[i];
	return NULL;
}

/*
 * alloc_percpu() failing dumps a stack ("percpu: allocation failed"),
 * which the runner counts as a splat: percpu registrations run without
 * injected faults. The kzalloc() failure path of pcref_register() is the
 * same code and is exercised by the other variants.
 */
static bool pt_faults_off(void)
{
#ifdef CONFIG_FAULT_INJECTION
	bool was = current->make_it_fail;

	current->make_it_fail = false;
	return was;
#else
	return false;
#endif
}

static void pt_faults_restore(bool was)
{
#ifdef CONFIG_FAULT_INJECTION
	current->make_it_fail = was;
#endif
}

/* Shadow bookkeeping: after a hold, and before a put. */
static void pt_shadow_inc(struct pt_slot *s)
{
	atomic_inc(&s->shadow);
}

static void pt_shadow_dec(struct pt_slot *s)
{
	if (atomic_dec_and_test(&s->shadow))
		WRITE_ONCE(s->last_drop, jiffies);
}

/* Some online CPU other than this one, or -1. */
static int pt_other_cpu(struct rtort_thread *t)
{
	unsigned int self = raw_smp_processor_id();
	unsigned int cpu = rtort_random(t, nr_cpu_ids);

	if (cpu == self || !cpu_online(cpu))
		cpu = cpumask_any_but(cpu_online_mask, self);
	return cpu < nr_cpu_ids ? cpu : -1;
}

static void pt_put_ipi(void *dev)
{
	pcref_put(dev);
}

/* Put @dev here, with interrupts off, or from another CPU's hardirq. */
static void pt_put_anywhere(struct rtort_thread *t, struct pcref_dev *dev)
{
	unsigned long flags;
	int cpu;

	switch (rtort_random(t, 4)) {
	case 0:
		local_irq_save(flags);
		pcref_put(dev);
		local_irq_restore(flags);
		return;
	case 1:
		cpu = pt_other_cpu(t);
		/* -ENXIO: the CPU went offline meanwhile; put here */
		if (cpu >= 0 && !smp_call_function_single(cpu, pt_put_ipi, dev, 1)) {
			atomic_long_inc(&pt_ctx.remote);
			return;
		}
		fallthrough;
	default:
		pcref_put(dev);
	}
}

static void pt_hold_ipi(void *dev)
{
	pcref_hold(dev);
}

/* References @pt records on @dev; caller holds pt->lock. */
static unsigned int pt_count_locked(struct pt_thread *pt, struct pcref_dev *dev)
{
	unsigned int i, n = 0;

	for (i = 0; i < pt->nrefs; i++)
		n += pt->refs[i].dev == dev;
	return n;
}

/*
 * Records of @slot's instance @id (0: any instance) over every worker. By
 * slot and id, not by pointer: a freed device's address may already be a
 * new device of the load script's that a worker holds.
 */
static unsigned int pt_count_all(struct pt_ctx *c, int slot, u32 id)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < RTORT_MAX_THREADS; i++) {
		struct pt_thread *pt = &c->th[i];

		spin_lock(&pt->lock);
		for (j = 0; j < pt->nrefs; j++)
			n += pt->refs[j].slot == slot &&
			     (!id || pt->refs[j].id == id);
		spin_unlock(&pt->lock);
	}
	return n;
}

/* Tracked references recorded on @slot's device, over every worker. */
static unsigned int pt_count_tracked(struct pt_ctx *c, int slot)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < RTORT_MAX_THREADS; i++) {
		struct pt_thread *pt = &c->th[i];

		spin_lock(&pt->lock);
		for (j = 0; j < pt->nrefs; j++)
			n += pt->refs[j].slot == slot && pt->refs[j].trk;
		spin_unlock(&pt->lock);
	}
	return n;
}

/*
 * Exact variants only (atomic, refcount): the count can never be below the
 * base plus the references this worker holds, which nobody else can put
 * while we hold pt->lock (the sweep takes it too). Percpu sums are not
 * exact while others hold and put, so they are checked at quiesce.
 */
static void pt_check_exact_locked(struct rtort_thread *t, struct pt_thread *pt,
				  struct pcref_dev *dev, unsigned int in_hand)
{
	unsigned int mine;
	int cnt;

	if (pcref_variant_percpu(dev->variant))
		return;
	mine = pt_count_locked(pt, dev) + in_hand;
	cnt = pcref_refcnt_read(dev);
	if (cnt < 1 + (int)mine)
		rtort_fail(t, "%s (%s): count %d below base + the %u references this worker holds",
			   dev->name, pcref_variant_name(dev->variant), cnt, mine);
	if (dev->variant == PCREF_REFCOUNT && atomic_read(&dev->underflows))
		rtort_fail(t, "%s: refcount refused %d puts, but every put had a reference",
			   dev->name, atomic_read(&dev->underflows));
}

/* Record a reference; caller holds pt->lock and made room. */
static u32 pt_record_locked(struct pt_thread *pt, struct pcref_dev *dev,
			    struct pcref_tracker *trk, int slot, u32 id)
{
	struct pt_ref *r = &pt->refs[pt->nrefs++];

	r->dev = dev;
	r->trk = trk;
	r->slot = slot;
	r->id = id;
	r->seq = ++pt->seq;
	return r->seq;
}

/* Unrecord refs[i] and return it; caller holds pt->lock. */
static struct pt_ref pt_unrecord_locked(struct pt_thread *pt, unsigned int i)
{
	struct pt_ref r = pt->refs[i];

	pt->refs[i] = pt->refs[--pt->nrefs];
	return r;
}

/*
 * Drop one unrecorded reference: shadow first, then the put. A tracked
 * one is put with its tracker, here (process context, or under a worker's
 * spinlock for the sweep; trk_lock is a spinlock_t, not for hardirq on
 * PREEMPT_RT): it is ours, so the put must succeed.
 */
static void pt_drop(struct pt_ctx *c, struct rtort_thread *t, struct pt_ref *r)
{
	int err;

	if (r->slot >= 0)
		pt_shadow_dec(&c->slots[r->slot]);
	if (r->trk) {
		err = pcref_put_tracked(r->dev, &r->trk);
		if (err)
			rtort_fail(t, "tracked put of our own reference on %s refused: %d",
				   r->dev->name, err);
		return;
	}
	if (t)
		pt_put_anywhere(t, r->dev);
	else
		pcref_put(r->dev);
}

/* Put one of @pt's references at random; 0 or -ENOENT (none). */
static int pt_put_one(struct pt_ctx *c, struct rtort_thread *t,
		      struct pt_thread *pt)
{
	struct pt_ref r;

	spin_lock(&pt->lock);
	if (!pt->nrefs) {
		spin_unlock(&pt->lock);
		return -ENOENT;
	}
	r = pt_unrecord_locked(pt, rtort_random(t, pt->nrefs));
	/* still ours: nobody can put it now, so the check is exact */
	pt_check_exact_locked(t, pt, r.dev, 1);
	spin_unlock(&pt->lock);
	pt_drop(c, t, &r);
	return 0;
}

/* Make room for one more reference. */
static void pt_make_room(struct pt_ctx *c, struct rtort_thread *t,
			 struct pt_thread *pt)
{
	unsigned int n;

	spin_lock(&pt->lock);
	n = pt->nrefs;
	spin_unlock(&pt->lock);
	/* only this worker adds records: the room stays */
	if (n >= PT_REFS)
		pt_put_one(c, t, pt);
}

/* ------------------------------------------------ notifier and hook */

/*
 * PCREF_EVENT_UNREGISTER: drop every recorded reference on the device, as
 * a protocol drops its dev_hold()s on NETDEV_UNREGISTER. The announced id
 * is stored before the sweep takes each worker's lock, so a worker that
 * clones under its lock after the sweep passed it sees the id and clones
 * nothing, and a clone made before is in refs[] for the sweep to drop.
 */
static int pt_event(struct notifier_block *nb, unsigned long event, void *data)
{
	struct pt_ctx *c = container_of(nb, struct pt_ctx, nb);
	struct pcref_dev *dev = data;
	struct pt_slot *s;
	unsigned int i, j;

	if (event != PCREF_EVENT_UNREGISTER)
		return NOTIFY_DONE;
	s = pt_slot_of(c, dev);
	if (s)
		WRITE_ONCE(s->announced_id, PT_ID(READ_ONCE(s->cur)));
	for (i = 0; i < RTORT_MAX_THREADS; i++) {
		struct pt_thread *pt = &c->th[i];

		spin_lock(&pt->lock);
		for (j = 0; j < pt->nrefs; ) {
			struct pt_ref r;

			if (pt->refs[j].dev != dev) {
				j++;
				continue;
			}
			r = pt_unrecord_locked(pt, j);
			pt_drop(c, NULL, &r);
			atomic_long_inc(&c->swept);
		}
		spin_unlock(&pt->lock);
	}
	return NOTIFY_OK;
}

/* The "notifier" op's listener: it only has to be called safely. */
static int pt_transient_event(struct notifier_block *nb, unsigned long event,
			      void *data)
{
	return NOTIFY_DONE;
}

/*
 * pcpuref's lookup hook, inside pcref_get_by_name()'s read-side section
 * after the name matched and before the hold. Other lookups only get the
 * core's reader delay; a worker that found one of our dying devices
 * dwells, which the unregister's grace period must wait out.
 */
static bool pt_lookup_found(struct pcref_dev *dev, void *arg)
{
	struct pt_ctx *c = arg;
	struct pt_thread *pt = pt_current(c);
	struct pt_slot *s;
	unsigned int us;
	bool ok = true;
	u32 id;

	if (!pt)
		return true;
	rtort_reader_delay(pt->t);
	if (pt->lookup_slot < 0)
		return true;
	s = &c->slots[pt->lookup_slot];
	id = pt->lookup_id;
	atomic_inc(&s->in_lookup);
	if (READ_ONCE(s->cur) == PT_CUR(id, PT_DYING))
		atomic_long_inc(&c->dwells);
	for (us = 0; ; us += PT_DWELL_STEP_US) {
		if (READ_ONCE(s->returned_id) == id) {
			/* freed under us: report, and do not touch it */
			rtort_fail(pt->t,
				   "rtk%u freed under a lookup that found it listed: its unregister returned before the lookup's hold",
				   id);
			ok = false;
			break;
		}
		if (us >= PT_DWELL_US ||
		    READ_ONCE(s->cur) != PT_CUR(id, PT_DYING))
			break;
		udelay(PT_DWELL_STEP_US);
	}
	atomic_dec(&s->in_lookup);
	return ok;
}

/* ---------------------------------------------------------------- ops */

/* Look up and hold the device of @slot; recorded. 0, or -ENOENT. */
static int pt_lookup_slot(struct pt_ctx *c, struct rtort_thread *t,
			  struct pt_thread *pt, unsigned int slot, u32 *seq)
{
	struct pt_slot *s = &c->slots[slot];
	char name[PCREF_NAME_MAX + 1];
	struct pcref_dev *dev;
	unsigned long cur;
	u32 id;

	/*
	 * Pairs with the release stores of s->cur: seeing an instance empty
	 * means its unregister (unlist, grace period) came before our lookup,
	 * and seeing it live means its s->dev is visible.
	 */
	cur = smp_load_acquire(&s->cur);
	id = PT_ID(cur);

	if (!id)
		return -ENOENT;		/* never registered */
	pt_name(name, sizeof(name), id);
	pt->lookup_slot = slot;
	pt->lookup_id = id;
	dev = pcref_get_by_name(name);
	pt->lookup_slot = -1;
	if (!dev)
		return -ENOENT;
	if (PT_STATE(cur) == PT_EMPTY) {
		/* leaked on purpose: it is not safe to put */
		rtort_fail(t, "%s resolves after its unregister returned", name);
		return -EIO;
	}
	if (strcmp(dev->name, name)) {
		rtort_fail(t, "lookup of %s returned device %s", name, dev->name);
		return -EIO;
	}
	/* we hold it, so its unregister cannot have returned */
	if (PT_ID(smp_load_acquire(&s->cur)) != id ||
	    rcu_access_pointer(s->dev) != dev) {
		rtort_fail(t,
			   "%s is held, but its slot moved on: its unregister returned while a reference was held",
			   name);
		return -EIO;
	}
	pt_shadow_inc(s);
	spin_lock(&pt->lock);
	*seq = pt_record_locked(pt, dev, NULL, slot, id);
	pt_check_exact_locked(t, pt, dev, 0);
	spin_unlock(&pt->lock);
	return 0;
}

/* A dying slot (lookups there race the unregister), else a random one. */
static unsigned int pt_pick_slot(struct pt_ctx *c, struct rtort_thread *t)
{
	unsigned int i, start = rtort_random(t, PT_SLOTS);

	if (!rtort_random(t, 4)) {
		for (i = 0; i < PT_SLOTS; i++) {
			unsigned int k = (start + i) % PT_SLOTS;

			if (PT_STATE(READ_ONCE(c->slots[k].cur)) == PT_DYING)
				return k;
		}
	}
	return start;
}

static int pt_op_lookup(void *ctx, struct rtort_thread *t)
{
	struct pt_ctx *c = ctx;
	struct pt_thread *pt = pt_of(t);
	char name[PCREF_NAME_MAX + 1];
	struct pcref_dev *dev;
	u32 r = rtort_random(t, 16), seq;

	pt_make_room(c, t, pt);
	if (r == 0) {
		/* a valid name nobody registers */
		dev = pcref_get_by_name("rtk_none");
		if (dev) {
			rtort_fail(t, "lookup of the never registered rtk_none returned %s",
				   dev->name);
			pcref_put(dev);
			return -EIO;
		}
		return 0;
	}
	if (r <= 2) {
		/* the load script's devices: its unregister must wait for us */
		snprintf(name, sizeof(name), "rtu%u", rtort_random(t, PT_FOREIGN));
		dev = pcref_get_by_name(name);
		if (!dev)
			return 0;
		if (strcmp(dev->name, name)) {
			rtort_fail(t, "lookup of %s returned device %s", name, dev->name);
			return -EIO;
		}
		atomic_long_inc(&c->foreign);
		spin_lock(&pt->lock);
		pt_record_locked(pt, dev, NULL, -1, 0);
		pt_check_exact_locked(t, pt, dev, 0);
		spin_unlock(&pt->lock);
		return 0;
	}
	r = pt_lookup_slot(c, t, pt, pt_pick_slot(c, t), &seq);
	return r == -ENOENT ? 0 : r;
}

/*
 * Hold from a reference we own (a clone): only while its unregister has
 * not been announced to us. Under pt->lock, so the notifier's sweep either
 * finds the clone or we find its announcement (see pt_event()).
 */
static int pt_clone(struct pt_ctx *c, struct rtort_thread *t,
		    struct pt_thread *pt, u32 *seq)
{
	struct pcref_tracker *trk = NULL;
	struct pt_slot *s;
	struct pt_ref *r;
	int cpu, err = 0;

	spin_lock(&pt->lock);
	if (!pt->nrefs || pt->nrefs >= PT_REFS) {
		err = -ENOENT;
		goto out;
	}
	r = &pt->refs[rtort_random(t, pt->nrefs)];
	if (r->slot < 0) {
		err = -ENOENT;		/* the load script's: no clones */
		goto out;
	}
	s = &c->slots[r->slot];
	if (READ_ONCE(s->announced_id) == r->id) {
		atomic_long_inc(&c->clone_refused);
		err = -ENOENT;		/* dying: only puts from now on */
		goto out;
	}
	if (r->dev->variant == PCREF_TRACKER && rtort_random(t, 2)) {
		/* a tracked clone, here (we hold pt->lock: no sleeping) */
		err = pcref_hold_tracked(r->dev, &trk, "rt_clone",
					 GFP_ATOMIC | __GFP_NOWARN);
		if (err == -ENOMEM) {
			err = -ENOENT;	/* an injected fault: no reference */
			goto out;
		}
		if (err) {
			rtort_fail(t, "tracked hold on %s: %d", r->dev->name, err);
			goto out;
		}
		atomic_long_inc(&c->tracked);
	} else {
		cpu = rtort_random(t, 4) ? -1 : pt_other_cpu(t);
		/* a hold in another CPU's hardirq, or here */
		if (cpu < 0 ||
		    smp_call_function_single(cpu, pt_hold_ipi, r->dev, 1))
			pcref_hold(r->dev);
		else
			atomic_long_inc(&c->remote);
	}
	pt_shadow_inc(s);
	*seq = pt_record_locked(pt, r->dev, trk, r->slot, r->id);
	pt_check_exact_locked(t, pt, r->dev, 0);
out:
	spin_unlock(&pt->lock);
	return err;
}

static int pt_op_clone(void *ctx, struct rtort_thread *t)
{
	struct pt_ctx *c = ctx;
	u32 seq;

	pt_make_room(c, t, pt_of(t));
	pt_clone(c, t, pt_of(t), &seq);
	return 0;
}

static int pt_op_put(void *ctx, struct rtort_thread *t)
{
	pt_put_one(ctx, t, pt_of(t));
	return 0;
}

/* Unrecord the reference @seq if the sweep has not dropped it yet. */
static bool pt_unrecord_seq(struct pt_thread *pt, u32 seq, struct pt_ref *out)
{
	unsigned int i;
	bool found = false;

	spin_lock(&pt->lock);
	for (i = 0; i < pt->nrefs; i++) {
		if (pt->refs[i].seq == seq) {
			*out = pt_unrecord_locked(pt, i);
			found = true;
			break;
		}
	}
	spin_unlock(&pt->lock);
	return found;
}

/*
 * Take a reference on this CPU (lookup or clone), move to another CPU and
 * put it there. Mostly the reference stays recorded while we move, so an
 * unregister's sweep may drop it under us; now and then we unrecord it
 * first and sleep on it: a holder deaf to the event, which the unregister
 * simply has to wait for.
 */
static int pt_op_migrate(void *ctx, struct rtort_thread *t)
{
	struct pt_ctx *c = ctx;
	struct pt_thread *pt = pt_of(t);
	bool deaf = !rtort_random(t, 4), have;
	struct pt_ref r;
	int cpu, err;
	u32 seq;

	pt_make_room(c, t, pt);
	if (rtort_random(t, 2))
		err = pt_clone(c, t, pt, &seq);
	else
		err = pt_lookup_slot(c, t, pt, pt_pick_slot(c, t), &seq);
	if (err)
		return err == -ENOENT ? 0 : err;
	if (deaf && !pt_unrecord_seq(pt, seq, &r))
		return 0;		/* swept already */
	if (deaf)
		atomic_long_inc(&c->deaf);
	cpu = pt_other_cpu(t);
	/* may fail under CPU hotplug: then the put stays on this CPU */
	if (cpu >= 0)
		set_cpus_allowed_ptr(current, cpumask_of(cpu));
	if (deaf)
		msleep(1 + rtort_random(t, PT_DEAF_MS));
	have = deaf || pt_unrecord_seq(pt, seq, &r);
	if (have)
		pt_drop(c, t, &r);
	set_cpus_allowed_ptr(current, cpu_possible_mask);
	return 0;
}

/* Register a device in an empty slot; caller holds s->lock. */
static int pt_register_locked(struct pt_ctx *c, struct rtort_thread *t,
			      unsigned int slot)
{
	struct pt_slot *s = &c->slots[slot];
	enum pcref_variant v = rtort_random(t, PCREF_NR_VARIANTS);
	char name[PCREF_NAME_MAX + 1];
	struct pcref_dev *dev, *found;
	u32 id = atomic_inc_return(&c->next_id);
	bool faults = false;
	int cnt;

	pt_name(name, sizeof(name), id);
	if (pcref_variant_percpu(v))
		faults = pt_faults_off();
	dev = pcref_register(name, v);
	if (pcref_variant_percpu(v))
		pt_faults_restore(faults);
	if (IS_ERR(dev)) {
		int err = PTR_ERR(dev);

		/* a failed register leaves nothing behind */
		found = pcref_get_by_name(name);
		if (found) {
			rtort_fail(t, "register of %s failed (%d) but left it listed",
				   name, err);
			pcref_put(found);
		}
		if (err != -ENOMEM && err != -ENOSPC)
			rtort_fail(t, "register of %s: unexpected error %d", name, err);
		return err;
	}
	cnt = pcref_refcnt_read(dev);
	if (cnt != 1 || dev->variant != v || strcmp(dev->name, name))
		rtort_fail(t, "fresh %s: count %d variant %s (want 1, %s)", dev->name,
			   cnt, pcref_variant_name(dev->variant),
			   pcref_variant_name(v));
	found = pcref_get_by_name(name);
	if (found != dev)
		rtort_fail(t, "fresh %s does not resolve to itself", name);
	if (found)
		pcref_put(found);
	if (atomic_read(&s->shadow) || atomic_read(&s->in_lookup))
		rtort_fail(t, "slot %u reused with shadow %d, %d lookups inside",
			   slot, atomic_read(&s->shadow),
			   atomic_read(&s->in_lookup));
	rcu_assign_pointer(s->dev, dev);
	/* publishes s->dev to lookups that load s->cur (acquire) */
	smp_store_release(&s->cur, PT_CUR(id, PT_LIVE));
	return 0;
}

/* Lock a slot in @want state, starting at a random one; or -1. */
static int pt_lock_slot(struct pt_ctx *c, struct rtort_thread *t,
			enum pt_state want)
{
	unsigned int i, start = rtort_random(t, PT_SLOTS);

	for (i = 0; i < PT_SLOTS; i++) {
		unsigned int k = (start + i) % PT_SLOTS;
		struct pt_slot *s = &c->slots[k];

		if (!mutex_trylock(&s->lock))
			continue;
		if (PT_STATE(s->cur) == want)
			return k;
		mutex_unlock(&s->lock);
	}
	return -1;
}

static int pt_op_register(void *ctx, struct rtort_thread *t)
{
	struct pt_ctx *c = ctx;
	int slot = pt_lock_slot(c, t, PT_EMPTY), err;

	if (slot < 0)
		return 0;
	err = pt_register_locked(c, t, slot);
	mutex_unlock(&c->slots[slot].lock);
	return err;
}

/*
 * Unregister a live device while workers hold references and lookups
 * race it. The slot is marked dying first and we sleep a little, so that
 * lookups find the device and dwell in the hook while pcref_unregister()
 * runs.
 */
static int pt_op_unregister(void *ctx, struct rtort_thread *t)
{
	struct pt_ctx *c = ctx;
	struct pcref_unreg_stats st = {};
	char name[PCREF_NAME_MAX + 1];
	struct pcref_dev *dev;
	struct pt_slot *s;
	unsigned int held;
	int slot, n;
	u32 id;

	slot = pt_lock_slot(c, t, PT_LIVE);
	if (slot < 0)
		return 0;
	s = &c->slots[slot];
	dev = rcu_dereference_protected(s->dev, lockdep_is_held(&s->lock));
	id = PT_ID(s->cur);
	pt_name(name, sizeof(name), id);
	WRITE_ONCE(s->dying_since, jiffies);
	/* dying_since before the state, for the watchdog */
	smp_store_release(&s->cur, PT_CUR(id, PT_DYING));
	usleep_range(50, 50 + rtort_random(t, 1000));

	if (rtort_random(t, 2)) {
		pcref_unregister(dev);
	} else {
		pcref_unregister_timed(dev, 500 + rtort_random(t, 2000), &st);
		if (!st.announces)
			rtort_fail(t, "unregister of %s waited without announcing it",
				   name);
	}
	/* dev is freed: from here on it is only a value to compare */
	WRITE_ONCE(s->returned_id, id);

	n = atomic_read(&s->in_lookup);
	if (n)
		rtort_fail(t,
			   "unregister of %s returned while %d lookups that found it were inside their read-side section",
			   name, n);
	n = atomic_read(&s->shadow);
	if (n)
		rtort_fail(t,
			   "unregister of %s returned while the workers hold %d references on it",
			   name, n);
	held = pt_count_all(c, slot, id);
	if (held)
		rtort_fail(t, "unregister of %s returned while workers still record %u references",
			   name, held);
	RCU_INIT_POINTER(s->dev, NULL);
	/*
	 * After the unregister returned: a lookup that sees the slot empty
	 * must not find the name any more (pt_lookup_slot()).
	 */
	smp_store_release(&s->cur, PT_CUR(id, PT_EMPTY));
	mutex_unlock(&s->lock);
	return 0;
}

/*
 * pcref_unregister_by_name(): refuses our owned devices (-EPERM, and the
 * device stays), knows no unknown name, and may take the load script's
 * devices (control-file owned), waiting for our references on them.
 */
static int pt_op_byname(void *ctx, struct rtort_thread *t)
{
	struct pt_ctx *c = ctx;
	char name[PCREF_NAME_MAX + 1];
	struct pcref_dev *dev, *found;
	struct pt_slot *s;
	int slot, err;

	switch (rtort_random(t, 3)) {
	case 0:
		err = pcref_unregister_by_name("rtk_none");
		if (err != -ENODEV)
			rtort_fail(t, "unregister_by_name of an unknown name: %d, not -ENODEV",
				   err);
		return 0;
	case 1:
		snprintf(name, sizeof(name), "rtu%u", rtort_random(t, PT_FOREIGN));
		err = pcref_unregister_by_name(name);
		if (err && err != -ENODEV)
			rtort_fail(t, "unregister_by_name of %s: %d", name, err);
		return 0;
	}
	slot = pt_lock_slot(c, t, PT_LIVE);
	if (slot < 0)
		return 0;
	s = &c->slots[slot];
	dev = rcu_dereference_protected(s->dev, lockdep_is_held(&s->lock));
	pt_name(name, sizeof(name), PT_ID(s->cur));
	err = pcref_unregister_by_name(name);
	if (err != -EPERM)
		rtort_fail(t, "unregister_by_name of the owned %s: %d, not -EPERM",
			   name, err);
	found = pcref_get_by_name(name);
	if (found != dev)
		rtort_fail(t, "owned %s no longer resolves after a refused unregister_by_name",
			   name);
	if (found)
		pcref_put(found);
	mutex_unlock(&s->lock);
	return 0;
}

/*
 * pcref_register() errors: bad names and variant, and a duplicate of a
 * live device, which must stay exactly as it was.
 */
static int pt_op_reg_errors(void *ctx, struct rtort_thread *t)
{
	static const char *const bad[] = { "", "a/b", "sixteen_chars_xx", "a b" };
	struct pt_ctx *c = ctx;
	char name[PCREF_NAME_MAX + 1];
	struct pcref_dev *dev, *got, *found;
	enum pcref_variant v;
	struct pt_slot *s;
	bool faults = false;
	int slot, err = 0;

	got = pcref_register(bad[rtort_random(t, ARRAY_SIZE(bad))], PCREF_ATOMIC);
	if (!IS_ERR(got) || PTR_ERR(got) != -EINVAL) {
		rtort_fail(t, "register of a bad name: %ld, not -EINVAL",
			   IS_ERR(got) ? PTR_ERR(got) : 0L);
		if (!IS_ERR(got))
			pcref_unregister(got);
	}
	got = pcref_register("rtk_badvariant", PCREF_NR_VARIANTS);
	if (!IS_ERR(got) || PTR_ERR(got) != -EINVAL) {
		rtort_fail(t, "register with a bad variant: %ld, not -EINVAL",
			   IS_ERR(got) ? PTR_ERR(got) : 0L);
		if (!IS_ERR(got))
			pcref_unregister(got);
	}

	slot = pt_lock_slot(c, t, PT_LIVE);
	if (slot < 0)
		return 0;
	s = &c->slots[slot];
	dev = rcu_dereference_protected(s->dev, lockdep_is_held(&s->lock));
	pt_name(name, sizeof(name), PT_ID(s->cur));
	v = rtort_random(t, PCREF_NR_VARIANTS);
	if (pcref_variant_percpu(v))
		faults = pt_faults_off();
	got = pcref_register(name, v);
	if (pcref_variant_percpu(v))
		pt_faults_restore(faults);
	if (IS_ERR(got)) {
		err = PTR_ERR(got);
		/* -ENOMEM: an injected fault, before the duplicate check */
		if (err != -EEXIST && err != -ENOMEM)
			rtort_fail(t, "duplicate register of %s: %d, not -EEXIST",
				   name, err);
		if (err == -EEXIST)
			err = 0;
	} else {
		rtort_fail(t, "duplicate register of the live %s succeeded", name);
		pcref_unregister(got);
	}
	found = pcref_get_by_name(name);
	if (found != dev)
		rtort_fail(t, "%s does not resolve to itself after a duplicate register",
			   name);
	if (found)
		pcref_put(found);
	mutex_unlock(&s->lock);
	return err;
}

/*
 * A private tracker device: tracked holds and their puts count exactly and
 * list exactly as many trackers; rarely (each logs a rate-limited line) a
 * put with no tracker and a put of another device's tracker, both refused
 * with nothing changed.
 */
static void pt_private_tracked(struct rtort_thread *t, struct pcref_dev *d)
{
	struct pcref_tracker *trk[4] = {}, *none = NULL;
	unsigned int i, n = 0;
	struct pcref_dev *o;
	bool faults;

	for (i = 0; i < ARRAY_SIZE(trk); i++) {
		if (pcref_hold_tracked(d, &trk[i], "rt_private", GFP_KERNEL))
			break;		/* an injected fault: no reference */
		n++;
	}
	if (pcref_refcnt_read(d) != 1 + (int)n || pcref_tracker_count(d) != n)
		rtort_fail(t, "private tracker: count %d, %u trackers after %u tracked holds",
			   pcref_refcnt_read(d), pcref_tracker_count(d), n);
	if (n && !rtort_random(t, 64)) {
		if (pcref_put_tracked(d, &none) != -ENOENT)
			rtort_fail(t, "tracked put without a tracker not refused");
		/* another worker may have it: then -EEXIST, skipped */
		faults = pt_faults_off();
		o = pcref_register("rtk_trkother", PCREF_TRACKER);
		pt_faults_restore(faults);
		if (!IS_ERR(o)) {
			if (pcref_put_tracked(o, &trk[0]) != -EINVAL ||
			    !trk[0] || pcref_refcnt_read(o) != 1)
				rtort_fail(t, "tracked put on another device not refused");
			pcref_unregister(o);
		}
		if (pcref_refcnt_read(d) != 1 + (int)n)
			rtort_fail(t, "refused tracked puts changed the count: %d, want %u",
				   pcref_refcnt_read(d), n + 1);
	}
	for (i = 0; i < n; i++)
		if (pcref_put_tracked(d, &trk[i]) || trk[i])
			rtort_fail(t, "tracked put of a private reference refused");
	if (pcref_refcnt_read(d) != 1 || pcref_tracker_count(d))
		rtort_fail(t, "private tracker: count %d, %u trackers after the puts",
			   pcref_refcnt_read(d), pcref_tracker_count(d));
}

/*
 * A private device through the storage API: pcref_counter_init(), holds
 * and puts from this and other CPUs, the variant's own read, destroy; the
 * counts are exact (nobody else sees it). Now and then a refcount put of
 * the base reference, which must be refused. Plus the name and variant
 * helpers.
 */
static int pt_op_private(void *ctx, struct rtort_thread *t)
{
	enum pcref_variant v = rtort_random(t, PCREF_NR_VARIANTS), back;
	unsigned int i, n = 1 + rtort_random(t, 64);
	struct pcref_dev *d;
	bool faults = false;
	int cnt, err, raw;

	if (pcref_name_valid("") || pcref_name_valid("sixteen_chars_xx") ||
	    pcref_name_valid("a/b") || !pcref_name_valid("rtk0.a-b_C"))
		rtort_fail(t, "pcref_name_valid() misjudges a name");
	if (pcref_parse_variant(pcref_variant_name(v), &back) || back != v ||
	    pcref_parse_variant("bogus", &back) != -EINVAL)
		rtort_fail(t, "variant names do not round-trip (%s)",
			   pcref_variant_name(v));

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	strscpy(d->name, "rtk_private", sizeof(d->name));
	if (pcref_variant_percpu(v))
		faults = pt_faults_off();
	err = pcref_counter_init(d, v);
	if (pcref_variant_percpu(v))
		pt_faults_restore(faults);
	if (err) {
		kfree(d);
		return err;
	}
	/* the base reference, as pcpuref sets it */
	if (v == PCREF_REFCOUNT)
		refcount_set(&d->refs, 1);
	else
		pcref_hold(d);
	for (i = 0; i < n; i++) {
		int cpu = rtort_random(t, 2) ? -1 : pt_other_cpu(t);

		if (cpu < 0 || smp_call_function_single(cpu, pt_hold_ipi, d, 1))
			pcref_hold(d);
	}
	cnt = pcref_refcnt_read(d);
	raw = pcref_variant_percpu(v) ? pcref_percpu_read(d) :
					pcref_legacy_read(d);
	if (cnt != 1 + (int)n || raw != cnt)
		rtort_fail(t, "private %s: %d (raw %d) after %u holds, want %u",
			   pcref_variant_name(v), cnt, raw, n, n + 1);
	for (i = 0; i < n; i++)
		pt_put_anywhere(t, d);
	cnt = pcref_refcnt_read(d);
	if (cnt != 1)
		rtort_fail(t, "private %s: %d after as many puts, want 1",
			   pcref_variant_name(v), cnt);
	if (v == PCREF_TRACKER)
		pt_private_tracked(t, d);
	/* rarely: each one logs a (rate-limited) line */
	if (v == PCREF_REFCOUNT && !rtort_random(t, 256)) {
		/* a put nobody holds: refused, logged, count unchanged */
		pcref_put(d);
		if (pcref_refcnt_read(d) != 1 || atomic_read(&d->underflows) != 1)
			rtort_fail(t, "refcount put of the base: count %d underflows %d, want 1 1",
				   pcref_refcnt_read(d),
				   atomic_read(&d->underflows));
	}
	pcref_counter_destroy(d);
	kfree(d);
	return 0;
}

/* Register a listener while unregisters announce, and unregister it. */
static int pt_op_notifier(void *ctx, struct rtort_thread *t)
{
	struct pt_thread *pt = pt_of(t);
	int err;

	pt->nb.notifier_call = pt_transient_event;
	err = pcref_register_notifier(&pt->nb);
	if (err)
		return err;
	usleep_range(100, 100 + rtort_random(t, 5000));
	err = pcref_unregister_notifier(&pt->nb);
	if (err)
		rtort_fail(t, "unregister of a registered notifier: %d", err);
	return 0;
}

/* ------------------------------------------------ quiesce and watchdog */

/* Every worker parked between ops (or gone): the counts are exact. */
static void pt_quiesce(void *ctx)
{
	struct pt_ctx *c = ctx;
	unsigned int i;

	for (i = 0; i < PT_SLOTS; i++) {
		struct pt_slot *s = &c->slots[i];
		char name[PCREF_NAME_MAX + 1];
		struct pcref_dev *dev, *found;
		unsigned int rec;
		int cnt, sh, n;

		mutex_lock(&s->lock);
		dev = rcu_dereference_protected(s->dev, lockdep_is_held(&s->lock));
		rec = pt_count_all(c, i, 0);
		sh = atomic_read(&s->shadow);
		n = atomic_read(&s->in_lookup);
		pt_name(name, sizeof(name), PT_ID(s->cur));
		if (PT_STATE(s->cur) != PT_LIVE) {
			if (PT_STATE(s->cur) != PT_EMPTY || rec || sh || n)
				rtort_fail(NULL,
					   "quiet slot %u (%s, state %d): %u records, shadow %d, %d lookups",
					   i, name, PT_STATE(s->cur), rec, sh, n);
			mutex_unlock(&s->lock);
			continue;
		}
		cnt = pcref_refcnt_read(dev);
		if (cnt != 1 + sh || sh != (int)rec || n)
			rtort_fail(NULL,
				   "%s (%s) at rest: count %d, shadow %d (+1 base), %u records, %d lookups inside",
				   name, pcref_variant_name(dev->variant), cnt, sh,
				   rec, n);
		if (dev->variant == PCREF_REFCOUNT && atomic_read(&dev->underflows))
			rtort_fail(NULL, "%s: %d refused puts", name,
				   atomic_read(&dev->underflows));
		rec = pt_count_tracked(c, i);
		if (pcref_tracker_count(dev) != rec ||
		    (dev->variant == PCREF_TRACKER &&
		     atomic_read(&dev->trk_refused)))
			rtort_fail(NULL,
				   "%s at rest: %u trackers listed, %u tracked references recorded, %d tracked puts refused",
				   name, pcref_tracker_count(dev), rec,
				   atomic_read(&dev->trk_refused));
		found = pcref_get_by_name(name);
		if (found != dev)
			rtort_fail(NULL, "live %s does not resolve to itself", name);
		if (found)
			pcref_put(found);
		mutex_unlock(&s->lock);
	}
}

/*
 * A dying device whose holders all dropped must finish its unregister:
 * the poll sees the base within its 250 ms back-off, and a reference
 * still in a worker's hand between the lookup and its record is swept by
 * the re-announcement a second later.
 */
static void pt_watchdog(struct work_struct *work)
{
	struct pt_ctx *c = container_of(to_delayed_work(work), struct pt_ctx,
					watchdog);
	unsigned int i;

	for (i = 0; i < PT_SLOTS; i++) {
		struct pt_slot *s = &c->slots[i];
		unsigned long cur = READ_ONCE(s->cur);
		unsigned long since = READ_ONCE(s->dying_since);
		unsigned long drop = READ_ONCE(s->last_drop);

		if (PT_STATE(cur) != PT_DYING || atomic_read(&s->shadow) ||
		    atomic_read(&s->in_lookup) ||
		    READ_ONCE(s->watchdog_id) == PT_ID(cur))
			continue;
		if (time_after(drop, since))
			since = drop;
		if (!time_after(jiffies, since + PT_WATCHDOG_SECS * HZ))
			continue;
		WRITE_ONCE(s->watchdog_id, PT_ID(cur));
		rtort_fail_target(&pt_target,
				  "unregister of rtk%u still waits %us after its last holder dropped",
				  PT_ID(cur), PT_WATCHDOG_SECS);
	}
	if (!READ_ONCE(c->stopping))
		schedule_delayed_work(&c->watchdog, HZ);
}

/* ------------------------------------------------------ threads, init */

static int pt_thread_init(void *ctx, struct rtort_thread *t)
{
	struct pt_ctx *c = ctx;
	struct pt_thread *pt = &c->th[rtort_tid(t)];

	spin_lock(&pt->lock);
	pt->nrefs = 0;
	spin_unlock(&pt->lock);
	pt->t = t;
	pt->lookup_slot = -1;
	rtort_set_thread_data(t, pt);
	/* last: from now on the hook may find us */
	WRITE_ONCE(pt->task, current);
	return 0;
}

static void pt_thread_exit(void *ctx, struct rtort_thread *t)
{
	struct pt_ctx *c = ctx;
	struct pt_thread *pt = pt_of(t);

	while (!pt_put_one(c, t, pt))
		;
	WRITE_ONCE(pt->task, NULL);
}

static const struct rtort_op pt_ops[] = {
	{ "lookup", 30, pt_op_lookup },
	{ "clone", 10, pt_op_clone },
	{ "put", 30, pt_op_put },
	{ "migrate", 8, pt_op_migrate },
	{ "register", 5, pt_op_register },
	{ "unregister", 4, pt_op_unregister },
	{ "byname", 2, pt_op_byname },
	{ "reg_errors", 1, pt_op_reg_errors },
	{ "private", 2, pt_op_private },
	{ "notifier", 1, pt_op_notifier },
};

static const struct rtort_target pt_target = {
	.name = "pcpuref",
	.ops = pt_ops,
	.nops = ARRAY_SIZE(pt_ops),
	.ctx = &pt_ctx,
	.thread_init = pt_thread_init,
	.thread_exit = pt_thread_exit,
	.quiesce = pt_quiesce,
};

/* Unregister every device still in a slot (no worker runs). */
static void pt_unregister_slots(struct pt_ctx *c)
{
	unsigned int i;

	for (i = 0; i < PT_SLOTS; i++) {
		struct pt_slot *s = &c->slots[i];
		struct pcref_dev *dev;

		mutex_lock(&s->lock);
		dev = rcu_dereference_protected(s->dev, lockdep_is_held(&s->lock));
		if (dev) {
			pcref_unregister(dev);
			RCU_INIT_POINTER(s->dev, NULL);
			WRITE_ONCE(s->cur, PT_CUR(PT_ID(s->cur), PT_EMPTY));
		}
		mutex_unlock(&s->lock);
	}
}

static int __init pt_init(void)
{
	struct pt_ctx *c = &pt_ctx;
	unsigned int i;
	int err;

	for (i = 0; i < PT_SLOTS; i++)
		mutex_init(&c->slots[i].lock);
	for (i = 0; i < RTORT_MAX_THREADS; i++) {
		spin_lock_init(&c->th[i].lock);
		c->th[i].lookup_slot = -1;
	}
	c->nb.notifier_call = pt_event;
	err = pcref_register_notifier(&c->nb);
	if (err)
		return err;
	c->hooks.lookup_found = pt_lookup_found;
	c->hooks.arg = c;
	pcref_test_set_hooks(&c->hooks);

	for (i = 0; i < PT_INITIAL; i++) {
		mutex_lock(&c->slots[i].lock);
		pt_register_locked(c, NULL, i);
		mutex_unlock(&c->slots[i].lock);
	}
	INIT_DELAYED_WORK(&c->watchdog, pt_watchdog);
	schedule_delayed_work(&c->watchdog, HZ);

	c->session = rtort_start(&pt_target);
	if (IS_ERR(c->session)) {
		err = PTR_ERR(c->session);
		WRITE_ONCE(c->stopping, true);
		cancel_delayed_work_sync(&c->watchdog);
		pt_unregister_slots(c);
		pcref_test_set_hooks(NULL);
		pcref_unregister_notifier(&c->nb);
		return err;
	}
	return 0;
}

static void __exit pt_exit(void)
{
	struct pt_ctx *c = &pt_ctx;

	rtort_stop(c->session);
	WRITE_ONCE(c->stopping, true);
	cancel_delayed_work_sync(&c->watchdog);
	pt_unregister_slots(c);
	/* waits for a grace period: no lookup runs our hook after this */
	pcref_test_set_hooks(NULL);
	pcref_unregister_notifier(&c->nb);
	pr_info("windows: dwells=%ld swept=%ld clone_refused=%ld deaf=%ld remote=%ld foreign=%ld tracked=%ld ids=%d\n",
		atomic_long_read(&c->dwells), atomic_long_read(&c->swept),
		atomic_long_read(&c->clone_refused), atomic_long_read(&c->deaf),
		atomic_long_read(&c->remote), atomic_long_read(&c->foreign),
		atomic_long_read(&c->tracked), atomic_read(&c->next_id));
}

module_init(pt_init);
module_exit(pt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rcunet-torture driver for pcpuref: randomized, self-checking stress");
MODULE_AUTHOR(RCUNET_AUTHOR);
MODULE_VERSION(RCUNET_VERSION);
RCUNET_IMPORT_TEST_EXPORTS();
