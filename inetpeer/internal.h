/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcunet inetpeer: declarations shared by the module's own files only
 * (core.c, legacy.c, procfs.c, bench.c). Nothing here is exported.
 */
#ifndef _RCUNET_INETPEER_INTERNAL_H
#define _RCUNET_INETPEER_INTERNAL_H

#include "inetpeer.h"

/* The two variants: core.c (lockless) and legacy.c (locked original). */
extern const struct ipeer_ops ipeer_rcu_ops;
extern const struct ipeer_ops ipeer_rwlock_ops;

/* core.c: the AVL tree and node lifetime, used by both variants */
struct ipeer_node *ipeer_lookup_locked(struct ipeer_base *b,
				       const struct ipeer_key *key,
				       struct ipeer_node __rcu **stack[],
				       unsigned int *depth);
struct ipeer_node *ipeer_link_new(struct ipeer_base *b,
				  const struct ipeer_key *key,
				  struct ipeer_node __rcu **stack[],
				  unsigned int depth, gfp_t gfp);
bool ipeer_unlink_locked(struct ipeer_base *b, struct ipeer_node *p);
void ipeer_unlink_failed(struct ipeer_base *b, struct ipeer_node *p);
void ipeer_revived(struct ipeer_base *b, struct ipeer_node *p);
void ipeer_free_now(struct ipeer_node *p);
void ipeer_maybe_gc(struct ipeer_base *b);

/* procfs.c: parameters, the control file's cache and its files */
struct proc_dir_entry *ipeer_proc_init(void);
void ipeer_proc_exit(void);

/* bench.c */
int ipeer_bench_init(struct proc_dir_entry *dir);
void ipeer_bench_exit(void);

#endif /* _RCUNET_INETPEER_INTERNAL_H */
