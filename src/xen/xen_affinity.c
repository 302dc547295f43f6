/* xen_affinity.c - change a domain's node affinity (xc_domain_node_setaffinity)
 * and, on request, its vCPUs' soft affinity to the chosen nodes' CPUs, as
 * libxl does for automatic placement; or (XN_AFF_NO_MEMORY) only the soft
 * affinity. Xen steers future allocations only: nothing already allocated
 * moves, and the message says so. A vCPU whose hard affinity excludes every
 * target CPU is refused before anything changes. */
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

/* The CPU map of the chosen nodes (all: every online CPU) into map. */
static void nodes_cpumap(const struct xen_priv *p, const xn_nodemask *nodes, bool all, uint8_t *map)
{
	memset(map, 0, (size_t)p->cpumap_size);
	for (int c = 0; c < p->nr_cpu_ids && c < p->cpumap_size * 8; c++) {
		int nd = p->cpu_node[c];
		if (nd >= 0 && (all || XN_NM_TEST(nodes, nd)))
			map[c / 8] |= (uint8_t)(1u << (c % 8));
	}
}

/* Soft affinity cannot take a vCPU where its hard affinity forbids (Xen
 * would accept the call and ignore it): refuse, before anything changes,
 * when a vCPU's hard affinity holds none of the target CPUs. 0, -EINVAL
 * naming the vCPU, or Xen's refusal. */
static int check_hard_affinity(struct xen_priv *p, uint32_t domid, uint32_t nr_vcpus,
                               const uint8_t *target, const char *cpus, const char *where)
{
	for (uint32_t v = 0; v < nr_vcpus; v++) {
		if (xc_vcpu_getaffinity(p->xch, domid, (int)v, p->vcpu_hard, p->vcpu_soft,
		                        XEN_VCPUAFFINITY_HARD))
			return refused(p, "xc_vcpu_getaffinity", domid);
		bool meets = false;
		for (int b = 0; b < p->cpumap_size && !meets; b++)
			meets = (p->vcpu_hard[b] & target[b]) != 0;
		if (meets)
			continue;
		char hard[1024];
		xen_cpumap_format(p, p->vcpu_hard, hard, sizeof(hard));
		return xn_source_fail(&p->base, -EINVAL,
		                      "vCPU %u of domain %u has hard affinity %s, which excludes "
		                      "every CPU of %s (%s): soft affinity cannot override it "
		                      "(change it first with xl vcpu-pin); nothing was changed",
		                      v, domid, hard, where, cpus);
	}
	return 0;
}

/* Soft affinity of every vCPU = target (the CPUs of the chosen nodes).
 * Returns 0 or -errno (with *done = the vCPUs set before). */
static int set_soft_affinity(struct xen_priv *p, uint32_t domid, uint32_t nr_vcpus,
                             const uint8_t *target, int *done)
{
	int sz = p->cpumap_size, r = 0;
	uint8_t *copy = malloc((size_t)sz), *hard = calloc(1, (size_t)sz);
	*done = 0;
	if (!copy || !hard) {
		r = -ENOMEM;
		goto out;
	}
	for (uint32_t v = 0; v < nr_vcpus; v++) {
		/* The call writes back the effective map: give it a fresh copy. */
		memcpy(copy, target, (size_t)sz);
		if (xc_vcpu_setaffinity(p->xch, domid, (int)v, hard, copy, XEN_VCPUAFFINITY_SOFT)) {
			r = refused(p, "xc_vcpu_setaffinity", domid);
			goto out;
		}
		(*done)++;
	}
out:
	free(copy);
	free(hard);
	return r;
}

/* XN_AFF_NO_MEMORY: the vCPUs' soft affinity only; node affinity (where
 * Xen allocates next) and the pages stay as they are. */
static int steer_vcpus_only(struct xen_priv *p, uint32_t domid, uint32_t nr_vcpus,
                            const uint8_t *target, const char *cpus, const char *where,
                            unsigned flags, char *msg, size_t msglen)
{
	if (flags & XN_AFF_DRY_RUN) {
		snprintf(msg, msglen,
		         "would set the soft affinity of %u vCPU%s to CPUs %s (%s); node affinity "
		         "and memory not changed",
		         nr_vcpus, nr_vcpus == 1 ? "" : "s", cpus, where);
		return 0;
	}
	int done = 0;
	int r = set_soft_affinity(p, domid, nr_vcpus, target, &done);
	snprintf(msg, msglen,
	         "set the soft affinity of %d vCPU%s to CPUs %s (%s); node affinity and memory "
	         "not changed",
	         done, done == 1 ? "" : "s", cpus, where);
	if (r == -ENOMEM) {
		xn_source_fail(&p->base, r, "out of memory");
	} else if (r && done) {
		char why[sizeof(p->base.err)];
		xn_strlcpy(why, p->base.err, sizeof(why));
		xn_source_fail(&p->base, r,
		               "%s (after setting the soft affinity of %d of %u vCPUs; node "
		               "affinity and memory not changed)",
		               why, done, nr_vcpus);
	}
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
	/* Whatever follows changes, the next refresh shows it, not the cache's
	 * copy (which is kept up to XEN_AFFINITY_MAX_AGE_NS otherwise). */
	xen_cache_affinity_changed(p, (uint32_t)domid);
	xen_pools_changed(p); /* and judged against the pools as they are then */

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

	/* max_vcpu_id is ~0 while a domain has no vCPUs yet: then there are 0 */
	uint32_t nr_vcpus = info.max_vcpu_id + 1;
	bool steer = flags & (XN_AFF_CPUS | XN_AFF_NO_MEMORY);
	uint8_t *target = steer ? malloc((size_t)p->cpumap_size) : NULL;
	char cpus[1024] = "";
	if (steer) {
		if (!target) {
			host_free(&h);
			return xn_source_fail(src, -ENOMEM, "out of memory");
		}
		char where[300];
		if (all)
			snprintf(where, sizeof(where), "all nodes");
		else
			snprintf(where, sizeof(where), "node%s %s", strpbrk(want, ",-") ? "s" : "",
			         want);
		nodes_cpumap(p, nodes, all, target);
		xen_cpumap_format(p, target, cpus, sizeof(cpus));
		r = check_hard_affinity(p, (uint32_t)domid, nr_vcpus, target, cpus, where);
		if (!r && (flags & XN_AFF_NO_MEMORY))
			r = steer_vcpus_only(p, (uint32_t)domid, nr_vcpus, target, cpus, where,
			                     flags, msg, msglen);
		if (r || (flags & XN_AFF_NO_MEMORY)) {
			free(target);
			host_free(&h);
			return r;
		}
	}

	if (flags & XN_AFF_DRY_RUN) {
		if (steer)
			snprintf(msg, msglen,
			         "would set node affinity to %s (now %s) and the soft affinity of "
			         "%u "
			         "vCPU%s to CPUs %s",
			         want, was, nr_vcpus, nr_vcpus == 1 ? "" : "s", cpus);
		else
			snprintf(msg, msglen, "would set node affinity to %s (now %s)", want, was);
		free(target);
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
		free(target);
		host_free(&h);
		return r;
	}
	read_affinity_list(p, (uint32_t)domid, &h, now, sizeof(now));
	int w = snprintf(msg, msglen,
	                 "node affinity %s (was %s; asked %s%s); Xen applies it to future "
	                 "allocations only: pages already allocated stay where they are",
	                 now, was, want, all ? ": automatic placement" : "");
	if (steer) {
		int done = 0;
		r = set_soft_affinity(p, (uint32_t)domid, nr_vcpus, target, &done);
		if (w >= 0 && (size_t)w < msglen)
			snprintf(msg + w, msglen - (size_t)w,
			         "; vCPU soft affinity set to CPUs %s on %d of %u vCPUs", cpus,
			         done, nr_vcpus);
		if (r == -ENOMEM)
			xn_source_fail(src, r, "out of memory");
	}
	free(target);
	host_free(&h);
	return r;
}
