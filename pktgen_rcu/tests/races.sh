# rcunet-timeout: 560
# rcunet-tags: stress
# The races commit 80e1e6db5c72 ("pktgen: RCU-ify "if_list" to remove
# lock in next_to_run()") fixed, in all three modes (rcu, legacy, and
# mutex: mainline's next stage, where the removal holds the writer mutex
# across proc_remove(), the removal_delay_us sleep and list_del_rcu()):
#  1. rem_device_all in the background while add_device runs
#  2. proc writes to a device file while the device is being removed
#  3. netdev unregister (ip link del) while transmitting
#  4. rmmod while transmitting (then reload)
#  5. count lowered during a slow run to exactly what was sent (+0..3),
#     with burst, clone_skb and pkt_size changing under the run too
#  6. every device setting, Result and listing during a run (KCSAN)
# Each must end with no splat (the harness scans the console), the
# device files and the thread lists in agreement, and no device left over.
. /rcunet/guest/lib.sh
. /rcunet/tests/pktgen_rcu/pgr.lib

ITER=${PGR_RACE_ITER:-60}
ITER5=${PGR_COUNT_ITER:-16}
fail=0
bad() { case_fail "$1" "$2"; fail=1; }

# every background job, so that none outlives the script
BGPIDS=
bg_track() { BGPIDS="$BGPIDS $1"; }
cleanup() {
	local p
	for p in $BGPIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $BGPIDS; do
		wait "$p" 2>/dev/null
	done
	BGPIDS=
	rm -f /tmp/pgr_stop_writer
}
trap cleanup EXIT

# wait_gone PID [TENTHS]: wait until PID (a backgrounded pg_ctrl start)
# has returned; 1 if still running after TENTHS * 0.1 s (default 100)
wait_gone() {
	local w=0
	while kill -0 "$1" 2>/dev/null && [ $w -lt "${2:-100}" ]; do
		sleep 0.1
		w=$((w + 1))
	done
	! kill -0 "$1" 2>/dev/null
}

make_dummy pgr1 || { case_fail races/dummy "ip link add failed"; exit 1; }
pg_reset

for mode in rcu legacy mutex; do
	pg_ctrl "mode $mode"

	# 1. rem_device_all (backgrounded) against add_device
	i=0 added=0
	while [ $i -lt "$ITER" ]; do
		pg_thread 0 "add_device pgr1" 2>/dev/null && added=$((added + 1))
		pg_thread 0 "rem_device_all" &
		pg_thread 0 "add_device pgr1" 2>/dev/null && added=$((added + 1))
		pg_set pgr1 "count 100" 2>/dev/null
		wait
		i=$((i + 1))
	done
	if settle; then
		case_ok "races/$mode/rem_all_vs_add_${ITER}_iterations # $added adds succeeded"
	else
		bad "races/$mode/rem_all_vs_add" "files and lists disagree"
	fi
	pg_reset

	# 1b. the same with a 20 ms pause inside each removal (test knob):
	# add_device lands between the proc and the list half of a removal
	echo 20000 >/sys/module/pktgen_rcu/parameters/removal_delay_us
	i=0 added=0 busy=0 other=0 ITER1B=$((ITER / 3))
	while [ $i -lt "$ITER1B" ]; do
		pg_thread 0 "add_device pgr1" 2>/dev/null
		pg_thread 0 "rem_device_all" &
		sleep 0.01
		if err=$(pg_thread 0 "add_device pgr1" 2>&1); then
			added=$((added + 1))
		elif echo "$err" | grep -q "busy"; then
			busy=$((busy + 1))
		else
			# e.g. the proc name still taken: "Cannot allocate memory"
			other=$((other + 1))
			echo "add_device during removal: $err"
		fi
		wait
		i=$((i + 1))
	done
	echo 0 >/sys/module/pktgen_rcu/parameters/removal_delay_us
	if [ $other -gt 0 ]; then
		bad "races/$mode/rem_all_vs_add_slow_removal" "$other add_device failed other than busy"
	elif settle; then
		case_ok "races/$mode/rem_all_vs_add_slow_removal_${ITER1B}_iterations # $added added, $busy busy"
	else
		bad "races/$mode/rem_all_vs_add_slow_removal" "files and lists disagree"
	fi
	pg_reset

	# 2. device-file writes while the device is added and removed (and runs)
	( j=0; while [ $j -lt 100000 ]; do
		[ -e /tmp/pgr_stop_writer ] && break
		echo "pkt_size 100" >"$PGDIR/pgr1" 2>/dev/null
		echo "count 50" >"$PGDIR/pgr1" 2>/dev/null
		echo "clone_skb 5" >"$PGDIR/pgr1" 2>/dev/null
		cat "$PGDIR/pgr1" >/dev/null 2>&1
		j=$((j + 1))
	done ) &
	wp=$!
	bg_track $wp
	i=0
	while [ $i -lt "$ITER" ]; do
		pg_thread 0 "add_device pgr1" 2>/dev/null
		[ $((i % 4)) = 0 ] && pg_ctrl start 2>/dev/null
		pg_thread 0 "rem_device_all"
		i=$((i + 1))
	done
	touch /tmp/pgr_stop_writer
	wait $wp
	rm -f /tmp/pgr_stop_writer
	if settle; then
		case_ok "races/$mode/writes_vs_removal_${ITER}_iterations"
	else
		bad "races/$mode/writes_vs_removal" "files and lists disagree"
	fi
	pg_reset

	# 3. ip link del while transmitting
	k=0 ITER3=$((ITER / 4))
	while [ $k -lt "$ITER3" ]; do
		make_dummy pgrx || { bad "races/$mode/unregister" "ip link add"; break; }
		pg_thread 0 "add_device pgrx"
		pg_set pgrx "count 0"
		pg_set pgrx "clone_skb 10"
		pg_ctrl start 2>/dev/null &
		sp=$!
		bg_track $sp
		sleep 0.3
		ip link del pgrx
		# start returns once the device is gone
		w=0
		while kill -0 $sp 2>/dev/null && [ $w -lt 100 ]; do
			sleep 0.1
			w=$((w + 1))
		done
		if kill -0 $sp 2>/dev/null; then
			bad "races/$mode/unregister" "start still blocked after ip link del"
			pg_ctrl stop
		fi
		wait $sp
		if [ -e "$PGDIR/pgrx" ] || ip link show pgrx >/dev/null 2>&1; then
			bad "races/$mode/unregister" "pgrx left behind: $(ls "$PGDIR")"
			break
		fi
		k=$((k + 1))
	done
	if settle; then
		case_ok "races/$mode/unregister_while_xmit_${ITER3}_iterations"
	else
		bad "races/$mode/unregister_settle" "files and lists disagree"
	fi

	# 5. "count" lowered during a run to exactly pkts-sofar + 0..3.
	# A packet slot of 50 ms (ratep or delay) keeps the kthread waiting
	# between its reads of the parameters and the transmit, so the write
	# lands there; pkts-sofar is read and count written with shell
	# builtins, well within one slot. Old code read count before the
	# wait: count == sofar at the next call gave a burst of 0 that
	# wrapped and sent the freed skb again (the guest dies in
	# dummy_xmit), count below sofar sent another burst past it.
	# The run must end with count <= pkts <= max(count, sofar + burst)
	# and the netdev's tx_packets delta equal to pkts.
	pg_thread 0 "add_device pgr1"
	i=0 bad5=0
	while [ $i -lt "$ITER5" ]; do
		d=$((i % 4))
		b=$((i / 4 % 2 * 2 + 1))
		pg_set pgr1 "count 0"
		pg_set pgr1 "burst $b"
		pg_set pgr1 "clone_skb 0"
		if [ $((i % 2)) = 0 ]; then
			pg_set pgr1 "ratep 20"
		else
			pg_set pgr1 "delay 50000000"
		fi
		tx0=$(txp pgr1)
		pg_ctrl start 2>/dev/null &
		sp=$!
		bg_track $sp
		w=0
		get_sofar pgr1
		while [ "${SOFAR:-0}" -lt 2 ] && [ $w -lt 250 ]; do
			sleep 0.02
			get_sofar pgr1
			w=$((w + 1))
		done
		# other parameters change under the run as well
		pg_set pgr1 "clone_skb $((i % 3))"
		pg_set pgr1 "pkt_size $((60 + i * 97 % 1400))"
		get_sofar pgr1
		c=$((SOFAR + d))
		pg_set pgr1 "count $c"
		get_sofar pgr1
		s2=$SOFAR
		if ! wait_gone $sp; then
			bad "races/$mode/count_lowered" "run not ended: count $c, $(grep pkts-sofar "$PGDIR/pgr1")"
			pg_ctrl stop
			bad5=1
		fi
		wait $sp
		p=$(result_pkts pgr1)
		tx=$(($(txp pgr1) - tx0))
		hi=$((s2 + b))
		[ "$c" -gt "$hi" ] && hi=$c
		if [ -z "$p" ] || [ "$p" -lt "$c" ] || [ "$p" -gt "$hi" ] || [ "$tx" != "$p" ]; then
			bad "races/$mode/count_lowered" "count $c (sofar $s2 burst $b): sent ${p:-?}, tx_packets +$tx, allowed $c..$hi"
			bad5=1
			break
		fi
		i=$((i + 1))
	done
	[ $bad5 = 0 ] && case_ok "races/$mode/count_lowered_mid_run_${ITER5}_iterations"
	pg_set pgr1 "delay 0"
	pg_set pgr1 "burst 1"
	pg_set pgr1 "clone_skb 0"
	pg_reset

	# 6. every per-device setting and listing during a run: the kthread
	# reads the configuration without the config lock (the MACs too) and
	# resets/advances the cur_* cursors that proc writes also reset, sets
	# Result as proc writes do, and the device/thread files are read
	# meanwhile. On the KCSAN kernel any unmarked access among these is a
	# reported race (the old code: dst_mac/src_mac, cur_*, Result,
	# the thread Result). Checked here: no splat, the run stops, and
	# clear_counters under the run is refused with EBUSY every time.
	T6=$(($(ncpus) - 1))
	pg_thread $T6 "add_device pgr1"
	pg_set pgr1 "count 0"
	pg_set pgr1 "delay 100000"
	pg_ctrl start 2>/dev/null &
	sp=$!
	bg_track $sp
	( j=0
	while [ $j -lt 150 ]; do
		h=$(printf %02x $((j % 256)))
		pg_set pgr1 "dst_mac 02:00:00:00:01:$h"
		pg_set pgr1 "src_mac 02:00:00:00:02:$h"
		pg_set pgr1 "dst_min 10.0.$((j % 200)).1"
		pg_set pgr1 "dst_max 10.0.$((j % 200)).9"
		pg_set pgr1 "src_min 10.1.0.$((j % 200))"
		pg_set pgr1 "src_max 10.1.1.$((j % 200))"
		pg_set pgr1 "udp_src_min $j"
		pg_set pgr1 "udp_src_max $((j + 5))"
		pg_set pgr1 "udp_dst_max $((j + 3))"
		pg_set pgr1 "flag UDPDST_RND"
		pg_set pgr1 "min_pkt_size $((60 + j))"
		pg_set pgr1 "max_pkt_size $((200 + j))"
		pg_set pgr1 "flag !UDPDST_RND"
		pg_set pgr1 "no_such_param 1" 2>/dev/null
		j=$((j + 1))
	done ) &
	wp=$!
	bg_track $wp
	busy=0 other=0 k=0
	while kill -0 $wp 2>/dev/null; do
		cat "$PGDIR/pgr1" "$PGDIR/kpktgend_$T6" >/dev/null
		pg_thread $T6 "max_before_softirq"
		if err=$(pg_set pgr1 "clear_counters" 2>&1); then
			other=$((other + 1))
			echo "clear_counters during a run succeeded"
		elif echo "$err" | grep -q "busy"; then
			busy=$((busy + 1))
		else
			other=$((other + 1))
			echo "clear_counters during a run: $err"
		fi
		k=$((k + 1))
	done
	wait $wp
	pg_ctrl stop
	if ! wait_gone $sp; then
		bad "races/$mode/settings_during_run" "start did not return after stop"
	elif [ $other -gt 0 ]; then
		bad "races/$mode/settings_during_run" "$other clear_counters not refused with EBUSY"
	elif ! grep -q "^Result: OK: " "$PGDIR/pgr1"; then
		bad "races/$mode/settings_during_run" "no result: $(grep ^Result "$PGDIR/pgr1")"
	else
		case_ok "races/$mode/settings_during_run # $k listings, $busy clear_counters refused"
	fi
	wait $sp
	pg_set pgr1 "clear_counters" ||
		bad "races/$mode/clear_counters_stopped" "refused after the run"
	pg_reset
done
pg_ctrl "mode rcu"

# 4. rmmod while transmitting on every thread, then load again
N=$(ncpus)
n=0
while [ $n -lt "$N" ]; do
	pg_thread $n "add_device pgr1@$n"
	pg_set "pgr1@$n" "count 0"
	n=$((n + 1))
done
pg_ctrl start 2>/dev/null &
sp=$!
bg_track $sp
sleep 0.5
if rmmod pktgen_rcu; then
	wait $sp
	if [ -e "$PGDIR" ] || grep -q pgr_kpktgend /proc/*/comm 2>/dev/null; then
		bad races/rmmod_while_running "leftovers after rmmod"
	else
		case_ok races/rmmod_while_running
	fi
	insmod /rcunet/modules/pktgen_rcu.ko || { bad races/reload "insmod"; exit 1; }
else
	bad races/rmmod_while_running "rmmod failed"
	pg_ctrl stop
	wait $sp
fi
pg_reset
ip link del pgr1
cleanup
exit $fail
