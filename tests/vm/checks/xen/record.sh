# A recording of this host with its guests, copied out as an example
# (build/vm/NAME-out/); replayed as JSON it must give back the recording:
# every field of every sample but "source" (replay), the interval included
# (the replay keeps the recorded one, from the recorder's monotonic clock:
# derived from the wall-clock times it was a few microseconds off, and once,
# in CI, more than the millisecond this check allowed); the recorded advice
# comes back as recorded_advice.
. /checks/lib.sh
need_xn
n=$(xl_nodes | wc -l)
f=/out/xen-${n}node.jsonl
"$XN" -b --source xen -d 1 -i 4 --debugkey-interval 2 --record "$f" >/dev/null ||
	fail "recording failed"
same "samples recorded" 4 "$(wc -l <"$f")"
"$XN" --source replay --replay "$f" -b --format json -i 4 >/tmp/replay.jsonl ||
	fail "JSON replay of $f failed"
same "samples replayed" 4 "$(wc -l </tmp/replay.jsonl)"
same "source of the replayed samples" "replay replay replay replay " \
	"$(jq -r .source /tmp/replay.jsonl | tr '\n' ' ')"
# A replay computes the advice again with this advisor and keeps what the
# recording held as recorded_advice: that is what must come back.
jq -S -c 'del(.source) | .domains[] |= del(.recorded_advice)' "$f" >/tmp/rec.norm
jq -S -c 'del(.source) | .domains[] |= (.advice = .recorded_advice
	| del(.recorded_advice))' /tmp/replay.jsonl >/tmp/rep.norm
if cmp -s /tmp/rec.norm /tmp/rep.norm; then
	echo "ok   replayed JSON = recording ($(wc -c <"$f") bytes)"
else
	echo "DIFF replayed JSON differs from the recording:"
	jq -S . /tmp/rec.norm >/tmp/rec.pretty
	jq -S . /tmp/rep.norm | diff /tmp/rec.pretty - | head -n 40
	bad=$((bad + 1))
fi
# The advice this advisor computes from the recorded samples: the recorder's
# (the same program, the same samples, the same smoothing window).
same "advice recomputed on replay (actions, nodes)" \
	"$(jq -c '[.domains[].advice | [.action, .nodes]]' "$f" | tr '\n' ' ')" \
	"$(jq -c '[.domains[].advice | [.action, .nodes]]' /tmp/replay.jsonl | tr '\n' ' ')"
# the intervals, shown (compared exactly in the JSON above)
echo "ok   intervals: $(jq -r '.interval // "null"' /tmp/replay.jsonl | tr '\n' ' ')"
"$XN" --source replay --replay "$f" -b -i 4 >/tmp/replay.txt || fail "text replay of $f failed"
head -n 5 /tmp/replay.txt
[ $bad = 0 ] || fail "$bad differences"
