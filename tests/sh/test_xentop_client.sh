#!/bin/sh
# The batch text read as xentop's clients read `xentop -b` (go-xentop's text
# parser, the prometheus-xentop exporter's old reader): the line whose first
# word is NAME is the header, every other line one domain; the header maps
# to the fields, every row has as many one-word fields as the header, all of
# xentop's fields are there in xentop's order, each a number or one of the
# tokens those clients accept (-, n/a, no-limit), and STATE matches
# [-d][-s][-b][-c][-p][-r]. Run on every recording we ship and, where it can
# run, the live linux source; with -f, -r, -n -x and each unit. The parser is
# first shown lines it must reject, so that it can fail.
set -u
XN_KEEP_GOING=1
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
xn_need_bin
ROOT=${XN_ROOT:-.}

# client FILE: "ok ROWS" or the first error, as a client reading FILE.
client() {
	awk '
	BEGIN {
		n = split("NAME STATE CPU(sec) CPU(%) MEM(k) MEM(%) MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS VBD_OO VBD_RD VBD_WR VBD_RSECT VBD_WSECT SSID", want, " ")
		bad = ""
	}
	bad != "" { next }
	$1 == "NAME" {
		nh = NF
		for (i = 1; i <= NF; i++) h[i] = $i
		for (i = 1; i <= n; i++)
			if (h[i] != want[i]) { bad = "header field " i " is " h[i] ", not " want[i]; next }
		next
	}
	{
		if (!nh) { bad = "a row before the header: " $0; next }
		if (NF != nh) { bad = "row of " NF " fields for a header of " nh ": " $0; next }
		if ($2 !~ /^[-d][-s][-b][-c][-p][-r]$/) { bad = "STATE " $2 ": " $0; next }
		for (i = 3; i <= n; i++)
			if ($i !~ /^[0-9]+(\.[0-9]+)?$/ && $i != "-" && $i != "n/a" && $i != "no-limit") {
				bad = h[i] " is " $i ": " $0
				next
			}
		rows++
	}
	END { print bad != "" ? "error: " bad : (rows ? "ok " rows : "error: no rows") }' "$1"
}

# --- the parser rejects what a client rejects
hdr='      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID'
good='  Domain-0 -----r       1264    0.5    1048576   25.0   no-limit       n/a     4    0        0        0    0        0        0        0          0          0    0'
printf '%s\n%s\n' "$hdr" "$good" >"$tmp/good"
case $(client "$tmp/good") in "ok 1") ;; *) fail "the parser rejects xentop's own row: $(client "$tmp/good")" ;; esac
for b in 's/no-limit/no limit/' 's/no-limit/unlimited/' 's/-----r/running/' 's/ 1264 / - 1 /' \
	's/ *SSID$//'; do
	sed "$b" "$tmp/good" >"$tmp/bad"
	case $(client "$tmp/bad") in error:*) ;; *) fail "the parser accepts a row edited by $b" ;; esac
done

# --- our output, every way a client may ask for it
n=0
for rec in "$ROOT"/examples/*.jsonl "$ROOT"/tests/fixtures/replay/good-2node.jsonl \
	"$ROOT"/tests/fixtures/replay/advice-2node.jsonl "$ROOT"/tests/fixtures/replay/hostile.jsonl; do
	for args in "-b" "-b -f" "-b -r" "-b -n -x -f" "-b --units pages" "-b --units pct -z"; do
		# shellcheck disable=SC2086 # the options are words
		"$BIN" --replay "$rec" -d 0 $args >"$tmp/out" 2>"$tmp/err" ||
			fail "$(basename "$rec") $args: exit $?: $(head -2 "$tmp/err")"
		r=$(client "$tmp/out")
		case $r in
		ok*) n=$((n + ${r#ok })) ;;
		*) fail "$(basename "$rec") $args: $r" ;;
		esac
	done
done
[ "$n" -gt 100 ] || fail "only $n rows read from the recordings"
echo "recordings: $n rows read as a client reads xentop -b"

if [ -r /proc/self/numa_maps ]; then
	"$BIN" -s linux -b -i 2 -d 0.2 -f >"$tmp/live" 2>"$tmp/err" || fail "linux -b: $(cat "$tmp/err")"
	r=$(client "$tmp/live")
	case $r in ok*) echo "linux: $r rows" ;; *) fail "linux source: $r" ;; esac
else
	skip_part "no /proc/PID/numa_maps: the live linux source is not read here"
fi
xn_finish test_xentop_client
