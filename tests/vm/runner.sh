# runner.sh - sourced by the VM's /init: run every /checks/NN-*.sh in order
# (each within 600 s, or what its "# xn-timeout: SECONDS" line asks: 3-5
# times what it needs on a quiet host, as TCG slows down that much while the
# host is busy), report each over the console as
# "@@@XN-RESULT PASS|FAIL|SKIP name[: reason]" (the host's boot.sh turns these
# into PASS/FAIL/SKIP lines), then files the checks left in /out as base64
# between @@@XN-FILE markers, then @@@XN-DONE.
xn_run_checks() {
	for c in /checks/[0-9]*.sh; do
		[ -f "$c" ] || continue
		name=$(basename "$c" .sh)
		name=${name#[0-9][0-9]-}
		t0=$(cut -d. -f1 /proc/uptime)
		echo "@@@XN-BEGIN $name (uptime $t0 s)"
		# A check may ask for more time with a line "# xn-timeout: SECONDS".
		limit=$(sed -n 's/^# xn-timeout: *\([0-9][0-9]*\).*/\1/p' "$c" | head -n 1)
		limit=${limit:-${XN_CHECK_TIMEOUT:-600}}
		timeout "$limit" sh "$c" >/tmp/check.log 2>&1
		rc=$?
		sed 's/^/  | /' /tmp/check.log
		echo "@@@XN-TIME $name $(($(cut -d. -f1 /proc/uptime) - t0)) s"
		case $rc in
		0) echo "@@@XN-RESULT PASS $name" ;;
		77) echo "@@@XN-RESULT SKIP $name: $(tail -n 1 /tmp/check.log)" ;;
		124 | 143)
			echo "@@@XN-RESULT FAIL $name (exit $rc): timed out after $limit s waiting for the check to finish;" \
				"its last line: $(tail -n 1 /tmp/check.log)"
			;;
		*) echo "@@@XN-RESULT FAIL $name (exit $rc): $(tail -n 1 /tmp/check.log)" ;;
		esac
	done
	for f in /out/*; do
		[ -f "$f" ] || continue
		echo "@@@XN-FILE $(basename "$f")"
		base64 "$f"
		echo "@@@XN-FILE-END"
	done
	echo "@@@XN-DONE"
}
