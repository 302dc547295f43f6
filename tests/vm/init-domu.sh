#!/bin/sh
# /init of the lab's tiny PV guest: say it is up, then idle (the balloon
# driver in the kernel does the rest).
/bin/busybox mount -t proc proc /proc
echo "@@@DOMU up: $(/bin/busybox cat /proc/cmdline)"
/bin/busybox grep MemTotal /proc/meminfo
while :; do /bin/busybox sleep 3600; done
