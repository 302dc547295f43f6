/* view_columns.c - the column chooser ('c'): every column of the domain
 * table in the order the screen keeps them when the width runs short, each
 * shown or hidden by the operator while the program runs (htop's F2, with
 * only the part an operator reaches for: what is shown, nothing else). */
#include <stdio.h>

#include "view.h"

enum { COLS_TOP = 2 };

size_t xn_view_columns_list(const struct xn_view *v, enum xn_col_id *out)
{
	out[0] = XN_COL_NAME;
	return 1 + xn_layout_priority(v->show, out + 1);
}

void xn_view_draw_columns(struct xn_canvas *c, struct xn_view *v, const struct xn_snapshot *s)
{
	/* what the table would show now at this width, the changes made here
	 * included */
	struct xn_layout lay;
	bool on[XN_COL__COUNT] = {false};
	xn_layout_table(c->w, s ? s->host.nr_nodes : 0, v->units, v->show, v->col_hidden, 0, &lay);
	for (int i = 0; i < lay.n; i++)
		on[lay.cols[i].id] = true;
	enum xn_col_id list[XN_COL__COUNT];
	int n = (int)xn_view_columns_list(v, list);
	int rows = c->h - 1 - COLS_TOP - 1;
	if (rows < 1)
		rows = 1;
	if (v->cols_sel >= n)
		v->cols_sel = n - 1;
	if (v->cols_sel < 0)
		v->cols_sel = 0;
	/* the selection stays on the screen */
	int top = v->cols_sel >= rows ? v->cols_sel - rows + 1 : 0;
	int x = xn_canvas_text(c, 0, 0, -1, XN_ROLE_TITLE, "xentop-numa - columns");
	xn_canvas_text(c, x, 0, -1, XN_ROLE_DIM, "  Space or Enter shows / hides; Esc or c closes");
	xn_canvas_text(c, 1, 1, -1, XN_ROLE_HEADER,
	               "    KEEP  COLUMN      (KEEP: kept first when the screen is narrow)");
	for (int r = 0; r < rows && top + r < n; r++) {
		int i = top + r;
		enum xn_col_id id = list[i];
		bool hid = id != XN_COL_NAME && (v->col_hidden & XN_COL_BIT(id));
		const char *title = xn_columns[id].per_node ? "N0 N1 ..." : xn_columns[id].title;
		const char *why = id == XN_COL_NAME ? "always shown"
		                  : hid             ? "hidden"
		                  : on[id]          ? "shown"
		                                    : "shown when there is room";
		char keep[16];
		snprintf(keep, sizeof(keep), "%d", i);
		xn_canvas_printf(c, 1, COLS_TOP + r, -1,
		                 i == v->cols_sel ? XN_ROLE_SELECTED
		                 : hid            ? XN_ROLE_DIM
		                                  : XN_ROLE_NORMAL,
		                 "[%c] %4s  %-10s  %s", hid ? ' ' : 'x',
		                 id == XN_COL_NAME ? "-" : keep, title, why);
	}
}
