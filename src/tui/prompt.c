/* prompt.c - see prompt.h. Pure: no terminal, no source calls; the caller
 * applies what an accepted prompt holds. */
#include "prompt.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "canvas.h"
#include "keycodes.h"
#include "util.h"

static void open_common(struct xn_prompt *p, enum xn_prompt_kind kind)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
}

static void affinity_text(const struct xn_domain *d, const struct xn_host *h, char *buf, size_t len)
{
	if (!d || !(d->valid & XN_DOM_AFFINITY))
		snprintf(buf, len, "-");
	else if (d->affinity_auto || xn_nodemask_is_all(&d->node_affinity, h))
		snprintf(buf, len, "all"); /* the AFFINITY column's word (columns.c) */
	else if (xn_bits_format_list(d->node_affinity.w, XN_MAX_NODES, buf, len) == 0)
		snprintf(buf, len, "-");
}

void xn_prompt_open_affinity(struct xn_prompt *p, const struct xn_domain *d,
                             const struct xn_host *h, bool future_only)
{
	open_common(p, XN_PROMPT_AFFINITY);
	p->domid = d->id;
	p->future_only = future_only;
	xn_text_escape(d->name ? d->name : "-", p->name, sizeof(p->name));
	affinity_text(d, h, p->current, sizeof(p->current));
	xn_prompt_validate(p, h, d);
}

void xn_prompt_open_advice(struct xn_prompt *p, const struct xn_domain *d, const struct xn_host *h,
                           bool future_only, unsigned flags, const char *what, const char *detail)
{
	xn_prompt_open_affinity(p, d, h, future_only);
	p->advice = true;
	p->flags = flags;
	p->advice_nodes = d->advice.nodes;
	xn_strlcpy(p->what, what, sizeof(p->what));
	xn_strlcpy(p->detail, detail, sizeof(p->detail));
	if (xn_bits_format_list(d->advice.nodes.w, XN_MAX_NODES, p->buf, sizeof(p->buf)) == 0)
		p->buf[0] = '\0';
	p->len = strlen(p->buf);
	xn_prompt_validate(p, h, d);
	p->confirming = p->valid;
}

void xn_prompt_open_move(struct xn_prompt *p, const struct xn_domain *d, const struct xn_host *h)
{
	xn_prompt_open_affinity(p, d, h, false);
	p->move = true;
	xn_prompt_validate(p, h, d);
}

void xn_prompt_open_delay(struct xn_prompt *p, double current)
{
	open_common(p, XN_PROMPT_DELAY);
	p->delay = current;
	snprintf(p->current, sizeof(p->current), "%g", current);
	xn_prompt_validate(p, NULL, NULL);
}

void xn_prompt_open_filter(struct xn_prompt *p, const char *current)
{
	open_common(p, XN_PROMPT_FILTER);
	xn_strlcpy(p->buf, current ? current : "", sizeof(p->buf));
	p->len = strlen(p->buf);
	xn_prompt_validate(p, NULL, NULL);
}

void xn_prompt_close(struct xn_prompt *p)
{
	memset(p, 0, sizeof(*p));
}

static void describe_affinity(struct xn_prompt *p, const struct xn_host *h,
                              const struct xn_domain *d)
{
	char target[128];
	if (xn_nodemask_is_all(&p->mask, h))
		snprintf(target, sizeof(target), "all");
	else
		xn_bits_format_list(p->mask.w, XN_MAX_NODES, target, sizeof(target));
	int n = snprintf(p->hint, sizeof(p->hint), "affinity %s -> %s", p->current, target);
	if (n < 0 || (size_t)n >= sizeof(p->hint))
		return;
	if (!(d->valid & XN_DOM_PAGES)) {
		snprintf(p->hint + n, sizeof(p->hint) - (size_t)n, " (pages per node unknown)%s",
		         p->future_only ? "; Xen: steers future allocations only" : "");
		return;
	}
	uint64_t total = 0, outside = 0;
	for (int i = 0; i < h->nr_nodes; i++) {
		total += d->node_pages[i];
		if (!XN_NM_TEST(&p->mask, h->nodes[i].id))
			outside += d->node_pages[i];
	}
	if (outside == 0)
		snprintf(p->hint + n, sizeof(p->hint) - (size_t)n,
		         ": all %" PRIu64 " pages already there", total);
	else if (p->future_only)
		snprintf(p->hint + n, sizeof(p->hint) - (size_t)n,
		         ": %" PRIu64 " of %" PRIu64 " pages outside stay there (Xen: affinity "
		         "steers future allocations only)",
		         outside, total);
	else
		snprintf(p->hint + n, sizeof(p->hint) - (size_t)n,
		         ": %" PRIu64 " of %" PRIu64 " pages will be moved", outside, total);
}

/* 'm': what a move copies (every page: the domain is created again). */
static void describe_move(struct xn_prompt *p, const struct xn_host *h, const struct xn_domain *d)
{
	char target[128];
	xn_bits_format_list(p->mask.w, XN_MAX_NODES, target, sizeof(target));
	uint64_t total = 0, outside = 0;
	for (int i = 0; (d->valid & XN_DOM_PAGES) && i < h->nr_nodes; i++) {
		total += d->node_pages[i];
		if (!XN_NM_TEST(&p->mask, h->nodes[i].id))
			outside += d->node_pages[i];
	}
	if (!(d->valid & XN_DOM_PAGES))
		snprintf(p->hint, sizeof(p->hint),
		         "memory -> node %s: every page is copied (a localhost live migration); "
		         "pages per node unknown",
		         target);
	else
		snprintf(p->hint, sizeof(p->hint),
		         "memory -> node %s: all %" PRIu64 " pages are copied (a localhost live "
		         "migration), %" PRIu64 " of them now elsewhere; Enter checks",
		         target, total, outside);
}

void xn_prompt_validate(struct xn_prompt *p, const struct xn_host *h, const struct xn_domain *d)
{
	p->valid = false;
	p->hint[0] = '\0';
	switch (p->kind) {
	case XN_PROMPT_AFFINITY: {
		if (!d || !h) {
			snprintf(p->hint, sizeof(p->hint), "the domain is gone");
			return;
		}
		if (p->len == 0) {
			char all[128] = "";
			xn_nodemask m;
			xn_nodelist_parse("all", h, &m, NULL, 0);
			xn_bits_format_list(m.w, XN_MAX_NODES, all, sizeof(all));
			snprintf(p->hint, sizeof(p->hint),
			         "type nodes: 0, 0-1, 0,2 or all (valid nodes: %s); Enter, then y "
			         "applies; Esc cancels",
			         all);
			return;
		}
		char err[256];
		if (xn_nodelist_parse(p->buf, h, &p->mask, err, sizeof(err))) {
			xn_text_escape(err, p->hint, sizeof(p->hint));
			return;
		}
		p->valid = true;
		if (p->move && p->confirming && p->move_hint[0])
			xn_strlcpy(p->hint, p->move_hint, sizeof(p->hint));
		else if (p->move)
			describe_move(p, h, d);
		else if (p->advice && !memcmp(&p->mask, &p->advice_nodes, sizeof(p->mask)))
			xn_strlcpy(p->hint, p->detail, sizeof(p->hint));
		else
			describe_affinity(p, h, d);
		return;
	}
	case XN_PROMPT_DELAY: {
		double v;
		if (p->len == 0) {
			snprintf(p->hint, sizeof(p->hint),
			         "seconds between refreshes, e.g. 1 or 0.5");
			return;
		}
		if (xn_parse_seconds(p->buf, &v) || v <= 0 || v > 86400) {
			snprintf(p->hint, sizeof(p->hint),
			         "not a delay: give seconds > 0 (fractions allowed)");
			return;
		}
		p->valid = true;
		p->delay = v;
		snprintf(p->hint, sizeof(p->hint), "refresh every %g s", v);
		return;
	}
	case XN_PROMPT_FILTER:
		p->valid = true;
		return;
	case XN_PROMPT_NONE:
	default:
		return;
	}
}

enum xn_prompt_result xn_prompt_key(struct xn_prompt *p, int key, const struct xn_host *h,
                                    const struct xn_domain *d)
{
	if (p->kind == XN_PROMPT_NONE)
		return XN_PROMPT_CANCELLED;
	if (p->confirming) {
		if (key == 'y' || key == 'Y') {
			xn_prompt_validate(p, h, d);
			return p->valid ? XN_PROMPT_ACCEPTED : XN_PROMPT_EDITING;
		}
		if (key == XN_KEY_ESC)
			return XN_PROMPT_CANCELLED;
		if (key == 'n' || key == 'N' || key == XN_KEY_BACKSPACE) {
			p->confirming = false;
			p->offline = false;
			p->move_hint[0] = '\0';
		}
		return XN_PROMPT_EDITING;
	}
	if (key == XN_KEY_ESC)
		return XN_PROMPT_CANCELLED;
	if (key == XN_KEY_ENTER) {
		xn_prompt_validate(p, h, d);
		if (!p->valid)
			return XN_PROMPT_EDITING;
		if (p->kind == XN_PROMPT_AFFINITY) {
			p->confirming = true;
			return XN_PROMPT_EDITING;
		}
		return XN_PROMPT_ACCEPTED;
	}
	if (key == XN_KEY_BACKSPACE || key == 127 || key == 8) {
		p->advice = false; /* an edited list is the operator's own */
		if (p->len > 0)
			p->buf[--p->len] = '\0';
	} else if (key >= 0x20 && key < 0x7f) {
		p->advice = false;
		if (p->len + 1 < sizeof(p->buf)) {
			p->buf[p->len++] = (char)key;
			p->buf[p->len] = '\0';
		}
	} else {
		return XN_PROMPT_EDITING;
	}
	xn_prompt_validate(p, h, d);
	return XN_PROMPT_EDITING;
}

void xn_prompt_line(const struct xn_prompt *p, char *buf, size_t len)
{
	char typed[sizeof(p->buf) * 4];
	xn_text_escape(p->buf, typed, sizeof(typed));
	switch (p->kind) {
	case XN_PROMPT_AFFINITY:
		if (p->move && p->confirming && p->offline)
			snprintf(buf, len,
			         "move %s (id %" PRId64 ") to node %s OFFLINE, stopping it for "
			         "the copy? [y/n] ",
			         p->name, p->domid, typed);
		else if (p->move && p->confirming)
			snprintf(buf, len,
			         "move the memory of %s (id %" PRId64 ") to node %s? [y/n] ",
			         p->name, p->domid, typed);
		else if (p->move)
			snprintf(buf, len, "move the memory of %s to nodes: %s_", p->name, typed);
		else if (p->confirming && p->advice)
			snprintf(buf, len, "apply advice to %s (id %" PRId64 "): %s? [y/n] ",
			         p->name, p->domid, p->what);
		else if (p->confirming)
			snprintf(buf, len, "apply node affinity %s to %s (id %" PRId64 ")? [y/n] ",
			         typed, p->name, p->domid);
		else
			snprintf(buf, len, "node affinity of %s (now %s): %s_", p->name, p->current,
			         typed);
		return;
	case XN_PROMPT_DELAY:
		snprintf(buf, len, "delay in seconds (now %s): %s_", p->current, typed);
		return;
	case XN_PROMPT_FILTER:
		snprintf(buf, len, "filter names: %s_  (Enter keeps, Esc clears)", typed);
		return;
	case XN_PROMPT_NONE:
	default:
		if (len)
			buf[0] = '\0';
		return;
	}
}
