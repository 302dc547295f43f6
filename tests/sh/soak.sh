#!/bin/sh
# soak.sh - `make soak` (not part of make check): the Linux source for
# SOAK_SECONDS (default 1800) at -d 0.2 against process and cgroup churn, in
# batch mode (per process, and with --cgroups) and on the screen under tmux.
# Reports RSS, open fds and CPU of each at the start (after a warm-up of a
# tenth of the run) and at the end; fails when RSS grew by more than
# SOAK_RSS_SLACK_KB (default 1024, allocator noise) or the fd count grew.
# The Xen lab part of the soak is not here (tests/vm owns the lab).
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
xn_need_bin
secs=${SOAK_SECONDS:-1800}
slack=${SOAK_RSS_SLACK_KB:-1024}
warm=$((secs / 10))
[ "$warm" -ge 2 ] || warm=2
tck=$(getconf CLK_TCK)

# churn: short-lived processes all the time, and (as root, with a memory
# cgroup hierarchy) a cgroup made, entered and removed every half second.
cgbase=""
for d in /sys/fs/cgroup/memory /sys/fs/cgroup; do
	if [ -w "$d" ] && [ -f "$d/cgroup.procs" ]; then
		cgbase=$d
		break
	fi
done
churn() {
	n=0
	while :; do
		n=$((n + 1))
		sleep 0.3 &
		sleep 0.4 &
		if [ -n "$cgbase" ]; then
			cg=$cgbase/xn-soak-$$-$((n % 4))
			rmdir "$cg" 2>/dev/null
			if mkdir "$cg" 2>/dev/null; then
				sh -c 'echo $$ >"$1/cgroup.procs" && exec sleep 1' sh "$cg" &
			fi
		fi
		sleep 0.5
		wait
	done
}
churn >/dev/null 2>&1 &
churn_pid=$!
xn_track "$churn_pid"
xn_at_exit "for i in 0 1 2 3; do rmdir $cgbase/xn-soak-$churn_pid-\$i 2>/dev/null; done"

# figures PID: "rss_kb fds cpu_ticks"
figures() {
	rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status" 2>/dev/null)
	fds=$(ls "/proc/$1/fd" 2>/dev/null | wc -l)
	cpu=$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null)
	echo "${rss:-0} $fds ${cpu:-0}"
}

pids=""
names=""
xn_start "$tmp/batch.out" "$BIN" -s linux -b -d 0.2 --top 20
pids="$pids $xn_last" names="$names batch"
xn_start "$tmp/cg.out" "$BIN" -s linux --cgroups -b -d 0.2
pids="$pids $xn_last" names="$names batch-cgroups"
if command -v tmux >/dev/null; then
	S=xn-soak-$$
	xn_at_exit "tmux -L $S kill-server 2>/dev/null"
	tmux -L "$S" new-session -d -x 120 -y 40 "$BIN -s linux -d 0.2" ||
		fail "tmux new-session"
	tpid=$(tmux -L "$S" list-panes -F '#{pane_pid}' | head -n 1)
	# the pane's shell may not exec the program: then it is its child
	i=0
	while [ "$(cat "/proc/$tpid/comm" 2>/dev/null)" != xentop-numa ] && [ $i -lt 50 ]; do
		kid=$(cat /proc/"$tpid"/task/*/children 2>/dev/null | awk '{ print $1 }')
		[ -n "$kid" ] && [ "$(cat "/proc/$kid/comm" 2>/dev/null)" = xentop-numa ] && tpid=$kid
		i=$((i + 1))
		sleep 0.1
	done
	[ "$(cat "/proc/$tpid/comm" 2>/dev/null)" = xentop-numa ] || fail "no xentop-numa in tmux"
	pids="$pids $tpid" names="$names screen"
fi

sleep "$warm"
set -- $names
for p in $pids; do
	echo "$1 $(figures "$p")" >>"$tmp/start"
	shift
done
t0=$(date +%s)
sleep $((secs - warm))
t1=$(date +%s)
set -- $names
for p in $pids; do
	[ -d "/proc/$p" ] || fail "$1 (PID $p) is gone before the end"
	echo "$1 $(figures "$p")" >>"$tmp/end"
	shift
done

echo "soak: ${secs}s at -d 0.2, churn of processes${cgbase:+ and cgroups in $cgbase}"
printf '%-14s %10s %10s %6s %6s %8s\n' what rss0_kB rss1_kB fds0 fds1 cpu%
bad=0
while read -r name r0 f0 c0; do
	set -- $(grep "^$name " "$tmp/end")
	r1=${2:-0} f1=${3:-0} c1=${4:-0}
	pct=$(awk -v a="$c0" -v b="$c1" -v t="$tck" -v s=$((t1 - t0)) \
		'BEGIN { printf "%.1f", (s > 0 ? (b - a) / t / s * 100 : 0) }')
	printf '%-14s %10s %10s %6s %6s %8s\n' "$name" "$r0" "$r1" "$f0" "$f1" "$pct"
	[ "$r1" -le $((r0 + slack)) ] || { echo "FAIL: $name: RSS grew"; bad=1; }
	[ "$f1" -le "$f0" ] || { echo "FAIL: $name: fds grew"; bad=1; }
done <"$tmp/start"
[ $bad = 0 ] || exit 1
echo "soak: nothing grew"
