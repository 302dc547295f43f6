/* config.h - the user's saved choices (--save-config), read back at start
 * before the command line, which wins. */
#ifndef XN_CLI_CONFIG_H
#define XN_CLI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "units.h"

/* $XDG_CONFIG_HOME/xentop-numa/config, else ~/.config/xentop-numa/config.
 * 0, or -ENOENT when neither variable is set. */
int xn_config_path(char *buf, size_t len);

/* Read the file, if any: "KEY VALUE" lines (KEY: columns, sort, delay,
 * units; '#' comments, blank lines). set() applies one, as the long option
 * of that name would, non-zero when it refuses the value (-ENOENT: no such
 * key). A bad line is
 * reported as FILE:LINE and skipped: never fatal. */
void xn_config_load(int (*set)(const char *key, const char *val, void *ctx), void *ctx);

/* What --save-config writes: each only when chosen (the options' parser
 * knows which differ from its defaults). */
struct xn_config {
	uint64_t columns; /* 0: not chosen */
	const char *sort; /* with its '-' when reversed; NULL: not chosen */
	bool delay_set, units_set;
	double delay;
	enum xn_units units;
};

/* Write them, replacing the file at once (a temporary file renamed).
 * 0 or -errno, said on stderr. */
int xn_config_save(const struct xn_config *k);

#endif
