// SPDX-License-Identifier: GPL-2.0
/*
 * rcunet compat probe TCP_SIGPOOL: the kernel's TCP signing pool of
 * 6.7+ (per-CPU ahash requests shared by TCP-MD5 and TCP-AO), with every
 * call md5pool's kernel peer makes. compat/probe also requires each
 * symbol to be exported: CONFIG_TCP_SIGPOOL may be off although the
 * header declares the API.
 */
#include <linux/module.h>
#include <linux/skbuff.h>
#include <crypto/hash.h>
#include <net/tcp.h>

int rcunet_probe_tcp_sigpool(const struct sk_buff *skb);
int rcunet_probe_tcp_sigpool(const struct sk_buff *skb)
{
	struct tcp_sigpool hp;
	int id, err;

	id = tcp_sigpool_alloc_ahash("md5", sizeof(union tcp_md5sum_block));
	if (id < 0)
		return id;
	err = tcp_sigpool_start(id, &hp);
	if (!err) {
		err = crypto_ahash_init(hp.req);
		if (!err)
			err = tcp_sigpool_hash_skb_data(&hp, skb, 0);
		memset(hp.scratch, 0, sizeof(union tcp_md5sum_block));
		tcp_sigpool_end(&hp);
	}
	tcp_sigpool_release(id);
	return err;
}

MODULE_LICENSE("GPL");
