/* balance_move.c - a Xen memory step of --balance (action memory or both
 * where the source re-creates the domain): the live localhost move of
 * move.h, as --move-memory runs it, started by the runner, followed at
 * each sample, and cancelled on SIGTERM the way the `m` key cancels it
 * (while the guest still runs on its old pages; too late, it is followed
 * to its end). The engine has already held it to memory-max-move,
 * memory-budget and memory-hours (balance_engine.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "balance_run.h"
#include "move.h"
#include "util.h"

static struct xn_move_job job; /* one move at a time: 8 KiB of paths and words */

int xn_bal_move_start(struct xn_bal_run *r, struct xn_sampler *s, char *why, size_t len)
{
	const struct xn_bal_step *st = &r->b.flight;
	const struct xn_domain *d = xn_bal_find(&s->cur, &st->key);
	if (!d) {
		snprintf(why, len, "the domain is gone");
		return -ESRCH;
	}
	struct xn_move_facts f;
	char *json = NULL, err[512];
	int rc = xn_move_facts_read(d->id, &f, &json, err, sizeof(err));
	if (rc) {
		snprintf(why, len, "%s", err);
		return rc;
	}
	struct xn_move_plan plan;
	xn_move_plan_make(&s->cur, d, &st->nodes, false, &f, 0, &plan);
	if (plan.refused) {
		free(json);
		snprintf(why, len, "the live move is refused: %.500s", plan.words);
		return -EPERM;
	}
	static char cfg[16384];
	struct xn_move_dominfo info;
	rc = xn_move_config_write(json, &st->nodes, plan.hard, cfg, sizeof(cfg), &info, err,
	                          sizeof(err));
	free(json);
	if (rc) {
		snprintf(why, len, "its configuration cannot be moved: %s", err);
		return rc;
	}
	rc = xn_move_job_start(&job, &plan, d->name, cfg, err, sizeof(err));
	if (rc) {
		xn_move_job_clear(&job);
		snprintf(why, len, "not moved: %s; nothing started", err);
		return rc;
	}
	r->moving = true;
	return 0;
}

void xn_bal_move_words(const struct xn_move_job *j, char *why, size_t len)
{
	double secs = j->t_end - j->t_start;
	if (j->status || j->words[0] || !(secs > 0)) {
		snprintf(why, len, "%s", j->words);
		return;
	}
	/* xl says nothing on success: the done line says what took how long
	 * (its duration counts the settling after the move) */
	snprintf(why, len, "moved %s in %.1f s, %.0f pages/s", j->live ? "live" : "offline", secs,
	         (double)j->prog.total / secs);
}

int xn_bal_move_poll(struct xn_bal_run *r, struct xn_sampler *s, char *why, size_t len)
{
	(void)xn_move_job_poll(&job, 0);
	if (job.live && job.pid > 0)
		(void)xn_move_job_observe(&job, &s->cur);
	if (job.prog.phase != XN_MOVE_DONE && job.prog.phase != XN_MOVE_FAILED)
		return 1;
	int st = job.status;
	xn_bal_move_words(&job, why, len);
	xn_move_job_clear(&job);
	r->moving = false;
	return st;
}

int xn_bal_move_stop(struct xn_bal_run *r, char *why, size_t len)
{
	if (!r->moving)
		return 0;
	int c = xn_move_job_cancel(&job);
	while (job.prog.phase != XN_MOVE_DONE && job.prog.phase != XN_MOVE_FAILED)
		(void)xn_move_job_poll(&job, 1000);
	int st = job.status;
	snprintf(why, len, "%s%s",
	         c == -EBUSY ? "stopped during the last round: the move was finished; "
	                     : "stopped: the move was cancelled, the guest runs on its old "
	                       "pages; ",
	         job.words);
	xn_move_job_clear(&job);
	r->moving = false;
	return st ? st : (c == -EBUSY ? 0 : -ECANCELED);
}
