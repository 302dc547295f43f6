#!/bin/sh
# lint-man.sh PAGE...: each man page is clean: mandoc's lint at warning
# level, no troff warning from man(1) (e.g. "can't break line"), and no line
# of the formatted page wider than 80 columns at MANWIDTH=80. Exit 1 with
# the offending lines when one is not; 77 when man(1) is missing (mandoc's
# lint alone ran).
set -u
rc=0
mandoc -Tlint -W warning "$@" || rc=1
if ! command -v man >/dev/null; then
	echo "lint-man: man(1) is not installed: troff warnings and widths not checked"
	[ $rc = 0 ] && exit 77
	exit $rc
fi
out=$(mktemp) || exit 1
trap 'rm -f "$out" "$out.err"' EXIT
for page in "$@"; do
	MANWIDTH=80 MAN_KEEP_FORMATTING= LC_ALL=C.UTF-8 man --warnings -l "$page" >"$out" 2>"$out.err"
	if [ -s "$out.err" ]; then
		echo "$page: troff warnings:"
		cat "$out.err"
		rc=1
	fi
	# characters, not bytes: the page holds UTF-8 quotes
	wide=$(LC_ALL=C.UTF-8 python3 -c '
import sys
for n, l in enumerate(open(sys.argv[1], encoding="utf-8").read().split("\n"), 1):
    if len(l) > 80:
        print("%d: %d columns: %s" % (n, len(l), l.strip()[:60]))' "$out")
	if [ -n "$wide" ]; then
		echo "$page: lines over 80 columns at MANWIDTH=80:"
		echo "$wide"
		rc=1
	fi
done
exit $rc
