# rcunet-timeout: 120
# sockwq control file and /dev/sockwq basics: every bad input gets a clean
# error and leaves the state unchanged; an endpoint's mode is fixed at its
# open(); the module refuses rmmod while an fd is open.
. /rcunet/guest/lib.sh
P=/proc/rcunet/sockwq
# lib.sh's ctl (busybox printf builtin) fails without an error text, so
# expect_error cannot see the errno: write through a child sh instead.
sctl() { sh -c "echo '$1' >$P/control"; }

check dev-exists test -c /dev/sockwq
check stats-readable grep -q '^producers: 0$' $P/stats
# every rcunet module's stats begin with ops: and errors:
check stats-ops-first sh -c "sed -n 1p $P/stats | grep -q '^ops: [0-9][0-9]*$'"
check stats-errors-second sh -c "sed -n 2p $P/stats | grep -q '^errors: [0-9][0-9]*$'"
check stats-key-value sh -c "! grep -qv '^[a-z_]*: [^ ]' $P/stats"
check variants-roles grep -qx 'variant=kernel op=data_ready role=peer twin=legacy same_work_as=rcu previous=- path=fast' $P/variants
# the slow path (create+close), each variant with its role and path=slow
check variants-slow sh -c "grep -qx 'variant=legacy-close op=create+close role=locked twin=- same_work_as=legacy-close previous=- path=slow' $P/variants &&
	grep -qx 'variant=rcu-close op=create+close role=lockless twin=legacy-close same_work_as=legacy-close previous=- path=slow' $P/variants &&
	grep -qx 'variant=rcu-close-gp op=create+close+gp role=lockless twin=legacy-close same_work_as=legacy-close previous=- path=slow' $P/variants &&
	grep -qx 'variant=kernel-close op=create+close role=peer twin=legacy-close same_work_as=- previous=- path=slow' $P/variants"
# the embedded stage (commit 333f7909a857): twin the locked original,
# previous the rcu stage it follows
check variants-embedded sh -c "grep -qx 'variant=embedded op=data_ready role=lockless twin=legacy same_work_as=legacy previous=rcu path=fast' $P/variants &&
	grep -qx 'variant=embedded-close op=create+close role=lockless twin=legacy-close same_work_as=legacy-close previous=rcu-close path=slow' $P/variants"
check variants-count test "$(grep -c . $P/variants)" -eq 9
rate0=$(sed -n 's/^rate: //p' $P/stats)
err0=$(sed -n 's/^errors: //p' $P/stats)
expect_error ctl-unknown "Invalid argument" sctl "bogus"
expect_error ctl-rate-zero "Numerical result out of range" sctl "rate 0"
expect_error ctl-rate-huge "Numerical result out of range" sctl "rate 2000000"
expect_error ctl-rate-garbage "Invalid argument" sctl "rate fast"
expect_error ctl-rate-noarg "Invalid argument" sctl "rate"
expect_error ctl-targets-unknown "No such device" sctl "targets 4000000000"
expect_error ctl-targets-garbage "Invalid argument" sctl "targets 1,,x"
expect_error ctl-mode-bad "Invalid argument" sctl "mode fast"
check ctl-state-unchanged grep -q "^rate: $rate0\$" $P/stats
# the six rejections by sockwq's handlers count (the core itself refuses
# "bogus" and "rate" without an argument, before any handler runs)
check ctl-errors-counted test "$(sed -n 's/^errors: //p' $P/stats)" -ge $((err0 + 6))
check ctl-rate sctl "rate 5000"
check ctl-rate-shown grep -q '^rate: 5000$' $P/stats
check ctl-mode sctl "mode legacy"
check ctl-mode-shown grep -q '^default_mode: legacy$' $P/stats
check ctl-help-roles grep -q '^mode rcu (lockless) | legacy (locked) | embedded (lockless)$' $P/control
check ctl-mode-embedded sctl "mode embedded"
check ctl-mode-embedded-shown grep -q '^default_mode: embedded$' $P/stats
sctl "mode rcu"
# the mode is each endpoint's, fixed at its open(): a default changed
# between two opens leaves the first alone, and /dev/sockwq-MODE (how the
# other tests pick a mode) opens in MODE without touching the default
check dev-per-mode-nodes sh -c "test -c /dev/sockwq-rcu && test -c /dev/sockwq-legacy && test -c /dev/sockwq-embedded"
check open-mode-per-endpoint swq_stress openmode
check open-mode-default-restored grep -q '^default_mode: rcu$' $P/stats
check ctl-start sctl "start"
expect_error ctl-start-twice "busy" sctl "start"
check ctl-stop sctl "stop"
check ctl-stop-idempotent sctl "stop"
check ctl-targets-none sctl "targets none"
expect_error bench-bad-spec "out of range" sh -c "echo 'sleeper=2' >$P/bench"
expect_error bench-bad-key "Invalid argument" sh -c "echo 'speed=2' >$P/bench"
expect_error bench-bad-variant "Invalid argument" sh -c "echo 'variant=nope' >$P/bench"
expect_error bench-gp-batch-zero "out of range" sh -c "echo 'variant=rcu-close-gp gp_batch=0' >$P/bench"
expect_error bench-gp-batch-huge "out of range" sh -c "echo 'variant=rcu-close-gp gp_batch=65537' >$P/bench"
expect_error bench-gp-batch-garbage "Invalid argument" sh -c "echo 'variant=rcu-close-gp gp_batch=x' >$P/bench"

# an open fd pins the module
exec 3<>/dev/sockwq
expect_error rmmod-refused-while-open "unload" rmmod sockwq
exec 3>&-
check module-still-loaded test -d $P
exit 0
