/* test_canvas.c - the canvas: clipping, control characters and bad UTF-8
 * never reach a cell, wide glyphs are replaced, the dump format, and the
 * escaping of names for the terminal. */
#include <stdlib.h>
#include <string.h>

#include "tui/canvas.h"
#include "util.h"
#include "check.h"

static char *dump(const struct xn_canvas *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return NULL;
	xn_canvas_dump(c, m);
	fclose(m);
	return buf;
}

static void test_text_and_clip(void)
{
	struct xn_canvas c = {0};
	CHECK(xn_canvas_resize(&c, 8, 3) == 0);
	CHECK_EQ_U64(xn_canvas_text(&c, 0, 0, -1, XN_ROLE_TITLE, "hello"), 5);
	/* clipped at the right edge and by maxw */
	CHECK_EQ_U64(xn_canvas_text(&c, 5, 1, -1, XN_ROLE_NORMAL, "abcdef"), 3);
	CHECK_EQ_U64(xn_canvas_text(&c, 0, 2, 2, XN_ROLE_ERROR, "xyz"), 2);
	/* outside rows and negative x are harmless */
	CHECK_EQ_U64(xn_canvas_text(&c, 0, 3, -1, XN_ROLE_NORMAL, "no"), 0);
	CHECK_EQ_U64(xn_canvas_text(&c, -2, 2, -1, XN_ROLE_NORMAL, "12345"), 5);
	CHECK(xn_canvas_at(&c, 0, 2)->ch == '3');
	CHECK(xn_canvas_at(&c, 8, 0) == NULL);
	char *d = dump(&c);
	CHECK_STR(d, "hello\n     abc\n345\n--- roles\nTTTTT\n\n\n");
	free(d);
	xn_canvas_free(&c);
	CHECK(c.cells == NULL && c.w == 0);
}

static void test_controls(void)
{
	struct xn_canvas c = {0};
	CHECK(xn_canvas_resize(&c, 16, 1) == 0);
	/* ESC, BEL, DEL, a C1 CSI (U+009B), an invalid byte, a lone continuation */
	xn_canvas_text(&c, 0, 0, -1, XN_ROLE_NORMAL, "a\x1b[2J\x07\x7f\xc2\x9b\xff\x80z");
	for (int x = 0; x < c.w; x++) {
		uint32_t ch = xn_canvas_at(&c, x, 0)->ch;
		CHECK(ch >= 0x20 && ch != 0x7f && !(ch >= 0x80 && ch < 0xa0));
	}
	CHECK(xn_canvas_at(&c, 0, 0)->ch == 'a');
	CHECK(xn_canvas_at(&c, 1, 0)->ch == '?');
	CHECK(xn_canvas_at(&c, 2, 0)->ch == '[');
	/* a fill with a control glyph is refused too */
	xn_canvas_fill(&c, 0, 0, 2, 0x1b, XN_ROLE_NORMAL);
	CHECK(xn_canvas_at(&c, 0, 0)->ch == '?');
	/* one cell per glyph: a wide CJK character and a combining mark become '?' */
	xn_canvas_clear(&c);
	CHECK_EQ_U64(xn_canvas_text(&c, 0, 0, -1, XN_ROLE_NORMAL,
	                            "\xe4\xb8\xad"
	                            "e\xcc\x81\xc3\xa9"),
	             4);
	CHECK(xn_canvas_at(&c, 0, 0)->ch == '?');
	CHECK(xn_canvas_at(&c, 2, 0)->ch == '?');
	CHECK(xn_canvas_at(&c, 3, 0)->ch == 0xe9); /* é stays */
	char buf[64];
	xn_canvas_row_utf8(&c, 0, 0, 4, buf, sizeof(buf));
	CHECK_STR(buf, "?e?\xc3\xa9");
	xn_canvas_free(&c);
}

static void test_escape(void)
{
	char out[64];
	xn_text_escape("evil\x1b[2J\x07\n\t\\x\xc3\xa9", out, sizeof(out));
	CHECK_STR(out, "evil\\e[2J\\x07\\n\\t\\\\x\\xc3\\xa9");
	/* truncation at a whole escape */
	xn_text_escape("ab\x1b", out, 4);
	CHECK_STR(out, "ab");
	xn_text_escape(NULL, out, sizeof(out));
	CHECK_STR(out, "");
}

static void test_roles(void)
{
	CHECK(xn_role_letter(XN_ROLE_NORMAL) == '.');
	CHECK(xn_role_letter(XN_ROLE_HEAT9) == '9');
	CHECK(xn_role_letter(XN_ROLE_SELECTED) == '>');
	/* every role has a distinct letter, so the dump shows every change */
	for (int a = 0; a < XN_ROLE__COUNT; a++)
		for (int b = a + 1; b < XN_ROLE__COUNT; b++)
			CHECK(xn_role_letter((enum xn_role)a) != xn_role_letter((enum xn_role)b));
	struct xn_canvas c = {0};
	CHECK(xn_canvas_resize(&c, 4, 1) == 0);
	xn_canvas_set_role(&c, 1, 0, 2, XN_ROLE_WARN);
	char *d = dump(&c);
	CHECK_STR(d, "\n--- roles\n.WW\n");
	free(d);
	xn_canvas_free(&c);
}

int main(void)
{
	test_text_and_clip();
	test_controls();
	test_escape();
	test_roles();
	return check_report("test_canvas");
}
