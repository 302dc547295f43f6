# xn-timeout: 400
# Cpupools (issue 19): a domain's vCPUs run only on its cpupool's CPUs, so the
# advice never sends them to a node whose CPUs are all in another pool. The
# last node's CPUs go to a new pool "xnpool" and xnA (guests.sh: its memory
# on the first node) into it; then, each figure from Xen's own tools:
#  - the JSON's host.cpupools hold Pool-0's and xnpool's CPUs as
#    `xl cpupool-list -c` lists them, and xnA's cpupool is xnpool's;
#  - its config_affinity is what `xl list -l` says its configuration sets;
#  - `--advise` never tells xnA "vcpus <first node>" (the advice without the
#    pool check: advice.sh shows it for the same guest), and --snapshot's
#    advice agrees with --advise's.
# Everything is undone on exit (xnA back in Pool-0, the CPUs too).
. /checks/lib.sh
need_xn
n0=$(xl_nodes | head -n 1) n1=$(xl_nodes | tail -n 1)
[ "$n0" != "$n1" ] || skip "one node: no pool to make apart"
g=xnA
xl domid $g >/dev/null 2>&1 || fail "xnA is missing (guests check failed?)"
id=$(domid_of $g)
xen_cpunode
c1=$(cpus_of "$n1")
echo "node $n1: CPUs $c1"
p0=$(xen_u_pages | awk -v d="$id" -v n="$n0" '$1 == d && $2 == n { print $3 }')
tot=$(xen_u_pages | awk -v d="$id" '$1 == d { s += $3 } END { print s }')
[ "${p0:-0}" -ge $((tot * 95 / 100)) ] || fail "$g's memory is not on node $n0 ($p0 of $tot pages)"

undo() {
	xl cpupool-migrate $g Pool-0 2>/dev/null
	xl cpupool-destroy xnpool 2>/dev/null
	xl cpupool-cpu-add Pool-0 "$c1" 2>/dev/null
	xl cpupool-list -c
}
trap undo EXIT
xl vcpu-pin 0 all all # (a dom0 vCPU pinned to a CPU leaving Pool-0 would block it)
xl cpupool-cpu-remove Pool-0 "$c1" || fail "xl cpupool-cpu-remove Pool-0 $c1 failed"
printf 'name = "xnpool"\ncpus = "%s"\n' "$c1" >/tmp/xnpool.cfg
xl cpupool-create /tmp/xnpool.cfg || fail "xl cpupool-create (CPUs $c1) failed"
xl cpupool-migrate $g xnpool || fail "xl cpupool-migrate $g xnpool failed"
xl unpause $g 2>/dev/null # (a paused domain gets no advice)
xl cpupool-list -c
# "name cpu,cpu,..." (ranges written out: xl may print "2-3")
xl cpupool-list -c | awk 'NR > 1 { k = split($2, p, ","); s = ""
	for (i = 1; i <= k; i++) {
		if (split(p[i], r, "-") == 2) { for (c = r[1]; c <= r[2]; c++) s = s (s != "" ? "," : "") c }
		else if (p[i] != "") s = s (s != "" ? "," : "") p[i]
	}
	print $1, s }' >/tmp/pools
cat /tmp/pools

snap --debugkey-interval 1
# "name cpus" from the JSON: a pool is named by its CPUs (xl lists no ids);
# Pool-0 holds Domain-0.
pool_cpus() { # domid
	sj --argjson d "$1" '(.domains[] | select(.id == $d) | .cpupool) as $p |
		.host.cpupools[] | select(.id == $p) | .cpus | map(tostring) | join(",")'
}
same "xnpool's CPUs (xl cpupool-list -c) = $g's pool's CPUs (JSON)" \
	"$(awk '$1 == "xnpool" { print $2 }' /tmp/pools)" "$(pool_cpus "$id")"
same "Pool-0's CPUs (xl cpupool-list -c) = Domain-0's pool's CPUs (JSON)" \
	"$(awk '$1 == "Pool-0" { print $2 }' /tmp/pools)" "$(pool_cpus 0)"
same "pools in the JSON" "$(wc -l </tmp/pools | tr -d ' ')" "$(sj '.host.cpupools | length')"
# What the configuration sets (libxl's stored one, as `xl list -l` shows it):
# xnA was made with cpus_soft (make_guest).
sets='[if (.vcpu_hard_affinity // []) != [] then "cpus" else empty end,
	if (.vcpu_soft_affinity // []) != [] then "cpus_soft" else empty end, if (.nodemap // []) != [] then "nodes" else empty end]'
want=$(xl list -l $g | jq -c ".[0].config.b_info | $sets")
same "$g's config_affinity (xl list -l)" "$want" "$(sj -c --argjson d "$id" '.domains[] | select(.id == $d) | .config_affinity')"
# Domain-0's: xen-init-dom0 stores a bare one (nothing set: []) on these
# dom0s; none stored reads null. Read from the file (NUL-terminated by libxl).
f0=$(ls /var/lib/xen/userdata-d.0.*.libxl-json 2>/dev/null | head -n 1)
want0=null
[ -n "$f0" ] && want0=$(tr -d '\000' <"$f0" | jq -c ".b_info | $sets")
same "Domain-0's config_affinity (${f0:-none stored})" "$want0" "$(sj -c '.domains[] | select(.id == 0) | .config_affinity')"
s_adv=$(sj --argjson d "$id" '.domains[] | select(.id == $d) | .advice |
	"\(.action) \(.nodes // "" | if type == "array" then map(tostring) | join(",") else tostring end)"')
echo "--snapshot: $g: $s_adv"

"$XN" --source xen --advise --debugkey-interval 1 >/tmp/pool.out 2>/tmp/pool.err
rc=$?
cat /tmp/pool.out /tmp/pool.err
[ $rc -lt 2 ] || fail "--advise failed (exit $rc)"
line=$(sed 's/^step [0-9]*: //' /tmp/pool.out | grep "^$g (id $id): ")
a_adv=$(echo "$line" | cut -d: -f2 | sed 's/^ *//; s/ *$//')
case "$a_adv" in
"vcpus $n0"*) echo "DIFF --advise sends $g's vCPUs to node $n0, outside its cpupool"; bad=$((bad + 1)) ;;
*) echo "ok   --advise does not send $g's vCPUs out of its pool: '${a_adv:-ok}'" ;;
esac
case "$s_adv" in "vcpus $n0") echo "DIFF --snapshot advises vcpus $n0"; bad=$((bad + 1)) ;; esac
# --advise names only domains with a step or stuck; the snapshot's words then agree
case "$s_adv" in
ok* | none*) [ -z "$line" ] || { echo "DIFF --advise names $g, --snapshot says $s_adv"; bad=$((bad + 1)); } ;;
stuck*) same "--advise of $g" "stuck" "$a_adv" ;;
*) same "--advise of $g" "$s_adv" "$a_adv" ;;
esac
[ $bad = 0 ] || fail "$bad differences"
