/* xen_affinity.c - change a domain's node affinity (xc_domain_node_setaffinity)
 * and, on request, its vCPUs' soft affinity to the chosen nodes' CPUs, as
 * libxl does for automatic placement. Xen steers future allocations only:
 * nothing already allocated moves, and the message says so. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xen_priv.h"

static void host_free(struct xn_host *h)
{
	free(h->nodes);
	free(h->zones);
	free(h->distance);
	memset(h, 0, sizeof(*h));
}

/* Xen's answer to a refused call, as an errno main maps to an exit status:
 * permission and a vanished domain keep theirs, anything else is "refused". */
static int refused(struct xen_priv *p, const char *what, int64_t domid)
{
	int e = errno ? errno : EIO;
	if (e == EPERM || e == EACCES)
		return xn_source_fail(&p->base, -EACCES,
		                      "%s: permission denied (needs root in dom0)", what);
	if (e == ESRCH)
		return xn_source_fail(&p->base, -ESRCH, "domain %" PRId64 " is gone", domid);
	xn_source_fail(&p->base, 0, "Xen refused %s: %s", what, xen_strerror(e));
	return e == EINVAL ? -EREMOTEIO : -e;
}

static int read_affinity_list(struct xen_priv *p, uint32_t domid, const struct xn_host *h,
                              char *buf, size_t len)
{
	int sz = xc_get_nodemap_size(p->xch);
	memset(p->nodemap, 0, (size_t)sz);
	if (xc_domain_node_getaffinity(p->xch, domid, p->nodemap))
		return -1;
	xn_nodemask m = {0};
	for (int i = 0; i < h->nr_nodes; i++) {
		int id = h->nodes[i].id;
		if (id < sz * 8 && (p->nodemap[id / 8] >> (id % 8)) & 1)
			XN_NM_SET(&m, id);
	}
	if (xn_nodemask_is_all(&m, h))
		snprintf(buf, len, "all");
	else
		xn_bits_format_list(m.w, XN_MAX_NODES, buf, len);
	return 0;
}

/* Soft affinity of every vCPU = the CPUs of the chosen nodes. Returns the
 * number of vCPUs set, or -errno (with *done = those set before). */
static int set_soft_affinity(struct xen_priv *p, uint32_t domid, uint32_t nr_vcpus,
                             const xn_nodemask *nodes, bool all, int *done)
{
	xc_cpumap_t soft = xc_cpumap_alloc(p->xch), hard = xc_cpumap_alloc(p->xch);
	int sz = xc_get_cpumap_size(p->xch), r = 0;
	*done = 0;
	if (!soft || !hard || sz <= 0) {
		r = -ENOMEM;
		goto out;
	}
	for (int c = 0; c < p->nr_cpu_ids && c < sz * 8; c++) {
		int nd = p->cpu_node[c];
		if (nd >= 0 && (all || XN_NM_TEST(nodes, nd)))
			soft[c / 8] |= (uint8_t)(1u << (c % 8));
	}
	for (uint32_t v = 0; v < nr_vcpus; v++) {
		/* The call writes back the effective map: give it a fresh copy. */
		uint8_t *copy = malloc((size_t)sz);
		if (!copy) {
			r = -ENOMEM;
			goto out;
		}
		memcpy(copy, soft, (size_t)sz);
		int rc = xc_vcpu_setaffinity(p->xch, domid, (int)v, hard, copy,
		                             XEN_VCPUAFFINITY_SOFT);
		free(copy);
		if (rc) {
			r = refused(p, "xc_vcpu_setaffinity", domid);
			goto out;
		}
		(*done)++;
	}
out:
	free(soft);
	free(hard);
	return r;
}

int xen_affinity_set(struct xn_source *src, int64_t domid, const xn_nodemask *nodes, unsigned flags,
                     char *msg, size_t msglen)
{
	struct xen_priv *p = (struct xen_priv *)src;
	msg[0] = '\0';
	if (domid < 0 || domid >= DOMID_FIRST_RESERVED)
		return xn_source_fail(src, -ESRCH, "no domain with id %" PRId64, domid);
	xc_domaininfo_t info;
	int n = xc_domain_getinfolist(p->xch, (uint32_t)domid, 1, &info);
	if (n < 0)
		return refused(p, "xc_domain_getinfolist", domid);
	if (n == 0 || info.domain != (domid_t)domid)
		return xn_source_fail(src, -ESRCH, "no domain with id %" PRId64, domid);

	struct xn_host h = {0};
	int r = xen_host_sample(p, &h);
	if (r)
		return r;
	char want[256], valid[256], was[256] = "?", now[256] = "?";
	xn_nodemask all_online = {0};
	for (int i = 0; i < h.nr_nodes; i++)
		XN_NM_SET(&all_online, h.nodes[i].id);
	xn_bits_format_list(all_online.w, XN_MAX_NODES, valid, sizeof(valid));
	for (int b = xn_bits_next(nodes->w, XN_MAX_NODES, 0); b >= 0;
	     b = xn_bits_next(nodes->w, XN_MAX_NODES, b + 1))
		if (!XN_NM_TEST(&all_online, b)) {
			host_free(&h);
			return xn_source_fail(src, -EINVAL,
			                      "node %d does not exist (valid nodes: %s)", b, valid);
		}
	if (xn_bits_empty(nodes->w, XN_MAX_NODES)) {
		host_free(&h);
		return xn_source_fail(src, -EINVAL, "empty node list (valid nodes: %s)", valid);
	}
	bool all = xn_nodemask_is_all(nodes, &h);
	if (all)
		snprintf(want, sizeof(want), "all");
	else
		xn_bits_format_list(nodes->w, XN_MAX_NODES, want, sizeof(want));
	read_affinity_list(p, (uint32_t)domid, &h, was, sizeof(was));

	if (flags & XN_AFF_DRY_RUN) {
		snprintf(msg, msglen, "would set node affinity to %s (now %s)%s", want, was,
		         flags & XN_AFF_CPUS ? " and vCPU soft affinity to those nodes' CPUs" : "");
		host_free(&h);
		return 0;
	}

	int sz = xc_get_nodemap_size(p->xch);
	/* Every bit set (not just the online nodes) is how libxl asks Xen for
	 * automatic mode: it then derives node affinity from vCPU affinity. */
	memset(p->nodemap, all ? 0xff : 0, (size_t)sz);
	if (!all)
		for (int b = xn_bits_next(nodes->w, XN_MAX_NODES, 0); b >= 0 && b < sz * 8;
		     b = xn_bits_next(nodes->w, XN_MAX_NODES, b + 1))
			p->nodemap[b / 8] |= (uint8_t)(1u << (b % 8));
	if (xc_domain_node_setaffinity(p->xch, (uint32_t)domid, p->nodemap)) {
		r = refused(p, "xc_domain_node_setaffinity", domid);
		host_free(&h);
		return r;
	}
	read_affinity_list(p, (uint32_t)domid, &h, now, sizeof(now));
	int w = snprintf(msg, msglen,
	                 "node affinity %s (was %s; asked %s%s); Xen applies it to future "
	                 "allocations only: pages already allocated stay where they are",
	                 now, was, want, all ? ": automatic placement" : "");
	if (flags & XN_AFF_CPUS) {
		int done = 0;
		r = set_soft_affinity(p, (uint32_t)domid, info.max_vcpu_id + 1, nodes, all, &done);
		if (w >= 0 && (size_t)w < msglen)
			snprintf(msg + w, msglen - (size_t)w,
			         "; vCPU soft affinity set on %d of %u vCPUs", done,
			         info.max_vcpu_id + 1);
		if (r == -ENOMEM)
			xn_source_fail(src, r, "out of memory");
	}
	host_free(&h);
	return r;
}
