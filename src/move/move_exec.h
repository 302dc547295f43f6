/* move_exec.h - how the mover runs xl (private to src/move): a child with
 * only stdin (/dev/null), stdout and stderr (one pipe), SIGPIPE and SIGHUP
 * ignored and, for a move, its own process group, so that nothing that
 * happens to this process (a hangup, a Ctrl-C, our death) kills xl in the
 * middle of a save or a migration; and a bounded capture for the short
 * commands the checks run. */
#ifndef XN_MOVE_EXEC_H
#define XN_MOVE_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Start argv (PATH searched); *fd gets the read end of its stdout + stderr
 * (O_CLOEXEC). own_group: a process group of its own (a move: see above).
 * Returns the pid or -errno. */
pid_t xn_move_spawn(const char *const argv[], int *fd, bool own_group);

/* What xn_move_capture allows by default: xl answers these in well under a
 * second; the lab under TCG takes a few. */
enum { XN_MOVE_CAPTURE_MS = 30000, XN_MOVE_CAPTURE_MAX = 1 << 20 };

/* Run argv to its end and return its exit status (128 + signal when killed
 * by one), its output (malloc'd, NUL-terminated, at most max bytes) in
 * *out. xl is killed and -ETIMEDOUT returned when timeout_ms passes,
 * -EINTR when interruptible and the quit flag (xn_move_set_quit_flag) is
 * raised (the checks; clean-up after a move is not), -E2BIG when
 * it prints more than max; *out is NULL then. */
int xn_move_capture(const char *const argv[], char **out, int timeout_ms, size_t max,
                    bool interruptible);

#endif
