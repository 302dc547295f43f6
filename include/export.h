/* export.h - Prometheus export without a terminal: an HTTP endpoint
 * (--listen, GET /metrics) and a node_exporter textfile (--prometheus).
 * The sampler runs on its own interval; exporters only publish the latest
 * rendered sample, so a scrape never takes a sample. */
#ifndef XN_EXPORT_H
#define XN_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "options.h"
#include "prom.h"
#include "sampler.h"

enum {
	XN_HTTP_MAX_CONNECTIONS = 128, /* more are refused by the server */
	XN_HTTP_MEMORY_LIMIT = 16384,  /* bytes per connection for the request */
	XN_HTTP_TIMEOUT_SECONDS = 10,  /* an idle client is dropped */
	/* connections one client address may hold: 130 slow clients from one
	 * address leave the other slots to the scrapers */
	XN_HTTP_PER_ADDRESS = 16,
	/* a connection's request headers (TLS handshake included) must be in
	 * within this many seconds of its accept or its previous answer */
	XN_HTTP_HEADER_SECONDS = 5,
};

struct xn_http;

/* Parse "[ADDR:]PORT" ("9101", "0.0.0.0:9101", "[::1]:9101"; no ADDR means
 * 127.0.0.1) and start serving GET /metrics on it from internal threads
 * (the caller blocks its signals first, so they reach the main thread; and
 * SIGHUP, which re-reads web_config without closing the port: a file that
 * fails keeps the previous configuration, with a warning). web_config:
 * --web-config FILE (TLS, basic authentication) or NULL for plain HTTP.
 * 404 for other paths, 405 for other methods, 503 until the first
 * xn_http_publish(). Port 0 takes a free port (see xn_http_port). Returns 0
 * or -errno with the reason in err. */
int xn_http_start(const char *spec, const char *web_config, struct xn_http **out, char *err,
                  size_t errlen);

/* True when it serves HTTPS (as started). */
bool xn_http_tls(const struct xn_http *h);

/* The port served on. */
unsigned xn_http_port(const struct xn_http *h);

/* The address served on, as given or defaulted ("127.0.0.1", "::1"). */
const char *xn_http_addr(const struct xn_http *h);

/* Publish a sample: both formats are rendered here, then swapped in under a
 * lock; a scrape copies the current page. Returns 0 or -ENOMEM (the
 * previous page stays). */
int xn_http_publish(struct xn_http *h, const struct xn_snapshot *s, const struct xn_prom_meta *m);

/* Stop serving (waits for the server's threads) and free h. NULL is fine. */
void xn_http_stop(struct xn_http *h);

/* Write s in text format 0.0.4 to path atomically: a temporary file in the
 * same directory (never named *.prom, so node_exporter skips it), then
 * rename(2). Returns 0 or -errno with the reason in err. */
int xn_textfile_write(const char *path, const struct xn_snapshot *s, const struct xn_prom_meta *m,
                      char *err, size_t errlen);

/* Publishing for a loop of its own (the export mode's, --balance's): the
 * textfile (--prometheus; a failure at the first write is fatal, later
 * ones are said once per cause) and the server (--listen, started at the
 * first sample, its "serving" line on stderr). open: 0 or -ENOMEM;
 * publish: 0 or -errno, said on stderr; close stops the server (NULL is
 * fine). */
struct xn_export;
int xn_export_open(const struct xn_options *o, struct xn_export **out);
int xn_export_publish(struct xn_export *e, const struct xn_snapshot *s,
                      const struct xn_prom_meta *m);
void xn_export_close(struct xn_export *e);

/* The --listen / --prometheus mode: sample every -d seconds (a recording
 * without --listen plays as fast as it is read), publish each sample, also
 * print it with -b and record it with --record; until -i samples, the end
 * of a recording (--listen keeps serving its last sample) or SIGINT/SIGTERM.
 * Returns an exit status (commands.h). */
int xn_cmd_export(struct xn_sampler *s, const struct xn_options *o, FILE *record);

#endif
