#!/bin/sh
# The linux source's cost per refresh against `numastat -p` (numactl), same
# processes, same run: 4 numa_hog processes of 2 GiB each (less when node 0
# has not that much free memory: the size used is printed).
#  - ours: CPU time (user+sys) of `-b --format json -d 0.1 -i 101` minus that
#    of `-i 1`, divided by 100 = one steady refresh, scan budget included
#    (10 s: one round of exact walks at the default --exact-interval 10; the
#    first refresh's walks are in both runs and cancel out);
#  - numastat: CPU time of 20 runs of `numastat -p PIDS`, divided by 20, for
#    the same processes: the hogs plus the QEMU guests running on this host,
#    which xentop-numa always shows;
#  - accuracy: the last refresh's per-node pages against an exact
#    numa_maps reading taken right after it, as % of the process's pages.
# Target: ratio >= 10, difference <= 2 %.
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/../tests/sh/lib.sh"
HOG=$HELPERS/numa_hog
NPROC=4
pids=""

[ -x "$BIN" ] && [ -x "$HOG" ] || {
	echo "bench_linux: build first (make all \$(HELPER_BINS))"
	exit 1
}
command -v numastat >/dev/null || {
	echo "bench_linux: numastat missing (Debian package numactl)"
	exit 1
}

# Size: 2 GiB each, or what fits in node 0's free memory with 1 GiB to spare.
free_kb=$(awk '/MemFree/ {print $4}' /sys/devices/system/node/node0/meminfo)
mib=${XN_BENCH_MIB:-2048}
fit=$(((free_kb / 1024 - 1024) / NPROC / 256 * 256))
[ "$mib" -le "$fit" ] || mib=$fit
[ "$mib" -ge 256 ] || {
	echo "bench_linux: node 0 has too little free memory ($((free_kb / 1024)) MiB)"
	exit 1
}

i=0
while [ $i -lt $NPROC ]; do
	xn_start "$tmp/hog$i" "$HOG" "$mib" 0
	pids="$pids $xn_last"
	i=$((i + 1))
done
for i in $(seq 0 $((NPROC - 1))); do
	while ! grep -q READY "$tmp/hog$i"; do
		grep -q . "$tmp/hog$i" && ! grep -q READY "$tmp/hog$i" && {
			cat "$tmp/hog$i"
			exit 1
		}
		sleep 0.2
	done
done
list=$(echo $pids | tr ' ' ',')

# cpu_secs OUT CMD...: children's user+sys CPU seconds of running CMD
# (stdout to OUT), from the shell's `times`
cpu_secs() {
	out=$1
	shift
	sh -c 'o=$1; shift; "$@" >"$o" 2>&1; times' sh "$out" "$@" | tail -n 1 |
		sed 's/m/ /g; s/s//g' | awk '{printf "%.6f\n", $1 * 60 + $2 + $3 * 60 + $4}'
}

one=$(cpu_secs /dev/null "$BIN" --source linux -b --format json -d 0.1 -i 1 --top 0 --pid "$list")
many=$(cpu_secs "$tmp/run.jsonl" "$BIN" --source linux -b --format json -d 0.1 -i 101 --top 0 \
	--pid "$list")
ours=$(echo "$many $one" | awk '{printf "%.6f", ($1 - $2) / 100}')
# for scale: the same with an exact numa_maps walk at every refresh (no budget)
exact_many=$(cpu_secs /dev/null "$BIN" --source linux -b --format json -d 0.1 -i 21 --top 0 \
	--exact-interval 0.001 --pid "$list")
exact_one=$(cpu_secs /dev/null "$BIN" --source linux -b --format json -d 0.1 -i 1 --top 0 \
	--exact-interval 0.001 --pid "$list")
exact_cost=$(echo "$exact_many $exact_one" | awk '{printf "%.6f", ($1 - $2) / 20}')
all=$(head -n 1 "$tmp/run.jsonl" | jq -r '[.domains[].id] | join(" ")')

nst=$(cpu_secs /dev/null sh -c 'i=0; while [ $i -lt 20 ]; do numastat -p "$@"; i=$((i + 1)); done' sh $all)
theirs=$(echo "$nst" | awk '{printf "%.6f", $1 / 20}')

# accuracy of the last refresh against numa_maps read now (hogs are static)
tail -n 1 "$tmp/run.jsonl" >"$tmp/last.json"
worst=0
for p in $pids; do
	exact=$(tr ' ' '\n' </proc/$p/numa_maps | awk -F= '
		/^kernelpagesize_kB=/ { for (n in cur) tot[n] += cur[n] * $2 / 4; split("", cur); next }
		/^N[0-9]+=/ { cur[substr($1, 2)] += $2 }
		END { for (n in tot) printf "%s:%d ", n, tot[n] }')
	ours_p=$(jq -r --argjson id "$p" '
		(.host.nodes | map(.id)) as $ids
		| [.domains[] | select(.id == $id)][0] as $d
		| [range(0; $ids | length) | "\($ids[.]):\($d.node_pages[.])"] | join(" ")
		+ " method:\($d.pages_method)"' "$tmp/last.json")
	d=$(echo "$exact|$ours_p" | awk -F'|' '{
		n = split($1, a, " "); for (i = 1; i <= n; i++) { split(a[i], kv, ":"); ex[kv[1]] = kv[2]; tot += kv[2] }
		m = split($2, b, " "); for (i = 1; i <= m; i++) { split(b[i], kv, ":"); if (kv[1] != "method") us[kv[1]] = kv[2] }
		w = 0; for (k in ex) { x = ex[k] - us[k]; if (x < 0) x = -x; if (x > w) w = x }
		for (k in us) if (!(k in ex)) { x = us[k]; if (x > w) w = x }
		printf "%.4f", tot ? 100 * w / tot : 100 }')
	echo "  pid $p: numa_maps now {$exact} ours {$ours_p} -> largest per-node difference $d %"
	worst=$(echo "$worst $d" | awk '{print ($2 > $1) ? $2 : $1}')
done

echo "bench_linux: $NPROC processes x $mib MiB on node 0; domains shown (= numastat's PIDs): $all"
echo "  xentop-numa linux source: $ours s CPU per refresh (101 refreshes: $many s, 1: $one s)"
echo "  the same, exact walk every refresh (--exact-interval 0.001): $exact_cost s CPU per refresh"
echo "  numastat -p (same PIDs):  $theirs s CPU per run (20 runs: $nst s)"
echo "$ours $theirs $worst" | awk '{
	r = $1 > 0 ? $2 / $1 : 0
	printf "  ratio numastat/ours: %.1fx (target >= 10x): %s\n", r, (r >= 10) ? "met" : "NOT met"
	printf "  largest per-node difference vs numa_maps: %.4f %% (target <= 2 %%): %s\n", $3, ($3 <= 2) ? "met" : "NOT met" }'
