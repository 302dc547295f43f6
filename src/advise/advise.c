/* advise.c - placement advice per domain, with hysteresis, and the words
 * that explain it (see advise.h; the scorer is advise_score.c). */
#include "advise.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advise_priv.h"
#include "move.h"
#include "source.h"
#include "util.h"

static const char *const action_names[XN_ADVICE__COUNT] = {
        [XN_ADVICE_NONE] = "none",     [XN_ADVICE_OK] = "ok",     [XN_ADVICE_VCPUS] = "vcpus",
        [XN_ADVICE_MEMORY] = "memory", [XN_ADVICE_BOTH] = "both",
};

const char *xn_advice_action_name(enum xn_advice_action a)
{
	return (unsigned)a < XN_ADVICE__COUNT ? action_names[a] : "none";
}

enum xn_advice_action xn_advice_action_parse(const char *name)
{
	for (int i = 0; i < XN_ADVICE__COUNT; i++)
		if (!strcmp(action_names[i], name))
			return (enum xn_advice_action)i;
	return XN_ADVICE__COUNT;
}

bool xn_advice_is_misplaced(const struct xn_advice *a)
{
	return a->action >= XN_ADVICE_VCPUS && a->action < XN_ADVICE__COUNT;
}

void xn_advice_format_short(const struct xn_advice *a, char *buf, size_t len)
{
	static const char *const pre[XN_ADVICE__COUNT] = {
	        [XN_ADVICE_VCPUS] = "vcpus", [XN_ADVICE_MEMORY] = "mem", [XN_ADVICE_BOTH] = "both"};
	if (a->action == XN_ADVICE_OK) {
		snprintf(buf, len, "ok");
		return;
	}
	if (!xn_advice_is_misplaced(a)) {
		snprintf(buf, len, "-");
		return;
	}
	char nodes[64];
	xn_bits_format_list(a->nodes.w, XN_MAX_NODES, nodes, sizeof(nodes));
	snprintf(buf, len, "%s>%s", pre[a->action], nodes);
}

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

/* "1.5 GiB", "512 MiB" */
static void fmt_bytes(uint64_t b, char *buf, size_t len)
{
	if (b >= (uint64_t)10 << 30)
		snprintf(buf, len, "%.0f GiB", (double)b / (1 << 30));
	else if (b >= (uint64_t)1 << 30)
		snprintf(buf, len, "%.1f GiB", (double)b / (1 << 30));
	else
		snprintf(buf, len, "%.0f MiB", (double)b / (1 << 20));
}

/* Pages of the domain on a node-id mask. */
static uint64_t pages_on(const struct xn_adv_host *ah, const struct xn_domain *d,
                         const xn_nodemask *m)
{
	uint64_t n = 0;
	for (int i = 0; i < ah->nn; i++)
		if (XN_NM_TEST(m, ah->s->host.nodes[i].id))
			n += d->node_pages[i];
	return n;
}

/* Why nothing is advised: the biggest gain there is (top, may be NULL),
 * and what stood against it. */
static void ok_reason(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                      struct xn_advice *a, const struct xn_adv_cand *top)
{
	char *r = a->reason;
	size_t n = sizeof(a->reason);
	if (!top || top->local_expected - a->local_now <= 0.05) {
		if (a->local_now >= 80)
			snprintf(r, n, "well placed (LOCAL%% %.1f)", a->local_now);
		else
			snprintf(r, n, "no better placement can be had now (LOCAL%% %.1f)",
			         a->local_now);
		return;
	}
	double gain = top->local_expected - a->local_now;
	const char *act = xn_advice_action_name(top->action);
	char tn[64];
	xn_bits_format_list(top->nodes.w, XN_MAX_NODES, tn, sizeof(tn));
	uint32_t after = top->vcpus_there + dd->known;
	bool crowded = top->action != XN_ADVICE_MEMORY && top->cpus_there &&
	               (double)after / top->cpus_there > ah->host_ratio;
	if (gain < XN_ADVISE_MIN_GAIN)
		snprintf(r, n,
		         "placed well enough: the best change (%s to node %s) gains %.1f points, "
		         "under %d",
		         act, tn, gain, XN_ADVISE_MIN_GAIN);
	else if (crowded)
		snprintf(r, n,
		         "left as it is: %s to node %s would gain %.1f points but crowd it (%u "
		         "vCPUs "
		         "on %u CPU%s)",
		         act, tn, gain, after, top->cpus_there, top->cpus_there == 1 ? "" : "s");
	else
		snprintf(r, n,
		         "left as it is: %s to node %s would gain %.1f points but costs more than "
		         "it gains",
		         act, tn, gain);
}

static void set_reason(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                       struct xn_advice *a, const struct xn_adv_cand *top)
{
	uint64_t ps = ah->s->host.page_size ? ah->s->host.page_size : 4096;
	/* composed at full length, then cut to the field: no silent overflow */
	char r[512] = "", nodes[64], mem[32], stay[96] = "";
	xn_bits_format_list(a->nodes.w, XN_MAX_NODES, nodes, sizeof(nodes));
	const char *nw = xn_bits_count(a->nodes.w, XN_MAX_NODES) > 1 ? "nodes" : "node";
	fmt_bytes(a->pages_to_move * ps, mem, sizeof(mem));
	switch (a->action) {
	case XN_ADVICE_VCPUS: {
		uint64_t off = dd->total - pages_on(ah, dd->d, &a->nodes);
		double share = 100.0 * (double)(dd->total - off) / (double)dd->total;
		if (off && !a->memory_moves) {
			char b[32];
			fmt_bytes(off * ps, b, sizeof(b));
			snprintf(stay, sizeof(stay), "; %s stays where it is", b);
		}
		snprintf(r, sizeof(r),
		         "run its vCPUs on %s %s, where %.0f%% of its memory is (LOCAL%% %.1f -> "
		         "%.1f)%s%s",
		         nw, nodes, share, a->local_now, a->local_expected,
		         a->memory_moves ? "" : "; new memory follows", stay);
		break;
	}
	case XN_ADVICE_MEMORY:
		if (!a->memory_moves) /* Xen: a live migration copies every page */
			snprintf(r, sizeof(r),
			         "move memory to %s %s, where its vCPUs run, live: copies all "
			         "%" PRIu64 " pages (%s), about %.0f s at an assumed %.0f pages/s "
			         "(LOCAL%% %.1f -> "
			         "%.1f)",
			         nw, nodes, a->pages_to_move, mem,
			         (double)a->pages_to_move / XN_MOVE_ASSUMED_RATE,
			         XN_MOVE_ASSUMED_RATE, a->local_now, a->local_expected);
		else
			snprintf(r, sizeof(r),
			         "move %s of memory to %s %s, where its vCPUs run (LOCAL%% %.1f -> "
			         "%.1f)",
			         mem, nw, nodes, a->local_now, a->local_expected);
		break;
	case XN_ADVICE_BOTH:
		snprintf(r, sizeof(r),
		         "move its vCPUs and %s of memory to %s %s (LOCAL%% %.1f -> %.1f)", mem, nw,
		         nodes, a->local_now, a->local_expected);
		break;
	case XN_ADVICE_OK:
		ok_reason(ah, dd, a, top);
		return;
	default:
		break;
	}
	xn_strlcpy(a->reason, r, sizeof(a->reason));
}

/* The verdict on its own, before hysteresis. */
static void judge(const struct xn_adv_host *ah, const struct xn_adv_dom *dd, struct xn_advice *a,
                  struct xn_adv_cand *best, struct xn_adv_cand *top, bool *have_best)
{
	const struct xn_domain *d = dd->d;
	uint64_t ps = ah->s->host.page_size ? ah->s->host.page_size : 4096;
	memset(a, 0, sizeof(*a));
	a->memory_moves = ah->memory_moves;
	a->local_now = dd->local_now;
	*have_best = false;
	if (!(d->valid & XN_DOM_PAGES) || dd->total == 0) {
		snprintf(a->reason, sizeof(a->reason), "no advice: its pages per node are unknown");
		return;
	}
	if (dd->known == 0 || !(d->valid & XN_DOM_LOCALITY)) {
		snprintf(a->reason, sizeof(a->reason), "no advice: no vCPU's node is known");
		return;
	}
	if (dd->total * ps < (uint64_t)XN_ADVISE_MIN_BYTES) {
		snprintf(a->reason, sizeof(a->reason), "no advice: smaller than %d MiB",
		         XN_ADVISE_MIN_BYTES >> 20);
		return;
	}
	*have_best = xn_adv_best(ah, dd, best, top);
	if (*have_best && best->local_expected - dd->local_now >= XN_ADVISE_MIN_GAIN &&
	    best->score > 0) {
		a->action = best->action;
		a->nodes = best->nodes;
		return;
	}
	a->action = XN_ADVICE_OK;
}

/* Fill the terms of a verdict (action + nodes) from a fresh evaluation.
 * False when the verdict cannot be carried out now. */
static bool fill_terms(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                       struct xn_advice *a)
{
	int *idx = ah->idx;
	int k = xn_adv_mask_to_idx(ah, &a->nodes, idx);
	struct xn_adv_cand c;
	bool ok;
	if (a->action == XN_ADVICE_OK) {
		ok = true;
		xn_adv_current(ah, dd, &c);
		a->nodes = c.nodes;
		a->local_expected = a->local_now;
		a->pages_to_move = 0;
		a->mem_free_after = c.mem_free_after;
		a->vcpus_there = c.vcpus_there;
		a->cpus_there = c.cpus_there;
		a->distance = c.distance;
		a->score = 0;
	} else {
		ok = k > 0 && xn_adv_evaluate(ah, dd, a->action, idx, k, &c);
		if (ok) {
			a->local_expected = c.local_expected;
			a->pages_to_move = c.pages_to_move;
			a->mem_free_after = c.mem_free_after;
			a->vcpus_there = c.vcpus_there;
			a->cpus_there = c.cpus_there;
			a->distance = c.distance;
			a->score = c.score;
		}
	}
	return ok;
}

static bool same_verdict(enum xn_advice_action a, const xn_nodemask *na, enum xn_advice_action b,
                         const xn_nodemask *nb)
{
	if (a != b)
		return false;
	return a == XN_ADVICE_OK || a == XN_ADVICE_NONE || !memcmp(na, nb, sizeof(*na));
}

static void advise_domain(const struct xn_adv_host *ah, const struct xn_snapshot *prev,
                          struct xn_domain *d, uint32_t *on, bool *allowed)
{
	struct xn_adv_dom dd;
	xn_adv_dom_init(ah, d, &dd, on, allowed);
	struct xn_advice fresh;
	struct xn_adv_cand best, top;
	bool have_best;
	judge(ah, &dd, &fresh, &best, &top, &have_best);

	const struct xn_domain *p = prev ? xn_snapshot_find(prev, d->id) : NULL;
	if (p && (!p->name || !d->name || strcmp(p->name, d->name)))
		p = NULL; /* a reused id is another domain */
	const struct xn_advice *pa = p && (p->valid & XN_DOM_ADVICE) ? &p->advice : NULL;

	struct xn_advice out = fresh;
	/* Missing data is not a judgement: it shows at once. So does the
	 * first verdict, and one that agrees with what is shown. */
	if (pa && fresh.action != XN_ADVICE_NONE && pa->action != XN_ADVICE_NONE &&
	    !same_verdict(fresh.action, &fresh.nodes, pa->action, &pa->nodes)) {
		uint32_t count = 1;
		if (pa->pending_count && same_verdict(fresh.action, &fresh.nodes,
		                                      pa->pending_action, &pa->pending_nodes))
			count = pa->pending_count + 1;
		if (count < XN_ADVISE_HOLD) {
			struct xn_advice held = fresh;
			held.action = pa->action;
			held.nodes = pa->nodes;
			/* A held change that no longer gains anything is resolved
			 * (the operator applied it, or the domain moved): drop it. */
			bool resolved =
			        xn_advice_is_misplaced(&held) && fill_terms(ah, &dd, &held) &&
			        held.local_expected - held.local_now < XN_ADVISE_MIN_GAIN / 2.0;
			if (!resolved && fill_terms(ah, &dd, &held)) {
				out = held;
				out.pending_action = fresh.action;
				out.pending_nodes = fresh.nodes;
				out.pending_count = count;
			}
		}
	}
	if (out.action != XN_ADVICE_NONE)
		fill_terms(ah, &dd, &out);
	if (out.action != XN_ADVICE_NONE)
		set_reason(ah, &dd, &out, have_best && top.local_expected >= 0 ? &top : NULL);
	d->advice = out;
	d->valid |= XN_DOM_ADVICE;
}

void xn_advise(const struct xn_snapshot *prev, struct xn_snapshot *cur)
{
	struct xn_adv_host ah;
	if (xn_adv_host_init(&ah, cur))
		return; /* out of memory: no advice this sample, the figures stand */
	size_t n = ah.nn ? (size_t)ah.nn : 1;
	uint32_t *on = calloc(n, sizeof(*on));
	bool *allowed = calloc(n, sizeof(*allowed));
	for (size_t i = 0; on && allowed && i < cur->nr_domains; i++)
		if (!(cur->domains[i].valid & XN_DOM_ADVICE))
			advise_domain(&ah, prev, &cur->domains[i], on, allowed);
	free(on);
	free(allowed);
	xn_adv_host_free(&ah);
}
