#!/bin/sh
# Install the Debian packages xentop-numa needs to build and test.
# As root: installs what is missing. Otherwise: prints the exact command.
# The Debian packaging tools (make deb, lintian) are installed too when they
# can be; without them their test is a counted skip, so a failure to get
# them does not fail here. debootstrap makes the clean Debian 12 root the
# package is installed into (tests/sh/deb-chroot.sh). `sh scripts/deps.sh deb` installs only those.
set -eu
PKGS="gcc make pkg-config libncurses-dev libnuma-dev libjansson-dev libxen-dev
mandoc numactl tmux jq clang-format clang-tidy cppcheck libmicrohttpd-dev libgnutls28-dev
libcrypt-dev prometheus curl prometheus-node-exporter openssl golang-go
qemu-system-x86 busybox-static cpio xz-utils zstd flex bison dpkg-dev python3"
DEB_PKGS="debhelper lintian debootstrap"
[ "${1:-}" = deb ] && PKGS=""
missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
	done
}
# shellcheck disable=SC2086 # lists of names
need=$(missing $PKGS | tr '\n' ' ')
# shellcheck disable=SC2086
optional=$(missing $DEB_PKGS | tr '\n' ' ')
[ -z "$need$optional" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	[ -n "$need" ] || exit 0
	echo "deps: missing Debian packages. Run as root:" >&2
	echo "  apt-get install $need $optional" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if [ -n "$need" ]; then
	echo "deps: installing: $need"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
if [ -n "$optional" ]; then
	echo "deps: installing the packaging tools: $optional"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $optional >/dev/null ||
		echo "deps: could not install $optional: make deb and its test will be skipped" >&2
fi
