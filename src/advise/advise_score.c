/* advise_score.c - candidate placements of one domain and their terms
 * (see advise.h for the method, advise_priv.h for the parts). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "advise_priv.h"

enum { HEADROOM_MIN = 64 << 20 };
#define HEADROOM_SHARE 0.02 /* of the target nodes' memory, kept free after a move */
#define MOVE_WEIGHT 10.0    /* points a move of all of a domain's memory costs */
#define MOVE_FIXED                                                                                 \
	5.0              /* points any memory move costs: cheapest first, so a move                \
	                    that gains a point or two over moving vCPUs loses */
#define CPU_WEIGHT 20.0  /* points per 100 % of load over the host's usual load */
#define DIST_WEIGHT 0.05 /* points per unit of mean distance over local (10) */

static int cpus_of(const struct xn_node *n)
{
	return (n->valid & XN_NODE_CPUS) ? xn_bits_count(n->cpus.w, XN_MAX_CPUS) : 0;
}

int xn_adv_host_init(struct xn_adv_host *ah, const struct xn_snapshot *s)
{
	memset(ah, 0, sizeof(*ah));
	ah->s = s;
	ah->nn = s->host.nr_nodes > 0 ? s->host.nr_nodes : 0;
	ah->memory_moves = !strcmp(s->origin, "linux");
	ah->soft_only = !strcmp(s->origin, "xen");
	ah->xen_move = ah->soft_only;
	size_t n = ah->nn ? (size_t)ah->nn : 1;
	ah->load = calloc(n, sizeof(*ah->load));
	ah->cpus = calloc(n, sizeof(*ah->cpus));
	ah->free = calloc(n, sizeof(*ah->free));
	ah->near = calloc(n * n, sizeof(*ah->near));
	ah->shares = calloc(n * 2, sizeof(*ah->shares));
	ah->idx = calloc(n, sizeof(*ah->idx));
	if (!ah->load || !ah->cpus || !ah->free || !ah->near || !ah->shares || !ah->idx) {
		xn_adv_host_free(ah);
		return -ENOMEM;
	}
	const struct xn_host *h = &s->host;
	for (int i = 0; i < ah->nn; i++) {
		ah->cpus[i] = (uint32_t)cpus_of(&h->nodes[i]);
		ah->free[i] =
		        (h->nodes[i].valid & XN_NODE_FREE) ? (int64_t)h->nodes[i].mem_free : -1;
	}
	for (size_t k = 0; k < s->nr_domains; k++) {
		const struct xn_domain *d = &s->domains[k];
		if (!(d->valid & XN_DOM_VCPU_NODE) || !d->vcpu_node)
			continue;
		for (uint32_t v = 0; v < d->vcpus; v++) {
			bool off = (d->valid & XN_DOM_VCPU_INFO) && d->vcpu_info &&
			           (d->vcpu_info[v].valid & XN_VCPU_STATE) &&
			           d->vcpu_info[v].state == 'o';
			int ni = d->vcpu_node[v] >= 0 ? xn_host_node_index(h, d->vcpu_node[v]) : -1;
			if (ni >= 0 && !off)
				ah->load[ni]++;
		}
	}
	uint64_t all_cpus = 0, all_vcpus = 0;
	for (int i = 0; i < ah->nn; i++) {
		all_cpus += ah->cpus[i];
		all_vcpus += ah->load[i];
	}
	ah->host_ratio = all_cpus ? (double)all_vcpus / (double)all_cpus : 0;
	/* Each node's others by distance (ties by index), as libxl grows
	 * candidates with the nearest nodes; without distances, by index. */
	for (int i = 0; i < ah->nn; i++) {
		int *row = &ah->near[(size_t)i * (size_t)ah->nn];
		for (int j = 0; j < ah->nn; j++)
			row[j] = j;
		for (int a = 1; a < ah->nn; a++) {
			int x = row[a], b = a;
			for (; b > 0; b--) {
				int y = row[b - 1];
				uint32_t dx = 0, dy = 0;
				if (h->valid & XN_HOST_DISTANCE) {
					dx = h->distance[(size_t)i * (size_t)ah->nn + (size_t)x];
					dy = h->distance[(size_t)i * (size_t)ah->nn + (size_t)y];
				}
				bool before = x == i ? y != i
				                     : (y != i && (dx < dy || (dx == dy && x < y)));
				if (!before)
					break;
				row[b] = y;
			}
			row[b] = x;
		}
	}
	return 0;
}

void xn_adv_host_free(struct xn_adv_host *ah)
{
	free(ah->load);
	free(ah->cpus);
	free(ah->free);
	free(ah->near);
	free(ah->shares);
	free(ah->idx);
	memset(ah, 0, sizeof(*ah));
}

/* Does a CPU list ("0-3,8", "all") reach any CPU of the node? */
static bool hard_reaches(const char *list, const struct xn_node *n, int nwords)
{
	if (!list || !strcmp(list, "all") || !(n->valid & XN_NODE_CPUS))
		return true;
	xn_cpumask m;
	memset(&m, 0, sizeof(m));
	char err[64];
	if (xn_bits_parse_list(list, m.w, XN_MAX_CPUS, err, sizeof(err)))
		return true; /* unreadable: do not forbid on a guess */
	for (int w = 0; w < nwords; w++)
		if (m.w[w] & n->cpus.w[w])
			return true;
	return false;
}

void xn_adv_dom_init(const struct xn_adv_host *ah, const struct xn_domain *d, struct xn_adv_dom *dd,
                     uint32_t *on, bool *allowed)
{
	const struct xn_host *h = &ah->s->host;
	memset(dd, 0, sizeof(*dd));
	dd->d = d;
	dd->on = on;
	dd->allowed = allowed;
	dd->total = xn_domain_pages_total(d, ah->nn);
	dd->local_now = (d->valid & XN_DOM_LOCALITY) ? d->locality : 0;
	for (int i = 0; i < ah->nn; i++) {
		on[i] = 0;
		allowed[i] = true;
	}
	if ((d->valid & XN_DOM_VCPU_NODE) && d->vcpu_node)
		for (uint32_t v = 0; v < d->vcpus; v++) {
			int ni = d->vcpu_node[v] >= 0 ? xn_host_node_index(h, d->vcpu_node[v]) : -1;
			if (ni >= 0) {
				on[ni]++;
				dd->known++;
			}
		}
	if (!ah->soft_only || !(d->valid & XN_DOM_VCPU_INFO) || !d->vcpu_info)
		return;
	int nwords = h->nr_cpus > 0 && h->nr_cpus <= XN_MAX_CPUS ? (h->nr_cpus + 63) / 64
	                                                         : XN_MAX_CPUS / 64;
	for (uint32_t v = 0; v < d->vcpus; v++) {
		const struct xn_vcpu *vc = &d->vcpu_info[v];
		if (!(vc->valid & XN_VCPU_HARD))
			continue;
		for (int i = 0; i < ah->nn; i++)
			if (allowed[i] && !hard_reaches(vc->hard, &h->nodes[i], nwords))
				allowed[i] = false;
	}
}

/* Mean distance a vCPU's access travels: vCPUs weighted by vw[] (sum 1),
 * pages by pw[] (sum 1). 0 when the host gives no distances. */
static double mean_distance(const struct xn_host *h, int nn, const double *vw, const double *pw)
{
	if (!(h->valid & XN_HOST_DISTANCE) || !h->distance)
		return 0;
	double sum = 0;
	for (int a = 0; a < nn; a++)
		for (int j = 0; vw[a] > 0 && j < nn; j++)
			sum += vw[a] * pw[j] *
			       (double)h->distance[(size_t)a * (size_t)nn + (size_t)j];
	return sum;
}

bool xn_adv_evaluate(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                     enum xn_advice_action action, const int *idx, int k, struct xn_adv_cand *c)
{
	const struct xn_host *h = &ah->s->host;
	const struct xn_domain *d = dd->d;
	int nn = ah->nn;
	if (k <= 0 || dd->total == 0 || dd->known == 0)
		return false;
	memset(c, 0, sizeof(*c));
	c->action = action;
	c->nr_nodes = k;
	bool moves = action == XN_ADVICE_MEMORY || action == XN_ADVICE_BOTH;
	/* Xen: node affinity moves nothing that exists; only a live migration
	 * (--move-memory, 'm') does, for the memory where the vCPUs run */
	bool whole = moves && !ah->memory_moves;
	if (whole && !(ah->xen_move && action == XN_ADVICE_MEMORY))
		return false;

	uint64_t ps = h->page_size ? h->page_size : 4096, in_s = 0, total_bytes = 0;
	int64_t free_s = 0;
	bool free_known = true;
	uint32_t own_there = 0;
	xn_nodemask in;
	memset(&in, 0, sizeof(in));
	for (int t = 0; t < k; t++) {
		int i = idx[t];
		XN_NM_SET(&in, i);
		XN_NM_SET(&c->nodes, h->nodes[i].id);
		in_s += d->node_pages[i];
		total_bytes += h->nodes[i].mem_total;
		if (ah->free[i] < 0)
			free_known = false;
		else
			free_s += ah->free[i];
		c->cpus_there += ah->cpus[i];
		c->vcpus_there += ah->load[i];
		own_there += dd->on[i];
		if (action != XN_ADVICE_MEMORY && ah->soft_only && !dd->allowed[i])
			return false; /* soft affinity cannot take a vCPU past its hard affinity */
	}
	c->vcpus_there -= own_there < c->vcpus_there ? own_there : c->vcpus_there;
	uint64_t moved = whole ? dd->total : dd->total - in_s;
	int64_t headroom = (int64_t)((double)total_bytes * HEADROOM_SHARE);
	if (headroom < HEADROOM_MIN)
		headroom = HEADROOM_MIN;
	if (moves) {
		if (!free_known)
			return false; /* cannot say it fits */
		c->pages_to_move = moved;
		c->mem_free_after = free_s - (int64_t)(moved * ps) - headroom;
		if (c->mem_free_after < 0)
			return false;
	} else {
		c->mem_free_after = free_known ? free_s - headroom : 0;
	}

	/* Pages and vCPUs afterwards, as shares; moved pages spread evenly. */
	double *pw = ah->shares;
	double *vw = pw + nn;
	for (int i = 0; i < nn; i++) {
		double p = (double)d->node_pages[i];
		if (whole) /* re-allocated: all of it on the targets */
			p = XN_NM_TEST(&in, i) ? (double)dd->total / k : 0;
		else if (moves)
			p = XN_NM_TEST(&in, i) ? p + (double)moved / k : 0;
		pw[i] = p / (double)dd->total;
		if (action == XN_ADVICE_MEMORY)
			vw[i] = (double)dd->on[i] / dd->known;
		else
			vw[i] = XN_NM_TEST(&in, i) ? 1.0 / k : 0;
	}
	double e = 0;
	for (int i = 0; i < nn; i++)
		e += vw[i] * pw[i];
	c->local_expected = 100.0 * e;
	c->distance = mean_distance(h, nn, vw, pw);

	double pen =
	        moves && moved ? MOVE_FIXED + MOVE_WEIGHT * (double)moved / (double)dd->total : 0;
	/* CPU fit: vCPUs per CPU on the target against the host's own ratio
	 * (a host that runs 2 vCPUs per CPU everywhere is no reason to stay
	 * put), never below 1; crowding a node past that costs in proportion. */
	if (action != XN_ADVICE_MEMORY && c->cpus_there > 0) {
		double ratio = (double)(c->vcpus_there + dd->known) / c->cpus_there;
		double base = ah->host_ratio > 1 ? ah->host_ratio : 1;
		if (ratio > base)
			pen += CPU_WEIGHT * (ratio - base) / base;
	}
	if (c->distance > 10)
		pen += DIST_WEIGHT * (c->distance - 10);
	c->score = c->local_expected - dd->local_now - pen;
	return true;
}

/* a better than b? Score, then the cheaper action, fewer nodes, the less
 * loaded and the freer target, the lower node id: a stable total order, so
 * a tie gives the same verdict every refresh. */
static bool better(const struct xn_adv_host *ah, const struct xn_adv_cand *a,
                   const struct xn_adv_cand *b)
{
	if (a->score > b->score + 1e-9 || a->score < b->score - 1e-9)
		return a->score > b->score;
	if (a->action != b->action)
		return a->action < b->action;
	if (a->nr_nodes != b->nr_nodes)
		return a->nr_nodes < b->nr_nodes;
	double la = a->cpus_there ? (double)a->vcpus_there / a->cpus_there : 0;
	double lb = b->cpus_there ? (double)b->vcpus_there / b->cpus_there : 0;
	if (la != lb)
		return la < lb;
	if (a->mem_free_after != b->mem_free_after)
		return a->mem_free_after > b->mem_free_after;
	return xn_bits_next(a->nodes.w, XN_MAX_NODES, 0) <
	       xn_bits_next(b->nodes.w, XN_MAX_NODES, 0);
}

/* Keep the best-scoring candidate, and apart from it the one that gains
 * the most (to say why a big gain was not advised). */
static void consider(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                     enum xn_advice_action action, const int *idx, int k, struct xn_adv_cand *best,
                     bool *have, struct xn_adv_cand *top_gain)
{
	struct xn_adv_cand c;
	if (!xn_adv_evaluate(ah, dd, action, idx, k, &c))
		return;
	if (!*have || better(ah, &c, best)) {
		*best = c;
		*have = true;
	}
	if (c.local_expected > top_gain->local_expected + 1e-9)
		*top_gain = c;
}

/* Would the whole domain fit on these nodes (what is there plus free)? */
static bool fits(const struct xn_adv_host *ah, const struct xn_adv_dom *dd, const int *idx, int k)
{
	uint64_t ps = ah->s->host.page_size ? ah->s->host.page_size : 4096, in_s = 0;
	int64_t free_s = 0;
	for (int t = 0; t < k; t++) {
		if (ah->free[idx[t]] < 0)
			return false;
		free_s += ah->free[idx[t]];
		in_s += dd->d->node_pages[idx[t]];
	}
	return free_s >= (int64_t)((dd->total - in_s) * ps) + HEADROOM_MIN;
}

bool xn_adv_best(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                 struct xn_adv_cand *best, struct xn_adv_cand *top_gain)
{
	bool have = false;
	memset(top_gain, 0, sizeof(*top_gain));
	top_gain->local_expected = -1;
	int nn = ah->nn;
	int vn[XN_MAX_NODES], nv = 0;
	for (int i = 0; i < nn; i++) {
		consider(ah, dd, XN_ADVICE_VCPUS, &i, 1, best, &have, top_gain);
		consider(ah, dd, XN_ADVICE_BOTH, &i, 1, best, &have, top_gain);
		if (dd->on[i] && nv < XN_MAX_NODES)
			vn[nv++] = i;
	}
	/* Memory to where the vCPUs run: one node only, since migrate_pages
	 * to several nodes does not spread pages as this model would assume. */
	if (nv == 1)
		consider(ah, dd, XN_ADVICE_MEMORY, vn, nv, best, &have, top_gain);
	/* Each node grown with its nearest, until the domain fits (libxl). */
	for (int i = 0; i < nn; i++) {
		const int *row = &ah->near[(size_t)i * (size_t)nn];
		if (fits(ah, dd, row, 1))
			continue;
		for (int k = 2; k <= nn; k++) {
			consider(ah, dd, XN_ADVICE_VCPUS, row, k, best, &have, top_gain);
			consider(ah, dd, XN_ADVICE_BOTH, row, k, best, &have, top_gain);
			if (fits(ah, dd, row, k))
				break;
		}
	}
	return have;
}

void xn_adv_current(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                    struct xn_adv_cand *c)
{
	const struct xn_host *h = &ah->s->host;
	int nn = ah->nn;
	memset(c, 0, sizeof(*c));
	c->action = XN_ADVICE_OK;
	c->local_expected = dd->local_now;
	if (dd->total == 0 || dd->known == 0)
		return;
	double *pw = ah->shares;
	double *vw = pw + nn;
	bool free_known = true;
	for (int i = 0; i < nn; i++) {
		pw[i] = (double)dd->d->node_pages[i] / (double)dd->total;
		vw[i] = (double)dd->on[i] / dd->known;
		if (!dd->on[i])
			continue;
		XN_NM_SET(&c->nodes, h->nodes[i].id);
		c->nr_nodes++;
		c->cpus_there += ah->cpus[i];
		c->vcpus_there += ah->load[i] - (dd->on[i] < ah->load[i] ? dd->on[i] : ah->load[i]);
		if (ah->free[i] < 0)
			free_known = false;
		else
			c->mem_free_after += ah->free[i];
	}
	if (!free_known)
		c->mem_free_after = 0;
	c->distance = mean_distance(h, nn, vw, pw);
}

int xn_adv_mask_to_idx(const struct xn_adv_host *ah, const xn_nodemask *m, int *idx)
{
	int k = 0;
	for (int b = xn_bits_next(m->w, XN_MAX_NODES, 0); b >= 0;
	     b = xn_bits_next(m->w, XN_MAX_NODES, b + 1)) {
		int i = xn_host_node_index(&ah->s->host, b);
		if (i < 0)
			return 0;
		idx[k++] = i;
	}
	return k;
}
