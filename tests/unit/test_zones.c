/* test_zones.c - Xen width zones grouped below/above 4 GiB; Linux zones as
 * they are. Figures from the debug key 'H' capture in
 * tests/fixtures/xen-4.17 (node 0 of dom0-basic-2node.txt). */
#include <string.h>

#include "check.h"
#include "snapshot.h"
#include "tui/zones.h"

static void add(struct xn_host *h, int ni, const char *name, uint64_t free, unsigned valid)
{
	struct xn_zone *z = xn_host_add_zone(h);
	z->node_idx = ni;
	strcpy(z->name, name);
	z->free_pages = free;
	z->valid = valid;
}

/* Biggest first by managed pages, by free pages where the size is
 * unknown, ties kept in order: Linux's DMA 15 DMA32 3019 Normal 9000. */
static void test_biggest_first(void)
{
	struct xn_zone z[4] = {
	        {.name = "DMA",
	         .managed_pages = 3840,
	         .free_pages = 3840,
	         .valid = XN_ZONE_FREE | XN_ZONE_MANAGED},
	        {.name = "DMA32",
	         .managed_pages = 772917,
	         .free_pages = 700000,
	         .valid = XN_ZONE_FREE | XN_ZONE_MANAGED},
	        {.name = "Normal",
	         .managed_pages = 2000000,
	         .free_pages = 10,
	         .valid = XN_ZONE_FREE | XN_ZONE_MANAGED},
	        {.name = "Normal2",
	         .managed_pages = 2000000,
	         .free_pages = 5,
	         .valid = XN_ZONE_FREE | XN_ZONE_MANAGED},
	};
	xn_zones_biggest_first(z, 4);
	CHECK_STR(z[0].name, "Normal");
	CHECK_STR(z[1].name, "Normal2");
	CHECK_STR(z[2].name, "DMA32");
	CHECK_STR(z[3].name, "DMA");
	struct xn_zone x[2] = {{.name = "<4G", .free_pages = 10, .valid = XN_ZONE_FREE},
	                       {.name = ">4G", .free_pages = 90, .valid = XN_ZONE_FREE}};
	xn_zones_biggest_first(x, 2);
	CHECK_STR(x[0].name, ">4G");
}

int main(void)
{
	test_biggest_first();
	struct xn_snapshot s;
	memset(&s, 0, sizeof(s));
	xn_host_alloc_nodes(&s.host, 2);
	add(&s.host, 0, "z19", 100, XN_ZONE_FREE);
	add(&s.host, 0, "z20", 200, XN_ZONE_FREE);
	add(&s.host, 0, "z21", 400, XN_ZONE_FREE);
	add(&s.host, 1, "z22", 800, XN_ZONE_FREE);
	add(&s.host, 1, "Normal", 7, XN_ZONE_FREE | XN_ZONE_MANAGED);
	s.host.zones[s.host.nr_zones - 1].managed_pages = 9;
	/* Linux lists zones with no memory at all (Movable, Device): left out */
	add(&s.host, 1, "Movable", 0, XN_ZONE_FREE | XN_ZONE_MANAGED);

	struct xn_zone out[8];
	int n = xn_zones_for_node(&s.host, 0, false, out, 8);
	CHECK_EQ_U64(n, 2);
	CHECK_STR(out[0].name, "<4G");
	CHECK_EQ_U64(out[0].free_pages, 300);
	CHECK_STR(out[1].name, ">4G");
	CHECK_EQ_U64(out[1].free_pages, 400);
	/* Xen has no per-zone totals: the sum's managed stays unknown */
	CHECK(out[0].valid == XN_ZONE_FREE);

	n = xn_zones_for_node(&s.host, 0, true, out, 8);
	CHECK_EQ_U64(n, 3);
	CHECK_STR(out[0].name, "1G-2G"); /* z19: MFN [2^18, 2^19) x 4 KiB */
	CHECK_STR(out[1].name, "2G-4G");
	CHECK_STR(out[2].name, "4G-8G");

	/* node 1: a Linux-style zone passes through, next to the width zone */
	n = xn_zones_for_node(&s.host, 1, false, out, 8);
	CHECK_EQ_U64(n, 2);
	CHECK_STR(out[0].name, "Normal");
	CHECK_STR(out[1].name, ">4G");
	CHECK_EQ_U64(out[1].free_pages, 800);

	/* an unknown part makes the sum unknown, never a made-up figure */
	s.host.zones[0].valid = 0;
	n = xn_zones_for_node(&s.host, 0, false, out, 8);
	CHECK(!(out[0].valid & XN_ZONE_FREE));
	CHECK(out[1].valid & XN_ZONE_FREE);

	/* max bounds the output */
	CHECK_EQ_U64(xn_zones_for_node(&s.host, 0, true, out, 1), 1);
	int w;
	CHECK(!xn_zone_width_number("zone", &w) && !xn_zone_width_number("DMA32", &w));
	CHECK(xn_zone_width_number("z7", &w) && w == 7);
	xn_snapshot_clear(&s);
	return check_report("zones");
}
