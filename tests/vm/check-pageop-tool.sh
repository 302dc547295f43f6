#!/bin/sh
# xn-timeout: 900
# Runs inside dom0 of the patched hypervisor: xentop-numa's figures equal the
# hypervisor's counters and the 'u' walk, with pages_method "xen_op"; with
# --no-pageop it falls back to the walk ("debugkey_u") and still agrees.
# Also prints the program's CPU time per refresh with the op and with 'u'.
PAGEOP_LIB_ONLY=1
# shellcheck source=tests/vm/check-pageop.sh
. "$(ls /checks/*check-pageop.sh | head -n 1)"
need_xn
pageop_need

# Two bare domains from the helper: their memory is fixed (they never run),
# so one snapshot of the program and one reading of the op see the same
# moment. One on node 0, one split.
ida=$($PAGEOP mkdom 16384 0) || fail "mkdom: $ida"
idb=$($PAGEOP mkdom 8192 24576) || fail "mkdom: $idb"
pageop_settle 15
pageop_compare "guests created"

# "domid node_pages... method" from one --snapshot JSON document.
xn_lines() {
	tr -d '\n' | sed 's/{"id":/\n@/g' | awk '/^@/ {
		id = substr($0, 2); sub(/[^0-9].*/, "", id)
		np = $0; sub(/.*"node_pages":/, "", np); sub(/].*/, "", np); sub(/^\[/, "", np)
		gsub(",", " ", np)
		m = $0; sub(/.*"pages_method":/, "", m); sub(/,.*/, "", m); gsub("\"", "", m)
		print id, np, m }'
}
op_lines() { $PAGEOP query $(pageop_ids) | awk '{ l = $1; for (i = 3; i <= NF; i++) l = l " " $i; print l }'; }

check_tool() { # label method [options]
	label=$1 method=$2
	shift 2
	before=$(op_lines)
	"$XN" --snapshot "$@" >/tmp/snap.json || fail "$label: xentop-numa --snapshot exit $?"
	after=$(op_lines)
	[ "$before" = "$after" ] || fail "$label: the counters moved during the snapshot"
	xn_lines </tmp/snap.json >/tmp/xn.txt
	echo "$before" | awk -v m="$method" '{ print $0, m }' >/tmp/want.txt
	echo "$label: op (want) / xentop-numa (got):"
	sed 's/^/  want /' /tmp/want.txt
	sed 's/^/  got  /' /tmp/xn.txt
	[ "$(cat /tmp/want.txt)" = "$(cat /tmp/xn.txt)" ] || fail "$label: xentop-numa's figures differ"
}
check_tool "with the op" xen_op
check_tool "with --no-pageop" debugkey_u --no-pageop --debugkey-interval 0

# CPU per refresh (user + system of the process; hypercall time counts as
# system time in a PV dom0).
n=${PAGEOP_REFRESHES:-20}
cpu() { # options...
	# `times` in a subshell: its second line is the children's user and
	# system time, i.e. xentop-numa's.
	(
		"$XN" -b -i "$n" -d 0.1 "$@" >/dev/null || exit 1
		times
	) >/tmp/times.txt 2>&1 || fail "xentop-numa -b $* failed"
	tail -n 1 /tmp/times.txt | awk -v n="$n" '
		function sec(t) { split(t, a, "m"); sub("s", "", a[2]); return a[1] * 60 + a[2] }
		{ printf "%.1f ms CPU per refresh (user %s, sys %s, %d refreshes)\n", (sec($1) + sec($2)) * 1000 / n, $1, $2, n }'
}
echo "with the op:  $(cpu)"
echo "with 'u':     $(cpu --no-pageop --debugkey-interval 0)"
$PAGEOP rmdom "$ida"
$PAGEOP rmdom "$idb"
