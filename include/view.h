/* view.h - renders the whole screen (summary, node panel, domain table,
 * heatmap, help, status line) into a canvas. Pure: reads a snapshot and the
 * UI state, writes cells; no curses, no clock, no host lookups, so golden
 * tests can compare screens byte for byte. */
#ifndef XN_VIEW_H
#define XN_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "columns.h"
#include "prompt.h"
#include "snapshot.h"

/* Below this the screen only says "terminal too small: WxH, need 60x12". */
enum { XN_VIEW_MIN_W = 60, XN_VIEW_MIN_H = 12 };

enum xn_view_mode { XN_MODE_MAIN = 0, XN_MODE_HEATMAP, XN_MODE_HELP };

/* What the terminal can show. */
struct xn_view_caps {
	bool utf8;  /* UTF-8 locale: block glyphs; else ASCII only */
	bool color; /* colours (not NO_COLOR, terminal has them); else glyph ramp */
};

/* The UI state, owned by the TUI loop (no statics). Zero it, then
 * xn_view_init(); xn_view_free() releases rows. */
struct xn_view {
	enum xn_view_mode mode;
	enum xn_col_id sort_col;
	int sort_node; /* per-node sort column */
	bool sort_reverse;
	enum xn_units units;
	bool show_zones;
	bool zones_exact; /* Xen: every address-width zone, not <4G / >4G */
	bool show_topology;
	bool paused;
	bool ended;   /* replay: the recording has ended */
	double delay; /* seconds between samples */
	char filter[64];
	/* selection by id, so it survives re-sorting and new samples */
	int64_t sel_id;
	bool have_sel;
	size_t sel;    /* index of the selection in rows */
	size_t top;    /* first row shown */
	int page_rows; /* domain rows the last render had room for */
	/* the filtered, sorted rows: pointers into the snapshot given to
	 * xn_view_update(); valid until that snapshot changes */
	const struct xn_domain **rows;
	size_t nr_rows, cap_rows;
	char status[320];
	enum xn_role status_role;
	struct xn_prompt prompt;
	const char *hint;  /* key hint for the status line (e.g. replay keys) */
	char position[40]; /* replay: "sample 2/4", shown in the summary */
};

/* Defaults: sort by name, units, delay; zones shown. */
void xn_view_init(struct xn_view *v, enum xn_units units, double delay);
/* Free the rows; v may be initialised again. */
void xn_view_free(struct xn_view *v);

/* Sort by a column, in its natural direction: figures largest first; ids,
 * names, states, node lists and methods in ascending order. */
void xn_view_set_sort(struct xn_view *v, enum xn_col_id col, int node_idx);

/* Rebuild rows from s (filter, sort), keep the selection on the same id
 * (or the same index when it is gone). 0 or -ENOMEM. */
int xn_view_update(struct xn_view *v, const struct xn_snapshot *s);

/* Move the selection by delta rows (clamped), or to an absolute index. */
void xn_view_select_by(struct xn_view *v, long delta);
void xn_view_select_at(struct xn_view *v, size_t idx);

/* The selected domain, or NULL. */
const struct xn_domain *xn_view_selected(const struct xn_view *v);

/* Set the status line message. */
void xn_view_status(struct xn_view *v, enum xn_role role, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Render everything into c (already sized to the terminal). s may be NULL
 * (no sample yet). Adjusts v->top / v->page_rows for scrolling. */
void xn_view_render(struct xn_canvas *c, struct xn_view *v, const struct xn_snapshot *s,
                    const struct xn_view_caps *caps);

/* Heat level 0..9 of pages out of total (0 only when pages == 0). */
int xn_heat_level(uint64_t pages, uint64_t total);

/* The monochrome glyph ramp " .:-=+*#%@", one per level. */
char xn_heat_glyph(int level);

/* --- layout of the domain table (layout.c) --- */

enum { XN_LAYOUT_MAX_COLS = 64 };

struct xn_layout_col {
	enum xn_col_id id;
	int node_idx; /* per-node columns */
	int x, width;
	bool left;
};

struct xn_layout {
	int n;
	struct xn_layout_col cols[XN_LAYOUT_MAX_COLS];
	int hidden_nodes; /* node columns that did not fit */
};

/* Choose the table's columns for a screen width: the name, one heat cell
 * per node and LOCAL% first, then the others by importance; shown in the
 * canonical order, one blank between columns, never wider than width. */
void xn_layout_table(int width, int nr_nodes, struct xn_layout *out);

/* --- parts of the screen (view_*.c), each returns the rows it used --- */

int xn_view_draw_summary(struct xn_canvas *c, int y, const struct xn_view *v,
                         const struct xn_snapshot *s);
int xn_view_draw_nodes(struct xn_canvas *c, int y, int max_rows, const struct xn_view *v,
                       const struct xn_snapshot *s, const struct xn_view_caps *caps);
int xn_view_draw_table(struct xn_canvas *c, int y, int rows, struct xn_view *v,
                       const struct xn_snapshot *s, const struct xn_view_caps *caps);
/* Whole screens: the heatmap ('H') and the help ('h'). */
void xn_view_draw_heatmap(struct xn_canvas *c, struct xn_view *v, const struct xn_snapshot *s,
                          const struct xn_view_caps *caps);
void xn_view_draw_help(struct xn_canvas *c, const struct xn_view *v);
/* One heat cell of width w at (x, y). */
void xn_view_heat_cell(struct xn_canvas *c, int x, int y, int w, const struct xn_domain *d,
                       int node_idx, const struct xn_snapshot *s, enum xn_units units,
                       const struct xn_view_caps *caps);

#endif
