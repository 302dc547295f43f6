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
# its 64 MiB (plus libraries) on node 0, the only node here or where it runs
pages=$(echo "$d" | jq '.node_pages | add')
ps=$(jq '.host.page_size' "$tmp/snap.json")
[ $((pages * ps)) -ge $((64 * 1048576 * 95 / 100)) ] || fail "only $((pages * ps)) bytes"
# nothing but QEMU guests with --top 0
others=$(jq --argjson id $pid '[.domains[] | select(.id != $id and (.name | test("^qemu|^vm") | not))] | length' "$tmp/snap.json")
echo "other domains with --top 0: $(jq -c '[.domains[] | .name]' "$tmp/snap.json")"
[ "$others" -eq 0 ] || echo "note: $others other domains (QEMU guests named otherwise?)"
# and by name: --set-affinity NAME=0 finds it
"$BIN" --source linux --set-affinity "$name=0" >"$tmp/out2" 2>"$tmp/err" ||
	fail "--set-affinity by name exited $?: $(cat "$tmp/err")"
# the memory path pins every thread (I/O threads follow the memory too)
grep -q "pinned 7 threads" "$tmp/out2" || fail "message: $(cat "$tmp/out2")"
echo ok
