#!/bin/sh
# xn-timeout: 1800
# Runs inside dom0 of the patched hypervisor (XN_XEN_IMAGE=$(sh tests/vm/build-xen.sh)):
# for every domain, the per-node counts of XEN_DOMCTL_numa_op (XenServer's
# GET_NODE_PAGES, hypervisor/README.md) equal a
# full walk of its pages (debug key 'u', as shipped) at quiescent moments:
# after boot; after creating domains; after giving one pages on node 0,
# one on node 1 and one on both (populate_physmap with an exact node, as the
# domain builder and balloon driver do), where the counts must also move by
# exactly the pages given, on exactly that node; after XENMEM_exchange; after
# taking pages back (decrease_reservation); after destroying the guests.
# Ballooning a running guest is pageop-balloon.sh.
#
# The other pageop-*.sh checks source this file with PAGEOP_LIB_ONLY=1
# for the functions below (the lab copies only check scripts into the VM).
. /checks/lib.sh
PAGEOP=${PAGEOP:-/usr/libexec/xn/pageop_probe}

# These checks run only on the patched hypervisor (run.sh's pageop boot):
# there an op that does not answer is a failure, never a skip.
pageop_need() {
	[ -x "$PAGEOP" ] || skip "helper pageop_probe is not in the image (make tests-bin with libxen-dev)"
	$PAGEOP probe ||
		fail "this hypervisor has no page op (run.sh boots XN_XEN_IMAGE=\$(sh tests/vm/build-xen.sh) for these checks)"
}

pageop_guest_cfg() { # name memory-MiB maxmem-MiB
	cat <<EOF
name = "$1"
type = "pv"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd"
extra = "console=hvc0"
memory = $2
maxmem = $3
vcpus = 1
on_crash = "destroy"
EOF
}

pageop_ids() { $PAGEOP ids | tr "\n" " "; }

# "D domid total" and "N domid node pages" lines from the op, sorted.
pageop_op_lines() { # domid...
	# shellcheck disable=SC2068
	$PAGEOP query $@ | awk '
		$2 == "error" { print "E", $0; next }
		{ print "D", $1, $2; for (i = 3; i <= NF; i++) print "N", $1, i - 3, $i }' | sort
}

# One 'u' dump, read from a cleared console ring: reading back the whole
# 1 MiB ring through busybox under TCG takes tens of seconds. The keyhandler
# runs synchronously in the sysctl, so the dump is complete when xl returns.
pageop_u_dump() {
	xl dmesg -c >/dev/null
	xl debug-keys u
	xl dmesg -c | sed 's/^(XEN) //'
}

# The same lines from one 'u' dump.
pageop_u_lines() {
	pageop_u_dump | awk '
		/^Domain [0-9]+ \(total: [0-9]+\)/ { d = $2; t = $4; sub(/\):?/, "", t); print "D", d, t; next }
		/^d[0-9]+ \(total: [0-9]+\)/ { d = substr($1, 2); t = $3; sub(/\):?/, "", t); print "D", d, t; next }
		/^ *Node [0-9]+:/ { n = $2; sub(":", "", n); print "N", d, n, $3 }' | sort
}

# Wait (up to N s) until two op readings 3 s apart agree: balloon drivers and
# dying domains have finished. Not quiet by then: said, and the comparison
# that follows retries for a quiet moment itself.
pageop_settle() { # seconds
	# shellcheck disable=SC2046 # one argument per domain id
	_sa=$(pageop_op_lines $(pageop_ids))
	_send=$(($(now) + $1))
	while :; do
		sleep 3 # the interval between the two readings compared, not a wait
		# shellcheck disable=SC2046
		_sb=$(pageop_op_lines $(pageop_ids))
		[ "$_sa" = "$_sb" ] && return 0
		_sa=$_sb
		[ "$(now)" -lt "$_send" ] || break
	done
	echo "timed out after $1 s waiting for two equal op readings 3 s apart (not quiet)"
	return 0
}

# Compare the op with a 'u' walk for every domain; a reading is taken only
# when the op gives the same answer just before and just after the walk.
pageop_compare() { # label
	try=0 _cend=$(($(now) + ${PAGEOP_QUIET_SECONDS:-300}))
	while [ "$(now)" -lt "$_cend" ] || [ $try = 0 ]; do
		try=$((try + 1))
		ids=$(pageop_ids)
		a=$(pageop_op_lines $ids)
		u=$(pageop_u_lines)
		b=$(pageop_op_lines $ids)
		[ "$a" = "$b" ] || {
			sleep 2
			continue
		}
		if [ "$a" = "$u" ]; then
			echo "EQUAL $1 (uptime $(cut -d' ' -f1 /proc/uptime) s):"
			echo "$a" | awk '$1 == "D" { t[$2] = $3; ids[++n] = $2 } $1 == "N" { l[$2] = l[$2] " n" $3 "=" $4 }
				END { for (i = 1; i <= n; i++) print "  d" ids[i] " total " t[ids[i]] ":" l[ids[i]] }'
			return 0
		fi
		# A domain may come or go between xl list and the walk: retry.
		ua=$(echo "$u" | awk '$1 == "D" { print $2 }' | tr '\n' ' ')
		aa=$(echo "$a" | awk '$1 == "D" { print $2 }' | tr '\n' ' ')
		if [ "$ua" != "$aa" ]; then
			sleep 2
			continue
		fi
		echo "DIFF $1 (op then walk):"
		echo "$a" >/tmp/op.txt
		echo "$u" >/tmp/u.txt
		awk 'NR == FNR { op[$0] = 1; next } !($0 in op) { print "  walk only: " $0 }' /tmp/op.txt /tmp/u.txt
		awk 'NR == FNR { w[$0] = 1; next } !($0 in w) { print "  op only:   " $0 }' /tmp/u.txt /tmp/op.txt
		fail "$1: the op and the walk differ"
	done
	fail "$1: timed out after ${PAGEOP_QUIET_SECONDS:-300} s ($try tries) waiting for a quiet moment (op equal before and after a 'u' walk)"
}

[ -n "${PAGEOP_LIB_ONLY:-}" ] && return 0

pageop_need
# The unit test's dom0 part, with the op (see tests/unit/test_pageop.c).
if [ -x /usr/libexec/xn/test_pageop ]; then
	XN_EXPECT_PAGEOP=1 XN_EXPECT_NODES=$XN_EXPECT_NODES /usr/libexec/xn/test_pageop ||
		fail "test_pageop failed in dom0 of the patched hypervisor"
else
	echo "note: test_pageop is not in the image"
fi
pageop_compare "after boot"

# Bare domains made by the helper (no kernel, never run): only dom0's
# requests below change their memory. (xl create costs ~90 s under TCG; the
# toolstack's own guest creation and ballooning are pageop-balloon.sh.)
id0=$($PAGEOP mkdom 0 0) || fail "mkdom pg0: $id0"
id1=$($PAGEOP mkdom 0 0) || fail "mkdom pg1: $id1"
id2=$($PAGEOP mkdom 0 0) || fail "mkdom pg2: $id2"
pageop_settle 15
pageop_compare "after creating 3 guests"

# Delta of each guest's counts between two readings must be exactly "want".
delta_is() { # label before after want-lines("domid total n0 n1")
	echo "$4" >/tmp/want
	echo "$2" >/tmp/before
	echo "$3" | awk -v label="$1" '
		FILENAME == "/tmp/want" { w[$1] = $0; next }
		FILENAME == "/tmp/before" { for (i = 2; i <= NF; i++) b[$1, i] = $i; next }
		($1 in w) {
			split(w[$1], x, " ")
			l = ""
			for (i = 2; i <= NF; i++) {
				d = $i - b[$1, i]
				l = l " " d
				if (d != x[i]) bad = 1
			}
			printf "  d%s change (total n0 n1 ...):%s, want %s\n", $1, l, substr(w[$1], length($1) + 2)
		}
		END { exit bad }' /tmp/want /tmp/before - || fail "$1: the counts did not move by the pages given"
}

before=$($PAGEOP query "$id0" "$id1" "$id2")
$PAGEOP populate "$id0" 0 32768 /tmp/pg0.mfn || fail "populate pg0 on node 0"
$PAGEOP populate "$id1" 1 32768 /tmp/pg1.mfn || fail "populate pg1 on node 1"
$PAGEOP populate "$id2" 0 16384 /tmp/pg2.mfn || fail "populate pg2 on node 0"
$PAGEOP populate "$id2" 1 16384 /tmp/pg2.mfn || fail "populate pg2 on node 1"
after=$($PAGEOP query "$id0" "$id1" "$id2")
delta_is "populate" "$before" "$after" "$id0 32768 32768 0
$id1 32768 0 32768
$id2 32768 16384 16384"
pageop_compare "after giving pg0 128 MiB on node 0, pg1 on node 1, pg2 half on each"

# XENMEM_exchange: pages leave (steal_page) and new ones join (assign_pages)
# with tot_pages untouched; steer the new ones to node 1.
$PAGEOP nodeaff "$id2" 1 || fail "node affinity of pg2"
before=$($PAGEOP query "$id2")
$PAGEOP exchange "$id2" /tmp/pg2.mfn || fail "exchange pg2's pages"
after=$($PAGEOP query "$id2")
echo "pg2 before the exchange: $before"
echo "pg2 after the exchange:  $after"
[ "$(echo "$before" | cut -d' ' -f2)" = "$(echo "$after" | cut -d' ' -f2)" ] ||
	fail "exchange changed pg2's total"
# Every one of its 32768 pages was exchanged; the new ones follow the node
# affinity (node 1, which has room): node 1 gained node 0's 16384.
delta_is "exchange steered to node 1" "$before" "$after" "$id2 0 -16384 16384"
pageop_compare "after exchanging pg2's 32768 pages"

before=$($PAGEOP query "$id0" "$id1")
$PAGEOP depopulate "$id0" /tmp/pg0.mfn || fail "decrease_reservation of pg0"
$PAGEOP depopulate "$id1" /tmp/pg1.mfn || fail "decrease_reservation of pg1"
after=$($PAGEOP query "$id0" "$id1")
delta_is "decrease_reservation" "$before" "$after" "$id0 -32768 -32768 0
$id1 -32768 0 -32768"
pageop_compare "after taking the pages back"

$PAGEOP rmdom "$id0" || fail "destroy d$id0"
$PAGEOP rmdom "$id1" || fail "destroy d$id1"
$PAGEOP rmdom "$id2" || fail "destroy d$id2"
pageop_settle 30
pageop_compare "after destroying the guests"
echo "every comparison equal"
