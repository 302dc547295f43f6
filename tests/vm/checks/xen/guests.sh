# Two PV guests, each with its memory on one node, different nodes (libxl's
# own placement; 4.17's libxl refuses vNUMA for PV guests), then every
# domain's pages per node: xentop-numa vs debug key 'u' in the same boot.
. /checks/lib.sh
need_xn
# libxl places a new guest on the node with the most free memory (XEN-FACTS):
# size xnA so that after it, another node has the most, where xnB goes.
xl info -n | awk '/^numa_info/ { t = 1; next } t && /^node:/ { next }
	t && /^ *[0-9]+:/ { sub(":", "", $1); print $1, $3; next } t { exit }' | sort -k2 -n -r >/tmp/free
cat /tmp/free
nA=$(awk 'NR == 1 { print $1 }' /tmp/free) nB=$(awk 'NR == 2 { print $1 }' /tmp/free)
memA=$(awk 'NR == 1 { a = $2 } NR == 2 { b = $2 } END { m = a - b + 192; if (m < 128) m = 128; print m }' /tmp/free)
echo "xnA: $memA MiB, expected on node $nA; xnB: 128 MiB, expected on node $nB"
make_guest xnA "$memA" "$memA" - || fail "xl create xnA failed"
make_guest xnB 128 128 - || fail "xl create xnB failed"
wait_domu xnA 90 || echo "note: xnA's console never said it was up"
wait_domu xnB 90 || echo "note: xnB's console never said it was up"
xl list -n
snap --debugkey-interval 0.1
xen_u_pages >/tmp/u
cat /tmp/u
for id in $(sj '.domains[].id'); do
	ours=$(sj ".domains[] | select(.id == $id) | .node_pages | map(tostring) | join(\" \")")
	xen=$(awk -v d="$id" '$1 == d { printf "%s%s", s, $3; s = " " }' /tmp/u)
	same "domain $id pages per node" "$xen" "$ours"
done
# Where the guests' memory is: all (but a handful of pages) on the chosen node.
for g in xnA:$nA xnB:$nB; do
	name=${g%:*} node=${g#*:}
	id=$(domid_of "$name")
	on=$(jq -r --argjson id "$id" --argjson n "$node" \
		'([.host.nodes[].id] | index($n)) as $i | .domains[] | select(.id == $id) | .node_pages[$i]' /tmp/snap.json)
	tot=$(sj ".domains[] | select(.id == $id) | .node_pages | add")
	echo "$name: $on of $tot pages on node $node"
	[ "$on" -ge $((tot * 95 / 100)) ] || { echo "DIFF $name not on node $node"; bad=$((bad + 1)); }
done
[ $bad = 0 ] || fail "$bad differences from debug key u"
