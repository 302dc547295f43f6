/* xen_words.c - what the xen source says that needs no Xen headers, so that
 * a build without them still words a Xen recording's gaps as Xen would. */
#include <stdio.h>

#include "xen_words.h"

void xen_pages_why(int64_t id, char *buf, size_t len)
{
	snprintf(buf, len,
	         "Xen gave no page counts for domain %lld (no page-count op, "
	         "no debug key 'u' figures yet)",
	         (long long)id);
}
