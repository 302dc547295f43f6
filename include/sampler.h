/* sampler.h - keeps the previous and current snapshot of a source and
 * derives, once per sample, what views and outputs read: CPU %, per-node page
 * deltas, locality, pages outside affinity. Nothing downstream recomputes. */
#ifndef XN_SAMPLER_H
#define XN_SAMPLER_H

#include <signal.h>
#include <stdbool.h>

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

/* The one sampling loop of the modes without a screen (loop.c). */
struct xn_loop {
	double delay;        /* seconds between live samples */
	long iterations;     /* samples to take; 0: until stopped or the recording ends */
	bool pace_recording; /* wait delay between a recording's samples too */
	/* Signals that end the loop (the caller blocks them first), or NULL:
	 * plain sleeps, and the default actions end the process. */
	const sigset_t *stop;
	/* Called with each sample (it counts from 0; took = seconds the sample
	 * took); a non-zero return ends the loop and is returned. */
	int (*each)(void *ctx, struct xn_sampler *s, long it, double took);
	void *ctx;
};

/* xn_loop_run's "the recording has ended, after at least one sample" (far
 * from every exit status each() may return). */
#define XN_LOOP_ENDED 1001
/* What each() returns to end the loop early without an error (a reader
 * that went away); xn_loop_run returns it. */
#define XN_LOOP_STOP_OK 1000

/* Run l over s: 0 when its iterations are done or a stop signal came (one
 * that came during a sample ends the loop before each() sees that sample),
 * XN_LOOP_ENDED when a recording ended, -ENODATA when it held no sample,
 * a source's -errno (said on stderr), or what each() returned. */
int xn_loop_run(struct xn_sampler *s, const struct xn_loop *l);

/* Wait secs or until one of l->stop arrives (true). */
bool xn_loop_wait_stop(const struct xn_loop *l, double secs);

#endif
