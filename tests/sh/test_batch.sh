#!/bin/sh
# Batch output of the real binary with the real linux source on this host:
# xentop-compatible text (one header per iteration, xentop's columns first),
# JSON lines that parse with jq, CSV rows as wide as the header, and a
# process whose name holds an escape sequence, a comma and a quote: escaped
# in text, quoted in CSV, exact in JSON, never raw on the terminal.
set -u
XN_KEEP_GOING=1
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"

xn_need_bin
command -v jq >/dev/null || skip "jq is not installed"
[ -r /proc/self/numa_maps ] || skip "no /proc/PID/numa_maps here"

# A process with a hostile name: a subshell renames itself (comm holds at
# most 15 bytes and only a process's own comm can be written) and stays.
evil=$(printf 'a\033[31m,"b')
(
	printf '%s' "$evil" >/proc/self/comm
	while :; do sleep 1; done
) &
child=$!
xn_track $child # with its sleep
i=0
while [ "$(cat /proc/$child/comm 2>/dev/null)" != "$evil" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ "$(cat /proc/$child/comm)" = "$evil" ] || fail "the test process did not take the name"

# --- names are cut to NAME's 10 places unless -f, as xentop: the escaped
# name (12 places) loses its last two
"$BIN" -s linux -b -i 1 -d 0 -p "$child" >"$tmp/cut" 2>"$tmp/cut.err" ||
	fail "-b -d 0 failed: $(cat "$tmp/cut.err")"
grep -q '^ *a\\x1b\[31m, ' "$tmp/cut" || fail "the name is not cut to 10 places: $(grep -a 'x1b' "$tmp/cut")"
grep -q '31m,"b' "$tmp/cut" && fail "the name is not cut without -f"
# -r repeats the header before each domain (at least the child and us)
"$BIN" -s linux -b -i 1 -r -p "$child" >"$tmp/rep" 2>&1 || fail "-b -r failed"
h=$(grep -c '^ *NAME  *STATE ' "$tmp/rep")
r=$(grep -vc '^ *NAME  *STATE ' "$tmp/rep")
[ "$h" = "$r" ] && [ "$h" -ge 1 ] || fail "-r: $h headers for $r rows"
# -v: a line per vCPU (thread) under each domain
"$BIN" -s linux -b -i 1 -v -p "$child" >"$tmp/vc" 2>&1 || fail "-b -v failed"
grep -q '^  vCPU 0 CPU [0-9-]* node [0-9-]* state ' "$tmp/vc" || fail "-v: no vCPU line: $(head -3 "$tmp/vc")"
# xentop's network, VBD and SSID columns after VCPUS with or without -n -x
# (unknown on linux), as xentop -b always prints them
for nx in "" "-n -x"; do
	# shellcheck disable=SC2086 # options as words
	"$BIN" -s linux -b -i 1 $nx -p "$child" >"$tmp/nx" 2>&1 || fail "-b $nx failed"
	grep -q ' VCPUS NETS NETTX(k) NETRX(k) VBDS  *VBD_OO .* VBD_WSECT SSID  *ID ' "$tmp/nx" ||
		fail "-b $nx: no network/VBD columns: $(head -1 "$tmp/nx")"
done
# -d 0 is for batch mode only; replay and refreshes moved to long options
"$BIN" -s linux -d 0 >/dev/null 2>"$tmp/d0.err" && fail "-d 0 without -b was accepted"
grep -q 'batch mode' "$tmp/d0.err" || fail "-d 0 without -b: $(cat "$tmp/d0.err")"

# --- text: two iterations, two header lines, xentop's columns first
"$BIN" -s linux -b -i 2 -d 0.2 -f -p "$child" >"$tmp/text" 2>"$tmp/text.err"
rc=$?
[ $rc = 0 ] || fail "text batch exited $rc: $(cat "$tmp/text.err")"
headers=$(grep -c '^ *NAME  *STATE ' "$tmp/text")
[ "$headers" = 2 ] || fail "expected 2 header lines, got $headers"
first=$(grep -m1 '^ *NAME ' "$tmp/text" | tr -s ' ' | sed 's/^ //')
case "$first" in
"NAME STATE CPU(sec) CPU(%) MEM(k) MEM(%) MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS VBD_OO VBD_RD VBD_WR VBD_RSECT VBD_WSECT SSID ID N"*"LOCAL% ADVICE AFFINITY VNODES OUTSIDE(MiB) METHOD AGE(s)") ;;
*) fail "header is not xentop's columns + ours: $first" ;;
esac
# every row is under a header, the child's row is in both iterations
rows=$(grep -c '\\x1b\[31m,"b' "$tmp/text")
[ "$rows" = 2 ] || fail "expected the renamed process in 2 iterations, got $rows rows"
# no raw escape byte reached the output
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/text"; then
	fail "a raw ESC byte is in the text output"
fi
# the child's PID is in its row (as the ID column, after VCPUS)
grep '\\x1b\[31m,"b' "$tmp/text" | awk -v pid="$child" '
	{ for (i = 1; i <= NF; i++) if ($i == pid) found++ }
	END { exit found != 2 }' || fail "the renamed process's rows do not show ID $child"
# the name is right-aligned like xentop: the header's NAME ends where names end
hdr_end=$(grep -m1 '^ *NAME ' "$tmp/text" | awk '{ print index($0, "NAME") + 3 }')
row_end=$(grep -m1 '\\x1b' "$tmp/text" | awk '{ i = index($0, ",\"b"); print i + 2 }')
[ "$hdr_end" = "$row_end" ] || fail "names are not right-aligned with NAME ($hdr_end vs $row_end)"

# --- units in the titles
"$BIN" -s linux -b -i 1 --units pages -p "$child" >"$tmp/pages" 2>&1 || fail "--units pages failed"
grep -q 'N[0-9]*(pg)' "$tmp/pages" || fail "--units pages: no N0(pg) title"
"$BIN" -s linux -b -i 1 --units pct -p "$child" >"$tmp/pct" 2>&1 || fail "--units pct failed"
grep -q 'N[0-9]*(%)' "$tmp/pct" || fail "--units pct: no N0(%) title"
# --- units in the values: a recording's first sample (fixed figures), each
# domain's N0/N1 column (found by its title) against the recorded node_pages
rec=tests/fixtures/replay/good-2node.jsonl
for u in pages pct; do
	"$BIN" --replay "$rec" -b -i 1 --units $u >"$tmp/u-$u" 2>&1 || fail "--units $u on a recording failed"
	got=$(awk -v t=$u 'BEGIN { t = (t == "pct") ? "%" : "pg" }
		/^ *NAME / { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ printf "%s=%s/%s ", $c["NAME"], $c["N0(" t ")"], $c["N1(" t ")"] }' "$tmp/u-$u")
	want=$(sed -n 1p "$rec" | jq -r --arg u $u '[.domains[] | (.node_pages | add) as $t
		| "\(.name)=" + (if $u == "pages" then "\(.node_pages[0])/\(.node_pages[1])"
		  else (.node_pages | map(. * 1000 / $t | round / 10
		    | tostring | if test("\\.") then . else . + ".0" end) | join("/")) end)]
		| sort | join(" ")')
	got=$(echo "$got" | tr ' ' '\n' | grep . | sort | tr '\n' ' ' | sed 's/ $//')
	[ "$got" = "$want" ] || fail "--units $u values: $got, want (from the JSON) $want"
	echo "--units $u: $got"
done

# --- JSON: one object per line, each parses, the schema holds
"$BIN" -s linux -b -i 2 -d 0.2 --format json -p "$child" >"$tmp/json" 2>"$tmp/json.err"
rc=$?
[ $rc = 0 ] || fail "json batch exited $rc: $(cat "$tmp/json.err")"
lines=$(wc -l <"$tmp/json")
[ "$lines" = 2 ] || fail "expected 2 JSON lines, got $lines"
n=0
while IFS= read -r line; do
	n=$((n + 1))
	printf '%s\n' "$line" | jq -e '
		.schema == 6 and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{9}Z$"))
		and .source == "linux" and (.origin == null or .origin == "linux")
		and (.host.nodes | length) >= 1
		and ([.domains[] | has("vcpu_info") and has("advice") and has("vcpu_node")] | all)
		and ([.domains[] | .mem_policy == null or (.mem_policy | type) == "string"] | all)
		and ([.domains[] | select(.mem_policy != null)] | length) >= 1
		and (.host.page_size | type) == "number"
		and (.domains | type) == "array" and (.domains | length) >= 1
	' >/dev/null || fail "JSON line $n does not hold the schema"
	nn=$(printf '%s\n' "$line" | jq '.host.nodes | length')
	bad=$(printf '%s\n' "$line" | jq --argjson nn "$nn" \
		'[.domains[] | select(.node_pages != null and (.node_pages | length) != $nn)] | length')
	[ "$bad" = 0 ] || fail "JSON line $n: $bad domains with node_pages not of $nn entries"
done <"$tmp/json"
# interval: null on the first sample, a number after
[ "$(sed -n 1p "$tmp/json" | jq '.interval')" = null ] || fail "first interval is not null"
sed -n 2p "$tmp/json" | jq -e '.interval > 0' >/dev/null || fail "second interval is not > 0"
# the hostile name comes back exactly, and the raw ESC is not in the file
name=$(sed -n 2p "$tmp/json" | jq -r --argjson p "$child" '.domains[] | select(.id == $p) | .name')
[ "$name" = "$evil" ] || fail "JSON name of $child is '$name'"
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/json"; then
	fail "a raw ESC byte is in the JSON output"
fi

# --- CSV: header once, every row as wide as the header (RFC 4180 quoting)
"$BIN" -s linux -b -i 2 -d 0.2 --format csv -p "$child" >"$tmp/csv" 2>"$tmp/csv.err"
rc=$?
[ $rc = 0 ] || fail "csv batch exited $rc: $(cat "$tmp/csv.err")"
[ "$(grep -c '^time,name,state,' "$tmp/csv")" = 1 ] || fail "CSV header not exactly once"
# --sort -KEY reverses the column's order: the same rows, the other way
# (every field is one word: ID is the 10th)
"$BIN" -s linux -b -i 1 --top 0 --sort id -p "$child,$$" | awk 'NR > 1 { print $10 }' >"$tmp/asc"
"$BIN" -s linux -b -i 1 --top 0 --sort -id -p "$child,$$" | awk 'NR > 1 { print $10 }' >"$tmp/desc"
sort -n "$tmp/asc" | cmp -s - "$tmp/asc" || fail "--sort id is not ascending: $(tr '\n' ' ' <"$tmp/asc")"
sort -rn "$tmp/desc" | cmp -s - "$tmp/desc" || fail "--sort -id is not descending: $(tr '\n' ' ' <"$tmp/desc")"
[ "$(wc -l <"$tmp/desc")" -ge 2 ] || fail "--sort -id: fewer than 2 rows"
# count fields of each record, honouring quotes (a quoted field may hold
# commas, doubled quotes and newlines)
awk '
function count(s,   i, c, q, n) {
	n = 1
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\"") q = !q
		else if (c == "," && !q) n++
	}
	open = q
	return n
}
{
	rec = pending ? pending "\n" $0 : $0
	n = count(rec)
	if (open) { pending = rec; next }
	pending = ""
	if (NR == 1 || want == 0) { want = n; next }
	if (n != want) { printf "row %d has %d fields, header %d\n", NR, n, want; bad = 1 }
	rows++
}
END { if (rows < 2) { print "fewer than 2 CSV rows"; bad = 1 } exit bad }
' "$tmp/csv" || fail "CSV rows do not match the header"
grep -q '"a\\x1b\[31m,""b"' "$tmp/csv" || fail "the hostile name is not quoted/escaped in CSV: $(grep -a "$child" "$tmp/csv" | head -1)"

# --- --advise on the live source: a verdict per misplaced process, in the
# documented form, and the status says whether there was one (0/1)
"$BIN" -s linux --advise -p "$child" >"$tmp/adv" 2>"$tmp/adv.err"
rc=$?
case $rc in
0) [ -s "$tmp/adv" ] && fail "--advise exited 0 but printed: $(head -3 "$tmp/adv")" ;;
1) grep -vqE '^.+ \(id [0-9]+\): ((vcpus|memory|both) [0-9,-]+: .* \[LOCAL% [0-9.]+ -> [0-9.]+, [0-9]+ pages to move\]|stuck: .* \[LOCAL% [0-9.]+\])$' "$tmp/adv" &&
	fail "--advise printed a line not in the documented form: $(cat "$tmp/adv")" ;;
*) fail "--advise on the linux source exited $rc: $(cat "$tmp/adv.err")" ;;
esac

# --- --columns: the header is the list (names in any case, N every node
# column), in the one order whatever the list's; the values are the full
# table's (CSV read by python's csv module)
"$BIN" --replay "$rec" -b -i 1 --columns 'name,CPU(%),n,local%' >"$tmp/cols" 2>&1 ||
	fail "--columns on a recording failed: $(cat "$tmp/cols")"
hdr=$(sed -n 1p "$tmp/cols" | tr -s ' ' | sed 's/^ //')
[ "$hdr" = "NAME CPU(%) N0(MiB) N1(MiB) LOCAL%" ] || fail "--columns text header: $hdr"
"$BIN" --replay "$rec" -b -i 1 --columns 'LOCAL%,N,cpu_pct,NAME' >"$tmp/cols2" 2>&1 ||
	fail "--columns in another order failed"
cmp -s "$tmp/cols" "$tmp/cols2" || fail "--columns: the list's order changed the output"
"$BIN" --replay "$rec" -b -i 1 --format csv --columns 'NAME,MEM(k),LOCAL%' >"$tmp/cols.csv" &&
	"$BIN" --replay "$rec" -b -i 1 --format csv >"$tmp/all.csv" ||
	fail "--columns with CSV failed"
python3 - "$tmp/cols.csv" "$tmp/all.csv" <<'PY' || fail "--columns CSV: not the full table's columns"
import csv, sys
part = list(csv.DictReader(open(sys.argv[1])))
full = list(csv.DictReader(open(sys.argv[2])))
names = list(part[0].keys())
assert names == ["time", "name", "mem_kib", "local"], names
assert len(part) == len(full) >= 2, (len(part), len(full))
for p, f in zip(part, full):
    assert p == {k: f[k] for k in names}, (p, f)
print("--columns CSV:", ",".join(names), len(part), "rows as the full table's")
PY
# every name the refusal lists is taken, and all of them are the whole table
"$BIN" --replay "$rec" -b -i 1 --columns 'NAME,nosuch' >"$tmp/cols.out" 2>"$tmp/cols.err"
rc=$?
[ $rc = 2 ] || fail "--columns with an unknown name exited $rc, expected 2"
grep -q '^xentop-numa: --columns: unknown column "nosuch"; the columns are NAME,' "$tmp/cols.err" ||
	fail "--columns refusal: $(cat "$tmp/cols.err")"
[ -s "$tmp/cols.out" ] && fail "--columns refused but printed a table"
all=$(sed -n 's/.*the columns are //p' "$tmp/cols.err")
"$BIN" --replay "$rec" -b -i 1 --columns "$all" >"$tmp/cols.all" 2>&1 ||
	fail "--columns with the listed names failed: $(cat "$tmp/cols.all")"
"$BIN" --replay "$rec" -b -i 1 >"$tmp/nocols" 2>&1
cmp -s "$tmp/cols.all" "$tmp/nocols" || fail "--columns with every name is not the whole table"
"$BIN" --replay "$rec" -b -i 1 --columns 'NAME,,ID' 2>"$tmp/cols.err" >/dev/null
[ $? = 2 ] || fail "--columns with an empty name was taken"

# --- a write error is an error (exit 1), not silence
if [ -w /dev/full ]; then
	"$BIN" -s linux -b -i 1 >/dev/full 2>"$tmp/full.err"
	rc=$?
	[ $rc = 1 ] || fail "writing to /dev/full exited $rc, expected 1"
	grep -q '^xentop-numa: ' "$tmp/full.err" || fail "no error message for /dev/full"
fi

xn_finish batch
