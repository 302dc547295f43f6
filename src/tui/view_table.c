/* view_table.c - the domain table of the main screen: the header, one row
 * per domain (heat cells, LOCAL% by thresholds, the '!' gutter of misplaced
 * domains) and, with 'v', one row per vCPU under each; scrolling keeps the
 * selected domain (and its vCPU rows when they fit) in view. */
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "util.h"

/* A figure too wide for its cell loses its decimals, then is shortened with
 * a k/M/G/T suffix ("196608" -> "197k"): a cell never blanks its figure
 * while cells beside it show theirs. Too narrow even so: a cut mark. */
static void fit_figure(char *num, size_t len, int w)
{
	char *dot = strchr(num, '.');
	if ((int)strlen(num) > w && dot)
		*dot = '\0';
	if ((int)strlen(num) <= w)
		return;
	double v = strtod(num, NULL);
	static const char suffix[] = "kMGT";
	for (int i = 0; suffix[i]; i++) {
		v /= 1000.0;
		char t[32];
		if (v < 9.95 && snprintf(t, sizeof(t), "%.1f%c", v, suffix[i]) <= w) {
			snprintf(num, len, "%s", t);
			return;
		}
		if (snprintf(t, sizeof(t), "%.0f%c", v, suffix[i]) <= w) {
			snprintf(num, len, "%s", t);
			return;
		}
	}
}

void xn_view_heat_cell(struct xn_canvas *c, int x, int y, int w, const struct xn_domain *d,
                       int node_idx, const struct xn_snapshot *s, enum xn_units units,
                       const struct xn_view_caps *caps)
{
	char num[32];
	struct xn_fmt_ctx ctx = {.snap = s, .units = units};
	if (w <= 0)
		return;
	if (!(d->valid & XN_DOM_PAGES) || node_idx >= s->host.nr_nodes) {
		xn_canvas_fill(c, x, y, w, ' ', XN_ROLE_HEAT_UNKNOWN);
		xn_canvas_text(c, x + w - 1, y, 1, XN_ROLE_HEAT_UNKNOWN, "-");
		return;
	}
	uint64_t total = xn_domain_pages_total(d, s->host.nr_nodes);
	int lvl = xn_heat_level(d->node_pages[node_idx], total);
	enum xn_role r = (enum xn_role)(XN_ROLE_HEAT0 + lvl);
	xn_columns[XN_COL_NODE].format(&ctx, d, node_idx, num, sizeof(num));
	/* No colour: the glyph needs its place and a blank, so the figure
	 * gives up its decimals for them ("2867.2" -> "#  2867" in 6 places),
	 * but not its digits: when only a k/M suffix would make the room, the
	 * figure stays as it is and the glyph goes. */
	char whole[sizeof(num)];
	memcpy(whole, num, sizeof(num));
	fit_figure(num, sizeof(num), w);
	if (!caps->color && w > 2 && (int)strlen(num) + 2 > w) {
		fit_figure(whole, sizeof(whole), w - 2);
		if ((int)strlen(whole) + 2 <= w && !strpbrk(whole, "kMGT"))
			memcpy(num, whole, sizeof(num));
	}
	int n = (int)strlen(num);
	xn_canvas_fill(c, x, y, w, ' ', r);
	if (n > w) {
		xn_canvas_fill(c, x, y, w, (uint32_t)(caps->utf8 ? 0x2026 : '>'), r);
		return;
	}
	xn_canvas_text(c, x + w - n, y, n, r, num);
	/* No colour: the glyph ramp carries the level in the first place
	 * when the figure leaves one free before it. */
	if (!caps->color && n + 2 <= w)
		xn_canvas_fill(c, x, y, 1, (uint32_t)(lvl ? xn_heat_glyph(lvl) : '_'), r);
}

static void draw_header(struct xn_canvas *c, int y, const struct xn_layout *lay,
                        const struct xn_view *v, const struct xn_snapshot *s)
{
	xn_canvas_fill(c, 0, y, c->w, ' ', XN_ROLE_HEADER);
	for (int i = 0; i < lay->n; i++) {
		const struct xn_layout_col *lc = &lay->cols[i];
		char t[32];
		if (lc->id == XN_COL_NODE) /* the unit, after 'u' too: "N0 MiB" */
			xn_column_node_title(s, lc->node_idx, v->units, t, sizeof(t));
		else
			xn_column_title(lc->id, s, lc->node_idx, t, sizeof(t));
		bool sorted = lc->id == v->sort_col &&
		              (lc->id != XN_COL_NODE || lc->node_idx == v->sort_node);
		enum xn_role r = sorted ? XN_ROLE_SORTED : XN_ROLE_HEADER;
		int n = (int)strlen(t);
		int x = lc->left || n >= lc->width ? lc->x : lc->x + lc->width - n;
		xn_canvas_text(c, x, y, lc->width, r, t);
	}
	if (lay->hidden_nodes > 0) {
		char more[24];
		int n = snprintf(more, sizeof(more), "+%dN", lay->hidden_nodes);
		xn_canvas_text(c, c->w - n, y, n, XN_ROLE_WARN, more);
	}
}

/* One cell of the table: the column's text, aligned, cut with a mark. */
static void draw_cell(struct xn_canvas *c, int yy, const struct xn_layout_col *lc, const char *buf,
                      enum xn_role role, const struct xn_view_caps *caps)
{
	int n = (int)strlen(buf);
	int x = lc->left || n >= lc->width ? lc->x : lc->x + lc->width - n;
	int used = xn_canvas_text(c, x, yy, lc->width, role, buf);
	/* a cut value says so rather than showing a wrong number */
	if (n > lc->width && used == lc->width && lc->width > 0)
		xn_canvas_fill(c, lc->x + lc->width - 1, yy, 1, caps->utf8 ? 0x2026 : '>', role);
}

static void draw_dom_row(struct xn_canvas *c, int yy, const struct xn_layout *lay,
                         const struct xn_view *v, const struct xn_domain *d,
                         const struct xn_snapshot *s, const struct xn_view_caps *caps, bool sel)
{
	struct xn_fmt_ctx ctx = {.snap = s, .units = v->units};
	bool misplaced = (d->valid & XN_DOM_ADVICE) && xn_advice_is_misplaced(&d->advice);
	if (sel)
		xn_canvas_fill(c, 0, yy, c->w, ' ', XN_ROLE_SELECTED);
	if (misplaced)
		xn_canvas_text(c, 0, yy, XN_LAYOUT_GUTTER, sel ? XN_ROLE_SELECTED : XN_ROLE_WARN,
		               "!");
	for (int i = 0; i < lay->n; i++) {
		const struct xn_layout_col *lc = &lay->cols[i];
		if (lc->id == XN_COL_NODE) {
			xn_view_heat_cell(c, lc->x, yy, lc->width, d, lc->node_idx, s, v->units,
			                  caps);
			continue;
		}
		char buf[256];
		xn_columns[lc->id].format(&ctx, d, lc->node_idx, buf, sizeof(buf));
		bool unknown = !strcmp(buf, "-");
		enum xn_role role = unknown ? XN_ROLE_DIM : XN_ROLE_NORMAL;
		if (lc->id == XN_COL_OUTSIDE && (d->valid & XN_DOM_OUTSIDE) && d->pages_outside > 0)
			role = XN_ROLE_WARN;
		if (lc->id == XN_COL_ADVICE && misplaced)
			role = XN_ROLE_WARN;
		bool local = lc->id == XN_COL_LOCAL && (d->valid & XN_DOM_LOCALITY);
		if (local)
			role = xn_local_role(d->locality);
		if (sel)
			role = XN_ROLE_SELECTED;
		draw_cell(c, yy, lc, buf, role, caps);
		/* monochrome: the LOCAL% level as a mark in the cell's spare first
		 * place ("100.0" leaves one in a column of 6) */
		char mark = local ? xn_local_mark(d->locality) : ' ';
		if (mark != ' ' && !caps->color && (int)strlen(buf) < lc->width)
			xn_canvas_fill(c, lc->x, yy, 1, (uint32_t)mark, role);
	}
}

/* Put label (dim) and value (dim when unknown) at x; returns the new x,
 * at least x + w. */
static int put_field(struct xn_canvas *c, int x, int y, int w, const char *label, const char *val)
{
	int x0 = x;
	if (label[0])
		x += xn_canvas_printf(c, x, y, -1, XN_ROLE_DIM, "%s ", label);
	x += xn_canvas_text(c, x, y, -1, !strcmp(val, "-") ? XN_ROLE_DIM : XN_ROLE_NORMAL, val);
	return x - x0 < w ? x0 + w : x + 1;
}

static void draw_vcpu_row(struct xn_canvas *c, int yy, int x, const struct xn_domain *d, long k,
                          const struct xn_view_caps *caps)
{
	x += xn_canvas_text(c, x, yy, -1, XN_ROLE_DIM, caps->utf8 ? "\u2514 " : "` ");
	if (k < 0) {
		xn_canvas_text(c, x, yy, -1, XN_ROLE_DIM, "vCPUs unknown");
		return;
	}
	char num[24], cpu[24], node[24];
	const char *state, *hard, *soft;
	xn_vcpu_fields(d, (uint32_t)k, cpu, node, &state, &hard, &soft, sizeof(cpu));
	char h[96], so[96];
	xn_text_escape(hard, h, sizeof(h));
	xn_text_escape(soft, so, sizeof(so));
	snprintf(num, sizeof(num), "%ld", k);
	x = put_field(c, x, yy, 9, "vCPU", num);
	x = put_field(c, x, yy, 9, "CPU", cpu);
	x = put_field(c, x, yy, 9, "node", node);
	x = put_field(c, x, yy, 8, "", state);
	x = put_field(c, x, yy, 17, "hard", h);
	put_field(c, x, yy, 0, "soft", so);
}

int xn_view_draw_table(struct xn_canvas *c, int y, int rows, struct xn_view *v,
                       const struct xn_snapshot *s, const struct xn_view_caps *caps)
{
	struct xn_layout lay;
	if (rows < 1)
		return 0;
	int name_want = 0;
	for (size_t i = 0; v->full_names && i < v->nr_rows; i++) {
		char name[256];
		struct xn_fmt_ctx ctx = {.snap = s, .units = v->units};
		xn_columns[XN_COL_NAME].format(&ctx, v->rows[i], 0, name, sizeof(name));
		int n = 0;
		for (const char *p = name; *p; p++)
			n += ((unsigned char)*p & 0xc0) != 0x80;
		name_want = n > name_want ? n : name_want;
	}
	xn_layout_table(c->w, s->host.nr_nodes, v->units, v->show, v->col_hidden, name_want, &lay);
	memset(v->col_on, 0, sizeof(v->col_on));
	v->nodes_on = 0;
	for (int k = 0; k < lay.n; k++) {
		v->col_on[lay.cols[k].id] = true;
		v->nodes_on += lay.cols[k].id == XN_COL_NODE;
	}
	/* -f and a name still cut: the status line says so (view.c) */
	v->names_cut_to = name_want > 0 && lay.n > 0 && lay.cols[0].id == XN_COL_NAME &&
	                                  lay.cols[0].width < name_want
	                          ? lay.cols[0].width
	                          : 0;
	v->names_want = name_want;
	draw_header(c, y, &lay, v, s);
	int body = rows - 1;
	v->page_rows = body > 1 ? body : 1;
	if (v->nr_rows == 0) {
		if (body > 0)
			xn_canvas_text(c, 0, y + 1, -1, XN_ROLE_DIM,
			               v->filter[0] ? "no domain matches the filter"
			                            : "no domains");
		return rows;
	}
	/* Lines: each domain's row, then its vCPU rows when shown. Scroll so
	 * that the selected domain is seen, with its vCPUs when they fit. */
	size_t total = 0, sel_line = 0, sel_lines = 1, b = body > 0 ? (size_t)body : 0;
	for (size_t i = 0; i < v->nr_rows; i++) {
		size_t n = xn_view_dom_lines(v, v->rows[i]);
		if (i == v->sel) {
			sel_line = total;
			sel_lines = n;
		}
		total += n;
	}
	if (sel_line < v->top)
		v->top = sel_line;
	size_t want_end = sel_line + (sel_lines <= b ? sel_lines : 1);
	if (b > 0 && want_end > v->top + b)
		v->top = want_end - b;
	if (v->top + b > total)
		v->top = total > b ? total - b : 0;
	size_t i = 0, line = 0;
	while (i < v->nr_rows && line + xn_view_dom_lines(v, v->rows[i]) <= v->top)
		line += xn_view_dom_lines(v, v->rows[i++]);
	size_t sub = v->top - line;
	int name_x = XN_LAYOUT_GUTTER;
	for (int k = 0; k < lay.n; k++)
		if (lay.cols[k].id == XN_COL_NAME)
			name_x = lay.cols[k].x;
	for (int r = 0; r < body && i < v->nr_rows; r++) {
		const struct xn_domain *d = v->rows[i];
		int yy = y + 1 + r;
		if (sub == 0)
			draw_dom_row(c, yy, &lay, v, d, s, caps, i == v->sel);
		else
			draw_vcpu_row(c, yy, name_x + 1, d,
			              (d->valid & XN_DOM_VCPUS) && d->vcpus ? (long)sub - 1 : -1,
			              caps);
		if (++sub >= xn_view_dom_lines(v, d)) {
			sub = 0;
			i++;
		}
	}
	return rows;
}
