/* test_move_ui.c - the screen's 'm' end to end without a terminal: a
 * stand-in "xen" source over the view fixture, a stand-in `xl` replaying the
 * lab's captures. 'm' on another source says why; the dialog validates the
 * node list like 'a'; Enter runs the checks (a refusal closes it and says
 * why); y starts xl, the status line follows, and afterwards the pages are
 * shown beside the prediction (here they did not move: said DIFFERENT),
 * with node affinity set on the target. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "tui/keys.h"
#include "tui/move_ui.h"
#include "tui/prompt.h"
#include "view_fixture.h"

static char dir[] = "/tmp/xn-test-moveui-XXXXXX";
static int affinity_calls;
static int64_t affinity_dom;

static int fake_set(struct xn_source *src, int64_t domid, const xn_nodemask *nodes, unsigned flags,
                    char *msg, size_t len)
{
	affinity_calls++;
	affinity_dom = domid;
	return 0;
}

/* named otherwise on purpose: the capability decides, not the name */
static const struct xn_source_ops fake_xen = {
        .name = "fake", .set_node_affinity = fake_set, .caps = XN_SRC_RECREATE};
static const struct xn_source_ops fake_replay = {.name = "replay"};

static void write_fake_xl(void)
{
	const char *r = getenv("XN_ROOT");
	char root[1024], path[1100];
	if (!getcwd(root, sizeof(root)))
		root[0] = '\0';
	snprintf(path, sizeof(path), "%s/xl", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f,
	        "#!/bin/sh\nfx=%s/tests/fixtures\n"
	        "case $1 in\n"
	        "info) printf 'xen_major : 4\\nxen_minor : 17\\nvirt_caps : pv shadow\\n' ;;\n"
	        "list) cat $fx/xl-migrate-list-l.json ;;\n"
	        "migrate) cat $fx/xl-migrate-live.out >&2 ;;\n"
	        "domid) exit 1 ;;\n"
	        "esac\n",
	        r ? r : root);
	fclose(f);
	chmod(path, 0755);
	char p[4096];
	snprintf(p, sizeof(p), "%s:%s", dir, getenv("PATH") ? getenv("PATH") : "/bin:/usr/bin");
	setenv("PATH", p, 1);
	setenv("TMPDIR", dir, 1);
	setenv("XN_SAVE_HELPER", path, 1); /* any executable file */
}

static unsigned key(struct xn_ctl *c, int k)
{
	return xn_keys_handle(c, k);
}

static void select_dom(struct xn_view *v, const struct xn_snapshot *s, int64_t id)
{
	xn_view_update(v, s);
	for (size_t i = 0; i < v->nr_rows; i++)
		if (v->rows[i]->id == id)
			xn_view_select_at(v, i);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	write_fake_xl();
	struct xn_source src = {.ops = &fake_replay};
	struct xn_sampler s = {.src = &src, .have_cur = true};
	fx_snapshot(&s.cur, 2);
	struct xn_options o;
	memset(&o, 0, sizeof(o));
	struct xn_view v;
	xn_view_init(&v, XN_UNITS_MIB, 3);
	static struct xn_move_ui mv;
	struct xn_ctl c = {.v = &v, .s = &s, .o = &o, .move = &mv};
	select_dom(&v, &s.cur, 5); /* web-frontend-01: 2 GiB, all on node 1 */

	/* another source: said why, no dialog */
	key(&c, 'm');
	CHECK(v.prompt.kind == XN_PROMPT_NONE);
	CHECK(strstr(v.status, "m: the replay source cannot move memory") != NULL);

	src.ops = &fake_xen;
	key(&c, 'm');
	CHECK(v.prompt.kind == XN_PROMPT_AFFINITY && v.prompt.move);
	char line[512];
	xn_prompt_line(&v.prompt, line, sizeof(line));
	CHECK_STR(line, "move the memory of web-frontend-01 to nodes: _");
	key(&c, '7');
	CHECK(!v.prompt.valid);
	CHECK_STR(v.prompt.hint, "node 7 does not exist (valid nodes: 0-1)");
	key(&c, XN_KEY_BACKSPACE);
	key(&c, '0');
	CHECK(v.prompt.valid);
	CHECK_STR(v.prompt.hint, "memory -> node 0: all 524288 pages are copied (a localhost live "
	                         "migration), 524288 of them now elsewhere; Enter checks");
	/* Enter: the checks pass (2 GiB needed, node 0 has more free): the plan
	 * is the question's hint */
	key(&c, XN_KEY_ENTER);
	CHECK(v.prompt.confirming);
	CHECK(strstr(v.prompt.hint, "live move of 524288 pages (2048 MiB, 0 already on node 0)") !=
	      NULL);
	xn_prompt_line(&v.prompt, line, sizeof(line));
	CHECK_STR(line, "move the memory of web-frontend-01 (id 5) to node 0? [y/n] ");
	/* y: xl runs; poll until it ended */
	key(&c, 'y');
	CHECK(mv.active);
	CHECK(v.prompt.kind == XN_PROMPT_NONE);
	CHECK(strstr(v.status, "moving web-frontend-01") != NULL);
	/* q waits while it runs */
	CHECK(xn_move_ui_blocks_quit(&c));
	unsigned fx = 0;
	for (int i = 0; i < 2000 && mv.active; i++) {
		fx = xn_move_ui_poll(&c);
		usleep(5000);
	}
	CHECK(!mv.active);
	CHECK(fx & XN_FX_RESAMPLE);
	CHECK(strstr(v.status, "web-frontend-01 moved; reading its pages back") != NULL);
	/* the next sample: the fixture did not move, and that is said */
	xn_move_ui_poll(&c);
	CHECK(strstr(v.status, "web-frontend-01 moved live in") != NULL);
	CHECK(strstr(v.status,
	             "pages n0 0, n1 524288; predicted all 524288 on node 0 - DIFFERENT") != NULL);
	CHECK_EQ_U64(affinity_calls, 1);
	CHECK_EQ_U64(affinity_dom, 5);
	CHECK(!xn_move_ui_blocks_quit(&c));

	/* refused: db-primary (8 GiB) does not fit in node 1's 1 GiB free; the
	 * dialog closes with the reason */
	s.cur.host.nodes[1].mem_free = 1ull << 30;
	select_dom(&v, &s.cur, 7);
	key(&c, 'm');
	key(&c, '1');
	key(&c, XN_KEY_ENTER);
	CHECK(v.prompt.kind == XN_PROMPT_NONE);
	CHECK(strstr(v.status, "db-primary not moved: refused: node 1 has 1024 MiB free; the "
	                       "move needs 8192 MiB") != NULL);
	CHECK(!mv.active);

	xn_view_free(&v);
	xn_snapshot_clear(&s.cur);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
	return check_report("test_move_ui");
}
