/* balance_run.h - the runner's state, shared by the files of the balance
 * room that act (balance_run.c), keep our changes (balance_state.c) and
 * look for other managers (balance_managers.c). */
#ifndef XN_BALANCE_RUN_H
#define XN_BALANCE_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "balance_priv.h"
#include "options.h"
#include "prom.h"
#include "sampler.h"

struct xn_export;

struct xn_bal_run {
	const struct xn_options *o;
	struct xn_balancer b;
	FILE *out;
	bool json;
	const struct xn_loop *loop;
	/* the step being verified */
	bool verifying;
	uint64_t applied_mono;
	double applied_at;
	char applied_msg[512];
	/* counts of the outcomes, by action and result (the order of
	 * xn_prom_bal_result_names: done, reverted, failed, skipped, dry_run) */
	uint64_t actions[XN_ADVICE__COUNT][XN_PROM_BAL_RESULTS];
	uint64_t bytes_moved;
	double last_action;
	struct xn_export *pub; /* --listen / --prometheus, or NULL */
	bool moving;           /* a Xen live move of the step in flight runs */
};

/* A Xen memory step (balance_move.c): start the live move of the step in
 * flight (0, or -errno with why); poll it at a sample (1 still running,
 * else its status, 0 done, with xl's words in why); stop it at SIGTERM:
 * cancelled while harmless, else followed to its end (0 moved,
 * -ECANCELED cancelled, else -errno; why says which). */
int xn_bal_move_start(struct xn_bal_run *r, struct xn_sampler *s, char *why, size_t len);
int xn_bal_move_poll(struct xn_bal_run *r, struct xn_sampler *s, char *why, size_t len);
/* The outcome of a finished move in words: xl's on a failure, else "moved
 * live in 12.0 s, 2730 pages/s" (xl prints nothing on success). */
struct xn_move_job;
void xn_bal_move_words(const struct xn_move_job *j, char *why, size_t len);
int xn_bal_move_stop(struct xn_bal_run *r, char *why, size_t len);

/* The metrics (xentop_numa_balance_*): open when --listen or --prometheus
 * asks (0 or -ENOMEM), publish every sample (0, or non-zero said on
 * stderr: fatal), close. */
int xn_bal_metrics_open(struct xn_bal_run *r);
int xn_bal_metrics_publish(struct xn_bal_run *r, const struct xn_snapshot *s, double took);
void xn_bal_metrics_close(struct xn_bal_run *r);

/* Count an event (outcomes only). */
void xn_bal_count(struct xn_bal_run *r, const struct xn_bal_event *e);

/* The state file (policy state-file): one line per change we made, so that
 * cool-downs survive a restart, an operator tells our pinning from theirs,
 * and --revert-last finds the last vCPU change. Missing file: no history. */
int xn_bal_state_load(struct xn_bal_run *r, char *err, size_t errlen);
void xn_bal_state_append(struct xn_bal_run *r, const struct xn_bal_step *st, const char *result,
                         double now);

/* --balance --revert-last: put back the vCPUs of the last vCPU change the
 * state file holds. Returns an exit status (commands.h). */
int xn_bal_revert_last(struct xn_bal_run *r, struct xn_sampler *s);

/* SIGHUP: read the policy again; a bad one is said and the old one kept. */
void xn_bal_reload(struct xn_bal_run *r);

/* Another placer on this host, in words ("numad is running (pid 812)"),
 * or "" when none was found. */
void xn_bal_other_managers(char *buf, size_t len);

#endif
