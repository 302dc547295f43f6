#!/bin/sh
# Build an initramfs for the QEMU lab.
#   mkinitrd.sh xen   OUT ROOT   dom0: busybox, Xen's tools + libraries, the Xen
#                                modules, a PV guest kernel + initrd, xentop-numa
#   mkinitrd.sh linux OUT ROOT   plain multi-node Linux: busybox, numactl,
#                                numastat, xentop-numa, the test helpers
#   mkinitrd.sh domu  OUT ROOT   the tiny PV guest's initrd (busybox only)
# ROOT is the unpacked package tree from fetch.sh. Environment:
#   XN_VM_BIN     the xentop-numa binary to put in /usr/bin (optional)
#   XN_VM_CHECKS  check scripts, run in this order inside the VM
#   XN_VM_HELPERS directory of helper programs to put in /usr/libexec/xn (optional)
#   XN_VM_DOMU    (xen) the domU initrd to include
#   XN_VM_FILES   a directory copied to /xn (tests/vm/xn-files.sh: the .deb,
#                 a certificate and web configuration for --listen checks)
#   XN_VM_PERF    set: also the host's perf, to profile the dom0 binary
set -eu
kind=$1 out=$2 root=$3
here=$(cd "$(dirname "$0")" && pwd)
kver=$(ls "$root/lib/modules" | head -n 1)
# The Xen generation of the unpacked tree (4.17 from Debian 12, 4.20 from 13).
xenver=$(cd "$root/usr/lib" && ls -d xen-4.* | head -n 1)
xenver=${xenver#xen-}
stage=$(mktemp -d "${TMPDIR:-/tmp}/xn-initrd.XXXXXX")
trap 'rm -rf "$stage"' EXIT INT TERM
# Libraries come from the unpacked packages first, then the host's (on Debian
# 12, xentop-numa's own libraries are the host's; a Debian 13 tree carries its
# whole userland, libc included, and the image is then merged-/usr like it).
libdirs="$root/usr/lib/x86_64-linux-gnu $root/lib/x86_64-linux-gnu $root/usr/lib/xen-$xenver/lib
 /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu"
if [ -L "$root/lib" ]; then
	mkdir -p "$stage/usr/bin" "$stage/usr/sbin" "$stage/usr/lib" "$stage/usr/lib64"
	for l in bin sbin lib lib64; do ln -s "usr/$l" "$stage/$l"; done
fi

find_lib() { # soname
	for d in $libdirs; do
		[ -e "$d/$1" ] && echo "$d/$1" && return 0
	done
	return 1
}

# Copy a dynamic executable, its interpreter and, recursively, every library
# its ELF headers name. readelf rather than the host's ldd: ldd would load a
# Debian 13 libc with Debian 12's dynamic loader.
add_bin() { # src dest
	mkdir -p "$stage$(dirname "$2")"
	cp -L "$1" "$stage$2"
	todo=$1
	while [ -n "$todo" ]; do
		f=${todo%% *}
		todo=${todo#"$f"}
		todo=${todo# }
		interp=$(readelf -lW "$f" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
		if [ -n "$interp" ] && [ ! -e "$stage$interp" ]; then
			src=$root$interp
			[ -e "$src" ] || src=$interp
			mkdir -p "$stage$(dirname "$interp")"
			cp -L "$src" "$stage$interp"
		fi
		for n in $(readelf -dW "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
			lib=$(find_lib "$n") || {
				echo "mkinitrd: $1 needs $n, found nowhere" >&2
				exit 1
			}
			dest=${lib#"$root"}
			[ -e "$stage$dest" ] && continue
			mkdir -p "$stage$(dirname "$dest")"
			cp -L "$lib" "$stage$dest"
			todo="$todo${todo:+ }$lib"
		done
	done
}

add_libgcc() {
	# glibc dlopen()s it for pthread_cancel; ldd cannot see that (XEN-FACTS).
	g=$(find_lib libgcc_s.so.1) || { echo "mkinitrd: libgcc_s.so.1 not found" >&2; exit 1; }
	add_bin "$g" "${g#"$root"}"
}

add_common() { # init script
	mkdir -p "$stage/bin" "$stage/sbin" "$stage/usr/bin" "$stage/usr/sbin" "$stage/proc" \
		"$stage/sys" "$stage/dev" "$stage/run" "$stage/tmp" "$stage/etc" "$stage/checks" \
		"$stage/out"
	cp "$root/bin/busybox" "$stage/bin/busybox"
	ln -s busybox "$stage/bin/sh"
	cp "$1" "$stage/init"
	chmod 755 "$stage/init"
	if [ -n "${XN_VM_BIN:-}" ]; then
		add_bin "$XN_VM_BIN" /usr/bin/xentop-numa
	fi
	i=10
	for c in ${XN_VM_CHECKS:-}; do
		cp "$c" "$stage/checks/$i-$(basename "$c")"
		i=$((i + 1))
	done
	cp "$here/checks/lib.sh" "$here/runner.sh" "$here/../sh/prom_agree.sh" "$stage/checks/"
	# XN_VM_FILES: a directory copied to /xn (the .deb, a web configuration)
	if [ -n "${XN_VM_FILES:-}" ] && [ -d "$XN_VM_FILES" ]; then
		mkdir -p "$stage/xn"
		cp -r "$XN_VM_FILES"/. "$stage/xn/"
	fi
	if [ -n "${XN_VM_HELPERS:-}" ] && [ -d "$XN_VM_HELPERS" ]; then
		for h in "$XN_VM_HELPERS"/*; do
			[ -x "$h" ] && add_bin "$h" "/usr/libexec/xn/$(basename "$h")"
		done
	fi
	# The checks read xentop-numa's JSON with jq (a host package, like qemu;
	# Debian 13's own in a Debian 13 tree).
	if [ -x "$root/usr/bin/jq" ]; then
		add_bin "$root/usr/bin/jq" /usr/bin/jq
	elif command -v jq >/dev/null; then
		add_bin "$(command -v jq)" /usr/bin/jq
	fi
	add_libgcc
	# curl: prom.sh scrapes --listen over HTTPS with it (busybox's TLS client
	# does not get through GnuTLS); Debian 13's own in a Debian 13 tree.
	if [ -x "$root/usr/bin/curl" ]; then
		add_bin "$root/usr/bin/curl" /usr/bin/curl
	elif command -v curl >/dev/null; then
		add_bin "$(command -v curl)" /usr/bin/curl
	fi
	# perf (the host's), for profiles of the dom0 binary: XN_VM_PERF=1.
	if [ -n "${XN_VM_PERF:-}" ] && command -v perf >/dev/null; then
		add_bin "$(command -v perf)" /usr/bin/perf
	fi
	# tmux and the "screen" terminfo: a check reads the screen as a user sees it.
	if command -v tmux >/dev/null; then
		add_bin "$(command -v tmux)" /usr/bin/tmux
		for t in /etc/terminfo /lib/terminfo /usr/share/terminfo; do
			[ -f "$t/s/screen" ] || continue
			mkdir -p "$stage/usr/share/terminfo/s"
			cp -L "$t/s/screen" "$stage/usr/share/terminfo/s/"
			break
		done
		# tmux refuses to start without a UTF-8 locale: C.UTF-8's files.
		[ -d /usr/lib/locale/C.utf8 ] && mkdir -p "$stage/usr/lib/locale" &&
			cp -r /usr/lib/locale/C.utf8 "$stage/usr/lib/locale/"
	fi
}

case $kind in
domu)
	mkdir -p "$stage/bin" "$stage/proc" "$stage/sys" "$stage/dev"
	cp "$root/bin/busybox" "$stage/bin/busybox"
	ln -s busybox "$stage/bin/sh"
	cp "$here/init-domu.sh" "$stage/init"
	chmod 755 "$stage/init"
	;;
xen)
	add_common "$here/init-xen.sh"
	for b in xl xenstored xenconsoled xen-init-dom0 xentop libxl-save-helper; do
		add_bin "$root/usr/lib/xen-$xenver/bin/$b" "/usr/lib/xen-$xenver/bin/$b"
	done
	for b in "$root"/usr/bin/xenstore*; do
		add_bin "$b" "/usr/bin/$(basename "$b")"
	done
	mkdir -p "$stage/lib/modules" "$stage/etc/xen" "$stage/guest"
	# Debian 13's modules are xz-compressed; busybox's insmod wants them plain.
	for m in xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xenfs/xenfs; do
		ko=$root/lib/modules/$kver/kernel/drivers/xen/$m.ko
		if [ -f "$ko" ]; then
			cp "$ko" "$stage/lib/modules/"
		else
			xz -dc "$ko.xz" >"$stage/lib/modules/$(basename "$m").ko"
		fi
	done
	# The block and network backends, loaded by the checks that give a guest
	# a disk or an interface (batch.sh: xentop's -n/-x rows), not at boot.
	# (and the loop device under the disk: a module in Debian's kernels)
	for m in block/xen-blkback/xen-blkback net/xen-netback/xen-netback block/loop; do
		ko=$root/lib/modules/$kver/kernel/drivers/$m.ko
		if [ -f "$ko" ]; then
			cp "$ko" "$stage/lib/modules/"
		elif [ -f "$ko.xz" ]; then
			xz -dc "$ko.xz" >"$stage/lib/modules/$(basename "$m").ko"
		fi
	done
	cp -r "$root/etc/xen/." "$stage/etc/xen/"
	cp "$root/boot/vmlinuz-$kver" "$stage/guest/vmlinuz"
	[ -n "${XN_VM_DOMU:-}" ] && cp "$XN_VM_DOMU" "$stage/guest/initrd"
	;;
linux)
	add_common "$here/init-linux.sh"
	for b in numactl numastat migratepages; do
		add_bin "$root/usr/bin/$b" "/usr/bin/$b"
	done
	;;
*)
	echo "mkinitrd: unknown kind $kind" >&2
	exit 2
	;;
esac

# a name of its own until complete: two machines booting at once (run.sh)
# may both build the shared domU image
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp.$$"
mv "$out.tmp.$$" "$out"
