// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the rcunet shared core: the control-line parsers every
 * module trusts with user input, and the benchmark harness driven with a
 * trivial op whose op count we can check exactly.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/socket.h>
#include "../common/rcunet.h"

static void split_words_counts_and_terminates(struct kunit *test)
{
	char line[] = "  add  eth0\t12\t\n";
	char *argv[4];

	KUNIT_ASSERT_EQ(test, rcunet_split_words(line, argv, 4), 3);
	KUNIT_EXPECT_STREQ(test, argv[0], "add");
	KUNIT_EXPECT_STREQ(test, argv[1], "eth0");
	KUNIT_EXPECT_STREQ(test, argv[2], "12");
}

static void split_words_rejects_too_many(struct kunit *test)
{
	char line[] = "a b c d e";
	char empty[] = "\t\n";
	char *argv[4];

	KUNIT_EXPECT_EQ(test, rcunet_split_words(line, argv, 4), -E2BIG);
	KUNIT_EXPECT_EQ(test, rcunet_split_words(empty, argv, 4), 0);
}

static void parse_u32_bounds_and_garbage(struct kunit *test)
{
	u32 v = 7;

	KUNIT_EXPECT_EQ(test, rcunet_parse_u32("42", 0, 100, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 42U);
	KUNIT_EXPECT_EQ(test, rcunet_parse_u32("0x10", 0, 100, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 16U);
	v = 7;
	KUNIT_EXPECT_EQ(test, rcunet_parse_u32("101", 0, 100, &v), -ERANGE);
	KUNIT_EXPECT_EQ(test, rcunet_parse_u32("0", 1, 100, &v), -ERANGE);
	KUNIT_EXPECT_EQ(test, rcunet_parse_u32("99999999999999999999", 0,
					       U32_MAX, &v), -ERANGE);
	KUNIT_EXPECT_EQ(test, rcunet_parse_u32("4294967296", 0, U32_MAX, &v),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, rcunet_parse_u32("-1", 0, 100, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_parse_u32("12abc", 0, 100, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_parse_u32("", 0, 100, &v), -EINVAL);
	/* a rejected value leaves the output alone */
	KUNIT_EXPECT_EQ(test, v, 7U);
}

static void parse_u32_list_forms(struct kunit *test)
{
	u32 out[4];

	KUNIT_ASSERT_EQ(test, rcunet_parse_u32_list("1,2,4", 1, 64, out, 4), 3);
	KUNIT_EXPECT_EQ(test, out[0], 1U);
	KUNIT_EXPECT_EQ(test, out[2], 4U);
	KUNIT_EXPECT_EQ(test, rcunet_parse_u32_list("8", 1, 64, out, 4), 1);
	KUNIT_EXPECT_EQ(test, rcunet_parse_u32_list("1,,2", 1, 64, out, 4),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_parse_u32_list("1,2,", 1, 64, out, 4),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_parse_u32_list("", 1, 64, out, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_parse_u32_list("1,2,3,4,5", 1, 64, out, 4),
			-E2BIG);
	KUNIT_EXPECT_EQ(test, rcunet_parse_u32_list("1,65", 1, 64, out, 4),
			-ERANGE);
}

static void parse_addr_v4_v6_and_junk(struct kunit *test)
{
	struct rcunet_addr a, b;
	char buf[64];

	KUNIT_ASSERT_EQ(test, rcunet_parse_addr("10.1.2.3", &a), 0);
	KUNIT_EXPECT_EQ(test, a.family, (u16)AF_INET);
	rcunet_format_addr(&a, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "10.1.2.3");

	KUNIT_ASSERT_EQ(test, rcunet_parse_addr("fe80::1", &b), 0);
	KUNIT_EXPECT_EQ(test, b.family, (u16)AF_INET6);
	rcunet_format_addr(&b, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "fe80::1");
	KUNIT_EXPECT_FALSE(test, rcunet_addr_equal(&a, &b));
	KUNIT_ASSERT_EQ(test, rcunet_parse_addr("fe80:0::1", &a), 0);
	KUNIT_EXPECT_TRUE(test, rcunet_addr_equal(&a, &b));

	KUNIT_EXPECT_EQ(test, rcunet_parse_addr("10.1.2", &a), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_parse_addr("10.1.2.3x", &a), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_parse_addr("10.1.2.256", &a), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_parse_addr("fe80:::1", &a), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_parse_addr("", &a), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_parse_addr("eth0", &a), -EINVAL);
}

static void parse_hex_lengths(struct kunit *test)
{
	u8 out[4] = {};

	KUNIT_EXPECT_EQ(test, rcunet_parse_hex("0aFf", out, 1, 4), 2);
	KUNIT_EXPECT_EQ(test, out[0], 0x0a);
	KUNIT_EXPECT_EQ(test, out[1], 0xff);
	KUNIT_EXPECT_EQ(test, rcunet_parse_hex("abc", out, 1, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_parse_hex("zz", out, 1, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_parse_hex("", out, 1, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_parse_hex("0102030405", out, 1, 4),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, rcunet_parse_hex("01", out, 2, 4), -ERANGE);
}

static void parse_kv_forms(struct kunit *test)
{
	char ok[] = "loops=10", novalue[] = "loops=", nokey[] = "=3";
	char bare[] = "loops";
	char *k, *v;

	KUNIT_ASSERT_EQ(test, rcunet_parse_kv(ok, &k, &v), 0);
	KUNIT_EXPECT_STREQ(test, k, "loops");
	KUNIT_EXPECT_STREQ(test, v, "10");
	KUNIT_ASSERT_EQ(test, rcunet_parse_kv(novalue, &k, &v), 0);
	KUNIT_EXPECT_STREQ(test, v, "");
	KUNIT_EXPECT_EQ(test, rcunet_parse_kv(nokey, &k, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_parse_kv(bare, &k, &v), -EINVAL);
}

/* --- control-file dispatch ------------------------------------------- */

struct ctl_probe {
	int calls;
	int last_argc;
	int ret;
};

static int ctl_probe_handler(void *ctx, int argc, char **argv)
{
	struct ctl_probe *p = ctx;

	p->calls++;
	p->last_argc = argc;
	return p->ret;
}

static const struct rcunet_cmd ctl_probe_cmds[] = {
	{ "set", 1, 2, "NAME [VALUE]", ctl_probe_handler },
	{ "flush", 0, 0, "", ctl_probe_handler },
	{ }
};

static void ctl_exec_dispatch_and_errors(struct kunit *test)
{
	struct ctl_probe p = {};
	atomic_long_t rejected = ATOMIC_LONG_INIT(0);
	struct rcunet_ctl ctl = {
		.module = "kunit", .cmds = ctl_probe_cmds, .ctx = &p,
		.rejected = &rejected,
	};
	char l1[] = "set a 1\n", l2[] = "set", l3[] = "set a b c";
	char l4[] = "bogus x", l5[] = "flush", l6[] = "", l7[] = "flush";

	KUNIT_EXPECT_EQ(test, rcunet_ctl_exec(&ctl, l1), 0);
	KUNIT_EXPECT_EQ(test, p.last_argc, 3);
	KUNIT_EXPECT_EQ(test, rcunet_ctl_exec(&ctl, l2), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_ctl_exec(&ctl, l3), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_ctl_exec(&ctl, l4), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_ctl_exec(&ctl, l6), -EINVAL);
	/* rejected lines never reach a handler */
	KUNIT_EXPECT_EQ(test, p.calls, 1);
	KUNIT_EXPECT_EQ(test, rcunet_ctl_exec(&ctl, l5), 0);
	p.ret = -ENODEV;
	KUNIT_EXPECT_EQ(test, rcunet_ctl_exec(&ctl, l7), -ENODEV);
	KUNIT_EXPECT_EQ(test, p.calls, 3);
	/* the core counts the four it refused itself; the handler's own is the module's */
	KUNIT_EXPECT_EQ(test, atomic_long_read(&rejected), 4L);
}

/* --- benchmark harness with a countable op --------------------------- */

struct count_bench {
	atomic64_t ops;
	int setups, teardowns;
	unsigned int setup_threads;
	u32 size;
};

static int count_setup(void *ctx, unsigned int nthreads)
{
	struct count_bench *cb = ctx;

	cb->setups++;
	cb->setup_threads = nthreads;
	return 0;
}

static void count_teardown(void *ctx)
{
	struct count_bench *cb = ctx;

	cb->teardowns++;
}

static int count_run(void *ctx, unsigned int tid, u64 n)
{
	struct count_bench *cb = ctx;

	atomic64_add(n, &cb->ops);
	return 0;
}

static int failing_setup(void *ctx, unsigned int nthreads)
{
	return -ENODEV;
}

static int count_set_param(void *ctx, const char *key, const char *val)
{
	struct count_bench *cb = ctx;

	if (strcmp(key, "size"))
		return -ENOENT;
	return rcunet_parse_u32(val, 1, 9000, &cb->size);
}

static void count_reset_params(void *ctx)
{
	struct count_bench *cb = ctx;

	cb->size = 64;
}

static int count_show_params(void *ctx, char *buf, size_t len)
{
	struct count_bench *cb = ctx;

	return scnprintf(buf, len, "size=%u", cb->size);
}

static int own_show_params(void *ctx, char *buf, size_t len)
{
	return scnprintf(buf, len, "own=1");
}

static const struct rcunet_bench_variant count_variants[] = {
	{ .name = "count", .op = "add", .role = RCUNET_ROLE_LOCKED,
	  .setup = count_setup, .teardown = count_teardown, .run = count_run },
	{ .name = "broken", .role = RCUNET_ROLE_LOCKLESS, .twin = "count",
	  .setup = failing_setup, .run = count_run },
	{ .name = "own", .role = RCUNET_ROLE_PEER, .twin = "count",
	  .run = count_run, .show_params = own_show_params },
};

static struct count_bench count_ctx;
static struct rcunet_bench count_bench = {
	.module = "kunit",
	.variants = count_variants,
	.nr_variants = ARRAY_SIZE(count_variants),
	.ctx = &count_ctx,
	.set_param = count_set_param,
	.reset_params = count_reset_params,
	.show_params = count_show_params,
};

static void bench_parse_defaults_and_errors(struct kunit *test)
{
	struct rcunet_bench_spec s;
	char a[] = "", b[] = "variant=count threads=1,2 loops=10 runs=3 size=1460";
	char c[] = "variant=nope", d[] = "threads=0", e[] = "loops=0";
	char f[] = "colour=red", g[] = "runs=51", h[] = "size=0", i[] = "loops";

	KUNIT_ASSERT_EQ(test, rcunet_bench_parse(&count_bench, a, &s), 0);
	KUNIT_EXPECT_EQ(test, s.variants, 7ULL);
	KUNIT_EXPECT_GE(test, s.nr_threads, 1U);
	KUNIT_EXPECT_EQ(test, s.threads[0], 1U);

	KUNIT_ASSERT_EQ(test, rcunet_bench_parse(&count_bench, b, &s), 0);
	KUNIT_EXPECT_EQ(test, s.variants, 1ULL);
	KUNIT_EXPECT_EQ(test, s.nr_threads, 2U);
	KUNIT_EXPECT_EQ(test, s.loops, 10ULL);
	KUNIT_EXPECT_EQ(test, s.runs, 3U);
	KUNIT_EXPECT_EQ(test, count_ctx.size, 1460U);

	KUNIT_EXPECT_EQ(test, rcunet_bench_parse(&count_bench, c, &s), -ENOENT);
	KUNIT_EXPECT_EQ(test, rcunet_bench_parse(&count_bench, d, &s), -ERANGE);
	KUNIT_EXPECT_EQ(test, rcunet_bench_parse(&count_bench, e, &s), -ERANGE);
	KUNIT_EXPECT_EQ(test, rcunet_bench_parse(&count_bench, f, &s), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_bench_parse(&count_bench, g, &s), -ERANGE);
	KUNIT_EXPECT_EQ(test, rcunet_bench_parse(&count_bench, h, &s), -ERANGE);
	KUNIT_EXPECT_EQ(test, rcunet_bench_parse(&count_bench, i, &s), -EINVAL);
}

/* variant= takes a list; path= keeps the fast or the slow ones of it. */
static void bench_parse_variant_list_and_path(struct kunit *test)
{
	static const struct rcunet_bench_variant mixed[] = {
		{ .name = "lock", .role = RCUNET_ROLE_LOCKED, .run = count_run },
		{ .name = "rcu", .role = RCUNET_ROLE_LOCKLESS, .twin = "lock",
		  .run = count_run },
		{ .name = "lock-free", .role = RCUNET_ROLE_LOCKED,
		  .slow_path = true, .run = count_run },
		{ .name = "rcu-free", .role = RCUNET_ROLE_LOCKLESS,
		  .twin = "lock-free", .slow_path = true, .run = count_run },
	};
	const struct rcunet_bench b = {
		.module = "kunit", .variants = mixed,
		.nr_variants = ARRAY_SIZE(mixed), .ctx = &count_ctx,
	};
	char a[] = "variant=lock,rcu-free", c[] = "path=slow";
	char d[] = "path=fast variant=all", e[] = "variant=rcu path=slow";
	char f[] = "path=sideways", g[] = "variant=lock,,rcu";
	char h[] = "variant=lock,nope", i[] = "path=all";
	struct rcunet_bench_spec s;

	KUNIT_ASSERT_EQ(test, rcunet_bench_parse(&b, a, &s), 0);
	KUNIT_EXPECT_EQ(test, s.variants, 0x9ULL);
	KUNIT_ASSERT_EQ(test, rcunet_bench_parse(&b, c, &s), 0);
	KUNIT_EXPECT_EQ(test, s.variants, 0xcULL);
	KUNIT_ASSERT_EQ(test, rcunet_bench_parse(&b, d, &s), 0);
	KUNIT_EXPECT_EQ(test, s.variants, 0x3ULL);
	KUNIT_ASSERT_EQ(test, rcunet_bench_parse(&b, i, &s), 0);
	KUNIT_EXPECT_EQ(test, s.variants, 0xfULL);
	/* nothing left to measure, a bad path, an empty or unknown name */
	KUNIT_EXPECT_EQ(test, rcunet_bench_parse(&b, e, &s), -ENOENT);
	KUNIT_EXPECT_EQ(test, rcunet_bench_parse(&b, f, &s), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_bench_parse(&b, g, &s), -ENOENT);
	KUNIT_EXPECT_EQ(test, rcunet_bench_parse(&b, h, &s), -ENOENT);
}

/*
 * Parse @spec (split in place: pass a fresh copy each time) and run it,
 * asserting both succeed: the result lines, in a buffer the test owns.
 */
static char *bench_run_spec(struct kunit *test, const struct rcunet_bench *bench,
			    char *spec)
{
	const size_t len = 4096;
	struct rcunet_bench_spec s;
	char *buf;

	buf = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, rcunet_bench_parse(bench, spec, &s), 0);
	KUNIT_ASSERT_EQ(test, rcunet_bench_run(bench, &s, buf, len), 0);
	return buf;
}

static void bench_run_counts_every_op(struct kunit *test)
{
	const char *roles = " role=locked twin=- same_work_as=count previous=- path=fast ";
	char spec[] = "variant=count threads=1,2 loops=1000 runs=3";
	const char *first =
		"module=kunit variant=count op=add threads=1 loops=1000 runs=3 ";
	char *buf;

	atomic64_set(&count_ctx.ops, 0);
	count_ctx.setups = 0;
	count_ctx.teardowns = 0;
	buf = bench_run_spec(test, &count_bench, spec);

	/*
	 * (1 warm-up + 3 runs) x loops, for 1 thread and then 2 threads, at
	 * least: the cool-down may add untimed ops. Setup and teardown
	 * bracket every run: 4 rounds at each of 2 thread counts.
	 */
	KUNIT_EXPECT_GE(test, atomic64_read(&count_ctx.ops), 4LL * 1000 * 3);
	KUNIT_EXPECT_EQ(test, count_ctx.setups, 8);
	KUNIT_EXPECT_EQ(test, count_ctx.teardowns, 8);
	KUNIT_EXPECT_EQ(test, count_ctx.setup_threads, 2U);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, first));

	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, " ns_per_op_median="));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "variant=count op=add threads=2 "));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, " ns_per_op_min="));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, " ns_per_op_max="));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, " per_thread_ns="));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, " size=64\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, roles));
	KUNIT_EXPECT_NULL(test, strstr(buf, "error="));
}

/* The figures every result line carries, and one run_ns per run. */
static void bench_line_has_spread_overlap_and_self_cost(struct kunit *test)
{
	static const char * const keys[] = {
		" ns_per_op_q1=", " ns_per_op_q3=", " ns_per_op_ci_lo=",
		" ns_per_op_ci_hi=", " self_ns_per_op=", " overlap=",
		" offcpu=", " warn=", " seed=", " run_ns=",
	};
	char spec[] = "variant=count threads=2 loops=512 runs=7 seed=42";
	char parsed[sizeof(spec)];
	struct rcunet_bench_spec s;
	unsigned int i, commas = 0;
	char *buf, *p;

	/* the parser splits in place: the seed is checked on a copy */
	memcpy(parsed, spec, sizeof(spec));
	KUNIT_ASSERT_EQ(test, rcunet_bench_parse(&count_bench, parsed, &s), 0);
	KUNIT_EXPECT_EQ(test, s.seed, 42U);
	buf = bench_run_spec(test, &count_bench, spec);
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, keys[i]), "%s", keys[i]);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, " seed=42 "));
	p = strstr(buf, " run_ns=");
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (p++; *p && *p != ' '; p++)
		commas += *p == ',';
	KUNIT_EXPECT_EQ(test, commas, 6U);
}

/*
 * Median, quartiles and the order-statistics CI of the median. With 15
 * runs the exact 95% interval is the 4th to the 12th value; with 5 or
 * fewer no interval reaches 95%: min to max.
 */
static void bench_summary_quartiles_and_ci(struct kunit *test)
{
	struct rcunet_bench_summary sum;
	u64 v[50];
	unsigned int i;

	for (i = 0; i < 15; i++)
		v[i] = 150 - 10 * i;	/* 10..150, reversed */
	rcunet_bench_summarize(v, 15, &sum);
	KUNIT_EXPECT_EQ(test, sum.median, 80ULL);
	KUNIT_EXPECT_EQ(test, sum.q1, 40ULL);
	KUNIT_EXPECT_EQ(test, sum.q3, 120ULL);
	KUNIT_EXPECT_EQ(test, sum.ci_lo, 40ULL);
	KUNIT_EXPECT_EQ(test, sum.ci_hi, 120ULL);
	KUNIT_EXPECT_EQ(test, sum.min, 10ULL);
	KUNIT_EXPECT_EQ(test, sum.max, 150ULL);

	for (i = 0; i < 5; i++)
		v[i] = i + 1;
	rcunet_bench_summarize(v, 5, &sum);
	KUNIT_EXPECT_EQ(test, sum.median, 3ULL);
	KUNIT_EXPECT_EQ(test, sum.ci_lo, 1ULL);
	KUNIT_EXPECT_EQ(test, sum.ci_hi, 5ULL);

	/* 6 runs: [x(1), x(6)] covers 96.9% */
	for (i = 0; i < 6; i++)
		v[i] = i + 1;
	rcunet_bench_summarize(v, 6, &sum);
	KUNIT_EXPECT_EQ(test, sum.ci_lo, 1ULL);
	KUNIT_EXPECT_EQ(test, sum.ci_hi, 6ULL);

	/* 50 runs: the 18th to the 33rd value (1-based), 96.7% */
	for (i = 0; i < 50; i++)
		v[i] = i + 1;
	rcunet_bench_summarize(v, 50, &sum);
	KUNIT_EXPECT_EQ(test, sum.ci_lo, 18ULL);
	KUNIT_EXPECT_EQ(test, sum.ci_hi, 33ULL);

	v[0] = 7;
	rcunet_bench_summarize(v, 1, &sum);
	KUNIT_EXPECT_EQ(test, sum.median, 7ULL);
	KUNIT_EXPECT_EQ(test, sum.ci_lo, 7ULL);
	KUNIT_EXPECT_EQ(test, sum.ci_hi, 7ULL);
}

/* --- interleaving: setup/teardown per run, a random order per round --- */

#define ORDER_MAX	64

struct order_bench {
	char log[ORDER_MAX];		/* 'a'/'b': which setup ran */
	unsigned int n;
	bool in_use;			/* a setup without its teardown yet */
	bool overlapped;		/* a setup found in_use set */
};

static int order_setup(struct order_bench *ob, char who)
{
	if (ob->in_use)
		ob->overlapped = true;
	ob->in_use = true;
	if (ob->n < ORDER_MAX)
		ob->log[ob->n++] = who;
	return 0;
}

static int order_setup_a(void *ctx, unsigned int nthreads)
{
	return order_setup(ctx, 'a');
}

static int order_setup_b(void *ctx, unsigned int nthreads)
{
	return order_setup(ctx, 'b');
}

static void order_teardown(void *ctx)
{
	struct order_bench *ob = ctx;

	ob->in_use = false;
}

static int order_run(void *ctx, unsigned int tid, u64 n)
{
	return 0;
}

static const struct rcunet_bench_variant order_variants[] = {
	{ .name = "a", .role = RCUNET_ROLE_LOCKED, .setup = order_setup_a,
	  .teardown = order_teardown, .run = order_run },
	{ .name = "b", .role = RCUNET_ROLE_LOCKLESS, .twin = "a",
	  .setup = order_setup_b, .teardown = order_teardown, .run = order_run },
};

static void bench_rounds_interleave_in_seeded_order(struct kunit *test)
{
	static struct order_bench ob;
	struct rcunet_bench bench = {
		.module = "kunit", .variants = order_variants,
		.nr_variants = ARRAY_SIZE(order_variants), .ctx = &ob,
	};
	char spec1[] = "threads=1 loops=1 runs=15 seed=7";
	char spec2[] = "threads=1 loops=1 runs=15 seed=7";
	char first[ORDER_MAX + 1] = "";
	unsigned int i, ab = 0, ba = 0;

	memset(&ob, 0, sizeof(ob));
	bench_run_spec(test, &bench, spec1);
	KUNIT_EXPECT_FALSE(test, ob.overlapped);
	KUNIT_EXPECT_FALSE(test, ob.in_use);
	/* 1 warm-up + 15 rounds, each variant once a round */
	KUNIT_ASSERT_EQ(test, ob.n, 32U);
	for (i = 0; i < ob.n; i += 2) {
		KUNIT_EXPECT_NE(test, ob.log[i], ob.log[i + 1]);
		ab += ob.log[i] == 'a' && ob.log[i + 1] == 'b';
		ba += ob.log[i] == 'b' && ob.log[i + 1] == 'a';
	}
	/* not always the declared order: both orders occur */
	KUNIT_EXPECT_GT(test, ab, 0U);
	KUNIT_EXPECT_GT(test, ba, 0U);
	memcpy(first, ob.log, ob.n);

	/* the same seed gives the same order: a run can be repeated */
	memset(&ob, 0, sizeof(ob));
	bench_run_spec(test, &bench, spec2);
	KUNIT_EXPECT_EQ(test, memcmp(first, ob.log, 32), 0);
}

/* --- cool-down: the fast thread keeps the load on for the slow one --- */

struct cool_bench {
	atomic64_t ops[2];
};

static int cool_run(void *ctx, unsigned int tid, u64 n)
{
	struct cool_bench *cb = ctx;

	/* thread 0 is slow: thread 1 is done long before it */
	if (tid == 0)
		usleep_range(200, 300);
	atomic64_add(n, &cb->ops[tid]);
	return 0;
}

static const struct rcunet_bench_variant cool_variants[] = {
	{ .name = "slow0", .role = RCUNET_ROLE_LOCKED, .run = cool_run },
};

static void bench_fast_thread_cools_down_until_the_last(struct kunit *test)
{
	static struct cool_bench cb;
	struct rcunet_bench bench = {
		.module = "kunit", .variants = cool_variants,
		.nr_variants = ARRAY_SIZE(cool_variants), .ctx = &cb,
	};
	char spec[] = "threads=2 loops=1024 runs=2";
	const s64 timed = 3 * 1024;	/* (1 warm-up + 2 runs) x loops */
	char *buf;

	atomic64_set(&cb.ops[0], 0);
	atomic64_set(&cb.ops[1], 0);
	buf = bench_run_spec(test, &bench, spec);
	/*
	 * Thread 0 sleeps 200 us in each of its 4 chunks a run; thread 1 finishes its
	 * 1024 ops at once and must go on (untimed) until thread 0 is done.
	 */
	KUNIT_EXPECT_GE(test, atomic64_read(&cb.ops[0]), timed);
	KUNIT_EXPECT_GT(test, atomic64_read(&cb.ops[1]), timed);
	KUNIT_EXPECT_NULL(test, strstr(buf, "error="));
}

/*
 * A slow-path op (a grace period each) must cool down one op per call: a
 * fast thread asking for 256 of them after its timed ops would outlast the
 * slowest thread by 256 grace periods. Every call is either a thread's
 * timed chunk (all @loops, fewer than 256) or a single cool-down op.
 */
struct slow_cool_bench {
	atomic_t calls, other_sizes;
	u64 loops;
};

static int slow_cool_run(void *ctx, unsigned int tid, u64 n)
{
	struct slow_cool_bench *sc = ctx;

	if (tid == 0)
		usleep_range(2000, 3000);
	atomic_inc(&sc->calls);
	if (n != 1 && n != sc->loops)
		atomic_inc(&sc->other_sizes);
	return 0;
}

static const struct rcunet_bench_variant slow_cool_variants[] = {
	{ .name = "slow", .role = RCUNET_ROLE_LOCKED, .slow_path = true,
	  .run = slow_cool_run },
};

/* The offcpu= count of a result line, or -1 when there is none. */
static int bench_line_offcpu(const char *buf)
{
	const char *field = strstr(buf, " offcpu=");
	unsigned int offcpu;

	if (!field || sscanf(field, " offcpu=%u", &offcpu) != 1)
		return -1;
	return offcpu;
}

static void bench_slow_path_cools_down_one_op_at_a_time(struct kunit *test)
{
	static struct slow_cool_bench sc = { .loops = 3 };
	struct rcunet_bench bench = {
		.module = "kunit", .variants = slow_cool_variants,
		.nr_variants = ARRAY_SIZE(slow_cool_variants), .ctx = &sc,
	};
	const unsigned int runs = 4, attempts = 3;
	int offcpu = -1, fewest = INT_MAX;
	unsigned int attempt;
	char spec[64];
	char *buf = NULL;

	/*
	 * Thread 0 sleeps in each of its measured runs: a voluntary sleep is
	 * the op's cost, not a thread pushed off its CPU. Counting it would
	 * make offcpu >= runs in every attempt. A real preemption (a kworker
	 * waking on thread 0's CPU, seen once under KASAN in CI) may add one
	 * now and then, so the test asks for one attempt below @runs, not
	 * for offcpu=0.
	 */
	for (attempt = 0; attempt < attempts; attempt++) {
		atomic_set(&sc.calls, 0);
		atomic_set(&sc.other_sizes, 0);
		/* the parser splits its input in place: a fresh copy each time */
		snprintf(spec, sizeof(spec), "path=slow threads=2 loops=3 runs=%u",
			 runs);
		buf = bench_run_spec(test, &bench, spec);
		/* (1 warm-up + runs) rounds x 2 threads timed, thread 1 cooled */
		KUNIT_EXPECT_GT(test, atomic_read(&sc.calls), 2 * (runs + 1));
		KUNIT_EXPECT_EQ(test, atomic_read(&sc.other_sizes), 0);
		KUNIT_EXPECT_NULL(test, strstr(buf, "error="));
		offcpu = bench_line_offcpu(buf);
		KUNIT_ASSERT_GE_MSG(test, offcpu, 0, "no offcpu= in: %s", buf);
		fewest = min(fewest, offcpu);
		if (offcpu < (int)runs)
			break;
	}
	KUNIT_EXPECT_LT_MSG(test, fewest, (int)runs,
			    "thread 0's voluntary sleeps counted as offcpu: %s",
			    buf);
}

/*
 * More threads than the old caps (64 threads, 8 counts) and than CPUs: a
 * bench-host run on a big machine asks for 1,2,4,...,N. Every line must
 * come back whole, with one per-thread figure per thread; a buffer too
 * small must fail with -EOVERFLOW, never return a cut line.
 */
static void bench_many_threads_no_truncation(struct kunit *test)
{
	struct rcunet_bench_spec s;
	char spec[] = "variant=count threads=1,2,4,8,16,32,64,100,130 loops=2 runs=1";
	char again[] = "variant=count threads=1,2,4,8,16,32,64,100,130 loops=2 runs=1";
	char big[] = "variant=count threads=8192";
	char many[] = "variant=count threads=1,2,3,4,5,6,7,8,9,10,11,12";
	size_t len;
	char *buf, *line;
	int commas = 0;

	KUNIT_ASSERT_EQ(test, rcunet_bench_parse(&count_bench, big, &s), 0);
	KUNIT_ASSERT_EQ(test, rcunet_bench_parse(&count_bench, many, &s), 0);
	KUNIT_EXPECT_EQ(test, s.nr_threads, 12U);
	KUNIT_ASSERT_EQ(test, rcunet_bench_parse(&count_bench, spec, &s), 0);
	KUNIT_ASSERT_EQ(test, s.nr_threads, 9U);
	len = rcunet_bench_result_size(&count_bench, &s);
	buf = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, rcunet_bench_run(&count_bench, &s, buf, len), 0);
	line = strstr(buf, "threads=130 ");
	KUNIT_ASSERT_NOT_NULL(test, line);
	line = strstr(line, " per_thread_ns=");
	KUNIT_ASSERT_NOT_NULL(test, line);
	for (; *line && *line != '\n'; line++)
		commas += *line == ',';
	KUNIT_EXPECT_EQ(test, commas, 129);
	KUNIT_EXPECT_NULL(test, strstr(buf, "error="));

	/* the parser splits its input in place: a fresh copy */
	KUNIT_ASSERT_EQ(test, rcunet_bench_parse(&count_bench, again, &s), 0);
	KUNIT_EXPECT_EQ(test, rcunet_bench_run(&count_bench, &s, buf, 600),
			-EOVERFLOW);
}

static void bench_roles_checked_and_defaulted(struct kunit *test)
{
	static const struct rcunet_bench_variant good[] = {
		{ .name = "rwlock", .role = RCUNET_ROLE_LOCKED },
		{ .name = "rcu", .role = RCUNET_ROLE_LOCKLESS, .twin = "rwlock" },
		{ .name = "rcu-noref", .role = RCUNET_ROLE_LOCKLESS,
		  .twin = "rwlock", .same_work_as = "rcu-noref" },
		{ .name = "kernel", .role = RCUNET_ROLE_PEER, .twin = "rwlock",
		  .same_work_as = "rcu-noref" },
		{ .name = "other", .role = RCUNET_ROLE_PEER, .twin = "rwlock" },
		{ .name = "seqlock", .role = RCUNET_ROLE_LOCKLESS,
		  .twin = "rwlock", .previous = "rcu" },
	};
	static const struct rcunet_bench_variant no_role[] = {
		{ .name = "a" },
	};
	static const struct rcunet_bench_variant no_twin[] = {
		{ .name = "a", .role = RCUNET_ROLE_LOCKED },
		{ .name = "b", .role = RCUNET_ROLE_LOCKLESS },
	};
	static const struct rcunet_bench_variant twin_not_locked[] = {
		{ .name = "a", .role = RCUNET_ROLE_LOCKLESS, .twin = "b" },
		{ .name = "b", .role = RCUNET_ROLE_PEER, .twin = "a" },
	};
	static const struct rcunet_bench_variant locked_with_twin[] = {
		{ .name = "a", .role = RCUNET_ROLE_LOCKED },
		{ .name = "b", .role = RCUNET_ROLE_LOCKED, .twin = "a" },
	};
	static const struct rcunet_bench_variant bad_same_work[] = {
		{ .name = "a", .role = RCUNET_ROLE_LOCKED },
		{ .name = "b", .role = RCUNET_ROLE_LOCKLESS, .twin = "a",
		  .same_work_as = "zz" },
	};
	/* previous: only a lockless stage, naming another existing variant */
	static const struct rcunet_bench_variant bad_previous[][3] = {
		{ { .name = "a", .role = RCUNET_ROLE_LOCKED },
		  { .name = "b", .role = RCUNET_ROLE_LOCKLESS, .twin = "a",
		    .previous = "zz" } },
		{ { .name = "a", .role = RCUNET_ROLE_LOCKED },
		  { .name = "b", .role = RCUNET_ROLE_LOCKLESS, .twin = "a",
		    .previous = "b" } },
		{ { .name = "a", .role = RCUNET_ROLE_LOCKED },
		  { .name = "b", .role = RCUNET_ROLE_LOCKLESS, .twin = "a" },
		  { .name = "c", .role = RCUNET_ROLE_PEER, .twin = "a",
		    .previous = "b" } },
	};
	struct rcunet_bench b_prev = { .module = "kunit", .nr_variants = 3 };
	unsigned int i;
	const struct rcunet_bench b_good = {
		.module = "kunit", .variants = good,
		.nr_variants = ARRAY_SIZE(good),
	};
	const struct rcunet_bench b_no_role = {
		.module = "kunit", .variants = no_role,
		.nr_variants = ARRAY_SIZE(no_role),
	};
	const struct rcunet_bench b_no_twin = {
		.module = "kunit", .variants = no_twin,
		.nr_variants = ARRAY_SIZE(no_twin),
	};
	const struct rcunet_bench b_twin = {
		.module = "kunit", .variants = twin_not_locked,
		.nr_variants = ARRAY_SIZE(twin_not_locked),
	};
	const struct rcunet_bench b_locked = {
		.module = "kunit", .variants = locked_with_twin,
		.nr_variants = ARRAY_SIZE(locked_with_twin),
	};
	const struct rcunet_bench b_same = {
		.module = "kunit", .variants = bad_same_work,
		.nr_variants = ARRAY_SIZE(bad_same_work),
	};

	KUNIT_EXPECT_EQ(test, rcunet_bench_check_roles(&b_good), 0);
	KUNIT_EXPECT_EQ(test, rcunet_bench_check_roles(&count_bench), 0);
	KUNIT_EXPECT_EQ(test, rcunet_bench_check_roles(&b_no_role), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_bench_check_roles(&b_no_twin), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_bench_check_roles(&b_twin), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_bench_check_roles(&b_locked), -EINVAL);
	KUNIT_EXPECT_EQ(test, rcunet_bench_check_roles(&b_same), -EINVAL);
	for (i = 0; i < ARRAY_SIZE(bad_previous); i++) {
		b_prev.variants = bad_previous[i];
		b_prev.nr_variants = bad_previous[i][2].name ? 3 : 2;
		KUNIT_EXPECT_EQ_MSG(test, rcunet_bench_check_roles(&b_prev),
				    -EINVAL, "bad previous case %u", i);
	}

	/* locked: itself; lockless: its twin unless it says; peer: only if it says */
	KUNIT_EXPECT_STREQ(test, rcunet_bench_same_work(&good[0]), "rwlock");
	KUNIT_EXPECT_STREQ(test, rcunet_bench_same_work(&good[1]), "rwlock");
	KUNIT_EXPECT_STREQ(test, rcunet_bench_same_work(&good[2]), "rcu-noref");
	KUNIT_EXPECT_STREQ(test, rcunet_bench_same_work(&good[3]), "rcu-noref");
	KUNIT_EXPECT_NULL(test, rcunet_bench_same_work(&good[4]));
	KUNIT_EXPECT_STREQ(test, rcunet_role_name(good[4].role), "peer");
	KUNIT_EXPECT_STREQ(test, rcunet_role_name(0), "unknown");
}

static void bench_setup_error_is_reported(struct kunit *test)
{
	char spec[] = "variant=broken threads=1 loops=5 runs=1";
	char *buf = bench_run_spec(test, &count_bench, spec);

	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "variant=broken op=op threads=1"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "error=-19"));
}

static struct kunit_case rcunet_core_parse_cases[] = {
	KUNIT_CASE(split_words_counts_and_terminates),
	KUNIT_CASE(split_words_rejects_too_many),
	KUNIT_CASE(parse_u32_bounds_and_garbage),
	KUNIT_CASE(parse_u32_list_forms),
	KUNIT_CASE(parse_addr_v4_v6_and_junk),
	KUNIT_CASE(parse_hex_lengths),
	KUNIT_CASE(parse_kv_forms),
	KUNIT_CASE(ctl_exec_dispatch_and_errors),
	{}
};

static struct kunit_suite rcunet_core_parse_suite = {
	.name = "rcunet_core_parse",
	.test_cases = rcunet_core_parse_cases,
};

static void bench_variant_params_override_bench_params(struct kunit *test)
{
	char spec[] = "variant=own threads=1 loops=5 runs=1";
	char *buf = bench_run_spec(test, &count_bench, spec);

	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, " own=1\n"));
	KUNIT_EXPECT_NULL(test, strstr(buf, "size="));
}

/* --- a failing op stops its run; names of any length fit --- */

static int fail_on_tid1_run(void *ctx, unsigned int tid, u64 n)
{
	struct cool_bench *cb = ctx;

	if (tid == 1)
		return -EIO;
	/* >= 100 us a chunk: 10^7 ops would take thread 0 seconds */
	usleep_range(100, 200);
	atomic64_add(n, &cb->ops[0]);
	return 0;
}

static const struct rcunet_bench_variant fail_variants[] = {
	{ .name = "fails", .role = RCUNET_ROLE_LOCKED, .run = fail_on_tid1_run },
};

static void bench_op_error_stops_the_other_threads(struct kunit *test)
{
	static struct cool_bench cb;
	struct rcunet_bench bench = {
		.module = "kunit", .variants = fail_variants,
		.nr_variants = ARRAY_SIZE(fail_variants), .ctx = &cb,
	};
	char spec[] = "threads=2 loops=10000000 runs=1";
	char *buf;

	atomic64_set(&cb.ops[0], 0);
	/* the run succeeds; the line reports the op's -EIO */
	buf = bench_run_spec(test, &bench, spec);
	/* the op's -EIO, not the -EINTR of the thread it stopped */
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "variant=fails "));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, " error=-5\n"));
	/* thread 0 stopped at a chunk boundary, not after its 10^7 ops */
	KUNIT_EXPECT_LT(test, atomic64_read(&cb.ops[0]), 10000000LL);
}

#define LONG_NAME	150

static char long_module[LONG_NAME + 1], long_locked[LONG_NAME + 1];
static char long_lockless[LONG_NAME + 1], long_op[LONG_NAME + 1];
static char long_stage[LONG_NAME + 1];

static int long_show_params(void *ctx, char *buf, size_t len)
{
	/* as much as the harness takes: it cuts at its own buffer */
	return scnprintf(buf, len, "%s=%s", long_op, long_op);
}

static void bench_long_names_fit_the_result_size(struct kunit *test)
{
	const struct rcunet_bench_variant vars[] = {
		{ .name = long_locked, .op = long_op,
		  .role = RCUNET_ROLE_LOCKED, .run = count_run },
		{ .name = long_lockless, .op = long_op,
		  .role = RCUNET_ROLE_LOCKLESS, .twin = long_locked,
		  .same_work_as = long_lockless, .run = count_run },
		{ .name = long_stage, .op = long_op,
		  .role = RCUNET_ROLE_LOCKLESS, .twin = long_locked,
		  .same_work_as = long_lockless, .previous = long_lockless,
		  .run = count_run },
	};
	const struct rcunet_bench bench = {
		.module = long_module, .variants = vars,
		.nr_variants = ARRAY_SIZE(vars), .ctx = &count_ctx,
		.show_params = long_show_params,
	};
	char spec[] = "threads=1,2 loops=2 runs=3";
	struct rcunet_bench_spec s;
	unsigned int lines = 0;
	size_t len;
	char *buf, *p;

	memset(long_module, 'm', LONG_NAME);
	memset(long_locked, 'l', LONG_NAME);
	memset(long_lockless, 'f', LONG_NAME);
	memset(long_stage, 's', LONG_NAME);
	memset(long_op, 'o', LONG_NAME);
	KUNIT_ASSERT_EQ(test, rcunet_bench_check_roles(&bench), 0);
	KUNIT_ASSERT_EQ(test, rcunet_bench_parse(&bench, spec, &s), 0);
	len = rcunet_bench_result_size(&bench, &s);
	buf = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, rcunet_bench_run(&bench, &s, buf, len), 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, long_lockless));
	KUNIT_EXPECT_NULL(test, strstr(buf, "error="));
	/* a line for each variant at each thread count, none cut */
	for (p = buf; *p; p++)
		lines += *p == '\n';
	KUNIT_EXPECT_EQ(test, lines, 6U);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, " previous=fff"));
	KUNIT_EXPECT_EQ(test, buf[strlen(buf) - 1], '\n');
}

static struct kunit_case rcunet_core_bench_cases[] = {
	KUNIT_CASE(bench_parse_defaults_and_errors),
	KUNIT_CASE(bench_run_counts_every_op),
	KUNIT_CASE(bench_setup_error_is_reported),
	KUNIT_CASE(bench_variant_params_override_bench_params),
	KUNIT_CASE(bench_roles_checked_and_defaulted),
	KUNIT_CASE(bench_many_threads_no_truncation),
	KUNIT_CASE(bench_parse_variant_list_and_path),
	KUNIT_CASE(bench_line_has_spread_overlap_and_self_cost),
	KUNIT_CASE(bench_summary_quartiles_and_ci),
	KUNIT_CASE(bench_rounds_interleave_in_seeded_order),
	KUNIT_CASE(bench_fast_thread_cools_down_until_the_last),
	KUNIT_CASE(bench_slow_path_cools_down_one_op_at_a_time),
	KUNIT_CASE(bench_op_error_stops_the_other_threads),
	KUNIT_CASE(bench_long_names_fit_the_result_size),
	{}
};

static struct kunit_suite rcunet_core_bench_suite = {
	.name = "rcunet_core_bench",
	.test_cases = rcunet_core_bench_cases,
};

kunit_test_suites(&rcunet_core_parse_suite, &rcunet_core_bench_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for the rcunet shared core");
MODULE_AUTHOR(RCUNET_AUTHOR);
MODULE_VERSION(RCUNET_VERSION);
RCUNET_IMPORT_TEST_EXPORTS();
