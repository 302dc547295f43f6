/* http_none.c - --listen in a build without libmicrohttpd (export.h): it
 * says what is missing; --prometheus FILE works without it. */
#include <errno.h>

#include "export.h"
#include "util.h"

int xn_http_start(const char *spec, const char *web_config, struct xn_http **out, char *err,
                  size_t errlen)
{
	*out = NULL;
	return xn_errf(err, errlen, -ENOTSUP,
	               "--listen %s: built without libmicrohttpd (libmicrohttpd-dev)", spec);
}

unsigned xn_http_port(const struct xn_http *h)
{
	return 0;
}

bool xn_http_tls(const struct xn_http *h)
{
	return false;
}

const char *xn_http_addr(const struct xn_http *h)
{
	return "";
}

int xn_http_publish(struct xn_http *h, const struct xn_snapshot *s, const struct xn_prom_meta *m)
{
	return -ENOTSUP;
}

void xn_http_stop(struct xn_http *h)
{
}
