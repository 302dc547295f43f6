#!/bin/sh
# make bench: run every bench/bench_*.sh; each prints its figures as ratios
# against a peer measured in the same run.
set -u
cd "$(dirname "$0")/.." || exit 2
rc=0
for b in bench/bench_*.sh; do
	[ -f "$b" ] || continue
	echo "=== $b"
	sh "$b" || rc=1
done
exit $rc
