# inetpeer benchmark driver (make bench): prints "module=inetpeer ..." lines.
# Lookup hits at 1..N threads for rwlock, rcu and the live kernel's
# inet_getpeer(), with 1K and 64K peers, plus the 95/5 lookup/insert-remove
# mix for rwlock and rcu. Env: BENCH_THREADS, BENCH_QUICK, BENCH_LOOPS.
D=/proc/rcunet/inetpeer
threads=${BENCH_THREADS:-1,2}
if [ -n "$BENCH_QUICK" ] && [ "$BENCH_QUICK" != 0 ]; then
	loops=${BENCH_LOOPS:-2000} runs=1 sizes=1024
else
	loops=${BENCH_LOOPS:-100000} runs=3 sizes="1024 65536"
fi
[ -w $D/bench ] || { echo "inetpeer bench: no $D/bench" >&2; exit 1; }

# The kernel's cache evicts above net.ipv4.inet_peer_threshold; let it hold
# the 64K peers for the measurement, then put the old value back.
thr=/proc/sys/net/ipv4/inet_peer_threshold
old=$(cat $thr 2>/dev/null)
[ -n "$old" ] && echo 200000 >$thr

rc=0
for n in $sizes; do
	if echo "variant=all threads=$threads loops=$loops runs=$runs peers=$n mix=5" >$D/bench; then
		cat $D/bench
	else
		echo "inetpeer bench: peers=$n failed" >&2
		rc=1
	fi
done
[ -n "$old" ] && echo "$old" >$thr
exit $rc
