# xn-timeout: 1800
# The cost of a steady refresh at scale, on whichever hypervisor the machine
# boots (stock Xen: debug key 'u'; the page-op build: the op), against
# xentop -b in the same boot: XN_SCALE_DOMAINS (default 300) bare named
# domains (pageop_probe mkdoms: 256 pages on each of nodes 0 and 1), then
#   SCALE steady_ms_per_refresh <label> <ms>   for xentop, xentop-numa at its
#       defaults and, when the image has one, a baseline binary
#       (/usr/libexec/xn/xentop-numa-base: cp an older build to
#       build/helpers/xentop-numa-base): (CPU of R+1 refreshes - CPU of 1) / R
#       at -d 1, so start-up cancels and a 'u' dump every 10 s (the default
#       --debugkey-interval) is paid as often as it is at the defaults;
#   SCALE ratio_<label>_to_xentop <x>;
#   PROFILE lines: the top entries of `perf report` (self time, by DSO and
#       symbol) of a 10-refresh run, when the image has perf (XN_VM_PERF=1).
# Under TCG timings move by +-15 % between boots: the check fails only past
# a gross limit, XN_SCALE_MAX_RATIO (default 2) times xentop.
. /checks/lib.sh
need_xn
PAGEOP=${PAGEOP:-/usr/libexec/xn/pageop_probe}
[ -x "$PAGEOP" ] || skip "helper pageop_probe is not in the image (make tests-bin with libxen-dev)"
command -v xentop >/dev/null || skip "xentop is not in the image: no peer to compare with"
n=${XN_SCALE_DOMAINS:-300}
r=${XN_SCALE_REFRESHES:-10}
max=${XN_SCALE_MAX_RATIO:-2}
up() { cut -d' ' -f1 /proc/uptime; }

t0=$(up)
$PAGEOP mkdoms "$n" 256 256 scale >/tmp/scale.ids || fail "mkdoms: $(tail -n 1 /tmp/scale.ids)"
# shellcheck disable=SC2046
trap '$PAGEOP rmdom $(cat /tmp/scale.ids) >/dev/null 2>&1' EXIT
echo "SCALE domains $n (made in $(awk -v a="$t0" -v b="$(up)" 'BEGIN { printf "%.1f", b - a }') s)"
if $PAGEOP probe >/dev/null 2>&1; then hv=pageop; else hv="stock ('u')"; fi
echo "SCALE hypervisor $hv"

cpu_ms() { # command...: user+sys CPU of the command, ms
	(
		"$@" >/dev/null 2>/tmp/cpu.err
		times
	) 2>&1 | tail -n 1 | awk '
		function sec(t) { split(t, a, "m"); sub("s", "", a[2]); return a[1] * 60 + a[2] }
		{ printf "%.0f\n", (sec($1) + sec($2)) * 1000 }'
}
steady() { # label command... (without -i)
	label=$1
	shift
	one=$(cpu_ms "$@" -i 1)
	many=$(cpu_ms "$@" -i $((r + 1)))
	ms=$(awk -v a="$one" -v b="$many" -v r="$r" 'BEGIN { printf "%.1f", (b - a) / r }')
	echo "SCALE steady_ms_per_refresh $label $ms (1 refresh: $one ms, $((r + 1)): $many ms)"
	eval "ms_$label=$ms"
}
steady xentop xentop -b -d 1
steady xn "$XN" -b -d 1
base=/usr/libexec/xn/xentop-numa-base
[ -x "$base" ] && steady base "$base" -b -d 1
bad=0
for l in xn base; do
	eval "v=\${ms_$l:-}"
	[ -n "$v" ] || continue
	awk -v a="$v" -v b="$ms_xentop" -v l="$l" 'BEGIN { printf "SCALE ratio_%s_to_xentop %.2f\n", l, a / b }'
done
awk -v a="$ms_xn" -v b="$ms_xentop" -v m="$max" 'BEGIN { exit !(a > m * b) }' && bad=1

if command -v perf >/dev/null; then
	prof() { # label command...
		label=$1
		shift
		perf record -q -F 499 -o /tmp/perf.data -- "$@" -i $((r + 1)) >/dev/null 2>/tmp/perf.err ||
			{ echo "PROFILE $label: perf record failed: $(tail -n 1 /tmp/perf.err)"; return; }
		perf report -q -i /tmp/perf.data --stdio --no-children --sort dso,symbol 2>/dev/null |
			grep '%' | head -n 20 | sed "s/^/PROFILE $label /"
	}
	prof xn "$XN" -b -d 1
	[ -x "$base" ] && prof base "$base" -b -d 1
	prof xentop xentop -b -d 1
fi
[ $bad = 0 ] || fail "xentop-numa costs more than $max times xentop per refresh"
