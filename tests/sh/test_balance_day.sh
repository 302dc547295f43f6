#!/bin/sh
# --balance --dry-run over a recorded day (issue 20): a day is made from
# examples/xen-2node-guests.jsonl (its samples repeated a minute apart for
# six hours, xnA misplaced throughout); balanced on paper it decides at the
# recorded times (the first step after the 5-minute window), the same lines
# every run; and the refusals: a replay without --dry-run, --read-only, a bad
# policy file (FILE:LINE), nothing run.
set -u
XN_KEEP_GOING=1
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
xn_need_bin

day=$tmp/day.jsonl
python3 - examples/xen-2node-guests.jsonl "$day" <<'PY'
import json, sys, datetime
src = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
t0 = datetime.datetime(2026, 12, 1, 0, 0, 0)
with open(sys.argv[2], "w") as out:
    for i in range(360):
        s = dict(src[i % len(src)])
        s["time"] = (t0 + datetime.timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%S.000000000Z")
        out.write(json.dumps(s) + "\n")
PY
start=$(date +%s)
"$BIN" --replay "$day" --balance --dry-run >"$tmp/a" 2>"$tmp/a.err" || fail "dry run exited $?: $(cat "$tmp/a.err")"
"$BIN" --replay "$day" --balance --dry-run >"$tmp/b" 2>&1 || fail "second dry run failed"
[ $(($(date +%s) - start)) -le 30 ] || fail "two dry runs of a day took more than 30 s"
cmp -s "$tmp/a" "$tmp/b" || fail "two dry runs decided differently"
grep -q '^2026-12-01T00:05:00.000Z decide name="xnA" id=1 action=vcpus nodes=0 ' "$tmp/a" ||
	fail "no decision for xnA at the end of its 5-minute window: $(head -3 "$tmp/a")"
# the cool-down (30 min) keeps a second decision for xnA until 00:35
[ "$(grep -c ' decide name="xnA"' "$tmp/a")" -ge 2 ] || fail "no decision after the cool-down"
grep ' decide name="xnA"' "$tmp/a" | sed -n 2p | grep -q '^2026-12-01T00:35:' ||
	fail "the second decision is not 30 min after the first"
"$BIN" --replay "$day" --balance --dry-run --format json | jq -e . >/dev/null ||
	fail "--format json lines are not JSON"

"$BIN" --replay "$day" --balance >"$tmp/o" 2>&1
[ $? = 2 ] || fail "--balance on a replay without --dry-run was not refused"
grep -q 'add --dry-run' "$tmp/o" || fail "no reason for refusing a replay"
"$BIN" --balance --read-only >"$tmp/o" 2>&1
[ $? = 2 ] || fail "--balance --read-only was not refused"
printf 'vcpus = on\nexclude = vm[1\n' >"$tmp/p"
"$BIN" --replay "$day" --balance --dry-run --balance-policy "$tmp/p" >"$tmp/o" 2>&1
[ $? = 2 ] || fail "a bad policy was not refused"
grep -q "$tmp/p:2: exclude" "$tmp/o" || fail "the refusal does not name FILE:LINE: $(cat "$tmp/o")"
grep -q decide "$tmp/o" && fail "a bad policy still ran"
xn_finish balance_day
