# Node affinity steers future allocations: a guest created paused, its
# affinity set to the node it is not on, then ballooned up, gets its new
# pages on that node; xentop-numa's figures equal debug key 'u' throughout.
. /checks/lib.sh
need_xn
make_guest xnC 96 320 - -p || fail "xl create -p xnC failed"
id=$(domid_of xnC)
xen_u_pages | awk -v d="$id" '$1 == d' >/tmp/u0
cat /tmp/u0
# The target: the node holding the fewest of its pages now.
target=$(sort -k3 -n /tmp/u0 | head -n 1 | awk '{ print $2 }')
before=$(awk -v n="$target" '$2 == n { print $3 }' /tmp/u0)
"$XN" --source xen --set-affinity "xnC=$target" || fail "set-affinity xnC=$target failed"
xl unpause xnC
wait_domu xnC 90 || echo "note: xnC's console never said it was up"
xl mem-set xnC 320
i=0
while [ $i -lt 60 ]; do
	mem=$(xl list xnC | awk 'NR == 2 { print $3 }')
	[ "$mem" -ge 310 ] && break
	sleep 1
	i=$((i + 1))
done
xl list -n xnC
snap --debugkey-interval 0.1
xen_u_pages | awk -v d="$id" '$1 == d' >/tmp/u1
cat /tmp/u1
after=$(awk -v n="$target" '$2 == n { print $3 }' /tmp/u1)
grew=$((after - before))
echo "node $target: $before -> $after pages (+$grew)"
# 224 MiB more = 57344 pages; allow for what the guest keeps back.
[ $grew -ge 40000 ] || { echo "DIFF node $target grew by only $grew pages"; bad=$((bad + 1)); }
ours=$(sj ".domains[] | select(.id == $id) | .node_pages | map(tostring) | join(\" \")")
xen=$(awk '{ printf "%s%s", s, $3; s = " " }' /tmp/u1)
same "xnC pages per node" "$xen" "$ours"
out=$(sj ".domains[] | select(.id == $id) | .pages_outside")
echo "xnC pages outside its affinity: $out"
[ "$out" -gt 0 ] || { echo "DIFF pages_outside should count its first pages"; bad=$((bad + 1)); }
[ $bad = 0 ] || fail "$bad differences"
