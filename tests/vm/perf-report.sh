#!/bin/sh
# perf-report.sh NAME [COUNT] - the top COUNT (default 15) entries, by self
# time, DSO and symbol, of each perf record a lab machine NAME left in
# build/vm/NAME-out/perf-*.data (tests/vm/checks/bench/xen_scale.sh with
# XN_VM_PERF=1). Symbols come from that machine's own image
# (build/vm/NAME.initrd.gz, unpacked as perf's --symfs): the same files ran.
set -eu
cd "$(dirname "$0")/../.."
name=$1 count=${2:-15}
dir=${XN_VM_DIR:-build/vm}
command -v perf >/dev/null || { echo "perf is not installed"; exit 77; }
[ -f "$dir/$name.initrd.gz" ] || { echo "no image $dir/$name.initrd.gz"; exit 1; }
fs=$(mktemp -d "${TMPDIR:-/tmp}/xn-symfs.XXXXXX")
trap 'rm -rf "$fs"' EXIT INT TERM
(cd "$fs" && zcat "$OLDPWD/$dir/$name.initrd.gz" | cpio -id --quiet 2>/dev/null) || true
for f in "$dir/$name-out"/perf-*.data; do
	[ -f "$f" ] || continue
	label=$(basename "$f" .data)
	label=${label#perf-}
	perf report -q -i "$f" --symfs="$fs" --stdio --no-children --sort dso,symbol 2>/dev/null |
		grep '%' | head -n "$count" | sed "s/^/PROFILE $name $label /"
done
