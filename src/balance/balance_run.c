/* balance_run.c - the --balance mode (balance.h): the one sampling loop
 * (sampler.h: xn_loop_run) hands each sample to the engine
 * (balance_engine.c); a step it decides is applied through the source's
 * change operation (or only logged with --dry-run), then verified on the
 * samples after it, and reverted when a vCPU step made things worse. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "balance_priv.h"
#include "balance_run.h"
#include "commands.h"
#include "placement.h"
#include "util.h"

static volatile sig_atomic_t hangup;

static void on_hangup(int sig)
{
	(void)sig;
	hangup = 1;
}

static void log_event(void *ctx, const struct xn_bal_event *e)
{
	struct xn_bal_run *r = ctx;
	xn_bal_log_write(r->out, r->json, e);
	xn_bal_count(r, e);
}

static void step_event(struct xn_bal_event *e, const char *event, double now,
                       const struct xn_bal_step *st)
{
	xn_bal_event_init(e, event, now);
	xn_strlcpy(e->name, st->name, sizeof(e->name));
	e->id = st->id;
	e->action = st->action;
	e->nodes = st->nodes;
	e->local = st->local;
	e->predicted = st->predicted;
}

/* End the step in flight: log the outcome, cool the domain down, keep it in
 * the state file. */
static void finish(struct xn_bal_run *r, struct xn_bal_event *e, double now, uint64_t bytes)
{
	log_event(r, e);
	xn_bal_state_append(r, &r->b.flight, e->event, now);
	xn_bal_done(&r->b, now, bytes);
}

/* A failure is said once per domain and error: the cool-down keeps it from
 * being retried in a loop, and the same refusal after it says nothing new. */
static void failed(struct xn_bal_run *r, double now, int err, const char *why)
{
	const struct xn_bal_step *st = &r->b.flight;
	struct xn_bal_dom *rec = xn_bal_dom_get(&r->b, &st->key);
	struct xn_bal_event e;
	step_event(&e, "failed", now, st);
	xn_strlcpy(e.reason, why, sizeof(e.reason));
	if (rec && rec->failed_errno == err) {
		xn_bal_count(r, &e);
		xn_bal_done(&r->b, now, 0);
		return;
	}
	if (rec)
		rec->failed_errno = err;
	finish(r, &e, now, 0);
}

static void apply(struct xn_bal_run *r, struct xn_sampler *s, double now)
{
	const struct xn_bal_step *st = &r->b.flight;
	char msg[1024] = "";
	r->applied_mono = xn_now_mono_ns();
	r->applied_at = now;
	if (st->xen_move) {
		/* a live move: followed at each sample, then verified */
		int e = xn_bal_move_start(r, s, msg, sizeof(msg));
		if (e)
			failed(r, now, e, msg);
		else
			r->verifying = true;
		return;
	}
	int e = s->src->ops->set_node_affinity(s->src, st->id, &st->nodes, st->flags, msg,
	                                       sizeof(msg));
	if (e) {
		char why[600];
		snprintf(why, sizeof(why), "%.300s%s%.200s", s->src->err,
		         msg[0] ? "; applied: " : "", msg);
		failed(r, now, e, why);
		return;
	}
	xn_strlcpy(r->applied_msg, msg, sizeof(r->applied_msg));
	r->verifying = true;
}

/* Undo a vCPU step: the vCPUs back to the nodes they ran on before. */
static int revert(struct xn_bal_run *r, struct xn_sampler *s, const struct xn_domain *d, char *msg,
                  size_t len)
{
	const struct xn_bal_step *st = &r->b.flight;
	xn_nodemask back = st->before;
	if (xn_bits_empty(back.w, XN_MAX_NODES))
		for (int i = 0; i < s->cur.host.nr_nodes; i++)
			XN_NM_SET(&back, s->cur.host.nodes[i].id);
	return s->src->ops->set_node_affinity(s->src, d->id, &back, XN_AFF_CPUS | XN_AFF_NO_MEMORY,
	                                      msg, len);
}

/* A sample after the step: once it has settled (every vCPU on the targets
 * and, when memory moved, page figures taken after the change; or the
 * settle time passed), compare. A vCPU step moves no page: the figures the
 * source holds stay right (on Linux they age without a walk while the
 * kernel's counters show nothing moved), and waiting for a fresh one made
 * every Linux vCPU step "not settled" after the whole settle time. */
static void verify(struct xn_bal_run *r, struct xn_sampler *s, double now)
{
	const struct xn_bal_step *st = &r->b.flight;
	const struct xn_domain *d = xn_bal_find(&s->cur, &st->key);
	double waited = (double)(xn_now_mono_ns() - r->applied_mono) / 1e9;
	if (!d) {
		r->verifying = false;
		failed(r, now, -ESRCH, "the domain is gone after the change");
		return;
	}
	bool moves_vcpus = st->action != XN_ADVICE_MEMORY;
	bool fresh = st->action == XN_ADVICE_VCPUS ||
	             (d->pages_age_ms >= 0 && (double)d->pages_age_ms / 1000.0 < waited);
	bool settled = (!moves_vcpus || xn_vcpus_within(d, &st->nodes)) && fresh &&
	               (d->valid & XN_DOM_LOCALITY);
	if (!settled && waited < r->b.pol.settle)
		return;
	r->verifying = false;
	struct xn_bal_event e;
	step_event(&e, "done", now, st);
	e.after = (d->valid & XN_DOM_LOCALITY) ? d->locality : NAN;
	e.duration = waited;
	uint64_t ps = s->cur.host.page_size ? s->cur.host.page_size : 4096;
	e.pages = (int64_t)(st->bytes / ps);
	snprintf(e.reason, sizeof(e.reason), "%.300s%s", r->applied_msg,
	         settled ? "" : "; not settled within the settle time");
	if (st->action == XN_ADVICE_VCPUS && isfinite(e.after) && e.after < st->local - 1.0) {
		char msg[1024] = "";
		int rv = revert(r, s, d, msg, sizeof(msg));
		e.event = rv ? "failed" : "reverted";
		snprintf(e.reason, sizeof(e.reason),
		         "LOCAL%% fell from %.1f to %.1f (predicted %.1f): %s%.200s", st->local,
		         e.after, st->predicted,
		         rv ? "the revert failed: " : "vCPUs put back: ", rv ? s->src->err : msg);
	}
	finish(r, &e, now, st->bytes);
}

static void balance_one(struct xn_bal_run *r, struct xn_sampler *s)
{
	double now = xn_bal_time(&s->cur);
	if (r->moving) {
		char why[1200];
		int e = xn_bal_move_poll(r, s, why, sizeof(why));
		if (e == 1)
			return;
		if (e) {
			r->verifying = false;
			failed(r, now, e, why);
			return;
		}
		/* the settle time counts from the move's end */
		xn_strlcpy(r->applied_msg, why, sizeof(r->applied_msg));
		r->applied_mono = xn_now_mono_ns();
	}
	if (r->verifying) {
		verify(r, s, now);
		return;
	}
	struct xn_bal_step st;
	if (xn_bal_decide(&r->b, &s->cur, &st) != 1)
		return;
	if (r->b.dry_run) {
		/* decided as it would be; the domain cools down as if changed */
		if (st.action < XN_ADVICE__COUNT)
			r->actions[st.action][XN_PROM_BAL_RESULTS - 1]++;
		r->last_action = now;
		xn_bal_done(&r->b, now, st.bytes);
		return;
	}
	apply(r, s, now);
}

static int balance_each(void *ctx, struct xn_sampler *s, long it, double took)
{
	struct xn_bal_run *r = ctx;
	(void)it;
	if (hangup) {
		hangup = 0;
		xn_bal_reload(r);
	}
	balance_one(r, s);
	return xn_bal_metrics_publish(r, &s->cur, took) ? XN_EXIT_RUNTIME : 0;
}

/* Reasons --balance does not start; 0 when it may. */
static int refuse(const struct xn_sampler *s, const struct xn_options *o, const char *managers)
{
	bool recorded = (s->src->ops->caps & XN_SRC_RECORDED) != 0;
	if (o->dry_run)
		return 0;
	if (recorded) {
		xn_warn("--balance on a recording cannot change anything: add --dry-run to "
		        "balance it on paper");
		return XN_EXIT_USAGE;
	}
	if (!s->src->ops->set_node_affinity) {
		xn_warn("the %s source is read-only: --balance needs --dry-run here",
		        s->src->ops->name);
		return XN_EXIT_USAGE;
	}
	if (managers[0]) {
		xn_warn("another manager places domains here (%s): two balancers fight; "
		        "--balance-other-managers on to act anyway, or --dry-run",
		        managers);
		return XN_EXIT_REFUSED;
	}
	return 0;
}

int xn_cmd_balance(struct xn_sampler *s, const struct xn_options *o)
{
	static struct xn_bal_run r; /* large (the engine's masks); one per process */
	memset(&r, 0, sizeof(r));
	r.o = o;
	r.out = stdout;
	r.json = o->format == XN_FMT_JSON;
	char err[600] = "";
	struct xn_balance_policy pol;
	if (xn_balance_policy_from(&pol, o, err, sizeof(err))) {
		xn_warn("bad balance policy: %s; nothing runs", err);
		return XN_EXIT_USAGE;
	}
	char managers[300] = "";
	if (!pol.other_managers)
		xn_bal_other_managers(managers, sizeof(managers));
	int rc = refuse(s, o, managers);
	if (rc)
		return rc;
	xn_bal_init(&r.b, &pol, o->dry_run, log_event, &r);
	if (xn_bal_state_load(&r, err, sizeof(err))) {
		xn_warn("%s", err);
		xn_bal_free(&r.b);
		return XN_EXIT_RUNTIME;
	}
	if (o->revert_last) {
		rc = xn_bal_revert_last(&r, s);
		xn_bal_free(&r.b);
		return rc;
	}
	if (xn_bal_metrics_open(&r)) {
		xn_warn("out of memory");
		xn_bal_free(&r.b);
		return XN_EXIT_RUNTIME;
	}
	sigset_t sigs, old;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);
	struct sigaction sa = {.sa_handler = on_hangup}, old_hup;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, &old_hup);
	struct xn_loop l = {.delay = o->delay,
	                    .iterations = o->iterations,
	                    /* a recording is read as fast as it goes, unless
	                     * served (--listen): then at -d, to be scraped */
	                    .pace_recording = o->listen != NULL,
	                    .stop = &sigs,
	                    .each = balance_each,
	                    .ctx = &r};
	r.loop = &l;
	rc = xn_loop_run(s, &l);
	if (r.moving) {
		/* SIGTERM (or the end) during a live move: as the `m` key cancels */
		char why[1200];
		int e = xn_bal_move_stop(&r, why, sizeof(why));
		struct xn_bal_event ev;
		step_event(&ev, e ? "failed" : "done", xn_bal_time(&s->cur), &r.b.flight);
		xn_strlcpy(ev.reason, why, sizeof(ev.reason));
		r.verifying = false;
		finish(&r, &ev, ev.time, e ? 0 : r.b.flight.bytes);
	}
	sigaction(SIGHUP, &old_hup, NULL);
	xn_bal_metrics_close(&r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	xn_bal_free(&r.b);
	if (rc == XN_LOOP_ENDED || rc == 0)
		return XN_EXIT_OK;
	if (rc == -ENODATA) {
		xn_warn("the recording holds no sample");
		return XN_EXIT_RUNTIME;
	}
	return rc < 0 ? XN_EXIT_RUNTIME : rc;
}
