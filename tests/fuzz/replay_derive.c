/* fuzz a replay line through derive and every output: the input is one or
 * two recording lines (prev, cur); cur goes through xn_derive (which runs
 * the advisor) and out as text and CSV under the option mix that the first
 * byte picks, and as JSON. Properties: no raw control byte in any output;
 * the JSON written back parses back to a snapshot that writes the same
 * JSON (the recording round trip). */
#include <errno.h>

#include "fuzz.h"
#include "output.h"
#include "replay.h"
#include "sampler.h"
#include "util.h"

static char *out_buf;
static size_t out_len;

static FILE *mem_open(void)
{
	free(out_buf);
	out_buf = NULL;
	out_len = 0;
	FILE *f = open_memstream(&out_buf, &out_len);
	if (!f)
		abort();
	return f;
}

static void write_all(const struct xn_snapshot *s, uint8_t mix)
{
	struct xn_out_opts o;
	memset(&o, 0, sizeof(o));
	o.units = (enum xn_units)(mix % 3);
	o.show = (mix >> 2) & 3;
	o.full_names = mix & 16;
	o.repeat_header = mix & 32;
	o.vcpus = mix & 64;
	o.dom0_first = mix & 128;
	o.sort_col = (enum xn_col_id)(mix % XN_COL__COUNT);
	o.sort_node = 0;
	o.reverse = mix & 1;
	const enum xn_format fmts[] = {XN_FMT_TEXT, XN_FMT_CSV, XN_FMT_JSON};
	for (size_t k = 0; k < 3; k++) {
		struct xn_out_state st;
		memset(&st, 0, sizeof(st));
		FILE *f = mem_open();
		(void)xn_output_write(f, fmts[k], s, 0, &o, &st);
		(void)xn_output_write(f, fmts[k], s, 1, &o, &st);
		fclose(f);
		xn_fuzz_check_terminal_safe(out_buf, out_len,
		                            k == 0   ? "text"
		                            : k == 1 ? "csv"
		                                     : "json");
	}
}

static void json_round_trip(const struct xn_snapshot *s)
{
	FILE *f = mem_open();
	XN_FUZZ_ASSERT(xn_json_write_snapshot(f, s) == 0, "JSON written");
	fclose(f);
	char *j1 = out_buf;
	size_t n1 = out_len;
	out_buf = NULL;
	struct xn_snapshot s2;
	memset(&s2, 0, sizeof(s2));
	char err[256];
	int r = xn_replay_parse_line(j1, n1, &s2, err, sizeof(err));
	if (r) {
		fprintf(stderr, "written: %.*s\nread back: %s\n", (int)n1, j1, err);
		XN_FUZZ_ASSERT(0, "JSON written back parses back");
	}
	/* a reader keeps an advice as the recorded one (schema 4: the advice
	 * is computed again when played), so every judged domain comes back
	 * with a recorded advice, and from there the round trip is exact */
	for (size_t i = 0; i < s->nr_domains && i < s2.nr_domains; i++)
		if (s->domains[i].valid & (XN_DOM_ADVICE | XN_DOM_RECORDED_ADVICE))
			XN_FUZZ_ASSERT(s2.domains[i].valid & XN_DOM_RECORDED_ADVICE,
			               "an advice read back is kept as the recorded advice");
	f = mem_open();
	XN_FUZZ_ASSERT(xn_json_write_snapshot(f, &s2) == 0, "JSON written again");
	fclose(f);
	char *j2 = out_buf;
	size_t n2 = out_len;
	out_buf = NULL;
	struct xn_snapshot s3;
	memset(&s3, 0, sizeof(s3));
	XN_FUZZ_ASSERT(xn_replay_parse_line(j2, n2, &s3, err, sizeof(err)) == 0,
	               "JSON written again parses back");
	f = mem_open();
	XN_FUZZ_ASSERT(xn_json_write_snapshot(f, &s3) == 0, "JSON written a third time");
	fclose(f);
	if (n2 != out_len || memcmp(j2, out_buf, n2)) {
		fprintf(stderr, "first:  %.*s\nsecond: %.*s\n", (int)n2, j2, (int)out_len, out_buf);
		XN_FUZZ_ASSERT(0, "JSON read back is the same snapshot");
	}
	xn_snapshot_clear(&s2);
	xn_snapshot_clear(&s3);
	free(j1);
	free(j2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 1 << 20)
		return 0;
	uint8_t mix = data[0];
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	const char *nl = memchr(text, '\n', len);
	struct xn_snapshot prev, cur;
	memset(&prev, 0, sizeof(prev));
	memset(&cur, 0, sizeof(cur));
	char err[256];
	bool have_prev = false;
	const char *line = text;
	size_t ll = len;
	if (nl && (size_t)(nl - text) + 1 < len) {
		have_prev = xn_replay_parse_line(text, (size_t)(nl - text), &prev, err,
		                                 sizeof(err)) == 0;
		line = nl + 1;
		ll = len - (size_t)(nl - text) - 1;
	}
	if (xn_replay_parse_line(line, ll, &cur, err, sizeof(err)) == 0) {
		xn_derive(have_prev ? &prev : NULL, &cur);
		write_all(&cur, mix);
		json_round_trip(&cur);
		xn_snapshot_clear(&cur);
	} else {
		/* the error is bound for stderr through xn_warn: xn_escape makes
		 * it safe, checked here as the boundary promises */
		char esc[1024];
		xn_escape(err, esc, sizeof(esc));
		xn_fuzz_check_terminal_safe(esc, strlen(esc), "error");
	}
	if (have_prev)
		xn_snapshot_clear(&prev);
	free(out_buf);
	out_buf = NULL;
	return 0;
}
