# xn-timeout: 600
# Free pages per node and heap zone: xentop-numa's host.zones vs debug key
# 'H' (heap[node=N][zone=Z] -> P pages), to the page, at a quiet moment
# ('H' equal before and after the sample); then the screen as a user sees
# it (the program under tmux; key z's zones, on from the start): the free MiB it shows per node below
# and above 4 GiB ("<4G", ">4G") equal the sums of 'H's zones <= 20 and
# > 20 (zone 20 ends at 4 GiB), again between two equal 'H' dumps.
. /checks/lib.sh
need_xn
heap() { xen_debugkey H | sed -n 's/^heap\[node=\([0-9]*\)\]\[zone=\([0-9]*\)\] -> \([0-9]*\) pages/\1 \2 \3/p'; }
end=$(($(now) + 300)) t=0
while :; do
	t=$((t + 1))
	heap >/tmp/heap.before
	snap
	heap >/tmp/heap
	[ -s /tmp/heap ] || fail "no heap lines from debug key H"
	cmp -s /tmp/heap.before /tmp/heap && { echo "quiet sample after $t tries ('H' equal before and after)"; break; }
	[ "$(now)" -lt "$end" ] || {
		diff /tmp/heap.before /tmp/heap
		fail "timed out after 300 s waiting for a quiet moment ('H' equal before and after a sample)"
	}
	sleep 1
done
sj '.host.nodes[] | .id as $n | .zones[] | "\($n) \(.name) \(.free_pages)"' >/tmp/ourzones
cat /tmp/ourzones
[ -s /tmp/ourzones ] || fail "xentop-numa lists no zones"
# Both ways: every zone 'H' shows with free pages is listed with exactly
# that many; every zone listed is one of 'H's, with the same figure.
awk '$3 > 0 { print $1, "z" $2, $3 }' /tmp/heap | sort >/tmp/h.want
awk '$3 > 0' /tmp/ourzones | sort >/tmp/h.got
if cmp -s /tmp/h.want /tmp/h.got; then
	echo "ok   free pages of $(wc -l </tmp/h.want) zones equal 'H'"
else
	echo "DIFF zones ('H' <, xentop-numa >):"
	diff /tmp/h.want /tmp/h.got
	bad=$((bad + 1))
fi
[ $bad = 0 ] || fail "$bad differences from debug key H"

# --- the screen: zones grouped below and above 4 GiB (key z, on by default)
command -v tmux >/dev/null || skip "tmux is not in the lab image (install tmux on the host): the <4G/>4G screen is not checked"
# The client checks its own terminal too: the console's "linux" has no
# terminfo entry in the image, "screen" has.
tm() { TERM=screen TERMINFO=/usr/share/terminfo tmux -S /tmp/tmux.sock "$@"; }
trap 'tm kill-server 2>/dev/null' EXIT
# Sampled every second; the pages are left to 'u' every 60 s (not needed here).
tm -f /dev/null new-session -d -s xn -x 200 -y 40 \
	"env TERM=screen TERMINFO=/usr/share/terminfo $XN --source xen -d 1 --debugkey-interval 60" ||
	fail "tmux new-session failed"
screen() { tm capture-pane -p -t xn 2>/dev/null; }
shows() { screen | grep -Eq -- "$1"; }
wait_until 120 "the screen's node panel (a line 'N0 ...')" shows '^N[0-9]+ ' ||
	{ screen; fail "the program did not draw its screen"; }
# Zones are shown from the start (key z hides them).
wait_until 60 "'<4G' on the screen" shows '<4G' || { screen; fail "the screen shows no <4G zone"; }
# "<4G MiB >4G MiB" per node from the screen: node lines start "N<id> ".
from_screen() {
	screen | awk '/^N[0-9]+ / { id = substr($1, 2); lo = "-"; hi = "-"
		for (i = 1; i < NF; i++) { if ($i == "<4G") lo = $(i + 1); if ($i == ">4G") hi = $(i + 1) }
		print id, lo, hi }'
}
# The same from 'H': pages summed per node and side, as MiB rounded like the
# screen (%.0f); a side without free pages is not shown ("-") (the program
# lists a zone once it has had free pages).
from_heap() {
	awk '$3 > 0 { if ($2 <= 20) lo[$1] += $3; else hi[$1] += $3 } { seen[$1] = 1 }
		END { for (n in seen) printf "%s %s %s\n", n,
			(n in lo) ? sprintf("%.0f", lo[n] * 4096 / 1048576) : "-",
			(n in hi) ? sprintf("%.0f", hi[n] * 4096 / 1048576) : "-" }' /tmp/heap | sort -n
}
line1() { screen | head -n 1; }
end=$(($(now) + 300)) t=0
while :; do
	t=$((t + 1))
	heap >/tmp/heap.before
	# A sample drawn after this 'H': line 1 (the sample's time, to the
	# second) changes from what it says now.
	l0=$(line1)
	newer() { [ "$(line1)" != "$l0" ]; }
	wait_until 60 "a new sample on the screen (line 1 changes from '$l0')" newer ||
		fail "the screen stopped refreshing"
	from_screen >/tmp/z.screen
	heap >/tmp/heap
	cmp -s /tmp/heap.before /tmp/heap && break
	[ "$(now)" -lt "$end" ] || fail "timed out after 300 s waiting for a quiet moment on the screen ('H' equal before and after)"
done
screen | grep -E '^N[0-9]+ '
from_heap >/tmp/z.want
same "free MiB per node below and above 4 GiB ('id <4G >4G')" "$(tr '\n' ';' </tmp/z.want)" \
	"$(sort -n /tmp/z.screen | tr '\n' ';')"
[ $bad = 0 ] || fail "$bad differences from debug key H"
