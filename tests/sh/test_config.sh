#!/bin/sh
# --save-config: the choices written to $XDG_CONFIG_HOME/xentop-numa/config
# (the folder made), read back at start, the command line winning; a bad
# line named FILE:LINE and skipped, never fatal; no file, no change.
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
xn_need_bin
rec=tests/fixtures/replay/good-2node.jsonl
XDG_CONFIG_HOME=$tmp/cfg
export XDG_CONFIG_HOME
cfg=$tmp/cfg/xentop-numa/config

"$BIN" --replay "$rec" -b -i 1 >"$tmp/plain" 2>&1 || fail "a run without a config file failed"
"$BIN" --columns 'name,LOCAL%,mem(k)' --sort -mem -d 2.5 --units pct --save-config 2>"$tmp/save.err"
rc=$?
[ $rc = 0 ] || fail "--save-config exited $rc: $(cat "$tmp/save.err")"
grep -q "saved to $cfg" "$tmp/save.err" || fail "--save-config did not say where: $(cat "$tmp/save.err")"
grep -v '^#' "$cfg" >"$tmp/got"
printf 'columns NAME,MEM(k),LOCAL%%\nsort -mem\ndelay 2.5\nunits pct\n' >"$tmp/want"
cmp -s "$tmp/got" "$tmp/want" || fail "the saved file: $(cat "$cfg")"

# read back: the columns and the sort (biggest memory last: -mem)
"$BIN" --replay "$rec" -b -i 1 >"$tmp/back" 2>&1 || fail "a run with the config failed"
hdr=$(sed -n 1p "$tmp/back" | tr -s ' ' | sed 's/^ //')
[ "$hdr" = "NAME MEM(k) LOCAL%" ] || fail "config columns not read back: $hdr"
names=$(awk 'NR > 1 { printf "%s ", $1 }' "$tmp/back")
[ "$names" = "vm-0002 vm-0001 vm-0003 " ] || fail "config sort -mem not read back: $names"
# the command line wins
"$BIN" --replay "$rec" -b -i 1 --columns NAME,ID --sort name >"$tmp/cl" 2>&1
hdr=$(sed -n 1p "$tmp/cl" | tr -s ' ' | sed 's/^ //')
[ "$hdr" = "NAME ID" ] || fail "the command line did not win: $hdr"

# bad lines: named with FILE:LINE, skipped, the good ones still applied
printf 'bogus 1\nunits furlongs\ndelay\n' >>"$cfg"
"$BIN" --replay "$rec" -b -i 1 >"$tmp/bad" 2>"$tmp/bad.err"
rc=$?
[ $rc = 0 ] || fail "a bad config line was fatal (exit $rc)"
grep -q "^xentop-numa: $cfg:6: ignored: unknown key \"bogus\"" "$tmp/bad.err" ||
	fail "no FILE:LINE for the unknown key: $(cat "$tmp/bad.err")"
grep -q "^xentop-numa: $cfg:7: ignored: a bad value" "$tmp/bad.err" ||
	fail "no FILE:LINE for the bad value: $(cat "$tmp/bad.err")"
grep -q "^xentop-numa: $cfg:8: ignored: no value" "$tmp/bad.err" ||
	fail "no FILE:LINE for the line without a value: $(cat "$tmp/bad.err")"
sed -n 1p "$tmp/bad" | grep -q 'LOCAL%' || fail "the good lines were dropped with the bad"

# no config: as before
rm -rf "$tmp/cfg"
"$BIN" --replay "$rec" -b -i 1 >"$tmp/none" 2>&1
cmp -s "$tmp/plain" "$tmp/none" || fail "without a config file the output changed"
xn_finish config
