/* sampler.c - previous/current snapshots and the values derived from them. */
#include "sampler.h"

#include "advise.h"

#include <string.h>
#include <time.h>

#include "util.h"

void xn_sampler_clear(struct xn_sampler *s)
{
	xn_snapshot_clear(&s->prev);
	xn_snapshot_clear(&s->cur);
	s->have_cur = false;
}

static void derive_domain(const struct xn_snapshot *prev, const struct xn_host *h,
                          struct xn_domain *d, double interval)
{
	int nn = h->nr_nodes;
	const struct xn_domain *p = prev ? xn_snapshot_find(prev, d->id) : NULL;
	/* A reused id (new PID, recreated domid) is a different domain. */
	if (p && (!p->name || !d->name || strcmp(p->name, d->name)))
		p = NULL;
	bool same_nodes = prev && prev->host.nr_nodes == nn;

	/* A source may supply derived values itself (replay keeps the recorded
	 * ones, as its samples can be stepped backwards): keep those. */
	unsigned given = d->valid;
	if (!(given & XN_DOM_CPU_PCT) && p && interval > 0 &&
	    (d->valid & p->valid & XN_DOM_CPU_NS) && d->cpu_ns >= p->cpu_ns) {
		d->cpu_pct = (double)(d->cpu_ns - p->cpu_ns) / (interval * 1e9) * 100.0;
		d->valid |= XN_DOM_CPU_PCT;
	}
	if (!(d->valid & XN_DOM_PAGES))
		return;
	if (!(given & XN_DOM_DELTA) && p && same_nodes && (p->valid & XN_DOM_PAGES)) {
		for (int i = 0; i < nn; i++)
			d->node_delta[i] = (int64_t)d->node_pages[i] - (int64_t)p->node_pages[i];
		d->valid |= XN_DOM_DELTA;
	}
	uint64_t total = xn_domain_pages_total(d, nn);
	/* Locality: the share of a vCPU's accesses that would be local if they
	 * spread evenly over the domain's pages, averaged over the vCPUs whose
	 * node is known. A dom0 with vCPUs on every node and pages split
	 * 32/2/1/65 is not "100% local": each vCPU sees only its node's share. */
	if (!(given & XN_DOM_LOCALITY) && (d->valid & XN_DOM_VCPU_NODE) && d->vcpus > 0 &&
	    total > 0) {
		double sum = 0;
		uint32_t known = 0;
		for (uint32_t v = 0; v < d->vcpus; v++) {
			int ni = d->vcpu_node[v] >= 0 ? xn_host_node_index(h, d->vcpu_node[v]) : -1;
			if (ni < 0)
				continue;
			sum += (double)d->node_pages[ni] / (double)total;
			known++;
		}
		if (known) {
			d->locality = 100.0 * sum / known;
			d->valid |= XN_DOM_LOCALITY;
		}
	}
	if (!(given & XN_DOM_OUTSIDE) && (d->valid & XN_DOM_AFFINITY)) {
		uint64_t out = 0;
		for (int i = 0; i < nn; i++)
			if (!XN_NM_TEST(&d->node_affinity, h->nodes[i].id))
				out += d->node_pages[i];
		d->pages_outside = out;
		d->valid |= XN_DOM_OUTSIDE;
	}
}

void xn_derive(const struct xn_snapshot *prev, struct xn_snapshot *cur)
{
	if (prev && prev->nr_domains == 0 && prev->mono_ns == 0)
		prev = NULL;
	/* a live source gives none; a replay gives the recorded one when
	 * this sample follows the previous one in the recording */
	double given = cur->interval;
	cur->interval = 0;
	if (prev && cur->mono_ns > prev->mono_ns)
		cur->interval = given > 0 ? given : (double)(cur->mono_ns - prev->mono_ns) / 1e9;
	for (size_t i = 0; i < cur->nr_domains; i++)
		derive_domain(prev, &cur->host, &cur->domains[i], cur->interval);
	/* what the origin's source can do, for the advisor (which sits below
	 * the registry and must not ask it) */
	cur->caps = xn_source_caps(cur->origin[0] ? cur->origin : cur->source);
	xn_advise(prev, cur);
}

int xn_sampler_step(struct xn_sampler *s)
{
	const struct xn_source_ops *ops = s->src->ops;
	struct xn_snapshot next;
	memset(&next, 0, sizeof(next));
	/* Stamped here, once for every source: a live sample is taken now and
	 * its figures come from this source; a recorded one keeps its own. */
	if (!(ops->caps & XN_SRC_RECORDED)) {
		clock_gettime(CLOCK_REALTIME, &next.time);
		next.mono_ns = xn_now_mono_ns();
		xn_strlcpy(next.origin, ops->name, sizeof(next.origin));
	}
	int r = ops->sample(s->src, &next);
	if (r) {
		xn_snapshot_clear(&next);
		return r;
	}
	xn_strlcpy(next.source, ops->name, sizeof(next.source));
	xn_snapshot_sort(&next);
	xn_derive(s->have_cur ? &s->cur : NULL, &next);
	xn_snapshot_clear(&s->prev);
	s->prev = s->cur;
	s->cur = next;
	s->have_cur = true;
	return 0;
}
