/* trend.c - the screen's sparklines (trend.h): the series kept per domain and
 * per node, and their glyphs. */
#include "trend.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void push(struct xn_trend *t, double v)
{
	if (t->n == XN_TREND_LEN) {
		memmove(t->v, t->v + 1, (XN_TREND_LEN - 1) * sizeof(t->v[0]));
		t->n--;
	}
	t->v[t->n++] = (float)v;
}

static size_t dom_find(const struct xn_trends *tr, int64_t id)
{
	size_t lo = 0, hi = tr->nr_dom;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tr->dom[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct xn_trend *xn_trend_domain(const struct xn_trends *tr, int64_t id)
{
	size_t i = dom_find(tr, id);
	return i < tr->nr_dom && tr->dom[i].id == id ? &tr->dom[i].t : NULL;
}

const struct xn_trend *xn_trend_node(const struct xn_trends *tr, int node_id)
{
	for (int i = 0; i < tr->nr_node; i++)
		if (tr->node[i].id == node_id)
			return &tr->node[i].t;
	return NULL;
}

void xn_trends_free(struct xn_trends *tr)
{
	free(tr->dom);
	memset(tr, 0, sizeof(*tr));
}

/* The domain's series, a new empty one when it is new (NULL on ENOMEM). */
static struct xn_trend_dom *dom_get(struct xn_trends *tr, int64_t id)
{
	size_t i = dom_find(tr, id);
	if (i < tr->nr_dom && tr->dom[i].id == id)
		return &tr->dom[i];
	if (tr->nr_dom == tr->cap_dom) {
		size_t cap = tr->cap_dom ? 2 * tr->cap_dom : 16;
		struct xn_trend_dom *nd = realloc(tr->dom, cap * sizeof(*nd));
		if (!nd)
			return NULL;
		tr->dom = nd;
		tr->cap_dom = cap;
	}
	memmove(tr->dom + i + 1, tr->dom + i, (tr->nr_dom - i) * sizeof(*tr->dom));
	tr->nr_dom++;
	memset(&tr->dom[i], 0, sizeof(tr->dom[i]));
	tr->dom[i].id = id;
	return &tr->dom[i];
}

static void add_nodes(struct xn_trends *tr, const struct xn_snapshot *s)
{
	struct xn_trend_node keep[XN_TREND_NODES] = {{0}};
	int nk = 0;
	for (int i = 0; i < s->host.nr_nodes && nk < XN_TREND_NODES; i++) {
		const struct xn_node *nd = &s->host.nodes[i];
		const struct xn_trend *old = xn_trend_node(tr, nd->id);
		keep[nk] = (struct xn_trend_node){.id = nd->id};
		if (old)
			keep[nk].t = *old;
		bool known =
		        (nd->valid & XN_NODE_TOTAL) && (nd->valid & XN_NODE_FREE) && nd->mem_total;
		push(&keep[nk].t, known ? (double)nd->mem_free / (double)nd->mem_total : -1.0);
		nk++;
	}
	memcpy(tr->node, keep, (size_t)nk * sizeof(keep[0]));
	tr->nr_node = nk;
}

int xn_trends_add(struct xn_trends *tr, const struct xn_snapshot *s)
{
	bool later = s->time.tv_sec > tr->last.tv_sec ||
	             (s->time.tv_sec == tr->last.tv_sec && s->time.tv_nsec > tr->last.tv_nsec);
	if (!later) { /* stepped back in a recording: the series would lie */
		tr->nr_dom = 0;
		tr->nr_node = 0;
	}
	tr->last = s->time;
	add_nodes(tr, s);
	for (size_t i = 0; i < tr->nr_dom; i++)
		tr->dom[i].seen = false;
	for (size_t i = 0; i < s->nr_domains; i++) {
		const struct xn_domain *d = &s->domains[i];
		struct xn_trend_dom *td = dom_get(tr, d->id);
		if (!td) {
			tr->nr_dom = 0;
			return -ENOMEM;
		}
		td->seen = true;
		push(&td->t, d->valid & XN_DOM_LOCALITY ? d->locality / 100.0 : -1.0);
	}
	size_t k = 0; /* the domains gone */
	for (size_t i = 0; i < tr->nr_dom; i++)
		if (tr->dom[i].seen)
			tr->dom[k++] = tr->dom[i];
	tr->nr_dom = k;
	return 0;
}

uint32_t xn_trend_glyph(double share, bool utf8)
{
	static const char ascii[] = "_.-=+*#@";
	if (!(share >= 0)) /* unknown, NaN included */
		return ' ';
	int level = (int)(share * 8.0);
	if (level > 7)
		level = 7;
	return utf8 ? 0x2581u + (uint32_t)level : (uint32_t)ascii[level];
}

int xn_trend_draw(struct xn_canvas *c, int x, int y, int w, const struct xn_trend *t, bool utf8,
                  xn_trend_role_fn role)
{
	if (!t) {
		xn_canvas_fill(c, x, y, w, ' ', XN_ROLE_NORMAL);
		return w;
	}
	int n = t->n;
	int first = n > w ? n - w : 0; /* the newest w */
	int pad = w - (n - first);
	xn_canvas_fill(c, x, y, pad, ' ', XN_ROLE_NORMAL);
	for (int i = first; i < n; i++) {
		double v = t->v[i];
		xn_canvas_fill(c, x + pad + (i - first), y, 1, xn_trend_glyph(v, utf8),
		               v >= 0 ? role(v) : XN_ROLE_DIM);
	}
	return w;
}
