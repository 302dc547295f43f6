/* test_keys.c - the controller against the real replay source (a read-only
 * source that can seek): the key table is consistent, sorting cycles and
 * moves, the filter works as typed, help closes on any key, affinity on a
 * read-only source or with --read-only says why, stepping in time. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "keys.h"
#include "options.h"
#include "source.h"
#include "view.h"

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
			for (int k = 0; k < 3; k++)
				for (int l = 0; l < 3; l++)
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
	struct xn_ctl c = {.v = &v, .s = s, .o = &o};
	xn_view_update(&v, &s->cur);
	CHECK(v.nr_rows == s->cur.nr_domains && v.nr_rows >= 3);

	/* quit */
	CHECK(press(&c, 'q') & XN_FX_QUIT);
	CHECK(press(&c, XN_KEY_ESC) & XN_FX_QUIT);
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
	CHECK_EQ_U64(n, XN_COL__COUNT - 2 + s->cur.host.nr_nodes); /* all but MAXMEM_PCT */
	press(&c, 's');                                            /* STATE */
	press(&c, '>');                                            /* CPU_SEC */
	CHECK(v.sort_col == XN_COL_CPU_SEC && v.sort_reverse);
	press(&c, '<');
	press(&c, '<');
	press(&c, '<');
	CHECK(v.sort_col == XN_COL_ID);
	CHECK(press(&c, '<') == XN_FX_NONE); /* no wrap */
	/* per-node columns one by one */
	xn_view_set_sort(&v, XN_COL_VCPUS, 0);
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

int main(void)
{
	const char *root = getenv("XN_ROOT");
	if (root && chdir(root) != 0)
		perror(root);
	test_table();
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
