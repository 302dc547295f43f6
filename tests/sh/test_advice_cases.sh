#!/bin/sh
# Issue 19's "Wrong today" list, one hand-made recording each
# (tests/fixtures/advice/, made by make_cases.py; its comments give each
# case's figures): `--replay CASE --advise` must give the answer an
# operator knows. Each check names the item it guards.
set -u
XN_KEEP_GOING=1
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
FIX=tests/fixtures/advice

xn_need_bin

# advise CASE: its --advise output in $out, exit status in $rc
advise() {
	out=$("$BIN" --replay "$FIX/$1.jsonl" --advise 2>"$tmp/err")
	rc=$?
}
# line NAME: the --advise line of domain NAME ("" when none)
line() { printf '%s\n' "$out" | grep -E "^(step [0-9]+: )?$1 \(id " | head -n 1; }
want_rc() { [ "$rc" = "$2" ] || fail "$1: --advise exited $rc, want $2: $out $(cat "$tmp/err")"; }
has() { printf '%s\n' "$2" | grep -qE -- "$3" || fail "$1: '$2' lacks /$3/"; }
lacks() { printf '%s\n' "$2" | grep -qE -- "$3" && fail "$1: '$2' has /$3/"; }
# example CASE DOMAIN FIGURES WANT PATTERN...: the man page's worked example
# (Cost model) is this case: the figures (a jq string over the domain's
# advice) are WANT, and the man page has each PATTERN
example() {
	fig=$("$BIN" --replay "$FIX/$1.jsonl" --snapshot |
		jq -r --arg n "$2" ".domains[] | select(.name == \$n) | .advice | $3")
	[ "$fig" = "$4" ] || fail "$1: the advice's figures $3 are $fig, want $4"
	c=$1
	shift 4
	for f in "$@"; do
		grep -qE -- "$f" xentop-numa.1 || fail "$c: the man page's example lacks /$f/"
	done
}

# 1: never vCPUs onto a node without CPUs; stuck, and says so
advise 01-cpuless
want_rc "1 cpuless" 1
l=$(line big)
lacks "1 cpuless" "$l" ': vcpus 1'
has "1 cpuless" "$l" ': stuck: '

# 2: never 16 vCPUs onto an 8-CPU node (LOCAL% 50: not below 50, so ok)
advise 02-fewer-cpus
want_rc "2 fewer CPUs" 0
lacks "2 fewer CPUs" "$out" 'vcpus 0'

# 3: Domain-0 is never advised, and --advise ignores it (exit 0)
advise 03-dom0
want_rc "3 dom0" 0
[ -z "$out" ] || fail "3 dom0: --advise printed: $out"
adv=$("$BIN" --replay "$FIX/03-dom0.jsonl" --snapshot | jq -r '.domains[0].advice.action')
[ "$adv" = none ] || fail "3 dom0: its advice action is $adv, want none (shown -)"

# 4: not onto a node that would run 9 busy vCPUs per CPU: stuck, crowding named
advise 04-crowding
l=$(line crowd)
lacks "4 crowding" "$l" ': vcpus 0'
has "4 crowding" "$l" 'stuck: .*busy vCPUs per CPU'

# 5: copying all 32 GiB for 20 points of LOCAL% is not worth it
advise 05-size
want_rc "5 size" 0
[ -z "$out" ] || fail "5 size: --advise printed: $out"

# 6: one stray vCPU does not hide the live move that makes it local
advise 06-stray
want_rc "6 stray" 1
has "6 stray" "$(line split)" '^step 1: split \(id 1\): memory 0: '

# 7: maxmem 48 GiB does not fit in 40 GiB free: never advised, stuck
advise 07-maxmem
l=$(line balloon)
lacks "7 maxmem" "$l" 'memory 0'
has "7 maxmem" "$l" 'stuck: .*49152 MiB'

# 8: LOCAL% 0 that nothing can fix is stuck (exit 1), not ok
advise 08-stuck
want_rc "8 stuck" 1
has "8 stuck" "$(line pinned)" 'stuck: '

# 9: local three samples, then remote two samples in three: the smoothed
# verdict advises it, in its local samples too (the last sample's ADVICE
# column over the whole replay; the last sample is a local one)
last=$("$BIN" --replay "$FIX/09-window.jsonl" -b --format csv 2>/dev/null |
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } { a = $c["advice"] } END { print a }')
case $last in
*vcpus\>0) ;;
*) fail "9 window: the last verdict is '$last', want vcpus>0" ;;
esac

# 10: one plan: the three are not all sent to one node
advise 10-joint
want_rc "10 joint" 1
targets=$(printf '%s\n' "$out" | sed -nE 's/^step [0-9]+: g10[123] \(id [0-9]+\): [a-z]+ ([0-9,-]+): .*/\1/p' | sort -u | wc -l)
[ "$targets" = 3 ] || fail "10 joint: targets are not three different nodes: $out"

# 11: half the memory at distance 22 while a distance-16 node has room
advise 11-distance
has "11 distance" "$(line far)" '^step 1: far \(id 1\): memory 2: '

# 12: an explicit node affinity is named when overridden
advise 12-policy
has "12 policy" "$(line chosen)" 'overrides explicit node affinity 1'

# 13: no "ok" beside LOCAL% 25 for a big domain; the metric of moved bytes
# says what the action copies (a Xen vCPU move copies nothing)
advise 13-words
has "13 words" "$(line spread)" 'stuck: '
has "13 words" "$(line lean)" ': vcpus 2: .*1.5 GiB stays where it is'
"$BIN" --replay "$FIX/13-words.jsonl" --prometheus "$tmp/m.prom" -i 1 >/dev/null 2>&1 ||
	fail "13 words: --prometheus failed"
grep -q '^xentop_numa_domain_advice_move_bytes{.*name="lean".*} 0$' "$tmp/m.prom" ||
	fail "13 words: move_bytes of lean is not 0: $(grep 'move_bytes' "$tmp/m.prom")"
grep '^# HELP xentop_numa_domain_advice_move_bytes' "$tmp/m.prom" | grep -q 'copies' ||
	fail "13 words: the HELP of move_bytes does not say it counts what the action copies"

# 14: a domain's vCPUs stay on its cpupool's CPUs: stuck, saying why;
# the same domain in node 0's pool goes home
advise 14-cpupool
want_rc "14 cpupool" 1
lacks "14 cpupool" "$(line pooled)" ': vcpus 0'
has "14 cpupool" "$(line pooled)" "stuck: .*node 0's CPUs are in another cpupool"
has "14 cpupool" "$(line pool0)" ': vcpus 0: '

# 15: one CPU per node, three busy 1-vCPU domains whose memory is all on
# node 3: the plan never ends two of them on one node (where a step takes
# each, else where its vCPU runs: nodes 0, 1, 2 for x1, x2, x3)
advise 15-three-one-cpu
want_rc "15 three" 1
ends=""
for k in 1 2 3; do
	n=$(line "x$k" | sed -nE 's/^step [0-9]+: x[0-9] \(id [0-9]+\): [a-z]+ ([0-9,-]+): .*/\1/p')
	ends="$ends ${n:-$((k - 1))}"
done
[ "$(echo $ends | tr ' ' '\n' | sort | uniq -d)" = "" ] ||
	fail "15 three: two busy 1-vCPU domains end on one node:$ends: $out"
[ "$(echo $ends | tr ' ' '\n' | grep -c '^3$')" = 1 ] || fail "15 three: not exactly one sent to node 3: $out"

# 16: an explicit node affinity says who set it when the configuration
# was read: the operator (cpus_soft in it) or not the configuration
advise 16-config
has "16 config" "$(line configured)" 'overrides explicit node affinity 1 \(its configuration sets cpus_soft\)'
has "16 config" "$(line later)" "overrides explicit node affinity 1 \\(not in its configuration: libxl's placement or a later change\\)"
lacks "16 config" "$(line configured)" 'assumed deliberate'

# 17: crowding counts the domain's cpupool: node 0's 8 CPUs are idle but
# the 2 of them in its pool already run 3 busy vCPUs (2.5 per CPU with its
# 2): never "vcpus 0"; the live move to node 1, where its pool is idle
advise 17-pool-crowding
want_rc "17 pool crowding" 1
lacks "17 pool crowding" "$(line tight)" ': vcpus 0'
has "17 pool crowding" "$(line tight)" '^step 1: tight \(id 1\): memory 1: '
cpus=$("$BIN" --replay "$FIX/17-pool-crowding.jsonl" --snapshot | jq -r '.domains[] | select(.name == "tight") | .advice.cpus_there')
[ "$cpus" = 4 ] || fail "17 pool crowding: cpus_there is $cpus, want 4 (its pool's CPUs on node 1)"
example 17-pool-crowding tight '"\(.score) \(.ratio_after)"' "4.9875 0.5" \
	'^4\.9875,$' '^0\.5,$' '= 2\.5 busy vCPUs per CPU of pool 1'

# 18: a long explicit node affinity (32 of 64 nodes) is cut at a node with
# "and N more", never in the middle; a recording of it reads back the same
advise 18-long-affinity
l=$(line wide)
has "18 long affinity" "$l" '^step 1: wide \(id 1\): vcpus 1: '
has "18 long affinity" "$l" "overrides explicit node affinity 0,2,4,[0-9,]*[0-9] and [0-9]+ more \\(not in its configuration: libxl's placement or a later change\\)"
"$BIN" --replay "$FIX/18-long-affinity.jsonl" --record "$tmp/18.jsonl" -b -i 1 >/dev/null 2>&1 ||
	fail "18 long affinity: --record failed"
ov=$("$BIN" --replay "$tmp/18.jsonl" --snapshot | jq -r '.domains[0] | (.advice.overrides == .recorded_advice.overrides and (.advice.overrides | test(" and [0-9]+ more ")))')
[ "$ov" = true ] || fail "18 long affinity: the recorded overrides do not read back the same"

# 19 (linux, schema 6): a process's CPU affinity and its memory policy are
# two facts; a step names the one it goes against, with its own value, and
# never the cpuset's Mems_allowed ("nodes 0-1") for either
advise 19-linux-policy
l=$(line cpubind)
has "19 linux policy" "$l" '^step [0-9]+: cpubind \(id 101\): vcpus 1: '
has "19 linux policy" "$l" 'overrides its CPU affinity \(node 0\); not the default: assumed deliberate'
lacks "19 linux policy" "$l" 'memory policy|nodes 0-1|pinned'
# whichever step it gets: one that moves memory names the interleave, a
# vCPU step leaves the pages under their policy and does not
l=$(line interleaved)
has "19 linux policy" "$l" '^step [0-9]+: interleaved \(id 102\): '
if printf '%s\n' "$l" | grep -qE ': (memory|both) '; then
	has "19 linux policy" "$l" 'overrides its memory policy \(interleave:0-1\); not the default: assumed deliberate'
else
	lacks "19 linux policy" "$l" 'overrides'
fi
lacks "19 linux policy" "$l" 'CPU affinity'
for n in plain local; do
	lacks "19 linux policy" "$(line $n)" 'overrides'
done
mp=$("$BIN" --replay "$FIX/19-linux-policy.jsonl" --snapshot | jq -r '[.schema, (.domains[] | .mem_policy)] | join(" ")')
[ "$mp" = "6 bind:1 interleave:0-1 default local" ] || fail "19 linux policy: --snapshot says $mp"

# 20 (linux): both home nodes crowded, the step takes vCPUs and memory to
# the idle node: it overrides both, each named
advise 20-linux-both
has "20 linux both" "$(line boundaway)" '^step 1: boundaway \(id 101\): both 2: .*overrides its CPU affinity \(node 0\) and memory policy \(bind:1\); not the default: assumed deliberate'

# 21: a vCPU step over two targets sets one soft affinity over both, and Xen
# takes an idle CPU anywhere in it first: node 1's 2 idle CPUs take node 0's
# excess (LOCAL% 65: a step), where spilling it off the targets (45) was stuck
advise 21-soft-targets
want_rc "21 soft targets" 1
has "21 soft targets" "$(line pair)" '^step 1: pair \(id 1\): vcpus 0-1: .*LOCAL% 40\.0 -> 65\.0'
example 21-soft-targets pair '"\(.local_expected) \(.distance) \(.score)"' "65 13.5 2.859375" \
	'^2\.859375\)\.$' '= 65\.0' '1\.625'

# 22: the same with node 1's CPUs full too: no target has an idle CPU, so
# node 0's excess runs off the targets (LOCAL% 45): stuck, never vcpus 0-1
advise 22-soft-targets-full
want_rc "22 soft targets full" 1
lacks "22 soft targets full" "$(line pair)" ': vcpus 0-1'
has "22 soft targets full" "$(line pair)" ': stuck: '

xn_finish test_advice_cases
