/* advise.h - placement advice: one plan for the host, and each domain's
 * verdict (its step, "ok", "stuck: why", or "-"). Derived data like
 * locality: computed once per sample by the sampler (after xn_derive), read
 * by every view and output, never recomputed there. Its terms are kept
 * beside its verdict (struct xn_advice in snapshot.h) so that each surface
 * can say why.
 *
 * Hard constraints: core's xn_place_check (placement.h), the same function
 * --apply-advice and --move-memory's pre-check call.
 *
 * Cost model (units: GiB-weighted access cost; 1.0 = one local access):
 * - expected access cost A = sum over (vCPU node a, page node j) of
 *   vCPU share(a) x page share(j) x distance(a, j) / 10 (SLIT: 10 local;
 *   without distances, remote counts 20); LOCAL% = the a == j part;
 * - crowding of the nodes a domain's vCPUs run on: max(0, rho - 1), rho =
 *   busy vCPUs per CPU there (a vCPU's busy share: its domain's measured CPU
 *   use over its vCPUs; unmeasured, from its state: running 1, blocked
 *   XN_ADVISE_BLOCKED_BUSY, offline 0; unknown 1); where the source reads
 *   cpupools (XN_SRC_CPUPOOLS) and the domain's is known, only the node's
 *   CPUs in its pool and the vCPUs of domains in its pool count;
 * - Xen vCPU step (soft affinity: one mask over all its targets' CPUs, and
 *   Xen's credit/credit2 take an idle CPU anywhere in it before one outside
 *   it): each target is asked an even share; where rho > 1 only 1/rho of it
 *   runs there, the excess runs first on the other targets' idle CPUs (in
 *   proportion to each one's), and what they cannot run spreads evenly over
 *   the non-target nodes with CPUs (targets holding every node with CPUs
 *   of its pool: no preference, Xen ignores it; over several nodes such a
 *   step is expected to change nothing). A_after and LOCAL% are those of where
 *   the vCPUs run; crowd_after counts, on each crowded target, the share
 *   that did not go to another target at the ratio left once it went. The
 *   XN_ADVISE_MAX_RATIO limit counts the vCPUs where they are asked;
 * - gain of a step = size GiB x ((A_now - A_after) + (crowd_now - crowd_after));
 *   cost = XN_ADVISE_COPY_COST x (GiB copied + XN_ADVISE_COPY_MIN_GIB) for a
 *   change that moves memory (Xen live move: every page; Linux: pages not
 *   yet on the targets; the fixed part keeps a move of a few MiB from
 *   beating the vCPU move alone by a rounding); vCPU moves cost nothing;
 * - score = (gain - cost) x (XN_ADVISE_IDLE_BUSY + CPUs the domain uses):
 *   the sign is the gain's against the cost, the weight orders busy domains
 *   first. A step needs score > 0, +XN_ADVISE_MIN_GAIN points of LOCAL% or
 *   XN_ADVISE_MIN_ACCESS less access cost, never a lower LOCAL% nor a
 *   higher access cost, and no node it adds vCPUs to above
 *   XN_ADVISE_MAX_RATIO busy vCPUs per CPU after it.
 * Plan: greedy, highest score first; after each step the host (free
 * memory, busy vCPUs per node) is updated; a domain's cached step is
 * evaluated again before it is taken, and its search runs again if the
 * step lost more than XN_ADVISE_TIE of its score. Near-equal scores
 * (within XN_ADVISE_TIE) are told apart by a fixed order: the cheaper
 * action, fewer nodes, lower node ids; between domains the lower id. Never planned: the control
 * domain (id 0), stub domains (name
 * "*-dm"), dying, shut-down or crashed domains, migrating ones
 * ("*--incoming", "*--migratedaway"), domains under XN_ADVISE_MIN_BYTES, or with unknown
 * pages / vCPU nodes ("-").
 * Verdicts: a step; "stuck" for a domain of XN_ADVISE_BIG_BYTES or more
 * below XN_ADVISE_STUCK_LOCAL LOCAL% with no step (the reason says what
 * stops the best change); else "ok" with why nothing is worth doing.
 * Smoothing: a changed verdict shows once it has been the fresh verdict in
 * XN_ADVISE_HOLD of the last XN_ADVISE_WINDOW samples (two thirds: a domain
 * remote two samples in three is advised; one that flips every sample keeps
 * what is shown); a held verdict keeps its own reason. The first sample of
 * a domain shows at once, and so does the first verdict made with measured
 * CPU use. Every surface reads the shown verdict: screen, --advise and
 * --apply-advice (which sample the whole window), JSON, metrics; a held
 * "ok" with a change pending is formatted "wait".
 */
#ifndef XN_ADVISE_H
#define XN_ADVISE_H

#include <stddef.h>

#include "placement.h"
#include "snapshot.h"

enum {
	XN_ADVISE_MIN_BYTES = 16 << 20, /* smaller domains get no advice */
	XN_ADVISE_MIN_GAIN = 10,        /* points of LOCAL% a step gains at least ... */
	XN_ADVISE_HOLD = 4,             /* samples of the window a changed verdict must hold */
	XN_ADVISE_WINDOW = 6,           /* samples the smoothing looks back over */
	XN_ADVISE_STUCK_LOCAL = 50,     /* a big domain below this LOCAL% is advised or stuck */
};
#define XN_ADVISE_BIG_BYTES ((uint64_t)1 << 30)
#define XN_ADVISE_MIN_ACCESS 0.1 /* ... or this much less expected access cost */
#define XN_ADVISE_COPY_COST                                                                        \
	0.4                           /* access-cost units per GiB copied: a live move pays        \
	                                 when it makes 40 % of the memory local (distance 20) */
#define XN_ADVISE_COPY_MIN_GIB 0.0625 /* GiB any memory move costs at least (64 MiB) */
#define XN_ADVISE_MAX_RATIO 2.0       /* busy vCPUs per CPU a step may leave on its targets */
#define XN_ADVISE_BLOCKED_BUSY 0.25   /* busy share of a blocked vCPU when CPU use is unmeasured */
#define XN_ADVISE_IDLE_BUSY 0.1       /* weight of an idle domain, in CPUs */
#define XN_ADVISE_SAMPLE_GAP 0.5      /* s between --advise's samples (at most -d) */
#define XN_ADVISE_TIE                                                                              \
	0.05 /* scores within 5 % of the best are near-equal:                                      \
	        a fixed order decides (advise_cost.c) */

/* Fill cur's domains' advice from cur (and prev's advice for hysteresis;
 * prev may be NULL). Run after xn_derive(). A domain whose advice the
 * source already marked valid keeps it. */
void xn_advise(const struct xn_snapshot *prev, struct xn_snapshot *cur);

/* The set_node_affinity flags that carry the action out (source.h: XN_AFF_*). */
unsigned xn_advice_apply_flags(const struct xn_advice *a);

/* The feasibility request that carries out advice a for domain d of s
 * (for --apply-advice's re-check). */
void xn_advice_place_req(const struct xn_snapshot *s, const struct xn_domain *d,
                         const struct xn_advice *a, struct xn_place_req *req);

#endif
