/* replay_get.c - typed getters of a recorded JSON object's fields, shared
 * by the replay parsers: each checks the type (and range) and, when wrong,
 * fails with a message that names the field (where + key). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "replay_priv.h"
#include "util.h"

#define bad XN_RP_BAD

/* Optional unsigned integer: *known false when missing or null. */
int xn_rp_get_u64(struct xn_rp_ctx *c, const json_t *o, const char *where, const char *key,
                  uint64_t max, uint64_t *out, bool *known)
{
	const json_t *v = json_object_get(o, key);
	*known = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return bad(c, "%s%s: expected an integer or null", where, key);
	json_int_t i = json_integer_value(v);
	if (i < 0 || (uint64_t)i > max)
		return bad(c, "%s%s: %lld is out of range", where, key, (long long)i);
	*out = (uint64_t)i;
	*known = true;
	return 0;
}

int xn_rp_get_double(struct xn_rp_ctx *c, const json_t *o, const char *where, const char *key,
                     double *out, bool *known)
{
	const json_t *v = json_object_get(o, key);
	*known = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_number(v))
		return bad(c, "%s%s: expected a number or null", where, key);
	*out = json_number_value(v);
	*known = true;
	return 0;
}

int xn_rp_get_bool(struct xn_rp_ctx *c, const json_t *o, const char *where, const char *key,
                   bool *out, bool *known)
{
	const json_t *v = json_object_get(o, key);
	*known = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return bad(c, "%s%s: expected true, false or null", where, key);
	*out = json_is_true(v);
	*known = true;
	return 0;
}

/* Optional string: NULL when missing or null. */
int xn_rp_get_string(struct xn_rp_ctx *c, const json_t *o, const char *where, const char *key,
                     const char **out)
{
	const json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(c, "%s%s: expected a string or null", where, key);
	*out = json_string_value(v);
	return 0;
}

/* Optional array: NULL when missing or null. */
int xn_rp_get_array(struct xn_rp_ctx *c, const json_t *o, const char *where, const char *key,
                    const json_t **out)
{
	const json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return bad(c, "%s%s: expected an array or null", where, key);
	*out = v;
	return 0;
}
