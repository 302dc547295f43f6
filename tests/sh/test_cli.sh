#!/bin/sh
# The command line: --help is true (every option it names is accepted and
# documented in xentop-numa.1), bad values are usage errors (exit 2) with a
# message naming the problem, and modes that cannot combine are refused.
set -u
BIN=${XN_BIN:-./xentop-numa}
fail=0
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
opts=$(echo "$help" | grep -oE -- '--[a-z][a-z-]+' | sort -u)
[ "$(echo "$opts" | wc -l)" -ge 20 ] || no "--help lists too few options: $opts"
for o in $opts; do
	grep -qF -- "Fl Fl ${o#--}" xentop-numa.1 || no "xentop-numa.1 does not document $o"
	# Every long option --help names must be known to the parser.
	out=$("$BIN" "$o" 2>&1 </dev/null | head -3)
	case "$out" in *"unrecognized option"*) no "$o is in --help but not accepted" ;; esac
done
"$BIN" -V | grep -qE '^xentop-numa [0-9]+\.[0-9]+\.[0-9]+ \(sources:.* linux .*replay\)$' ||
	no "-V format: $("$BIN" -V)"

expect 2 'for -d/--delay' "$BIN" -b -d 0
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
exit $fail
