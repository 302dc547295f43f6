/* view_help.c - the help screen, generated from the key table. */
#include <stdio.h>
#include <string.h>

#include "keys.h"
#include "view.h"

static const char *const notes[] = {
        "Heat: share of the domain's pages on a node (glyphs .:-=+*#%@); '-' unknown.",
        NULL, /* LOCAL%: from the thresholds in view.h */
        "OUTSIDE: pages outside the affinity (Xen: it steers future allocations only).",
};

void xn_view_draw_help(struct xn_canvas *c, const struct xn_view *v)
{
	xn_canvas_text(c, 0, 0, -1, XN_ROLE_TITLE, "xentop-numa - keys");
	int y = 2, last = c->h - 2;
	size_t nk = xn_key_table_len;
	size_t nnotes = sizeof(notes) / sizeof(notes[0]);
	/* the labels' column as wide as the widest label */
	int lw = 1;
	for (size_t i = 0; i < nk; i++)
		if ((int)strlen(xn_key_table[i].label) > lw)
			lw = (int)strlen(xn_key_table[i].label);
	/* Two columns of keys when one does not fit and the screen is wide. */
	int cols = (int)(nk + nnotes + 1) > last - y && c->w >= 120 ? 2 : 1;
	int per = (int)((nk + (size_t)cols - 1) / (size_t)cols);
	int colw = c->w / cols;
	for (size_t i = 0; i < nk; i++) {
		int col = (int)i / per, row = (int)i % per;
		int yy = y + row, x = col * colw;
		if (yy >= last)
			continue;
		const struct xn_key_binding *b = &xn_key_table[i];
		xn_canvas_printf(c, x + 1, yy, lw, XN_ROLE_HEADER, "%-*s", lw, b->label);
		xn_canvas_text(c, x + lw + 3, yy, colw - lw - 4, XN_ROLE_NORMAL, b->help);
	}
	y += per + (y + per + (int)nnotes < last ? 1 : 0);
	for (size_t i = 0; i < nnotes && y < last; i++, y++) {
		if (notes[i])
			xn_canvas_text(c, 0, y, -1, XN_ROLE_DIM, notes[i]);
		else
			xn_canvas_printf(
			        c, 0, y, -1, XN_ROLE_DIM,
			        "LOCAL%%: green >= %d, yellow >= %d (mono ~), red below (mono "
			        "x); ! = misplaced.",
			        XN_LOCAL_GOOD, XN_LOCAL_WARN);
	}
}
