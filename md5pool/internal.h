/* SPDX-License-Identifier: GPL-2.0 */
/* md5pool: what the module's own files share (not exported). */
#ifndef _MD5POOL_INTERNAL_H
#define _MD5POOL_INTERNAL_H

#include "md5pool.h"

struct proc_dir_entry;
struct sk_buff;
struct tcp_md5sig_key;

struct md5pool_pool *md5pool_pool_new(void);
void md5pool_pool_delete(struct md5pool_pool *pool);
const char *md5pool_legacy_lock_name(struct md5pool_legacy *lg);

/*
 * The kernel peer (sign.c): the running kernel's own TCP-MD5 signing.
 * prepare may sleep and must have returned 0 before sign4 is called;
 * -EOPNOTSUPP when this kernel has no TCP-MD5 pool a module can use.
 * sign4 signs @skb (data: the TCP header; ip_hdr() set) with @key, a
 * kmalloc'd key; any context where BH may be disabled.
 */
int md5pool_kpeer_prepare(void);
int md5pool_kpeer_sign4(const struct tcp_md5sig_key *key,
			const struct sk_buff *skb, u8 *digest);
void md5pool_kpeer_exit(void);

int md5pool_bench_init(struct proc_dir_entry *dir);
void md5pool_bench_exit(void);

#endif /* _MD5POOL_INTERNAL_H */
