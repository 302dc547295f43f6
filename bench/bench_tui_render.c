/* bench_tui_render.c - CPU time to render one frame into the canvas (rows
 * rebuilt and sorted, then the whole screen drawn) for the first sample of
 * a recording. Built and run by bench/bench_tui.sh, linked with libxn.a.
 *
 *   bench_tui_render RECORDING WIDTH HEIGHT FRAMES */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: bench_tui_render RECORDING WIDTH HEIGHT FRAMES\n");
		return 2;
	}
	int w = atoi(argv[2]), h = atoi(argv[3]), frames = atoi(argv[4]);
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
	if (xn_sampler_step(&s)) {
		fprintf(stderr, "%s\n", src->err);
		return 1;
	}
	struct xn_view v;
	xn_view_init(&v, XN_UNITS_MIB, 1);
	struct xn_canvas c = {0};
	struct xn_view_caps caps = {.utf8 = true, .color = true};
	if (xn_canvas_resize(&c, w, h))
		return 1;
	/* sorted by CPU(%), the costliest realistic order to keep */
	xn_view_set_sort(&v, XN_COL_CPU_PCT, 0);
	double t0 = cpu_s();
	for (int i = 0; i < frames; i++) {
		v.sort_reverse = i & 1; /* a real re-sort every frame */
		xn_view_update(&v, &s.cur);
		xn_view_render(&c, &v, &s.cur, &caps);
	}
	double t1 = cpu_s();
	v.mode = XN_MODE_HEATMAP;
	for (int i = 0; i < frames; i++) {
		xn_view_update(&v, &s.cur);
		xn_view_render(&c, &v, &s.cur, &caps);
	}
	double t2 = cpu_s();
	printf("%zu domains x %d nodes, %dx%d: main screen %.1f us/frame, heatmap %.1f us/frame "
	       "(%d frames each)\n",
	       s.cur.nr_domains, s.cur.host.nr_nodes, w, h, (t1 - t0) / frames * 1e6,
	       (t2 - t1) / frames * 1e6, frames);
	xn_canvas_free(&c);
	xn_view_free(&v);
	xn_sampler_clear(&s);
	src->ops->close(src);
	return 0;
}
