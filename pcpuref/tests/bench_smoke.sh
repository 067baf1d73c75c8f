# rcunet-timeout: 120
# rcunet-tags: stress
# The bench file: a tiny run of every variant gives one parseable result
# line per variant x thread count, and bad specs are refused. Two threads
# hammer one shared counter per fast-path variant and the teardown checks
# it is back at its base; the slow path's register+unregister cycles run
# on both threads at once: a concurrency test, so it also runs on the
# KCSAN kernel. One spec per path (the slow path's loops are grace
# periods): the lines of both are collected in $R (named bench: the case
# names say which file they read).
# shellcheck source-path=SCRIPTDIR source=../../scripts/guest/lib.sh
. /rcunet/guest/lib.sh
B=/proc/rcunet/pcpuref/bench
R=/tmp/pcpuref-bench-smoke/bench
FAST="atomic refcount percpu netdev percpu_ref tracker"
SLOW="atomic-unregister percpu-unregister tracker-unregister"
rc=0
mkdir -p "${R%/*}" && : >$R
dmesg -c >/dev/null
for spec in "path=fast loops=20000" "path=slow loops=3"; do
	if echo "variant=all $spec threads=1,2 runs=1" >$B; then
		cat $B >>$R
		case_ok "pcpuref/bench_run_${spec%% *}"
	else
		case_fail "pcpuref/bench_run_${spec%% *}"; rc=1
	fi
done
for v in $FAST $SLOW; do
	for t in 1 2; do
		if grep "^module=pcpuref variant=$v " $R | grep " threads=$t " |
			grep -q "ns_per_op_median=[0-9]"; then
			case_ok "pcpuref/bench_line_${v}_$t"
		else
			case_fail "pcpuref/bench_line_${v}_$t" "$(grep "variant=$v " $R)"; rc=1
		fi
	done
done
# every line carries the variant's role, its locked twin and the variant
# whose work it does: atomic and refcount are locked (no twin), percpu is
# the lockless change measured against atomic; the peers are the live
# kernel's. netdev does percpu's work where CONFIG_PCPU_DEV_REFCNT=y and the
# reference tracker is off (every kernel rcunet tests on), "-" otherwise;
# percpu_ref does more (an RCU section and a mode test) and names none.
# The slow path (path=slow): atomic-unregister is the shared counter's
# register+unregister, percpu-unregister the per-cpu one's, measured
# against it; their lines say how many slots the sum covers. tracker and
# tracker-unregister are the stage after percpu (previous=), measured
# against the same locked original; every other line says previous=-.
for exp in "atomic locked - atomic fast -" "refcount locked - refcount fast -" \
	"percpu lockless atomic atomic fast -" "netdev peer atomic percpu|- fast -" \
	"percpu_ref peer atomic - fast -" \
	"tracker lockless atomic atomic fast percpu" \
	"atomic-unregister locked - atomic-unregister slow -" \
	"percpu-unregister lockless atomic-unregister atomic-unregister slow -" \
	"tracker-unregister lockless atomic-unregister atomic-unregister slow percpu-unregister"; do
	# shellcheck disable=SC2086 # split the expectation into its words
	set -- $exp
	v=$1
	for f in "$R" /proc/rcunet/pcpuref/variants; do
		bad=$(grep "variant=$v " "$f" | awk -v r="$2" -v t="$3" -v w="^($4)\$" -v p="$5" -v pv="$6" '{
			role = twin = same = path = prev = "?"
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^role=/) role = substr($i, 6)
				else if ($i ~ /^twin=/) twin = substr($i, 6)
				else if ($i ~ /^same_work_as=/) same = substr($i, 14)
				else if ($i ~ /^path=/) path = substr($i, 6)
				else if ($i ~ /^previous=/) prev = substr($i, 10)
			}
			if (role != r || twin != t || same !~ w || path != p || prev != pv) print
		}')
		if [ -z "$bad" ] && grep -q "variant=$v " "$f"; then
			case_ok "pcpuref/bench_role_${v}_${f##*/}"
		else
			case_fail "pcpuref/bench_role_${v}_${f##*/}" "want $exp: ${bad:-no line}"; rc=1
		fi
	done
done
# the slow path's lines say how many per-cpu slots the unregister summed
for v in $SLOW; do
	if [ "$(grep -c "variant=$v .* possible_cpus=[1-9]" $R)" -eq 2 ]; then
		case_ok "pcpuref/bench_possible_cpus_$v"
	else
		case_fail "pcpuref/bench_possible_cpus_$v" "$(grep "variant=$v " $R)"; rc=1
	fi
done
if grep -q "error=" $R; then case_fail pcpuref/bench_no_error "$(grep error= $R)"; rc=1
else case_ok pcpuref/bench_no_error; fi
# every hold had its put on the shared bench device: the teardown found
# the count back at base (it logs "count N after the run" otherwise); the
# slow path's unregisters found theirs at base too ("below its base"
# otherwise: the cross-CPU slots did not sum to it), and the tracker's
# devices went with no tracker left on them ("still listed" otherwise)
if dmesg | grep -qE "after the run|below its base|still listed"; then
	case_fail pcpuref/bench_count_back_to_base "$(dmesg | grep -E 'after the run|below its base|still listed')"; rc=1
else
	case_ok pcpuref/bench_count_back_to_base
fi
expect_error pcpuref/bench_bad_variant "Invalid argument" sh -c "echo variant=nosuch >$B"
expect_error pcpuref/bench_bad_key "Invalid argument" sh -c "echo frob=1 >$B"
expect_error pcpuref/bench_bad_loops "out of range" sh -c "echo loops=0 >$B"
# the bench devices are private: nothing left registered
if grep -q . /proc/rcunet/pcpuref/devices; then case_fail pcpuref/bench_no_devices; rc=1
else case_ok pcpuref/bench_no_devices; fi
rm -rf "${R%/*}"
exit $rc
