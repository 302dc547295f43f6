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
		others += ah->load[dd->at + (size_t)c->idx[t]] - dd->vw[c->idx[t]] * dd->known;
	a->vcpus_there = others > 0 ? (uint32_t)lround(others) : 0;
	a->cpus_there = c->place.cpus;
	a->distance = 10.0 * c->access_after;
	a->score = c->score;
	a->ratio_after = c->ratio_after;
	a->step = step;
	xn_adv_words_step(ah, dd, c, a);
}

/* The domains that have a cached step, highest score first (ties by
 * index); taken ones leave it, a re-searched one moves to its new place. */
struct queue {
	const struct xn_adv_cand *cache;
	size_t *ord, n;
};

static bool ahead(const struct queue *q, size_t a, size_t b)
{
	double x = q->cache[a].score, y = q->cache[b].score;
	return x > y || (x == y && a < b);
}

static void queue_insert(struct queue *q, size_t i)
{
	size_t lo = 0, hi = q->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ahead(q, q->ord[mid], i))
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(q->ord + lo + 1, q->ord + lo, (q->n - lo) * sizeof(*q->ord));
	q->ord[lo] = i;
	q->n++;
}

static void queue_remove(struct queue *q, size_t i)
{
	for (size_t t = 0; t < q->n; t++)
		if (q->ord[t] == i) {
			memmove(q->ord + t, q->ord + t + 1, (q->n - t - 1) * sizeof(*q->ord));
			q->n--;
			return;
		}
}

/* The domain to step next: the highest cached score; among near-equal
 * ones (xn_adv_tie) the lowest domain id (the snapshot is in id order), so
 * that two invocations on the same host plan the same steps. */
static bool next_domain(const struct queue *q, size_t *out)
{
	if (!q->n)
		return false;
	size_t pick = q->ord[0];
	double floor = q->cache[pick].score - xn_adv_tie(q->cache[pick].score);
	for (size_t t = 1; t < q->n && q->cache[q->ord[t]].score >= floor; t++)
		if (q->ord[t] < pick)
			pick = q->ord[t];
	*out = pick;
	return true;
}

uint32_t xn_adv_plan(struct xn_adv_host *ah, struct xn_adv_dom *doms, size_t n,
                     struct xn_adv_cand *tops)
{
	/* not zeroed: a domain's entry is written by its search before use */
	struct xn_adv_cand *cache = malloc((n ? n : 1) * sizeof(*cache));
	struct queue q = {cache, calloc(n ? n : 1, sizeof(*q.ord)), 0};
	uint32_t step = 0;
	if (!cache || !q.ord) {
		memset(tops, 0, (n ? n : 1) * sizeof(*tops)); /* no search: no top */
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (doms[i].eligible && xn_adv_best(ah, &doms[i], &cache[i], &tops[i]))
			queue_insert(&q, i);
	size_t bi;
	while (next_domain(&q, &bi)) {
		/* The host has changed under its cached step: evaluate that step
		 * again (one candidate). Still allowed and worth about as much:
		 * it is taken. Else the domain's search runs again on the host as
		 * simulated so far, and the order is looked at again. */
		struct xn_adv_cand c;
		bool ok = xn_adv_evaluate(ah, &doms[bi], cache[bi].action, cache[bi].idx,
		                          cache[bi].k, &c);
		queue_remove(&q, bi);
		if (!ok || c.score < cache[bi].score - xn_adv_tie(cache[bi].score)) {
			if (xn_adv_best(ah, &doms[bi], &cache[bi], &tops[bi]))
				queue_insert(&q, bi);
			continue;
		}
		/* c was the last evaluation (record_step evaluates nothing) */
		record_step(ah, &doms[bi], &c, ++step);
		xn_adv_simulate(ah, &doms[bi], &c, true);
		doms[bi].planned = true;
	}
out:
	free(cache);
	free(q.ord);
	return step;
}
