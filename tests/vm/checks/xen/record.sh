# A recording of this host with its guests, copied out as an example
# (build/vm/NAME-out/); replayed as JSON it must give back the recording:
# every field of every sample, but "source" (replay) and "interval" (the
# replay derives it from the recorded times, which the recorder took with
# the wall clock a few microseconds off its monotonic one); the recorded
# advice comes back as recorded_advice.
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
jq -S -c 'del(.source, .interval) | .domains[] |= del(.recorded_advice)' "$f" >/tmp/rec.norm
jq -S -c 'del(.source, .interval) | .domains[] |= (.advice = .recorded_advice
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
# interval: the same to a millisecond (null for the first sample in both).
jq -r '.interval // "null"' "$f" >/tmp/rec.int
jq -r '.interval // "null"' /tmp/replay.jsonl >/tmp/rep.int
paste -d' ' /tmp/rec.int /tmp/rep.int | awk '{ d = $1 - $2; if (d < 0) d = -d
	if (($1 == "null") != ($2 == "null") || d > 0.001) { print "DIFF interval: recorded " $1 ", replayed " $2; b++ }
	else print "ok   interval: recorded " $1 ", replayed " $2 }
	END { exit b > 0 }' || bad=$((bad + 1))
"$XN" --source replay --replay "$f" -b -i 4 >/tmp/replay.txt || fail "text replay of $f failed"
head -n 5 /tmp/replay.txt
[ $bad = 0 ] || fail "$bad differences"
