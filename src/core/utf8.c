/* utf8.c - the one UTF-8 decoder and the one table of what a character
 * looks like on a terminal, for every writer: the screen (canvas.c), batch
 * text (util.c's xn_escape), JSON (json.c) and Prometheus labels (prom.c). */
#include "util.h"

int xn_utf8_decode(const unsigned char *p, uint32_t *cp)
{
	if (*p < 0x80) {
		*cp = *p;
		return 1;
	}
	if (*p < 0xc2 || *p > 0xf4)
		return 0; /* a continuation byte, an overlong lead, or beyond U+10FFFF */
	int n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
	uint32_t v = *p & (0x3fu >> (n - 1));
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0; /* truncated (a NUL ends the string here too) */
		v = (v << 6) | (p[i] & 0x3fu);
	}
	if (n == 3 && (v < 0x800 || (v >= 0xd800 && v <= 0xdfff)))
		return 0;
	if (n == 4 && (v < 0x10000 || v > 0x10ffff))
		return 0;
	*cp = v;
	return n;
}

/* Soft hyphen, Arabic letter mark, Mongolian vowel separator, zero-width
 * and bidi marks, embeddings and overrides, word joiner and invisible
 * operators, isolates, BOM, interlinear annotation and tags. */
bool xn_cp_invisible(uint32_t cp)
{
	return cp == 0xad || cp == 0x61c || cp == 0x180e || (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff ||
	       (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0xe0000 && cp <= 0xe0fff);
}

/* Characters that take other than one cell: combining marks (none) and East
 * Asian wide, fullwidth and emoji (two); main ranges of Unicode's
 * EastAsianWidth W/F and of the Mn blocks. */
const uint32_t xn_cp_wide_ranges[][2] = {
        {0x0300, 0x036f}, {0x0483, 0x0489},   {0x0591, 0x05bd},   {0x0610, 0x061a},
        {0x064b, 0x065f}, {0x0e31, 0x0e3a},   {0x1100, 0x115f},   {0x1ab0, 0x1aff},
        {0x1dc0, 0x1dff}, {0x20d0, 0x20ff},   {0x2e80, 0x303e},   {0x3041, 0x33ff},
        {0x3400, 0x4dbf}, {0x4e00, 0x9fff},   {0xa000, 0xa4cf},   {0xac00, 0xd7a3},
        {0xf900, 0xfaff}, {0xfe00, 0xfe0f},   {0xfe20, 0xfe4f},   {0xff00, 0xff60},
        {0xffe0, 0xffe6}, {0x1f000, 0x1faff}, {0x20000, 0x3fffd},
};
const size_t xn_cp_nr_wide_ranges = XN_ARRAY_SIZE(xn_cp_wide_ranges);

bool xn_cp_one_cell(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return false; /* controls take no cell of their own */
	for (size_t i = 0; i < xn_cp_nr_wide_ranges; i++)
		if (cp >= xn_cp_wide_ranges[i][0] && cp <= xn_cp_wide_ranges[i][1])
			return false;
	return true;
}
