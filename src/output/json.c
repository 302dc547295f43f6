/* json.c - one snapshot as one line of JSON (schema 6, documented in
 * man/xentop-numa-json.5). The same line is the --record format, read back by
 * the replay source. Unknown values are null, never 0. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "output.h"
#include "util.h"

/* A JSON string for any byte string: valid UTF-8 passes through; control
 * characters (C0, DEL, C1) and invisible or bidi format characters
 * (xn_cp_invisible) are \u escapes so the line is safe on a terminal;
 * each byte that is not valid UTF-8 becomes the code point U+00XX (written
 * \u00XX) so the output is always valid JSON. */
void xn_json_put_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	fputc('"', f);
	while (*p) {
		uint32_t cp = 0;
		int n = xn_utf8_decode(p, &cp);
		if (n == 0) {
			fprintf(f, "\\u%04x", *p);
			p++;
		} else if (n == 1) {
			switch (*p) {
			case '"':
				fputs("\\\"", f);
				break;
			case '\\':
				fputs("\\\\", f);
				break;
			case '\n':
				fputs("\\n", f);
				break;
			case '\t':
				fputs("\\t", f);
				break;
			case '\r':
				fputs("\\r", f);
				break;
			default:
				if (*p < 0x20 || *p == 0x7f)
					fprintf(f, "\\u%04x", *p);
				else
					fputc(*p, f);
			}
			p++;
		} else if (cp < 0xa0) {
			fprintf(f, "\\u%04x", cp); /* C1 control U+0080..U+009F */
			p += 2;
		} else {
			if (!xn_cp_invisible(cp))
				fwrite(p, 1, (size_t)n, f);
			else if (cp < 0x10000)
				fprintf(f, "\\u%04x", cp); /* bidi, zero-width: not raw */
			else
				fprintf(f, "\\u%04x\\u%04x", 0xd800 + ((cp - 0x10000) >> 10),
				        0xdc00 + ((cp - 0x10000) & 0x3ff));
			p += n;
		}
	}
	fputc('"', f);
}

static void put_u64(FILE *f, bool known, uint64_t v)
{
	if (known)
		fprintf(f, "%" PRIu64, v);
	else
		fputs("null", f);
}

static void put_double(FILE *f, bool known, double v)
{
	if (known && isfinite(v))
		fprintf(f, "%.15g", v == 0 ? 0.0 : v); /* -0 would read back as 0 */
	else
		fputs("null", f);
}

/* RFC 3339, UTC, nanoseconds: 2026-11-23T13:44:09.123456789Z */
static void put_time(FILE *f, const struct timespec *t)
{
	struct tm tm;
	time_t sec = t->tv_sec;
	char buf[64];
	if (!gmtime_r(&sec, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm)) {
		fputs("null", f);
		return;
	}
	long ns = t->tv_nsec >= 0 && t->tv_nsec < 1000000000 ? t->tv_nsec : 0;
	fprintf(f, "\"%s.%09ldZ\"", buf, ns);
}

static void put_bits(FILE *f, const uint64_t *w, int nbits)
{
	bool first = true;
	fputc('[', f);
	for (int b = xn_bits_next(w, nbits, 0); b >= 0; b = xn_bits_next(w, nbits, b + 1)) {
		fprintf(f, first ? "%d" : ",%d", b);
		first = false;
	}
	fputc(']', f);
}

/* A node or CPU set as the list operators type ("0-1,3"); null when empty. */
static void put_list(FILE *f, const uint64_t *w, int nbits)
{
	char buf[1024];
	if (xn_bits_empty(w, nbits)) {
		fputs("null", f);
		return;
	}
	xn_bits_format_list(w, nbits, buf, sizeof(buf));
	xn_json_put_string(f, buf);
}

static void put_opt_string(FILE *f, bool known, const char *s)
{
	if (known && s)
		xn_json_put_string(f, s);
	else
		fputs("null", f);
}

/* One object per vCPU; its node is vcpu_node[i]. */
static void put_vcpu_info(FILE *f, const struct xn_domain *d)
{
	if (!(d->valid & XN_DOM_VCPU_INFO) || !d->vcpu_info) {
		fputs("null", f);
		return;
	}
	fputc('[', f);
	for (uint32_t i = 0; i < d->vcpus; i++) {
		const struct xn_vcpu *v = &d->vcpu_info[i];
		int node = (d->valid & XN_DOM_VCPU_NODE) && d->vcpu_node ? d->vcpu_node[i] : -1;
		char st[2] = {v->state, '\0'};
		fprintf(f, "%s{\"vcpu\":%" PRIu32 ",\"cpu\":", i ? "," : "", i);
		put_u64(f, (v->valid & XN_VCPU_CPU) && v->cpu >= 0, (uint64_t)v->cpu);
		fputs(",\"node\":", f);
		put_u64(f, node >= 0, (uint64_t)node);
		fputs(",\"state\":", f);
		/* one printable letter, else unknown (never a stray byte) */
		put_opt_string(f, (v->valid & XN_VCPU_STATE) && v->state > ' ' && v->state < 0x7f,
		               st);
		fputs(",\"hard\":", f);
		put_opt_string(f, v->valid & XN_VCPU_HARD, v->hard);
		fputs(",\"soft\":", f);
		put_opt_string(f, v->valid & XN_VCPU_SOFT, v->soft);
		fputc('}', f);
	}
	fputc(']', f);
}

/* The verdict and every term behind it; the figures are null when there is
 * no judgement (action "none"). */
static void put_advice(FILE *f, const struct xn_advice *a, bool valid)
{
	if (!valid) {
		fputs("null", f);
		return;
	}
	bool k = a->action > XN_ADVICE_NONE && a->action < XN_ADVICE__COUNT;
	fputs("{\"action\":", f);
	xn_json_put_string(f, xn_advice_action_name(a->action));
	fputs(",\"nodes\":", f);
	if (k)
		put_list(f, a->nodes.w, XN_MAX_NODES);
	else
		fputs("null", f);
	fputs(",\"local_now\":", f);
	put_double(f, k, a->local_now);
	fputs(",\"local_expected\":", f);
	put_double(f, k, a->local_expected);
	fputs(",\"pages_to_move\":", f);
	put_u64(f, k, a->pages_to_move);
	fputs(",\"memory_moves\":", f);
	fputs(!k ? "null" : a->memory_moves ? "true" : "false", f);
	fputs(",\"mem_free_after\":", f);
	if (k)
		fprintf(f, "%" PRId64, a->mem_free_after);
	else
		fputs("null", f);
	fputs(",\"vcpus_there\":", f);
	put_u64(f, k, a->vcpus_there);
	fputs(",\"cpus_there\":", f);
	put_u64(f, k, a->cpus_there);
	fputs(",\"distance\":", f);
	put_double(f, k, a->distance);
	fputs(",\"score\":", f);
	put_double(f, k, a->score);
	/* schema 3: the plan's step and what it overrides */
	bool step = k && a->step > 0;
	fputs(",\"step\":", f);
	put_u64(f, step, a->step);
	fputs(",\"ratio_after\":", f);
	put_double(f, step && a->ratio_after > 0, a->ratio_after);
	fputs(",\"overrides\":", f);
	char ov[sizeof(a->overrides) + 1];
	memcpy(ov, a->overrides, sizeof(a->overrides));
	ov[sizeof(a->overrides)] = '\0';
	if (step && ov[0])
		xn_json_put_string(f, ov);
	else
		fputs("null", f);
	fputs(",\"reason\":", f);
	char reason[sizeof(a->reason) + 1];
	memcpy(reason, a->reason, sizeof(a->reason));
	reason[sizeof(a->reason)] = '\0';
	xn_json_put_string(f, reason);
	fputs(",\"pending_action\":", f);
	xn_json_put_string(f, xn_advice_action_name(a->pending_action));
	fputs(",\"pending_nodes\":", f);
	put_list(f, a->pending_nodes.w, XN_MAX_NODES);
	fprintf(f, ",\"pending_count\":%" PRIu32 "}", a->pending_count);
}

static void put_host(FILE *f, const struct xn_host *h)
{
	fputs("{\"hostname\":", f);
	xn_json_put_string(f, h->hostname);
	fputs(",\"page_size\":", f);
	put_u64(f, h->page_size > 0, h->page_size);
	fputs(",\"nr_cpus\":", f);
	put_u64(f, (h->valid & XN_HOST_CPUS) && h->nr_cpus >= 0, (uint64_t)h->nr_cpus);
	fputs(",\"nodes\":[", f);
	for (int i = 0; i < h->nr_nodes; i++) {
		const struct xn_node *n = &h->nodes[i];
		fprintf(f, "%s{\"id\":%d,\"mem_total\":", i ? "," : "", n->id);
		put_u64(f, n->valid & XN_NODE_TOTAL, n->mem_total);
		fputs(",\"mem_free\":", f);
		put_u64(f, n->valid & XN_NODE_FREE, n->mem_free);
		fputs(",\"cpus\":", f);
		if (n->valid & XN_NODE_CPUS)
			put_bits(f, n->cpus.w, XN_MAX_CPUS);
		else
			fputs("null", f);
		fputs(",\"zones\":[", f);
		bool first = true;
		for (int z = 0; z < h->nr_zones; z++) {
			const struct xn_zone *zn = &h->zones[z];
			if (zn->node_idx != i)
				continue;
			fputs(first ? "{\"name\":" : ",{\"name\":", f);
			first = false;
			char name[sizeof(zn->name) + 1];
			memcpy(name, zn->name, sizeof(zn->name));
			name[sizeof(zn->name)] = '\0';
			xn_json_put_string(f, name);
			fputs(",\"free_pages\":", f);
			put_u64(f, zn->valid & XN_ZONE_FREE, zn->free_pages);
			fputs(",\"managed_pages\":", f);
			put_u64(f, zn->valid & XN_ZONE_MANAGED, zn->managed_pages);
			fputc('}', f);
		}
		fputs("]}", f);
	}
	fputs("],\"distance\":", f);
	if ((h->valid & XN_HOST_DISTANCE) && h->distance && h->nr_nodes > 0) {
		fputc('[', f);
		for (int i = 0; i < h->nr_nodes; i++) {
			fputs(i ? ",[" : "[", f);
			for (int j = 0; j < h->nr_nodes; j++)
				fprintf(f, j ? ",%" PRIu32 : "%" PRIu32,
				        h->distance[i * h->nr_nodes + j]);
			fputc(']', f);
		}
		fputc(']', f);
	} else {
		fputs("null", f);
	}
	/* schema 5: the cpupools, only from a source that reads them (xen) */
	if (h->nr_pools > 0) {
		fputs(",\"cpupools\":[", f);
		for (int i = 0; i < h->nr_pools; i++) {
			fprintf(f, "%s{\"id\":%" PRIu32 ",\"cpus\":", i ? "," : "", h->pools[i].id);
			put_bits(f, h->pools[i].cpus.w, XN_MAX_CPUS);
			fputc('}', f);
		}
		fputc(']', f);
	}
	fputc('}', f);
}

static void put_domain(FILE *f, const struct xn_domain *d, int nn)
{
	unsigned v = d->valid;
	fprintf(f, "{\"id\":%" PRId64 ",\"name\":", d->id);
	if (d->name)
		xn_json_put_string(f, d->name);
	else
		fputs("null", f);
	fputs(",\"state\":", f);
	if (v & XN_DOM_STATE) {
		char st[sizeof(d->state) + 1];
		memcpy(st, d->state, sizeof(d->state));
		st[sizeof(d->state)] = '\0';
		xn_json_put_string(f, st);
	} else {
		fputs("null", f);
	}
	fputs(",\"cpu_ns\":", f);
	put_u64(f, v & XN_DOM_CPU_NS, d->cpu_ns);
	fputs(",\"cpu_pct\":", f);
	put_double(f, v & XN_DOM_CPU_PCT, d->cpu_pct);
	fputs(",\"vcpus\":", f);
	put_u64(f, v & XN_DOM_VCPUS, d->vcpus);
	fputs(",\"vcpu_node\":", f);
	if ((v & XN_DOM_VCPU_NODE) && d->vcpu_node) {
		fputc('[', f);
		for (uint32_t i = 0; i < d->vcpus; i++) {
			if (i)
				fputc(',', f);
			if (d->vcpu_node[i] >= 0)
				fprintf(f, "%d", d->vcpu_node[i]);
			else
				fputs("null", f);
		}
		fputc(']', f);
	} else {
		fputs("null", f);
	}
	fputs(",\"mem_cur\":", f);
	put_u64(f, v & XN_DOM_MEM_CUR, d->mem_cur);
	fputs(",\"mem_max\":", f);
	put_u64(f, (v & XN_DOM_MEM_MAX) && d->mem_max != UINT64_MAX, d->mem_max);
	fputs(",\"mem_max_unlimited\":", f);
	if (v & XN_DOM_MEM_MAX)
		fputs(d->mem_max == UINT64_MAX ? "true" : "false", f);
	else
		fputs("null", f);
	/* xentop's -n / -x figures: only from a source that reads them (xen) */
	if (v & XN_DOM_NET)
		fprintf(f,
		        ",\"nets\":%" PRIu32 ",\"net_tx_bytes\":%" PRIu64
		        ",\"net_rx_bytes\":%" PRIu64,
		        d->nets, d->net_tx_bytes, d->net_rx_bytes);
	if (v & XN_DOM_VBD)
		fprintf(f,
		        ",\"vbds\":%" PRIu32 ",\"vbd_oo\":%" PRIu64 ",\"vbd_rd\":%" PRIu64
		        ",\"vbd_wr\":%" PRIu64 ",\"vbd_rsect\":%" PRIu64 ",\"vbd_wsect\":%" PRIu64,
		        d->vbds, d->vbd_oo, d->vbd_rd, d->vbd_wr, d->vbd_rsect, d->vbd_wsect);
	/* schema 4: xentop's SSID, likewise */
	if (v & XN_DOM_SSID)
		fprintf(f, ",\"ssid\":%" PRIu32, d->ssid);
	if (v & XN_DOM_UUID) {
		char u[XN_UUID_STR];
		xn_uuid_format(d->uuid, u);
		fprintf(f, ",\"uuid\":\"%s\"", u);
	}
	if (v & XN_DOM_CPUPOOL) /* schema 5: the id of one of host.cpupools */
		fprintf(f, ",\"cpupool\":%" PRIu32, d->cpupool);
	if (v & XN_DOM_CONFIG_AFF) /* schema 5: what its configuration sets */
		fprintf(f, ",\"config_affinity\":[%s%s%s%s%s]",
		        d->config_affinity & XN_CFG_CPUS ? "\"cpus\"" : "",
		        (d->config_affinity & XN_CFG_CPUS) && (d->config_affinity & ~XN_CFG_CPUS)
		                ? ","
		                : "",
		        d->config_affinity & XN_CFG_CPUS_SOFT ? "\"cpus_soft\"" : "",
		        (d->config_affinity & XN_CFG_CPUS_SOFT) &&
		                        (d->config_affinity & XN_CFG_NODES)
		                ? ","
		                : "",
		        d->config_affinity & XN_CFG_NODES ? "\"nodes\"" : "");
	fputs(",\"node_pages\":", f);
	if ((v & XN_DOM_PAGES) && d->node_pages) {
		fputc('[', f);
		for (int i = 0; i < nn; i++)
			fprintf(f, i ? ",%" PRIu64 : "%" PRIu64, d->node_pages[i]);
		fputc(']', f);
	} else {
		fputs("null", f);
	}
	fputs(",\"pages_method\":", f);
	if ((v & XN_DOM_PAGES) && d->pages_method != XN_PAGES_NONE)
		xn_json_put_string(f, xn_pages_method_name(d->pages_method));
	else
		fputs("null", f);
	fputs(",\"pages_age_ms\":", f);
	if ((v & XN_DOM_PAGES) && d->pages_age_ms >= 0)
		fprintf(f, "%" PRId64, d->pages_age_ms);
	else
		fputs("null", f);
	fputs(",\"node_affinity\":", f);
	if (v & XN_DOM_AFFINITY)
		put_bits(f, d->node_affinity.w, XN_MAX_NODES);
	else
		fputs("null", f);
	if (v & XN_DOM_SELF)
		fputs(",\"self\":true", f); /* schema 4 */
	fputs(",\"affinity_auto\":", f);
	if (v & XN_DOM_AFFINITY)
		fputs(d->affinity_auto ? "true" : "false", f);
	else
		fputs("null", f);
	if (v & XN_DOM_MEM_POLICY) { /* schema 6: the policy of most of its pages */
		char pol[sizeof(d->mem_policy) + 1];
		memcpy(pol, d->mem_policy, sizeof(d->mem_policy));
		pol[sizeof(d->mem_policy)] = '\0';
		fputs(",\"mem_policy\":", f);
		xn_json_put_string(f, pol);
	}
	fputs(",\"locality\":", f);
	put_double(f, v & XN_DOM_LOCALITY, d->locality);
	fputs(",\"pages_outside\":", f);
	put_u64(f, v & XN_DOM_OUTSIDE, d->pages_outside);
	fputs(",\"node_delta\":", f);
	if ((v & XN_DOM_DELTA) && d->node_delta) {
		fputc('[', f);
		for (int i = 0; i < nn; i++)
			fprintf(f, i ? ",%" PRId64 : "%" PRId64, d->node_delta[i]);
		fputc(']', f);
	} else {
		fputs("null", f);
	}
	fputs(",\"vcpu_info\":", f);
	put_vcpu_info(f, d);
	fputs(",\"advice\":", f);
	put_advice(f, &d->advice, v & XN_DOM_ADVICE);
	/* schema 4: a replay's advice is recomputed; what the recording held */
	fputs(",\"recorded_advice\":", f);
	put_advice(f, &d->recorded_advice, v & XN_DOM_RECORDED_ADVICE);
	fputc('}', f);
}

int xn_json_write_snapshot(FILE *f, const struct xn_snapshot *s)
{
	char source[sizeof(s->source) + 1];
	memcpy(source, s->source, sizeof(s->source));
	source[sizeof(s->source)] = '\0';

	char origin[sizeof(s->origin) + 1];
	memcpy(origin, s->origin, sizeof(s->origin));
	origin[sizeof(s->origin)] = '\0';

	fputs("{\"schema\":6,\"time\":", f);
	put_time(f, &s->time);
	fputs(",\"source\":", f);
	xn_json_put_string(f, source);
	fputs(",\"origin\":", f);
	put_opt_string(f, origin[0] != '\0', origin);
	fputs(",\"interval\":", f);
	put_double(f, s->interval > 0, s->interval);
	fputs(",\"host\":", f);
	put_host(f, &s->host);
	fputs(",\"domains\":[", f);
	for (size_t i = 0; i < s->nr_domains; i++) {
		if (i)
			fputc(',', f);
		put_domain(f, &s->domains[i], s->host.nr_nodes);
	}
	fputs("]}\n", f);
	if (fflush(f) != 0 || ferror(f))
		return errno ? -errno : -EIO;
	return 0;
}
