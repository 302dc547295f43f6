#!/bin/sh
# xn-timeout: 1800
# Runs inside dom0 of the patched hypervisor: a running guest's balloon driver
# takes memory (xl mem-set up) and gives it back (down); the op equals the
# 'u' walk after each, and the guest's total follows the target.
PAGEOP_LIB_ONLY=1
# shellcheck source=tests/vm/checks/pageop/pageop.sh
. "$(ls /checks/[0-9]*-pageop.sh | head -n 1)"
pageop_need

pageop_guest_cfg pbal 128 512 >/tmp/pbal.cfg
xl create -q /tmp/pbal.cfg || fail "xl create"
wait_domu pbal 600 || fail "the guest did not come up in 600 s"
id=$(xl domid pbal)
pageop_settle 30
pageop_compare "guest up"
for target in 384 160; do
	xl mem-set pbal ${target}m || fail "xl mem-set $target"
	pageop_settle 60
	pageop_compare "after xl mem-set pbal ${target}m"
	$PAGEOP query "$id"
done
xl destroy pbal
pageop_settle 30
pageop_compare "after destroy"
