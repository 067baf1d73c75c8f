// SPDX-License-Identifier: GPL-2.0
/*
 * rcunet shared core: /proc/rcunet, control files and input parsers.
 *
 * Every control file takes one command per write(). The line is copied in,
 * split into words and handed to the module's handler; nothing here keeps
 * state between writes, so a rejected line can leave nothing half-done
 * behind (the handlers promise the same for their own state).
 */
#define pr_fmt(fmt) "rcunet: " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/ctype.h>
#include <linux/uaccess.h>
#include <linux/seq_file.h>
#include <linux/inet.h>
#include <linux/ratelimit.h>
#include <linux/socket.h>
#include "rcunet.h"

static struct proc_dir_entry *rcunet_proc_root;

struct proc_dir_entry *rcunet_proc_mkdir(const char *name)
{
	return proc_mkdir(name, rcunet_proc_root);
}
EXPORT_SYMBOL_GPL(rcunet_proc_mkdir);

void rcunet_log_reject(const char *module, const char *what, int err)
{
	static DEFINE_RATELIMIT_STATE(reject_rs, 5 * HZ, 10);

	if (__ratelimit(&reject_rs))
		pr_info("%s: rejected %s: error %d\n", module, what, err);
}
EXPORT_SYMBOL_GPL(rcunet_log_reject);

int rcunet_split_words(char *line, char **argv, int max)
{
	int argc = 0;
	char *p = line;

	for (;;) {
		p = skip_spaces(p);
		if (!*p)
			return argc;
		if (argc == max)
			return -E2BIG;
		argv[argc++] = p;
		while (*p && !isspace(*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
}
EXPORT_SYMBOL_GPL(rcunet_split_words);

/* A line the core refuses itself: no handler will count it. */
static int rcunet_ctl_refuse(const struct rcunet_ctl *ctl)
{
	if (ctl->rejected)
		atomic_long_inc(ctl->rejected);
	return -EINVAL;
}

int rcunet_ctl_exec(const struct rcunet_ctl *ctl, char *line)
{
	char *argv[RCUNET_CMD_MAX_ARGS];
	const struct rcunet_cmd *cmd;
	int argc;

	argc = rcunet_split_words(line, argv, ARRAY_SIZE(argv));
	if (argc <= 0)
		return rcunet_ctl_refuse(ctl);
	for (cmd = ctl->cmds; cmd->name; cmd++) {
		if (strcmp(cmd->name, argv[0]))
			continue;
		if (argc - 1 < cmd->min_args || argc - 1 > cmd->max_args)
			return rcunet_ctl_refuse(ctl);
		return cmd->handler(ctl->ctx, argc, argv);
	}
	return rcunet_ctl_refuse(ctl);
}

RCUNET_EXPORT_FOR_TESTS(rcunet_ctl_exec);

static ssize_t rcunet_ctl_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	const struct rcunet_ctl *ctl = pde_data(file_inode(file));
	char *line;
	int err;

	if (count == 0 || count >= RCUNET_CMD_MAX_LEN) {
		rcunet_log_reject(ctl->module, "control line length", -EINVAL);
		return rcunet_ctl_refuse(ctl);
	}
	line = memdup_user_nul(ubuf, count);
	if (IS_ERR(line))
		return PTR_ERR(line);
	if (strlen(line) != count) {
		/* an embedded NUL would hide the rest of the line */
		err = rcunet_ctl_refuse(ctl);
	} else {
		err = rcunet_ctl_exec(ctl, line);
	}
	if (err) {
		/* line was split in place: log the command word only */
		char what[40];

		snprintf(what, sizeof(what), "control command '%.24s'", line);
		rcunet_log_reject(ctl->module, what, err);
	}
	kfree(line);
	return err ? err : count;
}

static int rcunet_ctl_show(struct seq_file *m, void *v)
{
	const struct rcunet_ctl *ctl = m->private;
	const struct rcunet_cmd *cmd;

	for (cmd = ctl->cmds; cmd->name; cmd++)
		seq_printf(m, "%s %s\n", cmd->name, cmd->usage ? cmd->usage : "");
	return 0;
}

static int rcunet_ctl_open(struct inode *inode, struct file *file)
{
	return single_open(file, rcunet_ctl_show, pde_data(inode));
}

static const struct proc_ops rcunet_ctl_ops = {
	.proc_open	= rcunet_ctl_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_release	= single_release,
	.proc_write	= rcunet_ctl_write,
};

struct proc_dir_entry *rcunet_ctl_create(const char *name,
					 struct proc_dir_entry *parent,
					 const struct rcunet_ctl *ctl)
{
	return proc_create_data(name, 0600, parent, &rcunet_ctl_ops,
				(void *)ctl);
}
EXPORT_SYMBOL_GPL(rcunet_ctl_create);

/* ------------------------------------------------------------- parsers */

int rcunet_parse_u64(const char *s, u64 min, u64 max, u64 *out)
{
	u64 v;
	int err;

	err = kstrtou64(s, 0, &v);
	if (err)
		return err == -ERANGE ? -ERANGE : -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int rcunet_parse_u32(const char *s, u32 min, u32 max, u32 *out)
{
	u64 v;
	int err;

	err = rcunet_parse_u64(s, min, max, &v);
	if (!err)
		*out = v;
	return err;
}
EXPORT_SYMBOL_GPL(rcunet_parse_u32);

int rcunet_parse_u32_list(const char *s, u32 min, u32 max, u32 *out,
			  unsigned int max_n)
{
	char word[24];
	unsigned int n = 0;
	const char *end;
	size_t len;
	int err;

	if (!*s)
		return -EINVAL;
	for (;;) {
		end = strchrnul(s, ',');
		len = end - s;
		if (len == 0 || len >= sizeof(word))
			return -EINVAL;
		if (n == max_n)
			return -E2BIG;
		memcpy(word, s, len);
		word[len] = '\0';
		err = rcunet_parse_u32(word, min, max, &out[n]);
		if (err)
			return err;
		n++;
		if (!*end)
			return n;
		s = end + 1;
	}
}
EXPORT_SYMBOL_GPL(rcunet_parse_u32_list);

int rcunet_parse_addr(const char *s, struct rcunet_addr *out)
{
	struct rcunet_addr a = {};
	const char *end;
	int len = strlen(s);

	if (strchr(s, ':')) {
		if (!in6_pton(s, len, a.v6.s6_addr, '\0', &end) || *end)
			return -EINVAL;
		a.family = AF_INET6;
	} else {
		if (!in4_pton(s, len, (u8 *)&a.v4, '\0', &end) || *end)
			return -EINVAL;
		a.family = AF_INET;
	}
	*out = a;
	return 0;
}
EXPORT_SYMBOL_GPL(rcunet_parse_addr);

int rcunet_format_addr(const struct rcunet_addr *a, char *buf, size_t len)
{
	if (a->family == AF_INET6)
		return scnprintf(buf, len, "%pI6c", &a->v6);
	return scnprintf(buf, len, "%pI4", &a->v4);
}
EXPORT_SYMBOL_GPL(rcunet_format_addr);

bool rcunet_addr_equal(const struct rcunet_addr *a, const struct rcunet_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET6)
		return !memcmp(&a->v6, &b->v6, sizeof(a->v6));
	return a->v4 == b->v4;
}
EXPORT_SYMBOL_GPL(rcunet_addr_equal);

int rcunet_parse_hex(const char *s, u8 *out, size_t min_len, size_t max_len)
{
	size_t chars = strlen(s);

	if (chars == 0 || chars % 2)
		return -EINVAL;
	if (chars / 2 < min_len || chars / 2 > max_len)
		return -ERANGE;
	if (hex2bin(out, s, chars / 2))
		return -EINVAL;
	return chars / 2;
}
EXPORT_SYMBOL_GPL(rcunet_parse_hex);

int rcunet_parse_kv(char *tok, char **key, char **val)
{
	char *eq = strchr(tok, '=');

	if (!eq || eq == tok)
		return -EINVAL;
	*eq = '\0';
	*key = tok;
	*val = eq + 1;
	return 0;
}

RCUNET_EXPORT_FOR_TESTS(rcunet_parse_kv);

static int __init rcunet_core_init(void)
{
	rcunet_proc_root = proc_mkdir("rcunet", NULL);
	if (!rcunet_proc_root)
		return -ENOMEM;
	return 0;
}

static void __exit rcunet_core_exit(void)
{
	proc_remove(rcunet_proc_root);
}

module_init(rcunet_core_init);
module_exit(rcunet_core_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rcunet shared core: procfs control files and benchmark harness");
MODULE_AUTHOR(RCUNET_AUTHOR);
MODULE_VERSION(RCUNET_VERSION);
