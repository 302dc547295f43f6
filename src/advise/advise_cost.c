/* advise_cost.c - the host as the plan sees it, and the cost model of one
 * candidate placement (advise.h states the model; feasibility is core's
 * xn_place_check, placement.h). */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "advise_priv.h"
#include "source.h"

static int cpus_of(const struct xn_node *n)
{
	return (n->valid & XN_NODE_CPUS) ? xn_bits_count(n->cpus.w, XN_MAX_CPUS) : 0;
}

/* CPUs of node n in pool p. */
static int pool_cpus_of(const struct xn_node *n, const struct xn_cpupool *p)
{
	int c = 0;
	if (n->valid & XN_NODE_CPUS)
		for (size_t w = 0; w < sizeof(n->cpus.w) / sizeof(n->cpus.w[0]); w++)
			c += __builtin_popcountll(n->cpus.w[w] & p->cpus.w[w]);
	return c;
}

/* The offset of d's crowding row (advise_priv.h): its cpupool's, when the
 * source reads pools and d's is known (as core's xn_place_check counts
 * CPUs), else 0 (the whole nodes). */
static size_t row_of(const struct xn_adv_host *ah, const struct xn_domain *d)
{
	if (ah->rows <= 1 || !(d->valid & XN_DOM_CPUPOOL))
		return 0;
	const struct xn_cpupool *p = xn_host_pool(&ah->s->host, d->cpupool);
	return p ? (size_t)(1 + (p - ah->s->host.pools)) * (size_t)ah->nn : 0;
}

/* Busy share of d's vCPU v (0..1): measured CPU use spread over its
 * vCPUs, else from the vCPU's state, else 1 (assume busy: crowding is
 * never under-counted). */
static double vcpu_busy(const struct xn_domain *d, uint32_t v)
{
	if ((d->valid & XN_DOM_CPU_PCT) && d->vcpus) {
		double b = d->cpu_pct / 100.0 / d->vcpus;
		return b < 0 ? 0 : b > 1 ? 1 : b;
	}
	if ((d->valid & XN_DOM_VCPU_INFO) && d->vcpu_info &&
	    (d->vcpu_info[v].valid & XN_VCPU_STATE)) {
		char st = d->vcpu_info[v].state;
		return st == 'o' ? 0 : st == 'b' ? XN_ADVISE_BLOCKED_BUSY : 1;
	}
	return 1;
}

double xn_adv_busy(const struct xn_domain *d)
{
	double b = 0;
	for (uint32_t v = 0; v < d->vcpus; v++)
		b += vcpu_busy(d, v);
	return b;
}

/* Distance between node indexes a and j over 10 (1.0 local); without a
 * distance table remote counts 2.0 (SLIT's usual 20). */
static double dist(const struct xn_host *h, int nn, int a, int j)
{
	if ((h->valid & XN_HOST_DISTANCE) && h->distance) {
		uint32_t v = h->distance[(size_t)a * (size_t)nn + (size_t)j];
		if (v >= 10)
			return v / 10.0;
	}
	return a == j ? 1.0 : 2.0;
}

/* A node id's index (-1: not on this host), from a table made once. */
static int node_index(const struct xn_adv_host *ah, int id)
{
	return id >= 0 && id < XN_MAX_NODES ? ah->index_of[id] : -1;
}

int xn_adv_host_init(struct xn_adv_host *ah, const struct xn_snapshot *s)
{
	memset(ah, 0, sizeof(*ah));
	ah->s = s;
	ah->nn = s->host.nr_nodes > 0 ? s->host.nr_nodes : 0;
	ah->caps = s->caps;
	const struct xn_host *h = &s->host;
	ah->rows =
	        1 + ((s->caps & XN_SRC_CPUPOOLS) && h->pools && h->nr_pools > 0 ? h->nr_pools : 0);
	size_t n = ah->nn ? (size_t)ah->nn : 1, rn = (size_t)ah->rows * n;
	ah->cpus = calloc(rn, sizeof(*ah->cpus));
	ah->free = calloc(n, sizeof(*ah->free));
	ah->demand = calloc(rn, sizeof(*ah->demand));
	ah->load = calloc(rn, sizeof(*ah->load));
	ah->near = calloc(n * n, sizeof(*ah->near));
	ah->scratch = calloc(n * 3, sizeof(*ah->scratch));
	ah->dist = calloc(n * n, sizeof(*ah->dist));
	ah->memo = calloc(1, sizeof(*ah->memo));
	if (ah->memo)
		ah->memo->row = calloc(n, sizeof(*ah->memo->row));
	/* candidates per domain: 3 per node alone, 3 per grown set */
	ah->nlight = (int)(3 * n + 3 * n * n);
	ah->light = calloc((size_t)ah->nlight, sizeof(*ah->light));
	if (!ah->cpus || !ah->free || !ah->demand || !ah->load || !ah->near || !ah->scratch ||
	    !ah->light || !ah->dist || !ah->memo || !ah->memo->row) {
		xn_adv_host_free(ah);
		return -ENOMEM;
	}
	for (int id = 0; id < XN_MAX_NODES; id++)
		ah->index_of[id] = -1;
	for (int i = 0; i < ah->nn; i++) {
		int id = h->nodes[i].id;
		if (id >= 0 && id < XN_MAX_NODES && ah->index_of[id] < 0)
			ah->index_of[id] = i; /* the first, as xn_host_node_index */
		ah->cpus[i] = (uint32_t)cpus_of(&h->nodes[i]);
		ah->free[i] =
		        (h->nodes[i].valid & XN_NODE_FREE) ? (int64_t)h->nodes[i].mem_free : -1;
		for (int p = 1; p < ah->rows; p++)
			ah->cpus[(size_t)p * n + (size_t)i] =
			        (uint32_t)pool_cpus_of(&h->nodes[i], &h->pools[p - 1]);
	}
	for (int i = 0; i < ah->nn; i++)
		for (int j = 0; j < ah->nn; j++)
			ah->dist[(size_t)i * n + (size_t)j] = dist(h, ah->nn, i, j);
	for (size_t k = 0; k < s->nr_domains; k++) {
		const struct xn_domain *d = &s->domains[k];
		/* our own threads run whenever we sample: not a load to plan around */
		if (!(d->valid & XN_DOM_VCPU_NODE) || !d->vcpu_node || (d->valid & XN_DOM_SELF))
			continue;
		size_t at = row_of(ah, d);
		for (uint32_t v = 0; v < d->vcpus; v++) {
			int ni = node_index(ah, d->vcpu_node[v]);
			if (ni >= 0) {
				double b = vcpu_busy(d, v);
				ah->demand[ni] += b;
				ah->load[ni] += 1;
				if (at) { /* and in its pool's row */
					ah->demand[at + (size_t)ni] += b;
					ah->load[at + (size_t)ni] += 1;
				}
			}
		}
	}
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
	free(ah->cpus);
	free(ah->free);
	free(ah->demand);
	free(ah->load);
	free(ah->near);
	free(ah->scratch);
	free(ah->light);
	free(ah->dist);
	if (ah->memo)
		free(ah->memo->row);
	free(ah->memo);
	memset(ah, 0, sizeof(*ah));
}

/* LOCAL% and expected access cost of shares vw (vCPUs) and pw (pages). */
static void access_of(const struct xn_adv_host *ah, const double *vw, const double *pw,
                      double *local, double *access)
{
	int nn = ah->nn;
	double l = 0, c = 0;
	for (int a = 0; a < nn; a++) {
		if (vw[a] <= 0)
			continue;
		l += vw[a] * pw[a];
		for (int j = 0; j < nn; j++)
			if (pw[j] > 0)
				c += vw[a] * pw[j] * ah->dist[(size_t)a * (size_t)nn + (size_t)j];
	}
	*local = 100.0 * l;
	*access = c;
}

void xn_adv_dom_init(const struct xn_adv_host *ah, struct xn_domain *d, struct xn_adv_dom *dd,
                     double *sh)
{
	const struct xn_host *h = &ah->s->host;
	uint64_t ps = h->page_size ? h->page_size : 4096;
	size_t nn = ah->nn ? (size_t)ah->nn : 1;
	double *vw = sh, *pw = sh + nn, *bw = sh + 2 * nn;
	memset(dd, 0, sizeof(*dd));
	dd->d = d;
	dd->at = row_of(ah, d);
	dd->vw = vw;
	dd->pw = pw;
	dd->bw = bw;
	for (int i = 0; i < ah->nn; i++)
		vw[i] = pw[i] = bw[i] = 0;
	dd->total = (d->valid & XN_DOM_PAGES) ? xn_domain_pages_total(d, ah->nn) : 0;
	dd->gib = (double)(dd->total * ps) / (double)(1u << 30);
	if ((d->valid & XN_DOM_VCPU_NODE) && d->vcpu_node)
		for (uint32_t v = 0; v < d->vcpus; v++) {
			int ni = node_index(ah, d->vcpu_node[v]);
			if (ni >= 0) {
				double b = vcpu_busy(d, v);
				vw[ni] += 1;
				bw[ni] += b;
				dd->busy += b;
				dd->known++;
			}
		}
	for (int i = 0; i < ah->nn; i++) {
		if (dd->known)
			vw[i] /= dd->known;
		if (dd->total)
			pw[i] = (double)d->node_pages[i] / (double)dd->total;
		if (ah->cpus[dd->at + (size_t)i] && pw[i] > dd->pw_max)
			dd->pw_max = pw[i];
	}
	access_of(ah, vw, pw, &dd->local, &dd->access);
	if (d->valid & XN_DOM_LOCALITY)
		dd->local = d->locality; /* the figure every surface shows */
}

/* max(0, rho - 1) of the nodes its vCPUs run on, weighted by vw, when
 * its busy vCPUs are where ba puts them (CPUs' worth per node) instead of
 * where they are now (dd->bw). */
static double crowd_of(const struct xn_adv_host *ah, const struct xn_adv_dom *dd, const double *vw,
                       const double *ba)
{
	const uint32_t *cpus = ah->cpus + dd->at;
	const double *demand = ah->demand + dd->at;
	double c = 0;
	for (int i = 0; i < ah->nn; i++) {
		if (vw[i] <= 0 || cpus[i] == 0)
			continue;
		double rho = (demand[i] - dd->bw[i] + ba[i]) / cpus[i];
		c += vw[i] * (rho > 1 ? rho - 1 : 0);
	}
	return c;
}

/* Soft affinity (Xen) is a preference over all the targets' CPUs at once:
 * Xen's schedulers (credit, credit2) look for an idle CPU anywhere in a
 * vCPU's soft affinity before any CPU outside it (BALANCE_SOFT_AFFINITY,
 * then BALANCE_HARD_AFFINITY). So on a target whose busy vCPUs outnumber
 * its CPUs (rho > 1) 1/rho of the domain's vCPUs asked there run there;
 * their excess runs first on the spare CPUs of the other targets (shared
 * in proportion to each one's spare), and only what the whole target set
 * cannot take spills to the other nodes (evenly over those with CPUs).
 * The expected LOCAL% and access cost are those of where the vCPUs run;
 * the crowding is that of the targets once the excess the others took has
 * left them (a target that took some ends at most full: no crowding
 * there). A soft affinity holding every CPU of the domain's pool is no
 * preference at all (Xen's has_soft_affinity() is false): over several
 * nodes such a step is expected to change nothing; over one, the pool
 * keeps the vCPUs there anyway. advise.h states the model. */
static void spill(const struct xn_adv_host *ah, const struct xn_adv_dom *dd, const int *idx, int k,
                  const double *vw, const double *pw, const double *ba, struct xn_adv_cand *c)
{
	int nn = ah->nn;
	const uint32_t *cpus = ah->cpus + dd->at; /* its pool's, as crowd_of */
	const double *demand = ah->demand + dd->at;
	struct xn_adv_memo *m = ah->memo;
	if (m->rows_dd != dd || m->rows_gen != ah->gen) {
		/* the domain's pages stay (a vCPU move): once per domain */
		m->rows_dd = dd;
		m->rows_gen = ah->gen;
		m->pw_cpu = m->row_cpu = 0;
		m->nodes_cpu = 0;
		for (int a = 0; a < nn; a++) {
			double r = 0;
			for (int j = 0; j < nn; j++)
				r += pw[j] * ah->dist[(size_t)a * (size_t)nn + (size_t)j];
			m->row[a] = r;
			if (cpus[a]) {
				m->pw_cpu += pw[a];
				m->row_cpu += r;
				m->nodes_cpu++;
			}
		}
	}
	/* k <= 64: model() holds candidates to c->idx */
	double rho[64], excess = 0, spare = 0, pw_t = 0, row_t = 0, l = 0, acc = 0, cr = 0;
	int others = m->nodes_cpu;
	for (int t = 0; t < k; t++) {
		int i = idx[t];
		double dem = demand[i] - dd->bw[i] + ba[i];
		rho[t] = cpus[i] ? dem / cpus[i] : 0;
		if (rho[t] > 1) {
			excess += vw[i] - vw[i] / rho[t];
			cr += vw[i] * (rho[t] - 1);
		} else if (cpus[i])
			spare += cpus[i] - dem; /* idle CPUs' worth */
		if (cpus[i]) {
			others--;
			pw_t += pw[i];
			row_t += m->row[i];
		}
		l += vw[i] * pw[i];
		acc += vw[i] * m->row[i];
	}
	if (others <= 0 && k > 1) {
		/* every node with CPUs of its pool: no preference, they run
		 * where the load takes them */
		c->local_after = dd->local;
		c->access_after = dd->access;
		c->crowd_after = c->crowd_now;
		return;
	}
	if (excess > 0 && others > 0) {
		/* A share s of the domain's vCPUs keeps s x busy CPUs busy; an
		 * idle domain's excess fits in any spare. took: the share the
		 * spare runs; each crowded target's excess goes there in the
		 * proportion f, the rest (out) to the other nodes. */
		double took = dd->busy > 0 ? fmin(excess, spare / dd->busy)
		              : spare > 0  ? excess
		                           : 0;
		double f = took / excess, out = excess - took, each = out / others;
		l = each * (m->pw_cpu - pw_t);
		acc = each * (m->row_cpu - row_t);
		cr = 0;
		for (int t = 0; t < k; t++) {
			int i = idx[t];
			double run = vw[i];
			if (rho[t] > 1) {
				double x = vw[i] - vw[i] / rho[t], left = f * x;
				run -= x;
				/* what stays and what spills out are still crowded,
				 * less the demand that left for the spare CPUs */
				double after = rho[t] - left * dd->busy / cpus[i];
				cr += (vw[i] - left) * (after > 1 ? after - 1 : 0);
			} else if (spare > 0)
				run += took * (cpus[i] - rho[t] * cpus[i]) / spare;
			l += run * pw[i];
			acc += run * m->row[i];
		}
	}
	/* else where asked (nothing crowded, or its pool's one node) */
	c->local_after = 100.0 * l;
	c->access_after = acc;
	c->crowd_after = cr;
}

static enum xn_place_kind kind_of(const struct xn_adv_host *ah, enum xn_advice_action a)
{
	if (a == XN_ADVICE_VCPUS)
		return XN_PLACE_VCPUS;
	if (a == XN_ADVICE_BOTH)
		return XN_PLACE_BOTH;
	return (ah->caps & XN_SRC_RECREATE) ? XN_PLACE_RECREATE : XN_PLACE_MIGRATE;
}

/* The model's terms of a candidate, without the feasibility check (the
 * slow part: only a candidate that could be chosen is checked). Returns
 * false when it cannot be a step whatever the check says. */
static bool model(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                  enum xn_advice_action action, const int *idx, int k, struct xn_adv_cand *c)
{
	const struct xn_host *h = &ah->s->host;
	int nn = ah->nn;
	const uint32_t *cpus = ah->cpus + dd->at; /* its pool's, as crowd_of */
	const double *demand = ah->demand + dd->at;
	/* zeroed but for idx[] past k and the refusal's words (most of its
	 * size: this runs for every candidate) */
	memset(c, 0, offsetof(struct xn_adv_cand, idx));
	memset(&c->k, 0, offsetof(struct xn_adv_cand, place) - offsetof(struct xn_adv_cand, k));
	memset(&c->place, 0, offsetof(struct xn_place_result, why));
	c->place.why[0] = '\0';
	c->refused = 0;
	c->over_crowded = false;
	c->action = action;
	c->local_after = dd->local;
	c->access_after = dd->access;
	if (k <= 0 || k > (int)(sizeof(c->idx) / sizeof(c->idx[0])) || !dd->total || !dd->known)
		return false;
	c->k = k;
	for (int t = 0; t < k; t++) {
		c->idx[t] = idx[t];
		XN_NM_SET(&c->nodes, h->nodes[idx[t]].id);
	}
	enum xn_place_kind kind = kind_of(ah, action);
	c->kind = kind;
	bool memory = action != XN_ADVICE_VCPUS;
	if (memory && !(ah->caps & (XN_SRC_MEMORY_MOVES | XN_SRC_RECREATE)))
		return false; /* this source cannot move memory */
	if (action == XN_ADVICE_BOTH && !(ah->caps & XN_SRC_MEMORY_MOVES))
		return false; /* Xen's move already places vCPUs: MEMORY is its BOTH */
	/* xn_place_bytes_copied's figure, from the node indexes at hand */
	if (kind != XN_PLACE_VCPUS) {
		uint64_t ps = h->page_size ? h->page_size : 4096, there = 0;
		for (int t = 0; t < k; t++)
			there += dd->d->node_pages[idx[t]];
		c->bytes_copied = (dd->total - there) * ps;
		if (kind == XN_PLACE_RECREATE) {
			c->bytes_copied = dd->total * ps;
			if ((dd->d->valid & XN_DOM_MEM_CUR) && dd->d->mem_cur > c->bytes_copied)
				c->bytes_copied = dd->d->mem_cur;
		}
	}

	/* Shares afterwards: vCPUs spread evenly over the targets (unless only
	 * pages migrate), pages re-allocated evenly (Xen) or the ones off the
	 * targets moved evenly onto them (Linux). */
	double *vw = ah->scratch, *pw = ah->scratch + nn, *ba = ah->scratch + 2 * nn, off = 1;
	for (int i = 0; i < nn; i++) {
		vw[i] = kind == XN_PLACE_MIGRATE ? dd->vw[i] : 0;
		pw[i] = kind == XN_PLACE_VCPUS ? dd->pw[i] : 0;
		ba[i] = kind == XN_PLACE_MIGRATE ? dd->bw[i] : 0;
	}
	for (int t = 0; t < k; t++)
		off -= dd->pw[idx[t]];
	for (int t = 0; t < k; t++) {
		int i = idx[t];
		if (kind != XN_PLACE_MIGRATE) {
			vw[i] = 1.0 / k; /* spread evenly, busy ones too */
			ba[i] = dd->busy / k;
		}
		if (kind == XN_PLACE_RECREATE)
			pw[i] = 1.0 / k;
		else if (kind != XN_PLACE_VCPUS)
			pw[i] = dd->pw[i] + off / k;
	}
	/* the same for every candidate of a domain until the host changes */
	struct xn_adv_memo *m = ah->memo;
	if (m->dd != dd || m->gen != ah->gen) {
		m->dd = dd;
		m->gen = ah->gen;
		m->crowd_now = crowd_of(ah, dd, dd->vw, dd->bw);
	}
	c->crowd_now = m->crowd_now;
	if (kind == XN_PLACE_MIGRATE) { /* the vCPUs stay */
		access_of(ah, vw, pw, &c->local_after, &c->access_after);
		c->crowd_after = c->crowd_now;
	} else if (kind == XN_PLACE_VCPUS && (ah->caps & XN_SRC_SOFT_VCPUS)) {
		spill(ah, dd, idx, k, vw, pw, ba, c); /* where soft affinity runs them */
	} else { /* the vCPUs run on the targets only: the same sums, shorter */
		double l = 0, a = 0, cr = 0;
		for (int t = 0; t < k; t++) {
			int i = idx[t];
			l += vw[i] * pw[i];
			for (int j = 0; j < nn; j++)
				if (pw[j] > 0)
					a += vw[i] * pw[j] *
					     ah->dist[(size_t)i * (size_t)nn + (size_t)j];
			if (cpus[i]) {
				double rho = (demand[i] - dd->bw[i] + ba[i]) / cpus[i];
				cr += vw[i] * (rho > 1 ? rho - 1 : 0);
			}
		}
		c->local_after = 100.0 * l;
		c->access_after = a;
		c->crowd_after = cr;
	}
	/* the most crowded target afterwards: an even-looking set can hide a
	 * node past the limit */
	c->ratio_after = 0;
	for (int t = 0; t < k; t++) {
		int i = idx[t];
		double dem = demand[i] - dd->bw[i] + ba[i];
		double rho = cpus[i] ? dem / cpus[i] : 0;
		bool more = ba[i] > dd->bw[i] + 1e-9;
		if (rho > c->ratio_after)
			c->ratio_after = rho;
		/* crowding: only a node the step adds vCPUs to is held to it */
		if (more && rho > XN_ADVISE_MAX_RATIO + 1e-9)
			c->over_crowded = true;
	}
	double gib_copied = (double)c->bytes_copied / (double)(1u << 30);
	c->gain = dd->gib * ((dd->access - c->access_after) + (c->crowd_now - c->crowd_after));
	c->cost = memory ? XN_ADVISE_COPY_COST * (gib_copied + XN_ADVISE_COPY_MIN_GIB) : 0;
	c->score = (c->gain - c->cost) * (XN_ADVISE_IDLE_BUSY + dd->busy);
	if (c->over_crowded)
		return false;
	bool enough = c->local_after - dd->local >= XN_ADVISE_MIN_GAIN - 1e-9 ||
	              dd->access - c->access_after >= XN_ADVISE_MIN_ACCESS - 1e-9;
	return enough && c->score > 0 && c->local_after >= dd->local - 1e-9 &&
	       c->access_after <= dd->access + 1e-9;
}

/* The hard constraints of a modelled candidate (core's xn_place_check). */
static void feasibility(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                        struct xn_adv_cand *c)
{
	struct xn_place_req req = xn_adv_place_req(ah, dd, c, true);
	c->refused = xn_place_check(&req, &c->place);
}

bool xn_adv_evaluate(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                     enum xn_advice_action action, const int *idx, int k, struct xn_adv_cand *c)
{
	bool ok = model(ah, dd, action, idx, k, c);
	if (c->k > 0)
		feasibility(ah, dd, c);
	return ok && !c->refused;
}

/* Near-equal scores (within XN_ADVISE_TIE of the best) are told apart
 * by a fixed order, not by which is a hair ahead: the measured CPU use
 * behind a score moves a little from one sample to the next, and two
 * invocations on the same host must pick the same step. */
double xn_adv_tie(double best)
{
	double t = XN_ADVISE_TIE * fabs(best);
	return t > 1e-9 ? t : 1e-9;
}

/* The fixed order among near-equal candidates: the cheaper action (vCPUs,
 * then memory, then both), fewer nodes, then the lower node ids. */
static bool before(const struct xn_adv_light *a, const struct xn_adv_light *b)
{
	if (a->action != b->action)
		return a->action < b->action;
	if (a->k != b->k)
		return a->k < b->k;
	for (int t = 0; t < a->k; t++)
		if (a->id[t] != b->id[t])
			return a->id[t] < b->id[t];
	return false;
}

struct search {
	const struct xn_adv_host *ah;
	const struct xn_adv_dom *dd;
	struct xn_adv_cand *top;
	bool have_top;
	double memory_hope;        /* a memory change's best possible net gain (<= 0: none pays) */
	struct xn_adv_light *list; /* modelled candidates that may be steps */
	int n, cap;
};

/* A bound before the model (the refresh's budget: most candidates are
 * hopeless): false when the candidate cannot be a step nor the best
 * LOCAL% seen so far. LOCAL% afterwards is plain when vCPUs spread evenly
 * over k nodes: the memory's share there over k when only the vCPUs move,
 * 1/k when the memory is spread there with them. Where soft affinity lets
 * them run off a crowded target (spill()), what runs off it runs on some
 * node with CPUs: at most dd->pw_max of it is local. */
static bool worth_modelling(struct search *s, enum xn_advice_action action, const int *idx, int k)
{
	const struct xn_adv_dom *dd = s->dd;
	unsigned caps = s->ah->caps;
	if (action != XN_ADVICE_VCPUS && !(caps & (XN_SRC_MEMORY_MOVES | XN_SRC_RECREATE)))
		return false; /* as model(): this source cannot move memory */
	if (action == XN_ADVICE_BOTH && !(caps & XN_SRC_MEMORY_MOVES))
		return false; /* as model(): Xen's MEMORY is its BOTH */
	double local_after;
	bool could_step;
	if (action == XN_ADVICE_VCPUS) {
		double share = 0;
		for (int t = 0; t < k; t++)
			share += dd->pw[idx[t]];
		local_after = 100.0 * share / k;
		could_step = local_after >= dd->local - 1e-9;
	} else if (kind_of(s->ah, action) != XN_PLACE_MIGRATE) {
		local_after = 100.0 / k;
		could_step = s->memory_hope > 0 && local_after >= dd->local - 1e-9;
	} else
		return true;
	/* as model(): a node the change adds busy vCPUs to may not end above
	 * XN_ADVISE_MAX_RATIO */
	const struct xn_adv_host *ah = s->ah;
	const uint32_t *cpus = ah->cpus + dd->at;
	const double *demand = ah->demand + dd->at;
	/* soft: what runs off a crowded target runs on some node with CPUs,
	 * so LOCAL% ends below 100 x pw_max (some stays on the targets, whose
	 * even share is below LOCAL% now): only above LOCAL% now is the bound
	 * worth working out (most domains are where most of their memory is) */
	bool soft = !could_step && action == XN_ADVICE_VCPUS && (caps & XN_SRC_SOFT_VCPUS) &&
	            100.0 * dd->pw_max > dd->local + 1e-9;
	bool over = false;
	double bound = 0, off = 0; /* soft: LOCAL% at most, the share off crowded targets (x k) */
	for (int t = 0; t < k && (could_step || soft) && !over; t++) {
		int i = idx[t];
		double ba = dd->busy / k,
		       rho = cpus[i] ? (demand[i] - dd->bw[i] + ba) / cpus[i] : 0;
		if (ba > dd->bw[i] + 1e-9 && rho > XN_ADVISE_MAX_RATIO + 1e-9)
			over = true;
		if (soft && rho > 1) { /* in k-ths: what stays, what runs off it */
			bound += dd->pw[i] / rho;
			off += 1 - 1 / rho;
		} else if (soft)
			bound += dd->pw[i];
	}
	if (soft && !over && 100.0 * (bound + off * dd->pw_max) / k >= dd->local - 1e-9)
		return true;
	if (could_step && !over)
		return true;
	if (s->have_top && local_after <= s->top->local_after + 1e-9)
		return false;
	if (k == 1 && action != XN_ADVICE_VCPUS) {
		/* the best LOCAL% so far, and plain: all local (access 1.0);
		 * the verdict evaluates its top candidate again for its words */
		struct xn_adv_cand *top = s->top;
		memset(top, 0, sizeof(*top));
		top->action = action;
		top->kind = kind_of(ah, action);
		top->idx[0] = idx[0];
		top->k = 1;
		XN_NM_SET(&top->nodes, ah->s->host.nodes[idx[0]].id);
		top->local_after = 100.0;
		top->access_after = 1.0;
		s->have_top = true;
		return false;
	}
	return true;
}

static void consider(struct search *s, enum xn_advice_action action, const int *idx, int k)
{
	if (!worth_modelling(s, action, idx, k))
		return;
	struct xn_adv_cand c;
	bool ok = model(s->ah, s->dd, action, idx, k, &c);
	if (c.k == 0)
		return;
	if (ok && s->n < s->cap) {
		struct xn_adv_light *l = &s->list[s->n++];
		l->action = action;
		l->idx = idx;
		l->k = k;
		l->score = c.score;
		int kk = k < XN_ADV_LIGHT_IDS ? k : XN_ADV_LIGHT_IDS;
		for (int t = 0; t < kk; t++) { /* ids in order (a few: insertion) */
			int id = s->ah->s->host.nodes[idx[t]].id, u = t;
			for (; u > 0 && l->id[u - 1] > id; u--)
				l->id[u] = l->id[u - 1];
			l->id[u] = id;
		}
		if (kk < k)
			l->k = kk; /* ordered by its first ids only: still a fixed order */
		l->k_all = k;
	}
	/* the biggest gain of LOCAL% (then access) whatever stops it */
	if (!s->have_top || c.local_after > s->top->local_after + 1e-9 ||
	    (fabs(c.local_after - s->top->local_after) <= 1e-9 &&
	     c.access_after < s->top->access_after - 1e-9)) {
		*s->top = c;
		s->have_top = true;
	}
}

/* Highest score first; a stable insertion sort (a domain has a few
 * candidates that may be steps, and the order among equal scores is the
 * fixed order in which they were considered). */
static void sort_by_score(struct xn_adv_light *l, int n)
{
	for (int i = 1; i < n; i++) {
		struct xn_adv_light x = l[i];
		int j = i;
		for (; j > 0 && l[j - 1].score < x.score; j--)
			l[j] = l[j - 1];
		l[j] = x;
	}
}

/* Would the domain's memory fit on these nodes (what is there plus free)? */
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
	return free_s >= (int64_t)((dd->total - in_s) * ps + XN_PLACE_HEADROOM_MIN);
}

bool xn_adv_best(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                 struct xn_adv_cand *best, struct xn_adv_cand *top)
{
	struct search s = {ah, dd, top, false, 0, ah->light, 0, ah->nlight};
	int nn = ah->nn, vn[64], nv = 0;
	memset(best, 0, sizeof(*best));
	memset(top, 0, sizeof(*top));
	/* A memory change gains at most all of the access cost above local
	 * (1.0) and all of the crowding; it costs at least the fixed part, and
	 * a live move (Xen) copies every page. */
	double copied_min = (ah->caps & XN_SRC_RECREATE) ? dd->gib : 0;
	struct xn_adv_memo *m = ah->memo; /* model() reads the crowding now from it */
	m->dd = dd;
	m->gen = ah->gen;
	m->crowd_now = crowd_of(ah, dd, dd->vw, dd->bw);
	s.memory_hope = dd->gib * (dd->access - 1.0 + m->crowd_now) -
	                XN_ADVISE_COPY_COST * (copied_min + XN_ADVISE_COPY_MIN_GIB) + 1e-9;
	for (int i = 0; i < nn; i++) {
		const int *one = &ah->near[(size_t)i * (size_t)nn]; /* starts with i itself */
		consider(&s, XN_ADVICE_VCPUS, one, 1);
		consider(&s, XN_ADVICE_BOTH, one, 1);
		if (ah->caps & XN_SRC_RECREATE)
			consider(&s, XN_ADVICE_MEMORY, one, 1);
		if (dd->vw[i] > 0 && nv < 64)
			vn[nv++] = i;
	}
	/* Linux: memory to where the vCPUs run, one node only, since
	 * migrate_pages to several nodes does not spread pages as modelled. */
	if (nv == 1 && (ah->caps & XN_SRC_MEMORY_MOVES))
		consider(&s, XN_ADVICE_MEMORY, vn, nv);
	/* Each node grown with its nearest until the domain fits (libxl). */
	for (int i = 0; i < nn; i++) {
		const int *row = &ah->near[(size_t)i * (size_t)nn];
		if (fits(ah, dd, row, 1))
			continue;
		for (int k = 2; k <= nn && k <= 64; k++) {
			consider(&s, XN_ADVICE_VCPUS, row, k);
			consider(&s, XN_ADVICE_BOTH, row, k);
			if (ah->caps & XN_SRC_RECREATE)
				consider(&s, XN_ADVICE_MEMORY, row, k);
			if (fits(ah, dd, row, k))
				break;
		}
	}
	/* The best feasible score, then the first in the fixed order among the
	 * feasible ones near it. Feasibility is checked best score first, and
	 * only as far as needed. */
	sort_by_score(s.list, s.n);
	int pick = -1;
	double floor = 0;
	struct xn_adv_cand c;
	for (int i = 0; i < s.n; i++) {
		const struct xn_adv_light *l = &s.list[i];
		if (pick >= 0 && l->score < floor)
			break;
		if (pick >= 0 && !before(l, &s.list[pick]))
			continue;
		if (!xn_adv_evaluate(ah, dd, l->action, l->idx, l->k_all, &c))
			continue;
		if (pick < 0)
			floor = l->score - xn_adv_tie(l->score);
		pick = i;
		*best = c;
	}
	return pick >= 0;
}

void xn_adv_simulate(struct xn_adv_host *ah, struct xn_adv_dom *dd, const struct xn_adv_cand *c,
                     bool fresh)
{
	const struct xn_host *h = &ah->s->host;
	int nn = ah->nn;
	double *vw = ah->scratch, *pw = ah->scratch + nn, *ba = ah->scratch + 2 * nn;
	/* recompute the shares of c (scratch may hold another candidate) */
	struct xn_adv_cand again = *c;
	if (!fresh) /* the shares again: no check */
		model(ah, dd, c->action, c->idx, c->k, &again);
	uint64_t ps = h->page_size ? h->page_size : 4096;
	double bytes = (double)(dd->total * ps);
	ah->gen++; /* every memo is stale now */
	dd->pw_max = 0;
	for (int i = 0; i < nn; i++) {
		double db = ba[i] - dd->bw[i], dl = (vw[i] - dd->vw[i]) * dd->known;
		ah->demand[i] += db;
		ah->load[i] += dl;
		if (dd->at) { /* and its pool's row */
			ah->demand[dd->at + (size_t)i] += db;
			ah->load[dd->at + (size_t)i] += dl;
		}
		if (ah->free[i] >= 0 && c->action != XN_ADVICE_VCPUS)
			ah->free[i] -= (int64_t)((pw[i] - dd->pw[i]) * bytes);
		dd->vw[i] = vw[i];
		dd->pw[i] = pw[i];
		dd->bw[i] = ba[i];
		if (ah->cpus[dd->at + (size_t)i] && pw[i] > dd->pw_max)
			dd->pw_max = pw[i];
	}
	dd->local = again.local_after;
	dd->access = again.access_after;
}

int xn_adv_mask_to_idx(const struct xn_adv_host *ah, const xn_nodemask *m, int *idx, int max)
{
	int k = 0;
	for (int b = xn_bits_next(m->w, XN_MAX_NODES, 0); b >= 0;
	     b = xn_bits_next(m->w, XN_MAX_NODES, b + 1)) {
		int i = xn_host_node_index(&ah->s->host, b);
		if (i < 0 || k >= max)
			return 0;
		idx[k++] = i;
	}
	return k;
}
