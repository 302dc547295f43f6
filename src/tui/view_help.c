/* view_help.c - the help screen, generated from the key table (handed over
 * by the controller: xn_view_set_help); it says how to close it and scrolls (Up Down PgUp PgDn)
 * when it does not fit. */
#include <stdio.h>
#include <string.h>

#include "view.h"

static const char *const notes[] = {
        "Heat: share of the domain's pages on a node (glyphs .:;=+*#%@); '-' unknown.",
        NULL, /* LOCAL%: from the thresholds in view.h */
        "OUTSIDE: pages outside the affinity (Xen: it steers future allocations only).",
        "AFFINITY 'all': no explicit node affinity (as `xl list -n`).",
        "ADVICE: vcpus>N run the vCPUs on node(s) N; mem>N move the memory there;",
        "  both>N both; a 'K:' prefix is its step in the host's plan; ok well placed",
        "  (or no change gains enough); stuck no allowed change helps; - no judgement.",
        "VNODES: the nodes the vCPUs ran on last. AGE(s): the node figures' age, s.",
        "METHOD, how the node figures were read: numa_maps exact walk (linux);",
        "  sampled move_pages(2) samples of a big process; cgroup memory.numa_stat;",
        "  xen_op Xen's page counter (xen_op_upper: each an upper bound, not exact);",
        "  debugkey_u Xen's 'u' debug key, parsed from its console.",
};

enum { HELP_TOP = 2 };

int xn_view_help_lines(const struct xn_view *v)
{
	return (int)v->nr_help + 1 + (int)(sizeof(notes) / sizeof(notes[0]));
}

int xn_view_help_rows(const struct xn_canvas *c)
{
	int rows = c->h - 2 - HELP_TOP;
	return rows > 1 ? rows : 1;
}

void xn_view_draw_help(struct xn_canvas *c, const struct xn_view *v)
{
	int total = xn_view_help_lines(v), rows = xn_view_help_rows(c);
	int top = v->help_top;
	if (top > total - rows)
		top = total - rows;
	if (top < 0)
		top = 0;
	int x = xn_canvas_text(c, 0, 0, -1, XN_ROLE_TITLE, "xentop-numa - keys");
	x += xn_canvas_text(c, x, 0, -1, XN_ROLE_DIM, "  Esc, q or F1 closes");
	if (total > rows)
		xn_canvas_printf(c, x, 0, -1, XN_ROLE_DIM, "; Up Down PgUp PgDn scroll (%d-%d/%d)",
		                 top + 1, top + rows, total);
	size_t nk = v->nr_help;
	/* the labels' column as wide as the widest label */
	int lw = 1;
	for (size_t i = 0; i < nk; i++)
		if ((int)strlen(v->help[i].label) > lw)
			lw = (int)strlen(v->help[i].label);
	for (int r = 0; r < rows && top + r < total; r++) {
		int i = top + r, yy = HELP_TOP + r;
		if (i < (int)nk) {
			const struct xn_help_entry *b = &v->help[i];
			xn_canvas_printf(c, 1, yy, lw, XN_ROLE_HEADER, "%-*s", lw, b->label);
			xn_canvas_text(c, lw + 3, yy, c->w - lw - 4, XN_ROLE_NORMAL, b->help);
			continue;
		}
		i -= (int)nk + 1;
		if (i < 0)
			continue;
		if (notes[i])
			xn_canvas_text(c, 0, yy, -1, XN_ROLE_DIM, notes[i]);
		else
			xn_canvas_printf(
			        c, 0, yy, -1, XN_ROLE_DIM,
			        "LOCAL%%: green >= %d, yellow >= %d (mono ~), red below (mono "
			        "x); ! = misplaced.",
			        XN_LOCAL_GOOD, XN_LOCAL_WARN);
	}
}
