/* snapshot.c - ownership helpers of the data model (see snapshot.h). */
#include "snapshot.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

static void vcpu_info_free(struct xn_vcpu *v, uint32_t n)
{
	for (uint32_t i = 0; v && i < n; i++) {
		free(v[i].hard);
		free(v[i].soft);
	}
	free(v);
}

static void domain_free(struct xn_domain *d)
{
	free(d->name);
	free(d->node_pages);
	free(d->node_delta);
	free(d->vcpu_node);
	vcpu_info_free(d->vcpu_info, d->vcpus);
	free(d->netif);
	free(d->vbd);
	free(d->cpuset_cpus);
}

const struct xn_cpupool *xn_host_pool(const struct xn_host *h, uint32_t id)
{
	for (int i = 0; i < h->nr_pools; i++)
		if (h->pools[i].id == id)
			return &h->pools[i];
	return NULL;
}

void xn_snapshot_clear(struct xn_snapshot *s)
{
	for (size_t i = 0; i < s->nr_domains; i++)
		domain_free(&s->domains[i]);
	free(s->domains);
	free(s->host.nodes);
	free(s->host.zones);
	free(s->host.distance);
	free(s->host.pools);
	memset(s, 0, sizeof(*s));
}

struct xn_domain *xn_snapshot_add_domain(struct xn_snapshot *s)
{
	/* Doubling, not one slot at a time: a refresh of a few hundred domains
	 * would otherwise copy the array hundreds of times and leave the
	 * allocator a trail of ever larger freed blocks between the small
	 * per-domain ones. */
	if (s->nr_domains == s->cap_domains) {
		size_t cap = s->cap_domains ? 2 * s->cap_domains : 16;
		struct xn_domain *nd = realloc(s->domains, cap * sizeof(*nd));
		if (!nd)
			return NULL;
		s->domains = nd;
		s->cap_domains = cap;
	}
	struct xn_domain *d = &s->domains[s->nr_domains];
	memset(d, 0, sizeof(*d));
	size_t nn = s->host.nr_nodes > 0 ? (size_t)s->host.nr_nodes : 1;
	d->node_pages = calloc(nn, sizeof(*d->node_pages));
	d->node_delta = calloc(nn, sizeof(*d->node_delta));
	if (!d->node_pages || !d->node_delta) {
		free(d->node_pages);
		free(d->node_delta);
		return NULL;
	}
	memset(d->state, '-', 6);
	d->mem_max = UINT64_MAX;
	s->nr_domains++;
	return d;
}

void xn_snapshot_drop_last(struct xn_snapshot *s)
{
	if (!s->nr_domains)
		return;
	struct xn_domain *d = &s->domains[--s->nr_domains];
	domain_free(d);
	memset(d, 0, sizeof(*d));
}

int xn_domain_set_name(struct xn_domain *d, const char *name)
{
	char *n = strdup(name);
	if (!n)
		return -ENOMEM;
	free(d->name);
	d->name = n;
	return 0;
}

int xn_domain_alloc_vcpu_node(struct xn_domain *d)
{
	free(d->vcpu_node);
	d->vcpu_node = malloc((d->vcpus ? d->vcpus : 1) * sizeof(int));
	if (!d->vcpu_node)
		return -ENOMEM;
	for (uint32_t i = 0; i < d->vcpus; i++)
		d->vcpu_node[i] = -1;
	return 0;
}

int xn_domain_alloc_vcpu_info(struct xn_domain *d)
{
	vcpu_info_free(d->vcpu_info, d->vcpus);
	d->vcpu_info = calloc(d->vcpus ? d->vcpus : 1, sizeof(*d->vcpu_info));
	if (!d->vcpu_info) {
		d->valid &= ~(unsigned)XN_DOM_VCPU_INFO;
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < d->vcpus; i++) {
		d->vcpu_info[i].cpu = -1;
		d->vcpu_info[i].state = '-';
	}
	d->valid |= XN_DOM_VCPU_INFO;
	return 0;
}

/* Deep copy of a vcpu_info array; NULL on failure (or when a is NULL). */
static struct xn_vcpu *vcpu_info_dup(const struct xn_vcpu *a, uint32_t n)
{
	if (!a)
		return NULL;
	struct xn_vcpu *b = calloc(n ? n : 1, sizeof(*b));
	if (!b)
		return NULL;
	for (uint32_t i = 0; i < n; i++) {
		b[i] = a[i];
		b[i].hard = a[i].hard ? strdup(a[i].hard) : NULL;
		b[i].soft = a[i].soft ? strdup(a[i].soft) : NULL;
		if ((a[i].hard && !b[i].hard) || (a[i].soft && !b[i].soft)) {
			vcpu_info_free(b, i + 1);
			return NULL;
		}
	}
	return b;
}

int xn_host_alloc_nodes(struct xn_host *h, int n)
{
	free(h->nodes);
	free(h->distance);
	size_t nn = n > 0 ? (size_t)n : 1;
	h->nodes = calloc(nn, sizeof(*h->nodes));
	h->distance = calloc(nn * nn, sizeof(*h->distance));
	if (!h->nodes || !h->distance) {
		free(h->nodes);
		free(h->distance);
		h->nodes = NULL;
		h->distance = NULL;
		h->nr_nodes = 0;
		return -ENOMEM;
	}
	h->nr_nodes = n;
	return 0;
}

struct xn_zone *xn_host_add_zone(struct xn_host *h)
{
	struct xn_zone *nz = realloc(h->zones, ((size_t)h->nr_zones + 1) * sizeof(*nz));
	if (!nz)
		return NULL;
	h->zones = nz;
	memset(&nz[h->nr_zones], 0, sizeof(*nz));
	return &nz[h->nr_zones++];
}

int xn_host_node_index(const struct xn_host *h, int node_id)
{
	for (int i = 0; i < h->nr_nodes; i++)
		if (h->nodes[i].id == node_id)
			return i;
	return -1;
}

static int cmp_dom_id(const void *a, const void *b)
{
	const struct xn_domain *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

void xn_snapshot_sort(struct xn_snapshot *s)
{
	if (s->nr_domains > 1)
		qsort(s->domains, s->nr_domains, sizeof(*s->domains), cmp_dom_id);
}

struct xn_domain *xn_snapshot_find(const struct xn_snapshot *s, int64_t id)
{
	size_t lo = 0, hi = s->nr_domains;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->domains[mid].id == id)
			return &s->domains[mid];
		if (s->domains[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void *dup_mem(const void *p, size_t n)
{
	if (!p)
		return NULL;
	void *q = malloc(n ? n : 1);
	if (q)
		memcpy(q, p, n);
	return q;
}

int xn_snapshot_copy(struct xn_snapshot *dst, const struct xn_snapshot *src)
{
	xn_snapshot_clear(dst);
	*dst = *src;
	dst->domains = NULL;
	dst->nr_domains = 0;
	dst->cap_domains = 0;
	size_t nn = src->host.nr_nodes > 0 ? (size_t)src->host.nr_nodes : 1;
	dst->host.nodes = dup_mem(src->host.nodes, nn * sizeof(*src->host.nodes));
	dst->host.distance = dup_mem(src->host.distance, nn * nn * sizeof(uint32_t));
	dst->host.zones =
	        dup_mem(src->host.zones, (size_t)src->host.nr_zones * sizeof(struct xn_zone));
	dst->host.pools =
	        dup_mem(src->host.pools, (size_t)src->host.nr_pools * sizeof(struct xn_cpupool));
	if ((src->host.nodes && !dst->host.nodes) || (src->host.distance && !dst->host.distance) ||
	    (src->host.zones && !dst->host.zones) || (src->host.pools && !dst->host.pools))
		goto fail;
	if (src->nr_domains) {
		dst->domains = calloc(src->nr_domains, sizeof(*dst->domains));
		if (!dst->domains)
			goto fail;
		dst->cap_domains = src->nr_domains;
	}
	for (size_t i = 0; i < src->nr_domains; i++) {
		const struct xn_domain *a = &src->domains[i];
		struct xn_domain *b = &dst->domains[i];
		*b = *a;
		b->name = a->name ? strdup(a->name) : NULL;
		b->node_pages = dup_mem(a->node_pages, nn * sizeof(uint64_t));
		b->node_delta = dup_mem(a->node_delta, nn * sizeof(int64_t));
		b->vcpu_node = dup_mem(a->vcpu_node, (a->vcpus ? a->vcpus : 1) * sizeof(int));
		b->vcpu_info = vcpu_info_dup(a->vcpu_info, a->vcpus);
		/* the device arrays hold nets/vbds entries only when valid (a
		 * source may stop filling one half way, out of memory) */
		bool nd = a->valid & XN_DOM_NET_DEVS, vd = a->valid & XN_DOM_VBD_DEVS;
		b->netif = nd ? dup_mem(a->netif, a->nets * sizeof(*a->netif)) : NULL;
		b->vbd = vd ? dup_mem(a->vbd, a->vbds * sizeof(*a->vbd)) : NULL;
		b->cpuset_cpus = dup_mem(a->cpuset_cpus, sizeof(*a->cpuset_cpus));
		dst->nr_domains = i + 1;
		if ((a->name && !b->name) || (a->node_pages && !b->node_pages) ||
		    (a->node_delta && !b->node_delta) || (a->vcpu_node && !b->vcpu_node) ||
		    (a->vcpu_info && !b->vcpu_info) || (nd && a->netif && !b->netif) ||
		    (vd && a->vbd && !b->vbd) || (a->cpuset_cpus && !b->cpuset_cpus))
			goto fail;
	}
	return 0;
fail:
	xn_snapshot_clear(dst);
	return -ENOMEM;
}

uint64_t xn_domain_pages_total(const struct xn_domain *d, int nr_nodes)
{
	uint64_t t = 0;
	if (!(d->valid & XN_DOM_PAGES))
		return 0;
	for (int i = 0; i < nr_nodes; i++)
		t += d->node_pages[i];
	return t;
}

static const char *const method_names[XN_PAGES__COUNT] = {
        [XN_PAGES_NONE] = "none",         [XN_PAGES_NUMA_MAPS] = "numa_maps",
        [XN_PAGES_SAMPLED] = "sampled",   [XN_PAGES_CGROUP] = "cgroup",
        [XN_PAGES_XEN_OP] = "xen_op",     [XN_PAGES_XEN_DEBUGKEY] = "debugkey_u",
        [XN_PAGES_RECORDED] = "recorded", [XN_PAGES_XEN_OP_UPPER] = "xen_op_upper",
};

const char *xn_pages_method_name(enum xn_pages_method m)
{
	return (unsigned)m < XN_PAGES__COUNT ? method_names[m] : "none";
}

enum xn_pages_method xn_pages_method_parse(const char *name)
{
	for (int i = 0; i < XN_PAGES__COUNT; i++)
		if (!strcmp(method_names[i], name))
			return (enum xn_pages_method)i;
	return XN_PAGES_NONE;
}

static void host_nodes_list(const struct xn_host *h, char *buf, size_t len)
{
	xn_nodemask all;
	memset(&all, 0, sizeof(all));
	for (int i = 0; i < h->nr_nodes; i++)
		XN_NM_SET(&all, h->nodes[i].id);
	xn_bits_format_list(all.w, XN_MAX_NODES, buf, len);
}

int xn_nodelist_parse(const char *s, const struct xn_host *h, xn_nodemask *out, char *err,
                      size_t errlen)
{
	char valid[256];
	host_nodes_list(h, valid, sizeof(valid));
	memset(out, 0, sizeof(*out));
	if (!strcmp(s, "all")) {
		for (int i = 0; i < h->nr_nodes; i++)
			XN_NM_SET(out, h->nodes[i].id);
		return 0;
	}
	char perr[128];
	int r = xn_bits_parse_list(s, out->w, XN_MAX_NODES, perr, sizeof(perr));
	if (r)
		return xn_errf(err, errlen, -EINVAL, "bad node list \"%s\": %s (valid nodes: %s)",
		               s, perr, valid);
	if (xn_bits_empty(out->w, XN_MAX_NODES))
		return xn_errf(err, errlen, -EINVAL, "empty node list (valid nodes: %s)", valid);
	for (int b = xn_bits_next(out->w, XN_MAX_NODES, 0); b >= 0;
	     b = xn_bits_next(out->w, XN_MAX_NODES, b + 1))
		if (xn_host_node_index(h, b) < 0)
			return xn_errf(err, errlen, -EINVAL,
			               "node %d does not exist (valid nodes: %s)", b, valid);
	return 0;
}

bool xn_nodemask_is_all(const xn_nodemask *m, const struct xn_host *h)
{
	for (int i = 0; i < h->nr_nodes; i++)
		if (!XN_NM_TEST(m, h->nodes[i].id))
			return false;
	return h->nr_nodes > 0;
}

void xn_uuid_format(const uint8_t u[16], char out[XN_UUID_STR])
{
	snprintf(out, XN_UUID_STR,
	         "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
	         u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
	         u[15]);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

int xn_uuid_parse(const char *s, uint8_t u[16])
{
	size_t n = 0;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash != (s[i] == '-'))
			return -EINVAL;
		if (dash)
			continue;
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		u[n++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	return s[36] ? -EINVAL : 0;
}
