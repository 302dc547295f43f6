/* check.h - a minimal unit-test harness: every CHECK counts, every failure
 * prints where and what, and the binary exits non-zero if any failed. */
#ifndef XN_CHECK_H
#define XN_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int xn_checks_run, xn_checks_failed;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		xn_checks_run++;                                                                   \
		if (!(cond)) {                                                                     \
			xn_checks_failed++;                                                        \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
		}                                                                                  \
	} while (0)

#define CHECK_EQ_U64(a, b)                                                                         \
	do {                                                                                       \
		unsigned long long xa_ = (unsigned long long)(a), xb_ = (unsigned long long)(b);   \
		xn_checks_run++;                                                                   \
		if (xa_ != xb_) {                                                                  \
			xn_checks_failed++;                                                        \
			fprintf(stderr, "%s:%d: %s == %llu, expected %s == %llu\n", __FILE__,      \
			        __LINE__, #a, xa_, #b, xb_);                                       \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *xa_ = (a), *xb_ = (b);                                                 \
		xn_checks_run++;                                                                   \
		if (!xa_ || !xb_ || strcmp(xa_, xb_)) {                                            \
			xn_checks_failed++;                                                        \
			fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__,        \
			        __LINE__, #a, xa_ ? xa_ : "(null)", xb_ ? xb_ : "(null)");         \
		}                                                                                  \
	} while (0)

/* End of main(): print the tally, exit status for tests/run.sh. */
static inline int check_report(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, xn_checks_run, xn_checks_failed);
	return xn_checks_failed ? 1 : (xn_checks_run ? 0 : 1);
}

#endif
