/* http_priv.h - the --listen server's parts (export room, private):
 * http_srv.c owns the listening socket, the daemons serving it and their
 * reload; http.c answers requests. */
#ifndef XN_HTTP_PRIV_H
#define XN_HTTP_PRIV_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "export.h"
#include "webcfg.h"

/* A connection, from its accept to its close, for the header deadline. */
struct xn_conn {
	int fd;
	uint64_t since_ns; /* accepted, or its previous request completed */
	bool in_request;   /* its headers are in: the deadline no longer applies */
	struct xn_conn *prev, *next;
};

/* One daemon and the configuration it serves with (immutable while it
 * runs: a reload starts another one on the same socket). */
struct xn_srv {
	struct xn_http *h;
	struct MHD_Daemon *daemon;
	struct xn_webcfg *cfg; /* NULL: plain HTTP, no authentication */
	struct xn_auth *auth;  /* NULL without users */
	pthread_mutex_t lock;  /* guards conns */
	struct xn_conn *conns;
};

struct page {
	char *buf;
	size_t len;
};

struct xn_http {
	pthread_mutex_t lock; /* guards pages[] */
	struct page pages[2]; /* [enum xn_prom_format]; buf NULL until published */
	char addr[64];
	unsigned port;
	bool v6;
	bool tls_at_start;
	int fd;                 /* the listening socket, kept across reloads */
	const char *web_config; /* --web-config FILE or NULL */
	struct xn_srv *srv;     /* the current daemon (the control thread swaps it) */
	pthread_t ctl;          /* SIGHUP and the header deadline */
	bool ctl_started;
	volatile int stopping;
};

/* http.c: the daemon's callbacks (cls: the struct xn_srv). */
enum MHD_Result xn_http_on_request(void *cls, struct MHD_Connection *c, const char *url,
                                   const char *method, const char *version, const char *upload_data,
                                   size_t *upload_data_size, void **con_cls);
void xn_http_on_log(void *cls, const char *fmt, va_list ap);
void xn_http_on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                           enum MHD_ConnectionNotificationCode toe);
void xn_http_on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                          enum MHD_RequestTerminationCode toe);

#endif
