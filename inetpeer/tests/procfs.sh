# rcunet-timeout: 240
# inetpeer procfs: control commands, error handling, peers/stats formats,
# GC, a short bench of every variant, and peers left held for rmmod.
. /rcunet/guest/lib.sh
D=/proc/rcunet/inetpeer
[ -d $D ] || { case_fail inetpeer/procfs "no $D"; exit 1; }

stat() { sed -n "s/^$1: //p" $D/stats; }
# a write whose error (on stderr) expect_error can see
# shellcheck disable=SC2317 # called through expect_error
ctlx() { sh -c 'echo "$1" >/proc/rcunet/inetpeer/control' sh "$1"; }
# the peers listing without the ages, which move on their own
peers_noage() { sed 's/ age_ms=[0-9]*//' $D/peers; }
refcnt() { awk -v a="$1" '$1 == a { sub("refcnt=", "", $2); print $2 }' $D/peers; }
age() { awk -v a="$1" '$1 == a { sub("age_ms=", "", $3); print $3 }' $D/peers; }
fail=0
t() { if "$@"; then :; else fail=1; fi; }

check files_exist test -f $D/control -a -f $D/peers -a -f $D/stats -a -f $D/bench
ctl inetpeer flush
n0=$(stat nodes)

# stats: one "key: value" per line, snake_case keys, ops and errors first
# shellcheck disable=SC2016 # an awk program
check stats_key_value awk -F': ' 'NF != 2 || $1 !~ /^[a-z][a-z0-9_]*$/ || $2 ~ / / { exit 1 }' $D/stats
check stats_ops_first sh -c "sed -n 1p $D/stats | grep -q '^ops: [0-9][0-9]*$'"
check stats_errors_second sh -c "sed -n 2p $D/stats | grep -q '^errors: [0-9][0-9]*$'"
check stats_variant_role test "$(stat variant)/$(stat role)" = rcu/lockless -o \
	"$(stat variant)/$(stat role)" = rwlock/locked -o \
	"$(stat variant)/$(stat role)" = seqlock/lockless
ops0=$(stat ops)

# get creates and holds; a second get holds twice
check get_v4 ctl inetpeer "get 10.1.2.3"
check get_v6 ctl inetpeer "get 2001:db8::42"
check get_again ctl inetpeer "get 10.1.2.3"
check peers_shows_v4_held_twice test "$(refcnt 10.1.2.3)" = 2
check peers_shows_v6 test "$(refcnt 2001:db8::42)" = 1
check peers_line_format grep -q '^10.1.2.3 refcnt=2 age_ms=[0-9]* ip_id=[0-9]* tcp_ts=0 tcp_ts_stamp=0 rate_tokens=0$' $D/peers
check stats_nodes test "$(stat nodes)" = $((n0 + 2))
check check_ok ctl inetpeer check

check ops_count_lookups test "$(stat ops)" -ge $((ops0 + 3))

# bad input: clear errors, state unchanged
before=$(peers_noage)
err0=$(stat errors)
expect_error bad_addr "Invalid argument" ctlx "get 10.1.2.300"
expect_error bad_addr_text "Invalid argument" ctlx "get not-an-address"
expect_error get_no_arg "Invalid argument" ctlx "get"
expect_error unknown_cmd "Invalid argument" ctlx "frobnicate 1.2.3.4"
expect_error put_unknown "No such file or directory" ctlx "put 192.0.2.99"
expect_error remove_held "Device or resource busy" ctlx "remove 10.1.2.3"
check state_unchanged_after_errors test "$before" = "$(peers_noage)"
# the four refused commands that reached the module (address, put, remove)
# are counted; the core refuses an unknown command or a wrong argument
# count before the module sees it
check errors_counted test "$(stat errors)" -ge $((err0 + 4))

# put: drops one hold; put without a hold is refused
check put_once ctl inetpeer "put 10.1.2.3"
check put_twice ctl inetpeer "put 10.1.2.3"
check refcnt_zero test "$(refcnt 10.1.2.3)" = 0
# a refused put leaves the peer's age (its place in the LRU) alone too:
# ages only grow unless a put to 0 restarts them
sleep 1
age0=$(age 10.1.2.3)
before=$(peers_noage)
expect_error put_without_hold "Invalid argument" ctlx "put 10.1.2.3"
check put_without_hold_unchanged test "$before" = "$(peers_noage)"
check put_without_hold_age_kept test "$(age 10.1.2.3)" -ge "$age0" -a "$age0" -ge 500
check unused_counted test "$(stat unused)" -ge 1

# flush removes unused peers only; remove removes one unused peer
ctl inetpeer "get 10.9.9.9"
ctl inetpeer "put 10.9.9.9"
check remove_unused ctl inetpeer "remove 10.9.9.9"
check removed_gone test -z "$(refcnt 10.9.9.9)"
check flush ctl inetpeer flush
check flush_removed_unused test -z "$(refcnt 10.1.2.3)"
check flush_kept_held test "$(refcnt 2001:db8::42)" = 1
check gc ctl inetpeer gc

# churn: many peers, some held, then the checker
i=0
while [ $i -lt 200 ]; do
	ctl inetpeer "get 172.16.$((i / 100)).$((i % 100))" || t false
	[ $((i % 3)) -eq 0 ] || ctl inetpeer "put 172.16.$((i / 100)).$((i % 100))" || t false
	i=$((i + 1))
done
check churn_ok test $fail = 0
check churn_nodes test "$(stat nodes)" -ge 200
check churn_height_avl test "$(stat height)" -le 11
check churn_check ctl inetpeer check
check lockless_hits_counted test "$(stat role)" != lockless -o "$(stat lockless_hits)" -gt 0

# a short bench of every variant (numbers are not judged here)
if echo "variant=all threads=1,2 loops=512 runs=1 peers=256" >$D/bench 2>/tmp/bench.err; then
	out=$(cat $D/bench)
	for v in rwlock rcu rwlock-noref rcu-noref seqlock rwlock-mix rcu-mix rwlock-remove rcu-remove seqlock-remove; do
		check "bench_$v" sh -c "echo \"\$0\" | grep -q 'variant=$v .*ns_per_op_median='" "$out"
	done
	if echo "$out" | grep -q 'variant=kernel .*ns_per_op_median='; then
		case_ok bench_kernel
	else
		case_skip bench_kernel "$(echo "$out" | grep 'variant=kernel')"
	fi
else
	case_fail bench_write "$(cat /tmp/bench.err)"
fi
# stress on any kernel: half the ops insert/remove churn keys among 64 held
# peers on every CPU; a held peer not found aborts the run with an error=
for v in rcu-mix rwlock-mix; do
	if echo "variant=$v threads=${BENCH_THREADS:-1,2} loops=10000 runs=1 peers=64 mix=50" >$D/bench 2>/tmp/bench.err &&
	   grep -q "variant=$v .*ns_per_op_median=" $D/bench && ! grep -q 'error=' $D/bench; then
		case_ok "stress_$v"
	else
		case_fail "stress_$v" "$(cat /tmp/bench.err $D/bench | tr '\n' ' ')"
	fi
done
expect_error bench_bad_peers "out of range" sh -c "echo 'variant=rcu peers=0' >$D/bench"
expect_error bench_bad_key "Invalid argument" sh -c "echo 'variant=rcu bogus=1' >$D/bench"

# leave held peers behind: rmmod must free them (checked by the module)
ctl inetpeer "get 198.51.100.1"
ctl inetpeer "get 2001:db8::1:1"
check stats_no_freed_seen test "$(stat freed_seen)" = 0
exit 0
