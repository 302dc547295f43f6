/* xen_pools.c - the xen source's cpupools (xc_cpupool_getinfo, one call per
 * pool). Pools change rarely (xl cpupool-create, -cpu-add, -cpu-remove):
 * the source keeps its last reading and reads them again only at the first
 * sample, every XEN_AFFINITY_MAX_AGE_NS (the affinity's schedule), after a
 * change of ours, and when a domain is listed in a pool the reading does
 * not have (one made since). Each sample gets a copy of the reading. */
#include <stdlib.h>
#include <string.h>

#include "xen_priv.h"

bool xen_pools_due(const struct xen_priv *p, uint64_t now)
{
	return !p->pools_read_ns || p->pools_stale ||
	       now - p->pools_read_ns >= XEN_AFFINITY_MAX_AGE_NS;
}

/* Read every pool into p->pools, reusing its room (it grows only when
 * there are more pools than ever before). The walk asks for the next id
 * each time: xc_cpupool_getinfo returns the first pool whose id is at
 * least the one asked. A failure keeps what was read before it (none at
 * the first): the placement check then takes no pool into account rather
 * than refusing on a guess. */
static void read_pools(struct xen_priv *p, uint64_t now)
{
	p->pools_read_ns = now ? now : 1;
	p->pools_stale = false;
	p->pools_missing = false; /* each reading may find it */
	p->nr_pools = 0;
	uint32_t next = 0;
	xc_cpupoolinfo_t *info;
	while ((info = xc_cpupool_getinfo(p->xch, next))) {
		if (p->nr_pools == p->cap_pools) {
			int nc = p->cap_pools ? 2 * p->cap_pools : 4;
			struct xn_cpupool *np = realloc(p->pools, (size_t)nc * sizeof(*np));
			if (!np) {
				xc_cpupool_infofree(p->xch, info);
				break;
			}
			p->pools = np;
			p->cap_pools = nc;
		}
		struct xn_cpupool *pl = &p->pools[p->nr_pools++];
		memset(pl, 0, sizeof(*pl));
		pl->id = info->cpupool_id;
		for (int c = 0; c < p->cpumap_size * 8 && c < XN_MAX_CPUS; c++)
			if ((info->cpumap[c / 8] >> (c % 8)) & 1)
				xn_bits_set(pl->cpus.w, c);
		next = info->cpupool_id + 1;
		xc_cpupool_infofree(p->xch, info);
		if (next == 0)
			break; /* the id space ended */
	}
}

/* The reading into h->pools (the snapshot owns its copy). */
static void copy_pools(const struct xen_priv *p, struct xn_host *h)
{
	free(h->pools);
	h->pools = NULL;
	h->nr_pools = 0;
	if (!p->nr_pools)
		return;
	h->pools = malloc((size_t)p->nr_pools * sizeof(*h->pools));
	if (!h->pools)
		return; /* as unread: no pool taken into account */
	memcpy(h->pools, p->pools, (size_t)p->nr_pools * sizeof(*h->pools));
	h->nr_pools = p->nr_pools;
}

void xen_pools_sample(struct xen_priv *p, struct xn_host *h, uint64_t now)
{
	p->pools_fresh = xen_pools_due(p, now);
	if (p->pools_fresh)
		read_pools(p, now);
	copy_pools(p, h);
}

void xen_pools_unknown(struct xen_priv *p, uint32_t id)
{
	/* With no reading at all (Xen refused it), one taken in this very
	 * refresh, or a pool that a reading after it lacked too (it went
	 * between the domain list and the walk), asking again would only
	 * repeat it: the schedule retries. */
	if (p->nr_pools && !p->pools_fresh && !(p->pools_missing && p->pools_missing_id == id))
		p->pools_stale = true;
}

void xen_pools_check(struct xen_priv *p, struct xn_snapshot *s, uint64_t now)
{
	if (!p->pools_stale || p->pools_fresh)
		return;
	read_pools(p, now);
	p->pools_fresh = true;
	copy_pools(p, &s->host);
	for (size_t i = 0; i < s->nr_domains; i++) {
		struct xn_domain *d = &s->domains[i];
		if (d->valid & XN_DOM_CPUPOOL)
			continue;
		if (xn_host_pool(&s->host, d->cpupool)) {
			d->valid |= XN_DOM_CPUPOOL;
		} else {
			p->pools_missing = true;
			p->pools_missing_id = d->cpupool;
		}
	}
}

void xen_pools_changed(struct xen_priv *p)
{
	p->pools_stale = true;
}

void xen_pools_close(struct xen_priv *p)
{
	free(p->pools);
	p->pools = NULL;
	p->nr_pools = p->cap_pools = 0;
}
