#!/bin/sh
# xn-timeout: 1800
# Runs inside dom0 of the patched hypervisor: 50 create/destroy cycles of a
# PV guest leave no drift in the counters (every domain still equals the 'u'
# walk, dom0's counts are unchanged) and no leak (Xen's free memory per node
# comes back).
PAGEOP_LIB_ONLY=1
# shellcheck source=tests/vm/checks/pageop/pageop.sh
. "$(ls /checks/[0-9]*-pageop.sh | head -n 1)"
pageop_need
cycles=${PAGEOP_CYCLES:-50}

free_pages() { pageop_u_dump | awk '/^NODE[0-9]+ start/ { sub(/.*free->/, ""); printf "%s ", $0 }'; }

pageop_compare "before the cycles"
before0=$($PAGEOP query 0)
free0=$(free_pages)
# Bare domains from the helper (xl create of a real guest takes ~40 s under
# TCG): each gets 64 MiB on each node, the op must read exactly that, then it
# is destroyed (domain_kill -> relinquish -> free). Every 10 cycles, the op
# must still equal the walk for every domain.
i=0
while [ $i -lt "$cycles" ]; do
	$PAGEOP cycle 10 16384 >/tmp/cycle.txt || {
		cat /tmp/cycle.txt
		fail "cycles $((i + 1))..$((i + 10))"
	}
	tail -n 1 /tmp/cycle.txt
	i=$((i + 10))
	pageop_compare "after $i cycles"
done
pageop_settle 30
pageop_compare "after $cycles cycles"
after0=$($PAGEOP query 0)
free1=$(free_pages)
echo "dom0 before: $before0"
echo "dom0 after:  $after0"
echo "free pages per node before: $free0"
echo "free pages per node after:  $free1"
[ "$before0" = "$after0" ] || fail "dom0's counts drifted over $cycles cycles"
# Xen's own small allocations come and go; a leak of even one page per cycle
# would show as $cycles pages.
echo "$free0 $free1" | awk -v c="$cycles" '{
	n = NF / 2
	for (i = 1; i <= n; i++) lost += $i - $(i + n)
	print "pages lost over the cycles: " lost
	exit (lost >= c) }' || fail "free memory did not come back"
echo "no drift, no leak over $cycles cycles"
