/* canvas.h - a curses-free screen: a grid of cells, each one glyph (a Unicode
 * code point of display width 1) and one semantic style role. The view draws
 * into it, tui.c maps roles to curses attributes, tests dump it to text. */
#ifndef XN_CANVAS_H
#define XN_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Style roles: X(name, letter in the dump's role layer). */
#define XN_ROLES(X)                                                                                \
	X(NORMAL, '.')                                                                             \
	X(TITLE, 'T')    /* summary and panel labels */                                            \
	X(HEADER, 'H')   /* column headers */                                                      \
	X(SORTED, 'S')   /* header of the sort column */                                           \
	X(SELECTED, '>') /* the selected domain's row */                                           \
	X(DIM, 'd')      /* unknown values, secondary text */                                      \
	X(STATUS, 's')   /* the status line */                                                     \
	X(ERROR, 'E')                                                                              \
	X(OK, 'K')                                                                                 \
	X(WARN, 'W')                                                                               \
	X(BAR_FREE, 'f') /* free part of a memory bar */                                           \
	X(BAR_USED, 'u') /* used part of a memory bar */                                           \
	X(PROMPT, 'P')                                                                             \
	X(HEAT0, '0') /* heatmap levels: 0 = no pages ... 9 = (nearly) all */                      \
	X(HEAT1, '1')                                                                              \
	X(HEAT2, '2')                                                                              \
	X(HEAT3, '3')                                                                              \
	X(HEAT4, '4')                                                                              \
	X(HEAT5, '5')                                                                              \
	X(HEAT6, '6')                                                                              \
	X(HEAT7, '7')                                                                              \
	X(HEAT8, '8')                                                                              \
	X(HEAT9, '9')                                                                              \
	X(HEAT_UNKNOWN, '?')

enum xn_role {
#define XN_ROLE_ENUM(name, letter) XN_ROLE_##name,
	XN_ROLES(XN_ROLE_ENUM)
#undef XN_ROLE_ENUM
	        XN_ROLE__COUNT
};

enum { XN_HEAT_LEVELS = 10 };

struct xn_cell {
	uint32_t ch;  /* code point, width 1, never a control character */
	uint8_t role; /* enum xn_role */
};

struct xn_canvas {
	int w, h;
	struct xn_cell *cells; /* w * h, row-major; owned */
};

/* Resize to w x h (contents cleared). 0 or -ENOMEM (canvas left unchanged). */
int xn_canvas_resize(struct xn_canvas *c, int w, int h);

/* Free the cells and zero the canvas. */
void xn_canvas_free(struct xn_canvas *c);

/* Every cell a blank in role NORMAL. */
void xn_canvas_clear(struct xn_canvas *c);

/* Cell at (x, y) or NULL when outside. */
struct xn_cell *xn_canvas_at(struct xn_canvas *c, int x, int y);

/* Write UTF-8 text at (x, y), at most maxw cells (< 0: to the right edge),
 * clipped to the canvas. Control characters and invalid UTF-8 become '?':
 * nothing written here can reach the terminal as a control sequence.
 * Returns the number of cells written. */
int xn_canvas_text(struct xn_canvas *c, int x, int y, int maxw, enum xn_role role, const char *s);

/* printf-style xn_canvas_text. */
int xn_canvas_printf(struct xn_canvas *c, int x, int y, int maxw, enum xn_role role,
                     const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* n cells of glyph ch from (x, y), clipped. */
void xn_canvas_fill(struct xn_canvas *c, int x, int y, int n, uint32_t ch, enum xn_role role);

/* Change the role of n cells from (x, y), keeping the glyphs. */
void xn_canvas_set_role(struct xn_canvas *c, int x, int y, int n, enum xn_role role);

/* Encode the glyphs of cells [x, x+n) of row y as UTF-8 into buf (NUL-
 * terminated; cells that do not fit are dropped). Returns the bytes written. */
size_t xn_canvas_row_utf8(const struct xn_canvas *c, int x, int y, int n, char *buf, size_t len);

/* Write the canvas as text for golden files: the rows (trailing blanks
 * removed), a line "--- roles", then one line per row of role letters
 * (XN_ROLES), trailing '.' removed. 0 or -errno. */
int xn_canvas_dump(const struct xn_canvas *c, FILE *f);

/* Letter of a role in the dump. */
char xn_role_letter(enum xn_role r);

#endif
