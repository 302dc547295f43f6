#!/bin/sh
# /init of the lab's plain multi-node Linux guest: mount, run the checks, power off.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin:/usr/libexec/xn
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mkdir -p /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup
echo "@@@XN-UP $(cat /proc/uptime)"
. /checks/runner.sh
xn_run_checks
sync
poweroff -f
