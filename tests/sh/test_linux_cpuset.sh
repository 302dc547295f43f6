#!/bin/sh
# --set-affinity on a process whose cpuset allows fewer CPUs than the target
# node has: the kernel clips the threads' masks to the cpuset, so the tool
# must pin to (and name) the CPUs the kernel really uses. (A target whose CPUs
# are all outside the cpuset is refused before any page moves: that needs two
# nodes, see tests/vm/checks/linux/cpuset.sh.)
. tests/sh/lib.sh
[ "$(id -u)" = 0 ] || skip "needs root to make a cpuset cgroup"
node0=$(cat /sys/devices/system/node/node0/cpulist 2>/dev/null) || skip "no /sys/devices/system/node"
cpus=$(cat /sys/devices/system/cpu/online)
case $node0 in *[-,]*) ;; *) skip "node 0 has one CPU ($node0): nothing to clip" ;; esac
# the last CPU of node 0
last=$(echo "$node0" | tr ',' '\n' | tail -n 1 | sed 's/.*-//')

if grep -qs ' /sys/fs/cgroup/cpuset cgroup ' /proc/mounts; then
	cg=/sys/fs/cgroup/cpuset/xn-cpuset-$$ cpus_file=cpuset.cpus mems_file=cpuset.mems procs=tasks
elif grep -qw cpuset /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
	grep -qw cpuset /sys/fs/cgroup/cgroup.subtree_control ||
		echo +cpuset >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null ||
		skip "cannot enable the cpuset controller in /sys/fs/cgroup"
	cg=/sys/fs/cgroup/xn-cpuset-$$ cpus_file=cpuset.cpus mems_file=cpuset.mems procs=cgroup.procs
else
	skip "no cpuset cgroup hierarchy (v1 /sys/fs/cgroup/cpuset or v2 controller)"
fi
mkdir "$cg" || skip "cannot create $cg"
xn_at_exit "rmdir $cg"
echo "$last" >"$cg/$cpus_file" || fail "writing $cg/$cpus_file"
echo 0 >"$cg/$mems_file" || fail "writing $cg/$mems_file"

# shellcheck disable=SC2016
xn_start "$tmp/sleep.out" sh -c 'echo $$ >"$1/$2" && exec sleep 600' sh "$cg" "$procs"
pid=$xn_last
deadline=$(($(date +%s) + 20))
until grep -q "^$pid\$" "$cg/$procs" 2>/dev/null && grep -q sleep /proc/$pid/comm 2>/dev/null; do
	[ "$(date +%s)" -lt $deadline ] || fail "process $pid did not join $cg within 20 s"
	sleep 0.1
done
before=$(awk '/^Cpus_allowed_list/ {print $2}' /proc/$pid/status)
[ "$before" = "$last" ] || fail "in the cpuset its CPUs are $before, want $last"

"$BIN" --source linux --set-affinity $pid=0 >"$tmp/out" 2>"$tmp/err" ||
	fail "--set-affinity $pid=0 exited $?: $(cat "$tmp/err")"
cat "$tmp/out"
# node 0 has $node0; the cpuset allows $last alone: that is what is pinned
grep -q "pinned 1 thread to CPUs $last\$" "$tmp/out" ||
	fail "message names CPUs other than the cpuset's $last (node 0: $node0; cpus $cpus): $(cat "$tmp/out")"
after=$(awk '/^Cpus_allowed_list/ {print $2}' /proc/$pid/status)
[ "$after" = "$last" ] || fail "after: Cpus_allowed_list $after, want $last"
xn_finish test_linux_cpuset
