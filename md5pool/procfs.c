// SPDX-License-Identifier: GPL-2.0
/*
 * md5pool procfs: /proc/rcunet/md5pool/{control,keys,sign,stats,cpus}
 * (bench.c adds bench; the core adds variants).
 *
 * The key table is configuration, not fast path: a short list under a
 * mutex. A signature copies its key out under the mutex and then signs
 * through the pool without any lock (percpu variant).
 */
#define pr_fmt(fmt) "md5pool: " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/skbuff.h>
#include <linux/ipv6.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include "../common/rcunet.h"
#include "internal.h"

#define MD5POOL_MAX_KEYS	64
/* The largest IP packet: 64 KiB of IPv6 payload behind its header. */
#define MD5POOL_MAX_PACKET	(sizeof(struct ipv6hdr) + 65535)
#define MD5POOL_SIGN_LINE	80

struct md5pool_key {
	struct list_head node;
	struct rcunet_addr addr;
	unsigned int keylen;
	u8 key[MD5POOL_MAXKEYLEN];
};

static LIST_HEAD(md5pool_keys);
static DEFINE_MUTEX(md5pool_keys_mutex);	/* protects md5pool_keys */
static unsigned int md5pool_nr_keys;

/* Variant the sign file uses; changed by "sign_variant", read by sign. */
static const struct md5pool_ops *md5pool_sign_ops = &md5pool_percpu_ops;

static struct proc_dir_entry *md5pool_dir;

/*
 * Failed control commands and sign writes since load (stats "errors:").
 * Lines the shared control parser refuses before a handler runs (unknown
 * command word, wrong argument count) the core counts here itself
 * (md5pool_ctl.rejected).
 */
static atomic_long_t md5pool_nr_errors = ATOMIC_LONG_INIT(0);

static int md5pool_count_error(int err)
{
	if (err)
		atomic_long_inc(&md5pool_nr_errors);
	return err;
}

/* ------------------------------------------------------------- keys */

static struct md5pool_key *md5pool_key_find(const struct rcunet_addr *a)
{
	struct md5pool_key *k;

	lockdep_assert_held(&md5pool_keys_mutex);
	list_for_each_entry(k, &md5pool_keys, node)
		if (rcunet_addr_equal(&k->addr, a))
			return k;
	return NULL;
}

static int md5pool_key_add(char **argv)
{
	struct md5pool_key *k;
	int err;

	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return -ENOMEM;
	err = rcunet_parse_addr(argv[1], &k->addr);
	if (err)
		goto fail;
	err = rcunet_parse_hex(argv[2], k->key, 1, MD5POOL_MAXKEYLEN);
	if (err < 0)
		goto fail;
	k->keylen = err;
	/* Make sure signing can work before anyone relies on the key. */
	err = md5pool_alloc();
	if (err)
		goto fail;
	mutex_lock(&md5pool_keys_mutex);
	if (md5pool_key_find(&k->addr)) {
		err = -EEXIST;
	} else if (md5pool_nr_keys >= MD5POOL_MAX_KEYS) {
		err = -ENOSPC;
	} else {
		list_add_tail(&k->node, &md5pool_keys);
		md5pool_nr_keys++;
		err = 0;
	}
	mutex_unlock(&md5pool_keys_mutex);
	if (!err)
		return 0;
fail:
	kfree_sensitive(k);
	return err;
}

static int md5pool_key_del(char **argv)
{
	struct rcunet_addr a;
	struct md5pool_key *k;
	int err;

	err = rcunet_parse_addr(argv[1], &a);
	if (err)
		return err;
	mutex_lock(&md5pool_keys_mutex);
	k = md5pool_key_find(&a);
	if (k) {
		list_del(&k->node);
		md5pool_nr_keys--;
	}
	mutex_unlock(&md5pool_keys_mutex);
	if (!k)
		return -ENOENT;
	kfree_sensitive(k);
	return 0;
}

static int md5pool_sign_variant(char **argv)
{
	const struct md5pool_ops *const *ops;

	for (ops = md5pool_all_ops; *ops; ops++) {
		if (!strcmp(argv[1], (*ops)->name)) {
			WRITE_ONCE(md5pool_sign_ops, *ops);
			return 0;
		}
	}
	return -EINVAL;
}

static void md5pool_keys_flush(void)
{
	struct md5pool_key *k, *tmp;

	mutex_lock(&md5pool_keys_mutex);
	list_for_each_entry_safe(k, tmp, &md5pool_keys, node) {
		list_del(&k->node);
		kfree_sensitive(k);
	}
	md5pool_nr_keys = 0;
	mutex_unlock(&md5pool_keys_mutex);
}

static int md5pool_cmd_key_add(void *ctx, int argc, char **argv)
{
	return md5pool_count_error(md5pool_key_add(argv));
}

static int md5pool_cmd_key_del(void *ctx, int argc, char **argv)
{
	return md5pool_count_error(md5pool_key_del(argv));
}

static int md5pool_cmd_sign_variant(void *ctx, int argc, char **argv)
{
	return md5pool_count_error(md5pool_sign_variant(argv));
}

static const struct rcunet_cmd md5pool_cmds[] = {
	{ "key_add", 2, 2, "ADDR KEYHEX (1..80 bytes)", md5pool_cmd_key_add },
	{ "key_del", 1, 1, "ADDR", md5pool_cmd_key_del },
	{ "sign_variant", 1, 1, "percpu (lockless) | legacy (locked) | stack (lockless)",
	  md5pool_cmd_sign_variant },
	{ }
};

static const struct rcunet_ctl md5pool_ctl = {
	.module = "md5pool",
	.cmds = md5pool_cmds,
	.rejected = &md5pool_nr_errors,	/* lines the core refuses itself */
};

static int md5pool_keys_show(struct seq_file *m, void *v)
{
	struct md5pool_key *k;
	char buf[48];

	mutex_lock(&md5pool_keys_mutex);
	list_for_each_entry(k, &md5pool_keys, node) {
		rcunet_format_addr(&k->addr, buf, sizeof(buf));
		seq_printf(m, "%s keylen=%u\n", buf, k->keylen);
	}
	mutex_unlock(&md5pool_keys_mutex);
	return 0;
}

/* ------------------------------------------------------------- sign */

/* Copy the key for @seg's source, else destination, address. */
static int md5pool_key_for_seg(const struct md5pool_seg *seg, u8 *key)
{
	struct rcunet_addr src = { .family = seg->family };
	struct rcunet_addr dst = { .family = seg->family };
	struct md5pool_key *k;
	int ret = -ENOKEY;

	if (seg->family == AF_INET) {
		src.v4 = seg->saddr4;
		dst.v4 = seg->daddr4;
	} else {
		src.v6 = seg->saddr6;
		dst.v6 = seg->daddr6;
	}
	mutex_lock(&md5pool_keys_mutex);
	k = md5pool_key_find(&src);
	if (!k)
		k = md5pool_key_find(&dst);
	if (k) {
		memcpy(key, k->key, k->keylen);
		ret = k->keylen;
	}
	mutex_unlock(&md5pool_keys_mutex);
	return ret;
}

/* Sign one raw packet; fills @line with "sig=... match=...\n". */
static int md5pool_sign_packet(const u8 *pkt, size_t len, char *line,
			       size_t line_len)
{
	const struct md5pool_ops *ops = READ_ONCE(md5pool_sign_ops);
	u8 key[MD5POOL_MAXKEYLEN], digest[MD5POOL_DIGEST_LEN];
	struct md5pool_seg seg;
	struct sk_buff *skb;
	const char *match;
	int keylen, err;

	err = md5pool_parse_packet(pkt, len, &seg);
	if (err)
		return err;
	keylen = md5pool_key_for_seg(&seg, key);
	if (keylen < 0)
		return keylen;
	/* the payload goes to page frags: the paged path TCP uses */
	skb = md5pool_seg_to_skb(&seg, 0);
	if (!skb) {
		err = -ENOMEM;
		goto out;
	}
	/* a user reference for the duration, as a socket holds one */
	err = ops->hold();
	if (!err) {
		err = md5pool_sign_seg_skb(ops, &seg, skb, seg.th->doff * 4,
					   key, keylen, digest);
		ops->unhold();
	}
	kfree_skb(skb);
	if (err)
		goto out;
	if (!seg.md5opt)
		match = "absent";
	else if (!memcmp(seg.md5opt, digest, sizeof(digest)))
		match = "yes";
	else
		match = "no";
	snprintf(line, line_len, "sig=%16phN match=%s\n", digest, match);
out:
	memzero_explicit(key, sizeof(key));
	return err;
}

static int md5pool_sign_open(struct inode *inode, struct file *file)
{
	char *line = kzalloc(MD5POOL_SIGN_LINE, GFP_KERNEL);

	if (!line)
		return -ENOMEM;
	file->private_data = line;
	return 0;
}

static int md5pool_sign_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

/* One write() is one packet; its result replaces the file's last one. */
static ssize_t md5pool_sign_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	char line[MD5POOL_SIGN_LINE];
	u8 *pkt;
	int err;

	if (count == 0 || count > MD5POOL_MAX_PACKET) {
		rcunet_log_reject("md5pool", "sign packet length",
				  md5pool_count_error(-EINVAL));
		return -EINVAL;
	}
	pkt = vmemdup_user(ubuf, count);
	if (IS_ERR(pkt))
		return PTR_ERR(pkt);
	err = md5pool_count_error(md5pool_sign_packet(pkt, count, line,
						      sizeof(line)));
	kvfree(pkt);
	if (err) {
		rcunet_log_reject("md5pool", "sign packet", err);
		return err;
	}
	/* readers and writers of one open file serialise on f_pos_lock */
	strscpy(file->private_data, line, MD5POOL_SIGN_LINE);
	return count;
}

static ssize_t md5pool_sign_read(struct file *file, char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	const char *line = file->private_data;

	if (!line[0])
		return -ENODATA;
	return simple_read_from_buffer(ubuf, count, ppos, line, strlen(line));
}

static const struct proc_ops md5pool_sign_proc_ops = {
	.proc_open	= md5pool_sign_open,
	.proc_release	= md5pool_sign_release,
	.proc_read	= md5pool_sign_read,
	.proc_write	= md5pool_sign_write,
	.proc_lseek	= noop_llseek,
};

/* ------------------------------------------------------------- stats */

/*
 * "key: value", one per line, ops and errors first. ops: signatures
 * computed through the module's variants since load (the sign file, the
 * bench, the tests), from the pools' per-CPU counters.
 */
static int md5pool_stats_show(struct seq_file *m, void *v)
{
	const struct md5pool_ops *ops = READ_ONCE(md5pool_sign_ops);
	struct md5pool_legacy *lg = &md5pool_legacy_global;
	struct md5pool_pool *pool;
	unsigned long users, percpu_signed;
	bool lg_alloc;

	/* the percpu pool, once published, lives until module exit */
	rcu_read_lock();
	pool = rcu_dereference(md5pool_global.pool);
	percpu_signed = md5pool_pool_signed(pool);
	rcu_read_unlock();

	seq_printf(m, "ops: %lu\n", percpu_signed + md5pool_legacy_signed(lg) +
		   md5pool_stack_signed());
	seq_printf(m, "errors: %ld\n", atomic_long_read(&md5pool_nr_errors));
	seq_printf(m, "sign_variant: %s\n", ops->name);
	seq_printf(m, "sign_variant_role: %s\n", rcunet_role_name(ops->role));
	seq_printf(m, "pool_allocated: %s\n",
		   md5pool_domain_allocated(&md5pool_global) ? "yes" : "no");
	seq_printf(m, "pool_allocs: %d\n",
		   atomic_read(&md5pool_global.nr_allocs));

	spin_lock_bh(&lg->lock);
	users = lg->users;
	lg_alloc = lg->pool;
	spin_unlock_bh(&lg->lock);
	seq_printf(m, "legacy_allocated: %s\n", lg_alloc ? "yes" : "no");
	seq_printf(m, "legacy_users: %lu\n", users);
	seq_printf(m, "legacy_allocs: %d\n", atomic_read(&lg->nr_allocs));
	/* the legacy lock's lockdep class name, "-" without lockdep */
	seq_printf(m, "legacy_lock: %s\n", md5pool_legacy_lock_name(lg));
	/* the stack variant's shared tfm: its only allocation */
	seq_printf(m, "stack_allocated: %s\n",
		   md5pool_stack_domain_allocated(md5pool_stack_global()) ?
		   "yes" : "no");
	seq_printf(m, "stack_allocs: %d\n",
		   atomic_read(&md5pool_stack_global()->nr_allocs));
	return 0;
}

/* One line per possible CPU: signatures through the percpu pool there. */
static int md5pool_cpus_show(struct seq_file *m, void *v)
{
	struct md5pool_pool *pool;
	int cpu;

	rcu_read_lock();
	pool = rcu_dereference(md5pool_global.pool);
	for_each_possible_cpu(cpu)
		seq_printf(m, "cpu%d signed=%lu\n", cpu, pool ?
			   READ_ONCE(per_cpu_ptr(pool->ctx, cpu)->nr_signed) :
			   0UL);
	rcu_read_unlock();
	return 0;
}

/* ------------------------------------------------------------- files */

struct proc_dir_entry *md5pool_proc_init(void)
{
	md5pool_dir = rcunet_proc_mkdir("md5pool");
	if (!md5pool_dir)
		return ERR_PTR(-ENOMEM);
	if (!rcunet_ctl_create("control", md5pool_dir, &md5pool_ctl) ||
	    !proc_create_single("keys", 0400, md5pool_dir,
				md5pool_keys_show) ||
	    !proc_create("sign", 0600, md5pool_dir,
			 &md5pool_sign_proc_ops) ||
	    !proc_create_single("stats", 0400, md5pool_dir,
				md5pool_stats_show) ||
	    !proc_create_single("cpus", 0400, md5pool_dir,
				md5pool_cpus_show)) {
		proc_remove(md5pool_dir);
		/* the control file was live: a key_add may have run */
		md5pool_keys_flush();
		return ERR_PTR(-ENOMEM);
	}
	return md5pool_dir;
}

void md5pool_proc_exit(void)
{
	/* no file is open any more after this: no signer, no new key */
	proc_remove(md5pool_dir);
	md5pool_keys_flush();
}
