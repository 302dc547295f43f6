/* move_ui.h - the screen's memory move ('m', see move.h): the node prompt
 * and its y/n (the affinity dialog), the plan as its question, a second
 * question for the non-live path, the running move on the status line,
 * Esc to cancel, and the pages afterwards beside the prediction. */
#ifndef XN_MOVE_UI_H
#define XN_MOVE_UI_H

#include <stdbool.h>

#include "move.h"
#include "prompt.h"

struct xn_ctl; /* keys.h: the controller, which calls this dialog */

struct xn_move_ui {
	bool active; /* a move runs */
	bool verify; /* it ended well: compare the next sample with the plan */
	struct xn_move_job job;
	struct xn_move_plan plan;
	double rate;     /* pages/s of the last move here; 0 = none measured yet */
	char name[128];  /* escaped name, for the status line */
	char raw[128];   /* the domain's name, to find it again (new id) */
	char cfg[16384]; /* the new config text */
};

/* 'm': open the move dialog for the selected domain. */
unsigned xn_move_ui_key(struct xn_ctl *c, int key);

/* 'A' on a Xen "move memory" advice: the move dialog with its nodes
 * typed in, asking y/n once the checks passed. */
unsigned xn_move_ui_open_nodes(struct xn_ctl *c, const struct xn_domain *d,
                               const xn_nodemask *nodes);

/* The move dialog got a key; r is what xn_prompt_key said. */
unsigned xn_move_ui_prompt(struct xn_ctl *c, enum xn_prompt_result r);

/* From the TUI loop: follow a running move (status line), and after it
 * ended compare the latest sample with the plan. Returns XN_FX_* flags. */
unsigned xn_move_ui_poll(struct xn_ctl *c);

/* Esc while a move runs: cancel it if that is still harmless. */
unsigned xn_move_ui_cancel(struct xn_ctl *c);

/* Quitting while a move runs would leave it unwatched: true (and says so)
 * when the quit must wait. */
bool xn_move_ui_blocks_quit(struct xn_ctl *c);

/* Stop and release everything (at exit). */
void xn_move_ui_clear(struct xn_move_ui *m);

#endif
