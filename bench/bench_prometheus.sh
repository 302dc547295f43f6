#!/bin/sh
# --listen at 1000 domains x 8 nodes (a synthetic recording): CPU per scrape
# of xentop-numa against node_exporter's own scrape on this host (Debian's
# prometheus-node-exporter, the peer, measured in the same run), and the RSS
# of the --listen process after 1000 scrapes against after 10 (a leak per
# scrape would show). Targets: a scrape costs no more CPU than
# node_exporter's; RSS grows by less than 1 MiB from 10 to 1000 scrapes.
set -u
BIN=${XN_BIN:-./xentop-numa}
GEN=${XN_HELPERS:-build/helpers}/gen_recording
NE=$(command -v prometheus-node-exporter || command -v node_exporter || true)
if [ ! -x "$BIN" ] || [ ! -x "$GEN" ]; then
	echo "build first: $BIN and $GEN"
	exit 1
fi
command -v curl >/dev/null || { echo "bench_prometheus: FAIL: curl is not installed"; exit 1; }
[ -n "$NE" ] || { echo "bench_prometheus: FAIL: prometheus-node-exporter is not installed: no peer"; exit 1; }
tmp=$(mktemp -d /tmp/xn-bench-prom.XXXXXX)
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; wait $p 2>/dev/null; done; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

# ticks PID: user + system CPU time of PID, in clock ticks
ticks() { awk '{ print $14 + $15 }' /proc/"$1"/stat; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' /proc/"$1"/status; }
# scrape URL N: N scrapes one after another; 1 if one failed
scrape() {
	i=0
	while [ $i -lt "$2" ]; do
		curl -sf -o /dev/null "$1" || return 1
		i=$((i + 1))
	done
}
# wait_line FILE WORD: until FILE holds WORD (30 s at most)
wait_line() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		[ $i -lt 300 ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}

"$GEN" -d 1000 -n 8 -s 2 >"$tmp/rec.jsonl" || exit 1
"$BIN" --listen 127.0.0.1:0 --replay "$tmp/rec.jsonl" -d 3600 2>"$tmp/xn.err" &
xn=$!
pids="$pids $xn"
wait_line "$tmp/xn.err" serving || { echo "no serving line: $(cat "$tmp/xn.err")"; exit 1; }
url=$(sed -n 's/^xentop-numa: serving //p' "$tmp/xn.err")
size=$(curl -s "$url" | wc -c)

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$NE" --web.listen-address="127.0.0.1:$port" >"$tmp/ne.out" 2>&1 &
ne=$!
pids="$pids $ne"
i=0
until curl -sf -o /dev/null "http://127.0.0.1:$port/metrics"; do
	[ $i -lt 300 ] || { echo "node_exporter did not start: $(tail -3 "$tmp/ne.out")"; exit 1; }
	sleep 0.1
	i=$((i + 1))
done
ne_size=$(curl -s "http://127.0.0.1:$port/metrics" | wc -c)

N=200
scrape "$url" 10 || exit 1
rss10=$(rss_kib $xn)
a=$(ticks $xn)
scrape "$url" $N || { echo "a scrape failed"; exit 1; }
b=$(ticks $xn)
scrape "$url" $((1000 - 10 - N)) || exit 1
rss1000=$(rss_kib $xn)
c=$(ticks $ne)
scrape "http://127.0.0.1:$port/metrics" $N || { echo "a node_exporter scrape failed"; exit 1; }
d=$(ticks $ne)
hz=$(getconf CLK_TCK)

# the cost moved to sampling time: rendering the text format per sample
# (20 samples with --prometheus against the same replay with no output)
"$GEN" -d 1000 -n 8 -s 20 >"$tmp/rec20.jsonl" || exit 1
now() { date +%s%N; }
t0=$(now)
"$BIN" --replay "$tmp/rec20.jsonl" -b --format csv -i 20 >/dev/null
t1=$(now)
"$BIN" --replay "$tmp/rec20.jsonl" --prometheus "$tmp/out.prom"
t2=$(now)
"$BIN" --replay "$tmp/rec20.jsonl" -b --format csv -i 20 --prometheus "$tmp/out.prom" >/dev/null
t3=$(now)
echo "textfile at 1000 x 8: $(((t3 - t2 - (t1 - t0)) / 20000000)) ms a sample to render and write ($(((t2 - t1) / 20000000)) ms a sample in all, replay included)"

awk -v xn=$((b - a)) -v ne=$((d - c)) -v n=$N -v hz="$hz" -v s="$size" -v nes="$ne_size" \
	-v r10="$rss10" -v r1000="$rss1000" 'BEGIN {
	x = xn * 1000 / hz / n; p = ne * 1000 / hz / n
	printf "xentop-numa --listen, 1000 domains x 8 nodes (%d bytes a scrape):\n", s
	printf "  CPU per scrape %.2f ms; node_exporter (peer, %d bytes): %.2f ms", x, nes, p
	if (p > 0) printf " (%.2f x node_exporter)", x / p
	printf "\n  RSS after 10 scrapes %d KiB, after 1000 %d KiB (%+d KiB)\n", r10, r1000, r1000 - r10
	exit !(x <= p && r1000 - r10 < 1024)
}'
