/* balance.h - the --balance mode: keep a host well placed, unattended,
 * by applying the host plan's steps (advise.h) one at a time under an
 * operator's policy. Shared by cli (options, dispatch) and the balance room
 * (src/balance/); the engine's internals are in balance_priv.h there.
 *
 * The policy: defaults, then the file (--balance-policy FILE, "key = value"
 * lines, '#' comments), then the flags (--balance-KEY VALUE, the same keys),
 * later ones winning. Bad input is refused before anything runs, with
 * FILE:LINE (or the flag) and the reason. */
#ifndef XN_BALANCE_H
#define XN_BALANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "options.h"
#include "sampler.h"

enum {
	XN_BALANCE_MAX_PATTERNS = 16, /* include / exclude patterns each */
	XN_BALANCE_PATTERN_LEN = 128,
};

struct xn_balance_policy {
	bool vcpus;               /* vcpus: vCPU placement allowed (default on) */
	bool memory;              /* memory: memory moves allowed (default off) */
	uint64_t memory_max_move; /* memory-max-move: bytes one move may copy (4 GiB) */
	uint64_t memory_budget;   /* memory-budget: bytes copied per hour, all moves (16 GiB) */
	int memory_hours_from;    /* memory-hours HH:MM-HH:MM, minutes after midnight UTC... */
	int memory_hours_to;      /* ... -1 = any time (default) */
	bool hard_affinity;       /* hard-affinity: touch a domain with hard affinity set (off) */
	bool other_managers;      /* other-managers: act beside another placer (off) */
	double window;            /* window: seconds a step must hold (300) */
	double cooldown;          /* cool-down: seconds after a change of a domain (1800) */
	double settle;            /* settle: seconds a step's figures get to settle (60) */
	double margin;            /* margin: points of host LOCAL% within the plan's best at
	                             which no step is proposed (2) */
	char state_file[256];     /* state-file: our changes, for cool-downs and
	                             --revert-last ("" = none) */
	size_t nr_include, nr_exclude;
	char include[XN_BALANCE_MAX_PATTERNS][XN_BALANCE_PATTERN_LEN]; /* include: glob */
	char exclude[XN_BALANCE_MAX_PATTERNS][XN_BALANCE_PATTERN_LEN]; /* exclude: glob */
};

/* The safe defaults. */
void xn_balance_policy_defaults(struct xn_balance_policy *p);

/* Set one key from text. where names the place for the message ("FILE:3",
 * "--balance-window"). 0, or -EINVAL with "WHERE: reason" in err. */
int xn_balance_policy_set(struct xn_balance_policy *p, const char *key, const char *value,
                          const char *where, char *err, size_t errlen);

/* Read a policy file over p. 0, or -errno with "FILE:LINE: reason" in err. */
int xn_balance_policy_load(struct xn_balance_policy *p, const char *path, char *err, size_t errlen);

/* The whole policy from the options: defaults, o->balance_policy, then the
 * o->balance_keys flags. 0 or -errno with the reason in err. */
int xn_balance_policy_from(struct xn_balance_policy *p, const struct xn_options *o, char *err,
                           size_t errlen);

/* True when key is a policy key (for the flags --balance-KEY). */
bool xn_balance_policy_key(const char *key);

/* --balance: run until SIGINT/SIGTERM, -i samples or the recording's end;
 * SIGHUP reloads the policy. Returns an exit status (commands.h). */
int xn_cmd_balance(struct xn_sampler *s, const struct xn_options *o);

#endif
