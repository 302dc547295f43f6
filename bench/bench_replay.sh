#!/bin/sh
# Replay speed on a large synthetic recording (500 domains x 8 nodes x 50
# samples, from tests/helpers/gen_recording), against a peer measured in the
# same run: jq reading the same file. Replay parses every line twice (once
# to check it when the file is opened, once when the sample is shown), so a
# ratio near 2 means our own conversion costs little beside jansson's parse.
set -u
BIN=${XN_BIN:-./xentop-numa}
GEN=${XN_HELPERS:-build/helpers}/gen_recording
if [ ! -x "$BIN" ] || [ ! -x "$GEN" ]; then
	echo "build first: $BIN and $GEN"
	exit 1
fi
command -v jq >/dev/null || { echo "bench_replay: FAIL: jq is not installed: no peer to compare"; exit 1; }
tmp=$(mktemp -d /tmp/xn-bench-replay.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

"$GEN" -d 500 -n 8 -s 50 >"$tmp/rec.jsonl" || exit 1
bytes=$(wc -c <"$tmp/rec.jsonl")

now() { date +%s%N; }
t0=$(now)
jq -c .schema "$tmp/rec.jsonl" >/dev/null
t1=$(now)
"$BIN" --replay "$tmp/rec.jsonl" -b -i 1 --format json >/dev/null
t2=$(now)
"$BIN" --replay "$tmp/rec.jsonl" -b --format json >/dev/null
t3=$(now)
"$BIN" --replay "$tmp/rec.jsonl" -b >/dev/null
t4=$(now)

awk -v b="$bytes" -v jq=$((t1 - t0)) -v open=$((t2 - t1)) -v json=$((t3 - t2)) \
	-v text=$((t4 - t3)) 'BEGIN {
	printf "recording: %.1f MB, 50 samples of 500 domains x 8 nodes\n", b / 1e6
	printf "jq (peer), whole file:        %7.0f ms\n", jq / 1e6
	printf "replay open + 1 sample:       %7.0f ms  (%.2f x jq)\n", open / 1e6, open / jq
	printf "replay all, JSON out:         %7.0f ms  (%.2f x jq, %.1f ms/sample)\n",
		json / 1e6, json / jq, json / 1e6 / 50
	printf "replay all, text out:         %7.0f ms  (%.2f x jq)\n", text / 1e6, text / jq
}'
