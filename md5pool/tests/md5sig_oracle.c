// SPDX-License-Identifier: GPL-2.0
/*
 * md5sig_oracle: the kernel's own TCP-MD5 as the oracle for md5pool.
 *
 *   md5sig_oracle -f 4|6 -k KEYHEX [-s SIGNFILE] [-x] [-q]
 *   md5sig_oracle -w PACKETHEX [-s SIGNFILE]
 *
 * Opens an AF_PACKET socket on lo, sets TCP_MD5SIG with KEYHEX on a real
 * loopback TCP connection (listener and client), exchanges data of several
 * sizes both ways, closes, and feeds every captured segment of the
 * connection (outgoing copies only, so each is seen once) to SIGNFILE
 * (/proc/rcunet/md5pool/sign). The md5pool key must already be set for the
 * loopback address. Prints one summary line; with -x prints every packet
 * in hex (to capture test vectors). Exit 0 when every segment carried an
 * MD5 option and md5pool's signature matched it, 1 otherwise, 2 on a setup
 * error.
 *
 * -w writes one packet given in hex to SIGNFILE and prints the line read
 * back; a rejected write prints the error (strerror) on stderr, exit 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXPKT 70000

static int family = 4, hexdump, quiet;
static const char *signfile = "/proc/rcunet/md5pool/sign";
static unsigned char key[80];
static int keylen;

static void die(const char *what)
{
	fprintf(stderr, "md5sig_oracle: %s: %s\n", what, strerror(errno));
	exit(2);
}

static int parse_hex(const char *s)
{
	int n = 0;
	unsigned int b;

	if (strlen(s) % 2 || strlen(s) / 2 > sizeof(key) || !*s)
		return -1;
	for (; *s; s += 2) {
		if (sscanf(s, "%2x", &b) != 1)
			return -1;
		key[n++] = b;
	}
	return n;
}

static socklen_t make_addr(struct sockaddr_storage *ss, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == 4) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof(*a);
	}
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	a6->sin6_family = AF_INET6;
	a6->sin6_port = htons(port);
	a6->sin6_addr = in6addr_loopback;
	return sizeof(*a6);
}

static void set_md5(int fd)
{
	struct tcp_md5sig sig;

	memset(&sig, 0, sizeof(sig));
	make_addr(&sig.tcpm_addr, 0);
	sig.tcpm_keylen = keylen;
	memcpy(sig.tcpm_key, key, keylen);
	if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof(sig)))
		die("setsockopt TCP_MD5SIG");
}

static void xfer(int from, int to, size_t len)
{
	static char buf[65536];
	size_t got = 0;
	ssize_t n;

	memset(buf, (int)len, len);
	if (send(from, buf, len, 0) != (ssize_t)len)
		die("send");
	while (got < len) {
		n = recv(to, buf, sizeof(buf), 0);
		if (n <= 0)
			die("recv");
		got += n;
	}
}

static int write_one(const char *hex)
{
	static unsigned char buf[MAXPKT];
	char line[128];
	size_t n = 0, len = strlen(hex);
	unsigned int b;
	ssize_t r;
	int fd;

	if (len % 2 || len / 2 > sizeof(buf))
		return 2;
	for (; n < len / 2; n++) {
		if (sscanf(hex + 2 * n, "%2x", &b) != 1)
			return 2;
		buf[n] = b;
	}
	fd = open(signfile, O_RDWR);
	if (fd < 0)
		die(signfile);
	if (write(fd, buf, n) != (ssize_t)n) {
		fprintf(stderr, "sign: %s\n", strerror(errno));
		return 1;
	}
	r = pread(fd, line, sizeof(line) - 1, 0);
	if (r < 0) {
		fprintf(stderr, "sign read: %s\n", strerror(errno));
		return 1;
	}
	line[r] = '\0';
	fputs(line, stdout);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *one_hex = NULL;
	static unsigned char pkt[MAXPKT];
	static const size_t sizes[] = { 1, 64, 1460, 4000, 20000 };
	unsigned int total = 0, match = 0, mismatch = 0, absent = 0, bad = 0;
	unsigned int syn = 0, synack = 0, data = 0, fin = 0;
	int ps, lfd, cfd, afd, sfd, opt, one = 1, port;
	struct sockaddr_storage ss;
	struct sockaddr_ll sll;
	socklen_t sl;
	size_t i;

	while ((opt = getopt(argc, argv, "f:k:s:w:xq")) != -1) {
		switch (opt) {
		case 'f': family = atoi(optarg); break;
		case 'k': keylen = parse_hex(optarg); break;
		case 's': signfile = optarg; break;
		case 'x': hexdump = 1; break;
		case 'q': quiet = 1; break;
		case 'w': one_hex = optarg; break;
		default: return 2;
		}
	}
	if (one_hex)
		return write_one(one_hex);
	if ((family != 4 && family != 6) || keylen <= 0) {
		fprintf(stderr, "usage: md5sig_oracle -f 4|6 -k KEYHEX [-s FILE] [-x] | -w HEX\n");
		return 2;
	}

	ps = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
	if (ps < 0)
		die("socket AF_PACKET");
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = if_nametoindex("lo");
	if (!sll.sll_ifindex || bind(ps, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind AF_PACKET lo");
	opt = 4 << 20;
	setsockopt(ps, SOL_SOCKET, SO_RCVBUF, &opt, sizeof(opt));

	lfd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	set_md5(lfd);
	sl = make_addr(&ss, 0);
	if (bind(lfd, (struct sockaddr *)&ss, sl) || listen(lfd, 1))
		die("bind/listen");
	if (getsockname(lfd, (struct sockaddr *)&ss, &sl))
		die("getsockname");
	port = ntohs(family == 4 ? ((struct sockaddr_in *)&ss)->sin_port :
		     ((struct sockaddr_in6 *)&ss)->sin6_port);

	cfd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_STREAM, 0);
	if (cfd < 0)
		die("socket");
	set_md5(cfd);
	setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	sl = make_addr(&ss, port);
	if (connect(cfd, (struct sockaddr *)&ss, sl))
		die("connect");
	afd = accept(lfd, NULL, NULL);
	if (afd < 0)
		die("accept");
	setsockopt(afd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		xfer(cfd, afd, sizes[i]);
		xfer(afd, cfd, sizes[i]);
	}
	close(cfd);
	close(afd);
	close(lfd);
	usleep(300000);

	sfd = open(signfile, O_RDWR);
	if (sfd < 0)
		die(signfile);
	for (;;) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		const struct tcphdr *th;
		char line[128];
		ssize_t n, r;
		int off, proto, flags;

		n = recvfrom(ps, pkt, sizeof(pkt), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl);
		if (n < 0) {
			if (errno == EAGAIN)
				break;
			die("recvfrom");
		}
		if (from.sll_pkttype != PACKET_OUTGOING)
			continue;
		if (family == 4) {
			if (ntohs(from.sll_protocol) != ETH_P_IP || n < 20)
				continue;
			off = (pkt[0] & 15) * 4;
			proto = pkt[9];
		} else {
			if (ntohs(from.sll_protocol) != ETH_P_IPV6 || n < 40)
				continue;
			off = 40;
			proto = pkt[6];
		}
		if (proto != IPPROTO_TCP || n < off + 20)
			continue;
		th = (const struct tcphdr *)(pkt + off);
		if (ntohs(th->source) != port && ntohs(th->dest) != port)
			continue;
		total++;
		flags = pkt[off + 13];
		if ((flags & 0x12) == 0x02)
			syn++;
		else if ((flags & 0x12) == 0x12)
			synack++;
		else if (flags & 0x01)
			fin++;
		else if (n > off + th->doff * 4)
			data++;
		if (hexdump) {
			printf("packet %u len %zd: ", total, n);
			for (r = 0; r < n; r++)
				printf("%02x", pkt[r]);
			printf("\n");
		}
		if (write(sfd, pkt, n) != n) {
			fprintf(stderr, "md5sig_oracle: sign write: %s\n",
				strerror(errno));
			bad++;
			continue;
		}
		r = pread(sfd, line, sizeof(line) - 1, 0);
		if (r <= 0) {
			bad++;
			continue;
		}
		line[r] = '\0';
		if (strstr(line, "match=yes")) {
			match++;
		} else if (strstr(line, "match=absent")) {
			absent++;
		} else {
			mismatch++;
			if (!quiet)
				fprintf(stderr, "mismatch: segment %u flags 0x%02x len %zd: %s",
					total, flags, n, line);
		}
	}
	printf("oracle family=%d segments=%u syn=%u synack=%u data=%u fin=%u match=%u mismatch=%u absent=%u errors=%u\n",
	       family, total, syn, synack, data, fin, match, mismatch, absent,
	       bad);
	if (!total || !syn || !synack || !data)
		return 1;
	return match == total ? 0 : 1;
}
