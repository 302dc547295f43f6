# The unit tests with a dom0 part, run in dom0 (the build machine is not
# one): test_xen_probe (probe and open succeed; a sample lists Domain-0 on
# XN_EXPECT_NODES nodes) and test_pageop (Debian's hypervisor has no page
# op: the probe and a query say "no op here" and write nothing). The
# patched hypervisor's boot runs test_pageop with the op (checks/pageop/pageop.sh).
. /checks/lib.sh
for t in test_xen_probe test_pageop; do
	[ -x /usr/libexec/xn/$t ] || skip "$t is not in the image (make tests-bin with libxen-dev)"
done
export XN_EXPECT_NODES
/usr/libexec/xn/test_xen_probe || { echo "DIFF test_xen_probe failed in dom0"; bad=$((bad + 1)); }
XN_EXPECT_PAGEOP=0 /usr/libexec/xn/test_pageop || { echo "DIFF test_pageop failed in dom0"; bad=$((bad + 1)); }
[ $bad = 0 ] || fail "$bad unit tests failed in dom0"
