/* layout.c - which columns of the domain table fit a screen width, and where.
 * The most useful NUMA columns win on a narrow terminal; the rest follow in
 * order of importance, then spare room widens the heat cells and the name. */
#include "view.h"

#include <string.h>

/* The name gets up to NAME_FIRST_EXTRA more cells with the heat cells'
 * widening, before the less important columns, and up to NAME_MAX_EXTRA
 * in all. */
enum { HEAT_MIN_W = 3, NAME_FIRST_EXTRA = 5, NAME_MAX_EXTRA = 14 };

/* Canonical left-to-right order: xentop's, then the NUMA columns, the
 * judgement (ADVICE) right after the figures it is drawn from. */
static const enum xn_col_id canon[] = {
        XN_COL_ID,       XN_COL_NAME,   XN_COL_STATE,   XN_COL_CPU_SEC,
        XN_COL_CPU_PCT,  XN_COL_MEM,    XN_COL_MEM_PCT, XN_COL_MAXMEM,
        XN_COL_VCPUS,    XN_COL_NODE,   XN_COL_LOCAL,   XN_COL_ADVICE,
        XN_COL_AFFINITY, XN_COL_VNODES, XN_COL_OUTSIDE, XN_COL_METHOD,
};

/* Optional columns, most important first; heat widening happens after the
 * first group (WIDEN_AFTER of them), so that at 80 columns the node cells
 * keep their figures and the name its first letters before xentop's MEM(k)
 * gets room. */
static const enum xn_col_id prio[] = {
        XN_COL_ADVICE,  XN_COL_CPU_PCT, XN_COL_AFFINITY, XN_COL_OUTSIDE, XN_COL_MEM,
        XN_COL_VNODES,  XN_COL_STATE,   XN_COL_VCPUS,    XN_COL_ID,      XN_COL_CPU_SEC,
        XN_COL_MEM_PCT, XN_COL_MAXMEM,  XN_COL_METHOD,
};
enum { WIDEN_AFTER = 3 };

_Static_assert(sizeof(canon) / sizeof(canon[0]) == XN_COL__COUNT - 1,
               "every column but MAXMEM_PCT has a place");
_Static_assert(sizeof(prio) / sizeof(prio[0]) == XN_COL__COUNT - 4,
               "every column but NAME, LOCAL%, the node cells and MAXMEM_PCT has a priority");

static int col_width(enum xn_col_id id)
{
	int w = xn_columns[id].width;
	int t = (int)strlen(xn_columns[id].title);
	if (id != XN_COL_NODE && w < t)
		w = t;
	return w > 0 ? w : 1;
}

void xn_layout_table(int width, int nr_nodes, struct xn_layout *out)
{
	bool on[XN_COL__COUNT] = {false};
	int w[XN_COL__COUNT];
	for (int i = 0; i < XN_COL__COUNT; i++)
		w[i] = col_width((enum xn_col_id)i);
	memset(out, 0, sizeof(*out));
	if (nr_nodes < 0)
		nr_nodes = 0;

	/* Room left after the gutter, counting one blank before every column
	 * but the first. */
	width -= XN_LAYOUT_GUTTER;
	int left = width - w[XN_COL_NAME];
	on[XN_COL_NAME] = true;
	if (left >= w[XN_COL_LOCAL] + 1) {
		on[XN_COL_LOCAL] = true;
		left -= w[XN_COL_LOCAL] + 1;
	}
	int max_nodes = XN_LAYOUT_MAX_COLS - XN_COL__COUNT;
	int shown = 0;
	while (shown < nr_nodes && shown < max_nodes && left >= HEAT_MIN_W + 1) {
		shown++;
		left -= HEAT_MIN_W + 1;
	}
	out->hidden_nodes = nr_nodes - shown;
	int heat_w = HEAT_MIN_W, name_extra = 0;
	int full_heat = w[XN_COL_NODE] > HEAT_MIN_W ? w[XN_COL_NODE] : HEAT_MIN_W;

	for (size_t i = 0; i < sizeof(prio) / sizeof(prio[0]); i++) {
		if (i == WIDEN_AFTER && shown > 0) {
			int extra = left / shown;
			if (extra > full_heat - heat_w)
				extra = full_heat - heat_w;
			heat_w += extra;
			left -= extra * shown;
		}
		if (i == WIDEN_AFTER && left > 0) {
			name_extra = left < NAME_FIRST_EXTRA ? left : NAME_FIRST_EXTRA;
			left -= name_extra;
		}
		enum xn_col_id id = prio[i];
		if (left >= w[id] + 1) {
			on[id] = true;
			left -= w[id] + 1;
		}
	}
	int more = NAME_MAX_EXTRA - name_extra;
	if (left > 0)
		name_extra += left < more ? left : more;
	if (name_extra > 0)
		w[XN_COL_NAME] += name_extra;

	int x = 0;
	for (size_t i = 0; i < sizeof(canon) / sizeof(canon[0]); i++) {
		enum xn_col_id id = canon[i];
		int count = id == XN_COL_NODE ? shown : (on[id] ? 1 : 0);
		for (int k = 0; k < count && out->n < XN_LAYOUT_MAX_COLS; k++) {
			struct xn_layout_col *lc = &out->cols[out->n++];
			lc->id = id;
			lc->node_idx = id == XN_COL_NODE ? k : 0;
			lc->width = id == XN_COL_NODE ? heat_w : w[id];
			lc->left = xn_columns[id].left;
			if (x + lc->width > width) /* only when even the name is too wide */
				lc->width = width - x > 0 ? width - x : 0;
			lc->x = x + XN_LAYOUT_GUTTER;
			x += lc->width + 1;
		}
	}
}
