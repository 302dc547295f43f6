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
#include "keys.h"
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
	snprintf(v.filter, sizeof(v.filter), "E");
	xn_view_set_sort(&v, XN_COL_NODE, 1);
	v.paused = true;
	v.show_zones = false;
	xn_view_status(&v, XN_ROLE_OK, "vm: moved 1234 pages to node 1");
	render_golden("main-2node-80x24-filter-pct", &v, &s2, 80, 24, true, true);
	xn_view_free(&v);

	/* narrow: the minimum size, and below it */
	xn_view_init(&v, XN_UNITS_MIB, 3);
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
	v.mode = XN_MODE_HEATMAP;
	render_golden("heatmap-4node-120x40", &v, &s4, 120, 40, true, true);
	render_golden("heatmap-4node-80x24-mono-ascii", &v, &s4, 80, 24, false, false);
	v.mode = XN_MODE_HELP;
	render_golden("help-80x24", &v, &s4, 80, 24, true, true);
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
	struct xn_view v;
	xn_view_init(&v, XN_UNITS_MIB, 1);
	long idx = -1, count = 0;
	CHECK(xn_replay_position(src, &idx, &count) == 0);
	snprintf(v.position, sizeof(v.position), "sample %ld/%ld", idx + 1, count);
	render_golden("replay-good-2node-120x40", &v, &s.cur, 120, 40, true, true);
	v.mode = XN_MODE_HEATMAP;
	render_golden("replay-good-2node-heatmap-80x24", &v, &s.cur, 80, 24, true, true);
	xn_view_free(&v);
	xn_sampler_clear(&s);
	src->ops->close(src);
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
	test_recording();
	return check_report("test_view");
}
