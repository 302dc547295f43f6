/* move_config_priv.h - what the config writer's files share (private to
 * src/move): the output buffer, xl's string and spec syntax, and the key
 * accounting that makes every key of `xl list -l` either written,
 * recreated by libxl itself, or a refusal naming it. */
#ifndef XN_MOVE_CONFIG_PRIV_H
#define XN_MOVE_CONFIG_PRIV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct out {
	char *buf;
	size_t len, used;
	bool full;
	bool bad;      /* a value xl's syntax cannot hold: refused */
	char *refused; /* keys that differ from their default and xl cannot
	                  express, ", "-separated (info->dropped) */
	size_t refused_len;
};

void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append ", name" to list (cut quietly when long: it is for words). */
void note(char *list, size_t len, const char *name);

/* An xl string literal "..." (quotes and backslashes escaped); a control
 * byte (< 0x20, 0x7f) cannot be written: -EINVAL, nothing put. */
int put_str(struct out *o, const char *s);

/* Whether s holds a byte below 0x20 or 0x7f. */
bool has_control(const char *s);

/* The keys of one JSON object, marked as they are handled. */
struct keys {
	const json_t *obj;
	const char *where; /* "c_info", "b_info", "disks[0]" ... for names */
	const char *done[64];
	size_t nr;
};

void keys_init(struct keys *k, const json_t *obj, const char *where);
/* The value of key (NULL when absent), marked handled. */
const json_t *take(struct keys *k, const char *key);
const char *take_str(struct keys *k, const char *key);
bool take_int(struct keys *k, const char *key, json_int_t *v);
/* libxl_defbool: 1 "True", 0 "False", -1 "<default>" or absent. */
int take_defbool(struct keys *k, const char *key);
/* Every key not handled whose value is not a default (null, "<default>",
 * "", 0, false, "default", "unknown", [], {}) goes to o->refused as
 * WHERE.KEY. */
void keys_finish(struct keys *k, struct out *o);
/* A handled key whose value cannot be carried over: refused by name. */
void refuse_key(struct out *o, const char *where, const char *key);

/* disk = [...] and vif = [...]; -EOPNOTSUPP (err says) for a device xl's
 * syntax cannot describe. */
int put_disks(struct out *o, const json_t *disks, char *err, size_t errlen);
int put_nics(struct out *o, const json_t *nics, char *err, size_t errlen);

#endif
