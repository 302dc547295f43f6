/* replay_priv.h - what the two halves of the recorded-line parser share
 * (replay_parse.c: the line, host and domains; replay_parse_advice.c:
 * schema 2's vcpu_info and advice). Not for other modules: use replay.h. */
#ifndef XN_REPLAY_PRIV_H
#define XN_REPLAY_PRIV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"
#include "util.h"

/* Parse errors carry the field's path: "domains[3].node_pages". */
struct xn_rp_ctx {
	char *err;
	size_t errlen;
};

/* Set the reason and return -EINVAL (each parser file names it bad()). */
#define XN_RP_BAD(c, ...) xn_errf((c)->err, (c)->errlen, -EINVAL, __VA_ARGS__)

/* Optional fields of object o: missing or null leaves *known false (or
 * *out NULL); a wrong type or range is -EINVAL naming where+key. */
int xn_rp_get_u64(struct xn_rp_ctx *c, const json_t *o, const char *where, const char *key,
                  uint64_t max, uint64_t *out, bool *known);
int xn_rp_get_double(struct xn_rp_ctx *c, const json_t *o, const char *where, const char *key,
                     double *out, bool *known);
int xn_rp_get_bool(struct xn_rp_ctx *c, const json_t *o, const char *where, const char *key,
                   bool *out, bool *known);
int xn_rp_get_string(struct xn_rp_ctx *c, const json_t *o, const char *where, const char *key,
                     const char **out);
int xn_rp_get_array(struct xn_rp_ctx *c, const json_t *o, const char *where, const char *key,
                    const json_t **out);

/* Schema 2: domain object o's "vcpu_info" (d->vcpus must be set first) and
 * "advice" as the recorded advice (marks XN_DOM_RECORDED_ADVICE valid when present; the advice
 * itself is recomputed). w is the path prefix
 * ("domains[3]."). 0, -EINVAL or -ENOMEM. */
int xn_rp_parse_vcpu_info(struct xn_rp_ctx *c, const json_t *o, const char *w, struct xn_domain *d);
int xn_rp_parse_advice(struct xn_rp_ctx *c, const json_t *o, const char *w, struct xn_domain *d);

#endif
