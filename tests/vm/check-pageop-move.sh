#!/bin/sh
# xn-timeout: 1200
# capture v0
. /checks/lib.sh
mkdir -p /out
ls -l /usr/lib/xen-4.17/bin/
cat >/tmp/pmove.cfg <<CFG
name = "pmove"
type = "pv"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd"
extra = "console=hvc0 loglevel=7 printk.time=1"
memory = 256
maxmem = 256
vcpus = 2
on_crash = "destroy"
cpus_soft = "node:0"
CFG
xl create /tmp/pmove.cfg || fail create
wait_domu pmove 200 || fail up
xl list -l pmove >/out/xl-list-l.json
xl list -n
xen_u_pages
sed 's/cpus_soft.*/cpus_soft = "node:1"/' /tmp/pmove.cfg >/tmp/pmove1.cfg
t0=$(cut -d' ' -f1 /proc/uptime)
xl migrate -C /tmp/pmove1.cfg -s "" pmove "xl migrate-receive" >/out/xl-migrate-plain.out 2>&1
echo "rc=$? t0=$t0 t1=$(cut -d' ' -f1 /proc/uptime)"
cat /out/xl-migrate-plain.out
xl list -n
xen_u_pages
sed 's/cpus_soft.*/cpus_soft = "node:0"/' /tmp/pmove.cfg >/tmp/pmove0.cfg
t0=$(cut -d' ' -f1 /proc/uptime)
xl -vvv migrate -C /tmp/pmove0.cfg -s "" pmove "xl -vvv migrate-receive" >/out/xl-migrate-vvv.out 2>&1
echo "rc=$? t0=$t0 t1=$(cut -d' ' -f1 /proc/uptime)"
wc -l /out/xl-migrate-vvv.out
xl list -n
xen_u_pages
t0=$(cut -d' ' -f1 /proc/uptime)
xl save pmove /tmp/ck >/out/xl-save.out 2>&1
echo "save rc=$? t0=$t0 t1=$(cut -d' ' -f1 /proc/uptime)"
xl restore /tmp/pmove1.cfg /tmp/ck >/out/xl-restore.out 2>&1
echo "restore rc=$? t1=$(cut -d' ' -f1 /proc/uptime)"
rm -f /tmp/ck
xl list -n
xen_u_pages
# interrupted: destroy mid-way
( xl migrate -C /tmp/pmove0.cfg -s "" pmove "xl migrate-receive" >/out/xl-migrate-destroyed.out 2>&1; echo "mig rc=$?" ) &
i=0; while [ $i -lt 100 ] && ! xl list | grep -q -- '--incoming'; do sleep 0.2; i=$((i+1)); done
xl list
xl destroy pmove
wait
xl list
cat /out/xl-migrate-destroyed.out
# killed sender
xl create /tmp/pmove.cfg || fail create2
wait_domu pmove 200 || fail up2
( xl migrate -C /tmp/pmove1.cfg -s "" pmove "xl migrate-receive" >/out/xl-migrate-killed.out 2>&1; echo "mig rc=$?" ) &
i=0; while [ $i -lt 100 ] && ! xl list | grep -q -- '--incoming'; do sleep 0.2; i=$((i+1)); done
ps | grep "xl migrate" | grep -v grep
pid=$(ps | grep 'xl migrate -C' | grep -v grep | awk '{print $1}' | head -n 1)
kill $pid
wait
sleep 5
xl list
cat /out/xl-migrate-killed.out
cp /var/log/xen/console/guest-pmove.log /out/console-pmove.log
ls /sys/hypervisor/ 2>&1; mount | grep hypfs; xenhypfs ls / 2>&1 | head
xl info | grep -i "xen_commandline\|virt_caps\|xen_version"
