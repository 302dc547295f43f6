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
# At a quiet moment ('u' equal before and after the sample), to the page.
quiet_snap 300 --debugkey-interval 0.1 || fail "no quiet moment to compare the pages"
cat /tmp/u
# The domains 'u' lists drive the loop (a domain the tool left out must
# fail, not be skipped); the tool's figures by node id, not by position.
same "domain ids ('u' vs xentop-numa)" "$(awk '{ print $1 }' /tmp/u | sort -un | tr '\n' ' ')" \
	"$(sj '.domains[].id' | sort -un | tr '\n' ' ')"
sj '.host.nodes as $n | .domains[] | .id as $d | .node_pages // [] | to_entries[] |
	"\($d) \($n[.key].id) \(.value)"' >/tmp/ours
for id in $(awk '{ print $1 }' /tmp/u | sort -un); do
	xen=$(awk -v d="$id" '$1 == d { print $2 "=" $3 }' /tmp/u | sort -n | tr '\n' ' ')
	ours=$(awk -v d="$id" '$1 == d { print $2 "=" $3 }' /tmp/ours | sort -n | tr '\n' ' ')
	same "domain $id pages per node (node=pages)" "$xen" "$ours"
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
