// SPDX-License-Identifier: GPL-2.0
/*
 * swq_torture: the user-space half of the sockwq torture (rcunet-torture,
 * torture/sockwq.sh load). Runs random short rounds through /dev/sockwq
 * and /proc/rcunet/sockwq until STOPFILE exists or SIGTERM:
 *
 *   pairwake  a writer asleep on its full loopback queue, the endpoint is
 *             paired (ioctl from either side), one message read from the
 *             old queue: the writer must finish, its message at the peer
 *   pollpair  epoll EPOLLOUT on a full loopback endpoint being added while
 *             the endpoint is paired with an empty one: EPOLLOUT must come
 *             (the setup hook widens the window with poll_delay_us)
 *   stream    pairs (rcu/legacy) with writers (blocking, or O_NONBLOCK +
 *             poll) and readers (poll, epoll LT/ET, blocking read), kernel
 *             producers switched on and off, modes flipped under traffic:
 *             every message exactly once and in order
 *   pingpong  one message in flight, both sides asleep in between
 *   closerace endpoints paired, in epoll, O_ASYNC, targeted by producers,
 *             closed in a scrambled order; a writer asleep on a full peer
 *             must get EPIPE when the peer closes
 *
 * The watchdog: a thread asleep ('S') inside a call on an endpoint whose
 * condition holds (data queued, room at the target, target closed) and
 * without progress for STALL seconds is a lost wakeup. Failures go to
 * FAILFILE (one line each) and stderr; the ops count to OPSFILE. Endpoints
 * are held only for one round (an open fd pins the module): while the
 * module is gone (ENOENT/ENODEV) rounds are counted and skipped.
 *
 *   swq_torture [-s STALL] [-f FAILFILE] [-o OPSFILE] [-x STOPFILE]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include "../uapi/sockwq.h"

#define DEV	"/dev/sockwq"
#define CTL	"/proc/rcunet/sockwq/control"
#define UMAGIC	0x54525355u	/* "USRT" */
#define EMAGIC	0x21444e45u	/* "END!" */

static int stall_s = 5;
static const char *failfile = "/tmp/torture/sockwq.fail";
static const char *opsfile = "/tmp/torture/sockwq.load-ops";
static const char *stopfile = "/tmp/torture/stop";
static volatile sig_atomic_t terminated;
static unsigned long ops, gone, failures;
static __thread unsigned int rnd_state;

static unsigned int rnd(unsigned int below)
{
	return rand_r(&rnd_state) % below;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

static void fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "swq_torture: FAIL: %s\n", line);
	f = fopen(failfile, "a");
	if (f) {
		fprintf(f, "swq_torture: %s\n", line);
		fclose(f);
	}
	/* on the console too, with the kernel's timestamp */
	f = fopen("/dev/kmsg", "w");
	if (f) {
		fprintf(f, "rcunet-torture: FAILURE module=sockwq load: %s\n",
			line);
		fclose(f);
	}
	__atomic_add_fetch(&failures, 1, __ATOMIC_SEQ_CST);
}

static int stopping(void)
{
	return terminated || !access(stopfile, F_OK);
}

static int ctl(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static int ctl(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int fd, n, err = 0;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fd = open(CTL, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, line, n) != n)
		err = -errno;
	close(fd);
	return err;
}

/* The endpoint modes, by SOCKWQ_MODE_* (as the control file names them). */
#define NMODES	3
static const char *const mode_names[NMODES] = {
	[SOCKWQ_MODE_RCU] = "rcu",
	[SOCKWQ_MODE_LEGACY] = "legacy",
	[SOCKWQ_MODE_EMBEDDED] = "embedded",
};

/*
 * An endpoint in @mode, or -1 with errno (ENOENT/ENODEV: module gone).
 * /dev/sockwq-MODE fixes at open() where the wait queue lives (embedded:
 * inside the endpoint) and leaves the control file's default mode, what
 * /dev/sockwq opens, alone for any other opener.
 */
static int ep_open(int mode, int flags)
{
	char path[64];

	snprintf(path, sizeof(path), DEV "-%s", mode_names[mode]);
	return open(path, O_RDWR | flags);
}

static struct sockwq_info ep_info(int fd)
{
	struct sockwq_info info;

	memset(&info, 0, sizeof(info));
	if (ioctl(fd, SOCKWQ_IOC_GET_INFO, &info))
		fail("SOCKWQ_IOC_GET_INFO: %s", strerror(errno));
	return info;
}

static int has_room(int fd)
{
	struct sockwq_info i = ep_info(fd);

	return i.rx_len < i.rx_max;
}

static int has_data(int fd)
{
	return ep_info(fd).rx_len > 0;
}

static void set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

static const char *mname(int mode)
{
	return mode >= 0 && mode < NMODES ? mode_names[mode] : "?";
}

/* The thread's scheduler state ('S': asleep in a call), or 0. */
static char task_state(pid_t tid)
{
	char path[64], line[256], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	p = fgets(line, sizeof(line), f);
	fclose(f);
	p = p ? strrchr(line, ')') : NULL;
	return p && p[1] == ' ' ? p[2] : 0;
}

/*
 * Lost-wakeup watchdog for one thread: asleep with @cond true and no
 * progress since the first such sample. Returns the seconds it has been
 * so when that reaches stall_s, else 0.
 */
struct stallwatch {
	uint64_t since, last;
};

static int stalled(struct stallwatch *w, pid_t tid, int cond,
		   uint64_t progress)
{
	uint64_t t = now_ms();

	if (!tid || !cond || progress != w->last || task_state(tid) != 'S') {
		w->since = 0;
		w->last = progress;
		return 0;
	}
	if (!w->since)
		w->since = t;
	return t - w->since >= stall_s * 1000ull ? (t - w->since) / 1000 : 0;
}

static void on_signal(int sig)
{
	if (sig == SIGTERM)
		terminated = 1;
}

/* ------------------------------------------------------- one blocking call */

struct call {
	int fd, is_read;
	char buf[64];
	size_t len;
	ssize_t ret;
	int err;
	pid_t tid;
	int done;
	pthread_t th;
};

static void *call_fn(void *arg)
{
	struct call *c = arg;
	ssize_t n;

	__atomic_store_n(&c->tid, syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	n = c->is_read ? read(c->fd, c->buf, sizeof(c->buf)) :
			 write(c->fd, c->buf, c->len);
	c->err = n < 0 ? errno : 0;
	c->ret = n;
	__atomic_store_n(&c->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void call_start(struct call *c, int fd, int is_read, const char *data)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->is_read = is_read;
	if (data) {
		c->len = strlen(data);
		memcpy(c->buf, data, c->len);
	}
	if (pthread_create(&c->th, NULL, call_fn, c)) {
		perror("pthread_create");
		exit(2);
	}
}

static int call_done(struct call *c)
{
	return __atomic_load_n(&c->done, __ATOMIC_SEQ_CST);
}

/* Until the call sleeps inside the module (3 samples) or returned. */
static int call_asleep(struct call *c, int sec)
{
	int i, seen = 0;
	pid_t tid;

	for (i = 0; i < sec * 200 && !call_done(c); i++) {
		tid = __atomic_load_n(&c->tid, __ATOMIC_SEQ_CST);
		if (tid && task_state(tid) == 'S') {
			if (++seen == 3)
				return 1;
		} else {
			seen = 0;
		}
		usleep(5000);
	}
	return 0;
}

/* Get a stuck call out (SIGUSR1, no SA_RESTART: EINTR) and join it. */
static void call_finish(struct call *c)
{
	while (!call_done(c)) {
		pthread_kill(c->th, SIGUSR1);
		usleep(20000);
	}
	pthread_join(c->th, NULL);
}

/* Fill @fd's own (loopback) queue; returns messages written. */
static int fill_queue(int fd)
{
	int n = 0;

	set_nonblock(fd, 1);
	while (n <= SOCKWQ_RXQ_MAX && write(fd, "fill", 4) == 4)
		n++;
	if (n != SOCKWQ_RXQ_MAX || errno != EAGAIN)
		fail("loopback queue took %d messages (%s), want %d then EAGAIN",
		     n, strerror(errno), SOCKWQ_RXQ_MAX);
	set_nonblock(fd, 0);
	return n;
}

/* ---------------------------------------------------------------- pairwake */

static int round_pairwake(void)
{
	int mode = rnd(NMODES), side = rnd(2), a, b, n, watched;
	struct stallwatch sw = { 0 };
	struct call w;
	char buf[64];
	uint64_t t0;

	a = ep_open(mode, 0);
	if (a < 0)
		return -1;
	b = ep_open(rnd(NMODES), O_NONBLOCK);
	if (b < 0) {
		close(a);
		return -1;
	}
	fill_queue(a);
	call_start(&w, a, 0, "late");
	if (!call_asleep(&w, 10)) {
		if (call_done(&w))
			fail("pairwake/%s: write into a full queue returned %zd (%s)",
			     mname(mode), w.ret, strerror(w.err));
		goto out;	/* never seen asleep: a slow guest, not a bug */
	}
	if (side ? ioctl(a, SOCKWQ_IOC_PAIR, &b) : ioctl(b, SOCKWQ_IOC_PAIR, &a)) {
		fail("pairwake/%s: pair: %s", mname(mode), strerror(errno));
		goto out;
	}
	/* room in the old queue: its reader now wakes the peer, not us */
	set_nonblock(a, 1);
	if (read(a, buf, sizeof(buf)) != 4)
		fail("pairwake/%s: read: %s", mname(mode), strerror(errno));
	set_nonblock(a, 0);
	/*
	 * Asleep with room at both the old queue and the new peer: every
	 * wakeup that could free it has been sent; watch it.
	 */
	t0 = now_ms();
	while (!call_done(&w) && now_ms() - t0 < 60000) {
		watched = stalled(&sw, w.tid, has_room(a) && has_room(b), 0);
		if (watched) {
			fail("lost wakeup: pairwake/%s/ioctl-on-%s: writer asleep %ds after SOCKWQ_IOC_PAIR with room in its queue and at the peer",
			     mname(mode), side ? "writer" : "peer", watched);
			goto out;
		}
		usleep(20000);
	}
	if (!call_done(&w))
		goto out;	/* runnable but starved for a minute: no verdict */
	if (w.ret != 4) {
		fail("pairwake/%s: blocked write returned %zd (%s)", mname(mode),
		     w.ret, strerror(w.err));
		goto out;
	}
	n = read(b, buf, sizeof(buf));
	if (n != 4 || memcmp(buf, "late", 4))
		fail("pairwake/%s: the late message is not at the new peer (%d)",
		     mname(mode), n);
	/* exactly once: the old queue holds the 255 fills, nothing else */
	set_nonblock(a, 1);
	n = 0;
	while (read(a, buf, sizeof(buf)) == 4 && !memcmp(buf, "fill", 4))
		n++;
	if (n != SOCKWQ_RXQ_MAX - 1 || has_data(a))
		fail("pairwake/%s: old queue held %d fills, want %d", mname(mode),
		     n, SOCKWQ_RXQ_MAX - 1);
out:
	call_finish(&w);
	close(a);
	close(b);
	return 0;
}

/* ---------------------------------------------------------------- pollpair */

struct poller {
	int fd, ep, ctl_err, ret;
	unsigned int events;
	pid_t tid;
	int done, stop;
};

static void *poller_fn(void *arg)
{
	struct poller *p = arg;
	struct epoll_event ev = { .events = EPOLLOUT };

	__atomic_store_n(&p->tid, syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	if (epoll_ctl(p->ep, EPOLL_CTL_ADD, p->fd, &ev)) {
		p->ctl_err = errno;
	} else {
		do {
			memset(&ev, 0, sizeof(ev));
			p->ret = epoll_wait(p->ep, &ev, 1, -1);
		} while (p->ret < 0 && errno == EINTR &&
			 !__atomic_load_n(&p->stop, __ATOMIC_SEQ_CST));
		p->events = ev.events;
	}
	__atomic_store_n(&p->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static int round_pollpair(void)
{
	struct poller p = { 0 };
	struct stallwatch sw = { 0 };
	int mode = rnd(NMODES), a, b, watched;
	pthread_t th;
	uint64_t t0;

	a = ep_open(mode, 0);
	if (a < 0)
		return -1;
	b = ep_open(rnd(NMODES), O_NONBLOCK);
	if (b < 0) {
		close(a);
		return -1;
	}
	fill_queue(a);
	p.fd = a;
	p.ep = epoll_create1(0);
	if (p.ep < 0 || pthread_create(&th, NULL, poller_fn, &p)) {
		fail("pollpair: epoll/thread: %s", strerror(errno));
		goto out;
	}
	/* land the pair somewhere in epoll_ctl(ADD)'s ->poll() or after */
	usleep(rnd(3000));
	if (rnd(2) ? ioctl(a, SOCKWQ_IOC_PAIR, &b) : ioctl(b, SOCKWQ_IOC_PAIR, &a))
		fail("pollpair/%s: pair: %s", mname(mode), strerror(errno));
	t0 = now_ms();
	while (!__atomic_load_n(&p.done, __ATOMIC_SEQ_CST) &&
	       now_ms() - t0 < 60000) {
		watched = stalled(&sw, p.tid, has_room(b), 0);
		if (watched) {
			fail("lost wakeup: pollpair/%s: epoll_wait(EPOLLOUT) asleep %ds after the pair with room at the peer",
			     mname(mode), watched);
			break;
		}
		usleep(20000);
	}
	__atomic_store_n(&p.stop, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&p.done, __ATOMIC_SEQ_CST)) {
		pthread_kill(th, SIGUSR1);
		usleep(20000);
	}
	pthread_join(th, NULL);
	if (p.ctl_err)
		fail("pollpair/%s: epoll_ctl: %s", mname(mode), strerror(p.ctl_err));
	else if (p.ret == 1 && !(p.events & EPOLLOUT))
		fail("pollpair/%s: epoll_wait events %#x, want EPOLLOUT", mname(mode),
		     p.events);
out:
	if (p.ep >= 0)
		close(p.ep);
	close(a);
	close(b);
	return 0;
}

/* ------------------------------------------------------ stream / pingpong */

struct umsg {
	uint32_t magic, len;
	uint64_t seq;
	uint8_t pad[120];
};

struct stream {
	int idx, wfd, rfd, pingpong, style;
	uint64_t nmsgs;
	/* reader */
	uint64_t useen, kseen, lastk, rprogress;
	pid_t rtid;
	int rdone;
	/* writer */
	uint64_t wprogress;
	pid_t wtid;
	int wdone;
	pthread_t rth, wth;
};

static volatile int stream_abort;

static void fill_umsg(struct umsg *m, uint64_t seq)
{
	unsigned int i;

	m->magic = UMAGIC;
	m->seq = seq;
	m->len = 16 + (seq * 7919) % sizeof(m->pad);
	for (i = 0; i < m->len - 16; i++)
		m->pad[i] = (uint8_t)(seq + i);
}

static void check_msg(struct stream *s, const uint8_t *buf, ssize_t n)
{
	const struct sockwq_kmsg *km = (const void *)buf;
	const struct umsg *um = (const void *)buf;
	unsigned int i;

	if (n == sizeof(*km) && km->magic == SOCKWQ_KMSG_MAGIC) {
		if (km->seq != s->lastk + 1)
			fail("stream %d: kernel msg seq %llu after %llu", s->idx,
			     (unsigned long long)km->seq,
			     (unsigned long long)s->lastk);
		s->lastk = km->seq;
		s->kseen++;
		return;
	}
	if (n >= 16 && um->magic == EMAGIC) {
		s->rdone = 1;
		return;
	}
	if (n < 16 || um->magic != UMAGIC || um->len != n) {
		fail("stream %d: garbage message of %zd bytes", s->idx, n);
		return;
	}
	if (um->seq != s->useen + 1)
		fail("stream %d: user msg seq %llu after %llu (lost, duplicated or reordered)",
		     s->idx, (unsigned long long)um->seq,
		     (unsigned long long)s->useen);
	for (i = 0; i < n - 16; i++) {
		if (um->pad[i] != (uint8_t)(um->seq + i)) {
			fail("stream %d: corrupt payload in msg %llu", s->idx,
			     (unsigned long long)um->seq);
			break;
		}
	}
	s->useen = um->seq;
}

static void *reader_fn(void *arg)
{
	struct stream *s = arg;
	struct epoll_event ev = { .events = EPOLLIN };
	uint8_t buf[SOCKWQ_MSG_MAX];
	int ep = -1, style = s->style;	/* 0 poll, 1 epoll LT, 2 ET, 3 read */
	ssize_t n = 0;

	__atomic_store_n(&s->rtid, syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	if (style == 1 || style == 2) {
		ep = epoll_create1(0);
		if (style == 2)
			ev.events |= EPOLLET;
		if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, s->rfd, &ev)) {
			fail("stream %d: epoll: %s", s->idx, strerror(errno));
			return NULL;
		}
	}
	set_nonblock(s->rfd, style != 3);
	while (!s->rdone && !stream_abort) {
		/* no timeouts: a lost wakeup leaves us asleep for the watchdog */
		if (ep >= 0) {
			n = epoll_wait(ep, &ev, 1, -1);
		} else if (style == 0) {
			struct pollfd pfd = { .fd = s->rfd, .events = POLLIN };

			n = poll(&pfd, 1, -1);
		}
		while (!s->rdone && (n = read(s->rfd, buf, sizeof(buf))) > 0) {
			check_msg(s, buf, n);
			if (s->pingpong && !s->rdone &&
			    write(s->rfd, buf, n) != n)
				fail("pingpong %d: answer: %s", s->idx,
				     strerror(errno));
			__atomic_add_fetch(&s->rprogress, 1, __ATOMIC_SEQ_CST);
			if (style == 3)
				break;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			fail("stream %d: read: %s", s->idx, strerror(errno));
			break;
		}
	}
	if (ep >= 0)
		close(ep);
	return NULL;
}

static void *writer_fn(void *arg)
{
	struct stream *s = arg;
	int nonblock = s->pingpong || rnd(2);
	uint8_t buf[SOCKWQ_MSG_MAX];
	struct umsg m;
	uint64_t seq;
	ssize_t n;

	rnd_state = s->idx * 7 + time(NULL);
	__atomic_store_n(&s->wtid, syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	set_nonblock(s->wfd, nonblock);
	for (seq = 1; seq <= s->nmsgs && !stream_abort; seq++) {
		fill_umsg(&m, seq);
		for (;;) {
			n = write(s->wfd, &m, m.len);
			if (n == m.len)
				break;
			if (n < 0 && errno == EAGAIN && nonblock) {
				struct pollfd pfd = { .fd = s->wfd,
						      .events = POLLOUT };
				poll(&pfd, 1, -1);
				continue;
			}
			if (n < 0 && errno == EINTR && !stream_abort)
				continue;
			if (!stream_abort)
				fail("stream %d: write returned %zd: %s", s->idx,
				     n, strerror(errno));
			goto out;
		}
		while (s->pingpong && !stream_abort) {
			struct pollfd pfd = { .fd = s->wfd, .events = POLLIN };

			poll(&pfd, 1, -1);
			n = read(s->wfd, buf, sizeof(buf));
			if (n == m.len && !memcmp(buf, &m, n))
				break;
			if (n >= 0 || (errno != EAGAIN && errno != EINTR)) {
				fail("pingpong %d: bad answer to %llu (%zd)",
				     s->idx, (unsigned long long)seq, n);
				goto out;
			}
		}
		__atomic_add_fetch(&s->wprogress, 1, __ATOMIC_SEQ_CST);
	}
out:
	__atomic_store_n(&s->wdone, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

#define NSTREAM 3

/*
 * @pingpong: one stream of round trips (no producers: their traffic
 * would mask a lost wakeup), else NSTREAM streams with producers on and
 * off and the readers' modes flipped under traffic.
 */
static int round_stream(int pingpong)
{
	struct stream ss[NSTREAM];
	struct stallwatch rw[NSTREAM], ww[NSTREAM];
	int ns = pingpong ? 1 : NSTREAM, i, w, producing = 0, alive;
	char ids[128] = "";
	uint64_t t0;

	memset(ss, 0, sizeof(ss));
	memset(rw, 0, sizeof(rw));
	memset(ww, 0, sizeof(ww));
	stream_abort = 0;
	for (i = 0; i < ns; i++) {
		struct stream *s = &ss[i];

		s->idx = i;
		s->pingpong = pingpong;
		s->style = rnd(4);
		s->nmsgs = pingpong ? 50 + rnd(200) : 200 + rnd(2000);
		s->wfd = ep_open(rnd(NMODES), 0);
		s->rfd = s->wfd < 0 ? -1 : ep_open(rnd(NMODES), 0);
		if (s->rfd < 0) {
			if (s->wfd >= 0)
				close(s->wfd);
			while (i--) {
				close(ss[i].wfd);
				close(ss[i].rfd);
			}
			return -1;
		}
		if (ioctl(s->rfd, SOCKWQ_IOC_PAIR, &s->wfd))
			fail("stream %d: pair: %s", i, strerror(errno));
		snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), "%s%u",
			 i ? "," : "", ep_info(s->rfd).id);
	}
	if (!pingpong && rnd(4)) {
		producing = !(ctl("targets %s", ids) ?: ctl("rate %u", 500 + rnd(3000)) ?:
			      ctl("start"));
	}
	for (i = 0; i < ns; i++) {
		pthread_create(&ss[i].rth, NULL, reader_fn, &ss[i]);
		pthread_create(&ss[i].wth, NULL, writer_fn, &ss[i]);
	}
	t0 = now_ms();
	for (;;) {
		alive = 0;
		for (i = 0; i < ns; i++) {
			struct stream *s = &ss[i];

			alive += !__atomic_load_n(&s->wdone, __ATOMIC_SEQ_CST);
			w = stalled(&rw[i], s->rtid, has_data(s->rfd),
				    __atomic_load_n(&s->rprogress, __ATOMIC_SEQ_CST));
			if (w) {
				stream_abort = 1;
				fail("lost wakeup: %s %d (%s reader, style %d): asleep %ds with data queued",
				     pingpong ? "pingpong" : "stream", i,
				     mname(ep_info(s->rfd).mode), s->style, w);
			}
			w = stalled(&ww[i], s->wdone ? 0 : s->wtid,
				    pingpong ? has_data(s->wfd) : has_room(s->rfd),
				    __atomic_load_n(&s->wprogress, __ATOMIC_SEQ_CST));
			if (w) {
				stream_abort = 1;
				fail("lost wakeup: %s %d writer asleep %ds with %s",
				     pingpong ? "pingpong" : "stream", i, w,
				     pingpong ? "its answer queued" : "room at its peer");
			}
		}
		if (!alive || stream_abort)
			break;
		/* producers off (or on again) and a reader's mode flipped */
		if (!pingpong && !rnd(20)) {
			__u32 m = rnd(NMODES);

			ioctl(ss[rnd(ns)].rfd, SOCKWQ_IOC_SET_MODE, &m);
			if (producing && !rnd(2)) {
				ctl("stop");
				producing = 0;
			}
		}
		if (now_ms() - t0 > 120000) {
			stream_abort = 1;	/* a starved guest: no verdict */
			break;
		}
		usleep(20000);
	}
	/* stop is synchronous: afterwards no producer message is in flight */
	ctl("stop");
	ctl("targets none");
	for (i = 0; i < ns && !stream_abort; i++) {
		struct umsg end = { .magic = EMAGIC, .len = 16 };

		set_nonblock(ss[i].wfd, 0);
		if (write(ss[i].wfd, &end, 16) != 16)
			fail("stream %d: END: %s", i, strerror(errno));
	}
	for (i = 0; i < ns; i++) {
		struct stream *s = &ss[i];
		struct sockwq_info info;

		t0 = now_ms();
		while (!stream_abort && !s->rdone && now_ms() - t0 < 60000) {
			w = stalled(&rw[i], s->rtid, has_data(s->rfd),
				    __atomic_load_n(&s->rprogress, __ATOMIC_SEQ_CST));
			if (w) {
				fail("lost wakeup: stream %d reader asleep %ds with its END queued",
				     i, w);
				stream_abort = 1;
			}
			usleep(20000);
		}
		if (!s->rdone)
			stream_abort = 1;
		while (pthread_tryjoin_np(s->rth, NULL)) {
			pthread_kill(s->rth, SIGUSR1);
			usleep(20000);
		}
		while (pthread_tryjoin_np(s->wth, NULL)) {
			pthread_kill(s->wth, SIGUSR1);
			usleep(20000);
		}
		if (stream_abort)
			continue;
		info = ep_info(s->rfd);
		if (s->useen != s->nmsgs)
			fail("stream %d: read %llu of %llu user messages", i,
			     (unsigned long long)s->useen,
			     (unsigned long long)s->nmsgs);
		if (s->kseen != info.kernel_queued || info.rx_len)
			fail("stream %d: read %llu kernel messages of %llu queued, %u left",
			     i, (unsigned long long)s->kseen,
			     (unsigned long long)info.kernel_queued, info.rx_len);
	}
	for (i = 0; i < ns; i++) {
		close(ss[i].wfd);
		close(ss[i].rfd);
	}
	return 0;
}

/* --------------------------------------------------------------- closerace */

static void on_sigio(int sig)
{
}

static int round_closerace(void)
{
	int fds[8], i, j, n = 0, ep, a, b, watched;
	struct stallwatch sw = { 0 };
	struct call w;
	char ids[128] = "";
	uint64_t t0;

	ep = epoll_create1(0);
	for (i = 0; i < 8; i++) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT };

		fds[i] = ep_open(rnd(NMODES), O_NONBLOCK);
		if (fds[i] < 0)
			break;
		n++;
		if (i % 2 && rnd(4))
			ioctl(fds[i], SOCKWQ_IOC_PAIR, &fds[i - 1]);
		if (!rnd(3)) {
			fcntl(fds[i], F_SETOWN, getpid());
			fcntl(fds[i], F_SETFL, O_NONBLOCK | O_ASYNC);
		}
		if (rnd(2))
			epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
		snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), "%s%u",
			 i ? "," : "", ep_info(fds[i]).id);
	}
	if (n < 8) {
		for (i = 0; i < n; i++)
			close(fds[i]);
		close(ep);
		return -1;
	}
	if (!ctl("targets %s", ids) && !ctl("rate %u", 2000 + rnd(20000)))
		ctl("start");
	for (i = 0; i < 8; i++) {
		char m[32];

		snprintf(m, sizeof(m), "closerace %d", i);
		if (write(fds[i], m, strlen(m)) < 0 && errno != EAGAIN &&
		    errno != EPIPE)
			fail("closerace: write: %s", strerror(errno));
	}
	usleep(rnd(3000));
	/* close in a scrambled order while producers still call data_ready */
	for (i = 0; i < 8; i++) {
		j = (i * 5 + n) % 8;
		close(fds[j]);
		if (!rnd(4))
			usleep(rnd(500));
	}
	close(ep);

	/* a writer asleep on a full peer: the peer's close must wake it (EPIPE) */
	a = ep_open(rnd(NMODES), 0);
	b = a < 0 ? -1 : ep_open(rnd(NMODES), 0);
	if (b >= 0 && !ioctl(a, SOCKWQ_IOC_PAIR, &b)) {
		set_nonblock(a, 1);
		while (write(a, "full", 4) == 4)
			;
		set_nonblock(a, 0);
		call_start(&w, a, 0, "blocked");
		if (call_asleep(&w, 10)) {
			close(b);
			b = -1;
			t0 = now_ms();
			while (!call_done(&w) && now_ms() - t0 < 60000) {
				/* its target is closed: nothing else to wait for */
				watched = stalled(&sw, w.tid, 1, 0);
				if (watched) {
					fail("lost wakeup: closerace: writer asleep %ds after its peer closed",
					     watched);
					break;
				}
				usleep(20000);
			}
			if (call_done(&w) && (w.ret != -1 || w.err != EPIPE))
				fail("closerace: write to a closed peer returned %zd (%s), want EPIPE",
				     w.ret, strerror(w.err));
		}
		call_finish(&w);
	}
	ctl("stop");
	ctl("targets none");
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	return 0;
}

/* -------------------------------------------------------------------- main */

static void write_ops(void)
{
	char tmp[256];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", opsfile);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%lu\n", ops);
	fclose(f);
	rename(tmp, opsfile);
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	int opt, r;

	while ((opt = getopt(argc, argv, "s:f:o:x:")) != -1) {
		switch (opt) {
		case 's': stall_s = atoi(optarg); break;
		case 'f': failfile = optarg; break;
		case 'o': opsfile = optarg; break;
		case 'x': stopfile = optarg; break;
		default:
			fprintf(stderr, "usage: swq_torture [-s STALL] [-f FAILFILE] [-o OPSFILE] [-x STOPFILE]\n");
			return 2;
		}
	}
	rnd_state = getpid() ^ time(NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: blocked calls return */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_sigio;
	sigaction(SIGIO, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	while (!stopping()) {
		switch (rnd(10)) {
		case 0: case 1: case 2: r = round_pairwake(); break;
		case 3: case 4: r = round_pollpair(); break;
		case 5: case 6: r = round_stream(0); break;
		case 7: r = round_stream(1); break;
		default: r = round_closerace(); break;
		}
		if (r < 0) {
			/* the module is being reloaded (ENOENT/ENODEV) */
			gone++;
			usleep(100000);
		} else {
			ops++;
			/* a gap between rounds: a pending rmmod gets its chance */
			usleep(100000 + rnd(200000));
		}
		if (!(ops % 4))
			write_ops();
	}
	write_ops();
	printf("swq_torture: rounds=%lu module_gone=%lu failures=%lu\n", ops,
	       gone, failures);
	return failures ? 1 : 0;
}
