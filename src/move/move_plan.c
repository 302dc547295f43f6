/* move_plan.c - the checks before a move (see move.h), each stated in
 * words, and the estimate of what it costs. Pure: the facts come from
 * xn_move_facts_read() or from a test. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "move.h"
#include "placement.h"
#include "util.h"

static void vsay(struct xn_move_plan *p, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));
static void vsay(struct xn_move_plan *p, const char *fmt, va_list ap)
{
	size_t u = strlen(p->words);
	if (u + 1 < sizeof(p->words))
		vsnprintf(p->words + u, sizeof(p->words) - u, fmt, ap);
}

/* Add to what the plan says. */
static void say(struct xn_move_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct xn_move_plan *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(p, fmt, ap);
	va_end(ap);
}

/* Say why the move cannot go ahead, and mark the plan refused. */
static void refuse(struct xn_move_plan *p, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void refuse(struct xn_move_plan *p, const char *fmt, ...)
{
	p->refused = true;
	va_list ap;
	va_start(ap, fmt);
	vsay(p, fmt, ap);
	va_end(ap);
}

/* Pages of d now on the target nodes, and in all. */
static void count_pages(const struct xn_snapshot *snap, const struct xn_domain *d,
                        const xn_nodemask *nodes, struct xn_move_plan *p)
{
	const struct xn_host *h = &snap->host;
	p->pages = d->mem_cur / (h->page_size ? h->page_size : 4096);
	if (!(d->valid & XN_DOM_PAGES) || !d->node_pages)
		return;
	uint64_t all = 0, there = 0;
	for (int i = 0; i < h->nr_nodes; i++) {
		all += d->node_pages[i];
		if (h->nodes[i].id >= 0 && h->nodes[i].id < XN_MAX_NODES &&
		    XN_NM_TEST(nodes, h->nodes[i].id))
			there += d->node_pages[i];
	}
	p->pages = all;
	p->pages_there = there;
}

void xn_move_plan_make(const struct xn_snapshot *snap, const struct xn_domain *d,
                       const xn_nodemask *nodes, bool offline, const struct xn_move_facts *f,
                       double rate, struct xn_move_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->domid = d->id;
	plan->nodes = *nodes;
	plan->live = !offline;
	char nl[128];
	xn_bits_format_list(nodes->w, XN_MAX_NODES, nl, sizeof(nl));
	uint64_t ps = snap->host.page_size ? snap->host.page_size : 4096;
	count_pages(snap, d, nodes, plan);
	plan->rate_measured = rate > 0;
	plan->rate_pages_s = rate > 0 ? rate : XN_MOVE_ASSUMED_RATE;
	/* A live copy sends every page once, then what the guest dirtied; an
	 * idle guest adds little, so the first round is the estimate. */
	plan->seconds = (double)plan->pages / plan->rate_pages_s;
	if (d->id == 0) {
		refuse(plan, "refused: domain 0 cannot be moved (it cannot be "
		             "suspended or re-created). ");
		return;
	}
	if (f->have_info) {
		if (f->info.no_migrate)
			refuse(plan, "refused: its config forbids migration (disable_migrate), "
			             "and a move is a migration. ");
		if (f->info.passthrough[0])
			refuse(plan,
			       "refused: it has passthrough devices (%s), which cannot be "
			       "migrated. ",
			       f->info.passthrough);
		if (f->info.unsupported[0])
			refuse(plan,
			       "refused: it has devices the move cannot carry over yet (%s). ",
			       f->info.unsupported);
		/* a cpupool, a label, a rate limit must not vanish in a move */
		if (f->info.dropped[0])
			refuse(plan,
			       "refused: its configuration has settings xl's config format "
			       "cannot carry over (%s). ",
			       f->info.dropped);
	} else {
		refuse(plan, "refused: its configuration cannot be rewritten: %s. ", f->info_err);
	}
	if (!f->xl)
		refuse(plan, "refused: xl was not found in PATH. ");
	if (!f->save_helper)
		refuse(plan,
		       "refused: libxl-save-helper was not found (%s): xl needs it to "
		       "save the guest's memory. ",
		       f->save_helper_path[0] ? f->save_helper_path : "no candidate path");
	/* The hard constraints the advisor checks too (placement.h): CPUs,
	 * free memory for the domain's maximum, with headroom. Hard affinity
	 * does not bind here: the new config pins to the targets instead, also
	 * when the pin was set live and is missing from `xl list -l`. */
	plan->hard = xn_hard_affinity_set(snap, d);
	struct xn_place_req req = {.s = snap,
	                           .d = d,
	                           .nodes = *nodes,
	                           .kind = XN_PLACE_RECREATE,
	                           .max_bytes = f->have_info ? f->info.max_memkb * 1024 : 0};
	struct xn_place_result pr;
	if (xn_place_check(&req, &pr))
		refuse(plan, "refused: %s. ", pr.why);
	plan->bytes_free = pr.free_bytes;
	plan->bytes_needed = pr.need_bytes + pr.headroom;
	bool other = plan->refused;
	if (plan->live && f->shadow == 0 && f->have_info && strcmp(f->info.type, "hvm")) {
		refuse(plan,
		       "refused: live move impossible: this Xen has no shadow paging "
		       "(built without CONFIG_SHADOW_PAGING; `xl info` virt_caps lacks "
		       "\"shadow\"), and a %s guest's log-dirty mode needs it "
		       "(xl would fail with \"Failed to enable logdirty: 95\"). The "
		       "non-live path (--offline: xl save, then xl restore on node %s) "
		       "would stop the guest for the whole copy, about %.0f s. ",
		       f->info.type, nl, 2 * plan->seconds);
		/* offline is possible when the log-dirty reason is the only one */
		plan->offline_possible = !other;
	}
	if (plan->refused)
		return;
	if (plan->live)
		say(plan,
		    "live move of %" PRIu64 " pages (%" PRIu64 " MiB, %" PRIu64
		    " already on node %s) to node %s: a localhost migration; the guest "
		    "runs during the copy and pauses only for its last round; expected "
		    "%.0f s at %.0f pages/s (%s). ",
		    plan->pages, plan->pages * ps >> 20, plan->pages_there, nl, nl, plan->seconds,
		    plan->rate_pages_s, plan->rate_measured ? "measured here" : "assumed");
	else
		say(plan,
		    "offline move of %" PRIu64 " pages (%" PRIu64 " MiB) to node %s: xl save "
		    "then xl restore; the guest is stopped for the whole copy, about "
		    "%.0f s (%s rate). ",
		    plan->pages, plan->pages * ps >> 20, nl, 2 * plan->seconds,
		    plan->rate_measured ? "measured" : "assumed");
	if (f->shadow < 0 && plan->live)
		say(plan, "Whether this Xen can log dirty pages is unknown: if not, xl stops "
		          "with \"Failed to enable logdirty\" and nothing changes. ");
	say(plan,
	    "Node %s free: %" PRIu64 " MiB, needed %" PRIu64 " MiB. Afterwards its vCPU "
	    "%saffinity and node affinity are node %s.",
	    nl, plan->bytes_free >> 20, plan->bytes_needed >> 20,
	    plan->hard ? "hard and soft " : "soft ", nl);
}
