# rcunet-timeout: 90
# The bench file: one tiny run of every variant gives one result line per
# variant, found by its name (the order of the lines is not assumed), each
# with the variant's op, role, locked twin, same_work_as, previous stage
# and path and no
# error; the fast-path lines carry size=64, the slow-path ones no size=;
# the variants listing declares the same. The kernel peer may be missing
# on a kernel with no TCP-MD5 pool a module can use (error=-19): that line
# is skipped, not failed. The peer's same_work_as is percpu-ahash where the
# kernel signs as 6.1 does (before 6.7), else "-".
# shellcheck source-path=SCRIPTDIR source=../../scripts/guest/lib.sh
. /rcunet/guest/lib.sh

P=/proc/rcunet/md5pool
B=$P/bench
rc=0
if echo "variant=all threads=1 loops=20 runs=1 size=64" >"$B"; then
	case_ok bench_smoke/run
else
	case_fail bench_smoke/run; rc=1
fi
cat "$B"

# the peer's same_work_as: percpu-ahash before 6.7 (tcp_v4_md5_hash_skb()
# and its per-cpu ahash pool), "-" on tcp_sigpool kernels (other work)
kv=$(uname -r)
maj=${kv%%.*}
min=${kv#*.}
min=${min%%.*}
if [ "$maj" -lt 6 ] || { [ "$maj" -eq 6 ] && [ "$min" -lt 7 ]; }; then
	kws=percpu-ahash
else
	kws=-
fi

# VARIANT OP ROLE TWIN SAME_WORK_AS PREVIOUS PATH (as the variants listing
# prints them)
while read -r v op role twin same prev path; do
	[ "$same" = KWS ] && same=$kws
	line=$(grep "^module=md5pool variant=$v " "$B")
	case "$line" in
	"")
		case_fail "bench_smoke/line_$v" "no result line"; rc=1 ;;
	*" error=-19"*)
		if [ "$v" = kernel ]; then
			case_skip "bench_smoke/line_$v" "no kernel TCP-MD5 peer here"
		else
			case_fail "bench_smoke/line_$v" "$line"; rc=1
		fi ;;
	*" error="*)
		case_fail "bench_smoke/line_$v" "$line"; rc=1 ;;
	*)
		# every declared token, wherever the harness prints it; size=64
		# on a fast-path line only (the slow-path ops ignore size=)
		want="op=$op role=$role twin=$twin same_work_as=$same previous=$prev path=$path"
		[ "$path" = fast ] && want="$want size=64"
		bad=
		for tok in $want; do
			case " $line " in *" $tok "*) ;; *) bad="$bad $tok" ;; esac
		done
		if [ "$path" = slow ]; then
			case " $line " in *" size="*) bad="$bad no-size=" ;; esac
		fi
		if [ -z "$bad" ]; then
			case_ok "bench_smoke/line_$v"
		else
			case_fail "bench_smoke/line_$v" "want$bad: $line"; rc=1
		fi ;;
	esac
	if grep -qx "variant=$v op=$op role=$role twin=$twin same_work_as=$same previous=$prev path=$path" "$P/variants"; then
		case_ok "bench_smoke/variants_$v"
	else
		case_fail "bench_smoke/variants_$v" "$(grep "variant=$v " "$P/variants")"; rc=1
	fi
done <<'VARIANTS'
legacy sign locked - legacy - fast
percpu sign lockless legacy legacy - fast
stack sign lockless legacy legacy percpu fast
percpu-ahash sign lockless legacy percpu-ahash - fast
kernel sign peer legacy KWS - fast
legacy-alloc pool-alloc+free locked - legacy-alloc - slow
percpu-alloc pool-alloc+free lockless legacy-alloc legacy-alloc - slow
stack-alloc pool-alloc+free lockless legacy-alloc stack-alloc percpu-alloc slow
VARIANTS
check bench_smoke/eight_variants test "$(grep -c . "$P/variants")" -eq 8
exit $rc
