# rcunet-timeout: 120
# bench smoke: tests/bench.sh in quick mode prints well-formed result lines
# for every variant (and the run leaves no splat).
. /rcunet/guest/lib.sh
out=$(BENCH_QUICK=1 BENCH_THREADS=1,2 sh /rcunet/tests/sockwq/bench.sh 2>&1)
echo "$out"
echo "$out" | grep '^module=sockwq' | while read -r l; do result "NOTE bench $l"; done
bad=$(echo "$out" | grep '^module=sockwq' | grep -c 'error=')
n=$(echo "$out" | grep -c '^module=sockwq.*ns_per_op_median=')
if [ "$n" -ge 9 ] && [ "$bad" -eq 0 ]; then case_ok bench-smoke; else case_fail bench-smoke "lines=$n errors=$bad"; exit 1; fi
exit 0
