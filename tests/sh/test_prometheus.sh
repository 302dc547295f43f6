#!/bin/sh
# Prometheus export (issue 9), against the real binary:
#  1. --prometheus FILE from every source (replay recordings, the hostile
#     recording, the linux source with a process named with a quote, a
#     backslash, a newline and a byte that is not UTF-8, --cgroups) passes
#     `promtool check metrics`; the hostile name is escaped exactly; the
#     metrics and the JSON of one sample agree (prom_agree.sh);
#  2. the textfile is replaced atomically: a reader copying it while it is
#     rewritten never gets a partial file; no temporary file is left;
#  3. --listen: 404, 405 (with Allow), HEAD, oversized requests refused,
#     Accept negotiation (OpenMetrics ends with "# EOF"), a slow client does
#     not block others, 100 concurrent scrapes all succeed and are
#     identical, scrapes do not sample, scrapes while sampling, a port in
#     use, -i, SIGINT/SIGTERM end it with status 0 (ASan: no leak);
#  4. a real Prometheus server scrapes --listen every second: the query API
#     returns a 200 MiB hog's node-0 bytes within 2 % of its numa_maps;
#  5. the shipped rules: promtool check rules and promtool test rules.
# Needs: promtool, prometheus, curl, python3, jq (scripts/deps.sh installs
# them); a part that cannot run says SKIP with the reason.
set -u
XN_KEEP_GOING=1
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
xn_need_bin
EX=examples/prometheus

have() { command -v "$1" >/dev/null 2>&1; }
have promtool || skip "promtool is not installed (Debian: prometheus; scripts/deps.sh installs it)"

# check_metrics FILE WHAT: promtool accepts FILE (text format 0.0.4)
check_metrics() {
	promtool check metrics <"$1" >"$tmp/promtool.out" 2>&1 ||
		fail "$2: promtool check metrics: $(head -5 "$tmp/promtool.out")"
	tail -n 1 "$1" | grep -q '^xentop_numa_build_info{' || fail "$2: incomplete (last line: $(tail -n 1 "$1"))"
}

# wait_exit PID SECS: until PID has exited (deadline SECS); its status in
# $exit_rc, 124 when it did not exit in time
wait_exit() {
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt $(($2 * 10)) ]; do
		# a zombie has exited: wait reaps it below
		[ "$(awk '{print $3}' /proc/"$1"/stat 2>/dev/null)" = Z ] && break
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$1" 2>/dev/null && [ "$(awk '{print $3}' /proc/"$1"/stat 2>/dev/null)" != Z ]; then
		exit_rc=124
		return 1
	fi
	wait "$1"
	exit_rc=$?
	xn_untrack "$1"
}

# serve OUT ARGS...: start xentop-numa --listen 127.0.0.1:0 ARGS, wait for its
# "serving" line; $srv_pid and $url set
serve() {
	out=$1
	shift
	xn_start "$out" "$BIN" --listen 127.0.0.1:0 "$@"
	srv_pid=$xn_last
	url=""
	xn_wait_for "$out" 'serving http' 300 || {
		fail "--listen $*: no serving line: $(head -5 "$out")"
		return 1
	}
	url=$(sed -n 's/^xentop-numa: serving //p' "$out" | head -1)
}

# stop PID SIG WHAT: SIG, then exit status 0 within 20 s
stop() {
	kill -"$2" "$1"
	wait_exit "$1" 20
	[ "$exit_rc" = 0 ] || fail "$3: exit status $exit_rc after SIG$2 (124: still running)"
}

# --- 1. every source through promtool
for f in examples/*.jsonl tests/fixtures/replay/good-2node.jsonl \
	tests/fixtures/replay/advice-2node.jsonl tests/fixtures/replay/hostile.jsonl; do
	[ -f "$f" ] || continue
	"$BIN" --replay "$f" --prometheus "$tmp/r.prom" 2>"$tmp/r.err"
	rc=$?
	[ $rc = 0 ] || fail "--replay $f --prometheus exited $rc: $(head -3 "$tmp/r.err")"
	check_metrics "$tmp/r.prom" "$f"
	# the same sample as JSON and as metrics: the same figures
	"$BIN" --replay "$f" -b --format json -i 1 --prometheus "$tmp/a.prom" >"$tmp/a.json" 2>/dev/null ||
		fail "--replay $f -b --format json --prometheus exited $?"
	sh tests/sh/prom_agree.sh "$tmp/a.prom" "$tmp/a.json" >"$tmp/agree.out" 2>&1 ||
		fail "$f: metrics and JSON disagree: $(head -5 "$tmp/agree.out")"
	echo "$f: $(tail -n 1 "$tmp/agree.out")"
done
# the hostile recording's names: no control byte, invalid UTF-8 as U+FFFD
LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$tmp/r.prom" && fail "hostile.jsonl: raw control byte"
u=$(printf '\357\277\275') # U+FFFD
grep -q "xentop_numa_domain_memory_bytes{domid=\"1\",name=\"名${u}ab${u}c$(printf '\314\201')\",node=\"0\"} " "$tmp/r.prom" ||
	fail "hostile.jsonl: domain 1's name: $(grep -a 'memory_bytes{domid="1"' "$tmp/r.prom")"
# -b with --prometheus: the batch text on stdout and the file
"$BIN" --replay examples/xen-2node-advice.jsonl -b --prometheus "$tmp/b.prom" >"$tmp/b.out" 2>&1 ||
	fail "-b --prometheus exited $?"
grep -q '^ *NAME  *STATE ' "$tmp/b.out" || fail "-b --prometheus: no batch text: $(head -2 "$tmp/b.out")"
check_metrics "$tmp/b.prom" "-b --prometheus"

if [ -r /proc/self/numa_maps ] && [ -d /sys/devices/system/node ]; then
	# a process named q"b\c<newline>d<0xff>: a subshell renames itself (one
	# write, the format string itself: printf with %s may write twice)
	(
		printf 'q"b\\c\nd\377' >/proc/self/comm
		while :; do sleep 1; done
	) &
	child=$!
	xn_track $child
	i=0
	while [ "$(od -An -c /proc/$child/comm 2>/dev/null | tr -d ' \n')" != 'q"b\c\nd377\n' ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	"$BIN" -s linux -p $child --prometheus "$tmp/l.prom" -i 1 2>"$tmp/l.err" ||
		fail "-s linux --prometheus exited $?: $(head -3 "$tmp/l.err")"
	check_metrics "$tmp/l.prom" "linux"
	"$BIN" -s linux -b --format json -i 1 --prometheus "$tmp/a.prom" >"$tmp/a.json" 2>/dev/null ||
		fail "-s linux -b --format json --prometheus exited $?"
	sh tests/sh/prom_agree.sh "$tmp/a.prom" "$tmp/a.json" >"$tmp/agree.out" 2>&1 ||
		fail "linux: metrics and JSON disagree: $(head -5 "$tmp/agree.out")"
	echo "linux: $(tail -n 1 "$tmp/agree.out")"
	grep -q "^xentop_numa_domain_memory_bytes{domid=\"$child\",name=\"q\\\\\"b\\\\\\\\c\\\\nd$(printf '\357\277\275')\",node=\"0\"} [1-9]" "$tmp/l.prom" ||
		fail "linux: hostile name not escaped exactly: $(grep -a "domid=\"$child\"" "$tmp/l.prom" | head -1)"
	grep -q '^xentop_numa_build_info{version="[^"]*",source="linux",pages_method="[a-z_,]*"} 1$' "$tmp/l.prom" ||
		fail "linux: build_info: $(grep build_info "$tmp/l.prom")"
	grep -q '^xentop_numa_node_memory_total_bytes{node="0"} [1-9]' "$tmp/l.prom" || fail "linux: no node 0 total"
	"$BIN" -s linux --cgroups --prometheus "$tmp/cg.prom" -i 1 2>"$tmp/cg.err"
	rc=$?
	if [ $rc = 0 ]; then
		check_metrics "$tmp/cg.prom" "linux --cgroups"
	else
		skip_part "--cgroups (exited $rc: $(head -1 "$tmp/cg.err"))"
	fi
else
	skip_part "the linux source: no /proc/PID/numa_maps or NUMA here"
fi

# every metric family is documented in the man page (METRICS)
"$BIN" --replay examples/xen-2node-advice.jsonl --prometheus "$tmp/all.prom" 2>/dev/null
for m in $(sed -n 's/^# TYPE \([a-z_]*\) .*/\1/p' "$tmp/all.prom"); do
	grep -q "^\.It Sy $m" xentop-numa.1 || fail "$m is not in xentop-numa.1's METRICS"
done
[ "$(grep -c '^# TYPE ' "$tmp/all.prom")" -ge 16 ] || fail "fewer than 16 metric families"

# --- 2. atomic textfile: copies taken while a 1000-domain recording is
# rewritten as fast as it is read are each complete and valid
if [ -x "$HELPERS/gen_recording" ]; then
	"$HELPERS/gen_recording" -d 1000 -n 8 -s 20 >"$tmp/big.jsonl" || fail "gen_recording failed"
	mkdir "$tmp/tf"
	xn_start "$tmp/tf.out" "$BIN" --replay "$tmp/big.jsonl" --prometheus "$tmp/tf/xn.prom"
	w=$xn_last
	n=0
	while kill -0 $w 2>/dev/null && [ "$(awk '{print $3}' /proc/$w/stat 2>/dev/null)" != Z ]; do
		[ -f "$tmp/tf/xn.prom" ] && cp "$tmp/tf/xn.prom" "$tmp/copy.$n" 2>/dev/null && n=$((n + 1))
	done
	wait_exit $w 60
	[ "$exit_rc" = 0 ] || fail "textfile writer exited $exit_rc: $(head -3 "$tmp/tf.out")"
	distinct=$(cksum "$tmp"/copy.* 2>/dev/null | awk '{print $1}' | sort -u | wc -l)
	echo "atomic textfile: $n copies taken during the rewrites, $distinct distinct"
	[ "$n" -ge 2 ] || fail "only $n copies taken: the test saw no rewrite"
	seen=""
	for c in "$tmp"/copy.*; do
		[ -f "$c" ] || continue
		k=$(cksum <"$c")
		case "$seen" in *"|$k|"*) continue ;; esac
		seen="$seen|$k|"
		check_metrics "$c" "textfile copy $(basename "$c")"
	done
	left=$(ls -A "$tmp/tf" | grep -v '^xn.prom$')
	[ -z "$left" ] || fail "temporary files left: $left"
	[ "$(stat -c %a "$tmp/tf/xn.prom")" = 644 ] || fail "textfile mode $(stat -c %a "$tmp/tf/xn.prom"), not 644"
	rm -f "$tmp"/copy.*
else
	skip_part "atomic textfile: $HELPERS/gen_recording not built"
fi

# --- 3. --listen
if ! have curl; then
	skip_part "--listen: curl is not installed"
elif ! "$BIN" --listen 127.0.0.1:0 --replay examples/xen-2node-advice.jsonl -i 1 2>"$tmp/mhd.err" &&
	grep -q 'without libmicrohttpd' "$tmp/mhd.err"; then
	skip_part "--listen: built without libmicrohttpd"
else
	code() { curl -s -o "$tmp/body" -D "$tmp/hdr" -w '%{http_code}' "$@"; }
	# a sample every hour: what scrapes see is the first sample only
	serve "$tmp/s1.out" -s linux -d 3600
	if [ -n "$url" ]; then
		base=${url%/metrics}
		for p in / /metricsx /metrics/ /api; do
			c=$(code "$base$p")
			[ "$c" = 404 ] || fail "GET $p: $c, not 404"
		done
		for m in POST PUT DELETE PATCH OPTIONS; do
			c=$(code -X $m "$url")
			[ "$c" = 405 ] || fail "$m /metrics: $c, not 405"
			grep -qi '^Allow: GET, HEAD' "$tmp/hdr" || fail "$m /metrics: no Allow header"
		done
		c=$(code -I "$url")
		[ "$c" = 200 ] || fail "HEAD /metrics: $c"
		# oversized: a 40 KiB header, a 40 KiB path (limit 16 KiB a request)
		big=$(head -c 40000 /dev/zero | tr '\0' a)
		c=$(code -H "X-Big: $big" "$url")
		case "$c" in 413 | 414 | 431) ;; *) fail "40 KiB header: $c, not refused" ;; esac
		c=$(code "$url?$big")
		case "$c" in 413 | 414 | 431) ;; *) fail "40 KiB URL: $c, not refused" ;; esac
		c=$(code -X GET --data-binary "body" "$url")
		[ "$c" = 413 ] || fail "GET with a body: $c, not 413"
		# Accept: text by default, OpenMetrics when asked (as Prometheus does)
		c=$(code "$url")
		[ "$c" = 200 ] || fail "GET /metrics: $c"
		grep -qi '^Content-Type: text/plain; version=0.0.4; charset=utf-8' "$tmp/hdr" ||
			fail "default content type: $(grep -i content-type "$tmp/hdr")"
		check_metrics "$tmp/body" "--listen text"
		cp "$tmp/body" "$tmp/first.prom"
		for a in 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1' \
			'application/openmetrics-text; version=1.0.0'; do
			c=$(code -H "Accept: $a" "$url")
			grep -qi '^Content-Type: application/openmetrics-text; version=1.0.0; charset=utf-8' "$tmp/hdr" ||
				fail "Accept $a: $(grep -i content-type "$tmp/hdr")"
			[ "$(tail -n 1 "$tmp/body")" = "# EOF" ] || fail "OpenMetrics does not end with # EOF"
			grep -q '^# TYPE xentop_numa_domain_cpu_seconds counter$' "$tmp/body" ||
				fail "OpenMetrics: counter family not named without _total"
		done
		for a in 'text/plain' 'application/openmetrics-text;q=0.1,text/plain' \
			'application/openmetrics-text;q=0'; do
			code -H "Accept: $a" "$url" >/dev/null
			grep -qi '^Content-Type: text/plain' "$tmp/hdr" || fail "Accept $a: not text"
		done
		# a slow client (half a request line, then nothing) blocks no one
		if have python3; then
			port=${base##*:}
			xn_start "$tmp/slow.out" python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /met")
print("SENT", flush=True)
time.sleep(60)' "$port"
			slow=$xn_last
			xn_wait_for "$tmp/slow.out" SENT 100 || fail "slow client did not connect"
			c=$(curl -s -m 10 -o "$tmp/body" -w '%{http_code}' "$url")
			[ "$c" = 200 ] || fail "a scrape while a slow client waits: $c"
			kill $slow
			wait_exit $slow 10
		else
			skip_part "slow client: python3 is not installed"
		fi
		# 100 concurrent scrapes: all 200, all the same sample (never one
		# taken by a scrape: -d 3600); from ten loopback addresses, ten
		# each, within the per-address limit (16)
		pids=""
		for i in $(seq 100); do
			curl -s -m 30 --interface "127.0.0.$((i % 10 + 1))" -o "$tmp/cc.$i" -w '%{http_code}' "$url" >"$tmp/cc.$i.code" &
			pids="$pids $!"
		done
		for p in $pids; do wait "$p"; done
		bad=0 diff=0
		for i in $(seq 100); do
			[ "$(cat "$tmp/cc.$i.code")" = 200 ] || bad=$((bad + 1))
			cmp -s "$tmp/cc.$i" "$tmp/first.prom" || diff=$((diff + 1))
		done
		echo "100 concurrent scrapes: $bad not 200, $diff differ from the first scrape"
		[ $bad = 0 ] || fail "$bad of 100 concurrent scrapes failed"
		[ $diff = 0 ] || fail "$diff of 100 scrapes differ from the first: a scrape sampled"
		rm -f "$tmp"/cc.*
		# bounded connections: with 160 idle clients (from 20 loopback
		# addresses, 8 each: under the per-address limit) the server holds
		# 128 connections (sockets: those and the listening one; awaited
		# until 129 with a deadline); the rest wait in the listen queue,
		# and once the clients go it serves again
		if have python3; then
			socks() { ls -l /proc/"$1"/fd 2>/dev/null | grep -c 'socket:'; }
			xn_start "$tmp/idle.out" python3 -c '
import socket, sys, time
socks = [socket.create_connection(("127.0.0.1", int(sys.argv[1])),
                                  source_address=("127.0.1.%d" % (i % 20 + 1), 0))
         for i in range(160)]
print("OPEN", flush=True)
time.sleep(60)' "${base##*:}"
			idle=$xn_last
			xn_wait_for "$tmp/idle.out" OPEN 100 || fail "160 idle connections: $(cat "$tmp/idle.out")"
			i=0
			while [ "$(socks $srv_pid)" -lt 129 ] && [ $i -lt 50 ]; do
				sleep 0.1
				i=$((i + 1))
			done
			ns=$(socks $srv_pid)
			echo "160 idle clients: the server holds $ns sockets (128 connections + listening)"
			[ "$ns" = 129 ] || fail "160 idle clients: the server holds $ns sockets, not 129"
			kill $idle
			wait_exit $idle 10
			c=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$url")
			[ "$c" = 200 ] || fail "a scrape after 160 idle clients: $c"
		fi
		# the port is taken: an error, status 1
		"$BIN" -s linux --listen "127.0.0.1:${base##*:}" -i 1 2>"$tmp/inuse.err"
		rc=$?
		[ $rc = 1 ] || fail "--listen on a port in use exited $rc, not 1"
		grep -q 'cannot serve there' "$tmp/inuse.err" || fail "port in use: $(cat "$tmp/inuse.err")"
		stop $srv_pid TERM "--listen (SIGTERM)"
		c=$(curl -s -o /dev/null -w '%{http_code}' "$url")
		[ "$c" = 000 ] || fail "still served after exit: $c"
	fi
	# scrapes while samples are being taken (a 1000-domain recording
	# replayed at -d 0.05: each sample takes a good part of the interval)
	if [ -f "$tmp/big.jsonl" ]; then
		serve "$tmp/s2.out" --replay "$tmp/big.jsonl" -d 0.05
		if [ -n "$url" ]; then
			n=0 bad=0
			: >"$tmp/durations"
			# until 3 samples were seen (at most 400 scrapes)
			# (503 "No sample yet" until the first sample is published: a
			# 1000-domain sample under ASan on a loaded host can outlast the
			# first scrapes; it counts as bad only after a 200)
			first=0
			while [ $n -lt 400 ] && [ "$(sort -u "$tmp/durations" | wc -l)" -lt 3 ]; do
				c=$(curl -s -m 10 -o "$tmp/body" -w '%{http_code}' "$url")
				if [ "$c" = 503 ] && [ $first = 0 ] && grep -q 'No sample yet' "$tmp/body"; then
					n=$((n + 1))
					sleep 0.05
					continue
				fi
				first=1
				[ "$c" = 200 ] || bad=$((bad + 1))
				tail -n 1 "$tmp/body" | grep -q '^xentop_numa_build_info{' || bad=$((bad + 1))
				grep -m1 '^xentop_numa_domain_cpu_seconds_total{domid="1",' "$tmp/body" >>"$tmp/durations"
				n=$((n + 1))
			done
			samples=$(sort -u "$tmp/durations" | wc -l)
			echo "$n scrapes during sampling: $bad bad, $samples distinct samples seen"
			[ $bad = 0 ] || fail "$bad of $n scrapes during sampling failed or were partial"
			[ "$samples" -ge 3 ] || fail "scrapes saw $samples sample(s): sampling did not run meanwhile"
			check_metrics "$tmp/body" "--listen replay"
			stop $srv_pid INT "--listen (SIGINT)"
		fi
	fi
	# -i: the server ends by itself after its samples
	serve "$tmp/s3.out" --replay examples/xen-2node-guests.jsonl -d 0.1 -i 3
	if [ -n "$url" ]; then
		wait_exit $srv_pid 30
		[ "$exit_rc" = 0 ] || fail "--listen -i 3 exited $exit_rc (124: did not end)"
	fi
	"$BIN" --listen 9 --snapshot -s linux >/dev/null 2>&1
	[ $? = 2 ] || fail "--listen with --snapshot is not a usage error"
	"$BIN" --listen 127.0.0.1:0 -d 0 -s linux >/dev/null 2>&1
	[ $? = 2 ] || fail "--listen -d 0 is not a usage error"
	"$BIN" --listen 'nohost:80' -s linux -i 1 2>"$tmp/bad.err"
	[ $? = 1 ] && grep -q 'not an IPv4 or IPv6 address' "$tmp/bad.err" || fail "--listen nohost:80: $(cat "$tmp/bad.err")"
fi

# --- 4. a real Prometheus scrapes the linux source
if ! have prometheus || ! have curl || ! have jq || ! have python3; then
	skip_part "real Prometheus: needs prometheus, curl, jq and python3 (scripts/deps.sh)"
elif [ ! -r /proc/self/numa_maps ] || [ ! -x "$HELPERS/numa_hog" ]; then
	skip_part "real Prometheus: no numa_maps or no $HELPERS/numa_hog"
else
	xn_start "$tmp/hog.out" "$HELPERS/numa_hog" 200 0
	hog=$xn_last
	if ! xn_wait_for "$tmp/hog.out" READY; then
		fail "numa_hog did not get ready: $(cat "$tmp/hog.out")"
	else
		# the hostile replay, scraped too: Prometheus' OpenMetrics parser
		# takes its names
		serve "$tmp/s5.out" --replay tests/fixtures/replay/hostile.jsonl -d 1
		hport=${url%/metrics}
		hport=${hport##*:}
		hsrv=$srv_pid
		# the hog, and the process with the hostile name of part 1
		serve "$tmp/s4.out" -s linux -p "$hog${child:+,$child}" --exact-interval 0 -d 1
		xport=${url%/metrics}
		xport=${xport##*:}
		pport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: xn
    static_configs:
      - targets: ['127.0.0.1:$xport']
  - job_name: hostile
    static_configs:
      - targets: ['127.0.0.1:$hport']
EOF
		xn_start "$tmp/prometheus.out" prometheus --config.file="$tmp/prometheus.yml" \
			--storage.tsdb.path="$tmp/tsdb" --web.listen-address="127.0.0.1:$pport"
		prom=$xn_last
		api="http://127.0.0.1:$pport/api/v1/query"
		q="xentop_numa_domain_memory_bytes{job=\"xn\",domid=\"$hog\",node=\"0\"}"
		got="" i=0
		while [ $i -lt 600 ]; do
			got=$(curl -s -G --data-urlencode "query=$q" "$api" 2>/dev/null | jq -r '.data.result[0].value[1] // empty' 2>/dev/null)
			[ -n "$got" ] && break
			kill -0 $prom 2>/dev/null || break
			sleep 0.1
			i=$((i + 1))
		done
		want=$(xn_numa_maps_bytes /proc/$hog/numa_maps 0)
		if [ -z "$got" ]; then
			fail "Prometheus had no $q after 60 s: $(tail -5 "$tmp/prometheus.out")"
		else
			d=$(awk -v a="$got" -v b="$want" 'BEGIN { d = (a - b) / b * 100; printf "%.3f", d < 0 ? -d : d }')
			echo "Prometheus: node 0 bytes of the 200 MiB hog $got, numa_maps $want: $d % apart"
			awk -v d="$d" 'BEGIN { exit !(d <= 2) }' || fail "Prometheus says $got, numa_maps $want ($d % apart)"
			up=$(curl -s -G --data-urlencode 'query=up{job="xn"}' "$api" | jq -r '.data.result[0].value[1]')
			[ "$up" = 1 ] || fail "up{job=\"xn\"} is $up"
			# the hostile name as Prometheus stored it: exact, U+FFFD for 0xff
			if [ -n "${child:-}" ]; then
				nm=$(curl -s -G --data-urlencode "query=xentop_numa_domain_memory_bytes{job=\"xn\",domid=\"$child\",node=\"0\"}" "$api" |
					jq -r '.data.result[0].metric.name == "q\"b\\c\nd\ufffd"')
				[ "$nm" = true ] || fail "the hostile process's name in Prometheus: $(curl -s -G --data-urlencode "query=xentop_numa_domain_memory_bytes{domid=\"$child\"}" "$api")"
			fi
			# the hostile recording: scraped (up 1), its bidi override as U+FFFD
			i=0 hn=""
			while [ $i -lt 100 ]; do
				hn=$(curl -s -G --data-urlencode 'query=xentop_numa_domain_memory_bytes{job="hostile",domid="1",node="0"}' "$api" |
					jq -r '.data.result[0].metric.name // empty')
				[ -n "$hn" ] && break
				sleep 0.1
				i=$((i + 1))
			done
			[ "$hn" = "名$(printf '\357\277\275')ab$(printf '\357\277\275')c$(printf '\314\201')" ] ||
				fail "hostile recording's domain 1 in Prometheus: '$hn' (up: $(curl -s -G --data-urlencode 'query=up{job="hostile"}' "$api" | jq -c .data.result))"
			# Prometheus asked for OpenMetrics and got it: the info type
			t=$(curl -s "http://127.0.0.1:$pport/api/v1/targets/metadata?metric=xentop_numa_build" | jq -r '.data[0].type // empty')
			[ "$t" = info ] || fail "build_info's metadata type is '$t', not info (OpenMetrics not served?)"
		fi
		# README's PromQL examples (A fleet) run on the real server
		python3 -c '
import re, sys
t = open("README.md").read().split("```promql\n", 1)[1].split("```", 1)[0]
for q in t.split("\n\n"):
    q = "\n".join(l for l in q.splitlines() if not l.startswith("#")).strip()
    if q:
        print(q.replace("\n", " "))' >"$tmp/readme.promql"
		nq=0
		while IFS= read -r q; do
			nq=$((nq + 1))
			st=$(curl -s -G --data-urlencode "query=$q" "$api" | jq -r .status)
			[ "$st" = success ] || fail "README query $nq: $st: $q"
		done <"$tmp/readme.promql"
		[ $nq = 3 ] || fail "README: $nq PromQL examples, not 3"
		# Prometheus itself: not what is tested, and once (check-fast, a
		# quiet host) it was still running 20 s after SIGTERM: its own
		# shutdown is given a minute, then its log is shown and it is killed
		kill -TERM $prom
		if ! wait_exit $prom 60; then
			echo "note: Prometheus still running 60 s after SIGTERM; killed. Its log's end:"
			tail -n 15 "$tmp/prometheus.out" | sed 's/^/    /'
			kill -KILL $prom
			wait $prom 2>/dev/null
			xn_untrack $prom
		fi
		stop $srv_pid TERM "--listen scraped by Prometheus"
		stop $hsrv TERM "--listen of the hostile recording"
	fi
	kill $hog
	wait_exit $hog 10
fi

# --- 5. the shipped rules
promtool check rules "$EX/xentop-numa.rules.yml" >"$tmp/rules.out" 2>&1 ||
	fail "promtool check rules: $(tail -5 "$tmp/rules.out")"
(cd "$EX" && promtool test rules tests.yml) >"$tmp/rtest.out" 2>&1 ||
	fail "promtool test rules: $(tail -15 "$tmp/rtest.out")"
if have promtool && [ -f "$EX/prometheus.yml" ]; then
	promtool check config --syntax-only "$EX/prometheus.yml" >"$tmp/cfg.out" 2>&1 ||
		(cd "$EX" && promtool check config prometheus.yml) >"$tmp/cfg.out" 2>&1 ||
		fail "promtool check config: $(tail -5 "$tmp/cfg.out")"
fi
xn_finish test_prometheus
