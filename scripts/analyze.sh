#!/bin/sh
# make analyze: gcc -fanalyzer, cppcheck and clang-tidy over the sources.
# Usage: analyze.sh "CFLAGS" FILE...  Exit non-zero on any finding.
set -u
flags=$1
shift
rc=0
echo "== gcc -fanalyzer"
for f in "$@"; do
	# shellcheck disable=SC2086
	gcc $flags -fanalyzer -Werror -fsyntax-only "$f" || rc=1
done
echo "== cppcheck"
cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
	--inline-suppr -D_GNU_SOURCE -DHAVE_XEN -Iinclude "$@" || rc=1
echo "== clang-tidy"
# shellcheck disable=SC2086
clang-tidy --quiet --warnings-as-errors='*' \
	--checks='-*,clang-analyzer-*,-clang-analyzer-security.insecureAPI.*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier,-bugprone-narrowing-conversions,-bugprone-assignment-in-if-condition' \
	"$@" -- $flags 2>/dev/null || rc=1
[ $rc = 0 ] && echo "analyze: clean"
exit $rc
