/* test_vcpus_within.c - xn_vcpus_within (placement.h): the one test that
 * --apply-advice, the balancer and the feasibility check's "it already runs
 * there" share. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "nodemask.h"
#include "placement.h"
#include "snapshot.h"

static xn_nodemask mask_of(int a, int b)
{
	xn_nodemask m;
	memset(&m, 0, sizeof(m));
	XN_NM_SET(&m, a);
	if (b >= 0)
		XN_NM_SET(&m, b);
	return m;
}

static void test_within(void)
{
	struct xn_snapshot s;
	memset(&s, 0, sizeof(s));
	struct xn_domain *d = xn_snapshot_add_domain(&s);
	d->id = 3;
	d->vcpus = 3;
	xn_nodemask n1 = mask_of(1, -1), n01 = mask_of(0, 1);
	/* no vCPU node data: nothing is known to run there */
	CHECK(!xn_vcpus_within(d, &n1));
	CHECK(xn_domain_alloc_vcpu_node(d) == 0);
	d->valid |= XN_DOM_VCPU_NODE;
	/* every vCPU not running: none known, so not "within" */
	CHECK(!xn_vcpus_within(d, &n1));
	d->vcpu_node[0] = 1;
	d->vcpu_node[2] = 1;
	/* vCPU 1 not running: the two known ones decide */
	CHECK(xn_vcpus_within(d, &n1));
	d->vcpu_node[1] = 0;
	CHECK(!xn_vcpus_within(d, &n1));
	CHECK(xn_vcpus_within(d, &n01));
	/* a node id past the mask is never within */
	d->vcpu_node[1] = XN_MAX_NODES;
	CHECK(!xn_vcpus_within(d, &n01));
	xn_snapshot_clear(&s);
}

/* The feasibility check accepts fewer CPUs than vCPUs only when the vCPUs
 * already run there (the same test). */
static void test_overcommit(void)
{
	struct xn_snapshot s;
	memset(&s, 0, sizeof(s));
	CHECK(xn_host_alloc_nodes(&s.host, 2) == 0);
	for (int i = 0; i < 2; i++) {
		struct xn_node *n = &s.host.nodes[i];
		n->id = i;
		n->valid = XN_NODE_CPUS | XN_NODE_FREE;
		xn_bits_set(n->cpus.w, i);
		n->mem_total = n->mem_free = (uint64_t)4 << 30;
	}
	s.host.nr_nodes = 2;
	struct xn_domain *d = xn_snapshot_add_domain(&s);
	d->id = 5;
	d->vcpus = 2;
	CHECK(xn_domain_alloc_vcpu_node(d) == 0);
	d->valid |= XN_DOM_VCPU_NODE;
	d->vcpu_node[0] = 0;
	d->vcpu_node[1] = 1;
	struct xn_place_req q = {.s = &s, .d = d, .nodes = mask_of(1, -1), .hard_binds = true};
	struct xn_place_result r;
	CHECK(xn_place_check(&q, &r) == -EINVAL);
	CHECK(r.refusal == XN_PLACE_FEW_CPUS);
	d->vcpu_node[0] = 1;
	CHECK(xn_place_check(&q, &r) == 0);
	CHECK(r.overcommitted);
	/* a vCPU not running is not held against the target */
	d->vcpu_node[0] = -1;
	CHECK(xn_place_check(&q, &r) == 0);
	xn_snapshot_clear(&s);
}

int main(void)
{
	test_within();
	test_overcommit();
	return check_report("test_vcpus_within");
}
