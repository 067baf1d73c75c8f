# rcunet-torture guest hooks for sockwq (busybox sh), called by
# scripts/guest/run-torture:
#   setup  after every insmod of sockwq, before its driver: with the stall
#          torment on, every ->poll() sleeps poll_delay_us before it joins
#          the wait queue (the module's test knob), which widens the window
#          where a pair, a close or a producer's wakeup lands between
#          "poller not yet queued" and "poller checks its condition";
#   load   in the background for the whole run: swq_torture (from
#          sockwq/tests/swq_torture.c) drives /dev/sockwq and the control
#          file in short rounds (pairwake, pollpair, stream with producers
#          on and off, pingpong, closerace), until killed or
#          /tmp/torture/stop exists. An open fd pins the module, so each
#          round holds its endpoints only for itself and rounds are apart;
#          while the module is gone rounds are counted, never failed.
# Invariants (a line in /tmp/torture/sockwq.fail fails the run): every
# message exactly once and in order per stream; no thread asleep in a call
# whose condition holds (data queued, room at the target, target closed)
# for 5 s without progress (a lost wakeup); every call's result as the
# README's table says.
T=/tmp/torture
P=/sys/module/sockwq/parameters

setup() {
	if [ "${RCUNET_TORTURE_STALL:-0}" = 1 ] && [ -w $P/poll_delay_us ]; then
		echo 1000 >$P/poll_delay_us
	fi
	return 0
}

load() {
	mkdir -p $T
	trap 'kill $pid 2>/dev/null; exit 0' TERM INT
	# swq_torture runs until the stop file; restart it if it ends early
	while [ ! -f $T/stop ]; do
		swq_torture -s 5 -f $T/sockwq.fail -o $T/sockwq.load-ops -x $T/stop &
		pid=$!
		wait $pid
		rc=$?
		# a crash in the final check after the stop counts too
		[ $rc -gt 1 ] && echo "swq_torture exited with $rc" >>$T/sockwq.fail
		[ -f $T/stop ] && break
		sleep 1
	done
}

case "$1" in
setup) setup ;;
load) load ;;
*) echo "usage: sockwq.sh setup|load" >&2; exit 2 ;;
esac
