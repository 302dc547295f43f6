/* http.c - GET /metrics over HTTP with libmicrohttpd (export.h). The
 * server's one internal thread answers scrapes from the pages the sampler
 * published last; nothing here samples, and nothing here can change a
 * domain: the endpoint is read-only by construction. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "export.h"
#include "util.h"

struct page {
	char *buf;
	size_t len;
};

struct xn_http {
	struct MHD_Daemon *daemon;
	pthread_mutex_t lock; /* guards pages[] */
	struct page pages[2]; /* [enum xn_prom_format]; buf NULL until published */
	char addr[64];
	unsigned port;
};

/* The q value of one media range: p at the ';' before its parameters
 * (";version=1.0.0; q=0.5") or NULL, end at its end; 1 when absent. */
static double accept_q(const char *p, const char *end)
{
	while (p && p < end) {
		p++; /* past the ';' */
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p >= 2 && (*p == 'q' || *p == 'Q') && p[1] == '=')
			return strtod(p + 2, NULL);
		p = memchr(p, ';', (size_t)(end - p));
	}
	return 1.0;
}

/* OpenMetrics when the client accepts it at least as much as text/plain
 * (Prometheus sends it first with q=1; curl's "any type" gets text). */
static enum xn_prom_format accept_format(const char *accept)
{
	double om = 0, text = 0;
	if (!accept)
		return XN_PROM_TEXT;
	const char *p = accept;
	while (*p) {
		const char *end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		size_t tl = strcspn(p, ";, \t");
		if (p + tl > end)
			tl = (size_t)(end - p);
		const char *semi = memchr(p, ';', (size_t)(end - p));
		double q = accept_q(semi, end);
		if (tl == strlen("application/openmetrics-text") &&
		    !strncasecmp(p, "application/openmetrics-text", tl)) {
			if (q > om)
				om = q;
		} else if ((tl == 10 && !strncasecmp(p, "text/plain", tl)) ||
		           (tl == 6 && !strncasecmp(p, "text/*", tl)) ||
		           (tl == 3 && !strncmp(p, "*/*", 3))) {
			if (q > text)
				text = q;
		}
		p = *end ? end + 1 : end;
	}
	return om > 0 && om >= text ? XN_PROM_OPENMETRICS : XN_PROM_TEXT;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct MHD_Response *r =
	        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	struct xn_http *h = cls;
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, "Not found: the metrics are at /metrics\n");
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "Method not allowed: GET /metrics\n");
	/* A GET with a body: refused rather than read (the body follows the
	 * first call, so its headers say it is coming). */
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
	if (*upload_data_size || (cl && strcmp(cl, "0")) ||
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding"))
		return reply(c, MHD_HTTP_CONTENT_TOO_LARGE, "A GET takes no body\n");
	enum xn_prom_format fmt =
	        accept_format(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept"));
	struct MHD_Response *r = NULL;
	pthread_mutex_lock(&h->lock);
	bool have = h->pages[fmt].buf != NULL;
	if (have)
		r = MHD_create_response_from_buffer(h->pages[fmt].len, h->pages[fmt].buf,
		                                    MHD_RESPMEM_MUST_COPY);
	pthread_mutex_unlock(&h->lock);
	if (!have)
		return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, "No sample yet\n");
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, xn_prom_content_type(fmt));
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* libmicrohttpd's messages, escaped like ours (they may quote a client). */
static void on_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	xn_warn("http: %s", msg);
}

/* "[ADDR:]PORT" into a socket address. */
static int parse_spec(const char *spec, struct sockaddr_storage *ss, char *addr, size_t alen,
                      unsigned *port, char *err, size_t errlen)
{
	const char *colon = strrchr(spec, ':');
	const char *ps = colon ? colon + 1 : spec;
	uint64_t p;
	if (xn_parse_u64(ps, &p) || p > 65535 || !*ps || strspn(ps, "0123456789") != strlen(ps))
		return xn_errf(err, errlen, -EINVAL,
		               "--listen %s: expected [ADDR:]PORT, PORT 0..65535", spec);
	*port = (unsigned)p;
	if (!colon || colon == spec) {
		xn_strlcpy(addr, "127.0.0.1", alen);
	} else {
		size_t n = (size_t)(colon - spec);
		if (spec[0] == '[' && n >= 2 && spec[n - 1] == ']') {
			spec++;
			n -= 2;
		}
		if (n >= alen)
			return xn_errf(err, errlen, -EINVAL, "--listen: address too long");
		memcpy(addr, spec, n);
		addr[n] = '\0';
	}
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)p);
	} else if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)p);
	} else {
		return xn_errf(err, errlen, -EINVAL,
		               "--listen %s: \"%s\" is not an IPv4 or IPv6 address", spec, addr);
	}
	return 0;
}

int xn_http_start(const char *spec, struct xn_http **out, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	struct xn_http *h = calloc(1, sizeof(*h));
	if (!h)
		return xn_errf(err, errlen, -ENOMEM, "out of memory");
	int r = parse_spec(spec, &ss, h->addr, sizeof(h->addr), &h->port, err, errlen);
	if (r) {
		free(h);
		return r;
	}
	pthread_mutex_init(&h->lock, NULL);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* the logger first, or the library's own prints before it is set */
	h->daemon = MHD_start_daemon(
	        flags, (uint16_t)h->port, NULL, NULL, on_request, h, MHD_OPTION_EXTERNAL_LOGGER,
	        on_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	        MHD_OPTION_CONNECTION_LIMIT, (unsigned)XN_HTTP_MAX_CONNECTIONS,
	        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)XN_HTTP_MEMORY_LIMIT,
	        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)XN_HTTP_TIMEOUT_SECONDS,
	        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)XN_HTTP_MAX_CONNECTIONS, MHD_OPTION_END);
	if (!h->daemon) {
		int e = errno ? errno : EADDRINUSE;
		pthread_mutex_destroy(&h->lock);
		free(h);
		return xn_errf(err, errlen, -e, "--listen %s: cannot serve there: %s", spec,
		               strerror(e));
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (di && di->port)
		h->port = di->port;
	*out = h;
	return 0;
}

unsigned xn_http_port(const struct xn_http *h)
{
	return h->port;
}

const char *xn_http_addr(const struct xn_http *h)
{
	return h->addr;
}

int xn_http_publish(struct xn_http *h, const struct xn_snapshot *s, const struct xn_prom_meta *m)
{
	struct page fresh[2];
	for (int f = 0; f < 2; f++) {
		int r = xn_prom_render(s, m, (enum xn_prom_format)f, &fresh[f].buf, &fresh[f].len);
		if (r) {
			if (f)
				free(fresh[0].buf);
			return r;
		}
	}
	struct page old[2];
	pthread_mutex_lock(&h->lock);
	memcpy(old, h->pages, sizeof(old));
	memcpy(h->pages, fresh, sizeof(fresh));
	pthread_mutex_unlock(&h->lock);
	free(old[0].buf);
	free(old[1].buf);
	return 0;
}

void xn_http_stop(struct xn_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->daemon);
	pthread_mutex_destroy(&h->lock);
	free(h->pages[0].buf);
	free(h->pages[1].buf);
	free(h);
}
