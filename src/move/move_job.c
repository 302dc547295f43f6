/* move_job.c - run xl for a move (see move.h): read the facts the checks
 * need, start `xl migrate` (or `xl save` + `xl restore`), follow its output,
 * cancel it while that is still harmless.
 *
 * Cancelling kills only the sending xl (not its process group): the
 * receiving xl, a child of the sender through `sh -c`, then reads the end of
 * its stream and destroys the half-built "NAME--incoming" domain itself, and
 * the original domain, not yet suspended, keeps running on its old pages.
 * Killing the receiver too would leave that incoming domain behind, so we
 * do not; we still look for one afterwards and destroy it if xl could not. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "move.h"
#include "util.h"

static double now_s(void)
{
	return (double)xn_now_mono_ns() / 1e9;
}

/* Start argv with stdout + stderr on a pipe; *fd gets its read end. */
static pid_t spawn(const char *const argv[], int *fd, bool own_group)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC))
		return errno ? -errno : -EIO;
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return -e;
	}
	if (pid == 0) {
		/* Its own group: a Ctrl-C at our terminal is ours to handle
		 * (a cancel), not a kill of xl in the middle of a round. */
		if (own_group)
			setpgid(0, 0);
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		dup2(p[1], STDOUT_FILENO);
		dup2(p[1], STDERR_FILENO);
		signal(SIGPIPE, SIG_DFL);
		/* execvp does not write to argv; its prototype predates const */
		execvp(argv[0], (char *const *)(uintptr_t)argv);
		dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	*fd = p[0];
	return pid;
}

/* Run argv to completion; its output (malloc'd, NUL-terminated) in *out.
 * Returns its exit status, or -errno. */
static int run_capture(const char *const argv[], char **out)
{
	int fd = -1;
	pid_t pid = spawn(argv, &fd, false);
	if (pid < 0)
		return (int)pid;
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	bool nomem = !buf;
	while (!nomem) {
		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				nomem = true;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (nomem) {
		free(buf);
		return -ENOMEM;
	}
	buf[len] = '\0';
	*out = buf;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* The value of "key : value" in `xl info` output, into val. */
static bool info_value(const char *info, const char *key, char *val, size_t len)
{
	size_t kl = strlen(key);
	for (const char *l = info; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, key, kl) || (l[kl] != ' ' && l[kl] != ':'))
			continue;
		const char *c = strchr(l, ':');
		const char *e = strchr(l, '\n');
		if (!c || (e && c > e))
			return false;
		c++;
		size_t n = e ? (size_t)(e - c) : strlen(c);
		if (n >= len)
			n = len - 1;
		memcpy(val, c, n);
		val[n] = '\0';
		return true;
	}
	return false;
}

static void find_save_helper(const char *info, struct xn_move_facts *f)
{
	char maj[16] = "", min[16] = "", path[160];
	info_value(info, "xen_major", maj, sizeof(maj));
	info_value(info, "xen_minor", min, sizeof(min));
	/* Debian: /usr/lib/xen-4.17/bin; upstream: libexec; older: lib/xen */
	snprintf(path, sizeof(path), "/usr/lib/xen-%d.%d/bin/libxl-save-helper", atoi(maj),
	         atoi(min));
	/* XN_SAVE_HELPER: where a non-standard build installed it */
	const char *env = getenv("XN_SAVE_HELPER");
	const char *cands[] = {
	        env && env[0] ? env : path, path, "/usr/libexec/xen/bin/libxl-save-helper",
	        "/usr/lib/xen/bin/libxl-save-helper", "/usr/local/lib/xen/bin/libxl-save-helper"};
	for (size_t i = 0; i < XN_ARRAY_SIZE(cands); i++)
		if (access(cands[i], X_OK) == 0) {
			f->save_helper = true;
			xn_strlcpy(f->save_helper_path, cands[i], sizeof(f->save_helper_path));
			return;
		}
	xn_strlcpy(f->save_helper_path, path, sizeof(f->save_helper_path));
}

int xn_move_facts_read(int64_t domid, struct xn_move_facts *f, char **json, char *err,
                       size_t errlen)
{
	memset(f, 0, sizeof(*f));
	f->shadow = -1;
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)domid);
	char *info = NULL;
	const char *const info_argv[] = {"xl", "info", NULL};
	int r = run_capture(info_argv, &info);
	if (r == 127 || r < 0) {
		free(info);
		return xn_errf(err, errlen, -ENOENT, "cannot run xl: %s",
		               r < 0 ? strerror(-r) : "not found");
	}
	f->xl = true;
	if (r == 0) {
		char caps[256];
		/* 4.14+ print "shadow" when Xen was built with shadow paging */
		if (info_value(info, "virt_caps", caps, sizeof(caps)))
			f->shadow = strstr(caps, " shadow") != NULL;
		find_save_helper(info, f);
	}
	free(info);
	char *out = NULL;
	const char *const list_argv[] = {"xl", "list", "-l", id, NULL};
	r = run_capture(list_argv, &out);
	if (r != 0) {
		snprintf(f->info_err, sizeof(f->info_err), "xl list -l %s failed: %.120s", id,
		         out ? out : "");
		free(out);
		return 0;
	}
	/* only to learn info; the real text is written with the target later */
	enum { SCRATCH = 16384 };
	char *scratch = malloc(SCRATCH);
	xn_nodemask one = {{1}};
	int cr = scratch ? xn_move_config_write(out, &one, scratch, SCRATCH, &f->info, f->info_err,
	                                        sizeof(f->info_err))
	                 : -ENOMEM;
	free(scratch);
	f->have_info = cr == 0 || cr == -EOPNOTSUPP;
	if (json)
		*json = out;
	else
		free(out);
	return 0;
}

static int write_cfg(struct xn_move_job *j, const char *text, char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(j->cfg, sizeof(j->cfg), "%.40s/xn-move-XXXXXX", dir);
	int fd = mkstemp(j->cfg);
	if (fd < 0) {
		j->cfg[0] = '\0';
		return xn_errf(err, errlen, -errno, "cannot create a config file: %s",
		               strerror(errno));
	}
	size_t n = strlen(text);
	bool ok = write(fd, text, n) == (ssize_t)n;
	close(fd);
	if (!ok)
		return xn_errf(err, errlen, -EIO, "cannot write %s", j->cfg);
	return 0;
}

static int start_step(struct xn_move_job *j, char *err, size_t errlen)
{
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)j->domid);
	pid_t pid;
	if (j->live) {
		const char *const argv[] = {
		        "xl", "migrate", "-C", j->cfg, "-s", "", id, "xl migrate-receive", NULL};
		pid = spawn(argv, &j->fd, true);
	} else if (j->step == 0) {
		const char *const argv[] = {"xl", "save", id, j->ckpt, NULL};
		pid = spawn(argv, &j->fd, true);
	} else {
		const char *const argv[] = {"xl", "restore", j->cfg, j->ckpt, NULL};
		pid = spawn(argv, &j->fd, true);
	}
	if (pid < 0)
		return xn_errf(err, errlen, (int)pid, "cannot start xl: %s", strerror((int)-pid));
	j->pid = pid;
	fcntl(j->fd, F_SETFL, O_NONBLOCK);
	return 0;
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
	int r = write_cfg(j, cfg_text, err, errlen);
	if (r)
		return r;
	if (!j->live) {
		/* the checkpoint holds the whole memory: on disk, not in a tmpfs
		 * when Xen's save directory exists */
		const char *dir =
		        access("/var/lib/xen/save", W_OK) == 0 ? "/var/lib/xen/save" : "/tmp";
		snprintf(j->ckpt, sizeof(j->ckpt), "%s/xn-move-%lld.save", dir,
		         (long long)j->domid);
	}
	j->t_start = now_s();
	if (!j->live) {
		j->t_suspend = j->t_start; /* xl save stops the guest first */
		j->prog.phase = XN_MOVE_SUSPENDED;
	} else
		j->prog.total = plan->pages; /* counted at the target by observe */
	return start_step(j, err, errlen);
}

/* One complete line of output. */
static int feed_line(struct xn_move_job *j, char *line)
{
	if (!line[0])
		return 0;
	enum xn_move_phase was = j->prog.phase;
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

/* The copy xl names "NAME--incoming" while it receives: gone after a
 * failure, unless the receiver itself was killed. */
static void destroy_incoming(struct xn_move_job *j)
{
	char name[160], *out = NULL;
	snprintf(name, sizeof(name), "%s--incoming", j->name);
	const char *const argv[] = {"xl", "domid", name, NULL};
	if (run_capture(argv, &out) == 0) {
		const char *const dargv[] = {"xl", "destroy", name, NULL};
		char *o2 = NULL;
		run_capture(dargv, &o2);
		free(o2);
		size_t u = strlen(j->words);
		snprintf(j->words + u, sizeof(j->words) - u, " A leftover %s was destroyed.", name);
	}
	free(out);
}

static void finish(struct xn_move_job *j, int st)
{
	bool ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	j->pid = -1;
	if (ok && !j->live && j->step == 0) {
		char err[200];
		j->step = 1;
		j->prog.phase = XN_MOVE_RESUMING; /* saved; the restore builds it anew */
		if (start_step(j, err, sizeof(err)) == 0)
			return;
		snprintf(j->words, sizeof(j->words),
		         "%.100s; the guest is saved in %.96s: "
		         "`xl restore %.96s` brings it back",
		         err, j->ckpt, j->ckpt);
		j->status = -EIO;
		j->prog.phase = XN_MOVE_FAILED;
		return;
	}
	j->t_end = now_s();
	if (ok) {
		j->status = 0;
		j->prog.phase = XN_MOVE_DONE;
		if (!j->live && j->ckpt[0])
			unlink(j->ckpt);
		return;
	}
	j->status = j->cancelled ? -ECANCELED : -EIO;
	j->prog.phase = XN_MOVE_FAILED;
	if (j->cancelled)
		snprintf(j->words, sizeof(j->words),
		         "cancelled: the sending xl was stopped before the last round; "
		         "the guest keeps running on its old pages.");
	else if (!j->live && j->step == 1)
		snprintf(j->words, sizeof(j->words),
		         "xl restore failed: %.100s. The guest is saved in %.96s: `xl restore "
		         "%.96s` brings it back.",
		         j->prog.error[0]  ? j->prog.error
		         : j->prog.last[0] ? j->prog.last
		                           : "no message",
		         j->ckpt, j->ckpt);
	else
		snprintf(j->words, sizeof(j->words), "xl %s failed: %.200s%s%.110s Nothing moved.",
		         j->live ? "migrate" : "save",
		         j->prog.error[0]  ? j->prog.error
		         : j->prog.last[0] ? j->prog.last
		                           : "no message",
		         j->prog.summary[0] ? "; " : ".", j->prog.summary);
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
	for (size_t i = 0; i < snap->nr_domains; i++) {
		const struct xn_domain *d = &snap->domains[i];
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
	if (j->prog.phase >= XN_MOVE_SUSPENDED || !j->live ||
	    (j->prog.total && j->prog.done >= j->prog.total))
		return -EBUSY;
	j->cancelled = true;
	kill(j->pid, SIGTERM);
	return 0;
}

void xn_move_job_clear(struct xn_move_job *j)
{
	if (j->pid > 0) {
		kill(j->pid, SIGTERM);
		while (waitpid(j->pid, NULL, 0) < 0 && errno == EINTR)
			;
		j->pid = -1;
	}
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	if (j->cfg[0])
		unlink(j->cfg);
	j->cfg[0] = '\0';
}
