/* run.c - the --listen / --prometheus mode (export.h): the one loop that
 * samples; the HTTP server's thread only reads what it publishes. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "export.h"
#include "output.h"
#include "util.h"

/* Wait up to secs for SIGINT or SIGTERM (blocked, so they queue here and
 * not in the server's thread). True when one came. */
static bool wait_signal(const sigset_t *set, double secs)
{
	struct timespec ts = {.tv_sec = (time_t)secs,
	                      .tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9)};
	for (;;) {
		int sig = sigtimedwait(set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM)
			return true;
		if (sig < 0 && errno == EINTR)
			continue; /* another signal: the remaining time is not known, wait anew */
		return false;
	}
}

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

static int export_loop(struct xn_sampler *s, const struct xn_options *o, FILE *record,
                       struct xn_http **hp, const sigset_t *sigs)
{
	bool replay = (s->src->ops->caps & XN_SRC_RECORDED) != 0;
	/* a recording plays as fast as it is read, unless served: then -d */
	bool wait = o->listen || !replay;
	enum xn_col_id sort = o->sort ? (enum xn_col_id)xn_column_find(o->sort) : XN_COL_ID;
	bool rev = xn_column_default_reverse(sort);
	struct xn_out_opts oo = {.units = o->units,
	                         .show = (o->show_net ? XN_SHOW_NET : 0u) |
	                                 (o->show_vbd ? XN_SHOW_VBD : 0u),
	                         .full_names = o->full_names,
	                         .repeat_header = o->repeat_header,
	                         .vcpus = o->show_vcpus,
	                         .dom0_first = o->dom0_first,
	                         .sort_col = sort,
	                         .reverse = o->sort_flip ? !rev : rev};
	struct xn_out_state st = {.csv_header = false};
	for (long it = 0; !o->iterations || it < o->iterations; it++) {
		if (wait_signal(sigs, it > 0 && wait ? o->delay : 0))
			return XN_EXIT_OK;
		uint64_t t0 = xn_now_mono_ns();
		int r = xn_cmd_sample(s);
		if (r == -ENODATA) {
			/* the recording has ended: a server keeps its last sample */
			if (o->listen && it > 0)
				while (!wait_signal(sigs, 3600))
					;
			if (it == 0)
				xn_warn("the recording holds no sample");
			return it > 0 ? XN_EXIT_OK : XN_EXIT_RUNTIME;
		}
		if (r)
			return XN_EXIT_RUNTIME;
		double took = (double)(xn_now_mono_ns() - t0) / 1e9;
		r = export_one(s, o, record, *hp, it, &oo, &st, took);
		if (r)
			return r;
		/* The server starts once there is something to serve. */
		if (o->listen && !*hp) {
			char err[512];
			if (xn_http_start(o->listen, hp, err, sizeof(err))) {
				xn_warn("%s", err);
				return XN_EXIT_RUNTIME;
			}
			struct xn_prom_meta m = {.sample_seconds = took};
			if (xn_http_publish(*hp, &s->cur, &m))
				return XN_EXIT_RUNTIME;
			const char *a = xn_http_addr(*hp);
			bool v6 = strchr(a, ':') != NULL;
			fprintf(stderr, "xentop-numa: serving http://%s%s%s:%u/metrics\n",
			        v6 ? "[" : "", a, v6 ? "]" : "", xn_http_port(*hp));
		}
	}
	return XN_EXIT_OK;
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
