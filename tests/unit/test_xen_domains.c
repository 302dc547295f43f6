/* test_xen_domains.c - the xen source's domain list (src/xen_domains.c)
 * against a fake libxenstat: past 256 domains with gaps in their ids,
 * libxenstat 4.17 lists some domains twice (it starts each chunk of 256 at
 * the number of domains read so far, not after the last id); each must be
 * shown once, and none lost. This file defines the xenstat_* functions the
 * source calls (and xc_get_nodemap_size, so that no hypercall is made), so
 * the program takes them instead of the shared libraries'. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#ifndef HAVE_XEN
int main(void)
{
	printf("built without Xen development files\n");
	return 77;
}
#else
#include "xen/xen_priv.h"

struct xenstat_domain {
	unsigned id;
	char name[32];
};
struct xenstat_node {
	unsigned n;
	struct xenstat_domain *d;
};

static struct xenstat_node fake_node;

xenstat_node *xenstat_get_node(xenstat_handle *handle, unsigned int flags)
{
	(void)handle, (void)flags;
	return &fake_node;
}
void xenstat_free_node(xenstat_node *node)
{
	(void)node;
}
unsigned int xenstat_node_num_domains(xenstat_node *node)
{
	return node->n;
}
xenstat_domain *xenstat_node_domain_by_index(xenstat_node *node, unsigned index)
{
	return index < node->n ? &node->d[index] : NULL;
}
unsigned xenstat_domain_id(xenstat_domain *d)
{
	return d->id;
}
char *xenstat_domain_name(xenstat_domain *d)
{
	return d->name;
}
#define ZERO(name)                                                                                 \
	unsigned int name(xenstat_domain *d)                                                       \
	{                                                                                          \
		(void)d;                                                                           \
		return 0;                                                                          \
	}
ZERO(xenstat_domain_dying)
ZERO(xenstat_domain_shutdown)
ZERO(xenstat_domain_blocked)
ZERO(xenstat_domain_crashed)
ZERO(xenstat_domain_paused)
ZERO(xenstat_domain_running)
ZERO(xenstat_domain_num_vcpus) /* no vCPU: no xc_vcpu_* call */
ZERO(xenstat_domain_num_networks)
ZERO(xenstat_domain_num_vbds)
unsigned long long xenstat_domain_cpu_ns(xenstat_domain *d)
{
	return d->id;
}
unsigned long long xenstat_domain_cur_mem(xenstat_domain *d)
{
	return 4096ull * d->id;
}
unsigned long long xenstat_domain_max_mem(xenstat_domain *d)
{
	(void)d;
	return (unsigned long long)-1;
}
xenstat_network *xenstat_domain_network(xenstat_domain *d, unsigned int i)
{
	(void)d, (void)i;
	return NULL;
}
xenstat_vbd *xenstat_domain_vbd(xenstat_domain *d, unsigned int i)
{
	(void)d, (void)i;
	return NULL;
}
/* read_affinity asks no further when Xen has no node map */
int xc_get_nodemap_size(xc_interface *xch)
{
	(void)xch;
	return 0;
}

/* ids as libxenstat 4.17 lists dom0 + ids 4..303: chunk 1 is the first
 * 256 (0, 4..258), chunk 2 starts at domain id 256 (256..303). */
static unsigned list_like_xenstat(struct xenstat_domain *d)
{
	unsigned n = 0, ids[300 + 1];

	ids[0] = 0;
	for (unsigned i = 0; i < 300; i++)
		ids[i + 1] = 4 + i;
	for (unsigned start = 0, got = 0;; start = got) {
		unsigned chunk = 0;
		for (unsigned i = 0; i < 301 && chunk < 256; i++)
			if (ids[i] >= start) {
				d[n].id = ids[i];
				snprintf(d[n].name, sizeof(d[n].name), "d%u", ids[i]);
				n++, chunk++;
			}
		got += chunk;
		if (chunk < 256)
			break;
	}
	return n;
}

int main(void)
{
	static struct xenstat_domain doms[1024];
	struct xen_priv p;
	struct xn_snapshot s;

	memset(&p, 0, sizeof(p));
	memset(&s, 0, sizeof(s));
	fake_node.d = doms;
	fake_node.n = list_like_xenstat(doms);
	CHECK_EQ_U64(fake_node.n, 304); /* 3 listed twice: the bug worked around */

	CHECK_EQ_U64(xen_domains_sample(&p, &s), 0);
	CHECK_EQ_U64(s.nr_domains, 301);
	for (size_t i = 1; i < s.nr_domains; i++)
		CHECK(s.domains[i].id == s.domains[i - 1].id + (i == 1 ? 4 : 1));
	CHECK_STR(s.domains[300].name, "d303");
	CHECK_EQ_U64(s.domains[300].mem_cur, 4096ull * 303);
	xn_snapshot_clear(&s);
	return check_report("test_xen_domains");
}
#endif
