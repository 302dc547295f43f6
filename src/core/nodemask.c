/* nodemask.c - bitmaps and node lists (see nodemask.h). */
#include "nodemask.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

void xn_bits_clear(uint64_t *w, int bit)
{
	w[bit / 64] &= ~(UINT64_C(1) << (bit % 64));
}

int xn_bits_count(const uint64_t *w, int nbits)
{
	int n = 0;
	/* most words of a mask are empty (8192 CPU bits, 1024 node bits), and
	 * a build without -mpopcnt counts a word in a library call */
	for (int i = 0; i < nbits / 64; i++)
		if (w[i])
			n += __builtin_popcountll(w[i]);
	return n;
}

bool xn_bits_empty(const uint64_t *w, int nbits)
{
	for (int i = 0; i < nbits / 64; i++)
		if (w[i])
			return false;
	return true;
}

int xn_bits_next(const uint64_t *w, int nbits, int from)
{
	if (from < 0)
		from = 0;
	if (from >= nbits)
		return -1;
	/* a word at a time: the advisor walks node masks of 16 words for
	 * every candidate it checks */
	uint64_t word = w[from / 64] >> (from % 64);
	if (word)
		return from + __builtin_ctzll(word);
	for (int i = from / 64 + 1; i < (nbits + 63) / 64; i++)
		if (w[i])
			return i * 64 + __builtin_ctzll(w[i]);
	return -1;
}

static int parse_num(const char **p, long *out)
{
	const char *s = *p;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	long v = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v > 1000000)
			return -ERANGE;
	}
	*p = s;
	*out = v;
	return 0;
}

int xn_bits_parse_list(const char *s, uint64_t *w, int nbits, char *err, size_t errlen)
{
	memset(w, 0, (size_t)nbits / 8);
	const char *p = s;
	while (*p == ' ')
		p++;
	if (!*p || *p == '\n')
		return 0;
	for (;;) {
		long a, b;
		const char *start = p;
		int r = parse_num(&p, &a);
		if (r)
			return xn_errf(err, errlen, r == -ERANGE ? -ERANGE : -EINVAL,
			               "expected a number at \"%.20s\"", start);
		b = a;
		if (*p == '-') {
			p++;
			r = parse_num(&p, &b);
			if (r)
				return xn_errf(err, errlen, r == -ERANGE ? -ERANGE : -EINVAL,
				               "expected a number after '-' in \"%.20s\"", start);
			if (b < a)
				return xn_errf(err, errlen, -EINVAL, "range %ld-%ld goes backwards",
				               a, b);
		}
		if (b >= nbits)
			return xn_errf(err, errlen, -ERANGE, "%ld is too large (limit %d)", b,
			               nbits - 1);
		for (long i = a; i <= b; i++)
			xn_bits_set(w, (int)i);
		while (*p == ' ')
			p++;
		if (*p == ',') {
			p++;
			while (*p == ' ')
				p++;
			continue;
		}
		if (*p == '\n')
			p++;
		if (*p)
			return xn_errf(err, errlen, -EINVAL, "unexpected '%c' in \"%.20s\"", *p, s);
		return 0;
	}
}

int xn_bits_format_list(const uint64_t *w, int nbits, char *buf, size_t len)
{
	int total = 0;
	if (len)
		buf[0] = '\0';
	int b = xn_bits_next(w, nbits, 0);
	while (b >= 0) {
		int e = b;
		while (e + 1 < nbits && xn_bits_test(w, e + 1))
			e++;
		char part[32];
		int n = e > b ? snprintf(part, sizeof(part), "%s%d-%d", total ? "," : "", b, e)
		              : snprintf(part, sizeof(part), "%s%d", total ? "," : "", b);
		if ((size_t)total + (size_t)n < len)
			memcpy(buf + total, part, (size_t)n + 1);
		else if (len)
			buf[len - 1] = '\0';
		total += n;
		b = e + 1 < nbits ? xn_bits_next(w, nbits, e + 1) : -1;
	}
	return total;
}
