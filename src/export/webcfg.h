/* webcfg.h - --web-config FILE (export room, private): the Prometheus
 * exporter toolkit's web configuration (TLS and basic authentication), the
 * subset libmicrohttpd can serve. Loaded whole, files included, so that a
 * bad file is refused before anything changes (at start and on SIGHUP). */
#ifndef XN_WEBCFG_H
#define XN_WEBCFG_H

#include <stdbool.h>
#include <stddef.h>

/* client_auth_type: the toolkit's names; the two that ask for a certificate
 * without a CA to check it against are refused (libmicrohttpd requests a
 * client certificate only when it has a CA). */
enum xn_client_auth {
	XN_CLIENT_NONE,            /* NoClientCert */
	XN_CLIENT_VERIFY_IF_GIVEN, /* VerifyClientCertIfGiven */
	XN_CLIENT_REQUIRE_VERIFY,  /* RequireAndVerifyClientCert */
};

struct xn_web_user {
	char *name;
	char *hash; /* bcrypt, "$2y$10$..." (crypt(3) verifies it) */
};

struct xn_webcfg {
	bool tls;
	char *cert_pem, *key_pem, *ca_pem; /* file contents; ca_pem NULL without a CA */
	enum xn_client_auth client_auth;
	const char *priorities; /* GnuTLS priority string from min/max_version */
	size_t nr_users;        /* 0: no authentication */
	struct xn_web_user *users;
};

/* Read and check path: YAML (block mappings of scalars; anything else is
 * refused), known keys only, every file readable, the key pair and the CA
 * accepted by GnuTLS, every hash bcrypt. Relative file names are taken
 * from path's directory, as the toolkit does. An empty file is a valid
 * configuration (plain HTTP, no authentication). Returns 0 and *out
 * (xn_webcfg_free it) or -errno with "FILE:LINE: reason" in err. */
int xn_webcfg_load(const char *path, struct xn_webcfg **out, char *err, size_t errlen);

void xn_webcfg_free(struct xn_webcfg *c);

/* Basic authentication (auth.c): an authenticator for c's users, which
 * remembers verified credentials for XN_AUTH_CACHE_SECONDS (a bcrypt check
 * costs tens of milliseconds an attacker could make us spend per request;
 * a scraper's repeated credentials cost one). Thread-safe. */
enum { XN_AUTH_CACHE_SECONDS = 60, XN_AUTH_CACHE_SLOTS = 16 };
struct xn_auth;
struct xn_auth *xn_auth_new(const struct xn_webcfg *c);
void xn_auth_free(struct xn_auth *a);

/* True when header (an Authorization header's value, may be NULL) holds a
 * user's name and password. */
bool xn_auth_check(struct xn_auth *a, const char *header);

#endif
