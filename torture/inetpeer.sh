# rcunet-torture guest hooks for inetpeer (busybox sh), called by
# scripts/guest/run-torture:
#   setup  after every insmod of inetpeer, before its driver: with the stall
#          torment on, the GC worker keeps its temporary reference on every
#          node it takes for a few ms (gc_hold_ms), which widens the windows
#          where lookups, puts and removals race that reference (the
#          driver's bases and the control file's base alike);
#   load   in the background for the whole run: the control file's own
#          code paths (get with its ctl_holds count, put that looks without
#          a reference, remove, flush, gc, check) and the peers/stats
#          listings, on the module's procfs base, until killed or
#          /tmp/torture/stop exists. The module comes and goes under it
#          (rmmod torment): a missing file counts as "gone", never fails.
# Invariants checked (a line in /tmp/torture/inetpeer.fail fails the run):
#   check never reports a corrupt tree; freed_seen and unlink_failed stay 0;
#   a put with no get of the control file's behind it is always refused;
#   peers lists no negative count and IPv4 in strictly increasing order,
#   before IPv6.
D=/proc/rcunet/inetpeer
P=/sys/module/inetpeer/parameters
T=/tmp/torture

setup() {
	if [ "${RCUNET_TORTURE_STALL:-0}" = 1 ] && [ -w $P/gc_hold_ms ]; then
		echo 3 >$P/gc_hold_ms
	fi
	return 0
}

fail() {
	echo "$*" >>$T/inetpeer.fail
	echo "rcunet-torture: FAILURE module=inetpeer load: $*" >/dev/kmsg
}

# ctl "command": one write; $rc and $err (the write's error text) after it.
# The file is opened for that one write only: nothing pins the module.
ctl() {
	err=$({ echo "$1" >$D/control; } 2>&1)
	rc=$?
	ops=$((ops + 1))
	if [ $rc != 0 ] && [ ! -e $D/control ]; then
		gone=$((gone + 1))
		held=
		rc=gone
	fi
}

# An address from a range: held set (control holds), never-held set.
rnd() { echo $((RANDOM % $1)); }

# get/put of the held set: track our holds; a refused put of an address we
# think we hold means the module was reloaded under us (holds gone).
op_get() {
	a=10.9.1.$(rnd 24)
	ctl "get $a"
	if [ "$rc" = 0 ]; then
		held="$held $a"
	elif echo "$err" | grep -q "Invalid argument"; then
		# a valid address: only ENOMEM or the module going are fine
		fail "get $a: $err"
	fi
}

op_put() {
	# shellcheck disable=SC2086 # split the list
	set -- $held
	[ $# -gt 0 ] || return 0
	a=$(eval echo "\${$(($(rnd $#) + 1))}")
	ctl "put $a"
	# drop one occurrence of $a from the list, whatever the outcome
	held=$(echo "$held" | awk -v a="$a" '{ d = 0; for (i = 1; i <= NF; i++) { if (!d && $i == a) { d = 1; continue } printf " %s", $i } }')
	[ "$rc" = 0 ] || [ "$rc" = gone ] || held=
}

# get, put, put again: the second put has no get behind it.
op_put_unheld() {
	a=10.9.2.$(rnd 16)
	ctl "get $a"
	[ "$rc" = 0 ] || return 0
	ctl "put $a"
	[ "$rc" = 0 ] || return 0
	ctl "put $a"
	[ "$rc" = 0 ] && fail "put $a without a matching get was accepted"
	return 0
}

op_churn() {
	a=2001:db8:9::$(rnd 64)
	ctl "get $a"
	[ "$rc" = 0 ] && ctl "put $a"
	return 0
}

op_remove() {
	ctl "remove 10.9.$(($(rnd 2) + 1)).$(rnd 24)"
}

op_check() {
	ctl check
	if [ "$rc" != 0 ] && [ "$rc" != gone ]; then
		fail "check: $err (see the kernel log for the reason)"
	fi
}

op_stats() {
	s=$(cat $D/stats 2>/dev/null) || return 0
	ops=$((ops + 1))
	# "key: value" lines, ops and errors first
	case $s in
	"ops: "*) ;;
	*) [ -z "$s" ] || fail "stats: first line is not ops: $(echo "$s" | head -n 1)" ;;
	esac
	for k in freed_seen unlink_failed; do
		v=$(echo "$s" | sed -n "s/^$k: //p")
		[ -z "$v" ] || [ "$v" = 0 ] || fail "stats: $k: $v"
	done
}

op_peers() {
	out=$(cat $D/peers 2>/dev/null) || return 0
	ops=$((ops + 1))
	# an empty listing is one empty line here
	bad=$(echo "$out" | awk '
		NF == 0 { next }
		{ sub("refcnt=", "", $2) }
		$2 !~ /^[0-9]+$/ { print "negative or bad count: " $0; exit }
		index($1, ":") { v6 = 1; next }
		{
			if (v6) { print "IPv4 after IPv6: " $1; exit }
			split($1, o, ".")
			n = ((o[1] * 256 + o[2]) * 256 + o[3]) * 256 + o[4]
			if (seen && n <= prev) { print "out of order: " $1; exit }
			prev = n; seen = 1
		}')
	[ -z "$bad" ] || fail "peers: $bad"
}

load() {
	ops=0
	gone=0
	held=
	stop=0
	trap 'stop=1' TERM INT
	mkdir -p $T
	n=0
	while [ $stop = 0 ] && [ ! -e $T/stop ]; do
		n=$((n + 1))
		case $(rnd 20) in
		0 | 1 | 2 | 3) op_get ;;
		4 | 5 | 6 | 7) op_put ;;
		8 | 9) op_put_unheld ;;
		10 | 11 | 12) op_churn ;;
		13 | 14) op_remove ;;
		15) ctl flush ;;
		16) ctl gc ;;
		17) op_check ;;
		18) op_stats ;;
		19) op_peers ;;
		esac
		# keep the holds few: the module frees what is left at rmmod
		# shellcheck disable=SC2086 # split the list
		set -- $held
		[ $# -gt 12 ] && op_put
		if [ $((n % 20)) = 0 ]; then
			echo $ops >$T/inetpeer.load-ops
		fi
		usleep 1000
	done
	echo $ops >$T/inetpeer.load-ops
	echo "inetpeer load: ops=$ops gone=$gone"
}

case "$1" in
setup) setup ;;
load) load ;;
*) echo "usage: $0 setup|load" >&2; exit 2 ;;
esac
