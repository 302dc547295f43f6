# A guest destroyed between samples leaves no error: batch keeps going,
# exit 0, nothing on stderr, the guest is listed before and not after.
. /checks/lib.sh
need_xn
xl domid xnC >/dev/null 2>&1 || make_guest xnC 96 96 - || fail "xl create xnC failed"
"$XN" -b --source xen -d 1 -i 10 --debugkey-interval 0.1 >/tmp/gone.out 2>/tmp/gone.err &
pid=$!
# Destroy it once the first sample has listed it, while the batch runs on.
i=0
until grep -q xnC /tmp/gone.out || [ $i -ge 60 ]; do
	sleep 1
	i=$((i + 1))
done
xl destroy xnC
at=$(grep -c '^ *NAME' /tmp/gone.out)
echo "destroyed xnC after sample $at"
wait $pid
rc=$?
cat /tmp/gone.out /tmp/gone.err
same "exit status" 0 "$rc"
same "stderr" "" "$(cat /tmp/gone.err)"
grep -q xnC /tmp/gone.out || { echo "DIFF xnC never listed"; bad=$((bad + 1)); }
# The last sample: the lines after the last header.
awk '$1 == "NAME" { blk = "" ; next } { blk = blk $0 "\n" } END { printf "%s", blk }' /tmp/gone.out |
	grep -q xnC && { echo "DIFF xnC still listed at the end"; bad=$((bad + 1)); }
[ "$(grep -c '^ *NAME' /tmp/gone.out)" -gt "$at" ] || fail "the batch ended before xnC was gone"
[ $bad = 0 ] || fail "$bad differences"
