# sockwq benchmark driver (make bench): prints rcunet result lines.
#  in-kernel: ns per ->data_ready() on one endpoint shared by all threads,
#    legacy (read_lock(&callback_lock)) vs rcu vs the live kernel's
#    sock_def_readable(), without (sleeper=0) and with (sleeper=1) a sleeper
#  in-guest: messages/s writer -> poll()ing reader through an AF_UNIX
#    socketpair (kernel_unix) and /dev/sockwq pairs (dev_rcu, dev_legacy)
P=/proc/rcunet/sockwq/bench
threads=${BENCH_THREADS:-1,2}
if [ -n "$BENCH_QUICK" ]; then
	loops=${BENCH_LOOPS:-2000}; runs=2; msgs=2000; mruns=1
else
	loops=${BENCH_LOOPS:-200000}; runs=5; msgs=20000; mruns=3
fi
rc=0
for s in 0 1; do
	if echo "variant=all threads=$threads loops=$loops runs=$runs sleeper=$s" >$P; then
		cat $P
	else
		echo "bench sleeper=$s failed" >&2
		rc=1
	fi
done
swq_stress bench -n "$msgs" -r "$mruns" || rc=1
exit $rc
