#!/bin/sh
# /init of the lab's dom0: bring up Xen's control stack (XEN-FACTS.md order),
# start the PV guests' console logger, run the checks, power off.
/bin/busybox --install -s /bin
# Xen's tools live in /usr/lib/xen-VERSION/bin (4.17 or 4.20: one per image).
xenbin=$(ls -d /usr/lib/xen-4.*/bin | head -n 1)
export PATH=$xenbin:/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
for m in xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xenfs; do
	insmod /lib/modules/$m.ko || echo "@@@XN-INIT insmod $m failed"
done
mount -t xenfs xenfs /proc/xen
mkdir -p /var/run/xen /var/lib/xen /var/log/xen/console /run/xenstored /var/lib/xenstored \
	/var/lib/xen/dump /etc/xen/auto
ln -s /run /var/run 2>/dev/null
xenstored --pid-file /run/xenstored.pid
xen-init-dom0 >/tmp/init-dom0.log 2>&1 || { echo "@@@XN-INIT xen-init-dom0 failed"; cat /tmp/init-dom0.log; }
xenconsoled --pid-file=/run/xenconsoled.pid --log=guest --log-dir=/var/log/xen/console
echo "@@@XN-UP $(cat /proc/uptime)"
. /checks/runner.sh
xn_run_checks
sync
poweroff -f
