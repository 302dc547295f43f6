/* xen_domains.c - the domain list: xentop's columns from one
 * xc_domain_getinfolist per 256 domains (what libxenstat reads, without its
 * xenstore request per domain: names come from xen_cache.c), where each
 * vCPU last ran (xc_vcpu_getinfo -> pCPU -> node, every refresh) with its
 * state, and hard and soft affinity (xc_vcpu_getaffinity, as `xl vcpu-list`
 * shows them) and node affinity (xc_domain_node_getaffinity), both kept in
 * the cache and re-read every XEN_AFFINITY_MAX_AGE_NS or after our change. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xen_priv.h"

/* xentop's state field (libxenstat's reading of getdomaininfo's flags):
 * dying, shutdown, blocked, crashed, paused, running. */
static void fill_state(uint32_t flags, char state[7])
{
	bool down = flags & XEN_DOMINF_shutdown;
	bool crash = down && ((flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask) ==
	                             SHUTDOWN_crash;
	state[0] = flags & XEN_DOMINF_dying ? 'd' : '-';
	state[1] = down && !crash ? 's' : '-';
	state[2] = flags & XEN_DOMINF_blocked ? 'b' : '-';
	state[3] = crash ? 'c' : '-';
	state[4] = flags & XEN_DOMINF_paused ? 'p' : '-';
	state[5] = flags & XEN_DOMINF_running ? 'r' : '-';
	state[6] = '\0';
}

/* Whether the domain still exists (ESRCH from a per-vCPU call also means
 * "this vCPU is not set up yet", e.g. while a guest is being built). */
static bool domain_alive(struct xen_priv *p, uint32_t domid)
{
	xc_domaininfo_t info;
	return xc_domain_getinfolist(p->xch, domid, 1, &info) == 1 && info.domain == domid;
}

/* A CPU map as xl says it, owned; NULL when it does not fit or on ENOMEM. */
static char *format_map(struct xen_priv *p, const uint8_t *map)
{
	char buf[1024];
	int len = xen_cpumap_format(p, map, buf, sizeof(buf));
	return len >= 0 && (size_t)len < sizeof(buf) ? strdup(buf) : NULL;
}

/* Read every vCPU's hard and soft affinity and the node affinity into the
 * cache entry. -ESRCH when the domain has gone, -ENOMEM, else 0 (what Xen
 * will not describe stays unknown until the next re-read). */
static int read_affinity(struct xen_priv *p, const struct xn_host *h, struct xen_dom_cache *e,
                         uint32_t nr_vcpus)
{
	if (xen_cache_affinity_room(e, nr_vcpus))
		return -ENOMEM;
	for (uint32_t v = 0; v < nr_vcpus; v++) {
		free(e->hard[v]);
		free(e->soft[v]);
		e->hard[v] = e->soft[v] = NULL;
		if (xc_vcpu_getaffinity(p->xch, e->domid, (int)v, p->vcpu_hard, p->vcpu_soft,
		                        XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT))
			continue; /* not set up yet, or gone: the vCPU read below says */
		e->hard[v] = format_map(p, p->vcpu_hard);
		e->soft[v] = format_map(p, p->vcpu_soft);
	}
	e->have_node_aff = false;
	int sz = xc_get_nodemap_size(p->xch);
	if (sz > 0) {
		memset(p->nodemap, 0, (size_t)sz);
		if (xc_domain_node_getaffinity(p->xch, e->domid, p->nodemap) == 0) {
			memset(&e->node_aff, 0, sizeof(e->node_aff));
			for (int i = 0; i < h->nr_nodes; i++) {
				int id = h->nodes[i].id;
				if (id < sz * 8 && (p->nodemap[id / 8] >> (id % 8)) & 1)
					XN_NM_SET(&e->node_aff, id);
			}
			e->have_node_aff = true;
		} else if (errno == ESRCH) {
			return -ESRCH;
		}
	}
	return 0;
}

/* vCPU v's figures: CPU and state from xc_vcpu_getinfo (as xl: running
 * 'r', blocked 'b', online but waiting for a CPU also 'r', offline 'o'),
 * affinity from the cache. -ENOMEM or 0. */
static int fill_vcpu(const struct xen_dom_cache *e, uint32_t v, const xc_vcpuinfo_t *vi,
                     struct xn_vcpu *out)
{
	if (vi->online) {
		out->cpu = (int)vi->cpu;
		out->state = vi->blocked && !vi->running ? 'b' : 'r';
		out->valid |= XN_VCPU_CPU;
	} else {
		out->state = 'o';
	}
	out->valid |= XN_VCPU_STATE;
	if (v < e->nr_aff && e->hard[v]) {
		if (!(out->hard = strdup(e->hard[v])))
			return -ENOMEM;
		out->valid |= XN_VCPU_HARD;
	}
	if (v < e->nr_aff && e->soft[v]) {
		if (!(out->soft = strdup(e->soft[v])))
			return -ENOMEM;
		out->valid |= XN_VCPU_SOFT;
	}
	return 0;
}

/* Returns -ESRCH when the domain has gone meanwhile. */
static int read_vcpus(struct xen_priv *p, struct xn_domain *d, const struct xen_dom_cache *e)
{
	if (xn_domain_alloc_vcpu_node(d) || xn_domain_alloc_vcpu_info(d))
		return -ENOMEM;
	for (uint32_t v = 0; v < d->vcpus; v++) {
		xc_vcpuinfo_t vi;
		if (xc_vcpu_getinfo(p->xch, (uint32_t)d->id, v, &vi)) {
			if (errno == ESRCH && !domain_alive(p, (uint32_t)d->id))
				return -ESRCH;
			continue; /* vCPU not allocated yet: unknown */
		}
		if (vi.online && vi.cpu < (uint32_t)p->nr_cpu_ids)
			d->vcpu_node[v] = p->cpu_node[vi.cpu];
		if (fill_vcpu(e, v, &vi, &d->vcpu_info[v]))
			return -ENOMEM;
	}
	d->valid |= XN_DOM_VCPU_NODE;
	return 0;
}

/* When a domain's affinity is next re-read: XEN_AFFINITY_MAX_AGE_NS from
 * now, the first time spread over that period by id, so that domains made
 * together do not all come due at the same refresh. */
static uint64_t next_due(uint64_t now, uint32_t domid, bool first)
{
	uint64_t age = XEN_AFFINITY_MAX_AGE_NS;
	return now + (first ? age / 2 + (age / 2) / 16 * (domid % 16) : age);
}

/* One domain of getdomaininfo's list into d. -ESRCH (gone meanwhile: not
 * an error), -ENOMEM, or 0. */
static int fill_domain(struct xen_priv *p, const struct xn_host *h, const xc_domaininfo_t *info,
                       struct xn_domain *d, uint64_t now)
{
	d->id = info->domain;
	fill_state(info->flags, d->state);
	d->cpu_ns = info->cpu_time;
	d->vcpus = info->max_vcpu_id + 1;
	d->mem_cur = (uint64_t)info->tot_pages * XEN_PAGE_SIZE;
	/* as libxenstat: max_pages UINT_MAX is no limit, (ull)-1 as ours */
	d->mem_max = info->max_pages == UINT32_MAX ? UINT64_MAX
	                                           : (uint64_t)info->max_pages * XEN_PAGE_SIZE;
	d->ssid = info->ssidref; /* xentop's SSID, as libxenstat reads it */
	/* the handle is the UUID xl shows: a live move keeps it, not the id */
	memcpy(d->uuid, info->handle, sizeof(d->uuid));
	d->valid |= XN_DOM_STATE | XN_DOM_CPU_NS | XN_DOM_VCPUS | XN_DOM_MEM_CUR | XN_DOM_MEM_MAX |
	            XN_DOM_SSID | XN_DOM_UUID;
	/* its cpupool: its vCPUs run only on that pool's CPUs (the pools'
	 * last reading; one it lacks was made since: read them again) */
	d->cpupool = info->cpupool;
	if (xn_host_pool(h, info->cpupool))
		d->valid |= XN_DOM_CPUPOOL;
	else
		xen_pools_unknown(p, info->cpupool);
	struct xen_dom_cache *e = xen_cache_get(p, info->domain, info->handle);
	if (!e)
		return -ENOMEM;
	int r = 0;
	const char *name = xen_cache_name(p, e, &r);
	if (r || (name && xn_domain_set_name(d, name)))
		return -ENOMEM;
	if (!e->aff_due_ns || now >= e->aff_due_ns || e->nr_aff != d->vcpus) {
		bool first = !e->aff_due_ns && !e->nr_aff;
		if ((r = read_affinity(p, h, e, d->vcpus)))
			return r;
		e->aff_due_ns = next_due(now, e->domid, first);
	}
	if ((r = read_vcpus(p, d, e)))
		return r;
	xen_config_sample(p, e, now);
	if (e->cfg_known) {
		d->config_affinity = e->config_aff;
		d->valid |= XN_DOM_CONFIG_AFF;
	}
	if (e->have_node_aff) {
		d->node_affinity = e->node_aff;
		/* Xen does not say whether the affinity was derived; like `xl
		 * list -n`, every online node set reads as automatic ("all"). */
		d->affinity_auto = xn_nodemask_is_all(&d->node_affinity, h);
		d->valid |= XN_DOM_AFFINITY;
	}
	return 0;
}

enum { CHUNK = 256 };

int xen_domains_sample(struct xen_priv *p, struct xn_snapshot *s)
{
	if (!p->info && !(p->info = calloc(CHUNK, sizeof(*p->info))))
		return xn_source_fail(&p->base, -ENOMEM, "xen: out of memory");
	uint64_t now = xn_now_mono_ns();
	int r = 0;
	xen_cache_begin(p);
	/* Each chunk starts after the last id read (libxenstat 4.17 starts at
	 * the number of domains read so far: past 256 domains with gaps in
	 * their ids it lists some twice). */
	for (uint32_t next = 0;;) {
		int got = xc_domain_getinfolist(p->xch, next, CHUNK, p->info);
		if (got < 0) {
			int e = errno ? errno : EIO;
			r = xn_source_fail(&p->base, -e, "xen: cannot list domains: %s",
			                   xen_strerror(e));
			break;
		}
		for (int i = 0; i < got && !r; i++) {
			struct xn_domain *d = xn_snapshot_add_domain(s);
			int e = d ? fill_domain(p, &s->host, &p->info[i], d, now) : -ENOMEM;
			if (e == -ESRCH)
				xn_snapshot_drop_last(s); /* destroyed since listed: no error */
			else if (e)
				r = xn_source_fail(&p->base, e, "xen: out of memory");
		}
		if (r || got < CHUNK)
			break;
		next = p->info[got - 1].domain + 1;
	}
	if (!r) {
		/* Entries of domains no longer listed go (with their watches) only
		 * after a complete list. */
		xen_cache_end(p);
		xen_devices_sample(p, s);
	}
	return r;
}
