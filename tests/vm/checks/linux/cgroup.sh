# Per-node figures follow a migration, in a running xentop-numa, for a
# process alone in its own memory cgroup (figures from memory.numa_stat,
# method "cgroup"; the process sits in a child cgroup without memory files,
# as libvirt's emulator/ does, so the parent's are read) and for one in the
# root cgroup with everyone else (numa_maps walks and move_pages estimates):
# both start on node 0, `--set-affinity PID=1` moves them, and the figures
# of the same batch run must then match numa_maps on each node within 2 %.
# xn-timeout: 900
. /checks/lib.sh
need_xn
hog=/usr/libexec/xn/numa_hog
[ -x "$hog" ] || skip "numa_hog helper not built (build/helpers/numa_hog)"
cg=/sys/fs/cgroup
grep -qw memory $cg/cgroup.controllers 2>/dev/null ||
	skip "the guest kernel has no memory cgroup controller (cgroup2 at $cg)"
grep -qw memory $cg/cgroup.subtree_control || echo +memory >$cg/cgroup.subtree_control ||
	fail "cannot enable the memory controller in $cg"
mkdir -p $cg/vm/emu || fail "cannot create $cg/vm/emu"
[ -f $cg/vm/memory.numa_stat ] || fail "$cg/vm has no memory.numa_stat"
[ ! -f $cg/vm/emu/memory.numa_stat ] || fail "$cg/vm/emu has memory files of its own"

# joins vm/emu before it allocates, so its pages are charged there
# shellcheck disable=SC2016
sh -c 'echo $$ >/sys/fs/cgroup/vm/emu/cgroup.procs || exit 9; exec "$0" 200 0' "$hog" \
	>/tmp/own.out 2>&1 &
own=$!
"$hog" 120 0 >/tmp/shared.out 2>&1 &
shared=$!
both_ready() { file_has /tmp/own.out READY && file_has /tmp/shared.out READY; }
wait_until 300 "both numa_hogs to print READY (their memory written)" both_ready
grep -q READY /tmp/own.out || fail "numa_hog in $cg/vm/emu did not start: $(cat /tmp/own.out)"
grep -q READY /tmp/shared.out || fail "numa_hog did not start: $(cat /tmp/shared.out)"
cat $cg/vm/memory.numa_stat | grep -E '^(anon|file_mapped) '

"$XN" --source linux -b --format json -d 1 -i 300 --top 0 --pid $own,$shared >/tmp/run.jsonl \
	2>/tmp/run.err &
xnp=$!
# lines N: until the batch run has written N samples (deadline 300 s)
has_lines() { [ "$(grep -c . /tmp/run.jsonl)" -ge "$1" ]; }
lines() {
	wait_until 300 "the batch run's sample $1 in /tmp/run.jsonl" has_lines "$1" ||
		fail "batch run stalled: $(cat /tmp/run.err)"
}
# fig PID NODE: "method bytes" of PID on NODE in the last sample
fig() {
	tail -n 1 /tmp/run.jsonl | jq -r --argjson p "$1" --argjson n "$2" '
		(.host.nodes | map(.id) | index($n)) as $i | .host.page_size as $ps
		| .domains[] | select(.id == $p) | "\(.pages_method) \(.node_pages[$i] * $ps)"'
}
# maps PID NODE: bytes of PID on NODE per numa_maps now
maps() {
	awk -v re="^N$2=" '{ n = 0; k = 4
		for (i = 1; i <= NF; i++) {
			if ($i ~ re) { split($i, a, "="); n += a[2] }
			if ($i ~ /^kernelpagesize_kB=/) k = substr($i, 19)
		}
		s += n * k * 1024 } END { printf "%d\n", s }' /proc/"$1"/numa_maps
}
# agree PID NODE WHAT: our figure within 2 % of numa_maps (of all its pages)
agree() {
	set -- "$1" "$2" "$3" $(fig "$1" "$2")
	m=$(maps "$1" "$2")
	all=$(($(maps "$1" 0) + $(maps "$1" 1)))
	d=$(($5 - m))
	echo "$3: pid $1 node $2: $4 $5 bytes, numa_maps $m (of $all)"
	[ $((${d#-} * 100)) -le $((all * 2)) ] ||
		{ echo "DIFF $3: $5 vs numa_maps $m"; bad=$((bad + 1)); }
}

lines 3
set -- $(fig $own 0)
same "method of the process alone in its cgroup" cgroup "$1"
[ "$2" -ge $((190 * 1048576)) ] || fail "before: only $2 bytes of $own on node 0"
agree $own 0 before
agree $shared 0 before

"$XN" --source linux --set-affinity $own=1 || fail "--set-affinity $own=1 exited $?"
"$XN" --source linux --set-affinity $shared=1 || fail "--set-affinity $shared=1 exited $?"
n=$(grep -c . /tmp/run.jsonl)
lines $((n + 3))
set -- $(fig $own 1)
same "method after the move" cgroup "$1"
[ "$2" -ge $((190 * 1048576)) ] || { echo "DIFF only $2 bytes of $own on node 1"; bad=$((bad + 1)); }
for p in $own $shared; do
	agree $p 0 after
	agree $p 1 after
done
tail -n 1 /tmp/run.jsonl | jq -c --argjson p $shared '.domains[] | select(.id == $p)
	| {pages_method, pages_age_ms, node_pages}'
kill $xnp $own $shared
[ $bad = 0 ] || fail "$bad differences"
echo ok
