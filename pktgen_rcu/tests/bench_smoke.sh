# rcunet-timeout: 180
# The bench driver works: a quick run prints well-formed result lines for
# every variant (next_to_run: legacy, rcu, mutex; the slow path
# add+remove: legacy-remove, rcu-remove, mutex-remove; xmit_dummy: legacy,
# rcu, mutex and the kernel's pktgen.ko), each with its role, locked twin,
# same_work_as, previous stage and path, with
# no error= lines; /proc/rcunet/pktgen_rcu/variants lists the bench
# variants the same way. Numbers are not judged.
. /rcunet/guest/lib.sh
out=$(BENCH_QUICK=1 BENCH_THREADS=1 sh /rcunet/tests/pktgen_rcu/bench.sh 2>/tmp/pgr_bench.err)
rc=$?
echo "$out"
fail=0
[ $rc = 0 ] || { case_fail bench_smoke/exit "rc $rc: $(tail -3 /tmp/pgr_bench.err)"; fail=1; }
# "variant op role twin same_work_as previous path" per expected line
while read -r v op role twin same prev path; do
	name=bench_smoke/$v/$op
	line=$(echo "$out" | grep "^module=pktgen_rcu variant=$v op=$op threads=1 ")
	if [ -z "$line" ] || ! echo "$line" | grep -q "ops_per_sec=[1-9]"; then
		case_fail "$name" "missing or zero"
		fail=1
	elif ! echo "$line" | grep -q " role=$role twin=$twin same_work_as=$same previous=$prev path=$path "; then
		case_fail "$name" "roles: $line"
		fail=1
	else
		case_ok "$name"
	fi
done <<'EOT'
legacy next_to_run locked - legacy - fast
rcu next_to_run lockless legacy legacy - fast
mutex next_to_run lockless legacy legacy rcu fast
legacy-remove add+remove locked - legacy-remove - slow
rcu-remove add+remove+gp/256 lockless legacy-remove legacy-remove - slow
mutex-remove add+remove+gp/256 lockless legacy-remove legacy-remove rcu-remove slow
legacy xmit_dummy locked - legacy - fast
rcu xmit_dummy lockless legacy legacy - fast
mutex xmit_dummy lockless legacy legacy rcu fast
kernel xmit_dummy peer legacy rcu - fast
EOT
want="variant=legacy op=next_to_run role=locked twin=- same_work_as=legacy previous=- path=fast
variant=rcu op=next_to_run role=lockless twin=legacy same_work_as=legacy previous=- path=fast
variant=mutex op=next_to_run role=lockless twin=legacy same_work_as=legacy previous=rcu path=fast
variant=legacy-remove op=add+remove role=locked twin=- same_work_as=legacy-remove previous=- path=slow
variant=rcu-remove op=add+remove+gp/256 role=lockless twin=legacy-remove same_work_as=legacy-remove previous=- path=slow
variant=mutex-remove op=add+remove+gp/256 role=lockless twin=legacy-remove same_work_as=legacy-remove previous=rcu-remove path=slow"
if [ "$(cat /proc/rcunet/pktgen_rcu/variants)" = "$want" ]; then
	case_ok bench_smoke/variants_file
else
	case_fail bench_smoke/variants_file "$(cat /proc/rcunet/pktgen_rcu/variants)"
	fail=1
fi
echo "$out" | grep -q "error=" && { case_fail bench_smoke/no_errors "$(echo "$out" | grep error=)"; fail=1; }
exit $fail
