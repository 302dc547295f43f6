/* move_job.c - run xl for a move (see move.h): start `xl migrate` (or
 * `xl save` + `xl restore`), follow its output, cancel it while that is
 * still harmless. The facts the checks need: move_facts.c.
 *
 * Cancelling kills only the sending xl (not its process group): the
 * receiving xl, a child of the sender through `sh -c`, then reads the end of
 * its stream and destroys the half-built "NAME--incoming" domain itself, and
 * the original domain, not yet suspended, keeps running on its old pages.
 * Killing the receiver too would leave that incoming domain behind, so we
 * do not; we still look for one afterwards and destroy it if xl could not
 * - but never once xl gave the incoming copy permission to start: from
 * then on it may be the only runnable copy (see finish). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "move.h"
#include "move_dir.h"
#include "move_exec.h"
#include "util.h"

static double now_s(void)
{
	return (double)xn_now_mono_ns() / 1e9;
}

/* The checks' commands: bounded, and a quit stops them. */
static int run_capture(const char *const argv[], char **out)
{
	return xn_move_capture(argv, out, XN_MOVE_CAPTURE_MS, XN_MOVE_CAPTURE_MAX, true);
}

/* Clean-up after a move: bounded, but a quit must not skip it. */
static int run_cleanup(const char *const argv[], char **out)
{
	return xn_move_capture(argv, out, XN_MOVE_CAPTURE_MS, XN_MOVE_CAPTURE_MAX, false);
}

/* Run by one shell for an offline move, so that the restore follows the
 * save even when we are gone (see move.h). Paths are arguments, never part
 * of the script. The marker line tells us the save is done; on success the
 * image is removed at once (it is the guest's memory). */
static const char offline_script[] = "xl save \"$1\" \"$2\" || exit\n"
                                     "echo 'xn-move: saved, restoring' || :\n"
                                     "xl restore \"$3\" \"$2\" || exit\n"
                                     "rm -f \"$2\"\n";

static int start_step(struct xn_move_job *j, char *err, size_t errlen)
{
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)j->domid);
	pid_t pid;
	if (j->live) {
		const char *const argv[] = {
		        "xl", "migrate", "-C", j->cfg, "-s", "", id, "xl migrate-receive", NULL};
		pid = xn_move_spawn(argv, &j->fd, true);
	} else {
		const char *const argv[] = {"/bin/sh", "-c",    offline_script, "xn-move",
		                            id,        j->ckpt, j->cfg,         NULL};
		pid = xn_move_spawn(argv, &j->fd, true);
	}
	if (pid < 0)
		return xn_errf(err, errlen, (int)pid, "cannot start xl: %s", strerror((int)-pid));
	j->pid = pid;
	fcntl(j->fd, F_SETFL, O_NONBLOCK);
	return 0;
}

/* xl's own parser on the new config before anything is stopped: a value it
 * rejects would otherwise be found after `xl save` stopped the guest. */
static int dry_parse(const struct xn_move_job *j, char *err, size_t errlen)
{
	const char *const argv[] = {"xl", "-N", "create", j->cfg, NULL};
	char *out = NULL;
	int r = run_capture(argv, &out);
	if (r == 0) {
		free(out);
		return 0;
	}
	/* the first line that is not xl's "Parsing config from" */
	const char *why = out ? out : "";
	if (!strncmp(why, "Parsing config", 14) && strchr(why, '\n'))
		why = strchr(why, '\n') + 1;
	size_t n = strcspn(why, "\n");
	if (r == -EINTR) {
		free(out);
		return xn_errf(err, errlen, -EINTR, "interrupted while xl checked the new config");
	}
	int e = -EINVAL;
	xn_errf(err, errlen, e, "xl rejects the new config (`xl -N create %s`): %.*s", j->cfg,
	        (int)(n > 200 ? 200 : n),
	        r < 0 ? (r == -ETIMEDOUT ? "no answer in 30 s" : strerror(-r)) : why);
	free(out);
	return e;
}

static void remove_files(struct xn_move_job *j)
{
	if (j->cfg[0])
		unlink(j->cfg);
	j->cfg[0] = '\0';
	if (j->keep)
		return;
	if (j->ckpt[0])
		unlink(j->ckpt);
	j->ckpt[0] = '\0';
	if (j->dir[0])
		rmdir(j->dir);
	j->dir[0] = '\0';
}

int xn_move_job_start(struct xn_move_job *j, const struct xn_move_plan *plan, const char *name,
                      const char *cfg_text, char *err, size_t errlen)
{
	memset(j, 0, sizeof(*j));
	j->fd = -1;
	j->pid = -1;
	j->live = plan->live;
	j->domid = plan->domid;
	xn_strlcpy(j->name, name, sizeof(j->name));
	xn_move_progress_init(&j->prog);
	/* offline: the whole memory goes to disk first */
	uint64_t image = j->live ? 0 : plan->pages * 4096;
	int r = xn_move_dir_make(image, j->dir, sizeof(j->dir), err, errlen);
	if (!r)
		r = xn_move_file_make(j->dir, "new.cfg", cfg_text, j->cfg, sizeof(j->cfg), err,
		                      errlen);
	/* pre-created 0600: xl save truncates it and keeps its mode */
	if (!r && !j->live)
		r = xn_move_file_make(j->dir, "memory.save", NULL, j->ckpt, sizeof(j->ckpt), err,
		                      errlen);
	if (!r)
		r = dry_parse(j, err, errlen);
	if (r) {
		remove_files(j);
		return r;
	}
	j->t_start = now_s();
	if (!j->live) {
		j->t_suspend = j->t_start; /* xl save stops the guest first */
		j->prog.phase = XN_MOVE_SUSPENDED;
	} else
		j->prog.total = plan->pages; /* counted at the target by observe */
	r = start_step(j, err, errlen);
	if (r)
		remove_files(j);
	return r;
}

/* One complete line of output. */
static int feed_line(struct xn_move_job *j, char *line)
{
	if (!line[0])
		return 0;
	enum xn_move_phase was = j->prog.phase;
	/* our shell's word between the two steps of an offline move */
	if (!j->live && !strcmp(line, "xn-move: saved, restoring")) {
		j->step = 1;
		j->prog.phase = XN_MOVE_RESUMING; /* saved; the restore builds it anew */
		return 1;
	}
	/* From here on the incoming copy may run (xl_migrate.c renames the
	 * original NAME--migratedaway first): destroying it is no longer
	 * ours to do. */
	if (j->live &&
	    (strstr(line, "Giving target permission to start") ||
	     strstr(line, "failed during final handshake") || strstr(line, "CHECK AT BOTH ENDS")))
		j->handshake = true;
	int ch = xn_move_progress_feed(&j->prog, line);
	/* the pause as xl's messages bound it: every page is there ... */
	if (was < XN_MOVE_RESUMING && j->prog.phase == XN_MOVE_RESUMING && j->t_copied == 0)
		j->t_copied = now_s();
	/* ... and the new domain runs ("Domain started successsfully", sic) */
	if (j->t_started == 0 &&
	    (strstr(line, "Domain started") || strstr(line, "successful startup")))
		j->t_started = now_s();
	return ch;
}

static int drain(struct xn_move_job *j)
{
	int changed = 0;
	for (;;) {
		ssize_t n = read(j->fd, j->buf + j->used, sizeof(j->buf) - 1 - j->used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
				close(j->fd);
				j->fd = -1;
			}
			break;
		}
		j->used += (size_t)n;
		j->buf[j->used] = '\0';
		char *s = j->buf, *e;
		while ((e = strpbrk(s, "\r\n"))) {
			*e = '\0';
			changed |= feed_line(j, s);
			s = e + 1;
		}
		j->used = strlen(s);
		memmove(j->buf, s, j->used + 1);
		if (j->used + 1 >= sizeof(j->buf)) { /* a line too long to keep */
			changed |= feed_line(j, j->buf);
			j->used = 0;
		}
	}
	if (j->fd < 0 && j->used) {
		j->buf[j->used] = '\0';
		changed |= feed_line(j, j->buf);
		j->used = 0;
	}
	return changed;
}

static void add_words(struct xn_move_job *j, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void add_words(struct xn_move_job *j, const char *fmt, ...)
{
	size_t u = strlen(j->words);
	if (u + 1 >= sizeof(j->words))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(j->words + u, sizeof(j->words) - u, fmt, ap);
	va_end(ap);
}

/* The id of the domain called name, or -1 (none, or xl did not say). */
static long long domid_of(const char *name)
{
	const char *const argv[] = {"xl", "domid", name, NULL};
	char *out = NULL;
	long long id = -1;
	if (run_cleanup(argv, &out) == 0 && out && out[0] >= '0' && out[0] <= '9')
		id = strtoll(out, NULL, 10);
	free(out);
	return id;
}

/* The copy xl names "NAME--incoming" while it receives: gone after a
 * failure, unless the receiver itself was killed. */
static void destroy_incoming(struct xn_move_job *j)
{
	char name[160];
	snprintf(name, sizeof(name), "%s--incoming", j->name);
	if (domid_of(name) < 0)
		return;
	const char *const dargv[] = {"xl", "destroy", name, NULL};
	char *o2 = NULL;
	run_cleanup(dargv, &o2);
	free(o2);
	add_words(j, " A leftover %s was destroyed.", name);
}

/* xl failed after letting the new copy start: which copy runs is unknown,
 * and two running copies of one guest corrupt its disks. Change nothing;
 * say what is where and what to check. */
static void report_undefined(struct xn_move_job *j)
{
	char in[160], away[160];
	snprintf(in, sizeof(in), "%s--incoming", j->name);
	snprintf(away, sizeof(away), "%s--migratedaway", j->name);
	long long id_in = domid_of(in), id_away = domid_of(away), id_name = domid_of(j->name);
	j->undefined = true;
	snprintf(j->words, sizeof(j->words),
	         "DOMAIN STATE UNDEFINED: xl migrate failed during its final handshake, after "
	         "giving the new copy permission to start (%.160s). Nothing more was changed: "
	         "nothing destroyed, nothing resumed. The original is domain %lld",
	         j->prog.error[0] ? j->prog.error : "no error line", (long long)j->domid);
	if (id_away >= 0)
		add_words(j, " (now named %s)", away);
	if (id_in >= 0)
		add_words(j, "; the new copy is domain %lld (%s)", id_in, in);
	else if (id_name >= 0 && id_name != j->domid)
		add_words(j, "; the new copy is domain %lld (%s)", id_name, j->name);
	else
		add_words(j, "; no new copy was found by name");
	add_words(j,
	          ". Check both with `xl list`: keep at most ONE of them running (two running "
	          "copies corrupt the guest's disks), destroy the other, then rename the "
	          "survivor to %s (`xl rename`) and unpause it if it is paused.",
	          j->name);
}

static const char *xl_said(const struct xn_move_job *j)
{
	return j->prog.error[0] ? j->prog.error : j->prog.last[0] ? j->prog.last : "no message";
}

static void finish(struct xn_move_job *j, int st)
{
	bool ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	j->pid = -1;
	j->t_end = now_s();
	if (ok) {
		j->status = 0;
		j->prog.phase = XN_MOVE_DONE;
		return;
	}
	j->status = j->cancelled ? -ECANCELED : -EIO;
	j->prog.phase = XN_MOVE_FAILED;
	if (j->live && j->handshake) {
		report_undefined(j);
		return;
	}
	if (j->orig_gone)
		snprintf(j->words, sizeof(j->words),
		         "the domain was destroyed during the move, not by it: the sending xl was "
		         "stopped at once (it would have waited a minute for the dead guest to "
		         "suspend) and the new copy is destroyed. Nothing is left to keep.");
	else if (j->cancelled)
		snprintf(j->words, sizeof(j->words),
		         "cancelled: the sending xl was stopped before the last round; "
		         "the guest keeps running on its old pages.");
	else if (!j->live && j->step == 1) {
		/* the image is the only copy of the guest now: keep it */
		j->keep = true;
		snprintf(j->words, sizeof(j->words),
		         "xl restore failed: %.200s. The guest is NOT running: its whole memory is "
		         "saved in %s (readable by root only; it holds the guest's memory, delete "
		         "it once the guest runs again). `xl restore %s %s` brings it back.",
		         xl_said(j), j->ckpt, j->cfg, j->ckpt);
	} else
		snprintf(j->words, sizeof(j->words), "xl %s failed: %.200s%s%.110s Nothing moved.",
		         j->live ? "migrate" : "save", xl_said(j), j->prog.summary[0] ? "; " : ".",
		         j->prog.summary);
	if (j->live)
		destroy_incoming(j);
}

int xn_move_job_poll(struct xn_move_job *j, int wait_ms)
{
	if (j->prog.phase == XN_MOVE_DONE || j->prog.phase == XN_MOVE_FAILED)
		return 0;
	int changed = 0;
	if (j->fd >= 0) {
		struct pollfd pfd = {.fd = j->fd, .events = POLLIN};
		if (poll(&pfd, 1, wait_ms) > 0)
			changed |= drain(j);
	}
	if (j->pid <= 0)
		return changed;
	/* xl's end, even if something it started still holds the pipe; after
	 * EOF it is about to exit, so wait for it when allowed to */
	int st;
	pid_t r = waitpid(j->pid, &st, j->fd < 0 && wait_ms != 0 ? 0 : WNOHANG);
	if (r == j->pid) {
		if (j->fd >= 0) {
			drain(j);
			close(j->fd);
			j->fd = -1;
		}
		finish(j, st);
		changed = 1;
	}
	return changed;
}

int xn_move_job_observe(struct xn_move_job *j, const struct xn_snapshot *snap)
{
	if (!j->live || j->prog.phase >= XN_MOVE_DONE)
		return 0;
	struct xn_move_progress before = j->prog;
	char incoming[160];
	snprintf(incoming, sizeof(incoming), "%s--incoming", j->name);
	uint64_t ps = snap->host.page_size ? snap->host.page_size : 4096;
	bool orig = false, copy = false;
	for (size_t i = 0; i < snap->nr_domains; i++) {
		const struct xn_domain *d = &snap->domains[i];
		/* a destroyed domain stays listed, dying, while xl's save
		 * helper still maps its pages */
		orig |= d->id == j->domid && !((d->valid & XN_DOM_STATE) && d->state[0] == 'd');
		copy |= d->name && !strcmp(d->name, incoming);
		if (d->name && !strcmp(d->name, incoming) && (d->valid & XN_DOM_MEM_CUR) &&
		    d->mem_cur / ps > j->prog.done)
			j->prog.done = d->mem_cur / ps;
		/* the original shut down for suspend: the last round */
		if (d->id == j->domid && (d->valid & XN_DOM_STATE) && strchr(d->state, 's') &&
		    j->prog.phase < XN_MOVE_SUSPENDED) {
			j->prog.phase = XN_MOVE_SUSPENDED;
			j->t_suspend = now_s();
		}
	}
	/* The copy is still "--incoming" (xl renames it once every page is
	 * there, and destroys the original only after that): an original gone
	 * or dying now was destroyed by someone else. Seen in the lab: xl then
	 * waited ~60 s for the dead guest to acknowledge its suspend. */
	if (!orig && copy && !j->orig_gone && xn_move_job_cancel(j) == 0) {
		j->cancelled = false;
		j->orig_gone = true;
	}
	return memcmp(&before, &j->prog, sizeof(before)) != 0;
}

int xn_move_job_cancel(struct xn_move_job *j)
{
	if (j->pid <= 0)
		return 0;
	/* Killing the sender before it suspends the guest is harmless (seen
	 * in the lab: the original runs on, the receiver destroys its copy);
	 * after that the guest would stay suspended. The first round sends
	 * every page, so once the target holds them all the end is near:
	 * refuse from then on. */
	if (j->prog.phase >= XN_MOVE_SUSPENDED || !j->live || j->handshake ||
	    (j->prog.total && j->prog.done >= j->prog.total))
		return -EBUSY;
	j->cancelled = true;
	kill(j->pid, SIGTERM);
	return 0;
}

void xn_move_job_clear(struct xn_move_job *j)
{
	if (j->pid > 0) {
		/* cancel only while harmless; otherwise xl finishes on its own
		 * (its own process group, SIGPIPE ignored) and its files stay */
		if (xn_move_job_cancel(j) != 0) {
			if (j->fd >= 0)
				close(j->fd);
			j->fd = -1;
			j->pid = -1;
			return;
		}
		while (waitpid(j->pid, NULL, 0) < 0 && errno == EINTR)
			;
		j->pid = -1;
	}
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	/* the restore failed: the config stays beside the image, for the
	 * command the message gives */
	if (!j->keep)
		remove_files(j);
}
