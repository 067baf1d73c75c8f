// SPDX-License-Identifier: GPL-2.0
/*
 * sockwq character device /dev/sockwq: one endpoint per open file, in the
 * default mode (/dev/sockwq-MODE: in that mode).
 *
 * The file side (struct swq_file, ~ struct socket) owns the swq_wq; the
 * endpoint (struct swq_sock, ~ struct sock) points at it through the
 * __rcu sk->wq while the file is open. release() orphans the endpoint and
 * frees the swq_wq after a grace period: kernel producers may be inside
 * ->data_ready() on this endpoint at that very moment. An endpoint opened
 * in the embedded mode carries its swq_wq inside; release() then frees no
 * wait queue, the endpoint's own RCU-delayed free takes it along.
 *
 * Who wakes whom:
 *  - a message queued into S's receive queue: S->data_ready (readers of S)
 *  - a message read from S: S->write_space (a loopback S writes into
 *    itself) and the peer's ->write_space (a paired peer writes into S)
 *  - close of S: the peer's ->state_change (its writes now fail, EPIPE)
 *  - SOCKWQ_IOC_PAIR of S and T: ->state_change of both (see swq_ioc_pair())
 */
#define pr_fmt(fmt) "sockwq: " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/poll.h>
#include <linux/uaccess.h>
#include <linux/file.h>
#include <linux/mutex.h>
#include "../common/compat.h"
#include "sockwq.h"
#include "internal.h"

struct swq_file {
	struct swq_sock *sk;
	struct swq_wq *wq;	/* owned; grafted on sk while open */
	/*
	 * Paired endpoint (holds a reference) or NULL: writes go into its
	 * queue. Set once under swq_pair_mutex, read with smp_load_acquire().
	 */
	struct swq_sock *peer;
	/*
	 * One reader dequeues at a time. Never held while sleeping for data
	 * (as a socket's receive path drops its lock before it waits), so
	 * an O_NONBLOCK reader never waits behind a blocked reader.
	 */
	struct mutex read_mutex;
	struct mutex fasync_mutex;	/* fasync_helper() + SWQ_SOCK_FASYNC */
};

static DEFINE_MUTEX(swq_pair_mutex);
static const struct file_operations swq_fops;

/*
 * Testing only (tests/blocking.sh, swq_stress pollpair): sleep this long
 * at the start of ->poll(), before the poller is on the wait queue, so a
 * SOCKWQ_IOC_PAIR can land in that window.
 */
static unsigned int poll_delay_us;
module_param(poll_delay_us, uint, 0644);
MODULE_PARM_DESC(poll_delay_us, "testing: delay at the start of poll() (us)");

/*
 * Every read/write/ioctl result goes through here: a call that failed
 * counts in the stats file's "errors:", except flow control (EAGAIN on a
 * non-blocking file) and a signal, which are how those calls work.
 */
static long swq_dev_result(long ret)
{
	if (ret < 0 && ret != -EAGAIN && ret != -ERESTARTSYS)
		swq_count_error();
	return ret;
}

/*
 * /dev/sockwq opens an endpoint in the control file's default mode;
 * /dev/sockwq-rcu, -legacy and -embedded each in their own mode. A test
 * that needs a given mode opens that node: choosing it through the global
 * default would change what a concurrent opener of /dev/sockwq gets.
 */
struct swq_dev {
	struct miscdevice misc;
	int mode;		/* SOCKWQ_MODE_*, or -1: the default mode */
};

static int swq_dev_open(struct inode *inode, struct file *file)
{
	/* misc_open() left our miscdevice in private_data */
	struct swq_dev *dev = container_of(file->private_data, struct swq_dev,
					   misc);
	struct swq_file *sf;
	u32 mode;

	mode = dev->mode < 0 ? READ_ONCE(swq_default_mode) : dev->mode;
	sf = kzalloc(sizeof(*sf), GFP_KERNEL);
	if (!sf)
		return -ENOMEM;
	sf->sk = swq_sock_alloc(mode, SOCKWQ_RXQ_MAX);
	if (IS_ERR(sf->sk))
		goto fail;
	/* the embedded mode's is inside sf->sk, the others' a new one */
	sf->wq = swq_sock_new_wq(sf->sk, GFP_KERNEL);
	if (!sf->wq)
		goto fail_sk;
	mutex_init(&sf->read_mutex);
	mutex_init(&sf->fasync_mutex);
	swq_sock_graft(sf->sk, sf->wq);
	file->private_data = sf;
	return stream_open(inode, file);

fail_sk:
	/* never grafted, never looked up by anyone but a producer: just put */
	swq_sock_put(sf->sk);
fail:
	kfree(sf);
	return -ENOMEM;
}

static int swq_dev_release(struct inode *inode, struct file *file)
{
	struct swq_file *sf = file->private_data;
	/* pairs with smp_store_release() in swq_ioc_pair() */
	struct swq_sock *peer = smp_load_acquire(&sf->peer);
	bool deferred;

	/*
	 * fput() already dropped epoll entries and our fasync entry; no task
	 * of ours sleeps on sf->wq. Producers may still call ->data_ready().
	 */
	deferred = swq_sock_orphan(sf->sk);
	swq_wq_release(sf->wq, deferred);
	if (peer) {
		/* its writers wait for space in our queue: tell them EPIPE */
		swq_state_change(peer);
		swq_count_op();
		swq_sock_put(peer);
	}
	swq_sock_purge(sf->sk);
	swq_sock_put(sf->sk);
	mutex_destroy(&sf->fasync_mutex);
	mutex_destroy(&sf->read_mutex);
	kfree(sf);
	return 0;
}

static struct swq_sock *swq_target(struct swq_file *sf)
{
	/* pairs with smp_store_release() in swq_ioc_pair() */
	struct swq_sock *peer = smp_load_acquire(&sf->peer);

	return peer ? peer : sf->sk;
}

static ssize_t swq_dev_write_one(struct file *file, const char __user *buf,
				 size_t len)
{
	struct swq_file *sf = file->private_data;
	struct swq_sock *target;
	struct swq_msg *msg;
	int err;

	if (len > SOCKWQ_MSG_MAX)
		return -EMSGSIZE;
	if (!len)
		return -EINVAL;
	msg = kmalloc(sizeof(*msg) + len, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	msg->len = len;
	if (copy_from_user(msg->data, buf, len)) {
		kfree(msg);
		return -EFAULT;
	}
	/*
	 * No lock is held while we sleep; a concurrent O_NONBLOCK writer
	 * never waits behind us.
	 */
	for (;;) {
		/*
		 * Re-read the target on every pass: a loopback endpoint may
		 * be paired while we sleep, and from then on its reader wakes
		 * the peer, not us, when it makes room in our own queue. The
		 * message then goes to the new peer, like any write that
		 * completes after the pair.
		 */
		target = swq_target(sf);
		err = swq_sock_queue(target, msg);
		if (err != -EAGAIN || (file->f_flags & O_NONBLOCK))
			break;
		/*
		 * Full: sleep on our own wait queue; the reader of @target
		 * calls our ->write_space after dequeuing, and a pair calls
		 * our ->state_change after publishing sf->peer. The barrier
		 * in either callback's has-sleeper check pairs with
		 * set_current_state() in here: either the callback sees us
		 * queued, or we see the room / the new peer.
		 */
		err = wait_event_interruptible(sf->wq->wait,
					       swq_target(sf) != target ||
					       swq_sock_writable(target) ||
					       READ_ONCE(target->dead));
		if (err)
			break;
	}
	if (err) {
		kfree(msg);
		return err;
	}
	swq_data_ready(target);
	swq_count_op();
	return len;
}

static ssize_t swq_dev_write(struct file *file, const char __user *buf,
			     size_t len, loff_t *ppos)
{
	return swq_dev_result(swq_dev_write_one(file, buf, len));
}

/* Take the head message if it fits @len; the caller holds read_mutex. */
static struct swq_msg *swq_peek(struct swq_sock *sk)
{
	struct swq_msg *msg;

	spin_lock(&sk->rx_lock);
	msg = list_first_entry_or_null(&sk->rx_queue, struct swq_msg, node);
	spin_unlock(&sk->rx_lock);
	return msg;
}

static ssize_t swq_dev_read_one(struct file *file, char __user *buf,
				size_t len)
{
	struct swq_file *sf = file->private_data;
	struct swq_sock *sk = sf->sk, *peer;
	struct swq_msg *msg;
	ssize_t ret;

	for (;;) {
		/*
		 * Held only while we look at and copy out the head message
		 * (never across a sleep), so an O_NONBLOCK reader waits here
		 * at most for another reader's copy_to_user().
		 */
		if (mutex_lock_interruptible(&sf->read_mutex))
			return -ERESTARTSYS;
		/* only read_mutex holders dequeue: the head stays ours */
		msg = swq_peek(sk);
		if (msg)
			break;
		mutex_unlock(&sf->read_mutex);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		/*
		 * set_current_state() inside pairs with the barrier in the
		 * has-sleeper check of ->data_ready: a producer that queued
		 * before our check either is seen by it or sees us on the
		 * queue. Another reader may take the message first: then we
		 * find the queue empty again and come back here.
		 */
		ret = wait_event_interruptible(sf->wq->wait,
					       swq_sock_readable(sk));
		if (ret)
			return ret;
	}
	if (len < msg->len) {
		ret = -EMSGSIZE;
		goto out;
	}
	if (copy_to_user(buf, msg->data, msg->len)) {
		ret = -EFAULT;	/* the message stays queued */
		goto out;
	}
	ret = msg->len;
	spin_lock(&sk->rx_lock);
	list_del(&msg->node);
	WRITE_ONCE(sk->rx_len, sk->rx_len - 1);
	spin_unlock(&sk->rx_lock);
	kfree(msg);
	atomic64_inc(&sk->rx_read);
	/* room in our queue: wake who writes into it (acquire: see pair) */
	peer = smp_load_acquire(&sf->peer);
	swq_write_space(peer ? peer : sk);
	swq_count_op();
out:
	mutex_unlock(&sf->read_mutex);
	return ret;
}

static ssize_t swq_dev_read(struct file *file, char __user *buf, size_t len,
			    loff_t *ppos)
{
	return swq_dev_result(swq_dev_read_one(file, buf, len));
}

static __poll_t swq_dev_poll(struct file *file, poll_table *pt)
{
	struct swq_file *sf = file->private_data;
	struct swq_sock *target;
	__poll_t mask = 0;

	if (READ_ONCE(poll_delay_us))
		fsleep(READ_ONCE(poll_delay_us));
	swq_poll_wait(file, sf->wq, pt);
	/*
	 * Load the target only now that we are on the wait queue: a
	 * SOCKWQ_IOC_PAIR that ran before then found no sleeper to wake, so
	 * we must see its new peer. swq_poll_wait()'s smp_mb() pairs with
	 * the barrier in the has-sleeper check of the pair's ->state_change:
	 * either it sees us queued and wakes us to poll again, or we see
	 * sf->peer here (POLLOUT then means room at the peer).
	 */
	target = swq_target(sf);
	if (swq_sock_readable(sf->sk))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(target->dead))
		mask |= EPOLLOUT | EPOLLERR;
	else if (swq_sock_writable(target))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static int swq_dev_fasync(int fd, struct file *file, int on)
{
	struct swq_file *sf = file->private_data;
	int err;

	/*
	 * As sock_fasync(): the flag follows the list, so wakers skip
	 * kill_fasync() while nobody asked for SIGIO. The mutex keeps two
	 * concurrent fcntl(F_SETFL) calls from leaving a stale flag.
	 */
	mutex_lock(&sf->fasync_mutex);
	err = fasync_helper(fd, file, on, &sf->wq->fasync_list);
	if (READ_ONCE(sf->wq->fasync_list))
		set_bit(SWQ_SOCK_FASYNC, &sf->sk->flags);
	else
		clear_bit(SWQ_SOCK_FASYNC, &sf->sk->flags);
	mutex_unlock(&sf->fasync_mutex);
	return err;
}

static long swq_ioc_pair(struct swq_file *sf, int fd)
{
	struct swq_file *other;
	struct fd f;
	long err = 0;

	f = fdget(fd);
	if (!fd_file(f))
		return -EBADF;
	if (fd_file(f)->f_op != &swq_fops) {
		err = -EINVAL;
		goto out;
	}
	other = fd_file(f)->private_data;
	if (other == sf) {
		err = -EINVAL;
		goto out;
	}
	mutex_lock(&swq_pair_mutex);
	if (sf->peer || other->peer) {
		err = -EISCONN;
	} else {
		/* each holds a reference on the other until its own close */
		swq_sock_hold(other->sk);
		swq_sock_hold(sf->sk);
		/* release: the reference is taken before the pointer shows */
		smp_store_release(&sf->peer, other->sk);
		/* release: as above, for the other side */
		smp_store_release(&other->peer, sf->sk);
	}
	mutex_unlock(&swq_pair_mutex);
	if (!err) {
		/*
		 * Pairing while a writer of either side sleeps for room in
		 * its own (loopback) queue: from now on that queue's reader
		 * wakes the peer instead, so the writer would sleep until a
		 * signal. Wake everyone on both sides instead: writers re-read
		 * their target (swq_dev_write()), pollers re-poll (POLLOUT now
		 * means room at the peer). The barrier in the has-sleeper
		 * check orders the sf->peer stores above before the
		 * waitqueue_active() load; it pairs with set_current_state()
		 * in the writer's wait_event_interruptible().
		 * (The alternative, -EBUSY while a writer sleeps, would need
		 * a count of sleeping writers kept in step with the target.)
		 */
		swq_state_change(sf->sk);
		swq_state_change(other->sk);
		swq_count_op();
		swq_count_op();
	}
out:
	fdput(f);
	return err;
}

static long swq_dev_ioctl_one(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	struct swq_file *sf = file->private_data;
	void __user *uarg = (void __user *)arg;
	struct sockwq_info info;
	struct swq_sock *sk = sf->sk;
	int fd;
	u32 mode;

	switch (cmd) {
	case SOCKWQ_IOC_PAIR:
		if (get_user(fd, (int __user *)uarg))
			return -EFAULT;
		return swq_ioc_pair(sf, fd);
	case SOCKWQ_IOC_SET_MODE:
		if (get_user(mode, (u32 __user *)uarg))
			return -EFAULT;
		return swq_sock_set_mode(sk, mode);
	case SOCKWQ_IOC_GET_INFO:
		memset(&info, 0, sizeof(info));
		info.id = sk->id;
		/* the index of its current variant: SOCKWQ_MODE_* */
		info.mode = READ_ONCE(sk->ops) - swq_variants;
		info.rx_len = READ_ONCE(sk->rx_len);
		info.rx_max = sk->rx_max;
		info.rx_queued = atomic64_read(&sk->rx_queued);
		info.rx_read = atomic64_read(&sk->rx_read);
		info.kernel_queued = atomic64_read(&sk->kernel_queued);
		info.kernel_dropped = atomic64_read(&sk->kernel_dropped);
		if (copy_to_user(uarg, &info, sizeof(info)))
			return -EFAULT;
		return 0;
	default:
		return -ENOTTY;
	}
}

static long swq_dev_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	return swq_dev_result(swq_dev_ioctl_one(file, cmd, arg));
}

static const struct file_operations swq_fops = {
	.owner		= THIS_MODULE,	/* open fds pin the module: no rmmod */
	.open		= swq_dev_open,
	.release	= swq_dev_release,
	.read		= swq_dev_read,
	.write		= swq_dev_write,
	.poll		= swq_dev_poll,
	.fasync		= swq_dev_fasync,
	.unlocked_ioctl	= swq_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	/* no .llseek: lseek() fails with ESPIPE (6.1's no_llseek was NULL) */
};

#define SWQ_MISC(_name, _mode) {				\
	.misc = {						\
		.minor	= MISC_DYNAMIC_MINOR,			\
		.name	= _name,				\
		.fops	= &swq_fops,				\
		.mode	= 0666,					\
	},							\
	.mode = _mode,						\
}

static struct swq_dev swq_devs[] = {
	SWQ_MISC(SWQ_NAME, -1),
	SWQ_MISC(SWQ_NAME "-rcu", SOCKWQ_MODE_RCU),
	SWQ_MISC(SWQ_NAME "-legacy", SOCKWQ_MODE_LEGACY),
	SWQ_MISC(SWQ_NAME "-embedded", SOCKWQ_MODE_EMBEDDED),
};

int swq_dev_init(void)
{
	int i, err;

	BUILD_BUG_ON(ARRAY_SIZE(swq_devs) != 1 + SWQ_NR_MODES);
	for (i = 0; i < ARRAY_SIZE(swq_devs); i++) {
		err = misc_register(&swq_devs[i].misc);
		if (err)
			goto fail;
	}
	return 0;

fail:
	while (--i >= 0)
		misc_deregister(&swq_devs[i].misc);
	return err;
}

void swq_dev_exit(void)
{
	int i;

	for (i = ARRAY_SIZE(swq_devs) - 1; i >= 0; i--)
		misc_deregister(&swq_devs[i].misc);
}
