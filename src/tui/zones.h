/* zones.h - how a node's memory zones are shown. Linux zones (DMA, DMA32,
 * Normal, ...) are shown as they are. Xen's heap zones are address-width
 * zones named "z<N>" (free frames with MFN in [2^(N-1), 2^N), i.e. memory at
 * [2^(N+11), 2^(N+12)) bytes); operators think of them as below and above
 * 4 GiB, so by default they are summed into "<4G" and ">4G". */
#ifndef XN_ZONES_H
#define XN_ZONES_H

#include <stdbool.h>
#include <stddef.h>

#include "snapshot.h"

/* True when name is a Xen width zone "z<N>"; *n gets N. */
bool xn_zone_width_number(const char *name, int *n);

/* Fill out[0..max) with the zones to show for node index ni: Linux zones
 * unchanged; Xen width zones summed into "<4G" and ">4G" or, with exact,
 * one per zone labelled by its address range ("1G-2G"). A sum is unknown
 * when any part is; a zone with no memory (managed pages known to be 0) is
 * left out. Returns the number filled. */
int xn_zones_for_node(const struct xn_host *h, int ni, bool exact, struct xn_zone *out, int max);

/* Order zones biggest first (managed pages; free pages where the size is
 * unknown), ties in their order: on a narrow screen the zone that matters
 * (Normal) shows before DMA's few MiB. */
void xn_zones_biggest_first(struct xn_zone *z, int n);

#endif
