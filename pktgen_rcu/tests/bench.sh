# pktgen_rcu benchmark driver (make bench). Three parts, one VM run:
#  1. the in-kernel harness, fast path: next_to_run() alone, legacy vs rcu
#     vs mutex (mainline's next stage: the rcu scan, writers under a mutex)
#     (/proc/rcunet/pktgen_rcu/bench, op=next_to_run, path=fast)
#  2. the in-kernel harness, slow path: a device added to and removed from
#     a thread's list, legacy-remove (unlink under if_lock, kfree at once)
#     vs rcu-remove (list_del_rcu, kfree_rcu, plus one synchronize_rcu()
#     per 256 removals: the grace period the memory waits for) vs
#     mutex-remove (the same op with the writer lock a mutex)
#     (the same bench file, path=slow: its own loops, each path's variants
#     interleaved)
#  3. the whole generator on a dummy device with clone_skb, pktgen's own
#     Result lines turned into the core's keys (op=xmit_dummy, path=fast):
#     variants legacy, rcu and mutex (this module) and kernel (the kernel's
#     pktgen.ko, same device, same parameters, runs interleaved).
#     ns_per_op is the per-thread ns per packet (elapsed usec * 1000 /
#     packets), ops_per_sec the summed pps of all threads. role/twin/
#     same_work_as as the core prints them: kernel is the peer; it does the
#     same per-packet work as rcu (an RCU next_to_run() and one
#     ndo_start_xmit of a cloned skb, upstream since commit 80e1e6db5c72;
#     our per-packet path has no counter the kernel's lacks), so its
#     same_work_as is rcu.
# BENCH_RUNS: runs per measurement (default: the core's, 15; here too);
# BENCH_QUICK: 3 runs, small loops; BENCH_LOOPS: loops of part 1 and the
# packet count of part 3 (not part 2, whose op costs ~1000 scans).
# Result lines on stdout; pps/ratios in pktgen's format on stderr, and the
# guest time this driver took.
. /rcunet/tests/pktgen_rcu/pgr.lib
B=/proc/rcunet/pktgen_rcu/bench
threads=${BENCH_THREADS:-1,2}
# guest uptime in centiseconds ("12.34" -> 1234)
cs() { cut -d' ' -f1 /proc/uptime | tr -d .; }
t_start=$(cs)
if [ -n "$BENCH_QUICK" ]; then
	loops=20000 runs=3 count=20000 slow_loops=256
else
	# three variants where there were two (four in part 3): loops cut so
	# that the whole driver takes about the guest time it took before
	loops=700000 runs='' count=75000 slow_loops=1792
fi
runs=${BENCH_RUNS:-$runs}
pruns=${runs:-15}	# part 3 follows the core's default
loops=${BENCH_LOOPS:-$loops}
count=${BENCH_LOOPS:-$count}
clone=100000	# CLONE_SKB of commit 80e1e6db5c72's measurement
size=512	# its TX-size

# ---- 1. the scan alone
echo "variant=all path=fast threads=$threads loops=$loops${runs:+ runs=$runs}" >$B || exit 1
cat $B

# ---- 2. the removal, grace period included (loops a multiple of 256)
echo "variant=all path=slow threads=$threads loops=$slow_loops${runs:+ runs=$runs}" >$B || exit 1
cat $B

# ---- 3. packets
modprobe dummy numdummies=0 2>/dev/null
make_dummy pgb0 || exit 1
kernel_ok=0
modprobe pktgen 2>/dev/null && [ -e /proc/net/pktgen/pgctrl ] && kernel_ok=1

# one_run VARIANT THREADS: prints "ns1,ns2,... pps_total" for one run
one_run() {
	local v="$1" nt="$2" dir=/proc/net/pktgen_rcu n=0 d out="" tot=0 k c
	[ "$v" = kernel ] && dir=/proc/net/pktgen
	[ "$v" = legacy ] && echo "mode legacy" >/proc/net/pktgen_rcu/pgctrl
	[ "$v" = rcu ] && echo "mode rcu" >/proc/net/pktgen_rcu/pgctrl
	[ "$v" = mutex ] && echo "mode mutex" >/proc/net/pktgen_rcu/pgctrl
	echo reset >$dir/pgctrl
	while [ $n -lt "$nt" ]; do
		d=pgb0@$n
		# pktgen's reset only gives its threads 125 ms: retry while busy
		k=0
		until echo "add_device $d" >$dir/kpktgend_$n 2>/dev/null; do
			k=$((k + 1))
			[ $k -lt 50 ] || return 1
			sleep 0.1
		done
		for c in "count $count" "clone_skb $clone" "pkt_size $size" "delay 0" \
			"dst 198.18.0.1" "dst_mac 02:00:00:00:00:01" "flag NO_TIMESTAMP"; do
			echo "$c" >"$dir/$d" || return 1
		done
		n=$((n + 1))
	done
	echo start >$dir/pgctrl || return 1
	n=0
	while [ $n -lt "$nt" ]; do
		d=pgb0@$n
		# Result: OK: <usec>(c..+d..) usec, <pkts> (...)  /  <pps>pps ...
		# two numbers, split on purpose
		# shellcheck disable=SC2046
		set -- $(sed -n 's/^Result: OK: \([0-9]*\)(c[0-9]*+d[0-9]*) usec, \([0-9]*\) .*/\1 \2/p' "$dir/$d")
		[ -n "$2" ] && [ "$2" -gt 0 ] || return 1
		grep -A1 '^Result:' "$dir/$d" | sed "s/^/$v t=$nt $d: /" >&2
		out="$out${out:+,}$(($1 * 1000000 / $2))"	# picoseconds per packet
		tot=$((tot + $2 * 1000000 / $1))
		n=$((n + 1))
	done
	echo reset >$dir/pgctrl
	echo "$out $tot"
}

# ps -> "N.NNN" ns
ns() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

variants="legacy rcu mutex"
[ $kernel_ok = 1 ] && variants="$variants kernel"
for nt in $(echo "$threads" | tr ',' ' '); do
	[ -e /proc/net/pktgen_rcu/kpktgend_$((nt - 1)) ] || continue
	for v in $variants; do : >"/tmp/pgb.$v"; done
	# round 0 warms up (not kept), then pruns rounds; every round runs
	# each variant once, the order rotated round by round, so that drift
	# hits all variants alike and none always follows the same one
	r=0
	order=$variants
	while [ $r -le "$pruns" ]; do
		for v in $order; do
			res=$(one_run "$v" "$nt") || { echo "$v run failed" >&2; continue; }
			[ $r -eq 0 ] || echo "$res" >>"/tmp/pgb.$v"
		done
		# shellcheck disable=SC2086 # word splitting wanted
		set -- $order
		first=$1
		shift
		order="$* $first"
		r=$((r + 1))
	done
	for v in $variants; do
		[ -s "/tmp/pgb.$v" ] || {
			echo "module=pktgen_rcu variant=$v threads=$nt loops=$count runs=$pruns error=-5"
			continue
		}
		# all per-thread samples: median/min/max; per thread: median over runs
		all=$(cut -d' ' -f1 "/tmp/pgb.$v" | tr ',' '\n' | sort -n)
		cnt=$(echo "$all" | wc -l)
		med=$(echo "$all" | sed -n "$(((cnt + 1) / 2))p")
		min=$(echo "$all" | head -1)
		max=$(echo "$all" | tail -1)
		pps=$(cut -d' ' -f2 "/tmp/pgb.$v" | sort -n | sed -n "$(((pruns + 1) / 2))p")
		[ -n "$pps" ] || pps=$(cut -d' ' -f2 "/tmp/pgb.$v" | sort -n | tail -1)
		pt="" t=1
		while [ $t -le "$nt" ]; do
			c=$(cut -d' ' -f1 "/tmp/pgb.$v" | cut -d, -f"$t" | sort -n)
			k=$(echo "$c" | wc -l)
			pt="$pt${pt:+,}$(ns "$(echo "$c" | sed -n "$(((k + 1) / 2))p")")"
			t=$((t + 1))
		done
		case $v in
		legacy) roles="role=locked twin=- same_work_as=legacy previous=- path=fast" ;;
		rcu) roles="role=lockless twin=legacy same_work_as=legacy previous=- path=fast" ;;
		mutex) roles="role=lockless twin=legacy same_work_as=legacy previous=rcu path=fast" ;;
		kernel) roles="role=peer twin=legacy same_work_as=rcu previous=- path=fast" ;;
		esac
		echo "module=pktgen_rcu variant=$v op=xmit_dummy threads=$nt loops=$count runs=$pruns" \
			"ns_per_op_median=$(ns "$med") ns_per_op_min=$(ns "$min") ns_per_op_max=$(ns "$max")" \
			"ops_per_sec=$pps $roles per_thread_ns=$pt size=$size clone_skb=$clone"
	done
done
echo "mode rcu" >/proc/net/pktgen_rcu/pgctrl
[ $kernel_ok = 1 ] && echo reset >/proc/net/pktgen/pgctrl && rmmod pktgen
ip link del pgb0
t=$(($(cs) - t_start))
echo "pktgen_rcu bench.sh: guest time $((t / 100)).$((t / 10 % 10)) s (threads $threads${BENCH_QUICK:+, quick})" >&2
exit 0
