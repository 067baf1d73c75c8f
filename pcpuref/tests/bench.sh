# pcpuref benchmark driver (make bench): hold+put pairs on one shared
# device from one kthread per CPU, for every variant and thread count.
# Prints the core's result lines on stdout, atomic/percpu ratios on stderr.
B=/proc/rcunet/pcpuref/bench
threads=${BENCH_THREADS:-1,2}
if [ -n "$BENCH_QUICK" ]; then loops=2000 runs=1; else loops=500000 runs=5; fi
loops=${BENCH_LOOPS:-$loops}
echo "variant=all threads=$threads loops=$loops runs=$runs" >$B || exit 1
cat $B
awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	ns[f["variant"] "/" f["threads"]] = f["ns_per_op_median"]; t[f["threads"]] = 1 }
	END { for (n in t) if (ns["percpu/" n] > 0)
		printf "pcpuref: threads=%s atomic/percpu=%.2f refcount/percpu=%.2f netdev/percpu=%.2f\n",
			n, ns["atomic/" n] / ns["percpu/" n], ns["refcount/" n] / ns["percpu/" n],
			ns["netdev/" n] / ns["percpu/" n] }' $B >&2
