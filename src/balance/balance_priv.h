/* balance_priv.h - the balancer's engine and its log, private to the
 * balance room (and its unit tests). The engine is pure: it reads
 * snapshots and the times they carry, never a clock, never a source, so a
 * recording is balanced on paper at the speed it is read and the tests
 * script time. The runner (balance_run.c) acts on what it decides. */
#ifndef XN_BALANCE_PRIV_H
#define XN_BALANCE_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "balance.h"
#include "nodemask.h"
#include "snapshot.h"

/* One line of the log. Figures that do not apply are NAN (or -1). */
struct xn_bal_event {
	double time;       /* seconds since the epoch: the sample's time */
	const char *event; /* "decide", "done", "reverted", "failed", "skipped" */
	char name[256];    /* raw, escaped when written */
	int64_t id;
	enum xn_advice_action action;
	xn_nodemask nodes;
	double local;     /* LOCAL% before */
	double predicted; /* LOCAL% the plan predicts */
	double after;     /* LOCAL% measured after (outcomes) */
	int64_t pages;    /* pages moved (outcomes), -1 unknown */
	double duration;  /* seconds from applying to verified (outcomes) */
	char reason[400];
};

/* What the balancer knows a domain by: its UUID when the source gives one
 * (a Xen live move changes the domid and keeps the UUID; a new domain
 * under an old name is another domain), else its name. */
struct xn_bal_key {
	char name[256];
	bool has_uuid;
	uint8_t uuid[16];
	bool has_id; /* no UUID: the id too (a PID, a cgroup's inode), so that two
	                processes of one name are two domains */
	int64_t id;
};

/* The key of d, and whether two keys are the same domain: the UUIDs when
 * both have one, else the names and, when both have one, the ids (a state
 * file line of 0.1.0 has none: its name alone). */
void xn_bal_key_of(const struct xn_domain *d, struct xn_bal_key *k);
bool xn_bal_key_eq(const struct xn_bal_key *a, const struct xn_bal_key *b);

/* The named domain of s with key k, or NULL. */
const struct xn_domain *xn_bal_find(const struct xn_snapshot *s, const struct xn_bal_key *k);

/* A step chosen to be applied: one in flight at a time. */
struct xn_bal_step {
	char name[256];
	struct xn_bal_key key;
	int64_t id;
	enum xn_advice_action action;
	xn_nodemask nodes;
	xn_nodemask before; /* nodes its vCPUs ran on (for a revert) */
	unsigned flags;     /* set_node_affinity flags (source.h) */
	uint64_t bytes;     /* bytes the step copies (0: vCPUs only) */
	bool xen_move;      /* a Xen live move (re-creates the domain) */
	double local, predicted;
	double time; /* when it was decided */
	char reason[320];
};

/* What the engine remembers of a domain, by its key (the name in it kept
 * up to date: a domain known by UUID may be renamed). */
struct xn_bal_dom {
	struct xn_bal_key key;
	enum xn_advice_action action; /* the step it has been advised, or NONE */
	xn_nodemask nodes;
	double since;      /* time that step was first advised, unbroken since */
	double cool_until; /* no change before this time */
	bool ours;         /* we changed it (its pinning is ours, not the operator's) */
	unsigned said;     /* the skip reason last logged (a code), 0 none */
	int failed_errno;  /* the last change's failure, said once */
};

struct xn_balancer {
	struct xn_balance_policy pol;
	bool dry_run;
	struct xn_bal_dom *doms;
	size_t nr_doms, cap_doms;
	/* memory moves of the last hour, for memory-budget */
	struct {
		double time;
		uint64_t bytes;
	} moves[64];
	size_t nr_moves;
	bool in_flight;
	struct xn_bal_step flight;
	/* every event goes here (the runner writes it and counts it) */
	void (*log)(void *ctx, const struct xn_bal_event *e);
	void *log_ctx;
};

/* Start with a policy; log receives every event. */
void xn_bal_init(struct xn_balancer *b, const struct xn_balance_policy *pol, bool dry_run,
                 void (*log)(void *ctx, const struct xn_bal_event *e), void *ctx);
void xn_bal_free(struct xn_balancer *b);

/* The sample's time in seconds since the epoch (its recorded time on a
 * replay). */
double xn_bal_time(const struct xn_snapshot *s);

/* Read a sample: track each domain's advised step over the window, and
 * when nothing is in flight choose at most one step (logged "decide";
 * domains a policy rule skips are logged "skipped" once per reason).
 * Returns 1 with *step filled and the step in flight, else 0. */
int xn_bal_decide(struct xn_balancer *b, const struct xn_snapshot *s, struct xn_bal_step *step);

/* The step in flight has ended at time now (applied, reverted or failed):
 * the domain cools down, bytes count against the hourly budget. */
void xn_bal_done(struct xn_balancer *b, double now, uint64_t bytes);

/* The record of a domain by key, created when missing (NULL: no memory). */
struct xn_bal_dom *xn_bal_dom_get(struct xn_balancer *b, const struct xn_bal_key *k);

/* Bytes moved in the hour up to now. */
uint64_t xn_bal_bytes_last_hour(const struct xn_balancer *b, double now);

/* Write one event: a line of fixed fields (text) or a JSON object per line. */
void xn_bal_log_write(FILE *f, bool json, const struct xn_bal_event *e);

/* A fresh event for d's step (figures NAN/-1, reason empty). */
void xn_bal_event_init(struct xn_bal_event *e, const char *event, double time);

#endif
