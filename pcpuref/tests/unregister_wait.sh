# rcunet-timeout: 120
# A reference held past the unregister: the unregister waits for it, warns
# with the name and count every unregister_warn_secs, and completes once the
# reference is put (a "hold_for" reference ignores the unregister event).
# On the tracker variant the leaked reference is a tracked one for owner
# "leaker": while the unregister waits, the holders file lists it (the
# device is unlisted by then) and the wait warnings name it.
# shellcheck source-path=SCRIPTDIR source=../../scripts/guest/lib.sh
. /rcunet/guest/lib.sh
P=/proc/rcunet/pcpuref
W=/sys/module/pcpuref/parameters/unregister_warn_secs
rc=0
old=$(cat $W)
echo 1 >$W
for v in percpu atomic refcount tracker; do
	d=w_$v
	ctl pcpuref "register $d $v" || { case_fail "pcpuref/wait_register_$v"; rc=1; continue; }
	ctl pcpuref "hold $d 2"		# dropped by the unregister event
	if [ $v = tracker ]; then
		# tracked, and long enough to be seen while the unregister waits
		ctl pcpuref "hold_for $d 8000 leaker"
	else
		ctl pcpuref "hold_for $d 3500"	# not dropped: the wait must see it
	fi
	dmesg -c >/dev/null
	ctl pcpuref "unregister $d" &
	unreg=$!
	if [ $v = tracker ]; then
		# the warning interval is 1 s: wait (up to 6 s, the holder
		# is held for 8) until the wait has named somebody, then look
		i=0
		while [ $i -lt 24 ] && ! dmesg | grep -q "unregister: $d still held by"; do
			sleep 0.25
			i=$((i + 1))
		done
		if grep -q "^$d state=unregistering owner=leaker held_ms=[0-9]* caller=." $P/holders; then
			case_ok pcpuref/wait_holders_names_leaker
		else
			case_fail pcpuref/wait_holders_names_leaker "holders: $(cat $P/holders)"; rc=1
		fi
		if grep -q "^$d " $P/devices; then
			case_fail pcpuref/wait_unlisted_while_waiting "$(cat $P/devices)"; rc=1
		else
			case_ok pcpuref/wait_unlisted_while_waiting
		fi
		if dmesg | grep -q "unregister: $d still held by leaker for [0-9]* ms, taken at "; then
			case_ok pcpuref/wait_warning_names_leaker
		else
			case_fail pcpuref/wait_warning_names_leaker "$(dmesg | grep "$d" | tail -3)"; rc=1
		fi
	fi
	if wait $unreg; then case_ok "pcpuref/wait_unregister_$v"
	else case_fail "pcpuref/wait_unregister_$v"; rc=1; fi
	# it warned while the timed reference (count 2 = base + 1) was held
	if dmesg | grep -q "waiting for $d to become free, usage count = 2"; then
		case_ok "pcpuref/wait_warned_$v"
	else
		case_fail "pcpuref/wait_warned_$v" "no warning in dmesg"; rc=1
	fi
	if grep -q "^$d " $P/devices $P/holders; then
		case_fail "pcpuref/wait_gone_$v"; rc=1
	else
		case_ok "pcpuref/wait_gone_$v"
	fi
done
echo "$old" >$W

# rmmod with devices still registered and referenced: the exit path drops
# the control file's references, waits for the timed one, frees everything.
if ! { ctl pcpuref "register lp percpu" && ctl pcpuref "register la atomic" &&
	ctl pcpuref "register lt tracker" &&
	ctl pcpuref "hold lp 3" && ctl pcpuref "hold la 3" &&
	ctl pcpuref "hold_for lp 1500" && ctl pcpuref "hold_for lt 1500 rmleak"; }; then
	case_fail pcpuref/rmmod_setup; rc=1
fi
check pcpuref/rmmod_with_held_devices rmmod pcpuref
check pcpuref/rmmod_removed_procfs test ! -e /proc/rcunet/pcpuref
check pcpuref/reinsmod insmod "$RCUNET_MODDIR/pcpuref.ko"
check pcpuref/reinsmod_empty test -z "$(cat /proc/rcunet/pcpuref/devices)"
exit $rc
