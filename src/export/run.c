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
	struct xn_export *pub;
	struct xn_out_opts oo;
	struct xn_out_state st;
};

/* Print with -b, record with --record, write the textfile, publish. */
static int export_each(void *ctx, struct xn_sampler *s, long it, double took)
{
	struct export *e = ctx;
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
	return xn_export_publish(e->pub, &s->cur, &m) ? XN_EXIT_RUNTIME : XN_EXIT_OK;
}

static int export_loop(struct xn_sampler *s, const struct xn_options *o, FILE *record,
                       struct xn_export *pub, const sigset_t *sigs)
{
	struct export e = {.o = o, .record = record, .pub = pub, .st = {.csv_header = false}};
	xn_out_opts_from(&e.oo, o);
	/* a recording plays as fast as it is read, unless served: then -d */
	struct xn_loop l = {.delay = o->delay,
	                    .iterations = o->iterations,
	                    .pace_recording = o->listen != NULL,
	                    .stop = sigs,
	                    .each = export_each,
	                    .ctx = &e};
	int r = xn_loop_run(s, &l);
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
	struct xn_export *pub = NULL;
	int rc = xn_export_open(o, &pub) ? XN_EXIT_RUNTIME : export_loop(s, o, record, pub, &sigs);
	xn_export_close(pub);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
