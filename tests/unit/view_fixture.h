/* view_fixture.h - deterministic snapshots for the view tests: fixed time,
 * names and figures, 2 or 4 nodes, a domain with unknown pages, one with no
 * pages, a name full of escape sequences, and golden-file comparison. */
#ifndef XN_VIEW_FIXTURE_H
#define XN_VIEW_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sampler.h"
#include "snapshot.h"
#include "tui/view.h"

#define GIB (1ull << 30)

static inline struct xn_domain *fx_dom(struct xn_snapshot *s, int64_t id, const char *name,
                                       const char *state, double cpu_pct, uint32_t vcpus, int vnode)
{
	struct xn_domain *d = xn_snapshot_add_domain(s);
	d->id = id;
	xn_domain_set_name(d, name);
	memcpy(d->state, state, 6);
	d->cpu_ns = (uint64_t)id * 1234567890123ull;
	d->cpu_pct = cpu_pct;
	d->vcpus = vcpus;
	xn_domain_alloc_vcpu_node(d);
	for (uint32_t i = 0; i < vcpus; i++)
		d->vcpu_node[i] = vnode;
	d->mem_cur = (uint64_t)vcpus * GIB;
	d->mem_max = 2 * d->mem_cur;
	d->pages_method = XN_PAGES_XEN_OP;
	d->valid = XN_DOM_STATE | XN_DOM_CPU_NS | XN_DOM_CPU_PCT | XN_DOM_VCPUS | XN_DOM_MEM_CUR |
	           XN_DOM_MEM_MAX | XN_DOM_PAGES | XN_DOM_AFFINITY | XN_DOM_VCPU_NODE;
	return d;
}

/* Advice set by the test, marked valid so that xn_advise() keeps it: the
 * goldens show the view, not the advisor's output. */
static inline void fx_advice(struct xn_domain *d, enum xn_advice_action act, int node, double now,
                             double expected, const char *reason)
{
	memset(&d->advice, 0, sizeof(d->advice));
	d->advice.action = act;
	if (node >= 0)
		XN_NM_SET(&d->advice.nodes, node);
	d->advice.local_now = now;
	d->advice.local_expected = expected;
	d->advice.distance = 10;
	snprintf(d->advice.reason, sizeof(d->advice.reason), "%s", reason);
	d->valid |= XN_DOM_ADVICE;
}

/* vCPU k of d: CPU, state and, when given, hard and soft affinity. */
static inline void fx_vcpu(struct xn_domain *d, uint32_t k, int cpu, char state, const char *hard,
                           const char *soft)
{
	if (!d->vcpu_info)
		xn_domain_alloc_vcpu_info(d);
	struct xn_vcpu *v = &d->vcpu_info[k];
	v->cpu = cpu;
	v->state = state;
	v->valid = XN_VCPU_CPU | XN_VCPU_STATE;
	if (hard) {
		v->hard = strdup(hard);
		v->valid |= XN_VCPU_HARD;
	}
	if (soft) {
		v->soft = strdup(soft);
		v->valid |= XN_VCPU_SOFT;
	}
}

/* nn = 2 or 4 nodes. Every domain's advice is set here (fx_advice);
 * misplaced-vm (id 3) runs on the last node with its memory on node 0 and
 * is advised to run there; db-primary gets a memory advice on a source
 * that moves no page (Xen); vCPU details for Domain-0, misplaced-vm and
 * db-primary (no affinity known for the latter). */
static inline void fx_snapshot(struct xn_snapshot *s, int nn)
{
	memset(s, 0, sizeof(*s));
	s->time.tv_sec = 1700000000; /* 2023-11-14 22:13:20 UTC */
	s->mono_ns = 1000000000ull;
	snprintf(s->source, sizeof(s->source), "xen");
	snprintf(s->host.hostname, sizeof(s->host.hostname), "lab-host-01");
	s->host.page_size = 4096;
	s->host.nr_cpus = 16;
	s->host.valid = XN_HOST_CPUS | XN_HOST_DISTANCE;
	xn_host_alloc_nodes(&s->host, nn);
	int per = 16 / nn;
	for (int i = 0; i < nn; i++) {
		struct xn_node *n = &s->host.nodes[i];
		n->id = i;
		n->mem_total = 128 * GIB / (uint64_t)nn;
		n->mem_free = n->mem_total / (uint64_t)(i + 2);
		for (int c = i * per; c < (i + 1) * per; c++)
			XN_NM_SET(&n->cpus, c);
		n->valid = XN_NODE_TOTAL | XN_NODE_FREE | XN_NODE_CPUS;
		for (int j = 0; j < nn; j++)
			s->host.distance[i * nn + j] =
			        i == j ? 10 : (uint32_t)(16 + 4 * abs(i - j));
		if (i == 0) {
			struct xn_zone *z = xn_host_add_zone(&s->host);
			z->node_idx = 0;
			snprintf(z->name, sizeof(z->name), "DMA32");
			z->free_pages = 200000;
			z->managed_pages = 250000;
			z->valid = XN_ZONE_FREE | XN_ZONE_MANAGED;
		}
		struct xn_zone *z = xn_host_add_zone(&s->host);
		z->node_idx = i;
		snprintf(z->name, sizeof(z->name), "Normal");
		z->free_pages = n->mem_free / 4096 - (i == 0 ? 200000 : 0);
		z->valid = XN_ZONE_FREE;
	}
	uint64_t gp = GIB / 4096; /* pages per GiB */
	struct xn_domain *d;

	d = fx_dom(s, 0, "Domain-0", "r-----", 12.3, 4, 0);
	d->node_pages[0] = 3 * gp;
	d->node_pages[nn - 1] = gp;
	d->affinity_auto = true;
	for (int i = 0; i < nn; i++)
		XN_NM_SET(&d->node_affinity, i);
	fx_advice(d, XN_ADVICE_OK, 0, 75, 75, "its memory spans nodes; no placement gains enough");
	for (uint32_t k = 0; k < 4; k++)
		fx_vcpu(d, k, (int)k, k == 0 ? 'r' : 'b', "all", "all");

	/* vCPUs on the last node, every page on node 0 */
	char cpus[16];
	snprintf(cpus, sizeof(cpus), "%d-%d", (nn - 1) * per, nn * per - 1);
	d = fx_dom(s, 3, "misplaced-vm", "-b----", 25.0, 2, nn - 1);
	d->node_pages[0] = 2 * gp;
	XN_NM_SET(&d->node_affinity, nn - 1);
	fx_advice(d, XN_ADVICE_VCPUS, 0, 0, 100,
	          "all its memory is on node 0 while its vCPUs run elsewhere");
	d->advice.mem_free_after = (int64_t)(64 * GIB / (uint64_t)nn / 2) - (int64_t)(2 * GIB);
	d->advice.vcpus_there = 6;
	d->advice.cpus_there = (uint32_t)per;
	d->advice.pending_action = XN_ADVICE_BOTH;
	XN_NM_SET(&d->advice.pending_nodes, 1);
	d->advice.pending_count = 1;
	fx_vcpu(d, 0, (nn - 1) * per, 'r', "all", cpus);
	fx_vcpu(d, 1, (nn - 1) * per + 1, 'b', "all", cpus);

	d = fx_dom(s, 5, "web-frontend-01", "-b----", 3.5, 2, 1);
	d->node_pages[1] = 2 * gp;
	XN_NM_SET(&d->node_affinity, 1);
	fx_advice(d, XN_ADVICE_OK, 1, 100, 100, "all its memory is where its vCPUs run");

	d = fx_dom(s, 7, "db-primary", "-b----", 87.25, 8, 0);
	for (int i = 0; i < nn; i++)
		d->node_pages[i] = (8 * gp) / (uint64_t)nn;
	XN_NM_SET(&d->node_affinity, 0);
	fx_advice(d, XN_ADVICE_MEMORY, 0, 100.0 / nn, 100.0 / nn,
	          "its vCPUs run on node 0; new memory should come from there");
	d->advice.pages_to_move = 8 * gp - (8 * gp) / (uint64_t)nn;
	d->advice.mem_free_after = -(int64_t)(GIB / 2);
	d->advice.vcpus_there = 6;
	d->advice.cpus_there = (uint32_t)per;
	d->advice.distance = 10 + 6.0 * (nn - 1) / nn;
	for (uint32_t k = 0; k < 8; k++)
		fx_vcpu(d, k, (int)(k % (uint32_t)per), k == 7 ? 'o' : 'r', NULL, NULL);

	d = fx_dom(s, 9, "pages-unknown", "--p---", 0.0, 1, -1);
	d->valid &= ~(unsigned)(XN_DOM_PAGES | XN_DOM_VCPU_NODE);
	d->pages_method = XN_PAGES_NONE;
	XN_NM_SET(&d->node_affinity, 0);
	fx_advice(d, XN_ADVICE_NONE, -1, 0, 0, "pages per node unknown");

	d = fx_dom(s, 12,
	           "evil\x1b[2J\x07name\n\x9b"
	           "1mx",
	           "-b----", 1.0, 1, 0);
	d->node_pages[0] = gp / 2;
	XN_NM_SET(&d->node_affinity, 0);
	fx_advice(d, XN_ADVICE_OK, 0, 100, 100, "all its memory is where its vCPUs run");

	d = fx_dom(s, 13, "a-very-long-domain-name-that-does-not-fit", "-b----", 0.5, 1, nn - 1);
	d->node_pages[nn - 1] = gp / 4;
	d->node_pages[0] = gp / 64;
	XN_NM_SET(&d->node_affinity, nn - 1);
	fx_advice(d, XN_ADVICE_OK, nn - 1, 94.1, 94.1, "most of its memory is where it runs");

	d = fx_dom(s, 20, "idle", "---s--", 0.0, 1, 0);
	d->valid &= ~(unsigned)XN_DOM_CPU_PCT;
	d->affinity_auto = true;
	fx_advice(d, XN_ADVICE_NONE, -1, 0, 0, "too small for advice (under 16 MiB)");

	xn_snapshot_sort(s);
	xn_derive(NULL, s);
}

/* Compare a rendered canvas with tests/golden/<name>.txt; XN_GOLDEN_UPDATE=1
 * rewrites the file instead. */
static inline void golden_check(const char *name, const struct xn_canvas *c)
{
	char *got = NULL;
	size_t got_len = 0;
	FILE *m = open_memstream(&got, &got_len);
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK(xn_canvas_dump(c, m) == 0);
	fclose(m);
	char path[512];
	const char *root = getenv("XN_ROOT");
	snprintf(path, sizeof(path), "%s/tests/golden/%s.txt", root ? root : ".", name);
	const char *upd = getenv("XN_GOLDEN_UPDATE");
	if (upd && !strcmp(upd, "1")) {
		FILE *f = fopen(path, "w");
		CHECK(f != NULL);
		if (f) {
			fwrite(got, 1, got_len, f);
			fclose(f);
			fprintf(stderr, "updated %s\n", path);
		}
		free(got);
		return;
	}
	FILE *f = fopen(path, "r");
	char *want = NULL;
	size_t want_len = 0;
	if (f) {
		fseek(f, 0, SEEK_END);
		long n = ftell(f);
		fseek(f, 0, SEEK_SET);
		want = malloc(n > 0 ? (size_t)n + 1 : 1);
		want_len = want && n > 0 ? fread(want, 1, (size_t)n, f) : 0;
		fclose(f);
	}
	bool same = want && want_len == got_len && !memcmp(want, got, got_len);
	xn_checks_run++;
	if (!same) {
		xn_checks_failed++;
		fprintf(stderr,
		        "golden %s differs (regenerate with XN_GOLDEN_UPDATE=1 after review)\n",
		        path);
		/* first differing line, for the log */
		size_t i = 0, line = 1, start = 0;
		while (want && i < want_len && i < got_len && want[i] == got[i]) {
			if (got[i] == '\n') {
				line++;
				start = i + 1;
			}
			i++;
		}
		size_t e = start;
		while (e < got_len && got[e] != '\n')
			e++;
		fprintf(stderr, "  line %zu, got:  %.*s\n", line, (int)(e - start), got + start);
		if (want && start < want_len) {
			e = start;
			while (e < want_len && want[e] != '\n')
				e++;
			fprintf(stderr, "  line %zu, want: %.*s\n", line, (int)(e - start),
			        want + start);
		}
	}
	free(want);
	free(got);
}

static inline void render_golden(const char *name, struct xn_view *v, const struct xn_snapshot *s,
                                 int w, int h, bool utf8, bool color)
{
	struct xn_canvas c = {0};
	struct xn_view_caps caps = {.utf8 = utf8, .color = color};
	CHECK(xn_canvas_resize(&c, w, h) == 0);
	CHECK(xn_view_update(v, s) == 0);
	xn_view_render(&c, v, s, &caps);
	golden_check(name, &c);
	xn_canvas_free(&c);
}

#endif
