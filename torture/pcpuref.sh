#!/bin/sh
# rcunet-torture hook for pcpuref (busybox sh), called by the guest runner:
#   pcpuref.sh setup   after every insmod of pcpuref, before the driver
#   pcpuref.sh load    in the background for the whole run: user-space load
#                      through /proc/rcunet/pcpuref until SIGTERM or
#                      /tmp/torture/stop
# The devices rtu0..rtu3 belong to this script (control-file owned). The
# driver (pcpuref_torture.ko) looks them up and holds them, and now and
# then unregisters them by name; so every "unregister" here must wait for
# the driver's notifier to drop its references, and every device may
# vanish under us. The module itself is removed and reloaded under us now
# and then: a missing /proc file (or EIO on a file removed while open) is
# counted, not a failure, and every write opens and closes the file at once.
#
# Invariants (a line in /tmp/torture/pcpuref.fail each):
#  - the control file's references on rtuN (ctl_refs) never exceed the ones
#    this script took and has not put (hN); a put of at most hN is never
#    refused with ERANGE, and a put of more than hN always is;
#  - atomic and refcount counts are never below 1 + ctl_refs (percpu and
#    tracker sums are not exact while the driver holds and puts on other
#    CPUs);
#  - no tracker device refused a tracked put (refused=0: every tracked put
#    here and in the driver is of a reference taken with its tracker), and
#    every holders line reads "NAME state=listed|unregistering owner=OWNER
#    held_ms=N caller=..." or, past 10 holders of a device, "NAME
#    state=... omitted=N";
#  - no device refused a put (underflows=0), no unregister found a count
#    below its base (stats: unregister_below_base 0);
#  - bad lines get their errno (EINVAL, ERANGE), and "unregister" of a
#    driver-owned rtk* device EPERM;
#  - a write fails only with an errno its command documents.
# busybox ash has $RANDOM (POSIX sh does not): the guest runs busybox.
# shellcheck disable=SC3028
P=/proc/rcunet/pcpuref
T=/tmp/torture
N=4	# rtu0..rtu3: h0..h3 below, and PT_FOREIGN in the driver

case "$1" in
setup)
	# stalls torment: a waiting unregister warns every second, so its
	# warning path runs too (the default is every 10 s)
	if [ "${RCUNET_TORTURE_STALL:-0}" = 1 ]; then
		echo 1 >/sys/module/pcpuref/parameters/unregister_warn_secs || exit 1
	fi
	exit 0
	;;
load) ;;
*)
	echo "usage: $0 setup|load" >&2
	exit 2
	;;
esac

mkdir -p $T
ops=0
iter=0
gone=0
stop=0
below_reported=0
trap 'stop=1' TERM INT
h0=0 h1=0 h2=0 h3=0
h=0	# hN of the device at hand, set through eval

fail() {
	echo "pcpuref.sh: $*" >>$T/pcpuref.fail
	echo "pcpuref.sh: FAIL $*"
}

# The module went away (and maybe came back empty): nothing is held.
reset_all() {
	gone=$((gone + 1))
	below_reported=0
	h0=0 h1=0 h2=0 h3=0
}

# ctl LINE: one write to the control file; $e is the outcome: ok, ENODEV,
# EEXIST, ERANGE, EINVAL, EPERM, ENOSPC, EBUSY, gone (module absent or
# removed while the file was open), or the raw error text.
ctl() {
	out=$( { echo "$1" >$P/control; } 2>&1 )
	rc=$?
	ops=$((ops + 1))
	if [ $rc -eq 0 ]; then
		e=ok
		return 0
	fi
	case "$out" in
	*"No such device"*) e=ENODEV ;;
	*"File exists"*) e=EEXIST ;;
	*"out of range"*) e=ERANGE ;;
	*"Invalid argument"*) e=EINVAL ;;
	*"not permitted"*) e=EPERM ;;
	*"No space left"*) e=ENOSPC ;;
	*"busy"*) e=EBUSY ;;
	*"can't create"* | *"No such file"* | *"nonexistent"* | *"I/O error"*) e=gone ;;
	*) e="$out" ;;
	esac
	[ -e $P/control ] || e=gone
	[ "$e" = gone ] && reset_all
	return 1
}

# unexpected CMD [ALLOWED...]: fail unless $e is ok, gone or one of ALLOWED.
unexpected() {
	cmd=$1
	shift
	[ "$e" = ok ] || [ "$e" = gone ] && return 0
	for a in "$@"; do
		[ "$e" = "$a" ] && return 0
	done
	fail "'$cmd' failed with '$e'"
}

# check_devices: one listing, checked; a finding is confirmed on a second
# listing (a device the driver unregisters meanwhile reads inconsistently:
# its ctl_refs are zeroed before they are put).
scan_devices() {
	awk -v h="$h0 $h1 $h2 $h3" '
	BEGIN { split(h, H, " ") }
	{
		# first token: the device name, bare; then key=value tokens
		name = $1; variant = ""; refcnt = ""; ctl = 0; under = 0; refused = 0
		for (i = 2; i <= NF; i++) {
			k = $i; sub(/=.*/, "", k)
			v = $i; sub(/^[^=]*=/, "", v)
			if (k == "variant") variant = v
			else if (k == "refcnt") refcnt = v + 0
			else if (k == "ctl_refs") ctl = v + 0
			else if (k == "underflows") under = v + 0
			else if (k == "refused") refused = v + 0
		}
		if (under != 0)
			print name ": underflows=" under
		if (refused != 0)
			print name ": refused=" refused
		if (variant != "percpu" && variant != "tracker" && refcnt < 1 + ctl)
			print name " (" variant "): refcnt=" refcnt " below 1 + ctl_refs=" ctl
		if (name ~ /^rtu[0-9]$/) {
			n = substr(name, 4) + 1
			if (n in H && ctl > H[n] + 0)
				print name ": ctl_refs=" ctl " but this script holds " H[n]
		}
	}' $P/devices 2>/dev/null
}

check_devices() {
	ops=$((ops + 1))
	[ -e $P/devices ] || return 0
	bad=$(scan_devices)
	[ -n "$bad" ] || return 0
	sleep 1
	bad2=$(scan_devices)
	[ -e $P/devices ] || return 0
	# only what both listings saw
	echo "$bad" | while read -r line; do
		echo "$bad2" | grep -qxF "$line" && fail "devices: $line"
	done
}

check_stats() {
	ops=$((ops + 1))
	v=$(awk '$1 == "unregister_below_base:" { print $2 }' $P/stats 2>/dev/null)
	if [ -n "$v" ] && [ "$v" != 0 ] && [ $below_reported = 0 ]; then
		below_reported=1
		fail "stats: unregister_below_base=$v (a reference was put twice)"
	fi
	# the holders listing's format (tracked references still held)
	bad=$(grep -Ev '^[A-Za-z0-9_.-]+ state=(listed|unregistering) (owner=[A-Za-z0-9_.-]+ held_ms=[0-9]+ caller=.|omitted=[0-9]+$)' \
		$P/holders 2>/dev/null | head -1)
	[ -n "$bad" ] && fail "holders: bad line '$bad'"
}

VARIANTS="percpu atomic refcount tracker"
while [ $stop = 0 ] && [ ! -e $T/stop ]; do
	n=$((RANDOM % N))
	dev=rtu$n
	eval "h=\$h$n"
	r=$((RANDOM % 100))
	if [ $r -lt 12 ]; then
		# shellcheck disable=SC2086 # one word per variant
		set -- $VARIANTS
		shift $((RANDOM % 4))
		if ctl "register $dev $1"; then
			eval "h$n=0"
		fi
		unexpected "register $dev" EEXIST ENOSPC
	elif [ $r -lt 36 ]; then
		k=$((RANDOM % 5 + 1))
		if ctl "hold $dev $k"; then
			eval "h$n=$((h + k))"
		else
			[ "$e" = ENODEV ] && eval "h$n=0"
		fi
		unexpected "hold $dev $k" ENODEV
	elif [ $r -lt 56 ]; then
		if [ "$h" -gt 0 ]; then
			k=$((RANDOM % h + 1))
		else
			k=1
		fi
		if ctl "put $dev $k"; then
			if [ $k -gt "$h" ]; then
				fail "put $dev $k accepted, but this script holds only $h"
			fi
			eval "h$n=$((h - k))"
		else
			[ "$e" = ENODEV ] && eval "h$n=0"
			if [ "$e" = ERANGE ] && [ $k -le "$h" ]; then
				fail "put $dev $k refused (ERANGE) though this script holds $h"
			fi
			[ "$e" = ERANGE ] && [ $k -gt "$h" ] && e=ok
		fi
		unexpected "put $dev $k" ENODEV
	elif [ $r -lt 66 ]; then
		# blocks until the driver's notifier dropped its references
		ctl "unregister $dev"
		[ "$e" = ok ] || [ "$e" = ENODEV ] && eval "h$n=0"
		unexpected "unregister $dev" ENODEV
	elif [ $r -lt 74 ]; then
		# an owner: a tracked reference on a tracker device
		ctl "hold_for $dev $((RANDOM % 300 + 1)) rt_sh$((RANDOM % 2))"
		unexpected "hold_for $dev" ENODEV
	elif [ $r -lt 86 ]; then
		check_devices
		check_stats
	elif [ $r -lt 98 ]; then
		case $((RANDOM % 5)) in
		0) line="register rtu/x" want=EINVAL ;;
		1) line="hold $dev 0" want=ERANGE ;;
		2) line="frobnicate $dev" want=EINVAL ;;
		3) line="register rtu9 percpu_x" want=EINVAL ;;
		*)
			# a driver-owned device: its owner unregisters it
			line="unregister $(awk '$1 ~ /^rtk[0-9]/ { print $1; exit }' \
				$P/devices 2>/dev/null)"
			want=EPERM
			[ "$line" = "unregister " ] && continue
			;;
		esac
		if ctl "$line"; then
			fail "'$line' accepted, expected $want"
		elif [ "$e" != "$want" ] && [ "$e" != gone ] &&
			! { [ $want = EPERM ] && [ "$e" = ENODEV ]; }; then
			fail "'$line' failed with '$e', expected $want"
		fi
	else
		# a short benchmark run: its own shared device (one bench at a
		# time system-wide: another module's may be running, EBUSY); the
		# fast path only: the unregister variants cost a grace period
		# an op and hold off CPU hotplug for minutes at these loops
		out=$( { echo "variant=all path=fast threads=1 loops=2000 runs=1" >$P/bench; } 2>&1 )
		ops=$((ops + 1))
		case "$out" in
		"" | *busy* | *Interrupted* | *"can't create"* | *"No such file"* | *nonexistent* | *"I/O error"*) ;;
		*) fail "bench: $out" ;;
		esac
	fi
	iter=$((iter + 1))
	[ $((iter % 20)) -eq 0 ] && echo $ops >$T/pcpuref.load-ops
done
echo $ops >$T/pcpuref.load-ops
echo "pcpuref.sh: load done: $ops ops, module gone $gone times"
exit 0
