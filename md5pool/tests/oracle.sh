# rcunet-timeout: 150
# The kernel's own TCP-MD5 as the oracle: a loopback TCP connection with
# TCP_MD5SIG (IPv4 and IPv6), every captured segment (SYN, SYN-ACK, data,
# ACK, FIN) fed to /proc/rcunet/md5pool/sign must match the signature the
# kernel put on the wire, through all three variants. With one key byte flipped
# in md5pool every segment must mismatch (the oracle can fail).
# shellcheck source-path=SCRIPTDIR source=../../scripts/guest/lib.sh
. /rcunet/guest/lib.sh

KEY=72636e65742d6d643570	# "rcnet-md5p"
BAD=72636e65742d6d643571	# last byte flipped
rc=0

run_oracle() {	# NAME FAMILY [expect-fail]
	# shellcheck disable=SC3043 # busybox ash has local
	local out r
	out=$(md5sig_oracle -f "$2" -k "$KEY" ${3:+-q} 2>&1)
	r=$?
	echo "rcunet: $1: $out"
	if [ -z "$3" ]; then
		if [ $r -eq 0 ] && echo "$out" | grep -q 'mismatch=0 absent=0 errors=0'; then
			case_ok "$1"
		else
			case_fail "$1" "exit $r: $(echo "$out" | tail -n 1)"
			rc=1
		fi
	else
		# every segment must mismatch: match=0, mismatch=segments
		segs=$(echo "$out" | sed -n 's/.* segments=\([0-9]*\).*/\1/p' | tail -n 1)
		if [ $r -eq 1 ] && [ -n "$segs" ] && [ "$segs" -gt 0 ] &&
		   echo "$out" | grep -q " match=0 mismatch=$segs "; then
			case_ok "$1"
		else
			case_fail "$1" "flipped key not caught: exit $r: $(echo "$out" | tail -n 1)"
			rc=1
		fi
	fi
}

ctl md5pool "key_add 127.0.0.1 $KEY" || exit 1
ctl md5pool "key_add ::1 $KEY" || exit 1

for v in percpu legacy stack; do
	ctl md5pool "sign_variant $v" || exit 1
	run_oracle "oracle/$v/ipv4" 4
	run_oracle "oracle/$v/ipv6" 6
done
ctl md5pool "sign_variant percpu"

ctl md5pool "key_del 127.0.0.1"
ctl md5pool "key_add 127.0.0.1 $BAD"
ctl md5pool "key_del ::1"
ctl md5pool "key_add ::1 $BAD"
run_oracle "oracle/flipped_key_fails/ipv4" 4 fail
run_oracle "oracle/flipped_key_fails/ipv6" 6 fail

ctl md5pool "key_del 127.0.0.1"
ctl md5pool "key_del ::1"
{ grep -qx 'legacy_allocated: no' /proc/rcunet/md5pool/stats &&
	grep -qx 'legacy_users: 0' /proc/rcunet/md5pool/stats; } ||
	{ case_fail oracle/legacy_pool_freed "$(cat /proc/rcunet/md5pool/stats)"; rc=1; }
exit $rc
