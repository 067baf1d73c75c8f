// SPDX-License-Identifier: GPL-2.0
/*
 * rcunet compat probe NETDEV_HOLD: the tracked device reference API,
 * netdev_hold()/netdev_put() (6.0; dev_hold_track() before). Without
 * CONFIG_NET_DEV_REFCNT_TRACKER the tracker is an empty struct and the
 * pair is dev_hold()/dev_put().
 */
#include <linux/module.h>
#include <linux/netdevice.h>

void rcunet_probe_netdev_hold(struct net_device *dev);
void rcunet_probe_netdev_hold(struct net_device *dev)
{
	netdevice_tracker tracker;

	netdev_hold(dev, &tracker, GFP_ATOMIC);
	netdev_put(dev, &tracker);
}

MODULE_LICENSE("GPL");
