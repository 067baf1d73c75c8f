# md5pool torture hooks (busybox sh), called by scripts/guest/run-torture:
#
#   sh md5pool.sh setup   after every insmod of md5pool: the loopback keys
#   sh md5pool.sh load    userspace load until killed or /tmp/torture/stop
#
# The load goes through the real interfaces: two signers write the
# committed kernel-signed vectors to /proc/rcunet/md5pool/sign while a key
# flipper deletes and re-adds the loopback keys, alternating the right key
# with another one, and flips sign_variant; a reader lists stats and keys
# and makes bad control writes. Every signature must be the one of a whole
# key: the right one (match=yes, the kernel's signature) or the other one
# (match=no, and exactly the reference md5sum computes over the same bytes),
# or no key at all (ENOKEY). A torn key matches neither. While md5pool is
# reloaded under us, a missing or vanishing file is counted, not failed.
P=/proc/rcunet/md5pool
T=/tmp/torture
VEC=/rcunet/tests/md5pool/vectors.txt
KEY=72636e65742d6d643570		# the vectors' key ("rcnet-md5p")
KEY2=746f72747572652d6b65792d74776f2d6c6f6e676572	# another, longer one
BAD=10.99.99.99				# never a key: bad writes must not add it

mkdir -p "$T"
fail() { echo "load: $*" >>"$T/md5pool.fail"; }

if [ "$1" = setup ]; then
	for a in 127.0.0.1 ::1; do
		echo "key_add $a $KEY" >"$P/control" 2>/dev/null
	done
	exit 0
fi
[ "$1" = load ] || { echo "usage: md5pool.sh setup|load" >&2; exit 2; }

# md5in HEXPACKET KEYHEX: the RFC 2385 input (pseudo-header, TCP header with
# a zero checksum, payload, key) in hex, parsed from the raw packet.
md5in() {
	echo "$1" | awk -v key="$2" '
	function byte(h, i) { return index("0123456789abcdef", substr(h, i, 1)) * 16 - 17 + index("0123456789abcdef", substr(h, i + 1, 1)) }
	{
		h = $0
		if (substr(h, 1, 1) == "4") {
			ihl = (index("0123456789abcdef", substr(h, 2, 1)) - 1) * 4
			tot = byte(h, 5) * 256 + byte(h, 7)
			seglen = tot - ihl
			ph = substr(h, 25, 16) "0006" sprintf("%04x", seglen)
			tcp = substr(h, ihl * 2 + 1, seglen * 2)
		} else {
			seglen = byte(h, 9) * 256 + byte(h, 11)
			ph = substr(h, 17, 64) sprintf("%08x", seglen) "00000006"
			tcp = substr(h, 81, seglen * 2)
		}
		doff = int(byte(tcp, 25) / 16) * 4
		printf "%s%s0000%s%s%s\n", ph, substr(tcp, 1, 32), substr(tcp, 37, 4), substr(tcp, doff * 2 + 1), key
	}'
}
ref() { md5in "$1" "$2" | xxd -r -p | md5sum | cut -d' ' -f1; }

VECS=$(awk '$1 == "v4" || $1 == "v6" { print $3 }' "$VEC")
[ -n "$VECS" ] || { fail "no vectors in $VEC"; exit 1; }

# each vector with its two references: "HEX REF(KEY) REF(KEY2)"
REFS=$T/md5pool.refs
for v in $VECS; do
	echo "$v $(ref "$v" "$KEY") $(ref "$v" "$KEY2")"
done >"$REFS"

# signer N: sign every vector over and over; counts in $T/md5pool.n.N
signer() {
	# shellcheck disable=SC3043 # busybox ash has local
	local n=0 gone=0 out v r1 r2
	while [ ! -e "$T/stop" ]; do
		while read -r v r1 r2; do
			out=$(md5sig_oracle -w "$v" 2>&1)
			case "$out" in
			"sig=$r1 match=yes") ;;
			"sig=$r2 match=no") ;;
			*"Required key not available"*) ;;
			*"No such file"*|*"No such device"*|*"Input/output error"*)
				gone=$((gone + 1)) ;;
			*) fail "signer $1: '$out' (key ref $r1, key2 ref $r2)" ;;
			esac
			n=$((n + 1))
		done <"$REFS"
		echo "$n $gone" >"$T/md5pool.n.$1"
	done
}

# flipper: the keys come and go, the right one and the other one in turn
flipper() {
	# shellcheck disable=SC3043 # busybox ash has local
	local n=0 k
	while [ ! -e "$T/stop" ]; do
		for k in "$KEY2" "$KEY"; do
			for a in 127.0.0.1 ::1; do
				echo "key_del $a" >"$P/control" 2>/dev/null
				echo "key_add $a $k" >"$P/control" 2>/dev/null
			done
			echo "sign_variant legacy" >"$P/control" 2>/dev/null
			echo "sign_variant stack" >"$P/control" 2>/dev/null
			echo "sign_variant percpu" >"$P/control" 2>/dev/null
			n=$((n + 7))
		done
		echo "$n 0" >"$T/md5pool.n.flip"
	done
}

# reader: stats and keys listed, bad input refused and leaving no trace
reader() {
	# shellcheck disable=SC3043 # busybox ash has local
	local n=0 s
	while [ ! -e "$T/stop" ]; do
		if s=$(cat "$P/stats" 2>/dev/null); then
			case "$(echo "$s" | sed -n 's/^pool_allocs: //p')" in
			0|1) ;;
			*) fail "stats: percpu pool built more than once: $(echo "$s" | grep '^pool_allocs:')" ;;
			esac
			case "$(echo "$s" | sed -n 's/^stack_allocs: //p')" in
			0|1) ;;
			*) fail "stats: stack tfm built more than once: $(echo "$s" | grep '^stack_allocs:')" ;;
			esac
		fi
		echo "key_add $BAD zz" >"$P/control" 2>/dev/null &&
			fail "key_add with bad hex accepted"
		echo "key_add $BAD $(printf '%0162d' 0)" >"$P/control" 2>/dev/null &&
			fail "key_add with an 81-byte key accepted"
		echo "key_add 300.1.1.1 00" >"$P/control" 2>/dev/null &&
			fail "key_add with a bad address accepted"
		if s=$(cat "$P/keys" 2>/dev/null); then
			case "$s" in
			*"$BAD"*) fail "a refused key_add left a key: $s" ;;
			esac
		fi
		n=$((n + 5))
		echo "$n 0" >"$T/md5pool.n.read"
		sleep 0.05
	done
}

pids=
signer 1 & pids="$pids $!"
signer 2 & pids="$pids $!"
flipper & pids="$pids $!"
reader & pids="$pids $!"
trap 'kill $pids 2>/dev/null; exit 0' TERM INT

# the runner reads the sum now and then
while [ ! -e "$T/stop" ]; do
	sleep 2
	cat "$T"/md5pool.n.* 2>/dev/null |
		awk '{ n += $1 } END { print n + 0 }' >"$T/md5pool.load-ops.tmp" &&
		mv "$T/md5pool.load-ops.tmp" "$T/md5pool.load-ops"
done
wait
cat "$T"/md5pool.n.* 2>/dev/null | awk '{ n += $1; g += $2 } END { print n + 0 }' \
	>"$T/md5pool.load-ops"
echo "md5pool load: ops=$(cat "$T/md5pool.load-ops") gone=$(cat "$T"/md5pool.n.* | awk '{ g += $2 } END { print g + 0 }')"
exit 0
