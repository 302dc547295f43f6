/* test_keys.c - the controller against the real replay source (a read-only
 * source that can seek): the key table is consistent, sorting cycles and
 * moves, the filter works as typed, help closes on any key, affinity on a
 * read-only source or with --read-only says why, stepping in time. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advise.h"
#include "check.h"
#include "tui/keys.h"
#include "options.h"
#include "source.h"
#include "util.h"
#include "tui/view.h"
#include "view_fixture.h"

static unsigned press(struct xn_ctl *c, int key)
{
	unsigned fx = xn_keys_handle(c, key);
	if (fx & (XN_FX_RESORT | XN_FX_RESAMPLE))
		xn_view_update(c->v, &c->s->cur);
	return fx;
}

static void test_table(void)
{
	CHECK(xn_key_table_len >= 15);
	for (size_t i = 0; i < xn_key_table_len; i++) {
		const struct xn_key_binding *b = &xn_key_table[i];
		CHECK(b->label && b->label[0] && b->help && b->help[0] && b->cmd);
		CHECK(b->keys[0] != 0);
		for (size_t j = 0; j < xn_key_table_len; j++)
			for (size_t k = 0; k < XN_ARRAY_SIZE(b->keys); k++)
				for (size_t l = 0; l < XN_ARRAY_SIZE(b->keys); l++)
					if ((i != j || k != l) && b->keys[k])
						CHECK(b->keys[k] != xn_key_table[j].keys[l]);
	}
}

static void test_keys(struct xn_sampler *s)
{
	struct xn_options o;
	memset(&o, 0, sizeof(o));
	struct xn_view v;
	xn_view_init(&v, XN_UNITS_MIB, 3);
	{
		size_t nh;
		const struct xn_help_entry *h = xn_keys_help(&nh);
		xn_view_set_help(&v, h, nh);
	}
	struct xn_ctl c = {.v = &v, .s = s, .o = &o};
	xn_view_update(&v, &s->cur);
	CHECK(v.nr_rows == s->cur.nr_domains && v.nr_rows >= 3);

	/* quit, in xentop's either case */
	CHECK(press(&c, 'q') & XN_FX_QUIT);
	CHECK(press(&c, 'Q') & XN_FX_QUIT);
	/* Z on a host without Xen's address-width zones says it has nothing
	 * to change */
	bool exact = v.zones_exact;
	press(&c, 'Z');
	CHECK(v.zones_exact == exact);
	CHECK(strstr(v.status, "shown as they are") != NULL);
	/* an unknown key says so, and how to find the keys */
	CHECK(!(press(&c, 'j') & XN_FX_QUIT));
	CHECK_STR(v.status, "unknown key j: h for help");
	/* xentop's D opens the delay prompt, as d; Esc closes it */
	press(&c, 'D');
	CHECK(v.prompt.kind == XN_PROMPT_DELAY);
	press(&c, XN_KEY_ESC);
	CHECK(v.prompt.kind == XN_PROMPT_NONE);
	/* xentop's V shows the vCPU rows, N and B keep their columns first */
	press(&c, 'V');
	CHECK(v.show_vcpus);
	press(&c, 'v');
	CHECK(!v.show_vcpus);
	press(&c, 'N');
	CHECK(v.show == XN_SHOW_NET);
	press(&c, 'b');
	CHECK(v.show == (XN_SHOW_NET | XN_SHOW_VBD));
	press(&c, 'n');
	press(&c, 'B');
	CHECK(v.show == 0);
	CHECK(press(&c, XN_KEY_F10) & XN_FX_QUIT);
	/* Esc alone never quits (Alt+key arrives as Esc): it says how to */
	CHECK(!(press(&c, XN_KEY_ESC) & XN_FX_QUIT));
	CHECK(strstr(v.status, "q or F10 quits") != NULL);
	CHECK(!(press(&c, 'x') & XN_FX_QUIT));

	/* sort: s cycles from NAME to the next column and wraps back */
	CHECK(v.sort_col == XN_COL_NAME);
	CHECK(press(&c, 's') & XN_FX_RESORT);
	CHECK(v.sort_col == XN_COL_STATE);
	int n = 1;
	while (v.sort_col != XN_COL_NAME && n < 100) {
		press(&c, 's');
		n++;
	}
	/* no table drawn yet: every column */
	CHECK_EQ_U64(n, XN_COL__COUNT - 1 + s->cur.host.nr_nodes);
	press(&c, 's'); /* STATE */
	press(&c, '>'); /* CPU_SEC */
	CHECK(v.sort_col == XN_COL_CPU_SEC && v.sort_reverse);
	press(&c, '<');
	press(&c, '<');
	CHECK(v.sort_col == XN_COL_NAME);    /* the first column, as on screen */
	CHECK(press(&c, '<') == XN_FX_NONE); /* no wrap */
	/* per-node columns one by one, after ID */
	xn_view_set_sort(&v, XN_COL_SSID, 0);
	press(&c, '>');
	CHECK(v.sort_col == XN_COL_ID);
	press(&c, '>');
	CHECK(v.sort_col == XN_COL_NODE && v.sort_node == 0);
	press(&c, '>');
	CHECK(v.sort_col == XN_COL_NODE && v.sort_node == 1);
	/* largest on node 1 first; R reverses */
	CHECK(v.rows[0]->node_pages[1] >= v.rows[v.nr_rows - 1]->node_pages[1]);
	bool rev = v.sort_reverse;
	press(&c, 'R');
	CHECK(v.sort_reverse != rev);
	CHECK(v.rows[0]->node_pages[1] <= v.rows[v.nr_rows - 1]->node_pages[1]);
	press(&c, 'r'); /* r too: xentop's repeat-header has no use on our screen */
	CHECK(v.sort_reverse == rev);
	/* once a table is drawn, S and s cycle through its columns only */
	memset(v.col_on, 0, sizeof(v.col_on));
	v.col_on[XN_COL_NAME] = v.col_on[XN_COL_MEM] = v.col_on[XN_COL_LOCAL] = true;
	v.nodes_on = 0;
	xn_view_set_sort(&v, XN_COL_NAME, 0);
	press(&c, 'S');
	CHECK(v.sort_col == XN_COL_MEM);
	CHECK(strstr(v.status, "sorted by MEM(k)") && !strstr(v.status, "hidden"));
	press(&c, 's');
	CHECK(v.sort_col == XN_COL_LOCAL);
	press(&c, 's');
	CHECK(v.sort_col == XN_COL_NAME);
	/* a sort by a column the screen does not show says so */
	xn_view_set_sort(&v, XN_COL_VBD_RD, 0);
	press(&c, 'R');
	CHECK(strstr(v.status, "by VBD_RD (hidden)") != NULL);
	press(&c, 's'); /* and s goes on among the shown ones */
	CHECK(v.sort_col == XN_COL_MEM);
	memset(v.col_on, 0, sizeof(v.col_on));
	xn_view_set_sort(&v, XN_COL_NAME, 0);

	/* selection keys */
	press(&c, XN_KEY_HOME);
	CHECK_EQ_U64(v.sel, 0);
	press(&c, XN_KEY_DOWN);
	CHECK_EQ_U64(v.sel, 1);
	press(&c, XN_KEY_END);
	CHECK_EQ_U64(v.sel, v.nr_rows - 1);
	press(&c, XN_KEY_DOWN);
	CHECK_EQ_U64(v.sel, v.nr_rows - 1);
	int64_t id = v.rows[v.sel]->id;
	press(&c, 'R'); /* the selection follows the domain, not the row */
	CHECK(v.rows[v.sel]->id == id);

	/* filter as typed, Esc clears */
	xn_view_set_sort(&v, XN_COL_NAME, 0);
	press(&c, '/');
	CHECK(v.prompt.kind == XN_PROMPT_FILTER);
	press(&c, '0');
	press(&c, '0');
	press(&c, '2');
	CHECK_STR(v.filter, "002");
	CHECK_EQ_U64(v.nr_rows, 1);
	CHECK(!(press(&c, 'q') & XN_FX_QUIT)); /* typed, not a command */
	CHECK_EQ_U64(v.nr_rows, 0);
	press(&c, XN_KEY_BACKSPACE);
	CHECK(press(&c, XN_KEY_ENTER) & XN_FX_RESORT);
	CHECK(v.prompt.kind == XN_PROMPT_NONE);
	CHECK_STR(v.filter, "002");
	CHECK_EQ_U64(v.nr_rows, 1);
	press(&c, '/');
	press(&c, XN_KEY_ESC);
	CHECK_STR(v.filter, "");
	CHECK_EQ_U64(v.nr_rows, s->cur.nr_domains);

	/* help: any key closes it, even q */
	press(&c, 'h');
	CHECK(v.mode == XN_MODE_HELP);
	CHECK(!(press(&c, 'q') & XN_FX_QUIT));
	CHECK(v.mode == XN_MODE_MAIN);
	press(&c, '?');
	CHECK(v.mode == XN_MODE_HELP);
	press(&c, ' ');
	press(&c, 'H');
	CHECK(v.mode == XN_MODE_HEATMAP);
	press(&c, 'H');
	CHECK(v.mode == XN_MODE_MAIN);
	/* F1 opens help as htop; the arrows scroll it (they do not close it),
	 * Esc closes it; F10 quits from it */
	press(&c, XN_KEY_F1);
	CHECK(v.mode == XN_MODE_HELP && v.help_top == 0);
	v.page_rows = 5;
	press(&c, XN_KEY_DOWN);
	press(&c, XN_KEY_DOWN);
	CHECK(v.mode == XN_MODE_HELP && v.help_top == 2);
	press(&c, XN_KEY_PGDN);
	CHECK(v.help_top == 7);
	press(&c, XN_KEY_UP);
	CHECK(v.help_top == 6);
	press(&c, XN_KEY_PGUP);
	press(&c, XN_KEY_PGUP);
	CHECK(v.help_top == 0);
	CHECK(!(press(&c, XN_KEY_ESC) & XN_FX_QUIT));
	CHECK(v.mode == XN_MODE_MAIN);
	press(&c, XN_KEY_F1);
	CHECK(press(&c, XN_KEY_F10) & XN_FX_QUIT);
	press(&c, XN_KEY_ESC);
	CHECK(v.mode == XN_MODE_MAIN);
	/* Esc closes the heatmap too, and in the main view only says how to quit */
	press(&c, 'H');
	CHECK(!(press(&c, XN_KEY_ESC) & XN_FX_QUIT));
	CHECK(v.mode == XN_MODE_MAIN);
	CHECK(!(press(&c, XN_KEY_ESC) & XN_FX_QUIT));
	CHECK(v.mode == XN_MODE_MAIN);

	/* toggles */
	press(&c, 'u');
	CHECK(v.units == XN_UNITS_PAGES);
	press(&c, 'u');
	press(&c, 'u');
	CHECK(v.units == XN_UNITS_MIB);
	bool z = v.show_zones, t = v.show_topology;
	press(&c, 'z');
	press(&c, 't');
	CHECK(v.show_zones != z && v.show_topology != t);
	CHECK(press(&c, 'p') & XN_FX_RESCHEDULE);
	CHECK(v.paused);
	press(&c, 'p');
	CHECK(!v.paused);

	/* delay */
	press(&c, 'd');
	press(&c, '2');
	CHECK(press(&c, XN_KEY_ENTER) & XN_FX_RESCHEDULE);
	CHECK(v.delay == 2.0);

	/* affinity: a read-only source says so and opens nothing */
	press(&c, 'a');
	CHECK(v.prompt.kind == XN_PROMPT_NONE);
	CHECK(strstr(v.status, "replay source is read-only") != NULL);
	CHECK(v.status_role == XN_ROLE_ERROR);
	o.read_only = true;
	press(&c, 'a');
	CHECK(strstr(v.status, "--read-only") != NULL);
	o.read_only = false;

	/* A: a read-only source or --read-only refuses, saying why */
	press(&c, 'A');
	CHECK(v.prompt.kind == XN_PROMPT_NONE);
	CHECK(strstr(v.status, "the replay source is read-only: advice cannot be applied") != NULL);
	CHECK(v.status_role == XN_ROLE_ERROR);
	o.read_only = true;
	press(&c, 'A');
	CHECK(v.prompt.kind == XN_PROMPT_NONE);
	CHECK(strstr(v.status, "read-only mode (--read-only)") != NULL);
	o.read_only = false;

	/* v: vCPU rows; Up Down still move from domain to domain */
	press(&c, XN_KEY_HOME);
	press(&c, 'v');
	CHECK(v.show_vcpus);
	press(&c, XN_KEY_DOWN);
	CHECK_EQ_U64(v.sel, 1);
	press(&c, 'v');
	CHECK(!v.show_vcpus);

	/* Enter: detail; Esc and Enter return (Esc does not quit there), q quits;
	 * help opened from the detail view returns to it */
	CHECK(press(&c, XN_KEY_ENTER) & XN_FX_REDRAW);
	CHECK(v.mode == XN_MODE_DETAIL);
	/* there the arrows and pages scroll the view, not the selection */
	size_t sel = v.sel;
	v.detail_rows = 10;
	press(&c, XN_KEY_DOWN);
	press(&c, XN_KEY_DOWN);
	CHECK(v.detail_top == 2 && v.sel == sel);
	press(&c, XN_KEY_PGDN);
	CHECK(v.detail_top == 11);
	press(&c, XN_KEY_PGUP);
	press(&c, XN_KEY_UP);
	CHECK(v.detail_top == 1);
	press(&c, XN_KEY_HOME);
	CHECK(v.detail_top == 0 && v.sel == sel);
	CHECK(!(press(&c, XN_KEY_ESC) & XN_FX_QUIT));
	CHECK(v.mode == XN_MODE_MAIN);
	press(&c, 'H');
	press(&c, XN_KEY_ENTER);
	CHECK(v.mode == XN_MODE_DETAIL);
	press(&c, '?');
	CHECK(v.mode == XN_MODE_HELP);
	press(&c, ' ');
	CHECK(v.mode == XN_MODE_DETAIL);
	press(&c, XN_KEY_ENTER);
	CHECK(v.mode == XN_MODE_HEATMAP);
	press(&c, 'H');
	press(&c, XN_KEY_ENTER);
	CHECK(press(&c, 'q') & XN_FX_QUIT);
	press(&c, XN_KEY_ESC);
	CHECK(v.mode == XN_MODE_MAIN);

	/* stepping back in a recording: seek + resample, paused */
	press(&c, XN_KEY_HOME);
	struct timespec before = s->cur.time;
	unsigned fx = press(&c, '[');
	CHECK(fx & XN_FX_RESAMPLE);
	CHECK(v.paused);
	if (fx & XN_FX_RESAMPLE)
		CHECK(xn_sampler_step(s) == 0);
	CHECK(s->cur.time.tv_sec < before.tv_sec ||
	      (s->cur.time.tv_sec == before.tv_sec && s->cur.time.tv_nsec < before.tv_nsec));
	xn_view_free(&v);
}

/* A writable source that records what it was asked. */
struct fake {
	struct xn_source base;
	int calls, ret;
	int64_t domid;
	xn_nodemask nodes;
	unsigned flags;
};

static int fake_set(struct xn_source *src, int64_t domid, const xn_nodemask *nodes, unsigned flags,
                    char *msg, size_t len)
{
	struct fake *f = (struct fake *)src;
	f->calls++;
	f->domid = domid;
	f->nodes = *nodes;
	f->flags = flags;
	if (f->ret)
		return xn_source_fail(src, f->ret, "the hypervisor said no");
	snprintf(msg, len, "soft affinity of 2 vCPUs set to CPUs 0-3");
	return 0;
}

static const struct xn_source_ops fake_ops = {.name = "fake", .set_node_affinity = fake_set};

static const struct xn_domain *select_id(struct xn_view *v, int64_t id)
{
	for (size_t i = 0; i < v->nr_rows; i++)
		if (v->rows[i]->id == id)
			xn_view_select_at(v, i);
	return xn_view_selected(v);
}

/* A on a writable source: an advised domain gets the dialog pre-filled and
 * applied with the advice's flags, then the check of its locality for
 * XN_VIEW_CHECK_REFRESHES refreshes; a domain without advice gets why. */
static void test_apply_advice(void)
{
	struct fake f;
	memset(&f, 0, sizeof(f));
	f.base.ops = &fake_ops;
	struct xn_sampler s = {.src = &f.base};
	fx_snapshot(&s.cur, 4);
	s.have_cur = true;
	struct xn_options o;
	memset(&o, 0, sizeof(o));
	o.aff_cpus = true; /* 'a' would pass XN_AFF_CPUS; 'A' passes the advice's flags */
	struct xn_view v;
	xn_view_init(&v, XN_UNITS_MIB, 3);
	{
		size_t nh;
		const struct xn_help_entry *h = xn_keys_help(&nh);
		xn_view_set_help(&v, h, nh);
	}
	struct xn_ctl c = {.v = &v, .s = &s, .o = &o};
	xn_view_update(&v, &s.cur);

	/* ok and none: nothing opens, the status says why */
	select_id(&v, 0);
	press(&c, 'A');
	CHECK(v.prompt.kind == XN_PROMPT_NONE);
	CHECK_STR(v.status, "Domain-0: advice ok, nothing to apply: its memory spans nodes; no "
	                    "placement gains enough");
	select_id(&v, 9);
	press(&c, 'A');
	CHECK(v.prompt.kind == XN_PROMPT_NONE);
	CHECK_STR(v.status, "pages-unknown has no advice: pages per node unknown");
	CHECK_EQ_U64(f.calls, 0);

	/* misplaced-vm: vcpus>0, asked then applied with the advice's flags */
	const struct xn_domain *d = select_id(&v, 3);
	CHECK(d && d->id == 3);
	unsigned want_flags = xn_advice_apply_flags(&d->advice);
	press(&c, 'A');
	CHECK(v.prompt.kind == XN_PROMPT_AFFINITY && v.prompt.confirming && v.prompt.advice);
	CHECK_EQ_U64(f.calls, 0); /* nothing before y */
	unsigned fx = press(&c, 'y');
	CHECK(fx & XN_FX_RESAMPLE);
	CHECK_EQ_U64(f.calls, 1);
	CHECK_EQ_U64(f.domid, 3);
	CHECK(XN_NM_TEST(&f.nodes, 0) && xn_bits_count(f.nodes.w, XN_MAX_NODES) == 1);
	CHECK_EQ_U64(f.flags, want_flags);
	CHECK(v.status_role == XN_ROLE_OK);
	CHECK_STR(v.status, "misplaced-vm: soft affinity of 2 vCPUs set to CPUs 0-3");
	CHECK(v.check.active && v.check.domid == 3 && v.check.predicted == 100.0);

	/* the following refreshes compare; after XN_VIEW_CHECK_REFRESHES, gone */
	char t[160];
	for (int i = 1; i <= XN_VIEW_CHECK_REFRESHES; i++) {
		xn_view_sampled(&v, &s.cur);
		CHECK(xn_view_check_text(&v, &s.cur, -1, t, sizeof(t)) == XN_ROLE_WARN);
	}
	CHECK_STR(t, "predicted 100.0, now 0.0 (5 refreshes)");
	s.cur.domains[1].locality = 97.3; /* misplaced-vm (sorted by id: 0, 3, ...) */
	CHECK(s.cur.domains[1].id == 3);
	CHECK(xn_view_check_text(&v, &s.cur, 3, t, sizeof(t)) == XN_ROLE_OK);
	CHECK_STR(t, "predicted 100.0, now 97.3 (5 refreshes)");
	xn_view_sampled(&v, &s.cur);
	CHECK(!v.check.active);
	CHECK(xn_view_check_text(&v, &s.cur, -1, t, sizeof(t)) == -1 && !t[0]);

	/* an edited list is a plain affinity change: plain flags, no check */
	press(&c, 'A');
	press(&c, 'n');
	press(&c, ',');
	press(&c, '1');
	press(&c, XN_KEY_ENTER);
	press(&c, 'y');
	CHECK_EQ_U64(f.calls, 2);
	CHECK(XN_NM_TEST(&f.nodes, 0) && XN_NM_TEST(&f.nodes, 1));
	CHECK_EQ_U64(f.flags, XN_AFF_CPUS);
	CHECK(!v.check.active);

	/* the source refuses: the reason, and no check */
	f.ret = -EPERM;
	press(&c, 'A');
	press(&c, 'y');
	CHECK_EQ_U64(f.calls, 3);
	CHECK(v.status_role == XN_ROLE_ERROR);
	CHECK_STR(v.status, "advice for misplaced-vm not applied: the hypervisor said no");
	CHECK(!v.check.active);

	xn_view_free(&v);
	xn_sampler_clear(&s);
}

int main(void)
{
	const char *root = getenv("XN_ROOT");
	if (root && chdir(root) != 0)
		perror(root);
	test_table();
	test_apply_advice();
	struct xn_source_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.replay_file = "tests/fixtures/replay/good-2node.jsonl";
	struct xn_source *src = NULL;
	char err[512] = "";
	int r = xn_source_open("replay", &cfg, &src, err, sizeof(err));
	CHECK(r == 0);
	if (r == 0) {
		struct xn_sampler s = {.src = src};
		CHECK(xn_sampler_step(&s) == 0);
		CHECK(xn_sampler_step(&s) == 0);
		test_keys(&s);
		xn_sampler_clear(&s);
		src->ops->close(src);
	} else {
		fprintf(stderr, "%s\n", err);
	}
	return check_report("test_keys");
}
