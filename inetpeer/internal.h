/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcunet inetpeer: declarations shared by the module's own files only
 * (core.c, legacy.c, procfs.c, bench.c). Nothing here is exported.
 */
#ifndef _RCUNET_INETPEER_INTERNAL_H
#define _RCUNET_INETPEER_INTERNAL_H

#include "inetpeer.h"

/* Poisoned into a freed node's key: a reader that sees it saw a freed node. */
#define IPEER_FREED_FAMILY	0xdeadU

/*
 * The variants: legacy.c (the locked original), core.c (lockless, AVL) and
 * seqlock.c (lockless, red-black tree under a seqlock: the next stage).
 */
extern const struct ipeer_ops ipeer_rcu_ops;
extern const struct ipeer_ops ipeer_rwlock_ops;
extern const struct ipeer_ops ipeer_seqlock_ops;

/* The checker's state (ipeer_check()), shared by the trees' checkers. */
struct ipeer_check_ctx {
	struct ipeer_base *b;
	int count;
	char *why;
	size_t len;
};

int ipeer_check_node(struct ipeer_check_ctx *c, struct ipeer_node *p,
		     const struct ipeer_key *lo, const struct ipeer_key *hi);

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
/* the AVL tree's ->root(), ->child(), ->check_tree(), ->height(), ->free_all() */
struct ipeer_node *ipeer_avl_root(struct ipeer_base *b);
struct ipeer_node *ipeer_avl_child(struct ipeer_base *b, struct ipeer_node *p,
				   bool right);
int ipeer_avl_check_tree(struct ipeer_check_ctx *c);
int ipeer_avl_height(struct ipeer_base *b);
void ipeer_avl_free_all(struct ipeer_base *b);
int ipeer_unlink_done(struct ipeer_base *b, struct ipeer_node *p, int ret);
void ipeer_revived(struct ipeer_base *b, struct ipeer_node *p);
void ipeer_free_rcu(struct ipeer_node *p);
void ipeer_maybe_gc(struct ipeer_base *b);
struct ipeer_node *ipeer_node_alloc(struct ipeer_base *b,
				    const struct ipeer_key *key, gfp_t gfp);
void ipeer_node_inserted(struct ipeer_base *b);

/* The no-reference lookups, called directly by the bench. */
struct ipeer_node *ipeer_rcu_lookup_noref(struct ipeer_base *b,
					  const struct ipeer_key *key);
struct ipeer_node *ipeer_seq_lookup_noref(struct ipeer_base *b,
					  const struct ipeer_key *key);

/* procfs.c: parameters, the control file's cache and its files */
struct proc_dir_entry *ipeer_proc_init(void);
void ipeer_proc_exit(void);

/* bench.c */
int ipeer_bench_init(struct proc_dir_entry *dir);
void ipeer_bench_exit(void);

#endif /* _RCUNET_INETPEER_INTERNAL_H */
