#!/bin/sh
# The interactive screen end to end, under tmux (a private server socket per
# run), against the built binary: a recording at 120x40; sorting changes the
# order; the filter hides rows; `a` on a read-only source says why; the
# heatmap and help screens; resize to 80x24 (nothing wider) and to 40x10
# ("terminal too small"); colours by default, none with NO_COLOR and ASCII
# only in the C locale; a corrupt recording steps through its valid samples
# and its bad lines are named; --refreshes 3 --record writes the 3 samples shown; the
# linux source on a real child process: an invalid node list shows the error
# and changes nothing, a confirmed one moves it (Cpus_allowed_list), and
# --read-only refuses with the reason; v shows vCPU rows, Enter opens the
# detail view and Esc closes it, A is refused on a recording and under
# --read-only; q, Ctrl-C, SIGTERM and -n all leave a
# sane terminal (the shell runs after, stty is cooked again, exit 0).
set -u
XN_KEEP_GOING=1
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
FIX=tests/fixtures/replay
xn_need_bin
command -v tmux >/dev/null || skip "tmux is not installed"

S=xn$$
SOCKS=""
PANE_ENV="" # environment for the next start
tm() { tmux -L "$S" "$@"; }
# shellcheck disable=SC2016 # expanded at exit
xn_at_exit 'for s in $SOCKS; do tmux -L "$s" kill-server 2>/dev/null; done'

# The pane runs the program, then records how it ended and the tty state.
cat >"$tmp/pane.sh" <<'EOF2'
trap : INT # as an interactive shell: Ctrl-C is for the program, not for us
ulimit -c 0 # the crash tests leave no core behind
tag=$1
shift
sh -c 'echo $$ >"$0"; exec "$@"' "$TMPD/$tag.pid" "$@"
echo "EXIT=$?" >"$TMPD/$tag.exit"
stty -a >"$TMPD/$tag.stty"
echo "XN-SHELL-BACK-$tag"
exec sleep 600
EOF2

start() { # tag width height args...
	tag=$1 w=$2 h=$3
	shift 3
	tm kill-server 2>/dev/null
	S=xn$$-$tag # a fresh server each time: no race with the last one's exit
	SOCKS="$SOCKS $S"
	rm -f "$tmp/$tag".*
	tm -f /dev/null new-session -d -s xn -x "$w" -y "$h" \
		"$PANE_ENV TMPD=$tmp sh $tmp/pane.sh $tag $BIN $*" || fail "tmux new-session"
}
screen() { tm capture-pane -p -t xn 2>/dev/null; }
# Columns, not bytes: each UTF-8 character counts one.
widest() { screen | LC_ALL=C.UTF-8 sed 's/[^ -~]/#/g' | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }'; }
# Wait (up to ~15 s) until the screen matches an extended regexp.
wait_for() {
	i=0
	while [ $i -lt 150 ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "screen never showed /$1/; it shows:"
	screen | sed 's/^/    | /'
	return 1
}
keys() { tm send-keys -t xn "$@"; }
# The program ended with status 0 and the terminal is cooked again.
check_exit() { # tag
	wait_for "XN-SHELL-BACK-$1" || return
	grep -q '^EXIT=0$' "$tmp/$1.exit" || fail "$1: $(cat "$tmp/$1.exit")"
	st=$(cat "$tmp/$1.stty")
	for flag in icanon echo isig icrnl opost; do
		echo " $st " | tr ';\n' '  ' | grep -q " $flag " || fail "$1: stty lacks $flag after exit"
	done
}
# Wait until the pane is w columns wide and the program has redrawn for it.
wait_width() { # w
	i=0
	while [ $i -lt 150 ]; do
		if [ "$(tm display -p -t xn '#{pane_width}')" = "$1" ] &&
			screen | grep -q 'h help' &&
			[ "$(widest)" -le "$1" ] && [ "$(widest)" -gt $(($1 - 10)) ]; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	fail "the screen was not redrawn for width $1:"
	screen | sed 's/^/    | /'
	return 1
}
order() { screen | grep -o 'vm-000[0-9]' | tr '\n' ' '; }

# --- a recording at 120x40: sort, filter, read-only affinity, resize, q
start rec 120 40 "--replay $FIX/good-2node.jsonl -d 60"
wait_for 'vm-0003' && {
	screen | grep -q 'NAME' || fail "no table header"
	screen | grep -q 'LOCAL%' || fail "no LOCAL% column"
	screen | grep -Eq '^N1 ' || fail "no node panel row for N1"
	[ "$(order)" = "vm-0001 vm-0002 vm-0003 " ] || fail "initial order by name: $(order)"
	keys R
	wait_for 'order descending'
	[ "$(order)" = "vm-0003 vm-0002 vm-0001 " ] || fail "R did not reverse: $(order)"
	keys R s
	wait_for 'sorted by STATE'
	keys '>'
	wait_for 'sorted by CPU\(sec\), descending'
	# recorded cpu_ns: vm-0001 846 s, vm-0003 793 s, vm-0002 659 s
	[ "$(order)" = "vm-0001 vm-0003 vm-0002 " ] || fail "sort by CPU(sec): $(order)"
	keys / 0 0 0 2 Enter
	wait_for 'filter "0002"'
	[ "$(order)" = "vm-0002 " ] || fail "filter did not hide rows: $(order)"
	keys / Escape
	wait_for 'vm-0003'
	keys a
	wait_for 'replay source is read-only'
	# A on a recording: refused, with the reason
	keys A
	wait_for 'the replay source is read-only: advice cannot be applied'
	# v: one row per vCPU under each domain (vm-0001 has 6); v again hides them
	keys v
	wait_for 'vCPU 5 +CPU'
	[ "$(screen | grep -c 'vCPU [0-9]')" -ge 6 ] || fail "v: fewer than 6 vCPU rows"
	keys v
	wait_for 'vCPU rows hidden'
	screen | grep -q 'vCPU 0 ' && fail "v did not hide the vCPU rows"
	# Enter: the detail view of the selected domain; Esc returns (and does not quit)
	keys Enter
	wait_for '^Domain vm-000[1-3] \(id [0-9]+\)'
	screen | grep -q 'Pages per node' || fail "detail: no pages per node"
	screen | grep -q '^Advice:' || fail "detail: no advice line"
	screen | grep -Eq '^ +VCPU +CPU +NODE' || fail "detail: no vCPU list"
	keys Escape
	wait_for 'NAME .*LOCAL% +ADVICE'
	screen | grep -q 'Pages per node' && fail "Esc did not close the detail view"
	kill -0 "$(cat "$tmp/rec.pid")" 2>/dev/null || fail "Esc in the detail view quit"
	keys Enter
	wait_for 'Pages per node'
	keys Enter
	wait_for 'NAME .*LOCAL% +ADVICE'
	keys H
	wait_for 'legend'
	keys H h
	wait_for 'keys'
	screen | grep -q 'change the selected domain' || fail "help lacks the affinity key"
	for k in 'V v ' 'Enter ' 'A ' 'Q q F10 '; do
		screen | grep -q "^ $k" || fail "help lacks the key $k"
	done
	keys Space
	tm resize-window -t xn -x 80 -y 24
	wait_width 80
	screen | grep -q 'NAME' || fail "80x24: no table header"
	screen | grep -q 'vm-0001' || fail "80x24: no rows"
	tm resize-window -t xn -x 40 -y 10
	wait_for 'terminal too small: 40x10, need 60x12'
	tm resize-window -t xn -x 120 -y 40
	wait_for 'vm-0001'
	keys q
	check_exit rec
}

# --- --read-only forbids A as it forbids a (before any question is asked)
start roa 100 30 "--replay $FIX/good-2node.jsonl --read-only -d 60"
wait_for 'vm-0003' && {
	keys A
	wait_for 'read-only mode \(--read-only\): advice cannot be applied'
	keys a
	wait_for 'read-only mode \(--read-only\): affinity cannot be changed'
	screen | grep -q '\[y/n\]' && fail "--read-only: a question was asked"
	keys q
	check_exit roa
}

# --- --columns on the screen, and the chooser 'c': STATE hidden at start
# comes back with Space on its line (the second, after NAME), Esc closes
# without quitting, and Space again hides it
start cols 120 40 "--replay $FIX/good-2node.jsonl -d 60 --columns 'NAME,MEM(k),LOCAL%'"
wait_for 'vm-0003' && {
	hdr() { screen | grep -E '^ *NAME '; }
	hdr | grep -Eq '^ *NAME +MEM\(k\) +LOCAL% *$' || fail "--columns on the screen: $(hdr)"
	keys c
	wait_for 'xentop-numa - columns'
	screen | grep -Eq '^ \[x\] +- +NAME +always shown' || fail "chooser: no NAME line"
	screen | grep -Eq '^ \[ \] +1 +STATE +hidden' || fail "chooser: STATE not hidden second"
	screen | grep -Eq '^ \[x\] +[0-9]+ +LOCAL% +shown' || fail "chooser: LOCAL% not shown"
	keys s
	wait_for 'columns: Space shows / hides, Esc closes'
	keys Down Space
	wait_for 'STATE shown'
	screen | grep -Eq '^ \[x\] +1 +STATE ' || fail "chooser: Space did not mark STATE"
	keys Escape
	wait_for '^ *NAME +STATE +MEM\(k\) +LOCAL% *$'
	kill -0 "$(cat "$tmp/cols.pid")" 2>/dev/null || fail "Esc in the chooser quit"
	keys c
	wait_for 'xentop-numa - columns'
	keys Space c
	wait_for '^ *NAME +MEM\(k\) +LOCAL% *$'
	keys q
	check_exit cols
}

# --- colour by default; NO_COLOR and a non-UTF-8 locale: monochrome glyph
# ramp and ASCII only
colours='\[(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+)m'
start col 120 40 "--replay $FIX/good-2node.jsonl -d 60"
wait_for 'vm-0003' && {
	tm capture-pane -e -p -t xn | grep -Eq "$colours" || fail "no colours by default"
	keys q
	check_exit col
}
PANE_ENV="NO_COLOR=1 LC_ALL=C"
start mono 120 40 "--replay $FIX/good-2node.jsonl -d 60"
PANE_ENV=""
wait_for 'vm-0003' && {
	tm capture-pane -e -p -t xn | grep -Eq "$colours" && fail "colours despite NO_COLOR"
	screen | LC_ALL=C grep -q '[^ -~]' && fail "non-ASCII output in the C locale"
	screen | grep -Eq '^N0 .*#+\.*  *[0-9]+%' || fail "no ASCII bar for N0"
	screen | grep -Eq 'vm-0001 .*[%@#*+=:.-]{3,}' || fail "no glyph ramp in the heat cells"
	keys q
	check_exit mono
}

# --- a corrupt recording: the replay source skips the bad lines and names
# them on stderr when it opens (visible again when the screen ends); the
# screen steps through the valid samples and ends normally
start bad 120 40 "--replay $FIX/corrupt-mixed.jsonl -d 60"
wait_for 'vm-0001' && {
	keys ']'
	wait_for 'stepped forward'
	keys ']' ']' ']' '['
	wait_for 'stepped back'
	kill -0 "$(cat "$tmp/bad.pid")" 2>/dev/null || fail "the TUI died on a corrupt recording"
	keys q
	check_exit bad
	screen | grep -q 'corrupt-mixed.jsonl:2: ' || fail "the bad line 2 was not named"
}
# ...and on the status line as well as on stderr
start badst 120 40 "--replay $FIX/corrupt-mixed.jsonl -d 60"
wait_for '10 invalid lines skipped \(line 2: ' && { keys q; check_exit badst; }
# ...and a recording cut in the middle of a line plays to its end
start trunc 120 40 "--replay $FIX/truncated.jsonl -d 0.1"
wait_for 'end of the recording|truncated.jsonl:4' && { keys q; check_exit trunc; }

# --- SIGINT (Ctrl-C), SIGTERM and -n restore the terminal too
start int 100 30 "--replay $FIX/good-2node.jsonl -d 60"
wait_for 'vm-0001' && { keys C-c; check_exit int; }
start term 100 30 "--replay $FIX/good-2node.jsonl -d 60"
wait_for 'vm-0001' && { kill -TERM "$(cat "$tmp/term.pid")"; check_exit term; }
# SIGSEGV and SIGABRT restore the terminal, then die of the signal (the
# default action: exit status 128 + the signal's number)
for sn in SEGV:11 ABRT:6; do
	sig=${sn%:*} num=${sn#*:}
	start "crash$sig" 100 30 "--replay $FIX/good-2node.jsonl -d 60"
	wait_for 'vm-0001' && {
		kill -"$sig" "$(cat "$tmp/crash$sig.pid")"
		wait_for "XN-SHELL-BACK-crash$sig" && {
			want=$((128 + num))
			grep -q "^EXIT=$want\$" "$tmp/crash$sig.exit" ||
				fail "SIG$sig: $(cat "$tmp/crash$sig.exit"), expected $want"
			st=$(cat "$tmp/crash$sig.stty")
			for flag in icanon echo isig icrnl opost; do
				echo " $st " | tr ';\n' '  ' | grep -q " $flag " ||
					fail "SIG$sig: stty lacks $flag after the crash"
			done
			[ "$(tm display -p -t xn '#{alternate_on}')" = 0 ] ||
				fail "SIG$sig: the terminal is left in the alternate screen"
		}
	}
done
# Esc alone never quits (Alt+key arrives as Esc): it says how to; F1 opens
# the help, which says how to close it; Esc closes it; F10 quits
start esc 100 30 "--replay $FIX/good-2node.jsonl -d 60"
wait_for 'vm-0001' && {
	keys Escape
	wait_for 'q or F10 quits'
	kill -0 "$(cat "$tmp/esc.pid")" 2>/dev/null || fail "Esc quit"
	keys F1
	wait_for 'Esc, q or F1 closes'
	keys Escape
	wait_for 'vm-0001'
	keys F10
	check_exit esc
}
# xentop's keys in capitals: S sorts, D opens the delay prompt, an unknown key
# says so, Q quits
start xkeys 120 40 "--replay $FIX/good-2node.jsonl -d 60"
wait_for 'vm-0001' && {
	keys S
	wait_for 'sorted by STATE'
	keys S
	wait_for 'sorted by CPU\(sec\)'
	keys D
	wait_for 'delay in seconds \(now '
	keys Escape
	keys j
	wait_for 'unknown key j: h for help'
	kill -0 "$(cat "$tmp/xkeys.pid")" 2>/dev/null || fail "an unknown key quit"
	keys Q
	check_exit xkeys
}
# --refreshes 3: three refreshes, each recorded (--record) as one JSON line
start iter 100 30 "--replay $FIX/good-2node.jsonl -d 0.1 --refreshes 3 --record $tmp/rec.jsonl"
check_exit iter
[ "$(wc -l <"$tmp/rec.jsonl")" = 3 ] || fail "-n 3 --record wrote $(wc -l <"$tmp/rec.jsonl") lines"
[ "$(grep -o '"time":"[^"]*"' "$tmp/rec.jsonl")" = "$(head -n 3 $FIX/good-2node.jsonl | grep -o '"time":"[^"]*"')" ] ||
	fail "the recording does not start with the samples shown"

# --- a recording that cannot be written: exit 1 with the reason, terminal sane
if [ -w /dev/full ]; then
	start full 100 30 "--replay $FIX/good-2node.jsonl -d 0.1 --record /dev/full"
	wait_for "XN-SHELL-BACK-full" && {
		grep -q '^EXIT=1$' "$tmp/full.exit" || fail "--record /dev/full: $(cat "$tmp/full.exit")"
		screen | grep -q 'xentop-numa: cannot write the recording' ||
			fail "no reason given for the failed recording"
		echo " $(cat "$tmp/full.stty") " | tr ';\n' '  ' | grep -q ' icanon ' ||
			fail "stty not restored after a write error"
	}
fi

# --- the linux source on a real child process
node0=/sys/devices/system/node/node0/cpulist
if [ -r "$node0" ] && command -v taskset >/dev/null; then
	taskset -c 0 sleep 300 &
	child=$!
	xn_track $child
	allowed() { awk '/^Cpus_allowed_list/ {print $2}' "/proc/$child/status"; }
	i=0
	while [ "$(allowed)" != 0 ] && [ $i -lt 50 ]; do # taskset has not run yet
		sleep 0.1
		i=$((i + 1))
	done
	before=$(allowed)
	start lin 120 40 "--source linux --top 0 --pid $child -d 1"
	if wait_for "sleep"; then
		keys / s l e e p Enter a 9
		wait_for 'node 9 does not exist \(valid nodes: '
		keys Enter
		keys Escape
		# once the status line says so, both keys have been handled
		wait_for 'affinity unchanged'
		[ "$(allowed)" = "$before" ] || fail "an invalid node list changed the affinity"
		keys a 0 Enter
		wait_for 'apply node affinity 0 to sleep'
		[ "$(allowed)" = "$before" ] || fail "affinity changed before confirmation"
		keys y
		wait_for '^sleep: '
		[ "$(allowed)" = "$(cat $node0)" ] ||
			fail "Cpus_allowed_list is $(allowed), want node 0's $(cat $node0)"
		keys q
		check_exit lin
	fi
	start ro 120 40 "--source linux --top 0 --pid $child --read-only -d 1"
	wait_for 'sleep' && {
		keys / s l e e p Enter a
		wait_for 'read-only mode \(--read-only\)'
		keys A
		wait_for 'read-only mode \(--read-only\): advice cannot be applied'
		keys q
		check_exit ro
	}
else
	skip_part "linux affinity on the screen: no /sys node 0 or no taskset"
fi

xn_finish tui
