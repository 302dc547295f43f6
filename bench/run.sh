#!/bin/sh
# make bench: run every bench/bench_*.sh; each prints its figures as ratios
# against a peer measured in the same run. A bench exits non-zero when its
# target is not met or its peer is missing (77: it could not run here, e.g.
# no QEMU lab): make bench then fails and lists it. Not part of make check.
set -u
cd "$(dirname "$0")/.." || exit 2
rc=0
summary=""
for b in bench/bench_*.sh; do
	[ -f "$b" ] || continue
	echo "=== $b"
	sh "$b"
	r=$?
	case $r in
	0) res="ok" ;;
	77) res="NOT RUN (exit 77: could not run here)" ;;
	*) res="FAILED (exit $r: target not met or peer missing)" ;;
	esac
	[ $r = 0 ] || rc=1
	summary="$summary
$(basename "$b" .sh): $res"
done
echo "=== summary$summary"
exit $rc
