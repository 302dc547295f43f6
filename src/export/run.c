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

/* Print with -b, record with --record, write the textfile, publish. */
static int export_one(struct xn_sampler *s, const struct xn_options *o, FILE *record,
                      struct xn_http *h, long it, const struct xn_out_opts *oo,
                      struct xn_out_state *st, double took)
{
	struct xn_prom_meta m = {.sample_seconds = took};
	char err[512];
	if (o->batch && xn_output_write(stdout, o->format, &s->cur, it, oo, st)) {
		if (errno != EPIPE)
			xn_warn("write error: %s", strerror(errno ? errno : EIO));
		return XN_EXIT_RUNTIME;
	}
	if (record && xn_json_write_snapshot(record, &s->cur)) {
		xn_warn("cannot write the recording: %s", strerror(errno));
		return XN_EXIT_RUNTIME;
	}
	if (o->prometheus && xn_textfile_write(o->prometheus, &s->cur, &m, err, sizeof(err))) {
		xn_warn("%s", err);
		return XN_EXIT_RUNTIME;
	}
	if (h && xn_http_publish(h, &s->cur, &m)) {
		xn_warn("cannot render the metrics: out of memory");
		return XN_EXIT_RUNTIME;
	}
	return XN_EXIT_OK;
}

struct export
{
	const struct xn_options *o;
	FILE *record;
	struct xn_http *h;
	struct xn_out_opts oo;
	struct xn_out_state st;
};

static int export_each(void *ctx, struct xn_sampler *s, long it, double took)
{
	struct export *e = ctx;
	const struct xn_options *o = e->o;
	int r = export_one(s, o, e->record, e->h, it, &e->oo, &e->st, took);
	if (r || !o->listen || e->h)
		return r;
	/* The server starts once there is something to serve. */
	char err[512];
	if (xn_http_start(o->listen, &e->h, err, sizeof(err))) {
		xn_warn("%s", err);
		return XN_EXIT_RUNTIME;
	}
	struct xn_prom_meta m = {.sample_seconds = took};
	if (xn_http_publish(e->h, &s->cur, &m))
		return XN_EXIT_RUNTIME;
	const char *a = xn_http_addr(e->h);
	bool v6 = strchr(a, ':') != NULL;
	fprintf(stderr, "xentop-numa: serving http://%s%s%s:%u/metrics\n", v6 ? "[" : "", a,
	        v6 ? "]" : "", xn_http_port(e->h));
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
	sigset_t sigs, old;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	/* Blocked before the server's thread exists, so that it inherits the
	 * mask and the signals wait for sigtimedwait here. */
	pthread_sigmask(SIG_BLOCK, &sigs, &old);
	struct xn_http *h = NULL;
	int rc = export_loop(s, o, record, &h, &sigs);
	xn_http_stop(h);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
