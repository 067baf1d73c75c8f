# rcunet-timeout: 240
# pktgen_rcu basics on a dummy device: the proc interface speaks pktgen,
# transmitted counts equal "count" and agree with the netdev's tx counter,
# bad commands fail with pktgen's errors and change nothing, in every mode
# (rcu, legacy, mutex).
. /rcunet/guest/lib.sh
. /rcunet/tests/pktgen_rcu/pgr.lib

fail=0
bad() { case_fail "$1" "$2"; fail=1; }
ok() { case_ok "$1"; }

[ -e "$PGDIR/pgctrl" ] || { case_fail basic/proc_dir "no $PGDIR/pgctrl"; exit 1; }
N=$(ncpus)
i=0
while [ $i -lt "$N" ]; do
	[ -e "$PGDIR/kpktgend_$i" ] || bad basic/thread_files "no kpktgend_$i"
	i=$((i + 1))
done
[ $fail = 0 ] && ok basic/thread_files
if grep -q "Packet Generator" "$PGDIR/pgctrl"; then
	ok basic/pgctrl_version
else
	bad basic/pgctrl_version "$(cat "$PGDIR/pgctrl")"
fi

make_dummy pgr0 || { case_fail basic/dummy "ip link add failed"; exit 1; }
pg_reset
# the runs below start in rcu mode whatever a test before us left
pg_ctrl "mode rcu"

# --- add_device and its errors
if pg_thread 0 "add_device pgr0"; then
	ok basic/add_device
else
	bad basic/add_device "write failed"
fi
if [ -e "$PGDIR/pgr0" ]; then
	ok basic/device_file
else
	bad basic/device_file "no $PGDIR/pgr0"
fi
if grep -q "Result: OK: add_device=pgr0" "$PGDIR/kpktgend_0"; then
	ok basic/thread_result
else
	bad basic/thread_result "$(cat "$PGDIR/kpktgend_0")"
fi
expect_error basic/add_device_twice "Device or resource busy" pg_thread 0 "add_device pgr0"
expect_error basic/add_device_missing "No such device" pg_thread 0 "add_device nosuchdev0"
expect_error basic/add_device_reserved "Invalid argument" pg_thread 0 "add_device pgctrl"
expect_error basic/thread_unknown_cmd "Invalid argument" pg_thread 0 "frobnicate"
expect_error basic/pgctrl_unknown_cmd "Invalid argument" pg_ctrl "launch"

# --- device commands: pktgen's syntax accepted
for cmd in "count 10000" "clone_skb 100" "pkt_size 60" "delay 0" "burst 1" \
	"dst 10.0.0.1" "dst_min 10.0.0.1" "dst_max 10.0.0.9" "src_min 10.1.0.1" \
	"src_max 10.1.0.5" "dst_mac 02:00:00:00:00:01" "src_mac 02:00:00:00:00:02" \
	"udp_src_min 1000" "udp_src_max 1010" "udp_dst_min 9" "udp_dst_max 19" \
	"flag UDPDST_RND" "flag IPSRC_RND" "flag !IPSRC_RND" "flag NO_TIMESTAMP" \
	"queue_map_min 0" "queue_map_max 0" "min_pkt_size 60" "max_pkt_size 60" \
	"frags 0" "xmit_mode start_xmit" "count=10000"; do
	if pg_set pgr0 "$cmd" 2>/dev/null && grep -q "^Result: OK:" "$PGDIR/pgr0"; then
		:
	else
		bad "basic/accept/$(echo "$cmd" | tr ' =' '__')" "$(grep Result: "$PGDIR/pgr0")"
	fi
done
ok basic/accept_pktgen_commands

# --- /proc/rcunet/pktgen_rcu/stats: "key: value" lines, ops and errors first
S=/proc/rcunet/pktgen_rcu/stats
if [ "$(sed -n '1s/:.*//p; 2s/:.*//p' "$S" | tr '\n' ' ')" = "ops errors " ] &&
	! grep -qv '^[a-z][a-z0-9_]*: [^ ]*$' "$S"; then
	ok basic/stats_format
else
	bad basic/stats_format "$(cat $S)"
fi
pgstat() { sed -n "s/^$1: //p" "$S"; }

# --- rejected: error, and the Params section stays the same
before=$(sed -n '/^Params:/,/^Current:/p' "$PGDIR/pgr0")
errors0=$(pgstat errors)
expect_error basic/reject/count_text "Invalid argument" pg_set pgr0 "count abc"
expect_error basic/reject/count_trailing "Invalid argument" pg_set pgr0 "count 12x"
expect_error basic/reject/pkt_size_huge "out of range" pg_set pgr0 "pkt_size 99999"
expect_error basic/reject/udp_port_range "out of range" pg_set pgr0 "udp_src_min 70000"
expect_error basic/reject/queue_map_range "out of range" pg_set pgr0 "queue_map_max 65536"
expect_error basic/reject/burst_range "out of range" pg_set pgr0 "burst 100000"
expect_error basic/reject/dst_bad "Invalid argument" pg_set pgr0 "dst 10.0.0"
expect_error basic/reject/src_bad "Invalid argument" pg_set pgr0 "src_min 300.1.1.1"
expect_error basic/reject/dst_mac_bad "Invalid argument" pg_set pgr0 "dst_mac 02:00:zz:00:00:01"
expect_error basic/reject/flag_unknown "Invalid argument" pg_set pgr0 "flag BOGUS_RND"
expect_error basic/reject/flag_unsupported "not supported" pg_set pgr0 "flag IPV6"
expect_error basic/reject/ratep_zero "Invalid argument" pg_set pgr0 "ratep 0"
expect_error basic/reject/unknown_param "Invalid argument" pg_set pgr0 "no_such_param 1"
expect_error basic/reject/frags "not supported" pg_set pgr0 "frags 2"
after=$(sed -n '/^Params:/,/^Current:/p' "$PGDIR/pgr0")
if [ "$before" = "$after" ]; then
	ok basic/reject_leaves_state
else
	bad basic/reject_leaves_state "Params changed"
fi
# the 14 rejected writes above, each counted once
errors1=$(pgstat errors)
if [ $((errors1 - errors0)) -eq 14 ]; then
	ok basic/stats_errors_count_rejects
else
	bad basic/stats_errors_count_rejects "errors $errors0 -> $errors1, want +14"
fi
if grep -q "^Params: count 10000  min_pkt_size: 60  max_pkt_size: 60" "$PGDIR/pgr0"; then
	ok basic/params_format
else
	bad basic/params_format "$(head -1 "$PGDIR/pgr0")"
fi

# run COUNT: start, then check Result and the netdev's tx counter
run_and_check() {
	local name="$1" want="$2" t0 t1 got
	t0=$(txp pgr0)
	pg_ctrl start || { bad "$name" "start failed"; return; }
	t1=$(txp pgr0)
	got=$(result_pkts pgr0)
	if [ "$got" != "$want" ]; then
		bad "$name/result_count" "Result says '$got', want $want: $(grep -A1 Result: "$PGDIR/pgr0")"
	elif [ $((t1 - t0)) -ne "$want" ]; then
		bad "$name/tx_counter" "tx_packets delta $((t1 - t0)), want $want"
	elif ! grep -q "pkts-sofar: $want " "$PGDIR/pgr0"; then
		bad "$name/sofar" "$(grep pkts-sofar "$PGDIR/pgr0")"
	elif [ -z "$(result_pps pgr0)" ]; then
		bad "$name/pps_line" "$(grep -A1 Result: "$PGDIR/pgr0")"
	else
		ok "$name"
	fi
}

ops0=$(pgstat ops)
run_and_check basic/rcu/count_10000_clone_100 10000
# ops: packets the driver accepted, since load
ops1=$(pgstat ops)
if [ $((ops1 - ops0)) -eq 10000 ]; then
	ok basic/stats_ops_count_packets
else
	bad basic/stats_ops_count_packets "ops $ops0 -> $ops1, want +10000"
fi
pg_set pgr0 "clone_skb 0"
pg_set pgr0 "count 2000"
pg_set pgr0 "pkt_size 1500"
run_and_check basic/rcu/count_2000_no_clone_1500b 2000
pg_set pgr0 "pkt_size 60"
pg_set pgr0 "clone_skb 1000"
pg_set pgr0 "burst 7"
pg_set pgr0 "count 1000"
run_and_check basic/rcu/count_1000_burst_7_exact 1000
pg_set pgr0 "burst 1"
pg_set pgr0 "count 20"
pg_set pgr0 "ratep 2000"
run_and_check basic/rcu/count_20_ratep 20
pg_set pgr0 "delay 0"
pg_set pgr0 "flag TXSIZE_RND"
pg_set pgr0 "min_pkt_size 60"
pg_set pgr0 "max_pkt_size 200"
pg_set pgr0 "count 3000"
run_and_check basic/rcu/count_3000_txsize_rnd 3000
pg_set pgr0 "flag !TXSIZE_RND"
pg_set pgr0 "pkt_size 60"

# legacy mode: same results
if pg_ctrl "mode legacy" && grep -q "^mode: legacy" "$PGDIR/pgctrl"; then
	ok basic/mode_legacy
else
	bad basic/mode_legacy "$(cat "$PGDIR/pgctrl")"
fi
pg_set pgr0 "count 10000"
run_and_check basic/legacy/count_10000 10000
if grep -qx "mode: $(sed -n 's/^mode=\([a-z]*\).*/\1/p' /proc/rcunet/pktgen_rcu/state)" /proc/rcunet/pktgen_rcu/stats; then
	ok basic/stats_agrees_with_state
else
	bad basic/stats_agrees_with_state "$(cat /proc/rcunet/pktgen_rcu/stats)"
fi
if grep -q "^mode=legacy role=locked " /proc/rcunet/pktgen_rcu/state; then
	ok basic/state_role_locked
else
	bad basic/state_role_locked "$(cat /proc/rcunet/pktgen_rcu/state)"
fi
if ctl pktgen_rcu "mode rcu" && grep -q "^mode=rcu role=lockless " /proc/rcunet/pktgen_rcu/state; then
	ok basic/control_mode_rcu
else
	bad basic/control_mode_rcu "$(cat /proc/rcunet/pktgen_rcu/state)"
fi
# mainline's next stage: the same readers, writers under a mutex
if ctl pktgen_rcu "mode mutex" && grep -q "^mode=mutex role=lockless " /proc/rcunet/pktgen_rcu/state &&
	grep -q "^mode: mutex" "$PGDIR/pgctrl"; then
	ok basic/control_mode_mutex
else
	bad basic/control_mode_mutex "$(cat /proc/rcunet/pktgen_rcu/state)"
fi
pg_set pgr0 "count 10000"
run_and_check basic/mutex/count_10000 10000
if pg_ctrl "mode rcu" && grep -q "^mode=rcu role=lockless " /proc/rcunet/pktgen_rcu/state; then
	ok basic/mode_rcu_again
else
	bad basic/mode_rcu_again "$(cat /proc/rcunet/pktgen_rcu/state)"
fi
if grep -qx "mode rcu (lockless) | legacy (locked) | mutex (lockless)" /proc/rcunet/pktgen_rcu/control; then
	ok basic/control_usage_roles
else
	bad basic/control_usage_roles "$(cat /proc/rcunet/pktgen_rcu/control)"
fi
# (not the lib.sh ctl helper: its printf prints no errno text)
expect_error basic/control_mode_bad "Invalid argument" sh -c "echo \"mode fast\" >/proc/rcunet/pktgen_rcu/control"

# several threads: one device per thread on the same netdev
if [ "$N" -ge 2 ]; then
	pg_reset
	pg_thread 0 "add_device pgr0@0"
	pg_thread 1 "add_device pgr0@1"
	expect_error basic/add_device_base_busy "Device or resource busy" pg_thread 1 "add_device pgr0"
	for d in pgr0@0 pgr0@1; do
		pg_set $d "count 5000"
		pg_set $d "clone_skb 100"
	done
	t0=$(txp pgr0)
	pg_ctrl start
	t1=$(txp pgr0)
	a=$(result_pkts pgr0@0)
	b=$(result_pkts pgr0@1)
	if [ "$a" = 5000 ] && [ "$b" = 5000 ] && [ $((t1 - t0)) -eq 10000 ]; then
		ok basic/two_threads_counts
	else
		bad basic/two_threads_counts "results $a $b, tx delta $((t1 - t0))"
	fi
fi

# stop ends an endless run
pg_reset
pg_thread 0 "add_device pgr0"
pg_set pgr0 "count 0"
pg_set pgr0 "clone_skb 10"
pg_ctrl start &
sp=$!
sleep 1
if grep -q "^Running: pgr0" "$PGDIR/kpktgend_0"; then
	ok basic/running_listed
else
	bad basic/running_listed "$(cat "$PGDIR/kpktgend_0")"
fi
pg_ctrl stop
wait $sp
if grep -q "^Result: OK:" "$PGDIR/pgr0" && [ "$(result_pkts pgr0)" -gt 0 ]; then
	ok basic/stop_endless_run
else
	bad basic/stop_endless_run "$(grep -A1 Result: "$PGDIR/pgr0")"
fi

# reset removes everything; files and lists agree
if pg_reset && [ ! -e "$PGDIR/pgr0" ]; then
	ok basic/reset_removes
else
	bad basic/reset_removes "$(ls "$PGDIR")"
fi

# --- "mode" is all or nothing, one switch at a time: while a switch is
# under way a second "mode" fails with EBUSY and changes nothing. To hold
# a switch under way, kpktgend_0 is kept inside a device removal
# (removal_delay_us: it sleeps after the device file went, still listing
# the device, until the knob goes back to 0; 60 s at most) and switches
# only at its next control point, after it. Whether the first switch was
# still under way is checked, not assumed, before the second is written.
DELAY=/sys/module/pktgen_rcu/parameters/removal_delay_us
# a killed script must not leave every later removal sleeping 60 s
trap 'echo 0 >$DELAY 2>/dev/null' EXIT
pg_ctrl "mode rcu"
held=0
if pg_thread 0 "add_device pgr0" && echo 60000000 >$DELAY; then
	held=1
fi
pg_thread 0 "rem_device_all"
i=0
while [ -e "$PGDIR/pgr0" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
pg_ctrl "mode mutex" 2>/dev/null &
mp=$!
# no fixed limit on a slow guest: the removal is held until we release it
# (the harness's time limit ends a test that never gets here)
while [ $held = 1 ] && ! grep -q "^mode: mutex" "$PGDIR/pgctrl" &&
	kill -0 $mp 2>/dev/null; do
	sleep 0.1
done
busy=0
if [ $held = 1 ] && kill -0 $mp 2>/dev/null &&
	grep -q "pgr0" "$PGDIR/kpktgend_0"; then
	busy=1
fi
# the second "mode" only while the first is provably under way: written
# after the first ended it would itself wait for nothing and succeed
err=""
rc=1
if [ $busy = 1 ]; then
	err=$(pg_ctrl "mode legacy" 2>&1)
	rc=$?
fi
# ends the removal (the sleep re-reads the knob), so the first switch ends
echo 0 >$DELAY
wait $mp
mrc=$?
if [ $busy = 0 ]; then
	case_skip basic/mode_refused_while_switching "the first switch was not held under way (held=$held)"
	case_skip basic/mode_refused_changes_nothing "no second mode was written"
else
	if [ "$rc" = 0 ]; then
		bad basic/mode_refused_while_switching "a second \"mode\" was accepted while a switch was under way"
	elif ! echo "$err" | grep -q "Device or resource busy"; then
		bad basic/mode_refused_while_switching "got '$err', expected EBUSY"
	else
		ok basic/mode_refused_while_switching
	fi
	# the refused one changed nothing: the first returned 0 and is in effect
	if [ $mrc = 0 ] && grep -q "^mode: mutex" "$PGDIR/pgctrl" &&
		grep -q "^mode=mutex role=lockless " /proc/rcunet/pktgen_rcu/state; then
		ok basic/mode_refused_changes_nothing
	else
		bad basic/mode_refused_changes_nothing "first \"mode\" exit $mrc; $(cat /proc/rcunet/pktgen_rcu/state)"
	fi
fi
settle || bad basic/mode_refused_settle "files and lists disagree"
pg_ctrl "mode rcu"

ip link del pgr0
exit $fail
