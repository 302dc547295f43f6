/* tui.c - the interactive loop: terminal set-up and restore, signals, input,
 * the mapping of style roles to curses attributes, and drawing the canvas.
 * The only file that includes curses; all logic lives in view/keys/prompt. */
#include "tui.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "canvas.h"
#include "keys.h"
#include "move_ui.h"
#include "output.h"
#include "util.h"
#include "view.h"

/* The one file-scope variable: set by SIGINT/SIGTERM/SIGHUP, read by the loop. */
static volatile sig_atomic_t tui_signal;

static void on_signal(int sig)
{
	tui_signal = sig;
}

enum { WAIT_MAX_MS = 250 };

/* The memory move ('m'): file scope, 17 KiB, one screen per process; the
 * loop polls it (WAIT_MAX_MS keeps its progress line fresh). */
static struct xn_move_ui tui_move;

struct tui {
	struct xn_view v;
	struct xn_canvas cv;
	struct xn_view_caps caps;
	attr_t attr[XN_ROLE__COUNT];
	wchar_t *line; /* one run of cells */
	size_t line_cap;
	struct sigaction old_int, old_term, old_hup, old_segv, old_abrt, old_bus, old_fpe;
	char last_note[sizeof(((struct xn_source *)0)->note)]; /* shown once per change */
};

/* A source's non-fatal note (stale figures, skipped lines) goes to the
 * status line when it changes, so it does not hide the operator's messages
 * on every refresh. */
static void show_note(struct tui *t, const struct xn_source *src)
{
	if (!strcmp(src->note, t->last_note))
		return;
	xn_strlcpy(t->last_note, src->note, sizeof(t->last_note));
	if (!src->note[0])
		return;
	char why[sizeof(src->note)];
	xn_text_escape(src->note, why, sizeof(why));
	xn_view_status(&t->v, XN_ROLE_WARN, "%s", why);
}

/* A crash must not leave the operator's terminal raw, without echo and in
 * the alternate screen: restore it, then let the default action (core
 * dump) happen by raising the signal again with SA_RESETHAND's default. */
static void on_crash(int sig)
{
	endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void signals_install(struct tui *t)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a pending read returns so the loop sees the flag */
	sigaction(SIGINT, &sa, &t->old_int);
	sigaction(SIGTERM, &sa, &t->old_term);
	sigaction(SIGHUP, &sa, &t->old_hup);
	xn_move_set_quit_flag(&tui_signal); /* the move's checks stop waiting for xl */
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGSEGV, &sa, &t->old_segv);
	sigaction(SIGABRT, &sa, &t->old_abrt);
	sigaction(SIGBUS, &sa, &t->old_bus);
	sigaction(SIGFPE, &sa, &t->old_fpe);
}

static void signals_restore(struct tui *t)
{
	sigaction(SIGINT, &t->old_int, NULL);
	sigaction(SIGTERM, &t->old_term, NULL);
	sigaction(SIGHUP, &t->old_hup, NULL);
	sigaction(SIGSEGV, &t->old_segv, NULL);
	sigaction(SIGABRT, &t->old_abrt, NULL);
	sigaction(SIGBUS, &t->old_bus, NULL);
	sigaction(SIGFPE, &t->old_fpe, NULL);
}

static void colors_init(struct tui *t)
{
	for (int r = 0; r < XN_ROLE__COUNT; r++)
		t->attr[r] = A_NORMAL;
	t->attr[XN_ROLE_TITLE] = A_BOLD;
	t->attr[XN_ROLE_HEADER] = A_REVERSE;
	t->attr[XN_ROLE_SORTED] = A_REVERSE | A_BOLD | A_UNDERLINE;
	t->attr[XN_ROLE_SELECTED] = A_REVERSE;
	t->attr[XN_ROLE_DIM] = A_DIM;
	t->attr[XN_ROLE_ERROR] = A_BOLD;
	t->attr[XN_ROLE_OK] = A_BOLD;
	t->attr[XN_ROLE_WARN] = A_BOLD;
	t->attr[XN_ROLE_PROMPT] = A_BOLD;
	t->attr[XN_ROLE_BAR_USED] = A_DIM;
	t->attr[XN_ROLE_HEAT_UNKNOWN] = A_DIM;
	const char *nc = getenv("NO_COLOR");
	t->caps.color = has_colors() && !(nc && nc[0]) && start_color() == OK;
	if (!t->caps.color)
		return;
	use_default_colors();
	bool c256 = COLORS >= 256 && COLOR_PAIRS >= 32;
	short pair = 1;
#define PAIR(role, fg, bg, extra)                                                                  \
	do {                                                                                       \
		init_pair(pair, (fg), (bg));                                                       \
		t->attr[role] = COLOR_PAIR(pair) | (extra);                                        \
		pair++;                                                                            \
	} while (0)
	PAIR(XN_ROLE_TITLE, COLOR_CYAN, -1, A_BOLD);
	PAIR(XN_ROLE_SORTED, COLOR_BLACK, COLOR_CYAN, A_BOLD);
	PAIR(XN_ROLE_ERROR, COLOR_RED, -1, A_BOLD);
	PAIR(XN_ROLE_OK, COLOR_GREEN, -1, A_BOLD);
	PAIR(XN_ROLE_WARN, COLOR_YELLOW, -1, A_BOLD);
	PAIR(XN_ROLE_BAR_FREE, COLOR_GREEN, -1, 0);
	PAIR(XN_ROLE_PROMPT, COLOR_YELLOW, -1, A_BOLD);
	if (c256) {
		/* one hue, dark to bright: the heat says "much memory here", never
		 * "bad" (red and green are LOCAL%'s verdict colours) */
		static const short bg[XN_HEAT_LEVELS] = {236, 17, 18, 19, 20, 26, 32, 38, 45, 51};
		for (int l = 0; l < XN_HEAT_LEVELS; l++)
			PAIR(XN_ROLE_HEAT0 + l, l >= 6 ? 16 : 255, bg[l], 0);
	} else {
		static const short bg[XN_HEAT_LEVELS] = {
		        -1,         COLOR_BLUE, COLOR_BLUE, COLOR_BLUE,  COLOR_BLUE,
		        COLOR_CYAN, COLOR_CYAN, COLOR_CYAN, COLOR_WHITE, COLOR_WHITE};
		static const short fg[XN_HEAT_LEVELS] = {
		        -1,          COLOR_WHITE, COLOR_WHITE, COLOR_WHITE, COLOR_WHITE,
		        COLOR_BLACK, COLOR_BLACK, COLOR_BLACK, COLOR_BLACK, COLOR_BLACK};
		for (int l = 0; l < XN_HEAT_LEVELS; l++)
			PAIR(XN_ROLE_HEAT0 + l, fg[l], bg[l],
			     l == 4 || l == 7 || l == 9 ? A_BOLD : 0);
	}
#undef PAIR
}

static int line_reserve(struct tui *t, size_t n)
{
	if (n <= t->line_cap)
		return 0;
	wchar_t *nl = realloc(t->line, n * sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	t->line = nl;
	t->line_cap = n;
	return 0;
}

/* Draw the canvas in runs of one role, as wide characters (no multibyte
 * decoding in curses); curses then sends only what changed. */
static int draw(struct tui *t)
{
	const struct xn_canvas *c = &t->cv;
	if (line_reserve(t, (size_t)c->w + 1))
		return -ENOMEM;
	for (int y = 0; y < c->h; y++) {
		const struct xn_cell *row = &c->cells[(size_t)y * (size_t)c->w];
		int x = 0;
		while (x < c->w) {
			uint8_t role = row[x].role;
			int n = 0;
			do {
				uint32_t ch = row[x + n].ch;
				/* ASCII-only terminal: nothing above 0x7f */
				t->line[n] = (wchar_t)(!t->caps.utf8 && ch >= 0x80 ? '?' : ch);
				n++;
			} while (x + n < c->w && row[x + n].role == role);
			t->line[n] = L'\0';
			attrset(t->attr[role < XN_ROLE__COUNT ? role : 0]);
			/* the bottom-right cell makes this return ERR (no scroll): harmless */
			mvaddnwstr(y, x, t->line, n);
			x += n;
		}
	}
	attrset(A_NORMAL);
	wnoutrefresh(stdscr);
	doupdate();
	return 0;
}

static int render(struct tui *t, const struct xn_sampler *s)
{
	int h, w;
	getmaxyx(stdscr, h, w);
	if (h != t->cv.h || w != t->cv.w) {
		if (xn_canvas_resize(&t->cv, w, h))
			return -ENOMEM;
		clearok(curscr, TRUE);
	}
	xn_view_render(&t->cv, &t->v, s->have_cur ? &s->cur : NULL, &t->caps);
	return draw(t);
}

static int map_key(int ch)
{
	switch (ch) {
	case KEY_UP:
		return XN_KEY_UP;
	case KEY_DOWN:
		return XN_KEY_DOWN;
	case KEY_LEFT:
		return XN_KEY_LEFT;
	case KEY_RIGHT:
		return XN_KEY_RIGHT;
	case KEY_PPAGE:
		return XN_KEY_PGUP;
	case KEY_NPAGE:
		return XN_KEY_PGDN;
	case KEY_HOME:
		return XN_KEY_HOME;
	case KEY_END:
		return XN_KEY_END;
	case KEY_ENTER:
	case '\r':
	case '\n':
		return XN_KEY_ENTER;
	case 27:
		return XN_KEY_ESC;
	case KEY_F(1):
		return XN_KEY_F1;
	case KEY_F(10):
		return XN_KEY_F10;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		return XN_KEY_BACKSPACE;
	default:
		return ch >= 0x20 && ch < 0x7f ? ch : 0;
	}
}

/* Where a recording is ("sample 2/4"); nothing for live sources. */
static void note_position(struct tui *t, const struct xn_sampler *s)
{
	long idx, count;
	if (s->src->ops->position && s->src->ops->position(s->src, &idx, &count) == 0 && idx >= 0)
		snprintf(t->v.position, sizeof(t->v.position), "sample %ld/%ld", idx + 1, count);
}

/* The network and VBD figures are read only while a column shows them
 * (col_on: the last drawn table; a column that comes with a wider terminal
 * shows "-" for one refresh), or a recording keeps them. */
static unsigned screen_wants(const struct xn_view *v, bool record)
{
	if (record)
		return XN_WANT_DEFAULT;
	unsigned w = 0;
	for (int c = 0; c < XN_COL__COUNT; c++) {
		unsigned g = v->col_on[c] ? xn_column_group((enum xn_col_id)c) : 0;
		w |= (g & XN_SHOW_NET ? XN_WANT_NET : 0u) | (g & XN_SHOW_VBD ? XN_WANT_VBD : 0u);
	}
	return w;
}

/* One sample; a failing source is shown on the status line and the last
 * good sample stays. Only a lost recording or memory is fatal. */
static int take_sample(struct tui *t, struct xn_sampler *s, FILE *record, char *err, size_t errlen)
{
	s->src->want = screen_wants(&t->v, record != NULL);
	int r = xn_sampler_step(s);
	if (r == -ENODATA) {
		t->v.ended = true;
		xn_view_status(&t->v, XN_ROLE_WARN, "end of the recording ([ steps back, q quits)");
		return 0;
	}
	if (r) {
		char why[sizeof(s->src->err)];
		xn_text_escape(s->src->err[0] ? s->src->err : strerror(-r), why, sizeof(why));
		xn_view_status(&t->v, XN_ROLE_ERROR, "sample failed: %s", why);
		return 0;
	}
	if (record && (r = xn_json_write_snapshot(record, &s->cur)))
		return xn_errf(err, errlen, r, "cannot write the recording: %s", strerror(-r));
	note_position(t, s);
	show_note(t, s->src);
	xn_view_sampled(&t->v, &s->cur);
	if (xn_view_update(&t->v, &s->cur))
		return xn_errf(err, errlen, -ENOMEM, "out of memory");
	if (t->v.prompt.kind == XN_PROMPT_AFFINITY)
		xn_prompt_validate(&t->v.prompt, &s->cur.host,
		                   xn_snapshot_find(&s->cur, t->v.prompt.domid));
	return 0;
}

static int loop(struct tui *t, struct xn_sampler *s, const struct xn_options *o, FILE *record,
                char *err, size_t errlen)
{
	struct xn_ctl ctl = {.v = &t->v, .s = s, .o = o, .move = &tui_move};
	long refreshes = 1;
	uint64_t next = xn_now_mono_ns() + (uint64_t)(t->v.delay * 1e9);
	bool dirty = true;
	int r = 0;
	while (!tui_signal) {
		if (dirty && (r = render(t, s)))
			return xn_errf(err, errlen, r, "out of memory");
		dirty = false;
		if (o->iterations > 0 && refreshes >= o->iterations)
			return 0;
		uint64_t now = xn_now_mono_ns();
		int wait = WAIT_MAX_MS;
		if (!t->v.paused && !t->v.ended)
			wait = next > now ? (int)((next - now) / 1000000u) : 0;
		timeout(wait < WAIT_MAX_MS ? wait : WAIT_MAX_MS);
		int ch = getch();
		if (tui_signal)
			break;
		if (ch == KEY_RESIZE) {
			dirty = true;
			continue;
		}
		if (ch != ERR) {
			unsigned fx = xn_keys_handle(&ctl, map_key(ch));
			if ((fx & XN_FX_QUIT) && !xn_move_ui_blocks_quit(&ctl))
				return 0;
			if ((fx & XN_FX_RESORT) &&
			    xn_view_update(&t->v, s->have_cur ? &s->cur : NULL))
				return xn_errf(err, errlen, -ENOMEM, "out of memory");
			if (fx & XN_FX_RESCHEDULE)
				next = xn_now_mono_ns() + (uint64_t)(t->v.delay * 1e9);
			if (fx & XN_FX_RESAMPLE) {
				if ((r = take_sample(t, s, record, err, errlen)))
					return r;
				refreshes++;
			}
			dirty = true;
			/* no continue: a stream of keys must not hold back the samples */
		}
		unsigned mfx = xn_move_ui_poll(&ctl);
		if ((mfx & XN_FX_RESAMPLE) && s->have_cur) {
			if ((r = take_sample(t, s, record, err, errlen)))
				return r;
			refreshes++;
		}
		dirty |= mfx != XN_FX_NONE;
		now = xn_now_mono_ns();
		if (!t->v.paused && !t->v.ended && now >= next) {
			if ((r = take_sample(t, s, record, err, errlen)))
				return r;
			refreshes++;
			next += (uint64_t)(t->v.delay * 1e9);
			if (next < now)
				next = now + (uint64_t)(t->v.delay * 1e9);
			dirty = true;
		}
	}
	return 0;
}

int xn_tui_run(struct xn_sampler *s, const struct xn_options *o, FILE *record, char *err,
               size_t errlen)
{
	struct tui t;
	memset(&t, 0, sizeof(t));
	/* LC_CTYPE only: numbers keep their '.' everywhere */
	setlocale(LC_CTYPE, "");
	t.caps.utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	xn_view_init(&t.v, o->units, o->delay > 0 ? o->delay : 3.0);
	size_t nr_help;
	const struct xn_help_entry *help = xn_keys_help(&nr_help);
	xn_view_set_help(&t.v, help, nr_help);
	struct xn_out_opts oo;
	xn_out_opts_from(&oo, o);
	if (o->sort) {
		xn_view_set_sort(&t.v, oo.sort_col, 0);
		t.v.sort_reverse = oo.reverse;
	}
	t.v.show = oo.show;
	/* --columns: the others hidden; the screen always keeps NAME */
	t.v.col_hidden = oo.columns ? ~oo.columns & ~XN_COL_BIT(XN_COL_NAME) : 0;
	t.v.show_vcpus = oo.vcpus;
	t.v.dom0_first = oo.dom0_first;
	t.v.full_names = oo.full_names;
	if (s->src->ops->seek)
		t.v.hint = "h help  q quit  [ ] step  p pause  s sort  / filter  Enter detail";

	tui_signal = 0;
	int r = 0;
	if (!s->have_cur) {
		r = xn_sampler_step(s);
		if (r == -ENODATA)
			return xn_errf(err, errlen, r, "the recording has no sample");
		if (r)
			return xn_errf(err, errlen, r, "%s",
			               s->src->err[0] ? s->src->err : strerror(-r));
		if (record && (r = xn_json_write_snapshot(record, &s->cur)))
			return xn_errf(err, errlen, r, "cannot write the recording: %s",
			               strerror(-r));
	}
	note_position(&t, s);
	show_note(&t, s->src);
	xn_view_sampled(&t.v, &s->cur);
	if (xn_view_update(&t.v, &s->cur))
		return xn_errf(err, errlen, -ENOMEM, "out of memory");

	/* Our handlers first, so curses leaves SIGINT/SIGTERM to us. */
	signals_install(&t);
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		signals_restore(&t);
		xn_view_free(&t.v);
		const char *term = getenv("TERM");
		return xn_errf(err, errlen, -ENOTTY, "cannot use the terminal (TERM=%s)",
		               term ? term : "unset");
	}
	set_term(scr);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	colors_init(&t);

	r = loop(&t, s, o, record, err, errlen);
	xn_move_ui_clear(&tui_move); /* a running move is cancelled or finished first */

	/* Every way out restores the terminal before main prints anything. */
	endwin();
	delscreen(scr);
	signals_restore(&t);
	xn_view_free(&t.v);
	xn_canvas_free(&t.cv);
	free(t.line);
	if (!r && tui_signal)
		r = 0; /* SIGINT/SIGTERM: a normal, clean end */
	return r;
}
