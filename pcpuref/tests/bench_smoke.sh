# rcunet-timeout: 120
# rcunet-tags: stress
# The bench file: a tiny run of every variant gives one parseable result
# line per variant x thread count, and bad specs are refused. Two threads
# hammer one shared counter per variant and the teardown checks it is back
# at its base: a concurrency test, so it also runs on the KCSAN kernel.
# shellcheck source-path=SCRIPTDIR source=../../scripts/guest/lib.sh
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
# every line carries the variant's role, its locked twin and the variant
# whose work it does: atomic and refcount are locked (no twin), percpu is
# the lockless change measured against atomic; the peers are the live
# kernel's. netdev does percpu's work where CONFIG_PCPU_DEV_REFCNT=y and the
# reference tracker is off (every kernel rcunet tests on), "-" otherwise;
# percpu_ref does more (an RCU section and a mode test) and names none.
for exp in "atomic locked - atomic" "refcount locked - refcount" \
	"percpu lockless atomic atomic" "netdev peer atomic percpu|-" \
	"percpu_ref peer atomic -"; do
	# shellcheck disable=SC2086 # split the expectation into its words
	set -- $exp
	v=$1
	for f in "$B" /proc/rcunet/pcpuref/variants; do
		bad=$(grep "variant=$v " "$f" | awk -v r="$2" -v t="$3" -v w="^($4)\$" '{
			role = twin = same = "?"
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^role=/) role = substr($i, 6)
				else if ($i ~ /^twin=/) twin = substr($i, 6)
				else if ($i ~ /^same_work_as=/) same = substr($i, 14)
			}
			if (role != r || twin != t || same !~ w) print
		}')
		if [ -z "$bad" ] && grep -q "variant=$v " "$f"; then
			case_ok "pcpuref/bench_role_${v}_${f##*/}"
		else
			case_fail "pcpuref/bench_role_${v}_${f##*/}" "want $exp: ${bad:-no line}"; rc=1
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
