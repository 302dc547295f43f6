/* advise_words.c - the sentences that explain a verdict: each names the
 * change, what it moves, what it expects, and what it overrides; for "ok"
 * and "stuck", what stops the best change. Plain ASCII, cut to the field. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "advise_priv.h"
#include "source.h"
#include "util.h"

/* A sentence built piece by piece: the words of every domain's verdict
 * are made every refresh, and snprintf's formatting was a quarter of the
 * advisor's cost at 500 domains. Cut at the buffer's end, always ended;
 * words_end marks a cut with "..." (never a silent one). Node lists are
 * cut before that, at a node, by put_list. */
struct words {
	char *p;
	size_t left; /* bytes left, the terminating NUL's included */
	bool cut;    /* something did not fit */
};

static void put_s(struct words *w, const char *t)
{
	size_t n = strlen(t);
	if (n >= w->left) {
		n = w->left - 1;
		w->cut = true;
	}
	memcpy(w->p, t, n);
	w->p += n;
	w->left -= n;
	*w->p = '\0';
}

static void put_u(struct words *w, uint64_t v)
{
	char b[24];
	int n = 0;
	do
		b[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < (int)sizeof(b));
	while (n > 0 && w->left > 1) {
		*w->p++ = b[--n];
		w->left--;
	}
	w->cut |= n > 0;
	*w->p = '\0';
}

/* A cut sentence ends in "..." (start: where the buffer begins). */
static void words_end(struct words *w, char *start)
{
	if (w->cut && w->p - start >= 3)
		memcpy(w->p - 3, "...", 3);
}

/* Characters of v in decimal. */
static size_t digits(uint64_t v)
{
	size_t n = 1;
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* v with `decimals` (0 to 2) decimals, rounded half away from zero */
static void put_f(struct words *w, double v, int decimals)
{
	if (v != v) {
		put_s(w, "nan");
		return;
	}
	if (v < 0) {
		put_s(w, "-");
		v = -v;
	}
	if (v > 1e15) {
		put_s(w, "inf");
		return;
	}
	uint64_t scale = decimals == 2 ? 100 : decimals == 1 ? 10 : 1;
	uint64_t scaled = (uint64_t)llround(v * (double)scale);
	put_u(w, scaled / scale);
	if (scale > 1) {
		put_s(w, ".");
		if (scale == 100 && scaled % 100 < 10)
			put_s(w, "0");
		put_u(w, scaled % scale);
	}
}

/* A node list as xn_bits_format_list writes it ("0-2,5") in at most room
 * characters: when the whole list does not fit, it stops at a node range
 * and says how many nodes are left ("0,2,4 and 29 more"; "32 nodes" when
 * not even the first range fits). A list of XN_MAX_NODES scattered nodes
 * runs to thousands of characters: the fields that hold one are not. */
static void put_list(struct words *w, const xn_nodemask *m, size_t room)
{
	size_t left = (size_t)xn_bits_count(m->w, XN_MAX_NODES), used = 0;
	for (int b = xn_bits_next(m->w, XN_MAX_NODES, 0); b >= 0;) {
		int e = b;
		while (e + 1 < XN_MAX_NODES && XN_NM_TEST(m, e + 1))
			e++;
		size_t n = (size_t)e - (size_t)b + 1;
		size_t len = (used ? 1 : 0) + digits((uint64_t)b) +
		             (e > b ? 1 + digits((uint64_t)e) : 0);
		/* " and N more" must fit after it unless it is the last range */
		size_t tail = left > n ? 10 + digits(left - n) : 0;
		if (used + len + tail > room) {
			put_s(w, used ? " and " : "");
			put_u(w, left);
			put_s(w, used ? " more" : " nodes");
			return;
		}
		if (used)
			put_s(w, ",");
		put_u(w, (uint64_t)b);
		if (e > b) {
			put_s(w, "-");
			put_u(w, (uint64_t)e);
		}
		used += len;
		left -= n;
		b = e + 1 < XN_MAX_NODES ? xn_bits_next(m->w, XN_MAX_NODES, e + 1) : -1;
	}
}

/* "1.5 GiB", "512 MiB" */
static void put_bytes(struct words *w, uint64_t b)
{
	if (b >= (uint64_t)10 << 30)
		put_f(w, (double)b / (1 << 30), 0);
	else if (b >= (uint64_t)1 << 30)
		put_f(w, (double)b / (1 << 30), 1);
	else
		put_f(w, (double)b / (1 << 20), 0);
	put_s(w, b >= (uint64_t)1 << 30 ? " GiB" : " MiB");
}

/* Characters a target's node list may take in a sentence (put_list). */
enum { XN_ADV_TARGET_ROOM = 40 };

static void put_nodes(struct words *w, const xn_nodemask *m)
{
	int first = xn_bits_next(m->w, XN_MAX_NODES, 0);
	bool more = first >= 0 && xn_bits_next(m->w, XN_MAX_NODES, first + 1) >= 0;
	put_s(w, more ? "nodes " : "node ");
	put_list(w, m, XN_ADV_TARGET_ROOM);
}

/* Whether every node of a is in b. */
static bool nodes_within(const xn_nodemask *a, const xn_nodemask *b)
{
	for (size_t i = 0; i < XN_ARRAY_SIZE(a->w); i++)
		if (a->w[i] & ~b->w[i])
			return false;
	return true;
}

/* The nodes whose CPUs d's vCPUs (Linux: its threads) may run on, from their
 * hard affinity, into out; false when none is known, or when every CPU of
 * every node is allowed (the default: nothing chosen). */
static bool cpu_nodes(const struct xn_host *h, const struct xn_domain *d, xn_nodemask *out)
{
	if (!(d->valid & XN_DOM_VCPU_INFO) || !d->vcpu_info)
		return false;
	xn_cpumask all;
	bool known = false;
	memset(&all, 0, sizeof(all));
	for (uint32_t v = 0; v < d->vcpus; v++) {
		const struct xn_vcpu *vc = &d->vcpu_info[v];
		xn_cpumask m;
		if (!(vc->valid & XN_VCPU_HARD) || !vc->hard)
			continue;
		if (!strcmp(vc->hard, "all"))
			return false;
		memset(&m, 0, sizeof(m));
		if (xn_bits_parse_list(vc->hard, m.w, XN_MAX_CPUS, NULL, 0))
			return false; /* unreadable: not a choice to name */
		for (size_t i = 0; i < XN_ARRAY_SIZE(all.w); i++)
			all.w[i] |= m.w[i];
		known = true;
	}
	if (!known)
		return false;
	memset(out, 0, sizeof(*out));
	bool every = true;
	for (int i = 0; i < h->nr_nodes; i++) {
		const struct xn_node *n = &h->nodes[i];
		bool some = false;
		if (!(n->valid & XN_NODE_CPUS))
			continue;
		for (size_t w = 0; w < XN_ARRAY_SIZE(all.w); w++) {
			some |= (n->cpus.w[w] & all.w[w]) != 0;
			every &= (n->cpus.w[w] & ~all.w[w]) == 0;
		}
		if (some)
			XN_NM_SET(out, n->id);
	}
	return !every;
}

/* Linux: what a step to c->nodes goes against, each fact apart. Every step
 * pins the threads to the targets' CPUs: it overrides a CPU affinity that
 * is not the default and does not already allow them. A step that moves
 * memory (migrate_pages) puts the pages on the targets whatever policy
 * placed them: it overrides a policy that chose nodes (bind, prefer,
 * interleave) unless the targets are what it chose (within a bind's or
 * prefer's nodes; an interleave's very nodes). A vCPU step leaves the pages
 * and their policy alone. Who set either the process does not say (numactl,
 * the program itself, an inherited one): assumed deliberate, and said so. */
static void overrides_linux(const struct xn_host *h, const struct xn_domain *d,
                            const struct xn_adv_cand *c, char *buf, size_t len)
{
	xn_nodemask cn, pn;
	bool cpu = cpu_nodes(h, d, &cn) && !nodes_within(&c->nodes, &cn);
	bool pol = false;
	if ((d->valid & XN_DOM_MEM_POLICY) && c->action != XN_ADVICE_VCPUS) {
		enum xn_mem_policy_kind k = xn_mem_policy_kind(d->mem_policy, &pn);
		bool known = !xn_bits_empty(pn.w, XN_MAX_NODES);
		pol = k == XN_MPOL_OTHER || (k != XN_MPOL_NONE && !known) ||
		      ((k == XN_MPOL_BIND || k == XN_MPOL_PREFER) &&
		       !nodes_within(&c->nodes, &pn)) ||
		      (k == XN_MPOL_INTERLEAVE && memcmp(&c->nodes, &pn, sizeof(pn)));
	}
	buf[0] = 0;
	if (!cpu && !pol)
		return;
	char policy[XN_MEM_POLICY_LEN + 1];
	memcpy(policy, d->mem_policy, sizeof(d->mem_policy));
	policy[sizeof(d->mem_policy)] = '\0';
	static const char tail[] = "; not the default: assumed deliberate";
	struct words w = {buf, len, false};
	put_s(&w, "its ");
	if (cpu) {
		/* the node list takes what the rest leaves (put_list cuts at a node) */
		size_t fixed = strlen("its CPU affinity (nodes ) and memory policy ()") +
		               (pol ? strlen(policy) : 0) + strlen(tail);
		put_s(&w, "CPU affinity (");
		int first = xn_bits_next(cn.w, XN_MAX_NODES, 0);
		put_s(&w, xn_bits_next(cn.w, XN_MAX_NODES, first + 1) >= 0 ? "nodes " : "node ");
		put_list(&w, &cn, len > fixed + 1 ? len - fixed - 1 : 0);
		put_s(&w, ")");
	}
	if (pol) {
		put_s(&w, cpu ? " and memory policy (" : "memory policy (");
		put_s(&w, policy);
		put_s(&w, ")");
	}
	put_s(&w, tail);
	words_end(&w, buf);
}

/* What a step to c->nodes overrides: an explicit node affinity. Xen says
 * only whether it is automatic, not who set it: the configuration the
 * domain was created with says whether the operator chose it (cpus,
 * cpus_soft, a node map); without it, assumed deliberate, and said so.
 * The node list takes what the words around it leave of len (put_list:
 * cut at a node, "and N more"), so the sentence itself is never cut. */
static void overrides(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                      const struct xn_adv_cand *c, char *buf, size_t len)
{
	const struct xn_domain *d = dd->d;
	buf[0] = 0;
	if (ah->caps & XN_SRC_MEMORY_MOVES) {
		overrides_linux(&ah->s->host, d, c, buf, len);
		return;
	}
	if (!(d->valid & XN_DOM_AFFINITY) || d->affinity_auto ||
	    !memcmp(&d->node_affinity, &c->nodes, sizeof(c->nodes)))
		return;
	unsigned cfg = d->config_affinity;
	const char *head = "explicit node affinity ";
	/* the configuration it was created with says whether the operator
	 * chose it (libxl's own placement is not written there) */
	const char *tail =
	        !(d->valid & XN_DOM_CONFIG_AFF) ? " (not automatic: assumed deliberate)"
	        : !cfg ? " (not in its configuration: libxl's placement or a later change)"
	        : cfg & XN_CFG_CPUS_SOFT ? " (its configuration sets cpus_soft)"
	        : cfg & XN_CFG_CPUS      ? " (its configuration sets cpus)"
	                                 : " (its configuration sets a node map)";
	struct words w = {buf, len, false};
	size_t fixed = strlen(head) + strlen(tail);
	put_s(&w, head);
	put_list(&w, &d->node_affinity, len > fixed + 1 ? len - fixed - 1 : 0);
	put_s(&w, tail);
	words_end(&w, buf);
}

void xn_adv_words_step(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                       const struct xn_adv_cand *c, struct xn_advice *a)
{
	uint64_t ps = ah->s->host.page_size ? ah->s->host.page_size : 4096;
	struct words w = {a->reason, sizeof(a->reason), false};
	switch (c->action) {
	case XN_ADVICE_VCPUS: {
		double share = 0;
		for (int t = 0; t < c->k; t++)
			share += dd->pw[c->idx[t]];
		put_s(&w, "run its vCPUs on ");
		put_nodes(&w, &c->nodes);
		put_s(&w, ", where ");
		put_f(&w, 100 * share, 0);
		put_s(&w, "% of its memory is");
		if (!(ah->caps & XN_SRC_MEMORY_MOVES) && share < 0.9995) {
			put_s(&w, "; new memory follows, ");
			put_bytes(&w, (uint64_t)((1 - share) * (double)(dd->total * ps)));
			put_s(&w, " stays where it is");
		}
		break;
	}
	case XN_ADVICE_MEMORY:
		if (ah->caps & XN_SRC_RECREATE) {
			put_s(&w, "live move to ");
			put_nodes(&w, &c->nodes);
			put_s(&w, " (vCPUs and memory): copies all ");
			put_u(&w, c->bytes_copied / ps);
			put_s(&w, " pages (");
			put_bytes(&w, c->bytes_copied);
			put_s(&w, "), about ");
			put_f(&w, (double)c->bytes_copied / (double)ps / XN_MOVE_ASSUMED_RATE, 0);
			put_s(&w, " s at an assumed ");
			put_f(&w, XN_MOVE_ASSUMED_RATE, 0);
			put_s(&w, " pages/s");
		} else {
			put_s(&w, "move ");
			put_bytes(&w, c->bytes_copied);
			put_s(&w, " of memory to ");
			put_nodes(&w, &c->nodes);
			put_s(&w, ", where its vCPUs run");
		}
		break;
	case XN_ADVICE_BOTH:
		put_s(&w, "move its vCPUs and ");
		put_bytes(&w, c->bytes_copied);
		put_s(&w, " of memory to ");
		put_nodes(&w, &c->nodes);
		break;
	default:
		break;
	}
	put_s(&w, " (LOCAL% ");
	put_f(&w, dd->local, 1);
	put_s(&w, " -> ");
	put_f(&w, c->local_after, 1);
	if (c->ratio_after > 1) {
		put_s(&w, "; ");
		put_f(&w, c->ratio_after, 1);
		put_s(&w, dd->at ? " busy vCPUs per CPU of its cpupool there"
		                 : " busy vCPUs per CPU there");
	}
	put_s(&w, ")");
	overrides(ah, dd, c, a->overrides, sizeof(a->overrides));
	if (a->overrides[0]) {
		put_s(&w, "; overrides ");
		put_s(&w, a->overrides);
	}
	words_end(&w, a->reason);
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
	struct xn_place_req req = xn_adv_place_req(ah, dd, c, false);
	struct xn_place_result res;
	if (!xn_place_check(&req, &res))
		return "it is allowed now";
	xn_strlcpy(buf, res.why, len);
	return buf;
}

void xn_adv_words_ok(const struct xn_adv_host *ah, const struct xn_adv_dom *dd,
                     const struct xn_adv_cand *top, bool have_top, struct xn_advice *a)
{
	struct words w = {a->reason, sizeof(a->reason), false};
	bool gains = have_top && (top->local_after - dd->local > 0.05 ||
	                          dd->access - top->access_after > 0.005);
	if (!gains) {
		put_s(&w, dd->local >= 80 ? "well placed (LOCAL% "
		                          : "no node set gives it more local memory (LOCAL% ");
		put_f(&w, dd->local, 1);
		put_s(&w, ")");
		words_end(&w, a->reason);
		return;
	}
	char why[200];
	put_s(&w, change_words(ah, top->action));
	put_s(&w, " to ");
	put_nodes(&w, &top->nodes);
	put_s(&w, " would reach LOCAL% ");
	put_f(&w, top->local_after, 1);
	put_s(&w, ", but ");
	if (top->refused)
		put_s(&w, refusal_words(ah, dd, top, why, sizeof(why)));
	else if (top->over_crowded) {
		put_nodes(&w, &top->nodes);
		put_s(&w, " would run ");
		put_f(&w, top->ratio_after, 1);
		put_s(&w, dd->at ? " busy vCPUs per CPU of its cpupool (over "
		                 : " busy vCPUs per CPU (over ");
		put_f(&w, XN_ADVISE_MAX_RATIO, 0);
		put_s(&w, ")");
	} else if (top->local_after - dd->local < XN_ADVISE_MIN_GAIN - 1e-9 &&
	           dd->access - top->access_after < XN_ADVISE_MIN_ACCESS - 1e-9) {
		put_s(&w, "that gains under ");
		put_u(&w, XN_ADVISE_MIN_GAIN);
		put_s(&w, " points (and under ");
		put_f(&w, XN_ADVISE_MIN_ACCESS, 1);
		put_s(&w, " of access cost)");
	} else {
		put_s(&w, "copying costs more than it gains (");
		put_f(&w, (double)top->bytes_copied / (1 << 30), 1);
		put_s(&w, " GiB copied: cost ");
		put_f(&w, top->cost, 2);
		put_s(&w, ", gain ");
		put_f(&w, top->gain, 2);
		put_s(&w, ")");
	}
	words_end(&w, a->reason);
}
