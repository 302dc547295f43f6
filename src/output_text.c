/* output_text.c - batch output without a terminal: xentop-compatible text
 * and CSV, both through the column table; JSON goes to json_write.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output.h"
#include "util.h"

enum { CELL = 256 };

/* One output column: a table entry, and the node for per-node ones. */
struct slot {
	enum xn_col_id col;
	int node_idx;
};

/* Text order: xentop's columns first, unchanged, so scripts that read
 * xentop -b by position keep working; then ours. */
static const enum xn_col_id text_order[] = {
        XN_COL_NAME,    XN_COL_STATE,  XN_COL_CPU_SEC,    XN_COL_CPU_PCT, XN_COL_MEM,
        XN_COL_MEM_PCT, XN_COL_MAXMEM, XN_COL_MAXMEM_PCT, XN_COL_VCPUS,   XN_COL_ID,
        XN_COL_NODE,    XN_COL_LOCAL,  XN_COL_AFFINITY,   XN_COL_OUTSIDE, XN_COL_METHOD,
        XN_COL_VNODES,  XN_COL_ADVICE,
};

/* Expand an order of column ids into slots (per-node ids become one slot
 * per host node). Returns the count, or -ENOMEM. */
static int slots_build(const enum xn_col_id *order, size_t n, const struct xn_snapshot *s,
                       struct slot **out)
{
	int nn = s->host.nr_nodes > 0 ? s->host.nr_nodes : 0;
	struct slot *sl = calloc(n + (size_t)nn, sizeof(*sl));
	int k = 0;
	if (!sl)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (xn_columns[order[i]].per_node) {
			for (int j = 0; j < nn; j++)
				sl[k++] = (struct slot){order[i], j};
		} else {
			sl[k++] = (struct slot){order[i], -1};
		}
	}
	*out = sl;
	return k;
}

static const char *units_suffix(enum xn_units u, bool csv)
{
	switch (u) {
	case XN_UNITS_PAGES:
		return csv ? "pages" : "pg";
	case XN_UNITS_PCT:
		return csv ? "pct" : "%";
	case XN_UNITS_MIB:
	default:
		return csv ? "mib" : "MiB";
	}
}

/* Columns whose values are in the chosen units say so in their title. */
static bool has_units(enum xn_col_id c)
{
	return c == XN_COL_NODE || c == XN_COL_OUTSIDE;
}

static void text_title(const struct slot *sl, const struct xn_snapshot *s, enum xn_units u,
                       char *buf, size_t len)
{
	char t[64];
	xn_column_title(sl->col, s, sl->node_idx, t, sizeof(t));
	if (has_units(sl->col))
		snprintf(buf, len, "%s(%s)", t, units_suffix(u, false));
	else
		snprintf(buf, len, "%s", t);
}

/* Display width: characters, not bytes (names may hold UTF-8; the name
 * formatter has already escaped everything else). */
static int text_width(const char *s)
{
	int w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static void put_cell(FILE *f, const char *v, int width, bool left, bool last)
{
	int pad = width - text_width(v);
	if (pad < 0)
		pad = 0;
	if (!left)
		fprintf(f, "%*s", pad, "");
	fputs(v, f);
	if (left && !last)
		fprintf(f, "%*s", pad, "");
}

/* xentop right-aligns everything, the name included; only our free-text
 * columns at the end are left-aligned. */
static bool text_left(enum xn_col_id c)
{
	return c != XN_COL_NAME && xn_columns[c].left;
}

/* rows[0..nrows-1]: the domains in output order. */
static int output_text(FILE *f, const struct xn_snapshot *s, enum xn_units u,
                       const struct xn_domain **rows, size_t nrows)
{
	struct slot *sl;
	int n = slots_build(text_order, XN_ARRAY_SIZE(text_order), s, &sl);
	if (n < 0)
		return n;
	int *w = calloc((size_t)n, sizeof(*w));
	if (!w) {
		free(sl);
		return -ENOMEM;
	}
	struct xn_fmt_ctx ctx = {.snap = s, .units = u};
	char cell[CELL];
	/* Widen a column to its longest value, as xentop -f does for names. */
	for (int i = 0; i < n; i++) {
		text_title(&sl[i], s, u, cell, sizeof(cell));
		w[i] = text_width(cell);
		if (w[i] < xn_columns[sl[i].col].width)
			w[i] = xn_columns[sl[i].col].width;
		for (size_t d = 0; d < nrows; d++) {
			xn_columns[sl[i].col].format(&ctx, rows[d], sl[i].node_idx, cell,
			                             sizeof(cell));
			int cw = text_width(cell);
			if (cw > w[i])
				w[i] = cw;
		}
	}
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(' ', f);
		text_title(&sl[i], s, u, cell, sizeof(cell));
		put_cell(f, cell, w[i], text_left(sl[i].col), i == n - 1);
	}
	fputc('\n', f);
	for (size_t d = 0; d < nrows; d++) {
		for (int i = 0; i < n; i++) {
			if (i)
				fputc(' ', f);
			xn_columns[sl[i].col].format(&ctx, rows[d], sl[i].node_idx, cell,
			                             sizeof(cell));
			put_cell(f, cell, w[i], text_left(sl[i].col), i == n - 1);
		}
		fputc('\n', f);
	}
	free(w);
	free(sl);
	return 0;
}

/* RFC 4180 field: quoted when it holds a comma, quote, CR/LF or edge
 * spaces; quotes doubled. (Names arrive escaped by the name formatter, so
 * control characters never reach the output raw.) */
static void csv_field(FILE *f, const char *v)
{
	size_t len = strlen(v);
	bool quote =
	        strpbrk(v, ",\"\r\n") != NULL || (len > 0 && (v[0] == ' ' || v[len - 1] == ' '));
	if (!quote) {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	for (; *v; v++) {
		if (*v == '"')
			fputc('"', f);
		fputc(*v, f);
	}
	fputc('"', f);
}

static void csv_time(FILE *f, const struct timespec *t)
{
	struct tm tm;
	time_t sec = t->tv_sec;
	char buf[64];
	if (gmtime_r(&sec, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm))
		fprintf(f, "%s.%03ldZ", buf, (t->tv_nsec / 1000000) % 1000);
}

static int output_csv(FILE *f, const struct xn_snapshot *s, enum xn_units u, long iteration,
                      const struct xn_domain **rows, size_t nrows)
{
	enum xn_col_id order[XN_COL__COUNT];
	for (int i = 0; i < XN_COL__COUNT; i++)
		order[i] = (enum xn_col_id)i;
	struct slot *sl;
	int n = slots_build(order, XN_COL__COUNT, s, &sl);
	if (n < 0)
		return n;
	char cell[CELL];
	if (iteration == 0) {
		fputs("time", f);
		for (int i = 0; i < n; i++) {
			const struct xn_column *c = &xn_columns[sl[i].col];
			if (c->per_node)
				snprintf(cell, sizeof(cell), "%s%d_%s", c->key,
				         s->host.nodes[sl[i].node_idx].id, units_suffix(u, true));
			else if (has_units(sl[i].col))
				snprintf(cell, sizeof(cell), "%s_%s", c->key,
				         units_suffix(u, true));
			else
				snprintf(cell, sizeof(cell), "%s", c->key);
			fputc(',', f);
			csv_field(f, cell);
		}
		fputc('\n', f);
	}
	struct xn_fmt_ctx ctx = {.snap = s, .units = u};
	for (size_t d = 0; d < nrows; d++) {
		csv_time(f, &s->time);
		for (int i = 0; i < n; i++) {
			xn_columns[sl[i].col].format(&ctx, rows[d], sl[i].node_idx, cell,
			                             sizeof(cell));
			fputc(',', f);
			/* unknown is an empty field in CSV (a process may really be
			 * named "-") */
			bool unknown =
			        !strcmp(cell, "-") && !(sl[i].col == XN_COL_NAME && rows[d]->name);
			csv_field(f, unknown ? "" : cell);
		}
		fputc('\n', f);
	}
	free(sl);
	return 0;
}

int xn_output_sample_sorted(FILE *f, enum xn_format fmt, const struct xn_snapshot *s,
                            enum xn_units units, long iteration, enum xn_col_id col, int node_idx,
                            bool reverse)
{
	if (fmt == XN_FMT_JSON)
		return xn_json_write_snapshot(f, s);
	/* The count is read once: the writers are handed exactly the rows
	 * filled in here. */
	size_t nrows = s->nr_domains;
	const struct xn_domain **rows =
	        malloc((nrows ? nrows : 1) * sizeof(const struct xn_domain *));
	if (!rows)
		return -ENOMEM;
	for (size_t i = 0; i < nrows; i++)
		rows[i] = &s->domains[i];
	if (col != XN_COL_ID || reverse)
		xn_columns_sort(rows, nrows, col, node_idx, reverse);
	int r = fmt == XN_FMT_CSV ? output_csv(f, s, units, iteration, rows, nrows)
	                          : output_text(f, s, units, rows, nrows);
	free(rows);
	if (r)
		return r;
	if (fflush(f) != 0 || ferror(f))
		return errno ? -errno : -EIO;
	return 0;
}

int xn_output_sample(FILE *f, enum xn_format fmt, const struct xn_snapshot *s, enum xn_units units,
                     long iteration)
{
	/* the snapshot is in id order already */
	return xn_output_sample_sorted(f, fmt, s, units, iteration, XN_COL_ID, -1, false);
}
