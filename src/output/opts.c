/* opts.c - the command line's display options as output settings: once, for
 * batch, export and the screen alike. */
#include "options.h"
#include "output.h"

void xn_out_opts_from(struct xn_out_opts *oo, const struct xn_options *o)
{
	int col = o->sort ? xn_column_find(o->sort) : -1;
	enum xn_col_id sort = col >= 0 ? (enum xn_col_id)col : XN_COL_ID;
	bool rev = xn_column_default_reverse(sort);
	*oo = (struct xn_out_opts){
	        .units = o->units,
	        .show = (o->show_net ? XN_SHOW_NET : 0u) | (o->show_vbd ? XN_SHOW_VBD : 0u),
	        .full_names = o->full_names,
	        .repeat_header = o->repeat_header,
	        .vcpus = o->show_vcpus,
	        .dom0_first = o->dom0_first,
	        .sort_col = sort,
	        .sort_node = 0,
	        .reverse = o->sort_flip ? !rev : rev,
	        .columns = o->columns,
	};
}

unsigned xn_out_wants(const struct xn_out_opts *oo, enum xn_format fmt)
{
	if (fmt == XN_FMT_JSON)
		return XN_WANT_DEFAULT; /* JSON carries every figure the source has */
	unsigned w = 0;
	for (int c = 0; c < XN_COL__COUNT; c++) {
		if (oo->columns && !(oo->columns & XN_COL_BIT(c)))
			continue; /* --columns left it out */
		unsigned g = xn_column_group((enum xn_col_id)c);
		w |= (g & XN_SHOW_NET ? XN_WANT_NET : 0u) | (g & XN_SHOW_VBD ? XN_WANT_VBD : 0u);
	}
	if (fmt == XN_FMT_TEXT) /* the -n and -x rows: text only, as xentop's */
		w |= (oo->show & XN_SHOW_NET ? XN_WANT_NET_DEVS : 0u) |
		     (oo->show & XN_SHOW_VBD ? XN_WANT_VBD_DEVS : 0u);
	return w;
}
