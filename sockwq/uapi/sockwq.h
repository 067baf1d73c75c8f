/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * sockwq user-space interface: /dev/sockwq, /dev/sockwq-rcu,
 * /dev/sockwq-legacy, /dev/sockwq-embedded.
 *
 * Every open() of one of them is one endpoint with a bounded receive queue
 * of whole messages. A fresh endpoint is a loopback: write() queues one
 * message into its own receive queue, read() returns one whole message, in
 * order. SOCKWQ_IOC_PAIR joins two endpoints so that each write()s into the
 * other's queue. poll/select/epoll and O_ASYNC (SIGIO) work as on a socket.
 *
 * Errors: write() of more than SOCKWQ_MSG_MAX bytes: EMSGSIZE; of 0 bytes:
 * EINVAL; into a full queue with O_NONBLOCK: EAGAIN; to a closed peer:
 * EPIPE. read() into a buffer smaller than the next message: EMSGSIZE (the
 * message stays queued); into a bad buffer: EFAULT (the message stays
 * queued); on an empty queue with O_NONBLOCK: EAGAIN.
 */
#ifndef _UAPI_SOCKWQ_H
#define _UAPI_SOCKWQ_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* Largest message write() accepts, in bytes. */
#define SOCKWQ_MSG_MAX		4096
/* Messages a receive queue holds before writers block (or get EAGAIN). */
#define SOCKWQ_RXQ_MAX		256

/* How an endpoint's wakeup callbacks reach its wait queue. */
#define SOCKWQ_MODE_RCU		0	/* rcu_read_lock + wq_has_sleeper */
#define SOCKWQ_MODE_LEGACY	1	/* read_lock(&callback_lock) */
/*
 * As RCU, but the wait queue lives inside the endpoint and goes with it
 * after a grace period. Where the wait queue lives is fixed when the
 * endpoint is opened: /dev/sockwq-MODE opens one in MODE, /dev/sockwq one
 * in the control file's default "mode" (read at that open() only; a later
 * change leaves open endpoints alone). SOCKWQ_IOC_SET_MODE switches the
 * wakeup callbacks only.
 */
#define SOCKWQ_MODE_EMBEDDED	2

/* Payload of a message injected by the in-kernel producers. */
#define SOCKWQ_KMSG_MAGIC	0x4b4d5347u	/* "KMSG" */
struct sockwq_kmsg {
	__u32 magic;		/* SOCKWQ_KMSG_MAGIC */
	__u32 cpu;		/* producer's CPU */
	__u64 seq;		/* 1, 2, 3, ... per receiving endpoint */
};

struct sockwq_info {
	__u32 id;		/* endpoint id, for the "targets" command */
	__u32 mode;		/* SOCKWQ_MODE_* */
	__u32 rx_len;		/* messages queued now */
	__u32 rx_max;		/* queue bound */
	__u64 rx_queued;	/* messages ever queued (user + kernel) */
	__u64 rx_read;		/* messages ever read */
	__u64 kernel_queued;	/* messages queued by kernel producers */
	__u64 kernel_dropped;	/* kernel messages dropped: queue full */
};

#define SOCKWQ_IOC_MAGIC	'q'
/* Pair with another /dev/sockwq fd (int): EBADF, EINVAL (not sockwq, self), EISCONN. */
#define SOCKWQ_IOC_PAIR		_IOW(SOCKWQ_IOC_MAGIC, 1, int)
/* Set the wakeup mode (__u32 SOCKWQ_MODE_*): EINVAL on an unknown mode. */
#define SOCKWQ_IOC_SET_MODE	_IOW(SOCKWQ_IOC_MAGIC, 2, __u32)
/* Read struct sockwq_info. */
#define SOCKWQ_IOC_GET_INFO	_IOR(SOCKWQ_IOC_MAGIC, 3, struct sockwq_info)

#endif /* _UAPI_SOCKWQ_H */
