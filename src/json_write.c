/* json_write.c - one snapshot as one line of JSON (schema 1, documented in
 * man/xentop-numa-json.5). The same line is the --record format, read back by
 * the replay source. Unknown values are null, never 0. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "output.h"

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when the byte at p
 * does not start one (stray continuation, overlong form, surrogate, beyond
 * U+10FFFF, truncated). */
static int utf8_seq_len(const unsigned char *p)
{
	int n;
	unsigned cp;
	if (*p < 0x80)
		return 1;
	if (*p < 0xc2 || *p > 0xf4)
		return 0;
	n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
	cp = *p & (0x3fu >> (n - 1));
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3fu);
	}
	if (n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
		return 0;
	if (n == 4 && (cp < 0x10000 || cp > 0x10ffff))
		return 0;
	return n;
}

/* A JSON string for any byte string: valid UTF-8 passes through; control
 * characters (C0, DEL, C1) are \u escapes so the line is safe on a terminal;
 * each byte that is not valid UTF-8 becomes the code point U+00XX (written
 * \u00XX) so the output is always valid JSON. */
static void put_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	fputc('"', f);
	while (*p) {
		int n = utf8_seq_len(p);
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
		} else if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
			fprintf(f, "\\u%04x", p[1]); /* C1 control U+0080..U+009F */
			p += 2;
		} else {
			fwrite(p, 1, (size_t)n, f);
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
		fprintf(f, "%.15g", v);
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

static void put_host(FILE *f, const struct xn_host *h)
{
	fputs("{\"hostname\":", f);
	put_string(f, h->hostname);
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
			put_string(f, name);
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
	fputc('}', f);
}

static void put_domain(FILE *f, const struct xn_domain *d, int nn)
{
	unsigned v = d->valid;
	fprintf(f, "{\"id\":%" PRId64 ",\"name\":", d->id);
	if (d->name)
		put_string(f, d->name);
	else
		fputs("null", f);
	fputs(",\"state\":", f);
	if (v & XN_DOM_STATE) {
		char st[sizeof(d->state) + 1];
		memcpy(st, d->state, sizeof(d->state));
		st[sizeof(d->state)] = '\0';
		put_string(f, st);
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
		put_string(f, xn_pages_method_name(d->pages_method));
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
	fputs(",\"affinity_auto\":", f);
	if (v & XN_DOM_AFFINITY)
		fputs(d->affinity_auto ? "true" : "false", f);
	else
		fputs("null", f);
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
	fputc('}', f);
}

int xn_json_write_snapshot(FILE *f, const struct xn_snapshot *s)
{
	char source[sizeof(s->source) + 1];
	memcpy(source, s->source, sizeof(s->source));
	source[sizeof(s->source)] = '\0';

	fputs("{\"schema\":1,\"time\":", f);
	put_time(f, &s->time);
	fputs(",\"source\":", f);
	put_string(f, source);
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
