/* view.c - the UI state (rows, selection, status) and the screen's frame:
 * which part goes where, the too-small message and the status line. */
#include "view.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "util.h"

void xn_view_init(struct xn_view *v, enum xn_units units, double delay)
{
	memset(v, 0, sizeof(*v));
	v->sort_col = XN_COL_NAME;
	v->units = units;
	v->delay = delay;
	v->show_zones = true;
	v->status_role = XN_ROLE_STATUS;
}

void xn_view_set_help(struct xn_view *v, const struct xn_help_entry *help, size_t n)
{
	v->help = help;
	v->nr_help = n;
}

void xn_view_free(struct xn_view *v)
{
	free(v->rows);
	v->rows = NULL;
	v->nr_rows = v->cap_rows = 0;
	xn_trends_free(&v->trends);
}

void xn_view_set_sort(struct xn_view *v, enum xn_col_id col, int node_idx)
{
	v->sort_col = col;
	v->sort_node = col == XN_COL_NODE ? node_idx : 0;
	v->sort_reverse = xn_column_default_reverse(col);
}

static bool name_matches(const struct xn_domain *d, const char *filter)
{
	if (!filter[0])
		return true;
	return d->name && strcasestr(d->name, filter) != NULL;
}

int xn_view_update(struct xn_view *v, const struct xn_snapshot *s)
{
	v->nr_rows = 0;
	if (!s)
		return 0;
	if (s->nr_domains > v->cap_rows) {
		const struct xn_domain **nr =
		        realloc(v->rows, s->nr_domains * sizeof(const struct xn_domain *));
		if (!nr)
			return -ENOMEM;
		v->rows = nr;
		v->cap_rows = s->nr_domains;
	}
	for (size_t i = 0; i < s->nr_domains; i++)
		if (name_matches(&s->domains[i], v->filter))
			v->rows[v->nr_rows++] = &s->domains[i];
	if (v->sort_col == XN_COL_NODE && v->sort_node >= s->host.nr_nodes)
		v->sort_col = XN_COL_NAME;
	xn_columns_sort(v->rows, v->nr_rows, v->sort_col, v->sort_node, v->sort_reverse);
	/* -z: Domain-0 first, as xentop, whatever the sort */
	if (v->dom0_first)
		xn_columns_dom0_first(v->rows, v->nr_rows);

	if (v->nr_rows == 0) {
		v->sel = 0;
		return 0;
	}
	if (v->have_sel)
		for (size_t i = 0; i < v->nr_rows; i++)
			if (v->rows[i]->id == v->sel_id) {
				v->sel = i;
				return 0;
			}
	/* The selected domain is gone (or hidden): stay at the same place. */
	if (v->sel >= v->nr_rows)
		v->sel = v->nr_rows - 1;
	v->sel_id = v->rows[v->sel]->id;
	v->have_sel = true;
	return 0;
}

void xn_view_select_at(struct xn_view *v, size_t idx)
{
	if (v->nr_rows == 0)
		return;
	if (idx >= v->nr_rows)
		idx = v->nr_rows - 1;
	v->sel = idx;
	v->sel_id = v->rows[idx]->id;
	v->have_sel = true;
}

void xn_view_select_by(struct xn_view *v, long delta)
{
	if (v->nr_rows == 0)
		return;
	long idx = (long)v->sel + delta;
	if (idx < 0)
		idx = 0;
	xn_view_select_at(v, (size_t)idx);
}

const struct xn_domain *xn_view_selected(const struct xn_view *v)
{
	return v->nr_rows && v->sel < v->nr_rows ? v->rows[v->sel] : NULL;
}

void xn_view_status(struct xn_view *v, enum xn_role role, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->status, sizeof(v->status), fmt, ap);
	va_end(ap);
	v->status_role = role;
}

void xn_view_check_start(struct xn_view *v, const struct xn_domain *d)
{
	memset(&v->check, 0, sizeof(v->check));
	v->check.active = true;
	v->check.domid = d->id;
	xn_text_escape(d->name ? d->name : "-", v->check.name, sizeof(v->check.name));
	v->check.predicted = d->advice.local_expected;
}

/* Node figures that cannot be read are said once, on the status line, when
 * the number of such domains changes (the cells themselves show '-'). */
static void say_unknown_pages(struct xn_view *v, const struct xn_snapshot *s)
{
	size_t n = 0;
	const struct xn_domain *first = NULL;
	for (size_t i = 0; i < s->nr_domains; i++)
		if (!(s->domains[i].valid & XN_DOM_PAGES)) {
			if (!first)
				first = &s->domains[i];
			n++;
		}
	if (n == v->pages_unknown_said)
		return;
	v->pages_unknown_said = n;
	if (!n || v->status[0])
		return;
	char name[64], why[200];
	xn_text_escape(first->name ? first->name : "-", name, sizeof(name));
	xn_view_pages_why(s, first, why, sizeof(why));
	xn_view_status(v, XN_ROLE_WARN, "node figures unknown for %zu domain%s, e.g. %s: %s", n,
	               n == 1 ? "" : "s", name, why);
}

void xn_view_sampled(struct xn_view *v, const struct xn_snapshot *s)
{
	if (s)
		say_unknown_pages(v, s);
	if (s && xn_trends_add(&v->trends, s))
		xn_view_status(v, XN_ROLE_WARN, "out of memory: the trends start again");
	if (!v->check.active)
		return;
	if (++v->check.refreshes > XN_VIEW_CHECK_REFRESHES)
		v->check.active = false;
}

static void draw_too_small(struct xn_canvas *c)
{
	char msg[96];
	snprintf(msg, sizeof(msg), "terminal too small: %dx%d, need %dx%d", c->w, c->h,
	         XN_VIEW_MIN_W, XN_VIEW_MIN_H);
	int len = (int)strlen(msg);
	int y = c->h / 2 - 1 > 0 ? c->h / 2 - 1 : 0;
	int x = (c->w - len) / 2 > 0 ? (c->w - len) / 2 : 0;
	xn_canvas_text(c, x, y, -1, XN_ROLE_WARN, msg);
	const char *q = "q quits";
	x = (c->w - 7) / 2 > 0 ? (c->w - 7) / 2 : 0;
	xn_canvas_text(c, x, y + 1, -1, XN_ROLE_DIM, q);
}

static void draw_status(struct xn_canvas *c, const struct xn_view *v, const struct xn_snapshot *s)
{
	int y = c->h - 1;
	char right[160] = "";
	char buf[400];
	xn_canvas_fill(c, 0, y, c->w, ' ', XN_ROLE_STATUS);
	if (v->prompt.kind != XN_PROMPT_NONE) {
		xn_prompt_line(&v->prompt, buf, sizeof(buf));
		xn_canvas_fill(c, 0, y, c->w, ' ', XN_ROLE_PROMPT);
		xn_canvas_text(c, 0, y, -1, XN_ROLE_PROMPT, buf);
		if (v->prompt.hint[0] && y > 0) {
			enum xn_role r = v->prompt.valid ? XN_ROLE_OK : XN_ROLE_ERROR;
			if (v->prompt.len == 0)
				r = XN_ROLE_STATUS;
			else if (v->prompt.valid && v->prompt.future_only)
				r = XN_ROLE_WARN;
			xn_canvas_fill(c, 0, y - 1, c->w, ' ', r);
			xn_canvas_text(c, 0, y - 1, -1, r, v->prompt.hint);
		}
		return;
	}
	int n = 0;
	if (v->ended)
		n += snprintf(right + n, sizeof(right) - (size_t)n, "[end of recording] ");
	else if (v->paused)
		n += snprintf(right + n, sizeof(right) - (size_t)n, "[paused] ");
	if (v->filter[0]) {
		char esc[80];
		xn_text_escape(v->filter, esc, sizeof(esc));
		n += snprintf(right + n, sizeof(right) - (size_t)n, "filter \"%s\" ", esc);
	}
	if (s && v->nr_rows)
		snprintf(right + n, sizeof(right) - (size_t)n, "%zu/%zu", v->sel + 1, v->nr_rows);
	/* an applied advice being checked: name, predicted and measured LOCAL%,
	 * before the rest of the right part, kept when the left is cut */
	char chk[140], who[180];
	int crole = xn_view_check_text(v, s, -1, chk, sizeof(chk));
	int cl = 0;
	if (crole >= 0) {
		cl = snprintf(who, sizeof(who), "%.24s: %s  ", v->check.name, chk);
		if (cl + (int)strlen(right) > c->w)
			cl = 0;
	}
	int rl = (int)strlen(right) + cl;
	const char *hint =
	        v->mode == XN_MODE_DETAIL
	                ? "Esc return  Up Down PgUp PgDn scroll  A apply advice  a affinity  "
	                  "q quit"
	        : v->mode == XN_MODE_COLUMNS
	                ? "Up Down select  Space show / hide  Esc close  q quit"
	                : v->hint;
	char cutmsg[96];
	if (!v->status[0] && v->names_cut_to > 0 && v->mode == XN_MODE_MAIN) {
		snprintf(cutmsg, sizeof(cutmsg),
		         "-f: names cut to %d of %d places (the terminal is too narrow)",
		         v->names_cut_to, v->names_want);
		hint = cutmsg;
	}
	const char *left = v->status[0] ? v->status
	                                : (hint ? hint
	                                        : "h help  q quit  s sort  / filter  Enter detail  "
	                                          "v vCPUs  A advice");
	enum xn_role lr = v->status[0] ? v->status_role : XN_ROLE_STATUS;
	int room = c->w - rl - 1;
	/* a key hint that does not fit ends at a whole item, not mid-word */
	char cut[200];
	if (!v->status[0] && (int)strlen(left) > room && room > 0) {
		xn_strlcpy(cut, left,
		           (size_t)room + 1 < sizeof(cut) ? (size_t)room + 1 : sizeof(cut));
		char *gap = NULL;
		for (char *g = strstr(cut, "  "); g; g = strstr(g + 1, "  "))
			gap = g;
		if (gap)
			*gap = '\0';
		left = cut;
	}
	int used = xn_canvas_text(c, 0, y, room > 0 ? room : 0, lr, left);
	if (used < c->w - rl) {
		if (cl)
			xn_canvas_text(c, c->w - rl, y, cl, (enum xn_role)crole, who);
		xn_canvas_text(c, c->w - rl + cl, y, -1, XN_ROLE_STATUS, right);
	}
}

void xn_view_render(struct xn_canvas *c, struct xn_view *v, const struct xn_snapshot *s,
                    const struct xn_view_caps *caps)
{
	xn_canvas_clear(c);
	if (c->w < XN_VIEW_MIN_W || c->h < XN_VIEW_MIN_H) {
		draw_too_small(c);
		return;
	}
	if (v->mode == XN_MODE_HELP) {
		/* the keys scroll by what the screen shows, and no further than
		 * the last line */
		int rows = xn_view_help_rows(c), last = xn_view_help_lines(v) - rows;
		v->page_rows = rows;
		if (v->help_top > last)
			v->help_top = last > 0 ? last : 0;
		xn_view_draw_help(c, v);
	} else if (v->mode == XN_MODE_COLUMNS) {
		xn_view_draw_columns(c, v, s);
	} else if (!s) {
		xn_canvas_text(c, 0, 0, -1, XN_ROLE_DIM, "waiting for the first sample...");
	} else if (v->mode == XN_MODE_HEATMAP) {
		xn_view_draw_heatmap(c, v, s, caps);
	} else if (v->mode == XN_MODE_DETAIL) {
		xn_view_draw_detail(c, v, s, caps);
	} else {
		int y = xn_view_draw_summary(c, 0, v, s, caps);
		int avail = c->h - 1 - y;
		/* the node panel may use what leaves the table a header and 4 rows */
		int nodes_max = avail - 6 > 2 ? avail - 6 : 2;
		y += xn_view_draw_nodes(c, y, nodes_max, v, s, caps);
		xn_view_draw_table(c, y, c->h - 1 - y, v, s, caps);
	}
	draw_status(c, v, s);
}
