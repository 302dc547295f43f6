#!/bin/sh
# Install the Debian packages xentop-numa needs to build and test.
# As root: installs what is missing. Otherwise: prints the exact command.
set -eu
PKGS="gcc make pkg-config libncurses-dev libnuma-dev libjansson-dev libxen-dev
mandoc numactl tmux jq clang-format clang-tidy cppcheck libmicrohttpd-dev prometheus curl
prometheus-node-exporter golang-go
qemu-system-x86 busybox-static cpio xz-utils zstd flex bison dpkg-dev python3"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
	echo "deps: missing Debian packages. Run as root:" >&2
	echo "  apt-get install$missing" >&2
	exit 1
fi
