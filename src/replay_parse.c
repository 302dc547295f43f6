/* replay_parse.c - one recorded JSON line (schema 1 or 2) back into a snapshot,
 * with jansson. Every field's type and range is checked: a recording may be
 * truncated, hand-edited or hostile, and must never crash us. Optional
 * fields that are missing or null are unknown (valid bit clear). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "advise.h"
#include "replay.h"
#include "util.h"

/* Parse errors carry the field's path: "domains[3].node_pages". */
struct pctx {
	char *err;
	size_t errlen;
};

/* Set the reason and return -EINVAL. */
#define bad(c, ...) xn_errf((c)->err, (c)->errlen, -EINVAL, __VA_ARGS__)

/* Optional unsigned integer: *known false when missing or null. */
static int get_u64(struct pctx *c, const json_t *o, const char *where, const char *key,
                   uint64_t max, uint64_t *out, bool *known)
{
	const json_t *v = json_object_get(o, key);
	*known = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return bad(c, "%s%s: expected an integer or null", where, key);
	json_int_t i = json_integer_value(v);
	if (i < 0 || (uint64_t)i > max)
		return bad(c, "%s%s: %lld is out of range", where, key, (long long)i);
	*out = (uint64_t)i;
	*known = true;
	return 0;
}

static int get_double(struct pctx *c, const json_t *o, const char *where, const char *key,
                      double *out, bool *known)
{
	const json_t *v = json_object_get(o, key);
	*known = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_number(v))
		return bad(c, "%s%s: expected a number or null", where, key);
	*out = json_number_value(v);
	*known = true;
	return 0;
}

static int get_bool(struct pctx *c, const json_t *o, const char *where, const char *key, bool *out,
                    bool *known)
{
	const json_t *v = json_object_get(o, key);
	*known = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return bad(c, "%s%s: expected true, false or null", where, key);
	*out = json_is_true(v);
	*known = true;
	return 0;
}

/* Optional string: NULL when missing or null. */
static int get_string(struct pctx *c, const json_t *o, const char *where, const char *key,
                      const char **out)
{
	const json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(c, "%s%s: expected a string or null", where, key);
	*out = json_string_value(v);
	return 0;
}

/* Optional array: NULL when missing or null. */
static int get_array(struct pctx *c, const json_t *o, const char *where, const char *key,
                     const json_t **out)
{
	const json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return bad(c, "%s%s: expected an array or null", where, key);
	*out = v;
	return 0;
}

/* An array of ids in [0, nbits) into a bitmap. */
static int get_bits(struct pctx *c, const json_t *a, const char *where, const char *key,
                    uint64_t *w, int nbits)
{
	size_t i;
	const json_t *v;
	json_array_foreach(a, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) >= nbits)
			return bad(c, "%s%s[%zu]: expected an id in 0..%d", where, key, i,
			           nbits - 1);
		xn_bits_set(w, (int)json_integer_value(v));
	}
	return 0;
}

/* "2026-11-23T13:44:09.123456789Z" (any number of fraction digits, or
 * none; "Z" or "+00:00"). */
static int parse_time(const char *s, struct timespec *t)
{
	struct tm tm;
	int n = 0;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	           &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n != 19)
		return -EINVAL;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -EINVAL;
	s += n;
	long ns = 0;
	if (*s == '.') {
		int digits = 0;
		for (s++; *s >= '0' && *s <= '9'; s++, digits++)
			if (digits < 9)
				ns = ns * 10 + (*s - '0');
		if (digits == 0)
			return -EINVAL;
		for (; digits < 9; digits++)
			ns *= 10;
	}
	if (strcmp(s, "Z") != 0 && strcmp(s, "+00:00") != 0)
		return -EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t->tv_sec = timegm(&tm);
	t->tv_nsec = ns;
	return 0;
}

static int parse_zone(struct pctx *c, const json_t *z, const char *where, struct xn_host *h,
                      int node_idx)
{
	const char *name;
	uint64_t v;
	bool known;
	int r;
	if (!json_is_object(z))
		return bad(c, "%s: expected an object", where); /* where ends with "." */
	if ((r = get_string(c, z, where, "name", &name)))
		return r;
	if (!name)
		return bad(c, "%sname: missing", where);
	struct xn_zone *zn = xn_host_add_zone(h);
	if (!zn)
		return -ENOMEM;
	zn->node_idx = node_idx;
	xn_strlcpy(zn->name, name, sizeof(zn->name));
	if ((r = get_u64(c, z, where, "free_pages", UINT64_MAX, &v, &known)))
		return r;
	if (known) {
		zn->free_pages = v;
		zn->valid |= XN_ZONE_FREE;
	}
	if ((r = get_u64(c, z, where, "managed_pages", UINT64_MAX, &v, &known)))
		return r;
	if (known) {
		zn->managed_pages = v;
		zn->valid |= XN_ZONE_MANAGED;
	}
	return 0;
}

static int parse_node(struct pctx *c, const json_t *o, int i, struct xn_host *h)
{
	char where[64];
	uint64_t v;
	bool known;
	int r;
	const json_t *a;
	struct xn_node *n = &h->nodes[i];
	snprintf(where, sizeof(where), "host.nodes[%d].", i);
	if (!json_is_object(o))
		return bad(c, "host.nodes[%d]: expected an object", i);
	if ((r = get_u64(c, o, where, "id", XN_MAX_NODES - 1, &v, &known)))
		return r;
	if (!known)
		return bad(c, "%sid: missing", where);
	n->id = (int)v;
	if (i > 0 && n->id <= h->nodes[i - 1].id)
		return bad(c, "%sid: node ids must increase", where);
	if ((r = get_u64(c, o, where, "mem_total", UINT64_MAX, &n->mem_total, &known)))
		return r;
	n->valid |= known ? XN_NODE_TOTAL : 0;
	if ((r = get_u64(c, o, where, "mem_free", UINT64_MAX, &n->mem_free, &known)))
		return r;
	n->valid |= known ? XN_NODE_FREE : 0;
	if ((r = get_array(c, o, where, "cpus", &a)))
		return r;
	if (a) {
		if ((r = get_bits(c, a, where, "cpus", n->cpus.w, XN_MAX_CPUS)))
			return r;
		n->valid |= XN_NODE_CPUS;
	}
	if ((r = get_array(c, o, where, "zones", &a)))
		return r;
	size_t zi;
	const json_t *z;
	json_array_foreach(a, zi, z)
	{
		char zw[96];
		snprintf(zw, sizeof(zw), "%szones[%zu].", where, zi);
		if ((r = parse_zone(c, z, zw, h, i)))
			return r;
	}
	return 0;
}

static int parse_host(struct pctx *c, const json_t *o, struct xn_host *h)
{
	const char *s;
	uint64_t v;
	bool known;
	int r;
	const json_t *nodes, *dist;
	if (!json_is_object(o))
		return bad(c, "host: missing or not an object");
	if ((r = get_string(c, o, "host.", "hostname", &s)))
		return r;
	xn_strlcpy(h->hostname, s ? s : "", sizeof(h->hostname));
	if ((r = get_u64(c, o, "host.", "page_size", UINT32_MAX, &v, &known)))
		return r;
	h->page_size = known ? v : 0;
	if ((r = get_u64(c, o, "host.", "nr_cpus", XN_MAX_CPUS, &v, &known)))
		return r;
	if (known) {
		h->nr_cpus = (int)v;
		h->valid |= XN_HOST_CPUS;
	}
	if ((r = get_array(c, o, "host.", "nodes", &nodes)))
		return r;
	if (!nodes)
		return bad(c, "host.nodes: missing");
	if (json_array_size(nodes) > XN_MAX_NODES)
		return bad(c, "host.nodes: more than %d nodes", XN_MAX_NODES);
	int nn = (int)json_array_size(nodes);
	if ((r = xn_host_alloc_nodes(h, nn)))
		return r;
	for (int i = 0; i < nn; i++)
		if ((r = parse_node(c, json_array_get(nodes, (size_t)i), i, h)))
			return r;
	if ((r = get_array(c, o, "host.", "distance", &dist)))
		return r;
	if (dist) {
		if (json_array_size(dist) != (size_t)nn)
			return bad(c, "host.distance: %zu rows for %d nodes", json_array_size(dist),
			           nn);
		for (int i = 0; i < nn; i++) {
			const json_t *row = json_array_get(dist, (size_t)i);
			if (!json_is_array(row) || json_array_size(row) != (size_t)nn)
				return bad(c, "host.distance[%d]: expected %d numbers", i, nn);
			for (int j = 0; j < nn; j++) {
				const json_t *x = json_array_get(row, (size_t)j);
				if (!json_is_integer(x) || json_integer_value(x) < 0 ||
				    json_integer_value(x) > UINT32_MAX)
					return bad(c, "host.distance[%d][%d]: expected an integer",
					           i, j);
				h->distance[i * nn + j] = (uint32_t)json_integer_value(x);
			}
		}
		h->valid |= XN_HOST_DISTANCE;
	}
	return 0;
}

/* A per-node array: exactly nr_nodes integers (signed when delta). */
static int get_per_node(struct pctx *c, const json_t *o, const char *where, const char *key, int nn,
                        bool is_signed, void *out, bool *known)
{
	const json_t *a;
	int r;
	*known = false;
	if ((r = get_array(c, o, where, key, &a)) || !a)
		return r;
	if (json_array_size(a) != (size_t)nn)
		return bad(c, "%s%s: %zu entries for %d host nodes", where, key, json_array_size(a),
		           nn);
	for (int i = 0; i < nn; i++) {
		const json_t *x = json_array_get(a, (size_t)i);
		if (!json_is_integer(x) || (!is_signed && json_integer_value(x) < 0))
			return bad(c, "%s%s[%d]: expected %s integer", where, key, i,
			           is_signed ? "an" : "a non-negative");
		if (is_signed)
			((int64_t *)out)[i] = json_integer_value(x);
		else
			((uint64_t *)out)[i] = (uint64_t)json_integer_value(x);
	}
	*known = true;
	return 0;
}

static int parse_domain_cpu(struct pctx *c, const json_t *o, const char *w, struct xn_domain *d)
{
	uint64_t v;
	bool known;
	const json_t *a;
	const char *s;
	int r;
	if ((r = get_string(c, o, w, "state", &s)))
		return r;
	if (s) {
		memset(d->state, '-', 6);
		memcpy(d->state, s, strnlen(s, 6));
		d->state[6] = '\0';
		d->valid |= XN_DOM_STATE;
	}
	if ((r = get_u64(c, o, w, "cpu_ns", UINT64_MAX, &d->cpu_ns, &known)))
		return r;
	d->valid |= known ? XN_DOM_CPU_NS : 0;
	if ((r = get_double(c, o, w, "cpu_pct", &d->cpu_pct, &known)))
		return r;
	d->valid |= known ? XN_DOM_CPU_PCT : 0;
	if ((r = get_u64(c, o, w, "vcpus", UINT32_MAX, &v, &known)))
		return r;
	if (known) {
		d->vcpus = (uint32_t)v;
		d->valid |= XN_DOM_VCPUS;
	}
	if ((r = get_array(c, o, w, "vcpu_node", &a)) || !a)
		return r;
	/* The array's own size bounds the allocation, not a recorded count. */
	if (!known || json_array_size(a) != d->vcpus)
		return bad(c, "%svcpu_node: %zu entries for vcpus %s", w, json_array_size(a),
		           known ? "given" : "unknown");
	if ((r = xn_domain_alloc_vcpu_node(d)))
		return r;
	for (uint32_t i = 0; i < d->vcpus; i++) {
		const json_t *x = json_array_get(a, i);
		if (json_is_null(x))
			continue;
		if (!json_is_integer(x) || json_integer_value(x) < 0 ||
		    json_integer_value(x) >= XN_MAX_NODES)
			return bad(c, "%svcpu_node[%u]: expected a node id or null", w, i);
		d->vcpu_node[i] = (int)json_integer_value(x);
	}
	d->valid |= XN_DOM_VCPU_NODE;
	return 0;
}

static int parse_domain_mem(struct pctx *c, const json_t *o, const char *w, struct xn_domain *d,
                            int nn, int schema)
{
	bool known, b = false;
	const json_t *a;
	const char *s;
	int r;
	if ((r = get_u64(c, o, w, "mem_cur", UINT64_MAX, &d->mem_cur, &known)))
		return r;
	d->valid |= known ? XN_DOM_MEM_CUR : 0;
	if ((r = get_u64(c, o, w, "mem_max", UINT64_MAX, &d->mem_max, &known)))
		return r;
	if (known) {
		d->valid |= XN_DOM_MEM_MAX;
	} else {
		d->mem_max = UINT64_MAX;
		if ((r = get_bool(c, o, w, "mem_max_unlimited", &b, &known)))
			return r;
		if (known && b)
			d->valid |= XN_DOM_MEM_MAX;
	}
	if ((r = get_per_node(c, o, w, "node_pages", nn, false, d->node_pages, &known)))
		return r;
	if (known) {
		d->valid |= XN_DOM_PAGES;
		if ((r = get_string(c, o, w, "pages_method", &s)))
			return r;
		d->pages_method = XN_PAGES_NONE;
		if (s) {
			d->pages_method = xn_pages_method_parse(s);
			if (d->pages_method == XN_PAGES_NONE && strcmp(s, "none") != 0)
				d->pages_method = XN_PAGES_RECORDED;
		}
		const json_t *age = json_object_get(o, "pages_age_ms");
		if (age && !json_is_null(age) && !json_is_integer(age))
			return bad(c, "%spages_age_ms: expected an integer or null", w);
		d->pages_age_ms = json_is_integer(age) ? json_integer_value(age) : 0;
	}
	if ((r = get_per_node(c, o, w, "node_delta", nn, true, d->node_delta, &known)))
		return r;
	d->valid |= known ? XN_DOM_DELTA : 0;
	if ((r = get_array(c, o, w, "node_affinity", &a)))
		return r;
	if (a) {
		if ((r = get_bits(c, a, w, "node_affinity", d->node_affinity.w, XN_MAX_NODES)))
			return r;
		if ((r = get_bool(c, o, w, "affinity_auto", &b, &known)))
			return r;
		d->affinity_auto = known && b;
		d->valid |= XN_DOM_AFFINITY;
	}
	if ((r = get_double(c, o, w, "locality", &d->locality, &known)))
		return r;
	/* Schema 1's locality meant "pages on any vCPU's node" (a dom0 spread
	 * over every node showed 100): leave it to the sampler, which derives
	 * today's meaning from the recorded pages and vCPU nodes. */
	d->valid |= known && schema >= 2 ? XN_DOM_LOCALITY : 0;
	if ((r = get_u64(c, o, w, "pages_outside", UINT64_MAX, &d->pages_outside, &known)))
		return r;
	d->valid |= known ? XN_DOM_OUTSIDE : 0;
	return 0;
}

/* An affinity as recorded: "all" or a CPU list, nothing that could reach
 * a terminal raw. NULL stays NULL (unknown). */
static int get_cpu_list(struct pctx *c, const json_t *o, const char *where, const char *key,
                        char **out, bool *known)
{
	const char *s;
	int r;
	*known = false;
	if ((r = get_string(c, o, where, key, &s)) || !s)
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
static int get_node_list(struct pctx *c, const json_t *o, const char *where, const char *key,
                         xn_nodemask *out)
{
	const char *s;
	char why[128];
	int r;
	memset(out, 0, sizeof(*out));
	if ((r = get_string(c, o, where, key, &s)) || !s)
		return r;
	if (xn_bits_parse_list(s, out->w, XN_MAX_NODES, why, sizeof(why)))
		return bad(c, "%s%s: \"%.40s\" is not a node list", where, key, s);
	return 0;
}

static int parse_vcpu(struct pctx *c, const json_t *o, const char *w, uint32_t i, struct xn_vcpu *v)
{
	char vw[96];
	uint64_t x;
	bool known;
	const char *st;
	int r;
	snprintf(vw, sizeof(vw), "%svcpu_info[%u].", w, i);
	if (!json_is_object(o))
		return bad(c, "%svcpu_info[%u]: expected an object", w, i);
	if ((r = get_u64(c, o, vw, "vcpu", UINT32_MAX, &x, &known)))
		return r;
	if (!known || x != i)
		return bad(c, "%svcpu: expected %u (entries in vCPU order)", vw, i);
	if ((r = get_u64(c, o, vw, "cpu", XN_MAX_CPUS - 1, &x, &known)))
		return r;
	if (known) {
		v->cpu = (int)x;
		v->valid |= XN_VCPU_CPU;
	}
	/* the node is vcpu_node[i]'s: only its type is checked here */
	if ((r = get_u64(c, o, vw, "node", XN_MAX_NODES - 1, &x, &known)))
		return r;
	if ((r = get_string(c, o, vw, "state", &st)))
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
static int parse_vcpu_info(struct pctx *c, const json_t *o, const char *w, struct xn_domain *d)
{
	const json_t *a;
	int r;
	if ((r = get_array(c, o, w, "vcpu_info", &a)) || !a)
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

static int get_action(struct pctx *c, const json_t *o, const char *where, const char *key,
                      enum xn_advice_action *out)
{
	const char *s;
	int r;
	*out = XN_ADVICE_NONE;
	if ((r = get_string(c, o, where, key, &s)) || !s)
		return r;
	*out = xn_advice_action_parse(s);
	if (*out == XN_ADVICE__COUNT)
		return bad(c, "%s%s: \"%.20s\" is not none, ok, vcpus, memory or both", where, key,
		           s);
	return 0;
}

/* The advice's figures: all present, or (action "none") all null. */
static int parse_advice_terms(struct pctx *c, const json_t *o, const char *aw, struct xn_advice *a)
{
	bool k[9], judged = a->action != XN_ADVICE_NONE;
	uint64_t x;
	double mfa = 0;
	int r;
	if ((r = get_double(c, o, aw, "local_now", &a->local_now, &k[0])) ||
	    (r = get_double(c, o, aw, "local_expected", &a->local_expected, &k[1])) ||
	    (r = get_u64(c, o, aw, "pages_to_move", UINT64_MAX, &a->pages_to_move, &k[2])) ||
	    (r = get_bool(c, o, aw, "memory_moves", &a->memory_moves, &k[3])) ||
	    (r = get_double(c, o, aw, "mem_free_after", &mfa, &k[4])))
		return r;
	const json_t *m = json_object_get(o, "mem_free_after");
	if (k[4] && !json_is_integer(m))
		return bad(c, "%smem_free_after: expected an integer or null", aw);
	a->mem_free_after = k[4] ? json_integer_value(m) : 0;
	if ((r = get_u64(c, o, aw, "vcpus_there", UINT32_MAX, &x, &k[5])))
		return r;
	a->vcpus_there = (uint32_t)x;
	if ((r = get_u64(c, o, aw, "cpus_there", UINT32_MAX, &x, &k[6])))
		return r;
	a->cpus_there = (uint32_t)x;
	if ((r = get_double(c, o, aw, "distance", &a->distance, &k[7])) ||
	    (r = get_double(c, o, aw, "score", &a->score, &k[8])))
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

/* Schema 2: the advice as it was shown when recorded (kept, not recomputed,
 * so stepping back and forth shows what was seen). */
static int parse_advice(struct pctx *c, const json_t *o, const char *w, struct xn_domain *d)
{
	char aw[64];
	const char *reason;
	uint64_t x;
	bool known;
	int r;
	struct xn_advice *a = &d->advice;
	const json_t *ao = json_object_get(o, "advice");
	if (!ao || json_is_null(ao))
		return 0;
	if (!json_is_object(ao))
		return bad(c, "%sadvice: expected an object or null", w);
	snprintf(aw, sizeof(aw), "%sadvice.", w);
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
	if ((r = get_string(c, ao, aw, "reason", &reason)))
		return r;
	if (reason && strlen(reason) >= sizeof(a->reason))
		return bad(c, "%sreason: longer than %zu characters", aw, sizeof(a->reason) - 1);
	/* plain ASCII by contract: anything else is not written to a screen */
	for (size_t i = 0; reason && reason[i]; i++)
		a->reason[i] = reason[i] >= 0x20 && reason[i] < 0x7f ? reason[i] : '?';
	if ((r = get_action(c, ao, aw, "pending_action", &a->pending_action)) ||
	    (r = get_node_list(c, ao, aw, "pending_nodes", &a->pending_nodes)) ||
	    (r = get_u64(c, ao, aw, "pending_count", UINT32_MAX, &x, &known)))
		return r;
	a->pending_count = known ? (uint32_t)x : 0;
	d->valid |= XN_DOM_ADVICE;
	return 0;
}

static int parse_domain(struct pctx *c, const json_t *o, size_t i, struct xn_snapshot *s,
                        int schema)
{
	char w[48];
	const char *name;
	int r;
	snprintf(w, sizeof(w), "domains[%zu].", i);
	if (!json_is_object(o))
		return bad(c, "domains[%zu]: expected an object", i);
	const json_t *id = json_object_get(o, "id");
	if (!json_is_integer(id))
		return bad(c, "%sid: missing or not an integer", w);
	const json_t *jn = json_object_get(o, "name");
	if (!jn || !(json_is_string(jn) || json_is_null(jn)))
		return bad(c, "%sname: missing or not a string", w);
	struct xn_domain *d = xn_snapshot_add_domain(s);
	if (!d)
		return -ENOMEM;
	d->id = json_integer_value(id);
	name = json_is_string(jn) ? json_string_value(jn) : NULL;
	if (name && (r = xn_domain_set_name(d, name)))
		return r;
	if ((r = parse_domain_cpu(c, o, w, d)))
		return r;
	if ((r = parse_domain_mem(c, o, w, d, s->host.nr_nodes, schema)))
		return r;
	if (schema < 2)
		return 0;
	if ((r = parse_vcpu_info(c, o, w, d)))
		return r;
	return parse_advice(c, o, w, d);
}

/* Where the figures come from: schema 2's "origin"; a recording without
 * one (schema 1, or null) came from its "source" unless that was itself a
 * replay. */
static int parse_origin(struct pctx *c, const json_t *root, int schema, struct xn_snapshot *s)
{
	const char *src, *org = NULL;
	int r;
	if ((r = get_string(c, root, "", "source", &src)))
		return r;
	if (schema >= 2 && (r = get_string(c, root, "", "origin", &org)))
		return r;
	if (!org && src && strcmp(src, "replay"))
		org = src;
	if (!org)
		return 0;
	if (strlen(org) >= sizeof(s->origin))
		return bad(c, "%s: \"%.20s\" is too long", schema >= 2 ? "origin" : "source", org);
	for (const char *p = org; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_'))
			return bad(c, "%s: \"%.20s\" is not a source name",
			           schema >= 2 ? "origin" : "source", org);
	xn_strlcpy(s->origin, org, sizeof(s->origin));
	return 0;
}

static int parse_root(struct pctx *c, const json_t *root, struct xn_snapshot *s)
{
	const char *t;
	double interval;
	bool known;
	const json_t *doms;
	int r;
	if (!json_is_object(root))
		return bad(c, "not a JSON object");
	const json_t *schema = json_object_get(root, "schema");
	if (!json_is_integer(schema))
		return bad(c, "schema: missing or not an integer");
	if (json_integer_value(schema) != 1 && json_integer_value(schema) != 2)
		return bad(c, "schema %lld is not supported (this program reads schemas 1 and 2)",
		           (long long)json_integer_value(schema));
	int version = (int)json_integer_value(schema);
	if ((r = get_string(c, root, "", "time", &t)))
		return r;
	if (!t)
		return bad(c, "time: missing");
	if (parse_time(t, &s->time))
		return bad(c, "time: \"%.40s\" is not an RFC 3339 UTC time", t);
	if (s->time.tv_sec < 0)
		return bad(c, "time: before 1970");
	s->mono_ns = (uint64_t)s->time.tv_sec * 1000000000u + (uint64_t)s->time.tv_nsec;
	xn_strlcpy(s->source, "replay", sizeof(s->source));
	if ((r = parse_origin(c, root, version, s)))
		return r;
	if ((r = get_double(c, root, "", "interval", &interval, &known)))
		return r;
	s->interval = known && interval > 0 ? interval : 0;
	if ((r = parse_host(c, json_object_get(root, "host"), &s->host)))
		return r;
	if ((r = get_array(c, root, "", "domains", &doms)))
		return r;
	if (!doms)
		return bad(c, "domains: missing");
	size_t i;
	const json_t *o;
	json_array_foreach(doms, i, o)
	{
		if ((r = parse_domain(c, o, i, s, version)))
			return r;
	}
	xn_snapshot_sort(s);
	for (i = 1; i < s->nr_domains; i++)
		if (s->domains[i].id == s->domains[i - 1].id)
			return bad(c, "domains: id %lld appears twice",
			           (long long)s->domains[i].id);
	return 0;
}

int xn_replay_parse_line(const char *line, size_t len, struct xn_snapshot *out, char *err,
                         size_t errlen)
{
	struct pctx c = {err, errlen};
	json_error_t je;
	/* Not JSON_REJECT_DUPLICATES: it costs a quarter of the parse time and
	 * a duplicate key just means the last value counts. */
	json_t *root = json_loadb(line, len, 0, &je);
	if (!root) {
		xn_errf(err, errlen, -EINVAL, "bad JSON at column %d: %s", je.column, je.text);
		return -EINVAL;
	}
	int r = parse_root(&c, root, out);
	json_decref(root);
	if (r == -ENOMEM)
		xn_errf(err, errlen, r, "out of memory");
	if (r)
		xn_snapshot_clear(out);
	return r;
}
