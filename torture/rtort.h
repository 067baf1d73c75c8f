/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcunet torture core (rcunet_torture.ko), after kernel/rcu/rcutorture.c
 * and kernel/locking/locktorture.c: a torture driver (one module per
 * rcunet module, torture/<module>_torture.c) lists every operation of the
 * module it torments with a weight; the core runs worker kthreads that
 * pick operations at random, counts them, prints progress every
 * stat_interval seconds and one verdict line per session:
 *
 *   rcunet-torture: progress module=inetpeer t=10s ops=123 errors=4 failures=0 get=60 put=50 ...
 *   rcunet-torture: session module=inetpeer secs=60 ops=123 errors=4 failures=0 verdict=SUCCESS
 *
 * An operation returns 0, or a negative errno when it failed cleanly (an
 * injected -ENOMEM, -EBUSY from a racing removal): those are counted as
 * "errors" and are fine. A broken invariant is a failure: the operation
 * calls rtort_fail() with the reason, and the session's verdict is FAILURE.
 *
 * A session lasts from the driver's rtort_start() to its rtort_stop() (its
 * module_exit), or "duration" seconds. The guest runner (scripts/guest/
 * run-torture) ends sessions to rmmod and re-insert the tormented module
 * under load, and sums the sessions.
 *
 * Core parameters (/sys/module/rcunet_torture/parameters/):
 *   duration        seconds a session runs (0: until rtort_stop())
 *   stat_interval   seconds between progress lines
 *   threads         workers per session (0: the target's default)
 *   fault_threads   workers that run with make_it_fail set: with failslab /
 *                   fail_page_alloc armed with task-filter=Y only their
 *                   allocations fail (0: none)
 *   reader_delay_us longest stall rtort_reader_delay() inserts in a reader
 *   quiesce_interval seconds between quiescent-state checks (0: only at stop)
 *   stall_secs      a worker stuck in one op this long fails the session
 */
#ifndef _RCUNET_TORTURE_H
#define _RCUNET_TORTURE_H

#include <linux/types.h>
#include <linux/compiler.h>

#define RTORT_MAX_OPS		24
#define RTORT_MAX_THREADS	32

struct rtort_thread;

/**
 * struct rtort_op - one operation of the tormented module
 * @name: short name, printed in progress lines (e.g. "get", "gc")
 * @weight: relative frequency; 0 disables the op
 * @run: do the operation once as worker @t. Returns 0, or a negative errno
 *	when it failed cleanly (counted as an error, not a failure). Broken
 *	invariants are reported with rtort_fail(). Runs in process context,
 *	may sleep; must not hold anything across calls that would keep
 *	rtort_stop() or a quiescent check waiting.
 */
struct rtort_op {
	const char *name;
	unsigned int weight;
	int (*run)(void *ctx, struct rtort_thread *t);
};

/**
 * struct rtort_target - what a driver hands to rtort_start()
 * @name: the tormented module's name ("inetpeer"): used in every line and
 *	as /proc/rcunet/torture/<name>
 * @ops: the operations, @nops of them
 * @nops: how many operations @ops holds (at most RTORT_MAX_OPS)
 * @nthreads: default worker count (the "threads" parameter overrides; 0:
 *	two per present CPU, so a session started while a CPU is
 *	offline is as loaded as any other)
 * @ctx: passed to every callback
 * @thread_init: optional, run by each worker before its first op (per
 *	thread state: rtort_thread_data() is the worker's private pointer)
 * @thread_exit: optional, run by each worker after its last op; it must
 *	release whatever the worker still holds (references, open endpoints)
 * @quiesce: optional, called with every worker parked between ops (and
 *	once more after the workers stopped): check the invariants that hold
 *	only when nobody is mid-operation; report with rtort_fail(NULL, ...).
 */
struct rtort_target {
	const char *name;
	const struct rtort_op *ops;
	unsigned int nops;
	unsigned int nthreads;
	void *ctx;
	int (*thread_init)(void *ctx, struct rtort_thread *t);
	void (*thread_exit)(void *ctx, struct rtort_thread *t);
	void (*quiesce)(void *ctx);
};

struct rtort_session;

/**
 * rtort_start() - start a torture session of one driver
 * @target: the driver's operations and callbacks; must outlive the session
 *
 * Workers run until rtort_stop() or the "duration" parameter ends them.
 *
 * Context: process context (module_init of the driver).
 * Return: the session, or an ERR_PTR(): -EINVAL for a malformed @target,
 * -EEXIST while a session of the same name runs, -ENOMEM.
 */
struct rtort_session *rtort_start(const struct rtort_target *target);

/**
 * rtort_stop() - end a session and print its verdict
 * @s: what rtort_start() returned
 *
 * Stops the workers (each runs ->thread_exit), runs the final ->quiesce
 * and prints the session line.
 *
 * Context: process context (module_exit of the driver); sleeps.
 * Return: 0 for SUCCESS, -EIO for FAILURE.
 */
int rtort_stop(struct rtort_session *s);

/**
 * rtort_fail() - record a broken invariant from a worker or ->quiesce
 * @t: the worker; NULL in ->quiesce (the core knows who is quiescing)
 * @fmt: printf format of the reason, then its arguments
 *
 * The session fails with the first reason, printed as "rcunet-torture:
 * FAILURE module=... thread=... op=...: <reason>"; later ones are counted
 * and a few printed.
 *
 * Context: any (raw locks only).
 */
__printf(2, 3) void rtort_fail(struct rtort_thread *t, const char *fmt, ...);

/**
 * rtort_fail_target() - rtort_fail() from outside a worker
 * @target: the driver's target (names the session)
 * @fmt: printf format of the reason, then its arguments
 *
 * For a timer, a tasklet or a wakeup callback: names the target instead of
 * a worker.
 *
 * Context: any (raw locks only).
 */
__printf(2, 3) void rtort_fail_target(const struct rtort_target *target,
				      const char *fmt, ...);

/**
 * rtort_tid() - a worker's index
 * @t: the worker
 *
 * Return: 0 .. nthreads - 1.
 */
unsigned int rtort_tid(const struct rtort_thread *t);

/**
 * rtort_random() - a random number from the worker's private generator
 * @t: the worker
 * @below: the bound (not 0)
 *
 * Return: a number in [0, @below).
 */
u32 rtort_random(struct rtort_thread *t, u32 below);

/**
 * rtort_faulty() - does the worker run with allocation faults injected?
 * @t: the worker
 *
 * Return: true when its task has make_it_fail set.
 */
bool rtort_faulty(const struct rtort_thread *t);

/**
 * rtort_thread_data() - the worker's private pointer
 * @t: the worker
 *
 * Return: what ->thread_init stored with rtort_set_thread_data(), or NULL.
 */
void *rtort_thread_data(struct rtort_thread *t);

/**
 * rtort_set_thread_data() - set the worker's private pointer
 * @t: the worker
 * @data: the driver's per-worker state
 */
void rtort_set_thread_data(struct rtort_thread *t, void *data);

/**
 * rtort_reader_delay() - now and then stall inside a read-side section
 * @t: the worker
 *
 * Call inside rcu_read_lock(), a seqcount read or with BH off: stalls up
 * to "reader_delay_us" now and then, to widen grace-period and reuse
 * windows (rcutorture's reader delays).
 *
 * Context: any; busy-waits, so it is safe where sleeping is not.
 */
void rtort_reader_delay(struct rtort_thread *t);

/**
 * rtort_should_stop() - has the session been asked to stop?
 * @t: the worker
 *
 * A long operation should give up early when this turns true.
 *
 * Return: true once the session is stopping.
 */
bool rtort_should_stop(const struct rtort_thread *t);

#endif /* _RCUNET_TORTURE_H */
