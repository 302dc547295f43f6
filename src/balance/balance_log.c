/* balance_log.c - the balancer's log (balance_priv.h): one event a line,
 * the same fixed fields in the same order on every line, "-" for what does
 * not apply; or with --format json the same as one JSON object a line.
 * Names and reasons go through the tool's escaping (util.h: xn_escape;
 * JSON: xn_json_put_string), and a '"' inside a quoted text field becomes
 * \x22, so a line always splits the same way. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "balance_priv.h"
#include "output.h"
#include "util.h"

/* RFC 3339 UTC to the millisecond. */
static void format_time(double t, char *buf, size_t len)
{
	time_t sec = (time_t)floor(t);
	struct tm tm;
	char base[32];
	if (!gmtime_r(&sec, &tm) || !strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm)) {
		snprintf(buf, len, "-");
		return;
	}
	int ms = (int)((t - floor(t)) * 1000);
	snprintf(buf, len, "%s.%03dZ", base, ms > 999 ? 999 : ms);
}

/* A quoted text field: escaped, and its quotes as \x22. */
static void put_quoted(FILE *f, const char *s)
{
	char esc[1024];
	xn_escape(s, esc, sizeof(esc));
	fputc('"', f);
	for (const char *c = esc; *c; c++)
		if (*c == '"')
			fputs("\\x22", f);
		else
			fputc(*c, f);
	fputc('"', f);
}

static void put_num(FILE *f, bool json, const char *key, double v, int prec)
{
	if (json)
		fprintf(f, ",\"%s\":", key);
	else
		fprintf(f, " %s=", key);
	if (isfinite(v))
		fprintf(f, "%.*f", prec, v);
	else
		fputs(json ? "null" : "-", f);
}

void xn_bal_log_write(FILE *f, bool json, const struct xn_bal_event *e)
{
	char when[48], nodes[128];
	format_time(e->time, when, sizeof(when));
	xn_bits_format_list(e->nodes.w, XN_MAX_NODES, nodes, sizeof(nodes));
	const char *action = e->action == XN_ADVICE_NONE ? "-" : xn_advice_action_name(e->action);
	if (json) {
		fprintf(f, "{\"time\":\"%s\",\"event\":\"%s\",\"name\":", when, e->event);
		xn_json_put_string(f, e->name);
		fprintf(f, ",\"id\":%" PRId64 ",\"action\":", e->id);
		if (e->action == XN_ADVICE_NONE)
			fputs("null", f);
		else
			fprintf(f, "\"%s\"", action);
		fprintf(f, ",\"nodes\":\"%s\"", nodes);
	} else {
		fprintf(f, "%s %s name=", when, e->event);
		put_quoted(f, e->name);
		fprintf(f, " id=%" PRId64 " action=%s nodes=%s", e->id, action,
		        nodes[0] ? nodes : "-");
	}
	put_num(f, json, "local", e->local, 1);
	put_num(f, json, "predicted", e->predicted, 1);
	put_num(f, json, "after", e->after, 1);
	put_num(f, json, "pages", e->pages >= 0 ? (double)e->pages : NAN, 0);
	put_num(f, json, "duration", e->duration, 1);
	if (json) {
		fputs(",\"reason\":", f);
		xn_json_put_string(f, e->reason);
		fputs("}\n", f);
	} else {
		fputs(" reason=", f);
		put_quoted(f, e->reason);
		fputc('\n', f);
	}
	fflush(f);
}
