/* columns.c - the column table shared by the TUI, text batch and CSV output
 * (see columns.h). Formatters and comparators only read fields: the sampler
 * derived everything once. */
#include "columns.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

#define MIB 1048576.0

static void put_unknown(char *buf, size_t len)
{
	snprintf(buf, len, "-");
}

static void fmt_id(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx, char *buf,
                   size_t len)
{
	snprintf(buf, len, "%" PRId64, d->id);
}

static void fmt_name(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx, char *buf,
                     size_t len)
{
	if (!d->name)
		put_unknown(buf, len);
	else
		xn_escape(d->name, buf, len);
}

static void fmt_state(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx,
                      char *buf, size_t len)
{
	if (!(d->valid & XN_DOM_STATE))
		put_unknown(buf, len);
	else
		xn_escape(d->state, buf, len); /* a recording can hold any 6 bytes */
}

static void fmt_cpu_sec(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx,
                        char *buf, size_t len)
{
	if (!(d->valid & XN_DOM_CPU_NS))
		put_unknown(buf, len);
	else
		snprintf(buf, len, "%" PRIu64, d->cpu_ns / 1000000000u);
}

static void fmt_cpu_pct(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx,
                        char *buf, size_t len)
{
	if (!(d->valid & XN_DOM_CPU_PCT))
		put_unknown(buf, len);
	else
		snprintf(buf, len, "%.1f", d->cpu_pct);
}

static void fmt_mem(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx, char *buf,
                    size_t len)
{
	if (!(d->valid & XN_DOM_MEM_CUR))
		put_unknown(buf, len);
	else
		snprintf(buf, len, "%" PRIu64, d->mem_cur / 1024);
}

/* Host memory as xentop's MEM(%) divides by it: the sum of the nodes'
 * totals; 0 when any node's total is unknown. */
static uint64_t host_total(const struct xn_snapshot *s)
{
	uint64_t t = 0;
	if (!s || s->host.nr_nodes <= 0)
		return 0;
	for (int i = 0; i < s->host.nr_nodes; i++) {
		if (!(s->host.nodes[i].valid & XN_NODE_TOTAL))
			return 0;
		t += s->host.nodes[i].mem_total;
	}
	return t;
}

static void fmt_mem_pct(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx,
                        char *buf, size_t len)
{
	uint64_t t = host_total(c->snap);
	if (!(d->valid & XN_DOM_MEM_CUR) || t == 0)
		put_unknown(buf, len);
	else
		snprintf(buf, len, "%.1f", (double)d->mem_cur / (double)t * 100.0);
}

static void fmt_maxmem(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx,
                       char *buf, size_t len)
{
	if (!(d->valid & XN_DOM_MEM_MAX))
		put_unknown(buf, len);
	else if (d->mem_max == UINT64_MAX)
		snprintf(
		        buf, len,
		        "no-limit"); /* one word: what xentop's clients rewrite its "no limit" to */
	else
		snprintf(buf, len, "%" PRIu64, d->mem_max / 1024);
}

static void fmt_maxmem_pct(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx,
                           char *buf, size_t len)
{
	uint64_t t = host_total(c->snap);
	if (!(d->valid & XN_DOM_MEM_MAX) || (d->mem_max != UINT64_MAX && t == 0))
		put_unknown(buf, len);
	else if (d->mem_max == UINT64_MAX)
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%.1f", (double)d->mem_max / (double)t * 100.0);
}

static void fmt_vcpus(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx,
                      char *buf, size_t len)
{
	if (!(d->valid & XN_DOM_VCPUS))
		put_unknown(buf, len);
	else
		snprintf(buf, len, "%" PRIu32, d->vcpus);
}

/* A page count in the chosen units; "-" when it cannot be expressed. */
static void fmt_pages(const struct xn_fmt_ctx *c, const struct xn_domain *d, uint64_t pages,
                      char *buf, size_t len)
{
	int nn = c->snap ? c->snap->host.nr_nodes : 0;
	switch (c->units) {
	case XN_UNITS_PAGES:
		snprintf(buf, len, "%" PRIu64, pages);
		return;
	case XN_UNITS_PCT: {
		uint64_t total = xn_domain_pages_total(d, nn);
		if (total == 0)
			put_unknown(buf, len);
		else
			snprintf(buf, len, "%.1f", (double)pages / (double)total * 100.0);
		return;
	}
	case XN_UNITS_MIB:
	default:
		if (!c->snap || c->snap->host.page_size == 0)
			put_unknown(buf, len);
		else
			snprintf(buf, len, "%.1f",
			         (double)pages * (double)c->snap->host.page_size / MIB);
		return;
	}
}

static void fmt_node(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx, char *buf,
                     size_t len)
{
	if (!(d->valid & XN_DOM_PAGES) || !c->snap || node_idx < 0 ||
	    node_idx >= c->snap->host.nr_nodes)
		put_unknown(buf, len);
	else
		fmt_pages(c, d, d->node_pages[node_idx], buf, len);
}

static void fmt_local(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx,
                      char *buf, size_t len)
{
	if (!(d->valid & XN_DOM_LOCALITY))
		put_unknown(buf, len);
	else
		snprintf(buf, len, "%.1f", d->locality);
}

static void fmt_affinity(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx,
                         char *buf, size_t len)
{
	/* an empty mask says nothing: unknown too */
	bool empty = xn_bits_empty(d->node_affinity.w, XN_MAX_NODES);
	if (!(d->valid & XN_DOM_AFFINITY) || (empty && !d->affinity_auto))
		put_unknown(buf, len);
	else if (d->affinity_auto)
		snprintf(buf, len, "all"); /* as `xl list -n`: no explicit affinity */
	else if (c->snap && c->snap->host.nr_nodes > 0 &&
	         xn_nodemask_is_all(&d->node_affinity, &c->snap->host))
		snprintf(buf, len, "all");
	else
		xn_bits_format_list(d->node_affinity.w, XN_MAX_NODES, buf, len);
}

static void fmt_outside(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx,
                        char *buf, size_t len)
{
	if (!(d->valid & XN_DOM_OUTSIDE))
		put_unknown(buf, len);
	else
		fmt_pages(c, d, d->pages_outside, buf, len);
}

static void fmt_method(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx,
                       char *buf, size_t len)
{
	if (!(d->valid & XN_DOM_PAGES) || d->pages_method == XN_PAGES_NONE)
		put_unknown(buf, len);
	else
		snprintf(buf, len, "%s", xn_pages_method_name(d->pages_method));
}

static void fmt_age(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx, char *buf,
                    size_t len)
{
	if (!(d->valid & XN_DOM_PAGES) || d->pages_method == XN_PAGES_NONE)
		put_unknown(buf, len);
	else
		snprintf(buf, len, "%" PRId64,
		         d->pages_age_ms < 0
		                 ? 0
		                 : d->pages_age_ms / 1000 + (d->pages_age_ms % 1000 >= 500));
}

/* xentop's network and VBD figures (libxenstat): counts, kB and requests. */
#define FMT_U64(fn, bit, expr)                                                                     \
	static void fn(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx,        \
	               char *buf, size_t len)                                                      \
	{                                                                                          \
		if (!(d->valid & (bit)))                                                           \
			put_unknown(buf, len);                                                     \
		else                                                                               \
			snprintf(buf, len, "%" PRIu64, (uint64_t)(expr));                          \
	}

FMT_U64(fmt_nets, XN_DOM_NET, d->nets)
FMT_U64(fmt_nettx, XN_DOM_NET, d->net_tx_bytes / 1024)
FMT_U64(fmt_netrx, XN_DOM_NET, d->net_rx_bytes / 1024)
FMT_U64(fmt_vbds, XN_DOM_VBD, d->vbds)
FMT_U64(fmt_vbd_oo, XN_DOM_VBD, d->vbd_oo)
FMT_U64(fmt_vbd_rd, XN_DOM_VBD, d->vbd_rd)
FMT_U64(fmt_vbd_wr, XN_DOM_VBD, d->vbd_wr)
FMT_U64(fmt_vbd_rsect, XN_DOM_VBD, d->vbd_rsect)
FMT_U64(fmt_vbd_wsect, XN_DOM_VBD, d->vbd_wsect)
FMT_U64(fmt_ssid, XN_DOM_SSID, d->ssid)

/* The nodes the vCPUs ran on last; unknown when no vCPU's node is known. */
static bool vnodes_of(const struct xn_domain *d, xn_nodemask *m)
{
	memset(m, 0, sizeof(*m));
	bool any = false;
	if (!(d->valid & XN_DOM_VCPU_NODE) || !d->vcpu_node)
		return false;
	for (uint32_t v = 0; v < d->vcpus; v++)
		if (d->vcpu_node[v] >= 0 && d->vcpu_node[v] < XN_MAX_NODES) {
			XN_NM_SET(m, d->vcpu_node[v]);
			any = true;
		}
	return any;
}

static void fmt_vnodes(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx,
                       char *buf, size_t len)
{
	xn_nodemask m;
	if (!vnodes_of(d, &m))
		put_unknown(buf, len);
	else
		xn_bits_format_list(m.w, XN_MAX_NODES, buf, len);
}

static void fmt_advice(const struct xn_fmt_ctx *c, const struct xn_domain *d, int node_idx,
                       char *buf, size_t len)
{
	if (!(d->valid & XN_DOM_ADVICE))
		put_unknown(buf, len);
	else
		xn_advice_format_short(&d->advice, buf, len);
}

/* Comparators: natural ascending order, unknown (valid bit clear) first. */
#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

static int cmp_known(const struct xn_domain *a, const struct xn_domain *b, unsigned bit, int *r)
{
	bool ka = (a->valid & bit) != 0, kb = (b->valid & bit) != 0;
	if (ka && kb)
		return 0;
	*r = CMP(ka, kb);
	return 1;
}

static int cmp_id(const struct xn_domain *a, const struct xn_domain *b, int node_idx)
{
	return CMP(a->id, b->id);
}

static int cmp_name(const struct xn_domain *a, const struct xn_domain *b, int node_idx)
{
	if (!a->name || !b->name)
		return CMP(a->name != NULL, b->name != NULL);
	int r = strcasecmp(a->name, b->name);
	return r ? r : strcmp(a->name, b->name);
}

/* As xentop: a domain with an earlier "dsbcpr" flag set sorts first. */
static int cmp_state(const struct xn_domain *a, const struct xn_domain *b, int node_idx)
{
	int r;
	if (cmp_known(a, b, XN_DOM_STATE, &r))
		return r;
	for (int i = 0; i < 6; i++) {
		bool fa = a->state[i] != '-' && a->state[i] != '\0';
		bool fb = b->state[i] != '-' && b->state[i] != '\0';
		if (fa != fb)
			return fa ? -1 : 1;
	}
	return 0;
}

#define CMP_FIELD(fn, bit, field)                                                                  \
	static int fn(const struct xn_domain *a, const struct xn_domain *b, int node_idx)          \
	{                                                                                          \
		int r;                                                                             \
		if (cmp_known(a, b, bit, &r))                                                      \
			return r;                                                                  \
		return CMP(a->field, b->field);                                                    \
	}

CMP_FIELD(cmp_cpu_sec, XN_DOM_CPU_NS, cpu_ns)
CMP_FIELD(cmp_cpu_pct, XN_DOM_CPU_PCT, cpu_pct)
CMP_FIELD(cmp_mem, XN_DOM_MEM_CUR, mem_cur)
CMP_FIELD(cmp_maxmem, XN_DOM_MEM_MAX, mem_max)
CMP_FIELD(cmp_vcpus, XN_DOM_VCPUS, vcpus)
CMP_FIELD(cmp_local, XN_DOM_LOCALITY, locality)
CMP_FIELD(cmp_outside, XN_DOM_OUTSIDE, pages_outside)

/* Per-node columns order by pages on that node, whatever the display units. */
static int cmp_node(const struct xn_domain *a, const struct xn_domain *b, int node_idx)
{
	int r;
	if (cmp_known(a, b, XN_DOM_PAGES, &r))
		return r;
	if (node_idx < 0)
		return 0;
	return CMP(a->node_pages[node_idx], b->node_pages[node_idx]);
}

/* "auto" first, then fewer nodes first, then the set holding the lowest
 * differing node id: {0} < {1} < {0,1}. */
static int cmp_affinity(const struct xn_domain *a, const struct xn_domain *b, int node_idx)
{
	int r;
	if (cmp_known(a, b, XN_DOM_AFFINITY, &r))
		return r;
	if (a->affinity_auto != b->affinity_auto)
		return a->affinity_auto ? -1 : 1;
	r = CMP(xn_bits_count(a->node_affinity.w, XN_MAX_NODES),
	        xn_bits_count(b->node_affinity.w, XN_MAX_NODES));
	if (r)
		return r;
	for (size_t i = 0; i < XN_ARRAY_SIZE(a->node_affinity.w); i++) {
		uint64_t x = a->node_affinity.w[i], y = b->node_affinity.w[i];
		if (x != y)
			return (x & (x ^ y) & ~((x ^ y) - 1)) ? -1 : 1;
	}
	return 0;
}

static int cmp_vnodes(const struct xn_domain *a, const struct xn_domain *b, int node_idx)
{
	xn_nodemask ma, mb;
	bool ka = vnodes_of(a, &ma), kb = vnodes_of(b, &mb);
	if (ka != kb)
		return ka ? 1 : -1;
	int fa = xn_bits_next(ma.w, XN_MAX_NODES, 0), fb = xn_bits_next(mb.w, XN_MAX_NODES, 0);
	if (fa != fb)
		return CMP(fa, fb);
	return CMP(xn_bits_count(ma.w, XN_MAX_NODES), xn_bits_count(mb.w, XN_MAX_NODES));
}

/* Misplaced first when reversed, in the plan's order (step 1 first; a held
 * step without a number after the plan's), then by the LOCAL% the advice
 * would gain. */
static int cmp_advice(const struct xn_domain *a, const struct xn_domain *b, int node_idx)
{
	int r;
	if (cmp_known(a, b, XN_DOM_ADVICE, &r))
		return r;
	bool ma = xn_advice_is_misplaced(&a->advice), mb = xn_advice_is_misplaced(&b->advice);
	if (ma != mb)
		return ma ? 1 : -1;
	uint32_t sa = a->advice.step, sb = b->advice.step;
	if (ma && sa != sb)
		return !sa ? -1 : !sb ? 1 : CMP(sb, sa); /* the earlier step is "greater" */
	double ga = a->advice.local_expected - a->advice.local_now;
	double gb = b->advice.local_expected - b->advice.local_now;
	return ma ? CMP(ga, gb) : CMP((int)a->advice.action, (int)b->advice.action);
}

static int cmp_method(const struct xn_domain *a, const struct xn_domain *b, int node_idx)
{
	int r;
	if (cmp_known(a, b, XN_DOM_PAGES, &r))
		return r;
	r = CMP((int)a->pages_method, (int)b->pages_method);
	return r ? r : CMP(a->pages_age_ms, b->pages_age_ms);
}

CMP_FIELD(cmp_age, XN_DOM_PAGES, pages_age_ms)
CMP_FIELD(cmp_nets, XN_DOM_NET, nets)
CMP_FIELD(cmp_nettx, XN_DOM_NET, net_tx_bytes)
CMP_FIELD(cmp_netrx, XN_DOM_NET, net_rx_bytes)
CMP_FIELD(cmp_vbds, XN_DOM_VBD, vbds)
CMP_FIELD(cmp_vbd_oo, XN_DOM_VBD, vbd_oo)
CMP_FIELD(cmp_vbd_rd, XN_DOM_VBD, vbd_rd)
CMP_FIELD(cmp_vbd_wr, XN_DOM_VBD, vbd_wr)
CMP_FIELD(cmp_vbd_rsect, XN_DOM_VBD, vbd_rsect)
CMP_FIELD(cmp_vbd_wsect, XN_DOM_VBD, vbd_wsect)
CMP_FIELD(cmp_ssid, XN_DOM_SSID, ssid)

#define NUM_COL(k, t, w, f, c)                                                                     \
	{                                                                                          \
		.key = k, .title = t, .width = w, .numeric = true, .format = f, .compare = c       \
	}

const struct xn_column xn_columns[XN_COL__COUNT] = {
        [XN_COL_ID] = {.key = "id",
                       .numeric = true,
                       .title = "ID",
                       .width = 5,
                       .format = fmt_id,
                       .compare = cmp_id},
        [XN_COL_NAME] = {.key = "name",
                         .title = "NAME",
                         .width = 10,
                         .left = true,
                         .format = fmt_name,
                         .compare = cmp_name},
        [XN_COL_STATE] = {.key = "state",
                          .title = "STATE",
                          .width = 6,
                          .format = fmt_state,
                          .compare = cmp_state},
        [XN_COL_CPU_SEC] = {.key = "cpu_sec",
                            .numeric = true,
                            .title = "CPU(sec)",
                            .width = 10,
                            .format = fmt_cpu_sec,
                            .compare = cmp_cpu_sec},
        [XN_COL_CPU_PCT] = {.key = "cpu_pct",
                            .numeric = true,
                            .title = "CPU(%)",
                            .width = 6,
                            .format = fmt_cpu_pct,
                            .compare = cmp_cpu_pct},
        [XN_COL_MEM] = {.key = "mem",
                        .csv = "mem_kib",
                        .numeric = true,
                        .title = "MEM(k)",
                        .width = 10,
                        .format = fmt_mem,
                        .compare = cmp_mem},
        [XN_COL_MEM_PCT] = {.key = "mem_pct",
                            .numeric = true,
                            .title = "MEM(%)",
                            .width = 6,
                            .format = fmt_mem_pct,
                            .compare = cmp_mem},
        [XN_COL_MAXMEM] = {.key = "maxmem",
                           .csv = "maxmem_kib",
                           .numeric = true,
                           .title = "MAXMEM(k)",
                           .width = 10,
                           .format = fmt_maxmem,
                           .compare = cmp_maxmem},
        [XN_COL_MAXMEM_PCT] = {.key = "maxmem_pct",
                               .numeric = true,
                               .title = "MAXMEM(%)",
                               .width = 9,
                               .format = fmt_maxmem_pct,
                               .compare = cmp_maxmem},
        [XN_COL_VCPUS] = {.key = "vcpus",
                          .numeric = true,
                          .title = "VCPUS",
                          .width = 5,
                          .format = fmt_vcpus,
                          .compare = cmp_vcpus},
        [XN_COL_NODE] = {.key = "node",
                         .numeric = true,
                         .title = "N%d",
                         .width = 7,
                         .per_node = true,
                         .format = fmt_node,
                         .compare = cmp_node},
        [XN_COL_LOCAL] = {.key = "local",
                          .numeric = true,
                          .title = "LOCAL%",
                          .width = 6,
                          .format = fmt_local,
                          .compare = cmp_local},
        [XN_COL_AFFINITY] = {.key = "affinity",
                             .title = "AFFINITY",
                             .width = 8,
                             .left = true,
                             .format = fmt_affinity,
                             .compare = cmp_affinity},
        [XN_COL_OUTSIDE] = {.key = "outside",
                            .numeric = true,
                            .title = "OUTSIDE",
                            .width = 7,
                            .format = fmt_outside,
                            .compare = cmp_outside},
        [XN_COL_METHOD] = {.key = "method",
                           .title = "METHOD",
                           .width = 12,
                           .left = true,
                           .format = fmt_method,
                           .compare = cmp_method},
        [XN_COL_VNODES] = {.key = "vnodes",
                           .title = "VNODES",
                           .width = 6,
                           .left = true,
                           .format = fmt_vnodes,
                           .compare = cmp_vnodes},
        [XN_COL_ADVICE] = {.key = "advice",
                           .title = "ADVICE",
                           .width = 9,
                           .left = true,
                           .format = fmt_advice,
                           .compare = cmp_advice},
        [XN_COL_AGE] = NUM_COL("age", "AGE(s)", 6, fmt_age, cmp_age),
        [XN_COL_NETS] = NUM_COL("nets", "NETS", 4, fmt_nets, cmp_nets),
        [XN_COL_NETTX] = {.key = "nettx",
                          .csv = "nettx_kib",
                          .title = "NETTX(k)",
                          .width = 8,
                          .numeric = true,
                          .format = fmt_nettx,
                          .compare = cmp_nettx},
        [XN_COL_NETRX] = {.key = "netrx",
                          .csv = "netrx_kib",
                          .title = "NETRX(k)",
                          .width = 8,
                          .numeric = true,
                          .format = fmt_netrx,
                          .compare = cmp_netrx},
        [XN_COL_VBDS] = NUM_COL("vbds", "VBDS", 4, fmt_vbds, cmp_vbds),
        [XN_COL_VBD_OO] = NUM_COL("vbd_oo", "VBD_OO", 8, fmt_vbd_oo, cmp_vbd_oo),
        [XN_COL_VBD_RD] = NUM_COL("vbd_rd", "VBD_RD", 8, fmt_vbd_rd, cmp_vbd_rd),
        [XN_COL_VBD_WR] = NUM_COL("vbd_wr", "VBD_WR", 8, fmt_vbd_wr, cmp_vbd_wr),
        [XN_COL_VBD_RSECT] = NUM_COL("vbd_rsect", "VBD_RSECT", 10, fmt_vbd_rsect, cmp_vbd_rsect),
        [XN_COL_VBD_WSECT] = NUM_COL("vbd_wsect", "VBD_WSECT", 10, fmt_vbd_wsect, cmp_vbd_wsect),
        [XN_COL_SSID] = NUM_COL("ssid", "SSID", 4, fmt_ssid, cmp_ssid),
};

const enum xn_col_id xn_column_order[XN_COL__COUNT] = {
        XN_COL_NAME,    XN_COL_STATE,     XN_COL_CPU_SEC,    XN_COL_CPU_PCT,  XN_COL_MEM,
        XN_COL_MEM_PCT, XN_COL_MAXMEM,    XN_COL_MAXMEM_PCT, XN_COL_VCPUS,    XN_COL_NETS,
        XN_COL_NETTX,   XN_COL_NETRX,     XN_COL_VBDS,       XN_COL_VBD_OO,   XN_COL_VBD_RD,
        XN_COL_VBD_WR,  XN_COL_VBD_RSECT, XN_COL_VBD_WSECT,  XN_COL_SSID,     XN_COL_ID,
        XN_COL_NODE,    XN_COL_LOCAL,     XN_COL_ADVICE,     XN_COL_AFFINITY, XN_COL_VNODES,
        XN_COL_OUTSIDE, XN_COL_METHOD,    XN_COL_AGE,
};

unsigned xn_column_group(enum xn_col_id id)
{
	if (id >= XN_COL_NETS && id <= XN_COL_NETRX)
		return XN_SHOW_NET;
	if (id >= XN_COL_VBDS && id <= XN_COL_VBD_WSECT)
		return XN_SHOW_VBD;
	return 0;
}

const char *xn_units_word(enum xn_units u)
{
	return u == XN_UNITS_PAGES ? "pg" : u == XN_UNITS_PCT ? "%" : "MiB";
}

void xn_column_node_title(const struct xn_snapshot *s, int node_idx, enum xn_units u, char *buf,
                          size_t len)
{
	char t[32];
	xn_column_title(XN_COL_NODE, s, node_idx, t, sizeof(t));
	snprintf(buf, len, "%s %s", t, xn_units_word(u));
}

_Static_assert(XN_ARRAY_SIZE(xn_columns) == XN_COL__COUNT, "one entry per column id");

int xn_column_find(const char *key)
{
	if (!key)
		return -1;
	for (int i = 0; i < XN_COL__COUNT; i++)
		if (!strcasecmp(xn_columns[i].key, key) ||
		    (!xn_columns[i].per_node && !strcasecmp(xn_columns[i].title, key)))
			return i;
	return -1;
}

void xn_column_title(enum xn_col_id id, const struct xn_snapshot *s, int node_idx, char *buf,
                     size_t len)
{
	if ((unsigned)id >= XN_COL__COUNT) {
		snprintf(buf, len, "?");
		return;
	}
	if (!xn_columns[id].per_node) {
		snprintf(buf, len, "%s", xn_columns[id].title);
		return;
	}
	int node_id = node_idx;
	if (s && node_idx >= 0 && node_idx < s->host.nr_nodes)
		node_id = s->host.nodes[node_idx].id;
	snprintf(buf, len, "N%d", node_id);
}

struct sort_arg {
	enum xn_col_id col;
	int node_idx;
	bool reverse;
};

static int sort_cmp(const void *pa, const void *pb, void *arg)
{
	const struct xn_domain *a = *(const struct xn_domain *const *)pa;
	const struct xn_domain *b = *(const struct xn_domain *const *)pb;
	const struct sort_arg *sa = arg;
	int r = xn_columns[sa->col].compare(a, b, sa->node_idx);
	if (sa->reverse)
		r = -r;
	/* Ties keep id order, in both directions, so the list does not jump. */
	return r ? r : CMP(a->id, b->id);
}

void xn_columns_sort(const struct xn_domain **doms, size_t n, enum xn_col_id col, int node_idx,
                     bool reverse)
{
	if (n < 2 || (unsigned)col >= XN_COL__COUNT)
		return;
	struct sort_arg sa = {.col = col, .node_idx = node_idx, .reverse = reverse};
	qsort_r(doms, n, sizeof(const struct xn_domain *), sort_cmp, &sa);
}

bool xn_column_default_reverse(enum xn_col_id id)
{
	/* Figures read best biggest first; words and ids in their natural order. */
	return !(id == XN_COL_ID || id == XN_COL_NAME || id == XN_COL_STATE ||
	         id == XN_COL_AFFINITY || id == XN_COL_METHOD || id == XN_COL_VNODES ||
	         id == XN_COL_AGE);
}

void xn_columns_dom0_first(const struct xn_domain **rows, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (rows[i]->id == 0) {
			const struct xn_domain *d0 = rows[i];
			memmove(rows + 1, rows, i * sizeof(const struct xn_domain *));
			rows[0] = d0;
			return;
		}
}

static const char *vcpu_state_word(char st)
{
	switch (st) {
	case 'r':
		return "running";
	case 'b':
		return "blocked";
	case 'o':
		return "offline";
	default:
		return "-";
	}
}

/* One vCPU row under its domain, from the name column on: number, CPU,
 * node, state, hard and soft affinity ("-" for what the source does not
 * know). k is the vCPU's index; k < 0 when the number of vCPUs is unknown. */
void xn_vcpu_fields(const struct xn_domain *d, uint32_t k, char *cpu, char *node,
                    const char **state, const char **hard, const char **soft, size_t len)
{
	const struct xn_vcpu *vi =
	        (d->valid & XN_DOM_VCPU_INFO) && d->vcpu_info ? &d->vcpu_info[k] : NULL;
	snprintf(cpu, len, "-");
	snprintf(node, len, "-");
	*state = "-";
	*hard = *soft = "-";
	if ((d->valid & XN_DOM_VCPU_NODE) && d->vcpu_node && d->vcpu_node[k] >= 0)
		snprintf(node, len, "%d", d->vcpu_node[k]);
	if (!vi)
		return;
	if ((vi->valid & XN_VCPU_CPU) && vi->cpu >= 0)
		snprintf(cpu, len, "%d", vi->cpu);
	if (vi->valid & XN_VCPU_STATE)
		*state = vcpu_state_word(vi->state);
	if ((vi->valid & XN_VCPU_HARD) && vi->hard)
		*hard = vi->hard;
	if ((vi->valid & XN_VCPU_SOFT) && vi->soft)
		*soft = vi->soft;
}

/* The name a list gives for a column: its header title, "N" for the node
 * family (its header says "N0 MiB", "N1 MiB"...). */
static const char *list_name(enum xn_col_id id)
{
	return xn_columns[id].per_node ? "N" : xn_columns[id].title;
}

int xn_columns_parse(const char *list, uint64_t *mask, char *bad, size_t badlen)
{
	uint64_t m = 0;
	const char *p = list ? list : "";
	for (;;) {
		size_t n = strcspn(p, ",");
		char name[64];
		if (n == 0 || n >= sizeof(name)) {
			snprintf(bad, badlen, "%.*s", (int)(n < 40 ? n : 40), p);
			return -EINVAL;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		int id = !strcasecmp(name, "N") ? XN_COL_NODE : xn_column_find(name);
		if (id < 0) {
			snprintf(bad, badlen, "%s", name);
			return -EINVAL;
		}
		m |= XN_COL_BIT(id);
		if (!p[n])
			break;
		p += n + 1;
	}
	*mask = m;
	return 0;
}

void xn_columns_names(uint64_t mask, char *buf, size_t len)
{
	size_t o = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < XN_COL__COUNT && o < len; i++) {
		enum xn_col_id id = xn_column_order[i];
		if (mask && !(mask & XN_COL_BIT(id)))
			continue;
		int k = snprintf(buf + o, len - o, "%s%s", o ? "," : "", list_name(id));
		o += k > 0 ? (size_t)k : 0;
	}
}
