/* util.h - small helpers shared by every module: error text, file reading,
 * number parsing, time. */
#ifndef XN_UTIL_H
#define XN_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

#endif
