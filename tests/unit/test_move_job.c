/* test_move_job.c - the runner (move_job.c) against a stand-in `xl` first
 * in PATH that replays the lab's captures and behaves as xl_saverestore.c
 * and xl_migrate.c do on the paths real xl will not take on demand: the
 * facts read from `xl info` and `xl list -l`, a live move that succeeds,
 * one that fails before and one after the final handshake, the offline
 * path (its private directory, a failed restore, our death mid-way), the
 * dry parse, and the bounded capture the checks use. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "move.h"
#include "move/move_exec.h"
#include "util.h"

static char dir[] = "/tmp/xn-test-move-XXXXXX";
static char root[1024];
static char tmp[1024]; /* TMPDIR for the runner: longer than 60 bytes */

/* The stand-in. Every call is logged to $dir/calls, with "leak fd 42" when
 * it inherited our descriptor 42. "xl info" says 4.17 with shadow paging
 * (after sleeping XN_FAKE_HANG seconds); "xl list -l" is the captured JSON;
 * "xl -N create" accepts the config unless XN_FAKE_BADCFG holds xl's
 * complaint; migrate prints the capture XN_FAKE_MIGRATE; save logs the
 * modes of its file and directory, prints the capture (then, with
 * XN_FAKE_SLOW, sleeps and prints 2000 more lines) and writes the image;
 * restore logs what it read; "xl domid" knows NAME--incoming and
 * NAME--migratedaway when XN_FAKE_INCOMING / XN_FAKE_AWAY say their ids. */
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
	        "c=%s/calls\n"
	        "echo \"$*\" >>$c\n"
	        "[ -e /proc/$$/fd/42 ] && echo 'leak fd 42' >>$c\n"
	        "fx=%s/tests/fixtures\n"
	        "case $1 in\n"
	        "-N) [ -z \"$XN_FAKE_BADCFG\" ] && exit 0\n"
	        "    echo \"Parsing config from $3\"; echo \"$XN_FAKE_BADCFG\" >&2; exit 1 ;;\n"
	        "info) [ -n \"$XN_FAKE_HANG\" ] && sleep \"$XN_FAKE_HANG\"\n"
	        "    printf 'xen_major              : 4\\nxen_minor              : 17\\n"
	        "virt_caps              : pv hvm shadow gnttab-v1 gnttab-v2\\n' ;;\n"
	        "list) cat $fx/xl-migrate-list-l.json ;;\n"
	        "migrate) [ -n \"$XN_FAKE_HANG_MIGRATE\" ] && { echo hang >>$c; "
	        "exec sleep $XN_FAKE_HANG_MIGRATE; }\n"
	        "    cat $fx/${XN_FAKE_MIGRATE:-xl-migrate-live.out} >&2; exit "
	        "${XN_FAKE_RC:-0} ;;\n"
	        "save) echo \"save-modes $(stat -c %%a \"$3\") $(stat -c %%a \"${3%%/*}\") "
	        "${3%%/*/*}\" >>$c\n"
	        "    cat $fx/xl-migrate-save.out >&2\n"
	        "    if [ -n \"$XN_FAKE_SLOW\" ]; then sleep $XN_FAKE_SLOW; i=0\n"
	        "        while [ $i -lt 2000 ]; do echo \"xc: info: line $i\" >&2; i=$((i+1)); "
	        "done; fi\n"
	        "    echo image >\"$3\"; exit ${XN_FAKE_RC:-0} ;;\n"
	        "restore) echo \"restore-sees $(cat \"$2\") $(cat \"$3\")\" >>$c\n"
	        "    cat $fx/xl-migrate-restore.out >&2; exit ${XN_FAKE_RESTORE_RC:-0} ;;\n"
	        "domid) case $2 in\n"
	        "    *--incoming) [ -n \"$XN_FAKE_INCOMING\" ] && echo $XN_FAKE_INCOMING ;;\n"
	        "    *--migratedaway) [ -n \"$XN_FAKE_AWAY\" ] && echo $XN_FAKE_AWAY ;;\n"
	        "    *) false ;; esac ;;\n"
	        "esac\n",
	        dir, root);
	fclose(f);
	chmod(path, 0755);
	char p[4096];
	snprintf(p, sizeof(p), "%s:%s", dir, getenv("PATH") ? getenv("PATH") : "/bin:/usr/bin");
	setenv("PATH", p, 1);
	/* 1 + 60 bytes and more: the old runner cut TMPDIR at 40 */
	snprintf(tmp, sizeof(tmp),
	         "%s/tmpdir-longer-than-sixty-bytes-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", dir);
	mkdir(tmp, 0755);
	setenv("TMPDIR", tmp, 1);
}

static char *calls(void)
{
	char path[1100], *text = NULL;
	snprintf(path, sizeof(path), "%s/calls", dir);
	if (xn_read_file(path, &text, NULL))
		return strdup("");
	return text;
}

static void calls_reset(void)
{
	char path[1100];
	snprintf(path, sizeof(path), "%s/calls", dir);
	unlink(path);
}

static bool called(const char *what)
{
	char *c = calls();
	bool r = c && strstr(c, what) != NULL;
	free(c);
	return r;
}

/* Whether TMPDIR holds nothing (the runner left no file behind). */
static bool tmp_empty(void)
{
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "[ -z \"$(ls -A '%s')\" ]", tmp);
	return system(cmd) == 0;
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

static volatile sig_atomic_t quit;
static void on_alarm(int sig)
{
	quit = 1;
}

/* A hanging xl does not freeze the checks: a quit (the screen's q, a
 * signal) stops waiting, and xl is killed. */
static void test_facts_quit(void)
{
	struct xn_move_facts f;
	char err[256] = "";
	xn_move_set_quit_flag(&quit);
	signal(SIGALRM, on_alarm);
	setenv("XN_FAKE_HANG", "5", 1);
	alarm(1);
	uint64_t t0 = xn_now_mono_ns();
	CHECK_EQ_U64(xn_move_facts_read(5, &f, NULL, err, sizeof(err)), -EINTR);
	CHECK(xn_now_mono_ns() - t0 < 3000000000ull);
	CHECK_STR(err, "xl info interrupted");
	unsetenv("XN_FAKE_HANG");
	quit = 0;
	xn_move_set_quit_flag(NULL);
}

/* The capture itself: a deadline, the quit flag, a cap on its output. */
static void test_capture(void)
{
	char *out = NULL;
	const char *const hi[] = {"printf", "hi", NULL};
	CHECK_EQ_U64(xn_move_capture(hi, &out, 5000, 1024, true), 0);
	CHECK(out && !strcmp(out, "hi"));
	free(out);
	const char *const sleeper[] = {"sleep", "20", NULL};
	uint64_t t0 = xn_now_mono_ns();
	CHECK_EQ_U64(xn_move_capture(sleeper, &out, 300, 1024, true), -ETIMEDOUT);
	CHECK(out == NULL);
	CHECK(xn_now_mono_ns() - t0 < 2000000000ull);
	quit = 1;
	xn_move_set_quit_flag(&quit);
	t0 = xn_now_mono_ns();
	CHECK_EQ_U64(xn_move_capture(sleeper, &out, 20000, 1024, true), -EINTR);
	CHECK(xn_now_mono_ns() - t0 < 2000000000ull);
	/* clean-up after a move is not a check: a quit does not skip it */
	CHECK_EQ_U64(xn_move_capture(hi, &out, 5000, 1024, false), 0);
	free(out);
	quit = 0;
	xn_move_set_quit_flag(NULL);
	const char *const yes[] = {"yes", NULL};
	CHECK_EQ_U64(xn_move_capture(yes, &out, 20000, 65536, true), -E2BIG);
	CHECK(out == NULL);
}

static void plan_for(struct xn_move_plan *p, bool live)
{
	memset(p, 0, sizeof(*p));
	p->domid = 5;
	p->live = live;
	p->pages = 65536;
	XN_NM_SET(&p->nodes, 1);
}

static struct xn_move_job j; /* 8 KiB: not on the stack */

static void test_live(void)
{
	struct xn_move_plan p;
	char err[256] = "";
	plan_for(&p, true);
	calls_reset();
	CHECK_EQ_U64(xn_move_job_start(&j, &p, "pmove", "name = \"pmove\"\n", err, sizeof(err)), 0);
	char cfg[sizeof(j.cfg)];
	xn_strlcpy(cfg, j.cfg, sizeof(cfg));
	CHECK(access(cfg, R_OK) == 0);
	/* in a private directory under TMPDIR, all of TMPDIR kept */
	CHECK(!strncmp(cfg, tmp, strlen(tmp)) && cfg[strlen(tmp)] == '/');
	run(&j);
	CHECK_EQ_U64(j.prog.phase, XN_MOVE_DONE);
	CHECK_EQ_U64(j.status, 0);
	/* "Restore successful": every page is at the target */
	CHECK_EQ_U64(j.prog.done, 65536);
	/* the pause as xl's messages bound it: both seen, in order */
	CHECK(j.t_copied > 0 && j.t_started >= j.t_copied && j.t_end >= j.t_started);
	xn_move_job_clear(&j);
	CHECK(access(cfg, F_OK) != 0);
	CHECK(tmp_empty());
	/* what xl was asked: dry-parse our config, then the plan's domain,
	 * no ssh */
	char want[2200];
	snprintf(want, sizeof(want), "-N create %s\nmigrate -C %s -s  5 xl migrate-receive\n", cfg,
	         cfg);
	CHECK(called(want));
	CHECK(!called("leak fd"));
}

static void test_live_fails(void)
{
	struct xn_move_plan p;
	char err[256] = "";
	plan_for(&p, true);
	calls_reset();
	setenv("XN_FAKE_MIGRATE", "xl-migrate-destroyed.out", 1);
	setenv("XN_FAKE_RC", "1", 1);
	setenv("XN_FAKE_INCOMING", "9", 1);
	CHECK_EQ_U64(xn_move_job_start(&j, &p, "pmove", "x\n", err, sizeof(err)), 0);
	run(&j);
	CHECK_EQ_U64(j.prog.phase, XN_MOVE_FAILED);
	CHECK_EQ_U64(j.status, -EIO);
	CHECK(strstr(j.words, "xl migrate failed: libxl: error: libxl_dom_suspend.c:269:") != NULL);
	CHECK(strstr(j.words, "; migration sender: libxl_domain_suspend failed (rc=-8) Nothing "
	                      "moved.") != NULL);
	/* before the handshake the incoming copy is a husk: destroyed */
	CHECK(called("destroy pmove--incoming"));
	CHECK(strstr(j.words, "A leftover pmove--incoming was destroyed.") != NULL);
	xn_move_job_clear(&j);
	unsetenv("XN_FAKE_MIGRATE");
	unsetenv("XN_FAKE_RC");
	unsetenv("XN_FAKE_INCOMING");
}

/* A sample with the original (id 5) gone or not (dying: listed, state 'd'),
 * and the copy pmove--incoming (id 9) there or not. */
static void observe_dying(bool orig, bool copy, bool dying)
{
	struct xn_domain d[2];
	struct xn_snapshot s;
	memset(d, 0, sizeof(d));
	memset(&s, 0, sizeof(s));
	d[0].id = 5;
	d[0].name = (char *)"pmove";
	d[1].id = 9;
	d[1].name = (char *)"pmove--incoming";
	for (int i = 0; i < 2; i++) {
		d[i].valid = XN_DOM_STATE;
		xn_strlcpy(d[i].state, "--b---", sizeof(d[i].state));
	}
	if (dying)
		d[0].state[0] = 'd';
	s.domains = orig ? d : d + 1;
	s.nr_domains = (size_t)orig + (size_t)copy;
	xn_move_job_observe(&j, &s);
}

static void observe(bool orig, bool copy)
{
	observe_dying(orig, copy, false);
}

/* Wait up to tenths/10 s for xl's end (a hanging xl killed ends at once). */
static void run_briefly(int tenths)
{
	for (int i = 0;
	     i < tenths && j.prog.phase != XN_MOVE_DONE && j.prog.phase != XN_MOVE_FAILED; i++)
		xn_move_job_poll(&j, 100);
}

/* The original destroyed by someone else while its copy still receives
 * (the lab's pageop-move: xl then waited ~60 s for the dead guest to
 * suspend): xl is stopped at once, the copy destroyed, the words say why.
 * Gone together with its copy, it is xl's own end of a move (the copy
 * renamed, the original destroyed after): nothing is stopped. */
static void test_live_orig_gone(void)
{
	struct xn_move_plan p;
	char err[256] = "";
	plan_for(&p, true);
	setenv("XN_FAKE_HANG_MIGRATE", "30", 1);
	setenv("XN_FAKE_INCOMING", "9", 1);
	calls_reset();
	CHECK_EQ_U64(xn_move_job_start(&j, &p, "pmove", "x\n", err, sizeof(err)), 0);
	for (int i = 0; i < 50 && !called("hang"); i++)
		usleep(100 * 1000);
	observe(true, true);   /* both there: copying */
	observe(false, false); /* both gone: not ours to judge */
	run_briefly(10);
	CHECK(!j.orig_gone);
	CHECK(j.prog.phase != XN_MOVE_FAILED && j.prog.phase != XN_MOVE_DONE);
	observe(true, false); /* the copy gone first: not ours to judge */
	CHECK(!j.orig_gone);
	/* destroyed under the move: listed while dying (xl's save helper maps
	 * its pages; seen in the lab), or gone */
	observe_dying(true, true, true);
	CHECK(j.orig_gone);
	run_briefly(50);
	CHECK_EQ_U64(j.prog.phase, XN_MOVE_FAILED);
	CHECK_EQ_U64(j.status, -EIO);
	CHECK(strstr(j.words, "the domain was destroyed during the move, not by it") != NULL);
	CHECK(called("destroy pmove--incoming"));
	xn_move_job_clear(&j);
	unsetenv("XN_FAKE_HANG_MIGRATE");
	unsetenv("XN_FAKE_INCOMING");
}

/* xl failed after "Giving target permission to start": the incoming copy
 * may be the only runnable one. Nothing is destroyed; both ids are said. */
static void test_live_handshake(void)
{
	struct xn_move_plan p;
	char err[256] = "";
	plan_for(&p, true);
	calls_reset();
	setenv("XN_FAKE_MIGRATE", "xl-migrate-handshake.out", 1);
	setenv("XN_FAKE_RC", "1", 1);
	setenv("XN_FAKE_INCOMING", "9", 1);
	setenv("XN_FAKE_AWAY", "5", 1);
	CHECK_EQ_U64(xn_move_job_start(&j, &p, "pmove", "x\n", err, sizeof(err)), 0);
	run(&j);
	CHECK_EQ_U64(j.prog.phase, XN_MOVE_FAILED);
	CHECK(j.undefined);
	CHECK(!called("destroy"));
	CHECK(strstr(j.words, "DOMAIN STATE UNDEFINED") != NULL);
	CHECK(strstr(j.words, "The original is domain 5 (now named pmove--migratedaway)") != NULL);
	CHECK(strstr(j.words, "the new copy is domain 9 (pmove--incoming)") != NULL);
	CHECK(strstr(j.words, "Nothing moved") == NULL);
	/* too late to cancel as well */
	CHECK_EQ_U64(xn_move_job_cancel(&j), 0); /* it has ended */
	xn_move_job_clear(&j);
	unsetenv("XN_FAKE_MIGRATE");
	unsetenv("XN_FAKE_RC");
	unsetenv("XN_FAKE_INCOMING");
	unsetenv("XN_FAKE_AWAY");
}

static void test_offline(void)
{
	struct xn_move_plan p;
	char err[256] = "";
	plan_for(&p, false);
	calls_reset();
	/* a descriptor of ours without close-on-exec: xl must not get it */
	int fd = open("/dev/null", O_RDONLY);
	CHECK(fd >= 0 && dup2(fd, 42) == 42);
	CHECK_EQ_U64(xn_move_job_start(&j, &p, "pmove", "x\n", err, sizeof(err)), 0);
	close(42);
	close(fd);
	/* offline cannot be cancelled: xl save has stopped the guest */
	CHECK_EQ_U64(xn_move_job_cancel(&j), -EBUSY);
	run(&j);
	CHECK_EQ_U64(j.prog.phase, XN_MOVE_DONE);
	CHECK_EQ_U64(j.step, 1);
	CHECK_EQ_U64(j.prog.total, 65536); /* from xl save's progress lines */
	CHECK(j.t_suspend == j.t_start);
	/* the image: 0600 in a 0700 directory of its own under TMPDIR */
	char want[1200];
	snprintf(want, sizeof(want), "save-modes 600 700 %s\n", tmp);
	CHECK(called(want));
	CHECK(called("restore-sees x image\n"));
	CHECK(!called("leak fd"));
	xn_move_job_clear(&j);
	CHECK(tmp_empty());
}

/* A failed restore keeps the image and says where it is and what it is. */
static void test_offline_restore_fails(void)
{
	struct xn_move_plan p;
	char err[256] = "";
	plan_for(&p, false);
	setenv("XN_FAKE_RESTORE_RC", "1", 1);
	CHECK_EQ_U64(xn_move_job_start(&j, &p, "pmove", "x\n", err, sizeof(err)), 0);
	char ckpt[sizeof(j.ckpt)], d[sizeof(j.dir)];
	xn_strlcpy(ckpt, j.ckpt, sizeof(ckpt));
	xn_strlcpy(d, j.dir, sizeof(d));
	run(&j);
	CHECK_EQ_U64(j.prog.phase, XN_MOVE_FAILED);
	CHECK(strstr(j.words, ckpt) != NULL);
	CHECK(strstr(j.words, "it holds the guest's memory") != NULL);
	CHECK(strstr(j.words, "The guest is NOT running") != NULL);
	xn_move_job_clear(&j);
	struct stat st;
	CHECK(stat(ckpt, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(stat(d, &st) == 0 && (st.st_mode & 0777) == 0700);
	char cmd[2200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	CHECK(system(cmd) == 0);
	unsetenv("XN_FAKE_RESTORE_RC");
}

/* Refused before anything is stopped: no room for the image, a TMPDIR too
 * long to hold (never cut), a config xl rejects. */
static void test_offline_refused(void)
{
	struct xn_move_plan p;
	char err[512] = "";
	plan_for(&p, false);
	calls_reset();
	p.pages = 1ull << 50; /* 4 EiB */
	CHECK_EQ_U64(xn_move_job_start(&j, &p, "pmove", "x\n", err, sizeof(err)), -ENOSPC);
	CHECK(strstr(err, "the guest's memory image needs about") != NULL);
	xn_move_job_clear(&j);
	plan_for(&p, false);
	char *longdir = malloc(1500);
	memset(longdir, 'a', 1499);
	longdir[0] = '/';
	longdir[1499] = '\0';
	setenv("TMPDIR", longdir, 1);
	free(longdir);
	CHECK_EQ_U64(xn_move_job_start(&j, &p, "pmove", "x\n", err, sizeof(err)), -ENAMETOOLONG);
	xn_move_job_clear(&j);
	setenv("TMPDIR", tmp, 1);
	setenv("XN_FAKE_BADCFG", "Unknown on_soft_reset action \"x\" specified", 1);
	CHECK_EQ_U64(xn_move_job_start(&j, &p, "pmove", "x\n", err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "xl rejects the new config") != NULL);
	CHECK(strstr(err, "Unknown on_soft_reset action") != NULL);
	xn_move_job_clear(&j);
	unsetenv("XN_FAKE_BADCFG");
	CHECK(!called("save"));
	CHECK(tmp_empty());
}

/* We die while xl save runs (a crash, the OOM killer, a SIGKILL): the
 * save still ends - its writes to our dead pipe are errors, not SIGPIPE -
 * and the restore follows, so the guest is not left saved. */
static void test_offline_we_die(void)
{
	struct xn_move_plan p;
	char err[256] = "";
	plan_for(&p, false);
	calls_reset();
	setenv("XN_FAKE_SLOW", "1", 1);
	pid_t pid = fork();
	if (pid == 0) {
		int r = xn_move_job_start(&j, &p, "pmove", "x\n", err, sizeof(err));
		_exit(r ? 1 : 0); /* gone without a word, as after a SIGKILL */
	}
	int st = 0;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	bool restored = false;
	for (int i = 0; i < 100 && !restored; i++) {
		restored = called("restore-sees x image\n");
		usleep(100000);
	}
	CHECK(restored);
	/* the image is removed once restored, even without us */
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "[ -z \"$(find '%s' -name memory.save)\" ]", tmp);
	bool gone = false;
	for (int i = 0; i < 50 && !gone; i++) {
		gone = system(cmd) == 0;
		usleep(100000);
	}
	CHECK(gone);
	unsetenv("XN_FAKE_SLOW");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'/*", tmp);
	CHECK(system(cmd) == 0);
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
	test_capture();
	test_facts();
	test_facts_quit();
	test_live();
	test_live_fails();
	test_live_handshake();
	test_live_orig_gone();
	test_offline();
	test_offline_restore_fails();
	test_offline_refused();
	test_offline_we_die();
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
	return check_report("test_move_job");
}
