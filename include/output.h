/* output.h - output without a terminal: xentop-compatible text, CSV and
 * JSON (one object per sample; the same JSON is the --record format that the
 * replay source reads back). */
#ifndef XN_OUTPUT_H
#define XN_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "columns.h"
#include "snapshot.h"
#include "units.h"

/* How text and CSV rows are written (the batch options). */
struct xn_out_opts {
	enum xn_units units;
	unsigned show;      /* XN_SHOW_* groups (-n, -x) */
	bool full_names;    /* -f: names not cut to NAME's 10 places */
	bool repeat_header; /* -r: the header before each domain (text) */
	bool vcpus;         /* -v: a line per vCPU under each domain (text) */
	bool dom0_first;    /* -z */
	enum xn_col_id sort_col;
	int sort_node;
	bool reverse;
	uint64_t columns; /* --columns: XN_COL_BIT set; 0 = all */
};

/* What CSV remembers across samples: the node ids of its header. */
struct xn_out_state {
	bool csv_header;
	char csv_nodes[512];
};

/* Write one sample (iteration from 0). CSV writes its header at 0 and again,
 * after a blank line and a note on stderr, when the host's nodes change
 * (st may be NULL: no memory). Returns 0 or -errno. */
int xn_output_write(FILE *f, enum xn_format fmt, const struct xn_snapshot *s, long iteration,
                    const struct xn_out_opts *o, struct xn_out_state *st);

/* Write one sample. iteration counts from 0 (CSV prints its header only at
 * 0; text prints xentop's header line every time, as xentop -b does).
 * Flushes f (pipes!). Returns 0 or -errno (write error). */
int xn_output_sample(FILE *f, enum xn_format fmt, const struct xn_snapshot *s, enum xn_units units,
                     long iteration);

/* The same with the text and CSV rows sorted by a column (as
 * xn_columns_sort: node_idx for per-node columns, reverse for biggest
 * first); JSON stays in id order. For batch --sort. Returns 0 or -errno. */
int xn_output_sample_sorted(FILE *f, enum xn_format fmt, const struct xn_snapshot *s,
                            enum xn_units units, long iteration, enum xn_col_id col, int node_idx,
                            bool reverse);

struct xn_options;
/* The display options of the command line (-n -x -f -r -v -z, --units,
 * --sort) as output settings; the screen takes its settings from the same. */
void xn_out_opts_from(struct xn_out_opts *oo, const struct xn_options *o);

/* The optional figures (source.h XN_WANT_*) that output in fmt with oo
 * shows: the network and VBD totals when a column of theirs is written (JSON:
 * always), each interface and VBD for text's -n and -x rows. */
unsigned xn_out_wants(const struct xn_out_opts *oo, enum xn_format fmt);

/* Write s as one JSON object on one line, newline-terminated (schema 2,
 * man/xentop-numa-json.5). Returns 0 or -errno. */
int xn_json_write_snapshot(FILE *f, const struct xn_snapshot *s);

/* A JSON string (quoted) for any byte string, escaped as the snapshots'
 * names are (json.c): the balancer's JSON log lines use it too. */
void xn_json_put_string(FILE *f, const char *s);

#endif
