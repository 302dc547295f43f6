/* commands.h - the non-interactive modes main dispatches to. Each returns
 * the process exit status (0 ok, 1 runtime error, 2 usage, 3 domain not
 * found, 4 permission denied, 5 change refused) and prints its own errors. */
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
};

/* --set-affinity DOMAIN=NODES on an opened source. */
int xn_cmd_set_affinity(struct xn_sampler *s, const struct xn_options *o);

/* --snapshot: one JSON sample on stdout (sampled twice over a short
 * interval so rates are real, except for recordings). */
int xn_cmd_snapshot(struct xn_sampler *s, const struct xn_options *o);

/* -b: samples on stdout in o->format until o->iterations or the recording
 * ends; record (may be NULL) gets each sample as a JSON line. */
int xn_cmd_batch(struct xn_sampler *s, const struct xn_options *o, FILE *record);

/* Exit status for a source's -errno from a change. */
int xn_exit_for_errno(int neg_errno);

#endif
