#!/bin/sh
# Xen costs, measured in the QEMU lab (tests/vm): CPU per refresh of
# xentop-numa vs xentop -b on the same booted host, and the cost of one
# debug key 'u' dump as guest memory grows. Under TCG absolute times are
# slow; the ratios are what carries over. Exit 77 when the lab cannot run.
set -u
cd "$(dirname "$0")/.." || exit 2
[ -x ./xentop-numa ] || { echo "bench_xen: build xentop-numa first (make)"; exit 77; }
out=$(XN_VM_DIR=${XN_VM_DIR:-build/vm} sh tests/vm/boot.sh xen bench tests/vm/checks/bench/xen_cost.sh)
rc=$?
[ $rc = 77 ] && { echo "$out" | tail -n 1; exit 77; }
grep -a -o 'BENCH .*' "${XN_VM_DIR:-build/vm}/bench.log.clean" | sed 's/^BENCH //' | tee build/vm/bench_xen.txt
ours=$(awk '$1 == "cpu_per_refresh" && $2 == "xentop-numa" { print $3 }' build/vm/bench_xen.txt)
theirs=$(awk '$1 == "cpu_per_refresh" && $2 == "xentop" { print $3 }' build/vm/bench_xen.txt)
[ $rc = 0 ] || { echo "bench_xen: FAIL: the lab run exited $rc"; exit 1; }
# the peer (xentop -b) measured in the same boot, or the bench failed
if [ -z "$ours" ] || [ -z "$theirs" ] || [ "$theirs" -le 0 ]; then
	echo "bench_xen: FAIL: no figure for xentop-numa ('$ours') or its peer xentop ('$theirs')"
	exit 1
fi
echo "ratio xentop-numa/xentop CPU per refresh: $(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }')"
