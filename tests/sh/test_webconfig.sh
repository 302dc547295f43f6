#!/bin/sh
# --listen hardened (issue 23), against the real binary and real clients:
#  1. examples/prometheus/web-config*.yml pass `promtool check web-config`
#     (with certificates made here) and serve; bad files are refused at
#     start with FILE:LINE and the reason (unknown key, unreadable
#     certificate, a hash that is not bcrypt, a key of another certificate);
#  2. HTTPS with basic auth: no or wrong credentials 401 with
#     WWW-Authenticate, right ones 200; plain HTTP to the port gets no
#     answer; TLS 1.0 is refused (openssl s_client -tls1, and curl with its
#     security level lowered, so that the refusal is the server's);
#  3. client certificates: none, or one of another CA, refused; ours 200;
#  4. SIGHUP: a bad new file keeps the old configuration (said why), a good
#     one applies, on the same port;
#  5. a real Prometheus scrapes it over TLS with basic_auth and a client
#     certificate: up 1 and a metric of the sample;
#  6. 130 clients from 127.0.0.2 trickling a header line every 2 s: a
#     scrape from 127.0.0.1 answered within 2 s each time, the slow ones
#     held at 16 and closed by the header deadline;
#  7. --prometheus FILE failing after start-up (a full tmpfs, a directory
#     at its name): said once per cause, written again at the next sample
#     once the cause is gone, --listen serving meanwhile;
#  8. SIGTERM ends it within 2 s, status 0.
# Needs: openssl, curl, python3, promtool/prometheus (scripts/deps.sh); a
# part that cannot run says SKIP with the reason.
set -u
XN_KEEP_GOING=1
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
xn_need_bin
EX=examples/prometheus

have() { command -v "$1" >/dev/null 2>&1; }
"$BIN" --help 2>&1 | grep -q -- --web-config || skip "no --web-config in $BIN"
"$BIN" -s linux --listen 127.0.0.1:0 -i 1 -d 1 2>&1 | grep -q 'built without libmicrohttpd' &&
	skip "built without libmicrohttpd"
for t in openssl curl python3; do
	have $t || skip "$t is not installed (scripts/deps.sh installs it)"
done
[ -x "$HELPERS/bcrypt_hash" ] || skip "no $HELPERS/bcrypt_hash"

# --- certificates: a CA, the server's (127.0.0.1), a client's, another CA's client
cd "$tmp" || exit 1
ssl() { openssl "$@" >>ssl.log 2>&1 || fail "openssl $*: $(tail -3 ssl.log)"; }
ssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj /CN=xn-test-ca -days 2
ssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.crt -subj /CN=other-ca -days 2
printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
for who in xentop-numa client stranger; do
	ssl req -newkey rsa:2048 -nodes -keyout $who.key -out $who.csr -subj /CN=$who
done
ssl x509 -req -in xentop-numa.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out xentop-numa.crt \
	-days 2 -extfile san.ext
ssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 2
ssl x509 -req -in stranger.csr -CA other.crt -CAkey other.key -CAcreateserial -out stranger.crt -days 2
cd "$OLDPWD" || exit 1
cp "$EX"/web-config.yml "$EX"/web-config-mtls.yml "$tmp/"

# --- 1. promtool accepts the examples; bad files refused with FILE:LINE
if have promtool; then
	for f in web-config.yml web-config-mtls.yml; do
		promtool check web-config "$tmp/$f" >"$tmp/pt.out" 2>&1 ||
			fail "promtool check web-config $f: $(cat "$tmp/pt.out")"
	done
else
	skip_part "promtool check web-config: promtool is not installed"
fi
# refused FILE LINE TEXT: --web-config FILE exits 1 saying FILE:LINE: ...TEXT...
refused() {
	"$BIN" -s linux --listen 127.0.0.1:0 --web-config "$1" -i 1 -d 1 >/dev/null 2>"$tmp/bad.err"
	rc=$?
	[ $rc = 1 ] || fail "$1 (line $2: $3): exit status $rc, not 1"
	grep -q "$1:$2: .*$3" "$tmp/bad.err" || fail "$1: not refused at line $2 with '$3': $(cat "$tmp/bad.err")"
}
printf 'tls_server_config:\n  cert_file: xentop-numa.crt\n  key_file: xentop-numa.key\n  cipher: x\n' >"$tmp/b1.yml"
refused "$tmp/b1.yml" 4 'unknown key cipher'
printf '# a comment\nbasic_auth_users:\n  bob: hunter2\n' >"$tmp/b2.yml"
refused "$tmp/b2.yml" 3 'not a bcrypt hash'
printf 'basic_auth_users:\n  bob: $1$abcdefgh$0123456789012345678901\n' >"$tmp/b2b.yml"
refused "$tmp/b2b.yml" 2 'not a bcrypt hash'
printf 'tls_server_config:\n  cert_file: missing.crt\n  key_file: xentop-numa.key\n' >"$tmp/b3.yml"
refused "$tmp/b3.yml" 2 'missing.crt: No such file'
# unreadable: a directory at the key's name (mode 000 would not stop root)
mkdir "$tmp/dir.key"
printf 'tls_server_config:\n  cert_file: ca.crt\n  key_file: dir.key\n' >"$tmp/b4.yml"
refused "$tmp/b4.yml" 3 'dir.key: Is a directory'
printf 'tls_server_config:\n  cert_file: ca.crt\n  key_file: xentop-numa.key\n' >"$tmp/b5.yml"
refused "$tmp/b5.yml" 2 'cert_file ca.crt with key_file xentop-numa.key'
printf 'web:\n  x: 1\n' >"$tmp/b6.yml"
refused "$tmp/b6.yml" 1 'unknown key web'
printf 'tls_server_config:\n  cert_file: [a, b]\n' >"$tmp/b7.yml"
refused "$tmp/b7.yml" 2 'only plain or quoted scalars'
"$BIN" -s linux --web-config "$tmp/web-config.yml" -i 1 >/dev/null 2>&1
[ $? = 2 ] || fail "--web-config without --listen is not a usage error"

# serve OUT ARGS...: --listen 127.0.0.1:0 ARGS; $srv_pid, $url, $port
serve() {
	out=$1
	shift
	xn_start "$out" "$BIN" --listen 127.0.0.1:0 "$@"
	srv_pid=$xn_last
	url="" port=""
	xn_wait_for "$out" 'serving http' 300 || {
		fail "--listen $*: no serving line: $(head -5 "$out")"
		return 1
	}
	url=$(sed -n 's/^xentop-numa: serving //p' "$out" | head -1)
	port=${url%/metrics}
	port=${port##*:}
}
# stop PID WHAT: SIGTERM, then exit status 0 within 2 s (awaited with that
# deadline; 124: still running)
stop() {
	kill -TERM "$1"
	i=0
	while [ "$(awk '{print $3}' /proc/"$1"/stat 2>/dev/null)" != Z ] && kill -0 "$1" 2>/dev/null && [ $i -lt 20 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ $i -ge 20 ]; then
		fail "$2: still running 2 s after SIGTERM"
		kill -KILL "$1"
	fi
	wait "$1"
	rc=$?
	xn_untrack "$1"
	[ $rc = 0 ] || fail "$2: exit status $rc after SIGTERM"
}
# code ARGS...: curl's HTTP status (000: no answer) with our CA
code() { curl -s -m 10 --cacert "$tmp/ca.crt" -o "$tmp/body" -D "$tmp/hdr" -w '%{http_code}' "$@"; }

# --- 2. HTTPS and basic auth
serve "$tmp/s1.out" -s linux -d 1 --web-config "$tmp/web-config.yml"
if [ -n "$url" ]; then
	case "$url" in https://*) ;; *) fail "serving line says $url, not https" ;; esac
	c=$(code "$url")
	[ "$c" = 401 ] || fail "no credentials: $c, not 401"
	grep -qi '^WWW-Authenticate: Basic realm="xentop-numa"' "$tmp/hdr" || fail "401 without WWW-Authenticate: $(cat "$tmp/hdr")"
	c=$(code -u prometheus:wrong "$url")
	[ "$c" = 401 ] || fail "wrong password: $c, not 401"
	c=$(code -u nobody:change-me "$url")
	[ "$c" = 401 ] || fail "unknown user: $c, not 401"
	c=$(code -u prometheus:change-me "$url")
	[ "$c" = 200 ] || fail "right password: $c, not 200"
	grep -q '^xentop_numa_sample_timestamp_seconds ' "$tmp/body" || fail "no sample timestamp in the metrics"
	c=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/metrics")
	[ "$c" = 000 ] || fail "plain HTTP to the TLS port: $c (an answer)"
	# TLS 1.0: refused by the server, not by the client's own policy
	if openssl s_client -help 2>&1 | grep -q -- '-tls1 '; then
		openssl s_client -tls1 -cipher 'DEFAULT@SECLEVEL=0' -connect "127.0.0.1:$port" </dev/null >"$tmp/tls1.out" 2>&1
		grep -q 'Cipher is (NONE)\|no protocols available\|alert\|unexpected eof' "$tmp/tls1.out" ||
			fail "TLS 1.0 handshake was not refused: $(grep -m3 'Protocol\|Cipher' "$tmp/tls1.out")"
		# the same client reaches TLS 1.2 (so the refusal above is the server's)
		openssl s_client -tls1_2 -connect "127.0.0.1:$port" </dev/null >"$tmp/tls12.out" 2>&1
		grep -q 'Protocol *: TLSv1.2' "$tmp/tls12.out" || fail "TLS 1.2 with s_client: $(grep -m3 'Protocol\|error' "$tmp/tls12.out")"
	else
		skip_part "TLS 1.0 with openssl s_client: no -tls1 in this openssl"
	fi
	c=$(code --tls-max 1.0 --ciphers 'DEFAULT@SECLEVEL=0' -u prometheus:change-me "$url")
	[ "$c" = 000 ] || fail "curl over TLS 1.0 (security level 0): $c, not refused"
	# --- 4. SIGHUP
	cp "$tmp/web-config.yml" "$tmp/keep.yml"
	printf 'tls_server_config:\n  cert_file: gone.crt\n  key_file: xentop-numa.key\n' >"$tmp/web-config.yml"
	kill -HUP "$srv_pid"
	xn_wait_for "$tmp/s1.out" 'SIGHUP: .*gone.crt.*still serving with the previous' 50 ||
		fail "SIGHUP with a bad file: $(tail -2 "$tmp/s1.out")"
	c=$(code -u prometheus:change-me "$url")
	[ "$c" = 200 ] || fail "after a refused reload: $c, not 200 with the old password"
	h2=$("$HELPERS/bcrypt_hash" rotated)
	sed "s|prometheus: .*|prometheus: $h2|" "$tmp/keep.yml" >"$tmp/web-config.yml"
	kill -HUP "$srv_pid"
	xn_wait_for "$tmp/s1.out" 're-read: TLS, 1 user' 50 || fail "SIGHUP: $(tail -2 "$tmp/s1.out")"
	c=$(code -u prometheus:change-me "$url")
	[ "$c" = 401 ] || fail "after the reload, the old password: $c, not 401"
	c=$(code -u prometheus:rotated "$url")
	[ "$c" = 200 ] || fail "after the reload, the new password on port $port: $c, not 200"
	stop "$srv_pid" "--listen --web-config"
fi

# --- 3. client certificates
serve "$tmp/s2.out" -s linux -d 1 --web-config "$tmp/web-config-mtls.yml"
if [ -n "$url" ]; then
	c=$(code -u prometheus:change-me "$url")
	[ "$c" = 403 ] || [ "$c" = 000 ] || fail "no client certificate: $c, not refused"
	c=$(code -u prometheus:change-me --cert "$tmp/stranger.crt" --key "$tmp/stranger.key" "$url")
	[ "$c" = 403 ] || [ "$c" = 000 ] || fail "a certificate of another CA: $c, not refused"
	c=$(code -u prometheus:change-me --cert "$tmp/client.crt" --key "$tmp/client.key" "$url")
	[ "$c" = 200 ] || fail "our client certificate: $c, not 200"
	# --- 5. a real Prometheus: TLS, basic_auth, client certificate
	if have prometheus && have jq; then
		pport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: xn-tls
    scheme: https
    tls_config:
      ca_file: $tmp/ca.crt
      cert_file: $tmp/client.crt
      key_file: $tmp/client.key
    basic_auth:
      username: prometheus
      password: change-me
    static_configs:
      - targets: ['127.0.0.1:$port']
EOF
		xn_start "$tmp/prometheus.out" prometheus --config.file="$tmp/prometheus.yml" \
			--storage.tsdb.path="$tmp/tsdb" --web.listen-address="127.0.0.1:$pport"
		prom=$xn_last
		api="http://127.0.0.1:$pport/api/v1/query"
		got="" i=0
		# until Prometheus has a sample of ours (deadline 60 s)
		while [ $i -lt 600 ]; do
			got=$(curl -s -G --data-urlencode 'query=xentop_numa_sample_timestamp_seconds{job="xn-tls"}' "$api" 2>/dev/null |
				jq -r '.data.result[0].value[1] // empty' 2>/dev/null)
			[ -n "$got" ] && break
			kill -0 "$prom" 2>/dev/null || break
			sleep 0.1
			i=$((i + 1))
		done
		up=$(curl -s -G --data-urlencode 'query=up{job="xn-tls"}' "$api" | jq -r '.data.result[0].value[1] // empty')
		echo "Prometheus over TLS + basic auth + client certificate: up $up, sample timestamp $got"
		[ "$up" = 1 ] && [ -n "$got" ] ||
			fail "Prometheus did not scrape over TLS within 60 s: up '$up': $(curl -s "http://127.0.0.1:$pport/api/v1/targets" | jq -c '.data.activeTargets[0].lastError' 2>/dev/null)"
		kill "$prom"
		wait "$prom"
		xn_untrack "$prom"
	else
		skip_part "real Prometheus over TLS: needs prometheus and jq"
	fi
	stop "$srv_pid" "--listen with client certificates"
fi

# --- 6. 130 slow clients from another address do not starve a scrape
serve "$tmp/s3.out" -s linux -d 1
if [ -n "$url" ]; then
	xn_start "$tmp/slow.out" python3 -c '
import socket, sys, time
socks = []
for _ in range(130):
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), source_address=("127.0.0.2", 0))
        s.sendall(b"GET /metrics HTTP/1.1\r\n")
        socks.append(s)
    except OSError:
        pass
print("OPEN", len(socks), flush=True)
t0 = time.time()
while time.time() - t0 < 12:
    time.sleep(2)
    alive = 0
    for s in socks:
        try:
            s.sendall(b"X-Slow: 1\r\n")
            alive += 1
        except OSError:
            pass
    print("ALIVE", round(time.time() - t0), alive, flush=True)
print("DONE", flush=True)' "$port"
	slow=$xn_last
	xn_wait_for "$tmp/slow.out" OPEN 100 || fail "slow clients: $(cat "$tmp/slow.out")"
	worst=0 bad=0
	for n in 1 2 3 4 5 6; do
		r=$(curl -s -m 10 -o /dev/null -w '%{http_code} %{time_total}' "$url")
		[ "${r%% *}" = 200 ] || bad=$((bad + 1))
		worst=$(awk -v a="$worst" -v b="${r#* }" 'BEGIN { print (b > a ? b : a) }')
		sleep 1
	done
	xn_wait_for "$tmp/slow.out" DONE 200 || fail "slow clients did not finish: $(tail -2 "$tmp/slow.out")"
	held=$(awk '/^ALIVE/ { print $3; exit }' "$tmp/slow.out")
	last=$(awk '/^ALIVE/ { a = $3 } END { print a }' "$tmp/slow.out")
	echo "130 slow clients from 127.0.0.2: 6 scrapes from 127.0.0.1, $bad failed, slowest $worst s; slow connections held at 2 s: $held, at 12 s: $last"
	[ $bad = 0 ] || fail "$bad of 6 scrapes failed under 130 slow clients"
	awk -v w="$worst" 'BEGIN { exit !(w < 2) }' || fail "a scrape took $worst s under 130 slow clients (limit 2 s)"
	[ "$held" -le 16 ] || fail "one address held $held connections (limit 16)"
	[ "$last" = 0 ] || fail "$last slow connections still open after 12 s (header deadline 5 s)"
	wait "$slow"
	xn_untrack "$slow"
	stop "$srv_pid" "--listen after slow clients"
fi

# --- 7. the textfile fails after start-up: said once per cause, retried
mnt="$tmp/small"
mkdir -p "$mnt"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k tmpfs "$mnt" 2>/dev/null; then
	xn_at_exit "umount '$mnt'"
	prom="$mnt/xn.prom"
	serve "$tmp/s4.out" -s linux -p $$ -d 0.2 --prometheus "$prom"
	if [ -n "$url" ]; then
		xn_wait_for "$tmp/s4.out" serving 50
		# fill the tmpfs: the next writes fail with ENOSPC
		head -c 100000 /dev/zero >"$mnt/filler" 2>/dev/null
		sleep 1.2
		c=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$url")
		[ "$c" = 200 ] || fail "--listen while the textfile's disk is full: $c"
		# a directory at the file's name: EISDIR, a second cause. The
		# exporter is stopped meanwhile: a write (every 0.2 s) put the file
		# back between the rm and the mkdir under ASan, even with the disk
		# full (the rm frees the file's own room).
		kill -STOP "$srv_pid"
		rm -f "$prom"
		mkdir "$prom"
		kill -CONT "$srv_pid"
		rm -f "$mnt/filler" "$prom".??????
		sleep 1.2
		rmdir "$prom"
		# written again at the next samples (deadline 5 s)
		i=0
		while [ ! -f "$prom" ] && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		[ -f "$prom" ] || fail "the textfile was not written again after its causes went: $(tail -3 "$tmp/s4.out")"
		nfull=$(grep -c 'No space left on device' "$tmp/s4.out")
		ndir=$(grep -c 'Is a directory' "$tmp/s4.out")
		echo "textfile: ENOSPC said $nfull time(s) over ~6 samples, EISDIR $ndir time(s); rewritten after"
		[ "$nfull" = 1 ] || fail "a full disk was said $nfull times, not once: $(cat "$tmp/s4.out")"
		[ "$ndir" = 1 ] || fail "a directory at the name was said $ndir times, not once: $(cat "$tmp/s4.out")"
		grep -q 'written again' "$tmp/s4.out" || fail "recovery not said"
		kill -0 "$srv_pid" 2>/dev/null || fail "the exporter ended on a textfile failure"
		stop "$srv_pid" "--listen --prometheus after textfile failures"
	fi
else
	skip_part "full textfile disk: mounting a 64 KiB tmpfs needs root"
fi
xn_finish test_webconfig
