# A guest destroyed between samples leaves no error: batch keeps going,
# exit 0, nothing on stderr, the guest is listed before and not after.
. /checks/lib.sh
need_xn
xl domid xnC >/dev/null 2>&1 || make_guest xnC 96 96 - || fail "xl create xnC failed"
n0=$(xl dmesg | grep -c "'u' pressed")
"$XN" -b --source xen -d 1 -i 20 --debugkey-interval 0.1 >/tmp/gone.out 2>/tmp/gone.err &
pid=$!
# Destroy it once the first sample is taken: its 'u' dump (pressed after the
# domain list is read) shows in the console ring. Its stdout may be buffered.
sampled() { [ "$(xl dmesg | grep -c "'u' pressed")" -gt "$n0" ]; }
wait_until 300 "the batch run's first 'u' dump in the console ring" sampled ||
	fail "the batch run took no sample: $(cat /tmp/gone.err)"
xl destroy xnC
kill -0 $pid 2>/dev/null || fail "the batch ended before xnC was gone (raise -i)"
echo "xnC destroyed while the batch runs"
ended() { ! kill -0 $pid 2>/dev/null; }
wait_until 300 "the batch run (20 samples, 1 s apart) to end" ended || fail "the batch run did not end"
wait $pid
rc=$?
cat /tmp/gone.out /tmp/gone.err
same "exit status" 0 "$rc"
same "stderr" "" "$(cat /tmp/gone.err)"
grep -q xnC /tmp/gone.out || { echo "DIFF xnC never listed"; bad=$((bad + 1)); }
# The last sample: the lines after the last header.
awk '$1 == "NAME" { blk = "" ; next } { blk = blk $0 "\n" } END { printf "%s", blk }' /tmp/gone.out |
	grep -q xnC && { echo "DIFF xnC still listed at the end"; bad=$((bad + 1)); }
[ $bad = 0 ] || fail "$bad differences"
