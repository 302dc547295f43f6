/* fuzz.h - what the libFuzzer harnesses share: a NUL-terminated copy of the
 * input and the property checks. Every harness defines
 * LLVMFuzzerTestOneInput; `make fuzz` links it with libFuzzer (clang), and
 * `make check` links it with driver.c to replay the corpora and the saved
 * crash inputs (gcc or clang, with and without ASan+UBSan). */
#ifndef XN_FUZZ_H
#define XN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a malloc'd string (NUL bytes inside are kept: parsers of
 * text stop at the first, as they would on a file read by xn_read_file). */
static inline char *xn_fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A property failed: say which and abort (libFuzzer saves the input). */
#define XN_FUZZ_ASSERT(cond, what)                                                                 \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, what); \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Output bound for a terminal: no C0 control but newline, no DEL, no C1
 * control (U+0080..U+009F as UTF-8), no bidi override/isolate (U+202A..E,
 * U+2066..9), no byte that is not UTF-8 lead/continuation of the above. */
static inline void xn_fuzz_check_terminal_safe(const char *buf, size_t n, const char *what)
{
	const unsigned char *p = (const unsigned char *)buf;
	for (size_t i = 0; i < n; i++) {
		if ((p[i] < 0x20 && p[i] != '\n') || p[i] == 0x7f) {
			fprintf(stderr, "%s: raw control byte 0x%02x at %zu\n", what, p[i], i);
			abort();
		}
		if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f) {
			fprintf(stderr, "%s: raw C1 control at %zu\n", what, i);
			abort();
		}
		if (p[i] == 0xe2 && i + 2 < n && p[i + 1] == 0x80 && p[i + 2] >= 0xaa &&
		    p[i + 2] <= 0xae) {
			fprintf(stderr, "%s: raw bidi override at %zu\n", what, i);
			abort();
		}
		if (p[i] == 0xe2 && i + 2 < n && p[i + 1] == 0x81 && p[i + 2] >= 0xa6 &&
		    p[i + 2] <= 0xa9) {
			fprintf(stderr, "%s: raw bidi isolate at %zu\n", what, i);
			abort();
		}
	}
}

#endif
