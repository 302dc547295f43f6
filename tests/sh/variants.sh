#!/bin/sh
# variants.sh BIN - what a build without Xen's development files and without
# libmicrohttpd says (make check-variants): the xen source and --listen name
# what is missing and exit 1 or 2, never crash; the linux and replay sources
# work. Not a test_*.sh: it needs that build, which `make check` does not make.
set -u
bin=${1:?usage: variants.sh BIN}
fails=0
expect() { # what, exit status wanted, pattern, command...
	what=$1 want=$2 pat=$3
	shift 3
	out=$(timeout 60 "$@" 2>&1)
	rc=$?
	if [ "$rc" != "$want" ] || ! printf '%s\n' "$out" | grep -q "$pat"; then
		echo "FAIL $what: exit $rc (wanted $want), output: $out"
		fails=$((fails + 1))
	else
		echo "PASS $what"
	fi
}
expect "no xen source" 1 "no xen source" "$bin" --source xen -b -i 1
expect "no --listen" 1 "libmicrohttpd" "$bin" --source replay --replay examples/xen-2node-guests.jsonl \
	--listen 127.0.0.1:0 -i 1
expect "replay works" 0 "NAME" "$bin" --replay examples/xen-2node-guests.jsonl -b -i 1
expect "linux works" 0 "NAME" "$bin" --source linux -b -i 1 -d 0
[ $fails = 0 ] || exit 1
