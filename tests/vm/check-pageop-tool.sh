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

for g in pt0 pt1; do
	pageop_guest_cfg $g 128 256 >/tmp/$g.cfg
	# Paused: their memory is fixed from creation on, so one snapshot of the
	# program and one reading of the op see the same moment.
	xl create -q -p /tmp/$g.cfg || fail "xl create $g"
done
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
	/bin/busybox time -f "%U %S %e" "$XN" -b -i "$n" -d 0.1 "$@" >/dev/null 2>/tmp/time.txt ||
		fail "xentop-numa -b $* failed"
	tail -n 1 /tmp/time.txt | awk -v n="$n" '{ printf "%.2f ms CPU per refresh (user %s s, sys %s s, wall %s s, %d refreshes)\n", ($1 + $2) * 1000 / n, $1, $2, $3, n }'
}
echo "with the op:  $(cpu)"
echo "with 'u':     $(cpu --no-pageop --debugkey-interval 0)"
for g in pt0 pt1; do xl destroy $g; done
