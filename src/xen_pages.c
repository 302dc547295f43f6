/* xen_pages.c - where each domain's pages are, node by node. One entry
 * point, xen_pages_query(): the hypervisor's per-node page op when it has
 * one (exact, cheap), else debug key 'u' (O(pages) in Xen, so rate-limited
 * and labelled with its age), else unknown. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "xen_priv.h"

#include "xen_pageop.h"

void xen_pages_init(struct xen_priv *p)
{
	if (!p->cfg.no_pageop)
		p->have_pageop = xn_xen_pageop_probe(p->xch) == 0;
}

/* 0 when every domain answered; a domain gone meanwhile keeps unknown pages. */
static int query_pageop(struct xen_priv *p, struct xn_snapshot *s)
{
	int top = 0;
	for (int i = 0; i < s->host.nr_nodes; i++)
		if (s->host.nodes[i].id + 1 > top)
			top = s->host.nodes[i].id + 1;
	uint64_t pages[XEN_MAX_NODE_IDS];
	for (size_t k = 0; k < s->nr_domains; k++) {
		struct xn_domain *d = &s->domains[k];
		memset(pages, 0, sizeof(pages));
		int r = xn_xen_pageop_query(p->xch, (uint32_t)d->id, (unsigned)top, pages);
		if (r == -ESRCH)
			continue;
		if (r)
			return r;
		for (int i = 0; i < s->host.nr_nodes; i++)
			d->node_pages[i] = pages[s->host.nodes[i].id];
		d->pages_method = XN_PAGES_XEN_OP;
		d->pages_age_ms = 0;
		d->valid |= XN_DOM_PAGES;
	}
	return 0;
}

/* Take a new 'u' dump unless the last attempt is younger than the interval. */
static void refresh_udump(struct xen_priv *p, uint64_t now)
{
	double iv = p->cfg.debugkey_interval;
	if (p->try_mono_ns && (double)(now - p->try_mono_ns) < iv * 1e9)
		return;
	p->try_mono_ns = now;
	struct xn_udump u;
	char why[256] = "";
	int r = xen_debugkey_dump(p, &u, why, sizeof(why));
	if (r) {
		snprintf(p->base.note, sizeof(p->base.note), "debug key 'u': %.200s", why);
		return;
	}
	if (!u.complete) {
		/* Keep the old figures: a partial dump would show made-up zeros. */
		snprintf(p->base.note, sizeof(p->base.note), "%.200s; kept the previous figures",
		         why);
		xn_udump_free(&u);
		return;
	}
	xn_udump_free(&p->udump);
	p->udump = u;
	p->have_udump = true;
	p->udump_mono_ns = now;
	p->base.note[0] = '\0';
}

static void fill_from_udump(struct xen_priv *p, struct xn_snapshot *s, uint64_t now)
{
	int64_t age_ms = (int64_t)((now - p->udump_mono_ns) / 1000000u);
	for (size_t k = 0; k < s->nr_domains; k++) {
		struct xn_domain *d = &s->domains[k];
		const struct xn_udump_dom *ud = xn_udump_find(&p->udump, (uint32_t)d->id);
		if (!ud)
			continue; /* created after the dump: unknown until the next one */
		bool ok = true;
		for (int i = 0; i < s->host.nr_nodes && ok; i++) {
			int ui = xn_udump_node_index(&p->udump, s->host.nodes[i].id);
			if (ui < 0)
				ok = false; /* a node came online since: figures don't fit */
			else
				d->node_pages[i] = ud->pages[ui];
		}
		if (!ok) {
			memset(d->node_pages, 0, (size_t)s->host.nr_nodes * sizeof(*d->node_pages));
			continue;
		}
		d->pages_method = XN_PAGES_XEN_DEBUGKEY;
		d->pages_age_ms = age_ms;
		d->valid |= XN_DOM_PAGES;
	}
}

void xen_pages_close(struct xen_priv *p)
{
	xn_xen_pageop_release();
	xn_udump_free(&p->udump);
}

void xen_pages_query(struct xen_priv *p, struct xn_snapshot *s)
{
	if (p->have_pageop) {
		if (query_pageop(p, s) == 0)
			return;
		p->have_pageop = false; /* stop asking; fall back to the debug key */
	}
	uint64_t now = xn_now_mono_ns();
	refresh_udump(p, now);
	if (p->have_udump)
		fill_from_udump(p, s, now);
}
