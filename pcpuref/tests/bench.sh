# pcpuref benchmark driver (make bench). Fast path: hold+put pairs on one
# shared device from one kthread per CPU. Slow path: a private device's
# register+unregister cycle per op (a reference on every possible CPU,
# the unregister's grace period and summing poll), each thread its own.
# tracker/tracker-unregister: the same with a tracker per reference, the
# stage after percpu (previous=).
# Prints the core's result lines on stdout, the x-locked ratios on stderr.
#
# BENCH_THREADS (default 1,2), BENCH_RUNS (runs per thread count; unset:
# the core's default), BENCH_LOOPS (the fast path's loops; the slow path's
# stay below the harness's 256-op chunk, see bench.c), BENCH_QUICK=1 (a
# seconds-long smoke run: few loops, 3 runs unless BENCH_RUNS).
B=/proc/rcunet/pcpuref/bench
threads=${BENCH_THREADS:-1,2}
runs=${BENCH_RUNS:+runs=$BENCH_RUNS}
if [ -n "$BENCH_QUICK" ]; then
	loops=2000 slow_loops=2 runs=runs=${BENCH_RUNS:-3}
else
	# three slow-path variants at 8 loops cost what two did at 12; the
	# tracker (~1.5 us an op under TCG) at 100000 keeps the fast path short
	loops=100000 slow_loops=8
fi
loops=${BENCH_LOOPS:-$loops}
out=/tmp/pcpuref-bench.$$
: >$out
rc=0
# Two specs: the fast path's variants interleaved at their loops, the
# slow path's at theirs (the fast path's loops would be hours of grace
# periods there).
for p in fast slow; do
	n=$loops
	[ $p = slow ] && n=$slow_loops
	# shellcheck disable=SC2086 # $runs is empty or one word
	if echo "variant=all path=$p threads=$threads loops=$n $runs" >$B; then
		cat $B >>$out
	else
		echo "pcpuref bench: path=$p failed" >&2
		rc=1
	fi
done
cat $out
awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	ns[f["variant"] "/" f["threads"]] = f["ns_per_op_median"]; t[f["threads"]] = 1 }
	END { for (n in t) {
		if (ns["percpu/" n] > 0)
			printf "pcpuref: threads=%s atomic/percpu=%.2f refcount/percpu=%.2f netdev/percpu=%.2f tracker/percpu=%.2f\n",
				n, ns["atomic/" n] / ns["percpu/" n], ns["refcount/" n] / ns["percpu/" n],
				ns["netdev/" n] / ns["percpu/" n], ns["tracker/" n] / ns["percpu/" n]
		if (ns["tracker/" n] > 0)
			printf "pcpuref: threads=%s tracker/atomic=%.2f\n", n, ns["tracker/" n] / ns["atomic/" n]
		if (ns["percpu-unregister/" n] > 0)
			printf "pcpuref: threads=%s slow path atomic-unregister/percpu-unregister=%.2f tracker-unregister/percpu-unregister=%.2f\n",
				n, ns["atomic-unregister/" n] / ns["percpu-unregister/" n],
				ns["tracker-unregister/" n] / ns["percpu-unregister/" n] } }' $out >&2
rm -f $out
exit $rc
