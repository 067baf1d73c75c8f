// SPDX-License-Identifier: GPL-2.0
/*
 * rcunet compat probe FD_FILE: struct fd is read through fd_file().
 * 6.12 packs the file pointer and the flags into one word, and the
 * .file member is gone; older kernels have the member and no accessor.
 */
#include <linux/module.h>
#include <linux/file.h>

int rcunet_probe_fd_file(unsigned int n);
int rcunet_probe_fd_file(unsigned int n)
{
	struct fd f = fdget(n);
	int ret = fd_file(f) ? 1 : 0;

	fdput(f);
	return ret;
}

MODULE_LICENSE("GPL");
