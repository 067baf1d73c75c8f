// SPDX-License-Identifier: GPL-2.0
/*
 * pktgen_rcu device files: pktgen's per-device commands ("count 1000",
 * "dst_mac 00:11:22:33:44:55", "flag UDPSRC_RND", ...) and pktgen's
 * Params/Current/Result listing.
 *
 * pktgen itself coerces bad numbers to 0; here a value that does not parse
 * completely, or is out of range, fails the write with -EINVAL/-ERANGE and
 * changes nothing. Values pktgen clamps (packet sizes below 42 bytes, a
 * burst of 0) are clamped the same way, so pktgen scripts behave the same.
 */
#define pr_fmt(fmt) "pktgen_rcu: " fmt

#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/inet.h>
#include <linux/etherdevice.h>
#include <linux/seq_file.h>
#include "../common/rcunet.h"
#include "internal.h"

struct pgr_flag_name {
	const char *name;
	u32 flag;
};

/* The flags this generator implements (IPv4/UDP, no MPLS/VLAN/IPsec). */
static const struct pgr_flag_name pgr_flag_names[] = {
	{ "IPSRC_RND",		PGR_F_IPSRC_RND },
	{ "IPDST_RND",		PGR_F_IPDST_RND },
	{ "UDPSRC_RND",		PGR_F_UDPSRC_RND },
	{ "UDPDST_RND",		PGR_F_UDPDST_RND },
	{ "TXSIZE_RND",		PGR_F_TXSIZE_RND },
	{ "QUEUE_MAP_RND",	PGR_F_QUEUE_MAP_RND },
	{ "QUEUE_MAP_CPU",	PGR_F_QUEUE_MAP_CPU },
	{ "NO_TIMESTAMP",	PGR_F_NO_TIMESTAMP },
};

/* Flags pktgen knows that this generator does not implement. */
static const char * const pgr_unsupported_flags[] = {
	"MACSRC_RND", "MACDST_RND", "IPV6", "MPLS_RND", "VID_RND", "SVID_RND",
	"FLOW_SEQ", "IPSEC", "NODE_ALLOC", "UDPCSUM", "SHARED",
};

static int pgr_parse_num(const char *val, u64 max, u64 *out)
{
	u64 v;

	if (!val)
		return -EINVAL;
	if (kstrtou64(val, 10, &v))
		return -EINVAL;
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static int pgr_set_flag(struct pgr_dev *dev, const char *f)
{
	char names[160];
	bool disable = false;
	unsigned int i;
	int n;

	if (*f == '!') {
		disable = true;
		f++;
	}
	for (i = 0; i < ARRAY_SIZE(pgr_flag_names); i++) {
		if (strcmp(f, pgr_flag_names[i].name))
			continue;
		if (disable)
			WRITE_ONCE(dev->flags, dev->flags & ~pgr_flag_names[i].flag);
		else
			WRITE_ONCE(dev->flags, dev->flags | pgr_flag_names[i].flag);
		pgr_set_result(dev, "OK: flags=0x%x", dev->flags);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(pgr_unsupported_flags); i++)
		if (!strcmp(f, pgr_unsupported_flags[i]))
			return -EOPNOTSUPP;
	n = 0;
	for (i = 0; i < ARRAY_SIZE(pgr_flag_names); i++)
		n += scnprintf(names + n, sizeof(names) - n, "%s%s",
			       i ? ", " : "", pgr_flag_names[i].name);
	pgr_set_result(dev,
		       "Flag -:%.32s:- unknown\nAvailable flags, (prepend ! to un-set flag):\n%s",
		       f, names);
	return -EINVAL;
}

static int pgr_set_addr(const char *val, char *str, size_t len, __be32 *addr,
			__be32 *cur)
{
	const char *end;
	__be32 a;

	if (!val || strlen(val) >= len)
		return -EINVAL;
	if (!in4_pton(val, -1, (u8 *)&a, -1, &end) || *end)
		return -EINVAL;
	strscpy(str, val, len);
	/* the kthread reads the bound and the cursor locklessly: one store each */
	WRITE_ONCE(*addr, a);
	WRITE_ONCE(*cur, a);
	return 0;
}

static int pgr_set_pkt_size(struct pgr_dev *dev, const char *name,
			    const char *val)
{
	u64 v;
	int err;

	err = pgr_parse_num(val, PGR_MAX_PKT_SIZE, &v);
	if (err)
		return err;
	if (v < PGR_MIN_PKT_SIZE)
		v = PGR_MIN_PKT_SIZE;	/* pktgen's clamp */
	if (!strcmp(name, "min_pkt_size")) {
		WRITE_ONCE(dev->min_pkt_size, v);
	} else if (!strcmp(name, "max_pkt_size")) {
		WRITE_ONCE(dev->max_pkt_size, v);
	} else {
		WRITE_ONCE(dev->min_pkt_size, v);
		WRITE_ONCE(dev->max_pkt_size, v);
	}
	WRITE_ONCE(dev->cur_pkt_size, v);
	pgr_set_result(dev, "OK: %s=%u", name, (u32)v);
	return 0;
}

static int pgr_set_u16(const char *name, const char *val, u16 *field,
		       u16 *cur, struct pgr_dev *dev)
{
	u64 v;
	int err;

	err = pgr_parse_num(val, U16_MAX, &v);
	if (err)
		return err;
	WRITE_ONCE(*field, v);
	if (cur)
		WRITE_ONCE(*cur, v);
	pgr_set_result(dev, "OK: %s=%u", name, (u32)v);
	return 0;
}

static bool pgr_can_share_skb(struct pgr_dev *dev)
{
	return dev->odev && (dev->odev->priv_flags & IFF_TX_SKB_SHARING);
}

/* One command for one device. Called with pgr_cfg_lock held. */
static int pgr_dev_exec(struct pgr_dev *dev, int argc, char **argv)
{
	const char *name = argv[0], *val = argc > 1 ? argv[1] : NULL;
	u64 v;
	int err;

	if (argc > 2)
		return -EINVAL;

	if (!strcmp(name, "count")) {
		err = pgr_parse_num(val, U64_MAX, &v);
		if (err)
			return err;
		WRITE_ONCE(dev->count, v);
		pgr_set_result(dev, "OK: count=%llu", v);
		return 0;
	}
	if (!strcmp(name, "pkt_size") || !strcmp(name, "min_pkt_size") ||
	    !strcmp(name, "max_pkt_size"))
		return pgr_set_pkt_size(dev, name, val);
	if (!strcmp(name, "delay")) {
		/*
		 * Capped: the next slot is now + delay in a ktime_t (s64 ns);
		 * a near-U64_MAX delay wrapped it into the past and sent at
		 * full rate instead of almost never.
		 */
		err = pgr_parse_num(val, PGR_MAX_DELAY, &v);
		if (err)
			return err;
		if (v == 0x7FFFFFFF)	/* pktgen: "never transmit" */
			v = ULLONG_MAX;
		WRITE_ONCE(dev->delay, v);
		pgr_set_result(dev, "OK: delay=%llu", v);
		return 0;
	}
	if (!strcmp(name, "rate")) {	/* Mb/s at min_pkt_size */
		err = pgr_parse_num(val, U32_MAX, &v);
		if (err)
			return err;
		if (!v)
			return -EINVAL;
		WRITE_ONCE(dev->delay,
			   div64_u64((u64)dev->min_pkt_size * 8 * NSEC_PER_USEC, v));
		pgr_set_result(dev, "OK: rate=%llu", v);
		return 0;
	}
	if (!strcmp(name, "ratep")) {	/* packets per second */
		err = pgr_parse_num(val, U32_MAX, &v);
		if (err)
			return err;
		if (!v)
			return -EINVAL;
		WRITE_ONCE(dev->delay, div64_u64(NSEC_PER_SEC, v));
		pgr_set_result(dev, "OK: rate=%llu", v);
		return 0;
	}
	if (!strcmp(name, "udp_src_min"))
		return pgr_set_u16(name, val, &dev->udp_src_min,
				   &dev->cur_udp_src, dev);
	if (!strcmp(name, "udp_src_max"))
		return pgr_set_u16(name, val, &dev->udp_src_max,
				   &dev->cur_udp_src, dev);
	if (!strcmp(name, "udp_dst_min"))
		return pgr_set_u16(name, val, &dev->udp_dst_min,
				   &dev->cur_udp_dst, dev);
	if (!strcmp(name, "udp_dst_max"))
		return pgr_set_u16(name, val, &dev->udp_dst_max,
				   &dev->cur_udp_dst, dev);
	if (!strcmp(name, "queue_map_min"))
		return pgr_set_u16(name, val, &dev->queue_map_min, NULL, dev);
	if (!strcmp(name, "queue_map_max"))
		return pgr_set_u16(name, val, &dev->queue_map_max, NULL, dev);
	if (!strcmp(name, "clone_skb")) {
		err = pgr_parse_num(val, U32_MAX, &v);
		if (err)
			return err;
		/* the skb is sent again while the driver may hold it */
		if (v > 0 && !pgr_can_share_skb(dev))
			return -EOPNOTSUPP;
		WRITE_ONCE(dev->clone_skb, v);
		pgr_set_result(dev, "OK: clone_skb=%u", (u32)v);
		return 0;
	}
	if (!strcmp(name, "burst")) {
		err = pgr_parse_num(val, PGR_MAX_BURST, &v);
		if (err)
			return err;
		if (v > 1 && !pgr_can_share_skb(dev))
			return -EOPNOTSUPP;
		WRITE_ONCE(dev->burst, v < 1 ? 1 : v);
		pgr_set_result(dev, "OK: burst=%u", dev->burst);
		return 0;
	}
	if (!strcmp(name, "flag")) {
		if (!val)
			return -EINVAL;
		return pgr_set_flag(dev, val);
	}
	if (!strcmp(name, "dst") || !strcmp(name, "dst_min")) {
		err = pgr_set_addr(val, dev->dst_min, sizeof(dev->dst_min),
				   &dev->daddr_min, &dev->cur_daddr);
		if (!err)
			pgr_set_result(dev, "OK: dst_min=%s", dev->dst_min);
		return err;
	}
	if (!strcmp(name, "dst_max")) {
		err = pgr_set_addr(val, dev->dst_max, sizeof(dev->dst_max),
				   &dev->daddr_max, &dev->cur_daddr);
		if (!err)
			pgr_set_result(dev, "OK: dst_max=%s", dev->dst_max);
		return err;
	}
	if (!strcmp(name, "src_min")) {
		err = pgr_set_addr(val, dev->src_min, sizeof(dev->src_min),
				   &dev->saddr_min, &dev->cur_saddr);
		if (!err)
			pgr_set_result(dev, "OK: src_min=%s", dev->src_min);
		return err;
	}
	if (!strcmp(name, "src_max")) {
		err = pgr_set_addr(val, dev->src_max, sizeof(dev->src_max),
				   &dev->saddr_max, &dev->cur_saddr);
		if (!err)
			pgr_set_result(dev, "OK: src_max=%s", dev->src_max);
		return err;
	}
	if (!strcmp(name, "dst_mac") || !strcmp(name, "src_mac")) {
		u8 mac[ETH_ALEN];
		bool dst = name[0] == 'd';

		if (!val || !mac_pton(val, mac) || val[17])
			return -EINVAL;
		/* the kthread copies it unlocked: see pgr_fill_packet() */
		ether_addr_copy(dst ? dev->dst_mac : dev->src_mac, mac);
		pgr_set_result(dev, "OK: %smac %pM", dst ? "dst" : "src", mac);
		return 0;
	}
	if (!strcmp(name, "clear_counters")) {
		bool busy;

		if (val)
			return -EINVAL;
		/*
		 * sofar is the kthread's: zeroing it under a run would race
		 * with its increments and with the count budget (pktgen
		 * allows it; here "count N" means exactly N packets). Check
		 * and clear under dev->lock, which pgr_start_device() holds
		 * from its own clearing to running = 1, so a start cannot
		 * slip in between. After running reads 0 (acquire: pairs
		 * with the release in pgr_stop_device()) the kthread is done
		 * with the counters until the next start.
		 */
		spin_lock(&dev->lock);
		/* pairs with smp_store_release() in pgr_stop_device() */
		busy = smp_load_acquire(&dev->running);
		if (!busy)
			pgr_clear_counters(dev);
		spin_unlock(&dev->lock);
		if (busy)
			return -EBUSY;
		pgr_set_result(dev, "OK: Clearing counters.\n");
		return 0;
	}
	/* accepted for script compatibility, only in their default form */
	if (!strcmp(name, "frags")) {
		err = pgr_parse_num(val, U32_MAX, &v);
		if (err)
			return err;
		if (v)
			return -EOPNOTSUPP;
		pgr_set_result(dev, "OK: frags=0");
		return 0;
	}
	if (!strcmp(name, "xmit_mode")) {
		if (!val)
			return -EINVAL;
		if (strcmp(val, "start_xmit"))
			return -EOPNOTSUPP;
		pgr_set_result(dev, "OK: xmit_mode=start_xmit");
		return 0;
	}

	pgr_set_result(dev, "No such parameter \"%.32s\"", name);
	return -EINVAL;
}

/**
 * pgr_dev_command() - run one of pktgen's per-device commands
 * @dev: the device
 * @line: the command as written to the device file; modified
 *
 * Parsed as pktgen does: separators are blanks, quotes and '='
 * ("count=100", "flag \"NO_TIMESTAMP\""). A rejected command changes
 * nothing (except pktgen's Result message for an unknown parameter/flag).
 *
 * Context: process context; takes pgr_cfg_lock.
 * Return: 0, or -EINVAL, -ERANGE, -EOPNOTSUPP, -EBUSY as the README lists.
 */
int pgr_dev_command(struct pgr_dev *dev, char *line)
{
	char *argv[4], *p;
	int argc, err;

	for (p = line; *p; p++)
		if (*p == '"' || *p == '=')
			*p = ' ';
	argc = rcunet_split_words(line, argv, ARRAY_SIZE(argv));
	if (argc <= 0)
		return -EINVAL;
	mutex_lock(&pgr_cfg_lock);
	err = pgr_dev_exec(dev, argc, argv);
	mutex_unlock(&pgr_cfg_lock);
	return err;
}

RCUNET_EXPORT_FOR_TESTS(pgr_dev_command);

static void pgr_show_flags(struct seq_file *seq, u32 flags)
{
	unsigned int i;

	seq_puts(seq, "     Flags: ");
	for (i = 0; i < ARRAY_SIZE(pgr_flag_names); i++)
		if (flags & pgr_flag_names[i].flag)
			seq_printf(seq, "%s  ", pgr_flag_names[i].name);
	seq_puts(seq, "\n");
}

/*
 * pktgen's listing; the device cannot go away while its file is in use.
 * Params are read under pgr_cfg_lock (their only writers hold it). The
 * Current counters are the running kthread's, read with data_race(): a
 * listing is a snapshot, and a value one packet old (or, on a 32-bit
 * machine, torn) is harmless there, as it is in pktgen, which reads them
 * with no lock at all. The cursors are marked on both sides.
 */
void pgr_dev_show(struct seq_file *seq, struct pgr_dev *dev)
{
	struct {
		u64 sofar, errors, idle;
		ktime_t started;
		u32 seq_num;
		u16 queue_map;
	} c;
	ktime_t stopped;
	__be32 saddr, daddr;

	mutex_lock(&pgr_cfg_lock);
	seq_printf(seq, "Params: count %llu  min_pkt_size: %u  max_pkt_size: %u\n",
		   dev->count, dev->min_pkt_size, dev->max_pkt_size);
	seq_printf(seq, "     frags: %d  delay: %llu  clone_skb: %u  ifname: %s\n",
		   0, dev->delay, dev->clone_skb, dev->odevname);
	seq_printf(seq, "     flows: %u flowlen: %u\n", 0, 0);
	seq_printf(seq, "     queue_map_min: %u  queue_map_max: %u\n",
		   dev->queue_map_min, dev->queue_map_max);
	seq_printf(seq, "     dst_min: %s  dst_max: %s\n", dev->dst_min,
		   dev->dst_max);
	seq_printf(seq, "     src_min: %s  src_max: %s\n", dev->src_min,
		   dev->src_max);
	seq_printf(seq, "     src_mac: %pM dst_mac: %pM\n",
		   is_zero_ether_addr(dev->src_mac) && dev->odev ?
		   dev->odev->dev_addr : dev->src_mac, dev->dst_mac);
	seq_printf(seq, "     udp_src_min: %u  udp_src_max: %u  udp_dst_min: %u  udp_dst_max: %u\n",
		   dev->udp_src_min, dev->udp_src_max, dev->udp_dst_min,
		   dev->udp_dst_max);
	seq_printf(seq, "     src_mac_count: %d  dst_mac_count: %d\n", 0, 0);
	if (dev->burst > 1)
		seq_printf(seq, "     burst: %u\n", dev->burst);
	pgr_show_flags(seq, dev->flags);
	mutex_unlock(&pgr_cfg_lock);

	/* not really stopped, more like last-running-at (as pktgen) */
	if (READ_ONCE(dev->running))
		stopped = ktime_get();
	else /* the kthread's: a display snapshot, see above */
		stopped = data_race(dev->stopped_at);
	/* the kthread's counters: a display snapshot, see above */
	c.sofar = data_race(dev->sofar);
	/* likewise */
	c.errors = data_race(dev->errors);
	/* likewise */
	c.started = data_race(dev->started_at);
	/* likewise */
	c.idle = data_race(dev->idle_acc);
	/* likewise */
	c.seq_num = data_race(dev->seq_num);
	/* likewise (only the kthread writes this cursor) */
	c.queue_map = data_race(dev->cur_queue_map);
	seq_printf(seq, "Current:\n     pkts-sofar: %llu  errors: %llu\n",
		   c.sofar, c.errors);
	seq_printf(seq, "     started: %lluus  stopped: %lluus idle: %lluus\n",
		   (u64)ktime_to_us(c.started), (u64)ktime_to_us(stopped),
		   div_u64(c.idle, NSEC_PER_USEC));
	seq_printf(seq, "     seq_num: %u  cur_dst_mac_offset: %d  cur_src_mac_offset: %d\n",
		   c.seq_num, 0, 0);
	saddr = READ_ONCE(dev->cur_saddr);
	daddr = READ_ONCE(dev->cur_daddr);
	seq_printf(seq, "     cur_saddr: %pI4  cur_daddr: %pI4\n", &saddr, &daddr);
	seq_printf(seq, "     cur_udp_dst: %u  cur_udp_src: %u\n",
		   READ_ONCE(dev->cur_udp_dst), READ_ONCE(dev->cur_udp_src));
	seq_printf(seq, "     cur_queue_map: %u\n", c.queue_map);
	seq_printf(seq, "     flows: %u\n", 0);
	/* proc writers and the kthread set it: see pgr_set_result() */
	spin_lock(&dev->lock);
	if (dev->result[0])
		seq_printf(seq, "Result: %s\n", dev->result);
	else
		seq_puts(seq, "Result: Idle\n");
	spin_unlock(&dev->lock);
}
