# rcunet-timeout: 260
# rcunet-tags: stress
# no_lost_wakeup + exactly_once: reader threads in poll()/epoll_wait()
# (no timeout) against writer threads and the kernel producers on every
# CPU, RCU and legacy endpoints side by side. swq_stress's watchdog fails
# the run when a reader stays blocked while its queue holds data.
. /rcunet/guest/lib.sh
# The debug kernel (lockdep, PROVE_RCU) is several times slower under TCG.
if [ -d /sys/kernel/debug/kunit ]; then
	n=${SWQ_STRESS_MSGS:-20000} k=1000 rt=3000
else
	n=${SWQ_STRESS_MSGS:-500000} k=5000 rt=40000
fi
# 4 streaming pairs (poll, epoll LT, poll, epoll ET; blocking and
# non-blocking writers) + 2 ping-pong pairs (every message wakes a sleeper)
# live on the console (a timeout must not swallow the STALL lines)
(swq_stress stress -p 4 -n "$n" -P 2 -N "$rt" -k "$k" -t 20 -m mixed
 echo $? >/tmp/swq_stress.rc) 2>&1 | tee /tmp/swq_stress.out
rc=$(cat /tmp/swq_stress.rc 2>/dev/null || echo 1)
line=$(grep '^sockwq-stress:' /tmp/swq_stress.out)
result "NOTE sockwq-stress $line"
if [ "$rc" -eq 0 ] && echo "$line" | grep -q 'stalls=0 errors=0 .*result=ok'; then
	case_ok stress-exactly-once-no-stall
else
	case_fail stress-exactly-once-no-stall "rc=$rc $line"
	exit 1
fi
exit 0
