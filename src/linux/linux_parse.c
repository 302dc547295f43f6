/* linux_parse.c - pure parsers of /proc and /sys text (see linux_parse.h):
 * numa_maps, zoneinfo, numa_stat, node meminfo and distance, vmstat, maps.
 * A process's own files (status, stat, cgroup, cmdline) are in
 * linux_parse_proc.c. */
#include "linux_parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"
#include "util.h"

/* Digits at *p as uint64; advances *p. -EINVAL no digit, -ERANGE overflow. */
int xn_lx_take_u64(const char **p, uint64_t *out)
{
	const char *s = *p;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	uint64_t v = 0;
	int r = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			r = -ERANGE; /* keep scanning so the caller skips the token */
		else
			v = v * 10 + d;
	}
	*p = s;
	*out = v;
	return r;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

bool xn_lx_is_end(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\0';
}

/* A "N<node>=<count>" token at p (ending at a blank). 1 when it is one, 0
 * when it is another token, -1 when it is one but malformed or too big. */
static int node_token(const char *p, int *node, uint64_t *count)
{
	if (p[0] != 'N' || p[1] < '0' || p[1] > '9')
		return 0;
	const char *s = p + 1;
	uint64_t n;
	if (xn_lx_take_u64(&s, &n) || *s != '=')
		return -1;
	s++;
	if (n >= XN_MAX_NODES || xn_lx_take_u64(&s, count) || !xn_lx_is_end(*s))
		return -1;
	*node = (int)n;
	return 1;
}

/* Count a good VMA line's pages to its policy text [s, s + len). */
static void policy_add(struct xn_lx_nm_stats *st, const char *s, size_t len, uint64_t pages)
{
	if (len >= XN_MEM_POLICY_LEN)
		len = XN_MEM_POLICY_LEN - 1; /* the kernel prints at most 63 */
	int i = 0;
	while (i < st->npol && (strncmp(st->pol[i].text, s, len) || st->pol[i].text[len]))
		i++;
	if (i == st->npol) {
		if (i == XN_LX_NM_POLICIES)
			return;
		memcpy(st->pol[i].text, s, len);
		st->pol[i].text[len] = '\0';
		st->npol++;
	}
	st->pol[i].pages = sat_add(st->pol[i].pages, pages);
}

/* One numa_maps line [p, e) (e at its '\n' or the final NUL), read in place:
 * validate, find the page multiplier, then add. */
static void nm_line(const char *p, const char *e, uint64_t page_size, uint64_t *node_pages,
                    xn_lx_vma_fn fn, void *arg, struct xn_lx_nm_stats *st)
{
	st->lines++;
	const char *s = p;
	uint64_t start = 0;
	int digits = 0;
	for (; (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'); s++, digits++)
		start = (start << 4) | (uint64_t)(*s <= '9' ? *s - '0' : *s - 'a' + 10);
	if (digits == 0 || digits > 16 || *s != ' ') {
		st->bad_lines++;
		return;
	}
	s++;
	if (strncmp(s, "default", 7) != 0 || !xn_lx_is_end(s[7]))
		st->explicit_policy = true;
	/* the policy runs to the first blank, but two modes hold blanks */
	size_t plen = !strncmp(s, "weighted interleave", 19) ? 19
	              : !strncmp(s, "prefer (many)", 13)     ? 13
	                                                     : 0;
	while (s + plen < e && !xn_lx_is_end(s[plen]))
		plen++;
	/* pass 1: validate and find kernelpagesize_kB (it comes after the N tokens) */
	uint64_t mult = 1;
	for (const char *t = s; t < e;) {
		while (t < e && *t == ' ')
			t++;
		if (t >= e)
			break;
		int node;
		uint64_t cnt;
		if (node_token(t, &node, &cnt) < 0) {
			st->bad_lines++;
			return;
		}
		if (!strncmp(t, "kernelpagesize_kB=", 18)) {
			const char *k = t + 18;
			uint64_t kb;
			if (xn_lx_take_u64(&k, &kb) || !xn_lx_is_end(*k) || kb == 0 ||
			    kb > UINT64_MAX / 1024 || kb * 1024 < page_size ||
			    (kb * 1024) % page_size) {
				st->bad_lines++;
				return;
			}
			mult = kb * 1024 / page_size;
		}
		while (t < e && *t != ' ')
			t++;
	}
	/* pass 2: add */
	uint64_t vma = 0;
	for (const char *t = s; t < e;) {
		while (t < e && *t == ' ')
			t++;
		int node;
		uint64_t cnt;
		if (t < e && node_token(t, &node, &cnt) == 1) {
			uint64_t pages = sat_mul(cnt, mult);
			node_pages[node] = sat_add(node_pages[node], pages);
			vma = sat_add(vma, pages);
			if (pages && node > st->max_node)
				st->max_node = node;
		}
		while (t < e && *t != ' ')
			t++;
	}
	st->total = sat_add(st->total, vma);
	policy_add(st, s, plen, vma);
	if (fn)
		fn(arg, start, vma);
}

int xn_lx_parse_numa_maps(const char *text, uint64_t page_size, uint64_t *node_pages,
                          xn_lx_vma_fn fn, void *arg, struct xn_lx_nm_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->max_node = -1;
	st->policy = -1;
	memset(node_pages, 0, XN_MAX_NODES * sizeof(*node_pages));
	if (page_size == 0)
		return -EINVAL;
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		if (e > p)
			nm_line(p, e, page_size, node_pages, fn, arg, st);
		p = *e ? e + 1 : e;
	}
	for (int i = 0; i < st->npol; i++)
		if (st->policy < 0 || st->pol[i].pages > st->pol[st->policy].pages)
			st->policy = i;
	return 0;
}

/* Skip blanks; true when the rest of the line starts with word + blank. */
static bool word_at(const char **p, const char *word)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(word);
	if (strncmp(s, word, n) != 0 || (s[n] != ' ' && s[n] != '\t'))
		return false;
	*p = s + n;
	return true;
}

/* The number after blanks at p, which must end the line. */
static int line_u64(const char *p, uint64_t *out)
{
	while (*p == ' ' || *p == '\t')
		p++;
	if (xn_lx_take_u64(&p, out))
		return -EINVAL;
	while (*p == ' ' || *p == '\t')
		p++;
	return (*p == '\n' || !*p) ? 0 : -EINVAL;
}

int xn_lx_parse_zoneinfo(const char *text, struct xn_lx_zone **out, size_t *n)
{
	struct xn_lx_zone *z = NULL, *cur = NULL;
	size_t nz = 0;
	*out = NULL;
	*n = 0;
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		int node;
		char name[24];
		int used = 0;
		/* sscanf measures its whole input: only call it on the rare header lines */
		if (!strncmp(p, "Node ", 5) &&
		    sscanf(p, "Node %d, zone %23s%n", &node, name, &used) == 2 && used > 0 &&
		    p + used <= e && node >= 0) {
			struct xn_lx_zone *nzp = realloc(z, (nz + 1) * sizeof(*z));
			if (!nzp) {
				free(z);
				return -ENOMEM;
			}
			z = nzp;
			cur = &z[nz++];
			memset(cur, 0, sizeof(*cur));
			cur->node = node;
			xn_strlcpy(cur->name, name, sizeof(cur->name));
		} else if (cur) {
			const char *q = p;
			uint64_t v;
			/* "pages free N" opens the zone's own figures; "managed N" follows. */
			if (word_at(&q, "pages") && word_at(&q, "free")) {
				if (!line_u64(q, &v)) {
					cur->free_pages = v;
					cur->valid |= XN_ZONE_FREE;
				}
			} else if (q = p, word_at(&q, "managed")) {
				if (!line_u64(q, &v)) {
					cur->managed_pages = v;
					cur->valid |= XN_ZONE_MANAGED;
				}
			}
		}
		p = *e ? e + 1 : e;
	}
	if (!nz)
		return -ENODATA;
	*out = z;
	*n = nz;
	return 0;
}

/* Add the "N<i>=<v>" tokens of one numa_stat line [p, e), read in place,
 * each times mult / div; a bad token makes the whole line add nothing. */
static int stat_nodes(const char *p, const char *e, uint64_t mult, uint64_t div,
                      uint64_t *node_pages, int *max_node)
{
	for (int pass = 0; pass < 2; pass++) {
		for (const char *t = p; t < e;) {
			while (t < e && *t == ' ')
				t++;
			if (t >= e)
				break;
			int node;
			uint64_t cnt;
			int r = node_token(t, &node, &cnt);
			if (r < 0)
				return -EINVAL;
			if (r == 1 && pass == 1) {
				uint64_t v = sat_mul(cnt, mult) / div;
				node_pages[node] = sat_add(node_pages[node], v);
				if (v && node > *max_node)
					*max_node = node;
			}
			while (t < e && *t != ' ')
				t++;
		}
	}
	return 0;
}

/* Whether line [p, e) starts with one of keys followed by sep ('=' v1, ' ' v2). */
static bool stat_key_is(const char *p, const char *e, const char *const *keys, char sep)
{
	for (; *keys; keys++) {
		size_t kl = strlen(*keys);
		if ((size_t)(e - p) > kl && !strncmp(p, *keys, kl) && p[kl] == sep)
			return true;
	}
	return false;
}

/* Sum the per-node figures of the lines named in keys1 (v1, in pages) or
 * keys2 (v2, in bytes); the version is told by the text itself. */
static int numa_stat_sum(const char *text, uint64_t page_size, const char *const *keys1,
                         const char *const *keys2, uint64_t *node_pages, int *max_node,
                         int *version)
{
	memset(node_pages, 0, XN_MAX_NODES * sizeof(*node_pages));
	*max_node = -1;
	*version = 0;
	if (!page_size)
		return -EINVAL;
	/* v1 if any line looks like "word=..." at its start. */
	bool v1 = false;
	for (const char *p = text; *p && !v1;) {
		const char *e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		const char *w = p;
		while (w < e && *w != ' ' && *w != '=')
			w++;
		v1 = w < e && *w == '=';
		p = *e ? e + 1 : e;
	}
	int used = 0;
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		if (stat_key_is(p, e, v1 ? keys1 : keys2, v1 ? '=' : ' ')) {
			const char *rest = p;
			if (v1) /* skip "key=total" */
				while (rest < e && *rest != ' ')
					rest++;
			else
				rest = strchr(p, ' ');
			if (!stat_nodes(rest, e, 1, v1 ? 1 : page_size, node_pages, max_node))
				used++;
		}
		p = *e ? e + 1 : e;
	}
	if (!used)
		return -ENODATA;
	*version = v1 ? 1 : 2;
	return 0;
}

int xn_lx_parse_numa_stat(const char *text, uint64_t page_size, uint64_t *node_pages, int *max_node,
                          int *version)
{
	static const char *const hier[] = {"hierarchical_total", NULL};
	static const char *const total[] = {"total", NULL};
	static const char *const v2[] = {"anon", "file", NULL};
	int r = numa_stat_sum(text, page_size, hier, v2, node_pages, max_node, version);
	if (r == -ENODATA)
		r = numa_stat_sum(text, page_size, total, v2, node_pages, max_node, version);
	return r;
}

int xn_lx_parse_numa_stat_proc(const char *text, uint64_t page_size, uint64_t *node_pages,
                               int *max_node, int *version)
{
	static const char *const v1[] = {"anon", "unevictable", NULL};
	static const char *const v2[] = {"anon", "file_mapped", NULL};
	return numa_stat_sum(text, page_size, v1, v2, node_pages, max_node, version);
}

int xn_lx_parse_node_meminfo(const char *text, uint64_t *total, uint64_t *free_bytes,
                             unsigned *valid)
{
	*valid = 0;
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		int node, used = 0;
		char key[32];
		if (sscanf(p, "Node %d %31[^:]:%n", &node, key, &used) == 2 && used > 0 &&
		    p + used <= e) {
			const char *v = p + used;
			while (*v == ' ')
				v++;
			uint64_t kb;
			if (!xn_lx_take_u64(&v, &kb) && !strncmp(v, " kB", 3) &&
			    kb <= UINT64_MAX / 1024) {
				if (!strcmp(key, "MemTotal")) {
					*total = kb * 1024;
					*valid |= XN_NODE_TOTAL;
				} else if (!strcmp(key, "MemFree")) {
					*free_bytes = kb * 1024;
					*valid |= XN_NODE_FREE;
				}
			}
		}
		p = *e ? e + 1 : e;
	}
	return 0;
}

int xn_lx_parse_u32_list(const char *text, uint32_t *out, int max)
{
	int n = 0;
	const char *p = text;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			return n;
		uint64_t v;
		if (xn_lx_take_u64(&p, &v) || v > UINT32_MAX || !xn_lx_is_end(*p))
			return -EINVAL;
		if (n < max)
			out[n] = (uint32_t)v;
		n++;
	}
}

int xn_lx_parse_maps_line(const char *line, uint64_t *start, uint64_t *end)
{
	char *e;
	errno = 0;
	unsigned long long a = strtoull(line, &e, 16);
	if (errno || e == line || *e != '-')
		return -EINVAL;
	const char *b = e + 1;
	unsigned long long z = strtoull(b, &e, 16);
	if (errno || e == b || *e != ' ' || z < a)
		return -EINVAL;
	*start = a;
	*end = z;
	return 0;
}

int xn_lx_parse_vmstat_moves(const char *text, uint64_t *moves)
{
	static const char *const keys[] = {"pgmigrate_success", "thp_collapse_alloc", NULL};
	bool migrate = false;
	*moves = 0;
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		for (int k = 0; keys[k]; k++) {
			size_t kl = strlen(keys[k]);
			uint64_t v;
			const char *q = p + kl + 1;
			if ((size_t)(e - p) > kl + 1 && !strncmp(p, keys[k], kl) && p[kl] == ' ' &&
			    !xn_lx_take_u64(&q, &v) && q == e) {
				*moves = sat_add(*moves, v);
				migrate |= k == 0;
			}
		}
		p = *e ? e + 1 : e;
	}
	return migrate ? 0 : -ENODATA;
}
