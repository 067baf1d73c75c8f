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

# stage_tests DEST BINCACHE: copy every module's tests/ into DEST/tests/<module>/
# and its static test programs (tests/*.c, built once into BINCACHE and
# rebuilt when any .c/.h of the module changed) into DEST/bin/. Used for the
# guest initramfs and for bench-host's /rcunet alike.
stage_tests() {
	local dest=$1 bins=$2 dir mod c b
	mkdir -p "$dest/bin" "$bins"
	for dir in "$RCUNET_TOP"/*/tests; do
		[ -d "$dir" ] || continue
		mod=$(basename "$(dirname "$dir")")
		mkdir -p "$dest/tests/$mod"
		find "$dir" -maxdepth 1 -type f ! -name '*.c' ! -name '*.h' \
			-exec cp {} "$dest/tests/$mod/" \;
		for c in "$dir"/*.c; do
			[ -f "$c" ] || continue
			b=$bins/$(basename "$c" .c)
			if [ ! -x "$b" ] ||
			   [ -n "$(find "$(dirname "$dir")" -newer "$b" -name '*.[ch]' -print -quit)" ]; then
				gcc -static -O2 -g -Wall -Werror -pthread -I"$dir" -o "$b" "$c" ||
					die "building test program $c failed"
			fi
			cp "$b" "$dest/bin/"
		done
	done
}
