# lib.sh - what the shell tests and benches share; sourced (`. tests/sh/lib.sh`
# from the top of the tree), never run: tests/run.sh runs only test_*.sh.
# Sets BIN and HELPERS from XN_BIN and XN_HELPERS, makes $tmp (removed at
# exit with the processes started by xn_start) and ends INT/TERM with exit 1,
# so that the EXIT trap cleans up.
BIN=${XN_BIN:-./xentop-numa}
# shellcheck disable=SC2034 # used by the scripts that source this
HELPERS=${XN_HELPERS:-build/helpers}
tmp=$(mktemp -d "/tmp/xn-$(basename "$0" .sh).XXXXXX")
# the user's saved choices (--save-config) neither change a test's output
# nor get written by one (test_cli runs every option)
XDG_CONFIG_HOME=$tmp/config
export XDG_CONFIG_HOME
fails=0
xn_pids=""
xn_exit_cmds=""

# fail MSG: a failed check. Ends the test (exit 1), unless the test set
# XN_KEEP_GOING=1: then it is counted in $fails and xn_finish reports it.
fail() {
	echo "FAIL: $*"
	[ "${XN_KEEP_GOING:-0}" = 1 ] || exit 1
	fails=$((fails + 1))
}
# skip REASON: the test cannot run here (exit 77, the reason last).
skip() {
	echo "$*"
	exit 77
}
# skip_part REASON: a part of the test cannot run here; the rest goes on.
# tests/run.sh counts each "SKIP: " line as a skip (a silent skip would
# read as a pass).
skip_part() {
	echo "SKIP: $*"
}
# xn_finish NAME: exit 1 when a check failed (XN_KEEP_GOING), else say so.
xn_finish() {
	[ "$fails" = 0 ] || {
		echo "$fails failures"
		exit 1
	}
	echo "$1: all checks passed"
}

# xn_track PID: kill PID (and its children) at exit; xn_untrack PID once it
# has been waited for, so that a reused PID is not killed.
xn_track() { xn_pids="$xn_pids $1"; }
xn_untrack() { xn_pids=$(echo " $xn_pids " | sed "s/ $1 / /"); }
# xn_start OUT CMD...: run CMD in the background, stdout and stderr to OUT,
# tracked; its PID in $xn_last.
xn_start() {
	xn_out=$1
	shift
	"$@" >"$xn_out" 2>&1 &
	xn_last=$!
	xn_track "$xn_last"
}
# xn_at_exit CMD: run CMD at exit, after the tracked processes are gone.
xn_at_exit() { xn_exit_cmds="$xn_exit_cmds
$1"; }
xn_cleanup() {
	for p in $xn_pids; do
		kids=$(cat /proc/"$p"/task/*/children 2>/dev/null)
		# shellcheck disable=SC2086 # a list of PIDs
		kill "$p" $kids 2>/dev/null
		wait "$p" 2>/dev/null
	done
	eval "$xn_exit_cmds"
	rm -rf "$tmp"
}
trap xn_cleanup EXIT
trap 'exit 1' INT TERM

# xn_need_bin: the binary under test must exist (a missing build is a failure).
xn_need_bin() {
	[ -x "$BIN" ] || {
		echo "FAIL: no binary at $BIN"
		exit 1
	}
}
# xn_need_numa: skip on a kernel without NUMA.
xn_need_numa() {
	[ -d /sys/devices/system/node ] || skip "no /sys/devices/system/node: kernel without NUMA"
}

# xn_wait_for FILE WORD [TENTHS]: until FILE holds WORD (a helper's READY or
# GREW); 1 after TENTHS tenths of a second (default 600).
xn_wait_for() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		[ $i -lt "${3:-600}" ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}

# xn_domain JSON ID: the domain with this id in each sample of JSON (a file
# of JSON lines), one compact object a sample; nothing where it is absent.
xn_domain() {
	jq -c --argjson id "$2" '.domains[] | select(.id == $id)' "$1"
}

# xn_numa_maps_bytes FILE [NODE]: bytes in a numa_maps file on NODE (default:
# all nodes), each line's N<node>= pages in its kernelpagesize_kB.
xn_numa_maps_bytes() {
	awk -v node="${2:-}" 'BEGIN { re = "^N" (node == "" ? "[0-9]+" : node) "=" }
	{ n = 0; k = 4
		for (i = 1; i <= NF; i++) {
			if ($i ~ re) { split($i, a, "="); n += a[2] }
			if ($i ~ /^kernelpagesize_kB=/) k = substr($i, 19)
		}
		s += n * k * 1024 } END { printf "%d\n", s }' "$1"
}
