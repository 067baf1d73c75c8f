# rcunet-timeout: 120
# bench smoke: tests/bench.sh in quick mode prints well-formed result lines
# for every variant (and the run leaves no splat). Self-contained, in any
# order: it stops the kernel producers another test may have left running
# (they would share the CPUs and the bench endpoints' cache lines), and
# afterwards checks that the bench's own endpoints and wait-queue objects
# are gone again.
. /rcunet/guest/lib.sh
P=/proc/rcunet/sockwq
here=$(dirname "$0")
swq_stat() { sed -n "s/^$1: //p" $P/stats; }

ctl sockwq stop
ctl sockwq "targets none"
ep0=$(swq_stat endpoints) wq0=$(swq_stat wq_live)

out=$(BENCH_QUICK=1 BENCH_THREADS=1,2 sh "$here/bench.sh" 2>&1)
echo "$out"
echo "$out" | grep '^module=sockwq' | while read -r l; do result "NOTE bench $l"; done
bad=$(echo "$out" | grep '^module=sockwq' | grep -c 'error=')
n=$(echo "$out" | grep -c '^module=sockwq.*ns_per_op_median=')
rc=0
if [ "$n" -ge 9 ] && [ "$bad" -eq 0 ]; then case_ok bench-smoke; else case_fail bench-smoke "lines=$n errors=$bad"; rc=1; fi

# endpoints and wait-queue objects go after RCU grace periods
i=0
while [ $i -lt 100 ]; do
	[ "$(swq_stat endpoints)" = "$ep0" ] && [ "$(swq_stat wq_live)" = "$wq0" ] && break
	sleep 0.1
	i=$((i + 1))
done
if [ "$(swq_stat endpoints)" = "$ep0" ] && [ "$(swq_stat wq_live)" = "$wq0" ]; then
	case_ok bench-smoke-no-leak
else
	case_fail bench-smoke-no-leak "endpoints $(swq_stat endpoints) (was $ep0), wq_live $(swq_stat wq_live) (was $wq0)"
	rc=1
fi
exit $rc
