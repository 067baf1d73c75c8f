// SPDX-License-Identifier: GPL-2.0
/*
 * md5pool signing: parse a raw IP packet as captured from the wire, and
 * compute its RFC 2385 signature through a pool variant:
 *
 *   MD5(pseudo-header || TCP header, check = 0, no options || payload || key)
 *
 * Every length used here was checked against the caller's buffer first:
 * the packet comes from userspace.
 */
#define pr_fmt(fmt) "md5pool: " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/skbuff.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/in.h>
#include <net/tcp.h>
#include "internal.h"

#define MD5POOL_TCPOPT_MD5SIG		19
#define MD5POOL_TCPOLEN_MD5SIG		18
#define MD5POOL_TCPOPT_EOL		0
#define MD5POOL_TCPOPT_NOP		1

/*
 * Find the MD5 option in @th's options. The walk is bounded by the option
 * area (doff * 4 - 20 bytes, at most 40) and every step moves forward.
 * Returns 0 and sets *@sig (NULL when there is no MD5 option), or -EINVAL
 * for a malformed option list.
 */
static int md5pool_find_md5opt(const struct tcphdr *th, const u8 **sig)
{
	const u8 *opt = (const u8 *)(th + 1);
	int left = th->doff * 4 - (int)sizeof(*th);

	*sig = NULL;
	while (left > 0) {
		u8 kind = opt[0], olen;

		if (kind == MD5POOL_TCPOPT_EOL)
			break;
		if (kind == MD5POOL_TCPOPT_NOP) {
			opt++;
			left--;
			continue;
		}
		if (left < 2)
			return -EINVAL;
		olen = opt[1];
		if (olen < 2 || olen > left)
			return -EINVAL;
		if (kind == MD5POOL_TCPOPT_MD5SIG) {
			if (olen != MD5POOL_TCPOLEN_MD5SIG)
				return -EINVAL;
			*sig = opt + 2;
			return 0;
		}
		opt += olen;
		left -= olen;
	}
	return 0;
}

static int md5pool_parse_tcp(const u8 *seg, unsigned int seglen,
			     struct md5pool_seg *out)
{
	const struct tcphdr *th = (const struct tcphdr *)seg;
	unsigned int hlen;

	if (seglen < sizeof(*th))
		return -EINVAL;
	hlen = th->doff * 4;
	if (hlen < sizeof(*th) || hlen > seglen)
		return -EINVAL;
	out->th = th;
	out->seglen = seglen;
	out->payload = seg + hlen;
	out->payload_len = seglen - hlen;
	return md5pool_find_md5opt(th, &out->md5opt);
}

int md5pool_parse_packet(const u8 *pkt, size_t len, struct md5pool_seg *seg)
{
	memset(seg, 0, sizeof(*seg));
	if (len < 1)
		return -EINVAL;
	switch (pkt[0] >> 4) {
	case 4: {
		const struct iphdr *iph = (const struct iphdr *)pkt;
		unsigned int ihl, tot;

		if (len < sizeof(*iph))
			return -EINVAL;
		ihl = iph->ihl * 4;
		tot = be16_to_cpu(iph->tot_len);
		/* trailing bytes (link padding) beyond tot_len are ignored */
		if (ihl < sizeof(*iph) || tot < ihl || tot > len)
			return -EINVAL;
		if (iph->protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		/* a fragment is not a whole segment */
		if (iph->frag_off & htons(IP_MF | IP_OFFSET))
			return -EINVAL;
		seg->family = AF_INET;
		seg->saddr4 = iph->saddr;
		seg->daddr4 = iph->daddr;
		return md5pool_parse_tcp(pkt + ihl, tot - ihl, seg);
	}
	case 6: {
		const struct ipv6hdr *ip6 = (const struct ipv6hdr *)pkt;
		unsigned int plen;

		if (len < sizeof(*ip6))
			return -EINVAL;
		plen = be16_to_cpu(ip6->payload_len);
		if (plen > len - sizeof(*ip6))
			return -EINVAL;
		/* extension headers are not walked: TCP must come first */
		if (ip6->nexthdr != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		seg->family = AF_INET6;
		seg->saddr6 = ip6->saddr;
		seg->daddr6 = ip6->daddr;
		return md5pool_parse_tcp(pkt + sizeof(*ip6), plen, seg);
	}
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_GPL(md5pool_parse_packet);

static int md5pool_hash_headers(struct md5pool_ctx *c,
				const struct md5pool_seg *seg)
{
	int err;

	err = md5pool_hash_init(c);
	if (err)
		return err;
	if (seg->family == AF_INET)
		err = md5pool_hash_pseudo4(c, seg->saddr4, seg->daddr4,
					   seg->seglen);
	else
		err = md5pool_hash_pseudo6(c, &seg->saddr6, &seg->daddr6,
					   seg->seglen);
	if (err)
		return err;
	return md5pool_hash_tcphdr(c, seg->th);
}

int md5pool_sign_seg(const struct md5pool_ops *ops,
		     const struct md5pool_seg *seg, const u8 *key,
		     unsigned int keylen, u8 *digest)
{
	struct md5pool_ctx *c;
	int err;

	c = ops->get();
	if (!c)
		return -ENOMEM;	/* the pool was never allocated */
	err = md5pool_hash_headers(c, seg);
	if (!err)
		err = md5pool_hash_update(c, seg->payload, seg->payload_len);
	if (!err)
		err = md5pool_hash_key(c, key, keylen);
	if (!err)
		err = md5pool_hash_final(c, digest);
	ops->put();
	return err;
}
EXPORT_SYMBOL_GPL(md5pool_sign_seg);

int md5pool_sign_seg_skb(const struct md5pool_ops *ops,
			 const struct md5pool_seg *seg,
			 const struct sk_buff *skb, unsigned int header_len,
			 const u8 *key, unsigned int keylen, u8 *digest)
{
	struct md5pool_ctx *c;
	int err;

	c = ops->get();
	if (!c)
		return -ENOMEM;
	err = md5pool_hash_headers(c, seg);
	if (!err)
		err = md5pool_hash_skb_data(c, skb, header_len);
	if (!err)
		err = md5pool_hash_key(c, key, keylen);
	if (!err)
		err = md5pool_hash_final(c, digest);
	ops->put();
	return err;
}
EXPORT_SYMBOL_GPL(md5pool_sign_seg_skb);

/* Room in front of the TCP header for an IP header (kernel peer needs it). */
#define MD5POOL_SKB_HEADROOM	(MAX_HEADER + sizeof(struct ipv6hdr))

struct sk_buff *md5pool_seg_to_skb(const struct md5pool_seg *seg,
				   unsigned int linear_payload)
{
	unsigned int hlen = seg->th->doff * 4, lin, off, i = 0;
	struct sk_buff *skb;

	lin = min(linear_payload, seg->payload_len);
	skb = alloc_skb(MD5POOL_SKB_HEADROOM + hlen + lin, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, MD5POOL_SKB_HEADROOM);
	skb_put_data(skb, seg->th, hlen + lin);
	for (off = lin; off < seg->payload_len; i++) {
		unsigned int chunk = min_t(unsigned int, PAGE_SIZE,
					   seg->payload_len - off);
		struct page *page;

		if (i == MAX_SKB_FRAGS)
			goto fail;
		page = alloc_page(GFP_KERNEL);
		if (!page)
			goto fail;
		memcpy(page_address(page), seg->payload + off, chunk);
		skb_fill_page_desc(skb, i, page, 0, chunk);
		skb->len += chunk;
		skb->data_len += chunk;
		skb->truesize += PAGE_SIZE;
		off += chunk;
	}
	skb_reset_transport_header(skb);
	/* an IP header with the addresses, for ip_hdr()/ipv6_hdr() users */
	if (seg->family == AF_INET) {
		struct iphdr *iph = skb_push(skb, sizeof(*iph));

		memset(iph, 0, sizeof(*iph));
		iph->version = 4;
		iph->ihl = 5;
		iph->protocol = IPPROTO_TCP;
		iph->tot_len = htons(sizeof(*iph) + seg->seglen);
		iph->saddr = seg->saddr4;
		iph->daddr = seg->daddr4;
		skb->protocol = htons(ETH_P_IP);
	} else {
		struct ipv6hdr *ip6 = skb_push(skb, sizeof(*ip6));

		memset(ip6, 0, sizeof(*ip6));
		ip6->version = 6;
		ip6->nexthdr = IPPROTO_TCP;
		ip6->payload_len = htons(seg->seglen);
		ip6->saddr = seg->saddr6;
		ip6->daddr = seg->daddr6;
		skb->protocol = htons(ETH_P_IPV6);
	}
	skb_reset_network_header(skb);
	__skb_pull(skb, skb_transport_offset(skb));
	return skb;
fail:
	kfree_skb(skb);
	return NULL;
}
EXPORT_SYMBOL_GPL(md5pool_seg_to_skb);

/*
 * The peer: the running kernel's own TCP-MD5 code on the same segment.
 * tcp_v4_md5_hash_skb() signs an skb whose data is the TCP header, with
 * the addresses taken from ip_hdr() when no socket is given. Its pool is
 * the kernel's (tcp_alloc_md5sig_pool()).
 */
int md5pool_kernel_sign4(const struct md5pool_seg *seg, const u8 *key,
			 unsigned int keylen, u8 *digest)
{
#if IS_ENABLED(CONFIG_TCP_MD5SIG)
	struct tcp_md5sig_key *k;
	struct sk_buff *skb;
	int err = 0;

	if (seg->family != AF_INET || keylen > TCP_MD5SIG_MAXKEYLEN)
		return -EAFNOSUPPORT;
	if (!tcp_alloc_md5sig_pool())
		return -ENOMEM;
	k = kzalloc(sizeof(*k), GFP_KERNEL);
	skb = md5pool_seg_to_skb(seg, seg->payload_len);
	if (!k || !skb) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(k->key, key, keylen);
	k->keylen = keylen;
	k->family = AF_INET;
	if (tcp_v4_md5_hash_skb((char *)digest, k, NULL, skb))
		err = -EIO;
out:
	kfree_skb(skb);
	kfree_sensitive(k);
	return err;
#else
	return -EOPNOTSUPP;
#endif
}
EXPORT_SYMBOL_GPL(md5pool_kernel_sign4);
