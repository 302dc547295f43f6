/* test_utf8.c - one decoder and one width table for every writer: for each
 * range of the width table (its first, middle and last code point) the
 * batch text escapes the character and the screen shows '?', so columns
 * stay aligned in both; invisible and bidi characters are also kept out of
 * Prometheus labels; one-cell characters between the ranges pass. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "prom.h"
#include "tui/canvas.h"
#include "util.h"

static int put(uint32_t cp, char *s)
{
	if (cp < 0x80) {
		s[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		s[0] = (char)(0xc0 | (cp >> 6));
		s[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		s[0] = (char)(0xe0 | (cp >> 12));
		s[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		s[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	s[0] = (char)(0xf0 | (cp >> 18));
	s[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	s[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	s[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* What each writer makes of "a<cp>b". */
struct seen {
	bool batch_escaped; /* xn_escape wrote \x escapes instead of the bytes */
	bool screen_kept;   /* the canvas kept cp in one cell, 'b' right after it */
	bool prom_kept;     /* the label value holds the bytes unchanged */
};

static struct seen seen(uint32_t cp)
{
	char s[8] = "a";
	int n = put(cp, s + 1);
	s[1 + n] = 'b';
	s[2 + n] = '\0';
	struct seen r = {0};

	char out[64];
	xn_escape(s, out, sizeof(out));
	r.batch_escaped = strstr(out, "\\x") != NULL;

	struct xn_canvas c = {0};
	if (xn_canvas_resize(&c, 8, 1) == 0) {
		xn_canvas_clear(&c);
		xn_canvas_text(&c, 0, 0, -1, XN_ROLE_NORMAL, s);
		struct xn_cell *x = xn_canvas_at(&c, 1, 0), *y = xn_canvas_at(&c, 2, 0);
		r.screen_kept = x && y && x->ch == cp && y->ch == 'b';
		xn_canvas_free(&c);
	}

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f) {
		xn_prom_put_label_value(f, s);
		fclose(f);
		r.prom_kept = buf && !strcmp(buf, s);
		free(buf);
	}
	return r;
}

static void test_wide_ranges(void)
{
	CHECK(xn_cp_nr_wide_ranges > 10);
	for (size_t i = 0; i < xn_cp_nr_wide_ranges; i++) {
		uint32_t lo = xn_cp_wide_ranges[i][0], hi = xn_cp_wide_ranges[i][1];
		CHECK(lo <= hi);
		if (i > 0)
			CHECK(lo > xn_cp_wide_ranges[i - 1][1]); /* sorted, disjoint */
		uint32_t pts[3] = {lo, lo + (hi - lo) / 2, hi};
		for (int k = 0; k < 3; k++) {
			struct seen r = seen(pts[k]);
			if (!r.batch_escaped || r.screen_kept)
				fprintf(stderr, "U+%04X: batch %s, screen %s\n", (unsigned)pts[k],
				        r.batch_escaped ? "escaped" : "KEPT",
				        r.screen_kept ? "KEPT" : "replaced");
			CHECK(r.batch_escaped);
			CHECK(!r.screen_kept);
			CHECK(!xn_cp_one_cell(pts[k]));
		}
		/* just past the range's end: one cell unless the next range or an
		 * invisible character starts there */
		uint32_t after = hi + 1;
		bool next = i + 1 < xn_cp_nr_wide_ranges && xn_cp_wide_ranges[i + 1][0] == after;
		if (!next && !xn_cp_invisible(after) && after <= 0x10ffff &&
		    !(after >= 0xd800 && after <= 0xdfff))
			CHECK(xn_cp_one_cell(after));
	}
}

static void test_one_cell(void)
{
	/* Latin, Greek, Cyrillic, box drawing, a hexagram between CJK blocks */
	const uint32_t ok[] = {0xe9, 0x3b1, 0x436, 0x2502, 0x4dc0, 0xfffd};
	for (size_t i = 0; i < XN_ARRAY_SIZE(ok); i++) {
		struct seen r = seen(ok[i]);
		CHECK(!r.batch_escaped);
		CHECK(r.screen_kept);
		CHECK(r.prom_kept);
	}
}

static void test_invisible(void)
{
	const uint32_t bad[] = {0xad, 0x61c, 0x200b, 0x200f, 0x202e, 0x2066, 0xfeff, 0xe0041};
	for (size_t i = 0; i < XN_ARRAY_SIZE(bad); i++) {
		struct seen r = seen(bad[i]);
		CHECK(xn_cp_invisible(bad[i]));
		CHECK(r.batch_escaped);
		CHECK(!r.screen_kept);
		CHECK(!r.prom_kept);
	}
}

static void test_decoder(void)
{
	uint32_t cp;
	CHECK(xn_utf8_decode((const unsigned char *)"A", &cp) == 1 && cp == 'A');
	CHECK(xn_utf8_decode((const unsigned char *)"\xc3\xa9", &cp) == 2 && cp == 0xe9);
	CHECK(xn_utf8_decode((const unsigned char *)"\xf0\x9f\x9a\x80", &cp) == 4 && cp == 0x1f680);
	CHECK(xn_utf8_decode((const unsigned char *)"\xc0\xaf", &cp) == 0);         /* overlong */
	CHECK(xn_utf8_decode((const unsigned char *)"\xe0\x80\xaf", &cp) == 0);     /* overlong */
	CHECK(xn_utf8_decode((const unsigned char *)"\xed\xa0\x80", &cp) == 0);     /* surrogate */
	CHECK(xn_utf8_decode((const unsigned char *)"\xf4\x90\x80\x80", &cp) == 0); /* > 10FFFF */
	CHECK(xn_utf8_decode((const unsigned char *)"\xe2\x82", &cp) == 0);         /* truncated */
	CHECK(xn_utf8_decode((const unsigned char *)"\x80", &cp) == 0);             /* stray */
	/* U+1F680 (a rocket) is two cells: replaced on screen and escaped in batch */
	struct seen r = seen(0x1f680);
	CHECK(r.batch_escaped && !r.screen_kept);
}

int main(void)
{
	test_decoder();
	test_wide_ranges();
	test_one_cell();
	test_invisible();
	return check_report("test_utf8");
}
