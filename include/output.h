/* output.h - output without a terminal: xentop-compatible text, CSV and
 * JSON (one object per sample; the same JSON is the --record format that the
 * replay source reads back). */
#ifndef XN_OUTPUT_H
#define XN_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "columns.h"
#include "snapshot.h"

enum xn_format { XN_FMT_TEXT = 0, XN_FMT_JSON, XN_FMT_CSV };

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

/* Write s as one JSON object on one line, newline-terminated (schema 2,
 * man/xentop-numa-json.5). Returns 0 or -errno. */
int xn_json_write_snapshot(FILE *f, const struct xn_snapshot *s);

#endif
