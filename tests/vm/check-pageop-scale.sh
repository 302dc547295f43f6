#!/bin/sh
# xn-timeout: 1500
# Runs inside dom0 of the patched hypervisor: a host with many domains
# (PAGEOP_SCALE_DOMAINS, default 300 bare domains with 256 pages on each of
# nodes 0 and 1). Every domain's counts equal the 'u' walk and sum to its
# tot_pages (pageop_probe query insists: what xl list shows); then the
# cost per refresh of xentop -b, of xentop-numa with the op and with 'u', and
# of one 'u' dump against one op sweep over all domains. Not in run.sh's
# default list (it adds minutes under TCG): boot it by hand, after
# check-pageop.sh (which it sources), see hypervisor/README.md.
PAGEOP_LIB_ONLY=1
# shellcheck source=tests/vm/check-pageop.sh
. "$(ls /checks/*check-pageop.sh | head -n 1)"
need_xn
pageop_need

# Progress on the console as well: the check's own output is reported only
# when it ends, and a slow step under TCG should show where it is.
progress() { echo "scale: $*" >/dev/console 2>/dev/null || true; }

n=${PAGEOP_SCALE_DOMAINS:-300}
progress "creating $n domains"
t0=$(cut -d' ' -f1 /proc/uptime)
$PAGEOP mkdoms "$n" 256 256 >/tmp/scale.ids || fail "mkdoms: $(tail -n 1 /tmp/scale.ids)"
[ "$(wc -l </tmp/scale.ids)" -eq "$n" ] || fail "made $(wc -l </tmp/scale.ids) domains, not $n"
echo "created $n domains in $(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.0f", b - a }') s"

progress "created"
# Each made domain reads exactly 256 + 256.
# shellcheck disable=SC2046
$PAGEOP query $(cat /tmp/scale.ids) >/tmp/scale.q || fail "query of the new domains"
bad=$(awk '$2 != 512 || $3 != 256 || $4 != 256' /tmp/scale.q | head -n 3)
[ -z "$bad" ] || fail "domains not at 256+256: $bad"
echo "all $n domains read 256 pages on node 0 and 256 on node 1"

# pageop_compare prints a line per domain: keep the log short, but all of it
# when it fails.
compare_short() { # label
	if ! (pageop_compare "$1") >/tmp/scale.cmp 2>&1; then
		tail -n 20 /tmp/scale.cmp
		fail "$1: the op and the walk differ"
	fi
	head -n 3 /tmp/scale.cmp
	echo "  ... ($(grep -c ' total ' /tmp/scale.cmp) domains)"
}
progress "comparing with 'u'"
compare_short "with $n more domains"
progress "compared"

# The sums against getdomaininfo's tot_pages (what xl list shows): pageop_probe
# query fails any domain whose counts do not add up to it exactly.
# shellcheck disable=SC2046
$PAGEOP query $(pageop_ids) >/tmp/scale.all || fail "a domain's counts do not sum to its tot_pages"
echo "$(wc -l </tmp/scale.all) domains: counts sum to getdomaininfo's tot_pages"

# CPU per refresh of a process (children's user + system time).
cpu() { # refreshes command...
	r=$1
	shift
	(
		"$@" >/dev/null 2>&1 || exit 1
		times
	) >/tmp/times.txt 2>&1 || {
		echo "failed"
		return
	}
	tail -n 1 /tmp/times.txt | awk -v n="$r" '
		function sec(t) { split(t, a, "m"); sub("s", "", a[2]); return a[1] * 60 + a[2] }
		{ printf "%.1f ms CPU per refresh (%d refreshes)\n", (sec($1) + sec($2)) * 1000 / n, n }'
}
r=${PAGEOP_SCALE_REFRESHES:-5}
progress "timing"
if command -v xentop >/dev/null; then
	echo "xentop -b:           $(cpu "$r" timeout 300 xentop -b -i "$r" -d 1)"
else
	echo "xentop -b:           not installed in the lab image"
fi
echo "xentop-numa, op:     $(cpu "$r" timeout 300 "$XN" -b -i "$r" -d 0.2)"
echo "xentop-numa, 'u':    $(cpu "$r" timeout 300 "$XN" -b -i "$r" -d 0.2 --no-pageop --debugkey-interval 0.01)"
$PAGEOP timekey u 3 || fail "timing 'u'"
$PAGEOP sweep 5 || fail "timing op sweeps"

progress "destroying"
# shellcheck disable=SC2046
$PAGEOP rmdom $(cat /tmp/scale.ids) || fail "destroying the domains"
pageop_settle 60
compare_short "after destroying them"
