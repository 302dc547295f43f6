/* xen_domains.c - the domain list (libxenstat: xentop's columns), where each
 * vCPU last ran (xc_vcpu_getinfo -> pCPU -> node) with its state and hard
 * and soft affinity (xc_vcpu_getaffinity, as `xl vcpu-list` shows them), and
 * node affinity (xc_domain_node_getaffinity). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xen_priv.h"

/* xentop's state field: dying, shutdown, blocked, crashed, paused, running. */
static void fill_state(xenstat_domain *xd, char state[7])
{
	state[0] = xenstat_domain_dying(xd) ? 'd' : '-';
	state[1] = xenstat_domain_shutdown(xd) ? 's' : '-';
	state[2] = xenstat_domain_blocked(xd) ? 'b' : '-';
	state[3] = xenstat_domain_crashed(xd) ? 'c' : '-';
	state[4] = xenstat_domain_paused(xd) ? 'p' : '-';
	state[5] = xenstat_domain_running(xd) ? 'r' : '-';
	state[6] = '\0';
}

/* Whether the domain still exists (ESRCH from a per-vCPU call also means
 * "this vCPU is not set up yet", e.g. while a guest is being built). */
static bool domain_alive(struct xen_priv *p, uint32_t domid)
{
	xc_domaininfo_t info;
	return xc_domain_getinfolist(p->xch, domid, 1, &info) == 1 && info.domain == domid;
}

/* vcpu_info[v]: CPU and state from xc_vcpu_getinfo (as xl: running 'r',
 * blocked 'b', online but waiting for a CPU also 'r', offline 'o'), hard
 * and soft affinity from one xc_vcpu_getaffinity into buffers kept in p.
 * Returns -ENOMEM or 0 (a vCPU Xen will not describe stays unknown). */
static int read_vcpu_info(struct xen_priv *p, const struct xn_domain *d, uint32_t v,
                          const xc_vcpuinfo_t *vi, struct xn_vcpu *out)
{
	if (vi->online) {
		out->cpu = (int)vi->cpu;
		out->state = vi->blocked && !vi->running ? 'b' : 'r';
		out->valid |= XN_VCPU_CPU;
	} else {
		out->state = 'o';
	}
	out->valid |= XN_VCPU_STATE;
	if (xc_vcpu_getaffinity(p->xch, (uint32_t)d->id, (int)v, p->vcpu_hard, p->vcpu_soft,
	                        XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT))
		return 0;
	char buf[1024];
	int len = xen_cpumap_format(p, p->vcpu_hard, buf, sizeof(buf));
	if (len >= 0 && (size_t)len < sizeof(buf)) {
		if (!(out->hard = strdup(buf)))
			return -ENOMEM;
		out->valid |= XN_VCPU_HARD;
	}
	len = xen_cpumap_format(p, p->vcpu_soft, buf, sizeof(buf));
	if (len >= 0 && (size_t)len < sizeof(buf)) {
		if (!(out->soft = strdup(buf)))
			return -ENOMEM;
		out->valid |= XN_VCPU_SOFT;
	}
	return 0;
}

/* Returns -ESRCH when the domain has gone meanwhile. */
static int read_vcpus(struct xen_priv *p, const struct xn_host *h, struct xn_domain *d)
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
		if (read_vcpu_info(p, d, v, &vi, &d->vcpu_info[v]))
			return -ENOMEM;
	}
	d->valid |= XN_DOM_VCPU_NODE;
	return 0;
}

static int read_affinity(struct xen_priv *p, const struct xn_host *h, struct xn_domain *d)
{
	int sz = xc_get_nodemap_size(p->xch);
	if (sz <= 0)
		return 0;
	memset(p->nodemap, 0, (size_t)sz);
	if (xc_domain_node_getaffinity(p->xch, (uint32_t)d->id, p->nodemap))
		return errno == ESRCH ? -ESRCH : 0;
	memset(&d->node_affinity, 0, sizeof(d->node_affinity));
	for (int i = 0; i < h->nr_nodes; i++) {
		int id = h->nodes[i].id;
		if (id < sz * 8 && (p->nodemap[id / 8] >> (id % 8)) & 1)
			XN_NM_SET(&d->node_affinity, id);
	}
	/* Xen does not say whether the affinity was derived; like `xl list -n`,
	 * every online node set reads as automatic ("all"). */
	d->affinity_auto = xn_nodemask_is_all(&d->node_affinity, h);
	d->valid |= XN_DOM_AFFINITY;
	return 0;
}

/* xentop's -n and -x figures: totals over the domain's interfaces and
 * block devices (a VBD whose statistics failed to read is left out, as
 * xentop does). */
static void fill_net_vbd(xenstat_domain *xd, struct xn_domain *d, unsigned flags)
{
	if (flags & XENSTAT_NETWORK) {
		d->nets = xenstat_domain_num_networks(xd);
		for (unsigned i = 0; i < d->nets; i++) {
			xenstat_network *n = xenstat_domain_network(xd, i);
			if (!n)
				continue;
			d->net_tx_bytes += xenstat_network_tbytes(n);
			d->net_rx_bytes += xenstat_network_rbytes(n);
		}
		d->valid |= XN_DOM_NET;
	}
	if (flags & XENSTAT_VBD) {
		d->vbds = xenstat_domain_num_vbds(xd);
		for (unsigned i = 0; i < d->vbds; i++) {
			xenstat_vbd *b = xenstat_domain_vbd(xd, i);
			if (!b || xenstat_vbd_error(b))
				continue;
			d->vbd_oo += xenstat_vbd_oo_reqs(b);
			d->vbd_rd += xenstat_vbd_rd_reqs(b);
			d->vbd_wr += xenstat_vbd_wr_reqs(b);
			d->vbd_rsect += xenstat_vbd_rd_sects(b);
			d->vbd_wsect += xenstat_vbd_wr_sects(b);
		}
		d->valid |= XN_DOM_VBD;
	}
}

/* Free what a half-filled domain owns and remove it from the snapshot. */
int xen_domains_sample(struct xen_priv *p, struct xn_snapshot *s)
{
	/* Networks and VBDs as xentop reads them; a host where they cannot be
	 * read (no /proc/net/dev, no sysfs backends) still lists its domains. */
	unsigned flags = XENSTAT_NETWORK | XENSTAT_VBD;
	xenstat_node *node = xenstat_get_node(p->xst, flags);
	if (!node) {
		flags = 0;
		node = xenstat_get_node(p->xst, flags);
	}
	if (!node) {
		int e = errno ? errno : EIO;
		return xn_source_fail(&p->base, -e, "xen: libxenstat cannot list domains: %s",
		                      xen_strerror(e));
	}
	int r = 0;
	unsigned n = xenstat_node_num_domains(node);
	/* libxenstat reads the domain list in chunks of 256 and starts each
	 * chunk at the number of domains read so far, not after the last id:
	 * past 256 domains with gaps in their ids it lists some twice (seen in
	 * the lab with 300). Ids come in ascending order otherwise, so one
	 * not above the last taken is such a repeat. */
	int64_t last_id = -1;
	for (unsigned i = 0; i < n; i++) {
		xenstat_domain *xd = xenstat_node_domain_by_index(node, i);
		if (!xd || (int64_t)xenstat_domain_id(xd) <= last_id)
			continue;
		last_id = xenstat_domain_id(xd);
		struct xn_domain *d = xn_snapshot_add_domain(s);
		if (!d) {
			r = xn_source_fail(&p->base, -ENOMEM, "xen: out of memory");
			break;
		}
		d->id = xenstat_domain_id(xd);
		const char *name = xenstat_domain_name(xd);
		if (name && xn_domain_set_name(d, name)) {
			r = xn_source_fail(&p->base, -ENOMEM, "xen: out of memory");
			break;
		}
		fill_state(xd, d->state);
		d->cpu_ns = xenstat_domain_cpu_ns(xd);
		d->vcpus = xenstat_domain_num_vcpus(xd);
		d->mem_cur = xenstat_domain_cur_mem(xd);
		d->mem_max = xenstat_domain_max_mem(xd); /* (ull)-1 = no limit, as ours */
		d->ssid = xenstat_domain_ssid(xd);
		d->valid |= XN_DOM_STATE | XN_DOM_CPU_NS | XN_DOM_VCPUS | XN_DOM_MEM_CUR |
		            XN_DOM_MEM_MAX | XN_DOM_SSID;
		fill_net_vbd(xd, d, flags);
		int e = read_vcpus(p, &s->host, d);
		if (!e)
			e = read_affinity(p, &s->host, d);
		if (e == -ESRCH) {
			xn_snapshot_drop_last(
			        s); /* destroyed since xenstat listed it: not an error */
			continue;
		}
		if (e) {
			r = xn_source_fail(&p->base, e, "xen: out of memory");
			break;
		}
	}
	xenstat_free_node(node);
	return r;
}
