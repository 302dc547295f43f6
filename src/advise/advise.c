/* advise.c - the advisor's driver (see advise.h): who may get a step, the
 * plan, each domain's verdict, and hysteresis. The cost model is
 * advise_cost.c, the plan advise_plan.c, the words advise_words.c. */
#include "advise.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advise_priv.h"
#include "source.h"
#include "util.h"

unsigned xn_advice_apply_flags(const struct xn_advice *a)
{
	switch (a->action) {
	case XN_ADVICE_VCPUS:
		/* Linux: pin the threads, leave the pages. Xen: soft affinity,
		 * and node affinity with it so that new memory follows. */
		return a->memory_moves ? XN_AFF_CPUS | XN_AFF_NO_MEMORY : XN_AFF_CPUS;
	case XN_ADVICE_MEMORY:
		return 0; /* Linux migrates and pins to where the vCPUs already run */
	case XN_ADVICE_BOTH:
		return XN_AFF_CPUS;
	default:
		return XN_AFF_DRY_RUN;
	}
}

void xn_advice_place_req(const struct xn_snapshot *s, const struct xn_domain *d,
                         const struct xn_advice *a, struct xn_place_req *req)
{
	unsigned caps = s->caps;
	memset(req, 0, sizeof(*req));
	req->s = s;
	req->d = d;
	req->nodes = a->nodes;
	req->hard_binds = (caps & XN_SRC_SOFT_VCPUS) != 0;
	req->kind = a->action == XN_ADVICE_VCPUS  ? XN_PLACE_VCPUS
	            : a->action == XN_ADVICE_BOTH ? XN_PLACE_BOTH
	            : (caps & XN_SRC_RECREATE)    ? XN_PLACE_RECREATE
	                                          : XN_PLACE_MIGRATE;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);
	return a >= b && !strcmp(s + a - b, tail);
}

/* Why d gets no judgement at all ("-"), or NULL when it gets one. */
static const char *no_judgement(const struct xn_adv_host *ah, const struct xn_adv_dom *dd)
{
	const struct xn_domain *d = dd->d;
	uint64_t ps = ah->s->host.page_size ? ah->s->host.page_size : 4096;
	const char *name = d->name ? d->name : "";
	if (d->id == 0)
		return "control domain: its vCPUs serve the guests' I/O; its LOCAL% is not a goal";
	if (d->valid & XN_DOM_SELF)
		return "no advice: this is xentop-numa itself";
	if (!(d->valid & XN_DOM_PAGES) || dd->total == 0)
		return "no advice: its pages per node are unknown";
	if (dd->known == 0 || !(d->valid & XN_DOM_LOCALITY))
		return "no advice: no vCPU's node is known";
	if (dd->total * ps < (uint64_t)XN_ADVISE_MIN_BYTES)
		return "no advice: smaller than 16 MiB";
	if (ends_with(name, "-dm"))
		return "no advice: a stub (device model) domain follows its guest";
	if (ends_with(name, "--incoming") || ends_with(name, "--migratedaway"))
		return "no advice: it is being migrated";
	/* Dying, shut down or crashed: nothing to place. (Paused domains are
	 * judged: a pause is often brief, and the lab freezes vCPU positions
	 * with one to check the advice against Xen's own tools.) */
	if ((d->valid & XN_DOM_STATE) &&
	    (d->state[0] == 'd' || d->state[1] == 's' || d->state[3] == 'c'))
		return "no advice: dying, shut down or crashed";
	return NULL;
}

/* Verdict of a domain without a step: ok or stuck, with why. top: its
 * biggest-gain candidate as the plan last saw it, evaluated again here on
 * the host after the plan (one candidate, not a search: the refresh's
 * budget), so that the reason tells what stops it now. */
static void verdict_no_step(const struct xn_adv_host *ah, struct xn_adv_dom *dd,
                            const struct xn_adv_cand *top)
{
	struct xn_advice *a = &dd->d->advice;
	uint64_t ps = ah->s->host.page_size ? ah->s->host.page_size : 4096;
	struct xn_adv_cand now = {0};
	if (top->k > 0)
		xn_adv_evaluate(ah, dd, top->action, top->idx, top->k, &now);
	bool big = dd->total * ps >= XN_ADVISE_BIG_BYTES;
	a->action = big && dd->local < XN_ADVISE_STUCK_LOCAL ? XN_ADVICE_STUCK : XN_ADVICE_OK;
	a->local_now = a->local_expected = dd->local;
	a->distance = 10.0 * dd->access;
	for (int i = 0; i < ah->nn; i++)
		if (dd->vw[i] > 0) {
			XN_NM_SET(&a->nodes, ah->s->host.nodes[i].id);
			a->cpus_there += ah->cpus[dd->at + (size_t)i]; /* its pool's */
		}
	xn_adv_words_ok(ah, dd, &now, now.k > 0, a);
}

/* The host's fresh verdicts (no hysteresis) into each domain's advice. */
static int fresh_verdicts(struct xn_snapshot *cur, struct xn_adv_host *ah)
{
	size_t n = cur->nr_domains, nn = ah->nn ? (size_t)ah->nn : 1;
	struct xn_adv_dom *doms = calloc(n ? n : 1, sizeof(*doms));
	double *shares = calloc(3 * nn * (n ? n : 1), sizeof(*shares));
	if (!doms || !shares) {
		free(doms);
		free(shares);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct xn_domain *d = &cur->domains[i];
		struct xn_adv_dom *dd = &doms[i];
		xn_adv_dom_init(ah, d, dd, shares + 3 * nn * i);
		if (d->valid & XN_DOM_ADVICE) {
			dd->planned = true; /* given by the source: not ours */
			continue;
		}
		memset(&d->advice, 0, sizeof(d->advice));
		d->advice.memory_moves = (ah->caps & XN_SRC_MEMORY_MOVES) != 0;
		d->advice.local_now = dd->local;
		const char *why = no_judgement(ah, dd);
		if (why) {
			xn_strlcpy(d->advice.reason, why, sizeof(d->advice.reason));
			dd->planned = true;
			continue;
		}
		dd->eligible = true;
	}
	/* not zeroed: the plan's search fills the entry of every eligible
	 * domain, and only those are read */
	struct xn_adv_cand *tops = malloc((n ? n : 1) * sizeof(*tops));
	if (!tops) {
		free(doms);
		free(shares);
		return -1;
	}
	xn_adv_plan(ah, doms, n, tops);
	for (size_t i = 0; i < n; i++)
		if (doms[i].eligible && !doms[i].planned)
			verdict_no_step(ah, &doms[i], &tops[i]);
	free(tops);
	free(doms);
	free(shares);
	return 0;
}

static bool same_verdict(enum xn_advice_action a, const xn_nodemask *na, enum xn_advice_action b,
                         const xn_nodemask *nb)
{
	if (a != b)
		return false;
	return a < XN_ADVICE_VCPUS || a > XN_ADVICE_BOTH || !memcmp(na, nb, sizeof(*na));
}

/* A held step, evaluated again on the snapshot as it is (not as the plan
 * simulated it): false when it is no longer allowed. */
static bool held_step(const struct xn_snapshot *cur, struct xn_domain *d, struct xn_advice *out)
{
	struct xn_adv_host ah;
	if (xn_adv_host_init(&ah, cur))
		return false;
	size_t nn = ah.nn ? (size_t)ah.nn : 1;
	double *sh = calloc(3 * nn, sizeof(*sh));
	int idx[64];
	bool ok = false;
	if (sh) {
		struct xn_adv_dom dd;
		xn_adv_dom_init(&ah, d, &dd, sh);
		struct xn_adv_cand c = {0};
		int k = xn_adv_mask_to_idx(&ah, &out->nodes, idx, 64);
		/* still allowed (a gain is not asked: smoothing decides that) */
		if (k > 0)
			xn_adv_evaluate(&ah, &dd, out->action, idx, k, &c);
		ok = k > 0 && c.k > 0 && !c.refused && !c.over_crowded;
		if (ok) {
			struct xn_advice h = *out;
			uint64_t ps = cur->host.page_size ? cur->host.page_size : 4096;
			h.local_now = dd.local;
			h.local_expected = c.local_after;
			h.pages_to_move = c.bytes_copied / ps;
			h.ratio_after = c.ratio_after;
			h.score = c.score;
			h.distance = 10.0 * c.access_after;
			h.cpus_there = c.place.cpus;
			h.step = 0; /* not this sample's plan: it is held */
			xn_adv_words_step(&ah, &dd, &c, &h);
			*out = h;
		}
	}
	free(sh);
	xn_adv_host_free(&ah);
	return ok;
}

/* A verdict as a key: 0 for none, else FNV-1a of the action and nodes. */
static uint32_t verdict_key(const struct xn_advice *a)
{
	if (a->action == XN_ADVICE_NONE)
		return 0;
	uint32_t h = 2166136261u ^ (uint32_t)a->action;
	h *= 16777619u;
	if (a->action >= XN_ADVICE_VCPUS && a->action <= XN_ADVICE_BOTH)
		for (size_t w = 0; w < sizeof(a->nodes.w) / sizeof(a->nodes.w[0]); w++)
			if (a->nodes.w[w]) {
				h = (h ^ (uint32_t)(a->nodes.w[w] ^ (a->nodes.w[w] >> 32) ^ w)) *
				    16777619u;
			}
	return h ? h : 1;
}

/* Smoothing over a window (advise.h): what shows is the fresh verdict once
 * it has been fresh in XN_ADVISE_HOLD of the last XN_ADVISE_WINDOW samples,
 * else the verdict shown before (re-evaluated, with its own reason). */
static void hold(const struct xn_snapshot *prev, const struct xn_snapshot *cur, struct xn_domain *d)
{
	_Static_assert(XN_ADVISE_WINDOW <= sizeof(d->advice.recent) / sizeof(d->advice.recent[0]),
	               "the window fits the advice's history");
	const struct xn_domain *p = prev ? xn_snapshot_find(prev, d->id) : NULL;
	if (p && (!p->name || !d->name || strcmp(p->name, d->name)))
		p = NULL; /* a reused id is another domain */
	const struct xn_advice *pa = p && (p->valid & XN_DOM_ADVICE) ? &p->advice : NULL;
	struct xn_advice fresh = d->advice;
	/* the window: the previous one, the fresh verdict last */
	uint32_t win[XN_ADVISE_WINDOW], n = 0, key = verdict_key(&fresh);
	if (pa)
		for (uint32_t i = pa->nrecent > XN_ADVISE_WINDOW - 1
		                          ? pa->nrecent - (XN_ADVISE_WINDOW - 1)
		                          : 0;
		     i < pa->nrecent && i < XN_ADVISE_WINDOW; i++)
			win[n++] = pa->recent[i];
	win[n++] = key;
	uint32_t count = 0;
	for (uint32_t i = 0; i < n; i++)
		count += win[i] == key;
	memcpy(d->advice.recent, win, n * sizeof(win[0]));
	d->advice.nrecent = n;
	/* Missing data is not a judgement: it shows at once. So does the
	 * first verdict, the first one made with measured CPU use (the one
	 * before it guessed busy vCPUs from the states one instant caught), one
	 * that agrees with what is shown, and one that held long enough. */
	bool first_measured = pa && (d->valid & XN_DOM_CPU_PCT) && !(p->valid & XN_DOM_CPU_PCT);
	if (!pa || first_measured || fresh.action == XN_ADVICE_NONE ||
	    pa->action == XN_ADVICE_NONE ||
	    same_verdict(fresh.action, &fresh.nodes, pa->action, &pa->nodes) ||
	    count >= XN_ADVISE_HOLD)
		return;
	struct xn_advice held = *pa;
	uint32_t held_count = 0, hk = verdict_key(pa);
	for (uint32_t i = 0; i < n; i++)
		held_count += win[i] == hk;
	if (xn_advice_is_misplaced(pa)) {
		/* A held step that is no longer possible goes at once. One that
		 * no longer gains goes at once too (applied, or the domain
		 * moved), unless the window still holds it: a domain remote two
		 * samples in three is advised in its local third as well. */
		if (!held_step(cur, d, &held) ||
		    (held_count < XN_ADVISE_HOLD &&
		     held.local_expected - held.local_now < XN_ADVISE_MIN_GAIN / 2.0))
			return;
	} else {
		/* a held ok / stuck keeps its own reason */
		held.local_now = held.local_expected = fresh.local_now;
	}
	memcpy(held.recent, win, n * sizeof(win[0]));
	held.nrecent = n;
	held.pending_action = fresh.action;
	held.pending_nodes = fresh.nodes;
	held.pending_count = count;
	d->advice = held;
}

void xn_advise(const struct xn_snapshot *prev, struct xn_snapshot *cur)
{
	struct xn_adv_host ah;
	if (xn_adv_host_init(&ah, cur))
		return; /* out of memory: no advice this sample, the figures stand */
	bool *mine = calloc(cur->nr_domains ? cur->nr_domains : 1, sizeof(*mine));
	for (size_t i = 0; mine && i < cur->nr_domains; i++)
		mine[i] = !(cur->domains[i].valid & XN_DOM_ADVICE);
	int r = mine ? fresh_verdicts(cur, &ah) : -1;
	xn_adv_host_free(&ah);
	for (size_t i = 0; r == 0 && i < cur->nr_domains; i++) {
		if (!mine[i])
			continue;
		hold(prev, cur, &cur->domains[i]);
		cur->domains[i].valid |= XN_DOM_ADVICE;
	}
	free(mine);
}
