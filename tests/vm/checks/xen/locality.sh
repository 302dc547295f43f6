# xn-timeout: 600
# LOCAL% and the per-node deltas, each sample of a batch run against figures
# computed here from Xen's own output: the 'u' dumps the program pressed
# (one per sample, read back from the console ring after the run, parsed by
# this script) and the vCPU positions of `xl vcpu-list`, which cannot move
# during the run: dom0's vCPUs hard-pinned one CPU each (three on the first
# node, one on the last: LOCAL% = (3 pages_first + pages_last) / (4 total),
# which neither the first vCPU alone nor reversed nodes give), paused
# guests' vCPUs where they last ran. LOCAL% is, per the man page, the mean
# over vCPUs with a known node of (pages on that vCPU's node / all pages).
# Between the samples a paused guest gets 4096 pages on exactly the last
# node, then gives them back: its node_delta must be +4096 and -4096 there
# (exactly dump k - dump k-1 for every domain in every case).
. /checks/lib.sh
need_xn
probe=/usr/libexec/xn/pageop_probe
[ -x $probe ] || skip "helper pageop_probe is not in the image (make tests-bin with libxen-dev)"
nA=$(xl_nodes | head -n 1) nB=$(xl_nodes | tail -n 1)
[ "$nA" != "$nB" ] || skip "one node: every LOCAL% is 100"
xen_cpunode
cA=$(awk -v n="$nA" '$2 == n { print $1 }' /tmp/cpunode | tr '\n' ' ')
cB=$(awk -v n="$nB" '$2 == n { print $1; exit }' /tmp/cpunode)
g=xnA
xl domid $g >/dev/null 2>&1 || { g=xnL; make_guest $g 64 64 "$nA" -p || fail "xl create $g failed"; }
gid=$(domid_of $g)
xl mem-max $g "$(($(xl list $g | awk 'NR == 2 { print $3 }') + 64))m" || fail "xl mem-max $g"

# dom0's vCPUs: 0..2 on the first node's CPUs (in turn), 3.. on the last's.
trap 'xl vcpu-pin 0 all all' EXIT
nd=$(xl vcpu-list 0 | awk 'NR > 1' | wc -l)
[ "$nd" -ge 2 ] || skip "dom0 has one vCPU"
v=0
: >/tmp/pins
while [ $v -lt "$nd" ]; do
	if [ $v -lt $((nd - 1)) ] && [ $v -lt 3 ]; then
		set -- $cA
		shift $((v % $#))
		c=$1
	else
		c=$cB
	fi
	xl vcpu-pin 0 $v "$c" || fail "xl vcpu-pin 0 $v $c"
	echo "0 $v $c" >>/tmp/pins
	v=$((v + 1))
done
# "domid vcpu cpu" of online vCPUs (xl vcpu-list: Name ID VCPU CPU State ...).
vlist() { xl vcpu-list | awk 'NR > 1 && $2 ~ /^[0-9]+$/ && $4 != "-" { print $2, $3, $4 }' | sort; }
pinned() { vlist | awk '$1 == 0' | cmp -s - /tmp/pins; }
wait_until 120 "dom0's vCPUs to run on the CPUs they were pinned to" pinned ||
	{ xl vcpu-list 0; fail "dom0's vCPUs did not move to their pinned CPUs"; }
xl vcpu-list
paused=$(xl list | awk 'NR > 2 && $5 ~ /p/ { print $2 }' | tr '\n' ' ')
echo "paused guests (their vCPUs stay put): $paused"
case " $paused " in *" $gid "*) ;; *) fail "setup: $g is not paused" ;; esac

ndumps() { xl dmesg | grep -c "'u' pressed"; }
has_dumps() { [ "$(ndumps)" -ge "$1" ]; }
xl dmesg -c >/dev/null
vlist >/tmp/vl.before
rm -f /tmp/give.mfn
"$XN" -b --source xen --format json -d 4 -i 3 --debugkey-interval 0.1 >/tmp/loc.jsonl 2>/tmp/loc.err &
pid=$!
wait_until 120 "the batch run's first 'u' dump in the console ring" has_dumps 1 || fail "no first sample"
$probe populate "$gid" "$nB" 4096 /tmp/give.mfn || fail "populate $g with 4096 pages on node $nB"
in1=$(ndumps)
wait_until 120 "the batch run's second 'u' dump" has_dumps 2 || fail "no second sample"
$probe depopulate "$gid" /tmp/give.mfn || fail "give back $g's 4096 pages"
in2=$(ndumps)
ended() { ! kill -0 $pid 2>/dev/null; }
wait_until 120 "the batch run (3 samples, 4 s apart) to end" ended || fail "the batch run did not end"
wait $pid || fail "xentop-numa -b exited $?: $(cat /tmp/loc.err)"
vlist >/tmp/vl.after
xl mem-max $g "$(($(xl list $g | awk 'NR == 2 { print $3 }')))m"
# "dump domid node pages" from the ring, dumps numbered from 1.
xl dmesg | sed 's/^(XEN) //' | awk '
	index($0, "'"'"'u'"'"' pressed") { k++; next }
	/^Domain [0-9]+ \(total/ { d = $2; next }
	/^d[0-9]+ \(total/ { d = substr($1, 2); next }
	/^ *Node [0-9]+:/ && k { sub(":", "", $2); print k, d, $2, $3 }' >/tmp/dumps
same "'u' dumps during the run = samples" 3 "$(ndumps)"
same "samples written" 3 "$(wc -l </tmp/loc.jsonl)"
same "pages method (dom0)" "debugkey_u debugkey_u debugkey_u " \
	"$(jq -r '.domains[] | select(.id == 0) | .pages_method' /tmp/loc.jsonl | tr '\n' ' ')"
cmp -s /tmp/vl.before /tmp/vl.after || { diff /tmp/vl.before /tmp/vl.after; fail "vCPUs moved during the run"; }
# Domains whose vCPUs could not move: dom0 (pinned) and the paused ones.
fixed="0 $paused"
# Per sample: "domid node pages" (by node id), node_delta likewise, locality.
k=0
while [ $k -lt 3 ]; do
	k=$((k + 1))
	sed -n "${k}p" /tmp/loc.jsonl >/tmp/s.json
	jq -r '.host.nodes as $n | .domains[] | .id as $d | (.node_pages // [])
		| to_entries[] | "\($d) \($n[.key].id) \(.value)"' /tmp/s.json | sort >/tmp/got.pages
	awk -v k=$k '$1 == k { print $2, $3, $4 }' /tmp/dumps | sort >/tmp/want.pages
	same "sample $k: pages per domain and node = dump $k" "$(tr '\n' ';' </tmp/want.pages)" \
		"$(tr '\n' ';' </tmp/got.pages)"
	jq -r '.host.nodes as $n | .domains[] | .id as $d | if .node_delta == null then "\($d) null"
		else (.node_delta | to_entries[] | "\($d) \($n[.key].id) \(.value)") end' /tmp/s.json |
		sort >/tmp/got.delta
	if [ $k = 1 ]; then
		awk '{ print $1, "null" }' /tmp/got.pages | sort -u >/tmp/want.delta
	else
		# dump k - dump k-1, for the domains in both.
		awk -v k=$k '$1 == k - 1 { p[$2 " " $3] = $4 } $1 == k && (($2 " " $3) in p) { print $2, $3, $4 - p[$2 " " $3] }' \
			/tmp/dumps | sort >/tmp/want.delta
	fi
	same "sample $k: node_delta = dump $k - dump $((k - 1))" "$(tr '\n' ';' </tmp/want.delta)" \
		"$(tr '\n' ';' </tmp/got.delta)"
	for d in $fixed; do
		want=$(awk -v k=$k -v d="$d" 'FILENAME == "/tmp/cpunode" { node[$1] = $2; next }
			FILENAME == "/tmp/dumps" { if ($1 == k && $2 == d) { pg[$3] = $4; tot += $4 }; next }
			$1 == d { s += pg[node[$3]] / tot; n++ }
			END { if (n && tot) printf "%.12f\n", 100 * s / n; else print "null" }' \
			/tmp/cpunode /tmp/dumps /tmp/vl.before)
		got=$(jq -r --argjson d "$d" '.domains[] | select(.id == $d) | .locality' /tmp/s.json)
		if awk -v a="$want" -v b="$got" 'BEGIN { d = a - b; exit !(a != "null" && d < 1e-9 && -d < 1e-9) }' ||
			[ "$want$got" = nullnull ]; then
			echo "ok   sample $k: domain $d LOCAL% $got ('u' + xl vcpu-list: $want)"
		else
			same "sample $k: domain $d LOCAL%" "$want" "$got"
		fi
	done
done
# The guest's own deltas: +4096 then -4096 on the last node (when each
# hypercall finished before the next dump: it did if the count had not moved).
gd() { jq -r --argjson d "$gid" --argjson n "$nB" '(.host.nodes | map(.id) | index($n)) as $i |
	.domains[] | select(.id == $d) | .node_delta[$i]' "$1"; }
sed -n 2p /tmp/loc.jsonl >/tmp/s2.json
sed -n 3p /tmp/loc.jsonl >/tmp/s3.json
[ "$in1" = 1 ] && same "$g's node $nB delta after 4096 pages given" 4096 "$(gd /tmp/s2.json)"
[ "$in2" = 2 ] && same "$g's node $nB delta after they were given back" -4096 "$(gd /tmp/s3.json)"
[ $bad = 0 ] || fail "$bad differences"
