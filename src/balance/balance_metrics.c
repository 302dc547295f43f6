/* balance_metrics.c - --balance with --listen / --prometheus: the run's
 * counts (balance_run.h) as the xentop_numa_balance_* metrics beside the
 * usual ones, published through the export room at every sample. */
#include <stdlib.h>
#include <string.h>

#include "balance_run.h"
#include "export.h"

int xn_bal_metrics_open(struct xn_bal_run *r)
{
	if (!r->o->listen && !r->o->prometheus)
		return 0;
	return xn_export_open(r->o, &r->pub);
}

/* A domain has a step pending when the engine tracks an advised step for
 * it (held over the window or cooling down) or its step is in flight. */
static bool pending(const struct xn_balancer *b, const struct xn_domain *d)
{
	struct xn_bal_key key;
	xn_bal_key_of(d, &key);
	if (b->in_flight && xn_bal_key_eq(&b->flight.key, &key))
		return true;
	for (size_t k = 0; k < b->nr_doms; k++)
		if (xn_bal_key_eq(&b->doms[k].key, &key))
			return b->doms[k].action == XN_ADVICE_VCPUS ||
			       b->doms[k].action == XN_ADVICE_MEMORY ||
			       b->doms[k].action == XN_ADVICE_BOTH;
	return false;
}

int xn_bal_metrics_publish(struct xn_bal_run *r, const struct xn_snapshot *s, double took)
{
	if (!r->pub)
		return 0;
	static const enum xn_advice_action acts[XN_PROM_BAL_ACTIONS] = {
	        XN_ADVICE_VCPUS, XN_ADVICE_MEMORY, XN_ADVICE_BOTH};
	struct xn_prom_balance pb = {.bytes_moved = r->bytes_moved, .last_action = r->last_action};
	for (int a = 0; a < XN_PROM_BAL_ACTIONS; a++)
		for (int k = 0; k < XN_PROM_BAL_RESULTS; k++)
			pb.actions[a][k] = r->actions[acts[a]][k];
	unsigned char *p = s->nr_domains ? calloc(s->nr_domains, 1) : NULL;
	if (s->nr_domains && !p)
		return -1;
	for (size_t i = 0; i < s->nr_domains; i++)
		p[i] = s->domains[i].name && pending(&r->b, &s->domains[i]);
	pb.pending = p;
	struct xn_prom_meta m = {.sample_seconds = took, .balance = &pb};
	int rc = xn_export_publish(r->pub, s, &m);
	free(p);
	return rc;
}

void xn_bal_metrics_close(struct xn_bal_run *r)
{
	xn_export_close(r->pub);
	r->pub = NULL;
}
