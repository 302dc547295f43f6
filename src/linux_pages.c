/* linux_pages.c - where a process's pages sit, per node, within a scan budget.
 *
 * The exact figure comes from /proc/PID/numa_maps, whose cost grows with the
 * mapped memory (the kernel walks every page table entry). So each process
 * gets an exact walk when first seen and then at most every exact_interval
 * seconds; in between its figure is an estimate:
 *
 *  - at each exact walk we also pick up to SAMPLE_TARGET page addresses,
 *    spread over the VMAs in proportion to their resident pages (numa_maps
 *    gives pages per VMA, /proc/PID/maps gives the VMA's extent), and ask
 *    move_pages(2) (nodes = NULL: query only) on which node each one is;
 *    each resident sampled page stands for pages(VMA) / resident samples(VMA);
 *  - at an estimate we ask again for the same addresses: a sampled page now
 *    on another node moves its weight from the old node to the new one
 *    (a difference estimator: nothing moved = the exact figure, no sampling
 *    noise); a sampled page not found any more leaves its old node; the
 *    result is scaled to (pages at the walk) * RSS now / RSS at the walk.
 *
 * A walk is forced when the RSS has drifted by more than 2 % since the last
 * one (at most once a second for that reason), for small processes (< 32 MiB,
 * cheap to walk), and when move_pages fails. The entry is keyed by PID and
 * start time, so a reused PID is not confused with its predecessor. */
#include <errno.h>
#include <math.h>
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux_parse.h"
#include "linux_priv.h"
#include "util.h"

enum {
	SAMPLE_TARGET = 512,
	SMALL_PAGES = 8192, /* 32 MiB of 4 KiB pages */
	RSS_DRIFT = 50,     /* 1/50 = 2 % */
};
#define DRIFT_MIN_NS 1000000000ull

struct pc_entry {
	pid_t pid;
	uint64_t starttime;
	bool seen;
	uint64_t exact_ns; /* monotonic time of the last walk */
	uint64_t rss0;     /* RSS (pages) at the walk */
	uint64_t total0;   /* pages counted by the walk */
	int nr;            /* entries of exact[] (max node id + 1) */
	uint64_t *exact;   /* by node id */
	bool explicit_policy;
	size_t ns; /* samples */
	void **addr;
	int *st0; /* node at the walk, < 0 not resident */
	int *st1; /* scratch for the estimate */
	double *w;
};

struct xn_lx_pcache {
	struct pc_entry *e;
	size_t n;
};

struct xn_lx_pcache *xn_lx_pcache_new(void)
{
	return calloc(1, sizeof(struct xn_lx_pcache));
}

static void entry_free(struct pc_entry *e)
{
	free(e->exact);
	free(e->addr);
	free(e->st0);
	free(e->st1);
	free(e->w);
	memset(e, 0, sizeof(*e));
}

void xn_lx_pcache_free(struct xn_lx_pcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		entry_free(&c->e[i]);
	free(c->e);
	free(c);
}

void xn_lx_pcache_begin(struct xn_lx_pcache *c)
{
	for (size_t i = 0; i < c->n; i++)
		c->e[i].seen = false;
}

static void entry_remove(struct xn_lx_pcache *c, size_t i)
{
	entry_free(&c->e[i]);
	c->e[i] = c->e[--c->n];
}

void xn_lx_pcache_end(struct xn_lx_pcache *c)
{
	for (size_t i = c->n; i-- > 0;)
		if (!c->e[i].seen)
			entry_remove(c, i);
}

void xn_lx_pcache_forget(struct xn_lx_pcache *c, pid_t pid)
{
	for (size_t i = c->n; i-- > 0;)
		if (c->e[i].pid == pid)
			entry_remove(c, i);
}

struct vma_list {
	struct xn_lx_vma *v;
	size_t n, cap;
	bool oom;
};

static void vma_add(void *arg, uint64_t start, uint64_t pages)
{
	struct vma_list *l = arg;
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;
		struct xn_lx_vma *nv = realloc(l->v, nc * sizeof(*nv));
		if (!nv) {
			l->oom = true;
			return;
		}
		l->v = nv;
		l->cap = nc;
	}
	l->v[l->n++] = (struct xn_lx_vma){.start = start, .end = start, .pages = pages};
}

int xn_lx_numa_maps_read(pid_t pid, uint64_t page_size, uint64_t *node_pages, uint64_t *total,
                         bool *explicit_policy)
{
	char path[64], *text;
	snprintf(path, sizeof(path), "/proc/%d/numa_maps", (int)pid);
	int r = xn_read_file(path, &text, NULL);
	if (r)
		return r;
	struct xn_lx_nm_stats st;
	xn_lx_parse_numa_maps(text, page_size, node_pages, NULL, NULL, &st);
	free(text);
	*total = st.total;
	*explicit_policy = st.explicit_policy;
	return 0;
}

/* Give each VMA its end from /proc/PID/maps (both files list VMAs by start). */
static void vma_ends(pid_t pid, struct vma_list *l)
{
	char path[64], *text;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	if (xn_read_file(path, &text, NULL))
		return;
	size_t i = 0;
	for (const char *p = text; *p && i < l->n;) {
		uint64_t s, e;
		if (!xn_lx_parse_maps_line(p, &s, &e)) {
			while (i < l->n && l->v[i].start < s)
				i++;
			if (i < l->n && l->v[i].start == s)
				l->v[i++].end = e;
		}
		const char *nl = strchr(p, '\n');
		p = nl ? nl + 1 : p + strlen(p);
	}
	free(text);
}

size_t xn_lx_pick_samples(const struct xn_lx_vma *v, size_t nv, uint64_t total, uint64_t page_size,
                          size_t target, void **addr, double *w, uint32_t *vma_of)
{
	size_t ns = 0;
	if (!total)
		return 0;
	for (size_t i = 0; i < nv; i++) {
		uint64_t span = (v[i].end - v[i].start) / page_size;
		uint64_t k = (uint64_t)((double)target * (double)v[i].pages / (double)total);
		if (k > span)
			k = span;
		if (k > target - ns)
			k = target - ns;
		for (uint64_t j = 0; j < k; j++) {
			/* the middle of each of k equal slices of the VMA */
			uint64_t pg = (2 * j + 1) * span / (2 * k);
			addr[ns] = (void *)(uintptr_t)(v[i].start + pg * page_size);
			w[ns] = (double)v[i].pages; /* divided by resident samples later */
			vma_of[ns] = (uint32_t)i;
			ns++;
		}
	}
	return ns;
}

static int pick_samples(struct pc_entry *e, const struct vma_list *l, uint64_t page_size,
                        uint32_t *vma_of)
{
	e->addr = malloc(SAMPLE_TARGET * sizeof(*e->addr));
	e->st0 = malloc(SAMPLE_TARGET * sizeof(*e->st0));
	e->st1 = malloc(SAMPLE_TARGET * sizeof(*e->st1));
	e->w = malloc(SAMPLE_TARGET * sizeof(*e->w));
	if (!e->addr || !e->st0 || !e->st1 || !e->w)
		return -ENOMEM;
	e->ns = xn_lx_pick_samples(l->v, l->n, e->total0, page_size, SAMPLE_TARGET, e->addr, e->w,
	                           vma_of);
	return 0;
}

/* Query the nodes of the sampled pages into st. 0 or -errno. */
static int query(pid_t pid, struct pc_entry *e, int *st)
{
	if (!e->ns)
		return 0;
	long r = move_pages((int)pid, e->ns, e->addr, NULL, st, 0);
	return r < 0 ? -errno : 0;
}

static int exact_walk(struct pc_entry *e, pid_t pid, uint64_t page_size, uint64_t rss, uint64_t now)
{
	char path[64], *text;
	snprintf(path, sizeof(path), "/proc/%d/numa_maps", (int)pid);
	int r = xn_read_file(path, &text, NULL);
	if (r)
		return r;
	uint64_t *np = malloc(XN_MAX_NODES * sizeof(*np));
	struct vma_list l = {0};
	struct xn_lx_nm_stats st;
	if (!np) {
		free(text);
		return -ENOMEM;
	}
	xn_lx_parse_numa_maps(text, page_size, np, vma_add, &l, &st);
	free(text);
	pid_t keep_pid = e->pid;
	uint64_t keep_start = e->starttime;
	entry_free(e);
	e->pid = keep_pid;
	e->starttime = keep_start;
	e->seen = true;
	e->nr = st.max_node + 1;
	e->exact = calloc(e->nr > 0 ? (size_t)e->nr : 1, sizeof(*e->exact));
	if (!e->exact || l.oom) {
		free(np);
		free(l.v);
		return -ENOMEM;
	}
	memcpy(e->exact, np, (size_t)e->nr * sizeof(*np));
	free(np);
	e->total0 = st.total;
	e->rss0 = rss;
	e->exact_ns = now;
	e->explicit_policy = st.explicit_policy;
	if (rss < SMALL_PAGES) {
		free(l.v); /* walked every time: no samples needed */
		return 0;
	}
	vma_ends(pid, &l);
	uint32_t *vma_of = malloc(SAMPLE_TARGET * sizeof(*vma_of));
	unsigned *res = calloc(l.n ? l.n : 1, sizeof(*res));
	r = vma_of && res ? pick_samples(e, &l, page_size, vma_of) : -ENOMEM;
	free(l.v);
	if (!r && query(pid, e, e->st0))
		e->ns = 0; /* cannot estimate: the figure will age instead */
	if (!r) {
		/* each resident sample stands for its VMA's pages / resident samples */
		for (size_t k = 0; k < e->ns; k++)
			res[vma_of[k]] += e->st0[k] >= 0;
		for (size_t k = 0; k < e->ns; k++)
			e->w[k] = e->st0[k] >= 0 ? e->w[k] / (double)res[vma_of[k]] : 0;
	}
	free(vma_of);
	free(res);
	return r;
}

static struct pc_entry *entry_get(struct xn_lx_pcache *c, pid_t pid, uint64_t starttime)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->e[i].pid == pid) {
			if (c->e[i].starttime == starttime)
				return &c->e[i];
			entry_free(&c->e[i]); /* a reused PID: start over */
			c->e[i].pid = pid;
			c->e[i].starttime = starttime;
			return &c->e[i];
		}
	struct pc_entry *ne = realloc(c->e, (c->n + 1) * sizeof(*ne));
	if (!ne)
		return NULL;
	c->e = ne;
	memset(&ne[c->n], 0, sizeof(*ne));
	ne[c->n].pid = pid;
	ne[c->n].starttime = starttime;
	return &ne[c->n++];
}

int xn_lx_estimate_pages(const struct xn_lx_est_in *in, const struct xn_host *h,
                         uint64_t *node_pages)
{
	int nn = h->nr_nodes;
	double *est = calloc(nn > 0 ? (size_t)nn : 1, sizeof(*est));
	if (!est)
		return -ENOMEM;
	for (int i = 0; i < nn; i++)
		est[i] = h->nodes[i].id < in->nr ? (double)in->exact[h->nodes[i].id] : 0;
	for (size_t k = 0; k < in->ns; k++) {
		if (in->st0[k] < 0 || in->st0[k] == in->st1[k])
			continue;
		/* A page that cannot be found now (freed, or caught in the middle of
		 * a migration or a huge page collapse) leaves its old node; the
		 * scaling below spreads its weight like the rest. */
		int from = xn_host_node_index(h, in->st0[k]);
		int to = in->st1[k] >= 0 ? xn_host_node_index(h, in->st1[k]) : -1;
		if (from >= 0)
			est[from] -= in->w[k];
		if (to >= 0)
			est[to] += in->w[k];
	}
	double sum = 0;
	for (int i = 0; i < nn; i++) {
		if (est[i] < 0)
			est[i] = 0;
		sum += est[i];
	}
	double want = in->rss0 ? (double)in->total0 * (double)in->rss / (double)in->rss0 : sum;
	double scale = sum > 0 ? want / sum : 0;
	for (int i = 0; i < nn; i++)
		node_pages[i] = (uint64_t)llround(est[i] * scale);
	free(est);
	return 0;
}

/* Estimate into d (host order) from the samples; false if it cannot. */
static bool estimate(struct pc_entry *e, const struct xn_host *h, pid_t pid, uint64_t rss,
                     struct xn_domain *d)
{
	if (!e->ns || query(pid, e, e->st1))
		return false;
	struct xn_lx_est_in in = {.exact = e->exact,
	                          .nr = e->nr,
	                          .total0 = e->total0,
	                          .rss0 = e->rss0,
	                          .rss = rss,
	                          .st0 = e->st0,
	                          .st1 = e->st1,
	                          .w = e->w,
	                          .ns = e->ns};
	return xn_lx_estimate_pages(&in, h, d->node_pages) == 0;
}

static void from_exact(const struct pc_entry *e, const struct xn_host *h, struct xn_domain *d)
{
	for (int i = 0; i < h->nr_nodes; i++)
		d->node_pages[i] = h->nodes[i].id < e->nr ? e->exact[h->nodes[i].id] : 0;
}

int xn_lx_pages_get(struct xn_lx_source *lx, const struct xn_host *h, pid_t pid, uint64_t starttime,
                    uint64_t rss, struct xn_domain *d, bool *explicit_policy)
{
	struct pc_entry *e = entry_get(lx->pcache, pid, starttime);
	if (!e)
		return -ENOMEM;
	e->seen = true;
	uint64_t now = xn_now_mono_ns();
	uint64_t age = e->exact ? now - e->exact_ns : UINT64_MAX;
	uint64_t drift = rss > e->rss0 ? rss - e->rss0 : e->rss0 - rss;
	bool walk = !e->exact || rss < SMALL_PAGES || (double)age >= lx->exact_interval * 1e9 ||
	            (drift * RSS_DRIFT > e->rss0 && age >= DRIFT_MIN_NS);
	if (!walk && estimate(e, h, pid, rss, d)) {
		d->pages_method = XN_PAGES_SAMPLED;
		d->pages_age_ms = (int64_t)(age / 1000000);
	} else if (!walk && e->exact) {
		from_exact(e, h, d); /* move_pages refused: show the walk, aged */
		d->pages_method = XN_PAGES_NUMA_MAPS;
		d->pages_age_ms = (int64_t)(age / 1000000);
	} else {
		int r = exact_walk(e, pid, h->page_size, rss, now);
		if (r) {
			xn_lx_pcache_forget(lx->pcache, pid);
			return r;
		}
		from_exact(e, h, d);
		d->pages_method = XN_PAGES_NUMA_MAPS;
		d->pages_age_ms = 0;
	}
	*explicit_policy = e->explicit_policy;
	d->valid |= XN_DOM_PAGES;
	return 0;
}
