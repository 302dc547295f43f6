# A recording of this host with its guests, copied out as an example
# (build/vm/NAME-out/); it must replay.
. /checks/lib.sh
need_xn
n=$(xl_nodes | wc -l)
f=/out/xen-${n}node.jsonl
"$XN" -b --source xen -d 1 -i 4 --debugkey-interval 2 --record "$f" >/dev/null ||
	fail "recording failed"
same "samples recorded" 4 "$(wc -l <"$f")"
"$XN" --source replay --replay "$f" -b -i 4 >/tmp/replay.txt || fail "replay of $f failed"
head -n 5 /tmp/replay.txt
[ $bad = 0 ] || fail "$bad differences"
