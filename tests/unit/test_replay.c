/* test_replay.c - the replay source: a good recording plays in order and
 * steps back and forth; corrupt recordings (truncated last line, wrong types,
 * numbers beyond 64 bits, per-node arrays of the wrong length, missing
 * fields, garbage, an empty file) report each bad line once with its number
 * and keep the valid samples around it; writer -> parser round trip. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "output.h"
#include "replay.h"
#include "sampler.h"
#include "source.h"
#include "util.h"

static char fixture_dir[512];

static const char *fixture(const char *name)
{
	static char path[1024];
	snprintf(path, sizeof(path), "%s/%s", fixture_dir, name);
	return path;
}

/* Open a recording with stderr captured into *msgs (malloc'd). */
static int open_capture(const char *path, struct xn_source **src, char **msgs, char *err,
                        size_t errlen)
{
	char tmpl[] = "/tmp/xn-test-replay-XXXXXX";
	int fd = mkstemp(tmpl);
	int saved = dup(2);
	fflush(stderr);
	dup2(fd, 2);
	struct xn_source_config cfg = {.replay_file = path};
	int r = xn_source_replay.open(&cfg, src, err, errlen);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	*msgs = NULL;
	xn_read_file(tmpl, msgs, NULL);
	unlink(tmpl);
	if (!*msgs)
		*msgs = strdup("");
	return r;
}

static int count_substr(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The message line for line number ln, or NULL. */
static const char *msg_for_line(const char *msgs, const char *file, int ln)
{
	char key[600];
	snprintf(key, sizeof(key), "xentop-numa: %s:%d: ", file, ln);
	return strstr(msgs, key);
}

static void test_good(void)
{
	struct xn_source *src = NULL;
	char *msgs, err[512] = "";
	const char *path = fixture("good-2node.jsonl");
	int r = open_capture(path, &src, &msgs, err, sizeof(err));
	CHECK(r == 0);
	CHECK_STR(msgs, ""); /* nothing to complain about */
	free(msgs);
	if (r)
		return;
	long idx, count;
	CHECK(src->ops->position(src, &idx, &count) == 0);
	CHECK(idx == -1);
	CHECK(count == 4);
	CHECK(src->ops->set_node_affinity == NULL);

	struct xn_snapshot s[4];
	memset(s, 0, sizeof(s));
	for (int i = 0; i < 4; i++) {
		CHECK(src->ops->sample(src, &s[i]) == 0);
		CHECK_STR(s[i].source, "replay");
		CHECK_EQ_U64(s[i].nr_domains, 3);
		CHECK_EQ_U64(s[i].host.nr_nodes, 2);
		CHECK_EQ_U64(s[i].host.page_size, 4096);
		CHECK_EQ_U64(s[i].time.tv_sec, 1795441449 + i);
		CHECK_EQ_U64(s[i].mono_ns, (1795441449ull + (unsigned)i) * 1000000000ull);
		CHECK(s[i].domains[0].valid & XN_DOM_PAGES);
		CHECK(s[i].domains[0].pages_method == XN_PAGES_XEN_OP);
		CHECK_STR(s[i].domains[2].name, "vm-0003");
	}
	/* recorded derived values keep their valid bits; null stays unknown */
	CHECK(!(s[0].domains[0].valid & XN_DOM_CPU_PCT));
	CHECK(!(s[0].domains[0].valid & XN_DOM_DELTA));
	CHECK(s[1].domains[0].valid & XN_DOM_CPU_PCT);
	CHECK(s[3].domains[0].valid & XN_DOM_DELTA);
	CHECK(s[3].domains[0].valid & XN_DOM_OUTSIDE);
	/* but schema 1's locality had another meaning: left to the sampler */
	CHECK(!(s[3].domains[0].valid & XN_DOM_LOCALITY));
	xn_derive(&s[2], &s[3]);
	CHECK(s[3].domains[0].valid & XN_DOM_LOCALITY);
	{
		const struct xn_domain *d = &s[3].domains[0];
		double sum = 0;
		for (uint32_t v = 0; v < d->vcpus; v++)
			sum += (double)d->node_pages[d->vcpu_node[v]] /
			       (double)(d->node_pages[0] + d->node_pages[1]);
		CHECK(d->locality == 100.0 * sum / d->vcpus);
	}
	/* node_delta as recorded agrees with the pages it was recorded with */
	for (int n = 0; n < 2; n++)
		CHECK((int64_t)s[3].domains[0].node_pages[n] -
		              (int64_t)s[2].domains[0].node_pages[n] ==
		      s[3].domains[0].node_delta[n]);
	CHECK(s[0].host.nodes[1].valid & XN_NODE_CPUS);
	CHECK(xn_bits_test(s[0].host.nodes[1].cpus.w, 4));
	CHECK(s[0].host.valid & XN_HOST_DISTANCE);
	CHECK_EQ_U64(s[0].host.distance[1], 22);

	struct xn_snapshot x;
	memset(&x, 0, sizeof(x));
	CHECK(src->ops->sample(src, &x) == -ENODATA);
	CHECK(src->ops->position(src, &idx, &count) == 0);
	CHECK(idx == 3);

	/* step back one: the third sample again */
	CHECK(src->ops->seek(src, -1) == 0);
	CHECK(src->ops->sample(src, &x) == 0);
	CHECK_EQ_U64(x.time.tv_sec, s[2].time.tv_sec);
	CHECK_EQ_U64(x.domains[0].node_pages[0], s[2].domains[0].node_pages[0]);
	xn_snapshot_clear(&x);
	/* seek(0): the same again; seek(+1): the next */
	CHECK(src->ops->seek(src, 0) == 0);
	CHECK(src->ops->sample(src, &x) == 0);
	CHECK_EQ_U64(x.time.tv_sec, s[2].time.tv_sec);
	xn_snapshot_clear(&x);
	CHECK(src->ops->seek(src, 1) == 0);
	CHECK(src->ops->sample(src, &x) == 0);
	CHECK_EQ_U64(x.time.tv_sec, s[3].time.tv_sec);
	xn_snapshot_clear(&x);
	/* beyond the start: clamped to the first, with -ERANGE */
	CHECK(src->ops->seek(src, -100) == -ERANGE);
	CHECK(src->ops->sample(src, &x) == 0);
	CHECK_EQ_U64(x.time.tv_sec, s[0].time.tv_sec);
	xn_snapshot_clear(&x);
	CHECK(src->ops->seek(src, 100) == -ERANGE);
	CHECK(src->ops->sample(src, &x) == 0);
	CHECK_EQ_U64(x.time.tv_sec, s[3].time.tv_sec);
	xn_snapshot_clear(&x);

	for (int i = 0; i < 4; i++)
		xn_snapshot_clear(&s[i]);
	src->ops->close(src);
}

static void test_sampler(void)
{
	/* through the sampler: rates from the recorded times, stepping back
	 * keeps recorded derived values instead of computing negative ones */
	struct xn_source *src = NULL;
	char *msgs, err[512];
	CHECK(open_capture(fixture("good-2node.jsonl"), &src, &msgs, err, sizeof(err)) == 0);
	free(msgs);
	if (!src)
		return;
	struct xn_sampler sm = {.src = src};
	CHECK(xn_sampler_step(&sm) == 0);
	CHECK(!(sm.cur.domains[0].valid & XN_DOM_CPU_PCT));
	CHECK(xn_sampler_step(&sm) == 0);
	CHECK(sm.cur.interval > 0.99 && sm.cur.interval < 1.01);
	CHECK(sm.cur.domains[0].valid & XN_DOM_CPU_PCT);
	double pct = sm.cur.domains[0].cpu_pct;
	CHECK(xn_sampler_step(&sm) == 0);
	CHECK(src->ops->seek(src, -1) == 0);
	CHECK(xn_sampler_step(&sm) == 0);
	CHECK(sm.cur.domains[0].cpu_pct == pct);
	xn_sampler_clear(&sm);
	src->ops->close(src);
}

/* The recorded interval (the recorder's monotonic clock) is kept for a
 * sample that follows the previous one; the times are wall clock, read
 * beside it, and a preempted recorder put more than a millisecond between
 * the two (the lab's record check failed so). After a seek, or across a
 * line skipped as invalid, the interval comes from the times. */
static void test_recorded_interval(void)
{
	char *text = NULL;
	CHECK(xn_read_file(fixture("good-2node.jsonl"), &text, NULL) == 0);
	if (!text)
		return;
	char tmpl[] = "/tmp/xn-test-interval-XXXXXX";
	int fd = mkstemp(tmpl);
	FILE *f = fdopen(fd, "w");
	int line = 0;
	for (char *l = text, *nl; l && *l; l = nl ? nl + 1 : NULL, line++) {
		nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		char *iv = strstr(l, "\"interval\":1,");
		if (line == 3) /* an invalid line before the 4th sample */
			fputs("{\"schema\":1}\n", f);
		if (iv && iv < l + n && line >= 1) {
			/* 1.002 s recorded between samples 1 s apart by the times */
			fwrite(l, 1, (size_t)(iv - l), f);
			fputs("\"interval\":1.002,", f);
			fwrite(iv + 13, 1, n - (size_t)(iv + 13 - l), f);
		} else {
			fwrite(l, 1, n, f);
		}
		fputc('\n', f);
	}
	fclose(f);
	free(text);
	struct xn_source *src = NULL;
	char *msgs, err[512];
	CHECK(open_capture(tmpl, &src, &msgs, err, sizeof(err)) == 0);
	CHECK(count_substr(msgs, ":4: ") == 1); /* the invalid line, said */
	free(msgs);
	unlink(tmpl);
	if (!src)
		return;
	struct xn_sampler sm = {.src = src};
	CHECK(xn_sampler_step(&sm) == 0);
	CHECK(sm.cur.interval == 0); /* the first: none */
	CHECK(xn_sampler_step(&sm) == 0);
	CHECK(sm.cur.interval == 1.002); /* recorded, not the times' 1 s */
	CHECK(xn_sampler_step(&sm) == 0);
	CHECK(sm.cur.interval == 1.002);
	CHECK(xn_sampler_step(&sm) == 0); /* after the invalid line: the times */
	CHECK(sm.cur.interval > 0.999 && sm.cur.interval < 1.001);
	CHECK(src->ops->seek(src, -2) == 0);
	CHECK(xn_sampler_step(&sm) == 0); /* back: no rate, as before */
	CHECK(sm.cur.interval == 0);
	CHECK(src->ops->seek(src, 2) == 0);
	CHECK(xn_sampler_step(&sm) == 0); /* a jump of two: from the times */
	CHECK(sm.cur.interval > 1.999 && sm.cur.interval < 2.001);
	xn_sampler_clear(&sm);
	src->ops->close(src);
}

static void test_corrupt(void)
{
	struct xn_source *src = NULL;
	char *msgs, err[512] = "";
	const char *path = fixture("corrupt-mixed.jsonl");
	int r = open_capture(path, &src, &msgs, err, sizeof(err));
	CHECK(r == 0);
	/* each bad line once, with its number; good and blank lines silent */
	const int bad[] = {2, 4, 5, 7, 8, 9, 10, 12, 13, 14};
	const char *why[] = {"cpu_ns",   "integer", "node_pages", "time", "node_pages",
	                     "schema 7", "object",  "twice",      "JSON", "vcpus"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *m = msg_for_line(msgs, path, bad[i]);
		CHECK(m != NULL);
		if (!m) {
			fprintf(stderr, "no message for line %d in:\n%s", bad[i], msgs);
			continue;
		}
		const char *eol = strchr(m, '\n');
		char line[512];
		snprintf(line, sizeof(line), "%.*s", eol ? (int)(eol - m) : (int)strlen(m), m);
		CHECK(strstr(line, why[i]) != NULL);
		if (!strstr(line, why[i]))
			fprintf(stderr, "line %d: expected \"%s\" in: %s\n", bad[i], why[i], line);
	}
	const int good[] = {1, 3, 6, 11};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK(msg_for_line(msgs, path, good[i]) == NULL);
	CHECK_EQ_U64(count_substr(msgs, "\n"), 10);
	CHECK_EQ_U64(count_substr(msgs, "xentop-numa: "), 10);
	free(msgs);
	if (r)
		return;
	long idx, count;
	src->ops->position(src, &idx, &count);
	CHECK(count == 3);
	/* the valid samples are the ones of lines 1, 3 and 11, in order */
	struct xn_snapshot s;
	memset(&s, 0, sizeof(s));
	const long secs[] = {1795441449, 1795441450, 1795441452};
	for (int i = 0; i < 3; i++) {
		CHECK(src->ops->sample(src, &s) == 0);
		CHECK_EQ_U64(s.time.tv_sec, secs[i]);
		xn_snapshot_clear(&s);
	}
	CHECK(src->ops->sample(src, &s) == -ENODATA);
	src->ops->close(src);
}

static void test_truncated(void)
{
	struct xn_source *src = NULL;
	char *msgs, err[512] = "";
	const char *path = fixture("truncated.jsonl");
	CHECK(open_capture(path, &src, &msgs, err, sizeof(err)) == 0);
	const char *m = msg_for_line(msgs, path, 4);
	CHECK(m != NULL && strstr(m, "truncated") != NULL);
	CHECK_EQ_U64(count_substr(msgs, "\n"), 1);
	free(msgs);
	long idx, count = 0;
	if (src) {
		src->ops->position(src, &idx, &count);
		src->ops->close(src);
	}
	CHECK(count == 3);
}

static void test_no_samples(void)
{
	struct xn_source *src = NULL;
	char *msgs, err[512] = "";
	/* empty file: an error from open, saying so */
	CHECK(open_capture(fixture("empty.jsonl"), &src, &msgs, err, sizeof(err)) == -ENODATA);
	CHECK(strstr(err, "no valid sample") != NULL && strstr(err, "empty") != NULL);
	CHECK(src == NULL);
	free(msgs);
	/* binary garbage: an error, at most WARN_MAX line messages + a count */
	err[0] = '\0';
	CHECK(open_capture(fixture("garbage.bin"), &src, &msgs, err, sizeof(err)) == -ENODATA);
	CHECK(strstr(err, "no valid sample") != NULL);
	CHECK(count_substr(msgs, "xentop-numa: ") >= 1);
	CHECK(count_substr(msgs, "\n") <= 11);
	free(msgs);
	/* missing file */
	CHECK(open_capture("/nonexistent/rec.jsonl", &src, &msgs, err, sizeof(err)) == -ENOENT);
	CHECK(strstr(err, "/nonexistent/rec.jsonl") != NULL);
	free(msgs);
	/* probe wants a file name */
	struct xn_source_config cfg = {0};
	CHECK(xn_source_replay.probe(&cfg, err, sizeof(err)) < 0);
}

static void test_many_bad(void)
{
	/* 1 good line and 15 bad ones: 10 messages, then one count */
	char tmpl[] = "/tmp/xn-test-many-XXXXXX";
	int fd = mkstemp(tmpl);
	FILE *f = fdopen(fd, "w");
	char *good = NULL;
	xn_read_file(fixture("good-2node.jsonl"), &good, NULL);
	CHECK(good != NULL);
	if (!good || !f)
		return;
	fwrite(good, 1, (size_t)(strchr(good, '\n') - good + 1), f);
	for (int i = 0; i < 15; i++)
		fprintf(f, "{\"schema\":1}\n");
	fclose(f);
	struct xn_source *src = NULL;
	char *msgs, err[512];
	CHECK(open_capture(tmpl, &src, &msgs, err, sizeof(err)) == 0);
	CHECK_EQ_U64(count_substr(msgs, "\n"), 11);
	CHECK(strstr(msgs, "5 more invalid lines skipped") != NULL);
	CHECK(msg_for_line(msgs, tmpl, 11) != NULL);
	CHECK(msg_for_line(msgs, tmpl, 12) == NULL);
	free(msgs);
	free(good);
	if (src)
		src->ops->close(src);
	unlink(tmpl);
}

/* Writer -> parser: everything the writer says comes back. */
static void test_roundtrip(void)
{
	struct xn_snapshot a, b;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.time.tv_sec = 1795441449;
	a.time.tv_nsec = 5;
	strcpy(a.source, "xen");
	strcpy(a.host.hostname, "h");
	a.host.page_size = 4096;
	xn_host_alloc_nodes(&a.host, 2);
	a.host.nodes[0].id = 0;
	a.host.nodes[1].id = 1;
	a.host.nodes[1].mem_total = 1ull << 40;
	a.host.nodes[1].valid = XN_NODE_TOTAL;
	struct xn_zone *z = xn_host_add_zone(&a.host);
	z->node_idx = 1;
	strcpy(z->name, "z19");
	z->free_pages = 5;
	z->valid = XN_ZONE_FREE;
	const char *names[] = {"q\"b\\s\x01\x1b[31m", "\xff\xfe", "ok"};
	for (int i = 0; i < 3; i++) {
		struct xn_domain *d = xn_snapshot_add_domain(&a);
		d->id = i;
		xn_domain_set_name(d, names[i]);
	}
	struct xn_domain *d = &a.domains[0];
	d->cpu_ns = 5000000000ull;
	d->cpu_pct = 33.25; /* not what the times would give: must be kept */
	d->vcpus = 2;
	xn_domain_alloc_vcpu_node(d);
	d->vcpu_node[1] = 1;
	d->node_pages[0] = 3;
	d->node_pages[1] = 4;
	d->pages_method = XN_PAGES_NUMA_MAPS;
	d->pages_age_ms = 1500;
	XN_NM_SET(&d->node_affinity, 1);
	d->mem_max = UINT64_MAX;
	strcpy(d->state, "-b--p-");
	d->mem_cur = 123456789012ull;
	d->locality = 42.5;
	d->pages_outside = 3;
	d->node_delta[0] = -2;
	d->node_delta[1] = 7;
	d->valid = XN_DOM_CPU_NS | XN_DOM_CPU_PCT | XN_DOM_VCPUS | XN_DOM_VCPU_NODE | XN_DOM_PAGES |
	           XN_DOM_AFFINITY | XN_DOM_MEM_MAX | XN_DOM_STATE | XN_DOM_MEM_CUR |
	           XN_DOM_LOCALITY | XN_DOM_OUTSIDE | XN_DOM_DELTA;
	a.domains[1].mem_max = 7;
	a.domains[1].valid = XN_DOM_MEM_MAX;

	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	CHECK(xn_json_write_snapshot(f, &a) == 0);
	fclose(f);
	char err[256] = "";
	int r = xn_replay_parse_line(buf, len, &b, err, sizeof(err));
	CHECK(r == 0);
	if (r) {
		fprintf(stderr, "%s\n%s", err, buf);
		free(buf);
		xn_snapshot_clear(&a);
		return;
	}
	CHECK_EQ_U64(b.time.tv_sec, a.time.tv_sec);
	CHECK_EQ_U64(b.time.tv_nsec, 5);
	CHECK_EQ_U64(b.host.nr_zones, 1);
	CHECK_EQ_U64(b.host.zones[0].node_idx, 1);
	CHECK_STR(b.host.zones[0].name, "z19");
	CHECK(b.host.zones[0].valid == XN_ZONE_FREE);
	CHECK(b.host.nodes[1].valid == XN_NODE_TOTAL);
	CHECK_EQ_U64(b.host.nodes[1].mem_total, 1ull << 40);
	CHECK_STR(b.domains[0].name, names[0]);
	CHECK_STR(b.domains[1].name, "\xc3\xbf\xc3\xbe"); /* documented: U+00XX */
	CHECK_STR(b.host.hostname, "h");
	CHECK_EQ_U64(b.host.page_size, 4096);
	CHECK(b.host.nr_nodes == 2 && b.host.nodes[0].id == 0 && b.host.nodes[1].id == 1);
	CHECK_EQ_U64(b.host.zones[0].free_pages, 5);
	CHECK_EQ_U64(b.nr_domains, 3);
	for (size_t i = 0; i < b.nr_domains && i < 3; i++)
		CHECK(b.domains[i].id == (int64_t)i);
	const struct xn_domain *e = &b.domains[0];
	CHECK(e->valid == d->valid);
	CHECK_EQ_U64(e->cpu_ns, 5000000000ull);
	CHECK_EQ_U64(e->vcpus, 2);
	/* each node's pages in its own column, not only their sum */
	CHECK_EQ_U64(e->node_pages[0], 3);
	CHECK_EQ_U64(e->node_pages[1], 4);
	CHECK_STR(e->state, "-b--p-");
	CHECK_EQ_U64(e->mem_cur, 123456789012ull);
	CHECK(e->locality == 42.5);
	CHECK_EQ_U64(e->pages_outside, 3);
	CHECK(e->node_delta[0] == -2 && e->node_delta[1] == 7);
	CHECK(!e->affinity_auto);
	CHECK(e->cpu_pct == 33.25);
	CHECK(e->vcpu_node[0] == -1 && e->vcpu_node[1] == 1);
	CHECK(e->pages_method == XN_PAGES_NUMA_MAPS);
	CHECK(e->pages_age_ms == 1500);
	CHECK(e->mem_max == UINT64_MAX);
	CHECK(xn_bits_test(e->node_affinity.w, 1) && !xn_bits_test(e->node_affinity.w, 0));
	CHECK(b.domains[1].valid == XN_DOM_MEM_MAX);
	CHECK_EQ_U64(b.domains[1].mem_max, 7);
	CHECK(b.domains[2].valid == 0);
	/* the sampler keeps the recorded cpu_pct */
	struct xn_snapshot prev;
	memset(&prev, 0, sizeof(prev));
	xn_snapshot_copy(&prev, &b);
	prev.mono_ns -= 1000000000ull;
	prev.domains[0].cpu_ns = 0;
	xn_derive(&prev, &b);
	CHECK(b.domains[0].cpu_pct == 33.25);
	xn_snapshot_clear(&prev);
	free(buf);
	xn_snapshot_clear(&a);
	xn_snapshot_clear(&b);

	/* a line that is not NUL-terminated, and a bad time */
	const char *t =
	        "{\"schema\":1,\"time\":\"yesterday\",\"host\":{\"nodes\":[]},\"domains\":[]}";
	CHECK(xn_replay_parse_line(t, strlen(t), &b, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "time") != NULL);
	const char *ok = "{\"schema\":1,\"time\":\"2026-01-01T00:00:00Z\",\"host\":{\"nodes\":[]},"
	                 "\"domains\":[]}GARBAGE";
	CHECK(xn_replay_parse_line(ok, strlen(ok) - 7, &b, err, sizeof(err)) == 0);
	CHECK_EQ_U64(b.time.tv_nsec, 0);
	xn_snapshot_clear(&b);
}

/* Schema 2: origin, vcpu_info and advice go out and come back field by
 * field; a recorded advice is kept beside the recomputed one. */
static void test_roundtrip_v2(void)
{
	struct xn_snapshot a, b;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.time.tv_sec = 1795441449;
	strcpy(a.source, "xen");
	strcpy(a.origin, "xen");
	a.host.page_size = 4096;
	xn_host_alloc_nodes(&a.host, 2);
	a.host.nodes[1].id = 1;
	for (int i = 0; i < 2; i++) {
		struct xn_domain *d = xn_snapshot_add_domain(&a);
		d->id = i + 1;
		xn_domain_set_name(d, i ? "small" : "guest");
	}
	struct xn_domain *d = &a.domains[0];
	d->vcpus = 3;
	xn_domain_alloc_vcpu_node(d);
	d->vcpu_node[0] = 1;
	d->vcpu_node[2] = 0;
	xn_domain_alloc_vcpu_info(d);
	d->vcpu_info[0] = (struct xn_vcpu){.cpu = 5,
	                                   .state = 'r',
	                                   .hard = strdup("all"),
	                                   .soft = strdup("4-7"),
	                                   .valid = XN_VCPU_CPU | XN_VCPU_STATE | XN_VCPU_HARD |
	                                            XN_VCPU_SOFT};
	d->vcpu_info[2] = (struct xn_vcpu){.cpu = 0,
	                                   .state = 'b',
	                                   .hard = strdup("0,2-3"),
	                                   .valid = XN_VCPU_CPU | XN_VCPU_STATE | XN_VCPU_HARD};
	d->node_pages[0] = 900;
	d->node_pages[1] = 100;
	struct xn_advice *ad = &d->advice;
	ad->action = XN_ADVICE_VCPUS;
	XN_NM_SET(&ad->nodes, 0);
	ad->local_now = 36.5;
	ad->local_expected = 90;
	ad->pages_to_move = 0;
	ad->memory_moves = false;
	ad->mem_free_after = -4096;
	ad->vcpus_there = 9;
	ad->cpus_there = 4;
	ad->distance = 11.25;
	ad->score = 0.75;
	ad->pending_action = XN_ADVICE_BOTH;
	XN_NM_SET(&ad->pending_nodes, 1);
	ad->pending_count = 1;
	strcpy(ad->reason, "run vCPUs on node 0, where 90% of its memory is");
	d->valid =
	        XN_DOM_VCPUS | XN_DOM_VCPU_NODE | XN_DOM_VCPU_INFO | XN_DOM_PAGES | XN_DOM_ADVICE;
	a.domains[1].advice.action = XN_ADVICE_NONE;
	strcpy(a.domains[1].advice.reason, "under 16 MiB");
	a.domains[1].valid = XN_DOM_ADVICE;

	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	CHECK(xn_json_write_snapshot(f, &a) == 0);
	fclose(f);
	char err[256] = "";
	int r = xn_replay_parse_line(buf, len, &b, err, sizeof(err));
	CHECK(r == 0);
	if (r) {
		fprintf(stderr, "%s\n%s", err, buf);
		free(buf);
		xn_snapshot_clear(&a);
		return;
	}
	CHECK_STR(b.origin, "xen");
	CHECK_STR(b.source, "replay");
	CHECK_EQ_U64(b.nr_domains, 2);
	const struct xn_domain *e = &b.domains[0];
	/* the advice comes back as the recorded advice (schema 4) */
	CHECK(e->valid == ((d->valid & ~(unsigned)XN_DOM_ADVICE) | XN_DOM_RECORDED_ADVICE));
	CHECK(e->id == 1 && b.domains[1].id == 2);
	CHECK_EQ_U64(e->vcpus, 3);
	CHECK(e->vcpu_node[0] == 1 && e->vcpu_node[1] == -1 && e->vcpu_node[2] == 0);
	CHECK_EQ_U64(e->node_pages[0], 900);
	CHECK_EQ_U64(e->node_pages[1], 100);
	CHECK(e->vcpu_info != NULL);
	for (uint32_t i = 0; e->vcpu_info && i < 3; i++) {
		const struct xn_vcpu *x = &d->vcpu_info[i], *y = &e->vcpu_info[i];
		CHECK(x->valid == y->valid);
		if (x->valid & XN_VCPU_CPU)
			CHECK(x->cpu == y->cpu);
		if (x->valid & XN_VCPU_STATE)
			CHECK(x->state == y->state);
		CHECK((x->hard == NULL) == (y->hard == NULL));
		CHECK((x->soft == NULL) == (y->soft == NULL));
		if (x->hard && y->hard)
			CHECK_STR(y->hard, x->hard);
		if (x->soft && y->soft)
			CHECK_STR(y->soft, x->soft);
	}
	const struct xn_advice *ea = &e->recorded_advice; /* schema 4: kept apart */
	CHECK(ea->action == XN_ADVICE_VCPUS);
	CHECK(memcmp(&ea->nodes, &ad->nodes, sizeof(ad->nodes)) == 0);
	CHECK(ea->local_now == 36.5 && ea->local_expected == 90);
	CHECK_EQ_U64(ea->pages_to_move, 0);
	CHECK(!ea->memory_moves);
	CHECK(ea->mem_free_after == -4096);
	CHECK_EQ_U64(ea->vcpus_there, 9);
	CHECK_EQ_U64(ea->cpus_there, 4);
	CHECK(ea->distance == 11.25 && ea->score == 0.75);
	CHECK(ea->pending_action == XN_ADVICE_BOTH);
	CHECK(memcmp(&ea->pending_nodes, &ad->pending_nodes, sizeof(ad->nodes)) == 0);
	CHECK_EQ_U64(ea->pending_count, 1);
	CHECK_STR(ea->reason, ad->reason);
	CHECK(b.domains[1].valid == XN_DOM_RECORDED_ADVICE);
	CHECK(b.domains[1].recorded_advice.action == XN_ADVICE_NONE);
	CHECK_STR(b.domains[1].recorded_advice.reason, "under 16 MiB");
	/* written again, the recorded advice goes out as "recorded_advice" (the
	 * advice is null until an advisor computes one), and comes back the
	 * same: a recording of a replay keeps the original's advice */
	char *buf2 = NULL, *buf3 = NULL;
	size_t len2, len3;
	f = open_memstream(&buf2, &len2);
	strcpy(b.source, "xen");
	CHECK(xn_json_write_snapshot(f, &b) == 0);
	fclose(f);
	CHECK(strstr(buf2, "\"advice\":null,\"recorded_advice\":{\"action\":\"vcpus\"") != NULL);
	struct xn_snapshot c2;
	memset(&c2, 0, sizeof(c2)); /* the parser frees what it finds there */
	CHECK(xn_replay_parse_line(buf2, len2, &c2, err, sizeof(err)) == 0);
	CHECK(c2.domains[0].valid & XN_DOM_RECORDED_ADVICE);
	CHECK_STR(c2.domains[0].recorded_advice.reason, ad->reason);
	f = open_memstream(&buf3, &len3);
	strcpy(c2.source, "xen");
	CHECK(xn_json_write_snapshot(f, &c2) == 0);
	fclose(f);
	CHECK_STR(buf3, buf2);
	free(buf2);
	free(buf3);
	xn_snapshot_clear(&c2);
	/* the sampler recomputes the advice (this advisor's, from the recorded
	 * figures) and keeps the recorded one beside it */
	xn_derive(NULL, &b);
	CHECK(b.domains[0].valid & XN_DOM_ADVICE);
	CHECK(b.domains[0].valid & XN_DOM_RECORDED_ADVICE);
	CHECK(b.domains[0].recorded_advice.action == XN_ADVICE_VCPUS);
	CHECK_STR(b.domains[0].recorded_advice.reason, ad->reason);
	free(buf);
	xn_snapshot_clear(&a);
	xn_snapshot_clear(&b);
}

/* Schema 1 has no origin: it is the recorded source, unless a replay. */
static void test_origin_v1(void)
{
	struct xn_snapshot b;
	char err[256];
	memset(&b, 0, sizeof(b));
	const char *l = "{\"schema\":1,\"time\":\"2026-01-01T00:00:00Z\",\"source\":\"xen\","
	                "\"origin\":\"linux\",\"host\":{\"nodes\":[]},\"domains\":[]}";
	CHECK(xn_replay_parse_line(l, strlen(l), &b, err, sizeof(err)) == 0);
	CHECK_STR(b.origin, "xen"); /* schema 1: an "origin" key means nothing */
	xn_snapshot_clear(&b);
	l = "{\"schema\":1,\"time\":\"2026-01-01T00:00:00Z\",\"source\":\"replay\","
	    "\"host\":{\"nodes\":[]},\"domains\":[]}";
	CHECK(xn_replay_parse_line(l, strlen(l), &b, err, sizeof(err)) == 0);
	CHECK_STR(b.origin, "");
	xn_snapshot_clear(&b);
	l = "{\"schema\":2,\"time\":\"2026-01-01T00:00:00Z\",\"source\":\"replay\","
	    "\"origin\":\"linux\",\"host\":{\"nodes\":[]},\"domains\":[]}";
	CHECK(xn_replay_parse_line(l, strlen(l), &b, err, sizeof(err)) == 0);
	CHECK_STR(b.origin, "linux");
	xn_snapshot_clear(&b);
}

/* Schema 2 fields are validated like the rest: each fault names its field. */
static void test_bad_v2(void)
{
	static const struct {
		const char *dom; /* the domain object's fields after "id" and "name" */
		const char *err;
	} cases[] = {
	        {"\"vcpus\":2,\"vcpu_info\":[{\"vcpu\":0}]", "domains[0].vcpu_info: 1 entries"},
	        {"\"vcpu_info\":[]", "vcpus unknown"},
	        {"\"vcpus\":1,\"vcpu_info\":[{\"vcpu\":1}]", "vcpu_info[0].vcpu: expected 0"},
	        {"\"vcpus\":1,\"vcpu_info\":[{\"vcpu\":0,\"hard\":\"0-3\\u001b[31m\"}]",
	         "vcpu_info[0].hard"},
	        {"\"vcpus\":1,\"vcpu_info\":[{\"vcpu\":0,\"state\":\"run\"}]",
	         "vcpu_info[0].state"},
	        {"\"vcpus\":1,\"vcpu_info\":[{\"vcpu\":0,\"cpu\":-1}]", "vcpu_info[0].cpu"},
	        {"\"vcpus\":1,\"vcpu_info\":[5]", "vcpu_info[0]: expected an object"},
	        {"\"advice\":[]", "domains[0].advice: expected an object"},
	        {"\"advice\":{}", "advice.action: missing"},
	        {"\"advice\":{\"action\":\"move\"}", "advice.action: \"move\""},
	        {"\"advice\":{\"action\":\"vcpus\",\"nodes\":null}", "advice.nodes"},
	        {"\"advice\":{\"action\":\"vcpus\",\"nodes\":\"0-x\"}", "advice.nodes"},
	        {"\"advice\":{\"action\":\"ok\",\"local_now\":50}", "must not be null"},
	        {"\"advice\":{\"action\":\"none\",\"mem_free_after\":1.5}", "mem_free_after"},
	        {"\"advice\":{\"action\":\"none\",\"pending_action\":\"x\"}",
	         "advice.pending_action"},
	};
	char line[1024], err[256];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xn_snapshot b;
		memset(&b, 0, sizeof(b));
		snprintf(line, sizeof(line),
		         "{\"schema\":2,\"time\":\"2026-01-01T00:00:00Z\",\"host\":{\"nodes\":[{"
		         "\"id\":0}]},\"domains\":[{\"id\":1,\"name\":\"a\",%s}]}",
		         cases[i].dom);
		err[0] = '\0';
		CHECK(xn_replay_parse_line(line, strlen(line), &b, err, sizeof(err)) == -EINVAL);
		if (!strstr(err, cases[i].err))
			fprintf(stderr, "case %zu: \"%s\" lacks \"%s\"\n", i, err, cases[i].err);
		CHECK(strstr(err, cases[i].err) != NULL);
		CHECK(b.nr_domains == 0); /* cleared */
	}
	/* a non-ASCII or control byte in a reason never reaches a screen */
	struct xn_snapshot b;
	memset(&b, 0, sizeof(b));
	snprintf(line, sizeof(line),
	         "{\"schema\":2,\"time\":\"2026-01-01T00:00:00Z\",\"host\":{\"nodes\":[{"
	         "\"id\":0}]},\"domains\":[{\"id\":1,\"name\":\"a\",\"advice\":{\"action\":"
	         "\"none\",\"reason\":\"a\\u001bb\\u00e9c\"}}]}");
	CHECK(xn_replay_parse_line(line, strlen(line), &b, err, sizeof(err)) == 0);
	CHECK(b.nr_domains == 1 && (b.domains[0].valid & XN_DOM_RECORDED_ADVICE));
	if (b.nr_domains == 1)
		CHECK_STR(b.domains[0].recorded_advice.reason, "a?b??c");
	xn_snapshot_clear(&b);
	/* schema 7 is refused */
	const char *l3 = "{\"schema\":7,\"time\":\"2026-01-01T00:00:00Z\",\"host\":{\"nodes\":[]},"
	                 "\"domains\":[]}";
	CHECK(xn_replay_parse_line(l3, strlen(l3), &b, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "schema 7 is not supported") != NULL);
}

/* Schema 5's cpupools: read, written back the same, and a domain's pool
 * must be one of the host's. */
static void test_cpupools(void)
{
	const char *l =
	        "{\"schema\":5,\"time\":\"2026-01-01T00:00:00Z\",\"origin\":\"xen\","
	        "\"host\":{\"nodes\":[{\"id\":0,\"cpus\":[0,1]},{\"id\":1,\"cpus\":[2,3]}],"
	        "\"cpupools\":[{\"id\":0,\"cpus\":[0,1]},{\"id\":3,\"cpus\":[2,3]}]},"
	        "\"domains\":[{\"id\":1,\"name\":\"a\",\"cpupool\":3,\"config_affinity\":[\"cpus\","
	        "\"nodes\"]},{\"id\":2,\"name\":\"b\",\"config_affinity\":[]}]}";
	struct xn_snapshot b, c;
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	char err[256] = "";
	CHECK(xn_replay_parse_line(l, strlen(l), &b, err, sizeof(err)) == 0);
	CHECK(b.host.nr_pools == 2);
	const struct xn_cpupool *p3 = xn_host_pool(&b.host, 3);
	CHECK(p3 && xn_bits_test(p3->cpus.w, 2) && xn_bits_test(p3->cpus.w, 3) &&
	      xn_bits_count(p3->cpus.w, XN_MAX_CPUS) == 2);
	CHECK(b.nr_domains == 2 && (b.domains[0].valid & XN_DOM_CPUPOOL) &&
	      b.domains[0].cpupool == 3 && !(b.domains[1].valid & XN_DOM_CPUPOOL));
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CHECK(xn_json_write_snapshot(f, &b) == 0);
	fclose(f);
	CHECK(strstr(buf, "\"cpupools\":[{\"id\":0,\"cpus\":[0,1]},{\"id\":3,\"cpus\":[2,3]}]") !=
	      NULL);
	CHECK(strstr(buf, "\"cpupool\":3") != NULL);
	CHECK(strstr(buf, "\"config_affinity\":[\"cpus\",\"nodes\"]") != NULL);
	CHECK(strstr(buf, "\"config_affinity\":[]") != NULL);
	CHECK(xn_replay_parse_line(buf, len, &c, err, sizeof(err)) == 0);
	CHECK(c.host.nr_pools == 2 && c.nr_domains == 2 && c.domains[0].cpupool == 3);
	CHECK(c.nr_domains == 2 && (c.domains[0].valid & XN_DOM_CONFIG_AFF) &&
	      c.domains[0].config_affinity == (XN_CFG_CPUS | XN_CFG_NODES) &&
	      (c.domains[1].valid & XN_DOM_CONFIG_AFF) && c.domains[1].config_affinity == 0);
	free(buf);
	xn_snapshot_clear(&b);
	xn_snapshot_clear(&c);
	const char *bad[][2] = {
	        {"\"cpupools\":[{\"id\":0,\"cpus\":[0]}]},\"domains\":[{\"id\":1,\"name\":\"a\","
	         "\"cpupool\":7}]}",
	         "domains[0].cpupool: pool 7 is not in host.cpupools"},
	        {"\"cpupools\":[{\"id\":0,\"cpus\":[0]},{\"id\":0,\"cpus\":[1]}]},\"domains\":[]}",
	         "listed twice"},
	        {"\"cpupools\":[{\"id\":0}]},\"domains\":[]}", "expected an id and cpus"},
	        {"\"cpupools\":[{\"id\":0,\"cpus\":[-1]}]},\"domains\":[]}", "cpus[0]"},
	        {"\"cpupools\":[]},\"domains\":[{\"id\":1,\"name\":\"a\",\"config_affinity\":"
	         "[\"cpus\",\"hard\"]}]}",
	         "domains[0].config_affinity[1]: expected"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[512];
		snprintf(line, sizeof(line),
		         "{\"schema\":5,\"time\":\"2026-01-01T00:00:00Z\",\"host\":{\"nodes\":[{"
		         "\"id\":0}],%s",
		         bad[i][0]);
		err[0] = '\0';
		CHECK(xn_replay_parse_line(line, strlen(line), &b, err, sizeof(err)) == -EINVAL);
		if (!strstr(err, bad[i][1]))
			fprintf(stderr, "cpupool case %zu: \"%s\" lacks \"%s\"\n", i, err,
			        bad[i][1]);
		CHECK(strstr(err, bad[i][1]) != NULL);
		xn_snapshot_clear(&b);
	}
}

/* Schema 6's mem_policy: read, written back the same; a schema 5 line has
 * none (unknown, and written without it); a bad one is refused. */
static void test_mem_policy(void)
{
	const char *l = "{\"schema\":6,\"time\":\"2026-01-01T00:00:00Z\",\"origin\":\"linux\","
	                "\"host\":{\"nodes\":[{\"id\":0},{\"id\":1}]},\"domains\":["
	                "{\"id\":10,\"name\":\"a\",\"mem_policy\":\"bind:1\"},"
	                "{\"id\":11,\"name\":\"b\",\"mem_policy\":\"prefer (many):0-1\"},"
	                "{\"id\":12,\"name\":\"c\",\"mem_policy\":null},"
	                "{\"id\":13,\"name\":\"d\",\"mem_policy\":\"x\\u0007y\"}]}";
	struct xn_snapshot b, c;
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	char err[256] = "";
	CHECK(xn_replay_parse_line(l, strlen(l), &b, err, sizeof(err)) == 0);
	CHECK(b.nr_domains == 4);
	if (b.nr_domains != 4)
		return;
	CHECK((b.domains[0].valid & XN_DOM_MEM_POLICY) &&
	      !strcmp(b.domains[0].mem_policy, "bind:1"));
	CHECK_STR(b.domains[1].mem_policy, "prefer (many):0-1");
	CHECK(!(b.domains[2].valid & XN_DOM_MEM_POLICY));
	CHECK_STR(b.domains[3].mem_policy, "x?y"); /* plain ASCII, as the words quote it */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CHECK(xn_json_write_snapshot(f, &b) == 0);
	fclose(f);
	CHECK(strstr(buf, "\"schema\":6,") == buf + 1);
	CHECK(strstr(buf, "\"mem_policy\":\"bind:1\"") != NULL);
	CHECK(strstr(buf, "\"mem_policy\":\"prefer (many):0-1\"") != NULL);
	CHECK(xn_replay_parse_line(buf, len, &c, err, sizeof(err)) == 0);
	CHECK(c.nr_domains == 4 && (c.domains[0].valid & XN_DOM_MEM_POLICY) &&
	      !strcmp(c.domains[0].mem_policy, "bind:1") &&
	      !strcmp(c.domains[1].mem_policy, "prefer (many):0-1") &&
	      !(c.domains[2].valid & XN_DOM_MEM_POLICY));
	free(buf);
	xn_snapshot_clear(&b);
	xn_snapshot_clear(&c);
	/* schema 5: absent, unknown, and not written */
	const char *l5 = "{\"schema\":5,\"time\":\"2026-01-01T00:00:00Z\",\"origin\":\"linux\","
	                 "\"host\":{\"nodes\":[{\"id\":0}]},\"domains\":[{\"id\":10,\"name\":"
	                 "\"a\"}]}";
	CHECK(xn_replay_parse_line(l5, strlen(l5), &b, err, sizeof(err)) == 0);
	CHECK(b.nr_domains == 1 && !(b.domains[0].valid & XN_DOM_MEM_POLICY));
	buf = NULL;
	f = open_memstream(&buf, &len);
	CHECK(xn_json_write_snapshot(f, &b) == 0);
	fclose(f);
	CHECK(strstr(buf, "mem_policy") == NULL);
	free(buf);
	xn_snapshot_clear(&b);
	/* too long (64 characters), empty, not a string */
	const char *bad[] = {
	        "\"bind:0,2,4,6,8,10,12,14,16,18,20,22,24,26,28,30,32,34,36,38,40,42,44\"", "\"\"",
	        "3"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[512];
		snprintf(line, sizeof(line),
		         "{\"schema\":6,\"time\":\"2026-01-01T00:00:00Z\",\"host\":{\"nodes\":[{"
		         "\"id\":0}]},\"domains\":[{\"id\":1,\"name\":\"a\",\"mem_policy\":%s}]}",
		         bad[i]);
		err[0] = '\0';
		CHECK(xn_replay_parse_line(line, strlen(line), &b, err, sizeof(err)) == -EINVAL);
		CHECK(strstr(err, "domains[0].mem_policy: expected") != NULL);
		xn_snapshot_clear(&b);
	}
}

int main(void)
{
	const char *root = getenv("XN_ROOT");
	snprintf(fixture_dir, sizeof(fixture_dir), "%s/tests/fixtures/replay", root ? root : ".");
	test_good();
	test_sampler();
	test_recorded_interval();
	test_corrupt();
	test_truncated();
	test_no_samples();
	test_many_bad();
	test_roundtrip();
	test_cpupools();
	test_mem_policy();
	test_roundtrip_v2();
	test_origin_v1();
	test_bad_v2();
	return check_report("test_replay");
}
