/* advise_priv.h - the advisor's parts: the per-sample host context and the
 * scorer (advise_score.c), used by the driver (advise.c). */
#ifndef XN_ADVISE_PRIV_H
#define XN_ADVISE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "advise.h"

/* What every domain's scoring reads of the host, computed once per sample. */
struct xn_adv_host {
	const struct xn_snapshot *s;
	int nn;
	bool memory_moves; /* the source moves existing pages (linux) */
	bool soft_only;    /* vCPU moves go through soft affinity (xen): hard affinity binds */
	bool xen_move;     /* memory moves by re-creating the domain (xen, move.h): every
	                      page is copied, so a MEMORY move costs the whole domain */
	uint32_t *load;    /* nn: vCPUs of all domains that ran last on each node */
	uint32_t *cpus;    /* nn: CPUs of each node (0 = unknown) */
	int64_t *free;     /* nn: free bytes per node (-1 = unknown) */
	int *near;         /* nn * nn: for each node index, node indexes by distance */
	double host_ratio; /* vCPUs per CPU over the whole host (0 = CPUs unknown) */
	/* scratch, reused by every evaluation of the sample (no allocation per
	 * candidate in the refresh loop); the pointers are const, not the data */
	double *shares; /* 2 * nn: page and vCPU shares afterwards */
	int *idx;       /* nn: node indexes of a verdict */
};

/* Build / free the host context. 0 or -ENOMEM. */
int xn_adv_host_init(struct xn_adv_host *ah, const struct xn_snapshot *s);
void xn_adv_host_free(struct xn_adv_host *ah);

/* One candidate placement of a domain and its terms. */
struct xn_adv_cand {
	enum xn_advice_action action;
	xn_nodemask nodes; /* node ids */
	int nr_nodes;
	double local_expected;
	uint64_t pages_to_move;
	int64_t mem_free_after;
	uint32_t vcpus_there, cpus_there;
	double distance; /* 0 when the host gives no distances */
	double score;
};

/* The domain as the scorer sees it. */
struct xn_adv_dom {
	const struct xn_domain *d;
	uint64_t total; /* pages */
	uint32_t known; /* vCPUs whose node is known */
	uint32_t *on;   /* nn: this domain's vCPUs per node index */
	bool *allowed;  /* nn: every vCPU's hard affinity reaches the node (soft_only) */
	double local_now;
};

/* Fill dd for d (on/allowed are caller-provided arrays of nn). */
void xn_adv_dom_init(const struct xn_adv_host *ah, const struct xn_domain *d, struct xn_adv_dom *dd,
                     uint32_t *on, bool *allowed);

/* Evaluate one action on a node-index set (idx[0..k)). Returns false when
 * it cannot be done (memory does not fit, hard affinity forbids, an action
 * this source cannot carry out). */
bool xn_adv_evaluate(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                     enum xn_advice_action action, const int *idx, int k, struct xn_adv_cand *c);

/* The best candidate over every action and node set (libxl's candidates:
 * single nodes, then each node with its nearest until the memory fits),
 * and the feasible one with the highest expected LOCAL% (top_gain; its
 * local_expected is -1 when none). False when no candidate is feasible. */
bool xn_adv_best(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                 struct xn_adv_cand *best, struct xn_adv_cand *top_gain);

/* The terms of the current placement (action OK, nodes = where the vCPUs
 * run, local_expected = local_now, free memory there as it is). */
void xn_adv_current(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                    struct xn_adv_cand *c);

/* Node indexes of a node-id mask on this host; returns k (0 if a node is gone). */
int xn_adv_mask_to_idx(const struct xn_adv_host *ah, const xn_nodemask *m, int *idx);

#endif
