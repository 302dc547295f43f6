/* test_advise_plan.c - properties of the host's plan over thousands of
 * seeded random hosts and domains (xen and linux origins, nodes without
 * CPUs, hard affinity, ballooned domains, Domain-0), each checked by this
 * file's own arithmetic, not the advisor's:
 * - no step breaks a hard constraint: never Domain-0, never a node without
 *   CPUs, never fewer CPUs than vCPUs on the targets nor past a vCPU's hard
 *   affinity (xen), and each step's memory fits, with headroom, in the
 *   free memory left by the steps before it (a Xen live move needs the
 *   domain's maximum);
 * - applying the plan never lowers a domain's LOCAL% (so never the host's
 *   expected local accesses) and the predicted LOCAL% is what the moved
 *   shares give;
 * - no node ends above its allowed crowding: XN_ADVISE_MAX_RATIO busy vCPUs
 *   per CPU, or what it ran before the plan if that was more; on a Xen host
 *   split in two cpupools (a third of the Xen cases, drawn from a second
 *   stream so the other cases stay as they were), per pool: its domains'
 *   busy vCPUs on the node over the node's CPUs in the pool, and a step's
 *   targets have CPUs of the domain's pool, as many as its vCPUs.
 * Plus: a big domain (>= 1 GiB) below 50 % LOCAL% is always a step or stuck.
 * XN_PLAN_CASES (default 4000 per seed) and XN_PLAN_SEED (default: seeds 1
 * to 3 in turn) vary the run. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "check.h"
#include "sampler.h"

#define GIB (1ull << 30)
#define MIB (1ull << 20)

static uint64_t rng = 1;
static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}
static int rin(int lo, int hi) /* [lo, hi] */
{
	return lo + (int)(rnd() % (uint64_t)(hi - lo + 1));
}

/* The pools' own stream (see the top). */
static uint64_t rng2 = 7;
static int rin2(int lo, int hi)
{
	rng2 ^= rng2 >> 12;
	rng2 ^= rng2 << 25;
	rng2 ^= rng2 >> 27;
	return lo + (int)((rng2 * 2685821657736338717ull) % (uint64_t)(hi - lo + 1));
}

static int fails_here; /* failures of the current case, to print it once */

static void make_host(struct xn_snapshot *s, bool xen)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->origin, sizeof(s->origin), "%s", xen ? "xen" : "linux");
	int nn = rin(1, 6), cpu = 0;
	xn_host_alloc_nodes(&s->host, nn);
	s->host.page_size = 4096;
	s->host.valid = XN_HOST_DISTANCE | XN_HOST_CPUS;
	for (int i = 0; i < nn; i++) {
		struct xn_node *n = &s->host.nodes[i];
		n->id = i * rin(1, 2) + (i ? s->host.nodes[i - 1].id : 0);
		n->mem_total = (uint64_t)rin(4, 64) * GIB;
		n->mem_free = (uint64_t)rin(0, (int)(n->mem_total / MIB)) * MIB;
		int c = rin(0, 5) == 0 ? 0 : rin(1, 8); /* some memory-only nodes */
		for (int k = 0; k < c; k++)
			XN_NM_SET(&n->cpus, cpu++);
		n->valid = XN_NODE_TOTAL | XN_NODE_FREE | XN_NODE_CPUS;
	}
	s->host.nr_cpus = cpu;
	for (int i = 0; i < nn; i++)
		for (int j = 0; j <= i; j++) {
			uint32_t d = i == j ? 10 : (uint32_t)rin(12, 40);
			s->host.distance[i * nn + j] = s->host.distance[j * nn + i] = d;
		}
}

/* Node index of a CPU, -1 if none. */
static int node_of_cpu(const struct xn_host *h, int cpu)
{
	for (int i = 0; i < h->nr_nodes; i++)
		if (XN_NM_TEST(&h->nodes[i].cpus, cpu))
			return i;
	return -1;
}

static void make_domains(struct xn_snapshot *s)
{
	struct xn_host *h = &s->host;
	int nd = rin(0, 14), nn = h->nr_nodes;
	for (int k = 0; k < nd; k++) {
		struct xn_domain *d = xn_snapshot_add_domain(s);
		d->id = k == 0 && rin(0, 1) ? 0 : 100 + k;
		char name[32];
		snprintf(name, sizeof(name), d->id ? "vm%d" : "Domain-0", k);
		xn_domain_set_name(d, name);
		uint64_t pages = 0;
		for (int i = 0; i < nn; i++) {
			/* one draw per statement: the order of two calls in one
			 * expression is unspecified (the cases must not depend
			 * on the compiler) */
			uint64_t p = rin(0, 2) ? (uint64_t)rin(0, 4 << 20) : 0;
			d->node_pages[i] = p ? p / (uint64_t)rin(1, 8) : 0;
			pages += d->node_pages[i];
		}
		d->vcpus = (uint32_t)rin(1, 16);
		d->mem_cur = pages * 4096;
		d->mem_max = d->mem_cur + (rin(0, 3) ? 0 : (uint64_t)rin(0, 16) * GIB);
		xn_domain_alloc_vcpu_node(d);
		xn_domain_alloc_vcpu_info(d);
		int pin = h->nr_cpus && rin(0, 4) == 0 ? rin(0, h->nr_cpus - 1) : -1;
		for (uint32_t v = 0; v < d->vcpus; v++) {
			struct xn_vcpu *vc = &d->vcpu_info[v];
			vc->cpu = h->nr_cpus ? (pin >= 0 ? pin : rin(0, h->nr_cpus - 1)) : -1;
			d->vcpu_node[v] = vc->cpu >= 0 ? h->nodes[node_of_cpu(h, vc->cpu)].id : -1;
			vc->state = rin(0, 1) ? 'r' : 'b';
			char hard[16];
			snprintf(hard, sizeof(hard), "%d", pin);
			vc->hard = strdup(pin >= 0 ? hard : "all");
			vc->valid = XN_VCPU_CPU | XN_VCPU_STATE | XN_VCPU_HARD;
		}
		d->valid |= XN_DOM_PAGES | XN_DOM_VCPU_NODE | XN_DOM_VCPUS | XN_DOM_MEM_CUR |
		            XN_DOM_MEM_MAX;
	}
}

/* Two cpupools over the host's CPUs (CPU 0 in pool 0, the last in pool 1,
 * the others drawn); each domain in one, its vCPUs moved onto its pool's
 * CPUs (a pinned domain goes to its pin's pool). */
static void make_pools(struct xn_snapshot *s)
{
	struct xn_host *h = &s->host;
	h->pools = calloc(2, sizeof(*h->pools));
	h->nr_pools = 2;
	h->pools[1].id = 1;
	for (int c = 0; c < h->nr_cpus; c++) {
		int p = c == 0 ? 0 : c == h->nr_cpus - 1 ? 1 : rin2(0, 1);
		XN_NM_SET(&h->pools[p].cpus, c);
	}
	for (size_t k = 0; k < s->nr_domains; k++) {
		struct xn_domain *d = &s->domains[k];
		const char *hl = d->vcpu_info[0].hard;
		int pin = strcmp(hl, "all") ? atoi(hl) : -1;
		d->cpupool = pin >= 0 ? (XN_NM_TEST(&h->pools[1].cpus, pin) ? 1u : 0u)
		                      : (uint32_t)rin2(0, 1);
		d->valid |= XN_DOM_CPUPOOL;
		const xn_cpumask *pc = &h->pools[d->cpupool].cpus;
		int n = xn_bits_count(pc->w, XN_MAX_CPUS);
		for (uint32_t v = 0; v < d->vcpus; v++) {
			struct xn_vcpu *vc = &d->vcpu_info[v];
			if (XN_NM_TEST(pc, vc->cpu))
				continue;
			int pick = rin2(0, n - 1), c = xn_bits_next(pc->w, XN_MAX_CPUS, 0);
			while (pick-- > 0)
				c = xn_bits_next(pc->w, XN_MAX_CPUS, c + 1);
			vc->cpu = c;
			d->vcpu_node[v] = h->nodes[node_of_cpu(h, c)].id;
		}
	}
}

/* CPUs of node i in the domain's pool (all of its CPUs without pools). */
static uint32_t cpus_for(const struct xn_host *h, const struct xn_domain *d, int i)
{
	const xn_cpumask *n = &h->nodes[i].cpus;
	if (!h->nr_pools)
		return (uint32_t)xn_bits_count(n->w, XN_MAX_CPUS);
	uint32_t c = 0;
	for (int b = 0; b < h->nr_cpus; b++)
		c += XN_NM_TEST(n, b) && XN_NM_TEST(&h->pools[d->cpupool].cpus, b);
	return c;
}

static double busy_of(const struct xn_domain *d, uint32_t v)
{
	return d->vcpu_info[v].state == 'r' ? 1.0 : XN_ADVISE_BLOCKED_BUSY;
}

static bool hard_reaches_node(const struct xn_domain *d, const struct xn_node *n)
{
	for (uint32_t v = 0; v < d->vcpus; v++) {
		const char *hl = d->vcpu_info[v].hard;
		if (strcmp(hl, "all") && !XN_NM_TEST(&n->cpus, atoi(hl)))
			return false;
	}
	return true;
}

/* What this step needs free on its targets, by this file's reading. */
static uint64_t need_of(const struct xn_snapshot *s, const struct xn_domain *d,
                        const struct xn_advice *a, bool xen)
{
	uint64_t all = 0, there = 0;
	for (int i = 0; i < s->host.nr_nodes; i++) {
		all += d->node_pages[i];
		if (XN_NM_TEST(&a->nodes, s->host.nodes[i].id))
			there += d->node_pages[i];
	}
	if (a->action == XN_ADVICE_VCPUS)
		return 0;
	if (xen)
		return d->mem_max > all * 4096 ? d->mem_max : all * 4096;
	return (all - there) * 4096;
}

static void check_case(int n)
{
	bool xen = rin(0, 1);
	struct xn_snapshot s;
	make_host(&s, xen);
	make_domains(&s);
	bool pooled = xen && s.host.nr_cpus >= 2 && rin2(0, 2) == 0;
	if (pooled)
		make_pools(&s);
	xn_snapshot_sort(&s);
	xn_derive(NULL, &s);
	const struct xn_host *h = &s.host;
	int nn = h->nr_nodes, rows = pooled ? 2 : 1;
	int64_t freeb[8];
	/* [row][node]: row = the domain's pool (0 without pools) */
	double demand[2][8] = {{0}}, before[2][8] = {{0}};
	uint32_t cpus[2][8] = {{0}};
	for (int i = 0; i < nn; i++)
		freeb[i] = (int64_t)h->nodes[i].mem_free;
	for (size_t k = 0; k < s.nr_domains; k++) {
		const struct xn_domain *d = &s.domains[k];
		int r = pooled ? (int)d->cpupool : 0;
		for (int i = 0; i < nn; i++)
			cpus[r][i] = cpus_for(h, d, i);
		for (uint32_t v = 0; v < d->vcpus; v++)
			if (d->vcpu_node[v] >= 0)
				demand[r][xn_host_node_index(h, d->vcpu_node[v])] += busy_of(d, v);
	}
	if (!pooled) /* also without domains */
		for (int i = 0; i < nn; i++)
			cpus[0][i] = (uint32_t)xn_bits_count(h->nodes[i].cpus.w, XN_MAX_CPUS);
	memcpy(before, demand, sizeof(before));
	int before_fails = xn_checks_failed;
	for (uint32_t step = 1;; step++) {
		const struct xn_domain *d = NULL;
		for (size_t k = 0; k < s.nr_domains; k++)
			if (s.domains[k].advice.step == step)
				d = &s.domains[k];
		if (!d)
			break;
		const struct xn_advice *a = &d->advice;
		int r = pooled ? (int)d->cpupool : 0;
		CHECK(xn_advice_is_misplaced(a));
		CHECK(d->id != 0);
		uint32_t tc = 0, k = 0;
		double page_share = 0, total = 0;
		for (int i = 0; i < nn; i++)
			total += (double)d->node_pages[i];
		for (int i = 0; i < nn; i++) {
			if (!XN_NM_TEST(&a->nodes, h->nodes[i].id))
				continue;
			k++;
			tc += cpus[r][i];
			CHECK(cpus[r][i] > 0); /* never a memory-only node, nor another pool's */
			page_share += (double)d->node_pages[i] / total;
			if (xen)
				CHECK(hard_reaches_node(d, &h->nodes[i]));
		}
		bool within = true;
		for (uint32_t v = 0; v < d->vcpus; v++)
			within &= d->vcpu_node[v] >= 0 && XN_NM_TEST(&a->nodes, d->vcpu_node[v]);
		bool places = !(a->action == XN_ADVICE_MEMORY && !xen);
		if (places && xen) /* Linux threads are not vCPUs (placement.h) */
			CHECK(tc >= d->vcpus || within);
		/* memory: what the step needs, plus headroom, fits what is left */
		uint64_t need = need_of(&s, d, a, xen), tot = 0;
		int64_t fr = 0;
		for (int i = 0; i < nn; i++)
			if (XN_NM_TEST(&a->nodes, h->nodes[i].id)) {
				fr += freeb[i];
				tot += h->nodes[i].mem_total;
			}
		uint64_t head = (uint64_t)((double)tot * XN_PLACE_HEADROOM_SHARE);
		if (head < XN_PLACE_HEADROOM_MIN)
			head = XN_PLACE_HEADROOM_MIN;
		if (need)
			CHECK(fr >= (int64_t)(need + head));
		/* LOCAL% never lower, and what the shares give */
		CHECK(a->local_expected >= a->local_now - 1e-6);
		double want = -1;
		if (a->action == XN_ADVICE_VCPUS)
			want = 100.0 * page_share / k;
		else if (xen)
			want = 100.0 / k;
		/* Xen soft affinity is one mask over every target's CPUs, and
		 * Xen takes an idle CPU anywhere in it before any CPU outside
		 * it (advise.h). Recomputed here in CPUs, from this file's own
		 * demand: on a target past one busy vCPU per CPU (rho > 1, the
		 * domain's pool's) it keeps 1/rho of what was asked there; the
		 * excess fills the idle CPUs of the other targets, each in
		 * proportion to its idle CPUs; only what they cannot hold runs
		 * on the other nodes with CPUs of its pool, evenly. A soft
		 * affinity over every node with CPUs of its pool is no
		 * preference (Xen ignores it): over several nodes never a
		 * step; one node is its pool's only one, all run there. */
		if (xen && a->action == XN_ADVICE_VCPUS) {
			double own[8] = {0}, run[8] = {0}, ex_of[8] = {0}, b = 0;
			for (uint32_t v = 0; v < d->vcpus; v++) {
				b += busy_of(d, v);
				if (d->vcpu_node[v] >= 0)
					own[xn_host_node_index(h, d->vcpu_node[v])] +=
					        busy_of(d, v);
			}
			double idle = 0, ex = 0; /* CPUs idle on targets, vCPU share in excess */
			int others = 0;
			for (int i = 0; i < nn; i++) {
				if (!XN_NM_TEST(&a->nodes, h->nodes[i].id)) {
					others += cpus[r][i] > 0;
					continue;
				}
				double used = demand[r][i] - own[i] + b / k;
				run[i] = 1.0 / k;
				if (used > cpus[r][i]) {
					run[i] = 1.0 / k * cpus[r][i] / used;
					ex_of[i] = 1.0 / k - run[i];
					ex += ex_of[i];
				} else
					idle += cpus[r][i] - used;
			}
			/* the idle CPUs run at most idle / b of the domain's vCPUs */
			double filled = ex <= 0    ? 0
			                : b > 0    ? fmin(ex, idle / b)
			                : idle > 0 ? ex
			                           : 0;
			double sum = 0;
			for (int i = 0; i < nn; i++) {
				bool in = XN_NM_TEST(&a->nodes, h->nodes[i].id);
				if (in && ex_of[i] == 0 && cpus[r][i] && idle > 0) {
					double used = demand[r][i] - own[i] + b / k;
					run[i] += filled * (cpus[r][i] - used) / idle;
				} else if (!in && cpus[r][i] > 0)
					run[i] = (ex - filled) / others;
				sum += run[i];
			}
			CHECK(others > 0 || k == 1);
			if (others > 0) { /* else all run on its pool's one node: the even share */
				CHECK(fabs(sum - 1) < 1e-9); /* every vCPU runs somewhere */
				want = 0;
				for (int i = 0; i < nn; i++)
					want += 100.0 * run[i] * (double)d->node_pages[i] / total;
			}
		}
		if (want >= 0)
			CHECK(fabs(a->local_expected - want) < 1e-6);
		/* apply it: pages and busy vCPUs move */
		for (int i = 0; i < nn; i++) {
			bool in = XN_NM_TEST(&a->nodes, h->nodes[i].id);
			double p = (double)d->node_pages[i] * 4096;
			if (a->action != XN_ADVICE_VCPUS) {
				double after =
				        xen ? (in ? total * 4096 / k : 0)
				            : (in ? p + (total * 4096 * (1 - page_share)) / k : 0);
				freeb[i] -= (int64_t)(after - p);
			}
		}
		if (places) {
			double b = 0;
			for (uint32_t v = 0; v < d->vcpus; v++) {
				b += busy_of(d, v);
				if (d->vcpu_node[v] >= 0)
					demand[r][xn_host_node_index(h, d->vcpu_node[v])] -=
					        busy_of(d, v);
			}
			for (int i = 0; i < nn; i++)
				if (XN_NM_TEST(&a->nodes, h->nodes[i].id))
					demand[r][i] += b / k;
		}
	}
	/* crowding after the whole plan (each pool's) */
	for (int r = 0; r < rows; r++)
		for (int i = 0; i < nn; i++) {
			if (!cpus[r][i])
				continue;
			double allowed = fmax(XN_ADVISE_MAX_RATIO, before[r][i] / cpus[r][i]);
			CHECK(demand[r][i] / cpus[r][i] <= allowed + 1e-6);
			if (getenv("XN_PLAN_DEBUG") && demand[r][i] / cpus[r][i] > allowed + 1e-6) {
				fprintf(stderr,
				        "pool row %d node idx %d: before %.3f after %.3f cpus %u\n",
				        r, i, before[r][i], demand[r][i], cpus[r][i]);
				for (size_t q = 0; q < s.nr_domains; q++)
					fprintf(stderr,
					        "  dom %lld step %u action %d nodes %llx vcpus %u: "
					        "%s\n",
					        (long long)s.domains[q].id,
					        s.domains[q].advice.step,
					        s.domains[q].advice.action,
					        (unsigned long long)s.domains[q].advice.nodes.w[0],
					        s.domains[q].vcpus, s.domains[q].advice.reason);
			}
		}
	/* a big domain below 50 % is a step or stuck; Domain-0 is never judged */
	for (size_t k = 0; k < s.nr_domains; k++) {
		const struct xn_domain *d = &s.domains[k];
		const struct xn_advice *a = &d->advice;
		if (d->id == 0) {
			CHECK(a->action == XN_ADVICE_NONE);
			continue;
		}
		if (a->action != XN_ADVICE_NONE && xn_domain_pages_total(d, nn) * 4096 >= GIB &&
		    d->locality < XN_ADVISE_STUCK_LOCAL)
			CHECK(xn_advice_is_misplaced(a) || a->action == XN_ADVICE_STUCK);
	}
	if (xn_checks_failed > before_fails && fails_here++ < 3)
		fprintf(stderr, "  (case %d, origin %s%s, %d nodes, %zu domains)\n", n, s.origin,
		        pooled ? ", 2 cpupools" : "", nn, s.nr_domains);
	xn_snapshot_clear(&s);
}

int main(void)
{
	const char *c = getenv("XN_PLAN_CASES"), *sd = getenv("XN_PLAN_SEED");
	int cases = c ? atoi(c) : 4000;
	/* Several seeds by default: a flaw seen once in a thousand cases hid
	 * behind the one default seed. Seed s starts the stream at 2s - 1 (odd,
	 * never the stuck 0; seeds 1 and 2 start where they always did). */
	unsigned long long one = sd ? strtoull(sd, NULL, 10) : 0;
	unsigned long long first = one ? one : 1, last = one ? one : 3;
	for (unsigned long long seed = first; seed <= last; seed++) {
		rng = 2 * seed - 1;
		rng2 = 7;
		fails_here = 0;
		int failed = xn_checks_failed;
		for (int n = 0; n < cases; n++)
			check_case(n);
		if (xn_checks_failed > failed)
			fprintf(stderr, "  (seed %llu)\n", seed);
	}
	return check_report("advise_plan");
}
