#!/bin/sh
# soak-xen.sh - `make soak-xen` (not part of make check): the Xen side of the
# soak, at SOAK_XEN_DOMAINS bare named domains (default 1000). Three boots:
#  1. the patched hypervisor (tests/vm/build-xen.sh) with
#     checks/pageop/pageop-scale.sh: every domain's op counts equal to 'u'
#     and to tot_pages, xentop-numa listing each once with them, its CPU per
#     refresh against xentop's in the same boot (SOAK_XEN_REFRESHES steady
#     refreshes, default 8; make check's run measures 4), then the churn for
#     SOAK_SECONDS (default 1800; issue 10's churn is SOAK_SECONDS=300):
#     named domains created and destroyed while xentop-numa samples every
#     0.2 s; fails on an error line, a destroyed domain shown after its
#     destruction completed, a scale domain missing or inexact in any
#     sample, or RSS / open fds grown;
#  2. Debian's Xen ('u' only) with checks/bench/xen_scale.sh: every domain
#     listed once with the dump's figures, the screen (End, filter, sort)
#     and the CPU per refresh against xentop's;
#  3. Debian's Xen with its default 16 KiB console ring (conring_size=16k),
#     where the dump of that many domains overruns the ring: no figures are
#     shown and xentop-numa names conring_size= (skipped below 300 domains,
#     whose dump fits).
# SOAK_XEN_ONLY=pageop|stock|ring runs one of them.
# Prints PASS/FAIL/SKIP lines like tests/vm/run.sh; the console logs are
# build/vm/pageop-soak.log, stock-soak.log, ring-soak.log. Exit 77 when the
# lab cannot run here.
set -u
cd "$(dirname "$0")/../.." || exit 2
vm=tests/vm
secs=${SOAK_SECONDS:-1800}
n=${SOAK_XEN_DOMAINS:-1000}
refreshes=${SOAK_XEN_REFRESHES:-8}
only=${SOAK_XEN_ONLY:-}
case $secs$n$refreshes in *[!0-9]*)
	echo "SOAK_SECONDS, SOAK_XEN_DOMAINS and SOAK_XEN_REFRESHES must be whole numbers"
	exit 2
	;;
esac
command -v qemu-system-x86_64 >/dev/null ||
	{ echo "qemu-system-x86_64 is not installed (Debian package qemu-system-x86)"; exit 77; }
mkdir -p build/vm/soak-xen
# The lab copies only check scripts into the machine: the parameters go
# into a copy of the check (its defaults are plain assignments).
sed -e "s/^n=.*/n=$n/" -e "s/^churn_secs=.*/churn_secs=$secs/" -e "s/^r=.*/r=$refreshes/" -e "s/^detail=.*/detail=1/" -e "s/^defaults=.*/defaults=1/" \
	-e "s/^# xn-timeout: .*/# xn-timeout: $((secs * 3 + n * 3 + 1500))/" \
	$vm/checks/pageop/pageop-scale.sh >build/vm/soak-xen/pageop-soak.sh
sed -e "s/^n=.*/n=$n/" -e "s/^r=.*/r=$refreshes/" -e "s/^# xn-timeout: .*/# xn-timeout: $((n * 3 + 1500))/" \
	$vm/checks/bench/xen_scale.sh >build/vm/soak-xen/xen-scale.sh
sed -e "s/^n=.*/n=$n/" -e "s/^overrun=.*/overrun=1/" -e "s/^timing=.*/timing=0/" \
	$vm/checks/bench/xen_scale.sh >build/vm/soak-xen/xen-ring.sh
rc=0
run() { # name what boot.sh-arguments...
	name=$1
	shift
	case $only in "" | "$name") ;; *) return 0 ;; esac
	t0=$(date +%s)
	XN_NODES=2 XN_VM_TIMEOUT=$((secs * 3 + n * 3 + 2400)) sh $vm/boot.sh xen "$@"
	r=$?
	echo "     ($name: $(($(date +%s) - t0)) s; figures: grep 'SCALE\|PROFILE' build/vm/$1.log)"
	[ $r = 0 ] || [ $r = 77 ] || rc=1
}
if [ -z "$only" ] || [ "$only" = pageop ]; then
	if ! img=$(sh $vm/build-xen.sh 2>build/vm-build-xen.err); then
		r=$?
		[ $r = 77 ] && { echo "SKIP soak-xen: $(echo "$img" | tail -n 1)"; exit 77; }
		echo "FAIL soak-xen/build-xen: see build/vm-build-xen.err"
		exit 1
	fi
	XN_XEN_IMAGE=$img run pageop pageop-soak $vm/checks/pageop/pageop.sh build/vm/soak-xen/pageop-soak.sh
fi
run stock stock-soak build/vm/soak-xen/xen-scale.sh
if [ "$n" -ge 300 ]; then
	XN_XEN_CONRING=16k run ring ring-soak build/vm/soak-xen/xen-ring.sh
fi
exit $rc
