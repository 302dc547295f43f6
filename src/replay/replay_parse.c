/* replay_parse.c - one recorded JSON line (schema 1 to 6) back into a snapshot,
 * with jansson (schema 2's and 3's vcpu_info and advice: replay_parse_advice.c; the
 * typed field getters: replay_get.c).
 * Every field's type and range is checked: a recording may be
 * truncated, hand-edited or hostile, and must never crash us. Optional
 * fields that are missing or null are unknown (valid bit clear). */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "replay.h"
#include "replay_priv.h"
#include "util.h"

#define bad XN_RP_BAD

/* An array of ids in [0, nbits) into a bitmap. */
static int get_bits(struct xn_rp_ctx *c, const json_t *a, const char *where, const char *key,
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
	/* 9999-12-31T23:59:60Z is 10000-01-01: it could not be written back
	 * in this format (four-digit years), so it is refused here too. */
	if (t->tv_sec == (time_t)-1 || t->tv_sec >= (time_t)253402300800)
		return -EINVAL;
	return 0;
}

static int parse_zone(struct xn_rp_ctx *c, const json_t *z, const char *where, struct xn_host *h,
                      int node_idx)
{
	const char *name;
	uint64_t v;
	bool known;
	int r;
	if (!json_is_object(z))
		return bad(c, "%s: expected an object", where); /* where ends with "." */
	if ((r = xn_rp_get_string(c, z, where, "name", &name)))
		return r;
	if (!name)
		return bad(c, "%sname: missing", where);
	struct xn_zone *zn = xn_host_add_zone(h);
	if (!zn)
		return -ENOMEM;
	zn->node_idx = node_idx;
	xn_strlcpy(zn->name, name, sizeof(zn->name));
	if ((r = xn_rp_get_u64(c, z, where, "free_pages", UINT64_MAX, &v, &known)))
		return r;
	if (known) {
		zn->free_pages = v;
		zn->valid |= XN_ZONE_FREE;
	}
	if ((r = xn_rp_get_u64(c, z, where, "managed_pages", UINT64_MAX, &v, &known)))
		return r;
	if (known) {
		zn->managed_pages = v;
		zn->valid |= XN_ZONE_MANAGED;
	}
	return 0;
}

static int parse_node(struct xn_rp_ctx *c, const json_t *o, int i, struct xn_host *h)
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
	if ((r = xn_rp_get_u64(c, o, where, "id", XN_MAX_NODES - 1, &v, &known)))
		return r;
	if (!known)
		return bad(c, "%sid: missing", where);
	n->id = (int)v;
	if (i > 0 && n->id <= h->nodes[i - 1].id)
		return bad(c, "%sid: node ids must increase", where);
	if ((r = xn_rp_get_u64(c, o, where, "mem_total", UINT64_MAX, &n->mem_total, &known)))
		return r;
	n->valid |= known ? XN_NODE_TOTAL : 0;
	if ((r = xn_rp_get_u64(c, o, where, "mem_free", UINT64_MAX, &n->mem_free, &known)))
		return r;
	n->valid |= known ? XN_NODE_FREE : 0;
	if ((r = xn_rp_get_array(c, o, where, "cpus", &a)))
		return r;
	if (a) {
		if ((r = get_bits(c, a, where, "cpus", n->cpus.w, XN_MAX_CPUS)))
			return r;
		n->valid |= XN_NODE_CPUS;
	}
	if ((r = xn_rp_get_array(c, o, where, "zones", &a)))
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

/* Schema 5's host.cpupools: [{"id": N, "cpus": [CPU, ...]}, ...]. */
static int parse_pools(struct xn_rp_ctx *c, const json_t *o, struct xn_host *h)
{
	const json_t *a;
	int r;
	if ((r = xn_rp_get_array(c, o, "host.", "cpupools", &a)) || !a)
		return r;
	if (json_array_size(a) > XN_MAX_CPUS)
		return bad(c, "host.cpupools: more than %d pools", XN_MAX_CPUS);
	if (!(h->pools = calloc(json_array_size(a) + 1, sizeof(*h->pools))))
		return -ENOMEM;
	size_t i;
	const json_t *p;
	json_array_foreach(a, i, p)
	{
		char w[48];
		snprintf(w, sizeof(w), "host.cpupools[%zu].", i);
		if (!json_is_object(p))
			return bad(c, "host.cpupools[%zu]: expected an object", i);
		struct xn_cpupool *pl = &h->pools[h->nr_pools];
		uint64_t id;
		bool known;
		const json_t *cpus;
		if ((r = xn_rp_get_u64(c, p, w, "id", UINT32_MAX, &id, &known)))
			return r;
		if ((r = xn_rp_get_array(c, p, w, "cpus", &cpus)))
			return r;
		if (!known || !cpus)
			return bad(c, "%s: expected an id and cpus", w);
		if (xn_host_pool(h, (uint32_t)id))
			return bad(c, "%sid: pool %" PRIu64 " listed twice", w, id);
		pl->id = (uint32_t)id;
		if ((r = get_bits(c, cpus, w, "cpus", pl->cpus.w, XN_MAX_CPUS)))
			return r;
		h->nr_pools++;
	}
	return 0;
}

static int parse_host(struct xn_rp_ctx *c, const json_t *o, struct xn_host *h)
{
	const char *s;
	uint64_t v;
	bool known;
	int r;
	const json_t *nodes, *dist;
	if (!json_is_object(o))
		return bad(c, "host: missing or not an object");
	if ((r = xn_rp_get_string(c, o, "host.", "hostname", &s)))
		return r;
	xn_strlcpy(h->hostname, s ? s : "", sizeof(h->hostname));
	if ((r = xn_rp_get_u64(c, o, "host.", "page_size", UINT32_MAX, &v, &known)))
		return r;
	h->page_size = known ? v : 0;
	if ((r = xn_rp_get_u64(c, o, "host.", "nr_cpus", XN_MAX_CPUS, &v, &known)))
		return r;
	if (known) {
		h->nr_cpus = (int)v;
		h->valid |= XN_HOST_CPUS;
	}
	if ((r = xn_rp_get_array(c, o, "host.", "nodes", &nodes)))
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
	if ((r = xn_rp_get_array(c, o, "host.", "distance", &dist)))
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
	return parse_pools(c, o, h);
}

/* A per-node array: exactly nr_nodes integers (signed when delta). */
static int get_per_node(struct xn_rp_ctx *c, const json_t *o, const char *where, const char *key,
                        int nn, bool is_signed, void *out, bool *known)
{
	const json_t *a;
	int r;
	*known = false;
	if ((r = xn_rp_get_array(c, o, where, key, &a)) || !a)
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

/* Xen's limit is 4096 vCPUs and a process with more threads than this is
 * not real: a recorded count beyond it would make -v print billions of
 * lines (found by the replay_derive harness). */
#define XN_RP_MAX_VCPUS 65536

static int parse_domain_cpu(struct xn_rp_ctx *c, const json_t *o, const char *w,
                            struct xn_domain *d)
{
	uint64_t v;
	bool known;
	const json_t *a;
	const char *s;
	int r;
	if ((r = xn_rp_get_string(c, o, w, "state", &s)))
		return r;
	if (s) {
		/* xentop's flags are ASCII letters and '-': anything else
		 * (controls, or UTF-8 that 6 bytes would cut) is refused */
		for (const char *q = s; *q; q++)
			if (*q < 0x20 || *q > 0x7e || q - s >= 6)
				return bad(c,
				           "%sstate: \"%.12s\" is not 6 printable ASCII characters",
				           w, s);
		memset(d->state, '-', 6);
		memcpy(d->state, s, strnlen(s, 6));
		d->state[6] = '\0';
		d->valid |= XN_DOM_STATE;
	}
	if ((r = xn_rp_get_u64(c, o, w, "cpu_ns", UINT64_MAX, &d->cpu_ns, &known)))
		return r;
	d->valid |= known ? XN_DOM_CPU_NS : 0;
	if ((r = xn_rp_get_double(c, o, w, "cpu_pct", &d->cpu_pct, &known)))
		return r;
	d->valid |= known ? XN_DOM_CPU_PCT : 0;
	if ((r = xn_rp_get_u64(c, o, w, "vcpus", XN_RP_MAX_VCPUS, &v, &known)))
		return r;
	if (known) {
		d->vcpus = (uint32_t)v;
		d->valid |= XN_DOM_VCPUS;
	}
	if ((r = xn_rp_get_array(c, o, w, "vcpu_node", &a)) || !a)
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

static int parse_domain_mem(struct xn_rp_ctx *c, const json_t *o, const char *w,
                            struct xn_domain *d, int nn, int schema)
{
	bool known, b = false;
	const json_t *a;
	const char *s;
	int r;
	if ((r = xn_rp_get_u64(c, o, w, "mem_cur", UINT64_MAX, &d->mem_cur, &known)))
		return r;
	d->valid |= known ? XN_DOM_MEM_CUR : 0;
	if ((r = xn_rp_get_u64(c, o, w, "mem_max", UINT64_MAX, &d->mem_max, &known)))
		return r;
	if (known) {
		d->valid |= XN_DOM_MEM_MAX;
	} else {
		d->mem_max = UINT64_MAX;
		if ((r = xn_rp_get_bool(c, o, w, "mem_max_unlimited", &b, &known)))
			return r;
		if (known && b)
			d->valid |= XN_DOM_MEM_MAX;
	}
	if ((r = get_per_node(c, o, w, "node_pages", nn, false, d->node_pages, &known)))
		return r;
	if (known) {
		d->valid |= XN_DOM_PAGES;
		if ((r = xn_rp_get_string(c, o, w, "pages_method", &s)))
			return r;
		d->pages_method = XN_PAGES_NONE;
		if (s) {
			d->pages_method = xn_pages_method_parse(s);
			if (d->pages_method == XN_PAGES_NONE && strcmp(s, "none") != 0)
				d->pages_method = XN_PAGES_RECORDED;
		}
		const json_t *age = json_object_get(o, "pages_age_ms");
		/* A century of milliseconds is far beyond any real age, and
		 * keeps the rounding of the age column clear of overflow. */
		if (age && !json_is_null(age) &&
		    (!json_is_integer(age) || json_integer_value(age) < 0 ||
		     json_integer_value(age) > 100LL * 366 * 86400 * 1000))
			return bad(c,
			           "%spages_age_ms: expected milliseconds (0 to a century) or null",
			           w);
		d->pages_age_ms = json_is_integer(age) ? json_integer_value(age) : 0;
	}
	if ((r = get_per_node(c, o, w, "node_delta", nn, true, d->node_delta, &known)))
		return r;
	d->valid |= known ? XN_DOM_DELTA : 0;
	if ((r = xn_rp_get_array(c, o, w, "node_affinity", &a)))
		return r;
	if (a) {
		if ((r = get_bits(c, a, w, "node_affinity", d->node_affinity.w, XN_MAX_NODES)))
			return r;
		if ((r = xn_rp_get_bool(c, o, w, "affinity_auto", &b, &known)))
			return r;
		d->affinity_auto = known && b;
		d->valid |= XN_DOM_AFFINITY;
	}
	if ((r = xn_rp_get_bool(c, o, w, "self", &b, &known)))
		return r;
	d->valid |= known && b ? XN_DOM_SELF : 0;
	if ((r = xn_rp_get_double(c, o, w, "locality", &d->locality, &known)))
		return r;
	/* a percentage, as the advice's local_now that is made from it */
	if (known && (d->locality < 0 || d->locality > 100))
		return bad(c, "%slocality: expected 0..100", w);
	/* Schema 1's locality meant "pages on any vCPU's node" (a dom0 spread
	 * over every node showed 100): leave it to the sampler, which derives
	 * today's meaning from the recorded pages and vCPU nodes. */
	d->valid |= known && schema >= 2 ? XN_DOM_LOCALITY : 0;
	if ((r = xn_rp_get_u64(c, o, w, "pages_outside", UINT64_MAX, &d->pages_outside, &known)))
		return r;
	d->valid |= known ? XN_DOM_OUTSIDE : 0;
	return 0;
}

/* xentop -n / -x figures (optional keys, written only by a xen source):
 * a group is known when its count is. */
/* Schema 5's cpupool: the id of one of host.cpupools. */
static int parse_domain_pool(struct xn_rp_ctx *c, const json_t *o, const char *w,
                             const struct xn_host *h, struct xn_domain *d)
{
	uint64_t v;
	bool known;
	int r;
	if ((r = xn_rp_get_u64(c, o, w, "cpupool", UINT32_MAX, &v, &known)) || !known)
		return r;
	if (!xn_host_pool(h, (uint32_t)v))
		return bad(c, "%scpupool: pool %" PRIu64 " is not in host.cpupools", w, v);
	d->cpupool = (uint32_t)v;
	d->valid |= XN_DOM_CPUPOOL;
	return 0;
}

/* Schema 5's config_affinity: ["cpus", "cpus_soft", "nodes"], any of them. */
static int parse_domain_config(struct xn_rp_ctx *c, const json_t *o, const char *w,
                               struct xn_domain *d)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {
	        {"cpus", XN_CFG_CPUS}, {"cpus_soft", XN_CFG_CPUS_SOFT}, {"nodes", XN_CFG_NODES}};
	const json_t *a;
	int r;
	if ((r = xn_rp_get_array(c, o, w, "config_affinity", &a)) || !a)
		return r;
	size_t i;
	const json_t *v;
	json_array_foreach(a, i, v)
	{
		size_t k = 0;
		while (k < sizeof(names) / sizeof(names[0]) &&
		       !(json_is_string(v) && !strcmp(json_string_value(v), names[k].name)))
			k++;
		if (k == sizeof(names) / sizeof(names[0]))
			return bad(c,
			           "%sconfig_affinity[%zu]: expected \"cpus\", \"cpus_soft\" or "
			           "\"nodes\"",
			           w, i);
		d->config_affinity |= names[k].bit;
	}
	d->valid |= XN_DOM_CONFIG_AFF;
	return 0;
}

/* Schema 6's mem_policy: a string as numa_maps prints it ("bind:1"); absent
 * or null (an older recording, a cgroup, a Xen domain) leaves it unknown. */
static int parse_domain_policy(struct xn_rp_ctx *c, const json_t *o, const char *w,
                               struct xn_domain *d)
{
	const char *p;
	int r;
	if ((r = xn_rp_get_string(c, o, w, "mem_policy", &p)) || !p)
		return r;
	size_t n = strlen(p);
	if (n == 0 || n >= sizeof(d->mem_policy))
		return bad(c, "%smem_policy: expected 1 to %zu characters", w,
		           sizeof(d->mem_policy) - 1);
	/* plain ASCII, as the words that quote it are */
	for (size_t i = 0; i <= n; i++)
		d->mem_policy[i] = i == n ? '\0' : p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '?';
	d->valid |= XN_DOM_MEM_POLICY;
	return 0;
}

static int parse_domain_net_vbd(struct xn_rp_ctx *c, const json_t *o, const char *w,
                                struct xn_domain *d)
{
	const struct {
		const char *key;
		uint64_t *out;
		unsigned bit;
	} f[] = {
	        {"net_tx_bytes", &d->net_tx_bytes, XN_DOM_NET},
	        {"net_rx_bytes", &d->net_rx_bytes, XN_DOM_NET},
	        {"vbd_oo", &d->vbd_oo, XN_DOM_VBD},
	        {"vbd_rd", &d->vbd_rd, XN_DOM_VBD},
	        {"vbd_wr", &d->vbd_wr, XN_DOM_VBD},
	        {"vbd_rsect", &d->vbd_rsect, XN_DOM_VBD},
	        {"vbd_wsect", &d->vbd_wsect, XN_DOM_VBD},
	};
	uint64_t v;
	bool known;
	int r;
	if ((r = xn_rp_get_u64(c, o, w, "nets", UINT32_MAX, &v, &known)))
		return r;
	if (known) {
		d->nets = (uint32_t)v;
		d->valid |= XN_DOM_NET;
	}
	if ((r = xn_rp_get_u64(c, o, w, "vbds", UINT32_MAX, &v, &known)))
		return r;
	if (known) {
		d->vbds = (uint32_t)v;
		d->valid |= XN_DOM_VBD;
	}
	if ((r = xn_rp_get_u64(c, o, w, "ssid", UINT32_MAX, &v, &known)))
		return r;
	if (known) { /* schema 4 */
		d->ssid = (uint32_t)v;
		d->valid |= XN_DOM_SSID;
	}
	const char *uuid = NULL;
	if ((r = xn_rp_get_string(c, o, w, "uuid", &uuid)))
		return r;
	if (uuid) { /* schema 4 */
		if (xn_uuid_parse(uuid, d->uuid))
			return XN_RP_BAD(c, "%suuid: expected a UUID (8-4-4-4-12 hex digits)", w);
		d->valid |= XN_DOM_UUID;
	}
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if ((r = xn_rp_get_u64(c, o, w, f[i].key, UINT64_MAX, f[i].out, &known)))
			return r;
		if (!known && (d->valid & f[i].bit))
			return bad(c, "%s%s: missing beside its count", w, f[i].key);
	}
	return 0;
}

static int parse_domain(struct xn_rp_ctx *c, const json_t *o, size_t i, struct xn_snapshot *s,
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
	if ((r = parse_domain_net_vbd(c, o, w, d)))
		return r;
	if ((r = parse_domain_pool(c, o, w, &s->host, d)))
		return r;
	if ((r = parse_domain_config(c, o, w, d)) || (r = parse_domain_policy(c, o, w, d)))
		return r;
	if (schema < 2)
		return 0;
	if ((r = xn_rp_parse_vcpu_info(c, o, w, d)))
		return r;
	return xn_rp_parse_advice(c, o, w, d);
}

/* Where the figures come from: schema 2's "origin"; a recording without
 * one (schema 1, or null) came from its "source" unless that was itself a
 * replay. */
static int parse_origin(struct xn_rp_ctx *c, const json_t *root, int schema, struct xn_snapshot *s)
{
	const char *src, *org = NULL;
	int r;
	if ((r = xn_rp_get_string(c, root, "", "source", &src)))
		return r;
	if (schema >= 2 && (r = xn_rp_get_string(c, root, "", "origin", &org)))
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

static int parse_root(struct xn_rp_ctx *c, const json_t *root, struct xn_snapshot *s)
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
	if (json_integer_value(schema) < 1 || json_integer_value(schema) > 6)
		return bad(c, "schema %lld is not supported (this program reads schemas 1 to 6)",
		           (long long)json_integer_value(schema));
	int version = (int)json_integer_value(schema);
	if ((r = xn_rp_get_string(c, root, "", "time", &t)))
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
	if ((r = xn_rp_get_double(c, root, "", "interval", &interval, &known)))
		return r;
	s->interval = known && interval > 0 ? interval : 0;
	if ((r = parse_host(c, json_object_get(root, "host"), &s->host)))
		return r;
	if ((r = xn_rp_get_array(c, root, "", "domains", &doms)))
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
	struct xn_rp_ctx c = {err, errlen};
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
