# rcunet-timeout: 180
# rcunet-tags: stress
# blocked_callers_interleavings: a loopback writer asleep on its full queue
# must be woken when its endpoint is paired (from either side), and an
# O_NONBLOCK read/write must give EAGAIN at once while a blocking call
# sleeps on the same file, and an epoll watch for EPOLLOUT caught between
# entering ->poll() and joining the wait queue (poll_delay_us) when its full
# loopback endpoint is paired must see the room at the new peer. swq_stress waits a
# bounded time for each call and reports FAIL (then gets the stuck call out
# with a signal) instead of hanging.
. /rcunet/guest/lib.sh
rc=0
for t in pairwake nonblock pollpair; do
	case $t in
	pairwake) name=pair-wakes-blocked-writer ;;
	nonblock) name=nonblock-eagain-behind-sleeper ;;
	pollpair) name=pair-wakes-entering-poller ;;
	esac
	out=$(swq_stress $t -w 10 2>&1)
	r=$?
	echo "$out"
	if [ $r -eq 0 ]; then
		case_ok "$name"
	else
		case_fail "$name" "$(echo "$out" | grep FAIL | head -n 3 | tr '\n' ' ')"
		rc=1
	fi
done
# the test knob back off even if swq_stress died half-way
echo 0 >/sys/module/sockwq/parameters/poll_delay_us
exit $rc
