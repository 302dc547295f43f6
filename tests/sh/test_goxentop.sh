#!/bin/sh
# The batch text read by a client of xentop's we did not write: go-xentop's
# text parser (github.com/Rudd-O/go-xentop, xentop.go: what the
# prometheus-xentop exporter ran on `xentop -b -f -d 1`), its newest version
# (f28732e: "-" read as unknown) on every recording we ship, and its older
# one (52ec4d8: only n/a and no-limit) on a recording where every xentop
# field is known. It is given our binary in xentop's place; every row it
# reads must come without an error and hold the values our own text says.
#
# The parser's source (LGPL-3) is kept unchanged in tests/third_party/go-xentop;
# failing that it comes from a git copy of the repository (XN_GO_XENTOP_GIT, default ~/.cache/xentop-numa/go-xentop.git:
# `git clone --bare https://github.com/Rudd-O/go-xentop` there), else from the
# Go module proxy; without Go (golang-go, scripts/deps.sh) or the source the
# test is skipped with the reason.
set -u
XN_KEEP_GOING=1
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
xn_need_bin
ROOT=${XN_ROOT:-.}
command -v go >/dev/null || skip "go is not installed (scripts/deps.sh installs golang-go)"
command -v jq >/dev/null || skip "jq is not installed"
cache=${XDG_CACHE_HOME:-$HOME/.cache}/xentop-numa
GIT=${XN_GO_XENTOP_GIT:-$cache/go-xentop.git}
export GOPATH="$cache/go" GOCACHE="$cache/go-build" GOFLAGS=-mod=mod GO111MODULE=on
BIN_ABS=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

# source REV DIR: the parser at REV into DIR/xentop/xentop.go.
source_at() {
	mkdir -p "$2/xentop"
	# the copies kept in the tree (tests/third_party/go-xentop/README)
	if [ -f "$ROOT/tests/third_party/go-xentop/xentop-$1.go.txt" ]; then
		cp "$ROOT/tests/third_party/go-xentop/xentop-$1.go.txt" "$2/xentop/xentop.go"
		return 0
	fi
	if [ -d "$GIT" ] && git --git-dir="$GIT" show "$1:xentop.go" >"$2/xentop/xentop.go" 2>/dev/null; then
		return 0
	fi
	# the module proxy, when this machine reaches it
	(cd "$2" && timeout 60 go mod download -json "github.com/Rudd-O/go-xentop@$1" >"$2/dl.json" 2>/dev/null) &&
		cp "$(jq -r .Dir "$2/dl.json")/xentop.go" "$2/xentop/xentop.go" 2>/dev/null
}

# build REV: a program that runs the parser on the command given ($1) and
# prints each row it read, then the number of errors on stderr.
build() {
	d="$tmp/$1"
	mkdir -p "$d"
	printf 'module xncheck\n\ngo 1.14\n' >"$d/go.mod"
	source_at "$1" "$d" || return 1
	cat >"$d/main.go" <<'EOF'
package main

import (
	"fmt"
	"os"
	"strings"

	"xncheck/xentop"
)

func main() {
	lines := make(chan xentop.Line)
	errs := make(chan error)
	go xentop.XenTopCmd(lines, errs, os.Args[1])
	n := 0
	for {
		select {
		case l := <-lines:
			fmt.Printf("%s %s %d %d %d %d %d %d %d %d\n", l.Name, l.State, l.CpuTime,
				l.Memory, l.MaxMemory, l.VirtualCpus, l.NetworkInterfaces,
				l.NetworkTx, l.VirtualDisks, l.SSID)
		case e := <-errs:
			if strings.HasPrefix(e.Error(), "fatal: EOF") {
				fmt.Fprintf(os.Stderr, "%d errors\n", n)
				os.Exit(0)
			}
			fmt.Fprintln(os.Stderr, e)
			n++
		}
	}
}
EOF
	(cd "$d" && go build -o "$tmp/client-$1" . >"$d/build.log" 2>&1)
}

# ours REC: what our text says, in the client's terms (unknown and no-limit
# read as 0, as the client leaves a field it skips).
ours() {
	"$BIN" --replay "$1" -b -f -d 0 | awk '
	$1 == "NAME" { for (i = 1; i <= NF; i++) c[$i] = i; next }
	function v(k) { x = $c[k]; return x == "-" || x == "n/a" || x == "no-limit" ? 0 : x }
	{ print $1, $2, v("CPU(sec)"), v("MEM(k)"), v("MAXMEM(k)"), v("VCPUS"), v("NETS"),
	  v("NETTX(k)"), v("VBDS"), v("SSID") }'
}

# check REV REC: the client reads REC's replay without an error, row by row
# as our text.
check() {
	printf '#!/bin/sh\n# the client passes -b -f -d 1; a recording needs no wait\nexec "%s" --replay "%s" "$@" -d 0\n' \
		"$BIN_ABS" "$2" >"$tmp/xentop"
	chmod +x "$tmp/xentop"
	timeout 60 "$tmp/client-$1" "$tmp/xentop" >"$tmp/got" 2>"$tmp/errs" ||
		fail "$1 $(basename "$2"): the client failed: $(head -3 "$tmp/errs")"
	[ "$(tail -1 "$tmp/errs")" = "0 errors" ] ||
		fail "$1 $(basename "$2"): $(wc -l <"$tmp/errs") lines of errors: $(head -3 "$tmp/errs")"
	ours "$2" >"$tmp/want"
	[ -s "$tmp/want" ] || fail "$(basename "$2"): no rows in our text"
	cmp -s "$tmp/got" "$tmp/want" ||
		fail "$1 $(basename "$2"): the client read other values: $(diff "$tmp/want" "$tmp/got" | head -4)"
	rows=$((rows + $(wc -l <"$tmp/got")))
}

NEW=f28732e
OLD=52ec4d8
build $NEW || skip "go-xentop's source is not here: clone it to $GIT (no module proxy either)"
[ -x "$tmp/client-$NEW" ] || {
	fail "the client did not build: $(head -5 "$tmp/$NEW/build.log")"
	xn_finish test_goxentop
}
rows=0
for rec in "$ROOT"/examples/*.jsonl "$ROOT"/tests/fixtures/replay/good-2node.jsonl \
	"$ROOT"/tests/fixtures/replay/hostile.jsonl; do
	check $NEW "$rec"
done
echo "go-xentop $NEW: $rows rows read without an error"

# every xentop field known (the xen source's figures; CPU(%) from the second
# sample on): the older parser, which knows no "-", reads it too
jq -c 'select(.interval != null) | .domains[] |= . + {nets: 1, net_tx_bytes: 4096,
	net_rx_bytes: 2048, vbds: 2, vbd_oo: 0, vbd_rd: 7, vbd_wr: 3, vbd_rsect: 56,
	vbd_wsect: 24, ssid: 0}' "$ROOT"/examples/xen-4node-guests.jsonl >"$tmp/known.jsonl"
unknown=$("$BIN" --replay "$tmp/known.jsonl" -b -d 0 |
	awk '$1 != "NAME" { for (i = 3; i <= 19; i++) if ($i == "-") print }')
[ -z "$unknown" ] || fail "a xentop field is unknown in the all-known recording: $unknown"
rows=0
check $NEW "$tmp/known.jsonl"
if build $OLD && [ -x "$tmp/client-$OLD" ]; then
	check $OLD "$tmp/known.jsonl"
	echo "go-xentop $OLD: $rows rows read without an error"
else
	skip_part "go-xentop $OLD: its source is not here"
fi
xn_finish test_goxentop
