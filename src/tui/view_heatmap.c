/* view_heatmap.c - the full-screen node x domain heatmap ('H'): one row per
 * domain, one cell per node holding the share of the domain's pages on that
 * node, with a legend of the levels. */
#include "view.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

enum { HM_NAME_W = 16, HM_TOTAL_W = 10 };

static void draw_legend(struct xn_canvas *c, int y, const struct xn_view_caps *caps)
{
	int x = xn_canvas_text(c, 0, y, -1, XN_ROLE_NORMAL, "legend, % of pages up to: ");
	for (int l = 0; l < XN_HEAT_LEVELS && x + 5 <= c->w; l++) {
		char lab[16];
		/* level l holds shares in ((l-1)/9, l/9] */
		int up = (l * 100 + XN_HEAT_LEVELS - 2) / (XN_HEAT_LEVELS - 1);
		snprintf(lab, sizeof(lab), "%d", l ? up : 0);
		enum xn_role r = (enum xn_role)(XN_ROLE_HEAT0 + l);
		xn_canvas_fill(c, x, y, 4, ' ', r);
		if (!caps->color)
			xn_canvas_fill(c, x, y, 1, (uint32_t)(l ? xn_heat_glyph(l) : '_'), r);
		xn_canvas_text(c, x + 4 - (int)strlen(lab), y, 4, r, lab);
		x += 5;
	}
	if (x + 10 <= c->w) {
		xn_canvas_fill(c, x, y, 3, ' ', XN_ROLE_HEAT_UNKNOWN);
		xn_canvas_text(c, x + 2, y, 1, XN_ROLE_HEAT_UNKNOWN, "-");
		xn_canvas_text(c, x + 4, y, -1, XN_ROLE_DIM, "unknown");
	}
}

void xn_view_draw_heatmap(struct xn_canvas *c, struct xn_view *v, const struct xn_snapshot *s,
                          const struct xn_view_caps *caps)
{
	int nn = s->host.nr_nodes;
	xn_canvas_text(c, 0, 0, -1, XN_ROLE_TITLE, "Heatmap: where each domain's pages are");
	xn_canvas_text(c, 39, 0, -1, XN_ROLE_DIM, "- share per node; H returns");
	draw_legend(c, 1, caps);

	int avail = c->w - HM_NAME_W - 1 - HM_TOTAL_W - 1;
	int cw = nn > 0 ? avail / nn - 1 : 0;
	if (cw > 8)
		cw = 8;
	if (cw < 3)
		cw = 3;
	int shown = nn;
	if (shown * (cw + 1) > avail)
		shown = avail / (cw + 1);
	int y = 3;
	xn_canvas_fill(c, 0, y, c->w, ' ', XN_ROLE_HEADER);
	xn_canvas_text(c, 0, y, HM_NAME_W, XN_ROLE_HEADER, "NAME");
	int x = HM_NAME_W + 1;
	for (int i = 0; i < shown; i++, x += cw + 1) {
		char h[16];
		/* the cells hold shares, whatever 'u' chose for the table */
		int n = snprintf(h, sizeof(h), "N%d %%", s->host.nodes[i].id);
		xn_canvas_text(c, x + (n < cw ? cw - n : 0), y, cw, XN_ROLE_HEADER, h);
	}
	const char *tt = v->units == XN_UNITS_PAGES ? "PAGES" : "MEM(MiB)";
	xn_canvas_text(c, x + HM_TOTAL_W - (int)strlen(tt), y, -1, XN_ROLE_HEADER, tt);
	if (shown < nn) {
		char more[24];
		int n = snprintf(more, sizeof(more), "+%dN", nn - shown);
		xn_canvas_text(c, c->w - n, y, n, XN_ROLE_WARN, more);
	}

	/* The free memory of each node, as the last row. */
	int foot = c->h - 2;
	int body = foot - y - 1;
	v->page_rows = body > 1 ? body : 1;
	if (v->sel < v->top)
		v->top = v->sel;
	if (body > 0 && v->sel >= v->top + (size_t)body)
		v->top = v->sel - (size_t)body + 1;
	for (int r = 0; r < body && v->top + (size_t)r < v->nr_rows; r++) {
		size_t idx = v->top + (size_t)r;
		const struct xn_domain *d = v->rows[idx];
		int yy = y + 1 + r;
		char name[128];
		struct xn_fmt_ctx ctx = {.snap = s, .units = v->units};
		xn_columns[XN_COL_NAME].format(&ctx, d, 0, name, sizeof(name));
		xn_canvas_text(c, 0, yy, HM_NAME_W,
		               idx == v->sel ? XN_ROLE_SELECTED : XN_ROLE_NORMAL, name);
		if (idx == v->sel && (int)strlen(name) < HM_NAME_W)
			xn_canvas_fill(c, (int)strlen(name), yy, HM_NAME_W - (int)strlen(name), ' ',
			               XN_ROLE_SELECTED);
		x = HM_NAME_W + 1;
		for (int i = 0; i < shown; i++, x += cw + 1)
			xn_view_heat_cell(c, x, yy, cw, d, i, s, XN_UNITS_PCT, caps);
		char tot[32] = "-";
		uint64_t pages = xn_domain_pages_total(d, nn);
		if (d->valid & XN_DOM_PAGES) {
			if (v->units == XN_UNITS_PAGES)
				snprintf(tot, sizeof(tot), "%" PRIu64, pages);
			else
				snprintf(tot, sizeof(tot), "%.1f",
				         (double)pages * (double)s->host.page_size / 1048576.0);
		}
		xn_canvas_text(c, x + HM_TOTAL_W - (int)strlen(tot), yy, HM_TOTAL_W,
		               (d->valid & XN_DOM_PAGES) ? XN_ROLE_NORMAL : XN_ROLE_DIM, tot);
	}
	if (v->nr_rows == 0 && body > 0)
		xn_canvas_text(c, 0, y + 1, -1, XN_ROLE_DIM, "no domains");
	xn_canvas_fill(c, 0, foot, c->w, ' ', XN_ROLE_HEADER);
	xn_canvas_text(c, 0, foot, HM_NAME_W, XN_ROLE_HEADER, "FREE(MiB)");
	x = HM_NAME_W + 1;
	for (int i = 0; i < shown; i++, x += cw + 1) {
		const struct xn_node *nd = &s->host.nodes[i];
		char f[32] = "-";
		if (nd->valid & XN_NODE_FREE)
			snprintf(f, sizeof(f), "%.0f", (double)nd->mem_free / 1048576.0);
		int n = (int)strlen(f);
		xn_canvas_text(c, x + (n < cw ? cw - n : 0), foot, cw, XN_ROLE_HEADER, f);
	}
}
