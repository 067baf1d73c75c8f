/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcunet shared core: /proc/rcunet, line-oriented control files and the
 * in-kernel benchmark harness every rcunet module uses.
 *
 * Built into rcunet_core.ko; every other rcunet module depends on it.
 */
#ifndef _RCUNET_CORE_H
#define _RCUNET_CORE_H

#include <linux/types.h>
#include <linux/in6.h>
#include <linux/proc_fs.h>
#include <linux/export.h>
#include <linux/module.h>

/* --------------------------------------------------------------- exports */

/*
 * A module exports its real API (what another module calls) with
 * EXPORT_SYMBOL_GPL(). What only rcunet's own tests call (the KUnit suites
 * and the torture drivers) goes through RCUNET_EXPORT_FOR_TESTS(): it is
 * exported only on a kernel built with CONFIG_KUNIT, into a namespace the
 * tests import with RCUNET_IMPORT_TEST_EXPORTS(). On a stock kernel such a
 * symbol stays local to its module. Where the kernel has
 * EXPORT_SYMBOL_IF_KUNIT() (6.2 on) that is what it maps to.
 */
#ifdef RCUNET_HAVE_KUNIT_VISIBILITY
#include <kunit/visibility.h>
#define RCUNET_EXPORT_FOR_TESTS(sym)	EXPORT_SYMBOL_IF_KUNIT(sym)
#define RCUNET_IMPORT_TEST_EXPORTS()	\
	MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#elif IS_ENABLED(CONFIG_KUNIT)
#define RCUNET_EXPORT_FOR_TESTS(sym)	EXPORT_SYMBOL_NS_GPL(sym, RCUNET_KUNIT)
#define RCUNET_IMPORT_TEST_EXPORTS()	MODULE_IMPORT_NS(RCUNET_KUNIT)
#else
#define RCUNET_EXPORT_FOR_TESTS(sym)
#define RCUNET_IMPORT_TEST_EXPORTS()
#endif

/* ---------------------------------------------------------------- procfs */

/* Create /proc/rcunet/<name>/; remove it with proc_remove(). */
struct proc_dir_entry *rcunet_proc_mkdir(const char *name);

/* Longest line a control file accepts (including the newline). */
#define RCUNET_CMD_MAX_LEN	512
/* Most whitespace-separated words in one control line. */
#define RCUNET_CMD_MAX_ARGS	16

/**
 * struct rcunet_cmd - one command of a control file
 * @name: first word of the line
 * @min_args: fewest words after @name
 * @max_args: most words after @name
 * @usage: argument synopsis, shown in the "help" listing and in errors
 * @handler: runs the command; @argv[0] is @name. Returns 0 or a negative
 *	errno. A handler that fails must leave the module's state unchanged.
 */
struct rcunet_cmd {
	const char *name;
	unsigned int min_args;
	unsigned int max_args;
	const char *usage;
	int (*handler)(void *ctx, int argc, char **argv);
};

/**
 * struct rcunet_ctl - a control file: a command table and its context
 * @module: module name, used in log lines
 * @cmds: command table, terminated by an entry with a NULL @name
 * @ctx: passed to every handler
 *
 * One write() is one command line (a trailing newline is allowed). The
 * write returns its full length on success, or the handler's error.
 * Reading the file lists the commands and their usage.
 */
struct rcunet_ctl {
	const char *module;
	const struct rcunet_cmd *cmds;
	void *ctx;
};

/* Create a control file @name in @parent served by @ctl (which must outlive it). */
struct proc_dir_entry *rcunet_ctl_create(const char *name,
					 struct proc_dir_entry *parent,
					 const struct rcunet_ctl *ctl);

/*
 * Run one command line against @ctl, as a write() to its file would.
 * @line is modified (split in place). Exposed for KUnit.
 */
int rcunet_ctl_exec(const struct rcunet_ctl *ctl, char *line);

/* Split @line in place into at most @max words; returns the count or -E2BIG. */
int rcunet_split_words(char *line, char **argv, int max);

/*
 * Rate-limited log of a rejected input: "rcunet <module>: <what>: <err>".
 * Every rcunet module reports bad input through this one place.
 */
void rcunet_log_reject(const char *module, const char *what, int err);

/* ------------------------------------------------------------- parsers */

/* Decimal (or 0x hex) unsigned in [min, max]; -EINVAL or -ERANGE otherwise. */
int rcunet_parse_u32(const char *s, u32 min, u32 max, u32 *out);
int rcunet_parse_u64(const char *s, u64 min, u64 max, u64 *out);

/*
 * Comma-separated list of u32 in [min, max] ("4" or "1,2,4"), at most @max_n
 * entries; returns the number parsed or a negative errno.
 */
int rcunet_parse_u32_list(const char *s, u32 min, u32 max, u32 *out,
			  unsigned int max_n);

/* An IPv4 or IPv6 address in text form. */
struct rcunet_addr {
	u16 family;		/* AF_INET or AF_INET6 */
	union {
		__be32 v4;
		struct in6_addr v6;
	};
};

/* Parse a dotted IPv4 or a colon IPv6 address; the whole string must match. */
int rcunet_parse_addr(const char *s, struct rcunet_addr *out);
/* Print as %pI4 / %pI6c into @buf; returns the length. */
int rcunet_format_addr(const struct rcunet_addr *a, char *buf, size_t len);
bool rcunet_addr_equal(const struct rcunet_addr *a, const struct rcunet_addr *b);

/*
 * Hex string (even length, no prefix) into @out; length must be in
 * [min_len, max_len] bytes. Returns the byte count or a negative errno.
 */
int rcunet_parse_hex(const char *s, u8 *out, size_t min_len, size_t max_len);

/* Split "key=value" in place; -EINVAL when there is no '=' or no key. */
int rcunet_parse_kv(char *tok, char **key, char **val);

/* ------------------------------------------------------------ benchmark */

/*
 * The benchmark harness, modelled on kernel/rcu/refscale.c: a module lists
 * its variants as an array of ops; the harness knows nothing of what an op
 * does. One measurement of (variant, threads) is: setup, one warm-up run,
 * @runs measured runs, teardown. In each run every thread (a kthread bound
 * to an online CPU, round-robin) waits at a start line, then calls ->run()
 * in chunks until it has done @loops ops, timed with ktime_get_ns().
 */
#define RCUNET_BENCH_MAX_THREADS	64
#define RCUNET_BENCH_MAX_COUNTS		8
#define RCUNET_BENCH_MAX_RUNS		50

/**
 * enum rcunet_role - what a variant is in the history of its lock
 * @RCUNET_ROLE_LOCKED: the locked original, before the upstream change
 * @RCUNET_ROLE_LOCKLESS: the lock-free conversion (the upstream change, or
 *	a later mainline step)
 * @RCUNET_ROLE_PEER: the live kernel's own implementation
 *
 * Names stay free ("rwlock", "atomic", "percpu"); the role is what makes
 * variants of different modules comparable, and what the report reads.
 */
enum rcunet_role {
	RCUNET_ROLE_LOCKED = 1,
	RCUNET_ROLE_LOCKLESS,
	RCUNET_ROLE_PEER,
};

/**
 * rcunet_role_name() - the role as printed in result lines and listings
 * @role: a role; anything else prints as "unknown"
 *
 * Return: "locked", "lockless", "peer" or "unknown".
 */
static inline const char *rcunet_role_name(enum rcunet_role role)
{
	switch (role) {
	case RCUNET_ROLE_LOCKED:
		return "locked";
	case RCUNET_ROLE_LOCKLESS:
		return "lockless";
	case RCUNET_ROLE_PEER:
		return "peer";
	}
	return "unknown";
}

struct rcunet_bench_variant {
	/* Name used in specs and results, e.g. "percpu", "legacy", "kernel". */
	const char *name;
	/* Short description of one op, e.g. "hold+put" (printed as op=). */
	const char *op;
	/* What this variant is; every variant must say (checked at create). */
	enum rcunet_role role;
	/*
	 * The locked variant this one is measured against ("x locked" in the
	 * report). NULL for a locked variant; required for the others.
	 */
	const char *twin;
	/*
	 * The variant whose work this one does, when ratios between them mean
	 * something. Default: the twin. A peer that does other work than any
	 * of ours (takes no reference, uses another crypto interface) leaves
	 * it NULL and the report prints no "x kernel" ratio for it; a
	 * lockless variant that does other work than its twin names itself.
	 */
	const char *same_work_as;
	/*
	 * Optional: prepare for @nthreads threads. A negative errno skips the
	 * variant with an "error=" result line (e.g. -ENODEV: peer missing).
	 */
	int (*setup)(void *ctx, unsigned int nthreads);
	/* Optional: undo setup. */
	void (*teardown)(void *ctx);
	/*
	 * Do @n ops as thread @tid. Called repeatedly in chunks (the harness
	 * reschedules in between), from a kthread in process context. Return
	 * 0, or a negative errno to abort the measurement.
	 */
	int (*run)(void *ctx, unsigned int tid, u64 n);
	/*
	 * Optional: this variant's extra result tokens, when they differ from
	 * the bench-wide ->show_params() (a key only some variants use).
	 */
	int (*show_params)(void *ctx, char *buf, size_t len);
};

struct rcunet_bench {
	const char *module;
	const struct rcunet_bench_variant *variants;
	unsigned int nr_variants;
	void *ctx;
	u64 default_loops;
	u32 default_runs;
	/*
	 * Optional: a spec key the harness does not know ("size=1460").
	 * Return 0 if taken, -EINVAL if the value is bad, -ENOENT if the key
	 * is unknown. Called for a fresh spec after ->reset_params().
	 */
	int (*set_param)(void *ctx, const char *key, const char *val);
	void (*reset_params)(void *ctx);
	/* Optional: extra result tokens ("size=1460"), written into @buf. */
	int (*show_params)(void *ctx, char *buf, size_t len);
	/* Owned by the core: the bench file and the last results. */
	struct rcunet_bench_state *state;
};

/* Parsed spec; see README ("bench files"). */
struct rcunet_bench_spec {
	int variant;		/* index, or -1 for all */
	u32 threads[RCUNET_BENCH_MAX_COUNTS];
	unsigned int nr_threads;
	u64 loops;
	u32 runs;
};

/*
 * Create the "bench" file in @parent: write a spec, read back the result
 * lines of the last run; and the "variants" file next to it, one line per
 * variant: "variant=NAME op=OP role=ROLE twin=NAME|- same_work_as=NAME|-".
 * Fails with -EINVAL (and a log line) when a variant has no role, a
 * lockless variant or peer names no locked twin, or a twin or
 * same_work_as names no variant of @bench. Writes block until the measurement is done (or a
 * signal arrives: -EINTR). Only one benchmark runs at a time system-wide.
 * Undo with rcunet_bench_remove() (waits for a running write) before the
 * parent directory goes.
 */
int rcunet_bench_create(struct proc_dir_entry *parent,
			struct rcunet_bench *bench);
void rcunet_bench_remove(struct rcunet_bench *bench);

/* Parse @spec (modified in place) for @bench. Exposed for KUnit. */
int rcunet_bench_parse(const struct rcunet_bench *bench, char *spec,
		       struct rcunet_bench_spec *out);

/*
 * Run a parsed spec; result lines are appended to @buf (NUL-terminated,
 * truncated at @len). Returns 0 or a negative errno.
 */
int rcunet_bench_run(const struct rcunet_bench *bench,
		     const struct rcunet_bench_spec *spec, char *buf,
		     size_t len);

/* Check @bench's variant roles as rcunet_bench_create() does. Exposed for KUnit. */
int rcunet_bench_check_roles(const struct rcunet_bench *bench);

/*
 * The variant @var's work matches, by the rules above: NULL for a peer
 * that declared none (other work), else same_work_as, else the twin, else
 * (locked) itself.
 */
const char *rcunet_bench_same_work(const struct rcunet_bench_variant *var);

#endif /* _RCUNET_CORE_H */
