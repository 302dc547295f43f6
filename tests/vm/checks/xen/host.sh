# Nodes, sizes, free memory, distances and CPU -> node: xentop-numa vs `xl info -n`.
. /checks/lib.sh
need_xn
xl info -n >/tmp/xlinfo
snap
same "nodes" "$(xl_nodes | tr '\n' ' ')" "$(sj '.host.nodes[].id' | tr '\n' ' ')"
awk '/^numa_info/ { t = 1; next } t && /^node:/ { next } t && /^ *[0-9]+:/ { sub(":", "", $1); print; next } t { exit }' \
	/tmp/xlinfo >/tmp/xl_numa
while read -r id size free dists; do
	same "node $id size MiB" "$size" "$(sj ".host.nodes[] | select(.id == $id) | .mem_total / 1048576 | floor")"
	# Free memory moves a little as dom0 works: xl rounds to MiB; allow 4 MiB.
	ours=$(sj ".host.nodes[] | select(.id == $id) | .mem_free / 1048576 | floor")
	d=$((ours - free))
	[ ${d#-} -le 4 ] && echo "ok   node $id free MiB: xl $free, ours $ours" ||
		same "node $id free MiB" "$free" "$ours"
	idx=$(sj "[.host.nodes[].id] | index($id)")
	same "node $id distances" "$dists" "$(sj ".host.distance[$idx] | map(tostring) | join(\",\")")"
done </tmp/xl_numa
# cpu_topology: "  N:  core socket node"
awk '/^cpu_topology/ { t = 1; next } t && /^cpu:/ { next } t && /^ *[0-9]+:/ { sub(":", "", $1); print $1, $4; next } t { exit }' \
	/tmp/xlinfo | while read -r cpu node; do
	got=$(sj ".host.nodes[] | select(.cpus | index($cpu)) | .id")
	[ "$got" = "$node" ] || echo "DIFF cpu $cpu: xl node $node, ours $got" >>/tmp/host.bad
done
[ -f /tmp/host.bad ] && { cat /tmp/host.bad; bad=$((bad + 1)); }
same "page_size" 4096 "$(sj .host.page_size)"
[ $bad = 0 ] || fail "$bad differences from xl info -n"
