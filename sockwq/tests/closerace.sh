# rcunet-timeout: 120
# rcunet-tags: stress
# close_while_producing: endpoints (RCU and legacy, paired, in epoll, with
# O_ASYNC) are closed while kernel producers call ->data_ready() on them.
# No splat (the harness scans the console), and afterwards every endpoint
# and wait-queue object has been freed (after its grace period).
. /rcunet/guest/lib.sh
out=$(swq_stress closerace -i 200 -k 20000 2>&1)
rc=$?
echo "$out"
if [ $rc -eq 0 ]; then case_ok closerace-no-leak; else case_fail closerace-no-leak "$(echo "$out" | tail -n 3)"; exit 1; fi
exit 0
