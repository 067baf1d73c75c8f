// SPDX-License-Identifier: GPL-2.0
/*
 * rcunet inetpeer: the control file's cache (one base, configured by the
 * module parameters) and /proc/rcunet/inetpeer/{control,peers,stats}.
 * The bench file is bench.c's; module init/exit are at the end of core.c.
 */
#define pr_fmt(fmt) "rcunet inetpeer: " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/jiffies.h>
#include <linux/socket.h>
#include "internal.h"

static char *ipeer_param_variant = "rcu";
module_param_named(variant, ipeer_param_variant, charp, 0444);
MODULE_PARM_DESC(variant, "variant of the procfs cache: rwlock (locked) | rcu (lockless, AVL) | seqlock (lockless, rbtree)");

static int ipeer_param_threshold = 65536 + 128;
module_param_named(threshold, ipeer_param_threshold, int, 0444);
MODULE_PARM_DESC(threshold, "nodes above which an insert drops the oldest unused one (like inet_peer_threshold)");

static unsigned int ipeer_param_minttl = 120;
module_param_named(minttl, ipeer_param_minttl, uint, 0444);
MODULE_PARM_DESC(minttl, "seconds an unused node lives when the cache is full (like inet_peer_minttl)");

static unsigned int ipeer_param_maxttl = 600;
module_param_named(maxttl, ipeer_param_maxttl, uint, 0444);
MODULE_PARM_DESC(maxttl, "seconds an unused node lives when the cache is empty (like inet_peer_maxttl)");

static unsigned int ipeer_param_gc_interval = 10;
module_param_named(gc_interval, ipeer_param_gc_interval, uint, 0444);
MODULE_PARM_DESC(gc_interval, "seconds between periodic GC passes (0: none)");

/* Longest TTL or interval a parameter may ask for: one day. */
#define IPEER_MAX_SECONDS	(24 * 60 * 60)

static struct ipeer_base *ipeer_procfs_base;
static struct proc_dir_entry *ipeer_dir;
/*
 * Serialises control commands, and guards every node's ctl_holds: the
 * holds the control file itself took with "get". "put" checks that count,
 * never refcnt: refcnt also counts references taken outside this mutex
 * (the GC worker's temporary one), which are not the control file's to drop.
 */
static DEFINE_MUTEX(ipeer_ctl_mutex);
/* Control commands that failed since load: the "errors" line of stats. */
static atomic_long_t ipeer_ctl_errors = ATOMIC_LONG_INIT(0);

/* Every handler returns through here, so that a failure is counted. */
static int ipeer_ctl_result(int err)
{
	if (err)
		atomic_long_inc(&ipeer_ctl_errors);
	return err;
}

static void ipeer_key_from_addr(struct ipeer_key *key,
				const struct rcunet_addr *a)
{
	int i;

	memset(key, 0, sizeof(*key));
	key->family = a->family;
	if (a->family == AF_INET) {
		key->word[0] = ntohl(a->v4);
		return;
	}
	for (i = 0; i < 4; i++)
		key->word[i] = ntohl(a->v6.s6_addr32[i]);
}

static void ipeer_key_to_addr(const struct ipeer_key *key,
			      struct rcunet_addr *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->family = key->family;
	if (key->family == AF_INET) {
		a->v4 = htonl(key->word[0]);
		return;
	}
	for (i = 0; i < 4; i++)
		a->v6.s6_addr32[i] = htonl(key->word[i]);
}

static int ipeer_parse_key(const char *s, struct ipeer_key *key)
{
	struct rcunet_addr a;
	int err = rcunet_parse_addr(s, &a);

	if (err)
		return err;
	ipeer_key_from_addr(key, &a);
	return 0;
}

/* get ADDR: find or create the peer and keep a reference (a "hold"). */
static int ipeer_cmd_get(void *ctx, int argc, char **argv)
{
	struct ipeer_base *b = ctx;
	struct ipeer_node *p;
	struct ipeer_key key;
	int err = ipeer_parse_key(argv[1], &key);

	if (err)
		return ipeer_ctl_result(err);
	mutex_lock(&ipeer_ctl_mutex);
	p = ipeer_get(b, &key, true);
	/* our reference keeps p in the tree until the matching put */
	if (p)
		p->ctl_holds++;
	mutex_unlock(&ipeer_ctl_mutex);
	return ipeer_ctl_result(p ? 0 : -ENOMEM);
}

/*
 * put ADDR: drop one hold the control file took; -ENOENT if absent,
 * -EINVAL if the control file holds none (whoever else holds the peer).
 */
static int ipeer_cmd_put(void *ctx, int argc, char **argv)
{
	struct ipeer_base *b = ctx;
	struct ipeer_node *p;
	struct ipeer_key key;
	int err = ipeer_parse_key(argv[1], &key);

	if (err)
		return ipeer_ctl_result(err);
	mutex_lock(&ipeer_ctl_mutex);
	/*
	 * Look, but take no reference: a get would revive an unused peer
	 * and its put would list it again at the LRU tail with a new dtime,
	 * a change a refused put must not make. A peer we hold (ctl_holds
	 * above 0) stays in the tree after the unlock: our hold pins it.
	 */
	b->ops->lock_tree(b);
	p = ipeer_find_locked(b, &key);
	if (!p)
		err = -ENOENT;
	else if (!p->ctl_holds)
		err = -EINVAL;
	else
		p->ctl_holds--;
	b->ops->unlock_tree(b);
	if (!err)
		ipeer_put(b, p);	/* the hold */
	mutex_unlock(&ipeer_ctl_mutex);
	return ipeer_ctl_result(err);
}

/* remove ADDR: remove an unheld peer now; -ENOENT, -EBUSY if held. */
static int ipeer_cmd_remove(void *ctx, int argc, char **argv)
{
	struct ipeer_base *b = ctx;
	struct ipeer_key key;
	int err = ipeer_parse_key(argv[1], &key);

	if (err)
		return ipeer_ctl_result(err);
	mutex_lock(&ipeer_ctl_mutex);
	err = ipeer_remove(b, &key);
	mutex_unlock(&ipeer_ctl_mutex);
	return ipeer_ctl_result(err);
}

static int ipeer_cmd_flush(void *ctx, int argc, char **argv)
{
	mutex_lock(&ipeer_ctl_mutex);
	ipeer_flush(ctx);
	mutex_unlock(&ipeer_ctl_mutex);
	return 0;
}

static int ipeer_cmd_gc(void *ctx, int argc, char **argv)
{
	mutex_lock(&ipeer_ctl_mutex);
	ipeer_gc(ctx);
	mutex_unlock(&ipeer_ctl_mutex);
	return 0;
}

/* check: run the AVL checker; -EUCLEAN (logged with the reason) if broken. */
static int ipeer_cmd_check(void *ctx, int argc, char **argv)
{
	char why[96];
	int err = ipeer_check(ctx, why, sizeof(why));

	if (err)
		pr_warn_ratelimited("check failed: %s\n", why);
	return ipeer_ctl_result(err);
}

static const struct rcunet_cmd ipeer_cmds[] = {
	{ "get", 1, 1, "ADDR", ipeer_cmd_get },
	{ "put", 1, 1, "ADDR", ipeer_cmd_put },
	{ "remove", 1, 1, "ADDR", ipeer_cmd_remove },
	{ "flush", 0, 0, "", ipeer_cmd_flush },
	{ "gc", 0, 0, "", ipeer_cmd_gc },
	{ "check", 0, 0, "", ipeer_cmd_check },
	{ }
};

static struct rcunet_ctl ipeer_ctl = {
	.module = "inetpeer",
	.cmds = ipeer_cmds,
	.rejected = &ipeer_ctl_errors,	/* lines the core refuses itself */
};

/*
 * "peers" is readable by anyone and the tree may hold 2^24 nodes, so the
 * listing never walks the tree under one lock hold. Its cursor is the key
 * of the current record: each step copies out the next peer by key with
 * ipeer_peer_after(), one O(height) hold of the tree lock, and prints the
 * copy with no lock held. A read that stops in the middle resumes from
 * the key, so seq_file's restarts (a buffer that grew, the next read())
 * cost one lookup, not a walk from the start. Peers added or removed
 * meanwhile may or may not show; the order stays strict.
 */
struct ipeer_peers_iter {
	bool valid;			/* @cur holds record number @pos */
	loff_t pos;
	struct ipeer_peer_info cur;
};

/*
 * Load the peer after (or at) @after as record @pos. At the end @it stays
 * on its last record, so that the next start() finds the end again.
 */
static void *ipeer_peers_seek(struct ipeer_peers_iter *it,
			      const struct ipeer_key *after, bool inclusive,
			      loff_t pos)
{
	struct ipeer_peer_info next;

	if (ipeer_peer_after(ipeer_procfs_base, after, inclusive, &next))
		return NULL;
	it->cur = next;
	it->valid = true;
	it->pos = pos;
	return &it->cur;
}

static void *ipeer_peers_start(struct seq_file *m, loff_t *pos)
{
	struct ipeer_peers_iter *it = m->private;
	loff_t i;

	/* the record that did not fit last time, or the next one */
	if (*pos && it->valid && *pos == it->pos)
		return ipeer_peers_seek(it, &it->cur.key, true, *pos);
	if (*pos && it->valid && *pos == it->pos + 1)
		return ipeer_peers_seek(it, &it->cur.key, false, *pos);
	/* from the top, or a seek: one short lock hold per record skipped */
	it->valid = false;
	if (!ipeer_peers_seek(it, NULL, false, 0))
		return NULL;
	for (i = 1; i <= *pos; i++) {
		if (!ipeer_peers_seek(it, &it->cur.key, false, i))
			return NULL;
		cond_resched();
	}
	return &it->cur;
}

static void *ipeer_peers_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct ipeer_peers_iter *it = m->private;

	++*pos;
	return ipeer_peers_seek(it, &it->cur.key, false, *pos);
}

static void ipeer_peers_stop(struct seq_file *m, void *v)
{
}

static int ipeer_peers_show(struct seq_file *m, void *v)
{
	const struct ipeer_peer_info *p = v;
	struct rcunet_addr a;
	char buf[64];

	ipeer_key_to_addr(&p->key, &a);
	rcunet_format_addr(&a, buf, sizeof(buf));
	seq_printf(m, "%s refcnt=%d age_ms=%u ip_id=%u tcp_ts=%u tcp_ts_stamp=%u rate_tokens=%u\n",
		   buf, p->refcnt, jiffies_to_msecs(jiffies - p->dtime),
		   p->ip_id, p->tcp_ts, p->tcp_ts_stamp, p->rate_tokens);
	return 0;
}

static const struct seq_operations ipeer_peers_sops = {
	.start = ipeer_peers_start,
	.next = ipeer_peers_next,
	.stop = ipeer_peers_stop,
	.show = ipeer_peers_show,
};

/*
 * "key: value" lines, ops and errors first. Every line is O(1) or O(CPUs):
 * no walk of the tree or the list. There is one base, so its variant is
 * module-wide and shows here.
 */
static int ipeer_stats_show(struct seq_file *m, void *v)
{
	struct ipeer_base *b = m->private;
	struct ipeer_stats s;

	ipeer_read_stats(b, &s);

	/* ops: lookups (ipeer_get(), hit or miss) on the control file's cache */
	seq_printf(m, "ops: %llu\n", s.lockless_hits + s.lockless_misses +
		   s.locked_hits + s.locked_misses);
	seq_printf(m, "errors: %ld\n", atomic_long_read(&ipeer_ctl_errors));
	seq_printf(m, "variant: %s\n", b->ops->name);
	seq_printf(m, "role: %s\n", rcunet_role_name(b->ops->role));
	seq_printf(m, "nodes: %d\n", ipeer_total(b));
	seq_printf(m, "height: %d\n", ipeer_height(b));
	seq_printf(m, "unused: %d\n", ipeer_nr_unused(b));
	seq_printf(m, "lockless_hits: %llu\n", s.lockless_hits);
	seq_printf(m, "lockless_misses: %llu\n", s.lockless_misses);
	seq_printf(m, "fallback_hits: %llu\n", s.fallback_hits);
	seq_printf(m, "locked_hits: %llu\n", s.locked_hits);
	seq_printf(m, "locked_misses: %llu\n", s.locked_misses);
	seq_printf(m, "inserts: %llu\n", s.inserts);
	seq_printf(m, "gc_removed: %llu\n", s.gc_removed);
	seq_printf(m, "freed_seen: %llu\n", s.freed_seen);
	seq_printf(m, "unlink_failed: %llu\n", s.unlink_failed);
	seq_printf(m, "seq_retries: %llu\n", s.seq_retries);
	seq_printf(m, "threshold: %d\n", b->limits.threshold);
	seq_printf(m, "minttl_s: %u\n", jiffies_to_msecs(b->limits.minttl) / 1000);
	seq_printf(m, "maxttl_s: %u\n", jiffies_to_msecs(b->limits.maxttl) / 1000);
	seq_printf(m, "live_nodes: %ld\n", ipeer_live_nodes());
	return 0;
}

static int ipeer_validate_params(void)
{
	if (ipeer_param_threshold < 1 ||
	    ipeer_param_threshold > IPEER_MAX_NODES) {
		pr_err("threshold=%d out of range 1..%d\n",
		       ipeer_param_threshold, IPEER_MAX_NODES);
		return -ERANGE;
	}
	if (ipeer_param_maxttl > IPEER_MAX_SECONDS ||
	    ipeer_param_gc_interval > IPEER_MAX_SECONDS ||
	    ipeer_param_minttl > ipeer_param_maxttl) {
		pr_err("need minttl <= maxttl <= %d and gc_interval <= %d\n",
		       IPEER_MAX_SECONDS, IPEER_MAX_SECONDS);
		return -ERANGE;
	}
	return 0;
}

/*
 * Called by the module's init (core.c) once the node cache exists: check
 * the parameters, create the control file's cache and its files. Returns
 * the module's /proc directory, for the bench file, or an ERR_PTR.
 */
struct proc_dir_entry *ipeer_proc_init(void)
{
	const struct ipeer_ops *ops = ipeer_find_variant(ipeer_param_variant);
	struct ipeer_limits limits;
	int err;

	if (!ops) {
		pr_err("unknown variant '%s': rwlock (locked) | rcu | seqlock (lockless)\n",
		       ipeer_param_variant);
		return ERR_PTR(-EINVAL);
	}
	err = ipeer_validate_params();
	if (err)
		return ERR_PTR(err);
	limits.threshold = ipeer_param_threshold;
	limits.minttl = ipeer_param_minttl * HZ;
	limits.maxttl = ipeer_param_maxttl * HZ;
	limits.gc_interval = ipeer_param_gc_interval * HZ;

	ipeer_procfs_base = ipeer_base_create(ops, &limits);
	if (!ipeer_procfs_base)
		return ERR_PTR(-ENOMEM);
	ipeer_ctl.ctx = ipeer_procfs_base;

	ipeer_dir = rcunet_proc_mkdir("inetpeer");
	if (!ipeer_dir)
		goto out_base;
	if (!rcunet_ctl_create("control", ipeer_dir, &ipeer_ctl) ||
	    !proc_create_seq_private("peers", 0444, ipeer_dir,
				     &ipeer_peers_sops,
				     sizeof(struct ipeer_peers_iter), NULL) ||
	    !proc_create_single_data("stats", 0444, ipeer_dir,
				     ipeer_stats_show, ipeer_procfs_base))
		goto out_dir;
	return ipeer_dir;

out_dir:
	proc_remove(ipeer_dir);
out_base:
	ipeer_base_destroy(ipeer_procfs_base);
	return ERR_PTR(-ENOMEM);
}

/* Undo ipeer_proc_init(), after the bench file is gone. */
void ipeer_proc_exit(void)
{
	/* no control write can run after this: proc_remove() waits for them */
	proc_remove(ipeer_dir);
	/* held peers go too; the caller waits for RCU before the leak check */
	ipeer_base_destroy(ipeer_procfs_base);
}
