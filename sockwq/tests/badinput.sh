# rcunet-timeout: 60
# bad_input_clean_errors: oversize/zero writes, bad buffers, short reads,
# full queues, bad ioctls, closed peers: each gets its errno, no message is
# lost; and O_ASYNC delivers SIGIO from writes and kernel producers.
. /rcunet/guest/lib.sh
out=$(swq_stress badinput 2>&1)
rc=$?
echo "$out"
if [ $rc -eq 0 ]; then case_ok badinput-clean-errors; else case_fail badinput-clean-errors "$(echo "$out" | grep FAIL | head -n 3)"; fi
out=$(swq_stress sigio 2>&1)
rc2=$?
echo "$out"
if [ $rc2 -eq 0 ]; then case_ok sigio-o-async; else case_fail sigio-o-async "$(echo "$out" | grep FAIL | head -n 3)"; fi
[ $rc -eq 0 ] && [ $rc2 -eq 0 ]
