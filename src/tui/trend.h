/* trend.h - sparklines: each domain's LOCAL% and each node's free memory over
 * the last XN_TREND_LEN samples the screen took (view.c keeps them, the node
 * rows and the detail view draw them). Private to the screen. */
#ifndef XN_TREND_H
#define XN_TREND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "snapshot.h"

/* Samples kept: at the default 3 s delay, the last minute. Nodes past
 * XN_TREND_NODES (in the host's order) have none. */
enum { XN_TREND_LEN = 20, XN_TREND_NODES = 64 };

/* One series, oldest first; a value is a share 0..1, or < 0 when unknown. */
struct xn_trend {
	float v[XN_TREND_LEN];
	int n; /* values held, at most XN_TREND_LEN */
};

struct xn_trend_dom {
	int64_t id;
	struct xn_trend t;
	bool seen; /* in the sample being added */
};

struct xn_trend_node {
	int id;
	struct xn_trend t;
};

/* Every series of the screen. Zeroed is empty; xn_trends_free() releases. */
struct xn_trends {
	struct xn_trend_dom *dom; /* sorted by id */
	size_t nr_dom, cap_dom;
	struct xn_trend_node node[XN_TREND_NODES];
	int nr_node;
	struct timespec last; /* time of the last sample added */
};

/* Add a sample: each domain's LOCAL% / 100 and each node's free share;
 * domains gone are dropped. A sample not later than the last (a recording
 * stepped back) starts every series again. 0 or -ENOMEM (then the series
 * are empty). */
int xn_trends_add(struct xn_trends *tr, const struct xn_snapshot *s);
void xn_trends_free(struct xn_trends *tr);

/* A domain's or a node's series, or NULL. */
const struct xn_trend *xn_trend_domain(const struct xn_trends *tr, int64_t id);
const struct xn_trend *xn_trend_node(const struct xn_trends *tr, int node_id);

/* The glyph of a share 0..1: eight block heights U+2581..U+2588 with utf8,
 * else the ASCII ramp "_.-=+*#@" (lowest first); a blank when unknown (< 0). */
uint32_t xn_trend_glyph(double share, bool utf8);

/* The role of a glyph: how the figure reads (by the caller's thresholds). */
typedef enum xn_role (*xn_trend_role_fn)(double share);

/* Draw the last w values of t at x, y, newest at the right (blanks before
 * when fewer are held), each coloured by role(share). Returns w. */
int xn_trend_draw(struct xn_canvas *c, int x, int y, int w, const struct xn_trend *t, bool utf8,
                  xn_trend_role_fn role);

#endif
