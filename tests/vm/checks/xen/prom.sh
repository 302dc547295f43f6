# The Prometheus export on the xen source, inside dom0 with real guests:
# the textfile of one sample says what the JSON of the same sample says
# (prom_agree.sh: node memory, distances, each domain's bytes per node,
# outside its affinity, locality, CPU seconds); its domains are `xl list`'s;
# build_info names the source; and --listen serves the same families over
# HTTP (busybox wget), read-only, until it is stopped.
. /checks/lib.sh
need_xn
"$XN" --source xen -b --format json -i 1 --prometheus /tmp/x.prom >/tmp/x.json 2>/tmp/x.err ||
	fail "xentop-numa --prometheus exited $?: $(cat /tmp/x.err)"
sh /checks/prom_agree.sh /tmp/x.prom /tmp/x.json || fail "the metrics and the JSON of one sample disagree"
grep -q '^xentop_numa_build_info{.*source="xen"' /tmp/x.prom ||
	fail "build_info does not name the xen source: $(grep build_info /tmp/x.prom)"
want=$(xl list | awk 'NR > 1 { print $2 }' | sort -n | tr '\n' ' ')
got=$(sed -n 's/^xentop_numa_domain_local_ratio{domid="\([0-9]*\)".*/\1/p; s/^xentop_numa_domain_memory_bytes{domid="\([0-9]*\)".*/\1/p' /tmp/x.prom |
	sort -nu | tr '\n' ' ')
same "domain ids (xl list vs the exposition)" "$want" "$got"

command -v wget >/dev/null || skip "no wget in dom0 to scrape --listen (the textfile part passed)"
"$XN" --source xen --listen 127.0.0.1:9799 -d 1 >/tmp/listen.out 2>&1 &
lp=$!
scraped() { wget -q -O /tmp/scrape.txt http://127.0.0.1:9799/metrics 2>/dev/null && grep -q '^xentop_numa_node_memory_total_bytes' /tmp/scrape.txt; }
wait_until 120 "a scrape of --listen with node metrics" scraped ||
	{ kill $lp; fail "no metrics served: $(cat /tmp/listen.out)"; }
for f in node_memory_total_bytes node_memory_free_bytes domain_memory_bytes domain_vcpus build_info; do
	grep -q "^xentop_numa_$f" /tmp/scrape.txt || { echo "DIFF no xentop_numa_$f in the scrape"; bad=$((bad + 1)); }
done
wget -q -O /dev/null http://127.0.0.1:9799/other 2>/dev/null && { echo "DIFF /other answered"; bad=$((bad + 1)); }
kill $lp
wait $lp
same "--listen's exit status after SIGTERM (a clean stop)" 0 "$?"
[ $bad = 0 ] || fail "$bad differences"
