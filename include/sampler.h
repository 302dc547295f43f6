/* sampler.h - keeps the previous and current snapshot of a source and
 * derives, once per sample, what views and outputs read: CPU %, per-node page
 * deltas, locality, pages outside affinity. Nothing downstream recomputes. */
#ifndef XN_SAMPLER_H
#define XN_SAMPLER_H

#include "snapshot.h"
#include "source.h"

struct xn_sampler {
	struct xn_source *src; /* not owned */
	struct xn_snapshot prev;
	struct xn_snapshot cur;
	bool have_cur;
};

/* Take a new sample: cur becomes prev, the source fills cur, derive.
 * Returns 0 or the source's -errno (reason in src->err). */
int xn_sampler_step(struct xn_sampler *s);

/* Free both snapshots (not the source). */
void xn_sampler_clear(struct xn_sampler *s);

/* Pure: fill cur's derived fields from prev (may be NULL or empty); a
 * derived value the source already marked valid is kept (replay).
 * - cpu_pct: d(cpu_ns) / d(time) * 100 when both samples have cpu_ns and
 *   the interval is > 0 (a domain new in cur gets none);
 * - node_delta: per-node page change vs prev when both have pages;
 * - locality: mean over vCPUs with a known node of the % of the domain's
 *   pages on that vCPU's node;
 * - pages_outside: pages on nodes not in node_affinity;
 * - advice: xn_advise() (advise.h), last, as it reads the others. */
void xn_derive(const struct xn_snapshot *prev, struct xn_snapshot *cur);

#endif
