/* test_move_job.c - the runner (move_job.c) against a stand-in `xl` first
 * in PATH that replays the lab's captures: the facts read from `xl info`
 * and `xl list -l`, a live move that succeeds, one that fails (the guest
 * destroyed mid-way: xl's first error and its summary are reported), the
 * offline path's two steps, and the temporary config removed afterwards. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "move.h"
#include "util.h"

static char dir[] = "/tmp/xn-test-move-XXXXXX";
static char root[1024];

/* The stand-in: "xl info" says 4.17 with shadow paging; "xl list -l" is
 * the captured JSON; migrate / save / restore print the capture named by
 * XN_FAKE_<CMD> and exit with XN_FAKE_RC (0 by default); "xl domid" finds
 * nothing. Every call is logged to $dir/calls. */
static void write_fake(void)
{
	char path[1100];
	snprintf(path, sizeof(path), "%s/xl", dir);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fprintf(f,
	        "#!/bin/sh\n"
	        "echo \"$*\" >>%s/calls\n"
	        "fx=%s/tests/fixtures\n"
	        "case $1 in\n"
	        "info) printf 'xen_major              : 4\\nxen_minor              : 17\\n"
	        "virt_caps              : pv hvm shadow gnttab-v1 gnttab-v2\\n' ;;\n"
	        "list) cat $fx/xl-migrate-list-l.json ;;\n"
	        "migrate) cat $fx/${XN_FAKE_MIGRATE:-xl-migrate-live.out} >&2; exit "
	        "${XN_FAKE_RC:-0} ;;\n"
	        "save) cat $fx/xl-migrate-save.out >&2; exit ${XN_FAKE_RC:-0} ;;\n"
	        "restore) cat $fx/xl-migrate-restore.out >&2; exit 0 ;;\n"
	        "domid) exit 1 ;;\n"
	        "esac\n",
	        dir, root);
	fclose(f);
	chmod(path, 0755);
	char p[4096];
	snprintf(p, sizeof(p), "%s:%s", dir, getenv("PATH") ? getenv("PATH") : "/bin:/usr/bin");
	setenv("PATH", p, 1);
	setenv("TMPDIR", dir, 1);
}

static void run(struct xn_move_job *j)
{
	for (int i = 0;
	     i < 10000 && j->prog.phase != XN_MOVE_DONE && j->prog.phase != XN_MOVE_FAILED; i++)
		xn_move_job_poll(j, 1000);
}

static void test_facts(void)
{
	struct xn_move_facts f;
	char err[256] = "", *json = NULL;
	CHECK_EQ_U64(xn_move_facts_read(5, &f, &json, err, sizeof(err)), 0);
	CHECK(f.xl);
	CHECK_EQ_U64(f.shadow, 1);
	CHECK(f.have_info);
	CHECK_STR(f.info.name, "pmove");
	CHECK_EQ_U64(f.info.max_memkb, 262144);
	/* the Debian path is derived from xl info's version */
	if (!f.save_helper)
		CHECK_STR(f.save_helper_path, "/usr/lib/xen-4.17/bin/libxl-save-helper");
	CHECK(json && strstr(json, "\"name\": \"pmove\"") != NULL);
	free(json);
}

static void plan_for(struct xn_move_plan *p, bool live)
{
	memset(p, 0, sizeof(*p));
	p->domid = 5;
	p->live = live;
	p->pages = 65536;
	XN_NM_SET(&p->nodes, 1);
}

static void test_live(void)
{
	struct xn_move_plan p;
	struct xn_move_job j;
	char err[256] = "";
	plan_for(&p, true);
	CHECK_EQ_U64(xn_move_job_start(&j, &p, "pmove", "name = \"pmove\"\n", err, sizeof(err)), 0);
	char cfg[sizeof(j.cfg)];
	xn_strlcpy(cfg, j.cfg, sizeof(cfg));
	CHECK(access(cfg, R_OK) == 0);
	run(&j);
	CHECK_EQ_U64(j.prog.phase, XN_MOVE_DONE);
	CHECK_EQ_U64(j.status, 0);
	/* "Restore successful": every page is at the target */
	CHECK_EQ_U64(j.prog.done, 65536);
	/* the pause as xl's messages bound it: both seen, in order */
	CHECK(j.t_copied > 0 && j.t_started >= j.t_copied && j.t_end >= j.t_started);
	xn_move_job_clear(&j);
	CHECK(access(cfg, F_OK) != 0);
	/* what xl was asked: the plan's domain, our config, no ssh */
	char path[1100], *calls = NULL;
	snprintf(path, sizeof(path), "%s/calls", dir);
	CHECK(xn_read_file(path, &calls, NULL) == 0);
	char want[256];
	snprintf(want, sizeof(want), "migrate -C %s -s  5 xl migrate-receive\n", cfg);
	CHECK(calls && strstr(calls, want) != NULL);
	free(calls);
}

static void test_live_fails(void)
{
	struct xn_move_plan p;
	struct xn_move_job j;
	char err[256] = "";
	plan_for(&p, true);
	setenv("XN_FAKE_MIGRATE", "xl-migrate-destroyed.out", 1);
	setenv("XN_FAKE_RC", "1", 1);
	CHECK_EQ_U64(xn_move_job_start(&j, &p, "pmove", "x\n", err, sizeof(err)), 0);
	run(&j);
	CHECK_EQ_U64(j.prog.phase, XN_MOVE_FAILED);
	CHECK_EQ_U64(j.status, -EIO);
	CHECK(strstr(j.words, "xl migrate failed: libxl: error: libxl_dom_suspend.c:269:") != NULL);
	CHECK(strstr(j.words, "; migration sender: libxl_domain_suspend failed (rc=-8) Nothing "
	                      "moved.") != NULL);
	xn_move_job_clear(&j);
	unsetenv("XN_FAKE_MIGRATE");
	unsetenv("XN_FAKE_RC");
}

static void test_offline(void)
{
	struct xn_move_plan p;
	struct xn_move_job j;
	char err[256] = "";
	plan_for(&p, false);
	CHECK_EQ_U64(xn_move_job_start(&j, &p, "pmove", "x\n", err, sizeof(err)), 0);
	/* offline cannot be cancelled: xl save has stopped the guest */
	CHECK_EQ_U64(xn_move_job_cancel(&j), -EBUSY);
	run(&j);
	CHECK_EQ_U64(j.prog.phase, XN_MOVE_DONE);
	CHECK_EQ_U64(j.step, 1);
	CHECK_EQ_U64(j.prog.total, 65536); /* from xl save's progress lines */
	CHECK(j.t_suspend == j.t_start);
	xn_move_job_clear(&j);
}

int main(void)
{
	const char *r = getenv("XN_ROOT");
	if (!getcwd(root, sizeof(root)))
		return 1;
	if (r)
		xn_strlcpy(root, r, sizeof(root));
	if (!mkdtemp(dir))
		return 1;
	write_fake();
	test_facts();
	test_live();
	test_live_fails();
	test_offline();
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
	return check_report("test_move_job");
}
