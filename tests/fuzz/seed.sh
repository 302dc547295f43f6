#!/bin/sh
# seed.sh - (re)make the seed corpora tests/fuzz/corpus/NAME from the test
# fixtures and the example recordings. Run from anywhere; commit the result.
set -eu
cd "$(dirname "$0")/../.."
F=tests/fixtures
C=tests/fuzz/corpus
seed() { # name files...
	d=$C/$1
	shift
	mkdir -p "$d"
	for f in "$@"; do cp "$f" "$d/$(basename "$f")"; done
}
seed numa_maps $F/linux/numa_maps-*.txt
seed status_stat $F/linux/status-*.txt $F/linux/stat-*.txt $F/linux/task-stat-*.txt
seed zoneinfo $F/linux/zoneinfo-*.txt
seed node_meminfo $F/linux/node0-meminfo.txt $F/linux/node0-distance.txt
seed numa_stat $F/linux/numa_stat-*.txt
seed udump $F/xen-4.17/*.txt
seed move_config $F/xl-migrate-list-l.json
mkdir -p $C/proc_misc $C/lists $C/options $C/replay_derive
printf 'qemu-system-x86_64\0-name\0guest=vm1,,prod,debug-threads=on\0-m\0001024\0' \
	>$C/proc_misc/cmdline
printf '0::/user.slice/vm.scope\n' >$C/proc_misc/cgroup-v2
printf '12:memory:/machine/vm1\n11:cpuset:/\n' >$C/proc_misc/cgroup-v1
printf '7f0000000000-7f0000021000 rw-p 00000000 00:00 0\n' >$C/proc_misc/maps
printf 'pgmigrate_success 12\nthp_collapse_alloc 3\n' >$C/proc_misc/vmstat
printf '123,456' >$C/proc_misc/pids
printf '0-3,8,10-11\n' >$C/lists/linux
printf 'all' >$C/lists/all
printf '0,2,5' >$C/lists/ops
printf -- '-b\0-d\0000.5\0--refreshes\0003\0-p\000123,456' >$C/options/batch
printf -- '--replay\0f\0--format\0csv\0--sort\0-local\0--units\0pct' >$C/options/replay
printf -- '--set-affinity\0vm1=0-1\0--affinity-cpus' >$C/options/set
# replay: the mix byte, then one or two lines (prev, cur)
i=0
for f in $F/replay/*.jsonl examples/*.jsonl; do
	[ -s "$f" ] || continue
	i=$((i + 1))
	{ printf 'A'; head -n 2 "$f"; } >"$C/replay_derive/$(basename "$f" .jsonl)-2"
	{ printf '\377'; head -n 1 "$f"; } >"$C/replay_derive/$(basename "$f" .jsonl)-1"
done
