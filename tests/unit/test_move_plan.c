/* test_move_plan.c - the checks before a move (move_plan.c): each refusal
 * is stated, nothing else refuses, the free-memory test counts the target
 * nodes only, and only the log-dirty refusal offers --offline. */
#include <stdlib.h>

#include "check.h"
#include "move.h"
#include "nodemask.h"

static struct xn_node nodes[2];
static uint64_t pages[2];

/* Two nodes; 256 MiB guest (65536 pages), all on node 0. free1: MiB free
 * on node 1. */
static void setup(struct xn_snapshot *s, struct xn_domain *d, uint64_t free1)
{
	memset(s, 0, sizeof(*s));
	memset(d, 0, sizeof(*d));
	nodes[0] = (struct xn_node){.id = 0, .mem_free = 100ull << 20, .valid = XN_NODE_FREE};
	nodes[1] = (struct xn_node){.id = 1, .mem_free = free1 << 20, .valid = XN_NODE_FREE};
	s->host.page_size = 4096;
	s->host.nr_nodes = 2;
	s->host.nodes = nodes;
	pages[0] = 65536;
	pages[1] = 0;
	d->id = 3;
	d->mem_cur = 256ull << 20;
	d->node_pages = pages;
	d->valid = XN_DOM_PAGES;
}

static void good_facts(struct xn_move_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->have_info = true;
	strcpy(f->info.name, "vm");
	strcpy(f->info.type, "pv");
	f->info.max_memkb = 262144;
	f->info.target_memkb = 262144;
	f->shadow = 1;
	f->save_helper = true;
	f->xl = true;
}

static xn_nodemask node(int n)
{
	xn_nodemask m = {{0}};
	XN_NM_SET(&m, n);
	return m;
}

static void test_ok(void)
{
	struct xn_snapshot s;
	struct xn_domain d;
	struct xn_move_facts f;
	struct xn_move_plan p;
	setup(&s, &d, 1000);
	good_facts(&f);
	xn_nodemask one = node(1);
	xn_move_plan_make(&s, &d, &one, false, &f, 0, &p);
	CHECK(!p.refused);
	CHECK(p.live);
	CHECK_EQ_U64(p.pages, 65536);
	CHECK_EQ_U64(p.pages_there, 0);
	/* its maximum, plus the 64 MiB headroom placement.h keeps */
	CHECK_EQ_U64(p.bytes_needed, 320ull << 20);
	CHECK(!p.rate_measured);
	/* 65536 / 3900 = 16.8 s */
	CHECK(p.seconds > 16.7 && p.seconds < 16.9);
	CHECK(strstr(p.words, "live move of 65536 pages (256 MiB, 0 already on node 1)") != NULL);
	CHECK(strstr(p.words, "assumed") != NULL);
	CHECK(strstr(p.words, "refused") == NULL);
	/* a measured rate is said to be one */
	xn_move_plan_make(&s, &d, &one, false, &f, 65536.0 / 4, &p);
	CHECK(p.rate_measured);
	CHECK(p.seconds > 3.99 && p.seconds < 4.01);
	CHECK(strstr(p.words, "measured here") != NULL);
}

/* A vCPU pinned live (xl vcpu-pin, missing from `xl list -l`) is pinned
 * to the targets after the move, and the words say so; an unpinned one
 * (hard affinity "all" or every CPU of the host) is not. */
static void test_hard(void)
{
	struct xn_snapshot s;
	struct xn_domain d;
	struct xn_move_facts f;
	struct xn_move_plan p;
	setup(&s, &d, 1000);
	good_facts(&f);
	xn_bits_parse_list("0-1", nodes[0].cpus.w, XN_MAX_CPUS, NULL, 0);
	xn_bits_parse_list("2-3", nodes[1].cpus.w, XN_MAX_CPUS, NULL, 0);
	char pin[] = "2-3", all[] = "all", every[] = "0-3";
	struct xn_vcpu vc = {.cpu = 2, .state = 'r', .hard = pin, .valid = XN_VCPU_HARD};
	d.vcpus = 1;
	d.vcpu_info = &vc;
	d.valid |= XN_DOM_VCPU_INFO;
	xn_nodemask one = node(1);
	xn_move_plan_make(&s, &d, &one, false, &f, 0, &p);
	CHECK(!p.refused);
	CHECK(p.hard);
	CHECK(strstr(p.words, "its vCPU hard and soft affinity and node affinity are node 1") !=
	      NULL);
	char *unpinned[] = {all, every};
	for (size_t i = 0; i < 2; i++) {
		vc.hard = unpinned[i];
		xn_move_plan_make(&s, &d, &one, false, &f, 0, &p);
		CHECK(!p.hard);
		CHECK(strstr(p.words, "its vCPU soft affinity and node affinity are node 1") !=
		      NULL);
	}
	memset(nodes, 0, sizeof(nodes));
}

static void test_free_memory(void)
{
	struct xn_snapshot s;
	struct xn_domain d;
	struct xn_move_facts f;
	struct xn_move_plan p;
	good_facts(&f);
	xn_nodemask one = node(1);
	/* 319 MiB free on node 1 (and 100 on node 0, which does not count):
	 * 256 MiB and 64 MiB headroom (placement.h) do not fit */
	setup(&s, &d, 319);
	xn_move_plan_make(&s, &d, &one, false, &f, 0, &p);
	CHECK(p.refused);
	CHECK(!p.offline_possible);
	CHECK(strstr(p.words, "node 1 has 319 MiB free; the move needs 256 MiB") != NULL);
	CHECK(strstr(p.words, "and 64 MiB headroom") != NULL);
	setup(&s, &d, 320);
	xn_move_plan_make(&s, &d, &one, false, &f, 0, &p);
	CHECK(!p.refused);
	/* its maximum counts, not only what it has now */
	f.info.max_memkb = 512 * 1024;
	xn_move_plan_make(&s, &d, &one, false, &f, 0, &p);
	CHECK(p.refused);
	CHECK(strstr(p.words, "needs 512 MiB") != NULL);
	/* unknown free memory refuses too */
	good_facts(&f);
	nodes[1].valid = 0;
	xn_move_plan_make(&s, &d, &one, false, &f, 0, &p);
	CHECK(p.refused);
	CHECK(strstr(p.words, "free memory on node 1 is unknown") != NULL);
}

static void test_logdirty(void)
{
	struct xn_snapshot s;
	struct xn_domain d;
	struct xn_move_facts f;
	struct xn_move_plan p;
	setup(&s, &d, 1000);
	good_facts(&f);
	f.shadow = 0;
	xn_nodemask one = node(1);
	xn_move_plan_make(&s, &d, &one, false, &f, 0, &p);
	CHECK(p.refused);
	CHECK(p.offline_possible);
	CHECK(strstr(p.words, "no shadow paging") != NULL);
	CHECK(strstr(p.words, "Failed to enable logdirty: 95") != NULL);
	/* offline: no log-dirty needed */
	xn_move_plan_make(&s, &d, &one, true, &f, 0, &p);
	CHECK(!p.refused);
	CHECK(!p.live);
	CHECK(strstr(p.words, "offline move of 65536 pages (256 MiB) to node 1") != NULL);
	CHECK(strstr(p.words, "stopped for the whole copy") != NULL);
	/* log-dirty plus another reason: --offline would not help */
	setup(&s, &d, 10);
	xn_move_plan_make(&s, &d, &one, false, &f, 0, &p);
	CHECK(p.refused);
	CHECK(!p.offline_possible);
	/* unknown: said, not refused */
	setup(&s, &d, 1000);
	f.shadow = -1;
	xn_move_plan_make(&s, &d, &one, false, &f, 0, &p);
	CHECK(!p.refused);
	CHECK(strstr(p.words, "unknown") != NULL);
}

static void test_refusals(void)
{
	struct xn_snapshot s;
	struct xn_domain d;
	struct xn_move_facts f;
	struct xn_move_plan p;
	xn_nodemask one = node(1);
	setup(&s, &d, 1000);
	good_facts(&f);
	d.id = 0;
	xn_move_plan_make(&s, &d, &one, false, &f, 0, &p);
	CHECK(p.refused);
	CHECK(strstr(p.words, "domain 0 cannot be moved") != NULL);
	setup(&s, &d, 1000);
	f.info.no_migrate = true;
	xn_move_plan_make(&s, &d, &one, false, &f, 0, &p);
	CHECK(p.refused);
	CHECK(strstr(p.words, "forbids migration") != NULL);
	good_facts(&f);
	strcpy(f.info.passthrough, "pcidevs");
	xn_move_plan_make(&s, &d, &one, false, &f, 0, &p);
	CHECK(p.refused);
	CHECK(strstr(p.words, "passthrough devices (pcidevs)") != NULL);
	/* a setting xl's format cannot carry (issue 26): refused, named, not
	 * "not carried over" */
	good_facts(&f);
	strcpy(f.info.dropped, "c_info.xsdata, b_info.sched_params.budget");
	xn_move_plan_make(&s, &d, &one, false, &f, 0, &p);
	CHECK(p.refused);
	CHECK(strstr(p.words, "settings xl's config format cannot carry over (c_info.xsdata, "
	                      "b_info.sched_params.budget)") != NULL);
	good_facts(&f);
	f.save_helper = false;
	strcpy(f.save_helper_path, "/usr/lib/xen-4.17/bin/libxl-save-helper");
	xn_move_plan_make(&s, &d, &one, false, &f, 0, &p);
	CHECK(p.refused);
	CHECK(strstr(p.words, "libxl-save-helper was not found "
	                      "(/usr/lib/xen-4.17/bin/libxl-save-helper)") != NULL);
	good_facts(&f);
	f.have_info = false;
	strcpy(f.info_err, "xl list -l 3 failed");
	xn_move_plan_make(&s, &d, &one, false, &f, 0, &p);
	CHECK(p.refused);
	CHECK(strstr(p.words, "cannot be rewritten: xl list -l 3 failed") != NULL);
}

int main(void)
{
	test_ok();
	test_hard();
	test_free_memory();
	test_logdirty();
	test_refusals();
	return check_report("test_move_plan");
}
