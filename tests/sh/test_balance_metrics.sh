#!/bin/sh
# --balance with --prometheus / --listen (issue 20, Fleet): a recorded day
# (test_balance_day.sh's, made from examples/xen-2node-guests.jsonl)
# balanced with --dry-run --prometheus FILE:
#  1. promtool check metrics accepts the file, the usual metrics included;
#  2. xentop_numa_balance_actions_total{action="vcpus",result="dry_run"} is
#     the number of "decide" lines of the log, "skipped" the number of
#     skipped lines; every other action/result is there at 0; the last
#     action's time is the last decision's; the pending gauge is 1 for xnA
#     (misplaced throughout) and 0 for xnB and Domain-0;
#  3. --listen serves the same families (curl);
#  4. the example alert rule: promtool check rules and promtool test rules;
#  5. --revert-last with --prometheus is refused.
set -u
XN_KEEP_GOING=1
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
xn_need_bin
command -v promtool >/dev/null 2>&1 || skip "promtool is not installed (scripts/deps.sh installs it)"

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
prom=$tmp/balance.prom
"$BIN" --replay "$day" --balance --dry-run --prometheus "$prom" >"$tmp/log" 2>"$tmp/err" ||
	fail "--balance --dry-run --prometheus exited $?: $(cat "$tmp/err")"

# --- 1. promtool
promtool check metrics <"$prom" >"$tmp/promtool.out" 2>&1 ||
	fail "promtool check metrics: $(head -5 "$tmp/promtool.out")"
grep -q '^xentop_numa_domain_local_ratio{domid="1",name="xnA"} ' "$prom" ||
	fail "the usual metrics are missing beside the balance ones"
tail -n 1 "$prom" | grep -q '^xentop_numa_build_info{' || fail "incomplete file"

# --- 2. the figures agree with the log
metric() { # metric 'NAME{LABELS}': its value, or "absent"
	awk -v k="$1" 'index($0, k " ") == 1 { print $2; f = 1 } END { if (!f) print "absent" }' "$prom"
}
decided=$(grep -c ' decide ' "$tmp/log")
skipped=$(grep -c ' skipped ' "$tmp/log")
[ "$decided" -ge 2 ] || fail "the day decided $decided steps (expected 2 or more)"
got=$(metric 'xentop_numa_balance_actions_total{action="vcpus",result="dry_run"}')
[ "$got" = "$decided" ] || fail "dry_run count $got, the log decided $decided"
got=$(metric 'xentop_numa_balance_actions_total{action="vcpus",result="skipped"}')
[ "$got" = "$skipped" ] || fail "skipped count $got, the log skipped $skipped"
for a in vcpus memory both; do
	for r in done reverted failed skipped dry_run; do
		v=$(metric "xentop_numa_balance_actions_total{action=\"$a\",result=\"$r\"}")
		[ "$v" != absent ] || fail "no series for action=$a result=$r"
		case $a/$r in vcpus/dry_run | vcpus/skipped) ;; *) [ "$v" = 0 ] || fail "$a/$r is $v, not 0" ;; esac
	done
done
[ "$(metric xentop_numa_balance_bytes_moved_total)" = 0 ] || fail "a dry run moved bytes"
last=$(grep ' decide ' "$tmp/log" | tail -n 1 | cut -d' ' -f1)
want=$(date -u -d "$(echo "$last" | sed 's/T/ /; s/Z$//')" +%s)
got=$(metric xentop_numa_balance_last_action_timestamp_seconds)
[ "$got" = "$want.000" ] || fail "last action time $got, the last decision was $last ($want)"
[ "$(metric 'xentop_numa_balance_step_pending{domid="1",name="xnA"}')" = 1 ] || fail "xnA not pending"
[ "$(metric 'xentop_numa_balance_step_pending{domid="2",name="xnB"}')" = 0 ] || fail "xnB pending"
[ "$(metric 'xentop_numa_balance_step_pending{domid="0",name="Domain-0"}')" = 0 ] ||
	fail "Domain-0 pending"

# --- 3. --listen serves them too (the first sample, then -i ends it)
if command -v curl >/dev/null 2>&1 && "$BIN" --help 2>&1 | grep -q -- --listen; then
	"$BIN" --replay "$day" --balance --dry-run --listen 127.0.0.1:0 -d 0.2 -i 15 \
		>"$tmp/llog" 2>"$tmp/lerr" &
	pid=$!
	xn_track "$pid"
	url=
	i=0
	while [ -z "$url" ] && [ $i -lt 100 ] && kill -0 "$pid" 2>/dev/null; do
		url=$(sed -n 's/^xentop-numa: serving \(http[^ ]*\)$/\1/p' "$tmp/lerr")
		sleep 0.1
		i=$((i + 1))
	done
	if [ -z "$url" ]; then
		fail "--balance --listen did not serve: $(cat "$tmp/lerr")"
	else
		curl -fsS "$url" >"$tmp/scrape" || fail "scrape failed"
		grep -q '^xentop_numa_balance_actions_total{action="vcpus",result="dry_run"} ' "$tmp/scrape" ||
			fail "the scrape has no balance counts"
		grep -q '^xentop_numa_balance_step_pending{' "$tmp/scrape" || fail "no pending gauge served"
	fi
	wait "$pid" || fail "--balance --listen -i 15 exited $?: $(cat "$tmp/lerr")"
	xn_untrack "$pid"
else
	skip_part "--listen: no curl or a build without libmicrohttpd"
fi

# --- 4. the example alert rule
(cd examples/balance && promtool check rules xentop-numa-balance.rules.yml &&
	promtool test rules balance-rules-tests.yml) >"$tmp/rules.out" 2>&1 ||
	fail "the balance alert rule: $(tail -15 "$tmp/rules.out")"

# --- 5. --revert-last serves nothing
"$BIN" --balance --revert-last --prometheus "$tmp/x.prom" >"$tmp/o" 2>&1
[ $? = 2 ] || fail "--revert-last --prometheus was not refused"
grep -q 'serves no metrics' "$tmp/o" || fail "no reason: $(cat "$tmp/o")"
[ -e "$tmp/x.prom" ] && fail "--revert-last --prometheus wrote a file"
xn_finish balance_metrics
