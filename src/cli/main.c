/* main.c - parse options, open the source, dispatch to a mode. The only
 * place besides the TUI that exits. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "balance.h"
#include "commands.h"
#include "export.h"
#include "options.h"
#include "output.h"
#include "sampler.h"
#include "source.h"
#include "tui.h"
#include "util.h"

static int open_source(const struct xn_options *o, struct xn_source **src)
{
	char err[512] = "";
	int r = xn_source_open(o->source, &o->cfg, src, err, sizeof(err));
	if (r) {
		xn_warn("%s", err[0] ? err : strerror(-r));
		return r == -EPERM || r == -EACCES ? XN_EXIT_PERM
		       : r == -ESRCH               ? XN_EXIT_NO_DOMAIN
		                                   : XN_EXIT_RUNTIME;
	}
	return 0;
}

static int run_screen(struct xn_sampler *s, const struct xn_options *o, FILE *record)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		xn_warn("not a terminal: use -b for batch mode or "
		        "--snapshot for one JSON sample");
		return XN_EXIT_USAGE;
	}
	char err[512] = "";
	int r = xn_tui_run(s, o, record, err, sizeof(err));
	if (r) {
		xn_warn("%s", err[0] ? err : strerror(-r));
		return XN_EXIT_RUNTIME;
	}
	return XN_EXIT_OK;
}

/* The optional figures (source.h XN_WANT_*) the mode shows or exports: a
 * recording and JSON keep every figure; the modes that act or advise, and
 * the Prometheus exporter, show none of the network and VBD figures; batch
 * text and CSV those of the columns and rows asked for; the screen starts
 * with the totals and then reads what its columns show (tui.c). */
static unsigned mode_wants(const struct xn_options *o, bool record)
{
	unsigned w = record ? XN_WANT_DEFAULT : 0u;
	if (o->snapshot)
		return XN_WANT_DEFAULT;
	if (o->set_affinity || o->move_memory || o->apply_advice || o->balance || o->advise ||
	    o->listen || o->prometheus)
		return w;
	if (o->batch) {
		struct xn_out_opts oo;
		xn_out_opts_from(&oo, o);
		return w | xn_out_wants(&oo, o->format);
	}
	return XN_WANT_DEFAULT;
}

/* --advise says "misplaced" with 1: its runtime errors need another status. */
static int advise_status(const struct xn_options *o, int rc)
{
	return o->advise && rc == XN_EXIT_RUNTIME ? XN_EXIT_ADVISE_FAILED : rc;
}

int main(int argc, char **argv)
{
	struct xn_options o;
	int r = xn_options_parse(argc, argv, &o);
	if (r)
		return r > 0 ? XN_EXIT_OK : r == -EIO ? XN_EXIT_RUNTIME : XN_EXIT_USAGE;
	/* A closed pipe is a normal end for batch output, not a crash. */
	signal(SIGPIPE, SIG_IGN);

	FILE *record = NULL;
	if (o.record) {
		record = fopen(o.record, "ae");
		if (!record) {
			xn_warn("cannot open recording %s: %s", o.record, strerror(errno));
			return advise_status(&o, XN_EXIT_RUNTIME);
		}
	}
	struct xn_source *src = NULL;
	int rc = open_source(&o, &src);
	if (rc) {
		if (record)
			fclose(record);
		return advise_status(&o, rc);
	}
	src->want = mode_wants(&o, record != NULL);
	struct xn_sampler s = {.src = src};
	if (o.set_affinity)
		rc = xn_cmd_set_affinity(&s, &o);
	else if (o.move_memory)
		rc = xn_cmd_move_memory(&s, &o);
	else if (o.apply_advice)
		rc = xn_cmd_apply_advice(&s, &o);
	else if (o.balance)
		rc = xn_cmd_balance(&s, &o);
	else if (o.advise)
		rc = xn_cmd_advise(&s, &o, record);
	else if (o.snapshot)
		rc = xn_cmd_snapshot(&s, &o);
	else if (o.listen || o.prometheus)
		rc = xn_cmd_export(&s, &o, record);
	else if (o.batch)
		rc = xn_cmd_batch(&s, &o, record);
	else
		rc = run_screen(&s, &o, record);
	xn_sampler_clear(&s);
	src->ops->close(src);
	if (record && fclose(record) && (rc == XN_EXIT_OK || (o.advise && rc == 1))) {
		xn_warn("cannot write recording %s: %s", o.record, strerror(errno));
		rc = advise_status(&o, XN_EXIT_RUNTIME);
	}
	return rc;
}
