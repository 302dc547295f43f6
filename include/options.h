/* options.h - the command line, parsed once by main and read by batch and TUI. */
#ifndef XN_OPTIONS_H
#define XN_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "columns.h"
#include "output.h"
#include "source.h"

struct xn_options {
	const char *source; /* "auto", "xen", "linux", "replay" */
	struct xn_source_config cfg;
	bool batch;               /* -b */
	double delay;             /* -d SECS, > 0 */
	long iterations;          /* -i N / -n N; 0 = forever */
	enum xn_format format;    /* --format */
	bool snapshot;            /* --snapshot */
	const char *set_affinity; /* --set-affinity DOMAIN=NODES */
	bool aff_cpus;            /* --affinity-cpus: also steer vCPUs/threads */
	bool advise;              /* --advise */
	const char *apply_advice; /* --apply-advice DOMAIN */
	const char *record;       /* --record FILE */
	bool read_only;           /* --read-only */
	enum xn_units units;      /* --units */
	const char *sort;         /* --sort KEY (a column key) */
};

/* Parse argv into o (defaults first). Returns 0 to run, 1 when it printed
 * --help/--version and the program should exit 0, or -EINVAL after printing
 * the problem to stderr (exit 2). */
int xn_options_parse(int argc, char **argv, struct xn_options *o);

#endif
