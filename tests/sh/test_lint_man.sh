#!/bin/sh
# scripts/lint-man.sh (make lint-man) passes our pages and fails a page with a
# troff "can't break line" warning and one with a line over 80 columns at
# MANWIDTH=80, so that CI catches both.
set -u
XN_KEEP_GOING=1
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
ROOT=${XN_ROOT:-.}
command -v mandoc >/dev/null || skip "mandoc is not installed"
command -v man >/dev/null || skip "man is not installed"
sh "$ROOT/scripts/lint-man.sh" "$ROOT/xentop-numa.1" "$ROOT/man/xentop-numa-json.5" >"$tmp/ok" 2>&1 ||
	fail "our pages: $(head -5 "$tmp/ok")"
page() { # NAME BODY
	printf '.Dd December 6, 2026\n.Dt T 1\n.Os\n.Sh NAME\n.Nm t\n.Nd test\n.Sh DESCRIPTION\n%s\n' "$2" >"$tmp/$1.1"
}
# a column list no line can hold: troff cannot break it
page unbreak '.Bl -column "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" "c"
.It aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa Ta bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb Ta cccccccccc
.El'
page wide '.Bd -literal
a literal line that runs well past the eighty columns of the terminal, as some did
.Ed'
page clean 'A short page.'
sh "$ROOT/scripts/lint-man.sh" "$tmp/clean.1" >"$tmp/c" 2>&1 || fail "a clean page fails: $(cat "$tmp/c")"
sh "$ROOT/scripts/lint-man.sh" "$tmp/unbreak.1" >"$tmp/u" 2>&1 && fail "a troff warning passes"
grep -q "troff warnings" "$tmp/u" || fail "no troff warning reported: $(cat "$tmp/u")"
sh "$ROOT/scripts/lint-man.sh" "$tmp/wide.1" >"$tmp/w" 2>&1 && fail "a line over 80 columns passes"
grep -q "over 80 columns" "$tmp/w" || fail "no wide line reported: $(cat "$tmp/w")"
xn_finish test_lint_man
