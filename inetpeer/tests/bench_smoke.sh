# rcunet-timeout: 120
# The bench file: a tiny run of every variant gives one result line per
# variant that carries its role, its locked twin, the variant whose work
# it matches and its path (fast, or slow for the -remove ops), with no
# error=; the variants file says the same. Benchmarks
# run on private bases: nothing here depends on the control file's cache
# or on what ran before.
. /rcunet/guest/lib.sh
D=/proc/rcunet/inetpeer
B=$D/bench
rc=0

if echo "variant=all threads=1 loops=200 runs=1 peers=64" >$B 2>/tmp/bench_smoke.err; then
	case_ok bench_smoke/run
else
	case_fail bench_smoke/run "$(cat /tmp/bench_smoke.err)"
	exit 1
fi

# variant NAME ROLE TWIN SAME_WORK_AS PATH [PREVIOUS]: its result line and
# its line in the variants file carry these (result-line tokens checked one
# by one: the harness may add keys between them); PREVIOUS defaults to -
variant() {
	prev=${6:--}
	line=$(grep "^module=inetpeer variant=$1 " $B)
	if [ "$1" = kernel ] && echo "$line" | grep -q ' error=-95$'; then
		# EOPNOTSUPP: this kernel's inet_getpeer() is the old one
		case_skip "bench_smoke/line_$1" "$line"
	elif echo "$line" | grep -q " ns_per_op_median=[0-9]" &&
	     echo "$line" | grep -q " role=$2 " &&
	     echo "$line" | grep -q " twin=$3 " &&
	     echo "$line" | grep -q " same_work_as=$4 " &&
	     echo "$line" | grep -q " previous=$prev " &&
	     echo "$line" | grep -Eq " path=$5( |\$)"; then
		case_ok "bench_smoke/line_$1"
	else
		case_fail "bench_smoke/line_$1" "${line:-no line}"; rc=1
	fi
	if grep -q "^variant=$1 op=[^ ]* role=$2 twin=$3 same_work_as=$4 previous=$prev path=$5$" $D/variants; then
		case_ok "bench_smoke/variants_$1"
	else
		case_fail "bench_smoke/variants_$1" "$(grep "^variant=$1 " $D/variants)"; rc=1
	fi
}
variant rwlock locked - rwlock fast
variant rcu lockless rwlock rwlock fast
variant rwlock-noref locked - rwlock-noref fast
variant rcu-noref lockless rwlock-noref rwlock-noref fast
# the next stage (rbtree + seqlock, no reference): x locked against the
# locked original's no-reference lookup, x previous against rcu-noref
variant seqlock lockless rwlock-noref rwlock-noref fast rcu-noref
# the kernel's inet_getpeer() is a no-reference lookup under RCU on an
# rbtree under a seqlock: the work of seqlock, measured against the locked
# no-reference lookup (where the kernel's is the old one, error=-95, the
# peer keeps naming rcu-noref)
if grep -q '^module=inetpeer variant=kernel .* error=-95$' $B; then
	variant kernel peer rwlock-noref rcu-noref fast
else
	variant kernel peer rwlock-noref seqlock fast
fi
variant rwlock-mix locked - rwlock-mix fast
variant rcu-mix lockless rwlock-mix rwlock-mix fast
# the slow path: insert, remove, and the memory freed (rcu: grace period)
variant rwlock-remove locked - rwlock-remove slow
variant rcu-remove lockless rwlock-remove rwlock-remove slow
variant seqlock-remove lockless rwlock-remove rwlock-remove slow rcu-remove
check bench_smoke/variants_count test "$(grep -c . $D/variants)" = 11
check bench_smoke/remove_ops test "$(grep -c '^variant=[a-z]*-remove op=insert+remove+free ' $D/variants)" = 3
if grep error= $B | grep -qv ' variant=kernel .* error=-95$'; then
	case_fail bench_smoke/no_error "$(grep error= $B)"; rc=1
else
	case_ok bench_smoke/no_error
fi
rm -f /tmp/bench_smoke.err
exit $rc
