/* commands_advice.c - --advise and --apply-advice (see commands.h): the
 * advisor's verdicts for scripts and monitoring checks, and carrying one
 * out with the same checks and messages as --set-affinity. Both read the
 * advice the sampler derived; neither judges anything itself. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "advise.h"
#include "commands.h"
#include "nodemask.h"
#include "output.h"
#include "placement.h"
#include "util.h"

/* A name that is safe on a terminal (the column formatter escapes it). */
static void safe_name(const struct xn_domain *d, char *buf, size_t len)
{
	struct xn_fmt_ctx ctx = {0};
	xn_columns[XN_COL_NAME].format(&ctx, d, -1, buf, len);
}

static void print_note(const struct xn_sampler *s)
{
	if (s->src->note[0])
		xn_warn("%s: %s", s->src->ops->name, s->src->note);
}

/* A step: "step 2: vm1 (id 3): vcpus 0: <reason> [LOCAL% 12.5 -> 100.0,
 * 0 pages to move]" ("step K: " only for a step of this sample's plan);
 * stuck: "vm2 (id 4): stuck: <reason> [LOCAL% 0.0]". */
static void print_advice_line(FILE *f, const struct xn_domain *d)
{
	const struct xn_advice *a = &d->advice;
	char name[256], nodes[128], step[24] = "";
	safe_name(d, name, sizeof(name));
	if (a->action == XN_ADVICE_STUCK) {
		fprintf(f, "%s (id %" PRId64 "): stuck: %.*s [LOCAL%% %.1f]\n", name, d->id,
		        (int)sizeof(a->reason), a->reason, a->local_now);
		return;
	}
	xn_bits_format_list(a->nodes.w, XN_MAX_NODES, nodes, sizeof(nodes));
	if (a->step)
		snprintf(step, sizeof(step), "step %u: ", a->step);
	fprintf(f,
	        "%s%s (id %" PRId64 "): %s %s: %.*s [LOCAL%% %.1f -> %.1f, %" PRIu64
	        " pages to move]\n",
	        step, name, d->id, xn_advice_action_name(a->action), nodes, (int)sizeof(a->reason),
	        a->reason, a->local_now, a->local_expected, a->pages_to_move);
}

/* Print order: the plan's steps in order, then held or recorded changes
 * (no step number), then stuck domains; each in id order within. */
static unsigned print_rank(const struct xn_domain *d)
{
	if (!(d->valid & XN_DOM_ADVICE))
		return 0;
	if (xn_advice_is_misplaced(&d->advice))
		return d->advice.step ? d->advice.step : UINT32_MAX - 1;
	return d->advice.action == XN_ADVICE_STUCK ? UINT32_MAX : 0;
}

/* Whether some domain's pages come from a periodic dump (Xen's debug key
 * 'u'): its figures change only when a new dump is taken. */
static bool pages_from_dumps(const struct xn_snapshot *s)
{
	for (size_t i = 0; i < s->nr_domains; i++)
		if ((s->domains[i].valid & XN_DOM_PAGES) &&
		    s->domains[i].pages_method == XN_PAGES_XEN_DEBUGKEY)
			return true;
	return false;
}

/* The samples the advice is smoothed over (advise.h: XN_ADVISE_WINDOW), as
 * the screen takes them, so that --advise and --apply-advice read the
 * verdict the screen shows: the first sample guesses busy vCPUs from their
 * states, the others measure CPU use. XN_ADVISE_SAMPLE_GAP apart (or -d if
 * shorter); when pages come from Xen's debug key 'u', a fresh dump for each
 * (--debugkey-interval apart). A recording: its first sample only. */
int xn_cmd_sample_window(struct xn_sampler *s, const struct xn_options *o)
{
	int r = xn_cmd_sample(s);
	if (r || (s->src->ops->caps & XN_SRC_RECORDED))
		return r;
	double gap =
	        o->delay > 0 && o->delay < XN_ADVISE_SAMPLE_GAP ? o->delay : XN_ADVISE_SAMPLE_GAP;
	bool dumps = pages_from_dumps(&s->cur);
	if (dumps && o->cfg.debugkey_interval > gap)
		gap = o->cfg.debugkey_interval;
	xn_warn("sampling %d times, %.1f s apart (%.1f s): the advice is smoothed over %d "
	        "samples%s",
	        XN_ADVISE_WINDOW, gap, gap * (XN_ADVISE_WINDOW - 1), XN_ADVISE_WINDOW,
	        dumps ? "; each waits for a fresh debug key 'u' dump (--debugkey-interval)" : "");
	for (int n = 1; n < XN_ADVISE_WINDOW; n++) {
		xn_sleep(gap);
		if ((r = xn_cmd_sample(s)))
			return r;
	}
	return 0;
}

int xn_cmd_advise(struct xn_sampler *s, const struct xn_options *o, FILE *record)
{
	int r = xn_cmd_sample_window(s, o);
	if (r == -ENODATA) {
		xn_warn("%s: %s", s->src->ops->name, s->src->err);
		return XN_EXIT_ADVISE_FAILED;
	}
	if (r)
		return r == -EPERM || r == -EACCES ? XN_EXIT_PERM : XN_EXIT_ADVISE_FAILED;
	print_note(s);
	if (record && xn_json_write_snapshot(record, &s->cur)) {
		xn_warn("cannot write the recording: %s", strerror(errno));
		return XN_EXIT_ADVISE_FAILED;
	}
	size_t misplaced = 0, judged = 0;
	unsigned next = 1;
	while (next) {
		/* the smallest rank >= next, printed; then the one after it */
		unsigned lowest = 0;
		for (size_t i = 0; i < s->cur.nr_domains; i++) {
			unsigned rk = print_rank(&s->cur.domains[i]);
			if (rk >= next && (!lowest || rk < lowest))
				lowest = rk;
		}
		if (!lowest)
			break;
		for (size_t i = 0; i < s->cur.nr_domains; i++)
			if (print_rank(&s->cur.domains[i]) == lowest) {
				print_advice_line(stdout, &s->cur.domains[i]);
				misplaced++;
			}
		next = lowest == UINT32_MAX ? 0 : lowest + 1;
	}
	for (size_t i = 0; i < s->cur.nr_domains; i++)
		judged += (s->cur.domains[i].valid & XN_DOM_ADVICE) &&
		          (s->cur.domains[i].advice.action != XN_ADVICE_NONE ||
		           s->cur.domains[i].id == 0); /* Domain-0 is judged: never advised */
	if (s->cur.nr_domains > 0 && judged == 0)
		xn_warn("no domain could be judged (pages or vCPU nodes "
		        "unknown, or all too small)");
	if (fflush(stdout) || ferror(stdout)) {
		if (errno != EPIPE)
			xn_warn("write error: %s", strerror(errno));
		return XN_EXIT_ADVISE_FAILED;
	}
	return misplaced ? 1 : XN_EXIT_OK;
}

static void print_locality(const struct xn_domain *d, double predicted)
{
	if (d && (d->valid & XN_DOM_LOCALITY))
		printf("predicted LOCAL%% %.1f, now %.1f\n", predicted, d->locality);
	else
		printf("predicted LOCAL%% %.1f, now unknown\n", predicted);
}

int xn_cmd_apply_advice(struct xn_sampler *s, const struct xn_options *o)
{
	const char *dom = o->apply_advice;
	if (xn_cmd_check_writable(s))
		return XN_EXIT_USAGE;
	/* as --advise samples: the step applied is the one it shows */
	if (xn_cmd_sample_window(s, o))
		return XN_EXIT_RUNTIME;
	print_note(s);
	const struct xn_domain *d;
	int rc = xn_cmd_find_domain(&s->cur, dom, " (or not shown: see --pid)", &d);
	if (rc)
		return rc;
	int64_t id = d->id;
	if (!(d->valid & XN_DOM_ADVICE)) {
		printf("%s: no advice: its pages or vCPU nodes are unknown; nothing changed\n",
		       dom);
		return XN_EXIT_OK;
	}
	/* A copy: the sampler's snapshots move on below. */
	struct xn_advice a = d->advice;
	if (a.action == XN_ADVICE_NONE) { /* its reason starts "no advice:" */
		printf("%s: %.*s; nothing changed\n", dom, (int)sizeof(a.reason), a.reason);
		return XN_EXIT_OK;
	}
	if (!xn_advice_is_misplaced(&a)) {
		printf("%s: %s: %.*s; nothing changed\n", dom, xn_advice_action_name(a.action),
		       (int)sizeof(a.reason), a.reason[0] ? a.reason : "no change gains enough");
		return XN_EXIT_OK;
	}
	char nodes[128], msg[1024] = "";
	xn_bits_format_list(a.nodes.w, XN_MAX_NODES, nodes, sizeof(nodes));
	if (a.action == XN_ADVICE_MEMORY && !a.memory_moves) {
		/* Xen: only a live migration moves it, with its own checks */
		printf("%s: %s %s: %.*s; this is a live migration: run --move-memory %s=%s; "
		       "nothing changed\n",
		       dom, xn_advice_action_name(a.action), nodes, (int)sizeof(a.reason), a.reason,
		       dom, nodes);
		return XN_EXIT_OK;
	}
	/* The advisor's hard constraints, checked again on this sample: the
	 * same function, so advice and action cannot disagree. */
	struct xn_place_req req;
	struct xn_place_result pr;
	xn_advice_place_req(&s->cur, d, &a, &req);
	if (xn_place_check(&req, &pr)) {
		printf("%s: %s %s: refused: %s; nothing changed\n", dom,
		       xn_advice_action_name(a.action), nodes, pr.why);
		return XN_EXIT_REFUSED;
	}
	int r = s->src->ops->set_node_affinity(s->src, id, &a.nodes, xn_advice_apply_flags(&a), msg,
	                                       sizeof(msg));
	if (r)
		return xn_cmd_change_failed(s, dom, r, msg);
	printf("%s: %s %s: %s\n", dom, xn_advice_action_name(a.action), nodes,
	       msg[0] ? msg : "applied");
	/* What the advice predicted against what a sample shows: the check
	 * that the advisor is right. Moved vCPUs reach their nodes at their
	 * next wake-up, so sample until every vCPU runs on the target, 10
	 * samples at most (5 s at the default delay). */
	bool moves_vcpus = a.action != XN_ADVICE_MEMORY;
	double step = o->delay < 0.5 ? o->delay : 0.5;
	for (int n = 1;; n++) {
		xn_sleep(step);
		if (xn_cmd_sample(s))
			return XN_EXIT_RUNTIME;
		const struct xn_domain *now = xn_snapshot_find(&s->cur, id);
		if (!now || !moves_vcpus || xn_vcpus_within(now, &a.nodes) || n >= 10)
			break;
	}
	print_locality(xn_snapshot_find(&s->cur, id), a.local_expected);
	if (fflush(stdout) || ferror(stdout))
		return errno == EPIPE ? XN_EXIT_OK : XN_EXIT_RUNTIME;
	return XN_EXIT_OK;
}
