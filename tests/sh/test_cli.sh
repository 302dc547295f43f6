#!/bin/sh
# The command line: --help is true (every option it names is accepted and
# documented in xentop-numa.1), bad values are usage errors (exit 2) with a
# message naming the problem, and modes that cannot combine are refused.
set -u
BIN=${XN_BIN:-./xentop-numa}
fail=0
# --save-config (named by --help) writes the user's configuration: here, a
# scratch one, never the real ~/.config.
XDG_CONFIG_HOME=$(mktemp -d)
export XDG_CONFIG_HOME
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT
no() { echo "FAIL: $*"; fail=1; }

expect() { # exit-status substring-of-stderr command...
	want=$1 msg=$2
	shift 2
	err=$("$@" 2>&1 >/dev/null </dev/null)
	rc=$?
	[ "$rc" = "$want" ] || no "$*: exit $rc, expected $want ($err)"
	case "$err" in *"$msg"*) ;; *) no "$*: stderr lacks \"$msg\": $err" ;; esac
}

help=$("$BIN" --help) || no "--help exits non-zero"
opts=$(echo "$help" | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u)
[ "$(echo "$opts" | wc -l)" -ge 20 ] || no "--help lists too few options: $opts"
for o in $opts; do
	grep -qF -- "Fl Fl ${o#--}" xentop-numa.1 || no "xentop-numa.1 does not document $o"
	# Every long option --help names must be known to the parser. Each runs
	# under --read-only, so that nothing here changes this host whatever the
	# option does (an option that acts without an argument, as --balance on
	# the linux source, would act on it): every option that changes
	# placement refuses --read-only (below, and test_balance_day.sh). A mode
	# that runs until stopped is ended by head (batch) or after 30 s (one
	# that prints nothing).
	out=$(timeout 30 "$BIN" --read-only "$o" 2>&1 </dev/null | head -3)
	case "$out" in *"unrecognized option"*) no "$o is in --help but not accepted" ;; esac
done
"$BIN" -V | grep -qE '^xentop-numa [0-9]+\.[0-9]+\.[0-9]+ \(sources:.* linux .*replay\)$' ||
	no "-V format: $("$BIN" -V)"

expect 2 'for batch mode' "$BIN" -d 0
# xentop's flags mean what they mean in xentop; replay and the refresh count
# are long options
expect 2 'unexpected argument' "$BIN" -r tests/fixtures/replay/good-2node.jsonl -b
expect 2 'unexpected argument' "$BIN" -n 3 -b
expect 0 '' "$BIN" --replay tests/fixtures/replay/good-2node.jsonl -b -d 0 -i 2 -r -n -x -v -f -z
expect 2 'for -d/--delay' "$BIN" -b -d -1
expect 2 'for -d/--delay' "$BIN" -b -d abc
expect 2 'for -d/--delay' "$BIN" -b -d nan
expect 2 'for -i/--iterations' "$BIN" -b -i 0
expect 2 'for -i/--iterations' "$BIN" -b -i 2x
expect 2 'for -s/--source' "$BIN" -s foo
expect 2 'for --format' "$BIN" -b --format xml
expect 2 'for --units' "$BIN" -b --units kb
expect 2 'for --sort' "$BIN" -b --sort nosuchcolumn
expect 2 'for -p/--pid' "$BIN" -b -p 12a
expect 2 'for --set-affinity' "$BIN" --set-affinity vm1
expect 2 'for --set-affinity' "$BIN" --set-affinity =1
expect 2 'for --set-affinity' "$BIN" --set-affinity vm1=
expect 2 'not allowed with --read-only' "$BIN" --read-only --set-affinity 1=0
expect 2 'needs a recording' "$BIN" -s replay -b
expect 2 'unexpected argument' "$BIN" -b extra
expect 2 'unrecognized option' "$BIN" --no-such-option
expect 2 'not a terminal' "$BIN" -s linux
expect 1 'cannot open recording' "$BIN" -b -i 1 -s linux --record /nonexistent/dir/x.jsonl
# The advice commands: one mode at a time, never with --read-only.
expect 2 'use --advise and --snapshot separately' "$BIN" --advise --snapshot
expect 2 'use --set-affinity and --apply-advice separately' "$BIN" --set-affinity 1=0 --apply-advice 1
expect 2 'use --apply-advice and --advise separately' "$BIN" --apply-advice 1 --advise
expect 2 'not allowed with --read-only' "$BIN" --read-only --apply-advice vm1
expect 2 'for --apply-advice' "$BIN" --apply-advice ''
expect 2 "requires an argument" "$BIN" --apply-advice
expect 2 'unexpected argument' "$BIN" --advise vm1
# --advise: 1 means "misplaced", so its runtime errors are 6 (not 1)
expect 6 'does-not-exist' "$BIN" --advise --replay /nonexistent/does-not-exist.jsonl
expect 6 'cannot open recording' "$BIN" --advise -s linux --record /nonexistent/dir/x.jsonl
# a recording is read-only: refused as --set-affinity refuses it
expect 2 'the replay source is read-only' "$BIN" --apply-advice 1 --replay tests/fixtures/replay/advice-2node.jsonl
# --move-memory: DOMAIN=NODES, Xen only, one mode, never read-only; --offline only with it
expect 2 'for --move-memory' "$BIN" --move-memory vm1
expect 2 'for --move-memory' "$BIN" --move-memory vm1=
expect 2 'not allowed with --read-only' "$BIN" --read-only --move-memory vm1=1
expect 2 '--offline goes with --move-memory' "$BIN" --offline
expect 2 'use --set-affinity and --move-memory separately' "$BIN" --set-affinity 1=0 --move-memory 1=0
expect 2 '--move-memory: the replay source cannot move' "$BIN" --move-memory 1=0 --replay tests/fixtures/replay/advice-2node.jsonl
# an unknown domain on a live source: 3, as --set-affinity
if [ -r /proc/self/numa_maps ]; then
	expect 3 'no domain named "no-such-domain-xn"' "$BIN" -s linux --apply-advice no-such-domain-xn
	expect 3 'no domain named "no-such-domain-xn"' "$BIN" -s linux --set-affinity no-such-domain-xn=0
	# a PID that never existed: no such domain, not "has exited"
	expect 3 'no such domain: 999999999' "$BIN" -s linux --set-affinity 999999999=0
fi
# The man pages render clean (no nested quotes, no "\ xNN") with the
# project's name and version in the header and footer.
version=$(sed -n 's/^VERSION = //p' Makefile)
if command -v man >/dev/null 2>&1; then
	for page in xentop-numa.1 man/xentop-numa-json.5; do
		out=$(LC_ALL=C.UTF-8 MANWIDTH=100 man -l "$page" 2>&1)
		bad=$(printf '%s\n' "$out" | grep -n "‘[^’]*‘\|’’\|\\\\ x\|^man:\|warning:")
		[ -z "$bad" ] || no "$page renders badly: $bad"
		printf '%s\n' "$out" | head -1 | grep -q "^XENTOP-NUMA" || no "$page: header lacks the name"
		printf '%s\n' "$out" | tail -1 | grep -q "xentop-numa $version" ||
			no "$page: footer lacks \"xentop-numa $version\": $(printf '%s\n' "$out" | tail -1)"
	done
fi
grep -q "^\.Os xentop-numa $version\$" xentop-numa.1 || no "xentop-numa.1: .Os is not the Makefile's version"
# `make run` is quiet: a one-line summary per step; V=1 shows the commands.
# (Without a terminal the program refuses to start: make fails, that is fine.)
if [ -f Makefile ] && command -v make >/dev/null 2>&1 && [ "$BIN" = ./xentop-numa ]; then
	out=$(make --no-print-directory run </dev/null 2>&1)
	printf '%s\n' "$out" | grep -E '^(cc|gcc|ar|rm|\./xentop-numa)( |$)' &&
		no "make run shows commands: $out"
	printf '%s\n' "$out" | grep -q '^  RUN    \./xentop-numa$' || no "make run: no RUN line: $out"
	out=$(make --no-print-directory V=1 run </dev/null 2>&1)
	printf '%s\n' "$out" | grep -q '^\./xentop-numa$' || no "make V=1 run does not show the command: $out"
fi
exit $fail
