/* keys.c - the key table and its commands (see keys.h). */
#include "keys.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "advise.h"
#include "move_ui.h"
#include "util.h"
#include "zones.h"

/* Is the column on the screen? Before the first table (or without one)
 * every column counts. */
static bool col_visible(const struct xn_view *v, enum xn_col_id id)
{
	bool drawn = false;
	for (size_t i = 0; i < XN_COL__COUNT; i++)
		drawn |= v->col_on[i];
	return !drawn || v->col_on[id];
}

/* The sort columns in screen order (xn_column_order), only those the table
 * shows: 's' never sorts by a column the operator cannot see; per-node
 * columns expand to one per node. */
static size_t sort_cols_of(const struct xn_view *v, enum xn_col_id *out)
{
	size_t n = 0;
	for (size_t i = 0; i < XN_COL__COUNT; i++)
		if (col_visible(v, xn_column_order[i]))
			out[n++] = xn_column_order[i];
	return n;
}

/* Node columns in the sort cycle: those on the screen (all of them before
 * a table is drawn). */
static int nr_nodes(const struct xn_ctl *c)
{
	int nn = c->s && c->s->have_cur ? c->s->cur.host.nr_nodes : 0;
	if (!col_visible(c->v, XN_COL_NODE))
		return 0;
	return c->v->col_on[XN_COL_NODE] && c->v->nodes_on < nn ? c->v->nodes_on : nn;
}

/* Position of the current sort column in the expanded sequence. */
static int sort_pos(const struct xn_view *v, int nn)
{
	enum xn_col_id sort_cols[XN_COL__COUNT];
	size_t ns = sort_cols_of(v, sort_cols);
	int pos = 0;
	for (size_t i = 0; i < ns; i++) {
		if (sort_cols[i] == XN_COL_NODE) {
			if (v->sort_col == XN_COL_NODE)
				return pos + v->sort_node;
			pos += nn;
			continue;
		}
		if (sort_cols[i] == v->sort_col)
			return pos;
		pos++;
	}
	return 0;
}

static void sort_set_pos(struct xn_view *v, int pos, int nn)
{
	enum xn_col_id sort_cols[XN_COL__COUNT];
	size_t ns = sort_cols_of(v, sort_cols);
	for (size_t i = 0; i < ns; i++) {
		int span = sort_cols[i] == XN_COL_NODE ? nn : 1;
		if (pos < span) {
			xn_view_set_sort(v, sort_cols[i], pos);
			return;
		}
		pos -= span;
	}
}

static unsigned sort_move(struct xn_ctl *c, int delta, bool wrap)
{
	int nn = nr_nodes(c);
	enum xn_col_id sort_cols[XN_COL__COUNT];
	int count = 0;
	size_t ns = sort_cols_of(c->v, sort_cols);
	for (size_t i = 0; i < ns; i++)
		count += sort_cols[i] == XN_COL_NODE ? nn : 1;
	if (count == 0)
		return XN_FX_NONE;
	int pos = sort_pos(c->v, nn) + delta;
	if (wrap)
		pos = (pos % count + count) % count;
	else if (pos < 0 || pos >= count)
		return XN_FX_NONE;
	sort_set_pos(c->v, pos, nn);
	char t[32];
	xn_column_title(c->v->sort_col, c->s && c->s->have_cur ? &c->s->cur : NULL, c->v->sort_node,
	                t, sizeof(t));
	xn_view_status(c->v, XN_ROLE_STATUS, "sorted by %s, %s%s", t,
	               c->v->sort_reverse ? "descending" : "ascending",
	               col_visible(c->v, c->v->sort_col) ? "" : " (hidden)");
	return XN_FX_RESORT | XN_FX_REDRAW;
}

/* s S cycle (as in xentop), < > move without wrapping, R r reverse. */
static unsigned cmd_sort(struct xn_ctl *c, int key)
{
	if (key == 's' || key == 'S')
		return sort_move(c, 1, true);
	if (key != 'R' && key != 'r')
		return sort_move(c, key == '<' ? -1 : 1, false);
	c->v->sort_reverse = !c->v->sort_reverse;
	char t[32];
	xn_column_title(c->v->sort_col, c->s && c->s->have_cur ? &c->s->cur : NULL, c->v->sort_node,
	                t, sizeof(t));
	xn_view_status(c->v, XN_ROLE_STATUS, "order %s%s%s%s",
	               c->v->sort_reverse ? "descending" : "ascending",
	               col_visible(c->v, c->v->sort_col) ? "" : " by ",
	               col_visible(c->v, c->v->sort_col) ? "" : t,
	               col_visible(c->v, c->v->sort_col) ? "" : " (hidden)");
	return XN_FX_RESORT | XN_FX_REDRAW;
}

static unsigned cmd_select(struct xn_ctl *c, int key)
{
	struct xn_view *v = c->v;
	long page = v->page_rows > 1 ? v->page_rows - 1 : 1;
	switch (key) {
	case XN_KEY_UP:
		xn_view_select_by(v, -1);
		break;
	case XN_KEY_DOWN:
		xn_view_select_by(v, 1);
		break;
	case XN_KEY_PGUP:
		xn_view_select_by(v, -page);
		break;
	case XN_KEY_PGDN:
		xn_view_select_by(v, page);
		break;
	case XN_KEY_HOME:
		xn_view_select_at(v, 0);
		break;
	case XN_KEY_END:
		if (v->nr_rows)
			xn_view_select_at(v, v->nr_rows - 1);
		break;
	default:
		return XN_FX_NONE;
	}
	return XN_FX_REDRAW;
}

static unsigned cmd_filter(struct xn_ctl *c, int key)
{
	xn_prompt_open_filter(&c->v->prompt, c->v->filter);
	return XN_FX_REDRAW;
}

static unsigned cmd_affinity(struct xn_ctl *c, int key)
{
	struct xn_view *v = c->v;
	const struct xn_domain *d = xn_view_selected(v);
	const struct xn_source_ops *ops = c->s->src->ops;
	if (!d)
		xn_view_status(v, XN_ROLE_ERROR, "no domain selected");
	else if (c->o->read_only)
		xn_view_status(v, XN_ROLE_ERROR,
		               "read-only mode (--read-only): affinity cannot be changed");
	else if (!ops->set_node_affinity)
		xn_view_status(v, XN_ROLE_ERROR,
		               "the %s source is read-only: affinity cannot be changed here",
		               ops->name);
	else
		xn_prompt_open_affinity(&v->prompt, d, &c->s->cur.host,
		                        (ops->caps & XN_SRC_FUTURE_ONLY) != 0);
	return XN_FX_REDRAW;
}

static unsigned cmd_delay(struct xn_ctl *c, int key)
{
	xn_prompt_open_delay(&c->v->prompt, c->v->delay);
	return XN_FX_REDRAW;
}

static unsigned cmd_pause(struct xn_ctl *c, int key)
{
	c->v->paused = !c->v->paused;
	xn_view_status(c->v, XN_ROLE_STATUS, c->v->paused ? "paused (p resumes)" : "resumed");
	return XN_FX_REDRAW | XN_FX_RESCHEDULE;
}

static unsigned cmd_units(struct xn_ctl *c, int key)
{
	static const char *const names[XN_UNITS__COUNT] = {[XN_UNITS_MIB] = "MiB",
	                                                   [XN_UNITS_PAGES] = "pages",
	                                                   [XN_UNITS_PCT] = "% of the domain"};
	c->v->units = (enum xn_units)((c->v->units + 1) % XN_UNITS__COUNT);
	xn_view_status(c->v, XN_ROLE_STATUS, "per-node figures in %s", names[c->v->units]);
	return XN_FX_REDRAW;
}

static unsigned cmd_zones(struct xn_ctl *c, int key)
{
	if (key == 'z') {
		c->v->show_zones = !c->v->show_zones;
		return XN_FX_REDRAW;
	}
	c->v->show_zones = true;
	/* only Xen's heap has address-width zones ("z20"): elsewhere Z has
	 * nothing to change, and says so */
	bool xen_zones = false;
	int w;
	for (int i = 0; c->s && c->s->have_cur && i < c->s->cur.host.nr_zones; i++)
		xen_zones |= xn_zone_width_number(c->s->cur.host.zones[i].name, &w);
	if (!xen_zones) {
		xn_view_status(c->v, XN_ROLE_STATUS,
		               "Z: these zones are shown as they are (only Xen's address-width "
		               "zones are summed)");
		return XN_FX_REDRAW;
	}
	c->v->zones_exact = !c->v->zones_exact;
	xn_view_status(c->v, XN_ROLE_STATUS, "%s",
	               c->v->zones_exact ? "zones: every Xen address-width zone"
	                                 : "zones: Xen zones summed below / above 4 GiB");
	return XN_FX_REDRAW;
}

/* xentop's N and B: here the network or VBD columns are always in the
 * table; the key keeps them on a narrow screen before ours. */
static unsigned cmd_group(struct xn_ctl *c, int key)
{
	unsigned g = key == 'n' || key == 'N' ? XN_SHOW_NET : XN_SHOW_VBD;
	c->v->show ^= g;
	xn_view_status(c->v, XN_ROLE_STATUS, "%s columns %s", g == XN_SHOW_NET ? "network" : "VBD",
	               c->v->show & g ? "kept first when the screen is narrow"
	                              : "dropped first when the screen is narrow");
	return XN_FX_REDRAW;
}

static unsigned cmd_topology(struct xn_ctl *c, int key)
{
	c->v->show_topology = !c->v->show_topology;
	return XN_FX_REDRAW;
}

static unsigned cmd_heatmap(struct xn_ctl *c, int key)
{
	c->v->mode = c->v->mode == XN_MODE_HEATMAP ? XN_MODE_MAIN : XN_MODE_HEATMAP;
	return XN_FX_REDRAW;
}

static unsigned cmd_help(struct xn_ctl *c, int key)
{
	c->v->help_from = c->v->mode;
	c->v->mode = XN_MODE_HELP;
	c->v->help_top = 0;
	return XN_FX_REDRAW;
}

static unsigned cmd_detail(struct xn_ctl *c, int key)
{
	struct xn_view *v = c->v;
	if (v->mode == XN_MODE_DETAIL) {
		v->mode = v->detail_from;
	} else if (!xn_view_selected(v)) {
		xn_view_status(v, XN_ROLE_ERROR, "no domain selected");
	} else {
		v->detail_from = v->mode;
		v->mode = XN_MODE_DETAIL;
		v->detail_top = 0;
	}
	return XN_FX_REDRAW;
}

/* 'c': the column chooser; 'c' or Esc again returns. */
static unsigned cmd_columns(struct xn_ctl *c, int key)
{
	struct xn_view *v = c->v;
	if (v->mode == XN_MODE_COLUMNS) {
		v->mode = v->cols_from;
	} else {
		v->cols_from = v->mode;
		v->mode = XN_MODE_COLUMNS;
	}
	return XN_FX_REDRAW;
}

/* The chooser's own keys: move, show / hide; false for the others. */
static bool columns_key(struct xn_view *v, int key)
{
	enum xn_col_id list[XN_COL__COUNT];
	int n = (int)xn_view_columns_list(v, list);
	switch (key) {
	case XN_KEY_UP:
		v->cols_sel -= v->cols_sel > 0;
		return true;
	case XN_KEY_DOWN:
		v->cols_sel += v->cols_sel < n - 1;
		return true;
	case XN_KEY_HOME:
	case XN_KEY_PGUP:
		v->cols_sel = 0;
		return true;
	case XN_KEY_END:
	case XN_KEY_PGDN:
		v->cols_sel = n - 1;
		return true;
	case ' ':
	case XN_KEY_ENTER: {
		enum xn_col_id id = list[v->cols_sel < n ? v->cols_sel : n - 1];
		char t[32];
		snprintf(t, sizeof(t), "%s",
		         xn_columns[id].per_node ? "the node columns" : xn_columns[id].title);
		if (id == XN_COL_NAME) {
			xn_view_status(v, XN_ROLE_WARN, "NAME is always shown");
			return true;
		}
		v->col_hidden ^= XN_COL_BIT(id);
		xn_view_status(v, XN_ROLE_STATUS, "%s %s", t,
		               v->col_hidden & XN_COL_BIT(id) ? "hidden" : "shown");
		return true;
	}
	default:
		return false;
	}
}

static unsigned cmd_vcpus(struct xn_ctl *c, int key)
{
	c->v->show_vcpus = !c->v->show_vcpus;
	xn_view_status(c->v, XN_ROLE_STATUS, "%s",
	               c->v->show_vcpus ? "one row per vCPU (Up Down move between domains)"
	                                : "vCPU rows hidden");
	return XN_FX_REDRAW;
}

/* 'A': the selected domain's advice, through the affinity dialog. */
static unsigned cmd_advice(struct xn_ctl *c, int key)
{
	struct xn_view *v = c->v;
	const struct xn_domain *d = xn_view_selected(v);
	const struct xn_source_ops *ops = c->s->src->ops;
	if (!d) {
		xn_view_status(v, XN_ROLE_ERROR, "no domain selected");
		return XN_FX_REDRAW;
	}
	if (c->o->read_only) {
		xn_view_status(v, XN_ROLE_ERROR,
		               "read-only mode (--read-only): advice cannot be applied");
		return XN_FX_REDRAW;
	}
	if (!ops->set_node_affinity) {
		xn_view_status(v, XN_ROLE_ERROR,
		               "the %s source is read-only: advice cannot be applied here",
		               ops->name);
		return XN_FX_REDRAW;
	}
	char name[96], why[sizeof(d->advice.reason) * 4];
	xn_text_escape(d->name ? d->name : "-", name, sizeof(name));
	xn_text_escape(d->advice.reason[0] ? d->advice.reason : "no reason given", why,
	               sizeof(why));
	if (!(d->valid & XN_DOM_ADVICE)) {
		xn_view_status(v, XN_ROLE_STATUS, "%s has no advice: not computed", name);
	} else if (d->advice.action == XN_ADVICE_OK) {
		xn_view_status(v, XN_ROLE_STATUS, "%s: advice ok, nothing to apply: %s", name, why);
	} else if (!xn_advice_is_misplaced(&d->advice)) {
		xn_view_status(v, XN_ROLE_STATUS, "%s has no advice: %s", name, why);
	} else {
		char what[120], detail[320];
		/* Xen moves memory only by a live migration: the 'm' dialog */
		if (d->advice.action == XN_ADVICE_MEMORY && !d->advice.memory_moves)
			return xn_move_ui_open_nodes(c, d, &d->advice.nodes);
		xn_advice_words(&d->advice, d, &c->s->cur, what, sizeof(what), detail,
		                sizeof(detail));
		bool future_only = !d->advice.memory_moves && d->advice.action != XN_ADVICE_VCPUS;
		xn_prompt_open_advice(&v->prompt, d, &c->s->cur.host, future_only,
		                      xn_advice_apply_flags(&d->advice), what, detail);
	}
	return XN_FX_REDRAW;
}

/* q and F10 quit everywhere. */
static unsigned cmd_quit(struct xn_ctl *c, int key)
{
	return XN_FX_QUIT;
}

/* Esc alone never quits: an Alt+key chord arrives as Esc then the key, and
 * htop's and xentop's users press Esc to close things. It closes the detail
 * view or the heatmap, else says how to quit. */
static unsigned cmd_escape(struct xn_ctl *c, int key)
{
	if (c->v->mode == XN_MODE_DETAIL)
		return cmd_detail(c, key);
	if (c->v->mode == XN_MODE_COLUMNS)
		return cmd_columns(c, key);
	if (c->v->mode == XN_MODE_HEATMAP)
		return cmd_heatmap(c, key);
	xn_view_status(c->v, XN_ROLE_STATUS, "q or F10 quits, h or F1 helps");
	return XN_FX_REDRAW;
}

static unsigned cmd_step(struct xn_ctl *c, int key)
{
	struct xn_source *src = c->s->src;
	if (!src->ops->seek) {
		xn_view_status(c->v, XN_ROLE_ERROR,
		               "only a recording (--replay FILE) can step in time");
		return XN_FX_REDRAW;
	}
	int r = src->ops->seek(src, key == '[' ? -1 : 1);
	c->v->paused = true;
	c->v->ended = false;
	if (r == -ERANGE)
		xn_view_status(c->v, XN_ROLE_WARN, "%s", src->err);
	else if (r)
		xn_view_status(c->v, XN_ROLE_ERROR, "cannot step: %s", src->err);
	else
		xn_view_status(c->v, XN_ROLE_STATUS, "stepped %s; paused (p resumes)",
		               key == '[' ? "back" : "forward");
	return XN_FX_REDRAW | XN_FX_RESCHEDULE | (r && r != -ERANGE ? 0 : XN_FX_RESAMPLE);
}

const struct xn_key_binding xn_key_table[] = {
        {{XN_KEY_UP, XN_KEY_DOWN},
         "Up Down",
         cmd_select,
         "select the previous / next domain (vCPU rows are skipped)"},
        {{XN_KEY_PGUP, XN_KEY_PGDN, XN_KEY_HOME, XN_KEY_END},
         "PgUp PgDn Home End",
         cmd_select,
         "select a page up / down, the first / last domain"},
        {{XN_KEY_ENTER}, "Enter", cmd_detail, "the selected domain in detail (Esc, Enter return)"},
        {{'v', 'V'}, "V v", cmd_vcpus, "show / hide one row per vCPU under each domain"},
        {{'n', 'N'}, "N n", cmd_group, "network columns kept / dropped first on a narrow screen"},
        {{'b', 'B'}, "B b", cmd_group, "VBD columns kept / dropped first on a narrow screen"},
        {{'s', 'S', '<', '>'},
         "S s < >",
         cmd_sort,
         "sort: S s next shown column (cycles), < > left / right"},
        {{'R', 'r'}, "R r", cmd_sort, "reverse the sort (xentop: repeat the header; ours stays)"},
        {{'/'}, "/", cmd_filter, "filter domains by name (substring, any case)"},
        {{'a'}, "a", cmd_affinity, "change the selected domain's node affinity (asks first)"},
        {{'A'}, "A", cmd_advice, "apply the selected domain's placement advice (asks first)"},
        {{'m'}, "m", xn_move_ui_key, "xen: move the selected domain's memory live (asks first)"},
        {{'D', 'd'}, "D d", cmd_delay, "change the delay between refreshes"},
        {{'p'}, "p", cmd_pause, "pause / resume refreshing"},
        {{'[', ']'}, "[ ]", cmd_step, "recording: step one sample back / forward (pauses)"},
        {{'c', 'C'},
         "c C",
         cmd_columns,
         "choose the columns: Space shows / hides, Esc closes (--columns at start)"},
        {{'u'}, "u", cmd_units, "per-node figures in MiB / pages / % of the domain"},
        {{'z', 'Z'}, "z Z", cmd_zones, "z free memory per zone on / off; Z Xen: exact / 4G sums"},
        {{'t'}, "t", cmd_topology, "show / hide the node distance matrix"},
        {{'H'}, "H", cmd_heatmap, "full-screen node x domain heatmap (H returns)"},
        {{'h', '?', XN_KEY_F1}, "h ? F1", cmd_help, "this help"},
        {{XN_KEY_ESC}, "Esc", cmd_escape, "close a view or dialog; never quits (xentop's does)"},
        {{'Q', 'q', XN_KEY_F10}, "Q q F10", cmd_quit, "quit"},
};
const size_t xn_key_table_len = XN_ARRAY_SIZE(xn_key_table);

const struct xn_help_entry *xn_keys_help(size_t *n)
{
	/* the table's words, in its order: built once (the table is constant) */
	static struct xn_help_entry help[XN_ARRAY_SIZE(xn_key_table)];
	for (size_t i = 0; i < XN_ARRAY_SIZE(xn_key_table); i++)
		help[i] = (struct xn_help_entry){xn_key_table[i].label, xn_key_table[i].help};
	*n = XN_ARRAY_SIZE(xn_key_table);
	return help;
}

static unsigned apply_affinity(struct xn_ctl *c)
{
	struct xn_view *v = c->v;
	struct xn_prompt *p = &v->prompt;
	struct xn_source *src = c->s->src;
	char msg[512] = "";
	/* an advice applies with its own flags (vCPUs only, memory, both) */
	unsigned flags = p->advice ? p->flags : (c->o->aff_cpus ? XN_AFF_CPUS : 0);
	bool memory = !(flags & XN_AFF_NO_MEMORY);
	src->err[0] = '\0';
	int r = src->ops->set_node_affinity(src, p->domid, &p->mask, flags, msg, sizeof(msg));
	if (r == 0) {
		xn_view_status(v, XN_ROLE_OK, "%s: %s%s", p->name,
		               msg[0] ? msg : (p->advice ? "advice applied" : "affinity changed"),
		               p->future_only && memory
		                       ? " (future allocations only; existing pages stay)"
		                       : "");
		const struct xn_domain *d =
		        c->s->have_cur ? xn_snapshot_find(&c->s->cur, p->domid) : NULL;
		if (p->advice && d)
			xn_view_check_start(v, d);
	} else {
		char why[600];
		snprintf(why, sizeof(why), "%s", src->err[0] ? src->err : strerror(-r));
		xn_view_status(v, XN_ROLE_ERROR, "%s %s not %s: %s%s%s",
		               p->advice ? "advice for" : "affinity of", p->name,
		               p->advice ? "applied" : "changed", why, msg[0] ? "; applied: " : "",
		               msg);
	}
	xn_prompt_close(p);
	return XN_FX_REDRAW | XN_FX_RESAMPLE;
}

static unsigned handle_prompt(struct xn_ctl *c, int key)
{
	struct xn_view *v = c->v;
	struct xn_prompt *p = &v->prompt;
	const struct xn_host *h = c->s->have_cur ? &c->s->cur.host : NULL;
	const struct xn_domain *d = NULL;
	if (p->kind == XN_PROMPT_AFFINITY && c->s->have_cur)
		d = xn_snapshot_find(&c->s->cur, p->domid);
	enum xn_prompt_result r = xn_prompt_key(p, key, h, d);
	switch (p->kind) {
	case XN_PROMPT_FILTER:
		/* live: the table follows every keystroke */
		if (r == XN_PROMPT_CANCELLED)
			v->filter[0] = '\0';
		else
			xn_strlcpy(v->filter, p->buf, sizeof(v->filter));
		if (r != XN_PROMPT_EDITING)
			xn_prompt_close(p);
		return XN_FX_REDRAW | XN_FX_RESORT;
	case XN_PROMPT_DELAY:
		if (r == XN_PROMPT_ACCEPTED) {
			v->delay = p->delay;
			xn_view_status(v, XN_ROLE_STATUS, "delay %g s", v->delay);
		}
		if (r != XN_PROMPT_EDITING)
			xn_prompt_close(p);
		return XN_FX_REDRAW | (r == XN_PROMPT_ACCEPTED ? XN_FX_RESCHEDULE : 0);
	case XN_PROMPT_AFFINITY:
		if (p->move)
			return xn_move_ui_prompt(c, r);
		if (r == XN_PROMPT_ACCEPTED)
			return apply_affinity(c);
		if (r == XN_PROMPT_CANCELLED) {
			xn_prompt_close(p);
			xn_view_status(v, XN_ROLE_STATUS, "affinity unchanged");
		}
		return XN_FX_REDRAW;
	case XN_PROMPT_NONE:
	default:
		return XN_FX_REDRAW;
	}
}

/* The detail view's arrows and pages scroll it (the render clamps). */
static bool detail_scroll(struct xn_view *v, int key)
{
	int page = v->detail_rows > 1 ? v->detail_rows - 1 : 1;
	switch (key) {
	case XN_KEY_UP:
		v->detail_top -= v->detail_top > 0;
		return true;
	case XN_KEY_DOWN:
		v->detail_top++;
		return true;
	case XN_KEY_PGUP:
		v->detail_top = v->detail_top > page ? v->detail_top - page : 0;
		return true;
	case XN_KEY_PGDN:
		v->detail_top += page;
		return true;
	case XN_KEY_HOME:
		v->detail_top = 0;
		return true;
	case XN_KEY_END:
		v->detail_top = 1 << 20;
		return true;
	default:
		return false;
	}
}

unsigned xn_keys_handle(struct xn_ctl *c, int key)
{
	if (c->v->prompt.kind != XN_PROMPT_NONE)
		return handle_prompt(c, key);
	if (c->v->mode == XN_MODE_HELP) {
		int step = key == XN_KEY_UP || key == XN_KEY_DOWN ? 1 : c->v->page_rows;
		int max = xn_view_help_lines(c->v) - 1; /* the render clamps to a full screen */
		if (key == XN_KEY_UP || key == XN_KEY_PGUP)
			c->v->help_top = c->v->help_top > step ? c->v->help_top - step : 0;
		else if (key == XN_KEY_DOWN || key == XN_KEY_PGDN)
			c->v->help_top = c->v->help_top + step < max ? c->v->help_top + step : max;
		else if (key == XN_KEY_F10)
			return XN_FX_QUIT;
		else
			c->v->mode =
			        c->v->help_from == XN_MODE_HELP ? XN_MODE_MAIN : c->v->help_from;
		return XN_FX_REDRAW;
	}
	if (key == XN_KEY_ESC && c->move && c->move->active)
		return xn_move_ui_cancel(c);
	if (c->v->mode == XN_MODE_DETAIL && detail_scroll(c->v, key))
		return XN_FX_REDRAW;
	if (c->v->mode == XN_MODE_COLUMNS) {
		if (columns_key(c->v, key))
			return XN_FX_REDRAW;
		/* the chooser lists columns: the table's keys wait for it to close */
		if (key != 'c' && key != 'C' && key != XN_KEY_ESC && key != 'q' && key != 'Q' &&
		    key != XN_KEY_F10 && key != 'h' && key != '?' && key != XN_KEY_F1) {
			xn_view_status(c->v, XN_ROLE_WARN,
			               "columns: Space shows / hides, Esc closes");
			return XN_FX_REDRAW;
		}
	}
	c->v->status[0] = '\0';
	for (size_t i = 0; i < xn_key_table_len; i++)
		for (size_t k = 0; k < XN_ARRAY_SIZE(xn_key_table[i].keys); k++)
			if (xn_key_table[i].keys[k] == key && key != 0)
				return xn_key_table[i].cmd(c, key);
	/* a printable key only: a resize or a function key we do not bind
	 * is not something the operator typed by mistake */
	if (key > 0x20 && key < 0x7f)
		xn_view_status(c->v, XN_ROLE_WARN, "unknown key %c: h for help", key);
	return XN_FX_REDRAW;
}
