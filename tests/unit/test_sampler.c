/* test_sampler.c - derived values: CPU %, deltas, locality, outside. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sampler.h"

/* Two nodes (ids 0 and 2, to catch index/id mix-ups), one domain. */
static struct xn_domain *make(struct xn_snapshot *s, uint64_t mono_ns, uint64_t cpu_ns, uint64_t p0,
                              uint64_t p2)
{
	memset(s, 0, sizeof(*s));
	xn_host_alloc_nodes(&s->host, 2);
	s->host.nodes[0].id = 0;
	s->host.nodes[1].id = 2;
	s->mono_ns = mono_ns;
	struct xn_domain *d = xn_snapshot_add_domain(s);
	d->id = 7;
	xn_domain_set_name(d, "vm7");
	d->cpu_ns = cpu_ns;
	d->node_pages[0] = p0;
	d->node_pages[1] = p2;
	d->vcpus = 2;
	xn_domain_alloc_vcpu_node(d);
	d->vcpu_node[0] = 2;
	d->vcpu_node[1] = -1;
	XN_NM_SET(&d->node_affinity, 0);
	d->valid = XN_DOM_CPU_NS | XN_DOM_PAGES | XN_DOM_VCPU_NODE | XN_DOM_AFFINITY;
	return d;
}

int main(void)
{
	struct xn_snapshot a, b;
	make(&a, 1000000000ull, 5000000000ull, 100, 300);
	struct xn_domain *d = make(&b, 3000000000ull, 6000000000ull, 150, 250);

	xn_derive(NULL, &a);
	CHECK(!(a.domains[0].valid & XN_DOM_CPU_PCT)); /* one sample: no rate */
	CHECK(!(a.domains[0].valid & XN_DOM_DELTA));
	CHECK(a.domains[0].valid & XN_DOM_LOCALITY);

	xn_derive(&a, &b);
	CHECK(b.interval > 1.99 && b.interval < 2.01);
	CHECK(d->valid & XN_DOM_CPU_PCT);
	CHECK(d->cpu_pct > 49.99 && d->cpu_pct < 50.01); /* 1 s of CPU in 2 s */
	CHECK(d->valid & XN_DOM_DELTA);
	CHECK(d->node_delta[0] == 50 && d->node_delta[1] == -50);
	/* vCPU 0 ran on node id 2 = index 1: 250 of 400 pages are local */
	CHECK(d->locality > 62.49 && d->locality < 62.51);
	/* affinity {0}: the 250 pages on node 2 are outside */
	CHECK_EQ_U64(d->pages_outside, 250);

	/* LOCAL% is the mean over vCPUs of their node's share: with vCPU 0 on
	 * node 2 (250 of 400) and vCPU 1 on node 0 (150 of 400), (62.5 + 37.5)
	 * / 2 = 50, not the 100 of "pages on nodes where any vCPU runs" */
	d->vcpu_node[1] = 0;
	d->valid &= ~(unsigned)XN_DOM_LOCALITY;
	xn_derive(&a, &b);
	CHECK(d->locality > 49.99 && d->locality < 50.01);
	/* two vCPUs on node 2, one on node 0: (62.5 * 2 + 37.5) / 3 */
	d->vcpus = 3;
	free(d->vcpu_node);
	d->vcpu_node = NULL;
	xn_domain_alloc_vcpu_node(d);
	d->vcpu_node[0] = 2;
	d->vcpu_node[1] = 0;
	d->vcpu_node[2] = 2;
	d->valid &= ~(unsigned)XN_DOM_LOCALITY;
	xn_derive(&a, &b);
	CHECK(d->locality > 54.166 && d->locality < 54.167);
	d->vcpus = 2;

	/* a reused id with another name is another domain: no rate */
	xn_domain_set_name(d, "other");
	d->valid &= ~(unsigned)(XN_DOM_CPU_PCT | XN_DOM_DELTA);
	xn_derive(&a, &b);
	CHECK(!(d->valid & XN_DOM_CPU_PCT));

	/* unknown pages: no locality, no outside, never a made-up 0 */
	d->valid &= ~(unsigned)(XN_DOM_PAGES | XN_DOM_LOCALITY | XN_DOM_OUTSIDE);
	xn_derive(&a, &b);
	CHECK(!(d->valid & (XN_DOM_LOCALITY | XN_DOM_OUTSIDE | XN_DOM_DELTA)));

	/* a value the source gave (replay) is kept */
	d->valid |= XN_DOM_PAGES | XN_DOM_LOCALITY;
	d->locality = 12.5;
	xn_derive(&a, &b);
	CHECK(d->locality == 12.5);

	/* deep copy is independent */
	struct xn_snapshot c;
	memset(&c, 0, sizeof(c));
	CHECK(xn_snapshot_copy(&c, &b) == 0);
	CHECK(c.domains[0].node_pages != b.domains[0].node_pages);
	CHECK_STR(c.domains[0].name, "other");
	CHECK_EQ_U64(c.domains[0].node_pages[1], 250);
	CHECK(xn_snapshot_find(&c, 7) == &c.domains[0]);
	CHECK(xn_snapshot_find(&c, 8) == NULL);
	xn_snapshot_clear(&c);
	xn_snapshot_clear(&a);
	xn_snapshot_clear(&b);
	return check_report("sampler");
}
