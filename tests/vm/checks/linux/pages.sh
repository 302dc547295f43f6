# xn-timeout: 600
# The linux source end to end on 2 nodes, on a process paused with SIGSTOP
# (nothing of it can move): numa_tick with 60 MiB on the first node, 20 MiB
# on the last, three threads pinned two to the first node's CPU and one to
# the last's. Against the kernel's own files:
#  - pages per node (JSON, by node id) equal /proc/PID/numa_maps to the page,
#    at a moment when numa_maps read before and after the sample agree;
#  - batch text with --units pages puts them under the right node columns
#    (found by their titles N<id>(pg));
#  - each thread's node (vcpu_info) is the node of the CPU it ran on last
#    (/proc/PID/task/*/stat field 39), and LOCAL% is the mean over threads of
#    numa_maps' share of pages on that thread's node (the man page's
#    definition; neither the first thread alone nor reversed nodes give it).
. /checks/lib.sh
need_xn
tick=/usr/libexec/xn/numa_tick
[ -x "$tick" ] || skip "numa_tick helper not built (build/helpers/numa_tick)"
command -v taskset >/dev/null || skip "no taskset in the guest image (busybox)"
nodes=$(linux_nodes)
n0=$(echo "$nodes" | head -n 1) n1=$(echo "$nodes" | tail -n 1)
[ "$n0" != "$n1" ] || skip "one node"
linux_cpunode
c0=$(awk -v n="$n0" '$2 == n { print $1; exit }' /tmp/cpunode)
c1=$(awk -v n="$n1" '$2 == n { print $1; exit }' /tmp/cpunode)

"$tick" 3 "$n0:60" "$n1:20" >/tmp/tick.out 2>&1 &
pid=$!
trap 'kill -CONT $pid; kill $pid' EXIT
wait_until 300 "numa_tick to print READY (80 MiB written)" file_has /tmp/tick.out READY ||
	fail "numa_tick did not start: $(cat /tmp/tick.out)"
# Threads in TID order: the first two on node $n0's CPU $c0, the third on $c1.
i=0
: >/tmp/pins
for t in $(ls /proc/$pid/task | sort -n); do
	i=$((i + 1))
	c=$c0
	[ $i = 3 ] && c=$c1
	taskset -p -c "$c" "$t" >/dev/null || fail "taskset -p -c $c $t"
	echo "$t $c" >>/tmp/pins
done
same "threads" 3 "$i"
last_cpus() { for t in $(ls /proc/$pid/task | sort -n); do echo "$t $(awk '{ print $39 }' /proc/$pid/task/$t/stat)"; done; }
on_pins() { last_cpus | cmp -s - /tmp/pins; }
wait_until 120 "every thread to have run on the CPU it was pinned to (task stat field 39)" on_pins ||
	{ last_cpus; fail "threads not on their CPUs"; }
kill -STOP $pid
stopped() { [ -z "$(awk '$3 != "T"' /proc/$pid/task/*/stat)" ]; }
wait_until 60 "every thread of $pid to be stopped (state T)" stopped || fail "SIGSTOP did not stop $pid"
on_pins || { last_cpus; fail "a thread moved before it stopped"; }
thread_nodes $pid | sort -n >/tmp/tn

# A sample between two equal numa_maps readings.
end=$(($(now) + 300)) try=0
while :; do
	try=$((try + 1))
	numa_pages $pid >/tmp/np.before
	"$XN" --snapshot --source linux --pid $pid >/tmp/snap.json || fail "xentop-numa --snapshot failed"
	numa_pages $pid >/tmp/np
	cmp -s /tmp/np.before /tmp/np && break
	[ "$(now)" -lt "$end" ] || fail "timed out after 300 s waiting for numa_maps to be the same before and after a sample"
	sleep 1
done
echo "numa_maps (node pages) after $try tries:"
cat /tmp/np
dj() { jq -r --argjson p "$pid" ".host.nodes as \$n | .domains[] | select(.id == \$p) | $1" /tmp/snap.json; }
same "pages method" numa_maps "$(dj .pages_method)"
# Every node the host has, numa_maps' count or 0.
want=$(for n in $nodes; do awk -v n="$n" '$1 == n { p = $2 } END { print n "=" p + 0 }' /tmp/np; done | tr '\n' ' ')
same "pages per node (node=pages)" "$want" \
	"$(dj '.node_pages | to_entries[] | "\($n[.key].id)=\(.value)"' | sort -n | tr '\n' ' ')"
p0=$(awk -v n="$n0" '$1 == n { print $2 }' /tmp/np) p1=$(awk -v n="$n1" '$1 == n { print $2 }' /tmp/np)
[ "${p0:-0}" -gt "${p1:-0}" ] || fail "setup: node $n0 should hold more pages than node $n1 ($p0, $p1)"

# Batch text, --units pages: the same figures under the node columns' titles.
"$XN" -b -i 1 --source linux --units pages --pid $pid >/tmp/b.txt || fail "xentop-numa -b failed"
cat /tmp/b.txt
# Counted from the end of the line (a METHOD value may hold a space).
col() { # title
	awk -v t="$1" -v p="$pid" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; h = NF; next }
		$(NF - (h - c["ID"])) == p { print (t in c) ? $(NF - (h - c[t])) : "(no column " t ")" }' /tmp/b.txt
}
for n in $nodes; do
	same "batch text column N$n(pg)" "$(awk -v n="$n" '$1 == n { p = $2 } END { print p + 0 }' /tmp/np)" \
		"$(col "N$n(pg)")"
done

# Threads' nodes and LOCAL%.
same "threads' nodes (vcpu_info, sorted)" "$(tr '\n' ' ' </tmp/tn)" \
	"$(dj '[.vcpu_info[].node] | sort | map(tostring) | join(" ")') "
want=$(awk 'FILENAME == ARGV[1] { pg[$1] = $2; tot += $2; next } { s += pg[$1] / tot; k++ }
	END { printf "%.12f\n", 100 * s / k }' /tmp/np /tmp/tn)
got=$(dj .locality)
if awk -v a="$want" -v b="$got" 'BEGIN { d = a - b; exit !(b != "null" && d < 1e-9 && -d < 1e-9) }'; then
	echo "ok   LOCAL% $got (numa_maps + task stat: $want)"
else
	same "LOCAL%" "$want" "$got"
fi
[ $bad = 0 ] || fail "$bad differences"
