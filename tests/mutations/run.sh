#!/bin/sh
# make mutate: plant each bug of tests/mutations/*.patch, one at a time, in a
# scratch copy of this tree (never the tree itself), run `make check-fast`
# there and say whether the tests caught it. A patch starts with:
#   What: the bug, in words
#   Only: the tests that bear on it (XN_ONLY patterns; XN_MUTATE_FULL=1 runs
#         the whole of check-fast instead)
#   Lab:  for a bug only the QEMU lab can see, the lab check that catches it
#   LabRun: KIND CHECK... [; KIND CHECK...]: the lab checks `make mutate-lab`
#         (tests/vm/mutate-lab.sh) runs against it in the QEMU lab
# XN_MUTATE=substring plants only the patches whose name contains it.
# A mutation that does not build is reported as such, not as caught.
# Exit 1 when a mutation without a Lab line survived.
set -u
cd "$(dirname "$0")/../.." || exit 2
top=$PWD
scratch=$(mktemp -d /tmp/xn-mutate.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
trap 'exit 1' INT TERM
# the tree as it is (tracked and new files), with the builds: mtimes kept,
# so each mutation rebuilds only what its patch touches
tar -C "$top" --exclude=./.git --exclude=./build/vm --exclude=./build/test-logs \
	--exclude=./build-asan/test-logs -cf "$scratch/tree.tar" . || exit 2
rc=0
table=""
for p in tests/mutations/*.patch; do
	name=$(basename "$p" .patch)
	case $name in *"${XN_MUTATE:-}"*) ;; *) continue ;; esac
	what=$(sed -n 's/^What: //p' "$p")
	only=$(sed -n 's/^Only: //p' "$p")
	lab=$(sed -n 's/^Lab: //p' "$p")
	[ "${XN_MUTATE_FULL:-0}" = 1 ] && only=""
	dir=$scratch/$name
	mkdir -p "$dir" && tar -C "$dir" -xf "$scratch/tree.tar" || exit 2
	log=$top/build/mutate-$name.log
	mkdir -p "$top/build"
	if ! (cd "$dir" && patch -s -p1 <"$top/$p") >"$log" 2>&1; then
		res="PATCH DOES NOT APPLY"
		rc=1
	elif ! make -C "$dir" -j2 all tests-bin >>"$log" 2>&1 ||
		! make -C "$dir" -j2 BUILD=build-asan SAN=1 tests-bin build-asan/xentop-numa >>"$log" 2>&1; then
		res="DOES NOT BUILD"
		rc=1
	else
		if ! (cd "$dir" && XN_ONLY="$only" XN_NO_VM=1 sh tests/run.sh) >>"$log" 2>&1; then
			by=$(sed -n 's/^FAIL \([^ ]*\).*/\1/p' "$log" | tr '\n' ' ')
			res="caught by: $by"
		elif [ -n "$lab" ]; then
			res="survived check-fast (lab-only; caught by $lab)"
		else
			res="SURVIVED"
			rc=1
		fi
	fi
	echo "$name: $res"
	table="$table
$name | $what | ${only:-all of check-fast} | $res"
	rm -rf "$dir"
done
echo
echo "mutation | bug | tests run | result"
echo "$table" | sed 1d
exit $rc
