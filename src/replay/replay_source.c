/* replay_source.c - the replay source: plays back a --record file (JSON
 * lines, schema 1 or 2). open() checks every line once and keeps only the file
 * offsets of the valid ones, so memory stays small for long recordings of
 * many domains; sample() re-reads and parses one line at a time. Bad lines
 * are reported once, at open, on stderr (before any screen is set up), with
 * their line number, and skipped; the source's note counts them with the
 * first one, for the status line. Read-only: no set_node_affinity. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "replay.h"
#include "util.h"

/* Past this many bad lines, only a count is reported. */
enum { WARN_MAX = 10 };
/* A line longer than this is reported and skipped, not read into memory:
 * a recording of thousands of domains stays far below it. */
#define LINE_MAX_BYTES (64u << 20)

struct line_ref {
	off_t off;
	size_t len;
	long lineno;
};

struct replay {
	struct xn_source base; /* first: the public part */
	FILE *f;
	char *path;
	struct line_ref *lines;
	long nr_lines;
	long cur;  /* index of the sample returned last, -1 before the first */
	long next; /* index sample() returns next */
	char *buf;
	size_t buflen;
};

static int replay_probe(const struct xn_source_config *cfg, char *err, size_t errlen)
{
	if (!cfg->replay_file)
		return xn_errf(err, errlen, -ENOENT, "no recording given (--replay FILE)");
	return 0;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

static int index_add(struct replay *p, off_t off, size_t len, long lineno)
{
	if ((p->nr_lines & (p->nr_lines - 1)) == 0) {
		size_t cap = p->nr_lines ? (size_t)p->nr_lines * 2 : 64;
		struct line_ref *nl = realloc(p->lines, cap * sizeof(*nl));
		if (!nl)
			return -ENOMEM;
		p->lines = nl;
	}
	p->lines[p->nr_lines++] = (struct line_ref){off, len, lineno};
	return 0;
}

/* Read the whole file once: index valid lines, report invalid ones. */
static int replay_scan(struct replay *p, char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0, bad = 0;
	off_t off = 0;
	int r = 0;
	char why[256];
	bool too_long;
	while ((n = xn_read_line(p->f, &line, &cap, LINE_MAX_BYTES, &too_long)) > 0) {
		lineno++;
		off_t here = off;
		off += n;
		if (too_long) {
			snprintf(why, sizeof(why), "line longer than %u MiB", LINE_MAX_BYTES >> 20);
			r = -EINVAL;
		} else if (blank(line, (size_t)n)) {
			continue;
		} else {
			struct xn_snapshot s;
			memset(&s, 0, sizeof(s));
			r = xn_replay_parse_line(line, (size_t)n, &s, why, sizeof(why));
			xn_snapshot_clear(&s);
		}
		if (r == -ENOMEM)
			break;
		if (r == 0) {
			if ((r = index_add(p, here, (size_t)n, lineno)))
				break;
			continue;
		}
		r = 0;
		if (bad == 0)
			snprintf(p->base.note, sizeof(p->base.note), "line %ld: %.200s", lineno,
			         why);
		if (++bad <= WARN_MAX)
			xn_warn("%s:%ld: %s%s", p->path, lineno, why,
			        too_long || line[n - 1] == '\n' ? "" : " (truncated last line?)");
	}
	free(line);
	if (n == -ENOMEM)
		r = -ENOMEM;
	if (r)
		return xn_errf(err, errlen, r, "%s: out of memory while reading", p->path);
	if (n < 0)
		return xn_errf(err, errlen, -EIO, "%s: read error", p->path);
	if (bad > WARN_MAX)
		xn_warn("%s: %ld more invalid lines skipped", p->path, bad - WARN_MAX);
	if (p->nr_lines == 0)
		return xn_errf(err, errlen, -ENODATA, "%s: no valid sample in the recording%s",
		               p->path, lineno ? "" : " (empty file)");
	if (bad) {
		char first[sizeof(p->base.note)];
		xn_strlcpy(first, p->base.note, sizeof(first));
		snprintf(p->base.note, sizeof(p->base.note), "%ld invalid line%s skipped (%.200s)",
		         bad, bad == 1 ? "" : "s", first);
	}
	return 0;
}

static void replay_free(struct replay *p)
{
	if (!p)
		return;
	if (p->f)
		fclose(p->f);
	free(p->path);
	free(p->lines);
	free(p->buf);
	free(p);
}

static void replay_close(struct xn_source *src)
{
	replay_free((struct replay *)src);
}

static int replay_open(const struct xn_source_config *cfg, struct xn_source **out, char *err,
                       size_t errlen)
{
	if (!cfg->replay_file)
		return xn_errf(err, errlen, -EINVAL, "no recording given (--replay FILE)");
	struct replay *p = calloc(1, sizeof(*p));
	if (!p)
		return xn_errf(err, errlen, -ENOMEM, "out of memory");
	p->base.ops = &xn_source_replay;
	p->cur = -1;
	p->path = strdup(cfg->replay_file);
	if (!p->path) {
		free(p);
		return xn_errf(err, errlen, -ENOMEM, "out of memory");
	}
	/* O_NONBLOCK: a FIFO without a writer must not hang the open. Only a
	 * regular file will do (samples are read back by offset; /dev/zero
	 * or a pipe would be read for ever). */
	int fd = open(cfg->replay_file, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat sb;
	int e = 0;
	if (fd < 0)
		e = -errno;
	else if (fstat(fd, &sb))
		e = -errno;
	else if (!S_ISREG(sb.st_mode))
		e = -EINVAL;
	else if (fcntl(fd, F_SETFL, O_RDONLY) || !(p->f = fdopen(fd, "r")))
		e = -errno;
	if (e) {
		if (fd >= 0 && !p->f)
			close(fd);
		xn_errf(err, errlen, e, "%s: %s", cfg->replay_file,
		        e == -EINVAL ? "not a regular file (a recording is a file of JSON lines)"
		                     : strerror(-e));
		replay_free(p);
		return e;
	}
	int r = replay_scan(p, err, errlen);
	if (r) {
		replay_free(p);
		return r;
	}
	*out = (struct xn_source *)p; /* base is the first member */
	return 0;
}

static int replay_sample(struct xn_source *src, struct xn_snapshot *out)
{
	struct replay *p = (struct replay *)src;
	if (p->next < 0 || p->next >= p->nr_lines)
		return xn_source_fail(src, -ENODATA, "end of recording %s", p->path);
	const struct line_ref *l = &p->lines[p->next];
	if (l->len + 1 > p->buflen) {
		char *nb = realloc(p->buf, l->len + 1);
		if (!nb)
			return xn_source_fail(src, -ENOMEM, "out of memory");
		p->buf = nb;
		p->buflen = l->len + 1;
	}
	if (fseeko(p->f, l->off, SEEK_SET) || fread(p->buf, 1, l->len, p->f) != l->len)
		return xn_source_fail(src, -EIO, "%s:%ld: cannot read back (file changed?)",
		                      p->path, l->lineno);
	char why[256];
	int r = xn_replay_parse_line(p->buf, l->len, out, why, sizeof(why));
	if (r)
		return xn_source_fail(src, r == -ENOMEM ? r : -EIO, "%s:%ld: %s", p->path,
		                      l->lineno, why);
	/* The recorded interval is the recorder's monotonic one; the times
	 * come from the wall clock, read beside it but not at the same
	 * instant (a preempted recorder puts milliseconds between them). So
	 * it is kept for a sample that follows the one returned last in the
	 * file; after a seek, or a line skipped as invalid, the sampler
	 * derives it from the times. */
	if (p->cur < 0 || p->next != p->cur + 1 || l->lineno != p->lines[p->cur].lineno + 1)
		out->interval = 0;
	p->cur = p->next++;
	return 0;
}

/* Move relative to the sample returned last: seek(-1) then sample() gives
 * the previous one, seek(0) the same again, seek(+1) the next. Clamped to
 * the recording: -ERANGE when it had to clamp (the edge is then set). */
static int replay_seek(struct xn_source *src, long delta)
{
	struct replay *p = (struct replay *)src;
	long target = p->cur + delta;
	if (target < 0) {
		p->next = 0;
		return xn_source_fail(src, -ERANGE, "at the start of the recording");
	}
	if (target >= p->nr_lines) {
		p->next = p->nr_lines - 1;
		return xn_source_fail(src, -ERANGE, "at the end of the recording");
	}
	p->next = target;
	return 0;
}

static int replay_position(const struct xn_source *src, long *index, long *count)
{
	if (!src || src->ops != &xn_source_replay)
		return -EINVAL;
	const struct replay *p = (const struct replay *)src;
	*index = p->cur;
	*count = p->nr_lines;
	return 0;
}

const struct xn_source_ops xn_source_replay = {
        .name = "replay",
        .caps = XN_SRC_RECORDED,
        .probe = replay_probe,
        .open = replay_open,
        .sample = replay_sample,
        .set_node_affinity = NULL,
        .seek = replay_seek,
        .position = replay_position,
        .close = replay_close,
};
