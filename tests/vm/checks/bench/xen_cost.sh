# Measurements inside the lab's dom0 (printed as "BENCH ..." lines):
#  1. CPU time per refresh of `xentop-numa -b` vs `xentop -b`, on the same
#     host: (CPU of N+1 samples - CPU of 1 sample) / N, so start-up cancels;
#  2. wall time of one debug key 'u' dump as guest memory grows (paused PV
#     guests of 128, 256, 1024 MiB; 64 MiB cannot be built: "segment kernel
#     too large"); the dump walks every page of every domain.
. /checks/lib.sh
need_xn
N=${XN_BENCH_N:-20}
cpu_ms() { # command...: user+sys CPU of the command in ms (from /proc/self/stat of a wrapper)
	sh -c '"$@" >/dev/null 2>&1; awk "{ print (\$16 + \$17) * 10 }" /proc/$$/stat' sh "$@"
}
per_refresh() { # label command...
	label=$1
	shift
	one=$(cpu_ms "$@" -i 1)
	many=$(cpu_ms "$@" -i $((N + 1)))
	echo "BENCH cpu_per_refresh $label $(((many - one) * 1000 / N)) us (1 sample: $one ms, $((N + 1)) samples: $many ms)"
}
# 'u' only at the first sample: the steady-state refresh between dumps.
per_refresh xentop-numa "$XN" -b --source xen -d 0.1 --debugkey-interval 100000
per_refresh xentop-numa-u-every-sample "$XN" -b --source xen -d 0.1 --debugkey-interval 0.01
per_refresh xentop xentop -b -d 1

u_ms() { # median of 5 wall times of `xl debug-keys u`, ms
	for i in 1 2 3 4 5; do
		t0=$(date +%s%N)
		xl debug-keys u
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000000))
	done | sort -n | sed -n 3p
}
base=$(u_ms)
echo "BENCH u_dump dom0_only ${base} ms (dom0 1024 MiB)"
for m in 128 256 1024; do
	make_guest "b$m" "$m" "$m" - -p || { echo "BENCH u_dump guest_${m}MiB failed to create"; continue; }
	t=$(u_ms)
	echo "BENCH u_dump guest_${m}MiB ${t} ms (+$((t - base)) ms over dom0 only)"
	xl destroy "b$m"
	sleep 1
done
