/* loop.c - the one sampling loop of every mode without a screen (batch,
 * export, and the balancer next): sample, say a changed source note once,
 * hand the sample to the mode, wait. The screen has its own (curses input). */
#include "sampler.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "util.h"

/* Wait secs, or until a stop signal (blocked by the caller, so that it
 * queues for sigtimedwait here). True when one came. */
static bool wait_stop(const struct xn_loop *l, double secs)
{
	if (!l->stop) {
		if (secs > 0)
			xn_sleep(secs);
		return false;
	}
	struct timespec ts = xn_timespec(secs);
	for (;;) {
		int sig = sigtimedwait(l->stop, NULL, &ts);
		if (sig > 0)
			return true;
		if (sig < 0 && errno == EINTR)
			continue; /* another signal: the time left is not known, wait anew */
		return false;
	}
}

int xn_loop_run(struct xn_sampler *s, const struct xn_loop *l)
{
	bool recorded = (s->src->ops->caps & XN_SRC_RECORDED) != 0;
	/* a recording plays as fast as it is read, unless the mode paces it */
	bool wait = l->pace_recording || !recorded;
	char last_note[sizeof(s->src->note)] = "";
	long it = 0;
	int rc = 0;
	for (; !l->iterations || it < l->iterations; it++) {
		if (wait_stop(l, it > 0 && wait ? l->delay : 0))
			break;
		uint64_t t0 = xn_now_mono_ns();
		int r = xn_sampler_step(s);
		if (r == -ENODATA) {
			rc = it > 0 ? XN_LOOP_ENDED : -ENODATA;
			break;
		}
		if (r) {
			xn_warn("%s: %s", s->src->ops->name, s->src->err);
			rc = r;
			break;
		}
		/* Stale or unknown figures are said once per change, on stderr. */
		if (strcmp(last_note, s->src->note)) {
			xn_strlcpy(last_note, s->src->note, sizeof(last_note));
			if (last_note[0])
				xn_warn("%s: %s", s->src->ops->name, last_note);
		}
		double took = (double)(xn_now_mono_ns() - t0) / 1e9;
		/* A stop that came during the sample ends the loop before the mode
		 * acts on that sample: the balancer would otherwise decide, and may
		 * start a step (a live move it must then cancel, which takes
		 * seconds), after it was told to stop. */
		if (l->stop && wait_stop(l, 0))
			break;
		rc = l->each(l->ctx, s, it, took);
		if (rc)
			break;
	}
	return rc;
}

bool xn_loop_wait_stop(const struct xn_loop *l, double secs)
{
	return wait_stop(l, secs);
}
