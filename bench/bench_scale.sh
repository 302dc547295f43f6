#!/bin/sh
# The non-Xen parts of a refresh at 300 domains (issue 22): a sample of 300
# bare domains recorded in the QEMU lab on Xen
# (tests/fixtures/xen-scale-300.jsonl, from tests/vm/checks/bench/xen_scale.sh),
# replayed as 100 refreshes through derive, advice and output (batch text,
# JSON), CPU per refresh, against a peer in the same run: jq reading the
# same 100 samples (a parse of the JSON, no more). The lab check states the
# same replay against xentop's refresh in one boot (SCALE
# ratio_replay_to_xentop); here the ratio to jq is what carries from host to
# host. Fails when a refresh of ours costs more than XN_SCALE_MAX_JQ (default
# 4) times jq's read of it.
set -u
BIN=${XN_BIN:-./xentop-numa}
rec=${XN_SCALE_REC:-tests/fixtures/xen-scale-300.jsonl}
max=${XN_SCALE_MAX_JQ:-4}
[ -x "$BIN" ] || { echo "build first: $BIN"; exit 1; }
[ -f "$rec" ] || { echo "bench_scale: FAIL: no recording $rec"; exit 1; }
command -v jq >/dev/null || { echo "bench_scale: FAIL: jq is not installed: no peer to compare"; exit 1; }
tmp=$(mktemp -d /tmp/xn-bench-scale.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
# 100 refreshes: the recorded samples over and over, each a second after
# the one before (replay wants times that go forward).
awk 'NR == FNR { l[NR] = $0; n = NR; next } END {
	for (i = 0; i < 100; i++) {
		s = l[i % n + 1]
		sub(/"time":"[^"]*"/, sprintf("\"time\":\"2026-01-01T00:%02d:%02d.000000000Z\"", int(i / 60), i % 60), s)
		print s
	} }' "$rec" "$rec" >"$tmp/rec.jsonl"
doms=$(head -n 1 "$tmp/rec.jsonl" | jq '.domains | length')
cpu() { # command...: user+sys ms
	(
		"$@" >/dev/null 2>"$tmp/err" || exit 1
		times
	) 2>&1 | tail -n 1 | awk '
		function sec(t) { split(t, a, "m"); sub("s", "", a[2]); return a[1] * 60 + a[2] }
		{ printf "%.1f\n", (sec($1) + sec($2)) * 1000 }'
}
jqms=$(cpu jq -c '.domains | length' "$tmp/rec.jsonl")
one=$(cpu "$BIN" --replay "$tmp/rec.jsonl" -b -i 1)
text=$(cpu "$BIN" --replay "$tmp/rec.jsonl" -b)
json=$(cpu "$BIN" --replay "$tmp/rec.jsonl" -b --format json)
awk -v d="$doms" -v jq="$jqms" -v one="$one" -v t="$text" -v j="$json" -v m="$max" 'BEGIN {
	pt = (t - one) / 99; pj = (j - one) / 99; pq = jq / 100
	printf "recording: 100 refreshes of %d domains (Xen, recorded in the lab)\n", d
	printf "jq (peer), per sample:           %6.2f ms\n", pq
	printf "replay, batch text, per refresh: %6.2f ms  (%.2f x jq)\n", pt, pt / pq
	printf "replay, JSON, per refresh:       %6.2f ms  (%.2f x jq)\n", pj, pj / pq
	if (pt > m * pq || pj > m * pq) { printf "bench_scale: FAIL: over %s x jq\n", m; exit 1 }
}'
