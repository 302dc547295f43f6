/* tui.h - the interactive screen. The only module that includes curses. */
#ifndef XN_TUI_H
#define XN_TUI_H

#include <stddef.h>
#include <stdio.h>

#include "options.h"
#include "sampler.h"

/* Run until the user quits or o->iterations refreshes are done. record, when
 * not NULL, gets every sample as a JSON line. The terminal is restored on
 * every exit path, including SIGINT/SIGTERM. Returns 0, or -errno with the
 * reason in err (main prints it after the terminal is restored). */
int xn_tui_run(struct xn_sampler *s, const struct xn_options *o, FILE *record, char *err,
               size_t errlen);

#endif
