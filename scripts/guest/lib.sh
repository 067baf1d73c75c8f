# rcunet guest helpers, sourced by run-check, run-bench and the module tests.
#
# Result protocol on ttyS1, one line each, read by scripts/parse-results:
#   BOOT kernel=<release> cpus=<n>
#   CASE ok|fail|skip <name> [# note]
#   KTAP-BEGIN <suite> ... KTAP-END       (a KUnit debugfs results file)
#   BENCH <key=value ...>                 (one benchmark result line)
#   DONE
RCUNET_RESULTS=${RCUNET_RESULTS:-/dev/ttyS1}
RCUNET_MODDIR=/rcunet/modules
RCUNET_MODULES="rcunet_core md5pool inetpeer sockwq pcpuref pktgen_rcu"

result() { echo "$*" >>"$RCUNET_RESULTS"; }

# case_ok NAME / case_fail NAME [why] / case_skip NAME [why]: tests report with these.
case_ok() { echo "rcunet: ok $1"; result "CASE ok $1"; }
case_fail() { echo "rcunet: FAIL $1${2:+ # $2}"; result "CASE fail $1${2:+ # $2}"; }
case_skip() { echo "rcunet: skip $1${2:+ # $2}"; result "CASE skip $1${2:+ # $2}"; }

# check NAME COMMAND...: a case that passes when COMMAND succeeds.
check() {
	local name=$1
	shift
	if "$@"; then case_ok "$name"; else case_fail "$name" "$*"; fi
}

# expect_errno NAME ERRNO-TEXT COMMAND...: passes when COMMAND fails and its
# stderr names the error (e.g. "Invalid argument", "No such device").
expect_error() {
	local name=$1 msg=$2 out
	shift 2
	if out=$("$@" 2>&1); then
		case_fail "$name" "succeeded, expected '$msg'"
	elif echo "$out" | grep -q "$msg"; then
		case_ok "$name"
	else
		case_fail "$name" "got '$out', expected '$msg'"
	fi
}

# ctl MODULE "command line": one write to /proc/rcunet/MODULE/control.
# busybox echo (unlike its printf) reports a failed write with the errno
# text ("sh: write error: Invalid argument"), which expect_error matches.
ctl() { echo "$2" >"/proc/rcunet/$1/control"; }

# A marker the splat scanner honours: splats printed between
# expect_splat_begin and expect_splat_end (by a test that provokes one on
# purpose, e.g. a refcount_t underflow) are reported but do not fail.
expect_splat_begin() { echo "RCUNET-EXPECT-SPLAT-BEGIN $1" >/dev/kmsg; }
expect_splat_end() { echo "RCUNET-EXPECT-SPLAT-END $1" >/dev/kmsg; }

# RCUNET_MODULES in unload order.
modules_reversed() { echo $RCUNET_MODULES | awk '{ for (i = NF; i > 0; i--) print $i }'; }
