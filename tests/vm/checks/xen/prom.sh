# The Prometheus export on the xen source, inside dom0 with real guests
# (issue 23; the first attempt, reverted in e9209e3, gave no result):
#  - the tool comes from the Debian package when the image has it
#    (/xn/xentop-numa.deb, XN_VM_DEB on the host): unpacked over the copied
#    binary with busybox dpkg-deb, its version and man page checked;
#  - --prometheus FILE and the JSON of the same sample agree
#    (prom_agree.sh), and its domains are `xl list`'s;
#  - --listen plain HTTP, then HTTPS with basic auth (/xn/web-config.yml,
#    made on the host with openssl): a scrape with the image's tools (busybox
#    wget for HTTP, curl for HTTPS: busybox's own TLS client gets its
#    connection reset by GnuTLS) agrees with the JSON of the same sample
#    (-d 3600: one sample only); a wrong password gets 401;
#  - SIGTERM ends it, status 0, within 10 s (a deadline, not a speed: on a
#    loaded host TCG ran it in 8 s once; tests/sh/test_prometheus holds the
#    2 s on the host). The lab's password hash is bcrypt cost 4 (xn-files.sh):
#    the check proves the mechanism, and a wrong password (never cached) at
#    cost 10 took over 20 s under TCG on a loaded host.
# Every wait has a deadline that names what it waits for. Debian 12's
# busybox wget crashes (SIGSEGV) when given -T, and without it waits up to
# 900 s: each wget runs under busybox timeout instead.
. /checks/lib.sh
need_xn

# 127.0.0.1 needs lo up: the lab's init never brings it up, so a server
# bound there fails to start (EADDRNOTAVAIL) and a client is unreachable.
if ! ip addr show lo 2>/dev/null | grep -q 'inet 127\.0\.0\.1'; then
	echo "note: lo is down in dom0 (no 127.0.0.1): bringing it up"
	ip link set lo up || ifconfig lo 127.0.0.1 up || fail "cannot bring lo up"
fi

if [ -f /xn/xentop-numa.deb ]; then
	v=$(dpkg-deb -f /xn/xentop-numa.deb | sed -n 's/^Version: //p')
	rm -f /usr/bin/xentop-numa
	dpkg-deb -x /xn/xentop-numa.deb / || fail "dpkg-deb -x xentop-numa.deb failed"
	# "xentop-numa 0.1.0 (sources: ...)": the name and the version
	same "the installed package's --version" "xentop-numa $v" "$("$XN" --version 2>&1 | head -n 1 | cut -d' ' -f1-2)"
	[ -f /usr/share/man/man1/xentop-numa.1.gz ] || fail "the package installed no man page"
	[ -f /lib/systemd/system/xentop-numa.service ] || fail "the package installed no unit"
	echo "ok   xentop-numa $v installed from the .deb"
fi

"$XN" --source xen -b --format json -i 1 --prometheus /tmp/x.prom >/tmp/x.json 2>/tmp/x.err ||
	fail "xentop-numa --prometheus exited $?: $(cat /tmp/x.err)"
sh /checks/prom_agree.sh /tmp/x.prom /tmp/x.json || fail "the textfile and the JSON of one sample disagree"
want=$(xl list | awk 'NR > 1 { print $2 }' | sort -n | tr '\n' ' ')
got=$(sed -n 's/^xentop_numa_domain_memory_bytes{domid="\([0-9]*\)".*/\1/p' /tmp/x.prom | sort -nu | tr '\n' ' ')
same "domain ids (xl list vs the textfile)" "$want" "$got"

# get OUT SCHEME [USER:PASS]: GET /metrics into OUT within 20 s; the
# reason in /tmp/get.err
get() {
	if [ "$2" = https ]; then
		c=$(curl -s -m 20 --cacert /xn/xn.crt ${3:+-u "$3"} -o "$1" -w '%{http_code}' \
			https://127.0.0.1:9799/metrics 2>/tmp/get.err)
		echo "HTTP $c" >>/tmp/get.err
		[ "$c" = 200 ]
	else
		timeout 20 wget -q -O "$1" http://127.0.0.1:9799/metrics 2>/tmp/get.err
	fi
}
# centi: hundredths of a second since boot
centi() { awk '{ split($1, a, "."); print a[1] * 100 + a[2] }' /proc/uptime; }
# listen_check WHAT SCHEME WGET_AUTH ARGS...: serve, scrape, compare, stop
listen_check() {
	what=$1 scheme=$2 auth=$3
	shift 3
	"$XN" --source xen --listen 127.0.0.1:9799 -d 3600 -b --format json "$@" >/tmp/l.json 2>/tmp/l.err &
	lp=$!
	serving() { grep -q "serving $scheme://" /tmp/l.err; }
	wait_until 120 "$what: the serving line of --listen" serving || {
		kill $lp
		fail "$what: not serving: $(cat /tmp/l.err)"
	}
	get /tmp/l.prom "$scheme" "$auth" || { kill $lp; fail "$what: the scrape: $(cat /tmp/get.err)"; }
	sh /checks/prom_agree.sh /tmp/l.prom /tmp/l.json || { echo "DIFF $what: the scrape and the JSON of its sample"; bad=$((bad + 1)); }
	if [ -n "$auth" ]; then
		get /dev/null "$scheme" "prometheus:wrong" && { echo "DIFF $what: a wrong password was served"; bad=$((bad + 1)); }
		grep -q 401 /tmp/get.err || { echo "DIFF $what: wrong password: $(cat /tmp/get.err)"; bad=$((bad + 1)); }
	fi
	t0=$(centi)
	kill -TERM $lp
	gone() { ! kill -0 $lp 2>/dev/null || [ "$(awk '{ print $3 }' /proc/$lp/stat 2>/dev/null)" = Z ]; }
	wait_until 10 "$what: --listen to end after SIGTERM" gone || { kill -KILL $lp; fail "$what: still running 10 s after SIGTERM"; }
	wait $lp
	rc=$?
	t=$(($(centi) - t0))
	same "$what: exit status after SIGTERM" 0 "$rc"
	echo "ok   $what: ended $((t / 100)).$((t % 100 / 10))$((t % 10)) s after SIGTERM"
}
listen_check "plain HTTP" http ""
if [ -f /xn/web-config.yml ]; then
	if command -v curl >/dev/null; then
		listen_check "HTTPS + basic auth" https "prometheus:change-me" --web-config /xn/web-config.yml
	else
		echo "SKIP: HTTPS in dom0: no curl in the image"
	fi
else
	echo "SKIP: HTTPS in dom0: no /xn/web-config.yml (the host had no openssl)"
fi
[ $bad = 0 ] || fail "$bad differences"
