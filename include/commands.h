/* commands.h - the non-interactive modes main dispatches to. Each returns
 * the process exit status (0 ok, 1 runtime error, 2 usage, 3 domain not
 * found, 4 permission denied, 5 change refused; --advise: 1 misplaced, 6
 * runtime error) and prints its own errors. */
#ifndef XN_COMMANDS_H
#define XN_COMMANDS_H

#include <stdio.h>

#include "options.h"
#include "sampler.h"

enum {
	XN_EXIT_OK = 0,
	XN_EXIT_RUNTIME = 1,
	XN_EXIT_USAGE = 2,
	XN_EXIT_NO_DOMAIN = 3,
	XN_EXIT_PERM = 4,
	XN_EXIT_REFUSED = 5,
	/* --advise only: a runtime error (1 means "some domain is misplaced") */
	XN_EXIT_ADVISE_FAILED = 6,
};

/* --set-affinity DOMAIN=NODES on an opened source. */
int xn_cmd_set_affinity(struct xn_sampler *s, const struct xn_options *o);

/* --snapshot: one JSON sample on stdout (sampled twice over a short
 * interval so rates are real, except for recordings). */
int xn_cmd_snapshot(struct xn_sampler *s, const struct xn_options *o);

/* -b: samples on stdout in o->format until o->iterations or the recording
 * ends; record (may be NULL) gets each sample as a JSON line. */
int xn_cmd_batch(struct xn_sampler *s, const struct xn_options *o, FILE *record);

/* --advise: one line per misplaced domain on stdout; exit status 0 when
 * none is misplaced, 1 when some are, XN_EXIT_ADVISE_FAILED (or 2, 4) on
 * error. */
int xn_cmd_advise(struct xn_sampler *s, const struct xn_options *o, FILE *record);

/* --apply-advice DOMAIN: apply the domain's advice, then sample again and
 * print "predicted LOCAL% X, now Y". Exit statuses as --set-affinity. */
int xn_cmd_apply_advice(struct xn_sampler *s, const struct xn_options *o);

/* --move-memory DOMAIN=NODES (xen): check, move live (or --offline),
 * print progress lines, then the per-node pages against the prediction.
 * Exit 5 when a check refuses it (nothing started), 1 when xl failed. */
int xn_cmd_move_memory(struct xn_sampler *s, const struct xn_options *o);

/* Exit status for a source's -errno from a change. */
int xn_exit_for_errno(int neg_errno);

/* Shared by the commands (commands.c, commands_advice.c). */

/* Take a sample; a failure other than the end of a recording is printed. */
int xn_cmd_sample(struct xn_sampler *s);

/* Sample as the advice's smoothing window needs (commands_advice.c):
 * --advise and --apply-advice read the verdict the screen shows. */
int xn_cmd_sample_window(struct xn_sampler *s, const struct xn_options *o);

/* Find the domain the operator named: an id, else an exact name. Returns 0
 * with *id set, or an exit status after printing why (an id need not be in
 * the snapshot: the source checks it). */
int xn_cmd_resolve_domain(const struct xn_snapshot *snap, const char *what, int64_t *id);

/* The same, for a domain that must be in the snapshot: 0 with *d set, or an
 * exit status after saying "no domain with id N" and hint. */
int xn_cmd_find_domain(const struct xn_snapshot *snap, const char *what, const char *hint,
                       const struct xn_domain **d);

/* 0 when the source can change affinity, else XN_EXIT_USAGE after saying
 * that it is read-only. */
int xn_cmd_check_writable(const struct xn_sampler *s);

/* Report a failed set_node_affinity of dom (and what got applied, msg) and
 * return its exit status. */
int xn_cmd_change_failed(const struct xn_sampler *s, const char *dom, int neg_errno,
                         const char *msg);

#endif
