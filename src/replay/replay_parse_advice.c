/* replay_parse_advice.c - schema 2's per-domain vcpu_info and advice, read
 * back from a recorded line (see replay_parse.c, which calls these, and
 * man/xentop-numa-json.5). Checked like every other field: a recording may
 * be hand-edited or hostile, and these strings reach the screen. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay_priv.h"
#include "util.h"

#define bad XN_RP_BAD

/* An affinity as recorded: "all" or a CPU list, nothing that could reach
 * a terminal raw. NULL stays NULL (unknown). */
static int get_cpu_list(struct xn_rp_ctx *c, const json_t *o, const char *where, const char *key,
                        char **out, bool *known)
{
	const char *s;
	int r;
	*known = false;
	if ((r = xn_rp_get_string(c, o, where, key, &s)) || !s)
		return r;
	uint64_t w[XN_MAX_CPUS / 64];
	memset(w, 0, sizeof(w));
	char why[128];
	if (strcmp(s, "all") && xn_bits_parse_list(s, w, XN_MAX_CPUS, why, sizeof(why)))
		return bad(c, "%s%s: \"%.40s\" is not \"all\" or a CPU list", where, key, s);
	if (!(*out = strdup(s)))
		return -ENOMEM;
	*known = true;
	return 0;
}

/* A node set recorded as a list string ("0-1"); null or missing is empty. */
static int get_node_list(struct xn_rp_ctx *c, const json_t *o, const char *where, const char *key,
                         xn_nodemask *out)
{
	const char *s;
	char why[128];
	int r;
	memset(out, 0, sizeof(*out));
	if ((r = xn_rp_get_string(c, o, where, key, &s)) || !s)
		return r;
	if (xn_bits_parse_list(s, out->w, XN_MAX_NODES, why, sizeof(why)))
		return bad(c, "%s%s: \"%.40s\" is not a node list", where, key, s);
	return 0;
}

static int parse_vcpu(struct xn_rp_ctx *c, const json_t *o, const char *w, uint32_t i,
                      struct xn_vcpu *v)
{
	char vw[96];
	uint64_t x;
	bool known;
	const char *st;
	int r;
	snprintf(vw, sizeof(vw), "%svcpu_info[%u].", w, i);
	if (!json_is_object(o))
		return bad(c, "%svcpu_info[%u]: expected an object", w, i);
	if ((r = xn_rp_get_u64(c, o, vw, "vcpu", UINT32_MAX, &x, &known)))
		return r;
	if (!known || x != i)
		return bad(c, "%svcpu: expected %u (entries in vCPU order)", vw, i);
	if ((r = xn_rp_get_u64(c, o, vw, "cpu", XN_MAX_CPUS - 1, &x, &known)))
		return r;
	if (known) {
		v->cpu = (int)x;
		v->valid |= XN_VCPU_CPU;
	}
	/* the node is vcpu_node[i]'s: only its type is checked here */
	if ((r = xn_rp_get_u64(c, o, vw, "node", XN_MAX_NODES - 1, &x, &known)))
		return r;
	if ((r = xn_rp_get_string(c, o, vw, "state", &st)))
		return r;
	if (st) {
		if (strlen(st) != 1 || !((st[0] >= 'a' && st[0] <= 'z') || st[0] == '-'))
			return bad(c, "%sstate: expected one letter (r, b, o)", vw);
		v->state = st[0];
		v->valid |= XN_VCPU_STATE;
	}
	if ((r = get_cpu_list(c, o, vw, "hard", &v->hard, &known)))
		return r;
	v->valid |= known ? XN_VCPU_HARD : 0;
	if ((r = get_cpu_list(c, o, vw, "soft", &v->soft, &known)))
		return r;
	v->valid |= known ? XN_VCPU_SOFT : 0;
	return 0;
}

/* Schema 2: vcpu_info, one entry per vCPU (vcpus must be known). */
int xn_rp_parse_vcpu_info(struct xn_rp_ctx *c, const json_t *o, const char *w, struct xn_domain *d)
{
	const json_t *a;
	int r;
	if ((r = xn_rp_get_array(c, o, w, "vcpu_info", &a)) || !a)
		return r;
	if (!(d->valid & XN_DOM_VCPUS) || json_array_size(a) != d->vcpus)
		return bad(c, "%svcpu_info: %zu entries for vcpus %s", w, json_array_size(a),
		           (d->valid & XN_DOM_VCPUS) ? "given" : "unknown");
	if ((r = xn_domain_alloc_vcpu_info(d)))
		return r;
	for (uint32_t i = 0; i < d->vcpus; i++)
		if ((r = parse_vcpu(c, json_array_get(a, i), w, i, &d->vcpu_info[i])))
			return r;
	return 0;
}

static int get_action(struct xn_rp_ctx *c, const json_t *o, const char *where, const char *key,
                      enum xn_advice_action *out)
{
	const char *s;
	int r;
	*out = XN_ADVICE_NONE;
	if ((r = xn_rp_get_string(c, o, where, key, &s)) || !s)
		return r;
	*out = xn_advice_action_parse(s);
	if (*out == XN_ADVICE__COUNT)
		return bad(c, "%s%s: \"%.20s\" is not none, ok, vcpus, memory, both or stuck",
		           where, key, s);
	return 0;
}

/* The advice's figures: all present, or (action "none") all null. */
static int parse_advice_terms(struct xn_rp_ctx *c, const json_t *o, const char *aw,
                              struct xn_advice *a)
{
	bool k[9], judged = a->action != XN_ADVICE_NONE;
	uint64_t x;
	double mfa = 0;
	int r;
	if ((r = xn_rp_get_double(c, o, aw, "local_now", &a->local_now, &k[0])) ||
	    (r = xn_rp_get_double(c, o, aw, "local_expected", &a->local_expected, &k[1])) ||
	    (r = xn_rp_get_u64(c, o, aw, "pages_to_move", UINT64_MAX, &a->pages_to_move, &k[2])) ||
	    (r = xn_rp_get_bool(c, o, aw, "memory_moves", &a->memory_moves, &k[3])) ||
	    (r = xn_rp_get_double(c, o, aw, "mem_free_after", &mfa, &k[4])))
		return r;
	const json_t *m = json_object_get(o, "mem_free_after");
	if (k[4] && !json_is_integer(m))
		return bad(c, "%smem_free_after: expected an integer or null", aw);
	a->mem_free_after = k[4] ? json_integer_value(m) : 0;
	if ((r = xn_rp_get_u64(c, o, aw, "vcpus_there", UINT32_MAX, &x, &k[5])))
		return r;
	a->vcpus_there = (uint32_t)x;
	if ((r = xn_rp_get_u64(c, o, aw, "cpus_there", UINT32_MAX, &x, &k[6])))
		return r;
	a->cpus_there = (uint32_t)x;
	if ((r = xn_rp_get_double(c, o, aw, "distance", &a->distance, &k[7])) ||
	    (r = xn_rp_get_double(c, o, aw, "score", &a->score, &k[8])))
		return r;
	for (int i = 0; judged && i < 9; i++)
		if (!k[i])
			return bad(c, "%s: the figures of a \"%s\" advice must not be null", aw,
			           xn_advice_action_name(a->action));
	if (judged && (a->local_now < 0 || a->local_now > 100 || a->local_expected < 0 ||
	               a->local_expected > 100))
		return bad(c, "%slocal_now/local_expected: expected 0..100", aw);
	return 0;
}

/* One advice object (o's key) into a; *found when there is one. */
static int parse_one(struct xn_rp_ctx *c, const json_t *o, const char *w, const char *key,
                     struct xn_advice *a, bool *found)
{
	char aw[80];
	const char *reason;
	uint64_t x;
	bool known;
	int r;
	*found = false;
	const json_t *ao = json_object_get(o, key);
	if (!ao || json_is_null(ao))
		return 0;
	if (!json_is_object(ao))
		return bad(c, "%s%s: expected an object or null", w, key);
	snprintf(aw, sizeof(aw), "%s%s.", w, key);
	if ((r = get_action(c, ao, aw, "action", &a->action)))
		return r;
	if (!json_object_get(ao, "action"))
		return bad(c, "%saction: missing", aw);
	if ((r = get_node_list(c, ao, aw, "nodes", &a->nodes)))
		return r;
	if (xn_advice_is_misplaced(a) && xn_bits_empty(a->nodes.w, XN_MAX_NODES))
		return bad(c, "%snodes: a \"%s\" advice needs target nodes", aw,
		           xn_advice_action_name(a->action));
	if ((r = parse_advice_terms(c, ao, aw, a)))
		return r;
	if ((r = xn_rp_get_string(c, ao, aw, "reason", &reason)))
		return r;
	if (reason && strlen(reason) >= sizeof(a->reason))
		return bad(c, "%sreason: longer than %zu characters", aw, sizeof(a->reason) - 1);
	/* plain ASCII by contract: anything else is not written to a screen */
	for (size_t i = 0; reason && reason[i]; i++)
		a->reason[i] = reason[i] >= 0x20 && reason[i] < 0x7f ? reason[i] : '?';
	if ((r = get_action(c, ao, aw, "pending_action", &a->pending_action)) ||
	    (r = get_node_list(c, ao, aw, "pending_nodes", &a->pending_nodes)) ||
	    (r = xn_rp_get_u64(c, ao, aw, "pending_count", UINT32_MAX, &x, &known)))
		return r;
	a->pending_count = known ? (uint32_t)x : 0;
	/* schema 3: the plan's step, the crowding it leaves, what it overrides
	 * (absent or null before: no step) */
	const char *ov;
	if ((r = xn_rp_get_u64(c, ao, aw, "step", UINT32_MAX, &x, &known)))
		return r;
	a->step = known ? (uint32_t)x : 0;
	if ((r = xn_rp_get_double(c, ao, aw, "ratio_after", &a->ratio_after, &known)))
		return r;
	if (!known)
		a->ratio_after = 0;
	if (known && (a->ratio_after < 0 || a->ratio_after > 1e6))
		return bad(c, "%sratio_after: expected 0 to a million", aw);
	if ((r = xn_rp_get_string(c, ao, aw, "overrides", &ov)))
		return r;
	if (ov && strlen(ov) >= sizeof(a->overrides))
		return bad(c, "%soverrides: longer than %zu characters", aw,
		           sizeof(a->overrides) - 1);
	for (size_t i = 0; ov && ov[i]; i++)
		a->overrides[i] = ov[i] >= 0x20 && ov[i] < 0x7f ? ov[i] : '?';
	*found = true;
	return 0;
}

/* The advice the recording held, kept as the recorded advice: the advice
 * itself is recomputed from the recorded samples by this advisor (schema
 * 4). A recording of a replay holds both: its "recorded_advice" is the
 * original's. */
int xn_rp_parse_advice(struct xn_rp_ctx *c, const json_t *o, const char *w, struct xn_domain *d)
{
	bool found;
	int r = parse_one(c, o, w, "recorded_advice", &d->recorded_advice, &found);
	if (!r && !found) {
		memset(&d->recorded_advice, 0, sizeof(d->recorded_advice));
		r = parse_one(c, o, w, "advice", &d->recorded_advice, &found);
	}
	if (!r && found)
		d->valid |= XN_DOM_RECORDED_ADVICE;
	return r;
}
