/* advise.h - placement advice: which domains are badly placed, where they
 * should go, and why. Derived data like locality: computed once per sample
 * by the sampler (after xn_derive), read by every view and output, never
 * recomputed there. Its terms are kept beside its verdict (struct
 * xn_advice in snapshot.h) so that each surface can say why.
 *
 * The scorer, for a domain with known pages and known vCPU nodes:
 * - candidates: each single node, then for each node the set of it and its
 *   nearest nodes (by distance) grown one node at a time until the domain's
 *   memory fits, as libxl's placement does (libxl_numa.c);
 * - actions per candidate: run the vCPUs there (VCPUS), move the memory
 *   there (MEMORY; only where the vCPUs already run), or both (BOTH);
 * - terms: memory fit (free memory left after the move, less a headroom),
 *   CPU fit (vCPUs already running there against the nodes' CPUs), the
 *   distance a vCPU's access travels, the cost of the move (pages not yet
 *   there) and the expected LOCAL% afterwards. On Xen, MEMORY moves nothing
 *   that exists (node affinity steers future allocations only), so its
 *   expected LOCAL% is today's.
 * - no judgement (NONE, "-") under XN_ADVISE_MIN_BYTES or without pages or
 *   vCPU nodes; OK when no action gains XN_ADVISE_MIN_GAIN points of LOCAL%
 *   with a positive score (the reason then says why the biggest gain was
 *   left alone);
 * - hysteresis: a changed verdict is shown only after it has held for
 *   XN_ADVISE_HOLD consecutive samples (the first sample of a domain is
 *   shown at once: scripts take one sample).
 */
#ifndef XN_ADVISE_H
#define XN_ADVISE_H

#include <stddef.h>

#include "snapshot.h"

enum {
	XN_ADVISE_MIN_BYTES = 16 << 20, /* smaller domains get no advice */
	XN_ADVISE_MIN_GAIN = 10,        /* points of LOCAL% an action must gain */
	XN_ADVISE_HOLD = 3,             /* samples a changed verdict must hold */
};

/* Fill cur's domains' advice from cur (and prev's advice for hysteresis;
 * prev may be NULL). Run after xn_derive(). A domain whose advice the
 * source already marked valid (replay) keeps it. */
void xn_advise(const struct xn_snapshot *prev, struct xn_snapshot *cur);

/* Short form for columns: "-", "ok", "vcpus>0", "mem>3", "both>0-1". */
void xn_advice_format_short(const struct xn_advice *a, char *buf, size_t len);

/* Stable name of an action for JSON and CSV: "none", "ok", "vcpus",
 * "memory", "both"; and its inverse (XN_ADVICE__COUNT when unknown). */
const char *xn_advice_action_name(enum xn_advice_action a);
enum xn_advice_action xn_advice_action_parse(const char *name);

/* True when the advice asks for a change (VCPUS, MEMORY or BOTH). */
bool xn_advice_is_misplaced(const struct xn_advice *a);

/* The set_node_affinity flags that carry the action out on a source whose
 * memory_moves is as given (source.h: XN_AFF_*). */
unsigned xn_advice_apply_flags(const struct xn_advice *a);

#endif
