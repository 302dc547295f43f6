/* units.h - how figures are shown and written: the units of per-node
 * figures and the output format. Plain settings, so that the command line
 * (options.h) need not include the writers that use them. */
#ifndef XN_UNITS_H
#define XN_UNITS_H

enum xn_units {
	XN_UNITS_MIB = 0, /* per-node figures in MiB */
	XN_UNITS_PAGES,   /* in pages of host.page_size */
	XN_UNITS_PCT,     /* as % of the domain's pages */
	XN_UNITS__COUNT
};

enum xn_format { XN_FMT_TEXT = 0, XN_FMT_JSON, XN_FMT_CSV };

#endif
