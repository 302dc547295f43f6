#!/bin/sh
# xn-timeout: 1800
# Runs inside dom0 of the patched hypervisor: the ABI's edges as XenServer's
# op has them (nr_nodes 0 answers 0 and writes nothing: no size query; a
# small nr_nodes is truncated, a large one clamped to the node ids) and bad
# requests (no such domain, unknown sub-op, wrong interface version, handles
# Xen must not write through: EFAULT with nr_nodes 0) get the documented
# error, never a crash or a changed count; a destroyed domain's query fails
# with ESRCH.
PAGEOP_LIB_ONLY=1
# shellcheck source=tests/vm/checks/pageop/pageop.sh
. "$(ls /checks/[0-9]*-pageop.sh | head -n 1)"
pageop_need

$PAGEOP bad || fail "a bad request was not refused as documented"
pageop_guest_cfg pb 128 256 >/tmp/pb.cfg
xl create -q -p /tmp/pb.cfg || fail "xl create"
id=$(xl domid pb)
$PAGEOP query "$id" | grep -v error || fail "query of the new guest d$id"
xl destroy pb
pageop_settle 15
out=$($PAGEOP query "$id")
echo "after destroy: $out"
case $out in
*"No such process"*) ;;
*) fail "query of destroyed d$id did not fail with ESRCH" ;;
esac
pageop_compare "after the bad requests"
