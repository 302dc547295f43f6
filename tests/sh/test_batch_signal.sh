#!/bin/sh
# A stop signal ends batch mode after a whole line, never in the middle of
# one: a big recording (gen_recording, 600 domains: a JSON line of ~550 KB,
# written to a FIFO in 64 KiB pieces) is replayed as fast as it reads,
# `-b --format json` into a FIFO that python3's json module reads line by
# line, and SIGTERM (every 4th round SIGHUP) comes at a random moment. Every
# line the reader got must end in a newline and be one whole JSON sample,
# and the tool must end with status 0 (a stop asked for is not an error).
# Before the fix the default action killed the tool mid-write: a cut line.
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"

xn_need_bin
command -v python3 >/dev/null || skip "python3 is not installed"
[ -x "$HELPERS/gen_recording" ] || skip "$HELPERS/gen_recording not built"
rounds=${XN_SIGNAL_ROUNDS:-10}

"$HELPERS/gen_recording" -d 600 -n 4 -s 16 >"$tmp/big.jsonl" || fail "gen_recording failed"

# The reader: each line whole (ends in "\n") and one JSON sample; prints
# "lines N" or the first bad line's fault. It reads 64 KiB at a time with a
# pause, as a slow client does (jq over a 300-domain sample in the lab): the
# tool then spends most of its time in the middle of writing a line.
cat >"$tmp/reader.py" <<'EOF'
import json, os, sys, time
n = 0
buf = b""
while True:
    chunk = os.read(0, 65536)
    if not chunk:
        break
    buf += chunk
    time.sleep(0.003)
    while b"\n" in buf:
        raw, buf = buf.split(b"\n", 1)
        n += 1
        try:
            obj = json.loads(raw)
        except ValueError as e:
            print("line %d (%d bytes) is not JSON: %s" % (n, len(raw), e))
            sys.exit(1)
        if not isinstance(obj, dict) or len(obj.get("domains", [])) < 600:
            print("line %d is not a whole sample" % n)
            sys.exit(1)
        with open(sys.argv[1], "w") as f:
            f.write("%d\n" % n)
if buf:
    print("line %d cut short after %d bytes (no newline)" % (n + 1, len(buf)))
    sys.exit(1)
print("lines %d" % n)
EOF

mkfifo "$tmp/fifo" || fail "mkfifo"
cut=0   # rounds where the signal came while the tool was running
total=0 # lines read over all rounds
round=0
while [ $round -lt "$rounds" ]; do
	round=$((round + 1))
	sig=TERM
	[ $((round % 4)) = 0 ] && sig=HUP
	rm -f "$tmp/seen"
	python3 "$tmp/reader.py" "$tmp/seen" <"$tmp/fifo" >"$tmp/read.out" 2>&1 &
	rpid=$!
	xn_track $rpid
	"$BIN" --replay "$tmp/big.jsonl" -b --format json >"$tmp/fifo" 2>"$tmp/xn.err" &
	xpid=$!
	xn_track $xpid
	# Once the reader has a line (start-up, which reads the whole recording,
	# takes from 0.4 s to seconds on a busy machine), a moment from 0 to
	# 0.1 s later, different each round: a few lines' time.
	xn_wait_for "$tmp/seen" . 600 || fail "round $round: no line from xentop-numa in 60 s"
	sleep "$(awk -v s="$round$$" 'BEGIN { srand(s); printf "%.3f", rand() * 0.1 }')"
	kill -s $sig $xpid 2>/dev/null && cut=$((cut + 1))
	wait $xpid
	rc=$?
	xn_untrack $xpid
	wait $rpid
	rrc=$?
	xn_untrack $rpid
	[ $rrc = 0 ] || fail "round $round (SIG$sig): $(cat "$tmp/read.out")"
	[ $rc = 0 ] || fail "round $round: SIG$sig ended xentop-numa with status $rc: $(head -n 2 "$tmp/xn.err")"
	[ -s "$tmp/xn.err" ] && fail "round $round: xentop-numa said: $(head -n 2 "$tmp/xn.err")"
	total=$((total + $(awk '{ print $2 }' "$tmp/read.out")))
done
# A replay that ended before every signal would prove nothing.
[ $cut -ge $((rounds / 2)) ] || fail "only $cut of $rounds signals came while xentop-numa ran"
echo "$rounds rounds, $cut signals mid-run, $total lines, each a whole JSON sample"
xn_finish test_batch_signal
