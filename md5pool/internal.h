/* SPDX-License-Identifier: GPL-2.0 */
/* md5pool: what the module's own files share (not exported). */
#ifndef _MD5POOL_INTERNAL_H
#define _MD5POOL_INTERNAL_H

#include "md5pool.h"

struct proc_dir_entry;

struct md5pool_pool *md5pool_pool_new(void);
void md5pool_pool_delete(struct md5pool_pool *pool);
const char *md5pool_legacy_lock_name(struct md5pool_legacy *lg);

int md5pool_bench_init(struct proc_dir_entry *dir);
void md5pool_bench_exit(void);

#endif /* _MD5POOL_INTERNAL_H */
