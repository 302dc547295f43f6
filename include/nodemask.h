/* nodemask.h - fixed-size bitmaps of node ids and CPU ids, and node lists
 * as operators write them ("0", "0-1", "0,2", "all"). */
#ifndef XN_NODEMASK_H
#define XN_NODEMASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { XN_MAX_NODES = 1024, XN_MAX_CPUS = 8192 };

typedef struct {
	uint64_t w[XN_MAX_NODES / 64];
} xn_nodemask;

typedef struct {
	uint64_t w[XN_MAX_CPUS / 64];
} xn_cpumask;

/* Generic bitmap helpers on the word arrays above (nbits = capacity). */
void xn_bits_clear(uint64_t *w, int bit);
/* inline: the advisor sets and tests node bits for every candidate of
 * every domain */
static inline void xn_bits_set(uint64_t *w, int bit)
{
	w[bit / 64] |= UINT64_C(1) << (bit % 64);
}
static inline bool xn_bits_test(const uint64_t *w, int bit)
{
	return (w[bit / 64] >> (bit % 64)) & 1;
}
int xn_bits_count(const uint64_t *w, int nbits);
bool xn_bits_empty(const uint64_t *w, int nbits);
/* Next set bit >= from, or -1. */
int xn_bits_next(const uint64_t *w, int nbits, int from);

#define XN_NM_SET(m, b) xn_bits_set((m)->w, (b))
#define XN_NM_TEST(m, b) xn_bits_test((m)->w, (b))

/* Parse a Linux-style list ("0-3,8,10-11") into w (capacity nbits). Spaces and
 * a trailing newline are accepted; an empty string is an empty set.
 * Returns 0, -EINVAL (syntax, message in err) or -ERANGE (id >= nbits). */
int xn_bits_parse_list(const char *s, uint64_t *w, int nbits, char *err, size_t errlen);

/* Format w as a compact list "0-3,8" into buf; "" when empty. Returns the
 * length it needed (like snprintf). */
int xn_bits_format_list(const uint64_t *w, int nbits, char *buf, size_t len);

#endif
