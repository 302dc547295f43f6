#!/bin/sh
# xn-timeout: 1800
# Runs inside dom0 of the patched hypervisor: how the cost of reading a
# guest's pages per node grows with its memory, for the page op (one query)
# and for debug key 'u' (one walk of every domain's pages). Prints figures
# (speed under TCG is not a pass/fail test); fails only when a figure cannot
# be taken.
PAGEOP_LIB_ONLY=1
# shellcheck source=tests/vm/checks/pageop/pageop.sh
. "$(ls /checks/[0-9]*-pageop.sh | head -n 1)"
pageop_need

# A bare domain grown from dom0 with populate_physmap, half on each node.
id=$($PAGEOP mkdom 16384 16384) || fail "mkdom: $id"
echo "guest_MiB guest_pages all_domains_pages op_ns_per_query u_ns_per_press (min of 5 x 400 queries / 7 presses)"
have=128
for m in 128 256 512 1024 2048; do
	if [ "$m" -gt "$have" ]; then
		half=$(((m - have) * 128))
		$PAGEOP populate "$id" 0 "$half" /tmp/pm.mfn >/dev/null &&
			$PAGEOP populate "$id" 1 "$half" /tmp/pm.mfn >/dev/null ||
			{
				echo "cannot grow the guest to $m MiB: stop"
				break
			}
		have=$m
	fi
	pages=$($PAGEOP query "$id" | awk '{ print $2 }')
	# shellcheck disable=SC2046
	all=$($PAGEOP query $(pageop_ids) | awk '{ s += $2 } END { print s }')
	# The cheapest of several rounds: under TCG on a shared host the rest
	# is other people's load, not the cost of the call.
	op=$(for r in 1 2 3 4 5; do $PAGEOP time "$id" 400; done |
		sed -n 's/.*: \([0-9]*\) ns per query.*/\1/p' | sort -n | head -n 1)
	u=$(for r in 1 2 3 4 5 6 7; do $PAGEOP timekey u 1; xl dmesg -c >/dev/null; done |
		sed -n 's/.*: \([0-9]*\) ns per press.*/\1/p' | sort -n | head -n 1)
	xl dmesg -c >/dev/null
	[ -n "$op" ] && [ -n "$u" ] || fail "no figure at $m MiB"
	echo "$m $pages $all $op $u"
done
pageop_compare "grown guest"
$PAGEOP rmdom "$id"
