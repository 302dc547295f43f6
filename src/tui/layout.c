/* layout.c - which columns of the domain table fit a screen width, and where.
 * NAME, STATE, CPU(%), MEM and the node cells win on a narrow terminal; the
 * rest follow in order of importance, then spare room widens the heat cells
 * and the name. */
#include "view.h"

#include <stdio.h>
#include <string.h>

/* The name gets up to NAME_FIRST_EXTRA more cells with the heat cells'
 * widening, before the less important columns, and up to NAME_MAX_EXTRA
 * in all. */
enum { NAME_FIRST_EXTRA = 5, NAME_MAX_EXTRA = 14 };

/* The columns after NAME, most important first, as an operator looks for
 * them: the state, CPU and memory, then where the memory is (the node cells,
 * LOCAL%) and what to do (ADVICE); then the rest of xentop's figures, then
 * ours that explain a figure (METHOD and AGE last). XN_COL_NODE stands for
 * all the node cells. The -n/-x groups, when asked for, move up to right
 * after ADVICE. Heat cells and the name widen with the room left. */
static const enum xn_col_id prio_first[] = {
        XN_COL_STATE, XN_COL_CPU_PCT, XN_COL_MEM, XN_COL_NODE, XN_COL_LOCAL, XN_COL_ADVICE,
};
static const enum xn_col_id prio_rest[] = {
        XN_COL_MEM_PCT,    XN_COL_MAXMEM,  XN_COL_CPU_SEC, XN_COL_VCPUS,     XN_COL_AFFINITY,
        XN_COL_ID,         XN_COL_OUTSIDE, XN_COL_VNODES,  XN_COL_AGE,       XN_COL_METHOD,
        XN_COL_MAXMEM_PCT, XN_COL_NETS,    XN_COL_NETTX,   XN_COL_NETRX,     XN_COL_VBDS,
        XN_COL_VBD_OO,     XN_COL_VBD_RD,  XN_COL_VBD_WR,  XN_COL_VBD_RSECT, XN_COL_VBD_WSECT,
        XN_COL_SSID,
};
enum { FIRST = sizeof(prio_first) / sizeof(prio_first[0]) };

_Static_assert(FIRST + sizeof(prio_rest) / sizeof(prio_rest[0]) == XN_COL__COUNT - 1,
               "every column but NAME has a priority");

size_t xn_layout_priority(unsigned show, enum xn_col_id *out)
{
	size_t n = 0, nr = sizeof(prio_rest) / sizeof(prio_rest[0]);
	for (size_t i = 0; i < FIRST; i++)
		out[n++] = prio_first[i];
	for (size_t i = 0; i < nr; i++)
		if (xn_column_group(prio_rest[i]) & show)
			out[n++] = prio_rest[i];
	for (size_t i = 0; i < nr; i++)
		if (!(xn_column_group(prio_rest[i]) & show))
			out[n++] = prio_rest[i];
	return n;
}

/* A node cell is never narrower than its title with the unit ("N0 MiB"),
 * nor than a figure of 5 places. */
static int heat_min_width(int nr_nodes, enum xn_units units)
{
	char t[32];
	int n = snprintf(t, sizeof(t), "N%d %s", nr_nodes > 0 ? nr_nodes - 1 : 0,
	                 xn_units_word(units));
	return n > 5 ? n : 5;
}

static int col_width(enum xn_col_id id)
{
	int w = xn_columns[id].width;
	int t = (int)strlen(xn_columns[id].title);
	if (id != XN_COL_NODE && w < t)
		w = t;
	return w > 0 ? w : 1;
}

void xn_layout_table(int width, int nr_nodes, enum xn_units units, unsigned show, uint64_t hidden,
                     int name_want, struct xn_layout *out)
{
	const int heat_min = heat_min_width(nr_nodes, units);
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
	int max_nodes = XN_LAYOUT_MAX_COLS - XN_COL__COUNT;
	int shown = 0;
	int heat_w = heat_min, name_extra = 0;
	int full_heat = w[XN_COL_NODE] > heat_min ? w[XN_COL_NODE] : heat_min;
	enum xn_col_id prio[XN_COL__COUNT];
	size_t np = xn_layout_priority(show, prio);

	/* strictly by priority: once a column does not fit, none after it is
	 * placed (a narrow one of less use never takes a gap) */
	for (size_t i = 0; i < np; i++) {
		enum xn_col_id id = prio[i];
		if (hidden & XN_COL_BIT(id))
			continue; /* --columns or the chooser: takes no room */
		/* -f: the whole names before the columns of less use */
		if (i == FIRST && name_want > w[XN_COL_NAME] + name_extra && left > 0) {
			int more = name_want - w[XN_COL_NAME] - name_extra;
			more = more < left ? more : left;
			name_extra += more;
			left -= more;
		}
		if (id == XN_COL_NODE) {
			/* LOCAL% reads with the node cells: keep its room */
			int keep = w[XN_COL_LOCAL] + 1;
			while (shown < nr_nodes && shown < max_nodes &&
			       left - keep >= heat_min + 1) {
				shown++;
				left -= heat_min + 1;
			}
			continue;
		}
		if (left < w[id] + 1)
			break;
		on[id] = true;
		left -= w[id] + 1;
	}
	/* hidden on purpose is not "did not fit" */
	out->hidden_nodes = hidden & XN_COL_BIT(XN_COL_NODE) ? 0 : nr_nodes - shown;
	/* spare room: the heat cells to their full width, then the name */
	if (shown > 0) {
		int extra = left / shown;
		if (extra > full_heat - heat_w)
			extra = full_heat - heat_w;
		heat_w += extra;
		left -= extra * shown;
	}
	if (left > 0 && name_extra < NAME_FIRST_EXTRA) {
		int more = NAME_FIRST_EXTRA - name_extra;
		more = more < left ? more : left;
		name_extra += more;
		left -= more;
	}
	/* -f: the name takes what its longest value needs of the room left */
	int max_extra = name_want > w[XN_COL_NAME] + NAME_MAX_EXTRA ? name_want - w[XN_COL_NAME]
	                                                            : NAME_MAX_EXTRA;
	int more = max_extra - name_extra;
	if (left > 0 && more > 0)
		name_extra += left < more ? left : more;
	if (name_extra > 0)
		w[XN_COL_NAME] += name_extra;

	int x = 0;
	for (size_t i = 0; i < XN_COL__COUNT; i++) {
		enum xn_col_id id = xn_column_order[i];
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
