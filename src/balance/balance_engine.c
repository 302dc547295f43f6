/* balance_engine.c - the balancer's decisions (balance_priv.h): which of
 * the plan's steps may be applied now under the policy. Pure: the time is
 * the sample's, so a replay and the unit tests run it without a clock. */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "balance_priv.h"
#include "placement.h"
#include "source.h"
#include "util.h"

/* Why a step is not applied now: logged once per domain and reason. */
enum {
	SAY_NONE = 0,
	SAY_EXCLUDED,
	SAY_NOT_INCLUDED,
	SAY_HARD,
	SAY_VCPUS_OFF,
	SAY_MEMORY_OFF,
	SAY_CAP,
	SAY_BUDGET,
	SAY_HOURS,
	SAY_REFUSED,
	SAY_COOL,
};

void xn_bal_init(struct xn_balancer *b, const struct xn_balance_policy *pol, bool dry_run,
                 void (*log)(void *ctx, const struct xn_bal_event *e), void *ctx)
{
	memset(b, 0, sizeof(*b));
	b->pol = *pol;
	b->dry_run = dry_run;
	b->log = log;
	b->log_ctx = ctx;
}

void xn_bal_free(struct xn_balancer *b)
{
	free(b->doms);
	b->doms = NULL;
	b->nr_doms = b->cap_doms = 0;
}

double xn_bal_time(const struct xn_snapshot *s)
{
	return (double)s->time.tv_sec + (double)s->time.tv_nsec / 1e9;
}

void xn_bal_key_of(const struct xn_domain *d, struct xn_bal_key *k)
{
	memset(k, 0, sizeof(*k));
	xn_strlcpy(k->name, d->name ? d->name : "", sizeof(k->name));
	k->has_uuid = (d->valid & XN_DOM_UUID) != 0;
	if (k->has_uuid)
		memcpy(k->uuid, d->uuid, sizeof(k->uuid));
	k->has_id = !k->has_uuid;
	k->id = d->id;
}

bool xn_bal_key_eq(const struct xn_bal_key *a, const struct xn_bal_key *b)
{
	if (a->has_uuid && b->has_uuid)
		return !memcmp(a->uuid, b->uuid, sizeof(a->uuid));
	if (a->has_id && b->has_id && a->id != b->id)
		return false;
	return !strcmp(a->name, b->name);
}

const struct xn_domain *xn_bal_find(const struct xn_snapshot *s, const struct xn_bal_key *k)
{
	for (size_t i = 0; i < s->nr_domains; i++) {
		struct xn_bal_key dk;
		xn_bal_key_of(&s->domains[i], &dk);
		if (s->domains[i].name && xn_bal_key_eq(&dk, k))
			return &s->domains[i];
	}
	return NULL;
}

static struct xn_bal_dom *dom_find(struct xn_balancer *b, const struct xn_bal_key *k)
{
	for (size_t i = 0; i < b->nr_doms; i++)
		if (xn_bal_key_eq(&b->doms[i].key, k))
			return &b->doms[i];
	return NULL;
}

struct xn_bal_dom *xn_bal_dom_get(struct xn_balancer *b, const struct xn_bal_key *k)
{
	struct xn_bal_dom *found = dom_find(b, k);
	if (found) {
		/* renamed under the same UUID; a UUID learnt for a name */
		xn_strlcpy(found->key.name, k->name, sizeof(found->key.name));
		if (k->has_uuid && !found->key.has_uuid) {
			found->key.has_uuid = true;
			memcpy(found->key.uuid, k->uuid, sizeof(k->uuid));
		}
		if (k->has_id && !found->key.has_id) {
			found->key.has_id = true;
			found->key.id = k->id;
		}
		return found;
	}
	if (b->nr_doms == b->cap_doms) {
		size_t n = b->cap_doms ? 2 * b->cap_doms : 16;
		struct xn_bal_dom *d = realloc(b->doms, n * sizeof(*d));
		if (!d)
			return NULL;
		b->doms = d;
		b->cap_doms = n;
	}
	struct xn_bal_dom *d = &b->doms[b->nr_doms++];
	memset(d, 0, sizeof(*d));
	d->key = *k;
	d->cool_until = -INFINITY;
	return d;
}

uint64_t xn_bal_bytes_last_hour(const struct xn_balancer *b, double now)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < b->nr_moves; i++)
		if (now - b->moves[i].time < 3600)
			sum += b->moves[i].bytes;
	return sum;
}

void xn_bal_event_init(struct xn_bal_event *e, const char *event, double time)
{
	memset(e, 0, sizeof(*e));
	e->event = event;
	e->time = time;
	e->local = e->predicted = e->after = e->duration = NAN;
	e->pages = -1;
}

static void event_for(struct xn_bal_event *e, const char *event, double now,
                      const struct xn_domain *d)
{
	xn_bal_event_init(e, event, now);
	xn_strlcpy(e->name, d->name ? d->name : "", sizeof(e->name));
	e->id = d->id;
	e->action = d->advice.action;
	e->nodes = d->advice.nodes;
	e->local = d->advice.local_now;
	e->predicted = d->advice.local_expected;
}

static void say(struct xn_balancer *b, struct xn_bal_dom *rec, const struct xn_domain *d,
                double now, unsigned code, const char *why)
{
	if (rec->said == code)
		return;
	rec->said = code;
	struct xn_bal_event e;
	event_for(&e, "skipped", now, d);
	xn_strlcpy(e.reason, why, sizeof(e.reason));
	if (b->log)
		b->log(b->log_ctx, &e);
}

static bool matches(const char (*pats)[XN_BALANCE_PATTERN_LEN], size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!fnmatch(pats[i], name, 0))
			return true;
	return false;
}

static bool in_hours(const struct xn_balance_policy *p, double now)
{
	if (p->memory_hours_from < 0)
		return true;
	int m = (int)(fmod(now, 86400.0) / 60.0);
	if (p->memory_hours_from < p->memory_hours_to)
		return m >= p->memory_hours_from && m < p->memory_hours_to;
	return m >= p->memory_hours_from || m < p->memory_hours_to;
}

static double mib(uint64_t b)
{
	return (double)b / (1 << 20);
}

/* The policy's answer for d's step: SAY_NONE with step filled when it may
 * be applied, else a code with why in words. */
static unsigned judge(struct xn_balancer *b, const struct xn_snapshot *s, const struct xn_domain *d,
                      const struct xn_bal_dom *rec, double now, struct xn_bal_step *st, char *why,
                      size_t len)
{
	const struct xn_balance_policy *p = &b->pol;
	const struct xn_advice *a = &d->advice;
	const char *name = d->name ? d->name : "";
	if (matches(p->exclude, p->nr_exclude, name)) {
		snprintf(why, len, "excluded by the policy (exclude)");
		return SAY_EXCLUDED;
	}
	if (p->nr_include && !matches(p->include, p->nr_include, name)) {
		snprintf(why, len, "not included by the policy (include)");
		return SAY_NOT_INCLUDED;
	}
	if (now < rec->cool_until) {
		snprintf(why, len,
		         "cool-down: changed %.0f s ago; the next change waits until %.0f s after "
		         "it",
		         now - (rec->cool_until - p->cooldown), p->cooldown);
		return SAY_COOL;
	}
	if (!rec->ours && !p->hard_affinity && xn_hard_affinity_set(s, d)) {
		snprintf(why, len, "its hard affinity was set by the operator (hard-affinity off)");
		return SAY_HARD;
	}
	bool memory = a->action == XN_ADVICE_MEMORY || a->action == XN_ADVICE_BOTH;
	if (a->action != XN_ADVICE_MEMORY && !p->vcpus) {
		snprintf(why, len, "vCPU placement is off in the policy (vcpus off)");
		return SAY_VCPUS_OFF;
	}
	if (memory && !p->memory) {
		snprintf(why, len, "memory moves are off in the policy (memory off)");
		return SAY_MEMORY_OFF;
	}
	struct xn_place_req req;
	struct xn_place_result pr;
	xn_advice_place_req(s, d, a, &req);
	if (xn_place_check(&req, &pr)) {
		snprintf(why, len, "refused: %s", pr.why);
		return SAY_REFUSED;
	}
	uint64_t bytes = memory ? xn_place_bytes_copied(s, d, &a->nodes, req.kind) : 0;
	if (memory && bytes > p->memory_max_move) {
		snprintf(why, len, "the move copies %.0f MiB, above memory-max-move %.0f MiB",
		         mib(bytes), mib(p->memory_max_move));
		return SAY_CAP;
	}
	if (memory && xn_bal_bytes_last_hour(b, now) + bytes > p->memory_budget) {
		snprintf(why, len,
		         "the move copies %.0f MiB; %.0f MiB moved in the last hour, "
		         "memory-budget %.0f MiB",
		         mib(bytes), mib(xn_bal_bytes_last_hour(b, now)), mib(p->memory_budget));
		return SAY_BUDGET;
	}
	if (memory && !in_hours(p, now)) {
		snprintf(why, len, "outside memory-hours %02d:%02d-%02d:%02d UTC",
		         p->memory_hours_from / 60, p->memory_hours_from % 60,
		         p->memory_hours_to / 60, p->memory_hours_to % 60);
		return SAY_HOURS;
	}
	memset(st, 0, sizeof(*st));
	xn_strlcpy(st->name, name, sizeof(st->name));
	xn_bal_key_of(d, &st->key);
	st->id = d->id;
	st->action = a->action;
	st->nodes = a->nodes;
	st->flags = xn_advice_apply_flags(a);
	st->bytes = bytes;
	st->xen_move = memory && req.kind == XN_PLACE_RECREATE;
	st->local = a->local_now;
	st->predicted = a->local_expected;
	st->time = now;
	xn_strlcpy(st->reason, a->reason, sizeof(st->reason));
	if ((d->valid & XN_DOM_VCPU_NODE) && d->vcpu_node)
		for (uint32_t v = 0; v < d->vcpus; v++)
			if (d->vcpu_node[v] >= 0 && d->vcpu_node[v] < XN_MAX_NODES)
				XN_NM_SET(&st->before, d->vcpu_node[v]);
	return SAY_NONE;
}

/* Points of LOCAL% (weighted by size) the plan would gain on the host. */
static double plan_gain(const struct xn_snapshot *s)
{
	double w = 0, now = 0, best = 0;
	for (size_t i = 0; i < s->nr_domains; i++) {
		const struct xn_domain *d = &s->domains[i];
		if (d->id == 0 || !(d->valid & XN_DOM_ADVICE) || d->advice.action == XN_ADVICE_NONE)
			continue;
		double size = (double)xn_domain_pages_total(d, s->host.nr_nodes);
		w += size;
		now += size * d->advice.local_now;
		best += size * (xn_advice_is_misplaced(&d->advice) ? d->advice.local_expected
		                                                   : d->advice.local_now);
	}
	return w > 0 ? (best - now) / w : 0;
}

/* Track each domain's advised step; a changed step starts its window anew. */
static int track(struct xn_balancer *b, const struct xn_snapshot *s, double now)
{
	for (size_t i = 0; i < s->nr_domains; i++) {
		const struct xn_domain *d = &s->domains[i];
		if (d->id == 0 || !d->name)
			continue;
		bool step = (d->valid & XN_DOM_ADVICE) && xn_advice_is_misplaced(&d->advice);
		struct xn_bal_key key;
		xn_bal_key_of(d, &key);
		struct xn_bal_dom *rec = dom_find(b, &key);
		if (!rec && !step)
			continue;
		if (!(rec = xn_bal_dom_get(b, &key)))
			return -ENOMEM;
		enum xn_advice_action act = step ? d->advice.action : XN_ADVICE_NONE;
		if (act != rec->action ||
		    (step && memcmp(&rec->nodes, &d->advice.nodes, sizeof(rec->nodes)))) {
			rec->action = act;
			rec->nodes = step ? d->advice.nodes : (xn_nodemask){0};
			rec->since = now;
			if (rec->said != SAY_COOL)
				rec->said = SAY_NONE;
		}
	}
	return 0;
}

/* The order the plan gives: its step number, then held steps, then id. */
static bool before(const struct xn_domain *x, const struct xn_domain *y)
{
	uint32_t a = x->advice.step ? x->advice.step : UINT32_MAX;
	uint32_t c = y->advice.step ? y->advice.step : UINT32_MAX;
	return a != c ? a < c : x->id < y->id;
}

int xn_bal_decide(struct xn_balancer *b, const struct xn_snapshot *s, struct xn_bal_step *step)
{
	double now = xn_bal_time(s);
	if (track(b, s, now) || b->in_flight)
		return 0;
	if (plan_gain(s) < b->pol.margin)
		return 0;
	const struct xn_domain *done = NULL; /* the last domain judged, in plan order */
	for (;;) {
		const struct xn_domain *next = NULL;
		for (size_t i = 0; i < s->nr_domains; i++) {
			const struct xn_domain *d = &s->domains[i];
			if (d->id == 0 || !d->name || !(d->valid & XN_DOM_ADVICE) ||
			    !xn_advice_is_misplaced(&d->advice))
				continue;
			if ((!done || before(done, d)) && (!next || before(d, next)))
				next = d;
		}
		if (!next)
			return 0;
		done = next;
		struct xn_bal_key key;
		xn_bal_key_of(next, &key);
		struct xn_bal_dom *rec = xn_bal_dom_get(b, &key);
		if (!rec || now - rec->since < b->pol.window)
			continue; /* not held long enough yet */
		char why[400];
		unsigned code = judge(b, s, next, rec, now, step, why, sizeof(why));
		if (code) {
			say(b, rec, next, now, code, why);
			continue;
		}
		rec->said = SAY_NONE;
		b->in_flight = true;
		b->flight = *step;
		struct xn_bal_event e;
		event_for(&e, "decide", now, next);
		xn_strlcpy(e.reason, step->reason, sizeof(e.reason));
		if (b->log)
			b->log(b->log_ctx, &e);
		return 1;
	}
}

void xn_bal_done(struct xn_balancer *b, double now, uint64_t bytes)
{
	if (!b->in_flight)
		return;
	b->in_flight = false;
	struct xn_bal_dom *rec = xn_bal_dom_get(b, &b->flight.key);
	if (rec) {
		rec->cool_until = now + b->pol.cooldown;
		rec->ours = true;
		rec->said = SAY_NONE;
	}
	if (!bytes)
		return;
	/* forget moves older than an hour, then keep this one */
	size_t k = 0;
	for (size_t i = 0; i < b->nr_moves; i++)
		if (now - b->moves[i].time < 3600)
			b->moves[k++] = b->moves[i];
	b->nr_moves = k;
	if (b->nr_moves == sizeof(b->moves) / sizeof(b->moves[0])) {
		/* more than 64 moves an hour: the oldest two merge (the sum stays) */
		b->moves[1].bytes += b->moves[0].bytes;
		memmove(&b->moves[0], &b->moves[1], (b->nr_moves - 1) * sizeof(b->moves[0]));
		b->nr_moves--;
	}
	b->moves[b->nr_moves].time = now;
	b->moves[b->nr_moves++].bytes = bytes;
}
