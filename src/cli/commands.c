/* commands.c - the modes that need no terminal: batch, snapshot,
 * set-affinity (see commands.h), and what they share with the advice
 * commands (commands_advice.c). */
#include "commands.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nodemask.h"
#include "output.h"
#include "util.h"

int xn_exit_for_errno(int neg_errno)
{
	switch (-neg_errno) {
	case EPERM:
	case EACCES:
		return XN_EXIT_PERM;
	case ESRCH:
	case ENOENT:
		return XN_EXIT_NO_DOMAIN;
	case EINVAL:
		return XN_EXIT_USAGE;
	default:
		return XN_EXIT_REFUSED;
	}
}

int xn_cmd_sample(struct xn_sampler *s)
{
	int r = xn_sampler_step(s);
	if (r && r != -ENODATA)
		xn_warn("%s: %s", s->src->ops->name, s->src->err);
	return r;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int xn_cmd_resolve_domain(const struct xn_snapshot *snap, const char *what, int64_t *id)
{
	if (all_digits(what)) {
		uint64_t v;
		if (xn_parse_u64(what, &v) || v > INT64_MAX) {
			xn_warn("domain id \"%s\" is out of range", what);
			return XN_EXIT_USAGE;
		}
		/* Not in the snapshot (e.g. a small process outside --top) is
		 * fine: the source checks that it exists. */
		*id = (int64_t)v;
		return 0;
	}
	const struct xn_domain *hit = NULL;
	int n = 0;
	for (size_t i = 0; i < snap->nr_domains; i++)
		if (snap->domains[i].name && !strcmp(snap->domains[i].name, what)) {
			hit = &snap->domains[i];
			n++;
		}
	if (n == 0) {
		xn_warn("no domain named \"%s\"", what);
		return XN_EXIT_NO_DOMAIN;
	}
	if (n > 1) {
		char ids[512] = "";
		size_t o = 0;
		for (size_t i = 0; i < snap->nr_domains && o < sizeof(ids); i++)
			if (snap->domains[i].name && !strcmp(snap->domains[i].name, what))
				o += (size_t)snprintf(ids + o, sizeof(ids) - o, " %lld",
				                      (long long)snap->domains[i].id);
		xn_warn("%d domains are named \"%s\"; give an id:%s", n, what, ids);
		return XN_EXIT_NO_DOMAIN;
	}
	*id = hit->id;
	return 0;
}

int xn_cmd_find_domain(const struct xn_snapshot *snap, const char *what, const char *hint,
                       const struct xn_domain **d)
{
	int64_t id;
	int rc = xn_cmd_resolve_domain(snap, what, &id);
	if (rc)
		return rc;
	*d = xn_snapshot_find(snap, id);
	if (!*d) {
		xn_warn("no domain with id %lld%s", (long long)id, hint);
		return XN_EXIT_NO_DOMAIN;
	}
	return 0;
}

int xn_cmd_check_writable(const struct xn_sampler *s)
{
	if (s->src->ops->set_node_affinity)
		return 0;
	xn_warn("the %s source is read-only", s->src->ops->name);
	return XN_EXIT_USAGE;
}

int xn_cmd_change_failed(const struct xn_sampler *s, const char *dom, int neg_errno,
                         const char *msg)
{
	xn_warn("cannot set node affinity of %s: %s", dom, s->src->err);
	if (msg[0])
		xn_warn("applied before the failure: %s", msg);
	return xn_exit_for_errno(neg_errno);
}

int xn_cmd_set_affinity(struct xn_sampler *s, const struct xn_options *o)
{
	const struct xn_source_ops *ops = s->src->ops;
	if (xn_cmd_check_writable(s))
		return XN_EXIT_USAGE;
	char *spec = strdup(o->set_affinity);
	if (!spec)
		return XN_EXIT_RUNTIME;
	char *eq = strrchr(spec, '=');
	*eq = '\0';
	const char *dom = spec, *nodes = eq + 1;
	int rc;
	if (xn_cmd_sample(s)) {
		rc = XN_EXIT_RUNTIME;
		goto out;
	}
	char err[512];
	xn_nodemask mask;
	if (xn_nodelist_parse(nodes, &s->cur.host, &mask, err, sizeof(err))) {
		xn_warn("%s", err);
		rc = XN_EXIT_USAGE;
		goto out;
	}
	int64_t id;
	rc = xn_cmd_resolve_domain(&s->cur, dom, &id);
	if (rc)
		goto out;
	char msg[1024] = "";
	int r = ops->set_node_affinity(s->src, id, &mask, o->aff_cpus ? XN_AFF_CPUS : 0, msg,
	                               sizeof(msg));
	/* An id that was in no sample never existed as far as we know: "has
	 * exited" would be a guess. */
	if (r == -ESRCH && !xn_snapshot_find(&s->cur, id)) {
		xn_warn("no such domain: %s", dom);
		rc = XN_EXIT_NO_DOMAIN;
		goto out;
	}
	if (r) {
		rc = xn_cmd_change_failed(s, dom, r, msg);
		goto out;
	}
	printf("%s: %s\n", dom, msg[0] ? msg : "node affinity set");
	rc = XN_EXIT_OK;
out:
	free(spec);
	return rc;
}

static int write_status(FILE *f)
{
	if (fflush(f) || ferror(f)) {
		if (errno == EPIPE)
			return XN_EXIT_OK; /* the reader went away: not our error */
		xn_warn("write error: %s", strerror(errno));
		return XN_EXIT_RUNTIME;
	}
	return XN_EXIT_OK;
}

int xn_cmd_snapshot(struct xn_sampler *s, const struct xn_options *o)
{
	if (xn_cmd_sample(s))
		return XN_EXIT_RUNTIME;
	/* Rates (CPU %) need two samples: take the second a moment later. */
	if (!(s->src->ops->caps & XN_SRC_RECORDED)) {
		xn_sleep(o->delay < 0.5 ? o->delay : 0.5);
		if (xn_cmd_sample(s))
			return XN_EXIT_RUNTIME;
	}
	int r = xn_json_write_snapshot(stdout, &s->cur);
	int st = write_status(stdout);
	if (r && !st && r != -EPIPE) {
		xn_warn("cannot write the snapshot: %s", strerror(-r));
		return XN_EXIT_RUNTIME;
	}
	return st;
}

struct batch {
	const struct xn_options *o;
	FILE *record;
	struct xn_out_opts oo;
	struct xn_out_state st;
};

static int batch_one(void *ctx, struct xn_sampler *s, long it, double took)
{
	struct batch *b = ctx;
	if (xn_output_write(stdout, b->o->format, &s->cur, it, &b->oo, &b->st)) {
		int st = write_status(stdout);
		return st ? st : XN_LOOP_STOP_OK;
	}
	if (b->record && xn_json_write_snapshot(b->record, &s->cur)) {
		xn_warn("cannot write the recording: %s", strerror(errno));
		return XN_EXIT_RUNTIME;
	}
	return 0;
}

int xn_cmd_batch(struct xn_sampler *s, const struct xn_options *o, FILE *record)
{
	struct batch b = {.o = o, .record = record, .st = {.csv_header = false}};
	xn_out_opts_from(&b.oo, o);
	/* A stop signal ends the loop between samples, never inside a line: a
	 * 300-domain JSON line reaches a pipe in 64 KiB pieces, and a default
	 * action in the middle left its reader half a line. Blocked here, the
	 * signals wait for the loop's sigtimedwait (as in the exporter; no
	 * other thread takes them: libxenstore's reader blocks every signal);
	 * one ignored when we started (nohup, a shell's background job) stays
	 * so. */
	sigset_t stop, old;
	sigemptyset(&stop);
	const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction sa;
		if (sigaction(sigs[i], NULL, &sa) == 0 && sa.sa_handler != SIG_IGN)
			sigaddset(&stop, sigs[i]);
	}
	sigprocmask(SIG_BLOCK, &stop, &old);
	struct xn_loop l = {.delay = o->delay,
	                    .iterations = o->iterations,
	                    .stop = &stop,
	                    .each = batch_one,
	                    .ctx = &b};
	int r = xn_loop_run(s, &l);
	/* one that came during the last sample ends nothing more: taken here,
	 * not delivered at the unblock (before a --record file is closed) */
	struct timespec now = {0, 0};
	while (sigtimedwait(&stop, NULL, &now) > 0)
		;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r == 0 || r == XN_LOOP_ENDED || r == -ENODATA || r == XN_LOOP_STOP_OK)
		return XN_EXIT_OK;
	return r < 0 ? XN_EXIT_RUNTIME : r;
}
