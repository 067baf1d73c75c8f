# shellcheck shell=bash
# Shared settings for rcunet scripts: where caches live, how to log.
# Sourced, never run.

RCUNET_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Everything downloaded or built outside git lives here (kernels, initramfs).
RCUNET_CACHE=${RCUNET_CACHE:-/var/cache/rcunet}
# Per-run artefacts (console logs, module builds) live in the tree, git-ignored.
RCUNET_OUT=${RCUNET_OUT:-$RCUNET_TOP/out}

say() { printf '[rcunet %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }

# The Debian 6.1 ABI whose headers are installed, e.g. 6.1.0-41-amd64.
stock_kver() {
	local d
	for d in /usr/src/linux-headers-*-amd64; do
		[ -d "$d" ] || continue
		basename "$d" | sed 's/^linux-headers-//'
	done | sort -V | tail -n 1
}

# The unpacked linux-source tree (checkpatch.pl, coccinelle scripts).
source_tree() {
	local t
	t=$(ls -d "$RCUNET_CACHE"/src/linux-source-6.1-*/ 2>/dev/null | sort -V | tail -n 1)
	[ -n "$t" ] || die "linux source not unpacked: run scripts/setup"
	echo "${t%/}"
}

# Every C source and header of rcunet, relative to the top.
rcunet_c_files() {
	(cd "$RCUNET_TOP" && git ls-files -co --exclude-standard -- '*.c' '*.h' |
		grep -v '^scripts/cocci/' | grep -v '/tests/' | sort)
}
