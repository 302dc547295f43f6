/* util.h - small helpers shared by every module: error text, file reading,
 * number parsing, time. */
#ifndef XN_UTIL_H
#define XN_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#define XN_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* snprintf into err (when err != NULL and errlen > 0); returns neg_errno. */
int xn_errf(char *err, size_t errlen, int neg_errno, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* Read a whole (small, /proc or /sys) file into a malloc'd NUL-terminated
 * buffer. *len gets the length when len != NULL. 0 or -errno. */
int xn_read_file(const char *path, char **out, size_t *len);

/* Strict unsigned parse of a whole token (leading spaces allowed, trailing
 * spaces/newline allowed). 0, -EINVAL or -ERANGE. */
int xn_parse_u64(const char *s, uint64_t *out);

/* Strict parse of a non-negative decimal number of seconds ("3", "0.2"). */
int xn_parse_seconds(const char *s, double *out);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t xn_now_mono_ns(void);

/* Copy with truncation, always NUL-terminated (len > 0). */
void xn_strlcpy(char *dst, const char *src, size_t len);

/* THE ESCAPE BOUNDARY. Every untrusted byte - a process or domain name, a
 * recorded field, a parser's or jansson's error text quoting its input -
 * passes xn_escape() before it reaches a terminal or stderr: in batch text
 * and CSV through the column formatters (columns.c), on stderr through
 * xn_warn(), on the screen through xn_text_escape() (canvas.h), which is
 * stricter (ASCII only) because the canvas counts one byte per cell. JSON
 * has its own \u escaping (json_write.c). Code that prints a string it did
 * not write itself goes through one of these, never fprintf("%s").
 *
 * xn_escape: C0 controls, DEL, C1 controls (U+0080..U+009F, which some
 * terminals take as CSI), bytes that are not valid UTF-8, invisible or bidi
 * format characters (they reorder or hide what follows) and characters of
 * other than one cell (wide, combining: they break column alignment) become
 * \xNN;
 * a backslash becomes \\ so the escaping is unambiguous. Truncated at a
 * whole character or escape; always NUL-terminated (len > 0). */
void xn_escape(const char *s, char *buf, size_t len);

/* Invisible or bidi format code points (soft hyphen, zero-width and bidi
 * marks, embeddings, overrides, isolates, BOM, tags): they hide or reorder
 * what follows on a terminal. */
bool xn_cp_invisible(uint32_t cp);

/* The one UTF-8 decoder (utf8.c): the length (1..4) of the valid sequence
 * at p and its code point in *cp, or 0 when the byte at p starts none
 * (stray continuation, overlong form, surrogate, beyond U+10FFFF,
 * truncated). */
int xn_utf8_decode(const unsigned char *p, uint32_t *cp);

/* Whether cp takes exactly one terminal cell: false for controls (C0, DEL,
 * C1), combining marks and East Asian wide/fullwidth and emoji, per the one
 * width table (xn_cp_wide_ranges, [first, last] pairs). */
bool xn_cp_one_cell(uint32_t cp);
extern const uint32_t xn_cp_wide_ranges[][2];
extern const size_t xn_cp_nr_wide_ranges;

/* "xentop-numa: " + the formatted message, escaped by xn_escape, + newline,
 * on stderr: the one way a message quoting untrusted text is printed. */
void xn_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line of f (with its '\n', if any) into *buf (grown, NUL-terminated),
 * at most max bytes kept: a longer line is read to its end and dropped
 * (*too_long set; the length returned is how much was read). Returns the
 * length, 0 at end of file, -ENOMEM or -EIO (never end of file for those). */
ssize_t xn_read_line(FILE *f, char **buf, size_t *cap, size_t max, bool *too_long);

/* secs (>= 0) as a timespec. */
struct timespec xn_timespec(double secs);

/* Sleep secs, resuming after signals. */
void xn_sleep(double secs);

/* Copy s into out so that it is safe and unambiguous on a terminal:
 * printable ASCII is kept, a backslash doubles, ESC is "\e", newline "\n",
 * tab "\t", and every other byte (controls, DEL, any non-ASCII byte) is
 * "\xHH". Always NUL-terminated (len > 0); truncated at a whole escape. */
void xn_text_escape(const char *s, char *out, size_t len);

#endif
