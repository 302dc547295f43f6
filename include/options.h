/* options.h - the command line, parsed once by main and read by batch and TUI. */
#ifndef XN_OPTIONS_H
#define XN_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "source.h"
#include "units.h"

struct xn_options {
	const char *source; /* "auto", "xen", "linux", "replay" */
	struct xn_source_config cfg;
	bool batch;                 /* -b */
	double delay;               /* -d SECS, > 0 (0 allowed in batch) */
	long iterations;            /* -i N / --refreshes N; 0 = forever */
	bool show_net;              /* -n: network columns kept on a narrow screen */
	bool show_vbd;              /* -x: VBD columns likewise */
	bool repeat_header;         /* -r: the header before each domain */
	bool show_vcpus;            /* -v: vCPU lines under each domain */
	bool full_names;            /* -f: names not cut to the NAME column */
	bool dom0_first;            /* -z: domain 0 first whatever the sort */
	enum xn_format format;      /* --format */
	bool snapshot;              /* --snapshot */
	const char *set_affinity;   /* --set-affinity DOMAIN=NODES */
	bool aff_cpus;              /* --affinity-cpus: also steer vCPUs/threads */
	bool advise;                /* --advise */
	const char *apply_advice;   /* --apply-advice DOMAIN */
	const char *move_memory;    /* --move-memory DOMAIN=NODES */
	bool offline;               /* --offline: save + restore instead of live */
	const char *record;         /* --record FILE */
	bool read_only;             /* --read-only */
	enum xn_units units;        /* --units */
	const char *sort;           /* --sort KEY (a column key, without its sign) */
	uint64_t columns;           /* --columns: XN_COL_BIT set shown; 0 = all */
	bool save_config;           /* --save-config: write the choices, then exit 0 */
	bool sort_flip;             /* --sort -KEY: the column's natural order reversed */
	const char *listen;         /* --listen [ADDR:]PORT: serve GET /metrics (export.h) */
	const char *prometheus;     /* --prometheus FILE: node_exporter textfile */
	const char *web_config;     /* --web-config FILE: TLS and basic auth for --listen */
	bool balance;               /* --balance: apply the plan under a policy (balance.h) */
	bool dry_run;               /* --dry-run: with --balance, decide and log, change nothing */
	bool revert_last;           /* --revert-last: with --balance, undo our last vCPU change */
	const char *balance_policy; /* --balance-policy FILE */
	/* --balance-KEY VALUE flags, in order (applied over the file) */
	size_t nr_balance_keys;
	const char *balance_keys[32][2];
};

/* Parse argv into o (defaults first). Returns 0 to run, 1 when it printed
 * --help/--version and the program should exit 0, -EIO when that output
 * could not be written (exit 1), or -EINVAL after printing the problem to
 * stderr (exit 2). */
int xn_options_parse(int argc, char **argv, struct xn_options *o);

#endif
