# rcunet-timeout: 60
# Lock statistics (debug kernel, CONFIG_LOCK_STAT): signing through the
# legacy variant acquires md5pool_legacy_global.lock; through the percpu
# variant no md5pool lock is acquired at all.
. /rcunet/guest/lib.sh

[ -e /proc/lock_stat ] || exit 77
P=/proc/rcunet/md5pool

stat_run() {	# VARIANT: bench it with lock statistics on, print md5pool lines
	echo 0 >/proc/lock_stat
	echo 1 >/proc/sys/kernel/lock_stat
	echo "variant=$1 threads=1 loops=100 runs=1" >"$P/bench"
	echo 0 >/proc/sys/kernel/lock_stat
	grep md5pool /proc/lock_stat
}

out=$(stat_run legacy)
echo "$out"
check lockstat/legacy_lock_taken sh -c "echo '$out' | grep -q 'md5pool_legacy_global.lock'"
out=$(stat_run percpu)
echo "$out"
check lockstat/percpu_no_md5pool_lock test -z "$out"
echo 0 >/proc/lock_stat
exit 0
