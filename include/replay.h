/* replay.h - the replay source's extras beyond source.h: parsing one
 * recorded line (schema 1 or 2, man/xentop-numa-json.5) and the position in the
 * recording (for the TUI's "sample 17/1000"). */
#ifndef XN_REPLAY_H
#define XN_REPLAY_H

#include <stddef.h>

#include "snapshot.h"
#include "source.h"

/* The replay source ("replay"): plays a --record file, read-only. */
extern const struct xn_source_ops xn_source_replay;

/* Parse one JSON line (len bytes, need not be NUL-terminated) into a
 * cleared snapshot: types and sizes are checked, recorded derived values
 * keep their valid bits, source becomes "replay", mono_ns comes from the
 * recorded time. Returns 0, or -EINVAL with the reason in err (out is then
 * cleared), or -ENOMEM. */
int xn_replay_parse_line(const char *line, size_t len, struct xn_snapshot *out, char *err,
                         size_t errlen);

#endif
