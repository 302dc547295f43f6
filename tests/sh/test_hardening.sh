#!/bin/sh
# Issue 12's command-line reproducers against the real binary: a hostile
# recording reaches neither stdout (text, CSV) nor stderr raw; --replay of
# /dev/zero and of a FIFO without a writer end at once with an error; -p with
# a bad PID list is a usage error (2); -h and -V to a full device fail (1).
set -u
XN_KEEP_GOING=1
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
xn_need_bin
FIX=tests/fixtures/replay
esc=$(printf '\033')
bel=$(printf '\007')

# raw_ctl FILE: true when FILE holds a control byte other than newline, or
# U+202E, U+200B, U+0301 or U+540D raw.
raw_ctl() {
	LC_ALL=C grep -q "[$esc$bel]" "$1" && return 0
	grep -q "$(printf '\342\200\256')\|$(printf '\342\200\213')\|$(printf '\314\201')\|$(printf '\345\220\215')" "$1"
}

for fmt in text csv; do
	"$BIN" --replay "$FIX/hostile.jsonl" -b --format "$fmt" >"$tmp/out.$fmt" 2>"$tmp/err.$fmt"
	rc=$?
	[ $rc = 0 ] || fail "$fmt: hostile recording exited $rc"
	raw_ctl "$tmp/out.$fmt" && fail "$fmt: raw control or format character on stdout"
	raw_ctl "$tmp/err.$fmt" && fail "$fmt: raw control character on stderr"
	grep -q '\\xe5\\x90\\x8d' "$tmp/out.$fmt" || [ "$fmt" = text ] ||
		fail "$fmt: wide character not escaped"
done
grep -q ":2: time: .*\\\\x1b]0;pwn\\\\x07" "$tmp/err.text" || fail "bad time not quoted escaped"
grep -q ":3: bad JSON .*near '\\\\x1b'" "$tmp/err.text" || fail "jansson's text not escaped"
grep -q ":4: time: \"9999-12-31T23:59:60Z\"" "$tmp/err.text" || fail "year 10000 accepted"
grep -q ":5: .*pages_age_ms" "$tmp/err.text" || fail "INT64_MAX age accepted"
grep -q ":6: .*state: .*\\\\x1b\[31m" "$tmp/err.text" || fail "hostile state accepted"

# /dev/zero and a FIFO without a writer: an error at once (timeout is only
# a guard against a hang: it fails the test, it does not time it)
if [ -r /dev/zero ]; then
	timeout 20 "$BIN" --replay /dev/zero -b --refreshes 1 >/dev/null 2>"$tmp/zero"
	rc=$?
	[ $rc = 1 ] || fail "--replay /dev/zero exited $rc, not 1"
	grep -q 'not a regular file' "$tmp/zero" || fail "/dev/zero: $(cat "$tmp/zero")"
fi
mkfifo "$tmp/fifo" || fail "mkfifo"
timeout 20 "$BIN" --replay "$tmp/fifo" -b --refreshes 1 >/dev/null 2>"$tmp/fifo.err"
rc=$?
[ $rc = 1 ] || fail "--replay FIFO exited $rc, not 1 (124: it hung)"
grep -q 'not a regular file' "$tmp/fifo.err" || fail "FIFO: $(cat "$tmp/fifo.err")"

# -p: a bad list is a usage error, as the man page says
for p in '' 0 99999999999 4194305 1,,2 5, ,5 -1 1x; do
	"$BIN" -s linux -p "$p" -b --refreshes 1 >/dev/null 2>"$tmp/p.err"
	rc=$?
	[ $rc = 2 ] || fail "-p '$p' exited $rc, not 2"
	grep -q 'invalid value' "$tmp/p.err" || fail "-p '$p': $(cat "$tmp/p.err")"
done

# -h and -V to a full device: a write error, not success
if [ -w /dev/full ]; then
	for o in -h -V; do
		"$BIN" $o >/dev/full 2>"$tmp/full.err"
		rc=$?
		[ $rc = 1 ] || fail "$o >/dev/full exited $rc, not 1"
		grep -q 'write error' "$tmp/full.err" || fail "$o >/dev/full: $(cat "$tmp/full.err")"
	done
fi
xn_finish test_hardening
