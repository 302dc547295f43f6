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
#include "view.h"

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

/* nn = 2 or 4 nodes. */
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

	d = fx_dom(s, 5, "web-frontend-01", "-b----", 3.5, 2, 1);
	d->node_pages[1] = 2 * gp;
	XN_NM_SET(&d->node_affinity, 1);

	d = fx_dom(s, 7, "db-primary", "-b----", 87.25, 8, 0);
	for (int i = 0; i < nn; i++)
		d->node_pages[i] = (8 * gp) / (uint64_t)nn;
	XN_NM_SET(&d->node_affinity, 0);

	d = fx_dom(s, 9, "pages-unknown", "--p---", 0.0, 1, -1);
	d->valid &= ~(unsigned)(XN_DOM_PAGES | XN_DOM_VCPU_NODE);
	d->pages_method = XN_PAGES_NONE;
	XN_NM_SET(&d->node_affinity, 0);

	d = fx_dom(s, 12,
	           "evil\x1b[2J\x07name\n\x9b"
	           "1mx",
	           "-b----", 1.0, 1, 0);
	d->node_pages[0] = gp / 2;
	XN_NM_SET(&d->node_affinity, 0);

	d = fx_dom(s, 13, "a-very-long-domain-name-that-does-not-fit", "-b----", 0.5, 1, nn - 1);
	d->node_pages[nn - 1] = gp / 4;
	d->node_pages[0] = gp / 64;
	XN_NM_SET(&d->node_affinity, nn - 1);

	d = fx_dom(s, 20, "idle", "---s--", 0.0, 1, 0);
	d->valid &= ~(unsigned)XN_DOM_CPU_PCT;
	d->affinity_auto = true;

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
