# lib.sh - helpers for the lab's check scripts (sourced; busybox sh + awk).
XN=${XN:-/usr/bin/xentop-numa}
fail() {
	echo "FAIL: $*"
	exit 1
}
skip() {
	echo "$*"
	exit 77
}
need_xn() {
	[ -x "$XN" ] || skip "xentop-numa was not built (no ./xentop-numa on the host)"
}
# Compare two values, print both; count a mismatch in $bad.
bad=0
same() { # what expected got
	if [ "$2" = "$3" ]; then
		echo "ok   $1: $3"
	else
		echo "DIFF $1: xen says '$2', xentop-numa says '$3'"
		bad=$((bad + 1))
	fi
}
# Press a debug key and print the console lines it produced (without "(XEN) ").
# The lab clears the ring first (reading all of it back is slow under TCG);
# xentop-numa itself never clears it. Debug keys run synchronously in the
# hypercall, so the dump is complete when `xl debug-keys` returns.
xen_debugkey() { # key
	xl dmesg -c >/dev/null
	xl debug-keys "$1"
	xl dmesg | sed 's/^(XEN) //' | awk -v k="'$1' pressed" 'index($0, k) { n = NR; delete buf } { buf[NR] = $0 }
		END { for (i = n; i <= NR; i++) if (i in buf) print buf[i] }'
}
# "domid node pages" lines from the newest 'u' dump (4.17 "Domain N" and 4.18 "dN").
xen_u_pages() {
	xen_debugkey u | awk '
		/^Domain [0-9]+ \(total/ { d = $2; next }
		/^d[0-9]+ \(total/ { d = substr($1, 2); next }
		/^ *Node [0-9]+:/ { sub(":", "", $2); print d, $2, $3 }'
}
# Wait until a guest's console log says it is up.
wait_domu() { # name seconds
	i=0
	while [ $i -lt "$2" ]; do
		grep -q '@@@DOMU up' "/var/log/xen/console/guest-$1.log" 2>/dev/null && return 0
		sleep 1
		i=$((i + 1))
	done
	return 1
}
# One JSON sample from the xen source into /tmp/snap.json (extra options allowed).
snap() {
	"$XN" --snapshot --source xen "$@" >/tmp/snap.json 2>/tmp/snap.err || {
		cat /tmp/snap.err
		fail "xentop-numa --snapshot $* failed"
	}
}
# jq on the last snapshot.
sj() { jq -r "$@" /tmp/snap.json; }
# Online node ids from `xl info -n` (the numa_info table).
xl_nodes() {
	xl info -n | awk '/^numa_info/ { t = 1; next } t && /^node:/ { next }
		t && /^ *[0-9]+:/ { sub(":", "", $1); print $1; next } t { exit }'
}
# A domain's id by name.
domid_of() { xl domid "$1"; }
# Make a tiny PV guest: make_guest NAME MEM_MIB MAXMEM_MIB NODE|- [xl create options]
# NODE puts its memory on that node: with an explicit soft affinity
# (cpus_soft="node:N") libxl skips its own placement and leaves node affinity
# automatic, so Xen derives it from the vCPUs ({N}) before the memory is
# allocated. (cpus="node:N", hard affinity, does not: libxl's placement still
# runs and picks the node with the most free memory. 4.17's libxl refuses
# vNUMA for PV guests.)
make_guest() {
	g=$1 mem=$2 max=$3 pnode=$4
	shift 4
	cat >"/etc/xen/$g.cfg" <<CFG
name = "$g"
type = "pv"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd"
extra = "console=hvc0 loglevel=4"
memory = $mem
maxmem = $max
vcpus = 2
on_crash = "preserve"
CFG
	[ "$pnode" = - ] || echo "cpus_soft = \"node:$pnode\"" >>"/etc/xen/$g.cfg"
	xl create "$@" "/etc/xen/$g.cfg" >"/tmp/create-$g.log" 2>&1 || {
		cat "/tmp/create-$g.log"
		return 1
	}
}
