#!/bin/sh
# Replay of recordings by the real binary: a good recording plays every
# sample (or -i N of them), with the recorded figures; a corrupt one plays
# what is valid and names the bad lines on stderr; an empty one is an
# error; replaying and re-recording changes nothing; a large synthetic
# recording (gen_recording) replays; the example recordings replay.
set -u
XN_KEEP_GOING=1
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
FIX=tests/fixtures/replay

xn_need_bin
command -v jq >/dev/null || skip "jq is not installed"

good=$FIX/good-2node.jsonl
nsamples=$(grep -c . "$good")

# --- -i 3 plays three samples; without -i, all of them, then exit 0
"$BIN" --replay "$good" -b -i 3 >"$tmp/t3" 2>"$tmp/t3.err"
rc=$?
[ $rc = 0 ] || fail "-r -b -i 3 exited $rc: $(cat "$tmp/t3.err")"
[ "$(grep -c '^ *NAME ' "$tmp/t3")" = 3 ] || fail "-i 3: not 3 header lines"
[ -s "$tmp/t3.err" ] && fail "a good recording printed on stderr: $(cat "$tmp/t3.err")"
"$BIN" --replay "$good" -b >"$tmp/all" 2>&1
rc=$?
[ $rc = 0 ] || fail "replay to the end exited $rc"
[ "$(grep -c '^ *NAME ' "$tmp/all")" = "$nsamples" ] || fail "not $nsamples iterations"
# two nodes: two node columns; the recorded pages shown in MiB
grep -m1 '^ *NAME ' "$tmp/t3" | grep -q 'N0(MiB) N1(MiB)' || fail "no N0/N1 columns"
pages=$(sed -n 1p "$good" | jq '.domains[0].node_pages[0]')
psz=$(sed -n 1p "$good" | jq '.host.page_size')
name=$(sed -n 1p "$good" | jq -r '.domains[0].name')
mib=$(awk -v p="$pages" -v s="$psz" 'BEGIN { printf "%.1f", p * s / 1048576 }')
# in the N0(MiB) column of the first sample (by its title, not anywhere on the row)
got=$(awk -v name="$name" '/^ *NAME / { if (n++) exit; for (i = 1; i <= NF; i++) c[$i] = i; next }
	n == 1 && $c["NAME"] == name { print $c["N0(MiB)"]; exit }' "$tmp/t3")
[ "$got" = "$mib" ] || fail "first row of $name: N0(MiB) is '$got', want $mib"

# --- replay then record: the JSON written is what was recorded (the
# recorded derived values are kept, not recomputed; the advice is this
# advisor's, the recorded one kept as "recorded_advice"), and replaying a
# recording of a replay again gives the same bytes
"$BIN" --replay "$good" -b --format json >"$tmp/r1.jsonl" 2>&1 || fail "json replay failed"
[ "$(wc -l <"$tmp/r1.jsonl")" = "$nsamples" ] || fail "json replay: not $nsamples lines"
# (a schema 1 recording comes back as schema 6: its source becomes the
# origin; vcpu_info is unknown, the advice is the advisor's own, and LOCAL%
# is derived again with today's meaning)
jq -cS 'del(.source, .interval, .schema) | del(.domains[].locality)' "$good" >"$tmp/a"
jq -cS 'del(.source, .interval, .schema, .origin)
	| del(.domains[].vcpu_info, .domains[].advice, .domains[].recorded_advice, .domains[].locality)' \
	"$tmp/r1.jsonl" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || fail "replayed JSON differs from the recording: $(diff "$tmp/a" "$tmp/b" | head -c 600)"
jq -e '.schema == 6' "$tmp/r1.jsonl" >/dev/null || fail "replayed JSON is not schema 6"
want=$(jq -r .source "$good" | sort -u)
got=$(jq -r .origin "$tmp/r1.jsonl" | sort -u)
[ "$got" = "$want" ] || fail "origin of a schema 1 replay: $got, expected $want"
jq -e '.domains[].vcpu_info == null' "$tmp/r1.jsonl" >/dev/null ||
	fail "schema 1 replay invented vcpu_info"
# LOCAL% of a schema 1 recording, derived again: the mean over vCPUs of the
# share of pages on each vCPU's node
want=$(jq -c '[.domains[] | (.node_pages | add) as $t | [.vcpu_node[] as $n | .node_pages[$n] / $t]
	| add / length * 100000 | round]' "$good")
got=$(jq -c '[.domains[].locality * 1000 | round]' "$tmp/r1.jsonl")
[ "$got" = "$want" ] || fail "schema 1 LOCAL% derived again: $got, expected $want"
"$BIN" --replay "$tmp/r1.jsonl" -b --format json >"$tmp/r2.jsonl" 2>&1 || fail "second replay failed"
# r1's advice is r2's recorded advice; r2's own advice is computed again, the same
jq -c '[.domains[].advice]' "$tmp/r1.jsonl" >"$tmp/a"
jq -c '[.domains[].recorded_advice]' "$tmp/r2.jsonl" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || fail "a replay's advice is not the next replay's recorded advice"
jq -c '[.domains[].advice]' "$tmp/r2.jsonl" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || fail "the advice recomputed from a replay differs"
"$BIN" --replay "$tmp/r2.jsonl" -b --format json >"$tmp/r3.jsonl" 2>&1 || fail "third replay failed"
cmp -s "$tmp/r2.jsonl" "$tmp/r3.jsonl" || fail "replay of a replay is not idempotent"
# intervals come from the recorded times
jq -e 'select(.interval != null) | .interval == 1' "$tmp/r1.jsonl" >/dev/null ||
	fail "replayed intervals are not the recorded 1 s"
# --record while replaying writes every sample
"$BIN" --replay "$good" -b --record "$tmp/rec.jsonl" >/dev/null 2>&1 || fail "--record during replay"
[ "$(wc -l <"$tmp/rec.jsonl")" = "$nsamples" ] || fail "--record: not $nsamples lines"

# --- truncated last line: what is valid plays, the line is named once
"$BIN" --replay "$FIX/truncated.jsonl" -b >"$tmp/tr" 2>"$tmp/tr.err"
rc=$?
[ $rc = 0 ] || fail "truncated recording exited $rc"
[ "$(grep -c '^ *NAME ' "$tmp/tr")" = 3 ] || fail "truncated: not 3 samples"
[ "$(grep -c "^xentop-numa: $FIX/truncated.jsonl:4: " "$tmp/tr.err")" = 1 ] ||
	fail "truncated: line 4 not reported once: $(cat "$tmp/tr.err")"
# and once more as the source's note, counted (the screen's status line)
[ "$(wc -l <"$tmp/tr.err")" = 2 ] || fail "truncated: not two messages: $(cat "$tmp/tr.err")"
grep -q '^xentop-numa: replay: 1 invalid line skipped (line 4: ' "$tmp/tr.err" ||
	fail "truncated: no summary note: $(cat "$tmp/tr.err")"

# --- many kinds of corruption: 3 valid samples, 10 bad lines, each once
"$BIN" --replay "$FIX/corrupt-mixed.jsonl" -b --format json >"$tmp/cm" 2>"$tmp/cm.err"
rc=$?
[ $rc = 0 ] || fail "corrupt-mixed exited $rc"
[ "$(wc -l <"$tmp/cm")" = 3 ] || fail "corrupt-mixed: not 3 samples"
jq -e . "$tmp/cm" >/dev/null || fail "corrupt-mixed: output is not JSON"
for ln in 2 4 5 7 8 9 10 12 13 14; do
	[ "$(grep -c "^xentop-numa: $FIX/corrupt-mixed.jsonl:$ln: " "$tmp/cm.err")" = 1 ] ||
		fail "corrupt-mixed: line $ln not reported exactly once"
done
[ "$(wc -l <"$tmp/cm.err")" = 11 ] || fail "corrupt-mixed: not 10 messages and a summary"
grep -q '^xentop-numa: replay: 10 invalid lines skipped (line 2: ' "$tmp/cm.err" ||
	fail "corrupt-mixed: no summary note"
want=$(sed -n '1p;3p;11p' "$FIX/corrupt-mixed.jsonl" | jq -r .time | tr '\n' ' ')
got=$(jq -r .time "$tmp/cm" | tr '\n' ' ')
[ "$want" = "$got" ] || fail "corrupt-mixed: played $got, expected $want"

# --- nothing valid: an error (exit 1) with a reason
for f in empty.jsonl garbage.bin; do
	"$BIN" --replay "$FIX/$f" -b >"$tmp/e" 2>"$tmp/e.err"
	rc=$?
	[ $rc = 1 ] || fail "$f exited $rc, expected 1"
	grep -q "^xentop-numa: .*no valid sample" "$tmp/e.err" || fail "$f: no reason given"
	[ -s "$tmp/e" ] && fail "$f: printed samples"
done
"$BIN" --replay "$tmp/does-not-exist" -b >/dev/null 2>"$tmp/ne.err"
rc=$?
[ $rc = 1 ] || fail "missing recording exited $rc, expected 1"
grep -q "does-not-exist" "$tmp/ne.err" || fail "missing recording: file not named"

# --- a recording is read-only
"$BIN" --replay "$good" --set-affinity 1=0 >/dev/null 2>"$tmp/ro.err"
rc=$?
[ $rc = 0 ] && fail "--set-affinity on a recording succeeded"
grep -q "read-only" "$tmp/ro.err" || fail "--set-affinity on a recording: $(cat "$tmp/ro.err")"

# --- a bigger synthetic recording: 200 domains x 4 nodes x 5 samples
if [ -x "$HELPERS/gen_recording" ]; then
	"$HELPERS/gen_recording" -d 200 -n 4 -s 5 >"$tmp/big.jsonl" || fail "gen_recording failed"
	"$BIN" --replay "$tmp/big.jsonl" -b --format csv >"$tmp/big.csv" 2>"$tmp/big.err"
	rc=$?
	[ $rc = 0 ] || fail "synthetic replay exited $rc: $(head -3 "$tmp/big.err")"
	[ "$(wc -l <"$tmp/big.csv")" = $((1 + 200 * 5)) ] || fail "synthetic: not 1001 CSV lines"
	head -1 "$tmp/big.csv" | grep -q ',node3_mib,' || fail "synthetic: no node3_mib column"
else
	skip_part "synthetic replay: $HELPERS/gen_recording not built"
fi

# --- schema 2 with advice (tests/fixtures/replay/advice-2node.jsonl): the
# vCPU details play as recorded; the recorded advice is kept as
# "recorded_advice", the advice is recomputed by this advisor
adv=$FIX/advice-2node.jsonl
"$BIN" --replay "$adv" -b --format json >"$tmp/adv.jsonl" 2>"$tmp/adv.err" || fail "schema 2 replay failed"
[ -s "$tmp/adv.err" ] && fail "schema 2 replay printed on stderr: $(cat "$tmp/adv.err")"
# (written back as schema 6: the newer advice fields are null for a recorded
# schema 2 advice, which has no plan step)
jq -cS 'del(.source, .interval, .schema)' "$adv" >"$tmp/a"
jq -cS 'del(.source, .interval, .schema) | .domains[] |= (.advice = .recorded_advice
	| del(.recorded_advice)) | .domains[].advice |= (if . == null then .
	else (if .step == null and .ratio_after == null and .overrides == null
	then del(.step, .ratio_after, .overrides) else . end) end)' "$tmp/adv.jsonl" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || fail "schema 2 replay differs from the recording: $(diff "$tmp/a" "$tmp/b" | head -c 600)"
"$BIN" --replay "$adv" -b --format csv >"$tmp/adv.csv" 2>&1 || fail "schema 2 CSV replay failed"
got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ printf "%s=%s/%s ", $c["name"], $c["vnodes"], $c["advice"] }' "$tmp/adv.csv")
# (this advisor's: Domain-0 is never advised; web's vCPUs go to its memory,
# step 1; db's memory, a live move on Xen, step 2; then web is local)
want="Domain-0=0-1/ web=1/1:vcpus>0 db=0/2:mem>0 tiny=1/ Domain-0=0-1/ web=0/ok db=0/1:mem>0 tiny=1/ "
[ "$got" = "$want" ] || fail "VNODES/ADVICE in CSV: $got, expected $want"

# --- --advise: the first sample's misplaced domains, one line each, exit 1
"$BIN" --replay "$adv" --advise >"$tmp/advise" 2>"$tmp/advise.err"
rc=$?
[ $rc = 1 ] || fail "--advise with misplaced domains exited $rc, expected 1"
[ -s "$tmp/advise.err" ] && fail "--advise printed on stderr: $(cat "$tmp/advise.err")"
cat >"$tmp/advise.want" <<'EOT'
step 1: web (id 1): vcpus 0: run its vCPUs on node 0, where 100% of its memory is (LOCAL% 0.0 -> 100.0) [LOCAL% 0.0 -> 100.0, 0 pages to move]
step 2: db (id 2): memory 0: live move to node 0 (vCPUs and memory): copies all 262144 pages (1.0 GiB), about 67 s at an assumed 3900 pages/s (LOCAL% 50.0 -> 100.0) [LOCAL% 50.0 -> 100.0, 262144 pages to move]
EOT
cmp -s "$tmp/advise" "$tmp/advise.want" || fail "--advise output: $(diff "$tmp/advise.want" "$tmp/advise")"
# none misplaced: exit 0, nothing on stdout (the second sample, alone)
sed -n 2p "$adv" | jq -c '.domains |= map(select(.name != "db"))' >"$tmp/ok.jsonl"
"$BIN" --replay "$tmp/ok.jsonl" --advise >"$tmp/advise0" 2>&1
rc=$?
[ $rc = 0 ] || fail "--advise with none misplaced exited $rc: $(cat "$tmp/advise0")"
[ -s "$tmp/advise0" ] && fail "--advise with none misplaced printed: $(cat "$tmp/advise0")"
# a recording's example: 0 or 1, and then lines in the documented form
for ex in examples/xen-4node-guests.jsonl; do
	[ -f "$ex" ] || continue
	"$BIN" --replay "$ex" --advise >"$tmp/exa" 2>"$tmp/exa.err"
	rc=$?
	case $rc in
	0) [ -s "$tmp/exa" ] && fail "$ex: --advise exited 0 but printed lines" ;;
	1) grep -vqE '^.+ \(id [0-9]+\): ((vcpus|memory|both) [0-9,-]+: .* \[LOCAL% [0-9.]+ -> [0-9.]+, [0-9]+ pages to move\]|stuck: .* \[LOCAL% [0-9.]+\])$' "$tmp/exa" &&
		fail "$ex: --advise line not in the documented form: $(cat "$tmp/exa")" ;;
	*) fail "$ex: --advise exited $rc: $(cat "$tmp/exa.err")" ;;
	esac
done
# --apply-advice on a recording: refused, nothing printed on stdout
"$BIN" --replay "$adv" --apply-advice web >"$tmp/apply" 2>"$tmp/apply.err"
rc=$?
[ $rc = 2 ] || fail "--apply-advice on a recording exited $rc, expected 2"
grep -q "read-only" "$tmp/apply.err" || fail "--apply-advice on a recording: $(cat "$tmp/apply.err")"
[ -s "$tmp/apply" ] && fail "--apply-advice on a recording printed: $(cat "$tmp/apply")"

# --- the example recordings replay without complaint
for ex in examples/*.jsonl; do
	[ -f "$ex" ] || continue
	"$BIN" --replay "$ex" -b -i 3 >"$tmp/ex" 2>"$tmp/ex.err"
	rc=$?
	[ $rc = 0 ] || fail "$ex exited $rc"
	[ -s "$tmp/ex.err" ] && fail "$ex: $(head -3 "$tmp/ex.err")"
	[ "$(grep -c '^ *NAME ' "$tmp/ex")" -ge 1 ] || fail "$ex: no sample"
done

xn_finish replay
