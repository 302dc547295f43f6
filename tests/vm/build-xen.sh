#!/bin/sh
# Build Debian's Xen hypervisor with our patch series and print the path of
# the resulting ELF (xen/xen, the image QEMU boots with -kernel). The result
# is cached under a key made of the source version, the sha256 of every patch
# file and the build configuration, so an unchanged series is never rebuilt
# and a changed one always is.
#
#   XN_GEN=4.17 (default)  Debian 12's xen source + hypervisor/*.patch
#   XN_GEN=4.20            Debian 13's xen source (through apt-trixie.sh)
#                          + hypervisor/4.20/*.patch
#
# When the mirror lists a source package but does not carry it (security
# updates: the pool has the binaries only), the upstream commit the Debian
# version names (4.20.4+63-gHASH) is taken from git instead, else the
# release tag of its base version (RELEASE-4.20.4): XN_XEN_GIT is the
# repository (a URL or a local clone; default xenbits). What was built is
# written to KEY/source.
#
# Usage: sh tests/vm/build-xen.sh [--print-key]
# Environment: XN_CACHE (cache top, default ~/.cache/xentop-numa),
#              XN_XEN_CONFIG ("defconfig" or "debug": CONFIG_DEBUG=y, which
#              also enables the series' check that the node counts sum to
#              tot_pages on every update), XN_GEN, XN_XEN_GIT,
#              XN_SERIES_DIR (another directory of patches, e.g. an older
#              version of the series; the key covers the patches' contents).
# Exit 0 with the path on stdout; 77 with the reason as the last line when the
# source or the build tools cannot be had; 1 when the build itself fails.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
gen=${XN_GEN:-4.17}
cache_top=${XN_CACHE:-${HOME:-/root}/.cache/xentop-numa}/hypervisor
config=${XN_XEN_CONFIG:-defconfig}
say() { echo "build-xen: $*" >&2; }
skip() {
	say "$*"
	echo "$*"
	exit 77
}

case $config in
defconfig | debug) ;;
*) skip "XN_XEN_CONFIG must be defconfig or debug, not '$config'" ;;
esac
case $gen in
4.17)
	series_dir=${XN_SERIES_DIR:-$top/hypervisor}
	aptc() { apt-cache "$@"; }
	aptg() { apt-get "$@"; }
	;;
4.20)
	series_dir=${XN_SERIES_DIR:-$top/hypervisor/4.20}
	why=$(sh "$top/tests/vm/apt-trixie.sh" dir) || skip "$(echo "$why" | tail -n 1)"
	aptc() { sh "$top/tests/vm/apt-trixie.sh" apt-cache "$@"; }
	aptg() { sh "$top/tests/vm/apt-trixie.sh" apt-get "$@"; }
	;;
*) skip "XN_GEN must be 4.17 or 4.20, not '$gen'" ;;
esac

# deb-src entries mirroring the machine's own deb entries (same URIs and
# suites), so `apt-get source` uses whatever mirror the host already uses.
add_deb_src() {
	out=/etc/apt/sources.list.d/xentop-numa-src.sources
	[ "$(id -u)" = 0 ] || return 1
	tmp=$(mktemp)
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && [ "$f" != "$out" ] || continue
		# Keep stanzas with Types: deb for Debian suites; rewrite the type.
		awk 'BEGIN { RS = ""; FS = "\n" }
		     /(^|\n)Types:[^\n]*deb([ \t]|$|\n)/ && /(^|\n)Suites:[^\n]*bookworm/ {
			out = ""
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^#/) continue
				if ($i ~ /^Types:/) $i = "Types: deb-src"
				out = out $i "\n"
			}
			printf "%s\n", out
		     }' "$f" >>"$tmp"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -n 's/^[ \t]*deb[ \t]\+\(\[[^]]*\][ \t]\+\)\?\([^ \t]\+\)[ \t]\+\(bookworm[^ \t]*\)[ \t]\+\(.*\)$/Types: deb-src\nURIs: \2\nSuites: \3\nComponents: \4\n/p' "$f" >>"$tmp"
	done
	if ! grep -q '^URIs:' "$tmp"; then
		rm -f "$tmp"
		return 1
	fi
	mv "$tmp" "$out"
	chmod 644 "$out"
	say "added $out; running apt-get update"
	apt-get update -qq >&2 || return 1
}

need_tools() {
	missing=""
	for t in flex:flex bison:bison python3:python3 gcc:gcc make:make dpkg-source:dpkg-dev \
		patch:patch; do
		command -v "${t%%:*}" >/dev/null 2>&1 || missing="$missing ${t#*:}"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" = 0 ]; then
		say "installing:$missing"
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			$missing >&2 || skip "cannot install$missing"
	else
		skip "missing build tools:$missing (apt-get install$missing)"
	fi
}

# Versions of the xen source package apt knows, newest first. The security
# suite may list a version its mirror does not carry, so each is tried in turn
# and the first that downloads wins; a downloaded one is reused offline.
src_versions() { aptc showsrc xen 2>/dev/null | sed -n 's/^Version: //p' | sort -r -V | uniq; }
# The upstream tree a Debian version names, from git: the commit of its
# "+N-gHASH" suffix, else the tag of its base version. Writes DIR/upstream.tar
# and DIR/upstream.commit.
git_source() { # version dir
	command -v git >/dev/null || return 1
	url=${XN_XEN_GIT:-https://xenbits.xen.org/git-http/xen.git}
	hash=$(echo "$1" | sed -n 's/.*+[0-9]*-g\([0-9a-f]\{7,\}\)-.*/\1/p')
	base=$(echo "$1" | sed 's/[-+~].*//')
	if [ -d "$url" ]; then
		repo=$url
	else
		repo=$2/git
		say "cloning stable-$gen from $url"
		git clone -q --bare --single-branch --branch "stable-$gen" "$url" "$repo" \
			>>"$2/fetch.log" 2>&1 || return 1
		git -C "$repo" fetch -q origin "refs/tags/RELEASE-$base:refs/tags/RELEASE-$base" \
			>>"$2/fetch.log" 2>&1 || true
	fi
	for rev in $hash RELEASE-$base; do
		c=$(git -C "$repo" rev-parse -q --verify "$rev^{commit}" 2>/dev/null) || continue
		say "xen $1: no source package on the mirror; upstream $rev ($c) from $url"
		git -C "$repo" archive --format=tar "$c" >"$2/upstream.tar" || return 1
		echo "$c" >"$2/upstream.commit"
		echo "$rev" >"$2/upstream.rev"
		rm -rf "$2/git"
		return 0
	done
	say "xen $1: neither ${hash:-(no hash)} nor RELEASE-$base in $url"
	rm -rf "$2/git"
	return 1
}

versions=$(src_versions)
if [ -z "$versions" ] && [ "$gen" = 4.17 ]; then
	add_deb_src || skip "no deb-src entry for xen and cannot add one (need root)"
	versions=$(src_versions)
	[ -n "$versions" ] || skip "apt-get source xen: no source package available"
fi
version=""
for v in $versions; do
	if [ -f "$cache_top/src-$v/.complete" ]; then
		version=$v
		break
	fi
done
if [ -z "$version" ]; then
	for v in $versions; do
		d=$cache_top/src-$v
		rm -rf "$d"
		mkdir -p "$d"
		chmod 777 "$d" # apt-get source drops to _apt for the download
		say "fetching xen $v source"
		if (cd "$d" && aptg source --download-only -qq "xen=$v" >"$d/fetch.log" 2>&1); then
			touch "$d/.complete"
			version=$v
			break
		fi
		say "xen $v: $(grep -m 1 '^E:' "$d/fetch.log" || echo 'download failed')"
		rm -rf "$d"
	done
fi
# No source package for any version: the upstream commit of the newest.
if [ -z "$version" ]; then
	for v in $versions; do
		d=$cache_top/src-$v
		mkdir -p "$d"
		if git_source "$v" "$d"; then
			touch "$d/.complete"
			version=$v
			break
		fi
		rm -rf "$d"
	done
fi
[ -n "$version" ] || skip "apt-get source xen failed for every version ($(echo $versions)), and git too"
srcdir=$cache_top/src-$version
if [ -f "$srcdir/upstream.commit" ]; then
	srcid="$version~git-$(cat "$srcdir/upstream.commit")"
else
	srcid=$version
	dsc=$(cd "$srcdir" && ls xen_*.dsc)
fi

patches=$(ls "$series_dir"/[0-9][0-9][0-9][0-9]-*.patch 2>/dev/null || true)
[ -n "$patches" ] || skip "no patch series in $series_dir"
# shellcheck disable=SC2086
key=$( (echo "xen=$srcid config=$config"; sha256sum $patches | sed 's|  .*/|  |') |
	sha256sum | cut -c1-16)
if [ "${1:-}" = --print-key ]; then
	echo "$key"
	exit 0
fi
dir=$cache_top/$key
if [ -f "$dir/.complete" ]; then
	echo "$dir/xen"
	exit 0
fi

need_tools
say "building xen $srcid + series (key $key, $config) in $dir"
rm -rf "$dir"
mkdir -p "$dir"
log=$dir/build.log
if [ -f "$srcdir/upstream.tar" ]; then
	mkdir -p "$dir/tree"
	tar -x -C "$dir/tree" -f "$srcdir/upstream.tar" >"$log" 2>&1
else
	dpkg-source -q --no-copy -x "$srcdir/$dsc" "$dir/tree" >"$log" 2>&1
fi || {
	tail -n 20 "$log" >&2
	echo "unpacking the xen source failed (see $log)"
	exit 1
}
for p in $patches; do
	say "applying $(basename "$p")"
	patch -d "$dir/tree" -p1 --forward --batch <"$p" >>"$log" 2>&1 || {
		tail -n 20 "$log" >&2
		echo "patch $(basename "$p") does not apply (see $log)"
		exit 1
	}
done
make -C "$dir/tree/xen" defconfig >>"$log" 2>&1
if [ "$config" = debug ]; then
	echo "CONFIG_DEBUG=y" >>"$dir/tree/xen/.config"
	make -C "$dir/tree/xen" olddefconfig >>"$log" 2>&1
fi
jobs=${XN_JOBS:-2}
if ! make -C "$dir/tree/xen" -j"$jobs" >>"$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -n 20 >&2
	echo "hypervisor build failed (see $log)"
	exit 1
fi
cp "$dir/tree/xen/xen" "$dir/xen"
cp "$dir/tree/xen/xen-syms" "$dir/xen-syms"
cp "$dir/tree/xen/.config" "$dir/config"
echo "$version" >"$dir/version"
echo "$srcid" >"$dir/source"
# Keep the patched tree only for debugging a failed build: it is ~300 MB.
rm -rf "$dir/tree"
touch "$dir/.complete"
echo "$dir/xen"
