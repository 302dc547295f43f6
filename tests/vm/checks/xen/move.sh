# xn-timeout: 900
# --move-memory on Debian's packaged hypervisor, built without shadow
# paging: PV log-dirty is impossible, so the live move is refused with that
# reason before anything starts, and nothing changes (same id, same pages by
# debug key 'u', no "--incoming" domain). xl itself, asked for the same
# migration, fails with "Failed to enable logdirty" and also leaves the guest
# running (its output is kept as a fixture candidate). The non-live path,
# asked for with --offline, moves every page to the target (by 'u').
. /checks/lib.sh
need_xn
mkdir -p /out
xl info | grep -q '^virt_caps.* shadow' && skip "this Xen has shadow paging: the live move would work"
make_guest xnmv 128 128 0 || fail "xl create xnmv failed"
wait_domu xnmv 240 || fail "xnmv did not come up in 240 s"
id=$(domid_of xnmv)
u_of() { xen_u_pages | awk -v d="$1" '$1 == d { print $2, $3 }'; }
unchanged() { # what
	[ "$(domid_of xnmv)" = "$id" ] || fail "$1: xnmv is no longer domain $id"
	xl list xnmv | awk 'NR == 2 { print $5 }' | grep -q '[rb]' || fail "$1: xnmv is not running"
	xl list | grep -q -- '--incoming' && fail "$1: an --incoming domain exists: $(xl list)"
	[ "$(u_of "$id")" = "$before" ] || fail "$1: xnmv's pages changed: $(u_of "$id")"
	echo "ok   $1: still domain $id, running, pages unchanged"
}
before=$(u_of "$id")
echo "before: $before" | tr '\n' ' '
echo
[ "$(echo "$before" | awk '$1 == 0 { print $2 }')" = 32768 ] || fail "xnmv is not all on node 0"

"$XN" --move-memory xnmv=1 >/out/move-refused.out 2>&1
rc=$?
cat /out/move-refused.out
[ $rc = 5 ] || fail "live move: exit $rc, expected 5 (refused)"
grep -q "live move impossible: this Xen has no shadow paging" /out/move-refused.out ||
	fail "the refusal does not give the log-dirty reason"
grep -q "nothing started; --offline moves it" /out/move-refused.out || fail "no --offline offer"
unchanged "after the refused move"

# What xl does when asked anyway: it fails at the sender, guest untouched.
printf 'name = "xnmv"\ntype = "pv"\nkernel = "/guest/vmlinuz"\nramdisk = "/guest/initrd"\nmemory = 128\ncpus_soft = "node:1"\n' >/tmp/xnmv1.cfg
xl migrate -C /tmp/xnmv1.cfg -s "" xnmv "xl migrate-receive" >/out/xl-migrate-logdirty.out 2>&1
rc=$?
cat /out/xl-migrate-logdirty.out
[ $rc != 0 ] || fail "xl migrate succeeded without shadow paging"
grep -q "Failed to enable logdirty" /out/xl-migrate-logdirty.out || fail "xl failed for another reason"
i=0
while xl list | grep -q -- '--incoming'; do
	i=$((i + 1))
	[ $i -gt 30 ] && break
	sleep 1
done
unchanged "after xl migrate failed"

"$XN" --move-memory xnmv=1 --offline >/out/move-offline-xen2.out 2>&1
rc=$?
cat /out/move-offline-xen2.out
[ $rc = 0 ] || fail "offline move: exit $rc"
nid=$(domid_of xnmv) || fail "no xnmv after the offline move"
after=$(u_of "$nid")
echo "after: d$nid $after" | tr '\n' ' '
echo
[ "$(echo "$after" | awk '$1 == 1 { print $2 }')" = 32768 ] || fail "offline: not all pages on node 1"
xl destroy xnmv
