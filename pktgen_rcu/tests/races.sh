# rcunet-timeout: 300
# The races the seed fixed, in both modes:
#  1. rem_device_all in the background while add_device runs
#  2. proc writes to a device file while the device is being removed
#  3. netdev unregister (ip link del) while transmitting
#  4. rmmod while transmitting (then reload)
# Each must end with no splat (the harness scans the console), the
# device files and the thread lists in agreement, and no device left over.
. /rcunet/guest/lib.sh
. /rcunet/tests/pktgen_rcu/pgr.lib

ITER=${PGR_RACE_ITER:-60}
fail=0
bad() { case_fail "$1" "$2"; fail=1; }

make_dummy pgr1 || { case_fail races/dummy "ip link add failed"; exit 1; }
pg_reset

for mode in rcu legacy; do
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
			bad "races/$mode/unregister" "pgrx left behind: $(ls $PGDIR)"
			break
		fi
		k=$((k + 1))
	done
	settle && case_ok "races/$mode/unregister_while_xmit_${ITER3}_iterations" ||
		bad "races/$mode/unregister_settle" "files and lists disagree"
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
exit $fail
