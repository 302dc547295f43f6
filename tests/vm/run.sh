#!/bin/sh
# The QEMU lab, as `make check` runs it: real Xen (Debian's 4.17, or
# XN_XEN_IMAGE) with 2 and with 4 emulated NUMA nodes, the checks of
# tests/vm/checks/xen/ run inside dom0 against Xen's own tools; then a plain
# 2-node Linux guest for the linux source (tests/vm/checks/linux/); then
# the patched hypervisor (tests/vm/build-xen.sh) with tests/vm/check-pageop*.sh.
# Prints "PASS name" / "FAIL name ..." / "SKIP name: reason"; exit 0 only if
# nothing failed, 77 (reason on the last line) if the lab cannot run here.
#
# Environment: XN_XEN_IMAGE (hypervisor ELF or .gz), XN_VM_EXTRA_CHECKS
# (more dom0 check scripts, run after ours in both Xen boots), XN_VM_ONLY
# (xen2, xen4, linux2 or pageop: boot only that machine), XN_VM_TIMEOUT (per boot,
# seconds), XN_CACHE (package cache), XN_VM_DIR (logs; default build/vm).
set -u
cd "$(dirname "$0")/../.." || exit 2
vm=tests/vm

command -v qemu-system-x86_64 >/dev/null ||
	{ echo "qemu-system-x86_64 is not installed (Debian package qemu-system-x86)"; exit 77; }
# Packages first, once: a clear reason when they cannot be had.
if ! sh $vm/fetch.sh >/dev/null 2>build/vm-fetch.err; then
	tail -n 3 build/vm-fetch.err
	echo "lab packages unavailable: $(tail -n 1 build/vm-fetch.err)"
	exit 77
fi

xen_all="lab host zones dom0_pages guests batch affinity balloon gone record advice"
# 4 nodes: the topology-dependent checks (the others do not change with nodes).
xen_4="lab host zones dom0_pages guests batch affinity record"
paths() { for c in "$@"; do printf '%s ' "$vm/checks/xen/$c.sh"; done; }

fails=0 ran=0
boot() { # kind name nodes checks...
	kind=$1 name=$2 nodes=$3
	shift 3
	case ${XN_VM_ONLY:-$name} in "$name") ;; *) return 0 ;; esac
	ran=$((ran + 1))
	t0=$(date +%s)
	XN_NODES=$nodes sh $vm/boot.sh "$kind" "$name" "$@"
	rc=$?
	echo "     ($name: $(($(date +%s) - t0)) s)"
	[ $rc = 0 ] || [ $rc = 77 ] || fails=$((fails + 1))
}

# shellcheck disable=SC2046
boot xen xen2 2 $(paths $xen_all) ${XN_VM_EXTRA_CHECKS:-}
# shellcheck disable=SC2046
boot xen xen4 4 $(paths $xen_4) ${XN_VM_EXTRA_CHECKS:-}
boot linux linux2 2 $vm/checks/linux/host.sh $vm/checks/linux/migrate.sh $vm/checks/linux/cgroup.sh \
	$vm/checks/linux/advice.sh

# Our hypervisor extension (hypervisor/, built by build-xen.sh) with the
# "hypervisor" engineer's dom0 checks; check-pageop.sh first-class: the
# others source it.
pageop=""
for c in bad "" cycles balloon tool measure scale; do
	f=$vm/check-pageop${c:+-$c}.sh
	[ -f "$f" ] && pageop="$pageop $f"
done
if [ -n "$pageop" ] && [ -f $vm/build-xen.sh ]; then
	case ${XN_VM_ONLY:-pageop} in
	pageop)
		if img=$(sh $vm/build-xen.sh 2>build/vm-build-xen.err); then
			# shellcheck disable=SC2086
			XN_XEN_IMAGE=$img boot xen pageop 2 $pageop
		elif [ $? = 77 ]; then
			echo "SKIP pageop: $(echo "$img" | tail -n 1)"
		else
			echo "FAIL pageop/build-xen: see build/vm-build-xen.err"
			tail -n 10 build/vm-build-xen.err | sed 's/^/    /'
			fails=$((fails + 1))
		fi
		;;
	esac
fi

# Recordings made in the lab, for examples/ (the lead commits them).
for f in build/vm/xen*-out/*.jsonl; do
	[ -f "$f" ] && echo "     recording: $f"
done
[ $ran -gt 0 ] || { echo "XN_VM_ONLY=${XN_VM_ONLY:-} matches no machine (xen2, xen4, linux2, pageop)"; exit 77; }
[ $fails = 0 ]
