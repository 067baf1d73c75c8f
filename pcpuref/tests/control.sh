# rcunet-timeout: 120
# pcpuref control and devices files: every command, every error, and the
# four variants agreeing on the same hold/put sequence (the tracker's
# control-file holds are untracked ones, counted as such). Provokes no
# splat.
# shellcheck source-path=SCRIPTDIR source=../../scripts/guest/lib.sh
. /rcunet/guest/lib.sh
P=/proc/rcunet/pcpuref
rc=0
# ctl from lib.sh uses printf, which in busybox sh reports no error text on
# a failed write; echo in a child shell does ("write error: No such device").
# shellcheck disable=SC2317 # called through expect_error
ctle() { sh -c 'echo "$1" >/proc/rcunet/pcpuref/control' _ "$1"; }
fail() { case_fail "$@"; rc=1; }
field() { # field DEV KEY: value of KEY= on DEV's devices line (first token: the name)
	awk -v n="$1" -v k="$2=" '$1 == n {
		for (i = 1; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1) }' $P/devices
}
expect_field() { # NAME DEV KEY VALUE
	v=$(field "$2" "$3")
	if [ "$v" = "$4" ]; then case_ok "$1"; else fail "$1" "$2 $3=$v, want $4"; fi
}

for f in control devices holders stats bench variants; do check "pcpuref/file_$f" test -e $P/$f; done
stat_of() { awk -v k="$1:" '$1 == k { print $2 }' $P/stats; }

# stats: "key: value" lines, ops and errors first
if [ "$(awk -F': ' 'NR <= 2 { printf "%s ", $1 }' $P/stats)" = "ops errors " ] &&
   ! grep -qv '^[a-z0-9_]*: [0-9]*$' $P/stats; then
	case_ok pcpuref/stats_format
else
	fail pcpuref/stats_format "$(tr '\n' ' ' <$P/stats)"
fi
# the control file's help names the variants' roles
if grep -q '^register NAME .*percpu (lockless).*atomic (locked).*refcount (locked).*tracker (lockless)' $P/control; then
	case_ok pcpuref/help_names_roles
else
	fail pcpuref/help_names_roles "$(grep ^register $P/control)"
fi
ops0=$(stat_of ops)
errors0=$(stat_of errors)

check pcpuref/register_percpu ctl pcpuref "register cp percpu"
check pcpuref/register_atomic ctl pcpuref "register ca atomic"
check pcpuref/register_refcount ctl pcpuref "register cr refcount"
check pcpuref/register_tracker ctl pcpuref "register ct tracker"
check pcpuref/register_default ctl pcpuref "register cd"
expect_field pcpuref/default_is_percpu cd variant percpu
expect_field pcpuref/fresh_refcnt_is_base cp refcnt 1
expect_field pcpuref/role_percpu cp role lockless
expect_field pcpuref/role_atomic ca role locked
expect_field pcpuref/role_refcount cr role locked
expect_field pcpuref/role_tracker ct role lockless
expect_field pcpuref/fresh_tracked_none ct tracked 0
if [ "$(stat_of devices_percpu)" -ge 2 ] && [ "$(stat_of devices_atomic)" -ge 1 ] &&
   [ "$(stat_of devices_refcount)" -ge 1 ] && [ "$(stat_of devices_tracker)" -ge 1 ] &&
   [ "$(stat_of registered_total)" -ge 5 ]; then
	case_ok pcpuref/stats_counts_devices
else
	fail pcpuref/stats_counts_devices "$(tr '\n' ' ' <$P/stats)"
fi

expect_error pcpuref/dup_name_eexist "File exists" ctle "register cp atomic"
expect_error pcpuref/bad_variant_einval "Invalid argument" ctle "register cx perpcu"
expect_error pcpuref/long_name_einval "Invalid argument" ctle "register abcdefghijklmnop"
expect_error pcpuref/bad_name_einval "Invalid argument" ctle "register a/b"
expect_error pcpuref/unknown_cmd_einval "Invalid argument" ctle "frobnicate cp"
expect_error pcpuref/empty_line_einval "Invalid argument" ctle ""
expect_error pcpuref/extra_args_einval "Invalid argument" ctle "hold cp 1 2"
expect_error pcpuref/hold_unknown_enodev "No such device" ctle "hold nosuch"
expect_error pcpuref/put_unknown_enodev "No such device" ctle "put nosuch"
expect_error pcpuref/unregister_unknown_enodev "No such device" ctle "unregister nosuch"
expect_error pcpuref/hold_zero_erange "out of range" ctle "hold cp 0"
expect_error pcpuref/hold_huge_erange "out of range" ctle "hold cp 99999999999"
expect_error pcpuref/hold_garbage_einval "Invalid argument" ctle "hold cp 12abc"
expect_error pcpuref/hold_for_bad_owner_einval "Invalid argument" ctle "hold_for ct 100 a/b"
expect_error pcpuref/hold_for_long_owner_einval "Invalid argument" ctle "hold_for ct 100 abcdefghijklmnop"
expect_error pcpuref/hold_for_extra_args_einval "Invalid argument" ctle "hold_for ct 100 own x"
expect_field pcpuref/hold_for_refused_unchanged ct refcnt 1
check pcpuref/no_cx_registered sh -c "! grep -q '^cx ' $P/devices"
# every refusal above reached a handler (unknown commands, empty lines and
# wrong argument counts are refused by the rcunet core and not counted)
errors1=$(stat_of errors)
if [ "$errors1" -ge $((errors0 + 12)) ]; then case_ok pcpuref/stats_errors_count
else fail pcpuref/stats_errors_count "errors $errors0 -> $errors1, want +12"; fi

# The same sequence on every variant gives the same counts.
for d in cp ca cr ct; do
	if ! { ctl pcpuref "hold $d 5" && ctl pcpuref "put $d 2" &&
		ctl pcpuref "hold $d 1000" && ctl pcpuref "put $d 1000"; }; then
		fail "pcpuref/seq_$d" "command failed"
	fi
	expect_field "pcpuref/seq_refcnt_$d" $d refcnt 4
	expect_field "pcpuref/seq_ctl_refs_$d" $d ctl_refs 3
	# more than the control file holds: refused, nothing changes
	expect_error "pcpuref/put_unheld_erange_$d" "out of range" ctle "put $d 4"
	expect_field "pcpuref/put_refused_unchanged_$d" $d refcnt 4
done
# ops counts completed hold+put pairs: 1002 puts on each of four devices
ops1=$(stat_of ops)
if [ "$ops1" -ge $((ops0 + 4008)) ]; then case_ok pcpuref/stats_ops_count
else fail pcpuref/stats_ops_count "ops $ops0 -> $ops1, want +4008"; fi

# percpu: the slots sum to the count; a hold on one CPU and its put on
# another leave +N and -N behind.
sum=$(field cp pcpu | tr ',' '\n' | awk -F: '{ s += $2 } END { print s + 0 }')
if [ "$sum" = "$(field cp refcnt)" ]; then case_ok pcpuref/slots_sum_to_refcnt
else fail pcpuref/slots_sum_to_refcnt "slots $(field cp pcpu) sum $sum"; fi
ncpu=$(grep -c ^processor /proc/cpuinfo)
if [ "$ncpu" -ge 2 ] && command -v taskset >/dev/null; then
	before=$(field cp pcpu)
	taskset 1 sh -c ". /rcunet/guest/lib.sh; ctl pcpuref 'hold cp 7'"
	taskset 2 sh -c ". /rcunet/guest/lib.sh; ctl pcpuref 'put cp 7'"
	after=$(field cp pcpu)
	s0=$(echo "$before" | tr ',' '\n' | awk -F: '$1 == 0 { print $2 }')
	s1=$(echo "$before" | tr ',' '\n' | awk -F: '$1 == 1 { print $2 }')
	a0=$(echo "$after" | tr ',' '\n' | awk -F: '$1 == 0 { print $2 }')
	a1=$(echo "$after" | tr ',' '\n' | awk -F: '$1 == 1 { print $2 }')
	if [ $((a0 - s0)) = 7 ] && [ $((a1 - s1)) = -7 ]; then
		case_ok pcpuref/cross_cpu_slots
	else
		fail pcpuref/cross_cpu_slots "before $before after $after"
	fi
	expect_field pcpuref/cross_cpu_refcnt cp refcnt 4
else
	case_skip pcpuref/cross_cpu_slots "needs 2 CPUs and taskset"
fi

# No control command puts a reference nobody holds (its "is anybody
# holding?" check would race with in-kernel holders): "put_unheld" is gone,
# an unknown command, and changes nothing. The refcount variant's refusal
# of such a put is a KUnit case (pcref_kt_refcount_refuses_underflow).
for d in cp ca cr ct; do
	before=$(grep "^$d " $P/devices)
	expect_error "pcpuref/no_put_unheld_$d" "Invalid argument" ctle "put_unheld $d"
	after=$(grep "^$d " $P/devices)
	if [ "$before" = "$after" ]; then case_ok "pcpuref/no_put_unheld_unchanged_$d"
	else fail "pcpuref/no_put_unheld_unchanged_$d" "before '$before' after '$after'"; fi
done
# put everything the control file holds on the refcount device: back to
# base, and a further put is refused by the control file, not performed
check pcpuref/put_all_refcount ctl pcpuref "put cr 3"
expect_field pcpuref/put_all_refcount_base cr refcnt 1
expect_error pcpuref/put_at_base_erange "out of range" ctle "put cr"
expect_field pcpuref/put_at_base_unchanged cr refcnt 1
expect_field pcpuref/put_at_base_no_underflow cr underflows 0

# The tracker's control-file references are untracked (as dev_hold());
# a timed hold with an OWNER is tracked: listed in holders by its owner
# until its put (8 s, well past these checks; the unregister of ct below
# waits for it: the event does not drop a timed hold).
expect_field pcpuref/tracker_untracked ct untracked 3
expect_field pcpuref/tracker_tracked_none ct tracked 0
check pcpuref/hold_for_owner ctl pcpuref "hold_for ct 8000 ctowner"
expect_field pcpuref/tracker_tracked_one ct tracked 1
expect_field pcpuref/tracker_tracked_refcnt ct refcnt 5
if grep -q '^ct state=listed owner=ctowner held_ms=[0-9]* caller=.' $P/holders; then
	case_ok pcpuref/holders_names_owner
else
	fail pcpuref/holders_names_owner "$(cat $P/holders)"
fi
# on the other variants an OWNER is accepted and the hold is untracked
check pcpuref/hold_for_owner_untracked ctl pcpuref "hold_for ca 1 caowner"
if grep -q '^ca ' $P/holders; then fail pcpuref/holders_only_tracker "$(cat $P/holders)"
else case_ok pcpuref/holders_only_tracker; fi
expect_field pcpuref/tracker_none_refused ct refused 0

# Unregister drops the control file's references (unregister event) and
# completes (ct once its timed, tracked hold is put); the names are gone,
# and so are the holders.
for d in cp ca cr ct cd; do
	check "pcpuref/unregister_$d" ctl pcpuref "unregister $d"
done
if grep -q . $P/devices; then fail pcpuref/all_gone "$(cat $P/devices)"
else case_ok pcpuref/all_gone; fi
if grep -q . $P/holders; then fail pcpuref/no_holders_left "$(cat $P/holders)"
else case_ok pcpuref/no_holders_left; fi
# a name can be reused after unregister
check pcpuref/reregister ctl pcpuref "register cp atomic"
check pcpuref/reunregister ctl pcpuref "unregister cp"
exit $rc
