/* run.c - the --listen / --prometheus mode (export.h): the one loop that
 * samples; the HTTP server's thread only reads what it publishes. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "export.h"
#include "sampler.h"
#include "output.h"
#include "util.h"

struct export
{
	const struct xn_options *o;
	FILE *record;
	struct xn_http *h;
	struct xn_out_opts oo;
	struct xn_out_state st;
	bool written;   /* the textfile was written once: its failures are no longer fatal */
	int textfile_r; /* the last write's result: a failure is reported when its cause changes */
};

/* --prometheus FILE: a failure at the first write is fatal (a wrong path);
 * after that one (a full disk, a directory planted at its name) is
 * reported once per cause and retried at the next sample, and --listen
 * keeps serving meanwhile. */
static int textfile(struct export *e, const struct xn_snapshot *s, const struct xn_prom_meta *m)
{
	char err[512];
	int r = xn_textfile_write(e->o->prometheus, s, m, err, sizeof(err));
	if (r && !e->written) {
		xn_warn("%s", err);
		return XN_EXIT_RUNTIME;
	}
	if (r && r != e->textfile_r)
		xn_warn("%s (retried at each sample; said once until the cause changes)", err);
	else if (!r && e->textfile_r)
		xn_warn("%s written again", e->o->prometheus);
	e->written = true;
	e->textfile_r = r;
	return XN_EXIT_OK;
}

/* Print with -b, record with --record, write the textfile, publish. */
static int export_one(struct export *e, struct xn_sampler *s, long it, double took)
{
	const struct xn_options *o = e->o;
	struct xn_prom_meta m = {.sample_seconds = took};
	if (o->batch && xn_output_write(stdout, o->format, &s->cur, it, &e->oo, &e->st)) {
		if (errno != EPIPE)
			xn_warn("write error: %s", strerror(errno ? errno : EIO));
		return XN_EXIT_RUNTIME;
	}
	if (e->record && xn_json_write_snapshot(e->record, &s->cur)) {
		xn_warn("cannot write the recording: %s", strerror(errno));
		return XN_EXIT_RUNTIME;
	}
	if (o->prometheus && textfile(e, &s->cur, &m))
		return XN_EXIT_RUNTIME;
	if (e->h && xn_http_publish(e->h, &s->cur, &m)) {
		xn_warn("cannot render the metrics: out of memory");
		return XN_EXIT_RUNTIME;
	}
	return XN_EXIT_OK;
}

static int export_each(void *ctx, struct xn_sampler *s, long it, double took)
{
	struct export *e = ctx;
	const struct xn_options *o = e->o;
	int r = export_one(e, s, it, took);
	if (r || !o->listen || e->h)
		return r;
	/* The server starts once there is something to serve. */
	char err[512];
	if (xn_http_start(o->listen, o->web_config, &e->h, err, sizeof(err))) {
		xn_warn("%s", err);
		return XN_EXIT_RUNTIME;
	}
	struct xn_prom_meta m = {.sample_seconds = took};
	if (xn_http_publish(e->h, &s->cur, &m))
		return XN_EXIT_RUNTIME;
	const char *a = xn_http_addr(e->h);
	bool v6 = strchr(a, ':') != NULL;
	fprintf(stderr, "xentop-numa: serving http%s://%s%s%s:%u/metrics\n",
	        xn_http_tls(e->h) ? "s" : "", v6 ? "[" : "", a, v6 ? "]" : "", xn_http_port(e->h));
	return 0;
}

static int export_loop(struct xn_sampler *s, const struct xn_options *o, FILE *record,
                       struct xn_http **hp, const sigset_t *sigs)
{
	struct export e = {.o = o, .record = record, .st = {.csv_header = false}};
	xn_out_opts_from(&e.oo, o);
	/* a recording plays as fast as it is read, unless served: then -d */
	struct xn_loop l = {.delay = o->delay,
	                    .iterations = o->iterations,
	                    .pace_recording = o->listen != NULL,
	                    .stop = sigs,
	                    .each = export_each,
	                    .ctx = &e};
	int r = xn_loop_run(s, &l, NULL);
	*hp = e.h;
	if (r == XN_LOOP_ENDED) {
		/* the recording has ended: a server keeps its last sample */
		if (o->listen)
			while (!xn_loop_wait_stop(&l, 3600))
				;
		return XN_EXIT_OK;
	}
	if (r == -ENODATA) {
		xn_warn("the recording holds no sample");
		return XN_EXIT_RUNTIME;
	}
	if (r < 0)
		return XN_EXIT_RUNTIME;
	return r;
}

int xn_cmd_export(struct xn_sampler *s, const struct xn_options *o, FILE *record)
{
	sigset_t sigs, all, old;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	/* Blocked before the server's threads exist, so that they inherit the
	 * mask: SIGINT and SIGTERM wait for sigtimedwait here, SIGHUP for the
	 * server's control thread (without --listen it is ignored). */
	all = sigs;
	sigaddset(&all, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	struct xn_http *h = NULL;
	int rc = export_loop(s, o, record, &h, &sigs);
	xn_http_stop(h);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
