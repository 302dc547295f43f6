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
