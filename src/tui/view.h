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
#include "trend.h"

/* Below this the screen only says "terminal too small: WxH, need 60x12". */
enum { XN_VIEW_MIN_W = 60, XN_VIEW_MIN_H = 12 };

enum xn_view_mode {
	XN_MODE_MAIN = 0,
	XN_MODE_HEATMAP,
	XN_MODE_HELP,
	XN_MODE_DETAIL,
	XN_MODE_COLUMNS /* the column chooser ('c') */
};

/* LOCAL% thresholds, in one place (the man page quotes them): good at or
 * above XN_LOCAL_GOOD, warn at or above XN_LOCAL_WARN, bad below it. Colour:
 * OK / WARN / ERROR roles; monochrome: no mark / '~' / 'x' before the figure. */
enum { XN_LOCAL_GOOD = 80, XN_LOCAL_WARN = 50 };

/* Refreshes after an applied advice during which the screen compares the
 * predicted LOCAL% with the one measured. */
enum { XN_VIEW_CHECK_REFRESHES = 5 };

/* An applied advice being checked: predicted against actual locality. */
struct xn_view_check {
	bool active;
	int64_t domid;
	char name[64];      /* escaped, for the status line */
	double predicted;   /* advice.local_expected when applied */
	unsigned refreshes; /* samples taken since it was applied */
};

/* What the terminal can show. */
struct xn_view_caps {
	bool utf8;  /* UTF-8 locale: block glyphs; else ASCII only */
	bool color; /* colours (not NO_COLOR, terminal has them); else glyph ramp */
};

/* One line of the help screen: the keys and what they do. */
struct xn_help_entry {
	const char *label; /* "q Esc" */
	const char *help;
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
	bool show_vcpus; /* 'v': one row per vCPU under each domain */
	unsigned show;   /* XN_SHOW_* column groups kept first on screen (-n, -x, N, B) */
	/* the columns the table showed last (0 nodes_on until drawn): 's'
	 * cycles through these only */
	bool col_on[XN_COL__COUNT];
	/* columns the operator hid (--columns, the chooser 'c'): XN_COL_BIT
	 * set; NAME is never hidden on the screen */
	uint64_t col_hidden;
	int cols_sel;                /* the chooser's selected line */
	enum xn_view_mode cols_from; /* the mode the chooser returns to */
	int nodes_on;
	int names_cut_to, names_want; /* -f: NAME's width when it cuts a name, else 0 */
	bool dom0_first;              /* -z: domain 0 first whatever the sort */
	bool full_names;              /* -f: the name column widens to the longest name it can */
	bool paused;
	bool ended;   /* replay: the recording has ended */
	double delay; /* seconds between samples */
	char filter[64];
	/* selection by id, so it survives re-sorting and new samples */
	int64_t sel_id;
	bool have_sel;
	size_t sel;    /* index of the selection in rows */
	size_t top;    /* first line shown: a domain row or one of its vCPU rows; the
	                  selection is always a domain (moving skips vCPU rows) */
	int page_rows; /* domain rows the last render had room for */
	/* the filtered, sorted rows: pointers into the snapshot given to
	 * xn_view_update(); valid until that snapshot changes */
	const struct xn_domain **rows;
	size_t nr_rows, cap_rows;
	char status[320];
	enum xn_role status_role;
	struct xn_prompt prompt;
	const char *hint;            /* key hint for the status line (e.g. replay keys) */
	char position[40];           /* replay: "sample 2/4", shown in the summary */
	enum xn_view_mode help_from; /* the mode the help screen returns to */
	int help_top;                /* first help line shown (scrolling) */
	/* The help screen's key lines, as the controller's key table says them
	 * (set by xn_view_set_help; the view never calls the controller). */
	const struct xn_help_entry *help;
	size_t nr_help;
	enum xn_view_mode detail_from; /* the mode the detail view returns to */
	int detail_top;                /* first body row shown (scrolling; clamped by the render) */
	int detail_rows;               /* body rows the last render showed */
	struct xn_view_check check;
	size_t pages_unknown_said; /* domains without node figures, as last said */
	struct xn_trends trends;   /* LOCAL% and free memory over the last samples */
};

/* Defaults: sort by name, units, delay; zones shown. */
void xn_view_init(struct xn_view *v, enum xn_units units, double delay);
/* The key lines the help screen shows (owned by the caller, kept as long as v). */
void xn_view_set_help(struct xn_view *v, const struct xn_help_entry *help, size_t n);
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

/* A new sample was taken: says once on the status line (when it is free)
 * why node figures are unknown when the number of such domains changes;
 * counts the refreshes of an advice check and ends it after
 * XN_VIEW_CHECK_REFRESHES. */
void xn_view_sampled(struct xn_view *v, const struct xn_snapshot *s);

/* Why d's node figures are unknown, in words, from the snapshot's origin
 * (e.g. "/proc/1/numa_maps could not be read (not permitted: ...)"). */
void xn_view_pages_why(const struct xn_snapshot *s, const struct xn_domain *d, char *buf,
                       size_t len);

/* Start checking the advice just applied to d (its predicted LOCAL%). */
void xn_view_check_start(struct xn_view *v, const struct xn_domain *d);

/* The check's text for domain id (any domain when id < 0), e.g. "predicted
 * 100.0, now 97.3 (2 refreshes)"; returns its role (OK when the measure is
 * within XN_ADVISE_MIN_GAIN points of the prediction, else WARN), or -1
 * and "" when no check is shown. */
int xn_view_check_text(const struct xn_view *v, const struct xn_snapshot *s, int64_t id, char *buf,
                       size_t len);

/* Role and monochrome mark of a LOCAL% figure (thresholds above). */
enum xn_role xn_local_role(double locality);
char xn_local_mark(double locality);

/* Lines a domain takes in the table: its row, plus one per vCPU when
 * v->show_vcpus (one "vCPUs unknown" line when their number is unknown). */
size_t xn_view_dom_lines(const struct xn_view *v, const struct xn_domain *d);

/* The advice's action in words: what (for a question: "run vCPUs on node
 * 0", "move memory to node 3", "run vCPUs on node 1 and move memory
 * there") and detail (what it does, with the figures: the share of the
 * memory already there, or the pages moved, or on a source that moves no
 * existing page how many stay where they are; then the expected LOCAL%).
 * Both empty when nothing is advised. */
void xn_advice_words(const struct xn_advice *a, const struct xn_domain *d,
                     const struct xn_snapshot *s, char *what, size_t wlen, char *detail,
                     size_t dlen);

/* Render everything into c (already sized to the terminal). s may be NULL
 * (no sample yet). Adjusts v->top / v->page_rows for scrolling. */
void xn_view_render(struct xn_canvas *c, struct xn_view *v, const struct xn_snapshot *s,
                    const struct xn_view_caps *caps);

/* Heat level 0..9 of pages out of total (0 only when pages == 0). */
int xn_heat_level(uint64_t pages, uint64_t total);

/* The monochrome glyph ramp " .:-=+*#%@", one per level. */
char xn_heat_glyph(int level);

/* --- layout of the domain table (layout.c) --- */

/* The table starts after a gutter of this many cells that marks misplaced
 * domains ('!', advice.h xn_advice_is_misplaced). */
enum { XN_LAYOUT_MAX_COLS = 64, XN_LAYOUT_GUTTER = 1 };

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

/* Choose the table's columns for a screen width, in the order an operator
 * looks for them: the name, STATE, CPU(%), MEM(k), one heat cell per node
 * (never narrower than its title with the unit; LOCAL%'s room kept), LOCAL%
 * and ADVICE, then the others by importance, METHOD last but xentop's
 * network, VBD and SSID columns (the XN_SHOW_* groups asked for come right
 * after ADVICE). Shown in xn_column_order (the batch text's order) after the
 * gutter, one blank between columns, never wider than width. name_want (-f;
 * 0 otherwise): the width the longest name needs, which the name may take of
 * the room left. hidden: the XN_COL_BIT set never shown (NAME is shown
 * whatever it says). */
/* The columns after NAME in the order the screen keeps them when the width
 * runs short (the XN_SHOW_* groups asked for moved up); returns the count. */
size_t xn_layout_priority(unsigned show, enum xn_col_id *out);

/* The chooser's lines: NAME, then xn_layout_priority's order. */
size_t xn_view_columns_list(const struct xn_view *v, enum xn_col_id *out);
void xn_view_draw_columns(struct xn_canvas *c, struct xn_view *v, const struct xn_snapshot *s);

void xn_layout_table(int width, int nr_nodes, enum xn_units units, unsigned show, uint64_t hidden,
                     int name_want, struct xn_layout *out);

/* --- parts of the screen (view_*.c), each returns the rows it used --- */

int xn_view_draw_summary(struct xn_canvas *c, int y, const struct xn_view *v,
                         const struct xn_snapshot *s, const struct xn_view_caps *caps);
int xn_view_draw_nodes(struct xn_canvas *c, int y, int max_rows, const struct xn_view *v,
                       const struct xn_snapshot *s, const struct xn_view_caps *caps);
int xn_view_draw_table(struct xn_canvas *c, int y, int rows, struct xn_view *v,
                       const struct xn_snapshot *s, const struct xn_view_caps *caps);

/* Whole screens: the heatmap ('H'), the help ('h') and the detail view of
 * the selected domain (Enter). */
void xn_view_draw_heatmap(struct xn_canvas *c, struct xn_view *v, const struct xn_snapshot *s,
                          const struct xn_view_caps *caps);
void xn_view_draw_detail(struct xn_canvas *c, struct xn_view *v, const struct xn_snapshot *s,
                         const struct xn_view_caps *caps);
void xn_view_draw_help(struct xn_canvas *c, const struct xn_view *v);
/* Lines of the help text, and how many a canvas shows at once. */
int xn_view_help_lines(const struct xn_view *v);
int xn_view_help_rows(const struct xn_canvas *c);
/* One heat cell of width w at (x, y). */
void xn_view_heat_cell(struct xn_canvas *c, int x, int y, int w, const struct xn_domain *d,
                       int node_idx, const struct xn_snapshot *s, enum xn_units units,
                       const struct xn_view_caps *caps);

#endif
