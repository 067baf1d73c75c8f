// SPDX-License-Identifier: GPL-2.0
/*
 * sockwq in-guest test and benchmark program (static, busybox guest).
 *
 *   swq_stress stress [-p PAIRS] [-n MSGS] [-P PINGPONG_PAIRS] [-N ROUNDS]
 *		      [-k RATE] [-t STALL_S] [-m MODE]
 *	Per streaming pair: a writer thread writes MSGS numbered messages
 *	into fd A (paired with B); a reader thread waits in poll() or
 *	epoll_wait() (level- or edge-triggered) with no timeout and reads B
 *	until EAGAIN; kernel producers on every CPU inject numbered messages
 *	into every B at RATE msgs/s each. Per ping-pong pair: ROUNDS round
 *	trips with one message in flight, both sides asleep in between. Every message must arrive exactly once and in
 *	order; a watchdog fails the run when a reader makes no progress for
 *	STALL_S seconds while its queue holds data (a lost data_ready
 *	wakeup) or a writer while its target has room (a lost write_space).
 *   swq_stress closerace [-i ITER] [-k RATE]
 *	Open/pair/poll/epoll/close endpoints while kernel producers target
 *	them; afterwards every endpoint and wait-queue object must be freed.
 *   swq_stress sigio       O_ASYNC: SIGIO from a write and from producers.
 *   swq_stress badinput    every bad argument gets its clean errno.
 *   swq_stress openmode    an endpoint keeps the mode it was opened in when
 *			    the default changes; /dev/sockwq-MODE opens in
 *			    MODE and leaves the default alone.
 *   swq_stress pairwake [-w SEC]
 *	A writer sleeps on its full loopback queue, then the endpoint is
 *	paired (from either side): the writer must finish (its message goes
 *	to the new peer) within SEC s instead of sleeping until a signal.
 *   swq_stress nonblock [-w SEC]
 *	A blocking reader sleeps on an empty queue (a blocking writer on a
 *	full one); then an O_NONBLOCK read (write) on the same file must
 *	give EAGAIN within SEC s instead of waiting behind the sleeper.
 *   swq_stress pollpair [-w SEC]
 *	epoll_ctl(ADD, EPOLLOUT) on a full loopback endpoint, held inside
 *	->poll() by the poll_delay_us module parameter, while the endpoint
 *	is paired with an empty one: epoll_wait() must give EPOLLOUT within
 *	SEC s.
 *   swq_stress bench [-n MSGS] [-r RUNS]
 *	Messages/s and wakeups/s writer -> blocked reader through an AF_UNIX
 *	datagram socketpair (the live kernel) and /dev/sockwq pairs (rcu,
 *	legacy); prints rcunet bench result lines.
 *
 * MODE: rcu, legacy, embedded or mixed (pair i uses mode i % 3). Exit 0 on
 * success.
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
#include <sys/socket.h>
#include <sys/syscall.h>
#include "../uapi/sockwq.h"

#define DEV	"/dev/sockwq"
#define CTL	"/proc/rcunet/sockwq/control"
#define STATS	"/proc/rcunet/sockwq/stats"
#define MAXPAIRS 16

#define USER_MAGIC	0x52455355u	/* "USER" */
#define END_MAGIC	0x21444e45u	/* "END!" */

struct umsg {
	uint32_t magic;
	uint32_t len;
	uint64_t seq;
	uint8_t pad[200];
};

static int failures;

#define FAIL(...) do {							\
		fprintf(stderr, "swq_stress: FAIL: " __VA_ARGS__);	\
		__atomic_add_fetch(&failures, 1, __ATOMIC_SEQ_CST);	\
	} while (0)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int ctl(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static int ctl(const char *fmt, ...)
{
	char line[512];
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

static long stat_value(const char *key)
{
	char line[256];
	size_t kl = strlen(key);
	long v = -1;
	FILE *f = fopen(STATS, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':')
			v = atol(line + kl + 1);
	fclose(f);
	return v;
}

/* The endpoint modes, by SOCKWQ_MODE_* (as the control file names them). */
#define NMODES	3
static const char *const mode_names[NMODES] = {
	[SOCKWQ_MODE_RCU] = "rcu",
	[SOCKWQ_MODE_LEGACY] = "legacy",
	[SOCKWQ_MODE_EMBEDDED] = "embedded",
};

/*
 * An endpoint in @mode: /dev/sockwq-MODE fixes at open() where its wait
 * queue lives (inside it: embedded) and its callbacks, and leaves the
 * control file's default mode (what /dev/sockwq opens) alone for whoever
 * else opens endpoints meanwhile.
 */
static int dev_open(int mode, int flags)
{
	struct sockwq_info info;
	char path[64];
	int fd;

	snprintf(path, sizeof(path), DEV "-%s", mode_names[mode]);
	fd = open(path, O_RDWR | flags);
	if (fd < 0) {
		perror(path);
		exit(2);
	}
	memset(&info, 0, sizeof(info));
	if (ioctl(fd, SOCKWQ_IOC_GET_INFO, &info) || info.mode != (__u32)mode) {
		fprintf(stderr, "%s: endpoint mode %u, want %d\n", path,
			info.mode, mode);
		exit(2);
	}
	return fd;
}

static struct sockwq_info dev_info(int fd)
{
	struct sockwq_info info;

	memset(&info, 0, sizeof(info));
	if (ioctl(fd, SOCKWQ_IOC_GET_INFO, &info))
		perror("SOCKWQ_IOC_GET_INFO");
	return info;
}

static int parse_mode(const char *s)
{
	if (!strcmp(s, "rcu"))
		return SOCKWQ_MODE_RCU;
	if (!strcmp(s, "legacy"))
		return SOCKWQ_MODE_LEGACY;
	if (!strcmp(s, "embedded"))
		return SOCKWQ_MODE_EMBEDDED;
	if (!strcmp(s, "mixed"))
		return -1;
	fprintf(stderr, "bad mode %s\n", s);
	exit(2);
}

/* ---------------------------------------------------------------- stress */

struct pair {
	int idx, wfd, rfd, mode;
	/*
	 * Ping-pong: one message in flight, the reader answers each one and
	 * the writer sleeps until the answer comes. Every message then wakes
	 * a sleeper with nothing behind it to mask a lost wakeup: a stall
	 * shows within the watchdog period.
	 */
	int pingpong;
	uint64_t nmsgs;
	/* reader */
	uint64_t user_seen, kernel_seen, last_kseq, progress;
	int done, in_wait;
	/* writer */
	uint64_t written, wprogress;
	int wdone;
	pthread_t reader, writer;
};

static struct pair pairs[MAXPAIRS];
static int npairs = 2;
static volatile int stop_all;

static void fill_umsg(struct umsg *m, uint64_t seq)
{
	unsigned int i;

	m->magic = USER_MAGIC;
	m->seq = seq;
	m->len = 16 + (seq * 7919) % sizeof(m->pad);
	for (i = 0; i < m->len - 16; i++)
		m->pad[i] = (uint8_t)(seq + i);
}

static void check_msg(struct pair *p, const uint8_t *buf, ssize_t n)
{
	const struct sockwq_kmsg *km = (const void *)buf;
	const struct umsg *um = (const void *)buf;
	unsigned int i;

	if (n >= (ssize_t)sizeof(*km) && km->magic == SOCKWQ_KMSG_MAGIC) {
		if (n != sizeof(*km) || km->seq != p->last_kseq + 1)
			FAIL("pair %d: kernel msg seq %llu after %llu (len %zd)\n",
			     p->idx, (unsigned long long)km->seq,
			     (unsigned long long)p->last_kseq, n);
		p->last_kseq = km->seq;
		p->kernel_seen++;
		return;
	}
	if (n >= 16 && um->magic == END_MAGIC) {
		p->done = 1;
		return;
	}
	if (n < 16 || um->magic != USER_MAGIC || um->len != n) {
		FAIL("pair %d: garbage message of %zd bytes\n", p->idx, n);
		return;
	}
	if (um->seq != p->user_seen + 1)
		FAIL("pair %d: user msg seq %llu after %llu\n", p->idx,
		     (unsigned long long)um->seq,
		     (unsigned long long)p->user_seen);
	for (i = 0; i < n - 16; i++)
		if (um->pad[i] != (uint8_t)(um->seq + i)) {
			FAIL("pair %d: corrupt payload in seq %llu\n", p->idx,
			     (unsigned long long)um->seq);
			break;
		}
	p->user_seen = um->seq;
}

static void *reader_fn(void *arg)
{
	struct pair *p = arg;
	int style = p->idx % 4;	/* 0,2: poll  1: epoll LT  3: epoll ET */
	struct epoll_event ev = { .events = EPOLLIN };
	uint8_t buf[SOCKWQ_MSG_MAX];
	int ep = -1;
	ssize_t n;

	if (style & 1) {
		ep = epoll_create1(0);
		if (style == 3)
			ev.events |= EPOLLET;
		if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, p->rfd, &ev)) {
			FAIL("epoll setup: %s\n", strerror(errno));
			return NULL;
		}
	}
	while (!p->done && !stop_all) {
		/* no timeout: a lost wakeup must block us for the watchdog */
		__atomic_store_n(&p->in_wait, 1, __ATOMIC_RELAXED);
		if (ep >= 0) {
			n = epoll_wait(ep, &ev, 1, -1);
		} else {
			struct pollfd pfd = { .fd = p->rfd, .events = POLLIN };

			n = poll(&pfd, 1, -1);
		}
		__atomic_store_n(&p->in_wait, 0, __ATOMIC_RELAXED);
		if (n < 0 && errno != EINTR) {
			FAIL("pair %d: wait: %s\n", p->idx, strerror(errno));
			break;
		}
		while ((n = read(p->rfd, buf, sizeof(buf))) > 0) {
			check_msg(p, buf, n);
			if (p->pingpong && !p->done &&
			    write(p->rfd, buf, n) != n)
				FAIL("pair %d: answer: %s\n", p->idx,
				     strerror(errno));
			__atomic_add_fetch(&p->progress, 1, __ATOMIC_RELAXED);
		}
		if (n < 0 && errno != EAGAIN) {
			FAIL("pair %d: read: %s\n", p->idx, strerror(errno));
			break;
		}
	}
	if (ep >= 0)
		close(ep);
	return NULL;
}

static void *writer_fn(void *arg)
{
	struct pair *p = arg;
	int nonblock = p->idx % 2 || p->pingpong;	/* + poll(POLLOUT) */
	uint8_t buf[SOCKWQ_MSG_MAX];
	struct umsg m;
	uint64_t seq;
	ssize_t n;

	if (nonblock)
		fcntl(p->wfd, F_SETFL, fcntl(p->wfd, F_GETFL) | O_NONBLOCK);
	for (seq = 1; seq <= p->nmsgs && !stop_all; seq++) {
		fill_umsg(&m, seq);
		for (;;) {
			n = write(p->wfd, &m, m.len);
			if (n == m.len)
				break;
			if (n < 0 && errno == EAGAIN && nonblock) {
				struct pollfd pfd = { .fd = p->wfd,
						      .events = POLLOUT };
				poll(&pfd, 1, -1);
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			FAIL("pair %d: write returned %zd: %s\n", p->idx, n,
			     strerror(errno));
			return NULL;
		}
		while (p->pingpong && !stop_all) {
			/* sleep until the answer is queued: no timeout */
			struct pollfd pfd = { .fd = p->wfd, .events = POLLIN };

			poll(&pfd, 1, -1);
			n = read(p->wfd, buf, sizeof(buf));
			if (n == m.len && !memcmp(buf, &m, n))
				break;
			if (n >= 0 || errno != EAGAIN) {
				FAIL("pair %d: bad answer to %llu (%zd)\n",
				     p->idx, (unsigned long long)seq, n);
				return NULL;
			}
		}
		p->written = seq;
		__atomic_add_fetch(&p->wprogress, 1, __ATOMIC_RELAXED);
	}
	p->wdone = 1;
	return NULL;
}

static int stall_limit = 20;
static int stalls;

static void *watchdog_fn(void *arg)
{
	uint64_t last[MAXPAIRS] = {0}, wlast[MAXPAIRS] = {0};
	int idle[MAXPAIRS] = {0}, widle[MAXPAIRS] = {0};
	struct sockwq_info ri;
	int i;

	while (!stop_all) {
		sleep(1);
		for (i = 0; i < npairs; i++) {
			struct pair *p = &pairs[i];
			uint64_t pr = __atomic_load_n(&p->progress,
						      __ATOMIC_RELAXED);
			uint64_t wp = __atomic_load_n(&p->wprogress,
						      __ATOMIC_RELAXED);

			if (p->done)
				continue;
			ri = dev_info(p->rfd);
			idle[i] = pr == last[i] && ri.rx_len ? idle[i] + 1 : 0;
			last[i] = pr;
			if (idle[i] >= stall_limit) {
				fprintf(stderr,
					"swq_stress: STALL: pair %d reader %s for %ds with %u messages queued (lost data_ready wakeup)\n",
					i, p->in_wait ? "blocked in poll/epoll" :
					"not progressing", idle[i], ri.rx_len);
				stalls++;
				idle[i] = -1000000;
			}
			if (p->pingpong) {
				/* waits for an answer: stuck if one is queued */
				struct sockwq_info wi = dev_info(p->wfd);

				widle[i] = !p->wdone && wp == wlast[i] &&
					   wi.rx_len ? widle[i] + 1 : 0;
			} else {
				widle[i] = !p->wdone && wp == wlast[i] &&
					   ri.rx_len < ri.rx_max ?
					   widle[i] + 1 : 0;
			}
			wlast[i] = wp;
			if (widle[i] >= stall_limit) {
				fprintf(stderr,
					"swq_stress: STALL: pair %d writer stuck %ds while %s (lost %s wakeup)\n",
					i, widle[i],
					p->pingpong ? "its answer is queued" :
					"its target has room",
					p->pingpong ? "data_ready" : "write_space");
				stalls++;
				widle[i] = -1000000;
			}
		}
		if (stalls) {
			fprintf(stderr, "swq_stress: stall detected: stalls=%d\n",
				stalls);
			ctl("stop");
			printf("sockwq-stress: result=FAIL stalls=%d\n", stalls);
			fflush(stdout);
			_exit(1);
		}
	}
	return NULL;
}

static int cmd_stress(int argc, char **argv)
{
	uint64_t nmsgs = 100000, npp = 10000, user = 0, kern = 0, kdrop = 0;
	uint64_t pp = 0, t0;
	int krate = 5000, mode = -1, opt, i, err, nstream = 2, nping = 0;
	char ids[512] = "";
	pthread_t wd;
	struct sockwq_info info;

	while ((opt = getopt(argc, argv, "p:n:P:N:k:t:m:")) != -1) {
		switch (opt) {
		case 'p': nstream = atoi(optarg); break;
		case 'n': nmsgs = strtoull(optarg, NULL, 0); break;
		case 'P': nping = atoi(optarg); break;
		case 'N': npp = strtoull(optarg, NULL, 0); break;
		case 'k': krate = atoi(optarg); break;
		case 't': stall_limit = atoi(optarg); break;
		case 'm': mode = parse_mode(optarg); break;
		default: return 2;
		}
	}
	npairs = nstream + nping;
	if (nstream < 0 || nping < 0 || npairs < 1 || npairs > MAXPAIRS)
		return 2;
	for (i = 0; i < npairs; i++) {
		struct pair *p = &pairs[i];

		p->idx = i;
		p->pingpong = i >= nstream;
		p->nmsgs = p->pingpong ? npp : nmsgs;
		p->mode = mode < 0 ? i % NMODES : mode;
		p->wfd = dev_open(p->mode, 0);
		p->rfd = dev_open(p->mode, O_NONBLOCK);
		if (ioctl(p->wfd, SOCKWQ_IOC_PAIR, &p->rfd)) {
			perror("SOCKWQ_IOC_PAIR");
			return 2;
		}
		if (p->pingpong)	/* producers would mask lost wakeups */
			continue;
		info = dev_info(p->rfd);
		snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), "%s%u",
			 i ? "," : "", info.id);
	}
	t0 = now_ns();
	if (krate && ids[0]) {
		err = ctl("targets %s", ids) ?: ctl("rate %d", krate) ?:
		      ctl("start");
		if (err) {
			fprintf(stderr, "producers: %s\n", strerror(-err));
			return 2;
		}
	}
	pthread_create(&wd, NULL, watchdog_fn, NULL);
	for (i = 0; i < npairs; i++) {
		pthread_create(&pairs[i].reader, NULL, reader_fn, &pairs[i]);
		pthread_create(&pairs[i].writer, NULL, writer_fn, &pairs[i]);
	}
	for (i = 0; i < npairs; i++)
		pthread_join(pairs[i].writer, NULL);
	/* producers stopped: kthread_stop() waited for them, none in flight */
	ctl("stop");
	ctl("targets none");
	for (i = 0; i < npairs; i++) {
		struct pair *p = &pairs[i];
		struct umsg end = { .magic = END_MAGIC, .len = 16 };
		int fl = fcntl(p->wfd, F_GETFL);

		fcntl(p->wfd, F_SETFL, fl & ~O_NONBLOCK);
		if (write(p->wfd, &end, 16) != 16)
			FAIL("pair %d: END write: %s\n", i, strerror(errno));
	}
	for (i = 0; i < npairs; i++) {
		struct pair *p = &pairs[i];

		pthread_join(p->reader, NULL);
		info = dev_info(p->rfd);
		if (p->user_seen != p->nmsgs)
			FAIL("pair %d: %llu of %llu user messages\n", i,
			     (unsigned long long)p->user_seen,
			     (unsigned long long)p->nmsgs);
		if (p->kernel_seen != info.kernel_queued)
			FAIL("pair %d: read %llu kernel messages, %llu queued\n",
			     i, (unsigned long long)p->kernel_seen,
			     (unsigned long long)info.kernel_queued);
		if (info.rx_len)
			FAIL("pair %d: %u messages left over\n", i, info.rx_len);
		if (p->pingpong)
			pp += p->user_seen;
		else
			user += p->user_seen;
		kern += p->kernel_seen;
		kdrop += info.kernel_dropped;
	}
	stop_all = 1;
	pthread_join(wd, NULL);
	for (i = 0; i < npairs; i++) {
		close(pairs[i].wfd);
		close(pairs[i].rfd);
	}
	printf("sockwq-stress: pairs=%d pingpong_pairs=%d mode=%s user_msgs=%llu pingpong_round_trips=%llu kernel_msgs=%llu kernel_dropped=%llu total_msgs=%llu stalls=%d errors=%d seconds=%.1f result=%s\n",
	       nstream, nping, mode < 0 ? "mixed" : mode_names[mode],
	       (unsigned long long)user, (unsigned long long)pp,
	       (unsigned long long)kern, (unsigned long long)kdrop,
	       (unsigned long long)(user + 2 * pp + kern),
	       stalls, failures, (now_ns() - t0) / 1e9,
	       failures || stalls ? "FAIL" : "ok");
	return failures || stalls ? 1 : 0;
}

/* ------------------------------------------------------------- closerace */

static volatile int race_stop;
static int race_ep;

static void *race_epoll_fn(void *arg)
{
	struct epoll_event evs[16];
	uint8_t buf[SOCKWQ_MSG_MAX];
	int n, i;

	while (!race_stop) {
		n = epoll_wait(race_ep, evs, 16, 5);
		for (i = 0; i < n; i++)	/* the fd may be closed by now */
			while (read(evs[i].data.fd, buf, sizeof(buf)) > 0)
				;
	}
	return NULL;
}

static int cmd_closerace(int argc, char **argv)
{
	int iters = 300, krate = 20000, opt, it, i, fds[8], err;
	long base_ep = stat_value("endpoints"), base_wq = stat_value("wq_live");
	long ep_now = 0, wq_now = 0;
	uint64_t kern = 0;
	pthread_t th;
	char ids[128];

	while ((opt = getopt(argc, argv, "i:k:")) != -1) {
		switch (opt) {
		case 'i': iters = atoi(optarg); break;
		case 'k': krate = atoi(optarg); break;
		default: return 2;
		}
	}
	race_ep = epoll_create1(0);
	pthread_create(&th, NULL, race_epoll_fn, NULL);
	err = ctl("rate %d", krate) ?: ctl("start");
	if (err) {
		fprintf(stderr, "producers: %s\n", strerror(-err));
		return 2;
	}
	for (it = 0; it < iters; it++) {
		ids[0] = 0;
		for (i = 0; i < 8; i++) {
			struct epoll_event ev = { .events = EPOLLIN };
			struct sockwq_info info;

			fds[i] = dev_open((it + i) % NMODES, O_NONBLOCK);
			if (i % 2)
				ioctl(fds[i], SOCKWQ_IOC_PAIR, &fds[i - 1]);
			if (i % 4 == 2)	/* async too: fasync removal on close */
				fcntl(fds[i], F_SETFL, O_NONBLOCK | O_ASYNC);
			ev.data.fd = fds[i];
			epoll_ctl(race_ep, EPOLL_CTL_ADD, fds[i], &ev);
			info = dev_info(fds[i]);
			snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids),
				 "%s%u", i ? "," : "", info.id);
		}
		ctl("targets %s", ids);
		for (i = 0; i < 8; i += 2) {
			struct umsg m;

			fill_umsg(&m, it + 1);
			if (write(fds[i], &m, m.len) < 0 && errno != EAGAIN)
				FAIL("closerace write: %s\n", strerror(errno));
		}
		usleep(500 + (it % 7) * 300);
		/* close in a scrambled order while producers still target them */
		for (i = 0; i < 8; i++) {
			int j = (i * 5 + it) % 8;
			struct sockwq_info info = dev_info(fds[j]);

			kern += info.kernel_queued;
			close(fds[j]);
		}
	}
	ctl("stop");
	ctl("targets none");
	race_stop = 1;
	pthread_join(th, NULL);
	close(race_ep);
	/* endpoints and wait-queue objects go after RCU grace periods */
	for (i = 0; i < 100; i++) {
		ep_now = stat_value("endpoints");
		wq_now = stat_value("wq_live");
		if (ep_now == base_ep && wq_now == base_wq)
			break;
		usleep(100000);
	}
	if (ep_now != base_ep || wq_now != base_wq)
		FAIL("leak: endpoints %ld (was %ld), wq_live %ld (was %ld)\n",
		     ep_now, base_ep, wq_now, base_wq);
	printf("sockwq-closerace: iterations=%d endpoints=%d kernel_msgs=%llu leaks=%s result=%s\n",
	       iters, iters * 8, (unsigned long long)kern,
	       ep_now == base_ep && wq_now == base_wq ? "none" : "yes",
	       failures ? "FAIL" : "ok");
	return failures ? 1 : 0;
}

/* ----------------------------------------------------------------- sigio */

static volatile int sigio_count;

static void on_sigio(int sig)
{
	sigio_count++;
}

static int wait_sigio(int before)
{
	int i;

	for (i = 0; i < 500 && sigio_count == before; i++)
		usleep(10000);
	return sigio_count > before;
}

static int cmd_sigio(int argc, char **argv)
{
	uint8_t buf[64] = "hello";
	struct sockwq_info info;
	int mode, fd, before;

	signal(SIGIO, on_sigio);
	for (mode = 0; mode < NMODES; mode++) {
		fd = dev_open(mode, O_NONBLOCK);
		fcntl(fd, F_SETOWN, getpid());
		fcntl(fd, F_SETFL, O_NONBLOCK | O_ASYNC);
		before = sigio_count;
		if (write(fd, buf, 5) != 5)
			FAIL("sigio write: %s\n", strerror(errno));
		if (!wait_sigio(before))
			FAIL("mode %d: no SIGIO after write\n", mode);
		if (read(fd, buf, sizeof(buf)) != 5)
			FAIL("sigio read: %s\n", strerror(errno));
		info = dev_info(fd);
		before = sigio_count;
		ctl("rate 100");
		ctl("targets %u", info.id);
		ctl("start");
		if (!wait_sigio(before))
			FAIL("mode %d: no SIGIO from kernel producers\n", mode);
		ctl("stop");
		ctl("targets none");
		/* turning O_ASYNC off stops the signals */
		fcntl(fd, F_SETFL, O_NONBLOCK);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		before = sigio_count;
		if (write(fd, buf, 5) != 5)
			FAIL("sigio write: %s\n", strerror(errno));
		usleep(100000);
		if (sigio_count != before)
			FAIL("mode %d: SIGIO without O_ASYNC\n", mode);
		close(fd);
	}
	printf("sockwq-sigio: signals=%d result=%s\n", sigio_count,
	       failures ? "FAIL" : "ok");
	return failures ? 1 : 0;
}

/* -------------------------------------------------------------- badinput */

#define EXPECT_ERR(what, call, err) do {				\
		errno = 0;						\
		if ((call) != -1 || errno != (err))			\
			FAIL("%s: got errno %d (%s), want %d\n", what,	\
			     errno, strerror(errno), err);		\
		else							\
			printf("ok %s -> %s\n", what, strerror(err));	\
	} while (0)

static int cmd_badinput(int argc, char **argv)
{
	static uint8_t big[SOCKWQ_MSG_MAX + 1];
	uint8_t small[4];
	int a, b, c, nul, bad = 12345;
	__u32 m = 7;
	int i;
	/* volatile: keep the compiler from proving the address bad */
	void *volatile badp = (void *)8;

	a = dev_open(SOCKWQ_MODE_RCU, O_NONBLOCK);
	b = dev_open(SOCKWQ_MODE_LEGACY, O_NONBLOCK);
	nul = open("/dev/null", O_RDWR);
	EXPECT_ERR("write too large", write(a, big, sizeof(big)), EMSGSIZE);
	EXPECT_ERR("write zero bytes", write(a, big, 0), EINVAL);
	EXPECT_ERR("write bad buffer", write(a, badp, 16), EFAULT);
	EXPECT_ERR("read empty nonblocking", read(a, big, 16), EAGAIN);
	if (write(a, "0123456789", 10) != 10)
		FAIL("write: %s\n", strerror(errno));
	EXPECT_ERR("read bad buffer", read(a, badp, 64), EFAULT);
	EXPECT_ERR("read short buffer", read(a, small, sizeof(small)), EMSGSIZE);
	if (read(a, big, 64) != 10 || memcmp(big, "0123456789", 10))
		FAIL("message lost after failed reads\n");
	else
		printf("ok message kept after EFAULT/EMSGSIZE\n");
	for (i = 0; i < SOCKWQ_RXQ_MAX; i++)
		if (write(a, "x", 1) != 1)
			FAIL("fill %d: %s\n", i, strerror(errno));
	EXPECT_ERR("write full nonblocking", write(a, "x", 1), EAGAIN);
	EXPECT_ERR("ioctl unknown", ioctl(a, _IO('q', 99)), ENOTTY);
	EXPECT_ERR("ioctl mode 7", ioctl(a, SOCKWQ_IOC_SET_MODE, &m), EINVAL);
	EXPECT_ERR("ioctl mode bad ptr", ioctl(a, SOCKWQ_IOC_SET_MODE, 8), EFAULT);
	EXPECT_ERR("ioctl info bad ptr", ioctl(a, SOCKWQ_IOC_GET_INFO, 8), EFAULT);
	EXPECT_ERR("pair bad ptr", ioctl(a, SOCKWQ_IOC_PAIR, 8), EFAULT);
	EXPECT_ERR("pair bad fd", ioctl(a, SOCKWQ_IOC_PAIR, &bad), EBADF);
	EXPECT_ERR("pair non-sockwq fd", ioctl(a, SOCKWQ_IOC_PAIR, &nul), EINVAL);
	EXPECT_ERR("pair self", ioctl(a, SOCKWQ_IOC_PAIR, &a), EINVAL);
	if (ioctl(a, SOCKWQ_IOC_PAIR, &b))
		FAIL("pair: %s\n", strerror(errno));
	c = dev_open(SOCKWQ_MODE_RCU, O_NONBLOCK);
	EXPECT_ERR("pair twice", ioctl(c, SOCKWQ_IOC_PAIR, &a), EISCONN);
	close(b);
	EXPECT_ERR("write to closed peer", write(a, "x", 1), EPIPE);
	close(a);
	close(c);
	close(nul);
	printf("sockwq-badinput: result=%s\n", failures ? "FAIL" : "ok");
	return failures ? 1 : 0;
}

/* ------------------------------------------------------------- openmode */

/* The stats file's default_mode into @buf[32] ("" if missing). */
static const char *default_mode(char *buf)
{
	char line[256];
	FILE *f = fopen(STATS, "r");

	buf[0] = '\0';
	if (!f)
		return buf;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "default_mode: %31s", buf) == 1)
			break;
	fclose(f);
	return buf;
}

static void expect_mode(const char *what, int fd, int mode)
{
	struct sockwq_info info = dev_info(fd);

	if (info.mode != (__u32)mode)
		FAIL("%s: endpoint mode %u, want %s\n", what, info.mode,
		     mode_names[mode]);
	else
		printf("ok %s: %s\n", what, mode_names[mode]);
}

/*
 * The mode is a property of each endpoint, fixed at its open(): a change
 * of the default between two opens of /dev/sockwq leaves the first
 * endpoint in its mode, and opening /dev/sockwq-MODE (what every other
 * subcommand does) changes no default another opener relies on.
 */
static int cmd_openmode(int argc, char **argv)
{
	char saved[32], now[32];
	int a, b, c;

	default_mode(saved);
	if (ctl("mode legacy")) {
		FAIL("control: mode legacy\n");
		return 1;
	}
	a = open(DEV, O_RDWR | O_NONBLOCK);
	if (a < 0) {
		perror("open " DEV);
		return 2;
	}
	b = dev_open(SOCKWQ_MODE_EMBEDDED, O_NONBLOCK);
	if (strcmp(default_mode(now), "legacy"))
		FAIL("opening %s-embedded changed the default mode to %s\n",
		     DEV, now);
	else
		printf("ok default mode kept across a %s-embedded open\n", DEV);
	ctl("mode rcu");
	c = open(DEV, O_RDWR | O_NONBLOCK);
	if (c < 0) {
		perror("open " DEV);
		return 2;
	}
	expect_mode("first open, before the mode change", a,
		    SOCKWQ_MODE_LEGACY);
	expect_mode("the per-mode node", b, SOCKWQ_MODE_EMBEDDED);
	expect_mode("second open, after the mode change", c, SOCKWQ_MODE_RCU);
	close(a);
	close(b);
	close(c);
	if (saved[0])
		ctl("mode %s", saved);
	printf("sockwq-openmode: result=%s\n", failures ? "FAIL" : "ok");
	return failures ? 1 : 0;
}

/* ------------------------------------------------- pairwake / nonblock */

/*
 * One read() or write() in a thread of its own, so the main thread can
 * wait for it with a bounded wait and report FAIL instead of hanging; a
 * SIGUSR1 (no SA_RESTART) gets a stuck call out with EINTR afterwards.
 */
struct blocked_io {
	int fd, is_read;
	const char *what;
	char buf[64];
	size_t len;
	ssize_t ret;
	int err;
	pid_t tid;
	int started, done;
	pthread_t th;
};

static void on_sigusr1(int sig)
{
}

static void *blocked_io_fn(void *arg)
{
	struct blocked_io *b = arg;
	ssize_t n;

	b->tid = syscall(SYS_gettid);
	__atomic_store_n(&b->started, 1, __ATOMIC_SEQ_CST);
	if (b->is_read)
		n = read(b->fd, b->buf, sizeof(b->buf));
	else
		n = write(b->fd, b->buf, b->len);
	b->err = n < 0 ? errno : 0;
	b->ret = n;
	__atomic_store_n(&b->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void blocked_io_start(struct blocked_io *b, int fd, int is_read,
			     const char *what, const char *data)
{
	memset(b, 0, sizeof(*b));
	b->fd = fd;
	b->is_read = is_read;
	b->what = what;
	if (data) {
		b->len = strlen(data);
		memcpy(b->buf, data, b->len);
	}
	if (pthread_create(&b->th, NULL, blocked_io_fn, b)) {
		perror("pthread_create");
		exit(2);
	}
}

/* The thread's scheduler state from /proc ('S': asleep), or 0. */
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
 * Wait (at most @sec s) until the thread sleeps inside its syscall; three
 * samples in a row so a passing page fault does not count.
 */
static int blocked_io_asleep(struct blocked_io *b, int sec)
{
	int i, seen = 0;

	for (i = 0; i < sec * 100; i++) {
		if (__atomic_load_n(&b->done, __ATOMIC_SEQ_CST))
			return 0;
		if (__atomic_load_n(&b->started, __ATOMIC_SEQ_CST) &&
		    task_state(b->tid) == 'S') {
			if (++seen == 3)
				return 1;
		} else {
			seen = 0;
		}
		usleep(10000);
	}
	return 0;
}

/* Bounded wait for the call to return: 1 done, 0 still inside it. */
static int blocked_io_wait(struct blocked_io *b, int sec)
{
	int i;

	for (i = 0; i < sec * 100; i++) {
		if (__atomic_load_n(&b->done, __ATOMIC_SEQ_CST))
			return 1;
		usleep(10000);
	}
	return __atomic_load_n(&b->done, __ATOMIC_SEQ_CST);
}

/* Get a stuck call out (EINTR) and join; never hangs the program. */
static void blocked_io_finish(struct blocked_io *b)
{
	while (!blocked_io_wait(b, 1))
		pthread_kill(b->th, SIGUSR1);
	pthread_join(b->th, NULL);
}

static void install_sigusr1(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr1;	/* no SA_RESTART: EINTR */
	sigaction(SIGUSR1, &sa, NULL);
}

static void set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

static void fill_queue(int fd)
{
	int i;

	set_nonblock(fd, 1);
	for (i = 0; i < SOCKWQ_RXQ_MAX; i++)
		if (write(fd, "fill", 4) != 4)
			FAIL("fill %d: %s\n", i, strerror(errno));
	if (write(fd, "fill", 4) != -1 || errno != EAGAIN)
		FAIL("queue not full after %d messages\n", SOCKWQ_RXQ_MAX);
	set_nonblock(fd, 0);
}

static const char *mode_name(int mode)
{
	return mode_names[mode];
}

/*
 * A loopback writer sleeps for room in its own full queue; then its
 * endpoint is paired (@from_writer: the ioctl is issued on the writer's fd,
 * else on the other one) and one message is read from the writer's queue.
 * Old code: that read wakes the new peer, the writer sleeps on (a lost
 * wakeup). Fixed: the pair wakes the writer, its message lands in the peer.
 */
static void pairwake_case(int mode, int from_writer, int sec)
{
	char name[64], buf[64];
	struct blocked_io w;
	int a, b;
	ssize_t n;

	snprintf(name, sizeof(name), "pairwake/%s/%s", mode_name(mode),
		 from_writer ? "ioctl-on-writer" : "ioctl-on-peer");
	a = dev_open(mode, 0);
	b = dev_open(mode, O_NONBLOCK);
	fill_queue(a);
	blocked_io_start(&w, a, 0, name, "late");
	if (!blocked_io_asleep(&w, 30)) {
		FAIL("%s: writer did not block on a full loopback queue (ret %zd)\n",
		     name, w.ret);
		goto out;
	}
	if (from_writer ? ioctl(a, SOCKWQ_IOC_PAIR, &b) :
			  ioctl(b, SOCKWQ_IOC_PAIR, &a)) {
		FAIL("%s: pair: %s\n", name, strerror(errno));
		goto out;
	}
	/* room in the writer's old queue: the old code woke only the peer */
	if (read(a, buf, sizeof(buf)) != 4)
		FAIL("%s: read: %s\n", name, strerror(errno));
	if (!blocked_io_wait(&w, sec)) {
		FAIL("%s: writer still asleep %d s after SOCKWQ_IOC_PAIR (lost wakeup)\n",
		     name, sec);
		goto out;
	}
	if (w.ret != 4) {
		FAIL("%s: write returned %zd (%s)\n", name, w.ret,
		     strerror(w.err));
		goto out;
	}
	n = read(b, buf, sizeof(buf));
	if (n != 4 || memcmp(buf, "late", 4))
		FAIL("%s: the late message did not reach the new peer (%zd)\n",
		     name, n);
	else
		printf("ok %s\n", name);
out:
	blocked_io_finish(&w);
	close(a);
	close(b);
}

/*
 * A blocking call (read on an empty queue, or write into a full one)
 * sleeps; then the file turns O_NONBLOCK and the same call from another
 * thread must give EAGAIN within @sec s. Old read path: it waited for
 * read_mutex, which the sleeping reader held across its wait.
 */
static void nonblock_case(int mode, int is_read, int sec)
{
	struct blocked_io sleeper, nb;
	char name[64], buf[64];
	int a;

	snprintf(name, sizeof(name), "nonblock-%s/%s",
		 is_read ? "read" : "write", mode_name(mode));
	a = dev_open(mode, 0);
	if (!is_read)
		fill_queue(a);
	blocked_io_start(&sleeper, a, is_read, name, "wake");
	if (!blocked_io_asleep(&sleeper, 30)) {
		FAIL("%s: blocking call did not sleep (ret %zd)\n", name,
		     sleeper.ret);
		blocked_io_finish(&sleeper);
		close(a);
		return;
	}
	set_nonblock(a, 1);
	blocked_io_start(&nb, a, is_read, name, "nbio");
	if (!blocked_io_wait(&nb, sec))
		FAIL("%s: O_NONBLOCK call still blocked after %d s behind a sleeping one\n",
		     name, sec);
	else if (nb.ret != -1 || nb.err != EAGAIN)
		FAIL("%s: O_NONBLOCK call returned %zd (%s), want EAGAIN\n",
		     name, nb.ret, strerror(nb.err));
	else
		printf("ok %s -> EAGAIN\n", name);
	/* let the sleeper go: a message for the reader, room for the writer */
	if (is_read) {
		if (write(a, "wake", 4) != 4)
			FAIL("%s: write: %s\n", name, strerror(errno));
	} else if (read(a, buf, sizeof(buf)) != 4) {
		FAIL("%s: read: %s\n", name, strerror(errno));
	}
	if (!blocked_io_wait(&sleeper, sec))
		FAIL("%s: the blocking call was not woken\n", name);
	else if (sleeper.ret != 4)
		FAIL("%s: blocking call returned %zd (%s)\n", name,
		     sleeper.ret, strerror(sleeper.err));
	blocked_io_finish(&nb);
	blocked_io_finish(&sleeper);
	close(a);
}

/*
 * An epoll watch for EPOLLOUT on a full loopback endpoint that is paired,
 * while epoll_ctl(ADD) is inside ->poll() but not yet on the wait queue,
 * with an empty endpoint: epoll_wait() must report EPOLLOUT (room at the
 * new peer). The module's poll_delay_us holds the poller in that window
 * (it sleeps uninterruptibly: 'D'), so the pair and its ->state_change
 * land there for certain. Old code: ->poll() loaded the target (the full
 * loopback queue) before the delay, the pair found no sleeper to wake,
 * the item never became ready, and epoll_wait() timed out after @sec s (a
 * lost wakeup). epoll, not poll(): poll() polls once more after its
 * timeout and would then see the peer anyway.
 */
struct poller {
	int fd, ep, ctl, ret;
	unsigned int events;
	int sec, started;
	pid_t tid;
};

static void *poller_fn(void *arg)
{
	struct poller *p = arg;
	struct epoll_event ev = { .events = EPOLLOUT };

	p->tid = syscall(SYS_gettid);
	__atomic_store_n(&p->started, 1, __ATOMIC_SEQ_CST);
	p->ctl = epoll_ctl(p->ep, EPOLL_CTL_ADD, p->fd, &ev);
	if (p->ctl)
		return NULL;
	memset(&ev, 0, sizeof(ev));
	p->ret = epoll_wait(p->ep, &ev, 1, p->sec * 1000);
	p->events = ev.events;
	return NULL;
}

#define POLL_DELAY_PARAM "/sys/module/sockwq/parameters/poll_delay_us"

static int set_poll_delay(unsigned int us)
{
	FILE *f = fopen(POLL_DELAY_PARAM, "w");
	int ok;

	if (!f)
		return -1;
	ok = fprintf(f, "%u\n", us) > 0;
	return fclose(f) || !ok ? -1 : 0;
}

static void pollpair_case(int mode, int from_poller, int sec)
{
	struct poller p = { .sec = sec };
	char name[64];
	pthread_t th;
	int a, b, i;

	snprintf(name, sizeof(name), "pollpair/%s/%s", mode_name(mode),
		 from_poller ? "ioctl-on-poller" : "ioctl-on-peer");
	a = dev_open(mode, 0);
	b = dev_open(mode, O_NONBLOCK);
	fill_queue(a);
	p.fd = a;
	p.ep = epoll_create1(0);
	if (p.ep < 0) {
		FAIL("%s: epoll_create1: %s\n", name, strerror(errno));
		goto out;
	}
	if (set_poll_delay(500000)) {
		FAIL("%s: %s: %s\n", name, POLL_DELAY_PARAM, strerror(errno));
		goto out;
	}
	if (pthread_create(&th, NULL, poller_fn, &p)) {
		perror("pthread_create");
		exit(2);
	}
	/* until the poller sleeps in the delay (uninterruptible: 'D') */
	for (i = 0; i < 3000; i++) {
		if (__atomic_load_n(&p.started, __ATOMIC_SEQ_CST) &&
		    task_state(p.tid) == 'D')
			break;
		usleep(1000);
	}
	if (i == 3000)
		FAIL("%s: poller never seen inside the poll delay\n", name);
	if (from_poller ? ioctl(a, SOCKWQ_IOC_PAIR, &b) :
			  ioctl(b, SOCKWQ_IOC_PAIR, &a))
		FAIL("%s: pair: %s\n", name, strerror(errno));
	set_poll_delay(0);
	pthread_join(th, NULL);	/* epoll_wait() has its own timeout */
	if (p.ctl)
		FAIL("%s: epoll_ctl: %s\n", name, strerror(errno));
	else if (p.ret != 1 || !(p.events & EPOLLOUT))
		FAIL("%s: epoll_wait() = %d events %#x after %d s, want EPOLLOUT (lost wakeup)\n",
		     name, p.ret, p.events, sec);
	else
		printf("ok %s\n", name);
out:
	set_poll_delay(0);
	if (p.ep >= 0)
		close(p.ep);
	close(a);
	close(b);
}

/*
 * pairwake / nonblock / pollpair: each case in every mode, with the flag
 * both ways;
 * -w SEC bounds every wait for a call that should return.
 */
static int cmd_blocked(int argc, char **argv, const char *name,
		       void (*one_case)(int mode, int flag, int sec))
{
	int sec = 10, opt, mode;

	while ((opt = getopt(argc, argv, "w:")) != -1) {
		switch (opt) {
		case 'w': sec = atoi(optarg); break;
		default: return 2;
		}
	}
	install_sigusr1();
	for (mode = 0; mode < NMODES; mode++) {
		one_case(mode, 1, sec);
		one_case(mode, 0, sec);
	}
	printf("sockwq-%s: result=%s\n", name, failures ? "FAIL" : "ok");
	return failures ? 1 : 0;
}

/* ----------------------------------------------------------------- bench */

struct bench_run {
	int wfd, rfd;
	uint64_t n, got, wakeups;
};

static void *bench_reader(void *arg)
{
	struct bench_run *r = arg;
	struct pollfd pfd = { .fd = r->rfd, .events = POLLIN };
	char buf[64];

	while (r->got < r->n) {
		if (poll(&pfd, 1, -1) < 0)
			continue;
		r->wakeups++;
		while (read(r->rfd, buf, sizeof(buf)) > 0)
			r->got++;
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * One (variant) line in the rcunet core's bench format, with the role
 * tokens the core prints: "role twin same_work_as previous path" in @roles
 * (previous=-: no earlier stage of these device variants is measured).
 */
static void bench_variant(const char *name, const char *roles, int kind,
			  uint64_t n, int runs)
{
	uint64_t ps[64], wk = 0, ns_total = 0;
	char msg[16] = "0123456789abcde";
	int r;

	for (r = 0; r < runs + 1; r++) {	/* run 0 warms up */
		struct bench_run br = { .n = n };
		int sv[2];
		pthread_t th;
		uint64_t i, t0, dt;

		if (kind < 0) {
			if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv)) {
				printf("module=sockwq variant=%s threads=1 loops=%llu runs=%d error=%d\n",
				       name, (unsigned long long)n, runs, -errno);
				return;
			}
			br.wfd = sv[0];
			br.rfd = sv[1];
			fcntl(br.rfd, F_SETFL, O_NONBLOCK);
		} else {
			br.wfd = dev_open(kind, 0);
			br.rfd = dev_open(kind, O_NONBLOCK);
			ioctl(br.wfd, SOCKWQ_IOC_PAIR, &br.rfd);
		}
		pthread_create(&th, NULL, bench_reader, &br);
		t0 = now_ns();
		for (i = 0; i < n; i++)
			if (write(br.wfd, msg, sizeof(msg)) != sizeof(msg))
				i--;
		pthread_join(th, NULL);
		dt = now_ns() - t0;
		close(br.wfd);
		close(br.rfd);
		if (!r)
			continue;
		ps[r - 1] = dt * 1000 / n;
		wk += br.wakeups;
		ns_total += dt;
	}
	qsort(ps, runs, sizeof(ps[0]), cmp_u64);
	printf("module=sockwq variant=%s op=send+wakeup threads=1 loops=%llu runs=%d ns_per_op_median=%llu.%03llu ns_per_op_min=%llu.%03llu ns_per_op_max=%llu.%03llu ops_per_sec=%llu %s per_thread_ns=%llu.%03llu wakeups_per_sec=%llu\n",
	       name, (unsigned long long)n, runs,
	       (unsigned long long)ps[runs / 2] / 1000,
	       (unsigned long long)ps[runs / 2] % 1000,
	       (unsigned long long)ps[0] / 1000,
	       (unsigned long long)ps[0] % 1000,
	       (unsigned long long)ps[runs - 1] / 1000,
	       (unsigned long long)ps[runs - 1] % 1000,
	       (unsigned long long)(1000000000000ull / (ps[runs / 2] ?: 1)),
	       roles,
	       (unsigned long long)ps[runs / 2] / 1000,
	       (unsigned long long)ps[runs / 2] % 1000,
	       (unsigned long long)(wk * 1000000000ull / (ns_total ?: 1)));
}

static int cmd_bench(int argc, char **argv)
{
	uint64_t n = 20000;
	int runs = 3, opt;

	while ((opt = getopt(argc, argv, "n:r:")) != -1) {
		switch (opt) {
		case 'n': n = strtoull(optarg, NULL, 0); break;
		case 'r': runs = atoi(optarg); break;
		default: return 2;
		}
	}
	if (!n || runs < 1 || runs > 63)
		return 2;
	/*
	 * kernel_unix sends through AF_UNIX (skb, unix_dgram_sendmsg()), not
	 * through our queue: other work, so no same_work_as.
	 */
	bench_variant("kernel_unix",
		      "role=peer twin=dev_legacy same_work_as=- previous=- path=fast", -1, n, runs);
	bench_variant("dev_rcu",
		      "role=lockless twin=dev_legacy same_work_as=dev_legacy previous=- path=fast",
		      SOCKWQ_MODE_RCU, n, runs);
	bench_variant("dev_legacy",
		      "role=locked twin=- same_work_as=dev_legacy previous=- path=fast",
		      SOCKWQ_MODE_LEGACY, n, runs);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		goto usage;
	if (!strcmp(argv[1], "stress"))
		return cmd_stress(argc - 1, argv + 1);
	if (!strcmp(argv[1], "closerace"))
		return cmd_closerace(argc - 1, argv + 1);
	if (!strcmp(argv[1], "sigio"))
		return cmd_sigio(argc - 1, argv + 1);
	if (!strcmp(argv[1], "badinput"))
		return cmd_badinput(argc - 1, argv + 1);
	if (!strcmp(argv[1], "bench"))
		return cmd_bench(argc - 1, argv + 1);
	if (!strcmp(argv[1], "openmode"))
		return cmd_openmode(argc - 1, argv + 1);
	if (!strcmp(argv[1], "pairwake"))
		return cmd_blocked(argc - 1, argv + 1, "pairwake",
				   pairwake_case);
	if (!strcmp(argv[1], "nonblock"))
		return cmd_blocked(argc - 1, argv + 1, "nonblock",
				   nonblock_case);
	if (!strcmp(argv[1], "pollpair"))
		return cmd_blocked(argc - 1, argv + 1, "pollpair",
				   pollpair_case);
usage:
	fprintf(stderr, "usage: swq_stress stress|closerace|sigio|badinput|openmode|bench|pairwake|nonblock|pollpair [options]\n");
	return 2;
}
