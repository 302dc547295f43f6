# Batch mode: name, memory and vCPUs of every domain agree with `xentop -b`,
# and with -n -x the network and VBD counts (xentop -b always prints them).
. /checks/lib.sh
need_xn
xentop -b -i 1 >/tmp/xentop.txt || fail "xentop -b failed"
"$XN" -b -i 1 -n -x --source xen >/tmp/ours.txt || fail "xentop-numa -b -n -x failed"
cat /tmp/xentop.txt /tmp/ours.txt
# "NAME MEM(k) VCPUS" per domain, columns found by header title.
cols() {
	awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		NF { print $c["NAME"], $c["MEM(k)"], $c["VCPUS"], $c["NETS"], $c["VBDS"] }' "$1" | sort
}
cols /tmp/xentop.txt >/tmp/x.cols
cols /tmp/ours.txt >/tmp/o.cols
[ -s /tmp/x.cols ] || fail "no domains in xentop -b"
same "name mem(k) vcpus nets vbds" "$(cat /tmp/x.cols | tr '\n' ';')" "$(cat /tmp/o.cols | tr '\n' ';')"
[ $bad = 0 ] || fail "batch columns differ from xentop -b"
