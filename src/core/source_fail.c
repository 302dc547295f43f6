/* source_fail.c - what every source shares below the registry: its error
 * text (a backend calls this; the registry in src/sampler/ calls backends). */
#include "source.h"

#include <stdarg.h>
#include <stdio.h>

int xn_source_fail(struct xn_source *src, int neg_errno, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(src->err, sizeof(src->err), fmt, ap);
	va_end(ap);
	return neg_errno;
}
