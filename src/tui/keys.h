/* keys.h - the controller: ONE table of {keys, command, help text}; the help
 * screen is generated from it. Commands change the view state and return
 * effect flags that the TUI loop acts on. No curses here: tui.c translates
 * curses key codes to XN_KEY_*. */
#ifndef XN_KEYS_H
#define XN_KEYS_H

#include <stddef.h>

#include "keycodes.h"
#include "options.h"
#include "sampler.h"
#include "view.h"

/* Effect flags returned by commands. */
enum {
	XN_FX_NONE = 0,
	XN_FX_REDRAW = 1u << 0,   /* the view changed */
	XN_FX_RESAMPLE = 1u << 1, /* take a sample now (seek, affinity applied) */
	XN_FX_QUIT = 1u << 2,
	XN_FX_RESCHEDULE = 1u << 3, /* the delay or pause changed */
	XN_FX_RESORT = 1u << 4,     /* sort/filter changed: rebuild rows */
};

struct xn_move_ui;

/* What a command may touch. */
struct xn_ctl {
	struct xn_view *v;
	struct xn_sampler *s; /* s->cur is the sample shown */
	const struct xn_options *o;
	struct xn_move_ui *move; /* the memory move ('m', move_ui.h); NULL: none */
};

struct xn_key_binding {
	int keys[4];       /* 0-terminated when fewer */
	const char *label; /* as the help screen shows the keys: "q Esc" */
	unsigned (*cmd)(struct xn_ctl *c, int key);
	const char *help;
};

/* The key table, in the help screen's order, and its length. */
extern const struct xn_key_binding xn_key_table[];
extern const size_t xn_key_table_len;
/* The table's labels and help texts, for the help screen (xn_view_set_help). */
const struct xn_help_entry *xn_keys_help(size_t *n);

/* Handle one key: an open prompt gets it first (Esc cancels it), the help
 * screen scrolls with Up Down PgUp PgDn and closes on any other key but
 * F10, else the table decides. Esc alone never quits (Alt+key arrives as
 * Esc): it closes the detail view, the heatmap or the help. Returns
 * XN_FX_* flags. */
unsigned xn_keys_handle(struct xn_ctl *c, int key);

#endif
