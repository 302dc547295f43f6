#!/bin/sh
# Boot one lab machine under QEMU, run check scripts inside it and print one
# line per check: "PASS name", "FAIL name ...", "SKIP name: reason".
#
#   sh tests/vm/boot.sh xen NAME CHECK...    Xen + dom0 (+ PV guests made by checks)
#   sh tests/vm/boot.sh linux NAME CHECK...  plain multi-node Linux
#
# Environment:
#   XN_NODES       emulated NUMA nodes (default 2; memory 4 GiB split evenly);
#                  the checks find it as XN_EXPECT_NODES (kernel command line)
#   XN_GEN         the Debian generation (fetch.sh): 4.17 (Debian 12, default)
#                  or 4.20 (Debian 13: its kernel, Xen, tools and userland;
#                  xentop-numa and the helpers are then built here against
#                  Debian 13's packages, `make SYSROOT=... BUILD=build-xen420`)
#   XN_XEN_IMAGE   the hypervisor to boot: a xen ELF or xen.gz (default:
#                  Debian's xen-hypervisor-GEN-amd64, from fetch.sh)
#   XN_VM_BIN      the xentop-numa binary to test (default ./xentop-numa, or
#                  build-xen420/xentop-numa for 4.20)
#   XN_VM_TIMEOUT  seconds before the machine is killed (default 3000 for Xen,
#                  900 for Linux: TCG on 2 shared cores is slow, and 3-5 times
#                  slower again while the host is busy; only a hang waits that long)
#   XN_XEN_CONRING Xen's console ring size (conring_size=, default 1M; Xen's own
#                  default, 16k, is too small for a 'u' dump of 1000 domains)
#   XN_VM_DIR      where logs, images and copied-out files go (default build/vm)
# The full console is in $XN_VM_DIR/NAME.log; files a check leaves in /out
# inside the VM land in $XN_VM_DIR/NAME-out/. Exit 0 when nothing failed,
# 1 otherwise, 77 (reason on the last line) when the lab cannot run here or
# when a check skipped (the machine then says "SKIP NAME/boot", never PASS).
set -u
kind=$1 name=$2
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/vm
vmdir=${XN_VM_DIR:-$top/build/vm}
nodes=${XN_NODES:-2}
mkdir -p "$vmdir"
skip() {
	echo "SKIP $name: $*"
	echo "$*"
	exit 77
}

command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed (Debian package qemu-system-x86)"
command -v cpio >/dev/null || skip "cpio not installed"
root=$(sh "$here/fetch.sh") || skip "$(sh "$here/fetch.sh" 2>/dev/null | tail -n 1)"
root=$root/root
kver=$(ls "$root/lib/modules" | head -n 1)

gen=${XN_GEN:-4.17}
if [ "$gen" = 4.17 ]; then
	bin=${XN_VM_BIN:-$top/xentop-numa}
	helpers=$top/build/helpers tests=$top/build/tests
else
	# The tool and helpers of this generation, against its own libraries.
	build=build-xen$(echo "$gen" | tr -d .)
	# make does not see a new sysroot (a package update): start afresh then.
	if [ "$(cat "$top/$build/.sysroot" 2>/dev/null)" != "$root" ]; then
		rm -rf "${top:?}/$build" && mkdir -p "$top/$build" && echo "$root" >"$top/$build/.sysroot"
	fi
	make -C "$top" --no-print-directory -j2 SYSROOT="$root" BUILD="$build" WERROR=1 lab-bin \
		>"$vmdir/$name.make.log" 2>&1 || {
		tail -n 10 "$vmdir/$name.make.log"
		echo "FAIL $name: cannot build xentop-numa against Xen $gen (see $vmdir/$name.make.log)"
		exit 1
	}
	bin=${XN_VM_BIN:-$top/$build/xentop-numa}
	helpers=$top/$build/helpers tests=$top/$build/tests
fi
[ -x "$bin" ] || bin=""
export XN_VM_BIN=$bin XN_VM_CHECKS="$*"
# Helpers, and the unit tests with a part that runs in dom0, into the
# image's /usr/libexec/xn (this generation's builds: $helpers, $tests).
# per machine: run.sh boots two at once
stage=$vmdir/helpers-$name
rm -rf "$stage" && mkdir -p "$stage"
# XN_VM_EXTRA_HELPERS: a directory of more (tests/vm/mutate-lab.sh's mutants).
for h in "$helpers"/* "$tests"/test_xen_probe "$tests"/test_pageop \
	${XN_VM_EXTRA_HELPERS:+"$XN_VM_EXTRA_HELPERS"/*}; do
	[ -x "$h" ] && ln -s "$h" "$stage/"
done
helpers=$stage
export XN_VM_HELPERS=$helpers
img=$vmdir/$name.initrd.gz
if [ "$kind" = xen ]; then
	[ -f "$vmdir/domu.initrd.gz" ] || sh "$here/mkinitrd.sh" domu "$vmdir/domu.initrd.gz" "$root" ||
		skip "cannot build the domU initramfs"
	export XN_VM_DOMU=$vmdir/domu.initrd.gz
fi
sh "$here/mkinitrd.sh" "$kind" "$img" "$root" || {
	echo "FAIL $name: cannot build the initramfs"
	exit 1
}

# One memory backend and node per emulated node; distances 10 + 10*|i-j|.
smp=4
[ "$kind" = linux ] && smp=2
[ "$nodes" -gt "$smp" ] && smp=$nodes
mem=$((4096 / nodes))
[ "$kind" = linux ] && mem=$((2048 / nodes))
numa="" dist="" i=0 per=$((smp / nodes))
while [ $i -lt "$nodes" ]; do
	c0=$((i * per)) c1=$((i * per + per - 1))
	numa="$numa -object memory-backend-ram,id=m$i,size=${mem}M -numa node,nodeid=$i,cpus=$c0-$c1,memdev=m$i"
	j=0
	while [ $j -lt "$nodes" ]; do
		if [ $j -ne $i ]; then
			d=$((i > j ? i - j : j - i))
			dist="$dist -numa dist,src=$i,dst=$j,val=$((10 + 10 * d))"
		fi
		j=$((j + 1))
	done
	i=$((i + 1))
done
numa="$numa$dist"

log=$vmdir/$name.log
limit=${XN_VM_TIMEOUT:-3000}
[ "$kind" = linux ] && limit=${XN_VM_TIMEOUT:-900}
# Xen: one host thread runs all of the machine's vCPUs in turn (TCG's
# thread=single). On 2 cores a thread per vCPU (4 or 5 here) was slower
# alone (pageop.sh 26 s against 14 s; the machine's CPU 126 % against 84 %)
# and ten times slower with two Xen machines at once (a vCPU spinning on a
# lock whose holder's thread waits for a core); one thread each lets run.sh
# boot two at once. Linux: a thread per vCPU, as before: one thread gave
# busy processes 83-90 % CPU, not 100 %, which tipped advice3.sh's plan
# into a near-tie that --snapshot's two samples and --advise's six broke
# differently (1 run in 2).
accel=tcg,thread=single
[ "$kind" = linux ] && accel=tcg
qemu="qemu-system-x86_64 -machine q35 -accel ${XN_VM_ACCEL:-$accel} -cpu qemu64 -smp $smp -m $((mem * nodes)) $numa
 -nodefaults -display none -monitor none -serial stdio -no-reboot"
if [ "$kind" = xen ]; then
	xen=${XN_XEN_IMAGE:-$root/boot/xen-$gen-amd64.gz}
	[ -f "$xen" ] || skip "hypervisor image $xen not found"
	# QEMU's multiboot loader takes the ELF, not the .gz (XEN-FACTS).
	case $xen in
	*.gz) zcat "$xen" >"$vmdir/$name.xen.elf" && xen=$vmdir/$name.xen.elf ;;
	esac
	xencmd="console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M loglvl=all guest_loglvl=all noreboot conring_size=${XN_XEN_CONRING:-1M} bootscrub=false"
	# shellcheck disable=SC2086
	timeout "$limit" $qemu -kernel "$xen" -append "$xencmd" \
		-initrd "$root/boot/vmlinuz-$kver console=hvc0 earlyprintk=xen loglevel=4 XN_EXPECT_NODES=$nodes,$img" \
		</dev/null >"$log" 2>&1
else
	# shellcheck disable=SC2086
	timeout "$limit" $qemu -kernel "$root/boot/vmlinuz-$kver" \
		-append "console=ttyS0 loglevel=4 XN_EXPECT_NODES=$nodes" -initrd "$img" </dev/null >"$log" 2>&1
fi
qrc=$?

# Results: markers may share a line with other console output; strip CRs.
tr -d '\r' <"$log" >"$log.clean"
fails=0 skips=""
grep -o '@@@XN-RESULT .*' "$log.clean" | sed 's/^@@@XN-RESULT //' >"$vmdir/$name.results"
while read -r verdict rest; do
	echo "$verdict $name/$rest"
	[ "$verdict" = FAIL ] && fails=$((fails + 1))
	[ "$verdict" = SKIP ] && skips="$skips ${rest%%:*}"
done <"$vmdir/$name.results"

# Checks that never reported (the machine stopped or hung first).
for c in "$@"; do
	cn=$(basename "$c" .sh)
	grep -q "^[A-Z]* $cn\b" "$vmdir/$name.results" || {
		echo "FAIL $name/$cn: never reported (machine stopped first)"
		fails=$((fails + 1))
	}
done

# Files copied out of the VM.
rm -rf "$vmdir/$name-out" && mkdir -p "$vmdir/$name-out"
awk -v dir="$vmdir/$name-out" '
	/@@@XN-FILE-END/ { if (f != "") close(cmd); f = ""; next }
	/@@@XN-FILE / { sub(/.*@@@XN-FILE /, ""); f = $0; cmd = "base64 -d > \"" dir "/" f "\""; next }
	f != "" { print | cmd }' "$log.clean"

if ! grep -q '@@@XN-DONE' "$log.clean"; then
	why="the machine did not finish (qemu exit $qrc"
	[ $qrc = 124 ] && why="$why: timed out after $limit s"
	echo "FAIL $name/boot: $why; see $log)"
	tail -n 15 "$log.clean" | sed 's/^/    /'
	exit 1
fi
[ $fails = 0 ] || exit 1
# A machine that skipped checks did not show what it is for: not a PASS.
if [ -n "$skips" ]; then
	echo "SKIP $name/boot: checks skipped:$skips"
	echo "checks skipped:$skips"
	exit 77
fi
echo "PASS $name/boot"
