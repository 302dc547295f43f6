/* test_view.c - golden screens: the view renders deterministic snapshots
 * (2 and 4 nodes, unknown pages, a nasty name) and a real recording through
 * the replay source into a canvas, compared with tests/golden/NAME.txt.
 * Regenerate after a deliberate change: XN_GOLDEN_UPDATE=1 build/tests/test_view
 * (from the top of the tree), then review `git diff tests/golden`. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "tui/keycodes.h"
#include "tui/keys.h"
#include "output.h"
#include "replay.h"
#include "source.h"
#include "view_fixture.h"

static void test_main_screens(void)
{
	struct xn_snapshot s2, s4;
	struct xn_view v;
	fx_snapshot(&s2, 2);
	fx_snapshot(&s4, 4);

	xn_view_init(&v, XN_UNITS_MIB, 3);
	{
		size_t nh;
		const struct xn_help_entry *h = xn_keys_help(&nh);
		xn_view_set_help(&v, h, nh);
	}
	render_golden("main-2node-120x40", &v, &s2, 120, 40, true, true);
	render_golden("main-2node-80x24", &v, &s2, 80, 24, true, true);
	render_golden("main-4node-80x24-mono-ascii", &v, &s4, 80, 24, false, false);

	/* sorted by CPU(%), largest first, a later row selected, pages units,
	 * topology shown: the selection and sort header move with it */
	xn_view_set_sort(&v, XN_COL_CPU_PCT, 0);
	v.units = XN_UNITS_PAGES;
	v.show_topology = true;
	xn_view_update(&v, &s4);
	xn_view_select_at(&v, 2);
	render_golden("main-4node-120x40-cpu-pages-topo", &v, &s4, 120, 40, true, true);
	render_golden("main-4node-120x40-mono", &v, &s4, 120, 40, true, false);
	xn_view_free(&v);

	/* filter + per-node sort + paused + status message */
	xn_view_init(&v, XN_UNITS_PCT, 0.5);
	{
		size_t nh;
		const struct xn_help_entry *h = xn_keys_help(&nh);
		xn_view_set_help(&v, h, nh);
	}
	snprintf(v.filter, sizeof(v.filter), "E");
	xn_view_set_sort(&v, XN_COL_NODE, 1);
	v.paused = true;
	v.show_zones = false;
	xn_view_status(&v, XN_ROLE_OK, "vm: moved 1234 pages to node 1");
	render_golden("main-2node-80x24-filter-pct", &v, &s2, 80, 24, true, true);
	xn_view_free(&v);

	/* narrow: the minimum size, and below it */
	xn_view_init(&v, XN_UNITS_MIB, 3);
	{
		size_t nh;
		const struct xn_help_entry *h = xn_keys_help(&nh);
		xn_view_set_help(&v, h, nh);
	}
	render_golden("main-4node-60x12", &v, &s4, 60, 12, true, true);
	render_golden("too-small-40x10", &v, &s4, 40, 10, true, true);
	xn_view_free(&v);

	xn_snapshot_clear(&s2);
	xn_snapshot_clear(&s4);
}

static void test_other_screens(void)
{
	struct xn_snapshot s4;
	struct xn_view v;
	fx_snapshot(&s4, 4);
	xn_view_init(&v, XN_UNITS_MIB, 3);
	{
		size_t nh;
		const struct xn_help_entry *h = xn_keys_help(&nh);
		xn_view_set_help(&v, h, nh);
	}
	v.mode = XN_MODE_HEATMAP;
	render_golden("heatmap-4node-120x40", &v, &s4, 120, 40, true, true);
	render_golden("heatmap-4node-80x24-mono-ascii", &v, &s4, 80, 24, false, false);
	v.mode = XN_MODE_HELP;
	render_golden("help-80x24", &v, &s4, 80, 24, true, true);
	/* scrolled past its end: the last full screen, the notes at the bottom */
	v.help_top = 100;
	render_golden("help-60x12-scrolled", &v, &s4, 60, 12, true, true);
	CHECK(v.help_top == xn_view_help_lines(&v) - 8); /* 12 rows less title, blank, status */
	/* the column chooser at 80x24: METHOD hidden, the selection past the
	 * first screen (it scrolls to keep it), what fits marked "shown" */
	v.mode = XN_MODE_COLUMNS;
	v.col_hidden = XN_COL_BIT(XN_COL_METHOD);
	v.cols_sel = 22;
	render_golden("columns-4node-80x24", &v, &s4, 80, 24, true, true);
	CHECK(v.cols_sel == 22);
	v.col_hidden = 0;
	v.cols_sel = 0;
	v.help_top = 0;
	v.mode = XN_MODE_MAIN;

	/* the affinity prompt: an invalid list, then a valid one */
	xn_view_update(&v, &s4);
	xn_view_select_at(&v, 1); /* db-primary (sorted by name) */
	const struct xn_domain *d = xn_view_selected(&v);
	CHECK(d && d->id == 7);
	xn_prompt_open_affinity(&v.prompt, d, &s4.host, false);
	xn_prompt_key(&v.prompt, '5', &s4.host, d);
	render_golden("prompt-affinity-bad-80x24", &v, &s4, 80, 24, true, true);
	xn_prompt_key(&v.prompt, XN_KEY_BACKSPACE, &s4.host, d);
	xn_prompt_key(&v.prompt, '1', &s4.host, d);
	xn_prompt_key(&v.prompt, '-', &s4.host, d);
	xn_prompt_key(&v.prompt, '2', &s4.host, d);
	render_golden("prompt-affinity-ok-80x24", &v, &s4, 80, 24, true, true);
	xn_prompt_close(&v.prompt);
	xn_view_free(&v);
	xn_snapshot_clear(&s4);
}

static const struct xn_domain *select_id(struct xn_view *v, const struct xn_snapshot *s, int64_t id)
{
	xn_view_update(v, s);
	for (size_t i = 0; i < v->nr_rows; i++)
		if (v->rows[i]->id == id)
			xn_view_select_at(v, i);
	const struct xn_domain *d = xn_view_selected(v);
	CHECK(d && d->id == id);
	return d;
}

/* Advice on screen: the LOCAL% roles and marks, the '!' gutter, the
 * placement line; the vCPU rows; the detail view; the 'A' dialog; the
 * check of an applied advice. Advice and vCPU details come from the
 * fixture, not from the advisor. */
static void test_advice_screens(void)
{
	struct xn_snapshot s4;
	struct xn_view v;
	fx_snapshot(&s4, 4);
	xn_view_init(&v, XN_UNITS_MIB, 3);
	{
		size_t nh;
		const struct xn_help_entry *h = xn_keys_help(&nh);
		xn_view_set_help(&v, h, nh);
	}
	/* LOCAL% good / warn / bad: roles K W E in colour (8 and 256 colours
	 * share them; tui.c maps them), marks ~ x in monochrome */
	xn_view_set_sort(&v, XN_COL_LOCAL, 0);
	render_golden("local-4node-100x30-color", &v, &s4, 100, 30, true, true);
	render_golden("local-4node-100x30-mono", &v, &s4, 100, 30, true, false);
	xn_view_free(&v);

	/* v: one row per vCPU; the selection stays on domains */
	xn_view_init(&v, XN_UNITS_MIB, 3);
	{
		size_t nh;
		const struct xn_help_entry *h = xn_keys_help(&nh);
		xn_view_set_help(&v, h, nh);
	}
	v.show_vcpus = true;
	select_id(&v, &s4, 3);
	render_golden("vcpus-4node-120x40", &v, &s4, 120, 40, true, true);
	xn_view_select_by(&v, 1);
	CHECK(xn_view_selected(&v) && xn_view_selected(&v)->id == 9); /* next domain by name */
	render_golden("vcpus-4node-80x24-mono-ascii", &v, &s4, 80, 24, false, false);
	xn_view_free(&v);

	/* Enter: the detail view; an applied advice being checked */
	xn_view_init(&v, XN_UNITS_MIB, 3);
	{
		size_t nh;
		const struct xn_help_entry *h = xn_keys_help(&nh);
		xn_view_set_help(&v, h, nh);
	}
	const struct xn_domain *d = select_id(&v, &s4, 3);
	v.mode = XN_MODE_DETAIL;
	xn_view_check_start(&v, d);
	xn_view_sampled(&v, &s4);
	xn_view_sampled(&v, &s4);
	char chk[160];
	CHECK(xn_view_check_text(&v, &s4, 3, chk, sizeof(chk)) == XN_ROLE_WARN);
	CHECK_STR(chk, "predicted 100.0, now 0.0 (2 refreshes)");
	CHECK(xn_view_check_text(&v, &s4, 7, chk, sizeof(chk)) == -1);
	render_golden("detail-4node-100x40", &v, &s4, 100, 40, true, true);
	render_golden("detail-4node-80x24-mono-ascii", &v, &s4, 80, 24, false, false);
	/* scrolled to its end: the rest of it, and no row cut at the right */
	v.detail_top = 1000;
	render_golden("detail-4node-80x24-scrolled", &v, &s4, 80, 24, true, true);
	CHECK(v.detail_top > 0 && v.detail_top < 1000); /* clamped to the body */
	v.detail_top = 0;
	memset(&v.check, 0, sizeof(v.check));
	select_id(&v, &s4, 7);
	render_golden("detail-4node-db-120x40", &v, &s4, 120, 40, true, true);
	select_id(&v, &s4, 9);
	render_golden("detail-4node-unknown-80x24", &v, &s4, 80, 24, true, true);

	/* A: the affinity dialog pre-filled with the advice, asking y/n */
	v.mode = XN_MODE_MAIN;
	d = select_id(&v, &s4, 7);
	char what[120], detail[320];
	xn_advice_words(&d->advice, d, &s4, what, sizeof(what), detail, sizeof(detail));
	CHECK_STR(what, "move memory to node 0");
	CHECK_STR(detail, "existing pages stay where they are (1572864 pages, 6144 MiB): only new "
	                  "allocations go there; LOCAL% 25.0 -> 25.0 expected");
	d = select_id(&v, &s4, 3);
	xn_advice_words(&d->advice, d, &s4, what, sizeof(what), detail, sizeof(detail));
	CHECK_STR(what, "run vCPUs on node 0");
	CHECK_STR(detail, "100% of its memory is there; LOCAL% 0.0 -> 100.0 expected");
	d = select_id(&v, &s4, 0); /* ok: nothing advised, no words */
	xn_advice_words(&d->advice, d, &s4, what, sizeof(what), detail, sizeof(detail));
	CHECK(!what[0] && !detail[0]);
	d = select_id(&v, &s4, 7);
	xn_advice_words(&d->advice, d, &s4, what, sizeof(what), detail, sizeof(detail));
	xn_prompt_open_advice(&v.prompt, d, &s4.host, true, 0, what, detail);
	CHECK(v.prompt.confirming && v.prompt.advice);
	CHECK_STR(v.prompt.buf, "0");
	render_golden("prompt-advice-100x30", &v, &s4, 100, 30, true, true);
	xn_prompt_close(&v.prompt);
	xn_view_free(&v);
	xn_snapshot_clear(&s4);
}

/* A recording through the real replay source. */
static void test_recording(void)
{
	struct xn_source_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.replay_file = "tests/fixtures/replay/good-2node.jsonl";
	struct xn_source *src = NULL;
	char err[512] = "";
	int r = xn_source_open("replay", &cfg, &src, err, sizeof(err));
	CHECK(r == 0);
	if (r) {
		fprintf(stderr, "replay: %s\n", err);
		return;
	}
	struct xn_sampler s = {.src = src};
	CHECK(xn_sampler_step(&s) == 0);
	CHECK(xn_sampler_step(&s) == 0);
	/* the screen, not the advisor: no advice for any domain */
	for (size_t i = 0; i < s.cur.nr_domains; i++) {
		memset(&s.cur.domains[i].advice, 0, sizeof(s.cur.domains[i].advice));
		s.cur.domains[i].valid |= XN_DOM_ADVICE;
	}
	struct xn_view v;
	xn_view_init(&v, XN_UNITS_MIB, 1);
	{
		size_t nh;
		const struct xn_help_entry *h = xn_keys_help(&nh);
		xn_view_set_help(&v, h, nh);
	}
	long idx = -1, count = 0;
	CHECK(src->ops->position(src, &idx, &count) == 0);
	snprintf(v.position, sizeof(v.position), "sample %ld/%ld", idx + 1, count);
	render_golden("replay-good-2node-120x40", &v, &s.cur, 120, 40, true, true);
	v.mode = XN_MODE_HEATMAP;
	render_golden("replay-good-2node-heatmap-80x24", &v, &s.cur, 80, 24, true, true);
	xn_view_free(&v);
	xn_sampler_clear(&s);
	src->ops->close(src);
}

static void add_zone(struct xn_snapshot *s, int ni, const char *name, uint64_t free_pages,
                     uint64_t managed)
{
	struct xn_zone *z = xn_host_add_zone(&s->host);
	z->node_idx = ni;
	snprintf(z->name, sizeof(z->name), "%s", name);
	z->free_pages = free_pages;
	z->managed_pages = managed;
	z->valid = XN_ZONE_FREE | XN_ZONE_MANAGED;
}

static bool screen_has(const struct xn_canvas *c, int y, const char *what)
{
	char row[1024];
	xn_canvas_row_utf8(c, 0, y, c->w, row, sizeof(row));
	return strstr(row, what) != NULL;
}

/* Narrow terminals, 4 nodes: the columns give way by priority (MEM(k),
 * MAXMEM(k), CPU(sec) first), the node cells keep their figures and their
 * unit, the indicator at the top right and the method's age stay, a zone
 * without memory is not listed and the ones that do not fit are counted. */
static void test_narrow_screens(void)
{
	struct xn_snapshot s;
	fx_snapshot(&s, 4);
	for (size_t i = 0; i < s.nr_domains; i++)
		if (s.domains[i].valid & XN_DOM_PAGES) {
			s.domains[i].pages_method = XN_PAGES_XEN_DEBUGKEY;
			s.domains[i].pages_age_ms = 12000;
		}
	add_zone(&s, 0, "Movable", 0, 0); /* no memory: never listed */
	add_zone(&s, 1, "DMA", 3000, 3976);
	add_zone(&s, 1, "DMA32", 200000, 250000);
	add_zone(&s, 1, "HighMem", 1000, 2000);
	struct xn_view v;
	xn_view_init(&v, XN_UNITS_MIB, 3);
	{
		size_t nh;
		const struct xn_help_entry *h = xn_keys_help(&nh);
		xn_view_set_help(&v, h, nh);
	}
	snprintf(v.position, sizeof(v.position), "sample 3/10");
	v.paused = true;
	static const int sizes[][2] = {{80, 24}, {70, 20}, {60, 20}};
	static const char *const names[] = {"narrow-4node-80x24", "narrow-4node-70x20",
	                                    "narrow-4node-60x20"};
	for (int k = 0; k < 3; k++) {
		int w = sizes[k][0], h = sizes[k][1];
		render_golden(names[k], &v, &s, w, h, true, true);
		struct xn_canvas c = {0};
		struct xn_view_caps caps = {.utf8 = true, .color = true};
		CHECK(xn_canvas_resize(&c, w, h) == 0);
		xn_view_render(&c, &v, &s, &caps);
		CHECK(screen_has(&c, 0, "sample 3/10  PAUSED"));
		CHECK(screen_has(&c, 1, "12s old"));
		CHECK(screen_has(&c, 1, "Domains 8")); /* the count stays at 80 and below */
		/* -f where a name cannot be whole: the status line says so */
		v.full_names = true;
		v.status[0] = '\0';
		xn_view_render(&c, &v, &s, &caps);
		CHECK(screen_has(&c, h - 1, "-f: names cut to"));
		v.full_names = false;
		v.status[0] = '\0';
		bool movable = false, more = false, n3 = false, mem = false;
		for (int y = 0; y < h; y++) {
			movable |= screen_has(&c, y, "Movable");
			more |= screen_has(&c, y, "+");
			n3 |= screen_has(&c, y, "N3 MiB");
			mem |= screen_has(&c, y, "MEM(k)");
		}
		CHECK(!movable);
		CHECK(more);         /* node 1's zones do not all fit: counted */
		CHECK(n3 || w < 80); /* every node cell, with its unit, at 80 */
		CHECK(mem);          /* MEM(k) before the node cells: memory first */
		xn_canvas_free(&c);
	}
	/* 'u' changes the unit in the titles */
	v.units = XN_UNITS_PAGES;
	render_golden("narrow-4node-70x20-pages", &v, &s, 70, 20, false, false);
	xn_view_free(&v);
	xn_snapshot_clear(&s);
}

/* A node figure that cannot be read says why once, on the status line,
 * and in the detail view. */
static void test_unknown_reason(void)
{
	struct xn_snapshot s;
	fx_snapshot(&s, 2);
	snprintf(s.origin, sizeof(s.origin), "linux");
	struct xn_view v;
	xn_view_init(&v, XN_UNITS_MIB, 3);
	{
		size_t nh;
		const struct xn_help_entry *h = xn_keys_help(&nh);
		xn_view_set_help(&v, h, nh);
	}
	xn_view_update(&v, &s);
	xn_view_sampled(&v, &s);
	CHECK(strstr(v.status, "node figures unknown for ") != NULL);
	CHECK(strstr(v.status, "numa_maps could not be read") != NULL);
	/* once: the next sample with the same domains says nothing again */
	v.status[0] = '\0';
	xn_view_sampled(&v, &s);
	CHECK(v.status[0] == '\0');
	xn_view_free(&v);
	xn_snapshot_clear(&s);
}

/* Titles of a header line as words, units dropped ("N0 MiB", "N0(MiB)" and
 * "OUTSIDE(MiB)" become "N0", "OUTSIDE"): the screen's and the batch text's
 * column lists, compared. */
static void header_words(const char *line, char *out, size_t len)
{
	size_t o = 0;
	out[0] = '\0';
	for (const char *p = line; *p;) {
		while (*p == ' ' || *p == '!')
			p++;
		const char *start = p;
		while (*p && *p != ' ')
			p++;
		size_t n = (size_t)(p - start);
		if (!n)
			break;
		if (n == 3 && !strncmp(start, "MiB", 3))
			continue; /* the screen's unit word after "N0" */
		char w[64];
		snprintf(w, sizeof(w), "%.*s", (int)n, start);
		char *paren = strstr(w, "(MiB)");
		if (paren)
			*paren = '\0';
		o += (size_t)snprintf(out + o, len - o, "%s ", w);
		if (o >= len)
			break;
	}
}

static void test_same_columns(void)
{
	struct xn_snapshot s;
	fx_snapshot(&s, 2);
	struct xn_view v;
	xn_view_init(&v, XN_UNITS_MIB, 3);
	{
		size_t nh;
		const struct xn_help_entry *h = xn_keys_help(&nh);
		xn_view_set_help(&v, h, nh);
	}
	v.show = XN_SHOW_NET | XN_SHOW_VBD;
	struct xn_canvas c = {0};
	struct xn_view_caps caps = {.utf8 = true, .color = true};
	CHECK(xn_canvas_resize(&c, 400, 40) == 0);
	CHECK(xn_view_update(&v, &s) == 0);
	xn_view_render(&c, &v, &s, &caps);
	char row[2048], screen[1024] = "", batch[1024] = "";
	for (int y = 0; y < c.h; y++) {
		xn_canvas_row_utf8(&c, 0, y, c.w, row, sizeof(row));
		if (strstr(row, " NAME ") && strstr(row, "LOCAL%")) {
			header_words(row, screen, sizeof(screen));
			break;
		}
	}
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	struct xn_out_opts o = {.units = XN_UNITS_MIB,
	                        .show = XN_SHOW_NET | XN_SHOW_VBD,
	                        .sort_col = XN_COL_ID,
	                        .sort_node = -1};
	CHECK(xn_output_write(f, XN_FMT_TEXT, &s, 0, &o, NULL) == 0);
	fclose(f);
	char *nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	header_words(buf, batch, sizeof(batch));
	CHECK_STR(screen, batch);
	CHECK(strncmp(batch, "NAME STATE CPU(sec) ", 20) == 0);
	free(buf);
	xn_canvas_free(&c);
	/* -z: Domain-0 first whatever the sort, on the screen too */
	xn_view_set_sort(&v, XN_COL_NAME, 0);
	v.sort_reverse = true;
	v.dom0_first = true;
	CHECK(xn_view_update(&v, &s) == 0);
	CHECK(v.nr_rows > 2 && v.rows[0]->id == 0);
	CHECK(v.rows[1]->id != 0 && strcmp(v.rows[1]->name, v.rows[2]->name) > 0);
	xn_view_free(&v);
	xn_snapshot_clear(&s);
}

/* Trends: 20 samples in which node 0's free memory falls from half to 6 %
 * and misplaced-vm's LOCAL% from 100 to 0 (good a minute ago, bad now),
 * the others steady: the node rows' FREE TREND and the detail view's trend
 * line, colour and monochrome, UTF-8 blocks and ASCII. */
static void test_trend_screens(void)
{
	struct xn_snapshot s4, s;
	struct xn_view v;
	fx_snapshot(&s4, 4);
	memset(&s, 0, sizeof(s));
	xn_view_init(&v, XN_UNITS_MIB, 3);
	{
		size_t nh;
		const struct xn_help_entry *h = xn_keys_help(&nh);
		xn_view_set_help(&v, h, nh);
	}
	/* one sample: no trend yet (a single glyph says nothing) */
	xn_view_sampled(&v, &s4);
	struct xn_canvas c = {0};
	struct xn_view_caps caps = {.utf8 = true, .color = true};
	CHECK(xn_canvas_resize(&c, 120, 40) == 0);
	CHECK(xn_view_update(&v, &s4) == 0);
	xn_view_render(&c, &v, &s4, &caps);
	CHECK(screen_has(&c, 3, "NODE ") && !screen_has(&c, 3, "FREE TREND"));
	xn_canvas_free(&c);
	for (int i = 0; i < 20; i++) {
		CHECK(xn_snapshot_copy(&s, &s4) == 0);
		s.time.tv_sec += 3 * (i + 1);
		struct xn_node *n0 = &s.host.nodes[0];
		n0->mem_free = n0->mem_total / 2 -
		               (n0->mem_total / 2 - n0->mem_total * 6 / 100) * (uint64_t)i / 19;
		for (size_t k = 0; k < s.nr_domains; k++)
			if (s.domains[k].id == 3) {
				s.domains[k].locality = 100.0 - 100.0 * i / 19;
				s.domains[k].valid |= XN_DOM_LOCALITY;
			}
		xn_view_sampled(&v, &s);
	}
	render_golden("trend-4node-120x40", &v, &s, 120, 40, true, true);
	render_golden("trend-4node-120x40-mono", &v, &s, 120, 40, true, false);
	render_golden("trend-4node-80x24", &v, &s, 80, 24, true, true);
	render_golden("trend-4node-80x24-mono-ascii", &v, &s, 80, 24, false, false);
	select_id(&v, &s, 3);
	v.mode = XN_MODE_DETAIL;
	render_golden("trend-detail-4node-120x40", &v, &s, 120, 40, true, true);
	render_golden("trend-detail-4node-120x40-mono", &v, &s, 120, 40, true, false);
	render_golden("trend-detail-4node-80x24", &v, &s, 80, 24, true, true);
	render_golden("trend-detail-4node-80x24-mono-ascii", &v, &s, 80, 24, false, false);
	xn_view_free(&v);
	xn_snapshot_clear(&s);
	xn_snapshot_clear(&s4);
}

/* Every screen case of issue 21 at both sizes, colour and monochrome:
 * case-NAME-{120x40,80x24}-{color,mono}. The keys go through the real
 * controller (xn_keys_handle) where the case is a key's effect. */
enum screen_case {
	CASE_MAIN,
	CASE_UNKNOWN_KEY,
	CASE_HIDDEN_SORT,
	CASE_FULL_NAMES,
	CASE_DETAIL,
	CASE_HEATMAP,
	CASE_HELP,
	CASE_CHOOSER
};

static void case_setup(enum screen_case k, struct xn_ctl *c)
{
	struct xn_view *v = c->v;
	switch (k) {
	case CASE_MAIN:
		break;
	case CASE_UNKNOWN_KEY: /* "unknown key ~: h for help" */
		xn_keys_handle(c, '~');
		break;
	case CASE_HIDDEN_SORT: /* a sort key the width hides says so */
		xn_view_set_sort(v, XN_COL_SSID, 0);
		xn_keys_handle(c, 'R');
		break;
	case CASE_FULL_NAMES: /* -f: NAME widens first, the status says when names stay cut */
		v->full_names = true;
		break;
	case CASE_DETAIL: /* wraps at words, never cuts a figure */
		select_id(v, &c->s->cur, 3);
		xn_keys_handle(c, XN_KEY_ENTER);
		break;
	case CASE_HEATMAP: /* heat cells one hue, mono keeps the glyph of a wide figure */
		xn_keys_handle(c, 'H');
		break;
	case CASE_HELP: /* the ADVICE words, VNODES, METHOD, AGE explained */
		xn_keys_handle(c, 'h');
		break;
	case CASE_CHOOSER: /* c: the columns, with what fits marked */
		xn_keys_handle(c, 'c');
		break;
	}
}

static void test_case_screens(void)
{
	static const char *const names[] = {"main",   "unknown-key", "hidden-sort", "full-names",
	                                    "detail", "heatmap",     "help",        "chooser"};
	static const struct {
		int w, h;
		bool color;
	} looks[] = {{120, 40, true}, {120, 40, false}, {80, 24, true}, {80, 24, false}};
	struct xn_sampler smp;
	memset(&smp, 0, sizeof(smp));
	fx_snapshot(&smp.cur, 4);
	smp.have_cur = true;
	struct xn_options o;
	memset(&o, 0, sizeof(o));
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		for (size_t l = 0; l < sizeof(looks) / sizeof(looks[0]); l++) {
			struct xn_view v;
			xn_view_init(&v, XN_UNITS_MIB, 3);
			size_t nh;
			const struct xn_help_entry *h = xn_keys_help(&nh);
			xn_view_set_help(&v, h, nh);
			CHECK(xn_view_update(&v, &smp.cur) == 0);
			/* a first render: the table's shown columns, as the keys see them */
			struct xn_canvas cv = {0};
			struct xn_view_caps caps = {.utf8 = true, .color = looks[l].color};
			CHECK(xn_canvas_resize(&cv, looks[l].w, looks[l].h) == 0);
			xn_view_render(&cv, &v, &smp.cur, &caps);
			xn_canvas_free(&cv);
			struct xn_ctl c = {.v = &v, .s = &smp, .o = &o};
			case_setup((enum screen_case)k, &c);
			char name[96];
			snprintf(name, sizeof(name), "case-%s-%dx%d-%s", names[k], looks[l].w,
			         looks[l].h, looks[l].color ? "color" : "mono");
			render_golden(name, &v, &smp.cur, looks[l].w, looks[l].h, true,
			              looks[l].color);
			xn_view_free(&v);
		}
	xn_snapshot_clear(&smp.cur);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	const char *root = getenv("XN_ROOT");
	if (root && chdir(root) != 0)
		perror(root);
	test_main_screens();
	test_other_screens();
	test_advice_screens();
	test_recording();
	test_narrow_screens();
	test_unknown_reason();
	test_same_columns();
	test_trend_screens();
	test_case_screens();
	return check_report("test_view");
}
