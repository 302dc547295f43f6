#!/bin/sh
# prom_agree.sh PROM JSON: exit 0 when the Prometheus text PROM and the JSON
# snapshot JSON (one line, xentop-numa-json(5)) say the same of the same
# sample: node total and free memory, distances, and per domain its bytes
# on each node, outside its affinity, its local ratio and CPU seconds.
# Take both from one sample:
#   xentop-numa -b --format json -i 1 --prometheus x.prom >x.json
# Prints each disagreement, and the number of figures compared. Used by
# tests/sh/test_prometheus.sh; the Xen lab can run it inside dom0.
set -u
[ $# = 2 ] || { echo "usage: prom_agree.sh PROM JSON" >&2; exit 2; }
t=$(mktemp -d /tmp/prom_agree.XXXXXX) || exit 2
trap 'rm -rf "$t"' EXIT
# From the JSON: "key value" lines; numbers as jq prints them.
jq -r '.host.page_size as $ps | .host.nodes as $n |
	($n[] | select(.mem_total != null) | "total \(.id) \(.mem_total)"),
	($n[] | select(.mem_free != null) | "free \(.id) \(.mem_free)"),
	(if .host.distance then
		range(0; $n | length) as $i | range(0; $n | length) as $j |
		"distance \($n[$i].id)-\($n[$j].id) \(.host.distance[$i][$j])" else empty end),
	(.domains[] | . as $d |
		(select($d.node_pages != null) | range(0; $n | length) as $i |
			"mem \($d.id)-\($n[$i].id) \($d.node_pages[$i] * $ps)"),
		(select($d.pages_outside != null) | "outside \($d.id) \($d.pages_outside * $ps)"),
		(select($d.locality != null) | "local \($d.id) \($d.locality / 100)"),
		(select($d.cpu_ns != null) | "cpu \($d.id) \($d.cpu_ns / 1e9)"))' "$2" >"$t/want" || exit 2
# From the exposition: the same keys (a name may hold anything, but its
# quotes are escaped, so domid="N" first and node="N"} last are plain).
awk '
function lab(l, k,   r) { if (match(l, k "=\"[^\"]*\"")) { r = substr(l, RSTART + length(k) + 2, RLENGTH - length(k) - 3); return r } return "" }
/^#/ { next }
{ v = $NF; d = lab($0, "{domid") }
/^xentop_numa_node_memory_total_bytes\{/ { print "total", lab($0, "node"), v }
/^xentop_numa_node_memory_free_bytes\{/ { print "free", lab($0, "node"), v }
/^xentop_numa_node_distance\{/ { print "distance", lab($0, "node") "-" lab($0, ",to"), v }
/^xentop_numa_domain_memory_bytes\{/ { match($0, /,node="[0-9]+"\} /); print "mem", d "-" substr($0, RSTART + 7, RLENGTH - 10), v }
/^xentop_numa_domain_outside_affinity_bytes\{/ { print "outside", d, v }
/^xentop_numa_domain_local_ratio\{/ { print "local", d, v }
/^xentop_numa_domain_cpu_seconds_total\{/ { print "cpu", d, v }' "$1" >"$t/got"
# Every figure of one side on the other, equal to 1 part in 1e9.
awk 'function abs(x) { return x < 0 ? -x : x }
FNR == NR { want[$1 " " $2] = $3; next }
{ got[$1 " " $2] = $3 }
END {
	bad = 0
	for (k in want) {
		if (!(k in got)) { print "missing from the exposition: " k " " want[k]; bad++; continue }
		w = want[k] + 0; g = got[k] + 0
		if (abs(w - g) > 1e-9 * (abs(w) > 1 ? abs(w) : 1)) { print "differs: " k ": JSON " want[k] ", exposition " got[k]; bad++ }
	}
	for (k in got) if (!(k in want)) { print "not in the JSON: " k " " got[k]; bad++ }
	n = 0; for (k in want) n++
	print n " figures compared, " bad " disagree"
	exit bad > 0
}' "$t/want" "$t/got"
