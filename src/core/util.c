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

/* Soft hyphen, Arabic letter mark, Mongolian vowel separator, zero-width
 * and bidi marks, embeddings and overrides, word joiner and invisible
 * operators, isolates, BOM, interlinear annotation and tags. */
bool xn_cp_invisible(unsigned cp)
{
	return cp == 0xad || cp == 0x61c || cp == 0x180e || (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff ||
	       (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0xe0000 && cp <= 0xe0fff);
}

/* Characters that take other than one cell: East Asian wide and fullwidth
 * (two cells) and combining marks (none). Escaped so that every character
 * kept is one cell and the batch columns stay aligned (main ranges of
 * Unicode's EastAsianWidth W/F and of the Mn blocks). */
static bool cp_not_one_cell(unsigned cp)
{
	return (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x1100 && cp <= 0x115f) ||
	       (cp >= 0x1ab0 && cp <= 0x1aff) || (cp >= 0x1dc0 && cp <= 0x1dff) ||
	       (cp >= 0x20d0 && cp <= 0x20ff) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	       (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	       (cp >= 0xfe20 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	       (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
	       (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd);
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
		int seq = 0;
		unsigned cp = 0;
		if (*p >= 0xc2 && *p <= 0xf4) {
			seq = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
			cp = *p & (0x3f >> (seq - 1));
			for (int i = 1; i < seq; i++) {
				if ((p[i] & 0xc0) != 0x80) {
					seq = 0;
					break;
				}
				cp = (cp << 6) | (p[i] & 0x3f);
			}
			/* overlong, surrogate or beyond U+10FFFF: invalid */
			if (seq == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
				seq = 0;
			if (seq == 4 && (cp < 0x10000 || cp > 0x10ffff))
				seq = 0;
			if (seq == 2 && cp < 0xa0)
				seq = 0; /* C1 control: escape its bytes */
			/* invisible format characters and bidi controls would
			 * reorder or hide what follows: escaped as on screen */
			if (seq > 1 && (xn_cp_invisible(cp) || cp_not_one_cell(cp)))
				seq = 0;
		}
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
