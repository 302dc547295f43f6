/* publish.c - the publishing half of the export mode (export.h): the
 * textfile (--prometheus) and the server (--listen), fed one sample at a
 * time by a loop that is not ours (run.c's, --balance's). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "util.h"

struct xn_export {
	const struct xn_options *o;
	struct xn_http *h;
	bool written;   /* the textfile was written once: its failures are no longer fatal */
	int textfile_r; /* the last write's result: a failure is reported when its cause changes */
};

int xn_export_open(const struct xn_options *o, struct xn_export **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	(*out)->o = o;
	return 0;
}

/* --prometheus FILE: a failure at the first write is fatal (a wrong path);
 * after that one (a full disk, a directory planted at its name) is
 * reported once per cause and retried at the next sample, and --listen
 * keeps serving meanwhile. */
static int textfile(struct xn_export *e, const struct xn_snapshot *s, const struct xn_prom_meta *m)
{
	char err[512];
	int r = xn_textfile_write(e->o->prometheus, s, m, err, sizeof(err));
	if (r && !e->written) {
		xn_warn("%s", err);
		return -EIO;
	}
	if (r && r != e->textfile_r)
		xn_warn("%s (retried at each sample; said once until the cause changes)", err);
	else if (!r && e->textfile_r)
		xn_warn("%s written again", e->o->prometheus);
	e->written = true;
	e->textfile_r = r;
	return 0;
}

/* The server starts once there is something to serve. Its threads are
 * made with SIGHUP blocked, so that it waits for the control thread's
 * sigtimedwait (export mode), or reaches only a caller that handles it
 * (--balance: the policy's reload). */
static int start(struct xn_export *e)
{
	char err[512];
	sigset_t hup, old;
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &hup, &old);
	int r = xn_http_start(e->o->listen, e->o->web_config, &e->h, err, sizeof(err));
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r) {
		xn_warn("%s", err);
		return r;
	}
	const char *a = xn_http_addr(e->h);
	bool v6 = strchr(a, ':') != NULL;
	fprintf(stderr, "xentop-numa: serving http%s://%s%s%s:%u/metrics\n",
	        xn_http_tls(e->h) ? "s" : "", v6 ? "[" : "", a, v6 ? "]" : "", xn_http_port(e->h));
	return 0;
}

int xn_export_publish(struct xn_export *e, const struct xn_snapshot *s,
                      const struct xn_prom_meta *m)
{
	if (e->o->prometheus && textfile(e, s, m))
		return -EIO;
	if (!e->o->listen)
		return 0;
	bool first = !e->h;
	if (first && start(e) < 0)
		return -EIO;
	if (xn_http_publish(e->h, s, m)) {
		xn_warn("cannot render the metrics: out of memory");
		return -ENOMEM;
	}
	return 0;
}

void xn_export_close(struct xn_export *e)
{
	if (!e)
		return;
	xn_http_stop(e->h);
	free(e);
}
