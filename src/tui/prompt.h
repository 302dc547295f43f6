/* prompt.h - the one-line prompts of the screen as pure state machines:
 * the affinity prompt (validates the node list as it is typed, says what will
 * change, asks for confirmation), the delay prompt and the name filter. */
#ifndef XN_PROMPT_H
#define XN_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nodemask.h"
#include "snapshot.h"

enum xn_prompt_kind {
	XN_PROMPT_NONE = 0, /* no prompt open */
	XN_PROMPT_AFFINITY,
	XN_PROMPT_DELAY,
	XN_PROMPT_FILTER,
};

enum xn_prompt_result {
	XN_PROMPT_EDITING = 0, /* still open */
	XN_PROMPT_CANCELLED,   /* closed, nothing to do */
	XN_PROMPT_ACCEPTED,    /* closed: apply (mask / delay / buf) */
};

struct xn_prompt {
	enum xn_prompt_kind kind;
	char buf[64]; /* what the user typed (printable ASCII only) */
	size_t len;
	bool valid;      /* buf parses */
	bool confirming; /* affinity: waiting for y/n */
	char hint[320];  /* the parse error, or what will change */
	/* affinity */
	int64_t domid;
	char name[96];    /* escaped domain name, for the question */
	char current[64]; /* the affinity before the change: "all", "0-1", "-" */
	bool future_only; /* xen: affinity steers future allocations only */
	xn_nodemask mask; /* the parsed node list when valid */
	/* affinity prompt opened by 'A' with a domain's advice: its nodes typed
	 * in, the question names its action; editing the list makes it a plain
	 * affinity change again (advice false) */
	bool advice;
	unsigned flags;           /* set_node_affinity flags the advice applies with */
	xn_nodemask advice_nodes; /* the advised nodes */
	char what[120];           /* the action, short: "run vCPUs on node 0" */
	char detail[320];         /* the hint while the list is the advised one */
	/* memory move prompt opened by 'm' (move.h): the same node list and
	 * y/n; move_hint is the plan in words once Enter asked for y/n; offline
	 * is the second question, asked when only the log-dirty check refused */
	bool move;
	bool offline;
	char move_hint[320];
	/* delay */
	double delay;
};

/* Open the affinity prompt for domain d of host h. future_only: the source
 * does not move existing pages (xen). */
void xn_prompt_open_affinity(struct xn_prompt *p, const struct xn_domain *d,
                             const struct xn_host *h, bool future_only);

/* Open the affinity prompt for d's advice: its nodes typed in and, when
 * they are valid on h, already asking y/n. flags: what set_node_affinity
 * gets; what / detail: the action in words (xn_advice_words). */
void xn_prompt_open_advice(struct xn_prompt *p, const struct xn_domain *d, const struct xn_host *h,
                           bool future_only, unsigned flags, const char *what, const char *detail);

/* Open the affinity prompt as the memory move dialog ('m'). */
void xn_prompt_open_move(struct xn_prompt *p, const struct xn_domain *d, const struct xn_host *h);

/* Open the delay prompt (current value shown in the hint) or the filter
 * prompt (starting from the current filter text). */
void xn_prompt_open_delay(struct xn_prompt *p, double current);
void xn_prompt_open_filter(struct xn_prompt *p, const char *current);

/* Feed one key (XN_KEY_* from keys.h or a character). h and d are the
 * current host and the domain the prompt is about (d NULL when it is gone).
 * Revalidates after every edit. */
enum xn_prompt_result xn_prompt_key(struct xn_prompt *p, int key, const struct xn_host *h,
                                    const struct xn_domain *d);

/* Recompute valid/hint for the current text (after a new sample too). */
void xn_prompt_validate(struct xn_prompt *p, const struct xn_host *h, const struct xn_domain *d);

/* The prompt's question line, e.g. "affinity of web1 (now auto): 0-1". */
void xn_prompt_line(const struct xn_prompt *p, char *buf, size_t len);

/* Close without effect. */
void xn_prompt_close(struct xn_prompt *p);

#endif
