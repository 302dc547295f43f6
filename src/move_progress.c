/* move_progress.c - what xl prints while it migrates or saves a domain,
 * turned into rounds and pages (see move.h). The lines come from libxc's
 * progress reports, forwarded by libxl-save-helper to xl's logger:
 *   "xc: Frames iteration 1: 1536/2048  75%"   (live rounds)
 *   "xc: Frames: 65536/65536  100%"            (non-live save)
 *   "xc: info: ... Domain now suspended"       (the last round begins)
 * and xl's own "migration sender: ..." / "migration target: ..." lines.
 * tests/fixtures/xl-migrate-*.out hold real captures. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "move.h"
#include "util.h"

/* "DONE/TOTAL" after the prefix's colon. */
static bool parse_fraction(const char *s, uint64_t *done, uint64_t *total)
{
	const char *c = strrchr(s, ':');
	if (!c)
		return false;
	char *end;
	unsigned long long d = strtoull(c + 1, &end, 10);
	if (end == c + 1 || *end != '/')
		return false;
	const char *t = end + 1;
	unsigned long long tot = strtoull(t, &end, 10);
	if (end == t)
		return false;
	*done = d;
	*total = tot;
	return true;
}

static void set_error(struct xn_move_progress *p, const char *line)
{
	if (p->error[0])
		return;
	size_t o = 0;
	for (const unsigned char *s = (const unsigned char *)line; *s && o + 1 < sizeof(p->error);
	     s++)
		p->error[o++] = *s >= 0x20 && *s < 0x7f ? (char)*s : '?';
	p->error[o] = '\0';
}

static bool is_error(const char *line)
{
	return strstr(line, "error") || strstr(line, "ERROR") || strstr(line, "Failed") ||
	       strstr(line, "failed") || strstr(line, "unable");
}

void xn_move_progress_init(struct xn_move_progress *p)
{
	memset(p, 0, sizeof(*p));
	p->round = -1;
}

int xn_move_progress_feed(struct xn_move_progress *p, const char *line)
{
	struct xn_move_progress before = *p;
	const char *fr = strstr(line, "Frames");
	uint64_t done, total;
	if (fr && parse_fraction(fr, &done, &total)) {
		int round = 0;
		const char *it = strstr(fr, "iteration ");
		if (it)
			round = atoi(it + 10);
		if (round != p->round) {
			/* a new round: the previous one was sent whole */
			if (p->round >= 0)
				p->sent_before += p->total;
			p->round = round;
		}
		p->done = done;
		p->total = total;
		p->sent = p->sent_before + done;
		if (p->phase == XN_MOVE_STARTING)
			p->phase = XN_MOVE_COPYING;
	} else if (strstr(line, "Domain now suspended")) {
		p->phase = XN_MOVE_SUSPENDED;
	} else if (strstr(line, "End of stream") || strstr(line, "Complete") ||
	           strstr(line, "Target reports successful startup")) {
		if (p->phase < XN_MOVE_RESUMING)
			p->phase = XN_MOVE_RESUMING;
	} else if (is_error(line)) {
		set_error(p, line);
	}
	return memcmp(&before, p, sizeof(before)) != 0;
}

void xn_move_progress_format(const struct xn_move_progress *p, char *buf, size_t len)
{
	static const char *const phase[] = {[XN_MOVE_STARTING] = "starting",
	                                    [XN_MOVE_COPYING] = "copying (guest runs)",
	                                    [XN_MOVE_SUSPENDED] = "last round (guest paused)",
	                                    [XN_MOVE_RESUMING] = "starting the new copy",
	                                    [XN_MOVE_DONE] = "done",
	                                    [XN_MOVE_FAILED] = "failed"};
	if (p->round < 0) {
		snprintf(buf, len, "%s", phase[p->phase]);
		return;
	}
	unsigned pct = p->total ? (unsigned)(p->done * 100 / p->total) : 0;
	snprintf(buf, len, "%s: round %d, %" PRIu64 "/%" PRIu64 " pages (%u%%), %" PRIu64 " sent",
	         phase[p->phase], p->round, p->done, p->total, pct, p->sent);
}
