/* columns.h - the one column table that the TUI, text batch and CSV share.
 * Formatters read the domain's fields (raw and derived); they never
 * recompute. Unknown values format as "-". */
#ifndef XN_COLUMNS_H
#define XN_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"
#include "units.h"

enum xn_col_id {
	XN_COL_ID = 0,
	XN_COL_NAME,
	XN_COL_STATE,
	XN_COL_CPU_SEC,
	XN_COL_CPU_PCT,
	XN_COL_MEM,     /* MEM(k) */
	XN_COL_MEM_PCT, /* MEM(%) of host memory */
	XN_COL_MAXMEM,  /* MAXMEM(k) */
	XN_COL_MAXMEM_PCT,
	XN_COL_VCPUS,
	XN_COL_NODE,     /* per-node family: one column per host node ("N0") */
	XN_COL_LOCAL,    /* LOCAL% */
	XN_COL_AFFINITY, /* node list, "all" or "auto" */
	XN_COL_OUTSIDE,  /* pages outside affinity (in the chosen units) */
	XN_COL_METHOD,   /* how node pages were obtained */
	XN_COL_VNODES,   /* nodes the vCPUs ran on last: "3", "0-1", "-" */
	XN_COL_ADVICE,   /* placement advice: "ok", "vcpus>0", "mem>3", "both>1", "-" */
	XN_COL_AGE,      /* AGE(s): age of the node figures, whole seconds */
	/* xentop's network and VBD totals and its SSID: always in the table
	 * (xentop's batch header always carries them); -n/-x only raise their
	 * priority on the screen */
	XN_COL_NETS,
	XN_COL_NETTX,
	XN_COL_NETRX,
	XN_COL_VBDS,
	XN_COL_VBD_OO,
	XN_COL_VBD_RD,
	XN_COL_VBD_WR,
	XN_COL_VBD_RSECT,
	XN_COL_VBD_WSECT,
	XN_COL_SSID,
	XN_COL__COUNT
};

struct xn_fmt_ctx {
	const struct xn_snapshot *snap;
	enum xn_units units;
};

struct xn_column {
	const char *key;   /* stable name for options and CSV: "name", "cpu_pct", "node" */
	const char *csv;   /* the CSV header's name when the key lacks the unit: "mem_kib" */
	const char *title; /* header as xentop prints it: "CPU(%)"; per-node: "N%d" */
	int width;         /* default width in text output */
	bool left;         /* left-aligned (names) */
	bool per_node;     /* one column per host node; node_idx selects it */
	bool numeric;      /* a figure: CSV leaves it empty when it is not a number */
	/* Write the value (no padding) into buf; "-" when unknown. */
	void (*format)(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx,
	               char *buf, size_t len);
	/* qsort-style order for sorting by this column (node_idx for per-node);
	 * unknown sorts before known. */
	int (*compare)(const struct xn_domain *a, const struct xn_domain *b, int node_idx);
};

/* The table, indexed by enum xn_col_id. */
extern const struct xn_column xn_columns[XN_COL__COUNT];

/* xentop's -n and -x: on the screen, the network or VBD columns are kept
 * before ours when the width runs short. */
enum { XN_SHOW_NET = 1u << 0, XN_SHOW_VBD = 1u << 1 };

/* The one left-to-right order of the screen, text batch and CSV: xentop's
 * columns first as xentop -b prints them (so scripts reading by position
 * keep working), then ours. */
extern const enum xn_col_id xn_column_order[XN_COL__COUNT];

/* Is the column one of the network (XN_SHOW_NET) or VBD (XN_SHOW_VBD)
 * group? 0 for the others. */
unsigned xn_column_group(enum xn_col_id id);

/* A node column's title with its unit: "N0 MiB", "N0 pg", "N0 %". */
void xn_column_node_title(const struct xn_snapshot *s, int node_idx, enum xn_units u, char *buf,
                          size_t len);

/* The unit word of the per-node figures: "MiB", "pg", "%". */
const char *xn_units_word(enum xn_units u);

/* A set of columns: bit XN_COL_BIT(id) for each; 0 stands for all. */
#define XN_COL_BIT(id) ((uint64_t)1 << (unsigned)(id))
_Static_assert(XN_COL__COUNT <= 64, "a column set fits a uint64_t");

/* --columns LIST: a comma list of names as the header says them, in any case
 * ("NAME,CPU(%),N,LOCAL%"; the column keys "cpu_pct" also do; "N" is every
 * node column). The set only: the columns keep the one order
 * (xn_column_order) whatever the list's. 0, or -EINVAL with the name that
 * is none in bad. */
int xn_columns_parse(const char *list, uint64_t *mask, char *bad, size_t badlen);

/* The names of the set (all when mask is 0) in the one order, comma-separated,
 * as --columns takes them: "ID,NAME,...,N,LOCAL%,...". */
void xn_columns_names(uint64_t mask, char *buf, size_t len);

/* Column id for a key, or -1. */
int xn_column_find(const char *key);

/* Title of a column for a node (per-node columns: "N0", "N1"...). */
void xn_column_title(enum xn_col_id id, const struct xn_snapshot *s, int node_idx, char *buf,
                     size_t len);

/* The natural direction of a column: true when it sorts biggest first. */
bool xn_column_default_reverse(enum xn_col_id id);

/* Sort domains (an array of pointers) by a column, stable on id. */
/* -z, as xentop: Domain-0 (id 0) first, the others in their order. */
void xn_columns_dom0_first(const struct xn_domain **rows, size_t n);

void xn_columns_sort(const struct xn_domain **doms, size_t n, enum xn_col_id col, int node_idx,
                     bool reverse);

/* What a vCPU row shows of vCPU k of d (k < d->vcpus): cpu and node as
 * numbers, state as a word, hard and soft affinity as CPU lists (owned by
 * d); "-" for each that is unknown. cpu and node have len bytes. */
void xn_vcpu_fields(const struct xn_domain *d, uint32_t k, char *cpu, char *node,
                    const char **state, const char **hard, const char **soft, size_t len);

#endif
