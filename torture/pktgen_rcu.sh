# rcunet-torture guest hooks for pktgen_rcu (busybox sh), called by
# scripts/guest/run-torture:
#   setup  after every insmod of pktgen_rcu, before its driver: the dummy
#          netdevs pgt0..pgt2 (IPv6 off, so nothing but pktgen_rcu counts
#          in their tx_packets); with the stall torment on, every device
#          removal sleeps 2 ms between its proc entry and its list entry
#          (removal_delay_us), widening the window add_device races;
#   load   in the background for the whole run, one scenario at a time
#          through /proc/net/pktgen_rcu on the live kthreads (the driver
#          cannot write proc files, it torments detached lists):
#     count   a slow run (ratep 20 / delay 50 ms, burst 1/3/7) whose count
#             is lowered to what was sent + 0..3 under it, clone_skb and
#             pkt_size changed too: the run ends with count <= sent <=
#             max(count, sent-when-written + burst), tx_packets delta ==
#             sent (a burst of 0 that wraps, or a burst past count, fails);
#     exact   count N on one or two devices of one netdev (two threads)
#             while burst, clone_skb, delay and pkt_size change under the
#             run and clear_counters is tried: every device sends exactly
#             N, tx_packets delta == the sum;
#     del     an endless run on pgt2, then ip link del pgt2: the run ends,
#             the device leaves files and lists, the netdev goes (its
#             reference dropped, no "unregister_netdevice: waiting"); pgt2
#             is made again;
#     down    an endless run, ip link set down: the run ends, sent ==
#             tx_packets delta; up again;
#     devs    add_device (names, @N, clashes, bad names), rem_device_all
#             racing add_device, reset, bad device commands rejected with
#             Params unchanged; files and thread lists agree at the end;
#     misc    mode (rcu/legacy/mutex) via pgctrl and the control file,
#             state/stats format.
# The module comes and goes under it (rmmod torment): a failed write or a
# missing file ends the scenario and counts as "gone"; a broken invariant
# is reported only if the module instance (the pid of pgr_kpktgend_0) is
# still the one the scenario started with.
D=/proc/net/pktgen_rcu
P=/sys/module/pktgen_rcu/parameters
T=/tmp/torture
ops=0
gone=0
runs=0
scen=0
sp=

setup() {
	grep -q '^dummy ' /proc/modules || modprobe dummy numdummies=0 || return 1
	for n in pgt0 pgt1 pgt2; do
		mkdummy $n || return 1
	done
	if [ "${RCUNET_TORTURE_STALL:-0}" = 1 ] && [ -w $P/removal_delay_us ]; then
		echo 2000 >$P/removal_delay_us
	fi
	return 0
}

mkdummy() {
	[ -e "/sys/class/net/$1" ] && return 0
	ip link add "$1" type dummy 2>/dev/null || [ -e "/sys/class/net/$1" ] || return 1
	echo 1 >"/proc/sys/net/ipv6/conf/$1/disable_ipv6" 2>/dev/null
	ip link set "$1" up
}

# R = pseudo-random number in [0, $1)
rnd() { R=$((RANDOM % $1)); }

inst() { pidof pgr_kpktgend_0 2>/dev/null; }

# fail TEXT: a broken invariant, if the instance we started with is still there
fail() {
	if [ -e $D/pgctrl ] && [ "$(inst)" = "$I0" ]; then
		echo "$*" >>$T/pktgen_rcu.fail
		echo "rcunet-torture: FAILURE module=pktgen_rcu load: $*" >/dev/kmsg
	else
		gone=$((gone + 1))
	fi
}

# pw FILE LINE: one write, the file open only for it; status as the write's
pw() {
	ops=$((ops + 1))
	echo "$2" 2>/dev/null >"$D/$1"
}

# pwe FILE LINE: the same, with the error text in $err
pwe() {
	ops=$((ops + 1))
	err=$({ echo "$2" >"$D/$1"; } 2>&1)
}

stopped() { [ -e $T/stop ]; }

# txp NETDEV: its tx_packets in $TX (empty if gone)
txp() {
	TX=
	read -r TX <"/sys/class/net/$1/statistics/tx_packets" 2>/dev/null
}

# get_sofar DEV: pkts-sofar into $SOFAR, builtins only (within a slot)
get_sofar() {
	local l
	SOFAR=
	ops=$((ops + 1))
	while read -r l; do
		case $l in
		"pkts-sofar: "*)
			l=${l#pkts-sofar: }
			SOFAR=${l%% *}
			return 0
			;;
		esac
	done <"$D/$1" 2>/dev/null
	return 1
}

# param DEV KEY: the number after "KEY " in its Params into $PV
param() {
	local l
	PV=
	while read -r l; do
		case $l in
		*"$2 "*)
			l=${l#*"$2 "}
			PV=${l%% *}
			return 0
			;;
		esac
	done <"$D/$1" 2>/dev/null
	return 1
}

# the threads of this instance (the CPUs online at its load)
threads() {
	TH=
	for f in "$D"/kpktgend_*; do
		[ -e "$f" ] && TH="$TH ${f#"$D"/kpktgend_}"
	done
	# $TH is a list of words: split on purpose (here and below)
	# shellcheck disable=SC2086
	set -- $TH
	NTH=$#
}

# start: "start" in the background (it blocks until no device runs)
start() {
	ops=$((ops + 1))
	(echo start 2>/dev/null >$D/pgctrl) &
	sp=$!
}

# wait_run SECS: until the backgrounded start returns; status 0 if it
# returned 0, 1 if it failed (module gone, interrupted), 2 on timeout
wait_run() {
	local i=0 max=$(($1 * 20))
	while kill -0 $sp 2>/dev/null; do
		if stopped || [ $i -ge $max ]; then
			return 2
		fi
		sleep 0.05
		i=$((i + 1))
	done
	wait $sp
	local rc=$?
	sp=
	[ $rc = 0 ] && runs=$((runs + 1))
	return $rc
}

# end a run we gave up on (stop file, timeout): stop, reap the writer
abandon() {
	pw pgctrl stop
	[ -n "$sp" ] && { kill $sp 2>/dev/null; wait $sp 2>/dev/null; }
	sp=
}

# a clean slate: no device on any thread
reset() {
	threads
	[ "$NTH" -gt 0 ] || return 1
	pw pgctrl reset
}

# Files and thread lists agree (within ~5 s: a removal is briefly listed
# without its file); on disagreement $DIFF says how.
consistent() {
	local listed files f l
	listed=$(cat "$D"/kpktgend_* 2>/dev/null | sed -n -e 's/^Running: *//p' -e 's/^Stopped: *//p' |
		tr ' ' '\n' | grep -v '^$' | sort)
	files=$(for f in "$D"/*; do
		[ -e "$f" ] || continue
		f=${f##*/}
		case $f in pgctrl | kpktgend_*) ;; *) echo "$f" ;; esac
	done | sort)
	DIFF="listed [$(echo "$listed" | tr '\n' ' ')] files [$(echo "$files" | tr '\n' ' ')]"
	[ "$listed" = "$files" ]
}

settle() {
	local i=0
	while [ $i -lt 50 ]; do
		consistent && return 0
		sleep 0.1
		i=$((i + 1))
	done
	consistent
}

# ---------------------------------------------------------- scenarios

# pending PID...: is any of them still running?
pending() {
	local p
	for p in "$@"; do
		kill -0 "$p" 2>/dev/null && return 0
	done
	return 1
}

sc_count() {
	local t b d c s2 hi w
	reset || return
	rnd "$NTH"
	# shellcheck disable=SC2086
	set -- $TH
	shift "$R"
	t=$1
	pw "kpktgend_$t" "add_device pgt0" || return
	rnd 3
	case $R in
	0) b=1 ;;
	1) b=3 ;;
	*) b=7 ;;
	esac
	rnd 4; d=$R
	pw pgt0 "count 0" && pw pgt0 "burst $b" && pw pgt0 "clone_skb 0" || return
	rnd 2
	if [ $R = 0 ]; then pw pgt0 "ratep 20"; else pw pgt0 "delay 50000000"; fi || return
	txp pgt0; tx0=$TX
	[ -n "$tx0" ] || return
	start
	w=0
	get_sofar pgt0
	while [ "${SOFAR:-0}" -lt 2 ] && [ $w -lt 250 ]; do
		stopped && break
		sleep 0.02
		get_sofar pgt0 || break
		w=$((w + 1))
	done
	rnd 3; pw pgt0 "clone_skb $R"
	rnd 1400; pw pgt0 "pkt_size $((60 + R))"
	get_sofar pgt0 || { abandon; return; }
	c=$((SOFAR + d))
	[ $c -gt 0 ] || c=1
	pw pgt0 "count $c" || { abandon; return; }
	get_sofar pgt0
	s2=${SOFAR:-0}
	wait_run 30
	case $? in
	1) return ;;
	2)
		stopped || fail "count: run not ended 30 s after count $c (sofar $s2 burst $b)"
		abandon
		return
		;;
	esac
	get_sofar pgt0 || return
	txp pgt0
	[ -n "$TX" ] || return
	hi=$((s2 + b))
	[ $c -gt $hi ] && hi=$c
	if [ "$SOFAR" -lt $c ] || [ "$SOFAR" -gt $hi ] || [ $((TX - tx0)) != "$SOFAR" ]; then
		fail "count: lowered to $c (sofar $s2 burst $b): sent $SOFAR, tx_packets +$((TX - tx0)), allowed $c..$hi"
	fi
}

sc_exact() {
	local n devs t w k v p nd cleared=0
	reset || return
	threads
	# shellcheck disable=SC2086
	set -- $TH
	devs=pgt1
	pw "kpktgend_$1" "add_device pgt1@$1" || return
	devs="pgt1@$1"
	if [ "$NTH" -gt 1 ]; then
		pw "kpktgend_$2" "add_device pgt1@$2" || return
		devs="$devs pgt1@$2"
	fi
	rnd 300; n=$((R + 20))
	rnd 3
	case $R in
	0) v="delay 1000000" ;;
	1) v="ratep 2000" ;;
	*) v="delay 0" ;;
	esac
	for p in $devs; do
		pw "$p" "count $n" && pw "$p" "$v" && pw "$p" "burst 1" && pw "$p" "clone_skb 0" || return
	done
	txp pgt1; tx0=$TX
	[ -n "$tx0" ] || return
	start
	k=0
	while kill -0 $sp 2>/dev/null && [ $k -lt 40 ]; do
		stopped && break
		# shellcheck disable=SC2086
		set -- $devs
		rnd $#; shift $R; p=$1
		rnd 6
		case $R in
		0) rnd 17; pw "$p" "burst $R" ;;
		1) rnd 6; pw "$p" "clone_skb $R" ;;
		2) rnd 4; pw "$p" "delay $((R * 300000))" ;;
		3) rnd 1400; pw "$p" "pkt_size $((42 + R))" ;;
		4) rnd 3; pw "$p" "ratep $((R * 1000 + 500))" ;;
		*)
			# refused while it runs (EBUSY); after the run it is fine,
			# and a clear that got through under the run shows in the count
			pwe "$p" clear_counters
			case $err in
			"") cleared=1 ;;
			*busy*) ;;
			*) [ -e "$D/$p" ] && fail "exact: clear_counters: $err" ;;
			esac
			;;
		esac
		k=$((k + 1))
	done
	wait_run 60
	case $? in
	1) return ;;
	2)
		stopped || fail "exact: run of count $n not ended after 60 s"
		abandon
		return
		;;
	esac
	txp pgt1
	[ -n "$TX" ] || return
	# pkts-sofar, not Result: a command landing after the stop rewrites
	# Result; a clear_counters accepted then (the loop's last write) zeroes it
	nd=0
	for p in $devs; do
		get_sofar "$p" || return
		[ "$SOFAR" = "$n" ] || [ $cleared = 1 ] ||
			fail "exact: $p sent $SOFAR, count $n"
		nd=$((nd + 1))
	done
	[ $((TX - tx0)) = $((n * nd)) ] ||
		fail "exact: tx_packets +$((TX - tx0)), $nd devices of count $n"
}

sc_del() {
	local t rc
	mkdummy pgt2 || { fail "del: cannot make pgt2"; return; }
	reset || return
	threads
	# shellcheck disable=SC2086
	set -- $TH
	pw "kpktgend_$1" "add_device pgt2" || return
	[ "$NTH" -gt 1 ] && pw "kpktgend_$2" "add_device pgt2@$2"
	rnd 3
	for p in pgt2 "pgt2@$2"; do
		[ -e "$D/$p" ] || continue
		pw "$p" "count 0"
		pw "$p" "delay $((R * 20000))"
		rnd 2; [ $R = 1 ] && pw "$p" "burst 4"
	done
	start
	rnd 4; sleep 0.$((R + 1))
	ops=$((ops + 1))
	# returns once the netdev's references are gone (pgr's notifier)
	ip link del pgt2 || fail "del: ip link del pgt2 failed"
	wait_run 20
	rc=$?
	if [ $rc = 2 ]; then
		stopped || fail "del: run on pgt2 not ended 20 s after ip link del"
		abandon
	fi
	if [ -e /sys/class/net/pgt2 ]; then
		fail "del: pgt2 still there after ip link del"
	fi
	settle || fail "del: files and lists disagree: $DIFF"
	for p in "$D"/pgt2*; do
		[ -e "$p" ] && fail "del: $p left after ip link del"
	done
	mkdummy pgt2 || fail "del: cannot make pgt2 again"
}

sc_down() {
	local t
	reset || return
	threads
	rnd "$NTH"
	# shellcheck disable=SC2086
	set -- $TH
	shift "$R"
	t=$1
	pw "kpktgend_$t" "add_device pgt1" || return
	rnd 3
	pw pgt1 "count 0" && pw pgt1 "delay $((R * 50000))" || return
	txp pgt1; tx0=$TX
	[ -n "$tx0" ] || return
	start
	rnd 4; sleep 0.$((R + 1))
	ops=$((ops + 1))
	ip link set pgt1 down
	wait_run 20
	case $? in
	1) ip link set pgt1 up; return ;;
	2)
		stopped || fail "down: run not ended 20 s after ip link set down"
		abandon
		ip link set pgt1 up
		return
		;;
	esac
	txp pgt1
	ip link set pgt1 up
	get_sofar pgt1 || return
	[ -n "$TX" ] || return
	[ $((TX - tx0)) = "$SOFAR" ] || fail "down: sent $SOFAR, tx_packets +$((TX - tx0))"
}

sc_devs() {
	local k p t pv rem=
	reset || return
	threads
	k=0
	while [ $k -lt 12 ]; do
		stopped && return
		# shellcheck disable=SC2086
		set -- $TH
		rnd "$NTH"; shift $R; t=$1
		rnd 9
		case $R in
		0 | 1 | 2)
			rnd 2; p=pgt$R
			rnd 3; [ $R = 0 ] || p="$p@$R"
			pwe "kpktgend_$t" "add_device $p"
			case $err in
			"" | *busy*) ;;
			*) [ -e "$D/kpktgend_$t" ] && [ -e "/sys/class/net/${p%@*}" ] &&
				fail "devs: add_device $p: $err" ;;
			esac
			# $rem: the pids of the backgrounded removals
			# shellcheck disable=SC2086
			if [ -z "$err" ] && ! pending $rem; then
				# the same name again: in use (unless a backgrounded
				# rem_device_all may have taken it meanwhile)
				pwe "kpktgend_$t" "add_device $p"
				case $err in
				*busy*) ;;
				*) [ -e "$D/$p" ] && fail "devs: second add_device $p: ${err:-accepted}" ;;
				esac
			fi
			;;
		3)
			pwe "kpktgend_$t" "add_device nosuchdev0"
			case $err in
			*"No such device"*) ;;
			*) [ -e "$D/kpktgend_$t" ] && fail "devs: add_device nosuchdev0: ${err:-accepted}" ;;
			esac
			pwe "kpktgend_$t" "add_device pgctrl"
			case $err in
			*"Invalid argument"*) ;;
			*) [ -e "$D/kpktgend_$t" ] && fail "devs: add_device pgctrl: ${err:-accepted}" ;;
			esac
			;;
		4)
			# backgrounded, as pktgen's scripts do: only 125 ms of wait
			(echo rem_device_all 2>/dev/null >"$D/kpktgend_$t") &
			rem="$rem $!"
			ops=$((ops + 1))
			;;
		5)
			for p in "$D"/pgt*; do
				[ -e "$p" ] || continue
				p=${p#"$D"/}
				param "$p" count || continue
				pv=$PV
				pwe "$p" "count 12x"
				case $err in
				*"Invalid argument"*) ;;
				*) [ -e "$D/$p" ] && fail "devs: \"count 12x\" on $p: ${err:-accepted}" ;;
				esac
				param "$p" count || continue
				[ "$PV" = "$pv" ] || fail "devs: rejected count changed $p's count $pv -> $PV"
				pwe "$p" "delay 3600000000001"
				case $err in
				*"out of range"* | *"Numerical result"*) ;;
				*) [ -e "$D/$p" ] && fail "devs: delay above an hour on $p: ${err:-accepted}" ;;
				esac
				break
			done
			;;
		6)
			cat $D/kpktgend_* $D/pgt* >/dev/null 2>&1
			ops=$((ops + 1))
			;;
		7)
			pw pgctrl reset
			;;
		*)
			# a short run of whatever is configured
			for p in "$D"/pgt*; do
				[ -e "$p" ] || continue
				pw "${p#"$D"/}" "count 50"
				pw "${p#"$D"/}" "delay 0"
			done
			start
			wait_run 30
			[ $? = 2 ] && { stopped || fail "devs: run of count 50 not ended after 30 s"; abandon; }
			;;
		esac
		k=$((k + 1))
	done
	for p in $rem; do wait "$p"; done
	sleep 0.2
	settle || fail "devs: files and lists disagree: $DIFF"
}

sc_misc() {
	local l
	# the three variants: the change, the original, mainline's next stage
	rnd 3
	case $R in 0) l=rcu ;; 1) l=legacy ;; *) l=mutex ;; esac
	pw pgctrl "mode $l"
	rnd 3
	case $R in 0) l=rcu ;; 1) l=legacy ;; *) l=mutex ;; esac
	ops=$((ops + 1))
	echo "mode $l" 2>/dev/null >/proc/rcunet/pktgen_rcu/control
	pwe pgctrl "mode bogus"
	case $err in
	*"Invalid argument"*) ;;
	*) [ -e $D/pgctrl ] && fail "misc: \"mode bogus\": ${err:-accepted}" ;;
	esac
	read -r l </proc/rcunet/pktgen_rcu/state 2>/dev/null || return
	ops=$((ops + 1))
	case $l in
	"mode=rcu role=lockless threads="[1-9]*" devices="[0-9]*" running="[0-9]* | \
	"mode=legacy role=locked threads="[1-9]*" devices="[0-9]*" running="[0-9]* | \
	"mode=mutex role=lockless threads="[1-9]*" devices="[0-9]*" running="[0-9]*) ;;
	*) fail "misc: state reads \"$l\"" ;;
	esac
	cat /proc/rcunet/pktgen_rcu/stats $D/pgctrl >/dev/null 2>&1
}

finish() {
	[ -n "$sp" ] && kill $sp 2>/dev/null
	echo $ops >$T/pktgen_rcu.load-ops
	echo "pktgen_rcu.sh: ops=$ops runs=$runs gone=$gone"
	exit 0
}

load() {
	trap finish TERM INT
	while ! stopped; do
		if [ ! -e $D/pgctrl ]; then
			gone=$((gone + 1))
			sleep 0.2
			continue
		fi
		I0=$(inst)
		[ -n "$I0" ] || { sleep 0.2; continue; }
		for n in pgt0 pgt1 pgt2; do mkdummy $n; done
		rnd 20
		case $R in
		0 | 1 | 2 | 3 | 4 | 5) sc_count ;;
		6 | 7 | 8 | 9) sc_exact ;;
		10 | 11) sc_del ;;
		12 | 13) sc_down ;;
		14 | 15 | 16 | 17) sc_devs ;;
		*) sc_misc ;;
		esac
		echo $ops >$T/pktgen_rcu.load-ops
		scen=$((scen + 1))
		[ $((scen % 10)) = 0 ] &&
			echo "rcunet-torture: note: pktgen_rcu load: scenarios=$scen runs=$runs ops=$ops gone=$gone" >/dev/kmsg
	done
	finish
}

case $1 in
setup) setup ;;
load) load ;;
*) echo "usage: $0 setup|load" >&2; exit 2 ;;
esac
