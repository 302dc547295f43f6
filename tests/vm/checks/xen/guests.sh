# Two PV guests, one with its memory on the first node, one on the last
# (see make_guest), then every domain's pages per node: xentop-numa vs
# debug key 'u' in the same boot.
. /checks/lib.sh
need_xn
nA=$(xl_nodes | head -n 1) nB=$(xl_nodes | tail -n 1)
# Paused: their memory is allocated at creation; booting them would only
# slow the emulated host down for the checks that follow.
make_guest xnA 128 128 "$nA" -p || fail "xl create xnA failed"
make_guest xnB 128 128 "$nB" -p || fail "xl create xnB failed"
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
