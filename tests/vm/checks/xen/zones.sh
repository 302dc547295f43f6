# Free pages per node and heap zone: xentop-numa's host.zones vs debug key 'H'
# (heap[node=N][zone=Z] -> P pages), taken one right after the other.
. /checks/lib.sh
need_xn
xen_debugkey H | sed -n 's/^heap\[node=\([0-9]*\)\]\[zone=\([0-9]*\)\] -> \([0-9]*\) pages/\1 \2 \3/p' >/tmp/heap
snap
[ -s /tmp/heap ] || fail "no heap lines from debug key H"
sj '.host.nodes[] | .id as $n | .zones[] | "\($n) \(.name) \(.free_pages)"' >/tmp/ourzones
cat /tmp/ourzones
[ -s /tmp/ourzones ] || fail "xentop-numa lists no zones"
while read -r node zname pages; do
	z=${zname#z}
	h=$(awk -v n="$node" -v z="$z" '$1 == n && $2 == z { print $3 }' /tmp/heap)
	# dom0 is idle but not frozen: allow 256 pages (1 MiB) of drift per zone.
	d=$((pages - h))
	if [ ${d#-} -le 256 ]; then
		echo "ok   node $node zone $z: H $h, ours $pages"
	else
		same "node $node zone $z" "$h" "$pages"
	fi
done </tmp/ourzones
# Every zone H shows with free pages is one we list.
awk '$3 > 0 { print $1, "z" $2 }' /tmp/heap | while read -r n z; do
	grep -q "^$n $z " /tmp/ourzones || echo "MISSING node $n $z" >>/tmp/zones.bad
done
[ -f /tmp/zones.bad ] && { cat /tmp/zones.bad; bad=$((bad + 1)); }
# The "<4G" sum (zones z1..z20) equals xc_availheap's 32-bit bound, per node: H agrees.
for n in $(xl_nodes); do
	lo_h=$(awk -v n="$n" '$1 == n && $2 <= 20 { s += $3 } END { print s + 0 }' /tmp/heap)
	lo_us=$(awk -v n="$n" '$1 == n { z = substr($2, 2); if (z <= 20) s += $3 } END { print s + 0 }' /tmp/ourzones)
	d=$((lo_us - lo_h))
	[ ${d#-} -le 1024 ] && echo "ok   node $n below 4 GiB: H $lo_h, ours $lo_us" ||
		same "node $n pages below 4 GiB" "$lo_h" "$lo_us"
done
[ $bad = 0 ] || fail "$bad differences from debug key H"
