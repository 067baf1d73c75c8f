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
#include <linux/atomic.h>
#include <linux/in6.h>
#include <linux/proc_fs.h>
#include <linux/export.h>
#include <linux/module.h>

/* --------------------------------------------------------------- modinfo */

#ifndef RCUNET_VERSION
#define RCUNET_VERSION "0.0+unknown"
#endif
/*
 * What every rcunet module says of itself in modinfo, next to its
 * MODULE_LICENSE() and MODULE_DESCRIPTION():
 *	MODULE_AUTHOR(RCUNET_AUTHOR);
 *	MODULE_VERSION(RCUNET_VERSION);
 * (scripts/version; the top-level Kbuild passes it in).
 */
#define RCUNET_AUTHOR	"rcunet developers"

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

/**
 * rcunet_proc_mkdir() - create a module's directory /proc/rcunet/<name>/
 * @name: the module's name
 *
 * Remove it with proc_remove().
 *
 * Return: the directory, or NULL when procfs could not create it.
 */
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
 * @rejected: optional; counts the lines the core refuses before any handler
 *	runs (too long, an embedded NUL, empty, an unknown command, a wrong
 *	number of words). A module adds it to its "errors" stat, so that every
 *	failed command is counted once: the core's here, its handlers' own by
 *	the module.
 *
 * One write() is one command line (a trailing newline is allowed). The
 * write returns its full length on success, or the handler's error.
 * Reading the file lists the commands and their usage.
 */
struct rcunet_ctl {
	const char *module;
	const struct rcunet_cmd *cmds;
	void *ctx;
	atomic_long_t *rejected;
};

/**
 * rcunet_ctl_create() - create a control file served by a command table
 * @name: file name, usually "control"
 * @parent: the module's procfs directory
 * @ctl: the command table and its context; must outlive the file
 *
 * Return: the file's entry, or NULL when procfs could not create it.
 */
struct proc_dir_entry *rcunet_ctl_create(const char *name,
					 struct proc_dir_entry *parent,
					 const struct rcunet_ctl *ctl);

/**
 * rcunet_ctl_exec() - run one command line as a write() to the file would
 * @ctl: the command table
 * @line: the line, split in place (modified)
 *
 * Exported for the KUnit suites only.
 *
 * Return: the handler's result, -EINVAL for an unknown command or a wrong
 * number of words; bad input is logged through rcunet_log_reject().
 */
int rcunet_ctl_exec(const struct rcunet_ctl *ctl, char *line);

/**
 * rcunet_split_words() - split a line in place at whitespace
 * @line: the line (modified: NULs end the words)
 * @argv: receives the words
 * @max: room in @argv
 *
 * Return: the number of words, or -E2BIG when there are more than @max.
 */
int rcunet_split_words(char *line, char **argv, int max);

/**
 * rcunet_log_reject() - rate-limited log line for a rejected input
 * @module: the module's name
 * @what: the rejected input or command
 * @err: the errno it got
 *
 * Prints "rcunet <module>: <what>: <err>". Every rcunet module reports bad
 * input through this one place.
 */
void rcunet_log_reject(const char *module, const char *what, int err);

/* ------------------------------------------------------------- parsers */

/**
 * rcunet_parse_u32() - parse a decimal (or 0x hex) u32 in [@min, @max]
 * @s: the text
 * @min: smallest value taken
 * @max: largest value taken
 * @out: receives the value; untouched on error
 *
 * Return: 0, -EINVAL for text that is not a number, -ERANGE out of bounds.
 */
int rcunet_parse_u32(const char *s, u32 min, u32 max, u32 *out);
/* As rcunet_parse_u32(), for u64; core-internal (the bench spec parser). */
int rcunet_parse_u64(const char *s, u64 min, u64 max, u64 *out);

/**
 * rcunet_parse_u32_list() - parse "4" or "1,2,4": u32s in [@min, @max]
 * @s: the text
 * @min: smallest value taken
 * @max: largest value taken
 * @out: receives the values
 * @max_n: room in @out
 *
 * Return: the number parsed, or -EINVAL, -ERANGE, -E2BIG.
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

/**
 * rcunet_parse_addr() - parse a dotted IPv4 or a colon IPv6 address
 * @s: the text; all of it must be the address
 * @out: receives the address
 *
 * Return: 0 or -EINVAL.
 */
int rcunet_parse_addr(const char *s, struct rcunet_addr *out);

/**
 * rcunet_format_addr() - print an address as %pI4 or %pI6c
 * @a: the address
 * @buf: the output
 * @len: room in @buf
 *
 * Return: the length printed.
 */
int rcunet_format_addr(const struct rcunet_addr *a, char *buf, size_t len);

/**
 * rcunet_addr_equal() - same family and same address?
 * @a: one address
 * @b: the other
 *
 * Return: true when they are equal.
 */
bool rcunet_addr_equal(const struct rcunet_addr *a, const struct rcunet_addr *b);

/**
 * rcunet_parse_hex() - parse a hex string (even length, no prefix)
 * @s: the text
 * @out: receives the bytes
 * @min_len: fewest bytes taken
 * @max_len: most bytes taken (room in @out)
 *
 * Return: the number of bytes, or -EINVAL, -ERANGE.
 */
int rcunet_parse_hex(const char *s, u8 *out, size_t min_len, size_t max_len);

/**
 * rcunet_parse_kv() - split "key=value" in place
 * @tok: the token (modified)
 * @key: receives the key
 * @val: receives the value (may be empty)
 *
 * Exported for the KUnit suites only.
 *
 * Return: 0, or -EINVAL when there is no '=' or no key.
 */
int rcunet_parse_kv(char *tok, char **key, char **val);

/* ------------------------------------------------------------ benchmark */

/*
 * The benchmark harness, modelled on kernel/rcu/refscale.c: a module lists
 * its variants as an array of ops; the harness knows nothing of what an op
 * does. Per thread count: one warm-up round and @runs measured rounds;
 * each round visits every selected variant (and an empty op, the harness's
 * own cost) in a random order: ->setup(), rcu_barrier() and a settle, one
 * timed run, ->teardown(). So setup and teardown bracket every single run,
 * and must leave the context as they found it. In a run every thread (a
 * kthread bound to an online CPU, round-robin) checks in and spins until
 * all have, calls ->run() in chunks of up to 256 ops, each chunk timed,
 * until it has done @loops ops, then keeps calling it untimed until the
 * slowest thread is done: ->run() must take more ops than @loops.
 */
/*
 * Big enough for any machine Debian's kernels boot on (NR_CPUS is 8192):
 * a bench-host run on 96 or 384 CPUs measures 1, 2, 4, ... all of them.
 * More threads than online CPUs are allowed (bound round-robin).
 */
#define RCUNET_BENCH_MAX_THREADS	8192
#define RCUNET_BENCH_MAX_COUNTS		16
#define RCUNET_BENCH_MAX_RUNS		50
#define RCUNET_BENCH_MAX_VARIANTS	64

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
	 * The design stage this one follows in mainline's history, when it is
	 * a later step than the seed (inetpeer's seqlock after the seed's RCU
	 * AVL): printed as previous=, the report's "x previous" ratio. NULL
	 * (printed "-") for the locked original, the seed and the peers.
	 */
	const char *previous;
	/*
	 * True for a slow-path op the lockless design pays for (unregister
	 * waiting for per-cpu refs, a removal's grace period, a close, a first
	 * allocation): printed as path=slow, tabled apart from the fast path.
	 */
	bool slow_path;
	/*
	 * Optional: prepare for @nthreads threads. A negative errno skips the
	 * variant with an "error=" result line (e.g. -ENODEV: peer missing).
	 */
	int (*setup)(void *ctx, unsigned int nthreads);
	/* Optional: undo setup. */
	void (*teardown)(void *ctx);
	/*
	 * Do @n (<= 256) ops as thread @tid. Called repeatedly in chunks (the
	 * harness reschedules in between, untimed), from a kthread in process
	 * context, also after the thread's @loops ops while others still run
	 * (the cool-down). Return 0, or a negative errno to abort the
	 * measurement.
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
	u64 variants;		/* bit v: variant v is measured */
	u32 threads[RCUNET_BENCH_MAX_COUNTS];
	unsigned int nr_threads;
	u64 loops;
	u32 runs;
	u32 seed;		/* the variant-order shuffle's; random by default */
};

/**
 * struct rcunet_bench_summary - one result's figures over its runs
 * @median: the median (of the sorted samples, the (n/2)-th, 0-based)
 * @q1: the first quartile (the (n/4)-th)
 * @q3: the third quartile (the (3n/4)-th)
 * @ci_lo: lower end of the median's 95% confidence interval
 * @ci_hi: upper end of it (both distribution-free, from order statistics)
 * @min: the smallest sample
 * @max: the largest sample
 */
struct rcunet_bench_summary {
	u64 median, q1, q3, ci_lo, ci_hi, min, max;
};

/**
 * rcunet_bench_summarize() - sort samples and summarize them
 * @samples: the samples (sorted in place)
 * @n: how many, 1 to %RCUNET_BENCH_MAX_RUNS
 * @sum: receives the figures
 *
 * The confidence interval is [x(k), x(n+1-k)] for the largest k whose
 * binomial coverage is still at least 95%; with fewer than 6 samples no k
 * reaches 95% and it is [min, max]. Exported for the KUnit suites only.
 */
void rcunet_bench_summarize(u64 *samples, unsigned int n,
			    struct rcunet_bench_summary *sum);

/**
 * rcunet_bench_create() - create a module's "bench" and "variants" files
 * @parent: the module's procfs directory
 * @bench: the module's variants and parameters; must outlive the files
 *
 * "bench": write a spec, read back the result lines of the last run.
 * Writes block until the measurement is done (or a signal arrives:
 * -EINTR); only one benchmark runs at a time system-wide. "variants": one
 * line per variant, "variant=NAME op=OP role=ROLE twin=NAME|-
 * same_work_as=NAME|- path=fast|slow". Undo with rcunet_bench_remove() before the parent
 * directory goes.
 *
 * Return: 0; -EINVAL (with a log line) when a variant has no role, a
 * lockless variant or peer names no locked twin, or a twin or same_work_as
 * names no variant of @bench; -ENOMEM.
 */
int rcunet_bench_create(struct proc_dir_entry *parent,
			struct rcunet_bench *bench);

/**
 * rcunet_bench_remove() - remove the files rcunet_bench_create() made
 * @bench: the bench; a no-op if it was never created
 *
 * Context: process context; waits for a running benchmark write to return.
 */
void rcunet_bench_remove(struct rcunet_bench *bench);

/**
 * rcunet_bench_parse() - parse a bench spec for @bench
 * @bench: the bench
 * @spec: the spec line (modified: split in place)
 * @out: receives the parsed spec
 *
 * Keys: variant=all|NAME[,NAME...], path=fast|slow|all (keeps the selected
 * variants on that path), threads=N[,N...], loops=N, runs=N (1 to
 * %RCUNET_BENCH_MAX_RUNS, default 15), seed=N (the variant order; random
 * by default), and the bench's own keys. Exported for the KUnit suites
 * only.
 *
 * Return: 0, -ENOENT for an unknown variant or when the selection is empty,
 * -EINVAL or -ERANGE for a bad key or value.
 */
int rcunet_bench_parse(const struct rcunet_bench *bench, char *spec,
		       struct rcunet_bench_spec *out);

/**
 * rcunet_bench_run() - run a parsed spec
 * @bench: the bench
 * @spec: what rcunet_bench_parse() made
 * @buf: result lines are appended here (NUL-terminated)
 * @len: room in @buf
 *
 * Each line: module= variant= op= threads= loops= runs=, the per-op cost
 * over the runs (ns_per_op_median, _q1, _q3, _ci_lo, _ci_hi, _min, _max),
 * ops_per_sec, self_ns_per_op (the empty op), overlap (median over runs),
 * offcpu (thread-runs switched out while timing), warn=offcpu|overlap|-,
 * seed, role= twin= same_work_as= path=fast|slow, run_ns= (each run),
 * per_thread_ns= (each thread's median), then the bench's own tokens.
 * Exported for the KUnit suites only.
 *
 * Context: process context; sleeps for the whole measurement.
 * Return: 0, -EOVERFLOW when the lines did not fit in @len (see
 * rcunet_bench_result_size()), or a negative errno (a variant's own
 * failure is an error= result line, not an error return).
 */
int rcunet_bench_run(const struct rcunet_bench *bench,
		     const struct rcunet_bench_spec *spec, char *buf,
		     size_t len);

/**
 * rcunet_bench_result_size() - room the result lines of @spec need
 * @bench: the bench
 * @spec: a parsed spec
 *
 * One line per variant and thread count, each with its per-thread list:
 * the bench file sizes its buffer with it, so no line is ever cut.
 * Exported for the KUnit suites only.
 *
 * Return: a size in bytes for rcunet_bench_run()'s @len.
 */
size_t rcunet_bench_result_size(const struct rcunet_bench *bench,
				const struct rcunet_bench_spec *spec);

/**
 * rcunet_bench_check_roles() - check the variants' role declarations
 * @bench: the bench
 *
 * Exported for the KUnit suites only; rcunet_bench_create() runs it.
 *
 * Return: 0, or -EINVAL with a log line naming the variant at fault.
 */
int rcunet_bench_check_roles(const struct rcunet_bench *bench);

/**
 * rcunet_bench_same_work() - the variant whose work @var's matches
 * @var: a variant of a bench that passed rcunet_bench_check_roles()
 *
 * Exported for the KUnit suites only.
 *
 * Return: @var's same_work_as if set; else NULL for a peer (it does other
 * work than any of ours), its twin for a lockless variant, its own name
 * for a locked one.
 */
const char *rcunet_bench_same_work(const struct rcunet_bench_variant *var);

#endif /* _RCUNET_CORE_H */
