# Nodes, sizes, free memory, distances and CPU -> node: xentop-numa vs `xl info -n`.
# (Few processes: each start costs about a second under TCG.)
. /checks/lib.sh
need_xn
xl info -n >/tmp/xlinfo
snap
# "id size free dists" per node, from both.
awk '/^numa_info/ { t = 1; next } t && /^node:/ { next }
	t && /^ *[0-9]+:/ { sub(":", "", $1); print $1, $2, $3, $4; next } t { exit }' /tmp/xlinfo >/tmp/xl_numa
sj '.host as $h | $h.nodes | to_entries[] |
	"\(.value.id) \(.value.mem_total / 1048576 | floor) \(.value.mem_free / 1048576 | floor) \($h.distance[.key] | map(tostring) | join(","))"' \
	>/tmp/our_numa
cat /tmp/xl_numa /tmp/our_numa
same "node ids" "$(cut -d' ' -f1 /tmp/xl_numa | tr '\n' ' ')" "$(cut -d' ' -f1 /tmp/our_numa | tr '\n' ' ')"
same "node sizes MiB" "$(cut -d' ' -f2 /tmp/xl_numa | tr '\n' ' ')" "$(cut -d' ' -f2 /tmp/our_numa | tr '\n' ' ')"
same "distances" "$(cut -d' ' -f4 /tmp/xl_numa | tr '\n' ' ')" "$(cut -d' ' -f4 /tmp/our_numa | tr '\n' ' ')"
# Free memory moves a little as dom0 works; xl rounds to MiB: allow 4 MiB.
paste -d' ' /tmp/xl_numa /tmp/our_numa | awk '{ d = $7 - $3; if (d < 0) d = -d
	printf "%s node %s free MiB: xl %s, ours %s\n", d <= 4 ? "ok  " : "DIFF", $1, $3, $7; if (d > 4) bad++ }
	END { exit bad > 0 }' || bad=$((bad + 1))
# cpu_topology: "  N:  core socket node"
awk '/^cpu_topology/ { t = 1; next } t && /^cpu:/ { next }
	t && /^ *[0-9]+:/ { sub(":", "", $1); print $1, $4; next } t { exit }' /tmp/xlinfo >/tmp/xl_cpus
sj '.host.nodes[] | .id as $n | .cpus[] | "\(.) \($n)"' | sort -n >/tmp/our_cpus
same "cpu -> node" "$(tr '\n' ';' </tmp/xl_cpus)" "$(tr '\n' ';' </tmp/our_cpus)"
same "page_size" 4096 "$(sj .host.page_size)"
[ $bad = 0 ] || fail "$bad differences from xl info -n"
