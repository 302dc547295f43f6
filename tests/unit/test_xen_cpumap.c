/* test_xen_cpumap.c - vCPU affinity maps as `xl vcpu-list` says them
 * (xen_cpumap_format): "all" when every online CPU is in, offline CPUs left
 * out of lists and of the "all" test, "none" for an empty map. Pure: a
 * hand-made topology, no hypervisor. */
#include <stdio.h>
#include <string.h>

#include "check.h"

#ifdef HAVE_XEN
#include "xen/xen_priv.h"

static void test_format(void)
{
	/* 10 CPU ids: 0-3 on node 0, 4-7 on node 1, 8 offline, 9 on node 1 */
	int cpu_node[10] = {0, 0, 0, 0, 1, 1, 1, 1, -1, 1};
	struct xen_priv p;
	memset(&p, 0, sizeof(p));
	p.nr_cpu_ids = 10;
	p.cpu_node = cpu_node;
	p.cpumap_size = 2;
	char buf[64];
	uint8_t full[2] = {0xff, 0xff}; /* Xen's default hard affinity: every bit */
	CHECK(xen_cpumap_format(&p, full, buf, sizeof(buf)) == 3);
	CHECK_STR(buf, "all");
	uint8_t online[2] = {0xff, 0x02}; /* every online CPU, not the offline 8 */
	xen_cpumap_format(&p, online, buf, sizeof(buf));
	CHECK_STR(buf, "all");
	uint8_t node1[2] = {0xf0, 0x03}; /* 4-7, 8 (offline: left out), 9 */
	xen_cpumap_format(&p, node1, buf, sizeof(buf));
	CHECK_STR(buf, "4-7,9");
	uint8_t some[2] = {0x05, 0x00};
	xen_cpumap_format(&p, some, buf, sizeof(buf));
	CHECK_STR(buf, "0,2");
	uint8_t offline_only[2] = {0x00, 0x01};
	xen_cpumap_format(&p, offline_only, buf, sizeof(buf));
	CHECK_STR(buf, "none");
	/* a short buffer: the length needed, like snprintf */
	char tiny[3];
	CHECK(xen_cpumap_format(&p, node1, tiny, sizeof(tiny)) == 5);
}
#endif

int main(void)
{
#ifdef HAVE_XEN
	test_format();
#else
	CHECK(1); /* built without the xen source: nothing to test */
#endif
	return check_report("test_xen_cpumap");
}
