/* xen_udump.c - see xen_udump.h. Xen's dump_numa() (4.17:
 * xen/arch/x86/numa.c; 4.18+: xen/common/numa.c) is the format's reference. */
#include "xen_udump.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char marker[] = "'u' pressed -> dumping numa info (now = ";

/* Skip the console's "(XEN) " and an optional "[timestamp] " (console_timestamps=). */
static const char *strip_prefix(const char *p, const char *end)
{
	if (end - p >= 6 && !memcmp(p, "(XEN) ", 6))
		p += 6;
	if (p < end && *p == '[') {
		const char *q = memchr(p, ']', (size_t)(end - p));
		if (q && q + 1 < end && q[1] == ' ')
			p = q + 2;
	}
	return p;
}

/* Parse an unsigned decimal at *pp (no sign), advancing it. */
static bool take_u64(const char **pp, const char *end, uint64_t *v)
{
	const char *p = *pp;
	uint64_t x = 0;
	if (p >= end || *p < '0' || *p > '9')
		return false;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (x > (UINT64_MAX - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*v = x;
	*pp = p;
	return true;
}

static bool take_str(const char **pp, const char *end, const char *s)
{
	size_t n = strlen(s);
	if ((size_t)(end - *pp) < n || memcmp(*pp, s, n))
		return false;
	*pp += n;
	return true;
}

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

/* "Domain N (total: T):" or "dN (total: T):" */
static bool parse_dom_line(const char *p, const char *end, uint64_t *id, uint64_t *total)
{
	if (!take_str(&p, end, "Domain ") && !take_str(&p, end, "d"))
		return false;
	return take_u64(&p, end, id) && take_str(&p, end, " (total: ") &&
	       take_u64(&p, end, total) && take_str(&p, end, "):");
}

/* "    Node N: P" */
static bool parse_node_line(const char *p, const char *end, uint64_t *node, uint64_t *pages)
{
	p = skip_spaces(p, end);
	return take_str(&p, end, "Node ") && take_u64(&p, end, node) && take_str(&p, end, ": ") &&
	       take_u64(&p, end, pages);
}

/* "NODEn start->S size->Z free->F" */
static bool parse_host_node(const char *p, const char *end, uint64_t *node, uint64_t *free_pages)
{
	uint64_t start = 0, size = 0;
	return take_str(&p, end, "NODE") && take_u64(&p, end, node) &&
	       take_str(&p, end, " start->") && take_u64(&p, end, &start) &&
	       take_str(&p, end, " size->") && take_u64(&p, end, &size) &&
	       take_str(&p, end, " free->") && take_u64(&p, end, free_pages);
}

/* Start of the newest dump newer than after_ns, or NULL. */
static const char *find_dump(const char *text, const char *end, uint64_t after_ns, uint64_t *now)
{
	const char *best = NULL;
	for (const char *l = text; l < end;) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		const char *le = nl ? nl : end;
		const char *p = strip_prefix(l, le);
		uint64_t t = 0;
		if (take_str(&p, le, marker) && take_u64(&p, le, &t) && t > after_ns) {
			best = nl ? nl + 1 : end;
			*now = t;
		}
		l = nl ? nl + 1 : end;
	}
	return best;
}

static struct xn_udump_dom *add_dom(struct xn_udump *u, size_t *cap)
{
	if (u->nr_doms == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct xn_udump_dom *nd = realloc(u->doms, nc * sizeof(*nd));
		if (!nd)
			return NULL;
		u->doms = nd;
		*cap = nc;
	}
	struct xn_udump_dom *d = &u->doms[u->nr_doms++];
	memset(d, 0, sizeof(*d));
	return d;
}

int xn_udump_parse(const char *text, size_t len, uint64_t after_ns, struct xn_udump *out, char *err,
                   size_t errlen)
{
	memset(out, 0, sizeof(*out));
	const char *end = text + len;
	const char *l = find_dump(text, end, after_ns, &out->now_ns);
	if (!l)
		return xn_errf(err, errlen, -ENOENT, "no 'u' dump newer than %" PRIu64 " ns",
		               after_ns);

	bool in_doms = false, ended = false;
	size_t cap = 0;
	struct xn_udump_dom *cur = NULL;
	while (l < end && !ended) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		const char *le = nl ? nl : end;
		const char *p = strip_prefix(l, le);
		uint64_t a = 0, b = 0;
		if (memmem(p, (size_t)(le - p), "' pressed -> ", 13)) {
			ended = true; /* the next dump of any key: ours is over */
		} else if (!in_doms && parse_host_node(p, le, &a, &b)) {
			if (out->nr_nodes < XN_UDUMP_MAX_NODES && a < XN_UDUMP_MAX_NODES) {
				out->node_id[out->nr_nodes] = (int)a;
				out->node_free[out->nr_nodes++] = b;
			}
		} else if (take_str(&p, le, "Memory location of each domain:")) {
			in_doms = true;
		} else if (in_doms && parse_dom_line(p, le, &a, &b) && a <= UINT32_MAX) {
			cur = add_dom(out, &cap);
			if (!cur) {
				xn_udump_free(out);
				return -ENOMEM;
			}
			cur->domid = (uint32_t)a;
			cur->total = b;
		} else if (cur && parse_node_line(p, le, &a, &b)) {
			int i = xn_udump_node_index(out, (int)a);
			if (i >= 0) {
				cur->pages[i] = b;
				cur->nodes_seen++;
			}
		}
		/* anything else: vNUMA layout lines, other console messages */
		l = nl ? nl + 1 : end;
	}

	out->complete = false;
	if (!out->nr_nodes)
		xn_errf(err, errlen, 0, "'u' dump without NODE lines (cut short?)");
	else if (!in_doms)
		xn_errf(err, errlen, 0, "'u' dump cut short before the domain list");
	else {
		for (size_t i = 0; i < out->nr_doms; i++)
			if (out->doms[i].nodes_seen != out->nr_nodes) {
				xn_errf(err, errlen, 0,
				        "'u' dump incomplete: domain %u has %d of %d node lines",
				        out->doms[i].domid, out->doms[i].nodes_seen, out->nr_nodes);
				return 0;
			}
		if (out->nr_doms == 0)
			xn_errf(err, errlen, 0, "'u' dump lists no domain (cut short?)");
		else
			out->complete = true;
	}
	return 0;
}

int xn_udump_node_index(const struct xn_udump *u, int node_id)
{
	for (int i = 0; i < u->nr_nodes; i++)
		if (u->node_id[i] == node_id)
			return i;
	return -1;
}

const struct xn_udump_dom *xn_udump_find(const struct xn_udump *u, uint32_t domid)
{
	/* Xen dumps domains in id order: halve first (a refresh looks up every
	 * domain, 1000 of them on a big host), walk only if that misses. */
	size_t lo = 0, hi = u->nr_doms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (u->doms[mid].domid < domid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < u->nr_doms && u->doms[lo].domid == domid)
		return &u->doms[lo];
	for (size_t i = 0; i < u->nr_doms; i++)
		if (u->doms[i].domid == domid)
			return &u->doms[i];
	return NULL;
}

void xn_udump_free(struct xn_udump *u)
{
	free(u->doms);
	memset(u, 0, sizeof(*u));
}
