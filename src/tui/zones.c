/* zones.c - zones as operators think of them (see zones.h). */
#include "zones.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

/* Zones up to this number end at or below 4 GiB: z20 = [2 GiB, 4 GiB). */
enum { XN_ZONE_LAST_BELOW_4G = 20 };

bool xn_zone_width_number(const char *name, int *n)
{
	if (name[0] != 'z' || name[1] < '0' || name[1] > '9')
		return false;
	int v = 0;
	for (const char *p = name + 1; *p; p++) {
		if (*p < '0' || *p > '9' || v > 5)
			return false;
		v = v * 10 + (*p - '0');
	}
	*n = v;
	return true;
}

/* 2^bits bytes as "512", "4K", "2G"; bits is at most 69 (zone 58). */
static void fmt_pow2(char *buf, size_t len, unsigned bits)
{
	static const char units[] = "KMGTPE";
	if (bits < 10) {
		snprintf(buf, len, "%u", 1u << bits);
		return;
	}
	unsigned u = bits / 10 - 1;
	if (u > 5)
		u = 5;
	snprintf(buf, len, "%u%c", 1u << ((bits - 10 * (u + 1)) % 10), units[u]);
}

static void range_label(int zone, char *buf, size_t len)
{
	char lo[32], hi[32];
	/* zone 0 holds MFN 0 only; zone N >= 1 starts at 2^(N-1) frames of 4 KiB */
	if (zone == 0) {
		xn_strlcpy(buf, "0-4K", len);
		return;
	}
	fmt_pow2(lo, sizeof(lo), (unsigned)zone + 11);
	fmt_pow2(hi, sizeof(hi), (unsigned)zone + 12);
	snprintf(buf, len, "%.10s-%.10s", lo, hi);
}

static void add_to(struct xn_zone *sum, const struct xn_zone *z)
{
	sum->free_pages += z->free_pages;
	sum->managed_pages += z->managed_pages;
	sum->valid &= z->valid;
}

int xn_zones_for_node(const struct xn_host *h, int ni, bool exact, struct xn_zone *out, int max)
{
	struct xn_zone below = {.node_idx = ni, .valid = XN_ZONE_FREE | XN_ZONE_MANAGED};
	struct xn_zone above = below;
	bool have_below = false, have_above = false;
	int n = 0;
	xn_strlcpy(below.name, "<4G", sizeof(below.name));
	xn_strlcpy(above.name, ">4G", sizeof(above.name));
	for (int i = 0; i < h->nr_zones; i++) {
		const struct xn_zone *z = &h->zones[i];
		int w;
		if (z->node_idx != ni)
			continue;
		/* a zone with no memory (Linux lists DMA, Movable and Device
		 * zones of 0 pages) says nothing: not listed */
		if ((z->valid & XN_ZONE_MANAGED) && z->managed_pages == 0)
			continue;
		if (!xn_zone_width_number(z->name, &w) || exact) {
			if (n < max) {
				out[n] = *z;
				if (xn_zone_width_number(z->name, &w))
					range_label(w, out[n].name, sizeof(out[n].name));
				n++;
			}
			continue;
		}
		if (w <= XN_ZONE_LAST_BELOW_4G) {
			add_to(&below, z);
			have_below = true;
		} else {
			add_to(&above, z);
			have_above = true;
		}
	}
	if (have_below && n < max)
		out[n++] = below;
	if (have_above && n < max)
		out[n++] = above;
	return n;
}

static uint64_t zone_size(const struct xn_zone *z)
{
	if (z->valid & XN_ZONE_MANAGED)
		return z->managed_pages;
	return (z->valid & XN_ZONE_FREE) ? z->free_pages : 0;
}

void xn_zones_biggest_first(struct xn_zone *z, int n)
{
	/* insertion sort: a handful of zones, and stable */
	for (int i = 1; i < n; i++) {
		struct xn_zone t = z[i];
		int j = i;
		for (; j > 0 && zone_size(&z[j - 1]) < zone_size(&t); j--)
			z[j] = z[j - 1];
		z[j] = t;
	}
}
