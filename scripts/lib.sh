# shellcheck shell=bash
# Shared settings for rcunet scripts: where caches live, how to log.
# Sourced, never run.

RCUNET_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Everything downloaded or built outside git lives here (kernels, initramfs).
RCUNET_CACHE=${RCUNET_CACHE:-/var/cache/rcunet}
# Per-run artefacts (console logs, module builds) live in the tree, git-ignored;
# for an installed copy (the DKMS package's /usr/src/rcunet-<version>) in /var/tmp.
case "$RCUNET_TOP" in
/usr/*) RCUNET_OUT=${RCUNET_OUT:-/var/tmp/rcunet} ;;
*) RCUNET_OUT=${RCUNET_OUT:-$RCUNET_TOP/out} ;;
esac

say() { printf '[rcunet %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }
# kconfig_value FILE KEY: KEY's value in the kernel config FILE (empty if unset)
kconfig_value() { sed -n "s/^$2=//p" "$1" 2>/dev/null | head -n 1; }

# The first sign of a failed torture on a console: a torture FAILURE line
# or the head of a kernel report (scripts/torture stops on it, and both
# torture scripts time and quote the first one).
# Used by the scripts that source this file (torture, torture-selftest).
# shellcheck disable=SC2034
RCUNET_TORTURE_FAILURE_RE='rcunet-torture: FAILURE|BUG:|WARNING:|Oops|list_(add|del) corruption|refcount_t:|INFO: task .* blocked|general protection'

# scripts/kernels.list, the kernels rcunet tests on (see its header).
RCUNET_KERNELS_LIST=$RCUNET_TOP/scripts/kernels.list

# kernel_field NAME FIELD: name|kind|series|when, or the value of a
# key=value word (empty when absent). Fails for an unknown kernel.
kernel_field() {
	awk -v n="$1" -v f="$2" '
		$1 ~ /^#/ || NF < 4 || $1 != n { next }
		{
			found = 1
			if (f == "name") v = $1
			else if (f == "kind") v = $2
			else if (f == "series") v = $3
			else if (f == "when") v = $4
			else for (i = 5; i <= NF; i++)
				if (index($i, f "=") == 1) v = substr($i, length(f) + 2)
			print v
		}
		END { exit !found }' "$RCUNET_KERNELS_LIST" ||
		die "no kernel '$1' in $RCUNET_KERNELS_LIST"
}

# kernel_names [WHEN [KIND]]: the kernels of the list, in list order.
kernel_names() {
	awk -v w="${1:-}" -v k="${2:-}" '
		$1 ~ /^#/ || NF < 4 { next }
		(w == "" || $4 == w) && (k == "" || $2 == k) { print $1 }' \
		"$RCUNET_KERNELS_LIST"
}

# resolve_image_abi NAME: the newest installed headers of an "image"
# kernel's series and flavour: 6.1.0-57-amd64 (bookworm's ABI names),
# 6.12.117+deb12-rt-amd64 (bookworm-security's). Headers of any other
# series or flavour never match (6.1.0-57-rt-amd64 is not flavour amd64).
resolve_image_abi() {
	local series flavour d
	series=$(kernel_field "$1" series)
	flavour=$(kernel_field "$1" flavour)
	for d in /usr/src/linux-headers-"$series".*-"${flavour:-amd64}"; do
		[ -d "$d" ] || continue
		d=$(basename "$d")
		d=${d#linux-headers-}
		if [[ $d =~ ^${series//./\\.}\.(0-[0-9]+|[0-9]+\+deb[0-9]+)-${flavour:-amd64}$ ]]; then
			echo "$d"
		fi
	done | sort -V | tail -n 1
}

# available_image_abi NAME: the newest ABI of an "image" kernel's series
# and flavour that apt offers (for set-up to install its headers).
available_image_abi() {
	local series flavour
	series=$(kernel_field "$1" series)
	flavour=$(kernel_field "$1" flavour)
	apt-cache search --names-only "^linux-headers-${series//./\\.}\\..*-${flavour:-amd64}\$" 2>/dev/null |
		awk '{ print $1 }' | sed 's/^linux-headers-//' |
		grep -E "^${series//./\\.}\\.(0-[0-9]+|[0-9]+\\+deb[0-9]+)-${flavour:-amd64}\$" |
		sort -V | tail -n 1
}

# image_abi NAME: the ABI scripts/setup pinned for an "image" kernel.
image_abi() {
	local pin=$RCUNET_CACHE/stock/$1.abi
	[ -s "$pin" ] || die "kernel '$1' not set up: run scripts/setup"
	cat "$pin"
}

# The stock kernel's ABI (the "stock" entry of kernels.list), as pinned.
stock_kver() { image_abi stock; }

# The unpacked linux-source tree (checkpatch.pl, coccinelle scripts).
source_tree() {
	local t
	t=$(printf '%s\n' "$RCUNET_CACHE"/src/linux-source-6.1-*/ | sort -V | tail -n 1)
	[ -d "$t" ] || die "linux source not unpacked: run scripts/setup"
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

# stage_installed_module DEST KVER NAME: copy module NAME as installed for
# KVER (DKMS or make install; modprobe's own lookup) to DEST/NAME.ko,
# uncompressed, for the guest scripts that insmod /rcunet/modules/NAME.ko.
# Fails when NAME is not installed for KVER.
stage_installed_module() {
	local f
	f=$(modinfo -k "$2" -n "$3" 2>/dev/null) || return 1
	case "$f" in
	*.ko) cp "$f" "$1/$3.ko" ;;
	*.ko.xz) xz -dc "$f" >"$1/$3.ko" ;;
	*.ko.zst) zstd -qdc "$f" >"$1/$3.ko" ;;
	*.ko.gz) gzip -dc "$f" >"$1/$3.ko" ;;
	*) return 1 ;;
	esac
}
