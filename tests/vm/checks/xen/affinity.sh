# --set-affinity on a guest, read back through `xl list -n`; back to all;
# an invalid node fails with exit 2 and changes nothing; a missing domain is 3.
. /checks/lib.sh
need_xn
xl domid xnB >/dev/null 2>&1 || skip "guest xnB missing (guests check failed?)"
first=$(xl_nodes | head -n 1)
aff() { xl list -n "$1" | awk 'NR == 2 { print $NF }'; }
echo "xnB node affinity before: $(aff xnB)"
"$XN" --source xen --set-affinity "xnB=$first" >/tmp/out 2>&1
rc=$?
cat /tmp/out
same "exit status" 0 "$rc"
same "xl list -n after =$first" "$first" "$(aff xnB)"
grep -q "future allocations" /tmp/out || { echo "DIFF message does not say future allocations only"; bad=$((bad + 1)); }
snap
same "snapshot affinity" "$first" "$(sj '.domains[] | select(.name == "xnB") | .node_affinity | map(tostring) | join(",")')"

"$XN" --source xen --set-affinity "xnB=all" >/tmp/out 2>&1
rc=$?
cat /tmp/out
same "exit status (all)" 0 "$rc"
# Xen now derives the affinity (from the vCPUs' affinity): ours must agree with xl.
snap
want=$(aff xnB)
got=$(sj '.domains[] | select(.name == "xnB") | if .affinity_auto then "all" else (.node_affinity | map(tostring) | join(",")) end')
same "after all: xl list -n vs ours" "$want" "$got"

before=$(aff xnB)
"$XN" --source xen --set-affinity "xnB=5" >/tmp/out 2>&1
rc=$?
cat /tmp/out
same "exit status (node 5)" 2 "$rc"
grep -q "node 5 does not exist" /tmp/out || { echo "DIFF no 'node 5 does not exist'"; bad=$((bad + 1)); }
same "unchanged after invalid node" "$before" "$(aff xnB)"

"$XN" --source xen --set-affinity "nosuchguest=0" >/tmp/out 2>&1
same "exit status (no such domain)" 3 "$?"
"$XN" --source xen --set-affinity "4000=0" >/tmp/out 2>&1
same "exit status (no such domain id)" 3 "$?"
cat /tmp/out

# --affinity-cpus also sets every vCPU's soft affinity to the node's CPUs.
last=$(xl_nodes | tail -n 1)
cpus=$(xl info -n | awk -v n="$last" '/^cpu_topology/ { t = 1; next } t && /^cpu:/ { next }
	t && /^ *[0-9]+:/ { sub(":", "", $1); if ($4 == n) { printf "%s%s", s, $1; s = "," } next } t { exit }')
"$XN" --source xen --set-affinity "xnA=$last" --affinity-cpus >/tmp/out 2>&1
rc=$?
cat /tmp/out
same "exit status (--affinity-cpus)" 0 "$rc"
xl vcpu-list xnA
# "Hard / Soft" are the last three fields; xl writes a range as a-b.
soft=$(xl vcpu-list xnA | awk 'NR > 1 { print $NF }' | sort -u | tr '\n' ' ')
want=$(echo "$cpus" | awk -F, '{ if (NF > 1 && $NF - $1 == NF - 1) print $1 "-" $NF; else print $0 }')
same "soft affinity of xnA's vCPUs" "$want " "$soft"
[ $bad = 0 ] || fail "$bad differences"
