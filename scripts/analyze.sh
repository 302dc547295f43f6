#!/bin/sh
# make analyze: gcc -fanalyzer, cppcheck and clang-tidy over the sources.
# Usage: analyze.sh "CFLAGS" FILE...  Exit non-zero on any finding.
# Files are analysed XN_JOBS (default 2) at a time: minutes of CI's budget.
set -u
flags=$1
shift
rc=0
jobs=${XN_JOBS:-2}
export flags
echo "== gcc -fanalyzer"
# shellcheck disable=SC2016 # ($flags and $1 are the child shell's)
printf '%s\n' "$@" | xargs -P "$jobs" -n 1 sh -c \
	'gcc $flags -fanalyzer -Werror -fsyntax-only "$1"' sh || rc=1
echo "== cppcheck"
cppcheck -j "$jobs" --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
	--inline-suppr -D_GNU_SOURCE -DHAVE_XEN -Iinclude "$@" || rc=1
echo "== clang-tidy"
# The static analyzer plus the bugprone checks that find real bugs in C; the
# style-only ones (strcmp without "!= 0", branch clones) are left out.
# valist.Uninitialized is a known false positive of clang-tidy 14 when it
# reads va_start through macros (vsnprintf after va_start).
checks='-*,clang-analyzer-*,-clang-analyzer-security.insecureAPI.*,-clang-analyzer-valist.Uninitialized'
checks="$checks,bugprone-sizeof-expression,bugprone-misplaced-widening-cast,bugprone-signal-handler"
checks="$checks,bugprone-integer-division,bugprone-too-small-loop-variable,bugprone-infinite-loop"
checks="$checks,bugprone-not-null-terminated-result,bugprone-suspicious-memset-usage"
export checks
# One file a call: several at once trip clang-tidy 14's va_list tracking.
# shellcheck disable=SC2016 # ($flags, $checks and $1 are the child shell's)
printf '%s\n' "$@" | xargs -P "$jobs" -n 1 sh -c \
	'clang-tidy --quiet --warnings-as-errors="*" --checks="$checks" "$1" -- $flags 2>/dev/null' sh || rc=1
[ $rc = 0 ] && echo "analyze: clean"
exit $rc
