# A process whose cpuset allows node 0's CPUs only (and both nodes' memory):
# `--set-affinity PID=1` must be refused before anything moves (the kernel
# would refuse the pinning only after migrate_pages had moved the pages),
# naming the cpuset's CPUs; its pages stay on node 0, its CPUs unchanged.
. /checks/lib.sh
need_xn
hog=/usr/libexec/xn/numa_hog
[ -x "$hog" ] || skip "numa_hog helper not built (build/helpers/numa_hog)"
cg=/sys/fs/cgroup
grep -qw cpuset $cg/cgroup.controllers 2>/dev/null ||
	skip "the guest kernel has no cpuset cgroup controller (cgroup2 at $cg)"
grep -qw cpuset $cg/cgroup.subtree_control || echo +cpuset >$cg/cgroup.subtree_control ||
	fail "cannot enable the cpuset controller in $cg"
n0=$(cat /sys/devices/system/node/node0/cpulist) n1=$(cat /sys/devices/system/node/node1/cpulist) ||
	fail "the guest has no node 1"
mkdir -p $cg/pin0 || fail "cannot create $cg/pin0"
echo "$n0" >$cg/pin0/cpuset.cpus || fail "writing cpuset.cpus"
echo 0-1 >$cg/pin0/cpuset.mems || fail "writing cpuset.mems"
# shellcheck disable=SC2016
sh -c 'echo $$ >/sys/fs/cgroup/pin0/cgroup.procs || exit 9; exec "$0" 64 0' "$hog" \
	>/tmp/pin0.out 2>&1 &
pid=$!
deadline=$(($(date +%s) + 120))
until grep -q READY /tmp/pin0.out; do
	[ "$(date +%s)" -lt $deadline ] || fail "numa_hog in $cg/pin0 not READY within 120 s: $(cat /tmp/pin0.out)"
	sleep 1
done
pages() { # node: pages of $pid on it per numa_maps
	tr ' ' '\n' </proc/$pid/numa_maps | awk -F= -v k="N$1" '$1 == k {s += $2} END {print s + 0}'
}
cpus_of() { cat /proc/$pid/task/*/status | awk '/^Cpus_allowed_list/ {print $2}' | sort -u | tr '\n' ' '; }
b0=$(pages 0) b1=$(pages 1) bc=$(cpus_of)
echo "before: node 0 $b0 pages, node 1 $b1 pages; CPUs $bc (node 0: $n0, node 1: $n1)"
"$XN" --source linux --set-affinity "$pid=1" >/tmp/out 2>/tmp/err
rc=$?
cat /tmp/out /tmp/err
same "exit status" 2 "$rc"
grep -q "outside process $pid's cpuset (CPUs $n0); nothing was changed" /tmp/err ||
	{ echo "DIFF message does not name the cpuset's CPUs $n0"; bad=$((bad + 1)); }
same "pages on node 0 after the refusal" "$b0" "$(pages 0)"
same "pages on node 1 after the refusal" "$b1" "$(pages 1)"
same "CPUs after the refusal" "$bc" "$(cpus_of)"
kill $pid
wait $pid 2>/dev/null
rmdir $cg/pin0
[ $bad = 0 ] || fail "$bad differences"
