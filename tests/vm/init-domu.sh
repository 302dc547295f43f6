#!/bin/sh
# /init of the lab's tiny PV guest: say it is up, then idle (the balloon
# driver in the kernel does the rest), or spin on every vCPU (xn_busy).
/bin/busybox mount -t proc proc /proc
echo "@@@DOMU up: $(/bin/busybox cat /proc/cmdline)"
/bin/busybox grep MemTotal /proc/meminfo
# xn_busy on the command line (lib.sh's GUEST_BUSY): keep every vCPU busy,
# so that the advisor measures real CPU use and crowding is real.
case " $(/bin/busybox cat /proc/cmdline) " in
*" xn_busy "*)
	for c in $(/bin/busybox seq 2 "$(/bin/busybox grep -c ^processor /proc/cpuinfo)"); do
		while :; do :; done &
	done
	while :; do :; done
	;;
esac
while :; do /bin/busybox sleep 3600; done
