/* advise_plan.c - one plan for the host: greedy, the highest-scoring step
 * first, the host re-scored after each simulated step (as numad measures
 * again after each move), so that no two steps compete for one node's CPUs
 * or memory. Lazy: each domain's best step is cached; the top one is
 * evaluated again against the simulated host and taken if it still holds
 * its score (within XN_ADVISE_TIE); if it lost, that domain's search runs
 * again (scores of other domains are evaluated again when they reach the
 * top). A domain with no step at the start gets none: a plan makes room
 * only by moving domains that gain themselves. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "advise_priv.h"

static void record_step(const struct xn_adv_host *ah, struct xn_adv_dom *dd,
                        const struct xn_adv_cand *c, uint32_t step)
{
	struct xn_advice *a = &dd->d->advice;
	uint64_t ps = ah->s->host.page_size ? ah->s->host.page_size : 4096;
	a->action = c->action;
	a->nodes = c->nodes;
	a->local_now = dd->local;
	a->local_expected = c->local_after;
	a->pages_to_move = c->bytes_copied / ps;
	a->mem_free_after = (int64_t)c->place.free_bytes - (int64_t)c->place.need_bytes -
	                    (int64_t)c->place.headroom;
	double others = 0;
	for (int t = 0; t < c->k; t++)
		others += ah->load[c->idx[t]] - dd->vw[c->idx[t]] * dd->known;
	a->vcpus_there = others > 0 ? (uint32_t)lround(others) : 0;
	a->cpus_there = c->place.cpus;
	a->distance = 10.0 * c->access_after;
	a->score = c->score;
	a->ratio_after = c->ratio_after;
	a->step = step;
	xn_adv_words_step(ah, dd, c, a);
}

/* The domain to step next: the highest cached score; among near-equal
 * ones (xn_adv_tie) the lowest domain id (the snapshot is in id order), so
 * that two invocations on the same host plan the same steps. n if none. */
static size_t next_domain(const struct xn_adv_cand *cache, const bool *have, size_t n)
{
	size_t top = n;
	for (size_t i = 0; i < n; i++)
		if (have[i] && (top == n || cache[i].score > cache[top].score))
			top = i;
	if (top == n)
		return n;
	double floor = cache[top].score - xn_adv_tie(cache[top].score);
	for (size_t i = 0; i < top; i++)
		if (have[i] && cache[i].score >= floor)
			return i;
	return top;
}

uint32_t xn_adv_plan(struct xn_adv_host *ah, struct xn_adv_dom *doms, size_t n,
                     struct xn_adv_cand *tops)
{
	struct xn_adv_cand *cache = calloc(n ? n : 1, sizeof(*cache));
	bool *have = calloc(n ? n : 1, sizeof(*have));
	uint32_t step = 0;
	if (!cache || !have)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (doms[i].eligible)
			have[i] = xn_adv_best(ah, &doms[i], &cache[i], &tops[i]);
	for (;;) {
		size_t bi = next_domain(cache, have, n);
		if (bi == n)
			break;
		/* The host has changed under its cached step: evaluate that step
		 * again (one candidate). Still allowed and worth about as much:
		 * it is taken. Else the domain's search runs again on the host as
		 * simulated so far, and the order is looked at again. */
		struct xn_adv_cand c;
		bool ok = xn_adv_evaluate(ah, &doms[bi], cache[bi].action, cache[bi].idx,
		                          cache[bi].k, &c);
		if (!ok || c.score < cache[bi].score - xn_adv_tie(cache[bi].score)) {
			have[bi] = xn_adv_best(ah, &doms[bi], &cache[bi], &tops[bi]);
			if (have[bi] && !xn_adv_evaluate(ah, &doms[bi], cache[bi].action,
			                                 cache[bi].idx, cache[bi].k, &c))
				have[bi] = false; /* cannot happen: the same host */
			if (!have[bi] || next_domain(cache, have, n) != bi)
				continue;
		}
		record_step(ah, &doms[bi], &c, ++step);
		xn_adv_simulate(ah, &doms[bi], &c);
		doms[bi].planned = true;
		have[bi] = false;
	}
out:
	free(cache);
	free(have);
	return step;
}
