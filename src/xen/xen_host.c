/* xen_host.c - the host as Xen sees it: nodes (xc_numainfo), CPUs
 * (xc_cputopoinfo), distances, and free memory per node and heap zone
 * (xc_availheap). A PV dom0 kernel has no NUMA view: only Xen knows this. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "xen_priv.h"

static int fail_errno(struct xen_priv *p, const char *what)
{
	int e = errno ? errno : EIO;
	return xn_source_fail(&p->base, -e, "xen: %s failed: %s", what, xen_strerror(e));
}

/* CPU -> node map into p->cpu_node (kept for vCPU placement). */
static int read_cputopo(struct xen_priv *p)
{
	unsigned n = 0;
	if (xc_cputopoinfo(p->xch, &n, NULL))
		return fail_errno(p, "xc_cputopoinfo (size)");
	xc_cputopo_t *topo = calloc(n ? n : 1, sizeof(*topo));
	if (!topo)
		return xn_source_fail(&p->base, -ENOMEM, "xen: out of memory");
	if (xc_cputopoinfo(p->xch, &n, topo)) {
		free(topo);
		return fail_errno(p, "xc_cputopoinfo");
	}
	int *map = realloc(p->cpu_node, (n ? n : 1) * sizeof(*map));
	if (!map) {
		free(topo);
		return xn_source_fail(&p->base, -ENOMEM, "xen: out of memory");
	}
	for (unsigned i = 0; i < n; i++)
		map[i] = topo[i].node == XEN_INVALID_NODE_ID ? -1 : (int)topo[i].node;
	p->cpu_node = map;
	p->nr_cpu_ids = (int)n;
	free(topo);
	return 0;
}

int xen_cpumap_format(const struct xen_priv *p, const uint8_t *map, char *buf, size_t len)
{
	xn_cpumask m;
	memset(&m, 0, sizeof(m));
	bool all = true, any = false;
	for (int c = 0; c < p->nr_cpu_ids && c < XN_MAX_CPUS; c++) {
		if (p->cpu_node[c] < 0)
			continue; /* offline: Xen keeps its bit, xl shows it, it means nothing */
		if (c < p->cpumap_size * 8 && (map[c / 8] >> (c % 8)) & 1) {
			xn_bits_set(m.w, c);
			any = true;
		} else {
			all = false;
		}
	}
	if (!any)
		return snprintf(buf, len, "none");
	if (all)
		return snprintf(buf, len, "all");
	return xn_bits_format_list(m.w, XN_MAX_CPUS, buf, len);
}

/* Zone z holds free frames with MFN in [2^(z-1), 2^z): xc_availheap's
 * address widths map to zones as width = z + PAGE_SHIFT. Only zones that
 * can hold memory below max_mfn are asked, and a zone is listed once it has
 * ever had free pages on that node (so a zone that fills up shows 0, not
 * nothing). */
static int read_zones(struct xen_priv *p, struct xn_host *h, uint64_t max_mfn)
{
	int top = 1;
	while (top < XEN_MAX_ZONE && (1ull << top) <= max_mfn)
		top++;
	for (int i = 0; i < h->nr_nodes; i++) {
		int id = h->nodes[i].id;
		if (id >= XEN_MAX_NODE_IDS)
			continue;
		for (int z = 1; z <= top; z++) {
			uint64_t bytes = 0;
			if (xc_availheap(p->xch, z + 12, z + 12, id, &bytes))
				return fail_errno(p, "xc_availheap");
			if (bytes)
				p->zones_seen[id] |= 1ull << z;
			if (!(p->zones_seen[id] & (1ull << z)))
				continue;
			struct xn_zone *zn = xn_host_add_zone(h);
			if (!zn)
				return xn_source_fail(&p->base, -ENOMEM, "xen: out of memory");
			zn->node_idx = i;
			snprintf(zn->name, sizeof(zn->name), "z%d", z);
			zn->free_pages = bytes / XEN_PAGE_SIZE;
			zn->valid = XN_ZONE_FREE;
		}
	}
	return 0;
}

int xen_host_sample(struct xen_priv *p, struct xn_host *h)
{
	xc_physinfo_t info = {0};
	if (xc_physinfo(p->xch, &info))
		return fail_errno(p, "xc_physinfo");
	if (gethostname(h->hostname, sizeof(h->hostname)))
		h->hostname[0] = '\0';
	h->hostname[sizeof(h->hostname) - 1] = '\0';
	h->page_size = XEN_PAGE_SIZE;

	unsigned n = 0;
	if (xc_numainfo(p->xch, &n, NULL, NULL))
		return fail_errno(p, "xc_numainfo (size)");
	xc_meminfo_t *mem = calloc(n ? n : 1, sizeof(*mem));
	uint32_t *dist = calloc((size_t)n * n + 1, sizeof(*dist));
	if (!mem || !dist) {
		free(mem);
		free(dist);
		return xn_source_fail(&p->base, -ENOMEM, "xen: out of memory");
	}
	int r = 0;
	if (xc_numainfo(p->xch, &n, mem, dist)) {
		r = fail_errno(p, "xc_numainfo");
		goto out;
	}
	/* Node ids are indexes; an offline id has an invalid size. */
	int online = 0;
	for (unsigned i = 0; i < n; i++)
		if (mem[i].memsize != XEN_INVALID_MEM_SZ)
			online++;
	if ((r = xn_host_alloc_nodes(h, online))) {
		r = xn_source_fail(&p->base, r, "xen: out of memory");
		goto out;
	}
	int k = 0;
	for (unsigned i = 0; i < n; i++) {
		if (mem[i].memsize == XEN_INVALID_MEM_SZ)
			continue;
		struct xn_node *nd = &h->nodes[k++];
		nd->id = (int)i;
		nd->mem_total = mem[i].memsize;
		nd->mem_free = mem[i].memfree;
		nd->valid = XN_NODE_TOTAL | XN_NODE_FREE;
	}
	bool dist_ok = true;
	for (int a = 0; a < online; a++)
		for (int b = 0; b < online; b++) {
			uint32_t d = dist[(unsigned)h->nodes[a].id * n + (unsigned)h->nodes[b].id];
			if (d == XEN_INVALID_NODE_DIST)
				dist_ok = false;
			h->distance[a * online + b] = d;
		}
	if (dist_ok)
		h->valid |= XN_HOST_DISTANCE;

	if ((r = read_cputopo(p)))
		goto out;
	int cpus = 0;
	for (int c = 0; c < p->nr_cpu_ids && c < XN_MAX_CPUS; c++) {
		int idx = p->cpu_node[c] < 0 ? -1 : xn_host_node_index(h, p->cpu_node[c]);
		if (idx < 0)
			continue;
		xn_bits_set(h->nodes[idx].cpus.w, c);
		cpus++;
	}
	for (int a = 0; a < online; a++)
		h->nodes[a].valid |= XN_NODE_CPUS;
	h->nr_cpus = cpus;
	h->valid |= XN_HOST_CPUS;

	r = read_zones(p, h, info.max_mfn);
out:
	free(mem);
	free(dist);
	return r;
}
