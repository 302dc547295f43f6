/* auth.c - HTTP basic authentication against --web-config's bcrypt hashes
 * (webcfg.h). A verified name and password are remembered as a keyed
 * digest (never the password) for XN_AUTH_CACHE_SECONDS, so that a scraper
 * presenting the same credentials every few seconds costs one bcrypt. */
#include <crypt.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "webcfg.h"

enum { DIGEST = 32 }; /* HMAC-SHA-256 */

struct slot {
	uint64_t until_ns; /* 0: empty */
	unsigned char digest[DIGEST];
};

struct xn_auth {
	const struct xn_webcfg *c;
	pthread_mutex_t lock;
	unsigned char key[32]; /* random: a digest is worthless outside this process */
	struct slot slots[XN_AUTH_CACHE_SLOTS];
};

struct xn_auth *xn_auth_new(const struct xn_webcfg *c)
{
	struct xn_auth *a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	if (gnutls_rnd(GNUTLS_RND_KEY, a->key, sizeof(a->key))) {
		free(a);
		return NULL;
	}
	a->c = c;
	pthread_mutex_init(&a->lock, NULL);
	return a;
}

void xn_auth_free(struct xn_auth *a)
{
	if (!a)
		return;
	pthread_mutex_destroy(&a->lock);
	free(a);
}

/* RFC 4648 base64 of s (up to its end or a space) into out; -1 if invalid. */
static int unbase64(const char *s, char *out, size_t cap)
{
	static const char tab[] =
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;
	for (; *s && *s != '=' && *s != ' '; s++) {
		const char *p = strchr(tab, *s);
		if (!p || !*s)
			return -1;
		acc = (acc << 6) | (uint32_t)(p - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n + 1 >= cap)
				return -1;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[n] = '\0';
	return memchr(out, '\0', n) ? -1 : 0;
}

static bool same(const unsigned char *a, const unsigned char *b, size_t n)
{
	unsigned char d = 0;
	for (size_t i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

bool xn_auth_check(struct xn_auth *a, const char *header)
{
	if (!header || strncasecmp(header, "Basic ", 6))
		return false;
	char cred[512];
	if (unbase64(header + 6 + strspn(header + 6, " "), cred, sizeof(cred)))
		return false;
	char *colon = strchr(cred, ':');
	if (!colon)
		return false;
	*colon = '\0';
	const struct xn_web_user *u = NULL;
	for (size_t i = 0; i < a->c->nr_users && !u; i++)
		if (!strcmp(a->c->users[i].name, cred))
			u = &a->c->users[i];
	*colon = ':';
	unsigned char dg[DIGEST];
	if (!u ||
	    gnutls_hmac_fast(GNUTLS_MAC_SHA256, a->key, sizeof(a->key), cred, strlen(cred), dg))
		return false;
	uint64_t now = xn_now_mono_ns();
	bool hit = false;
	pthread_mutex_lock(&a->lock);
	for (int i = 0; i < XN_AUTH_CACHE_SLOTS && !hit; i++)
		hit = a->slots[i].until_ns > now && same(a->slots[i].digest, dg, DIGEST);
	pthread_mutex_unlock(&a->lock);
	if (hit)
		return true;
	struct crypt_data cd;
	memset(&cd, 0, sizeof(cd));
	const char *h = crypt_r(colon + 1, u->hash, &cd);
	explicit_bzero(cred, sizeof(cred));
	if (!h || strlen(h) != strlen(u->hash) ||
	    !same((const unsigned char *)h, (const unsigned char *)u->hash, strlen(h)))
		return false;
	/* remembered in the slot that expires first */
	pthread_mutex_lock(&a->lock);
	struct slot *s = &a->slots[0];
	for (int i = 1; i < XN_AUTH_CACHE_SLOTS; i++)
		if (a->slots[i].until_ns < s->until_ns)
			s = &a->slots[i];
	s->until_ns = now + (uint64_t)XN_AUTH_CACHE_SECONDS * 1000000000u;
	memcpy(s->digest, dg, DIGEST);
	pthread_mutex_unlock(&a->lock);
	return true;
}
