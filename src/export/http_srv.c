/* http_srv.c - the --listen server's life (export.h, http_priv.h): one
 * listening socket for the whole run, a libmicrohttpd daemon serving it
 * with the current --web-config, and a control thread that re-reads that
 * file on SIGHUP (a new daemon on the same socket, then the old one
 * quiesced: the port is never closed) and enforces the header deadline. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_priv.h"
#include "util.h"

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

static void srv_free(struct xn_srv *srv)
{
	while (srv->conns) {
		struct xn_conn *k = srv->conns;
		srv->conns = k->next;
		free(k);
	}
	pthread_mutex_destroy(&srv->lock);
	xn_auth_free(srv->auth);
	xn_webcfg_free(srv->cfg);
	free(srv);
}

/* A daemon on h->fd serving with cfg (taken over, even on failure). */
static struct xn_srv *srv_start(struct xn_http *h, struct xn_webcfg *cfg, char *err, size_t errlen)
{
	struct xn_srv *srv = calloc(1, sizeof(*srv));
	if (!srv) {
		xn_webcfg_free(cfg);
		xn_errf(err, errlen, -ENOMEM, "out of memory");
		return NULL;
	}
	srv->h = h;
	srv->cfg = cfg;
	pthread_mutex_init(&srv->lock, NULL);
	if (cfg && cfg->nr_users && !(srv->auth = xn_auth_new(cfg))) {
		srv_free(srv);
		xn_errf(err, errlen, -ENOMEM, "out of memory");
		return NULL;
	}
	unsigned flags =
	        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG | MHD_USE_ITC;
	if (h->v6)
		flags |= MHD_USE_IPv6;
	struct MHD_OptionItem tls[5] = {{MHD_OPTION_END, 0, NULL}};
	if (cfg && cfg->tls) {
		flags |= MHD_USE_TLS;
		int n = 0;
		tls[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, cfg->cert_pem};
		tls[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, cfg->key_pem};
		tls[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0,
		                                   (void *)cfg->priorities};
		if (cfg->ca_pem)
			tls[n++] =
			        (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_TRUST, 0, cfg->ca_pem};
		tls[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	}
	/* the logger first, or the library's own prints before it is set */
	srv->daemon = MHD_start_daemon(
	        flags, 0, NULL, NULL, xn_http_on_request, srv, MHD_OPTION_EXTERNAL_LOGGER,
	        xn_http_on_log, NULL, MHD_OPTION_LISTEN_SOCKET, h->fd, MHD_OPTION_CONNECTION_LIMIT,
	        (unsigned)XN_HTTP_MAX_CONNECTIONS, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	        (unsigned)XN_HTTP_PER_ADDRESS, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	        (size_t)XN_HTTP_MEMORY_LIMIT, MHD_OPTION_CONNECTION_TIMEOUT,
	        (unsigned)XN_HTTP_TIMEOUT_SECONDS, MHD_OPTION_NOTIFY_CONNECTION,
	        xn_http_on_connection, srv, MHD_OPTION_NOTIFY_COMPLETED, xn_http_on_completed, srv,
	        MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
	if (!srv->daemon) {
		int e = errno ? errno : EINVAL;
		srv_free(srv);
		xn_errf(err, errlen, -e, "cannot start the HTTP%s server: %s",
		        cfg && cfg->tls ? "S" : "", strerror(e));
		return NULL;
	}
	return srv;
}

/* Stop srv's daemon without closing the shared socket. */
static void srv_stop(struct xn_srv *srv)
{
	if (!srv)
		return;
	MHD_quiesce_daemon(srv->daemon);
	MHD_stop_daemon(srv->daemon);
	srv_free(srv);
}

static void reload(struct xn_http *h)
{
	char err[600];
	struct xn_webcfg *cfg = NULL;
	struct xn_srv *fresh = NULL;
	if (!xn_webcfg_load(h->web_config, &cfg, err, sizeof(err)))
		fresh = srv_start(h, cfg, err, sizeof(err));
	if (!fresh) {
		xn_warn("SIGHUP: %s; still serving with the previous --web-config", err);
		return;
	}
	/* both serve the socket for a moment; then the old one stops */
	struct xn_srv *old = h->srv;
	h->srv = fresh;
	srv_stop(old);
	fprintf(stderr, "xentop-numa: SIGHUP: %s re-read: %s, %zu user%s\n", h->web_config,
	        fresh->cfg->tls ? "TLS" : "plain HTTP", fresh->cfg->nr_users,
	        fresh->cfg->nr_users == 1 ? "" : "s");
}

/* Shut down connections whose request headers are late: an idle timeout
 * alone lets a client that sends a header line every few seconds hold its
 * slot for ever. */
static void reap_slow(struct xn_srv *srv)
{
	uint64_t now = xn_now_mono_ns();
	pthread_mutex_lock(&srv->lock);
	for (struct xn_conn *k = srv->conns; k; k = k->next)
		if (!k->in_request &&
		    now - k->since_ns > (uint64_t)XN_HTTP_HEADER_SECONDS * 1000000000u)
			shutdown(k->fd, SHUT_RDWR);
	pthread_mutex_unlock(&srv->lock);
}

/* SIGHUP is blocked in every thread (the caller blocked it before any
 * existed): it waits for this thread's sigtimedwait. */
static void *control(void *arg)
{
	struct xn_http *h = arg;
	sigset_t hup;
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	struct timespec tick = {0, 250000000};
	while (!h->stopping) {
		int sig = sigtimedwait(&hup, NULL, &tick);
		if (h->stopping)
			break;
		if (sig == SIGHUP && h->web_config)
			reload(h);
		else if (sig == SIGHUP)
			xn_warn("SIGHUP: no --web-config to re-read");
		reap_slow(h->srv);
	}
	return NULL;
}

static int listen_on(struct xn_http *h, const struct sockaddr_storage *ss, const char *spec,
                     char *err, size_t errlen)
{
	h->fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int one = 1;
	socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
	                                          : sizeof(struct sockaddr_in);
	if (h->fd < 0 || setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    (h->v6 && setsockopt(h->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) ||
	    bind(h->fd, (const struct sockaddr *)ss, len) ||
	    listen(h->fd, XN_HTTP_MAX_CONNECTIONS)) {
		int e = errno;
		if (h->fd >= 0)
			close(h->fd);
		h->fd = -1;
		return xn_errf(err, errlen, -e, "--listen %s: cannot serve there: %s", spec,
		               strerror(e));
	}
	struct sockaddr_storage got;
	memset(&got, 0, sizeof(got));
	socklen_t gl = sizeof(got);
	if (!getsockname(h->fd, (struct sockaddr *)&got, &gl))
		h->port = ntohs(got.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&got)->sin6_port
		                                          : ((struct sockaddr_in *)&got)->sin_port);
	return 0;
}

int xn_http_start(const char *spec, const char *web_config, struct xn_http **out, char *err,
                  size_t errlen)
{
	*out = NULL;
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	struct xn_http *h = calloc(1, sizeof(*h));
	if (!h)
		return xn_errf(err, errlen, -ENOMEM, "out of memory");
	h->fd = -1;
	h->web_config = web_config;
	struct xn_webcfg *cfg = NULL;
	int r = parse_spec(spec, &ss, h->addr, sizeof(h->addr), &h->port, err, errlen);
	h->v6 = ss.ss_family == AF_INET6;
	if (!r && web_config)
		r = xn_webcfg_load(web_config, &cfg, err, errlen);
	if (!r)
		r = listen_on(h, &ss, spec, err, errlen);
	pthread_mutex_init(&h->lock, NULL);
	if (!r && !(h->srv = srv_start(h, cfg, err, errlen)))
		r = -EIO;
	else if (r)
		xn_webcfg_free(cfg);
	if (!r)
		h->tls_at_start = h->srv->cfg && h->srv->cfg->tls;
	if (!r && pthread_create(&h->ctl, NULL, control, h) == 0)
		h->ctl_started = true;
	else if (!r)
		r = xn_errf(err, errlen, -EAGAIN, "cannot start the HTTP control thread");
	if (r) {
		xn_http_stop(h);
		return r;
	}
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

bool xn_http_tls(const struct xn_http *h)
{
	return h->tls_at_start;
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
	if (h->ctl_started) {
		h->stopping = 1;
		pthread_kill(h->ctl, SIGHUP);
		pthread_join(h->ctl, NULL);
	}
	srv_stop(h->srv);
	if (h->fd >= 0)
		close(h->fd);
	pthread_mutex_destroy(&h->lock);
	free(h->pages[0].buf);
	free(h->pages[1].buf);
	free(h);
}
