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
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <crypto/hash.h>
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

/**
 * md5pool_parse_packet() - parse a raw IPv4/IPv6 TCP packet, bounds-checked
 * @pkt: the packet, IP header first, as captured from the wire
 * @len: bytes at @pkt; bytes past the IP length are ignored
 * @seg: filled with pointers into @pkt (zeroed first)
 *
 * Every length the headers claim is checked against @len before use.
 *
 * Return: 0; -EINVAL for a truncated or malformed packet (version, header
 * lengths, IPv4 fragment, data offset, option list, MD5 option length);
 * -EPROTONOSUPPORT when TCP is not the IP header's next protocol.
 */
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

RCUNET_EXPORT_FOR_TESTS(md5pool_parse_packet);

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

/*
 * One signature through @ops: headers, the payload (linear from @seg, or
 * from @skb after @header_len bytes when @skb is set), key, final. @f is
 * the caller's frame for a variant that signs on the stack, else NULL.
 * Inlined into both entry points so that only the stack variant's branch
 * declares (and, with CONFIG_INIT_STACK_ALL_ZERO, clears) a frame.
 */
static __always_inline int
md5pool_sign_in(const struct md5pool_ops *ops, struct md5pool_frame *f,
		const struct md5pool_seg *seg, const struct sk_buff *skb,
		unsigned int header_len, const u8 *key, unsigned int keylen,
		u8 *digest)
{
	struct md5pool_ctx *c;
	int err;

	c = ops->get(f);
	if (!c)
		return -ENOMEM;	/* the pool was never allocated */
	err = md5pool_hash_headers(c, seg);
	if (!err && skb)
		err = md5pool_hash_skb_data(c, skb, header_len);
	else if (!err)
		err = md5pool_hash_update(c, seg->payload, seg->payload_len);
	if (!err)
		err = md5pool_hash_key(c, key, keylen);
	if (!err)
		err = md5pool_hash_final(c, digest);
	ops->put(f);
	return err;
}

/**
 * md5pool_sign_seg() - RFC 2385 signature of a segment, linear payload
 * @ops: the pool variant to sign through
 * @seg: a segment from md5pool_parse_packet()
 * @key: the key
 * @keylen: its length, at most MD5POOL_MAXKEYLEN
 * @digest: MD5POOL_DIGEST_LEN bytes of output
 *
 * Context: any context where BH may be disabled; @ops must be held.
 * Return: 0, -ENOMEM when the variant has no pool, or the crypto errno.
 */
int md5pool_sign_seg(const struct md5pool_ops *ops,
		     const struct md5pool_seg *seg, const u8 *key,
		     unsigned int keylen, u8 *digest)
{
	if (ops->on_stack) {
		struct md5pool_frame f;

		return md5pool_sign_in(ops, &f, seg, NULL, 0, key, keylen,
				       digest);
	}
	return md5pool_sign_in(ops, NULL, seg, NULL, 0, key, keylen, digest);
}

RCUNET_EXPORT_FOR_TESTS(md5pool_sign_seg);

/**
 * md5pool_sign_seg_skb() - RFC 2385 signature, payload taken from an skb
 * @ops: the pool variant to sign through
 * @seg: a segment from md5pool_parse_packet() (addresses, TCP header)
 * @skb: holds the payload after @header_len bytes (linear, frags,
 *	frag_list: the paged path the TCP stack signs)
 * @header_len: bytes of @skb before the payload
 * @key: the key
 * @keylen: its length, at most MD5POOL_MAXKEYLEN
 * @digest: MD5POOL_DIGEST_LEN bytes of output
 *
 * Context: any context where BH may be disabled; @ops must be held.
 * Return: 0, -ENOMEM when the variant has no pool, or the crypto errno.
 */
int md5pool_sign_seg_skb(const struct md5pool_ops *ops,
			 const struct md5pool_seg *seg,
			 const struct sk_buff *skb, unsigned int header_len,
			 const u8 *key, unsigned int keylen, u8 *digest)
{
	if (ops->on_stack) {
		struct md5pool_frame f;

		return md5pool_sign_in(ops, &f, seg, skb, header_len, key,
				       keylen, digest);
	}
	return md5pool_sign_in(ops, NULL, seg, skb, header_len, key, keylen,
			       digest);
}

RCUNET_EXPORT_FOR_TESTS(md5pool_sign_seg_skb);

/* Room in front of the TCP header for an IP header (kernel peer needs it). */
#define MD5POOL_SKB_HEADROOM	(MAX_HEADER + sizeof(struct ipv6hdr))

/**
 * md5pool_seg_to_skb() - copy a segment into a new paged skb
 * @seg: a segment from md5pool_parse_packet()
 * @linear_payload: payload bytes kept in the linear part; the rest goes
 *	to page frags
 *
 * skb->data is the TCP header; an IP header with the segment's addresses
 * sits in front of it (ip_hdr()/ipv6_hdr() work).
 *
 * Context: process context, may sleep.
 * Return: the skb (free with kfree_skb()), or NULL when out of memory or
 * the payload needs more than MAX_SKB_FRAGS pages.
 */
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

RCUNET_EXPORT_FOR_TESTS(md5pool_seg_to_skb);

/*
 * The peer: the running kernel's own TCP-MD5 code on the same segment,
 * whichever form this kernel has (compat/probe decides):
 *
 * - the pre-6.7 pool (RCUNET_HAVE_TCP_MD5SIG_POOL): tcp_alloc_md5sig_pool()
 *   builds it, and the exported tcp_v4_md5_hash_skb() signs the skb with
 *   it, addresses from ip_hdr() when no socket is given. The kernel never
 *   frees that pool.
 * - tcp_sigpool (RCUNET_HAVE_TCP_SIGPOOL, 6.7+): tcp_v4_md5_hash_skb() is
 *   no longer exported, and the pool it uses (tcp_md5_sigpool_id) only
 *   exists once a socket got a key. So the peer takes a reference on the
 *   kernel's "md5" sigpool itself (tcp_sigpool_alloc_ahash() shares one
 *   pool per algorithm: the one TCP-MD5 signs with) and repeats the steps
 *   of tcp_v4_md5_hash_skb() around the kernel's exported pieces:
 *   tcp_sigpool_start()/end() (BH off, this CPU's ahash request and
 *   scratch) and tcp_sigpool_hash_skb_data() (the skb walk). Only the
 *   pseudo-header, TCP header and key updates, static in the kernel, are
 *   ours. The reference is kept until module exit, as the old pool was
 *   never freed: a signature then costs what the kernel's costs.
 * - neither: -EOPNOTSUPP.
 */
#if defined(RCUNET_HAVE_TCP_SIGPOOL)

static DEFINE_MUTEX(md5pool_kpeer_mutex);
static int md5pool_kpeer_id = -1;	/* our sigpool reference, or -1 */

int md5pool_kpeer_prepare(void)
{
	int id;

	mutex_lock(&md5pool_kpeer_mutex);
	id = md5pool_kpeer_id;
	if (id < 0) {
		/* the header block goes in the scratch (not the stack) */
		id = tcp_sigpool_alloc_ahash("md5",
					     sizeof(struct md5pool_ahash_hdr));
		/* published once; signers read it after their own prepare */
		if (id >= 0)
			WRITE_ONCE(md5pool_kpeer_id, id);
	}
	mutex_unlock(&md5pool_kpeer_mutex);
	if (id < 0)
		return id;	/* the errno of the failed allocation */
	return 0;
}

void md5pool_kpeer_exit(void)
{
	if (md5pool_kpeer_id >= 0)
		tcp_sigpool_release(md5pool_kpeer_id);
	md5pool_kpeer_id = -1;
}

int md5pool_kpeer_sign4(const struct tcp_md5sig_key *key,
			const struct sk_buff *skb, u8 *digest)
{
	const struct tcphdr *th = tcp_hdr(skb);
	struct tcp_sigpool hp;
	int err;

	err = tcp_sigpool_start(READ_ONCE(md5pool_kpeer_id), &hp);
	if (err)
		return err;
	md5pool_ahash_hdr4(hp.scratch, skb);
	err = crypto_ahash_init(hp.req);
	if (!err)
		err = md5pool_ahash_update(hp.req, hp.scratch,
					   sizeof(struct md5pool_ahash_hdr));
	if (!err)
		err = tcp_sigpool_hash_skb_data(&hp, skb, th->doff << 2);
	/* the key lives in the heap (kmalloc'd tcp_md5sig_key) */
	if (!err)
		err = md5pool_ahash_update(hp.req, key->key, key->keylen);
	if (!err) {
		ahash_request_set_crypt(hp.req, NULL, digest, 0);
		err = crypto_ahash_final(hp.req);
	}
	tcp_sigpool_end(&hp);
	return err ? -EIO : 0;
}

#elif defined(RCUNET_HAVE_TCP_MD5SIG_POOL)

int md5pool_kpeer_prepare(void)
{
	return tcp_alloc_md5sig_pool() ? 0 : -ENOMEM;
}

void md5pool_kpeer_exit(void)
{
}

int md5pool_kpeer_sign4(const struct tcp_md5sig_key *key,
			const struct sk_buff *skb, u8 *digest)
{
	return tcp_v4_md5_hash_skb((char *)digest, key, NULL, skb) ? -EIO : 0;
}

#else

int md5pool_kpeer_prepare(void)
{
	return -EOPNOTSUPP;
}

void md5pool_kpeer_exit(void)
{
}

int md5pool_kpeer_sign4(const struct tcp_md5sig_key *key,
			const struct sk_buff *skb, u8 *digest)
{
	return -EOPNOTSUPP;
}

#endif

/**
 * md5pool_kernel_sign4() - the running kernel's own TCP-MD5 signature
 * @seg: an IPv4 segment from md5pool_parse_packet()
 * @key: the key
 * @keylen: its length, at most TCP_MD5SIG_MAXKEYLEN
 * @digest: MD5POOL_DIGEST_LEN bytes of output
 *
 * tcp_v4_md5_hash_skb() on a kernel that exports it, else its steps
 * around the kernel's tcp_sigpool (6.7+); see md5pool_kpeer_prepare().
 *
 * Context: process context, may sleep.
 * Return: 0; -EAFNOSUPPORT for IPv6 or a too long key; -EOPNOTSUPP on a
 * kernel with neither form; -ENOMEM; -EIO when the kernel's hash failed.
 */
int md5pool_kernel_sign4(const struct md5pool_seg *seg, const u8 *key,
			 unsigned int keylen, u8 *digest)
{
	struct tcp_md5sig_key *k;
	struct sk_buff *skb;
	int err;

	if (seg->family != AF_INET || keylen > TCP_MD5SIG_MAXKEYLEN)
		return -EAFNOSUPPORT;
	err = md5pool_kpeer_prepare();
	if (err)
		return err;
	k = kzalloc(sizeof(*k), GFP_KERNEL);
	skb = md5pool_seg_to_skb(seg, seg->payload_len);
	if (!k || !skb) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(k->key, key, keylen);
	k->keylen = keylen;
	k->family = AF_INET;
	err = md5pool_kpeer_sign4(k, skb, digest);
out:
	kfree_skb(skb);
	kfree_sensitive(k);
	return err;
}

RCUNET_EXPORT_FOR_TESTS(md5pool_kernel_sign4);
