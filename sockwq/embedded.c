// SPDX-License-Identifier: GPL-2.0
/*
 * sockwq embedded variant: where mainline went after commit 43815482370c
 * ("net: sock_def_readable() and friends RCU conversion"), the change this
 * module reproduces (core.c, the rcu variant).
 *
 * That change gave every socket a separately allocated struct socket_wq,
 * reached by the wakeup path through the __rcu sk->sk_wq and freed with
 * its own RCU callback, because the struct socket it belonged to was freed
 * at once. In 2019 Al Viro made the socket itself RCU-delayed:
 *   fdb0da89f4ba ("new inode method: ->free_inode()"),
 *   6d7855c54e1e ("sockfs: switch to ->free_inode()"): the socket's inode
 *	(and the socket with it) is freed from an RCU callback,
 * and then, since the only reason for the separate allocation was its
 * RCU-delayed free,
 *   333f7909a857 ("coallocate socket_wq with socket itself"): struct
 *	socket_wq folded into struct socket, one allocation, freed with it.
 * sk->sk_wq stayed an __rcu pointer (a sock can outlive its socket), and
 * the wakeup path did not change at all.
 *
 * Here the object that is already freed after a grace period is the
 * endpoint (struct swq_sock: swq_sock_lookup() finds it by id under RCU),
 * so the embedded variant puts the swq_wq inside it (struct
 * swq_sock_with_wq, allocated by swq_sock_alloc()): one allocation instead
 * of two at open, and at close no wait-queue free at all, neither kfree()
 * nor call_rcu(): swq_sock_put()'s one call_rcu() frees both. The wakeup
 * callbacks are the rcu variant's (rcu_read_lock(), rcu_dereference(sk->wq),
 * swq_wq_has_sleeper()); what they rely on changes: a waker that loaded
 * sk->wq before the orphan now holds a pointer into the endpoint, so the
 * whole endpoint, not only a small side object, must outlive every RCU
 * reader that may hold it. It does: the endpoint's memory is handed back
 * only from swq_sock_free_rcu(), an RCU callback queued after the endpoint
 * was unlisted and unpublished (orphan cleared sk->wq, the last put
 * unlisted it), so every reader that could still see either is done.
 */
#include <linux/slab.h>
#include <linux/wait.h>
#include "../common/rcunet.h"
#include "sockwq.h"
#include "internal.h"

/*
 * Allocate an embedded endpoint (zeroed) with its wait queue ready; the
 * caller (swq_sock_alloc()) initialises the endpoint part. The wait queue
 * counts as a live wait-queue object until the endpoint is freed.
 */
struct swq_sock *swq_embedded_sock_alloc(gfp_t gfp)
{
	struct swq_sock_with_wq *e = kzalloc(sizeof(*e), gfp);

	if (!e)
		return NULL;
	swq_wq_init(&e->wq);
	e->wq.embedded = true;
	e->sk.wq_embedded = true;
	return &e->sk;
}

/*
 * Free an embedded endpoint and the wait queue inside it. Only from
 * swq_sock_free_rcu(): a grace period has passed since the endpoint was
 * unlisted and its sk->wq cleared, so no RCU waker still holds either.
 */
void swq_embedded_sock_free(struct swq_sock *sk)
{
	struct swq_sock_with_wq *e = container_of(sk, struct swq_sock_with_wq,
						  sk);

	/* nobody may sleep on it: the file side let go before the last put */
	WARN_ON_ONCE(waitqueue_active(&e->wq.wait));
	kfree(e);
	swq_wq_count_freed();
}

/**
 * swq_sock_embedded_wq() - the wait-queue object inside an endpoint
 * @sk: the endpoint
 *
 * Context: any context.
 * Return: the swq_wq allocated with @sk if @sk was created in the embedded
 * variant (SOCKWQ_MODE_EMBEDDED), else NULL. It lives as long as @sk.
 */
struct swq_wq *swq_sock_embedded_wq(struct swq_sock *sk)
{
	if (!sk->wq_embedded)
		return NULL;
	return &container_of(sk, struct swq_sock_with_wq, sk)->wq;
}

RCUNET_EXPORT_FOR_TESTS(swq_sock_embedded_wq);

/**
 * swq_sock_new_wq() - the wait-queue object the file side grafts on @sk
 * @sk: a new endpoint (swq_sock_alloc())
 * @gfp: allocation flags, for a separate object
 *
 * An embedded endpoint already has one (swq_sock_embedded_wq()); any other
 * gets a newly allocated one (swq_wq_alloc()), as open() did before commit
 * 333f7909a857. Either way the caller grafts it, and at close passes it to
 * swq_wq_release() with what swq_sock_orphan() returned: that frees a
 * separate object and leaves an embedded one to the endpoint's own free.
 *
 * Context: any context @gfp allows.
 * Return: the object, or NULL if a separate one could not be allocated.
 */
struct swq_wq *swq_sock_new_wq(struct swq_sock *sk, gfp_t gfp)
{
	struct swq_wq *wq = swq_sock_embedded_wq(sk);

	return wq ? wq : swq_wq_alloc(gfp);
}

RCUNET_EXPORT_FOR_TESTS(swq_sock_new_wq);
