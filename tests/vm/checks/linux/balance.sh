# xn-timeout: 600
# `xentop-numa --balance` on the multi-node Linux guest (issue 20): three
# processes of one program (tests/helpers/numa_tick, all named
# "numa_tick"), placed with numactl --cpunodebind:
#  P1  threads on the last node, 100 MiB on the first: misplaced. The
#      balancer applies the plan's step (vcpus, memory or both: each makes
#      it local) and logs it done, measured once it settled (before the
#      settle time); the kernel's own files (numa_maps, task stat) then give
#      LOCAL% of at least 95.
#  P3  the mirror image (threads on the first node, memory on the last):
#      misplaced too, fixed in its turn (one change in flight) the same way.
#  P2  threads and 100 MiB on the last node: well placed, never touched
#      (its allowed CPUs and its pages per node the same before and after).
# One name for both: keyed by name alone, P2's "ok" restarted P1's window
# at every sample and P1 was never balanced (fixed: name and PID).
. /checks/lib.sh
need_xn
tick=/usr/libexec/xn/numa_tick
[ -x "$tick" ] || skip "numa_tick helper not built (build/helpers/numa_tick)"
command -v numactl >/dev/null || skip "numactl missing in the guest image"
nodes=$(linux_nodes)
n0=$(echo "$nodes" | head -n 1) n1=$(echo "$nodes" | tail -n 1)
[ "$n0" != "$n1" ] || skip "one node"
t_check=$(now)
linux_cpunode
# LOCAL% of a process now (numa_maps and task stat, lib.sh), to 0.1.
proc_local_pct() { # pid
	numa_pages "$1" >/tmp/np.$1
	thread_nodes "$1" >/tmp/tn.$1
	printf '%.1f\n' "$(local_pct /tmp/np.$1 /tmp/tn.$1)"
}
allowed() { sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/"$1"/task/*/status | sort -u | tr '\n' ' '; }
start() { # tag node:mib [node of its threads, default the last]
	numactl --cpunodebind="${3:-$n1}" "$tick" 2 "$2" >/tmp/$1.out 2>&1 &
	eval "pid_$1=$!"
	wait_until 300 "numa_tick $2 to print READY" file_has /tmp/$1.out READY ||
		fail "numa_tick $2 did not start: $(cat /tmp/$1.out)"
}
start P1 "$n0:100"
start P2 "$n1:100"
start P3 "$n1:100" "$n0"
trap 'kill $pid_P1 $pid_P2 $pid_P3 2>/dev/null' EXIT
echo "P1 pid $pid_P1: LOCAL% $(proc_local_pct "$pid_P1") (kernel), pages $(tr '\n' ' ' </tmp/np.$pid_P1)"
echo "P3 pid $pid_P3: LOCAL% $(proc_local_pct "$pid_P3") (kernel), pages $(tr '\n' ' ' </tmp/np.$pid_P3)"
echo "P2 pid $pid_P2: LOCAL% $(proc_local_pct "$pid_P2") (kernel), pages $(tr '\n' ' ' </tmp/np.$pid_P2)"
p2_allowed=$(allowed "$pid_P2") p2_pages=$(numa_pages "$pid_P2")

log=/tmp/lbal.log
"$XN" --balance --source linux --pid "$pid_P1,$pid_P2,$pid_P3" --top 0 -d 1 --format json \
	--balance-window 3s --balance-settle 20s --balance-memory on --balance-hard-affinity on \
	--balance-include numa_tick --balance-state-file /tmp/lbal.state >$log 2>$log.err &
balpid=$!
t_run=$(now)
ended() { # pid
	jq -rR --argjson p "$1" 'fromjson? | select(.id == $p) | .event' $log |
		grep -qx -e done -e failed -e reverted
}
both_ended() { ended "$pid_P1" && ended "$pid_P3"; }
wait_until 180 "P1's and P3's steps to end (done, failed or reverted)" both_ended || echo "FAIL follows"
kill -TERM $balpid
gone() { ! kill -0 $balpid 2>/dev/null; }
wait_until 30 "--balance to exit after SIGTERM" gone || fail "--balance runs on 30 s after SIGTERM"
wait $balpid
rc=$?
cat $log $log.err /tmp/lbal.state
echo "BALANCE linux run $(($(now) - t_run)) s, exit $rc"
[ $rc = 0 ] || fail "--balance exited $rc after SIGTERM"
for tag in P1 P3; do
	eval "pid=\$pid_$tag"
	ev=$(jq -rR --argjson p "$pid" 'fromjson? | select(.id == $p) | "\(.event) \(.action) \(.nodes)"' $log)
	echo "$ev" | grep -q '^done ' || fail "$tag was not balanced: $ev"
	# Its outcome was measured once the step settled, well before the 20 s
	# settle time (a vCPU step used to wait for a page walk that never came).
	jq -erR --argjson p "$pid" 'fromjson? | select(.id == $p and .event == "done") |
		select((.reason | contains("not settled")) or .duration >= 20)' $log >/dev/null &&
		fail "$tag's step was not seen to settle within the settle time"
	awk -F'\t' -v p="$pid" '$6 == "done" && $9 == p' /tmp/lbal.state | grep -q . ||
		fail "the state file has no done line with $tag's PID"
	on_local() { awk -v v="$(proc_local_pct "$pid")" 'BEGIN { exit !(v >= 95) }'; }
	wait_until 30 "$tag local by the kernel's files" on_local ||
		fail "$tag's LOCAL% by numa_maps and task stat: $(proc_local_pct "$pid")"
	echo "ok   $tag ($(echo "$ev" | tail -n 1)): LOCAL% $(proc_local_pct "$pid") by numa_maps + task stat, pages $(tr '\n' ' ' </tmp/np.$pid), allowed CPUs $(allowed "$pid")"
done
jq -rR --argjson p "$pid_P2" 'fromjson? | select(.id == $p)' $log | grep -q . &&
	fail "an event for P2, which is well placed"
same "P2 allowed CPUs (untouched)" "$p2_allowed" "$(allowed "$pid_P2")"
# numa_maps moves by a few pages as the process runs: the node of its bulk
same "P2 pages on node $n1 (untouched)" "$(echo "$p2_pages" | awk -v n="$n1" '$1 == n { print int($2 / 256) }') MiB" \
	"$(numa_pages "$pid_P2" | awk -v n="$n1" '$1 == n { print int($2 / 256) }') MiB"
[ $bad = 0 ] || fail "P2 was touched"
echo "BALANCE linux check $(($(now) - t_check)) s"
