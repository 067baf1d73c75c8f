# rcunet-timeout: 150
# /proc/rcunet/md5pool: control commands and their errors, keys listing,
# the sign file on the committed kernel-signed vectors (so the stock
# kernel checks them too) and on malformed packets, stats and cpus.
# shellcheck source-path=SCRIPTDIR source=../../scripts/guest/lib.sh
. /rcunet/guest/lib.sh

P=/proc/rcunet/md5pool
KEY=72636e65742d6d643570
VEC=/rcunet/tests/md5pool/vectors.txt
# lib.sh's ctl uses busybox printf, which hides the write error text;
# echo reports it ("sh: write error: Invalid argument").
# shellcheck disable=SC2317 # called through expect_error
ctl_e() { echo "$2" >"/proc/rcunet/$1/control"; }
vec() { awk -v f="$1" -v n="$2" '$1 == f && $2 == n { print $3 }' "$VEC"; }
V4SYN=$(vec v4 1)
V4DATA=$(vec v4 8)
V6SYNACK=$(vec v6 2)
V6DATA=$(vec v6 4)

for f in control keys sign stats cpus bench variants; do
	check "procfs/exists/$f" test -e "$P/$f"
done

expect_error procfs/key_add/bad_addr "Invalid argument" ctl_e md5pool "key_add 1.2.3 $KEY"
expect_error procfs/key_add/odd_hex "Invalid argument" ctl_e md5pool "key_add 10.0.0.1 abc"
expect_error procfs/key_add/not_hex "Invalid argument" ctl_e md5pool "key_add 10.0.0.1 zz"
expect_error procfs/key_add/key_81_bytes "out of range" ctl_e md5pool \
	"key_add 10.0.0.1 $(printf '%0162d' 0)"
expect_error procfs/key_add/missing_key "Invalid argument" ctl_e md5pool "key_add 10.0.0.1"
check procfs/key_add/key_80_bytes ctl md5pool "key_add 10.0.0.1 $(printf '%0160d' 0)"
check procfs/key_add/key_1_byte ctl md5pool "key_add fe80::1 01"
expect_error procfs/key_add/duplicate "File exists" ctl_e md5pool "key_add 10.0.0.1 00"
check procfs/keys/listed grep -q '^10.0.0.1 keylen=80$' "$P/keys"
check procfs/keys/listed_v6 grep -q '^fe80::1 keylen=1$' "$P/keys"
check procfs/key_del ctl md5pool "key_del 10.0.0.1"
expect_error procfs/key_del/unknown "No such file" ctl_e md5pool "key_del 10.0.0.1"
check procfs/keys/unlisted sh -c "! grep -q '^10.0.0.1 ' $P/keys"
check procfs/key_del/v6 ctl md5pool "key_del fe80::1"
check procfs/control/usage_names_roles grep -q '^sign_variant percpu (lockless) | legacy (locked) | stack (lockless)$' "$P/control"
# stat_of KEY: the value of one "key: value" line of stats
stat_of() { sed -n "s/^$1: //p" "$P/stats"; }
errors_before=$(stat_of errors)
expect_error procfs/sign_variant/unknown "Invalid argument" ctl_e md5pool "sign_variant fast"
check procfs/stats/errors_counted test "$(stat_of errors)" -gt "$errors_before"
check procfs/stats/sign_variant_role sh -c "grep -qx 'sign_variant: percpu' $P/stats && grep -qx 'sign_variant_role: lockless' $P/stats"
expect_error procfs/unknown_command "Invalid argument" ctl_e md5pool "frobnicate"

# unknown peer: no key for 127.0.0.1 / ::1 yet
expect_error procfs/sign/unknown_peer "Required key not available" md5sig_oracle -w "$V4SYN"

ctl md5pool "key_add 127.0.0.1 $KEY"
ctl md5pool "key_add ::1 $KEY"
sign_is() {	# NAME HEX EXPECTED-MATCH
	# shellcheck disable=SC3043 # busybox ash has local
	local out
	out=$(md5sig_oracle -w "$2" 2>&1)
	if echo "$out" | grep -Eq "^sig=[0-9a-f]{32} match=$3\$"; then
		case_ok "$1"
	else
		case_fail "$1" "got '$out'"
	fi
}
for v in percpu legacy stack; do
	ctl md5pool "sign_variant $v"
	[ $v = legacy ] && check procfs/stats/sign_variant_role_legacy \
		grep -qx 'sign_variant_role: locked' "$P/stats"
	check "procfs/stats/sign_variant_$v" grep -qx "sign_variant: $v" "$P/stats"
	sign_is "procfs/sign/$v/vector_v4_syn" "$V4SYN" yes
	sign_is "procfs/sign/$v/vector_v4_data64" "$V4DATA" yes
	sign_is "procfs/sign/$v/vector_v6_synack" "$V6SYNACK" yes
	sign_is "procfs/sign/$v/vector_v6_data1" "$V6DATA" yes
done
# the stack variant's only allocation: one shared tfm, built once
check procfs/stats/stack_allocated sh -c "grep -qx 'stack_allocated: yes' $P/stats && grep -qx 'stack_allocs: 1' $P/stats"
ctl md5pool "sign_variant percpu"
# the MD5 option kind (byte 42) changed to an unknown kind 30
sign_is procfs/sign/no_md5_option_absent \
	"$(echo "$V4SYN" | cut -c1-84)1e$(echo "$V4SYN" | cut -c87-)" absent
# the last payload byte flipped
sign_is procfs/sign/payload_flipped_no "${V4DATA%??}41" no

expect_error procfs/sign/truncated_ip "Invalid argument" md5sig_oracle -w 4500
expect_error procfs/sign/truncated_tcp "Invalid argument" md5sig_oracle -w "$(echo "$V4SYN" | cut -c1-70)"
expect_error procfs/sign/truncated_v6 "Invalid argument" md5sig_oracle -w "$(echo "$V6DATA" | cut -c1-100)"
expect_error procfs/sign/bad_version "Invalid argument" md5sig_oracle -w "9${V4SYN#?}"
# data offset 4 (byte 32 = 0x42)
expect_error procfs/sign/bad_data_offset "Invalid argument" md5sig_oracle -w \
	"$(echo "$V4SYN" | cut -c1-64)42$(echo "$V4SYN" | cut -c67-)"
# protocol UDP (byte 9 = 0x11)
expect_error procfs/sign/not_tcp "Protocol not supported" md5sig_oracle -w \
	"$(echo "$V4SYN" | cut -c1-18)11$(echo "$V4SYN" | cut -c21-)"
# random garbage of every length up to 24 bytes must be rejected or signed
garbage_ok=1
i=1
while [ $i -le 24 ]; do
	hex=$(head -c $i /dev/urandom | od -An -tx1 | tr -d ' \n')
	md5sig_oracle -w "$hex" >/dev/null 2>&1
	[ $? -le 1 ] || garbage_ok=0
	i=$((i + 1))
done
check procfs/sign/garbage_rejected_cleanly test $garbage_ok = 1
ctl md5pool "key_del 127.0.0.1"
ctl md5pool "key_del ::1"

# stats: "key: value", one per line, ops and errors first
check procfs/stats/ops_errors_first sh -c "head -n 2 $P/stats | sed 's/: [0-9]*\$//' | tr '\n' ' ' | grep -qx 'ops errors '"
check procfs/stats/key_value_lines sh -c "! grep -qv '^[a-z_0-9]*: [^ ]*\$' $P/stats"
check procfs/stats/pool_allocated sh -c "grep -qx 'pool_allocated: yes' $P/stats && grep -qx 'pool_allocs: 1' $P/stats"
# 12 signatures above (4 vectors x 3 variants), more from the bad-key runs
check procfs/stats/ops_counted test "$(stat_of ops)" -ge 12
check procfs/cpus/one_line_per_cpu sh -c "! grep -qv '^cpu[0-9][0-9]* signed=[0-9][0-9]*\$' $P/cpus && grep -q . $P/cpus"
check procfs/cpus/signed_counted sh -c "awk '{ split(\$2, a, \"=\"); s += a[2] } END { exit !(s >= 4) }' $P/cpus"
check procfs/stats/legacy_freed sh -c "grep -qx 'legacy_allocated: no' $P/stats && grep -qx 'legacy_users: 0' $P/stats"
cat "$P/stats" "$P/cpus"

# bench spec errors
expect_error procfs/bench/bad_size "Numerical result out of range" sh -c "echo 'variant=percpu size=100000' > $P/bench"
expect_error procfs/bench/unknown_key "Invalid argument" sh -c "echo 'variant=percpu colour=red' > $P/bench"
expect_error procfs/bench/unknown_variant "Invalid argument" sh -c "echo 'variant=nope' > $P/bench"
# every variant measured: the five fast-path ones carry size=, the three
# slow-path ones (pool-alloc+free) none
check procfs/bench/all_variants_run sh -c "echo 'variant=all threads=1 loops=50 runs=1 size=1460' > $P/bench &&
	[ \$(grep -c 'ns_per_op_median=.* path=fast.* size=1460' $P/bench) -eq 5 ] &&
	[ \$(grep -c 'ns_per_op_median=.* path=slow' $P/bench) -eq 3 ]"
cat "$P/bench"
exit 0
