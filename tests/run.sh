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
# XN_JOBS (default 2): tests at once before the lab (which runs alone).
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

# XN_JOBS (default 2): tests run at once, outside the lab. Each test has its
# own temporary directory, log and ports (port 0), so two can run side by
# side; the lab runs alone after them (QEMU's emulated CPUs need the cores:
# beside other work its checks miss their deadlines).
jobs=${XN_JOBS:-2}
pending="" # "pid:name" of tests started and not yet reported, oldest first

# run_test NAME CMD...: run one test, its status to $logdir/NAME.rc
run_test() {
	log="$logdir/$(echo "$1" | tr '/ ' '__').log"
	name=$1
	shift
	t0=$(date +%s)
	"$@" >"$log" 2>&1
	echo $? >"$log.rc"
	# Seconds per test, for the slowest list at the end: CI's budget is
	# minutes, and where they go is the first thing to know when it grows.
	echo "$(($(date +%s) - t0)) $name" >>"$logdir/times"
}

# report NAME: count and print the result of a finished test
report() {
	name=$1
	log="$logdir/$(echo "$name" | tr '/ ' '__').log"
	rc=$(cat "$log.rc" 2>/dev/null || echo 2)
	rm -f "$log.rc"
	if [ "$rc" = 0 ]; then
		pass=$((pass + 1))
		echo "PASS $name"
		# the parts it skipped, each counted
		parts=$(grep -c '^SKIP: ' "$log")
		skip=$((skip + parts))
		grep '^SKIP: ' "$log" | sed "s|^SKIP: |SKIP $name (part): |"
	elif [ "$rc" = 77 ]; then
		skip=$((skip + 1))
		echo "SKIP $name: $(tail -n 1 "$log")"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL $name (exit $rc; log $log):"
		tail -n 25 "$log" | sed 's/^/    /'
	fi
}

# reap_oldest: wait for the oldest test started and report it (results come
# out in the order the tests were started, whatever order they end in)
reap_oldest() {
	first=${pending%% *}
	pending=${pending#"$first"}
	pending=${pending# }
	wait "${first%%:*}"
	report "${first#*:}"
}

selected() { # name: whether XN_ONLY lets it run
	[ -n "${XN_ONLY:-}" ] || return 0
	for pat in $XN_ONLY; do
		case "$1" in *"$pat"*) return 0 ;; esac
	done
	return 1
}

# run_one NAME CMD...: start a test, at most $jobs at once
run_one() {
	selected "$1" || return 0
	run_test "$@" &
	pending="${pending:+$pending }$!:$1"
	# shellcheck disable=SC2086 # (split on purpose: one word a test)
	set -- $pending
	[ $# -lt "$jobs" ] || reap_oldest
}

# finish_all: report every test still running
finish_all() { while [ -n "$pending" ]; do reap_oldest; done; }

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
finish_all
if [ "${XN_NO_VM:-0}" != 1 ] && [ -f tests/vm/run.sh ]; then
	run_one "vm" sh tests/vm/run.sh
	finish_all
	[ -f "$logdir/vm.log" ] && grep -E '^(PASS|FAIL|SKIP) |^     \(' "$logdir/vm.log" | sed 's/^ */    vm: /'
fi

echo "slowest (seconds; all in $logdir/times; $(($(date +%s) - start)) s in all):"
sort -rn "$logdir/times" | head -n 8 | sed 's/^/    /'

echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ] || { echo "failed:$failed"; exit 1; }
