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
};

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
