/* prom.h - a snapshot as Prometheus metrics: the text exposition format
 * 0.0.4 (what node_exporter's textfile collector and promtool read) and
 * OpenMetrics 1.0 (what Prometheus asks for first when it scrapes). The
 * metrics are documented in xentop-numa(1), METRICS. */
#ifndef XN_PROM_H
#define XN_PROM_H

#include <stdint.h>
#include <stdio.h>

#include "snapshot.h"

enum xn_prom_format {
	XN_PROM_TEXT = 0,    /* text/plain; version=0.0.4 */
	XN_PROM_OPENMETRICS, /* application/openmetrics-text; version=1.0.0 */
};

/* The --balance service's figures (xentop-numa(1), BALANCING), written
 * beside the usual metrics when present. */
enum {
	XN_PROM_BAL_ACTIONS = 3, /* vcpus, memory, both */
	XN_PROM_BAL_RESULTS = 5, /* done, reverted, failed, skipped, dry_run */
};
struct xn_prom_balance {
	/* outcomes by action and result, in the orders above */
	uint64_t actions[XN_PROM_BAL_ACTIONS][XN_PROM_BAL_RESULTS];
	uint64_t bytes_moved; /* bytes copied by memory steps done */
	double last_action;   /* seconds since the epoch of the last outcome; <= 0: none */
	/* per domain of the snapshot (same index), a step advised and waiting
	 * (held over the window, cooling down or in flight); NULL: none */
	const unsigned char *pending;
};

/* What the exporter knows besides the snapshot. */
struct xn_prom_meta {
	double sample_seconds;                 /* wall time the last sample took; < 0: unknown */
	const struct xn_prom_balance *balance; /* NULL: not balancing */
};

/* The label values of XN_PROM_BAL_ACTIONS and XN_PROM_BAL_RESULTS. */
extern const char *const xn_prom_bal_action_names[XN_PROM_BAL_ACTIONS];
extern const char *const xn_prom_bal_result_names[XN_PROM_BAL_RESULTS];

/* The Content-Type header of a format. */
const char *xn_prom_content_type(enum xn_prom_format fmt);

/* Write every metric of s in fmt (OpenMetrics ends with "# EOF"). No
 * timestamps: the scrape time is the sample's. Returns 0 or -errno (a
 * write error on f). */
int xn_prom_write(FILE *f, const struct xn_snapshot *s, const struct xn_prom_meta *m,
                  enum xn_prom_format fmt);

/* Write s as a label value (without the quotes) that every parser takes:
 * backslash, double quote and newline escaped as \\ \" \n (both formats);
 * a byte that is not valid UTF-8, any other control character (C0, DEL,
 * C1) and invisible or bidi format characters (xn_cp_invisible, which would
 * hide or reorder what follows on a terminal) become U+FFFD. */
void xn_prom_put_label_value(FILE *f, const char *s);

/* Render s in fmt into a malloc'd buffer (*len bytes, NUL-terminated).
 * Returns 0 or -ENOMEM. */
int xn_prom_render(const struct xn_snapshot *s, const struct xn_prom_meta *m,
                   enum xn_prom_format fmt, char **buf, size_t *len);

#endif
