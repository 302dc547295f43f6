/* view_main.c - the main screen's parts above the domain table (view_table.c):
 * summary lines (with the placement line), node panel (with zones and the
 * distance matrix). */
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

/* The placement line: how many domains the plan moves and how many are
 * stuck, how much memory is remote (a domain's pages times the share its
 * vCPUs reach remotely, 100 - LOCAL%) over every domain, filtered or not,
 * and how much of that the flagged domains hold (a total that counts
 * domains it does not flag says so). */
static void draw_placement(struct xn_canvas *c, int y, const struct xn_snapshot *s,
                           const struct xn_view_caps *caps)
{
	size_t misplaced = 0, stuck = 0, advised = 0, local_known = 0;
	double remote = 0, flagged = 0;
	for (size_t i = 0; i < s->nr_domains; i++) {
		const struct xn_domain *d = &s->domains[i];
		bool flag = false;
		if (d->valid & XN_DOM_ADVICE) {
			advised++;
			misplaced += xn_advice_is_misplaced(&d->advice);
			stuck += d->advice.action == XN_ADVICE_STUCK;
			flag = xn_advice_is_misplaced(&d->advice) ||
			       d->advice.action == XN_ADVICE_STUCK;
		}
		if ((d->valid & XN_DOM_LOCALITY) && (d->valid & XN_DOM_PAGES)) {
			local_known++;
			double pages = (double)xn_domain_pages_total(d, s->host.nr_nodes);
			double r =
			        pages * (100.0 - d->locality) / 100.0 * (double)s->host.page_size;
			remote += r;
			flagged += flag ? r : 0;
		}
	}
	int x = xn_canvas_text(c, 0, y, -1, XN_ROLE_NORMAL, "Placement: ");
	if (advised)
		x += xn_canvas_printf(c, x, y, -1, misplaced ? XN_ROLE_WARN : XN_ROLE_OK,
		                      "%zu misplaced%s", misplaced, misplaced ? " (!)" : "");
	else
		x += xn_canvas_text(c, x, y, -1, XN_ROLE_DIM, "no advice");
	if (stuck)
		x += xn_canvas_printf(c, x, y, -1, XN_ROLE_WARN, ", %zu stuck", stuck);
	char rem[32];
	fmt_size(rem, sizeof(rem), remote);
	if (local_known)
		x += xn_canvas_printf(c, x, y, -1, XN_ROLE_NORMAL, ", %s remote", rem);
	else
		x += xn_canvas_text(c, x, y, -1, XN_ROLE_DIM, ", remote memory unknown");
	if (local_known && (misplaced || stuck)) {
		fmt_size(rem, sizeof(rem), flagged);
		x += xn_canvas_printf(c, x, y, -1, XN_ROLE_NORMAL, " (%s in them)", rem);
	}
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
	/* The indicator at the right (where a recording is, PAUSED, the delay)
	 * always shows; the left part shortens to leave it room: the time
	 * without its date and zone, the words "source" and "host" dropped,
	 * then cut. */
	int room = c->w - rl - 2 - 11; /* after "xentop-numa" */
	char left[256], hms[16] = "-";
	int n = snprintf(left, sizeof(left), "  %s  source %s  host %s", when, src, host);
	if (n > room) {
		if (t && localtime_r(&t, &tm))
			strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
		snprintf(left, sizeof(left), "  %s  %s  %s", hms, src, host);
	}
	int x = xn_canvas_text(c, 0, y, -1, XN_ROLE_TITLE, "xentop-numa");
	xn_canvas_text(c, x, y, room > 0 ? room : 0, XN_ROLE_NORMAL, left);
	if (rl + 1 <= c->w)
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
	char pages[80], host_line[160];
	const char *mn = mixed ? "mixed" : xn_pages_method_name(m);
	long long secs = (long long)(age + 500) / 1000;
	if (m == XN_PAGES_NONE)
		snprintf(pages, sizeof(pages), "  Pages unknown");
	else if (age >= 1000)
		snprintf(pages, sizeof(pages), "  Pages %s, up to %llds old", mn, secs);
	else
		snprintf(pages, sizeof(pages), "  Pages %s", mn);
	int pl = (int)strlen(pages);
	/* The method and its age stay on the line at 80 columns: the host
	 * figures shorten first, then go, never cut inside a figure. */
	int hl = snprintf(host_line, sizeof(host_line),
	                  "Nodes %d  CPUs %s  Mem %s MiB, free %s%s  Domains %zu%s",
	                  s->host.nr_nodes, cpus, total, free_, pct, s->nr_domains, shown);
	if (hl + pl > c->w) {
		if (m != XN_PAGES_NONE && age >= 1000)
			pl = snprintf(pages, sizeof(pages), "  Pages %s %llds old", mn, secs);
		hl = snprintf(host_line, sizeof(host_line),
		              "Nodes %d CPUs %s Mem %s free %s MiB Domains %zu%s", s->host.nr_nodes,
		              cpus, total, free_, s->nr_domains, shown);
	}
	/* the count of domains stays longest, beside the nodes (xentop's
	 * summary opens with it) */
	if (hl + pl > c->w)
		hl = snprintf(host_line, sizeof(host_line),
		              "Nodes %d CPUs %s free %s MiB Domains %zu", s->host.nr_nodes, cpus,
		              free_, s->nr_domains);
	if (hl + pl > c->w)
		hl = snprintf(host_line, sizeof(host_line), "Nodes %d Domains %zu",
		              s->host.nr_nodes, s->nr_domains);
	if (hl + pl > c->w)
		snprintf(host_line, sizeof(host_line), "Nodes %d", s->host.nr_nodes);
	x = xn_canvas_text(c, 0, y + 1, -1, XN_ROLE_NORMAL, host_line);
	if (x + pl > c->w)
		x = c->w - pl > 0 ? c->w - pl : 0;
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
	/* the free part coloured by how much is free: red under 10 %, yellow
	 * under 25 % (a near-full node must not read green) */
	enum xn_role fr = share < 0.10   ? XN_ROLE_ERROR
	                  : share < 0.25 ? XN_ROLE_WARN
	                                 : XN_ROLE_BAR_FREE;
	xn_canvas_fill(c, x, y, full, caps->utf8 ? 0x2588 : '#', fr);
	xn_canvas_fill(c, x + full, y, w - full, caps->utf8 ? 0x2591 : '.', XN_ROLE_BAR_USED);
}

static void draw_zones(struct xn_canvas *c, int x, int y, const struct xn_snapshot *s, int ni,
                       bool exact)
{
	struct xn_zone zones[48];
	int nz = xn_zones_for_node(&s->host, ni, exact, zones, (int)XN_ARRAY_SIZE(zones));
	xn_zones_biggest_first(zones, nz);
	for (int z = 0; z < nz && x < c->w; z++) {
		const struct xn_zone *zn = &zones[z];
		char name[40], val[32];
		xn_text_escape(zn->name, name, sizeof(name));
		fmt_mib(val, sizeof(val), (zn->valid & XN_ZONE_FREE) && s->host.page_size,
		        zn->free_pages * s->host.page_size);
		char item[80], more[16];
		int n = snprintf(item, sizeof(item), "%s %s", name, val);
		/* room for this one, and for the "+N" of the others after it */
		int mn = z + 1 < nz ? snprintf(more, sizeof(more), " +%d", nz - z - 1) : 0;
		if (x + n + mn > c->w) {
			/* a zone that does not fit is counted, never dropped silently */
			snprintf(more, sizeof(more), "+%d", nz - z);
			int ml = (int)strlen(more);
			xn_canvas_text(c, x + ml <= c->w ? x : c->w - ml, y, -1, XN_ROLE_WARN,
			               more);
			break;
		}
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

/* A free share's role, as the bar's: red under 10 %, yellow under 25 %. */
static enum xn_role free_role(double share)
{
	return share < 0.10 ? XN_ROLE_ERROR : share < 0.25 ? XN_ROLE_WARN : XN_ROLE_BAR_FREE;
}

/* The width of the free-memory trend: none until two samples are held. */
static int trend_width(const struct xn_view *v, int w)
{
	bool two = false;
	for (int i = 0; i < v->trends.nr_node && !two; i++)
		two = v->trends.node[i].t.n >= 2;
	return !two ? 0 : w >= 110 ? XN_TREND_LEN : w >= 100 ? 12 : 8;
}

int xn_view_draw_nodes(struct xn_canvas *c, int y, int max_rows, const struct xn_view *v,
                       const struct xn_snapshot *s, const struct xn_view_caps *caps)
{
	int nn = s->host.nr_nodes;
	int barw = c->w >= 110 ? 20 : 12;
	int tw = trend_width(v, c->w);
	if (max_rows < 2)
		return 0;
	xn_canvas_fill(c, 0, y, c->w, ' ', XN_ROLE_HEADER);
	int hx = xn_canvas_printf(c, 0, y, -1, XN_ROLE_HEADER, "%-5s %10s %10s %-*s %4s ", "NODE",
	                          "TOTAL(MiB)", "FREE(MiB)", barw, "FREE", "");
	if (tw)
		hx += xn_canvas_printf(c, hx, y, -1, XN_ROLE_HEADER, "%-*s ", tw, "FREE TREND");
	xn_canvas_printf(c, hx, y, -1, XN_ROLE_HEADER, "%-9s %s", "CPUS",
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
		if (tw) {
			x += xn_trend_draw(c, x, yy, tw, xn_trend_node(&v->trends, nd->id),
			                   caps->utf8, free_role);
			x += xn_canvas_text(c, x, yy, -1, XN_ROLE_NORMAL, " ");
		}
		x += xn_canvas_printf(c, x, yy, 9, XN_ROLE_NORMAL, "%-9s", cpus);
		if (v->show_zones)
			draw_zones(c, x + 1, yy, s, i, v->zones_exact);
		rows++;
	}
	if (v->show_topology)
		rows += draw_distances(c, y + rows, max_rows - rows, s);
	return rows;
}
