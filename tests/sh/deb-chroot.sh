#!/bin/sh
# deb-chroot.sh: print the path of a tarball of a clean Debian 12 root
# (debootstrap --variant=minbase bookworm, plus man-db and systemd so that
# `man` and `systemd-analyze verify` can run in it), made once and cached in
# ~/.cache/xentop-numa (keyed by the suite and the package list; delete it
# to refresh). test_deb.sh installs the package into a copy of it.
# Exit 77 with a reason when it cannot be made (not root, no debootstrap,
# no network).
set -eu
suite=bookworm
include=man-db,systemd,ca-certificates
cache=${XN_CACHE:-${HOME:-/root}/.cache/xentop-numa}
key=$(printf '%s %s' "$suite" "$include" | md5sum | cut -c1-12)
out="$cache/deb-chroot-$suite-$key.tar"
[ -s "$out" ] && {
	echo "$out"
	exit 0
}
[ "$(id -u)" = 0 ] || {
	echo "a clean Debian root needs root (debootstrap, chroot)"
	exit 77
}
command -v debootstrap >/dev/null 2>&1 || {
	echo "debootstrap is not installed (sh scripts/deps.sh deb)"
	exit 77
}
mkdir -p "$cache"
work=$(mktemp -d "$cache/deb-chroot.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
if ! debootstrap --variant=minbase --include="$include" "$suite" "$work/root" \
	http://deb.debian.org/debian >"$work/log" 2>&1; then
	echo "debootstrap $suite failed: $(tail -n 1 "$work/log")"
	exit 77
fi
rm -rf "$work/root/var/cache/apt/archives/"*.deb
tar -C "$work/root" -cf "$out.tmp" .
mv "$out.tmp" "$out"
echo "$out"
