/* move_keys.c - the config writer's shared syntax and key accounting (see
 * move_config_priv.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "move_config_priv.h"

void put(struct out *o, const char *fmt, ...)
{
	if (o->full)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->used) {
		o->full = true;
		return;
	}
	o->used += (size_t)n;
}

void note(char *list, size_t len, const char *name)
{
	size_t u = strlen(list);
	if (u + 1 < len)
		snprintf(list + u, len - u, "%s%s", u ? ", " : "", name);
}

bool has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

/* xl's lexer has no escape we trust for control bytes: refused. */
int put_str(struct out *o, const char *s)
{
	if (has_control(s))
		return -EINVAL;
	put(o, "\"");
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			put(o, "\\%c", *p);
		else
			put(o, "%c", *p);
	}
	put(o, "\"");
	return 0;
}

void keys_init(struct keys *k, const json_t *obj, const char *where)
{
	k->obj = json_is_object(obj) ? obj : NULL;
	k->where = where;
	k->nr = 0;
}

const json_t *take(struct keys *k, const char *key)
{
	if (k->nr < sizeof(k->done) / sizeof(k->done[0]))
		k->done[k->nr++] = key;
	return k->obj ? json_object_get(k->obj, key) : NULL;
}

const char *take_str(struct keys *k, const char *key)
{
	const json_t *v = take(k, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

bool take_int(struct keys *k, const char *key, json_int_t *v)
{
	const json_t *j = take(k, key);
	if (!json_is_integer(j))
		return false;
	*v = json_integer_value(j);
	return true;
}

int take_defbool(struct keys *k, const char *key)
{
	const json_t *v = take(k, key);
	if (json_is_true(v))
		return 1;
	if (json_is_false(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	return !strcmp(json_string_value(v), "True")    ? 1
	       : !strcmp(json_string_value(v), "False") ? 0
	                                                : -1;
}

static bool is_default(const json_t *v)
{
	if (!v || json_is_null(v) || json_is_false(v))
		return true;
	if (json_is_integer(v))
		return json_integer_value(v) == 0;
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		return !s[0] || !strcmp(s, "<default>") || !strcmp(s, "default") ||
		       !strcmp(s, "unknown");
	}
	if (json_is_array(v))
		return json_array_size(v) == 0;
	if (json_is_object(v))
		return json_object_size(v) == 0;
	return false;
}

void refuse_key(struct out *o, const char *where, const char *key)
{
	char name[96];
	snprintf(name, sizeof(name), "%s.%s", where, key);
	note(o->refused, o->refused_len, name);
}

void keys_finish(struct keys *k, struct out *o)
{
	if (!k->obj)
		return;
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)k->obj, key, v)
	{
		bool done = false;
		for (size_t i = 0; i < k->nr && !done; i++)
			done = !strcmp(k->done[i], key);
		if (!done && !is_default(v))
			refuse_key(o, k->where, key);
	}
}
