#!/bin/sh
# The Debian package (issue 23):
#  1. `make deb` builds it (dpkg-buildpackage -us -uc -b, debian/);
#  2. lintian --fail-on error,warning passes on the .deb and on the .changes;
#  3. its contents: the binary, both man pages, README and examples under
#     /usr/share/doc/xentop-numa, both systemd units (and no enabling
#     symlink, no start in the maintainer scripts), the /etc files as
#     conffiles; its version is the binary's;
#  4. installed with apt into a clean Debian 12 root (tests/sh/deb-chroot.sh):
#     `xentop-numa --version`, `man xentop-numa`, `systemd-analyze verify`
#     of both units and their `systemd-analyze security` exposure.
# The plain run builds it; the ASan run of the tests has nothing to add (a
# counted skip). Needs debhelper and lintian (scripts/deps.sh installs them).
set -u
XN_KEEP_GOING=1
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
root=${XN_ROOT:-$(pwd)}
case "$BIN" in *asan*) skip "the package is built and checked once, by the plain run" ;; esac
for t in dpkg-buildpackage dh lintian; do
	command -v $t >/dev/null 2>&1 || skip "$t is not installed (sh scripts/deps.sh deb installs the packaging tools)"
done
command -v git >/dev/null 2>&1 && git -C "$root" rev-parse >/dev/null 2>&1 ||
	skip "make deb copies git's list of the tree's files: not a git checkout"

# --- 1. make deb, in a build directory of its own
b="$tmp/build"
if ! make -C "$root" --no-print-directory BUILD="$b" deb >"$tmp/deb.out" 2>&1; then
	fail "make deb: $(tail -20 "$tmp/deb.out")"
	xn_finish test_deb
fi
deb=$(ls "$b"/deb/xentop-numa_*.deb 2>/dev/null | head -1)
changes=$(ls "$b"/deb/xentop-numa_*.changes 2>/dev/null | head -1)
[ -f "$deb" ] && [ -f "$changes" ] || {
	fail "make deb made no .deb or .changes: $(ls "$b/deb")"
	xn_finish test_deb
}
echo "built $(basename "$deb") ($(wc -c <"$deb") bytes)"

# --- 2. lintian
for f in "$deb" "$changes"; do
	lintian --fail-on error,warning "$f" >"$tmp/lintian.out" 2>&1 ||
		fail "lintian $(basename "$f"): $(grep -v '^running with root' "$tmp/lintian.out" | head -10)"
	echo "lintian $(basename "$f"): $(grep -c '^[EW]:' "$tmp/lintian.out") errors and warnings"
done

# --- 3. contents
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$tmp/files"
for f in /usr/bin/xentop-numa /usr/share/man/man1/xentop-numa.1.gz \
	/usr/share/man/man5/xentop-numa-json.5.gz /usr/share/doc/xentop-numa/README.md.gz \
	/usr/share/doc/xentop-numa/copyright /usr/share/doc/xentop-numa/examples/prometheus/web-config.yml \
	/usr/share/doc/xentop-numa/examples/xen-2node-guests.jsonl \
	/lib/systemd/system/xentop-numa.service /lib/systemd/system/xentop-numa-linux.service \
	/etc/default/xentop-numa /etc/xentop-numa/web-config.yml; do
	grep -qx "$f" "$tmp/files" || fail "the package has no $f"
done
grep -q 'wants/' "$tmp/files" && fail "the package enables a unit: $(grep wants/ "$tmp/files")"
dpkg-deb -e "$deb" "$tmp/control"
for f in /etc/default/xentop-numa /etc/xentop-numa/web-config.yml; do
	grep -qx "$f" "$tmp/control/conffiles" || fail "$f is not a conffile"
done
# the maintainer scripts start no unit (and enable one only if the operator
# had: deb-systemd-helper was-enabled; section 4 checks a fresh install)
if grep -l 'deb-systemd-invoke start\|systemctl start' "$tmp/control"/post* 2>/dev/null; then
	fail "a maintainer script starts a unit"
fi
v=$(dpkg-deb -f "$deb" Version)
bv=$("$BIN" --version | head -1)
case "$bv" in *" $v"*) ;; *) fail "package version $v, the binary says '$bv'" ;; esac

# --- 4. apt install into a clean Debian 12 root
if ! tarball=$(sh "$root/tests/sh/deb-chroot.sh"); then
	skip_part "clean Debian 12 root: $tarball"
else
	r="$tmp/root"
	mkdir -p "$r"
	tar -C "$r" -xf "$tarball"
	cp /etc/resolv.conf "$r/etc/resolv.conf"
	# the sources a Debian 12 installation has (debootstrap writes the
	# first only): the build machine's libraries come from all three
	cat >"$r/etc/apt/sources.list" <<EOF
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
	cp "$deb" "$r/tmp/"
	mount -t proc proc "$r/proc" && xn_at_exit "umount '$r/proc'"
	if ! chroot "$r" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/'"$(basename "$deb")" >"$tmp/apt.out" 2>&1; then
		fail "apt-get install into a clean Debian 12 root: $(tail -5 "$tmp/apt.out")"
	else
		out=$(chroot "$r" xentop-numa --version 2>&1) || fail "installed xentop-numa --version: $out"
		echo "installed in a clean Debian 12 root: $out"
		chroot "$r" sh -c 'MANPAGER=cat MANWIDTH=80 man xentop-numa' >"$tmp/man.out" 2>&1
		grep -q 'WEB CONFIGURATION' "$tmp/man.out" || fail "man xentop-numa: $(head -3 "$tmp/man.out")"
		for u in xentop-numa xentop-numa-linux; do
			chroot "$r" systemd-analyze verify "/lib/systemd/system/$u.service" >"$tmp/verify.out" 2>&1 ||
				fail "systemd-analyze verify $u.service: $(cat "$tmp/verify.out")"
			[ -s "$tmp/verify.out" ] && fail "systemd-analyze verify $u.service says: $(cat "$tmp/verify.out")"
			score=$(chroot "$r" systemd-analyze security --offline=true "/lib/systemd/system/$u.service" 2>&1 |
				sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
			echo "systemd-analyze security $u.service: exposure $score"
			[ -n "$score" ] || fail "systemd-analyze security $u.service gave no score"
		done
		[ -e "$r/etc/systemd/system/multi-user.target.wants/xentop-numa.service" ] &&
			fail "installing enabled xentop-numa.service"
	fi
fi
# --- 5. the package checked here, with the hash of the tree it was built
# from, for the lab (tests/vm/xn-files.sh installs it in xen2's dom0 when
# the tree is still the same, instead of building it again)
if [ "$fails" = 0 ] && [ -f "$b/deb/tree.sha" ]; then
	rm -rf "$root/build/deb-checked" && mkdir -p "$root/build/deb-checked" &&
		cp "$deb" "$b/deb/tree.sha" "$root/build/deb-checked/"
fi
xn_finish test_deb
