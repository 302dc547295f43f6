/* view_main.c - the main screen's parts: summary lines, node panel (with
 * zones and the distance matrix), and the domain table with heat cells. */
#include "view.h"
#include "advise.h"
#include "zones.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"

#define MIB 1048576.0

/* "12345" MiB, or "-" when unknown. */
static void fmt_mib(char *buf, size_t len, bool known, uint64_t bytes)
{
	if (known)
		snprintf(buf, len, "%.0f", (double)bytes / MIB);
	else
		snprintf(buf, len, "-");
}

/* "512 MiB" below 10 GiB, "12.5 GiB" above. */
static void fmt_size(char *buf, size_t len, double bytes)
{
	if (bytes < 10.0 * 1024 * MIB)
		snprintf(buf, len, "%.0f MiB", bytes / MIB);
	else
		snprintf(buf, len, "%.1f GiB", bytes / (1024 * MIB));
}

/* The placement line: how many domains the advisor calls misplaced, and how
 * much memory is remote (a domain's pages times the share its vCPUs reach
 * remotely, 100 - LOCAL%), over every domain, filtered or not. */
static void draw_placement(struct xn_canvas *c, int y, const struct xn_snapshot *s,
                           const struct xn_view_caps *caps)
{
	size_t misplaced = 0, advised = 0, local_known = 0;
	double remote = 0;
	for (size_t i = 0; i < s->nr_domains; i++) {
		const struct xn_domain *d = &s->domains[i];
		if (d->valid & XN_DOM_ADVICE) {
			advised++;
			misplaced += xn_advice_is_misplaced(&d->advice);
		}
		if ((d->valid & XN_DOM_LOCALITY) && (d->valid & XN_DOM_PAGES)) {
			local_known++;
			double pages = (double)xn_domain_pages_total(d, s->host.nr_nodes);
			remote += pages * (100.0 - d->locality) / 100.0 * (double)s->host.page_size;
		}
	}
	int x = xn_canvas_text(c, 0, y, -1, XN_ROLE_NORMAL, "Placement: ");
	if (advised)
		x += xn_canvas_printf(c, x, y, -1, misplaced ? XN_ROLE_WARN : XN_ROLE_OK,
		                      "%zu misplaced%s", misplaced, misplaced ? " (!)" : "");
	else
		x += xn_canvas_text(c, x, y, -1, XN_ROLE_DIM, "no advice");
	char rem[32];
	fmt_size(rem, sizeof(rem), remote);
	if (local_known)
		x += xn_canvas_printf(c, x, y, -1, XN_ROLE_NORMAL, ", %s remote", rem);
	else
		x += xn_canvas_text(c, x, y, -1, XN_ROLE_DIM, ", remote memory unknown");
	/* the LOCAL% legend, in the roles (colour) or marks (mono) it explains */
	static const struct {
		int from;
		const char *word;
	} lv[] = {{XN_LOCAL_GOOD, "good"}, {XN_LOCAL_WARN, "warn"}, {0, "bad"}};
	char item[3][32];
	int need = 9 + 2; /* "  LOCAL% " and the blanks between the items */
	for (int i = 0; i < 3; i++) {
		char mark = caps->color ? ' ' : xn_local_mark(lv[i].from);
		size_t k = 0;
		if (mark != ' ')
			item[i][k++] = mark;
		snprintf(item[i] + k, sizeof(item[i]) - k, "%s%d %s", i < 2 ? ">=" : "<",
		         i < 2 ? lv[i].from : XN_LOCAL_WARN, lv[i].word);
		need += (int)strlen(item[i]);
	}
	if (x + need > c->w)
		return;
	x += xn_canvas_text(c, x, y, -1, XN_ROLE_DIM, "  LOCAL% ");
	for (int i = 0; i < 3; i++) {
		x += xn_canvas_text(c, x, y, -1, xn_local_role(lv[i].from), item[i]);
		if (i < 2)
			x += xn_canvas_text(c, x, y, -1, XN_ROLE_DIM, " ");
	}
}

int xn_view_draw_summary(struct xn_canvas *c, int y, const struct xn_view *v,
                         const struct xn_snapshot *s, const struct xn_view_caps *caps)
{
	char when[64] = "-", host[140], total[32], free_[32], cpus[16] = "-", pct[16] = "";
	struct tm tm;
	time_t t = s->time.tv_sec;
	if (t && localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %Z", &tm);
	xn_text_escape(s->host.hostname[0] ? s->host.hostname : "-", host, sizeof(host));
	char src[40];
	xn_text_escape(s->source[0] ? s->source : "-", src, sizeof(src));
	int x = xn_canvas_text(c, 0, y, -1, XN_ROLE_TITLE, "xentop-numa");
	x += xn_canvas_printf(c, x, y, -1, XN_ROLE_NORMAL, "  %s  source %s  host %s", when, src,
	                      host);
	char right[96];
	if (v->ended)
		snprintf(right, sizeof(right), "END");
	else if (v->paused)
		snprintf(right, sizeof(right), "PAUSED");
	else
		snprintf(right, sizeof(right), "delay %gs", v->delay);
	if (v->position[0]) {
		char tmp[48];
		xn_strlcpy(tmp, right, sizeof(tmp));
		snprintf(right, sizeof(right), "%.40s  %.40s", v->position, tmp);
	}
	int rl = (int)strlen(right);
	if (x + 2 + rl <= c->w)
		xn_canvas_text(c, c->w - rl, y, -1,
		               v->paused || v->ended ? XN_ROLE_WARN : XN_ROLE_DIM, right);

	bool tk = s->host.nr_nodes > 0, fk = s->host.nr_nodes > 0;
	uint64_t tb = 0, fb = 0;
	for (int i = 0; i < s->host.nr_nodes; i++) {
		tk = tk && (s->host.nodes[i].valid & XN_NODE_TOTAL);
		fk = fk && (s->host.nodes[i].valid & XN_NODE_FREE);
		tb += s->host.nodes[i].mem_total;
		fb += s->host.nodes[i].mem_free;
	}
	fmt_mib(total, sizeof(total), tk, tb);
	fmt_mib(free_, sizeof(free_), fk, fb);
	if (tk && fk && tb)
		snprintf(pct, sizeof(pct), " (%.0f%%)", (double)fb / (double)tb * 100.0);
	if (s->host.valid & XN_HOST_CPUS)
		snprintf(cpus, sizeof(cpus), "%d", s->host.nr_cpus);
	char shown[40] = "";
	if (v->nr_rows != s->nr_domains)
		snprintf(shown, sizeof(shown), " (%zu shown)", v->nr_rows);
	x = xn_canvas_printf(c, 0, y + 1, -1, XN_ROLE_NORMAL,
	                     "Nodes %d  CPUs %s  Mem %s MiB, free %s%s  Domains %zu%s",
	                     s->host.nr_nodes, cpus, total, free_, pct, s->nr_domains, shown);
	/* How the per-node pages were obtained, and the oldest figure: a
	 * sampled or rate-limited method must be visible even when the METHOD
	 * column does not fit. */
	enum xn_pages_method m = XN_PAGES_NONE;
	bool mixed = false;
	int64_t age = 0;
	for (size_t i = 0; i < s->nr_domains; i++) {
		const struct xn_domain *d = &s->domains[i];
		if (!(d->valid & XN_DOM_PAGES) || d->pages_method == XN_PAGES_NONE)
			continue;
		if (m != XN_PAGES_NONE && d->pages_method != m)
			mixed = true;
		m = d->pages_method;
		if (d->pages_age_ms > age)
			age = d->pages_age_ms;
	}
	char pages[80];
	const char *mn = mixed ? "mixed" : xn_pages_method_name(m);
	if (m == XN_PAGES_NONE)
		snprintf(pages, sizeof(pages), "  Pages unknown");
	else if (age >= 1000)
		snprintf(pages, sizeof(pages), "  Pages %s, up to %llds old", mn,
		         (long long)(age + 500) / 1000);
	else
		snprintf(pages, sizeof(pages), "  Pages %s", mn);
	xn_canvas_text(c, x, y + 1, -1, m == XN_PAGES_NONE ? XN_ROLE_DIM : XN_ROLE_NORMAL, pages);
	draw_placement(c, y + 2, s, caps);
	return 3;
}

/* A bar of width w whose filled part is the free share. */
static void draw_bar(struct xn_canvas *c, int x, int y, int w, double share, bool known,
                     const struct xn_view_caps *caps)
{
	if (!known) {
		xn_canvas_fill(c, x, y, w, caps->utf8 ? 0xb7 : '.', XN_ROLE_DIM);
		return;
	}
	int full = (int)(share * w + 0.5);
	if (full > w)
		full = w;
	if (full < 0)
		full = 0;
	xn_canvas_fill(c, x, y, full, caps->utf8 ? 0x2588 : '#', XN_ROLE_BAR_FREE);
	xn_canvas_fill(c, x + full, y, w - full, caps->utf8 ? 0x2591 : '.', XN_ROLE_BAR_USED);
}

static void draw_zones(struct xn_canvas *c, int x, int y, const struct xn_snapshot *s, int ni,
                       bool exact)
{
	struct xn_zone zones[48];
	int nz = xn_zones_for_node(&s->host, ni, exact, zones, (int)XN_ARRAY_SIZE(zones));
	for (int z = 0; z < nz && x < c->w; z++) {
		const struct xn_zone *zn = &zones[z];
		char name[40], val[32];
		xn_text_escape(zn->name, name, sizeof(name));
		fmt_mib(val, sizeof(val), (zn->valid & XN_ZONE_FREE) && s->host.page_size,
		        zn->free_pages * s->host.page_size);
		char item[80];
		int n = snprintf(item, sizeof(item), "%s %s", name, val);
		if (x + n > c->w)
			break;
		x += xn_canvas_text(c, x, y, -1, XN_ROLE_DIM, name);
		x += xn_canvas_printf(c, x, y, -1, XN_ROLE_NORMAL, " %s  ", val);
	}
}

static int draw_distances(struct xn_canvas *c, int y, int max_rows, const struct xn_snapshot *s)
{
	int nn = s->host.nr_nodes;
	if (max_rows < 1)
		return 0;
	if (!(s->host.valid & XN_HOST_DISTANCE)) {
		xn_canvas_text(c, 0, y, -1, XN_ROLE_DIM, "node distances unknown");
		return 1;
	}
	xn_canvas_fill(c, 0, y, c->w, ' ', XN_ROLE_HEADER);
	int x = xn_canvas_text(c, 0, y, -1, XN_ROLE_HEADER, "DISTANCE");
	for (int j = 0; j < nn; j++)
		x += xn_canvas_printf(c, x, y, -1, XN_ROLE_HEADER, " %4s%d", "N",
		                      s->host.nodes[j].id);
	int rows = 1;
	for (int i = 0; i < nn && rows < max_rows; i++, rows++) {
		x = xn_canvas_printf(c, 0, y + rows, -1, XN_ROLE_TITLE, "N%-7d",
		                     s->host.nodes[i].id);
		for (int j = 0; j < nn; j++) {
			uint32_t d = s->host.distance[i * nn + j];
			x += xn_canvas_printf(c, x, y + rows, -1,
			                      i == j ? XN_ROLE_DIM : XN_ROLE_NORMAL, " %5" PRIu32,
			                      d);
		}
	}
	return rows;
}

int xn_view_draw_nodes(struct xn_canvas *c, int y, int max_rows, const struct xn_view *v,
                       const struct xn_snapshot *s, const struct xn_view_caps *caps)
{
	int nn = s->host.nr_nodes;
	int barw = c->w >= 110 ? 20 : 12;
	if (max_rows < 2)
		return 0;
	xn_canvas_fill(c, 0, y, c->w, ' ', XN_ROLE_HEADER);
	xn_canvas_printf(c, 0, y, -1, XN_ROLE_HEADER, "%-5s %10s %10s %-*s %4s %-9s %s", "NODE",
	                 "TOTAL(MiB)", "FREE(MiB)", barw, "FREE", "", "CPUS",
	                 v->show_zones ? "FREE PER ZONE (MiB)" : "");
	int rows = 1;
	int want_topo = v->show_topology ? nn + 1 : 0;
	int node_rows = max_rows - 1 - (want_topo < max_rows / 2 ? want_topo : max_rows / 2);
	if (node_rows < 1)
		node_rows = 1;
	for (int i = 0; i < nn; i++) {
		if (rows >= node_rows + 1 || (i < nn - 1 && rows == node_rows)) {
			xn_canvas_printf(c, 0, y + rows, -1, XN_ROLE_DIM,
			                 "... %d more nodes (enlarge the terminal)", nn - i);
			rows++;
			break;
		}
		const struct xn_node *nd = &s->host.nodes[i];
		int yy = y + rows;
		char tot[32], fr[32], cpus[64] = "-", pct[8] = "-";
		bool tk = nd->valid & XN_NODE_TOTAL, fk = nd->valid & XN_NODE_FREE;
		fmt_mib(tot, sizeof(tot), tk, nd->mem_total);
		fmt_mib(fr, sizeof(fr), fk, nd->mem_free);
		double share = tk && fk && nd->mem_total ? (double)nd->mem_free / nd->mem_total : 0;
		if (tk && fk && nd->mem_total)
			snprintf(pct, sizeof(pct), "%.0f%%", share * 100.0);
		if (nd->valid & XN_NODE_CPUS)
			if (xn_bits_format_list(nd->cpus.w, XN_MAX_CPUS, cpus, sizeof(cpus)) == 0)
				snprintf(cpus, sizeof(cpus), "none");
		int x = xn_canvas_printf(c, 0, yy, -1, XN_ROLE_TITLE, "N%-4d", nd->id);
		x += xn_canvas_printf(c, x, yy, -1, XN_ROLE_NORMAL, " %10s %10s ", tot, fr);
		draw_bar(c, x, yy, barw, share, tk && fk && nd->mem_total, caps);
		x += barw;
		x += xn_canvas_printf(c, x, yy, -1, XN_ROLE_NORMAL, " %4s ", pct);
		x += xn_canvas_printf(c, x, yy, 9, XN_ROLE_NORMAL, "%-9s", cpus);
		if (v->show_zones)
			draw_zones(c, x + 1, yy, s, i, v->zones_exact);
		rows++;
	}
	if (v->show_topology)
		rows += draw_distances(c, y + rows, max_rows - rows, s);
	return rows;
}

void xn_view_heat_cell(struct xn_canvas *c, int x, int y, int w, const struct xn_domain *d,
                       int node_idx, const struct xn_snapshot *s, enum xn_units units,
                       const struct xn_view_caps *caps)
{
	char num[32];
	struct xn_fmt_ctx ctx = {.snap = s, .units = units};
	if (w <= 0)
		return;
	if (!(d->valid & XN_DOM_PAGES) || node_idx >= s->host.nr_nodes) {
		xn_canvas_fill(c, x, y, w, ' ', XN_ROLE_HEAT_UNKNOWN);
		xn_canvas_text(c, x + w - 1, y, 1, XN_ROLE_HEAT_UNKNOWN, "-");
		return;
	}
	uint64_t total = xn_domain_pages_total(d, s->host.nr_nodes);
	int lvl = xn_heat_level(d->node_pages[node_idx], total);
	enum xn_role r = (enum xn_role)(XN_ROLE_HEAT0 + lvl);
	xn_columns[XN_COL_NODE].format(&ctx, d, node_idx, num, sizeof(num));
	int n = (int)strlen(num);
	if (caps->color) {
		xn_canvas_fill(c, x, y, w, ' ', r);
		if (n <= w)
			xn_canvas_text(c, x + w - n, y, n, r, num);
		return;
	}
	/* No colour: the glyph ramp carries the level, the number follows when
	 * both fit. */
	char g = xn_heat_glyph(lvl);
	if (n + 2 <= w) {
		xn_canvas_fill(c, x, y, w, ' ', r);
		xn_canvas_fill(c, x, y, 1, (uint32_t)(lvl ? g : '_'), r);
		xn_canvas_text(c, x + w - n, y, n, r, num);
	} else {
		xn_canvas_fill(c, x, y, w, (uint32_t)(lvl ? g : '_'), r);
	}
}

static void draw_header(struct xn_canvas *c, int y, const struct xn_layout *lay,
                        const struct xn_view *v, const struct xn_snapshot *s)
{
	xn_canvas_fill(c, 0, y, c->w, ' ', XN_ROLE_HEADER);
	for (int i = 0; i < lay->n; i++) {
		const struct xn_layout_col *lc = &lay->cols[i];
		char t[32];
		xn_column_title(lc->id, s, lc->node_idx, t, sizeof(t));
		bool sorted = lc->id == v->sort_col &&
		              (lc->id != XN_COL_NODE || lc->node_idx == v->sort_node);
		enum xn_role r = sorted ? XN_ROLE_SORTED : XN_ROLE_HEADER;
		int n = (int)strlen(t);
		int x = lc->left || n >= lc->width ? lc->x : lc->x + lc->width - n;
		xn_canvas_text(c, x, y, lc->width, r, t);
	}
	if (lay->hidden_nodes > 0) {
		char more[24];
		int n = snprintf(more, sizeof(more), "+%dN", lay->hidden_nodes);
		xn_canvas_text(c, c->w - n, y, n, XN_ROLE_WARN, more);
	}
}

/* One cell of the table: the column's text, aligned, cut with a mark. */
static void draw_cell(struct xn_canvas *c, int yy, const struct xn_layout_col *lc, const char *buf,
                      enum xn_role role, const struct xn_view_caps *caps)
{
	int n = (int)strlen(buf);
	int x = lc->left || n >= lc->width ? lc->x : lc->x + lc->width - n;
	int used = xn_canvas_text(c, x, yy, lc->width, role, buf);
	/* a cut value says so rather than showing a wrong number */
	if (n > lc->width && used == lc->width && lc->width > 0)
		xn_canvas_fill(c, lc->x + lc->width - 1, yy, 1, caps->utf8 ? 0x2026 : '>', role);
}

static void draw_dom_row(struct xn_canvas *c, int yy, const struct xn_layout *lay,
                         const struct xn_view *v, const struct xn_domain *d,
                         const struct xn_snapshot *s, const struct xn_view_caps *caps, bool sel)
{
	struct xn_fmt_ctx ctx = {.snap = s, .units = v->units};
	bool misplaced = (d->valid & XN_DOM_ADVICE) && xn_advice_is_misplaced(&d->advice);
	if (sel)
		xn_canvas_fill(c, 0, yy, c->w, ' ', XN_ROLE_SELECTED);
	if (misplaced)
		xn_canvas_text(c, 0, yy, XN_LAYOUT_GUTTER, sel ? XN_ROLE_SELECTED : XN_ROLE_WARN,
		               "!");
	for (int i = 0; i < lay->n; i++) {
		const struct xn_layout_col *lc = &lay->cols[i];
		if (lc->id == XN_COL_NODE) {
			xn_view_heat_cell(c, lc->x, yy, lc->width, d, lc->node_idx, s, v->units,
			                  caps);
			continue;
		}
		char buf[256];
		xn_columns[lc->id].format(&ctx, d, lc->node_idx, buf, sizeof(buf));
		bool unknown = !strcmp(buf, "-");
		enum xn_role role = unknown ? XN_ROLE_DIM : XN_ROLE_NORMAL;
		if (lc->id == XN_COL_OUTSIDE && (d->valid & XN_DOM_OUTSIDE) && d->pages_outside > 0)
			role = XN_ROLE_WARN;
		if (lc->id == XN_COL_ADVICE && misplaced)
			role = XN_ROLE_WARN;
		bool local = lc->id == XN_COL_LOCAL && (d->valid & XN_DOM_LOCALITY);
		if (local)
			role = xn_local_role(d->locality);
		if (sel)
			role = XN_ROLE_SELECTED;
		draw_cell(c, yy, lc, buf, role, caps);
		/* monochrome: the LOCAL% level as a mark in the cell's spare first
		 * place ("100.0" leaves one in a column of 6) */
		char mark = local ? xn_local_mark(d->locality) : ' ';
		if (mark != ' ' && !caps->color && (int)strlen(buf) < lc->width)
			xn_canvas_fill(c, lc->x, yy, 1, (uint32_t)mark, role);
	}
}

/* Put label (dim) and value (dim when unknown) at x; returns the new x,
 * at least x + w. */
static int put_field(struct xn_canvas *c, int x, int y, int w, const char *label, const char *val)
{
	int x0 = x;
	if (label[0])
		x += xn_canvas_printf(c, x, y, -1, XN_ROLE_DIM, "%s ", label);
	x += xn_canvas_text(c, x, y, -1, !strcmp(val, "-") ? XN_ROLE_DIM : XN_ROLE_NORMAL, val);
	return x - x0 < w ? x0 + w : x + 1;
}

static const char *vcpu_state_word(char st)
{
	switch (st) {
	case 'r':
		return "running";
	case 'b':
		return "blocked";
	case 'o':
		return "offline";
	default:
		return "-";
	}
}

/* One vCPU row under its domain, from the name column on: number, CPU,
 * node, state, hard and soft affinity ("-" for what the source does not
 * know). k is the vCPU's index; k < 0 when the number of vCPUs is unknown. */
void xn_view_vcpu_fields(const struct xn_domain *d, uint32_t k, char *cpu, char *node,
                         const char **state, const char **hard, const char **soft, size_t len)
{
	const struct xn_vcpu *vi =
	        (d->valid & XN_DOM_VCPU_INFO) && d->vcpu_info ? &d->vcpu_info[k] : NULL;
	snprintf(cpu, len, "-");
	snprintf(node, len, "-");
	*state = "-";
	*hard = *soft = "-";
	if ((d->valid & XN_DOM_VCPU_NODE) && d->vcpu_node && d->vcpu_node[k] >= 0)
		snprintf(node, len, "%d", d->vcpu_node[k]);
	if (!vi)
		return;
	if ((vi->valid & XN_VCPU_CPU) && vi->cpu >= 0)
		snprintf(cpu, len, "%d", vi->cpu);
	if (vi->valid & XN_VCPU_STATE)
		*state = vcpu_state_word(vi->state);
	if ((vi->valid & XN_VCPU_HARD) && vi->hard)
		*hard = vi->hard;
	if ((vi->valid & XN_VCPU_SOFT) && vi->soft)
		*soft = vi->soft;
}

static void draw_vcpu_row(struct xn_canvas *c, int yy, int x, const struct xn_domain *d, long k,
                          const struct xn_view_caps *caps)
{
	x += xn_canvas_text(c, x, yy, -1, XN_ROLE_DIM, caps->utf8 ? "\u2514 " : "` ");
	if (k < 0) {
		xn_canvas_text(c, x, yy, -1, XN_ROLE_DIM, "vCPUs unknown");
		return;
	}
	char num[24], cpu[24], node[24];
	const char *state, *hard, *soft;
	xn_view_vcpu_fields(d, (uint32_t)k, cpu, node, &state, &hard, &soft, sizeof(cpu));
	char h[96], so[96];
	xn_text_escape(hard, h, sizeof(h));
	xn_text_escape(soft, so, sizeof(so));
	snprintf(num, sizeof(num), "%ld", k);
	x = put_field(c, x, yy, 9, "vCPU", num);
	x = put_field(c, x, yy, 9, "CPU", cpu);
	x = put_field(c, x, yy, 9, "node", node);
	x = put_field(c, x, yy, 8, "", state);
	x = put_field(c, x, yy, 17, "hard", h);
	put_field(c, x, yy, 0, "soft", so);
}

int xn_view_draw_table(struct xn_canvas *c, int y, int rows, struct xn_view *v,
                       const struct xn_snapshot *s, const struct xn_view_caps *caps)
{
	struct xn_layout lay;
	if (rows < 1)
		return 0;
	xn_layout_table(c->w, s->host.nr_nodes, &lay);
	draw_header(c, y, &lay, v, s);
	int body = rows - 1;
	v->page_rows = body > 1 ? body : 1;
	if (v->nr_rows == 0) {
		if (body > 0)
			xn_canvas_text(c, 0, y + 1, -1, XN_ROLE_DIM,
			               v->filter[0] ? "no domain matches the filter"
			                            : "no domains");
		return rows;
	}
	/* Lines: each domain's row, then its vCPU rows when shown. Scroll so
	 * that the selected domain is seen, with its vCPUs when they fit. */
	size_t total = 0, sel_line = 0, sel_lines = 1, b = body > 0 ? (size_t)body : 0;
	for (size_t i = 0; i < v->nr_rows; i++) {
		size_t n = xn_view_dom_lines(v, v->rows[i]);
		if (i == v->sel) {
			sel_line = total;
			sel_lines = n;
		}
		total += n;
	}
	if (sel_line < v->top)
		v->top = sel_line;
	size_t want_end = sel_line + (sel_lines <= b ? sel_lines : 1);
	if (b > 0 && want_end > v->top + b)
		v->top = want_end - b;
	if (v->top + b > total)
		v->top = total > b ? total - b : 0;
	size_t i = 0, line = 0;
	while (i < v->nr_rows && line + xn_view_dom_lines(v, v->rows[i]) <= v->top)
		line += xn_view_dom_lines(v, v->rows[i++]);
	size_t sub = v->top - line;
	int name_x = XN_LAYOUT_GUTTER;
	for (int k = 0; k < lay.n; k++)
		if (lay.cols[k].id == XN_COL_NAME)
			name_x = lay.cols[k].x;
	for (int r = 0; r < body && i < v->nr_rows; r++) {
		const struct xn_domain *d = v->rows[i];
		int yy = y + 1 + r;
		if (sub == 0)
			draw_dom_row(c, yy, &lay, v, d, s, caps, i == v->sel);
		else
			draw_vcpu_row(c, yy, name_x + 1, d,
			              (d->valid & XN_DOM_VCPUS) && d->vcpus ? (long)sub - 1 : -1,
			              caps);
		if (++sub >= xn_view_dom_lines(v, d)) {
			sub = 0;
			i++;
		}
	}
	return rows;
}
