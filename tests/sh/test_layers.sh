#!/bin/sh
# test_layers.sh - the layering holds in the objects just built: no room of
# src/ calls a room above it or beside it, no circle of files calls itself
# round, no header comes back to its own module (scripts/layers.py reads the
# objects' symbol tables with nm and the #include lines). Then a planted
# upward call must be caught, so the check itself can fail.
. tests/sh/lib.sh
command -v python3 >/dev/null && command -v nm >/dev/null || skip "needs python3 and nm"
build=$(dirname "$BIN")
[ "$build" = . ] && build=build
[ -d "$build/obj" ] || skip "no objects in $build/obj (build first)"
out=$(python3 scripts/layers.py "$build") || fail "layering broken: $out"
echo "$out" | tail -n 1

# the check can fail: a copy of the tree where core calls the screen
mkdir -p "$tmp/t/src/core" "$tmp/t/src/tui" "$tmp/t/obj/core" "$tmp/t/obj/tui"
cp scripts/layers.py "$tmp/t/"
printf 'void xn_tui_thing(void);\nvoid xn_core_thing(void) { xn_tui_thing(); }\n' >"$tmp/t/src/core/a.c"
printf 'void xn_tui_thing(void) {}\n' >"$tmp/t/src/tui/b.c"
mkdir -p "$tmp/t/b/obj/core" "$tmp/t/b/obj/tui"
(cd "$tmp/t" && cc -c -o b/obj/core/a.o src/core/a.c && cc -c -o b/obj/tui/b.o src/tui/b.c) ||
	fail "cannot build the planted pair"
if bad=$(cd "$tmp/t" && python3 layers.py b); then
	fail "a planted upward call was not caught: $bad"
fi
echo "$bad" | grep -q '^upward: core/a.c -> tui/b.c' || fail "planted call not named: $bad"
xn_finish test_layers
