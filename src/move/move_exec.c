/* move_exec.c - run xl for the mover (see move_exec.h). */
#include "move_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "move.h"
#include "util.h"

static volatile sig_atomic_t *quit_flag;

void xn_move_set_quit_flag(volatile sig_atomic_t *flag)
{
	quit_flag = flag;
}

/* Every descriptor but 0-2: what xl inherits is only what it needs. */
static void close_others(void)
{
	if (close_range(3, ~0U, 0) == 0)
		return;
	long max = sysconf(_SC_OPEN_MAX);
	for (long fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
		close((int)fd);
}

pid_t xn_move_spawn(const char *const argv[], int *fd, bool own_group)
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
		/* Its own group: a Ctrl-C or a hangup at our terminal is ours
		 * to handle (a cancel, or waiting for the end), not a kill of
		 * xl in the middle of a round. */
		if (own_group)
			setpgid(0, 0);
		/* A write to our pipe after we died must be an error xl
		 * ignores, not its death with the guest suspended; a hangup
		 * is not xl's business either (ignored dispositions survive
		 * exec, and xl sets neither). */
		signal(SIGPIPE, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null >= 0 && null != STDIN_FILENO)
			dup2(null, STDIN_FILENO);
		dup2(p[1], STDOUT_FILENO);
		dup2(p[1], STDERR_FILENO);
		close_others();
		/* execvp does not write to argv; its prototype predates const */
		execvp(argv[0], (char *const *)(uintptr_t)argv);
		dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	*fd = p[0];
	return pid;
}

static double now_ms(void)
{
	return (double)xn_now_mono_ns() / 1e6;
}

static int reap(pid_t pid, bool kill_it)
{
	int st = 0;
	if (kill_it)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

int xn_move_capture(const char *const argv[], char **out, int timeout_ms, size_t max,
                    bool interruptible)
{
	*out = NULL;
	int fd = -1;
	pid_t pid = xn_move_spawn(argv, &fd, false);
	if (pid < 0)
		return (int)pid;
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	double end = now_ms() + timeout_ms;
	int r = buf ? 0 : -ENOMEM;
	while (!r) {
		if (interruptible && quit_flag && *quit_flag) {
			r = -EINTR;
			break;
		}
		double left = end - now_ms();
		if (left <= 0) {
			r = -ETIMEDOUT;
			break;
		}
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		/* short waits: a signal that raises the quit flag may come
		 * between the check above and poll */
		int pr = poll(&pfd, 1, left < 200 ? (int)left + 1 : 200);
		if (pr < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		if (pr <= 0)
			continue;
		if (len + 1 >= cap) {
			if (cap > max) {
				r = -E2BIG;
				break;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				r = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len > max)
			r = -E2BIG;
	}
	close(fd);
	/* after EOF xl is about to exit; a child that kept the pipe open
	 * behind it does not hold us past the deadline */
	int st = 0;
	if (!r) {
		for (;;) {
			pid_t w = waitpid(pid, &st, WNOHANG);
			if (w == pid)
				break;
			if (w < 0 && errno != EINTR) {
				r = -errno;
				break;
			}
			if (now_ms() >= end) {
				r = -ETIMEDOUT;
				break;
			}
			if (interruptible && quit_flag && *quit_flag) {
				r = -EINTR;
				break;
			}
			usleep(10000);
		}
	}
	if (r) {
		reap(pid, true);
		free(buf);
		return r;
	}
	buf[len] = '\0';
	*out = buf;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}
