/* test_trend.c - the sparklines: a share's glyph (each of the eight levels,
 * its edges, unknown), the series kept per domain and node (the newest
 * XN_TREND_LEN, domains gone dropped, a recording stepped back starts
 * again), and drawing the newest at the right. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tui/canvas.h"
#include "tui/trend.h"
#include "check.h"

static void test_glyph(void)
{
	/* level k holds the shares [k/8, (k+1)/8); 1.0 is the full block */
	for (int k = 0; k < 8; k++) {
		double lo = k / 8.0, hi = (k + 1) / 8.0 - 1e-9;
		CHECK_EQ_U64(xn_trend_glyph(lo, true), 0x2581u + (unsigned)k);
		CHECK_EQ_U64(xn_trend_glyph(hi, true), 0x2581u + (unsigned)k);
		CHECK_EQ_U64(xn_trend_glyph(lo, false), (unsigned char)"_.-=+*#@"[k]);
	}
	CHECK_EQ_U64(xn_trend_glyph(1.0, true), 0x2588);
	CHECK_EQ_U64(xn_trend_glyph(1.5, false), '@');   /* past the top: the top */
	CHECK_EQ_U64(xn_trend_glyph(0.0, true), 0x2581); /* 0 is seen, not blank */
	CHECK_EQ_U64(xn_trend_glyph(-1.0, true), ' ');   /* unknown */
	CHECK_EQ_U64(xn_trend_glyph(NAN, false), ' ');
}

static void snap_at(struct xn_snapshot *s, long sec, int ndom, double local, uint64_t free_mib)
{
	xn_snapshot_clear(s);
	s->time.tv_sec = sec;
	s->host.nr_nodes = 1;
	s->host.nodes = calloc(1, sizeof(*s->host.nodes));
	s->host.nodes[0].id = 3;
	s->host.nodes[0].mem_total = 1000ull << 20;
	s->host.nodes[0].mem_free = free_mib << 20;
	s->host.nodes[0].valid = XN_NODE_TOTAL | XN_NODE_FREE;
	for (int i = 0; i < ndom; i++) {
		struct xn_domain *d = xn_snapshot_add_domain(s);
		d->id = 10 + i;
		d->locality = local;
		d->valid = i == 1 ? 0 : XN_DOM_LOCALITY; /* domain 11's is unknown */
	}
}

static enum xn_role role_of(double share)
{
	return share < 0.5 ? XN_ROLE_ERROR : XN_ROLE_OK;
}

static void test_series(void)
{
	struct xn_trends tr = {0};
	struct xn_snapshot s = {0};
	for (int i = 0; i < XN_TREND_LEN + 5; i++) {
		snap_at(&s, 100 + i, 2, i, (uint64_t)(10 * i));
		CHECK(xn_trends_add(&tr, &s) == 0);
	}
	const struct xn_trend *t = xn_trend_domain(&tr, 10);
	CHECK(t && t->n == XN_TREND_LEN);
	/* the newest kept, oldest first: LOCAL% 5 .. 24 */
	CHECK(t && fabsf(t->v[0] - 0.05f) < 1e-6 && fabsf(t->v[XN_TREND_LEN - 1] - 0.24f) < 1e-6);
	t = xn_trend_domain(&tr, 11);
	CHECK(t && t->v[0] < 0); /* unknown stays unknown */
	t = xn_trend_node(&tr, 3);
	CHECK(t && t->n == XN_TREND_LEN && fabsf(t->v[XN_TREND_LEN - 1] - 0.24f) < 1e-6);
	CHECK(xn_trend_node(&tr, 0) == NULL);
	/* domain 11 gone: dropped; 10 keeps its series */
	snap_at(&s, 200, 1, 50, 500);
	CHECK(xn_trends_add(&tr, &s) == 0);
	CHECK(xn_trend_domain(&tr, 11) == NULL);
	t = xn_trend_domain(&tr, 10);
	CHECK(t && t->n == XN_TREND_LEN && fabsf(t->v[XN_TREND_LEN - 1] - 0.5f) < 1e-6);
	/* a recording stepped back: every series starts again */
	snap_at(&s, 150, 1, 70, 900);
	CHECK(xn_trends_add(&tr, &s) == 0);
	t = xn_trend_domain(&tr, 10);
	CHECK(t && t->n == 1);
	CHECK(xn_trend_node(&tr, 3)->n == 1);

	/* drawn newest at the right, blanks before, each glyph its role */
	snap_at(&s, 151, 1, 100, 0);
	CHECK(xn_trends_add(&tr, &s) == 0);
	struct xn_canvas c = {0};
	CHECK(xn_canvas_resize(&c, 6, 1) == 0);
	t = xn_trend_domain(&tr, 10);
	CHECK_EQ_U64(xn_trend_draw(&c, 0, 0, 4, t, false, role_of), 4);
	char row[32];
	xn_canvas_row_utf8(&c, 0, 0, 4, row, sizeof(row));
	CHECK_STR(row, "  *@"); /* 70 %, 100 % */
	CHECK(c.cells[2].role == XN_ROLE_OK && c.cells[3].role == XN_ROLE_OK);
	t = xn_trend_node(&tr, 3);
	xn_trend_draw(&c, 0, 0, 4, t, true, role_of);
	xn_canvas_row_utf8(&c, 0, 0, 4, row, sizeof(row));
	CHECK_STR(row, "  \xe2\x96\x88\xe2\x96\x81"); /* 90 % free, then none */
	CHECK(c.cells[3].role == XN_ROLE_ERROR);
	xn_canvas_free(&c);
	xn_snapshot_clear(&s);
	xn_trends_free(&tr);
}

int main(void)
{
	test_glyph();
	test_series();
	return check_report("test_trend");
}
