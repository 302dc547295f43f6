# The lab itself: Xen's own tools see the emulated NUMA host, with as many
# nodes as boot.sh emulated (XN_EXPECT_NODES, from the kernel command line).
. /checks/lib.sh
xl info -n | sed -n '/^nr_nodes/p; /^numa_info/,/^xen_major/p'
[ -n "${XN_EXPECT_NODES:-}" ] || fail "XN_EXPECT_NODES is not set (boot.sh puts it on dom0's command line)"
n=$(xl info | awk '/^nr_nodes/ { print $3 }')
same "nodes (xl info vs boot.sh)" "$XN_EXPECT_NODES" "$n"
same "online nodes listed by xl info -n" "$XN_EXPECT_NODES" "$(xl_nodes | wc -l)"
xl list
[ $bad = 0 ] || fail "xl info says $n nodes; boot.sh emulated $XN_EXPECT_NODES"
