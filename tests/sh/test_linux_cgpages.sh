#!/bin/sh
# Per-node figures of a process alone in its memory cgroup come from the
# cgroup's memory.numa_stat (method "cgroup"), in cgroups this test creates
# (v2 when its memory controller is enabled, else v1):
#  1. a 256 MiB numa_hog that joined its own cgroup before allocating: first
#     refresh a walk (the check), then "cgroup", within 2 % of numa_maps;
#  2. one that allocated elsewhere and then moved in (its charges stayed
#     behind): never "cgroup";
#  3. one alone in a cgroup that another process left, its charges still
#     there: never "cgroup";
#  4. two processes sharing a cgroup: neither is "cgroup".
# Needs: root, jq. Env: XN_BIN, XN_HELPERS.
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
HOG=$HELPERS/numa_hog
TAG=xn-cgp-$$
cg_dirs=""

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

v2=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
v1mem=$(awk '$9 == "cgroup" && $NF ~ /(^|,)memory(,|$)/ {print $5; exit}' /proc/self/mountinfo)
if [ -n "$v2" ] && grep -qw memory "$v2/cgroup.controllers" 2>/dev/null; then
	root=$v2
	# a child of the root gets memory files once the root enables it
	grep -qw memory "$v2/cgroup.subtree_control" || echo +memory >"$v2/cgroup.subtree_control" ||
		skip "cannot enable the memory controller under $v2"
elif [ -n "$v1mem" ]; then
	root=$v1mem
else
	skip "no cgroup hierarchy with the memory controller is mounted"
fi
# mk NAME: a new memory cgroup, its directory in $cg
mk() {
	cg=$root/$TAG-$1
	mkdir "$cg" || skip "cannot create cgroup $cg"
	cg_dirs="$cg $cg_dirs"
}
# hog_in DIR OUT MIB: numa_hog of MIB on node 0 that joins DIR first
hog_in() {
	# shellcheck disable=SC2016
	sh -c 'echo $$ >"$1/cgroup.procs" || exit 9; shift; exec "$@"' sh "$1" "$HOG" "$3" 0 \
		>"$2" 2>&1 &
	xn_last=$!
	xn_track $xn_last
	xn_wait_for "$2" READY || fail "numa_hog in $1 did not get ready: $(cat "$2")"
}
# methods JSONL PID: pages_method of PID at each refresh
methods() { xn_domain "$1" "$2" | jq -r .pages_method | tr '\n' ' '; }
run() { "$BIN" --source linux -b --format json -d 0.3 -i 3 --top 0 --pid "$1" >"$2" ||
	fail "batch exited $?"; }

# 1. alone since before it allocated
mk own
hog_in "$cg" "$tmp/own.out" 256
own=$xn_last
run $own "$tmp/own.jsonl"
m=$(methods "$tmp/own.jsonl" $own)
echo "own cgroup: $m"
[ "$m" = "numa_maps cgroup cgroup " ] || fail "want a walk then cgroup figures: $m"
tail -n 1 "$tmp/own.jsonl" >"$tmp/last.json"
ps=$(jq .host.page_size "$tmp/last.json")
for n in $(jq -r '.host.nodes[].id' "$tmp/last.json"); do
	ours=$(jq --argjson id $own --argjson n "$n" --argjson ps "$ps" '
		(.host.nodes | map(.id) | index($n)) as $i
		| .domains[] | select(.id == $id) | .node_pages[$i] * $ps' "$tmp/last.json")
	exact=$(xn_numa_maps_bytes /proc/$own/numa_maps "$n")
	all=$(xn_numa_maps_bytes /proc/$own/numa_maps)
	d=$((ours > exact ? ours - exact : exact - ours))
	echo "  node $n: cgroup $ours bytes, numa_maps $exact of $all"
	[ $((d * 100)) -le $((all * 2)) ] || fail "node $n: $ours vs numa_maps $exact: more than 2 % apart"
done
[ "$(xn_numa_maps_bytes /proc/$own/numa_maps 0)" -ge $((256 * 1048576)) ] ||
	fail "numa_maps: the hog has not its 256 MiB on node 0"

# 2. allocated in our cgroup, then moved into a new one: its pages are
# charged where they were made
mk moved
xn_start "$tmp/moved.out" "$HOG" 128 0
moved=$xn_last
xn_wait_for "$tmp/moved.out" READY || fail "numa_hog did not get ready"
echo $moved >"$cg/cgroup.procs" || fail "cannot move $moved into $cg"
run $moved "$tmp/moved.jsonl"
m=$(methods "$tmp/moved.jsonl" $moved)
echo "moved in after allocating: $m"
case "$m" in *cgroup*) fail "charges left behind taken as its own: $m" ;; esac
[ -n "$m" ] || fail "PID $moved missing"

# 3. a cgroup left by a process whose charges stay there, with a smaller
# process alone in it now
mk left
mk elsewhere
hog_in "$root/$TAG-left" "$tmp/a.out" 128
a=$xn_last
echo $a >"$root/$TAG-elsewhere/cgroup.procs" || fail "cannot move $a out"
hog_in "$root/$TAG-left" "$tmp/b.out" 32
b=$xn_last
run $b "$tmp/left.jsonl"
m=$(methods "$tmp/left.jsonl" $b)
echo "alone where another left its charges: $m"
case "$m" in *cgroup*) fail "someone else's charges taken as its own: $m" ;; esac
[ -n "$m" ] || fail "PID $b missing"

# 4. two processes in one cgroup
mk shared
hog_in "$cg" "$tmp/s1.out" 64
s1=$xn_last
hog_in "$cg" "$tmp/s2.out" 64
s2=$xn_last
"$BIN" --source linux -b --format json -d 0.3 -i 3 --top 0 --pid $s1,$s2 >"$tmp/shared.jsonl" ||
	fail "batch exited $?"
m="$(methods "$tmp/shared.jsonl" $s1)$(methods "$tmp/shared.jsonl" $s2)"
echo "sharing a cgroup: $m"
case "$m" in *cgroup*) fail "a shared cgroup's figure taken as one process's: $m" ;; esac
[ "$(echo "$m" | wc -w)" = 6 ] || fail "want 3 refreshes of each: $m"
echo ok
