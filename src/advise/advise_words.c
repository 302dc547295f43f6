/* advise_words.c - the sentences that explain a verdict: each names the
 * change, what it moves, what it expects, and what it overrides; for "ok"
 * and "stuck", what stops the best change. Plain ASCII, cut to the field. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "advise_priv.h"
#include "source.h"
#include "util.h"

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

static void nodes_words(const xn_nodemask *m, char *buf, size_t len)
{
	char l[64];
	xn_bits_format_list(m->w, XN_MAX_NODES, l, sizeof(l));
	snprintf(buf, len, "%s %s", xn_bits_count(m->w, XN_MAX_NODES) > 1 ? "nodes" : "node", l);
}

/* What a step to c->nodes overrides: an explicit node affinity (Xen says
 * only whether it is automatic, not who set it: assumed deliberate, and
 * said so). */
static void overrides(const struct xn_adv_dom *dd, const struct xn_adv_cand *c, char *buf,
                      size_t len)
{
	const struct xn_domain *d = dd->d;
	buf[0] = 0;
	if (!(d->valid & XN_DOM_AFFINITY) || d->affinity_auto ||
	    !memcmp(&d->node_affinity, &c->nodes, sizeof(c->nodes)))
		return;
	char l[64], w[160];
	xn_bits_format_list(d->node_affinity.w, XN_MAX_NODES, l, sizeof(l));
	snprintf(w, sizeof(w), "explicit node affinity %s (not automatic: assumed deliberate)", l);
	xn_strlcpy(buf, w, len);
}

void xn_adv_words_step(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                       const struct xn_adv_cand *c, struct xn_advice *a)
{
	uint64_t ps = ah->s->host.page_size ? ah->s->host.page_size : 4096;
	char r[512] = "", nw[80], mem[32], extra[160] = "";
	nodes_words(&c->nodes, nw, sizeof(nw));
	fmt_bytes(c->bytes_copied, mem, sizeof(mem));
	switch (c->action) {
	case XN_ADVICE_VCPUS: {
		double share = 0;
		for (int t = 0; t < c->k; t++)
			share += dd->pw[c->idx[t]];
		if (!(ah->caps & XN_SRC_MEMORY_MOVES) && share < 0.9995) {
			char b[32];
			fmt_bytes((uint64_t)((1 - share) * (double)(dd->total * ps)), b, sizeof(b));
			snprintf(extra, sizeof(extra), "; new memory follows, %s stays where it is",
			         b);
		}
		snprintf(r, sizeof(r), "run its vCPUs on %s, where %.0f%% of its memory is%s", nw,
		         100 * share, extra);
		break;
	}
	case XN_ADVICE_MEMORY:
		if (ah->caps & XN_SRC_RECREATE)
			snprintf(r, sizeof(r),
			         "live move to %s (vCPUs and memory): copies all %" PRIu64
			         " pages (%s), about %.0f s at an assumed %.0f pages/s",
			         nw, c->bytes_copied / ps, mem,
			         (double)c->bytes_copied / (double)ps / XN_MOVE_ASSUMED_RATE,
			         XN_MOVE_ASSUMED_RATE);
		else
			snprintf(r, sizeof(r), "move %s of memory to %s, where its vCPUs run", mem,
			         nw);
		break;
	case XN_ADVICE_BOTH:
		snprintf(r, sizeof(r), "move its vCPUs and %s of memory to %s", mem, nw);
		break;
	default:
		break;
	}
	size_t u = strlen(r);
	snprintf(r + u, sizeof(r) - u, " (LOCAL%% %.1f -> %.1f", dd->local, c->local_after);
	u = strlen(r);
	if (c->ratio_after > 1)
		snprintf(r + u, sizeof(r) - u, "; %.1f busy vCPUs per CPU there", c->ratio_after);
	u = strlen(r);
	snprintf(r + u, sizeof(r) - u, ")");
	overrides(dd, c, a->overrides, sizeof(a->overrides));
	u = strlen(r);
	if (a->overrides[0])
		snprintf(r + u, sizeof(r) - u, "; overrides %s", a->overrides);
	xn_strlcpy(a->reason, r, sizeof(a->reason));
}

static const char *change_words(const struct xn_adv_host *ah, enum xn_advice_action a)
{
	switch (a) {
	case XN_ADVICE_VCPUS:
		return "its vCPUs";
	case XN_ADVICE_MEMORY:
		return (ah->caps & XN_SRC_RECREATE) ? "a live move" : "its memory";
	default:
		return "its vCPUs and memory";
	}
}

/* The words of a candidate's refusal: the advisor checks quietly (fast),
 * so the one refusal it tells is checked again, in words. */
static const char *refusal_words(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                                 const struct xn_adv_cand *c, char *buf, size_t len)
{
	struct xn_place_req req = {.s = ah->s,
	                           .d = dd->d,
	                           .nodes = c->nodes,
	                           .kind = c->kind,
	                           .hard_binds = (ah->caps & XN_SRC_SOFT_VCPUS) != 0,
	                           .free = ah->free,
	                           .cpus = ah->cpus};
	struct xn_place_result res;
	if (!xn_place_check(&req, &res))
		return "it is allowed now";
	xn_strlcpy(buf, res.why, len);
	return buf;
}

void xn_adv_words_ok(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                     const struct xn_adv_cand *top, bool have_top, struct xn_advice *a)
{
	char r[512], nw[200];
	bool gains = have_top && (top->local_after - dd->local > 0.05 ||
	                          dd->access - top->access_after > 0.005);
	if (!gains) {
		if (dd->local >= 80)
			snprintf(r, sizeof(r), "well placed (LOCAL%% %.1f)", dd->local);
		else
			snprintf(r, sizeof(r),
			         "no node set gives it more local memory (LOCAL%% %.1f)",
			         dd->local);
		xn_strlcpy(a->reason, r, sizeof(a->reason));
		return;
	}
	nodes_words(&top->nodes, nw, sizeof(nw));
	int u = snprintf(r, sizeof(r), "%s to %s would reach LOCAL%% %.1f, but ",
	                 change_words(ah, top->action), nw, top->local_after);
	size_t left = sizeof(r) - (size_t)u;
	if (top->refused)
		snprintf(r + u, left, "%s", refusal_words(ah, dd, top, nw, sizeof(nw)));
	else if (top->over_crowded)
		snprintf(r + u, left, "%s would run %.1f busy vCPUs per CPU (over %.0f)", nw,
		         top->ratio_after, XN_ADVISE_MAX_RATIO);
	else if (top->local_after - dd->local < XN_ADVISE_MIN_GAIN - 1e-9 &&
	         dd->access - top->access_after < XN_ADVISE_MIN_ACCESS - 1e-9)
		snprintf(r + u, left, "that gains under %d points (and under %.1f of access cost)",
		         XN_ADVISE_MIN_GAIN, XN_ADVISE_MIN_ACCESS);
	else
		snprintf(r + u, left,
		         "copying costs more than it gains (%.1f GiB copied: cost "
		         "%.2f, gain %.2f)",
		         (double)top->bytes_copied / (1 << 30), top->cost, top->gain);
	xn_strlcpy(a->reason, r, sizeof(a->reason));
}
