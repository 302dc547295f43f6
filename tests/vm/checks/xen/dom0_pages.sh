# dom0's pages per node vs debug key 'u'; xentop-numa does not clear the ring; the
# rate limit holds (one 'u' dump for several samples) and ages grow.
. /checks/lib.sh
need_xn
# The ring's oldest line is still there afterwards (the ring is far from full).
before=$(xl dmesg | head -n 1)
snap --debugkey-interval 0.1
after=$(xl dmesg | head -n 1)
same "oldest console line after a sample" "$before" "$after"
sj '.domains[] | select(.id == 0) | "\(.pages_method) \(.node_pages)"'
same "dom0 pages method" debugkey_u "$(sj '.domains[] | select(.id == 0) | .pages_method')"
ours=$(sj '.domains[] | select(.id == 0) | .node_pages | map(tostring) | join(" ")')
xen=$(xen_u_pages | awk '$1 == 0 { printf "%s%s", s, $3; s = " " }')
same "dom0 pages per node" "$xen" "$ours"

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
