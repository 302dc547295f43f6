/* test_advise.c - the placement advisor on built snapshots: each expected
 * figure is worked out by hand in the comment beside it. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "placement.h"
#include "check.h"
#include "sampler.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)
#define NEAR(a, b) (fabs((double)(a) - (double)(b)) < 1e-6)

/* A host of nn nodes (ids 0,2,4,... to catch index/id mix-ups), cpn CPUs
 * per node, free_gib GiB free on each, distances 10 local / 20 remote. */
static void host(struct xn_snapshot *s, const char *origin, int nn, int cpn, double free_gib)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->origin, sizeof(s->origin), "%s", origin);
	xn_host_alloc_nodes(&s->host, nn);
	s->host.page_size = 4096;
	s->host.nr_cpus = nn * cpn;
	s->host.valid = XN_HOST_DISTANCE | XN_HOST_CPUS;
	for (int i = 0; i < nn; i++) {
		struct xn_node *n = &s->host.nodes[i];
		n->id = 2 * i;
		n->mem_total = 8 * GIB;
		n->mem_free = (uint64_t)(free_gib * (double)GIB);
		for (int c = 0; c < cpn; c++)
			XN_NM_SET(&n->cpus, i * cpn + c);
		n->valid = XN_NODE_TOTAL | XN_NODE_FREE | XN_NODE_CPUS;
		for (int j = 0; j < nn; j++)
			s->host.distance[i * nn + j] = i == j ? 10 : 20;
	}
}

/* A domain with pages per node index and vCPUs on node ids. */
static struct xn_domain *dom(struct xn_snapshot *s, int64_t id, const char *name,
                             const uint64_t *pages, const int *vnode, uint32_t nv)
{
	struct xn_domain *d = xn_snapshot_add_domain(s);
	d->id = id;
	xn_domain_set_name(d, name);
	for (int i = 0; i < s->host.nr_nodes; i++)
		d->node_pages[i] = pages[i];
	d->vcpus = nv;
	xn_domain_alloc_vcpu_node(d);
	for (uint32_t v = 0; v < nv; v++)
		d->vcpu_node[v] = vnode[v];
	d->valid |= XN_DOM_PAGES | XN_DOM_VCPU_NODE | XN_DOM_VCPUS;
	return d;
}

/* The domain's advice; a missing one reads as action __COUNT ("(none)"),
 * so that every check on it fails rather than crashes. */
static const struct xn_advice *advice_of(const struct xn_snapshot *s, int64_t id)
{
	static const struct xn_advice missing = {.action = XN_ADVICE__COUNT, .reason = "(none)"};
	const struct xn_domain *d = xn_snapshot_find(s, id);
	return d && (d->valid & XN_DOM_ADVICE) ? &d->advice : &missing;
}

static void short_form(const struct xn_snapshot *s, int64_t id, char *buf, size_t len)
{
	const struct xn_advice *a = advice_of(s, id);
	if (a->action < XN_ADVICE__COUNT)
		xn_advice_format_short(a, buf, len);
	else
		snprintf(buf, len, "(none)");
}

#define CHECK_ADVICE(s, id, want)                                                                  \
	do {                                                                                       \
		char got_[64];                                                                     \
		short_form((s), (id), got_, sizeof(got_));                                         \
		CHECK_STR(got_, (want));                                                           \
	} while (0)

static void derive(struct xn_snapshot *prev, struct xn_snapshot *s)
{
	xn_snapshot_sort(s);
	xn_derive(prev, s);
}

/* One node only: everything is local, nothing to advise. */
static void test_one_node(void)
{
	struct xn_snapshot s;
	host(&s, "linux", 1, 4, 4);
	uint64_t p[] = {65536};
	int vn[] = {0, 0};
	dom(&s, 10, "vm", p, vn, 2);
	derive(NULL, &s);
	CHECK_ADVICE(&s, 10, "ok");
	CHECK(NEAR(advice_of(&s, 10)->local_now, 100));
	CHECK(strstr(advice_of(&s, 10)->reason, "well placed") != NULL);
	xn_snapshot_clear(&s);
}

/* The Domain-0: vCPUs on every node of 4, pages 32/2/1/65 %.
 * Domain-0 is never advised ("-"): its vCPUs serve the guests' I/O. A guest
 * laid out the same way: LOCAL% = (32 + 2 + 1 + 65) / 4 = 25. Running its
 * vCPUs on node id 6 (index 3) gives 65; on the two nodes 0+6 (32+65)/2 =
 * 48.5 < 65. Expected access cost now: each vCPU sees its node's share at
 * 1.0 and the rest at 2.0: mean 2 - 0.25 = 1.75; after: 0.65 + 0.35 x 2 =
 * 1.35 (distance 13.5). 100 MiB free per node: no live move fits; 8
 * CPUs per node: 5 busy vCPUs on node 6 do not crowd it. */
static void test_dom0_spanning(void)
{
	struct xn_snapshot s;
	host(&s, "xen", 4, 8, 0.1);
	uint64_t p[] = {32 * 1000, 2 * 1000, 1 * 1000, 65 * 1000};
	int vn[] = {0, 2, 4, 6};
	dom(&s, 0, "Domain-0", p, vn, 4);
	dom(&s, 5, "guest", p, vn, 4);
	derive(NULL, &s);
	const struct xn_domain *d = xn_snapshot_find(&s, 0);
	CHECK(NEAR(d->locality, 25.0));
	CHECK_ADVICE(&s, 0, "-");
	CHECK(strstr(advice_of(&s, 0)->reason, "control domain") != NULL);
	CHECK_ADVICE(&s, 5, "1:vcpus>6");
	const struct xn_advice *a = advice_of(&s, 5);
	CHECK(NEAR(a->local_expected, 65.0));
	CHECK(!a->memory_moves);
	CHECK_EQ_U64(a->pages_to_move, 0);
	CHECK_EQ_U64(a->cpus_there, 8);
	/* its own vCPU on node 6 does not count as another domain's; Domain-0's does */
	CHECK_EQ_U64(a->vcpus_there, 1);
	CHECK(NEAR(a->distance, 13.5));
	/* Xen: the 35 % not on node 6 stays where it is, and the reason says so */
	CHECK(strstr(a->reason, "node 6") != NULL);
	CHECK(strstr(a->reason, "stays where it is") != NULL);
	CHECK(xn_advice_apply_flags(a) == XN_AFF_CPUS);
	xn_snapshot_clear(&s);
}

/* Memory all on node 0, the only vCPU on node 6 (index 3), the examples'
 * xnA. Xen: run the vCPU on node 0 (100 %). Linux: the same, as moving the
 * vCPU costs nothing and moving 512 MiB does. */
static void test_memory_and_vcpus_apart(void)
{
	const char *origins[] = {"xen", "linux"};
	for (int o = 0; o < 2; o++) {
		struct xn_snapshot s;
		host(&s, origins[o], 4, 2, 4);
		uint64_t p[] = {131072, 0, 0, 0};
		int vn[] = {6};
		dom(&s, 1, "xnA", p, vn, 1);
		derive(NULL, &s);
		CHECK(NEAR(xn_snapshot_find(&s, 1)->locality, 0));
		CHECK_ADVICE(&s, 1, "1:vcpus>0");
		const struct xn_advice *a = advice_of(&s, 1);
		CHECK(NEAR(a->local_expected, 100));
		CHECK(a->memory_moves == (o == 1));
		CHECK(strstr(a->reason, "run its vCPUs on node 0") != NULL);
		CHECK(xn_advice_apply_flags(a) ==
		      (o ? (unsigned)(XN_AFF_CPUS | XN_AFF_NO_MEMORY) : (unsigned)XN_AFF_CPUS));
		xn_snapshot_clear(&s);
	}
}

/* Cheapest first: 2 MiB of a 256 MiB process on the vCPUs' node makes
 * "both to node 0" gain 0.8 points over "vCPUs to node 0"; the fixed cost
 * of any move (5 points) keeps the vCPU move (an issue seen in the lab). */
static void test_cheapest_first(void)
{
	struct xn_snapshot s;
	host(&s, "linux", 2, 2, 4);
	uint64_t p[] = {65536 - 512, 512};
	int vn[] = {2, 2};
	dom(&s, 4, "vm", p, vn, 2);
	derive(NULL, &s);
	CHECK_ADVICE(&s, 4, "1:vcpus>0");
	CHECK(NEAR(advice_of(&s, 4)->local_expected, 100.0 * (65536 - 512) / 65536));
	xn_snapshot_clear(&s);
}

/* Linux: node 0's CPUs are crowded by other domains, so the vCPUs stay and
 * the memory moves to node 2, where they run: 256 MiB = 65536 pages. */
static void test_memory_to_vcpus(void)
{
	struct xn_snapshot s;
	host(&s, "linux", 2, 2, 4);
	uint64_t p[] = {65536, 0};
	int vn[] = {2, 2};
	dom(&s, 5, "vm", p, vn, 2);
	uint64_t q[] = {1024, 0};
	int busy[] = {0, 0, 0, 0, 0, 0};
	dom(&s, 6, "busy", q, busy, 6); /* 6 vCPUs on node 0's 2 CPUs */
	derive(NULL, &s);
	CHECK_ADVICE(&s, 5, "1:mem>2");
	const struct xn_advice *a = advice_of(&s, 5);
	CHECK(NEAR(a->local_expected, 100));
	CHECK_EQ_U64(a->pages_to_move, 65536);
	/* 4 GiB free - 256 MiB moved - the headroom: 2 % of 8 GiB (163.84 MiB,
	 * more than the 64 MiB floor) */
	CHECK(a->mem_free_after ==
	      (int64_t)(4 * GIB) - (int64_t)(256 * MIB) - (int64_t)(8 * GIB * 0.02));
	CHECK(strstr(a->reason, "move 256 MiB of memory to node 2") != NULL);
	CHECK(xn_advice_apply_flags(a) == 0);
	xn_snapshot_clear(&s);
}

/* test_memory_to_vcpus's process in a cpuset whose memory nodes are node 0
 * only: its pages may not go to node 2 (the kernel and --set-affinity
 * refuse), so that move is never advised. The same node affinity without
 * XN_DOM_MEMS_HARD (a Xen domain's is a preference) still gets it. */
static void test_cpuset_mems(void)
{
	for (int hard = 0; hard < 2; hard++) {
		struct xn_snapshot s;
		host(&s, "linux", 2, 2, 4);
		uint64_t p[] = {65536, 0};
		int vn[] = {2, 2};
		struct xn_domain *d = dom(&s, 5, "vm", p, vn, 2);
		XN_NM_SET(&d->node_affinity, 0);
		d->affinity_auto = false;
		d->valid |= XN_DOM_AFFINITY | (hard ? XN_DOM_MEMS_HARD : 0);
		uint64_t q[] = {1024, 0};
		int busy[] = {0, 0, 0, 0, 0, 0};
		dom(&s, 6, "busy", q, busy, 6);
		derive(NULL, &s);
		char got[64];
		short_form(&s, 5, got, sizeof(got));
		if (!hard)
			CHECK_STR(got, "1:mem>2");
		else
			CHECK(!strstr(got, ">2"));
		struct xn_place_req r = {
		        .s = &s, .d = xn_snapshot_find(&s, 5), .kind = XN_PLACE_MIGRATE};
		XN_NM_SET(&r.nodes, 2);
		struct xn_place_result res;
		int rc = xn_place_check(&r, &res);
		if (!hard)
			CHECK(rc == 0);
		else {
			CHECK(rc == -EACCES);
			CHECK(res.refusal == XN_PLACE_CPUSET);
			CHECK_STR(res.why,
			          "node 2 is outside its cpuset's memory nodes (0): no page "
			          "of it may go there");
			/* vCPUs alone move no page: allowed */
			r.kind = XN_PLACE_VCPUS;
			CHECK(xn_place_check(&r, &res) == 0);
		}
		xn_snapshot_clear(&s);
	}
}

/* A process whose cpuset's CPUs are node 0's (0-1), its memory nodes both
 * nodes, its 2 threads on node 0 and its 256 MiB (65536 pages) on node 2.
 * Without the cpuset's CPUs known, the cheapest step runs the threads on
 * node 2 (test_memory_and_vcpus_apart: moving vCPUs copies nothing); with
 * them (XN_DOM_CPUS_HARD) no thread may run there, and the memory moves to
 * node 0, where they run. A taskset mask of the threads (vcpu_info.hard
 * 0-1) is no limit: it is ours to replace. */
static void test_cpuset_cpus(void)
{
	for (int hard = 0; hard < 2; hard++) {
		struct xn_snapshot s;
		host(&s, "linux", 2, 2, 4);
		uint64_t p[] = {0, 65536};
		int vn[] = {0, 0};
		struct xn_domain *d = dom(&s, 5, "vm", p, vn, 2);
		XN_NM_SET(&d->node_affinity, 0);
		XN_NM_SET(&d->node_affinity, 2);
		d->affinity_auto = false;
		d->valid |= XN_DOM_AFFINITY | XN_DOM_MEMS_HARD;
		xn_domain_alloc_vcpu_info(d);
		for (uint32_t v = 0; v < d->vcpus; v++) {
			d->vcpu_info[v].hard = strdup("0-1");
			d->vcpu_info[v].valid |= XN_VCPU_HARD;
		}
		if (hard) {
			d->cpuset_cpus = calloc(1, sizeof(*d->cpuset_cpus));
			xn_bits_set(d->cpuset_cpus->w, 0);
			xn_bits_set(d->cpuset_cpus->w, 1);
			d->valid |= XN_DOM_CPUS_HARD;
		}
		derive(NULL, &s);
		CHECK_ADVICE(&s, 5, hard ? "1:mem>0" : "1:vcpus>2");
		if (hard)
			CHECK(strstr(advice_of(&s, 5)->reason, "memory to node 0") != NULL);
		struct xn_place_req r = {
		        .s = &s, .d = xn_snapshot_find(&s, 5), .kind = XN_PLACE_VCPUS};
		XN_NM_SET(&r.nodes, 2);
		struct xn_place_result res;
		int rc = xn_place_check(&r, &res);
		if (!hard)
			CHECK(rc == 0);
		else {
			CHECK(rc == -EACCES);
			CHECK(res.refusal == XN_PLACE_CPUSET_CPUS);
			CHECK_STR(res.why, "node 2's CPUs (2-3) are outside its cpuset's CPUs "
			                   "(0-1): no thread of it may run there");
			/* both nodes: the model would run half the threads on node 2 */
			r.kind = XN_PLACE_BOTH;
			XN_NM_SET(&r.nodes, 0);
			CHECK(xn_place_check(&r, &res) == -EACCES);
			CHECK(res.refusal == XN_PLACE_CPUSET_CPUS);
			/* pages alone place no thread: allowed (its memory nodes are 0-1) */
			r.kind = XN_PLACE_MIGRATE;
			CHECK(xn_place_check(&r, &res) == 0);
			/* node 0 is inside it */
			memset(&r.nodes, 0, sizeof(r.nodes));
			XN_NM_SET(&r.nodes, 0);
			r.kind = XN_PLACE_BOTH;
			CHECK(xn_place_check(&r, &res) == 0);
			/* a copy of the snapshot owns a copy of the mask */
			struct xn_snapshot c = {0};
			CHECK(xn_snapshot_copy(&c, &s) == 0);
			const struct xn_domain *cd = xn_snapshot_find(&c, 5);
			CHECK(cd && cd->cpuset_cpus && cd->cpuset_cpus != r.d->cpuset_cpus &&
			      !memcmp(cd->cpuset_cpus, r.d->cpuset_cpus, sizeof(xn_cpumask)));
			xn_snapshot_clear(&c);
		}
		xn_snapshot_clear(&s);
	}
}

/* No room anywhere for the memory: moving it is never advised. The vCPUs
 * go to the memory instead, even when node 0 is crowded. */
static void test_no_room(void)
{
	struct xn_snapshot s;
	host(&s, "linux", 2, 2, 0.1); /* 100 MiB free per node */
	uint64_t p[] = {131072, 0};   /* 512 MiB on node 0 */
	int vn[] = {2};
	dom(&s, 5, "vm", p, vn, 1);
	derive(NULL, &s);
	CHECK_ADVICE(&s, 5, "1:vcpus>0");
	xn_snapshot_clear(&s);

	/* and where node 0 is crowded: 4 busy vCPUs of another domain on its
	 * one CPU, 5 with ours, over the 2 busy vCPUs per CPU a step may leave:
	 * not advised; 512 MiB is under 1 GiB, so ok (not stuck), said why */
	host(&s, "linux", 2, 1, 0.1);
	dom(&s, 5, "vm", p, vn, 1);
	int busy[] = {0, 0, 0, 0};
	uint64_t q[] = {1024, 0};
	dom(&s, 6, "busy", q, busy, 4);
	derive(NULL, &s);
	const struct xn_advice *a = advice_of(&s, 5);
	CHECK(a->action == XN_ADVICE_OK);
	CHECK(strstr(a->reason, "would run 5.0 busy vCPUs per CPU (over 2)") != NULL);
	/* the same at 1 GiB: stuck, with the same reason */
	xn_snapshot_clear(&s);
	host(&s, "linux", 2, 1, 0.1);
	uint64_t big[] = {262144, 0};
	dom(&s, 5, "vm", big, vn, 1);
	dom(&s, 6, "busy", q, busy, 4);
	derive(NULL, &s);
	a = advice_of(&s, 5);
	CHECK(a->action == XN_ADVICE_STUCK);
	CHECK(strstr(a->reason, "busy vCPUs per CPU") != NULL);
	xn_snapshot_clear(&s);
}

/* A tie: half the memory on node 0, half on node 2, the vCPU on node 4.
 * Both single nodes give 50; the tie goes to the lower node id, every time. */
static void test_tie(void)
{
	for (int round = 0; round < 3; round++) {
		struct xn_snapshot s;
		host(&s, "xen", 3, 2, 4);
		uint64_t p[] = {32768, 32768, 0};
		int vn[] = {4};
		dom(&s, 3, "vm", p, vn, 1);
		/* no room anywhere for a live move of the memory (which would
		 * give 100): the tie between the vcpus moves stays */
		for (int i = 0; i < 3; i++)
			s.host.nodes[i].mem_free = 0;
		derive(NULL, &s);
		CHECK_ADVICE(&s, 3, "1:vcpus>0");
		CHECK(NEAR(advice_of(&s, 3)->local_expected, 50));
		xn_snapshot_clear(&s);
	}
}

/* Well placed, too small, unknown: ok, and "-" with the reason. */
static void test_ok_small_unknown(void)
{
	struct xn_snapshot s;
	host(&s, "linux", 2, 2, 4);
	uint64_t good[] = {65536, 0};
	int vn[] = {0};
	dom(&s, 1, "good", good, vn, 1);
	uint64_t tiny[] = {0, 4095}; /* 16 MiB - 1 page */
	dom(&s, 2, "tiny", tiny, vn, 1);
	struct xn_domain *u = dom(&s, 3, "nopages", good, vn, 1);
	u->valid &= ~(unsigned)XN_DOM_PAGES;
	struct xn_domain *w = dom(&s, 4, "novcpu", good, vn, 1);
	w->vcpu_node[0] = -1;
	/* 12.1 % local now (7936 of 65536 pages on node 2, where its vCPU
	 * runs): access cost 0.121 + 0.879 x 2 = 1.879. Its vCPU on node 0
	 * would give 87.9 % (cost 1.121) but node 0's 2 CPUs already run 3 busy
	 * vCPUs (good, tiny, nopages): 4 / 2 = 2 per CPU, crowding 1: gain
	 * 0.25 GiB x (0.758 - 1) < 0. Moving the 57600 pages (0.2197 GiB) to
	 * node 2 gives 100 % (cost 1.0): gain 0.25 x 0.879 = 0.2197, cost 0.4 x
	 * (0.2197 + 0.0625) = 0.0706, times (0.1 + 1 busy CPU). */
	uint64_t most[] = {57600, 7936};
	int v2[] = {2};
	dom(&s, 7, "mostly", most, v2, 1);
	derive(NULL, &s);
	CHECK_ADVICE(&s, 1, "ok");
	CHECK(strstr(advice_of(&s, 1)->reason, "well placed") != NULL);
	CHECK_ADVICE(&s, 2, "-");
	CHECK(strstr(advice_of(&s, 2)->reason, "smaller than 16 MiB") != NULL);
	CHECK_ADVICE(&s, 3, "-");
	CHECK(strstr(advice_of(&s, 3)->reason, "pages per node are unknown") != NULL);
	CHECK_ADVICE(&s, 4, "-");
	CHECK(strstr(advice_of(&s, 4)->reason, "no vCPU's node") != NULL);
	CHECK_ADVICE(&s, 7, "1:mem>2");
	double g7 = 0.25 * 57600.0 / 65536,
	       c7 = XN_ADVISE_COPY_COST * (57600.0 * 4096 / GIB + 0.0625);
	CHECK(NEAR(advice_of(&s, 7)->score, (g7 - c7) * 1.1));
	xn_snapshot_clear(&s);

	/* 95 % local: the best change gains 5 points, under 10: ok, said so */
	host(&s, "linux", 2, 2, 4);
	uint64_t p95[] = {62259, 3277};
	dom(&s, 1, "vm", p95, vn, 1);
	derive(NULL, &s);
	CHECK_ADVICE(&s, 1, "ok");
	CHECK(strstr(advice_of(&s, 1)->reason, "under 10") != NULL);
	xn_snapshot_clear(&s);
}

/* Xen: soft affinity cannot take a vCPU past its hard affinity. Pinned
 * (hard) to node 2's CPUs, the vCPU cannot be advised to node 0. */
static void test_hard_affinity(void)
{
	struct xn_snapshot s;
	host(&s, "xen", 2, 2, 4);
	uint64_t p[] = {65536, 0};
	int vn[] = {2};
	struct xn_domain *d = dom(&s, 1, "pinned", p, vn, 1);
	xn_domain_alloc_vcpu_info(d);
	d->vcpu_info[0].hard = strdup("2-3");
	d->vcpu_info[0].valid = XN_VCPU_HARD;
	derive(NULL, &s);
	/* the vCPU cannot move; the memory can, by a live migration
	 * (--move-memory), which copies every page: its cost is the whole
	 * domain, and its time is at the assumed rate, said so */
	CHECK_ADVICE(&s, 1, "1:mem>2");
	CHECK_EQ_U64(advice_of(&s, 1)->pages_to_move, 65536);
	CHECK(!advice_of(&s, 1)->memory_moves);
	CHECK(NEAR(advice_of(&s, 1)->local_expected, 100));
	/* access cost 2.0 -> 1.0 on 0.25 GiB: gain 0.25; copy cost 0.4 x
	 * (0.25 + 0.0625); times (0.1 + 1 busy CPU) */
	CHECK(NEAR(advice_of(&s, 1)->score, (0.25 - XN_ADVISE_COPY_COST * 0.3125) * 1.1));
	CHECK_STR(advice_of(&s, 1)->reason,
	          "live move to node 2 (vCPUs and memory): copies all 65536 pages (256 MiB), "
	          "about 17 s at an assumed 3900 pages/s (LOCAL% 0.0 -> 100.0)");
	xn_snapshot_clear(&s);

	/* the same without room on node 2: no feasible move at all */
	host(&s, "xen", 2, 2, 4);
	s.host.nodes[1].mem_free = 200ull << 20;
	d = dom(&s, 1, "pinned", p, vn, 1);
	xn_domain_alloc_vcpu_info(d);
	d->vcpu_info[0].hard = strdup("2-3");
	d->vcpu_info[0].valid = XN_VCPU_HARD;
	derive(NULL, &s);
	CHECK_ADVICE(&s, 1, "ok");
	xn_snapshot_clear(&s);

	host(&s, "xen", 2, 2, 4);
	d = dom(&s, 1, "free", p, vn, 1);
	xn_domain_alloc_vcpu_info(d);
	d->vcpu_info[0].hard = strdup("all");
	d->vcpu_info[0].valid = XN_VCPU_HARD;
	derive(NULL, &s);
	CHECK_ADVICE(&s, 1, "1:vcpus>0");
	xn_snapshot_clear(&s);
}

/* Two cpupools, one per node (as `xl cpupool-numa-split` makes them): a
 * domain's vCPUs run only on its pool's CPUs, whatever their affinity, so
 * a node whose CPUs are all in another pool is never a target for them. */
static void pools(struct xn_snapshot *s)
{
	s->host.pools = calloc(2, sizeof(*s->host.pools));
	s->host.nr_pools = 2;
	for (int i = 0; i < 2; i++) {
		s->host.pools[i].id = (uint32_t)i;
		s->host.pools[i].cpus = s->host.nodes[i].cpus; /* node ids 0, 2 */
	}
}

static void test_cpupool(void)
{
	struct xn_snapshot s;
	uint64_t p[] = {65536, 0};
	int vn[] = {2};
	/* without pools: the vCPU goes to its memory on node 0 */
	host(&s, "xen", 2, 2, 4);
	dom(&s, 1, "pooled", p, vn, 1);
	derive(NULL, &s);
	CHECK_ADVICE(&s, 1, "1:vcpus>0");
	xn_snapshot_clear(&s);

	/* in pool 1 (node 2's CPUs 2-3): node 0 is refused; the live move
	 * (re-created in its pool, on node 2) brings the memory instead */
	host(&s, "xen", 2, 2, 4);
	pools(&s);
	struct xn_domain *d = dom(&s, 1, "pooled", p, vn, 1);
	d->cpupool = 1;
	d->valid |= XN_DOM_CPUPOOL;
	derive(NULL, &s);
	CHECK_ADVICE(&s, 1, "1:mem>2");
	struct xn_place_req q = {
	        .s = &s, .d = xn_snapshot_find(&s, 1), .kind = XN_PLACE_VCPUS, .hard_binds = true};
	XN_NM_SET(&q.nodes, 0);
	struct xn_place_result res;
	CHECK(xn_place_check(&q, &res) == -EACCES);
	CHECK(res.refusal == XN_PLACE_CPUPOOL);
	CHECK_STR(res.why, "node 0's CPUs are in another cpupool (its pool 1 has CPUs 2-3; "
	                   "xl cpupool-migrate moves it)");
	/* node 2 alone is in its pool */
	q.nodes = (xn_nodemask){0};
	XN_NM_SET(&q.nodes, 2);
	CHECK(xn_place_check(&q, &res) == 0);
	xn_snapshot_clear(&s);

	/* a big domain in pool 1 whose memory cannot come (no room on node
	 * 2): stuck, and the words say why node 0 is refused */
	host(&s, "xen", 2, 2, 4);
	s.host.nodes[1].mem_free = 200ull << 20;
	pools(&s);
	uint64_t big[] = {524288, 0}; /* 2 GiB */
	d = dom(&s, 1, "pooled", big, vn, 1);
	d->cpupool = 1;
	d->valid |= XN_DOM_CPUPOOL;
	derive(NULL, &s);
	CHECK_ADVICE(&s, 1, "stuck");
	CHECK(strstr(advice_of(&s, 1)->reason, "node 0's CPUs are in another cpupool") != NULL);
	/* the same domain in pool 0 (node 0's CPUs): its vCPU may go home */
	xn_snapshot_find(&s, 1)->cpupool = 0;
	xn_snapshot_find(&s, 1)->advice = (struct xn_advice){0};
	xn_snapshot_find(&s, 1)->valid &= ~(unsigned)XN_DOM_ADVICE;
	derive(NULL, &s);
	CHECK_ADVICE(&s, 1, "1:vcpus>0");
	xn_snapshot_clear(&s);
}

/* Crowding counts the domain's cpupool only. Node 0 has CPUs 0-3, node 2
 * CPUs 4-7; pool 0 is CPUs 0-1, pool 1 CPUs 2-7. "tight" (pool 1): 1 GiB
 * on node 0, 2 vCPUs on node 2; "busy" (pool 1) runs nb busy vCPUs on node
 * 0, on pool 1's CPUs 2-3 (unmeasured vCPUs count busy: 1 each). */
static void pool_crowd_host(struct xn_snapshot *s, bool with_pools, uint32_t nb, double free2)
{
	uint64_t p[] = {262144, 0}, f[] = {4096, 0};
	int on2[] = {2, 2}, on0[] = {0, 0, 0};
	host(s, "xen", 2, 4, 4);
	s->host.nodes[1].mem_free = (uint64_t)(free2 * (double)GIB);
	struct xn_domain *t = dom(s, 1, "tight", p, on2, 2);
	struct xn_domain *b = dom(s, 2, "busy", f, on0, nb);
	if (!with_pools)
		return;
	s->host.pools = calloc(2, sizeof(*s->host.pools));
	s->host.nr_pools = 2;
	for (int c = 0; c < 8; c++)
		XN_NM_SET(&s->host.pools[c < 2 ? 0 : 1].cpus, c);
	s->host.pools[1].id = 1;
	t->cpupool = b->cpupool = 1;
	t->valid |= XN_DOM_CPUPOOL;
	b->valid |= XN_DOM_CPUPOOL;
}

static void test_cpupool_crowding(void)
{
	struct xn_snapshot s;
	/* 2 busy: whole node 0 after the vCPU move: (2 + 2) / 4 CPUs = 1.0,
	 * no crowding: LOCAL% 0 -> 100 for nothing copied: vcpus>0 */
	pool_crowd_host(&s, false, 2, 4);
	derive(NULL, &s);
	CHECK_ADVICE(&s, 1, "1:vcpus>0");
	xn_snapshot_clear(&s);
	/* with pools: (2 + 2) / 2 CPUs of pool 1 = 2.0 per CPU, crowding
	 * 1.0; soft affinity keeps 1/2 of it there: LOCAL% 50, access 1.5:
	 * gain 1 GiB x ((2.0 - 1.5) + (0 - 1.0)) < 0. The live move to node
	 * 2 (pool 1's 4 CPUs there run only its 2): gain 1 x (2.0 - 1.0) =
	 * 1.0, cost 0.4 x (1 + 0.0625) = 0.425: memory>2 */
	pool_crowd_host(&s, true, 2, 4);
	derive(NULL, &s);
	CHECK_ADVICE(&s, 1, "1:mem>2");
	CHECK(advice_of(&s, 1)->cpus_there == 4);  /* pool 1's on node 2 */
	CHECK(advice_of(&s, 1)->vcpus_there == 0); /* busy runs on node 0 */
	xn_snapshot_clear(&s);
	/* 3 busy and no room on node 2: node 0 would run (3 + 2) / 2 = 2.5
	 * busy vCPUs per pool CPU (over 2; the whole node: 1.25): stuck */
	pool_crowd_host(&s, true, 3, 0.1);
	derive(NULL, &s);
	CHECK_ADVICE(&s, 1, "stuck");
	CHECK(strstr(advice_of(&s, 1)->reason,
	             "node 0 would run 2.5 busy vCPUs per CPU of its cpupool (over 2)") != NULL);
	xn_snapshot_clear(&s);
}

/* What a step overrides is never cut silently: a host of 64 nodes (ids
 * 0, 2, ..., 126), a Xen domain whose explicit node affinity is every
 * other node (ids 0, 4, ..., 124: 32 nodes, 99 characters as a list), not
 * in its configuration (the longest words around the list). Its memory is
 * on node 2, its vCPU on node 0: the step (vcpus>2) overrides that
 * affinity. The field holds the words and as many nodes as fit, then
 * "and N more": the listed ids and N make the 32. */
static void test_overrides_long(void)
{
	struct xn_snapshot s;
	host(&s, "xen", 64, 1, 4);
	uint64_t p[64] = {0};
	p[1] = 65536;
	int vn[] = {0};
	struct xn_domain *d = dom(&s, 1, "wide", p, vn, 1);
	for (int id = 0; id < 128; id += 4)
		XN_NM_SET(&d->node_affinity, id);
	d->affinity_auto = false;
	d->config_affinity = 0;
	d->valid |= XN_DOM_AFFINITY | XN_DOM_CONFIG_AFF;
	derive(NULL, &s);
	CHECK_ADVICE(&s, 1, "1:vcpus>2");
	const struct xn_advice *a = advice_of(&s, 1);
	const char *head = "explicit node affinity ",
	           *tail = " (not in its configuration: libxl's placement or a later change)";
	size_t n = strlen(a->overrides);
	CHECK(n < sizeof(a->overrides) - 1); /* not filled to the brim: nothing cut */
	CHECK(!strncmp(a->overrides, head, strlen(head)));
	CHECK(n > strlen(tail) && !strcmp(a->overrides + n - strlen(tail), tail));
	/* the list: ids 0, 4, 8, ... in order, then " and N more" */
	const char *q = a->overrides + strlen(head);
	int listed = 0, more = -1;
	for (;;) {
		char *end;
		long id = strtol(q, &end, 10);
		CHECK(end != q && id == 4L * listed);
		if (end == q)
			break;
		listed++;
		q = end;
		if (*q != ',')
			break;
		q++;
	}
	CHECK(sscanf(q, " and %d more", &more) == 1);
	CHECK(listed > 0 && more > 0 && listed + more == 32);
	/* the reason quotes it whole, and is not cut either */
	CHECK(strstr(a->reason, a->overrides) != NULL);
	CHECK(strlen(a->reason) < sizeof(a->reason) - 1);
	xn_snapshot_clear(&s);

	/* a short list is whole: ids 0 and 4 */
	host(&s, "xen", 64, 1, 4);
	d = dom(&s, 1, "two", p, vn, 1);
	XN_NM_SET(&d->node_affinity, 0);
	XN_NM_SET(&d->node_affinity, 4);
	d->affinity_auto = false;
	d->valid |= XN_DOM_AFFINITY | XN_DOM_CONFIG_AFF;
	derive(NULL, &s);
	CHECK_STR(advice_of(&s, 1)->overrides,
	          "explicit node affinity 0,4 (not in its configuration: libxl's placement or a "
	          "later change)");
	xn_snapshot_clear(&s);
}

/* Linux: a CPU affinity over many nodes is cut at a node like a Xen node
 * affinity, and the words after it stay whole. 64 nodes (ids 0, 2, ...,
 * 126) of one CPU (CPU i on node id 2i); the thread may run on CPUs 0, 2,
 * ..., 62, so on node ids 0, 4, ..., 124 (32 nodes); its memory is on node
 * id 2, outside them: the step (vcpus>2) overrides that affinity. Its
 * policy (bind:2) agrees with the step and a vCPU step leaves pages alone:
 * not named. */
static void test_overrides_linux(void)
{
	struct xn_snapshot s;
	host(&s, "linux", 64, 1, 4);
	uint64_t p[64] = {0};
	p[1] = 65536;
	int vn[] = {0};
	struct xn_domain *d = dom(&s, 1, "wide", p, vn, 1);
	xn_domain_alloc_vcpu_info(d);
	char hard[200] = "";
	for (int c = 0; c < 64; c += 2)
		snprintf(hard + strlen(hard), sizeof(hard) - strlen(hard), "%s%d", c ? "," : "", c);
	d->vcpu_info[0].hard = strdup(hard);
	d->vcpu_info[0].valid |= XN_VCPU_HARD;
	snprintf(d->mem_policy, sizeof(d->mem_policy), "bind:2");
	d->valid |= XN_DOM_MEM_POLICY;
	derive(NULL, &s);
	CHECK_ADVICE(&s, 1, "1:vcpus>2");
	const struct xn_advice *a = advice_of(&s, 1);
	const char *head = "its CPU affinity (nodes 0,4,8,",
	           *tail = "); not the default: assumed deliberate";
	size_t n = strlen(a->overrides);
	CHECK(n < sizeof(a->overrides) - 1);
	CHECK(!strncmp(a->overrides, head, strlen(head)));
	CHECK(n > strlen(tail) && !strcmp(a->overrides + n - strlen(tail), tail));
	CHECK(strstr(a->overrides, " more)") != NULL || strstr(a->overrides, ",124)") != NULL);
	CHECK(strstr(a->overrides, "memory policy") == NULL);
	CHECK(strstr(a->reason, a->overrides) != NULL);
	xn_snapshot_clear(&s);

	/* every CPU allowed ("all" or each node's): nothing chosen, nothing named */
	const char *alls[] = {"all", "0-63"};
	for (size_t i = 0; i < 2; i++) {
		host(&s, "linux", 64, 1, 4);
		d = dom(&s, 1, "any", p, vn, 1);
		xn_domain_alloc_vcpu_info(d);
		d->vcpu_info[0].hard = strdup(alls[i]);
		d->vcpu_info[0].valid |= XN_VCPU_HARD;
		derive(NULL, &s);
		CHECK_ADVICE(&s, 1, "1:vcpus>2");
		CHECK_STR(advice_of(&s, 1)->overrides, "");
		xn_snapshot_clear(&s);
	}
}

/* Smoothing: a changed verdict shows once it is the fresh one in
 * XN_ADVISE_HOLD of the last XN_ADVISE_WINDOW samples; a held step that
 * gains nothing goes at once unless the window still holds it; the first
 * verdict shows at once. */
static void test_hysteresis(void)
{
	struct xn_snapshot prev, cur;
	uint64_t p[] = {65536, 0};
	int on2[] = {2}, on0[] = {0};
	host(&prev, "linux", 2, 2, 4);
	dom(&prev, 1, "vm", p, on2, 1);
	derive(NULL, &prev);
	CHECK_ADVICE(&prev, 1, "1:vcpus>0"); /* first verdict: at once */

	/* the memory flips to node 2 (say another tool moved it): the fresh
	 * verdict is ok, and the held one's gain is gone: ok at once */
	uint64_t q[] = {0, 65536};
	host(&cur, "linux", 2, 2, 4);
	dom(&cur, 1, "vm", q, on2, 1);
	derive(&prev, &cur);
	CHECK_ADVICE(&cur, 1, "ok");
	xn_snapshot_clear(&prev);
	prev = cur;

	/* now the vCPU hops to node 0, away from the memory: the new verdict
	 * (vcpus>2) must be fresh in 4 of the last 6 samples before it shows
	 * (the window holds vcpus>0, ok, then vcpus>2 from here on) */
	for (int i = 1; i <= XN_ADVISE_HOLD; i++) {
		host(&cur, "linux", 2, 2, 4);
		dom(&cur, 1, "vm", q, on0, 1);
		derive(&prev, &cur);
		const struct xn_advice *a = advice_of(&cur, 1);
		if (i < XN_ADVISE_HOLD) {
			/* the held "ok" with a step pending: "wait", never "ok"
			 * beside the LOCAL% that made the step */
			CHECK_ADVICE(&cur, 1, "wait");
			CHECK(a->action == XN_ADVICE_OK);
			CHECK(a->pending_action == XN_ADVICE_VCPUS);
			CHECK_EQ_U64(a->pending_count, i);
		} else {
			CHECK_ADVICE(&cur, 1, "1:vcpus>2");
		}
		xn_snapshot_clear(&prev);
		prev = cur;
	}
	/* a flicker: one sample back on node 2 does not hide the step: the
	 * window (4 of the last 6 samples) still holds vcpus>2, shown without a
	 * step number (held, not this sample's plan); then away again: the
	 * step of this sample's plan */
	host(&cur, "linux", 2, 2, 4);
	dom(&cur, 1, "vm", q, on2, 1);
	derive(&prev, &cur);
	CHECK_ADVICE(&cur, 1, "vcpus>2");
	CHECK(advice_of(&cur, 1)->pending_action == XN_ADVICE_OK);
	xn_snapshot_clear(&prev);
	prev = cur;
	host(&cur, "linux", 2, 2, 4);
	dom(&cur, 1, "vm", q, on0, 1);
	derive(&prev, &cur);
	CHECK_ADVICE(&cur, 1, "1:vcpus>2");
	/* three samples back on node 2: vcpus>2 falls under 4 of the last 6
	 * and the held step gains nothing: resolved, ok */
	for (int i = 0; i < 3; i++) {
		xn_snapshot_clear(&prev);
		prev = cur;
		host(&cur, "linux", 2, 2, 4);
		dom(&cur, 1, "vm", q, on2, 1);
		derive(&prev, &cur);
	}
	CHECK_ADVICE(&cur, 1, "ok");
	/* a reused id (another name) is another domain: its first verdict shows */
	xn_snapshot_clear(&prev);
	prev = cur;
	host(&cur, "linux", 2, 2, 4);
	dom(&cur, 1, "other", q, on0, 1);
	derive(&prev, &cur);
	CHECK_ADVICE(&cur, 1, "1:vcpus>2");
	xn_snapshot_clear(&prev);
	xn_snapshot_clear(&cur);
}

/* Several nodes when one is too small (libxl's growing candidate sets):
 * 12 GiB split over nodes 0 and 2 with 1 GiB free each, the vCPUs on node
 * 4. BOTH to one node cannot fit; vCPUs to {0,2} give (6+6)/12 / 2... each
 * vCPU sees its node's half: 50; vCPUs to node 0 alone give 50 too, and the
 * tie goes to fewer nodes. */
static void test_grown_sets(void)
{
	struct xn_snapshot s;
	host(&s, "linux", 3, 4, 1);
	uint64_t p[] = {6 * GIB / 4096, 6 * GIB / 4096, 0};
	int vn[] = {4, 4};
	dom(&s, 9, "big", p, vn, 2);
	derive(NULL, &s);
	CHECK_ADVICE(&s, 9, "1:vcpus>0");
	CHECK(NEAR(advice_of(&s, 9)->local_expected, 50));
	xn_snapshot_clear(&s);
}

/* Strings and parsing. */
static void test_names(void)
{
	for (int a = 0; a < XN_ADVICE__COUNT; a++)
		CHECK((int)xn_advice_action_parse(
		              xn_advice_action_name((enum xn_advice_action)a)) == a);
	CHECK(xn_advice_action_parse("bogus") == XN_ADVICE__COUNT);
	struct xn_advice a;
	memset(&a, 0, sizeof(a));
	char buf[32];
	xn_advice_format_short(&a, buf, sizeof(buf));
	CHECK_STR(buf, "-");
	a.action = XN_ADVICE_BOTH;
	XN_NM_SET(&a.nodes, 1);
	XN_NM_SET(&a.nodes, 2);
	xn_advice_format_short(&a, buf, sizeof(buf));
	CHECK_STR(buf, "both>1-2");
	CHECK(xn_advice_is_misplaced(&a));
	a.action = XN_ADVICE_OK;
	CHECK(!xn_advice_is_misplaced(&a));
}

int main(void)
{
	test_one_node();
	test_dom0_spanning();
	test_memory_and_vcpus_apart();
	test_memory_to_vcpus();
	test_cpuset_mems();
	test_cpuset_cpus();
	test_cheapest_first();
	test_no_room();
	test_tie();
	test_ok_small_unknown();
	test_hard_affinity();
	test_cpupool();
	test_cpupool_crowding();
	test_overrides_long();
	test_overrides_linux();
	test_hysteresis();
	test_grown_sets();
	test_names();
	return check_report("advise");
}
