/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcunet compat: the few kernel APIs whose spelling differs between the
 * kernels rcunet builds for (Debian's 6.1 and 6.12 so far).
 *
 * Which API a kernel has is decided by compile probes, never by version
 * numbers: a distro backport (6.1.y carries several) would fool a
 * LINUX_VERSION_CODE test. compat/probe compiles compat/probes/<feature>.c
 * against the target tree when the top-level Kbuild is read, and every
 * object is built with -include of the result, which defines
 * RCUNET_HAVE_<FEATURE> for each feature present. This header only maps
 * the older spelling onto the newer one, so the modules are written
 * against the newer API.
 */
#ifndef _RCUNET_COMPAT_H
#define _RCUNET_COMPAT_H

#ifndef RCUNET_COMPAT_GENERATED
#error "build rcunet through its top-level Kbuild: it runs compat/probe"
#endif

#include <linux/file.h>
#include <linux/random.h>
#include <linux/prandom.h>

/* Before 6.12, struct fd has a plain .file member and no accessor. */
#ifndef RCUNET_HAVE_FD_FILE
#define fd_file(f) ((f).file)
#endif

/* prandom_u32_max() is the older name (deprecated in 6.1.y, gone in 6.12). */
#ifndef RCUNET_HAVE_GET_RANDOM_U32_BELOW
static inline u32 get_random_u32_below(u32 ceil)
{
	return prandom_u32_max(ceil);
}
#endif

#endif /* _RCUNET_COMPAT_H */
