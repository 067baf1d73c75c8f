// SPDX-License-Identifier: GPL-2.0
/*
 * ipeer_ctl: drives /proc/rcunet/inetpeer/control fast, one command per
 * write(), for the in-guest tests.
 *
 *   ipeer_ctl fill FIRST COUNT   get + put of COUNT IPv4 peers from
 *                                10.0.0.0 + FIRST: unused peers
 *   ipeer_ctl loop ADDR STOPFILE get + put of ADDR until STOPFILE exists;
 *                                prints "ops=N errors=N"
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CONTROL "/proc/rcunet/inetpeer/control"

static int ctl_fd;

static int cmd(const char *verb, const char *addr)
{
	char line[96];
	int n = snprintf(line, sizeof(line), "%s %s\n", verb, addr);

	if (write(ctl_fd, line, n) != n) {
		fprintf(stderr, "ipeer_ctl: '%s %s': %s\n", verb, addr,
			strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char addr[32];
	long i, first, count, ops = 0, errors = 0;
	unsigned int a;

	ctl_fd = open(CONTROL, O_WRONLY);
	if (ctl_fd < 0) {
		perror(CONTROL);
		return 1;
	}
	if (argc == 4 && !strcmp(argv[1], "fill")) {
		first = atol(argv[2]);
		count = atol(argv[3]);
		for (i = 0; i < count; i++) {
			a = 0x0a000000u + (unsigned int)(first + i);
			snprintf(addr, sizeof(addr), "%u.%u.%u.%u", a >> 24,
				 (a >> 16) & 255, (a >> 8) & 255, a & 255);
			if (cmd("get", addr) || cmd("put", addr))
				return 1;
		}
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "loop")) {
		while (access(argv[3], F_OK)) {
			errors += cmd("get", argv[2]) < 0;
			errors += cmd("put", argv[2]) < 0;
			ops++;
		}
		printf("ops=%ld errors=%ld\n", ops, errors);
		return errors ? 1 : 0;
	}
	fprintf(stderr, "usage: ipeer_ctl fill FIRST COUNT | loop ADDR STOPFILE\n");
	return 2;
}
