// SPDX-License-Identifier: GPL-2.0
/*
 * pktgen_rcu transmit path: build Ethernet/IPv4/UDP skbs and hand them
 * straight to the driver's ndo_start_xmit, reusing one skb clone_skb times,
 * with pktgen's delay, count, burst and results.
 *
 * Everything here runs in the kthread owning the device, except
 * pgr_dev_set_defaults() (before the device is published).
 */
#define pr_fmt(fmt) "pktgen_rcu: " fmt

#include <linux/kernel.h>
#include <linux/skbuff.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <linux/in.h>
#include <linux/random.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <net/ip.h>
#include "../common/compat.h"
#include "internal.h"

#define PGR_MAGIC	0xbe9be955	/* pktgen's payload header magic */

/* pktgen's payload header, so receivers that parse it keep working. */
struct pgr_hdr {
	__be32 pgh_magic;
	__be32 seq_num;
	__be32 tv_sec;
	__be32 tv_usec;
};

void pgr_dev_set_defaults(struct pgr_dev *dev)
{
	dev->count = 1000;
	dev->delay = 0;
	dev->min_pkt_size = ETH_ZLEN;
	dev->max_pkt_size = ETH_ZLEN;
	dev->cur_pkt_size = ETH_ZLEN;
	dev->clone_skb = 0;
	dev->burst = 1;
	dev->flags = 0;
	dev->udp_src_min = 9;
	dev->udp_src_max = 9;
	dev->udp_dst_min = 9;
	dev->udp_dst_max = 9;
	dev->cur_udp_src = 9;
	dev->cur_udp_dst = 9;
	dev->last_ok = 1;
}

void pgr_clear_counters(struct pgr_dev *dev)
{
	dev->seq_num = 1;
	dev->idle_acc = 0;
	dev->sofar = 0;
	dev->tx_bytes = 0;
	dev->errors = 0;
}

/* pktgen's "Result:" line; proc writers and the kthread both set it */
void pgr_set_result(struct pgr_dev *dev, const char *fmt, ...)
{
	va_list args;

	spin_lock(&dev->lock);
	va_start(args, fmt);
	vscnprintf(dev->result, sizeof(dev->result), fmt, args);
	va_end(args);
	spin_unlock(&dev->lock);
}

/* Called under rcu_read_lock() or if_lock: must not sleep. */
void pgr_start_device(struct pgr_dev *dev)
{
	u32 cur, min, max;

	/*
	 * Under dev->lock from the counters to running: a "clear_counters"
	 * either zeroes them before (and we zero them again) or sees running
	 * set and refuses; it never zeroes sofar under the run.
	 */
	spin_lock(&dev->lock);
	if (!dev->odev) {
		strscpy(dev->result, "Error starting", sizeof(dev->result));
		spin_unlock(&dev->lock);
		return;
	}
	pgr_clear_counters(dev);
	kfree_skb(dev->skb);
	dev->skb = NULL;
	dev->last_ok = 1;
	dev->clone_count = 0;
	/* the sizes and the cursor may be written by a proc write meanwhile */
	cur = READ_ONCE(dev->cur_pkt_size);
	min = READ_ONCE(dev->min_pkt_size);
	max = READ_ONCE(dev->max_pkt_size);
	if (cur < min || cur > max)
		WRITE_ONCE(dev->cur_pkt_size, min);
	dev->started_at = ktime_get();
	dev->next_tx = dev->started_at;
	strscpy(dev->result, "Starting", sizeof(dev->result));
	/*
	 * Set last, as upstream pktgen does: a reader that sees running == 1 also
	 * sees the run state above (pairs with READ_ONCE in the readers; the
	 * one reader that uses that state is this same kthread).
	 */
	smp_store_release(&dev->running, 1);
	spin_unlock(&dev->lock);
}

static void pgr_show_results(struct pgr_dev *dev, int nr_frags)
{
	ktime_t elapsed = ktime_sub(dev->stopped_at, dev->started_at);
	u64 elapsed_ns = max_t(s64, ktime_to_ns(elapsed), 1);
	u64 idle_ns = min_t(u64, dev->idle_acc, elapsed_ns);
	u32 size = READ_ONCE(dev->cur_pkt_size);	/* proc writes reset it */
	u64 pps, bps, mbps;

	pps = div64_u64(dev->sofar * NSEC_PER_SEC, elapsed_ns);
	bps = pps * 8 * size;
	mbps = div_u64(bps, 1000000);
	pgr_set_result(dev,
		       "OK: %llu(c%llu+d%llu) usec, %llu (%ubyte,%dfrags)\n  %llupps %lluMb/sec (%llubps) errors: %llu",
		       div_u64(elapsed_ns, NSEC_PER_USEC),
		       div_u64(elapsed_ns - idle_ns, NSEC_PER_USEC),
		       div_u64(idle_ns, NSEC_PER_USEC),
		       dev->sofar, size, nr_frags, pps, mbps, bps, dev->errors);
}

int pgr_stop_device(struct pgr_dev *dev)
{
	int nr_frags = dev->skb ? skb_shinfo(dev->skb)->nr_frags : -1;

	if (!dev->running)
		return -EINVAL;
	kfree_skb(dev->skb);
	dev->skb = NULL;
	dev->stopped_at = ktime_get();
	pgr_show_results(dev, nr_frags);
	/*
	 * The run's packets go into the stats file's "ops" here, once per
	 * run, not per packet in pgr_xmit(): the measured transmit path then
	 * does the per-packet work of the kernel's pktgen (its tests/bench.sh
	 * peer) and nothing more. Before running is cleared, so that a
	 * "start" that returns (it waits for running == 0) sees the count.
	 */
	this_cpu_add(pgr_pcpu_stats.ops, dev->sofar);
	/*
	 * Cleared last: a "start" returns once no device runs, and its
	 * caller reads Result next (pairs with smp_rmb() in pgr_start_all()).
	 */
	smp_store_release(&dev->running, 0);
	return 0;
}

/* Next value of a pktgen range: random in [min, max) or min..max-1 in turn. */
static u32 pgr_next_in_range(u32 cur, u32 min, u32 max, bool rnd)
{
	if (min >= max)
		return min;
	if (rnd)
		return min + get_random_u32_below(max - min);
	cur++;
	return (cur >= max || cur < min) ? min : cur;
}

/* IPv4 ranges are inclusive, as in pktgen. */
static __be32 pgr_next_addr(__be32 cur, __be32 min, __be32 max, bool rnd)
{
	u32 lo = ntohl(min), hi = ntohl(max), v;

	if (lo >= hi)
		return min;
	if (rnd) {
		v = lo + get_random_u32_below(hi - lo + 1 ? hi - lo + 1 : U32_MAX);
	} else {
		v = ntohl(cur) + 1;
		if (v > hi || v < lo)
			v = lo;
	}
	return htonl(v);
}

/*
 * Advance the header cursors. The ranges are written by proc writes at any
 * time (min and max in two writes): each bound is read once, and
 * pgr_next_in_range()/pgr_next_addr() cope with min >= max, so a range
 * caught half-updated gives one packet at its min, never an out-of-range
 * size (pgr_fill_packet() clamps the size again) or queue.
 */
static void pgr_mod_cur_headers(struct pgr_dev *dev, struct net_device *odev)
{
	u32 flags = READ_ONCE(dev->flags);
	unsigned int nq = odev->real_num_tx_queues;
	u32 q;

	if (flags & PGR_F_QUEUE_MAP_CPU)
		q = smp_processor_id();
	else
		q = pgr_next_in_range(dev->cur_queue_map,
				      READ_ONCE(dev->queue_map_min),
				      READ_ONCE(dev->queue_map_max) + 1,
				      flags & PGR_F_QUEUE_MAP_RND);
	/* never index past the device's queues (only we write it) */
	dev->cur_queue_map = nq ? q % nq : 0;

	/*
	 * The cursors are also reset by proc writes (a new range): one
	 * marked store each. Whichever store lands last wins; either value
	 * is inside a range the user set, and pgr_fill_packet() rereads each
	 * cursor once.
	 */
	WRITE_ONCE(dev->cur_udp_src,
		   pgr_next_in_range(READ_ONCE(dev->cur_udp_src),
				     READ_ONCE(dev->udp_src_min),
				     READ_ONCE(dev->udp_src_max),
				     flags & PGR_F_UDPSRC_RND));
	WRITE_ONCE(dev->cur_udp_dst,
		   pgr_next_in_range(READ_ONCE(dev->cur_udp_dst),
				     READ_ONCE(dev->udp_dst_min),
				     READ_ONCE(dev->udp_dst_max),
				     flags & PGR_F_UDPDST_RND));
	WRITE_ONCE(dev->cur_saddr,
		   pgr_next_addr(READ_ONCE(dev->cur_saddr),
				 READ_ONCE(dev->saddr_min),
				 READ_ONCE(dev->saddr_max),
				 flags & PGR_F_IPSRC_RND));
	WRITE_ONCE(dev->cur_daddr,
		   pgr_next_addr(READ_ONCE(dev->cur_daddr),
				 READ_ONCE(dev->daddr_min),
				 READ_ONCE(dev->daddr_max),
				 flags & PGR_F_IPDST_RND));
	WRITE_ONCE(dev->cur_pkt_size,
		   pgr_next_in_range(READ_ONCE(dev->cur_pkt_size),
				     READ_ONCE(dev->min_pkt_size),
				     READ_ONCE(dev->max_pkt_size),
				     flags & PGR_F_TXSIZE_RND));
}

static struct sk_buff *pgr_fill_packet(struct net_device *odev,
				       struct pgr_dev *dev)
{
	/* one read: datalen and the allocation must agree */
	unsigned int size = clamp_t(u32, READ_ONCE(dev->cur_pkt_size),
				    PGR_MIN_PKT_SIZE, PGR_MAX_PKT_SIZE);
	unsigned int hh = LL_RESERVED_SPACE(odev);
	unsigned int datalen = size - PGR_MIN_PKT_SIZE;
	u8 dst_mac[ETH_ALEN] __aligned(2), src_mac[ETH_ALEN] __aligned(2);
	struct sk_buff *skb;
	struct ethhdr *eth;
	struct iphdr *iph;
	struct udphdr *udph;
	u8 *data;

	skb = __netdev_alloc_skb(odev, hh + size, GFP_NOWAIT);
	if (!skb)
		return NULL;
	skb_reserve(skb, hh);

	/*
	 * A "dst_mac"/"src_mac" write (under pgr_cfg_lock, which we do not
	 * take per packet) may be copying the 6 bytes right now. A torn
	 * copy only gives the packets of this skb a MAC mixed of the old
	 * and the new one, which pktgen accepts too; the next skb has the
	 * new MAC. Copied once each, so the zero test and the use agree.
	 */
	data_race(memcpy(dst_mac, dev->dst_mac, ETH_ALEN));
	/* the same for the source MAC */
	data_race(memcpy(src_mac, dev->src_mac, ETH_ALEN));
	skb_reset_mac_header(skb);
	eth = skb_put(skb, ETH_HLEN);
	ether_addr_copy(eth->h_dest, dst_mac);
	ether_addr_copy(eth->h_source, is_zero_ether_addr(src_mac) ?
			odev->dev_addr : src_mac);
	eth->h_proto = htons(ETH_P_IP);

	skb_set_network_header(skb, skb->len);
	iph = skb_put(skb, sizeof(*iph));
	skb_set_transport_header(skb, skb->len);
	udph = skb_put(skb, sizeof(*udph));
	data = skb_put_zero(skb, datalen);

	if (datalen >= sizeof(struct pgr_hdr) &&
	    !(READ_ONCE(dev->flags) & PGR_F_NO_TIMESTAMP)) {
		struct pgr_hdr *pgh = (struct pgr_hdr *)data;
		struct timespec64 ts;

		ktime_get_real_ts64(&ts);
		pgh->pgh_magic = htonl(PGR_MAGIC);
		pgh->seq_num = htonl(dev->seq_num);
		pgh->tv_sec = htonl((u32)ts.tv_sec);
		pgh->tv_usec = htonl(ts.tv_nsec / NSEC_PER_USEC);
	}

	/* the cursors: see pgr_mod_cur_headers() */
	udph->source = htons(READ_ONCE(dev->cur_udp_src));
	udph->dest = htons(READ_ONCE(dev->cur_udp_dst));
	udph->len = htons(datalen + sizeof(*udph));
	udph->check = 0;

	iph->ihl = 5;
	iph->version = 4;
	iph->ttl = 32;
	iph->tos = 0;
	iph->protocol = IPPROTO_UDP;
	iph->saddr = READ_ONCE(dev->cur_saddr);
	iph->daddr = READ_ONCE(dev->cur_daddr);
	iph->id = htons(dev->seq_num & 0xffff);
	iph->frag_off = 0;
	iph->tot_len = htons(sizeof(*iph) + sizeof(*udph) + datalen);
	ip_send_check(iph);

	skb->protocol = htons(ETH_P_IP);
	skb->dev = odev;
	skb->pkt_type = PACKET_HOST;
	skb_set_queue_mapping(skb, dev->cur_queue_map);
	return skb;
}

/*
 * Wait until @until (pktgen's spin()): busy-wait below 100 us, sleep in
 * slices above, so that a posted control flag (stop, remove) or a stop of
 * the kthread is seen within one slice. The next slot is @until + @delay,
 * the caller's one read of dev->delay (a "delay" write during the wait
 * takes effect on the next packet, never half way through this one).
 */
static void pgr_spin(struct pgr_thread *t, struct pgr_dev *dev, ktime_t until,
		     u64 delay)
{
	ktime_t start = ktime_get(), now = start;

	if (ktime_to_ns(ktime_sub(until, now)) >= 100 * NSEC_PER_USEC) {
		while (ktime_before(now, until)) {
			ktime_t slice = ktime_add_ms(now, 10);

			if (READ_ONCE(t->control) || kthread_should_stop())
				break;
			if (ktime_before(until, slice))
				slice = until;
			set_current_state(TASK_INTERRUPTIBLE);
			schedule_hrtimeout_range(&slice, 0, HRTIMER_MODE_ABS);
			now = ktime_get();
		}
	} else {
		while (ktime_before(now, until)) {
			cpu_relax();
			now = ktime_get();
		}
	}
	dev->idle_acc += ktime_to_ns(ktime_sub(now, start));
	dev->next_tx = ktime_add_ns(until, delay);
}

/* The driver may still hold our skb (queued): wait for it, as pktgen does. */
static void pgr_wait_for_skb(struct pgr_dev *dev)
{
	ktime_t start = ktime_get();

	while (refcount_read(&dev->skb->users) != 1 && !kthread_should_stop()) {
		if (need_resched())
			schedule();
		else
			cpu_relax();
	}
	dev->idle_acc += ktime_to_ns(ktime_sub(ktime_get(), start));
}

/* count reached: let the driver release the skb, then stop (pktgen) */
static void pgr_finish(struct pgr_dev *dev)
{
	pgr_wait_for_skb(dev);
	pgr_stop_device(dev);
}

/**
 * pgr_xmit_budget() - how many packets one transmit call may send
 * @count: the device's "count" (0 = forever), one snapshot
 * @sofar: packets sent so far in this run, one snapshot
 * @burst: the device's "burst" (at least 1)
 *
 * The user may lower "count" at any time, even below what has been sent,
 * and a clamp computed from two different reads could come out as 0 (or
 * wrap) and then send with no skb reference for the packet.
 *
 * Return: @burst, cut to what is left of @count, or 0 when @count is
 * already reached and the device must stop.
 */
u32 pgr_xmit_budget(u64 count, u64 sofar, u32 burst)
{
	if (!count)
		return burst;
	if (sofar >= count)
		return 0;
	return min_t(u64, burst, count - sofar);
}

RCUNET_EXPORT_FOR_TESTS(pgr_xmit_budget);

static bool pgr_odev_up(struct net_device *odev)
{
	return netif_running(odev) && netif_carrier_ok(odev);
}

/*
 * Every run parameter the user may write during a run (count, burst,
 * delay, clone_skb, flags, sizes, ranges) is read once per call with
 * READ_ONCE() into a local, and each decision uses that local only.
 */
void pgr_xmit(struct pgr_thread *t, struct pgr_dev *dev)
{
	struct net_device *odev = dev->odev;
	u32 burst = max_t(u32, READ_ONCE(dev->burst), 1);
	u64 delay = READ_ONCE(dev->delay);
	u32 clone_skb = READ_ONCE(dev->clone_skb);
	struct netdev_queue *txq;
	struct sk_buff *skb;
	u64 count;
	int ret;

	if (unlikely(!pgr_odev_up(odev))) {
		pgr_stop_device(dev);
		return;
	}

	/* pktgen's "never transmit": idle, but keep seeing control flags */
	if (unlikely(delay == ULLONG_MAX)) {
		pgr_spin(t, dev, ktime_add_ms(ktime_get(), 10), 0);
		dev->next_tx = ktime_get();
		return;
	}

	if (!dev->skb ||
	    (dev->last_ok && ++dev->clone_count >= clone_skb)) {
		kfree_skb(dev->skb);
		pgr_mod_cur_headers(dev, odev);
		dev->skb = pgr_fill_packet(odev, dev);
		if (!dev->skb) {
			net_warn_ratelimited("pktgen_rcu: %s: no memory for skb\n",
					     dev->odevname);
			schedule();
			return;
		}
		dev->last_pkt_size = dev->skb->len;
		dev->clone_count = 0;
	}

	if (delay && dev->last_ok)
		pgr_spin(t, dev, dev->next_tx, delay);

	/*
	 * The wait may have been long: the netdev may have gone down
	 * (ip link del closes it before the notifier asks us to drop it),
	 * and "count" may have changed. Decide from the values as they are
	 * now, read once: the stop at the end of this call uses the same
	 * @count, and the next call starts from a fresh read, so a count
	 * lowered to (or below) what was sent stops the device there.
	 */
	if (unlikely(!pgr_odev_up(odev))) {
		pgr_stop_device(dev);
		return;
	}
	count = READ_ONCE(dev->count);
	burst = pgr_xmit_budget(count, dev->sofar, burst);
	if (!burst) {
		pgr_finish(dev);
		return;
	}

	skb = dev->skb;
	txq = skb_get_tx_queue(odev, skb);
	local_bh_disable();
	HARD_TX_LOCK(odev, txq, smp_processor_id());
	if (unlikely(netif_xmit_frozen_or_drv_stopped(txq))) {
		dev->last_ok = 0;
		goto unlock;
	}
	/* One reference per packet of the burst; the driver consumes them. */
	refcount_add(burst, &skb->users);
xmit_more:
	ret = netdev_start_xmit(skb, odev, txq, --burst > 0);
	switch (ret) {
	case NETDEV_TX_OK:
		dev->last_ok = 1;
		dev->sofar++;	/* into the stats at the stop */
		dev->seq_num++;
		dev->tx_bytes += dev->last_pkt_size;
		if (burst > 0 && !netif_xmit_frozen_or_drv_stopped(txq))
			goto xmit_more;
		break;
	case NET_XMIT_DROP:
	case NET_XMIT_CN:
		/* consumed by the driver */
		dev->errors++;
		pgr_count_error();
		break;
	default:
		net_info_ratelimited("pktgen_rcu: %s xmit error: %d\n",
				     dev->odevname, ret);
		dev->errors++;
		pgr_count_error();
		fallthrough;
	case NETDEV_TX_BUSY:
		/* not consumed: retry next time */
		refcount_dec(&skb->users);
		dev->last_ok = 0;
	}
	/* references of the burst we did not send */
	if (unlikely(burst))
		WARN_ON(refcount_sub_and_test(burst, &skb->users));
unlock:
	HARD_TX_UNLOCK(odev, txq);
	local_bh_enable();

	/* the same @count as the budget above */
	if (count && dev->sofar >= count)
		pgr_finish(dev);
}
