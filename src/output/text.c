/* text.c - batch output without a terminal: xentop-compatible text
 * and CSV, both through the column table; JSON goes to json_write.c. */
#include <errno.h>
#include <inttypes.h>
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

/* Expand the column order into slots (per-node ids become one slot per
 * host node): every column, xentop's full set included, whatever -n/-x
 * say, so that a client mapping xentop's header finds all its fields;
 * --columns (mask, 0 for all) keeps only the columns asked for.
 * Returns the count, or -ENOMEM. */
static int slots_build(const struct xn_snapshot *s, uint64_t mask, struct slot **out)
{
	const enum xn_col_id *order = xn_column_order;
	size_t n = XN_COL__COUNT;
	int nn = s->host.nr_nodes > 0 ? s->host.nr_nodes : 0;
	struct slot *sl = calloc(n + (size_t)nn, sizeof(*sl));
	int k = 0;
	if (!sl)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (mask && !(mask & XN_COL_BIT(order[i])))
			continue; /* --columns */
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

/* One word per title, so that `read` and awk split the header as the rows:
 * "N0(MiB)", "OUTSIDE(pg)". */
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

/* Cut a formatted value to w display characters (xentop's %10.10s for
 * names), never inside a UTF-8 sequence. */
static void text_cut(char *v, int w)
{
	int n = 0;
	for (char *p = v; *p; p++)
		if (((unsigned char)*p & 0xc0) != 0x80 && n++ == w) {
			*p = '\0';
			return;
		}
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

/* A name's blanks as "\x20", so that every field of a row is one word (the
 * escaping is unambiguous: a backslash is already "\\"). */
static void text_one_word(char *v, size_t len)
{
	char tmp[CELL];
	size_t o = 0;
	for (const char *p = v; *p && o + 5 < sizeof(tmp); p++) {
		if (*p == ' ') {
			memcpy(tmp + o, "\\x20", 4);
			o += 4;
		} else {
			tmp[o++] = *p;
		}
	}
	tmp[o] = '\0';
	snprintf(v, len, "%s", tmp);
}

/* xentop's STATE as its clients match it, [-d][-s][-b][-c][-p][-r]: a
 * flag not known (an unknown state, a recording's stray byte) reads as
 * not set. */
static void text_state(char *v, size_t len)
{
	static const char flags[] = "dsbcpr";
	char st[7];
	for (int i = 0; i < 6; i++)
		st[i] = (size_t)i < strlen(v) && v[i] == flags[i] ? flags[i] : '-';
	st[6] = '\0';
	snprintf(v, len, "%s", st);
}

static void text_cell(const struct xn_fmt_ctx *ctx, const struct xn_out_opts *o,
                      const struct slot *sl, const struct xn_domain *d, char *cell, size_t len)
{
	xn_columns[sl->col].format(ctx, d, sl->node_idx, cell, len);
	if (sl->col == XN_COL_STATE)
		text_state(cell, len);
	if (sl->col != XN_COL_NAME)
		return;
	if (!cell[0]) /* an empty name would leave the row a field short */
		snprintf(cell, len, "-");
	text_one_word(cell, len);
	if (!o->full_names)
		text_cut(cell, xn_columns[XN_COL_NAME].width);
}

static void text_header(FILE *f, const struct xn_snapshot *s, const struct xn_out_opts *o,
                        const struct slot *sl, const int *w, int n)
{
	char cell[CELL];
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(' ', f);
		text_title(&sl[i], s, o->units, cell, sizeof(cell));
		put_cell(f, cell, w[i], text_left(sl[i].col), i == n - 1);
	}
	fputc('\n', f);
}

/* xentop -v: one line per vCPU under its domain, indented under the name. */
static void text_vcpus(FILE *f, const struct xn_domain *d)
{
	if (!(d->valid & XN_DOM_VCPUS) || !d->vcpus) {
		fputs("  vCPUs unknown\n", f);
		return;
	}
	for (uint32_t k = 0; k < d->vcpus; k++) {
		char cpu[24], node[24], h[96], so[96];
		const char *state, *hard, *soft;
		xn_vcpu_fields(d, k, cpu, node, &state, &hard, &soft, sizeof(cpu));
		xn_text_escape(hard, h, sizeof(h));
		xn_text_escape(soft, so, sizeof(so));
		fprintf(f, "  vCPU %u CPU %s node %s state %s hard %s soft %s\n", k, cpu, node,
		        state, h, so);
	}
}

/* xentop -n: a line per network interface after its domain, xentop's own
 * (Net<index>: dom0's side of the vif, totals). A domain whose interfaces
 * the source did not list one by one (Linux, a recording) gets none, as a
 * domain without interfaces. */
static void text_nets(FILE *f, const struct xn_domain *d)
{
	if (!(d->valid & XN_DOM_NET_DEVS))
		return;
	for (uint32_t i = 0; i < d->nets; i++) {
		const struct xn_netif *n = &d->netif[i];
		fprintf(f,
		        "Net%" PRIu32 " RX: %8" PRIu64 "bytes %8" PRIu64 "pkts %8" PRIu64
		        "err %8" PRIu64 "drop  TX: %8" PRIu64 "bytes %8" PRIu64 "pkts %8" PRIu64
		        "err %8" PRIu64 "drop\n",
		        i, n->rx_bytes, n->rx_pkts, n->rx_errs, n->rx_drop, n->tx_bytes, n->tx_pkts,
		        n->tx_errs, n->tx_drop);
	}
}

/* xentop -x: a line per VBD after its domain, xentop's own: the backend,
 * the device number, its major:minor in hex, "-" for each figure of a VBD
 * whose statistics could not be read. */
static void text_vbds(FILE *f, const struct xn_domain *d)
{
	static const char *const kinds[] = {[XN_VBD_UNKNOWN] = "Unidentified",
	                                    [XN_VBD_BLKBACK] = "BlkBack",
	                                    [XN_VBD_BLKTAP] = "BlkTap",
	                                    [XN_VBD_QDISK] = "QDisk"};
	if (!(d->valid & XN_DOM_VBD_DEVS))
		return;
	for (uint32_t i = 0; i < d->vbds; i++) {
		const struct xn_vbd *v = &d->vbd[i];
		const char *kind = (unsigned)v->kind <= XN_VBD_QDISK ? kinds[v->kind] : kinds[0];
		fprintf(f, "VBD %s %4" PRIu32 " [%2x:%2x]  ", kind, v->dev, v->dev >> 8,
		        v->dev & 0xffu);
		if (v->error)
			fprintf(f, "OO: %8c   RD: %8c   WR: %8c   RSECT: %10c   WSECT: %10c\n", '-',
			        '-', '-', '-', '-');
		else
			fprintf(f,
			        "OO: %8" PRIu64 "   RD: %8" PRIu64 "   WR: %8" PRIu64
			        "   RSECT: %10" PRIu64 "   WSECT: %10" PRIu64 "\n",
			        v->oo, v->rd, v->wr, v->rsect, v->wsect);
	}
}

/* rows[0..nrows-1]: the domains in output order. */
static int output_text(FILE *f, const struct xn_snapshot *s, const struct xn_out_opts *o,
                       const struct xn_domain **rows, size_t nrows)
{
	struct slot *sl;
	int n = slots_build(s, o->columns, &sl);
	if (n < 0)
		return n;
	int *w = calloc((size_t)n, sizeof(*w));
	if (!w) {
		free(sl);
		return -ENOMEM;
	}
	struct xn_fmt_ctx ctx = {.snap = s, .units = o->units};
	char cell[CELL];
	/* Widen a column to its longest value (names only with -f, as xentop). */
	for (int i = 0; i < n; i++) {
		text_title(&sl[i], s, o->units, cell, sizeof(cell));
		w[i] = text_width(cell);
		if (w[i] < xn_columns[sl[i].col].width)
			w[i] = xn_columns[sl[i].col].width;
		for (size_t d = 0; d < nrows; d++) {
			text_cell(&ctx, o, &sl[i], rows[d], cell, sizeof(cell));
			int cw = text_width(cell);
			if (cw > w[i])
				w[i] = cw;
		}
	}
	if (!o->repeat_header || nrows == 0)
		text_header(f, s, o, sl, w, n);
	for (size_t d = 0; d < nrows; d++) {
		if (o->repeat_header)
			text_header(f, s, o, sl, w, n);
		for (int i = 0; i < n; i++) {
			if (i)
				fputc(' ', f);
			text_cell(&ctx, o, &sl[i], rows[d], cell, sizeof(cell));
			put_cell(f, cell, w[i], text_left(sl[i].col), i == n - 1);
		}
		fputc('\n', f);
		if (o->vcpus)
			text_vcpus(f, rows[d]);
		if (o->show & XN_SHOW_NET)
			text_nets(f, rows[d]);
		if (o->show & XN_SHOW_VBD)
			text_vbds(f, rows[d]);
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

/* A figure CSV can hand to a number parser as it is. */
static bool csv_number(const char *v)
{
	char *end;
	if (!*v)
		return false;
	strtod(v, &end);
	return *end == '\0';
}

/* The node ids the CSV header was written for, as a string ("0,1,3"). */
static void csv_node_key(const struct xn_snapshot *s, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int i = 0; i < s->host.nr_nodes && o + 12 < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%d,", s->host.nodes[i].id);
}

static int output_csv(FILE *f, const struct xn_snapshot *s, const struct xn_out_opts *o,
                      long iteration, const struct xn_domain **rows, size_t nrows,
                      struct xn_out_state *st)
{
	enum xn_units u = o->units;
	struct slot *sl;
	int n = slots_build(s, o->columns, &sl);
	if (n < 0)
		return n;
	char cell[CELL];
	char key[sizeof(st->csv_nodes)];
	csv_node_key(s, key, sizeof(key));
	bool header = iteration == 0 || (st && !st->csv_header);
	if (!header && st && strcmp(key, st->csv_nodes)) {
		/* The columns change with the nodes: a new header block, said on
		 * stderr, rather than rows that no longer match the header. */
		xn_warn("the host now has %d node(s): a new CSV header follows", s->host.nr_nodes);
		fputc('\n', f);
		header = true;
	}
	if (st) {
		st->csv_header = true;
		memcpy(st->csv_nodes, key, sizeof(key));
	}
	if (header) {
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
				snprintf(cell, sizeof(cell), "%s", c->csv ? c->csv : c->key);
			fputc(',', f);
			csv_field(f, cell);
		}
		fputc('\n', f);
	}
	struct xn_fmt_ctx ctx = {.snap = s, .units = u};
	for (size_t d = 0; d < nrows; d++) {
		csv_time(f, &s->time);
		for (int i = 0; i < n; i++) {
			const struct xn_column *c = &xn_columns[sl[i].col];
			c->format(&ctx, rows[d], sl[i].node_idx, cell, sizeof(cell));
			fputc(',', f);
			/* unknown is an empty field in CSV (a process may really be
			 * named "-"); a numeric field holds a number or nothing
			 * (MAXMEM's "unlimited" too) */
			bool unknown =
			        c->numeric ? !csv_number(cell)
			                   : !strcmp(cell, "-") &&
			                             !(sl[i].col == XN_COL_NAME && rows[d]->name);
			csv_field(f, unknown ? "" : cell);
		}
		fputc('\n', f);
	}
	free(sl);
	return 0;
}

int xn_output_write(FILE *f, enum xn_format fmt, const struct xn_snapshot *s, long iteration,
                    const struct xn_out_opts *o, struct xn_out_state *st)
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
	if (o->sort_col != XN_COL_ID || o->reverse)
		xn_columns_sort(rows, nrows, o->sort_col, o->sort_node, o->reverse);
	if (o->dom0_first)
		xn_columns_dom0_first(rows, nrows);
	int r = fmt == XN_FMT_CSV ? output_csv(f, s, o, iteration, rows, nrows, st)
	                          : output_text(f, s, o, rows, nrows);
	free(rows);
	if (r)
		return r;
	if (fflush(f) != 0 || ferror(f))
		return errno ? -errno : -EIO;
	return 0;
}

int xn_output_sample_sorted(FILE *f, enum xn_format fmt, const struct xn_snapshot *s,
                            enum xn_units units, long iteration, enum xn_col_id col, int node_idx,
                            bool reverse)
{
	struct xn_out_opts o = {
	        .units = units, .sort_col = col, .sort_node = node_idx, .reverse = reverse};
	return xn_output_write(f, fmt, s, iteration, &o, NULL);
}

int xn_output_sample(FILE *f, enum xn_format fmt, const struct xn_snapshot *s, enum xn_units units,
                     long iteration)
{
	/* the snapshot is in id order already */
	return xn_output_sample_sorted(f, fmt, s, units, iteration, XN_COL_ID, -1, false);
}
