# The linux source's affinity change really moves pages: a process bound to
# node 0, `xentop-numa --set-affinity PID=1`, then numastat -p (and
# xentop-numa) find its memory on node 1.
. /checks/lib.sh
need_xn
hog=/usr/libexec/xn/numa_hog
[ -x "$hog" ] || skip "numa_hog helper not built (build/helpers/numa_hog)"
"$hog" 200 0 >/tmp/hog.out 2>&1 &
pid=$!
wait_until 300 "numa_hog to print READY (200 MiB written on node 0)" file_has /tmp/hog.out READY ||
	fail "numa_hog did not start: $(cat /tmp/hog.out)"
node_mb() { # pid node: MB on that node per numastat -p
	numastat -p "$1" | awk -v c=$(($2 + 2)) '$1 == "Total" { print int($c) }'
}
numastat -p $pid
b0=$(node_mb $pid 0) b1=$(node_mb $pid 1)
echo "before: node0 $b0 MB, node1 $b1 MB"
[ "$b0" -ge 190 ] || fail "numa_hog's memory is not on node 0 to start with"
"$XN" --source linux --set-affinity "$pid=1" >/tmp/out 2>&1
rc=$?
cat /tmp/out
same "exit status" 0 "$rc"
numastat -p $pid
a0=$(node_mb $pid 0) a1=$(node_mb $pid 1)
echo "after: node0 $a0 MB, node1 $a1 MB"
[ "$a1" -ge 190 ] || { echo "DIFF only $a1 MB on node 1"; bad=$((bad + 1)); }
[ "$a0" -le 10 ] || { echo "DIFF still $a0 MB on node 0"; bad=$((bad + 1)); }
"$XN" --snapshot --source linux --pid $pid >/tmp/snap.json || fail "snapshot failed"
p1=$(jq -r --argjson p $pid '([.host.nodes[].id] | index(1)) as $i | .domains[] | select(.id == $p) | .node_pages[$i]' /tmp/snap.json)
mb1=$((p1 * $(sj .host.page_size) / 1048576))
echo "xentop-numa: $mb1 MiB of pid $pid on node 1"
d=$((mb1 - a1))
[ ${d#-} -le 8 ] || same "MiB on node 1 (numastat vs xentop-numa)" "$a1" "$mb1"
kill $pid
[ $bad = 0 ] || fail "$bad differences"
