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
# fast path: 4 in-kernel variants x sleeper=0,1 x threads 1,2, 3 swq_stress;
# slow path: 5 close variants x threads 1,2
if [ "$n" -ge 29 ] && [ "$bad" -eq 0 ]; then case_ok bench-smoke; else case_fail bench-smoke "lines=$n errors=$bad"; rc=1; fi

# every variant's lines, with its role and path (not the figures)
bad_lines=""
want() {
	local v="$1" rest="$2" count="$3" got
	got=$(echo "$out" | grep "^module=sockwq variant=$v " | grep -c " $rest")
	[ "$got" -eq "$count" ] || bad_lines="$bad_lines $v:$got/$count"
}
want legacy "role=locked twin=- same_work_as=legacy previous=- path=fast" 4
want rcu "role=lockless twin=legacy same_work_as=legacy previous=- path=fast" 4
want embedded "role=lockless twin=legacy same_work_as=legacy previous=rcu path=fast" 4
want kernel "role=peer twin=legacy same_work_as=rcu previous=- path=fast" 4
want legacy-close "role=locked twin=- same_work_as=legacy-close previous=- path=slow" 2
want rcu-close "role=lockless twin=legacy-close same_work_as=legacy-close previous=- path=slow" 2
want rcu-close-gp "role=lockless twin=legacy-close same_work_as=legacy-close previous=- path=slow" 2
want embedded-close "role=lockless twin=legacy-close same_work_as=legacy-close previous=rcu-close path=slow" 2
want kernel-close "role=peer twin=legacy-close same_work_as=- previous=- path=slow" 2
# swq_stress's own lines carry previous= too, between same_work_as= and path=
want kernel_unix "role=peer twin=dev_legacy same_work_as=- previous=- path=fast" 1
want dev_rcu "role=lockless twin=dev_legacy same_work_as=dev_legacy previous=- path=fast" 1
want dev_legacy "role=locked twin=- same_work_as=dev_legacy previous=- path=fast" 1
if [ -z "$bad_lines" ]; then case_ok bench-smoke-roles; else case_fail bench-smoke-roles "lines per variant:$bad_lines"; rc=1; fi
# the close variants print no sleeper= (it does not apply), gp states its batch
if echo "$out" | grep 'path=slow' | grep -q 'sleeper='; then
	case_fail bench-smoke-slow-params "a close variant printed sleeper="
	rc=1
elif [ "$(echo "$out" | grep '^module=sockwq variant=rcu-close-gp ' | grep -c ' gp_batch=256$')" -ne 2 ]; then
	case_fail bench-smoke-slow-params "rcu-close-gp lines without gp_batch=256"
	rc=1
else
	case_ok bench-smoke-slow-params
fi

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
