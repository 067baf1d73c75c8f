# rcunet-timeout: 120
# Lock statistics (debug kernel, CONFIG_LOCK_STAT): which lock classes a
# bench run of one variant acquires. A lock taken once per signature is
# acquired at least LOOPS times in a run, whatever it is called, while the
# rest of the guest stays far below that in the run's fraction of a second.
# Legacy: its own lock, under the class name lockdep gave it (the stats file
# reports it), must be among those per-op classes, which proves the check
# sees a per-op lock. Percpu and stack: no per-op class at all, and the
# legacy lock not once.
# shellcheck source-path=SCRIPTDIR source=../../scripts/guest/lib.sh
. /rcunet/guest/lib.sh

[ -e /proc/lock_stat ] || exit 77
P=/proc/rcunet/md5pool
LOOPS=5000

want=$(sed -n 's/^legacy_lock: //p' "$P/stats")
echo "legacy lock class: '$want'"
if [ -z "$want" ] || [ "$want" = - ]; then
	case_fail lockstat/legacy_lock_named "stats has no legacy_lock class name"
	exit 0
fi
case_ok lockstat/legacy_lock_named

# acquired VARIANT: bench it (one warm-up and one measured run of LOOPS
# ops) with lock statistics on; print "ACQUISITIONS CLASS" for every class
# acquired during the run, CLASS without lock_stat's "#N" (name version),
# "/N" (subclass) or "-R"/"-W" decorations.
acquired() {
	echo 0 >/proc/lock_stat
	echo 1 >/proc/sys/kernel/lock_stat
	echo "variant=$1 threads=1 loops=$LOOPS runs=1" >"$P/bench"
	echo 0 >/proc/sys/kernel/lock_stat
	# a class line is the name, then 12 numbers; acquisitions is the 8th
	awk 'NF >= 13 {
		for (i = NF - 11; i <= NF; i++)
			if ($i !~ /^[0-9]+(\.[0-9]+)?$/)
				next
		name = $1
		for (i = 2; i <= NF - 12; i++)
			name = name " " $i
		sub(/(-[RW])?:$/, "", name)
		sub(/(#[0-9]+)?(\/[0-9]+)?$/, "", name)
		print $(NF - 4), name
	}' /proc/lock_stat
}

# per_op: the lines of stdin acquired at least LOOPS times
per_op() { awk -v min="$LOOPS" '$1 >= min'; }

# has_class CLASS: is CLASS among the classes on stdin? lock_stat cuts
# names to 35 characters once decorated: compare that much.
has_class() {
	awk -v w="$1" '{ n = $0; sub(/^[0-9]+ /, "", n)
		if (substr(n, 1, 35) == substr(w, 1, 35)) f = 1 }
		END { exit !f }'
}

legacy=$(acquired legacy)
echo "legacy, per-op classes:"
echo "$legacy" | per_op
check lockstat/legacy_takes_its_lock_per_op \
	test -n "$(echo "$legacy" | per_op | has_class "$want" && echo hit)"

# percpu and stack (no pool, no BH disabling): no per-op class at all
for v in percpu stack; do
	got=$(acquired $v)
	echo "$v, per-op classes:"
	echo "$got" | per_op
	check lockstat/${v}_no_per_op_lock test -z "$(echo "$got" | per_op)"
	check lockstat/${v}_never_takes_legacy_lock \
		test -z "$(echo "$got" | has_class "$want" && echo hit)"
done
echo 0 >/proc/lock_stat
exit 0
