# inetpeer benchmark driver (make bench): prints "module=inetpeer ..." lines.
# Fast path at 1..N threads, the variants of a spec interleaved by the
# harness: every fast variant at 1K peers (lookup hits with and without a
# reference for rwlock, rcu and the live kernel's inet_getpeer(), the
# seqlock stage's no-reference lookup, and the 95/5 lookup/insert-remove
# mix), the six lookups again at 64K peers. Slow path: insert+remove+free
# for rwlock, rcu and seqlock at 1K peers, loops a multiple of 256
# (rcu-remove and seqlock-remove wait for a grace period once per 256-op
# chunk). Env: BENCH_THREADS, BENCH_QUICK, BENCH_LOOPS (fast path only),
# BENCH_RUNS (unset: the core's default).
D=/proc/rcunet/inetpeer
threads=${BENCH_THREADS:-1,2}
lookups=rwlock,rcu,rwlock-noref,rcu-noref,seqlock,kernel
if [ -n "$BENCH_QUICK" ] && [ "$BENCH_QUICK" != 0 ]; then
	loops=${BENCH_LOOPS:-2000} runs=${BENCH_RUNS:-3} big=
	slow_loops=256
else
	loops=${BENCH_LOOPS:-20000} runs=${BENCH_RUNS:-} big=65536
	slow_loops=512
fi
[ -w $D/bench ] || { echo "inetpeer bench: no $D/bench" >&2; exit 1; }

# The kernel's cache evicts above net.ipv4.inet_peer_threshold; let it hold
# the 64K peers for the measurement, then put the old value back.
thr=/proc/sys/net/ipv4/inet_peer_threshold
old=$(cat $thr 2>/dev/null)
[ -n "$old" ] && echo 200000 >$thr

rc=0
# bench SPEC...: one measurement, its result lines on stdout
bench() {
	if echo "$* threads=$threads${runs:+ runs=$runs}" >$D/bench; then
		cat $D/bench
	else
		echo "inetpeer bench: $* failed" >&2
		rc=1
	fi
}
bench "path=fast loops=$loops peers=1024 mix=5"
[ -n "$big" ] && bench "variant=$lookups loops=$loops peers=$big"
bench "path=slow loops=$slow_loops peers=1024"
[ -n "$old" ] && echo "$old" >$thr
exit $rc
