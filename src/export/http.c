/* http.c - GET /metrics over HTTP or HTTPS with libmicrohttpd: the
 * request side (http_priv.h). The server's one internal thread answers
 * scrapes from the pages the sampler published last; nothing here samples,
 * and nothing here can change a domain: the endpoint is read-only by
 * construction. With --web-config, a client certificate and then a user's
 * password are checked before anything else. */
#include <gnutls/gnutls.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_priv.h"
#include "util.h"

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

/* The client certificate as client_auth_type asks (libmicrohttpd requests
 * one when it has a CA but leaves the verdict to us). */
static bool cert_ok(const struct xn_webcfg *cfg, struct MHD_Connection *c)
{
	if (!cfg || !cfg->tls || cfg->client_auth == XN_CLIENT_NONE)
		return true;
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!ci || !ci->tls_session)
		return false;
	gnutls_session_t ss = ci->tls_session;
	unsigned n = 0;
	if (!gnutls_certificate_get_peers(ss, &n) || !n)
		return cfg->client_auth == XN_CLIENT_VERIFY_IF_GIVEN;
	unsigned status = 1;
	return gnutls_certificate_verify_peers2(ss, &status) == 0 && status == 0;
}

static enum MHD_Result unauthorized(struct MHD_Connection *c)
{
	static const char text[] = "Unauthorized\n";
	struct MHD_Response *r = MHD_create_response_from_buffer(sizeof(text) - 1, (void *)text,
	                                                         MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
	                        "Basic realm=\"xentop-numa\", charset=\"UTF-8\"");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_UNAUTHORIZED, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result xn_http_on_request(void *cls, struct MHD_Connection *c, const char *url,
                                   const char *method, const char *version, const char *upload_data,
                                   size_t *upload_data_size, void **con_cls)
{
	struct xn_srv *srv = cls;
	struct xn_http *h = srv->h;
	/* the headers are in: the header deadline is met */
	const union MHD_ConnectionInfo *sc =
	        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (sc && sc->socket_context) {
		pthread_mutex_lock(&srv->lock);
		((struct xn_conn *)sc->socket_context)->in_request = true;
		pthread_mutex_unlock(&srv->lock);
	}
	if (!cert_ok(srv->cfg, c))
		return reply(c, MHD_HTTP_FORBIDDEN, "Forbidden: no valid client certificate\n");
	if (srv->auth && !xn_auth_check(srv->auth, MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	                                                                       "Authorization")))
		return unauthorized(c);
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
void xn_http_on_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	xn_warn("http: %s", msg);
}

void xn_http_on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                           enum MHD_ConnectionNotificationCode toe)
{
	struct xn_srv *srv = cls;
	struct xn_conn *k = *socket_context;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
		        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		k = calloc(1, sizeof(*k));
		if (!k || !ci)
			return free(k); /* untracked: only the idle timeout applies */
		k->fd = ci->connect_fd;
		k->since_ns = xn_now_mono_ns();
		pthread_mutex_lock(&srv->lock);
		k->next = srv->conns;
		if (k->next)
			k->next->prev = k;
		srv->conns = k;
		pthread_mutex_unlock(&srv->lock);
		*socket_context = k;
		return;
	}
	/* closed: untracked before libmicrohttpd closes the descriptor, so that
	 * the deadline never shuts down a number the kernel gave to another */
	if (!k)
		return;
	pthread_mutex_lock(&srv->lock);
	if (k->prev)
		k->prev->next = k->next;
	else
		srv->conns = k->next;
	if (k->next)
		k->next->prev = k->prev;
	pthread_mutex_unlock(&srv->lock);
	free(k);
	*socket_context = NULL;
}

/* A request answered: on a kept-alive connection, the next request's
 * headers have their own deadline from now. */
void xn_http_on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                          enum MHD_RequestTerminationCode toe)
{
	struct xn_srv *srv = cls;
	const union MHD_ConnectionInfo *sc =
	        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (!sc || !sc->socket_context)
		return;
	pthread_mutex_lock(&srv->lock);
	struct xn_conn *k = sc->socket_context;
	k->in_request = false;
	k->since_ns = xn_now_mono_ns();
	pthread_mutex_unlock(&srv->lock);
}
