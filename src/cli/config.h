/* config.h - the user's saved choices (--save-config), read back at start
 * before the command line, which wins. */
#ifndef XN_CLI_CONFIG_H
#define XN_CLI_CONFIG_H

#include <stddef.h>

#include "options.h"

/* $XDG_CONFIG_HOME/xentop-numa/config, else ~/.config/xentop-numa/config.
 * 0, or -ENOENT when neither variable is set. */
int xn_config_path(char *buf, size_t len);

/* Read the file, if any: "KEY VALUE" lines (KEY: columns, sort, delay,
 * units; '#' comments, blank lines). set() applies one, as the long option
 * of that name would, non-zero when it refuses the value (-ENOENT: no such
 * key). A bad line is
 * reported as FILE:LINE and skipped: never fatal. */
void xn_config_load(struct xn_options *o,
                    int (*set)(const char *key, const char *val, struct xn_options *o));

/* Write the choices of o that differ from the defaults (d), replacing the
 * file at once (a temporary file renamed). 0 or -errno, said on stderr. */
int xn_config_save(const struct xn_options *o, const struct xn_options *d);

#endif
