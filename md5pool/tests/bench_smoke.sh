# rcunet-timeout: 90
# The bench file: one tiny run of every variant gives one result line per
# variant, found by its name (the order of the lines is not assumed), each
# with the variant's role and locked twin and no error; the variants
# listing declares the same roles. The kernel peer may be missing on a
# kernel with no TCP-MD5 pool a module can use (error=-19): that line is
# skipped, not failed.
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

# VARIANT ROLE TWIN SAME_WORK_AS (as the variants listing prints them)
while read -r v role twin same; do
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
	*" role=$role twin=$twin same_work_as=$same "*" size=64")
		case_ok "bench_smoke/line_$v" ;;
	*)
		case_fail "bench_smoke/line_$v" "$line"; rc=1 ;;
	esac
	if grep -qx "variant=$v op=sign role=$role twin=$twin same_work_as=$same" "$P/variants"; then
		case_ok "bench_smoke/variants_$v"
	else
		case_fail "bench_smoke/variants_$v" "$(grep "variant=$v " "$P/variants")"; rc=1
	fi
done <<'VARIANTS'
legacy locked - legacy
percpu lockless legacy legacy
kernel peer legacy -
VARIANTS
check bench_smoke/three_variants test "$(grep -c . "$P/variants")" -eq 3
exit $rc
