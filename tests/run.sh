#!/bin/sh
# Run every test of xentop-numa from the top of the tree; print one line per
# test and the tally "N passed, N failed, N skipped". A test is:
#   - each unit binary (built twice: build/ and build-asan/ with ASan+UBSan),
#     among them build*/tests/test_fuzz_NAME: the libFuzzer harness
#     tests/fuzz/NAME.c with a plain driver that replays its seed corpus and
#     saved crash inputs (tests/fuzz/corpus/NAME, tests/fuzz/crashes/NAME);
#   - each tests/sh/test_*.sh, run against ./xentop-numa and again against
#     build-asan/xentop-numa (XN_BIN says which); exit 77 = skipped;
#   - tests/vm/run.sh (the QEMU lab: real Xen, multi-node Linux) unless XN_NO_VM=1.
# XN_BUILDS="build-noxen" runs the unit binaries of other builds; XN_NO_SH=1
# leaves out the shell tests (the build variants of .ci/run use both).
# XN_ONLY="pattern..." runs only tests whose name contains one of the
# blank-separated patterns (make mutate uses it to run the tests that bear
# on a planted bug).
# A test that could run only in part prints "SKIP: reason" for each part it
# left out (lib.sh's skip_part): each such line counts as one skip.
set -u
cd "$(dirname "$0")/.." || exit 2
pass=0 fail=0 skip=0 failed=""
logdir=build/test-logs
mkdir -p "$logdir"
: >"$logdir/times"
start=$(date +%s)

run_one() { # name, command...
	name=$1
	shift
	if [ -n "${XN_ONLY:-}" ]; then
		hit=0
		for pat in $XN_ONLY; do
			case "$name" in *"$pat"*) hit=1 ;; esac
		done
		[ $hit = 1 ] || return
	fi
	log="$logdir/$(echo "$name" | tr '/ ' '__').log"
	t0=$(date +%s)
	"$@" >"$log" 2>&1
	rc=$?
	# Seconds per test, for the slowest list at the end: CI's budget is
	# minutes, and where they go is the first thing to know when it grows.
	echo "$(($(date +%s) - t0)) $name" >>"$logdir/times"
	if [ $rc = 0 ]; then
		pass=$((pass + 1))
		echo "PASS $name"
		# the parts it skipped, each counted
		parts=$(grep -c '^SKIP: ' "$log")
		skip=$((skip + parts))
		grep '^SKIP: ' "$log" | sed "s|^SKIP: |SKIP $name (part): |"
	elif [ $rc = 77 ]; then
		skip=$((skip + 1))
		echo "SKIP $name: $(tail -n 1 "$log")"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL $name (exit $rc; log $log):"
		tail -n 25 "$log" | sed 's/^/    /'
	fi
}

export XN_ROOT="$PWD"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=66"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=67"

for b in ${XN_BUILDS:-build build-asan}; do
	for t in "$b"/tests/test_*; do
		[ -x "$t" ] || continue
		run_one "$b/$(basename "$t")" "$t"
	done
done
[ "${XN_NO_SH:-0}" = 1 ] || for t in tests/sh/test_*.sh; do
	[ -f "$t" ] || continue
	XN_BIN=./xentop-numa XN_HELPERS=build/helpers run_one "$(basename "$t" .sh)" sh "$t"
	XN_BIN=build-asan/xentop-numa XN_HELPERS=build/helpers \
		run_one "asan/$(basename "$t" .sh)" sh "$t"
done
if [ "${XN_NO_VM:-0}" != 1 ] && [ -f tests/vm/run.sh ]; then
	run_one "vm" sh tests/vm/run.sh
	[ -f "$logdir/vm.log" ] && grep -E '^(PASS|FAIL|SKIP) |^     \(' "$logdir/vm.log" | sed 's/^ */    vm: /'
fi

echo "slowest (seconds; all in $logdir/times; $(($(date +%s) - start)) s in all):"
sort -rn "$logdir/times" | head -n 8 | sed 's/^/    /'

echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ] || { echo "failed:$failed"; exit 1; }
