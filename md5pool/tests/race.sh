# rcunet-timeout: 240
# rcunet-tags: stress
# All three variants signing at once on every CPU. Two signers write the
# committed kernel-signed vectors to the sign file, each write a user
# reference of its own (through legacy, a first user builds the pool and a
# last one frees it, over and over, while the other signer is in get), a
# third process flips sign_variant under them, a two-thread bench of
# legacy, percpu then stack runs beside, and a fourth reads the stats and cpus
# files (every CPU's signature counter, read locklessly: summed into ops,
# listed per CPU) all along. Every signature must match, every bench run
# must succeed, and at the end no legacy user may be left.
# shellcheck source-path=SCRIPTDIR source=../../scripts/guest/lib.sh
. /rcunet/guest/lib.sh

P=/proc/rcunet/md5pool
KEY=72636e65742d6d643570
VEC=/rcunet/tests/md5pool/vectors.txt
ROUNDS=150
vec() { awk -v f="$1" -v n="$2" '$1 == f && $2 == n { print $3 }' "$VEC"; }

for a in 127.0.0.1 ::1; do
	ctl md5pool "key_del $a" 2>/dev/null || true
	ctl md5pool "key_add $a $KEY"
done

# signer HEX HEX: ROUNDS signatures of each packet; prints the bad results
signer() {
	for _ in $(seq $ROUNDS); do
		for p in "$@"; do
			md5sig_oracle -w "$p" 2>&1
		done
	done | grep -v '^sig=[0-9a-f]\{32\} match=yes$'
}

tmp=$(mktemp -d)
(
	for v in legacy percpu stack; do
		echo "variant=$v threads=2 loops=3000 runs=3" >"$P/bench" &&
			cat "$P/bench" || echo "bench $v: write failed"
	done >"$tmp/bench" 2>&1
) &
bench=$!
signer "$(vec v4 1)" "$(vec v6 4)" >"$tmp/s1" &
s1=$!
signer "$(vec v6 2)" "$(vec v4 8)" >"$tmp/s2" &
s2=$!
(
	for _ in $(seq $ROUNDS); do
		ctl md5pool "sign_variant legacy"
		ctl md5pool "sign_variant stack"
		ctl md5pool "sign_variant percpu"
	done
) &
flip=$!
(
	bad=0
	while [ ! -e "$tmp/stop" ]; do
		{ grep -q '^ops: [0-9]' "$P/stats" &&
			grep -q '^cpu[0-9]* signed=[0-9]' "$P/cpus"; } ||
			bad=$((bad + 1))
		sleep 0.02	# leave the CPUs to the signers
	done
	echo "$bad" >"$tmp/stats_bad"
) &
stats=$!
wait $s1 $s2 $flip $bench
touch "$tmp/stop"
wait $stats
ctl md5pool "sign_variant percpu"

cat "$tmp/bench"
check race/signer1_all_match test ! -s "$tmp/s1"
check race/signer2_all_match test ! -s "$tmp/s2"
head -5 "$tmp/s1" "$tmp/s2"
check race/bench_legacy_ok grep -q 'variant=legacy .*threads=2' "$tmp/bench"
check race/bench_percpu_ok grep -q 'variant=percpu .*threads=2' "$tmp/bench"
check race/bench_stack_ok grep -q 'variant=stack .*threads=2' "$tmp/bench"
check race/bench_no_error sh -c "! grep -q 'error=\|failed' '$tmp/bench'"
check race/stats_read_throughout grep -qx 0 "$tmp/stats_bad"
check race/no_legacy_user_left sh -c "grep -qx 'legacy_allocated: no' $P/stats && grep -qx 'legacy_users: 0' $P/stats"
for a in 127.0.0.1 ::1; do
	ctl md5pool "key_del $a"
done
rm -rf "$tmp"
exit 0
