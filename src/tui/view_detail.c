/* view_detail.c - the detail view of one domain (Enter): its pages per node
 * as bars, its affinity and locality, the advice with every term behind it,
 * the check of an applied advice, and its vCPUs. Also the advice's action in
 * words, shared with the confirmation of 'A'. */
#include "view.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "advise.h"
#include "util.h"

#define MIB 1048576.0

enum { LABEL_W = 13, BAR_MAX = 40 };

static double pages_mib(uint64_t pages, const struct xn_snapshot *s)
{
	return (double)pages * (double)s->host.page_size / MIB;
}

static void nodes_text(const xn_nodemask *m, char *buf, size_t len)
{
	char list[96];
	if (xn_bits_format_list(m->w, XN_MAX_NODES, list, sizeof(list)) == 0)
		snprintf(list, sizeof(list), "-");
	snprintf(buf, len, "node%s %s", xn_bits_count(m->w, XN_MAX_NODES) > 1 ? "s" : "", list);
}

void xn_advice_words(const struct xn_advice *a, const struct xn_domain *d,
                     const struct xn_snapshot *s, char *what, size_t wlen, char *detail,
                     size_t dlen)
{
	char where[100];
	if (wlen)
		what[0] = '\0';
	if (dlen)
		detail[0] = '\0';
	if (!xn_advice_is_misplaced(a))
		return;
	nodes_text(&a->nodes, where, sizeof(where));
	switch (a->action) {
	case XN_ADVICE_VCPUS:
		snprintf(what, wlen, "run vCPUs on %s", where);
		break;
	case XN_ADVICE_MEMORY:
		snprintf(what, wlen, "move memory to %s", where);
		break;
	default:
		snprintf(what, wlen, "run vCPUs on %s and move memory there", where);
		break;
	}
	/* the share of its memory already on the target (a display figure) */
	char there[48] = "its memory";
	if (d && (d->valid & XN_DOM_PAGES)) {
		uint64_t total = 0, on = 0;
		for (int i = 0; i < s->host.nr_nodes; i++) {
			total += d->node_pages[i];
			if (XN_NM_TEST(&a->nodes, s->host.nodes[i].id))
				on += d->node_pages[i];
		}
		if (total)
			snprintf(there, sizeof(there), "%.0f%% of its memory",
			         (double)on * 100.0 / (double)total);
	}
	/* the question says what; the hint says what it does, most important
	 * first as an 80-column line cuts it */
	int n;
	if (a->action == XN_ADVICE_VCPUS)
		n = snprintf(detail, dlen, "%s is there", there);
	else if (a->memory_moves)
		n = snprintf(detail, dlen, "moves %" PRIu64 " pages (%.0f MiB)", a->pages_to_move,
		             pages_mib(a->pages_to_move, s));
	else if (a->action == XN_ADVICE_MEMORY && a->local_expected > a->local_now)
		/* Xen: by live migration (move.h); older recordings' Xen memory
		 * advice set node affinity only and expected no gain */
		n = snprintf(detail, dlen,
		             "a live migration copies all %" PRIu64 " pages (%.0f MiB)",
		             a->pages_to_move, pages_mib(a->pages_to_move, s));
	else
		n = snprintf(detail, dlen,
		             "existing pages stay where they are (%" PRIu64
		             " pages, %.0f MiB): only new allocations go there",
		             a->pages_to_move, pages_mib(a->pages_to_move, s));
	if (n > 0 && (size_t)n < dlen)
		snprintf(detail + n, dlen - (size_t)n, "; LOCAL%% %.1f -> %.1f expected",
		         a->local_now, a->local_expected);
}

struct pen {
	struct xn_canvas *c;
	int y, last; /* next row; rows from last on are the status line's */
};

/* Display width of the first n bytes of s (UTF-8: one cell a character). */
static int cells_of(const char *s, size_t n)
{
	int w = 0;
	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

/* text from column x on, wrapped at blanks onto the following rows (at x
 * too), so that no word, and so no figure, is cut; a word wider than the
 * room alone is cut. */
static void wrap(struct pen *p, int x, enum xn_role role, const char *text)
{
	int room = p->c->w - x;
	if (room < 1)
		return;
	const char *t = text;
	while (*t && p->y < p->last) {
		size_t len = strlen(t), n = len;
		if (cells_of(t, len) > room) {
			size_t brk = 0;
			for (size_t i = 0; i < len && cells_of(t, i) <= room; i++)
				if (t[i] == ' ')
					brk = i;
			n = brk;
			if (n == 0) /* one word wider than the room */
				for (n = 0; n < len && cells_of(t, n + 1) <= room; n++)
					;
		}
		xn_canvas_printf(p->c, x, p->y++, room, role, "%.*s", (int)n, t);
		t += n;
		while (*t == ' ')
			t++;
	}
}

/* A labelled term: "  label        text", the text wrapped under itself. */
static bool term(struct pen *p, const char *label, enum xn_role role, const char *text)
{
	if (p->y >= p->last)
		return false;
	xn_canvas_text(p->c, 2, p->y, LABEL_W, XN_ROLE_DIM, label);
	wrap(p, 2 + LABEL_W, role, text);
	return true;
}

static void draw_pages(struct pen *p, const struct xn_domain *d, const struct xn_snapshot *s,
                       const struct xn_view_caps *caps)
{
	struct xn_canvas *c = p->c;
	int nn = s->host.nr_nodes;
	uint64_t total = xn_domain_pages_total(d, nn);
	bool known = d->valid & XN_DOM_PAGES;
	xn_canvas_printf(c, 0, p->y, -1, XN_ROLE_TITLE, "Pages per node");
	if (known)
		xn_canvas_printf(c, 15, p->y, -1, XN_ROLE_DIM, "(%s; %" PRIu64 " pages, %.0f MiB)",
		                 xn_pages_method_name(d->pages_method), total, pages_mib(total, s));
	else {
		char why[200];
		char line[240];
		xn_view_pages_why(s, d, why, sizeof(why));
		snprintf(line, sizeof(line), "unknown: %s", why);
		wrap(p, 15, XN_ROLE_DIM, line);
		p->y--;
	}
	p->y++;
	/* room for "  N vCPUs  in affinity" after the figures at 80 columns */
	int barw = c->w - 54 > BAR_MAX ? BAR_MAX : c->w - 54;
	if (barw < 8)
		barw = 8;
	for (int i = 0; i < nn && known; i++) {
		if (p->y >= p->last)
			return;
		if (p->y == p->last - 1 && i < nn - 1) {
			xn_canvas_printf(c, 2, p->y++, -1, XN_ROLE_DIM, "... %d more nodes",
			                 nn - i);
			return;
		}
		uint64_t pg = d->node_pages[i];
		double share = total ? (double)pg / (double)total : 0;
		int full = (int)(share * barw + 0.5);
		int x = xn_canvas_printf(c, 2, p->y, -1, XN_ROLE_TITLE, "N%-3d",
		                         s->host.nodes[i].id);
		x += 2;
		xn_canvas_fill(c, x, p->y, full, caps->utf8 ? 0x2588 : '#', XN_ROLE_BAR_FREE);
		xn_canvas_fill(c, x + full, p->y, barw - full, caps->utf8 ? 0x2591 : '.',
		               XN_ROLE_BAR_USED);
		x += barw;
		x += xn_canvas_printf(c, x, p->y, -1, XN_ROLE_NORMAL, " %9.0f MiB %5.1f%%",
		                      pages_mib(pg, s), share * 100.0);
		/* how many of its vCPUs ran here, and whether the affinity has it */
		unsigned here = 0;
		if ((d->valid & XN_DOM_VCPU_NODE) && d->vcpu_node)
			for (uint32_t k = 0; k < d->vcpus; k++)
				here += d->vcpu_node[k] == s->host.nodes[i].id;
		if (here)
			x += xn_canvas_printf(c, x, p->y, -1, XN_ROLE_NORMAL, "  %u vCPU%s", here,
			                      here == 1 ? "" : "s");
		if ((d->valid & XN_DOM_AFFINITY) && !d->affinity_auto &&
		    XN_NM_TEST(&d->node_affinity, s->host.nodes[i].id))
			xn_canvas_text(c, x, p->y, -1, XN_ROLE_DIM, "  in affinity");
		p->y++;
	}
}

static enum xn_role local_share_role(double share)
{
	return xn_local_role(share * 100.0);
}

/* LOCAL% over the samples the screen took, once it holds two: a figure
 * that is bad now and was good a minute ago says something else than one
 * always bad. */
static void draw_local_trend(struct pen *p, const struct xn_view *v, const struct xn_domain *d,
                             const struct xn_view_caps *caps)
{
	const struct xn_trend *t = xn_trend_domain(&v->trends, d->id);
	if (!t || t->n < 2 || p->y >= p->last)
		return;
	double lo = 2, hi = -1;
	for (int i = 0; i < t->n; i++) {
		if (t->v[i] < 0)
			continue;
		lo = t->v[i] < lo ? t->v[i] : lo;
		hi = t->v[i] > hi ? t->v[i] : hi;
	}
	xn_canvas_text(p->c, 2, p->y, LABEL_W, XN_ROLE_DIM, "trend");
	int x = 2 + LABEL_W;
	x += xn_trend_draw(p->c, x, p->y, t->n, t, caps->utf8, local_share_role);
	char buf[160];
	if (hi < 0)
		snprintf(buf, sizeof(buf), " LOCAL%% unknown over the last %d samples", t->n);
	else
		snprintf(buf, sizeof(buf),
		         " LOCAL%% over the last %d samples, oldest first: low %.1f, high %.1f",
		         t->n, lo * 100.0, hi * 100.0);
	wrap(p, x, XN_ROLE_NORMAL, buf);
}

static void draw_placement_terms(struct pen *p, const struct xn_view *v, const struct xn_domain *d,
                                 const struct xn_snapshot *s, const struct xn_view_caps *caps)
{
	char buf[1024], what[160], aff[96];
	struct xn_fmt_ctx ctx = {.snap = s, .units = XN_UNITS_MIB};
	xn_columns[XN_COL_AFFINITY].format(&ctx, d, 0, aff, sizeof(aff));
	if (d->valid & XN_DOM_OUTSIDE)
		snprintf(buf, sizeof(buf),
		         "node affinity %s; %" PRIu64 " pages (%.0f MiB) outside it", aff,
		         d->pages_outside, pages_mib(d->pages_outside, s));
	else
		snprintf(buf, sizeof(buf), "node affinity %s", aff);
	term(p, "affinity", XN_ROLE_NORMAL, buf);
	xn_columns[XN_COL_VNODES].format(&ctx, d, 0, what, sizeof(what));
	snprintf(buf, sizeof(buf), "vCPUs ran last on nodes %s (hard and soft affinity below)",
	         what);
	term(p, "vCPU nodes", XN_ROLE_NORMAL, buf);
	if (d->valid & XN_DOM_LOCALITY) {
		snprintf(buf, sizeof(buf),
		         "LOCAL%% %.1f now (mean over vCPUs of the share of pages on its node)",
		         d->locality);
		term(p, "locality", xn_local_role(d->locality), buf);
	} else {
		term(p, "locality", XN_ROLE_DIM, "unknown (pages or vCPU nodes unknown)");
	}
	draw_local_trend(p, v, d, caps);
	p->y += p->y < p->last;

	/* the advice, then each of its terms */
	const struct xn_advice *a = &d->advice;
	if (p->y < p->last)
		xn_canvas_text(p->c, 0, p->y, -1, XN_ROLE_TITLE, "Advice:");
	char why[sizeof(a->reason) * 4];
	xn_text_escape(a->reason, why, sizeof(why));
	if (!(d->valid & XN_DOM_ADVICE) || a->action == XN_ADVICE_NONE) {
		if (!(d->valid & XN_DOM_ADVICE))
			snprintf(buf, sizeof(buf), "none (not computed)");
		else
			snprintf(buf, sizeof(buf), "none (%.1000s)",
			         why[0] ? why : "no reason given");
		wrap(p, 8, XN_ROLE_DIM, buf);
		return;
	}
	bool mis = xn_advice_is_misplaced(a);
	if (mis)
		xn_advice_words(a, d, s, what, sizeof(what), buf, sizeof(buf));
	else if (a->action == XN_ADVICE_STUCK)
		snprintf(what, sizeof(what), "stuck: badly placed, and no allowed change helps");
	else
		snprintf(what, sizeof(what), "ok: well placed, or no change gains enough");
	wrap(p, 8, mis || a->action == XN_ADVICE_STUCK ? XN_ROLE_WARN : XN_ROLE_OK, what);
	if (mis && a->step) {
		snprintf(buf, sizeof(buf),
		         "%" PRIu32 " of the host's plan (steps in order: no two "
		         "compete for a node)",
		         a->step);
		term(p, "step", XN_ROLE_NORMAL, buf);
	}
	if (mis && a->overrides[0])
		term(p, "overrides", XN_ROLE_WARN, a->overrides);
	if (mis)
		term(p, "press A", XN_ROLE_NORMAL, "to apply it (asks first)");
	nodes_text(&a->nodes, what, sizeof(what));
	term(p, "target", XN_ROLE_NORMAL, what);
	snprintf(buf, sizeof(buf), "%.1f now -> %.1f expected", a->local_now, a->local_expected);
	term(p, "LOCAL%", xn_local_role(a->local_expected), buf);
	if (a->action == XN_ADVICE_VCPUS || a->action == XN_ADVICE_OK)
		snprintf(buf, sizeof(buf), "none for the memory: it stays where it is");
	else if (a->memory_moves)
		snprintf(buf, sizeof(buf),
		         "%" PRIu64 " pages (%.0f MiB) not on the target move there",
		         a->pages_to_move, pages_mib(a->pages_to_move, s));
	else
		snprintf(buf, sizeof(buf),
		         "%" PRIu64 " pages (%.0f MiB) not on the target stay where they are "
		         "(node affinity steers new allocations only)",
		         a->pages_to_move, pages_mib(a->pages_to_move, s));
	term(p, "move cost", XN_ROLE_NORMAL, buf);
	if (a->mem_free_after >= 0)
		snprintf(buf, sizeof(buf), "%.0f MiB free on the target afterwards, headroom kept",
		         (double)a->mem_free_after / MIB);
	else
		snprintf(buf, sizeof(buf), "does not fit: %.0f MiB short, headroom kept",
		         (double)-a->mem_free_after / MIB);
	/* only a change that moves memory has a fit to show */
	if (a->pages_to_move)
		term(p, "memory fit", a->mem_free_after >= 0 ? XN_ROLE_NORMAL : XN_ROLE_WARN, buf);
	snprintf(buf, sizeof(buf),
	         "%" PRIu32 " vCPUs of other domains ran last on its %" PRIu32 " CPUs",
	         a->vcpus_there, a->cpus_there);
	term(p, "CPU fit", a->vcpus_there > a->cpus_there ? XN_ROLE_WARN : XN_ROLE_NORMAL, buf);
	snprintf(buf, sizeof(buf), "%.1f mean per access afterwards (10 = local)", a->distance);
	term(p, "distance", XN_ROLE_NORMAL, buf);
	if (mis && a->ratio_after > 0) {
		snprintf(buf, sizeof(buf), "%.1f busy vCPUs per CPU on the target afterwards",
		         a->ratio_after);
		term(p, "crowding", a->ratio_after > 1 ? XN_ROLE_WARN : XN_ROLE_NORMAL, buf);
	}
	term(p, "why", XN_ROLE_NORMAL, why[0] ? why : "-");
	if (a->pending_count > 0) {
		struct xn_advice pend = {.action = a->pending_action, .nodes = a->pending_nodes};
		char sh[64];
		xn_advice_format_short(&pend, sh, sizeof(sh));
		snprintf(buf, sizeof(buf),
		         "%s, seen in %" PRIu32 " of the last %d samples; shown at %d", sh,
		         a->pending_count, XN_ADVISE_WINDOW, XN_ADVISE_HOLD);
		term(p, "pending", XN_ROLE_DIM, buf);
	}
	int role = xn_view_check_text(v, s, d->id, what, sizeof(what));
	if (role >= 0)
		term(p, "applied", (enum xn_role)role, what);
	if (d->valid & XN_DOM_RECORDED_ADVICE) {
		/* a replay: the advice above is this advisor's, from the
		 * recorded samples; the recording's own stays visible */
		char sh[64];
		xn_advice_format_short(&d->recorded_advice, sh, sizeof(sh));
		snprintf(buf, sizeof(buf), "%s (what the recording held)", sh);
		term(p, "recorded", XN_ROLE_DIM, buf);
	}
}

static void draw_vcpus(struct pen *p, const struct xn_domain *d)
{
	struct xn_canvas *c = p->c;
	if (p->y >= p->last)
		return;
	xn_canvas_fill(c, 0, p->y, c->w, ' ', XN_ROLE_HEADER);
	xn_canvas_printf(c, 0, p->y++, -1, XN_ROLE_HEADER, "%6s %5s %5s  %-8s %-18s %s", "VCPU",
	                 "CPU", "NODE", "STATE", "HARD AFFINITY", "SOFT AFFINITY");
	if (!(d->valid & XN_DOM_VCPUS) || d->vcpus == 0) {
		if (p->y < p->last)
			xn_canvas_text(c, 0, p->y++, -1, XN_ROLE_DIM, "  vCPUs unknown");
		return;
	}
	for (uint32_t k = 0; k < d->vcpus; k++) {
		if (p->y >= p->last)
			return;
		if (p->y == p->last - 1 && k < d->vcpus - 1) {
			xn_canvas_printf(c, 2, p->y++, -1, XN_ROLE_DIM,
			                 "... %" PRIu32 " more vCPUs (enlarge the terminal)",
			                 d->vcpus - k);
			return;
		}
		char cpu[24], node[24], h[96], so[96];
		const char *state, *hard, *soft;
		xn_vcpu_fields(d, k, cpu, node, &state, &hard, &soft, sizeof(cpu));
		xn_text_escape(hard, h, sizeof(h));
		xn_text_escape(soft, so, sizeof(so));
		xn_canvas_printf(c, 0, p->y++, -1, XN_ROLE_NORMAL,
		                 "%6" PRIu32 " %5s %5s  %-8s %-18s %s", k, cpu, node, state, h, so);
	}
}

/* The body below the title: pages, placement and vCPUs, as tall as it is. */
static void draw_body(struct pen *p, const struct xn_view *v, const struct xn_domain *d,
                      const struct xn_snapshot *s, const struct xn_view_caps *caps)
{
	draw_pages(p, d, s, caps);
	p->y += p->y < p->last;
	draw_placement_terms(p, v, d, s, caps);
	p->y += p->y < p->last;
	draw_vcpus(p, d);
}

void xn_view_draw_detail(struct xn_canvas *c, struct xn_view *v, const struct xn_snapshot *s,
                         const struct xn_view_caps *caps)
{
	const struct xn_domain *d = v->have_sel ? xn_snapshot_find(s, v->sel_id) : NULL;
	const char *back = "Esc returns";
	xn_canvas_text(c, c->w - (int)strlen(back), 0, -1, XN_ROLE_DIM, back);
	if (!d) {
		xn_canvas_text(c, 0, 0, c->w - (int)strlen(back) - 1, XN_ROLE_TITLE,
		               "Domain detail: the domain is gone");
		return;
	}
	char name[128], mem[32] = "-", vc[16] = "-";
	struct xn_fmt_ctx ctx = {.snap = s, .units = XN_UNITS_MIB};
	xn_columns[XN_COL_NAME].format(&ctx, d, 0, name, sizeof(name));
	int x = xn_canvas_printf(c, 0, 0, c->w - (int)strlen(back) - 1, XN_ROLE_TITLE,
	                         "Domain %s (id %" PRId64 ")", name, d->id);
	if (d->valid & XN_DOM_MEM_CUR)
		snprintf(mem, sizeof(mem), "%.0f MiB", (double)d->mem_cur / MIB);
	if (d->valid & XN_DOM_VCPUS)
		snprintf(vc, sizeof(vc), "%" PRIu32, d->vcpus);
	xn_canvas_printf(c, x, 0, c->w - (int)strlen(back) - 1 - x, XN_ROLE_NORMAL,
	                 "  state %.6s  vCPUs %s  mem %s",
	                 (d->valid & XN_DOM_STATE) ? d->state : "-", vc, mem);
	/* the body in a canvas as tall as it can be, then the rows that fit
	 * from v->detail_top on (the arrows and PgUp PgDn scroll) */
	int rows = c->h - 4; /* title, blank, status lines */
	struct xn_canvas body = {0};
	int tall = 64 + 2 * s->host.nr_nodes + (int)((d->valid & XN_DOM_VCPUS) ? d->vcpus : 0);
	if (rows < 1 || xn_canvas_resize(&body, c->w, tall > 4096 ? 4096 : tall))
		return;
	struct pen p = {.c = &body, .y = 0, .last = body.h};
	draw_body(&p, v, d, s, caps);
	int used = p.y;
	int max_top = used > rows ? used - rows : 0;
	if (v->detail_top > max_top)
		v->detail_top = max_top;
	if (v->detail_top < 0)
		v->detail_top = 0;
	v->detail_rows = rows;
	for (int y = 0; y < rows && v->detail_top + y < used; y++)
		for (int col = 0; col < c->w; col++)
			*xn_canvas_at(c, col, 2 + y) = *xn_canvas_at(&body, col, v->detail_top + y);
	if (max_top > 0)
		xn_canvas_printf(c, 0, 1, -1, XN_ROLE_DIM,
		                 "rows %d-%d of %d: Up Down PgUp PgDn scroll", v->detail_top + 1,
		                 v->detail_top + rows < used ? v->detail_top + rows : used, used);
	xn_canvas_free(&body);
}
