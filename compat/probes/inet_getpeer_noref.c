// SPDX-License-Identifier: GPL-2.0
/*
 * rcunet compat probe INET_GETPEER_NOREF: inet_getpeer(base, daddr) with
 * no create argument. The same change ("inetpeer: do not get a refcount
 * in inet_getpeer()", 6.13, backported to 6.1.y and 6.12.y) made it
 * create on a miss, take no reference and require rcu_read_lock(): the
 * prototype is the only trace of the new contract a compiler can see.
 * The older inet_getpeer(base, daddr, create) fails to compile here (too
 * few arguments), and any other type change is a warning, an error in a
 * probe.
 */
#include <linux/module.h>
#include <net/inetpeer.h>

struct inet_peer *rcunet_probe_inet_getpeer(struct inet_peer_base *base,
					    const struct inetpeer_addr *a);
struct inet_peer *rcunet_probe_inet_getpeer(struct inet_peer_base *base,
					    const struct inetpeer_addr *a)
{
	struct inet_peer *p;

	inet_peer_base_init(base);
	rcu_read_lock();
	p = inet_getpeer(base, a);
	rcu_read_unlock();
	inetpeer_invalidate_tree(base);
	return p;
}

MODULE_LICENSE("GPL");
