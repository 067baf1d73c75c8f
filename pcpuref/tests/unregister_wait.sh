# rcunet-timeout: 120
# A reference held past the unregister: the unregister waits for it, warns
# with the name and count every unregister_warn_secs, and completes once the
# reference is put (a "hold_for" reference ignores the unregister event).
# shellcheck source-path=SCRIPTDIR source=../../scripts/guest/lib.sh
. /rcunet/guest/lib.sh
P=/proc/rcunet/pcpuref
W=/sys/module/pcpuref/parameters/unregister_warn_secs
rc=0
old=$(cat $W)
echo 1 >$W
for v in percpu atomic refcount; do
	d=w_$v
	ctl pcpuref "register $d $v" || { case_fail "pcpuref/wait_register_$v"; rc=1; continue; }
	ctl pcpuref "hold $d 2"		# dropped by the unregister event
	ctl pcpuref "hold_for $d 3500"	# not dropped: the wait must see it
	dmesg -c >/dev/null
	if ctl pcpuref "unregister $d"; then case_ok "pcpuref/wait_unregister_$v"
	else case_fail "pcpuref/wait_unregister_$v"; rc=1; fi
	# it warned while the timed reference (count 2 = base + 1) was held
	if dmesg | grep -q "waiting for $d to become free, usage count = 2"; then
		case_ok "pcpuref/wait_warned_$v"
	else
		case_fail "pcpuref/wait_warned_$v" "no warning in dmesg"; rc=1
	fi
	if grep -q "^$d " $P/devices; then
		case_fail "pcpuref/wait_gone_$v"; rc=1
	else
		case_ok "pcpuref/wait_gone_$v"
	fi
done
echo "$old" >$W

# rmmod with devices still registered and referenced: the exit path drops
# the control file's references, waits for the timed one, frees everything.
if ! { ctl pcpuref "register lp percpu" && ctl pcpuref "register la atomic" &&
	ctl pcpuref "hold lp 3" && ctl pcpuref "hold la 3" &&
	ctl pcpuref "hold_for lp 1500"; }; then
	case_fail pcpuref/rmmod_setup; rc=1
fi
check pcpuref/rmmod_with_held_devices rmmod pcpuref
check pcpuref/rmmod_removed_procfs test ! -e /proc/rcunet/pcpuref
check pcpuref/reinsmod insmod "$RCUNET_MODDIR/pcpuref.ko"
check pcpuref/reinsmod_empty test -z "$(cat /proc/rcunet/pcpuref/devices)"
exit $rc
