/* prom.c - a snapshot as Prometheus text exposition 0.0.4 or OpenMetrics
 * 1.0 (prom.h). One metric family at a time, every sample of a family
 * together, as both formats require; a value the source could not read
 * has no sample at all (absent, never a made-up 0). */
#include "prom.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum fam_type { GAUGE, COUNTER, INFO };

/* name: the sample name as written (with _total / _info); the family name
 * of OpenMetrics drops that suffix. unit: OpenMetrics' UNIT, a suffix of
 * the name, or NULL. */
struct family {
	const char *name;
	enum fam_type type;
	const char *unit;
	const char *help;
};

enum {
	F_NODE_TOTAL,
	F_NODE_FREE,
	F_ZONE_FREE,
	F_DISTANCE,
	F_DOM_MEM,
	F_DOM_LOCAL,
	F_DOM_OUTSIDE,
	F_DOM_VCPUS,
	F_DOM_CPU,
	F_DOM_AFFINITY,
	F_ADV_INFO,
	F_ADV_LOCAL,
	F_ADV_MOVE,
	F_PAGES_AGE,
	F_MISPLACED,
	F_SAMPLE_TIME,
	F_SAMPLE_DURATION,
	F_BAL_ACTIONS,
	F_BAL_BYTES,
	F_BAL_LAST,
	F_BAL_PENDING,
	F_BUILD,
	F__COUNT
};

static const struct family families[F__COUNT] = {
        [F_NODE_TOTAL] = {"xentop_numa_node_memory_total_bytes", GAUGE, "bytes",
                          "Memory of the NUMA node."},
        [F_NODE_FREE] = {"xentop_numa_node_memory_free_bytes", GAUGE, "bytes",
                         "Free memory of the NUMA node."},
        [F_ZONE_FREE] = {"xentop_numa_node_zone_free_bytes", GAUGE, "bytes",
                         "Free memory of a zone of the NUMA node (Linux zones, Xen heap "
                         "address-width zones)."},
        [F_DISTANCE] = {"xentop_numa_node_distance", GAUGE, NULL,
                        "Distance from node to node as the firmware gives it (10 = local)."},
        [F_DOM_MEM] = {"xentop_numa_domain_memory_bytes", GAUGE, "bytes",
                       "Memory of the domain on the NUMA node."},
        [F_DOM_LOCAL] = {"xentop_numa_domain_local_ratio", GAUGE, "ratio",
                         "Share of the domain's memory local to its vCPUs (0 to 1)."},
        [F_DOM_OUTSIDE] = {"xentop_numa_domain_outside_affinity_bytes", GAUGE, "bytes",
                           "Memory of the domain on nodes outside its node affinity."},
        [F_DOM_VCPUS] = {"xentop_numa_domain_vcpus", GAUGE, NULL,
                         "vCPUs (Linux: threads) of the domain that ran last on the node."},
        [F_DOM_CPU] = {"xentop_numa_domain_cpu_seconds_total", COUNTER, "seconds",
                       "CPU time the domain has used."},
        [F_DOM_AFFINITY] = {"xentop_numa_domain_node_affinity_info", INFO, NULL,
                            "Node affinity of the domain; auto: chosen by the system."},
        [F_ADV_INFO] = {"xentop_numa_domain_advice_info", INFO, NULL,
                        "Placement advice for the domain (the same smoothed verdict as the "
                        "screen and --advise): action ok, stuck, vcpus, memory or both, to "
                        "the target nodes; step: its place in the host's plan (1 first, "
                        "empty when not a step of this sample's plan)."},
        [F_ADV_LOCAL] = {"xentop_numa_domain_advice_expected_local_ratio", GAUGE, "ratio",
                         "Local share expected right after the advised action (0 to 1)."},
        [F_ADV_MOVE] = {"xentop_numa_domain_advice_move_bytes", GAUGE, "bytes",
                        "Memory the advised action copies (Xen live move: all of it; Linux: "
                        "pages not yet on the targets; a vCPU move copies none)."},
        [F_PAGES_AGE] = {"xentop_numa_pages_age_seconds", GAUGE, "seconds",
                         "Age of the domain's per-node memory figures at sample time."},
        [F_MISPLACED] = {"xentop_numa_misplaced_domains", GAUGE, NULL,
                         "Domains whose advice asks for a change (action vcpus, memory or "
                         "both), in domains."},
        [F_SAMPLE_TIME] = {"xentop_numa_sample_timestamp_seconds", GAUGE, "seconds",
                           "Wall-clock time the sample was taken, in seconds since the Unix "
                           "epoch (time() minus it: the data's age)."},
        [F_SAMPLE_DURATION] = {"xentop_numa_sample_duration_seconds", GAUGE, "seconds",
                               "Time the last sample took."},
        [F_BAL_ACTIONS] = {"xentop_numa_balance_actions_total", COUNTER, NULL,
                           "Steps --balance ended, by action (vcpus, memory, both) and result "
                           "(done, reverted, failed, skipped; dry_run: decided under --dry-run)."},
        [F_BAL_BYTES] = {"xentop_numa_balance_bytes_moved_total", COUNTER, NULL,
                         "Memory copied by the memory steps --balance has done."},
        [F_BAL_LAST] = {"xentop_numa_balance_last_action_timestamp_seconds", GAUGE, "seconds",
                        "Time of the last step --balance ended (done, reverted or failed; "
                        "under --dry-run: decided), in seconds since the Unix epoch."},
        [F_BAL_PENDING] = {"xentop_numa_balance_step_pending", GAUGE, NULL,
                           "1 when --balance holds a step for the domain (waiting out the "
                           "window or a cool-down, or in flight), else 0."},
        [F_BUILD] = {"xentop_numa_build_info", INFO, NULL,
                     "Version of xentop-numa, its source and its per-node page methods."},
};

const char *const xn_prom_bal_action_names[XN_PROM_BAL_ACTIONS] = {"vcpus", "memory", "both"};
const char *const xn_prom_bal_result_names[XN_PROM_BAL_RESULTS] = {"done", "reverted", "failed",
                                                                   "skipped", "dry_run"};

const char *xn_prom_content_type(enum xn_prom_format fmt)
{
	return fmt == XN_PROM_OPENMETRICS ? "application/openmetrics-text; version=1.0.0; "
	                                    "charset=utf-8"
	                                  : "text/plain; version=0.0.4; charset=utf-8";
}

void xn_prom_put_label_value(FILE *f, const char *s)
{
	static const char fffd[] = "\xef\xbf\xbd";
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		uint32_t cp = 0;
		int n = xn_utf8_decode(p, &cp);
		if (n == 1) {
			if (*p == '\\')
				fputs("\\\\", f);
			else if (*p == '"')
				fputs("\\\"", f);
			else if (*p == '\n')
				fputs("\\n", f);
			else if (*p < 0x20 || *p == 0x7f)
				fputs(fffd, f);
			else
				fputc(*p, f);
			p++;
		} else if (n == 0) {
			fputs(fffd, f); /* one per byte that is not UTF-8 */
			p++;
		} else {
			if (cp < 0xa0 || xn_cp_invisible(cp))
				fputs(fffd, f);
			else
				fwrite(p, 1, (size_t)n, f);
			p += n;
		}
	}
}

/* The family name: OpenMetrics names a counter family without _total and an
 * info family without _info; 0.0.4 has no info type (a gauge of 1). */
static void put_header(FILE *f, enum xn_prom_format fmt, const struct family *fam)
{
	const char *type = fam->type == COUNTER ? "counter" : "gauge";
	int len = (int)strlen(fam->name);
	if (fmt == XN_PROM_OPENMETRICS && fam->type != GAUGE) {
		len -= fam->type == COUNTER ? (int)strlen("_total") : (int)strlen("_info");
		type = fam->type == COUNTER ? "counter" : "info";
	}
	fprintf(f, "# HELP %.*s %s\n# TYPE %.*s %s\n", len, fam->name, fam->help, len, fam->name,
	        type);
	if (fmt == XN_PROM_OPENMETRICS && fam->unit)
		fprintf(f, "# UNIT %.*s %s\n", len, fam->name, fam->unit);
}

static void put_u64(FILE *f, uint64_t v)
{
	fprintf(f, "} %" PRIu64 "\n", v);
}

/* A float as Go's ParseFloat reads it; callers never pass NaN or infinity. */
static void put_double(FILE *f, double v)
{
	fprintf(f, "} %.10g\n", v);
}

static void put_dom(FILE *f, const char *metric, const struct xn_domain *d)
{
	fprintf(f, "%s{domid=\"%" PRId64 "\",name=\"", metric, d->id);
	xn_prom_put_label_value(f, d->name);
	fputc('"', f);
}

static void write_host(FILE *f, enum xn_prom_format fmt, const struct xn_host *h)
{
	put_header(f, fmt, &families[F_NODE_TOTAL]);
	for (int i = 0; i < h->nr_nodes; i++)
		if (h->nodes[i].valid & XN_NODE_TOTAL) {
			fprintf(f, "%s{node=\"%d\"", families[F_NODE_TOTAL].name, h->nodes[i].id);
			put_u64(f, h->nodes[i].mem_total);
		}
	put_header(f, fmt, &families[F_NODE_FREE]);
	for (int i = 0; i < h->nr_nodes; i++)
		if (h->nodes[i].valid & XN_NODE_FREE) {
			fprintf(f, "%s{node=\"%d\"", families[F_NODE_FREE].name, h->nodes[i].id);
			put_u64(f, h->nodes[i].mem_free);
		}
	put_header(f, fmt, &families[F_ZONE_FREE]);
	for (int i = 0; i < h->nr_zones; i++) {
		const struct xn_zone *z = &h->zones[i];
		if (!(z->valid & XN_ZONE_FREE) || z->node_idx < 0 || z->node_idx >= h->nr_nodes)
			continue;
		fprintf(f, "%s{node=\"%d\",zone=\"", families[F_ZONE_FREE].name,
		        h->nodes[z->node_idx].id);
		xn_prom_put_label_value(f, z->name);
		fputc('"', f);
		put_u64(f, z->free_pages * h->page_size);
	}
	put_header(f, fmt, &families[F_DISTANCE]);
	if (h->valid & XN_HOST_DISTANCE)
		for (int i = 0; i < h->nr_nodes; i++)
			for (int j = 0; j < h->nr_nodes; j++) {
				fprintf(f, "%s{node=\"%d\",to=\"%d\"", families[F_DISTANCE].name,
				        h->nodes[i].id, h->nodes[j].id);
				put_u64(f, h->distance[i * h->nr_nodes + j]);
			}
}

/* The per-domain families with one sample per domain and no other label. */
static void write_dom_scalars(FILE *f, enum xn_prom_format fmt, const struct xn_snapshot *s)
{
	const struct xn_host *h = &s->host;
	put_header(f, fmt, &families[F_DOM_LOCAL]);
	for (size_t i = 0; i < s->nr_domains; i++) {
		const struct xn_domain *d = &s->domains[i];
		if ((d->valid & XN_DOM_LOCALITY) && isfinite(d->locality)) {
			put_dom(f, families[F_DOM_LOCAL].name, d);
			put_double(f, d->locality / 100.0);
		}
	}
	put_header(f, fmt, &families[F_DOM_OUTSIDE]);
	for (size_t i = 0; i < s->nr_domains; i++) {
		const struct xn_domain *d = &s->domains[i];
		if (d->valid & XN_DOM_OUTSIDE) {
			put_dom(f, families[F_DOM_OUTSIDE].name, d);
			put_u64(f, d->pages_outside * h->page_size);
		}
	}
	put_header(f, fmt, &families[F_DOM_CPU]);
	for (size_t i = 0; i < s->nr_domains; i++) {
		const struct xn_domain *d = &s->domains[i];
		if (d->valid & XN_DOM_CPU_NS) {
			put_dom(f, families[F_DOM_CPU].name, d);
			put_double(f, (double)d->cpu_ns / 1e9);
		}
	}
	put_header(f, fmt, &families[F_PAGES_AGE]);
	for (size_t i = 0; i < s->nr_domains; i++) {
		const struct xn_domain *d = &s->domains[i];
		if (d->valid & XN_DOM_PAGES) {
			put_dom(f, families[F_PAGES_AGE].name, d);
			put_double(f, (double)d->pages_age_ms / 1000.0);
		}
	}
}

static void write_dom_nodes(FILE *f, enum xn_prom_format fmt, const struct xn_snapshot *s)
{
	const struct xn_host *h = &s->host;
	put_header(f, fmt, &families[F_DOM_MEM]);
	for (size_t i = 0; i < s->nr_domains; i++) {
		const struct xn_domain *d = &s->domains[i];
		if (!(d->valid & XN_DOM_PAGES))
			continue;
		for (int n = 0; n < h->nr_nodes; n++) {
			put_dom(f, families[F_DOM_MEM].name, d);
			fprintf(f, ",node=\"%d\"", h->nodes[n].id);
			put_u64(f, d->node_pages[n] * h->page_size);
		}
	}
	put_header(f, fmt, &families[F_DOM_VCPUS]);
	for (size_t i = 0; i < s->nr_domains; i++) {
		const struct xn_domain *d = &s->domains[i];
		if (!(d->valid & XN_DOM_VCPU_NODE) || !(d->valid & XN_DOM_VCPUS))
			continue;
		for (int n = 0; n < h->nr_nodes; n++) {
			uint64_t c = 0;
			for (uint32_t v = 0; v < d->vcpus; v++)
				c += d->vcpu_node[v] == h->nodes[n].id;
			put_dom(f, families[F_DOM_VCPUS].name, d);
			fprintf(f, ",node=\"%d\"", h->nodes[n].id);
			put_u64(f, c);
		}
	}
	put_header(f, fmt, &families[F_DOM_AFFINITY]);
	for (size_t i = 0; i < s->nr_domains; i++) {
		const struct xn_domain *d = &s->domains[i];
		if (!(d->valid & XN_DOM_AFFINITY))
			continue;
		char nodes[512];
		xn_bits_format_list(d->node_affinity.w, XN_MAX_NODES, nodes, sizeof(nodes));
		put_dom(f, families[F_DOM_AFFINITY].name, d);
		fprintf(f, ",nodes=\"%s\",auto=\"%s\"", nodes, d->affinity_auto ? "true" : "false");
		put_u64(f, 1);
	}
}

static void write_advice(FILE *f, enum xn_prom_format fmt, const struct xn_snapshot *s)
{
	put_header(f, fmt, &families[F_ADV_INFO]);
	for (size_t i = 0; i < s->nr_domains; i++) {
		const struct xn_domain *d = &s->domains[i];
		if (!(d->valid & XN_DOM_ADVICE) || d->advice.action <= XN_ADVICE_NONE)
			continue;
		char nodes[512] = "";
		if (xn_advice_is_misplaced(&d->advice))
			xn_bits_format_list(d->advice.nodes.w, XN_MAX_NODES, nodes, sizeof(nodes));
		char step[16] = "";
		if (xn_advice_is_misplaced(&d->advice) && d->advice.step)
			snprintf(step, sizeof(step), "%" PRIu32, d->advice.step);
		put_dom(f, families[F_ADV_INFO].name, d);
		fprintf(f, ",action=\"%s\",target=\"%s\",step=\"%s\"",
		        xn_advice_action_name(d->advice.action), nodes, step);
		put_u64(f, 1);
	}
	put_header(f, fmt, &families[F_ADV_LOCAL]);
	for (size_t i = 0; i < s->nr_domains; i++) {
		const struct xn_domain *d = &s->domains[i];
		if (!(d->valid & XN_DOM_ADVICE) || d->advice.action <= XN_ADVICE_NONE ||
		    !isfinite(d->advice.local_expected))
			continue;
		put_dom(f, families[F_ADV_LOCAL].name, d);
		put_double(f, d->advice.local_expected / 100.0);
	}
	put_header(f, fmt, &families[F_ADV_MOVE]);
	for (size_t i = 0; i < s->nr_domains; i++) {
		const struct xn_domain *d = &s->domains[i];
		if (!(d->valid & XN_DOM_ADVICE) || !xn_advice_is_misplaced(&d->advice))
			continue;
		put_dom(f, families[F_ADV_MOVE].name, d);
		put_u64(f, d->advice.pages_to_move * s->host.page_size);
	}
}

/* The page methods in use, in the enum's order: "numa_maps,sampled". */
static void methods_list(const struct xn_snapshot *s, char *buf, size_t len)
{
	bool seen[XN_PAGES__COUNT] = {false};
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < s->nr_domains; i++)
		if (s->domains[i].pages_method < XN_PAGES__COUNT)
			seen[s->domains[i].pages_method] = true;
	for (int m = 1; m < XN_PAGES__COUNT; m++)
		if (seen[m] && o < len)
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "," : "",
			                      xn_pages_method_name((enum xn_pages_method)m));
	if (!buf[0])
		xn_strlcpy(buf, "none", len);
}

/* Every action and result, zeros too: rate() needs a series from the start. */
static void write_balance(FILE *f, enum xn_prom_format fmt, const struct xn_snapshot *s,
                          const struct xn_prom_balance *b)
{
	put_header(f, fmt, &families[F_BAL_ACTIONS]);
	for (int a = 0; a < XN_PROM_BAL_ACTIONS; a++)
		for (int r = 0; r < XN_PROM_BAL_RESULTS; r++) {
			fprintf(f, "%s{action=\"%s\",result=\"%s\"", families[F_BAL_ACTIONS].name,
			        xn_prom_bal_action_names[a], xn_prom_bal_result_names[r]);
			put_u64(f, b->actions[a][r]);
		}
	put_header(f, fmt, &families[F_BAL_BYTES]);
	fprintf(f, "%s %" PRIu64 "\n", families[F_BAL_BYTES].name, b->bytes_moved);
	/* absent, not 1970, before the first step ends */
	put_header(f, fmt, &families[F_BAL_LAST]);
	if (b->last_action > 0 && isfinite(b->last_action))
		fprintf(f, "%s %.3f\n", families[F_BAL_LAST].name, b->last_action);
	put_header(f, fmt, &families[F_BAL_PENDING]);
	for (size_t i = 0; i < s->nr_domains; i++) {
		put_dom(f, families[F_BAL_PENDING].name, &s->domains[i]);
		put_u64(f, b->pending && b->pending[i]);
	}
}

static void write_tool(FILE *f, enum xn_prom_format fmt, const struct xn_snapshot *s,
                       const struct xn_prom_meta *m)
{
	size_t misplaced = 0;
	for (size_t i = 0; i < s->nr_domains; i++)
		misplaced += (s->domains[i].valid & XN_DOM_ADVICE) &&
		             xn_advice_is_misplaced(&s->domains[i].advice);
	put_header(f, fmt, &families[F_MISPLACED]);
	fprintf(f, "%s %zu\n", families[F_MISPLACED].name, misplaced);
	/* absent, not 1970, when the sample has no time (a recording without) */
	put_header(f, fmt, &families[F_SAMPLE_TIME]);
	if (s->time.tv_sec > 0)
		fprintf(f, "%s %lld.%03ld\n", families[F_SAMPLE_TIME].name,
		        (long long)s->time.tv_sec, s->time.tv_nsec / 1000000);
	put_header(f, fmt, &families[F_SAMPLE_DURATION]);
	if (m && m->sample_seconds >= 0 && isfinite(m->sample_seconds))
		fprintf(f, "%s %.6f\n", families[F_SAMPLE_DURATION].name, m->sample_seconds);
	char methods[256];
	methods_list(s, methods, sizeof(methods));
	put_header(f, fmt, &families[F_BUILD]);
	fprintf(f, "%s{version=\"%s\",source=\"", families[F_BUILD].name, XN_VERSION);
	xn_prom_put_label_value(f, s->source);
	fprintf(f, "\",pages_method=\"%s\"", methods);
	put_u64(f, 1);
}

int xn_prom_write(FILE *f, const struct xn_snapshot *s, const struct xn_prom_meta *m,
                  enum xn_prom_format fmt)
{
	write_host(f, fmt, &s->host);
	write_dom_nodes(f, fmt, s);
	write_dom_scalars(f, fmt, s);
	write_advice(f, fmt, s);
	if (m && m->balance)
		write_balance(f, fmt, s, m->balance);
	write_tool(f, fmt, s, m);
	if (fmt == XN_PROM_OPENMETRICS)
		fputs("# EOF\n", f);
	if (fflush(f) || ferror(f))
		return errno ? -errno : -EIO;
	return 0;
}

int xn_prom_render(const struct xn_snapshot *s, const struct xn_prom_meta *m,
                   enum xn_prom_format fmt, char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	FILE *f = open_memstream(buf, len);
	if (!f)
		return -ENOMEM;
	int r = xn_prom_write(f, s, m, fmt);
	if (fclose(f) && !r)
		r = -ENOMEM;
	if (r) {
		free(*buf);
		*buf = NULL;
		*len = 0;
	}
	return r;
}
