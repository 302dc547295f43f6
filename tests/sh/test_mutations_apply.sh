#!/bin/sh
# test_mutations_apply.sh - every planted bug of tests/mutations/ (make
# mutate, make mutate-lab) still applies to the tree as it is: files move
# and code changes, and a patch that no longer applies plants nothing, so
# `make mutate` would report it and nobody runs that in CI (two of them had
# drifted: one to a moved file, one to renamed code). Then a patch made not
# to apply must be caught, so the check itself can fail.
. tests/sh/lib.sh
command -v patch >/dev/null || skip "patch is not installed"
n=0
for p in tests/mutations/*.patch; do
	[ -f "$p" ] || continue
	# the header lines (What/Only/Lab) come before the diff
	sed -n '/^--- a\//,$p' "$p" >"$tmp/diff"
	[ -s "$tmp/diff" ] || fail "$p: no diff in it"
	patch -p1 --dry-run -s -f <"$tmp/diff" >"$tmp/out" 2>&1 ||
		fail "$p no longer applies: $(head -n 3 "$tmp/out")"
	n=$((n + 1))
done
[ $n -gt 0 ] || fail "no mutation found"
echo "all $n mutations apply"

# the check can fail: a patch whose context is not in the tree
printf -- '--- a/Makefile\n+++ b/Makefile\n@@ -1,1 +1,1 @@\n-no such line in the Makefile\n+x\n' >"$tmp/bad"
patch -p1 --dry-run -s -f <"$tmp/bad" >/dev/null 2>&1 && fail "a patch that cannot apply was taken"
echo "ok   a patch that does not apply is caught"
