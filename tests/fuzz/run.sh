#!/bin/sh
# run.sh SECONDS NAME... - run each libFuzzer harness (built by make fuzz-bin
# in build-fuzz/fuzz/) for SECONDS; print one line per harness with its
# executions and whether it found a crash. Exit 1 when any did.
set -u
secs=$1
shift
cd "$(dirname "$0")/../.." || exit 2
mkdir -p build-fuzz/logs
status=0
for name in "$@"; do
	mkdir -p "build-fuzz/corpus/$name" "tests/fuzz/crashes/$name"
	log=build-fuzz/logs/$name.log
	dict=""
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	# shellcheck disable=SC2086 # dict is one word or none
	"build-fuzz/fuzz/$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
		-print_final_stats=1 $dict -artifact_prefix="tests/fuzz/crashes/$name/" \
		"build-fuzz/corpus/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	corpus=$(grep -o 'corp: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	if [ $rc = 0 ]; then
		printf '%-14s %12s executions in %ss, corpus %s: ok\n' "$name" "${runs:-?}" "$secs" \
			"${corpus:-?}"
	else
		status=1
		printf '%-14s %12s executions: FAILED (exit %s), see %s\n' "$name" "${runs:-?}" \
			"$rc" "$log"
		grep -m 3 'ERROR\|property failed\|SUMMARY' "$log" | sed 's/^/    /'
	fi
done
exit $status
