# md5pool benchmark driver (make bench), at BENCH_THREADS threads.
# Fast path (op sign): signatures of a 64-byte and a 1460-byte payload
# through legacy, percpu, stack, percpu-ahash and kernel (the running
# kernel's own TCP-MD5, the peer). Slow path (op pool-alloc+free):
# legacy-alloc, percpu-alloc and stack-alloc, fewer loops (one op builds
# and frees a whole pool, or stack's shared tfm).
# One spec line per path (path=fast|slow): the variants of a line are
# measured in interleaved rounds, and the slow path gets its own loops.
# Env: BENCH_THREADS, BENCH_QUICK, BENCH_LOOPS (fast path only),
# BENCH_RUNS (unset: the core's default; BENCH_QUICK: 3).
P=/proc/rcunet/md5pool/bench
threads=${BENCH_THREADS:-1}
if [ -n "$BENCH_QUICK" ] && [ "$BENCH_QUICK" != 0 ]; then
	loops=${BENCH_LOOPS:-100} runs=${BENCH_RUNS:-3} slow_loops=10
else
	loops=${BENCH_LOOPS:-10000} runs=${BENCH_RUNS:-} slow_loops=2048
fi
[ -w "$P" ] || { echo "md5pool bench: no $P" >&2; exit 1; }
rc=0
# bench SPEC...: one measurement, its result lines on stdout
bench() {
	if echo "$* threads=$threads${runs:+ runs=$runs}" >"$P"; then
		cat "$P"
	else
		echo "md5pool bench: $* failed" >&2
		rc=1
	fi
}
for size in 64 1460; do
	bench "path=fast loops=$loops size=$size"
done
bench "path=slow loops=$slow_loops"
exit $rc
