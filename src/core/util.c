/* util.c - see util.h. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int xn_errf(char *err, size_t errlen, int neg_errno, const char *fmt, ...)
{
	if (err && errlen > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return neg_errno;
}

int xn_read_file(const char *path, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		if (n + 1 >= cap) {
			/* /proc files report size 0, so grow as we go. */
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = -errno;
			free(buf);
			close(fd);
			return e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

int xn_parse_u64(const char *s, uint64_t *out)
{
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	uint64_t v = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned dgt = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - dgt) / 10)
			return -ERANGE;
		v = v * 10 + dgt;
	}
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*out = v;
	return 0;
}

int xn_parse_seconds(const char *s, double *out)
{
	char *end;
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < 0)
		return -EINVAL;
	/* strtod also takes "inf", "nan" and hex: only plain decimals here. */
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			return -EINVAL;
	*out = v;
	return 0;
}

uint64_t xn_now_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void xn_strlcpy(char *dst, const char *src, size_t len)
{
	size_t n = strlen(src);
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* See util.h. */
void xn_escape(const char *s, char *buf, size_t len)
{
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)s;
	if (len == 0)
		return;
	while (*p) {
		char tmp[8];
		size_t n = 0;
		uint32_t cp = 0;
		int seq = *p >= 0x80 ? xn_utf8_decode(p, &cp) : 0;
		/* C1 controls, invisible format characters and bidi controls
		 * (they would reorder or hide what follows) and characters not one
		 * cell wide: their bytes escaped, as the screen replaces them */
		if (seq > 1 && (xn_cp_invisible(cp) || !xn_cp_one_cell(cp)))
			seq = 0;
		if (seq > 1) {
			for (n = 0; n < (size_t)seq; n++)
				tmp[n] = (char)*p++;
		} else if (*p == '\\') {
			tmp[0] = tmp[1] = '\\';
			n = 2;
			p++;
		} else if (*p < 0x20 || *p >= 0x7f) {
			snprintf(tmp, sizeof(tmp), "\\x%02x", *p);
			n = 4;
			p++;
		} else {
			tmp[0] = (char)*p++;
			n = 1;
		}
		if (o + n >= len)
			break; /* truncate at a whole character or escape */
		memcpy(buf + o, tmp, n);
		o += n;
	}
	buf[o] = '\0';
}

void xn_warn(const char *fmt, ...)
{
	char raw[1024], esc[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	xn_escape(raw, esc, sizeof(esc));
	fprintf(stderr, "xentop-numa: %s\n", esc);
}

ssize_t xn_read_line(FILE *f, char **buf, size_t *cap, size_t max, bool *too_long)
{
	size_t n = 0;
	int ch;
	*too_long = false;
	while ((ch = getc_unlocked(f)) != EOF) {
		if (n >= max) {
			/* Skip the rest of the line: it is reported, not kept. */
			*too_long = true;
			n++; /* counted: the caller keeps file offsets */
			if (ch == '\n')
				break;
			continue;
		}
		if (n + 2 > *cap) {
			size_t nc = *cap ? *cap * 2 : 4096;
			char *nb = realloc(*buf, nc);
			if (!nb)
				return -ENOMEM;
			*buf = nb;
			*cap = nc;
		}
		(*buf)[n++] = (char)ch;
		if (ch == '\n')
			break;
	}
	if (ferror(f))
		return -EIO;
	if (*too_long)
		return (ssize_t)n;
	if (n == 0)
		return 0;
	(*buf)[n] = '\0';
	return (ssize_t)n;
}

void xn_text_escape(const char *s, char *out, size_t len)
{
	size_t o = 0;
	if (!len)
		return;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		char esc[8];
		if (*p == '\\')
			strcpy(esc, "\\\\");
		else if (*p == 0x1b)
			strcpy(esc, "\\e");
		else if (*p == '\n')
			strcpy(esc, "\\n");
		else if (*p == '\t')
			strcpy(esc, "\\t");
		else if (*p >= 0x20 && *p < 0x7f) {
			esc[0] = (char)*p;
			esc[1] = '\0';
		} else
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
		size_t k = strlen(esc);
		if (o + k + 1 > len)
			break;
		memcpy(out + o, esc, k);
		o += k;
	}
	out[o] = '\0';
}

struct timespec xn_timespec(double secs)
{
	if (secs < 0)
		secs = 0;
	return (struct timespec){.tv_sec = (time_t)secs,
	                         .tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9)};
}

void xn_sleep(double secs)
{
	struct timespec ts = xn_timespec(secs);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}
