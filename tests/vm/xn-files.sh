#!/bin/sh
# xn-files.sh [deb]: make the directory the lab copies to dom0's /xn
# (XN_VM_FILES, mkinitrd.sh) and print its path: a self-signed certificate
# for 127.0.0.1 and a web-config.yml (TLS, user prometheus, password
# change-me) for tests/vm/checks/xen/prom.sh; with "deb", also the Debian
# package of this tree (`make deb`, Debian 12's: xen2 only). A part that
# cannot be made is left out (prom.sh says SKIP for it); nothing at all: exit 1.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/vm/xn-files${1:+-$1}
rm -rf "$out" && mkdir -p "$out" || exit 1
if command -v openssl >/dev/null && [ -x "$top/build/helpers/bcrypt_hash" ]; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$out/xn.key" -out "$out/xn.crt" \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 7 >/dev/null 2>&1 &&
		cat >"$out/web-config.yml" <<EOC
tls_server_config:
  cert_file: xn.crt
  key_file: xn.key
basic_auth_users:
  prometheus: $("$top/build/helpers/bcrypt_hash" change-me 4)
EOC
else
	echo "xn-files: no openssl or bcrypt_hash: no TLS in dom0" >&2
fi
# The package test_deb built and checked, when the tree is the one it was
# built from (scripts/tree.sh); else built here.
checked=$top/build/deb-checked
if [ "${1:-}" = deb ] && [ -f "$checked/tree.sha" ] &&
	[ "$(cat "$checked/tree.sha")" = "$(sh "$top/scripts/tree.sh" hash)" ] &&
	ls "$checked"/xentop-numa_*.deb >/dev/null 2>&1; then
	echo "xn-files: the package test_deb checked ($(cat "$checked/tree.sha"))" >&2
	cp "$(ls "$checked"/xentop-numa_*.deb | head -n 1)" "$out/xentop-numa.deb"
elif [ "${1:-}" = deb ]; then
	if command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null &&
		make -C "$top" --no-print-directory deb >&2; then
		cp "$(ls "$top"/build/deb/xentop-numa_*.deb | grep -v dbgsym | head -n 1)" "$out/xentop-numa.deb"
	else
		echo "xn-files: no Debian package (make deb failed or debhelper is missing)" >&2
	fi
fi
[ -n "$(ls "$out")" ] || exit 1
echo "$out"
