/* bench_advise.c - the placement advisor's CPU cost per refresh, against
 * the whole refresh it is part of. Built and run by bench/bench_advise.sh,
 * linked with libxn.a.
 *
 *   bench_advise RECORDING REPS
 *
 * For every sample of the recording, in-process CPU time of:
 *  - the sampler step (replay line parsed, sorted, xn_derive() with
 *    xn_advise() inside it, as every refresh does);
 *  - one frame rendered into a 120x40 canvas (rows rebuilt, sorted by
 *    CPU%, screen drawn): the rest of a refresh, less the terminal;
 *  - xn_advise() alone on the same (prev, cur) pair, REPS times (its
 *    result replaced each time: the advice bit is cleared first, or the
 *    advisor would keep what it computed the first time, as it keeps a
 *    replay's recorded advice). REPS 0 skips it (callgrind runs: then
 *    xn_advise's inclusive cost is the one inside the steps).
 * Prints one line of figures per run plus "misplaced N" (domains whose
 * advice asks for a change in the last sample). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "advise.h"
#include "tui/canvas.h"
#include "sampler.h"
#include "source.h"
#include "tui/view.h"

static double cpu_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void advice_forget(struct xn_snapshot *s)
{
	for (size_t i = 0; i < s->nr_domains; i++)
		s->domains[i].valid &= ~(unsigned)XN_DOM_ADVICE;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_advise RECORDING REPS\n");
		return 2;
	}
	int reps = atoi(argv[2]);
	struct xn_source_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.replay_file = argv[1];
	struct xn_source *src;
	char err[512];
	if (xn_source_open("replay", &cfg, &src, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	struct xn_sampler s = {.src = src};
	struct xn_view v;
	xn_view_init(&v, XN_UNITS_MIB, 1);
	xn_view_set_sort(&v, XN_COL_CPU_PCT, 0);
	struct xn_canvas c = {0};
	struct xn_view_caps caps = {.utf8 = true, .color = true};
	if (xn_canvas_resize(&c, 120, 40))
		return 1;
	double step = 0, render = 0, advise = 0;
	int samples = 0;
	for (;;) {
		double t0 = cpu_s();
		int r = xn_sampler_step(&s);
		double t1 = cpu_s();
		if (r)
			break; /* end of the recording */
		xn_view_update(&v, &s.cur);
		xn_view_render(&c, &v, &s.cur, &caps);
		double t2 = cpu_s();
		for (int i = 0; i < reps; i++) {
			advice_forget(&s.cur);
			xn_advise(samples ? &s.prev : NULL, &s.cur);
		}
		double t3 = cpu_s();
		step += t1 - t0;
		render += t2 - t1;
		advise += t3 - t2;
		samples++;
	}
	if (!samples) {
		fprintf(stderr, "no sample: %s\n", src->err);
		return 1;
	}
	size_t misplaced = 0, judged = 0;
	for (size_t i = 0; i < s.cur.nr_domains; i++) {
		const struct xn_domain *d = &s.cur.domains[i];
		if (!(d->valid & XN_DOM_ADVICE))
			continue;
		judged += d->advice.action != XN_ADVICE_NONE;
		misplaced += xn_advice_is_misplaced(&d->advice);
	}
	printf("samples %d domains %zu nodes %d step_us %.1f render_us %.1f advise_us %.2f "
	       "judged %zu misplaced %zu\n",
	       samples, s.cur.nr_domains, s.cur.host.nr_nodes, step / samples * 1e6,
	       render / samples * 1e6, reps ? advise / samples / reps * 1e6 : 0.0, judged,
	       misplaced);
	xn_canvas_free(&c);
	xn_view_free(&v);
	xn_sampler_clear(&s);
	src->ops->close(src);
	return 0;
}
