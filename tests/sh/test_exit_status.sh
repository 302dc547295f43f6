#!/bin/sh
# One table of exit statuses: the man page's EXIT STATUS list and --help's
# table say the same statuses in the same words' order, and each status is
# produced by the case they name (5, a refusal by the kernel or hypervisor,
# cannot be caused here: said as a skipped part). Usage errors carry the
# "xentop-numa:" prefix, getopt's too.
set -u
XN_KEEP_GOING=1
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
xn_need_bin
ROOT=${XN_ROOT:-.}
FIX=$ROOT/tests/fixtures/replay

# the statuses each document lists (before --advise's own list)
man_codes=$(sed -n '/^\.Sh EXIT STATUS/,/^\.Fl Fl advise/p' "$ROOT/xentop-numa.1" |
	awk '/^\.It [0-9]/ { printf "%s ", $2 }')
"$BIN" --help >"$tmp/help"
help_codes=$(sed -n '/^Exit status:/,/^With --advise/p' "$tmp/help" | awk '/^  [0-9] / { printf "%s ", $1 }')
[ "$man_codes" = "0 1 2 3 4 5 " ] || fail "man page EXIT STATUS lists: $man_codes"
[ "$help_codes" = "$man_codes" ] || fail "--help lists $help_codes, the man page $man_codes"
# entry by entry, the same first words
for c in 0 1 2 3 4 5; do
	m=$(sed -n '/^\.Sh EXIT STATUS/,/^\.Fl Fl advise/p' "$ROOT/xentop-numa.1" |
		awk -v c="$c" 'f { print tolower($1); exit } $0 == ".It " c { f = 1 }')
	h=$(awk -v c="$c" '$1 == c && /^  [0-9] / { print tolower($2); exit }' "$tmp/help")
	[ "${m%[.:]}" = "${h%[.:]}" ] || fail "status $c: man page '$m', --help '$h'"
done

# status CODE WHAT CMD...: CMD exits CODE; stderr in $tmp/err
status() {
	want=$1 what=$2
	shift 2
	"$@" >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc = "$want" ] || fail "$what: exit $rc, expected $want: $(head -2 "$tmp/err")"
}
status 0 "--version" "$BIN" --version
status 1 "a recording that cannot be opened" "$BIN" --replay "$tmp/none.jsonl" -b -i 1
status 2 "an unknown option" "$BIN" --bogus
grep -q "^xentop-numa: unrecognized option '--bogus'" "$tmp/err" || fail "getopt's prefix: $(head -1 "$tmp/err")"
(cd "$tmp" && ln -s "$(cd "$OLDPWD" && cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")" ./xn &&
	./xn -d 2>err; [ $? = 2 ] && grep -q "^xentop-numa: option requires an argument -- 'd'" err) ||
	fail "a missing argument run by a path: $(cat "$tmp/err" 2>/dev/null)"
status 2 "--listen 99999" "$BIN" --listen 99999 -b -i 1
grep -q '99999' "$tmp/err" || fail "--listen 99999 does not name the port: $(cat "$tmp/err")"
status 2 "--snapshot with --record" "$BIN" --snapshot --record "$tmp/r.jsonl" --replay "$FIX/good-2node.jsonl"
[ -e "$tmp/r.jsonl" ] && fail "--snapshot --record created the file"
status 2 "a change asked of a recording" "$BIN" --replay "$FIX/good-2node.jsonl" --set-affinity 1=0
status 3 "a domain that does not exist" "$BIN" -s linux --set-affinity 999999=0
if [ -r /proc/self/numa_maps ]; then
	status 3 "-p of a missing process" "$BIN" -s linux -p 999999 --top 0 -b -i 1
	grep -q "no process 999999" "$tmp/err" || fail "-p 999999: $(cat "$tmp/err")"
	status 0 "-p of a missing and a live process" "$BIN" -s linux -p 999999,$$ --top 0 -b -i 1
	grep -q "no process 999999" "$tmp/err" || fail "-p 999999,$$: no warning: $(cat "$tmp/err")"
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
		sleep 30 &
		victim=$!
		xn_track $victim
		status 4 "a change not permitted" setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$BIN" -s linux --set-affinity "$victim=0"
	else
		skip_part "status 4: needs root and setpriv to run as another user"
	fi
else
	skip_part "statuses 3 (-p) and 4: no linux source here"
fi
# 5: a refusal. The kernel's or hypervisor's cannot be caused here (the lab's
# xen affinity checks cause it); --balance refusing beside another placer
# can: a process named numad (a copy of sleep) is one.
if [ -r /proc/self/numa_maps ]; then
	cp "$(command -v sleep)" "$tmp/numad"
	"$tmp/numad" 30 &
	placer=$!
	xn_track $placer
	status 5 "--balance beside another placer" "$BIN" -s linux --balance -i 1 \
		--balance-state-file "$tmp/balance.state"
	grep -q "numad is running (pid $placer)" "$tmp/err" || fail "--balance beside numad: $(cat "$tmp/err")"
	[ -e "$tmp/balance.state" ] && fail "--balance wrote its state file although it refused"
	status 0 "--balance --dry-run beside another placer" "$BIN" -s linux --balance --dry-run -i 1 \
		--balance-state-file "$tmp/balance.state"
else
	skip_part "status 5: no linux source here"
fi
skip_part "status 5 from the kernel or hypervisor: cannot be caused here (lab: xen affinity checks)"
xn_finish test_exit_status
