# xn-timeout: 1200
# Measurements inside the lab's dom0 (printed as "BENCH ..." lines):
#  1. CPU time per refresh of `xentop-numa -b` vs `xentop -b`, on the same
#     host: (CPU of N+1 samples - CPU of 1 sample) / N, so start-up cancels;
#  2. time of one debug key 'u' dump (Xen's clock) as guest memory grows (paused PV
#     guests of 128, 256, 1024 MiB; 64 MiB cannot be built: "segment kernel
#     too large"); the dump walks every page of every domain.
# Under TCG on a shared host, guest CPU accounting includes time the host
# took away: run it on an idle machine and compare ratios, not absolutes.
. /checks/lib.sh
need_xn
N=${XN_BENCH_N:-30}
cpu_ms() { # command...: user+sys CPU of the command (children of this sh), ms
	sh -c '"$@" >/dev/null 2>&1; awk "{ print (\$16 + \$17) * 10 }" /proc/$$/stat' sh "$@"
}
per_refresh() { # label command...
	label=$1
	shift
	one=$(cpu_ms "$@" -i 1)
	many=$(cpu_ms "$@" -i $((N + 1)))
	echo "BENCH cpu_per_refresh $label $(((many - one) * 1000 / N)) us (1 sample: $one ms, $((N + 1)) samples: $many ms)"
}
# Steady state: 'u' only at the first sample (default rate limit is 10 s).
per_refresh xentop-numa "$XN" -b --source xen -d 0.01 --debugkey-interval 100000
per_refresh xentop "$(command -v xentop)" -b -d 0
# Worst case: a 'u' dump at every refresh.
per_refresh xentop-numa-u-every-refresh "$XN" -b --source xen -d 0.01 --debugkey-interval 0.001

# 20 dumps in one `xl debug-keys` call run back to back inside the hypervisor:
# the gap between consecutive markers' "now =" (Xen's clock, ns) is one dump.
# The median of the 19 gaps, in microseconds.
u_us() {
	xl dmesg -c >/dev/null
	xl debug-keys uuuuuuuuuuuuuuuuuuuu
	xl dmesg | sed -n "s/.*'u' pressed -> dumping numa info (now = \([0-9]*\)).*/\1/p" |
		awk 'NR > 1 { print int(($1 - prev) / 1000) } { prev = $1 }' | sort -n | sed -n 10p
}
base=$(u_us)
echo "BENCH u_dump dom0_only ${base} us per dump (dom0 1024 MiB)"
for m in 128 256 1024; do
	make_guest "b$m" "$m" "$m" - -p || { echo "BENCH u_dump guest_${m}MiB: cannot create"; continue; }
	t=$(u_us)
	echo "BENCH u_dump guest_${m}MiB ${t} us per dump (+$((t - base)) us over dom0 only)"
	xl destroy "b$m"
done
