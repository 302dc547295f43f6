# The lab itself: Xen's own tools see the emulated NUMA host.
. /checks/lib.sh
xl info -n | sed -n '/^nr_nodes/p; /^numa_info/,/^xen_major/p'
n=$(xl info | awk '/^nr_nodes/ { print $3 }')
[ "$n" = "${XN_EXPECT_NODES:-$n}" ] || fail "xl info says $n nodes"
[ "$n" -ge 2 ] || fail "xl info says $n nodes; the lab emulates at least 2"
xl list
