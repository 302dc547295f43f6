#!/bin/sh
# pageop-race-proof.sh - issue 25's before/after proof (not in make check):
# the page-op series as it was at REV (default f3079f5, before the fix) and
# as it is in this tree, each built with CONFIG_DEBUG=y (tests/vm/build-xen.sh,
# cached) and booted with tests/vm/checks/pageop/pageop-race.sh alone
# (pageop.sh goes in as its library only, as soak-xen.sh does with a copy).
# Expected: "FAIL pageopdbg-before/..." (the series' own assertion: Xen
# stops, so that machine runs into its timeout, XN_RACE_BEFORE_TIMEOUT,
# default 420 s) and "PASS pageopdbg-after/pageop-race". The console logs
# are build/vm/pageopdbg-before.log and build/vm/pageopdbg-after.log.
# XN_GEN=4.20 does the same on Xen 4.20 (needs its source: XN_XEN_GIT).
# Serialize it with the other lab boots:
#   xn-lab sh tests/vm/pageop-race-proof.sh [REV]
set -u
cd "$(dirname "$0")/../.." || exit 2
rev=${1:-f3079f5}
gen=${XN_GEN:-4.17}
sub=""
[ "$gen" = 4.20 ] && sub=/4.20
d=build/vm/race-proof
rm -rf "$d" && mkdir -p "$d/series-before" || exit 2
for p in $(git ls-tree --name-only "$rev" "hypervisor$sub/"); do
	case $p in *.patch) git show "$rev:$p" >"$d/series-before/$(basename "$p")" || exit 2 ;; esac
done
ls "$d"/series-before/*.patch >/dev/null 2>&1 || { echo "no series at $rev"; exit 2; }
before=$(XN_XEN_CONFIG=debug XN_SERIES_DIR=$PWD/$d/series-before sh tests/vm/build-xen.sh) ||
	{ echo "cannot build the series at $rev: $before"; exit 1; }
after=$(XN_XEN_CONFIG=debug sh tests/vm/build-xen.sh) ||
	{ echo "cannot build this tree's series: $after"; exit 1; }
sed 's/^\[ -n "\${PAGEOP_LIB_ONLY:-}" \] && return 0$/return 0 2>\/dev\/null || exit 0/' \
	tests/vm/checks/pageop/pageop.sh >"$d/pageop.sh"
grep -q '^return 0 2>/dev/null || exit 0$' "$d/pageop.sh" ||
	{ echo "pageop.sh changed: cannot make its library copy"; exit 2; }
rc=0
XN_VM_TIMEOUT=${XN_RACE_BEFORE_TIMEOUT:-420} XN_NODES=2 XN_XEN_IMAGE=$before \
	sh tests/vm/boot.sh xen pageopdbg-before "$d/pageop.sh" tests/vm/checks/pageop/pageop-race.sh &&
	{ echo "the series at $rev passed: the check did not catch the race"; rc=1; }
grep -a -m 3 -e 'Assertion' -e 'wrapped' build/vm/pageopdbg-before.log.clean
XN_VM_TIMEOUT=${XN_VM_TIMEOUT:-1500} XN_NODES=2 XN_XEN_IMAGE=$after \
	sh tests/vm/boot.sh xen pageopdbg-after "$d/pageop.sh" tests/vm/checks/pageop/pageop-race.sh ||
	rc=1
exit $rc
