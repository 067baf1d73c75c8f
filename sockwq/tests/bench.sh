# sockwq benchmark driver (make bench): prints rcunet result lines.
#  fast path (path=fast), in-kernel: ns per ->data_ready() on one endpoint
#    shared by all threads, legacy (read_lock(&callback_lock)) vs rcu vs
#    embedded (rcu's callbacks, the wait queue inside the endpoint) vs
#    the live kernel's sock_def_readable(), without (sleeper=0) and with
#    (sleeper=1) a sleeper
#  slow path (path=slow), in-kernel: ns per create+close of an endpoint of
#    the thread's own: legacy-close (wait-queue object freed in the close)
#    vs rcu-close (freed by call_rcu(), after the close returned) vs
#    rcu-close-gp (rcu-close plus one synchronize_rcu() per gp_batch=256
#    closes: the grace period included) vs embedded-close (one allocation,
#    the wait queue freed with the endpoint) vs kernel-close (an AF_UNIX
#    socket's sock_create_kern() + sock_release(): scale, other work)
#  in-guest: messages/s writer -> poll()ing reader through an AF_UNIX
#    socketpair (kernel_unix) and /dev/sockwq pairs (dev_rcu, dev_legacy)
# BENCH_RUNS: runs per measurement (default: the core's, 15; quick: 3).
# BENCH_LOOPS: the fast path's loops; the slow path keeps its own (a
# multiple of gp_batch, so every thread's timed closes include whole grace
# periods).
#
# One spec line per path (the close variants need far fewer loops): the
# core interleaves the variants of one spec line, round by round.
P=/proc/rcunet/sockwq/bench
threads=${BENCH_THREADS:-1,2}
if [ -n "$BENCH_QUICK" ]; then
	loops=${BENCH_LOOPS:-2000}; sloops=256; runs=runs=3; msgs=2000; mruns=3
else
	loops=${BENCH_LOOPS:-100000}; sloops=2048; runs=; msgs=20000; mruns=15
fi
if [ -n "$BENCH_RUNS" ]; then
	runs=runs=$BENCH_RUNS mruns=$BENCH_RUNS
fi
rc=0
spec() {
	if echo "$* threads=$threads $runs" >$P; then
		cat $P
	else
		echo "sockwq bench: $* failed" >&2
		rc=1
	fi
}
for s in 0 1; do
	spec "path=fast loops=$loops sleeper=$s"
done
spec "path=slow loops=$sloops"
swq_stress bench -n "$msgs" -r "$mruns" || rc=1
exit $rc
