# A process whose cpuset allows node 0's CPUs only (and both nodes' memory):
# `--set-affinity PID=1` must be refused before anything moves (the kernel
# would refuse the pinning only after migrate_pages had moved the pages),
# naming the cpuset's CPUs; its pages stay on node 0, its CPUs unchanged.
# A second process in the same cpuset, its memory on node 1 (numa_hog 128 1:
# 128 MiB, so that the move pays with a margin: 64 MiB gains 0.06 of access
# cost for a 0.05 copy cost): the advice must never send its threads to
# node 1, whose CPUs the cpuset excludes (XN_DOM_CPUS_HARD; before, it was
# advised "vcpus 1", which --apply-advice then failed on), but move its
# memory to node 0, where they run; --apply-advice does so (not refused).
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

# shellcheck disable=SC2016
sh -c 'echo $$ >/sys/fs/cgroup/pin0/cgroup.procs || exit 9; exec "$0" 128 1' "$hog" \
	>/tmp/pin0b.out 2>&1 &
pid2=$!
wait_until 120 "numa_hog 128 1 in $cg/pin0 to print READY" file_has /tmp/pin0b.out READY ||
	fail "numa_hog in $cg/pin0 (memory on node 1) did not start: $(cat /tmp/pin0b.out)"
pages2() { # node: pages of $pid2 on it per numa_maps
	tr ' ' '\n' </proc/$pid2/numa_maps | awk -F= -v k="N$1" '$1 == k {s += $2} END {print s + 0}'
}
echo "second: pid $pid2, node 0 $(pages2 0) pages, node 1 $(pages2 1) pages"
"$XN" --source linux --advise --top 0 --pid "$pid2" >/tmp/adv.out 2>/tmp/adv.err
rc=$?
cat /tmp/adv.out /tmp/adv.err
same "--advise exit status (a step)" 1 "$rc"
same "--advise step" "(id $pid2): memory 0:" "$(grep -o "(id $pid2): [a-z]* [0-9,-]*:" /tmp/adv.out)"
# its threads run on node 0 already: any vCPU step leaves the cpuset's CPUs
grep -Eq "\(id $pid2\): (vcpus|both) " /tmp/adv.out &&
	{ echo "DIFF its threads are advised off node 0, outside its cpuset's CPUs $n0"; bad=$((bad + 1)); }
"$XN" --source linux --apply-advice "$pid2" --top 0 --pid "$pid2" >/tmp/app.out 2>&1
rc=$?
cat /tmp/app.out
same "--apply-advice exit status" 0 "$rc"
grep -q "refused" /tmp/app.out && { echo "DIFF --apply-advice refused the advice"; bad=$((bad + 1)); }
a0=$(pages2 0) a1=$(pages2 1)
echo "after: node 0 $a0 pages, node 1 $a1 pages"
# 128 MiB = 32768 pages of 4 KiB; pages shared with other processes
# (libraries) stay behind: at most 4 MiB of them
if [ "$a1" -le 1024 ] && [ "$a0" -ge 32768 ]; then echo "ok   its memory moved to node 0"; else
	echo "DIFF node 1 keeps $a1 pages, node 0 has $a0"
	bad=$((bad + 1))
fi
same "its CPUs after --apply-advice" "$n0" \
	"$(cat /proc/$pid2/task/*/status | awk '/^Cpus_allowed_list/ {print $2}' | sort -u)"
kill $pid $pid2
wait $pid $pid2 2>/dev/null
rmdir $cg/pin0
[ $bad = 0 ] || fail "$bad differences"
