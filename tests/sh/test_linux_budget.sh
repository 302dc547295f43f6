#!/bin/sh
# The scan budget of the linux source, on a real process (numa_hog):
#  - the first refresh walks numa_maps; later ones keep that figure, aged, for
#    a process that has not faulted since (nothing can have moved), and
#    estimate ("sampled") for one that has (numa_hog churn), with the age of
#    the walk they rest on, within 2 % of numa_maps;
#  - --exact-interval shorter than the delay makes every refresh a walk;
#  - a process that grows (SIGUSR1: numa_hog allocates as much again) is
#    walked again, so the figure follows it (within 2 % of numa_maps).
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
HOG=$HELPERS/numa_hog
MIB=128
xn_need_bin
[ -x "$HOG" ] || fail "no helper at $HOG"
xn_need_numa
# methods FILE: "method:age" of our process in each JSON line
methods() {
	xn_domain "$1" "$pid" | jq -r '"\(.pages_method):\(.pages_age_ms)"' | tr '\n' ' '
}

xn_start "$tmp/hog" "$HOG" $MIB 0
pid=$xn_last
xn_wait_for "$tmp/hog" READY || fail "numa_hog did not get ready: $(cat "$tmp/hog")"

"$BIN" --source linux -b --format json -d 0.3 -i 3 --top 0 --pid $pid >"$tmp/a.jsonl" ||
	fail "batch exited $?"
m=$(methods "$tmp/a.jsonl")
echo "default budget, a still process: $m"
set -- $m
[ $# = 3 ] || fail "want 3 refreshes of PID $pid, got: $m"
[ "$1" = numa_maps:0 ] || fail "first refresh: $1, want numa_maps:0"
case "$2" in numa_maps:0 | sampled:*) fail "second refresh: $2, want the walk kept" ;; esac
case "$3" in numa_maps:*) ;; *) fail "third refresh: $3, want the walk kept" ;; esac
[ "${3#numa_maps:}" -gt "${2#numa_maps:}" ] || fail "the walk's age does not grow: $2 then $3"

xn_start "$tmp/churn" "$HOG" $MIB 0 1 churn
cpid=$xn_last
xn_wait_for "$tmp/churn" READY || fail "numa_hog churn did not get ready: $(cat "$tmp/churn")"
"$BIN" --source linux -b --format json -d 0.3 -i 3 --top 0 --pid $cpid >"$tmp/ch.jsonl" ||
	fail "batch exited $?"
m=$(xn_domain "$tmp/ch.jsonl" "$cpid" | jq -r '"\(.pages_method):\(.pages_age_ms)"' | tr '\n' ' ')
echo "default budget, a process that faults: $m"
set -- $m
[ $# = 3 ] || fail "want 3 refreshes of PID $cpid, got: $m"
[ "$1" = numa_maps:0 ] || fail "first refresh: $1, want numa_maps:0"
case "$2" in sampled:*) ;; *) fail "second refresh: $2, want sampled" ;; esac
case "$3" in sampled:*) ;; *) fail "third refresh: $3, want sampled" ;; esac
[ "${3#sampled:}" -gt "${2#sampled:}" ] || fail "the walk's age does not grow: $2 then $3"
ours=$(tail -n 1 "$tmp/ch.jsonl" | xn_domain - $cpid | jq '.node_pages | add')
ours=$((ours * $(tail -n 1 "$tmp/ch.jsonl" | jq .host.page_size)))
exact=$(xn_numa_maps_bytes /proc/$cpid/numa_maps)
d=$((ours > exact ? ours - exact : exact - ours))
echo "estimate $ours bytes, numa_maps $exact"
[ $((d * 100)) -le $((exact * 2)) ] || fail "estimate $ours vs numa_maps $exact: more than 2 % apart"

"$BIN" --source linux -b --format json -d 0.3 -i 3 --top 0 --pid $pid --exact-interval 0.01 \
	>"$tmp/b.jsonl" || fail "batch exited $?"
m=$(methods "$tmp/b.jsonl")
echo "--exact-interval 0.01: $m"
[ "$m" = "numa_maps:0 numa_maps:0 numa_maps:0 " ] || fail "want a walk at every refresh: $m"

# growth: refreshes 1.2 s apart (the drift rule walks at most once a second),
# until two lines after numa_hog said it grew: the last one is then a refresh
# begun after the growth (a fixed -i 5 ended before it under ASan on a loaded
# host: 247 of 270 MB, rightly, at that moment)
"$BIN" --source linux -b --format json -d 1.2 -i 60 --top 0 --pid $pid >"$tmp/c.jsonl" &
bpid=$!
xn_track $bpid
lines() { cat "$tmp/c.jsonl" 2>/dev/null | grep -c .; }
until_lines() { # n
	i=0
	while [ "$(lines)" -lt "$1" ]; do
		[ $i -lt 600 ] || fail "batch output stalled at $(lines) lines"
		sleep 0.1
		i=$((i + 1))
	done
}
until_lines 2
kill -USR1 $pid
xn_wait_for "$tmp/hog" GREW || fail "numa_hog did not grow: $(cat "$tmp/hog")"
until_lines $(($(lines) + 2))
kill -TERM $bpid
wait $bpid || fail "batch exited $? after SIGTERM"
xn_untrack $bpid
m=$(methods "$tmp/c.jsonl")
echo "growing: $m"
# a walk after the first one (the drift rule), well before --exact-interval
echo "$m" | cut -d' ' -f3- | grep -q 'numa_maps:0' || fail "no walk after the growth: $m"
ps=$(jq '.host.page_size' "$tmp/c.jsonl" | tail -n 1)
ours=$(tail -n 1 "$tmp/c.jsonl" | xn_domain - $pid | jq '.node_pages | add')
exact=$(xn_numa_maps_bytes /proc/$pid/numa_maps)
ours=$((ours * ps))
echo "after growth: ours $ours bytes, numa_maps $exact bytes"
[ "$exact" -ge $((2 * MIB * 1048576)) ] || fail "numa_hog did not double: $exact"
d=$((ours > exact ? ours - exact : exact - ours))
[ $((d * 100)) -le $((exact * 2)) ] || fail "ours $ours vs numa_maps $exact: more than 2 % apart"
echo ok
