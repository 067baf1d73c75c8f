// SPDX-License-Identifier: GPL-2.0
/*
 * rcunet compat probe TCP_MD5SIG_POOL: the pre-6.7 TCP-MD5 pool
 * (tcp_alloc_md5sig_pool()) and an exported tcp_v4_md5_hash_skb() that
 * signs an skb with it. 6.7 replaced the pool by tcp_sigpool, and 6.12
 * no longer exports tcp_v4_md5_hash_skb().
 */
#include <linux/module.h>
#include <linux/skbuff.h>
#include <net/tcp.h>

int rcunet_probe_tcp_md5sig_pool(char *digest,
				 const struct tcp_md5sig_key *key,
				 const struct sk_buff *skb);
int rcunet_probe_tcp_md5sig_pool(char *digest,
				 const struct tcp_md5sig_key *key,
				 const struct sk_buff *skb)
{
	if (!tcp_alloc_md5sig_pool())
		return -ENOMEM;
	return tcp_v4_md5_hash_skb(digest, key, NULL, skb);
}

MODULE_LICENSE("GPL");
