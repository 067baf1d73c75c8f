# rcunet-timeout: 120
# rcunet-tags: stress
# The bench file: a tiny run of every variant gives one parseable result
# line per variant x thread count, and bad specs are refused. Two threads
# hammer one shared counter per variant and the teardown checks it is back
# at its base: a concurrency test, so it also runs on the KCSAN kernel.
. /rcunet/guest/lib.sh
B=/proc/rcunet/pcpuref/bench
rc=0
dmesg -c >/dev/null
if echo "variant=all threads=1,2 loops=20000 runs=1" >$B; then
	case_ok pcpuref/bench_run
else
	case_fail pcpuref/bench_run; rc=1
fi
for v in atomic refcount percpu netdev percpu_ref; do
	for t in 1 2; do
		if grep "^module=pcpuref variant=$v " $B | grep " threads=$t " |
			grep -q "ns_per_op_median=[0-9]"; then
			case_ok "pcpuref/bench_line_${v}_$t"
		else
			case_fail "pcpuref/bench_line_${v}_$t" "$(grep "variant=$v " $B)"; rc=1
		fi
	done
done
if grep -q "error=" $B; then case_fail pcpuref/bench_no_error "$(grep error= $B)"; rc=1
else case_ok pcpuref/bench_no_error; fi
# every hold had its put on the shared bench device: the teardown found
# the count back at base (it logs "count N after the run" otherwise)
if dmesg | grep -q "after the run"; then
	case_fail pcpuref/bench_count_back_to_base "$(dmesg | grep 'after the run')"; rc=1
else
	case_ok pcpuref/bench_count_back_to_base
fi
expect_error pcpuref/bench_bad_variant "Invalid argument" sh -c "echo variant=nosuch >$B"
expect_error pcpuref/bench_bad_key "Invalid argument" sh -c "echo frob=1 >$B"
expect_error pcpuref/bench_bad_loops "out of range" sh -c "echo loops=0 >$B"
# the bench devices are private: nothing left registered
if grep -q . /proc/rcunet/pcpuref/devices; then case_fail pcpuref/bench_no_devices; rc=1
else case_ok pcpuref/bench_no_devices; fi
exit $rc
