/* keycodes.h - the keys beyond ASCII, as tui.c hands them to the controller
 * and the prompt (a header of its own, so that the prompt need not include
 * the controller: keys.h includes view.h, which includes prompt.h). */
#ifndef XN_KEYCODES_H
#define XN_KEYCODES_H

/* Special keys, above every Unicode code point. */
enum {
	XN_KEY_UP = 0x110000,
	XN_KEY_DOWN,
	XN_KEY_LEFT,
	XN_KEY_RIGHT,
	XN_KEY_PGUP,
	XN_KEY_PGDN,
	XN_KEY_HOME,
	XN_KEY_END,
	XN_KEY_ENTER,
	XN_KEY_ESC,
	XN_KEY_BACKSPACE,
	XN_KEY_F1,  /* help, as htop */
	XN_KEY_F10, /* quit, as htop */
};

#endif
