#!/bin/sh
# xn-timeout: 1800
# Runs inside dom0 of the patched hypervisor: xentop-numa's figures equal the
# hypervisor's counters and the 'u' walk, with pages_method "xen_op"; with
# --no-pageop it falls back to the walk ("debugkey_u") and still agrees.
# Also prints the program's CPU time per refresh with the op and with 'u'.
PAGEOP_LIB_ONLY=1
# shellcheck source=tests/vm/checks/pageop/pageop.sh
. "$(ls /checks/[0-9]*-pageop.sh | head -n 1)"
need_xn
pageop_need

# A guest from the toolstack, paused so that its memory stays as it is and
# one snapshot of the program and one reading of the op see the same moment;
# split across both nodes by giving it 64 MiB more on node 1.
pageop_guest_cfg pt 128 256 >/tmp/pt.cfg
xl create -q -p /tmp/pt.cfg || fail "xl create"
xl mem-max pt 256m || fail "xl mem-max"
$PAGEOP populate "$(xl domid pt)" 1 16384 /tmp/pt.mfn || fail "populate"
pageop_settle 15
pageop_compare "guests created"

# "domid node_pages... method" from one --snapshot JSON document.
xn_lines() {
	tr -d '\n' | sed 's/.*"domains":\[//; s/{"id":/\n@/g' | awk '/^@/ {
		id = substr($0, 2); sub(/[^0-9].*/, "", id)
		np = $0; sub(/.*"node_pages":/, "", np); sub(/].*/, "", np); sub(/^\[/, "", np)
		gsub(",", " ", np)
		m = $0; sub(/.*"pages_method":/, "", m); sub(/,.*/, "", m); gsub("\"", "", m)
		print id, np, m }'
}
# shellcheck disable=SC2046
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
check_tool "with --no-pageop" debugkey_u --no-pageop --debugkey-interval 0.01

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
echo "with 'u':     $(cpu --no-pageop --debugkey-interval 0.01)"
xl destroy pt
