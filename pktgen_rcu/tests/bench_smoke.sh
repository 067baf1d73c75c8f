# rcunet-timeout: 180
# The bench driver works: a quick run prints well-formed result lines for
# every variant (next_to_run: legacy, rcu; xmit_dummy: legacy, rcu and the
# kernel's pktgen.ko), with no error= lines. Numbers are not judged.
. /rcunet/guest/lib.sh
out=$(BENCH_QUICK=1 BENCH_THREADS=1 sh /rcunet/tests/pktgen_rcu/bench.sh 2>/tmp/pgr_bench.err)
rc=$?
echo "$out"
fail=0
[ $rc = 0 ] || { case_fail bench_smoke/exit "rc $rc: $(tail -3 /tmp/pgr_bench.err)"; fail=1; }
for want in "variant=legacy op=next_to_run" "variant=rcu op=next_to_run" \
	"variant=legacy op=xmit_dummy" "variant=rcu op=xmit_dummy" \
	"variant=kernel op=xmit_dummy"; do
	if echo "$out" | grep "^module=pktgen_rcu $want threads=1 " | grep -q "ops_per_sec=[1-9]"; then
		case_ok "bench_smoke/$(echo "$want" | sed 's/variant=//; s/ op=/\//')"
	else
		case_fail "bench_smoke/$(echo "$want" | sed 's/variant=//; s/ op=/\//')" "missing or zero"
		fail=1
	fi
done
echo "$out" | grep -q "error=" && { case_fail bench_smoke/no_errors "$(echo "$out" | grep error=)"; fail=1; }
exit $fail
