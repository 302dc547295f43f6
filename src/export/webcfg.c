/* webcfg.c - --web-config FILE (webcfg.h): the exporter toolkit's YAML, the
 * subset its documentation uses (block mappings of scalars, comments,
 * quoted or plain values). Every line is checked as it is read, so that a
 * refusal names its line; nothing is kept from a file that is refused. */
#include "webcfg.h"

#include <crypt.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <gnutls/gnutls.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum section { SEC_NONE, SEC_TLS, SEC_USERS };

struct parse {
	const char *path;
	char *dir; /* path's directory with a trailing '/', "" for none */
	struct xn_webcfg *c;
	enum section sec;
	int child_indent; /* of the section's entries, 0 until the first */
	int tls_line;
	char *cert_file, *key_file, *ca_file;
	int cert_line, key_line, ca_line;
	bool auth_given;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4))) static int bad(struct parse *p, int line, const char *fmt,
                                                     ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return xn_errf(p->err, p->errlen, -EINVAL, "%s:%d: %s", p->path, line, msg);
}

/* One scalar at s: quoted ('...' with '' for a quote, "..." without
 * escapes other than \" and \\) or plain up to a " #" comment. Into out
 * (malloc'd); *rest after it. 0 or -EINVAL with the reason in *why. */
static int scalar(const char *s, char **out, const char **why)
{
	*out = NULL;
	if (strchr("[{&*!|>%@`", *s) && *s) {
		*why = "only plain or quoted scalars are supported (no flow, anchors, tags or "
		       "block scalars)";
		return -EINVAL;
	}
	size_t n = strlen(s);
	char *v = malloc(n + 1), *o = v;
	if (!v) {
		*why = "out of memory";
		return -ENOMEM;
	}
	const char *p = s;
	if (*p == '\'' || *p == '"') {
		char q = *p++;
		for (;;) {
			if (!*p) {
				free(v);
				*why = "unterminated quoted value";
				return -EINVAL;
			}
			if (q == '\'' && p[0] == '\'' && p[1] == '\'') {
				*o++ = '\'';
				p += 2;
			} else if (q == '"' && p[0] == '\\' && (p[1] == '"' || p[1] == '\\')) {
				*o++ = p[1];
				p += 2;
			} else if (q == '"' && p[0] == '\\') {
				free(v);
				*why = "escape sequences other than \\\" and \\\\ are not "
				       "supported";
				return -EINVAL;
			} else if (*p == q) {
				p++;
				break;
			} else {
				*o++ = *p++;
			}
		}
		p += strspn(p, " ");
		if (*p && *p != '#') {
			free(v);
			*why = "text after a quoted value";
			return -EINVAL;
		}
	} else {
		const char *end = s;
		while (*end && !(*end == '#' && end > s && end[-1] == ' '))
			end++;
		while (end > s && end[-1] == ' ')
			end--;
		memcpy(o, s, (size_t)(end - s));
		o += end - s;
	}
	*o = '\0';
	*out = v;
	return 0;
}

static bool is_bcrypt(const char *h)
{
	/* $2a$, $2b$ or $2y$, a two-digit cost, 53 characters of salt and hash */
	if (strlen(h) != 60 || h[0] != '$' || h[1] != '2' || !strchr("aby", h[2]) || h[3] != '$' ||
	    h[4] < '0' || h[4] > '3' || h[5] < '0' || h[5] > '9' || h[6] != '$')
		return false;
	if (strspn(h + 7, "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != 53)
		return false;
	/* and this crypt(3) computes it (libxcrypt: $2b$ and $2y$ since 4.0) */
	struct crypt_data cd;
	memset(&cd, 0, sizeof(cd));
	const char *r = crypt_r("x", h, &cd);
	return r && !strncmp(r, h, 7);
}

static int tls_key(struct parse *p, int line, const char *key, char *val)
{
	char **file = NULL;
	int *at = NULL;
	if (!strcmp(key, "cert_file")) {
		file = &p->cert_file;
		at = &p->cert_line;
	} else if (!strcmp(key, "key_file")) {
		file = &p->key_file;
		at = &p->key_line;
	} else if (!strcmp(key, "client_ca_file")) {
		file = &p->ca_file;
		at = &p->ca_line;
	}
	if (file) {
		if (*file)
			return free(val), bad(p, line, "%s given twice", key);
		if (!*val)
			return free(val), bad(p, line, "%s: empty file name", key);
		*file = val;
		*at = line;
		return 0;
	}
	if (!strcmp(key, "client_auth_type")) {
		static const char *const names[] = {"NoClientCert", "VerifyClientCertIfGiven",
		                                    "RequireAndVerifyClientCert"};
		p->auth_given = true;
		for (int i = 0; i < 3; i++)
			if (!strcmp(val, names[i])) {
				p->c->client_auth = (enum xn_client_auth)i;
				return free(val), 0;
			}
		int r = !strcmp(val, "RequestClientCert") || !strcmp(val, "RequireAnyClientCert")
		                ? bad(p, line,
		                      "client_auth_type %s: a certificate nobody verifies is not "
		                      "supported (use VerifyClientCertIfGiven or "
		                      "RequireAndVerifyClientCert with client_ca_file)",
		                      val)
		                : bad(p, line,
		                      "client_auth_type %s: expected NoClientCert, "
		                      "VerifyClientCertIfGiven or RequireAndVerifyClientCert",
		                      val);
		free(val);
		return r;
	}
	if (!strcmp(key, "min_version")) {
		/* GnuTLS priorities: this version and every later one */
		static const char *const vers[][2] = {
		        {"TLS13", "NORMAL:-VERS-ALL:+VERS-TLS1.3"},
		        {"TLS12", "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"},
		        {"TLS11", "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:+VERS-TLS1.1"},
		        {"TLS10",
		         "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:+VERS-TLS1.1:+VERS-TLS1.0"}};
		for (size_t i = 0; i < sizeof(vers) / sizeof(vers[0]); i++)
			if (!strcmp(val, vers[i][0])) {
				p->c->priorities = vers[i][1];
				return free(val), 0;
			}
		int r = bad(p, line, "min_version %s: expected TLS10, TLS11, TLS12 or TLS13", val);
		free(val);
		return r;
	}
	free(val);
	static const char *const toolkit[] = {
	        "cert",        "key",           "client_ca",         "client_allowed_sans",
	        "max_version", "cipher_suites", "curve_preferences", "prefer_server_cipher_suites"};
	for (size_t i = 0; i < sizeof(toolkit) / sizeof(toolkit[0]); i++)
		if (!strcmp(key, toolkit[i]))
			return bad(p, line, "tls_server_config.%s: not supported by xentop-numa",
			           key);
	return bad(p, line, "tls_server_config: unknown key %s", key);
}

static int user_key(struct parse *p, int line, char *key, char *val)
{
	struct xn_webcfg *c = p->c;
	int r = 0;
	if (!*key || strchr(key, ':'))
		r = bad(p, line, "basic_auth_users: user name \"%s\" is empty or has a colon", key);
	for (size_t i = 0; !r && i < c->nr_users; i++)
		if (!strcmp(c->users[i].name, key))
			r = bad(p, line, "basic_auth_users: user %s given twice", key);
	if (!r && !is_bcrypt(val))
		r = bad(p, line,
		        "basic_auth_users.%s: not a bcrypt hash ($2y$, $2b$ or $2a$, 60 "
		        "characters; htpasswd -nbBC 10 USER PASSWORD makes one)",
		        key);
	struct xn_web_user *u = r ? NULL : realloc(c->users, (c->nr_users + 1) * sizeof(*c->users));
	if (!u) {
		free(key);
		free(val);
		return r ? r : xn_errf(p->err, p->errlen, -ENOMEM, "out of memory");
	}
	c->users = u;
	c->users[c->nr_users++] = (struct xn_web_user){.name = key, .hash = val};
	return 0;
}

/* One line of the file: a "key: value" at indent 0 or in a section. */
static int parse_line(struct parse *p, int line, char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
	int indent = (int)strspn(s, " ");
	if (s[indent] == '\t')
		return bad(p, line, "%s", "a tab in the indentation (YAML allows spaces only)");
	char *t = s + indent;
	if (!*t || *t == '#' || (line == 1 && !strcmp(t, "---")))
		return 0;
	if (*t == '-')
		return bad(p, line, "%s", "a list is not expected here");
	const char *why = NULL;
	char *key = NULL, *val = NULL;
	char *colon = NULL;
	if (*t == '"' || *t == '\'') {
		/* a quoted key: its end, then the colon */
		char *q = strchr(t + 1, *t);
		colon = q ? q + 1 : NULL;
		if (colon && *colon != ':')
			colon = NULL;
	} else {
		for (char *c = t; *c && !colon; c++)
			if (*c == ':' && (c[1] == ' ' || !c[1]))
				colon = c;
	}
	if (!colon)
		return bad(p, line, "%s", "expected \"key: value\"");
	*colon = '\0';
	int r = scalar(t, &key, &why);
	if (!r)
		r = scalar(colon + 1 + strspn(colon + 1, " "), &val, &why);
	if (r) {
		free(key);
		return r == -ENOMEM ? xn_errf(p->err, p->errlen, r, "out of memory")
		                    : bad(p, line, "%s", why);
	}
	if (indent == 0) {
		p->child_indent = 0;
		p->sec = SEC_NONE;
		bool known = !strcmp(key, "tls_server_config") || !strcmp(key, "basic_auth_users");
		if (*val && known)
			r = bad(p, line, "%s: expected a mapping below it", key);
		else if (!strcmp(key, "tls_server_config")) {
			p->sec = SEC_TLS;
			r = p->tls_line ? bad(p, line, "%s given twice", key) : 0;
			p->tls_line = line;
		} else if (!strcmp(key, "basic_auth_users")) {
			p->sec = SEC_USERS;
		} else if (!strcmp(key, "http_server_config")) {
			r = bad(p, line, "%s: not supported by xentop-numa", key);
		} else {
			r = bad(p, line,
			        "unknown key %s (expected tls_server_config or "
			        "basic_auth_users)",
			        key);
		}
		free(key);
		free(val);
		return r;
	}
	if (p->sec == SEC_NONE || (p->child_indent && indent != p->child_indent)) {
		free(key);
		free(val);
		return bad(p, line, "%s", "unexpected indentation");
	}
	p->child_indent = indent;
	if (p->sec == SEC_TLS) {
		r = tls_key(p, line, key, val);
		free(key);
		return r;
	}
	return user_key(p, line, key, val);
}

static int load_file(struct parse *p, int line, const char *what, const char *name, char **out)
{
	char *full = NULL;
	if (name[0] != '/' && asprintf(&full, "%s%s", p->dir, name) < 0)
		return xn_errf(p->err, p->errlen, -ENOMEM, "out of memory");
	int r = xn_read_file(full ? full : name, out, NULL);
	if (r)
		xn_errf(p->err, p->errlen, r, "%s:%d: %s %s: %s", p->path, line, what,
		        full ? full : name, strerror(-r));
	free(full);
	return r;
}

/* The files named by tls_server_config, read and shown to GnuTLS. */
static int load_tls(struct parse *p)
{
	struct xn_webcfg *c = p->c;
	if (!p->cert_file || !p->key_file)
		return bad(p, p->tls_line, "%s", "tls_server_config needs cert_file and key_file");
	int r = load_file(p, p->cert_line, "cert_file", p->cert_file, &c->cert_pem);
	if (!r)
		r = load_file(p, p->key_line, "key_file", p->key_file, &c->key_pem);
	if (!r && p->ca_file)
		r = load_file(p, p->ca_line, "client_ca_file", p->ca_file, &c->ca_pem);
	if (r)
		return r;
	if (!p->ca_file && p->auth_given && c->client_auth != XN_CLIENT_NONE)
		return bad(p, p->tls_line, "%s",
		           "client_auth_type verifies against client_ca_file: "
		           "none given");
	if (p->ca_file && !p->auth_given)
		c->client_auth = XN_CLIENT_REQUIRE_VERIFY; /* the toolkit's default with a CA */
	gnutls_certificate_credentials_t cred;
	if (gnutls_certificate_allocate_credentials(&cred))
		return xn_errf(p->err, p->errlen, -ENOMEM, "out of memory");
	gnutls_datum_t cert = {(unsigned char *)c->cert_pem, (unsigned)strlen(c->cert_pem)};
	gnutls_datum_t key = {(unsigned char *)c->key_pem, (unsigned)strlen(c->key_pem)};
	int g = gnutls_certificate_set_x509_key_mem(cred, &cert, &key, GNUTLS_X509_FMT_PEM);
	if (g < 0)
		r = xn_errf(p->err, p->errlen, -EINVAL, "%s:%d: cert_file %s with key_file %s: %s",
		            p->path, p->cert_line, p->cert_file, p->key_file, gnutls_strerror(g));
	if (!r && c->ca_pem) {
		gnutls_datum_t ca = {(unsigned char *)c->ca_pem, (unsigned)strlen(c->ca_pem)};
		g = gnutls_certificate_set_x509_trust_mem(cred, &ca, GNUTLS_X509_FMT_PEM);
		if (g <= 0)
			r = xn_errf(p->err, p->errlen, -EINVAL, "%s:%d: client_ca_file %s: %s",
			            p->path, p->ca_line, p->ca_file,
			            g < 0 ? gnutls_strerror(g) : "no certificate in it");
	}
	gnutls_certificate_free_credentials(cred);
	c->tls = !r;
	return r;
}

int xn_webcfg_load(const char *path, struct xn_webcfg **out, char *err, size_t errlen)
{
	*out = NULL;
	struct xn_webcfg *c = calloc(1, sizeof(*c));
	struct parse p = {.path = path, .c = c, .err = err, .errlen = errlen};
	const char *slash = strrchr(path, '/');
	p.dir = slash ? strndup(path, (size_t)(slash - path + 1)) : strdup("");
	if (!c || !p.dir) {
		free(c);
		free(p.dir);
		return xn_errf(err, errlen, -ENOMEM, "out of memory");
	}
	FILE *f = fopen(path, "re");
	int r = 0;
	if (!f)
		r = xn_errf(err, errlen, -errno, "--web-config %s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	bool too_long = false;
	for (int no = 1; !r && xn_read_line(f, &line, &cap, 4096, &too_long) > 0; no++)
		r = too_long ? bad(&p, no, "%s", "line longer than 4096 bytes")
		             : parse_line(&p, no, line);
	free(line);
	if (!r && p.tls_line)
		r = load_tls(&p);
	if (!r && !c->priorities)
		c->priorities = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"; /* TLS12 */
	if (f)
		fclose(f);
	free(p.dir);
	free(p.cert_file);
	free(p.key_file);
	free(p.ca_file);
	if (r) {
		xn_webcfg_free(c);
		return r;
	}
	*out = c;
	return 0;
}

void xn_webcfg_free(struct xn_webcfg *c)
{
	if (!c)
		return;
	free(c->cert_pem);
	free(c->key_pem);
	free(c->ca_pem);
	for (size_t i = 0; i < c->nr_users; i++) {
		free(c->users[i].name);
		free(c->users[i].hash);
	}
	free(c->users);
	free(c);
}
