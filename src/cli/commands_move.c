/* commands_move.c - --move-memory DOMAIN=NODES (see commands.h, move.h):
 * the checks in words, the move with progress lines, then what the next
 * sample shows against what was predicted. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "commands.h"
#include "move.h"
#include "nodemask.h"
#include "util.h"

static volatile sig_atomic_t move_interrupted, move_hangup;

static void on_interrupt(int sig)
{
	move_interrupted = 1;
	if (sig == SIGHUP)
		move_hangup = 1;
}

/* After a hangup nobody reads our output: the outcome goes to syslog too. */
static void say_after_hangup(const char *name, const char *what)
{
	if (!move_hangup)
		return;
	openlog("xentop-numa", LOG_PID, LOG_USER);
	syslog(LOG_NOTICE, "--move-memory %s (after a hangup): %s", name, what);
	closelog();
}

/* "node0 0, node1 65536" for d's pages. */
static void format_pages(const struct xn_snapshot *snap, const struct xn_domain *d, char *buf,
                         size_t len)
{
	size_t u = 0;
	buf[0] = '\0';
	if (!(d->valid & XN_DOM_PAGES) || !d->node_pages) {
		snprintf(buf, len, "unknown");
		return;
	}
	for (int i = 0; i < snap->host.nr_nodes && u < len; i++)
		u += (size_t)snprintf(buf + u, len - u, "%snode%d %" PRIu64, i ? ", " : "",
		                      snap->host.nodes[i].id, d->node_pages[i]);
}

/* Pages of d outside nodes (0 when all are there), or -1 when unknown. */
static int64_t pages_outside(const struct xn_snapshot *snap, const struct xn_domain *d,
                             const xn_nodemask *nodes)
{
	if (!(d->valid & XN_DOM_PAGES) || !d->node_pages)
		return -1;
	int64_t out = 0;
	for (int i = 0; i < snap->host.nr_nodes; i++) {
		int id = snap->host.nodes[i].id;
		if (id < 0 || id >= XN_MAX_NODES || !XN_NM_TEST(nodes, id))
			out += (int64_t)d->node_pages[i];
	}
	return out;
}

static const struct xn_domain *find_by_name(const struct xn_snapshot *snap, const char *name)
{
	for (size_t i = 0; i < snap->nr_domains; i++)
		if (snap->domains[i].name && !strcmp(snap->domains[i].name, name))
			return &snap->domains[i];
	return NULL;
}

/* Print progress when the phase changes, and every tenth of the pages. */
static void print_progress(const struct xn_move_job *j, int *last_key)
{
	const struct xn_move_progress *p = &j->prog;
	uint64_t d = p->done < p->total ? p->done : p->total;
	int key = (int)p->phase * 100 + (p->total ? (int)(d * 10 / p->total) : 0);
	if (key == *last_key)
		return;
	*last_key = key;
	char line[200];
	xn_move_progress_format(p, line, sizeof(line));
	printf("progress: %s\n", line);
	fflush(stdout);
}

/* A Ctrl-C, SIGTERM or a hangup (the ssh session dropped) cancels while
 * that is harmless and otherwise lets xl finish, followed to its end: the
 * guest is never left suspended because we went away. */
static int run_job(struct xn_sampler *s, struct xn_move_job *j)
{
	int last = -1;
	bool said = false;
	double sampled = 0;
	while (j->prog.phase != XN_MOVE_DONE && j->prog.phase != XN_MOVE_FAILED) {
		if (move_interrupted && !said) {
			int r = xn_move_job_cancel(j);
			printf("%s%s\n", move_hangup ? "hangup" : "interrupt",
			       r == -EBUSY ? ": too late to cancel (the guest is stopped "
			                     "or paused for its last round); finishing"
			                   : ": cancelling (stopping the sending xl)");
			said = true;
		}
		if (xn_move_job_poll(j, 1000))
			print_progress(j, &last);
		/* a live move's pages show at the target: sample about once a second */
		double t = (double)xn_now_mono_ns() / 1e9;
		if (j->live && j->pid > 0 && t - sampled >= 1.0) {
			sampled = t;
			if (xn_sampler_step(s) == 0 && xn_move_job_observe(j, &s->cur))
				print_progress(j, &last);
		}
	}
	return j->status;
}

/* After the move: leave node affinity on the target explicitly (the
 * soft affinity already implies it) and compare a fresh sample with the
 * prediction: every page on the target nodes. */
static int report_after(struct xn_sampler *s, const struct xn_move_plan *plan, const char *name)
{
	char nl[128], pages[512], msg[256] = "";
	xn_bits_format_list(plan->nodes.w, XN_MAX_NODES, nl, sizeof(nl));
	if (xn_cmd_sample(s))
		return XN_EXIT_RUNTIME;
	const struct xn_domain *d = find_by_name(&s->cur, name);
	if (!d) {
		xn_warn("%s is not running after the move", name);
		return XN_EXIT_RUNTIME;
	}
	int64_t id = d->id;
	if (s->src->ops->set_node_affinity &&
	    s->src->ops->set_node_affinity(s->src, id, &plan->nodes, 0, msg, sizeof(msg)))
		xn_warn("node affinity of %s not set: %s", name, s->src->err);
	/* a fresh sample for the pages (the affinity call above changed none);
	 * without the page op they come from debug key 'u', dumped at most
	 * every --debugkey-interval: wait for one that has the new domain (a
	 * dump that knows its id was taken after the move) */
	for (int tries = 0;; tries++) {
		if (xn_cmd_sample(s))
			return XN_EXIT_RUNTIME;
		d = xn_snapshot_find(&s->cur, id);
		if (!d)
			return XN_EXIT_RUNTIME;
		if ((d->valid & XN_DOM_PAGES) || tries >= 15)
			break;
		xn_sleep(1.0);
	}
	format_pages(&s->cur, d, pages, sizeof(pages));
	int64_t outside = pages_outside(&s->cur, d, &plan->nodes);
	printf("after: %s (id %" PRId64 "): pages %s; predicted: all %" PRIu64 " on node %s; %s\n",
	       name, id, pages, plan->pages, nl,
	       outside < 0    ? "pages unknown"
	       : outside == 0 ? "as predicted"
	                      : "DIFFERENT from the prediction");
	return XN_EXIT_OK;
}

static int move_checked(struct xn_sampler *s, const struct xn_options *o, const char *dom,
                        const char *nodes)
{
	char err[512];
	xn_nodemask mask;
	if (xn_nodelist_parse(nodes, &s->cur.host, &mask, err, sizeof(err))) {
		xn_warn("%s", err);
		return XN_EXIT_USAGE;
	}
	const struct xn_domain *d;
	int rc = xn_cmd_find_domain(&s->cur, dom, "", &d);
	if (rc)
		return rc;
	int64_t id = d->id;
	char name[128];
	xn_strlcpy(name, d->name ? d->name : dom, sizeof(name));
	struct xn_move_facts f;
	char *json = NULL;
	xn_move_set_quit_flag(&move_interrupted);
	if (id != 0 && xn_move_facts_read(id, &f, &json, err, sizeof(err))) {
		xn_warn("%s", err);
		return XN_EXIT_RUNTIME;
	}
	if (id == 0)
		memset(&f, 0, sizeof(f));
	struct xn_move_plan plan;
	xn_move_plan_make(&s->cur, d, &mask, o->offline, &f, 0, &plan);
	printf("%s (id %" PRId64 "): %s\n", name, id, plan.words);
	if (plan.refused) {
		if (plan.offline_possible)
			printf("%s: nothing started; --offline moves it with save and restore\n",
			       name);
		else
			printf("%s: nothing started\n", name);
		free(json);
		return XN_EXIT_REFUSED;
	}
	static char cfg[16384];
	struct xn_move_dominfo info;
	rc = xn_move_config_write(json, &mask, plan.hard, cfg, sizeof(cfg), &info, err,
	                          sizeof(err));
	free(json);
	if (rc) {
		printf("%s: refused: %s; nothing started\n", name, err);
		return XN_EXIT_REFUSED;
	}
	static struct xn_move_job j; /* 8 KiB of paths and words */
	/* from before xl starts: a signal in between must not kill us with
	 * xl just started (run_job sees the flag at once) */
	struct sigaction sa = {.sa_handler = on_interrupt}, old_int, old_term, old_hup;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	int r = xn_move_job_start(&j, &plan, name, cfg, err, sizeof(err));
	bool started = r == 0;
	if (!started)
		printf("%s: not moved: %s; nothing started\n", name, err);
	else
		r = run_job(s, &j);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	xn_move_job_clear(&j);
	if (!started)
		return XN_EXIT_RUNTIME;
	if (r) {
		printf("%s: %s\n", name, j.words);
		say_after_hangup(name, j.words);
		return r == -ECANCELED ? XN_EXIT_REFUSED : XN_EXIT_RUNTIME;
	}
	say_after_hangup(name, "moved");
	double secs = j.t_end - j.t_start;
	char pause[200];
	if (!plan.live)
		snprintf(pause, sizeof(pause), "guest stopped throughout");
	else if (j.t_suspend > 0)
		snprintf(pause, sizeof(pause),
		         "guest paused at most %.1f s: seen suspended, then "
		         "running again",
		         (j.t_started > 0 ? j.t_started : j.t_end) - j.t_suspend);
	else if (j.t_copied > 0 && j.t_started >= j.t_copied)
		snprintf(pause, sizeof(pause),
		         "guest paused about %.1f s: from xl's \"all pages there\" to \"domain "
		         "started\", plus its last round",
		         j.t_started - j.t_copied);
	else
		snprintf(pause, sizeof(pause), "pause not measured");
	printf("%s: moved %s in %.1f s (%s), %.0f pages/s\n", name, plan.live ? "live" : "offline",
	       secs, pause, secs > 0 ? (double)plan.pages / secs : 0.0);
	return report_after(s, &plan, name);
}

int xn_cmd_move_memory(struct xn_sampler *s, const struct xn_options *o)
{
	if (!(s->src->ops->caps & XN_SRC_RECREATE)) {
		xn_warn("--move-memory: the %s source cannot move a domain's memory (Xen's can)",
		        s->src->ops->name);
		return XN_EXIT_USAGE;
	}
	char *spec = strdup(o->move_memory);
	if (!spec)
		return XN_EXIT_RUNTIME;
	char *eq = strrchr(spec, '=');
	*eq = '\0';
	int rc = xn_cmd_sample(s) ? XN_EXIT_RUNTIME : move_checked(s, o, spec, eq + 1);
	free(spec);
	fflush(stdout);
	return rc;
}
