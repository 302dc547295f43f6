/* balance_state.c - what the balancer keeps between runs (balance_run.h):
 * the state file of our own changes, --revert-last, the policy's reload on
 * SIGHUP, and the counts of outcomes. A line of the state file:
 *   TIME<TAB>NAME-HEX<TAB>ACTION<TAB>NODES<TAB>BEFORE<TAB>RESULT<TAB>NAME<TAB>UUID<TAB>ID
 * (the domain is known by its UUID when the source gave one, else by the
 * name in hex, exact for any bytes, and its id (a PID); the escaped name is
 * for the operator reading it; UUID "-" or missing: none, as in the files
 * of 0.1.0's first --balance; ID "-" or missing: the name alone). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "balance_run.h"
#include "commands.h"
#include "util.h"

void xn_bal_count(struct xn_bal_run *r, const struct xn_bal_event *e)
{
	static const char *const results[] = {"done", "reverted", "failed", "skipped"};
	for (size_t i = 0; i < sizeof(results) / sizeof(results[0]); i++)
		if (!strcmp(e->event, results[i]) && e->action < XN_ADVICE__COUNT) {
			r->actions[e->action][i]++;
			if (i < 3)
				r->last_action = e->time;
			if (i == 0)
				r->bytes_moved += r->b.flight.bytes;
		}
}

static void hex(const char *s, char *out, size_t len)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && o + 3 <= len; p++)
		o += (size_t)snprintf(out + o, len - o, "%02x", *p);
	out[o < len ? o : len - 1] = '\0';
}

static int unhex(const char *h, char *out, size_t len)
{
	size_t n = strlen(h);
	if (n % 2 || n / 2 >= len)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(h + 2 * i, "%2x", &v) != 1 || !v)
			return -EINVAL;
		out[i] = (char)v;
	}
	out[n / 2] = '\0';
	return 0;
}

void xn_bal_state_append(struct xn_bal_run *r, const struct xn_bal_step *st, const char *result,
                         double now)
{
	const char *path = r->b.pol.state_file;
	if (!path[0])
		return;
	FILE *f = fopen(path, "ae");
	if (!f) {
		xn_warn("cannot write the state file %s: %s", path, strerror(errno));
		return;
	}
	char h[520], nodes[128], before[128], esc[300];
	hex(st->name, h, sizeof(h));
	xn_bits_format_list(st->nodes.w, XN_MAX_NODES, nodes, sizeof(nodes));
	xn_bits_format_list(st->before.w, XN_MAX_NODES, before, sizeof(before));
	xn_escape(st->name, esc, sizeof(esc));
	char uuid[XN_UUID_STR] = "-", id[24] = "-";
	if (st->key.has_uuid)
		xn_uuid_format(st->key.uuid, uuid);
	if (st->key.has_id)
		snprintf(id, sizeof(id), "%" PRId64, st->key.id);
	fprintf(f, "%.3f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", now, h,
	        xn_advice_action_name(st->action), nodes[0] ? nodes : "-", before[0] ? before : "-",
	        result, esc, uuid, id);
	if (fclose(f))
		xn_warn("cannot write the state file %s: %s", path, strerror(errno));
}

struct state_line {
	double time;
	struct xn_bal_key key;
	char action[16];
	char nodes[128];
	char before[128];
	char result[16];
};

static int parse_line(char *line, struct state_line *l)
{
	char *f[9];
	size_t n = 0;
	memset(l, 0, sizeof(*l));
	for (char *p = line; n < 9; n++) {
		f[n] = p;
		char *t = strchr(p, '\t');
		if (!t)
			break;
		*t = '\0';
		p = t + 1;
	}
	if (n < 5)
		return -EINVAL;
	char *end;
	l->time = strtod(f[0], &end);
	if (*end || !isfinite(l->time) || unhex(f[1], l->key.name, sizeof(l->key.name)))
		return -EINVAL;
	if (n >= 7 && strcmp(f[7], "-")) {
		if (xn_uuid_parse(f[7], l->key.uuid))
			return -EINVAL;
		l->key.has_uuid = true;
	}
	if (n >= 8 && strcmp(f[8], "-")) {
		l->key.id = strtoll(f[8], &end, 10);
		if (*end || end == f[8])
			return -EINVAL;
		l->key.has_id = true;
	}
	xn_strlcpy(l->action, f[2], sizeof(l->action));
	xn_strlcpy(l->nodes, f[3], sizeof(l->nodes));
	xn_strlcpy(l->before, f[4], sizeof(l->before));
	xn_strlcpy(l->result, f[5], sizeof(l->result));
	return 0;
}

/* Call fn for each line of the state file; the last vCPU change not yet
 * reverted by --revert-last ends in *last (when last is not NULL). */
static int read_state(struct xn_bal_run *r, struct state_line *last, bool *have, char *err,
                      size_t errlen)
{
	const char *path = r->b.pol.state_file;
	*have = false;
	if (!path[0])
		return 0;
	FILE *f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "state file %s: %s", path, strerror(errno));
		return -errno;
	}
	char *buf = NULL;
	size_t cap = 0;
	bool too_long;
	unsigned no = 0;
	int rc = 0;
	while (xn_read_line(f, &buf, &cap, 4096, &too_long) > 0) {
		no++;
		buf[strcspn(buf, "\n")] = '\0';
		struct state_line l;
		if (too_long || parse_line(buf, &l)) {
			snprintf(err, errlen, "state file %s:%u: not a line this program wrote",
			         path, no);
			rc = -EINVAL;
			break;
		}
		struct xn_bal_dom *d = xn_bal_dom_get(&r->b, &l.key);
		if (!d) {
			rc = -ENOMEM;
			break;
		}
		d->ours = true;
		if (strcmp(l.result, "revert-last") && l.time + r->b.pol.cooldown > d->cool_until)
			d->cool_until = l.time + r->b.pol.cooldown;
		if (!strcmp(l.result, "revert-last"))
			*have = false;
		else if (!strcmp(l.result, "done") &&
		         (!strcmp(l.action, "vcpus") || !strcmp(l.action, "both"))) {
			*last = l;
			*have = true;
		}
	}
	free(buf);
	fclose(f);
	return rc;
}

int xn_bal_state_load(struct xn_bal_run *r, char *err, size_t errlen)
{
	struct state_line last;
	bool have;
	return read_state(r, &last, &have, err, errlen);
}

int xn_bal_revert_last(struct xn_bal_run *r, struct xn_sampler *s)
{
	struct state_line l;
	bool have;
	char err[400] = "";
	if (!r->b.pol.state_file[0]) {
		xn_warn("--revert-last needs the policy's state-file");
		return XN_EXIT_USAGE;
	}
	if (read_state(r, &l, &have, err, sizeof(err))) {
		xn_warn("%s", err);
		return XN_EXIT_RUNTIME;
	}
	if (!have) {
		printf("nothing to revert: the state file holds no vCPU change of ours\n");
		return XN_EXIT_OK;
	}
	int e = xn_sampler_step(s);
	if (e) {
		xn_warn("%s: %s", s->src->ops->name, s->src->err);
		return XN_EXIT_RUNTIME;
	}
	const struct xn_domain *d = xn_bal_find(&s->cur, &l.key);
	char esc[300];
	xn_escape(l.key.name, esc, sizeof(esc));
	if (!d) {
		xn_warn("the last domain we changed, %s, is not here", esc);
		return XN_EXIT_NO_DOMAIN;
	}
	struct xn_bal_step st;
	memset(&st, 0, sizeof(st));
	xn_strlcpy(st.name, d->name, sizeof(st.name));
	xn_bal_key_of(d, &st.key);
	st.action = XN_ADVICE_VCPUS;
	if (strcmp(l.before, "-") &&
	    xn_bits_parse_list(l.before, st.nodes.w, XN_MAX_NODES, err, sizeof(err)))
		return XN_EXIT_RUNTIME;
	if (xn_bits_empty(st.nodes.w, XN_MAX_NODES))
		for (int i = 0; i < s->cur.host.nr_nodes; i++)
			XN_NM_SET(&st.nodes, s->cur.host.nodes[i].id);
	char msg[1024] = "", nodes[128];
	xn_bits_format_list(st.nodes.w, XN_MAX_NODES, nodes, sizeof(nodes));
	e = s->src->ops->set_node_affinity(s->src, d->id, &st.nodes, XN_AFF_CPUS | XN_AFF_NO_MEMORY,
	                                   msg, sizeof(msg));
	xn_escape(st.name, esc, sizeof(esc));
	if (e) {
		xn_warn("cannot put the vCPUs of %s back on nodes %s: %s", esc, nodes, s->src->err);
		return e == -EPERM || e == -EACCES ? XN_EXIT_PERM : XN_EXIT_RUNTIME;
	}
	xn_bal_state_append(r, &st, "revert-last", xn_bal_time(&s->cur));
	printf("%s: vCPUs back on nodes %s: %s\n", esc, nodes, msg[0] ? msg : "applied");
	return XN_EXIT_OK;
}

void xn_bal_reload(struct xn_bal_run *r)
{
	struct xn_balance_policy pol;
	char err[600];
	if (xn_balance_policy_from(&pol, r->o, err, sizeof(err))) {
		xn_warn("SIGHUP: bad balance policy, the old one stays: %s", err);
		return;
	}
	r->b.pol = pol;
	xn_warn("SIGHUP: balance policy reloaded");
}
