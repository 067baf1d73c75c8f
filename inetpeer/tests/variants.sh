# rcunet-timeout: 240
# The control file's cache under each runtime variant, the lock's history:
# rwlock (the locked original), rcu (RCU AVL), seqlock (rbtree under a
# seqlock, the next stage). The module is reloaded with variant=V; stats
# name the variant and its role, get/put/remove/flush/check behave alike,
# the listing stays sorted through a churn of inserts and removals, and
# an unknown variant makes insmod fail with EINVAL. Restores the default
# module at the end.
. /rcunet/guest/lib.sh
D=/proc/rcunet/inetpeer
stat() { sed -n "s/^$1: //p" $D/stats; }
# a write whose error (on stderr) expect_error can see
# shellcheck disable=SC2317 # called through expect_error
ctlx() { sh -c 'echo "$1" >/proc/rcunet/inetpeer/control' sh "$1"; }
refcnt() { awk -v a="$1" '$1 == a { sub("refcnt=", "", $2); print $2 }' $D/peers; }

# shellcheck disable=SC2317 # run by the EXIT trap
restore() {
	rmmod inetpeer 2>/dev/null
	insmod "$RCUNET_MODDIR/inetpeer.ko" || case_fail variants/restore "insmod"
}
trap restore EXIT

for v in rwlock:locked rcu:lockless seqlock:lockless; do
	name=${v%:*} role=${v#*:}
	if ! rmmod inetpeer || ! insmod "$RCUNET_MODDIR/inetpeer.ko" "variant=$name"; then
		case_fail "variants/$name/load" "cannot load inetpeer variant=$name"
		continue
	fi
	check "variants/$name/stats" test "$(stat variant)/$(stat role)" = "$name/$role"
	check "variants/$name/get" ctl inetpeer "get 10.3.0.1"
	check "variants/$name/get_again" ctl inetpeer "get 10.3.0.1"
	check "variants/$name/held_twice" test "$(refcnt 10.3.0.1)" = 2
	expect_error "variants/$name/remove_held" "Device or resource busy" ctlx "remove 10.3.0.1"
	check "variants/$name/put" ctl inetpeer "put 10.3.0.1"
	check "variants/$name/put_last" ctl inetpeer "put 10.3.0.1"
	expect_error "variants/$name/put_without_get" "Invalid argument" ctlx "put 10.3.0.1"
	check "variants/$name/remove" ctl inetpeer "remove 10.3.0.1"
	expect_error "variants/$name/remove_gone" "No such file or directory" ctlx "remove 10.3.0.1"
	# churn: sorted inserts (the worst case of a plain BST), a third held,
	# every other one removed again; the checker after it
	fail=0
	i=0
	while [ $i -lt 256 ]; do
		a=10.4.$((i / 200)).$((i % 200))
		ctl inetpeer "get $a" || fail=1
		[ $((i % 3)) = 0 ] || ctl inetpeer "put $a" || fail=1
		[ $((i % 6)) = 1 ] && { ctl inetpeer "remove $a" || fail=1; }
		i=$((i + 1))
	done
	check "variants/$name/churn" test $fail = 0
	check "variants/$name/check" ctl inetpeer check
	# IPv4 peers listed in strictly increasing order
	# shellcheck disable=SC2016 # an awk program
	check "variants/$name/sorted" awk -F'[ .]' '$0 ~ /^10\.4\./ {
		k = $3 * 256 + $4; if (n++ && k <= last) exit 1; last = k }' $D/peers
	check "variants/$name/flush" ctl inetpeer flush
	check "variants/$name/held_stay" test "$(stat nodes)" = 86
	check "variants/$name/no_unlink_failed" test "$(stat unlink_failed)" = 0
	check "variants/$name/no_freed_seen" test "$(stat freed_seen)" = 0
done

rmmod inetpeer 2>/dev/null
if insmod "$RCUNET_MODDIR/inetpeer.ko" variant=avl 2>/tmp/variants.err; then
	case_fail variants/unknown_refused "insmod variant=avl succeeded"
else
	check variants/unknown_refused grep -qi invalid /tmp/variants.err
fi
rm -f /tmp/variants.err
exit 0
