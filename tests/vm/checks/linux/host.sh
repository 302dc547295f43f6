# The emulated Linux NUMA host as the linux source sees it vs numactl -H.
. /checks/lib.sh
need_xn
numactl -H
"$XN" --snapshot --source linux >/tmp/snap.json || fail "xentop-numa --snapshot failed"
same "nodes" "$(numactl -H | sed -n 's/^available: \([0-9]*\) nodes.*/\1/p')" "$(sj '.host.nodes | length')"
[ -n "${XN_EXPECT_NODES:-}" ] || fail "XN_EXPECT_NODES is not set (boot.sh puts it on the kernel command line)"
same "nodes emulated by boot.sh" "$XN_EXPECT_NODES" "$(sj '.host.nodes | length')"
for n in $(sj '.host.nodes[].id'); do
	want=$(numactl -H | sed -n "s/^node $n size: \([0-9]*\) MB/\1/p")
	got=$(sj ".host.nodes[] | select(.id == $n) | .mem_total / 1048576 | floor")
	d=$((got - want))
	[ ${d#-} -le 1 ] && echo "ok   node $n size: numactl $want MB, ours $got" || same "node $n size MB" "$want" "$got"
	same "node $n cpus" "$(numactl -H | sed -n "s/^node $n cpus: //p" | tr ' ' ',')" \
		"$(sj ".host.nodes[] | select(.id == $n) | .cpus | map(tostring) | join(\",\")")"
done
same "distances" "$(numactl -H | awk '/^ *[0-9]+:/ { $1 = ""; print }' | tr -s ' ' | sed 's/^ //' | tr '\n' ';')" \
	"$(sj '.host.distance[] | map(tostring) | join(" ")' | tr '\n' ';')"
[ $bad = 0 ] || fail "$bad differences from numactl -H"
