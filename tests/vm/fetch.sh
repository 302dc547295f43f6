#!/bin/sh
# Fetch (never install) the Debian packages the QEMU lab boots: Xen, its tools
# and libraries, the Debian kernel, busybox and numactl. They are unpacked into
# a cache directory keyed by the exact package versions, so a new security
# update gives a new directory and an unchanged one is reused offline.
# Prints the cache directory (with root/ = the merged unpacked tree) on stdout.
# Exit 77 with a reason when a package cannot be had.
#
# XN_GEN picks the generation:
#   4.17  Debian 12 (bookworm, the build machine's own apt): Xen 4.17 (default)
#   4.20  Debian 13 (trixie, through tests/vm/apt-trixie.sh): Xen 4.20, its
#         kernel, and a whole trixie userland (libc included) plus the -dev
#         packages, so root/ is also the sysroot xentop-numa is built against
#         (make SYSROOT=.../root BUILD=build-xen420).
set -eu

cache_top=${XN_CACHE:-${HOME:-/root}/.cache/xentop-numa}
here=$(cd "$(dirname "$0")" && pwd)
gen=${XN_GEN:-4.17}
say() { echo "vm-fetch: $*" >&2; }

case $gen in
4.17)
	aptc() { apt-cache "$@"; }
	aptg() { apt-get "$@"; }
	extra=""
	;;
4.20)
	why=$(sh "$here/apt-trixie.sh" dir) || {
		echo "$why" | tail -n 1
		exit 77
	}
	aptc() { sh "$here/apt-trixie.sh" apt-cache "$@"; }
	aptg() { sh "$here/apt-trixie.sh" apt-get "$@"; }
	# The trixie userland: what xl, xentop-numa, jq and the helpers link
	# (the initramfs resolves them with readelf, never the host's ldd), and
	# the -dev packages of the sysroot; libmicrohttpd and GnuTLS with the
	# packages their pkg-config files name, so that --listen and
	# --web-config are built and tested on Xen 4.20 too.
	extra="libc6 libgcc-s1 libext2fs2t64 libcom-err2 liblzma5 libuuid1 libzstd1 zlib1g
libncurses6 libncursesw6 libtinfo6 libjansson4 jq libjq1 libonig5
libc6-dev linux-libc-dev libcrypt-dev libxen-dev libncurses-dev libnuma-dev libjansson-dev
libmicrohttpd12t64 libmicrohttpd-dev libgnutls30t64 libgnutls28-dev libhogweed6t64 libnettle8t64
nettle-dev libgmp10 libgmp-dev libidn2-0 libidn2-dev libunistring5 libp11-kit0 libp11-kit-dev
libffi8 libtasn1-6 libtasn1-6-dev"
	;;
*)
	echo "XN_GEN must be 4.17 or 4.20, not '$gen'"
	exit 77
	;;
esac

# The kernel package behind the linux-image-amd64 metapackage.
kpkg=$(aptc depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)/\1/p' | head -n 1)
[ -n "$kpkg" ] || {
	say "cannot resolve linux-image-amd64 (apt-get update needed?)"
	echo "linux-image-amd64 unknown to apt"
	exit 77
}

PKGS="xen-hypervisor-$gen-amd64 xen-utils-$gen xen-utils-common xenstore-utils
libxenmisc$gen libxenstore4 libxencall1 libxendevicemodel1 libxenevtchn1
libxenforeignmemory1 libxengnttab1 libxenhypfs1 libxentoolcore1 libxentoollog1
libyajl2 $kpkg busybox-static numactl libnuma1 $extra"

# Key = every package=version apt would fetch, plus this script's own text.
# One apt-cache call for all (each call reads every list: ~1 s for Debian 13's).
# shellcheck disable=SC2086
cands=$(aptc policy $PKGS 2>/dev/null | awk '/^[^ ].*:$/ { p = substr($0, 1, length($0) - 1) }
	/^ *Candidate: / { print p, $2 }')
spec=""
for p in $PKGS; do
	v=$(echo "$cands" | awk -v p="$p" '$1 == p { print $2; exit }')
	if [ -z "$v" ] || [ "$v" = "(none)" ]; then
		say "package $p is not available from the configured mirrors"
		echo "Debian package $p cannot be had (apt-cache policy: no candidate)"
		exit 77
	fi
	spec="$spec $p=$v"
done
key=$( (echo "$spec"; cat "$0") | sha256sum | cut -c1-16)
dir=$cache_top/$key
if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi

say "fetching into $dir:$spec"
rm -rf "$dir"
mkdir -p "$dir/debs" "$dir/root"
# apt-get download writes to the current directory; _apt needs to write there.
chmod 777 "$dir/debs"
# shellcheck disable=SC2086
if ! (cd "$dir/debs" && aptg download -q $spec >"$dir/download.log" 2>&1); then
	tail -n 5 "$dir/download.log" >&2
	echo "apt-get download failed (see $dir/download.log)"
	exit 77
fi
# Debian 13 is merged-/usr (base-files makes these links, and libc's linker
# scripts name /lib/x86_64-linux-gnu/...): make them before unpacking.
if [ "$gen" != 4.17 ]; then
	mkdir -p "$dir/root/usr/bin" "$dir/root/usr/sbin" "$dir/root/usr/lib" "$dir/root/usr/lib64"
	for l in bin sbin lib lib64; do ln -s "usr/$l" "$dir/root/$l"; done
fi
for deb in "$dir"/debs/*.deb; do
	dpkg-deb -x "$deb" "$dir/root"
done
echo "$spec" >"$dir/packages"
echo "$gen" >"$dir/generation"
touch "$dir/.complete"
echo "$dir"
