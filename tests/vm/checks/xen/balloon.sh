# xn-timeout: 600
# Node affinity steers future allocations: a guest created paused, its
# affinity set to the node it is not on, then ballooned up, gets its new
# pages on that node; xentop-numa's figures equal debug key 'u' to the
# page at a quiet moment, and its pages outside the affinity are exactly
# 'u's pages off the target node.
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
wait_domu xnC 400 || echo "note: xnC's console never said it was up"
xl mem-set xnC 320
grown() { [ "$(xl list xnC | awk 'NR == 2 { print $3 }')" -ge 310 ]; }
wait_until 300 "xnC's memory (xl list) to reach 310 of its 320 MiB target" grown ||
	fail "xnC did not balloon up: $(xl list xnC | tail -n 1)"
xl list -n xnC
# The balloon driver may still be at work: a sample between two equal 'u'.
quiet_snap 300 --debugkey-interval 0.1 || fail "no quiet moment to compare xnC's pages"
awk -v d="$id" '$1 == d' /tmp/u >/tmp/u1
cat /tmp/u1
after=$(awk -v n="$target" '$2 == n { print $3 }' /tmp/u1)
grew=$((after - before))
echo "node $target: $before -> $after pages (+$grew)"
# 224 MiB more = 57344 pages; allow for what the guest keeps back.
[ $grew -ge 40000 ] || { echo "DIFF node $target grew by only $grew pages"; bad=$((bad + 1)); }
ours=$(sj ".host.nodes as \$n | .domains[] | select(.id == $id) | .node_pages | to_entries[] |
	\"\\(\$n[.key].id)=\\(.value)\"" | sort -n | tr '\n' ' ')
xen=$(awk '{ print $2 "=" $3 }' /tmp/u1 | sort -n | tr '\n' ' ')
same "xnC pages per node (node=pages)" "$xen" "$ours"
same "xnC node affinity" "$target" "$(sj ".domains[] | select(.id == $id) | .node_affinity | map(tostring) | join(\",\")")"
# Its first pages stayed where they were: outside = 'u's pages off the target.
want=$(awk -v n="$target" '$2 != n { s += $3 } END { print s + 0 }' /tmp/u1)
[ "$want" -gt 0 ] || fail "setup: none of xnC's pages is off node $target"
same "xnC pages outside its affinity" "$want" "$(sj ".domains[] | select(.id == $id) | .pages_outside")"
[ $bad = 0 ] || fail "$bad differences"
