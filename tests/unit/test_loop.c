/* test_loop.c - the sampling loop of the modes without a screen
 * (src/sampler/loop.c) against a scripted source, with SIGTERM blocked as
 * --balance, batch and the exporter block it:
 *  - without a stop it hands every sample to the mode;
 *  - a stop that comes during a sample ends the loop before the mode sees
 *    that sample (the balancer must not decide or start a step, say a live
 *    move it would then have to cancel, after it was told to stop);
 *  - a stop that comes between samples ends the wait at once (a 60 s
 *    delay here; an alarm ends the test if the wait were not cut short). */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sampler.h"

static int samples, stop_in_sample; /* raise SIGTERM inside sample number N */

static int fake_sample(struct xn_source *src, struct xn_snapshot *out)
{
	(void)src, (void)out;
	if (++samples == stop_in_sample)
		raise(SIGTERM); /* blocked: pending until the loop takes it */
	return 0;
}

static const struct xn_source_ops fake_ops = {.name = "fake", .sample = fake_sample};

static int seen, stop_in_each; /* raise SIGTERM inside each() number N */

static int each(void *ctx, struct xn_sampler *s, long it, double took)
{
	(void)ctx, (void)s, (void)took;
	CHECK_EQ_U64(it, seen);
	if (++seen == stop_in_each)
		raise(SIGTERM);
	return 0;
}

static int run(double delay, long iterations)
{
	struct xn_source src = {.ops = &fake_ops};
	struct xn_sampler s = {.src = &src};
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	struct xn_loop l = {.delay = delay, .iterations = iterations, .stop = &stop, .each = each};
	samples = seen = 0;
	int rc = xn_loop_run(&s, &l);
	xn_sampler_clear(&s);
	return rc;
}

int main(void)
{
	sigset_t term;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);

	/* No stop: three samples, three calls. */
	CHECK_EQ_U64(run(0, 3), 0);
	CHECK_EQ_U64(samples, 3);
	CHECK_EQ_U64(seen, 3);

	/* Stop during the third sample: the mode saw the first two only. */
	stop_in_sample = 3;
	CHECK_EQ_U64(run(0, 0), 0);
	CHECK_EQ_U64(samples, 3);
	CHECK_EQ_U64(seen, 2);
	stop_in_sample = 0;

	/* Stop while the mode handles the first sample: the 60 s wait after
	 * it ends at once, no second sample. */
	alarm(30);
	stop_in_each = 1;
	CHECK_EQ_U64(run(60, 0), 0);
	CHECK_EQ_U64(samples, 1);
	CHECK_EQ_U64(seen, 1);
	alarm(0);

	sigset_t left;
	sigpending(&left);
	CHECK(!sigismember(&left, SIGTERM)); /* each stop was taken by the loop */
	return check_report("test_loop");
}
