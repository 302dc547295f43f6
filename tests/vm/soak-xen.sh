#!/bin/sh
# soak-xen.sh - `make soak-xen` (not part of make check): the Xen side of the
# soak. Boots the patched hypervisor's lab machine (tests/vm/build-xen.sh)
# with checks/pageop/pageop-scale.sh's churn run for SOAK_SECONDS (default 1800;
# issue 10's churn is SOAK_SECONDS=300) over SOAK_XEN_DOMAINS bare domains
# (default 300): named domains created and destroyed while xentop-numa
# samples every 0.2 s; fails on an error line, a destroyed domain shown
# after its destruction completed, a scale domain missing or inexact in any
# sample, or RSS / open fds grown (tests/vm/checks/pageop/pageop-scale.sh). The
# exactness checks run first; the timing part is left out.
# Prints PASS/FAIL/SKIP lines like tests/vm/run.sh; the console log is
# build/vm/pageop-soak.log. Exit 77 when the lab cannot run here.
set -u
cd "$(dirname "$0")/../.." || exit 2
vm=tests/vm
secs=${SOAK_SECONDS:-1800}
n=${SOAK_XEN_DOMAINS:-300}
case $secs$n in *[!0-9]*)
	echo "SOAK_SECONDS and SOAK_XEN_DOMAINS must be whole numbers"
	exit 2
	;;
esac
command -v qemu-system-x86_64 >/dev/null ||
	{ echo "qemu-system-x86_64 is not installed (Debian package qemu-system-x86)"; exit 77; }
mkdir -p build/vm/soak-xen
# The lab copies only check scripts into the machine: the parameters go
# into a copy of the check (its defaults are plain assignments).
sed -e "s/^n=.*/n=$n/" -e "s/^churn_secs=.*/churn_secs=$secs/" -e "s/^timing=.*/timing=0/" \
	-e "s/^# xn-timeout: .*/# xn-timeout: $((secs * 3 + 1500))/" \
	$vm/checks/pageop/pageop-scale.sh >build/vm/soak-xen/pageop-soak.sh
if ! img=$(sh $vm/build-xen.sh 2>build/vm-build-xen.err); then
	rc=$?
	[ $rc = 77 ] && { echo "SKIP soak-xen: $(echo "$img" | tail -n 1)"; exit 77; }
	echo "FAIL soak-xen/build-xen: see build/vm-build-xen.err"
	exit 1
fi
t0=$(date +%s)
XN_NODES=2 XN_XEN_IMAGE=$img XN_VM_TIMEOUT=$((secs * 3 + 2400)) \
	sh $vm/boot.sh xen pageop-soak $vm/checks/pageop/pageop.sh build/vm/soak-xen/pageop-soak.sh
rc=$?
echo "     (pageop-soak: $(($(date +%s) - t0)) s; figures: grep SCALE build/vm/pageop-soak.log)"
exit $rc
