/* xen_pages.c - where each domain's pages are, node by node. One entry
 * point, xen_pages_query(): the hypervisor's per-node page op when it has
 * one (exact, cheap), else debug key 'u' (O(pages) in Xen, so rate-limited
 * and labelled with its age), else unknown. A domain the op could not answer
 * this refresh (memory changing under the two reads, an error) takes its
 * figures from 'u' for this refresh only: the op is asked again on the next
 * one. Each domain's pages_method says which gave its figures: "xen_op"
 * when the op's counts sum to the domain's tot_pages (exact: the series in
 * hypervisor/, and XenServer for a domain that never gave memory back nor
 * has extra pages), "xen_op_upper" when they sum above it (XenServer's
 * counts include extra pages and, on its 4.20 branch, never go down: each
 * count is then an upper bound, and the note says so). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "xen_priv.h"

#include "xen_pageop.h"

void xen_pages_init(struct xen_priv *p)
{
	/* have_pageop: the op is not known to be absent. Only a hypervisor
	 * without it (or one refusing us for good) turns it off; a transient
	 * probe failure leaves it on, to be asked again on every refresh. */
	p->have_pageop = !p->cfg.no_pageop && !xn_pageop_absent(xn_xen_pageop_probe(p->xch));
}

/* Fill what the op answers; returns how many domains it could not answer
 * (their figures stay unknown), with the first reason in note. */
static size_t query_pageop(struct xen_priv *p, struct xn_snapshot *s, char *note, size_t notelen)
{
	int top = 0;
	size_t failed = 0, upper = 0;
	for (int i = 0; i < s->host.nr_nodes; i++)
		if (s->host.nodes[i].id + 1 > top)
			top = s->host.nodes[i].id + 1;
	uint64_t pages[XN_PAGEOP_MAX_NODES];
	for (size_t k = 0; k < s->nr_domains; k++) {
		struct xn_domain *d = &s->domains[k];
		char why[160] = "";
		memset(pages, 0, sizeof(pages));
		/* mem_cur is getdomaininfo's tot_pages in bytes (xen_domains.c) */
		uint64_t hint = (d->valid & XN_DOM_MEM_CUR) ? d->mem_cur / XEN_PAGE_SIZE
		                                            : XN_PAGEOP_NO_HINT;
		int r = xn_xen_pageop_query(p->xch, (uint32_t)d->id, (unsigned)top, hint,
		                            p->pageop_upper, pages, why, sizeof(why));
		if (r == -ESRCH)
			continue; /* gone since the domain list was read */
		if (r < 0) {
			if (!failed++)
				snprintf(note, notelen, "page op: d%lld: %s; 'u' this refresh",
				         (long long)d->id, why);
			continue;
		}
		for (int i = 0; i < s->host.nr_nodes; i++)
			d->node_pages[i] = pages[s->host.nodes[i].id];
		d->pages_method = r == XN_PAGEOP_UPPER ? XN_PAGES_XEN_OP_UPPER : XN_PAGES_XEN_OP;
		d->pages_age_ms = 0;
		d->valid |= XN_DOM_PAGES;
		if (r == XN_PAGEOP_UPPER) {
			p->pageop_upper = true;
			/* a status line's note: cut when long, which is fine */
			if (!upper++ && !failed &&
			    snprintf(note, notelen,
			             "page op: d%lld: %s: counts include pages tot_pages does not "
			             "(XenServer's); xen_op_upper figures are upper bounds",
			             (long long)d->id, why) < 0)
				note[0] = '\0';
		}
	}
	return failed;
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
		if (d->valid & XN_DOM_PAGES)
			continue; /* the op answered it */
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
	char note[sizeof(p->base.note)] = "";
	if (p->have_pageop) {
		if (query_pageop(p, s, note, sizeof(note)) == 0) {
			snprintf(p->base.note, sizeof(p->base.note), "%s", note);
			return;
		}
	}
	uint64_t now = xn_now_mono_ns();
	refresh_udump(p, now);
	if (p->have_udump)
		fill_from_udump(p, s, now);
	/* The op's reason goes first: it is why 'u' is being used at all. */
	if (note[0])
		snprintf(p->base.note, sizeof(p->base.note), "%s", note);
}
