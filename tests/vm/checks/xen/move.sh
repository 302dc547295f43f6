# xn-timeout: 900
# --move-memory on Debian's packaged hypervisor, built without shadow
# paging: PV log-dirty is impossible, so the live move is refused with that
# reason before anything starts, and nothing changes (same id, same pages by
# debug key 'u', no "--incoming" domain). xl itself, asked for the same
# migration, fails with "Failed to enable logdirty" and also leaves the guest
# running (its output is kept as a fixture candidate). The non-live path,
# asked for with --offline, moves every page to the target (by 'u').
# Issue 26, on the offline path: with a 60-byte TMPDIR (world-writable,
# sticky) the move works and writes only under it, in a directory of its own
# (0700) whose files are 0600 throughout, as a watcher sampling every 0.1 s
# sees; a SIGHUP to the tool mid-move lets xl finish (the guest runs on,
# moved, under its name); a SIGKILL mid-move does too (xl save and xl
# restore run from one shell of their own), and the image is removed.
. /checks/lib.sh
need_xn
mkdir -p /out
xl info | grep -q '^virt_caps.* shadow' && skip "this Xen has shadow paging: the live move would work"
make_guest xnmv 128 128 0 || fail "xl create xnmv failed"
wait_domu xnmv 240 || fail "xnmv did not come up in 240 s"
id=$(domid_of xnmv)
u_of() { xen_u_pages | awk -v d="$1" '$1 == d { print $2, $3 }'; }
unchanged() { # what
	[ "$(domid_of xnmv)" = "$id" ] || fail "$1: xnmv is no longer domain $id"
	xl list xnmv | awk 'NR == 2 { print $5 }' | grep -q '[rb]' || fail "$1: xnmv is not running"
	xl list | grep -q -- '--incoming' && fail "$1: an --incoming domain exists: $(xl list)"
	[ "$(u_of "$id")" = "$before" ] || fail "$1: xnmv's pages changed: $(u_of "$id")"
	echo "ok   $1: still domain $id, running, pages unchanged"
}
before=$(u_of "$id")
echo "before: $before" | tr '\n' ' '
echo
[ "$(echo "$before" | awk '$1 == 0 { print $2 }')" = 32768 ] || fail "xnmv is not all on node 0"

"$XN" --move-memory xnmv=1 >/out/move-refused.out 2>&1
rc=$?
cat /out/move-refused.out
[ $rc = 5 ] || fail "live move: exit $rc, expected 5 (refused)"
grep -q "live move impossible: this Xen has no shadow paging" /out/move-refused.out ||
	fail "the refusal does not give the log-dirty reason"
grep -q "nothing started; --offline moves it" /out/move-refused.out || fail "no --offline offer"
unchanged "after the refused move"

# What xl does when asked anyway: it fails at the sender, guest untouched.
printf 'name = "xnmv"\ntype = "pv"\nkernel = "/guest/vmlinuz"\nramdisk = "/guest/initrd"\nmemory = 128\ncpus_soft = "node:1"\n' >/tmp/xnmv1.cfg
xl migrate -C /tmp/xnmv1.cfg -s "" xnmv "xl migrate-receive" >/out/xl-migrate-logdirty.out 2>&1
rc=$?
cat /out/xl-migrate-logdirty.out
[ $rc != 0 ] || fail "xl migrate succeeded without shadow paging"
grep -q "Failed to enable logdirty" /out/xl-migrate-logdirty.out || fail "xl failed for another reason"
i=0
while xl list | grep -q -- '--incoming'; do
	i=$((i + 1))
	[ $i -gt 30 ] && break
	sleep 1
done
unchanged "after xl migrate failed"

running() { xl list xnmv 2>/dev/null | awk 'NR == 2 { print $5 }' | grep -q '[rb]'; }
# Until xl save writes a checkpoint under DIR (0.1 s turns: it lasts seconds).
save_started() { # dir seconds
	_n=0
	until [ -n "$(find "$1" -name memory.save -size +0 2>/dev/null)" ]; do
		_n=$((_n + 1))
		[ $_n -gt $(($2 * 10)) ] && return 1
		sleep 0.1
	done
}
on_node() { # node what
	_id=$(domid_of xnmv) || fail "$2: no xnmv"
	[ "$(u_of "$_id" | awk -v n="$1" '$1 == n { print $2 }')" = 32768 ] ||
		fail "$2: not all of xnmv's pages on node $1: $(u_of "$_id")"
	running || fail "$2: xnmv is not running"
	echo "ok   $2: xnmv (d$_id) runs, all pages on node $1"
}

# 1. The offline move, with a 60-byte TMPDIR, world-writable like /tmp; a
# watcher notes every file and directory that appears under /tmp
# meanwhile, with its mode. (One offline move less than before: the plain
# one proved nothing this one does not, and cost ~20 s of the lab.)
T=/tmp/$(printf '%055d' 0)
[ ${#T} = 60 ] || fail "TMPDIR is ${#T} bytes, not 60"
mkdir -m 1777 "$T"
: >/tmp/watch.log
touch /tmp/watch.mark
rm -f /tmp/watch.stop
(while [ ! -e /tmp/watch.stop ]; do
	find /tmp -newer /tmp/watch.mark ! -path /tmp ! -path "$T" ! -name 'watch.*' \
		-exec stat -c '%a %F %n' {} \; 2>/dev/null
	sleep 0.1
done) >>/tmp/watch.log &
watcher=$!
TMPDIR=$T "$XN" --move-memory xnmv=1 --offline >/out/move-tmpdir.out 2>&1
rc=$?
touch /tmp/watch.stop
wait $watcher
cat /out/move-tmpdir.out
[ $rc = 0 ] || fail "offline move with a 60-byte TMPDIR: exit $rc"
on_node 1 "the 60-byte TMPDIR move"
sort -u /tmp/watch.log >/out/move-watch.log
echo "seen under /tmp during the move:"
sed 's/^/    /' /out/move-watch.log
grep -q 'memory.save$' /out/move-watch.log || fail "the watcher never saw the checkpoint"
awk -v t="$T" '
	index($NF, t "/xn-move-") != 1 { print "outside the private directory under TMPDIR: " $0; bad = 1; next }
	$2 == "directory" && $1 != "700" { print "directory not 0700: " $0; bad = 1 }
	$2 != "directory" && $1 != "600" { print "file not 0600: " $0; bad = 1 }
	END { exit bad }' /out/move-watch.log || fail "a move file was exposed (see above)"
[ -z "$(ls -A "$T")" ] || fail "files left in TMPDIR: $(ls -la "$T")"
echo "ok   checkpoint and config only in a 0700 directory under the 60-byte TMPDIR, files 0600, removed after"

# 2. SIGHUP mid-move (an ssh session dropped): xl finishes, the guest runs.
"$XN" --move-memory xnmv=0 --offline >/out/move-hup.out 2>&1 &
pid=$!
save_started /tmp 120 || fail "SIGHUP: the save never started: $(cat /out/move-hup.out)"
kill -HUP $pid
wait $pid
rc=$?
cat /out/move-hup.out
grep -q "^hangup: too late to cancel" /out/move-hup.out || fail "SIGHUP: the tool did not say it finishes"
[ $rc = 0 ] || fail "SIGHUP: exit $rc"
on_node 0 "after SIGHUP mid-move"

# 3. SIGKILL mid-move (the tool dies): the restore still follows the save.
"$XN" --move-memory xnmv=1 --offline >/out/move-kill.out 2>&1 &
pid=$!
save_started /tmp 120 || fail "SIGKILL: the save never started: $(cat /out/move-kill.out)"
kill -KILL $pid
wait $pid
wait_until 240 "xnmv to run again after SIGKILL" running || fail "SIGKILL: xnmv is not running: $(xl list)"
no_checkpoint() { [ -z "$(find /tmp -name memory.save)" ]; }
wait_until 60 "the checkpoint to be removed" no_checkpoint ||
	fail "SIGKILL: the checkpoint stayed: $(find /tmp -name memory.save)"
on_node 1 "after SIGKILL mid-move"
rm -rf /tmp/xn-move-*
xl destroy xnmv
