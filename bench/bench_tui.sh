#!/bin/sh
# TUI speed for 500 domains x 8 nodes (a synthetic recording from
# tests/helpers/gen_recording), target: a frame in <= 1 ms.
#  1. render into the canvas (rows re-sorted + whole screen), in-process CPU
#     time per frame (bench/bench_tui_render.c, linked with build/libxn.a);
#  2. a frame to the terminal: the real binary under tmux at 120x40, 400
#     redraws forced by keys, CPU of the process minus a run without the
#     keys, divided by 400: 'R' (re-sort: every row changes, the worst case)
#     and Down/Up (the selection moves: two rows change);
#  3. the tool's total CPU per refresh: the binary replaying at -d 0.05 for
#     --refreshes 40 (parsing each 500-domain sample, deriving, drawing).
set -u
cd "$(dirname "$0")/.." || exit 1
BIN=${XN_BIN:-./xentop-numa}
GEN=${XN_HELPERS:-build/helpers}/gen_recording
[ -x "$BIN" ] && [ -x "$GEN" ] && [ -f build/libxn.a ] || { echo "build first (make)"; exit 1; }
command -v tmux >/dev/null || { echo "bench_tui: FAIL: tmux is not installed: nothing measured"; exit 1; }
tmp=$(mktemp -d /tmp/xn-bench-tui.XXXXXX)
S=xnb$$
trap 'tmux -L $S kill-server 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM

"$GEN" -d 500 -n 8 -s 45 >"$tmp/rec.jsonl" || exit 1
# built by `make bench` (the Makefile's flags and libraries)
[ -x build/bench/bench_tui_render ] || make --no-print-directory build/bench/bench_tui_render || exit 1
build/bench/bench_tui_render "$tmp/rec.jsonl" 120 40 2000
build/bench/bench_tui_render "$tmp/rec.jsonl" 80 24 2000

# Runs the binary in a 120x40 pane; prints its user+sys CPU seconds.
cat >"$tmp/pane.sh" <<'EOF2'
"$@"
times >"$OUT.all" # not in a pipeline: a subshell would have no children
tail -n 1 "$OUT.all" >"$OUT"
sleep 60
EOF2
run() { # tag keys-before-q args...
	tag=$1 k=$2
	shift 2
	tmux -L $S kill-server 2>/dev/null
	rm -f "$tmp/$tag.cpu"
	tmux -L $S -f /dev/null new-session -d -s b -x 120 -y 40 \
		"OUT=$tmp/$tag.cpu sh $tmp/pane.sh $BIN $*"
	i=0
	until tmux -L $S capture-pane -p -t b | grep -q 'h help'; do
		sleep 0.1
		i=$((i + 1))
		[ $i -lt 300 ] || { echo "no screen"; return 1; }
	done
	if [ "$k" -gt 0 ]; then
		keys=$(yes "${KEYS:-R}" | head -n "$k" | tr '\n' ' ')
		# shellcheck disable=SC2086
		tmux -L $S send-keys -t b $keys
	fi
	tmux -L $S send-keys -t b q
	i=0
	until [ -s "$tmp/$tag.cpu" ]; do
		sleep 0.1
		i=$((i + 1))
		[ $i -lt 600 ] || { echo "no exit"; return 1; }
	done
	# "0m0.123000s 0m0.045000s" -> seconds
	sed 's/[ms]/ /g' "$tmp/$tag.cpu" | awk '{ print $1 * 60 + $2 + $3 * 60 + $4 }'
}
base=$(run base 0 --replay "$tmp/rec.jsonl" -d 1000) || exit 1
keyed=$(run keyed 400 --replay "$tmp/rec.jsonl" -d 1000) || exit 1
awk -v a="$base" -v b="$keyed" 'BEGIN {
	printf "frame to the terminal (re-sort + render + curses), 120x40: %.0f us/frame " \
	       "(400 frames: %.3f s CPU vs %.3f s without)\n", (b - a) / 400 * 1e6, b, a }'
# the target: a frame in <= 1 ms
frame_ok=$(awk -v a="$base" -v b="$keyed" 'BEGIN { print ((b - a) / 400 <= 0.001) ? 1 : 0 }')
# A typical interactive frame: the selection moves, two rows change.
moved=$(KEYS="Down Up" run moved 200 --replay "$tmp/rec.jsonl" -d 1000) || exit 1
awk -v a="$base" -v b="$moved" 'BEGIN {
	printf "frame to the terminal, selection moved (2 rows change): %.0f us/frame\n",
	       (b - a) / 400 * 1e6 }'
total=$(run total 0 --replay "$tmp/rec.jsonl" -d 0.05 --refreshes 40) || exit 1
awk -v t="$total" 'BEGIN {
	printf "whole tool per refresh (parse 500-domain sample + derive + draw): %.1f ms CPU " \
	       "(40 refreshes: %.3f s)\n", t / 40 * 1e3, t }'
if [ "$frame_ok" != 1 ]; then
	echo "bench_tui: FAIL: target (a frame in <= 1 ms) NOT met"
	exit 1
fi
echo "bench_tui: target (a frame in <= 1 ms) met"
