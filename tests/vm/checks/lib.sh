# lib.sh - helpers for the lab's check scripts (sourced; busybox sh + awk).
XN=${XN:-/usr/bin/xentop-numa}
# The nodes the host's boot.sh emulated (XN_EXPECT_NODES=N on the kernel
# command line: the kernel passes it to /init's environment; read again
# here in case it did not).
[ -n "${XN_EXPECT_NODES:-}" ] ||
	XN_EXPECT_NODES=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^XN_EXPECT_NODES=//p' | tail -n 1)
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
		echo "DIFF $1: the system's own tools say '$2', xentop-numa says '$3'"
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
# Whole seconds since boot: deadlines count real time, not loop turns (a
# turn of a loop that runs xl takes from 0.1 s to several seconds under TCG).
now() { cut -d. -f1 /proc/uptime; }
# wait_until SECONDS WHAT CMD...: run CMD once a second until it succeeds;
# 0 then, else (the deadline passed) 1 and "timed out after N s waiting for
# WHAT". Every wait in the lab is one of these, never a bare sleep. The
# deadlines are 3-5 times what a quiet machine needs: TCG on a host busy
# with other work is that much slower.
wait_until() {
	_wlim=$1 _what=$2
	shift 2
	_wend=$(($(now) + _wlim))
	until "$@"; do
		[ "$(now)" -lt "$_wend" ] || {
			echo "timed out after $_wlim s waiting for $_what"
			return 1
		}
		sleep 1
	done
}
domu_is_up() { grep -q '@@@DOMU up' "/var/log/xen/console/guest-$1.log" 2>/dev/null; }
# Wait until a guest's console log says it is up.
wait_domu() { # name seconds
	wait_until "$2" "guest $1's console to say it is up" domu_is_up "$1"
}
# A line in a file (a helper's "READY").
file_has() { grep -q "$2" "$1" 2>/dev/null; }
# One JSON sample from the xen source into /tmp/snap.json (extra options allowed).
snap() {
	"$XN" --snapshot --source xen "$@" >/tmp/snap.json 2>/tmp/snap.err || {
		cat /tmp/snap.err
		fail "xentop-numa --snapshot $* failed"
	}
}
# A snapshot taken at a quiet moment for a comparison to the page: 'u'
# dumped before and after it (into /tmp/u.before, /tmp/u); when both dumps
# are equal nothing moved in between and the snapshot must equal them
# exactly. Retried (a guest's balloon driver, dom0's own work) until the
# deadline; 1 with both dumps kept when no quiet moment came.
quiet_snap() { # seconds [snap options]
	_qlim=$1
	shift
	_qend=$(($(now) + _qlim)) _qt=0
	while :; do
		_qt=$((_qt + 1))
		xen_u_pages >/tmp/u.before
		snap "$@"
		xen_u_pages >/tmp/u
		cmp -s /tmp/u.before /tmp/u && [ -s /tmp/u ] && {
			echo "quiet sample after $_qt tries ('u' equal before and after)"
			return 0
		}
		[ "$(now)" -lt "$_qend" ] || {
			echo "timed out after $_qlim s waiting for a quiet moment ('u' before = after a sample):"
			diff /tmp/u.before /tmp/u
			return 1
		}
		sleep 1
	done
}
# jq on the last snapshot.
sj() { jq -r "$@" /tmp/snap.json; }
# Online node ids from `xl info -n` (the numa_info table).
xl_nodes() {
	xl info -n | awk '/^numa_info/ { t = 1; next } t && /^node:/ { next }
		t && /^ *[0-9]+:/ { sub(":", "", $1); print $1; next } t { exit }'
}
# CPUs and nodes in /tmp/cpunode, "cpu node" a line: linux_cpunode from
# /sys, xen_cpunode from `xl info -n`'s cpu_topology table; then node_of and
# cpus_of read it.
linux_nodes() { ls -d /sys/devices/system/node/node[0-9]* | sed 's/.*node//' | sort -n; }
linux_cpunode() {
	for n in $(linux_nodes); do
		tr ',' '\n' </sys/devices/system/node/node$n/cpulist | awk -F- -v n="$n" \
			'{ for (c = $1; c <= (NF > 1 ? $2 : $1); c++) print c, n }'
	done >/tmp/cpunode
}
xen_cpunode() {
	xl info -n | awk '/^cpu_topology/ { t = 1; next } t && /^cpu:/ { next }
		t && /^ *[0-9]+:/ { sub(":", "", $1); print $1, $4; next } t { exit }' >/tmp/cpunode
}
node_of() { awk -v c="$1" '$1 == c { print $2 }' /tmp/cpunode; } # cpu
cpus_of() { awk -v n="$1" '$2 == n { printf "%s%s", s, $1; s = "," }' /tmp/cpunode; } # node
# A Linux process, from the kernel's own files: "node pages" (4 KiB pages)
# from /proc/PID/numa_maps; the node each thread ran on last (task stat
# field 39, the CPU), one a line; LOCAL% = mean over threads of (pages on
# the thread's node / all pages), as if every thread ran on NODE if given.
numa_pages() { # pid
	awk '{ k = 4; for (i = 1; i <= NF; i++) if ($i ~ /^kernelpagesize_kB=/) { split($i, a, "="); k = a[2] }
		for (i = 1; i <= NF; i++) if ($i ~ /^N[0-9]+=/) { split(substr($i, 2), a, "="); p[a[1]] += a[2] * k / 4 } }
		END { for (n in p) print n, p[n] }' "/proc/$1/numa_maps" | sort -n
}
thread_nodes() { # pid
	for t in /proc/"$1"/task/*; do
		node_of "$(awk '{ print $39 }' "$t/stat")"
	done
}
local_pct() { # pages-file nodes-file [node]
	awk -v all="${3:-}" 'FILENAME == ARGV[1] { pg[$1] = $2; tot += $2; next }
		{ n = all != "" ? all : $1; s += pg[n] / tot; k++ }
		END { printf "%.3f\n", k && tot ? 100 * s / k : -1 }' "$1" "$2"
}
# CPU of a batch command, in ms (user + system; hypercalls count as system
# time in a PV dom0). steady_cpu R CMD... (CMD without -i): per steady
# refresh, from the running process's own utime + stime (/proc/PID/stat,
# USER_HZ = 100 ticks a second) read when its 3rd batch header appears and
# again at its (3 + R)th, divided by R: start-up and the first refresh
# (every name read, every cache filled) stay outside the window. The
# difference of two separate runs, "(CPU of R+1 refreshes - CPU of 1) / R",
# did not: a slow start of the 1-refresh run gave CI -66.7 ms. Prints the
# figure, or "failed: why". cpu_once CMD...: the whole run's CPU, start-up
# included (children's times), or "failed: why".
proc_ticks() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }'; }
batch_headers() { grep -c 'NAME  *STATE' /tmp/steady.out 2>/dev/null || true; }
# header_secs: the deadline's seconds per header (default 10); a check with
# many domains sets more (xentop's first refresh of 1000 domains took 31 s
# of CPU under TCG, and its third header missed a 150 s deadline).
wait_headers() { # pid count: 0 once the output has that many headers
	deadline=$(($(now) + 120 + ${header_secs:-10} * $2))
	while [ "$(batch_headers)" -lt "$2" ]; do
		kill -0 "$1" 2>/dev/null || return 1
		[ "$(now)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}
steady_cpu() { # refreshes command...
	sc_r=$1
	shift
	"$@" >/tmp/steady.out 2>/tmp/cpu.err &
	sc_pid=$!
	if wait_headers $sc_pid 3 && sc_a=$(proc_ticks $sc_pid) &&
		wait_headers $sc_pid $((3 + sc_r)) && sc_b=$(proc_ticks $sc_pid); then
		kill $sc_pid 2>/dev/null
		wait $sc_pid 2>/dev/null
		awk -v a="$sc_a" -v b="$sc_b" -v r="$sc_r" 'BEGIN { printf "%.1f\n", (b - a) * 10 / r }'
	else
		kill $sc_pid 2>/dev/null
		wait $sc_pid 2>/dev/null
		echo "failed: $(batch_headers) headers; $(tail -n 1 /tmp/cpu.err)"
	fi
}
cpu_once() { # command...
	(
		"$@" >/dev/null 2>/tmp/cpu.err || exit 1
		times
	) >/tmp/times.txt 2>&1 || {
		echo "failed: $(tail -n 1 /tmp/cpu.err)"
		return
	}
	tail -n 1 /tmp/times.txt | awk '
		function sec(t) { split(t, a, "m"); sub("s", "", a[2]); return a[1] * 60 + a[2] }
		{ printf "%.0f\n", (sec($1) + sec($2)) * 1000 }'
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
# Environment: GUEST_VCPUS (default 2), GUEST_BUSY=1 (the guest spins on every
# vCPU once up: init-domu.sh's xn_busy).
make_guest() {
	g=$1 mem=$2 max=$3 pnode=$4
	shift 4
	cat >"/etc/xen/$g.cfg" <<CFG
name = "$g"
type = "pv"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd"
extra = "console=hvc0 loglevel=4${GUEST_BUSY:+ xn_busy}"
memory = $mem
maxmem = $max
vcpus = ${GUEST_VCPUS:-2}
on_crash = "preserve"
CFG
	[ "$pnode" = - ] || echo "cpus_soft = \"node:$pnode\"" >>"/etc/xen/$g.cfg"
	xl create "$@" "/etc/xen/$g.cfg" >"/tmp/create-$g.log" 2>&1 || {
		cat "/tmp/create-$g.log"
		return 1
	}
}
