/* test_view_layout.c - the table layout (columns inside the width, no
 * overlap, canonical order, the name and LOCAL% always there, every node or
 * a count of hidden ones), heat levels and the glyph ramp, and that no
 * screen size from 1x1 to 300x100 makes the view write outside the canvas or
 * leave a control character in it. */
#include <string.h>

#include "check.h"
#include "view_fixture.h"

/* The canonical left-to-right order, stated here on its own. */
static int canon_rank(enum xn_col_id id)
{
	/* xentop -b's order first (ID, which xentop lacks, after its columns),
	 * as the batch text prints them */
	static const enum xn_col_id order[] = {
	        XN_COL_NAME,    XN_COL_STATE,     XN_COL_CPU_SEC,    XN_COL_CPU_PCT,  XN_COL_MEM,
	        XN_COL_MEM_PCT, XN_COL_MAXMEM,    XN_COL_MAXMEM_PCT, XN_COL_VCPUS,    XN_COL_NETS,
	        XN_COL_NETTX,   XN_COL_NETRX,     XN_COL_VBDS,       XN_COL_VBD_OO,   XN_COL_VBD_RD,
	        XN_COL_VBD_WR,  XN_COL_VBD_RSECT, XN_COL_VBD_WSECT,  XN_COL_SSID,     XN_COL_ID,
	        XN_COL_NODE,    XN_COL_LOCAL,     XN_COL_ADVICE,     XN_COL_AFFINITY, XN_COL_VNODES,
	        XN_COL_OUTSIDE, XN_COL_METHOD,    XN_COL_AGE,
	};
	for (int i = 0; i < (int)(sizeof(order) / sizeof(order[0])); i++)
		if (order[i] == id)
			return i;
	return -1;
}

static void test_layout(void)
{
	for (int nn = 0; nn <= 80; nn += (nn < 8 ? 1 : 24)) {
		for (int w = XN_VIEW_MIN_W; w <= 300; w += 7) {
			struct xn_layout l;
			xn_layout_table(w, nn, XN_UNITS_MIB, 0, 0, 0, &l);
			CHECK(l.n >= 1 && l.n <= XN_LAYOUT_MAX_COLS);
			CHECK(l.cols[0].x == XN_LAYOUT_GUTTER);
			bool name = false, local = false, advice = false;
			int nodes = 0;
			for (int i = 0; i < l.n; i++) {
				const struct xn_layout_col *c = &l.cols[i];
				CHECK(c->width > 0);
				CHECK(c->x + c->width <= w);
				if (i > 0) {
					CHECK(c->x >= l.cols[i - 1].x + l.cols[i - 1].width + 1);
					CHECK(canon_rank(c->id) > canon_rank(l.cols[i - 1].id) ||
					      (c->id == XN_COL_NODE &&
					       l.cols[i - 1].id == XN_COL_NODE));
				}
				name |= c->id == XN_COL_NAME;
				local |= c->id == XN_COL_LOCAL;
				advice |= c->id == XN_COL_ADVICE;
				CHECK(canon_rank(c->id) >= 0);
				if (c->id == XN_COL_NODE)
					CHECK(c->node_idx == nodes++);
			}
			CHECK(name);
			/* LOCAL% once NAME, STATE, CPU(%), MEM(k) and it fit */
			if (w >= 1 + 10 + 7 + 7 + 11 + 7)
				CHECK(local);
			CHECK_EQ_U64(nodes + l.hidden_nodes, nn);
			if (nn <= 4 && w >= 80)
				CHECK(l.hidden_nodes == 0);
			/* ADVICE comes right after the node cells and LOCAL% */
			if (nn <= 4 && w >= 80)
				CHECK(advice);
		}
	}
	/* wider never shows fewer columns */
	struct xn_layout a, b;
	xn_layout_table(80, 2, XN_UNITS_MIB, 0, 0, 0, &a);
	xn_layout_table(120, 2, XN_UNITS_MIB, 0, 0, 0, &b);
	CHECK(b.n >= a.n);
	CHECK(a.n >= 6);
	/* at 80 columns and 4 nodes the node cells keep their figures (>= 5
	 * wide) and VNODES sits right after AFFINITY once both fit */
	xn_layout_table(80, 4, XN_UNITS_MIB, 0, 0, 0, &a);
	for (int i = 0; i < a.n; i++)
		if (a.cols[i].id == XN_COL_NODE)
			CHECK(a.cols[i].width >= 5);
	xn_layout_table(200, 4, XN_UNITS_MIB, 0, 0, 0, &b);
	for (int i = 1; i < b.n; i++)
		if (b.cols[i].id == XN_COL_VNODES)
			CHECK(b.cols[i - 1].id == XN_COL_AFFINITY);
	/* the node cells hold their titles with the unit ("N3 MiB", "N3 pg") */
	xn_layout_table(60, 4, XN_UNITS_MIB, 0, 0, 0, &a);
	for (int i = 0; i < a.n; i++)
		if (a.cols[i].id == XN_COL_NODE)
			CHECK(a.cols[i].width >= 6);
	CHECK(a.hidden_nodes > 0 && a.hidden_nodes < 4); /* STATE, CPU(%), MEM(k) first */
	/* an operator's order: NAME, STATE, CPU(%), MEM(k), the node cells,
	 * LOCAL%, ADVICE before the rest; METHOD, AGE(s), VNODES, OUTSIDE go
	 * first; xentop's network, VBD and SSID columns before any of those */
	static const enum xn_col_id order[] = {
	        XN_COL_STATE,  XN_COL_CPU_PCT, XN_COL_MEM,    XN_COL_LOCAL,
	        XN_COL_ADVICE, XN_COL_OUTSIDE, XN_COL_VNODES, XN_COL_AGE,
	        XN_COL_METHOD, XN_COL_NETS,    XN_COL_VBDS,   XN_COL_SSID,
	};
	int checked = 0;
	for (int w = XN_VIEW_MIN_W; w <= 300; w++) {
		xn_layout_table(w, 4, XN_UNITS_PAGES, 0, 0, 0, &a);
		bool on[XN_COL__COUNT] = {false};
		int nodes = 0;
		for (int i = 0; i < a.n; i++) {
			on[a.cols[i].id] = true;
			nodes += a.cols[i].id == XN_COL_NODE;
		}
		for (size_t i = 1; i < sizeof(order) / sizeof(order[0]); i++)
			if (on[order[i]])
				CHECK(on[order[i - 1]]);
		if (nodes)
			CHECK(on[XN_COL_MEM]);
		if (on[XN_COL_METHOD])
			CHECK(on[XN_COL_MEM_PCT] && on[XN_COL_MAXMEM] && on[XN_COL_CPU_SEC] &&
			      on[XN_COL_VCPUS]);
		checked += on[XN_COL_METHOD] && !on[XN_COL_NETS];
	}
	CHECK(checked > 0);
	/* at 120 columns and 4 nodes: memory first, METHOD and AGE(s) give way */
	xn_layout_table(120, 4, XN_UNITS_MIB, 0, 0, 0, &a);
	{
		bool on[XN_COL__COUNT] = {false};
		for (int i = 0; i < a.n; i++)
			on[a.cols[i].id] = true;
		CHECK(on[XN_COL_MEM] && on[XN_COL_MEM_PCT] && on[XN_COL_MAXMEM] &&
		      on[XN_COL_CPU_SEC] && on[XN_COL_VCPUS] && a.hidden_nodes == 0);
	}
	/* -f: the whole name before the columns of less use (MEM(%) on) */
	xn_layout_table(100, 2, XN_UNITS_MIB, 0, 0, 40, &a);
	CHECK(a.cols[0].id == XN_COL_NAME && a.cols[0].width == 40);
	/* -f: the name widens to what its longest value needs, when there is room */
	xn_layout_table(300, 2, XN_UNITS_MIB, 0, 0, 0, &a);
	xn_layout_table(300, 2, XN_UNITS_MIB, 0, 0, 60, &b);
	CHECK(a.cols[0].id == XN_COL_NAME && a.cols[0].width < 60);
	CHECK(b.cols[0].id == XN_COL_NAME && b.cols[0].width == 60);
	/* xentop's network and VBD columns in xentop's place when they fit;
	 * -n and -x keep them before ours on a narrower screen */
	xn_layout_table(300, 2, XN_UNITS_MIB, 0, 0, 0, &a);
	int nets = -1, vcpus = -1, vbds = -1;
	for (int i = 0; i < a.n; i++) {
		nets = a.cols[i].id == XN_COL_NETS ? i : nets;
		vbds = a.cols[i].id == XN_COL_VBDS ? i : vbds;
		vcpus = a.cols[i].id == XN_COL_VCPUS ? i : vcpus;
	}
	CHECK(vcpus >= 0 && nets == vcpus + 1 && vbds == nets + 3);
	xn_layout_table(155, 2, XN_UNITS_MIB, 0, 0, 0, &a);
	bool n0 = false, n1 = false, m0 = false, m1 = false;
	for (int i = 0; i < a.n; i++) {
		n0 |= a.cols[i].id == XN_COL_NETS;
		m0 |= a.cols[i].id == XN_COL_METHOD;
	}
	xn_layout_table(155, 2, XN_UNITS_MIB, XN_SHOW_NET, 0, 0, &a);
	nets = vcpus = vbds = -1;
	for (int i = 0; i < a.n; i++) {
		n1 |= a.cols[i].id == XN_COL_NETS;
		m1 |= a.cols[i].id == XN_COL_METHOD;
		nets = a.cols[i].id == XN_COL_NETS ? i : nets;
		vcpus = a.cols[i].id == XN_COL_VCPUS ? i : vcpus;
	}
	CHECK(!n0 && m0 && n1 && !m1);
	vbds = nets + 3;
	CHECK(vcpus >= 0 && nets == vcpus + 1 && vbds == nets + 3);
}

/* --columns and the chooser: a hidden column takes no room (one that did
 * not fit before now does), hidden nodes are not "+NN" */
static void test_hidden(void)
{
	struct xn_layout a, b;
	xn_layout_table(80, 4, XN_UNITS_MIB, 0, 0, 0, &a);
	bool method = false;
	for (int i = 0; i < a.n; i++)
		method |= a.cols[i].id == XN_COL_METHOD;
	CHECK(!method);
	uint64_t hid =
	        XN_COL_BIT(XN_COL_NODE) | XN_COL_BIT(XN_COL_STATE) | XN_COL_BIT(XN_COL_MEM_PCT) |
	        XN_COL_BIT(XN_COL_MAXMEM) | XN_COL_BIT(XN_COL_CPU_SEC) | XN_COL_BIT(XN_COL_VCPUS) |
	        XN_COL_BIT(XN_COL_AFFINITY) | XN_COL_BIT(XN_COL_OUTSIDE) | XN_COL_BIT(XN_COL_NAME);
	xn_layout_table(80, 4, XN_UNITS_MIB, 0, hid, 0, &b);
	bool name = false, state = false, node = false;
	method = false;
	for (int i = 0; i < b.n; i++) {
		name |= b.cols[i].id == XN_COL_NAME;
		state |= b.cols[i].id == XN_COL_STATE;
		node |= b.cols[i].id == XN_COL_NODE;
		method |= b.cols[i].id == XN_COL_METHOD;
	}
	CHECK(name && !state && !node && method);
	CHECK_EQ_U64(b.hidden_nodes, 0);
}

static void test_heat(void)
{
	CHECK_EQ_U64(xn_heat_level(0, 100), 0);
	CHECK_EQ_U64(xn_heat_level(0, 0), 0);
	CHECK_EQ_U64(xn_heat_level(1, 1000000), 1);
	CHECK_EQ_U64(xn_heat_level(100, 900), 1); /* 1/9 exactly */
	CHECK_EQ_U64(xn_heat_level(101, 900), 2);
	CHECK_EQ_U64(xn_heat_level(450, 900), 5);
	CHECK_EQ_U64(xn_heat_level(899, 900), 9);
	CHECK_EQ_U64(xn_heat_level(900, 900), 9);
	CHECK_EQ_U64(xn_heat_level(UINT64_MAX / 2, UINT64_MAX), 5);
	CHECK_EQ_U64(xn_heat_level(UINT64_MAX, UINT64_MAX), 9);
	/* monotonic */
	int last = 0;
	for (uint64_t p = 0; p <= 1000; p++) {
		int l = xn_heat_level(p, 1000);
		CHECK(l >= last);
		last = l;
	}
	/* no '-' in the ramp: that is how "unknown" looks */
	const char ramp[] = " .:;=+*#%@";
	for (int l = 0; l < XN_HEAT_LEVELS; l++)
		CHECK(xn_heat_glyph(l) == ramp[l]);
}

static void test_all_sizes(void)
{
	struct xn_snapshot s;
	fx_snapshot(&s, 4);
	struct xn_view v;
	xn_view_init(&v, XN_UNITS_MIB, 3);
	CHECK(xn_view_update(&v, &s) == 0);
	struct xn_canvas c = {0};
	int bad = 0;
	for (int mode = 0; mode < 4; mode++) {
		v.mode = (enum xn_view_mode)mode;
		v.show_vcpus = mode == XN_MODE_MAIN;
		for (int h = 1; h <= 100; h += 3) {
			for (int w = 1; w <= 300; w += 11) {
				struct xn_view_caps caps = {.utf8 = (w & 1) != 0,
				                            .color = (h & 1) != 0};
				if (xn_canvas_resize(&c, w, h))
					continue;
				xn_view_render(&c, &v, &s, &caps);
				for (int i = 0; i < w * h; i++) {
					uint32_t ch = c.cells[i].ch;
					if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0) ||
					    c.cells[i].role >= XN_ROLE__COUNT ||
					    (!caps.utf8 && ch >= 0x80))
						bad++;
				}
			}
		}
	}
	CHECK_EQ_U64(bad, 0);
	/* the selection stays visible whatever the height */
	v.mode = XN_MODE_MAIN;
	xn_view_select_at(&v, v.nr_rows - 1);
	struct xn_view_caps caps = {.utf8 = true, .color = true};
	xn_canvas_resize(&c, 80, XN_VIEW_MIN_H);
	xn_view_render(&c, &v, &s, &caps);
	bool seen = false;
	for (int y = 0; y < c.h; y++)
		seen |= c.cells[(size_t)y * (size_t)c.w].role == XN_ROLE_SELECTED;
	CHECK(seen);
	/* ...with vCPU rows too, wherever the selection goes, and the rows
	 * under the selected domain follow it when they fit */
	v.show_vcpus = true;
	for (size_t sel = 0; sel < v.nr_rows; sel++) {
		for (int h = XN_VIEW_MIN_H; h <= 40; h += 7) {
			xn_view_select_at(&v, sel);
			xn_canvas_resize(&c, 120, h);
			xn_view_render(&c, &v, &s, &caps);
			int rows = 0, vcpu_rows_after = 0;
			bool after = false;
			for (int y = 0; y < c.h; y++) {
				bool is_sel =
				        c.cells[(size_t)y * (size_t)c.w].role == XN_ROLE_SELECTED;
				char row[512];
				xn_canvas_row_utf8(&c, 0, y, c.w, row, sizeof(row));
				if (is_sel) {
					rows++;
					after = true;
				} else if (after && strstr(row, "\u2514 vCPU")) {
					vcpu_rows_after++;
				} else {
					after = false;
				}
			}
			CHECK_EQ_U64(rows, 1);
			size_t want = v.rows[sel]->vcpus;
			if (h == 40) /* room for them all */
				CHECK_EQ_U64(vcpu_rows_after, want);
		}
	}
	xn_canvas_free(&c);
	xn_view_free(&v);
	xn_snapshot_clear(&s);
}

/* Degenerate and large hosts: no nodes and no domains; 64 nodes (most
 * node columns hidden, "+NN" shown). */
static void test_odd_hosts(void)
{
	struct xn_snapshot e;
	memset(&e, 0, sizeof(e));
	struct xn_view v;
	xn_view_init(&v, XN_UNITS_MIB, 3);
	struct xn_canvas c = {0};
	struct xn_view_caps caps = {.utf8 = true, .color = false};
	for (int mode = 0; mode < 4; mode++) {
		v.mode = (enum xn_view_mode)mode;
		CHECK(xn_view_update(&v, &e) == 0);
		xn_canvas_resize(&c, 80, 24);
		xn_view_render(&c, &v, &e, &caps);
	}
	v.mode = XN_MODE_MAIN;
	xn_view_render(&c, &v, &e, &caps);
	char row[256];
	xn_canvas_row_utf8(&c, 0, 1, c.w, row, sizeof(row));
	CHECK(strstr(row, "Nodes 0") != NULL);

	struct xn_snapshot big;
	memset(&big, 0, sizeof(big));
	CHECK(xn_host_alloc_nodes(&big.host, 64) == 0);
	big.host.page_size = 4096;
	for (int i = 0; i < 64; i++)
		big.host.nodes[i].id = i;
	struct xn_domain *d = xn_snapshot_add_domain(&big);
	CHECK(d != NULL);
	if (d) {
		d->id = 1;
		xn_domain_set_name(d, "wide");
		d->node_pages[63] = 100;
		d->valid = XN_DOM_PAGES;
	}
	CHECK(xn_view_update(&v, &big) == 0);
	xn_canvas_resize(&c, 120, 40);
	xn_view_render(&c, &v, &big, &caps);
	bool more = false;
	for (int y = 0; y < c.h; y++) {
		xn_canvas_row_utf8(&c, 0, y, c.w, row, sizeof(row));
		more |= strstr(row, "more nodes") != NULL;
	}
	CHECK(more);
	struct xn_layout l;
	xn_layout_table(120, 64, XN_UNITS_MIB, 0, 0, 0, &l);
	CHECK(l.hidden_nodes > 0);
	xn_canvas_free(&c);
	xn_view_free(&v);
	xn_snapshot_clear(&big);
}

int main(void)
{
	test_odd_hosts();
	test_layout();
	test_heat();
	test_hidden();
	test_all_sizes();
	return check_report("test_view_layout");
}
