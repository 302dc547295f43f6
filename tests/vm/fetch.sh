#!/bin/sh
# Fetch (never install) the Debian packages the QEMU lab boots: Xen, its tools
# and libraries, the Debian kernel, busybox and numactl. They are unpacked into
# a cache directory keyed by the exact package versions, so a new security
# update gives a new directory and an unchanged one is reused offline.
# Prints the cache directory (with root/ = the merged unpacked tree) on stdout.
# Exit 77 with a reason when a package cannot be had.
set -eu

cache_top=${XN_CACHE:-${HOME:-/root}/.cache/xentop-numa}
say() { echo "vm-fetch: $*" >&2; }

# The kernel package behind the linux-image-amd64 metapackage.
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)/\1/p' | head -n 1)
[ -n "$kpkg" ] || {
	say "cannot resolve linux-image-amd64 (apt-get update needed?)"
	echo "linux-image-amd64 unknown to apt"
	exit 77
}

PKGS="xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common xenstore-utils
libxenmisc4.17 libxenstore4 libxencall1 libxendevicemodel1 libxenevtchn1
libxenforeignmemory1 libxengnttab1 libxenhypfs1 libxentoolcore1 libxentoollog1
libyajl2 $kpkg busybox-static numactl libnuma1"

# Key = every package=version apt would fetch, plus this script's own text.
spec=""
for p in $PKGS; do
	v=$(apt-cache policy "$p" 2>/dev/null | sed -n 's/^ *Candidate: //p')
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
if ! (cd "$dir/debs" && apt-get download -q $spec >"$dir/download.log" 2>&1); then
	tail -n 5 "$dir/download.log" >&2
	echo "apt-get download failed (see $dir/download.log)"
	exit 77
fi
for deb in "$dir"/debs/*.deb; do
	dpkg-deb -x "$deb" "$dir/root"
done
echo "$spec" >"$dir/packages"
touch "$dir/.complete"
echo "$dir"
