/* move_progress.c - what xl prints while it migrates or saves a domain,
 * turned into phases and pages (see move.h). Lines seen from Xen 4.17's xl
 * (tests/fixtures/xl-migrate-*.out, xl-save-*.out are real captures):
 *   "xc: info: Saving domain 1, type x86 PV"          the copy starts
 *   "xc: progress: Frames: 4096/65536    6%"          xl save only
 *   "xc: info: Restore successful"                    every page arrived
 *   "migration target: Transfer complete, ..."        the same, said by xl
 *   "xc: error: ...", "libxl: error: ..."             the first one is kept
 *   "Migration failed, failed to suspend at sender."  xl's summary */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "move.h"
#include "util.h"

void xn_move_progress_init(struct xn_move_progress *p)
{
	memset(p, 0, sizeof(*p));
}

/* "N/T" after "Frames:". */
static bool parse_frames(const char *s, uint64_t *done, uint64_t *total)
{
	char *end;
	while (*s == ' ')
		s++;
	unsigned long long d = strtoull(s, &end, 10);
	if (end == s || *end != '/')
		return false;
	const char *t = end + 1;
	unsigned long long tot = strtoull(t, &end, 10);
	if (end == t)
		return false;
	*done = d;
	*total = tot;
	return true;
}

/* Keep an ASCII copy of line in dst (once: the first one is the cause). */
static void keep(char *dst, size_t len, const char *line)
{
	if (dst[0])
		return;
	size_t o = 0;
	for (const unsigned char *s = (const unsigned char *)line; *s && o + 1 < len; s++)
		dst[o++] = *s >= 0x20 && *s < 0x7f ? (char)*s : '?';
	dst[o] = '\0';
}

static void advance(struct xn_move_progress *p, enum xn_move_phase to)
{
	if (p->phase < to && p->phase != XN_MOVE_FAILED)
		p->phase = to;
}

int xn_move_progress_feed(struct xn_move_progress *p, const char *line)
{
	struct xn_move_progress before = *p;
	const char *fr = strstr(line, "progress: Frames:");
	uint64_t done, total;
	if (fr && parse_frames(fr + strlen("progress: Frames:"), &done, &total)) {
		p->done = done;
		p->total = total;
		advance(p, XN_MOVE_COPYING);
	} else if (strstr(line, "xc: info: Saving domain")) {
		advance(p, XN_MOVE_COPYING);
	} else if (strstr(line, "Restore successful") || strstr(line, "Transfer complete")) {
		if (p->total)
			p->done = p->total;
		advance(p, XN_MOVE_RESUMING);
	} else if (!strncmp(line, "Migration failed", 16) ||
	           !strncmp(line, "migration sender: ", 18) ||
	           !strncmp(line, "migration target: Domain creation failed", 40)) {
		if (strstr(line, "fail"))
			keep(p->summary, sizeof(p->summary), line);
	} else if (strstr(line, "error") || strstr(line, "ERROR") || strstr(line, "Failed") ||
	           strstr(line, "failed") || strstr(line, "cannot ") || strstr(line, "Unknown ") ||
	           strstr(line, "unable")) {
		keep(p->error, sizeof(p->error), line);
	} else if (strncmp(line, "xc: info:", 9) && strncmp(line, "migration ", 10) &&
	           strncmp(line, "Parsing config", 14) && strncmp(line, "Loading new save", 16) &&
	           strncmp(line, "Saving to", 9) && strncmp(line, " Savefile", 9) &&
	           strncmp(line, "xc: progress:", 13)) {
		/* anything else xl says: the fallback when no line says "error" */
		p->last[0] = '\0';
		keep(p->last, sizeof(p->last), line);
	}
	/* the fallback line alone is no progress */
	memcpy(before.last, p->last, sizeof(before.last));
	return memcmp(&before, p, sizeof(before)) != 0;
}

void xn_move_progress_format(const struct xn_move_progress *p, char *buf, size_t len)
{
	static const char *const phase[] = {[XN_MOVE_STARTING] = "starting",
	                                    [XN_MOVE_COPYING] = "copying (guest runs)",
	                                    [XN_MOVE_SUSPENDED] = "guest paused",
	                                    [XN_MOVE_RESUMING] = "starting the new copy",
	                                    [XN_MOVE_DONE] = "done",
	                                    [XN_MOVE_FAILED] = "failed"};
	if (!p->total) {
		snprintf(buf, len, "%s", phase[p->phase]);
		return;
	}
	uint64_t d = p->done < p->total ? p->done : p->total;
	snprintf(buf, len, "%s: %" PRIu64 "/%" PRIu64 " pages (%u%%)", phase[p->phase], d, p->total,
	         (unsigned)(d * 100 / p->total));
}
