# md5pool benchmark driver (make bench): signatures of a 64-byte and a
# 1460-byte payload, variants legacy, percpu and kernel (the running
# kernel's own tcp_v4_md5_hash_skb, the peer), at BENCH_THREADS threads.
P=/proc/rcunet/md5pool/bench
threads=${BENCH_THREADS:-1}
if [ -n "$BENCH_QUICK" ]; then
	loops=${BENCH_LOOPS:-100}
	runs=1
else
	loops=${BENCH_LOOPS:-20000}
	runs=5
fi
rc=0
for size in 64 1460; do
	if echo "variant=all threads=$threads loops=$loops runs=$runs size=$size" >"$P"; then
		cat "$P"
	else
		echo "md5pool bench: size=$size failed" >&2
		rc=1
	fi
done
exit $rc
