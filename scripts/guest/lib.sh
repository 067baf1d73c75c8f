# rcunet guest helpers, sourced by run-check, run-bench and the module tests.
#
# Result protocol on ttyS1, one line each, read by scripts/parse-results:
#   BOOT kernel=<release> cpus=<n>
#   CASE ok|fail|skip <name> [# note]
#   KTAP-BEGIN <suite> ... KTAP-END       (a KUnit debugfs results file)
#   BENCH <key=value ...>                 (one benchmark result line)
#   DONE
RCUNET_RESULTS=${RCUNET_RESULTS:-/dev/ttyS1}
# Used by run-check and run-bench, which source this file.
# shellcheck disable=SC2034
RCUNET_MODDIR=/rcunet/modules
RCUNET_MODULES="rcunet_core md5pool inetpeer sockwq pcpuref pktgen_rcu"

result() { echo "$*" >>"$RCUNET_RESULTS"; }

# case_name NAME: a case reported from a module's test script carries the
# module's name ("inetpeer/flush", never a bare "flush"): run-check exports
# RCUNET_TEST_MODULE for the script it runs.
case_name() {
	case "$1" in
	"$RCUNET_TEST_MODULE"/*) echo "$1" ;;
	*) echo "${RCUNET_TEST_MODULE:+$RCUNET_TEST_MODULE/}$1" ;;
	esac
}

# case_ok NAME / case_fail NAME [why] / case_skip NAME [why]: tests report with these.
case_ok() {
	set -- "$(case_name "$1")"
	echo "rcunet: ok $1"
	result "CASE ok $1"
}
case_fail() {
	set -- "$(case_name "$1")" "$2"
	echo "rcunet: FAIL $1${2:+ # $2}"
	result "CASE fail $1${2:+ # $2}"
}
case_skip() {
	set -- "$(case_name "$1")" "$2"
	echo "rcunet: skip $1${2:+ # $2}"
	result "CASE skip $1${2:+ # $2}"
}

# check NAME COMMAND...: a case that passes when COMMAND succeeds.
check() {
	local name="$1"
	shift
	if "$@"; then case_ok "$name"; else case_fail "$name" "$*"; fi
}

# expect_errno NAME ERRNO-TEXT COMMAND...: passes when COMMAND fails and its
# stderr names the error (e.g. "Invalid argument", "No such device").
expect_error() {
	local name="$1" msg="$2" out
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

# Markers the splat scanner honours: a test that provokes splats on purpose
# brackets them with expect_splat_begin NAME COUNT ... expect_splat_end NAME.
# Exactly COUNT splat reports must start inside the window (more or fewer
# fail the run); windows do not nest, and a window left open when its test
# ends (killed, timed out) fails the run and excuses nothing after it.
expect_splat_begin() { echo "RCUNET-EXPECT-SPLAT-BEGIN $1 ${2:?expected report count}" >/dev/kmsg; }
expect_splat_end() { echo "RCUNET-EXPECT-SPLAT-END $1" >/dev/kmsg; }

# run_limited SECONDS COMMAND...: run COMMAND in a process group of its own
# and kill the whole group (background jobs, pipelines) at the limit, so
# nothing a test started outlives it. Exit: COMMAND's, or 143 on the limit.
run_limited() {
	local limit="$1" pid waited=0 rc
	shift
	setsid "$@" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$waited" -ge "$((limit * 5))" ]; then
			kill -TERM -- "-$pid" 2>/dev/null
			sleep 2
			kill -KILL -- "-$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			return 143
		fi
		sleep 0.2
		waited=$((waited + 1))
	done
	wait "$pid"
	rc=$?
	# the test is gone; whatever it left running in its group goes too
	kill -KILL -- "-$pid" 2>/dev/null
	return $rc
}

# RCUNET_MODULES in unload order.
modules_reversed() { echo "$RCUNET_MODULES" | awk '{ for (i = NF; i > 0; i--) print $i }'; }
