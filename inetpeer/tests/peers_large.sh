# rcunet-timeout: 900
# rcunet-tags: stress
# A large tree (100000 unused peers plus a few held ones): "peers" is read
# whole while lookups run through the control file. The listing must be
# complete and sorted for the quiescent tree, read the same in small
# reads, and the counters of "stats" are O(1). It is a cursor by key (one
# short successor lookup under the tree lock per record), not one
# whole-tree walk with BH off, redone each time seq_file grew its buffer:
# a key added ahead of the cursor after the first read() is listed, one
# removed ahead is not (the old walk returned a snapshot taken at the first
# read). No timing is asserted. Restores the default module.
. /rcunet/guest/lib.sh
D=/proc/rcunet/inetpeer
N=${IPEER_LARGE_PEERS:-100000}
stat() { sed -n "s/^$1: //p" $D/stats; }

# shellcheck disable=SC2317 # run by the EXIT trap
restore() {
	rmmod inetpeer 2>/dev/null
	insmod "$RCUNET_MODDIR/inetpeer.ko" || case_fail peers_large/restore "insmod"
	rm -f /tmp/peers.all /tmp/peers.dd /tmp/peers.stop /tmp/peers.live
}
trap restore EXIT

if ! rmmod inetpeer ||
   ! insmod "$RCUNET_MODDIR/inetpeer.ko" threshold=262144 gc_interval=0; then
	case_fail peers_large/reload "cannot reload inetpeer"
	exit 1
fi
check peers_large/fill ipeer_ctl fill 0 "$N"
for a in 10.200.0.1 10.200.0.2 2001:db8::7; do
	ctl inetpeer "get $a" || case_fail peers_large/hold "$a"
done
total=$((N + 3))
check peers_large/nodes test "$(stat nodes)" = $total
check peers_large/unused_counter test "$(stat unused)" = "$N"

# read it whole while lookups of a held peer run
rm -f /tmp/peers.stop
ipeer_ctl loop 10.200.0.1 /tmp/peers.stop >/tmp/peers.loop 2>&1 &
loop=$!
cat $D/peers >/tmp/peers.all
rc=$?
touch /tmp/peers.stop
wait $loop
check peers_large/lookups_during_read test $? = 0
check peers_large/read_ok test $rc = 0
check peers_large/count test "$(wc -l </tmp/peers.all)" = $total
# IPv4 first in address order, then the one IPv6 peer (an awk program:
# its $ are awk's)
# shellcheck disable=SC2016
SORTED='
	index($1, ":") { v6++; next }
	{ split($1, o, "."); v = ((o[1] * 256 + o[2]) * 256 + o[3]) * 256 + o[4]
	  if (v6 || (NR > 1 && v <= prev)) { print "out of order at line " NR ": " $1; bad = 1; exit 1 }
	  prev = v }
	END { exit bad || v6 != 1 }'
check peers_large/sorted awk "$SORTED" /tmp/peers.all
# (10.200.0.1 may show refcnt=2: the loop was holding it)
check peers_large/held_listed grep -q '^10.200.0.2 refcnt=1 ' /tmp/peers.all
check peers_large/held_v6_listed grep -q '^2001:db8::7 refcnt=1 ' /tmp/peers.all

# small reads resume by key: the same listing for the same (quiescent) tree
sed 's/ age_ms=[0-9]*//' $D/peers >/tmp/peers.all
dd if=$D/peers bs=333 2>/dev/null | sed 's/ age_ms=[0-9]*//' >/tmp/peers.dd
check peers_large/small_reads_same cmp -s /tmp/peers.all /tmp/peers.dd

# a cursor, not a snapshot taken at the first read(): after the first
# 4096 bytes, a key added ahead of the cursor is listed and a key removed
# ahead of it is not
{
	dd bs=4096 count=1 2>/dev/null
	ctl inetpeer "get 10.255.255.254"
	ctl inetpeer "remove 10.1.0.5"
	cat
} <$D/peers >/tmp/peers.live
check peers_large/live_added_ahead_listed grep -q '^10.255.255.254 refcnt=1 ' /tmp/peers.live
check peers_large/live_removed_ahead_gone sh -c '! grep -q "^10.1.0.5 " /tmp/peers.live'
check peers_large/live_sorted awk "$SORTED" /tmp/peers.live
check peers_large/live_count test "$(wc -l </tmp/peers.live)" = $total
ctl inetpeer "put 10.255.255.254"

check peers_large/check ctl inetpeer check
check peers_large/flush ctl inetpeer flush
check peers_large/flushed test "$(stat nodes)" = 3 -a "$(stat unused)" = 0
exit 0
