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
 * cheap to walk), and when move_pages fails. The interval adapts, and walks
 * due for their age are spread over refreshes (linux_schedule.c). While the
 * process has not faulted, no page anywhere has migrated and its RSS is the
 * same, the last figure is kept without looking (nothing can have moved).
 * A process alone in its memory cgroup is read from the cgroup's counters
 * instead (linux_cgpages.c), once a walk has agreed with them. The entry is
 * keyed by PID and start time, so a reused PID is not confused with its
 * predecessor. */
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
	int nr;   /* entries of exact[] (max node id + 1) */
	int nfig; /* entries of fig[] */
	enum xn_pages_method fig_method;
	uint64_t starttime;
	uint64_t ivl_ns;   /* adaptive interval between walks (set at the first) */
	uint64_t exact_ns; /* monotonic time of the last walk */
	uint64_t rss0;     /* RSS (pages) at the walk */
	uint64_t total0;   /* pages counted by the walk */
	uint64_t *exact;   /* by node id */
	size_t ns;         /* samples */
	void **addr;
	int *st0; /* node at the walk, < 0 not resident */
	int *st1; /* scratch for the estimate */
	double *w;
	/* own memory cgroup (linux_cgpages.c) */
	uint64_t cg_id; /* the cgroup the last check was made in, 0 = none */
	uint64_t cg_ns; /* when a walk there agreed with its numa_stat (cg_ok) */
	/* the last figure given (host order), and what could have moved a page since */
	uint64_t *fig;
	uint64_t seen_moves, seen_faults, seen_rss;
	bool seen;
	bool grant; /* a walk due for its age may run this refresh */
	bool cg_ok;
	bool cg_used;                   /* this refresh's figure came from the cgroup */
	char policy[XN_MEM_POLICY_LEN]; /* of most pages at the walk, "" none */
};

struct xn_lx_pcache {
	struct pc_entry *e;
	size_t n;
	double credit;     /* pages the walks due may still take (xn_lx_spread_walks) */
	uint64_t last_ns;  /* the previous begin */
	uint64_t *cgnp;    /* XN_MAX_NODES: the cgroup's figure, by node id */
	uint64_t *ha, *hb; /* XN_MAX_NODES: scratch in host order */
};

struct xn_lx_pcache *xn_lx_pcache_new(void)
{
	struct xn_lx_pcache *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->cgnp = malloc(XN_MAX_NODES * sizeof(*c->cgnp));
	c->ha = malloc(XN_MAX_NODES * sizeof(*c->ha));
	c->hb = malloc(XN_MAX_NODES * sizeof(*c->hb));
	if (!c->cgnp || !c->ha || !c->hb) {
		xn_lx_pcache_free(c);
		return NULL;
	}
	return c;
}

/* What a walk leaves: freed before the next one. */
static void walk_free(struct pc_entry *e)
{
	free(e->exact);
	free(e->addr);
	free(e->st0);
	free(e->st1);
	free(e->w);
	e->exact = NULL;
	e->addr = NULL;
	e->st0 = e->st1 = NULL;
	e->w = NULL;
	e->ns = 0;
	e->nr = 0;
}

static void entry_free(struct pc_entry *e)
{
	walk_free(e);
	free(e->fig);
	memset(e, 0, sizeof(*e));
}

void xn_lx_pcache_free(struct xn_lx_pcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		entry_free(&c->e[i]);
	free(c->e);
	free(c->cgnp);
	free(c->ha);
	free(c->hb);
	free(c);
}

/* Walks that are due only for their age are spread over refreshes: each
 * refresh earns the pages the intervals need per second times the time since
 * the last one (Σ RSS / interval), and the most overdue walks take them. */
void xn_lx_pcache_begin(struct xn_lx_pcache *c, uint64_t now_ns)
{
	double dt = c->last_ns && now_ns > c->last_ns ? (double)(now_ns - c->last_ns) / 1e9 : 0;
	double rate = 0, largest = 0;
	size_t nd = 0;
	double *over = malloc((c->n ? c->n : 1) * sizeof(*over));
	uint64_t *pages = malloc((c->n ? c->n : 1) * sizeof(*pages));
	size_t *idx = malloc((c->n ? c->n : 1) * sizeof(*idx));
	bool *grant = malloc((c->n ? c->n : 1) * sizeof(*grant));
	c->last_ns = now_ns;
	for (size_t i = 0; i < c->n; i++) {
		struct pc_entry *e = &c->e[i];
		e->seen = false;
		/* without memory for the bookkeeping, walk whatever is due */
		e->grant = !over || !pages || !idx || !grant;
		if (!e->exact || e->cg_used || !e->ivl_ns || e->rss0 < SMALL_PAGES)
			continue;
		rate += (double)e->rss0 / ((double)e->ivl_ns / 1e9);
		if ((double)e->rss0 > largest)
			largest = (double)e->rss0;
		uint64_t age = now_ns - e->exact_ns;
		if (age >= e->ivl_ns && over && pages && idx && grant) {
			over[nd] = (double)age / (double)e->ivl_ns;
			pages[nd] = e->rss0;
			idx[nd++] = i;
		}
	}
	/* a quiet spell earns no burst later, a busy one no endless debt */
	double cap = dt * rate > largest ? dt * rate : largest;
	c->credit += dt * rate;
	c->credit = c->credit > cap ? cap : c->credit < -cap ? -cap : c->credit;
	if (nd) {
		xn_lx_spread_walks(over, pages, nd, c->credit, grant);
		for (size_t k = 0; k < nd; k++)
			c->e[idx[k]].grant = grant[k];
	}
	free(over);
	free(pages);
	free(idx);
	free(grant);
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

int xn_lx_numa_maps_read(pid_t pid, uint64_t page_size, uint64_t *node_pages, uint64_t *total)
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
	walk_free(e);
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
	/* the walk's policy stands until the next walk: a policy changes
	 * only by the process's own mbind/set_mempolicy (or a cpuset's
	 * rebinding), and the page figures in between age the same way */
	if (st.policy >= 0)
		memcpy(e->policy, st.pol[st.policy].text, sizeof(e->policy));
	else
		e->policy[0] = '\0';
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

/* Estimate into out (host order) from the samples; false if it cannot. */
static bool estimate(struct pc_entry *e, const struct xn_host *h, pid_t pid, uint64_t rss,
                     uint64_t *out)
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
	return xn_lx_estimate_pages(&in, h, out) == 0;
}

/* The last walk's figure in host order. */
static void from_exact(const struct pc_entry *e, const struct xn_host *h, uint64_t *out)
{
	for (int i = 0; i < h->nr_nodes; i++)
		out[i] = h->nodes[i].id < e->nr ? e->exact[h->nodes[i].id] : 0;
}

/* By node id (XN_MAX_NODES) to host order. */
static void by_host(const uint64_t *np, const struct xn_host *h, uint64_t *out)
{
	for (int i = 0; i < h->nr_nodes; i++)
		out[i] = np[h->nodes[i].id];
}

/* Largest per-node difference between est (host order) and the walk, as a
 * share of the walk's pages. */
static double deviation(const struct pc_entry *e, const struct xn_host *h, const uint64_t *est,
                        uint64_t *tmp)
{
	from_exact(e, h, tmp);
	uint64_t worst = 0;
	for (int i = 0; i < h->nr_nodes; i++) {
		uint64_t x = est[i] > tmp[i] ? est[i] - tmp[i] : tmp[i] - est[i];
		worst = x > worst ? x : worst;
	}
	return e->total0 ? (double)worst / (double)e->total0 : (worst ? 1.0 : 0.0);
}

/* The process's own cgroup's figure (by node id in c->cgnp) when it is
 * alone there and the figure agrees with its RSS. */
static bool own_cgroup(struct xn_lx_source *lx, pid_t pid, uint64_t rss, uint64_t *cg_id)
{
	struct xn_lx_pcache *c = lx->pcache;
	if (!lx->cg.version || xn_lx_cgpages_read(&lx->cg, pid, lx->page_size, c->cgnp, cg_id))
		return false;
	uint64_t sum = 0;
	for (int i = 0; i < XN_MAX_NODES; i++)
		sum += c->cgnp[i];
	uint64_t diff = sum > rss ? sum - rss : rss - sum;
	return diff * XN_LX_CG_TOLERANCE <= rss;
}

/* Remember the figure given and what could move a page (free on failure:
 * the next refresh then looks again). */
static void keep_figure(struct pc_entry *e, const struct xn_host *h, const struct xn_domain *d,
                        uint64_t moves, uint64_t faults, uint64_t rss)
{
	if (e->nfig != h->nr_nodes) {
		free(e->fig);
		e->nfig = h->nr_nodes;
		e->fig = malloc((e->nfig > 0 ? (size_t)e->nfig : 1) * sizeof(*e->fig));
		if (!e->fig)
			e->nfig = 0;
	}
	if (!e->fig)
		return;
	memcpy(e->fig, d->node_pages, (size_t)e->nfig * sizeof(*e->fig));
	e->fig_method = d->pages_method;
	e->seen_moves = moves;
	e->seen_faults = faults;
	e->seen_rss = rss;
}

/* The last walk's memory policy into d (none when its numa_maps had no VMA). */
static void give_policy(const struct pc_entry *e, struct xn_domain *d)
{
	if (!e->policy[0])
		return;
	memcpy(d->mem_policy, e->policy, sizeof(d->mem_policy));
	d->valid |= XN_DOM_MEM_POLICY;
}

int xn_lx_pages_get(struct xn_lx_source *lx, const struct xn_host *h, pid_t pid, uint64_t starttime,
                    uint64_t rss, uint64_t faults, struct xn_domain *d)
{
	struct xn_lx_pcache *c = lx->pcache;
	struct pc_entry *e = entry_get(c, pid, starttime);
	if (!e)
		return -ENOMEM;
	e->seen = true;
	uint64_t now = xn_now_mono_ns();
	uint64_t base = (uint64_t)(lx->exact_interval * 1e9);
	uint64_t cg_id = 0;
	bool cg = own_cgroup(lx, pid, rss, &cg_id);
	e->cg_used = false;
	if (cg && e->cg_ok && e->cg_id == cg_id &&
	    (double)(now - e->cg_ns) < XN_LX_CG_RECHECK * 1e9) {
		by_host(c->cgnp, h, d->node_pages);
		d->pages_method = XN_PAGES_CGROUP;
		d->pages_age_ms = 0;
		e->cg_used = true;
		give_policy(e, d);
		d->valid |= XN_DOM_PAGES;
		return 0;
	}
	/* first alone here, or the recheck is due: a walk says whether the
	 * cgroup's figure is the process's own (a failed check waits for the
	 * next regular walk, or for another cgroup) */
	bool cg_check = cg && (e->cg_id != cg_id || e->cg_ok);
	if (!cg) {
		e->cg_ok = false;
		e->cg_id = 0;
	}
	uint64_t age = e->exact ? now - e->exact_ns : UINT64_MAX;
	uint64_t drift = rss > e->rss0 ? rss - e->rss0 : e->rss0 - rss;
	bool drifted = e->exact && drift * RSS_DRIFT > e->rss0 && age >= DRIFT_MIN_NS;
	/* No fault of the process, no migration or collapse anywhere and the
	 * same RSS since the last figure: no page of it can have changed node,
	 * so that figure holds without a walk or a move_pages query (a walk
	 * still comes after the longest interval, in case). */
	bool still = lx->moves_ok && e->fig && e->nfig == h->nr_nodes &&
	             e->seen_moves == lx->moves && e->seen_faults == faults && e->seen_rss == rss;
	bool due = e->exact && age >= e->ivl_ns &&
	           (!still || (double)age >= (double)base * XN_LX_IVL_MAX_MUL);
	bool walk = !e->exact || (rss < SMALL_PAGES && !still) || drifted || cg_check ||
	            (due && (e->grant || e->ivl_ns < DRIFT_MIN_NS / 1000));
	if (!walk && still) {
		memcpy(d->node_pages, e->fig, (size_t)e->nfig * sizeof(*e->fig));
		d->pages_method = e->fig_method;
		d->pages_age_ms = (int64_t)(age / 1000000);
	} else if (!walk && estimate(e, h, pid, rss, d->node_pages)) {
		d->pages_method = XN_PAGES_SAMPLED;
		d->pages_age_ms = (int64_t)(age / 1000000);
	} else if (!walk) {
		from_exact(e, h, d->node_pages); /* move_pages refused: show the walk, aged */
		d->pages_method = XN_PAGES_NUMA_MAPS;
		d->pages_age_ms = (int64_t)(age / 1000000);
	} else {
		/* how good the estimate was, to adapt the interval */
		bool first = !e->exact;
		bool had_est = !first && !drifted && rss >= SMALL_PAGES && due &&
		               estimate(e, h, pid, rss, c->ha);
		uint64_t rss_walk = e->rss0;
		int r = exact_walk(e, pid, h->page_size, rss, now);
		if (r) {
			xn_lx_pcache_forget(c, pid);
			return r;
		}
		double dev = had_est ? deviation(e, h, c->ha, c->hb) : -1;
		bool steady = (rss > rss_walk ? rss - rss_walk : rss_walk - rss) * 200 <= rss_walk;
		e->ivl_ns =
		        first ? base : xn_lx_adapt_interval(e->ivl_ns, base, drifted, dev, steady);
		c->credit -= (double)rss;
		if (cg) {
			from_exact(e, h, c->ha);
			by_host(c->cgnp, h, c->hb);
			e->cg_id = cg_id;
			e->cg_ok = xn_lx_cg_agrees(c->ha, c->hb, h->nr_nodes);
			e->cg_ns = now;
		}
		from_exact(e, h, d->node_pages);
		d->pages_method = XN_PAGES_NUMA_MAPS;
		d->pages_age_ms = 0;
	}
	keep_figure(e, h, d, lx->moves, faults, rss);
	give_policy(e, d);
	d->valid |= XN_DOM_PAGES;
	return 0;
}
