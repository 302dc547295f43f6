/* xen_words.h - the xen source's words that need no Xen headers
 * (xen_words.c); shared by xen_source.c and xen_none.c. */
#ifndef XN_XEN_WORDS_H
#define XN_XEN_WORDS_H

#include <stddef.h>
#include <stdint.h>

/* Why domain id has no per-node page figures (source ops pages_why). */
void xen_pages_why(int64_t id, char *buf, size_t len);

#endif
