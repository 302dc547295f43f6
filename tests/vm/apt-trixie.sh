#!/bin/sh
# apt-get / apt-cache against Debian 13 (trixie) with a configuration of its
# own, so a Debian 12 build machine can fetch trixie's packages and sources
# without touching its own apt lists, state or cache:
#
#   sh tests/vm/apt-trixie.sh apt-cache policy xen-utils-4.20
#   sh tests/vm/apt-trixie.sh apt-get download libxen-dev
#   sh tests/vm/apt-trixie.sh dir        # prints the configuration directory
#
# The mirror is the host's own Debian mirror (the first URIs: of a deb
# stanza for Debian, else deb.debian.org). Lists live in
# $XN_CACHE/apt-trixie-KEY/ (KEY = hash of the sources file), fetched once;
# XN_APT_REFRESH=1 fetches them again (for security updates). Nothing is
# installed: only `download`, `source --download-only`, `policy`, `showsrc`,
# `depends` make sense here. Exit 77 (reason on the last line) when the
# lists cannot be had.
set -eu
cache_top=${XN_CACHE:-${HOME:-/root}/.cache/xentop-numa}
say() { echo "apt-trixie: $*" >&2; }

mirror=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)\/*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
	head -n 1)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
sec=${mirror%/debian}/debian-security
sources="Types: deb deb-src
URIs: $mirror
Suites: trixie trixie-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: $sec
Suites: trixie-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"
key=$(printf '%s' "$sources" | sha256sum | cut -c1-16)
dir=$cache_top/apt-trixie-$key
opts="-o Dir::Etc::sourcelist=$dir/trixie.sources -o Dir::Etc::sourceparts=$dir/empty.d
 -o Dir::State::Lists=$dir/lists -o Dir::State::status=$dir/status
 -o Dir::Cache=$dir/cache -o Dir::Etc::preferences=/dev/null
 -o Dir::Etc::preferencesparts=$dir/empty.d -o APT::Architecture=amd64
 -o APT::Architectures::=amd64 -o Debug::NoLocking=1"

if [ ! -f "$dir/.complete" ] || [ "${XN_APT_REFRESH:-0}" = 1 ]; then
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/empty.d"
	chmod -R 777 "$dir/lists" "$dir/cache" # apt drops to _apt to download
	printf '%s' "$sources" >"$dir/trixie.sources"
	: >"$dir/status"
	say "fetching trixie lists into $dir"
	# shellcheck disable=SC2086
	if ! apt-get $opts update -q >"$dir/update.log" 2>&1 ||
		grep -q '^[EW]: Failed' "$dir/update.log"; then
		tail -n 5 "$dir/update.log" >&2
		echo "apt-get update for trixie failed (see $dir/update.log)"
		exit 77
	fi
	touch "$dir/.complete"
fi

cmd=$1
shift
# shellcheck disable=SC2086
case $cmd in
dir) echo "$dir" ;;
apt-get | apt-cache) exec "$cmd" $opts "$@" ;;
*)
	echo "apt-trixie: unknown command $cmd" >&2
	exit 2
	;;
esac
