#!/bin/sh
# The real linux source on this machine: a child process (numa_hog) binds
# 256 MiB to node 0 and we check what xentop-numa reports for it, as a
# process (--pid) and as a cgroup (--cgroups), then set its node affinity.
# Needs: root (cgroups, migrate_pages), jq. Env: XN_BIN, XN_HELPERS.
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
HOG=$HELPERS/numa_hog
MIB=256
TAG=xn-test-$$
cg_dirs=""

# a cgroup can be removed once its last task has gone
rm_cgroups() {
	for d in $cg_dirs; do
		i=0
		while [ -d "$d" ] && ! rmdir "$d" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	done
}
xn_at_exit rm_cgroups

xn_need_bin
[ -x "$HOG" ] || fail "no helper at $HOG"
command -v jq >/dev/null || fail "jq is missing (scripts/deps.sh installs it)"
xn_need_numa

# on_node0 JSON ID: bytes of domain ID on node 0 (host.nodes order)
on_node0() {
	jq -r --argjson id "$2" '
		(.host.nodes | map(.id) | index(0)) as $i
		| .host.page_size as $ps
		| [.domains[] | select(.id == $id)][0]
		| if . == null or .node_pages[$i] == null then "missing" else .node_pages[$i] * $ps end' "$1"
}

xn_start "$tmp/hog.out" "$HOG" $MIB 0 3
hog_pid=$xn_last
xn_wait_for "$tmp/hog.out" READY || {
	cat "$tmp/hog.out"
	grep -q "no NUMA" "$tmp/hog.out" && skip "the kernel has no NUMA support (numa_hog)"
	fail "numa_hog did not get ready"
}
want=$((MIB * 1048576 * 95 / 100))

# 1. a process: >= 95 % of 256 MiB on node 0, three threads, affinity node 0
"$BIN" --source linux --snapshot --pid $hog_pid >"$tmp/snap.json" 2>"$tmp/err" ||
	fail "--snapshot exited $?: $(cat "$tmp/err")"
got=$(on_node0 "$tmp/snap.json" $hog_pid)
echo "process $hog_pid: $got bytes on node 0 (want >= $want)"
[ "$got" != missing ] || fail "PID $hog_pid or its node 0 pages missing from the snapshot"
[ "$got" -ge "$want" ] || fail "only $got bytes on node 0"
jq -e --argjson id $hog_pid '.domains[] | select(.id == $id)
	| .vcpus == 3 and (.node_affinity | index(0)) != null and .affinity_auto == false
	  and (.pages_method == "numa_maps" or .pages_method == "sampled")
	  and .name == "numa_hog" and .mem_cur >= '"$want" "$tmp/snap.json" >/dev/null ||
	fail "unexpected fields: $(xn_domain "$tmp/snap.json" $hog_pid)"
# its memory policy (schema 6): the hog binds its buffer, most of its pages
pol=$(jq -r --argjson id $hog_pid '.domains[] | select(.id == $id) | .mem_policy' "$tmp/snap.json")
[ "$pol" = "bind:0" ] || fail "numa_hog's mem_policy is $pol, want bind:0"

# 1, policy: a process run under `numactl --interleave=all`: the task's policy on
# every mapping, so interleave over the host's nodes (as the kernel lists
# them: /sys/devices/system/node/online on this host); not automatic
if command -v numactl >/dev/null; then
	xn_start "$tmp/il.out" numactl --interleave=all sleep 60
	il_pid=$xn_last
	i=0
	while [ "$(cat /proc/$il_pid/comm 2>/dev/null)" != sleep ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	"$BIN" --source linux --snapshot --pid $il_pid >"$tmp/il.json" 2>"$tmp/err" ||
		fail "--snapshot of numactl's child exited $?: $(cat "$tmp/err")"
	want_pol="interleave:$(cat /sys/devices/system/node/online)"
	jq -e --argjson id $il_pid --arg p "$want_pol" '.domains[] | select(.id == $id)
		| .mem_policy == $p and .affinity_auto == false' "$tmp/il.json" >/dev/null ||
		fail "numactl --interleave=all child: want mem_policy $want_pol, not automatic: $(xn_domain "$tmp/il.json" $il_pid)"
	grep -q "^[0-9a-f]* $want_pol " /proc/$il_pid/numa_maps ||
		fail "numa_maps itself lacks $want_pol: $(head -n 3 /proc/$il_pid/numa_maps)"
	echo "numactl --interleave=all child $il_pid: mem_policy $want_pol"
	kill $il_pid
	xn_untrack $il_pid
else
	skip_part "1, policy: no numactl (scripts/deps.sh installs it)"
fi

# 1a. a stopped process: its pages cannot move, so the first figure (a walk)
# equals numa_maps to the page on every node, bracketed by two readings of
# numa_maps that agree (else something moved them: the part is skipped)
kill -STOP $hog_pid
nodes=$(jq -r '.host.nodes[].id' "$tmp/snap.json")
nm_before=$(for n in $nodes; do xn_numa_maps_bytes /proc/$hog_pid/numa_maps "$n"; done)
"$BIN" --source linux --snapshot --pid $hog_pid >"$tmp/stopped.json" 2>"$tmp/err" ||
	fail "--snapshot of the stopped process exited $?: $(cat "$tmp/err")"
nm_after=$(for n in $nodes; do xn_numa_maps_bytes /proc/$hog_pid/numa_maps "$n"; done)
kill -CONT $hog_pid
got=$(jq -r --argjson id $hog_pid '.host.page_size as $ps | .domains[] | select(.id == $id)
	| .node_pages[] * $ps' "$tmp/stopped.json")
echo "stopped: per node $(echo "$got" | tr '\n' ' ')bytes, numa_maps $(echo "$nm_before" | tr '\n' ' ')"
if [ "$nm_before" != "$nm_after" ]; then
	skip_part "1a (exact pages of a stopped process): numa_maps changed while it was stopped"
else
	[ "$got" = "$nm_before" ] || fail "stopped process: per node $(echo "$got" | tr '\n' ' '), numa_maps $(echo "$nm_before" | tr '\n' ' ')"
fi

# 1b. between exact walks the figure is the walk's, kept while the process
# has not faulted, or an estimate (move_pages samples): it must say which
# and, for a process whose pages stay put, match numa_maps within 2 %.
"$BIN" --source linux -b --format json -d 0.3 -i 3 --top 0 --pid $hog_pid >"$tmp/run.jsonl" \
	2>"$tmp/err" || fail "-b --format json exited $?: $(cat "$tmp/err")"
tail -n 1 "$tmp/run.jsonl" >"$tmp/last.json"
method=$(jq -r --argjson id $hog_pid '.domains[] | select(.id == $id) | .pages_method' "$tmp/last.json")
age=$(jq -r --argjson id $hog_pid '.domains[] | select(.id == $id) | .pages_age_ms' "$tmp/last.json")
case "$method:$age" in sampled:* | numa_maps:[1-9]*) ;;
*) fail "third refresh: $method, $age ms old: want sampled or the walk kept" ;; esac
est=$(on_node0 "$tmp/last.json" $hog_pid)
exact=$(xn_numa_maps_bytes /proc/$hog_pid/numa_maps 0)
diff=$((est > exact ? est - exact : exact - est))
echo "sampled: $est bytes on node 0, numa_maps now: $exact"
[ $((diff * 100)) -le $((exact * 2)) ] || fail "estimate $est vs numa_maps $exact: more than 2 % apart"

# 2. --set-affinity PID=0: pin first to CPU 0 alone so the change is visible
node0_cpus=$(cat /sys/devices/system/node/node0/cpulist)
taskset -a -c -p 0 $hog_pid >/dev/null || fail "taskset"
"$BIN" --source linux --set-affinity $hog_pid=0 >"$tmp/out" 2>"$tmp/err" ||
	fail "--set-affinity $hog_pid=0 exited $?: $(cat "$tmp/err")"
cat "$tmp/out"
grep -q "pinned 3 threads to CPUs $node0_cpus" "$tmp/out" || fail "unexpected message: $(cat "$tmp/out")"
for t in /proc/$hog_pid/task/*; do
	c=$(awk '/^Cpus_allowed_list/ {print $2}' "$t/status")
	[ "$c" = "$node0_cpus" ] || fail "thread $t: Cpus_allowed_list $c, want $node0_cpus"
done
n0=$(tr ' ' '\n' </proc/$hog_pid/numa_maps | awk -F= '/^N0=/ {s += $2} END {print s + 0}')
all=$(tr ' ' '\n' </proc/$hog_pid/numa_maps | awk -F= '/^N[0-9]+=/ {s += $2} END {print s + 0}')
[ $((n0 * 100)) -ge $((all * 95)) ] || fail "numa_maps after: $n0 of $all pages on node 0"

# 3. a node that does not exist: exit 2, the documented message, nothing changed
taskset -a -c -p 0 $hog_pid >/dev/null || fail "taskset"
before=$(cat /proc/$hog_pid/task/*/status | grep Cpus_allowed_list)
"$BIN" --source linux --set-affinity $hog_pid=5 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] || fail "--set-affinity $hog_pid=5 exited $rc, want 2"
valid=$(cat /sys/devices/system/node/online)
grep -q "node 5 does not exist (valid nodes: $valid)" "$tmp/err" ||
	fail "message: $(cat "$tmp/err")"
after=$(cat /proc/$hog_pid/task/*/status | grep Cpus_allowed_list)
[ "$before" = "$after" ] || fail "Cpus_allowed_list changed: $before -> $after"

# 3b. without privileges (user nobody, root's process): exit 4, in words
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$BIN" --source linux --set-affinity $hog_pid=0 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc = 4 ] || fail "unprivileged --set-affinity exited $rc, want 4: $(cat "$tmp/err")"
	grep -q "needs root or CAP_SYS_NICE" "$tmp/err" || fail "message: $(cat "$tmp/err")"
	after=$(cat /proc/$hog_pid/task/*/status | grep Cpus_allowed_list)
	[ "$before" = "$after" ] || fail "Cpus_allowed_list changed: $before -> $after"
elif [ "$(id -u)" != 0 ]; then
	skip_part "3b (unprivileged --set-affinity): not root, so no root's process to refuse"
else
	skip_part "3b (unprivileged --set-affinity): setpriv is not installed"
fi

# 4. a process that has exited before we looked: exit 3, "no such domain" (it
# is in no sample, so nothing says it ever existed)
sh -c 'exit 0' &
gone=$!
wait $gone
if [ ! -d /proc/$gone ]; then
	"$BIN" --source linux --set-affinity $gone=0 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc = 3 ] || fail "--set-affinity on exited PID $gone exited $rc, want 3: $(cat "$tmp/err")"
	grep -q "no such domain: $gone" "$tmp/err" || fail "message: $(cat "$tmp/err")"
else
	skip_part "4 (exited PID): PID $gone was reused before we looked"
fi

# 5. a cgroup: v2 when its memory controller is enabled, else v1
v2=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
v1mem=$(awk '$9 == "cgroup" && $NF ~ /(^|,)memory(,|$)/ {print $5; exit}' /proc/self/mountinfo)
v1cpuset=$(awk '$9 == "cgroup" && $NF ~ /(^|,)cpuset(,|$)/ {print $5; exit}' /proc/self/mountinfo)
if [ -n "$v2" ] && grep -qw memory "$v2/cgroup.controllers" 2>/dev/null; then
	memdir=$v2/$TAG
	cpusetdir=""
	mkdir "$memdir" || skip "cannot create cgroup $memdir"
	cg_dirs="$memdir"
	grep -qw cpuset "$v2/cgroup.subtree_control" && cpusetdir=$memdir
	procs_files="$memdir/cgroup.procs"
elif [ -n "$v1mem" ]; then
	memdir=$v1mem/$TAG
	mkdir "$memdir" || skip "cannot create cgroup $memdir"
	cg_dirs="$memdir"
	procs_files="$memdir/cgroup.procs"
	cpusetdir=""
	if [ -n "$v1cpuset" ] && mkdir "$v1cpuset/$TAG"; then
		cpusetdir=$v1cpuset/$TAG
		cg_dirs="$cg_dirs $cpusetdir"
		# a v1 cpuset takes tasks only once it has CPUs and nodes
		cat "$v1cpuset/cpuset.cpus" >"$cpusetdir/cpuset.cpus"
		cat "$v1cpuset/cpuset.mems" >"$cpusetdir/cpuset.mems"
		procs_files="$procs_files $cpusetdir/cgroup.procs"
	fi
else
	skip "no cgroup hierarchy with the memory controller is mounted"
fi
# The hog joins the cgroup before it allocates, so its pages are charged there.
# shellcheck disable=SC2016
sh -c 'for f in $1; do echo $$ >"$f" || exit 9; done; shift; exec "$@"' sh "$procs_files" \
	"$HOG" $MIB 0 1 >"$tmp/cg.out" 2>&1 &
xn_track $!
xn_wait_for "$tmp/cg.out" READY || fail "numa_hog in the cgroup did not get ready: $(cat "$tmp/cg.out")"
ino=$(stat -c %i "$memdir")
"$BIN" --source linux --cgroups --snapshot >"$tmp/cg.json" 2>"$tmp/err" ||
	fail "--cgroups --snapshot exited $?: $(cat "$tmp/err")"
got=$(on_node0 "$tmp/cg.json" "$ino")
echo "cgroup /$TAG (inode $ino): $got bytes on node 0 (want >= $want)"
[ "$got" != missing ] || fail "cgroup /$TAG missing from --cgroups"
[ "$got" -ge "$want" ] || fail "only $got bytes on node 0"
jq -e --argjson id "$ino" '.domains[] | select(.id == $id)
	| .name == "/'"$TAG"'" and .pages_method == "cgroup" and .vcpus == 1' "$tmp/cg.json" \
	>/dev/null || fail "unexpected fields: $(xn_domain "$tmp/cg.json" "$ino")"
if [ -n "$cpusetdir" ]; then
	"$BIN" --source linux --cgroups --set-affinity "/$TAG=0" >"$tmp/out" 2>"$tmp/err" ||
		fail "--cgroups --set-affinity /$TAG=0 exited $?: $(cat "$tmp/err")"
	cat "$tmp/out"
	[ "$(cat "$cpusetdir/cpuset.mems")" = 0 ] || fail "cpuset.mems is $(cat "$cpusetdir/cpuset.mems")"
	[ "$(cat "$cpusetdir/cpuset.cpus")" = "$node0_cpus" ] || fail "cpuset.cpus is $(cat "$cpusetdir/cpuset.cpus")"
	"$BIN" --source linux --cgroups --set-affinity "/$TAG=5" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc = 2 ] || fail "--cgroups --set-affinity /$TAG=5 exited $rc, want 2"
else
	skip_part "5 (cgroup --set-affinity): no cpuset controller for the test cgroup"
fi
echo "ok"
