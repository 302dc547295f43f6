# xn-timeout: 900
# The Linux twin of xen/advice3.sh (issue 19: three domains onto one crowded
# node), on a Linux guest of 4 nodes with one CPU each: three busy
# processes (numa_tick with NUMA_TICK_BUSY=1: one spinning thread each),
# all their memory (100 MiB each) on one node, each pinned by taskset to a
# home node of its own. Advised one at a time, each would go to the
# memory's node: three busy threads on one CPU. Checked from the kernel's
# own files (/proc/PID/numa_maps for pages per node, task stat field 39
# for the CPU each thread ran on last, /sys for the CPUs' nodes):
#  - every process gets a step (all three are wholly remote, and each can
#    be made local), and no node ends with two of them: the plan spreads
#    them;
#  - --snapshot, --advise and --apply-advice give each the same action and
#    nodes (all three calls see the same three processes: --top 0 --pid);
#  - each applied step (memory steps first: they leave the CPUs as the
#    plan saw them) makes the process's LOCAL% by the kernel's files the
#    one --apply-advice predicted, within 2 points, for vCPU steps (threads
#    pinned to the target) and for memory steps (migrate_pages) alike; at
#    the end every process is local (>= 95 %).
. /checks/lib.sh
need_xn
tick=/usr/libexec/xn/numa_tick
[ -x "$tick" ] || skip "numa_tick helper not built (build/helpers/numa_tick)"
linux_nodes >/tmp/nodes
[ "$(wc -l </tmp/nodes)" -ge 4 ] || skip "needs 4 nodes: the memory's and three homes ($(wc -l </tmp/nodes) here)"
linux_cpunode
# The memory's node: the one with the most free memory.
nm=$(for n in $(cat /tmp/nodes); do
	echo "$n $(awk '/MemFree/ { print $4 }' /sys/devices/system/node/node$n/meminfo)"
done | sort -k2,2nr | head -n 1 | cut -d' ' -f1)
grep -vx "$nm" /tmp/nodes | head -n 3 >/tmp/homes
echo "memory on node $nm, homes $(tr '\n' ' ' </tmp/homes)"
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done' EXIT
: >/tmp/home
for n in $(cat /tmp/homes); do
	NUMA_TICK_BUSY=1 taskset -c "$(cpus_of "$n")" "$tick" 1 "$nm:100" >/tmp/tick$n.out 2>&1 &
	p=$!
	pids="$pids $p"
	echo "$p $n" >>/tmp/home
	wait_until 300 "numa_tick on node $n to print READY" file_has /tmp/tick$n.out READY ||
		fail "numa_tick did not start: $(cat /tmp/tick$n.out)"
done
list=$(echo $pids | tr ' ' ',')
sel="--top 0 --pid $list"
on_homes() { while read -r p n; do [ "$(thread_nodes "$p")" = "$n" ] || return 1; done </tmp/home; }
wait_until 60 "each process's thread on its home node" on_homes || fail "threads not on their homes"
while read -r p n; do
	numa_pages "$p" >/tmp/np
	on=$(awk -v n="$nm" '$1 == n { print $2 }' /tmp/np)
	tot=$(awk '{ s += $2 } END { print s }' /tmp/np)
	echo "pid $p (home $n): $on of $tot pages on node $nm"
	[ "${on:-0}" -ge $((tot * 95 / 100)) ] || fail "pid $p's memory is not on node $nm"
done </tmp/home

# "pid action nodes thread-node" from --snapshot's JSON.
# shellcheck disable=SC2086 # ($sel: options)
"$XN" --snapshot --source linux $sel >/tmp/snap.json || fail "--snapshot failed"
while read -r p _; do
	sj --argjson p "$p" '.domains[] | select(.id == $p) | "\(.id) \(.advice.action) \(
		.advice.nodes // "" | if type == "array" then map(tostring) | join(",") else tostring end |
		if . == "" then "-" else . end)"'
done </tmp/home >/tmp/s3
cat /tmp/s3
# what the snapshot's plan saw of each (a DIFF below is read with it)
sj -c '.domains[] | select(.advice != null and .advice.action != "none") |
	{id, cpu_pct, vcpus: [.vcpu_info[]? | {state, cpu}], advice: {action: .advice.action,
	nodes: .advice.nodes, reason: .advice.reason}}' 2>/dev/null | head -n 10
# shellcheck disable=SC2086
"$XN" --source linux --advise $sel >/tmp/a3.out 2>/tmp/a3.err
rc=$?
cat /tmp/a3.out /tmp/a3.err
[ $rc -lt 2 ] || fail "--advise failed (exit $rc)"
adv_of() { # pid: "action nodes" of its step, or ok
	l=$(sed 's/^step [0-9]*: //' /tmp/a3.out | grep "(id $1): ")
	[ -n "$l" ] && echo "$l" | sed "s/^.*(id $1): //" | cut -d: -f1 | sed 's/ *$//' || echo ok
}
: >/tmp/ends
while read -r p action nodes; do
	a=$(adv_of "$p")
	case "$action" in
	vcpus | memory | both) same "$p: --snapshot = --advise" "$action $nodes" "$a" ;;
	*) same "$p: --snapshot = --advise" ok "$a" ;;
	esac
	case "$a" in
	vcpus* | memory* | both*) echo "${a#* }" | tr ',' '\n' | sed "s/^/$p /" >>/tmp/ends ;;
	*)
		echo "DIFF pid $p has no step ($a) although all its memory is on node $nm and its thread elsewhere"
		bad=$((bad + 1))
		echo "$p $(thread_nodes "$p")" >>/tmp/ends
		;;
	esac
done </tmp/s3
cat /tmp/ends
crowded=$(awk '{ c[$2]++ } END { for (n in c) if (c[n] > 1) print n }' /tmp/ends)
[ -z "$crowded" ] && echo "ok   no node ends with two busy processes" ||
	{ echo "DIFF the advice puts two busy processes on node(s) $crowded (1 CPU each)"; bad=$((bad + 1)); }

# --apply-advice: memory steps first, then the vCPU steps; after each, the
# process's LOCAL% by the kernel's files against the prediction.
for pass in 1 2; do
	while read -r p _; do
		a=$(adv_of "$p")
		case "$pass:$a" in 1:memory* | 2:vcpus* | 2:both*) ;; *) continue ;; esac
		# shellcheck disable=SC2086
		"$XN" --source linux --apply-advice "$p" $sel >/tmp/p3.out 2>&1
		rc=$?
		cat /tmp/p3.out
		[ $rc -lt 2 ] || { echo "DIFF --apply-advice $p failed (exit $rc)"; bad=$((bad + 1)); continue; }
		got=$(grep "^$p: " /tmp/p3.out | head -n 1 | cut -d: -f2 | sed 's/^ *//; s/ *$//')
		same "$p: --advise = --apply-advice" "$a" "$got"
		t=${a#* }
		case "$a" in
		vcpus* | both*)
			there() { [ "$(thread_nodes "$p")" = "$t" ]; }
			wait_until 60 "pid $p's thread on node $t" there ||
				{ echo "DIFF pid $p's thread did not reach node $t"; bad=$((bad + 1)); }
			;;
		esac
		pred=$(sed -n 's/.*predicted LOCAL% \([0-9.]*\),.*/\1/p' /tmp/p3.out | head -n 1)
		numa_pages "$p" >/tmp/np
		thread_nodes "$p" >/tmp/tn
		lp=$(local_pct /tmp/np /tmp/tn)
		if awk -v a="${pred:--100}" -v b="$lp" 'BEGIN { d = a - b; exit !(d <= 2 && -d <= 2) }'; then
			echo "ok   $p ($a): LOCAL% after (numa_maps, task stat) $lp, predicted $pred"
		else
			echo "DIFF $p ($a): LOCAL% after (numa_maps, task stat) $lp, predicted '${pred:-none}' (more than 2 points apart)"
			bad=$((bad + 1))
		fi
	done </tmp/home
done
# Every process local at the end.
while read -r p _; do
	numa_pages "$p" >/tmp/np
	thread_nodes "$p" >/tmp/tn
	lp=$(local_pct /tmp/np /tmp/tn)
	awk -v v="$lp" 'BEGIN { exit !(v >= 95) }' && echo "ok   $p: LOCAL% $lp at the end" ||
		{ echo "DIFF $p: LOCAL% $lp at the end (below 95)"; bad=$((bad + 1)); }
done </tmp/home
[ $bad = 0 ] || fail "$bad differences"
