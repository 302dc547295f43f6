/* advice_names.c - the words of the model's advice (snapshot.h): action
 * names and the short column form. Core, so that outputs, metrics and the
 * replay parser need not include the advisor. */
#include <stdio.h>
#include <string.h>

#include "snapshot.h"

static const char *const action_names[XN_ADVICE__COUNT] = {
        [XN_ADVICE_NONE] = "none",     [XN_ADVICE_OK] = "ok",     [XN_ADVICE_VCPUS] = "vcpus",
        [XN_ADVICE_MEMORY] = "memory", [XN_ADVICE_BOTH] = "both", [XN_ADVICE_STUCK] = "stuck",
};

const char *xn_advice_action_name(enum xn_advice_action a)
{
	return (unsigned)a < XN_ADVICE__COUNT ? action_names[a] : "none";
}

enum xn_advice_action xn_advice_action_parse(const char *name)
{
	for (int i = 0; i < XN_ADVICE__COUNT; i++)
		if (!strcmp(action_names[i], name))
			return (enum xn_advice_action)i;
	return XN_ADVICE__COUNT;
}

bool xn_advice_is_misplaced(const struct xn_advice *a)
{
	return a->action >= XN_ADVICE_VCPUS && a->action <= XN_ADVICE_BOTH;
}

void xn_advice_format_short(const struct xn_advice *a, char *buf, size_t len)
{
	static const char *const pre[XN_ADVICE__COUNT] = {
	        [XN_ADVICE_VCPUS] = "vcpus", [XN_ADVICE_MEMORY] = "mem", [XN_ADVICE_BOTH] = "both"};
	/* a held "ok" while a step or "stuck" waits for the smoothing window
	 * (advise.h): never "ok" beside a LOCAL% the next verdict may change */
	if (a->action == XN_ADVICE_OK && a->pending_count > 0 &&
	    (a->pending_action >= XN_ADVICE_VCPUS && a->pending_action <= XN_ADVICE_STUCK)) {
		snprintf(buf, len, "wait");
		return;
	}
	if (a->action == XN_ADVICE_OK || a->action == XN_ADVICE_STUCK) {
		snprintf(buf, len, "%s", action_names[a->action]);
		return;
	}
	if (!xn_advice_is_misplaced(a)) {
		snprintf(buf, len, "-");
		return;
	}
	char nodes[64], step[16] = "";
	xn_bits_format_list(a->nodes.w, XN_MAX_NODES, nodes, sizeof(nodes));
	if (a->step)
		snprintf(step, sizeof(step), "%u:", a->step);
	snprintf(buf, len, "%s%s>%s", step, pre[a->action], nodes);
}
