/* advise_priv.h - the advisor's parts, one file per job:
 * advise_cost.c  the host as the plan sees it, and the cost model of one
 *                candidate (feasibility is core's xn_place_check);
 * advise_plan.c  the greedy plan for the host;
 * advise_words.c the sentences that explain a verdict;
 * advise.c       the driver: eligibility, plan, verdicts, hysteresis. */
#ifndef XN_ADVISE_PRIV_H
#define XN_ADVISE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "advise.h"
#include "placement.h"
#include "source.h"

/* A modelled candidate, kept light while a domain's candidates are
 * compared (advise_cost.c): enough to order it and to evaluate it again. */
enum { XN_ADV_LIGHT_IDS = 8 };
struct xn_adv_light {
	enum xn_advice_action action;
	const int *idx; /* node indexes (the caller's, valid during the search) */
	int k, k_all;   /* ids ordered below (at most XN_ADV_LIGHT_IDS), all nodes */
	int id[XN_ADV_LIGHT_IDS];
	double score;
};

/* The host as a plan sees it; free[] and demand[] change with each
 * simulated step. */
struct xn_adv_host {
	const struct xn_snapshot *s;
	int nn;
	unsigned caps; /* XN_SRC_* of the snapshot's origin (source.h) */
	/* CPUs, demand and load come in rows of nn: row 0 the whole nodes,
	 * row 1 + p pool p's part of them (host.pools[p], when the source reads
	 * cpupools): a pooled domain is crowded only by its pool (xn_adv_dom.at) */
	int rows;               /* 1 + pools read */
	uint32_t *cpus;         /* rows * nn: CPUs of each node (0 = none or unknown) */
	int64_t *free;          /* nn: free bytes per node (-1 = unknown), simulated */
	double *demand;         /* rows * nn: busy vCPUs that run on each node (CPUs' worth),
	                           simulated */
	double *load;           /* rows * nn: vCPUs that run on each node, simulated */
	int *near;              /* nn * nn: for each node index, node indexes by distance */
	double *scratch;        /* 3 * nn: vCPU shares, page shares, busy per node of a candidate */
	double *dist;           /* nn * nn: distance over 10 (1.0 local; no table: 2.0 remote) */
	uint64_t gen;           /* simulated steps so far (the memo's age) */
	struct xn_adv_memo {    /* the crowding of one domain's nodes now, computed once */
		const void *dd; /* for this domain (struct xn_adv_dom) */
		uint64_t gen;   /* at this gen */
		double crowd_now;
		/* for a Xen vCPU step (advise_cost.c spill()): each node's
		 * expected access cost of one vCPU there (nn), and the sums
		 * over nodes with CPUs */
		const void *rows_dd;
		uint64_t rows_gen;
		double *row, pw_cpu, row_cpu;
		int nodes_cpu; /* nodes with CPUs (of its pool) */
	} * memo;
	int index_of[XN_MAX_NODES]; /* node id -> index, -1 if none */
	struct xn_adv_light *light; /* nlight: one domain's candidates during a search */
	int nlight;
};

/* Scores within this of best are near-equal (advise_cost.c). */
double xn_adv_tie(double best);

int xn_adv_host_init(struct xn_adv_host *ah, const struct xn_snapshot *s);
void xn_adv_host_free(struct xn_adv_host *ah);

/* One domain as the plan sees it. */
struct xn_adv_dom {
	struct xn_domain *d;
	size_t at;      /* its crowding row's offset in cpus/demand/load (0: whole nodes) */
	uint64_t total; /* pages */
	uint32_t known; /* vCPUs whose node is known */
	double *vw;     /* nn: share of its vCPUs on each node now (simulated) */
	double *pw;     /* nn: share of its pages on each node now (simulated) */
	double *bw;     /* nn: CPUs' worth its vCPUs use on each node now (simulated) */
	double pw_max;  /* the largest of pw on a node with CPUs (its pool's; simulated) */
	double busy;    /* CPUs' worth its vCPUs use (measured, else from vCPU states) */
	double gib;     /* its size in GiB */
	double local;   /* LOCAL% now (simulated) */
	double access;  /* expected access cost now (1.0 = all local) */
	bool eligible;  /* the plan may give it a step */
	bool planned;   /* it has its step */
};

/* Busy share of one vCPU of d (0..1) and the domain's sum; see advise.h. */
double xn_adv_busy(const struct xn_domain *d);

/* Fill dd; sh is a caller-provided array of 3 * nn (vw, pw, bw). */
void xn_adv_dom_init(const struct xn_adv_host *ah, struct xn_domain *d, struct xn_adv_dom *dd,
                     double *sh);

/* One candidate placement and its terms. */
struct xn_adv_cand {
	enum xn_advice_action action;
	enum xn_place_kind kind;                        /* what the action does on this source */
	xn_nodemask nodes;                              /* node ids */
	int idx[XN_MAX_NODES > 64 ? 64 : XN_MAX_NODES]; /* node indexes */
	int k;
	double local_after, access_after;
	double crowd_now, crowd_after; /* max(0, ratio - 1) of its nodes */
	double ratio_after;            /* busy vCPUs per CPU on its most crowded target after */
	uint64_t bytes_copied;
	double gain, cost, score; /* GiB-weighted: access + crowding gain, copy cost, net x busy */
	struct xn_place_result place;
	int refused;       /* 0, or the -errno of xn_place_check */
	bool over_crowded; /* feasible but over XN_ADVISE_MAX_RATIO */
};

/* The hard-constraint request of a candidate (core's xn_place_check), built
 * in one place for the cost model (quiet: a refusal code only) and for the
 * words (the refusal told again in words), so both check the same thing. */
static inline struct xn_place_req xn_adv_place_req(const struct xn_adv_host *ah,
                                                   const struct xn_adv_dom *dd,
                                                   const struct xn_adv_cand *c, bool quiet)
{
	return (struct xn_place_req){.s = ah->s,
	                             .d = dd->d,
	                             .nodes = c->nodes,
	                             .kind = c->kind,
	                             .hard_binds = (ah->caps & XN_SRC_SOFT_VCPUS) != 0,
	                             .free = ah->free,
	                             .cpus = ah->cpus,
	                             /* its pool's row, counted once (NULL: no pool) */
	                             .pool_cpus = dd->at ? ah->cpus + dd->at : NULL,
	                             .quiet = quiet};
}

/* Evaluate one action on node indexes idx[0..k). Always fills c; returns
 * true when the candidate is a possible step (feasible, not over-crowded,
 * never lowering LOCAL% nor raising the access cost). */
bool xn_adv_evaluate(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                     enum xn_advice_action action, const int *idx, int k, struct xn_adv_cand *c);

/* The best step of a domain (false: none) and, apart, the candidate that
 * would gain the most LOCAL% whatever stops it (to say why: top). */
bool xn_adv_best(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                 struct xn_adv_cand *best, struct xn_adv_cand *top);

/* Carry a step out in the simulation: free memory, demand, the domain's
 * shares. fresh: c was the last candidate evaluated (the host's scratch
 * still holds its shares). */
void xn_adv_simulate(struct xn_adv_host *ah, struct xn_adv_dom *dd, const struct xn_adv_cand *c,
                     bool fresh);

/* Greedy plan over the eligible domains (advise_plan.c): fills each planned
 * domain's advice (action, nodes, terms, step), and tops[i] (n, need not be zeroed by
 * the caller) with each domain's biggest-gain candidate at its last
 * evaluation. Returns the number of steps. */
uint32_t xn_adv_plan(struct xn_adv_host *ah, struct xn_adv_dom *doms, size_t n,
                     struct xn_adv_cand *tops);

/* Words (advise_words.c). */
void xn_adv_words_step(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                       const struct xn_adv_cand *c, struct xn_advice *a);
void xn_adv_words_ok(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                     const struct xn_adv_cand *top, bool have_top, struct xn_advice *a);

/* Node indexes of a node-id mask; returns k (0 if a node is gone). */
int xn_adv_mask_to_idx(const struct xn_adv_host *ah, const xn_nodemask *m, int *idx, int max);

#endif
