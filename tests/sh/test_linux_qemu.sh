#!/bin/sh
# QEMU guests are found and named without --pid: a stand-in process
# (numa_fakeqemu: QEMU's comm, its -name option, "CPU n/KVM" vCPU threads,
# an I/O thread and 2 more workers) must appear with the guest's name, its
# vCPU threads only (vcpus 3 of 7 threads), and its memory.
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
FAKE=$HELPERS/numa_fakeqemu
xn_need_bin
[ -x "$FAKE" ] || fail "no helper at $FAKE"
xn_need_numa

name="vm,test-$$" # a comma: written ",," on QEMU's command line
xn_start "$tmp/out" "$FAKE" -name "guest=vm,,test-$$,debug-threads=on" -smp 3 -m 64 -extra 2
pid=$xn_last
xn_wait_for "$tmp/out" READY 300 || fail "numa_fakeqemu did not get ready: $(cat "$tmp/out")"

# --top 0: only QEMU guests (and --pid, none here)
"$BIN" --source linux --snapshot --top 0 >"$tmp/snap.json" 2>"$tmp/err" ||
	fail "--snapshot exited $?: $(cat "$tmp/err")"
d=$(xn_domain "$tmp/snap.json" $pid)
echo "$d"
[ -n "$d" ] || fail "the fake guest $pid is not among the domains"
[ "$(ls /proc/$pid/task | wc -l)" -eq 7 ] || fail "the helper has $(ls /proc/$pid/task | wc -l) threads, not 7"
jq -e --arg name "$name" '.name == $name and .vcpus == 3 and (.vcpu_node | length) == 3
	and all(.vcpu_node[]; . != null and . >= 0)' <<EOF >/dev/null || fail "fields: $d"
$d
EOF
# its 64 MiB (plus libraries) in the column of node 0 (by host.nodes, not
# the sum over nodes): the helper allocates on the node it runs on, node 0
# on a one-node machine
nodes=$(jq -c '[.host.nodes[].id]' "$tmp/snap.json")
if [ "$nodes" = "[0]" ]; then
	pages=$(jq --argjson id $pid '(.host.nodes | map(.id) | index(0)) as $i
		| .domains[] | select(.id == $id) | .node_pages[$i]' "$tmp/snap.json")
	ps=$(jq '.host.page_size' "$tmp/snap.json")
	[ $((pages * ps)) -ge $((64 * 1048576 * 95 / 100)) ] || fail "only $((pages * ps)) bytes on node 0"
else
	skip_part "the 64 MiB on node 0: nodes $nodes, so node 0 need not be where it runs"
fi
# nothing but QEMU guests with --top 0: every other domain is a QEMU process
# (its comm; a process gone since the snapshot is not counted)
echo "domains with --top 0: $(jq -c '[.domains[] | .name]' "$tmp/snap.json")"
for id in $(jq --argjson id $pid '.domains[] | select(.id != $id) | .id' "$tmp/snap.json"); do
	comm=$(cat /proc/"$id"/comm 2>/dev/null) || continue
	case $comm in qemu*) ;; *) fail "--top 0 lists PID $id ($comm), not a QEMU guest" ;; esac
done
# and by name: --set-affinity NAME=0 finds it
"$BIN" --source linux --set-affinity "$name=0" >"$tmp/out2" 2>"$tmp/err" ||
	fail "--set-affinity by name exited $?: $(cat "$tmp/err")"
# the memory path pins every thread (I/O threads follow the memory too)
grep -q "pinned 7 threads" "$tmp/out2" || fail "message: $(cat "$tmp/out2")"
# a guest whose memory QEMU binds (a memory backend's policy=bind, here the
# task's policy from numactl on every mapping, its RAM's included): the
# guest's mem_policy is that bind (schema 6)
if command -v numactl >/dev/null; then
	xn_start "$tmp/outb" numactl --membind=0 "$FAKE" -name "guest=bound-$$" -smp 1 -m 16
	bpid=$xn_last
	xn_wait_for "$tmp/outb" READY 300 || fail "bound numa_fakeqemu did not get ready: $(cat "$tmp/outb")"
	"$BIN" --source linux --snapshot --top 0 >"$tmp/snapb.json" 2>"$tmp/err" ||
		fail "--snapshot exited $?: $(cat "$tmp/err")"
	pol=$(jq -r --argjson id $bpid '.domains[] | select(.id == $id) | .mem_policy' "$tmp/snapb.json")
	[ "$pol" = "bind:0" ] || fail "the bound guest's mem_policy is '$pol', want bind:0"
	kill $bpid
	xn_untrack $bpid
else
	skip_part "the bound guest: no numactl (scripts/deps.sh installs it)"
fi
echo ok
