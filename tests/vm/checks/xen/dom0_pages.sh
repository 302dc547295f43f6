# dom0's pages per node vs debug key 'u'; xentop-numa does not clear the ring; the
# rate limit holds (one 'u' dump for several samples) and ages grow.
. /checks/lib.sh
need_xn
# The ring's oldest line is still there afterwards (the ring is far from full).
before=$(xl dmesg | head -n 1)
snap --debugkey-interval 0.1
after=$(xl dmesg | head -n 1)
same "oldest console line after a sample" "$before" "$after"
# dom0 works while it is sampled: the figures are compared to the page at
# a moment when 'u' before and after the sample agree.
quiet_snap 300 --debugkey-interval 0.1 || fail "no quiet moment to compare dom0's pages"
sj '.domains[] | select(.id == 0) | "\(.pages_method) \(.node_pages)"'
same "dom0 pages method" debugkey_u "$(sj '.domains[] | select(.id == 0) | .pages_method')"
ours=$(sj '.host.nodes as $n | .domains[] | select(.id == 0) | .node_pages | to_entries[] |
	"\($n[.key].id)=\(.value)"' | sort -n | tr '\n' ' ')
xen=$(awk '$1 == 0 { print $2 "=" $3 }' /tmp/u | sort -n | tr '\n' ' ')
same "dom0 pages per node (node=pages)" "$xen" "$ours"

# Rate limit: 4 samples 0.5 s apart with a 10 s interval = one dump.
n0=$(xl dmesg | grep -c "'u' pressed")
"$XN" -b --source xen --format json -d 0.5 -i 4 --debugkey-interval 10 >/tmp/b.jsonl ||
	fail "batch json failed"
n1=$(xl dmesg | grep -c "'u' pressed")
same "'u' dumps for 4 samples" 1 $((n1 - n0))
ages=$(jq -r '.domains[] | select(.id == 0) | .pages_age_ms' /tmp/b.jsonl | tr '\n' ' ')
echo "dom0 pages_age_ms per sample: $ages"
last=$(echo "$ages" | awk '{ print $NF }')
[ "$last" -ge 1000 ] || { echo "DIFF last age $last ms < 1000"; bad=$((bad + 1)); }
[ $bad = 0 ] || fail "$bad differences"
