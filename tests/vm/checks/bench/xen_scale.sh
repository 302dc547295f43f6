# xn-timeout: 1800
# The cost of a steady refresh at scale, on whichever hypervisor the machine
# boots (stock Xen: debug key 'u'; the page-op build: the op), against
# xentop -b in the same boot: XN_SCALE_DOMAINS (default 300) bare named
# domains (pageop_probe mkdoms: 256 pages on each of nodes 0 and 1), then
#   SCALE steady_ms_per_refresh <label> <ms>   for xentop, xentop-numa at its
#       defaults and, when the image has one, a baseline binary
#       (/usr/libexec/xn/xentop-numa-base: cp an older build to
#       build/helpers/xentop-numa-base): lib.sh's steady_cpu, the running
#       process's own CPU between its 3rd and (3 + R)th refresh, each
#       program at its defaults (xentop -d 3; xentop-numa -d 3 with a 'u'
#       dump at most every 10 s on stock Xen);
#   SCALE ratio_<label>_to_xentop <x>; label replay: R+4 refreshes recorded
#       here and replayed (--replay: derive, advice and output, no Xen),
#       the recording left in /out for bench/bench_scale.sh;
#   /out/perf-<label>.data: perf's record of a run of R+1 refreshes, when
#       the image has perf (XN_VM_PERF=1); tests/vm/perf-report.sh reports
#       them on the host.
# Before timing, exactness: one sample of xentop-numa lists every domain Xen
# lists, once, and each scale domain with 256 + 256 pages from 'u' or the
# op. With XN_SCALE_OVERRUN=1 (a boot with a console ring too small for the
# dump, e.g. conring_size=16k at 1000 domains) instead: no scale domain
# shows figures, and what xentop-numa says names conring_size=.
# Under TCG timings move by +-15 % between boots: the check fails only past
# a gross limit, XN_SCALE_MAX_RATIO (default 2) times xentop.
. /checks/lib.sh
need_xn
PAGEOP=${PAGEOP:-/usr/libexec/xn/pageop_probe}
[ -x "$PAGEOP" ] || skip "helper pageop_probe is not in the image (make tests-bin with libxen-dev)"
command -v xentop >/dev/null || skip "xentop is not in the image: no peer to compare with"
# Parameters as plain lines (tests/vm/soak-xen.sh sets them in a copy).
n=${XN_SCALE_DOMAINS:-300}
# lib.sh wait_headers: 70 s a batch refresh at 300 domains, 210 s at 1000
header_secs=$((10 + n / 5))
r=${XN_SCALE_REFRESHES:-10}
max=${XN_SCALE_MAX_RATIO:-2}
overrun=${XN_SCALE_OVERRUN:-0}
timing=${XN_SCALE_TIMING:-1}
up() { cut -d' ' -f1 /proc/uptime; }
# Each figure also on the console at once: the check's output is reported
# only when it ends, and a machine stopped by its timeout reports nothing.
say() {
	echo "$*"
	echo "$*" >/dev/console 2>/dev/null || true
}

t0=$(up)
$PAGEOP mkdoms "$n" 256 256 scale >/tmp/scale.ids || fail "mkdoms: $(tail -n 1 /tmp/scale.ids)"
# shellcheck disable=SC2046
trap '$PAGEOP rmdom $(cat /tmp/scale.ids) >/dev/null 2>&1' EXIT
say "SCALE domains $n (made in $(awk -v a="$t0" -v b="$(up)" 'BEGIN { printf "%.1f", b - a }') s)"
if $PAGEOP probe >/dev/null 2>&1; then hv=pageop; else hv="stock ('u')"; fi
say "SCALE hypervisor $hv"

"$XN" -b -i 1 --format json --no-pageop >/tmp/scale.json 2>/tmp/scale.err ||
	fail "xentop-numa -b --format json: $(tail -n 1 /tmp/scale.err)"
$PAGEOP probe >/dev/null 2>&1 && { "$XN" -b -i 1 --format json >/tmp/scale.json 2>/tmp/scale.err ||
	fail "xentop-numa -b --format json: $(tail -n 1 /tmp/scale.err)"; }
jq -r '.domains[].id' /tmp/scale.json | sort -n >/tmp/xn.ids
$PAGEOP ids | sort -n >/tmp/xen.ids
cmp -s /tmp/xn.ids /tmp/xen.ids ||
	fail "xentop-numa lists $(wc -l </tmp/xn.ids) domains ($(uniq -d /tmp/xn.ids | wc -l) twice), Xen $(wc -l </tmp/xen.ids)"
exact=$(jq '[.domains[] | select((.name // "") | startswith("scale-")) |
	select(.node_pages == [256, 256])] | length' /tmp/scale.json)
if [ "$overrun" = 1 ]; then
	[ "$exact" = 0 ] || fail "the console ring is too small for the dump, yet $exact domains show figures"
	grep -q "conring_size=" /tmp/scale.err || fail "xentop-numa did not say what to do: '$(cat /tmp/scale.err)'"
	echo "dump overran the ring: no figures shown; xentop-numa said: $(cat /tmp/scale.err)"
else
	[ "$exact" = "$n" ] || fail "$exact scale domains of $n show 256+256 pages ($(head -c 300 /tmp/scale.err))"
	say "xentop-numa lists every domain once, all $n scale domains with 256+256 pages"
fi

# The screen at this scale, as a user drives it (tmux): End shows the
# last domain, a filter (/) leaves only the domains it matches, Home and the
# sort key (s) keep it drawing.
if command -v tmux >/dev/null && [ "$overrun" = 0 ]; then
	tm() { TERM=screen TERMINFO=/usr/share/terminfo tmux -S /tmp/tmux.sock "$@"; }
	tm -f /dev/null new-session -d -s xn -x 160 -y 40 \
		"env TERM=screen TERMINFO=/usr/share/terminfo $XN --source xen -d 2" ||
		fail "tmux new-session failed"
	screen() { tm capture-pane -p -t xn 2>/dev/null; }
	shows() { screen | grep -Eq -- "$1"; }
	# the last by name (the screen's default sort, any case): scale-999 after scale-1000
	last=$(jq -r '.domains[].name // empty' /tmp/scale.json | grep '^scale-' | LC_ALL=C sort | tail -n 1 | sed 's/^scale-//')
	wait_until 300 "the screen's domain list" shows "scale-" ||
		{ screen; tm kill-server; fail "the program did not draw its domains"; }
	tm send-keys -t xn End
	wait_until 120 "scale-$last (the last domain) after End" shows "scale-$last( |\$)" ||
		{ screen; tm kill-server; fail "End did not show the last domain"; }
	tm send-keys -t xn Home / "scale-$last" Enter
	only() { [ "$(screen | grep -cE '^ *scale-[0-9]+ ')" = 1 ] && shows "scale-$last "; }
	wait_until 120 "only scale-$last after the filter" only ||
		{ screen; tm kill-server; fail "the filter did not leave only scale-$last"; }
	tm send-keys -t xn s
	sleep 3
	only || { screen; tm kill-server; fail "after the sort key the filtered list changed"; }
	tm kill-server
	say "the screen at $n domains: End shows scale-$last, the filter leaves it alone, sorting keeps it"
fi
[ "$timing" = 1 ] || exit 0

steady() { # label command... (without -i): at the command's defaults
	label=$1
	shift
	ms=$(steady_cpu "$r" "$@")
	say "SCALE steady_ms_per_refresh $label $ms"
	case "$ms" in failed*) fail "$label: $ms" ;; esac
	eval "ms_$label=$ms"
}
steady xentop xentop -b
steady xn "$XN" -b
base=/usr/libexec/xn/xentop-numa-base
[ -x "$base" ] && steady base "$base" -b
# The non-Xen parts (derive, advice, output) at this scale: R+4 samples
# recorded here, replayed (/out: the host keeps it for make bench's
# bench_scale.sh).
rec=/out/xen-scale-$n.jsonl
mkdir -p /out
"$XN" -b -d 0.2 -i $((r + 4)) --record "$rec" >/dev/null 2>/tmp/rec.err ||
	fail "recording $n domains: $(tail -n 1 /tmp/rec.err)"
steady replay "$XN" --replay "$rec" -b -d 0.2
bad=0
for l in xn base replay; do
	eval "v=\${ms_$l:-}"
	[ -n "$v" ] || continue
	say "$(awk -v a="$v" -v b="$ms_xentop" -v l="$l" 'BEGIN { printf "SCALE ratio_%s_to_xentop %.2f", l, a / b }')"
done
awk -v a="$ms_xn" -v b="$ms_xentop" -v m="$max" 'BEGIN { exit !(a > m * b) }' && bad=1

# Profiles: perf records here, the host reports (perf report under TCG
# takes longer than the whole check): sh tests/vm/perf-report.sh NAME.
if command -v perf >/dev/null; then
	prof() { # label command...
		label=$1
		shift
		timeout 120 perf record -q -F 499 -o "/out/perf-$label.data" -- "$@" -i $((r + 1)) \
			>/dev/null 2>/tmp/perf.err || say "PROFILE $label: perf record failed: $(tail -n 1 /tmp/perf.err)"
		say "PROFILE $label: recorded"
	}
	prof xn "$XN" -b -d 1 --debugkey-interval 3.3
	[ -x "$base" ] && prof base "$base" -b -d 1 --debugkey-interval 3.3
	prof xentop xentop -b -d 1
fi
[ $bad = 0 ] || fail "xentop-numa costs more than $max times xentop per refresh"
