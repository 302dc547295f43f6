/* move_ui.c - the screen's memory move (see move_ui.h). The checks run
 * when Enter asks for y/n (they call xl, a second at most), so the
 * question already says what will happen or why it cannot. */
#include "move_ui.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "keys.h"
#include "util.h"

unsigned xn_move_ui_key(struct xn_ctl *c, int key)
{
	struct xn_view *v = c->v;
	const struct xn_domain *d = xn_view_selected(v);
	const struct xn_source_ops *ops = c->s->src->ops;
	if (!c->move)
		xn_view_status(v, XN_ROLE_ERROR, "moving memory is not available here");
	else if (c->move->active)
		xn_view_status(v, XN_ROLE_ERROR, "a move is running (Esc cancels it)");
	else if (!d)
		xn_view_status(v, XN_ROLE_ERROR, "no domain selected");
	else if (c->o->read_only)
		xn_view_status(v, XN_ROLE_ERROR,
		               "read-only mode (--read-only): memory cannot be moved");
	else if (!(ops->caps & XN_SRC_RECREATE))
		xn_view_status(v, XN_ROLE_ERROR, "m: the %s source cannot move memory%s", ops->name,
		               ops->set_node_affinity ? " (a sets the node affinity)" : "");
	else
		xn_prompt_open_move(&v->prompt, d, &c->s->cur.host);
	return XN_FX_REDRAW;
}

static bool make_plan(struct xn_ctl *c, const struct xn_domain *d);

unsigned xn_move_ui_open_nodes(struct xn_ctl *c, const struct xn_domain *d,
                               const xn_nodemask *nodes)
{
	unsigned fx = xn_move_ui_key(c, 'm');
	struct xn_prompt *p = &c->v->prompt;
	if (p->kind != XN_PROMPT_AFFINITY || !p->move)
		return fx;
	if (xn_bits_format_list(nodes->w, XN_MAX_NODES, p->buf, sizeof(p->buf)) == 0)
		p->buf[0] = '\0';
	p->len = strlen(p->buf);
	xn_prompt_validate(p, &c->s->cur.host, d);
	if (p->valid) {
		p->confirming = true;
		if (!make_plan(c, d))
			xn_prompt_close(p);
	}
	return XN_FX_REDRAW;
}

/* Enter was pressed on a valid node list: run the checks, put the plan in
 * the question. When only the log-dirty check refuses, the question
 * becomes the non-live one (p->offline), which the operator must answer y
 * to. Returns false when refused (the status line says why). */
static bool make_plan(struct xn_ctl *c, const struct xn_domain *d)
{
	struct xn_prompt *p = &c->v->prompt;
	struct xn_move_ui *m = c->move;
	struct xn_move_facts f;
	char err[512], *json = NULL;
	memset(&f, 0, sizeof(f));
	if (d->id != 0 && xn_move_facts_read(d->id, &f, &json, err, sizeof(err))) {
		xn_view_status(c->v, XN_ROLE_ERROR, "%s not moved: %s", p->name, err);
		return false;
	}
	xn_move_plan_make(&c->s->cur, d, &p->mask, false, &f, m->rate, &m->plan);
	p->offline = m->plan.refused && m->plan.offline_possible;
	if (p->offline)
		xn_move_plan_make(&c->s->cur, d, &p->mask, true, &f, m->rate, &m->plan);
	int r = -EINVAL;
	if (!m->plan.refused) {
		struct xn_move_dominfo info;
		r = xn_move_config_write(json, &p->mask, m->plan.hard, m->cfg, sizeof(m->cfg),
		                         &info, err, sizeof(err));
		if (r)
			snprintf(m->plan.words, sizeof(m->plan.words), "refused: %.400s", err);
	}
	free(json);
	xn_strlcpy(m->raw, d->name ? d->name : "", sizeof(m->raw));
	xn_strlcpy(m->name, p->name, sizeof(m->name));
	char words[sizeof(m->plan.words) * 4];
	xn_text_escape(m->plan.words, words, sizeof(words));
	if (r) {
		xn_view_status(c->v, XN_ROLE_ERROR, "%s not moved: %s", p->name, words);
		return false;
	}
	if (p->offline)
		snprintf(p->move_hint, sizeof(p->move_hint),
		         "live move impossible: this Xen has no shadow paging, so no log-dirty "
		         "for a PV guest. Offline instead: xl save + xl restore; the guest "
		         "STOPS for about %.0f s",
		         2 * m->plan.seconds);
	else
		xn_strlcpy(p->move_hint, words, sizeof(p->move_hint));
	xn_strlcpy(p->hint, p->move_hint, sizeof(p->hint));
	return true;
}

static unsigned start(struct xn_ctl *c)
{
	struct xn_move_ui *m = c->move;
	char err[512];
	if (xn_move_job_start(&m->job, &m->plan, m->raw, m->cfg, err, sizeof(err))) {
		xn_view_status(c->v, XN_ROLE_ERROR, "%s not moved: %s", m->name, err);
		xn_move_job_clear(&m->job);
		return XN_FX_REDRAW;
	}
	m->active = true;
	xn_view_status(c->v, XN_ROLE_STATUS, "moving %s: starting xl %s (Esc cancels)", m->name,
	               m->plan.live ? "migrate" : "save");
	return XN_FX_REDRAW;
}

unsigned xn_move_ui_prompt(struct xn_ctl *c, enum xn_prompt_result r)
{
	struct xn_prompt *p = &c->v->prompt;
	const struct xn_domain *d = c->s->have_cur ? xn_snapshot_find(&c->s->cur, p->domid) : NULL;
	if (r == XN_PROMPT_CANCELLED) {
		xn_prompt_close(p);
		xn_view_status(c->v, XN_ROLE_STATUS, "nothing moved");
		return XN_FX_REDRAW;
	}
	if (r == XN_PROMPT_EDITING) {
		/* Enter just asked for y/n: the checks decide whether to ask */
		if (p->confirming && !p->move_hint[0] && (!d || !make_plan(c, d))) {
			xn_prompt_close(p);
			if (!d)
				xn_view_status(c->v, XN_ROLE_ERROR, "the domain is gone");
		}
		return XN_FX_REDRAW;
	}
	xn_prompt_close(p);
	if (!d) {
		xn_view_status(c->v, XN_ROLE_ERROR, "the domain is gone: nothing moved");
		return XN_FX_REDRAW;
	}
	return start(c);
}

unsigned xn_move_ui_cancel(struct xn_ctl *c)
{
	struct xn_move_ui *m = c->move;
	if (xn_move_job_cancel(&m->job) == -EBUSY)
		xn_view_status(c->v, XN_ROLE_WARN,
		               "too late to cancel: %s is paused for its last round; the move "
		               "finishes in a moment",
		               m->name);
	else
		xn_view_status(c->v, XN_ROLE_STATUS,
		               "cancelling the move of %s: stopping the sending xl", m->name);
	return XN_FX_REDRAW;
}

bool xn_move_ui_blocks_quit(struct xn_ctl *c)
{
	if (!c->move || !c->move->active)
		return false;
	xn_view_status(c->v, XN_ROLE_WARN,
	               "a move of %s is running: Esc cancels it; quit once it ended",
	               c->move->name);
	return true;
}

/* The sample after a good move: where the pages are now, beside the plan. */
static void verify(struct xn_ctl *c)
{
	struct xn_move_ui *m = c->move;
	const struct xn_snapshot *snap = &c->s->cur;
	const struct xn_domain *d = NULL;
	for (size_t i = 0; i < snap->nr_domains; i++)
		if (snap->domains[i].name && !strcmp(snap->domains[i].name, m->raw))
			d = &snap->domains[i];
	m->verify = false;
	char nl[128];
	xn_bits_format_list(m->plan.nodes.w, XN_MAX_NODES, nl, sizeof(nl));
	double secs = m->job.t_end - m->job.t_start;
	if (!d) {
		xn_view_status(c->v, XN_ROLE_ERROR, "%s moved in %.1f s but is not in the sample",
		               m->name, secs);
		return;
	}
	/* node affinity explicitly on the target (the soft affinity implies it) */
	char msg[256] = "";
	if (c->s->src->ops->set_node_affinity)
		c->s->src->ops->set_node_affinity(c->s->src, d->id, &m->plan.nodes, 0, msg,
		                                  sizeof(msg));
	char pages[256] = "unknown";
	uint64_t outside = 0;
	if ((d->valid & XN_DOM_PAGES) && d->node_pages) {
		size_t u = 0;
		for (int i = 0; i < snap->host.nr_nodes && u < sizeof(pages); i++) {
			int id = snap->host.nodes[i].id;
			u += (size_t)snprintf(pages + u, sizeof(pages) - u, "%sn%d %" PRIu64,
			                      i ? ", " : "", id, d->node_pages[i]);
			if (id < 0 || id >= XN_MAX_NODES || !XN_NM_TEST(&m->plan.nodes, id))
				outside += d->node_pages[i];
		}
	}
	/* the pause as xl's messages bound it (see commands_move.c) */
	const struct xn_move_job *j = &m->job;
	double pause = !m->plan.live ? secs
	               : j->t_suspend > 0
	                       ? (j->t_started > 0 ? j->t_started : j->t_end) - j->t_suspend
	               : j->t_started > j->t_copied && j->t_copied > 0 ? j->t_started - j->t_copied
	                                                               : secs;
	xn_view_status(c->v, outside ? XN_ROLE_WARN : XN_ROLE_OK,
	               "%s moved %s in %.1f s (paused ~%.1f s): pages %s; predicted all %" PRIu64
	               " on node %s%s",
	               m->name, m->plan.live ? "live" : "offline", secs, pause, pages,
	               m->plan.pages, nl, outside ? " - DIFFERENT" : "");
}

unsigned xn_move_ui_poll(struct xn_ctl *c)
{
	struct xn_move_ui *m = c->move;
	if (!m)
		return XN_FX_NONE;
	if (m->verify && !m->active) {
		verify(c);
		return XN_FX_REDRAW;
	}
	if (!m->active)
		return XN_FX_NONE;
	int changed = xn_move_job_poll(&m->job, 0);
	if (c->s->have_cur)
		changed |= xn_move_job_observe(&m->job, &c->s->cur);
	if (!changed)
		return XN_FX_NONE;
	struct xn_move_job *j = &m->job;
	if (j->prog.phase == XN_MOVE_DONE) {
		m->active = false;
		xn_move_job_clear(j);
		double copy = (j->t_suspend > 0 ? j->t_suspend : j->t_end) - j->t_start;
		if (copy > 0 && m->plan.pages)
			m->rate = (double)m->plan.pages / copy;
		m->verify = true;
		xn_view_status(c->v, XN_ROLE_OK, "%s moved; reading its pages back", m->name);
		return XN_FX_REDRAW | XN_FX_RESAMPLE;
	}
	if (j->prog.phase == XN_MOVE_FAILED) {
		m->active = false;
		xn_move_job_clear(j);
		char w[sizeof(j->words) * 4];
		xn_text_escape(j->words, w, sizeof(w));
		xn_view_status(c->v, XN_ROLE_ERROR, "%s not moved: %s", m->name, w);
		return XN_FX_REDRAW | XN_FX_RESAMPLE;
	}
	char line[200];
	xn_move_progress_format(&j->prog, line, sizeof(line));
	xn_view_status(c->v, XN_ROLE_STATUS, "moving %s: %s (Esc cancels)", m->name, line);
	return XN_FX_REDRAW;
}

void xn_move_ui_clear(struct xn_move_ui *m)
{
	/* Leaving xl behind would kill it at its next write to our pipe, in
	 * the middle of a round: cancel while harmless, else let it finish. */
	if (m->active) {
		xn_move_job_cancel(&m->job);
		while (m->job.prog.phase != XN_MOVE_DONE && m->job.prog.phase != XN_MOVE_FAILED)
			xn_move_job_poll(&m->job, 500);
		xn_move_job_clear(&m->job);
	}
	m->active = false;
}
