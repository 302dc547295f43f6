# Batch mode is a drop-in for `xentop -b`: the same header for xentop's
# columns, in xentop's order (without -n/-x: xentop always prints NETS to
# SSID), and field by field the same values for the same domains (CPU time
# and the running flag move between the two runs: compared apart); every
# row as many one-word fields as the header, as xentop's clients split it.
. /checks/lib.sh
need_xn
xentop -b -i 1 >/tmp/xentop.txt || fail "xentop -b failed"
"$XN" -b -i 1 --source xen >/tmp/ours.txt || fail "xentop-numa -b failed"
cat /tmp/xentop.txt /tmp/ours.txt
same "header" "$(head -1 /tmp/xentop.txt | awk '{ $1 = $1; print }')" \
	"$(head -1 /tmp/ours.txt | awk '{ NF = 19; print }')"
# "NAME field=value..." per domain for xentop's columns but the moving ones;
# xentop's "no limit" is two words, ours the one its clients rewrite it to
cols() {
	sed 's/no limit/no-limit/' "$1" | awk 'NR == 1 { for (i = 1; i <= 19; i++) h[i] = $i; next }
		NF { s = $1; for (i = 2; i <= 19; i++)
			if (h[i] != "CPU(sec)" && h[i] != "CPU(%)" && h[i] != "STATE") s = s " " h[i] "=" $i
			print s }' | sort
}
cols /tmp/xentop.txt >/tmp/x.cols
cols /tmp/ours.txt >/tmp/o.cols
[ -s /tmp/x.cols ] || fail "no domains in xentop -b"
while read -r name rest; do
	same "$name" "$rest" "$(awk -v n="$name" '$1 == n { $1 = ""; sub(/^ /, ""); print }' /tmp/o.cols)"
done </tmp/x.cols
same "domains" "$(wc -l </tmp/x.cols)" "$(wc -l </tmp/o.cols)"
# the moving ones: the same state flags but the running one, CPU(sec) apart by
# at most the seconds between the two runs (and a little)
awk 'NR == FNR { if (FNR > 1) { s[$1] = substr($2, 1, 5); c[$1] = $3 } next }
	FNR > 1 && ($1 in s) { if (substr($2, 1, 5) != s[$1]) print "state", $1, s[$1], $2
		d = $3 - c[$1]; if (d < 0 || d > 30) print "cpu", $1, c[$1], $3 }' \
	/tmp/xentop.txt /tmp/ours.txt >/tmp/moved
same "state and CPU(sec)" "" "$(cat /tmp/moved)"
# as a client splits them: one word per field, the state as xentop's
awk 'NR == 1 { n = NF; next } NF != n || $2 !~ /^[-d][-s][-b][-c][-p][-r]$/ { print }' \
	/tmp/ours.txt >/tmp/badrows
same "rows a client cannot split" "" "$(cat /tmp/badrows)"

# -n -x: xentop's line per network interface and per block device after each
# domain's. A paused guest with one of each (its backends exist and stand
# still), made here and destroyed at the end; the hotplug scripts are ours
# (the lab's dom0 has no bash for Xen's): they only say where the disk is.
printf '#!/bin/sh\n[ "$1" = add ] || exit 0\nxenstore-write "$XENBUS_PATH/hotplug-status" connected\n' >/tmp/xn-vif
printf '#!/bin/sh\n[ "$1" = add ] || exit 0\nxenstore-write "$XENBUS_PATH/physical-device" "$(stat -L -c %%t:%%T /dev/loop0)" "$XENBUS_PATH/hotplug-status" connected\n' >/tmp/xn-block
chmod 755 /tmp/xn-vif /tmp/xn-block
insmod /lib/modules/xen-netback.ko
insmod /lib/modules/xen-blkback.ko
# /dev/loop0 comes with the loop module (Debian builds it as one: without it
# busybox's losetup says the image file is missing)
insmod /lib/modules/loop.ko 2>/dev/null
wait_until 10 "/dev/loop0 after insmod loop" test -b /dev/loop0 || fail "no /dev/loop0 (loop.ko: $(ls /lib/modules))"
dd if=/dev/zero of=/tmp/xnN.img bs=1M count=4 2>/dev/null
cat >/etc/xen/xnN.cfg <<CFG
name = "xnN"
type = "pv"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd"
memory = 128
vcpus = 1
vif = [ "script=/tmp/xn-vif" ]
disk = [ "format=raw, vdev=xvda, access=rw, script=/tmp/xn-block, target=/dev/loop0" ]
CFG
if losetup /dev/loop0 /tmp/xnN.img && xl create -p /etc/xen/xnN.cfg >/tmp/create-xnN.log 2>&1; then
	# netback makes dom0's vifD.0 a moment after xl returns: both tools must
	# see it (xentop, run first, missed it once while we, just after, had it)
	nid=$(xl domid xnN)
	vif_up() { grep -q "vif$nid\.0:" /proc/net/dev; }
	wait_until 30 "vif$nid.0 in /proc/net/dev" vif_up || fail "no vif$nid.0 for xnN: $(cat /proc/net/dev)"
	xentop -b -i 1 -n -x >/tmp/xentop-nx.txt || fail "xentop -b -n -x failed"
	"$XN" -b -i 1 -n -x --source xen >/tmp/ours-nx.txt || fail "xentop-numa -b -n -x failed"
	cat /tmp/xentop-nx.txt /tmp/ours-nx.txt
	# "NAME: line" for each Net/VBD line, under the domain line before it
	devrows() {
		awk 'NR == 1 { next } /^(Net[0-9]+ RX:|VBD )/ { print d ": " $0; next } { d = $1 }' "$1"
	}
	devrows /tmp/xentop-nx.txt >/tmp/x.dev
	devrows /tmp/ours-nx.txt >/tmp/o.dev
	# The VBD lines must be xentop's. The Net line: with no bridge in dom0,
	# libxenstat's getBridge() leaves its name empty, strstr(iface, "") then
	# takes every interface for the bridge, and no vif is counted (xentop
	# shows NETS 0); we show vifD.0 from /proc/net/dev. Compared when xentop
	# has one, said otherwise (a bridge in dom0 would let both count it).
	same "xnN's VBD lines" "$(grep '^xnN: VBD ' /tmp/x.dev)" "$(grep '^xnN: VBD ' /tmp/o.dev)"
	same "xnN's VBD lines (xentop)" 1 "$(grep -c '^xnN: VBD ' /tmp/x.dev)"
	if grep -q '^xnN: Net' /tmp/x.dev; then
		same "xnN's Net lines" "$(grep '^xnN: Net' /tmp/x.dev)" "$(grep '^xnN: Net' /tmp/o.dev)"
	else
		echo "NOTE xentop shows no Net line for xnN's unbridged vif; ours: $(grep -c '^xnN: Net' /tmp/o.dev)"
	fi
	same "-n -x lines of the other domains" "$(grep -v '^xnN: ' /tmp/x.dev)" "$(grep -v '^xnN: ' /tmp/o.dev)"
	# What reading them only when asked saves (a figure for the man page's
	# PERFORMANCE, not a test): 200 refreshes with xentop's columns, then
	# without a network or VBD column, in centiseconds of the dom0 clock
	for c in NAME,STATE,CPU\(%\),MEM\(k\),NETS,VBDS NAME,STATE,CPU\(%\),MEM\(k\); do
		t0=$(tr -d . </proc/uptime | cut -d' ' -f1)
		"$XN" -b -i 200 -d 0 --source xen --columns "$c" >/dev/null
		t1=$(tr -d . </proc/uptime | cut -d' ' -f1)
		echo "refreshes: 200 with --columns $c: $((t1 - t0)) cs"
	done
	xl destroy xnN
else
	cat /tmp/create-xnN.log
	fail "cannot make a guest with a vif and a disk for -n -x"
fi
losetup -d /dev/loop0
[ $bad = 0 ] || fail "batch output differs from xentop -b"
