#!/bin/sh
# xn-timeout: 900
# Runs inside dom0 of the self-built hypervisor (the page op, shadow paging
# for PV log-dirty): `xentop-numa --balance` (issue 20) on three PV guests
# whose memory is all on node 0, checked with Xen's own tools (the op's
# per-node counts, `xl list`, `xl vcpu-list`), never with xentop-numa:
#  ga  vCPU on node 1 by soft affinity only: fixable by vCPUs. The balancer
#      sets its soft affinity to node 0 ("done", action vcpus); no memory
#      moves (same domain id, every page still on node 0).
#  gb  vCPU hard-pinned to node 1 (the policy's hard-affinity on): only a
#      memory move fixes it. Run 1, memory-max-move 64M: skipped with that
#      reason, nothing started. Run 2: SIGTERM while its live move runs:
#      the move is cancelled, the guest runs on under its name and id, its
#      op counts sum to its tot_pages (`xl list`) and are all on node 0,
#      the log and the state file say "failed", exit 0 (BALANCING). Run 3:
#      the move runs to its end: a new domain id, every page on node 1 by
#      the op, the log's pages equal to the op's, its hard affinity still
#      node 1 (the pin was set live: `xl list -l` does not carry it).
#  gc  like ga but excluded by the policy: skipped, never touched (same id,
#      same affinity, same pages), in every run. Domain-0's affinity
#      unchanged. gc stays paused: it needs no CPU to be misplaced.
# Seconds of each part are printed ("BALANCE" lines). In make check (the
# pageop machine, after pageop-move.sh) since its settle went from 20 to
# 8 s: a vCPU step is measured once Xen has run the vCPU on its new node,
# which the 'u'-free op shows at the next sample; a memory step once the
# move ended. Its first pass took 413 s of a loaded lab; alone:
#   XN_GEN=4.17 XN_NODES=2 XN_XEN_IMAGE=$(XN_GEN=4.17 sh tests/vm/build-xen.sh) \
#     sh tests/vm/boot.sh xen pageop tests/vm/checks/pageop/pageop.sh \
#     tests/vm/checks/pageop/pageop-balance.sh
PAGEOP_LIB_ONLY=1
# shellcheck source=tests/vm/checks/pageop/pageop.sh
. "$(ls /checks/[0-9]*-pageop.sh | head -n 1)"
need_xn
pageop_need
xl info | grep -q '^virt_caps.* shadow' || skip "this Xen has no shadow paging (virt_caps)"
t_check=$(now)

# "cpu node" per CPU, and a node's CPUs as xl prints a list ("2-3").
xen_cpunode
# A CPU list as xl prints it ("0-1,3") as single CPUs ("0,1,3").
expand() {
	echo "$1" | awk -F, '{ for (i = 1; i <= NF; i++) {
		if (split($i, r, "-") != 2) r[2] = r[1] = $i
		for (c = r[1] + 0; c <= r[2] + 0; c++) { printf "%s%d", s, c; s = "," } } print "" }'
}
c0=$(cpus_of 0) c1=$(cpus_of 1)
[ -n "$c0" ] && [ -n "$c1" ] || fail "not two nodes with CPUs: $(xl info -n)"

guest() { # name MiB: 1 vCPU, memory on node 0 (soft affinity at creation)
	pageop_guest_cfg "$1" "$2" "$2" | sed 's/^on_crash = .*/on_crash = "preserve"/' >"/etc/xen/$1.cfg"
	echo 'cpus_soft = "node:0"' >>"/etc/xen/$1.cfg"
	xl create -q -p "/etc/xen/$1.cfg" || fail "xl create $1"
}
# the guests go whatever the outcome: the checks after this one count domains
trap 'for g in ga gb gc; do xl destroy $g 2>/dev/null; done' EXIT
guest ga 128
guest gb 128
guest gc 128
xl vcpu-pin ga all all "$c1" || fail "soft affinity of ga"
xl vcpu-pin gc all all "$c1" || fail "soft affinity of gc"
xl vcpu-pin gb all "$c1" all || fail "hard affinity of gb"
xl unpause ga
xl unpause gb
ida=$(domid_of ga) idb=$(domid_of gb) idc=$(domid_of gc)

# `xl vcpu-list` of one domain as "cpu hard soft" lines.
vl() { xl vcpu-list "$1" | awk 'NR > 1 { print $4, $(NF - 2), $NF }'; }
# Every vCPU of the domain online on that node's CPUs.
on_node() { # name node
	vl "$1" >/tmp/vl.d
	[ -s /tmp/vl.d ] || return 1
	while read -r cpu _ _; do
		[ "$cpu" != - ] && [ "$(node_of "$cpu")" = "$2" ] || return 1
	done </tmp/vl.d
}
# The op's "total n0 n1" of a domain.
op() { $PAGEOP query "$1" | awk '{ print $2, $3, $4 }'; }
# The op's counts sum to the domain's tot_pages, and `xl list` shows that
# much memory (MiB, 4 KiB pages).
whole() { # name id
	set -- "$1" "$2" "$(op "$2")" "$(xl list "$1" | awk 'NR == 2 { print $3 }')"
	echo "$3" | awk -v mem="$4" -v n="$1" '{ if ($2 + $3 != $1 || $1 != mem * 256) {
		print "FAIL: " n ": op total " $1 ", node 0 + node 1 = " $2 + $3 ", xl list " mem " MiB"; exit 1 } }'
}
all_on() { # id node: every page on that node by the op
	op "$1" | awk -v n="$2" '{ exit !($1 > 0 && $(n + 2) == $1) }'
}
for g in "ga $ida" "gb $idb" "gc $idc"; do
	set -- $g
	echo "$1 (d$2) before: op total n0 n1 = $(op "$2")"
	all_on "$2" 0 || fail "$1's memory is not all on node 0 to start with"
done
wait_until 60 "ga's vCPU on node 1" on_node ga 1 || fail "ga's vCPU is not on node 1"
vl gc >/tmp/gc.vl
vl 0 | awk '{ print $2, $3 }' >/tmp/dom0.vl
opc=$(op "$idc")

# The balancer: JSON lines on /tmp/balN.log; short window and settle (the
# defaults are minutes); gc excluded; hard-affinity on for gb.
bal_start() { # run memory-max-move
	log=/tmp/bal$1.log state=/tmp/bal$1.state
	"$XN" --balance --source xen -d 1 --format json --balance-window 3s --balance-settle 8s \
		--balance-memory on --balance-memory-max-move "$2" --balance-hard-affinity on \
		--balance-exclude gc --balance-state-file "$state" >"$log" 2>"$log.err" &
	balpid=$! t_run=$(now)
}
# "event action nodes pages reason" of a guest's events.
events() { jq -rR --arg n "$1" 'fromjson? | select(.name == $n) |
	"\(.event) \(.action) \(.nodes) \(.pages) \(.reason)"' "$log"; }
has() { events "$1" | grep -q "^$2 "; }
bal_stop() { # SIGTERM; exit status in $balrc, seconds to exit in $balsecs
	s0=$(cut -d' ' -f1 /proc/uptime)
	kill -TERM "$balpid"
	# wait returns as it exits: a poll once a second (each turn a fork of
	# sleep and of cut under TCG) could not tell 0.1 s from 3 s, and read
	# 4.1 s once. The watchdog is the deadline.
	(
		sleep 60
		kill -KILL "$balpid" 2>/dev/null
	) &
	dog=$!
	wait "$balpid"
	balrc=$?
	balsecs=$(awk -v a="$s0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.2f", b - a }')
	kill "$dog" 2>/dev/null
	[ "$balrc" != 137 ] || fail "--balance still ran 60 s after SIGTERM"
	echo "--- log of run $run:"
	cat "$log" "$log.err"
	echo "--- state file: $(cat "$state" 2>/dev/null)"
	echo "BALANCE run$run $(($(now) - t_run)) s; exit $balrc $balsecs s after SIGTERM"
	[ "$balrc" = 0 ] || fail "run $run: --balance exited $balrc after SIGTERM, expected 0 (BALANCING)"
}
untouched() { # gc and Domain-0, in every run
	[ "$(domid_of gc)" = "$idc" ] || fail "run $run: gc was re-created"
	[ "$(op "$idc")" = "$opc" ] || fail "run $run: gc's pages changed: $opc -> $(op "$idc")"
	vl gc | cmp -s - /tmp/gc.vl || fail "run $run: gc's vCPUs changed: $(vl gc)"
	vl 0 | awk '{ print $2, $3 }' | cmp -s - /tmp/dom0.vl || fail "run $run: Domain-0's affinity changed"
	events gc | grep -qv '^skipped ' && fail "run $run: an event other than skipped for gc"
	return 0
}

# Run 1: ga fixed by its vCPUs; gb over the size cap; gc excluded.
run=1
bal_start 1 64M
r1() { { has ga "done" || has ga failed || has ga reverted; } && has gb skipped && has gc skipped; }
wait_until 120 "ga's outcome and gb's and gc's skipped lines" r1 || { bal_stop; fail "run 1 did not end"; }
bal_stop
events ga | grep -q '^decide vcpus 0 ' || fail "ga: no decision to run its vCPUs on node 0"
events ga | grep -q '^done vcpus 0 0 ' || fail "ga: not done by its vCPUs with 0 pages moved"
[ "$(domid_of ga)" = "$ida" ] || fail "ga was re-created: memory moved"
all_on "$ida" 0 || fail "ga's pages left node 0: $(op "$ida")"
[ "$(expand "$(vl ga | awk '{ print $3 }')")" = "$c0" ] || fail "ga's soft affinity is not node 0 ($c0): $(vl ga)"
wait_until 30 "ga's vCPU on node 0" on_node ga 0 || fail "ga's vCPU does not run on node 0"
echo "ok   ga (d$ida): soft affinity $c0, vCPU on node 0, pages $(op "$ida") (total n0 n1)"
events gb | grep -q '^skipped memory 1 .*above memory-max-move 64 MiB' || fail "gb: no size-cap skip"
events gb | grep -qv '^skipped ' && fail "gb: an event other than skipped over the size cap"
[ "$(domid_of gb)" = "$idb" ] && all_on "$idb" 0 || fail "gb changed although over the cap"
events gc | grep -q '^skipped .*excluded by the policy' || fail "gc: no exclusion line"
untouched

# Run 2: SIGTERM during gb's live move.
run=2
wait_domu gb 300 || fail "gb did not come up in 300 s"
bal_start 2 1G
incoming() { xl list | grep -q 'gb--incoming'; }
wait_until 120 "gb's live move to start (gb--incoming)" incoming || { bal_stop; fail "no move of gb"; }
bal_stop
events gb | grep -q '^decide memory 1 ' || fail "gb: no memory decision"
events gb | grep -q '^failed memory 1 .*cancelled' || fail "gb: the log does not say the move was cancelled"
awk -F'\t' '$6 == "failed" && $3 == "memory"' "$state" | grep -q . ||
	fail "the state file has no failed memory line"
uuid=$(xl list -v gb | awk 'NR == 2 { print $7 }')
awk -F'\t' -v u="$uuid" '$8 == u' "$state" | grep -q . || fail "the state file does not name gb's UUID $uuid"
noinc() { ! xl list | grep -q -- '--incoming'; }
wait_until 60 "the --incoming copy to go" noinc || fail "an --incoming domain is left: $(xl list)"
[ "$(domid_of gb)" = "$idb" ] || fail "gb is not d$idb after the cancel: $(xl list)"
xl list gb | awk 'NR == 2 { exit !($5 ~ /^-*[rb]/) }' || fail "gb is not running: $(xl list gb)"
whole gb "$idb" || fail "gb's counts after the cancel"
all_on "$idb" 0 || fail "gb's pages are not all on node 0 after the cancel: $(op "$idb")"
echo "ok   gb (d$idb) after the cancel: $(op "$idb") (total n0 n1)"
untouched

# Run 3: gb's move runs to its end.
run=3
bal_start 3 1G
r3() { has gb "done" || has gb failed; }
wait_until 240 "gb's move to end" r3 || { bal_stop; fail "gb's move did not end"; }
bal_stop
events gb | grep -q '^done memory 1 ' || fail "gb: the move is not done"
idb2=$(domid_of gb) || fail "no gb after its move"
[ "$idb2" != "$idb" ] || fail "gb kept d$idb: not re-created"
xl list gb | awk 'NR == 2 { exit !($5 ~ /^-*[rb]/) }' || fail "gb is not running: $(xl list gb)"
noinc || fail "an --incoming domain is left: $(xl list)"
whole gb "$idb2" || fail "gb's counts after the move"
all_on "$idb2" 1 || fail "gb's pages are not all on node 1: $(op "$idb2")"
# LOCAL% after this memory step by Xen's own tools (its vCPU on node 1 by
# `xl vcpu-list`, its pages there by the op / all) against the decision's
# prediction, within 2 points (issue 19: a Xen memory step's prediction).
pred=$(jq -rR 'fromjson? | select(.name == "gb" and .event == "decide" and .action == "memory") |
	.predicted' "$log" | tail -n 1)
# gb's pin was set live (xl vcpu-pin), so `xl list -l` lacks it: the move
# pins the new domain to its target, never leaves it unpinned.
[ "$(expand "$(vl gb | awk '{ print $2 }')")" = "$c1" ] ||
	fail "gb's hard affinity is not node 1 ($c1) after its move: $(vl gb)"
wait_until 30 "gb's vCPU on node 1" on_node gb 1 || fail "gb's vCPU is not on node 1 after its move: $(vl gb)"
got=$(op "$idb2" | awk '{ printf "%.1f", $1 ? 100 * $3 / $1 : -1 }')
awk -v a="${pred:--100}" -v b="$got" 'BEGIN { d = a - b; exit !(d <= 2 && -d <= 2) }' ||
	fail "gb: LOCAL% after the move $got (op, xl vcpu-list), predicted '${pred:-none}'"
echo "ok   gb: LOCAL% after the move $got (op, xl vcpu-list), predicted $pred"
pages=$(events gb | awk '$1 == "done" { print $4 }')
same "gb pages moved (log) against the op's total" "$(op "$idb2" | cut -d' ' -f1)" "$pages"
[ $bad = 0 ] || fail "the log's pages differ from the op"
echo "ok   gb (d$idb2) moved: $(op "$idb2") (total n0 n1)"
untouched
echo "BALANCE check $(($(now) - t_check)) s"
