/* SPDX-License-Identifier: GPL-2.0 */
/* md5pool: what the module's own files share (not exported). */
#ifndef _MD5POOL_INTERNAL_H
#define _MD5POOL_INTERNAL_H

#include <linux/tcp.h>
#include <net/tcp.h>
#include "md5pool.h"

struct proc_dir_entry;
struct sk_buff;
struct tcp_md5sig_key;

/*
 * The module's pools and variants; outside the module (the tests) reaches
 * them through md5pool_global_domain(), md5pool_legacy_global_pool() and
 * md5pool_{percpu,legacy}_variant().
 */
extern struct md5pool_domain md5pool_global;
extern struct md5pool_legacy md5pool_legacy_global;
extern const struct md5pool_ops md5pool_percpu_ops;
extern const struct md5pool_ops md5pool_legacy_ops;
extern const struct md5pool_ops md5pool_stack_ops;

/*
 * Every pool variant, in the order the control file's help and the tests
 * list them; NULL-terminated.
 */
extern const struct md5pool_ops *const md5pool_all_ops[];

/* stack.c: signatures through the global stack variant, for stats. */
unsigned long md5pool_stack_signed(void);

/* core.c: the pool both variants build (may sleep) and its count. */
struct md5pool_pool *md5pool_pool_new(void);
void md5pool_pool_delete(struct md5pool_pool *pool);
unsigned long md5pool_pool_signed(struct md5pool_pool *pool);

/* legacy.c: what the stats file reports of the legacy pool. */
const char *md5pool_legacy_lock_name(struct md5pool_legacy *lg);
unsigned long md5pool_legacy_signed(struct md5pool_legacy *lg);

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

/*
 * ahash.c: free the ahash pool (module exit). What TCP-MD5 hashes before
 * the payload, contiguous (tcp_v4_md5_hash_headers() writes the TCP header
 * right after the pseudo-header), filled from an IPv4 skb by hdr4; update
 * hashes a buffer in the linear map through a one-entry scatterlist. The
 * 6.7+ kernel peer (sign.c) uses them too.
 */
void md5pool_ahash_exit(void);
struct md5pool_ahash_hdr {
	struct tcp4_pseudohdr ph;
	struct tcphdr th;
};

void md5pool_ahash_hdr4(struct md5pool_ahash_hdr *h, const struct sk_buff *skb);
int md5pool_ahash_update(struct ahash_request *req, const void *buf,
			 unsigned int len);

/*
 * procfs.c: /proc/rcunet/md5pool/ and its files but the bench; returns the
 * directory or an ERR_PTR. The exit removes them and flushes the keys.
 */
struct proc_dir_entry *md5pool_proc_init(void);
void md5pool_proc_exit(void);

/* bench.c: the bench file in @dir. */
int md5pool_bench_init(struct proc_dir_entry *dir);
void md5pool_bench_exit(void);

#endif /* _MD5POOL_INTERNAL_H */
