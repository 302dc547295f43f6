/* canvas.c - see canvas.h. */
#include "canvas.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char role_letters[XN_ROLE__COUNT] = {
#define XN_ROLE_LETTER(name, letter) [XN_ROLE_##name] = letter,
        XN_ROLES(XN_ROLE_LETTER)
#undef XN_ROLE_LETTER
};

char xn_role_letter(enum xn_role r)
{
	return (unsigned)r < XN_ROLE__COUNT ? role_letters[r] : '!';
}

int xn_canvas_resize(struct xn_canvas *c, int w, int h)
{
	if (w < 0 || h < 0)
		return -EINVAL;
	size_t n = (size_t)w * (size_t)h;
	if (n == 0)
		n = 1;
	if (w != c->w || h != c->h || !c->cells) {
		struct xn_cell *nc = malloc(n * sizeof(*nc));
		if (!nc)
			return -ENOMEM;
		free(c->cells);
		c->cells = nc;
		c->w = w;
		c->h = h;
	}
	xn_canvas_clear(c);
	return 0;
}

void xn_canvas_free(struct xn_canvas *c)
{
	free(c->cells);
	memset(c, 0, sizeof(*c));
}

void xn_canvas_clear(struct xn_canvas *c)
{
	size_t n = (size_t)c->w * (size_t)c->h;
	for (size_t i = 0; i < n; i++) {
		c->cells[i].ch = ' ';
		c->cells[i].role = XN_ROLE_NORMAL;
	}
}

struct xn_cell *xn_canvas_at(struct xn_canvas *c, int x, int y)
{
	if (x < 0 || y < 0 || x >= c->w || y >= c->h)
		return NULL;
	return &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
}

/* Decode one character: its length (>= 1) and the code point, or '?' (for
 * U+FFFD) for a byte that starts no valid sequence, a control, an invisible
 * or bidi format character, or one that is not one cell wide (the canvas
 * keeps one glyph per cell: it must not shift the rest of the row). */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
	int n = xn_utf8_decode(s, cp);
	if (n == 0) {
		*cp = '?';
		return 1;
	}
	if (!xn_cp_one_cell(*cp) || xn_cp_invisible(*cp))
		*cp = '?';
	return (size_t)n;
}

int xn_canvas_text(struct xn_canvas *c, int x, int y, int maxw, enum xn_role role, const char *s)
{
	if (y < 0 || y >= c->h || !s)
		return 0;
	int end = maxw < 0 ? c->w : x + maxw;
	if (end > c->w)
		end = c->w;
	const unsigned char *p = (const unsigned char *)s;
	int col = x;
	while (*p && col < end) {
		uint32_t cp;
		p += utf8_next(p, &cp);
		if (col >= 0) {
			struct xn_cell *cell = &c->cells[(size_t)y * (size_t)c->w + (size_t)col];
			cell->ch = cp;
			cell->role = (uint8_t)role;
		}
		col++;
	}
	return col - x;
}

int xn_canvas_printf(struct xn_canvas *c, int x, int y, int maxw, enum xn_role role,
                     const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return xn_canvas_text(c, x, y, maxw, role, buf);
}

void xn_canvas_fill(struct xn_canvas *c, int x, int y, int n, uint32_t ch, enum xn_role role)
{
	if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0))
		ch = '?';
	for (int i = 0; i < n; i++) {
		struct xn_cell *cell = xn_canvas_at(c, x + i, y);
		if (cell) {
			cell->ch = ch;
			cell->role = (uint8_t)role;
		}
	}
}

void xn_canvas_set_role(struct xn_canvas *c, int x, int y, int n, enum xn_role role)
{
	for (int i = 0; i < n; i++) {
		struct xn_cell *cell = xn_canvas_at(c, x + i, y);
		if (cell)
			cell->role = (uint8_t)role;
	}
}

static size_t utf8_put(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t xn_canvas_row_utf8(const struct xn_canvas *c, int x, int y, int n, char *buf, size_t len)
{
	size_t o = 0;
	if (!len)
		return 0;
	for (int i = 0; i < n && y >= 0 && y < c->h; i++) {
		if (x + i < 0 || x + i >= c->w)
			continue;
		char tmp[4];
		size_t k = utf8_put(c->cells[(size_t)y * (size_t)c->w + (size_t)(x + i)].ch, tmp);
		if (o + k + 1 > len)
			break;
		memcpy(buf + o, tmp, k);
		o += k;
	}
	buf[o] = '\0';
	return o;
}

int xn_canvas_dump(const struct xn_canvas *c, FILE *f)
{
	size_t cap = (size_t)c->w * 4 + 2;
	char *line = malloc(cap);
	if (!line)
		return -ENOMEM;
	for (int y = 0; y < c->h; y++) {
		size_t n = xn_canvas_row_utf8(c, 0, y, c->w, line, cap);
		while (n > 0 && line[n - 1] == ' ')
			n--;
		line[n] = '\0';
		fprintf(f, "%s\n", line);
	}
	fputs("--- roles\n", f);
	for (int y = 0; y < c->h; y++) {
		int n = c->w;
		for (int x = 0; x < c->w; x++)
			line[x] = xn_role_letter(
			        (enum xn_role)c->cells[(size_t)y * (size_t)c->w + (size_t)x].role);
		while (n > 0 && line[n - 1] == '.')
			n--;
		line[n] = '\0';
		fprintf(f, "%s\n", line);
	}
	free(line);
	return ferror(f) ? -EIO : 0;
}
